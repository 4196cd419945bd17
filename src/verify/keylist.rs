//! An evaluator's identity on the web: its origin, and the key list it publishes there at
//! `/.well-known/evidence-check.json` (`evidence-check/keys@1`), with each key's validity
//! period and revocation. Dates are calendar dates, `YYYY-MM-DD`.

use super::{key_id, Problem};
use crate::error::Code;
use crate::input::Reader;
use minisign_verify::PublicKey;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

pub const KEYS_SCHEMA: &str = "evidence-check/keys@1";
/// Where an evaluator publishes its key list, under its origin.
pub const WELL_KNOWN_PATH: &str = "/.well-known/evidence-check.json";
/// Most keys one list may hold (current, retired and revoked together).
pub const MAX_LISTED_KEYS: usize = 100;
/// Longest evaluator name and revocation reason accepted, in bytes.
pub const MAX_NAME_BYTES: usize = 200;

/// A bare web origin an evaluator publishes its keys under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Origin {
    /// Normalized: `https://tea.example.gov` (lower case, no default port).
    pub origin: String,
    /// What the badge names: the host, with the port when it is not the default.
    pub host: String,
    /// `origin` + [`WELL_KNOWN_PATH`].
    pub key_list_url: String,
    /// On this computer (`localhost`, `127.0.0.1`): the only hosts allowed over plain http, for tests.
    pub local: bool,
}

fn bad_origin(message: impl Into<String>) -> Problem {
    Problem {
        code: Code::InvalidEvaluator,
        message: message.into(),
    }
}

/// Reads an evaluator origin: `https://host` or `https://host:port`, nothing else. No path,
/// user name, query or fragment; ASCII only, so no Unicode look-alike can pass for another
/// name (an internationalized name is written in its `xn--` form and shown that way); no IP
/// address, which names no one. Plain http only for `localhost` and `127.0.0.1`.
pub fn parse_origin(text: &str) -> Result<Origin, Problem> {
    const EXAMPLE: &str = "https://tea.example.gov";
    if text.len() > 300 {
        return Err(bad_origin(
            "The evaluator origin is too long to be a web origin.",
        ));
    }
    if !text.is_ascii() {
        // Each non-ASCII character written as its code point, so the look-alike shows itself
        // (by hand: escape_debug would pull Unicode tables into the wasm).
        let shown: String = text
            .chars()
            .map(|c| match c {
                ' '..='~' => c.to_string(),
                _ => format!("\\u{{{:04x}}}", u32::from(c)),
            })
            .collect();
        return Err(bad_origin(format!(
            "The evaluator origin \"{shown}\" has a character outside ASCII; write an internationalized name in its xn-- form, so that no look-alike letter can pass for another."
        )));
    }
    let Some((scheme, authority)) = text.split_once("://") else {
        return Err(bad_origin(format!(
            "The evaluator must be a web origin such as {EXAMPLE}, not \"{text}\"."
        )));
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(bad_origin(format!(
            "The evaluator origin must start with https://, not {scheme}://."
        )));
    }
    if let Some(i) = authority
        .find(|c: char| "/?#@\\".contains(c) || c.is_ascii_whitespace() || c.is_ascii_control())
    {
        let what = match authority.as_bytes()[i] {
            b'/' if i + 1 == authority.len() => "a trailing slash",
            b'/' => "a path",
            b'?' => "a query",
            b'#' => "a fragment",
            b'@' => "a user name",
            _ => "a space or control character",
        };
        return Err(bad_origin(format!(
            "The evaluator must be a bare origin such as {EXAMPLE}, without {what}: \"{text}\"."
        )));
    }
    let (host, port) = match authority.rsplit_once(':') {
        _ if authority.starts_with('[') => {
            return Err(bad_origin(
                "The evaluator origin is an IP address, which names no one: use the evaluator's domain name.",
            ))
        }
        Some((host, port)) => {
            let n = (!port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()))
                .then(|| port.parse::<u16>().ok())
                .flatten()
                .filter(|&n| n > 0);
            let Some(n) = n else {
                return Err(bad_origin(format!(
                    "The evaluator origin has an invalid port \"{port}\"."
                )));
            };
            (host, Some(n))
        }
        None => (authority, None),
    };
    let host = host.to_ascii_lowercase();
    let default_port = if scheme == "https" { 443 } else { 80 };
    let port = port.filter(|&p| p != default_port);
    // Browsers send every *.localhost name to the visitor's own computer too (RFC 6761).
    let local = host == "localhost" || host.ends_with(".localhost") || host == "127.0.0.1";
    if !local {
        check_domain(&host)?;
    }
    if scheme == "http" && !local {
        return Err(bad_origin(format!(
            "The evaluator's keys are trusted only over https (plain http can be changed on the way); http is allowed only for localhost and 127.0.0.1, for tests: \"{text}\"."
        )));
    }
    let host = match port {
        Some(p) => format!("{host}:{p}"),
        None => host,
    };
    let origin = format!("{scheme}://{host}");
    Ok(Origin {
        key_list_url: format!("{origin}{WELL_KNOWN_PATH}"),
        origin,
        host,
        local,
    })
}

/// An evaluator origin for a badge on the page at `page_origin`: `parse_origin`, and a local
/// (test) evaluator only when the page is local too. A page on the web may not point its
/// visitors' browsers at their own computers, where nothing of the evaluator's is.
pub fn parse_evaluator(text: &str, page_origin: Option<&str>) -> Result<Origin, Problem> {
    let origin = parse_origin(text)?;
    let page_is_local = page_origin.is_some_and(|p| parse_origin(p).is_ok_and(|o| o.local));
    if origin.local && page_origin.is_some() && !page_is_local {
        return Err(bad_origin(format!(
            "The evaluator {} is on the visitor's own computer, which is allowed only for tests on a page that is itself on localhost.",
            origin.origin
        )));
    }
    Ok(origin)
}

/// A DNS name of letters, digits and hyphens, at least two labels, not an IPv4 address.
fn check_domain(host: &str) -> Result<(), Problem> {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.is_empty() || host.len() > 253 || !labels.iter().all(label_ok) {
        return Err(bad_origin(format!(
            "\"{host}\" is not a domain name (letters, digits and hyphens between dots, no trailing dot)."
        )));
    }
    let last = labels.last().copied().unwrap_or_default();
    if last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x") {
        return Err(bad_origin(
            "The evaluator origin is an IP address, which names no one: use the evaluator's domain name.",
        ));
    }
    if labels.len() < 2 {
        return Err(bad_origin(format!(
            "\"{host}\" is not a public domain name (it has no dot)."
        )));
    }
    Ok(())
}

/// A calendar date. Fields in this order, so the derived order is the calendar's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// `YYYY-MM-DD` exactly, a real day of the Gregorian calendar, year 1970 to 9999.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let part = s.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1970..=9999).contains(&year) && (1..=days_in_month).contains(&day)).then_some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    pub fn days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One key in an evaluator's list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishedKey {
    pub public_key: String,
    /// minisign's key id, 16 hex digits (it is in the key; the list does not repeat it).
    pub key_id: String,
    /// Reports issued from this date on may be signed with the key...
    pub valid_from: Date,
    /// ...up to this date (inclusive); open-ended when absent.
    pub valid_until: Option<Date>,
    /// The key was withdrawn on this date: nothing it signed is trusted any more, whatever
    /// date a report carries (whoever holds a lost key can write any date).
    pub revoked: Option<Date>,
    pub reason: Option<String>,
    #[serde(skip)]
    pub key: PublicKey,
}

impl PartialEq for PublishedKey {
    fn eq(&self, other: &Self) -> bool {
        self.public_key == other.public_key
            && self.valid_from == other.valid_from
            && self.valid_until == other.valid_until
            && self.revoked == other.revoked
            && self.reason == other.reason
    }
}

/// An evaluator's key list, read strictly.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyList {
    pub schema: &'static str,
    /// The name the evaluator gives itself. It is the publisher's own claim: identity is the
    /// origin the list was fetched from, never this name.
    pub evaluator: String,
    pub keys: Vec<PublishedKey>,
}

impl KeyList {
    pub fn find(&self, key_id: &str) -> Option<&PublishedKey> {
        self.keys.iter().find(|k| k.key_id == key_id)
    }
}

fn date(r: &mut Reader, v: &Value, path: &str) -> Option<Date> {
    let s = r.string(v, path)?;
    let d = Date::parse(&s);
    r.check(
        d.is_some(),
        path,
        Code::InvalidDate,
        "Expected a date written YYYY-MM-DD (a real day, year 1970 or later).",
    );
    d
}

fn name(r: &mut Reader, v: &Value, path: &str) -> Option<String> {
    let s = r.text(v, path)?;
    r.check(
        s.len() <= MAX_NAME_BYTES,
        path,
        Code::TooLong,
        "At most 200 bytes are accepted here.",
    )
    .then_some(s)
}

fn published_key(r: &mut Reader, v: &Value, path: &str) -> Option<PublishedKey> {
    let o = r.object(
        v,
        path,
        &["publicKey", "validFrom", "validUntil", "revoked", "reason"],
    )?;
    let public_key = r.req(o, path, "publicKey", |r, v, p| {
        let s = r.string(v, p)?;
        let parsed = PublicKey::from_base64(&s)
            .ok()
            .zip(key_id(&s, 2))
            .filter(|_| s.len() == 56);
        r.check(
            parsed.is_some(),
            p,
            Code::InvalidValue,
            "Expected a minisign public key (the base64 line of a .pub file, starting \"RW\").",
        );
        parsed.map(|(key, id)| (s, key, id))
    });
    let valid_from = r.req(o, path, "validFrom", date);
    let valid_until = r.opt(o, path, "validUntil", date);
    let revoked = r.opt(o, path, "revoked", date);
    let reason = r.opt(o, path, "reason", name);
    if let (Some(from), Some(until)) = (valid_from, valid_until) {
        r.check(
            from <= until,
            &crate::error::join(path, "validUntil"),
            Code::OutOfRange,
            "A key's validity cannot end before it starts.",
        );
    }
    if reason.is_some() && revoked.is_none() {
        r.fail(
            &crate::error::join(path, "reason"),
            Code::InvalidValue,
            "A reason is given only for a revoked key (with \"revoked\").",
        );
    }
    let (public_key, key, key_id) = public_key?;
    Some(PublishedKey {
        public_key,
        key_id,
        valid_from: valid_from?,
        valid_until,
        revoked,
        reason,
        key,
    })
}

/// Reads a key list strictly: strict JSON (see [`crate::parse_strict_json`]), the
/// `evidence-check/keys@1` schema, no unknown field, real dates, well-formed keys, no key
/// listed twice. `publisher` names where it came from in messages ("tea.example.gov").
pub fn parse_key_list(bytes: &[u8], publisher: &str) -> Result<KeyList, Problem> {
    let what = format!("key list published by {publisher}");
    let v = crate::strict_json::parse(bytes, &what).map_err(|e| Problem {
        code: match e.code {
            Code::InvalidJson | Code::TooLarge => Code::MalformedKeyList,
            code => code,
        },
        message: e.message,
    })?;
    if v.get("schema").and_then(Value::as_str) != Some(KEYS_SCHEMA) {
        return Err(Problem {
            code: Code::MalformedKeyList,
            message: format!(
                "The file published by {publisher} is not an evidence-check key list (its \"schema\" is not \"{KEYS_SCHEMA}\")."
            ),
        });
    }
    let mut r = Reader::new();
    let list = (|| {
        let o = r.object(&v, "", &["schema", "evaluator", "keys"])?;
        let evaluator = r.req(o, "", "evaluator", name);
        let keys = r.req(o, "", "keys", |r, v, p| {
            let mut seen: Vec<String> = Vec::new();
            let keys = r.array(v, p, |r, v, p| {
                let k = published_key(r, v, p)?;
                if seen.contains(&k.key_id) {
                    r.fail(
                        &crate::error::join(p, "publicKey"),
                        Code::Duplicate,
                        format!(
                            "Key {} is listed twice (or two keys share its id).",
                            k.key_id
                        ),
                    );
                }
                seen.push(k.key_id.clone());
                Some(k)
            })?;
            // Counted on the JSON, so that a key with errors is not also reported as missing.
            let listed = v.as_array().map_or(0, Vec::len);
            r.check(listed > 0, p, Code::Empty, "The list names no key.");
            r.check(
                listed <= MAX_LISTED_KEYS,
                p,
                Code::TooLong,
                "At most 100 keys are accepted.",
            );
            Some(keys)
        });
        Some(KeyList {
            schema: KEYS_SCHEMA,
            evaluator: evaluator?,
            keys: keys?,
        })
    })();
    r.finish(list, Code::MalformedKeyList, &what)
        .map_err(|e| Problem {
            code: Code::MalformedKeyList,
            message: e.message,
        })
}
