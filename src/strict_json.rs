//! Strict JSON for signed documents (outcomes reports, evaluators' key lists).
//!
//! A signature covers bytes, and people and programs must read those bytes the same way.
//! `serde_json::Value` silently keeps the last of two equal keys, while a reviewer (and many
//! other parsers) reads the first: `{"g": 0.18, "g": 0.61}` would show 0.61 in the badge and
//! 0.18 to whoever checked the file. So a signed document is refused when it repeats a key at
//! any depth, carries anything after its one JSON value, or is not UTF-8.

use crate::error::Code;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Largest signed document accepted, in bytes (the same limit as every JSON input).
pub const MAX_BYTES: usize = crate::input::MAX_JSON_BYTES;

/// Why a document is not strict JSON. `code` is stable; `message` names `what` and the place.
#[derive(Debug, Clone, PartialEq)]
pub struct StrictError {
    /// `notUtf8`, `duplicateKey`, `trailingData`, `tooLarge` or `invalidJson`.
    pub code: Code,
    /// The problem in a sentence.
    pub message: String,
}

/// Parses `bytes` as one JSON value, refusing what [`StrictError`] lists. `what` names the
/// document in messages ("report", "key list"). Nesting past 128 levels is refused by serde_json.
pub fn parse(bytes: &[u8], what: &str) -> Result<Value, StrictError> {
    if bytes.len() > MAX_BYTES {
        return Err(StrictError {
            code: Code::TooLarge,
            message: format!(
                "The {what} is {} bytes; at most {MAX_BYTES} are accepted.",
                bytes.len()
            ),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| StrictError {
        code: Code::NotUtf8,
        message: format!(
            "The {what} is not UTF-8 text (byte {} is not valid UTF-8).",
            e.valid_up_to() + 1
        ),
    })?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictValue { path: "" }
        .deserialize(&mut de)
        .map_err(|e| classify(e, what))?;
    de.end().map_err(|e| StrictError {
        code: Code::TrailingData,
        message: format!(
            "The {what} has something after its JSON value (line {}, column {}); a signed document is exactly one value.",
            e.line(),
            e.column()
        ),
    })?;
    Ok(value)
}

/// Our duplicate-key errors travel through serde as custom errors; this prefix tells them apart.
const DUPLICATE: &str = "\u{0}duplicate:";

fn classify(e: serde_json::Error, what: &str) -> StrictError {
    let text = e.to_string();
    if let Some(rest) = text.strip_prefix(DUPLICATE) {
        // serde_json appends " at line L column C" to custom errors; keep only our text.
        let key_and_path = rest.rsplit_once(" at line ").map_or(rest, |(k, _)| k);
        let (key, path) = key_and_path
            .split_once('\u{0}')
            .unwrap_or((key_and_path, ""));
        let place = if path.is_empty() {
            "at the top level".to_string()
        } else {
            format!("in {path}")
        };
        return StrictError {
            code: Code::DuplicateKey,
            message: format!(
                "The {what} has the key \"{key}\" twice {place} (line {}); readers disagree on which one counts, so it is refused.",
                e.line()
            ),
        };
    }
    StrictError {
        code: Code::InvalidJson,
        message: format!("The {what} is not valid JSON: {e}."),
    }
}

/// Builds a `Value` like serde_json's own, but errors on a repeated key. `path` is the
/// JS-style path of the value being read, for the error message.
struct StrictValue<'p> {
    path: &'p str,
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // JSON text never holds NaN or Infinity (serde_json refuses 1e400), so this is a number.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let path = format!("{}[{}]", self.path, items.len());
            match seq.next_element_seed(StrictValue { path: &path })? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "{DUPLICATE}{key}\u{0}{}",
                    self.path
                )));
            }
            let path = crate::error::join(self.path, &key);
            let value = map.next_value_seed(StrictValue { path: &path })?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code(bytes: &[u8]) -> &'static str {
        parse(bytes, "report").unwrap_err().code.as_str()
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#"{"a": [1, -2, 3.5, "x", true, null, {"b": {}}], "c": 18446744073709551615}"#;
        assert_eq!(
            parse(text.as_bytes(), "report").unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        assert_eq!(parse(b"  7 \n", "report").unwrap(), json!(7));
    }

    #[test]
    fn serde_json_alone_keeps_the_last_duplicate() {
        // The reason this module exists: the plain parser accepts this and shows 0.61.
        let v: Value = serde_json::from_str(r#"{"g": 0.18, "g": 0.61}"#).unwrap();
        assert_eq!(v["g"], json!(0.61));
        assert_eq!(code(br#"{"g": 0.18, "g": 0.61}"#), "duplicateKey");
    }

    #[test]
    fn duplicates_at_any_depth_name_their_place() {
        let e = parse(br#"{"effect": {"g": 0.18, "n": 2, "g": 0.61}}"#, "report").unwrap_err();
        assert_eq!(e.code, "duplicateKey");
        assert_eq!(
            e.message,
            "The report has the key \"g\" twice in effect (line 1); readers disagree on which one counts, so it is refused."
        );
        let e = parse(
            b"{\"tiers\": [{\"a\": 1}, {\"a\": 1,\n \"a\": 1}]}",
            "key list",
        )
        .unwrap_err();
        assert_eq!(e.code, "duplicateKey");
        assert!(e.message.contains("in tiers[1] (line 2)"), "{}", e.message);
        assert!(parse(br#"{"a": 1, "a": 1}"#, "report")
            .unwrap_err()
            .message
            .contains("twice at the top level"));
        // Equal keys written differently are still equal once decoded.
        assert_eq!(code(br#"{"g": 1, "\u0067": 2}"#), "duplicateKey");
        // The same key in sibling objects is fine.
        assert!(parse(br#"[{"g": 1}, {"g": 2}]"#, "report").is_ok());
    }

    #[test]
    fn trailing_data_is_refused() {
        assert_eq!(code(b"{} {}"), "trailingData");
        assert_eq!(code(b"{}x"), "trailingData");
        assert_eq!(code(b"[1]\n]"), "trailingData");
        assert!(
            parse(b"{}\n\n", "report").is_ok(),
            "white space is not data"
        );
    }

    #[test]
    fn non_utf8_is_refused_with_its_position() {
        let e = parse(b"{\"a\": \"caf\xe9\"}", "report").unwrap_err();
        assert_eq!(e.code, "notUtf8");
        assert!(e.message.contains("byte 11"), "{}", e.message);
        // A UTF-8 byte-order mark is not JSON (RFC 8259 8.1 forbids adding one).
        assert_eq!(code(b"\xef\xbb\xbf{}"), "invalidJson");
    }

    #[test]
    fn other_failures() {
        assert_eq!(code(b""), "invalidJson");
        assert_eq!(code(b"{\"a\": }"), "invalidJson");
        assert_eq!(code(b"{\"a\": 1e400}"), "invalidJson");
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(code(deep.as_bytes()), "invalidJson");
        let big = vec![b' '; MAX_BYTES + 1];
        assert_eq!(code(&big), "tooLarge");
    }
}
