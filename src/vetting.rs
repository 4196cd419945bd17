//! Vetting a product profile: the four red flags and the further warnings, WWC study ratings,
//! and the ESSA evidence tier (ESEA section 8101(21), as WWC maps its ratings to tiers).

use crate::error::{index, Error};
use crate::profile::{ApprovalStatus, Design, Policy, Profile, Study};
use crate::stats::{self, baseline_equivalence};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// Stable id: `independentResearch`, `screenTime`, `seaApproval`, `clearOutcomes`,
    /// `trainingIncluded`, `studentDataAdvertising`, `aiEvidence`.
    pub id: &'static str,
    pub status: Status,
    pub red_flag: bool,
    pub message: String,
    /// The profile fields the check looked at.
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Rating {
    MeetsWithoutReservations,
    MeetsWithReservations,
    DoesNotMeet,
    NotRated,
}

impl Rating {
    fn meets(self) -> bool {
        matches!(
            self,
            Rating::MeetsWithoutReservations | Rating::MeetsWithReservations
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StudyVerdict {
    pub index: usize,
    pub rating: Rating,
    /// The effect size: computed from `summary` when given, else as stated; null when unknown.
    pub g: Option<f64>,
    pub p_value: Option<f64>,
    pub significant: bool,
    pub reasons: Vec<String>,
    #[serde(skip)]
    favorable: bool,
}

impl StudyVerdict {
    fn significant_positive(&self) -> bool {
        self.significant && self.favorable
    }
    fn significant_negative(&self) -> bool {
        self.significant && !self.favorable && self.g.is_some_and(|g| g != 0.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    Recommended,
    Caution,
    NotRecommended,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vetting {
    pub product: String,
    pub vendor: String,
    pub verdict: Verdict,
    /// How many of the four red flags fail.
    pub red_flags: usize,
    pub checks: Vec<Check>,
    pub essa_tier: Option<u8>,
    pub essa_rationale: String,
    pub studies: Vec<StudyVerdict>,
}

/// Vets a valid profile under a policy.
pub fn vet(profile: &Profile, policy: &Policy) -> Vetting {
    let studies: Vec<StudyVerdict> = profile
        .studies
        .iter()
        .enumerate()
        .map(|(i, s)| rate_study(i, s, policy))
        .collect();
    let checks = vec![
        independent_research(profile),
        screen_time(profile, policy),
        sea_approval(profile, policy),
        clear_outcomes(profile),
        training_included(profile),
        student_data_advertising(profile),
        ai_evidence(profile, &studies),
    ];
    let red_flags = checks
        .iter()
        .filter(|c| c.red_flag && c.status == Status::Fail)
        .count();
    let verdict = if red_flags > 0 {
        Verdict::NotRecommended
    } else if checks.iter().any(|c| c.status != Status::Pass) {
        Verdict::Caution
    } else {
        Verdict::Recommended
    };
    let (essa_tier, essa_rationale) = essa_tier(&profile.studies, &studies, policy);
    Vetting {
        product: profile.name.clone(),
        vendor: profile.vendor.clone(),
        verdict,
        red_flags,
        checks,
        essa_tier,
        essa_rationale,
        studies,
    }
}

/// Parses, validates and vets; an invalid profile is `invalidProfile`, a bad policy `invalidPolicy`.
pub fn vet_json(profile: &Value, policy: Option<&Value>) -> Result<Vetting, Error> {
    let policy = Policy::from_json(policy)?;
    let profile = Profile::from_json(profile)?;
    Ok(vet(&profile, &policy))
}

fn check(
    id: &'static str,
    red_flag: bool,
    status: Status,
    message: String,
    paths: &[&str],
) -> Check {
    Check {
        id,
        status,
        red_flag,
        message,
        paths: paths.iter().map(|p| p.to_string()).collect(),
    }
}

fn is_research(s: &Study) -> bool {
    s.design != Design::LogicModel
}

fn independent_research(p: &Profile) -> Check {
    let independent = p
        .studies
        .iter()
        .filter(|s| s.independent && is_research(s))
        .count();
    let findable = p.research_on_homepage == Some(true) && p.research_url.is_some();
    let (status, message) = if independent == 0 {
        (Status::Fail, "No study by an independent party (one with no financial tie to the vendor) is listed; developer-commissioned evaluations tend to report larger effects.".to_string())
    } else if !findable {
        (Status::Warn, format!(
            "{independent} independent stud{} listed, but the research is hard to find: it needs a research link that is also on the product's home page.",
            if independent == 1 { "y is" } else { "ies are" }
        ))
    } else {
        (
            Status::Pass,
            format!(
                "{independent} independent stud{} listed and linked from the home page.",
                if independent == 1 { "y is" } else { "ies are" }
            ),
        )
    };
    check(
        "independentResearch",
        true,
        status,
        message,
        &["studies", "researchUrl", "researchOnHomepage"],
    )
}

fn screen_time(p: &Profile, policy: &Policy) -> Check {
    let max = policy.max_screen_minutes_per_week;
    let (status, message) = match &p.dosage {
        None => (Status::Warn, "No dosage is stated, so screen time cannot be judged.".to_string()),
        Some(d) if d.minutes_per_week >= max => (
            Status::Fail,
            format!("The prescribed {} minutes a week is at or above the {max}-minute screen-time limit.", d.minutes_per_week),
        ),
        Some(d) => (
            Status::Pass,
            format!("The prescribed {} minutes a week is under the {max}-minute screen-time limit.", d.minutes_per_week),
        ),
    };
    check(
        "screenTime",
        true,
        status,
        message,
        &["dosage.minutesPerWeek"],
    )
}

fn sea_approval(p: &Profile, policy: &Policy) -> Check {
    let accepted = |state: &str| {
        policy.accepted_states.is_empty() || policy.accepted_states.iter().any(|s| s.0 == state)
    };
    let approved: Vec<&str> = p
        .sea_approvals
        .iter()
        .filter(|a| a.status == ApprovalStatus::Approved && accepted(&a.state.0))
        .map(|a| a.state.0.as_str())
        .collect();
    let (status, message) = if approved.is_empty() {
        let other: Vec<String> = p
            .sea_approvals
            .iter()
            .map(|a| format!("{} {}", a.state.0, status_word(a.status)))
            .collect();
        let scope = if policy.accepted_states.is_empty() {
            "any state education agency".to_string()
        } else {
            let states: Vec<&str> = policy
                .accepted_states
                .iter()
                .map(|s| s.0.as_str())
                .collect();
            format!("an accepted state education agency ({})", states.join(", "))
        };
        let listed = if other.is_empty() {
            String::new()
        } else {
            format!(" Listed: {}.", other.join(", "))
        };
        (Status::Fail, format!("No approval from {scope}.{listed}"))
    } else {
        (
            Status::Pass,
            format!(
                "Approved by the state education agency of {}.",
                approved.join(", ")
            ),
        )
    };
    check("seaApproval", true, status, message, &["seaApprovals"])
}

fn status_word(s: ApprovalStatus) -> &'static str {
    match s {
        ApprovalStatus::Approved => "approved",
        ApprovalStatus::Pending => "pending",
        ApprovalStatus::Rejected => "rejected",
        ApprovalStatus::Expired => "expired",
    }
}

fn clear_outcomes(p: &Profile) -> Check {
    let (status, message) = match (p.outcomes.is_empty(), &p.dosage) {
        (true, _) => (
            Status::Fail,
            "No measurable outcome (a measure, a metric and a value) is stated.".to_string(),
        ),
        (false, None) => (
            Status::Fail,
            "Outcomes are stated, but not the dosage needed to reach them.".to_string(),
        ),
        (false, Some(d)) => (
            Status::Pass,
            format!(
                "{} measurable outcome{} stated for a dose of {} minutes a week for {} weeks.",
                p.outcomes.len(),
                if p.outcomes.len() == 1 { "" } else { "s" },
                d.minutes_per_week,
                d.weeks
            ),
        ),
    };
    check(
        "clearOutcomes",
        true,
        status,
        message,
        &["outcomes", "dosage"],
    )
}

fn training_included(p: &Profile) -> Check {
    let (status, message) = match (p.training.included, p.training.fee_cents.unwrap_or(0)) {
        (false, _) => (Status::Fail, "Teacher training is not included: implementing with fidelity is left to the district.".to_string()),
        (true, fee) if fee > 0 => (
            Status::Fail,
            format!("Teacher training is charged for ({}): the vendor monetizes implementation fidelity.", format_cents(fee)),
        ),
        _ => (Status::Pass, "Teacher training is included at no charge.".to_string()),
    };
    check("trainingIncluded", false, status, message, &["training"])
}

fn student_data_advertising(p: &Profile) -> Check {
    let d = &p.data_practices;
    let (status, message) = match (
        d.advertising_uses_student_data,
        d.sells_student_data == Some(true),
    ) {
        (true, true) => (
            Status::Fail,
            "Student data feeds advertising and is sold.".to_string(),
        ),
        (true, false) => (Status::Fail, "Student data feeds advertising.".to_string()),
        (false, true) => (Status::Fail, "Student data is sold.".to_string()),
        (false, false) => (
            Status::Pass,
            "Student data is neither used for advertising nor sold.".to_string(),
        ),
    };
    check(
        "studentDataAdvertising",
        false,
        status,
        message,
        &["dataPractices"],
    )
}

fn ai_evidence(p: &Profile, verdicts: &[StudyVerdict]) -> Check {
    let uses_ai = p.ai.as_ref().is_some_and(|a| a.uses_generative_ai);
    let proven = p
        .studies
        .iter()
        .zip(verdicts)
        .any(|(s, v)| s.covers_ai == Some(true) && is_research(s) && v.significant_positive());
    let (status, message) = match (uses_ai, proven) {
        (false, _) => (Status::Pass, "The product does not use generative AI.".to_string()),
        (true, true) => (Status::Pass, "The product's generative AI is covered by a study with a significant positive effect.".to_string()),
        (true, false) => (
            Status::Fail,
            "The product uses generative AI, and no study with a significant positive effect covers it.".to_string(),
        ),
    };
    check("aiEvidence", false, status, message, &["ai", "studies"])
}

/// `$1,234.56` from cents.
pub fn format_cents(cents: i64) -> String {
    let (sign, c) = if cents < 0 {
        ("-", cents.unsigned_abs())
    } else {
        ("", cents as u64)
    };
    let dollars = (c / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", c % 100)
}

/// The study's effect and significance, then its WWC rating with the reasons for it.
pub fn rate_study(i: usize, s: &Study, policy: &Policy) -> StudyVerdict {
    let mut reasons = Vec::new();
    let (g, p_value, favorable) = match s.summary.as_ref().map(stats::effect_size) {
        Some(Ok(r)) => {
            reasons.push(format!(
                "Effect computed from the group statistics: g = {:.3}, p = {:.3}.",
                r.g, r.p_value
            ));
            (Some(r.g), Some(r.p_value), r.favorable)
        }
        Some(Err(e)) => {
            reasons.push(format!(
                "The group statistics give no effect size: {}",
                e.message
            ));
            (None, None, false)
        }
        None => (
            s.effect_size,
            s.p_value,
            s.effect_size.is_some_and(|g| g > 0.0),
        ),
    };
    let significant = p_value.is_some_and(|p| p < policy.alpha) && g.is_some();
    if g.is_none() {
        reasons.push("No effect size is reported.".into());
    } else if p_value.is_none() {
        reasons.push("No p-value is reported, so the effect is not counted as significant.".into());
    }
    if !s.independent && is_research(s) {
        reasons.push("Commissioned or run by the vendor: developer-commissioned evaluations tend to report larger effects.".into());
    }
    let baseline_holds = |reasons: &mut Vec<String>| -> bool {
        match s.baseline_effect_size {
            None => {
                reasons.push("Baseline equivalence is not shown (no pre-test effect size).".into());
                false
            }
            Some(b) => {
                let adjusted = s.baseline_adjusted == Some(true);
                let holds = baseline_equivalence(b).holds(adjusted);
                let how = match (b.abs() <= 0.05, b.abs() <= 0.25) {
                    (true, _) => "within 0.05 SD".to_string(),
                    (false, true) if adjusted => {
                        "within 0.25 SD with statistical adjustment".to_string()
                    }
                    (false, true) => {
                        "between 0.05 and 0.25 SD without statistical adjustment".to_string()
                    }
                    _ => "more than 0.25 SD".to_string(),
                };
                reasons.push(format!(
                    "Baseline difference {b:+.3} SD is {how}: equivalence {}.",
                    if holds { "holds" } else { "is not shown" }
                ));
                holds
            }
        }
    };
    let rating = match s.design {
        Design::Correlational | Design::LogicModel => {
            reasons.push("Correlational studies and logic models are not rated by WWC group-design standards.".into());
            Rating::NotRated
        }
        Design::Rct | Design::ClusterRct => match &s.attrition {
            Some(a) => {
                let st = a.rates().status(policy.attrition_boundary);
                let boundary = st
                    .boundary
                    .map(|b| format!("the {b:.1}-point boundary"))
                    .unwrap_or_else(|| "any boundary (overall attrition too high)".into());
                reasons.push(format!(
                    "Attrition {:.1}% overall, {:.1} points differential: {} against {}.",
                    st.overall * 100.0,
                    st.differential * 100.0,
                    if st.low { "low" } else { "high" },
                    boundary
                ));
                if st.low {
                    Rating::MeetsWithoutReservations
                } else if baseline_holds(&mut reasons) {
                    Rating::MeetsWithReservations
                } else {
                    Rating::DoesNotMeet
                }
            }
            None => {
                reasons.push("No attrition is reported, so the study is rated as a quasi-experiment would be.".into());
                if baseline_holds(&mut reasons) {
                    Rating::MeetsWithReservations
                } else {
                    Rating::DoesNotMeet
                }
            }
        },
        Design::Qed => {
            if baseline_holds(&mut reasons) {
                Rating::MeetsWithReservations
            } else {
                Rating::DoesNotMeet
            }
        }
    };
    StudyVerdict {
        index: i,
        rating,
        g,
        p_value,
        significant,
        reasons,
        favorable,
    }
}

/// The highest ESSA tier the studies support, with a sentence saying why.
pub fn essa_tier(
    studies: &[Study],
    verdicts: &[StudyVerdict],
    policy: &Policy,
) -> (Option<u8>, String) {
    let pairs: Vec<(&Study, &StudyVerdict)> = studies.iter().zip(verdicts).collect();
    let negative: Vec<usize> = pairs
        .iter()
        .filter(|(_, v)| v.rating.meets() && v.significant_negative())
        .map(|(_, v)| v.index)
        .collect();
    let sample = |ratings: &[Rating]| -> (u64, u64, usize) {
        pairs
            .iter()
            .filter(|(_, v)| ratings.contains(&v.rating) && v.significant_positive())
            .fold((0, 0, 0), |(n, sites, k), (s, _)| {
                (
                    n + s.sample_size.unwrap_or(0),
                    sites + s.sites.unwrap_or(0),
                    k + 1,
                )
            })
    };
    let enough =
        |(n, sites, _): (u64, u64, usize)| n >= policy.min_students && sites >= policy.min_sites;
    let describe = |(n, sites, k): (u64, u64, usize)| {
        format!(
            "{k} qualifying stud{} with {n} students in {sites} sites",
            if k == 1 { "y" } else { "ies" }
        )
    };
    let need = format!(
        "minimum of {} students and {} sites",
        policy.min_students, policy.min_sites
    );
    let without = sample(&[Rating::MeetsWithoutReservations]);
    let with = sample(&[
        Rating::MeetsWithoutReservations,
        Rating::MeetsWithReservations,
    ]);
    let list = |ix: &[usize]| {
        ix.iter()
            .map(|i| index("studies", *i))
            .collect::<Vec<_>>()
            .join(", ")
    };

    let correlational = pairs.iter().find(|(s, v)| {
        s.design == Design::Correlational
            && s.controls_for_selection == Some(true)
            && v.significant_positive()
    });
    // ESSA: positive evidence counts only when not overridden by significant negative evidence.
    if !negative.is_empty() && (with.2 > 0 || correlational.is_some()) {
        return (
            None,
            format!(
                "Positive findings are overridden by a statistically significant negative effect in a study that meets WWC standards ({}), so no tier 1-3 rating applies.",
                list(&negative)
            ),
        );
    }
    if without.2 > 0 && enough(without) {
        return (Some(1), format!(
            "Strong evidence (tier 1): a well-designed experimental study meets WWC standards without reservations and shows a statistically significant positive effect; together, {} reach the policy's {need}.",
            describe(without)
        ));
    }
    if with.2 > 0 && enough(with) {
        return (Some(2), format!(
            "Moderate evidence (tier 2): a study meets WWC standards with reservations and shows a statistically significant positive effect; together, {} reach the policy's {need}.",
            describe(with)
        ));
    }
    if with.2 > 0 {
        return (Some(3), format!(
            "Promising evidence (tier 3): a study meeting WWC standards shows a statistically significant positive effect, but {} fall short of the policy's {need} for tier 1 or 2.",
            describe(with)
        ));
    }
    if let Some((_, v)) = correlational {
        return (Some(3), format!(
            "Promising evidence (tier 3): a correlational study ({}) with statistical controls for selection bias shows a statistically significant positive effect.",
            index("studies", v.index)
        ));
    }
    if let Some((_, v)) = pairs
        .iter()
        .find(|(s, _)| s.design == Design::LogicModel && s.ongoing == Some(true))
    {
        return (Some(4), format!(
            "Demonstrates a rationale (tier 4): a research-based logic model ({}) with an ongoing evaluation; no study yet shows a statistically significant positive effect.",
            index("studies", v.index)
        ));
    }
    let why = if studies.is_empty() {
        "no study is listed".to_string()
    } else {
        "no study meeting WWC standards or correlational study with controls shows a statistically significant positive effect, and no logic model has an ongoing evaluation".to_string()
    };
    (None, format!("No ESSA evidence tier: {why}."))
}

/// `validateProfile`: every problem at once, never an error for bad content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    pub valid: bool,
    pub errors: Vec<crate::FieldError>,
}

pub fn validate_json(
    profile: Result<Value, Error>,
    policy: Option<&Value>,
) -> Result<Validation, Error> {
    Policy::from_json(policy)?;
    let errors = match profile {
        Ok(v) => match Profile::from_json(&v) {
            Ok(_) => Vec::new(),
            Err(e) => e.field_errors().to_vec(),
        },
        Err(e) => vec![crate::FieldError {
            path: String::new(),
            code: e.code,
            message: e.message,
        }],
    };
    Ok(Validation {
        valid: errors.is_empty(),
        errors,
    })
}

#[cfg(test)]
mod tests;
