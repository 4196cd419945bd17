//! Invariants that hold for every roster and contract (proptest): payments stay within their
//! bounds and never punish growth, counts add up, published cells protect small groups, and
//! the effect size is antisymmetric.
#![cfg(not(target_arch = "wasm32"))]

use evidence_check::Cell;
use evidence_check::{effect_size, EffectInput, Group};
use evidence_check::{evaluate_json, Evaluation};
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
struct Student {
    pre: u16,
    post: Option<u16>,
    minutes: u16,
    weeks: u8,
    treated: bool,
    flag: u8,
    school: u8,
    /// Under the weekly rule, the share of the most weeks the student could have reached the
    /// minimum in (k is at most the weeks, and k x minimum at most the minutes), in 255ths.
    reach: u8,
    /// The student's own typical growth (read under a per-student percent of typical), or none:
    /// such a student has no outcome, but may still decline.
    typical: Option<u8>,
}

fn student() -> impl Strategy<Value = Student> {
    (
        100u16..300,
        prop::option::weighted(0.9, 80u16..340),
        0u16..2400,
        1u8..40,
        prop::bool::weighted(0.8),
        0u8..4,
        0u8..6,
        any::<u8>(),
        prop::option::weighted(0.7, 1u8..50),
    )
        .prop_map(
            |(pre, post, minutes, weeks, treated, flag, school, reach, typical)| Student {
                pre,
                post,
                minutes,
                weeks,
                treated,
                flag,
                school,
                reach,
                typical,
            },
        )
}

/// The students as the roster `c` reads: with the weeks-at-minimum column (read only under the
/// weekly rule) consistent with each student's minutes and weeks, and each one's typical growth
/// (read only under a per-student percent of typical).
fn csv(c: &Value, students: &[Student]) -> String {
    let minimum = c["fidelity"]["minMinutesPerWeek"].as_f64().unwrap();
    let mut out = String::from(
        "student_id,pre,post,minutes,weeks,group,flag,school,weeks_at_minimum,typical_growth\n",
    );
    for (i, s) in students.iter().enumerate() {
        let post = s.post.map(|p| p.to_string()).unwrap_or_default();
        let group = if s.treated { "T" } else { "C" };
        let most = match minimum > 0.0 {
            true => f64::from(s.weeks).min((f64::from(s.minutes) / minimum).floor()),
            false => f64::from(s.weeks),
        };
        let k = (most * f64::from(s.reach) / 255.0).round();
        let typical = s.typical.map(|t| t.to_string()).unwrap_or_default();
        out += &format!(
            "S{i},{},{post},{},{},{group},F{},K{},{k},{typical}\n",
            s.pre, s.minutes, s.weeks, s.flag, s.school
        );
    }
    out
}

fn contract() -> impl Strategy<Value = Value> {
    (
        (0u32..1_000_000, 0u32..10_000, prop::collection::vec((-20i32..40, 0u32..20_000), 1..5)),
        (0u32..60, 0u32..30, 0usize..3, prop::option::of(0.0f64..1.0), weekly_rule()),
        (0u32..5_000, prop::option::of(0u64..50_000_000), prop::option::of(0u64..50_000_000)),
        (prop::bool::ANY, 5u64..15, prop::sample::select(vec!["gain", "postScore", "percentOfTypical"])),
    )
        .prop_map(|((base, per, tiers), (min_minutes, min_weeks, below, share, weekly), (penalty, cap, floor), (not_met, cell, metric))| {
            // Thresholds ascending with cents ascending: a valid card never pays less for more growth.
            let mut thresholds: Vec<i32> = tiers.iter().map(|t| t.0).collect();
            let mut cents: Vec<u32> = tiers.iter().map(|t| t.1).collect();
            thresholds.sort();
            thresholds.dedup();
            cents.sort();
            let tiers: Vec<(i32, u32)> = thresholds.into_iter().zip(cents).collect();
            let (floor, cap) = match (floor, cap) {
                (Some(f), Some(c)) if f > c => (Some(c), Some(f)),
                other => other,
            };
            let below = ["baseOnly", "fullOutcome", "excluded"][below];
            let mut c = json!({
                "baseFeeCents": base, "perStudentBaseCents": per,
                // (A percent of typical from each student's own typical growth: some have none.)
                "metric": if metric == "percentOfTypical" { json!({ "kind": metric, "perStudent": true }) } else { json!({ "kind": metric }) },
                "paymentCard": tiers.iter().enumerate().map(|(i, (at, cents))| json!({ "label": format!("T{i}"), "atLeast": match metric { "postScore" => at * 5 + 150, "percentOfTypical" => at * 5 + 50, _ => *at }, "centsPerStudent": cents })).collect::<Vec<_>>(),
                "fidelity": { "minMinutesPerWeek": min_minutes, "minWeeks": min_weeks },
                "belowFidelity": below,
                "declinePenaltyCents": penalty,
                "missingOutcome": if not_met { "notMet" } else { "exclude" },
                "minCellSize": cell,
                "subgroupColumns": ["flag", "school"],
                "onBadRow": "reject",
            });
            if let Some((s, any_minutes)) = weekly {
                c["fidelity"]["minShareOfWeeks"] = json!(s);
                if !any_minutes {
                    c["fidelity"]["minMinutesPerWeek"] = json!(0);
                }
            }
            if let Some(s) = share {
                c["districtObligation"] = json!({ "minShareAtFidelity": s });
            }
            if let Some(x) = cap {
                c["capCents"] = json!(x);
            }
            if let Some(x) = floor {
                c["floorCents"] = json!(x);
            }
            c
        })
}

/// The weekly fidelity rule now and then (a share of the weeks at the minimum), its edges
/// (0, 1) drawn often, and a minimum of 0 minutes (the share of weeks alone) often too.
fn weekly_rule() -> impl Strategy<Value = Option<(f64, bool)>> {
    let share = prop_oneof![Just(0.0), Just(0.5), Just(1.0), 0.0f64..1.0];
    prop::option::weighted(0.3, (share, prop::bool::weighted(0.6)))
}

/// Rows from palettes of ordinary and degenerate values: whole columns held constant, groups of
/// one student, repeated ids, scores of 0 and 1e300, weeks of 1e-300, blank and bad cells.
fn hostile_roster() -> impl Strategy<Value = String> {
    const SCORES: [&str; 10] = [
        "0", "180", "200", "200.5", "1e-300", "1e300", "", "x", "-5", "250",
    ];
    const MINUTES: [&str; 5] = ["0", "600", "1e308", "0.5", ""];
    const WEEKS: [&str; 5] = ["1", "20", "1e-300", "0", "1e300"];
    const REACHED: [&str; 4] = ["0", "1", "5", "x"];
    const TYPICAL: [&str; 5] = ["", "10", "0.5", "x", "1e300"];
    let row = (
        0usize..10,
        0usize..10,
        0usize..5,
        0usize..5,
        prop::bool::ANY,
        0u8..3,
        0u32..40,
    );
    (
        prop::collection::vec(row, 0..80),
        prop::option::of(0usize..10),
        prop::option::of(0usize..10),
        0u8..3,
    )
        .prop_map(move |(rows, same_pre, same_post, ids)| {
            let mut out = String::from(
                "student_id,pre,post,minutes,weeks,group,school,flag,weeks_at_minimum,typical_growth\n",
            );
            for (i, (pre, post, minutes, weeks, t, school, id)) in rows.into_iter().enumerate() {
                let id = match ids {
                    0 => format!("S{i}"),
                    1 => format!("S{}", id % 5),
                    _ => format!("S{id}"),
                };
                // The second row is the only comparison student now and then.
                let group = if t || i == 1 { "T" } else { "C" };
                out += &format!(
                    "{id},{},{},{},{},{group},K{school},F{},{},{}\n",
                    SCORES[same_pre.unwrap_or(pre)],
                    SCORES[same_post.unwrap_or(post)],
                    MINUTES[minutes],
                    WEEKS[weeks],
                    i % 2,
                    REACHED[(i + weeks) % 4],
                    TYPICAL[(i + post) % 5]
                );
            }
            out
        })
}

fn run(c: &Value, roster: &str) -> Evaluation {
    evaluate_json(c, roster.as_bytes(), &mut |_| {})
        .expect("a generated roster and contract are valid")
}

/// A family of cells (one column) protects its small cells: none published under the cell size,
/// and never exactly one suppressed when the family has several cells (it would be the total
/// minus the published ones).
fn check_family(cells: &[&Cell], min: u64) -> Result<(), TestCaseError> {
    for c in cells {
        if let Some(n) = c.n {
            prop_assert!(
                n == 0 || n >= min,
                "published cell {}={} has n {} < {}",
                c.column,
                c.value,
                n,
                min
            );
        }
    }
    // Whether what is withheld protects the small counts is the attacker's to say
    // (tests/disclosure.rs): a lone withheld cell can be safe when its total is not published.
    Ok(())
}

proptest! {
    // 200 cases each (300 took 500 s of a 34.7-minute fresh `make test` on a slower two-core
    // machine): each case runs the whole evaluation and its disclosure audit. `make fuzz` runs
    // them again on fresh cases.
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    // One property for the payment's bounds and the counts: with the seed fixed, two
    // properties with the same strategies draw the same cases, and each case's evaluation (the
    // disclosure audit above all) is what costs.
    #[test]
    fn payments_stay_within_their_bounds_and_counts_add_up(students in prop::collection::vec(student(), 1..60), c in contract()) {
        let e = run(&c, &csv(&c, &students));
        let p = &e.payment;
        prop_assert!(p.total_cents >= 0);
        if let Some(cap) = c["capCents"].as_i64() {
            prop_assert!(p.total_cents <= cap);
        }
        if let Some(floor) = c["floorCents"].as_i64() {
            prop_assert!(p.total_cents >= floor.min(c["capCents"].as_i64().unwrap_or(i64::MAX)));
        }
        prop_assert!(p.total_cents <= p.maximum_cents);
        prop_assert!((0.0..=1.0).contains(&p.contingent_share));
        let s = &e.students;
        prop_assert_eq!(s.by_tier.iter().map(|t| t.count).sum::<u64>() + s.below_all_tiers, s.with_outcome);
        prop_assert_eq!(s.with_outcome + s.missing_outcome + s.no_room_to_grow, s.at_fidelity);
        prop_assert!(s.at_fidelity <= s.enrolled && s.enrolled + s.comparison <= s.rows);
        prop_assert_eq!(s.rows as usize, students.len());
        prop_assert_eq!(e.growth.n, s.with_outcome);
    }

    #[test]
    fn raising_a_post_test_never_lowers_the_total(students in prop::collection::vec(student(), 1..40), c in contract(), pick in any::<prop::sample::Index>(), by in 1u16..60) {
        let before = run(&c, &csv(&c, &students)).payment.total_cents;
        let mut raised = students.clone();
        let s = &mut raised[pick.index(students.len())];
        if let Some(post) = s.post.as_mut() {
            *post += by;
        }
        let after = run(&c, &csv(&c, &raised)).payment.total_cents;
        prop_assert!(after >= before, "raising a post-test lowered the total from {} to {}", before, after);
    }

    #[test]
    fn published_cells_protect_small_groups(students in prop::collection::vec(student(), 1..80), c in contract()) {
        let e = run(&c, &csv(&c, &students));
        let min = c["minCellSize"].as_u64().unwrap();
        for column in ["flag", "school"] {
            let cells: Vec<&Cell> = e.report.subgroups.iter().filter(|x| x.column == column).collect();
            check_family(&cells, min)?;
        }
        check_family(&e.report.dose_response.iter().collect::<Vec<_>>(), min)?;
        let tiers = &e.report.tiers;
        for t in tiers {
            if let Some(n) = t.count { prop_assert!(n == 0 || n >= min); }
        }
        let report = serde_json::to_string(&e.report).unwrap();
        for i in 0..students.len() {
            let id = format!("\"S{}\"", i);
            prop_assert!(!report.contains(&id), "student id {} in the report", id);
        }
    }

    #[test]
    fn swapping_the_groups_negates_g_and_the_improvement_index(
        n1 in 2.0f64..500.0, m1 in -50.0f64..50.0, s1 in 0.1f64..30.0,
        n2 in 2.0f64..500.0, m2 in -50.0f64..50.0, s2 in 0.1f64..30.0,
    ) {
        let (a, b) = (Group::Continuous { n: n1.floor(), mean: m1, sd: s1 }, Group::Continuous { n: n2.floor(), mean: m2, sd: s2 });
        let input = |i, c| EffectInput { intervention: i, comparison: c, lower_is_better: false, clusters: None, alpha: 0.05 };
        let ab = effect_size(&input(a, b)).unwrap();
        let ba = effect_size(&input(b, a)).unwrap();
        prop_assert!((ab.g + ba.g).abs() < 1e-12);
        prop_assert_eq!(ab.improvement_index, -ba.improvement_index);
        prop_assert!((ab.p_value - ba.p_value).abs() < 1e-12);
    }

    #[test]
    fn any_roster_gets_a_finite_answer_or_a_typed_error(roster in hostile_roster(), c in contract(), randomized in prop::bool::ANY, by_school in prop::bool::ANY) {
        let mut c = c;
        c["onBadRow"] = json!("skip");
        c["randomized"] = json!(randomized);
        c["assignedBy"] = json!(if by_school { "school" } else { "student" });
        match evaluate_json(&c, roster.as_bytes(), &mut |_| {}) {
            Ok(e) => {
                prop_assert_eq!(evidence_check::first_non_finite(&e), None);
                let s = &e.students;
                prop_assert_eq!(s.with_outcome + s.missing_outcome + s.no_room_to_grow, s.at_fidelity);
                prop_assert_eq!(s.rows as usize + e.rejected_count, roster.lines().count() - 1);
            }
            Err(e) => prop_assert!(["invalidRoster", "amountTooLarge"].contains(&e.code.as_str()), "{:?}", e),
        }
    }

    #[test]
    fn line_endings_and_a_byte_order_mark_change_nothing(students in prop::collection::vec(student(), 1..30), c in contract()) {
        let plain = csv(&c, &students);
        let windows = format!("\u{feff}{}", plain.replace('\n', "\r\n"));
        let (a, mut b) = (run(&c, &plain), run(&c, &windows));
        // Only the roster digest differs: it is of the bytes as given.
        prop_assert_ne!(&a.report.roster_digest, &b.report.roster_digest);
        b.report.roster_digest.clone_from(&a.report.roster_digest);
        prop_assert_eq!(a, b);
    }
}
