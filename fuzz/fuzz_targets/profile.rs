//! Any text as a product profile (and as a policy): read, validate and vet.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = evidence_check::input::parse_json(text, evidence_check::error::Code::InvalidProfile, "profile") {
        let _ = evidence_check::vetting::vet_json(&v, None);
        let _ = evidence_check::vetting::validate_json(Ok(v.clone()), None);
        let _ = evidence_check::profile::Policy::from_json(Some(&v));
        let _ = evidence_check::stats::effect_size_json(&v);
        let _ = evidence_check::stats::minimum_detectable_effect_json(&v);
    }
});
