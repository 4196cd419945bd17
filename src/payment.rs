//! Growth -> cents: the payment of an outcomes-based contract, in integer cents.
//!
//! 1. base = `baseFeeCents` + `perStudentBaseCents` x enrolled students;
//! 2. outcome = the reached tier's `centsPerStudent` for each at-fidelity student with an outcome
//!    (plus the top tier for each below-fidelity student under `fullOutcome`);
//! 3. penalty = `declinePenaltyCents` x at-fidelity students whose gain is negative;
//! 4. total = base + outcome - penalty, never below 0, then raised to `floorCents` and
//!    lowered to `capCents`;
//! 5. mutual accountability: when fewer than `districtObligation.minShareAtFidelity` of the
//!    intervention students are at fidelity, the district pays in full: base + the top tier for
//!    every intervention student (those `excluded` below fidelity included), no penalty, then
//!    the floor and cap.
//!
//! Sums are taken in 128-bit integers, so no roster can overflow them; a result beyond what a
//! JS number holds exactly (2^53 - 1 cents) is an error rather than a rounded amount.

use crate::contract::Contract;
use crate::error::Code;
use crate::error::Error;
use crate::input::MAX_SAFE_INTEGER;
use serde::Serialize;

/// What the students earned, counted by the evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Earned {
    /// Every intervention student, enrolled or excluded (the base of the district's obligation).
    pub intervention: u64,
    pub enrolled: u64,
    pub at_fidelity: u64,
    /// Tier cents summed over the students who earn an outcome payment.
    pub outcome_cents: i128,
    /// At-fidelity students whose gain is negative.
    pub declined: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub base_cents: i64,
    pub outcome_cents: i64,
    pub penalty_cents: i64,
    pub total_cents: i64,
    /// The most this roster could have earned: base + top tier for every enrolled student, floor and cap applied.
    pub maximum_cents: i64,
    /// The share of `maximumCents` that depends on outcomes (0 to 1).
    pub contingent_share: f64,
    pub cap_applied: bool,
    pub floor_applied: bool,
    /// Whether the district met its fidelity obligation; null when the contract sets none.
    pub district_obligation_met: Option<bool>,
}

pub fn settle(c: &Contract, e: &Earned) -> Result<Payment, Error> {
    let top = c.top_tier_cents() as i128;
    // The obligation is over every intervention student: excluding the students below fidelity
    // from enrolment must not make the share at fidelity look complete.
    let obligation_met = c.district_obligation.as_ref().map(|d| {
        // at_fidelity / intervention >= share, inclusive as every threshold (7 of 10 meets 0.7).
        e.intervention == 0
            || crate::growth::reaches(
                e.at_fidelity as f64,
                d.min_share_at_fidelity * e.intervention as f64,
            )
    });
    // A district that misses its obligation pays in full for every intervention student.
    let enrolled = match obligation_met {
        Some(false) => e.intervention.max(e.enrolled),
        _ => e.enrolled,
    } as i128;
    let base = c.base_fee_cents as i128 + c.per_student_base_cents as i128 * enrolled;
    let full = base + top * enrolled;
    let (outcome, penalty) = match obligation_met {
        Some(false) => (top * enrolled, 0),
        _ => (
            e.outcome_cents,
            c.decline_penalty_cents as i128 * e.declined as i128,
        ),
    };
    let earned = (base + outcome - penalty).max(0);
    let floor = c.floor_cents.unwrap_or(0) as i128;
    let cap = c.cap_cents.map_or(i128::MAX, |x| x as i128);
    let total = earned.max(floor).min(cap);
    let maximum = full.max(floor).min(cap);
    let guaranteed = base.max(floor).min(maximum);
    let contingent_share = if maximum == 0 {
        0.0
    } else {
        (maximum - guaranteed) as f64 / maximum as f64
    };
    let cents = |x: i128, what: &str| -> Result<i64, Error> {
        if x as f64 > MAX_SAFE_INTEGER {
            Err(Error::new(
                Code::AmountTooLarge,
                format!("The {what} comes to more than 2^53 - 1 cents, beyond what can be paid or shown exactly; check the contract's amounts."),
            ))
        } else {
            Ok(x as i64)
        }
    };
    Ok(Payment {
        base_cents: cents(base, "base payment")?,
        outcome_cents: cents(outcome, "outcome payment")?,
        penalty_cents: cents(penalty, "penalty")?,
        total_cents: cents(total, "total")?,
        maximum_cents: cents(maximum, "maximum payment")?,
        contingent_share,
        cap_applied: earned.max(floor) > cap,
        floor_applied: earned < floor && floor <= cap,
        district_obligation_met: obligation_met,
    })
}
