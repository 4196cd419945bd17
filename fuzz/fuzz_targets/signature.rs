//! Any bytes split into a report, a signature and trusted keys.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\u{1}');
    let report = parts.next().unwrap_or_default();
    let signature = parts.next().unwrap_or_default();
    let keys: Vec<String> = parts
        .next()
        .unwrap_or_default()
        .split('\u{2}')
        .map(str::to_string)
        .collect();
    let _ = evidence_check::verify(report.as_bytes(), signature, &keys);
    let _ = evidence_check::verify(data, &text, &[text.to_string()]);
});
