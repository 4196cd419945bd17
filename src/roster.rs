//! Roster bytes -> columns of numbers. Reads the CSV once with one reused record, checks
//! every row, and keeps each column as a plain vector (no object per student), so a
//! statewide file of a million rows stays fast and small.

use crate::contract::{Columns, GrowthMetric};
use crate::error::Code;
use crate::error::{Details, Error, RowError};
use crate::growth::{row_metric, MetricProblem, RowColumn};
use std::borrow::Cow;
use std::collections::BTreeMap;

#[cfg(feature = "full")]
pub mod parts;
mod stream;
pub(crate) use stream::Record;
pub use stream::{RosterHash, RosterReader};

/// Largest roster accepted, in bytes (about five million students at 45 bytes a row).
pub const MAX_ROSTER_BYTES: usize = 256 << 20;
/// Most students (accepted rows) in one roster.
pub const MAX_STUDENTS: usize = 10_000_000;
/// Most distinct values in a school or district column.
pub const MAX_DISTINCT_VALUES: usize = 100_000;
/// Most distinct values in a subgroup column (each is a published cell).
pub const MAX_SUBGROUP_VALUES: usize = 1_000;
/// Rows reserved before reading: columns grow past this as rows are kept, so memory follows
/// the students kept, never a count the file's bytes suggest (blank lines, padding).
const MAX_RESERVED_ROWS: usize = 1 << 16;
/// Largest single row accepted, in bytes.
pub const MAX_ROW_BYTES: usize = 64 << 10;
/// Largest score accepted, in absolute value.
pub const MAX_SCORE: f64 = 1e12;
/// The highest school grade (kindergarten is 0).
pub const MAX_GRADE: u8 = 12;
/// Most minutes of use accepted for one student (about two years without a break).
pub const MAX_MINUTES: f64 = 1e6;
/// Fewest and most weeks enrolled accepted (about two hours; ten years).
pub const MIN_WEEKS: f64 = 0.01;
pub const MAX_WEEKS: f64 = 520.0;
/// Longest student id accepted, in bytes.
pub const MAX_ID_BYTES: usize = 256;
/// Row errors listed in full; beyond this they are only counted.
pub const MAX_REPORTED_ROW_ERRORS: usize = 100;

/// Rows, byte offsets, line numbers and value codes are kept as `u32`; these limits, checked
/// while reading, keep every one of them below 2^32 (checked when the crate builds).
const _: () = assert!(MAX_ROSTER_BYTES < u32::MAX as usize);
const _: () = assert!(MAX_STUDENTS < u32::MAX as usize);
const _: () = assert!(MAX_DISTINCT_VALUES < u32::MAX as usize);

/// One categorical column (school or a subgroup): a code per row and the distinct values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Category {
    pub column: String,
    pub values: Vec<String>,
    pub codes: Vec<u32>,
    /// Value -> code, ordered: lookups cost O(log values) whatever the values are, so a file
    /// crafted to collide in a hash table cannot slow the reader down. A short value is found
    /// by its [`short_word`] (one comparison a step), a longer one by its bytes.
    short_index: BTreeMap<u64, u32>,
    index: BTreeMap<Vec<u8>, u32>,
    /// Each code's value as a [`short_word`], or 0 for a longer value: most values are short
    /// (school numbers, Y/N flags), and a word compares in one instruction.
    words: Vec<u64>,
    /// The code last found for values of each hash, checked against the value before use: most
    /// lookups end here, and one crafted to collide costs a comparison more, not a slower table.
    recent: Recent,
    /// Most distinct values accepted.
    limit: usize,
}

/// [`Category::recent`]: a cache, so not part of what a category is (equal whatever it holds).
/// Each slot holds a value's key and its code: a short value's key is its [`short_word`], a
/// longer one's its hash with the top byte set (never a short word), checked against the value.
#[derive(Clone, Default)]
struct Recent(Vec<(u64, u32)>);

impl PartialEq for Recent {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Recent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recent")
    }
}

/// Slots in [`Category::recent`] (a power of two: a key's slot is its top bits after a multiply).
const RECENT_BITS: u32 = 12;

/// A value of at most seven ASCII bytes as one word: its bytes, and its length + 1 in the top
/// byte, so that two values share a word only when they are the same value (with or without a
/// NUL), and no word is 0. ASCII is its own text, so the word is the value as published too.
fn short_word(value: &[u8]) -> Option<u64> {
    if value.len() > 7 {
        return None;
    }
    // (Byte by byte: a copy of a few bytes is a call in wasm. A byte past ASCII has its high
    // bit set, so the word tells whether every byte is ASCII.)
    let bytes = (value.iter().enumerate()).fold(0u64, |w, (i, &b)| w | u64::from(b) << (8 * i));
    (bytes & 0x0080_8080_8080_8080 == 0).then_some(bytes | (value.len() as u64 + 1) << 56)
}

impl Category {
    fn new(column: &str, limit: usize) -> Self {
        Category {
            column: column.to_string(),
            limit,
            ..Default::default()
        }
    }

    /// Adds one row's value; false when it would be one distinct value too many. A value is
    /// its text, as published, and every comparison below is of that text (the reader refuses
    /// values that are not UTF-8; any such bytes would read as U+FFFD, one group with the text
    /// they read as).
    fn push(&mut self, raw: &[u8]) -> bool {
        let raw = raw.trim_ascii();
        let word = short_word(raw);
        // Most values are short and already known: found by their word alone.
        if let Some(code) = word.and_then(|w| self.known_word(w)) {
            self.codes.push(code);
            return true;
        }
        // A short value is ASCII, its own text; a longer one is read as text (see above).
        let text: Cow<[u8]> = match word {
            Some(_) => Cow::Borrowed(raw),
            None => match String::from_utf8_lossy(raw) {
                Cow::Borrowed(_) => Cow::Borrowed(raw),
                Cow::Owned(text) => Cow::Owned(text.into_bytes()),
            },
        };
        let value = &*text;
        let same = |c: u32, values: &[String], words: &[u64]| match word {
            Some(w) => words[c as usize] == w,
            None => values[c as usize].as_bytes() == value,
        };
        // A longer value is looked for as a short one was just now: runs of the same value (a
        // roster sorted by school) skip the lookup, and a handful of values (Y/N flags) is
        // faster to scan than to look up.
        if word.is_none() {
            if let Some(&last) = self
                .codes
                .last()
                .filter(|&&c| same(c, &self.values, &self.words))
            {
                self.codes.push(last);
                return true;
            }
            if self.values.len() <= 8 {
                if let Some(c) =
                    (0..self.values.len() as u32).find(|&c| same(c, &self.values, &self.words))
                {
                    self.codes.push(c);
                    return true;
                }
            }
        }
        if self.recent.0.is_empty() {
            self.recent.0 = vec![(0, 0); 1 << RECENT_BITS];
        }
        let key = word.unwrap_or_else(|| fx_hash(value) | 0xFF << 56);
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - RECENT_BITS)) as usize;
        let (cached_key, cached) = self.recent.0[slot];
        let code = if cached_key == key && same(cached, &self.values, &self.words) {
            cached
        } else {
            match self.looked_up(word, value) {
                Some(c) => c,
                None => return false,
            }
        };
        self.recent.0[slot] = (key, code);
        self.codes.push(code);
        true
    }

    /// The code of `value` (a value's text; `word`, its [`short_word`]), given it the next code
    /// when it is new; None when it would be one distinct value too many.
    fn looked_up(&mut self, word: Option<u64>, value: &[u8]) -> Option<u32> {
        let known = match word {
            Some(w) => self.short_index.get(&w),
            None => self.index.get(value),
        };
        match known {
            Some(&c) => Some(c),
            None if self.values.len() >= self.limit => None,
            None => {
                let c = self.values.len() as u32;
                match word {
                    Some(w) => self.short_index.insert(w, c),
                    None => self.index.insert(value.to_vec(), c),
                };
                self.values
                    .push(String::from_utf8_lossy(value).into_owned());
                self.words.push(word.unwrap_or(0));
                Some(c)
            }
        }
    }

    /// The code of a known short value, found as [`Category::push`] finds it (the last row's
    /// value, a scan of a handful, the recent slot of its word) with word comparisons alone;
    /// None when it is not found so (a new value, or one whose slot another holds).
    #[inline]
    fn known_word(&self, word: u64) -> Option<u32> {
        // (A longer value's word is 0, which no short value's is.)
        let is = |c: u32| self.words.get(c as usize) == Some(&word);
        if let Some(&last) = self.codes.last().filter(|&&c| is(c)) {
            return Some(last);
        }
        if self.values.len() <= 8 {
            return (0..self.words.len() as u32).find(|&c| is(c));
        }
        let slot = (word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - RECENT_BITS)) as usize;
        let &(key, code) = self.recent.0.get(slot)?;
        (key == word && is(code)).then_some(code)
    }
}

/// The error for a row whose value in `cat` is one distinct value too many.
#[cold]
fn too_many_values(cat: &Category, line: u64) -> Error {
    fatal(
        Code::TooManyValues,
        line,
        Some(&cat.column),
        if cat.limit == MAX_DISTINCT_VALUES {
            format!("the column \"{}\" has more than {} distinct values, too many for a school or district column.", cat.column, cat.limit)
        } else {
            format!("the subgroup column \"{}\" has more than {} distinct values: a column with so many tells students apart rather than grouping them. If its values are real groups, raise the contract's maxSubgroupValues (at most {MAX_SUBGROUP_VALUES}).", cat.column, cat.limit)
        },
    )
}

/// The accepted rows, column by column (index i is the same student in every column).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roster {
    /// 1-based line in the file where each row starts (the header is line 1).
    pub line: Vec<u32>,
    pub pre: Vec<f64>,
    /// NaN where the post-test is missing.
    pub post: Vec<f64>,
    pub minutes: Vec<f64>,
    pub weeks: Vec<f64>,
    /// Each student's weeks reaching the weekly minimum (the weekly fidelity rule); empty when
    /// the contract has no weekly rule.
    pub weeks_at_minimum: Vec<f64>,
    /// Each student's own typical growth (NaN when none), for `percentOfTypical` per student;
    /// empty otherwise.
    pub typical_growth: Vec<f64>,
    /// Grade 0 (kindergarten) to 12; none when the roster has no grade column.
    pub grade: Vec<Option<u8>>,
    /// True for intervention students (all of them when there is no group column).
    pub intervention: Vec<bool>,
    pub school: Option<Category>,
    /// The school district of each row, when the roster has a district column (for counting sites).
    pub district: Option<Category>,
    pub subgroups: Vec<Category>,
    pub has_group: bool,
}

impl Roster {
    /// Appends a good row: its values, and its school, district and subgroup values, refused
    /// when a column holds more distinct values than its limit.
    fn push(
        &mut self,
        values: &RowValues,
        record: Record,
        layout: Layout,
        subgroup_at: &[usize],
        start: u64,
    ) -> Result<(), Error> {
        self.line.push(start as u32);
        self.pre.push(values.pre);
        self.post.push(values.post);
        self.minutes.push(values.minutes);
        self.weeks.push(values.weeks);
        if let Some(k) = values.weeks_at_minimum {
            self.weeks_at_minimum.push(k);
        }
        if let Some(t) = values.typical_growth {
            self.typical_growth.push(t);
        }
        self.grade.push(values.grade);
        self.intervention.push(values.intervention);
        // (Each column in turn, not a chain of iterators: in wasm a chain's every step tests
        // which part it is in.)
        let put = |cat: &mut Category, i: usize| match cat.push(record.get(i).unwrap_or_default()) {
            true => Ok(()),
            false => Err(too_many_values(cat, start)),
        };
        if let (Some(cat), Some(i)) = (self.school.as_mut(), layout.school) {
            put(cat, i)?;
        }
        if let (Some(cat), Some(i)) = (self.district.as_mut(), layout.district) {
            put(cat, i)?;
        }
        for (cat, &i) in self.subgroups.iter_mut().zip(subgroup_at) {
            put(cat, i)?;
        }
        Ok(())
    }

    fn reserve(&mut self, rows: usize) {
        self.line.reserve(rows);
        for column in [
            &mut self.pre,
            &mut self.post,
            &mut self.minutes,
            &mut self.weeks,
            &mut self.weeks_at_minimum,
            &mut self.typical_growth,
        ] {
            column.reserve(rows);
        }
        self.grade.reserve(rows);
        self.intervention.reserve(rows);
        for cat in self.categories_mut() {
            cat.codes.reserve(rows);
        }
    }

    pub fn len(&self) -> usize {
        self.pre.len()
    }

    fn categories_mut(&mut self) -> impl Iterator<Item = &mut Category> {
        self.school
            .iter_mut()
            .chain(self.district.iter_mut())
            .chain(self.subgroups.iter_mut())
    }

    /// Keeps the rows whose `keep` is true, in every column.
    fn retain(&mut self, keep: &[bool]) {
        fn column<T: Copy>(v: &mut Vec<T>, keep: &[bool]) {
            let mut i = 0;
            v.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
        column(&mut self.line, keep);
        for c in [
            &mut self.pre,
            &mut self.post,
            &mut self.minutes,
            &mut self.weeks,
            &mut self.weeks_at_minimum,
            &mut self.typical_growth,
        ] {
            column(c, keep);
        }
        column(&mut self.grade, keep);
        column(&mut self.intervention, keep);
        for cat in self.categories_mut() {
            column(&mut cat.codes, keep);
        }
    }
    pub fn is_empty(&self) -> bool {
        self.pre.is_empty()
    }
}

/// What reading gave: the accepted rows, and the bad rows (the first ones in full, all counted).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOutcome {
    pub roster: Roster,
    pub errors: Vec<RowError>,
    pub error_count: usize,
    /// Grades present in the roster that the metric's norms do not cover, with a line of each.
    pub grades_without_norm: Vec<(u8, u64)>,
}

/// What the reader needs from the contract.
#[derive(Clone)]
pub struct ReadOptions {
    pub columns: Columns,
    pub subgroup_columns: Vec<String>,
    /// Most distinct values in a subgroup column.
    pub max_subgroup_values: usize,
    pub metric: GrowthMetric,
    pub need_school: bool,
    /// The weekly fidelity rule's minimum minutes a week, when the contract has the rule: the
    /// weeks-at-minimum column is then read.
    pub weekly_minimum: Option<f64>,
}

fn fatal(code: Code, line: u64, column: Option<&str>, message: String) -> Error {
    Error {
        code: Code::InvalidRoster,
        message: format!("The roster cannot be read: {message}"),
        details: Details::Rows {
            errors: vec![RowError {
                line,
                column: column.map(str::to_string),
                code,
                message,
            }],
            total: 1,
        },
    }
}

#[derive(Clone, Copy)]
struct Layout {
    id: usize,
    pre: usize,
    post: usize,
    minutes: usize,
    weeks: usize,
    grade: Option<usize>,
    group: Option<usize>,
    school: Option<usize>,
    district: Option<usize>,
    weeks_at_minimum: Option<usize>,
    typical_growth: Option<usize>,
}

/// Leaves out the second and later rows of each duplicated id, each listed as a row error;
/// the errors are then in file order, the first ones kept.
fn drop_duplicates(
    roster: &mut Roster,
    duplicates: &[Duplicate],
    id_column: &str,
    errors: &mut Vec<RowError>,
) {
    if !duplicates.is_empty() {
        for d in duplicates.iter().take(MAX_REPORTED_ROW_ERRORS) {
            errors.push(RowError {
                line: u64::from(roster.line[d.row as usize]),
                column: Some(id_column.to_string()),
                code: Code::DuplicateId,
                message: format!(
                    "Student id \"{}\" already appears on line {}.",
                    String::from_utf8_lossy(&d.id),
                    roster.line[d.first as usize]
                ),
            });
        }
        let mut keep = vec![true; roster.len()];
        for d in duplicates {
            keep[d.row as usize] = false;
        }
        roster.retain(&keep);
        // The rows in error in file order, the first ones listed.
        errors.sort_by_key(|e| e.line);
        errors.truncate(MAX_REPORTED_ROW_ERRORS);
    }
}

/// An empty roster with the header's categorical columns, and where each subgroup column is.
fn empty_roster(
    header: &[String],
    layout: Layout,
    opts: &ReadOptions,
) -> Result<(Roster, Vec<usize>), Error> {
    let mut roster = Roster {
        has_group: layout.group.is_some(),
        school: layout
            .school
            .map(|i| Category::new(&header[i], MAX_DISTINCT_VALUES)),
        district: layout
            .district
            .map(|i| Category::new(&header[i], MAX_DISTINCT_VALUES)),
        ..Default::default()
    };
    let subgroup_at: Vec<usize> = opts
        .subgroup_columns
        .iter()
        .map(|name| find(header, name).ok_or_else(|| missing_column(name, header)))
        .collect::<Result<_, _>>()?;
    roster.subgroups = subgroup_at
        .iter()
        .map(|&i| Category::new(&header[i], opts.max_subgroup_values))
        .collect();
    Ok((roster, subgroup_at))
}

/// Reads a whole roster at once (see [`RosterReader`]): what was read, and the SHA-256 of its
/// bytes.
pub fn read(
    bytes: &[u8],
    opts: ReadOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<(ReadOutcome, [u8; 32]), Error> {
    let mut reader = RosterReader::new(opts, Some(bytes.len() as u64));
    // In hundredths (of at least 64 KB), so that progress is heard as it goes.
    for chunk in bytes.chunks((bytes.len() / 100).max(1 << 16)) {
        reader.push(chunk, progress)?;
    }
    reader.finish()
}

/// The line of each byte offset of a text, counted forward as a reader goes: a line ends at
/// "\n", "\r\n" or a "\r" alone. (The csv crate's own count leaves blank lines out and put
/// every row of a CRLF file one line early.)
pub(crate) struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Self {
        Lines {
            text,
            at: 0,
            line: 1,
        }
    }

    /// The line a record starts on, from its byte `offset` as the csv reader gives it: the
    /// end of the record before, so the blank lines the reader skips come first.
    pub(crate) fn of_record(&mut self, offset: u64) -> u64 {
        let blank = (self.text.get(offset as usize..).unwrap_or_default().iter())
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        self.of(offset + blank as u64)
    }

    /// The line of byte `offset`; offsets are asked in order (an earlier one gets the line
    /// last counted).
    pub(crate) fn of(&mut self, offset: u64) -> u64 {
        let to = (offset as usize).min(self.text.len());
        if let Some(chunk) = self.text.get(self.at..to) {
            let ends = chunk.iter().filter(|&&b| b == b'\n').count();
            // A "\r" ends a line unless a "\n" follows it (past the chunk too).
            let lone_cr = match chunk.contains(&b'\r') {
                false => 0,
                true => (self.at..to)
                    .filter(|&i| self.text[i] == b'\r' && self.text.get(i + 1) != Some(&b'\n'))
                    .count(),
            };
            self.line += (ends + lone_cr) as u64;
            self.at = to;
        }
        self.line
    }
}

/// The first header name given twice (case aside), found in O(n log n) whatever the header's
/// width.
pub(crate) fn named_twice(header: &[String]) -> Option<&String> {
    let mut seen = std::collections::BTreeSet::new();
    (header.iter()).find(|h| !h.is_empty() && !seen.insert(h.to_ascii_lowercase()))
}

/// The error for a district file of `len` bytes over [`MAX_ROSTER_BYTES`] (the wasm binding
/// refuses one before copying it; a roster alone is read in pieces, whatever its size).
#[cfg(target_arch = "wasm32")]
pub fn too_large(len: usize) -> Error {
    fatal(
        Code::TooLarge,
        1,
        None,
        format!(
            "the file is {} MB; the largest roster accepted is {} MB. Split it by district or school.",
            len >> 20,
            MAX_ROSTER_BYTES >> 20
        ),
    )
}

fn find(header: &[String], name: &str) -> Option<usize> {
    let name = name.trim();
    header.iter().position(|h| h.eq_ignore_ascii_case(name))
}

fn missing_column(name: &str, header: &[String]) -> Error {
    let found = header
        .iter()
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let only = header.len() == 1;
    let hint = match header.first() {
        Some(h) if only && h.contains(';') => {
            " The file seems to be separated by semicolons: save it as comma-separated CSV."
        }
        Some(h) if only && h.contains('\t') => {
            " The file seems to be separated by tabs: save it as comma-separated CSV."
        }
        _ => "",
    };
    fatal(
        Code::MissingColumn,
        1,
        Some(name),
        format!("the header has no \"{name}\" column (found {found}).{hint}"),
    )
}

fn layout(header: &[String], opts: &ReadOptions) -> Result<Layout, Error> {
    let c = &opts.columns;
    if let Some(h) = named_twice(header) {
        return Err(fatal(
            Code::DuplicateColumn,
            1,
            Some(h),
            format!("the header names the column \"{h}\" twice."),
        ));
    }
    let required = |name: &str| find(header, name).ok_or_else(|| missing_column(name, header));
    let layout = Layout {
        id: required(&c.student_id)?,
        pre: required(&c.pre)?,
        post: required(&c.post)?,
        minutes: required(&c.minutes)?,
        weeks: required(&c.weeks)?,
        grade: find(header, &c.grade),
        group: find(header, &c.group),
        school: find(header, &c.school),
        district: find(header, &c.district),
        weeks_at_minimum: match opts.weekly_minimum {
            Some(_) => Some(required(&c.weeks_at_minimum)?),
            None => None,
        },
        typical_growth: match opts.metric.per_student() {
            true => Some(required(&c.typical_growth)?),
            false => None,
        },
    };
    if opts.metric.needs_grade() && layout.grade.is_none() {
        return Err(missing_column(&c.grade, header));
    }
    if opts.need_school && layout.school.is_none() {
        return Err(missing_column(&c.school, header));
    }
    Ok(layout)
}

#[derive(Debug)]
struct RowValues {
    pre: f64,
    post: f64,
    no_norm: Option<u8>,
    minutes: f64,
    weeks: f64,
    weeks_at_minimum: Option<f64>,
    typical_growth: Option<f64>,
    grade: Option<u8>,
    intervention: bool,
}

/// The problem of a row past [`MAX_ROW_BYTES`].
pub(crate) fn row_too_long() -> (Code, String) {
    (
        Code::RowTooLong,
        format!("The row is longer than {} KB.", MAX_ROW_BYTES >> 10),
    )
}

/// A row's shape: not longer than any roster row, no quote left open, as many fields as the
/// header.
/// `bytes` are the row's bytes still to check (its fields end to end, none when the reader
/// has looked at every one), `fields` how many fields there are.
pub(crate) fn row_shape(bytes: &[u8], fields: usize, width: usize) -> Result<(), (Code, String)> {
    if bytes.len() > MAX_ROW_BYTES {
        return Err(row_too_long());
    }
    // A line break inside a quoted field is legal CSV, but in a roster it means a quote was
    // never closed (its fields' bytes hold one only then: the reader drops line ends).
    if memchr::memchr2(b'\n', b'\r', bytes).is_some() {
        return Err((
            Code::UnterminatedQuote,
            "A quoted field opened on this line is not closed before the line ends.".into(),
        ));
    }
    if fields != width {
        return Err((
            Code::WrongFieldCount,
            format!("The row has {fields} fields; the header has {width}."),
        ));
    }
    Ok(())
}

/// The documented ranges, in which every sum, square and ratio of the values stays finite;
/// an error names the column at fault.
fn in_range(
    l: &Layout,
    pre: f64,
    post: f64,
    minutes: f64,
    weeks: f64,
) -> Result<(), (usize, Code, String)> {
    if minutes < 0.0 {
        return Err((
            l.minutes,
            Code::NegativeNumber,
            "Minutes of use cannot be negative.".into(),
        ));
    }
    for (i, x) in [(l.pre, pre), (l.post, post)] {
        if x.abs() > MAX_SCORE {
            return Err((
                i,
                Code::OutOfRange,
                format!("A score is at most {MAX_SCORE:e} in size; {x} is not a test score."),
            ));
        }
    }
    if minutes > MAX_MINUTES {
        return Err((
            l.minutes,
            Code::OutOfRange,
            format!("{minutes} minutes is more than a student can use ({MAX_MINUTES} at most)."),
        ));
    }
    if !(MIN_WEEKS..=MAX_WEEKS).contains(&weeks) {
        return Err((
            l.weeks,
            Code::OutOfRange,
            format!("Weeks enrolled must be from {MIN_WEEKS} to {MAX_WEEKS}."),
        ));
    }
    Ok(())
}

/// Weeks at the weekly minimum: a whole number from 0 to the weeks, each taking the minimum's
/// minutes (the disclosure audit takes an average below share x minimum as below fidelity).
fn weekly_in_range(k: f64, weeks: f64, minutes: f64, minimum: f64) -> Result<(), (Code, String)> {
    if k.fract() != 0.0 || k < 0.0 {
        return Err((
            Code::InvalidNumber,
            format!("{k} is not a whole number of weeks."),
        ));
    }
    if k > weeks {
        return Err((
            Code::OutOfRange,
            format!("{k} weeks at the weekly minimum is more than the {weeks} weeks enrolled."),
        ));
    }
    if minutes < least_minutes(k * minimum) {
        return Err((Code::OutOfRange, format!("{k} weeks of at least {minimum} minutes take {} minutes or more, and the row has {minutes}.", k * minimum)));
    }
    Ok(())
}

/// The fewest minutes the reader takes for weeks at a weekly minimum that come to `minutes`
/// in all: a hair under, with room for the rounding of a sum of decimal minutes. The published
/// audit's dose bands rely on this same bound (`band_sides`).
pub fn least_minutes(minutes: f64) -> f64 {
    (minutes - 1e-9) / (1.0 + 1e-9)
}

/// [`check_row_in_full`]'s values for a row whose every value is in its commonest form: a line
/// read in place (no quote; not cut by a chunk's end), the right number of fields, published
/// values in ASCII, numbers as plain decimals without spaces, no weekly rule and no own typical
/// growth. None for any other row, left to
/// `check_row_in_full` (which says what is wrong, when something is). The same functions apply
/// the same rules; what this path leaves out is the general path's cost (a closure and an error
/// built ready for each value, a trim of each number, UTF-8 checks of ASCII), which in wasm
/// was an eighth of the time of a whole evaluation.
fn common_row(
    record: Record,
    width: usize,
    (l, subgroup_at): (Layout, &[usize]),
    opts: &ReadOptions,
) -> Option<RowValues> {
    if record.len() != width
        || !record.unchecked_bytes().is_empty()
        || l.weeks_at_minimum.is_some()
        || l.typical_growth.is_some()
    {
        return None;
    }
    let field = |i: usize| record.get(i).unwrap_or_default();
    let published = (l.school.iter().chain(&l.district)).chain(subgroup_at);
    if !published.into_iter().all(|&i| field(i).is_ascii()) {
        return None;
    }
    let id = field(l.id).trim_ascii();
    if id.is_empty() || id.len() > MAX_ID_BYTES {
        return None;
    }
    // (`+ 0.0`: -0 is 0, as parse_number gives it.)
    let number = |i: usize| exact_decimal(field(i)).map(|x| x + 0.0);
    let optional = |i: usize| match field(i) {
        [] => Some(f64::NAN),
        _ => number(i),
    };
    let (pre, post) = (optional(l.pre)?, optional(l.post)?);
    let (minutes, weeks) = (number(l.minutes)?, number(l.weeks)?);
    in_range(&l, pre, post, minutes, weeks).ok()?;
    let grade = match l.grade {
        None => None,
        Some(i) => Some(parse_grade(field(i)).ok()?),
    };
    let intervention = match l.group {
        None => true,
        Some(i) => parse_group(field(i)).ok()?,
    };
    let no_norm = match row_metric(&opts.metric, (pre, post, weeks, grade), f64::NAN) {
        Ok(_) | Err(MetricProblem::NoRoomToGrow) => None,
        Err(MetricProblem::NoNorm { grade }) => Some(grade),
        Err(MetricProblem::Row { .. }) => return None,
    };
    Some(RowValues {
        pre,
        post,
        minutes,
        weeks,
        weeks_at_minimum: None,
        typical_growth: None,
        grade,
        intervention,
        no_norm,
    })
}

/// A row's values, or what is wrong with it: most rows in their commonest form
/// ([`common_row`]), the rest by every rule ([`check_row_in_full`]).
fn check_row(
    record: Record,
    header: &[String],
    width: usize,
    (l, subgroup_at): (Layout, &[usize]),
    opts: &ReadOptions,
    line: u64,
) -> Result<RowValues, Box<RowError>> {
    match common_row(record, width, (l, subgroup_at), opts) {
        Some(values) => Ok(values),
        None => check_row_in_full(record, header, width, (l, subgroup_at), opts, line),
    }
}

/// A row's values, or what is wrong with it (boxed: each value's result is then a word and a
/// float, not a whole error).
fn check_row_in_full(
    record: Record,
    header: &[String],
    width: usize,
    (l, subgroup_at): (Layout, &[usize]),
    opts: &ReadOptions,
    line: u64,
) -> Result<RowValues, Box<RowError>> {
    let err = |column: Option<usize>, code: Code, message: String| {
        Box::new(RowError {
            line,
            column: column.map(|i| header[i].clone()),
            code,
            message,
        })
    };
    row_shape(record.unchecked_bytes(), record.len(), width)
        .map_err(|(code, message)| err(None, code, message))?;
    let field = |i: usize| record.get(i).unwrap_or_default();
    // A value students are grouped by, and the report may publish, is text as the file says
    // it, never a guess at bytes saved in another encoding: a Latin-1 "Peña" and "Peéa" would
    // both read "Pe\u{FFFD}a", one group. (Ids are compared as bytes and never published;
    // numbers say when they are not text.)
    let published = (l.school.iter().chain(&l.district)).chain(subgroup_at);
    if let Some(&i) = published
        .into_iter()
        .find(|&&i| !field(i).is_ascii() && std::str::from_utf8(field(i)).is_err())
    {
        return Err(err(
            Some(i),
            Code::NotUtf8,
            format!("The value of \"{}\" is not UTF-8 text: save the file as UTF-8 (\"CSV UTF-8\" in a spreadsheet).", header[i]),
        ));
    }
    let id = field(l.id).trim_ascii();
    if id.is_empty() {
        return Err(err(
            Some(l.id),
            Code::MissingValue,
            "The student id is empty.".into(),
        ));
    }
    if id.len() > MAX_ID_BYTES {
        return Err(err(
            Some(l.id),
            Code::TooLong,
            format!("The student id is longer than {MAX_ID_BYTES} bytes."),
        ));
    }
    let number = |i: usize, optional: bool| -> Result<f64, Box<RowError>> {
        match parse_number(field(i)) {
            Ok(Some(x)) => Ok(x),
            Ok(None) if optional => Ok(f64::NAN),
            Ok(None) => Err(err(
                Some(i),
                Code::MissingValue,
                format!("\"{}\" is empty.", header[i]),
            )),
            Err(why) => Err(err(Some(i), Code::InvalidNumber, why)),
        }
    };
    // A missing pre-test is a missing outcome for the growth metrics, not a bad row.
    let pre = number(l.pre, true)?;
    let post = number(l.post, true)?;
    // Comparison students too have minutes (0 when they did not use the product) and weeks.
    let explained = |i: usize, what: &str| {
        number(i, false).map_err(|mut e| {
            if e.code == Code::MissingValue {
                e.message = format!("\"{}\" is empty: give {what}.", header[i]);
            }
            e
        })
    };
    let minutes = explained(
        l.minutes,
        "the minutes of use (0 for a student who did not use the product, as a comparison student)",
    )?;
    let weeks = explained(
        l.weeks,
        "the weeks the student was enrolled (a comparison student's too)",
    )?;
    in_range(&l, pre, post, minutes, weeks)
        .map_err(|(column, code, message)| err(Some(column), code, message))?;
    let weeks_at_minimum = match (l.weeks_at_minimum, opts.weekly_minimum) {
        (Some(i), Some(minimum)) => {
            let k = explained(
                i,
                "the weeks the student reached the weekly minimum (0 for none)",
            )?;
            weekly_in_range(k, weeks, minutes, minimum)
                .map_err(|(code, message)| err(Some(i), code, message))?;
            Some(k)
        }
        _ => None,
    };
    let grade = match l.grade {
        None => None,
        Some(i) => {
            Some(parse_grade(field(i)).map_err(|why| err(Some(i), Code::InvalidGrade, why))?)
        }
    };
    let intervention = match l.group {
        None => true,
        Some(i) => parse_group(field(i)).map_err(|why| err(Some(i), Code::InvalidGroup, why))?,
    };
    // A student's own typical growth: empty is none (no outcome), else above 0.
    let typical_growth = match l.typical_growth {
        None => None,
        Some(i) => {
            let t = number(i, true)?;
            // (As a norm's typical growth: a smaller one makes outcomes past any float.)
            let least = crate::contract::MIN_NORM;
            if !t.is_nan() && !(least..=MAX_SCORE).contains(&t) {
                return Err(err(
                    Some(i),
                    Code::OutOfRange,
                    format!("A typical growth is from {least} to {MAX_SCORE:e}; {t} is not one."),
                ));
            }
            Some(t)
        }
    };
    // The metric is checked here (a row it cannot be computed for is a row error) and
    // computed again when the rows are tallied.
    let row = (pre, post, weeks, grade);
    let no_norm = match row_metric(&opts.metric, row, typical_growth.unwrap_or(f64::NAN)) {
        Ok(_) => None,
        Err(MetricProblem::Row {
            code,
            message,
            column,
        }) => {
            let at = match column {
                RowColumn::Pre => Some(l.pre),
                RowColumn::Post => Some(l.post),
                RowColumn::Grade => l.grade,
            };
            return Err(err(at, code, message));
        }
        Err(MetricProblem::NoNorm { grade }) => Some(grade),
        Err(MetricProblem::NoRoomToGrow) => None,
    };
    Ok(RowValues {
        pre,
        post,
        minutes,
        weeks,
        weeks_at_minimum,
        typical_growth,
        grade,
        intervention,
        no_norm,
    })
}

/// A decimal number with a point; `Ok(None)` when the field is empty. Rejects NaN, infinities,
/// numbers too large for a double (such as 1e400) and a comma as the decimal separator. `-0` is 0.
pub fn parse_number(raw: &[u8]) -> Result<Option<f64>, String> {
    let s = raw.trim_ascii();
    if s.is_empty() {
        return Ok(None);
    }
    if let Some(x) = exact_decimal(s) {
        return Ok(Some(x + 0.0));
    }
    let text =
        std::str::from_utf8(s).map_err(|_| "The value is not valid UTF-8 text.".to_string())?;
    // The common case first; the checks below only explain a failure.
    if let Ok(x) = text.parse::<f64>() {
        if x.is_finite() {
            return Ok(Some(x + 0.0));
        }
    }
    let looks_numeric = s
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !looks_numeric {
        let hint = if thousands_grouped(text) {
            " Write it without thousands separators (1200, not 1,200)."
        } else if s.contains(&b',') {
            " Use a point as the decimal separator (1.5, not 1,5)."
        } else {
            ""
        };
        return Err(format!("\"{}\" is not a number.{hint}", clip(text)));
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x + 0.0)),
        Ok(_) => Err(format!("\"{}\" is too large to be a score.", clip(text))),
        Err(_) => Err(format!("\"{}\" is not a number.", clip(text))),
    }
}

/// A plain decimal (a sign, digits, a point, digits; no exponent) whose digits make a whole
/// number m of at most 2^53 with at most 22 of them after the point: m / 10^k, exactly what
/// the general parser gives, because m and 10^k are both exact doubles and one division is
/// correctly rounded (Clinger's fast path: W. D. Clinger, "How to read floating point numbers
/// accurately", PLDI 1990, section 4). None for anything else, left to the general parser.
fn exact_decimal(s: &[u8]) -> Option<f64> {
    const POWERS: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let (negative, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    // The digits as one whole number m, and where the point is. Past 2^53, m cannot be exact:
    // the general parser takes it (and m * 10 + 9 never overflows before then).
    let (mut m, mut point) = (0u64, None);
    for (i, &b) in digits.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit < 10 {
            if m > 1 << 53 {
                return None;
            }
            m = m * 10 + u64::from(digit);
        } else if b == b'.' && point.is_none() {
            point = Some(i);
        } else {
            return None;
        }
    }
    // The digits after the point (counted once, not digit by digit).
    let k = point.map_or(0, |p| digits.len() - p - 1);
    // (A point alone, or a sign alone, is no number.)
    if digits.len() == usize::from(point.is_some()) || m > 1 << 53 || k >= POWERS.len() {
        return None;
    }
    let x = m as f64 / POWERS[k];
    Some(if negative { -x } else { x })
}

/// Whether `text` reads as a number grouped in thousands by commas (1,200 or -12,345.5), which
/// is rather a thousands separator than a decimal comma.
fn thousands_grouped(text: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let whole = unsigned.split_once('.').map_or(
        unsigned,
        |(w, fraction)| {
            if digits(fraction) {
                w
            } else {
                ""
            }
        },
    );
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    digits(first)
        && first.len() <= 3
        && !rest.is_empty()
        && rest.iter().all(|g| g.len() == 3 && digits(g))
}

/// Grade 0 to 12; `K` and `KG` are kindergarten (0).
pub fn parse_grade(raw: &[u8]) -> Result<u8, String> {
    // One or two digits, as nearly every roster writes a grade (what `u8::from_str` gives).
    match *raw {
        [d] if d.is_ascii_digit() => return Ok(d - b'0'),
        [a, b]
            if a.is_ascii_digit()
                && b.is_ascii_digit()
                && (a - b'0') * 10 + (b - b'0') <= MAX_GRADE =>
        {
            return Ok((a - b'0') * 10 + (b - b'0'))
        }
        _ => {}
    }
    let s = raw.trim_ascii();
    if s.eq_ignore_ascii_case(b"K") || s.eq_ignore_ascii_case(b"KG") {
        return Ok(0);
    }
    match std::str::from_utf8(s)
        .ok()
        .and_then(|t| t.parse::<u8>().ok())
    {
        Some(g) if g <= MAX_GRADE => Ok(g),
        _ => Err(format!(
            "\"{}\" is not a grade: use K or 0 for kindergarten, up to 12.",
            clip(&String::from_utf8_lossy(s))
        )),
    }
}

/// `intervention`, `treatment` or `T`; `comparison`, `control` or `C` (any case).
pub fn parse_group(raw: &[u8]) -> Result<bool, String> {
    match raw {
        b"T" => return Ok(true),
        b"C" => return Ok(false),
        _ => {}
    }
    let s = raw.trim_ascii();
    let is = |words: &[&[u8]]| words.iter().any(|w| s.eq_ignore_ascii_case(w));
    if is(&[b"intervention", b"treatment", b"t"]) {
        Ok(true)
    } else if is(&[b"comparison", b"control", b"c"]) {
        Ok(false)
    } else {
        Err(format!(
            "\"{}\" is not a group: use intervention (or T) or comparison (or C).",
            clip(&String::from_utf8_lossy(s))
        ))
    }
}

/// At most 40 characters of a value, for messages.
fn clip(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A row whose student id an earlier row already has.
struct Duplicate {
    row: u32,
    first: u32,
    id: Vec<u8>,
}

/// Bits of a row number in an id's key ([`id_key`]).
const ROW_BITS: u32 = 24;
const _: () = assert!(MAX_STUDENTS < 1 << ROW_BITS);

/// Row `row`'s id as one word, for the duplicate check: the top 40 bits of the id's hash above
/// the row. Sorting words is quicker than sorting (hash, row) pairs, and puts the rows of equal
/// hashes (duplicates, or collisions, compared exactly after) side by side in row order.
fn id_key(hash: u64, row: u32) -> u64 {
    hash & !((1 << ROW_BITS) - 1) | u64::from(row)
}

/// The rows whose id repeats an earlier row's, in row order. `keys` holds each row's
/// [`id_key`]; row r's id is `id_bytes[id_ends[r - 1]..id_ends[r]]`. Rows whose hashes share
/// their top 40 bits (duplicates, or collisions) are compared exactly, by sorting them:
/// O(k log k) for a group of k, so even ids crafted to share a hash cost a sort, never k
/// squared comparisons.
fn duplicate_rows(keys: &mut [u64], id_bytes: &[u8], id_ends: &[usize]) -> Vec<Duplicate> {
    keys.sort_unstable();
    let row_of = |key: u64| (key & ((1 << ROW_BITS) - 1)) as u32;
    let id = |row: u32| {
        let row = row as usize;
        let start = row.checked_sub(1).map_or(0, |r| id_ends[r]);
        id_bytes.get(start..id_ends[row]).unwrap_or_default()
    };
    let mut found = Vec::new();
    let same_hash = |a: &u64, b: &u64| a >> ROW_BITS == b >> ROW_BITS;
    for group in keys.chunk_by(same_hash).filter(|g| g.len() > 1) {
        let mut members: Vec<(&[u8], u32)> = group
            .iter()
            .map(|&key| (id(row_of(key)), row_of(key)))
            .collect();
        // Equal ids side by side, the earliest row first.
        members.sort_unstable();
        for same in members.chunk_by(|a, b| a.0 == b.0) {
            let first = same[0].1;
            for (id, row) in &same[1..] {
                found.push(Duplicate {
                    row: *row,
                    first,
                    id: id.to_vec(),
                });
            }
        }
    }
    found.sort_by_key(|d| d.row);
    found
}

fn fx_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let word = tail
            .iter()
            .rev()
            .fold(0u64, |w, &b| (w << 8) | u64::from(b));
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    // murmur3's finalizer: spreads every input bit over the low bits the hash table indexes by
    // (ids such as "10000000".."10999999" differ only in their last bytes).
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests;
