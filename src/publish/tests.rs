//! The withholding steps' own rules: what each step withholds, and the order they are tried in.

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

/// Every plan item but the roundings.
const ITEMS: [Item; 13] = [
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
    // before the count meeting the target, the effect and the fidelity counts; every one of
    // those (the mild steps) before any rounding of the total, finer roundings before coarser,
    // then the total, then every outcome figure.
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
        // A cell costs its students; a tier its students with an outcome in it.
        assert_eq!(cost(Item::Cell(0, 1)), 40.0);
        assert_eq!(cost(Item::Tier(1)), 20.0);
    }
    // A bigger cell's size costs more: withholding it hides more of what a reader can tell.
    let counts = counts(100);
    assert!(cost(Item::Size(0, 1), &counts) < cost(Item::Size(0, 0), &counts));
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
