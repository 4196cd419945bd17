//! The fit against scikit-learn's `IsotonicRegression` (run apart from the code on the same
//! students), the reading of the dosage on rosters whose answer is known, and the bootstrap's
//! reproducibility.

use super::*;

fn doses(groups: &[(f64, u64, u64)]) -> Doses {
    let mut d = Doses::default();
    for &(dose, n, met) in groups {
        for i in 0..n {
            d.see(dose, i < met);
        }
    }
    d
}

/// scikit-learn 1.x, `IsotonicRegression(increasing=True).fit(x, y)` on one row per student,
/// predicted at each dose: 0.25, 0.375, 0.375, 0.625, 0.625, 0.777778, 0.777778, 0.8, 0.8.
#[test]
fn the_fit_is_scikit_learns() {
    let groups = [
        (10.0, 4, 1),
        (15.0, 3, 2),
        (20.0, 5, 1),
        (25.0, 2, 2),
        (30.0, 6, 3),
        (35.0, 4, 4),
        (40.0, 5, 3),
        (50.0, 3, 3),
        (70.0, 2, 1),
    ];
    let curve = fit(&doses(&groups).0);
    let at = |dose: u32| {
        curve
            .iter()
            .find(|s| s.from <= dose && dose <= s.to)
            .unwrap()
            .share
    };
    let expected = [
        0.25,
        0.375,
        0.375,
        0.625,
        0.625,
        0.7777777777777778,
        0.7777777777777778,
        0.8,
        0.8,
    ];
    for ((dose, _, _), want) in groups.iter().zip(expected) {
        assert!(
            (at(*dose as u32) - want).abs() < 1e-12,
            "{dose}: {} against {want}",
            at(*dose as u32)
        );
    }
    assert_eq!(
        curve
            .iter()
            .map(|s| (s.from, s.to, s.n))
            .collect::<Vec<_>>(),
        [
            (10, 10, 4),
            (15, 20, 8),
            (25, 30, 8),
            (35, 40, 9),
            (50, 70, 5)
        ]
    );
    // 0.8 is first reached by the step from 50 minutes a week; 0.5 by the one from 25.
    assert_eq!(required(&curve, 0.8), Some(50));
    assert_eq!(required(&curve, 0.5), Some(25));
    assert_eq!(required(&curve, 0.81), None);
}

/// Below 30 minutes a week no student meets the target, from 30 to 44 half do, from 45 all do:
/// 80% is reached at 45, and every resample agrees (a resample would need 16 of the 20 students
/// at 35 minutes, who meet it half the time, to move it).
#[test]
fn a_roster_built_to_need_45_minutes_needs_45() {
    let d = doses(&[
        (20.0, 20, 0),
        (35.0, 20, 10),
        (45.0, 40, 40),
        (60.0, 20, 20),
    ]);
    let r = dosage_required(&d, 0.8, 1000, 7).unwrap();
    assert_eq!(r.n, 100);
    assert_eq!(r.minutes_per_week, Some(45));
    assert_eq!((r.ci_lower, r.ci_upper), (Some(45), Some(45)));
    assert_eq!(
        r.curve
            .iter()
            .map(|s| (s.from, s.to, s.share))
            .collect::<Vec<_>>(),
        [(20, 20, 0.0), (35, 35, 0.5), (45, 45, 1.0), (60, 60, 1.0)]
    );
    // At 50%, the steps from 35 minutes reach it.
    assert_eq!(
        dosage_required(&d, 0.5, 0, 7).unwrap().minutes_per_week,
        Some(35)
    );
}

#[test]
fn a_share_no_dose_reaches_is_not_reached() {
    let d = doses(&[(20.0, 10, 2), (40.0, 10, 7), (60.0, 10, 6)]);
    let r = dosage_required(&d, 0.8, 200, 1).unwrap();
    assert_eq!(
        (r.minutes_per_week, r.ci_lower, r.ci_upper),
        (None, None, None)
    );
    // 40 and 60 pool to 13 of 20.
    assert_eq!(
        r.curve.last().map(|s| (s.from, s.to, s.share)),
        Some((40, 60, 0.65))
    );
    assert_eq!(dosage_required(&Doses::default(), 0.8, 10, 1), None);
}

/// A noisy dose-response: the estimate is 40, and the interval is the same for the same seed.
#[test]
fn the_bootstrap_is_reproducible_and_its_upper_bound_may_be_not_reached() {
    let d = doses(&[
        (15.0, 12, 3),
        (25.0, 12, 6),
        (30.0, 12, 8),
        (40.0, 12, 10),
        (50.0, 12, 10),
    ]);
    let a = dosage_required(&d, 0.8, 1000, 20261206).unwrap();
    let b = dosage_required(&d, 0.8, 1000, 20261206).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.minutes_per_week, Some(40));
    // 10 of 12 is 0.833: a resample falls under 0.8 at 40 and 50 often enough that the
    // 97.5th percentile is beyond every dose, and over it at 30 (8 of 12) sometimes.
    assert_eq!(a.ci_upper, None);
    assert!(a.ci_lower.is_some_and(|l| l <= 40), "{:?}", a.ci_lower);
}

#[test]
fn doses_are_whole_minutes_pooled_from_1000() {
    let mut d = Doses::default();
    d.see(29.5, true); // rounds to 30
    d.see(f64::NAN, false); // no weeks: no use
    d.see(5000.0, true);
    d.see(-1.0, false);
    assert_eq!((d.0[30].n, d.0[30].met), (1, 1));
    assert_eq!((d.0[0].n, d.0[0].met), (2, 0));
    assert_eq!((d.0[1000].n, d.0[1000].met), (1, 1));
    assert_eq!(d.n(), 4);
}
