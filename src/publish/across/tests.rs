//! The pieces of the check through the outcomes' model, each on hand-made groups: the
//! unknowns of each group, the relations a published cell and the totals state over them, and
//! the counts derived from them (what each holds and whether it is protected). The property
//! tests of tables laid over one another test the whole; they run too long for mutant runs.

use super::*;
use crate::publish::{initial_plan, ByTier, Combination, Family};

/// A group's unknowns with the values `n`, `judged`, `with_outcome`, its students in each
/// tier `tiers` (below every tier last), and below fidelity (with the dose bands) `below`
/// meeting the target and not.
fn group(
    a: &mut Audit,
    (n, judged, with_outcome): (u64, u64, u64),
    tiers: &[u64],
    below: Option<[u64; 2]>,
) -> Unknowns {
    let mut q = |name, v: u64| a.quantity(name, v as f64, 1000.0);
    let (n, judged, with_outcome) = (q("n", n), q("judged", judged), q("with", with_outcome));
    let sum = q("sum", 0);
    let tiers = tiers.iter().map(|&k| q("tier", k)).collect();
    let below = below.map(|[m, s]| {
        (
            [q("below met", m), q("below not met", s)],
            q("below sum", 0),
        )
    });
    Unknowns {
        n,
        judged,
        with_outcome,
        sum,
        tiers,
        below,
    }
}

/// The value of a sum of `terms`.
fn value(a: &Audit, terms: &[(Q, f64)]) -> f64 {
    terms.iter().map(|&(q, k)| k * a.get(q).value).sum()
}

/// A count derived from the groups: its name, value and whether it is protected.
type Derived = (&'static str, f64, bool);

/// The counts added after the first `from` quantities.
fn derived(a: &Audit, from: usize) -> Vec<Derived> {
    a.quantities[from..]
        .iter()
        .map(|x| (x.name, x.value, x.protected))
        .collect()
}

#[test]
fn a_derived_count_is_protected_from_1_to_the_cell_size_less_1() {
    for (count, protected) in [(0, false), (1, true), (9, true), (10, false), (19, false)] {
        let mut a = Audit::default();
        let x = a.quantity("x", f64::from(count + 3), 100.0);
        let y = a.quantity("y", 3.0, 100.0);
        derive(&mut a, "x less y", vec![(x, 1.0), (y, -1.0)], (10.0, 100.0));
        let d = Q(2);
        let q = a.get(d);
        assert_eq!(
            (q.name, q.value, q.upper),
            ("x less y", f64::from(count), 100.0)
        );
        assert_eq!((q.known, q.protected), (Known::Not, protected), "{count}");
        // x - y - d = 0, with d unknown to a reader.
        let r = a.relations.last().unwrap();
        assert_eq!(r.terms, vec![(x, 1.0), (y, -1.0), (d, -1.0)]);
        assert_eq!((r.op, r.rhs), (Op::Eq, 0.0));
    }
}

#[test]
fn a_groups_students_without_any_outcome_leave_out_those_below_fidelity_with_one() {
    let mut a = Audit::default();
    // 30 enrolled, 20 with an outcome at fidelity, 4 and 3 below it with one: 3 without.
    let u = group(&mut a, (30, 25, 20), &[], Some([4, 3]));
    assert_eq!(value(&a, &without_any_outcome(&u)), 3.0);
    // Without the dose bands, those below fidelity are not counted apart: 10.
    let u = group(&mut a, (30, 25, 20), &[], None);
    assert_eq!(value(&a, &without_any_outcome(&u)), 10.0);
}

#[test]
fn a_cells_students_apart_from_its_share_are_counted_by_the_rule_of_its_table() {
    let cases = [
        // A dose band: its students without any outcome, (30 - 20 - 4 - 3) + (12 - 10 - 0 - 1).
        (
            (true, false),
            vec![("students of a dose band without an outcome", 4.0, true)],
        ),
        (
            (true, true),
            vec![("students of a dose band without an outcome", 4.0, true)],
        ),
        // A subgroup cell: those its share is not over, (30 - 25) + (12 - 12).
        (
            (false, false),
            vec![("students of a cell its share is not over", 5.0, true)],
        ),
        // Under notMet, also those it is over without an outcome, (25 - 20) + (12 - 10).
        (
            (false, true),
            vec![
                ("students of a cell its share is not over", 5.0, true),
                (
                    "students a cell's share is over without an outcome",
                    7.0,
                    true,
                ),
            ],
        ),
    ];
    for ((dose, not_met), expected) in cases {
        let mut a = Audit::default();
        let one = group(&mut a, (30, 25, 20), &[], Some([4, 3]));
        let two = group(&mut a, (12, 12, 10), &[], Some([0, 1]));
        let from = a.quantities.len();
        apart_from_the_share(&mut a, &[&one, &two], (dose, not_met), (10.0, 100.0));
        assert_eq!(derived(&a, from), expected, "dose {dose}, notMet {not_met}");
    }
}

#[test]
fn the_counts_the_groups_add_up_to_are_those_the_report_withholds() {
    // One table of three cells: 0 published, 1 published without its size, 2 withheld. Groups
    // (enrolled, judged, with an outcome; in the tier and below it; below fidelity meeting the
    // target and not): (30, 28, 25; 20, 5; 1, 1), (40, 38, 30; 25, 5; 0, 2), (12, 11, 9; 6, 3;
    // 1, 0). Each case: the contract's rules, whether the table is the dose bands, whether the
    // report publishes the number judged; then the counts derived, in order.
    let shared = [
        ("students in a withheld cell", 12.0, false),
        ("students of a cell its share is not over", 1.0, true),
    ];
    let cases: [(&str, bool, bool, Vec<Derived>); 4] = [
        (
            r#""missingOutcome": "notMet""#,
            false,
            false,
            vec![
                // 3 + 8 + 2 at fidelity without an outcome, notMet's judged not published.
                ("at fidelity without an outcome", 13.0, false),
                ("students of a cell its share is not over", 2.0, true),
                (
                    "students a cell's share is over without an outcome",
                    8.0,
                    true,
                ),
                shared[0],
                shared[1],
                (
                    "students a cell's share is over without an outcome",
                    2.0,
                    true,
                ),
                ("students in a withheld cell with an outcome", 9.0, true),
                ("students of a withheld cell in a tier", 6.0, true),
                ("students of a withheld cell in a tier", 3.0, true),
            ],
        ),
        (
            // Published judged: no count of those at fidelity without an outcome.
            r#""missingOutcome": "notMet""#,
            false,
            true,
            vec![
                ("students of a cell its share is not over", 2.0, true),
                (
                    "students a cell's share is over without an outcome",
                    8.0,
                    true,
                ),
                shared[0],
                shared[1],
                (
                    "students a cell's share is over without an outcome",
                    2.0,
                    true,
                ),
                ("students in a withheld cell with an outcome", 9.0, true),
                ("students of a withheld cell in a tier", 6.0, true),
                ("students of a withheld cell in a tier", 3.0, true),
            ],
        ),
        (
            // Those below fidelity excluded: every enrolled student without an outcome,
            // 5 + 10 + 3.
            r#""belowFidelity": "excluded""#,
            false,
            false,
            vec![
                ("enrolled without an outcome", 18.0, false),
                ("students of a cell its share is not over", 2.0, true),
                shared[0],
                shared[1],
                ("students in a withheld cell with an outcome", 9.0, true),
                ("students of a withheld cell in a tier", 6.0, true),
                ("students of a withheld cell in a tier", 3.0, true),
            ],
        ),
        (
            // The dose bands: those without any outcome, (30 - 25 - 2) + (40 - 30 - 2) +
            // (12 - 9 - 1); a band's figures count those below fidelity, so no more of the
            // withheld band.
            r#""missingOutcome": "exclude""#,
            true,
            false,
            vec![
                ("enrolled without an outcome", 13.0, false),
                ("students of a dose band without an outcome", 8.0, true),
                shared[0],
                ("students of a dose band without an outcome", 2.0, true),
            ],
        ),
    ];
    for (rule, dose, judged_shown, expected) in cases {
        let c = Contract::from_json(
            &serde_json::from_str(&format!(
                r#"{{ "metric": {{ "kind": "gain" }}, {rule}, "minCellSize": 10,
                "paymentCard": [{{ "label": "Met", "atLeast": 5, "centsPerStudent": 2000 }}],
                "fidelity": {{ "minMinutesPerWeek": 20, "minWeeks": 5 }} }}"#
            ))
            .unwrap(),
        )
        .unwrap();
        let tally = |n| Tally {
            n,
            ..Tally::default()
        };
        let counts = Counts {
            enrolled: 82,
            families: vec![Family {
                column: "g".into(),
                dose,
                values: vec!["a".into(), "b".into(), "c".into()],
                tallies: vec![tally(30), tally(40), tally(12)],
                tiers: None,
                at_fidelity: vec![],
            }],
            ..Counts::default()
        };
        let mut plan = initial_plan(&counts, 10);
        plan.cells[0] = vec![true, true, false];
        plan.sizes[0] = vec![true, false, true];
        (plan.met, plan.fidelity) = (judged_shown, true);
        let mut a = Audit::default();
        let below = |b| dose.then_some(b);
        let unknowns = [
            group(&mut a, (30, 28, 25), &[20, 5], below([1, 1])),
            group(&mut a, (40, 38, 30), &[25, 5], below([0, 2])),
            group(&mut a, (12, 11, 9), &[6, 3], below([1, 0])),
        ];
        let keys = [vec![0], vec![1], vec![WITHHELD]];
        let keys: Vec<&Vec<u32>> = keys.iter().collect();
        let from = a.quantities.len();
        hidden_counts(&mut a, &c, (&counts, &plan, &[0]), &keys, &unknowns);
        assert_eq!(derived(&a, from), expected, "{rule}, dose {dose}");
    }
}

#[test]
fn a_groups_side_of_the_fidelity_rule_is_its_dose_bands() {
    // The threshold at 20 minutes a week: 0-15 below it, 15-30 either side, 30-45 and past at
    // it. Table 0 is the dose bands (0-15 empty), table 1 a subgroup table.
    let c = Contract::from_json(&serde_json::json!({ "metric": { "kind": "gain" },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 2000 }],
        "fidelity": { "minMinutesPerWeek": 20, "minWeeks": 5 } }))
    .unwrap();
    let family = |dose, sizes: &[u64]| Family {
        column: "x".into(),
        dose,
        values: sizes.iter().map(|n| n.to_string()).collect(),
        tallies: (sizes.iter())
            .map(|&n| Tally {
                n,
                ..Tally::default()
            })
            .collect(),
        tiers: None,
        at_fidelity: vec![],
    };
    let mut counts = Counts {
        families: vec![family(true, &[0, 20, 20, 20, 20]), family(false, &[40, 40])],
        ..Counts::default()
    };
    let mut plan = initial_plan(&counts, 10);
    let side = |counts: &Counts, plan: &Plan, tables: &[usize], key: [u32; 2]| {
        fidelity_side(&c, (counts, plan, tables))(&key)
    };
    let sides = [Side::Below, Side::Either, Side::At, Side::At, Side::At];
    for (b, &expected) in sides.iter().enumerate() {
        assert_eq!(
            side(&counts, &plan, &[0, 1], [b as u32, 1]),
            expected,
            "{b}"
        );
        // The dose bands second in the key.
        assert_eq!(
            side(&counts, &plan, &[1, 0], [0, b as u32]),
            expected,
            "{b}"
        );
        // Without the dose bands among the tables, either side.
        assert_eq!(side(&counts, &plan, &[1], [0, b as u32]), Side::Either);
    }
    // In a withheld band: the side every withheld band with students shares, or either.
    let withheld = |plan: &mut Plan, bands: &[usize]| {
        plan.cells[0] = (0..5).map(|b| !bands.contains(&b)).collect();
    };
    for (bands, expected) in [
        (&[3, 4][..], Side::At),
        (&[0, 3], Side::At),
        (&[1, 3], Side::Either),
        (&[2], Side::At),
        (&[1], Side::Either),
    ] {
        withheld(&mut plan, bands);
        let key = [WITHHELD, 0];
        assert_eq!(side(&counts, &plan, &[0, 1], key), expected, "{bands:?}");
    }
    // With 0-15 holding students, a band withheld beside it below and past the threshold.
    counts.families[0].tallies[0].n = 5;
    withheld(&mut plan, &[0, 3]);
    assert_eq!(side(&counts, &plan, &[0, 1], [WITHHELD, 0]), Side::Either);
    withheld(&mut plan, &[0]);
    assert_eq!(side(&counts, &plan, &[0, 1], [WITHHELD, 0]), Side::Below);
    // Someone short of the weeks rule: no band past the threshold is all at fidelity.
    counts.short_of_weeks = true;
    assert_eq!(side(&counts, &plan, &[0, 1], [2, 0]), Side::Either);
    assert_eq!(side(&counts, &plan, &[0, 1], [0, 0]), Side::Below);
}

#[test]
fn those_below_fidelity_meet_the_target_within_every_tier_band_joined() {
    // Two tiers, from 5 to 10 and from 10 to 50, and below them -20 to 5 on the card; two dose
    // bands' own bands narrower. Those below fidelity meeting the target lie within the tiers'
    // bands joined, across both dose bands; those short of it, within the bands below every
    // tier.
    let card = vec![(5.0, 10.0), (10.0, 50.0), (-20.0, 5.0)];
    let per_band = vec![
        vec![(6.0, 9.0), (12.0, 20.0), (-3.0, 4.0)],
        vec![(5.0, 8.0), (11.0, 30.0), (0.0, 2.0)],
    ];
    let counts = |dose: bool| Counts {
        families: vec![
            Family {
                column: "grade".into(),
                dose: false,
                values: vec![],
                tallies: vec![],
                tiers: None,
                at_fidelity: vec![],
            },
            Family {
                column: "minutes".into(),
                dose,
                values: vec![],
                tallies: vec![],
                tiers: None,
                at_fidelity: vec![],
            },
        ],
        ..Counts::default()
    };
    let bands = |per_band: Option<Vec<TierBands>>| Bands {
        card: card.clone(),
        cells: vec![Some(vec![vec![(0.0, 1.0); 3]]), per_band],
    };
    let found = below_fidelity_bands(&counts(true), &bands(Some(per_band)));
    assert_eq!(found, Some(vec![(5.0, 30.0), (-3.0, 4.0)]));
    // No dose band with tiers' bands of its own: the card's.
    let found = below_fidelity_bands(&counts(true), &bands(Some(vec![])));
    assert_eq!(found, Some(vec![(5.0, 50.0), (-20.0, 5.0)]));
    // The dose bands not audited by tier, or no dose bands: none.
    assert_eq!(below_fidelity_bands(&counts(true), &bands(None)), None);
    let audited = bands(Some(vec![vec![(0.0, 1.0); 3]]));
    assert_eq!(below_fidelity_bands(&counts(false), &audited), None);
}

/// A relation as (terms, op, rhs).
type Stated = (Vec<(Q, f64)>, Op, f64);

/// The relations added after the first `from`.
fn relations(a: &Audit, from: usize) -> Vec<Stated> {
    a.relations[from..]
        .iter()
        .map(|r| (r.terms.clone(), r.op, r.rhs))
        .collect()
}

#[test]
fn a_published_cell_states_its_size_judged_met_with_an_outcome_and_sum_over_its_groups() {
    // Two groups (each: n, judged, with an outcome, sum, two tiers' counts and the count below
    // them, then with the dose bands those below fidelity meeting the target and not, and
    // their sum), in a cell of 70 students, 60 judged, 30 meeting the target, 50 with an
    // outcome summing to 400.
    let t = Tally {
        n: 70,
        judged: 60,
        met: 30,
        with_metric: 50,
        metric_sum: 400.0,
        ..Tally::default()
    };
    for (dose, sized) in [(false, true), (false, false), (true, true)] {
        let stride = if dose { 10 } else { 7 };
        let one = |k: usize, x: usize| (Q(stride * k + x), 1.0);
        let both = |x: usize| vec![one(0, x), one(1, x)];
        let mut a = Audit::default();
        let below = dose.then_some([1, 1]);
        let groups = [
            group(&mut a, (30, 28, 25), &[10, 5, 10], below),
            group(&mut a, (40, 38, 30), &[10, 5, 15], below),
        ];
        let inside: Vec<&Unknowns> = groups.iter().collect();
        cell_figures(&mut a, &t, &inside, (dose, sized), (0.5, 10));
        let mut expected = Vec::new();
        if sized {
            expected.push((both(0), Op::Eq, 70.0));
        }
        // With the dose bands, those below fidelity with an outcome count among the judged,
        // those meeting the target among the met, and their sums in the sum.
        let with = if dose {
            vec![
                one(0, 2),
                one(0, 7),
                one(0, 8),
                one(1, 2),
                one(1, 7),
                one(1, 8),
            ]
        } else {
            both(2)
        };
        let judged = if dose { with.clone() } else { both(1) };
        expected.push((judged, Op::Eq, 60.0));
        let met = if dose {
            vec![
                one(0, 4),
                one(0, 5),
                one(0, 7),
                one(1, 4),
                one(1, 5),
                one(1, 7),
            ]
        } else {
            vec![one(0, 4), one(0, 5), one(1, 4), one(1, 5)]
        };
        expected.push((met, Op::Eq, 30.0));
        expected.push((with, Op::Eq, 50.0));
        let sums = if dose {
            vec![one(0, 3), one(0, 9), one(1, 3), one(1, 9)]
        } else {
            both(3)
        };
        // Within the room for rounding, 0.5.
        expected.push((sums.clone(), Op::Le, 400.5));
        expected.push((sums, Op::Ge, 399.5));
        assert_eq!(relations(&a, 0), expected, "dose {dose}, sized {sized}");
    }
}

#[test]
fn a_coded_share_bounds_the_met_count_and_a_large_sum_its_own_rounding() {
    // 60 judged: 2 meeting the target is published as "5% or less" (at most 3), 58 as "95% or
    // more" (at least 57), where a cell of 3 is small; where it is 10, the first plan would
    // withhold a cell with 1 to 9 meeting the target or not, so the share says 0 or all 60
    // (see coded_range). A sum of 2e12 with no room for rounding is read within 1e-9 of
    // itself, 2,000.
    let cases = [
        (2, 3, Op::Le, 3.0),
        (58, 3, Op::Ge, 57.0),
        (0, 10, Op::Eq, 0.0),
        (60, 10, Op::Eq, 60.0),
    ];
    for (met, min, op, rhs) in cases {
        let t = Tally {
            n: 60,
            judged: 60,
            met,
            with_metric: 60,
            metric_sum: 2e12,
            ..Tally::default()
        };
        let mut a = Audit::default();
        let u = group(&mut a, (60, 60, 60), &[met, 60 - met], None);
        cell_figures(&mut a, &t, &[&u], (false, false), (0.0, min));
        let found = relations(&a, 0);
        assert_eq!(found[1], (vec![(Q(4), 1.0)], op, rhs), "{met}");
        assert_eq!(found[3].2, 2e12 + 2000.0);
        assert_eq!(found[4].2, 2e12 - 2000.0);
    }
}

#[test]
fn the_totals_state_what_the_report_publishes_over_every_group() {
    // Two groups as in the cell's test, without the dose bands: 70 enrolled, 55 with an
    // outcome (mean 8: a sum of 440), 66 judged, 30 meeting the target, the tiers 20 and 10.
    let mut counts = Counts {
        enrolled: 70,
        with_outcome: 55,
        judged: 66,
        met: 30,
        mean_metric: Some(8.0),
        ..Counts::default()
    };
    counts.outcomes.counts = vec![20, 10, 25];
    let mut plan = initial_plan(&counts, 10);
    plan.tiers = vec![false, true];
    let mut a = Audit::default();
    let groups = [
        group(&mut a, (30, 28, 25), &[10, 5, 10], None),
        group(&mut a, (40, 38, 30), &[10, 5, 15], None),
    ];
    let both = |x: usize| vec![(Q(x), 1.0), (Q(7 + x), 1.0)];
    totals(&mut a, &counts, &plan, &groups, 0.5);
    let met = vec![(Q(4), 1.0), (Q(5), 1.0), (Q(11), 1.0), (Q(12), 1.0)];
    let expected = vec![
        (both(0), Op::Eq, 70.0),
        (both(2), Op::Eq, 55.0),
        (both(3), Op::Le, 440.5),
        (both(3), Op::Ge, 439.5),
        // The second tier alone.
        (both(5), Op::Eq, 10.0),
        (met, Op::Eq, 30.0),
        (both(1), Op::Eq, 66.0),
    ];
    assert_eq!(relations(&a, 0), expected);
    // A sum of 5.5e12 with no room for rounding is read within 1e-9 of itself, 5,500.
    counts.mean_metric = Some(1e11);
    let from = a.relations.len();
    totals(&mut a, &counts, &plan, &groups, 0.0);
    let sums = &relations(&a, from)[2..4];
    assert_eq!((sums[0].2, sums[1].2), (5.5e12 + 5500.0, 5.5e12 - 5500.0));
    // Without the growth figures and the met count: the enrolled and the tier.
    (plan.fidelity, plan.met) = (false, false);
    let from = a.relations.len();
    totals(&mut a, &counts, &plan, &groups, 0.5);
    assert_eq!(
        relations(&a, from),
        [expected[0].clone(), expected[4].clone()]
    );
}

#[test]
fn each_groups_unknowns_follow_the_fidelity_rule_of_its_dose_band() {
    // The dose bands (0-15 below the threshold of 20 minutes, 15-30 either side, 30-45 at it)
    // laid over grade: groups (0-15, grade 0) of 12 below fidelity, 7 of them with an outcome,
    // 3 meeting the target; (15-30, grade 0) of 14, 10 at fidelity with an outcome, 6 in the
    // tier, and 2 below fidelity with one, meeting the target; (30-45, grade 1) of 20 at
    // fidelity with an outcome, 15 in the tier.
    let combination =
        |cells: [u32; 2], (n, with): (u64, u64), tiers: [u64; 2], below: [u64; 2]| Combination {
            cells: cells.to_vec(),
            tally: Tally {
                n,
                judged: with,
                with_metric: with,
                met: tiers[0],
                ..Tally::default()
            },
            tiers: tiers.to_vec(),
            below_fidelity: (below, 0.0),
        };
    let combinations = vec![
        combination([0, 0], (12, 0), [0, 0], [3, 4]),
        combination([1, 0], (14, 10), [6, 4], [2, 0]),
        combination([2, 1], (20, 20), [15, 5], [0, 0]),
    ];
    let family = |dose: bool, sizes: Vec<u64>| Family {
        column: if dose { "minutes" } else { "grade" }.into(),
        dose,
        values: sizes.iter().map(|n| n.to_string()).collect(),
        tiers: Some(vec![ByTier::new(1); sizes.len()]),
        tallies: (sizes.into_iter())
            .map(|n| Tally {
                n,
                ..Tally::default()
            })
            .collect(),
        at_fidelity: vec![],
    };
    let counts = Counts {
        enrolled: 46,
        with_outcome: 30,
        outcomes: ByTier::new(1),
        families: vec![
            family(true, vec![12, 14, 20, 0, 0]),
            family(false, vec![26, 20]),
        ],
        combinations,
        ..Counts::default()
    };
    let plan = initial_plan(&counts, 10);
    for excluded in [false, true] {
        let rule = if excluded { "excluded" } else { "baseOnly" };
        let c = Contract::from_json(&serde_json::json!({ "metric": { "kind": "gain" },
            "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 2000 }],
            "fidelity": { "minMinutesPerWeek": 20, "minWeeks": 5 }, "belowFidelity": rule }))
        .unwrap();
        let bands = Bands::of(&c, &counts);
        let groups = alike(&counts, &plan, &[0, 1]);
        let (a, of_group, _) = audit(&c, (&counts, &plan, &[0, 1]), &bands, &groups);
        // Each group's unknowns, by name, as (value, lower, upper, protected): every group
        // has as many, from its first count on (the sums are no group's count).
        let first = |g| of_group.iter().position(|&x| x == Some(g)).unwrap();
        let stride = first(1) - first(0);
        let of = |g: usize| -> Vec<(&str, f64, f64, f64, bool)> {
            (a.quantities[first(g)..first(g) + stride].iter())
                .map(|x| (x.name, x.value, x.lower, x.upper, x.protected))
                .collect()
        };
        let (n, with, tier, sum) = (
            "students of a group",
            "students of a group with an outcome",
            "students of a group in a tier",
            "sum of a group's outcomes",
        );
        let below = "students of a group below fidelity with an outcome";
        let e = 46.0;
        let (open, free) = ((0.0, e), (-1e15, f64::INFINITY));
        let q = |name, value: f64, (lower, upper): (f64, f64), protected| {
            (name, value, lower, upper, protected)
        };
        let zero = (0.0, 0.0);
        // 0-15: no one at fidelity, so nothing with an outcome at fidelity; each group holds
        // one student at least. (Its sum is 0: outcomes of 0 in this test.)
        assert_eq!(
            of(0),
            [
                q(n, 12.0, (1.0, e), false),
                q(with, 0.0, zero, false),
                q(tier, 0.0, zero, false),
                q(tier, 0.0, zero, false),
                q(sum, 0.0, zero, false),
                q(below, 3.0, open, true),
                q(below, 4.0, open, true),
                q(sum, 0.0, free, false),
            ],
            "{rule}"
        );
        // 15-30: either side, and with those below fidelity excluded none below it in the
        // group's unknowns.
        let either = if excluded { zero } else { free };
        let either_count = if excluded { zero } else { open };
        assert_eq!(
            of(1),
            [
                q(n, 14.0, (1.0, e), false),
                q(with, 10.0, open, false),
                q(tier, 6.0, open, true),
                q(tier, 4.0, open, true),
                q(sum, 0.0, free, false),
                q(below, 2.0, either_count, true),
                q(below, 0.0, either_count, false),
                q(sum, 0.0, either, false),
            ],
            "{rule}"
        );
        // 30-45: everyone at fidelity.
        assert_eq!(
            of(2),
            [
                q(n, 20.0, (1.0, e), false),
                q(with, 20.0, open, false),
                q(tier, 15.0, open, false),
                q(tier, 5.0, open, true),
                q(sum, 0.0, free, false),
                q(below, 0.0, zero, false),
                q(below, 0.0, zero, false),
                q(sum, 0.0, zero, false),
            ],
            "{rule}"
        );
    }
}

#[test]
fn a_sum_meeting_the_target_over_tiers_is_found_where_no_tiers_sum_is() {
    // Two groups of 20 with an outcome: A with 1 student in each of two tiers, B with 1 in the
    // second. The figures state only that A and B have 3 meeting the target together, and
    // each group's tiers add up to its students with an outcome. A's and B's counts in either
    // tier, and each group's met count, lie anywhere from 0 to 3; the 3 of A and B meeting the
    // target are pinned, and only the sum of those meeting it finds them (students, with an
    // outcome and below every tier are 20 or more a group).
    let (mut a, groups, unknowns) = two_groups_meeting_3([&[1, 1, 18], &[0, 1, 19]]);
    for u in &unknowns {
        let mut terms: Vec<(Q, f64)> = u.tiers.iter().map(|&q| (q, 1.0)).collect();
        terms.push((u.with_outcome, -1.0));
        a.relate(terms, Op::Eq, 0.0);
    }
    assert_eq!(a.interval(unknowns[0].tiers[0]), (0.0, 3.0));
    assert_eq!(a.interval(unknowns[1].tiers[1]), (0.0, 3.0));
    assert_eq!(pinned_sum(&a, &groups, &unknowns, 10), Ok(Some(vec![0, 1])));
    // With one tier the sum meeting the target is the tier's, which finds them alike.
    let (one, groups, unknowns) = two_groups_meeting_3([&[2, 18], &[1, 19]]);
    assert_eq!(
        pinned_sum(&one, &groups, &unknowns, 10),
        Ok(Some(vec![0, 1]))
    );
}

/// Two groups of 20 students with an outcome, their students in each tier `tiers` (below
/// every tier last), all unknown to a reader, and 3 of them meeting the target together.
fn two_groups_meeting_3(tiers: [&[u64]; 2]) -> (Audit, BTreeMap<Vec<u32>, Held>, Vec<Unknowns>) {
    let mut a = Audit::default();
    let held = |tiers: &[u64]| Held {
        n: 20,
        judged: 20,
        with_outcome: 20,
        tiers: tiers.to_vec(),
        ..Held::default()
    };
    let groups = BTreeMap::from([(vec![0], held(tiers[0])), (vec![1], held(tiers[1]))]);
    let unknowns: Vec<Unknowns> = (groups.values())
        .map(|h| group(&mut a, (h.n, h.judged, h.with_outcome), &h.tiers, None))
        .collect();
    for x in &mut a.quantities {
        x.known = Known::Not;
    }
    let met: Vec<(Q, f64)> = unknowns.iter().flat_map(|u| u.met()).collect();
    a.relate(met, Op::Eq, 3.0);
    (a, groups, unknowns)
}

#[test]
fn a_dose_band_states_a_count_at_fidelity_only_when_it_counts_the_same_students() {
    // A dose band counts its students below fidelity too: its row states a count of students
    // at fidelity when everyone in it is at fidelity, or, when no one below fidelity has an
    // outcome, for the counts of those with an outcome alone (not of everyone enrolled; under
    // missingOutcome "notMet", not those judged, which take in students without an outcome).
    // Under notMet, everyone in a band at fidelity is judged: its judged count (and those not
    // meeting the target, and without an outcome) is stated through its size, published or not.
    // Each population by its place in POPULATIONS: 0 enrolled, 1 judged, 2 enrolled less
    // judged, 3 meeting the target, 4 judged not meeting it, 5 with an outcome, 6 judged
    // without one.
    let counts = dose_and_subgroup_tables((30, 20, 10));
    let mut plan = initial_plan(&counts, 10);
    plan.cells = vec![vec![true; 2]; 2];
    // (notMet, everyone in the band at fidelity, no one below fidelity with an outcome, its size
    // published) -> the populations its row states.
    type Case = (bool, bool, bool, bool);
    let cases: [(Case, &[usize]); 12] = [
        ((false, true, false, true), &[0, 1, 2, 3, 4, 5, 6]),
        ((false, true, false, false), &[1, 3, 4, 5, 6]),
        ((false, false, true, true), &[0, 1, 3, 4, 5, 6]),
        ((false, false, true, false), &[1, 3, 4, 5, 6]),
        ((false, false, false, true), &[0]),
        ((false, false, false, false), &[]),
        ((true, true, false, true), &[0, 1, 2, 3, 4, 5, 6]),
        ((true, true, false, false), &[3, 5]),
        ((true, false, true, true), &[0, 3, 5]),
        ((true, false, true, false), &[3, 5]),
        ((true, false, false, true), &[0]),
        ((true, false, false, false), &[]),
    ];
    for ((not_met, at, none_below, size), expected) in cases {
        let missing = if not_met { "notMet" } else { "exclude" };
        let c = Contract::from_json(&serde_json::json!({ "metric": { "kind": "gain" },
            "missingOutcome": missing, "minCellSize": 10,
            "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 2000 }],
            "fidelity": { "minMinutesPerWeek": 20, "minWeeks": 5 } }))
        .unwrap();
        plan.sizes = vec![vec![size; 2]; 2];
        let stating = |f: usize| -> Vec<usize> {
            (0..POPULATIONS.len())
                .filter(|&p| {
                    let bands = (vec![at; 2], none_below);
                    let (_, row_of) = stated_rows(&c, (&counts, &plan), &bands, POPULATIONS[p]);
                    row_of[f][0].is_some()
                })
                .collect()
        };
        let case = (not_met, at, none_below, size);
        assert_eq!(stating(0), expected, "{case:?}");
        // A subgroup cell states each count, those of everyone enrolled with its size.
        let subgroup: &[usize] = if size {
            &[0, 1, 2, 3, 4, 5, 6]
        } else {
            &[1, 3, 4, 5, 6]
        };
        assert_eq!(stating(1), subgroup, "{case:?}");
    }
}

#[test]
fn a_cells_met_count_and_sum_give_its_tiers_when_its_bands_are_points_of_two_tiers_at_most() {
    // Normalized gains on a scale of 2 from a pre-test of 0 are 0, 0.5 or 1: with tiers at 0.5
    // and 1, each band is a point; n x mean = 0.5 x the lower tier + 1 x the top one, and the
    // met count is their sum, which give both.
    let tiers = [0.5, 1.0];
    let cases: [(&[(f64, f64)], bool); 7] = [
        (&[(0.5, 0.5), (1.0, 1.0), (0.0, 0.0)], true),
        // A tier band holding 0.5 and 0.75: the two equations no longer separate the tiers.
        (&[(0.5, 0.75), (1.0, 1.0), (0.0, 0.0)], false),
        (&[(0.5, 0.5), (1.0, 1.0), (0.0, 0.25)], false),
        (&[(0.5, 0.75), (1.0, 1.5), (0.0, 0.0)], false),
        // A tier no outcome reaches (empty, or short of its threshold) holds no one.
        (&[(1.0, 0.5), (1.0, 1.0), (0.0, 0.0)], true),
        (&[(0.3, 0.4), (1.0, 1.0), (0.0, 0.0)], true),
        // Two points that are not apart.
        (&[(0.5, 0.5), (1.0, 1.0), (1.0, 1.0)], false),
    ];
    for (bands, expected) in cases {
        assert_eq!(
            bands_are_points(&bands.to_vec(), &tiers),
            expected,
            "{bands:?}"
        );
    }
    // Three tiers reached: two equations, three unknowns.
    let three = [0.25, 0.5, 1.0];
    let points = vec![(0.25, 0.25), (0.5, 0.5), (1.0, 1.0), (0.0, 0.0)];
    assert!(!bands_are_points(&points, &three));
    let one_unreached = vec![(0.25, 0.25), (0.6, 0.4), (1.0, 1.0), (0.0, 0.0)];
    assert!(bands_are_points(&one_unreached, &three));
}

#[test]
fn a_published_subgroup_cell_states_its_tiers_and_a_dose_band_only_of_students_at_fidelity() {
    // Tiers at 5 and 10. Table 0 the dose bands, table 1 a subgroup table; in each the first
    // cell's bands are points, and the subgroup table's second cell's are not.
    let c = Contract::from_json(&serde_json::json!({ "metric": { "kind": "gain" },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 2000 },
                        { "label": "Top", "atLeast": 10, "centsPerStudent": 3000 }],
        "fidelity": { "minMinutesPerWeek": 20, "minWeeks": 5 }, "minCellSize": 10 }))
    .unwrap();
    let counts = Counts {
        outcomes: ByTier::new(2),
        ..dose_and_subgroup_tables((30, 30, 20))
    };
    let points = vec![(5.0, 5.0), (10.0, 10.0), (0.0, 0.0)];
    let wide = vec![(5.0, 9.0), (10.0, 20.0), (0.0, 4.0)];
    let bands = Bands {
        card: wide.clone(),
        cells: vec![
            Some(vec![points.clone(), points.clone()]),
            Some(vec![points.clone(), wide]),
        ],
    };
    let mut plan = initial_plan(&counts, 10);
    plan.cells = vec![vec![true; 2]; 2];
    // (each dose band all at fidelity, no one below fidelity with an outcome) -> dose bands,
    // subgroup cells stating their tiers.
    for ((at, none_below), dose) in [
        (([false, false], false), [false, false]),
        (([true, false], false), [true, false]),
        (([false, true], false), [false, true]),
        (([false, false], true), [true, true]),
    ] {
        let fidelity = (at.to_vec(), none_below);
        let stating = tier_stating_cells(&c, (&counts, &plan), &bands, &fidelity);
        assert_eq!(stating, [dose.to_vec(), vec![true, false]], "{fidelity:?}");
    }
    // A withheld cell states nothing; nor do bands of another card.
    plan.cells[1][0] = false;
    let fidelity = (vec![true, true], true);
    let stating = tier_stating_cells(&c, (&counts, &plan), &bands, &fidelity);
    assert_eq!(stating[1], [false, false]);
    plan.cells[1][0] = true;
    let mut other = bands;
    other.cells[1] = Some(vec![points[..2].to_vec(); 2]);
    let stating = tier_stating_cells(&c, (&counts, &plan), &other, &fidelity);
    assert_eq!(stating[1], [false, false]);
}

/// A table of two dose bands and one of two subgroup cells, 60 students enrolled, each cell
/// holding `(n, judged, met)` (judged as many as with an outcome).
fn dose_and_subgroup_tables((n, judged, met): (u64, u64, u64)) -> Counts {
    let family = |dose| Family {
        column: "x".into(),
        dose,
        values: vec!["a".into(), "b".into()],
        tallies: vec![
            Tally {
                n,
                judged,
                met,
                with_metric: judged,
                ..Tally::default()
            };
            2
        ],
        tiers: None,
        at_fidelity: vec![],
    };
    Counts {
        enrolled: 60,
        families: vec![family(true), family(false)],
        ..Counts::default()
    }
}
