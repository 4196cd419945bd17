//! Level 2: the wasm build itself, in headless Chromium (run by `make test-browser`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn version_matches_the_crate() {
    assert_eq!(evidence_check::wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn errors_reach_js_as_real_errors_with_a_code() {
    use wasm_bindgen::{JsCast, JsValue};
    let bad = js_sys::JSON::parse(r#"{"kind":"continuous","intervention":{"n":1,"mean":1,"sd":1},"comparison":{"n":3,"mean":1,"sd":1}}"#).unwrap();
    let err = evidence_check::wasm::effect_size(&bad).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    let code = js_sys::Reflect::get(&err, &JsValue::from_str("code")).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("invalidInput"));
    let errors = js_sys::Reflect::get(&err, &JsValue::from_str("errors")).unwrap();
    assert_eq!(js_sys::Array::from(&errors).length(), 1);
}

#[wasm_bindgen_test]
fn effect_size_in_the_browser_matches_the_handbook_example() {
    let input = js_sys::JSON::parse(r#"{"kind":"continuous","intervention":{"n":3,"mean":6,"sd":1},"comparison":{"n":3,"mean":5,"sd":1}}"#).unwrap();
    let r = evidence_check::wasm::effect_size(&input).unwrap();
    let g = js_sys::Reflect::get(&r, &"g".into())
        .unwrap()
        .as_f64()
        .unwrap();
    assert!((g - 0.8).abs() < 1e-12);
}

#[wasm_bindgen_test]
fn a_report_verifies_against_the_evaluator_key_list_in_the_browser() {
    use evidence_check::wasm::verify_report;
    use js_sys::{Reflect, Uint8Array};
    use wasm_bindgen::JsValue;
    let get = |v: &JsValue, path: &[&str]| {
        path.iter()
            .fold(v.clone(), |v, k| Reflect::get(&v, &(*k).into()).unwrap())
    };
    let trust = js_sys::Object::new();
    let list = Uint8Array::from(&include_bytes!("../www/.well-known/evidence-check.json")[..]);
    Reflect::set(
        &trust,
        &"evaluator".into(),
        &"https://tea.example.gov".into(),
    )
    .unwrap();
    Reflect::set(&trust, &"keyList".into(), &list).unwrap();
    let expect =
        js_sys::JSON::parse(r#"{"product":"Readwell (demo)","period":"2025-26"}"#).unwrap();
    let check = |report: &[u8], sig: &str| {
        verify_report(
            &Uint8Array::from(report).into(),
            &sig.into(),
            &trust,
            Some(expect.clone()),
        )
    };
    let genuine = check(
        include_bytes!("../www/samples/outcomes.json"),
        include_str!("../www/samples/outcomes.json.minisig"),
    );
    assert_eq!(get(&genuine, &["valid"]).as_bool(), Some(true));
    assert_eq!(
        get(&genuine, &["evaluator", "host"]).as_string().as_deref(),
        Some("tea.example.gov")
    );
    let forged = check(
        include_bytes!("../www/samples/outcomes-forged.json"),
        include_str!("../www/samples/outcomes-forged.json.minisig"),
    );
    assert_eq!(
        get(&forged, &["error", "code"]).as_string().as_deref(),
        Some("badSignature")
    );
}
