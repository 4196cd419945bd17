//! Growth per student: the contract's metric from a pre-test, a post-test, the weeks enrolled
//! and the grade.

use crate::contract::GrowthMetric;
use crate::error::Code;
use crate::steps::larger;

/// Why a student's metric cannot be computed although the post-test is there.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricProblem {
    /// A row problem: a score above the maximum, or no grade for a metric with norms; in
    /// `column`.
    Row {
        code: Code,
        message: String,
        column: RowColumn,
    },
    /// The contract has no norm for this grade (a contract problem, reported once).
    NoNorm { grade: u8 },
    /// A normalized gain for a pre-test at the maximum score: no room to grow, so no value;
    /// the student stays enrolled and is counted apart (not a bad row).
    NoRoomToGrow,
}

/// The roster column a row problem lies in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RowColumn {
    Pre,
    Post,
    Grade,
}

/// The metric for one roster row: as [`metric_value`], and with `percentOfTypical` per student,
/// the gain over the row's own typical growth (`typical`, NaN when the row has none: then, as
/// without a post-test, no outcome) x 100.
pub fn row_metric(
    metric: &GrowthMetric,
    (pre, post, weeks, grade): (f64, f64, f64, Option<u8>),
    typical: f64,
) -> Result<Option<f64>, MetricProblem> {
    if !metric.per_student() {
        return metric_value(metric, pre, post, weeks, grade);
    }
    if post.is_nan() || pre.is_nan() || typical.is_nan() {
        return Ok(None);
    }
    Ok(Some((post - pre) / typical * 100.0))
}

/// The metric for one student, `Ok(None)` when the post-test (or a needed pre-test) is missing.
pub fn metric_value(
    metric: &GrowthMetric,
    pre: f64,
    post: f64,
    weeks: f64,
    grade: Option<u8>,
) -> Result<Option<f64>, MetricProblem> {
    // A score above the maximum is a bad row even when the other score is missing.
    if let GrowthMetric::NormalizedGain { max_score } = metric {
        for (what, score, column) in [
            ("pre", pre, RowColumn::Pre),
            ("post", post, RowColumn::Post),
        ] {
            if score > *max_score {
                return Err(MetricProblem::Row {
                    code: Code::AboveMaximum,
                    message: format!(
                        "The {what}-test {score} is above the maximum score {max_score}."
                    ),
                    column,
                });
            }
        }
    }
    if post.is_nan() || (pre.is_nan() && !matches!(metric, GrowthMetric::PostScore)) {
        return Ok(None);
    }
    let gain = post - pre;
    let value = match metric {
        GrowthMetric::Gain => gain,
        GrowthMetric::PostScore => post,
        GrowthMetric::NormalizedGain { max_score } => {
            if pre == *max_score {
                return Err(MetricProblem::NoRoomToGrow);
            }
            gain / (max_score - pre)
        }
        // (A student's own typical growth is the row's: see [`row_metric`].)
        GrowthMetric::PercentOfTypical {
            per_student: true, ..
        } => return Ok(None),
        GrowthMetric::PercentOfTypical { norms, .. } => {
            let norm = norm_of(norms, grade, |n| n.grade)?;
            let typical = match norm.weeks {
                Some(norm_weeks) => norm.typical_growth * weeks / norm_weeks,
                None => norm.typical_growth,
            };
            gain / typical * 100.0
        }
        GrowthMetric::GrowthIndex { norms } => {
            let norm = norm_of(norms, grade, |n| n.grade)?;
            (gain - norm.mean) / norm.sd
        }
    };
    Ok(Some(value))
}

/// The norm for a student's grade; a student without a grade (the roster has no grade column,
/// which the reader refuses for a metric with norms) has none to be judged by.
fn norm_of<N>(
    norms: &[N],
    grade: Option<u8>,
    grade_of: impl Fn(&N) -> u8,
) -> Result<&N, MetricProblem> {
    let Some(grade) = grade else {
        return Err(MetricProblem::Row {
            code: Code::MissingValue,
            message: "The contract's metric needs each student's grade.".into(),
            column: RowColumn::Grade,
        });
    };
    norms
        .iter()
        .find(|n| grade_of(n) == grade)
        .ok_or(MetricProblem::NoNorm { grade })
}

/// A student reaches a threshold when the metric is at or above it; values within 1e-9
/// (relative) below count as reaching it, so that 10.1 - 0.1 = 9.999999999999998 meets 10
/// while a real shortfall such as 9.99 does not.
pub fn reaches(value: f64, threshold: f64) -> bool {
    value >= reach_point(threshold)
}

/// The least value that reaches `threshold` (see [`reaches`]).
pub fn reach_point(threshold: f64) -> f64 {
    threshold - 1e-9 * larger(threshold.abs(), 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{IndexNorm, TypicalNorm};

    #[test]
    fn each_metric_by_hand() {
        assert_eq!(
            metric_value(&GrowthMetric::Gain, 200.0, 212.5, 30.0, Some(3)),
            Ok(Some(12.5))
        );
        assert_eq!(
            metric_value(&GrowthMetric::PostScore, f64::NAN, 431.0, 30.0, Some(3)),
            Ok(Some(431.0))
        );
        // Hake: (80 - 60) / (100 - 60) = 0.5
        assert_eq!(
            metric_value(
                &GrowthMetric::NormalizedGain { max_score: 100.0 },
                60.0,
                80.0,
                30.0,
                Some(3)
            ),
            Ok(Some(0.5))
        );
        // 12 points of a typical 15 for 30 weeks, enrolled 20 weeks: 12 / (15 * 20/30) * 100 = 120
        let typical = GrowthMetric::PercentOfTypical {
            norms: vec![TypicalNorm {
                grade: 3,
                typical_growth: 15.0,
                weeks: Some(30.0),
            }],
            per_student: false,
        };
        let v = metric_value(&typical, 200.0, 212.0, 20.0, Some(3))
            .unwrap()
            .unwrap();
        assert!((v - 120.0).abs() < 1e-9);
        let unprorated = GrowthMetric::PercentOfTypical {
            norms: vec![TypicalNorm {
                grade: 3,
                typical_growth: 15.0,
                weeks: None,
            }],
            per_student: false,
        };
        assert!(
            (metric_value(&unprorated, 200.0, 212.0, 20.0, Some(3))
                .unwrap()
                .unwrap()
                - 80.0)
                .abs()
                < 1e-9
        );
        // (12 - 10) / 4 = 0.5
        let index = GrowthMetric::GrowthIndex {
            norms: vec![IndexNorm {
                grade: 0,
                mean: 10.0,
                sd: 4.0,
            }],
        };
        assert_eq!(
            metric_value(&index, 100.0, 112.0, 30.0, Some(0)),
            Ok(Some(0.5))
        );
        assert!(matches!(
            metric_value(&index, 100.0, 112.0, 30.0, None),
            Err(MetricProblem::Row {
                code: Code::MissingValue,
                ..
            })
        ));
        assert_eq!(
            metric_value(&index, 100.0, 112.0, 30.0, Some(1)),
            Err(MetricProblem::NoNorm { grade: 1 })
        );
    }

    #[test]
    fn a_students_own_typical_growth_replaces_the_norms() {
        // 12 points of the student's own typical 8: 150%; the grade and weeks play no part.
        let own = GrowthMetric::PercentOfTypical {
            norms: Vec::new(),
            per_student: true,
        };
        assert_eq!(
            row_metric(&own, (200.0, 212.0, 20.0, None), 8.0),
            Ok(Some(150.0))
        );
        assert_eq!(
            row_metric(&own, (200.0, 196.0, 5.0, Some(4)), 8.0),
            Ok(Some(-50.0))
        );
        // Without it, or without a test: no outcome.
        assert_eq!(
            row_metric(&own, (200.0, 212.0, 20.0, None), f64::NAN),
            Ok(None)
        );
        assert_eq!(
            row_metric(&own, (200.0, f64::NAN, 20.0, None), 8.0),
            Ok(None)
        );
        assert_eq!(
            row_metric(&own, (f64::NAN, 212.0, 20.0, None), 8.0),
            Ok(None)
        );
        // Any other metric is the norms' (the typical growth given is not read).
        assert_eq!(
            row_metric(&GrowthMetric::Gain, (200.0, 212.0, 20.0, None), 8.0),
            Ok(Some(12.0))
        );
    }

    #[test]
    fn missing_and_impossible_values() {
        assert_eq!(
            metric_value(&GrowthMetric::Gain, 200.0, f64::NAN, 30.0, Some(3)),
            Ok(None)
        );
        assert_eq!(
            metric_value(&GrowthMetric::Gain, f64::NAN, 210.0, 30.0, Some(3)),
            Ok(None)
        );
        let hake = GrowthMetric::NormalizedGain { max_score: 100.0 };
        assert_eq!(
            metric_value(&hake, 100.0, 100.0, 30.0, Some(3)),
            Err(MetricProblem::NoRoomToGrow)
        );
        assert!(matches!(
            metric_value(&hake, 100.5, 100.0, 30.0, Some(3)),
            Err(MetricProblem::Row { .. })
        ));
        assert!(matches!(
            metric_value(&hake, 50.0, 101.0, 30.0, Some(3)),
            Err(MetricProblem::Row {
                column: RowColumn::Post,
                ..
            })
        ));
        // Above the maximum without a post-test: still a bad row, in the pre-test's column.
        assert!(matches!(
            metric_value(&hake, 120.0, f64::NAN, 30.0, Some(3)),
            Err(MetricProblem::Row {
                column: RowColumn::Pre,
                ..
            })
        ));
    }

    #[test]
    fn thresholds_are_inclusive_and_tolerate_only_rounding() {
        assert!(reaches(10.0, 10.0));
        assert!(reaches(10.1 - 0.1, 10.0));
        assert!(!reaches(9.99, 10.0));
        assert!(!reaches(9.9999, 10.0));
        assert!(reaches(0.0, 0.0));
        assert!(!reaches(-0.001, 0.0));
        assert!(reaches(-5.0, -5.0));
        // The tolerance is relative: 5e-4 short of a million is 5e-10 of it (reaches), 0.01 is
        // 1e-8 of it (does not).
        assert!(reaches(999_999.999_5, 1_000_000.0));
        assert!(!reaches(999_999.99, 1_000_000.0));
    }
}
