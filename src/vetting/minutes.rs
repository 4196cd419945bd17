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
    // Claims of growth (not a share meeting a target) that state their dosage.
    let per_hour: Vec<(usize, &OutcomeClaim, f64)> = (p.outcomes.iter().enumerate())
        .filter(|(_, c)| c.metric != OutcomeMetric::PercentMeetingTarget)
        .filter_map(|(i, c)| Some((i, c, c.hours()?)))
        .collect();
    let below: Vec<String> = (per_hour.iter())
        .filter(|(_, c, hours)| {
            c.metric == OutcomeMetric::EffectSize
                && threshold.is_some_and(|t| c.value * 10.0 / hours < t)
        })
        .map(|(i, _, _)| index("outcomes", *i))
        .collect();
    // With a threshold, an effect size without its dosage escapes it: say so.
    let unjudged: Vec<String> = (p.outcomes.iter().enumerate())
        .filter(|(_, c)| {
            threshold.is_some() && c.metric == OutcomeMetric::EffectSize && c.hours().is_none()
        })
        .map(|(i, _)| index("outcomes", i))
        .collect();
    let stated: Vec<String> = per_hour
        .iter()
        .map(|(i, c, hours)| describe(*i, c, *hours, threshold))
        .collect();
    let threshold_text = match threshold {
        Some(t) => format!("The policy asks for at least {} SD per 10 hours.", short(t)),
        None => "The policy sets no least effect per 10 hours.".to_string(),
    };
    let (status, message) = if !below.is_empty() {
        (
            Status::Warn,
            format!(
                "{} {threshold_text} Below it: {}.",
                sentences(&stated),
                below.join(", ")
            ),
        )
    } else if !unjudged.is_empty() {
        (
            Status::Warn,
            format!(
                "{}{threshold_text} No dosage of at least a minute of use is stated for the effect size of {}, so it cannot be held to it.",
                stated.iter().map(|s| format!("{s}. ")).collect::<String>(),
                unjudged.join(", ")
            ),
        )
    } else if !per_hour.is_empty() {
        (
            Status::Pass,
            format!("{} {threshold_text}", sentences(&stated)),
        )
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

/// "outcomes[0] (NWEA MAP Growth Reading): 0.21 SD over 16 hours of use (40 minutes a week for
/// 24 weeks), 0.131 SD per 10 hours."
fn describe(i: usize, c: &OutcomeClaim, hours: f64, threshold: Option<f64>) -> String {
    // The same arithmetic as the threshold's test: value x 10 / hours.
    let rate = |per: f64| c.value * per / hours;
    let (what, rate) = match c.metric {
        OutcomeMetric::EffectSize => (
            format!("{} SD", short(c.value)),
            format!("{} SD per 10 hours", apart(rate(10.0), threshold)),
        ),
        OutcomeMetric::ScaleScoreGain => (
            format!("a gain of {} scale-score points", short(c.value)),
            format!("{} points per hour", short(rate(1.0))),
        ),
        _ => (
            format!("a gain of {} percentile points", short(c.value)),
            format!("{} percentile points per hour", short(rate(1.0))),
        ),
    };
    let (minutes, weeks) = c
        .dosage
        .as_ref()
        .map_or((0.0, 0.0), |d| (d.minutes_per_week, d.weeks));
    format!(
        "{} ({}): {what} over {} hours of use ({} minutes a week for {} weeks), {rate}",
        index("outcomes", i),
        c.measure,
        short(hours),
        short(minutes),
        short(weeks)
    )
}

fn sentences(parts: &[String]) -> String {
    parts
        .iter()
        .map(|s| format!("{s}."))
        .collect::<Vec<_>>()
        .join(" ")
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
/// small for three decimals to three significant digits (0.0000123 is 1.23e-5), never "0".
fn short(x: f64) -> String {
    if x != 0.0 && x.abs() < 0.0005 {
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
