//! Vetting on structure-aware profiles whose study summaries hold degenerate statistics: never a
//! panic, and never a non-finite number in a result.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let case = evidence_check_fuzz::vet_case(data);
    if let Ok(v) = evidence_check::vet_json(&case.profile, case.policy.as_ref()) {
        evidence_check_fuzz::assert_finite(&v, "vetting");
    }
});
