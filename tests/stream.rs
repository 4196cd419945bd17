//! A roster pushed in chunks of any size evaluates as the whole file does: the same payment,
//! rows, row errors (at the same lines), structural errors and digest, whatever the chunks cut
//! through (a quote, a "\r\n", a byte-order mark, a multi-byte character).

use evidence_check::{evaluate_json, Evaluation, Evaluator};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const CONTRACT: &str = include_str!("fixtures/contracts/duval-style.json");
const SMALL: &[u8] = include_bytes!("fixtures/contracts/roster-small.csv");

fn gain_contract() -> Value {
    json!({
        "metric": { "kind": "gain" },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 10 },
        "minCellSize": 5,
        "onBadRow": "skip",
        "subgroupColumns": ["ell"]
    })
}

fn chunked(
    contract: &Value,
    bytes: &[u8],
    size: usize,
) -> Result<Evaluation, evidence_check::Error> {
    let mut e = Evaluator::new(contract, Some(bytes.len() as u64))?;
    let mut seen = Vec::new();
    for chunk in bytes.chunks(size.max(1)) {
        e.push(chunk, &mut |f| seen.push(f))?;
        // An empty push is no news, not the end of the file (attack on the first version).
        e.push(&[], &mut |f| seen.push(f))?;
    }
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    e.finish(&mut |_| {})
}

/// Every chunk size from one byte up gives the whole file's answer, error or evaluation.
fn same_in_every_chunking(contract: &Value, bytes: &[u8]) {
    let whole = evaluate_json(contract, bytes, &mut |_| {});
    for size in [1, 2, 3, 5, 7, 16, 64, 1000, 4096, 65536, bytes.len()] {
        let pieces = chunked(contract, bytes, size);
        assert_eq!(pieces, whole, "chunks of {size} bytes");
    }
    if let Ok(e) = whole {
        let digest: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(e.report.roster_digest, format!("sha256:{digest}"));
    }
}

#[test]
fn the_fixture_roster_in_every_chunking() {
    let contract: Value = serde_json::from_str(CONTRACT).unwrap();
    same_in_every_chunking(&contract, SMALL);
}

/// Line ends of every kind, a byte-order mark, quotes with separators, doubled quotes and a
/// multi-byte character, blank and space-only lines, a bad row, a duplicate id, a quote left
/// open over two lines, a row past 64 KB and a last row without its line end: the rows and the
/// row errors' lines are the whole file's.
#[test]
fn awkward_bytes_in_every_chunking() {
    let header = "student_id,pre,post,minutes,weeks,ell\n";
    let mut rows = String::new();
    for i in 0..40 {
        let end = ["\n", "\r\n", "\r"][i % 3];
        rows += &format!(
            "S{i},200,{},{},20,{}{end}",
            200 + i % 11,
            300 + 20 * i,
            ["Y", "N"][i % 2]
        );
    }
    let awkward = format!(
        "\u{feff}{header}{rows}\n\n   \r\n\"S,q\",200,209,900,20,\"N\"\n\"S\"\"dq\",200,207,900,20,N\nSé,200,210,900,20,Y\nS1,200,230,900,20,Y\nS41,200,oops,900,20,N\nS42,\"200,215,900,20,N\nS43\",200,211,900,20,N\nS44,200,{},900,20,N\nS45,200,212,900,20,Y"
    , "9".repeat(70_000));
    let bytes = awkward.into_bytes();
    let e = evaluate_json(&gain_contract(), &bytes, &mut |_| {}).unwrap();
    // Line 1 the header, 2-41 the 40 rows, 42-44 blank, 45-47 the quoted id, the doubled
    // quote and é: 43 good rows. Then S1 again (48), S41's "oops" (49), a quote opened on line
    // 50 and closed on 51 (a line break inside a field: one bad row), S44 past 64 KB (52), and
    // S45 without a line end, good: 44 rows.
    assert_eq!(e.students.rows, 44, "{:?}", e.rejected_rows);
    let lines: Vec<(u64, &str)> = (e.rejected_rows.iter())
        .map(|r| (r.line, r.code.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (48, "duplicateId"),
            (49, "invalidNumber"),
            (50, "unterminatedQuote"),
            (52, "rowTooLong")
        ],
        "{:?}",
        e.rejected_rows
    );
    same_in_every_chunking(&gain_contract(), &bytes);
}

/// Structural errors arrive from the push that meets them, or from the finish: the same error
/// as the whole file's, in every chunking.
#[test]
fn structural_errors_in_every_chunking() {
    let contract = gain_contract();
    for bytes in [
        &b""[..],
        b"  \n\r\n",
        b"\xFF\xFEs\x00",
        b"student_id,pre,post,minutes\nA,1,2,3\n",
        b"student_id,pre,post,minutes,weeks,ell\n",
        b"student_id,student_id,pre,post,minutes,weeks,ell\nA,A,1,2,3,4,Y\n",
    ] {
        assert!(evaluate_json(&contract, bytes, &mut |_| {}).is_err());
        same_in_every_chunking(&contract, bytes);
    }
    let huge_header = vec![b'a'; 100_000];
    same_in_every_chunking(&contract, &huge_header);
}

/// Two byte-order marks (a file concatenated or saved twice) are read as the whole file always
/// was, and a row of 65,537 fields is past the row limit whatever its bytes (attack on the first
/// version: it read the second mark into the first column's name, and took up to 131,072 fields).
#[test]
fn two_marks_and_a_row_of_too_many_fields() {
    let contract = gain_contract();
    let twice =
        b"\xEF\xBB\xBF\xEF\xBB\xBFstudent_id,pre,post,minutes,weeks,ell\nS1,200,210,600,20,Y\n";
    let e = evaluate_json(&contract, twice, &mut |_| {}).unwrap();
    assert_eq!(e.students.rows, 1);
    same_in_every_chunking(&contract, twice);
    let mut wide = b"student_id,pre,post,minutes,weeks,ell\nS1,200,210,600,20,Y\n".to_vec();
    wide.extend(std::iter::repeat_n(b',', 65_536));
    wide.push(b'\n');
    let e = evaluate_json(&contract, &wide, &mut |_| {}).unwrap();
    assert_eq!(e.rejected_rows[0].code.as_str(), "rowTooLong");
    let mut fits = b"student_id,pre,post,minutes,weeks,ell\nS1,200,210,600,20,Y\n".to_vec();
    fits.extend(std::iter::repeat_n(b',', 65_535));
    fits.push(b'\n');
    let e = evaluate_json(&contract, &fits, &mut |_| {}).unwrap();
    assert_eq!(e.rejected_rows[0].code.as_str(), "wrongFieldCount");
}

/// A statewide-shaped roster of 20,000 students fed in 64 KB chunks, as the calculator's
/// worker reads a file's stream: the whole file's evaluation.
#[test]
fn a_larger_roster_in_64_kb_chunks() {
    let mut roster = String::from("student_id,school,grade,pre,post,minutes,weeks,group,ell\n");
    let mut x: u64 = 7;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in 0..20_000 {
        let school = next() % 40;
        let pre = 1500 + next() % 400;
        let post = if next() % 30 == 0 {
            String::new()
        } else {
            format!("{}.{}", (pre + next() % 200) / 10, next() % 10)
        };
        let group = if school % 5 == 0 { "C" } else { "T" };
        roster += &format!(
            "TX-{i:07},{school},{},{}.{},{post},{},{},{group},{}\n",
            next() % 9,
            pre / 10,
            pre % 10,
            next() % 1200,
            20 + next() % 17,
            ["Y", "N"][(next() % 2) as usize]
        );
    }
    let mut contract = gain_contract();
    contract["subgroupColumns"] = json!(["ell", "grade"]);
    let bytes = roster.into_bytes();
    let whole = evaluate_json(&contract, &bytes, &mut |_| {}).unwrap();
    assert_eq!(whole.students.rows, 20_000);
    assert_eq!(chunked(&contract, &bytes, 64 << 10).unwrap(), whole);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    /// Rows of random bytes from the characters that matter to a CSV reader (separators, quotes,
    /// every line end, spaces, a two-byte character) after a good header, cut at random sizes:
    /// the whole file's answer, error or evaluation.
    #[test]
    fn random_bytes_cut_anywhere(
        body in proptest::collection::vec(proptest::sample::select(
            vec![b'1', b'2', b'0', b'9', b'.', b',', b',', b'"', b'\n', b'\r', b' ', b'S', b'T', b'Y', 0xC3, 0xA9]), 0..400),
        size in 1usize..40,
    ) {
        let mut bytes = b"student_id,pre,post,minutes,weeks,ell\nS0,200,210,600,20,Y\n".to_vec();
        bytes.extend_from_slice(&body);
        let contract = gain_contract();
        let whole = evaluate_json(&contract, &bytes, &mut |_| {});
        proptest::prop_assert_eq!(chunked(&contract, &bytes, size), whole);
    }
}
