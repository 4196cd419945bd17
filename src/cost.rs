//! Cost-effectiveness by the ingredients method (Levin, McEwan, Belfield, Bowden & Shand,
//! *Economic Evaluation in Education*, 3rd ed., 2018, ch. 3-4; the CBCSE's CostOut tool): the
//! programme's cost is every ingredient it uses, whoever pays for it. Here that is the
//! contract's payment to the vendor plus the district's own ingredients the contract lists
//! (`districtCosts`: staff time at its price, devices, other). The ratios divide that cost by
//! what it bought: students enrolled, students meeting the target, additional students meeting
//! it against the comparison group (the incremental ratio, (C_T - C_C) / (E_T - E_C), with the
//! comparison group's added cost C_C = 0), and tenths of a standard deviation of effect.
//!
//! Every amount is whole cents: a staff line is hours (to the hundredth) x cents an hour, and
//! each ratio is rounded to the nearest cent, halves up, in integer arithmetic where its inputs
//! are counts. A ratio over nothing (no student met the target, no additional student, an
//! effect of zero or below) is null with the reason: the ratio is undefined there.

use crate::error::{Code, Error};
use crate::input::{Reader, MAX_ARRAY_LEN, MAX_CENTS};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// The most hours a staff line may state.
pub const MAX_STAFF_HOURS: f64 = 1_000_000.0;

/// The district's own ingredients of the programme, in the contract.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DistrictCosts {
    /// Staff time: hours at a cost per hour, for training, supervision or other work.
    #[serde(default)]
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub staff: Vec<StaffTime>,
    /// Devices bought or set aside for the programme, in cents.
    #[serde(default)]
    #[schemars(range(min = 0, max = MAX_CENTS))]
    pub devices_cents: i64,
    /// Anything else the district spends on it, in cents.
    #[serde(default)]
    #[schemars(range(min = 0, max = MAX_CENTS))]
    pub other_cents: i64,
    /// The year whose prices the amounts are stated in (the ingredients method states one).
    #[schemars(range(min = 1990, max = 2100))]
    pub price_year: Option<u16>,
}

/// Hours of staff time at a price.
#[derive(Debug, Clone, PartialEq, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffTime {
    pub activity: Activity,
    /// Hours, to the hundredth (a quarter hour is 0.25).
    #[schemars(range(min = 0.0, max = MAX_STAFF_HOURS), extend("multipleOf" = 0.01))]
    pub hours: f64,
    /// Wages and benefits for an hour, in cents.
    #[schemars(range(min = 0, max = MAX_CENTS))]
    pub cents_per_hour: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Activity {
    Training,
    Supervision,
    Other,
}

impl StaffTime {
    /// The line's cents: hundredths of an hour x cents an hour / 100, halves up.
    fn cents(&self) -> i128 {
        let hundredths = (self.hours * 100.0).round() as i128;
        divide(hundredths * self.cents_per_hour as i128, 100)
    }
}

impl DistrictCosts {
    /// Staff lines, devices and other, in cents.
    pub fn total_cents(&self) -> i128 {
        self.staff.iter().map(StaffTime::cents).sum::<i128>()
            + self.devices_cents as i128
            + self.other_cents as i128
    }
}

/// `a / b` for `a >= 0, b > 0`, rounded to the nearest whole, halves up.
fn divide(a: i128, b: i128) -> i128 {
    (2 * a + b) / (2 * b)
}

/// What the cost figures are computed from: the payment (exact, or as the report rounds it)
/// and the counts and effect they divide it by, each None when not known (or not published).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Inputs {
    pub payment_cents: Option<i64>,
    /// When the payment is the report's rounded total: to this many cents.
    pub payment_rounded_to_cents: Option<u64>,
    pub enrolled: u64,
    /// Every intervention student assigned, enrolled or not: the incremental ratio's group.
    pub intervention: u64,
    pub met_target: Option<u64>,
    /// Students meeting the target and students with an outcome, in the intervention group
    /// and in the comparison group, every student assigned alike (intent to treat).
    pub intervention_met: Option<(u64, u64)>,
    pub comparison_met: Option<(u64, u64)>,
    /// The effect (Hedges' g) on the post-test.
    pub effect_g: Option<f64>,
}

/// The cost figures, every amount in cents.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    /// The year of the prices, as the contract states it.
    pub price_year: Option<u16>,
    /// The payment to the vendor the figures use; null when the report withholds it.
    pub payment_cents: Option<i64>,
    /// When that payment is the report's rounded total: to this many cents.
    pub payment_rounded_to_cents: Option<u64>,
    /// The district's own ingredients, line by line, and their sum.
    pub staff: Vec<StaffLine>,
    pub devices_cents: i64,
    pub other_cents: i64,
    pub district_cents: i64,
    /// Payment plus the district's ingredients.
    pub total_cents: Option<i64>,
    pub per_enrolled_cents: Option<i64>,
    pub per_student_meeting_target_cents: Option<i64>,
    /// The incremental cost per additional student meeting the target.
    pub per_additional_student_meeting_target_cents: Option<i64>,
    /// The cost per student for each 0.1 SD of effect.
    pub per_student_per_tenth_sd_cents: Option<i64>,
    /// How the figures are rounded, and why any is null.
    pub notes: Vec<String>,
}

/// One staff line and its cents.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffLine {
    #[serde(flatten)]
    pub time: StaffTime,
    pub cents: i64,
}

pub const ROUNDING: &str = "Amounts are in whole cents: a staff line is its hours x its cost per hour, and each cost per student is rounded to the nearest cent, halves up.";

/// The cost figures from the district's ingredients and `x`.
pub fn cost(costs: &DistrictCosts, x: &Inputs) -> Result<Cost, Error> {
    let district = costs.total_cents();
    if district > MAX_CENTS as i128 {
        return Err(Error::new(
            Code::AmountTooLarge,
            "The district's costs add up to more than a JS number holds exactly (2^53 - 1 cents).",
        ));
    }
    let mut notes = vec![ROUNDING.to_string()];
    let mut total = x.payment_cents.map(|p| p as i128 + district);
    if total.is_some_and(|t| t > MAX_CENTS as i128) {
        notes.push("The payment and the district's costs add up to more than 2^53 - 1 cents, beyond what the figures can state exactly.".into());
        total = None;
    }
    // A figure beyond 2^53 - 1 cents (an additional student bought at a vast price) is null.
    let mut beyond = false;
    let mut exact = |cents: i128| {
        let ok = cents <= MAX_CENTS as i128;
        beyond |= !ok;
        ok.then_some(cents as i64)
    };
    let per_enrolled = total
        .filter(|_| x.enrolled > 0)
        .and_then(|t| exact(divide(t, x.enrolled as i128)));
    let per_met = match x.met_target {
        Some(0) => {
            notes.push(
                "No student met the target, so there is no cost per student meeting it.".into(),
            );
            None
        }
        Some(n) => total.and_then(|t| exact(divide(t, n as i128))),
        None => None,
    };
    // Additional students meeting the target per intervention student: a/b - c/d, so the cost
    // per additional one is total / (students x (ad - cb) / bd) = total x bd / (students x (ad - cb)).
    let per_additional = match (x.intervention_met, x.comparison_met, total) {
        (Some((a, b)), Some((c, d)), Some(t)) if b > 0 && d > 0 && x.intervention > 0 => {
            let gain = a as i128 * d as i128 - c as i128 * b as i128;
            if gain > 0 {
                exact(divide(
                    t * b as i128 * d as i128,
                    x.intervention as i128 * gain,
                ))
            } else {
                notes.push("The intervention group's share meeting the target is not above the comparison group's, so there is no cost per additional student meeting it.".into());
                None
            }
        }
        _ => None,
    };
    let per_tenth_sd = match (x.effect_g, per_enrolled) {
        (Some(g), Some(_)) if g > 0.0 => {
            // cost per enrolled student / (g / 0.1)
            let cents = total.map_or(f64::INFINITY, |t| {
                (t as f64 / x.enrolled as f64 * 0.1 / g).round()
            });
            if cents <= MAX_CENTS as f64 {
                Some(cents as i64)
            } else {
                beyond = true;
                None
            }
        }
        (Some(_), Some(_)) => {
            notes.push("The effect is not favourable (g is zero or below), so there is no cost per 0.1 SD of effect.".into());
            None
        }
        _ => None,
    };
    if beyond {
        notes.push("A figure beyond 2^53 - 1 cents is null: too large to state exactly.".into());
    }
    Ok(Cost {
        price_year: costs.price_year,
        payment_cents: x.payment_cents,
        payment_rounded_to_cents: x.payment_rounded_to_cents,
        staff: costs
            .staff
            .iter()
            .map(|s| StaffLine {
                time: s.clone(),
                cents: s.cents() as i64,
            })
            .collect(),
        devices_cents: costs.devices_cents,
        other_cents: costs.other_cents,
        district_cents: district as i64,
        total_cents: total.map(|t| t as i64),
        per_enrolled_cents: per_enrolled,
        per_student_meeting_target_cents: per_met,
        per_additional_student_meeting_target_cents: per_additional,
        per_student_per_tenth_sd_cents: per_tenth_sd,
        notes,
    })
}

// ---------------------------------------------------------------- reader

fn staff_time(r: &mut Reader, v: &Value, path: &str) -> Option<StaffTime> {
    let o = r.object(v, path, &["activity", "hours", "centsPerHour"])?;
    let activity = r.req(o, path, "activity", Reader::one_of);
    let hours = r.req(o, path, "hours", |r, v, p| {
        let h = r.non_negative(v, p)?;
        let hundredths = h * 100.0;
        let ok = r.check(
            h <= MAX_STAFF_HOURS,
            p,
            Code::OutOfRange,
            &format!("At most {MAX_STAFF_HOURS} hours are accepted on one line."),
        ) && r.check(
            (hundredths - hundredths.round()).abs() < 1e-6,
            p,
            Code::OutOfRange,
            "Give hours to the hundredth at most (a quarter hour is 0.25).",
        );
        ok.then_some(h)
    });
    let cents_per_hour = r.req(o, path, "centsPerHour", Reader::cents);
    Some(StaffTime {
        activity: activity?,
        hours: hours?,
        cents_per_hour: cents_per_hour?,
    })
}

pub(crate) fn read(r: &mut Reader, v: &Value, path: &str) -> Option<DistrictCosts> {
    let o = r.object(
        v,
        path,
        &["staff", "devicesCents", "otherCents", "priceYear"],
    )?;
    let staff = r.opt(o, path, "staff", |r, v, p| r.array(v, p, staff_time));
    let devices_cents = r.opt(o, path, "devicesCents", Reader::cents);
    let other_cents = r.opt(o, path, "otherCents", Reader::cents);
    let price_year = r.opt(o, path, "priceYear", |r, v, p| {
        let y = r.count(v, p)?;
        r.check(
            (1990..=2100).contains(&y),
            p,
            Code::OutOfRange,
            "Expected a year from 1990 to 2100.",
        )
        .then_some(y as u16)
    });
    let costs = DistrictCosts {
        staff: staff.unwrap_or_default(),
        devices_cents: devices_cents.unwrap_or(0),
        other_cents: other_cents.unwrap_or(0),
        price_year,
    };
    r.check(
        costs.total_cents() <= MAX_CENTS as i128,
        path,
        Code::OutOfRange,
        "The district's costs add up to more than a JS number holds exactly (2^53 - 1 cents).",
    );
    Some(costs)
}

/// The cost figures the published report may carry: computed from the report's own figures
/// (its payment total, exact or rounded, its counts and its effect) and the contract's terms,
/// so that they tell a reader nothing the rest of the report and the contract do not.
pub fn published(
    costs: &DistrictCosts,
    report: &crate::report::OutcomesReport,
) -> Result<Cost, Error> {
    let x = Inputs {
        payment_cents: report.payment.total_cents,
        payment_rounded_to_cents: report.payment.total_rounded_to_cents,
        enrolled: report.students.enrolled,
        intervention: 0,
        met_target: report.students.met_target,
        intervention_met: None,
        comparison_met: None,
        effect_g: report.effect.as_ref().map(|e| e.g),
    };
    let mut c = cost(costs, &x)?;
    if x.payment_cents.is_none() {
        c.notes.push("The payment total is withheld to protect small groups of students, so no cost figure is published.".into());
    } else if let Some(step) = x.payment_rounded_to_cents {
        c.notes.push(format!(
            "The payment is the report's total rounded to the nearest {}, so the figures carry that rounding.",
            crate::vetting::format_cents(step as i64)
        ));
    }
    if x.payment_cents.is_some() && x.met_target.is_none() {
        c.notes.push("The number of students meeting the target is withheld, and so is the cost per student meeting it.".into());
    }
    c.notes.push("The cost per additional student meeting the target is not published: it rests on each group's share meeting the target, which the report does not publish.".into());
    if x.effect_g.is_some() {
        c.notes.push("The cost per 0.1 SD divides the cost per enrolled student by the local comparison's effect in tenths of an SD (see effect: its design and significance).".into());
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn costs(v: Value) -> Result<DistrictCosts, Vec<crate::FieldError>> {
        let mut r = Reader::new();
        let c = read(&mut r, &v, "districtCosts");
        r.finish(c, Code::InvalidContract, "contract")
            .map_err(|e| e.field_errors().to_vec())
    }

    #[test]
    fn halves_round_up_and_the_rest_to_the_nearest_cent() {
        assert_eq!(divide(5, 2), 3);
        assert_eq!(divide(7, 4), 2); // 1.75
        assert_eq!(divide(5, 4), 1); // 1.25
        assert_eq!(divide(0, 7), 0);
        // A staff line: 0.01 hour at 50 cents is half a cent, so 1; 0.1 hour at 4500 is 450.
        let line = |hours: f64, cents_per_hour: i64| {
            StaffTime {
                activity: Activity::Other,
                hours,
                cents_per_hour,
            }
            .cents()
        };
        assert_eq!(line(0.01, 50), 1);
        assert_eq!(line(0.01, 49), 0);
        assert_eq!(line(0.1, 4500), 450);
        assert_eq!(line(2.67, 100), 267);
    }

    #[test]
    fn a_ratio_over_nothing_is_null_with_its_reason() {
        let c = costs(json!({ "otherCents": 1000 })).unwrap();
        let x = Inputs {
            payment_cents: Some(0),
            enrolled: 4,
            intervention: 4,
            met_target: Some(0),
            intervention_met: Some((2, 4)),
            comparison_met: Some((5, 10)),
            effect_g: Some(0.0),
            ..Inputs::default()
        };
        let out = cost(&c, &x).unwrap();
        assert_eq!(out.per_enrolled_cents, Some(250));
        assert_eq!(out.per_student_meeting_target_cents, None);
        assert_eq!(out.per_additional_student_meeting_target_cents, None);
        assert_eq!(out.per_student_per_tenth_sd_cents, None);
        assert_eq!(out.notes.len(), 4, "{:?}", out.notes);
        // No one enrolled: no cost per student, and no division by zero.
        let none = cost(
            &c,
            &Inputs {
                payment_cents: Some(0),
                ..Inputs::default()
            },
        )
        .unwrap();
        assert_eq!(none.total_cents, Some(1000));
        assert_eq!(none.per_enrolled_cents, None);
        // A withheld payment: a total and no ratio.
        let withheld = cost(
            &c,
            &Inputs {
                enrolled: 10,
                met_target: Some(5),
                ..Inputs::default()
            },
        )
        .unwrap();
        assert_eq!(
            (
                withheld.total_cents,
                withheld.per_enrolled_cents,
                withheld.per_student_meeting_target_cents
            ),
            (None, None, None)
        );
        assert_eq!(withheld.district_cents, 1000);
    }

    /// Without students with an outcome in a group there is no share to compare, and nothing
    /// is said of one being above the other.
    #[test]
    fn groups_without_outcomes_give_no_incremental_figure_and_no_claim() {
        let c = costs(json!({})).unwrap();
        for (treated, compared, intervention) in [
            ((0, 0), (1, 2), 5),
            ((2, 4), (0, 0), 5),
            ((0, 0), (0, 0), 0),
            ((2, 4), (1, 4), 0),
        ] {
            let x = Inputs {
                payment_cents: Some(1000),
                enrolled: 5,
                intervention,
                intervention_met: Some(treated),
                comparison_met: Some(compared),
                ..Inputs::default()
            };
            let out = cost(&c, &x).unwrap();
            assert_eq!(out.per_additional_student_meeting_target_cents, None);
            assert_eq!(out.notes, [ROUNDING], "{treated:?} {compared:?}");
        }
        // One of each, 2 of 4 against 1 of 4: a quarter more per intervention student, so
        // 1000 / (4 x 1/4) = 1000.
        let x = Inputs {
            payment_cents: Some(1000),
            enrolled: 4,
            intervention: 4,
            intervention_met: Some((2, 4)),
            comparison_met: Some((1, 4)),
            ..Inputs::default()
        };
        assert_eq!(
            cost(&c, &x)
                .unwrap()
                .per_additional_student_meeting_target_cents,
            Some(1000)
        );
    }

    #[test]
    fn a_negative_effect_has_no_cost_per_tenth_sd() {
        let c = costs(json!({})).unwrap();
        let x = Inputs {
            payment_cents: Some(1000),
            enrolled: 10,
            effect_g: Some(-0.2),
            ..Inputs::default()
        };
        assert_eq!(cost(&c, &x).unwrap().per_student_per_tenth_sd_cents, None);
        // 100 a student over 2 tenths of an SD: 50.
        let x = Inputs {
            effect_g: Some(0.2),
            ..x
        };
        assert_eq!(
            cost(&c, &x).unwrap().per_student_per_tenth_sd_cents,
            Some(50)
        );
    }

    #[test]
    fn hours_are_read_to_the_hundredth_and_totals_stay_exact() {
        let e = costs(json!({ "staff": [
            { "activity": "training", "hours": 0.333, "centsPerHour": 100 },
            { "activity": "coaching", "hours": 1, "centsPerHour": 100 },
            { "activity": "other", "hours": -1, "centsPerHour": 100 },
            { "activity": "other", "hours": 2000000, "centsPerHour": 1.5 }
        ] }))
        .unwrap_err();
        let paths: Vec<(&str, &str)> = e
            .iter()
            .map(|f| (f.path.as_str(), f.code.as_str()))
            .collect();
        assert_eq!(
            paths,
            [
                ("districtCosts.staff[0].hours", "outOfRange"),
                ("districtCosts.staff[1].activity", "invalidValue"),
                ("districtCosts.staff[2].hours", "outOfRange"),
                ("districtCosts.staff[3].hours", "outOfRange"),
                ("districtCosts.staff[3].centsPerHour", "fractionalCents"),
            ]
        );
        let e = costs(json!({ "devicesCents": MAX_CENTS, "otherCents": 1 })).unwrap_err();
        assert_eq!(e[0].path, "districtCosts");
        // A payment that takes the total past 2^53 - 1 cents leaves the figures null, said.
        let c = costs(json!({ "devicesCents": MAX_CENTS })).unwrap();
        let x = Inputs {
            payment_cents: Some(1),
            enrolled: 1,
            ..Inputs::default()
        };
        let out = cost(&c, &x).unwrap();
        assert_eq!((out.total_cents, out.per_enrolled_cents), (None, None));
        assert!(out.notes[1].starts_with(
            "The payment and the district's costs add up to more than 2^53 - 1 cents"
        ));
        // Half an additional student (500,001 of 10^6 against 1,000,001 of 2 x 10^6) for
        // 2^53 - 1 cents: twice that a student, beyond it.
        let c = costs(json!({})).unwrap();
        let x = Inputs {
            payment_cents: Some(MAX_CENTS),
            enrolled: 1_000_000,
            intervention: 1_000_000,
            intervention_met: Some((500_001, 1_000_000)),
            comparison_met: Some((1_000_001, 2_000_000)),
            ..Inputs::default()
        };
        let out = cost(&c, &x).unwrap();
        assert_eq!(out.per_additional_student_meeting_target_cents, None);
        assert_eq!(
            out.notes.last().unwrap(),
            "A figure beyond 2^53 - 1 cents is null: too large to state exactly."
        );
    }
}
