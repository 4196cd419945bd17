//! Signature verification under `cargo test` alone, from the committed demo files (signed with
//! the real minisign tool by `node scripts/make-sample.mjs`; the not-a-report fixture with
//! `minisign -S -s www/demo-key/demo.key`). The Node tests sign live; these guard the host.

use evidence_check::{verify, verify_report, Expect, Trust, Verification};

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn text(path: &str) -> String {
    String::from_utf8(read(path)).unwrap()
}

fn sample(name: &str) -> (Vec<u8>, String) {
    (
        read(&format!("www/samples/{name}.json")),
        text(&format!("www/samples/{name}.json.minisig")),
    )
}

fn code(v: &Verification) -> &str {
    match v {
        Verification::Valid { .. } => "valid",
        Verification::Invalid { error, .. } => error.code.as_str(),
    }
}

fn demo_key() -> Vec<String> {
    vec![text("www/demo-key/demo.pub")]
}

const ORIGIN: &str = "http://localhost:45863";

fn by_evaluator(report: &[u8], signature: &str, product: &str) -> Verification {
    let list = read("www/.well-known/evidence-check.json");
    let expect = Expect {
        product: Some(product.into()),
        ..Expect::default()
    };
    verify_report(
        report,
        signature,
        Trust::Evaluator {
            origin: ORIGIN,
            key_list: &list,
        },
        &expect,
    )
}

#[test]
fn the_genuine_sample_verifies_with_its_key_id_and_comment() {
    let (report, signature) = sample("outcomes");
    match verify(&report, &signature, &demo_key()) {
        Verification::Valid {
            trust,
            key_id,
            trusted_comment,
            report,
            ..
        } => {
            assert_eq!(trust, "inlineKey");
            assert_eq!(key_id, "73DC8094F3DAF974");
            assert_eq!(
                trusted_comment,
                "DEMO signature by the evidence-check demo evaluator, not a real agency: Readwell (demo) 2025-26"
            );
            assert_eq!(report["product"], "Readwell (demo)");
        }
        other => panic!("{other:?}"),
    }
    match by_evaluator(&report, &signature, "Readwell (demo)") {
        Verification::Valid {
            trust, evaluator, ..
        } => {
            assert_eq!(trust, "evaluator");
            let e = evaluator.unwrap();
            assert_eq!(
                (e.host.as_str(), e.name.as_str()),
                (
                    "localhost:45863",
                    "evidence-check demo evaluator (not a real agency)"
                )
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_changed_report_or_comment_fails() {
    let (report, signature) = sample("outcomes");
    // The committed tampered sample: the total raised by $1,000 under the genuine signature.
    let (tampered, tampered_signature) = sample("outcomes-tampered");
    assert_eq!(tampered_signature, signature);
    assert_ne!(tampered, report);
    assert_eq!(
        code(&verify(&tampered, &signature, &demo_key())),
        "badSignature"
    );
    let mut one_more_byte = report.clone();
    one_more_byte.push(b' ');
    assert_eq!(
        code(&verify(&one_more_byte, &signature, &demo_key())),
        "badSignature"
    );
    let comment = signature.replace(
        "trusted comment: DEMO signature",
        "trusted comment: Signature",
    );
    assert_ne!(comment, signature);
    assert_eq!(
        code(&verify(&report, &comment, &demo_key())),
        "badSignature"
    );
}

#[test]
fn the_wrong_key_and_the_forger_fail() {
    let (report, signature) = sample("outcomes");
    let retired = vec![text("www/demo-key/demo-retired.pub")];
    assert_eq!(code(&verify(&report, &signature, &retired)), "untrustedKey");
    // The forger's key carries the evaluator's key id: inline, its own report verifies (the page
    // chose the key); against the evaluator's published list it does not.
    let (forged, forged_signature) = sample("outcomes-forged");
    let forger = vec![text("www/demo-key/forger.pub")];
    assert_eq!(code(&verify(&forged, &forged_signature, &forger)), "valid");
    assert_eq!(
        code(&verify(&forged, &forged_signature, &demo_key())),
        "badSignature"
    );
    assert_eq!(
        code(&by_evaluator(&forged, &forged_signature, "Readwell (demo)")),
        "badSignature"
    );
}

#[test]
fn the_evaluator_list_refuses_revoked_retired_and_other_products() {
    let (revoked, s) = sample("outcomes-revoked");
    assert_eq!(
        code(&by_evaluator(&revoked, &s, "Readwell (demo)")),
        "revokedKey"
    );
    let (retired, s) = sample("outcomes-retired");
    assert_eq!(
        code(&by_evaluator(&retired, &s, "Readwell (demo)")),
        "keyNotValidOnDate"
    );
    let (other, s) = sample("outcomes-other-product");
    assert_eq!(
        code(&by_evaluator(&other, &s, "Readwell (demo)")),
        "subjectMismatch"
    );
    let (duplicate, s) = sample("outcomes-duplicate");
    assert_eq!(
        code(&by_evaluator(&duplicate, &s, "Readwell (demo)")),
        "duplicateKey"
    );
}

#[test]
fn a_signed_file_that_is_not_a_report_fails() {
    let file = read("tests/fixtures/signatures/not-a-report.json");
    let signature = text("tests/fixtures/signatures/not-a-report.json.minisig");
    assert_eq!(code(&verify(&file, &signature, &demo_key())), "notAReport");
}
