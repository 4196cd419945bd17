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
    /// Students with a metric value, and its sum.
    pub with_metric: u64,
    pub metric_sum: f64,
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
    pub column: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_met_target: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_metric: Option<Option<f64>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
}

/// Which cells of one family (the values of one column, which add up to a published total)
/// to suppress: every cell under `min` students, or whose statistics rest on fewer than `min`;
/// and when that is exactly one cell, the next smallest too, so that no suppressed cell can be
/// recovered by subtracting the published ones from the total.
pub fn suppress(tallies: &[Tally], min: u64) -> Vec<bool> {
    let small = |t: &Tally| {
        t.n < min || (t.judged > 0 && t.judged < min) || (t.with_metric > 0 && t.with_metric < min)
    };
    let mut hidden: Vec<bool> = tallies.iter().map(small).collect();
    let sizes: Vec<u64> = tallies.iter().map(|t| t.n).collect();
    hide_one_more_if_alone(&mut hidden, &sizes);
    hidden
}

/// Complementary suppression: with exactly one cell hidden, the total minus the published cells
/// would give it away, so the smallest other non-empty cell is hidden too.
fn hide_one_more_if_alone(hidden: &mut [bool], sizes: &[u64]) {
    if hidden.iter().filter(|&&h| h).count() == 1 {
        let next = (0..sizes.len())
            .filter(|&i| !hidden[i] && sizes[i] > 0)
            .min_by_key(|&i| (sizes[i], i));
        if let Some(i) = next {
            hidden[i] = true;
        }
    }
}

/// Cells of one family, suppressed as [`suppress`] says.
pub fn cells(column: &str, values: &[String], tallies: &[Tally], min: u64) -> Vec<Cell> {
    let hidden = suppress(tallies, min);
    values
        .iter()
        .zip(tallies)
        .zip(hidden)
        .map(|((value, t), hide)| Cell {
            column: column.to_string(),
            value: value.clone(),
            n: (!hide).then_some(t.n),
            share_met_target: (!hide).then(|| t.share_met()),
            mean_metric: (!hide).then(|| t.mean_metric()),
            suppressed: hide,
        })
        .collect()
}

/// A count of students that is published only when it is zero or at least the cell size.
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

/// Counts of one family (tiers plus "below every tier", adding up to a published total):
/// counts from 1 to `min - 1` are suppressed, and a lone suppressed count takes the next
/// smallest non-zero count with it. Zero reveals no student and is published.
pub fn suppress_counts(counts: &[u64], min: u64) -> Vec<bool> {
    let mut hidden: Vec<bool> = counts.iter().map(|&c| c > 0 && c < min).collect();
    hide_one_more_if_alone(&mut hidden, counts);
    hidden
}

/// `sha256:` and the lowercase hex SHA-256 of `bytes`, as the report's `rosterDigest`.
pub fn roster_digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in Sha256::digest(bytes) {
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
    pub schema: &'static str,
    pub generator: Generator,
    pub product: Option<String>,
    pub vendor: Option<String>,
    pub contract_id: Option<String>,
    pub period: Option<String>,
    /// The date the evaluator issued (signed) the report, `YYYY-MM-DD`; null until then.
    /// Badges check the signing key's validity period against it.
    pub issued: Option<String>,
    /// `sha256:` and the hex SHA-256 of the roster's bytes, so that a district can later show
    /// which roster produced the report without publishing the roster.
    pub roster_digest: String,
    pub currency: String,
    pub metric: &'static str,
    pub min_cell_size: u64,
    pub students: ReportStudents,
    /// Share of the judged students who reached the lowest tier; null when suppressed or none.
    pub share_met_target: Option<f64>,
    /// Null when fewer than `minCellSize` students have an outcome.
    pub growth: Option<Growth>,
    pub effect: Option<ReportEffect>,
    pub tiers: Vec<TierCount>,
    pub dose_response: Vec<Cell>,
    pub subgroups: Vec<Cell>,
    pub payment: ReportPayment,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportStudents {
    pub enrolled: u64,
    pub at_fidelity: u64,
    pub with_outcome: u64,
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
    /// Every design condition of a WWC review holds.
    pub conditions_met: bool,
    pub could_support: Option<crate::evaluate::Support>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportPayment {
    pub total_cents: i64,
    pub base_cents: i64,
    pub outcome_cents: i64,
    pub penalty_cents: i64,
    pub maximum_cents: i64,
    pub contingent_share: f64,
    pub district_obligation_met: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: u64) -> Tally {
        Tally {
            n,
            judged: n,
            met: n / 2,
            with_metric: n,
            metric_sum: n as f64,
        }
    }

    #[test]
    fn small_cells_and_one_complement() {
        // 5 < 10 is suppressed; it is alone, so the next smallest (12) goes too.
        assert_eq!(
            suppress(&[t(40), t(5), t(12), t(30)], 10),
            vec![false, true, true, false]
        );
        // Two small cells already protect each other.
        assert_eq!(
            suppress(&[t(40), t(5), t(7), t(30)], 10),
            vec![false, true, true, false]
        );
        assert_eq!(suppress(&[t(40), t(10)], 10), vec![false, false]);
        // A cell whose statistics rest on few students is small even when its n is not.
        let thin = Tally {
            n: 50,
            judged: 4,
            met: 2,
            with_metric: 4,
            metric_sum: 1.0,
        };
        assert_eq!(suppress(&[t(40), thin, t(30)], 10), vec![false, true, true]);
        assert_eq!(suppress(&[t(3)], 10), vec![true]);
    }

    #[test]
    fn counts_suppress_between_one_and_min() {
        assert_eq!(
            suppress_counts(&[0, 25, 3, 40], 10),
            vec![false, true, true, false]
        );
        assert_eq!(
            suppress_counts(&[0, 25, 13, 40], 10),
            vec![false, false, false, false]
        );
    }

    #[test]
    fn roster_digest_is_named_sha256() {
        // FIPS 180-2 test vectors.
        assert_eq!(
            roster_digest(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            roster_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

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
