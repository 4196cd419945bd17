//! The `returnOnMinutes` check: screen time is worth its minutes only if the growth it buys is
//! stated per hour of use. An outcome claim that states the dosage it was measured at gives its
//! growth per hour (the claimed value over minutes a week x weeks / 60); a product whose
//! prescribed dose is at or above the screen-time limit must state that for at least one
//! growth claim, and a policy may set the least effect per 10 hours it accepts.

use super::{check, Check, Status};
use crate::error::index;
use crate::profile::{OutcomeClaim, OutcomeMetric, Policy, Profile};

pub(super) fn return_on_minutes(p: &Profile, policy: &Policy) -> Check {
    let max = policy.max_screen_minutes_per_week;
    let threshold = policy.min_effect_size_per_10_hours;
    // Claims of growth (not a share meeting a target) that state their dosage, with their rate
    // when the use behind it is enough for one.
    let claims: Vec<Claim> = (p.outcomes.iter().enumerate())
        .filter(|(_, c)| c.metric != OutcomeMetric::PercentMeetingTarget)
        .filter_map(|(i, c)| {
            let hours = c.hours()?;
            let (per, least) = per_and_least(c);
            // per / hours is at most 1, so the rate is never past the value (10^308 SD stays finite).
            let rate = (hours >= least).then(|| c.value * (per / hours));
            Some(Claim { i, c, hours, rate })
        })
        .collect();
    let listed = |keep: &dyn Fn(&Claim) -> bool| -> Vec<String> {
        (claims.iter().filter(|k| keep(k)))
            .map(|k| index("outcomes", k.i))
            .collect()
    };
    let below = listed(&|k| {
        k.c.metric == OutcomeMetric::EffectSize
            && matches!((k.rate, threshold), (Some(r), Some(t)) if r < t)
    });
    // With a threshold, an effect size without its dosage escapes it: say so.
    let unjudged: Vec<String> = (p.outcomes.iter().enumerate())
        .filter(|(_, c)| {
            threshold.is_some() && c.metric == OutcomeMetric::EffectSize && c.hours().is_none()
        })
        .map(|(i, _)| index("outcomes", i))
        .collect();
    let thin = listed(&|k| k.rate.is_none());
    let declines = listed(&|k| k.c.value < 0.0);
    // A rate measured at a fraction of the dose the district would buy says little about the
    // return on those minutes (growth per hour tends to fall as use grows).
    let prescribed = (p.dosage.as_ref()).map(|d| (d.minutes_per_week, d.weeks));
    let prescribed_hours = prescribed.map(|(m, w)| m * w / 60.0);
    let small_dose =
        listed(&|k| k.rate.is_some() && prescribed_hours.is_some_and(|h| k.hours < h / 2.0));

    let mut problems = Vec::new();
    if !below.is_empty() {
        problems.push(format!("Below it: {}.", below.join(", ")));
    }
    if !unjudged.is_empty() {
        problems.push(format!(
            "No dosage of at least a minute of use is stated for the effect size of {}, so it cannot be held to it.",
            unjudged.join(", ")
        ));
    }
    if !thin.is_empty() {
        problems.push(format!(
            "Too little use for a rate: {} (an effect size per 10 hours rests on at least 10 hours of use, a gain per hour on at least one).",
            thin.join(", ")
        ));
    }
    if !declines.is_empty() {
        problems.push(format!("A decline is claimed: {}.", declines.join(", ")));
    }
    if let (false, Some((m, w)), Some(h)) = (small_dose.is_empty(), prescribed, prescribed_hours) {
        problems.push(format!(
            "Measured at less than half the {} of use the product prescribes ({} a week for {}), so the rate says little about the return on the prescribed minutes: {}.",
            counted(h, "hour"),
            counted(m, "minute"),
            counted(w, "week"),
            small_dose.join(", ")
        ));
    }
    let threshold_text = match threshold {
        Some(t) => format!("The policy asks for at least {} SD per 10 hours.", short(t)),
        None => "The policy sets no least effect per 10 hours.".to_string(),
    };
    let (status, message) = if !claims.is_empty() || !problems.is_empty() {
        let stated = claims
            .iter()
            .map(|k| format!("{}. ", describe(k, threshold)));
        let mut message: String = stated.collect();
        message.push_str(&threshold_text);
        for problem in &problems {
            message.push(' ');
            message.push_str(problem);
        }
        let status = if problems.is_empty() {
            Status::Pass
        } else {
            Status::Warn
        };
        (status, message)
    } else {
        match &p.dosage {
            Some(d) if d.minutes_per_week >= max => (
                Status::Warn,
                format!(
                    "The product prescribes {} minutes a week, at or above the {}-minute screen-time limit, and no outcome claim states the dosage it was measured at (at least a minute of use), so its growth per hour of use cannot be judged.",
                    short(d.minutes_per_week),
                    short(max)
                ),
            ),
            Some(d) => (
                Status::Pass,
                format!(
                    "No outcome claim states the dosage it was measured at (at least a minute of use); the prescribed {} minutes a week is under the {}-minute screen-time limit, so no growth per hour is required.",
                    short(d.minutes_per_week),
                    short(max)
                ),
            ),
            None => (
                Status::Warn,
                "No dosage of at least a minute of use is stated, neither prescribed nor with an outcome claim, so the growth per hour of use cannot be judged.".to_string(),
            ),
        }
    };
    check(
        "returnOnMinutes",
        false,
        status,
        message,
        &["outcomes", "dosage"],
    )
}

/// An outcome claim that states its dosage: its hours of use and its rate, None on too little
/// use for one.
struct Claim<'a> {
    i: usize,
    c: &'a OutcomeClaim,
    hours: f64,
    rate: Option<f64>,
}

/// The hours a claim's rate is per (10 for an effect size, 1 for a gain), and the least use
/// behind one: as many hours as the rate is per, the rule the evaluation's effect per 10 hours
/// follows, so a rate never stretches a claim beyond the use it rests on.
fn per_and_least(c: &OutcomeClaim) -> (f64, f64) {
    match c.metric {
        OutcomeMetric::EffectSize => (10.0, 10.0),
        _ => (1.0, 1.0),
    }
}

/// "outcomes[0] (NWEA MAP Growth Reading): 0.21 SD over 16 hours of use (40 minutes a week for
/// 24 weeks), 0.131 SD per 10 hours."
fn describe(k: &Claim, threshold: Option<f64>) -> String {
    let c = k.c;
    let (what, unit) = match c.metric {
        OutcomeMetric::EffectSize => (format!("{} SD", short(c.value)), "SD per 10 hours"),
        OutcomeMetric::ScaleScoreGain => (
            format!("a gain of {} scale-score points", short(c.value)),
            "points per hour",
        ),
        _ => (
            format!("a gain of {} percentile points", short(c.value)),
            "percentile points per hour",
        ),
    };
    let rate = match (k.rate, c.metric) {
        // The same arithmetic as the threshold's test.
        (Some(r), OutcomeMetric::EffectSize) => format!("{} {unit}", apart(r, threshold)),
        (Some(r), _) => format!("{} {unit}", short(r)),
        (None, _) => format!("too little use for a rate in {unit}"),
    };
    let (minutes, weeks) = c
        .dosage
        .as_ref()
        .map_or((0.0, 0.0), |d| (d.minutes_per_week, d.weeks));
    // Short of the least use for a rate, the hours and minutes are printed with the digits that
    // tell them from it (9.9999993 hours is not "10 hours", too little).
    let least = per_and_least(c).1;
    let (hours, minutes) = match k.rate {
        Some(_) => (short(k.hours), short(minutes)),
        None => (
            apart(k.hours, Some(least)),
            apart(minutes, Some(least * 60.0 / weeks)),
        ),
    };
    format!(
        "{} ({}): {what} over {} of use ({} a week for {}), {rate}",
        index("outcomes", k.i),
        c.measure,
        of_unit(&hours, "hour"),
        of_unit(&minutes, "minute"),
        counted(weeks, "week")
    )
}

/// "1 hour", "16 hours", "0.5 hours".
fn counted(x: f64, unit: &str) -> String {
    of_unit(&short(x), unit)
}

/// A number as printed, with its unit: singular only for "1".
fn of_unit(n: &str, unit: &str) -> String {
    match n {
        "1" => format!("1 {unit}"),
        _ => format!("{n} {unit}s"),
    }
}

/// `x` as [`short`] prints it, or with more decimals (up to 9) where that would print it as
/// the threshold it differs from (0.0999 against 0.1 is not "0.1").
fn apart(x: f64, threshold: Option<f64>) -> String {
    let Some(t) = threshold.filter(|&t| t != x && short(t) == short(x)) else {
        return short(x);
    };
    (4..=9)
        .map(|d| {
            let text = format!("{x:.d$}");
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        })
        .find(|text| text.parse::<f64>().ok() != Some(t) && *text != short(t))
        .unwrap_or_else(|| format!("{x:e}"))
}

/// A number to at most three decimals, without trailing zeros: 0.131, 16, 0.5; a number too
/// small for three decimals to three significant digits (0.0000123 is 1.23e-5), never "0", and
/// one of a million or more likewise (a claim of 10^300 SD is 1.00e300, not 301 digits).
fn short(x: f64) -> String {
    if x != 0.0 && !(0.0005..1e6).contains(&x.abs()) {
        return format!("{x:.2e}");
    }
    let text = format!("{x:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests;
