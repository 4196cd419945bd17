use super::*;

#[test]
fn equal_hashes_are_compared_exactly() {
    // Three rows forced into one hash group: rows 0 and 2 share an id, row 1 differs.
    let bytes = b"A7,1\nB8,2\nA7,3\n";
    let offsets = [0u32, 5, 10];
    let mut ids = vec![(42u64, 2u32), (42, 0), (42, 1)];
    let found = duplicate_rows(bytes, &mut ids, &offsets, 0);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].row, found[0].first, found[0].id.as_slice()),
        (2, 0, b"A7".as_slice())
    );
}

#[test]
fn ids_that_differ_only_at_the_end_spread_over_the_table() {
    // The low bits a hash table indexes by must vary across such ids.
    let low: std::collections::HashSet<u64> = (0..1000)
        .map(|i| fx_hash(format!("TX2025-{i:07}").as_bytes()) & 0xfff)
        .collect();
    assert!(
        low.len() > 700,
        "only {} distinct low-bit patterns",
        low.len()
    );
}

#[test]
fn numbers_grades_and_groups() {
    assert_eq!(parse_number(b" 12.5 "), Ok(Some(12.5)));
    assert_eq!(parse_number(b""), Ok(None));
    assert_eq!(
        parse_number(b"-0").map(|x| x.map(f64::is_sign_negative)),
        Ok(Some(false))
    );
    assert!(parse_number(b"1e400").unwrap_err().contains("too large"));
    assert!(parse_number(b"1,5")
        .unwrap_err()
        .contains("decimal separator"));
    assert!(parse_number(b"NaN").is_err());
    assert_eq!(parse_grade(b"K"), Ok(0));
    assert_eq!(parse_grade(b"kg"), Ok(0));
    assert_eq!(parse_grade(b"12"), Ok(12));
    assert!(parse_grade(b"13").is_err());
    assert_eq!(parse_group(b"Treatment"), Ok(true));
    assert_eq!(parse_group(b"c"), Ok(false));
    assert!(parse_group(b"").is_err());
}
