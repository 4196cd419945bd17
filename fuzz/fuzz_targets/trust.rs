//! Any bytes as a key list, a report, a signature and an evaluator origin: the strict JSON reader,
//! the key list reader, the origin reader and the evaluator-mode verification never panic.
#![no_main]
use evidence_check::{parse_evaluator, parse_key_list, verify_report, Expect, Trust};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |&b| b == 1);
    let list = parts.next().unwrap_or_default();
    let report = parts.next().unwrap_or_default();
    let signature = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let origin = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let _ = evidence_check::parse_strict_json(data, "input");
    let _ = parse_key_list(list, "fuzz.example");
    let _ = parse_evaluator(&origin, Some("https://vendor.example"));
    let expect = Expect {
        product: Some("Readwell".into()),
        today: Some("2026-11-23".into()),
        ..Expect::default()
    };
    for origin in [origin.as_ref(), "https://tea.example.gov"] {
        let trust = Trust::Evaluator { origin, key_list: list };
        let _ = verify_report(report, &signature, trust, &expect);
    }
});
