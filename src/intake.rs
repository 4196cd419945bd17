//! District exports in: the vendor's usage export, the assessment provider's scores export and
//! the student information system's student file, joined by student id into the one roster the
//! evaluation reads (a row per student, in the roster's own column names). The contract's
//! `intake` section says where each field is in each file, and each file's shape. Each file is
//! read once, row by row: a usage log of a row per session is summed per student and week as it
//! is read, never held whole.

use crate::contract::{Columns, Contract, MIN_NORM};
use crate::error::{Code, Details, Error, FieldError, RowError};
use crate::input::Reader;
use crate::roster::{named_twice, parse_number, row_shape, Lines, MAX_MINUTES, MAX_ROSTER_BYTES};
use crate::roster::{MAX_SCORE, MAX_STUDENTS, MAX_WEEKS, MIN_WEEKS};
use schemars::JsonSchema;
use serde_json::{Map, Value};
// Ordered maps of ids: lookups cost O(log n) whatever the ids, so ids crafted to collide in a
// hash table cannot slow the join (as the roster's categories).
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Where the contract's fields are in the district's files, and how each file is laid out.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Intake {
    /// The contract period, first and last day ("2025-08-18"): usage and tests dated outside it
    /// are left out (and counted in the match report), and a long usage log's weeks are the
    /// calendar weeks (Monday to Sunday) it spans.
    pub period: Option<Period>,
    pub usage: Usage,
    pub scores: Scores,
    /// The student file. With it, its students are the students enrolled (those without usage
    /// used the product 0 minutes; those without scores have no outcome); without it, the
    /// usage file's students are.
    pub students: Option<StudentFile>,
}

#[derive(Debug, Clone, Copy, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Period {
    /// First day, as YYYY-MM-DD.
    #[schemars(with = "String", regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub start: Day,
    /// Last day, as YYYY-MM-DD.
    #[schemars(with = "String", regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub end: Day,
}

/// A day, as days since 1970-01-01.
pub type Day = i64;

/// The usage export: one row per student (`wide`: total minutes and weeks of use), or one row
/// per student per week or per session (`long`: minutes and the day or week of each row).
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(tag = "shape", rename_all = "camelCase", deny_unknown_fields)]
pub enum Usage {
    #[serde(rename_all = "camelCase")]
    Wide {
        student_id: String,
        /// Total minutes of use.
        minutes: String,
        /// Weeks of use.
        weeks: String,
        /// For an .xlsx file, the sheet to read (default: the first).
        sheet: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    Long {
        student_id: String,
        /// Minutes of the row (a session's or a week's).
        minutes: String,
        /// The row's day (YYYY-MM-DD or M/D/YYYY, a time after it ignored); or `week`.
        date: Option<String>,
        /// The row's week, any label (each distinct value one week); or `date`.
        week: Option<String>,
        /// For an .xlsx file, the sheet to read (default: the first).
        sheet: Option<String>,
    },
}

/// The scores export: one row per student with both tests (`wide`), or one row per student per
/// test window (`long`, with the windows that are the pre-test and the post-test).
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(tag = "shape", rename_all = "camelCase", deny_unknown_fields)]
pub enum Scores {
    #[serde(rename_all = "camelCase")]
    Wide {
        student_id: String,
        pre: String,
        post: String,
        /// Each student's typical growth, for `percentOfTypical` with `perStudent`.
        typical_growth: Option<String>,
        /// For an .xlsx file, the sheet to read (default: the first).
        sheet: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    Long {
        student_id: String,
        /// The test window's column, such as "TermName".
        window: String,
        /// The score's column, such as "TestRITScore".
        score: String,
        /// The window whose score is the pre-test, such as "Fall 2025-2026".
        pre_window: String,
        /// The window whose score is the post-test, such as "Spring 2025-2026".
        post_window: String,
        /// Only rows whose `subject.column` is `subject.value` (a file with several subjects).
        subject: Option<ScoreSubject>,
        /// The test's day, to choose between two tests in one window and to leave out tests
        /// outside the period.
        date: Option<String>,
        /// Which test counts when a student has two in one window (default: the latest).
        #[serde(default)]
        two_in_a_window: TwoInAWindow,
        /// Each student's typical growth (such as NWEA's "TypicalFallToSpringGrowth"), for
        /// `percentOfTypical` with `perStudent`: the pre-test's row's, or else the post-test's.
        typical_growth: Option<String>,
        /// A column marking the test that counts in its window, such as NWEA's
        /// "GrowthMeasureYN" (TRUE, T, Y, Yes or 1; FALSE, F, N, No, 0 or empty): a marked test
        /// wins over an unmarked one, and `twoInAWindow` decides among the rest.
        marked: Option<String>,
        /// For an .xlsx file, the sheet to read (default: the first).
        sheet: Option<String>,
    },
}

impl Usage {
    fn sheet(&self) -> Option<&str> {
        match self {
            Usage::Wide { sheet, .. } | Usage::Long { sheet, .. } => sheet.as_deref(),
        }
    }
}

impl Scores {
    fn sheet(&self) -> Option<&str> {
        match self {
            Scores::Wide { sheet, .. } | Scores::Long { sheet, .. } => sheet.as_deref(),
        }
    }

    /// The column of each student's typical growth, in either shape.
    fn typical_growth(&self) -> Option<&String> {
        match self {
            Scores::Wide { typical_growth, .. } | Scores::Long { typical_growth, .. } => {
                typical_growth.as_ref()
            }
        }
    }
}

/// The rows of one subject in a scores file of several: those whose `column` is `value`.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScoreSubject {
    pub column: String,
    pub value: String,
}

/// Which test counts when a student has two or more in one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, JsonSchema, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TwoInAWindow {
    /// The one with the latest date (with no date column, the last in the file).
    #[default]
    Latest,
    /// The one with the earliest date (with no date column, the first in the file).
    Earliest,
    /// The highest score.
    Highest,
}

/// The student file's columns: the id, and those the contract uses (the subgroup columns are
/// read from this file under their own names).
#[derive(Debug, Clone, PartialEq, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StudentFile {
    pub student_id: String,
    pub school: Option<String>,
    pub grade: Option<String>,
    /// Intervention or comparison, as the roster's group column.
    pub group: Option<String>,
    pub district: Option<String>,
    /// For an .xlsx file, the sheet to read (default: the first).
    pub sheet: Option<String>,
}

/// The district's files: each a CSV text (UTF-8) or an .xlsx workbook.
pub struct Sources<'a> {
    /// The vendor's usage export.
    pub usage: &'a [u8],
    /// The assessment provider's scores export.
    pub scores: &'a [u8],
    /// The student information system's student file.
    pub students: Option<&'a [u8]>,
}

/// Which file a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum File {
    Usage,
    Scores,
    Students,
}

impl File {
    pub fn name(self) -> &'static str {
        match self {
            File::Usage => "usage",
            File::Scores => "scores",
            File::Students => "students",
        }
    }
}

/// How the files matched, for the district to check and fix: counts, and the ids behind them
/// (never in the publishable report).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Matches {
    /// Distinct students in the usage file.
    pub in_usage: usize,
    /// Distinct students in the scores file (of the windows and subject that count).
    pub in_scores: usize,
    /// Distinct students in the student file, when there is one.
    pub in_students: Option<usize>,
    /// Students enrolled (the student file's, or the usage file's): the joined roster's rows.
    pub enrolled: usize,
    /// Enrolled students with usage.
    pub with_usage: usize,
    /// Enrolled students with a pre-test.
    pub with_pre: usize,
    /// Enrolled students with a post-test.
    pub with_post: usize,
    /// Enrolled students in the usage and the scores file.
    pub in_all: usize,
    /// Students of the usage file who are not enrolled (left out).
    pub usage_not_enrolled: Vec<String>,
    /// Students of the scores file who are not enrolled (left out).
    pub scores_not_enrolled: Vec<String>,
    /// Enrolled students without usage (kept, with 0 minutes).
    pub without_usage: Vec<String>,
    /// Enrolled students without a test in either window (kept, without an outcome).
    pub without_scores: Vec<String>,
    /// Enrolled students with two or more tests in one window, and the one used.
    pub two_in_a_window: Vec<TwoTests>,
    /// Enrolled students whose post-test is dated before their pre-test (with a date column):
    /// most likely the windows named are of different school years.
    pub post_before_pre: Vec<String>,
    /// Students left out because a row of theirs in any file could not be read (under
    /// `onBadRow: "skip"`; the rows are listed with the evaluation's rejected rows).
    pub left_out: Vec<String>,
    /// Usage rows dated outside the period, left out.
    pub usage_rows_outside_period: usize,
    /// Score rows dated outside the period, left out.
    pub score_rows_outside_period: usize,
    /// Score rows of other windows or subjects, left out.
    pub score_rows_other_windows: usize,
    /// The program's weeks (a long usage log): the period's, or those the log holds.
    pub weeks: Option<u32>,
    /// The joined roster's first rows, for the district to see what was joined.
    pub preview: Preview,
}

/// The joined roster's columns (the roster's own names) and first rows (at most
/// `PREVIEW_ROWS`), as text.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Preview {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The rows of the match report's preview.
pub const PREVIEW_ROWS: usize = 10;

impl Preview {
    fn of(csv: &[u8]) -> Preview {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv);
        let mut lines = (rdr.records().map_while(Result::ok))
            .map(|r| r.iter().map(str::to_string).collect::<Vec<String>>());
        Preview {
            columns: lines.next().unwrap_or_default(),
            rows: lines.take(PREVIEW_ROWS).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TwoTests {
    /// The student.
    pub student_id: String,
    /// The window, as the file names it.
    pub window: String,
    /// Tests in the window.
    pub tests: usize,
    /// The scores file's line of the test used.
    pub line_used: u64,
}

/// The joined roster as CSV text in the roster's default column names, the contract to read it
/// with, the match report, and for each roster row (line 2 on) where the student came from.
pub struct Joined {
    pub csv: Vec<u8>,
    pub contract: Contract,
    pub matches: Matches,
    /// Per joined row, the lines its values came from.
    pub origins: Vec<Origin>,
    /// Rows of the files left out as unreadable (with `onBadRow: "skip"`), the first ones with
    /// their file and line, and how many.
    pub rejected: Vec<RowError>,
    pub rejected_count: usize,
}

/// Where a joined row's values came from: the student's enrolling row (the student file's, or
/// the usage file's first row of the student), the usage file's first row of the student, and
/// the scores file's rows of the tests used.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    enrolling: (File, u64),
    usage: Option<u64>,
    pre: Option<u64>,
    post: Option<u64>,
    /// The row whose typical growth the student has.
    typical: Option<u64>,
}

impl Origin {
    /// The file, line and column of a value of the joined roster's `column` (its own name; the
    /// enrolling row's for the student file's columns and the id), as the district's files have
    /// them.
    pub fn of(&self, intake: &Intake, column: Option<&str>) -> (File, u64, Option<String>) {
        let own = Columns::default();
        let usage = |name: &String| match self.usage {
            Some(line) => (File::Usage, line, Some(name.clone())),
            None => (
                self.enrolling.0,
                self.enrolling.1,
                column.map(str::to_string),
            ),
        };
        let scores = |line: Option<u64>, name: &String| match line {
            Some(line) => (File::Scores, line, Some(name.clone())),
            None => (
                self.enrolling.0,
                self.enrolling.1,
                column.map(str::to_string),
            ),
        };
        let score = |pre: bool| match &intake.scores {
            Scores::Wide {
                pre: p, post: q, ..
            } => {
                if pre {
                    scores(self.pre, p)
                } else {
                    scores(self.post, q)
                }
            }
            Scores::Long { score, .. } => scores(if pre { self.pre } else { self.post }, score),
        };
        match (column, &intake.usage) {
            (Some(c), Usage::Wide { minutes, .. } | Usage::Long { minutes, .. })
                if c == own.minutes =>
            {
                usage(minutes)
            }
            (Some(c), Usage::Wide { weeks, .. }) if c == own.weeks => usage(weeks),
            (Some(c), Usage::Long { date, week, .. })
                if c == own.weeks || c == own.weeks_at_minimum =>
            {
                match date.as_ref().or(week.as_ref()) {
                    Some(name) => usage(name),
                    None => usage(&own.weeks),
                }
            }
            (Some(c), _) if c == own.pre => score(true),
            (Some(c), _) if c == own.post => score(false),
            (Some(c), _) if c == own.typical_growth => {
                let name = intake
                    .scores
                    .typical_growth()
                    .unwrap_or(&own.typical_growth);
                scores(self.typical, name)
            }
            // The student file's columns under its own names (the subgroups keep theirs).
            (Some(c), _) => {
                let file = intake.students.as_ref();
                let theirs = [
                    (&own.school, file.and_then(|f| f.school.as_ref())),
                    (&own.grade, file.and_then(|f| f.grade.as_ref())),
                    (&own.group, file.and_then(|f| f.group.as_ref())),
                    (&own.district, file.and_then(|f| f.district.as_ref())),
                ];
                let name = theirs
                    .iter()
                    .find(|(ours, _)| *ours == c)
                    .and_then(|(_, t)| *t);
                let name = name.map_or(c, String::as_str);
                (self.enrolling.0, self.enrolling.1, Some(name.to_string()))
            }
            (None, _) => (self.enrolling.0, self.enrolling.1, None),
        }
    }
}

/// Most rows of a usage log (a row per session for a year of a large district).
pub const MAX_USAGE_ROWS: usize = 50_000_000;

/// Joins the district's files into one roster under the contract's `intake` section.
pub fn join(c: &Contract, intake: &Intake, sources: &Sources) -> Result<Joined, Error> {
    let mut bad = BadRows::default();
    let usage = as_text(File::Usage, sources.usage, intake.usage.sheet(), &mut bad)?;
    let usage = read_usage(intake, &usage, &mut bad)?;
    let scores = as_text(
        File::Scores,
        sources.scores,
        intake.scores.sheet(),
        &mut bad,
    )?;
    let scores = read_scores(intake, &scores, &mut bad)?;
    let students = match (&intake.students, sources.students) {
        (Some(file), Some(bytes)) => {
            let text = as_text(File::Students, bytes, file.sheet.as_deref(), &mut bad)?;
            Some(read_students(c, file, &text, &mut bad)?)
        }
        (None, None) => None,
        (Some(_), None) => {
            return Err(plain(
                Code::InvalidInput,
                "The contract's intake names a student file, but none was given: pass sources.students.",
            ))
        }
        (None, Some(_)) => {
            return Err(plain(
                Code::InvalidInput,
                "A student file was given, but the contract's intake does not say its columns: add intake.students.",
            ))
        }
    };
    // What the metric needs, from the file that has it.
    let typical = intake.scores.typical_growth().is_some();
    let graded = intake.students.as_ref().is_some_and(|s| s.grade.is_some());
    let wide_usage = matches!(intake.usage, Usage::Wide { .. });
    let needs = [
        (c.fidelity.min_share_of_weeks.is_some() && wide_usage, "intake.usage.shape", "The weekly rule (fidelity.minShareOfWeeks) counts each student's weeks at the minimum: it needs a long usage file (a row per week or session)."),
        (c.metric.per_student() && !typical, "intake.scores.typicalGrowth", "percentOfTypical with perStudent takes each student's typical growth from the scores file: name its column."),
        (c.metric.needs_grade() && !graded, "intake.students.grade", "The metric's norms are by grade: name the student file's grade column."),
    ];
    let missing: Vec<FieldError> = (needs.iter().filter(|(missing, ..)| *missing))
        .map(|&(_, path, message)| FieldError {
            path: path.into(),
            code: Code::Required,
            message: message.into(),
        })
        .collect();
    if !missing.is_empty() {
        return Err(Error::fields(Code::InvalidContract, "contract", missing));
    }
    if !c.subgroup_columns.is_empty() && students.is_none() {
        return Err(plain(
            Code::InvalidInput,
            "The contract's subgroup columns are read from the student file: add intake.students and pass sources.students.",
        ));
    }
    if bad.count > 0 && c.on_bad_row == crate::contract::OnBadRow::Reject {
        return Err(bad.into_error());
    }
    let mut joined = assemble(c, intake, usage, scores, students, bad)?;
    joined.matches.preview = Preview::of(&joined.csv);
    Ok(joined)
}

/// A source's CSV text: the file itself, or an .xlsx workbook's sheet laid out as the CSV a
/// spreadsheet would save (its rows with a line break in a cell counted as bad rows).
fn as_text<'a>(
    file: File,
    bytes: &'a [u8],
    sheet: Option<&str>,
    bad: &mut BadRows,
) -> Result<Cow<'a, [u8]>, Error> {
    if xlsx::is_xls(bytes) {
        let what = "is an Excel 97-2003 workbook (.xls) or a password-protected one: save it as .xlsx without a password, or as CSV UTF-8.";
        return Err(fatal(file, Code::WrongEncoding, 1, what.into()));
    }
    if !xlsx::is_zip(bytes) {
        return Ok(Cow::Borrowed(bytes));
    }
    let (text, cells) = xlsx::to_csv(file, bytes, sheet)?;
    for cell in cells {
        bad.push(
            file,
            cell.row,
            &cell.column,
            Code::InvalidValue,
            cell.message,
        );
    }
    Ok(Cow::Owned(text))
}

/// Rows that could not be read, across the files: the first ones at their file, and how many.
#[derive(Default)]
pub(crate) struct BadRows {
    pub(crate) errors: Vec<(File, RowError)>,
    pub(crate) count: usize,
    /// The student whose row is being read, once its id is: a bad value of the row leaves
    /// the student out.
    pub(crate) current: Option<String>,
    /// The students with a bad row: left out of the joined roster, as a roster's bad row
    /// leaves its student out (a row whose id cannot be read is left out alone).
    pub(crate) students: BTreeSet<String>,
    /// Those of them with a bad row in the usage file (without a student file, the usage
    /// file's students are the enrolled, a student whose every row is bad among them).
    pub(crate) in_usage: BTreeSet<String>,
}

impl BadRows {
    fn push(&mut self, file: File, line: u64, column: &str, code: Code, message: String) {
        self.add(file, line, Some(column.to_string()), code, message);
    }

    /// A row bad as a whole (its shape), no column at fault.
    fn push_row(&mut self, file: File, line: u64, code: Code, message: String) {
        self.add(file, line, None, code, message);
    }

    fn add(&mut self, file: File, line: u64, column: Option<String>, code: Code, message: String) {
        self.count += 1;
        if let Some(id) = &self.current {
            self.students.insert(id.clone());
            if file == File::Usage {
                self.in_usage.insert(id.clone());
            }
        }
        if self.errors.len() < crate::roster::MAX_REPORTED_ROW_ERRORS {
            self.errors.push((
                file,
                RowError {
                    line,
                    column,
                    code,
                    message,
                },
            ));
        }
    }

    /// The `invalidRoster` error listing the rows, each message beginning with its file.
    pub(crate) fn into_error(self) -> Error {
        let first = match self.errors.first() {
            Some((file, e)) => format!(
                " ({} file, line {}: {})",
                file.name(),
                e.line,
                e.message.trim_end_matches('.')
            ),
            None => String::new(),
        };
        let message = format!(
            "{} row{} of the district's files {} not valid{first}. Fix {}, or set onBadRow to \"skip\" to leave bad rows out.",
            self.count,
            if self.count == 1 { "" } else { "s" },
            if self.count == 1 { "is" } else { "are" },
            if self.count == 1 { "it" } else { "them" },
        );
        Error {
            code: Code::InvalidRoster,
            message,
            details: Details::Rows {
                errors: self
                    .errors
                    .into_iter()
                    .map(|(f, e)| in_file(f, e))
                    .collect(),
                total: self.count,
            },
        }
    }
}

/// A row error with its file named in the message.
pub(crate) fn in_file(file: File, mut e: RowError) -> RowError {
    e.message = format!("{} file: {}", file.name(), e.message);
    e
}

fn plain(code: Code, message: &str) -> Error {
    Error {
        code,
        message: message.to_string(),
        details: Details::None,
    }
}

/// A file that cannot be read at all, as the roster reader reports one: `invalidRoster`, with
/// the cause's code on the file's line; `what` says what is wrong with the file ("is empty").
fn fatal(file: File, code: Code, line: u64, what: String) -> Error {
    let message = format!("The {} file {what}", file.name());
    Error {
        code: Code::InvalidRoster,
        message: message.clone(),
        details: Details::Rows {
            errors: vec![RowError {
                line,
                column: None,
                code,
                message,
            }],
            total: 1,
        },
    }
}

/// One file's rows, with the line each starts on: the header's columns found by name (exactly,
/// else ignoring case and surrounding spaces).
struct Table<'a> {
    file: File,
    header: Vec<String>,
    rdr: csv::Reader<&'a [u8]>,
    record: csv::ByteRecord,
    lines: Lines<'a>,
    /// The student id's column, once found: a row whose fields are in place but whose other
    /// text is not UTF-8 is still its student's.
    id_at: Option<usize>,
}

impl<'a> Table<'a> {
    fn open(file: File, bytes: &'a [u8]) -> Result<Table<'a>, Error> {
        if bytes.len() > MAX_ROSTER_BYTES {
            return Err(plain(
                Code::TooLarge,
                &format!(
                    "The {} file is {} MB; at most {} MB is read.",
                    file.name(),
                    bytes.len() >> 20,
                    MAX_ROSTER_BYTES >> 20
                ),
            ));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            return Err(fatal(
                file,
                Code::WrongEncoding,
                1,
                "is UTF-16 text: save it as UTF-8 CSV.".into(),
            ));
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = csv::ByteRecord::new();
        let header: Vec<String> = match rdr.read_byte_record(&mut record) {
            Ok(true) => record
                .iter()
                .map(|h| String::from_utf8_lossy(h).trim().to_string())
                .collect(),
            _ => Vec::new(),
        };
        if header.iter().all(String::is_empty) {
            return Err(fatal(
                file,
                Code::EmptyFile,
                1,
                "is empty: it needs a header row.".into(),
            ));
        }
        // A name twice would read one of the two columns without a word.
        if let Some(h) = named_twice(&header) {
            return Err(fatal(
                file,
                Code::DuplicateColumn,
                1,
                format!("names the column \"{h}\" twice."),
            ));
        }
        Ok(Table {
            file,
            header,
            rdr,
            record,
            lines: Lines::new(bytes),
            id_at: None,
        })
    }

    /// [`Table::column`] for the student id, kept to tell whose a bad row is.
    fn id_column(&mut self, name: &str, path: &str) -> Result<usize, Error> {
        let at = self.column(name, path)?;
        self.id_at = Some(at);
        Ok(at)
    }

    /// The column named `name` (at `path` in the contract), or an error listing the header.
    fn column(&self, name: &str, path: &str) -> Result<usize, Error> {
        let exact = self.header.iter().position(|h| h == name);
        let loose =
            || (self.header.iter()).position(|h| h.trim().eq_ignore_ascii_case(name.trim()));
        exact.or_else(loose).ok_or_else(|| {
            let found: Vec<String> = self.header.iter().map(|h| format!("\"{h}\"")).collect();
            Error::fields(
                Code::InvalidContract,
                "contract",
                vec![FieldError {
                    path: path.to_string(),
                    code: Code::MissingColumn,
                    message: format!(
                        "The {} file has no column \"{name}\"; its columns are {}.",
                        self.file.name(),
                        found.join(", ")
                    ),
                }],
            )
        })
    }

    /// The next row that is not blank and is whole (as the roster reader takes a row: no quote
    /// left open, as many fields as the header, UTF-8), and its first line; the others are bad
    /// rows. None at the end.
    fn next(&mut self, bad: &mut BadRows) -> Result<Option<(u64, &csv::ByteRecord)>, Error> {
        bad.current = None;
        loop {
            let line = self.lines.of(self.rdr.position().byte());
            match self.rdr.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(e) => {
                    return Err(fatal(
                        self.file,
                        Code::Unreadable,
                        line,
                        format!("cannot be read at line {line}: {e}."),
                    ))
                }
            }
            let start = (self.lines).of_record(self.record.position().map_or(0, |p| p.byte()));
            let blank = self.record.len() == 1
                && (self.record.get(0)).is_some_and(|f| f.trim_ascii().is_empty());
            if blank {
                continue;
            }
            let shape = row_shape(self.record.as_slice(), self.record.len(), self.header.len());
            if let Err((code, message)) = shape {
                bad.push_row(self.file, start, code, message);
                continue;
            }
            if std::str::from_utf8(self.record.as_slice()).is_err() {
                // Whose row it is, when its id is readable: the student is left out with it.
                let id = (self.id_at.and_then(|i| self.record.get(i)))
                    .and_then(|f| std::str::from_utf8(f.trim_ascii()).ok())
                    .filter(|id| !id.is_empty());
                bad.current = id.map(str::to_string);
                let message = "The row is not UTF-8 text: save the file as UTF-8 (\"CSV UTF-8\" in a spreadsheet).";
                bad.push_row(self.file, start, Code::NotUtf8, message.into());
                bad.current = None;
                continue;
            }
            return Ok(Some((start, &self.record)));
        }
    }
}

/// A field's text, trimmed ("" when the row is short).
fn field(record: &csv::ByteRecord, i: usize) -> &[u8] {
    record.get(i).unwrap_or_default().trim_ascii()
}

fn text(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).into_owned()
}

/// A student's usage: total minutes and weeks (wide), or minutes per week (long).
#[derive(Default)]
struct Use {
    /// The student's first row.
    line: u64,
    minutes: f64,
    weeks: f64,
    by_week: BTreeMap<i64, f64>,
}

/// The program's weeks: a wide file's students each have their own; a long log's are the
/// period's calendar weeks, or every week the enrolled students' rows hold.
enum Weeks {
    Wide,
    Period(Vec<i64>),
    Logged,
}

/// What the usage file gives: per student (in first-seen order), and the program's weeks.
struct UsageRead {
    order: Vec<String>,
    of: BTreeMap<String, Use>,
    /// The program's weeks.
    weeks: Weeks,
    outside_period: usize,
}

fn read_usage(intake: &Intake, bytes: &[u8], bad: &mut BadRows) -> Result<UsageRead, Error> {
    let mut t = Table::open(File::Usage, bytes)?;
    let mut out = UsageRead {
        order: Vec::new(),
        of: BTreeMap::new(),
        weeks: Weeks::Wide,
        outside_period: 0,
    };
    match &intake.usage {
        Usage::Wide {
            student_id,
            minutes,
            weeks,
            ..
        } => {
            let cols = [
                t.id_column(student_id, "intake.usage.studentId")?,
                t.column(minutes, "intake.usage.minutes")?,
                t.column(weeks, "intake.usage.weeks")?,
            ];
            let names = [minutes.as_str(), weeks.as_str()];
            let mut rows = 0usize;
            while let Some((line, record)) = t.next(bad)? {
                rows += 1;
                if rows > MAX_STUDENTS {
                    return Err(too_many(File::Usage, line));
                }
                let Some(id) = student(record, cols[0], line, student_id, File::Usage, bad) else {
                    continue;
                };
                bad.current = Some(id.clone());
                let mut values = [0.0; 2];
                let mut ok = true;
                for k in 0..2 {
                    match number(record, cols[k + 1], line, names[k], File::Usage, bad) {
                        Some(x) => values[k] = x,
                        None => ok = false,
                    }
                }
                if !ok {
                    continue;
                }
                // The roster's ranges, checked here at the usage file's own line.
                let [minutes_used, weeks_used] = values;
                let range = if !(0.0..=MAX_MINUTES).contains(&minutes_used) {
                    Some((
                        0,
                        format!(
                            "Minutes of use are from 0 to {MAX_MINUTES}; {minutes_used} is not."
                        ),
                    ))
                } else if !(MIN_WEEKS..=MAX_WEEKS).contains(&weeks_used) {
                    Some((1, format!("Weeks of use are from {MIN_WEEKS} to {MAX_WEEKS}; {weeks_used} is not.")))
                } else {
                    None
                };
                if let Some((k, message)) = range {
                    bad.push(File::Usage, line, names[k], Code::OutOfRange, message);
                    continue;
                }
                if out.of.contains_key(&id) {
                    bad.push(
                        File::Usage,
                        line,
                        student_id,
                        Code::DuplicateId,
                        format!("Student \"{}\" has a row already: a wide usage file has one row per student.", clip(&id)),
                    );
                    continue;
                }
                out.order.push(id.clone());
                out.of.insert(
                    id,
                    Use {
                        line,
                        minutes: values[0],
                        weeks: values[1],
                        ..Use::default()
                    },
                );
            }
        }
        Usage::Long {
            student_id,
            minutes,
            date,
            week,
            ..
        } => {
            let id_at = t.id_column(student_id, "intake.usage.studentId")?;
            let minutes_at = t.column(minutes, "intake.usage.minutes")?;
            let when = match (date, week) {
                (Some(d), _) => When::Date(t.column(d, "intake.usage.date")?, d.clone()),
                (None, Some(w)) => When::Week(t.column(w, "intake.usage.week")?, w.clone()),
                (None, None) => {
                    return Err(plain(
                        Code::InvalidContract,
                        "A long usage file needs its date column (intake.usage.date) or its week column (intake.usage.week).",
                    ))
                }
            };
            let mut labels: BTreeMap<Vec<u8>, i64> = BTreeMap::new();

            let mut rows = 0usize;
            while let Some((line, record)) = t.next(bad)? {
                rows += 1;
                if rows > MAX_USAGE_ROWS {
                    return Err(fatal(
                        File::Usage,
                        Code::TooManyStudents,
                        line,
                        format!("has more than {MAX_USAGE_ROWS} rows: split it by school."),
                    ));
                }
                let Some(id) = student(record, id_at, line, student_id, File::Usage, bad) else {
                    continue;
                };
                bad.current = Some(id.clone());
                let Some(m) = number(record, minutes_at, line, minutes, File::Usage, bad) else {
                    continue;
                };
                if m < 0.0 {
                    bad.push(
                        File::Usage,
                        line,
                        minutes,
                        Code::NegativeNumber,
                        "Minutes of use cannot be negative.".into(),
                    );
                    continue;
                }
                if m > MAX_MINUTES {
                    let message = format!(
                        "{m} minutes is more than a student can use ({MAX_MINUTES} at most)."
                    );
                    bad.push(File::Usage, line, minutes, Code::OutOfRange, message);
                    continue;
                }
                let wk = match &when {
                    When::Date(i, name) => match parse_day(field(record, *i)) {
                        Ok(day) => {
                            if intake.period.is_some_and(|p| day < p.start || day > p.end) {
                                out.outside_period += 1;
                                continue;
                            }
                            week_of(day)
                        }
                        Err(message) => {
                            bad.push(File::Usage, line, name, Code::InvalidDate, message);
                            continue;
                        }
                    },
                    When::Week(i, name) => {
                        let label = field(record, *i);
                        if label.is_empty() {
                            bad.push(
                                File::Usage,
                                line,
                                name,
                                Code::MissingValue,
                                "The week is empty.".into(),
                            );
                            continue;
                        }
                        let next = labels.len() as i64;
                        *labels.entry(label.to_vec()).or_insert(next)
                    }
                };
                let u = match out.of.get_mut(&id) {
                    Some(u) => u,
                    None => {
                        out.order.push(id.clone());
                        out.of.entry(id).or_insert(Use {
                            line,
                            ..Use::default()
                        })
                    }
                };
                u.minutes += m;
                *u.by_week.entry(wk).or_insert(0.0) += m;
            }
            // A student whose rows add up past the most a student can use is a bad row of its
            // own (at the first), left out before the program's weeks are counted.
            let over: Vec<String> = (out.of.iter())
                .filter(|(_, u)| u.minutes > MAX_MINUTES)
                .map(|(id, _)| id.clone())
                .collect();
            for id in over {
                if let Some(u) = out.of.remove(&id) {
                    let message = format!("The student's rows add up to {} minutes, more than a student can use ({MAX_MINUTES} at most).", u.minutes);
                    bad.current = Some(id.clone());
                    bad.push(File::Usage, u.line, minutes, Code::OutOfRange, message);
                    bad.current = None;
                }
                out.order.retain(|x| *x != id);
            }
            out.weeks = match (&when, intake.period) {
                (When::Date(..), Some(p)) => {
                    Weeks::Period((week_of(p.start)..=week_of(p.end)).collect())
                }
                _ => Weeks::Logged,
            };
        }
    }
    Ok(out)
}

enum When {
    Date(usize, String),
    Week(usize, String),
}

fn too_many(file: File, line: u64) -> Error {
    fatal(
        file,
        Code::TooManyStudents,
        line,
        format!("has more than {MAX_STUDENTS} students: split it by district or school."),
    )
}

/// The row's student id, or a bad row when it is empty or too long.
fn student(
    record: &csv::ByteRecord,
    at: usize,
    line: u64,
    column: &str,
    file: File,
    bad: &mut BadRows,
) -> Option<String> {
    let raw = field(record, at);
    if raw.is_empty() {
        bad.push(
            file,
            line,
            column,
            Code::MissingValue,
            "The student id is empty.".into(),
        );
        return None;
    }
    if raw.len() > crate::roster::MAX_ID_BYTES {
        bad.push(
            file,
            line,
            column,
            Code::TooLong,
            format!(
                "The student id is longer than {} bytes.",
                crate::roster::MAX_ID_BYTES
            ),
        );
        return None;
    }
    Some(text(raw))
}

/// The row's number in column `at`, or a bad row (empty counts as missing: a bad row too).
fn number(
    record: &csv::ByteRecord,
    at: usize,
    line: u64,
    column: &str,
    file: File,
    bad: &mut BadRows,
) -> Option<f64> {
    match parse_number(field(record, at)) {
        Ok(Some(x)) => Some(x),
        Ok(None) => {
            bad.push(
                file,
                line,
                column,
                Code::MissingValue,
                format!("\"{column}\" is empty."),
            );
            None
        }
        Err(message) => {
            bad.push(file, line, column, Code::InvalidNumber, message);
            None
        }
    }
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A student's pre-test and post-test: the chosen row's score, its line, and how many tests the
/// window held.
#[derive(Default)]
struct Tests {
    pre: Option<Test>,
    post: Option<Test>,
}

#[derive(Clone, Copy)]
struct Test {
    score: f64,
    day: Option<Day>,
    /// Marked as the test that counts (see `Scores::Long::marked`).
    marked: bool,
    /// The row's typical growth, when the scores file gives one.
    typical: Option<f64>,
    line: u64,
    count: usize,
}

struct ScoresRead {
    of: BTreeMap<String, Tests>,
    students: usize,
    outside_period: usize,
    other_windows: usize,
}

fn read_scores(intake: &Intake, bytes: &[u8], bad: &mut BadRows) -> Result<ScoresRead, Error> {
    let mut t = Table::open(File::Scores, bytes)?;
    let mut out = ScoresRead {
        of: BTreeMap::new(),
        students: 0,
        outside_period: 0,
        other_windows: 0,
    };
    match &intake.scores {
        Scores::Wide {
            student_id,
            pre,
            post,
            typical_growth,
            ..
        } => {
            let id_at = t.id_column(student_id, "intake.scores.studentId")?;
            let at = [
                t.column(pre, "intake.scores.pre")?,
                t.column(post, "intake.scores.post")?,
            ];
            let typical_at = match typical_growth {
                Some(name) => Some((t.column(name, "intake.scores.typicalGrowth")?, name)),
                None => None,
            };
            while let Some((line, record)) = t.next(bad)? {
                let Some(id) = student(record, id_at, line, student_id, File::Scores, bad) else {
                    continue;
                };
                bad.current = Some(id.clone());
                let Ok(typical) = typical_of(record, typical_at, line, bad) else {
                    continue;
                };
                if out.of.contains_key(&id) {
                    bad.push(File::Scores, line, student_id, Code::DuplicateId, format!("Student \"{}\" has a row already: a wide scores file has one row per student.", clip(&id)));
                    continue;
                }
                // An empty score is a missing test, as in the roster.
                let mut tests = Tests::default();
                let mut ok = true;
                for (k, (&i, name)) in at.iter().zip([pre, post]).enumerate() {
                    match parse_number(field(record, i)) {
                        Ok(Some(x)) if x.abs() > MAX_SCORE => {
                            let message = format!("A score is at most {MAX_SCORE:e} in size; {x} is not a test score.");
                            bad.push(File::Scores, line, name, Code::OutOfRange, message);
                            ok = false;
                        }
                        Ok(score) => {
                            let test = score.map(|score| Test {
                                score,
                                day: None,
                                marked: false,
                                typical,
                                line,
                                count: 1,
                            });
                            if k == 0 {
                                tests.pre = test;
                            } else {
                                tests.post = test;
                            }
                        }
                        Err(message) => {
                            bad.push(File::Scores, line, name, Code::InvalidNumber, message);
                            ok = false;
                        }
                    }
                }
                if ok {
                    out.of.insert(id, tests);
                }
            }
        }
        Scores::Long {
            student_id,
            window,
            score,
            pre_window,
            post_window,
            subject,
            date,
            two_in_a_window,
            typical_growth,
            marked,
            ..
        } => {
            let id_at = t.id_column(student_id, "intake.scores.studentId")?;
            let typical_at = match typical_growth {
                Some(name) => Some((t.column(name, "intake.scores.typicalGrowth")?, name)),
                None => None,
            };
            let window_at = t.column(window, "intake.scores.window")?;
            let score_at = t.column(score, "intake.scores.score")?;
            let subject_at = match subject {
                Some(s) => Some((t.column(&s.column, "intake.scores.subject.column")?, s)),
                None => None,
            };
            let date_at = match date {
                Some(d) => Some((t.column(d, "intake.scores.date")?, d)),
                None => None,
            };
            let marked_at = match marked {
                Some(m) => Some((t.column(m, "intake.scores.marked")?, m)),
                None => None,
            };
            while let Some((line, record)) = t.next(bad)? {
                let w = field(record, window_at);
                let k = if w == pre_window.trim().as_bytes() {
                    0
                } else if w == post_window.trim().as_bytes() {
                    1
                } else {
                    out.other_windows += 1;
                    continue;
                };
                if let Some((i, s)) = subject_at {
                    if field(record, i) != s.value.trim().as_bytes() {
                        out.other_windows += 1;
                        continue;
                    }
                }
                let Some(id) = student(record, id_at, line, student_id, File::Scores, bad) else {
                    continue;
                };
                bad.current = Some(id.clone());
                let day = match date_at {
                    Some((i, name)) => match parse_day(field(record, i)) {
                        Ok(day) => Some(day),
                        Err(message) => {
                            bad.push(File::Scores, line, name, Code::InvalidDate, message);
                            continue;
                        }
                    },
                    None => None,
                };
                if let (Some(day), Some(p)) = (day, intake.period) {
                    if day < p.start || day > p.end {
                        out.outside_period += 1;
                        continue;
                    }
                }
                let is_marked = match marked_at {
                    Some((i, name)) => match mark(field(record, i)) {
                        Some(m) => m,
                        None => {
                            bad.push(
                                File::Scores,
                                line,
                                name,
                                Code::InvalidValue,
                                format!(
                                    "\"{}\" is not a mark: use TRUE or FALSE (or Y or N).",
                                    clip(&text(field(record, i)))
                                ),
                            );
                            continue;
                        }
                    },
                    None => false,
                };
                // An empty score is no test (as an empty one in a wide file or a roster).
                let x = match parse_number(field(record, score_at)) {
                    Ok(Some(x)) if x.abs() <= MAX_SCORE => x,
                    Ok(Some(x)) => {
                        let message = format!(
                            "A score is at most {MAX_SCORE:e} in size; {x} is not a test score."
                        );
                        bad.push(File::Scores, line, score, Code::OutOfRange, message);
                        continue;
                    }
                    Ok(None) => continue,
                    Err(message) => {
                        bad.push(File::Scores, line, score, Code::InvalidNumber, message);
                        continue;
                    }
                };
                let Ok(typical) = typical_of(record, typical_at, line, bad) else {
                    continue;
                };
                let test = Test {
                    score: x,
                    day,
                    marked: is_marked,
                    typical,
                    line,
                    count: 1,
                };
                let tests = out.of.entry(id).or_default();
                let slot = if k == 0 {
                    &mut tests.pre
                } else {
                    &mut tests.post
                };
                *slot = Some(match *slot {
                    None => test,
                    Some(held) => {
                        let chosen = if replaces(*two_in_a_window, &held, &test) {
                            test
                        } else {
                            held
                        };
                        Test {
                            count: held.count + 1,
                            ..chosen
                        }
                    }
                });
            }
        }
    }
    out.students = out.of.len();
    Ok(out)
}

/// The row's typical growth: none without the column or when empty, else a number from 1e-6 to
/// 1e12 (as a norm's), or a bad row (`Err`).
fn typical_of(
    record: &csv::ByteRecord,
    at: Option<(usize, &String)>,
    line: u64,
    bad: &mut BadRows,
) -> Result<Option<f64>, ()> {
    let Some((i, name)) = at else {
        return Ok(None);
    };
    match parse_number(field(record, i)) {
        Ok(None) => Ok(None),
        Ok(Some(t)) if (MIN_NORM..=MAX_SCORE).contains(&t) => Ok(Some(t)),
        Ok(Some(t)) => {
            let message =
                format!("A typical growth is from {MIN_NORM} to {MAX_SCORE:e}; {t} is not one.");
            bad.push(File::Scores, line, name, Code::OutOfRange, message);
            Err(())
        }
        Err(message) => {
            bad.push(File::Scores, line, name, Code::InvalidNumber, message);
            Err(())
        }
    }
}

/// A mark of the test that counts: true, false, or None when it is neither.
fn mark(raw: &[u8]) -> Option<bool> {
    let is = |words: &[&[u8]]| words.iter().any(|w| raw.eq_ignore_ascii_case(w));
    if is(&[b"true", b"t", b"y", b"yes", b"1"]) {
        Some(true)
    } else if is(&[b"false", b"f", b"n", b"no", b"0", b""]) {
        Some(false)
    } else {
        None
    }
}

/// Whether `new` (later in the file) replaces `held` as the window's test: a marked test wins
/// over an unmarked one, then the rule.
fn replaces(rule: TwoInAWindow, held: &Test, new: &Test) -> bool {
    if new.marked != held.marked {
        return new.marked;
    }
    match rule {
        // Ties (same day, or no dates) go to the later row for "latest", the earlier for
        // "earliest".
        TwoInAWindow::Latest => new.day >= held.day,
        TwoInAWindow::Earliest => new.day < held.day,
        TwoInAWindow::Highest => new.score > held.score,
    }
}

/// The student file: each student's role values and subgroup values, in file order.
struct StudentsRead {
    ids: Vec<String>,
    lines: Vec<u64>,
    /// Per student, the values of `columns` (the roster's header names for them).
    values: Vec<Vec<String>>,
    columns: Vec<String>,
    /// The contract's subgroup columns, renamed where a subgroup is a role's column.
    subgroup_columns: Vec<String>,
}

fn read_students(
    c: &Contract,
    file: &StudentFile,
    bytes: &[u8],
    bad: &mut BadRows,
) -> Result<StudentsRead, Error> {
    let mut t = Table::open(File::Students, bytes)?;
    let id_at = t.id_column(&file.student_id, "intake.students.studentId")?;
    let defaults = Columns::default();
    // (the roster's column name, the file's column) for each role given.
    let mut columns: Vec<(String, usize)> = Vec::new();
    for (ours, theirs, path) in [
        (&defaults.school, &file.school, "intake.students.school"),
        (&defaults.grade, &file.grade, "intake.students.grade"),
        (&defaults.group, &file.group, "intake.students.group"),
        (
            &defaults.district,
            &file.district,
            "intake.students.district",
        ),
    ] {
        if let Some(name) = theirs {
            columns.push((ours.clone(), t.column(name, path)?));
        }
    }
    // A subgroup column that is a role's column reads as that role's; the others under their
    // own names, which must not be one of the roster's.
    let mut subgroup_columns = Vec::new();
    for (k, name) in c.subgroup_columns.iter().enumerate() {
        let path = format!("subgroupColumns[{k}]");
        let at = t.column(name, &path)?;
        if at == id_at {
            return Err(Error::fields(
                Code::InvalidContract,
                "contract",
                vec![FieldError {
                    path,
                    code: Code::IdentifyingColumn,
                    message: format!("\"{name}\" is the student file's student id: as a subgroup column it would publish every student's own value."),
                }],
            ));
        }
        match columns.iter().find(|(_, i)| *i == at) {
            Some((ours, _)) => subgroup_columns.push(ours.clone()),
            None => {
                let ours = t.header[at].clone();
                let taken = [
                    &defaults.student_id,
                    &defaults.pre,
                    &defaults.post,
                    &defaults.minutes,
                    &defaults.weeks,
                    &defaults.school,
                    &defaults.grade,
                    &defaults.group,
                    &defaults.district,
                    &defaults.weeks_at_minimum,
                    &defaults.typical_growth,
                ];
                if taken.iter().any(|x| x.eq_ignore_ascii_case(&ours)) {
                    return Err(Error::fields(
                        Code::InvalidContract,
                        "contract",
                        vec![FieldError {
                            path,
                            code: Code::InvalidValue,
                            message: format!("The subgroup column \"{ours}\" of the student file has the name of one of the roster's own columns; map it in intake.students (school, grade, group, district) or rename it in the file."),
                        }],
                    ));
                }
                subgroup_columns.push(ours.clone());
                columns.push((ours, at));
            }
        }
    }
    let mut out = StudentsRead {
        ids: Vec::new(),
        lines: Vec::new(),
        values: Vec::new(),
        columns: columns.iter().map(|(name, _)| name.clone()).collect(),
        subgroup_columns,
    };
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    while let Some((line, record)) = t.next(bad)? {
        let Some(id) = student(record, id_at, line, &file.student_id, File::Students, bad) else {
            continue;
        };
        bad.current = Some(id.clone());
        if let Some(first) = seen.get(&id) {
            bad.push(
                File::Students,
                line,
                &file.student_id,
                Code::DuplicateId,
                format!("Student \"{}\" is also on line {first}.", clip(&id)),
            );
            continue;
        }
        if out.ids.len() >= MAX_STUDENTS {
            return Err(too_many(File::Students, line));
        }
        seen.insert(id.clone(), line);
        out.values.push(
            columns
                .iter()
                .map(|&(_, i)| text(field(record, i)))
                .collect(),
        );
        out.ids.push(id);
        out.lines.push(line);
    }
    Ok(out)
}

/// The joined roster: a row per enrolled student, in the enrolling file's order, with their
/// usage, tests and student-file values; and the match report.
fn assemble(
    c: &Contract,
    intake: &Intake,
    usage: UsageRead,
    scores: ScoresRead,
    mut students: Option<StudentsRead>,
    bad: BadRows,
) -> Result<Joined, Error> {
    // The enrolled: the student file's, or the usage file's, each with its origin; those with a
    // row that could not be read (under skip) are left out, as a roster's bad row is.
    let mut enrolled: Vec<(String, (File, u64))> = match &students {
        Some(s) => (s.ids.iter().cloned())
            .zip(s.lines.iter().map(|&l| (File::Students, l)))
            .collect(),
        None => (usage.order.iter())
            .map(|id| {
                (
                    id.clone(),
                    (File::Usage, usage.of.get(id).map_or(0, |u| u.line)),
                )
            })
            .collect(),
    };
    let mut left_out: BTreeSet<String> = match &students {
        Some(_) => BTreeSet::new(),
        None => bad.in_usage.clone(),
    };
    enrolled.retain(|(id, _)| {
        let bad_row = bad.students.contains(id);
        if bad_row {
            left_out.insert(id.clone());
        }
        !bad_row
    });
    let left_out: Vec<String> = left_out.into_iter().collect();
    // The student file's values, row for row with the students kept.
    let in_students = students.as_ref().map(|s| s.ids.len());
    if let Some(s) = &mut students {
        let mut ids = s.ids.iter();
        s.values
            .retain(|_| ids.next().is_none_or(|id| !bad.students.contains(id)));
    }
    // A long log's program weeks: the period's, or every week the enrolled students used
    // (others' rows are left out, and add no week).
    let program: Option<Vec<i64>> = match usage.weeks {
        Weeks::Wide => None,
        Weeks::Period(weeks) => Some(weeks),
        Weeks::Logged => {
            let used = (enrolled.iter()).filter_map(|(id, _)| usage.of.get(id));
            let weeks: BTreeSet<i64> = used.flat_map(|u| u.by_week.keys().copied()).collect();
            Some(weeks.into_iter().collect())
        }
    };
    if program.as_ref().is_some_and(Vec::is_empty) {
        let what = format!(
            "has no row of an enrolled student (none of its {} students is in the student file: check that the ids match as written, \"00123\" and \"123\" do not), so without a period the program has no week to count.",
            usage.of.len()
        );
        return Err(fatal(File::Usage, Code::NoRows, 1, what));
    }
    // (Past this, every student would be refused alike, one by one: once, before the rows.)
    if program.as_ref().is_some_and(|w| w.len() as f64 > MAX_WEEKS) {
        let what = format!(
            "holds more than {MAX_WEEKS} weeks of use (ten years): without a period, each distinct week is one of the program."
        );
        return Err(fatal(File::Usage, Code::OutOfRange, 1, what));
    }
    let long = program.is_some();
    let program_weeks = program.as_ref().map_or(0, Vec::len);
    let mut matches = Matches {
        in_usage: usage.of.len(),
        in_scores: scores.students,
        in_students,
        usage_rows_outside_period: usage.outside_period,
        score_rows_outside_period: scores.outside_period,
        score_rows_other_windows: scores.other_windows,
        weeks: program.as_ref().map(|w| w.len() as u32),
        left_out,
        ..Matches::default()
    };
    let defaults = Columns::default();
    let mut header: Vec<String> = vec![
        defaults.student_id.clone(),
        defaults.pre.clone(),
        defaults.post.clone(),
        defaults.minutes.clone(),
        defaults.weeks.clone(),
    ];
    if long {
        header.push(defaults.weeks_at_minimum.clone());
    }
    let typical = intake.scores.typical_growth().is_some();
    if typical {
        header.push(defaults.typical_growth.clone());
    }
    if let Some(s) = &students {
        header.extend(s.columns.iter().cloned());
    }
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(&header);
    let min_per_week = c.fidelity.min_minutes_per_week;
    let mut origins = Vec::with_capacity(enrolled.len());
    let mut enrolled_ids: BTreeSet<&str> = BTreeSet::new();
    for (k, (id, origin)) in enrolled.iter().enumerate() {
        enrolled_ids.insert(id);
        let used = usage.of.get(id);
        let tests = scores.of.get(id);
        let pre = tests.and_then(|t| t.pre);
        let post = tests.and_then(|t| t.post);
        // A post-test dated before the pre-test: most likely a window of another school year.
        if let (Some(Test { day: Some(a), .. }), Some(Test { day: Some(b), .. })) = (pre, post) {
            if b < a {
                matches.post_before_pre.push(id.clone());
            }
        }
        matches.with_usage += used.is_some() as usize;
        matches.with_pre += pre.is_some() as usize;
        matches.with_post += post.is_some() as usize;
        if used.is_none() {
            matches.without_usage.push(id.clone());
        }
        if pre.is_none() && post.is_none() {
            matches.without_scores.push(id.clone());
        }
        matches.in_all += (used.is_some() && (pre.is_some() || post.is_some())) as usize;
        for (test, window) in [(pre, "pre"), (post, "post")] {
            if let Some(t) = test.filter(|t| t.count > 1) {
                let name = match &intake.scores {
                    Scores::Long {
                        pre_window,
                        post_window,
                        ..
                    } => {
                        if window == "pre" {
                            pre_window.clone()
                        } else {
                            post_window.clone()
                        }
                    }
                    Scores::Wide { .. } => window.into(),
                };
                matches.two_in_a_window.push(TwoTests {
                    student_id: id.clone(),
                    window: name,
                    tests: t.count,
                    line_used: t.line,
                });
            }
        }
        let score = |t: Option<Test>| t.map_or(String::new(), |t| t.score.to_string());
        let (minutes, weeks) = match used {
            Some(u) if long => (u.minutes, program_weeks as f64),
            Some(u) => (u.minutes, u.weeks),
            // Enrolled without usage: 0 minutes over the program's weeks (a wide file gives
            // none: 1 week, which the fidelity rule's weeks judge).
            None if long => (0.0, program_weeks as f64),
            None => (0.0, 1.0),
        };
        let mut row = vec![
            id.clone(),
            score(pre),
            score(post),
            minutes.to_string(),
            weeks.to_string(),
        ];
        if let Some(program) = &program {
            // Each week of the program, used or not (a week without use has 0 minutes).
            let of = |w: &i64| used.and_then(|u| u.by_week.get(w)).copied().unwrap_or(0.0);
            let reached = program.iter().filter(|w| of(w) >= min_per_week).count();
            row.push(reached.to_string());
        }
        if typical {
            // The pre-test's row's typical growth (NWEA fills it in the first window's), or
            // else the post-test's.
            let own = pre.and_then(|t| t.typical).or(post.and_then(|t| t.typical));
            row.push(own.map_or(String::new(), |t| t.to_string()));
        }
        if let Some(s) = &students {
            row.extend(s.values[k].iter().cloned());
        }
        let _ = w.write_record(&row);
        origins.push(Origin {
            enrolling: *origin,
            usage: used.map(|u| u.line),
            pre: pre.map(|t| t.line),
            post: post.map(|t| t.line),
            typical: (pre.filter(|t| t.typical.is_some()))
                .or(post.filter(|t| t.typical.is_some()))
                .map(|t| t.line),
        });
    }
    for id in &usage.order {
        if !enrolled_ids.contains(id.as_str()) && !bad.students.contains(id) {
            matches.usage_not_enrolled.push(id.clone());
        }
    }
    let mut not_enrolled: Vec<&String> = (scores.of.keys())
        .filter(|id| !enrolled_ids.contains(id.as_str()) && !bad.students.contains(*id))
        .collect();
    not_enrolled.sort();
    matches.scores_not_enrolled = not_enrolled.into_iter().cloned().collect();
    matches.enrolled = enrolled.len();
    let mut contract = c.clone();
    contract.columns = Columns::default();
    if let Some(s) = &students {
        contract.subgroup_columns = s.subgroup_columns.clone();
    }
    Ok(Joined {
        csv: w.into_inner().unwrap_or_default(),
        contract,
        matches,
        origins,
        rejected: (bad.errors.into_iter())
            .map(|(f, e)| in_file(f, e))
            .collect(),
        rejected_count: bad.count,
    })
}

/// A day from "YYYY-MM-DD" or "M/D/YYYY" (US exports), a time after it (" 13:05", "T13:05")
/// ignored.
pub fn parse_day(raw: &[u8]) -> Result<Day, String> {
    let s = std::str::from_utf8(raw).unwrap_or("").trim();
    let date = s.split([' ', 'T']).next().unwrap_or("");
    let parts: Vec<&str> = date.split(['-', '/']).collect();
    let num = |p: &str| -> Option<i64> {
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let ymd = match (parts.as_slice(), date.contains('/')) {
        ([y, m, d], false) if y.len() == 4 => (num(y), num(m), num(d)),
        ([m, d, y], true) if y.len() == 4 => (num(y), num(m), num(d)),
        _ => (None, None, None),
    };
    if s.is_empty() {
        return Err("The date is empty.".into());
    }
    let bad = || format!("\"{}\" is not a date (YYYY-MM-DD or M/D/YYYY).", clip(s));
    let (Some(y), Some(m), Some(d)) = ymd else {
        return Err(bad());
    };
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) || !(1900..=9999).contains(&y) {
        return Err(bad());
    }
    Ok(days_from_civil(y, m, d))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible
/// Low-Level Date Algorithms", days_from_civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The week (Monday to Sunday) of a day, numbered from the week of 1970-01-01 (a Thursday).
pub fn week_of(day: Day) -> i64 {
    (day + 3).div_euclid(7)
}

/// Reads the contract's `intake` section.
pub fn read(r: &mut Reader, v: &Value, path: &str) -> Option<Intake> {
    let o = r.object(v, path, &["period", "usage", "scores", "students"])?;
    let period = r.opt(o, path, "period", read_period);
    let usage = r.req(o, path, "usage", read_usage_section);
    let scores = r.req(o, path, "scores", read_scores_section);
    let students = r.opt(o, path, "students", read_students_section);
    Some(Intake {
        period,
        usage: usage?,
        scores: scores?,
        students,
    })
}

fn read_period(r: &mut Reader, v: &Value, path: &str) -> Option<Period> {
    let o = r.object(v, path, &["start", "end"])?;
    let day = |r: &mut Reader, v: &Value, p: &str| {
        let s = r.text(v, p)?;
        match (parse_day(s.as_bytes()), s.contains('/')) {
            (Ok(d), false) => Some(d),
            _ => {
                r.fail(
                    p,
                    Code::InvalidValue,
                    format!("\"{}\" is not a date as YYYY-MM-DD.", clip(&s)),
                );
                None
            }
        }
    };
    let start = r.req(o, path, "start", day);
    let end = r.req(o, path, "end", day);
    let (start, end) = (start?, end?);
    let end_path = crate::error::join(path, "end");
    let weeks = week_of(end) - week_of(start) + 1;
    (r.check(
        start <= end,
        &end_path,
        Code::OutOfRange,
        "The period ends before it starts.",
    ) && r.check(
        weeks as f64 <= MAX_WEEKS,
        &end_path,
        Code::OutOfRange,
        "A period spans at most 520 weeks (ten years).",
    ))
    .then_some(Period { start, end })
}

/// Each role of a section its own column: two read from one would read wrong values without a
/// word (`minutes` named as the student id).
fn distinct_columns(r: &mut Reader, path: &str, roles: &[(&str, Option<&String>)]) {
    for (i, (key, name)) in roles.iter().enumerate() {
        let Some(name) = name else { continue };
        let earlier = roles[..i]
            .iter()
            .find(|(_, n)| n.is_some_and(|n| n.trim().eq_ignore_ascii_case(name.trim())));
        if let Some((first, _)) = earlier {
            r.fail(
                &crate::error::join(path, key),
                Code::Duplicate,
                format!("{first} and {key} name the same column, \"{name}\": each needs its own."),
            );
        }
    }
}

/// The section's shape, checked against the known ones.
fn shape(r: &mut Reader, o: &Map<String, Value>, path: &str) -> Option<String> {
    let s = r.req(o, path, "shape", Reader::text)?;
    r.check(
        s == "wide" || s == "long",
        &crate::error::join(path, "shape"),
        Code::InvalidValue,
        "A shape is \"wide\" (one row per student) or \"long\" (several rows per student).",
    )
    .then_some(s)
}

fn read_usage_section(r: &mut Reader, v: &Value, path: &str) -> Option<Usage> {
    let Value::Object(o) = v else {
        return r.object(v, path, &[]).and(None);
    };
    let long = shape(r, o, path)? == "long";
    if long {
        let o = r.object(
            v,
            path,
            &["shape", "studentId", "minutes", "date", "week", "sheet"],
        )?;
        let student_id = r.req(o, path, "studentId", Reader::text);
        let minutes = r.req(o, path, "minutes", Reader::text);
        let date = r.opt(o, path, "date", Reader::text);
        let week = r.opt(o, path, "week", Reader::text);
        let roles = [
            ("studentId", student_id.as_ref()),
            ("minutes", minutes.as_ref()),
            ("date", date.as_ref()),
            ("week", week.as_ref()),
        ];
        distinct_columns(r, path, &roles);
        r.check(
            date.is_some() != week.is_some(),
            path,
            Code::InvalidValue,
            "A long usage file names either its date column (\"date\") or its week column (\"week\"), one of the two.",
        );
        if date.is_some() == week.is_some() {
            return None;
        }
        Some(Usage::Long {
            student_id: student_id?,
            minutes: minutes?,
            date,
            week,
            sheet: r.opt(o, path, "sheet", Reader::text),
        })
    } else {
        let o = r.object(
            v,
            path,
            &["shape", "studentId", "minutes", "weeks", "sheet"],
        )?;
        let student_id = r.req(o, path, "studentId", Reader::text);
        let minutes = r.req(o, path, "minutes", Reader::text);
        let weeks = r.req(o, path, "weeks", Reader::text);
        let roles = [
            ("studentId", student_id.as_ref()),
            ("minutes", minutes.as_ref()),
            ("weeks", weeks.as_ref()),
        ];
        distinct_columns(r, path, &roles);
        Some(Usage::Wide {
            student_id: student_id?,
            minutes: minutes?,
            weeks: weeks?,
            sheet: r.opt(o, path, "sheet", Reader::text),
        })
    }
}

fn read_scores_section(r: &mut Reader, v: &Value, path: &str) -> Option<Scores> {
    let Value::Object(o) = v else {
        return r.object(v, path, &[]).and(None);
    };
    let long = shape(r, o, path)? == "long";
    if long {
        let keys = [
            "shape",
            "studentId",
            "window",
            "score",
            "preWindow",
            "postWindow",
            "subject",
            "date",
            "twoInAWindow",
            "typicalGrowth",
            "marked",
            "sheet",
        ];
        let o = r.object(v, path, &keys)?;
        let student_id = r.req(o, path, "studentId", Reader::text);
        let window = r.req(o, path, "window", Reader::text);
        let score = r.req(o, path, "score", Reader::text);
        let pre_window = r.req(o, path, "preWindow", Reader::text);
        let post_window = r.req(o, path, "postWindow", Reader::text);
        let subject = r.opt(o, path, "subject", |r, v, p| {
            let s = r.object(v, p, &["column", "value"])?;
            let column = r.req(s, p, "column", Reader::text);
            let value = r.req(s, p, "value", Reader::text);
            Some(ScoreSubject {
                column: column?,
                value: value?,
            })
        });
        let date = r.opt(o, path, "date", Reader::text);
        let two_in_a_window = r
            .opt(o, path, "twoInAWindow", Reader::one_of)
            .unwrap_or_default();
        let typical_growth = r.opt(o, path, "typicalGrowth", Reader::text);
        let marked = r.opt(o, path, "marked", Reader::text);
        let subject_column = subject.as_ref().map(|s| &s.column);
        let roles = [
            ("studentId", student_id.as_ref()),
            ("window", window.as_ref()),
            ("score", score.as_ref()),
            ("subject", subject_column),
            ("date", date.as_ref()),
            ("typicalGrowth", typical_growth.as_ref()),
            ("marked", marked.as_ref()),
        ];
        distinct_columns(r, path, &roles);
        let (pre_window, post_window) = (pre_window?, post_window?);
        r.check(
            pre_window.trim() != post_window.trim(),
            &crate::error::join(path, "postWindow"),
            Code::InvalidValue,
            "The post-test's window is the pre-test's: name two different windows.",
        );
        Some(Scores::Long {
            student_id: student_id?,
            window: window?,
            score: score?,
            pre_window,
            post_window,
            subject,
            date,
            two_in_a_window,
            typical_growth,
            marked,
            sheet: r.opt(o, path, "sheet", Reader::text),
        })
    } else {
        let keys = [
            "shape",
            "studentId",
            "pre",
            "post",
            "typicalGrowth",
            "sheet",
        ];
        let o = r.object(v, path, &keys)?;
        let student_id = r.req(o, path, "studentId", Reader::text);
        let pre = r.req(o, path, "pre", Reader::text);
        let post = r.req(o, path, "post", Reader::text);
        let typical_growth = r.opt(o, path, "typicalGrowth", Reader::text);
        let roles = [
            ("studentId", student_id.as_ref()),
            ("pre", pre.as_ref()),
            ("post", post.as_ref()),
            ("typicalGrowth", typical_growth.as_ref()),
        ];
        distinct_columns(r, path, &roles);
        Some(Scores::Wide {
            student_id: student_id?,
            pre: pre?,
            post: post?,
            typical_growth,
            sheet: r.opt(o, path, "sheet", Reader::text),
        })
    }
}

fn read_students_section(r: &mut Reader, v: &Value, path: &str) -> Option<StudentFile> {
    let o = r.object(
        v,
        path,
        &["studentId", "school", "grade", "group", "district", "sheet"],
    )?;
    let student_id = r.req(o, path, "studentId", Reader::text);
    let file = StudentFile {
        student_id: student_id?,
        school: r.opt(o, path, "school", Reader::text),
        grade: r.opt(o, path, "grade", Reader::text),
        group: r.opt(o, path, "group", Reader::text),
        district: r.opt(o, path, "district", Reader::text),
        sheet: r.opt(o, path, "sheet", Reader::text),
    };
    let roles = [
        ("studentId", Some(&file.student_id)),
        ("school", file.school.as_ref()),
        ("grade", file.grade.as_ref()),
        ("group", file.group.as_ref()),
        ("district", file.district.as_ref()),
    ];
    distinct_columns(r, path, &roles);
    Some(file)
}

#[cfg(test)]
mod tests;
mod xlsx;
