//! Structure-aware inputs for the end-to-end fuzz targets: a fuzzer's bytes become a contract and
//! a roster, or a profile and a policy, drawn from palettes of ordinary and degenerate values
//! (constant columns, one-student groups, tiny and huge spreads, ids forged to share a hash), so
//! that the whole evaluation and vetting run, statistics included, not only the readers.
//! The `decode` binary turns a corpus into the same cases for the wasm replay in Node.

use arbitrary::Unstructured;
use serde_json::{json, Value};

/// A roster and the contract to evaluate it under.
pub struct EvaluateCase {
    pub contract: Value,
    pub roster: Vec<u8>,
}

/// A product profile and an optional vetting policy.
pub struct VetCase {
    pub profile: Value,
    pub policy: Option<Value>,
}

fn pick<T: Clone>(u: &mut Unstructured, options: &[T]) -> T {
    u.choose(options)
        .cloned()
        .unwrap_or_else(|_| options[0].clone())
}

fn int(u: &mut Unstructured, lo: u32, hi: u32) -> u32 {
    u.int_in_range(lo..=hi).unwrap_or(lo)
}

fn flag(u: &mut Unstructured) -> bool {
    u.arbitrary().unwrap_or(false)
}

const SCORES: [&str; 14] = [
    "0",
    "100",
    "180",
    "200",
    "200.5",
    "250",
    "1e-300",
    "1e300",
    "-5",
    "",
    "x",
    "100.0000000001",
    "1e308",
    "7",
];
const MINUTES: [&str; 7] = ["0", "300", "600", "900", "1e308", "0.5", "-1"];
const WEEKS: [&str; 6] = ["1", "20", "30", "1e-300", "0", "1e300"];
const GRADES: [&str; 7] = ["K", "0", "3", "5", "12", "13", ""];

/// One hash for every id: 16 bytes whose second word cancels the first (see the roster tests).
fn forged_id(i: u64) -> Vec<u8> {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let w1 = 0x4141_4141_0000_0000 | i;
    let h1 = (16u64.rotate_left(5) ^ w1).wrapping_mul(K);
    let w2 = h1.rotate_left(5) ^ 0x0123_4567_89ab_cdef;
    // Bytes a CSV reader would split on are replaced: the id still parses as one field.
    [w1.to_le_bytes(), w2.to_le_bytes()]
        .concat()
        .into_iter()
        .map(|b| {
            if matches!(b, b',' | b'"' | b'\n' | b'\r') || b.is_ascii_whitespace() {
                b'_'
            } else {
                b
            }
        })
        .collect()
}

fn contract(u: &mut Unstructured) -> Value {
    let metric = match int(u, 0, 4) {
        0 => json!({ "kind": "gain" }),
        1 => json!({ "kind": "postScore" }),
        2 => {
            json!({ "kind": "normalizedGain", "maxScore": pick(u, &[100.0, 200.0, 250.0, 1e-300]) })
        }
        3 => {
            json!({ "kind": "percentOfTypical", "norms": (0..=12).map(|g| json!({ "grade": g, "typicalGrowth": pick(u, &[10.0, 1e-300, 1e300]), "weeks": 30 })).collect::<Vec<_>>() })
        }
        _ => {
            json!({ "kind": "growthIndex", "norms": (0..=12).map(|g| json!({ "grade": g, "mean": 5, "sd": pick(u, &[4.0, 1e-300]) })).collect::<Vec<_>>() })
        }
    };
    let tiers = int(u, 1, 4) as usize;
    let mut thresholds: Vec<f64> = (0..tiers)
        .map(|_| pick(u, &[-10.0, 0.0, 0.5, 5.0, 10.0, 1e300]))
        .collect();
    thresholds.sort_by(f64::total_cmp);
    thresholds.dedup();
    let card: Vec<Value> = thresholds
        .iter()
        .enumerate()
        .map(|(i, t)| json!({ "label": format!("T{i}"), "atLeast": t, "centsPerStudent": 1000 * (i as u64 + 1) }))
        .collect();
    let mut c = json!({
        "metric": metric,
        "paymentCard": card,
        "baseFeeCents": pick(u, &[0u64, 100_000, 9_007_199_254_740_991]),
        "perStudentBaseCents": pick(u, &[0u64, 5000]),
        "fidelity": { "minMinutesPerWeek": pick(u, &[0.0, 30.0, 1e300]), "minWeeks": pick(u, &[0.0, 10.0]) },
        "belowFidelity": pick(u, &["baseOnly", "fullOutcome", "excluded"]),
        "missingOutcome": pick(u, &["exclude", "notMet"]),
        "declinePenaltyCents": pick(u, &[0u64, 1000]),
        "minCellSize": pick(u, &[1u64, 2, 5, 10]),
        "randomized": flag(u),
        "assignedBy": pick(u, &["student", "school"]),
        "icc": pick(u, &[0.0, 0.2, 0.999_999]),
        "onBadRow": pick(u, &["skip", "skip", "reject"]),
        "subgroupColumns": pick(u, &[json!([]), json!(["flag"]), json!(["school", "grade"]), json!(["flag", "school", "grade", "district"])]),
    });
    if flag(u) {
        c["districtObligation"] = json!({ "minShareAtFidelity": pick(u, &[0.0, 0.5, 1.0]) });
    }
    if flag(u) {
        c["capCents"] = json!(pick(u, &[0u64, 150_000]));
    }
    if flag(u) {
        c["evidencePolicy"] = json!({ "siteUnit": pick(u, &["district", "school"]), "attritionBoundary": pick(u, &["cautious", "optimistic"]) });
    }
    c
}

/// A roster of up to 300 rows whose columns are drawn from the palettes, with whole columns
/// held constant, groups of one, and ids that repeat or collide.
fn roster(u: &mut Unstructured) -> Vec<u8> {
    let rows = int(u, 0, 300);
    let constant_pre = flag(u).then(|| pick(u, &SCORES));
    let constant_post = flag(u).then(|| pick(u, &SCORES));
    let ids = int(u, 0, 3);
    let schools = pick(u, &[1u32, 2, 3, 50]);
    let mut out = b"student_id,pre,post,minutes,weeks,grade,group,school,district,flag\n".to_vec();
    for i in 0..rows {
        let id = match ids {
            0 => format!("S{i}").into_bytes(),
            1 => format!("S{}", i % 7).into_bytes(),
            2 => forged_id(u64::from(i)),
            _ => format!("S{}", int(u, 0, 1000)).into_bytes(),
        };
        let pre = constant_pre.unwrap_or_else(|| pick(u, &SCORES));
        let post = constant_post.unwrap_or_else(|| pick(u, &SCORES));
        // The first comparison student may be the only one.
        let group = if flag(u) || i == 1 { "T" } else { "C" };
        let line = format!(
            ",{pre},{post},{},{},{},{group},Sch{},D{},F{}\n",
            pick(u, &MINUTES),
            pick(u, &WEEKS),
            pick(u, &GRADES),
            int(u, 0, schools - 1),
            int(u, 0, 1),
            int(u, 0, 2),
        );
        out.extend_from_slice(&id);
        out.extend_from_slice(line.as_bytes());
    }
    out
}

pub fn evaluate_case(data: &[u8]) -> EvaluateCase {
    let mut u = Unstructured::new(data);
    let contract = contract(&mut u);
    // A quarter of the time the rest of the bytes are the roster itself.
    let roster = if int(&mut u, 0, 3) == 0 {
        let rest = u.take_rest();
        [
            b"student_id,pre,post,minutes,weeks,grade,group,school\n".as_slice(),
            rest,
        ]
        .concat()
    } else {
        roster(&mut u)
    };
    EvaluateCase { contract, roster }
}

fn group(u: &mut Unstructured, kind: &str) -> Value {
    let n = pick(
        u,
        &[2u64, 3, 30, 30, 200, 200, 1_000_000_000, 1_000_000_001],
    );
    if kind == "dichotomous" {
        json!({ "n": n, "proportion": pick(u, &[1e-300, 0.5, 0.9, 0.999_999_999_999_999_9]) })
    } else {
        json!({ "n": n, "mean": pick(u, &[0.0, 5.0, 1e300, -1e300, 1e-300]), "sd": pick(u, &[1e-300, 1.0, 15.0, 1e300]) })
    }
}

fn summary(u: &mut Unstructured) -> Value {
    let kind = pick(u, &["continuous", "dichotomous"]);
    let mut s = json!({ "kind": kind, "intervention": group(u, kind), "comparison": group(u, kind), "lowerIsBetter": flag(u) });
    if flag(u) {
        s["clusters"] = json!({ "intervention": pick(u, &[1u64, 2, 3]), "comparison": pick(u, &[1u64, 2, 3]), "icc": pick(u, &[0.0, 0.2, 0.999_999]) });
    }
    s
}

fn study(u: &mut Unstructured) -> Value {
    let design = pick(
        u,
        &["rct", "clusterRct", "qed", "correlational", "logicModel"],
    );
    let mut s = json!({
        "title": "Fuzzed", "design": design, "independent": flag(u),
        "sampleSize": pick(u, &[1u64, 400, 400, 400, 2_000_000_002, 2_000_000_002]), "sites": pick(u, &[1u64, 2, 9]),
        "siteUnit": pick(u, &["district", "school"]),
        "controlsForSelection": flag(u), "ongoing": flag(u), "coversAi": flag(u),
        "baselineEffectSize": pick(u, &[0.0, 0.05, 0.1, 0.3, -1e300]), "baselineAdjusted": flag(u),
    });
    if design == "clusterRct" || flag(u) {
        s["clusters"] = json!({ "intervention": pick(u, &[1u64, 2, 10]), "comparison": pick(u, &[1u64, 2, 10]) });
    }
    if flag(u) {
        s["attrition"] = pick(
            u,
            &[
                json!({ "overall": 0.07, "differential": 0.0625 }),
                json!({ "overall": 0.575, "differential": 0.0 }),
                json!({ "overall": 1.0, "differential": 1.0 }),
                json!({ "randomized": { "intervention": 100, "comparison": 100 }, "analyzed": { "intervention": 0, "comparison": 100 } }),
            ],
        );
    }
    match int(u, 0, 2) {
        0 => {
            s["effectSize"] = json!(pick(u, &[0.2, -0.25, 0.0, 1e300]));
            s["pValue"] = json!(pick(u, &[0.01, 0.05, 0.5, 0.0, 1.0]));
        }
        1 => s["summary"] = summary(u),
        _ => {
            let findings: Vec<Value> = (0..int(u, 1, 5))
                .map(|i| {
                    let mut f = json!({ "domain": pick(u, &["reading", "math"]), "measure": format!("M{i}") });
                    if flag(u) {
                        f["summary"] = summary(u);
                    } else {
                        f["effectSize"] = json!(pick(u, &[0.2, -0.3]));
                        f["pValue"] = json!(pick(u, &[0.001, 0.02, 0.04, 0.3]));
                    }
                    f
                })
                .collect();
            s["findings"] = json!(findings);
        }
    }
    s
}

pub fn vet_case(data: &[u8]) -> VetCase {
    let mut u = Unstructured::new(data);
    let studies: Vec<Value> = (0..int(&mut u, 0, 6)).map(|_| study(&mut u)).collect();
    let profile = json!({
        "name": "Fuzzed", "vendor": "Fuzz", "subjects": ["reading"], "grades": [3],
        "dosage": { "minutesPerWeek": pick(&mut u, &[1e-300, 30.0, 45.0, 1e300]), "weeks": 20 },
        "outcomes": [{ "measure": "m", "metric": "effectSize", "value": 0.2 }],
        "studies": studies, "seaApprovals": [], "training": { "included": true },
        "dataPractices": { "advertisingUsesStudentData": false },
        "ai": { "usesGenerativeAi": flag(&mut u) },
    });
    let policy = flag(&mut u).then(|| {
        json!({ "minStudents": pick(&mut u, &[0u64, 350, 9_007_199_254_740_991]), "minSites": pick(&mut u, &[0u64, 2]),
                "alpha": pick(&mut u, &[1e-300, 0.05, 0.999_999]), "siteUnit": pick(&mut u, &["district", "school"]),
                "attritionBoundary": pick(&mut u, &["cautious", "optimistic"]) })
    });
    VetCase { profile, policy }
}

/// Fails (a crash the fuzzer reports) on a non-finite number anywhere in a result.
pub fn assert_finite<T: serde::Serialize>(result: &T, what: &str) {
    if let Some(path) = evidence_check::first_non_finite(result) {
        panic!("{what}: a non-finite number at {path}");
    }
}
