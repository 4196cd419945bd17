//! The outcomes-based contract: its types (which also generate its JSON Schema) and its reader.
//! Money is integer cents throughout.

use crate::error::Code;
use crate::error::{index, join, Error};
use crate::input::Reader;
use crate::input::{MAX_ARRAY_LEN, MAX_CENTS, MAX_TEXT_BYTES};
use crate::roster::{self, MAX_GRADE, MAX_MINUTES, MAX_SCORE, MAX_WEEKS, MIN_WEEKS};
use schemars::JsonSchema;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "Outcomes-based contract",
    description = "How a vendor is paid for measured student growth. Money is in integer cents."
)]
pub struct Contract {
    pub id: Option<String>,
    pub product_name: Option<String>,
    /// The vendor, as the report and the vendor's badge name it.
    pub vendor: Option<String>,
    /// The contract period as people say it, such as "2025-26".
    pub period: Option<String>,
    #[serde(default = "usd")]
    #[schemars(regex(pattern = r"^[A-Z]{3}$"))]
    pub currency: String,
    /// Paid once, whatever happens.
    #[serde(default)]
    #[schemars(range(min = 0, max = MAX_CENTS))]
    pub base_fee_cents: i64,
    /// Paid per enrolled intervention student.
    #[serde(default)]
    #[schemars(range(min = 0, max = MAX_CENTS))]
    pub per_student_base_cents: i64,
    pub metric: GrowthMetric,
    /// A student earns the tier with the highest threshold reached (`metric >= atLeast`).
    #[schemars(length(min = 1, max = MAX_ARRAY_LEN))]
    pub payment_card: Vec<Tier>,
    pub fidelity: Fidelity,
    #[serde(default)]
    pub below_fidelity: BelowFidelity,
    pub district_obligation: Option<DistrictObligation>,
    /// Subtracted per at-fidelity student whose gain (post - pre) is negative.
    #[serde(default)]
    #[schemars(range(min = 0, max = MAX_CENTS))]
    pub decline_penalty_cents: i64,
    #[schemars(range(min = 0, max = MAX_CENTS))]
    pub cap_cents: Option<i64>,
    #[schemars(range(min = 0, max = MAX_CENTS))]
    pub floor_cents: Option<i64>,
    #[serde(default)]
    pub missing_outcome: MissingOutcome,
    /// No published figure describes fewer students than this (default 10, as most states use;
    /// at least 5, the smallest minimum states use: NCES 2011-603).
    #[serde(default = "ten")]
    #[schemars(range(min = MIN_CELL_SIZE_FLOOR, max = MAX_CELL_SIZE))]
    pub min_cell_size: u64,
    /// Roster columns to break results down by (`grade` and `school` allowed; never the id,
    /// a score, minutes or weeks).
    #[serde(default)]
    #[schemars(length(max = MAX_SUBGROUP_COLUMNS))]
    pub subgroup_columns: Vec<String>,
    /// A subgroup column with more distinct values than this is refused: it identifies
    /// students rather than grouping them (default 100).
    #[serde(default = "hundred")]
    #[schemars(range(min = 2, max = roster::MAX_SUBGROUP_VALUES))]
    pub max_subgroup_values: u64,
    /// Students were randomly assigned to intervention and comparison.
    #[serde(default)]
    pub randomized: bool,
    /// The unit of assignment: by school means the effect gets WWC's clustering correction.
    #[serde(default)]
    pub assigned_by: AssignedBy,
    /// Intraclass correlation for the clustering correction (WWC default for achievement: 0.20).
    #[serde(default = "default_icc")]
    #[schemars(range(min = 0.0), extend("exclusiveMaximum" = 1))]
    pub icc: f64,
    /// Who evaluates: the independence of the evaluator is stated, never assumed.
    pub evaluator: Option<Evaluator>,
    /// The evidence rules for the local comparison's rating and tier (a vetting policy;
    /// defaults as in `vetProduct`).
    pub evidence_policy: Option<crate::profile::Policy>,
    /// Header names of the roster's columns, when they differ from the defaults.
    #[serde(default)]
    pub columns: Columns,
    /// The district's own exports instead of one roster: where each field is in the usage,
    /// scores and student files, and each file's shape (see `evaluateContract`'s sources).
    pub intake: Option<crate::intake::Intake>,
    #[serde(default)]
    pub on_bad_row: OnBadRow,
    /// The district's own costs of the programme beside the payment, for the cost figures.
    pub district_costs: Option<crate::cost::DistrictCosts>,
    /// The share of students meeting the target the dosage required is read at, and its
    /// bootstrap's resamples and seed.
    #[serde(default)]
    pub dosage_required: crate::dosage::Settings,
}

fn usd() -> String {
    "USD".into()
}
fn ten() -> u64 {
    10
}
fn hundred() -> u64 {
    100
}

/// The smallest minimum cell size accepted (NCES 2011-603: states use 5 to 30, most 10).
pub const MIN_CELL_SIZE_FLOOR: u64 = 5;
/// The largest minimum cell size accepted.
pub const MAX_CELL_SIZE: u64 = 1000;
/// The most subgroup columns a contract may name.
pub const MAX_SUBGROUP_COLUMNS: usize = 20;
fn default_icc() -> f64 {
    crate::stats::DEFAULT_ICC
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum GrowthMetric {
    /// post - pre
    Gain,
    /// (post - pre) / (maxScore - pre)
    #[serde(rename_all = "camelCase")]
    NormalizedGain {
        #[schemars(range(min = -MAX_SCORE, max = MAX_SCORE))]
        max_score: f64,
    },
    /// gain / typical growth for the grade * 100, prorated by weeks where the norm gives weeks;
    /// or, with `perStudent`, gain / the student's own typical growth * 100 (the roster's
    /// `typical_growth` column, such as NWEA's TypicalFallToSpringGrowth), without norms
    #[serde(rename_all = "camelCase")]
    PercentOfTypical {
        #[serde(default)]
        #[schemars(length(max = MAX_ARRAY_LEN))]
        norms: Vec<TypicalNorm>,
        #[serde(default)]
        per_student: bool,
    },
    /// (gain - mean) / sd for the grade: a z-score
    GrowthIndex {
        #[schemars(length(min = 1, max = MAX_ARRAY_LEN))]
        norms: Vec<IndexNorm>,
    },
    /// the post-test score itself, for a cut score such as a reading gate
    PostScore,
}

impl GrowthMetric {
    pub fn kind(&self) -> &'static str {
        match self {
            GrowthMetric::Gain => "gain",
            GrowthMetric::NormalizedGain { .. } => "normalizedGain",
            GrowthMetric::PercentOfTypical { .. } => "percentOfTypical",
            GrowthMetric::GrowthIndex { .. } => "growthIndex",
            GrowthMetric::PostScore => "postScore",
        }
    }
    /// The metric needs each student's grade to find its norm.
    pub fn needs_grade(&self) -> bool {
        matches!(
            self,
            GrowthMetric::PercentOfTypical {
                per_student: false,
                ..
            } | GrowthMetric::GrowthIndex { .. }
        )
    }
    /// The metric measures growth (not a post-test score alone), so it has a rate per hour.
    pub fn is_growth(&self) -> bool {
        !matches!(self, GrowthMetric::PostScore)
    }

    /// The metric takes each student's own typical growth from the roster.
    pub fn per_student(&self) -> bool {
        matches!(
            self,
            GrowthMetric::PercentOfTypical {
                per_student: true,
                ..
            }
        )
    }
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TypicalNorm {
    #[schemars(range(min = 0, max = MAX_GRADE))]
    pub grade: u8,
    #[schemars(range(min = MIN_NORM, max = MAX_SCORE))]
    pub typical_growth: f64,
    /// The weeks the typical growth is for; a student's norm is prorated by weeks enrolled.
    #[schemars(range(min = MIN_WEEKS, max = MAX_WEEKS))]
    pub weeks: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IndexNorm {
    #[schemars(range(min = 0, max = MAX_GRADE))]
    pub grade: u8,
    #[schemars(range(min = -MAX_SCORE, max = MAX_SCORE))]
    pub mean: f64,
    #[schemars(range(min = MIN_NORM, max = MAX_SCORE))]
    pub sd: f64,
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tier {
    #[schemars(regex(pattern = r"\S"), length(max = MAX_TEXT_BYTES))]
    pub label: String,
    #[schemars(range(min = -MAX_SCORE, max = MAX_SCORE))]
    pub at_least: f64,
    #[schemars(range(min = 0, max = MAX_CENTS))]
    pub cents_per_student: i64,
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fidelity {
    #[schemars(range(min = 0.0, max = MAX_MINUTES))]
    pub min_minutes_per_week: f64,
    #[schemars(range(min = 0.0, max = MAX_WEEKS))]
    pub min_weeks: f64,
    /// The weekly rule: at fidelity when at least this share of the student's weeks reach
    /// `minMinutesPerWeek` (and the weeks reach `minWeeks`), instead of the average over the
    /// weeks: 80% of the weeks at 80% of the recommended minutes is 0.8 with 0.8 x the
    /// recommended minutes. Needs each student's weeks at the minimum: a long usage log
    /// (`intake`), or a `weeks_at_minimum` roster column. (Utah's R277-496-2(5), as published
    /// 2017-2019, asked 80% of a school's students to reach 80% of the recommended weeks and of
    /// the recommended average minutes: the average rule at 80% of each, with
    /// `districtObligation.minShareAtFidelity` 0.8.)
    #[schemars(range(min = 0.0, max = 1.0))]
    pub min_share_of_weeks: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, JsonSchema, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BelowFidelity {
    /// Enrolled and paid the per-student base, no outcome payment.
    #[default]
    BaseOnly,
    /// Paid as if the top tier were reached: the vendor is not penalised for the district's dosage.
    FullOutcome,
    /// Not enrolled: no base, no outcome.
    Excluded,
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Evaluator {
    #[schemars(regex(pattern = r"\S"), length(max = MAX_TEXT_BYTES))]
    pub name: String,
    /// The evaluator has no financial tie to the vendor.
    pub independent: bool,
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DistrictObligation {
    /// Below this share of enrolled students at fidelity, the district pays in full.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub min_share_at_fidelity: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, JsonSchema, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MissingOutcome {
    /// Left out of outcome payments and growth statistics.
    #[default]
    Exclude,
    /// Counted as not meeting the target.
    NotMet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, JsonSchema, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AssignedBy {
    #[default]
    Student,
    School,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, JsonSchema, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OnBadRow {
    /// Any bad row fails the evaluation, listing the bad rows.
    #[default]
    Reject,
    /// Bad rows are left out of everything and reported.
    Skip,
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Columns {
    pub student_id: String,
    pub pre: String,
    pub post: String,
    pub minutes: String,
    pub weeks: String,
    pub grade: String,
    pub group: String,
    pub school: String,
    pub district: String,
    /// Each student's weeks reaching `minMinutesPerWeek`, for the weekly fidelity rule.
    pub weeks_at_minimum: String,
    /// Each student's typical growth, for `percentOfTypical` with `perStudent`.
    pub typical_growth: String,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            student_id: "student_id".into(),
            pre: "pre".into(),
            post: "post".into(),
            minutes: "minutes".into(),
            weeks: "weeks".into(),
            grade: "grade".into(),
            group: "group".into(),
            school: "school".into(),
            district: "district".into(),
            weeks_at_minimum: "weeks_at_minimum".into(),
            typical_growth: "typical_growth".into(),
        }
    }
}

impl Contract {
    /// What the top tier (the highest threshold, which pays the most) pays per student.
    pub fn top_tier_cents(&self) -> i64 {
        self.tiers_ascending()
            .last()
            .map_or(0, |t| t.cents_per_student)
    }

    /// The tiers sorted by threshold, lowest first.
    pub fn tiers_ascending(&self) -> Vec<&Tier> {
        let mut tiers: Vec<&Tier> = self.payment_card.iter().collect();
        tiers.sort_by(|a, b| a.at_least.total_cmp(&b.at_least));
        tiers
    }

    pub fn from_json(v: &Value) -> Result<Contract, Error> {
        let mut r = Reader::new();
        let c = read_contract(&mut r, v);
        r.finish(c, Code::InvalidContract, "contract")
    }
}

/// The smallest norm (typical growth, SD) accepted: dividing by less makes meaningless numbers.
pub const MIN_NORM: f64 = 1e-6;

/// A number from `lo` to `hi`, or an `outOfRange` error saying so.
fn bounded(lo: f64, hi: f64) -> impl Fn(&mut Reader, &Value, &str) -> Option<f64> {
    move |r, v, p| {
        let x = r.number(v, p)?;
        r.check(
            (lo..=hi).contains(&x),
            p,
            Code::OutOfRange,
            &format!("Expected a number from {lo:e} to {hi:e}."),
        )
        .then_some(x)
    }
}

fn metric(r: &mut Reader, v: &Value, path: &str) -> Option<GrowthMetric> {
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
    let known: &[&str] = match kind {
        "normalizedGain" => &["kind", "maxScore"],
        "percentOfTypical" => &["kind", "norms", "perStudent"],
        "growthIndex" => &["kind", "norms"],
        _ => &["kind"],
    };
    let o = r.object(v, path, known)?;
    let kind = r.req(o, path, "kind", |r, v, p| {
        r.choice(
            v,
            p,
            &[
                "gain",
                "normalizedGain",
                "percentOfTypical",
                "growthIndex",
                "postScore",
            ],
        )
    })?;
    let norms_path = join(path, "norms");
    let unique_grades = |r: &mut Reader, grades: Vec<u8>| {
        let mut seen = [false; 13];
        for (i, g) in grades.into_iter().enumerate() {
            if std::mem::replace(&mut seen[g as usize], true) {
                r.fail(
                    &join(&index(&norms_path, i), "grade"),
                    Code::Duplicate,
                    format!("Grade {g} has more than one norm."),
                );
            }
        }
    };
    let non_empty = |r: &mut Reader, n: usize| {
        r.check(
            n > 0,
            &norms_path,
            Code::Empty,
            "At least one norm is needed.",
        )
    };
    Some(match kind {
        "gain" => GrowthMetric::Gain,
        "postScore" => GrowthMetric::PostScore,
        "normalizedGain" => GrowthMetric::NormalizedGain {
            max_score: r.req(o, path, "maxScore", bounded(-MAX_SCORE, MAX_SCORE))?,
        },
        "percentOfTypical" if r.opt(o, path, "perStudent", Reader::boolean) == Some(true) => {
            r.check(
                o.get("norms").is_none_or(Value::is_null),
                &norms_path,
                Code::Inconsistent,
                "With perStudent, each student's typical growth comes from the roster: give norms or perStudent, not both.",
            )
            .then_some(())?;
            GrowthMetric::PercentOfTypical {
                norms: Vec::new(),
                per_student: true,
            }
        }
        "percentOfTypical" => {
            let norms = r.req(o, path, "norms", |r, v, p| {
                r.array(v, p, |r, v, p| {
                    let o = r.object(v, p, &["grade", "typicalGrowth", "weeks"])?;
                    let grade = r.req(o, p, "grade", Reader::grade);
                    let typical_growth = r.req(o, p, "typicalGrowth", bounded(MIN_NORM, MAX_SCORE));
                    let weeks = r.opt(o, p, "weeks", bounded(MIN_WEEKS, MAX_WEEKS));
                    Some(TypicalNorm {
                        grade: grade?,
                        typical_growth: typical_growth?,
                        weeks,
                    })
                })
            })?;
            unique_grades(r, norms.iter().map(|n| n.grade).collect());
            non_empty(r, norms.len()).then_some(())?;
            GrowthMetric::PercentOfTypical {
                norms,
                per_student: false,
            }
        }
        _ => {
            let norms = r.req(o, path, "norms", |r, v, p| {
                r.array(v, p, |r, v, p| {
                    let o = r.object(v, p, &["grade", "mean", "sd"])?;
                    let grade = r.req(o, p, "grade", Reader::grade);
                    let mean = r.req(o, p, "mean", bounded(-MAX_SCORE, MAX_SCORE));
                    let sd = r.req(o, p, "sd", bounded(MIN_NORM, MAX_SCORE));
                    Some(IndexNorm {
                        grade: grade?,
                        mean: mean?,
                        sd: sd?,
                    })
                })
            })?;
            unique_grades(r, norms.iter().map(|n| n.grade).collect());
            non_empty(r, norms.len()).then_some(())?;
            GrowthMetric::GrowthIndex { norms }
        }
    })
}

fn tier(r: &mut Reader, v: &Value, path: &str) -> Option<Tier> {
    let o = r.object(v, path, &["label", "atLeast", "centsPerStudent"])?;
    let label = r.req(o, path, "label", Reader::text);
    let at_least = r.req(o, path, "atLeast", bounded(-MAX_SCORE, MAX_SCORE));
    let cents_per_student = r.req(o, path, "centsPerStudent", Reader::cents);
    Some(Tier {
        label: label?,
        at_least: at_least?,
        cents_per_student: cents_per_student?,
    })
}

fn columns(r: &mut Reader, v: &Value, path: &str) -> Option<Columns> {
    const KEYS: [&str; 11] = [
        "studentId",
        "pre",
        "post",
        "minutes",
        "weeks",
        "grade",
        "group",
        "school",
        "district",
        "weeksAtMinimum",
        "typicalGrowth",
    ];
    let o = r.object(v, path, &KEYS)?;
    let mut c = Columns::default();
    let slots = [
        &mut c.student_id,
        &mut c.pre,
        &mut c.post,
        &mut c.minutes,
        &mut c.weeks,
        &mut c.grade,
        &mut c.group,
        &mut c.school,
        &mut c.district,
        &mut c.weeks_at_minimum,
        &mut c.typical_growth,
    ];
    for (key, slot) in KEYS.iter().zip(slots) {
        if let Some(name) = r.opt(o, path, key, Reader::text) {
            *slot = name;
        }
    }
    // Two roles read from one column would read wrong values without a word: `pre` given as
    // "post" made every gain 0.
    let names = |c: &Columns| {
        [
            c.student_id.clone(),
            c.pre.clone(),
            c.post.clone(),
            c.minutes.clone(),
            c.weeks.clone(),
            c.grade.clone(),
            c.group.clone(),
            c.school.clone(),
            c.district.clone(),
            c.weeks_at_minimum.clone(),
            c.typical_growth.clone(),
        ]
    };
    let (given, defaults) = (names(&c), names(&Columns::default()));
    for (i, name) in given.iter().enumerate() {
        if let Some(j) = given[..i].iter().position(|earlier| earlier == name) {
            // At the role the contract set (the other may be left at its default).
            let at = if given[i] == defaults[i] { j } else { i };
            r.fail(
                &join(path, KEYS[at]),
                Code::Duplicate,
                format!(
                    "{} and {} name the same roster column, \"{name}\": each needs its own.",
                    KEYS[j], KEYS[i]
                ),
            );
        }
    }
    Some(c)
}

/// The contract's fields, as the JSON names them.
const CONTRACT_FIELDS: &[&str] = &[
    "id",
    "productName",
    "vendor",
    "period",
    "currency",
    "baseFeeCents",
    "perStudentBaseCents",
    "metric",
    "paymentCard",
    "fidelity",
    "belowFidelity",
    "districtObligation",
    "declinePenaltyCents",
    "capCents",
    "floorCents",
    "missingOutcome",
    "minCellSize",
    "subgroupColumns",
    "maxSubgroupValues",
    "randomized",
    "assignedBy",
    "icc",
    "evaluator",
    "evidencePolicy",
    "columns",
    "intake",
    "onBadRow",
    "districtCosts",
    "dosageRequired",
];

/// Reads every field, each on its own, then checks the rules that join fields; every problem
/// is recorded, so a contract with several is reported whole.
fn read_contract(r: &mut Reader, v: &Value) -> Option<Contract> {
    let o = r.object(v, "", CONTRACT_FIELDS)?;
    let id = r.opt(o, "", "id", Reader::string);
    let product_name = r.opt(o, "", "productName", Reader::string);
    let vendor = r.opt(o, "", "vendor", Reader::string);
    let period = r.opt(o, "", "period", Reader::string);
    let currency = r.opt(o, "", "currency", currency).unwrap_or_else(usd);
    let base_fee_cents = r.opt(o, "", "baseFeeCents", Reader::cents).unwrap_or(0);
    let per_student_base_cents = r
        .opt(o, "", "perStudentBaseCents", Reader::cents)
        .unwrap_or(0);
    let metric = r.req(o, "", "metric", metric);
    let payment_card = r.req(o, "", "paymentCard", payment_card);
    let fidelity = r.req(o, "", "fidelity", fidelity);
    let below_fidelity = r
        .opt(o, "", "belowFidelity", Reader::one_of)
        .unwrap_or_default();
    let district_obligation = r.opt(o, "", "districtObligation", district_obligation);
    let decline_penalty_cents = r
        .opt(o, "", "declinePenaltyCents", Reader::cents)
        .unwrap_or(0);
    let cap_cents = r.opt(o, "", "capCents", Reader::cents);
    let floor_cents = r.opt(o, "", "floorCents", Reader::cents);
    let missing_outcome = r
        .opt(o, "", "missingOutcome", Reader::one_of)
        .unwrap_or_default();
    let min_cell_size = r.opt(o, "", "minCellSize", min_cell_size).unwrap_or(10);
    let subgroup_columns = r
        .opt(o, "", "subgroupColumns", subgroup_columns)
        .unwrap_or_default();
    let max_subgroup_values = r
        .opt(o, "", "maxSubgroupValues", max_subgroup_values)
        .unwrap_or_else(hundred);
    let randomized = r.opt(o, "", "randomized", Reader::boolean).unwrap_or(false);
    let assigned_by = r
        .opt(o, "", "assignedBy", Reader::one_of)
        .unwrap_or_default();
    let icc = r
        .opt(o, "", "icc", crate::stats::read_icc)
        .unwrap_or_else(default_icc);
    let evaluator = r.opt(o, "", "evaluator", evaluator);
    let evidence_policy = r.opt(o, "", "evidencePolicy", crate::profile::Policy::read);
    let columns = r.opt(o, "", "columns", columns).unwrap_or_default();
    let intake = r.opt(o, "", "intake", crate::intake::read);
    let on_bad_row = r.opt(o, "", "onBadRow", Reader::one_of).unwrap_or_default();
    let district_costs = r.opt(o, "", "districtCosts", crate::cost::read);
    let dosage_required = r
        .opt(o, "", "dosageRequired", crate::dosage::read)
        .unwrap_or_default();

    // The rules that join fields, on whatever could be read.
    if let (Some(cap), Some(floor)) = (cap_cents, floor_cents) {
        r.check(
            floor <= cap,
            "floorCents",
            Code::OutOfRange,
            "The floor cannot be above the cap.",
        );
    }
    no_identifying_subgroup(r, &subgroup_columns, &columns);

    Some(Contract {
        id,
        product_name,
        vendor,
        period,
        currency,
        base_fee_cents,
        per_student_base_cents,
        metric: metric?,
        payment_card: payment_card?,
        fidelity: fidelity?,
        below_fidelity,
        district_obligation,
        decline_penalty_cents,
        cap_cents,
        floor_cents,
        missing_outcome,
        min_cell_size,
        subgroup_columns,
        max_subgroup_values,
        randomized,
        assigned_by,
        icc,
        evaluator,
        evidence_policy,
        columns,
        intake,
        on_bad_row,
        district_costs,
        dosage_required,
    })
}

fn currency(r: &mut Reader, v: &Value, p: &str) -> Option<String> {
    let s = r.string(v, p)?;
    let ok = s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase());
    r.check(
        ok,
        p,
        Code::InvalidValue,
        "Expected a three-letter currency code such as \"USD\".",
    )
    .then_some(s)
}

/// The tiers, each threshold once, a higher one never paying less (more growth must never
/// earn less).
fn payment_card(r: &mut Reader, v: &Value, p: &str) -> Option<Vec<Tier>> {
    let card = r.array(v, p, tier)?;
    if !r.check(
        !card.is_empty(),
        p,
        Code::Empty,
        "The payment card needs at least one tier.",
    ) {
        return None;
    }
    for (i, t) in card.iter().enumerate() {
        if card[..i].iter().any(|e| e.at_least == t.at_least) {
            r.fail(
                &join(&index(p, i), "atLeast"),
                Code::Duplicate,
                "Two tiers have the same threshold.",
            );
        }
        if card[..i].iter().any(|e| e.label == t.label) {
            r.fail(
                &join(&index(p, i), "label"),
                Code::Duplicate,
                format!(
                    "Two tiers are labelled \"{}\": the report would publish two tiers a reader cannot tell apart.",
                    t.label
                ),
            );
        }
        let lower = card
            .iter()
            .filter(|e| e.at_least < t.at_least)
            .map(|e| e.cents_per_student)
            .max();
        if let Some(lower) = lower.filter(|&lower| t.cents_per_student < lower) {
            r.fail(
                &join(&index(p, i), "centsPerStudent"),
                Code::DecreasingTier,
                format!(
                    "This tier has a higher threshold than another but pays less ({} < {} cents): more growth must never earn less.",
                    t.cents_per_student, lower
                ),
            );
        }
    }
    Some(card)
}

fn fidelity(r: &mut Reader, v: &Value, p: &str) -> Option<Fidelity> {
    let f = r.object(v, p, &["minMinutesPerWeek", "minWeeks", "minShareOfWeeks"])?;
    let min_minutes_per_week = r.req(f, p, "minMinutesPerWeek", bounded(0.0, MAX_MINUTES));
    let min_weeks = r.req(f, p, "minWeeks", bounded(0.0, MAX_WEEKS));
    let min_share_of_weeks = r.opt(f, p, "minShareOfWeeks", Reader::fraction);
    Some(Fidelity {
        min_minutes_per_week: min_minutes_per_week?,
        min_weeks: min_weeks?,
        min_share_of_weeks,
    })
}

fn district_obligation(r: &mut Reader, v: &Value, p: &str) -> Option<DistrictObligation> {
    let d = r.object(v, p, &["minShareAtFidelity"])?;
    Some(DistrictObligation {
        min_share_at_fidelity: r.req(d, p, "minShareAtFidelity", Reader::fraction)?,
    })
}

fn min_cell_size(r: &mut Reader, v: &Value, p: &str) -> Option<u64> {
    let n = r.count(v, p)?;
    r.check(
        (MIN_CELL_SIZE_FLOOR..=MAX_CELL_SIZE).contains(&n),
        p,
        Code::OutOfRange,
        "A minimum cell size is from 5 to 1000 students: fewer would publish figures about one or two students (states use 5 to 30, most 10; NCES 2011-603).",
    )
    .then_some(n)
}

fn subgroup_columns(r: &mut Reader, v: &Value, p: &str) -> Option<Vec<String>> {
    let cols = r.array(v, p, Reader::text)?;
    r.check(
        cols.len() <= MAX_SUBGROUP_COLUMNS,
        p,
        Code::TooLong,
        &format!("At most {MAX_SUBGROUP_COLUMNS} subgroup columns are accepted."),
    )
    .then_some(cols)
}

fn max_subgroup_values(r: &mut Reader, v: &Value, p: &str) -> Option<u64> {
    let n = r.count(v, p)?;
    r.check(
        (2..=roster::MAX_SUBGROUP_VALUES as u64).contains(&n),
        p,
        Code::OutOfRange,
        "The most distinct values of a subgroup column is from 2 to 1000.",
    )
    .then_some(n)
}

fn evaluator(r: &mut Reader, v: &Value, p: &str) -> Option<Evaluator> {
    let e = r.object(v, p, &["name", "independent"])?;
    let name = r.req(e, p, "name", Reader::text);
    let independent = r.req(e, p, "independent", Reader::boolean);
    Some(Evaluator {
        name: name?,
        independent: independent?,
    })
}

/// A subgroup column that is the id, a score, minutes or weeks would label each student.
fn no_identifying_subgroup(r: &mut Reader, subgroup_columns: &[String], columns: &Columns) {
    for (i, name) in subgroup_columns.iter().enumerate() {
        let is = |column: &str| crate::input::fold_name(column) == crate::input::fold_name(name);
        let identifying = [
            (&columns.student_id, "the student id"),
            (&columns.pre, "a score"),
            (&columns.post, "a score"),
            (&columns.minutes, "the minutes of use"),
            (&columns.weeks, "the weeks enrolled"),
            (&columns.weeks_at_minimum, "the weeks at the weekly minimum"),
            (&columns.typical_growth, "a student's typical growth"),
        ]
        .into_iter()
        .find(|(column, _)| is(column));
        if let Some((_, what)) = identifying {
            r.fail(
                &index("subgroupColumns", i),
                Code::IdentifyingColumn,
                format!("\"{name}\" is {what}: as a subgroup column it would publish every student's own value."),
            );
        }
    }
}

/// The contract's JSON Schema (2020-12), generated from the types; the committed copy is what ships.
#[cfg(test)]
pub fn contract_schema() -> Value {
    schemars::schema_for!(Contract).to_value()
}

#[cfg(test)]
mod schema_fields {
    use super::*;
    use serde_json::json;

    /// Each object the contract's readers read knows exactly the fields the committed schema
    /// declares there, for every metric and every optional part.
    #[test]
    fn the_readers_know_the_schemas_fields() {
        let schema: Value =
            serde_json::from_str(include_str!("../schemas/contract.schema.json")).unwrap();
        let metrics = [
            json!({ "kind": "gain" }),
            json!({ "kind": "normalizedGain", "maxScore": 100 }),
            json!({ "kind": "percentOfTypical", "norms": [{ "grade": 3, "typicalGrowth": 10, "weeks": 30 }] }),
            json!({ "kind": "percentOfTypical", "perStudent": true }),
            json!({ "kind": "growthIndex", "norms": [{ "grade": 3, "mean": 10, "sd": 2 }] }),
            json!({ "kind": "postScore" }),
        ];
        // Each metric with an intake section of long files, then of wide ones.
        let intakes = [
            json!({ "period": { "start": "2025-08-18", "end": "2026-05-29" },
                "usage": { "shape": "long", "studentId": "id", "minutes": "m", "date": "d" },
                "scores": { "shape": "long", "studentId": "id", "window": "w", "score": "s",
                    "preWindow": "Fall", "postWindow": "Spring", "subject": { "column": "c", "value": "v" },
                    "date": "d", "twoInAWindow": "highest", "marked": "k" },
                "students": { "studentId": "id", "school": "s", "grade": "g", "group": "p", "district": "d" } }),
            json!({ "usage": { "shape": "wide", "studentId": "id", "minutes": "m", "weeks": "w" },
                "scores": { "shape": "wide", "studentId": "id", "pre": "a", "post": "b" } }),
        ];
        let strategy = json!({ "subjects": ["reading"], "practices": ["p"],
            "curricula": [{ "curriculum": "c", "subject": "reading", "grades": [1] }],
            "requiredPractices": [{ "practice": "r", "subject": "reading", "grades": [1] }],
            "prohibitedPractices": [{ "practice": "x", "subject": "reading", "grades": [1] }],
            "standards": "ccss", "prohibitedIsRedFlag": false });
        let costs = json!({ "staff": [{ "activity": "training", "hours": 1.5, "centsPerHour": 1 }],
            "devicesCents": 1, "otherCents": 1, "priceYear": 2025 });
        for (k, metric) in metrics.into_iter().enumerate() {
            let contract = json!({
                "id": "C-1", "productName": "P", "vendor": "V", "period": "2025-26", "currency": "USD",
                "baseFeeCents": 1, "perStudentBaseCents": 1, "metric": metric,
                "paymentCard": [{ "label": "a", "atLeast": 1, "centsPerStudent": 1 }],
                "fidelity": { "minMinutesPerWeek": 1, "minWeeks": 1, "minShareOfWeeks": 0.8 },
                "belowFidelity": "baseOnly",
                "districtObligation": { "minShareAtFidelity": 0.5 }, "declinePenaltyCents": 1,
                "capCents": 10, "floorCents": 1, "missingOutcome": "exclude", "minCellSize": 10,
                "subgroupColumns": ["ell"], "maxSubgroupValues": 10, "randomized": true,
                "assignedBy": "school", "icc": 0.2, "evaluator": { "name": "E", "independent": true },
                "evidencePolicy": { "maxScreenMinutesPerWeek": 45, "acceptedStates": ["TX"],
                    "attritionBoundary": "cautious", "minStudents": 350, "minSites": 2, "alpha": 0.05,
                    "siteUnit": "district", "minEffectSizePer10Hours": 0.05,
                    "strategy": strategy },
                "columns": { "studentId": "a", "pre": "b", "post": "c", "minutes": "d", "weeks": "e",
                    "grade": "f", "group": "g", "school": "h", "district": "i", "weeksAtMinimum": "j",
                    "typicalGrowth": "l" },
                "intake": intakes[k % 2],
                "onBadRow": "skip", "districtCosts": costs,
                "dosageRequired": { "share": 0.75, "resamples": 200, "seed": 3 }
            });
            let mut r = Reader::new();
            assert!(read_contract(&mut r, &contract).is_some(), "{:?}", r.errors);
            assert_eq!(r.errors, []);
            let paths: Vec<&str> = r.objects.iter().map(|(p, _)| p.as_str()).collect();
            for part in [
                "",
                "metric",
                "paymentCard[0]",
                "fidelity",
                "districtObligation",
            ] {
                assert!(paths.contains(&part), "{part} in {paths:?}");
            }
            for part in [
                "evaluator",
                "evidencePolicy",
                "evidencePolicy.strategy.curricula[0]",
                "evidencePolicy.strategy.requiredPractices[0]",
                "evidencePolicy.strategy.prohibitedPractices[0]",
                "districtCosts.staff[0]",
                "columns",
                "intake.usage",
            ] {
                assert!(paths.contains(&part), "{part} in {paths:?}");
            }
            crate::input::tests::assert_fields_match_schema(&r, &schema);
        }
    }
    /// Each field's own problems come first, in the order of the fields, then the rules that
    /// join fields: the first error (the headline) is the first field that cannot be read.
    #[test]
    fn fields_are_read_before_the_rules_that_join_them() {
        let contract = json!({
            "metric": { "kind": "gain" },
            "paymentCard": [{ "label": "a", "atLeast": 1, "centsPerStudent": 1 }],
            "fidelity": { "minMinutesPerWeek": 1, "minWeeks": 1 },
            "capCents": 100, "floorCents": 200, "missingOutcome": "bogus",
            "subgroupColumns": ["student_id"], "onBadRow": "bogus"
        });
        let mut r = Reader::new();
        read_contract(&mut r, &contract);
        let found: Vec<(&str, Code)> = r.errors.iter().map(|e| (e.path.as_str(), e.code)).collect();
        assert_eq!(
            found,
            [
                ("missingOutcome", Code::InvalidValue),
                ("onBadRow", Code::InvalidValue),
                ("floorCents", Code::OutOfRange),
                ("subgroupColumns[0]", Code::IdentifyingColumn),
            ]
        );
    }
}
