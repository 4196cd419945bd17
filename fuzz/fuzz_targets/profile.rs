//! Any text as a product profile (and as a policy): read, validate and vet.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = evidence_check::parse_json(text, evidence_check::Code::InvalidProfile, "profile") {
        let _ = evidence_check::vet_json(&v, None);
        let _ = evidence_check::validate_json(Ok(v.clone()), None);
        let _ = evidence_check::Policy::from_json(Some(&v));
        let _ = evidence_check::effect_size_json(&v);
        let _ = evidence_check::minimum_detectable_effect_json(&v);
    }
});
