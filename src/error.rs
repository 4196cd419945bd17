//! Errors as values: a stable camelCase code, a sentence a person understands, and,
//! where the input has parts, the path or line of each problem.

use serde::Serialize;
use std::fmt;

/// One problem at one place in a structured input, addressed by a JS-style path
/// such as `studies[0].sampleSize` (the empty path is the input itself).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    pub path: String,
    pub code: &'static str,
    pub message: String,
}

/// One problem in one row of a roster file. `line` is 1-based and counts the header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    pub line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub code: &'static str,
    pub message: String,
}

/// What failed, in detail, beside the headline code and message.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    None,
    Fields(Vec<FieldError>),
    /// The first rows in error (at most [`crate::roster::MAX_REPORTED_ROW_ERRORS`]) and how many there were.
    Rows {
        errors: Vec<RowError>,
        total: usize,
    },
}

/// The error every fallible operation of the crate returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub code: &'static str,
    pub message: String,
    pub details: Details,
}

impl Error {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            details: Details::None,
        }
    }

    /// An error that lists field problems; the headline names the first one and the count.
    pub fn fields(code: &'static str, what: &str, errors: Vec<FieldError>) -> Self {
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
            "invalidProfile",
            "product profile",
            vec![
                FieldError {
                    path: "name".into(),
                    code: "required",
                    message: "A name is required.".into(),
                },
                FieldError {
                    path: "grades[1]".into(),
                    code: "outOfRange",
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
}
