use super::*;

#[test]
fn equal_hashes_are_compared_exactly() {
    // Three rows forced into one hash group: rows 0 and 2 share an id, row 1 differs.
    let (id_bytes, id_ends) = (b"A7B8A7", [2usize, 4, 6]);
    let mut ids = vec![(42u64, 2u32), (42, 0), (42, 1)];
    let found = duplicate_rows(&mut ids, id_bytes, &id_ends);
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
    // Grouped in thousands: a thousands separator rather than a decimal comma.
    for grouped in ["1,200", "-12,345.5", "1,234,567"] {
        let said = parse_number(grouped.as_bytes()).unwrap_err();
        assert!(
            said.ends_with("without thousands separators (1200, not 1,200)."),
            "{said}"
        );
    }
    for decimal in ["1,20", "1,2345", ",200", "1,200.", "1234,567"] {
        let said = parse_number(decimal.as_bytes()).unwrap_err();
        assert!(said.contains("decimal separator"), "{decimal}: {said}");
    }
    assert!(parse_number(b"NaN").is_err());
    assert_eq!(parse_grade(b"K"), Ok(0));
    assert_eq!(parse_grade(b"kg"), Ok(0));
    assert_eq!(parse_grade(b"12"), Ok(12));
    assert!(parse_grade(b"13").is_err());
    assert_eq!(parse_group(b"Treatment"), Ok(true));
    assert_eq!(parse_group(b"c"), Ok(false));
    assert!(parse_group(b"").is_err());
}

#[test]
fn forged_ids_share_a_hash_and_are_still_told_apart() {
    // The construction the Node test uses to flood the duplicate check: 16-byte ids whose second
    // word cancels the first, so every id hashes alike (fx_hash is not keyed).
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let target = 0x0123_4567_89ab_cdef_u64;
    let forge = |w1: u64| {
        let h1 = (16u64.rotate_left(5) ^ w1).wrapping_mul(K);
        let w2 = h1.rotate_left(5) ^ target;
        [w1.to_le_bytes(), w2.to_le_bytes()].concat()
    };
    let (a, b) = (forge(0x3030_3030_3030_3041), forge(0x3030_3030_3030_3142));
    assert_ne!(a, b);
    assert_eq!(fx_hash(&a), fx_hash(&b));
    // In one hash group, with one real duplicate: found exactly.
    let mut id_bytes = Vec::new();
    let mut id_ends = Vec::new();
    for id in [&a, &b, &a] {
        id_bytes.extend_from_slice(id);
        id_ends.push(id_bytes.len());
    }
    let mut ids: Vec<(u64, u32)> = (0..3).map(|r| (fx_hash(&a), r)).collect();
    let found = duplicate_rows(&mut ids, &id_bytes, &id_ends);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].row, found[0].first), (2, 0));
}
