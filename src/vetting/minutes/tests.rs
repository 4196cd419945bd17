//! Each outcome of `returnOnMinutes`, with growth per hour worked by hand: value / (minutes a
//! week x weeks / 60), and effect sizes per 10 hours. The doses are chosen so the rates are
//! exact in binary (0.25 SD over 20 hours is 0.125 SD per 10 hours).

use crate::vetting::{vet_json, Check, Status, Vetting};
use serde_json::{json, Value};

fn vet(changes: Value, policy: Value) -> Vetting {
    let mut v: Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/profiles/strong.json")).unwrap();
    for (k, x) in changes.as_object().unwrap() {
        v[k] = x.clone();
    }
    vet_json(&v, Some(&policy)).unwrap()
}

fn minutes(v: &Vetting) -> &Check {
    v.checks.iter().find(|c| c.id == "returnOnMinutes").unwrap()
}

/// 0.25 SD measured at 40 minutes a week for 30 weeks: 20 hours, 0.125 SD per 10 hours.
fn effect_claim() -> Value {
    json!({ "measure": "MAP Reading", "metric": "effectSize", "value": 0.25,
            "dosage": { "minutesPerWeek": 40, "weeks": 30 } })
}

#[test]
fn a_dose_under_the_limit_needs_no_growth_per_hour() {
    let v = vet(json!({}), json!({}));
    let c = minutes(&v);
    assert_eq!(c.status, Status::Pass);
    assert!(!c.red_flag);
    assert_eq!(c.message, "No outcome claim states the dosage it was measured at (at least a minute of use); the prescribed 40 minutes a week is under the 45-minute screen-time limit, so no growth per hour is required.");
}

#[test]
fn a_dose_at_the_limit_without_a_growth_per_hour_claim_warns() {
    let v = vet(
        json!({ "dosage": { "minutesPerWeek": 45, "weeks": 30 } }),
        json!({}),
    );
    let c = minutes(&v);
    assert_eq!(c.status, Status::Warn);
    assert_eq!(c.message, "The product prescribes 45 minutes a week, at or above the 45-minute screen-time limit, and no outcome claim states the dosage it was measured at (at least a minute of use), so its growth per hour of use cannot be judged.");
    // A share meeting a target is not growth: its dosage does not answer the question.
    let share = json!([{ "measure": "MAP", "metric": "percentMeetingTarget", "value": 60,
                         "dosage": { "minutesPerWeek": 60, "weeks": 30 } }]);
    let v = vet(
        json!({ "dosage": { "minutesPerWeek": 60, "weeks": 30 }, "outcomes": share }),
        json!({ "maxScreenMinutesPerWeek": 50 }),
    );
    assert_eq!(minutes(&v).status, Status::Warn);
    assert!(minutes(&v)
        .message
        .starts_with("The product prescribes 60 minutes a week, at or above the 50-minute"));
}

#[test]
fn a_claim_with_its_dosage_gives_its_growth_per_hour() {
    let scale = json!({ "measure": "STAR Math", "metric": "scaleScoreGain", "value": 12,
                        "dosage": { "minutesPerWeek": 30, "weeks": 32 } });
    let percentile = json!({ "measure": "i-Ready", "metric": "percentileGain", "value": 5,
                             "dosage": { "minutesPerWeek": 45, "weeks": 20 } });
    let v = vet(
        json!({ "dosage": { "minutesPerWeek": 60, "weeks": 30 }, "outcomes": [effect_claim(), scale, percentile] }),
        json!({}),
    );
    let c = minutes(&v);
    assert_eq!(c.status, Status::Pass);
    // 12 points over 30 x 32 / 60 = 16 hours: 0.75 a hour; 5 over 45 x 20 / 60 = 15 hours: 0.333.
    assert_eq!(c.message, "outcomes[0] (MAP Reading): 0.25 SD over 20 hours of use (40 minutes a week for 30 weeks), 0.125 SD per 10 hours. outcomes[1] (STAR Math): a gain of 12 scale-score points over 16 hours of use (30 minutes a week for 32 weeks), 0.75 points per hour. outcomes[2] (i-Ready): a gain of 5 percentile points over 15 hours of use (45 minutes a week for 20 weeks), 0.333 percentile points per hour. The policy sets no least effect per 10 hours.");
}

#[test]
fn an_effect_below_the_policys_threshold_per_10_hours_warns() {
    let at = vet(
        json!({ "outcomes": [effect_claim()] }),
        json!({ "minEffectSizePer10Hours": 0.125 }),
    );
    assert_eq!(minutes(&at).status, Status::Pass);
    assert!(
        minutes(&at).message.ends_with(
            "0.125 SD per 10 hours. The policy asks for at least 0.125 SD per 10 hours."
        ),
        "{}",
        minutes(&at).message
    );
    let below = vet(
        json!({ "outcomes": [{ "measure": "m", "metric": "scaleScoreGain", "value": 1,
                               "dosage": { "minutesPerWeek": 60, "weeks": 60 } }, effect_claim()] }),
        json!({ "minEffectSizePer10Hours": 0.126 }),
    );
    let c = minutes(&below);
    assert_eq!(c.status, Status::Warn);
    // The scale-score claim has no effect size to compare; only outcomes[1] is below.
    assert!(
        c.message.ends_with(
            "The policy asks for at least 0.126 SD per 10 hours. Below it: outcomes[1]."
        ),
        "{}",
        c.message
    );
    assert!(!c.red_flag);
}

#[test]
fn no_dosage_at_all_warns() {
    let v = vet(json!({ "dosage": null }), json!({}));
    assert_eq!(minutes(&v).status, Status::Warn);
    assert_eq!(minutes(&v).message, "No dosage of at least a minute of use is stated, neither prescribed nor with an outcome claim, so the growth per hour of use cannot be judged.");
}

#[test]
fn a_claims_dosage_and_the_threshold_are_read_like_any_field() {
    let mut p: Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/profiles/strong.json")).unwrap();
    p["outcomes"][0]["dosage"] = json!({ "minutesPerWeek": 0, "weeks": 30 });
    let e = vet_json(&p, None).unwrap_err();
    assert_eq!(
        e.field_errors()[0].path,
        "outcomes[0].dosage.minutesPerWeek"
    );
    assert_eq!(e.field_errors()[0].code.as_str(), "outOfRange");
    let strong: Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/profiles/strong.json")).unwrap();
    let e = vet_json(&strong, Some(&json!({ "minEffectSizePer10Hours": 0 }))).unwrap_err();
    assert_eq!(e.code.as_str(), "invalidPolicy");
    assert_eq!(e.field_errors()[0].path, "minEffectSizePer10Hours");
}

#[test]
fn under_a_threshold_an_effect_size_without_its_dosage_is_not_passed() {
    let scale = json!({ "measure": "STAR Math", "metric": "scaleScoreGain", "value": 12,
                        "dosage": { "minutesPerWeek": 30, "weeks": 32 } });
    let bare = json!({ "measure": "MAP Reading", "metric": "effectSize", "value": 0.4 });
    let v = vet(
        json!({ "outcomes": [scale, bare] }),
        json!({ "minEffectSizePer10Hours": 0.1 }),
    );
    let c = minutes(&v);
    assert_eq!(c.status, Status::Warn);
    assert!(c.message.ends_with("The policy asks for at least 0.1 SD per 10 hours. No dosage of at least a minute of use is stated for the effect size of outcomes[1], so it cannot be held to it."), "{}", c.message);
    // Without a threshold there is nothing to hold it to.
    let v = vet(json!({ "outcomes": [scale, bare] }), json!({}));
    assert_eq!(minutes(&v).status, Status::Pass);
}

#[test]
fn a_dose_is_at_most_a_week_of_minutes_and_a_rate_needs_a_minute_of_use() {
    let claim = |minutes: f64, weeks: f64| {
        json!([{ "measure": "m", "metric": "effectSize", "value": 0.2,
                 "dosage": { "minutesPerWeek": minutes, "weeks": weeks } }])
    };
    let mut p: Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/profiles/strong.json")).unwrap();
    p["outcomes"] = claim(20_000.0, 30.0);
    p["dosage"] = json!({ "minutesPerWeek": 40, "weeks": 600 });
    let e = vet_json(&p, None).unwrap_err();
    let paths: Vec<&str> = e.field_errors().iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["dosage.weeks", "outcomes[0].dosage.minutesPerWeek"]);
    // A dose of less than a minute in all states no rate (no "inf SD per 10 hours").
    let v = vet(
        json!({ "outcomes": claim(1e-300, 1e-300) }),
        json!({ "minEffectSizePer10Hours": 0.1 }),
    );
    let c = minutes(&v);
    assert_eq!(c.status, Status::Warn);
    assert!(
        !c.message.contains("inf") && !c.message.contains("NaN"),
        "{}",
        c.message
    );
}

#[test]
fn a_tiny_threshold_or_rate_is_not_printed_as_zero() {
    assert_eq!(super::short(0.0001), "1.00e-4");
    assert_eq!(super::short(-0.00002), "-2.00e-5");
    assert_eq!(super::short(0.0005), "0.001");
    assert_eq!(super::short(0.0), "0");
    assert_eq!(super::short(16.0), "16");
}

#[test]
fn a_rate_just_below_the_threshold_is_not_printed_as_it() {
    assert_eq!(super::apart(0.0999, Some(0.1)), "0.0999");
    assert_eq!(super::apart(0.09999999, Some(0.1)), "0.09999999");
    assert_eq!(super::apart(0.131, Some(0.1)), "0.131");
    assert_eq!(super::apart(0.1, Some(0.1)), "0.1");
    assert_eq!(super::apart(0.0999, None), "0.1");
}

/// A claim's rate rests on enough use, at a dose near the one the district buys, and a decline
/// is never passed (fourth attack: 1 minute a week for 1 week passed at 126 SD per 10 hours, a
/// claim at a sliver of the prescribed dose passed, and so did -0.3 SD without a threshold).
#[test]
fn a_rate_rests_on_enough_use_near_the_prescribed_dose_and_a_decline_warns() {
    let claim = |value: f64, minutes: f64, weeks: f64| {
        json!([{ "measure": "m", "metric": "effectSize", "value": value,
                 "dosage": { "minutesPerWeek": minutes, "weeks": weeks } }])
    };
    // 1 minute for 1 week, and 10080 minutes for 0.0001 weeks (1.008 minutes): no rate.
    let v = vet(json!({ "outcomes": claim(0.21, 1.0, 1.0) }), json!({}));
    let c = minutes(&v);
    assert_eq!(c.status, Status::Warn);
    assert_eq!(c.message, "outcomes[0] (m): 0.21 SD over 0.017 hours of use (1 minute a week for 1 week), too little use for a rate in SD per 10 hours. The policy sets no least effect per 10 hours. Too little use for a rate: outcomes[0] (an effect size per 10 hours rests on at least 10 hours of use, a gain per hour on at least one).");
    let v = vet(
        json!({ "outcomes": claim(0.21, 10080.0, 0.0001) }),
        json!({ "minEffectSizePer10Hours": 0.05 }),
    );
    assert_eq!(minutes(&v).status, Status::Warn);
    assert!(!minutes(&v).message.contains("Below it"));
    // Exactly 10 hours (30 minutes for 20 weeks) has a rate: 0.2 x 10 / 10.
    let v = vet(json!({ "outcomes": claim(0.2, 30.0, 20.0) }), json!({}));
    assert_eq!(minutes(&v).status, Status::Pass, "{}", minutes(&v).message);
    assert!(minutes(&v).message.contains("0.2 SD per 10 hours"));
    // A gain needs an hour: 59 minutes is too little, 60 is enough (4 points per hour).
    let gain = |minutes: f64| {
        json!([{ "measure": "g", "metric": "scaleScoreGain", "value": 4,
                 "dosage": { "minutesPerWeek": minutes, "weeks": 1 } }])
    };
    let v = vet(json!({ "outcomes": gain(59.0), "dosage": null }), json!({}));
    assert_eq!(minutes(&v).status, Status::Warn);
    let v = vet(json!({ "outcomes": gain(60.0), "dosage": null }), json!({}));
    assert_eq!(minutes(&v).status, Status::Pass);
    assert!(minutes(&v).message.starts_with("outcomes[0] (g): a gain of 4 scale-score points over 1 hour of use (60 minutes a week for 1 week), 4 points per hour."));
    // The product prescribes 90 minutes for 36 weeks (54 hours); a claim at 30 x 30 (15 hours)
    // is under half of it, one at 30 x 54 (27 hours) is not.
    let prescribed = json!({ "minutesPerWeek": 90, "weeks": 36 });
    let v = vet(
        json!({ "outcomes": claim(0.3, 30.0, 30.0), "dosage": prescribed }),
        json!({}),
    );
    let c = minutes(&v);
    assert_eq!(c.status, Status::Warn);
    assert!(c.message.ends_with("Measured at less than half the 54 hours of use the product prescribes (90 minutes a week for 36 weeks), so the rate says little about the return on the prescribed minutes: outcomes[0]."), "{}", c.message);
    let v = vet(
        json!({ "outcomes": claim(0.3, 30.0, 54.0), "dosage": prescribed }),
        json!({}),
    );
    assert_eq!(minutes(&v).status, Status::Pass, "{}", minutes(&v).message);
    // A decline, with or without a threshold.
    let v = vet(json!({ "outcomes": claim(-0.3, 40.0, 30.0) }), json!({}));
    let c = minutes(&v);
    assert_eq!(c.status, Status::Warn);
    assert!(c.message.contains(
        "-0.3 SD over 20 hours of use (40 minutes a week for 30 weeks), -0.15 SD per 10 hours."
    ));
    assert!(
        c.message.ends_with("A decline is claimed: outcomes[0]."),
        "{}",
        c.message
    );
    // An absurd claim prints in a line, not in 301 digits.
    let v = vet(json!({ "outcomes": claim(1e300, 40.0, 30.0) }), json!({}));
    assert!(
        minutes(&v)
            .message
            .starts_with("outcomes[0] (m): 1.00e300 SD over 20 hours"),
        "{}",
        minutes(&v).message
    );
}

/// Fifth attack: a claim of 1.7e308 SD printed "inf SD per 10 hours", and use just short of the
/// least for a rate printed as that least ("10 hours ... too little use").
#[test]
fn a_huge_claim_stays_finite_and_use_short_of_a_rate_is_not_printed_as_enough() {
    let claim = |value: f64, minutes: f64, weeks: f64| {
        json!([{ "measure": "m", "metric": "effectSize", "value": value,
                 "dosage": { "minutesPerWeek": minutes, "weeks": weeks } }])
    };
    let v = vet(json!({ "outcomes": claim(1.7e308, 40.0, 24.0) }), json!({}));
    let m = &minutes(&v).message;
    assert!(m.contains("1.06e308 SD per 10 hours"), "{m}");
    assert!(!m.contains("inf"), "{m}");
    // 39.9999972 minutes for 15 weeks: 9.9999993 hours.
    let v = vet(
        json!({ "outcomes": claim(0.2, 39.9999972, 15.0) }),
        json!({}),
    );
    let m = &minutes(&v).message;
    assert!(
        m.contains(
            "over 9.999999 hours of use (39.999997 minutes a week for 15 weeks), too little use"
        ),
        "{m}"
    );
    // 59.9999 minutes of a gain: not "1 hour ... 60 minutes".
    let gain = json!([{ "measure": "g", "metric": "scaleScoreGain", "value": 4,
                        "dosage": { "minutesPerWeek": 59.9999, "weeks": 1 } }]);
    let v = vet(json!({ "outcomes": gain, "dosage": null }), json!({}));
    let m = &minutes(&v).message;
    assert!(
        m.contains(
            "over 0.999998 hours of use (59.9999 minutes a week for 1 week), too little use"
        ),
        "{m}"
    );
}
