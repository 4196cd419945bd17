//! The trust model, checked on the demo's committed files: reports and signatures made by the
//! real minisign tool (`node scripts/make-sample.mjs`), and the demo evaluator's key list.

use super::keylist::{parse_key_list, parse_origin, Date};
use super::*;

const KEY_LIST: &[u8] = include_bytes!("../../www/.well-known/evidence-check.json");
const DEMO_PUB: &str = include_str!("../../www/demo-key/demo.pub");
const FORGER_PUB: &str = include_str!("../../www/demo-key/forger.pub");

/// The demo evaluator's keys (ids from `minisign -G`, as its .pub files print them).
const CURRENT_ID: &str = "73DC8094F3DAF974";

fn sample(name: &str) -> (Vec<u8>, String) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/www/samples/");
    let report = std::fs::read(format!("{dir}{name}")).unwrap();
    let sig = std::fs::read_to_string(format!("{dir}{name}.minisig")).unwrap();
    (report, sig)
}

fn readwell() -> Expect {
    Expect {
        product: Some("Readwell (demo)".into()),
        vendor: Some("Readwell Learning (demo)".into()),
        period: Some("2025-26".into()),
        contract_id: Some("DEMO-OBC-2025-01".into()),
        today: Some("2026-11-23".into()),
        page_origin: Some("https://readwell.example".into()),
    }
}

fn evaluator(name: &str, expect: &Expect) -> Verification {
    let (report, sig) = sample(name);
    let trust = Trust::Evaluator {
        origin: "https://tea.example.gov",
        key_list: KEY_LIST,
    };
    verify_report(&report, &sig, trust, expect)
}

fn code(v: &Verification) -> &'static str {
    match v {
        Verification::Valid { .. } => "valid",
        Verification::Invalid { error, .. } => error.code.as_str(),
    }
}

fn message(v: &Verification) -> &str {
    match v {
        Verification::Valid { .. } => "",
        Verification::Invalid { error, .. } => &error.message,
    }
}

#[test]
fn the_genuine_report_verifies_and_names_the_origin() {
    let v = evaluator("outcomes.json", &readwell());
    let Verification::Valid {
        trust,
        key_id,
        trusted_comment,
        evaluator: Some(e),
        report,
        ..
    } = &v
    else {
        panic!("{v:?}");
    };
    assert_eq!(*trust, "evaluator");
    assert_eq!(key_id, CURRENT_ID);
    assert!(trusted_comment.starts_with("DEMO signature"));
    assert_eq!(e.origin, "https://tea.example.gov");
    assert_eq!(e.host, "tea.example.gov");
    assert_eq!(e.name, "evidence-check demo evaluator (not a real agency)");
    assert_eq!(
        (
            e.key_valid_from.to_string(),
            e.key_valid_until.map(|d| d.to_string())
        ),
        ("2025-07-01".into(), Some("2027-06-30".into()))
    );
    assert_eq!(report["issued"], "2026-08-14");
    assert_eq!(report["product"], "Readwell (demo)");
    // Only the product is required; the rest are checked when given.
    let product_only = Expect {
        product: Some("Readwell (demo)".into()),
        ..Expect::default()
    };
    assert_eq!(code(&evaluator("outcomes.json", &product_only)), "valid");
}

#[test]
fn a_key_with_a_copied_id_does_not_pass_for_the_evaluator() {
    // The forger's key carries the evaluator's key id (both .pub files say so) ...
    let id = |pub_text: &str| key_id(pub_text.lines().nth(1).unwrap(), 2).unwrap();
    assert_eq!(id(FORGER_PUB), CURRENT_ID);
    assert_eq!(id(DEMO_PUB), CURRENT_ID);
    assert_ne!(FORGER_PUB.lines().nth(1), DEMO_PUB.lines().nth(1));
    // ... and its signature is genuine for its own key, the page's inline key ...
    let (report, sig) = sample("outcomes-forged.json");
    let inline = verify_report(
        &report,
        &sig,
        Trust::Inline(&[FORGER_PUB.to_string()]),
        &readwell(),
    );
    let Verification::Valid {
        trust, report: r, ..
    } = &inline
    else {
        panic!("{inline:?}");
    };
    assert_eq!(
        (*trust, r["effect"]["g"].as_f64()),
        ("inlineKey", Some(0.61))
    );
    // Given both keys inline, either may have signed: the one with the copied id is tried too.
    let both = [DEMO_PUB.to_string(), FORGER_PUB.to_string()];
    assert_eq!(
        code(&verify_report(
            &report,
            &sig,
            Trust::Inline(&both),
            &readwell()
        )),
        "valid"
    );
    // ... but not for the key the evaluator publishes under that id.
    let v = evaluator("outcomes-forged.json", &readwell());
    assert_eq!(code(&v), "badSignature");
    assert_eq!(
        message(&v),
        "The signature does not match key 73DC8094F3DAF974 published by tea.example.gov: the report or its trusted comment was changed after signing, or another key carrying a copied id signed it."
    );
}

#[test]
fn a_tampered_report_fails() {
    assert_eq!(
        code(&evaluator("outcomes-tampered.json", &readwell())),
        "badSignature"
    );
}

#[test]
fn a_report_for_another_product_fails_with_what_differs() {
    let v = evaluator("outcomes-other-product.json", &readwell());
    assert_eq!(code(&v), "subjectMismatch");
    assert_eq!(
        message(&v),
        "This report is about something else: it names product \"Mathwise (demo)\", not \"Readwell (demo)\", and contract \"DEMO-OBC-2025-02\", not \"DEMO-OBC-2025-01\". A genuine report for another product, vendor or period proves nothing here."
    );
    // Another period, vendor or contract: each named.
    let mut e = readwell();
    e.period = Some("2024-25".into());
    e.vendor = Some("Someone Else".into());
    let v = evaluator("outcomes.json", &e);
    assert_eq!(code(&v), "subjectMismatch");
    assert!(message(&v).contains(
        "vendor \"Readwell Learning (demo)\", not \"Someone Else\", and period \"2025-26\", not \"2024-25\""
    ));
    let mut e = readwell();
    e.contract_id = Some("OTHER".into());
    assert_eq!(code(&evaluator("outcomes.json", &e)), "subjectMismatch");
}

#[test]
fn evaluator_mode_requires_a_product() {
    let mut e = readwell();
    e.product = None;
    let v = evaluator("outcomes.json", &e);
    assert_eq!(code(&v), "missingSubject");
    e.product = Some("  ".into());
    assert_eq!(code(&evaluator("outcomes.json", &e)), "missingSubject");
}

#[test]
fn a_revoked_key_fails_whatever_the_issue_date() {
    let (report, _) = sample("outcomes-revoked.json");
    let issued: Value = serde_json::from_slice(&report).unwrap();
    // Issued before the revocation, and still refused: a thief can write any date.
    assert_eq!(issued["issued"], "2026-01-15");
    let v = evaluator("outcomes-revoked.json", &readwell());
    assert_eq!(code(&v), "revokedKey");
    assert!(
        message(&v).contains(
            "was revoked by tea.example.gov on 2026-03-02 (Demo: its secret key was published)"
        ),
        "{}",
        message(&v)
    );
}

#[test]
fn a_key_outside_its_validity_period_fails() {
    let v = evaluator("outcomes-retired.json", &readwell());
    assert_eq!(code(&v), "keyNotValidOnDate");
    assert!(
        message(&v).ends_with(
            "publishes key EBE1C6CFF35C9F68 as valid only from 2023-07-01 to 2025-06-30."
        ),
        "{}",
        message(&v)
    );
}

#[test]
fn duplicate_keys_in_a_signed_report_fail() {
    let (report, sig) = sample("outcomes-duplicate.json");
    // The signature itself is genuine (minisign signed the bytes as they are) ...
    assert_eq!(
        code(&verify_report(
            b"x",
            &sig,
            Trust::Inline(&[DEMO_PUB.to_string()]),
            &Expect::default()
        )),
        "badSignature"
    );
    let text = String::from_utf8(report).unwrap();
    assert_eq!(text.matches("\"g\":").count(), 2);
    // ... but the report says g twice, so it is refused in either mode.
    let v = evaluator("outcomes-duplicate.json", &readwell());
    assert_eq!(code(&v), "duplicateKey");
    assert!(message(&v).contains("has the key \"g\" twice in effect"));
    let (report, sig) = sample("outcomes-duplicate.json");
    assert_eq!(
        code(&verify(&report, &sig, &[DEMO_PUB.to_string()])),
        "duplicateKey"
    );
}

#[test]
fn an_undated_report_cannot_be_checked_against_validity() {
    let v = evaluator("outcomes-undated.json", &readwell());
    assert_eq!(code(&v), "noIssuedDate");
    // With an inline key there are no validity periods, so no date is needed.
    let (report, sig) = sample("outcomes-undated.json");
    assert_eq!(
        code(&verify(&report, &sig, &[DEMO_PUB.to_string()])),
        "valid"
    );
}

#[test]
fn a_report_from_the_future_fails_when_today_is_known() {
    let mut e = readwell();
    e.today = Some("2026-08-13".into()); // a day's grace
    assert_eq!(code(&evaluator("outcomes.json", &e)), "valid");
    e.today = Some("2026-08-12".into());
    let v = evaluator("outcomes.json", &e);
    assert_eq!(code(&v), "issuedInFuture");
    e.today = Some("13/08/2026".into());
    assert_eq!(code(&evaluator("outcomes.json", &e)), "invalidDate");
}

#[test]
fn a_key_is_valid_on_the_first_and_last_days_of_its_period() {
    // The genuine sample was issued on 2026-08-14 with the first demo key.
    let (report, sig) = sample("outcomes.json");
    let key = "RWR0+drzlIDccwSg/nfIhZN6S1g9x0VtMtPSI7tYFKr5N89RLB8S9r5+";
    let with = |period: &str| {
        format!(
            r#"{{"schema":"evidence-check/keys@1","evaluator":"Demo","keys":[{{"publicKey":"{key}",{period}}}]}}"#
        )
    };
    for (period, expected) in [
        (r#""validFrom":"2026-08-14""#, "valid"),
        (
            r#""validFrom":"2026-08-14","validUntil":"2026-08-14""#,
            "valid",
        ),
        (r#""validFrom":"2026-08-15""#, "keyNotValidOnDate"),
        (
            r#""validFrom":"2026-01-01","validUntil":"2026-08-13""#,
            "keyNotValidOnDate",
        ),
    ] {
        let list = with(period);
        let trust = Trust::Evaluator {
            origin: "https://tea.example.gov",
            key_list: list.as_bytes(),
        };
        assert_eq!(
            code(&verify_report(&report, &sig, trust, &readwell())),
            expected,
            "{period}"
        );
    }
}

#[test]
fn a_signature_past_eight_kilobytes_is_refused_before_it_is_read() {
    let keys = vec![DEMO_PUB.to_string()];
    let (report, _) = sample("outcomes.json");
    let at_limit = verify(&report, &"x".repeat(8 << 10), &keys);
    assert_eq!(
        message(&at_limit),
        "The signature is not a minisign signature file (.minisig)."
    );
    let past = verify(&report, &"x".repeat((8 << 10) + 1), &keys);
    assert_eq!(
        message(&past),
        "The signature is far longer than a minisign one."
    );
}

#[test]
fn a_key_not_in_the_list_is_untrusted() {
    let list = br#"{"schema":"evidence-check/keys@1","evaluator":"Other","keys":[{"publicKey":"RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3","validFrom":"2025-01-01"}]}"#;
    let (report, sig) = sample("outcomes.json");
    let trust = Trust::Evaluator {
        origin: "https://other.example.org",
        key_list: list,
    };
    let v = verify_report(&report, &sig, trust, &readwell());
    assert_eq!(code(&v), "untrustedKey");
    assert_eq!(
        message(&v),
        "The report was signed with key 73DC8094F3DAF974, which other.example.org does not publish."
    );
}

#[test]
fn the_inline_key_checks_the_signature_but_says_the_signer_is_unchecked() {
    let (report, sig) = sample("outcomes.json");
    let v = verify_report(
        &report,
        &sig,
        Trust::Inline(&[DEMO_PUB.to_string()]),
        &readwell(),
    );
    let Verification::Valid {
        trust, evaluator, ..
    } = &v
    else {
        panic!("{v:?}");
    };
    assert_eq!((*trust, evaluator), ("inlineKey", &None));
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["trust"], "inlineKey");
    assert!(json.get("evaluator").is_none());
    // The subject is still checked when the page names one.
    let (report, sig) = sample("outcomes-other-product.json");
    let v = verify_report(
        &report,
        &sig,
        Trust::Inline(&[DEMO_PUB.to_string()]),
        &readwell(),
    );
    assert_eq!(code(&v), "subjectMismatch");
}

#[test]
fn the_key_list_is_read_strictly() {
    let list = parse_key_list(KEY_LIST, "tea.example.gov").unwrap();
    assert_eq!(list.keys.len(), 3);
    assert_eq!(list.keys[0].key_id, CURRENT_ID);
    assert_eq!(
        list.keys[2].revoked.map(|d| d.to_string()).as_deref(),
        Some("2026-03-02")
    );
    let bad = |text: &str| parse_key_list(text.as_bytes(), "tea.example.gov").unwrap_err();
    let key = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
    let with =
        |k: &str| format!(r#"{{"schema":"evidence-check/keys@1","evaluator":"TEA","keys":[{k}]}}"#);
    let e = bad(&with(&format!(
        r#"{{"publicKey":"{key}","validFrom":"2025-01-01","validFrom":"2020-01-01"}}"#
    )));
    assert_eq!(e.code, "duplicateKey");
    assert!(
        e.message.contains(
            "key list published by tea.example.gov has the key \"validFrom\" twice in keys[0]"
        ),
        "{}",
        e.message
    );
    assert_eq!(bad(&(with("") + " x")).code, "trailingData");
    assert_eq!(
        parse_key_list(b"{\"evaluator\":\"\xff\"}", "x")
            .unwrap_err()
            .code,
        "notUtf8"
    );
    let e = bad(r#"{"schema":"evidence-check/keys@2","keys":[]}"#);
    assert_eq!(e.code, "malformedKeyList");
    assert!(e.message.contains("is not an evidence-check key list"));
    let cases = [
        (with(""), "keys: The list names no key."),
        (
            with(&format!(r#"{{"publicKey":"{key}"}}"#)),
            "keys[0].validFrom: \"validFrom\" is required.",
        ),
        (
            with(&format!(
                r#"{{"publicKey":"{key}","validFrom":"2025-02-29"}}"#
            )),
            "keys[0].validFrom: Expected a date written YYYY-MM-DD",
        ),
        (
            with(&format!(
                r#"{{"publicKey":"{key}","validFrom":"2025-07-01","validUntil":"2025-06-30"}}"#
            )),
            "keys[0].validUntil: A key's validity cannot end before it starts.",
        ),
        (
            with(&format!(
                r#"{{"publicKey":"{key}","validFrom":"2025-07-01","reason":"lost"}}"#
            )),
            "keys[0].reason: A reason is given only for a revoked key",
        ),
        (
            with(&format!(
                r#"{{"publicKey":"{key}","validFrom":"2025-07-01","trusted":true}}"#
            )),
            "keys[0].trusted: \"trusted\" is not a known field here.",
        ),
        (
            with(r#"{"publicKey":"RWQ","validFrom":"2025-07-01"}"#),
            "keys[0].publicKey: Expected a minisign public key",
        ),
        (
            with(&format!(
                r#"{{"publicKey":"{key}","validFrom":"2025-07-01"}},{{"publicKey":"{key}","validFrom":"2026-07-01"}}"#
            )),
            "keys[1].publicKey: Key E7620F1842B4E81F is listed twice",
        ),
    ];
    for (text, expected) in cases {
        let e = bad(&text);
        assert_eq!(e.code, "malformedKeyList");
        assert!(
            e.message.contains(expected),
            "{} lacks {expected}",
            e.message
        );
    }
}

#[test]
fn origins_are_bare_https_origins() {
    let ok = |t: &str| parse_origin(t).unwrap();
    let o = ok("https://tea.example.gov");
    assert_eq!(
        (
            o.origin.as_str(),
            o.host.as_str(),
            o.key_list_url.as_str(),
            o.local
        ),
        (
            "https://tea.example.gov",
            "tea.example.gov",
            "https://tea.example.gov/.well-known/evidence-check.json",
            false
        )
    );
    assert_eq!(
        ok("HTTPS://TEA.Example.GOV:443").origin,
        "https://tea.example.gov"
    );
    assert_eq!(
        ok("https://tea.example.gov:8443").host,
        "tea.example.gov:8443"
    );
    assert_eq!(
        ok("https://xn--tea-6oa.example.gov").host,
        "xn--tea-6oa.example.gov"
    );
    let local = ok("http://localhost:8080");
    assert_eq!((local.host.as_str(), local.local), ("localhost:8080", true));
    // Every *.localhost name is the visitor's own computer too (RFC 6761).
    assert!(ok("https://tea.localhost").local);
    assert!(ok("http://127.0.0.1:9").local);
    // A Cyrillic "е" (U+0435) in place of the Latin "e" is refused and shown by its code point.
    assert!(parse_origin("https://t\u{435}a.example.gov")
        .unwrap_err()
        .message
        .contains("\"https://t\\u{0435}a.example.gov\" has a character outside ASCII"));
    let refused = [
        ("http://tea.example.gov", "only over https"),
        ("https://tea.example.gov/", "without a trailing slash"),
        ("https://tea.example.gov/keys", "without a path"),
        ("https://tea.example.gov?x", "without a query"),
        ("https://tea.example.gov#x", "without a fragment"),
        (
            "https://tea.example.gov@vendor.example",
            "without a user name",
        ),
        ("https://tеa.example.gov", "outside ASCII"), // a Cyrillic e
        ("https://tea.example.gov.", "not a domain name"),
        ("https://tea..gov", "not a domain name"),
        ("https://-tea.example.gov", "not a domain name"),
        ("https://tea_agency.gov", "not a domain name"),
        ("https://intranet", "no dot"),
        ("https://203.0.113.9", "IP address"),
        ("https://[2001:db8::1]", "IP address"),
        ("https://tea.example.gov:0", "invalid port"),
        ("https://tea.example.gov:99999", "invalid port"),
        ("https://tea.example.gov:", "invalid port"),
        ("ftp://tea.example.gov", "must start with https://"),
        ("tea.example.gov", "web origin such as"),
        (" https://tea.example.gov", "must start with https://"),
        ("https://tea.example.gov ", "space or control character"),
        ("http://localhost.vendor.example", "only over https"),
        ("", "web origin such as"),
    ];
    for (text, why) in refused {
        let e = parse_origin(text).unwrap_err();
        assert_eq!(e.code, "invalidEvaluator", "{text}");
        assert!(e.message.contains(why), "{text}: {}", e.message);
    }
}

#[test]
fn a_local_evaluator_only_for_a_local_page() {
    use super::keylist::parse_evaluator;
    let local = "http://localhost:8080";
    assert!(
        parse_evaluator(local, None).is_ok(),
        "Node and tests name no page"
    );
    assert!(parse_evaluator(local, Some("http://127.0.0.1:8080")).is_ok());
    assert!(parse_evaluator("https://127.0.0.1", Some("http://localhost:9")).is_ok());
    for page in ["https://readwell.example", "null", "file:///C:/x.html"] {
        let e = parse_evaluator(local, Some(page)).unwrap_err();
        assert_eq!(e.code, "invalidEvaluator");
        assert!(
            e.message.contains("visitor's own computer"),
            "{}",
            e.message
        );
    }
    assert!(parse_evaluator("https://tea.example.gov", Some("https://readwell.example")).is_ok());
    // The same rule inside verification: the demo files, checked as if by a page on the web.
    let (report, sig) = sample("outcomes.json");
    let trust = Trust::Evaluator {
        origin: local,
        key_list: KEY_LIST,
    };
    assert_eq!(
        code(&verify_report(&report, &sig, trust, &readwell())),
        "invalidEvaluator"
    );
    let mut e = readwell();
    e.page_origin = Some("http://127.0.0.1:8080".into());
    assert_eq!(code(&verify_report(&report, &sig, trust, &e)), "valid");
}

#[test]
fn dates_are_real_calendar_days() {
    // Days since 1970-01-01, from Python's datetime.date subtraction.
    for (text, days) in [
        ("1970-01-01", 0),
        ("2000-02-29", 11016),
        ("2000-03-01", 11017),
        ("2024-02-29", 19782),
        ("2026-11-23", 20780),
        ("9999-12-31", 2932896),
    ] {
        let d = Date::parse(text).unwrap();
        assert_eq!((d.days(), d.to_string()), (days, text.to_string()));
    }
    for bad in [
        "2025-02-29",
        "1900-02-29",
        "2025-13-01",
        "2025-00-10",
        "2025-04-31",
        "2025-4-1",
        "25-04-01",
        "2025-04-01T00:00",
        "+025-04-01",
        "1969-12-31",
        "２０２５-04-01",
    ] {
        assert_eq!(Date::parse(bad), None, "{bad}");
    }
    assert!(Date::parse("2025-12-31") < Date::parse("2026-01-01"));
}

#[test]
fn key_tokens_accept_lists_and_pub_files() {
    let entries = vec![
        "RWQone RWQtwo".to_string(),
        "untrusted comment: minisign public key 0123\nRWQthree\n".to_string(),
    ];
    assert_eq!(key_tokens(&entries), vec!["RWQone", "RWQtwo", "RWQthree"]);
    assert!(key_tokens(&["  ".to_string()]).is_empty());
}

#[test]
fn hostile_inputs_are_answers() {
    let key = vec!["RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3".to_string()];
    for sig in [
        "",
        "x",
        "untrusted comment: a\n!!!\ntrusted comment: b\n!!!",
        &"A".repeat(100_000),
    ] {
        assert!(matches!(
            verify(b"{}", sig, &key),
            Verification::Invalid { .. }
        ));
        let trust = Trust::Evaluator {
            origin: "https://tea.example.gov",
            key_list: KEY_LIST,
        };
        assert!(matches!(
            verify_report(sig.as_bytes(), sig, trust, &readwell()),
            Verification::Invalid { .. }
        ));
    }
    assert_eq!(code(&verify(b"{}", "x", &[])), "noTrustedKeys");
    assert_eq!(code(&verify(b"{}", "x", &["RWQ".into()])), "malformedKey");
    // The limits on trusted keys, at their edges: 32 KB of key text (here blanks, so no key at
    // all) and 100 keys (here not keys, so the first is refused as one).
    let blanks = |n: usize| vec![" ".repeat(n)];
    assert_eq!(
        code(&verify(b"{}", "x", &blanks(32 << 10))),
        "noTrustedKeys"
    );
    let too_long = verify(b"{}", "x", &blanks((32 << 10) + 1));
    assert_eq!(
        (code(&too_long), message(&too_long)),
        (
            "malformedKey",
            "The key list is far longer than a few minisign keys."
        )
    );
    let tokens = |n: usize| vec!["x ".repeat(n)];
    assert!(message(&verify(b"{}", "x", &tokens(100))).starts_with("Trusted key 1 is not"));
    assert_eq!(
        message(&verify(b"{}", "x", &tokens(101))),
        "At most 100 trusted keys are accepted."
    );
    let (report, sig) = sample("outcomes.json");
    let trust = |list: &'static [u8]| Trust::Evaluator {
        origin: "https://tea.example.gov",
        key_list: list,
    };
    assert_eq!(
        code(&verify_report(&report, &sig, trust(b""), &readwell())),
        "malformedKeyList"
    );
    assert_eq!(
        code(&verify_report(&report, &sig, trust(b"\xff"), &readwell())),
        "notUtf8"
    );
    let bad_origin = Trust::Evaluator {
        origin: "http://tea.example.gov",
        key_list: KEY_LIST,
    };
    assert_eq!(
        code(&verify_report(&report, &sig, bad_origin, &readwell())),
        "invalidEvaluator"
    );
}

#[test]
fn read_report_checks_the_schema_and_the_issue_date() {
    let (report, _) = sample("outcomes.json");
    assert_eq!(read_report(&report).unwrap()["issued"], "2026-08-14");
    let ok = br#"{"schema":"evidence-check/outcomes-report@1","students":{},"issued":null}"#;
    assert!(read_report(ok).is_ok());
    let bad_date =
        br#"{"schema":"evidence-check/outcomes-report@1","students":{},"issued":"2026-02-30"}"#;
    assert_eq!(read_report(bad_date).unwrap_err().code, "invalidIssuedDate");
    assert_eq!(
        read_report(br#"{"schema":"x"}"#).unwrap_err().code,
        "notAReport"
    );
    assert_eq!(read_report(b"{").unwrap_err().code, "malformedReport");
    // 2^53 + 1 reads as 2^53 in a web page: refused, so a badge never shows another number
    // than the one signed (2^53 - 1 is exact everywhere).
    let big = |n: &str| {
        format!(
            r#"{{"schema":"evidence-check/outcomes-report@1","students":{{}},"x":[{{"y":{n}}}]}}"#
        )
    };
    let e = read_report(big("9007199254740993").as_bytes()).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.contains("x[0].y")),
        ("malformedReport", true)
    );
    assert_eq!(
        read_report(big("-9007199254740993").as_bytes())
            .unwrap_err()
            .code,
        "malformedReport"
    );
    assert!(read_report(big("9007199254740991").as_bytes()).is_ok());
    // 2^53 itself is not a safe integer (JavaScript's Number.isSafeInteger): 2^53 + 1 would
    // read the same.
    assert_eq!(
        read_report(big("9007199254740992").as_bytes())
            .unwrap_err()
            .code,
        "malformedReport"
    );
    assert_eq!(read_report(b"{} {}").unwrap_err().code, "trailingData");
    // The schema alone does not make a report: its students must be there, as an object.
    for not_a_report in [
        &br#"{"schema":"evidence-check/outcomes-report@1"}"#[..],
        br#"{"schema":"evidence-check/outcomes-report@1","students":[]}"#,
        br#"{"schema":"evidence-check/outcomes-report@2","students":{}}"#,
    ] {
        assert_eq!(read_report(not_a_report).unwrap_err().code, "notAReport");
    }
}
