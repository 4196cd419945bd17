//! An `.xlsx` source read as the CSV text a spreadsheet saves of its sheet: one line per sheet
//! row, every row as wide as the sheet's used range (as "Save as CSV" writes it), so the intake
//! reads both kinds of file with one reader, and a row's line number is its row number in the
//! sheet.

use super::{fatal, File};
use crate::error::{Code, Error};
use crate::roster::MAX_ROSTER_BYTES;
use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};
use std::io::Cursor;

/// At most this much XML is unzipped from one workbook (the sum of its parts' declared sizes,
/// which the zip reader holds each part to): a cell's XML is several times its text, and a
/// zip bomb's parts claim gigabytes.
pub const MAX_UNZIPPED_BYTES: u64 = 4 * MAX_ROSTER_BYTES as u64;

/// A worksheet's columns, A to XFD (Excel's "Excel specifications and limits"; the format
/// itself would name more): a row is written this wide at most.
pub const MAX_COLUMNS: usize = 16_384;

/// At most this much XML of shared strings (the workbook's table of cell texts).
pub const MAX_SHARED_STRINGS_BYTES: u64 = 128 << 20;

/// A worksheet's rows (Excel's "Excel specifications and limits").
pub const MAX_ROWS: usize = 1_048_576;

/// Whether the bytes are a zip archive, as an `.xlsx` workbook is (a CSV text never starts so).
pub fn is_zip(bytes: &[u8]) -> bool {
    // A part's header, or the end of an archive with no part.
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Whether the bytes are an OLE compound file, as an Excel 97-2003 `.xls` workbook is (and a
/// password-protected `.xlsx`).
pub fn is_xls(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
}

/// A cell the sheet holds that a CSV line cannot: its row, left out of the text (as an empty
/// line, so later rows keep their numbers) and reported as a bad row.
#[derive(Debug, PartialEq)]
pub struct BadCell {
    pub row: u64,
    /// The header's name of the cell's column.
    pub column: String,
    pub message: String,
}

/// The CSV text of the workbook's sheet named `sheet`, or of its first sheet; the rows whose
/// cells hold a line break are listed apart.
pub fn to_csv(
    file: File,
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<(Vec<u8>, Vec<BadCell>), Error> {
    let unreadable = |e: &dyn std::fmt::Display| {
        fatal(
            file,
            Code::Unreadable,
            1,
            format!("is not a readable .xlsx workbook ({e}): open it in a spreadsheet and save it again as .xlsx or as CSV UTF-8."),
        )
    };
    if bytes.len() > MAX_ROSTER_BYTES {
        return Err(fatal(
            file,
            Code::TooLarge,
            1,
            format!(
                "is {} MB; at most {} MB is read.",
                bytes.len() >> 20,
                MAX_ROSTER_BYTES >> 20
            ),
        ));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut unzipped = 0u64;
    let mut shared = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|e| unreadable(&e))?;
        unzipped = unzipped.saturating_add(part.size());
        if part.name().is_ok_and(|n| n.ends_with("sharedStrings.xml")) {
            shared = shared.saturating_add(part.size());
        }
    }
    // The shared strings are read whole before any cell (a string each, however short): an
    // export's ids, names and dates as text take a few megabytes; millions of empty ones would
    // take gigabytes of memory.
    if shared > MAX_SHARED_STRINGS_BYTES {
        return Err(fatal(
            file,
            Code::TooLarge,
            1,
            format!(
                "holds {} MB of shared strings; at most {} MB is read (save the sheet as CSV).",
                shared >> 20,
                MAX_SHARED_STRINGS_BYTES >> 20
            ),
        ));
    }
    if unzipped > MAX_UNZIPPED_BYTES {
        return Err(fatal(
            file,
            Code::TooLarge,
            1,
            format!(
                "unzips to {} MB of XML; at most {} MB is read (save the sheet alone, or as CSV).",
                unzipped >> 20,
                MAX_UNZIPPED_BYTES >> 20
            ),
        ));
    }
    // An .ods, a .docx: a zip without a workbook's parts.
    if !zip
        .file_names()
        .any(|n| n.is_ok_and(|n| n.starts_with("xl/")))
    {
        let what = "is a zip archive but not an .xlsx workbook (an .ods or a .docx is not read): save it as .xlsx or as CSV UTF-8.";
        return Err(fatal(file, Code::Unreadable, 1, what.into()));
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names.iter().find(|n| *n == wanted).ok_or_else(|| {
            let listed: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            fatal(
                file,
                Code::MissingColumn,
                1,
                format!(
                    "has no sheet \"{wanted}\"; its sheets are {}.",
                    listed.join(", ")
                ),
            )
        })?,
        // The first sheet a person sees: a hidden one (a lookup table) is passed over.
        None => (book.sheets_metadata().iter())
            .find(|m| m.visible == SheetVisible::Visible && m.typ == SheetType::WorkSheet)
            .map(|m| &m.name)
            .ok_or_else(|| fatal(file, Code::EmptyFile, 1, "has no visible worksheet.".into()))?,
    }
    .clone();
    // Two passes over the sheet, so that only the text is held: the first finds how wide the
    // used range is, the second writes each row as its cells arrive.
    let mut width = 0usize;
    {
        let mut cells = (book.worksheet_cells_reader(&name)).map_err(|e| unreadable(&e))?;
        while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
            let (row, column) = cell.get_position();
            if row as usize >= MAX_ROWS {
                let what = format!(
                    "has a cell in row {}, past a worksheet's last row ({MAX_ROWS}).",
                    u64::from(row) + 1
                );
                return Err(fatal(file, Code::Unreadable, 1, what));
            }
            if !matches!(cell.get_value(), DataRef::Empty) {
                width = width.max(column as usize + 1);
            }
        }
    }
    if width > MAX_COLUMNS {
        let what = format!(
            "has a cell in column {}, past a worksheet's last column (XFD, the {MAX_COLUMNS}th).",
            column_letters(width as u32 - 1)
        );
        return Err(fatal(file, Code::Unreadable, 1, what));
    }
    let mut text = Text::new(file, width);
    let mut row: Vec<(u32, String)> = Vec::new();
    let mut row_at = 0u32;
    // The row's cells' text so far: a shared string is copied into every cell that shows it,
    // so a small workbook can hold a row of gigabytes; it counts toward the text's limit.
    let mut row_bytes = 0usize;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| unreadable(&e))?;
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
        let (at, column) = cell.get_position();
        if at != row_at {
            text.row(row_at, &mut row)?;
            row_at = at;
            row_bytes = 0;
        } else if row.last().is_some_and(|&(last, _)| column <= last) {
            // A cell listed twice, or before one listed already: a spreadsheet writes a row's
            // cells once each, in order (and a position past the sheet's limits, which the
            // reader's 32-bit numbers wrap, lands on one seen already).
            let what = format!(
                "lists the cell {}{} twice or out of order: open the workbook in a spreadsheet and save it again.",
                column_letters(column),
                u64::from(at) + 1
            );
            return Err(fatal(file, Code::Unreadable, u64::from(at) + 1, what));
        }
        row_bytes = row_bytes.saturating_add(cell_size(cell.get_value()));
        if text.out.len().saturating_add(row_bytes) > MAX_ROSTER_BYTES {
            return Err(too_large_as_text(file));
        }
        let value = cell_text(cell.get_value());
        if !value.is_empty() {
            row.push((column, value));
        }
    }
    text.row(row_at, &mut row)?;
    Ok((text.out, text.bad))
}

/// The CSV text of a sheet, written a row at a time from row 1 and column A, each row as wide
/// as the sheet's used range.
struct Text {
    file: File,
    width: usize,
    /// The header's cells, once its row (the first that holds anything) is written.
    header: Option<Vec<(u32, String)>>,
    out: Vec<u8>,
    bad: Vec<BadCell>,
    /// The row the text has reached (0-based): the next line's.
    next_row: u64,
}

impl Text {
    fn new(file: File, width: usize) -> Self {
        Text {
            file,
            width,
            header: None,
            out: Vec::new(),
            bad: Vec::new(),
            next_row: 0,
        }
    }

    /// Writes row `at` (0-based) from its cells (taken; at most one value for a column, the
    /// last listed, as a spreadsheet would show it).
    fn row(&mut self, at: u32, cells: &mut Vec<(u32, String)>) -> Result<(), Error> {
        if cells.is_empty() {
            return Ok(());
        }
        let file = self.file;
        let at = u64::from(at);
        let line = at + 1;
        if at < self.next_row {
            let what = format!("lists its row {line} after a later row: open the workbook in a spreadsheet and save it again.");
            return Err(fatal(file, Code::Unreadable, line, what));
        }
        // The rows before it that hold nothing: blank lines, which the reader skips.
        let blank = at - self.next_row;
        if (self.out.len() as u64).saturating_add(blank) > MAX_ROSTER_BYTES as u64 {
            return Err(too_large_as_text(file));
        }
        self.out.resize(self.out.len() + blank as usize, b'\n');
        self.next_row = at + 1;
        cells.reverse();
        cells.sort_by_key(|&(column, _)| column);
        cells.dedup_by_key(|&mut (column, _)| column);
        let broken = cells.iter().find(|(_, value)| value.contains(['\n', '\r']));
        let Some(header) = &self.header else {
            if let Some((column, _)) = broken {
                let cell = format!("{}{line}", column_letters(*column));
                let what = format!(
                    "has a line break in the header's cell {cell}: a column's name is one line."
                );
                return Err(fatal(file, Code::InvalidValue, line, what));
            }
            self.write(cells);
            self.header = Some(std::mem::take(cells));
            return Ok(());
        };
        if let Some((column, _)) = broken {
            let name = header.iter().find(|(c, _)| c == column);
            self.bad.push(BadCell {
                row: line,
                column: name.map(|(_, n)| n.trim().to_string()).unwrap_or_default(),
                message: format!(
                    "The cell {}{line} holds a line break: a value is one line.",
                    column_letters(*column)
                ),
            });
            self.out.push(b'\n');
        } else {
            self.write(cells);
        }
        cells.clear();
        if self.out.len() > MAX_ROSTER_BYTES {
            return Err(too_large_as_text(file));
        }
        Ok(())
    }
}

impl Text {
    /// A line of the cells (sorted by column), `width` fields.
    fn write(&mut self, cells: &[(u32, String)]) {
        let mut cells = cells.iter().peekable();
        for i in 0..self.width {
            if i > 0 {
                self.out.push(b',');
            }
            if let Some((_, value)) = cells.next_if(|(column, _)| *column as usize == i) {
                write_field(&mut self.out, value);
            }
        }
        self.out.push(b'\n');
    }
}

/// A field as CSV writes it (RFC 4180, section 2): in double quotes, its quotes doubled, when
/// it holds a comma or a quote (line breaks never reach here).
fn write_field(out: &mut Vec<u8>, field: &str) {
    if field.contains([',', '"']) {
        out.push(b'"');
        out.extend_from_slice(field.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(field.as_bytes());
    }
}

fn too_large_as_text(file: File) -> Error {
    fatal(
        file,
        Code::TooLarge,
        1,
        format!(
            "has a sheet whose text, as CSV, is over {} MB (the limit of a CSV file).",
            MAX_ROSTER_BYTES >> 20
        ),
    )
}

/// A cell's text as a spreadsheet saves it to CSV: numbers in full (shortest exact form), a
/// date as YYYY-MM-DD (with its time when it has one), TRUE or FALSE, an error as its code
/// ("#N/A"), which no column reads as a value.
fn cell_text(value: &DataRef) -> String {
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
        // A time of day alone (h:mm, typed as 0:30): as a spreadsheet shows it, no date.
        DataRef::DateTime(d) if d.is_datetime() && (0.0..1.0).contains(&d.as_f64()) => {
            let (.., h, mi, s, _) = d.to_ymd_hms_milli();
            format!("{h}:{mi:02}:{s:02}")
        }
        DataRef::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            match (h, mi, s) {
                (0, 0, 0) => format!("{y:04}-{mo:02}-{day:02}"),
                _ => format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}"),
            }
        }
        // A duration ([h]:mm:ss): as a spreadsheet shows it, which no number column reads as
        // minutes (0:30 is not 30, nor 0.0208 days).
        DataRef::DateTime(d) => {
            let seconds = (d.as_f64() * 86_400.0).round();
            match seconds.is_finite() && seconds.abs() < 1e15 {
                true => {
                    let s = seconds.abs() as u64;
                    let sign = if seconds < 0.0 { "-" } else { "" };
                    format!("{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                }
                // Past any duration a spreadsheet shows: the error a spreadsheet shows.
                false => "#NUM!".to_string(),
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// A bound on the bytes of a cell's text, without making it (a shared string is borrowed).
fn cell_size(value: &DataRef) -> usize {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
        DataRef::SharedString(s) => s.len(),
        DataRef::Empty => 0,
        // A number, a date, a boolean or an error code: at most a few dozen bytes.
        _ => 32,
    }
}

/// A column's letters, as a spreadsheet names it: 0 is A, 25 Z, 26 AA.
fn column_letters(column: u32) -> String {
    let mut n = u64::from(column) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_a_spreadsheet_names_them() {
        let named: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702, 16383]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(
            named,
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]
        );
    }

    /// The text of rows given as (row, [(column, value)]), in the order given.
    fn text_of(
        width: usize,
        rows: &[(u32, &[(u32, &str)])],
    ) -> Result<(String, Vec<BadCell>), Error> {
        let mut text = Text::new(File::Usage, width);
        for (at, cells) in rows {
            let mut cells: Vec<(u32, String)> =
                cells.iter().map(|&(c, v)| (c, v.to_string())).collect();
            text.row(*at, &mut cells)?;
        }
        Ok((String::from_utf8(text.out).unwrap(), text.bad))
    }

    #[test]
    fn cells_are_laid_out_from_row_one_and_column_a_as_wide_as_the_used_range() {
        // A header on row 2, from column B; a value with a comma and quotes; cells listed out
        // of order in their row, one twice (the last listed kept); an empty row; a row with a
        // cell past the header.
        let rows: &[(u32, &[(u32, &str)])] = &[
            (1, &[(2, "minutes"), (1, "id")]),
            (2, &[(1, "s1"), (2, "1,5"), (1, "s\"2\"")]),
            (3, &[]),
            (4, &[(3, "x")]),
        ];
        let (text, bad) = text_of(4, rows).unwrap();
        assert_eq!(text, "\n,id,minutes,\n,\"s\"\"2\"\"\",\"1,5\",\n\n,,,x\n");
        assert!(bad.is_empty());
        // A line break: the row is an empty line and a bad cell named by its column.
        let rows: &[(u32, &[(u32, &str)])] = &[
            (0, &[(0, "id"), (1, "school")]),
            (1, &[(0, "s1"), (1, "A\nB")]),
            (2, &[(0, "s2")]),
        ];
        let (text, bad) = text_of(2, rows).unwrap();
        assert_eq!(text, "id,school\n\ns2,\n");
        let message = "The cell B2 holds a line break: a value is one line.";
        assert_eq!(
            bad,
            [BadCell {
                row: 2,
                column: "school".into(),
                message: message.into()
            }]
        );
        let e = text_of(1, &[(3, &[(0, "id\rx")])]).unwrap_err();
        assert!(e.message.contains("header's cell A4"), "{}", e.message);
        // A row listed after a later one.
        let e = text_of(1, &[(0, &[(0, "id")]), (5, &[(0, "a")]), (2, &[(0, "b")])]).unwrap_err();
        assert!(
            e.message.contains("lists its row 3 after a later row"),
            "{}",
            e.message
        );
        // Rows far down: their blank lines count toward the text's limit.
        let e = text_of(1, &[(0, &[(0, "id")]), (u32::MAX, &[(0, "a")])]).unwrap_err();
        assert!(e.message.contains("over 256 MB"), "{}", e.message);
        assert_eq!(text_of(0, &[]).unwrap().0, "");
    }
}
