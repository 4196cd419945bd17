//! The roster read as it arrives: bytes pushed in chunks of any size (a file's stream, 64 KB at
//! a time) give the same rows, errors and digest as the whole file at once, while the memory
//! held grows with the students kept, never with the file's bytes. The CSV grammar is
//! `csv_core`'s (the `csv` crate's own push parser): quotes, doubled quotes, CR, LF and CRLF
//! line ends, a UTF-8 byte-order mark.

use super::{
    check_row, drop_duplicates, duplicate_rows, empty_roster, fatal, fx_hash, id_key, layout,
    row_too_long, Layout, ReadOptions, ReadOutcome, Roster, MAX_REPORTED_ROW_ERRORS,
    MAX_RESERVED_ROWS, MAX_ROW_BYTES, MAX_STUDENTS,
};
use crate::error::{Code, Error, RowError};
use csv_core::ReadRecordResult;
use sha2::{Digest, Sha256};

/// What takes the SHA-256 of a roster's bytes as they are read: [`Sha256`] in this crate, or
/// a platform's own (Node's `crypto`, native where wasm is not; the wasm binding's choice).
pub trait RosterHash {
    /// The next bytes read.
    fn update(&mut self, bytes: &[u8]);
    /// The digest of every byte given, or why there is none.
    fn finish(self: Box<Self>) -> Result<[u8; 32], Error>;
}

impl RosterHash for Sha256 {
    fn update(&mut self, bytes: &[u8]) {
        Digest::update(self, bytes);
    }

    fn finish(self: Box<Self>) -> Result<[u8; 32], Error> {
        Ok(self.finalize().into())
    }
}

/// One record's fields: their bytes, and where each ends. As `csv_core` wrote them, the fields
/// lie end to end (`gap` 0); on a line read in place, one separator apart (`gap` 1).
#[derive(Clone, Copy)]
pub(crate) struct Record<'b> {
    bytes: &'b [u8],
    ends: &'b [usize],
    gap: usize,
}

impl<'b> Record<'b> {
    /// The fields' bytes where a line break or too many bytes could hide: none on a line read
    /// in place, whose every byte was looked at as it was split.
    pub(crate) fn unchecked_bytes(&self) -> &'b [u8] {
        match self.gap {
            0 => self.bytes,
            _ => &[],
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn get(&self, i: usize) -> Option<&'b [u8]> {
        let end = *self.ends.get(i)?;
        let start = i.checked_sub(1).map_or(0, |j| self.ends[j] + self.gap);
        self.bytes.get(start..end)
    }

    /// A line's fields one separator apart, as a line read in place gives them (for tests).
    #[cfg(test)]
    pub(crate) fn in_place(bytes: &'b [u8], ends: &'b [usize]) -> Self {
        Record {
            bytes,
            ends,
            gap: 1,
        }
    }

    fn iter(&self) -> impl Iterator<Item = &'b [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// Lines counted as bytes go by: a line ends at "\n", "\r\n" or a "\r" alone, and a record's
/// line is that of its first byte that ends no line (the blank lines before it come first).
#[derive(Default)]
struct LineCount {
    /// Line ends seen.
    ends: u64,
    /// The last byte seen was "\r" (a "\n" next ends no further line).
    after_cr: bool,
    /// A record has begun and its first byte is not yet seen.
    seeking: bool,
    /// The line the current record starts on.
    record: u64,
}

impl LineCount {
    fn see(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                b'\n' => self.ends += u64::from(!self.after_cr),
                b'\r' => self.ends += 1,
                _ if self.seeking => {
                    self.record = self.ends + 1;
                    self.seeking = false;
                }
                _ => {}
            }
            self.after_cr = b == b'\r';
        }
    }
}

/// The header's column layout and everything counted from the rows after it.
pub(super) struct Rows {
    header: Vec<String>,
    layout: Layout,
    subgroup_at: Vec<usize>,
    pub(super) roster: Roster,
    /// Each row's [`id_key`] (its id's hash and its row), and each id's bytes end to end with
    /// where each ends: duplicates are found after the last row, from these alone.
    pub(super) ids: Vec<u64>,
    pub(super) id_bytes: Vec<u8>,
    pub(super) id_ends: Vec<usize>,
    pub(super) errors: Vec<RowError>,
    pub(super) error_count: usize,
    pub(super) grades_without_norm: Vec<(u8, u64)>,
}

/// A roster read chunk by chunk: [`RosterReader::push`] each chunk, then
/// [`RosterReader::finish`]. Structural problems (a missing column, UTF-16, too many students)
/// are an `invalidRoster` error from the push that meets them (and from every push after);
/// each bad row is a [`RowError`] in the outcome.
pub struct RosterReader {
    opts: ReadOptions,
    csv: csv_core::Reader,
    /// The record being read: its field bytes and ends so far.
    record: Vec<u8>,
    ends: Vec<usize>,
    record_len: usize,
    ends_len: usize,
    /// The record ran past [`MAX_ROW_BYTES`]: the rest of it goes to the scratch buffers.
    overflow: bool,
    scratch: Vec<u8>,
    scratch_ends: Vec<usize>,
    lines: LineCount,
    /// Whether plain lines are read in place (only tests turn it off, to compare with
    /// `csv_core` reading every byte).
    plain: bool,
    /// Where each field of the line read in place ends.
    plain_ends: Vec<usize>,
    /// The file's first bytes, held until there are three (a byte-order mark is checked whole).
    start: Vec<u8>,
    started: bool,
    rows: Option<Rows>,
    /// Bytes read, and the file's size when the caller knows it (for progress).
    read_bytes: u64,
    size: Option<u64>,
    next_report: u64,
    digest: Box<dyn RosterHash>,
    failed: Option<Error>,
}

impl RosterReader {
    /// A reader for rosters laid out as `opts` says; `size`, the file's bytes when known, lets
    /// it report progress and reserve room for the rows it suggests.
    pub fn new(opts: ReadOptions, size: Option<u64>) -> Self {
        Self::hashed_by(opts, size, Box::new(Sha256::new()))
    }

    /// [`RosterReader::new`], the digest taken by `hash`.
    pub fn hashed_by(opts: ReadOptions, size: Option<u64>, hash: Box<dyn RosterHash>) -> Self {
        RosterReader {
            opts,
            csv: csv_core::Reader::new(),
            record: vec![0; 1024],
            ends: vec![0; 64],
            record_len: 0,
            ends_len: 0,
            overflow: false,
            scratch: Vec::new(),
            scratch_ends: Vec::new(),
            lines: LineCount {
                seeking: true,
                ..Default::default()
            },
            plain: true,
            plain_ends: Vec::new(),
            start: Vec::new(),
            started: false,
            rows: None,
            read_bytes: 0,
            size,
            next_report: size.map_or(u64::MAX, |s| (s / 100).max(1 << 16)),
            digest: hash,
            failed: None,
        }
    }

    /// Reads the next bytes of the file; `progress` hears the share read, when the size is known.
    pub fn push(&mut self, chunk: &[u8], progress: &mut dyn FnMut(f64)) -> Result<(), Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        // No bytes is no news (the parser would take an empty input for the end of the file).
        if chunk.is_empty() {
            return Ok(());
        }
        self.digest.update(chunk);
        let result = if self.started {
            self.read(chunk, progress)
        } else {
            // The first six bytes together: UTF-16 is refused, and up to two UTF-8 byte-order
            // marks are dropped whole (one here, one by csv_core, which sees it only in one
            // piece), as when the whole file is read.
            self.start.extend_from_slice(chunk);
            if self.start.len() < 6 {
                return Ok(());
            }
            self.begin(progress)
        };
        if let Err(e) = result {
            self.failed = Some(e.clone());
            return Err(e);
        }
        Ok(())
    }

    fn begin(&mut self, progress: &mut dyn FnMut(f64)) -> Result<(), Error> {
        self.started = true;
        let start = std::mem::take(&mut self.start);
        if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
            return Err(fatal(
                Code::WrongEncoding,
                1,
                None,
                "the file is saved as UTF-16; save it as CSV UTF-8.".into(),
            ));
        }
        let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&start);
        self.read(start, progress)
    }

    /// Feeds `input` to the CSV parser, handling each record it completes; at the end of the
    /// file (no input), the last record.
    fn read(&mut self, mut input: &[u8], progress: &mut dyn FnMut(f64)) -> Result<(), Error> {
        loop {
            let (result, nin) = if self.overflow {
                // Past the limit only where the record ends matters: its bytes are dropped.
                let (res, nin, _, _) =
                    (self.csv).read_record(input, &mut self.scratch, &mut self.scratch_ends);
                (res, nin)
            } else {
                let (res, nin, nout, nend) = self.csv.read_record(
                    input,
                    &mut self.record[self.record_len..],
                    &mut self.ends[self.ends_len..],
                );
                self.record_len += nout;
                self.ends_len += nend;
                (res, nin)
            };
            self.lines.see(&input[..nin]);
            input = &input[nin..];
            self.advance(nin, progress);
            match result {
                ReadRecordResult::InputEmpty | ReadRecordResult::End => return Ok(()),
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull
                    if self.overflow => {}
                // A row of more field bytes than the limit, or of more fields (all but one after a
                // separator): too long, whatever follows.
                ReadRecordResult::OutputFull if self.record_len > MAX_ROW_BYTES => {
                    self.start_overflow()
                }
                ReadRecordResult::OutputEndsFull if self.ends_len >= MAX_ROW_BYTES => {
                    self.start_overflow()
                }
                ReadRecordResult::OutputFull => {
                    let grown = (self.record.len() * 2).min(MAX_ROW_BYTES + 1);
                    self.record.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    // (Short of MAX_ROW_BYTES here, so the buffer does grow.)
                    let grown = (self.ends.len() * 2).min(MAX_ROW_BYTES);
                    self.ends.resize(grown, 0);
                }
                ReadRecordResult::Record => {
                    self.record_done()?;
                    // The lines that follow whole in this input, in place, while they can be.
                    if self.plain && self.rows.is_some() && !input.is_empty() {
                        let taken = self.read_plain_lines(input, progress)?;
                        input = &input[taken..];
                        if input.is_empty() {
                            // (Not handed to csv_core: no input is, to it, the end of the file.)
                            return Ok(());
                        }
                    }
                }
            }
        }
    }

    /// The same reader with `csv_core` reading every byte (for tests of the lines read in place).
    #[cfg(test)]
    pub(crate) fn csv_core_only(mut self) -> Self {
        self.plain = false;
        self
    }

    /// `n` more bytes read: the share read is told every hundredth of the file (at least 64 KB
    /// apart).
    fn advance(&mut self, n: usize, progress: &mut dyn FnMut(f64)) {
        self.read_bytes += n as u64;
        if let Some(size) = self
            .size
            .filter(|&s| s > 0 && self.read_bytes >= self.next_report)
        {
            progress((self.read_bytes as f64 / size as f64).min(1.0));
            self.next_report = self.read_bytes + (size / 100).max(1 << 16);
        }
    }

    /// Reads, straight from `input`, the whole lines at its start that hold no quote and no
    /// "\r" but at their end: such a line's fields are its bytes between commas, as `csv_core`
    /// would find them, so they need no copy. Called between records, where `csv_core` takes
    /// any next byte as a record's start (its state after "\n"), or skips a "\n" (after "\r"),
    /// as it skips every empty line. Returns the bytes read; what follows (a line cut by the
    /// chunk's end, or one that needs the whole grammar) is `csv_core`'s.
    fn read_plain_lines(
        &mut self,
        input: &[u8],
        progress: &mut dyn FnMut(f64),
    ) -> Result<usize, Error> {
        let mut at = 0;
        if self.lines.after_cr && input.first() == Some(&b'\n') {
            // The "\n" of a "\r\n" the last record ended at: no new line.
            self.lines.see(&input[..1]);
            self.advance(1, progress);
            at = 1;
        }
        while let Some((len, next)) = plain_line(&input[at..], &mut self.plain_ends) {
            let record = Record {
                bytes: &input[at..at + len],
                ends: &self.plain_ends,
                gap: 1,
            };
            self.lines.ends += 1;
            let line = self.lines.ends;
            take_record(&mut self.rows, &self.opts, self.size, record, line, false)?;
            self.advance(next, progress);
            at += next;
        }
        self.lines.after_cr = false;
        Ok(at)
    }

    fn start_overflow(&mut self) {
        self.overflow = true;
        self.scratch.resize(1 << 12, 0);
        self.scratch_ends.resize(1 << 8, 0);
    }

    /// The record `csv_core` has completed.
    fn record_done(&mut self) -> Result<(), Error> {
        let line = self.lines.record;
        let overflow = std::mem::take(&mut self.overflow);
        let (record_len, ends_len) = (self.record_len, self.ends_len);
        self.record_len = 0;
        self.ends_len = 0;
        self.lines.seeking = true;
        let record = Record {
            bytes: &self.record[..record_len],
            ends: &self.ends[..ends_len],
            gap: 0,
        };
        take_record(
            &mut self.rows,
            &self.opts,
            self.size,
            record,
            line,
            overflow,
        )
    }
    /// The end of the file: the last record, then duplicates left out. Returns what was read and
    /// the SHA-256 of every byte pushed.
    pub fn finish(self) -> Result<(ReadOutcome, [u8; 32]), Error> {
        let (rows, _, digest) = self.last_record()?;
        Ok((outcome(rows)?, digest))
    }

    /// The end of the file's bytes: the last record read. Returns the rows (none before a
    /// header), the line ends seen and the digest.
    pub(super) fn last_record(mut self) -> Result<(Option<Rows>, u64, [u8; 32]), Error> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if !self.started {
            self.begin(&mut |_| {})?;
        }
        self.read(&[], &mut |_| {})?;
        let digest = self.digest.finish()?;
        Ok((self.rows, self.lines.ends, digest))
    }
}

/// What the rows read come to once the file has ended: the rows of ids seen before left out,
/// each an error.
pub(super) fn outcome(rows: Option<Rows>) -> Result<ReadOutcome, Error> {
    let Some(mut rows) = rows else {
        return Err(fatal(Code::EmptyFile, 1, None, "the file is empty.".into()));
    };
    let duplicates = duplicate_rows(&mut rows.ids, &rows.id_bytes, &rows.id_ends);
    rows.error_count += duplicates.len();
    let id_column = &rows.header[rows.layout.id];
    drop_duplicates(&mut rows.roster, &duplicates, id_column, &mut rows.errors);
    if rows.roster.is_empty() && rows.error_count == 0 {
        return Err(fatal(
            Code::NoRows,
            2,
            None,
            "the file has a header row but no student rows.".into(),
        ));
    }
    Ok(ReadOutcome {
        roster: rows.roster,
        errors: rows.errors,
        error_count: rows.error_count,
        grades_without_norm: rows.grades_without_norm,
    })
}

/// One whole record, starting on `line`: a blank line is passed over, the first other one is
/// the header, and each after it a student's row (too long when it `overflow`ed its buffer).
fn take_record(
    rows: &mut Option<Rows>,
    opts: &ReadOptions,
    size: Option<u64>,
    record: Record,
    line: u64,
    overflow: bool,
) -> Result<(), Error> {
    let blank =
        !overflow && record.len() == 1 && record.get(0).is_some_and(|f| f.trim_ascii().is_empty());
    if blank {
        return Ok(());
    }
    let Some(rows) = rows.as_mut() else {
        if overflow {
            return Err(fatal(
                Code::RowTooLong,
                line,
                None,
                format!("the header row is longer than {} KB.", MAX_ROW_BYTES >> 10),
            ));
        }
        let header: Vec<String> = (record.iter())
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        let layout = layout(&header, opts)?;
        let (mut roster, subgroup_at) = empty_roster(&header, layout, opts)?;
        // Room for the rows the file's size suggests (at 32 bytes a row), capped: the
        // columns grow past it with the rows kept.
        let expected = size
            .map_or(1024, |s| (s / 32) as usize)
            .min(MAX_RESERVED_ROWS);
        roster.reserve(expected);
        *rows = Some(Rows {
            header,
            layout,
            subgroup_at,
            roster,
            ids: Vec::with_capacity(expected),
            id_bytes: Vec::new(),
            id_ends: Vec::with_capacity(expected),
            errors: Vec::new(),
            error_count: 0,
            grades_without_norm: Vec::new(),
        });
        return Ok(());
    };
    let width = rows.header.len();
    let checked = match overflow {
        true => {
            let (code, message) = row_too_long();
            Err(RowError {
                line,
                column: None,
                code,
                message,
            })
        }
        false => check_row(
            record,
            &rows.header,
            width,
            (rows.layout, &rows.subgroup_at),
            opts,
            line,
        )
        .map_err(|e| *e),
    };
    match checked {
        Ok(_) if rows.roster.len() >= MAX_STUDENTS => Err(fatal(
            Code::TooManyStudents,
            line,
            None,
            format!(
                "the roster has more than {MAX_STUDENTS} students; split it by district or school."
            ),
        )),
        Ok(_) if line > u64::from(u32::MAX) => Err(fatal(
            Code::TooLarge,
            line,
            None,
            format!("the file has more than {} lines.", u32::MAX),
        )),
        Ok(values) => {
            let id = record.get(rows.layout.id).unwrap_or_default().trim_ascii();
            // Below 2^24, as `id_key` needs: rows <= MAX_STUDENTS (checked above and when the
            // crate builds).
            rows.ids.push(id_key(fx_hash(id), rows.roster.len() as u32));
            rows.id_bytes.extend_from_slice(id);
            rows.id_ends.push(rows.id_bytes.len());
            if let Some(g) = values.no_norm {
                if !rows.grades_without_norm.iter().any(|&(seen, _)| seen == g) {
                    rows.grades_without_norm.push((g, line));
                }
            }
            rows.roster
                .push(&values, record, rows.layout, &rows.subgroup_at, line)
        }
        Err(e) => {
            rows.error_count += 1;
            if rows.errors.len() < MAX_REPORTED_ROW_ERRORS {
                rows.errors.push(e);
            }
            Ok(())
        }
    }
}

/// The next line of `input` if it is whole and plain: no quote, no "\r" but one before its
/// "\n", shorter than [`MAX_ROW_BYTES`] (so it has no more fields than `csv_core`'s buffers
/// take). Returns its length without the line end and with it, and leaves in `ends` where each
/// of its fields ends. Eight bytes are looked at a time (as one word, for the bytes that
/// matter); only those are looked at one by one.
fn plain_line(input: &[u8], ends: &mut Vec<usize>) -> Option<(usize, usize)> {
    ends.clear();
    let window = &input[..input.len().min(MAX_ROW_BYTES + 1)];
    let mut words = window.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let (mut commas, stops) = marked_bytes(u64::from_le_bytes(word.try_into().ok()?));
        // The commas before the word's first quote or line end (the bits below its lowest
        // bit; every bit when there is none) end fields, where the mask says; that byte then
        // decides the line.
        commas &= stops.wrapping_sub(1) & !stops;
        while commas != 0 {
            ends.push(at + (commas.trailing_zeros() / 8) as usize);
            commas &= commas - 1;
        }
        if stops != 0 {
            let i = at + (stops.trailing_zeros() / 8) as usize;
            if let Some(line) = line_end(window, i, ends) {
                return line;
            }
        }
        at += 8;
    }
    for i in at..window.len() {
        if let Some(line) = line_end(window, i, ends) {
            return line;
        }
    }
    None
}

/// What the byte at `i` of a plain line's window does: a comma ends a field (None: go on); a
/// "\n", or a "\r" before one, ends the line (Some(the line)); a quote or a lone "\r" ends the
/// line's being plain (Some(None)).
fn line_end(window: &[u8], i: usize, ends: &mut Vec<usize>) -> Option<Option<(usize, usize)>> {
    let next = match window.get(i) {
        Some(b',') => {
            ends.push(i);
            return None;
        }
        Some(b'\n') => i + 1,
        Some(b'\r') if window.get(i + 1) == Some(&b'\n') => i + 2,
        Some(b'\r' | b'"') => return Some(None),
        _ => return None,
    };
    ends.push(i);
    Some((i < MAX_ROW_BYTES).then_some((i, next)))
}

/// The high bit of each byte of `word` that is a comma, and of each that is a quote, "\n" or
/// "\r"; no other bit.
pub(super) fn marked_bytes(word: u64) -> (u64, u64) {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // The high bit of each byte that is zero, exactly (no carry crosses a byte).
    let zero = |v: u64| !(((v & LOW) + LOW) | v | LOW);
    let splat = |b: u8| u64::from(b) * 0x0101_0101_0101_0101;
    (
        zero(word ^ splat(b',')),
        zero(word ^ splat(b'"')) | zero(word ^ splat(b'\n')) | zero(word ^ splat(b'\r')),
    )
}
