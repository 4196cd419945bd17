//! Each check at and around its threshold, each rating, each tier, pooled samples and the
//! policy overrides. Expected verdicts follow by hand from the rules in the issue and DESIGN.md.

use super::*;
use serde_json::{json, Value};

fn base() -> Value {
    serde_json::from_str(include_str!("../../tests/fixtures/profiles/strong.json")).unwrap()
}

fn with(changes: Value) -> Value {
    let mut v = base();
    for (k, x) in changes.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn vet_with(changes: Value, policy: Value) -> Vetting {
    vet_json(&with(changes), Some(&policy)).unwrap()
}

fn status(v: &Vetting, id: &str) -> Status {
    v.checks.iter().find(|c| c.id == id).unwrap().status
}

fn rct(n: u64, sites: u64, g: f64, p: f64) -> Value {
    json!({ "title": format!("RCT of {n} students, g = {g}, p = {p}"), "design": "rct", "independent": true, "sampleSize": n, "sites": sites,
            "effectSize": g, "pValue": p, "attrition": { "overall": 0.1, "differential": 0.05 } })
}

#[test]
fn strong_profile_is_recommended_at_tier_1() {
    let v = vet_json(&base(), None).unwrap();
    assert_eq!(v.verdict, Verdict::Recommended);
    assert_eq!(v.red_flags, 0);
    assert!(
        v.checks.iter().all(|c| c.status == Status::Pass),
        "{:?}",
        v.checks
    );
    assert_eq!(v.checks.len(), 9);
    assert_eq!(v.checks.iter().filter(|c| c.red_flag).count(), 4);
    assert_eq!(v.essa_tier, Some(1));
    assert!(
        v.essa_rationale
            .contains("together, 1 qualifying study with 400 students in 3 sites reach"),
        "{}",
        v.essa_rationale
    );
    assert_eq!(v.studies[0].rating, Rating::MeetsWithoutReservations);
    assert_eq!(v.product, "Readwell");
}

#[test]
fn screen_time_fails_at_45_and_passes_at_44_9() {
    let at = vet_with(
        json!({ "dosage": { "minutesPerWeek": 45, "weeks": 20 } }),
        json!({}),
    );
    assert_eq!(status(&at, "screenTime"), Status::Fail);
    assert_eq!(at.verdict, Verdict::NotRecommended);
    assert_eq!(at.red_flags, 1);
    let under = vet_with(
        json!({ "dosage": { "minutesPerWeek": 44.9, "weeks": 20 } }),
        json!({}),
    );
    assert_eq!(status(&under, "screenTime"), Status::Pass);
    let raised = vet_with(
        json!({ "dosage": { "minutesPerWeek": 45, "weeks": 20 } }),
        json!({ "maxScreenMinutesPerWeek": 60 }),
    );
    assert_eq!(status(&raised, "screenTime"), Status::Pass);
}

#[test]
fn independent_research_fail_warn_pass() {
    let mut s = rct(400, 3, 0.2, 0.01);
    s["independent"] = json!(false);
    let none = vet_with(json!({ "studies": [s] }), json!({}));
    assert_eq!(status(&none, "independentResearch"), Status::Fail);
    let hidden = vet_with(json!({ "researchOnHomepage": false }), json!({}));
    assert_eq!(status(&hidden, "independentResearch"), Status::Warn);
    assert_eq!(hidden.verdict, Verdict::Caution);
    assert_eq!(hidden.red_flags, 0);
    let no_url = vet_with(json!({ "researchUrl": null }), json!({}));
    assert_eq!(status(&no_url, "independentResearch"), Status::Warn);
    // A logic model is not research, even when independent.
    let lm = vet_with(
        json!({ "studies": [{ "title": "LM", "design": "logicModel", "independent": true }] }),
        json!({}),
    );
    assert_eq!(status(&lm, "independentResearch"), Status::Fail);
}

#[test]
fn sea_approval_by_status_and_accepted_states() {
    let pending = vet_with(
        json!({ "seaApprovals": [{ "state": "TX", "status": "pending" }] }),
        json!({}),
    );
    assert_eq!(status(&pending, "seaApproval"), Status::Fail);
    assert!(pending.checks[2].message.contains("TX pending"));
    let none = vet_with(json!({ "seaApprovals": [] }), json!({}));
    assert_eq!(status(&none, "seaApproval"), Status::Fail);
    let elsewhere = vet_json(&base(), Some(&json!({ "acceptedStates": ["CA", "NY"] }))).unwrap();
    assert_eq!(status(&elsewhere, "seaApproval"), Status::Fail);
    assert!(elsewhere.checks[2].message.contains("(CA, NY)"));
    let here = vet_json(&base(), Some(&json!({ "acceptedStates": ["TX"] }))).unwrap();
    assert_eq!(status(&here, "seaApproval"), Status::Pass);
}

#[test]
fn clear_outcomes_needs_a_claim_and_a_dosage() {
    assert_eq!(
        status(
            &vet_with(json!({ "outcomes": [] }), json!({})),
            "clearOutcomes"
        ),
        Status::Fail
    );
    let no_dose = vet_with(json!({ "dosage": null }), json!({}));
    assert_eq!(status(&no_dose, "clearOutcomes"), Status::Fail);
    assert_eq!(status(&no_dose, "screenTime"), Status::Warn);
    assert_eq!(no_dose.red_flags, 1);
}

#[test]
fn further_warnings_are_not_red_flags() {
    let fee = vet_with(
        json!({ "training": { "included": true, "feeCents": 150000 } }),
        json!({}),
    );
    assert_eq!(status(&fee, "trainingIncluded"), Status::Fail);
    assert!(fee.checks[4].message.contains("$1,500.00"));
    assert_eq!(fee.verdict, Verdict::Caution);
    assert_eq!(
        status(
            &vet_with(json!({ "training": { "included": false } }), json!({})),
            "trainingIncluded"
        ),
        Status::Fail
    );
    assert_eq!(
        status(
            &vet_with(
                json!({ "training": { "included": true, "feeCents": 1 } }),
                json!({})
            ),
            "trainingIncluded"
        ),
        Status::Fail
    );
    let ads = vet_with(
        json!({ "dataPractices": { "advertisingUsesStudentData": true } }),
        json!({}),
    );
    assert_eq!(status(&ads, "studentDataAdvertising"), Status::Fail);
    let sells = vet_with(
        json!({ "dataPractices": { "advertisingUsesStudentData": false, "sellsStudentData": true } }),
        json!({}),
    );
    assert_eq!(status(&sells, "studentDataAdvertising"), Status::Fail);
    assert_eq!(sells.verdict, Verdict::Caution);
}

#[test]
fn ai_needs_a_significant_positive_study_covering_it() {
    let ai = vet_with(json!({ "ai": { "usesGenerativeAi": true } }), json!({}));
    assert_eq!(status(&ai, "aiEvidence"), Status::Fail);
    let mut s = rct(400, 3, 0.2, 0.01);
    s["coversAi"] = json!(true);
    assert_eq!(
        status(
            &vet_with(
                json!({ "ai": { "usesGenerativeAi": true }, "studies": [s.clone()] }),
                json!({})
            ),
            "aiEvidence"
        ),
        Status::Pass
    );
    s["pValue"] = json!(0.2);
    assert_eq!(
        status(
            &vet_with(
                json!({ "ai": { "usesGenerativeAi": true }, "studies": [s] }),
                json!({})
            ),
            "aiEvidence"
        ),
        Status::Fail
    );
    assert_eq!(
        status(
            &vet_with(json!({ "ai": { "usesGenerativeAi": false } }), json!({})),
            "aiEvidence"
        ),
        Status::Pass
    );
}

fn rating_of(study: Value, policy: Value) -> Rating {
    vet_with(json!({ "studies": [study] }), policy).studies[0].rating
}

#[test]
fn wwc_ratings() {
    use Rating::*;
    let mut s = rct(400, 3, 0.2, 0.01);
    assert_eq!(rating_of(s.clone(), json!({})), MeetsWithoutReservations);
    // 10% overall: the cautious boundary is 6.3 points; 6.3 is low, 6.4 is high.
    s["attrition"] = json!({ "overall": 0.10, "differential": 0.063 });
    assert_eq!(rating_of(s.clone(), json!({})), MeetsWithoutReservations);
    s["attrition"] = json!({ "overall": 0.10, "differential": 0.064 });
    assert_eq!(rating_of(s.clone(), json!({})), DoesNotMeet); // high attrition, no baseline shown
    assert_eq!(
        rating_of(s.clone(), json!({ "attritionBoundary": "optimistic" })),
        MeetsWithoutReservations
    );
    s["baselineEffectSize"] = json!(0.05);
    assert_eq!(rating_of(s.clone(), json!({})), MeetsWithReservations);
    s["baselineEffectSize"] = json!(0.1);
    assert_eq!(rating_of(s.clone(), json!({})), DoesNotMeet);
    s["baselineAdjusted"] = json!(true);
    assert_eq!(rating_of(s.clone(), json!({})), MeetsWithReservations);
    s["baselineEffectSize"] = json!(0.26);
    assert_eq!(rating_of(s.clone(), json!({})), DoesNotMeet);
    // Missing attrition on an RCT: rated as a QED would be.
    let mut no_attr = rct(400, 3, 0.2, 0.01);
    no_attr.as_object_mut().unwrap().remove("attrition");
    assert_eq!(rating_of(no_attr.clone(), json!({})), DoesNotMeet);
    no_attr["baselineEffectSize"] = json!(-0.04);
    assert_eq!(rating_of(no_attr, json!({})), MeetsWithReservations);
    // Attrition counts: 200 randomized, 170 analysed (15%), 10% vs 20% (10 points): high cautious, low optimistic.
    let mut counts = rct(170, 3, 0.2, 0.01);
    counts["attrition"] = json!({ "randomized": { "intervention": 100, "comparison": 100 }, "analyzed": { "intervention": 90, "comparison": 80 } });
    assert_eq!(rating_of(counts.clone(), json!({})), DoesNotMeet);
    assert_eq!(
        rating_of(counts, json!({ "attritionBoundary": "optimistic" })),
        MeetsWithoutReservations
    );
    let qed = json!({ "title": "Q", "design": "qed", "independent": true, "sampleSize": 400, "sites": 2, "baselineEffectSize": 0.02 });
    assert_eq!(rating_of(qed, json!({})), MeetsWithReservations);
    let cor = json!({ "title": "C", "design": "correlational", "independent": true, "sampleSize": 400, "sites": 2 });
    assert_eq!(rating_of(cor, json!({})), NotRated);
}

fn tier(studies: Value, policy: Value) -> (Option<u8>, String) {
    let v = vet_with(json!({ "studies": studies }), policy);
    (v.essa_tier, v.essa_rationale)
}

#[test]
fn essa_tiers() {
    assert_eq!(tier(json!([rct(350, 2, 0.2, 0.01)]), json!({})).0, Some(1));
    // Short of the sample: 349 students, or a single site.
    assert_eq!(tier(json!([rct(349, 2, 0.2, 0.01)]), json!({})).0, Some(3));
    assert_eq!(tier(json!([rct(400, 1, 0.2, 0.01)]), json!({})).0, Some(3));
    // Pooled across qualifying studies: 200 + 150 students in two named districts.
    let named = |n: u64, g: f64, district: &str| {
        let mut s = rct(n, 1, g, 0.01);
        s["siteNames"] = json!([district]);
        s
    };
    assert_eq!(
        tier(
            json!([named(200, 0.2, "North ISD"), named(150, 0.3, "South ISD")]),
            json!({})
        )
        .0,
        Some(1)
    );
    // The same district twice (" north isd" is "North ISD") is one site: tier 3.
    assert_eq!(
        tier(
            json!([named(200, 0.2, "North ISD"), named(150, 0.3, " north isd")]),
            json!({})
        )
        .0,
        Some(3)
    );
    // Unnamed sites may be shared: two one-site studies count as one site.
    let (t, why) = tier(
        json!([rct(200, 1, 0.2, 0.01), rct(150, 1, 0.3, 0.02)]),
        json!({}),
    );
    assert_eq!(t, Some(3));
    assert!(
        why.contains("2 qualifying studies with 350 students in 1 site"),
        "{why}"
    );
    // The same study listed twice counts once.
    let (t, why) = tier(
        json!([rct(200, 2, 0.2, 0.01), rct(200, 2, 0.2, 0.01)]),
        json!({}),
    );
    assert_eq!(t, Some(3));
    assert!(
        why.contains("1 qualifying study with 200 students"),
        "{why}"
    );
    // A non-significant study does not count toward the pool.
    assert_eq!(
        tier(
            json!([named(200, 0.2, "North ISD"), rct(150, 1, 0.3, 0.2)]),
            json!({})
        )
        .0,
        Some(3)
    );
    // p exactly at alpha is not significant.
    assert_eq!(tier(json!([rct(400, 3, 0.2, 0.05)]), json!({})).0, None);
    // A policy may ask more than ESSA: 500 students, a stricter alpha.
    assert_eq!(
        tier(
            json!([rct(400, 3, 0.2, 0.01)]),
            json!({ "minStudents": 500 })
        )
        .0,
        Some(3)
    );
    assert_eq!(
        tier(json!([rct(400, 3, 0.2, 0.02)]), json!({ "alpha": 0.01 })).0,
        None
    );
    // Tier 2: a QED meeting standards with reservations.
    let qed = json!({ "title": "Q", "design": "qed", "independent": true, "sampleSize": 400, "sites": 2, "effectSize": 0.15, "pValue": 0.03, "baselineEffectSize": 0.02 });
    let (t, why) = tier(json!([qed.clone()]), json!({}));
    assert_eq!(t, Some(2));
    assert!(why.starts_with("Moderate evidence (tier 2)"));
    // Tier 3 from a correlational study with controls for selection, not without them.
    let cor = json!({ "title": "C", "design": "correlational", "independent": true, "sampleSize": 900, "sites": 9, "effectSize": 0.1, "pValue": 0.001, "controlsForSelection": true });
    assert_eq!(tier(json!([cor.clone()]), json!({})).0, Some(3));
    let mut uncontrolled = cor.clone();
    uncontrolled["controlsForSelection"] = json!(false);
    assert_eq!(tier(json!([uncontrolled]), json!({})).0, None);
    // Tier 4: a logic model with ongoing evaluation.
    let lm =
        json!({ "title": "LM", "design": "logicModel", "independent": false, "ongoing": true });
    assert_eq!(tier(json!([lm.clone()]), json!({})).0, Some(4));
    let mut stalled = lm;
    stalled["ongoing"] = json!(false);
    assert_eq!(tier(json!([stalled]), json!({})).0, None);
    assert_eq!(
        tier(json!([]), json!({})),
        (
            None,
            "No ESSA evidence tier: no study is listed.".to_string()
        )
    );
    // A significant negative effect in a rated study overrides the positive one.
    let (t, why) = tier(
        json!([rct(400, 3, 0.2, 0.01), rct(400, 3, -0.25, 0.01)]),
        json!({}),
    );
    assert_eq!(t, None);
    assert!(why.contains("studies[1]"), "{why}");
    // A negative effect in a study that does not meet standards does not override.
    let mut weak_negative = rct(400, 3, -0.25, 0.01);
    weak_negative["attrition"] = json!({ "overall": 0.5, "differential": 0.2 });
    assert_eq!(
        tier(json!([rct(400, 3, 0.2, 0.01), weak_negative]), json!({})).0,
        Some(1)
    );
}

#[test]
fn summary_statistics_give_g_and_p_the_wwc_way() {
    let v = vet_json(
        &serde_json::from_str(include_str!(
            "../../tests/fixtures/profiles/logic-model-ai.json"
        ))
        .unwrap(),
        None,
    )
    .unwrap();
    let s = &v.studies[1];
    // Expected from the stats module's formulas (checked there against scipy): the clustered QED is not significant.
    let expected = crate::stats::effect_size(&crate::stats::EffectInput {
        intervention: crate::stats::Group::Continuous {
            n: 110.0,
            mean: 251.2,
            sd: 14.1,
        },
        comparison: crate::stats::Group::Continuous {
            n: 110.0,
            mean: 249.8,
            sd: 14.6,
        },
        lower_is_better: false,
        clusters: Some(crate::stats::Clusters {
            intervention: 4.0,
            comparison: 4.0,
            icc: 0.2,
        }),
        alpha: 0.05,
    })
    .unwrap();
    assert_eq!(s.g, Some(expected.g));
    assert_eq!(s.p_value, Some(expected.p_value));
    assert!(!s.significant);
    assert_eq!(s.rating, Rating::MeetsWithReservations); // baseline 0.12 adjusted
    assert_eq!(v.studies[0].rating, Rating::NotRated);
    assert_eq!(v.studies[2].rating, Rating::MeetsWithoutReservations); // 10% / 0 points
    assert_eq!(v.essa_tier, Some(4));
    assert_eq!(v.verdict, Verdict::NotRecommended);
    // Red flags: SEA approval (pending, expired) and screen time (60 >= 45); research is independent but not on the home page.
    assert_eq!(v.red_flags, 2);
    assert_eq!(status(&v, "independentResearch"), Status::Warn);
    assert_eq!(status(&v, "aiEvidence"), Status::Fail);
    assert_eq!(status(&v, "trainingIncluded"), Status::Fail);
    assert_eq!(status(&v, "studentDataAdvertising"), Status::Fail);
}

#[test]
fn minimal_profile_fails_all_four_red_flags() {
    let v = vet_json(
        &serde_json::from_str(include_str!("../../tests/fixtures/profiles/minimal.json")).unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(v.red_flags, 3); // screen time cannot be judged without a dosage: a warning
    assert_eq!(status(&v, "screenTime"), Status::Warn);
    assert_eq!(v.verdict, Verdict::NotRecommended);
    assert_eq!(v.essa_tier, None);
}

#[test]
fn invalid_fixtures_report_their_paths() {
    let cases: Value =
        serde_json::from_str(include_str!("../../tests/fixtures/profiles/invalid.json")).unwrap();
    for case in cases.as_array().unwrap() {
        let profile = with(case["change"].clone());
        let result = validate_json(Ok(profile.clone()), None).unwrap();
        let got: Vec<(String, String)> = result
            .errors
            .iter()
            .map(|e| (e.path.clone(), e.code.to_string()))
            .collect();
        let want: Vec<(String, String)> = case["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e[0].as_str().unwrap().to_string(),
                    e[1].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(got, want, "{}", case["name"]);
        assert!(!result.valid);
        let err = vet_json(&profile, None).unwrap_err();
        assert_eq!(err.code, "invalidProfile");
        assert_eq!(err.field_errors(), result.errors.as_slice());
    }
}

#[test]
fn bad_policy_is_its_own_error() {
    let e = vet_json(
        &base(),
        Some(&json!({ "maxScreenMinutes": 30, "alpha": 2, "acceptedStates": ["Texas"] })),
    )
    .unwrap_err();
    assert_eq!(e.code, "invalidPolicy");
    let got: Vec<_> = e
        .field_errors()
        .iter()
        .map(|e| (e.path.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("maxScreenMinutes", "unknownField"),
            ("acceptedStates[0]", "invalidState"),
            ("alpha", "outOfRange")
        ]
    );
    assert!(e.field_errors()[0]
        .message
        .contains("maxScreenMinutesPerWeek"));
    // ESSA's definitions are law: a policy may not ask for fewer than 350 students, fewer
    // than two sites, or a looser test than 0.05.
    let e = vet_json(
        &base(),
        Some(&json!({ "minStudents": 100, "minSites": 1, "alpha": 0.1 })),
    )
    .unwrap_err();
    let got: Vec<_> = e.field_errors().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(got, vec!["minStudents", "minSites", "alpha"]);
    assert!(e.field_errors()[0].message.contains("34 CFR 77.1"));
}

#[test]
fn cents_format_for_messages() {
    assert_eq!(format_cents(0), "$0.00");
    assert_eq!(format_cents(150000), "$1,500.00");
    assert_eq!(format_cents(123456789), "$1,234,567.89");
    assert_eq!(format_cents(-5), "-$0.05");
    // Three digits of dollars take no separator in front.
    assert_eq!(format_cents(12345), "$123.45");
    assert_eq!(format_cents(-99999999), "-$999,999.99");
}

fn summary(ni: u64, mi: f64, nc: u64, mc: f64, sd: f64) -> Value {
    json!({ "kind": "continuous", "intervention": { "n": ni, "mean": mi, "sd": sd },
            "comparison": { "n": nc, "mean": mc, "sd": sd } })
}

fn errors(study: Value) -> Vec<(String, &'static str)> {
    vet_json(&with(json!({ "studies": [study] })), None)
        .unwrap_err()
        .field_errors()
        .iter()
        .map(|e| (e.path.clone(), e.code.as_str()))
        .collect()
}

#[test]
fn a_cluster_rct_must_give_its_clusters_and_one_per_arm_does_not_meet() {
    // 200 + 200 students, 105 vs 100, SD 15: p 0.001 unclustered, but a cluster RCT must say
    // how many clusters it assigned.
    let mut s = json!({ "title": "Cluster trial", "design": "clusterRct", "independent": true,
        "sampleSize": 400, "sites": 2, "summary": summary(200, 105.0, 200, 100.0, 15.0),
        "attrition": { "overall": 0.05, "differential": 0.01 } });
    assert_eq!(
        errors(s.clone()),
        vec![("studies[0].clusters".into(), "required")]
    );
    // One school per arm: the cluster-adjusted p is 0.64 (scipy, see the stats tests) and the
    // design is the WWC's n = 1 confound, which does not meet standards.
    s["clusters"] = json!({ "intervention": 1, "comparison": 1 });
    let v = vet_with(json!({ "studies": [s.clone()] }), json!({}));
    assert_eq!(v.studies[0].rating, Rating::DoesNotMeet);
    assert!((v.studies[0].p_value.unwrap() - 0.6416017344120142).abs() < 1e-9);
    assert!(v.studies[0]
        .reasons
        .iter()
        .any(|r| r.contains("n = 1 confound")));
    assert_eq!(v.essa_tier, None);
    // Ten schools per arm: p 0.135 (cluster-adjusted), meets without reservations, no tier.
    s["clusters"] = json!({ "intervention": 10, "comparison": 10 });
    let v = vet_with(json!({ "studies": [s.clone()] }), json!({}));
    assert_eq!(v.studies[0].rating, Rating::MeetsWithoutReservations);
    assert!((v.studies[0].p_value.unwrap() - 0.13540944079854042).abs() < 1e-9);
    assert_eq!(v.essa_tier, None);
    // Clusters given twice must agree.
    s["summary"]["clusters"] = json!({ "intervention": 9, "comparison": 10 });
    assert_eq!(
        errors(s),
        vec![("studies[0].summary.clusters".into(), "inconsistent")]
    );
}

#[test]
fn tier_3_from_a_study_with_controls_that_does_not_meet_standards() {
    // A QED whose baseline differs by 0.3 SD does not meet standards; with statistical controls
    // for selection bias and a significant favourable effect it is promising evidence (tier 3,
    // ESEA 8101(21)(A)(i)(III); 34 CFR 77.1), never tier 1 or 2.
    let mut qed = json!({ "title": "Q", "design": "qed", "independent": true, "sampleSize": 900,
        "sites": 9, "effectSize": 0.2, "pValue": 0.001, "baselineEffectSize": 0.3 });
    let (t, _) = tier(json!([qed.clone()]), json!({}));
    assert_eq!(t, None);
    qed["controlsForSelection"] = json!(true);
    let (t, why) = tier(json!([qed]), json!({}));
    assert_eq!(t, Some(3));
    assert!(why.contains("does not meet WWC standards"), "{why}");
}

#[test]
fn negative_evidence_overrides_tiers_1_to_3_but_not_tier_4() {
    let lm =
        json!({ "title": "LM", "design": "logicModel", "independent": false, "ongoing": true });
    let negative = rct(400, 3, -0.25, 0.01);
    assert_eq!(
        tier(json!([negative.clone(), lm.clone()]), json!({})).0,
        Some(4)
    );
    // Adding a positive study must not lose tier 4: the override reaches tiers 1 to 3 only.
    let (t, why) = tier(json!([negative, lm, rct(400, 3, 0.2, 0.01)]), json!({}));
    assert_eq!(t, Some(4));
    assert!(
        why.contains("overridden") && why.contains("studies[0]"),
        "{why}"
    );
    // Without the logic model no tier is left, and the reason says why tiers 1 to 3 went
    // before saying that nothing gives tier 4.
    let (t, why) = tier(
        json!([rct(400, 3, -0.25, 0.01), rct(400, 3, 0.2, 0.01)]),
        json!({}),
    );
    assert_eq!(t, None);
    assert!(
        why.starts_with("Positive findings are overridden")
            && why.ends_with("No logic model with an ongoing evaluation gives tier 4."),
        "{why}"
    );
}

#[test]
fn the_sample_counted_is_the_one_analysed() {
    // 10 + 10 students in the statistics with a stated sampleSize of 400: 20 count toward 350.
    let s = json!({ "title": "Small", "design": "rct", "independent": true, "sampleSize": 400,
        "sites": 3, "summary": summary(10, 120.0, 10, 100.0, 10.0),
        "attrition": { "overall": 0.0, "differential": 0.0 } });
    let (t, why) = tier(json!([s]), json!({}));
    assert_eq!(t, Some(3));
    assert!(why.contains("with 20 students"), "{why}");
    // A sample size below the students analysed is inconsistent.
    let s = json!({ "title": "Small", "design": "rct", "independent": true, "sampleSize": 15,
        "sites": 3, "summary": summary(10, 120.0, 10, 100.0, 10.0) });
    assert_eq!(
        errors(s),
        vec![("studies[0].sampleSize".into(), "inconsistent")]
    );
}

#[test]
fn sites_count_as_the_policy_says() {
    // Sites that are schools count as one district under the default (34 CFR 77.1's examples
    // of a site are districts, cities, counties, States and campuses), as themselves otherwise.
    let mut s = rct(400, 5, 0.2, 0.01);
    s["siteUnit"] = json!("school");
    assert_eq!(tier(json!([s.clone()]), json!({})).0, Some(3));
    assert_eq!(tier(json!([s]), json!({ "siteUnit": "school" })).0, Some(1));
}

#[test]
fn ai_evidence_needs_evidence_that_earns_a_tier() {
    let ai = |study: Value| {
        let mut s = study;
        s["coversAi"] = json!(true);
        status(
            &vet_with(
                json!({ "ai": { "usesGenerativeAi": true }, "studies": [s] }),
                json!({}),
            ),
            "aiEvidence",
        )
    };
    // p < .05 in a QED that does not meet standards, or a correlational study without controls: fail.
    let weak_qed = json!({ "title": "Q", "design": "qed", "independent": true, "sampleSize": 400,
        "sites": 2, "effectSize": 0.3, "pValue": 0.01, "baselineEffectSize": 0.4 });
    assert_eq!(ai(weak_qed), Status::Fail);
    let cor = json!({ "title": "C", "design": "correlational", "independent": true,
        "sampleSize": 400, "sites": 2, "effectSize": 0.3, "pValue": 0.01 });
    assert_eq!(ai(cor.clone()), Status::Fail);
    let mut controlled = cor;
    controlled["controlsForSelection"] = json!(true);
    assert_eq!(ai(controlled), Status::Pass);
    assert_eq!(ai(rct(100, 1, 0.2, 0.01)), Status::Pass); // tier 3 on its own
}

fn finding(domain: &str, p: f64) -> Value {
    json!({ "domain": domain, "measure": format!("{domain} {p}"), "effectSize": 0.2, "pValue": p })
}

#[test]
fn several_findings_in_a_domain_are_corrected_by_benjamini_hochberg() {
    let study = |findings: Value| {
        let mut s = rct(400, 3, 0.0, 0.0);
        let o = s.as_object_mut().unwrap();
        o.remove("effectSize");
        o.remove("pValue");
        o.insert("findings".into(), findings);
        s
    };
    // One domain, p = 0.04, 0.03 and 0.2: thresholds 0.0167, 0.0333, 0.05; none passes, so the
    // study has no significant finding and no tier (each alone would be significant).
    let v = vet_with(
        json!({ "studies": [study(json!([finding("reading", 0.04), finding("reading", 0.03), finding("reading", 0.2)]))] }),
        json!({}),
    );
    assert!(v.studies[0].findings.iter().all(|f| !f.significant));
    assert_eq!(v.essa_tier, None);
    assert!(v.studies[0]
        .reasons
        .iter()
        .any(|r| r.contains("Benjamini-Hochberg")));
    // The same p-values in different domains are not corrected together.
    let v = vet_with(
        json!({ "studies": [study(json!([finding("reading", 0.04), finding("math", 0.03)]))] }),
        json!({}),
    );
    assert!(v.studies[0].findings.iter().all(|f| f.significant));
    assert_eq!(v.essa_tier, Some(1));
    // Step-up, inclusive: 0.01, 0.04, 0.045 all stay (0.045 <= 3 x 0.05 / 3), although 0.04 alone
    // fails its rank; 0.025 and 0.05 both stay at exactly their thresholds.
    let v = vet_with(
        json!({ "studies": [study(json!([finding("r", 0.04), finding("r", 0.01), finding("r", 0.045)]))] }),
        json!({}),
    );
    assert!(v.studies[0].findings.iter().all(|f| f.significant));
    let v = vet_with(
        json!({ "studies": [study(json!([finding("r", 0.05), finding("r", 0.025)]))] }),
        json!({ "alpha": 0.05 }),
    );
    // p = 0.05 is not below alpha on its own, so only 0.025 is significant before and after.
    assert_eq!(
        v.studies[0]
            .findings
            .iter()
            .map(|f| f.significant)
            .collect::<Vec<_>>(),
        vec![false, true]
    );
    // Findings and a single effect together are refused.
    let mut both = study(json!([finding("r", 0.01)]));
    both["pValue"] = json!(0.01);
    assert_eq!(
        errors(both),
        vec![("studies[0].findings".into(), "inconsistent")]
    );
}

#[test]
fn a_cluster_designs_stated_p_value_needs_an_analysis_that_accounted_for_clustering() {
    let mut s = json!({ "title": "Stated", "design": "clusterRct", "independent": true,
        "sampleSize": 400, "sites": 3, "clusters": { "intervention": 10, "comparison": 10 },
        "effectSize": 0.2, "pValue": 0.01, "attrition": { "overall": 0.1, "differential": 0.02 } });
    let v = vet_with(json!({ "studies": [s.clone()] }), json!({}));
    assert!(!v.studies[0].significant);
    assert_eq!(v.essa_tier, None);
    assert!(v.studies[0]
        .reasons
        .iter()
        .any(|r| r.contains("analysisAccountsForClustering")));
    s["analysisAccountsForClustering"] = json!(true);
    assert_eq!(tier(json!([s]), json!({})).0, Some(1));
}

#[test]
fn every_statement_of_the_clusters_is_checked() {
    // A second finding that hides one cluster per arm behind another finding's ten.
    let finding = |m: u64, icc: f64| {
        json!({ "domain": "math", "measure": format!("M{m}"),
        "summary": { "kind": "continuous", "intervention": { "n": 200, "mean": 103, "sd": 10 },
            "comparison": { "n": 200, "mean": 100, "sd": 10 }, "clusters": { "intervention": m, "comparison": m, "icc": icc } } })
    };
    let s = json!({ "title": "Hidden", "design": "clusterRct", "independent": true, "sampleSize": 400,
        "sites": 2, "findings": [finding(10, 0.2), finding(1, 0.0)], "attrition": { "overall": 0.1, "differential": 0.02 } });
    assert_eq!(
        errors(s),
        vec![(
            "studies[0].findings[1].summary.clusters".into(),
            "inconsistent"
        )]
    );
    // One cluster per arm in any statement: the confound, and no tier 3 even with controls.
    let s = json!({ "title": "One each", "design": "clusterRct", "independent": true, "sampleSize": 400,
        "sites": 2, "findings": [finding(1, 0.0)], "controlsForSelection": true });
    let v = vet_with(json!({ "studies": [s] }), json!({}));
    assert_eq!(v.studies[0].rating, Rating::DoesNotMeet);
    assert_eq!(v.essa_tier, None);
    // An ICC of 0 is noted: no design effect.
    assert!(v.studies[0]
        .reasons
        .iter()
        .any(|r| r.contains("no design effect")));
}

#[test]
fn findings_without_a_p_value_count_in_the_correction() {
    // One p = 0.04 among ten findings of a domain, nine with no p-value (p = 1): m = 10, so
    // 0.04 > 0.005 and nothing stays significant.
    let mut findings =
        vec![json!({ "domain": "reading", "measure": "m0", "effectSize": 0.1, "pValue": 0.04 })];
    for i in 1..10 {
        findings
            .push(json!({ "domain": "reading", "measure": format!("m{i}"), "effectSize": 0.01 }));
    }
    let mut s = rct(400, 3, 0.0, 0.0);
    let o = s.as_object_mut().unwrap();
    o.remove("effectSize");
    o.remove("pValue");
    o.insert("findings".into(), json!(findings));
    assert_eq!(tier(json!([s]), json!({})).0, None);
}

#[test]
fn a_study_showing_harm_is_never_silent() {
    let v = vet_with(json!({ "studies": [rct(400, 3, -0.4, 0.001)] }), json!({}));
    assert_eq!(status(&v, "unfavorableEvidence"), Status::Fail);
    assert_eq!(v.verdict, Verdict::Caution);
    assert!(
        v.essa_rationale
            .contains("unfavourable effect is reported (studies[0])"),
        "{}",
        v.essa_rationale
    );
    let mut weak = rct(400, 3, -0.4, 0.001);
    weak["attrition"] = json!({ "overall": 0.5, "differential": 0.2 });
    let v = vet_with(json!({ "studies": [weak] }), json!({}));
    assert_eq!(status(&v, "unfavorableEvidence"), Status::Warn);
}

#[test]
fn one_study_under_two_entries_counts_once_and_never_lowers_a_tier() {
    let small = json!({ "title": "Evaluation of X", "design": "rct", "independent": true, "sampleSize": 200, "sites": 1,
        "attrition": { "overall": 0.1, "differential": 0.02 }, "effectSize": 0.2, "pValue": 0.01 });
    let mut big = small.clone();
    big["sampleSize"] = json!(400);
    big["sites"] = json!(2);
    // Whichever is listed first, the larger counts: tier 1.
    assert_eq!(
        tier(json!([big.clone(), small.clone()]), json!({})).0,
        Some(1)
    );
    assert_eq!(tier(json!([small.clone(), big]), json!({})).0, Some(1));
    // The same study with a title changed by a full stop or an invisible space: one study.
    let mut renamed = small.clone();
    renamed["sites"] = json!(2);
    let mut dotted = renamed.clone();
    dotted["title"] = json!("Evaluation of X.");
    assert_eq!(tier(json!([renamed.clone(), dotted]), json!({})).0, Some(3));
    let mut other = renamed.clone();
    other["title"] = json!("A different title, the same numbers");
    assert_eq!(tier(json!([renamed, other]), json!({})).0, Some(3));
}

#[test]
fn domains_and_site_names_are_compared_as_folded_names() {
    let s = json!({ "title": "T", "design": "rct", "independent": true, "sampleSize": 400, "sites": 2,
        "attrition": { "overall": 0.1, "differential": 0.02 }, "findings": [
            { "domain": "Reading", "measure": "a", "effectSize": 0.2, "pValue": 0.04 },
            { "domain": "reading ", "measure": "b", "effectSize": 0.0, "pValue": 0.9 }] });
    assert_eq!(tier(json!([s]), json!({})).0, None);
    // Two different studies (200 and 150 students): two districts are two sites, one district
    // spelt two ways is one.
    let named = |n: u64, district: &str| {
        let mut s = rct(n, 1, 0.2, 0.01);
        s["siteNames"] = json!([district]);
        s
    };
    assert_eq!(
        tier(
            json!([named(200, "North ISD"), named(150, "South ISD")]),
            json!({})
        )
        .0,
        Some(1)
    );
    for variant in ["North  ISD", "N\u{43e}rth ISD", "North\u{200b}ISD"] {
        assert_eq!(
            tier(
                json!([named(200, "North ISD"), named(150, variant)]),
                json!({})
            )
            .0,
            Some(3),
            "{variant:?}"
        );
    }
}

#[test]
fn harm_with_an_uncounted_p_value_is_not_silent() {
    let neg = json!({ "title": "Neg", "design": "clusterRct", "independent": true, "sampleSize": 400, "sites": 2,
        "clusters": { "intervention": 10, "comparison": 10 },
        "attrition": { "overall": 0.1, "differential": 0.02 }, "effectSize": -0.4, "pValue": 0.001 });
    let v = vet_with(
        json!({ "studies": [rct(400, 3, 0.2, 0.01), neg] }),
        json!({}),
    );
    assert_eq!(status(&v, "unfavorableEvidence"), Status::Warn);
    assert_eq!(v.verdict, Verdict::Caution);
}

#[test]
fn an_uncounted_p_value_warns_only_of_harm_below_alpha() {
    let cluster = |g: f64, p: f64| {
        json!({ "title": "C", "design": "clusterRct", "independent": true, "sampleSize": 400, "sites": 2,
            "clusters": { "intervention": 10, "comparison": 10 },
            "attrition": { "overall": 0.1, "differential": 0.02 }, "effectSize": g, "pValue": p })
    };
    let unfavorable = |c: Value| {
        let v = vet_with(json!({ "studies": [rct(400, 3, 0.2, 0.01), c] }), json!({}));
        status(&v, "unfavorableEvidence")
    };
    // A favourable effect with a small uncounted p-value is no sign of harm.
    assert_eq!(unfavorable(cluster(0.4, 0.001)), Status::Pass);
    // Harm at p = 0.05 exactly is not significant at alpha 0.05; just below it is.
    assert_eq!(unfavorable(cluster(-0.4, 0.05)), Status::Pass);
    assert_eq!(unfavorable(cluster(-0.4, 0.0499)), Status::Warn);
}

#[test]
fn a_stated_effect_is_favourable_only_above_zero() {
    let cluster = |g: f64| {
        json!({ "title": format!("C {g}"), "design": "clusterRct", "independent": true, "sampleSize": 400,
            "sites": 2, "clusters": { "intervention": 10, "comparison": 10 },
            "attrition": { "overall": 0.1, "differential": 0.02 }, "effectSize": g, "pValue": 0.01 })
    };
    let studies = json!([
        rct(400, 3, 0.0, 0.01),
        rct(400, 3, 0.2, 0.01),
        cluster(0.0),
        cluster(0.3)
    ]);
    let v = vet_with(json!({ "studies": studies }), json!({}));
    let favourable: Vec<bool> = v.studies.iter().map(|s| s.findings[0].favorable).collect();
    assert_eq!(favourable, [false, true, false, true]);
}

/// The reasons given for the first study of a profile.
fn reasons_of(study: Value) -> Vec<String> {
    vet_with(json!({ "studies": [study] }), json!({})).studies[0]
        .reasons
        .clone()
}

#[test]
fn findings_each_in_a_domain_of_its_own_are_pointed_out_from_three() {
    let with_domains = |domains: &[&str]| {
        let findings: Vec<Value> = domains
            .iter()
            .enumerate()
            .map(|(i, d)| json!({ "domain": d, "measure": format!("m{i}"), "effectSize": 0.2, "pValue": 0.01 }))
            .collect();
        let mut s = rct(400, 3, 0.2, 0.01);
        let o = s.as_object_mut().unwrap();
        o.remove("effectSize");
        o.remove("pValue");
        o.insert("findings".into(), json!(findings));
        let said = reasons_of(s);
        said.iter().any(|r| r.contains("in a domain of its own"))
    };
    assert!(with_domains(&["reading", "math", "science"]));
    assert!(!with_domains(&["reading", "math"]));
    assert!(!with_domains(&["reading", "math", "Reading "]));
}

#[test]
fn only_research_not_stated_independent_is_flagged() {
    let note = "Not stated to be independent of the vendor";
    let flagged = |s: Value| reasons_of(s).iter().any(|r| r.starts_with(note));
    let mut own = rct(400, 3, 0.2, 0.01);
    own["independent"] = json!(false);
    assert!(flagged(own));
    assert!(!flagged(rct(400, 3, 0.2, 0.01)));
    let logic =
        json!({ "title": "L", "design": "logicModel", "independent": false, "ongoing": true });
    assert!(!flagged(logic));
}

#[test]
fn a_baseline_difference_is_described_by_its_band() {
    let said = |b: f64, adjusted: bool| {
        let qed = json!({ "title": "Q", "design": "qed", "independent": true, "sampleSize": 400, "sites": 2,
            "effectSize": 0.2, "pValue": 0.01, "baselineEffectSize": b, "baselineAdjusted": adjusted });
        reasons_of(qed)
            .into_iter()
            .find(|r| r.starts_with("Baseline difference"))
            .unwrap()
    };
    assert_eq!(
        said(0.03, false),
        "Baseline difference +0.030 SD is within 0.05 SD: equivalence holds."
    );
    assert_eq!(
        said(0.1, true),
        "Baseline difference +0.100 SD is within 0.25 SD with statistical adjustment: equivalence holds."
    );
    assert_eq!(
        said(-0.1, false),
        "Baseline difference -0.100 SD is between 0.05 and 0.25 SD without statistical adjustment: equivalence is not shown."
    );
    assert_eq!(
        said(0.3, true),
        "Baseline difference +0.300 SD is more than 0.25 SD: equivalence is not shown."
    );
}

#[test]
fn two_entries_are_one_study_by_title_or_address() {
    // Two RCTs of 200 students in one named district each: as two studies they reach 400
    // students in two districts (tier 1); as one study, 200 (tier 3).
    let entry = |title: &str, url: &str, g: f64, district: &str| {
        let mut s = rct(200, 1, g, 0.01);
        s["title"] = json!(title);
        s["url"] = json!(url);
        s["siteNames"] = json!([district]);
        s
    };
    let tier_of = |a: Value, b: Value| tier(json!([a, b]), json!({})).0;
    let (one, two) = ("https://r.example/1", "https://r.example/2");
    // Same title, other address and numbers: one study.
    assert_eq!(
        tier_of(entry("X", one, 0.2, "North"), entry("X", two, 0.3, "South")),
        Some(3)
    );
    // Other title, same address: one study.
    assert_eq!(
        tier_of(entry("X", one, 0.2, "North"), entry("Y", one, 0.3, "South")),
        Some(3)
    );
    // Other title, address and numbers: two studies.
    assert_eq!(
        tier_of(entry("X", one, 0.2, "North"), entry("Y", two, 0.3, "South")),
        Some(1)
    );
}

#[test]
fn a_condition_of_one_cluster_is_a_confound_and_two_are_not() {
    let rating = |intervention: u64, comparison: u64| {
        let s = json!({ "title": "C", "design": "clusterRct", "independent": true, "sampleSize": 400,
            "sites": 2, "clusters": { "intervention": intervention, "comparison": comparison },
            "analysisAccountsForClustering": true,
            "attrition": { "overall": 0.1, "differential": 0.02 }, "effectSize": 0.2, "pValue": 0.01 });
        vet_with(json!({ "studies": [s] }), json!({})).studies[0].rating
    };
    assert_eq!(rating(1, 10), Rating::DoesNotMeet);
    assert_eq!(rating(10, 1), Rating::DoesNotMeet);
    assert_eq!(rating(2, 2), Rating::MeetsWithoutReservations);
    assert_eq!(rating(2, 10), Rating::MeetsWithoutReservations);
}
