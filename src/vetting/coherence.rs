//! The `coherence` check: does the product fit the district's instructional strategy?
//!
//! Identifiers are compared exactly (see `profile::instruction`). The check fails on a
//! prohibited practice (a red flag unless the policy lowers it), warns on anything it cannot
//! confirm (an adopted curriculum the product claims no alignment to, a required practice it
//! does not state, another standards framework, a word outside the district's vocabulary,
//! no instructional approach at all), and passes naming the evidence it relied on.

use super::{check, Check, Status};
use crate::error::index;
use crate::profile::{
    overlap, subject_key, AdoptedCurriculum, Grade, Instruction, Profile, ScopedPractice, Strategy,
    Term,
};

/// Every grade from kindergarten to 12: what a product that lists no grades is taken to serve.
const ALL_GRADES: [Grade; 13] = [
    Grade(0),
    Grade(1),
    Grade(2),
    Grade(3),
    Grade(4),
    Grade(5),
    Grade(6),
    Grade(7),
    Grade(8),
    Grade(9),
    Grade(10),
    Grade(11),
    Grade(12),
];

pub(super) fn coherence(p: &Profile, strategy: &Strategy) -> Check {
    let empty = Instruction {
        approach: None,
        practices: Vec::new(),
        supplements: Vec::new(),
        standards: Vec::new(),
    };
    let instruction = p.instruction.as_ref().unwrap_or(&empty);
    // The district's adopted curricula the product says it supplements: a product built for the
    // district's reading curriculum teaches reading, whatever subjects it lists, so calling
    // itself "writing" cannot escape reading's rules; at its own grades where they overlap the
    // curriculum's, else at the curriculum's (a grade 6 product for a K-5 curriculum).
    let supplemented: Vec<&AdoptedCurriculum> = (strategy.curricula.iter())
        .filter(|c| (instruction.supplements.iter()).any(|s| s.curriculum == c.curriculum))
        .collect();

    // The grades the product serves, and those its outcome claims name. A product that names
    // no grade of its own is held to every rule, so that leaving them out cannot escape one.
    let mut grades: Vec<Grade> = p.grades.clone();
    if grades.is_empty() {
        grades = ALL_GRADES.to_vec();
    } else {
        for claimed in p.outcomes.iter().filter_map(|o| o.grades.as_ref()) {
            grades.extend(claimed.iter().filter(|g| !p.grades.contains(g)));
        }
    }
    let declared_grades = grades.clone();
    for c in supplemented
        .iter()
        .filter(|c| !overlap(&c.grades, &declared_grades))
    {
        grades.extend(c.grades.iter().filter(|g| !declared_grades.contains(g)));
    }
    let grades = grades.as_slice();
    // Likewise a product that names no subject, or one outside the district's vocabulary
    // ("ELA" where the district says "reading"): the prohibitions of every subject apply to it,
    // so that another word for a subject, alone or beside a known one, cannot escape a
    // prohibition. Curricula and required practices are held to the subjects it names in the
    // vocabulary (to every subject's when it names none there), so an honest extra word does
    // not bring in every other subject's curriculum. A strategy that names no subject has no
    // subject rules to escape.
    // The subjects of the curricula it supplements count as named.
    let declared: Vec<String> = p.subjects.iter().map(|s| subject_key(&s.0)).collect();
    let vocabulary = every_named_subject(strategy);
    let known = declared.iter().filter(|s| vocabulary.contains(s)).count();
    let unknown = declared.len() > known || declared.is_empty();
    let every_subject = !vocabulary.is_empty() && known == 0;
    let mut keys = declared.clone();
    for c in &supplemented {
        if !keys.contains(&c.subject.0) {
            keys.push(c.subject.0.clone());
        }
    }
    let subjects = if every_subject {
        vocabulary.clone()
    } else {
        keys.clone()
    };
    let widen = |named: Vec<String>| {
        if !vocabulary.is_empty() && unknown {
            vocabulary.clone()
        } else {
            named
        }
    };
    let prohibited_subjects = widen(keys);
    // What the product's own subjects and grades bring, to say when a rule applies only
    // through a curriculum it supplements.
    let declared_scope = (widen(declared), declared_grades);
    let uses = |t: &Term| instruction.practices.contains(t);

    let mut problems = Vec::new();
    let mut paths: Vec<String> = Vec::new();
    let mut evidence = Vec::new();

    // Each practice used that a prohibition applying to the product names, with that rule.
    let prohibited: Vec<(usize, &ScopedPractice)> = (instruction.practices.iter().enumerate())
        .filter_map(|(i, t)| {
            (strategy.prohibited_practices.iter())
                .find(|q| q.practice == *t && q.applies_to(&prohibited_subjects, grades))
                .map(|q| (i, q))
        })
        .collect();
    for (_, q) in &prohibited {
        // Say so when the rule applies only because a subject is outside the vocabulary, or
        // only through a curriculum the product supplements.
        let because = if q.subject.as_ref().is_some_and(|s| !subjects.contains(&s.0)) {
            " (applied because the product names a subject outside the district's vocabulary)"
                .to_string()
        } else if !q.applies_to(&declared_scope.0, &declared_scope.1) {
            // The curricula that brought the rule: those of its subject.
            let names: Vec<String> = (supplemented.iter())
                .filter(|c| q.subject.as_ref().is_none_or(|s| *s == c.subject))
                .map(|c| {
                    format!(
                        "{} ({} in grades {})",
                        c.curriculum.0,
                        c.subject.0,
                        grade_list(&c.grades)
                    )
                })
                .collect();
            format!(
                " (applied because the product supplements the district's {})",
                names.join(", ")
            )
        } else {
            String::new()
        };
        problems.push(format!(
            "The product uses the practice \"{}\", which the district prohibits for {}{because}.",
            q.practice.0,
            scope(q.subject.as_ref(), q.grades.as_deref())
        ));
    }
    paths.extend(
        prohibited
            .iter()
            .map(|(i, _)| index("instruction.practices", *i)),
    );
    let stated = !(instruction.practices.is_empty()
        && instruction.supplements.is_empty()
        && instruction.standards.is_empty());
    if !stated {
        problems.push("The profile states no instructional approach (practices, curricula supplemented, standards), so its fit with the district's strategy cannot be judged.".to_string());
        paths.push("instruction".into());
    } else if instruction.practices.is_empty()
        && (strategy.prohibited_practices.iter())
            .any(|q| q.applies_to(&prohibited_subjects, grades))
    {
        problems.push("The profile states no practices, so the district's prohibited practices cannot be ruled out.".to_string());
        paths.push("instruction.practices".into());
    }
    for c in &strategy.curricula {
        if !subjects.contains(&c.subject.0) || !overlap(&c.grades, grades) {
            continue;
        }
        match (instruction.supplements.iter()).find(|s| s.curriculum == c.curriculum) {
            Some(s) => evidence.push(format!(
                "alignment to {} ({}) at {}",
                c.curriculum.0, c.subject.0, s.evidence_url
            )),
            None => {
                problems.push(format!(
                    "The district's adopted {} curriculum for grades {} is {}, and the product names no alignment study or crosswalk to it.",
                    c.subject.0,
                    grade_list(&c.grades),
                    c.curriculum.0
                ));
                paths.push("instruction.supplements".into());
            }
        }
    }
    for q in &strategy.required_practices {
        if !q.applies_to(&subjects, grades) {
            continue;
        }
        if uses(&q.practice) {
            evidence.push(format!("the required practice {}", q.practice.0));
        } else {
            problems.push(format!(
                "The district requires {} for {}, and the product does not state that it uses it.",
                q.practice.0,
                scope(q.subject.as_ref(), q.grades.as_deref())
            ));
            paths.push("instruction.practices".into());
        }
    }
    if let Some(framework) = &strategy.standards {
        if instruction.standards.contains(framework) {
            evidence.push(format!("alignment to the {} standards", framework.0));
        } else {
            problems.push(format!(
                "The district teaches to the {} standards, and the product does not state alignment to them.",
                framework.0
            ));
            paths.push("instruction.standards".into());
        }
    }
    let unknown: Vec<&Term> = (instruction.practices.iter())
        .filter(|t| !strategy.known_practice(t))
        .collect();
    if !unknown.is_empty() {
        problems.push(format!(
            "The district's vocabulary does not define {}; a reviewer must judge {}.",
            practices_named(unknown.iter().copied()),
            if unknown.len() == 1 { "it" } else { "them" }
        ));
        paths.push("instruction.practices".into());
    }
    // A product whose subjects the district has no rules for (no curriculum, no rule scoped to
    // them), using practices the district's rules name for other subjects (a "writing" product
    // using the practices the district rules on for reading): it may teach those subjects under
    // another name, so a reviewer must judge it. (A product under rules of its own subjects is
    // judged by them: a reading product may use a practice prohibited in mathematics.)
    let ruled = |subject: &String| {
        (strategy.curricula.iter()).any(|c| c.subject.0 == *subject)
            || (strategy.required_practices.iter())
                .chain(&strategy.prohibited_practices)
                .any(|q| q.subject.as_ref().is_some_and(|s| s.0 == *subject))
    };
    let unruled = !prohibited_subjects.iter().any(ruled);
    let elsewhere: Vec<String> = (instruction.practices.iter())
        .filter(|_| unruled)
        .filter_map(|t| {
            let rules: Vec<&ScopedPractice> = (strategy.required_practices.iter())
                .chain(&strategy.prohibited_practices)
                .filter(|q| q.practice == *t)
                .collect();
            let scoped = !rules.is_empty()
                && rules.iter().all(|q| {
                    q.subject
                        .as_ref()
                        .is_some_and(|s| !prohibited_subjects.contains(&s.0))
                });
            let mut named: Vec<&str> = rules
                .iter()
                .filter_map(|q| q.subject.as_ref().map(|s| s.0.as_str()))
                .collect();
            named.sort_unstable();
            named.dedup();
            scoped.then(|| format!("\"{}\" ({})", t.0, named.join(", ")))
        })
        .collect();
    if !elsewhere.is_empty() {
        problems.push(format!(
            "The product uses {} that the district's rules name only for subjects it does not list: {}; a reviewer must judge whether it teaches {}.",
            if elsewhere.len() == 1 { "a practice" } else { "practices" },
            elsewhere.join(", "),
            if elsewhere.len() == 1 { "that subject" } else { "those subjects" },
        ));
        paths.push("subjects".into());
    }
    let outside: Vec<&str> = (p.subjects.iter())
        .map(|s| s.0.as_str())
        .filter(|s| !vocabulary.is_empty() && !strategy.known_subject(&subject_key(s)))
        .collect();
    if !outside.is_empty() {
        problems.push(format!(
            "The subject{} {} {} not among the district's subjects{}; a reviewer must judge {}.",
            if outside.len() == 1 { "" } else { "s" },
            quoted(&outside),
            if outside.len() == 1 { "is" } else { "are" },
            if every_subject {
                ", and the product names none that is, so every subject's rules were applied"
            } else {
                ", so every subject's prohibitions were applied"
            },
            if outside.len() == 1 { "it" } else { "them" },
        ));
        paths.push("subjects".into());
    } else if every_subject {
        problems.push(
            "The profile names no subject, so every subject's rules were applied.".to_string(),
        );
        paths.push("subjects".into());
    }

    let status = match (prohibited.is_empty(), problems.is_empty()) {
        (false, _) if strategy.prohibited_is_red_flag => Status::Fail,
        (true, true) => Status::Pass,
        _ => Status::Warn,
    };
    let mut message = problems.join(" ");
    if status == Status::Pass && evidence.is_empty() {
        message = "No practice the district prohibits is used, and none of the district's curricula, required practices or standards apply to the product's subjects and grades.".to_string();
    } else if status == Status::Pass {
        message = format!(
            "No practice the district prohibits is used. Evidence named: {}.",
            evidence.join("; ")
        );
    } else if !evidence.is_empty() {
        message.push_str(&format!(" Evidence named: {}.", evidence.join("; ")));
    }
    if let Some(approach) = instruction
        .approach
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        // Shown to the reviewer, never matched: on one line, quoted with its own quotes
        // escaped (so it cannot pass for the check's words), a long one cut near 300 characters.
        // Control and direction-changing characters could disguise it: they become spaces.
        let plain: String = approach
            .chars()
            .map(|c| {
                let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}');
                if c.is_control() || bidi { ' ' } else { c }
            })
            .collect();
        let one_line = plain.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut shown: String = one_line.chars().take(300).collect();
        if shown.len() < one_line.len() {
            if let Some(space) = shown.rfind(' ').filter(|&at| at >= 200) {
                shown.truncate(space);
            }
            shown.push_str(" ...");
        }
        let quoted = shown.replace('\\', "\\\\").replace('"', "\\\"");
        message.push_str(&format!(
            " The approach, in the vendor's words: \"{quoted}\""
        ));
    }
    if paths.is_empty() {
        paths.push("instruction".into());
    }
    paths.dedup();
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    check(
        "coherence",
        strategy.prohibited_is_red_flag,
        status,
        message,
        &paths,
    )
}

/// Every subject the strategy names: what a product naming none is held to.
fn every_named_subject(s: &Strategy) -> Vec<String> {
    let named = (s.subjects.iter())
        .chain(s.curricula.iter().map(|c| &c.subject))
        .chain(
            (s.required_practices.iter())
                .chain(&s.prohibited_practices)
                .filter_map(|p| p.subject.as_ref()),
        );
    let mut all: Vec<String> = named.map(|t| t.0.clone()).collect();
    all.sort();
    all.dedup();
    all
}

fn practices_named<'a>(terms: impl Iterator<Item = &'a Term>) -> String {
    let list: Vec<&str> = terms.map(|t| t.0.as_str()).collect();
    format!(
        "the practice{} {}",
        if list.len() == 1 { "" } else { "s" },
        quoted(&list)
    )
}

fn quoted(list: &[&str]) -> String {
    list.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "K-3", "K, 2, 4", "6-8".
fn grade_list(grades: &[Grade]) -> String {
    let mut g: Vec<u8> = grades.iter().map(|g| g.0).collect();
    g.sort_unstable();
    g.dedup();
    let name = |g: u8| {
        if g == 0 {
            "K".to_string()
        } else {
            g.to_string()
        }
    };
    let contiguous = g.windows(2).all(|w| w[1] == w[0] + 1);
    match (g.first(), g.last()) {
        (Some(&a), Some(&b)) if contiguous && b > a => format!("{}-{}", name(a), name(b)),
        _ => g.into_iter().map(name).collect::<Vec<_>>().join(", "),
    }
}

fn scope(subject: Option<&Term>, grades: Option<&[Grade]>) -> String {
    match (subject, grades) {
        (Some(s), Some(g)) => format!("{} in grades {}", s.0, grade_list(g)),
        (Some(s), None) => s.0.clone(),
        (None, Some(g)) => format!("grades {}", grade_list(g)),
        (None, None) => "every product".to_string(),
    }
}

#[cfg(test)]
mod tests;
