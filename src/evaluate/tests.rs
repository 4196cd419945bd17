//! Payments computed by hand from the contract rules, for every option, with ties at each
//! threshold. The base roster (fidelity: 30 min/week and 10 weeks; tiers at gains 5 and 10):
//!
//! | id | gain | min/week | weeks | status |
//! |---|---|---|---|---|
//! | A1 | 15 | 30 (tie) | 20 | tier "Typical" (5000) |
//! | A2 | 10 (tie) | 30 | 20 | tier "Typical" (5000) |
//! | A3 | 9.99 | 30 | 20 | tier "Some" (2000) |
//! | A4 | 5 (tie) | 60 | 10 (tie) | tier "Some" (2000) |
//! | A5 | 4 | 30 | 20 | no tier |
//! | A6 | -5 | 30 | 20 | no tier, declined |
//! | A7 | missing | 30 | 20 | missing outcome |
//! | A8 | 30 | 29.5 | 20 | below fidelity |
//! | A9 | 30 | 66.7 | 9 | below fidelity |

use super::*;
use serde_json::{json, Value};

const ROSTER: &str = "student_id,pre,post,minutes,weeks
A1,200,215,600,20
A2,200,210,600,20
A3,200,209.99,600,20
A4,200,205,600,10
A5,200,204,600,20
A6,200,195,600,20
A7,200,,600,20
A8,200,230,590,20
A9,200,230,600,9
";

fn contract() -> Value {
    json!({
        "id": "OBC-2025-17", "productName": "Readwell", "period": "2025-26",
        "baseFeeCents": 100000, "perStudentBaseCents": 5000,
        "metric": { "kind": "gain" },
        "paymentCard": [
            { "label": "Typical", "atLeast": 10, "centsPerStudent": 5000 },
            { "label": "Some", "atLeast": 5, "centsPerStudent": 2000 }
        ],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 10 },
        "declinePenaltyCents": 1000,
        "minCellSize": 5
    })
}

fn with(changes: Value) -> Value {
    let mut c = contract();
    for (k, v) in changes.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn run(c: Value, roster: &str) -> Evaluation {
    evaluate_json(&c, roster.as_bytes(), &mut |_| {}).unwrap()
}

fn err(c: Value, roster: &str) -> Error {
    evaluate_json(&c, roster.as_bytes(), &mut |_| {}).unwrap_err()
}

#[test]
fn base_case_by_hand() {
    let e = run(contract(), ROSTER);
    let p = e.payment;
    assert_eq!(p.base_cents, 100000 + 9 * 5000);
    assert_eq!(p.outcome_cents, 5000 + 5000 + 2000 + 2000);
    assert_eq!(p.penalty_cents, 1000);
    assert_eq!(p.total_cents, 145000 + 14000 - 1000);
    assert_eq!(p.maximum_cents, 145000 + 9 * 5000);
    assert!((p.contingent_share - 45000.0 / 190000.0).abs() < 1e-12);
    assert!(!p.cap_applied && !p.floor_applied);
    assert_eq!(p.district_obligation_met, None);
    let s = &e.students;
    assert_eq!(
        (
            s.rows,
            s.enrolled,
            s.at_fidelity,
            s.with_outcome,
            s.missing_outcome
        ),
        (9, 9, 7, 6, 1)
    );
    assert_eq!((s.met_target, s.declined, s.below_all_tiers), (4, 1, 2));
    // Tiers listed lowest threshold first.
    let tiers: Vec<(&str, u64)> = s
        .by_tier
        .iter()
        .map(|t| (t.label.as_str(), t.count))
        .collect();
    assert_eq!(tiers, vec![("Some", 2), ("Typical", 2)]);
    assert_eq!(e.growth.n, 6);
    assert!((e.growth.mean.unwrap() - 38.99 / 6.0).abs() < 1e-9);
    assert!((e.growth.median.unwrap() - 7.495).abs() < 1e-9);
    assert!(e.effect.is_none());
    assert_eq!(e.rejected_count, 0);
    assert_eq!(e.report.schema, "evidence-check/outcomes-report@1");
}

#[test]
fn below_fidelity_options() {
    let full = run(with(json!({ "belowFidelity": "fullOutcome" })), ROSTER);
    assert_eq!(full.payment.outcome_cents, 14000 + 2 * 5000);
    assert_eq!(full.payment.total_cents, 145000 + 24000 - 1000);
    let excluded = run(with(json!({ "belowFidelity": "excluded" })), ROSTER);
    assert_eq!(excluded.students.enrolled, 7);
    assert_eq!(excluded.payment.base_cents, 100000 + 7 * 5000);
    assert_eq!(excluded.payment.total_cents, 135000 + 14000 - 1000);
}

#[test]
fn cap_and_floor() {
    let capped = run(with(json!({ "capCents": 150000 })), ROSTER);
    assert_eq!(capped.payment.total_cents, 150000);
    assert!(capped.payment.cap_applied);
    assert_eq!(capped.payment.maximum_cents, 150000);
    let at_cap = run(with(json!({ "capCents": 158000 })), ROSTER);
    assert_eq!(at_cap.payment.total_cents, 158000);
    assert!(!at_cap.payment.cap_applied);
    let floored = run(with(json!({ "floorCents": 170000 })), ROSTER);
    assert_eq!(floored.payment.total_cents, 170000);
    assert!(floored.payment.floor_applied);
    // A floor equal to what was earned (158,000) changes nothing: it is not applied.
    let even = run(with(json!({ "floorCents": 158000 })), ROSTER);
    assert_eq!(even.payment.total_cents, 158000);
    assert!(!even.payment.floor_applied);
    // A floor equal to the cap: the 158,000 earned is raised to it, by the floor, not the cap.
    let pinned = run(
        with(json!({ "floorCents": 170000, "capCents": 170000 })),
        ROSTER,
    );
    assert_eq!(pinned.payment.total_cents, 170000);
    assert!(pinned.payment.floor_applied && !pinned.payment.cap_applied);
    let e = err(with(json!({ "floorCents": 2, "capCents": 1 })), ROSTER);
    assert_eq!(e.code, "invalidContract");
    assert_eq!(e.field_errors()[0].path, "floorCents");
}

#[test]
fn penalty_never_takes_the_total_below_zero() {
    let e = run(with(json!({ "declinePenaltyCents": 10_000_000 })), ROSTER);
    assert_eq!(e.payment.penalty_cents, 10_000_000);
    assert_eq!(e.payment.total_cents, 0);
}

#[test]
fn district_shortfall_pays_in_full() {
    // 7 of 9 enrolled at fidelity = 0.777...
    let short = run(
        with(json!({ "districtObligation": { "minShareAtFidelity": 0.8 } })),
        ROSTER,
    );
    assert_eq!(short.payment.district_obligation_met, Some(false));
    assert_eq!(short.payment.outcome_cents, 9 * 5000);
    assert_eq!(short.payment.penalty_cents, 0);
    assert_eq!(short.payment.total_cents, 145000 + 45000);
    let short_capped = run(
        with(json!({ "districtObligation": { "minShareAtFidelity": 0.8 }, "capCents": 180000 })),
        ROSTER,
    );
    assert_eq!(short_capped.payment.total_cents, 180000);
    // Exactly at the share (7/9) meets it.
    let tie = run(
        with(json!({ "districtObligation": { "minShareAtFidelity": 7.0 / 9.0 } })),
        ROSTER,
    );
    assert_eq!(tie.payment.district_obligation_met, Some(true));
    assert_eq!(tie.payment.total_cents, 158000);
}

#[test]
fn missing_outcome_policy() {
    // 4 of the 6 at-fidelity students with an outcome met the target; under notMet the one
    // missing an outcome (A7) counts as not meeting it: 4 of 7.
    let exclude = run(contract(), ROSTER);
    assert_eq!(
        (exclude.students.met_target, exclude.students.judged),
        (4, 6)
    );
    let not_met = run(with(json!({ "missingOutcome": "notMet" })), ROSTER);
    assert_eq!(
        (not_met.students.met_target, not_met.students.judged),
        (4, 7)
    );
    assert_eq!(not_met.payment.total_cents, 158000);
}

#[test]
fn each_metric() {
    let roster = "student_id,pre,post,minutes,weeks,grade\nB1,60,80,900,30,3\nB2,50,55,900,30,4\n";
    // Normalized gain: B1 (80-60)/(100-60) = 0.5; B2 5/50 = 0.1. Tier at 0.5.
    let card = json!([{ "label": "Half the room", "atLeast": 0.5, "centsPerStudent": 700 }]);
    let e = run(
        with(
            json!({ "metric": { "kind": "normalizedGain", "maxScore": 100 }, "paymentCard": card }),
        ),
        roster,
    );
    assert_eq!(e.payment.outcome_cents, 700);
    // Percent of typical, prorated: B1 20 / (25 * 30/30) = 80%; B2 5 / (10 * 30/36) = 60%.
    let norms = json!([{ "grade": 3, "typicalGrowth": 25, "weeks": 30 }, { "grade": 4, "typicalGrowth": 10, "weeks": 36 }]);
    let card = json!([{ "label": "60%", "atLeast": 60, "centsPerStudent": 100 }, { "label": "80%", "atLeast": 80, "centsPerStudent": 300 }]);
    let e = run(
        with(
            json!({ "metric": { "kind": "percentOfTypical", "norms": norms }, "paymentCard": card }),
        ),
        roster,
    );
    assert_eq!(e.payment.outcome_cents, 300 + 100);
    assert!((e.growth.mean.unwrap() - 70.0).abs() < 1e-9);
    // Growth index: B1 (20 - 10)/5 = 2; B2 (5 - 6)/2 = -0.5.
    let norms = json!([{ "grade": 3, "mean": 10, "sd": 5 }, { "grade": 4, "mean": 6, "sd": 2 }]);
    let card = json!([{ "label": "Above norm", "atLeast": 0, "centsPerStudent": 1000 }]);
    let e = run(
        with(json!({ "metric": { "kind": "growthIndex", "norms": norms }, "paymentCard": card })),
        roster,
    );
    assert_eq!(e.payment.outcome_cents, 1000);
    assert!((e.growth.mean.unwrap() - 0.75).abs() < 1e-12);
    // Post score as a reading gate at 55: both pass (80, 55 tie).
    let card = json!([{ "label": "Reading gate", "atLeast": 55, "centsPerStudent": 400 }]);
    let e = run(
        with(json!({ "metric": { "kind": "postScore" }, "paymentCard": card })),
        roster,
    );
    assert_eq!(e.payment.outcome_cents, 800);
    // A norm missing for a grade in the roster is a contract error.
    let norms = json!([{ "grade": 3, "mean": 10, "sd": 5 }]);
    let e = err(
        with(json!({ "metric": { "kind": "growthIndex", "norms": norms } })),
        roster,
    );
    assert_eq!(e.code, "invalidContract");
    assert_eq!(e.field_errors()[0].path, "metric.norms");
    assert!(
        e.field_errors()[0].message.contains("grade 4"),
        "{}",
        e.message
    );
}

#[test]
fn contract_errors() {
    let bad = json!({
        "baseFeeCents": -1, "perStudentBaseCents": 10.5, "metric": { "kind": "vibes" }, "paymentCard": [],
        "fidelity": { "minMinutesPerWeek": 30 }, "bonus": 1
    });
    let e = evaluate_json(&bad, ROSTER.as_bytes(), &mut |_| {}).unwrap_err();
    assert_eq!(e.code, "invalidContract");
    let got: Vec<(&str, &str)> = e
        .field_errors()
        .iter()
        .map(|f| (f.path.as_str(), f.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("bonus", "unknownField"),
            ("baseFeeCents", "negativeCents"),
            ("perStudentBaseCents", "fractionalCents"),
            ("metric.kind", "invalidValue"),
            ("paymentCard", "empty"),
            ("fidelity.minWeeks", "required")
        ]
    );
}

#[test]
fn bad_rows_rejected_with_line_numbers() {
    let roster = "student_id,pre,post,minutes,weeks
C1,200,210,600,20
C2,abc,210,600,20
C3,200,210,-5,20
C4,200,210,600,0
C1,200,210,600,20
C6,200,210,600
C7,200,1,5,600,20
C8,200,210,600,20
";
    let e = err(contract(), roster);
    assert_eq!(e.code, "invalidRoster");
    let Details::Rows { errors, total } = &e.details else {
        panic!()
    };
    assert_eq!(*total, 6);
    let got: Vec<(u64, &str, Option<&str>)> = errors
        .iter()
        .map(|r| (r.line, r.code.as_str(), r.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "invalidNumber", Some("pre")),
            (4, "negativeNumber", Some("minutes")),
            (5, "outOfRange", Some("weeks")),
            (6, "duplicateId", Some("student_id")),
            (7, "wrongFieldCount", None),
            (8, "wrongFieldCount", None)
        ]
    );
    assert!(errors[3].message.contains("line 2"));
    assert!(
        e.message
            .starts_with("6 rows of the roster are not valid (line 3: \"abc\" is not a number)"),
        "{}",
        e.message
    );
    // Skip: the bad rows are left out of everything and reported.
    let skipped = run(with(json!({ "onBadRow": "skip" })), roster);
    assert_eq!(skipped.students.rows, 2);
    assert_eq!(skipped.rejected_count, 6);
    assert_eq!(skipped.rejected_rows.len(), 6);
    assert_eq!(skipped.payment.base_cents, 100000 + 2 * 5000);
}

#[test]
fn bom_and_crlf_read_the_same() {
    let plain = run(contract(), ROSTER);
    let crlf = format!("\u{feff}{}", ROSTER.replace('\n', "\r\n"));
    // Everything is the same but the roster digest, which is of the bytes as given.
    let same = |mut other: Evaluation| {
        assert_ne!(other.report.roster_digest, plain.report.roster_digest);
        other
            .report
            .roster_digest
            .clone_from(&plain.report.roster_digest);
        assert_eq!(other, plain);
    };
    same(run(contract(), &crlf));
    // Header names are matched case-insensitively after trimming; quoted fields per RFC 4180.
    let quoted = ROSTER
        .replacen(
            "student_id,pre,post,minutes,weeks",
            " Student_ID ,PRE,\"post\",Minutes,weeks",
            1,
        )
        .replace("A1,", "\"A1\",");
    same(run(contract(), &quoted));
}

#[test]
fn floating_point_gain_at_a_tier() {
    // 10.1 - 0.1 is 9.999999999999998 in floating point but meets a tier at 10; 9.99 does not.
    let roster = "student_id,pre,post,minutes,weeks\nD1,0.1,10.1,600,20\nD2,0,9.99,600,20\n";
    let e = run(contract(), roster);
    let tiers: Vec<u64> = e.students.by_tier.iter().map(|t| t.count).collect();
    assert_eq!(tiers, vec![1, 1]);
}

const COMPARISON: &str = "student_id,pre,post,minutes,weeks,group,school,ell
S-QX7-01,4,5,600,20,T,North,Y
S-QX7-02,5,6,600,20,T,North,N
S-QX7-03,6,7,600,20,T,South,N
S-QX7-04,4,4,0,20,C,North,N
S-QX7-05,5,5,0,20,C,South,Y
S-QX7-06,6,6,0,20,C,South,N
";

#[test]
fn effect_with_a_comparison_group() {
    // Post 5,6,7 vs 4,5,6: the handbook example, g = 0.8; pre-tests identical, baseline g = 0.
    let e = run(contract(), COMPARISON);
    let effect = e.effect.unwrap();
    assert_eq!(effect.kind, "localComparison");
    assert!((effect.post.g - 0.8).abs() < 1e-12);
    assert_eq!(effect.baseline_g, Some(0.0));
    assert_eq!(effect.baseline, Some(Baseline::Satisfied));
    assert_eq!(effect.design, "qed");
    assert_eq!(effect.assigned_by, "student"); // both schools hold both groups
    assert_eq!(effect.attrition.overall, 0.0);
    assert!(!effect.independent, "independence is never assumed");
    // A QED with baseline equivalence could meet standards with reservations; p = 0.40 gives no tier.
    let support = effect.could_support.unwrap();
    assert_eq!(support.rating, Rating::MeetsWithReservations);
    assert_eq!(support.essa_tier, None);
    assert_eq!(
        effect.summary,
        "+0.80 SD, not statistically significant (p = 0.399): a local comparison (not randomized) of 3 intervention and 3 comparison students with a post-test, not a WWC review."
    );
    assert_eq!(e.students.comparison, 3);
    assert_eq!(e.students.enrolled, 3);
    // Comparison students are not paid.
    assert_eq!(e.payment.base_cents, 100000 + 3 * 5000);
}

/// 200 intervention students in one school and 200 comparison students in another: post-tests
/// 90/120 against 85/115 (means 105 and 100, SD 15.04), pre-tests 95/105 in both.
fn two_school_roster() -> String {
    let mut roster = String::from("student_id,pre,post,minutes,weeks,group,school\n");
    for i in 0..400 {
        let (group, school, low) = if i < 200 {
            ("T", "Adams", 90)
        } else {
            ("C", "Baker", 85)
        };
        let post = if i % 2 == 0 { low } else { low + 30 };
        let pre = if i % 2 == 0 { 95 } else { 105 };
        roster += &format!("S{i},{pre},{post},600,20,{group},{school}\n");
    }
    roster
}

#[test]
fn one_school_per_group_is_a_confound_not_tier_2() {
    // Not randomized, every intervention student in one school and every comparison student in
    // another: the schools line up with the groups, so the comparison is cluster-adjusted
    // (M = 2, icc 0.20: p 0.64 instead of 0.001, scipy) and the single-school confound means
    // it supports no rating and no tier.
    let e = run(contract(), &two_school_roster());
    let effect = e.effect.unwrap();
    assert_eq!(effect.assigned_by, "school");
    assert!((effect.post.g - 0.29683533493261594).abs() < 1e-9);
    assert!((effect.post.se - 0.6388354189323673).abs() < 1e-9);
    assert!((effect.post.p_value - 0.6424356898314543).abs() < 1e-9);
    assert!(!effect.post.significant);
    assert!(effect.could_support.is_none());
    let confound = effect
        .conditions
        .iter()
        .find(|k| k.id == "noSingleSchoolConfound")
        .unwrap();
    assert!(!confound.met);
    assert!(
        confound.message.contains("n = 1 confound"),
        "{}",
        confound.message
    );
    assert_eq!(
        e.report.effect.as_ref().unwrap().conditions_met,
        Some(false)
    );
    assert!(e.report.effect.as_ref().unwrap().could_support.is_none());
    // Two schools randomized one to each arm: still a confound, never a tier-1 cluster RCT.
    let randomized = run(
        with(json!({ "randomized": true, "assignedBy": "school" })),
        &two_school_roster(),
    );
    let effect = randomized.effect.unwrap();
    assert_eq!(effect.design, "clusterRct");
    assert!(effect.could_support.is_none());
    assert!((effect.post.p_value - 0.6424356898314543).abs() < 1e-9);
}

#[test]
fn a_randomized_roster_with_a_significant_effect() {
    // tests/fixtures/contracts/roster-rct.csv: 400 students randomized one by one within four
    // schools of two districts; 10 + 8 post-tests missing. Expected values from the published
    // formulas in Python (scipy): g 0.2236, p 0.030, baseline g -0.035, attrition 4.5% / 1 point.
    let roster = include_str!("../../tests/fixtures/contracts/roster-rct.csv");
    let c = with(json!({ "randomized": true, "minCellSize": 10,
        "evaluator": { "name": "North ISD research office", "independent": true } }));
    let e = run(c.clone(), roster);
    let effect = e.effect.clone().unwrap();
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-9, "{a} != {b}");
    close(effect.post.g, 0.22361723803431008);
    close(effect.post.se, 0.10264960967142521);
    close(effect.post.p_value, 0.029986450514847527);
    close(effect.post.ci_lower, 0.021784865896519512);
    close(effect.post.ci_upper, 0.42544961017210065);
    assert_eq!(effect.post.df, 380.0);
    assert_eq!(
        (effect.post.n_intervention, effect.post.n_comparison),
        (190.0, 192.0)
    );
    close(effect.baseline_g.unwrap(), -0.03459872140856113);
    close(effect.attrition.overall, 0.045);
    close(effect.attrition.differential, 0.01);
    assert!(effect.attrition.low);
    // At 4.5% overall the cautious boundary is 6.0 points (WWC Handbook 4.1, Table II.1: the
    // stricter of the rows for 4% and 5%, 6.0 and 6.1), a fraction like the rates above.
    assert_eq!(effect.attrition.boundary, Some(0.06));
    assert_eq!(effect.design, "rct");
    assert_eq!(
        effect.summary,
        "+0.22 SD, statistically significant (p = 0.030): a local randomized comparison of 190 intervention and 192 comparison students with a post-test, not a WWC review."
    );
    assert_eq!(effect.sites, 2, "two districts");
    assert!(effect.independent);
    let support = effect.could_support.unwrap();
    assert_eq!(support.rating, Rating::MeetsWithoutReservations);
    // 382 analysed students in 2 districts: tier 1 under the default policy.
    assert_eq!(support.essa_tier, Some(1), "{}", support.essa_rationale);
    // The sample is both groups, 190 + 192: a policy asking for 382 students still finds tier
    // 1, one asking for 383 does not.
    for (min, tier) in [(382, 1), (383, 3)] {
        let mut asks = c.clone();
        asks["evidencePolicy"] = json!({ "minStudents": min });
        let support = run(asks, roster).effect.unwrap().could_support.unwrap();
        assert_eq!(support.essa_tier, Some(tier), "{}", support.essa_rationale);
    }
    let published = e.report.effect.unwrap();
    assert!(published.conditions_met == Some(true) && published.significant);
    assert_eq!(
        published.evaluator.as_deref(),
        Some("North ISD research office")
    );
    // Without the district column the roster is one district's: one site, tier 3.
    let one_district: String = roster
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    let e = run(c.clone(), &one_district);
    assert_eq!(e.effect.as_ref().unwrap().sites, 1);
    assert_eq!(e.effect.unwrap().could_support.unwrap().essa_tier, Some(3));
    // Counting schools as sites (a policy choice): only schools holding both groups count, 4.
    let mut by_school = c.clone();
    by_school["evidencePolicy"] = json!({ "siteUnit": "school" });
    assert_eq!(run(by_school, &one_district).effect.unwrap().sites, 4);
    // Not randomized, the same data is a QED: baseline |g| = 0.035 <= 0.05 holds, so it meets
    // standards with reservations: tier 2.
    let mut qed = c;
    qed["randomized"] = json!(false);
    let support = run(qed, roster).effect.unwrap().could_support.unwrap();
    assert_eq!(support.rating, Rating::MeetsWithReservations);
    assert_eq!(support.essa_tier, Some(2));
}

#[test]
fn a_school_in_both_groups_breaks_assignment_by_school() {
    // COMPARISON's two schools each hold both groups: M is 2 distinct schools (not 4), and the
    // assignment-by-school condition fails.
    let e = run(
        with(json!({ "assignedBy": "school", "randomized": true })),
        COMPARISON,
    );
    let effect = e.effect.unwrap();
    assert!(effect.post.cluster_corrected);
    let assignment = effect
        .conditions
        .iter()
        .find(|k| k.id == "assignmentBySchool")
        .unwrap();
    assert!(!assignment.met);
    assert_eq!(
        assignment.message,
        "2 schools have students in both groups, so assignment was not by school."
    );
    assert!(effect.could_support.is_none());
    // Two distinct schools (M = 2, not 4) for N = 6: n = 3, icc 0.2, d = 1 (post 5,6,7 vs 4,5,6).
    // By hand: gamma = 1 - 2(2)(0.2)/4 = 0.8; h = 3.2^2 / (4 x 0.8^2) = 4; omega_h = 1 - 3/15.
    assert!((effect.post.df - 4.0).abs() < 1e-12);
    assert!((effect.post.g - 0.8 * 0.8f64.sqrt()).abs() < 1e-12);
}

#[test]
fn excluding_students_below_fidelity_does_not_hide_the_districts_shortfall() {
    // Four intervention students, two below fidelity (10 min/week): 2 of 4 at fidelity misses
    // a 0.75 obligation even when the two are excluded from enrolment; the district pays in
    // full for all four: 100000 + 4 x (5000 + 5000).
    let roster = "student_id,pre,post,minutes,weeks\nF1,200,215,600,20\nF2,200,215,600,20\nF3,200,215,200,20\nF4,200,215,200,20\n";
    let e = run(
        with(
            json!({ "belowFidelity": "excluded", "districtObligation": { "minShareAtFidelity": 0.75 } }),
        ),
        roster,
    );
    assert_eq!(e.payment.district_obligation_met, Some(false));
    assert_eq!(e.students.intervention, 4);
    assert_eq!(e.payment.total_cents, 100000 + 4 * (5000 + 5000));
    // At 0.5 the obligation is met and the two are excluded as the contract says.
    let e = run(
        with(
            json!({ "belowFidelity": "excluded", "districtObligation": { "minShareAtFidelity": 0.5 } }),
        ),
        roster,
    );
    assert_eq!(e.payment.district_obligation_met, Some(true));
    assert_eq!(e.payment.total_cents, 100000 + 2 * 5000 + 2 * 5000);
}

#[test]
fn a_pre_test_at_the_maximum_stays_enrolled() {
    // Normalized gain with a maximum of 100: G1's pre-test is 100, no room to grow. It is not a
    // bad row: it stays enrolled (paid its base), counted apart, treated as a missing outcome.
    let roster = "student_id,pre,post,minutes,weeks\nG1,100,100,600,20\nG2,60,80,600,20\n";
    let c = with(
        json!({ "metric": { "kind": "normalizedGain", "maxScore": 100 },
        "paymentCard": [{ "label": "Half", "atLeast": 0.5, "centsPerStudent": 700 }],
        "onBadRow": "skip" }),
    );
    let e = run(c.clone(), roster);
    assert_eq!(e.rejected_count, 0);
    assert_eq!(e.students.enrolled, 2);
    assert_eq!(e.students.no_room_to_grow, 1);
    assert_eq!(e.students.missing_outcome, 0);
    assert_eq!(e.students.with_outcome, 1);
    assert_eq!(e.payment.total_cents, 100000 + 2 * 5000 + 700);
    assert!(e
        .notes
        .iter()
        .any(|n| n.contains("no room for a normalized gain")));
    let mut not_met = c;
    not_met["missingOutcome"] = json!("notMet");
    let e = run(not_met, roster);
    assert_eq!((e.students.met_target, e.students.judged), (1, 2));
    // Two students: no outcome figure is published at all.
    assert_eq!(e.report.share_met_target, None);
    assert!(e
        .report
        .disclosure
        .withheld
        .as_deref()
        .unwrap()
        .starts_with("Fewer than 5 students have an outcome"));
    // A score above the maximum is still a bad row.
    let e = run(
        with(
            json!({ "metric": { "kind": "normalizedGain", "maxScore": 100 }, "onBadRow": "skip" }),
        ),
        "student_id,pre,post,minutes,weeks\nG3,101,100,600,20\nG2,60,80,600,20\nG4,90,101,600,20\nG5,120,,600,20\n",
    );
    let said: Vec<(&str, Option<&str>, &str)> = e
        .rejected_rows
        .iter()
        .map(|r| (r.code.as_str(), r.column.as_deref(), r.message.as_str()))
        .collect();
    // Each in its own column, and a pre-test above the maximum without a post-test too.
    assert_eq!(
        said,
        [
            (
                "aboveMaximum",
                Some("pre"),
                "The pre-test 101 is above the maximum score 100."
            ),
            (
                "aboveMaximum",
                Some("post"),
                "The post-test 101 is above the maximum score 100."
            ),
            (
                "aboveMaximum",
                Some("pre"),
                "The pre-test 120 is above the maximum score 100."
            )
        ]
    );
}

#[test]
fn subgroups_suppress_small_cells_and_one_complement() {
    // 100 students, gains i % 25: 20 below every tier (0-4), 20 "Some" (5-9), 60 "Typical".
    // ell: Y for 3 students (held by fewer than 10: labelled "(other)"), N for 97; grade 3
    // for 48 (i < 48), 4 for 52.
    let mut roster = String::from("student_id,pre,post,minutes,weeks,ell,grade\n");
    for i in 0..100 {
        let ell = if i < 3 { "Y" } else { "N" };
        let grade = if i < 48 { "3" } else { "4" };
        roster += &format!("E{i},200,{},600,20,{ell},{grade}\n", 200 + i % 25);
    }
    let e = run(
        with(json!({ "minCellSize": 10, "subgroupColumns": ["ell", "grade"] })),
        &roster,
    );
    // The district sees every figure, and which ones the report shows: the 3 are withheld,
    // and so is the 97 (else 100 - 97 gives them away).
    let district: Vec<(&str, &str, u64, bool)> = e
        .subgroups
        .iter()
        .map(|c| (c.column.as_str(), c.value.as_str(), c.n, c.in_report))
        .collect();
    assert_eq!(
        district,
        vec![
            ("ell", "N", 97, false),
            ("ell", "(other)", 3, false),
            ("grade", "3", 48, true),
            ("grade", "4", 52, true)
        ]
    );
    // Grade 3: i = 0..47, gains 0..24 then 0..22: 20 + 18 = 38 of 48 reach 5; mean gain
    // (300 + 253) / 48.
    assert_eq!(e.subgroups[2].share_met_target, Some(38.0 / 48.0));
    assert_eq!(e.subgroups[2].mean_metric, Some(553.0 / 48.0));
    let text = serde_json::to_string(&e.report).unwrap();
    assert!(
        text.contains(r#"{"column":"ell","value":"(other)","suppressed":true}"#),
        "{text}"
    );
    assert!(
        !text.contains(r#""value":"Y""#),
        "a rare value is never a label"
    );
    // Nothing more was needed: the tiers (20, 20, 60) and the payment are published exactly;
    // the rule that withheld "(other)" is stated.
    assert_eq!(
        e.report.disclosure.protections,
        [
            "1 further cell withheld (1 of ell) so that a small count cannot be worked out from the others.",
            "A cell is withheld when it holds 1 to 9 students, or when 1 to 9 of its students are judged, have an outcome, or (unless its share is coded as 5% or less, or 95% or more, over at least 200 judged) meet the target or do not."
        ]
    );
    assert_eq!(e.report.payment.total_cents, Some(e.payment.total_cents));
    assert_eq!(
        e.report.tiers.iter().map(|t| t.count).collect::<Vec<_>>(),
        vec![Some(20), Some(60)]
    );
}

#[test]
fn the_report_never_contains_a_student_id() {
    let e = run(
        with(json!({ "subgroupColumns": ["ell", "school"], "minCellSize": 5 })),
        COMPARISON,
    );
    let text = serde_json::to_string(&e.report).unwrap();
    for line in COMPARISON.lines().skip(1) {
        let id = line.split(',').next().unwrap();
        assert!(!text.contains(id), "{id} in {text}");
    }
    assert!(!text.contains("S-QX7"));
}

#[test]
fn progress_is_non_decreasing_and_ends_at_one() {
    let mut roster = String::from("student_id,pre,post,minutes,weeks\n");
    for i in 0..20000 {
        roster += &format!("P{i},200,{},600,20\n", 200 + i % 20);
    }
    let mut seen = Vec::new();
    evaluate_json(&contract(), roster.as_bytes(), &mut |f| seen.push(f)).unwrap();
    assert!(seen.len() > 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]));
    assert!(seen.iter().all(|&f| f > 0.0 && f <= 1.0));
    assert_eq!(*seen.last().unwrap(), 1.0);
}

#[test]
fn huge_amounts_are_an_error_not_a_wrong_number() {
    let card = json!([{ "label": "Max", "atLeast": 0, "centsPerStudent": 9007199254740991u64 }]);
    let e = err(with(json!({ "paymentCard": card })), ROSTER);
    assert_eq!(e.code, "amountTooLarge");
    // 2^53 - 1 cents itself is exact, and paid.
    let card = json!([{ "label": "None", "atLeast": 0, "centsPerStudent": 0 }]);
    let most = run(
        with(
            json!({ "paymentCard": card, "perStudentBaseCents": 0, "declinePenaltyCents": 0, "baseFeeCents": 9007199254740991u64 }),
        ),
        ROSTER,
    );
    assert_eq!(
        (most.payment.total_cents, most.payment.maximum_cents),
        (9007199254740991, 9007199254740991)
    );
}

#[test]
fn histogram_bins_by_hand() {
    // 0..=10 in 5 bins of width 2: [0,2) 0,1; [2,4) 2,3; [4,6) 4,5; [6,8) 6,7; [8,10] 8,9,10.
    let values: Vec<f64> = (0..=10).map(f64::from).collect();
    let bins = histogram(&values, 5);
    let counts: Vec<u64> = bins.iter().map(|b| b.count).collect();
    assert_eq!(counts, vec![2, 2, 2, 2, 3]);
    assert_eq!((bins[0].from, bins[4].to), (0.0, 10.0));
    assert_eq!(
        histogram(&[3.0, 3.0], 5),
        vec![Bin {
            from: 3.0,
            to: 3.0,
            count: 2
        }]
    );
    assert!(histogram(&[], 5).is_empty());
    // From 1 to 4 in bins of width 1, every edge written out.
    let bin = |from, to, count| Bin { from, to, count };
    assert_eq!(
        histogram(&[1.0, 1.5, 2.2, 2.5, 3.9, 4.0, 2.0], 3),
        vec![bin(1.0, 2.0, 2), bin(2.0, 3.0, 3), bin(3.0, 4.0, 2)]
    );
    // The last bin ends at the largest value itself, not at lo + 3 x width (0.8999999999999999
    // in floating point), so it shows the value it holds.
    let bins = histogram(&[0.0, 0.9], 3);
    assert_eq!(
        bins.iter().map(|b| b.count).collect::<Vec<_>>(),
        vec![1, 0, 1]
    );
    assert_eq!(bins[2].to, 0.9);
    assert_eq!(
        run(contract(), ROSTER)
            .distribution
            .iter()
            .map(|b| b.count)
            .sum::<u64>(),
        6
    );
}

#[test]
fn a_card_that_pays_less_for_more_growth_is_refused() {
    let card = json!([{ "label": "Some", "atLeast": 5, "centsPerStudent": 5000 }, { "label": "More", "atLeast": 10, "centsPerStudent": 2000 }]);
    let e = err(with(json!({ "paymentCard": card })), ROSTER);
    assert_eq!(e.code, "invalidContract");
    assert_eq!(e.field_errors()[0].path, "paymentCard[1].centsPerStudent");
    assert_eq!(e.field_errors()[0].code, "decreasingTier");
}

#[test]
fn subgroup_cells_come_in_a_readers_order() {
    // Five students for each value (a value held by fewer than the cell size is "(other)").
    let mut roster = String::from("student_id,pre,post,minutes,weeks,grade,cohort\n");
    for (k, (grade, cohort)) in [("3", "b"), ("K", ""), ("10", "a"), ("2", "b")]
        .iter()
        .enumerate()
    {
        for i in 0..5 {
            roster += &format!("S{k}-{i},1,2,600,20,{grade},{cohort}\n");
        }
    }
    roster += "Z,1,2,600,20,7,c\n";
    let e = run(
        with(json!({ "subgroupColumns": ["grade", "cohort"] })),
        &roster,
    );
    let values: Vec<(&str, &str)> = e
        .subgroups
        .iter()
        .map(|c| (c.column.as_str(), c.value.as_str()))
        .collect();
    assert_eq!(
        values,
        vec![
            ("grade", "K"),
            ("grade", "2"),
            ("grade", "3"),
            ("grade", "10"),
            ("grade", "(other)"),
            ("cohort", "(blank)"),
            ("cohort", "a"),
            ("cohort", "b"),
            ("cohort", "(other)")
        ]
    );
}

/// 200 + 200 randomized students, post 90/120 vs 85/115, pre 95/105, with the school and
/// district of each row from `place(i, intervention)`.
fn placed(place: impl Fn(usize, bool) -> (String, String)) -> String {
    let mut roster = String::from("student_id,pre,post,minutes,weeks,group,school,district\n");
    for i in 0..400 {
        let t = i < 200;
        let (school, district) = place(i, t);
        let post = if i % 2 == 0 {
            if t {
                90
            } else {
                85
            }
        } else if t {
            120
        } else {
            115
        };
        let pre = if i % 2 == 0 { 95 } else { 105 };
        roster += &format!(
            "S{i},{pre},{post},600,20,{},{school},{district}\n",
            if t { "T" } else { "C" }
        );
    }
    roster
}

fn condition<'a>(e: &'a LocalEffect, id: &str) -> &'a Condition {
    e.conditions
        .iter()
        .find(|k| k.id == id)
        .unwrap_or_else(|| panic!("no condition {id}: {:?}", e.conditions))
}

#[test]
fn a_district_that_lines_up_with_a_group_is_a_confound_and_not_two_sites() {
    // Randomized students, but every intervention student in North and every comparison
    // student in South (schools shared within each district would not help).
    let roster = placed(|i, t| {
        (
            format!("School {}", i % 4),
            (if t { "North" } else { "South" }).into(),
        )
    });
    let e = run(with(json!({ "randomized": true })), &roster)
        .effect
        .unwrap();
    assert!(!condition(&e, "noSingleDistrictConfound").met);
    assert_eq!(e.sites, 1, "no district holds both groups");
    assert!(e.could_support.is_none());
}

#[test]
fn blank_or_token_school_values_do_not_pass_the_confound_check() {
    // A school column left blank is not "schools that hold both groups".
    let blank = placed(|_, _| (String::new(), "North".into()));
    let e = run(contract(), &blank).effect.unwrap();
    let k = condition(&e, "noSingleSchoolConfound");
    assert!(!k.met);
    assert!(
        k.message
            .contains("400 analysed students have no school recorded"),
        "{}",
        k.message
    );
    // One comparison student planted in the intervention school: still one school per group
    // (the planted student is under 5% of the school), so cluster-adjusted and a confound.
    let planted = placed(|i, t| {
        (
            (if t || i == 200 {
                "Lincoln"
            } else {
                "Jefferson"
            })
            .into(),
            "North".into(),
        )
    });
    let e = run(with(json!({ "randomized": true })), &planted)
        .effect
        .unwrap();
    assert_eq!(e.assigned_by, "school");
    assert!(e.post.cluster_corrected);
    assert!(!condition(&e, "noSingleSchoolConfound").met);
    assert!(e.could_support.is_none());
    // One student with no school among schools that line up with the groups: still analysed
    // as whole schools (a p-value as if students were assigned one by one would claim too
    // much), and the confound check fails on the unknown school.
    let one_blank = placed(|i, t| {
        let school = match (i, t) {
            (399, _) => "",
            (_, true) => "Lincoln",
            _ => "Jefferson",
        };
        (school.into(), "North".into())
    });
    let e = run(with(json!({ "randomized": true })), &one_blank)
        .effect
        .unwrap();
    assert_eq!(e.assigned_by, "school");
    assert!(e.post.cluster_corrected);
    let k = condition(&e, "noSingleSchoolConfound");
    assert!(
        !k.met && k.message.starts_with("1 analysed student has no school"),
        "{}",
        k.message
    );
}

#[test]
fn district_names_are_compared_without_case_and_blanks_count_as_unknown() {
    // All in North, with shared schools; one comparison row spelt NORTH: still one district.
    let spelt = placed(|i, _| {
        (
            format!("School {}", i % 4),
            (if i == 399 { " NORTH" } else { "North" }).into(),
        )
    });
    let e = run(with(json!({ "randomized": true })), &spelt)
        .effect
        .unwrap();
    assert_eq!(e.sites, 1);
    assert!(condition(&e, "noSingleDistrictConfound").met);
    // A blank district is no second site; it makes the district condition unknown.
    let blank = placed(|i, _| {
        (
            format!("School {}", i % 4),
            (if i == 399 { "" } else { "North" }).into(),
        )
    });
    let e = run(with(json!({ "randomized": true })), &blank)
        .effect
        .unwrap();
    assert_eq!(e.sites, 1);
    assert!(!condition(&e, "noSingleDistrictConfound").met);
}

#[test]
fn rows_left_out_block_a_rating_and_a_missing_pre_test_is_not_a_bad_row() {
    let roster = include_str!("../../tests/fixtures/contracts/roster-rct.csv");
    // 60 post-tests written "NA": skipped as bad rows, they would vanish from attrition.
    let mut lines: Vec<String> = roster.lines().map(str::to_string).collect();
    for line in lines
        .iter_mut()
        .skip(1)
        .filter(|l| l.contains(",T,"))
        .take(60)
    {
        let mut cells: Vec<&str> = line.split(',').collect();
        cells[2] = "NA";
        *line = cells.join(",");
    }
    let na = lines.join("\n") + "\n";
    let c = with(json!({ "randomized": true, "onBadRow": "skip", "minCellSize": 10 }));
    let e = run(c.clone(), &na);
    assert_eq!(e.rejected_count, 60);
    let effect = e.effect.unwrap();
    let k = condition(&effect, "everyRowRead");
    assert!(!k.met);
    assert!(
        k.message.starts_with("60 rows could not be read"),
        "{}",
        k.message
    );
    assert!(effect.could_support.is_none());
    // An empty pre-test is a missing outcome under a gain metric, not a bad row.
    let e = run(
        contract(),
        "student_id,pre,post,minutes,weeks\nP1,,210,600,20\nP2,200,210,600,20\n",
    );
    assert_eq!(
        (
            e.rejected_count,
            e.students.missing_outcome,
            e.students.with_outcome
        ),
        (0, 1, 1)
    );
}

#[test]
fn a_randomized_roster_with_a_large_baseline_gap_is_flagged_and_the_policy_published() {
    // Pre-tests 50 points apart between the groups of a "randomized" roster.
    let mut roster = String::from("student_id,pre,post,minutes,weeks,group\n");
    for i in 0..40 {
        let t = i % 2 == 0;
        roster += &format!(
            "B{i},{},{},600,20,{}\n",
            if t { 250 + i % 5 } else { 200 + i % 5 },
            260 + i % 7,
            if t { "T" } else { "C" }
        );
    }
    let e = run(with(json!({ "randomized": true })), &roster);
    assert!(
        e.notes
            .iter()
            .any(|n| n.contains("check that the random assignment held")),
        "{:?}",
        e.notes
    );
    let published = e.report.effect.unwrap();
    assert_eq!(published.policy.min_students, 350);
    assert_eq!(published.policy.alpha, 0.05);
    // Not said to be randomized, the same gap is the baseline check's to judge, not a doubt
    // about an assignment nobody claimed.
    let e = run(contract(), &roster);
    assert!(e.effect.unwrap().baseline_g.unwrap() > 0.25);
    assert!(
        !e.notes.iter().any(|n| n.contains("random assignment")),
        "{:?}",
        e.notes
    );
}

/// A roster from groups of students: (count, group, effect added to the post-test, school,
/// district). Pre-tests spread over 31 points, post-tests add noise over 17; deterministic.
fn spec_roster(spec: &[(usize, &str, f64, &str, &str)]) -> String {
    let mut s = String::from("student_id,pre,post,minutes,weeks,group,school,district\n");
    let mut k = 0u64;
    for &(n, group, effect, school, district) in spec {
        for i in 0..n {
            k += 1;
            let pre = 200.0 + ((k * 7919) % 31) as f64 - 15.0;
            let post = pre + effect + ((k * 104729) % 17) as f64 - 8.0
                + if i % 2 == 0 { 0.5 } else { -0.5 };
            s += &format!("S{k},{pre},{post},600,20,{group},{school},{district}\n");
        }
    }
    s
}

/// The local comparison of a roster of `spec`, randomized, with an independent evaluator.
fn randomized_effect(spec: &[(usize, &str, f64, &str, &str)]) -> LocalEffect {
    run(randomized_by(json!({})), &spec_roster(spec))
        .effect
        .unwrap()
}

fn randomized_by(extra: Value) -> Value {
    let mut c = with(
        json!({ "randomized": true, "evaluator": { "name": "North ISD research office", "independent": true } }),
    );
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

#[test]
fn a_school_randomized_roster_with_a_significant_effect_reaches_a_tier() {
    // 10 + 10 schools of 40, five of each group in each of two districts: the roster's own
    // cluster-adjusted p is counted (it is computed here), so tier 1.
    let names: Vec<String> = (0..20).map(|s| format!("K{s}")).collect();
    let spec: Vec<(usize, &str, f64, &str, &str)> = (0..20)
        .map(|s| {
            (
                40,
                if s < 10 { "T" } else { "C" },
                if s < 10 { 15.0 } else { 0.0 },
                names[s].as_str(),
                if s % 10 < 5 { "North" } else { "South" },
            )
        })
        .collect();
    let e = run(
        randomized_by(json!({ "assignedBy": "school" })),
        &spec_roster(&spec),
    )
    .effect
    .unwrap();
    assert!(
        e.post.cluster_corrected && e.post.significant,
        "p {}",
        e.post.p_value
    );
    assert_eq!(e.sites, 2);
    assert!(
        e.summary.contains(
            ": a local randomized comparison of schools of 400 intervention and 400 comparison"
        ),
        "{}",
        e.summary
    );
    assert_eq!(e.could_support.and_then(|s| s.essa_tier), Some(1));
}

#[test]
fn the_baseline_gap_of_a_school_assigned_roster_is_not_shrunk_by_the_cluster_adjustment() {
    // 10 + 10 schools of 20; intervention pre-tests 6 points up (means 206.1 and 200.025,
    // pooled SD 8.94776508408664). Plain Hedges' g (omega = 1 - 3/(4N - 9)), numpy:
    // 0.6776602741921518; with the cluster adjustment (ICC 0.2, n = 20) it would be
    // 0.6702475386816283, a smaller gap than the roster shows.
    let mut roster = String::from("student_id,pre,post,minutes,weeks,group,school\n");
    for k in 1..=400u64 {
        let school = (k - 1) / 20;
        let t = school < 10;
        let pre = 200 + (k * 7919) % 31 - 15 + if t { 6 } else { 0 };
        roster += &format!(
            "S{k},{pre},{},600,20,{},K{school}\n",
            pre + 5,
            if t { "T" } else { "C" }
        );
    }
    let e = run(with(json!({ "assignedBy": "school" })), &roster)
        .effect
        .unwrap();
    assert!(e.post.cluster_corrected);
    let g = e.baseline_g.unwrap();
    assert!((g - 0.6776602741921518).abs() < 1e-9, "{g}");
}

#[test]
fn a_few_students_across_the_line_do_not_make_a_unit_shared() {
    // 95% of the comparison group is in South, which holds no intervention student; 8 comparison
    // students in each intervention district are under 5% of their group, so neither district
    // holds both groups: the comparison group is one district (a confound) and there is one site.
    let e = randomized_effect(&[
        (150, "T", 8.0, "A", "North"),
        (150, "T", 8.0, "B", "East"),
        (8, "C", 3.0, "A", "North"),
        (8, "C", 3.0, "B", "East"),
        (284, "C", 3.0, "J", "South"),
    ]);
    assert!(!condition(&e, "noSingleDistrictConfound").met);
    assert!(!condition(&e, "noSingleSchoolConfound").met);
    assert_eq!(e.sites, 1);
    assert!(e.could_support.is_none());
    // Twenty districts of 19 + 1 are no twenty sites.
    let mut spec: Vec<(usize, &str, f64, &str, &str)> = Vec::new();
    let names: Vec<String> = (0..20).map(|d| format!("D{d}")).collect();
    for d in &names {
        spec.push((19, "T", 8.0, "A", d));
        spec.push((1, "C", 3.0, "A", d));
    }
    spec.push((280, "C", 3.0, "A", "South"));
    let e = run(randomized_by(json!({})), &spec_roster(&spec))
        .effect
        .unwrap();
    assert_eq!(e.sites, 1);
    assert!(e.could_support.is_none());
}

/// 400 students in two schools and two districts, 200 per group, every post-test there; the
/// first 60 (intervention) students have no pre-test and started `ahead` points ahead.
fn pre_tests_missing_for_60(ahead: f64) -> String {
    let mut s = String::from("student_id,pre,post,minutes,weeks,group,school,district\n");
    for k in 0..400u64 {
        let group = if k < 200 { "T" } else { "C" };
        let pre = 200.0 + ((k * 7919) % 31) as f64 - 15.0 + if k < 60 { ahead } else { 0.0 };
        let post = pre + 5.0 + ((k * 104729) % 17) as f64 - 8.0;
        let shown = if k < 60 {
            String::new()
        } else {
            pre.to_string()
        };
        s += &format!(
            "S{k},{shown},{post},600,20,{group},{},{}\n",
            if k % 2 == 0 { "Adams" } else { "Baker" },
            if k % 4 < 2 { "North" } else { "South" }
        );
    }
    s
}

#[test]
fn baseline_equivalence_must_cover_every_student_in_the_effect() {
    // No true effect; the 60 intervention students who started far ahead have no pre-test, so
    // the baseline looks equivalent on the rest. A QED needs baseline equivalence on the
    // students in the effect: the condition fails and nothing is supported.
    let s = pre_tests_missing_for_60(40.0);
    let e = run(with(json!({})), &s).effect.unwrap();
    let k = condition(&e, "baselineCoversAnalysed");
    assert!(
        !k.met
            && k.message
                .starts_with("60 analysed students have no pre-test"),
        "{}",
        k.message
    );
    assert!(e.could_support.is_none());
}

#[test]
fn district_names_differing_in_spacing_or_look_alike_letters_are_one_site() {
    for variant in [
        "North  ISD",
        "North\u{a0}ISD",
        "North\u{200b}ISD",
        "N\u{43e}rth ISD",
    ] {
        let r = spec_roster(&[
            (100, "T", 8.0, "A", "North ISD"),
            (100, "T", 8.0, "B", variant),
            (100, "C", 3.0, "A", "North ISD"),
            (100, "C", 3.0, "B", variant),
        ]);
        assert_eq!(
            run(randomized_by(json!({})), &r).effect.unwrap().sites,
            1,
            "{variant:?}"
        );
    }
}

/// The module table above, student by student, through `classify` alone: no CSV, no JSON
/// beyond the contract.
/// [`classify`] of a row as read: (pre, post, minutes, weeks, grade), and (weeks at the weekly
/// minimum, own typical growth), its metric found as the tally finds it.
fn classify_read(
    c: &Contract,
    tiers: &[&crate::contract::Tier],
    (pre, post, minutes, weeks, grade): (f64, f64, f64, f64, Option<u8>),
    (weeks_at_minimum, typical): (Option<f64>, f64),
) -> Option<Classified> {
    let outcome = row_metric(&c.metric, (pre, post, weeks, grade), typical);
    classify(
        c,
        &reach_points(tiers),
        (pre, post, minutes, weeks),
        weeks_at_minimum,
        outcome,
    )
}

#[test]
fn each_student_is_classified_by_the_contract_alone() {
    let c = Contract::from_json(&contract()).unwrap();
    let tiers = c.tiers_ascending();
    // (id, pre, post, minutes, weeks) -> (at fidelity, metric, tier, declined, band, short of weeks)
    let rows = [
        (
            "A1",
            200.0,
            215.0,
            600.0,
            20.0,
            true,
            Some(15.0),
            Some(1),
            false,
            2,
            false,
        ),
        (
            "A2",
            200.0,
            210.0,
            600.0,
            20.0,
            true,
            Some(10.0),
            Some(1),
            false,
            2,
            false,
        ),
        (
            "A3",
            200.0,
            209.99,
            600.0,
            20.0,
            true,
            Some(209.99 - 200.0),
            Some(0),
            false,
            2,
            false,
        ),
        (
            "A4",
            200.0,
            205.0,
            600.0,
            10.0,
            true,
            Some(5.0),
            Some(0),
            false,
            4,
            false,
        ),
        (
            "A5",
            200.0,
            204.0,
            600.0,
            20.0,
            true,
            Some(4.0),
            None,
            false,
            2,
            false,
        ),
        (
            "A6",
            200.0,
            195.0,
            600.0,
            20.0,
            true,
            Some(-5.0),
            None,
            true,
            2,
            false,
        ),
        (
            "A7",
            200.0,
            f64::NAN,
            600.0,
            20.0,
            true,
            None,
            None,
            false,
            2,
            false,
        ),
        (
            "A8",
            200.0,
            230.0,
            590.0,
            20.0,
            false,
            Some(30.0),
            Some(1),
            false,
            1,
            false,
        ),
        (
            "A9",
            200.0,
            230.0,
            600.0,
            9.0,
            false,
            Some(30.0),
            Some(1),
            false,
            4,
            true,
        ),
    ];
    for (id, pre, post, minutes, weeks, at_fidelity, metric, tier, declined, band, short) in rows {
        let got = classify_read(
            &c,
            &tiers,
            (pre, post, minutes, weeks, None),
            (None, f64::NAN),
        );
        let want = Classified {
            at_fidelity,
            short_of_weeks: short,
            metric,
            at_ceiling: false,
            tier,
            declined,
            band,
        };
        assert_eq!(got, Some(want), "{id}");
    }
    // Excluded below fidelity: A8 is not enrolled at all.
    let excluded = Contract::from_json(&with(json!({ "belowFidelity": "excluded" }))).unwrap();
    let tiers = excluded.tiers_ascending();
    assert_eq!(
        classify_read(
            &excluded,
            &tiers,
            (200.0, 230.0, 590.0, 20.0, None),
            (None, f64::NAN)
        ),
        None
    );
    assert!(classify_read(
        &excluded,
        &tiers,
        (200.0, 230.0, 600.0, 20.0, None),
        (None, f64::NAN)
    )
    .is_some());
    // A pre-test at the maximum leaves no room for a normalized gain.
    let hake = Contract::from_json(&with(
        json!({ "metric": { "kind": "normalizedGain", "maxScore": 200 } }),
    ))
    .unwrap();
    let tiers = hake.tiers_ascending();
    let s = classify_read(
        &hake,
        &tiers,
        (200.0, 200.0, 600.0, 20.0, None),
        (None, f64::NAN),
    )
    .unwrap();
    assert_eq!((s.metric, s.at_ceiling, s.tier), (None, true, None));
}

#[test]
fn dose_bands_count_every_enrolled_student_by_minutes_a_week() {
    // The base roster plus a student on each band edge not yet held (15 and 45 minutes a week)
    // and two in the lowest band. By hand, minutes / weeks: A1-A7 30 (edge), A8 29.5, A9 66.7,
    // A4 60 (edge), B1 15 (edge), B2 45 (edge), B3 0, B4 14. Every enrolled student counts,
    // at fidelity or not; the judged are those with an outcome; meeting the target is reaching
    // any tier (A4's 5 reaches only the lowest).
    let roster =
        format!("{ROSTER}B1,200,200,150,10\nB2,200,207,450,10\nB3,200,201,0,20\nB4,200,,140,10\n");
    let e = run(contract(), &roster);
    let got: Vec<_> = e
        .dose_response
        .iter()
        .map(|c| (c.value.as_str(), c.n, c.judged, c.met, c.with_outcome))
        .collect();
    assert_eq!(
        got,
        vec![
            ("0-15", 2, 1, 0, 1),  // B3 (gain 1), B4 (no post-test)
            ("15-30", 2, 2, 1, 2), // A8 (30, met), B1 (0)
            ("30-45", 6, 5, 3, 5), // A1 15, A2 10, A3 9.99 met; A5 4, A6 -5; A7 no post-test
            ("45-60", 1, 1, 1, 1), // B2 (7, met)
            ("60+", 2, 2, 2, 2),   // A4 (5), A9 (30)
        ]
    );
    let means: Vec<f64> = e
        .dose_response
        .iter()
        .map(|c| c.mean_metric.unwrap())
        .collect();
    let expected = [1.0, 15.0, 33.99 / 5.0, 7.0, 17.5];
    for (got, want) in means.iter().zip(expected) {
        assert!((got - want).abs() < 1e-9, "{means:?}");
    }
    assert_eq!(e.dose_response[2].share_met_target, Some(0.6));
}

#[test]
fn the_middle_pair_is_the_median_and_the_largest_value_below_it() {
    // As the median's selection leaves them: the upper middle at n / 2, the lower half before
    // it in any order. Odd: the middle value twice; even: the lower half's largest beside it.
    assert_eq!(middle_pair(&[]), None);
    assert_eq!(middle_pair(&[7.0]), Some((7.0, 7.0)));
    assert_eq!(middle_pair(&[2.0, 1.0, 3.0, 5.0, 4.0]), Some((3.0, 3.0)));
    assert_eq!(middle_pair(&[-2.0, -1.0, 3.0, 4.0]), Some((-1.0, 3.0)));
    assert_eq!(
        middle_pair(&[3.0, 1.0, 2.0, 4.0, 6.0, 5.0]),
        Some((3.0, 4.0))
    );
}

#[test]
fn whole_schools_are_counted_per_group_and_a_few_across_do_not_count() {
    // Three intervention schools and two comparison schools, each whole: assignment by school.
    let e = randomized_effect(&[
        (60, "T", 8.0, "A", "North"),
        (60, "T", 8.0, "B", "North"),
        (60, "T", 8.0, "C", "North"),
        (90, "C", 3.0, "J", "North"),
        (90, "C", 3.0, "K", "North"),
    ]);
    assert_eq!(e.assigned_by, "school");
    assert_eq!(
        condition(&e, "noSingleSchoolConfound").message,
        "3 intervention and 2 comparison schools: no group is a single school."
    );
    // Two intervention students in a comparison school are under 5% of their group: J is
    // still the comparison group's, and the schools still line up with the groups.
    let e = randomized_effect(&[
        (178, "T", 8.0, "A", "North"),
        (2, "T", 8.0, "J", "North"),
        (90, "C", 3.0, "J", "North"),
        (90, "C", 3.0, "K", "North"),
    ]);
    assert_eq!(e.assigned_by, "school");
    assert!(!condition(&e, "noSingleSchoolConfound").met);
    // A comparison group with no school recorded shares no school with the intervention group:
    // counting schools as sites, there is one.
    let r = spec_roster(&[
        (90, "T", 8.0, "A", "North"),
        (90, "T", 8.0, "B", "North"),
        (180, "C", 3.0, "", "North"),
    ]);
    let e = run(
        randomized_by(json!({ "evidencePolicy": { "siteUnit": "school" } })),
        &r,
    )
    .effect
    .unwrap();
    assert_eq!(e.sites, 1);
    assert!(!condition(&e, "noSingleSchoolConfound").met);
    // Nor do the schools line up with the groups: the comparison group shows no school at all.
    assert_eq!(e.assigned_by, "student");
    // Nor when it is the intervention group that shows none.
    let e = randomized_effect(&[
        (180, "T", 8.0, "", "North"),
        (90, "C", 3.0, "J", "North"),
        (90, "C", 3.0, "K", "North"),
    ]);
    assert_eq!(e.assigned_by, "student");
}

#[test]
fn an_effect_needs_two_post_tests_in_each_group() {
    let roster = "student_id,pre,post,minutes,weeks,group\n\
        T1,200,210,600,20,T\nT2,200,214,600,20,T\nT3,200,,600,20,T\n\
        C1,200,204,600,20,C\nC2,200,206,600,20,C\nC3,200,205,600,20,C\n";
    // Two and three: g computed (by hand, means 12 and 5, pooled SD sqrt((8 + 2) / 3) = 1.826,
    // the WWC's small-sample correction 1 - 3 / (4 x 5 - 9) = 0.727: g = 2.788).
    let e = run(contract(), roster).effect.unwrap();
    assert!((e.post.g - 2.7884057472990276).abs() < 1e-9, "{}", e.post.g);
    // The groups the other way round: the same g with the other sign.
    let swapped = roster
        .replace(",T\n", ",X\n")
        .replace(",C\n", ",T\n")
        .replace(",X\n", ",C\n");
    let e = run(contract(), &swapped).effect.unwrap();
    assert!((e.post.g + 2.7884057472990276).abs() < 1e-9, "{}", e.post.g);
    // One student with a post-test in either group: no effect, and the note says why.
    for one in [
        roster.replace("T2,200,214", "T2,200,"),
        swapped.replace("T2,200,214", "T2,200,"),
    ] {
        let e = run(contract(), &one);
        assert!(e.effect.is_none());
        assert!(
            e.notes
                .iter()
                .any(|n| n.starts_with("Fewer than two students with a post-test in a group")),
            "{:?}",
            e.notes
        );
    }
}

#[test]
fn a_randomized_roster_with_low_attrition_needs_no_baseline_check() {
    // The baseline test's 400 students (none ahead), randomized, every post-test there: the
    // WWC asks baseline equivalence of an RCT only with high attrition.
    let s = pre_tests_missing_for_60(0.0);
    let e = run(with(json!({ "randomized": true })), &s).effect.unwrap();
    assert!(e.attrition.low);
    assert_eq!(
        condition(&e, "noSingleSchoolConfound").message,
        "2 schools hold a real share of both groups, so no group is a single school of its own."
    );
    assert!(
        e.conditions
            .iter()
            .all(|k| k.met && k.id != "baselineCoversAnalysed"),
        "{:?}",
        e.conditions
    );
}

#[test]
fn grades_come_kindergarten_first_then_by_number_then_by_name() {
    let mut v = vec!["10", "Other", "2", "K", "1", "KG", "Adult"];
    v.sort_by(|a, b| natural_order(a, b));
    assert_eq!(v, vec!["K", "KG", "1", "2", "10", "Adult", "Other"]);
}

#[test]
fn no_note_on_the_pre_test_maximum_when_no_student_reached_it() {
    assert_eq!(no_room_note(0), None);
    assert!(no_room_note(1)
        .unwrap()
        .starts_with("1 at-fidelity student scored the maximum"));
}

#[test]
fn the_effect_is_published_only_when_both_groups_reach_the_cell_size() {
    // Cell size 5: the district sees the comparison either way; the report shows it only when
    // each group has at least 5 students with a post-test (the mean of 4 would tell too much).
    // (With only 5 intervention students the audit publishes no outcome figure at all: each
    // would give a small tier away.)
    let roster = |t: usize, c: usize| {
        let mut s = String::from("student_id,pre,post,minutes,weeks,group\n");
        for i in 0..t + c {
            let group = if i < t { "T" } else { "C" };
            s += &format!("S{i},200,{},600,20,{group}\n", 205 + (i * 7) % 11);
        }
        s
    };
    for (t, c, published) in [
        (20, 4, false),
        (4, 20, false),
        (20, 20, true),
        (20, 5, true),
    ] {
        let e = run(contract(), &roster(t, c));
        assert!(e.effect.is_some(), "{t} and {c}");
        assert_eq!(e.report.effect.is_some(), published, "{t} and {c}");
    }
}

#[test]
fn counts_and_p_values_are_written_as_a_reader_expects() {
    let written: Vec<String> = [0, 7, 999, 1000, 12345, 123456, 1234567]
        .into_iter()
        .map(group_digits)
        .collect();
    assert_eq!(
        written,
        ["0", "7", "999", "1,000", "12,345", "123,456", "1,234,567"]
    );
    assert_eq!(format_p(0.0009), "p < 0.001");
    assert_eq!(format_p(0.001), "p = 0.001");
    assert_eq!(format_p(0.0304), "p = 0.030");
}

#[test]
fn rare_values_merged_into_one_cell_nest_only_when_they_all_lie_in_one_cell() {
    // Grades 3 and 4 and two rare grades merged into "(other)" (cell 2); bands K-5 and 6-8.
    // Grades 3 and 4 lie in K-5. Rare grade 2 lies in K-5; rare grade 3 in K-5 (case 1) or in
    // 6-8 (case 2): "(other)" nests in K-5 only in case 1. Band 6-8 holds only rare grade 3 in
    // case 2, so it nests in "(other)" there.
    let cell_of = vec![vec![0, 1, 2, 2], vec![0, 1]];
    let nesting = |rare_band: u32| Nesting {
        seen: vec![
            vec![
                vec![UNSEEN, 0],
                vec![UNSEEN, 0],
                vec![UNSEEN, 0],
                vec![UNSEEN, rare_band],
            ],
            if rare_band == 0 {
                vec![vec![MIXED, UNSEEN], vec![UNSEEN, UNSEEN]]
            } else {
                vec![vec![MIXED, UNSEEN], vec![3, UNSEEN]]
            },
        ],
    };
    assert_eq!(
        nesting(0).cells(&cell_of),
        vec![(0, 0, 1, 0), (0, 1, 1, 0), (0, 2, 1, 0)]
    );
    assert_eq!(
        nesting(1).cells(&cell_of),
        vec![(0, 0, 1, 0), (0, 1, 1, 0), (1, 1, 0, 2)]
    );
}

#[test]
fn a_report_with_nothing_to_withhold_states_no_protection() {
    // 20 students in each of grades 3 and 4: per grade 8 gain 12 (Typical), 6 gain 7 (Some), 6
    // gain 2 (no tier, none declined), all at fidelity. Every count is 6 or more (cell size 5):
    // tiers 16, 12 and 12 below; per grade 20 judged, 14 meeting the target, 6 not.
    let mut roster = String::from("student_id,pre,post,minutes,weeks,grade\n");
    for i in 0..40 {
        let gain = [12, 12, 12, 12, 7, 7, 7, 2, 2, 2][(i / 2) % 10];
        roster += &format!("G{i},200,{},600,20,{}\n", 200 + gain, 3 + i % 2);
    }
    let e = run(with(json!({ "subgroupColumns": ["grade"] })), &roster);
    assert_eq!(
        e.report.tiers.iter().map(|t| t.count).collect::<Vec<_>>(),
        vec![Some(12), Some(16)],
        "Some, then Typical"
    );
    assert_eq!(e.report.students.met_target, Some(28));
    // 100000 + 40 x 5000 + 16 x 5000 + 12 x 2000.
    assert_eq!(e.report.payment.total_cents, Some(404_000));
    assert!(
        e.report.subgroups.iter().all(|c| !c.suppressed),
        "{:?}",
        e.report.subgroups
    );
    assert_eq!(e.report.disclosure.protections, Vec::<String>::new());
}

#[test]
fn an_obligation_that_bounds_a_small_count_is_withheld_and_said() {
    // 6 students, 1 below fidelity (100 minutes in 20 weeks), an obligation of half at
    // fidelity: "met" tells a reader at least 3 are at fidelity, so at most 3 below, where the
    // 1 below (a small count) must keep its whole range 0 to 6.
    let mut roster = String::from("student_id,pre,post,minutes,weeks\n");
    for i in 0..6 {
        roster += &format!("O{i},30,37,{},20\n", if i == 0 { 100 } else { 600 });
    }
    let e = run(
        with(json!({ "districtObligation": { "minShareAtFidelity": 0.5 } })),
        &roster,
    );
    assert_eq!(e.payment.district_obligation_met, Some(true));
    assert_eq!(e.report.payment.district_obligation_met, None);
    assert!(
        e.report.disclosure.protections.iter().any(|p| {
            p
            == "Whether the district met its obligation withheld: it would give away a small count."
        }),
        "{:?}",
        e.report.disclosure.protections
    );
}

#[test]
fn students_at_the_maximum_who_declined_may_outnumber_those_with_an_outcome() {
    // Normalized gain, maximum 100: 6 students start at 100 and fall to 90 (no room to grow, so
    // no outcome, but they declined and the penalty counts them), 5 go from 50 to 60. The
    // audit's relations must hold these counts: 6 declined against 5 with an outcome.
    let mut roster = String::from("student_id,pre,post,minutes,weeks\n");
    for i in 0..11 {
        let (pre, post) = if i < 6 { (100, 90) } else { (50, 60) };
        roster += &format!("M{i},{pre},{post},600,20\n");
    }
    let e = run(
        with(
            json!({ "metric": { "kind": "normalizedGain", "maxScore": 100 },
            "paymentCard": [{ "label": "Some", "atLeast": 0.1, "centsPerStudent": 700 }] }),
        ),
        &roster,
    );
    assert_eq!((e.students.declined, e.students.with_outcome), (6, 5));
    assert_eq!(e.students.no_room_to_grow, 6);
    // 100000 + 11 x 5000 + 5 x 700 - 6 x 1000.
    assert_eq!(e.payment.total_cents, 100000 + 55000 + 3500 - 6000);
}

/// The cost figures of a roster worked by hand. 16 intervention students at fidelity (30
/// minutes a week for 20 weeks), 10 with gains 5 to 14 (meeting the one tier, 1000 cents) and 6
/// with gains 0, 1, 2, 3, 4, 4; 12 comparison students, 4 with gains 5 to 8 and 8 below 5.
/// The district's costs: 12.5 hours of training at 4000 cents (50000), 3.25 hours of
/// supervision at 3333 cents (10832.25, so 10832), devices 20000, other 1234: 82066 cents.
/// The payment is 10 x 1000 = 10000, so the programme costs 92066 cents.
#[test]
fn cost_figures_by_hand() {
    let mut roster = String::from("student_id,group,pre,post,minutes,weeks\n");
    let treated = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0, 1, 2, 3, 4, 4];
    let compared = [5, 6, 7, 8, 0, 1, 2, 3, 4, 1, 2, 3];
    for (i, g) in treated.iter().enumerate() {
        roster.push_str(&format!("T{i},intervention,200,{},600,20\n", 200 + g));
    }
    for (i, g) in compared.iter().enumerate() {
        roster.push_str(&format!("C{i},comparison,200,{},0,20\n", 200 + g));
    }
    let c = json!({
        "metric": { "kind": "gain" },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 10 },
        "minCellSize": 5,
        "districtCosts": {
            "staff": [
                { "activity": "training", "hours": 12.5, "centsPerHour": 4000 },
                { "activity": "supervision", "hours": 3.25, "centsPerHour": 3333 }
            ],
            "devicesCents": 20000, "otherCents": 1234, "priceYear": 2025
        }
    });
    let e = run(c, &roster);
    assert_eq!(e.payment.total_cents, 10000);
    let cost = e.cost.as_ref().unwrap();
    assert_eq!(
        cost.staff.iter().map(|s| s.cents).collect::<Vec<_>>(),
        [50000, 10832]
    );
    assert_eq!(cost.district_cents, 82066);
    assert_eq!(cost.total_cents, Some(92066));
    // 92066 / 16 = 5754.125; 92066 / 10 = 9206.6.
    assert_eq!(cost.per_enrolled_cents, Some(5754));
    assert_eq!(cost.per_student_meeting_target_cents, Some(9207));
    // 10/16 - 4/12 = 56/192 more students meeting the target per enrolled student:
    // 92066 x 16 x 12 / (16 x 56) = 19728.43.
    assert_eq!(
        cost.per_additional_student_meeting_target_cents,
        Some(19728)
    );
    // Hedges' g on the post-tests (computed apart from the code: means 206.8125 and 203.5,
    // pooled SD 3.718134, d 0.890904, x (1 - 3 / (4 x 28 - 9))): 0.864955;
    // 5754.125 x 0.1 / 0.864955 = 665.25.
    let g = e.effect.as_ref().unwrap().post.g;
    assert!((g - 0.864955259373615).abs() < 1e-9, "{g}");
    assert_eq!(cost.per_student_per_tenth_sd_cents, Some(665));
    assert_eq!(cost.price_year, Some(2025));
    // The report computes the same figures from its own published figures.
    let published = e.report.cost.as_ref().unwrap();
    assert_eq!(e.report.payment.total_cents, Some(10000));
    assert_eq!(e.report.students.met_target, Some(10));
    assert_eq!(published.total_cents, Some(92066));
    assert_eq!(published.per_enrolled_cents, Some(5754));
    assert_eq!(published.per_student_meeting_target_cents, Some(9207));
    assert_eq!(published.per_student_per_tenth_sd_cents, Some(665));
    assert_eq!(published.per_additional_student_meeting_target_cents, None);
    assert!(published
        .notes
        .iter()
        .any(|n| n
            .starts_with("The cost per additional student meeting the target is not published")));
    // Without districtCosts there are no cost figures.
    let plain = run(contract(), ROSTER);
    assert_eq!(plain.cost, None);
    assert_eq!(plain.report.cost, None);
}

/// Growth per hour, worked apart from the code (Python with scipy, from the ratio estimator's
/// formula in `per_hour`): 15 intervention students in grades 3 and 4 over 20 weeks, 12 at
/// fidelity (600 to 1400 minutes) and 3 below it (300, 240 and 500 minutes), and 7 comparison
/// students.
const HOURS_ROSTER: &str = "student_id,group,grade,pre,post,minutes,weeks
T0,intervention,3,200,204,600,20
T1,intervention,3,200,207,660,20
T2,intervention,3,200,202,720,20
T3,intervention,3,200,209,900,20
T4,intervention,3,200,205,780,20
T5,intervention,3,200,206,840,20
T6,intervention,4,200,208,1200,20
T7,intervention,4,200,203,960,20
T8,intervention,4,200,211,1400,20
T9,intervention,4,200,206,1020,20
T10,intervention,4,200,207,1100,20
T11,intervention,4,200,201,640,20
T12,intervention,3,200,212,300,20
T13,intervention,4,200,202,240,20
T14,intervention,4,200,205,500,20
C0,comparison,3,200,203,0,20
C1,comparison,3,200,205,0,20
C2,comparison,4,200,202,0,20
C3,comparison,4,200,206,0,20
C4,comparison,3,200,201,0,20
C5,comparison,4,200,204,0,20
C6,comparison,3,200,202,0,20
";

#[test]
fn growth_per_hour_by_hand() {
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-9, "{a} against {b}");
    let c = with(json!({ "subgroupColumns": ["grade"] }));
    let e = run(c.clone(), HOURS_ROSTER);
    let overall = e.growth_per_hour.overall.unwrap();
    assert_eq!(overall.n, 12);
    close(overall.mean_hours, 15.027777777777779);
    close(overall.per_hour, 0.3826247689463955);
    close(overall.ci_lower.unwrap(), 0.2929421623413583);
    close(overall.ci_upper.unwrap(), 0.47230737555143276);
    // Each grade's at-fidelity students.
    let grade = |v: &str| {
        e.subgroups
            .iter()
            .find(|c| c.value == v)
            .unwrap()
            .growth_per_hour
            .unwrap()
    };
    close(grade("3").per_hour, 0.44);
    close(grade("3").ci_lower.unwrap(), 0.26434365816102895);
    close(grade("4").per_hour, 0.34177215189873417);
    close(grade("4").ci_upper.unwrap(), 0.4732174258598225);
    // The dose bands hold every enrolled student with an outcome, at fidelity or not.
    let band = |i: usize| e.dose_response[i].growth_per_hour.unwrap();
    assert_eq!(
        (band(0).n, band(0).per_hour, band(0).ci_lower),
        (1, 0.5, None)
    );
    close(band(1).per_hour, 1.275);
    close(band(1).ci_lower.unwrap(), -9.445860246147397);
    close(band(2).per_hour, 0.35377358490566035);
    close(band(3).ci_upper.unwrap(), 0.6280563478977783);
    close(band(4).per_hour, 0.4384615384615385);
    // g = 0.858841 over the 15 intervention students' 13.177778 mean hours.
    close(e.effect.as_ref().unwrap().post.g, 0.8588411307352103);
    close(
        e.growth_per_hour.compared_mean_hours.unwrap(),
        13.177777777777779,
    );
    close(
        e.growth_per_hour.effect_per_10_hours.unwrap(),
        0.6517344162408847,
    );
    // The report withholds the growth here (enrolled 15 - at fidelity 12 would tell 3
    // students below fidelity), and so the rate with it.
    assert_eq!(e.report.growth, None);
    assert_eq!(e.report.growth_per_hour, None);
    // Without the three, the report publishes the growth, its rate and the effect's:
    // g = 0.910293 over 15.027778 hours.
    let twelve: String = HOURS_ROSTER
        .lines()
        .filter(|l| !["T12,", "T13,", "T14,"].iter().any(|t| l.starts_with(t)))
        .map(|l| format!("{l}\n"))
        .collect();
    let e = run(c, &twelve);
    let published = e.report.growth_per_hour.as_ref().unwrap();
    assert_eq!(published.n, 12);
    close(published.per_hour, 0.3826247689463955);
    let growth = e.report.growth.as_ref().unwrap();
    assert_eq!(published.ci_upper.is_some(), growth.sd.is_some());
    // The effect's own figure sits in the effect, with its design and significance.
    let effect = e.report.effect.as_ref().unwrap();
    close(effect.per_10_hours.unwrap(), 0.6057405163035912);
    assert_eq!(effect.per_10_hours_note, None);
}

/// The base roster's students with an outcome by minutes a week: at 30 (A8's 29.5 rounds to
/// it) A1, A2, A3 and A8 meet the lowest tier and A5, A6 do not (4 of 6); A4 at 60 and A9 at
/// 66.7 (67) meet it. With the contract's cell size of 5, 60 and 67 (2 students) join 30: one
/// point of 8 students, 6 meeting it (75%), at (6 x 30 + 60 + 67) / 8 = 38.375. So 80% is not
/// reached; 60% is, at that point's mean dose, 39. With a cell size of 1 they stay apart, and
/// 80% lies on the line from 66.7% at 30 to 100% at 60: 30 + 0.4 x 30 = 42.
#[test]
fn the_dosage_required_of_the_base_roster() {
    let e = run(contract(), ROSTER);
    let d = e.dosage_required.as_ref().unwrap();
    assert_eq!(d.n, 8);
    assert_eq!(
        d.curve
            .iter()
            .map(|s| (s.from, s.to, s.n, s.share, s.minutes_per_week))
            .collect::<Vec<_>>(),
        [(30, 67, 8, 0.75, 38.375)]
    );
    assert_eq!(
        (d.minutes_per_week, d.ci_lower, d.ci_upper),
        (None, None, None)
    );
    assert_eq!((d.share, d.resamples, d.seed), (0.8, 1000, 20261206));
    // With no resamples, no interval.
    let e = run(
        with(json!({ "dosageRequired": { "share": 0.6, "resamples": 0 } })),
        ROSTER,
    );
    let d = e.dosage_required.as_ref().unwrap();
    assert_eq!(
        (d.minutes_per_week, d.ci_lower, d.ci_upper),
        (Some(39), None, None)
    );
    let d = dosage::dosage_required(
        &{
            let mut doses = dosage::Doses::default();
            for (minutes_per_week, met) in [
                (30.0, true),
                (30.0, true),
                (30.0, true),
                (30.0, true),
                (30.0, false),
                (30.0, false),
                (60.0, true),
                (66.7, true),
            ] {
                doses.see(minutes_per_week, met);
            }
            doses
        },
        0.8,
        (0, 1),
        1,
    )
    .unwrap();
    assert_eq!(d.minutes_per_week, Some(42));
    let bad = err(
        with(json!({ "dosageRequired": { "share": 1, "resamples": 10001 } })),
        ROSTER,
    );
    let paths: Vec<&str> = bad.field_errors().iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["dosageRequired.share", "dosageRequired.resamples"]);
}

/// The effect per 10 hours counts the hours the intervention students used beyond the
/// comparison students' (attack on the first version: 1 hour each in the comparison group went
/// uncounted): 13.177778 - 1 = 12.177778 more hours, g = 0.858841, so 0.705253. A comparison
/// group using more than a tenth of the intervention's hours gives none (attack on the second:
/// 600 minutes in each group made g a vast effect per hour), with a note.
#[test]
fn the_effect_per_10_hours_is_over_the_hours_beyond_a_comparison_group_of_little_use() {
    let roster = HOURS_ROSTER.replace(",0,20\n", ",60,20\n");
    let e = run(with(json!({ "subgroupColumns": ["grade"] })), &roster);
    let g = &e.growth_per_hour;
    assert!((g.comparison_mean_hours.unwrap() - 1.0).abs() < 1e-12);
    assert!(
        (g.effect_per_10_hours.unwrap() - 0.7052527533409574).abs() < 1e-9,
        "{g:?}"
    );
    assert_eq!(g.note, None);
    for minutes in [600, 6000] {
        let roster = HOURS_ROSTER.replace(",0,20\n", &format!(",{minutes},20\n"));
        let e = run(with(json!({ "subgroupColumns": ["grade"] })), &roster);
        assert_eq!(e.growth_per_hour.effect_per_10_hours, None);
        let note = e.growth_per_hour.note.as_deref().unwrap();
        assert!(
            note.starts_with(
                "No effect per 10 hours: the comparison students used the product too"
            ),
            "{note}"
        );
    }
}

/// A post-test score per hour is no growth: no rate, overall or in any cell.
#[test]
fn a_post_test_score_has_no_growth_per_hour() {
    let c = with(
        json!({ "metric": { "kind": "postScore" }, "subgroupColumns": ["grade"],
        "paymentCard": [{ "label": "Proficient", "atLeast": 205, "centsPerStudent": 1000 }] }),
    );
    let e = run(c, HOURS_ROSTER);
    assert_eq!(e.growth_per_hour.overall, None);
    assert!(e
        .dose_response
        .iter()
        .chain(&e.subgroups)
        .all(|c| c.growth_per_hour.is_none()));
    assert_eq!(e.report.growth_per_hour, None);
}

/// With the students below fidelity not enrolled, the incremental cost still compares every
/// student assigned to each group (attack: the intervention share left them out while the
/// comparison share and the effect kept everyone). HOURS_ROSTER: the 15 intervention students'
/// gains 4, 7, 2, 9, 5, 6, 8, 3, 11, 6, 7, 1, 12, 2, 5 meet a tier at 5 for 10 of 15; the
/// comparison's 3, 5, 2, 6, 1, 4, 2 for 2 of 7. Payment: the 12 at fidelity are enrolled and
/// 8 of them meet it, 8 x 1000; with the district's 10000, 18000 in all.
/// Additional per intervention student: 10/15 - 2/7 = 40/105; 18000 / (15 x 40/105) = 3150.
#[test]
fn the_incremental_cost_compares_every_student_assigned() {
    let c = json!({
        "metric": { "kind": "gain" },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 10 },
        "belowFidelity": "excluded", "minCellSize": 5,
        "districtCosts": { "otherCents": 10000 }
    });
    let e = run(c, HOURS_ROSTER);
    assert_eq!(e.students.enrolled, 12);
    assert_eq!(e.payment.total_cents, 8000);
    let cost = e.cost.as_ref().unwrap();
    assert_eq!(cost.total_cents, Some(18000));
    assert_eq!(cost.per_enrolled_cents, Some(1500));
    assert_eq!(cost.per_additional_student_meeting_target_cents, Some(3150));
}

/// A roster built so its dosage is known: over 10 weeks, 20 students at 20 minutes a week
/// (none meets the lowest tier, a gain of 5), 20 at 30 (12 meet it), 40 at 50 and 20 at 60 (all
/// do). The curve climbs from 60% at 30 to 100% at 50: 80% at 40 minutes a week.
#[test]
fn a_roster_built_to_need_40_minutes_a_week_needs_40() {
    let mut roster = String::from("student_id,pre,post,minutes,weeks\n");
    let groups = [(20, 20, 0), (30, 20, 12), (50, 40, 40), (60, 20, 20)];
    let mut id = 0;
    for (per_week, students, met) in groups {
        for k in 0..students {
            let gain = if k < met { 6 } else { 2 };
            roster.push_str(&format!("S{id},200,{},{},10\n", 200 + gain, per_week * 10));
            id += 1;
        }
    }
    let e = run(contract(), &roster);
    let d = e.dosage_required.as_ref().unwrap();
    assert_eq!(d.n, 100);
    assert_eq!(d.minutes_per_week, Some(40));
    assert_eq!(d.notes, Vec::<String>::new());
    // A contract leaving out the 20 students below 30 minutes a week still fits every student
    // (fourth attack: the curve began at the fidelity minimum, and read 60 where 10 reached it).
    let excluded = with(json!({
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 10 }, "belowFidelity": "excluded"
    }));
    let e = run(excluded, &roster);
    assert_eq!(e.students.enrolled, 80);
    let d = e.dosage_required.as_ref().unwrap();
    assert_eq!((d.n, d.minutes_per_week), (100, Some(40)));
    assert_eq!(d.curve[0].from, 20);
}

/// A rate per 10 hours never stretches an effect beyond the use it rests on (third attack:
/// 6 minutes of use made 155.8 SD per 10 hours): the twelve students at fidelity with their
/// minutes halved use it 7.5 hours a student, fewer than 10, so there is no rate, and the
/// published report says why without the hours.
#[test]
fn no_effect_per_10_hours_from_fewer_than_10_hours_of_use() {
    let halved: String = HOURS_ROSTER
        .lines()
        .filter(|l| !["T12,", "T13,", "T14,"].iter().any(|t| l.starts_with(t)))
        .map(|l| {
            let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
            if f[1] == "intervention" {
                f[5] = (f[5].parse::<u32>().unwrap() / 2).to_string();
            }
            format!("{}\n", f.join(","))
        })
        .collect();
    let c = with(
        json!({ "subgroupColumns": ["grade"], "fidelity": { "minMinutesPerWeek": 0, "minWeeks": 1 } }),
    );
    let e = run(c, &halved);
    let g = &e.growth_per_hour;
    assert!((g.compared_mean_hours.unwrap() - 15.027777777777779 / 2.0).abs() < 1e-9);
    assert_eq!(g.effect_per_10_hours, None);
    assert_eq!(g.note.as_deref(), Some("No effect per 10 hours: the intervention students used the product 7.51 hours a student more than the comparison students, fewer than 10, and a rate per 10 hours would stretch the effect beyond the use it rests on."));
    let effect = e.report.effect.as_ref().unwrap();
    assert_eq!(effect.per_10_hours, None);
    assert_eq!(effect.per_10_hours_note, Some("No effect per 10 hours: the intervention students used the product fewer than 10 hours a student more than the comparison students, and a rate per 10 hours would stretch the effect beyond the use it rests on."));
}

/// Minutes of use too small to make an hour give no rate, and the evaluation goes on (fourth
/// attack: 1e-300 minutes with gains of 2 x 10^12 made an infinite rate, and the payment was
/// lost to an internal error).
#[test]
fn a_roster_of_next_to_no_minutes_has_no_rate_and_still_pays() {
    let mut roster = String::from("student_id,pre,post,minutes,weeks\n");
    for k in 0..12 {
        roster.push_str(&format!(
            "S{k},-1e12,1e12,{},10\n",
            if k == 0 { "1e-300" } else { "0" }
        ));
    }
    let e = run(
        with(json!({ "fidelity": { "minMinutesPerWeek": 0, "minWeeks": 1 } })),
        &roster,
    );
    assert_eq!(e.students.at_fidelity, 12);
    assert_eq!(e.growth_per_hour.overall, None);
    assert!(e.dose_response.iter().all(|c| c.growth_per_hour.is_none()));
    assert!(e.payment.total_cents > 0);
}

/// The refusal's hours are printed with the decimals that tell them from the limits (fourth
/// attack: 9.9998 hours read "10.00 ... fewer than 10", and 2.0002 against 20 read "2.00, more
/// than a tenth of 20.00").
#[test]
fn a_refusals_hours_are_not_printed_as_the_limit() {
    assert_eq!(super::hours_beside(9.9998, 10.0), "9.9998");
    assert_eq!(super::hours_beside(7.5138, 10.0), "7.51");
    assert_eq!(super::hours_beside(2.0001666, 2.0), "2.0002");
    assert_eq!(super::hours_beside(20.0, 20.001666), "20.00");
    let note = super::per_10_hours_refused(599.99 / 60.0, 0.0).unwrap();
    assert!(
        note.contains("used the product 9.9998 hours a student more"),
        "{note}"
    );
    let note = super::per_10_hours_refused(20.0, 120.01 / 60.0).unwrap();
    assert!(
        note.contains(
            "(2.0002 hours a student, more than a tenth of the intervention students' 20.00)"
        ),
        "{note}"
    );
}

/// The hours the effect compares are each group's, absent without the group: a roster of
/// intervention students alone has no comparison hours, and one whose intervention students
/// all lack a post-test has none of theirs.
#[test]
fn compared_hours_are_absent_without_their_group() {
    let e = run(contract(), ROSTER);
    let g = &e.growth_per_hour;
    assert!(g.compared_mean_hours.is_some());
    assert_eq!(g.comparison_mean_hours, None);
    let no_posts: String = HOURS_ROSTER
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            if f[1] == "intervention" {
                f[4] = "";
            }
            format!("{}\n", f.join(","))
        })
        .collect();
    let e = run(contract(), &no_posts);
    let g = &e.growth_per_hour;
    assert_eq!(g.compared_mean_hours, None);
    assert!((g.comparison_mean_hours.unwrap() - 0.0).abs() < 1e-12);
}

#[test]
fn every_combination_of_cells_is_counted_past_the_recent_slots() {
    // Two subgroup columns of 37 and 41 values, every pair held (1,517 combinations, more than
    // the 1,024 recent slots, so keys share slots), all students in one dose band (30 minutes a
    // week): each combination's students, counted here by a map of the codes, in key order.
    let mut roster = String::from("student_id,pre,post,minutes,weeks,ell,iep\n");
    let mut want = std::collections::BTreeMap::new();
    for i in 0..4000u32 {
        let (a, b) = (i % 37, (i / 37) % 41);
        roster += &format!("S{i},200,210,600,20,a{a},b{b}\n");
        let codes = (a, b);
        let n: &mut u64 = want.entry(codes).or_default();
        *n += 1;
    }
    let c = Contract::from_json(&with(json!({
        "subgroupColumns": ["ell", "iep"], "maxSubgroupValues": 50
    })))
    .unwrap();
    let (read, _) = roster::read(roster.as_bytes(), read_options(&c), &mut |_| {}).unwrap();
    let r = read.roster;
    let totals = count_students(&c, &r);
    let identity: Vec<Vec<usize>> = r
        .subgroups
        .iter()
        .map(|s| (0..s.values.len()).collect())
        .collect();
    let got: Vec<(Vec<u32>, u64)> = (totals.combinations.by_cell(&identity).into_iter())
        .map(|x| (x.cells, x.tally.n))
        .collect();
    // Codes number values as first seen: a{a} is code a for a < 37, b{b} code b.
    let band = DOSE_BANDS
        .iter()
        .rposition(|&(from, _)| 30.0 >= from)
        .unwrap() as u32;
    let want: Vec<(Vec<u32>, u64)> = (want.into_iter())
        .map(|((a, b), n)| (vec![band, a, b], n))
        .collect();
    assert_eq!(got.len(), 1517);
    assert_eq!(got, want);
}

/// Under the weekly rule with a minimum of 0 minutes, fidelity is the weeks-at-minimum column
/// alone (k / weeks >= share), so no dose band is wholly at or below it. The published audit
/// once took every band as at fidelity here, so its model held "none below" against the true 9
/// (debug builds check the true values against every relation of the model).
#[test]
fn weekly_rule_at_zero_minutes_leaves_every_band_open() {
    let c =
        with(json!({"fidelity": {"minMinutesPerWeek": 0, "minWeeks": 0, "minShareOfWeeks": 0.8}}));
    let mut roster = String::from("student_id,pre,post,minutes,weeks,weeks_at_minimum\n");
    for i in 0..12 {
        let k = if i < 3 { 20 } else { 5 };
        roster += &format!("S{i},200,{},{},20,{k}\n", 205 + i, 300 + 40 * i);
    }
    let e = run(c, &roster);
    assert_eq!((e.students.enrolled, e.students.at_fidelity), (12, 3));
}

/// The reader lets k weeks of m minutes come to a hair under k x m (a sum of decimal minutes
/// rounds), so a student at fidelity under the weekly rule can average just under share x m: a
/// band ending exactly there is not wholly below fidelity. 5 of 10 weeks at 30 minutes with
/// 149.9999999 minutes averages 14.99999999, in the band of 0-15, and is at fidelity (share 0.5).
#[test]
fn weekly_rule_rounding_keeps_the_band_below_open() {
    let c =
        with(json!({"fidelity": {"minMinutesPerWeek": 30, "minWeeks": 0, "minShareOfWeeks": 0.5}}));
    let mut roster = String::from("student_id,pre,post,minutes,weeks,weeks_at_minimum\n");
    for i in 0..12 {
        let (minutes, k) = match i {
            0..=5 => ("149.9999999", 5),
            6..=8 => ("100", 2),
            _ => ("400", 10),
        };
        roster += &format!("S{i},200,{},{minutes},10,{k}\n", 205 + i);
    }
    let e = run(c, &roster);
    assert_eq!((e.students.enrolled, e.students.at_fidelity), (12, 9));
}

/// Under a per-student percent of typical, a student without their own typical growth has two
/// scores and no outcome, and still counts as declined when the post-test is below the pre-test
/// (the penalty's rule: a negative gain). The audit's model once held "those who declined have
/// an outcome" there, which the true counts break (debug builds check every relation).
#[test]
fn a_decline_without_an_outcome_keeps_the_audit_true() {
    let c = with(json!({
        "metric": { "kind": "percentOfTypical", "perStudent": true },
        "declinePenaltyCents": 700,
        "fidelity": { "minMinutesPerWeek": 1, "minWeeks": 1 }
    }));
    let mut roster = String::from("student_id,pre,post,minutes,weeks,typical_growth\n");
    for i in 0..12 {
        // Eight decline without a typical growth (more than have an outcome), one with one.
        let (post, typical) = match i {
            0..=7 => (190, ""),
            8 => (195, "10"),
            _ => (210 + i, "10"),
        };
        roster += &format!("S{i},200,{post},600,20,{typical}\n");
    }
    let e = run(c, &roster);
    assert_eq!((e.students.at_fidelity, e.students.with_outcome), (12, 4));
    assert_eq!(e.students.declined, 9);
}
