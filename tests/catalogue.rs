//! One case per error code of the roster and contract readers: each checks the code, the line
//! or path, and that the message is a sentence a person can act on.

use evidence_check::evaluate_json;
use evidence_check::parse_json;
use evidence_check::{Details, Error};
use serde_json::{json, Value};

const HEADER: &str = "student_id,pre,post,minutes,weeks,grade,group\n";

fn contract() -> Value {
    json!({
        "metric": { "kind": "gain" },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 0, "minWeeks": 0 },
        "minCellSize": 5
    })
}

fn roster_error(bytes: &[u8]) -> (u64, Option<String>, &'static str, String) {
    let e = evaluate_json(&contract(), bytes, &mut |_| {}).expect_err("the roster is refused");
    assert_eq!(e.code, "invalidRoster");
    assert!(e.message.ends_with('.'), "a sentence: {}", e.message);
    let Details::Rows { errors, .. } = &e.details else {
        panic!("row details expected")
    };
    let r = &errors[0];
    assert!(r.message.ends_with('.'), "a sentence: {}", r.message);
    (r.line, r.column.clone(), r.code.as_str(), r.message.clone())
}

fn row(line: &str) -> Vec<u8> {
    format!("{HEADER}A0,200,210,600,20,3,T\n{line}\n").into_bytes()
}

/// A roster, the line and column of its first error, the error's code, and a phrase its
/// message must hold.
type RosterCase<'a> = (Vec<u8>, u64, Option<&'a str>, &'a str, &'a str);

#[test]
fn roster_catalogue() {
    let cases: Vec<RosterCase> = vec![
        (b"".to_vec(), 1, None, "emptyFile", "empty"),
        (b" \r\n \n".to_vec(), 1, None, "emptyFile", "empty"),
        (
            HEADER.as_bytes().to_vec(),
            2,
            None,
            "noRows",
            "no student rows",
        ),
        (
            b"student_id,pre,minutes,weeks\nA,1,2,3\n".to_vec(),
            1,
            Some("post"),
            "missingColumn",
            "no \"post\" column",
        ),
        (
            b"student_id;pre;post;minutes;weeks\nA;1;2;3;4\n".to_vec(),
            1,
            Some("student_id"),
            "missingColumn",
            "separated by semicolons",
        ),
        (
            b"student_id\tpre\tpost\tminutes\tweeks\nA\t1\t2\t3\t4\n".to_vec(),
            1,
            Some("student_id"),
            "missingColumn",
            "separated by tabs",
        ),
        (
            b"student_id,pre,post,minutes,weeks,Pre\nA,1,2,3,4,5\n".to_vec(),
            1,
            Some("Pre"),
            "duplicateColumn",
            "twice",
        ),
        (
            b"\xff\xfes\x00t\x00".to_vec(),
            1,
            None,
            "wrongEncoding",
            "UTF-16",
        ),
        (
            row("A1,\"200,210,600,20,3,T\nA2,200,210,600,20,3,T"),
            3,
            None,
            "unterminatedQuote",
            "not closed",
        ),
        (
            [
                format!("{HEADER}A0,200,210,600,20,3,T\nA1,").into_bytes(),
                b"\xff\xfe,210,600,20,3,T\n".to_vec(),
            ]
            .concat(),
            3,
            Some("pre"),
            "invalidNumber",
            "not valid UTF-8",
        ),
        (
            row("A1,1e400,210,600,20,3,T"),
            3,
            Some("pre"),
            "invalidNumber",
            "too large",
        ),
        (
            row("A1,NaN,210,600,20,3,T"),
            3,
            Some("pre"),
            "invalidNumber",
            "not a number",
        ),
        (
            row("A1,inf,210,600,20,3,T"),
            3,
            Some("pre"),
            "invalidNumber",
            "not a number",
        ),
        (
            row("A1,\"1,5\",210,600,20,3,T"),
            3,
            Some("pre"),
            "invalidNumber",
            "decimal separator",
        ),
        (
            row("A1,1,5,210,600,20,3,T"),
            3,
            None,
            "wrongFieldCount",
            "8 fields; the header has 7",
        ),
        (
            row("A1,200,210,600"),
            3,
            None,
            "wrongFieldCount",
            "4 fields",
        ),
        (
            row("A1,200,210,,20,3,T"),
            3,
            Some("minutes"),
            "missingValue",
            "\"minutes\" is empty: give the minutes of use (0 for a student who did not use the product",
        ),
        (
            row("C1,200,210,0,,3,C"),
            3,
            Some("weeks"),
            "missingValue",
            "\"weeks\" is empty: give the weeks the student was enrolled (a comparison student's too).",
        ),
        (
            row(",200,210,600,20,3,T"),
            3,
            Some("student_id"),
            "missingValue",
            "student id is empty",
        ),
        (
            row(&format!("{},200,210,600,20,3,T", "x".repeat(300))),
            3,
            Some("student_id"),
            "tooLong",
            "longer than 256 bytes",
        ),
        (
            row("A0,200,210,600,20,3,T"),
            3,
            Some("student_id"),
            "duplicateId",
            "already appears on line 2",
        ),
        (
            row("A1,200,210,600,0,3,T"),
            3,
            Some("weeks"),
            "outOfRange",
            "from 0.01 to 520",
        ),
        (
            row("A1,200,210,-1,20,3,T"),
            3,
            Some("minutes"),
            "negativeNumber",
            "cannot be negative",
        ),
        (
            row("A1,200,210,600,20,Q,T"),
            3,
            Some("grade"),
            "invalidGrade",
            "not a grade",
        ),
        (
            row("A1,200,210,600,20,13,T"),
            3,
            Some("grade"),
            "invalidGrade",
            "not a grade",
        ),
        (
            row("A1,200,210,600,20,3,maybe"),
            3,
            Some("group"),
            "invalidGroup",
            "not a group",
        ),
        (
            row("A1,200,1e300,600,20,3,T"),
            3,
            Some("post"),
            "outOfRange",
            "not a test score",
        ),
        (
            row("A1,200,210,2000000,20,3,T"),
            3,
            Some("minutes"),
            "outOfRange",
            "more than a student can use",
        ),
        (
            row(&format!("A1,200,210,600,20,3,{}", "T".repeat(10 << 20))),
            3,
            None,
            "rowTooLong",
            "longer than 64 KB",
        ),
    ];
    for (bytes, line, column, code, text) in cases {
        let got = roster_error(&bytes);
        assert_eq!(
            (got.0, got.1.as_deref(), got.2),
            (line, column, code),
            "{}",
            got.3
        );
        assert!(
            got.3.contains(text),
            "{code}: \"{}\" lacks \"{text}\"",
            got.3
        );
    }
}

#[test]
fn accepted_oddities() {
    let plain = format!("{HEADER}A1,200,210,600,20,K,T\nA2,-0,5,600,20,0,intervention\n");
    let base = evaluate_json(&contract(), plain.as_bytes(), &mut |_| {}).unwrap();
    assert_eq!(
        base.students.rows, 2,
        "grade K, -0 and a spelled-out group are accepted"
    );
    let bom_crlf = format!("\u{feff}{}", plain.replace('\n', "\r\n"));
    let mut other = evaluate_json(&contract(), bom_crlf.as_bytes(), &mut |_| {}).unwrap();
    // Only the roster digest differs: it is of the bytes as given.
    assert_ne!(other.report.roster_digest, base.report.roster_digest);
    other
        .report
        .roster_digest
        .clone_from(&base.report.roster_digest);
    assert_eq!(other, base);
    let with_blank_lines = plain.replace('\n', "\n\n");
    assert_eq!(
        evaluate_json(&contract(), with_blank_lines.as_bytes(), &mut |_| {})
            .unwrap()
            .students
            .rows,
        2
    );
}

#[test]
fn a_header_past_the_row_limit_is_refused() {
    // A file of one unending line: the reader holds at most a row's worth of it.
    let huge = vec![b'a'; 1 << 20];
    let (line, _, code, message) = roster_error(&huge);
    assert_eq!((line, code), (1, "rowTooLong"));
    assert!(
        message.contains("the header row is longer than 64 KB"),
        "{message}"
    );
}

#[test]
fn a_metric_the_row_cannot_have() {
    let mut c = contract();
    c["metric"] = json!({ "kind": "normalizedGain", "maxScore": 300 });
    let e = evaluate_json(&c, row("A1,300,301,600,20,3,T").as_slice(), &mut |_| {}).unwrap_err();
    let Details::Rows { errors, .. } = &e.details else {
        panic!()
    };
    assert_eq!(
        (errors[0].line, errors[0].code.as_str()),
        (3, "aboveMaximum")
    );
    assert_eq!(
        errors[0].message,
        "The post-test 301 is above the maximum score 300."
    );
}

fn contract_error(c: &Value) -> Error {
    evaluate_json(c, row("A1,200,210,600,20,3,T").as_slice(), &mut |_| {})
        .expect_err("the contract is refused")
}

fn with(changes: Value) -> Value {
    let mut c = contract();
    for (k, v) in changes.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

#[test]
fn contract_catalogue() {
    let card = |n: usize| {
        (0..n)
            .map(|i| json!({ "label": format!("T{i}"), "atLeast": i, "centsPerStudent": i }))
            .collect::<Vec<_>>()
    };
    let cases = vec![
        (
            with(json!({ "baseFeeCents": 10.5 })),
            "baseFeeCents",
            "fractionalCents",
            "whole cents",
        ),
        (
            with(json!({ "perStudentBaseCents": -1 })),
            "perStudentBaseCents",
            "negativeCents",
            "cannot be negative",
        ),
        (
            with(json!({ "capCents": 1e300 })),
            "capCents",
            "outOfRange",
            "2^53 - 1",
        ),
        (
            with(json!({ "paymentCard": [] })),
            "paymentCard",
            "empty",
            "at least one tier",
        ),
        (
            with(json!({ "paymentCard": card(1001) })),
            "paymentCard",
            "tooLong",
            "At most 1000",
        ),
        (
            with(json!({ "metric": { "kind": "median" } })),
            "metric.kind",
            "invalidValue",
            "is not one of",
        ),
        (
            with(json!({ "metric": { "kind": "growthIndex", "norms": [] } })),
            "metric.norms",
            "empty",
            "At least one norm",
        ),
        (
            with(
                json!({ "metric": { "kind": "growthIndex", "norms": [{ "grade": 3, "mean": 1, "sd": 0 }] } }),
            ),
            "metric.norms[0].sd",
            "outOfRange",
            "from 1e-6 to 1e12",
        ),
        (
            with(
                json!({ "metric": { "kind": "growthIndex", "norms": [{ "grade": 4, "mean": 1, "sd": 2 }] } }),
            ),
            "metric.norms",
            "missingNorm",
            "grade 3",
        ),
        (
            with(
                json!({ "paymentCard": [{ "label": "A", "atLeast": 1, "centsPerStudent": 5 }, { "label": "B", "atLeast": 1, "centsPerStudent": 6 }] }),
            ),
            "paymentCard[1].atLeast",
            "duplicate",
            "same threshold",
        ),
        (
            with(
                json!({ "paymentCard": [{ "label": "A", "atLeast": 1, "centsPerStudent": 5 }, { "label": "A", "atLeast": 2, "centsPerStudent": 6 }] }),
            ),
            "paymentCard[1].label",
            "duplicate",
            "Two tiers are labelled \"A\"",
        ),
        (
            with(json!({ "columns": { "pre": "post" } })),
            "columns.pre",
            "duplicate",
            "pre and post name the same roster column, \"post\"",
        ),
        (
            with(json!({ "columns": { "weeks": "Minutes", "minutes": "Minutes" } })),
            "columns.weeks",
            "duplicate",
            "minutes and weeks name the same roster column, \"Minutes\"",
        ),
        (
            with(
                json!({ "paymentCard": [{ "label": "A", "atLeast": 1, "centsPerStudent": 5 }, { "label": "B", "atLeast": 2, "centsPerStudent": 4 }] }),
            ),
            "paymentCard[1].centsPerStudent",
            "decreasingTier",
            "never earn less",
        ),
        (
            with(json!({ "floorCents": 10, "capCents": 5 })),
            "floorCents",
            "outOfRange",
            "above the cap",
        ),
        (
            with(json!({ "minCellSize": 4 })),
            "minCellSize",
            "outOfRange",
            "from 5 to 1000",
        ),
        (
            with(json!({ "subgroupColumns": ["STUDENT_ID"] })),
            "subgroupColumns[0]",
            "identifyingColumn",
            "every student's own value",
        ),
        (
            with(json!({ "maxSubgroupValues": 1 })),
            "maxSubgroupValues",
            "outOfRange",
            "from 2 to 1000",
        ),
        (
            with(json!({ "currency": "dollars" })),
            "currency",
            "invalidValue",
            "three-letter",
        ),
        (with(json!({ "icc": 1 })), "icc", "outOfRange", "below 1"),
        (
            with(json!({ "districtObligation": { "minShareAtFidelity": 1.5 } })),
            "districtObligation.minShareAtFidelity",
            "outOfRange",
            "from 0 to 1",
        ),
        (
            with(json!({ "payementCard": [] })),
            "payementCard",
            "unknownField",
            "Did you mean \"paymentCard\"?",
        ),
        (
            with(json!({ "fidelity": null })),
            "fidelity",
            "required",
            "required",
        ),
        (
            with(json!({ "columns": { "studentId": "" } })),
            "columns.studentId",
            "empty",
            "cannot be empty",
        ),
    ];
    for (c, path, code, text) in cases {
        let e = contract_error(&c);
        assert_eq!(e.code, "invalidContract", "{path}: {}", e.message);
        let f = e
            .field_errors()
            .first()
            .unwrap_or_else(|| panic!("{path}: no field error in {}", e.message));
        assert_eq!(
            (f.path.as_str(), f.code.as_str()),
            (path, code),
            "{}",
            f.message
        );
        assert!(
            f.message.contains(text),
            "{code}: \"{}\" lacks \"{text}\"",
            f.message
        );
        assert!(
            f.message.ends_with('.') || f.message.ends_with('?'),
            "a sentence: {}",
            f.message
        );
    }
}

#[test]
fn wrong_types_everywhere() {
    let c = json!({
        "id": 1, "productName": [], "period": {}, "currency": 3, "baseFeeCents": "100", "perStudentBaseCents": true,
        "metric": "gain", "paymentCard": {}, "fidelity": [], "belowFidelity": 2, "districtObligation": "yes",
        "declinePenaltyCents": [], "capCents": {}, "floorCents": "0", "missingOutcome": false, "minCellSize": "10",
        "subgroupColumns": "ell", "randomized": "no", "assignedBy": 1, "icc": "0.2", "columns": 5, "onBadRow": null
    });
    let e = contract_error(&c);
    let wrong: Vec<&str> = e
        .field_errors()
        .iter()
        .filter(|f| f.code == "wrongType")
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        wrong,
        vec![
            "id",
            "productName",
            "period",
            "currency",
            "baseFeeCents",
            "perStudentBaseCents",
            "metric",
            "paymentCard",
            "fidelity",
            "belowFidelity",
            "districtObligation",
            "declinePenaltyCents",
            "capCents",
            "floorCents",
            "missingOutcome",
            "minCellSize",
            "subgroupColumns",
            "randomized",
            "assignedBy",
            "icc",
            "columns"
        ]
    );
    assert_eq!(
        contract_error(&json!([1, 2])).field_errors()[0].code,
        "wrongType"
    );
}

#[test]
fn json_limits() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let e = parse_json(&deep, evidence_check::Code::InvalidContract, "contract").unwrap_err();
    assert_eq!(e.code, evidence_check::Code::InvalidContract);
    assert!(e.message.contains("recursion limit"), "{}", e.message);
    let big = format!("\"{}\"", "x".repeat(2 << 20));
    assert!(
        parse_json(&big, evidence_check::Code::InvalidContract, "contract")
            .unwrap_err()
            .message
            .contains("the limit is 1048576")
    );
    assert!(parse_json(
        "{\"a\": 1e400}",
        evidence_check::Code::InvalidContract,
        "contract"
    )
    .unwrap_err()
    .message
    .contains("not valid JSON"));
}

#[test]
fn amounts_past_what_js_holds_exactly() {
    let c = with(
        json!({ "baseFeeCents": 9007199254740991u64, "perStudentBaseCents": 9007199254740991u64 }),
    );
    let e = contract_error(&c);
    assert_eq!(e.code, "amountTooLarge");
    assert!(e.message.contains("2^53 - 1 cents"));
}

#[test]
fn one_bad_item_is_one_error() {
    // Its only tier's amount given as text: that error alone, not also "needs at least one
    // tier" (a helper's attack found the second); likewise a growth index's only norm.
    for (changes, path) in [
        (
            json!({ "paymentCard": [{ "label": "A", "atLeast": 1, "centsPerStudent": "500" }] }),
            "paymentCard[0].centsPerStudent",
        ),
        (
            json!({ "metric": { "kind": "growthIndex", "norms": [{ "grade": 3, "mean": 1, "sd": 0 }] } }),
            "metric.norms[0].sd",
        ),
    ] {
        let e = contract_error(&with(changes));
        let paths: Vec<&str> = e.field_errors().iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, [path], "{}", e.message);
    }
}

#[test]
fn a_bad_rows_line_is_its_line_in_the_file_whatever_the_line_ends() {
    // Line 1 the header; the bad rows on lines 3 and 6, with blank lines between, and line
    // ends as Unix (LF), Windows (CRLF) and old Mac (CR alone) write them.
    let rows = [
        "A0,200,210,600,20,3,T",
        "A1,200,x,600,20,3,T",
        "",
        "",
        "A2,200,y,600,20,3,T",
    ];
    for end in ["\n", "\r\n", "\r"] {
        let text = format!("{}{end}{}{end}", HEADER.trim_end(), rows.join(end));
        let e = evaluate_json(&contract(), text.as_bytes(), &mut |_| {}).unwrap_err();
        let Details::Rows { errors, .. } = &e.details else {
            panic!("row details expected")
        };
        let lines: Vec<u64> = errors.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 6], "{end:?}");
    }
    // A row over two lines (a quoted field with a line break) is on its first; the next row
    // counts both.
    let text = format!("{HEADER}A0,200,210,600,20,3,\"T\nT\"\nA1,200,x,600,20,3,T\n");
    let e = evaluate_json(&contract(), text.as_bytes(), &mut |_| {}).unwrap_err();
    let Details::Rows { errors, .. } = &e.details else {
        panic!("row details expected")
    };
    let lines: Vec<u64> = errors.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 4]);
    // A quote that runs over a CRLF line end, in the middle of the file: not two students read
    // as one.
    let text =
        "student_id,pre,post,minutes,weeks\r\n\"A,1,9,100,3\r\nB\",1,9,100,3\r\nC,1,9,100,3\r\n";
    let (line, _, code, _) = roster_error(text.as_bytes());
    assert_eq!((line, code), (2, "unterminatedQuote"));
}
