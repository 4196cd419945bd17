//! The withholding steps' own rules (what each withholds, the order they are tried in), and what
//! the audit's model takes a reader to know from each published figure.

use super::*;

/// 100 enrolled in two grades of 60 and 40 and a third grade with no one, two tiers of 30 and 20
/// students (10 below both), judged at a minimum cell size of 10.
fn counts(enrolled: u64) -> Counts {
    let tally = |n| Tally {
        n,
        judged: n,
        with_metric: n,
        met: n / 2,
        ..Tally::default()
    };
    Counts {
        intervention: enrolled,
        enrolled,
        at_fidelity: 100,
        with_outcome: 100,
        judged: 100,
        met: 50,
        outcomes: ByTier {
            counts: vec![30, 20, 10],
            ..ByTier::default()
        },
        families: vec![Family {
            column: "grade".into(),
            dose: false,
            values: vec!["3".into(), "4".into(), "5".into()],
            tallies: vec![tally(60), tally(40), tally(0)],
            tiers: Some(vec![ByTier::default(); 3]),
            at_fidelity: vec![],
        }],
        ..Counts::default()
    }
}

/// A contract on `metric` with a tier at each of `thresholds` ($20 at the first, $30 more at
/// each next), the default cell size of 10 and a decline penalty of `penalty` cents.
fn contract(metric: serde_json::Value, thresholds: &[f64], penalty: i64) -> Contract {
    let card: Vec<serde_json::Value> = (thresholds.iter().enumerate())
        .map(|(k, &at)| serde_json::json!({ "label": format!("Tier {k}"), "atLeast": at, "centsPerStudent": 2000 + 3000 * k }))
        .collect();
    Contract::from_json(&serde_json::json!({ "metric": metric, "paymentCard": card,
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 10 }, "declinePenaltyCents": penalty }))
    .unwrap()
}

/// A payment of `outcome_cents` for the outcomes alone (no base, penalty, floor or cap), the
/// most being twice it; `met` whether the district met its obligation.
fn payment(outcome_cents: i64, met: Option<bool>) -> Payment {
    Payment {
        base_cents: 0,
        outcome_cents,
        penalty_cents: 0,
        total_cents: outcome_cents,
        maximum_cents: 2 * outcome_cents,
        contingent_share: 1.0,
        cap_applied: false,
        floor_applied: false,
        district_obligation_met: met,
    }
}

/// A normalized gain's metric, scores out of 100.
fn out_of_100() -> serde_json::Value {
    serde_json::json!({ "kind": "normalizedGain", "maxScore": 100 })
}

/// Every plan item but the roundings.
const ITEMS: [Item; 14] = [
    Item::Cell(0, 0),
    Item::Cell(0, 1),
    Item::Size(0, 0),
    Item::Size(0, 1),
    Item::Tier(0),
    Item::Tier(1),
    Item::Spread,
    Item::Breakdown,
    Item::Effect,
    Item::Met,
    Item::Fidelity,
    Item::AtFidelity,
    Item::Obligation,
    Item::Total,
];

#[test]
fn each_step_withholds_its_item_once_and_nothing_else() {
    let counts = counts(100);
    let first = initial_plan(&counts, 10);
    assert!(first.outcome_figures && first.met && first.fidelity && first.at_fidelity);
    assert_eq!(first.cells, vec![vec![true, true, true]]);
    for item in ITEMS {
        let p = withheld(&first, item, &counts).unwrap_or_else(|| panic!("{item:?}"));
        let mut expected = first.clone();
        match item {
            Item::Cell(f, i) => expected.cells[f][i] = false,
            Item::Size(f, i) => expected.sizes[f][i] = false,
            Item::Tier(k) => expected.tiers[k] = false,
            Item::Spread => expected.spread = false,
            Item::Breakdown => expected.breakdown = false,
            Item::Effect => expected.effect = false,
            Item::Met => expected.met = false,
            Item::Fidelity => expected.fidelity = false,
            Item::AtFidelity => expected.at_fidelity = false,
            Item::Obligation => expected.obligation = false,
            Item::Total => expected.total = None,
            _ => unreachable!(),
        }
        assert_eq!(p, expected, "{item:?}");
        // What is withheld already cannot be withheld again (the step would spend a round).
        assert_eq!(withheld(&p, item, &counts), None, "{item:?} twice");
    }
    // An empty cell or tier is published whatever happens: it hides no one.
    assert_eq!(withheld(&first, Item::Cell(0, 2), &counts), None);
    assert_eq!(withheld(&first, Item::Size(0, 2), &counts), None);
    let mut no_one_in_tier_1 = counts.clone();
    no_one_in_tier_1.outcomes.counts = vec![30, 0, 30];
    assert_eq!(withheld(&first, Item::Tier(1), &no_one_in_tier_1), None);
    // A withheld cell's size goes with it; the count at fidelity goes with the fidelity counts.
    let cell_gone = withheld(&first, Item::Cell(0, 0), &counts).unwrap();
    assert_eq!(withheld(&cell_gone, Item::Size(0, 0), &counts), None);
    let fidelity_gone = withheld(&first, Item::Fidelity, &counts).unwrap();
    assert_eq!(withheld(&fidelity_gone, Item::AtFidelity, &counts), None);
}

#[test]
fn the_total_is_rounded_ever_coarser_then_withheld() {
    let counts = counts(100);
    let first = initial_plan(&counts, 10);
    assert_eq!(first.total, Some(0));
    let to_1000 = withheld(&first, Item::Round(100_000), &counts).unwrap();
    assert_eq!(to_1000.total, Some(100_000));
    // Not back to a finer rounding, nor the same one again.
    assert_eq!(withheld(&to_1000, Item::Round(10_000), &counts), None);
    assert_eq!(withheld(&to_1000, Item::Round(100_000), &counts), None);
    assert_eq!(
        withheld(&to_1000, Item::Round(1_000_000), &counts).map(|p| p.total),
        Some(Some(1_000_000))
    );
    let gone = withheld(&to_1000, Item::Total, &counts).unwrap();
    assert_eq!(gone.total, None);
    assert_eq!(withheld(&gone, Item::Round(100_000_000), &counts), None);
}

#[test]
fn withholding_every_outcome_figure_leaves_none_and_happens_once() {
    let counts = counts(100);
    let first = initial_plan(&counts, 10);
    let none = withheld(&first, Item::Everything, &counts).unwrap();
    assert!(!none.outcome_figures);
    assert_eq!(none.cells, vec![vec![false; 3]]);
    assert_eq!(none.tiers, vec![false, false]);
    assert!(!(none.met || none.fidelity || none.at_fidelity || none.breakdown));
    assert!(!(none.effect || none.spread));
    // The payment total is not an outcome figure: it has its own steps.
    assert_eq!(none.total, Some(0));
    assert_eq!(withheld(&none, Item::Everything, &counts), None);
}

#[test]
fn the_steps_are_tried_from_what_costs_a_reader_least() {
    // The order `protect` relies on, for a roster of one student and of a thousand: a cell's
    // size before the cell, any cell before the report's own counts, the count at fidelity
    // before the count meeting the target, the effect, the fidelity counts and whether the
    // district met its obligation; every one of those (the mild steps) before any rounding of
    // the total, finer roundings before coarser, then the total, then every outcome figure.
    for enrolled in [0, 1, 1000] {
        let mut counts = counts(enrolled);
        let e = enrolled.max(1);
        counts.families[0].tallies[0].n = e;
        let cost = |item| cost(item, &counts);
        assert!(
            cost(Item::Size(0, 0)) < cost(Item::Cell(0, 0)),
            "{enrolled}"
        );
        assert!(cost(Item::Spread) < cost(Item::Breakdown), "{enrolled}");
        let order = [
            cost(Item::Cell(0, 0)),
            cost(Item::AtFidelity),
            cost(Item::Met),
            cost(Item::Effect),
            cost(Item::Fidelity),
            cost(Item::Obligation),
            cost_of_rounding(&counts),
            cost(Item::Round(10_000)),
            cost(Item::Round(100_000_000)),
            cost(Item::Total),
            cost(Item::Everything),
        ];
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "{enrolled}: {order:?}"
        );
        // A cell or tier costs the same whatever it holds (40 and 20 students here, e or 1
        // in the first cell): which one is withheld says nothing of its count.
        assert!(cost(Item::Breakdown) < cost(Item::Cell(0, 1)), "{enrolled}");
        assert_eq!(cost(Item::Cell(0, 1)), cost(Item::Cell(0, 0)), "{enrolled}");
        assert_eq!(cost(Item::Tier(1)), cost(Item::Cell(0, 0)), "{enrolled}");
        assert_eq!(cost(Item::Size(0, 1)), cost(Item::Size(0, 0)), "{enrolled}");
    }
}

#[test]
fn the_room_for_rounding_holds_a_float_sum_and_no_student() {
    // Sums added one value at a time, as the roster's are; their distance from the exact sum
    // (Python gives the same: 1.3328826753422618e-06 and 0.027858734130859375).
    let tenths: f64 = std::iter::repeat_n(0.1, 1_000_000).sum();
    let off = (tenths - 100_000.0).abs();
    assert!(off > 1e-6 && rounding_room(1e6, 0.1) >= off, "{off}");
    let large: f64 = std::iter::repeat_n(123_456.789, 100_000).sum();
    let off = (large - 12_345_678_900.0).abs();
    assert!(
        off > 0.02 && rounding_room(1e5, 123_456.789) >= off,
        "{off}"
    );
    // Yet far less than what one student moves a sum by: a gain of 1 among a million.
    assert!(rounding_room(1e6, 100.0) < 0.2);
    assert!(rounding_room(1.0, 1e300).is_finite());
    // A band's room: the largest end of its bands, infinite ends aside.
    let tenths_off = (tenths - 100_000.0).abs();
    let bands = [(f64::NEG_INFINITY, 0.05), (0.05, 0.1)];
    assert!(band_room(&bands, 1e6) >= tenths_off);
    assert!(band_room(&[(0.0, 50.0), (50.0, 100.0)], 1e6) < 0.2);
}

#[test]
fn a_cell_tells_a_reader_what_it_publishes_and_no_more() {
    let counts = counts(100);
    let plan = initial_plan(&counts, 10);
    let mut a = Audit::default();
    let mut cell = |n, judged, met, with_metric, shown| {
        let t = Tally {
            n,
            judged,
            met,
            with_metric,
            metric_sum: with_metric as f64 * 2.5,
            ..Tally::default()
        };
        let qs = cell_counts(&mut a, &t, shown, &plan, [10.0, 1000.0]);
        qs.map(|q| (a.get(q).known, a.get(q).lower, a.get(q).not_pinned))
    };
    let known = |qs: &[(Known, f64, bool); 8]| qs.map(|q| q.0);
    use Known::{Between, Exactly, Not};
    // [students, judged, met, not met, with an outcome, outside the share, judged without an
    // outcome, sum of outcomes]: a published cell gives its size, share (so met and not met
    // over those judged) and mean (so its count with an outcome and their sum).
    assert_eq!(
        known(&cell(40, 36, 20, 30, (true, true))),
        [Exactly, Exactly, Exactly, Exactly, Exactly, Not, Not, Exactly]
    );
    // Without its size, the rest.
    assert_eq!(
        known(&cell(40, 36, 20, 30, (true, false)))[..2],
        [Not, Exactly]
    );
    // A share coded "5% or less" of 210 judged puts those meeting the target at 0 to 10
    // (5% of 210 is 10.5), the others at 200 to 210; "95% or more", 200 to 210 and 0 to 10.
    let low = known(&cell(210, 210, 3, 210, (true, true)));
    assert_eq!(low[2..4], [Between(0.0, 10.0), Between(200.0, 210.0)]);
    let high = known(&cell(210, 210, 205, 210, (true, true)));
    assert_eq!(high[2..4], [Between(200.0, 210.0), Between(0.0, 10.0)]);
    // No one with an outcome: no mean, which says just that (its count with an outcome and
    // their sum are 0); an empty cell is published as 0 throughout.
    let none = known(&cell(12, 12, 0, 0, (true, true)));
    assert_eq!((none[4], none[7]), (Exactly, Exactly));
    let empty = known(&cell(0, 0, 0, 0, (true, true)));
    assert_eq!((empty[4], empty[7]), (Exactly, Exactly));
    // A withheld cell holds someone (an empty one would be published), and a reader may not
    // be sure that none or all of it met the target; one with no one judged has no share.
    let withheld = cell(40, 36, 20, 30, (false, false));
    assert_eq!(known(&withheld), [Not; 8]);
    assert_eq!(withheld[0].1, 1.0);
    assert_eq!((withheld[2].2, withheld[3].2), (true, true));
    let unjudged = cell(15, 0, 0, 0, (false, false));
    assert_eq!((unjudged[2].2, unjudged[3].2), (false, false));
}

#[test]
fn a_band_open_on_a_side_bounds_no_sum_from_that_side() {
    let qs = [Q(0), Q(1)];
    let bands = [(0.0, 10.0), (10.0, f64::INFINITY)];
    // The most the outcomes add up to is unbounded; the least is 0 x the first + 10 x the second.
    assert_eq!(band_sum(&bands, &qs, 1), None);
    assert_eq!(
        band_sum(&bands, &qs, 0),
        Some(vec![(Q(0), 0.0), (Q(1), 10.0)])
    );
    // A band no outcome fits (its bottom above its top) holds no one: open, it bounds nothing
    // away.
    let bands = [(0.0, 10.0), (f64::INFINITY, f64::NEG_INFINITY)];
    assert_eq!(band_sum(&bands, &qs, 1), Some(vec![(Q(0), 10.0)]));
}

#[test]
fn without_outcome_figures_a_reader_knows_only_why() {
    // "Fewer than 10 students have an outcome" puts them at 0 to 9; the other reason (the
    // figures would give a small count away) says at least 10.
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    for (with_outcome, said) in [
        (7, Known::Between(0.0, 9.0)),
        (10, Known::Between(10.0, 100.0)),
    ] {
        let mut counts = counts(100);
        counts.with_outcome = with_outcome;
        counts.judged = with_outcome;
        counts.met = with_outcome / 2;
        // One tier: half in it, the rest below it.
        counts.outcomes.counts = vec![with_outcome / 2, with_outcome - with_outcome / 2];
        let mut plan = initial_plan(&counts, 10);
        withhold_outcome_figures(&mut plan);
        let mut a = Audit::default();
        let top = top_counts(&mut a, &c, &counts, &plan);
        assert_eq!(a.get(top.q_o).known, said, "{with_outcome}");
    }
}

#[test]
fn a_reader_who_knows_how_many_declined_knows_as_many_below_every_tier() {
    // Gains, tiers at 5 and 10: a decline reaches no tier, so the 10 who declined (the penalty
    // tells a reader how many) are among those below every tier, whatever else is withheld.
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0, 10.0], 1000);
    let mut counts = counts(100);
    counts.declined = 10;
    counts.outcomes.declined = 10;
    let mut plan = initial_plan(&counts, 10);
    withhold_outcome_figures(&mut plan);
    let bands = Bands::of(&c, &counts);
    let mut a = Audit::default();
    let top = top_counts(&mut a, &c, &counts, &plan);
    a.get_mut(top.q_d).known = Known::Exactly;
    sum_bounds(&mut a, (&c, &counts, &bands), &top, None);
    let below = top.tiers[2];
    let (low, high) = a.interval_alone(below, &mut Cache::default());
    assert!((low - 10.0).abs() < 1e-6 && high > 10.0, "{low} {high}");
    // A first tier at 1e-9 is reached from exactly 0 (what a gain of 0 gives), where a decline
    // rounded up to 0 (a normalized gain's underflow gives -0) would reach it: the audit then
    // does not put the decliners below every tier.
    let c = contract(out_of_100(), &[1e-9, 0.5], 1000);
    assert_eq!(crate::growth::reach_point(1e-9), 0.0);
    let bands = Bands::of(&c, &counts);
    let mut a = Audit::default();
    let top = top_counts(&mut a, &c, &counts, &plan);
    a.get_mut(top.q_d).known = Known::Exactly;
    sum_bounds(&mut a, (&c, &counts, &bands), &top, None);
    let (low, _) = a.interval_alone(top.tiers[2], &mut Cache::default());
    assert!(low < 9.0, "{low}");
}

#[test]
fn what_the_decliners_fall_short_by_bounds_how_many_there_are() {
    // Whole gains, tiers at 5 and 10: 20 gain 9 (Some), none reach Most, 75 gain 4 and 5
    // declined to -1 (below every tier, whose top is 4). The mean 4.75 over 100 says the sum is
    // 475, at most 20 x 9 + 80 x 4 less 5 for each decliner (at most -1, not 4): so at most
    // (500 - 475) / 5 = 5 declined, though the count itself is withheld.
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0, 10.0], 0);
    let mut counts = counts(100);
    counts.families.clear();
    counts.met = 20;
    counts.declined = 5;
    counts.mean_metric = Some(4.75);
    counts.outcomes = ByTier {
        counts: vec![20, 0, 80],
        ranges: vec![Some((9.0, 9.0)), None, Some((-1.0, 4.0))],
        declined: 5,
        decline_high: Some(-1.0),
        ..ByTier::default()
    };
    let plan = initial_plan(&counts, 10);
    let bands = Bands::of(&c, &counts);
    let mut a = Audit::default();
    let top = top_counts(&mut a, &c, &counts, &plan);
    let q_sum = outcome_sum(&mut a, &counts, &plan);
    assert!(q_sum.is_some_and(|q| a.get(q).known == Known::Exactly));
    sum_bounds(&mut a, (&c, &counts, &bands), &top, q_sum);
    let (low, high) = a.interval_alone(top.q_d, &mut Cache::default());
    assert!(
        low.abs() < 1e-6 && (high - 5.0).abs() < 1e-6,
        "{low} {high}"
    );
    // Now 75 gain 0 rather than 4 (mean 1.75, sum 175), the 5 decliners known and the Some
    // tier (so the count meeting the target) withheld: at least 5 each in Some, 0 below unless
    // declined and -1 for a decliner, 5 S - 5 <= 175, so S <= 36 (and at least 1: a withheld
    // tier holds someone).
    counts.mean_metric = Some(1.75);
    counts.outcomes.ranges[2] = Some((-1.0, 0.0));
    let mut plan = plan;
    plan.tiers[0] = false;
    plan.met = false;
    let bands = Bands::of(&c, &counts);
    let mut a = Audit::default();
    let top = top_counts(&mut a, &c, &counts, &plan);
    a.get_mut(top.q_d).known = Known::Exactly;
    let q_sum = outcome_sum(&mut a, &counts, &plan);
    sum_bounds(&mut a, (&c, &counts, &bands), &top, q_sum);
    let (low, high) = a.interval_alone(top.tiers[0], &mut Cache::default());
    assert!(
        (low - 1.0).abs() < 1e-6 && (high - 36.0).abs() < 1e-6,
        "{low} {high}"
    );
}

#[test]
fn an_outcome_range_reaches_far_past_the_students_own_unless_the_metric_bounds_it() {
    let gain = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    let post = contract(serde_json::json!({ "kind": "postScore" }), &[5.0], 0);
    let whole = Scale::default();
    // Gains from -5 to 20: a thousand times their spread and one more (26,000) past each end.
    assert_eq!(
        outcome_range(&gain, &whole, Some((-5.0, 20.0)), false),
        (-26_005.0, 26_020.0)
    );
    // No one declined: every gain is at least 0 (the far end: 1,000 x (17 + 1) past 20).
    assert_eq!(
        outcome_range(&gain, &whole, Some((3.0, 20.0)), true),
        (0.0, 18_020.0)
    );
    // Post-test scores of 0 or more stay so; one below 0 says a scale that allows it.
    assert_eq!(
        outcome_range(&post, &whole, Some((2.0, 50.0)), false),
        (0.0, 49_050.0)
    );
    assert_eq!(
        outcome_range(&post, &whole, Some((-3.0, 50.0)), false),
        (-54_003.0, 54_050.0)
    );
    // The range always holds the lowest tier's threshold.
    assert_eq!(
        outcome_range(&gain, &whole, Some((10.0, 10.0)), true),
        (0.0, 1_010.0)
    );
    assert_eq!(outcome_range(&post, &whole, None, false), (0.0, 1_000.0));
}

#[test]
fn each_tier_band_runs_from_its_threshold_to_short_of_the_next() {
    // Whole gains, tiers at 5 and 10, the table's outcomes from -3 to 20 (a thousand spreads
    // and one, 24,000, past each end).
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0, 10.0], 0);
    let whole = Scale::default();
    let no_one = ByTier::new(2);
    assert_eq!(
        outcome_bands(&c, &no_one, &whole, Some((-3.0, 20.0)), false),
        [(5.0, 9.0), (10.0, 24_020.0), (-24_003.0, 4.0)]
    );
    // A band holds its own students' outcomes whatever the steps say, so that the truth stays
    // feasible (here 4.5 and 9.5, off the whole points).
    let mut some = ByTier::new(2);
    some.ranges = vec![Some((4.5, 9.5)), None, None];
    assert_eq!(
        outcome_bands(&c, &some, &whole, Some((-3.0, 20.0)), false)[0],
        (4.5, 9.5)
    );
}

#[test]
fn half_the_students_lie_on_each_side_of_the_median() {
    // Whole gains, tiers at 5 and 10; 100 with an outcome (published), the tiers withheld: 30
    // below 5, 50 from 5 to 9, 20 at 10 or more, median 7. Half lie at 7 or more, so in the
    // tiers from 5 (below-5 holds at most 50); half at 7 or less, so below 10 (Most holds at
    // most 50).
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0, 10.0], 0);
    let mut counts = counts(100);
    counts.families.clear();
    counts.met = 70;
    counts.median_metric = Some(7.0);
    counts.median_pair = Some((7.0, 7.0));
    counts.outcomes = ByTier {
        counts: vec![50, 20, 30],
        ranges: vec![Some((5.0, 9.0)), Some((10.0, 15.0)), Some((0.0, 4.0))],
        ..ByTier::default()
    };
    let mut plan = initial_plan(&counts, 10);
    plan.tiers = vec![false, false];
    plan.met = false;
    let mut a = Audit::default();
    let top = top_counts(&mut a, &c, &counts, &plan);
    let q_half = a.quantity("half", 50.0, 1e15);
    a.get_mut(q_half).known = Known::Not;
    median_bounds(&mut a, &c, &counts, &top.tiers, [q_half, top.q_o]);
    let mut cache = Cache::default();
    let [some, most, below] = [top.tiers[0], top.tiers[1], top.tiers[2]];
    assert_eq!(a.get(top.q_o).known, Known::Exactly);
    let (_, most_high) = a.interval_alone(most, &mut cache);
    let (_, below_high) = a.interval_alone(below, &mut cache);
    assert!((most_high - 50.0).abs() < 1e-6, "{most_high}");
    assert!((below_high - 50.0).abs() < 1e-6, "{below_high}");
    // Some may hold all but the one Most holds at least (a withheld tier holds someone).
    let (low, high) = a.interval_alone(some, &mut cache);
    assert!(
        (low - 1.0).abs() < 1e-6 && (high - 99.0).abs() < 1e-6,
        "{low} {high}"
    );
}

/// `n` enrolled, all at fidelity with an outcome, `met` meeting the target, no table: the growth
/// figures' mean and SD, the median from its two middle outcomes, and by tier (ascending, those
/// below every tier last) each one's count and the range of its students' outcomes.
fn with_growth(
    (n, met): (u64, u64),
    (mean, sd): (f64, f64),
    middle: (f64, f64),
    by_tier: &[(u64, Option<(f64, f64)>)],
) -> Counts {
    let mut counts = counts(n);
    counts.families.clear();
    (
        counts.at_fidelity,
        counts.with_outcome,
        counts.judged,
        counts.met,
    ) = (n, n, n, met);
    (counts.mean_metric, counts.sd_metric) = (Some(mean), Some(sd));
    counts.median_metric = Some((middle.0 + middle.1) / 2.0);
    counts.median_pair = Some(middle);
    counts.outcomes = ByTier {
        counts: by_tier.iter().map(|t| t.0).collect(),
        ranges: by_tier.iter().map(|t| t.1).collect(),
        ..ByTier::default()
    };
    counts
}

/// What the growth figures' median and SD tell a reader of each tier (and of those below every
/// tier), with the tiers published as `tiers` says and the count meeting the target or not.
fn what_the_spread_tells(
    c: &Contract,
    counts: &Counts,
    tiers: &[bool],
    met: bool,
) -> Vec<(f64, f64)> {
    let mut plan = initial_plan(counts, 10);
    (plan.tiers, plan.met) = (tiers.to_vec(), met);
    let bands = Bands::of(c, counts);
    let mut a = Audit::default();
    let top = top_counts(&mut a, c, counts, &plan);
    spread_bounds(&mut a, (c, counts, &bands), &plan, &top);
    let mut cache = Cache::default();
    top.tiers
        .iter()
        .map(|&q| a.interval_alone(q, &mut cache))
        .collect()
}

#[test]
fn a_spread_of_0_puts_everyone_at_the_mean() {
    // 20 with an outcome, every gain 7 (SD 0, median 7): the tiers withheld, a reader still
    // knows all 20 are in the tier from 5 to 9 and no one in the others.
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0, 10.0], 0);
    let by_tier = [(20, Some((7.0, 7.0))), (0, None), (0, None)];
    let counts = with_growth((20, 20), (7.0, 0.0), (7.0, 7.0), &by_tier);
    let told = what_the_spread_tells(&c, &counts, &[false, true], false);
    for (k, expected) in [(0, 20.0), (2, 0.0)] {
        let (low, high) = told[k];
        assert!(
            (low - expected).abs() < 1e-6 && (high - expected).abs() < 1e-6,
            "{k}: {low} {high}"
        );
    }
}

#[test]
fn a_spread_puts_students_in_the_far_tier() {
    // Normalized gains, tiers at 0.5 and 0.7: 95 at 0.5 and 5 at 1, mean 0.525, SD
    // sqrt(1.1875 / 99) = 0.10952. About 0.6 the tier from 0.5 to 0.7 reaches at most 0.01 of
    // squared distance a student, the one from 0.7 to 1 0.16: the 99 squared SDs need at least
    // 5 in the upper tier, though both tiers are withheld (the audit then withholds more).
    let c = contract(out_of_100(), &[0.5, 0.7], 0);
    let by_tier = [(95, Some((0.5, 0.5))), (5, Some((1.0, 1.0))), (0, None)];
    let sd = (1.1875f64 / 99.0).sqrt();
    let counts = with_growth((100, 100), (0.525, sd), (0.5, 0.5), &by_tier);
    let (low, high) = what_the_spread_tells(&c, &counts, &[false, false], true)[1];
    // With the 100 meeting the target published, the near side (each student at least its
    // band's nearer end from the point) caps it at 5 as well: the 5 are pinned.
    assert!(
        (low - 5.0).abs() < 1e-6 && (high - 5.0).abs() < 1e-6,
        "{low} {high}"
    );
}

#[test]
fn a_withheld_tier_above_the_mean_holds_at_most_cantellis_share() {
    // Whole gains, one tier at 10: 10 students at 10, 45 at 5 and 45 at 3 (mean 4.6, SD
    // 2.0449494325821806, median 5), the tier withheld. In SDs the tier starts at
    // t = 2.640652093377859 and the squared distances from the mean add up to n - 1 = 99, so
    // Cantelli's inequality caps it at n v / (v + t²) with v = 99/100: 12.432432432432433
    // (numpy), reached only from the point -v/t (about -1 in v makes it 12.43257); with the
    // room for rounding (1e-6 + 1e-9 x 100 x (1 + the point's square)), 12.432432554942292.
    let c = contract(serde_json::json!({ "kind": "gain" }), &[10.0], 0);
    let by_tier = [(10, Some((10.0, 10.0))), (90, Some((3.0, 5.0)))];
    let counts = with_growth(
        (100, 10),
        (4.6, 2.044_949_432_582_180_6),
        (5.0, 5.0),
        &by_tier,
    );
    let (_, high) = what_the_spread_tells(&c, &counts, &[false], false)[0];
    assert!((high - 12.432_432_554_942_292).abs() < 1e-11, "{high}");
}

#[test]
fn those_below_a_withheld_tier_under_the_mean_are_at_most_cantellis_share() {
    // The lower tail: whole gains, one tier at 0.5: 10 students who declined to -1, 45 at 5 and
    // 45 at 7 (mean 5.3, SD 2.3159525823376357, median 5), the tier and the met count withheld.
    // Those below the tier lie in a band from far below (they declined) to 0, the last whole
    // gain short of 0.5, s = 5.3 / SD below the mean; Cantelli caps them at n v / (v + s²) =
    // 15.898203592814369 (Python), reached only from the point v / s above the mean, the band's
    // upper end seen from the other side (without it, the best of the other points gives 16.0);
    // with the room for rounding, 15.898203743904956.
    let c = contract(serde_json::json!({ "kind": "gain" }), &[0.5], 0);
    let by_tier = [(90, Some((5.0, 7.0))), (10, Some((-1.0, -1.0)))];
    let mut counts = with_growth(
        (100, 90),
        (5.3, 2.315_952_582_337_635_7),
        (5.0, 5.0),
        &by_tier,
    );
    counts.declined = 10;
    let (from, to) = Bands::of(&c, &counts).card[1];
    assert!(from < -1000.0 && to == 0.0, "{from} {to}");
    let (_, high) = what_the_spread_tells(&c, &counts, &[false], false)[1];
    assert!((high - 15.898_203_743_904_956).abs() < 1e-11, "{high}");
}

#[test]
fn a_band_seen_from_its_middle_leaves_the_most_to_the_far_tier() {
    // Normalized gains, tiers at 0.5 and 0.7: 50 at 0.5, 45 at 0.69 and 5 at 1 (mean 0.6105,
    // SD 0.12923531899897825, median 0.595), both tiers withheld, all 100 meeting the target
    // published. Each student is at most its band's farther end from a point: from the middle
    // of the band from 0.5 to 65/93 (the largest gain short of 0.7 out of 100), the one whose
    // farther end is nearest, the squared distances need at least 4.493107142857132 in the
    // upper tier. That is the best over every point (scipy's bounded search); the thresholds,
    // the mean and Cantelli's points give 3.1 at most. The room for rounding, 1e-6 + 1e-9 x 100
    // x (1 + the middle's square), leaves 4.493107020734 (numpy).
    let c = contract(out_of_100(), &[0.5, 0.7], 0);
    let by_tier = [(95, Some((0.5, 0.69))), (5, Some((1.0, 1.0))), (0, None)];
    let (mean, sd) = (0.610_499_999_999_999_9, 0.129_235_318_998_978_25);
    let counts = with_growth((100, 100), (mean, sd), (0.5, 0.69), &by_tier);
    assert_eq!(Bands::of(&c, &counts).card[0], (0.5, 65.0 / 93.0));
    let (low, _) = what_the_spread_tells(&c, &counts, &[false, false], true)[1];
    assert!((low - 4.493_107_020_734).abs() < 1e-11, "{low}");
}

#[test]
fn the_room_for_rounding_loosens_a_sum_never_tightens_it() {
    // Normalized gains out of 100, tiers at 0 and 0.5, no one declined: 20,000 at 0.3 and
    // 80,000 at 1 (mean 0.86, sum 86,000), both tiers withheld. The tier from 0 tops out at
    // 49/99, the one from 0.5 at 1, so 49/99 x 100,000 + (1 - 49/99) x Upper >= 86,000: at
    // least 72,280 in the upper tier, less the room for rounding a sum of 100,000 means,
    // 1e-6 + 1e-9 x 100,000 x 1.86 = 1.87e-4, over 50/99: 72279.99962974.
    let c = contract(out_of_100(), &[0.0, 0.5], 0);
    let mut counts = counts(100_000);
    counts.families.clear();
    let everyone = 100_000;
    (counts.at_fidelity, counts.with_outcome, counts.judged) = (everyone, everyone, everyone);
    counts.met = everyone;
    counts.mean_metric = Some(0.86);
    counts.outcomes = ByTier {
        counts: vec![20_000, 80_000, 0],
        ranges: vec![Some((0.3, 0.3)), Some((1.0, 1.0)), None],
        ..ByTier::default()
    };
    let mut plan = initial_plan(&counts, 10);
    plan.tiers = vec![false, false];
    plan.met = false;
    let bands = Bands::of(&c, &counts);
    assert_eq!(bands.card[0].1, 49.0 / 99.0);
    let mut a = Audit::default();
    let top = top_counts(&mut a, &c, &counts, &plan);
    let q_sum = outcome_sum(&mut a, &counts, &plan);
    sum_bounds(&mut a, (&c, &counts, &bands), &top, q_sum);
    let (low, _) = a.interval_alone(top.tiers[1], &mut Cache::default());
    let room = (1e-6 + 1e-9 * 100_000.0 * 1.86) * 99.0 / 50.0;
    assert!((low - (72_280.0 - room)).abs() < 1e-6, "{low}");
}

#[test]
fn a_decliner_may_lie_below_what_a_gain_of_0_gives() {
    // A growth index (mean 10, SD 5: a gain of 0 gives -2), one tier at 0: 40 at 1, 50 at -2
    // and the 10 who declined (a gain of -1) at -2.2; mean -0.82, so the sum is -82. The tier and
    // the count meeting the target withheld, the decliners known: those below the tier are at
    // least -2, the decliners at least -2.2 (their own lowest), 0.2 less. So
    // -2 (100 - Tier) - 0.2 x 10 <= -82: at most 60 in the tier, with the room for rounding
    // (1e-6 + 1e-9 x 100 x 1.82) over 2.
    let c = contract(
        serde_json::json!({ "kind": "growthIndex", "norms": [{ "grade": 3, "mean": 10, "sd": 5 }] }),
        &[0.0],
        1000,
    );
    let mut counts = counts(100);
    counts.families.clear();
    counts.met = 40;
    counts.declined = 10;
    counts.mean_metric = Some(-0.82);
    let mut scale = Scale::default();
    for (pre, post) in [(50.0, 49.0), (50.0, 50.0), (50.0, 65.0)] {
        scale.see(&c.metric, pre, post, Some(3));
    }
    counts.scale = scale;
    counts.outcomes = ByTier {
        counts: vec![40, 60],
        ranges: vec![Some((1.0, 1.0)), Some((-2.2, -2.0))],
        declined: 10,
        decline_high: Some(-2.2),
        scale,
    };
    let mut plan = initial_plan(&counts, 10);
    plan.tiers = vec![false];
    plan.met = false;
    let bands = Bands::of(&c, &counts);
    let mut a = Audit::default();
    let top = top_counts(&mut a, &c, &counts, &plan);
    a.get_mut(top.q_d).known = Known::Exactly;
    let q_sum = outcome_sum(&mut a, &counts, &plan);
    sum_bounds(&mut a, (&c, &counts, &bands), &top, q_sum);
    let (_, high) = a.interval_alone(top.tiers[0], &mut Cache::default());
    let room = (1e-6 + 1e-9 * 100.0 * 1.82) / 2.0;
    assert!((high - (60.0 + room)).abs() < 1e-9, "{high}");
}

/// What a reader learns of tier Lower (the first of two at `thresholds`) from the median
/// alone: gains, 100 with an outcome (published), `lower` in Lower at `at` and the rest in the
/// tier above at 20, the tiers and the count meeting the target withheld.
fn lower_tier_by_median(
    thresholds: [f64; 2],
    declined: u64,
    median: f64,
    (lower, at): (u64, f64),
) -> (f64, f64) {
    let c = contract(serde_json::json!({ "kind": "gain" }), &thresholds, 0);
    let mut counts = counts(100);
    counts.families.clear();
    counts.met = 100;
    counts.declined = declined;
    counts.median_metric = Some(median);
    counts.median_pair = Some((median, median));
    counts.outcomes = ByTier {
        counts: vec![lower, 100 - lower, 0],
        ranges: vec![Some((at, at)), Some((median.max(at), 20.0)), None],
        declined,
        ..ByTier::default()
    };
    let mut plan = initial_plan(&counts, 10);
    plan.tiers = vec![false, false];
    plan.met = false;
    let mut a = Audit::default();
    let top = top_counts(&mut a, &c, &counts, &plan);
    let q_half = a.quantity("half", 50.0, 1e15);
    a.get_mut(q_half).known = Known::Not;
    median_bounds(&mut a, &c, &counts, &top.tiers, [q_half, top.q_o]);
    a.interval_alone(top.tiers[0], &mut Cache::default())
}

#[test]
fn with_no_one_declining_the_median_bounds_the_tier_it_lies_in() {
    // Tiers at -5 and 10, a median of 2: with no one declining no gain is below 0, so the half
    // at or below the median is in the tier from -5 (at least 50); should some decline, the
    // half may be below -5 instead (at least 1, a withheld tier's floor).
    let (low, _) = lower_tier_by_median([-5.0, 10.0], 0, 2.0, (80, 2.0));
    assert!((low - 50.0).abs() < 1e-6, "{low}");
    let (low, _) = lower_tier_by_median([-5.0, 10.0], 3, 2.0, (80, 2.0));
    assert!((low - 1.0).abs() < 1e-6, "{low}");
    // A tier at 1e-9 is reached from exactly 0, a gain of 0: no one below it, so the half at
    // or below a median of 0 is in it.
    let (low, _) = lower_tier_by_median([1e-9, 10.0], 0, 0.0, (80, 0.0));
    assert!((low - 50.0).abs() < 1e-6, "{low}");
}

#[test]
fn a_median_at_a_tiers_reach_point_puts_half_in_that_tier() {
    // Tiers at 5 and 10: 49 at 7, the 51 others from 10 - 1e-8 (which reaches 10, see
    // growth::reaches) to 20, so the median is exactly 10 - 1e-8. The half at or above it are
    // all in the tier from 10, none in Lower, which so holds at most the other half.
    let median = crate::growth::reach_point(10.0);
    assert_eq!(median, 10.0 - 1e-8);
    let (_, high) = lower_tier_by_median([5.0, 10.0], 0, median, (49, 7.0));
    assert!((high - 50.0).abs() < 1e-6, "{high}");
}

/// Schools (table 0) and their classes (table 1), each class a cell of one school: `schools[s]`
/// lists the sizes of school s's classes. Everyone has an outcome, half of each cell (rounded
/// down) a gain of 6 in the tier from 5, the others 0; every cell published but `withheld`
/// classes.
fn schools_and_classes(schools: &[&[u64]], withheld: &[usize]) -> (Counts, Plan) {
    let tally = |n: u64| Tally {
        n,
        judged: n,
        with_metric: n,
        met: n / 2,
        metric_sum: 6.0 * (n / 2) as f64,
        ..Tally::default()
    };
    let by_tier = |n: u64| ByTier {
        counts: vec![n / 2, n - n / 2],
        ranges: vec![
            (n >= 2).then_some((6.0, 6.0)),
            (n >= 1).then_some((0.0, 0.0)),
        ],
        ..ByTier::default()
    };
    let family = |column: &str, sizes: Vec<u64>| Family {
        column: column.into(),
        dose: false,
        values: (0..sizes.len()).map(|k| k.to_string()).collect(),
        tallies: sizes.iter().map(|&n| tally(n)).collect(),
        tiers: Some(sizes.iter().map(|&n| by_tier(n)).collect()),
        at_fidelity: vec![],
    };
    let mut nested = vec![];
    let mut class = 0;
    for (s, sizes) in schools.iter().enumerate() {
        for _ in sizes.iter() {
            nested.push((1, class, 0, s));
            class += 1;
        }
    }
    let enrolled: u64 = schools.iter().flat_map(|s| s.iter()).sum();
    let mut counts = counts(enrolled);
    (counts.at_fidelity, counts.with_outcome, counts.judged) = (enrolled, enrolled, enrolled);
    counts.met = schools.iter().flat_map(|s| s.iter()).map(|n| n / 2).sum();
    counts.outcomes = by_tier(0);
    counts.outcomes.counts = vec![counts.met, enrolled - counts.met];
    counts.outcomes.ranges = vec![Some((6.0, 6.0)), Some((0.0, 0.0))];
    counts.families = vec![
        family("school", schools.iter().map(|s| s.iter().sum()).collect()),
        family(
            "class",
            schools.iter().flat_map(|s| s.iter().copied()).collect(),
        ),
    ];
    counts.nested = nested;
    let mut plan = initial_plan(&counts, 10);
    for &k in withheld {
        plan.cells[1][k] = false;
    }
    (counts, plan)
}

/// What the audit takes a reader to know of class `class`'s size, with the nesting's bounds;
/// and whether each school's count of students is protected.
fn class_by_nesting(counts: &Counts, plan: &Plan, class: usize) -> ((f64, f64), Vec<bool>) {
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    let bands = Bands::of(&c, counts);
    let mut a = Audit::default();
    let top = top_counts(&mut a, &c, counts, plan);
    let q_sum = outcome_sum(&mut a, counts, plan);
    let cells = cell_quantities(&mut a, (&c, counts, &bands), plan, (&top, q_sum));
    nested_bounds(&mut a, (&c, counts, &bands), plan, &cells);
    let protected = cells.counts[0]
        .iter()
        .map(|qs| a.get(qs[0]).protected)
        .collect();
    (
        a.interval_alone(cells.counts[1][class][0], &mut Cache::default()),
        protected,
    )
}

#[test]
fn a_school_with_a_class_published_protects_the_few_beyond_it() {
    // A school of 26 with a published class of 25: the one beyond is a group of its own, small,
    // so the school's count is protected (26 - 25 gives him away). So for 9 beyond (34 and 25),
    // not for 10 (35, the cell size) nor for none (a school of one class).
    for (school, protected) in [(26, true), (34, true), (35, false), (25, false)] {
        let (counts, plan) = schools_and_classes(&[&[25], &[school]], &[]);
        // (The second school stands alone: its own count is never small.)
        let mut counts = counts;
        counts.nested = vec![(1, 0, 0, 1)];
        counts.families[1].tallies.truncate(1);
        counts.families[1].values.truncate(1);
        counts.families[1].tiers.as_mut().unwrap().truncate(1);
        let mut plan = plan;
        plan.cells[1].truncate(1);
        plan.sizes[1].truncate(1);
        let (_, marks) = class_by_nesting(&counts, &plan, 0);
        assert_eq!(marks[1], protected, "{school}");
        assert!(!marks[0]);
    }
    // A withheld class tells nothing of what lies beyond it.
    let (mut counts, mut plan) = schools_and_classes(&[&[25], &[26]], &[]);
    counts.nested = vec![(1, 0, 0, 1)];
    counts.families[1].tallies.truncate(1);
    counts.families[1].values.truncate(1);
    counts.families[1].tiers.as_mut().unwrap().truncate(1);
    plan.cells[1] = vec![false];
    plan.sizes[1].truncate(1);
    let (_, marks) = class_by_nesting(&counts, &plan, 0);
    assert!(!marks[1]);
}

#[test]
fn with_one_tier_a_class_in_a_school_splits_those_beyond_it_by_tier_unless_there_are_none() {
    // One tier (a gain of 5), half of each cell meeting it: a school of 34 with a published class
    // of 25 holds 17 - 12 = 5 beyond it meeting the target and 17 - 13 = 4 not, each protected;
    // a school of 45 holds 10 and 10; a school of 25, its class alone: no one beyond, no count.
    for (school, beyond) in [
        (34, vec![(5.0, true), (4.0, true)]),
        (45, vec![(10.0, false), (10.0, false)]),
        (25, vec![]),
    ] {
        let (mut counts, mut plan) = schools_and_classes(&[&[25], &[school]], &[]);
        counts.nested = vec![(1, 0, 0, 1)];
        counts.families[1].tallies.truncate(1);
        counts.families[1].values.truncate(1);
        counts.families[1].tiers.as_mut().unwrap().truncate(1);
        plan.cells[1].truncate(1);
        plan.sizes[1].truncate(1);
        let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
        let bands = Bands::of(&c, &counts);
        let mut a = Audit::default();
        let top = top_counts(&mut a, &c, &counts, &plan);
        let q_sum = outcome_sum(&mut a, &counts, &plan);
        let cells = cell_quantities(&mut a, (&c, &counts, &bands), &plan, (&top, q_sum));
        nested_bounds(&mut a, (&c, &counts, &bands), &plan, &cells);
        let got: Vec<(f64, bool)> = (a.quantities.iter())
            .filter(|x| x.name == "beyond a cell inside it, in a tier")
            .map(|x| (x.value, x.protected))
            .collect();
        assert_eq!(got, beyond, "{school}");
    }
}

#[test]
fn a_school_made_of_its_classes_gives_a_withheld_class_by_difference() {
    // Two schools of two classes, one class withheld in each (24 and 22): the class table's
    // total says the two add up to 46, the schools say each one. Likewise with three classes in
    // each school. (Classes of 20 or more: 10 of them meet the target, 10 do not.)
    for (schools, withheld) in [
        (&[&[20u64, 24][..], &[22, 26]][..], [1, 2]),
        (&[&[20, 24, 30][..], &[22, 26, 28]][..], [1, 3]),
    ] {
        let (counts, plan) = schools_and_classes(schools, &withheld);
        let (size, _) = class_by_nesting(&counts, &plan, withheld[0]);
        assert!(
            (size.0 - 24.0).abs() < 1e-6 && (size.1 - 24.0).abs() < 1e-6,
            "{schools:?}: {size:?}"
        );
    }
}

#[test]
fn those_without_an_outcome_are_a_count_of_their_own() {
    // 100 enrolled, 91 at fidelity all with an outcome, 6 below fidelity with one: 97 with an
    // outcome in all (the dose bands' judged add up to it), so 100 - 97 = 3 enrolled have none,
    // all below fidelity (9 - 6). Both are counts a reader works out: protected, being small.
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    let mut counts = counts(100);
    (counts.at_fidelity, counts.with_outcome, counts.judged) = (91, 91, 91);
    counts.met = 40;
    counts.outcomes.counts = vec![40, 51];
    // The dose table: 9 below fidelity (6 with an outcome), 91 at it.
    let band = |n, judged| Tally {
        n,
        judged,
        with_metric: judged,
        ..Tally::default()
    };
    counts.families = vec![Family {
        column: "minutes".into(),
        dose: true,
        values: vec!["0-29".into(), "30+".into()],
        tallies: vec![band(9, 6), band(91, 91)],
        tiers: None,
        at_fidelity: vec![],
    }];
    let plan = initial_plan(&counts, 10);
    let mut a = Audit::default();
    let top = top_counts(&mut a, &c, &counts, &plan);
    // What the dose table and the growth figures tell: 6 below fidelity with an outcome, 97 in
    // all.
    let q_ob = a.quantity("below fidelity with an outcome", 6.0, 100.0);
    a.get_mut(q_ob).known = Known::Exactly;
    assert_eq!(a.get(top.q_o_all).value, 97.0);
    a.get_mut(top.q_o_all).known = Known::Exactly;
    let before = a.quantities.len();
    without_outcome(&mut a, &counts, &top, q_ob, 10.0);
    let mut cache = Cache::default();
    let made: Vec<(&str, f64, f64, bool)> = (before..a.quantities.len())
        .map(|k| {
            let (low, high) = a.interval_alone(Q(k), &mut cache);
            (a.get(Q(k)).name, low, high, a.get(Q(k)).protected)
        })
        .collect();
    assert_eq!(
        made,
        [
            ("below fidelity without an outcome", 3.0, 3.0, true),
            ("enrolled without an outcome", 3.0, 3.0, true)
        ]
    );
}

#[test]
fn the_effects_count_is_published_only_with_the_effect() {
    // 100 with an outcome; the effect's 103 intervention students with a post-test are known
    // only while the effect is published (the 3 beyond the outcomes are then a small count).
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    let mut counts = counts(110);
    counts.analysed_intervention = Some(103);
    for (effect, known) in [(true, Known::Exactly), (false, Known::Not)] {
        let mut plan = initial_plan(&counts, 10);
        plan.effect = effect;
        let mut a = Audit::default();
        let top = top_counts(&mut a, &c, &counts, &plan);
        let q_ob = a.quantity("below fidelity with an outcome", 0.0, 110.0);
        let [q_p, _] = effect_counts(
            &mut a,
            &c,
            &counts,
            &plan,
            [top.q_e, top.q_i, top.q_o, q_ob],
        )
        .unwrap();
        assert_eq!(a.get(q_p).known, known, "{effect}");
    }
}

#[test]
fn any_payment_figure_or_the_obligation_tells_which_side_of_it_the_district_is() {
    // An obligation of 80% at fidelity, met (90 of 100): with the obligation, the breakdown or
    // the total published, a reader knows at least 80 of the 100 intervention students are at
    // fidelity (the count itself withheld); with none of them, only the 50 with an outcome.
    let mut c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    c.district_obligation = Some(crate::contract::DistrictObligation {
        min_share_at_fidelity: 0.8,
    });
    let mut counts = counts(100);
    (
        counts.at_fidelity,
        counts.with_outcome,
        counts.judged,
        counts.met,
    ) = (90, 50, 50, 25);
    counts.outcomes.counts = vec![25, 25];
    let payment = payment(170_000, Some(true));
    for (obligation, breakdown, total, least) in [
        (true, false, None, 80.0),
        (false, true, None, 80.0),
        (false, false, Some(0), 80.0),
        (false, false, None, 50.0),
    ] {
        let mut plan = initial_plan(&counts, 10);
        (
            plan.obligation,
            plan.breakdown,
            plan.total,
            plan.at_fidelity,
        ) = (obligation, breakdown, total, false);
        let mut a = Audit::default();
        let top = top_counts(&mut a, &c, &counts, &plan);
        for q in [top.q_a, top.q_b] {
            a.get_mut(q).known = Known::Not;
        }
        let qs = [top.q_e, top.q_i, top.q_a, top.q_b, top.q_d];
        payment_relations(&mut a, &c, &counts, &payment, &plan, &top.tiers, qs);
        let (low, _) = a.interval_alone(top.q_a, &mut Cache::default());
        assert!(
            (low - least).abs() < 1e-6,
            "{obligation} {breakdown} {total:?}: {low}"
        );
    }
}

#[test]
fn a_total_at_the_cap_or_the_floor_says_only_which_side_the_sum_is() {
    // One tier at $20 a student, 50 of 100 in it, so the outcomes earn $1,000. A total of
    // exactly $1,000 at a cap of $1,000 says only that they earned at least that (50 to 100 in
    // the tier); at a floor of $1,000, at most (1 to 50, a withheld tier holding someone).
    // Between the two, the total is the sum: 50 exactly.
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    let mut counts = counts(100);
    counts.families.clear();
    counts.met = 50;
    counts.outcomes.counts = vec![50, 50];
    let payment = payment(100_000, None);
    for (cap, floor, expected) in [
        (Some(100_000), None, (50.0, 100.0)),
        (None, Some(100_000), (1.0, 50.0)),
        (Some(100_001), Some(99_999), (50.0, 50.0)),
    ] {
        let mut c = c.clone();
        (c.cap_cents, c.floor_cents) = (cap, floor);
        let mut plan = initial_plan(&counts, 10);
        (plan.tiers, plan.met, plan.breakdown) = (vec![false], false, false);
        let mut a = Audit::default();
        let top = top_counts(&mut a, &c, &counts, &plan);
        let qs = [top.q_e, top.q_i, top.q_a, top.q_b, top.q_d];
        payment_relations(&mut a, &c, &counts, &payment, &plan, &top.tiers, qs);
        let (low, high) = a.interval_alone(top.tiers[0], &mut Cache::default());
        assert!(
            (low - expected.0).abs() < 1e-6 && (high - expected.1).abs() < 1e-6,
            "{cap:?} {floor:?}: {low} {high}"
        );
    }
}

#[test]
fn the_report_says_why_no_outcome_figure_is_published() {
    // Exactly 10 with an outcome (the cell size) and every figure withheld: not for being
    // fewer than 10, but for what the figures would give away; 9 are fewer.
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    let payment = payment(10_000, None);
    for (with_outcome, why) in [
        (10, "No outcome figure is published: none could"),
        (9, "Fewer than 10 students have an outcome"),
    ] {
        let mut counts = counts(10);
        counts.families.clear();
        (
            counts.at_fidelity,
            counts.with_outcome,
            counts.judged,
            counts.met,
        ) = (10, with_outcome, with_outcome, 5);
        counts.outcomes.counts = vec![5, with_outcome - 5];
        let mut plan = initial_plan(&counts, 10);
        withhold_outcome_figures(&mut plan);
        let growth = Growth {
            n: with_outcome,
            mean: None,
            median: None,
            sd: None,
        };
        let r = report(&c, &counts, &growth, None, &payment, (plan, &[]), vec![]);
        let said = r.disclosure.withheld.unwrap_or_default();
        assert!(said.starts_with(why), "{with_outcome}: {said}");
    }
}

#[test]
fn the_whole_number_rule_weighs_two_or_more_unknown_amounts() {
    // Tiers at $20 and $50 a student (the helper's), a penalty of $7 a decline. With the total
    // published, one unknown count times its amount is solved by the linear programs; two or
    // more leave whole-number combinations, and the rule's step is the largest amount.
    let counts = counts(100);
    for (penalty, tiers, met, expected) in [
        (0, vec![false, false], None, Some(5000)),
        (700, vec![false, true], None, Some(2000)),
        (700, vec![true, true], None, None),
        (0, vec![true, false], None, None),
        (0, vec![false, false], Some(true), Some(5000)),
        (0, vec![false, false], Some(false), None),
    ] {
        let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0, 10.0], penalty);
        let mut plan = initial_plan(&counts, 10);
        plan.tiers = tiers.clone();
        assert_eq!(
            payment_lattice(&c, &payment(0, met), &plan),
            expected,
            "{penalty} {tiers:?} {met:?}"
        );
    }
}

#[test]
fn dose_bands_inside_a_cell_are_no_partition_of_it() {
    // A school of 40 made of two "classes" that are dose bands of 20: the bands count the 20
    // below fidelity with an outcome, which the school's judged (20, at fidelity) leaves out, so
    // the bands' counts do not add up to the school's, and no relation says they do.
    let (mut counts, plan) = schools_and_classes(&[&[20, 20]], &[]);
    counts.families[1].dose = true;
    let school = &mut counts.families[0];
    (school.tallies[0].judged, school.tallies[0].with_metric) = (20, 20);
    (school.tallies[0].met, school.tallies[0].metric_sum) = (10, 60.0);
    school.tiers.as_mut().unwrap()[0].counts = vec![10, 10];
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    let bands = Bands::of(&c, &counts);
    let mut a = Audit::default();
    let top = top_counts(&mut a, &c, &counts, &plan);
    let cells = cell_quantities(&mut a, (&c, &counts, &bands), &plan, (&top, None));
    let before = a.relations.len();
    partitions(&mut a, &counts, &cells);
    assert_eq!(a.relations.len(), before);
}

#[test]
fn a_withheld_spread_leaves_the_median_and_sd_out_of_the_report() {
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    let payment = payment(100_000, None);
    let mut counts = counts(100);
    counts.families.clear();
    counts.outcomes.counts = vec![50, 50];
    let growth = Growth {
        n: 100,
        mean: Some(5.5),
        median: Some(5.0),
        sd: Some(2.5),
    };
    for spread in [true, false] {
        let mut plan = initial_plan(&counts, 10);
        plan.spread = spread;
        let r = report(&c, &counts, &growth, None, &payment, (plan, &[]), vec![]);
        let published = r.growth.unwrap();
        assert_eq!(published.mean, Some(5.5));
        assert_eq!(
            (published.median, published.sd),
            if spread {
                (Some(5.0), Some(2.5))
            } else {
                (None, None)
            }
        );
    }
}

#[test]
fn the_report_says_what_the_total_is_rounded_to_and_only_then() {
    // $1,234.56 exact, or to the nearest $100 ($1,200) and saying so.
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    let payment = payment(123_456, None);
    let mut counts = counts(100);
    counts.families.clear();
    counts.outcomes.counts = vec![50, 50];
    let growth = Growth {
        n: 100,
        mean: Some(5.5),
        median: None,
        sd: None,
    };
    for (total, said) in [
        (Some(0), (Some(123_456), None)),
        (Some(10_000), (Some(120_000), Some(10_000))),
        (None, (None, None)),
    ] {
        let mut plan = initial_plan(&counts, 10);
        plan.total = total;
        let r = report(&c, &counts, &growth, None, &payment, (plan, &[]), vec![]);
        assert_eq!(
            (r.payment.total_cents, r.payment.total_rounded_to_cents),
            said,
            "{total:?}"
        );
    }
}

#[test]
fn the_first_plan_withholds_what_the_rule_says() {
    // At a cell size of 10, by hand from the rule the report states: "A cell is withheld when it
    // holds 1 to 9 students, or when 1 to 9 of its students are judged, have an outcome, or
    // (unless its share is coded as 5% or less, or 95% or more, over at least 200 judged) meet
    // the target or do not"; its size when 1 to 9 are not judged; a tier of 1 to 9.
    let tally = |n, judged, with_metric, met| Tally {
        n,
        judged,
        with_metric,
        met,
        ..Tally::default()
    };
    let cells = [
        (tally(0, 0, 0, 0), true, true),
        (tally(5, 5, 5, 2), false, true),
        (tally(50, 5, 5, 2), false, true),
        (tally(50, 50, 5, 2), false, true),
        (tally(50, 50, 5, 20), false, true),
        (tally(50, 5, 0, 0), false, true),
        (tally(50, 50, 45, 20), false, true),
        (tally(50, 50, 50, 5), false, true),
        (tally(50, 50, 50, 45), false, true),
        (tally(50, 50, 50, 25), true, true),
        (tally(50, 45, 45, 20), true, false),
        (tally(50, 41, 41, 20), true, false),
        (tally(50, 40, 40, 20), true, true),
        // Coded shares: 1 of 50 is a range of 2, too narrow; 5 of 300 (or 295) one of 15.
        (tally(50, 50, 50, 1), false, true),
        (tally(300, 300, 300, 5), true, true),
        (tally(300, 300, 300, 295), true, true),
        (tally(199, 199, 199, 5), false, true),
        (tally(200, 200, 200, 5), true, true),
    ];
    let mut counts = counts(100);
    let family = &mut counts.families[0];
    family.tallies = cells.iter().map(|c| c.0).collect();
    family.values = (0..cells.len()).map(|k| k.to_string()).collect();
    family.tiers = Some(vec![ByTier::default(); cells.len()]);
    let plan = initial_plan(&counts, 10);
    for (k, (t, published, size)) in cells.iter().enumerate() {
        assert_eq!(
            (plan.cells[0][k], plan.sizes[0][k]),
            (*published, *size),
            "{t:?}"
        );
    }
    // The tiers of 30 and 20 published; the met count 50 of 100 judged too.
    assert_eq!((plan.tiers.clone(), plan.met), (vec![true, true], true));
    counts.outcomes.counts = vec![5, 45, 50];
    counts.met = 50;
    assert_eq!(initial_plan(&counts, 10).tiers, [false, true]);
    counts.met = 5;
    assert!(!initial_plan(&counts, 10).met);
    (counts.judged, counts.met) = (9, 5);
    assert!(!initial_plan(&counts, 10).met);
}

#[test]
fn putting_an_item_back_restores_it_alone() {
    let counts = counts(100);
    let first = initial_plan(&counts, 10);
    for item in ITEMS.into_iter().filter(|&i| i != Item::Total) {
        let p = withheld(&first, item, &counts).unwrap();
        assert_eq!(restored(&p, &first, item), first, "{item:?}");
        // Putting back another item leaves this one withheld.
        let other = if item == Item::Spread {
            Item::Met
        } else {
            Item::Spread
        };
        assert_eq!(restored(&p, &first, other), p, "{item:?} by {other:?}");
    }
    // Every outcome figure back at once, the payment total as the plan has it.
    let mut none = first.clone();
    withhold_outcome_figures(&mut none);
    none.total = Some(10_000);
    let mut expected = first.clone();
    expected.total = Some(10_000);
    assert_eq!(restored(&none, &first, Item::Everything), expected);
    // (Nothing to put back when the first plan had none either.)
    let mut first_none = first.clone();
    withhold_outcome_figures(&mut first_none);
    let mut p = first_none.clone();
    p.met = true;
    assert_eq!(restored(&p, &first_none, Item::Everything), p);
    // A rounding only ever finer: to $100, or exact, over one to $1,000; never to $10,000.
    for (r, expected) in [
        (10_000, 10_000),
        (100_000, 100_000),
        (1_000_000, 100_000),
        (0, 0),
    ] {
        let mut p = first.clone();
        p.total = Some(100_000);
        assert_eq!(
            restored(&p, &first, Item::Round(r)).total,
            Some(expected),
            "{r}"
        );
    }
    let mut p = first.clone();
    p.total = None;
    assert_eq!(
        restored(&p, &first, Item::Round(10_000)).total,
        Some(10_000)
    );
}

#[test]
fn what_the_backward_pass_tries_puts_cells_and_tiers_back_in_their_place() {
    // Withheld beyond the first plan: grade 3 (60), grade 4 (made 70 here), grade 4's size and
    // the second tier (20); the empty grade and what the first plan withheld are not tried.
    // Grade 3 comes first although grade 4 is larger: an order by counts would tell a reader
    // that what stays withheld is no larger than what was put back.
    let mut counts = counts(100);
    counts.families[0].tallies[1].n = 70;
    let first = initial_plan(&counts, 10);
    let mut plan = first.clone();
    (
        plan.cells[0][0],
        plan.cells[0][1],
        plan.sizes[0][1],
        plan.tiers[1],
    ) = (false, false, false, false);
    let items = restorable(&first, &plan);
    let head = [Item::Everything, Item::Round(0)];
    assert_eq!(items[..2], head);
    let tables = &items[items.len() - 4..];
    assert_eq!(
        tables,
        [
            Item::Cell(0, 0),
            Item::Cell(0, 1),
            Item::Tier(1),
            Item::Size(0, 1)
        ]
    );
    let mut first_withheld = first.clone();
    first_withheld.cells[0][0] = false;
    let items = restorable(&first_withheld, &plan);
    assert!(!items.contains(&Item::Cell(0, 0)));
    assert!(items.contains(&Item::Cell(0, 1)));
}

#[test]
fn the_protections_name_what_the_last_plan_withholds_beyond_the_first() {
    // 100 in grades of 60 and 40 (tiers 30, 20 and 10 below both), with a school table too
    // large to audit by tier (its two cells withheld from the start), a local effect and the
    // count at fidelity published alone.
    let mut counts = counts(100);
    counts.analysed_intervention = Some(90);
    let mut school = counts.families[0].clone();
    (school.column, school.tiers) = ("school".into(), None);
    (school.values, school.tallies) = (
        vec!["A".into(), "B".into()],
        vec![counts.families[0].tallies[0]; 2],
    );
    counts.families.push(school);
    let first = initial_plan(&counts, 10);
    assert_eq!(first.cells[1], [false, false]);
    let table = "The school table withheld: its values times the payment card's tiers are too many to check that the table and the tiers together give away no small count.";
    let cell_rule = "A cell is withheld when it holds 1 to 9 students, or when 1 to 9 of its students are judged, have an outcome, or (unless its share is coded as 5% or less, or 95% or more, over at least 200 judged) meet the target or do not.";
    let said = |plan: &Plan, counts: &Counts| describe(&first, plan, counts, 10);
    // Nothing withheld beyond the first plan: the school table and the cell rule alone (the
    // effect published, so no word of it).
    assert_eq!(said(&first, &counts), [table, cell_rule]);
    // One tier, the count at fidelity (with those with an outcome published) and the effect.
    let mut plan = first.clone();
    (plan.tiers[1], plan.at_fidelity, plan.effect) = (false, false, false);
    assert_eq!(
        said(&plan, &counts),
        [
            table,
            "1 further tier count withheld so that a small count cannot be worked out from the others.",
            "The count at fidelity withheld: with those with an outcome it would give away a small count of students at fidelity without one.",
            "The local effect withheld: its count of intervention students with a post-test, with the other published counts, would give away a small count.",
            cell_rule,
        ]
    );
    // Two tiers; the count at fidelity given by the other figures, so published after all.
    (plan.tiers[0], plan.given.at_fidelity) = (false, true);
    assert_eq!(said(&plan, &counts)[1], "2 further tier counts withheld so that a small count cannot be worked out from the others.");
    assert!(!said(&plan, &counts)
        .iter()
        .any(|s| s.contains("count at fidelity")));
    // A roster without a comparison group has no effect to withhold.
    counts.analysed_intervention = None;
    assert!(!said(&plan, &counts)
        .iter()
        .any(|s| s.contains("local effect")));
    // With no outcome figure published, none of it is said.
    withhold_outcome_figures(&mut plan);
    counts.analysed_intervention = Some(90);
    assert_eq!(
        said(&plan, &counts),
        ["No outcome figure published: none could be published without giving away a small count."]
    );
}

#[test]
fn a_dose_band_below_fidelity_with_a_decliner_lets_its_table_reach_below_a_gain_of_0() {
    // Gains from 2 to 12, tiers at 5 and 10, no one at fidelity declined (the penalty may say
    // so). A subgroup table counts students at fidelity alone, so its floor is a gain of 0; the
    // dose bands count those below fidelity too, so theirs is 0 only while none of those
    // declined either. Otherwise the floor is the lowest gain less 1,000 times the range and
    // one: 2 - 1000 x (10 + 1) = -10998. Below every tier, the bands run from it to 4 (scores in
    // whole points: the last gain short of 5).
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0, 10.0], 0);
    let mut counts = counts(100);
    let tiers = |declined: u64| ByTier {
        counts: vec![10, 20, 30],
        ranges: vec![Some((12.0, 12.0)), Some((6.0, 9.0)), Some((2.0, 4.0))],
        declined,
        ..ByTier::default()
    };
    counts.families[0].tiers = Some(vec![tiers(0); 3]);
    counts.outcomes = tiers(0);
    let mut dose = counts.families[0].clone();
    dose.dose = true;
    counts.families.push(dose);
    let below_every_tier = |counts: &Counts, f: usize| {
        let cells = Bands::of(&c, counts).cells[f].clone().unwrap();
        cells.iter().map(|bands| bands[2]).collect::<Vec<_>>()
    };
    assert_eq!(below_every_tier(&counts, 0), [(0.0, 4.0); 3]);
    assert_eq!(below_every_tier(&counts, 1), [(0.0, 4.0); 3]);
    assert_eq!(Bands::of(&c, &counts).card[2], (0.0, 4.0));
    // One dose band's student below fidelity declined: the dose table's floor goes, every
    // band's (one scale for the table), and the subgroup table's stays.
    counts.families[1].tiers.as_mut().unwrap()[1] = tiers(1);
    assert_eq!(below_every_tier(&counts, 0), [(0.0, 4.0); 3]);
    assert_eq!(below_every_tier(&counts, 1), [(-10998.0, 4.0); 3]);
    assert_eq!(Bands::of(&c, &counts).card[2], (0.0, 4.0));
    // Someone at fidelity declined: the card's floor goes, and every table's.
    counts.families[1].tiers.as_mut().unwrap()[1] = tiers(0);
    counts.declined = 1;
    assert_eq!(below_every_tier(&counts, 0), [(-10998.0, 4.0); 3]);
    assert_eq!(below_every_tier(&counts, 1), [(-10998.0, 4.0); 3]);
    assert_eq!(Bands::of(&c, &counts).card[2], (-10998.0, 4.0));
}

#[test]
fn a_readers_width_for_a_count_is_its_intervals_length() {
    // 12 students in two cells, one of them a count of 7 withheld beside 5 published: a reader
    // knows it exactly (width 0); told only that both hold at least 2, 2 to 10 (width 8).
    let mut a = Audit::default();
    let total = a.quantity("students", 12.0, 12.0);
    let withheld = a.quantity("a cell", 7.0, 12.0);
    let published = a.quantity("the other cell", 5.0, 12.0);
    a.get_mut(withheld).known = Known::Not;
    a.relate(
        vec![(total, 1.0), (withheld, -1.0), (published, -1.0)],
        Op::Eq,
        0.0,
    );
    let mut cache = Cache::default();
    assert_eq!(width(&a, withheld, &mut cache), 0.0);
    a.get_mut(published).known = Known::Not;
    a.get_mut(published).lower = 2.0;
    a.get_mut(withheld).lower = 2.0;
    let mut cache = Cache::default();
    assert!((width(&a, withheld, &mut cache) - 8.0).abs() < 1e-9);
    // A published count has no width, whatever a reader could tell of it otherwise.
    assert_eq!(width(&a, total, &mut cache), 0.0);
}

#[test]
fn a_step_that_widens_is_sought_among_twelve_cells_and_every_other_item() {
    // Fourteen cells and sizes, cheapest first, then the met count: the first twelve cells are
    // tried, the last two not, and the met count is, although it comes after them all.
    let mut candidates: Vec<(f64, Item)> = (0..7)
        .flat_map(|i| [(0.01, Item::Size(0, i)), (1.25, Item::Cell(0, i))])
        .collect();
    candidates.push((200.0, Item::Met));
    let widens_at = |wide: &[Item]| {
        let mut tried = Vec::new();
        let k = first_widening(&candidates, |item| {
            tried.push(item);
            wide.contains(&item)
        });
        (k, tried)
    };
    let (k, tried) = widens_at(&[Item::Cell(0, 6), Item::Met]);
    assert_eq!(k, Some(14));
    let first_twelve: Vec<Item> = candidates[..12].iter().map(|c| c.1).collect();
    assert_eq!(tried[..12], first_twelve);
    assert_eq!(tried[12..], [Item::Met]);
    let (k, tried) = widens_at(&[Item::Size(0, 1), Item::Met]);
    assert_eq!((k, tried.len()), (Some(2), 3));
    assert_eq!(widens_at(&[Item::Cell(0, 6)]).0, None);
}

#[test]
fn with_no_step_widening_alone_a_cell_of_the_table_with_fewest_withheld_goes() {
    // Grades 3 and 4 (one withheld already) and three ELL values (none withheld): an ELL cell
    // goes, although it costs more (another table's) and a grade's size is cheaper. An item
    // that is not a cell (the met count) comes after the cells of a table with none withheld,
    // before those of a table with some.
    let mut counts = counts(100);
    counts.families[0].tallies.truncate(2);
    let mut ell = counts.families[0].clone();
    ell.column = "ell".into();
    ell.values = vec!["Y".into(), "N".into(), "U".into()];
    ell.tallies = vec![counts.families[0].tallies[0]; 3];
    counts.families.push(ell);
    let mut plan = initial_plan(&counts, 10);
    plan.cells[0][0] = false;
    let candidates = [
        (0.01, Item::Size(0, 1)),
        (1.25, Item::Cell(0, 1)),
        (101.25, Item::Cell(1, 0)),
        (200.0, Item::Met),
    ];
    assert_eq!(without_widening(&candidates, &plan), 2);
    // One withheld in each table: the met count; without it, the earlier cell (grade 4); and
    // with two withheld of ELL, grade 4 still.
    plan.cells[1][0] = false;
    assert_eq!(without_widening(&candidates, &plan), 3);
    assert_eq!(without_widening(&candidates[..3], &plan), 1);
    plan.cells[1][1] = false;
    assert_eq!(without_widening(&candidates[..3], &plan), 1);
    assert_eq!(without_widening(&candidates[..1], &plan), 0);
}

#[test]
fn a_count_is_protected_when_it_is_1_to_one_short_of_the_cell_size() {
    let mut a = Audit::default();
    for (value, protected) in [(0.0, false), (1.0, true), (9.0, true), (10.0, false)] {
        let q = a.quantity("a count", value, 100.0);
        protect_if_small(&mut a, q, 10.0);
        assert_eq!(a.get(q).protected, protected, "{value}");
    }
}

#[test]
fn a_split_bands_side_sums_within_its_students_bands() {
    // One side of a split dose band, its counts known: 8 students, 7 with an outcome, 5 meeting
    // the target. By tier, 3 from 0.5 to 0.69, 2 from 0.7 to 1 and 2 below, from -1 to 0.49:
    // the sum lies from 3 x 0.5 + 2 x 0.7 - 2 = 0.9 to 3 x 0.69 + 2 + 2 x 0.49 = 5.05. With one
    // tier (5 from 0.5 to 1, 2 below), from 5 x 0.5 - 2 = 0.5 to 5 + 2 x 0.49 = 5.98. Either
    // with room for rounding 1e-6 + 1e-9 x 100 x (1 + 1) over 100 enrolled.
    let room = 1.2e-6;
    let cases: [(&[u64], TierBands, (f64, f64)); 2] = [
        (
            &[8, 7, 5, 3, 2, 2],
            vec![(0.5, 0.69), (0.7, 1.0), (-1.0, 0.49)],
            (0.9, 5.05),
        ),
        (&[8, 7, 5], vec![(0.5, 1.0), (-1.0, 0.49)], (0.5, 5.98)),
    ];
    for (values, bands, (low, high)) in cases {
        let mut a = Audit::default();
        let counts: Vec<Q> = values
            .iter()
            .map(|&v| a.quantity("a count of the side", v as f64, 100.0))
            .collect();
        let q = part_sum(
            &mut a,
            "the side's sum",
            3.0,
            (&counts, Some(&bands)),
            100.0,
        );
        let (from, to) = a.interval_alone(q, &mut Cache::default());
        assert!(
            (from - (low - room)).abs() < 1e-9 && (to - (high + room)).abs() < 1e-9,
            "{values:?}: {from} {to}"
        );
    }
}

/// [`dose_sum`] alone over the two dose bands of `counts` (each band's sum published) on
/// `sides`, without their split, with the growth figures' sum at `sum` (known as `known`) and
/// 2 below fidelity with an outcome: the audit, and the growth figures' sum.
fn dose_sum_alone(
    c: &Contract,
    counts: &Counts,
    sides: &[Side],
    (sum, known): (f64, Known),
) -> (Audit, Q) {
    let bands = Bands::of(c, counts);
    let mut a = Audit::default();
    let cells: Vec<[Q; 8]> = counts.families[0]
        .tallies
        .iter()
        .map(|t| [(); 8].map(|()| a.quantity("a band's sum", t.metric_sum, 1e15)))
        .collect();
    let q_sum = a.quantity("the growth figures' sum", sum, 1e15);
    a.get_mut(q_sum).known = known;
    let q_ob = a.quantity("below fidelity with an outcome", 2.0, 100.0);
    let dose = DoseTable {
        f: 0,
        sides,
        splits: &[None, None],
    };
    dose_sum(
        &mut a,
        (counts, &bands),
        &[cells],
        dose,
        (Some(q_sum), q_ob),
    );
    (a, q_sum)
}

#[test]
fn dose_bands_without_their_split_add_up_to_both_sides_in_total() {
    // Two dose bands holding students on both sides of the fidelity rule, their counts at
    // fidelity unknown (no split): their sums, 30 and 12, are those at fidelity (the growth
    // figures' 10 x 3.5 = 35) and those below, which a reader then tells by difference: 7, within
    // the room for rounding 1e-6 + 1e-9 x 100 x (1 + 10), the largest outcome being 10.
    let mut counts = counts(100);
    let band = |metric_sum| Tally {
        n: 6,
        judged: 6,
        with_metric: 6,
        metric_sum,
        metric_magnitude: 10.0,
        ..Tally::default()
    };
    counts.families[0].dose = true;
    counts.families[0].tallies = vec![band(30.0), band(12.0)];
    (counts.with_outcome, counts.mean_metric) = (10, Some(3.5));
    let c = contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0);
    let (a, _) = dose_sum_alone(&c, &counts, &[Side::Either; 2], (35.0, Known::Exactly));
    let q_sb = Q(a.quantities.len() - 1);
    assert_eq!(a.get(q_sb).name, "sum of the outcomes below fidelity");
    let (low, high) = a.interval_alone(q_sb, &mut Cache::default());
    let room = 1e-6 + 1e-9 * 100.0 * 11.0;
    assert!(
        (low - (7.0 - room)).abs() < 1e-9 && (high - (7.0 + room)).abs() < 1e-9,
        "{low} {high}"
    );
    // A band wholly at fidelity and one wholly below it need no split: the growth figures'
    // sum is the first band's, 30 (the mean 3 of 10), withheld or not.
    counts.mean_metric = Some(3.0);
    let (a, q_sum) = dose_sum_alone(&c, &counts, &[Side::At, Side::Below], (30.0, Known::Not));
    let (low, high) = a.interval_alone(q_sum, &mut Cache::default());
    assert!(
        (low - (30.0 - room)).abs() < 1e-9 && (high - (30.0 + room)).abs() < 1e-9,
        "{low} {high}"
    );
}

/// "needs" is ELL or special education (each column's cells: "N", then "Y"): the students who
/// are both have the tally `both`, those of ELL alone and of special education alone `one`
/// each, and those of neither `neither`. The "N" cells published with their sizes, the "Y"
/// cells withheld.
fn union_counts(both: Tally, one: Tally, neither: Tally) -> (Counts, Plan) {
    let sum = |parts: &[Tally]| Tally {
        n: parts.iter().map(|t| t.n).sum(),
        judged: parts.iter().map(|t| t.judged).sum(),
        met: parts.iter().map(|t| t.met).sum(),
        with_metric: parts.iter().map(|t| t.with_metric).sum(),
        ..Tally::default()
    };
    let family = |column: &str, cells: [Tally; 2]| Family {
        column: column.into(),
        dose: false,
        values: vec!["N".into(), "Y".into()],
        tallies: cells.to_vec(),
        tiers: None,
        at_fidelity: vec![],
    };
    let mut counts = counts(0);
    let everyone = sum(&[both, one, one, neither]);
    (counts.enrolled, counts.intervention) = (everyone.n, everyone.n);
    counts.families = vec![
        family("ell", [sum(&[one, neither]), sum(&[both, one])]),
        family("sped", [sum(&[one, neither]), sum(&[both, one])]),
        family("needs", [neither, sum(&[both, one, one])]),
    ];
    let combination = |cells: [u32; 3], tally: Tally| Combination {
        cells: cells.to_vec(),
        tally,
        ..Combination::new(1)
    };
    counts.combinations = vec![
        combination([1, 1, 1], both),
        combination([1, 0, 1], one),
        combination([0, 1, 1], one),
        combination([0, 0, 0], neither),
    ];
    let mut plan = initial_plan(&counts, 10);
    plan.outcome_figures = true;
    plan.cells = vec![vec![true, false]; 3];
    plan.sizes = vec![vec![true, true]; 3];
    (counts, plan)
}

/// A contract on gains with one tier at 5, the default cell size of 10.
fn gain_contract() -> Contract {
    contract(serde_json::json!({ "kind": "gain" }), &[5.0], 0)
}

/// A tally of `n` students, `judged` of them judged, `met` meeting the target, `with_metric`
/// with an outcome.
fn tally_of(n: u64, judged: u64, met: u64, with_metric: u64) -> Tally {
    Tally {
        n,
        judged,
        met,
        with_metric,
        ..Tally::default()
    }
}

#[test]
fn a_group_several_tables_pin_is_found_by_each_count_it_is_small_in() {
    // ELL + special education - needs = those who are both, in each count the "N" cells state;
    // each case small in one count alone (every other count of it 0 or at least 10): 5 below
    // fidelity (25 enrolled, 20 judged), 5 short of the target, 5 judged without an outcome
    // (under missingOutcome "notMet"), 5 with an outcome. The "N" cells that pin it are named.
    // Those of one table alone: 40 each, 30 judged, 20 with an outcome, 10 meeting the target.
    let (one, neither) = (tally_of(40, 30, 10, 20), tally_of(40, 40, 30, 40));
    let cases = [
        tally_of(25, 20, 10, 20),
        tally_of(25, 25, 20, 25),
        tally_of(25, 25, 10, 20),
        tally_of(25, 25, 0, 5),
    ];
    for both in cases {
        let (counts, plan) = union_counts(both, one, neither);
        let found = across::pinned_combination(&gain_contract(), &counts, &plan);
        assert_eq!(found, Ok(Some(vec![(0, 0), (1, 0), (2, 0)])), "{both:?}");
    }
    // With 10 in place of each 5, nothing is small.
    let both = tally_of(30, 20, 10, 20);
    let (counts, plan) = union_counts(both, one, neither);
    assert_eq!(
        across::pinned_combination(&gain_contract(), &counts, &plan),
        Ok(None)
    );
}

#[test]
fn a_small_group_that_is_one_tables_withheld_cells_is_left_to_that_tables_audit() {
    // With those of one table alone all at fidelity, the 5 who are both and below fidelity are
    // all of needs' "Y" students below fidelity: needs' own audit protects them (its total
    // less its "N" cell), and the check across tables withholds no cell for them.
    let one = tally_of(30, 30, 10, 20);
    let (counts, plan) = union_counts(tally_of(25, 20, 10, 20), one, tally_of(40, 40, 30, 40));
    assert_eq!(
        across::pinned_combination(&gain_contract(), &counts, &plan),
        Ok(None)
    );
}

#[test]
fn a_cell_without_a_mean_states_that_no_one_in_it_has_an_outcome() {
    // Those of neither all judged without an outcome (under missingOutcome "notMet"): needs'
    // "N" cell publishes no mean, which says that none of its 40 has an outcome. So the 5 who
    // are both and judged without one are ELL's 15 (50 in its "N" cell, 65 in all) + special
    // education's 15 - needs' 25 (65 - 40).
    let both = tally_of(25, 25, 10, 20);
    let one = tally_of(40, 30, 10, 20);
    let (counts, plan) = union_counts(both, one, tally_of(40, 40, 0, 0));
    let found = across::pinned_combination(&gain_contract(), &counts, &plan);
    assert_eq!(found, Ok(Some(vec![(0, 0), (1, 0), (2, 0)])));
}

/// `k` yes/no tables ("N", then "Y") and `combinations` of their cells (the first ones given,
/// "N" in the rest), each of `n` students all judged with an outcome and none meeting the target.
fn yes_no_tables(k: usize, combinations: &[(&[u32], u64)]) -> Counts {
    let mut counts = counts(0);
    counts.families = (0..k)
        .map(|f| Family {
            column: format!("t{f}"),
            dose: false,
            values: vec!["N".into(), "Y".into()],
            tallies: vec![Tally::default(); 2],
            tiers: None,
            at_fidelity: vec![],
        })
        .collect();
    counts.combinations = (combinations.iter())
        .map(|&(cells, n)| {
            let mut cells = cells.to_vec();
            cells.resize(k, 0);
            Combination {
                cells,
                tally: tally_of(n, n, 0, n),
                ..Combination::new(1)
            }
        })
        .collect();
    counts
}

#[test]
fn the_students_alike_in_some_tables_are_tried_over_pairs_and_triples_past_ten_tables() {
    // Tables 0 and 1 (cells "N", "Y") with table 2 splitting each pair of values in two, and
    // `k - 3` more tables where everyone is "N": those "Y" in tables 0 and 1 (1 + 2 students,
    // groups 0 and 1) are the union tried, over every subset of the tables with 10 or fewer
    // (3 the fewest that have one), over pairs and triples past 10.
    for k in [3, 10, 11] {
        let counts = yes_no_tables(
            k,
            &[
                (&[1, 1, 0], 1),
                (&[1, 1, 1], 2),
                (&[0, 1, 0], 30),
                (&[1, 0, 1], 30),
                (&[0, 0, 0], 30),
            ],
        );
        let group_of: Vec<Option<usize>> = (0..5).map(Some).collect();
        let tables: Vec<usize> = (0..k).collect();
        let found = across::unions(&counts, &group_of, |t| t.n, (&tables, 10));
        let both: Vec<(Vec<usize>, u64)> = (found.iter())
            .filter(|u| u.cells[..2] == [(0, 1), (1, 1)])
            .map(|u| (u.groups.clone(), u.held))
            .collect();
        assert_eq!(both, vec![(vec![0, 1], 3)], "{k} tables");
    }
}

#[test]
fn a_union_is_the_whole_groups_alike_in_some_tables_and_in_no_other_group() {
    // Five yes/no tables. Groups 0 (1 student) and 1 (2) are "Y" in tables 0 to 3 and differ in
    // table 4; each of groups 2 to 5 (30 each) is "Y" in three of tables 0 to 3. Only the four
    // tables together hold groups 0 and 1 and no other: one union, of 3 students, found only
    // among subsets of four tables (every subset is tried with 10 tables or fewer). A
    // combination holding no one, in group 0 with other values, does not split the group. A
    // sixth table where everyone is "N" gives the same union again with it, tried once.
    for k in [5, 6] {
        let counts = yes_no_tables(
            k,
            &[
                (&[1, 1, 1, 1, 0], 1),
                (&[1, 1, 1, 1, 1], 2),
                (&[0, 1, 1, 1, 0], 30),
                (&[1, 0, 1, 1, 1], 30),
                (&[1, 1, 0, 1, 0], 30),
                (&[1, 1, 1, 0, 1], 30),
                (&[0, 0, 0, 0, 0], 0),
            ],
        );
        let group_of = [0, 1, 2, 3, 4, 5, 0].map(Some);
        let tables: Vec<usize> = (0..k).collect();
        let found = across::unions(&counts, &group_of, |t| t.n, (&tables, 10));
        let found: Vec<_> = (found.iter())
            .map(|u| (u.groups.clone(), u.held, u.cells.clone()))
            .collect();
        let cells = vec![(0, 1), (1, 1), (2, 1), (3, 1)];
        assert_eq!(found, vec![(vec![0, 1], 3, cells)], "{k} tables");
        // At a cell size of 3 the union is no longer small: nothing.
        assert!(across::unions(&counts, &group_of, |t| t.n, (&tables, 3)).is_empty());
    }
}

#[test]
fn the_check_across_tables_takes_up_to_the_most_groups_and_no_further() {
    // ELL, special education and "high needs", each with its "N" cell published: four groups
    // (both, one or the other, neither), which is as many as the check takes with a limit of
    // 4, one too many with a limit of 3.
    // Everyone gained 6, meeting the target of 5.
    let (mut counts, plan) = union_counts(
        tally_of(40, 40, 40, 40),
        tally_of(40, 40, 40, 40),
        tally_of(40, 40, 40, 40),
    );
    let mut outcomes = ByTier::new(1);
    for x in &mut counts.combinations {
        (x.tally.metric_sum, x.tally.metric_magnitude) = (6.0 * x.tally.n as f64, 6.0);
        x.tiers = vec![x.tally.n, 0];
        for _ in 0..x.tally.n {
            outcomes.see((0, 6.0, false), &Scale::default());
        }
    }
    for t in counts
        .families
        .iter_mut()
        .flat_map(|f| f.tallies.iter_mut())
    {
        (t.metric_sum, t.metric_magnitude) = (6.0 * t.n as f64, 6.0);
    }
    (counts.at_fidelity, counts.with_outcome) = (160, 160);
    (counts.judged, counts.met, counts.outcomes) = (160, 160, outcomes);
    let c = gain_contract();
    let bands = Bands::of(&c, &counts);
    let check = |most| {
        across::pinned_by_outcomes(
            &c,
            (&counts, &plan, &[0, 1, 2]),
            &bands,
            &mut Cache::default(),
            most,
        )
    };
    assert_eq!(check(4), Ok(None));
    assert_eq!(check(3), Err(TooLarge));
}

#[test]
fn two_sets_of_students_by_tier_merge_into_both() {
    // One tier. The first set: 7 in the tier (8 to 12), 1 below it (2, declined); the second:
    // 4 in the tier (6 to 9), 2 below it (3, declined, and 4).
    let scale = Scale::default();
    let mut a = ByTier::new(1);
    for v in [8.0, 12.0, 9.0, 9.0, 10.0, 11.0, 8.5] {
        a.see((0, v, false), &scale);
    }
    a.see((1, 2.0, true), &scale);
    let mut b = ByTier::new(1);
    for v in [6.0, 9.0, 7.0, 7.5] {
        b.see((0, v, false), &scale);
    }
    b.see((1, 3.0, true), &scale);
    b.see((1, 4.0, false), &scale);
    a.merge(&b);
    assert_eq!(a.counts, vec![11, 3]);
    assert_eq!(a.ranges, vec![Some((6.0, 12.0)), Some((2.0, 4.0))]);
    assert_eq!((a.declined, a.decline_high), (2, Some(3.0)));
    // With no decliner on one side, the other's stand.
    let mut none = ByTier::new(1);
    none.see((0, 20.0, false), &scale);
    none.merge(&b);
    assert_eq!((none.declined, none.decline_high), (1, Some(3.0)));
    assert_eq!(none.ranges, vec![Some((6.0, 20.0)), Some((3.0, 4.0))]);
}

#[test]
fn the_forward_pass_takes_mild_steps_for_four_rounds_a_table_and_tier_and_16_more() {
    // One grade table and two tiers: 4 x 3 + 16 = 28 rounds, 0 to 27; three tables: 36.
    let mut counts = counts(100);
    assert!(mild_round(0, &counts) && mild_round(27, &counts));
    assert!(!mild_round(28, &counts));
    let grade = counts.families[0].clone();
    counts.families.extend([grade.clone(), grade]);
    assert!(mild_round(35, &counts) && !mild_round(36, &counts));
}

#[test]
fn the_cells_withheld_beyond_the_first_plan_and_those_without_their_size_are_named() {
    // Grades 3, 4 and 5 (60, 40 and no one) and dose bands of 0-15 and 15-30 (70 and 30).
    let mut counts = counts(100);
    let mut dose = counts.families[0].clone();
    (dose.column, dose.dose) = ("minutes".into(), true);
    dose.values = vec!["0-15".into(), "15-30".into()];
    dose.tallies = vec![tally_of(70, 70, 35, 70), tally_of(30, 30, 15, 30)];
    dose.tiers = Some(vec![ByTier::default(); 2]);
    counts.families.push(dose);
    let mut first = initial_plan(&counts, 10);
    // Grade 4 withheld from the start: no further cell.
    first.cells[0][1] = false;
    let said = |plan: &Plan, counts: &Counts| describe_cells(&first, plan, counts);
    assert!(said(&first, &counts).is_empty());
    let mut plan = first.clone();
    plan.cells[0][0] = false;
    assert_eq!(said(&plan, &counts), ["1 further cell withheld (1 of grade) so that a small count cannot be worked out from the others."]);
    plan.cells[1] = vec![false, false];
    assert_eq!(said(&plan, &counts), ["3 further cells withheld (1 of grade, 2 of minutes) so that a small count cannot be worked out from the others."]);
    // Sizes: grade 5's, of no one, goes unsaid; a withheld cell's is no published one.
    let mut plan = first.clone();
    plan.sizes[0] = vec![false, false, false];
    assert_eq!(said(&plan, &counts), ["Published without its enrolled count: grade = 3. With the number judged, it would reveal, alone or with the other cells, a small number of students without an outcome."]);
    // Two, one a dose band; with students below fidelity they may be those too.
    plan.sizes[1][1] = false;
    counts.at_fidelity = 90;
    assert_eq!(said(&plan, &counts), ["Published without their enrolled count: grade = 3, 15-30 minutes a week. With the number judged, it would reveal, alone or with the other cells, a small number of students below fidelity or without an outcome."]);
}
