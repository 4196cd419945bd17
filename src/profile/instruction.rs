//! The district's instructional strategy (in the policy) and the product's instructional
//! approach (in the profile), which the `coherence` check compares.
//!
//! They meet only through identifiers the policy declares: short lowercase words joined by
//! hyphens ("systematic-phonics", "three-cueing", "el-education"). The check compares them
//! exactly; it never guesses that two different words mean the same practice, and a product
//! word the district's vocabulary does not hold is shown to the reviewer, never passed.

use crate::error::Code;
use crate::input::{Reader, MAX_ARRAY_LEN, MAX_TEXT_BYTES};
use schemars::JsonSchema;
use serde_json::Value;

use super::{grade, Grade};

/// The longest identifier accepted.
pub const MAX_TERM_BYTES: usize = 64;

/// An identifier from the district's vocabulary: lowercase ASCII letters and digits, in words
/// joined by single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, JsonSchema, serde::Serialize)]
#[serde(transparent)]
pub struct Term(
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"), length(max = MAX_TERM_BYTES))]
    pub  String,
);

/// How the product teaches, in the district's identifiers.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Instruction {
    /// The approach in the vendor's own words, shown to the reviewer and never matched.
    #[schemars(length(max = MAX_TEXT_BYTES))]
    pub approach: Option<String>,
    /// The instructional practices the product uses, as identifiers ("systematic-phonics").
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub practices: Vec<Term>,
    /// The core curricula the product is built to supplement, each with its evidence.
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub supplements: Vec<Supplement>,
    /// The standards frameworks the product states alignment to ("ccss").
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub standards: Vec<Term>,
}

/// A curriculum the product supplements, with the alignment study or crosswalk that shows it.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Supplement {
    pub curriculum: Term,
    /// A link to the alignment study or crosswalk.
    #[schemars(regex(pattern = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+\S*$"))]
    pub evidence_url: String,
}

/// The district's instructional strategy: what it adopted, requires and prohibits.
#[derive(Debug, Clone, PartialEq, JsonSchema, serde::Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Strategy {
    /// The subjects the district names, as identifiers; a product subject outside them (and
    /// outside the subjects the curricula and practices below name) is left to the reviewer.
    /// A product's subjects are compared ignoring case and surrounding spaces.
    #[serde(default)]
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub subjects: Vec<Term>,
    /// The adopted core curricula, each for a subject and grades.
    #[serde(default)]
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub curricula: Vec<AdoptedCurriculum>,
    /// Practices the district recognises, beyond those it requires or prohibits.
    #[serde(default)]
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub practices: Vec<Term>,
    /// Practices a product for the subject and grades must use.
    #[serde(default)]
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub required_practices: Vec<ScopedPractice>,
    /// Practices a product must not use. For example, three-cueing in reading in grades K-3:
    /// N.C. Gen. Stat. 115C-83.12 ("shall not use a three-cueing system ... in grades
    /// kindergarten through three"); Ohio Rev. Code 3313.6028; Ind. Code 20-26-12-24.5;
    /// Wis. Stat. 118.015 (2023 Act 20). The laws word it differently, so the district
    /// names the practice and its scope, and the check applies exactly that.
    #[serde(default)]
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub prohibited_practices: Vec<ScopedPractice>,
    /// The standards framework the district teaches to ("ccss").
    pub standards: Option<Term>,
    /// Whether a prohibited practice is a red flag (true, the default) or a warning.
    #[serde(default = "yes")]
    pub prohibited_is_red_flag: bool,
}

fn yes() -> bool {
    true
}

/// A core curriculum the district adopted.
#[derive(Debug, Clone, PartialEq, JsonSchema, serde::Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdoptedCurriculum {
    pub curriculum: Term,
    pub subject: Term,
    /// The grades it is adopted for; 0 is kindergarten.
    #[schemars(length(min = 1, max = 13))]
    pub grades: Vec<Grade>,
}

/// A practice, for a subject and grades or for every product.
#[derive(Debug, Clone, PartialEq, JsonSchema, serde::Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScopedPractice {
    pub practice: Term,
    /// The subject it applies to; absent means every subject.
    pub subject: Option<Term>,
    /// The grades it applies to; absent means every grade.
    #[schemars(length(min = 1, max = 13))]
    pub grades: Option<Vec<Grade>>,
}

impl ScopedPractice {
    /// Whether the practice applies to a product for `subjects` (compared as [`subject_key`])
    /// and `grades`.
    pub fn applies_to(&self, subjects: &[String], grades: &[Grade]) -> bool {
        let subject = self
            .subject
            .as_ref()
            .is_none_or(|s| subjects.contains(&s.0));
        let grade = self.grades.as_ref().is_none_or(|g| overlap(g, grades));
        subject && grade
    }
}

impl ScopedPractice {
    /// Whether two rules' scopes share a subject and a grade (an absent scope is every one).
    fn overlaps(&self, other: &ScopedPractice) -> bool {
        let subject = match (&self.subject, &other.subject) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        let grade = match (&self.grades, &other.grades) {
            (Some(a), Some(b)) => overlap(a, b),
            _ => true,
        };
        subject && grade
    }
}

/// Whether two lists of grades share one.
pub fn overlap(a: &[Grade], b: &[Grade]) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// A product's subject as the strategy's identifiers are compared with it: in lowercase, its
/// words joined by hyphens ("English Language Arts" is "english-language-arts").
pub fn subject_key(subject: &str) -> String {
    subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_ascii_lowercase()
}

impl Strategy {
    /// Every practice the district's vocabulary holds.
    pub fn known_practice(&self, practice: &Term) -> bool {
        self.practices.contains(practice)
            || self
                .required_practices
                .iter()
                .chain(&self.prohibited_practices)
                .any(|p| p.practice == *practice)
    }

    /// Every subject the district's vocabulary holds.
    pub fn known_subject(&self, subject: &str) -> bool {
        self.subjects.iter().any(|s| s.0 == subject)
            || self.curricula.iter().any(|c| c.subject.0 == subject)
            || self
                .required_practices
                .iter()
                .chain(&self.prohibited_practices)
                .any(|p| p.subject.as_ref().is_some_and(|s| s.0 == subject))
    }
}

// ---------------------------------------------------------------- readers

pub(super) fn term(r: &mut Reader, v: &Value, path: &str) -> Option<Term> {
    let s = r.string(v, path)?;
    let ok = s.len() <= MAX_TERM_BYTES
        && !s.is_empty()
        && s.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    r.check(
        ok,
        path,
        Code::InvalidIdentifier,
        &format!("Expected an identifier of at most {MAX_TERM_BYTES} characters: lowercase letters and digits in words joined by single hyphens, such as \"systematic-phonics\"."),
    )
    .then_some(Term(s))
}

fn terms(r: &mut Reader, v: &Value, path: &str) -> Option<Vec<Term>> {
    let list = r.array(v, path, term)?;
    unique(r, &list, path, |t| t);
    Some(list)
}

/// Records every entry after the first whose key repeats an earlier one.
fn unique<T, K: PartialEq>(r: &mut Reader, list: &[T], path: &str, key: impl Fn(&T) -> &K) {
    for (i, item) in list.iter().enumerate() {
        if list[..i].iter().any(|earlier| key(earlier) == key(item)) {
            r.fail(
                &crate::error::index(path, i),
                Code::Duplicate,
                "This is listed already.",
            );
        }
    }
}

fn grades(r: &mut Reader, v: &Value, path: &str) -> Option<Vec<Grade>> {
    let list = r.array(v, path, grade)?;
    let ok = r.check(
        !list.is_empty(),
        path,
        Code::Empty,
        "List at least one grade, or leave grades out.",
    );
    unique(r, &list, path, |g| &g.0);
    ok.then_some(list)
}

fn supplement(r: &mut Reader, v: &Value, path: &str) -> Option<Supplement> {
    let o = r.object(v, path, &["curriculum", "evidenceUrl"])?;
    let curriculum = r.req(o, path, "curriculum", term);
    let evidence_url = r.req(o, path, "evidenceUrl", Reader::url);
    Some(Supplement {
        curriculum: curriculum?,
        evidence_url: evidence_url?,
    })
}

pub(super) fn instruction(r: &mut Reader, v: &Value, path: &str) -> Option<Instruction> {
    let o = r.object(
        v,
        path,
        &["approach", "practices", "supplements", "standards"],
    )?;
    let approach = r.opt(o, path, "approach", Reader::string);
    let practices = r.opt(o, path, "practices", terms);
    let supplements = r.opt(o, path, "supplements", |r, v, p| {
        let list = r.array(v, p, supplement)?;
        unique(r, &list, p, |s| &s.curriculum);
        Some(list)
    });
    let standards = r.opt(o, path, "standards", terms);
    Some(Instruction {
        approach,
        practices: practices.unwrap_or_default(),
        supplements: supplements.unwrap_or_default(),
        standards: standards.unwrap_or_default(),
    })
}

fn adopted(r: &mut Reader, v: &Value, path: &str) -> Option<AdoptedCurriculum> {
    let o = r.object(v, path, &["curriculum", "subject", "grades"])?;
    let curriculum = r.req(o, path, "curriculum", term);
    let subject = r.req(o, path, "subject", term);
    let grades = r.req(o, path, "grades", grades);
    Some(AdoptedCurriculum {
        curriculum: curriculum?,
        subject: subject?,
        grades: grades?,
    })
}

fn scoped(r: &mut Reader, v: &Value, path: &str) -> Option<ScopedPractice> {
    let o = r.object(v, path, &["practice", "subject", "grades"])?;
    let practice = r.req(o, path, "practice", term);
    let subject = r.opt(o, path, "subject", term);
    let grades = r.opt(o, path, "grades", grades);
    Some(ScopedPractice {
        practice: practice?,
        subject,
        grades,
    })
}

pub(super) fn strategy(r: &mut Reader, v: &Value, path: &str) -> Option<Strategy> {
    let o = r.object(
        v,
        path,
        &[
            "subjects",
            "curricula",
            "practices",
            "requiredPractices",
            "prohibitedPractices",
            "standards",
            "prohibitedIsRedFlag",
        ],
    )?;
    let subjects = r.opt(o, path, "subjects", terms);
    let curricula = r.opt(o, path, "curricula", |r, v, p| r.array(v, p, adopted));
    let practices = r.opt(o, path, "practices", terms);
    let required = r.opt(o, path, "requiredPractices", |r, v, p| {
        r.array(v, p, scoped)
    });
    let prohibited = r.opt(o, path, "prohibitedPractices", |r, v, p| {
        r.array(v, p, scoped)
    });
    let standards = r.opt(o, path, "standards", term);
    let red_flag = r.opt(o, path, "prohibitedIsRedFlag", Reader::boolean);
    let strategy = Strategy {
        subjects: subjects.unwrap_or_default(),
        curricula: curricula.unwrap_or_default(),
        practices: practices.unwrap_or_default(),
        required_practices: required.unwrap_or_default(),
        prohibited_practices: prohibited.unwrap_or_default(),
        standards,
        prohibited_is_red_flag: red_flag.unwrap_or(true),
    };
    // A practice both required and prohibited for one subject and grade cannot be judged (it
    // may be required in some grades and prohibited in others).
    for (i, p) in strategy.prohibited_practices.iter().enumerate() {
        let both = strategy
            .required_practices
            .iter()
            .any(|q| q.practice == p.practice && q.overlaps(p));
        r.check(
            !both,
            &crate::error::join(&crate::error::index(&crate::error::join(path, "prohibitedPractices"), i), "practice"),
            Code::Inconsistent,
            "This practice is also in requiredPractices for some of the same subject and grades; a practice is required or prohibited there, not both.",
        );
    }
    Some(strategy)
}
