//! The dosage the district's own roster says the product needs: the least minutes a week at
//! which a chosen share of students (80% by default) meet the target.
//!
//! Meeting the target is fitted to minutes a week by centred isotonic regression (CIR; Oron &
//! Flournoy, "Centered Isotonic Regression: Point and Interval Estimation for Dose-Response
//! Studies", *Statistics in Biopharmaceutical Research* 9, 2017, 258-267, as their R package
//! `cir` implements it in `cirPAVA`). Isotonic regression is the non-decreasing fit closest in
//! weighted least squares to each dose's share meeting the target (Barlow, Bartholomew, Bremner
//! & Brunk, 1972), found by pooling adjacent violators; its flat steps put a pooled group's
//! share at the step's lowest dose, which biases the dose read off it downward. CIR pools equal
//! adjacent shares too (except at 0% and 100%), puts each pooled group at its students'
//! weighted mean dose, and joins the points by straight lines; before the first point and after
//! the last the curve is flat, out to the roster's lowest and highest doses (where the first
//! point already reaches the share, the dosage is read at that point's mean dose, not at the
//! flat's lowest dose, which could be a handful of students among many at higher doses). We chose it over
//! a logistic fit because it assumes only that more minutes do not lower the chance of meeting
//! the target, not the curve's shape.
//!
//! Doses are whole minutes a week (rounded), with every dose from 1,000 minutes a week (about
//! 17 hours) pooled at 1,000, so that the fit and its bootstrap cost the same whatever the
//! roster's values; adjacent doses are pooled first until each group holds at least the
//! contract's `minCellSize` students, so that no point rests on a handful. The dosage required is where the curve first reaches the chosen share,
//! rounded up to a whole minute, or "not reached" when it never does.
//!
//! Its interval is a percentile bootstrap: the students are resampled with replacement
//! (`resamples` times, 1,000 by default, from a fixed `seed`, so the same roster always gives
//! the same interval), the fit and the reading repeated, and the 2.5th and 97.5th percentiles
//! taken, a resample that does not reach the share counting as beyond every dose. Oron &
//! Flournoy found bootstrap intervals of such inverse estimates too narrow on published data
//! (the `cir` package's vignette): read it as a guide, not a guarantee.

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
        r.open_fraction(v, p, "Expected a share between 0 and 1, such as 0.8.")
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
            crate::steps::half_away_from_zero(minutes_per_week) as usize
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

/// A point of the fitted curve: a group of adjacent doses pooled by the fit, at its students'
/// mean dose, with their share meeting the target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    /// The lowest and highest dose pooled.
    pub from: u32,
    pub to: u32,
    /// Students at those doses.
    pub n: u64,
    /// Their mean minutes a week (the point's place on the curve).
    pub minutes_per_week: f64,
    pub share: f64,
}

/// A pooled group: its doses, students, students meeting the target, and dose x students.
#[derive(Debug, Clone, Copy)]
struct Block {
    from: u32,
    to: u32,
    n: u64,
    met: u64,
    dose_sum: u128,
}

impl Block {
    /// Whether `self` (lower doses) must pool with `next`: its share is above next's, or equal
    /// to it strictly between 0% and 100% (CIR's interior flats), compared without division.
    fn pools_with(&self, next: &Block) -> bool {
        let (left, right) = (
            self.met as u128 * next.n as u128,
            next.met as u128 * self.n as u128,
        );
        let bound = |b: &Block| b.met == 0 || b.met == b.n;
        left > right || (left == right && !(bound(self) && bound(next)))
    }
}

impl Block {
    fn join(self, next: Block) -> Block {
        Block {
            from: self.from,
            to: next.to,
            n: self.n + next.n,
            met: self.met + next.met,
            dose_sum: self.dose_sum + next.dose_sum,
        }
    }
}

/// Adjacent doses pooled until each group holds at least `least` students (a short last group
/// joins the one before it), so that no point of the curve rests on a handful: three students
/// at 5 minutes who all met the target beside a hundred at 200 would otherwise be a point of
/// their own, and the dosage read off it.
fn bins(doses: &[AtDose], least: u64) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut open: Option<Block> = None;
    for (dose, d) in doses.iter().enumerate().filter(|(_, d)| d.n > 0) {
        let here = Block {
            from: dose as u32,
            to: dose as u32,
            n: d.n,
            met: d.met,
            dose_sum: dose as u128 * d.n as u128,
        };
        let bin = open.take().map_or(here, |b| b.join(here));
        if bin.n >= least {
            out.push(bin);
        } else {
            open = Some(bin);
        }
    }
    if let Some(short) = open {
        match out.pop() {
            Some(before) => out.push(before.join(short)),
            None => out.push(short),
        }
    }
    out
}

/// The CIR points, lowest doses first, over groups of at least `least` students.
fn fit(doses: &[AtDose], least: u64) -> Vec<Point> {
    let mut blocks: Vec<Block> = Vec::new();
    for mut block in bins(doses, least) {
        while let Some(last) = blocks.last().filter(|last| last.pools_with(&block)) {
            block = last.join(block);
            blocks.pop();
        }
        blocks.push(block);
    }
    blocks
        .into_iter()
        .map(|b| Point {
            from: b.from,
            to: b.to,
            n: b.n,
            minutes_per_week: b.dose_sum as f64 / b.n as f64,
            share: b.met as f64 / b.n as f64,
        })
        .collect()
}

/// Where the curve first reaches `share`, rounded up to a whole minute: on the line between
/// the points it lies between, or, when the first point already reaches it, that point's mean
/// dose (the roster shows no lower dose falling short, and the students pooled at that point
/// are the ones who reach it: its lowest dose could be a handful among many at higher doses);
/// None when no point reaches it.
fn required(curve: &[Point], share: f64) -> Option<u32> {
    let reached = |p: &Point| reaches(p.share * p.n as f64, share * p.n as f64);
    let k = curve.iter().position(reached)?;
    let Some(before) = k.checked_sub(1).and_then(|j| curve.get(j)) else {
        return curve
            .first()
            .map(|p| (p.minutes_per_week - 1e-9).ceil() as u32);
    };
    let after = curve.get(k)?;
    let along = (share - before.share) / (after.share - before.share);
    let x = before.minutes_per_week + along * (after.minutes_per_week - before.minutes_per_week);
    // Up to a whole minute, but not past one for floating-point noise (40.000000000000004).
    Some((x - 1e-9).ceil().max(before.minutes_per_week.ceil()) as u32)
}

/// The dosage read off each of `resamples` resamples of the students, drawn from `seed`, sorted;
/// a resample that does not reach the share lies beyond every dose (u32::MAX).
fn bootstrap(doses: &Doses, share: f64, (resamples, seed): (u32, u64), least: u64) -> Vec<u32> {
    let n = doses.n();
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut draws: Vec<u32> = (0..resamples)
        .map(|_| required(&fit(&resample(&doses.0, n, &mut rng), least), share).unwrap_or(u32::MAX))
        .collect();
    draws.sort_unstable();
    draws
}

/// The `q` percentile of sorted bootstrap `draws`: the ceil(q B)-th of the B draws; None
/// without draws or where it does not reach the share (u32::MAX).
fn percentile(draws: &[u32], q: f64) -> Option<u32> {
    let k = ((q * draws.len() as f64).ceil() as usize).max(1);
    draws.get(k - 1).copied().filter(|&d| d != u32::MAX)
}

/// The dosage required, as `evaluateContract` reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DosageRequired {
    /// The share of students meeting the target asked for.
    pub share: f64,
    /// Intervention students with an outcome, at fidelity or not (even when the contract
    /// excludes those below it): the fit's students.
    pub n: u64,
    /// The least minutes a week whose fitted share reaches `share`; null when none does.
    pub minutes_per_week: Option<u32>,
    /// The fit's first point already reaches the share, so `minutesPerWeek` (that point's mean
    /// dose) is an upper bound: the roster shows no dose falling short, and fewer may do.
    pub at_most: bool,
    /// The bootstrap's 2.5th and 97.5th percentiles; the upper is null when more than 2.5% of
    /// the resamples do not reach the share (and both are null when the estimate is).
    pub ci_lower: Option<u32>,
    pub ci_upper: Option<u32>,
    pub resamples: u32,
    pub seed: u64,
    /// What to bear in mind reading it: a share reached at the roster's lowest dose, few doses.
    pub notes: Vec<String>,
    /// The fitted curve's points, joined by straight lines (flat before the first and after
    /// the last).
    pub curve: Vec<Point>,
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

/// The dosage required at `share`, with `resamples` bootstrap resamples from `seed`, over
/// points of at least `least` students (the contract's cell size); None without students.
pub fn dosage_required(
    doses: &Doses,
    share: f64,
    (resamples, seed): (u32, u64),
    least: u64,
) -> Option<DosageRequired> {
    let n = doses.n();
    if n == 0 {
        return None;
    }
    let curve = fit(&doses.0, least);
    let estimate = required(&curve, share);
    let draws = bootstrap(doses, share, (resamples, seed), least);
    let (ci_lower, ci_upper) = match estimate {
        Some(_) => (percentile(&draws, 0.025), percentile(&draws, 0.975)),
        None => (None, None),
    };
    let mut notes = Vec::new();
    let first_reaches = curve
        .first()
        .filter(|p| estimate.is_some() && reaches(p.share * p.n as f64, share * p.n as f64));
    if let Some(first) = first_reaches {
        notes.push(format!(
            "The share is reached already by the fit's first point: {} student{} at {} to {} minutes a week, {:.0} on average. The roster shows no dose falling short of it, so fewer minutes may do; it cannot say how few.",
            first.n, if first.n == 1 { "" } else { "s" }, first.from, first.to, first.minutes_per_week
        ));
    }
    if curve.len() < 3 {
        notes.push(format!("The fit has {} point{}: too few doses apart to say much about how the share grows with minutes.", curve.len(), if curve.len() == 1 { "" } else { "s" }));
    }
    Some(DosageRequired {
        share,
        n,
        minutes_per_week: estimate,
        at_most: first_reaches.is_some(),
        notes,
        ci_lower,
        ci_upper,
        resamples,
        seed,
        curve,
    })
}

#[cfg(test)]
mod tests;
