//! A [`Part`] as bytes, to go from the wasm instance that read it (a Node worker's) to the one
//! that joins the parts: every column, value, id and row error, little-endian, each list after
//! its length. Only another instance of this very module reads them, but what it reads is
//! checked as any input is (lengths, codes, id ends and rows in range): bytes that are not a
//! part are an error, never a panic, and the file is then read whole.

use super::{Part, PartReader};
use crate::error::{Code, Error, RowError};
use crate::roster::{ReadOptions, ROW_BITS};

/// What a part's bytes start with: the format and its version.
const MAGIC: &[u8; 8] = b"ECpart1\0";

/// A grade's byte when the row has none (grades are 0 to 12).
const NO_GRADE: u8 = u8::MAX;

impl Part {
    /// The part as bytes ([`Part::read_from`] reads them back).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Sent(MAGIC.to_vec());
        out.u64(u64::from(self.quoted) | u64::from(self.rows.is_some()) << 1);
        out.u64(self.line_ends);
        out.u64(self.head_ends);
        out.u64(self.read_bytes);
        let Some(rows) = &self.rows else {
            return out.0;
        };
        let r = &rows.roster;
        out.u32s(&r.line);
        for column in [&r.pre, &r.post, &r.minutes, &r.weeks] {
            out.f64s(column);
        }
        out.f64s(&r.weeks_at_minimum);
        out.f64s(&r.typical_growth);
        out.bytes(
            &(r.grade.iter())
                .map(|g| g.unwrap_or(NO_GRADE))
                .collect::<Vec<_>>(),
        );
        out.bytes(
            &(r.intervention.iter())
                .map(|&i| u8::from(i))
                .collect::<Vec<_>>(),
        );
        let categories: Vec<_> = (r.school.iter())
            .chain(&r.district)
            .chain(&r.subgroups)
            .collect();
        out.len(categories.len());
        for c in categories {
            out.len(c.values.len());
            for value in &c.values {
                out.bytes(value.as_bytes());
            }
            out.u32s(&c.codes);
        }
        out.len(rows.ids.len());
        for &key in &rows.ids {
            out.u64(key);
        }
        out.bytes(&rows.id_bytes);
        out.len(rows.id_ends.len());
        for &end in &rows.id_ends {
            out.len(end);
        }
        out.len(rows.errors.len());
        for e in &rows.errors {
            out.u64(e.line);
            out.u64(u64::from(e.column.is_some()));
            out.bytes(e.column.as_deref().unwrap_or_default().as_bytes());
            out.bytes(e.code.as_str().as_bytes());
            out.bytes(e.message.as_bytes());
        }
        out.len(rows.error_count);
        out.len(rows.grades_without_norm.len());
        for &(grade, line) in &rows.grades_without_norm {
            out.u64(u64::from(grade));
            out.u64(line);
        }
        out.0
    }

    /// The part in the bytes `source` gives, from [`Part::to_bytes`] (a slice, or bytes held
    /// elsewhere: a JS array). `head` (the file's lines up to its header's end, which the part
    /// was read behind) is read again here for the columns' layout, and `opts` must be the
    /// options the part was read with.
    pub fn read_from(head: &[u8], source: impl Source, opts: ReadOptions) -> Result<Part, Error> {
        let not_a_part = || {
            Error::new(
                Code::InternalError,
                "A roster part sent between workers could not be read back; this is a bug, please report it.",
            )
        };
        let skeleton = PartReader::new(head, opts, None)?.finish()?;
        read_part_bytes(skeleton, source).ok_or_else(not_a_part)
    }
}

/// The part in `bytes`, its rows put into `skeleton`'s (a reader's of the header alone); None
/// when the bytes are not a part written for this header.
fn read_part_bytes(skeleton: Part, source: impl Source) -> Option<Part> {
    let mut input = Received(source);
    (input.take(MAGIC.len())? == MAGIC).then_some(())?;
    let flags = input.u64()?;
    let (quoted, has_rows) = (flags & 1 == 1, flags & 2 == 2);
    let line_ends = input.u64()?;
    let head_ends = input.u64()?;
    let read_bytes = input.u64()?;
    let rows = match (has_rows, skeleton.rows) {
        (false, _) => None,
        (true, None) => return None,
        (true, Some(mut rows)) => {
            let roster = &mut rows.roster;
            // (A header alone has no rows; were there some, a part's would join them.)
            (roster.is_empty() && rows.ids.is_empty() && rows.errors.is_empty()).then_some(())?;
            roster.line = input.u32s()?;
            let n = roster.line.len();
            let column = |input: &mut Received<_>, lens: &[usize]| {
                input.f64s().filter(|c| lens.contains(&c.len()))
            };
            roster.pre = column(&mut input, &[n])?;
            roster.post = column(&mut input, &[n])?;
            roster.minutes = column(&mut input, &[n])?;
            roster.weeks = column(&mut input, &[n])?;
            roster.weeks_at_minimum = column(&mut input, &[0, n])?;
            roster.typical_growth = column(&mut input, &[0, n])?;
            let grades = input.bytes().filter(|g| g.len() == n)?;
            roster.grade = (grades.iter())
                .map(|&g| (g != NO_GRADE).then_some(g))
                .collect();
            let arms = input
                .bytes()
                .filter(|a| a.len() == n && a.iter().all(|&a| a < 2))?;
            roster.intervention = arms.iter().map(|&a| a == 1).collect();
            (input.len()? == roster.categories_mut().count()).then_some(())?;
            for category in roster.categories_mut() {
                let values = input.len()?;
                for code in 0..values {
                    let value = input.bytes()?;
                    let word = crate::roster::short_word(&value);
                    // Distinct values, coded in order: each new here.
                    (category.looked_up(word, &value)? as usize == code).then_some(())?;
                }
                category.codes = input.u32s().filter(|codes| {
                    codes.len() == n && codes.iter().all(|&c| (c as usize) < values)
                })?;
            }
            let row_mask = (1u64 << ROW_BITS) - 1;
            let ids = input.len().filter(|&len| len <= n)?;
            rows.ids = (0..ids)
                .map(|_| input.u64().filter(|key| ((key & row_mask) as usize) < n))
                .collect::<Option<_>>()?;
            rows.id_bytes = input.bytes()?;
            let ends = input.len().filter(|&len| len == ids)?;
            let mut last = 0;
            rows.id_ends = (0..ends)
                .map(|_| {
                    let end = input
                        .index()
                        .filter(|&e| e >= last && e <= rows.id_bytes.len())?;
                    last = end;
                    Some(end)
                })
                .collect::<Option<_>>()?;
            let errors = input.len()?;
            rows.errors = (0..errors)
                .map(|_| input.row_error())
                .collect::<Option<_>>()?;
            rows.error_count = input.index().filter(|&count| count >= errors)?;
            let grades = input.len()?;
            rows.grades_without_norm = (0..grades)
                .map(|_| Some((u8::try_from(input.u64()?).ok()?, input.u64()?)))
                .collect::<Option<_>>()?;
            Some(rows)
        }
    };
    (input.0.left() == 0).then_some(Part {
        rows,
        line_ends,
        head_ends,
        quoted,
        read_bytes,
    })
}

/// Bytes being written.
struct Sent(Vec<u8>);

impl Sent {
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }

    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.len(bytes.len());
        self.0.extend_from_slice(bytes);
    }

    /// `values` after their count, each as `encode` writes it (as [`Received::values`] reads
    /// them back).
    fn values<T: Copy, const N: usize>(&mut self, values: &[T], encode: fn(T) -> [u8; N]) {
        self.len(values.len());
        self.0.reserve(N * values.len());
        for &v in values {
            self.0.extend_from_slice(&encode(v));
        }
    }

    fn u32s(&mut self, values: &[u32]) {
        self.values(values, u32::to_le_bytes);
    }

    fn f64s(&mut self, values: &[f64]) {
        self.values(values, f64::to_le_bytes);
    }
}

/// Where a part's bytes are read from, in order: a slice, or bytes held elsewhere.
pub trait Source {
    /// How many bytes are left.
    fn left(&self) -> usize;
    /// Fills `into` with the next bytes; false (and nothing read) when fewer are left.
    fn fill(&mut self, into: &mut [u8]) -> bool;
}

impl Source for &[u8] {
    fn left(&self) -> usize {
        self.len()
    }

    fn fill(&mut self, into: &mut [u8]) -> bool {
        match self.split_at_checked(into.len()) {
            Some((taken, rest)) => {
                into.copy_from_slice(taken);
                *self = rest;
                true
            }
            None => false,
        }
    }
}

/// Bytes being read; every read is None past their end.
struct Received<S>(S);

impl<S: Source> Received<S> {
    fn take(&mut self, n: usize) -> Option<Vec<u8>> {
        (n <= self.0.left()).then_some(())?;
        let mut taken = vec![0; n];
        self.0.fill(&mut taken).then_some(taken)
    }

    fn u64(&mut self) -> Option<u64> {
        let mut bytes = [0; 8];
        self.0.fill(&mut bytes).then(|| u64::from_le_bytes(bytes))
    }

    /// A length: at most the bytes left, so that no length read makes a larger allocation.
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?)
            .ok()
            .filter(|&n| n <= self.0.left())
    }

    /// A count or an offset that is not a length of what follows.
    fn index(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = self.len()?;
        self.take(n)
    }

    /// `n` values of `N` bytes each, decoded by `decode`, a block of bytes at a time (not a
    /// copy of them all).
    fn values<T, const N: usize>(&mut self, decode: fn([u8; N]) -> T) -> Option<Vec<T>> {
        let n = self.len()?;
        (n.checked_mul(N)? <= self.0.left()).then_some(())?;
        let mut values = Vec::with_capacity(n);
        let mut block = vec![0; 8192 * N];
        while values.len() < n {
            let count = (n - values.len()).min(8192);
            let bytes = &mut block[..count * N];
            self.0.fill(bytes).then_some(())?;
            values.extend(bytes.chunks_exact(N).map(|b| {
                let mut one = [0; N];
                one.copy_from_slice(b);
                decode(one)
            }));
        }
        Some(values)
    }

    fn u32s(&mut self) -> Option<Vec<u32>> {
        self.values(u32::from_le_bytes)
    }

    fn f64s(&mut self) -> Option<Vec<f64>> {
        self.values(f64::from_le_bytes)
    }

    fn text(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?).ok()
    }

    fn row_error(&mut self) -> Option<RowError> {
        let line = self.u64()?;
        let has_column = self.u64()?;
        let column = self.text()?;
        let code = self.text()?;
        let code = *Code::ALL.iter().find(|c| c.as_str() == code)?;
        Some(RowError {
            line,
            column: (has_column == 1).then_some(column),
            code,
            message: self.text()?,
        })
    }
}
