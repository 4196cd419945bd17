use super::*;
use stream::marked_bytes;

#[test]
fn equal_hashes_are_compared_exactly() {
    // Three rows forced into one hash group: rows 0 and 2 share an id, row 1 differs.
    let (id_bytes, id_ends) = (b"A7B8A7", [2usize, 4, 6]);
    let mut ids = vec![id_key(42, 2), id_key(42, 0), id_key(42, 1)];
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

/// Every value of one or two bytes (the shortcut's whole domain, and more) reads as the
/// documented rule says: K or KG, or a whole number 0 to 12 as Rust reads a u8 (a plus sign,
/// leading zeros); T, C and the words, any case, around spaces.
#[test]
fn short_grades_and_groups_read_as_the_rule_says() {
    let grade_rule = |raw: &[u8]| {
        let s = raw.trim_ascii();
        if s.eq_ignore_ascii_case(b"k") || s.eq_ignore_ascii_case(b"kg") {
            return Some(0);
        }
        let g: u8 = std::str::from_utf8(s).ok()?.parse().ok()?;
        (g <= 12).then_some(g)
    };
    let group_rule = |raw: &[u8]| match raw.trim_ascii().to_ascii_lowercase().as_slice() {
        b"t" => Some(true),
        b"c" => Some(false),
        _ => None,
    };
    let mut values: Vec<Vec<u8>> = (0..=255u8).map(|a| vec![a]).collect();
    values.extend((0..=255u8).flat_map(|a| (0..=255u8).map(move |b| vec![a, b])));
    for v in &values {
        assert_eq!(parse_grade(v).ok(), grade_rule(v), "{v:?}");
        assert_eq!(parse_group(v).ok(), group_rule(v), "{v:?}");
    }
    assert_eq!(parse_grade(b"007"), Ok(7));
    assert_eq!(parse_grade(b"+12"), Ok(12));
    assert!(parse_grade(b"99").is_err() && parse_grade(b"1 2").is_err());
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
    let mut ids: Vec<u64> = (0..3).map(|r| id_key(fx_hash(&a), r)).collect();
    let found = duplicate_rows(&mut ids, &id_bytes, &id_ends);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].row, found[0].first), (2, 0));
}

/// Reads `bytes` in chunks of `size`, with plain lines read in place or not.
fn read_in_chunks(
    bytes: &[u8],
    size: usize,
    plain: bool,
) -> Result<(ReadOutcome, [u8; 32]), Error> {
    let contract = crate::contract::Contract::from_json(&serde_json::json!({
        "metric": { "kind": "gain" },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 10 },
        "minCellSize": 5,
        "subgroupColumns": ["ell"]
    }))
    .unwrap();
    let mut reader = RosterReader::new(crate::evaluate::read_options(&contract), None);
    if !plain {
        reader = reader.csv_core_only();
    }
    for chunk in bytes.chunks(size) {
        reader.push(chunk, &mut |_| {})?;
    }
    reader.finish()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    /// Lines read in place are read as `csv_core` reads them: the same rows, row errors at the
    /// same lines, and structural errors, whatever lines surround them and wherever the chunks
    /// cut. Each line is a good row or bytes that matter to a CSV reader (separators, quotes,
    /// every line end, spaces, a two-byte character), and ends in any line end or none.
    #[test]
    fn plain_lines_read_as_csv_core_reads_them(
        lines in proptest::collection::vec((
            proptest::option::weighted(0.6, (0u32..30, 0u32..40)),
            proptest::collection::vec(proptest::sample::select(
                vec![b'1', b'0', b'9', b'.', b',', b',', b'"', b'\n', b'\r', b' ', b'S', b'Y', 0xC3, 0xA9]), 0..30),
            proptest::sample::select(vec!["\n", "\r\n", "\r", "", "\n\n", "\r\n\r\n"]),
        ), 0..40),
        size in 1usize..200,
    ) {
        let mut bytes = b"student_id,pre,post,minutes,weeks,ell\n".to_vec();
        for (row, noise, end) in lines {
            match row {
                Some((id, gain)) => bytes.extend(format!("S{id},200,{},600,20,Y", 200 + gain).bytes()),
                None => bytes.extend(noise),
            }
            bytes.extend(end.bytes());
        }
        let by_csv_core = read_in_chunks(&bytes, bytes.len().max(1), false);
        proptest::prop_assert_eq!(read_in_chunks(&bytes, size, true), by_csv_core);
    }
}

/// What a row's two paths say of it: the values of the common path, if it takes the row, and
/// the full rules' values or error code.
fn both_paths(
    metric: &serde_json::Value,
    fields: &[&str],
) -> (Option<RowValues>, Result<RowValues, Code>) {
    let contract = crate::contract::Contract::from_json(&serde_json::json!({
        "metric": metric,
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 10 },
        "minCellSize": 5,
        "subgroupColumns": ["ell"]
    }))
    .unwrap();
    let opts = crate::evaluate::read_options(&contract);
    let header: Vec<String> = "student_id,school,grade,pre,post,minutes,weeks,group,ell"
        .split(',')
        .map(String::from)
        .collect();
    let layout = layout(&header, &opts).unwrap();
    let (_, subgroup_at) = empty_roster(&header, layout, &opts).unwrap();
    let line = fields.join(",");
    let mut ends = Vec::new();
    for (i, b) in line.bytes().enumerate() {
        if b == b',' {
            ends.push(i);
        }
    }
    ends.push(line.len());
    let record = stream::Record::in_place(line.as_bytes(), &ends);
    let at = (layout, subgroup_at.as_slice());
    (
        common_row(record, header.len(), at, &opts),
        check_row_in_full(record, &header, header.len(), at, &opts, 2).map_err(|e| e.code),
    )
}

/// A row's values with each float as its bits (NaN equal to NaN), to compare the two paths.
fn bits(v: &RowValues) -> impl PartialEq + std::fmt::Debug {
    (
        [v.pre, v.post, v.minutes, v.weeks].map(f64::to_bits),
        [v.weeks_at_minimum, v.typical_growth].map(|x| x.map(f64::to_bits)),
        (v.grade, v.intervention, v.no_norm),
    )
}

#[test]
fn the_common_path_takes_the_common_row() {
    // The benchmark's rows, and the same with a missing post-test and a negative zero: taken,
    // with the values worked by hand.
    let gain = serde_json::json!({ "kind": "gain" });
    let row = [
        "TX2025-0000001",
        "1313",
        "2",
        "176.2",
        "181.2",
        "995",
        "32",
        "T",
        "N",
    ];
    let (common, full) = both_paths(&gain, &row);
    let common = common.expect("a common row takes the common path");
    assert_eq!(
        (common.pre, common.post, common.minutes, common.weeks),
        (176.2, 181.2, 995.0, 32.0)
    );
    assert_eq!(
        (common.grade, common.intervention, common.no_norm),
        (Some(2), true, None)
    );
    assert_eq!(bits(&common), bits(&full.unwrap()));
    let row = ["S1", "7", "K", "-0", "", "0", "20", "C", "Y"];
    let common = both_paths(&gain, &row).0.expect("taken");
    assert!(common.post.is_nan() && common.pre.to_bits() == 0.0f64.to_bits());
    assert_eq!((common.grade, common.intervention), (Some(0), false));
    // Left to the full rules: a space in a number, a non-ASCII school, a score above the
    // maximum, a grade without a norm is taken with it noted.
    let left = |metric: &serde_json::Value, row: &[&str]| both_paths(metric, row).0.is_none();
    assert!(left(
        &gain,
        &["S1", "7", "3", " 200", "210", "600", "20", "T", "N"]
    ));
    assert!(left(
        &gain,
        &["S1", "Peña", "3", "200", "210", "600", "20", "T", "N"]
    ));
    let capped = serde_json::json!({ "kind": "normalizedGain", "maxScore": 100 });
    assert!(left(
        &capped,
        &["S1", "7", "3", "90", "101", "600", "20", "T", "N"]
    ));
    let normed = serde_json::json!({ "kind": "percentOfTypical", "norms": [{ "grade": 3, "typicalGrowth": 10, "weeks": 30 }] });
    let (common, full) = both_paths(
        &normed,
        &["S1", "7", "4", "90", "101", "600", "20", "T", "N"],
    );
    assert_eq!(common.expect("taken").no_norm, Some(4));
    assert_eq!(full.unwrap().no_norm, Some(4));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
    /// The common path takes a row only as the full rules read it: the same values, bit for
    /// bit. Rows of values common and not (spaces, signs, exponents, commas, empty, non-ASCII,
    /// out of range, above a maximum, grades without a norm, missing fields), under each metric.
    #[test]
    fn the_common_path_reads_as_the_full_rules(
        metric in proptest::sample::select(vec![
            serde_json::json!({ "kind": "gain" }),
            serde_json::json!({ "kind": "normalizedGain", "maxScore": 100 }),
            serde_json::json!({ "kind": "percentOfTypical", "norms": [{ "grade": 3, "typicalGrowth": 10, "weeks": 30 }] }),
            serde_json::json!({ "kind": "growthIndex", "norms": [{ "grade": 3, "mean": 10, "sd": 2 }] }),
            serde_json::json!({ "kind": "postScore" }),
        ]),
        id in proptest::sample::select(vec!["S1", " S2 ", "", "  ", "S\u{e9}"]),
        school in proptest::sample::select(vec!["12", " 7 ", "", "Pe\u{f1}a", "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}"]),
        grade in proptest::sample::select(vec!["3", "03", "12", "13", "K", " 4", "kg", "x", "", "99"]),
        numbers in proptest::collection::vec(proptest::prop_oneof![
            3 => proptest::string::string_regex("[0-9]{1,3}(\\.[0-9])?").unwrap(),
            1 => proptest::string::string_regex(
                "[ +-]?[0-9]{0,4}(\\.[0-9]{0,3})?[ ]?|1e3|NaN|1,5|-0|9999999|0.00000001|0.001|600.5"
            ).unwrap(),
        ], 4),
        group in proptest::sample::select(vec!["T", "C", "t", " T", "control", "x", ""]),
        ell in proptest::sample::select(vec!["Y", "N", " Y", "\u{e9}"]),
        width in 8usize..=10,
    ) {
        let mut row = vec![id, school, grade];
        row.extend(numbers.iter().map(String::as_str));
        row.extend([group, ell, "extra"]);
        row.truncate(width);
        let (common, full) = both_paths(&metric, &row);
        if let Some(common) = common {
            let full = full.map_err(|code| format!("{code:?}"));
            proptest::prop_assert!(full.is_ok(), "{:?}: common {:?}, full {:?}", row, common, full);
            proptest::prop_assert_eq!(bits(&common), bits(&full.unwrap()), "{:?}", row);
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
    /// A decimal read by the exact fast path is, bit for bit, the general parser's double:
    /// digits and points in any number and place, signs, leading zeros, up to 2^53 and past it.
    #[test]
    fn exact_decimals_are_the_general_parsers(
        sign in proptest::sample::select(vec!["", "-", "+"]),
        whole in "[0-9]{0,20}",
        point in proptest::bool::ANY,
        fraction in "[0-9]{0,24}",
    ) {
        let text = format!("{sign}{whole}{}{fraction}", if point { "." } else { "" });
        let general = text.parse::<f64>().ok().filter(|x| x.is_finite()).map(|x| (x + 0.0).to_bits());
        let ours = parse_number(text.as_bytes()).ok().flatten().map(f64::to_bits);
        proptest::prop_assert_eq!(ours, general, "{}", text);
        if let Some(x) = exact_decimal(text.as_bytes()) {
            proptest::prop_assert_eq!(Some(x.to_bits()), text.parse::<f64>().ok().map(f64::to_bits));
        }
    }
}

#[test]
fn the_exact_fast_path_takes_what_it_can_and_leaves_the_rest() {
    // Values worked by hand: 2^53 is the largest whole mantissa, 22 the most places.
    assert_eq!(exact_decimal(b"196.9"), Some(1969.0 / 10.0));
    assert_eq!(exact_decimal(b"9007199254740992"), Some(9007199254740992.0));
    assert_eq!(exact_decimal(b"9007199254740993"), None);
    assert_eq!(exact_decimal(b"0.0000000000000000000001"), Some(1e-22));
    assert_eq!(exact_decimal(b"0.00000000000000000000001"), None);
    assert_eq!(exact_decimal(b"-0.5"), Some(-0.5));
    assert_eq!(exact_decimal(b".5"), Some(0.5));
    assert_eq!(exact_decimal(b"5."), Some(5.0));
    for refused in [
        &b"."[..],
        b"-",
        b"",
        b"1e3",
        b"1.2.3",
        b"1,5",
        b"--1",
        b"0x10",
    ] {
        assert_eq!(
            exact_decimal(refused),
            None,
            "{}",
            String::from_utf8_lossy(refused)
        );
    }
    assert_eq!(
        parse_number(b"-0").unwrap().unwrap().to_bits(),
        0.0f64.to_bits()
    );
}

#[test]
fn a_words_marked_bytes_are_its_commas_and_its_quotes_and_line_ends() {
    // Every byte value in every position, beside bytes that borrow or carry (0x00, 0x80, 0xFF).
    for value in 0..=255u8 {
        for at in 0..8 {
            for fill in [0x00, 0x80, 0xFF, b',', b'a'] {
                let mut bytes = [fill; 8];
                bytes[at] = value;
                let marked = |is: fn(u8) -> bool| {
                    (bytes.iter().enumerate())
                        .fold(0u64, |m, (i, &b)| m | (u64::from(is(b)) << (8 * i + 7)))
                };
                let expected = (
                    marked(|b| b == b','),
                    marked(|b| matches!(b, b'"' | b'\n' | b'\r')),
                );
                assert_eq!(
                    marked_bytes(u64::from_le_bytes(bytes)),
                    expected,
                    "{bytes:?}"
                );
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(40))]
    /// A category's codes are its values' texts numbered as first seen, whatever the order:
    /// runs, more than eight values, more than the recent codes' slots (so values collide in
    /// them), short values and long, and bytes that are not UTF-8 beside the text they read as
    /// (one group, as a reader sees one label; the attack on the recent codes mixed them).
    #[test]
    fn a_categorys_codes_number_its_texts_as_first_seen(
        picks in proptest::collection::vec(0usize..6000, 1..3000),
    ) {
        let raw = |i: usize| -> Vec<u8> {
            match i % 5 {
                0 => format!("g\u{FFFD}{}", i / 5).into_bytes(),
                1 => [&b"g\xFF"[..], (i / 5).to_string().as_bytes()].concat(),
                // Short values, kept as words: with a NUL beside one without, and seven
                // bytes beside eight.
                2 => format!("{}", i / 5 % 200).into_bytes(),
                3 => format!("{}\0", i / 5 % 200).into_bytes(),
                _ => format!("s{:07}", i / 5 % 1000).into_bytes()[..7 + i % 2].to_vec(),
            }
        };
        let mut cat = Category::new("school", MAX_DISTINCT_VALUES);
        let mut first_seen: Vec<String> = Vec::new();
        for &i in picks.iter().chain(&picks) {
            let bytes = raw(i);
            proptest::prop_assert!(cat.push(&bytes));
            let text = String::from_utf8_lossy(bytes.trim_ascii()).into_owned();
            let code = match first_seen.iter().position(|t| *t == text) {
                Some(c) => c,
                None => {
                    first_seen.push(text);
                    first_seen.len() - 1
                }
            };
            proptest::prop_assert_eq!(*cat.codes.last().unwrap() as usize, code);
        }
        proptest::prop_assert_eq!(&cat.values, &first_seen);
    }
}

#[test]
fn a_value_the_report_may_publish_that_is_not_utf8_is_its_rows_error() {
    // Latin-1 "Peña" in the subgroup column, plain or quoted: the row is refused at its line
    // and column, never published as "Pe\u{FFFD}a"; in place or not. An id is never published
    // and is compared as bytes: its Latin-1 bytes are kept.
    let bytes = b"student_id,pre,post,minutes,weeks,ell\nS1,200,210,600,20,Y\nS2,200,210,600,20,Pe\xF1a\nS\xF13,200,210,600,20,N\n\"S4\",200,210,600,20,\"\xF1\"\nS5,200,210,600,20,N\n";
    for (size, plain) in [
        (1, true),
        (7, true),
        (bytes.len(), true),
        (bytes.len(), false),
    ] {
        let (read, _) = read_in_chunks(bytes, size, plain).unwrap();
        assert_eq!(read.roster.len(), 3);
        assert_eq!(read.roster.subgroups[0].values, ["Y", "N"]);
        let lines: Vec<(u64, Code, Option<&str>)> = (read.errors.iter())
            .map(|e| (e.line, e.code, e.column.as_deref()))
            .collect();
        assert_eq!(
            lines,
            [
                (3, Code::NotUtf8, Some("ell")),
                (5, Code::NotUtf8, Some("ell"))
            ]
        );
        assert_eq!(
            read.errors[0].message,
            "The value of \"ell\" is not UTF-8 text: save the file as UTF-8 (\"CSV UTF-8\" in a spreadsheet)."
        );
    }
}

#[test]
fn a_category_refuses_the_value_past_its_limit_wherever_it_is_looked_up() {
    // Past eight values the lookup goes through the recent codes and the ordered map: the
    // limit holds there too, and values already seen are still taken.
    let mut cat = Category::new("school", 10);
    for i in 0..10 {
        assert!(cat.push(format!("S{i}").as_bytes()));
    }
    assert!(!cat.push(b"S10"));
    assert!(cat.push(b"S3") && cat.push(b"S9"));
    assert_eq!(cat.values.len(), 10);
    assert_eq!(cat.codes[10..], [3, 9]);
}

#[test]
fn a_roster_knows_whether_it_has_a_group_column() {
    let with = b"student_id,pre,post,minutes,weeks,ell,group\nS1,200,210,600,20,Y,T\n";
    let without = b"student_id,pre,post,minutes,weeks,ell\nS1,200,210,600,20,Y\n";
    let has_group = |bytes: &[u8]| {
        let (read, _) = read_in_chunks(bytes, bytes.len(), true).unwrap();
        read.roster.has_group
    };
    assert!(has_group(with));
    assert!(!has_group(without));
}

/// The contract of the parts' tests: a subgroup column of at most 6 values, a school column, a
/// norm for grade 3 alone (other grades are listed as without one).
fn parts_options() -> ReadOptions {
    let contract = crate::contract::Contract::from_json(&serde_json::json!({
        "metric": { "kind": "percentOfTypical", "norms": [{ "grade": 3, "typicalGrowth": 10 }] },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 10 },
        "minCellSize": 5,
        "subgroupColumns": ["ell"],
        "maxSubgroupValues": 6
    }))
    .unwrap();
    crate::evaluate::read_options(&contract)
}

/// `bytes` cut into up to `k` parts as [`parts::read_in_parts`] cuts them, each read on its own,
/// then joined: None where the parts cannot be joined, or the file is not cut.
fn joined(bytes: &[u8], k: usize) -> Option<ReadOutcome> {
    let head = parts::header_end(bytes)?;
    let spans = parts::spans(bytes, head, k);
    let read = spans
        .iter()
        .map(|&(head, part)| parts::read_part(head, part, parts_options()));
    parts::join(read.collect())
}

/// [`joined`], each part after the first sent as bytes ([`parts::Part::to_bytes`]) and read
/// back, as from a Node worker; and whether each part's bytes read are its span's.
fn joined_as_sent(bytes: &[u8], k: usize) -> (Option<ReadOutcome>, bool) {
    let Some(head) = parts::header_end(bytes) else {
        return (None, true);
    };
    let spans = parts::spans(bytes, head, k);
    let mut spans_read = true;
    let read = spans.iter().enumerate().map(|(i, &(before, part))| {
        let read = parts::read_part(before, part, parts_options())?;
        spans_read &= read.read_bytes() == part.len() as u64;
        match i {
            0 => Ok(read),
            _ => parts::Part::read_from(&bytes[..head], &read.to_bytes()[..], parts_options()),
        }
    });
    let read: Vec<_> = read.collect();
    (parts::join(read), spans_read)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
    /// A roster read in parts and joined is the roster read whole: the same rows, codes, lines,
    /// errors (the first hundred, and the count), duplicates across parts and fatal errors;
    /// and a plain file (no quote, its values within limits) is joined, not read again whole.
    #[test]
    fn parts_read_apart_join_into_the_whole(
        start in proptest::sample::select(vec!["", "\u{feff}", "\u{feff}\u{feff}", "\n \n", "\u{feff}\r\n"]),
        rows in proptest::collection::vec((
            0u32..300,
            proptest::sample::select(vec!["12", "7", "Pe\u{f1}a", "a school with a long name", ""]),
            proptest::sample::select(vec!["Y", "N", "ELL 1", "ELL 2", "ELL 3", "ELL 4", "ELL 5", "ELL 6"]),
            proptest::sample::select(vec!["200", "201.5", "x", "", "1e3", "-0"]),
            proptest::sample::select(vec!["\n", "\r\n", "\n\n", "\r\n \r\n", "\n\u{feff}\n"]),
            proptest::sample::select(vec!["3", "3", "4", "5", "x"]),
        ), 0..700),
        unique_ids in proptest::bool::ANY,
        ell_values in 1usize..9,
        quoted_row in proptest::option::of(0usize..400),
        k in 2usize..6,
    ) {
        let mut text = format!("{start}student_id,school,pre,post,minutes,weeks,ell,grade\r\n");
        for (i, (id, school, ell, post, end, grade)) in rows.iter().enumerate() {
            let id = if unique_ids { i as u32 } else { *id };
            let ell = if ell.starts_with("ELL") && ell[4..].parse::<usize>().unwrap() > ell_values { "Y" } else { ell };
            // At most one quoted field, anywhere: a line break in it, or none.
            let post = match quoted_row == Some(i) {
                true => format!("\"20{}\"", if id % 2 == 0 { "\n5" } else { "5" }),
                false => post.to_string(),
            };
            text.push_str(&format!("S{id},{school},200,{post},600,20,{ell},{grade}{end}"));
        }
        let bytes = text.as_bytes();
        // Compared as Debug text: a missing score's NaN equal to itself, and -0 apart from 0.
        let text_of = |read: &Result<(ReadOutcome, [u8; 32]), Error>| format!("{read:?}");
        let whole = read(bytes, parts_options(), &mut |_| {});
        for threads in [false, true] {
            let in_parts = parts::read_in_parts(bytes, parts_options(), k, threads);
            proptest::prop_assert_eq!(text_of(&in_parts), text_of(&whole));
        }
        let cut = parts::header_end(bytes).is_some_and(|head| !parts::cuts(bytes, head, k).is_empty());
        let joined = joined(bytes, k);
        let (sent, spans_read) = joined_as_sent(bytes, k);
        proptest::prop_assert_eq!(format!("{sent:?}"), format!("{joined:?}"));
        proptest::prop_assert!(spans_read);
        if let Some(outcome) = &joined {
            let whole = whole.as_ref().ok().map(|(o, _)| o);
            proptest::prop_assert_eq!(format!("{:?}", Some(outcome)), format!("{whole:?}"));
        }
        let quoted = text[..text.rfind('\n').unwrap_or(0)].contains('"');
        if cut && whole.is_ok() && !quoted {
            proptest::prop_assert!(joined.is_some(), "a plain file was read again whole");
        }
    }
}

#[test]
fn parts_start_after_a_line_end_and_skip_a_byte_order_mark() {
    let header = "student_id,pre,post,minutes,weeks,ell,grade\n";
    let text =
        format!("\u{feff}\n \n{header}S1,200,205,600,20,Y,3\n\u{feff}S2,200,205,600,20,Y,3\n");
    let bytes = text.as_bytes();
    // The byte-order mark's line and the blank one before the header.
    let head = 3 + 1 + 2 + header.len();
    assert_eq!(parts::header_end(bytes), Some(head));
    // A part may start with a byte-order mark: its reader reads it as data, as one reader does
    // (the second id is "\u{feff}S2").
    let cut = head + "S1,200,205,600,20,Y,3\n".len();
    assert_eq!(parts::cuts(bytes, head, 2), vec![cut]);
    let apart = vec![
        parts::read_part(&[], &bytes[..cut], parts_options()),
        parts::read_part(&bytes[..head], &bytes[cut..], parts_options()),
    ];
    let joined = parts::join(apart).unwrap();
    let (one, _) = super::read(bytes, parts_options(), &mut |_| {}).unwrap();
    assert_eq!(format!("{joined:?}"), format!("{one:?}"));
    assert_eq!((one.roster.len(), one.roster.line.clone()), (2, vec![4, 5]));
    // At most one cut a line, and none at the end.
    assert_eq!(parts::cuts(b"id\n1\n2\n3\n4\n", 3, 40), vec![5, 7, 9]);
    assert_eq!(parts::cuts(b"id\n1\n2\n3\n4\n", 3, 2), vec![7]);
    assert_eq!(parts::header_end(b"\"id\",pre\n1,2\n"), None);
    assert_eq!(parts::header_end(b"id,pre\r1,2\n"), None);
    assert_eq!(parts::header_end(b"\n\n"), None);
    // As many threads as lines asked for: at most MAX_PARTS parts (64 here of 1,000 lines).
    let many = format!(
        "student_id,pre,post,minutes,weeks,ell,grade\n{}",
        "1,200,205,600,20,Y,3\n".repeat(1000)
    );
    let head = parts::header_end(many.as_bytes()).unwrap();
    assert_eq!(
        parts::cuts(many.as_bytes(), head, parts::MAX_PARTS).len(),
        63
    );
    let (outcome, _) = parts::read_in_parts(many.as_bytes(), parts_options(), 1000, true).unwrap();
    assert_eq!((outcome.roster.len(), outcome.error_count), (1, 999));
    assert_eq!(parts::header_end(b"\"id\",pre\n1,2\n"), None);
    assert_eq!(parts::header_end(b"id,pre\r1,2\n"), None);
    assert_eq!(parts::header_end(b"\n\n"), None);
}

#[test]
fn a_cut_inside_a_quoted_field_is_read_whole() {
    // Rows before a quoted post-test holding a line break, as many as put the middle cut just
    // after that break: the part after would start inside the field.
    let head = "student_id,pre,post,minutes,weeks,ell,grade\n";
    let row = |id: u32| format!("S{id},200,205,600,20,Y,3\n");
    let (text, cut, n) = (0..200)
        .find_map(|n| {
            let before: String = (1..=n).map(row).collect();
            let after: String = (1000..1003).map(row).collect();
            let text = format!("{head}{before}S0,200,\"20\n5\",600,20,Y,3\n{after}");
            let inside = text.find("\"20\n").unwrap() + 4;
            (parts::cuts(text.as_bytes(), head.len(), 2) == [inside]).then_some((text, inside, n))
        })
        .unwrap();
    let bytes = text.as_bytes();
    let read = |head: &[u8], part: &[u8]| parts::read_part(head, part, parts_options());
    let apart = vec![
        read(&[], &bytes[..cut]),
        read(&bytes[..head.len()], &bytes[cut..]),
    ];
    assert!(apart.iter().all(Result::is_ok));
    assert!(parts::join(apart).is_none());
    // Read whole instead: the quoted post-test (20, a line break, 5) is no number.
    let (outcome, _) = parts::read_in_parts(bytes, parts_options(), 2, false).unwrap();
    let whole = super::read(bytes, parts_options(), &mut |_| {}).unwrap().0;
    assert_eq!(format!("{outcome:?}"), format!("{whole:?}"));
    assert_eq!(
        (outcome.roster.len(), outcome.error_count),
        (n as usize + 3, 1)
    );
}

/// A part's bytes cut short anywhere are refused, and bytes changed anywhere are read back or
/// refused, never a panic: what crosses from a worker is checked as any input is.
#[test]
fn a_part_sent_as_bytes_is_checked_as_it_is_read_back() {
    let text = "student_id,school,pre,post,minutes,weeks,ell,grade\nS1,12,200,205,600,20,Y,3\nS2,7,200,x,600,20,N,4\nS1,7,200,208.5,600,20,Y,12\n";
    let bytes = text.as_bytes();
    let head = parts::header_end(bytes).unwrap();
    let part = parts::read_part(&bytes[..head], &bytes[head..], parts_options()).unwrap();
    let sent = part.to_bytes();
    let back = |b: &[u8]| parts::Part::read_from(&bytes[..head], b, parts_options());
    // Read back, the part joins as itself.
    let whole = parts::read_part(&[], bytes, parts_options());
    let first = parts::read_part(&[], &bytes[..head], parts_options());
    let one = parts::join(vec![whole]).unwrap();
    assert_eq!(
        format!("{:?}", parts::join(vec![first, back(&sent)])),
        format!("{:?}", Some(one))
    );
    for len in 0..sent.len() {
        let refused = back(&sent[..len]).err().map(|e| e.code);
        assert_eq!(refused, Some(Code::InternalError), "cut at {len}");
    }
    for at in 0..sent.len() {
        for flip in [1u8, 0x80, 0xFF] {
            let mut changed = sent.clone();
            changed[at] ^= flip;
            let _ = back(&changed);
        }
    }
    // Bytes for another header's columns are refused.
    let other = "student_id,pre,post,minutes,weeks\n";
    assert!(parts::Part::read_from(other.as_bytes(), &sent[..], parts_options()).is_err());
}

/// Rows without a bad one, sent as bytes: the id ends, past what is left of the bytes after
/// them, are offsets, not lengths, and read back; the part joins as one reader reads the file.
#[test]
fn a_clean_part_sent_as_bytes_joins_as_one_reader_reads() {
    let mut text = String::from("student_id,school,pre,post,minutes,weeks,ell,grade\n");
    for i in 0..40 {
        text += &format!("S{i},1,200,{},600,20,N,3\n", 210 + i);
    }
    let bytes = text.as_bytes();
    let head = parts::header_end(bytes).unwrap();
    let cut = parts::cuts(bytes, head, 2)[0];
    let first = parts::read_part(&[], &bytes[..cut], parts_options());
    let second = parts::read_part(&bytes[..head], &bytes[cut..], parts_options()).unwrap();
    assert_eq!(second.read_bytes(), (bytes.len() - cut) as u64);
    let back = parts::Part::read_from(&bytes[..head], &second.to_bytes()[..], parts_options());
    let joined = parts::join(vec![first, back]).unwrap();
    let (one, _) = super::read(bytes, parts_options(), &mut |_| {}).unwrap();
    assert_eq!(format!("{joined:?}"), format!("{one:?}"));
    assert_eq!(one.roster.len(), 40);
}
