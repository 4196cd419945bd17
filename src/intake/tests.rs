//! Dates and weeks of the district's files, against Python's datetime:
//! `(date(y, m, d) - date(1970, 1, 1)).days` and `date.weekday()` (Monday 0).

use super::*;

#[test]
fn a_day_is_read_as_iso_or_us_and_counted_from_1970() {
    // (date(2025,9,1)-date(1970,1,1)).days == 20332; 2024-02-29 is 19782; 1969-12-29 is -3.
    for (text, day) in [
        ("2025-09-01", 20332),
        ("9/1/2025", 20332),
        ("09/01/2025", 20332),
        ("09/01/2025 13:05:00", 20332),
        ("2025-09-01T08:00:00Z", 20332),
        (" 2024-02-29 ", 19782),
        ("2/29/2024", 19782),
        ("1969-12-29", -3),
        ("1970-01-01", 0),
    ] {
        assert_eq!(parse_day(text.as_bytes()), Ok(day), "{text}");
    }
    for text in [
        "2025-02-29",
        "2/30/2024",
        "13/1/2025",
        "2025/09/01",
        "1/9/25",
        "2025-9",
        "Fall",
        "2025-13-01",
        "0/1/2025",
        "1/0/2025",
        "45943.5",
    ] {
        let e = parse_day(text.as_bytes()).unwrap_err();
        assert!(e.contains("is not a date"), "{text}: {e}");
    }
    assert_eq!(parse_day(b" "), Err("The date is empty.".to_string()));
    // Century leap years: 1900 is not one, 2000 is.
    assert!(parse_day(b"1900-02-29").is_err());
    assert_eq!(parse_day(b"2000-02-29"), Ok(11016));
}

#[test]
fn a_week_runs_from_monday_to_sunday() {
    // 2025-09-01 is a Monday (weekday 0): it and the Sunday after share a week, the next
    // Monday starts another; 1970-01-01, a Thursday, is in the week of Monday 1969-12-29.
    let day = |s: &str| parse_day(s.as_bytes()).unwrap();
    assert_eq!(week_of(day("2025-09-01")), week_of(day("2025-09-07")));
    assert_eq!(week_of(day("2025-09-08")), week_of(day("2025-09-01")) + 1);
    assert_eq!(week_of(day("2025-08-31")), week_of(day("2025-09-01")) - 1);
    assert_eq!(week_of(0), 0);
    assert_eq!(week_of(-3), 0);
    assert_eq!(week_of(-4), -1);
    assert_eq!(week_of(4), 1);
}
