//! Signed outcomes reports: minisign signatures (prehashed and legacy) checked against the
//! trusted public keys, then the signed bytes read as an `evidence-check/outcomes-report@1`.
//! A bad or hostile signature is an answer (`valid: false` with a reason), never a panic.

use crate::report::REPORT_SCHEMA;
use base64::Engine;
use minisign_verify::{PublicKey, Signature};
use serde::Serialize;
use serde_json::Value;

/// Longest signature file and key list accepted, in bytes (a real `.minisig` is under 400).
pub const MAX_SIGNATURE_BYTES: usize = 8 << 10;
pub const MAX_KEYS: usize = 100;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Verification {
    #[serde(rename_all = "camelCase")]
    Valid {
        valid: True,
        /// The signing key's id in hex, as minisign prints it but always 16 digits (zero-padded).
        key_id: String,
        trusted_comment: String,
        report: Value,
    },
    Invalid {
        valid: False,
        error: Problem,
    },
}

/// Serializes as `true` / `false`, so that `valid` is a plain boolean in JS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct True;
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct False;
impl Serialize for True {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(true)
    }
}
impl Serialize for False {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(false)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub message: String,
}

fn fail(code: &'static str, message: impl Into<String>) -> Verification {
    Verification::Invalid {
        valid: False,
        error: Problem {
            code,
            message: message.into(),
        },
    }
}

/// The base64 keys in `entries`: each entry may hold several keys separated by white space,
/// or be the text of a `.pub` file (its "untrusted comment:" line is skipped).
pub fn key_tokens(entries: &[String]) -> Vec<&str> {
    entries
        .iter()
        .flat_map(|e| e.lines())
        .filter(|line| !line.trim_start().starts_with("untrusted comment:"))
        .flat_map(str::split_whitespace)
        .collect()
}

/// minisign's key id: the 8 id bytes of a key or signature as a little-endian number, in hex.
fn key_id(base64_text: &str, offset: usize) -> Option<String> {
    let bin = base64::engine::general_purpose::STANDARD
        .decode(base64_text.trim())
        .ok()?;
    let id: [u8; 8] = bin.get(offset..offset + 8)?.try_into().ok()?;
    Some(format!("{:016X}", u64::from_le_bytes(id)))
}

pub fn verify(report: &[u8], signature: &str, trusted: &[String]) -> Verification {
    if signature.len() > MAX_SIGNATURE_BYTES
        || trusted.iter().map(String::len).sum::<usize>() > MAX_SIGNATURE_BYTES * 4
    {
        return fail(
            "malformedSignature",
            "The signature or the key list is far longer than a minisign one.",
        );
    }
    let tokens = key_tokens(trusted);
    if tokens.is_empty() {
        return fail(
            "noTrustedKeys",
            "No trusted public key was given, so nothing can be verified.",
        );
    }
    if tokens.len() > MAX_KEYS {
        return fail(
            "malformedKey",
            format!("At most {MAX_KEYS} trusted keys are accepted."),
        );
    }
    let mut keys = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        match (PublicKey::from_base64(t), key_id(t, 2)) {
            (Ok(k), Some(id)) => keys.push((k, id)),
            _ => {
                return fail(
                    "malformedKey",
                    format!("Trusted key {} is not a minisign public key (the base64 line of a .pub file, starting \"RW\").", i + 1),
                )
            }
        }
    }
    let sig = match Signature::decode(signature.trim_start_matches('\u{feff}')) {
        Ok(s) => s,
        Err(_) => {
            return fail(
                "malformedSignature",
                "The signature is not a minisign signature file (.minisig).",
            );
        }
    };
    let sig_id = signature.lines().nth(1).and_then(|line| key_id(line, 2));
    let Some((key, id)) = keys.iter().find(|(_, id)| Some(id) == sig_id.as_ref()) else {
        return fail(
            "untrustedKey",
            format!(
                "The report was signed with key {}, which is not among the trusted keys.",
                sig_id.as_deref().unwrap_or("(unknown)")
            ),
        );
    };
    if key.verify(report, &sig, true).is_err() {
        return fail(
            "badSignature",
            "The signature does not match: the report or its trusted comment was changed after signing.",
        );
    }
    let parsed: Value = match std::str::from_utf8(report)
        .ok()
        .and_then(|t| crate::input::parse_json(t, "x", "report").ok())
    {
        Some(v) => v,
        None => return fail("malformedReport", "The signed file is not a JSON document."),
    };
    if parsed.get("schema").and_then(Value::as_str) != Some(REPORT_SCHEMA)
        || !parsed.get("students").is_some_and(Value::is_object)
    {
        return fail(
            "notAReport",
            format!("The signed file is genuine but is not an outcomes report ({REPORT_SCHEMA}); none of its numbers are shown as verified."),
        );
    }
    Verification::Valid {
        valid: True,
        key_id: id.clone(),
        trusted_comment: sig.trusted_comment().to_string(),
        report: parsed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        }
        assert!(matches!(
            verify(b"{}", "x", &[]),
            Verification::Invalid {
                error: Problem {
                    code: "noTrustedKeys",
                    ..
                },
                ..
            }
        ));
        assert!(matches!(
            verify(b"{}", "x", &["RWQ".into()]),
            Verification::Invalid {
                error: Problem {
                    code: "malformedKey",
                    ..
                },
                ..
            }
        ));
    }
}
