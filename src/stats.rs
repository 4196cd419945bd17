//! Evidence statistics by the What Works Clearinghouse (WWC) Procedures and Standards Handbook
//! (version 5.0) and the PowerUp! minimum-detectable-effect formulas (Dong & Maynard 2013).
//!
//! | quantity | formula |
//! |---|---|
//! | pooled SD | `S = sqrt(((n_i-1)s_i^2 + (n_c-1)s_c^2) / (N-2))` |
//! | small-sample correction | `omega = 1 - 3/(4N - 9)` |
//! | Hedges' g (continuous) | `g = omega (mean_i - mean_c) / S` |
//! | Cox index (yes/no) | `g = omega (logit p_i - logit p_c) / 1.65` |
//! | improvement index | `round(100 (Phi(g) - 0.5))`, g in the favourable direction |
//! | significance | `t = |g| sqrt(n_i n_c / N)`, `df = N - 2`, two-tailed |
//! | clustering correction | `t_a`, `h` of WWC handbook appendix E (see [`cluster_correction`]) |
//! | standard error | `SE = sqrt(N/(n_i n_c) + g^2/(2N))`, 95% interval `g +/- 1.96 SE` |
//! | MDES | `M * SE`, `M = t(1-alpha/2, df) + t(power, df)` |
//!
//! Distributions come from `statrs` (Student t and normal CDFs and quantiles).

use crate::error::{join, Error};
use crate::input::Reader;
use serde::Serialize;
use serde_json::Value;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// The WWC default intraclass correlations: achievement outcomes and all others.
pub const DEFAULT_ICC: f64 = 0.20;
pub const DEFAULT_ALPHA: f64 = 0.05;
/// The WWC constant that puts a log odds ratio on the standard-deviation scale (Cox index).
const COX_SCALE: f64 = 1.65;

/// The standard normal CDF, Phi.
pub fn normal_cdf(x: f64) -> f64 {
    // Normal::new(0, 1) cannot fail.
    Normal::new(0.0, 1.0).map(|n| n.cdf(x)).unwrap_or(f64::NAN)
}

/// The Student t CDF with `df` degrees of freedom (df > 0, finite).
fn t_cdf(x: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df)
        .map(|t| t.cdf(x))
        .unwrap_or(f64::NAN)
}

/// The Student t quantile with `df` degrees of freedom.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df)
        .map(|t| t.inverse_cdf(p))
        .unwrap_or(f64::NAN)
}

/// Two-tailed p-value of a t statistic.
pub fn two_tailed_p(t: f64, df: f64) -> f64 {
    (2.0 * (1.0 - t_cdf(t.abs(), df))).clamp(0.0, 1.0)
}

/// WWC small-sample correction for a total sample of `n`.
pub fn omega(n: f64) -> f64 {
    1.0 - 3.0 / (4.0 * n - 9.0)
}

/// WWC improvement index: the expected percentile gain of an average comparison student.
pub fn improvement_index(g_favourable: f64) -> i32 {
    (100.0 * (normal_cdf(g_favourable) - 0.5)).round() as i32
}

/// Summary statistics of one group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Group {
    Continuous { n: f64, mean: f64, sd: f64 },
    Dichotomous { n: f64, proportion: f64 },
}

impl Group {
    pub fn n(&self) -> f64 {
        match *self {
            Group::Continuous { n, .. } | Group::Dichotomous { n, .. } => n,
        }
    }
}

/// Assignment by cluster (schools, classrooms) while analysis is by student.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clusters {
    pub intervention: f64,
    pub comparison: f64,
    pub icc: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EffectInput {
    pub intervention: Group,
    pub comparison: Group,
    pub lower_is_better: bool,
    pub clusters: Option<Clusters>,
    pub alpha: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EffectResult {
    /// Intervention minus comparison, as computed (not flipped for `lowerIsBetter`).
    pub g: f64,
    pub omega: f64,
    pub se: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    /// The t statistic; with clusters, the corrected `t_a`.
    pub t: f64,
    /// Degrees of freedom; with clusters, WWC's `h`.
    pub df: f64,
    pub p_value: f64,
    pub significant: bool,
    pub improvement_index: i32,
    /// The effect is in the favourable direction (g > 0, or g < 0 when lower is better).
    pub favorable: bool,
    pub cluster_corrected: bool,
    pub n_intervention: f64,
    pub n_comparison: f64,
}

/// WWC effect size, its interval, and its significance (with the clustering correction when given).
/// Inputs are assumed valid (see [`EffectInput::read`]); invalid ones give an error, never a panic.
pub fn effect_size(input: &EffectInput) -> Result<EffectResult, Error> {
    let (ni, nc) = (input.intervention.n(), input.comparison.n());
    let n = ni + nc;
    let om = omega(n);
    let g = match (input.intervention, input.comparison) {
        (
            Group::Continuous {
                mean: mi, sd: si, ..
            },
            Group::Continuous {
                mean: mc, sd: sc, ..
            },
        ) => {
            let pooled = (((ni - 1.0) * si * si + (nc - 1.0) * sc * sc) / (n - 2.0)).sqrt();
            om * (mi - mc) / pooled
        }
        (Group::Dichotomous { proportion: pi, .. }, Group::Dichotomous { proportion: pc, .. }) => {
            om * (logit(pi) - logit(pc)) / COX_SCALE
        }
        _ => {
            return Err(Error::new(
                "invalidInput",
                "Both groups must be of the same kind.",
            ))
        }
    };
    let se = (n / (ni * nc) + g * g / (2.0 * n)).sqrt();
    let t = g.abs() * (ni * nc / n).sqrt();
    let (t, df) = match input.clusters {
        Some(c) => cluster_correction(t, n, c.intervention + c.comparison, c.icc),
        None => (t, n - 2.0),
    };
    let p_value = two_tailed_p(t, df);
    let g_favourable = if input.lower_is_better { -g } else { g };
    let result = EffectResult {
        g,
        omega: om,
        se,
        ci_lower: g - 1.96 * se,
        ci_upper: g + 1.96 * se,
        t,
        df,
        p_value,
        significant: p_value < input.alpha,
        improvement_index: improvement_index(g_favourable),
        favorable: g_favourable > 0.0,
        cluster_corrected: input.clusters.is_some(),
        n_intervention: ni,
        n_comparison: nc,
    };
    if [g, se, t, df, p_value].iter().all(|x| x.is_finite()) {
        Ok(result)
    } else {
        Err(Error::new(
            "invalidInput",
            "These group statistics do not give a finite effect size.",
        ))
    }
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// WWC clustering correction for a study that assigned `m` clusters but analysed `n` students
/// with intraclass correlation `rho`: returns the corrected t (`t_a`) and degrees of freedom (`h`).
pub fn cluster_correction(t: f64, n: f64, m: f64, rho: f64) -> (f64, f64) {
    let nbar = n / m;
    let core = (n - 2.0) - 2.0 * (nbar - 1.0) * rho;
    let t_a = t * (core / ((n - 2.0) * (1.0 + (nbar - 1.0) * rho))).sqrt();
    let h = core * core
        / ((n - 2.0) * (1.0 - rho).powi(2)
            + nbar * (n - 2.0 * nbar) * rho * rho
            + 2.0 * (n - 2.0 * nbar) * rho * (1.0 - rho));
    (t_a, h)
}

impl EffectInput {
    /// Reads an `effectSize()` input at `path`, recording every problem in `r`.
    pub fn read(r: &mut Reader, v: &Value, path: &str) -> Option<EffectInput> {
        let o = r.object(
            v,
            path,
            &[
                "kind",
                "intervention",
                "comparison",
                "lowerIsBetter",
                "clusters",
                "alpha",
            ],
        )?;
        let kind = r.req(o, path, "kind", |r, v, p| {
            r.choice(v, p, &["continuous", "dichotomous"])
        });
        let read_group = |r: &mut Reader, key: &str| -> Option<Group> {
            let p = join(path, key);
            let g = match o.get(key) {
                None | Some(Value::Null) => {
                    r.fail(&p, "required", format!("\"{key}\" is required."));
                    return None;
                }
                Some(g) => g,
            };
            match kind? {
                "continuous" => {
                    let go = r.object(g, &p, &["n", "mean", "sd"])?;
                    let n = r.req(go, &p, "n", read_n);
                    let mean = r.req(go, &p, "mean", Reader::number);
                    let sd = r.req(go, &p, "sd", |r, v, p| {
                        let x = r.number(v, p)?;
                        r.check(
                            x > 0.0,
                            p,
                            "outOfRange",
                            "A standard deviation must be greater than 0.",
                        )
                        .then_some(x)
                    });
                    Some(Group::Continuous {
                        n: n?,
                        mean: mean?,
                        sd: sd?,
                    })
                }
                _ => {
                    let go = r.object(g, &p, &["n", "proportion"])?;
                    let n = r.req(go, &p, "n", read_n);
                    let proportion = r.req(go, &p, "proportion", |r, v, p| {
                        let x = r.number(v, p)?;
                        r.check(
                            x > 0.0 && x < 1.0,
                            p,
                            "outOfRange",
                            "A proportion must be strictly between 0 and 1: at 0 or 1 the Cox index (a log odds ratio) is infinite.",
                        )
                        .then_some(x)
                    });
                    Some(Group::Dichotomous {
                        n: n?,
                        proportion: proportion?,
                    })
                }
            }
        };
        let intervention = read_group(r, "intervention");
        let comparison = read_group(r, "comparison");
        let lower_is_better = r
            .opt(o, path, "lowerIsBetter", Reader::boolean)
            .unwrap_or(false);
        let alpha = r.opt(o, path, "alpha", read_alpha).unwrap_or(DEFAULT_ALPHA);
        let clusters = match o.get("clusters") {
            None | Some(Value::Null) => Some(None),
            Some(c) => {
                let p = join(path, "clusters");
                read_clusters(r, c, &p, intervention, comparison).map(Some)
            }
        };
        Some(EffectInput {
            intervention: intervention?,
            comparison: comparison?,
            lower_is_better,
            clusters: clusters?,
            alpha,
        })
    }
}

fn read_clusters(
    r: &mut Reader,
    v: &Value,
    path: &str,
    gi: Option<Group>,
    gc: Option<Group>,
) -> Option<Clusters> {
    let o = r.object(v, path, &["intervention", "comparison", "icc"])?;
    let mut arm = |key: &str, group: Option<Group>| -> Option<f64> {
        let p = join(path, key);
        let m = r.req(o, path, key, Reader::count)? as f64;
        if !r.check(
            m >= 1.0,
            &p,
            "outOfRange",
            "Each group needs at least one cluster.",
        ) {
            return None;
        }
        if let Some(g) = group {
            if !r.check(
                m <= g.n(),
                &p,
                "outOfRange",
                "There cannot be more clusters than students in a group.",
            ) {
                return None;
            }
        }
        Some(m)
    };
    let intervention = arm("intervention", gi);
    let comparison = arm("comparison", gc);
    let icc = r.opt(o, path, "icc", read_icc).unwrap_or(DEFAULT_ICC);
    Some(Clusters {
        intervention: intervention?,
        comparison: comparison?,
        icc,
    })
}

/// A group size: a whole number of at least 2.
fn read_n(r: &mut Reader, v: &Value, path: &str) -> Option<f64> {
    let n = r.count(v, path)?;
    r.check(
        n >= 2,
        path,
        "outOfRange",
        "A group needs at least 2 students.",
    )
    .then_some(n as f64)
}

pub fn read_icc(r: &mut Reader, v: &Value, path: &str) -> Option<f64> {
    let x = r.number(v, path)?;
    r.check(
        (0.0..1.0).contains(&x),
        path,
        "outOfRange",
        "An intraclass correlation must be at least 0 and below 1.",
    )
    .then_some(x)
}

/// A significance level or a power: strictly between 0 and 1.
fn read_probability(r: &mut Reader, v: &Value, path: &str) -> Option<f64> {
    let x = r.number(v, path)?;
    r.check(
        x > 0.0 && x < 1.0,
        path,
        "outOfRange",
        "Expected a probability strictly between 0 and 1.",
    )
    .then_some(x)
}

pub fn read_alpha(r: &mut Reader, v: &Value, path: &str) -> Option<f64> {
    read_probability(r, v, path)
}

/// A share of variance explained: at least 0 and below 1.
fn read_r2(r: &mut Reader, v: &Value, path: &str) -> Option<f64> {
    let x = r.number(v, path)?;
    r.check(
        (0.0..1.0).contains(&x),
        path,
        "outOfRange",
        "R-squared must be at least 0 and below 1.",
    )
    .then_some(x)
}

/// Parses and computes `effectSize()` from JSON.
pub fn effect_size_json(v: &Value) -> Result<EffectResult, Error> {
    let mut r = Reader::new();
    let input = EffectInput::read(&mut r, v, "");
    let input = r.finish(input, "invalidInput", "effect-size input")?;
    effect_size(&input)
}

// ---------------------------------------------------------------- power

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Design {
    /// Students randomly assigned one by one.
    Individual { n: f64, r2: f64 },
    /// Whole clusters (schools) of `cluster_size` students randomly assigned.
    Cluster {
        clusters: f64,
        cluster_size: f64,
        icc: f64,
        r2_level1: f64,
        r2_level2: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerInput {
    pub design: Design,
    pub treated_share: f64,
    pub alpha: f64,
    pub power: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PowerResult {
    pub mdes: f64,
    pub standard_error: f64,
    pub multiplier: f64,
    pub df: f64,
}

/// PowerUp! minimum detectable effect size for a two-tailed test.
pub fn minimum_detectable_effect(input: &PowerInput) -> PowerResult {
    let p = input.treated_share;
    let pq = p * (1.0 - p);
    let (se, df) = match input.design {
        Design::Individual { n, r2 } => (((1.0 - r2) / (pq * n)).sqrt(), n - 2.0),
        Design::Cluster {
            clusters: j,
            cluster_size: n,
            icc,
            r2_level1,
            r2_level2,
        } => (
            (icc * (1.0 - r2_level2) / (pq * j) + (1.0 - icc) * (1.0 - r2_level1) / (pq * j * n))
                .sqrt(),
            j - 2.0,
        ),
    };
    let multiplier = t_quantile(1.0 - input.alpha / 2.0, df) + t_quantile(input.power, df);
    PowerResult {
        mdes: multiplier * se,
        standard_error: se,
        multiplier,
        df,
    }
}

impl PowerInput {
    pub fn read(r: &mut Reader, v: &Value, path: &str) -> Option<PowerInput> {
        const COMMON: [&str; 4] = ["design", "treatedShare", "alpha", "power"];
        let design = match v.get("design") {
            Some(Value::String(s)) if s == "cluster" => "cluster",
            _ => "individual",
        };
        let mut known = COMMON.to_vec();
        known.extend_from_slice(match design {
            "cluster" => &["clusters", "clusterSize", "icc", "r2Level1", "r2Level2"],
            _ => &["n", "r2"],
        });
        let o = r.object(v, path, &known)?;
        let design_name = r.req(o, path, "design", |r, v, p| {
            r.choice(v, p, &["individual", "cluster"])
        });
        let whole_at_least = |min: u64, what: &'static str| {
            move |r: &mut Reader, v: &Value, p: &str| -> Option<f64> {
                let n = r.count(v, p)?;
                r.check(n >= min, p, "outOfRange", what).then_some(n as f64)
            }
        };
        let design = match design_name? {
            "cluster" => {
                let clusters = r.req(
                    o,
                    path,
                    "clusters",
                    whole_at_least(
                        3,
                        "A cluster design needs at least 3 clusters (df = clusters - 2).",
                    ),
                );
                let cluster_size = r.req(o, path, "clusterSize", |r, v, p| {
                    let x = r.number(v, p)?;
                    r.check(
                        x >= 1.0,
                        p,
                        "outOfRange",
                        "A cluster holds at least 1 student.",
                    )
                    .then_some(x)
                });
                let icc = r.req(o, path, "icc", read_icc);
                let r2_level1 = r.opt(o, path, "r2Level1", read_r2).unwrap_or(0.0);
                let r2_level2 = r.opt(o, path, "r2Level2", read_r2).unwrap_or(0.0);
                Design::Cluster {
                    clusters: clusters?,
                    cluster_size: cluster_size?,
                    icc: icc?,
                    r2_level1,
                    r2_level2,
                }
            }
            _ => {
                let n = r.req(
                    o,
                    path,
                    "n",
                    whole_at_least(
                        3,
                        "An individual design needs at least 3 students (df = n - 2).",
                    ),
                );
                let r2 = r.opt(o, path, "r2", read_r2).unwrap_or(0.0);
                Design::Individual { n: n?, r2 }
            }
        };
        let treated_share = r
            .opt(o, path, "treatedShare", read_probability)
            .unwrap_or(0.5);
        let alpha = r
            .opt(o, path, "alpha", read_probability)
            .unwrap_or(DEFAULT_ALPHA);
        let power = r.opt(o, path, "power", read_probability).unwrap_or(0.8);
        Some(PowerInput {
            design,
            treated_share,
            alpha,
            power,
        })
    }
}

pub fn minimum_detectable_effect_json(v: &Value) -> Result<PowerResult, Error> {
    let mut r = Reader::new();
    let input = PowerInput::read(&mut r, v, "");
    let input = r.finish(input, "invalidInput", "power input")?;
    Ok(minimum_detectable_effect(&input))
}

// ---------------------------------------------------------------- several findings, baseline, attrition

/// Benjamini-Hochberg: which of `p_values` stay significant at false-discovery rate `alpha`,
/// in the input order. Sort ascending; the largest rank i with `p_(i) <= i alpha / m` and all
/// smaller ranks stay significant.
pub fn benjamini_hochberg(p_values: &[f64], alpha: f64) -> Vec<bool> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let cutoff = (1..=m)
        .rev()
        .find(|&i| p_values[order[i - 1]] <= i as f64 * alpha / m as f64)
        .unwrap_or(0);
    let mut keep = vec![false; m];
    for &k in &order[..cutoff] {
        keep[k] = true;
    }
    keep
}

/// WWC baseline equivalence from the pre-test difference expressed as an effect size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Baseline {
    /// |g| <= 0.05.
    Satisfied,
    /// 0.05 < |g| <= 0.25: satisfied only when the analysis adjusts for the pre-test.
    RequiresAdjustment,
    /// |g| > 0.25.
    NotSatisfied,
}

pub fn baseline_equivalence(pretest_g: f64) -> Baseline {
    let g = pretest_g.abs();
    if g <= 0.05 {
        Baseline::Satisfied
    } else if g <= 0.25 {
        Baseline::RequiresAdjustment
    } else {
        Baseline::NotSatisfied
    }
}

impl Baseline {
    /// Whether equivalence holds, given whether the analysis adjusted for the baseline.
    pub fn holds(self, adjusted: bool) -> bool {
        match self {
            Baseline::Satisfied => true,
            Baseline::RequiresAdjustment => adjusted,
            Baseline::NotSatisfied => false,
        }
    }
}

/// Which WWC attrition boundary applies: cautious by default, optimistic where a review says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Boundary {
    Cautious,
    Optimistic,
}

/// WWC attrition boundaries (handbook table): overall attrition in percent, and the largest
/// differential attrition in percentage points that is still "low"; `None` means always high.
const BOUNDARY_POINTS: [f64; 15] = [
    0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0, 55.0, 57.0, 60.0, 65.0,
];
const CAUTIOUS: [Option<f64>; 15] = [
    Some(5.7),
    Some(6.1),
    Some(6.3),
    Some(5.9),
    Some(5.4),
    Some(4.8),
    Some(4.1),
    Some(3.3),
    Some(2.6),
    Some(1.8),
    Some(1.0),
    Some(0.3),
    Some(0.0),
    None,
    None,
];
const OPTIMISTIC: [Option<f64>; 15] = [
    Some(10.0),
    Some(10.5),
    Some(10.9),
    Some(10.7),
    Some(10.0),
    Some(9.2),
    Some(8.2),
    Some(7.2),
    Some(6.0),
    Some(4.9),
    Some(3.7),
    Some(2.6),
    Some(2.1),
    Some(1.4),
    Some(0.3),
];

/// The largest differential attrition (percentage points) that is low at `overall_pct` percent
/// overall attrition, interpolated linearly between the table's points; `None` when every
/// differential is high.
pub fn attrition_boundary(overall_pct: f64, boundary: Boundary) -> Option<f64> {
    let table = match boundary {
        Boundary::Cautious => &CAUTIOUS,
        Boundary::Optimistic => &OPTIMISTIC,
    };
    if !(0.0..=65.0).contains(&overall_pct) {
        return None;
    }
    let i = BOUNDARY_POINTS.iter().rposition(|&x| x <= overall_pct)?;
    if BOUNDARY_POINTS[i] == overall_pct || i + 1 == BOUNDARY_POINTS.len() {
        return table[i];
    }
    let (x0, x1) = (BOUNDARY_POINTS[i], BOUNDARY_POINTS[i + 1]);
    let (y0, y1) = (table[i]?, table[i + 1]?);
    Some(y0 + (y1 - y0) * (overall_pct - x0) / (x1 - x0))
}

/// Overall and differential attrition of a randomized study, as fractions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attrition {
    pub overall: f64,
    pub differential: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttritionStatus {
    pub overall: f64,
    pub differential: f64,
    /// The boundary in percentage points at this overall rate, or null when all attrition is high.
    pub boundary: Option<f64>,
    pub low: bool,
}

impl Attrition {
    /// From the students randomized and analysed in each group (both > 0 randomized, analysed <= randomized).
    pub fn from_counts(
        randomized_i: f64,
        randomized_c: f64,
        analyzed_i: f64,
        analyzed_c: f64,
    ) -> Attrition {
        let attr_i = 1.0 - analyzed_i / randomized_i;
        let attr_c = 1.0 - analyzed_c / randomized_c;
        Attrition {
            overall: 1.0 - (analyzed_i + analyzed_c) / (randomized_i + randomized_c),
            differential: (attr_i - attr_c).abs(),
        }
    }

    /// Low or high against the WWC boundary. Percentages are rounded to 1e-9 so that
    /// fractions such as 0.063 (6.300000000000001 points) meet a boundary of 6.3 exactly.
    pub fn status(&self, boundary: Boundary) -> AttritionStatus {
        let overall_pct = round9(self.overall * 100.0);
        let differential_pct = round9(self.differential * 100.0);
        let limit = attrition_boundary(overall_pct, boundary).map(round9);
        AttritionStatus {
            overall: self.overall,
            differential: self.differential,
            boundary: limit,
            low: limit.is_some_and(|b| differential_pct <= b),
        }
    }
}

fn round9(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

#[cfg(test)]
mod tests;
