//! Any bytes as a roster, under a contract that reads every optional column.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for on_bad_row in ["reject", "skip"] {
        let contract = serde_json::json!({
            "metric": { "kind": "gain" },
            "paymentCard": [{ "label": "A", "atLeast": 0, "centsPerStudent": 100 }, { "label": "B", "atLeast": 10, "centsPerStudent": 200 }],
            "fidelity": { "minMinutesPerWeek": 10, "minWeeks": 1 },
            "subgroupColumns": ["grade"], "minCellSize": 2, "onBadRow": on_bad_row,
            "assignedBy": "school", "districtObligation": { "minShareAtFidelity": 0.5 }, "capCents": 100000
        });
        let _ = evidence_check::evaluate_json(&contract, data, &mut |_| {});
    }
});
