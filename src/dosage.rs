//! The dosage the district's own roster says the product needs: the least minutes a week at
//! which a chosen share of students (80% by default) meet the target.
//!
//! Meeting the target is fitted to minutes a week by isotonic regression: the non-decreasing
//! step function closest in weighted least squares to each dose's share meeting the target
//! (Barlow, Bartholomew, Bremner & Brunk, *Statistical Inference under Order Restrictions*,
//! 1972), found by the pool-adjacent-violators algorithm (Ayer et al., 1955). Students at one
//! dose are pooled first (the "secondary" approach to ties, as scikit-learn's
//! `IsotonicRegression` takes them). We chose it over a logistic fit because it assumes only
//! that more minutes do not lower the chance of meeting the target, not the curve's shape.
//!
//! Doses are whole minutes a week (rounded), with every dose from 1,000 minutes a week (about
//! 17 hours) pooled at 1,000, so that the fit and its bootstrap cost the same whatever the
//! roster's values. The dosage required is read off the fitted steps: the least dose in the
//! roster whose fitted share reaches the chosen share (scikit-learn interpolates between fitted
//! points instead; we keep to doses the roster shows), or "not reached" when no dose's does.
//!
//! Its interval is a percentile bootstrap: the students are resampled with replacement
//! (`resamples` times, 1,000 by default, from a fixed `seed`, so the same roster always gives
//! the same interval), the fit and the reading repeated, and the 2.5th and 97.5th percentiles
//! taken, a resample that does not reach the share counting as beyond every dose. Bootstrap
//! intervals of an inverse isotonic estimate can be too narrow (the `cir` package's authors,
//! Oron & Flournoy, found them so on published data): read it as a guide, not a guarantee.

use crate::error::Code;
use crate::growth::reaches;
use crate::input::Reader;
use rand_distr::{Binomial, Distribution};
use rand_pcg::rand_core::SeedableRng;
use rand_pcg::Pcg64;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// The contract's choices for the dosage required (`dosageRequired`), each with its default.
#[derive(Debug, Clone, Copy, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Settings {
    /// The share of students meeting the target the dose must reach (default 0.8).
    #[schemars(extend("exclusiveMinimum" = 0, "exclusiveMaximum" = 1))]
    pub share: f64,
    /// Bootstrap resamples for the interval (default 1000; 0 for none).
    #[schemars(range(max = MAX_RESAMPLES))]
    pub resamples: u32,
    /// The bootstrap's seed (default 20261206): the same seed gives the same interval.
    #[schemars(range(max = 9_007_199_254_740_991u64))]
    pub seed: u64,
}

/// The most resamples a contract may ask for.
pub const MAX_RESAMPLES: u32 = 10_000;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            share: 0.8,
            resamples: 1000,
            seed: 20261206,
        }
    }
}

pub(crate) fn read(r: &mut Reader, v: &Value, path: &str) -> Option<Settings> {
    let d = Settings::default();
    let o = r.object(v, path, &["share", "resamples", "seed"])?;
    let share = r.opt(o, path, "share", |r, v, p| {
        let x = r.number(v, p)?;
        r.check(
            x > 0.0 && x < 1.0,
            p,
            Code::OutOfRange,
            "Expected a share between 0 and 1, such as 0.8.",
        )
        .then_some(x)
    });
    let resamples = r.opt(o, path, "resamples", |r, v, p| {
        let n = r.count(v, p)?;
        r.check(
            n <= MAX_RESAMPLES as u64,
            p,
            Code::OutOfRange,
            &format!("At most {MAX_RESAMPLES} resamples are drawn."),
        )
        .then_some(n as u32)
    });
    let seed = r.opt(o, path, "seed", Reader::count);
    Some(Settings {
        share: share.unwrap_or(d.share),
        resamples: resamples.unwrap_or(d.resamples),
        seed: seed.unwrap_or(d.seed),
    })
}

/// Doses at or above this many minutes a week are pooled here.
pub const TOP_DOSE: u32 = 1000;

/// One dose's students: how many, and how many met the target.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct AtDose {
    n: u64,
    met: u64,
}

/// Students by whole minutes a week, from 0 to [`TOP_DOSE`].
#[derive(Debug, Clone, PartialEq)]
pub struct Doses(Vec<AtDose>);

impl Default for Doses {
    fn default() -> Self {
        Doses(vec![AtDose::default(); TOP_DOSE as usize + 1])
    }
}

impl Doses {
    /// One student with an outcome, at `minutes_per_week`, who met the target or not.
    pub fn see(&mut self, minutes_per_week: f64, met: bool) {
        // NaN (no weeks) counts as no use.
        let dose = if minutes_per_week >= TOP_DOSE as f64 {
            TOP_DOSE as usize
        } else if minutes_per_week > 0.0 {
            minutes_per_week.round() as usize
        } else {
            0
        };
        if let Some(d) = self.0.get_mut(dose) {
            d.n += 1;
            d.met += u64::from(met);
        }
    }

    fn n(&self) -> u64 {
        self.0.iter().map(|d| d.n).sum()
    }
}

/// A step of the fitted curve: the doses from `from` to `to` minutes a week share one fitted
/// share of students meeting the target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub from: u32,
    pub to: u32,
    /// Students at those doses.
    pub n: u64,
    pub share: f64,
}

/// The fitted steps, lowest doses first (pool adjacent violators).
fn fit(doses: &[AtDose]) -> Vec<Step> {
    // Blocks of (first dose, last dose, students, met), merged while a block's share falls
    // below the one before it.
    let mut blocks: Vec<(u32, u32, u64, u64)> = Vec::new();
    for (dose, d) in doses.iter().enumerate().filter(|(_, d)| d.n > 0) {
        let mut block = (dose as u32, dose as u32, d.n, d.met);
        while let Some(&(from, _, n, met)) = blocks.last() {
            // met / n > block.met / block.n, compared without division.
            if (met as u128) * (block.2 as u128) > (block.3 as u128) * (n as u128) {
                blocks.pop();
                block = (from, block.1, n + block.2, met + block.3);
            } else {
                break;
            }
        }
        blocks.push(block);
    }
    blocks
        .into_iter()
        .map(|(from, to, n, met)| Step {
            from,
            to,
            n,
            share: met as f64 / n as f64,
        })
        .collect()
}

/// The least dose whose fitted share reaches `share`.
fn required(steps: &[Step], share: f64) -> Option<u32> {
    steps
        .iter()
        .find(|s| reaches(s.share * s.n as f64, share * s.n as f64))
        .map(|s| s.from)
}

/// The dosage required, as `evaluateContract` reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DosageRequired {
    /// The share of students meeting the target asked for.
    pub share: f64,
    /// Enrolled students with an outcome, at fidelity or not: the fit's students.
    pub n: u64,
    /// The least minutes a week whose fitted share reaches `share`; null when none does.
    pub minutes_per_week: Option<u32>,
    /// The bootstrap's 2.5th and 97.5th percentiles; the upper is null when more than 2.5% of
    /// the resamples do not reach the share (and both are null when the estimate is).
    pub ci_lower: Option<u32>,
    pub ci_upper: Option<u32>,
    pub resamples: u32,
    pub seed: u64,
    /// The fitted curve: steps of doses sharing one fitted share.
    pub curve: Vec<Step>,
}

/// Resamples `doses`' students with replacement: a multinomial draw over the (dose, met) cells,
/// made as a binomial draw per cell from the students not yet drawn.
fn resample(doses: &[AtDose], n: u64, rng: &mut Pcg64) -> Vec<AtDose> {
    let mut left = n;
    let mut mass_left = n as f64;
    let mut out = vec![AtDose::default(); doses.len()];
    for (d, o) in doses.iter().zip(out.iter_mut()) {
        for (count, met) in [(d.met, true), (d.n - d.met, false)] {
            if count == 0 || left == 0 {
                continue;
            }
            let p = (count as f64 / mass_left).clamp(0.0, 1.0);
            let drawn = Binomial::new(left, p).map_or(0, |b| b.sample(rng));
            left -= drawn;
            mass_left -= count as f64;
            o.n += drawn;
            if met {
                o.met += drawn;
            }
        }
    }
    out
}

/// The dosage required at `share`, with `resamples` bootstrap resamples from `seed`; None
/// without students.
pub fn dosage_required(
    doses: &Doses,
    share: f64,
    resamples: u32,
    seed: u64,
) -> Option<DosageRequired> {
    let n = doses.n();
    if n == 0 {
        return None;
    }
    let curve = fit(&doses.0);
    let estimate = required(&curve, share);
    let mut rng = Pcg64::seed_from_u64(seed);
    // A resample that does not reach the share lies beyond every dose: u32::MAX.
    let mut draws: Vec<u32> = (0..resamples)
        .map(|_| required(&fit(&resample(&doses.0, n, &mut rng)), share).unwrap_or(u32::MAX))
        .collect();
    draws.sort_unstable();
    // The 2.5th and 97.5th percentiles: the ceil(0.025 B)-th and ceil(0.975 B)-th draws.
    let at = |q: f64| {
        let k = ((q * resamples as f64).ceil() as usize).clamp(1, draws.len().max(1)) - 1;
        draws.get(k).copied().filter(|&d| d != u32::MAX)
    };
    let (ci_lower, ci_upper) = match estimate {
        Some(_) if resamples > 0 => (at(0.025), at(0.975)),
        _ => (None, None),
    };
    Some(DosageRequired {
        share,
        n,
        minutes_per_week: estimate,
        ci_lower,
        ci_upper,
        resamples,
        seed,
        curve,
    })
}

#[cfg(test)]
mod tests;
