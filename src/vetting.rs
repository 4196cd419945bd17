//! Vetting a product profile: the four red flags and the further warnings, WWC study ratings,
//! and the ESSA evidence tier (ESEA section 8101(21), as WWC maps its ratings to tiers).

use crate::error::{index, Error};
use crate::profile::{
    ApprovalStatus, ClusterCounts, Policy, Profile, SiteUnit, Study, StudyDesign,
};
use crate::stats::{self, baseline_equivalence, EffectInput};
use serde::Serialize;
use serde_json::Value;

mod coherence;
mod minutes;

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
    /// `trainingIncluded`, `studentDataAdvertising`, `aiEvidence`, `unfavorableEvidence`.
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
    /// Meets WWC standards, with or without reservations.
    pub fn meets(self) -> bool {
        matches!(
            self,
            Rating::MeetsWithoutReservations | Rating::MeetsWithReservations
        )
    }
}

/// One finding's effect and significance.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingVerdict {
    /// The outcome domain and measure (null for a study's single effect).
    pub domain: Option<String>,
    pub measure: Option<String>,
    /// Computed from the group statistics when given, else as stated; null when unknown.
    pub g: Option<f64>,
    pub p_value: Option<f64>,
    /// `p < alpha`, after the Benjamini-Hochberg correction when its domain has several findings.
    pub significant: bool,
    /// In the favourable direction.
    pub favorable: bool,
    /// Students analysed, from the group statistics; null when only g and p are stated.
    pub analyzed: Option<u64>,
    /// A p-value the study states but that is not counted (a cluster design's, from an analysis
    /// not said to account for clustering); null otherwise.
    pub uncounted_p_value: Option<f64>,
}

impl FindingVerdict {
    fn significant_positive(&self) -> bool {
        self.significant && self.favorable
    }
    fn significant_negative(&self) -> bool {
        self.significant && !self.favorable && self.g.is_some_and(|g| g != 0.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StudyVerdict {
    pub index: usize,
    pub rating: Rating,
    /// The effect that carries the study: its first significant favourable finding, else its first.
    pub g: Option<f64>,
    pub p_value: Option<f64>,
    pub significant: bool,
    pub findings: Vec<FindingVerdict>,
    /// The ESSA tier this study supports on its own (pooling aside).
    pub essa_tier: Option<u8>,
    pub reasons: Vec<String>,
}

impl StudyVerdict {
    fn significant_positive(&self) -> bool {
        self.findings
            .iter()
            .any(FindingVerdict::significant_positive)
    }
    fn significant_negative(&self) -> bool {
        self.findings
            .iter()
            .any(FindingVerdict::significant_negative)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    Recommended,
    Caution,
    NotRecommended,
}

/// `vetProduct`'s answer: the verdict, the checks behind it, the ESSA tier and each study's rating.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vetting {
    /// The product's name, from the profile.
    pub product: String,
    /// The vendor's name.
    pub vendor: String,
    /// Recommended, caution or not recommended.
    pub verdict: Verdict,
    /// How many of the four red flags fail.
    pub red_flags: usize,
    /// The red flags and further checks, each with its status and reason.
    pub checks: Vec<Check>,
    /// The ESSA evidence tier (1 to 4), or none.
    pub essa_tier: Option<u8>,
    /// Why that tier, in words.
    pub essa_rationale: String,
    /// Each study's WWC rating with its reasons.
    pub studies: Vec<StudyVerdict>,
}

/// Vets a valid profile under a policy.
pub fn vet(profile: &Profile, policy: &Policy) -> Vetting {
    let mut studies: Vec<StudyVerdict> = profile
        .studies
        .iter()
        .enumerate()
        .map(|(i, s)| rate_study(i, s, policy))
        .collect();
    for (s, v) in profile.studies.iter().zip(studies.iter_mut()) {
        v.essa_tier = essa_tier(std::slice::from_ref(s), std::slice::from_ref(v), policy).0;
    }
    let mut checks = vec![
        independent_research(profile),
        screen_time(profile, policy),
        sea_approval(profile, policy),
        clear_outcomes(profile),
        training_included(profile),
        student_data_advertising(profile),
        ai_evidence(profile, &studies),
        unfavorable_evidence(&studies, policy.alpha),
        minutes::return_on_minutes(profile, policy),
    ];
    if let Some(strategy) = &policy.strategy {
        checks.push(coherence::coherence(profile, strategy));
    }
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
    s.design != StudyDesign::LogicModel
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
    // Evidence that would itself earn ESSA tier 3 or better, not any p < .05.
    let proven = p
        .studies
        .iter()
        .zip(verdicts)
        .find(|(s, v)| s.covers_ai == Some(true) && v.essa_tier.is_some_and(|t| t <= 3));
    let (status, message) = match (uses_ai, proven) {
        (false, _) => (Status::Pass, "The product does not use generative AI.".to_string()),
        (true, Some((_, v))) => (Status::Pass, format!(
            "The product's generative AI is covered by a study ({}) that supports ESSA tier {} on its own.",
            index("studies", v.index),
            v.essa_tier.unwrap_or(3)
        )),
        (true, None) => (
            Status::Fail,
            "The product uses generative AI, and no study covering it would earn ESSA tier 3 or better (a statistically significant favourable effect in a study that meets WWC standards or controls for selection bias).".to_string(),
        ),
    };
    check("aiEvidence", false, status, message, &["ai", "studies"])
}

/// A study with a statistically significant unfavourable finding: the product may do harm.
/// Not a red flag, but never silent: it fails when the study meets WWC standards.
fn unfavorable_evidence(verdicts: &[StudyVerdict], alpha: f64) -> Check {
    let harmful: Vec<&StudyVerdict> = verdicts
        .iter()
        .filter(|v| v.significant_negative())
        .collect();
    let list = |meets: bool| {
        harmful
            .iter()
            .filter(|v| v.rating.meets() == meets)
            .map(|v| index("studies", v.index))
            .collect::<Vec<_>>()
    };
    // Harm whose stated p-value is not counted is not silence either.
    let unverified: Vec<String> = verdicts
        .iter()
        .filter(|v| {
            v.findings.iter().any(|f| {
                !f.favorable
                    && f.g.is_some_and(|g| g != 0.0)
                    && f.uncounted_p_value.is_some_and(|p| p < alpha)
            })
        })
        .map(|v| index("studies", v.index))
        .collect();
    let (rated, unrated) = (list(true), list(false));
    let (status, message) = if !rated.is_empty() {
        (Status::Fail, format!("A study meeting WWC standards ({}) shows a statistically significant unfavourable effect: the product may harm the outcome it targets.", rated.join(", ")))
    } else if !unrated.is_empty() {
        (Status::Warn, format!("A study that does not meet WWC standards ({}) shows a statistically significant unfavourable effect.", unrated.join(", ")))
    } else if !unverified.is_empty() {
        (Status::Warn, format!("A cluster design ({}) reports a significant unfavourable effect from an analysis that may not account for clustering.", unverified.join(", ")))
    } else {
        (
            Status::Pass,
            "No study shows a statistically significant unfavourable effect.".to_string(),
        )
    };
    check("unfavorableEvidence", false, status, message, &["studies"])
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

/// Each finding's effect and significance: computed the WWC way from group statistics when
/// given (with the study's clusters, when only the study gives them), else as stated.
fn findings(s: &Study, policy: &Policy, reasons: &mut Vec<String>) -> Vec<FindingVerdict> {
    let mut out: Vec<FindingVerdict> = match &s.findings {
        Some(list) => list
            .iter()
            .map(|f| {
                let stated = (f.effect_size, f.p_value);
                finding(
                    s,
                    policy,
                    Some((&f.domain, &f.measure)),
                    stated,
                    f.summary.as_ref(),
                    reasons,
                )
            })
            .collect(),
        None => vec![finding(
            s,
            policy,
            None,
            (s.effect_size, s.p_value),
            s.summary.as_ref(),
            reasons,
        )],
    };
    correct_for_multiple_findings(&mut out, policy.alpha, reasons);
    out
}

/// One finding: from its group statistics when given, else its stated effect and p-value.
fn finding(
    s: &Study,
    policy: &Policy,
    name: Option<(&str, &str)>,
    (stated_g, stated_p): (Option<f64>, Option<f64>),
    summary: Option<&EffectInput>,
    reasons: &mut Vec<String>,
) -> FindingVerdict {
    let label = name.map_or(String::new(), |(_, m)| format!(" ({m})"));
    let mut uncounted = None;
    let (g, p, favorable, analyzed) = match summary.map(|x| with_study_clusters(x, s)) {
        Some(x) => match stats::effect_size(&x) {
            Ok(r) => {
                reasons.push(format!(
                    "Effect{label} computed from the group statistics: g = {:.3}, p = {:.3}{}.",
                    r.g,
                    r.p_value,
                    if r.cluster_corrected {
                        ", corrected for clustering"
                    } else {
                        ""
                    }
                ));
                reasons.extend(r.notes.iter().cloned());
                let n = r.n_intervention + r.n_comparison;
                (Some(r.g), Some(r.p_value), r.favorable, Some(n as u64))
            }
            Err(e) => {
                reasons.push(format!(
                    "The group statistics{label} give no effect size: {}",
                    e.message
                ));
                (None, None, false, None)
            }
        },
        // A cluster design's stated p-value counts only from an analysis that accounted for
        // clustering; an unadjusted one overstates significance (WWC 5.0, App. E).
        None if stated_p.is_some()
            && s.is_clustered()
            && s.analysis_accounts_for_clustering != Some(true) =>
        {
            reasons.push(format!("The p-value{label} of this cluster design is not counted: say that the analysis accounted for clustering (analysisAccountsForClustering), or give the group statistics so that it can be corrected."));
            uncounted = stated_p;
            (stated_g, None, stated_g.is_some_and(|g| g > 0.0), None)
        }
        None => (stated_g, stated_p, stated_g.is_some_and(|g| g > 0.0), None),
    };
    if g.is_none() {
        reasons.push(format!("No effect size is reported{label}."));
    } else if p.is_none() {
        reasons.push(format!(
            "No p-value is counted{label}, so the effect is not counted as significant."
        ));
    }
    FindingVerdict {
        domain: name.map(|(d, _)| d.to_string()),
        measure: name.map(|(_, m)| m.to_string()),
        g,
        p_value: p,
        significant: g.is_some() && p.is_some_and(|p| p < policy.alpha),
        favorable,
        analyzed,
        uncounted_p_value: uncounted,
    }
}

/// The WWC's Benjamini-Hochberg correction, applied within each outcome domain that has
/// several findings (Procedures and Standards Handbook 5.0, section on multiple comparisons;
/// Procedures Handbook 4.1, section V.C): a finding stays significant only when BH keeps it.
fn correct_for_multiple_findings(
    findings: &mut [FindingVerdict],
    alpha: f64,
    reasons: &mut Vec<String>,
) {
    // Domains are compared as folded names: "Reading" and "reading " are one domain.
    let key = |f: &FindingVerdict| f.domain.as_deref().map(crate::input::fold_name);
    let mut domains: Vec<String> = findings.iter().filter_map(key).collect();
    domains.sort_unstable();
    domains.dedup();
    for domain in domains {
        // Every finding of the domain counts toward m; one without a p-value counts as p = 1.
        let members: Vec<usize> = (0..findings.len())
            .filter(|&i| key(&findings[i]).as_deref() == Some(domain.as_str()))
            .collect();
        let shown = findings[members[0]].domain.clone().unwrap_or_default();
        if members.len() < 2 {
            continue;
        }
        let p: Vec<f64> = members
            .iter()
            .map(|&i| findings[i].p_value.unwrap_or(1.0))
            .collect();
        let keep = stats::benjamini_hochberg(&p, alpha);
        let before = members.iter().filter(|&&i| findings[i].significant).count();
        for (&i, keep) in members.iter().zip(keep) {
            findings[i].significant &= keep;
        }
        let after = members.iter().filter(|&&i| findings[i].significant).count();
        reasons.push(format!(
            "{} findings in the domain \"{shown}\": after the Benjamini-Hochberg correction {after} of them {} significant ({before} before).",
            members.len(),
            if after == 1 { "is" } else { "are" },
        ));
    }
    let with_domain = findings.iter().filter(|f| f.domain.is_some()).count();
    if with_domain >= 3 && with_domain == count_domains(findings) {
        reasons.push(format!("Each of the {with_domain} findings is in a domain of its own, so none is corrected for multiple comparisons: check that the domains really differ."));
    }
}

fn count_domains(findings: &[FindingVerdict]) -> usize {
    let mut domains: Vec<String> = findings
        .iter()
        .filter_map(|f| f.domain.as_deref().map(crate::input::fold_name))
        .collect();
    domains.sort_unstable();
    domains.dedup();
    domains.len()
}

/// The group statistics with the study's clusters when they carry none (ICC 0.20, the WWC
/// default for achievement outcomes), so a cluster design is always corrected.
fn with_study_clusters(x: &EffectInput, s: &Study) -> EffectInput {
    match (x.clusters, s.clusters) {
        (None, Some(c)) => EffectInput {
            clusters: Some(stats::Clusters {
                intervention: c.intervention as f64,
                comparison: c.comparison as f64,
                icc: stats::DEFAULT_ICC,
            }),
            ..*x
        },
        _ => *x,
    }
}

/// The study's effects and significance, then its WWC rating with the reasons for it.
pub fn rate_study(i: usize, s: &Study, policy: &Policy) -> StudyVerdict {
    let mut reasons = Vec::new();
    let findings = findings(s, policy, &mut reasons);
    if !s.independent && is_research(s) {
        reasons.push("Not stated to be independent of the vendor: developer-commissioned evaluations tend to report larger effects.".into());
    }
    let rating = rating(s, policy, &mut reasons);
    let carrier = findings
        .iter()
        .find(|f| f.significant_positive())
        .or(findings.first());
    StudyVerdict {
        index: i,
        rating,
        g: carrier.and_then(|f| f.g),
        p_value: carrier.and_then(|f| f.p_value),
        significant: carrier.is_some_and(|f| f.significant),
        findings,
        essa_tier: None,
        reasons,
    }
}

/// WWC group-design rating (Standards Handbook 5.0, chapter III; 4.1, section II): randomized
/// with low attrition meets standards without reservations; high attrition or a
/// quasi-experiment meets them with reservations when baseline equivalence holds; a condition
/// made of a single cluster (school, classroom) is a confound, which does not meet standards.
fn rating(s: &Study, policy: &Policy, reasons: &mut Vec<String>) -> Rating {
    if matches!(
        s.design,
        StudyDesign::Correlational | StudyDesign::LogicModel
    ) {
        reasons.push(
            "Correlational studies and logic models are not rated by WWC group-design standards."
                .into(),
        );
        return Rating::NotRated;
    }
    if let Some(c) = single_cluster(s) {
        reasons.push(format!(
            "One condition is a single cluster ({} against {}): its effect cannot be told apart from that school's or classroom's (the WWC's n = 1 confound), so the study does not meet standards.",
            c.intervention, c.comparison
        ));
        return Rating::DoesNotMeet;
    }
    let baseline_holds = |reasons: &mut Vec<String>| -> bool {
        let Some(b) = s.baseline_effect_size else {
            reasons.push("Baseline equivalence is not shown (no pre-test effect size).".into());
            return false;
        };
        let adjusted = s.baseline_adjusted == Some(true);
        let holds = baseline_equivalence(b).holds(adjusted);
        let how = match (b.abs() <= 0.05, b.abs() <= 0.25) {
            (true, _) => "within 0.05 SD",
            (false, true) if adjusted => "within 0.25 SD with statistical adjustment",
            (false, true) => "between 0.05 and 0.25 SD without statistical adjustment",
            _ => "more than 0.25 SD",
        };
        reasons.push(format!(
            "Baseline difference {b:+.3} SD is {how}: equivalence {}.",
            if holds { "holds" } else { "is not shown" }
        ));
        holds
    };
    let low_attrition = match (s.design.is_randomized(), &s.attrition) {
        (false, _) => false,
        (true, Some(a)) => {
            let st = a.rates().status(policy.attrition_boundary);
            let boundary = st
                .boundary
                .map(|b| format!("the {:.1}-point boundary", b * 100.0))
                .unwrap_or_else(|| "any boundary (overall attrition too high)".into());
            reasons.push(format!(
                "Attrition {:.1}% overall, {:.1} points differential: {} against {}.",
                st.overall * 100.0,
                st.differential * 100.0,
                if st.low { "low" } else { "high" },
                boundary
            ));
            st.low
        }
        (true, None) => {
            reasons.push(
                "No attrition is reported, so the study is rated as a quasi-experiment would be."
                    .into(),
            );
            false
        }
    };
    if low_attrition {
        Rating::MeetsWithoutReservations
    } else if baseline_holds(reasons) {
        Rating::MeetsWithReservations
    } else {
        Rating::DoesNotMeet
    }
}

/// Two entries that are one study: the same title (ignoring case and spaces) or the same address.
fn same_study(a: &Study, b: &Study) -> bool {
    let title = |s: &Study| crate::input::fold_name(&s.title);
    // The same numbers under another title are the same study too.
    let numbers = |s: &Study| {
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?}",
            s.design, s.sample_size, s.effect_size, s.p_value, s.summary, s.attrition
        )
    };
    title(a) == title(b)
        || (a.url.is_some() && a.url == b.url)
        || ((a.effect_size.is_some() || a.summary.is_some()) && numbers(a) == numbers(b))
}

/// A statement of the study's clusters in which a condition has fewer than two: the WWC's
/// n = 1 confound (a condition that is one school or classroom).
fn single_cluster(s: &Study) -> Option<ClusterCounts> {
    s.all_cluster_counts()
        .into_iter()
        .find(|c| c.intervention < 2 || c.comparison < 2)
}

/// What one study brings to the ESSA tiers.
struct Evidence<'a> {
    study: &'a Study,
    verdict: &'a StudyVerdict,
    /// Students counted toward the sample: analysed in the qualifying findings' statistics
    /// when given, else the study's sample size.
    students: u64,
    /// Sites counted under the policy's site unit.
    sites: u64,
    /// The sites by name (trimmed, lower case), when the study names them and they count.
    site_names: Option<Vec<String>>,
}

impl<'a> Evidence<'a> {
    fn of(study: &'a Study, verdict: &'a StudyVerdict, policy: &Policy) -> Self {
        let analyzed = verdict
            .findings
            .iter()
            .filter(|f| f.significant_positive())
            .filter_map(|f| f.analyzed)
            .max();
        // Schools of an unknown number of districts count as one district.
        let schools_as_districts = study.site_unit.unwrap_or_default() == SiteUnit::School
            && policy.site_unit == SiteUnit::District;
        let sites = study
            .sites
            .map(|n| if schools_as_districts { n.min(1) } else { n });
        let site_names = study
            .site_names
            .as_ref()
            .filter(|_| !schools_as_districts)
            .map(|names| names.iter().map(|n| crate::input::fold_name(n)).collect());
        Evidence {
            study,
            verdict,
            students: analyzed.or(study.sample_size).unwrap_or(0),
            sites: sites.unwrap_or(0),
            site_names,
        }
    }

    fn positive(&self) -> bool {
        self.verdict.significant_positive()
    }

    /// Strong evidence (34 CFR 77.1 "strong evidence" (iii)(A)-(B)): an experimental study
    /// meeting WWC standards without reservations, with a significant favourable effect.
    fn strong(&self) -> bool {
        self.positive()
            && self.study.design.is_randomized()
            && self.verdict.rating == Rating::MeetsWithoutReservations
    }

    /// Moderate evidence ("moderate evidence" (iii)(A)-(B)): meets standards with or without reservations.
    fn moderate(&self) -> bool {
        self.positive() && self.verdict.rating.meets()
    }

    /// Promising evidence (ESEA 8101(21)(A)(i)(III); 34 CFR 77.1 "promising evidence" (iii)):
    /// a significant favourable effect in a study meeting WWC standards, or in a correlational,
    /// experimental or quasi-experimental study with statistical controls for selection bias.
    /// (EDGAR's list does not repeat the controls for experimental and quasi-experimental
    /// studies; ED's guidance asks them of a study that does not meet WWC standards, and we do.)
    fn promising(&self) -> bool {
        self.positive()
            && (self.verdict.rating.meets()
                || (self.study.design != StudyDesign::LogicModel
                    && self.study.controls_for_selection == Some(true)
                    && single_cluster(self.study).is_none()))
    }

    /// A significant unfavourable effect in a study that meets WWC standards: it overrides
    /// positive evidence for tiers 1 to 3 (77.1 (iii)(C); ED's guidance for tier 3).
    fn negative(&self) -> bool {
        self.verdict.rating.meets() && self.verdict.significant_negative()
    }

    /// A research-based logic model with ongoing efforts to examine its effects (8101(21)(A)(ii)).
    fn rationale(&self) -> bool {
        self.study.design == StudyDesign::LogicModel && self.study.ongoing == Some(true)
    }
}

/// Students, sites and distinct studies that together count toward ESSA's sample.
#[derive(Debug, Clone, Copy)]
struct Pool {
    students: u64,
    sites: u64,
    studies: usize,
}

impl Pool {
    /// Several studies meeting (A)-(C) may together reach the sample of (iii)(D): distinct
    /// studies (the same title, address or numbers count once) and distinct sites, counted by
    /// name when every study names its sites, else as many as the largest study has (they may
    /// share them).
    fn of(evidence: &[Evidence], which: &dyn Fn(&Evidence) -> bool) -> Pool {
        // Of two entries that are one study, the larger counts: listing order never lowers a tier.
        let mut qualifying: Vec<&Evidence> = evidence.iter().filter(|e| which(e)).collect();
        qualifying.sort_by_key(|e| std::cmp::Reverse((e.students, e.sites)));
        let mut counted: Vec<&Evidence> = Vec::new();
        for e in qualifying {
            if !counted.iter().any(|c| same_study(c.study, e.study)) {
                counted.push(e);
            }
        }
        let students = counted.iter().map(|e| e.students).sum();
        let sites = match counted
            .iter()
            .map(|e| e.site_names.as_ref())
            .collect::<Option<Vec<_>>>()
        {
            Some(lists) => {
                let mut names: Vec<&String> = lists.into_iter().flatten().collect();
                names.sort_unstable();
                names.dedup();
                names.len() as u64
            }
            None => counted.iter().map(|e| e.sites).max().unwrap_or(0),
        };
        Pool {
            students,
            sites,
            studies: counted.len(),
        }
    }

    fn enough(self, policy: &Policy) -> bool {
        self.studies > 0 && self.students >= policy.min_students && self.sites >= policy.min_sites
    }

    fn describe(self) -> String {
        let Pool {
            students,
            sites,
            studies,
        } = self;
        format!(
            "{studies} qualifying stud{} with {students} students in {sites} site{}",
            if studies == 1 { "y" } else { "ies" },
            if sites == 1 { "" } else { "s" }
        )
    }
}

/// The highest ESSA tier the studies support, with a sentence saying why.
pub fn essa_tier(
    studies: &[Study],
    verdicts: &[StudyVerdict],
    policy: &Policy,
) -> (Option<u8>, String) {
    let evidence: Vec<Evidence> = studies
        .iter()
        .zip(verdicts)
        .map(|(s, v)| Evidence::of(s, v, policy))
        .collect();
    let list = |which: &dyn Fn(&Evidence) -> bool| {
        evidence
            .iter()
            .filter(|e| which(e))
            .map(|e| index("studies", e.verdict.index))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let pooled = |which: &dyn Fn(&Evidence) -> bool| Pool::of(&evidence, which);
    let unit = match policy.site_unit {
        SiteUnit::District => "districts or larger units",
        SiteUnit::School => "schools or larger units",
    };
    let need = format!(
        "minimum of {} students and {} sites ({unit})",
        policy.min_students, policy.min_sites
    );
    let rationale = evidence.iter().find(|e| e.rationale());
    let tier4 = |before: String| -> (Option<u8>, String) {
        match rationale {
            Some(e) => (Some(4), format!(
                "{before}Demonstrates a rationale (tier 4): a research-based logic model ({}) with ongoing efforts to examine its effects.",
                index("studies", e.verdict.index)
            )),
            None if before.is_empty() => {
                let why = if studies.is_empty() {
                    "no study is listed"
                } else {
                    "no study shows a statistically significant favourable effect in a design that counts, and no logic model has an ongoing evaluation"
                };
                let harm = list(&|e| e.verdict.significant_negative());
                let harm = if harm.is_empty() {
                    String::new()
                } else {
                    format!(" A statistically significant unfavourable effect is reported ({harm}).")
                };
                (None, format!("No ESSA evidence tier: {why}.{harm}"))
            }
            None => (None, format!("{before}No logic model with an ongoing evaluation gives tier 4.")),
        }
    };
    let negative = list(&|e| e.negative());
    if !negative.is_empty() && evidence.iter().any(|e| e.promising()) {
        return tier4(format!(
            "Positive findings are overridden by a statistically significant unfavourable effect in a study that meets WWC standards ({negative}), so tiers 1 to 3 do not apply. "
        ));
    }
    let strong = pooled(&|e| e.strong());
    if strong.enough(policy) {
        return (Some(1), format!(
            "Strong evidence (tier 1): an experimental study meets WWC standards without reservations and shows a statistically significant favourable effect; together, {} reach the policy's {need}.",
            strong.describe()
        ));
    }
    let moderate = pooled(&|e| e.moderate());
    if moderate.enough(policy) {
        return (Some(2), format!(
            "Moderate evidence (tier 2): a study meets WWC standards and shows a statistically significant favourable effect; together, {} reach the policy's {need}.",
            moderate.describe()
        ));
    }
    if moderate.studies > 0 {
        return (Some(3), format!(
            "Promising evidence (tier 3): a study meeting WWC standards shows a statistically significant favourable effect, but {} {} short of the policy's {need} for tier 1 or 2.",
            moderate.describe(),
            if moderate.studies == 1 { "falls" } else { "fall" }
        ));
    }
    let promising = list(&|e| e.promising());
    if !promising.is_empty() {
        return (Some(3), format!(
            "Promising evidence (tier 3): a study with statistical controls for selection bias ({promising}) shows a statistically significant favourable effect; it does not meet WWC standards, so tiers 1 and 2 do not apply."
        ));
    }
    tier4(String::new())
}

/// `validateProfile`: every problem at once, never an error for bad content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    pub valid: bool,
    pub errors: Vec<crate::FieldError>,
}

/// `validateProfile`: the profile's problems at their paths; a bad policy is an error.
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
