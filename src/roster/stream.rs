//! The roster read as it arrives: bytes pushed in chunks of any size (a file's stream, 64 KB at
//! a time) give the same rows, errors and digest as the whole file at once, while the memory
//! held grows with the students kept, never with the file's bytes. The CSV grammar is
//! `csv_core`'s (the `csv` crate's own push parser): quotes, doubled quotes, CR, LF and CRLF
//! line ends, a UTF-8 byte-order mark.

use super::{
    check_row, drop_duplicates, duplicate_rows, empty_roster, fatal, fx_hash, layout, row_too_long,
    Layout, ReadOptions, ReadOutcome, Roster, MAX_REPORTED_ROW_ERRORS, MAX_RESERVED_ROWS,
    MAX_ROW_BYTES, MAX_STUDENTS,
};
use crate::error::{Code, Error, RowError};
use csv_core::ReadRecordResult;
use sha2::{Digest, Sha256};

/// One record's fields, as `csv_core` wrote them: their bytes end to end, and where each ends.
#[derive(Clone, Copy)]
pub(crate) struct Record<'b> {
    bytes: &'b [u8],
    ends: &'b [usize],
}

impl<'b> Record<'b> {
    /// The fields' bytes end to end (no separators).
    pub(crate) fn as_slice(&self) -> &'b [u8] {
        self.bytes
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn get(&self, i: usize) -> Option<&'b [u8]> {
        let end = *self.ends.get(i)?;
        let start = i.checked_sub(1).map_or(0, |j| self.ends[j]);
        self.bytes.get(start..end)
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
struct Rows {
    header: Vec<String>,
    layout: Layout,
    subgroup_at: Vec<usize>,
    roster: Roster,
    /// (hash of the id, row) for each row kept, and each id's bytes end to end with where each
    /// ends: duplicates are found after the last row, from these alone.
    ids: Vec<(u64, u32)>,
    id_bytes: Vec<u8>,
    id_ends: Vec<usize>,
    errors: Vec<RowError>,
    error_count: usize,
    grades_without_norm: Vec<(u8, u64)>,
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
    /// The file's first bytes, held until there are three (a byte-order mark is checked whole).
    start: Vec<u8>,
    started: bool,
    rows: Option<Rows>,
    /// Bytes read, and the file's size when the caller knows it (for progress).
    read_bytes: u64,
    size: Option<u64>,
    next_report: u64,
    digest: Sha256,
    failed: Option<Error>,
}

impl RosterReader {
    /// A reader for rosters laid out as `opts` says; `size`, the file's bytes when known, lets
    /// it report progress and reserve room for the rows it suggests.
    pub fn new(opts: ReadOptions, size: Option<u64>) -> Self {
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
            start: Vec::new(),
            started: false,
            rows: None,
            read_bytes: 0,
            size,
            next_report: size.map_or(u64::MAX, |s| (s / 100).max(1 << 16)),
            digest: Sha256::new(),
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
            // The share read, every hundredth of the file (at least 64 KB apart).
            self.read_bytes += nin as u64;
            if let Some(size) = self
                .size
                .filter(|&s| s > 0 && self.read_bytes >= self.next_report)
            {
                progress((self.read_bytes as f64 / size as f64).min(1.0));
                self.next_report = self.read_bytes + (size / 100).max(1 << 16);
            }
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
                ReadRecordResult::Record => self.record_done()?,
            }
        }
    }

    fn start_overflow(&mut self) {
        self.overflow = true;
        self.scratch.resize(1 << 12, 0);
        self.scratch_ends.resize(1 << 8, 0);
    }

    /// One whole record: a blank line is passed over, the first other one is the header, and
    /// each after it a student's row.
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
        };
        let blank = !overflow
            && record.len() == 1
            && record.get(0).is_some_and(|f| f.trim_ascii().is_empty());
        if blank {
            return Ok(());
        }
        let Some(rows) = self.rows.as_mut() else {
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
            let layout = layout(&header, &self.opts)?;
            let (mut roster, subgroup_at) = empty_roster(&header, layout, &self.opts)?;
            // Room for the rows the file's size suggests (at 32 bytes a row), capped: the
            // columns grow past it with the rows kept.
            let expected = self
                .size
                .map_or(1024, |s| (s / 32) as usize)
                .min(MAX_RESERVED_ROWS);
            roster.reserve(expected);
            self.rows = Some(Rows {
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
            false => check_row(record, &rows.header, width, rows.layout, &self.opts, line),
        };
        match checked {
            Ok(_) if rows.roster.len() >= MAX_STUDENTS => Err(fatal(
                Code::TooManyStudents,
                line,
                None,
                format!("the roster has more than {MAX_STUDENTS} students; split it by district or school."),
            )),
            Ok(_) if line > u64::from(u32::MAX) => Err(fatal(
                Code::TooLarge,
                line,
                None,
                format!("the file has more than {} lines.", u32::MAX),
            )),
            Ok(values) => {
                let id = record.get(rows.layout.id).unwrap_or_default().trim_ascii();
                // Below 2^32: rows <= MAX_STUDENTS (checked above).
                rows.ids.push((fx_hash(id), rows.roster.len() as u32));
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

    /// The end of the file: the last record, then duplicates left out. Returns what was read and
    /// the SHA-256 of every byte pushed.
    pub fn finish(mut self) -> Result<(ReadOutcome, [u8; 32]), Error> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if !self.started {
            self.begin(&mut |_| {})?;
        }
        self.read(&[], &mut |_| {})?;
        let digest: [u8; 32] = self.digest.finalize().into();
        let Some(mut rows) = self.rows else {
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
        Ok((
            ReadOutcome {
                roster: rows.roster,
                errors: rows.errors,
                error_count: rows.error_count,
                grades_without_norm: rows.grades_without_norm,
            },
            digest,
        ))
    }
}
