//! Evidence statistics by the What Works Clearinghouse (WWC) Procedures and Standards Handbook
//! (version 5.0, Appendix E; version 4.1 with its 2021 Supplement, which introduced the
//! cluster-adjusted effect size and standard error) and the PowerUp! minimum-detectable-effect
//! formulas (Dong & Maynard 2013).
//!
//! | quantity | formula |
//! |---|---|
//! | pooled SD | `S = sqrt(((n_i-1)s_i^2 + (n_c-1)s_c^2) / (N-2))` |
//! | small-sample correction | `omega = 1 - 3/(4N - 9)` (`1 - 3/(4h - 1)` with clusters) |
//! | Hedges' g (continuous) | `g = omega (mean_i - mean_c) / S`, `SE = sqrt(N/(n_i n_c) + g^2/(2N))` |
//! | Cox index (yes/no) | `g = omega (logit p_i - logit p_c) / 1.65`, `SE = omega sqrt(1/(n_i p_i) + 1/(n_i (1-p_i)) + 1/(n_c p_c) + 1/(n_c (1-p_c))) / 1.65` |
//! | cluster assignment (see [`ClusterDesign`]) | `g = omega_h (mean_i - mean_c)/S sqrt(gamma)`, `SE = sqrt(N/(n_i n_c) eta + g^2/(2h))`; yes/no: `SE = omega_h sqrt(eta var(LOR))/1.65` |
//! | significance | `t = g / SE`, two-tailed, Student t with `N - 2` (or `h`) degrees of freedom |
//! | 95% interval | `g +/- t(0.975, df) SE`: the same SE and distribution as the p-value |
//! | improvement index | `round(100 (Phi(g) - 0.5))`, g in the favourable direction |
//! | MDES | `M * SE`, `M = t(1-alpha/2, df) + t(power, df)`, `df = n - g* - 2` or `J - g* - 2` |
//!
//! Distributions come from `statrs` (Student t and normal CDFs and quantiles); every argument
//! passed to it is checked finite and in range first, because statrs panics on NaN.

use crate::error::Code;
use crate::error::{join, Error};
use crate::input::Reader;
use serde::Serialize;
use serde_json::Value;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// The WWC default intraclass correlation for achievement outcomes (0.10 for others).
pub const DEFAULT_ICC: f64 = 0.20;
pub const DEFAULT_ALPHA: f64 = 0.05;
/// The WWC constant that puts a log odds ratio on the standard-deviation scale (Cox index).
const COX_SCALE: f64 = 1.65;
/// Most students accepted in one group of a study summary.
pub const MAX_GROUP_SIZE: u64 = 1_000_000_000;
/// Beyond this many degrees of freedom the t distribution is taken from its asymptotic
/// expansion (or the normal, for CDFs): statrs's incomplete beta slows down and loses accuracy.
const LARGE_DF: f64 = 1000.0;

/// The standard normal CDF, Phi (NaN for NaN).
pub fn normal_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    // Normal::new(0, 1) cannot fail.
    Normal::new(0.0, 1.0).map(|n| n.cdf(x)).unwrap_or(f64::NAN)
}

/// The standard normal quantile for `p` strictly between 0 and 1 (NaN otherwise).
fn normal_quantile(p: f64) -> f64 {
    let in_range = p > 0.0 && p < 1.0;
    if !in_range {
        return f64::NAN;
    }
    Normal::new(0.0, 1.0)
        .map(|n| n.inverse_cdf(p))
        .unwrap_or(f64::NAN)
}

/// The Student t quantile with `df` degrees of freedom; NaN when `p` is not strictly between 0
/// and 1 or `df` is not positive. Above [`LARGE_DF`] it uses the Cornish-Fisher expansion of t
/// about the normal quantile to the fourth order in 1/df (Abramowitz & Stegun 26.7.5), whose
/// error there is far below 1e-9.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    let in_range = p > 0.0 && p < 1.0 && df > 0.0;
    if !in_range {
        return f64::NAN;
    }
    // Closed forms where statrs's inverse incomplete beta saturates in the far tails.
    if df == 1.0 {
        // Cauchy: tan(pi (p - 1/2)), written as a cotangent of the smaller tail for precision.
        let tail = p.min(1.0 - p);
        let t = 1.0 / (std::f64::consts::PI * tail).tan();
        return if p < 0.5 { -t } else { t };
    }
    if df == 2.0 {
        return (2.0 * p - 1.0) / (2.0 * p * (1.0 - p)).sqrt();
    }
    if df > LARGE_DF {
        let z = normal_quantile(p);
        let z2 = z * z;
        let g1 = (z2 + 1.0) * z / 4.0;
        let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
        let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
        let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
        return z + g1 / df + g2 / df.powi(2) + g3 / df.powi(3) + g4 / df.powi(4);
    }
    StudentsT::new(0.0, 1.0, df)
        .map(|t| t.inverse_cdf(p))
        .unwrap_or(f64::NAN)
}

/// Two-tailed p-value of a t statistic with `df` degrees of freedom; `None` when the
/// statistic or the degrees of freedom are not finite and positive (never NaN into statrs).
pub fn two_tailed_p(t: f64, df: f64) -> Option<f64> {
    let usable = !t.is_nan() && df > 0.0 && df.is_finite();
    if !usable {
        return None;
    }
    let x = -t.abs();
    let lower = if df > 1e7 {
        // t(df) and N(0,1) differ by less than 1e-8 here, and statrs's incomplete beta loses
        // its precision: for t = 2.5 it gives 0.012393 at 1e12 degrees of freedom and 1 at 1e50,
        // where scipy gives 0.0124193.
        normal_cdf(x)
    } else {
        StudentsT::new(0.0, 1.0, df).ok()?.cdf(x)
    };
    Some((2.0 * lower).clamp(0.0, 1.0))
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
    /// A scored outcome.
    Continuous {
        /// Students.
        n: f64,
        /// Their mean.
        mean: f64,
        /// Their standard deviation.
        sd: f64,
    },
    /// A yes/no outcome.
    Dichotomous {
        /// Students.
        n: f64,
        /// The share with the outcome, 0 to 1.
        proportion: f64,
    },
}

impl Group {
    /// The group's number of students.
    pub fn n(&self) -> f64 {
        match *self {
            Group::Continuous { n, .. } | Group::Dichotomous { n, .. } => n,
        }
    }
}

/// Assignment by cluster (schools, classrooms) while analysis is by student.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clusters {
    /// Clusters assigned to the intervention.
    pub intervention: f64,
    /// Clusters assigned to the comparison.
    pub comparison: f64,
    /// The intraclass correlation (WWC default 0.20 when unknown).
    pub icc: f64,
}

/// What `effectSize` compares: two groups, the outcome's direction, clustering, alpha.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EffectInput {
    /// The students who used the product.
    pub intervention: Group,
    /// The students who did not.
    pub comparison: Group,
    /// A lower outcome is the favourable one (absences, for instance).
    pub lower_is_better: bool,
    /// The clusters assigned, when assignment was by cluster.
    pub clusters: Option<Clusters>,
    /// The significance level of the two-tailed test.
    pub alpha: f64,
}

/// An effect with its standard error, interval, significance and improvement index.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EffectResult {
    /// Intervention minus comparison, as computed (not flipped for `lowerIsBetter`); with
    /// clusters, the WWC's cluster-adjusted effect size.
    pub g: f64,
    /// Hedges' small-sample correction `1 - 3 / (4N - 9)`, applied to g.
    pub omega: f64,
    /// The standard error of g, from which both the interval and the p-value come.
    pub se: f64,
    /// 95% interval `g +/- t(0.975, df) SE`.
    pub ci_lower: f64,
    /// The interval's upper end.
    pub ci_upper: f64,
    /// The test statistic `g / SE`.
    pub t: f64,
    /// Degrees of freedom of the t distribution: `N - 2`, or WWC's `h` with clusters.
    pub df: f64,
    /// The two-tailed p-value of `t` on `df` degrees of freedom.
    pub p_value: f64,
    /// `p_value` is below alpha.
    pub significant: bool,
    /// The WWC improvement index: percentile points a median comparison student would gain.
    pub improvement_index: i32,
    /// The effect is in the favourable direction (g > 0, or g < 0 when lower is better).
    pub favorable: bool,
    /// The cluster adjustment was applied.
    pub cluster_corrected: bool,
    /// Students in the intervention group.
    pub n_intervention: f64,
    /// Students in the comparison group.
    pub n_comparison: f64,
    /// What a reader must know about this result (a single-cluster confound, for instance).
    pub notes: Vec<String>,
}

/// The unscaled effect: a standardized mean difference, or a log odds ratio on the Cox scale
/// with its variance (both still to be multiplied by the small-sample factor).
enum Raw {
    Difference(f64),
    Cox { d: f64, variance: f64 },
}

/// The unscaled effect of two groups of the same kind.
fn raw_effect(input: &EffectInput) -> Result<Raw, Error> {
    let (ni, nc) = (input.intervention.n(), input.comparison.n());
    let n = ni + nc;
    Ok(match (input.intervention, input.comparison) {
        (
            Group::Continuous {
                mean: mi, sd: si, ..
            },
            Group::Continuous {
                mean: mc, sd: sc, ..
            },
        ) => {
            let pooled = (((ni - 1.0) * si * si + (nc - 1.0) * sc * sc) / (n - 2.0)).sqrt();
            let d = (mi - mc) / pooled;
            let usable = pooled > 0.0 && d.is_finite();
            if !usable {
                return Err(Error::new(Code::DegenerateStatistics, "The groups' scores have no usable spread (standard deviations of zero, or too small for the difference in means), so no effect size can be computed."));
            }
            Raw::Difference(d)
        }
        (Group::Dichotomous { proportion: pi, .. }, Group::Dichotomous { proportion: pc, .. }) => {
            // The log odds ratio's own variance (Cox 1970), on the Cox scale.
            let lor = logit(pi) - logit(pc);
            let var = 1.0 / (ni * pi)
                + 1.0 / (ni * (1.0 - pi))
                + 1.0 / (nc * pc)
                + 1.0 / (nc * (1.0 - pc));
            Raw::Cox {
                d: lor / COX_SCALE,
                variance: var / (COX_SCALE * COX_SCALE),
            }
        }
        _ => {
            return Err(Error::new(
                Code::InvalidInput,
                "Both groups must be of the same kind.",
            ))
        }
    })
}

/// WWC effect size, its interval, and its significance (cluster-adjusted when clusters are
/// given). Inputs are assumed read by [`EffectInput::read`]; statistics that give no finite
/// effect (no spread, or spread too small for the difference) are an error, never a NaN.
pub fn effect_size(input: &EffectInput) -> Result<EffectResult, Error> {
    let (ni, nc) = (input.intervention.n(), input.comparison.n());
    let n = ni + nc;
    let degenerate = |why: &str| Err(Error::new(Code::DegenerateStatistics, why.to_string()));
    let raw = raw_effect(input)?;
    let mut notes = Vec::new();
    let (g, om, se, df) = match input.clusters {
        None => {
            let om = omega(n);
            match raw {
                // WWC 5.0 App. E: Hedges' g and its SE.
                Raw::Difference(d) => {
                    let g = om * d;
                    (g, om, (n / (ni * nc) + g * g / (2.0 * n)).sqrt(), n - 2.0)
                }
                // The Cox index and its SE scaled alike (times omega): the test is then the
                // Wald statistic of the log odds ratio.
                Raw::Cox { d, variance } => (om * d, om, om * variance.sqrt(), n - 2.0),
            }
        }
        Some(c) => {
            let k = ClusterDesign::new(n, c);
            if c.intervention < 2.0 || c.comparison < 2.0 {
                notes.push("One condition is a single cluster: the intervention cannot be told apart from that school or classroom (the WWC's n = 1 confound), so this comparison does not meet WWC standards whatever its numbers.".into());
            }
            if c.icc == 0.0 {
                notes.push("An intraclass correlation of 0 means no design effect: the clustering correction changes nothing. The WWC uses 0.20 for achievement outcomes when a study reports none.".into());
            }
            match raw {
                Raw::Difference(d) => {
                    let g = k.omega * d * k.gamma.sqrt();
                    (
                        g,
                        k.omega,
                        (n / (ni * nc) * k.eta + g * g / (2.0 * k.h)).sqrt(),
                        k.h,
                    )
                }
                // No standardizer to correct for a log odds ratio: the design effect inflates
                // its variance, and h replaces N - 2 (our reading; the handbook text we could
                // read gives the cluster formulas for continuous outcomes only).
                Raw::Cox { d, variance } => (
                    k.omega * d,
                    k.omega,
                    k.omega * (k.eta * variance).sqrt(),
                    k.h,
                ),
            }
        }
    };
    let t = g / se;
    let (Some(p_value), true) = (
        two_tailed_p(t, df),
        [g, se, t].iter().all(|x| x.is_finite()),
    ) else {
        return degenerate(
            "These group statistics do not give a finite effect size and standard error.",
        );
    };
    let half_width = t_quantile(0.975, df) * se;
    let g_favourable = if input.lower_is_better { -g } else { g };
    Ok(EffectResult {
        g,
        omega: om,
        se,
        ci_lower: g - half_width,
        ci_upper: g + half_width,
        t,
        df,
        p_value,
        significant: p_value < input.alpha,
        improvement_index: improvement_index(g_favourable),
        favorable: g_favourable > 0.0,
        cluster_corrected: input.clusters.is_some(),
        n_intervention: ni,
        n_comparison: nc,
        notes,
    })
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// The design quantities of a cluster-assigned study analysed by student, as the WWC uses them
/// since the Supplement to Procedures Handbook 4.1 (2021) and in Procedures and Standards
/// Handbook 5.0, Appendix E (Hedges 2007): with `M` clusters, `n = N/M` students per cluster on
/// average and intraclass correlation `rho`,
/// `gamma = 1 - 2(n-1)rho/(N-2)`, `eta = 1 + (n-1)rho`,
/// `h = ((N-2) - 2(n-1)rho)^2 / ((N-2)(1-rho)^2 + n(N-2n)rho^2 + 2(N-2n)rho(1-rho))` (v5.0 E.21),
/// and `omega_h = 1 - 3/(4h - 1)`. A continuous effect is then `g = omega_h d sqrt(gamma)` with
/// `SE = sqrt(N/(n_i n_c) eta + g^2/(2h))`, tested against Student t with h degrees of freedom.
pub struct ClusterDesign {
    pub gamma: f64,
    pub eta: f64,
    pub h: f64,
    pub omega: f64,
}

impl ClusterDesign {
    pub fn new(n: f64, c: Clusters) -> ClusterDesign {
        let rho = c.icc;
        let nbar = n / (c.intervention + c.comparison);
        let core = (n - 2.0) - 2.0 * (nbar - 1.0) * rho;
        let h = core * core
            / ((n - 2.0) * (1.0 - rho).powi(2)
                + nbar * (n - 2.0 * nbar) * rho * rho
                + 2.0 * (n - 2.0 * nbar) * rho * (1.0 - rho));
        ClusterDesign {
            gamma: core / (n - 2.0),
            eta: 1.0 + (nbar - 1.0) * rho,
            h,
            omega: 1.0 - 3.0 / (4.0 * h - 1.0),
        }
    }
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
                    r.fail(&p, Code::Required, format!("\"{key}\" is required."));
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
                            Code::OutOfRange,
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
                        r.open_fraction(v, p, "A proportion must be strictly between 0 and 1: at 0 or 1 the Cox index (a log odds ratio) is infinite.")
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
            Code::OutOfRange,
            "Each group needs at least one cluster.",
        ) {
            return None;
        }
        if let Some(g) = group {
            if !r.check(
                m <= g.n(),
                &p,
                Code::OutOfRange,
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

/// A group size: a whole number from 2 to [`MAX_GROUP_SIZE`].
fn read_n(r: &mut Reader, v: &Value, path: &str) -> Option<f64> {
    let n = r.count(v, path)?;
    let ok = r.check(
        n >= 2,
        path,
        Code::OutOfRange,
        "A group needs at least 2 students.",
    ) && r.check(
        n <= MAX_GROUP_SIZE,
        path,
        Code::OutOfRange,
        "A group holds at most a billion students.",
    );
    ok.then_some(n as f64)
}

pub fn read_icc(r: &mut Reader, v: &Value, path: &str) -> Option<f64> {
    let x = r.number(v, path)?;
    r.check(
        (0.0..1.0).contains(&x),
        path,
        Code::OutOfRange,
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
        Code::OutOfRange,
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
        Code::OutOfRange,
        "R-squared must be at least 0 and below 1.",
    )
    .then_some(x)
}

/// Parses and computes `effectSize()` from JSON.
pub fn effect_size_json(v: &Value) -> Result<EffectResult, Error> {
    let mut r = Reader::new();
    let input = EffectInput::read(&mut r, v, "");
    let input = r.finish(input, Code::InvalidInput, "effect-size input")?;
    effect_size(&input)
}

// ---------------------------------------------------------------- power

/// A design for the minimum detectable effect (PowerUp!).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PowerDesign {
    /// Students randomly assigned one by one (PowerUp! IRA).
    Individual { n: f64, r2: f64 },
    /// Whole clusters (schools) of `cluster_size` students randomly assigned (PowerUp! CRA2_2).
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
    pub design: PowerDesign,
    /// Covariates g*: student-level for an individual design, cluster-level for a cluster design.
    pub covariates: f64,
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

/// PowerUp! minimum detectable effect size for a two-tailed test (Dong & Maynard 2013; the
/// PowerUpR functions `mdes.ira1r1` and `mdes.cra2r2`): `MDES = M SE` with
/// `M = t(1 - alpha/2, df) + t(power, df)`, `df = n - g* - 2` (individual) or `J - g* - 2` (cluster).
/// The reader guarantees df >= 1; the t quantiles are bounded for any df (see [`t_quantile`]).
pub fn minimum_detectable_effect(input: &PowerInput) -> PowerResult {
    let p = input.treated_share;
    let pq = p * (1.0 - p);
    let (se, units) = match input.design {
        PowerDesign::Individual { n, r2 } => (((1.0 - r2) / (pq * n)).sqrt(), n),
        PowerDesign::Cluster {
            clusters: j,
            cluster_size: n,
            icc,
            r2_level1,
            r2_level2,
        } => (
            (icc * (1.0 - r2_level2) / (pq * j) + (1.0 - icc) * (1.0 - r2_level1) / (pq * j * n))
                .sqrt(),
            j,
        ),
    };
    let df = units - input.covariates - 2.0;
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
        const COMMON: [&str; 5] = ["design", "treatedShare", "alpha", "power", "covariates"];
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
        let covariates = r.opt(o, path, "covariates", Reader::count).unwrap_or(0);
        // df = units - covariates - 2 must be at least 1.
        let units_at_least = |min: u64, what: &'static str| {
            move |r: &mut Reader, v: &Value, p: &str| -> Option<f64> {
                let n = r.count(v, p)?;
                r.check(
                    n >= min.saturating_add(covariates) && n <= MAX_GROUP_SIZE,
                    p,
                    Code::OutOfRange,
                    what,
                )
                .then_some(n as f64)
            }
        };
        let design = match design_name? {
            "cluster" => {
                let clusters = r.req(
                    o,
                    path,
                    "clusters",
                    units_at_least(
                        3,
                        "A cluster design needs at least 3 clusters more than its cluster-level covariates (df = clusters - covariates - 2), and at most a billion.",
                    ),
                );
                let cluster_size = r.req(o, path, "clusterSize", |r, v, p| {
                    let x = r.number(v, p)?;
                    r.check(
                        (1.0..=MAX_GROUP_SIZE as f64).contains(&x),
                        p,
                        Code::OutOfRange,
                        "A cluster holds at least 1 student (and at most a billion).",
                    )
                    .then_some(x)
                });
                let icc = r.req(o, path, "icc", read_icc);
                let r2_level1 = r.opt(o, path, "r2Level1", read_r2).unwrap_or(0.0);
                let r2_level2 = r.opt(o, path, "r2Level2", read_r2).unwrap_or(0.0);
                PowerDesign::Cluster {
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
                    units_at_least(
                        3,
                        "An individual design needs at least 3 students more than its covariates (df = n - covariates - 2), and at most a billion.",
                    ),
                );
                let r2 = r.opt(o, path, "r2", read_r2).unwrap_or(0.0);
                PowerDesign::Individual { n: n?, r2 }
            }
        };
        let treated_share = r
            .opt(o, path, "treatedShare", read_probability)
            .unwrap_or(0.5);
        let alpha = r
            .opt(o, path, "alpha", read_probability)
            .unwrap_or(DEFAULT_ALPHA);
        let power = r.opt(o, path, "power", read_probability).unwrap_or(0.8);
        // Below alpha/2 the multiplier t(1 - alpha/2) + t(power) is not positive: no effect is detectable.
        r.check(
            power > alpha / 2.0,
            &join(path, "power"),
            Code::OutOfRange,
            "The power must be greater than half the significance level; typical values are 0.8 or 0.9.",
        );
        Some(PowerInput {
            design,
            covariates: covariates as f64,
            treated_share,
            alpha,
            power,
        })
    }
}

/// `minimumDetectableEffect` on JSON input: every problem at its path, or the result.
pub fn minimum_detectable_effect_json(v: &Value) -> Result<PowerResult, Error> {
    let mut r = Reader::new();
    let input = PowerInput::read(&mut r, v, "");
    let input = r.finish(input, Code::InvalidInput, "power input")?;
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
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Boundary {
    /// The WWC's cautious boundary (most outcomes).
    Cautious,
    /// The WWC's optimistic boundary (when attrition is unlikely to relate to the intervention).
    Optimistic,
}

/// The WWC attrition boundaries: for each whole percent of overall attrition from 0 to 65,
/// the largest differential attrition (in tenths of a percentage point) that is still "low",
/// under the cautious and the optimistic assumption; `None` where every differential is high.
/// WWC Standards Handbook 4.1 (2020), Table II.1 "Highest differential attrition rate for a
/// sample to maintain low attrition, by overall attrition rate, under 'optimistic' and
/// 'cautious' assumptions", kept in the Procedures and Standards Handbook 5.0. Transcribed
/// point for point (never interpolated: the boundary is not linear between rows); the test
/// compares every row with an independent transcription in `tests/fixtures/wwc-attrition.csv`.
const ATTRITION_BOUNDARIES: [(Option<u8>, Option<u8>); 66] = [
    (Some(57), Some(100)), // 0%
    (Some(58), Some(101)), // 1%
    (Some(59), Some(102)), // 2%
    (Some(59), Some(103)), // 3%
    (Some(60), Some(104)), // 4%
    (Some(61), Some(105)), // 5%
    (Some(62), Some(107)), // 6%
    (Some(63), Some(108)), // 7%
    (Some(63), Some(109)), // 8%
    (Some(63), Some(109)), // 9%
    (Some(63), Some(109)), // 10%
    (Some(62), Some(109)), // 11%
    (Some(62), Some(109)), // 12%
    (Some(61), Some(108)), // 13%
    (Some(60), Some(108)), // 14%
    (Some(59), Some(107)), // 15%
    (Some(59), Some(106)), // 16%
    (Some(58), Some(105)), // 17%
    (Some(57), Some(103)), // 18%
    (Some(55), Some(102)), // 19%
    (Some(54), Some(100)), // 20%
    (Some(53), Some(99)),  // 21%
    (Some(52), Some(97)),  // 22%
    (Some(51), Some(95)),  // 23%
    (Some(49), Some(94)),  // 24%
    (Some(48), Some(92)),  // 25%
    (Some(47), Some(90)),  // 26%
    (Some(45), Some(88)),  // 27%
    (Some(44), Some(86)),  // 28%
    (Some(43), Some(84)),  // 29%
    (Some(41), Some(82)),  // 30%
    (Some(40), Some(80)),  // 31%
    (Some(38), Some(78)),  // 32%
    (Some(36), Some(76)),  // 33%
    (Some(35), Some(74)),  // 34%
    (Some(33), Some(72)),  // 35%
    (Some(32), Some(70)),  // 36%
    (Some(31), Some(67)),  // 37%
    (Some(29), Some(65)),  // 38%
    (Some(28), Some(63)),  // 39%
    (Some(26), Some(60)),  // 40%
    (Some(25), Some(58)),  // 41%
    (Some(23), Some(56)),  // 42%
    (Some(21), Some(53)),  // 43%
    (Some(20), Some(51)),  // 44%
    (Some(18), Some(49)),  // 45%
    (Some(16), Some(46)),  // 46%
    (Some(15), Some(44)),  // 47%
    (Some(13), Some(42)),  // 48%
    (Some(12), Some(39)),  // 49%
    (Some(10), Some(37)),  // 50%
    (Some(9), Some(35)),   // 51%
    (Some(7), Some(32)),   // 52%
    (Some(6), Some(30)),   // 53%
    (Some(4), Some(28)),   // 54%
    (Some(3), Some(26)),   // 55%
    (Some(2), Some(23)),   // 56%
    (Some(0), Some(21)),   // 57%
    (None, Some(19)),      // 58%
    (None, Some(16)),      // 59%
    (None, Some(14)),      // 60%
    (None, Some(11)),      // 61%
    (None, Some(9)),       // 62%
    (None, Some(7)),       // 63%
    (None, Some(5)),       // 64%
    (None, Some(3)),       // 65%
];

/// The largest differential attrition (percentage points) that is low at `overall_pct`
/// percent overall attrition; `None` when every differential is high. The handbook tabulates
/// whole percents and states no rule for a rate between two rows; we take the stricter of the
/// two rows, so a rate is never called low where a neighbouring row would call it high.
pub fn attrition_boundary(overall_pct: f64, boundary: Boundary) -> Option<f64> {
    if !(0.0..=65.0).contains(&overall_pct) {
        return None;
    }
    let row = |pct: f64| {
        let (cautious, optimistic) = ATTRITION_BOUNDARIES[pct as usize];
        match boundary {
            Boundary::Cautious => cautious,
            Boundary::Optimistic => optimistic,
        }
    };
    let (below, above) = (row(overall_pct.floor())?, row(overall_pct.ceil())?);
    Some(f64::from(below.min(above)) / 10.0)
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
    /// The largest differential that is low at this overall rate, a fraction like the two above
    /// (the WWC's table gives it in percentage points), or null when all attrition is high.
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
            boundary: limit.map(|b| b / 100.0),
            low: limit.is_some_and(|b| differential_pct <= b),
        }
    }
}

fn round9(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

#[cfg(test)]
mod tests;
