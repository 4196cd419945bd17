//! What binds an outcomes report to its subject: the vendor and product named by the contract,
//! and the SHA-256 of the exact roster bytes it was computed from.

use evidence_check::evaluate_json;
use serde_json::Value;

const CONTRACT: &str = include_str!("fixtures/contracts/duval-style.json");
const ROSTER: &[u8] = include_bytes!("fixtures/contracts/roster-small.csv");
/// `sha256sum tests/fixtures/contracts/roster-small.csv`, run by hand (the Node tests run it live).
const ROSTER_SHA256: &str = "544d3a0b789c7f8d02cab75ab0ac85b2a5757e733ddd67f530a1b34d4362e6e9";

fn report(contract: &Value, roster: &[u8]) -> Value {
    let e = evaluate_json(contract, roster, &mut |_| {}).unwrap();
    serde_json::to_value(&e.report).unwrap()
}

#[test]
fn the_report_carries_the_digest_of_the_roster_bytes() {
    let contract: Value = serde_json::from_str(CONTRACT).unwrap();
    let r = report(&contract, ROSTER);
    assert_eq!(r["rosterDigest"], format!("sha256:{ROSTER_SHA256}"));
    // One byte more (a trailing blank line, which changes no number) is another roster file.
    let mut longer = ROSTER.to_vec();
    longer.push(b'\n');
    let other = report(&contract, &longer);
    assert_eq!(other["payment"], r["payment"]);
    assert_ne!(other["rosterDigest"], r["rosterDigest"]);
}

#[test]
fn the_report_names_vendor_and_leaves_issued_to_the_signer() {
    let mut contract: Value = serde_json::from_str(CONTRACT).unwrap();
    let r = report(&contract, ROSTER);
    assert_eq!(r["vendor"], Value::Null);
    assert_eq!(
        r["issued"],
        Value::Null,
        "the evaluator sets it when signing"
    );
    assert_eq!(r["contractId"], contract["id"]);
    contract["vendor"] = "Readwell Learning".into();
    assert_eq!(report(&contract, ROSTER)["vendor"], "Readwell Learning");
    contract["vendor"] = 7.into();
    let e = evaluate_json(&contract, ROSTER, &mut |_| {}).unwrap_err();
    assert_eq!(e.field_errors()[0].path, "vendor");
    assert_eq!(e.field_errors()[0].code, "wrongType");
}
