//! Errors as values: a stable camelCase code, a sentence a person understands, and,
//! where the input has parts, the path or line of each problem.

use serde::Serialize;
use std::fmt;

/// Declares [`Code`] once: each variant with its documentation and the camelCase text
/// users see, so the wire text, the list and the docs cannot drift apart.
macro_rules! codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $text:literal, )+) => {
        /// Every error code the crate reports: the stable, camelCase `code` of a JS error,
        /// a field error, a row error or a verification failure.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl Code {
            /// Every code, in the order declared.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The code as users see it (`outOfRange`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)+ }
            }

            /// What the code means: its documentation, one sentence.
            pub fn meaning(self) -> &'static str {
                match self { $(Code::$variant => concat!($($doc),+).trim_ascii(),)+ }
            }
        }
    };
}

codes! {
    // What an export was given, as a whole.
    /// The input of `effectSize` or `minimumDetectableEffect` has problems; `errors` lists each with its path.
    InvalidInput = "invalidInput",
    /// The product profile has problems; `errors` lists each with its path.
    InvalidProfile = "invalidProfile",
    /// The vetting policy has problems; `errors` lists each with its path.
    InvalidPolicy = "invalidPolicy",
    /// The contract has problems; `errors` lists each with its path.
    InvalidContract = "invalidContract",
    /// The options object has problems; `errors` lists each with its path.
    InvalidOptions = "invalidOptions",
    /// The roster has rows or a file structure in error; `errors` lists each row with its line.
    InvalidRoster = "invalidRoster",
    /// Text that should be JSON is not (or is nested deeper than 128 levels).
    InvalidJson = "invalidJson",
    /// An input larger than the crate accepts (bytes of JSON, of a district file, of a report or key list; a roster of more than 4,294,967,295 lines); an oversized signature is a `malformedSignature`.
    TooLarge = "tooLarge",
    /// A statistic cannot be computed from these numbers (no spread, or a spread too small for the difference); a group of fewer than 2 is refused by its reader first.
    DegenerateStatistics = "degenerateStatistics",
    /// A payment comes to more than 2^53 - 1 cents, beyond what JS numbers hold exactly.
    AmountTooLarge = "amountTooLarge",
    /// A fault inside the module: a trap, after which the module is restarted and the next call answers, or a result holding a number that is not finite, refused rather than shown.
    InternalError = "internalError",

    // One field of a JSON input (a field error's code).
    /// A required field is missing or null.
    Required = "required",
    /// A field has the wrong JSON type (a string where a number belongs).
    WrongType = "wrongType",
    /// A field the input does not define; the message suggests the nearest known name.
    UnknownField = "unknownField",
    /// A number outside its allowed range.
    OutOfRange = "outOfRange",
    /// A number that is not finite.
    NotFinite = "notFinite",
    /// A number that must be whole is not.
    NotInteger = "notInteger",
    /// An amount of money with a fraction of a cent.
    FractionalCents = "fractionalCents",
    /// An amount of money below zero.
    NegativeCents = "negativeCents",
    /// A string that is not one of the values the field allows.
    InvalidValue = "invalidValue",
    /// A web address that does not start with https:// or http://.
    InvalidUrl = "invalidUrl",
    /// A date not written YYYY-MM-DD, or not a day of the calendar.
    InvalidDate = "invalidDate",
    /// An identifier that is not lowercase letters and digits in words joined by hyphens.
    InvalidIdentifier = "invalidIdentifier",
    /// A US state not given as its two capital letters.
    InvalidState = "invalidState",
    /// Text that is empty or only spaces.
    Empty = "empty",
    /// A list or text longer than accepted.
    TooLong = "tooLong",
    /// A value listed twice where each must be listed once.
    Duplicate = "duplicate",
    /// Two fields that contradict each other.
    Inconsistent = "inconsistent",
    /// A payment card whose higher tier pays less than a lower one.
    DecreasingTier = "decreasingTier",
    /// A subgroup column that would publish identities: the id, a score, minutes or weeks.
    IdentifyingColumn = "identifyingColumn",
    /// A grade in the roster has no norm in the contract's metric.
    MissingNorm = "missingNorm",

    // The roster file as a whole.
    /// The roster file is empty.
    EmptyFile = "emptyFile",
    /// The roster has a header and no student rows.
    NoRows = "noRows",
    /// A column the contract needs is not in the header.
    MissingColumn = "missingColumn",
    /// Two header columns share a name.
    DuplicateColumn = "duplicateColumn",
    /// The roster is saved as UTF-16 (a byte-order mark).
    WrongEncoding = "wrongEncoding",
    /// The CSV reader could not read the file at this line.
    Unreadable = "unreadable",
    /// More students than the module evaluates at once.
    TooManyStudents = "tooManyStudents",
    /// A column holds more distinct values than the module tracks (the column is named).
    TooManyValues = "tooManyValues",

    // One row of the roster (a row error's code).
    /// A quote opened in a row is never closed.
    UnterminatedQuote = "unterminatedQuote",
    /// A row longer than any roster row can be.
    RowTooLong = "rowTooLong",
    /// A row with more or fewer fields than the header.
    WrongFieldCount = "wrongFieldCount",
    /// A field that should be a number is not one.
    InvalidNumber = "invalidNumber",
    /// A negative number where only zero or more makes sense (minutes, weeks).
    NegativeNumber = "negativeNumber",
    /// A grade that is not K (or KG, or 0) or 1 to 12.
    InvalidGrade = "invalidGrade",
    /// A group that is neither intervention nor comparison.
    InvalidGroup = "invalidGroup",
    /// A required field of the row is empty.
    MissingValue = "missingValue",
    /// A student id that appears on more than one row.
    DuplicateId = "duplicateId",
    /// A score above the metric's maximum.
    AboveMaximum = "aboveMaximum",

    // Signed documents read strictly.
    /// A signed document that is not UTF-8; a roster's school, district or subgroup value (one the report may publish) that is not UTF-8, or a district file's row with such text (that row's error).
    NotUtf8 = "notUtf8",
    /// A JSON object that repeats a key, at any depth.
    DuplicateKey = "duplicateKey",
    /// Something after a document's one JSON value.
    TrailingData = "trailingData",

    // Verifying a signed outcomes report.
    /// The report is not strict JSON, or holds a number JS cannot keep exactly.
    MalformedReport = "malformedReport",
    /// The signed JSON is not an outcomes report (wrong schema, no students).
    NotAReport = "notAReport",
    /// The signature file cannot be read as a minisign signature.
    MalformedSignature = "malformedSignature",
    /// A trusted public key cannot be read as a minisign key.
    MalformedKey = "malformedKey",
    /// The evaluator's key list cannot be read.
    MalformedKeyList = "malformedKeyList",
    /// The evaluator is not a web origin the badge can ask (https, no path, ASCII).
    InvalidEvaluator = "invalidEvaluator",
    /// The expected subject (product, vendor, period, contract) is not valid.
    InvalidExpect = "invalidExpect",
    /// No trusted key was given.
    NoTrustedKeys = "noTrustedKeys",
    /// The report was signed by a key that is not among the trusted ones.
    UntrustedKey = "untrustedKey",
    /// The signature does not match the report's bytes or its trusted comment.
    BadSignature = "badSignature",
    /// The signing key was revoked by the evaluator.
    RevokedKey = "revokedKey",
    /// The signing key was not valid on the report's issue date.
    KeyNotValidOnDate = "keyNotValidOnDate",
    /// The report has no issue date, so a key's validity cannot be checked.
    NoIssuedDate = "noIssuedDate",
    /// The report's issue date is not a date written YYYY-MM-DD.
    InvalidIssuedDate = "invalidIssuedDate",
    /// The report says it was issued after today.
    IssuedInFuture = "issuedInFuture",
    /// The report is about another product, vendor, period or contract than expected.
    SubjectMismatch = "subjectMismatch",
    /// An evaluator's key list was used without naming the product the report must be about.
    MissingSubject = "missingSubject",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Tests and callers may compare a code with the text users see.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One problem at one place in a structured input, addressed by a JS-style path
/// such as `studies[0].sampleSize` (the empty path is the input itself).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    /// Where: `studies[0].sampleSize`; empty for the input itself.
    pub path: String,
    /// What kind of problem.
    pub code: Code,
    /// The problem in a sentence.
    pub message: String,
}

/// One problem in one row of a roster file. `line` is 1-based and counts the header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    /// The file's line, 1 being the header.
    pub line: u64,
    /// The column's header name, when one column is at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// What kind of problem.
    pub code: Code,
    /// The problem in a sentence.
    pub message: String,
}

/// What failed, in detail, beside the headline code and message.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    /// Nothing beyond the headline.
    None,
    /// Every problem of a structured input, each at its path.
    Fields(Vec<FieldError>),
    /// The first rows in error (at most 100) and how many there were.
    Rows {
        /// The rows listed.
        errors: Vec<RowError>,
        /// How many rows were in error, listed or not.
        total: usize,
    },
}

/// The error every fallible operation of the crate returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// The headline code.
    pub code: Code,
    /// The headline sentence.
    pub message: String,
    /// The fields or rows behind the headline.
    pub details: Details,
}

impl Error {
    /// An error with no details.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            details: Details::None,
        }
    }

    /// An error that lists field problems; the headline names the first one and the count.
    pub fn fields(code: Code, what: &str, errors: Vec<FieldError>) -> Self {
        let message = match errors.as_slice() {
            [] => format!("The {what} is not valid."),
            [only] => format!("The {what} is not valid: {}", describe(only)),
            [first, rest @ ..] => format!(
                "The {what} is not valid: {} (and {} more problem{}).",
                describe(first).trim_end_matches('.'),
                rest.len(),
                if rest.len() == 1 { "" } else { "s" }
            ),
        };
        Error {
            code,
            message,
            details: Details::Fields(errors),
        }
    }

    /// The field problems, or none for an error of another kind.
    pub fn field_errors(&self) -> &[FieldError] {
        match &self.details {
            Details::Fields(errors) => errors,
            _ => &[],
        }
    }
}

fn describe(e: &FieldError) -> String {
    if e.path.is_empty() {
        e.message.clone()
    } else {
        format!("{}: {}", e.path, e.message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for Error {}

/// Joins a JS-style path with a field name: `join("dosage", "weeks")` is `dosage.weeks`.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Joins a JS-style path with an array index: `index("studies", 0)` is `studies[0]`.
pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_js() {
        assert_eq!(join("", "name"), "name");
        assert_eq!(
            join(&index("studies", 2), "sampleSize"),
            "studies[2].sampleSize"
        );
    }

    #[test]
    fn headline_names_first_problem_and_count() {
        let e = Error::fields(
            Code::InvalidProfile,
            "product profile",
            vec![
                FieldError {
                    path: "name".into(),
                    code: Code::Required,
                    message: "A name is required.".into(),
                },
                FieldError {
                    path: "grades[1]".into(),
                    code: Code::OutOfRange,
                    message: "x".into(),
                },
            ],
        );
        assert_eq!(
            e.message,
            "The product profile is not valid: name: A name is required (and 1 more problem)."
        );
        assert_eq!(e.field_errors().len(), 2);
    }

    /// The README's table of codes is this enum, row for row (`UPDATE_README=1 cargo test`
    /// rewrites it).
    #[test]
    fn the_readme_lists_every_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let (start, end) = ("<!-- error-codes:start -->\n", "<!-- error-codes:end -->");
        let from = readme.find(start).unwrap() + start.len();
        let to = readme.find(end).unwrap();
        let mut table = String::from("| code | meaning |\n|---|---|\n");
        for code in Code::ALL {
            table += &format!("| `{code}` | {} |\n", code.meaning());
        }
        if std::env::var_os("UPDATE_README").is_some() {
            std::fs::write(path, format!("{}{table}{}", &readme[..from], &readme[to..])).unwrap();
        } else {
            assert!(
                readme[from..to] == table,
                "README.md's error codes differ from Code: run UPDATE_README=1 cargo test"
            );
        }
        let texts: std::collections::HashSet<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(texts.len(), Code::ALL.len(), "two codes share a text");
        assert_eq!(Code::OutOfRange.as_str(), "outOfRange");
        assert_eq!(
            Code::OutOfRange.meaning(),
            "A number outside its allowed range."
        );
    }
}
