//! Reading camelCase JSON inputs while collecting every problem at its JS-style path.
//!
//! Each reader function returns `Some(value)` when the part is usable and records a
//! [`FieldError`] otherwise, so a whole profile or contract is checked in one pass and
//! every problem is reported at once.

use crate::error::Code;
use crate::error::{index, join, Error, FieldError};
use serde::de::{self, value::StrDeserializer, DeserializeOwned, Visitor};
use serde::Deserializer;
use serde_json::{Map, Value};

/// Longest string accepted in any text field, in bytes.
pub const MAX_TEXT_BYTES: usize = 4096;
/// Most elements accepted in any array of a profile, policy or contract.
pub const MAX_ARRAY_LEN: usize = 1000;
/// Largest JSON document accepted, in bytes.
pub const MAX_JSON_BYTES: usize = 1 << 20;
/// The largest integer a JS number holds exactly (2^53 - 1); cents beyond it are refused.
pub const MAX_SAFE_INTEGER: f64 = MAX_CENTS as f64;
/// The most cents an amount may be: 2^53 - 1, the largest integer a JS number holds exactly.
pub const MAX_CENTS: i64 = 9_007_199_254_740_991;

/// The prefix the JS binding gives NaN and Infinity, which JSON cannot hold, so that
/// they are reported as non-finite numbers rather than as missing values.
pub const NON_FINITE_MARK: &str = "\u{0}nonFinite:";

/// Parses a JSON document, refusing oversized ones (serde_json refuses nesting past 128).
pub fn parse_json(text: &str, code: Code, what: &str) -> Result<Value, Error> {
    if text.len() > MAX_JSON_BYTES {
        return Err(Error::new(
            code,
            format!(
                "The {what} is {} bytes of JSON; the limit is {MAX_JSON_BYTES}.",
                text.len()
            ),
        ));
    }
    serde_json::from_str(text)
        .map_err(|e| Error::new(code, format!("The {what} is not valid JSON: {e}.")))
}

/// The variant names a derived `Deserialize` of an enum knows, as serde passes them to
/// `deserialize_enum`: asking a deserializer that only records them.
pub fn variant_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Names(&'static [&'static str]);
    impl de::Error for Names {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Names(&[])
        }
    }
    impl std::error::Error for Names {}
    impl std::fmt::Display for Names {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("variant names")
        }
    }
    impl std::fmt::Debug for Names {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("variant names")
        }
    }
    struct Recorder;
    impl<'de> Deserializer<'de> for Recorder {
        type Error = Names;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Names> {
            Err(Names(&[]))
        }
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Names> {
            Err(Names(variants))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map struct identifier ignored_any
        }
    }
    match T::deserialize(Recorder) {
        Ok(_) => &[],
        Err(Names(names)) => names,
    }
}

#[derive(Default)]
/// Collects the problems found while reading; readers such as `Reader::number` take
/// `(&mut Reader, &Value, path)` and return `Some` only for a usable value.
pub struct Reader {
    pub errors: Vec<FieldError>,
    /// Every object read and the fields its reader knows, for the test that each reader
    /// knows exactly the fields its JSON Schema declares.
    #[cfg(test)]
    pub objects: Vec<(String, Vec<String>)>,
}

impl Reader {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, path: &str, code: Code, message: impl Into<String>) {
        self.errors.push(FieldError {
            path: path.to_string(),
            code,
            message: message.into(),
        });
    }

    /// The errors so far as an [`Error`] with `code`, or `Ok(value)` when there are none.
    pub fn finish<T>(self, value: Option<T>, code: Code, what: &str) -> Result<T, Error> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(Error::fields(code, what, self.errors)),
        }
    }

    /// Checks that `v` is an object whose keys are all in `known`; each unknown key is an error at its own path.
    pub fn object<'v>(
        &mut self,
        v: &'v Value,
        path: &str,
        known: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = v else {
            self.wrong_type(v, path, "an object");
            return None;
        };
        #[cfg(test)]
        self.objects.push((
            path.to_string(),
            known.iter().map(|k| k.to_string()).collect(),
        ));
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                let hint = closest(key, known)
                    .map(|k| format!(" Did you mean \"{k}\"?"))
                    .unwrap_or_default();
                self.fail(
                    &join(path, key),
                    Code::UnknownField,
                    format!("\"{key}\" is not a known field here.{hint}"),
                );
            }
        }
        Some(map)
    }

    /// A required field: missing or null is a `required` error.
    pub fn req<T>(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        key: &str,
        read: impl FnOnce(&mut Reader, &Value, &str) -> Option<T>,
    ) -> Option<T> {
        let p = join(path, key);
        match obj.get(key) {
            None | Some(Value::Null) => {
                self.fail(&p, Code::Required, format!("\"{key}\" is required."));
                None
            }
            Some(v) => read(self, v, &p),
        }
    }

    /// An optional field: missing or null is `None` without error; a bad value is an error and `None`.
    pub fn opt<T>(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        key: &str,
        read: impl FnOnce(&mut Reader, &Value, &str) -> Option<T>,
    ) -> Option<T> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => read(self, v, &join(path, key)),
        }
    }

    /// Reads an array of `read` items: every item is read (each problem reported), and None when
    /// any is in error, so that the checks of the whole array do not report the items missing
    /// as a problem of their own ("needs at least one tier" after its one tier's error).
    pub fn array<T>(
        &mut self,
        v: &Value,
        path: &str,
        mut read: impl FnMut(&mut Reader, &Value, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let Value::Array(items) = v else {
            self.wrong_type(v, path, "an array");
            return None;
        };
        if items.len() > MAX_ARRAY_LEN {
            self.fail(
                path,
                Code::TooLong,
                format!(
                    "At most {MAX_ARRAY_LEN} entries are accepted; this has {}.",
                    items.len()
                ),
            );
            return None;
        }
        let read: Vec<Option<T>> = (items.iter().enumerate())
            .map(|(i, item)| read(self, item, &index(path, i)))
            .collect();
        read.into_iter().collect()
    }

    pub fn number(&mut self, v: &Value, path: &str) -> Option<f64> {
        match v.as_f64() {
            Some(x) if x.is_finite() => Some(x),
            Some(_) => {
                self.fail(path, Code::NotFinite, "Expected a finite number.");
                None
            }
            None if v.as_str().is_some_and(|s| s.starts_with(NON_FINITE_MARK)) => {
                let what = &v.as_str().unwrap_or_default()[NON_FINITE_MARK.len()..];
                self.fail(
                    path,
                    Code::NotFinite,
                    format!("Expected a finite number, got {what}."),
                );
                None
            }
            None => {
                self.wrong_type(v, path, "a number");
                None
            }
        }
    }

    pub fn non_negative(&mut self, v: &Value, path: &str) -> Option<f64> {
        let x = self.number(v, path)?;
        self.check(
            x >= 0.0,
            path,
            Code::OutOfRange,
            "Expected a number of at least 0.",
        )
        .then_some(x)
    }

    /// A number greater than 0.
    pub fn positive(&mut self, v: &Value, path: &str) -> Option<f64> {
        let x = self.number(v, path)?;
        self.check(
            x > 0.0,
            path,
            Code::OutOfRange,
            "Expected a number greater than 0.",
        )
        .then_some(x)
    }

    /// A school grade: a whole number from 0 (kindergarten) to 12.
    pub fn grade(&mut self, v: &Value, path: &str) -> Option<u8> {
        let g = self.count(v, path)?;
        self.check(
            g <= u64::from(crate::roster::MAX_GRADE),
            path,
            Code::OutOfRange,
            "A grade is a whole number from 0 (kindergarten) to 12.",
        )
        .then_some(g as u8)
    }

    /// A whole number of at least 0 (a count).
    pub fn count(&mut self, v: &Value, path: &str) -> Option<u64> {
        let x = self.number(v, path)?;
        if x.fract() != 0.0 {
            self.fail(path, Code::NotInteger, "Expected a whole number.");
            return None;
        }
        if x < 0.0 {
            self.fail(
                path,
                Code::OutOfRange,
                "Expected a whole number of at least 0.",
            );
            return None;
        }
        if x > MAX_SAFE_INTEGER {
            self.fail(
                path,
                Code::OutOfRange,
                "Expected a whole number no larger than 2^53 - 1.",
            );
            return None;
        }
        Some(x as u64)
    }

    /// Money: a whole, non-negative number of cents no larger than 2^53 - 1.
    pub fn cents(&mut self, v: &Value, path: &str) -> Option<i64> {
        let x = self.number(v, path)?;
        if x.fract() != 0.0 {
            self.fail(
                path,
                Code::FractionalCents,
                format!("Money is given in whole cents; {x} has a fraction of a cent."),
            );
            return None;
        }
        if x < 0.0 {
            self.fail(
                path,
                Code::NegativeCents,
                "An amount of money cannot be negative.",
            );
            return None;
        }
        if x > MAX_SAFE_INTEGER {
            self.fail(
                path,
                Code::OutOfRange,
                "The amount is larger than a JS number holds exactly (2^53 - 1 cents).",
            );
            return None;
        }
        Some(x as i64)
    }

    /// A number strictly between 0 and 1, else `message` as its `outOfRange` error.
    pub fn open_fraction(&mut self, v: &Value, path: &str, message: &str) -> Option<f64> {
        let x = self.number(v, path)?;
        self.check(x > 0.0 && x < 1.0, path, Code::OutOfRange, message)
            .then_some(x)
    }

    /// A share between 0 and 1 inclusive.
    pub fn fraction(&mut self, v: &Value, path: &str) -> Option<f64> {
        let x = self.number(v, path)?;
        if (0.0..=1.0).contains(&x) {
            return Some(x);
        }
        let hint = if x > 1.0 && x <= 100.0 {
            format!(" {x} looks like a percentage: give {}.", x / 100.0)
        } else {
            String::new()
        };
        self.fail(
            path,
            Code::OutOfRange,
            format!("Expected a fraction from 0 to 1.{hint}"),
        );
        None
    }

    pub fn boolean(&mut self, v: &Value, path: &str) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(v, path, "true or false");
                None
            }
        }
    }

    /// A string of at most [`MAX_TEXT_BYTES`]; an empty one is allowed.
    pub fn string(&mut self, v: &Value, path: &str) -> Option<String> {
        let Value::String(s) = v else {
            self.wrong_type(v, path, "a string");
            return None;
        };
        if s.len() > MAX_TEXT_BYTES {
            self.fail(
                path,
                Code::TooLong,
                format!("At most {MAX_TEXT_BYTES} bytes of text are accepted here."),
            );
            return None;
        }
        Some(s.clone())
    }

    /// A string with something in it.
    pub fn text(&mut self, v: &Value, path: &str) -> Option<String> {
        let s = self.string(v, path)?;
        self.check(
            !s.trim().is_empty(),
            path,
            Code::Empty,
            "This cannot be empty.",
        )
        .then_some(s)
    }

    /// An absolute http or https URL.
    pub fn url(&mut self, v: &Value, path: &str) -> Option<String> {
        let s = self.string(v, path)?;
        let ok = ["https://", "http://"].iter().any(|scheme| {
            s.get(..scheme.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(scheme))
                && {
                    let host = s[scheme.len()..]
                        .split(['/', '?', '#'])
                        .next()
                        .unwrap_or("");
                    !host.is_empty() && !s.chars().any(char::is_whitespace)
                }
        });
        self.check(
            ok,
            path,
            Code::InvalidUrl,
            "Expected a web address starting with https:// or http://.",
        )
        .then_some(s)
    }

    /// One variant of a unit enum, by the name serde gives it (`#[serde(rename_all)]`, the same
    /// declaration the JSON Schema is generated from), so the names are written once.
    pub fn one_of<T: DeserializeOwned>(&mut self, v: &Value, path: &str) -> Option<T> {
        let s = self.string(v, path)?;
        match T::deserialize(StrDeserializer::<de::value::Error>::new(&s)) {
            Ok(value) => Some(value),
            Err(_) => {
                let list = variant_names::<T>()
                    .iter()
                    .map(|o| format!("\"{o}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.fail(
                    path,
                    Code::InvalidValue,
                    format!("\"{s}\" is not one of {list}."),
                );
                None
            }
        }
    }

    /// One of a fixed set of strings.
    pub fn choice(
        &mut self,
        v: &Value,
        path: &str,
        options: &'static [&'static str],
    ) -> Option<&'static str> {
        let s = self.string(v, path)?;
        match options.iter().find(|o| **o == s) {
            Some(o) => Some(o),
            None => {
                let list = options
                    .iter()
                    .map(|o| format!("\"{o}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.fail(
                    path,
                    Code::InvalidValue,
                    format!("\"{s}\" is not one of {list}."),
                );
                None
            }
        }
    }

    /// Records `code` at `path` when `ok` is false; returns `ok`.
    pub fn check(&mut self, ok: bool, path: &str, code: Code, message: &str) -> bool {
        if !ok {
            self.fail(path, code, message);
        }
        ok
    }

    fn wrong_type(&mut self, v: &Value, path: &str, expected: &str) {
        let got = match v {
            Value::Null => "null",
            Value::Bool(_) => "true or false",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        self.fail(
            path,
            Code::WrongType,
            format!("Expected {expected}, got {got}."),
        );
    }
}

/// A name as a key for "is this the same place, domain or study": case, spaces, punctuation,
/// invisible characters (zero-width, soft hyphen, byte-order mark) and the Cyrillic and Greek
/// letters that look like Latin ones are folded away, so "North ISD", "north  isd",
/// "North\u{a0}ISD" and "Nоrth ISD" (a Cyrillic о) are one district. Deliberately without Unicode
/// tables (they would cost the wasm several kilobytes): letters outside Latin, Cyrillic and
/// Greek are kept as they are.
pub fn fold_name(name: &str) -> String {
    const LOOK_ALIKES: [(char, char); 34] = [
        ('а', 'a'),
        ('в', 'b'),
        ('е', 'e'),
        ('ё', 'e'),
        ('к', 'k'),
        ('м', 'm'),
        ('н', 'h'),
        ('о', 'o'),
        ('р', 'p'),
        ('с', 'c'),
        ('т', 't'),
        ('у', 'y'),
        ('х', 'x'),
        ('і', 'i'),
        ('ј', 'j'),
        ('ѕ', 's'),
        ('ԁ', 'd'),
        ('ԛ', 'q'),
        ('ԝ', 'w'),
        ('α', 'a'),
        ('β', 'b'),
        ('ε', 'e'),
        ('η', 'n'),
        ('ι', 'i'),
        ('κ', 'k'),
        ('μ', 'u'),
        ('ν', 'v'),
        ('ο', 'o'),
        ('ρ', 'p'),
        ('τ', 't'),
        ('υ', 'u'),
        ('χ', 'x'),
        ('γ', 'y'),
        ('ω', 'w'),
    ];
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii() || c.is_whitespace() || invisible(c) {
            // Spaces, punctuation and format characters do not tell two names apart.
        } else {
            let lower = match c {
                'А'..='Я' => char::from_u32(c as u32 + 32).unwrap_or(c),
                'Α'..='Ω' => char::from_u32(c as u32 + 32).unwrap_or(c),
                'Ѐ'..='Џ' => char::from_u32(c as u32 + 80).unwrap_or(c),
                _ => c,
            };
            out.push(
                LOOK_ALIKES
                    .iter()
                    .find(|(k, _)| *k == lower)
                    .map_or(lower, |(_, v)| *v),
            );
        }
    }
    out
}

/// Characters that print as nothing (Unicode's format characters that occur in exported text).
fn invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// The known field closest to a misspelt or shortened one (edit distance at most 2, or a
/// known name that starts with it), for a helpful hint.
fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = key.to_ascii_lowercase();
    if lower.len() >= 4 {
        if let Some(k) = known
            .iter()
            .find(|k| k.to_ascii_lowercase().starts_with(&lower))
        {
            return Some(k);
        }
    }
    known
        .iter()
        .map(|k| {
            (
                edit_distance(&key.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                *k,
            )
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_every_problem_with_its_path() {
        let v = json!({ "vender": "x", "n": "12", "cost": 1.5, "url": "ftp://a" });
        let mut r = Reader::new();
        let o = r
            .object(&v, "", &["vendor", "n", "cost", "url", "name"])
            .unwrap();
        r.req(o, "", "name", Reader::text);
        r.req(o, "", "n", Reader::number);
        r.req(o, "", "cost", Reader::cents);
        r.opt(o, "", "url", Reader::url);
        let got: Vec<(&str, &str)> = r
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("vender", "unknownField"),
                ("name", "required"),
                ("n", "wrongType"),
                ("cost", "fractionalCents"),
                ("url", "invalidUrl")
            ]
        );
        assert!(r.errors[0].message.contains("Did you mean \"vendor\"?"));
    }

    #[test]
    fn arrays_report_items_by_index() {
        let v = json!([1, -2, "x"]);
        let mut r = Reader::new();
        // Every item read and reported; the array as a whole is not read.
        assert_eq!(r.array(&v, "grades", Reader::count), None);
        assert_eq!(r.errors.len(), 2);
        assert_eq!(r.errors[0].path, "grades[1]");
        assert_eq!(r.errors[1].path, "grades[2]");
        assert_eq!(
            r.array(&json!([1, 2]), "grades", Reader::count),
            Some(vec![1, 2])
        );
    }

    #[test]
    fn deep_nesting_and_huge_numbers_are_clean_errors() {
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert_eq!(
            parse_json(&deep, Code::InvalidInput, "input")
                .unwrap_err()
                .code,
            "invalidInput"
        );
        assert!(parse_json("{\"a\": 1e400}", Code::InvalidInput, "input").is_err());
    }

    #[test]
    fn numbers_parse_exactly() {
        // The largest double below 1 is a valid proportion; a parser off by one unit in the last
        // place made it 1 (found by replaying the fuzz corpus through the wasm build).
        let v = parse_json(
            "[0.9999999999999999, 0.1, 1e-300]",
            Code::InvalidJson,
            "input",
        )
        .unwrap();
        assert_eq!(v[0].as_f64(), Some(1.0 - f64::EPSILON / 2.0));
        assert_eq!(v[1].as_f64(), Some(0.1));
        assert_eq!(v[2].as_f64(), Some(1e-300));
    }

    #[test]
    fn names_fold_spaces_case_invisibles_and_look_alikes() {
        let key = fold_name("North ISD");
        assert_eq!(key, "northisd");
        for variant in [
            " north  isd ",
            "North\u{a0}ISD",
            "North\u{200b}ISD",
            "N\u{43e}rth ISD",
            "NORTH-ISD",
            "North ISD.",
        ] {
            assert_eq!(fold_name(variant), key, "{variant:?}");
        }
        assert_ne!(fold_name("North ISD"), fold_name("South ISD"));
        assert_eq!(fold_name("Reading "), fold_name("reading"));
        // Greek and Cyrillic capitals fold to small letters, so case never splits a name.
        assert_eq!(fold_name("ΕΛΛΑΔΑ"), fold_name("ελλαδα"));
        assert_eq!(fold_name("МОСКВА"), fold_name("москва"));
    }

    #[test]
    fn urls() {
        let mut r = Reader::new();
        assert!(r.url(&json!("https://example.org/study"), "u").is_some());
        assert!(r.url(&json!("HTTP://x"), "u").is_some());
        assert!(r.url(&json!("https://"), "u").is_none());
        assert!(r.url(&json!("example.org"), "u").is_none());
        assert!(r.url(&json!("https://a b"), "u").is_none());
    }

    #[test]
    fn an_enum_is_read_by_the_names_serde_gives_it() {
        use crate::contract::BelowFidelity;
        assert_eq!(
            variant_names::<BelowFidelity>(),
            ["baseOnly", "fullOutcome", "excluded"]
        );
        let mut r = Reader::new();
        let v: Option<BelowFidelity> = r.one_of(&Value::from("excluded"), "belowFidelity");
        assert_eq!(v, Some(BelowFidelity::Excluded));
        let v: Option<BelowFidelity> = r.one_of(&Value::from("Excluded"), "belowFidelity");
        assert_eq!(v, None);
        let v: Option<BelowFidelity> = r.one_of(&Value::from(3), "belowFidelity");
        assert_eq!(v, None);
        let got: Vec<_> = r
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.code.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "belowFidelity",
                    "invalidValue",
                    "\"Excluded\" is not one of \"baseOnly\", \"fullOutcome\", \"excluded\"."
                ),
                (
                    "belowFidelity",
                    "wrongType",
                    "Expected a string, got a number."
                )
            ]
        );
    }

    /// Asserts that each object `r` read knows exactly the properties the schema declares at
    /// its path (for a choice of shapes, exactly one shape's).
    pub fn assert_fields_match_schema(r: &Reader, schema: &Value) {
        // Every shape a node may take: itself, or each of its anyOf/oneOf alternatives.
        fn shapes<'a>(schema: &'a Value, node: &'a Value) -> Vec<&'a Value> {
            let mut node = node;
            while let Some(name) = node["$ref"].as_str() {
                node = &schema["$defs"][name.trim_start_matches("#/$defs/")];
            }
            let mut out = vec![node];
            for key in ["anyOf", "oneOf"] {
                for alternative in node[key].as_array().into_iter().flatten() {
                    out.extend(shapes(schema, alternative));
                }
            }
            out
        }
        assert!(!r.objects.is_empty());
        for (path, known) in &r.objects {
            let mut nodes = vec![schema];
            for step in path.split('.').filter(|s| !s.is_empty()) {
                let (key, indexed) = match step.find('[') {
                    Some(i) => (&step[..i], true),
                    None => (step, false),
                };
                let mut next = Vec::new();
                for node in nodes.iter().flat_map(|n| shapes(schema, n)) {
                    let field = &node["properties"][key];
                    if field.is_null() {
                        continue;
                    }
                    if indexed {
                        next.extend(shapes(schema, field).into_iter().map(|n| &n["items"]));
                    } else {
                        next.push(field);
                    }
                }
                nodes = next;
            }
            let mut known: Vec<&str> = known.iter().map(String::as_str).collect();
            known.sort_unstable();
            let declared: Vec<Vec<&str>> = nodes
                .iter()
                .flat_map(|n| shapes(schema, n))
                .filter_map(|n| n["properties"].as_object())
                .map(|p| {
                    let mut keys: Vec<&str> = p.keys().map(String::as_str).collect();
                    keys.sort_unstable();
                    keys
                })
                .collect();
            assert!(
                declared.contains(&known),
                "at {path:?} the reader knows {known:?}; the schema declares {declared:?}"
            );
        }
    }
}
