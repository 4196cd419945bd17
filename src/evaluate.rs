//! Contract + roster -> evaluation: growth per student, payment in cents, the statistics
//! behind it, and the publishable outcomes report. One pass over the roster's columns.

use crate::contract::{AssignedBy, BelowFidelity, Contract, MissingOutcome, OnBadRow};
use crate::cost;
use crate::dosage;
use crate::error::Code;
use crate::error::{Details, Error, FieldError, RowError};
use crate::growth::{reach_point, row_metric, MetricProblem};
use crate::payment::{settle, Earned, Payment};
use crate::per_hour::{self, PerHour};
use crate::profile::{AttritionInput, ClusterCounts, SiteUnit, Study, StudyDesign};
use crate::publish::{self, ByTier};
use crate::report::{self, DistrictCell, Growth, OutcomesReport, Shown, Tally};
use crate::roster::{self, ReadOptions, Roster, RosterReader};
use crate::stats::{
    self, baseline_equivalence, Attrition, AttritionStatus, Baseline, Clusters, EffectInput, Group,
};
use crate::steps::{larger, smaller, Scale, ScoreUnits};
use crate::vetting::{self, Rating};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The return on minutes in the district's view.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrowthPerHour {
    /// The metric per hour of use of at-fidelity students with an outcome (see `per_hour`);
    /// null for a post-test score, which is no growth.
    pub overall: Option<PerHour>,
    /// The local comparison's effect per 10 hours of use: g x 10 / the difference in mean
    /// hours between the students it compares (those with a post-test) of the two groups;
    /// null unless the comparison students used it at most a tenth as much and the difference
    /// is at least 10 hours (see `note`).
    pub effect_per_10_hours: Option<f64>,
    /// The intervention students' mean hours of use, and the comparison students'.
    pub compared_mean_hours: Option<f64>,
    pub comparison_mean_hours: Option<f64>,
    /// Why there is no effect per 10 hours, when there is an effect.
    pub note: Option<String>,
    /// The same in the report's words, without the hours.
    #[serde(skip)]
    effect_per_10_hours_refused: Option<&'static str>,
}

/// g per 10 hours of use, over the hours of use a student beyond the comparison group's; None
/// unless the comparison group is one of little use, at most a tenth of the intervention
/// group's hours (when both used the product, a small difference in hours would make any
/// effect a vast one per hour), and the difference is at least 10 hours (a rate per 10 hours
/// never stretches an effect beyond the use it rests on).
fn per_10_hours(g: f64, treated_hours: f64, comparison_hours: f64) -> Option<f64> {
    per_10_hours_reason(treated_hours, comparison_hours)
        .is_none()
        .then(|| g * 10.0 / (treated_hours - comparison_hours))
}

/// Why there is no effect per 10 hours for these hours of use, if there is none: in the
/// district's words (with the hours), and in the report's (without them).
fn per_10_hours_refused(treated_hours: f64, comparison_hours: f64) -> Option<String> {
    per_10_hours_reason(treated_hours, comparison_hours).map(|(_, full)| full)
}

fn per_10_hours_reason(
    treated_hours: f64,
    comparison_hours: f64,
) -> Option<(&'static str, String)> {
    if comparison_hours > treated_hours / 10.0 {
        Some((
            "No effect per 10 hours: the comparison students used the product too, more than a tenth as much as the intervention students, so the effect cannot be put down to the hours of use.",
            format!(
                "No effect per 10 hours: the comparison students used the product too ({} hours a student, more than a tenth of the intervention students' {}), so the effect cannot be put down to the hours of use.",
                hours_beside(comparison_hours, treated_hours / 10.0),
                hours_beside(treated_hours, comparison_hours * 10.0)
            ),
        ))
    } else if treated_hours - comparison_hours < 10.0 {
        Some((
            "No effect per 10 hours: the intervention students used the product fewer than 10 hours a student more than the comparison students, and a rate per 10 hours would stretch the effect beyond the use it rests on.",
            format!(
                "No effect per 10 hours: the intervention students used the product {} hours a student more than the comparison students, fewer than 10, and a rate per 10 hours would stretch the effect beyond the use it rests on.",
                hours_beside(treated_hours - comparison_hours, 10.0)
            ),
        ))
    } else {
        None
    }
}

/// Hours to two decimals, or to as many more (up to 9) as it takes not to print them as the
/// `limit` they are compared with (9.9998 hours is not "10.00", fewer than 10).
fn hours_beside(hours: f64, limit: f64) -> String {
    (2..=9)
        .map(|d| format!("{hours:.d$}"))
        .find(|text| text.parse::<f64>().ok() != Some(limit))
        .unwrap_or_else(|| format!("{hours:e}"))
}

/// The growth per hour the report may publish: the growth figures' own (over the students the
/// published growth describes, at least `minCellSize`), with its interval only where the
/// report publishes the growth's spread. With the effect per 10 hours (published in the effect)
/// it gives the hours of the growth's students and of the effect's; their difference is the
/// hours of the effect's students beyond the growth's, a group whose count the report states
/// too (the effect's `nIntervention` less the growth's `n`), so the audit keeps it from being 1
/// to `minCellSize - 1`. Not the cells': the disclosure audit does not weigh hours.
fn publish_per_hour(
    report: &OutcomesReport,
    district: &GrowthPerHour,
) -> Option<report::ReportPerHour> {
    let growth = report.growth.as_ref()?;
    let overall = district.overall.filter(|p| p.n == growth.n)?;
    Some(report::ReportPerHour {
        population: "intervention students at fidelity with an outcome",
        n: overall.n,
        per_hour: overall.per_hour,
        ci_lower: overall.ci_lower.filter(|_| growth.sd.is_some()),
        ci_upper: overall.ci_upper.filter(|_| growth.sd.is_some()),
    })
}

/// The minutes-per-week bands of the dose-response table.
pub const DOSE_BANDS: [(f64, &str); 5] = [
    (0.0, "0-15"),
    (15.0, "15-30"),
    (30.0, "30-45"),
    (45.0, "45-60"),
    (60.0, "60+"),
];

/// `evaluateContract`'s answer: the district's whole view, and the report it may publish.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// What the district owes, in cents, and how it was reached.
    pub payment: Payment,
    /// Who was enrolled, at fidelity, with an outcome, and what became of each.
    pub students: Students,
    /// The metric over at-fidelity students with an outcome: mean, median, spread.
    pub growth: Growth,
    /// The return on minutes: growth per hour of use of the growth figures' students, and the
    /// effect per 10 hours (each cell's growth per hour is in its cell).
    pub growth_per_hour: GrowthPerHour,
    /// The least minutes a week at which the chosen share of intervention students with an outcome
    /// meet the target, by centred isotonic regression on this roster, with its bootstrap interval and
    /// the fitted curve (the district's view only); null without such students.
    pub dosage_required: Option<dosage::DosageRequired>,
    /// The metric's distribution over at-fidelity students with an outcome, in 20 equal bins
    /// (for the district's own view; not part of the published report).
    pub distribution: Vec<Bin>,
    /// The comparison of intervention and comparison students; null without a comparison group.
    pub effect: Option<LocalEffect>,
    /// The dose bands and subgroup cells with every figure (the district's own view); each
    /// says whether the published report shows it.
    pub dose_response: Vec<DistrictCell>,
    /// One cell per value of each subgroup column.
    pub subgroups: Vec<DistrictCell>,
    /// The rows skipped (with `onBadRow: "skip"`), the first ones with their lines.
    pub rejected_rows: Vec<RowError>,
    /// How many rows were skipped.
    pub rejected_count: usize,
    /// Plain-language notes on what could not be computed and why.
    pub notes: Vec<String>,
    /// How the district's files matched, when they were given apart (`intake`); with the ids
    /// of the students to look at, for the district alone (never in the report).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches: Option<crate::intake::Matches>,
    /// The cost figures, when the contract lists the district's costs (`districtCosts`).
    pub cost: Option<cost::Cost>,
    /// The publishable outcomes report, audited for disclosure.
    pub report: OutcomesReport,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bin {
    pub from: f64,
    pub to: f64,
    pub count: u64,
}

/// Equal-width bins from the smallest to the largest value (the last bin includes its end).
pub fn histogram(values: &[f64], bins: usize) -> Vec<Bin> {
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (smaller(lo, x), larger(hi, x))
        });
    if values.is_empty() {
        return Vec::new();
    }
    if lo == hi {
        return vec![Bin {
            from: lo,
            to: hi,
            count: values.len() as u64,
        }];
    }
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0u64; bins];
    for &x in values {
        counts[(((x - lo) / width) as usize).min(bins - 1)] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| Bin {
            from: lo + width * i as f64,
            to: if i + 1 == bins {
                hi
            } else {
                lo + width * (i + 1) as f64
            },
            count,
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Students {
    /// Accepted rows (intervention and comparison).
    pub rows: u64,
    pub comparison: u64,
    /// Intervention students, enrolled or not.
    pub intervention: u64,
    /// Intervention students the contract enrols (all of them unless `belowFidelity: "excluded"`).
    pub enrolled: u64,
    pub at_fidelity: u64,
    /// At-fidelity students with an outcome.
    pub with_outcome: u64,
    /// Students the met-target share is over: those with an outcome, and under
    /// `missingOutcome: "notMet"` those at fidelity missing one.
    pub judged: u64,
    /// At-fidelity students whose outcome is missing.
    pub missing_outcome: u64,
    /// At-fidelity students with no normalized gain because their pre-test is the maximum score
    /// (treated as a missing outcome).
    pub no_room_to_grow: u64,
    /// Reached the lowest tier.
    pub met_target: u64,
    /// At-fidelity students whose gain (post - pre) is negative.
    pub declined: u64,
    pub by_tier: Vec<TierTally>,
    /// At-fidelity students with an outcome below every tier.
    pub below_all_tiers: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierTally {
    pub label: String,
    pub at_least: f64,
    pub cents_per_student: i64,
    pub count: u64,
}

/// The comparison of intervention and comparison students in the district's own roster: a
/// local comparison, not a WWC review. It states the rating and ESSA tier it could support only
/// when every design condition a review would check holds, and each condition's reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalEffect {
    /// Always `"localComparison"`.
    pub kind: &'static str,
    /// One sentence a parent can read: the effect, its significance, the design and the population.
    pub summary: String,
    /// WWC g on the post-test, intervention minus comparison, with its interval and test
    /// (cluster-adjusted when assignment was by school).
    #[serde(flatten)]
    pub post: stats::EffectResult,
    /// g on the pre-test among the analysed students (the baseline difference) and its WWC status.
    pub baseline_g: Option<f64>,
    pub baseline: Option<Baseline>,
    /// Missing post-tests as attrition, against the policy's WWC boundary (randomized designs).
    pub attrition: AttritionStatus,
    pub design: &'static str,
    /// The unit of assignment the analysis assumed: `student` or `school`.
    pub assigned_by: &'static str,
    /// Whether the contract names an evaluator independent of the vendor (never assumed).
    pub independent: bool,
    pub evaluator: Option<String>,
    /// Sites counted under the evidence policy's site unit: units that hold both groups.
    pub sites: u64,
    /// The evidence rules applied (the contract's `evidencePolicy`, or the defaults).
    pub policy: crate::profile::Policy,
    pub conditions: Vec<Condition>,
    /// The WWC rating and ESSA tier a review could give this comparison; null unless every
    /// condition holds and the rating meets standards.
    pub could_support: Option<Support>,
    /// Whether the published report states the rating (`conditionsMet`, `couldSupport`): not
    /// when it would change as a small count of students without a post-test moved within 1
    /// to `minCellSize - 1`.
    pub rating_in_report: bool,
}

/// One design condition of the local comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    pub id: &'static str,
    pub met: bool,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Support {
    pub rating: Rating,
    pub essa_tier: Option<u8>,
    pub essa_rationale: String,
}

/// Evaluates a contract (JSON) on a roster (CSV bytes).
pub fn evaluate_json(
    contract: &Value,
    roster: &[u8],
    progress: &mut dyn FnMut(f64),
) -> Result<Evaluation, Error> {
    let contract = Contract::from_json(contract)?;
    evaluate(&contract, roster, progress)
}

/// [`evaluate_json`] with the roster read in up to `threads` parts at once (at most 64), one a
/// thread (native builds; the wasm module reads on one): the same evaluation, its reading shared
/// among cores.
#[cfg(not(target_arch = "wasm32"))]
pub fn evaluate_json_on_threads(
    contract: &Value,
    roster: &[u8],
    threads: usize,
) -> Result<Evaluation, Error> {
    let c = Contract::from_json(contract)?;
    let (read, digest) = roster::parts::read_in_parts(roster, read_options(&c), threads, true)?;
    evaluate_read_roster(&c, read, digest, &mut |_| {})
}

pub fn evaluate(
    c: &Contract,
    bytes: &[u8],
    progress: &mut dyn FnMut(f64),
) -> Result<Evaluation, Error> {
    evaluate_after(c, bytes, progress, 0)
}

/// `evaluateContract` in pieces: the roster pushed chunk by chunk as it arrives (a file's
/// stream), then evaluated; the same evaluation as the whole roster at once, with memory that
/// grows with the students, not with the file's bytes.
pub struct Evaluator {
    contract: Contract,
    reader: RosterReader,
}

impl Evaluator {
    /// An evaluator of `contract` (JSON); `size`, the roster's bytes when known, gives progress.
    pub fn new(contract: &Value, size: Option<u64>) -> Result<Evaluator, Error> {
        Self::hashed_by(contract, size, Box::new(sha2::Sha256::default()))
    }

    /// [`Evaluator::new`], the roster's digest taken by `hash`.
    pub fn hashed_by(
        contract: &Value,
        size: Option<u64>,
        hash: Box<dyn roster::RosterHash>,
    ) -> Result<Evaluator, Error> {
        let contract = Contract::from_json(contract)?;
        let reader = RosterReader::hashed_by(read_options(&contract), size, hash);
        Ok(Evaluator { contract, reader })
    }

    /// Reads the roster's next bytes; `progress` hears the share read (of `size`).
    pub fn push(&mut self, chunk: &[u8], progress: &mut dyn FnMut(f64)) -> Result<(), Error> {
        self.reader.push(chunk, progress)
    }

    /// The roster's end: the evaluation.
    pub fn finish(self, progress: &mut dyn FnMut(f64)) -> Result<Evaluation, Error> {
        let (read, digest) = self.reader.finish()?;
        evaluate_read(&self.contract, read, digest, 0, progress)
    }
}

/// What the roster reader needs from the contract.
pub(crate) fn read_options(c: &Contract) -> ReadOptions {
    ReadOptions {
        columns: c.columns.clone(),
        subgroup_columns: c.subgroup_columns.clone(),
        max_subgroup_values: c.max_subgroup_values as usize,
        metric: c.metric.clone(),
        need_school: c.assigned_by == AssignedBy::School,
        weekly_minimum: (c.fidelity.min_share_of_weeks).map(|_| c.fidelity.min_minutes_per_week),
    }
}

/// [`evaluate`], `skipped` rows having been left out before the roster was made (the
/// district's files' bad rows, under skip): the comparison's conditions count them too.
fn evaluate_after(
    c: &Contract,
    bytes: &[u8],
    progress: &mut dyn FnMut(f64),
    skipped: usize,
) -> Result<Evaluation, Error> {
    let (read, digest) = roster::read(bytes, read_options(c), progress)?;
    evaluate_read(c, read, digest, skipped, progress)
}

/// The evaluation of a roster read otherwise than by [`evaluate`] (as in parts, see
/// [`roster::parts`]), `digest` being the SHA-256 of its bytes.
#[cfg(feature = "full")]
pub fn evaluate_read_roster(
    c: &Contract,
    read: roster::ReadOutcome,
    digest: [u8; 32],
    progress: &mut dyn FnMut(f64),
) -> Result<Evaluation, Error> {
    evaluate_read(c, read, digest, 0, progress)
}

/// The evaluation of a roster read (`digest`, the SHA-256 of its bytes).
fn evaluate_read(
    c: &Contract,
    read: roster::ReadOutcome,
    digest: [u8; 32],
    skipped: usize,
    progress: &mut dyn FnMut(f64),
) -> Result<Evaluation, Error> {
    if let Some(&(grade, line)) = read.grades_without_norm.first() {
        let grades: Vec<String> = read
            .grades_without_norm
            .iter()
            .map(|(g, _)| g.to_string())
            .collect();
        return Err(Error::fields(
            Code::InvalidContract,
            "contract",
            vec![FieldError {
                path: "metric.norms".into(),
                code: Code::MissingNorm,
                message: format!(
                    "No norm is given for grade{} {} (grade {grade} first appears on line {line} of the roster).",
                    if grades.len() == 1 { "" } else { "s" },
                    grades.join(", ")
                ),
            }],
        ));
    }
    if read.error_count > 0 && c.on_bad_row == OnBadRow::Reject {
        let shown = read.errors.len();
        let first = &read.errors[0];
        return Err(Error {
            code: Code::InvalidRoster,
            message: format!(
                "{} row{} of the roster {} not valid (line {}: {}){}. Fix {}, or set onBadRow to \"skip\" to leave bad rows out.",
                read.error_count,
                if read.error_count == 1 { "" } else { "s" },
                if read.error_count == 1 { "is" } else { "are" },
                first.line,
                first.message.trim_end_matches('.'),
                if shown < read.error_count { format!("; the first {shown} are listed") } else { String::new() },
                if read.error_count == 1 { "it" } else { "them" },
            ),
            details: Details::Rows { errors: read.errors, total: read.error_count },
        });
    }
    let mut evaluation = tally(c, &read.roster, read.error_count + skipped)?;
    evaluation.report.roster_digest = report::digest_text(&digest);
    evaluation.rejected_rows = read.errors;
    evaluation.rejected_count = read.error_count;
    progress(1.0);
    Ok(evaluation)
}

/// Evaluates a contract (JSON) on the district's own files (see [`evaluate_sources`]).
pub fn evaluate_sources_json(
    contract: &Value,
    sources: &crate::intake::Sources,
    progress: &mut dyn FnMut(f64),
) -> Result<Evaluation, Error> {
    let contract = Contract::from_json(contract)?;
    evaluate_sources(&contract, sources, progress)
}

/// Evaluates a contract on the district's own files, joined under its `intake` section: as the
/// same students joined by hand into one roster would evaluate, with the match report, and
/// each row error at its own file and line.
pub fn evaluate_sources(
    c: &Contract,
    sources: &crate::intake::Sources,
    progress: &mut dyn FnMut(f64),
) -> Result<Evaluation, Error> {
    let Some(intake) = &c.intake else {
        return Err(Error::fields(
            Code::InvalidContract,
            "contract",
            vec![FieldError {
                path: "intake".into(),
                code: Code::Required,
                message: "The district's files were given apart (usage, scores, students): the contract's intake section says where each field is in them.".into(),
            }],
        ));
    };
    let joined = crate::intake::join(c, intake, sources)?;
    if joined.origins.is_empty() {
        let whose = if intake.students.is_some() {
            "student"
        } else {
            "usage"
        };
        // Every student left out with a row that could not be read: those rows are the cause.
        if joined.rejected_count > 0 {
            return Err(Error {
                code: Code::InvalidRoster,
                message: format!(
                    "No student is enrolled: {} row{} of the district's files could not be read, and each student with one is left out (the first are listed).",
                    joined.rejected_count,
                    if joined.rejected_count == 1 { "" } else { "s" },
                ),
                details: crate::error::Details::Rows {
                    errors: joined.rejected,
                    total: joined.rejected_count,
                },
            });
        }
        return Err(Error {
            code: Code::InvalidRoster,
            message: format!("No student is enrolled: the {whose} file has no student rows."),
            details: crate::error::Details::None,
        });
    }
    // A roster row's line is the joined roster's: put back the file, line and column its value
    // came from (a score to the scores file's test, minutes to the usage file).
    let locate = |e: RowError| -> (crate::intake::File, RowError) {
        let row = (e.line as usize).wrapping_sub(2);
        match joined.origins.get(row) {
            Some(o) => {
                let (file, line, column) = o.of(intake, e.column.as_deref());
                (file, RowError { line, column, ..e })
            }
            // (The joined roster's header: the contract asks for a column no file was mapped to.)
            None => (crate::intake::File::Students, e),
        }
    };
    let skipped = joined.rejected_count;
    let mut evaluation = match evaluate_after(&joined.contract, &joined.csv, progress, skipped) {
        Ok(e) => e,
        Err(Error {
            details: Details::Rows { errors, total },
            ..
        }) if errors.first().is_some_and(|e| e.line > 1) => {
            let errors = errors.into_iter().map(locate).collect();
            return Err(crate::intake::BadRows {
                errors,
                count: total,
                ..Default::default()
            }
            .into_error());
        }
        Err(e) => return Err(e),
    };
    let rows = std::mem::take(&mut evaluation.rejected_rows);
    let located = rows.into_iter().map(locate);
    evaluation.rejected_rows = (joined.rejected.into_iter())
        .chain(located.map(|(file, e)| crate::intake::in_file(file, e)))
        .take(crate::roster::MAX_REPORTED_ROW_ERRORS)
        .collect();
    evaluation.rejected_count += joined.rejected_count;
    evaluation.matches = Some(joined.matches);
    Ok(evaluation)
}

/// How one enrolled intervention student counts under the contract, from the row's pre-test,
/// post-test, minutes, weeks and grade alone.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Classified {
    /// Minutes a week and weeks both reach the contract's fidelity thresholds.
    at_fidelity: bool,
    /// Enrolled for fewer weeks than fidelity needs.
    short_of_weeks: bool,
    /// The contract's metric, when the student has an outcome.
    metric: Option<f64>,
    /// No outcome because the pre-test left no room to grow (normalized gain at the maximum).
    at_ceiling: bool,
    /// The highest tier the metric reaches (an index into the tiers, lowest first).
    tier: Option<usize>,
    /// The post-test is below the pre-test.
    declined: bool,
    /// The dose band of the student's minutes a week.
    band: usize,
}

/// Each tier's least value that reaches it (see [`crate::growth::reaches`]), for
/// [`classify`]: worked out once, not per student.
fn reach_points(tiers: &[&crate::contract::Tier]) -> Vec<f64> {
    tiers.iter().map(|t| reach_point(t.at_least)).collect()
}

/// Classifies one intervention student; `None` when the contract leaves the student out
/// (below fidelity, with `belowFidelity: "excluded"`). `reach_points` are the payment card's
/// tiers, lowest first, as their [`reach_point`]s; `row` is (pre, post, minutes, weeks), as
/// read; `weeks_at_minimum` the student's weeks reaching the weekly minimum, under the weekly
/// rule; `outcome` the row's metric ([`row_metric`]).
fn classify(
    c: &Contract,
    reach_points: &[f64],
    (pre, post, minutes, weeks): (f64, f64, f64, f64),
    weeks_at_minimum: Option<f64>,
    outcome: Result<Option<f64>, MetricProblem>,
) -> Option<Classified> {
    let minutes_per_week = minutes / weeks;
    // The weekly rule: the share of weeks reaching the minimum (k / weeks, so that 3 of 10
    // weeks is the 0.3 a contract writes); else the average a week.
    let dosage = match (c.fidelity.min_share_of_weeks, weeks_at_minimum) {
        (Some(share), Some(k)) => k / weeks >= share,
        _ => minutes_per_week >= c.fidelity.min_minutes_per_week,
    };
    let at_fidelity = dosage && weeks >= c.fidelity.min_weeks;
    if !at_fidelity && c.below_fidelity == BelowFidelity::Excluded {
        return None;
    }
    let at_ceiling = outcome == Err(MetricProblem::NoRoomToGrow);
    let metric = outcome.ok().flatten().filter(|m| !m.is_nan());
    Some(Classified {
        at_fidelity,
        short_of_weeks: weeks < c.fidelity.min_weeks,
        metric,
        at_ceiling,
        tier: metric.and_then(|m| reach_points.iter().rposition(|&point| m >= point)),
        declined: post - pre < 0.0,
        band: DOSE_BANDS
            .iter()
            .rposition(|&(from, _)| minutes_per_week >= from)
            .unwrap_or(0),
    })
}

/// What the pass over the roster counts: every aggregate of the classified students.
struct Totals {
    /// The students with an outcome at fidelity by tier.
    outcomes: ByTier,
    earned: Earned,
    overall: Tally,
    missing: u64,
    no_room: u64,
    comparison: u64,
    /// Per arm (intervention, comparison), every student assigned: those meeting the lowest
    /// tier, and those with an outcome.
    arms_met: [(u64, u64); 2],
    growth_values: Vec<f64>,
    dose: Dose,
    nesting: Nesting,
    combinations: Combinations,
    /// Whether any enrolled student falls short of the weeks rule: when none does, fidelity
    /// is a matter of minutes a week alone, which the dose bands show.
    short_of_weeks: bool,
    /// Per subgroup column, a tally per value.
    groups: Vec<Vec<Tally>>,
    tier_cells: TierCells,
    hours: Hours,
}

/// The outcomes and hours of use behind the growth per hour: the growth figures' students
/// (at fidelity with an outcome), each dose band's (every enrolled student with an outcome),
/// each subgroup cell's (at fidelity with an outcome), each arm's students the effect compares
/// (those with a post-test), and the doses of the dosage required.
struct Hours {
    overall: per_hour::Moments,
    bands: [per_hour::Moments; DOSE_BANDS.len()],
    groups: Vec<Vec<per_hour::Moments>>,
    /// The hours of each arm's students with a post-test (intervention, comparison).
    compared: [per_hour::Moments; 2],
    /// Every intervention student with an outcome by minutes a week, met or not (below
    /// fidelity too, even when the contract excludes them).
    doses: dosage::Doses,
}

/// Per subgroup column and value, the students with an outcome at fidelity by tier: the
/// audit's cells by tier. None for a column whose values times bands pass
/// [`TierCells::BUDGET`] (its table is then withheld).
struct TierCells(Vec<Option<Vec<ByTier>>>);

impl TierCells {
    const BUDGET: usize = 4096;

    fn new(r: &Roster, tiers: usize) -> Self {
        let bands = tiers + 1;
        TierCells(
            r.subgroups
                .iter()
                .map(|s| {
                    (s.values.len() * bands <= Self::BUDGET)
                        .then(|| vec![ByTier::new(tiers); s.values.len()])
                })
                .collect(),
        )
    }

    /// Student `i` of the roster (see [`ByTier::see`]).
    fn see(&mut self, r: &Roster, i: usize, student: (usize, f64, bool), scale: &Scale) {
        for (column, s) in self.0.iter_mut().zip(&r.subgroups) {
            if let Some(cells) = column {
                cells[s.codes[i] as usize].see(student, scale);
            }
        }
    }
}

/// The dose bands: every enrolled student, at fidelity or not, and those with an outcome by
/// tier.
struct Dose {
    tallies: [Tally; DOSE_BANDS.len()],
    tiers: Vec<ByTier>,
    at_fidelity: Vec<publish::AtFidelity>,
}

impl Dose {
    /// The scale of every enrolled student with an outcome (each lies in one band).
    fn scale(&self) -> Scale {
        self.tiers.iter().fold(Scale::default(), |mut all, band| {
            all.merge(&band.scale);
            all
        })
    }

    fn new(tiers: usize) -> Self {
        Dose {
            tallies: [Tally::default(); DOSE_BANDS.len()],
            tiers: vec![ByTier::new(tiers); DOSE_BANDS.len()],
            at_fidelity: vec![
                publish::AtFidelity {
                    tally: Tally::default(),
                    tiers: vec![0; tiers + 1],
                };
                DOSE_BANDS.len()
            ],
        }
    }

    /// A classified student, with its place among the tiers and its scale when it has an
    /// outcome.
    fn see(&mut self, s: &Classified, placed: Option<&((usize, f64, bool), Scale)>) {
        // The student as the dose bands count them: judged when they have an outcome.
        let one = match s.metric {
            Some(metric) => Tally {
                n: 1,
                judged: 1,
                with_metric: 1,
                metric_sum: metric,
                metric_magnitude: metric.abs(),
                met: u64::from(s.tier.is_some()),
            },
            None => Tally {
                n: 1,
                ..Tally::default()
            },
        };
        add(&mut self.tallies[s.band], &one);
        if let Some((student, scale)) = placed {
            self.tiers[s.band].see(*student, scale);
        }
        if s.at_fidelity {
            let at = &mut self.at_fidelity[s.band];
            add(&mut at.tally, &one);
            if let Some(((k, _, _), _)) = placed {
                at.tiers[*k] += 1;
            }
        }
    }
}

/// Classifies every student and adds each to the tallies it belongs to, in one pass.
fn count_students(c: &Contract, r: &Roster) -> Totals {
    let tiers = c.tiers_ascending();
    let top_cents = c.top_tier_cents() as i128;
    let mut outcomes = ByTier::new(tiers.len());
    let mut earned = Earned::default();
    let mut overall = Tally::default();
    let mut missing = 0u64;
    let mut no_room = 0u64;
    let mut comparison = 0u64;
    let mut arms_met = [(0u64, 0u64); 2];
    let mut growth_values = Vec::new();
    let mut dose = Dose::new(tiers.len());
    let mut nesting = Nesting::new(&r.subgroups);
    let mut combinations = Combinations::new(tiers.len());
    let mut short_of_weeks = false;
    let mut groups: Vec<Vec<Tally>> = r
        .subgroups
        .iter()
        .map(|s| vec![Tally::default(); s.values.len()])
        .collect();
    let mut tier_cells = TierCells::new(r, tiers.len());
    let mut hours = Hours {
        overall: per_hour::Moments::default(),
        bands: [per_hour::Moments::default(); DOSE_BANDS.len()],
        groups: r
            .subgroups
            .iter()
            .map(|s| vec![per_hour::Moments::default(); s.values.len()])
            .collect(),
        compared: [per_hour::Moments::default(); 2],
        doses: dosage::Doses::default(),
    };

    let reach_points = reach_points(&tiers);
    let lowest = reach_points.first().copied().unwrap_or(f64::INFINITY);
    let mut units = ScoreUnits::new();
    for i in 0..r.len() {
        let arm = usize::from(!r.intervention[i]);
        // Both arms alike, every student assigned (intent to treat): the hours of those with a
        // post-test, as the effect compares them, and who of those with an outcome meet the
        // lowest tier, for the incremental cost. The dose fit takes every intervention student
        // with an outcome, whatever the contract pays for: excluding those below fidelity is a
        // payment rule, and the doses below the minimum are the roster's evidence too.
        let hours_of_use = r.minutes[i] / 60.0;
        if !r.post[i].is_nan() {
            hours.compared[arm].see(0.0, hours_of_use);
        }
        let row = (r.pre[i], r.post[i], r.weeks[i], r.grade[i]);
        let typical = r.typical_growth.get(i).copied().unwrap_or(f64::NAN);
        // Validated while reading; recomputed here rather than kept as another column.
        let outcome = row_metric(&c.metric, row, typical);
        if let Ok(Some(m)) = outcome {
            if !m.is_nan() {
                arms_met[arm].1 += 1;
                arms_met[arm].0 += u64::from(m >= lowest);
                if arm == 0 {
                    hours.doses.see(r.minutes[i] / r.weeks[i], m >= lowest);
                }
            }
        }
        if arm == 1 {
            comparison += 1;
            continue;
        }
        earned.intervention += 1;
        let row = (r.pre[i], r.post[i], r.minutes[i], r.weeks[i]);
        let weeks_at_minimum = r.weeks_at_minimum.get(i).copied();
        let Some(s) = classify(c, &reach_points, row, weeks_at_minimum, outcome) else {
            continue;
        };
        earned.enrolled += 1;
        short_of_weeks |= s.short_of_weeks;
        let mut student = Tally {
            n: 1,
            ..Default::default()
        };
        // Where the outcome lies among the tiers (below every tier last), and the scale of the
        // scores behind it.
        let placed = s.metric.map(|m| {
            let mut scale = Scale::default();
            scale.see_remembering(&mut units, &c.metric, r.pre[i], r.post[i], r.grade[i]);
            ((s.tier.unwrap_or(tiers.len()), m, s.declined), scale)
        });
        if s.at_fidelity {
            earned.at_fidelity += 1;
            match s.metric {
                Some(metric) => {
                    if let Some(k) = s.tier {
                        earned.outcome_cents += tiers[k].cents_per_student as i128;
                    }
                    if let Some((student, scale)) = &placed {
                        outcomes.see(*student, scale);
                        tier_cells.see(r, i, *student, scale);
                    }
                    student.met = u64::from(s.tier.is_some());
                    growth_values.push(metric);
                    student.judged = 1;
                    student.with_metric = 1;
                    student.metric_sum = metric;
                    student.metric_magnitude = metric.abs();
                    hours.overall.see(metric, hours_of_use);
                    for (g, s) in hours.groups.iter_mut().zip(&r.subgroups) {
                        g[s.codes[i] as usize].see(metric, hours_of_use);
                    }
                }
                None => {
                    if s.at_ceiling {
                        no_room += 1;
                    } else {
                        missing += 1;
                    }
                    student.judged = u64::from(c.missing_outcome == MissingOutcome::NotMet);
                }
            }
            earned.declined += u64::from(s.declined);
        } else if c.below_fidelity == BelowFidelity::FullOutcome {
            earned.outcome_cents += top_cents;
        }
        add(&mut overall, &student);
        for (g, s) in groups.iter_mut().zip(&r.subgroups) {
            add(&mut g[s.codes[i] as usize], &student);
        }
        nesting.see(&r.subgroups, i);
        let outcome = placed.as_ref().map(|((k, value, _), _)| (*k, *value));
        combinations.see(
            (s.band, s.at_fidelity),
            &r.subgroups,
            i,
            (&student, outcome),
        );
        dose.see(&s, placed.as_ref());
        if let Some(metric) = s.metric {
            hours.bands[s.band].see(metric, hours_of_use);
        }
    }
    Totals {
        outcomes,
        earned,
        overall,
        missing,
        no_room,
        comparison,
        arms_met,
        growth_values,
        dose,
        nesting,
        combinations,
        short_of_weeks,
        groups,
        tier_cells,
        hours,
    }
}

/// The tables the report may publish: the dose bands (table 0) and a table per subgroup
/// column (column g is table g + 1), with the cells nested in one another and the combinations
/// of cells the students hold.
fn tables(
    r: &Roster,
    dose: &Dose,
    (groups, tier_cells): (&[Vec<Tally>], &TierCells),
    nesting: &Nesting,
    combinations: Combinations,
    min: u64,
) -> Tables {
    let mut families = vec![publish::Family {
        column: "minutesPerWeek".into(),
        dose: true,
        values: DOSE_BANDS
            .iter()
            .map(|(_, label)| label.to_string())
            .collect(),
        tallies: dose.tallies.to_vec(),
        tiers: Some(dose.tiers.clone()),
        at_fidelity: dose.at_fidelity.clone(),
    }];
    let (subgroup_families, cell_of): (Vec<_>, Vec<_>) = r
        .subgroups
        .iter()
        .zip(groups)
        .zip(&tier_cells.0)
        .map(|((s, t), by_tier)| subgroup_family(s, t, by_tier.as_deref(), min))
        .unzip();
    families.extend(subgroup_families);
    // Family 0 is the dose bands; subgroup column g is family g + 1.
    let nested = nesting
        .cells(&cell_of)
        .into_iter()
        .map(|(ga, a, gb, b)| (ga + 1, a, gb + 1, b))
        .collect();
    let combinations = combinations.by_cell(&cell_of);
    Tables {
        families,
        nested,
        combinations,
        cell_of,
    }
}

/// The tables, their nesting and the students' combinations of cells.
struct Tables {
    families: Vec<publish::Family>,
    nested: Vec<publish::Nested>,
    combinations: Vec<publish::Combination>,
    /// Per subgroup column, each value code's cell in its table.
    cell_of: Vec<Vec<usize>>,
}

impl Hours {
    /// The growth per hour of each district cell: the dose bands, then each subgroup table's
    /// cells (a value's own, or "(other)" for the rare ones together).
    fn of_cells(
        &self,
        families: &[publish::Family],
        cell_of: &[Vec<usize>],
    ) -> Vec<Option<PerHour>> {
        let mut out: Vec<Option<PerHour>> =
            self.bands.iter().map(per_hour::Moments::per_hour).collect();
        for ((codes, cell_of), f) in self.groups.iter().zip(cell_of).zip(families.iter().skip(1)) {
            let mut cells = vec![per_hour::Moments::default(); f.values.len()];
            for (code, m) in codes.iter().enumerate() {
                if let Some(cell) = cell_of.get(code).and_then(|&c| cells.get_mut(c)) {
                    cell.merge(m);
                }
            }
            out.extend(cells.iter().map(per_hour::Moments::per_hour));
        }
        out
    }
}

/// The district's view of every cell, each saying whether the report shows it: the dose
/// bands, then the subgroup cells.
fn district_cells(
    families: &[publish::Family],
    shown: &[Vec<Shown>],
    report_published: bool,
) -> (Vec<DistrictCell>, Vec<DistrictCell>) {
    let mut district = families.iter().zip(shown).map(|(f, shown)| {
        f.values
            .iter()
            .zip(&f.tallies)
            .zip(shown)
            .map(|((value, t), &shown)| {
                let shown = if report_published {
                    shown
                } else {
                    Shown::Withheld
                };
                DistrictCell::of(&f.column, value, t, shown)
            })
            .collect::<Vec<_>>()
    });
    let dose_response = district.next().unwrap_or_default();
    let subgroups: Vec<DistrictCell> = district.flatten().collect();
    (dose_response, subgroups)
}

/// Every aggregate of the classified students, the payment, the statistics and the report.
fn tally(c: &Contract, r: &Roster, rows_left_out: usize) -> Result<Evaluation, Error> {
    let tiers = c.tiers_ascending();
    let Totals {
        outcomes,
        earned,
        overall,
        missing,
        no_room,
        comparison,
        arms_met,
        mut growth_values,
        dose,
        nesting,
        combinations,
        short_of_weeks,
        groups,
        tier_cells,
        hours,
    } = count_students(c, r);
    let payment = settle(c, &earned)?;
    let distribution = histogram(&growth_values, 20);
    let growth = Growth::of(&mut growth_values);
    let median_pair = middle_pair(&growth_values);
    let mut notes: Vec<String> = no_room_note(no_room).into_iter().collect();
    let effect = local_effect(c, r, comparison, rows_left_out, &mut notes);
    let min = c.min_cell_size;
    let published_effect = effect
        .as_ref()
        .filter(|e| e.post.n_intervention as u64 >= min && e.post.n_comparison as u64 >= min)
        .map(report_effect);
    let subgroups = (&groups[..], &tier_cells);
    let tables = tables(r, &dose, subgroups, &nesting, combinations, min);
    let mut cell_hours = hours
        .of_cells(&tables.families, &tables.cell_of)
        .into_iter();
    let students = Students {
        rows: r.len() as u64,
        comparison,
        intervention: earned.intervention,
        enrolled: earned.enrolled,
        at_fidelity: earned.at_fidelity,
        with_outcome: growth.n,
        judged: overall.judged,
        missing_outcome: missing,
        no_room_to_grow: no_room,
        met_target: overall.met,
        declined: earned.declined,
        by_tier: tiers
            .iter()
            .zip(&outcomes.counts)
            .map(|(t, &count)| TierTally {
                label: t.label.clone(),
                at_least: t.at_least,
                cents_per_student: t.cents_per_student,
                count,
            })
            .collect(),
        below_all_tiers: outcomes.counts[tiers.len()],
    };
    let counts = publish::Counts {
        intervention: earned.intervention,
        enrolled: earned.enrolled,
        at_fidelity: earned.at_fidelity,
        with_outcome: growth.n,
        judged: overall.judged,
        met: overall.met,
        declined: earned.declined,
        outcomes,
        families: tables.families,
        analysed_intervention: published_effect.as_ref().map(|e| e.n_intervention),
        mean_metric: growth.mean,
        median_metric: growth.median,
        sd_metric: growth.sd,
        median_pair,
        short_of_weeks,
        scale: dose.scale(),
        nested: tables.nested,
        combinations: tables.combinations,
    };
    let (mut report, shown) = publish::publish(c, &counts, &growth, published_effect, &payment);
    let cost = match &c.district_costs {
        Some(costs) => {
            let all = cost::Inputs {
                payment_cents: Some(payment.total_cents),
                payment_rounded_to_cents: None,
                enrolled: earned.enrolled,
                intervention: earned.intervention,
                met_target: Some(overall.met),
                intervention_met: Some(arms_met[0]),
                // Without comparison students with an outcome, cost has no incremental figure.
                comparison_met: Some(arms_met[1]),
                effect_g: effect.as_ref().map(|e| e.post.g),
            };
            report.cost = Some(cost::published(costs, &report)?);
            Some(cost::cost(costs, &all)?)
        }
        None => None,
    };
    let (mut dose_response, mut subgroups) = district_cells(
        &counts.families,
        &shown,
        report.disclosure.withheld.is_none(),
    );
    for cell in dose_response.iter_mut().chain(subgroups.iter_mut()) {
        cell.growth_per_hour = cell_hours.next().flatten();
    }
    let [treated, compared] = &hours.compared;
    let growth_per_hour = GrowthPerHour {
        // A post-test score per hour is no growth.
        overall: c
            .metric
            .is_growth()
            .then(|| hours.overall.per_hour())
            .flatten(),
        effect_per_10_hours: effect
            .as_ref()
            .and_then(|e| per_10_hours(e.post.g, treated.mean_hours(), compared.mean_hours())),
        compared_mean_hours: (treated.n() > 0).then(|| treated.mean_hours()),
        comparison_mean_hours: (compared.n() > 0).then(|| compared.mean_hours()),
        note: effect
            .as_ref()
            .and_then(|_| per_10_hours_refused(treated.mean_hours(), compared.mean_hours())),
        effect_per_10_hours_refused: effect
            .as_ref()
            .and_then(|_| per_10_hours_reason(treated.mean_hours(), compared.mean_hours()))
            .map(|(short, _)| short),
    };
    if !c.metric.is_growth() {
        for cell in dose_response.iter_mut().chain(subgroups.iter_mut()) {
            cell.growth_per_hour = None;
        }
    }
    report.growth_per_hour = publish_per_hour(&report, &growth_per_hour);
    if let Some(effect) = report.effect.as_mut() {
        // The effect's own figure, over its students, with its design and significance; the
        // note without the hours, which the district's note gives.
        effect.per_10_hours = growth_per_hour.effect_per_10_hours;
        effect.per_10_hours_note = growth_per_hour.effect_per_10_hours_refused;
    }
    let d = c.dosage_required;
    let dosage_required = dosage::dosage_required(
        &hours.doses,
        d.share,
        (d.resamples, d.seed),
        c.min_cell_size,
    );
    Ok(Evaluation {
        payment,
        students,
        growth,
        growth_per_hour,
        dosage_required,
        distribution,
        effect,
        dose_response,
        subgroups,
        rejected_rows: Vec::new(),
        rejected_count: 0,
        matches: None,
        notes,
        cost,
        report,
    })
}

/// K (kindergarten) first, then numbers by value, then other values alphabetically.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |v: &str| match v.trim() {
        k if k.eq_ignore_ascii_case("K") || k.eq_ignore_ascii_case("KG") => (0, -1.0),
        n => n.parse::<f64>().map_or((1, 0.0), |x| (0, x)),
    };
    let (ka, kb) = (key(a), key(b));
    ka.0.cmp(&kb.0)
        .then(ka.1.total_cmp(&kb.1))
        .then_with(|| a.cmp(b))
}

fn add(total: &mut Tally, s: &Tally) {
    total.n += s.n;
    total.judged += s.judged;
    total.met += s.met;
    total.with_metric += s.with_metric;
    total.metric_sum += s.metric_sum;
    total.metric_magnitude = larger(total.metric_magnitude, s.metric_magnitude);
}

/// Count, mean and sample SD in one pass (Welford's method).
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn add(&mut self, x: f64) {
        self.n += 1.0;
        let d = x - self.mean;
        self.mean += d / self.n;
        self.m2 += d * (x - self.mean);
    }
    fn sd(&self) -> f64 {
        (self.m2 / (self.n - 1.0)).sqrt()
    }
    fn group(&self) -> Group {
        Group::Continuous {
            n: self.n,
            mean: self.mean,
            sd: self.sd(),
        }
    }
}

/// One group of the comparison: students randomized (every row), post-tests, and the
/// pre-tests of those with a post-test.
struct Arm {
    randomized: f64,
    post: Moments,
    pre: Moments,
}

impl Arm {
    /// The intervention and the comparison arm: every student assigned, and the post- and
    /// pre-tests of those with a post-test (intent to treat).
    fn both(r: &Roster) -> [Arm; 2] {
        let mut arms = [(), ()].map(|_| Arm {
            randomized: 0.0,
            post: Moments::default(),
            pre: Moments::default(),
        });
        for i in 0..r.len() {
            let arm = &mut arms[usize::from(!r.intervention[i])];
            arm.randomized += 1.0;
            if r.post[i].is_nan() {
                continue;
            }
            arm.post.add(r.post[i]);
            if !r.pre[i].is_nan() {
                arm.pre.add(r.pre[i]);
            }
        }
        arms
    }
}

/// A unit (school, district) holds a real share of a group when at least this share of the
/// group's analysed students are in it: a few students placed across the line do not make a
/// unit hold both groups, nor make a site.
const REAL_SHARE: f64 = 0.05;

/// How the analysed students of one grouping column (school or district) fall into the groups.
/// Values are compared as folded names (case, spaces, invisible characters and look-alike
/// letters aside); a blank is no unit at all.
#[derive(Debug, Clone, Copy, Default)]
struct Units {
    /// Units holding a real share of the intervention group only.
    intervention: usize,
    /// Units holding a real share of the comparison group only.
    comparison: usize,
    /// Units holding a real share of both groups.
    shared: usize,
    /// Analysed students with a blank value.
    blank: u64,
}

impl Units {
    fn of(cat: &roster::Category, r: &Roster) -> Units {
        // Each distinct raw value -> its unit's folded name, then students per unit and group.
        let keys: Vec<String> = cat
            .values
            .iter()
            .map(|v| crate::input::fold_name(v))
            .collect();
        let mut names = keys.clone();
        names.sort_unstable();
        names.dedup();
        let unit_of: Vec<usize> = keys
            .iter()
            .map(|k| names.binary_search(k).unwrap_or(0))
            .collect();
        let mut counts = vec![[0u64; 2]; names.len()];
        let mut blank = 0;
        for i in 0..r.len() {
            if r.post[i].is_nan() {
                continue;
            }
            let unit = unit_of[cat.codes[i] as usize];
            if names[unit].is_empty() {
                blank += 1;
            } else {
                counts[unit][usize::from(!r.intervention[i])] += 1;
            }
        }
        let totals = counts
            .iter()
            .fold([0u64; 2], |[t, c], [a, b]| [t + a, c + b]);
        let real = |n: u64, total: u64| n > 0 && n as f64 >= REAL_SHARE * total as f64;
        let mut units = Units {
            blank,
            ..Units::default()
        };
        for [t, c] in counts {
            match (real(t, totals[0]), real(c, totals[1])) {
                (true, true) => units.shared += 1,
                (true, false) => units.intervention += 1,
                (false, true) => units.comparison += 1,
                (false, false) => {}
            }
        }
        units
    }

    /// No unit holds a real share of both groups, and each group holds units of its own: the
    /// groups are whole units (cluster assignment). Students with no unit recorded do not break
    /// the pattern the others show: analysed as clusters, the p-value errs on the careful side
    /// (the confound check still fails on them). A group with no unit of its own (none recorded,
    /// or spread thin) shows no pattern to follow.
    fn aligned(&self) -> bool {
        self.shared == 0 && self.intervention > 0 && self.comparison > 0
    }

    /// Neither group is (all but a few students) one unit of its own: each has two units, or
    /// shares a unit with the other group (the WWC's n = 1 confound is a unit aligned with one group).
    fn no_single_unit(&self) -> bool {
        let fine = |only: usize| only + self.shared >= 2 || self.shared >= 1;
        fine(self.intervention) && fine(self.comparison)
    }
}

/// The roster's comparison as a design: what a rating of it as a study needs to know.
struct RosterDesign {
    design: StudyDesign,
    /// Assignment was by school (said so, or whole schools in one group each).
    by_school: bool,
    clusters: Option<Clusters>,
    sites: u64,
    site_unit: SiteUnit,
    independent: bool,
    randomized: bool,
}

impl RosterDesign {
    fn of(
        c: &Contract,
        policy: &crate::profile::Policy,
        schools: Option<Units>,
        districts: Option<Units>,
    ) -> RosterDesign {
        // Whole schools in one group each are cluster assignment, whatever the contract says: the
        // analysis must then be cluster-adjusted, and one school per group is a confound.
        let by_school = c.assigned_by == AssignedBy::School || schools.is_some_and(|s| s.aligned());
        let clusters = match (by_school, schools) {
            (true, Some(s)) => Some(Clusters {
                // Schools holding a real share of a group; a shared school is counted once (with
                // the intervention group): M is the number of distinct schools.
                intervention: (s.intervention + s.shared) as f64,
                comparison: s.comparison as f64,
                icc: c.icc,
            }),
            _ => None,
        };
        let design = match (c.randomized, by_school) {
            (true, true) => StudyDesign::ClusterRct,
            (true, false) => StudyDesign::Rct,
            (false, _) => StudyDesign::Qed,
        };
        // Sites are units holding a real share of both groups: a school or district that lines up
        // with one group is no independent replication. A roster without the column is one site.
        let sites = match (policy.site_unit, districts, schools) {
            (SiteUnit::District, Some(d), _) | (SiteUnit::School, _, Some(d)) => d.shared.max(1),
            _ => 1,
        } as u64;
        RosterDesign {
            design,
            by_school,
            clusters,
            sites,
            site_unit: policy.site_unit,
            independent: c.evaluator.as_ref().is_some_and(|e| e.independent),
            randomized: c.randomized,
        }
    }

    /// The comparison as a study, for the same rating a vendor's study gets.
    fn study(
        &self,
        post: &stats::EffectResult,
        attrition: &Attrition,
        baseline_g: Option<f64>,
    ) -> Study {
        Study {
            title: "This roster".into(),
            url: None,
            design: self.design,
            independent: self.independent,
            sample_size: Some((post.n_intervention + post.n_comparison) as u64),
            sites: Some(self.sites),
            site_unit: Some(self.site_unit),
            site_names: None,
            // The roster's p-value is computed here, cluster-adjusted when assignment was by school.
            analysis_accounts_for_clustering: Some(true),
            clusters: self.clusters.map(|k| ClusterCounts {
                intervention: k.intervention as u64,
                comparison: k.comparison as u64,
            }),
            duration_weeks: None,
            effect_size: Some(post.g),
            p_value: Some(post.p_value),
            summary: None,
            findings: None,
            attrition: self.randomized.then_some(AttritionInput::Rates {
                overall: attrition.overall,
                differential: attrition.differential,
            }),
            baseline_effect_size: baseline_g,
            // The comparison is of post-tests, not adjusted for the pre-test.
            baseline_adjusted: Some(false),
            controls_for_selection: None,
            ongoing: None,
            covers_ai: None,
        }
    }
}

/// The note for students whose pre-test leaves no room to grow, if any.
fn no_room_note(no_room: u64) -> Option<String> {
    (no_room > 0).then(|| format!(
        "{no_room} at-fidelity student{} scored the maximum on the pre-test, which leaves no room for a normalized gain; {}.",
        if no_room == 1 { "" } else { "s" },
        if no_room == 1 { "that student is treated as a missing outcome" } else { "they are treated as missing outcomes" }
    ))
}

/// The two middle outcomes (one twice for an odd count) of `values` as [`Growth::of`] leaves
/// them (the upper middle at `n / 2`, the lower half before it): what a reader who knows the
/// scores' lattice may know of them.
fn middle_pair(values: &[f64]) -> Option<(f64, f64)> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let upper = values[n / 2];
    let lower = if n % 2 == 1 {
        upper
    } else {
        values[..n / 2]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    };
    Some((lower, upper))
}

/// The WWC comparison of intervention and comparison students (intent to treat: every
/// intervention student with a post-test), its design conditions, and what it could support.
fn local_effect(
    c: &Contract,
    r: &Roster,
    comparison: u64,
    rows_left_out: usize,
    notes: &mut Vec<String>,
) -> Option<LocalEffect> {
    if comparison == 0 {
        if r.has_group {
            notes.push(
                "No comparison students are in the roster, so no effect size is computed.".into(),
            );
        }
        return None;
    }
    let arms = Arm::both(r);
    let [ti, tc] = &arms;
    let (ni, nc) = (ti.post.n, tc.post.n);
    if ni < 2.0 || nc < 2.0 {
        notes.push(
            "Fewer than two students with a post-test in a group: no effect size is computed."
                .into(),
        );
        return None;
    }
    let policy = c.evidence_policy.clone().unwrap_or_default();
    let schools = r.school.as_ref().map(|s| Units::of(s, r));
    let districts = r.district.as_ref().map(|d| Units::of(d, r));
    let shape = RosterDesign::of(c, &policy, schools, districts);
    let input = EffectInput {
        intervention: ti.post.group(),
        comparison: tc.post.group(),
        lower_is_better: false,
        clusters: shape.clusters,
        alpha: policy.alpha,
    };
    let post = match stats::effect_size(&input) {
        Ok(e) => e,
        Err(e) => {
            notes.push(format!("No effect size: {}", e.message));
            return None;
        }
    };
    notes.extend(post.notes.iter().cloned());
    let baseline_g = baseline_g(c, &arms, &input, notes);
    let rate = |randomized: [f64; 2]| {
        let attrition = Attrition::from_counts(randomized[0], randomized[1], ni, nc);
        let study = shape.study(&post, &attrition, baseline_g);
        let verdict = vetting::rate_study(0, &study, &policy);
        // Baseline equivalence is needed by a quasi-experiment or an RCT with high attrition,
        // and must hold on the analytic sample: every student in the effect (WWC 5.0,
        // baseline equivalence).
        let attrition_status = attrition.status(policy.attrition_boundary);
        let needs_baseline = shape.design == StudyDesign::Qed || !attrition_status.low;
        let units = UnitLayout {
            schools,
            districts,
            by_school: shape.by_school,
            missing_pre_tests: needs_baseline.then_some((ni - ti.pre.n + nc - tc.pre.n) as u64),
        };
        let conditions = conditions(c, units, rows_left_out, &study, &verdict);
        let could_support = could_support(&study, &verdict, &policy, &conditions);
        (
            attrition_status,
            study.independent,
            conditions,
            could_support,
        )
    };
    let (attrition, independent, conditions, could_support) = rate([ti.randomized, tc.randomized]);
    let rating_in_report = rating_holds_within_small_counts(
        &|randomized| {
            let (_, _, conditions, support) = rate(randomized);
            (conditions.iter().all(|k| k.met), support)
        },
        [[ti.randomized, ni], [tc.randomized, nc]],
        c.min_cell_size,
        (conditions.iter().all(|k| k.met), &could_support),
    );
    let design = shape.design;
    Some(LocalEffect {
        kind: "localComparison",
        summary: effect_summary(&post, design),
        post,
        baseline_g,
        baseline: baseline_g.map(baseline_equivalence),
        attrition,
        design: match design {
            StudyDesign::ClusterRct => "clusterRct",
            StudyDesign::Rct => "rct",
            _ => "qed",
        },
        assigned_by: if shape.by_school { "school" } else { "student" },
        independent,
        evaluator: c.evaluator.as_ref().map(|e| e.name.clone()),
        sites: shape.sites,
        policy,
        conditions,
        could_support,
        rating_in_report,
    })
}

/// The rating and ESSA tier a review could give the comparison, when every condition holds
/// and the rating meets standards.
fn could_support(
    study: &Study,
    verdict: &vetting::StudyVerdict,
    policy: &crate::profile::Policy,
    conditions: &[Condition],
) -> Option<Support> {
    (conditions.iter().all(|k| k.met) && verdict.rating.meets()).then(|| {
        let (essa_tier, essa_rationale) = vetting::essa_tier(
            std::slice::from_ref(study),
            std::slice::from_ref(verdict),
            policy,
        );
        Support {
            rating: verdict.rating,
            essa_tier,
            essa_rationale,
        }
    })
}

/// Whether the rating (`rated`: whether every condition holds, and what it could support, for
/// the students randomized in each group) stays `published` wherever each group's count of
/// students without a post-test lies within 1 to `min - 1`, when it is that small. The rating
/// rests on those counts. A reader is not told the comparison group's, and the report protects
/// the intervention's; but a rating that changed as a small one moved in that range would tell
/// where it lies (low attrition put 4 comparison students without a post-test at 0 to 6). The
/// report then withholds the rating; the district's result keeps it. `[randomized, analysed]`
/// per group.
fn rating_holds_within_small_counts(
    rated: &dyn Fn([f64; 2]) -> (bool, Option<Support>),
    groups: [[f64; 2]; 2],
    min: u64,
    published: (bool, &Option<Support>),
) -> bool {
    let within_range = |[randomized, analysed]: [f64; 2]| -> Vec<f64> {
        let missing = randomized - analysed;
        if missing >= 1.0 && missing < min as f64 {
            (1..min).map(|m| analysed + m as f64).collect()
        } else {
            vec![randomized]
        }
    };
    let [intervention, comparison] = groups.map(within_range);
    intervention.iter().all(|&i| {
        comparison.iter().all(|&k| {
            let (all_met, support) = rated([i, k]);
            all_met == published.0 && support.as_ref() == published.1.as_ref()
        })
    })
}

/// How the roster's schools and districts line up with the groups, and what the design needs.
struct UnitLayout {
    schools: Option<Units>,
    districts: Option<Units>,
    by_school: bool,
    /// Analysed students without a pre-test, when the design needs baseline equivalence.
    missing_pre_tests: Option<u64>,
}

/// The effect size on the pre-test among the analysed students (the baseline difference);
/// a note when randomized groups differ by more than 0.25 SD.
fn baseline_g(
    c: &Contract,
    [ti, tc]: &[Arm; 2],
    post: &EffectInput,
    notes: &mut Vec<String>,
) -> Option<f64> {
    // Plain Hedges' g, also when schools were assigned: the texts of the WWC we could read give
    // the cluster adjustment (which shrinks g) for findings and say nothing of baseline gaps, so
    // we keep the larger, stricter gap rather than ease a baseline check on our own reading.
    let g = stats::effect_size(&EffectInput {
        intervention: ti.pre.group(),
        comparison: tc.pre.group(),
        clusters: None,
        ..*post
    })
    .ok()
    .map(|e| e.g);
    // The WWC's own line (|g| > 0.25 cannot be adjusted away), not a second copy of it.
    if c.randomized && g.is_some_and(|b| baseline_equivalence(b) == Baseline::NotSatisfied) {
        notes.push(format!(
            "The groups differ by {:.2} SD on the pre-test although the contract says they were randomized: check that the random assignment held.",
            g.unwrap_or_default().abs()
        ));
    }
    g
}

/// Whether no group is a single school (or district) of its own, and why.
fn unit_condition(level: &str, u: &Units) -> (bool, String) {
    if u.blank > 0 {
        (false, format!("{} analysed student{} no {level} recorded, so a confound between the intervention and a single {level} cannot be ruled out.", u.blank, if u.blank == 1 { " has" } else { "s have" }))
    } else if !u.no_single_unit() {
        (false, format!("A group is (all but under 5% of its students) a single {level} of its own ({} {level}{} hold a real share of the intervention group only, {} of the comparison group only, {} of both): it cannot be told apart from that {level} (the WWC's n = 1 confound).",
            u.intervention, if u.intervention == 1 { "" } else { "s" }, u.comparison, u.shared))
    } else if u.shared > 0 {
        (true, format!("{} {level}{} a real share of both groups, so no group is a single {level} of its own.", u.shared, if u.shared == 1 { " holds" } else { "s hold" }))
    } else {
        (
            true,
            format!(
                "{} intervention and {} comparison {level}s: no group is a single {level}.",
                u.intervention, u.comparison
            ),
        )
    }
}

/// The design conditions a WWC review would check of this comparison (Standards Handbook 5.0:
/// confounding factors, attrition, baseline equivalence), each with its reason.
fn conditions(
    c: &Contract,
    units: UnitLayout,
    rows_left_out: usize,
    study: &Study,
    verdict: &vetting::StudyVerdict,
) -> Vec<Condition> {
    let mut out = Vec::new();
    let mut add = |id, met, message: String| out.push(Condition { id, met, message });
    add(
        "everyRowRead",
        rows_left_out == 0,
        if rows_left_out == 0 {
            "Every row of the roster was read.".into()
        } else {
            format!("{rows_left_out} row{} could not be read and {} left out: a review needs every student in the comparison, so fix the rows rather than skip them.",
                if rows_left_out == 1 { "" } else { "s" }, if rows_left_out == 1 { "was" } else { "were" })
        },
    );
    if c.assigned_by == AssignedBy::School {
        let shared = units.schools.map_or(0, |s| s.shared);
        add(
            "assignmentBySchool",
            shared == 0,
            if shared == 0 {
                "Every school's analysed students are in one group, as assignment by school requires.".into()
            } else {
                format!(
                    "{shared} school{} students in both groups, so assignment was not by school.",
                    if shared == 1 { " has" } else { "s have" }
                )
            },
        );
    }
    for (level, found) in [("school", units.schools), ("district", units.districts)] {
        let Some(u) = found else { continue };
        let (met, message) = unit_condition(level, &u);
        add(
            if level == "school" {
                "noSingleSchoolConfound"
            } else {
                "noSingleDistrictConfound"
            },
            met,
            message,
        );
    }
    if let Some(missing) = units.missing_pre_tests.filter(|&m| m > 0) {
        add(
            "baselineCoversAnalysed",
            false,
            format!("{missing} analysed student{} no pre-test: baseline equivalence, which this design needs, must be shown on every student in the effect.", if missing == 1 { " has" } else { "s have" }),
        );
    }
    if units.schools.is_none() {
        if units.by_school {
            add(
                "noSingleSchoolConfound",
                false,
                "Assignment by school, but the roster has no school column to count the schools."
                    .into(),
            );
        } else if study.design.is_randomized() {
            add(
                "noSingleSchoolConfound",
                true,
                "Students were randomly assigned one by one.".into(),
            );
        } else {
            add("noSingleSchoolConfound", false, "The roster has no school column, so a confound between the intervention and a single school cannot be ruled out.".into());
        }
    }
    let meets = verdict.rating.meets();
    add(
        "wwcDesignStandards",
        meets,
        format!(
            "{} {}",
            if meets {
                "The design would meet WWC group-design standards:"
            } else {
                "The design would not meet WWC group-design standards:"
            },
            verdict.reasons.join(" ")
        ),
    );
    out
}

/// "+0.18 SD, not statistically significant (p = 0.50): a local comparison of 1,204
/// intervention and 1,188 comparison students with a post-test, not a WWC review."
fn effect_summary(e: &stats::EffectResult, design: StudyDesign) -> String {
    let design = match design {
        StudyDesign::ClusterRct => "a local randomized comparison of schools",
        StudyDesign::Rct => "a local randomized comparison",
        _ => "a local comparison (not randomized)",
    };
    format!(
        "{}{:.2} SD, {} ({}): {design} of {} intervention and {} comparison students with a post-test, not a WWC review.",
        if e.g < 0.0 { "-" } else { "+" },
        e.g.abs(),
        if e.significant { "statistically significant" } else { "not statistically significant" },
        format_p(e.p_value),
        group_digits(e.n_intervention as u64),
        group_digits(e.n_comparison as u64),
    )
}

fn format_p(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {p:.3}")
    }
}

/// 1234567 as "1,234,567".
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The local comparison as the report publishes it.
fn report_effect(e: &LocalEffect) -> report::ReportEffect {
    report::ReportEffect {
        kind: e.kind,
        summary: e.summary.clone(),
        g: e.post.g,
        ci_lower: e.post.ci_lower,
        ci_upper: e.post.ci_upper,
        p_value: e.post.p_value,
        significant: e.post.significant,
        improvement_index: e.post.improvement_index,
        n_intervention: e.post.n_intervention as u64,
        n_comparison: e.post.n_comparison as u64,
        cluster_corrected: e.post.cluster_corrected,
        design: e.design,
        assigned_by: e.assigned_by,
        independent: e.independent,
        evaluator: e.evaluator.clone(),
        policy: e.policy.clone(),
        conditions_met: e
            .rating_in_report
            .then(|| e.conditions.iter().all(|k| k.met)),
        could_support: e.could_support.clone().filter(|_| e.rating_in_report),
        per_10_hours: None,
        per_10_hours_note: None,
    }
}

/// Which subgroup values lie inside one value of another column (a grade inside a grade band,
/// "ELL" inside "ever ELL"), over the enrolled students: a reader who knows the columns' meaning
/// knows it, and can take one cell from the other.
struct Nesting {
    /// Per column, per value code, per other column: the one value code seen with it so far,
    /// `UNSEEN` or `MIXED`.
    seen: Vec<Vec<Vec<u32>>>,
}

const UNSEEN: u32 = u32::MAX;
const MIXED: u32 = u32::MAX - 1;

impl Nesting {
    fn new(columns: &[roster::Category]) -> Nesting {
        let k = columns.len();
        Nesting {
            seen: columns
                .iter()
                .map(|c| vec![vec![UNSEEN; k]; c.values.len()])
                .collect(),
        }
    }

    /// Row `i` is an enrolled student. Cost: the square of the number of subgroup columns.
    fn see(&mut self, columns: &[roster::Category], i: usize) {
        for (g, column) in columns.iter().enumerate() {
            let Some(row) = self.seen[g].get_mut(column.codes[i] as usize) else {
                continue;
            };
            for (h, other) in columns.iter().enumerate().filter(|&(h, _)| h != g) {
                let b = other.codes[i];
                row[h] = match row[h] {
                    UNSEEN => b,
                    x if x == b => x,
                    _ => MIXED,
                };
            }
        }
    }

    /// Cells nested in a cell of another column, as (column a, cell a, column b, cell b), given
    /// each column's cell for each value code.
    fn cells(&self, cell_of: &[Vec<usize>]) -> Vec<publish::Nested> {
        let mut out = Vec::new();
        for (g, values) in self.seen.iter().enumerate() {
            let cells = cell_of[g].iter().copied().max().map_or(0, |m| m + 1);
            for h in (0..cell_of.len()).filter(|&h| h != g) {
                // Per cell of column g: the one cell of column h its values lie in.
                let mut inside = vec![UNSEEN; cells];
                for (code, seen) in values.iter().enumerate() {
                    let target = match seen[h] {
                        UNSEEN => continue,
                        MIXED => MIXED,
                        b => cell_of[h].get(b as usize).map_or(MIXED, |&c| c as u32),
                    };
                    let a = cell_of[g][code];
                    inside[a] = match inside[a] {
                        UNSEEN => target,
                        x if x == target => x,
                        _ => MIXED,
                    };
                }
                for (a, &b) in inside.iter().enumerate() {
                    if b != UNSEEN && b != MIXED {
                        out.push((g, a, h, b as usize));
                    }
                }
            }
        }
        out
    }
}

/// Every combination of a dose band and a value of each subgroup column that enrolled students
/// hold, with their tally: a reader who knows how columns relate (a "high needs" column that is
/// ELL or special education) may take such a group from cells of different tables.
struct Combinations {
    key: Vec<u32>,
    /// Each combination seen (its key: the dose band and each column's value), what it holds.
    seen: Vec<(Vec<u32>, publish::Combination)>,
    /// Key -> its place in `seen`, in the keys' order (the order they are merged in later).
    index: BTreeMap<Vec<u32>, usize>,
    /// The place last found for keys of each hash, checked against the key: a handful of
    /// combinations is most rosters', and a student's is then found without a search.
    recent: Vec<usize>,
    tiers: usize,
}

/// Slots in [`Combinations::recent`].
const RECENT_COMBINATIONS: usize = 1 << 10;

impl Combinations {
    /// None yet, for a card of `tiers` tiers.
    fn new(tiers: usize) -> Self {
        Combinations {
            key: Vec::new(),
            seen: Vec::new(),
            index: BTreeMap::new(),
            recent: vec![usize::MAX; RECENT_COMBINATIONS],
            tiers,
        }
    }

    /// Enrolled student `i`, in dose band `band`, with the tier of their outcome (the tiers'
    /// count for below every tier) and the outcome when they have one, at fidelity or not.
    /// Without subgroup columns there is nothing to cross, and nothing is kept.
    fn see(
        &mut self,
        (band, at_fidelity): (usize, bool),
        columns: &[roster::Category],
        i: usize,
        (student, placed): (&Tally, Option<(usize, f64)>),
    ) {
        if columns.is_empty() {
            return;
        }
        self.key.clear();
        self.key.push(band as u32);
        self.key.extend(columns.iter().map(|c| c.codes[i]));
        let hash = (self.key.iter()).fold(0u64, |h, &k| {
            (h.rotate_left(5) ^ u64::from(k)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        });
        let slot = (hash >> 54) as usize % RECENT_COMBINATIONS;
        let at = match self.seen.get(self.recent[slot]) {
            // (Element by element: a slice comparison is a call to memcmp in wasm.)
            Some((key, _))
                if key.len() == self.key.len()
                    && key.iter().zip(&self.key).all(|(a, b)| a == b) =>
            {
                self.recent[slot]
            }
            _ => {
                let next = self.seen.len();
                let at = *self.index.entry(self.key.clone()).or_insert(next);
                if at == next {
                    let x = publish::Combination::new(self.tiers);
                    self.seen.push((self.key.clone(), x));
                }
                self.recent[slot] = at;
                at
            }
        };
        let x = &mut self.seen[at].1;
        add(&mut x.tally, student);
        match placed {
            Some((k, _)) if at_fidelity => x.tiers[k] += 1,
            Some((k, value)) => {
                // Below every tier is the tiers' count: not meeting the target.
                x.below_fidelity.0[usize::from(k == self.tiers)] += 1;
                x.below_fidelity.1 += value;
            }
            None => {}
        }
    }

    /// The combinations of published cells (rare values merged into "(other)"), family 0
    /// being the dose bands as in [`publish::Counts::families`].
    fn by_cell(self, cell_of: &[Vec<usize>]) -> Vec<publish::Combination> {
        let mut merged: BTreeMap<Vec<u32>, publish::Combination> = BTreeMap::new();
        for (key, x) in self.index.values().map(|&at| &self.seen[at]) {
            let cells: Vec<u32> =
                key[..1]
                    .iter()
                    .copied()
                    .chain(key[1..].iter().zip(cell_of).map(|(&code, cells)| {
                        cells.get(code as usize).copied().unwrap_or(0) as u32
                    }))
                    .collect();
            let total = merged
                .entry(cells.clone())
                .or_insert_with(|| publish::Combination {
                    cells,
                    ..publish::Combination::new(self.tiers)
                });
            add(&mut total.tally, &x.tally);
            total
                .tiers
                .iter_mut()
                .zip(&x.tiers)
                .for_each(|(a, b)| *a += b);
            let ([met, not_met], sum) = &mut total.below_fidelity;
            let ([their_met, their_not_met], their_sum) = x.below_fidelity;
            (*met, *not_met, *sum) = (*met + their_met, *not_met + their_not_met, *sum + their_sum);
        }
        merged.into_values().collect()
    }
}

/// A subgroup column's cells, in a reader's order, with every value held by fewer than `min`
/// students of the whole roster merged into "(other)": a suppressed cell labelled with a rare
/// value (a name, a language only one family speaks) would say who is in it.
fn subgroup_family(
    s: &roster::Category,
    tallies: &[Tally],
    by_tier: Option<&[ByTier]>,
    min: u64,
) -> (publish::Family, Vec<usize>) {
    let mut held = vec![0u64; s.values.len()];
    for &code in &s.codes {
        held[code as usize] += 1;
    }
    let mut order: Vec<usize> = (0..s.values.len()).filter(|&i| held[i] >= min).collect();
    order.sort_by(|&a, &b| natural_order(&s.values[a], &s.values[b]));
    let mut values: Vec<String> = order
        .iter()
        .map(|&i| match s.values[i].as_str() {
            "" => "(blank)".to_string(),
            v => v.to_string(),
        })
        .collect();
    let mut cells: Vec<Tally> = order.iter().map(|&i| tallies[i]).collect();
    let mut tiers: Option<Vec<ByTier>> =
        by_tier.map(|b| order.iter().map(|&i| b[i].clone()).collect());
    let rare: Vec<usize> = (0..s.values.len()).filter(|&i| held[i] < min).collect();
    if !rare.is_empty() {
        let mut other = Tally::default();
        for &i in &rare {
            add(&mut other, &tallies[i]);
        }
        values.push("(other)".into());
        cells.push(other);
        if let (Some(tiers), Some(b)) = (&mut tiers, by_tier) {
            let mut sum = ByTier::new(b[0].counts.len() - 1);
            for &i in &rare {
                sum.merge(&b[i]);
            }
            tiers.push(sum);
        }
    }
    // Each value code's cell: its own, or "(other)" (the last).
    let mut cell_of = vec![values.len().saturating_sub(1); s.values.len()];
    for (cell, &code) in order.iter().enumerate() {
        cell_of[code] = cell;
    }
    (
        publish::Family {
            column: s.column.clone(),
            dose: false,
            values,
            tallies: cells,
            tiers,
            at_fidelity: Vec::new(),
        },
        cell_of,
    )
}

#[cfg(test)]
mod tests;
