//! Aggregates fit to publish: cells with small-cell and complementary suppression, and the
//! outcomes report (`evidence-check/outcomes-report@1`) that evaluators sign. Nothing here
//! holds a student id or a per-student value.

use serde::Serialize;

pub const REPORT_SCHEMA: &str = "evidence-check/outcomes-report@1";

/// Running totals for one group of students (a subgroup value, a dose band, everyone).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    /// Students in the cell (enrolled intervention students).
    pub n: u64,
    /// Students counted for "met target": at fidelity with an outcome (and, under
    /// `missingOutcome: notMet`, those missing one).
    pub judged: u64,
    pub met: u64,
    /// Students with a metric value, its sum, and its largest size (absolute value).
    pub with_metric: u64,
    pub metric_sum: f64,
    pub metric_magnitude: f64,
}

impl Tally {
    pub fn share_met(&self) -> Option<f64> {
        (self.judged > 0).then(|| self.met as f64 / self.judged as f64)
    }
    pub fn mean_metric(&self) -> Option<f64> {
        (self.with_metric > 0).then(|| self.metric_sum / self.with_metric as f64)
    }
}

/// One published cell; a suppressed cell shows only its column and value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    /// The subgroup column, or `dose` for the dose bands.
    pub column: String,
    /// The cell's value in that column (`(other)` for rare values rolled together).
    pub value: String,
    /// Enrolled students in the cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// Students the share is over: at fidelity with an outcome (for the dose bands, every
    /// enrolled student with an outcome).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judged: Option<u64>,
    /// The share of the judged students who met the target; null when it is coded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_met_target: Option<Option<f64>>,
    /// `"atMost5Percent"` or `"atLeast95Percent"` instead of a share that would say what (nearly)
    /// every student of the cell got.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_met_target_coded: Option<&'static str>,
    /// The mean of the metric over the judged students.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_metric: Option<Option<f64>>,
    /// The cell is withheld: only its column and value are shown.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
}

/// How much of a cell the published report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Only its column and value.
    Withheld,
    /// Its figures without its size (enrolled students): few of them are outside its share.
    WithoutSize,
    Whole,
}

impl Cell {
    /// The cell with the figures the report shows of it.
    pub(crate) fn of(column: &str, value: &str, t: &Tally, shown: Shown) -> Cell {
        let coded = coded_share(t);
        let size = shown == Shown::Whole;
        let shown = shown != Shown::Withheld;
        Cell {
            column: column.to_string(),
            value: value.to_string(),
            n: size.then_some(t.n),
            judged: shown.then_some(t.judged),
            share_met_target: shown.then(|| t.share_met().filter(|_| coded.is_none())),
            share_met_target_coded: coded.filter(|_| shown).map(|c| match c {
                Coded::AtMost5 => "atMost5Percent",
                Coded::AtLeast95 => "atLeast95Percent",
            }),
            mean_metric: shown.then(|| t.mean_metric()),
            suppressed: !shown,
        }
    }
}

/// A share published as a bound rather than a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Coded {
    AtMost5,
    AtLeast95,
}

/// A share of 5% or less, or 95% or more, is published as that bound: the exact share would say
/// what (nearly) every student of the group got. None when the exact share may be published.
pub fn coded_share(t: &Tally) -> Option<Coded> {
    let share = t.share_met()?;
    if share <= 0.05 {
        Some(Coded::AtMost5)
    } else if share >= 0.95 {
        Some(Coded::AtLeast95)
    } else {
        None
    }
}

/// A cell as the district sees it: every figure, and whether the published report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DistrictCell {
    pub column: String,
    pub value: String,
    pub n: u64,
    pub judged: u64,
    pub met: u64,
    /// Students with an outcome (the mean's denominator; under `missingOutcome: notMet` the
    /// share is over those missing one too).
    pub with_outcome: u64,
    pub share_met_target: Option<f64>,
    pub mean_metric: Option<f64>,
    /// The published report shows this cell's figures (else it is suppressed there).
    pub in_report: bool,
    /// The metric per hour of use of the cell's students with an outcome (the district's
    /// view; not published for cells).
    pub growth_per_hour: Option<crate::per_hour::PerHour>,
    /// The published report shows its size too (else only the figures of its judged students).
    pub size_in_report: bool,
}

impl DistrictCell {
    pub(crate) fn of(column: &str, value: &str, t: &Tally, shown: Shown) -> DistrictCell {
        DistrictCell {
            column: column.to_string(),
            value: value.to_string(),
            n: t.n,
            judged: t.judged,
            met: t.met,
            with_outcome: t.with_metric,
            share_met_target: t.share_met(),
            mean_metric: t.mean_metric(),
            in_report: shown != Shown::Withheld,
            size_in_report: shown == Shown::Whole,
            growth_per_hour: None,
        }
    }
}

/// A tier's count, published unless the audit withholds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierCount {
    pub label: String,
    pub at_least: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
}

/// What the disclosure audit did to make the report fit to publish.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Disclosure {
    pub min_cell_size: u64,
    /// What the audit checked, and what it does not model, in words.
    pub audit: String,
    /// Each protection applied beyond withholding small cells, in order.
    pub protections: Vec<String>,
    /// Why no outcome figure is published, when none is.
    pub withheld: Option<String>,
}

/// `sha256:` and the lowercase hex of a SHA-256 digest: the report's `rosterDigest`.
pub fn digest_text(digest: &[u8; 32]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Generator {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Growth {
    pub n: u64,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub sd: Option<f64>,
}

impl Growth {
    /// Mean, median and sample SD of `values` (reordered in place for the median).
    pub fn of(values: &mut [f64]) -> Growth {
        let n = values.len();
        if n == 0 {
            return Growth {
                n: 0,
                mean: None,
                median: None,
                sd: None,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = (n > 1).then(|| {
            (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        });
        let mid = n / 2;
        let (_, &mut upper, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
        let median = if n % 2 == 1 {
            upper
        } else {
            let lower = values[..mid]
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            (lower + upper) / 2.0
        };
        Growth {
            n: n as u64,
            mean: Some(mean),
            median: Some(median),
            sd,
        }
    }
}

/// The outcomes report: aggregates only, small cells suppressed, ready to sign.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomesReport {
    /// `evidence-check/outcomes-report@1`.
    pub schema: &'static str,
    /// The module and version that made the report.
    pub generator: Generator,
    /// The product, vendor, contract and period, as the contract names them.
    pub product: Option<String>,
    /// See [`OutcomesReport::product`].
    pub vendor: Option<String>,
    /// See [`OutcomesReport::product`].
    pub contract_id: Option<String>,
    /// See [`OutcomesReport::product`].
    pub period: Option<String>,
    /// The date the evaluator issued (signed) the report, `YYYY-MM-DD`; null until then.
    /// Badges check the signing key's validity period against it.
    pub issued: Option<String>,
    /// `sha256:` and the hex SHA-256 of the roster's bytes, so that a district can later show
    /// which roster produced the report without publishing the roster.
    pub roster_digest: String,
    /// The contract's currency (ISO 4217); amounts are in its cents.
    pub currency: String,
    /// The growth metric's kind (`gain`, `normalizedGain`, ...).
    pub metric: &'static str,
    /// The smallest number of students any published figure describes.
    pub min_cell_size: u64,
    /// The counts of students the audit allows.
    pub students: ReportStudents,
    /// Share of the judged students who reached the lowest tier; null when suppressed or none.
    pub share_met_target: Option<f64>,
    /// Null when fewer than `minCellSize` students have an outcome.
    pub growth: Option<Growth>,
    /// The district's own comparison, when both groups reach the cell size and the audit allows.
    pub effect: Option<ReportEffect>,
    /// The return on minutes: the growth per hour of use of the growth figures' students, and
    /// the effect per 10 hours; null when the growth is not published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub growth_per_hour: Option<ReportPerHour>,
    /// Each tier's count, or suppressed.
    pub tiers: Vec<TierCount>,
    /// The cells by minutes a week, published or suppressed.
    pub dose_response: Vec<Cell>,
    /// The cells of each subgroup column, published or suppressed.
    pub subgroups: Vec<Cell>,
    /// The payment total (exact or rounded) and, when the audit allows, its breakdown.
    pub payment: ReportPayment,
    /// The cost figures, computed from the figures above and the contract's `districtCosts`;
    /// absent when the contract lists no costs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<crate::cost::Cost>,
    /// What the audit withheld, and why.
    pub disclosure: Disclosure,
}

/// The growth per hour as published.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportPerHour {
    pub population: &'static str,
    pub n: u64,
    /// The metric per hour of use (sum of the metric / sum of the hours).
    pub per_hour: f64,
    /// Its 95% interval; null where the report does not publish the growth's spread.
    pub ci_lower: Option<f64>,
    pub ci_upper: Option<f64>,
}

/// Counts of students, each published only when the audit allows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportStudents {
    /// Intervention students the contract enrols.
    pub enrolled: u64,
    /// Enrolled students who used the product at the contract's fidelity.
    pub at_fidelity: Option<u64>,
    /// At-fidelity students with an outcome (the growth figures' population).
    pub with_outcome: Option<u64>,
    /// Students the met-target share is over.
    pub judged: Option<u64>,
    /// Judged students who reached the lowest tier.
    pub met_target: Option<u64>,
}

/// The local comparison as published: what it found, how sure, on whom, and what a WWC review
/// could make of it (only when every design condition holds).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportEffect {
    /// Always `"localComparison"`: the district's own comparison, not a WWC review.
    pub kind: &'static str,
    /// The effect, its significance, the design and the population, in one sentence.
    pub summary: String,
    pub g: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    pub p_value: f64,
    pub significant: bool,
    pub improvement_index: i32,
    /// Students with a post-test in each group (the analysed population).
    pub n_intervention: u64,
    pub n_comparison: u64,
    pub cluster_corrected: bool,
    pub design: &'static str,
    pub assigned_by: &'static str,
    pub independent: bool,
    pub evaluator: Option<String>,
    /// The evidence rules applied (never looser than ESSA's: 350 students, two sites, p < 0.05).
    pub policy: crate::profile::Policy,
    /// Every design condition of a WWC review holds; null with `couldSupport` when the rating
    /// would tell where a small count of students without a post-test lies.
    pub conditions_met: Option<bool>,
    pub could_support: Option<crate::evaluate::Support>,
    /// `g` per 10 hours of use the intervention students it compares had beyond the comparison
    /// students' (the same students, design and significance as `g`); null with
    /// `per10HoursNote` saying why.
    pub per_10_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_10_hours_note: Option<&'static str>,
}

/// The payment as published: the total (rounded when exact figures would give away a small
/// count), and its breakdown unless the audit withholds it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportPayment {
    pub total_cents: Option<i64>,
    /// When the total is rounded, to the nearest this many cents; null when exact.
    pub total_rounded_to_cents: Option<u64>,
    pub base_cents: Option<i64>,
    pub outcome_cents: Option<i64>,
    pub penalty_cents: Option<i64>,
    pub maximum_cents: Option<i64>,
    pub contingent_share: Option<f64>,
    pub district_obligation_met: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_statistics_by_hand() {
        let g = Growth::of(&mut [4.0, 1.0, 3.0, 2.0]);
        assert_eq!((g.n, g.mean, g.median), (4, Some(2.5), Some(2.5)));
        assert!((g.sd.unwrap() - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        let g = Growth::of(&mut [7.0, -1.0, 3.0]);
        assert_eq!((g.mean, g.median), (Some(3.0), Some(3.0)));
        assert_eq!(Growth::of(&mut [5.0]).sd, None);
        assert_eq!(Growth::of(&mut []).mean, None);
    }
}
