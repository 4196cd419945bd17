//! The district's own files (a long weekly usage log, a long Fall/Winter/Spring scores file, a
//! student file) evaluate exactly as the same students joined by hand into one roster: the
//! join here is written apart from the module's, from the rules the README states.

use evidence_check::{evaluate_json, evaluate_sources_json, Sources};
use serde_json::{json, Value};
use std::collections::HashMap;

/// A fixed generator (a 64-bit LCG, Knuth's MMIX constants), so the files are the same in
/// every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Days since 1970-01-01 of 2025-09-01, a Monday (Python: (date(2025,9,1)-date(1970,1,1)).days).
const SEP_1_2025: i64 = 20332;

/// The day's date as M/D/YYYY (the US exports' form), from days since 1970-01-01, by stepping
/// through the months from 2025-08-01 (day 20301).
fn us_date(day: i64) -> String {
    let months = [
        (2025, 8, 31),
        (2025, 9, 30),
        (2025, 10, 31),
        (2025, 11, 30),
        (2025, 12, 31),
        (2026, 1, 31),
        (2026, 2, 28),
        (2026, 3, 31),
        (2026, 4, 30),
        (2026, 5, 31),
        (2026, 6, 30),
    ];
    let mut d = day - 20301;
    for (y, m, len) in months {
        if d < len {
            return format!("{m}/{}/{y}", d + 1);
        }
        d -= len;
    }
    panic!("day {day} is past the table");
}

const WEEKS: i64 = 20;
const MIN_PER_WEEK: f64 = 30.0;

struct District {
    usage: String,
    scores: String,
    students: String,
    /// The roster joined by hand.
    joined: String,
}

/// `n` students in five schools and grades 3 to 5, a third of them comparison students, with
/// deliberate mismatches: intervention students with no usage, usage and scores of students
/// not in the student file, usage rows the week before the period, retests in a window, a
/// Reading test beside each Math one, students without a Spring test.
fn district(n: usize, seed: u64) -> District {
    let mut rng = Lcg(seed);
    let mut students = String::from("Student ID,School Name,Grade,Program,ELL\n");
    let mut usage = String::from("StudentID,SessionDate,Minutes\n");
    let mut scores = String::from(
        "StudentID,TermName,Subject,TestStartDate,TestRITScore,TypicalFallToSpringGrowth\n",
    );
    // The hand join: per student, minutes per week, and the tests that count.
    let mut joined_rows: Vec<String> = Vec::new();
    for i in 0..n {
        let id = format!("S{i:05}");
        let school = ["Adams", "Baker", "Clark", "Davis", "Evans"][rng.below(5) as usize];
        let grade = 3 + rng.below(3);
        let intervention = rng.below(3) != 0;
        let ell = if rng.below(4) == 0 { "Y" } else { "N" };
        let program = if intervention { "Treatment" } else { "Control" };
        students += &format!("{id},{school},{grade},{program},{ell}\n");
        // Usage: sessions of 5 to 40 minutes, 0 to 3 a week, for most intervention students.
        let mut by_week = [0.0f64; WEEKS as usize];
        if intervention && rng.below(20) != 0 {
            let habit = rng.below(4);
            for w in 0..WEEKS {
                let sessions = (habit + rng.below(2)).min(3);
                for _ in 0..sessions {
                    let minutes = 5 + rng.below(36);
                    let day = SEP_1_2025 + 7 * w + rng.below(5) as i64;
                    usage += &format!("{id},{},{minutes}\n", us_date(day));
                    by_week[w as usize] += minutes as f64;
                }
            }
            // A row the week before the period: left out.
            if rng.below(10) == 0 {
                usage += &format!("{id},{},25\n", us_date(SEP_1_2025 - 3));
            }
        }
        // Scores: Fall and Spring Math (RIT 150 to 250), a Reading test beside each, a Winter
        // test, sometimes a Fall retest (a later date, which counts), sometimes no Spring.
        let fall = 150 + rng.below(100);
        let fall_day = SEP_1_2025 + 10 + rng.below(10) as i64;
        let typical = 5 + rng.below(10);
        scores += &format!(
            "{id},Fall 2025-2026,Mathematics,{},{fall},{typical}\n",
            us_date(fall_day)
        );
        scores += &format!(
            "{id},Fall 2025-2026,Reading,{},{},{typical}\n",
            us_date(fall_day),
            fall + 3
        );
        let mut pre = fall;
        if rng.below(15) == 0 {
            let retest = 150 + rng.below(100);
            scores += &format!(
                "{id},Fall 2025-2026,Mathematics,{},{retest},{typical}\n",
                us_date(fall_day + 5)
            );
            pre = retest;
        }
        scores += &format!(
            "{id},Winter 2025-2026,Mathematics,{},{},\n",
            us_date(SEP_1_2025 + 100),
            fall + 4
        );
        let post = if rng.below(12) == 0 {
            None
        } else {
            let gain = rng.below(25) as i64 - 5;
            let post = fall as i64 + gain + if intervention { 3 } else { 0 };
            scores += &format!(
                "{id},Spring 2025-2026,Mathematics,{},{post},\n",
                us_date(SEP_1_2025 + 130)
            );
            Some(post)
        };
        let minutes: f64 = by_week.iter().sum();
        let at_minimum = by_week.iter().filter(|&&m| m >= MIN_PER_WEEK).count();
        let group = if intervention {
            "intervention"
        } else {
            "comparison"
        };
        joined_rows.push(format!(
            "{id},{pre},{},{minutes},{WEEKS},{at_minimum},{typical},{grade},{group},{school},{ell}",
            post.map_or(String::new(), |p| p.to_string())
        ));
    }
    // Students the student file does not have: left out of the evaluation.
    for k in 0..25 {
        usage += &format!("X{k:04},{},30\n", us_date(SEP_1_2025 + 8));
        scores += &format!(
            "Y{k:04},Fall 2025-2026,Mathematics,{},200,8\n",
            us_date(SEP_1_2025 + 12)
        );
    }
    let mut joined = String::from(
        "student_id,pre,post,minutes,weeks,weeks_at_minimum,typical_growth,grade,group,school,ELL\n",
    );
    for row in joined_rows {
        joined += &row;
        joined.push('\n');
    }
    District {
        usage,
        scores,
        students,
        joined,
    }
}

/// The contract on gains (tiers at 5 and 12 points), or with `typical` on the percent of each
/// student's own typical growth (tiers at 100% and 150%).
fn contract(intake: bool) -> Value {
    contract_on(intake, false)
}

fn contract_on(intake: bool, typical: bool) -> Value {
    let (metric, tiers) = match typical {
        false => (json!({ "kind": "gain" }), [5, 12]),
        true => (
            json!({ "kind": "percentOfTypical", "perStudent": true }),
            [100, 150],
        ),
    };
    let mut c = json!({ "metric": metric,
        "paymentCard": [{ "label": "Met", "atLeast": tiers[0], "centsPerStudent": 4000 },
                        { "label": "Exceeded", "atLeast": tiers[1], "centsPerStudent": 7000 }],
        "perStudentBaseCents": 2500,
        "fidelity": { "minMinutesPerWeek": MIN_PER_WEEK, "minWeeks": 10, "minShareOfWeeks": 0.6 },
        "subgroupColumns": ["ELL", "school"], "minCellSize": 10 });
    if intake {
        // The subgroup columns are the student file's, "School Name" its school column.
        c["subgroupColumns"] = json!(["ELL", "School Name"]);
        c["intake"] = json!({
            "period": { "start": "2025-09-01", "end": "2026-01-18" },
            "usage": { "shape": "long", "studentId": "StudentID", "minutes": "Minutes", "date": "SessionDate" },
            "scores": { "shape": "long", "studentId": "StudentID", "window": "TermName", "score": "TestRITScore",
                "preWindow": "Fall 2025-2026", "postWindow": "Spring 2025-2026",
                "subject": { "column": "Subject", "value": "Mathematics" }, "date": "TestStartDate",
                "typicalGrowth": "TypicalFallToSpringGrowth" },
            "students": { "studentId": "Student ID", "school": "School Name", "grade": "Grade", "group": "Program" }
        });
    }
    c
}

#[test]
fn three_district_files_evaluate_as_the_same_students_joined_by_hand() {
    let d = district(3000, 20261206);
    let sources = Sources {
        usage: d.usage.as_bytes(),
        scores: d.scores.as_bytes(),
        students: Some(d.students.as_bytes()),
    };
    // On each student's own typical growth (the scores file's projected growth column) too.
    let apart = evaluate_sources_json(&contract_on(true, true), &sources, &mut |_| {}).unwrap();
    let by_hand = evaluate_json(&contract_on(false, true), d.joined.as_bytes(), &mut |_| {});
    let by_hand = by_hand.unwrap();
    assert_eq!(apart.payment, by_hand.payment);
    assert_eq!(apart.students, by_hand.students);
    assert_eq!(apart.growth, by_hand.growth);
    assert!(apart.students.met_target > 300, "{:?}", apart.students);
    let apart = evaluate_sources_json(&contract(true), &sources, &mut |_| {}).unwrap();
    let by_hand = evaluate_json(&contract(false), d.joined.as_bytes(), &mut |_| {}).unwrap();
    assert_eq!(apart.payment, by_hand.payment);
    let value = |e: &evidence_check::Evaluation| {
        let mut v = serde_json::to_value(e).unwrap();
        v.as_object_mut().unwrap().remove("matches");
        v
    };
    // Everything the evaluation says is the same, the report too; the roster digest is of the
    // joined roster the module wrote (its columns in its own order and names).
    let (mut a, mut b) = (value(&apart), value(&by_hand));
    for v in [&mut a, &mut b] {
        v["report"]["rosterDigest"] = Value::Null;
    }
    for (key, value) in a.as_object().unwrap() {
        assert_eq!(value, &b[key], "{key}");
    }
    assert_eq!(a.as_object().unwrap().len(), b.as_object().unwrap().len());
    assert!(apart.students.at_fidelity > 1000, "{:?}", apart.students);
    assert!(apart.payment.total_cents > 0);
    // The match report, counted here from the generator's rules.
    let m = apart.matches.as_ref().unwrap();
    assert_eq!(m.enrolled, 3000);
    assert_eq!(m.in_students, Some(3000));
    assert_eq!(m.usage_not_enrolled.len(), 25);
    assert_eq!(m.scores_not_enrolled.len(), 25);
    assert_eq!(m.in_scores, 3025);
    // The usage file's students with a row in the period: the enrolled ones with usage, and
    // the 25 not enrolled.
    assert_eq!(m.in_usage, m.with_usage + 25);
    assert_eq!(m.with_pre, 3000);
    assert_eq!(m.weeks, Some(20));
    let lines: Vec<&str> = d.joined.lines().skip(1).collect();
    let field = |row: &str, k: usize| row.split(',').nth(k).unwrap().to_string();
    let no_post = lines.iter().filter(|r| field(r, 2).is_empty()).count();
    assert_eq!(m.with_post, 3000 - no_post);
    let used: usize = lines.iter().filter(|r| field(r, 3) != "0").count();
    assert_eq!(m.with_usage, used);
    assert_eq!(m.without_usage.len(), 3000 - used);
    let outside = d
        .usage
        .lines()
        .filter(|l| l.contains(",8/29/2025,"))
        .count();
    assert!(outside > 0);
    assert_eq!(m.usage_rows_outside_period, outside);
    // Every Reading and Winter row is another window's or subject's.
    let other = d
        .scores
        .lines()
        .filter(|l| l.contains("Reading") || l.contains("Winter"))
        .count();
    assert_eq!(m.score_rows_other_windows, other);
    let retests: HashMap<&str, usize> = {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for l in d
            .scores
            .lines()
            .filter(|l| l.contains(",Fall 2025-2026,Mathematics,"))
        {
            *count.entry(l.split(',').next().unwrap()).or_default() += 1;
        }
        count.retain(|_, c| *c > 1);
        count
    };
    assert!(!retests.is_empty());
    assert_eq!(m.two_in_a_window.len(), retests.len());
    for t in &m.two_in_a_window {
        assert_eq!((t.window.as_str(), t.tests), ("Fall 2025-2026", 2));
        // The line used is the retest's, the later of the two.
        let line = d.scores.lines().nth(t.line_used as usize - 1).unwrap();
        let pre = lines.iter().find(|r| r.starts_with(&t.student_id)).unwrap();
        assert_eq!(line.split(',').nth(4).unwrap(), field(pre, 1));
    }
}

/// A contract of one tier at a gain of 5 under the weekly rule (30 minutes, `share` of the
/// weeks), over one student's weekly log of `minutes`, a week each, from 2025-09-01.
fn weekly(share: f64, minutes: &[u32], min_weeks: f64) -> (u64, u64) {
    let c = json!({ "metric": { "kind": "gain" },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": min_weeks, "minShareOfWeeks": share },
        "intake": {
            "usage": { "shape": "long", "studentId": "id", "minutes": "minutes", "week": "week" },
            "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" } } });
    let mut usage = String::from("id,week,minutes\n");
    for (w, m) in minutes.iter().enumerate() {
        usage += &format!("A,w{w},{m}\n");
    }
    let scores = "id,pre,post\nA,200,210\n";
    let sources = Sources {
        usage: usage.as_bytes(),
        scores: scores.as_bytes(),
        students: None,
    };
    let e = evaluate_sources_json(&c, &sources, &mut |_| {}).unwrap();
    (e.students.at_fidelity, e.students.met_target)
}

#[test]
fn the_weekly_rule_counts_the_weeks_reaching_the_minimum() {
    // 10 weeks, 8 of them at 30 minutes or more: 80% of weeks.
    let log = [30, 45, 29, 30, 60, 30, 0, 31, 30, 30];
    assert_eq!(weekly(0.8, &log, 10.0), (1, 1));
    // One week short of the share: 29 is below 30.
    let short = [30, 45, 29, 30, 60, 30, 0, 31, 30, 29];
    assert_eq!(weekly(0.8, &short, 10.0), (0, 0));
    // The average (36.6 a week here) does not count under the weekly rule: two weeks of 150.
    assert_eq!(
        weekly(0.8, &[150, 150, 0, 0, 0, 0, 0, 0, 0, 0], 10.0),
        (0, 0)
    );
    // 3 of 10 weeks is 0.3 exactly (k / weeks, not 0.3 x 10 = 3.0000000000000004).
    assert_eq!(
        weekly(0.3, &[30, 30, 30, 0, 0, 0, 0, 0, 0, 0], 10.0),
        (1, 1)
    );
    // Fewer weeks than the contract's minimum: below fidelity whatever the share.
    assert_eq!(weekly(0.8, &[30; 9], 10.0), (0, 0));
    // A share of 0: every student with the weeks.
    assert_eq!(weekly(0.0, &[0; 10], 10.0), (1, 1));
    // Minutes of one week in several rows add up: 10 + 20 reach 30.
    let c_rows = weekly_rows(&[("w0", 10), ("w0", 20), ("w1", 30)]);
    assert_eq!(c_rows, (1, 1));
}

/// [`weekly`] with the log's rows given (week, minutes), at the share 1.
fn weekly_rows(rows: &[(&str, u32)]) -> (u64, u64) {
    let c = json!({ "metric": { "kind": "gain" },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 2, "minShareOfWeeks": 1 },
        "intake": {
            "usage": { "shape": "long", "studentId": "id", "minutes": "minutes", "week": "week" },
            "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" } } });
    let mut usage = String::from("id,week,minutes\n");
    for (w, m) in rows {
        usage += &format!("A,{w},{m}\n");
    }
    let sources = Sources {
        usage: usage.as_bytes(),
        scores: b"id,pre,post\nA,200,210\n",
        students: None,
    };
    let e = evaluate_sources_json(&c, &sources, &mut |_| {}).unwrap();
    (e.students.at_fidelity, e.students.met_target)
}

#[test]
fn a_bad_row_of_a_district_file_is_reported_at_its_file_and_line() {
    let mut c = contract(true);
    c["subgroupColumns"] = json!([]);
    let students = "Student ID,School Name,Grade,Program\nA,Adams,3,Treatment\n";
    let usage = "StudentID,SessionDate,Minutes\nA,9/2/2025,30\nA,9/3/2025,thirty\nA,13/3/2025,30\n";
    let scores =
        "StudentID,TermName,Subject,TestStartDate,TestRITScore,TypicalFallToSpringGrowth\n\
                  A,Fall 2025-2026,Mathematics,9/10/2025,200,9\n";
    let sources = Sources {
        usage: usage.as_bytes(),
        scores: scores.as_bytes(),
        students: Some(students.as_bytes()),
    };
    let e = evaluate_sources_json(&c, &sources, &mut |_| {}).unwrap_err();
    assert_eq!(e.code, evidence_check::Code::InvalidRoster);
    let evidence_check::Details::Rows { errors, total } = &e.details else {
        panic!("{e:?}");
    };
    assert_eq!(*total, 2);
    assert_eq!(
        (errors[0].line, errors[0].code),
        (3, evidence_check::Code::InvalidNumber)
    );
    assert!(
        errors[0].message.starts_with("usage file: "),
        "{}",
        errors[0].message
    );
    assert_eq!(
        (errors[1].line, errors[1].code),
        (4, evidence_check::Code::InvalidDate)
    );
    assert!(e.message.contains("usage file, line 3"), "{}", e.message);
    // Skipped, the rows are counted and listed, and their student is left out, as a roster's
    // bad row leaves its student out: here the only one, so nothing is evaluated, and the rows
    // are what is said.
    c["onBadRow"] = json!("skip");
    let e = evaluate_sources_json(&c, &sources, &mut |_| {}).unwrap_err();
    assert_eq!(e.message, "No student is enrolled: 2 rows of the district's files could not be read, and each student with one is left out (the first are listed).");
    assert_eq!(bad_rows(&e).iter().map(|r| r.0).collect::<Vec<_>>(), [3, 4]);
    // With a second student, B is evaluated and A is listed as left out.
    let students = format!("{students}B,Baker,4,Treatment\n");
    let usage = format!("{usage}B,9/2/2025,30\n");
    let sources = Sources {
        usage: usage.as_bytes(),
        scores: scores.as_bytes(),
        students: Some(students.as_bytes()),
    };
    let ok = evaluate_sources_json(&c, &sources, &mut |_| {}).unwrap();
    assert_eq!(
        (ok.rejected_count, ok.rejected_rows.len(), ok.students.rows),
        (2, 2, 1)
    );
    let m = ok.matches.unwrap();
    assert_eq!(
        (m.enrolled, m.left_out, m.with_usage),
        (1, vec!["A".to_string()], 1)
    );
    // A column the contract names that the file does not have.
    let mut c = contract(true);
    c["intake"]["usage"]["minutes"] = json!("Time on Task");
    let e = evaluate_sources_json(&c, &sources, &mut |_| {}).unwrap_err();
    assert_eq!(e.code, evidence_check::Code::InvalidContract);
    assert!(
        e.message
            .contains("The usage file has no column \"Time on Task\""),
        "{}",
        e.message
    );
}

#[test]
fn two_tests_in_a_window_are_chosen_by_the_mark_then_the_rule() {
    // Student A took the Fall test three times: 9/10 (190, marked as the growth measure, as
    // NWEA's GrowthMeasureYN), 9/20 (200) and 9/15 (205); Spring once, 220.
    let scores =
        "id,term,date,rit,GrowthMeasureYN\nA,Fall,9/10/2025,190,TRUE\nA,Fall,9/20/2025,200,FALSE\n\
                  A,Fall,9/15/2025,205,\nA,Spring,5/1/2026,220,TRUE\n";
    let gain = |rule: &str, marked: bool| {
        let mut c = json!({ "metric": { "kind": "gain" },
            "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
            "fidelity": { "minMinutesPerWeek": 0, "minWeeks": 1 },
            "intake": {
                "usage": { "shape": "wide", "studentId": "id", "minutes": "m", "weeks": "w" },
                "scores": { "shape": "long", "studentId": "id", "window": "term", "score": "rit",
                    "preWindow": "Fall", "postWindow": "Spring", "date": "date", "twoInAWindow": rule } } });
        if marked {
            c["intake"]["scores"]["marked"] = json!("GrowthMeasureYN");
        }
        let sources = Sources {
            usage: b"id,m,w\nA,100,10\n",
            scores: scores.as_bytes(),
            students: None,
        };
        let e = evaluate_sources_json(&c, &sources, &mut |_| {}).unwrap();
        let two = &e.matches.as_ref().unwrap().two_in_a_window;
        assert_eq!((two.len(), two[0].tests), (1, 3));
        (e.growth.mean.unwrap(), two[0].line_used)
    };
    // The latest (9/20, line 3), the earliest (9/10, line 2), the highest (205, line 4).
    assert_eq!(gain("latest", false), (20.0, 3));
    assert_eq!(gain("earliest", false), (30.0, 2));
    assert_eq!(gain("highest", false), (15.0, 4));
    // Marked, the 9/10 test counts whatever the rule.
    for rule in ["latest", "earliest", "highest"] {
        assert_eq!(gain(rule, true), (30.0, 2), "{rule}");
    }
}

/// A contract on gains (one tier at 5, $10), 30 minutes a week over 2 weeks or more, with
/// `intake` given.
fn small(intake: Value) -> Value {
    json!({ "metric": { "kind": "gain" },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 2 }, "intake": intake })
}

fn run(
    c: &Value,
    usage: &str,
    scores: &str,
    students: Option<&str>,
) -> Result<evidence_check::Evaluation, evidence_check::Error> {
    let sources = Sources {
        usage: usage.as_bytes(),
        scores: scores.as_bytes(),
        students: students.map(str::as_bytes),
    };
    evaluate_sources_json(c, &sources, &mut |_| {})
}

/// The rows in error: (line, column, code, message).
fn bad_rows(e: &evidence_check::Error) -> Vec<(u64, Option<String>, &'static str, String)> {
    let evidence_check::Details::Rows { errors, .. } = &e.details else {
        panic!("{e:?}");
    };
    (errors.iter())
        .map(|r| (r.line, r.column.clone(), r.code.as_str(), r.message.clone()))
        .collect()
}

fn long_weeks() -> Value {
    json!({ "usage": { "shape": "long", "studentId": "id", "minutes": "min", "week": "wk" },
        "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" },
        "students": { "studentId": "id" } })
}

#[test]
fn rows_a_reader_cannot_trust_are_bad_rows_at_their_own_line() {
    let scores = "id,pre,post\nA,200,210\nB,200,210\nC,200,210\n";
    let students = Some("id\nA\nB\nC\n");
    // A quote never closed (line 3) would swallow the file: it is a bad row there, and B and C
    // keep their weeks (under "skip").
    let mut c = small(long_weeks());
    c["onBadRow"] = json!("skip");
    let usage = "id,min,wk\nA,30,W1\nA,30,\"W2\nB,30,W1\nB,30,W2\n";
    let e = run(&c, usage, scores, students).unwrap();
    assert_eq!(e.rejected_count, 1);
    assert_eq!(
        (e.rejected_rows[0].line, e.rejected_rows[0].code.as_str()),
        (3, "unterminatedQuote")
    );
    // A row of more fields than the header (a name with a comma) is refused, not read shifted.
    let usage = "id,min,wk\nA,30,W1\nA,30,W2\nB,30,W1,x\n";
    let e = run(&small(long_weeks()), usage, scores, students).unwrap_err();
    assert_eq!(bad_rows(&e)[0].0, 4);
    assert_eq!(bad_rows(&e)[0].2, "wrongFieldCount");
    assert!(e.message.contains("(usage file, line 4:"), "{}", e.message);
    // Text that is not UTF-8 (a Windows-1252 "José"): refused, not merged with another.
    let usage = b"id,min,wk\nJos\xe9,30,W1\nJos\xe8,30,W1\n";
    let sources = Sources {
        usage,
        scores: scores.as_bytes(),
        students: None,
    };
    let mut c = small(long_weeks());
    c["intake"].as_object_mut().unwrap().remove("students");
    let e = evaluate_sources_json(&c, &sources, &mut |_| {}).unwrap_err();
    assert_eq!(
        bad_rows(&e).iter().map(|r| (r.0, r.2)).collect::<Vec<_>>(),
        [(2, "notUtf8"), (3, "notUtf8")]
    );
    // Lines of a CRLF file with a blank line.
    let usage = "id,min,wk\r\nA,30,W1\r\n\r\nA,x,W2\r\n";
    let e = run(&small(long_weeks()), usage, scores, students).unwrap_err();
    assert_eq!((bad_rows(&e)[0].0, bad_rows(&e)[0].2), (4, "invalidNumber"));
    // A column named twice, loosely.
    let usage = "id,min,wk,MIN\nA,30,W1,1\n";
    let e = run(&small(long_weeks()), usage, scores, students).unwrap_err();
    assert_eq!(bad_rows(&e)[0].2, "duplicateColumn");
    // A wide usage file's weeks of 0 are out of range at the usage file's line, not 0.01 weeks.
    let mut c = small(long_weeks());
    c["intake"]["usage"] =
        json!({ "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wks" });
    let e = run(&c, "id,min,wks\nA,1,0\n", scores, students).unwrap_err();
    assert_eq!(
        bad_rows(&e)[0],
        (
            2,
            Some("wks".into()),
            "outOfRange",
            "usage file: Weeks of use are from 0.01 to 520; 0 is not.".into()
        )
    );
}

#[test]
fn an_error_found_in_the_joined_roster_is_at_the_file_and_line_of_its_value() {
    // A post-test above a normalized gain's maximum: the scores file's line 3, its column.
    let mut c = small(long_weeks());
    c["metric"] = json!({ "kind": "normalizedGain", "maxScore": 300 });
    c["paymentCard"] = json!([{ "label": "Met", "atLeast": 0.1, "centsPerStudent": 1000 }]);
    let usage = "id,min,wk\nA,30,W1\nB,30,W1\n";
    let scores = "id,pre,post\nA,200,210\nB,200,310\n";
    let e = run(&c, usage, scores, Some("id\nA\nB\n")).unwrap_err();
    let rows = bad_rows(&e);
    assert_eq!(
        (rows[0].0, rows[0].1.as_deref(), rows[0].2),
        (3, Some("post"), "aboveMaximum")
    );
    assert!(rows[0].3.starts_with("scores file: "), "{}", rows[0].3);
    assert!(
        e.message.contains("of the district's files"),
        "{}",
        e.message
    );
    // With the scores file in another order and its own column names, the line and the column
    // are the file's, not the joined roster's (B is the roster's line 3, the file's line 2; its
    // post-test the roster's "post", the file's "spring"); and the count is the files'.
    c["intake"]["scores"] =
        json!({ "shape": "wide", "studentId": "id", "pre": "fall", "post": "spring" });
    let scores = "id,fall,spring\nB,200,310\nA,200,210\n";
    let e = run(&c, usage, scores, Some("id\nA\nB\n")).unwrap_err();
    let rows = bad_rows(&e);
    assert_eq!(
        (rows[0].0, rows[0].1.as_deref(), rows[0].2),
        (2, Some("spring"), "aboveMaximum")
    );
    match &e.details {
        evidence_check::Details::Rows { total, .. } => assert_eq!(*total, 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_program_weeks_are_the_enrolled_students_and_every_week_counts() {
    // A reaches 30 minutes in both weeks of use; Z, not enrolled, logged two more weeks, which
    // are not the program's: A is at fidelity on 2 of 2 weeks.
    let mut c = small(long_weeks());
    c["fidelity"]["minShareOfWeeks"] = json!(1);
    let usage = "id,min,wk\nA,30,W1\nA,30,W2\nZ,1,W3\nZ,1,W4\n";
    let e = run(&c, usage, "id,pre,post\nA,200,210\n", Some("id\nA\n")).unwrap();
    assert_eq!((e.students.at_fidelity, e.payment.total_cents), (1, 1000));
    assert_eq!(e.matches.unwrap().weeks, Some(2));
    // With a minimum of 0 minutes, a week of the period without use reaches it.
    let mut c = small(json!({
        "period": { "start": "2025-09-01", "end": "2025-09-28" },
        "usage": { "shape": "long", "studentId": "id", "minutes": "min", "date": "day" },
        "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" } }));
    c["fidelity"] = json!({ "minMinutesPerWeek": 0, "minWeeks": 4, "minShareOfWeeks": 1 });
    let e = run(
        &c,
        "id,min,day\nA,20,2025-09-02\n",
        "id,pre,post\nA,200,210\n",
        None,
    )
    .unwrap();
    assert_eq!(
        (e.students.at_fidelity, e.matches.unwrap().weeks),
        (1, Some(4))
    );
}

#[test]
fn the_contract_refuses_a_mapping_that_would_read_wrong_values() {
    let usage = "id,min,wk\nA,30,W1\n";
    let scores = "id,pre,post\nA,200,210\n";
    // The student id as a subgroup column.
    let mut c = small(long_weeks());
    c["subgroupColumns"] = json!(["id"]);
    let e = run(&c, usage, scores, Some("id\nA\n")).unwrap_err();
    let evidence_check::Details::Fields(fields) = &e.details else {
        panic!("{e:?}")
    };
    assert_eq!(
        (fields[0].path.as_str(), fields[0].code.as_str()),
        ("subgroupColumns[0]", "identifyingColumn")
    );
    // One column for two roles, and windows equal but for a space.
    let mut c = small(long_weeks());
    c["intake"]["usage"]["minutes"] = json!("ID");
    c["intake"]["scores"] = json!({ "shape": "long", "studentId": "id", "window": "term", "score": "rit",
        "preWindow": "Fall", "postWindow": "Fall " });
    let e = run(&c, usage, scores, Some("id\nA\n")).unwrap_err();
    let evidence_check::Details::Fields(fields) = &e.details else {
        panic!("{e:?}")
    };
    let paths: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f.path.as_str(), f.code.as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            ("intake.usage.minutes", "duplicate"),
            ("intake.scores.postWindow", "invalidValue")
        ]
    );
}

#[test]
fn an_empty_score_is_no_test_in_either_shape() {
    let c = small(json!({
        "usage": { "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wks" },
        "scores": { "shape": "long", "studentId": "id", "window": "term", "score": "rit",
            "preWindow": "Fall", "postWindow": "Spring" } }));
    let usage = "id,min,wks\nA,90,3\nB,90,3\n";
    // B's Spring retest is empty: the earlier one counts; A has no Spring score at all.
    let scores = "id,term,rit\nA,Fall,200\nA,Spring,\nB,Fall,200\nB,Spring,207\nB,Spring,\n";
    let e = run(&c, usage, scores, None).unwrap();
    assert_eq!((e.students.with_outcome, e.payment.total_cents), (1, 1000));
    let m = e.matches.unwrap();
    assert_eq!((m.with_post, m.without_scores.len()), (1, 0));
}

#[test]
fn each_value_the_joined_roster_refuses_is_put_back_at_its_own_file_line_and_column() {
    let students = Some("id,grade\nA,3\nB,4\n");
    // The first refusal's (file line, column, code), under the contract `c`.
    let first = |c: &Value, usage: &str, scores: &str| {
        let e = run(c, usage, scores, students).unwrap_err();
        let rows = bad_rows(&e);
        (
            rows[0].0,
            rows[0].1.clone().unwrap_or_default(),
            rows[0].2,
            rows[0].3.clone(),
        )
    };
    let mut c = small(long_weeks());
    c["intake"]["students"]["grade"] = json!("grade");
    let scores = "id,pre,post\nA,200,210\nB,200,210\n";
    // B's minutes add up past the most a student can use: the usage file's first row of B.
    let usage = "id,min,wk\nA,30,W1\nB,600000,W1\nB,600000,W2\n";
    let (line, column, code, message) = first(&c, usage, scores);
    assert_eq!((line, column.as_str(), code), (3, "min", "outOfRange"));
    assert!(message.starts_with("usage file: "), "{message}");
    // 521 weeks in a log: more than a roster's weeks, refused once for the file.
    let mut usage = String::from("id,min,wk\n");
    for w in 0..521 {
        usage += &format!("{},30,W{w}\n", if w == 0 { "B" } else { "A" });
    }
    let (line, column, code, message) = first(&c, &usage, scores);
    assert_eq!((line, column.as_str(), code), (1, "", "outOfRange"));
    assert!(message.contains("more than 520 weeks"), "{message}");
    // A pre-test above a normalized gain's maximum, in a long scores file: the row of the test.
    c["metric"] = json!({ "kind": "normalizedGain", "maxScore": 300 });
    c["intake"]["scores"] = json!({ "shape": "long", "studentId": "id", "window": "term",
        "score": "rit", "preWindow": "Fall", "postWindow": "Spring" });
    let usage = "id,min,wk\nA,30,W1\nB,30,W1\n";
    let long = "id,term,rit\nA,Fall,200\nB,Spring,250\nB,Fall,301\nA,Spring,250\n";
    let (line, column, code, message) = first(&c, usage, long);
    assert_eq!((line, column.as_str(), code), (4, "rit", "aboveMaximum"));
    assert!(message.starts_with("scores file: "), "{message}");
    // A typical growth past the largest score, on the post-test's row when the pre-test's has
    // none.
    c["metric"] = json!({ "kind": "percentOfTypical", "perStudent": true });
    c["intake"]["scores"] = json!({ "shape": "long", "studentId": "id", "window": "term",
        "score": "rit", "preWindow": "Fall", "postWindow": "Spring", "typicalGrowth": "typ" });
    let long = "id,term,rit,typ\nA,Fall,200,8\nB,Fall,200,\nA,Spring,210,\nB,Spring,210,2e12\n";
    let (line, column, code, _) = first(&c, usage, long);
    assert_eq!((line, column.as_str(), code), (5, "typ", "outOfRange"));
    // A grade that is not one: the student file's row and column, by its own name.
    c["metric"] = json!({ "kind": "gain" });
    c["intake"]["scores"] = long_weeks()["scores"].clone();
    c["intake"]["students"]["grade"] = json!("Gr");
    a_bad_grade_is_at_the_student_files_row(&c, usage, scores);
}

#[test]
fn what_a_second_attack_found_is_refused_at_its_row() {
    let students = Some("id\nA\nB\nC\n");
    let scores = "id,pre,post\nA,200,210\nB,200,210\nC,200,210\n";
    // A line break inside quotes in a CRLF file: A and B are not read as one student.
    let usage = "id,min,wk\r\n\"A,100,W1\r\nB\",100,W1\r\nC,100,W1\r\nC,100,W2\r\n";
    let e = run(&small(long_weeks()), usage, scores, students).unwrap_err();
    assert_eq!(
        (bad_rows(&e)[0].0, bad_rows(&e)[0].2),
        (2, "unterminatedQuote")
    );
    // A row of more minutes than a student can use is a bad row at its line; skipped, it adds
    // no week, and A stays at fidelity on 2 of 2 weeks.
    let mut c = small(long_weeks());
    c["fidelity"]["minShareOfWeeks"] = json!(1);
    c["onBadRow"] = json!("skip");
    let usage = "id,min,wk\nA,40,W1\nA,40,W2\nB,2000000,W3\n";
    let e = run(&c, usage, scores, Some("id\nA\nB\n")).unwrap();
    assert_eq!(
        (e.rejected_rows[0].line, e.rejected_rows[0].code.as_str()),
        (4, "outOfRange")
    );
    assert_eq!((e.students.at_fidelity, e.payment.total_cents), (1, 1000));
    // Rows that add up past it: the student's first row, and no week of theirs.
    let usage = "id,min,wk\nA,40,W1\nA,40,W2\nB,600000,W3\nB,600000,W4\n";
    let e = run(&c, usage, scores, Some("id\nA\nB\n")).unwrap();
    assert_eq!(
        (e.rejected_rows[0].line, e.rejected_rows[0].code.as_str()),
        (4, "outOfRange")
    );
    assert_eq!(
        (e.students.at_fidelity, e.matches.unwrap().weeks),
        (1, Some(2))
    );
    // A typical growth too small to divide by is refused, not an internal error.
    let mut c = small(json!({
        "usage": { "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wks" },
        "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post", "typicalGrowth": "typ" } }));
    c["metric"] = json!({ "kind": "percentOfTypical", "perStudent": true });
    let e = run(
        &c,
        "id,min,wks\nA,90,3\n",
        "id,pre,post,typ\nA,200,210,1e-160\n",
        None,
    )
    .unwrap_err();
    assert_eq!((bad_rows(&e)[0].0, bad_rows(&e)[0].2), (2, "outOfRange"));
    let roster = "student_id,pre,post,minutes,weeks,typical_growth\nA,200,210,90,3,5e-324\n";
    let mut plain = c.clone();
    plain.as_object_mut().unwrap().remove("intake");
    let e = evaluate_json(&plain, roster.as_bytes(), &mut |_| {}).unwrap_err();
    assert_eq!((bad_rows(&e)[0].0, bad_rows(&e)[0].2), (2, "outOfRange"));
    // The metric's needs named in the contract: a typical growth column, a grade column.
    c["intake"]["scores"]
        .as_object_mut()
        .unwrap()
        .remove("typicalGrowth");
    let e = run(&c, "id,min,wks\nA,90,3\n", "id,pre,post\nA,200,210\n", None).unwrap_err();
    let evidence_check::Details::Fields(fields) = &e.details else {
        panic!("{e:?}")
    };
    assert_eq!(fields[0].path, "intake.scores.typicalGrowth");
    c["metric"] = json!({ "kind": "growthIndex", "norms": [{ "grade": 3, "mean": 5, "sd": 2 }] });
    let e = run(&c, "id,min,wks\nA,90,3\n", "id,pre,post\nA,200,210\n", None).unwrap_err();
    let evidence_check::Details::Fields(fields) = &e.details else {
        panic!("{e:?}")
    };
    assert_eq!(fields[0].path, "intake.students.grade");
}

#[test]
fn with_a_wide_usage_file_a_value_of_another_file_is_still_put_back_at_its_own() {
    // A grade that is not one, with usage given a row per student: the student file's row.
    let c = small(json!({
        "usage": { "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wks" },
        "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" },
        "students": { "studentId": "id", "grade": "Gr" } }));
    let usage = "id,min,wks\nA,90,3\nB,90,3\n";
    let scores = "id,pre,post\nA,200,210\nB,200,210\n";
    a_bad_grade_is_at_the_student_files_row(&c, usage, scores);
}

#[test]
fn a_files_blank_lines_and_encoding_and_the_rows_listed_are_as_a_rosters() {
    let scores = "id,pre,post\nA,200,210\n";
    // A line of spaces is blank, not a row of one field.
    let usage = "id,min,wk\nA,30,W1\n   \nA,30,W2\n";
    let e = run(&small(long_weeks()), usage, scores, Some("id\nA\n")).unwrap();
    assert_eq!((e.rejected_count, e.students.at_fidelity), (0, 1));
    // UTF-16 either way round is refused.
    for bom in [[0xFF, 0xFE], [0xFE, 0xFF]] {
        let mut usage = bom.to_vec();
        usage.extend_from_slice(b"id,min,wk\n");
        let sources = Sources {
            usage: &usage,
            scores: scores.as_bytes(),
            students: None,
        };
        let mut c = small(long_weeks());
        c["intake"].as_object_mut().unwrap().remove("students");
        let e = evaluate_sources_json(&c, &sources, &mut |_| {}).unwrap_err();
        assert_eq!(bad_rows(&e)[0].2, "wrongEncoding");
    }
    // 150 bad rows: the first 100 listed, all counted.
    let mut usage = String::from("id,min,wk\nA,30,W1\nA,30,W2\n");
    for k in 0..150 {
        usage += &format!("A,x{k},W1\n");
    }
    let e = run(&small(long_weeks()), &usage, scores, Some("id\nA\n")).unwrap_err();
    let evidence_check::Details::Rows { errors, total } = &e.details else {
        panic!("{e:?}")
    };
    assert_eq!((errors.len(), *total), (100, 150));
    assert!(
        e.message
            .starts_with("150 rows of the district's files are not valid (usage file, line 4:"),
        "{}",
        e.message
    );
}

#[test]
fn a_test_dated_outside_the_period_is_left_out_and_counted() {
    let c = small(json!({
        "period": { "start": "2025-09-01", "end": "2026-05-31" },
        "usage": { "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wks" },
        "scores": { "shape": "long", "studentId": "id", "window": "term", "score": "rit",
            "preWindow": "Fall", "postWindow": "Spring", "date": "day" } }));
    // A's Spring test of June 2026 is past the period: A has no post-test.
    let scores = "id,term,rit,day\nA,Fall,200,2025-09-10\nA,Spring,210,2026-06-02\nB,Fall,200,2025-09-10\nB,Spring,209,2026-05-20\n";
    let e = run(&c, "id,min,wks\nA,90,3\nB,90,3\n", scores, None).unwrap();
    let m = e.matches.unwrap();
    assert_eq!(
        (m.score_rows_outside_period, m.with_post, m.in_usage),
        (1, 1, 2)
    );
    assert_eq!(e.payment.total_cents, 1000);
}

#[test]
fn each_limit_holds_at_its_edge() {
    let period = json!({ "start": "2025-09-01", "end": "2026-05-31" });
    // Usage and tests on the period's first and last days count; the days around them do not.
    let c = small(json!({ "period": period,
        "usage": { "shape": "long", "studentId": "id", "minutes": "min", "date": "day" },
        "scores": { "shape": "long", "studentId": "id", "window": "term", "score": "rit",
            "preWindow": "Fall", "postWindow": "Spring", "date": "day" } }));
    let usage = "id,min,day\nA,30,2025-09-01\nA,30,2026-05-31\nA,30,2025-08-31\nA,30,2026-06-01\n";
    let scores = "id,term,rit,day\nA,Fall,200,2025-09-01\nA,Spring,210,2026-05-31\nB,Fall,200,2025-08-31\nB,Spring,210,2026-06-01\n";
    let e = run(&c, usage, scores, None).unwrap();
    let m = e.matches.unwrap();
    assert_eq!(
        (m.usage_rows_outside_period, m.score_rows_outside_period),
        (2, 2)
    );
    assert_eq!((m.with_pre, m.with_post), (1, 1));
    // A row of exactly the most minutes is one; past it, a bad row; rows adding up to exactly it
    // are one student's.
    let mut c = small(long_weeks());
    c["intake"].as_object_mut().unwrap().remove("students");
    c["onBadRow"] = json!("skip");
    let scores = "id,pre,post\nA,200,210\nB,200,210\nC,200,210\n";
    let usage = "id,min,wk\nA,1000000,W1\nB,1000000.5,W1\nC,500000,W1\nC,500000,W2\nD,600000,W1\nD,600000,W2\n";
    let e = run(&c, usage, scores, None).unwrap();
    let lines: Vec<u64> = e.rejected_rows.iter().map(|r| r.line).collect();
    // B's row (line 3) and D's rows (from line 6) refused; A and C enrolled, in their order.
    assert_eq!(lines, [3, 6]);
    assert_eq!(e.students.enrolled, 2);
    assert_eq!(e.matches.unwrap().usage_not_enrolled, Vec::<String>::new());
    // An id of 256 bytes is one; of 257, a bad row, its message quoting it clipped.
    let (ok, long) = ("a".repeat(256), "b".repeat(257));
    let usage = format!("id,min,wk\n{ok},30,W1\n{long},30,W1\n{ok},30,W2\n");
    let scores = format!("id,pre,post\n{ok},200,210\n");
    let e = run(&c, &usage, &scores, None).unwrap();
    assert_eq!((e.rejected_count, e.students.enrolled), (1, 1));
    assert_eq!(e.rejected_rows[0].line, 3);
    // A student's second row of a wide file is refused with the id in its message, clipped to
    // 40 characters.
    let mut c = small(json!({
        "usage": { "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wks" },
        "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" } }));
    let id = "x".repeat(50);
    let usage = format!("id,min,wks\n{id},90,3\n{id},90,3\n");
    let scores = format!("id,pre,post\n{id},200,210\n");
    let e = run(&c, &usage, &scores, None).unwrap_err();
    let message = &bad_rows(&e)[0].3;
    assert!(
        message.contains(&format!("Student \"{}\" has a row already", "x".repeat(40))),
        "{message}"
    );
    assert!(!message.contains(&"x".repeat(41)), "{message}");
    // A score past the largest, in a wide file and in a long one: a bad row at its line.
    let e = run(
        &c,
        "id,min,wks\nA,90,3\n",
        "id,pre,post\nA,2e12,210\n",
        None,
    )
    .unwrap_err();
    assert_eq!((bad_rows(&e)[0].0, bad_rows(&e)[0].2), (2, "outOfRange"));
    c["intake"]["scores"] = json!({ "shape": "long", "studentId": "id", "window": "term",
        "score": "rit", "preWindow": "Fall", "postWindow": "Spring" });
    let long = "id,term,rit\nA,Fall,200\nA,Spring,2e12\n";
    let e = run(&c, "id,min,wks\nA,90,3\n", long, None).unwrap_err();
    assert_eq!((bad_rows(&e)[0].0, bad_rows(&e)[0].2), (3, "outOfRange"));
    let edge = "id,term,rit\nA,Fall,200\nA,Spring,1e12\n";
    assert!(run(&c, "id,min,wks\nA,90,3\n", edge, None).is_ok());
}

#[test]
fn skipped_a_bad_value_leaves_out_its_student_as_a_roster_does() {
    // Under "skip", a student with a row that cannot be read is left out whole, in whichever
    // file the row is: the payment is the one of the same students joined by hand into one
    // roster, whose row for that student is bad. Here the district's obligation (80% at
    // fidelity) turns on it: kept at 0 minutes, D would put the share at 3 of 4.
    let mut c = small(json!({
        "usage": { "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wks" },
        "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" },
        "students": { "studentId": "id" } }));
    c["onBadRow"] = json!("skip");
    c["perStudentBaseCents"] = json!(500);
    c["districtObligation"] = json!({ "minShareAtFidelity": 0.8 });
    let students = "id\nA\nB\nC\nD\n";
    let scores = "id,pre,post\nA,200,210\nB,200,210\nC,200,190\nD,200,210\n";
    let usage = "id,min,wks\nA,90,3\nB,90,3\nC,90,3\nD,\"1,200\",3\n";
    let by_hand = "student_id,pre,post,minutes,weeks\nA,200,210,90,3\nB,200,210,90,3\nC,200,190,90,3\nD,200,210,\"1,200\",3\n";
    let mut roster_contract = c.clone();
    roster_contract.as_object_mut().unwrap().remove("intake");
    let twin = evaluate_json(&roster_contract, by_hand.as_bytes(), &mut |_| {}).unwrap();
    let e = run(&c, usage, scores, Some(students)).unwrap();
    // A and B met (1000 + 500 each), C did not (500): 3500 cents; obligation met, 3 of 3.
    assert_eq!(
        (e.payment.total_cents, twin.payment.total_cents),
        (3500, 3500)
    );
    assert_eq!(e.students, twin.students);
    assert_eq!((e.rejected_count, e.students.enrolled), (1, 3));
    let m = e.matches.unwrap();
    assert_eq!(
        (m.left_out, m.without_usage.len(), m.enrolled),
        (vec!["D".to_string()], 0, 3)
    );
    // A bad score, a bad typical growth: those students are left out too.
    c["intake"]["scores"] = json!({ "shape": "long", "studentId": "id", "window": "term",
        "score": "rit", "preWindow": "Fall", "postWindow": "Spring", "typicalGrowth": "typ" });
    let long = "id,term,rit,typ\nA,Fall,200,8\nA,Spring,2e12,\nB,Fall,200,1e-160\nB,Spring,210,\nC,Fall,200,8\nC,Spring,210,\nD,Fall,200,8\n";
    let usage = "id,min,wks\nA,90,3\nB,90,3\nC,90,3\nD,90,3\n";
    let e = run(&c, usage, long, Some(students)).unwrap();
    assert_eq!((e.students.enrolled, e.rejected_count), (2, 2));
    let m = e.matches.unwrap();
    assert_eq!(
        (m.left_out, m.with_post),
        (vec!["A".to_string(), "B".to_string()], 1)
    );
}

#[test]
fn the_comparisons_conditions_count_the_files_skipped_rows() {
    // 40 students, half of them comparison students; one usage row and one score row cannot
    // be read: not every row was read, though the joined roster's own rows all were.
    let c = json!({ "metric": { "kind": "gain" }, "onBadRow": "skip",
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 2 },
        "intake": { "usage": { "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wks" },
            "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" },
            "students": { "studentId": "id", "group": "grp" } } });
    let (mut students, mut usage, mut scores) = (
        String::from("id,grp\n"),
        String::from("id,min,wks\n"),
        String::from("id,pre,post\n"),
    );
    for i in 0..40 {
        students += &format!("S{i},{}\n", if i % 2 == 0 { "T" } else { "C" });
        usage += &format!(
            "S{i},{},10\n",
            if i == 4 {
                "x".to_string()
            } else {
                (300 + i).to_string()
            }
        );
        scores += &format!(
            "S{i},{},{}\n",
            200 + i % 7,
            if i == 7 {
                "y".to_string()
            } else {
                (205 + i % 11).to_string()
            }
        );
    }
    let e = run(&c, &usage, &scores, Some(&students)).unwrap();
    assert_eq!((e.rejected_count, e.students.rows), (2, 38));
    let conditions = &e.effect.as_ref().unwrap().conditions;
    let every = conditions.iter().find(|x| x.id == "everyRowRead").unwrap();
    assert!(!every.met);
    assert!(
        every.message.starts_with("2 rows could not be read"),
        "{}",
        every.message
    );
}

/// With a student file whose grade column is "Gr", B's grade of 13 (line 3) is refused at that
/// row and column, whatever files the usage and scores are.
fn a_bad_grade_is_at_the_student_files_row(c: &Value, usage: &str, scores: &str) {
    let e = run(c, usage, scores, Some("id,Gr\nA,3\nB,13\n")).unwrap_err();
    let rows = bad_rows(&e);
    assert_eq!(
        (rows[0].0, rows[0].1.as_deref(), rows[0].2),
        (3, Some("Gr"), "invalidGrade")
    );
    assert!(rows[0].3.starts_with("students file: "), "{}", rows[0].3);
}

/// A workbook holding the CSV text's rows on a sheet `sheet` (after an empty sheet "Notes"
/// when `sheet` is not the first), each value as a spreadsheet holds it: a number as a number,
/// a date of a `date_columns` column as a date cell (M/D/YYYY shown), the rest as text.
fn workbook(csv: &str, sheet: &str, first: bool, date_columns: &[&str]) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    if !first {
        book.add_worksheet().set_name("Notes").unwrap();
    }
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    let shown = Format::new().set_num_format("m/d/yyyy");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for (r, line) in csv.lines().enumerate() {
        for (c, value) in line.split(',').enumerate() {
            let (r, c) = (r as u32, c as u16);
            if value.is_empty() {
                continue;
            }
            if r > 0 && date_columns.contains(&header[c as usize]) {
                let mdy: Vec<u16> = value.split('/').map(|p| p.parse().unwrap()).collect();
                let day = ExcelDateTime::from_ymd(mdy[2], mdy[0] as u8, mdy[1] as u8).unwrap();
                ws.write_datetime_with_format(r, c, &day, &shown).unwrap();
            } else if let (true, Ok(n)) = (r > 0, value.parse::<f64>()) {
                ws.write_number(r, c, n).unwrap();
            } else {
                ws.write_string(r, c, value).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn three_xlsx_workbooks_evaluate_as_their_csv_twins() {
    let d = district(600, 7);
    let usage = workbook(&d.usage, "Sheet1", true, &["SessionDate"]);
    let scores = workbook(&d.scores, "MAP Growth", false, &["TestStartDate"]);
    let students = workbook(&d.students, "Roster", true, &[]);
    let as_csv = Sources {
        usage: d.usage.as_bytes(),
        scores: d.scores.as_bytes(),
        students: Some(d.students.as_bytes()),
    };
    let as_xlsx = Sources {
        usage: &usage,
        scores: &scores,
        students: Some(&students),
    };
    for typical in [false, true] {
        let mut c = contract_on(true, typical);
        c["intake"]["scores"]["sheet"] = json!("MAP Growth");
        let twin = evaluate_sources_json(&c, &as_csv, &mut |_| {}).unwrap();
        let read = evaluate_sources_json(&c, &as_xlsx, &mut |_| {}).unwrap();
        // All of it: payment, counts, statistics, the report (its roster digest too: the same
        // roster is joined), and the match report with its line numbers (a sheet's row is its
        // CSV twin's line).
        assert_eq!(
            serde_json::to_value(&read).unwrap(),
            serde_json::to_value(&twin).unwrap()
        );
        assert!(read.payment.total_cents > 0 && read.matches.unwrap().two_in_a_window.len() > 3);
    }
    // Without the sheet's name, the first sheet (here empty) is read.
    let c = contract_on(true, false);
    let e = evaluate_sources_json(&c, &as_xlsx, &mut |_| {}).unwrap_err();
    assert_eq!(bad_rows(&e)[0].2, "emptyFile", "{e:?}");
    assert!(
        e.message.starts_with("The scores file is empty"),
        "{}",
        e.message
    );
    // A sheet it does not have is named, with those it has.
    let mut c = contract_on(true, false);
    c["intake"]["scores"]["sheet"] = json!("Spring");
    let e = evaluate_sources_json(&c, &as_xlsx, &mut |_| {}).unwrap_err();
    assert_eq!(
        e.message,
        "The scores file has no sheet \"Spring\"; its sheets are \"Notes\", \"MAP Growth\"."
    );
}

/// The cells a CSV line cannot hold, and workbooks that are not what they claim.
#[test]
fn a_workbooks_bad_cells_are_bad_rows_at_their_row_and_a_bad_workbook_is_refused() {
    let c = small(
        json!({ "usage": { "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wks" },
        "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" } }),
    );
    let scores = b"id,pre,post\nA,200,210\nB,200,210\nC,200,210\nD,200,190\n";
    // Row 2: fine. Row 3: an id with a line break. Row 4: empty. Row 5: a formula's error
    // value. Row 6: a comma and a quote in an id.
    let usage = usage_book(|ws| {
        ws.write_string(1, 0, "A").unwrap();
        ws.write_number(1, 1, 300).unwrap();
        ws.write_number(1, 2, 10).unwrap();
        ws.write_string(2, 0, "B\nB").unwrap();
        ws.write_number(2, 1, 300).unwrap();
        ws.write_number(2, 2, 10).unwrap();
        ws.write_string(4, 0, "C").unwrap();
        let div0 = rust_xlsxwriter::Formula::new("=1/0").set_result("#DIV/0!");
        ws.write_formula(4, 1, div0).unwrap();
        ws.write_number(4, 2, 10).unwrap();
        ws.write_string(5, 0, "D,\"x\"").unwrap();
        ws.write_number(5, 1, 300.5).unwrap();
        ws.write_number(5, 2, 10).unwrap();
    });
    let sources = |usage: &[u8]| -> Result<evidence_check::Evaluation, evidence_check::Error> {
        let s = Sources {
            usage,
            scores: scores.as_slice(),
            students: None,
        };
        evaluate_sources_json(&c, &s, &mut |_| {})
    };
    let e = sources(&usage).unwrap_err();
    let rows = bad_rows(&e);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        rows[0],
        (
            3,
            Some("id".into()),
            "invalidValue",
            "usage file: The cell A3 holds a line break: a value is one line.".into()
        )
    );
    assert_eq!(
        (rows[1].0, rows[1].1.as_deref(), rows[1].2),
        (5, Some("min"), "invalidNumber")
    );
    assert!(rows[1].3.contains("#DIV/0!"), "{}", rows[1].3);
    // Under skip, those two rows are left out; the others are read, the quoted id whole.
    let mut skip = c.clone();
    skip["onBadRow"] = json!("skip");
    let s = Sources {
        usage: &usage,
        scores: scores.as_slice(),
        students: None,
    };
    let e = evaluate_sources_json(&skip, &s, &mut |_| {}).unwrap();
    assert_eq!(e.rejected_count, 2);
    let m = e.matches.unwrap();
    assert_eq!(m.enrolled, 2);
    // B's row (its id with a line break) is left out alone; C, whose minutes are an error
    // value, is left out whole, as a roster's bad row leaves its student out.
    assert_eq!(m.scores_not_enrolled, ["B", "D"]);
    assert_eq!(m.left_out, ["C"]);
    // An .xls workbook, a zip that is no workbook, a workbook cut short.
    let mut xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    xls.resize(512, 0);
    let e = sources(&xls).unwrap_err();
    assert_eq!(bad_rows(&e)[0].2, "wrongEncoding");
    assert!(e.message.contains(".xls"), "{}", e.message);
    let e = sources(&usage[..usage.len() / 2]).unwrap_err();
    assert_eq!(bad_rows(&e)[0].2, "unreadable", "{e:?}");
    assert!(
        e.message
            .starts_with("The usage file is not a readable .xlsx workbook"),
        "{}",
        e.message
    );
    // A part that claims 2 GB unzipped (its size in the central directory, at offset 24 of its
    // record) is refused before anything is unzipped; one that claims 10 bytes is cut there,
    // and the sheet cut short is unreadable.
    let central = |size: u32| {
        let mut b = usage.clone();
        let at = (0..b.len() - 4)
            .filter(|&i| b[i..i + 4] == *b"PK\x01\x02")
            .find(|&i| {
                let name_len = u16::from_le_bytes([b[i + 28], b[i + 29]]) as usize;
                &b[i + 46..i + 46 + name_len] == b"xl/worksheets/sheet1.xml"
            })
            .unwrap();
        b[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
        b
    };
    let e = sources(&central(0x8000_0000)).unwrap_err();
    assert_eq!(bad_rows(&e)[0].2, "tooLarge");
    assert_eq!(e.message, "The usage file unzips to 2048 MB of XML; at most 1024 MB is read (save the sheet alone, or as CSV).");
    let e = sources(&central(10)).unwrap_err();
    assert_eq!(bad_rows(&e)[0].2, "unreadable", "{e:?}");
}

/// The README's example: the match report's preview is the joined roster's first rows, each
/// value worked out by hand from the three files.
#[test]
fn the_preview_is_the_joined_rosters_first_rows() {
    let c = json!({ "metric": { "kind": "gain" },
        "paymentCard": [{ "label": "Met", "atLeast": 5, "centsPerStudent": 1000 }],
        "fidelity": { "minMinutesPerWeek": 30, "minWeeks": 2, "minShareOfWeeks": 0.5 },
        "intake": {
            "usage": { "shape": "long", "studentId": "Student ID", "minutes": "Minutes", "week": "Week" },
            "scores": { "shape": "long", "studentId": "StudentID", "window": "TermName", "score": "TestRITScore",
                "preWindow": "Fall 2025-2026", "postWindow": "Spring 2025-2026" },
            "students": { "studentId": "Student ID", "school": "School", "grade": "Grade" } } });
    let usage = "Student ID,Week,Minutes\nA1,2025-W36,20\nA1,2025-W36,15\nA1,2025-W37,40\nA2,2025-W36,10\nA2,2025-W37,25\nZ9,2025-W36,30\n";
    let scores = "StudentID,TermName,TestRITScore\nA1,Fall 2025-2026,200\nA1,Spring 2025-2026,209\nA2,Fall 2025-2026,190\nA2,Fall 2025-2026,195\nA2,Spring 2025-2026,203\nA3,Fall 2025-2026,210\n";
    let students = "Student ID,School,Grade\nA1,Adams,3\nA2,Adams,4\nA3,Baker,3\n";
    let e = run(&c, usage, scores, Some(students)).unwrap();
    let p = &e.matches.as_ref().unwrap().preview;
    assert_eq!(
        p.columns,
        [
            "student_id",
            "pre",
            "post",
            "minutes",
            "weeks",
            "weeks_at_minimum",
            "school",
            "grade"
        ]
    );
    // A1: 20 + 15 and 40 minutes, both weeks at 30; A2: the later Fall test, 35 minutes, no week
    // at 30; A3: no usage (0 minutes over the program's 2 weeks), no Spring test.
    let rows: Vec<Vec<&str>> = p
        .rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        rows,
        [
            ["A1", "200", "209", "75", "2", "2", "Adams", "3"],
            ["A2", "195", "203", "35", "2", "0", "Adams", "4"],
            ["A3", "210", "", "0", "2", "0", "Baker", "3"],
        ]
    );
    // At most 10 rows.
    let many: String = (0..25).map(|i| format!("B{i},2025-W36,30\n")).collect();
    let usage = format!("Student ID,Week,Minutes\n{many}");
    let mut c = c;
    c["intake"].as_object_mut().unwrap().remove("students");
    let e = run(&c, &usage, scores, None).unwrap();
    let p = &e.matches.as_ref().unwrap().preview;
    assert_eq!((p.rows.len(), p.rows[9][0].as_str()), (10, "B9"));
}

/// A workbook's parts rewritten by `edit` (name, bytes), deflated again.
fn rewritten(book: &[u8], edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        out.start_file(name.as_str(), stored).unwrap();
        out.write_all(&edit(&name, bytes)).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The workbook tests' evaluation of a wide usage file (id, min, wks) beside a wide `scores`
/// CSV, without a student file.
fn usage_alone(
    usage: &[u8],
    scores: &[u8],
) -> Result<evidence_check::Evaluation, evidence_check::Error> {
    let c = small(
        json!({ "usage": { "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wks" },
        "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" } }),
    );
    let s = Sources {
        usage,
        scores,
        students: None,
    };
    evaluate_sources_json(&c, &s, &mut |_| {})
}

/// A workbook whose first sheet has the wide usage header (id, min, wks), then what `fill`
/// writes.
fn usage_book(fill: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (col, name) in ["id", "min", "wks"].iter().enumerate() {
        ws.write_string(0, col as u16, *name).unwrap();
    }
    fill(ws);
    book.save_to_buffer().unwrap()
}

/// What a second attack found in workbooks: each refused or read as its CSV twin would be.
#[test]
fn a_workbook_too_large_once_read_hidden_or_holding_durations_is_read_as_a_person_sees_it() {
    use rust_xlsxwriter::{Format, Workbook};
    let eval = |usage: &[u8]| usage_alone(usage, b"id,pre,post\nA,200,210\nB,200,210\n");
    // One shared string of 20 MB shown in 14 cells of a row: a workbook of kilobytes that
    // would be 280 MB of text, refused as its text grows past 256 MB.
    // (A spreadsheet library writes at most 32,767 characters a cell: the string is put in
    // its shared strings after.)
    let bomb = usage_book(|ws| {
        for col in 0..14 {
            ws.write_string(1, col, "BIG").unwrap();
        }
    });
    let big = "a".repeat(20 << 20);
    let bomb = rewritten(&bomb, |name, bytes| match name {
        "xl/sharedStrings.xml" => String::from_utf8(bytes)
            .unwrap()
            .replace(">BIG<", &format!(">{big}<"))
            .into_bytes(),
        _ => bytes,
    });
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let e = eval(&bomb).unwrap_err();
    assert_eq!(
        e.message,
        "The usage file has a sheet whose text, as CSV, is over 256 MB (the limit of a CSV file)."
    );
    // Minutes as a duration ([h]:mm, 0:30): shown as 0:30:00, which is no number of minutes
    // (its CSV twin, "0:30", is no number either), not 0.0208 (days).
    let duration = usage_book(|ws| {
        let hm = Format::new().set_num_format("[h]:mm");
        ws.write_string(1, 0, "A").unwrap();
        ws.write_number_with_format(1, 1, 30.0 / 1440.0, &hm)
            .unwrap();
        ws.write_number(1, 2, 10).unwrap();
    });
    let rows = bad_rows(&eval(&duration).unwrap_err());
    assert_eq!(
        (rows[0].0, rows[0].1.as_deref(), rows[0].2),
        (2, Some("min"), "invalidNumber")
    );
    assert!(rows[0].3.contains("\"0:30:00\""), "{}", rows[0].3);
    // A first sheet that is hidden (a lookup table) is passed over for the first one shown.
    let mut hidden = Workbook::new();
    let lookup = hidden.add_worksheet();
    lookup
        .set_name("Lookup")
        .unwrap()
        .write_string(0, 0, "code")
        .unwrap();
    lookup.set_hidden(true);
    let ws = hidden.add_worksheet();
    for (col, v) in ["id", "min", "wks"].iter().enumerate() {
        ws.write_string(0, col as u16, *v).unwrap();
    }
    ws.write_string(1, 0, "A").unwrap();
    ws.write_number(1, 1, 300).unwrap();
    ws.write_number(1, 2, 10).unwrap();
    ws.set_active(true);
    let e = eval(&hidden.save_to_buffer().unwrap()).unwrap();
    assert_eq!(e.students.at_fidelity, 1);
    // A cell past a worksheet's last row (1,048,576): refused before anything is laid out.
    let one = usage_book(|ws| {
        ws.write_string(1, 0, "A").unwrap();
    });
    let far = rewritten(&one, |name, bytes| match name {
        "xl/worksheets/sheet1.xml" => String::from_utf8(bytes)
            .unwrap()
            .replace("r=\"2\"", "r=\"200000000\"")
            .replace("r=\"A2\"", "r=\"A200000000\"")
            .into_bytes(),
        _ => bytes,
    });
    let e = eval(&far).unwrap_err();
    assert_eq!(
        e.message,
        "The usage file has a cell in row 200000000, past a worksheet's last row (1048576)."
    );
    // A zip that is no workbook (a .docx), and an empty zip.
    let docx = {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored),
        )
        .unwrap();
        w.write_all(b"<document/>").unwrap();
        w.finish().unwrap().into_inner()
    };
    let mut empty = b"PK\x05\x06".to_vec();
    empty.resize(22, 0);
    for not_a_book in [docx, empty] {
        let e = eval(&not_a_book).unwrap_err();
        assert_eq!(e.message, "The usage file is a zip archive but not an .xlsx workbook (an .ods or a .docx is not read): save it as .xlsx or as CSV UTF-8.");
    }
}

#[test]
fn a_post_test_dated_before_the_pre_test_is_listed() {
    // The post-test window named is of the year before (Spring 2024-2025): A's "post-test" of
    // 5/10/2025 comes before its pre-test of 9/10/2025; B's windows have no Spring test.
    let c = small(
        json!({ "usage": { "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wks" },
        "scores": { "shape": "long", "studentId": "id", "window": "term", "score": "rit", "date": "day",
            "preWindow": "Fall 2025-2026", "postWindow": "Spring 2024-2025" } }),
    );
    let usage = "id,min,wks\nA,90,3\nB,90,3\nC,90,3\n";
    let scores = "id,term,day,rit\nA,Fall 2025-2026,9/10/2025,200\nA,Spring 2024-2025,5/10/2025,190\n\
                  B,Fall 2025-2026,9/10/2025,200\nC,Spring 2024-2025,9/10/2025,190\nC,Fall 2025-2026,9/10/2025,201\n";
    let e = run(&c, usage, scores, None).unwrap();
    // C's two tests are of one day: not before.
    assert_eq!(e.matches.unwrap().post_before_pre, ["A"]);
}

#[test]
fn a_student_left_out_leaves_the_next_students_their_own_values() {
    // B's usage cannot be read: B is left out, and C keeps its own school, grade and group
    // (C, an intervention student at fidelity who met the target: paid with A).
    let c = small(
        json!({ "usage": { "shape": "wide", "studentId": "id", "minutes": "min", "weeks": "wk" },
        "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" },
        "students": { "studentId": "id", "school": "school", "grade": "grade", "group": "grp" } }),
    );
    let mut c = c;
    c["onBadRow"] = json!("skip");
    let usage = "id,min,wk\nA,400,10\nB,abc,10\nC,400,10\n";
    let scores = "id,pre,post\nA,200,210\nB,200,210\nC,200,210\n";
    let students = "id,school,grade,grp\nA,Adams,3,T\nB,Baker,4,C\nC,Cole,5,T\n";
    let e = run(&c, usage, scores, Some(students)).unwrap();
    let m = e.matches.as_ref().unwrap();
    assert_eq!(m.left_out, ["B"]);
    assert_eq!(m.preview.rows[1][0], "C");
    assert_eq!(m.preview.rows[1][5..], ["Cole", "5", "T"]);
    assert_eq!(e.payment.total_cents, 2000);
}

/// The workbook with its part `name` declaring `size` bytes unzipped in the central directory
/// (offset 24 of the part's record).
fn declared(book: &[u8], name: &str, size: u32) -> Vec<u8> {
    let mut b = book.to_vec();
    let at = (0..b.len() - 4)
        .filter(|&i| b[i..i + 4] == *b"PK\x01\x02")
        .find(|&i| {
            let len = u16::from_le_bytes([b[i + 28], b[i + 29]]) as usize;
            &b[i + 46..i + 46 + len] == name.as_bytes()
        })
        .unwrap();
    b[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
    b
}

#[test]
fn a_workbook_whose_cells_wrap_or_whose_shared_strings_are_huge_is_refused_and_a_time_is_a_time() {
    use rust_xlsxwriter::Format;
    let eval = |usage: &[u8]| usage_alone(usage, b"id,pre,post\nA,200,210\n");
    let book = usage_book(|ws| {
        ws.write_string(1, 0, "A").unwrap();
        ws.write_number(1, 1, 100).unwrap();
        ws.write_number(1, 2, 10).unwrap();
    });
    // A cell listed twice (as B4294967298 is B2 to a release build's 32-bit reader, whose
    // numbers wrap) is refused rather than read over the first.
    let wrapped = rewritten(&book, |name, bytes| match name {
        "xl/worksheets/sheet1.xml" => String::from_utf8(bytes)
            .unwrap()
            .replace("<c r=\"C2\"", "<c r=\"B2\"><v>999</v></c><c r=\"C2\"")
            .into_bytes(),
        _ => bytes,
    });
    let e = eval(&wrapped).unwrap_err();
    assert_eq!(e.message, "The usage file lists the cell B2 twice or out of order: open the workbook in a spreadsheet and save it again.");
    // Shared strings declared past 128 MB: refused before they are read.
    let e = eval(&declared(&book, "xl/sharedStrings.xml", 200 << 20)).unwrap_err();
    assert_eq!(e.message, "The usage file holds 200 MB of shared strings; at most 128 MB is read (save the sheet as CSV).");
    // A time of day typed as minutes (0:30, shown h:mm) is 0:30:00, not a date of 1899.
    let timed = usage_book(|ws| {
        ws.write_string(1, 0, "A").unwrap();
        let hm = Format::new().set_num_format("h:mm");
        ws.write_number_with_format(1, 1, 30.0 / 1440.0, &hm)
            .unwrap();
        ws.write_number(1, 2, 10).unwrap();
    });
    let rows = bad_rows(&eval(&timed).unwrap_err());
    assert!(rows[0].3.contains("\"0:30:00\""), "{}", rows[0].3);
}

#[test]
fn a_row_not_utf8_whose_id_is_readable_leaves_its_student_out() {
    // A's second week has a Windows-1252 "é" in a notes column: under skip, A is left out whole
    // (as the roster twin's row for A would be bad), not kept with one week's minutes. A row
    // whose id itself is not UTF-8 is left out alone.
    let mut c = small(
        json!({ "usage": { "shape": "long", "studentId": "id", "minutes": "min", "week": "wk" },
        "scores": { "shape": "wide", "studentId": "id", "pre": "pre", "post": "post" } }),
    );
    c["onBadRow"] = json!("skip");
    let usage =
        b"id,wk,min,note\nA,W1,40,ok\nA,W2,40,caf\xe9\nB,W1,40,ok\nB,W2,40,ok\nC\xe9,W1,40,ok\n";
    let scores = b"id,pre,post\nA,200,210\nB,200,210\n";
    let s = Sources {
        usage,
        scores,
        students: None,
    };
    let e = evaluate_sources_json(&c, &s, &mut |_| {}).unwrap();
    let m = e.matches.unwrap();
    assert_eq!(
        (m.left_out, m.enrolled, e.rejected_count),
        (vec!["A".to_string()], 1, 2)
    );
}
