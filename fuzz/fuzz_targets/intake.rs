//! Any three files (the input split at NUL bytes: usage, scores, students) joined under a
//! contract's intake section and evaluated: every shape, both fidelity rules, the period, marks,
//! typical growth and a subgroup column of the student file. The first byte picks the shapes;
//! with its bit 64 the rest is one usage file, an .xlsx workbook in the seeds.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(3, |&b| b == 0);
    let usage = parts.next().unwrap_or_default();
    let scores = parts.next().unwrap_or_default();
    let students = parts.next();
    let usage_section = if pick & 1 == 0 {
        json!({ "shape": "long", "studentId": "id", "minutes": "min", "date": "day" })
    } else {
        json!({ "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wk" })
    };
    let scores_section = if pick & 2 == 0 {
        json!({ "shape": "long", "studentId": "id", "window": "term", "score": "rit",
            "preWindow": "Fall", "postWindow": "Spring", "date": "day", "marked": "gm",
            "typicalGrowth": "typ", "subject": { "column": "subj", "value": "Math" } })
    } else {
        json!({ "shape": "wide", "studentId": "id", "pre": "pre", "post": "post", "typicalGrowth": "typ" })
    };
    let metric = if pick & 4 == 0 {
        json!({ "kind": "gain" })
    } else {
        json!({ "kind": "percentOfTypical", "perStudent": true })
    };
    let mut fidelity = json!({ "minMinutesPerWeek": 30, "minWeeks": 2 });
    if pick & 8 == 0 {
        fidelity["minShareOfWeeks"] = json!(0.5);
    }
    let mut intake = json!({ "usage": usage_section, "scores": scores_section });
    if pick & 16 == 0 {
        intake["period"] = json!({ "start": "2025-09-01", "end": "2026-01-31" });
    }
    let mut contract = json!({ "metric": metric, "fidelity": fidelity, "minCellSize": 5,
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "onBadRow": if pick & 32 == 0 { "skip" } else { "reject" } });
    if students.is_some() {
        intake["students"] = json!({ "studentId": "id", "school": "school", "group": "group" });
        contract["subgroupColumns"] = json!(["ell"]);
    }
    contract["intake"] = intake;
    // With bit 64, the whole input after the first byte is the usage file (an .xlsx workbook
    // holds NUL bytes, so it cannot be one part of three), beside a fixed scores file.
    let fixed_scores: &[u8] = b"id,pre,post,typ\nA,200,210,8\nB,190,199,8\n";
    let (usage, scores) = match pick & 64 {
        0 => (usage, scores),
        _ => (rest, fixed_scores),
    };
    if pick & 64 != 0 {
        contract["intake"]["scores"] =
            json!({ "shape": "wide", "studentId": "id", "pre": "pre", "post": "post", "typicalGrowth": "typ" });
        contract["intake"].as_object_mut().map(|o| o.remove("students"));
        contract["subgroupColumns"] = json!([]);
    }
    let students = students.filter(|_| pick & 64 == 0);
    let sources = evidence_check::Sources {
        usage,
        scores,
        students,
    };
    let _ = evidence_check::evaluate_sources_json(&contract, &sources, &mut |_| {});
});
