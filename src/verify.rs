//! Signed outcomes reports: a minisign signature (prehashed or legacy) checked against a key,
//! then the signed bytes read strictly as an `evidence-check/outcomes-report@1` bound to its
//! subject. A bad or hostile input is an answer (`valid: false` with a reason), never a panic.
//!
//! A signature proves only that the holder of a key signed the bytes. Who that holder is comes
//! from where the key was found:
//! - [`Trust::Evaluator`]: keys an evaluator publishes at its web origin ([`keylist`]); the
//!   report must carry an `issued` date inside the key's validity period, the key must not be
//!   revoked, and the report must name the product the page shows. Only this is "verified".
//! - [`Trust::Inline`]: keys given by the page itself, for testing. The signature is checked,
//!   the signer is not: the page's author chose the key.

pub mod keylist;
#[cfg(test)]
mod tests;

use crate::error::Code;
use crate::report::REPORT_SCHEMA;
use base64::Engine;
use keylist::{parse_evaluator, parse_key_list, Date, KeyList, Origin, PublishedKey};
use minisign_verify::{PublicKey, Signature};
use serde::Serialize;
use serde_json::Value;

/// Longest signature file and key list accepted, in bytes (a real `.minisig` is under 400).
pub const MAX_SIGNATURE_BYTES: usize = 8 << 10;
pub const MAX_KEYS: usize = 100;

/// The answer of a verification: valid, with what was checked, or invalid, with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Verification {
    /// The signature verifies and the report is about the expected subject.
    #[serde(rename_all = "camelCase")]
    Valid {
        /// Always `true` in JSON.
        valid: True,
        /// `"evaluator"`: a key published at the evaluator's origin; `"inlineKey"`: a key the
        /// page gave, so the signer's identity was not checked.
        trust: &'static str,
        /// The signing key's id in hex, as minisign prints it but always 16 digits (zero-padded).
        key_id: String,
        /// The signer's own words, never an identity.
        trusted_comment: String,
        /// Who published the key (evaluator mode only).
        #[serde(skip_serializing_if = "Option::is_none")]
        evaluator: Option<Evaluator>,
        /// The report, as signed.
        report: Value,
    },
    /// The report must not be shown as verified.
    Invalid {
        /// Always `false` in JSON.
        valid: False,
        /// Why.
        error: Problem,
    },
}

/// The origin that published the signing key, and what its list says about the key.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluator {
    pub origin: String,
    pub host: String,
    /// The name the list gives its publisher: the publisher's own claim, not checked.
    pub name: String,
    pub key_valid_from: Date,
    pub key_valid_until: Option<Date>,
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
    pub code: Code,
    pub message: String,
}

pub(crate) fn problem(code: Code, message: impl Into<String>) -> Problem {
    Problem {
        code,
        message: message.into(),
    }
}

/// Where the trusted keys come from.
#[derive(Debug, Clone, Copy)]
pub enum Trust<'a> {
    /// Keys given by the page (base64 keys or `.pub` texts): the signer is not identified.
    Inline(&'a [String]),
    /// The key list `key_list` as fetched from `origin`'s well-known address.
    Evaluator {
        /// The evaluator's web origin (`https://tea.example.gov`).
        origin: &'a str,
        /// The bytes of its `/.well-known/evidence-check.json`.
        key_list: &'a [u8],
    },
}

/// What the page says the report is about, and today's date. Each subject field that is given
/// must equal the report's; in evaluator mode `product` is required, since without it a genuine
/// report for any product the evaluator ever signed would verify on any page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expect {
    /// The product's name, as the report gives it.
    pub product: Option<String>,
    /// The vendor's name.
    pub vendor: Option<String>,
    /// The contract period (`2025-26`).
    pub period: Option<String>,
    /// The contract's id.
    pub contract_id: Option<String>,
    /// `YYYY-MM-DD`; when given, a report issued more than a day after it is refused.
    pub today: Option<String>,
    /// The origin of the page showing the report; when given and not local, a local (test)
    /// evaluator is refused.
    pub page_origin: Option<String>,
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
pub(crate) fn key_id(base64_text: &str, offset: usize) -> Option<String> {
    let bin = base64::engine::general_purpose::STANDARD
        .decode(base64_text.trim())
        .ok()?;
    let id: [u8; 8] = bin.get(offset..offset + 8)?.try_into().ok()?;
    Some(format!("{:016X}", u64::from_le_bytes(id)))
}

/// Verifies against keys given inline: [`verify_report`] with [`Trust::Inline`] and no subject.
pub fn verify(report: &[u8], signature: &str, trusted: &[String]) -> Verification {
    verify_report(
        report,
        signature,
        Trust::Inline(trusted),
        &Expect::default(),
    )
}

/// Reads the bytes of a report strictly: strict JSON, an `evidence-check/outcomes-report@1`,
/// and an `issued` date that is either absent, null or a real `YYYY-MM-DD` date.
pub fn read_report(bytes: &[u8]) -> Result<Value, Problem> {
    let report = crate::strict_json::parse(bytes, "report").map_err(|e| Problem {
        code: match e.code {
            Code::InvalidJson | Code::TooLarge => Code::MalformedReport,
            code => code,
        },
        message: e.message,
    })?;
    if report.get("schema").and_then(Value::as_str) != Some(REPORT_SCHEMA)
        || !report.get("students").is_some_and(Value::is_object)
    {
        return Err(problem(
            Code::NotAReport,
            format!("The signed file is genuine but is not an outcomes report ({REPORT_SCHEMA}); none of its numbers are shown as verified."),
        ));
    }
    issued(&report)?;
    if let Some(path) = unsafe_integer(&report, "") {
        return Err(problem(
            Code::MalformedReport,
            format!("The report holds a whole number at {path} too large for a web page to read exactly (past 2^53); none of its numbers are shown."),
        ));
    }
    Ok(report)
}

/// Where `v` holds an integer past 2^53 in size, which JavaScript would read as another number.
fn unsafe_integer(v: &Value, at: &str) -> Option<String> {
    const SAFE: u64 = (1 << 53) - 1;
    match v {
        Value::Number(n) => {
            let big = n.as_u64().is_some_and(|x| x > SAFE)
                || n.as_i64().is_some_and(|x| x.unsigned_abs() > SAFE);
            big.then(|| {
                if at.is_empty() {
                    "the top".into()
                } else {
                    at.to_string()
                }
            })
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| unsafe_integer(x, &format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, x)| {
            unsafe_integer(
                x,
                &if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                },
            )
        }),
        _ => None,
    }
}

/// The report's `issued` date, `None` when absent or null.
fn issued(report: &Value) -> Result<Option<Date>, Problem> {
    match report.get("issued") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_str().and_then(Date::parse).map(Some).ok_or_else(|| {
            problem(
                Code::InvalidIssuedDate,
                format!("The report's issue date {v} is not a date written YYYY-MM-DD."),
            )
        }),
    }
}

/// The subject fields that differ between the page and the report, as one sentence.
fn subject_mismatch(report: &Value, expect: &Expect) -> Option<Problem> {
    let checks = [
        ("product", "product", &expect.product),
        ("vendor", "vendor", &expect.vendor),
        ("period", "period", &expect.period),
        ("contractId", "contract", &expect.contract_id),
    ];
    let wrong: Vec<String> = checks
        .iter()
        .filter_map(|(field, what, want)| {
            let want = want.as_deref()?;
            match report.get(*field).and_then(Value::as_str) {
                Some(got) if got == want => None,
                Some(got) => Some(format!("{what} \"{got}\", not \"{want}\"")),
                None => Some(format!("no {what}, where the page expects \"{want}\"")),
            }
        })
        .collect();
    (!wrong.is_empty()).then(|| {
        problem(
            Code::SubjectMismatch,
            format!(
                "This report is about something else: it names {}. A genuine report for another product, vendor or period proves nothing here.",
                wrong.join(", and ")
            ),
        )
    })
}

/// Verifies a signed report against the keys `trust` names and the subject `expect` gives.
pub fn verify_report(
    report: &[u8],
    signature: &str,
    trust: Trust,
    expect: &Expect,
) -> Verification {
    match check(report, signature, trust, expect) {
        Ok(v) => v,
        Err(p) => Verification::Invalid {
            valid: False,
            error: p,
        },
    }
}

/// The keys to try, by id, and in evaluator mode the origin and list they came from.
enum Keys {
    Inline(Vec<(PublicKey, String)>),
    Evaluator(Origin, KeyList),
}

fn inline_keys(trusted: &[String]) -> Result<Keys, Problem> {
    if trusted.iter().map(String::len).sum::<usize>() > MAX_SIGNATURE_BYTES * 4 {
        return Err(problem(
            Code::MalformedKey,
            "The key list is far longer than a few minisign keys.",
        ));
    }
    let tokens = key_tokens(trusted);
    if tokens.is_empty() {
        return Err(problem(
            Code::NoTrustedKeys,
            "No trusted public key was given, so nothing can be verified.",
        ));
    }
    if tokens.len() > MAX_KEYS {
        return Err(problem(
            Code::MalformedKey,
            format!("At most {MAX_KEYS} trusted keys are accepted."),
        ));
    }
    let mut keys = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        match (PublicKey::from_base64(t), key_id(t, 2)) {
            (Ok(k), Some(id)) => keys.push((k, id)),
            _ => return Err(problem(
                Code::MalformedKey,
                format!("Trusted key {} is not a minisign public key (the base64 line of a .pub file, starting \"RW\").", i + 1),
            )),
        }
    }
    Ok(Keys::Inline(keys))
}

/// The keys a report may be signed with: the page's own, or those the evaluator publishes
/// (which need the product the report must be about).
fn trusted_keys(trust: Trust, expect: &Expect) -> Result<Keys, Problem> {
    Ok(match trust {
        Trust::Inline(trusted) => inline_keys(trusted)?,
        Trust::Evaluator { origin, key_list } => {
            let origin = parse_evaluator(origin, expect.page_origin.as_deref())?;
            if expect
                .product
                .as_deref()
                .is_none_or(|p| p.trim().is_empty())
            {
                return Err(problem(
                    Code::MissingSubject,
                    "Name the product this report must be about (the badge's product attribute): without it, a genuine report for any product this evaluator signed would verify here.",
                ));
            }
            let list = parse_key_list(key_list, &origin.host)?;
            Keys::Evaluator(origin, list)
        }
    })
}

/// The signature file decoded, with the id of the key that made it (16 hex digits).
fn decode_signature(signature: &str) -> Result<(Signature, String), Problem> {
    if signature.len() > MAX_SIGNATURE_BYTES {
        return Err(problem(
            Code::MalformedSignature,
            "The signature is far longer than a minisign one.",
        ));
    }
    let sig = Signature::decode(signature.trim_start_matches('\u{feff}')).map_err(|_| {
        problem(
            Code::MalformedSignature,
            "The signature is not a minisign signature file (.minisig).",
        )
    })?;
    let sig_id = signature
        .trim_start_matches('\u{feff}')
        .lines()
        .nth(1)
        .and_then(|line| key_id(line, 2))
        .unwrap_or_else(|| "(unknown)".into());
    Ok((sig, sig_id))
}

/// The evaluator's key was valid on the report's issue date: what the badge says of the
/// evaluator, or why not.
fn valid_on_issue(
    issued: Option<Date>,
    origin: &Origin,
    list: &KeyList,
    published: &PublishedKey,
    sig_id: &str,
) -> Result<Evaluator, Problem> {
    let Some(issued) = issued else {
        return Err(problem(
            Code::NoIssuedDate,
            "The report carries no issue date (\"issued\"), so it cannot be checked against the validity of the key that signed it.",
        ));
    };
    let until = published.valid_until;
    if issued < published.valid_from || until.is_some_and(|u| issued > u) {
        let period = match until {
            Some(u) => format!("from {} to {u}", published.valid_from),
            None => format!("from {} on", published.valid_from),
        };
        return Err(problem(
            Code::KeyNotValidOnDate,
            format!(
                "The report was issued on {issued}, but {} publishes key {sig_id} as valid only {period}.",
                origin.host
            ),
        ));
    }
    Ok(Evaluator {
        origin: origin.origin.clone(),
        host: origin.host.clone(),
        name: list.evaluator.clone(),
        key_valid_from: published.valid_from,
        key_valid_until: until,
    })
}

/// The whole verification: the trusted keys, the signature against them (and a published key
/// not revoked), the report read strictly, its date against today and the key's validity, and
/// its subject against what the page expects.
fn check(
    report: &[u8],
    signature: &str,
    trust: Trust,
    expect: &Expect,
) -> Result<Verification, Problem> {
    let today = match expect.today.as_deref() {
        Some(t) => Some(Date::parse(t).ok_or_else(|| {
            problem(
                Code::InvalidDate,
                format!("Today's date \"{t}\" is not written YYYY-MM-DD."),
            )
        })?),
        None => None,
    };
    let keys = trusted_keys(trust, expect)?;
    let (sig, sig_id) = decode_signature(signature)?;
    let changed = "the report or its trusted comment was changed after signing";
    let evaluator = match &keys {
        Keys::Inline(list) => {
            // Inline keys may share an id (ids can be copied): any of them may have signed.
            let mut same_id = list.iter().filter(|(_, id)| *id == sig_id).peekable();
            if same_id.peek().is_none() {
                return Err(problem(
                    Code::UntrustedKey,
                    format!("The report was signed with key {sig_id}, which is not among the trusted keys."),
                ));
            }
            if !same_id.any(|(key, _)| key.verify(report, &sig, true).is_ok()) {
                return Err(problem(
                    Code::BadSignature,
                    format!("The signature does not match: {changed}."),
                ));
            }
            None
        }
        Keys::Evaluator(origin, list) => {
            let Some(published) = list.find(&sig_id) else {
                return Err(problem(
                    Code::UntrustedKey,
                    format!(
                        "The report was signed with key {sig_id}, which {} does not publish.",
                        origin.host
                    ),
                ));
            };
            // A key id is eight random bytes anyone can copy into a key of their own, so a
            // matching id means only which published key to try.
            if published.key.verify(report, &sig, true).is_err() {
                return Err(problem(
                    Code::BadSignature,
                    format!(
                        "The signature does not match key {sig_id} published by {}: {changed}, or another key carrying a copied id signed it.",
                        origin.host
                    ),
                ));
            }
            if let Some(revoked) = published.revoked {
                let why = published
                    .reason
                    .as_deref()
                    .map(|r| format!(" ({})", r.trim_end_matches('.')))
                    .unwrap_or_default();
                return Err(problem(
                    Code::RevokedKey,
                    format!(
                        "Key {sig_id} was revoked by {} on {revoked}{why}: nothing it signed is trusted, whatever date the report carries.",
                        origin.host
                    ),
                ));
            }
            Some((origin, list, published))
        }
    };
    let parsed = read_report(report)?;
    let issued = issued(&parsed)?;
    if let (Some(issued), Some(today)) = (issued, today) {
        // A day's grace: the evaluator's calendar may be a time zone ahead of the reader's.
        if issued.days() > today.days() + 1 {
            return Err(problem(
                Code::IssuedInFuture,
                format!(
                    "The report says it was issued on {issued}, which is after today ({today})."
                ),
            ));
        }
    }
    let evaluator = match evaluator {
        None => None,
        Some((origin, list, published)) => {
            Some(valid_on_issue(issued, origin, list, published, &sig_id)?)
        }
    };
    if let Some(p) = subject_mismatch(&parsed, expect) {
        return Err(p);
    }
    Ok(Verification::Valid {
        valid: True,
        trust: if evaluator.is_some() {
            "evaluator"
        } else {
            "inlineKey"
        },
        key_id: sig_id,
        trusted_comment: sig.trusted_comment().to_string(),
        evaluator,
        report: parsed,
    })
}
