//! The JS binding: the only module that touches `wasm_bindgen`, `js_sys` and `serde_wasm_bindgen`.
//! JS values come in as JSON text (so nesting limits and number checks are the core's),
//! results go out as plain objects, and every error is thrown as a real JS `Error`
//! carrying a stable `code` (and `errors` where there are several problems).

use crate::error::{Details, Error};
use js_sys::{Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The package version, equal to the crate version in Cargo.toml.
#[wasm_bindgen]
pub fn version() -> String {
    crate::version().to_string()
}

/// Converts a core error into a thrown JS `Error` with `name`, `code`, and `errors` when there are details.
fn throw(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name("EvidenceCheckError");
    let obj: &JsValue = err.as_ref();
    let _ = Reflect::set(obj, &"code".into(), &e.code.into());
    match &e.details {
        Details::None => {}
        Details::Fields(errors) => {
            let _ = Reflect::set(obj, &"errors".into(), &to_js(errors));
        }
        Details::Rows { errors, total } => {
            let _ = Reflect::set(obj, &"errors".into(), &to_js(errors));
            let _ = Reflect::set(obj, &"errorCount".into(), &(*total as f64).into());
        }
    }
    err.into()
}

/// Serializes a result as plain JS objects (maps as objects, `None` as `null`).
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    // Our result types hold only strings, numbers, booleans, lists and structs, which always serialize.
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

/// A `JSON.stringify` replacer that keeps NaN and Infinity visible (JSON would make them null),
/// as strings the core reports as "not a finite number".
fn non_finite_marker() -> JsValue {
    let replace = |_key: JsValue, value: JsValue| -> JsValue {
        match value.as_f64() {
            Some(x) if !x.is_finite() => {
                let name = if x.is_nan() {
                    "NaN"
                } else if x > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                };
                format!("{}{name}", crate::input::NON_FINITE_MARK).into()
            }
            _ => value,
        }
    };
    Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(replace).into_js_value()
}

/// Reads a JS argument as JSON: an object is stringified by JS's own `JSON.stringify`
/// (a JSON string is taken as it is), then parsed by the core with its limits.
fn json_arg(value: &JsValue, code: &'static str, what: &str) -> Result<serde_json::Value, Error> {
    if value.is_undefined() {
        return Err(Error::new(code, format!("The {what} is missing.")));
    }
    let text = match value.as_string() {
        Some(s) => s,
        None => JSON::stringify_with_replacer(value, &non_finite_marker())
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| {
                Error::new(
                    code,
                    format!(
                        "The {what} cannot be read as JSON (a function, a cycle or a BigInt?)."
                    ),
                )
            })?,
    };
    crate::input::parse_json(&text, code, what)
}

/// Runs a core function on a JSON argument and returns its result as a plain JS object.
fn call<T: Serialize>(
    arg: &JsValue,
    code: &'static str,
    what: &str,
    f: impl FnOnce(&serde_json::Value) -> Result<T, Error>,
) -> Result<JsValue, JsValue> {
    json_arg(arg, code, what)
        .and_then(|v| f(&v))
        .map(|r| to_js(&r))
        .map_err(throw)
}

/// WWC effect size (Hedges' g or the Cox index) with its interval, significance and improvement index.
#[wasm_bindgen(js_name = effectSize)]
pub fn effect_size(input: &JsValue) -> Result<JsValue, JsValue> {
    call(
        input,
        "invalidInput",
        "effect-size input",
        crate::stats::effect_size_json,
    )
}

/// Minimum detectable effect size of an individual or cluster randomized design (PowerUp!).
#[wasm_bindgen(js_name = minimumDetectableEffect)]
pub fn minimum_detectable_effect(input: &JsValue) -> Result<JsValue, JsValue> {
    call(
        input,
        "invalidInput",
        "power input",
        crate::stats::minimum_detectable_effect_json,
    )
}

/// Optional second argument: `undefined` and `null` both mean "use the defaults".
fn optional_json(
    value: &JsValue,
    code: &'static str,
    what: &str,
) -> Result<Option<serde_json::Value>, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        json_arg(value, code, what).map(Some)
    }
}

/// Every problem in a product profile at once, each at its JS-style path. Never throws for a
/// bad profile (`{ valid: false, errors }`); a bad policy throws `invalidPolicy`.
#[wasm_bindgen(js_name = validateProfile)]
pub fn validate_profile(profile: &JsValue, policy: &JsValue) -> Result<JsValue, JsValue> {
    let policy = optional_json(policy, "invalidPolicy", "vetting policy").map_err(throw)?;
    let profile = json_arg(profile, "invalidProfile", "product profile");
    crate::vetting::validate_json(profile, policy.as_ref())
        .map(|r| to_js(&r))
        .map_err(throw)
}

/// The red flags, further warnings, WWC study ratings and ESSA tier of a product profile.
#[wasm_bindgen(js_name = vetProduct)]
pub fn vet_product(profile: &JsValue, policy: &JsValue) -> Result<JsValue, JsValue> {
    let policy = optional_json(policy, "invalidPolicy", "vetting policy").map_err(throw)?;
    call(profile, "invalidProfile", "product profile", |v| {
        crate::vetting::vet_json(v, policy.as_ref())
    })
}

/// JSON Schema (2020-12) documents of the inputs, generated from the Rust types.
#[wasm_bindgen]
pub fn schemas() -> JsValue {
    // The text is our own committed JSON, so parsing cannot fail.
    JSON::parse(&crate::schemas_json()).unwrap_or(JsValue::NULL)
}

/// Evaluates an outcomes-based contract on a roster (CSV text or bytes): payment in cents,
/// the statistics behind it, and the publishable outcomes report. `options.onProgress(f)` is
/// called with non-decreasing fractions, the last exactly 1.
#[wasm_bindgen(js_name = evaluateContract)]
pub fn evaluate_contract(
    contract: &JsValue,
    roster: &JsValue,
    options: &JsValue,
) -> Result<JsValue, JsValue> {
    let contract = json_arg(contract, "invalidContract", "contract").map_err(throw)?;
    let bytes = roster_bytes(roster).map_err(throw)?;
    let on_progress = if options.is_object() {
        Reflect::get(options, &"onProgress".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    } else {
        None
    };
    let mut progress = |fraction: f64| {
        if let Some(f) = &on_progress {
            // A failing progress callback must not stop the evaluation.
            let _ = f.call1(&JsValue::NULL, &fraction.into());
        }
    };
    crate::evaluate::evaluate_json(&contract, &bytes, &mut progress)
        .map(|r| to_js(&r))
        .map_err(throw)
}

/// The roster as bytes: a `Uint8Array` (or `ArrayBuffer`) as it is, a string as UTF-8.
fn roster_bytes(roster: &JsValue) -> Result<Vec<u8>, Error> {
    if let Some(text) = roster.as_string() {
        return Ok(text.into_bytes());
    }
    if let Some(bytes) = roster.dyn_ref::<js_sys::Uint8Array>() {
        // Refuse an oversized roster before copying it into wasm memory.
        if bytes.length() as usize > crate::roster::MAX_ROSTER_BYTES {
            return Err(crate::roster::too_large(bytes.length() as usize));
        }
        return Ok(bytes.to_vec());
    }
    if let Some(buffer) = roster.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(buffer).to_vec());
    }
    Err(Error::new(
        "invalidRoster",
        "The roster must be CSV text (a string) or its bytes (a Uint8Array).",
    ))
}

/// Verifies a signed outcomes report. Never throws for a bad or hostile input: the answer is
/// `{ valid: true, keyId, trustedComment, report }` or `{ valid: false, error: { code, message } }`.
#[wasm_bindgen(js_name = verifyReport)]
pub fn verify_report(report: &JsValue, signature: &JsValue, trusted_keys: &JsValue) -> JsValue {
    use crate::verify::{self, False, Problem, Verification};
    let failed = |code: &'static str, message: &str| {
        to_js(&Verification::Invalid {
            valid: False,
            error: Problem {
                code,
                message: message.into(),
            },
        })
    };
    let bytes = match roster_bytes(report) {
        Ok(b) => b,
        Err(_) => {
            return failed(
                "malformedReport",
                "The report must be the signed file's text or bytes.",
            )
        }
    };
    let Some(signature) = signature.as_string() else {
        return failed(
            "malformedSignature",
            "The signature must be the text of a .minisig file.",
        );
    };
    let keys: Vec<String> = if let Some(one) = trusted_keys.as_string() {
        vec![one]
    } else if js_sys::Array::is_array(trusted_keys) {
        let list = js_sys::Array::from(trusted_keys);
        match list
            .iter()
            .map(|k| k.as_string())
            .collect::<Option<Vec<_>>>()
        {
            Some(keys) => keys,
            None => {
                return failed(
                    "malformedKey",
                    "Trusted keys must be strings (minisign public keys in base64).",
                )
            }
        }
    } else {
        Vec::new()
    };
    to_js(&verify::verify(&bytes, &signature, &keys))
}
