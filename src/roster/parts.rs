//! A roster's bytes read in parts, each on its own (another thread, another wasm instance), then
//! put together into exactly what one reader of the whole file gives. Only plain files are cut:
//! a part starts just after a "\n", and every part before the last holds no quote, so none can
//! start inside a quoted field. Each part after the first is read behind the file's own header
//! line, so its reader lays out its columns as the whole file's does. Whatever the parts meet
//! that depends on the rows before them (a fatal error, a column's distinct values or the
//! students past their limit, a quote) sends the file to one reader instead, which then says
//! exactly what reading it whole says.

use super::stream::{outcome, Rows};
use super::{
    id_key, short_word, Category, ReadOptions, ReadOutcome, Roster, RosterHash, RosterReader,
    MAX_REPORTED_ROW_ERRORS, MAX_STUDENTS, ROW_BITS,
};
use crate::error::Error;

// (Parts cross between wasm instances as bytes; natively they stay in memory.)
#[cfg(any(test, target_arch = "wasm32"))]
mod wire;
#[cfg(target_arch = "wasm32")]
pub use wire::Source;

/// Where the file's header line ends (just after its "\n"), when the lines up to it are plain:
/// blank lines, then the header, with no quote and no "\r" but before a "\n". None otherwise
/// (such a file is read whole).
pub fn header_end(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        let len = memchr::memchr(b'\n', &bytes[at..])?;
        let line = &bytes[at..at + len];
        let mut line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().any(|&b| b == b'"' || b == b'\r') {
            return None;
        }
        if at == 0 {
            // The reader drops up to two byte-order marks at the file's start.
            for _ in 0..2 {
                line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            }
        }
        at += len + 1;
        // The first line not blank (as the reader passes blank lines over) is the header.
        if !line.trim_ascii().is_empty() {
            return Some(at);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// Where to cut `bytes` into up to `parts` parts after the header line ending at `head`: just
/// after a "\n" near each even share of the bytes. (A byte-order mark starting a part is read
/// as the whole file's reader reads it there, as data: a part's reader reads the header first,
/// and only the start of what a reader reads loses a mark.) The offsets where parts 2, 3, ...
/// start, rising; fewer when the lines are too long to cut there.
pub fn cuts(bytes: &[u8], head: usize, parts: usize) -> Vec<usize> {
    cuts_by(bytes.len(), head, parts, |from| {
        memchr::memchr(b'\n', bytes.get(from..).unwrap_or_default()).map(|i| from + i)
    })
}

/// [`cuts`] of a file of `len` bytes whose next "\n" at or after an offset `line_end` finds
/// (None: none, or none it will look for): for bytes held elsewhere (a JS array).
pub fn cuts_by(
    len: usize,
    head: usize,
    parts: usize,
    mut line_end: impl FnMut(usize) -> Option<usize>,
) -> Vec<usize> {
    let mut cuts: Vec<usize> = Vec::new();
    for k in 1..parts.max(1) {
        let from = (len / parts * k)
            .max(head)
            .max(cuts.last().map_or(0, |&c| c));
        match line_end(from).map(|i| i + 1) {
            Some(c) if c > from && c < len && cuts.last() != Some(&c) => cuts.push(c),
            _ => break,
        }
    }
    cuts
}

#[cfg(not(target_arch = "wasm32"))]
/// `bytes` cut into up to `parts` parts (see [`cuts`]), each with what its reader reads first:
/// nothing for the first part, the file's lines up to `head` (its header's end) for the others.
pub fn spans(bytes: &[u8], head: usize, parts: usize) -> Vec<(&[u8], &[u8])> {
    let mut starts = vec![0];
    starts.extend(cuts(bytes, head, parts));
    (starts.iter().enumerate())
        .map(|(k, &start)| {
            let end = starts.get(k + 1).copied().unwrap_or(bytes.len());
            let before = if k == 0 { &[][..] } else { &bytes[..head] };
            (before, &bytes[start..end])
        })
        .collect()
}

/// One part read on its own: its rows (ids not yet compared with other parts'), the line ends
/// in its bytes and in the header lines read before them, and whether its bytes hold a quote.
pub struct Part {
    rows: Option<Rows>,
    line_ends: u64,
    head_ends: u64,
    quoted: bool,
    /// The part's own bytes read (not its head's).
    #[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
    read_bytes: u64,
}

impl Part {
    /// The part's own bytes read (not the header lines read before them): whoever joins parts
    /// read elsewhere checks that they cover the file.
    #[cfg(any(test, target_arch = "wasm32"))]
    pub fn read_bytes(&self) -> u64 {
        self.read_bytes
    }
}

/// No digest: the parts' coordinator takes the file's own.
struct NoDigest;

impl RosterHash for NoDigest {
    fn update(&mut self, _: &[u8]) {}

    fn finish(self: Box<Self>) -> Result<[u8; 32], Error> {
        Ok([0; 32])
    }
}

/// Reads one part of a roster a piece at a time: `head` first (the file's bytes up to its
/// header line's end; empty for the first part, which starts with them), then the part's own
/// bytes as they come.
pub struct PartReader {
    reader: RosterReader,
    head_ends: u64,
    quoted: bool,
    read_bytes: u64,
}

impl PartReader {
    /// `size`, the part's bytes when known (with `head`'s), gives progress.
    pub fn new(head: &[u8], opts: ReadOptions, size: Option<u64>) -> Result<PartReader, Error> {
        let mut reader = RosterReader::hashed_by(opts, size, Box::new(NoDigest));
        reader.push(head, &mut |_| {})?;
        Ok(PartReader {
            reader,
            head_ends: memchr::memchr_iter(b'\n', head).count() as u64,
            quoted: false,
            read_bytes: 0,
        })
    }

    /// The part's next bytes; `progress` hears the share read (of `size`).
    pub fn push(&mut self, bytes: &[u8], progress: &mut dyn FnMut(f64)) -> Result<(), Error> {
        self.quoted |= memchr::memchr(b'"', bytes).is_some();
        self.read_bytes += bytes.len() as u64;
        self.reader.push(bytes, progress)
    }

    /// The part's end.
    pub fn finish(self) -> Result<Part, Error> {
        let (rows, line_ends, _) = self.reader.last_record()?;
        Ok(Part {
            rows,
            line_ends: line_ends - self.head_ends,
            head_ends: self.head_ends,
            quoted: self.quoted,
            read_bytes: self.read_bytes,
        })
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// Reads one part of a roster: `head`, the file's bytes up to its header line's end (empty for
/// the first part, which starts with them), then the part's own bytes.
pub fn read_part(head: &[u8], part: &[u8], opts: ReadOptions) -> Result<Part, Error> {
    let size = (head.len() + part.len()) as u64;
    let mut reader = PartReader::new(head, opts, Some(size))?;
    reader.push(part, &mut |_| {})?;
    reader.finish()
}

/// The parts, in file order, put together as one reader of the whole file would have read them;
/// None when they cannot be (the file is then read whole).
pub fn join(parts: Vec<Result<Part, Error>>) -> Option<ReadOutcome> {
    let parts: Vec<Part> = parts.into_iter().collect::<Result<_, _>>().ok()?;
    // A quote in a part could have opened a field the next part starts in.
    if parts.iter().rev().skip(1).any(|p| p.quoted) {
        return None;
    }
    let mut parts = parts.into_iter();
    let first = parts.next()?;
    let mut line_offset = first.line_ends;
    let mut rows = first.rows?;
    for part in parts {
        // The part's lines count its header's: the lines before the part, less those.
        let shift = line_offset.checked_sub(part.head_ends)?;
        let offset = u32::try_from(shift).ok()?;
        let next = part.rows?;
        let base_rows = rows.roster.len();
        // (A last line without a line end starts one line past the part's line ends: no line
        // of the part may come to u32::MAX, where the reader stops the file.)
        if base_rows + next.roster.len() > MAX_STUDENTS
            || line_offset + part.line_ends >= u64::from(u32::MAX)
        {
            return None;
        }
        append(&mut rows.roster, next.roster, offset)?;
        let base_bytes = rows.id_bytes.len();
        let row_mask = (1u64 << ROW_BITS) - 1;
        rows.ids.extend(next.ids.iter().map(|&key| {
            // (Below 2^24: the rows together are at most MAX_STUDENTS, checked above.)
            id_key(key, ((key & row_mask) as usize + base_rows) as u32)
        }));
        rows.id_bytes.extend_from_slice(&next.id_bytes);
        rows.id_ends
            .extend(next.id_ends.iter().map(|&end| end + base_bytes));
        let room = MAX_REPORTED_ROW_ERRORS.saturating_sub(rows.errors.len());
        rows.errors
            .extend(next.errors.into_iter().take(room).map(|mut e| {
                e.line += shift;
                e
            }));
        rows.error_count += next.error_count;
        for (grade, line) in next.grades_without_norm {
            if !rows
                .grades_without_norm
                .iter()
                .any(|&(seen, _)| seen == grade)
            {
                rows.grades_without_norm.push((grade, line + shift));
            }
        }
        line_offset += part.line_ends;
    }
    outcome(Some(rows)).ok()
}

/// Puts `next`'s rows after `roster`'s, their lines `offset` further on; None when a column
/// would hold more distinct values than its limit.
fn append(roster: &mut Roster, next: Roster, offset: u32) -> Option<()> {
    // Every column by name (no `..`): a column added to the roster must be added here too.
    let Roster {
        line,
        pre,
        post,
        minutes,
        weeks,
        weeks_at_minimum,
        typical_growth,
        grade,
        intervention,
        school,
        district,
        subgroups,
        has_group: _,
    } = next;
    roster.line.extend(line.iter().map(|&l| l + offset));
    roster.pre.extend_from_slice(&pre);
    roster.post.extend_from_slice(&post);
    roster.minutes.extend_from_slice(&minutes);
    roster.weeks.extend_from_slice(&weeks);
    roster.weeks_at_minimum.extend_from_slice(&weeks_at_minimum);
    roster.typical_growth.extend_from_slice(&typical_growth);
    roster.grade.extend_from_slice(&grade);
    roster.intervention.extend_from_slice(&intervention);
    let next_categories = (school.into_iter()).chain(district).chain(subgroups);
    for (category, next) in roster.categories_mut().zip(next_categories) {
        category.append(next)?;
    }
    Some(())
}

impl Category {
    /// Puts `next`'s codes after this column's: its values new here coded after this column's
    /// own, in the order `next` met them, which is the order one reader of both would have.
    fn append(&mut self, next: Category) -> Option<()> {
        let mut code_here = Vec::with_capacity(next.values.len());
        for value in &next.values {
            let value = value.as_bytes();
            code_here.push(self.looked_up(short_word(value), value)?);
        }
        (self.codes).extend(next.codes.iter().map(|&c| code_here[c as usize]));
        Some(())
    }
}

/// Most parts a roster is read in: a thread each, and more threads than cores only cost (the
/// system also stops starting them, at some tens of thousands).
pub const MAX_PARTS: usize = 64;

#[cfg(not(target_arch = "wasm32"))]
/// Reads a whole roster as [`super::read`] does, in up to `parts` parts (at most [`MAX_PARTS`];
/// each in turn, or each on its own thread when `threads`), falling back to one reader where
/// the parts cannot be put together. Returns what was read and the SHA-256 of the bytes.
pub fn read_in_parts(
    bytes: &[u8],
    opts: ReadOptions,
    parts: usize,
    threads: bool,
) -> Result<(ReadOutcome, [u8; 32]), Error> {
    use sha2::{Digest, Sha256};
    let whole = |opts| super::read(bytes, opts, &mut |_| {});
    let Some(head) = header_end(bytes) else {
        return whole(opts);
    };
    let spans = spans(bytes, head, parts.min(MAX_PARTS));
    // Read whole at once what the parts could not join: a file not cut, or with a quote before
    // its last part (found by one quick search, before any part is read).
    let last = bytes.len() - spans.last().map_or(bytes.len(), |(_, part)| part.len());
    if last == 0 || memchr::memchr(b'"', &bytes[..last]).is_some() {
        return whole(opts);
    }
    let read = |&(head, part): &(&[u8], &[u8])| read_part(head, part, opts.clone());
    let results: Option<Vec<Result<Part, Error>>> = match threads {
        // (A thread the system will not start is no result: the file is then read whole.)
        true => std::thread::scope(|s| {
            let started: Vec<_> = (spans.iter())
                .map(|span| std::thread::Builder::new().spawn_scoped(s, move || read(span)))
                .collect();
            (started.into_iter())
                .map(|handle| handle.ok()?.join().ok())
                .collect()
        }),
        false => Some(spans.iter().map(read).collect()),
    };
    match results.and_then(join) {
        Some(outcome) => Ok((outcome, Sha256::digest(bytes).into())),
        None => whole(opts),
    }
}
