//! The whole evaluation, statistics included, on structure-aware rosters and contracts: never a
//! panic, and never a non-finite number in a result.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let case = evidence_check_fuzz::evaluate_case(data);
    if let Ok(e) =
        evidence_check::evaluate_json(&case.contract, &case.roster, &mut |_| {})
    {
        evidence_check_fuzz::assert_finite(&e, "evaluation");
    }
});
