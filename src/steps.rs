//! What a reader who knows the test's scale may suppose of some students' outcomes: the steps
//! their scores move in, and so the outcomes the metric can take next to each threshold.
//!
//! The disclosure audit ([`crate::publish`]) narrows each tier's outcomes to these steps: on a
//! scale of 2 the tier of normalized gains from 0.5 to 0.8 holds 0.5 alone, and a decline is
//! exactly -1.

use crate::contract::GrowthMetric;
use crate::growth::reach_point;

/// The scale of some students' scores: the step every one of them fits and the grades whose
/// norms judge them. Built one student at a time ([`Scale::see_remembering`]) and merged across students
/// ([`Scale::merge`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// Units per point: 1 for whole scores, 2 for half points, 10 for tenths; None when no
    /// step of a thousandth or coarser fits them all.
    units: Option<u32>,
    /// The greatest common divisor of the scores in units (0 before any score): scores in tens
    /// are 10 units of a point apart.
    gcd: u64,
    /// The step a reader supposes, in units: 1, or what [`Scale::read_within`] sets from the
    /// scale of the whole roster.
    coarse: u64,
    /// Bit g: some student of grade g (a norm of a grade no one is in bounds nothing).
    grades: u32,
}

impl Default for Scale {
    /// No student yet: every score so far fits whole points.
    fn default() -> Self {
        Scale {
            units: Some(1),
            gcd: 0,
            coarse: 1,
            grades: 0,
        }
    }
}

/// The finest step a reader considers: a thousandth of a point.
const FINEST: u32 = 1000;

/// The units each score not in whole points fits (the fewest, up to [`FINEST`]), remembered for
/// the scores seen last: a roster's scores repeat, and finding them tries up to a thousand
/// steps. The default remembers nothing.
#[derive(Default)]
pub struct ScoreUnits {
    /// (the score's bits, its units), in the slot of a hash of the bits.
    slots: Vec<(u64, Option<u32>)>,
}

impl ScoreUnits {
    const SLOTS: usize = 1 << 10;

    /// A memo of the last 1,024 or so scores.
    pub fn new() -> Self {
        // (No score has the bits of this NaN: NaN scores are never looked up.)
        ScoreUnits {
            slots: vec![(u64::MAX, None); Self::SLOTS],
        }
    }

    /// The units of `x`, found by `find` unless remembered.
    fn of(&mut self, x: f64, find: impl FnOnce() -> Option<u32>) -> Option<u32> {
        let bits = x.to_bits();
        // (Fibonacci hashing: the top bits of the product depend on every bit of the score.)
        let slot = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize;
        match self.slots.get_mut(slot) {
            Some((key, units)) if *key == bits => *units,
            Some(entry) => {
                let units = find();
                *entry = (bits, units);
                units
            }
            None => find(),
        }
    }
}

impl Scale {
    /// [`Scale::see_remembering`], remembering nothing.
    #[cfg(test)]
    pub fn see(&mut self, metric: &GrowthMetric, pre: f64, post: f64, grade: Option<u8>) {
        self.see_remembering(&mut ScoreUnits::default(), metric, pre, post, grade);
    }

    /// Adds one student's scores (the post-test alone for a post-test score, which says
    /// nothing of the pre-test) and grade, the units of scores seen before taken from `memo`.
    /// Linear in the students: a score off the units so far is tried against each finer step
    /// at most once per growth of the units, and the units grow (each time a multiple) at most
    /// ten times before they pass a thousandth.
    pub fn see_remembering(
        &mut self,
        memo: &mut ScoreUnits,
        metric: &GrowthMetric,
        pre: f64,
        post: f64,
        grade: Option<u8>,
    ) {
        self.see_score(post, memo);
        if !matches!(metric, GrowthMetric::PostScore) {
            self.see_score(pre, memo);
        }
        if let Some(g) = grade {
            self.grades |= 1u32.checked_shl(u32::from(g)).unwrap_or(0);
        }
    }

    fn see_score(&mut self, x: f64, memo: &mut ScoreUnits) {
        // (The distance to the nearest whole number, whichever way a half rounds; ties to even
        // is one wasm instruction, where `round` is a call.)
        let on = |u: u32| {
            let scaled = x * f64::from(u);
            (scaled - scaled.round_ties_even()).abs() <= 1e-9 * larger(scaled.abs(), 1.0)
        };
        let Some(units) = self.units else { return };
        if x.is_nan() {
            return;
        }
        if !on(units) {
            self.units = memo
                .of(x, || (2..=FINEST).find(|&u| on(u)))
                .and_then(|own| common_units(units, own));
            let Some(finer) = self.units else { return };
            self.gcd = times(self.gcd, finer / units);
        }
        let Some(units) = self.units else { return };
        // (Past 2^53 units floats are all whole: such a score says nothing of the step. Half
        // away from zero: a score of 5e8 units or more is "on" them within a half, so a tie can
        // occur, and rounding it the other way would change the gcd.)
        let scaled = half_away_from_zero((x * f64::from(units)).abs());
        let k = if scaled <= 9e15 { scaled as u64 } else { 1 };
        self.gcd = gcd(self.gcd, k);
    }

    /// Both sets of students together: the finest step both fit, every grade of either.
    #[inline]
    pub fn merge(&mut self, other: &Scale) {
        // The common case, most students into a set on their units whose step is already 1
        // (inlined where it is met: in wasm a call costs more than this test).
        if (self.units, self.gcd, self.coarse) == (other.units, 1, 1) {
            self.grades |= other.grades;
            return;
        }
        self.merge_steps(other);
    }

    /// [`Scale::merge`] of sets whose units or steps differ.
    fn merge_steps(&mut self, other: &Scale) {
        let units = self
            .units
            .zip(other.units)
            .and_then(|(a, b)| common_units(a, b));
        if let (Some(a), Some(b), Some(l)) = (self.units, other.units, units) {
            // Both sets' scores in the common units, and the coarsest step both fit.
            self.gcd = gcd(times(self.gcd, l / a), times(other.gcd, l / b));
            self.coarse = gcd(self.coarse, other.coarse);
        }
        self.units = units;
        self.grades |= other.grades;
    }

    /// This set's scale as a reader who knows the test's scale supposes it, `whole` being the
    /// scale of every student of the roster with an outcome: its scores fit both its own units
    /// and the roster's step, so they move in the least common multiple of the two. A scale
    /// reported in tens moves in tens; one in halves, in points where these students' scores
    /// are whole, as before. A set's own greatest common divisor is not used: one student's
    /// score of 537 says nothing a reader knows.
    pub fn read_within(&self, whole: &Scale) -> Scale {
        let (Some(own), Some(all)) = (self.units, whole.units) else {
            return *self;
        };
        if whole.gcd == 0 {
            return *self;
        }
        // The roster's step is gcd/all points; in lowest terms g/u. The least common multiple
        // of 1/own and g/u is g / gcd(own, u).
        let common = gcd(whole.gcd, u64::from(all));
        let (g, u) = (whole.gcd / common, u64::from(all) / common);
        // (gcd(own, u) divides own, a u32.)
        let units = gcd(u64::from(own), u) as u32;
        Scale {
            units: Some(units),
            coarse: g,
            ..*self
        }
    }

    /// The step a reader supposes: (units of it, units per point); None without units.
    fn step(&self) -> Option<(f64, f64)> {
        Some((self.coarse as f64, f64::from(self.units?)))
    }

    /// Whether the norm of `grade` judges any of the students (every norm, when no grade is
    /// known: then no student is judged by a norm at all).
    fn judges(&self, grade: u8) -> bool {
        self.grades == 0 || self.grades & 1u32.checked_shl(u32::from(grade)).unwrap_or(0) != 0
    }
}

/// The least common multiple of two units, None past a thousandth.
fn common_units(a: u32, b: u32) -> Option<u32> {
    let lcm = u64::from(a) / gcd(u64::from(a), u64::from(b)) * u64::from(b);
    (lcm <= u64::from(FINEST)).then_some(lcm as u32)
}

/// `a x b`, saturating. (A u64 multiply that checks for overflow is a 128-bit multiply, a call
/// in wasm; below 2^32 times a u32 none can occur.)
fn times(a: u64, b: u32) -> u64 {
    match a <= u64::from(u32::MAX) {
        true => a * u64::from(b),
        false => a.saturating_mul(u64::from(b)),
    }
}

/// `a.max(b)` as wasm computes it, without the call wasm makes for it (its `f64.max` gives
/// NaN for a NaN, so Rust's `max` there is the C library's `fmax`): a NaN gives way to a
/// number, and of two equal values (0 and -0) the first is kept, as `fmax` keeps it (the Rust
/// libm's, 0.2: `if x.is_nan() || x < y { y } else { x }`; `fmin` is its mirror).
#[inline]
pub(crate) fn larger(a: f64, b: f64) -> f64 {
    if a.is_nan() || a < b {
        b
    } else {
        a
    }
}

/// `a.min(b)` as wasm computes it (see [`larger`]): of two equal values the second, as `fmin`
/// gives it.
#[inline]
pub(crate) fn smaller(a: f64, b: f64) -> f64 {
    if b.is_nan() || a < b {
        a
    } else {
        b
    }
}

/// `a.round()` (half away from zero), from `trunc`, one wasm instruction, where `round` is a
/// call. Exact: `a - trunc(a)` is exact for every double, and `trunc(a) ± 1` below 2^52 (past it
/// every double is whole).
pub(crate) fn half_away_from_zero(a: f64) -> f64 {
    let whole = a.trunc();
    if (a - whole).abs() >= 0.5 {
        whole + 1f64.copysign(a)
    } else {
        whole
    }
}

/// The greatest common divisor (gcd(0, b) = b), by Stein's binary algorithm: shifts and
/// subtractions, no division (a 64-bit division, once per step of Euclid's, was most of a
/// student's cost in [`Scale::see_remembering`]).
fn gcd(a: u64, b: u64) -> u64 {
    if a == 0 || b == 0 {
        return a | b;
    }
    // A set's gcd is soon 1, and merging into it is then this one test, not a loop.
    if a == 1 || b == 1 {
        return 1;
    }
    let shift = (a | b).trailing_zeros();
    let (mut a, mut b) = (a >> a.trailing_zeros(), b);
    while b != 0 {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
    }
    a << shift
}

/// The smallest low and the largest high of the pairs (None for none).
pub fn widest(pairs: impl Iterator<Item = (f64, f64)>) -> Option<(f64, f64)> {
    pairs.reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
}

/// Per threshold (ascending), the first outcome at or above it and the last below it that the
/// metric can take on the `scale` (see [`Scale`]), as a reader knowing the scale may suppose:
/// whole gains move in points, a normalized gain over a maximum of m in fractions k/d for d up
/// to m, a growth index with an SD of 4 in quarters, a percent of typical growth of 4 in 25s
/// (half-point scores halve each step); over the norms of the students' own grades. None
/// without units, for a percent of typical growth prorated by weeks, and for a normalized gain
/// over more than 10 million steps, or over more than 1,000 with a threshold at or below 0 or
/// above 1 (up to 1,000 steps every denominator is tried; past it the Stern-Brocot tree finds
/// the two fractions around each threshold in a few dozen steps).
pub fn threshold_steps(
    metric: &GrowthMetric,
    scale: &Scale,
    thresholds: &[f64],
) -> Vec<Option<(f64, f64)>> {
    // Over whole numbers k, the first value of f(k) reaching t (a hair below it, see
    // [`crate::growth::reaches`]) and the last short of it, for f increasing with f(k) >= t when
    // k >= start (start rounded from the inverse).
    let around = |t: f64, start: f64, f: &dyn Fn(f64) -> f64| {
        // (A step or two from the rounded inverse; never more, should the floats be coarser.)
        let mut k = start.ceil();
        for _ in 0..2 {
            if f(k - 1.0) >= reach_point(t) {
                k -= 1.0;
            }
        }
        for _ in 0..2 {
            if f(k) < reach_point(t) {
                k += 1.0;
            }
        }
        (f(k), f(k - 1.0))
    };
    thresholds
        .iter()
        .map(|&t| {
            // A score of k steps is k g / u points.
            let (g, u) = scale.step()?;
            match metric {
                GrowthMetric::Gain | GrowthMetric::PostScore => {
                    Some(around(t, reach_point(t) * u / g, &|k| k * g / u))
                }
                GrowthMetric::NormalizedGain { max_score } => {
                    // In steps: denominators d = maximum - pre-test, numerators from -pre to d.
                    let m = normalized_steps(*max_score, scale)?;
                    if !(1.0..=1e7).contains(&m) {
                        return None;
                    }
                    // Past 1,000 steps, for a threshold from above 0 to 1 (every fraction there
                    // is some pre-test's and post-test's), by the Stern-Brocot tree.
                    if m > 1e3 {
                        let r = reach_point(t);
                        return (r > 0.0 && r <= 1.0).then(|| {
                            let (short, first) = fractions_around(r, m);
                            (first, short)
                        });
                    }
                    let mut first = f64::INFINITY;
                    let mut short = f64::NEG_INFINITY;
                    for d in 1..=m as u32 {
                        let d = f64::from(d);
                        let (at, below) = around(t, reach_point(t) * d, &|k| k / d);
                        let lowest = -(m - d) / d;
                        if at <= 1.0 && at >= lowest {
                            first = first.min(at);
                        }
                        if below >= lowest && below <= 1.0 {
                            short = short.max(below);
                        }
                    }
                    Some((first.min(1.0), short.max(-m)))
                }
                GrowthMetric::GrowthIndex { norms } => {
                    widest(norms.iter().filter(|n| scale.judges(n.grade)).map(|n| {
                        around(t, (reach_point(t) * n.sd + n.mean) * u / g, &|k| {
                            (k * g / u - n.mean) / n.sd
                        })
                    }))
                }
                // (A student's own typical growth, per_student, leaves no norm: no steps.)
                GrowthMetric::PercentOfTypical { norms, .. } => {
                    if norms.iter().any(|n| n.weeks.is_some()) {
                        return None;
                    }
                    widest(norms.iter().filter(|n| scale.judges(n.grade)).map(|n| {
                        let per = 100.0 / n.typical_growth;
                        around(t, reach_point(t) / per * u / g, &|k| k * g / u * per)
                    }))
                }
            }
        })
        .collect()
}

/// The least and most outcome a gain of 0 gives over the norms of the students' grades: a
/// student who did not decline has at least the least, one who declined less than the most
/// (None for a post-test score, which says nothing of the pre-test).
pub fn zero_gain(metric: &GrowthMetric, scale: &Scale) -> Option<(f64, f64)> {
    match metric {
        GrowthMetric::PostScore => None,
        GrowthMetric::Gain
        | GrowthMetric::NormalizedGain { .. }
        | GrowthMetric::PercentOfTypical { .. } => Some((0.0, 0.0)),
        GrowthMetric::GrowthIndex { norms } => widest(
            norms
                .iter()
                .filter(|n| scale.judges(n.grade))
                .map(|n| (-n.mean / n.sd, -n.mean / n.sd)),
        ),
    }
}

/// The largest outcome a decline (a post-test a step or more below the pre-test) can have on
/// the `scale`: a gain of -1 in whole points, a normalized gain over a maximum of m whole
/// points of -1/(m - 1) for scores of at least 0 (on a scale of 2, exactly -1), a growth
/// index's (-1 - mean)/sd. None without steps, for a post-test score and for a percent of
/// typical growth prorated by weeks.
pub fn decline_top(metric: &GrowthMetric, scale: &Scale) -> Option<f64> {
    let (g, u) = scale.step()?;
    let step = g / u;
    match metric {
        GrowthMetric::PostScore => None,
        GrowthMetric::Gain => Some(-step),
        GrowthMetric::NormalizedGain { max_score } => {
            // The largest decline is one step over the widest room above a pre-test of one step.
            let widest_room = max_score - step;
            (widest_room > 0.0).then(|| -step / widest_room)
        }
        GrowthMetric::GrowthIndex { norms } => norms
            .iter()
            .filter(|n| scale.judges(n.grade))
            .map(|n| (-step - n.mean) / n.sd)
            .reduce(f64::max),
        GrowthMetric::PercentOfTypical { norms, .. } => {
            if norms.iter().any(|n| n.weeks.is_some()) {
                return None;
            }
            norms
                .iter()
                .filter(|n| scale.judges(n.grade))
                .map(|n| -step / n.typical_growth * 100.0)
                .reduce(f64::max)
        }
    }
}

/// The least outcome the metric can have on the `scale` with scores of at least 0, where it has
/// one: a normalized gain over a maximum of m whole points is at least -(m - 1), from a pre-test
/// one point short of the maximum to a post-test of 0 (on a scale of 2, -1); from the highest
/// pre-test short of the maximum when the maximum is off the steps. None for the other
/// metrics, whose outcomes no maximum bounds, and without steps.
pub fn lowest_outcome(metric: &GrowthMetric, scale: &Scale) -> Option<f64> {
    let (g, u) = scale.step()?;
    match metric {
        GrowthMetric::NormalizedGain { max_score } => {
            // The highest pre-test short of the maximum, in steps, falling to 0.
            let top = ((max_score * u / g).ceil() - 1.0) * g / u;
            (top > 0.0).then(|| -top / (max_score - top))
        }
        _ => None,
    }
}

/// A normalized gain's maximum in steps: the scale's step, made finer to fit the maximum when
/// it does not (scores in tens under a maximum of 25 move in fives, as far as a reader may
/// say). None without units or for a maximum off the units.
fn normalized_steps(max_score: f64, scale: &Scale) -> Option<f64> {
    let (g, u) = scale.step()?;
    let max_units = max_score * u;
    if max_units.fract() != 0.0 || !(1.0..=9e15).contains(&max_units) {
        return None;
    }
    Some(max_units / gcd(g as u64, max_units as u64) as f64)
}

/// The largest fraction below `r` and the smallest at or above it among those with a
/// denominator up to `n`, for `r` above 0 and at most 1: the Stern-Brocot search, with each run
/// of steps to one side taken at once (as a continued fraction does), so that it ends within
/// about 2 log2(n) rounds. Over 0.6 and denominators up to 100: 58/97 and 3/5.
fn fractions_around(r: f64, n: f64) -> (f64, f64) {
    // a/b < r <= c/d, with no fraction between them of a denominator up to b + d - 1.
    let (mut a, mut b, mut c, mut d) = (0.0, 1.0, 1.0, 1.0);
    let below = |p: f64, q: f64| p < r * q;
    while b + d <= n {
        if below(a + c, b + d) {
            // The left end moves up by k steps: a + k c < r (b + k d), within n.
            let gap = c - r * d;
            let most = ((n - b) / d).floor();
            let mut k = if gap > 0.0 {
                (((r * b - a) / gap).ceil() - 1.0).clamp(1.0, most)
            } else {
                most
            };
            while k > 1.0 && !below(a + k * c, b + k * d) {
                k -= 1.0;
            }
            a += k * c;
            b += k * d;
        } else {
            // The right end moves down by k steps: c + k a >= r (d + k b), within n.
            let most = ((n - d) / b).floor();
            let mut k = ((c - r * d) / (r * b - a)).floor().clamp(1.0, most);
            while k > 1.0 && below(c + k * a, d + k * b) {
                k -= 1.0;
            }
            c += k * a;
            d += k * b;
        }
    }
    (a / b, c / d)
}

#[cfg(test)]
mod tests {
    use super::{
        decline_top, half_away_from_zero, larger, smaller, threshold_steps, times, zero_gain,
        Scale, ScoreUnits,
    };
    use crate::contract::{GrowthMetric, IndexNorm, TypicalNorm};

    #[test]
    fn larger_and_smaller_give_what_max_and_min_give() {
        let xs = [
            f64::NAN,
            f64::NEG_INFINITY,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            1.0,
            3.0,
            f64::INFINITY,
        ];
        // (Equal, or both NaN; zeros of either sign are checked by their bits below, where
        // std's max and min may give either.)
        let same = |x: f64, y: f64| x == y || (x.is_nan() && y.is_nan());
        for a in xs {
            for b in xs {
                assert!(same(larger(a, b), a.max(b)), "larger({a}, {b})");
                assert!(same(smaller(a, b), a.min(b)), "smaller({a}, {b})");
            }
        }
        assert_eq!(larger(f64::NAN, 2.0), 2.0);
        assert_eq!(smaller(2.0, f64::NAN), 2.0);
        // Of 0 and -0, larger keeps the first and smaller the second, as the C library's
        // fmax and fmin do (what Rust's max and min call in wasm).
        for (a, b) in [(0.0f64, -0.0f64), (-0.0, 0.0)] {
            assert_eq!(larger(a, b).to_bits(), a.to_bits(), "larger({a}, {b})");
            assert_eq!(smaller(a, b).to_bits(), b.to_bits(), "smaller({a}, {b})");
        }
    }

    fn units(u: u32) -> Scale {
        Scale {
            units: Some(u),
            ..Scale::default()
        }
    }

    /// The scale of post-test scores alone.
    fn seen(scores: &[f64]) -> Scale {
        let mut scale = Scale::default();
        for &x in scores {
            scale.see(&GrowthMetric::PostScore, f64::NAN, x, None);
        }
        scale
    }

    fn no_units() -> Scale {
        Scale {
            units: None,
            ..Scale::default()
        }
    }

    #[test]
    fn whole_scores_put_each_threshold_between_two_steps() {
        let steps = |metric: &GrowthMetric, t: f64| threshold_steps(metric, &units(1), &[t])[0];
        // Gains in points: 30 is reached at 30, and 29 is the last short of it; 7.5 at 8.
        assert_eq!(steps(&GrowthMetric::Gain, 30.0), Some((30.0, 29.0)));
        assert_eq!(steps(&GrowthMetric::PostScore, 7.5), Some((8.0, 7.0)));
        // Normalized gains on a scale of 2 (pre-test 0 or 1): 0, 0.5 or 1, or -1 from 1 to 0.
        let two = GrowthMetric::NormalizedGain { max_score: 2.0 };
        assert_eq!(steps(&two, 0.8), Some((1.0, 0.5)));
        assert_eq!(steps(&two, 0.5), Some((0.5, 0.0)));
        // On a scale of 100: 0.6 is 3/5; the last short of it 58/97 (by enumeration in Python:
        // max over d <= 100 of (ceil(0.6 d) - 1) / d).
        let hundred = GrowthMetric::NormalizedGain { max_score: 100.0 };
        assert_eq!(steps(&hundred, 0.6), Some((0.6, 58.0 / 97.0)));
        // A growth index with mean 10 and SD 4 moves in quarters: gain 14 reaches 1, 13 is 0.75.
        let index = GrowthMetric::GrowthIndex {
            norms: vec![IndexNorm {
                grade: 3,
                mean: 10.0,
                sd: 4.0,
            }],
        };
        assert_eq!(steps(&index, 1.0), Some((1.0, 0.75)));
        assert_eq!(steps(&index, 2.0), Some((2.0, 1.75)));
        // Percent of a typical growth of 4: steps of 25.
        let typical = |weeks| GrowthMetric::PercentOfTypical {
            norms: vec![TypicalNorm {
                grade: 3,
                typical_growth: 4.0,
                weeks,
            }],
            per_student: false,
        };
        assert_eq!(steps(&typical(None), 100.0), Some((100.0, 75.0)));
        // No steps: scores on no grid, a norm prorated by weeks, each student's own typical
        // growth.
        assert_eq!(steps(&typical(Some(30.0)), 100.0), None);
        let own = GrowthMetric::PercentOfTypical {
            norms: Vec::new(),
            per_student: true,
        };
        assert_eq!(steps(&own, 100.0), None);
        assert_eq!(
            threshold_steps(&GrowthMetric::Gain, &no_units(), &[30.0]),
            vec![None]
        );
        // Half points: a tier from 15 ends at 14.5 below it; normalized gains over a maximum of
        // 1 in halves are those over a maximum of 2 in points.
        let halves = |metric: &GrowthMetric, t: f64| threshold_steps(metric, &units(2), &[t])[0];
        assert_eq!(halves(&GrowthMetric::Gain, 15.0), Some((15.0, 14.5)));
        let one = GrowthMetric::NormalizedGain { max_score: 1.0 };
        assert_eq!(halves(&one, 0.8), Some((1.0, 0.5)));
        assert_eq!(halves(&index, 1.0), Some((1.0, 0.875)));
    }

    #[test]
    fn a_merge_into_a_set_at_step_one_keeps_every_grade() {
        // Whole scores 201 and 302 (gcd 1), grade 3; then a student of grade 5 on whole
        // scores: the set stays at step 1 on whole points, and holds grades 3 and 5 (bits 3
        // and 5). A student on half points makes the set's units halves.
        let student = |pre: f64, post: f64, grade: u8| {
            let mut s = Scale::default();
            s.see(&GrowthMetric::Gain, pre, post, Some(grade));
            s
        };
        let mut set = student(201.0, 302.0, 3);
        assert_eq!((set.units, set.gcd, set.coarse), (Some(1), 1, 1));
        set.merge(&student(200.0, 220.0, 5));
        assert_eq!(
            (set.units, set.gcd, set.grades),
            (Some(1), 1, 1 << 3 | 1 << 5)
        );
        set.merge(&student(200.5, 220.0, 5));
        assert_eq!(
            (set.units, set.gcd, set.grades),
            (Some(2), 1, 1 << 3 | 1 << 5)
        );
    }

    #[test]
    fn a_large_score_half_way_between_units_rounds_away_from_zero() {
        // 500,000,000.5 is within a billionth of its size of a whole number, so on whole
        // points; it rounds to 500,000,001, and gcd(500000001, 2) is 1 (ties to even would
        // give 500,000,000 and a gcd of 2).
        let mut s = Scale::default();
        s.see(&GrowthMetric::Gain, 2.0, 500_000_000.5, None);
        assert_eq!((s.units, s.gcd), (Some(1), 1));
    }

    #[test]
    fn the_stern_brocot_search_finds_the_fractions_enumeration_finds() {
        // Every denominator up to n, by enumeration: the largest k/d below r, the smallest at
        // or above.
        let enumerate = |r: f64, n: u32| {
            let (mut short, mut first) = (f64::NEG_INFINITY, f64::INFINITY);
            for d in 1..=n {
                let d = f64::from(d);
                let k = (r * d).ceil();
                for k in [k - 1.0, k, k + 1.0] {
                    let x = k / d;
                    if k < r * d {
                        short = short.max(x);
                    } else if x <= 1.0 {
                        first = first.min(x);
                    }
                }
            }
            (short, first)
        };
        for n in [1, 2, 3, 7, 97, 100, 250, 999, 5000] {
            for r in [
                1e-4,
                0.01,
                0.3,
                1.0 / 3.0,
                0.5,
                0.6,
                0.618,
                0.8,
                0.9999,
                1.0,
            ] {
                assert_eq!(
                    super::fractions_around(r, f64::from(n)),
                    enumerate(r, n),
                    "r {r}, n {n}"
                );
            }
        }
    }

    #[test]
    fn score_units_are_the_finest_step_every_score_fits() {
        let units = |scores: &[f64]| seen(scores).units;
        assert_eq!(units(&[100.0, 129.0, f64::NAN]), Some(1));
        assert_eq!(units(&[100.0, 129.5, 114.5]), Some(2));
        // Halves and fifths together: tenths.
        assert_eq!(units(&[1.5, 2.2, 3.0]), Some(10));
        assert_eq!(units(&[12.3, 0.25]), Some(20));
        assert_eq!(units(&[0.001]), Some(1000));
        assert_eq!(units(&[std::f64::consts::PI]), None);
        // Thirds and sevenths need 21 units, then a 1/997 step passes 1,000.
        assert_eq!(units(&[1.0 / 3.0, 2.0 / 7.0]), Some(21));
        assert_eq!(units(&[1.0 / 3.0, 2.0 / 7.0, 1.0 / 997.0]), None);
    }

    #[test]
    fn a_decline_is_at_most_one_step_down() {
        let gain = |metric: &GrowthMetric, u: u32| decline_top(metric, &units(u));
        assert_eq!(gain(&GrowthMetric::Gain, 1), Some(-1.0));
        assert_eq!(gain(&GrowthMetric::Gain, 2), Some(-0.5));
        assert_eq!(gain(&GrowthMetric::PostScore, 1), None);
        // Normalized gains on a scale of 2: from 1 to 0 is -1/1, and no decline is nearer 0. On a
        // scale of 100, from 1 to 0 is -1/99.
        let two = GrowthMetric::NormalizedGain { max_score: 2.0 };
        assert_eq!(gain(&two, 1), Some(-1.0));
        let hundred = GrowthMetric::NormalizedGain { max_score: 100.0 };
        assert_eq!(gain(&hundred, 1), Some(-1.0 / 99.0));
        // A growth index with mean 10 and SD 4: a gain of -1 is (-1 - 10) / 4.
        let index = GrowthMetric::GrowthIndex {
            norms: vec![IndexNorm {
                grade: 3,
                mean: 10.0,
                sd: 4.0,
            }],
        };
        assert_eq!(gain(&index, 1), Some(-2.75));
        // Percent of a typical growth of 4: a gain of -1 is -25%.
        let typical = GrowthMetric::PercentOfTypical {
            norms: vec![TypicalNorm {
                grade: 3,
                typical_growth: 4.0,
                weeks: None,
            }],
            per_student: false,
        };
        assert_eq!(gain(&typical, 1), Some(-25.0));
        // Each student's own typical growth: no decline's top is known.
        let own = GrowthMetric::PercentOfTypical {
            norms: Vec::new(),
            per_student: true,
        };
        assert_eq!(gain(&own, 1), None);
        assert_eq!(decline_top(&GrowthMetric::Gain, &no_units()), None);
    }

    #[test]
    fn a_normalized_gain_is_at_least_a_fall_from_one_step_short_of_the_maximum() {
        // Scale of 2 in points: from 1 to 0 is -1; in halves, from 1.5 to 0 is -1.5 / 0.5 = -3.
        let two = GrowthMetric::NormalizedGain { max_score: 2.0 };
        assert_eq!(super::lowest_outcome(&two, &units(1)), Some(-1.0));
        assert_eq!(super::lowest_outcome(&two, &units(2)), Some(-3.0));
        let hundred = GrowthMetric::NormalizedGain { max_score: 100.0 };
        assert_eq!(super::lowest_outcome(&hundred, &units(1)), Some(-99.0));
        assert_eq!(super::lowest_outcome(&GrowthMetric::Gain, &units(1)), None);
        assert_eq!(super::lowest_outcome(&two, &no_units()), None);
    }

    #[test]
    fn only_the_norms_of_the_students_grades_set_the_steps() {
        // Grade 3 has SD 1 (whole steps), grade 4 SD 4 (quarters).
        let norms = GrowthMetric::GrowthIndex {
            norms: vec![
                IndexNorm {
                    grade: 3,
                    mean: 0.0,
                    sd: 1.0,
                },
                IndexNorm {
                    grade: 4,
                    mean: 2.0,
                    sd: 4.0,
                },
            ],
        };
        let mut third = Scale::default();
        third.see(&norms, 10.0, 12.0, Some(3));
        assert_eq!(
            threshold_steps(&norms, &third, &[1.0]),
            vec![Some((1.0, 0.0))]
        );
        assert_eq!(zero_gain(&norms, &third), Some((0.0, 0.0)));
        let mut both = third;
        let mut fourth = Scale::default();
        fourth.see(&norms, 10.0, 11.0, Some(4));
        both.merge(&fourth);
        // Grade 4's gain of 6 reaches 1 exactly, 5 gives 0.75; grade 3 ends at 0. The widest:
        // first at 1, last short of it at 0.75.
        assert_eq!(
            threshold_steps(&norms, &both, &[1.0]),
            vec![Some((1.0, 0.75))]
        );
        assert_eq!(zero_gain(&norms, &both), Some((-0.5, 0.0)));
        // Halves in grade 4 make the whole set halves.
        let mut halves = Scale::default();
        halves.see(&norms, 10.5, 11.0, Some(4));
        both.merge(&halves);
        assert_eq!(both.units, Some(2));
    }

    #[test]
    fn a_scale_reported_in_tens_moves_in_tens() {
        let tens = seen(&[500.0, 510.0, 620.0, 0.0]);
        assert_eq!((tens.units, tens.gcd), (Some(1), 10));
        // One student's 537 says nothing of the roster's step; read within the roster it moves
        // in tens: 55 is first reached at 60, and 50 is the last short of it.
        let one = seen(&[537.0]);
        let read = one.read_within(&tens);
        assert_eq!(
            threshold_steps(&GrowthMetric::Gain, &read, &[55.0]),
            vec![Some((60.0, 50.0))]
        );
        assert_eq!(decline_top(&GrowthMetric::Gain, &read), Some(-10.0));
        // Read alone (no roster step), as before: whole points.
        assert_eq!(
            threshold_steps(&GrowthMetric::Gain, &one, &[55.0]),
            vec![Some((55.0, 54.0))]
        );
        // Halves across the roster, whole scores in a cell: the cell moves in points, as before.
        let halves = seen(&[100.0, 100.5]);
        assert_eq!((halves.units, halves.gcd), (Some(2), 1));
        let whole = seen(&[100.0, 101.0]).read_within(&halves);
        assert_eq!(decline_top(&GrowthMetric::Gain, &whole), Some(-1.0));
        assert_eq!(
            decline_top(&GrowthMetric::Gain, &halves.read_within(&halves)),
            Some(-0.5)
        );
        // Steps of 2.5 (5 halves): a cell of whole scores moves in the least common multiple, 5;
        // a cell with halves in 2.5.
        let fives = seen(&[2.5, 5.0, 12.5]);
        assert_eq!((fives.units, fives.gcd), (Some(2), 5));
        let cell = seen(&[5.0, 10.0]).read_within(&fives);
        assert_eq!(decline_top(&GrowthMetric::Gain, &cell), Some(-5.0));
        let cell = seen(&[7.5]).read_within(&fives);
        assert_eq!(decline_top(&GrowthMetric::Gain, &cell), Some(-2.5));
        // Merged sets: tens and fives together move in fives.
        let mut both = tens;
        both.merge(&seen(&[15.0]));
        assert_eq!((both.units, both.gcd), (Some(1), 5));
        both.merge(&seen(&[0.5]));
        assert_eq!((both.units, both.gcd), (Some(2), 1));
        // Every score 0 says nothing: the cell's own units stay.
        let zero = seen(&[0.0, 0.0]);
        assert_eq!(one.read_within(&zero), one);
    }

    #[test]
    fn a_normalized_gain_in_tens_moves_in_fractions_of_the_maximum_in_tens() {
        let tens = seen(&[0.0, 30.0, 100.0]);
        let read = tens.read_within(&tens);
        // A maximum of 100 in tens is 10 steps: 0.6 is 3/5, and the last short of it 4/7 (by
        // enumeration in Python: max over d <= 10 of (ceil(0.6 d) - 1) / d).
        let hundred = GrowthMetric::NormalizedGain { max_score: 100.0 };
        assert_eq!(
            threshold_steps(&hundred, &read, &[0.6]),
            vec![Some((0.6, 4.0 / 7.0))]
        );
        // From 90 to 0 is -9; the largest decline, 10 to 0, is -10 / 90.
        assert_eq!(super::lowest_outcome(&hundred, &read), Some(-9.0));
        assert_eq!(decline_top(&hundred, &read), Some(-10.0 / 90.0));
        // A maximum of 25 off the tens: fractions over fives (5 steps; 0.4 is 10/25 from a
        // pre-test of 0), and the highest pre-test short of it is 20: -20 / 5.
        let quarter = GrowthMetric::NormalizedGain { max_score: 25.0 };
        assert_eq!(
            threshold_steps(&quarter, &read, &[0.5]),
            vec![Some((0.5, 0.4))]
        );
        assert_eq!(super::lowest_outcome(&quarter, &read), Some(-4.0));
        // Whole points under a maximum of 2.5: from 2 to 0 is -2 / 0.5.
        let off = GrowthMetric::NormalizedGain { max_score: 2.5 };
        assert_eq!(super::lowest_outcome(&off, &units(1)), Some(-4.0));
    }

    proptest::proptest! {
        /// Students seen with the units of their scores remembered, across students and
        /// with slots shared by many scores, have the scales they have seen afresh: whole
        /// scores, tenths, thirds, a step past a thousandth, huge and negative ones, repeated.
        #[test]
        fn remembered_units_are_the_units_found(
            students in proptest::collection::vec((0usize..12, 0usize..12, proptest::option::of(0u8..13)), 1..300),
        ) {
            let scores = [200.0, 196.9, 187.25, 1.0 / 3.0, 0.0005, 1e11 + 0.5, -4.2, 0.1 + 0.2, 590.7, 12.125, 7.0, 1e-300];
            let metric = GrowthMetric::Gain;
            let mut memo = ScoreUnits::new();
            for (pre, post, grade) in students {
                let (mut fresh, mut remembered) = (Scale::default(), Scale::default());
                fresh.see(&metric, scores[pre], scores[post], grade);
                remembered.see_remembering(&mut memo, &metric, scores[pre], scores[post], grade);
                proptest::prop_assert_eq!(remembered, fresh);
            }
        }
    }

    proptest::proptest! {
        /// The binary gcd is Euclid's, on numbers of every size and on 0.
        #[test]
        fn the_binary_gcd_is_euclids(a in 0u64.., b in 0u64.., small in 0u64..1000, shift in 0u32..60) {
            fn euclid(a: u64, b: u64) -> u64 {
                if b == 0 { a } else { euclid(b, a % b) }
            }
            for (x, y) in [(a, b), (small, b), (a << shift, small << shift), (a, 0), (0, small), (small, small * 7)] {
                proptest::prop_assert_eq!(super::gcd(x, y), euclid(x, y), "{} {}", x, y);
            }
        }
    }

    /// The shortcuts give what the library's `round` and `saturating_mul` give: at the halves,
    /// just below them, at 2^52 and 2^53 where every double is whole, and at the limits.
    #[test]
    fn rounding_and_scaling_match_the_library() {
        let mut values = vec![
            0.0,
            0.5,
            1.5,
            2.5,
            0.49999999999999994,
            1.4999999999999998,
            4503599627370495.5,
            4503599627370496.0,
            9007199254740992.0,
            9007199254740994.0,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
        ];
        // Scores of tenths, hundredths and thousandths times their units, as `see_score` takes them.
        for i in 0..20_000u32 {
            let x = f64::from(i) * 0.001;
            values.extend([x * 10.0, x * 100.0, x * 1000.0, x * 7.0 + 0.5]);
        }
        for a in values.iter().flat_map(|&a| [a, -a]) {
            assert_eq!(half_away_from_zero(a).to_bits(), a.round().to_bits(), "{a}");
        }
        for a in [
            0,
            1,
            7,
            u64::from(u32::MAX),
            u64::from(u32::MAX) + 1,
            1 << 54,
            u64::MAX,
        ] {
            for b in [0, 1, 2, 10, 1000, u32::MAX] {
                assert_eq!(times(a, b), a.saturating_mul(u64::from(b)), "{a} x {b}");
            }
        }
    }
}
