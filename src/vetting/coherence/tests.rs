//! The coherence check's every outcome, on the strong profile (reading, grades K-3) against a
//! district strategy written out here; each expected message follows by hand from the rules in
//! the module's comment.

use crate::vetting::{vet_json, Check, Status, Verdict, Vetting};
use serde_json::{json, Value};

fn profile(changes: Value) -> Value {
    let mut v: Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/profiles/strong.json")).unwrap();
    for (k, x) in changes.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

/// A district teaching reading K-5 with EL Education, requiring systematic phonics and
/// prohibiting three-cueing in K-3, to the Common Core.
fn strategy() -> Value {
    json!({
        "subjects": ["reading", "mathematics"],
        "curricula": [
            { "curriculum": "el-education", "subject": "reading", "grades": [0, 1, 2, 3, 4, 5] },
            { "curriculum": "illustrative-mathematics", "subject": "mathematics", "grades": [6, 7, 8] }
        ],
        "practices": ["explicit-instruction", "decodable-texts"],
        "requiredPractices": [{ "practice": "systematic-phonics", "subject": "reading", "grades": [0, 1, 2, 3] }],
        "prohibitedPractices": [{ "practice": "three-cueing", "subject": "reading", "grades": [0, 1, 2, 3] }],
        "standards": "ccss"
    })
}

fn aligned() -> Value {
    json!({
        "approach": "Explicit, systematic phonics with decodable texts.",
        "practices": ["systematic-phonics", "decodable-texts"],
        "supplements": [{ "curriculum": "el-education", "evidenceUrl": "https://readwell.example/el-crosswalk" }],
        "standards": ["ccss"]
    })
}

fn vet(changes: Value, strategy: Value) -> Vetting {
    vet_json(&profile(changes), Some(&json!({ "strategy": strategy }))).unwrap()
}

/// Each field error's path and code.
fn paths_and_codes(e: &crate::Error) -> Vec<(String, &'static str)> {
    e.field_errors()
        .iter()
        .map(|f| (f.path.clone(), f.code.as_str()))
        .collect()
}

fn coherence(v: &Vetting) -> &Check {
    v.checks.iter().find(|c| c.id == "coherence").unwrap()
}

#[test]
fn an_aligned_product_passes_naming_its_evidence() {
    let v = vet(json!({ "instruction": aligned() }), strategy());
    let c = coherence(&v);
    assert_eq!(c.status, Status::Pass);
    assert!(c.red_flag);
    assert_eq!(c.message, "No practice the district prohibits is used. Evidence named: alignment to el-education (reading) at https://readwell.example/el-crosswalk; the required practice systematic-phonics; alignment to the ccss standards. The approach, in the vendor's words: \"Explicit, systematic phonics with decodable texts.\"");
    assert_eq!(v.verdict, Verdict::Recommended);
    assert_eq!(v.checks.len(), 10);
}

#[test]
fn a_prohibited_practice_is_a_red_flag() {
    let mut instruction = aligned();
    instruction["practices"] = json!(["systematic-phonics", "three-cueing"]);
    let v = vet(json!({ "instruction": instruction }), strategy());
    let c = coherence(&v);
    assert_eq!(c.status, Status::Fail);
    assert!(c.red_flag);
    assert_eq!(c.paths, ["instruction.practices[1]"]);
    assert!(c.message.starts_with("The product uses the practice \"three-cueing\", which the district prohibits for reading in grades K-3. Evidence named: alignment to el-education (reading) at https://readwell.example/el-crosswalk; the required practice systematic-phonics; alignment to the ccss standards."), "{}", c.message);
    assert_eq!(v.red_flags, 1);
    assert_eq!(v.verdict, Verdict::NotRecommended);
}

#[test]
fn the_policy_may_lower_a_prohibited_practice_to_a_warning() {
    let mut instruction = aligned();
    instruction["practices"] = json!(["three-cueing", "systematic-phonics"]);
    let mut s = strategy();
    s["prohibitedIsRedFlag"] = json!(false);
    let v = vet(json!({ "instruction": instruction }), s);
    let c = coherence(&v);
    assert_eq!(c.status, Status::Warn);
    assert!(!c.red_flag);
    assert_eq!(c.paths, ["instruction.practices[0]"]);
    assert_eq!(v.red_flags, 0);
    assert_eq!(v.verdict, Verdict::Caution);
}

#[test]
fn a_prohibited_practice_outside_its_scope_is_not_judged_prohibited() {
    // Three-cueing is prohibited in reading K-3; a grade 6-8 reading product using it meets
    // only the standards rule (EL Education is adopted for K-5 and phonics required in K-3).
    let instruction = json!({ "practices": ["three-cueing"], "standards": ["ccss"] });
    let outcomes = json!([{ "measure": "MAP Reading", "metric": "effectSize", "value": 0.2, "grades": [6, 7, 8] }]);
    let v = vet(
        json!({ "grades": [6, 7, 8], "outcomes": outcomes, "instruction": instruction }),
        strategy(),
    );
    let c = coherence(&v);
    assert_eq!(c.status, Status::Pass);
    assert_eq!(c.message, "No practice the district prohibits is used. Evidence named: alignment to the ccss standards.");
    // An unscoped prohibition reaches every grade.
    let mut s = strategy();
    s["prohibitedPractices"] = json!([{ "practice": "three-cueing" }]);
    let v = vet(
        json!({ "grades": [6, 7, 8], "outcomes": outcomes, "instruction": instruction }),
        s,
    );
    assert_eq!(coherence(&v).status, Status::Fail);
    // A product serving grades 6-8 whose own outcome claim is for grades 1-3 is judged for
    // those grades too.
    let early = json!([{ "measure": "MAP Reading", "metric": "effectSize", "value": 0.2, "grades": [1, 2, 3] }]);
    let v = vet(
        json!({ "grades": [6, 7, 8], "outcomes": early, "instruction": instruction }),
        strategy(),
    );
    assert_eq!(coherence(&v).status, Status::Fail);
}

#[test]
fn an_unaligned_curriculum_a_missing_practice_and_other_standards_warn() {
    let instruction = json!({ "practices": ["explicit-instruction"], "standards": ["teks"] });
    let v = vet(json!({ "instruction": instruction }), strategy());
    let c = coherence(&v);
    assert_eq!(c.status, Status::Warn);
    assert_eq!(c.message, "The district's adopted reading curriculum for grades K-5 is el-education, and the product names no alignment study or crosswalk to it. The district requires systematic-phonics for reading in grades K-3, and the product does not state that it uses it. The district teaches to the ccss standards, and the product does not state alignment to them.");
    assert_eq!(
        c.paths,
        [
            "instruction.supplements",
            "instruction.practices",
            "instruction.standards"
        ]
    );
    assert_eq!(v.verdict, Verdict::Caution);
    assert_eq!(v.red_flags, 0);
}

#[test]
fn a_supplement_to_another_curriculum_is_no_alignment_to_the_adopted_one() {
    let mut instruction = aligned();
    instruction["supplements"] =
        json!([{ "curriculum": "wit-and-wisdom", "evidenceUrl": "https://readwell.example/ww" }]);
    let c = coherence(&vet(json!({ "instruction": instruction }), strategy())).clone();
    assert_eq!(c.status, Status::Warn);
    assert!(c.message.starts_with("The district's adopted reading curriculum for grades K-5 is el-education, and the product names no alignment"), "{}", c.message);
}

#[test]
fn a_product_without_an_instructional_approach_warns() {
    // An empty instruction, or one with only the approach in words, states nothing to match.
    for instruction in [json!({}), json!({ "approach": "Balanced." })] {
        let c = coherence(&vet(json!({ "instruction": instruction }), strategy())).clone();
        assert_eq!(c.status, Status::Warn);
        assert!(
            c.message
                .starts_with("The profile states no instructional approach"),
            "{}",
            c.message
        );
    }
    let v = vet(json!({}), strategy());
    let c = coherence(&v);
    assert_eq!(c.status, Status::Warn);
    assert!(c.message.starts_with("The profile states no instructional approach (practices, curricula supplemented, standards), so its fit with the district's strategy cannot be judged. The district's adopted reading curriculum"), "{}", c.message);
    assert_eq!(c.paths[0], "instruction");
}

#[test]
fn a_word_outside_the_vocabulary_is_left_to_the_reviewer() {
    let mut instruction = aligned();
    instruction["practices"] = json!(["systematic-phonics", "balanced-literacy", "msv-cueing"]);
    let c = coherence(&vet(json!({ "instruction": instruction }), strategy())).clone();
    assert_eq!(c.status, Status::Warn);
    assert!(c.message.starts_with("The district's vocabulary does not define the practices \"balanced-literacy\", \"msv-cueing\"; a reviewer must judge them. Evidence named:"), "{}", c.message);
}

#[test]
fn subjects_match_ignoring_case_and_spaces_and_others_are_left_to_the_reviewer() {
    let v = vet(
        json!({ "subjects": [" Reading "], "instruction": aligned() }),
        strategy(),
    );
    assert_eq!(coherence(&v).status, Status::Pass);
    // "ELA" is not the district's "reading": no rule is matched by guessing.
    let v = vet(
        json!({ "subjects": ["ELA"], "instruction": aligned() }),
        strategy(),
    );
    let c = coherence(&v);
    assert_eq!(c.status, Status::Warn);
    assert!(c.message.starts_with("The subject \"ELA\" is not among the district's subjects, and the product names none that is, so every subject's rules were applied; a reviewer must judge it."), "{}", c.message);
    assert_eq!(c.paths, ["subjects"]);
    // So another word for a subject does not escape its prohibitions.
    for word in ["ELA", "literacy", "English Language Arts", "Reаding"] {
        let mut instruction = aligned();
        instruction["practices"] = json!(["systematic-phonics", "three-cueing"]);
        let v = vet(
            json!({ "subjects": [word], "instruction": instruction }),
            strategy(),
        );
        assert_eq!(coherence(&v).status, Status::Fail, "{word}");
        assert_eq!(v.verdict, Verdict::NotRecommended, "{word}");
    }
}

#[test]
fn a_product_naming_no_subject_or_grade_is_held_to_every_rule() {
    let instruction = json!({ "practices": ["three-cueing"] });
    let outcomes = json!([{ "measure": "MAP", "metric": "effectSize", "value": 0.2 }]);
    let v = vet(
        json!({ "subjects": [], "grades": [], "outcomes": outcomes, "instruction": instruction }),
        strategy(),
    );
    let c = coherence(&v);
    assert_eq!(c.status, Status::Fail);
    for part in [
        "el-education",
        "illustrative-mathematics",
        "systematic-phonics",
        "ccss",
        "names no subject",
    ] {
        assert!(c.message.contains(part), "{part}: {}", c.message);
    }
}

#[test]
fn a_product_no_rule_applies_to_passes_saying_so() {
    let v = vet(
        json!({ "subjects": ["mathematics"], "grades": [3], "instruction": { "practices": ["explicit-instruction"] } }),
        json!({ "subjects": ["mathematics"], "practices": ["explicit-instruction"], "prohibitedPractices": [{ "practice": "three-cueing" }],
                "curricula": [{ "curriculum": "illustrative-mathematics", "subject": "mathematics", "grades": [6, 7, 8] }] }),
    );
    let c = coherence(&v);
    assert_eq!(c.status, Status::Pass);
    assert_eq!(c.message, "No practice the district prohibits is used, and none of the district's curricula, required practices or standards apply to the product's subjects and grades.");
}

#[test]
fn without_a_strategy_coherence_is_not_checked() {
    let v = vet_json(&profile(json!({ "instruction": aligned() })), None).unwrap();
    assert_eq!(v.checks.len(), 9);
    assert!(v.checks.iter().all(|c| c.id != "coherence"));
}

#[test]
fn bad_identifiers_and_contradictions_are_field_errors() {
    let e = vet_json(
        &profile(
            json!({ "instruction": { "practices": ["Three Cueing", "phonics", "phonics"],
                                          "supplements": [{ "curriculum": "el-education" }] } }),
        ),
        None,
    )
    .unwrap_err();
    let fields = paths_and_codes(&e);
    assert_eq!(
        fields,
        [
            ("instruction.practices[0]".to_string(), "invalidIdentifier"),
            (
                "instruction.supplements[0].evidenceUrl".to_string(),
                "required"
            ),
        ]
    );
    let e = vet_json(
        &profile(json!({ "instruction": { "practices": ["phonics", "phonics", "a--b", "-a", "x".repeat(65)] } })),
        None,
    )
    .unwrap_err();
    let fields = paths_and_codes(&e);
    assert_eq!(
        fields,
        [
            ("instruction.practices[2]".to_string(), "invalidIdentifier"),
            ("instruction.practices[3]".to_string(), "invalidIdentifier"),
            ("instruction.practices[4]".to_string(), "invalidIdentifier"),
        ]
    );
    let e = vet_json(
        &profile(json!({ "instruction": { "practices": ["phonics", "phonics"] } })),
        None,
    )
    .unwrap_err();
    assert_eq!(e.field_errors()[0].path, "instruction.practices[1]");
    assert_eq!(e.field_errors()[0].code.as_str(), "duplicate");
    let mut s = strategy();
    s["prohibitedPractices"] = json!([{ "practice": "three-cueing", "grades": [] }]);
    let e = vet_json(&profile(json!({})), Some(&json!({ "strategy": s }))).unwrap_err();
    let fields = paths_and_codes(&e);
    assert_eq!(
        fields,
        [(
            "strategy.prohibitedPractices[0].grades".to_string(),
            "empty"
        ),]
    );
    // Required for reading, prohibited for mathematics, in the same grades: no contradiction;
    // prohibited for reading in grades 2-5, overlapping K-3: one.
    s["prohibitedPractices"] =
        json!([{ "practice": "systematic-phonics", "subject": "mathematics", "grades": [0, 1] }]);
    assert!(vet_json(&profile(json!({})), Some(&json!({ "strategy": s }))).is_ok());
    s["prohibitedPractices"] =
        json!([{ "practice": "systematic-phonics", "subject": "reading", "grades": [2, 3, 4, 5] }]);
    let e = vet_json(&profile(json!({})), Some(&json!({ "strategy": s }))).unwrap_err();
    assert_eq!(
        paths_and_codes(&e),
        [(
            "strategy.prohibitedPractices[0].practice".to_string(),
            "inconsistent"
        )]
    );
    // Required in K-3 and prohibited in 9-12: no contradiction.
    s["prohibitedPractices"] =
        json!([{ "practice": "systematic-phonics", "grades": [9, 10, 11, 12] }]);
    assert!(vet_json(&profile(json!({})), Some(&json!({ "strategy": s }))).is_ok());
    s["prohibitedPractices"] = json!([{ "practice": "systematic-phonics" }]);
    let e = vet_json(&profile(json!({})), Some(&json!({ "strategy": s }))).unwrap_err();
    assert_eq!(e.code.as_str(), "invalidPolicy");
    assert_eq!(
        e.field_errors()[0].path,
        "strategy.prohibitedPractices[0].practice"
    );
    assert_eq!(e.field_errors()[0].code.as_str(), "inconsistent");
}

/// The second attack's cases, each by the rules in the module's comment.
#[test]
fn grades_subjects_and_practices_left_out_do_not_pass_and_honest_products_are_not_flagged() {
    let cueing = json!({ "practices": ["three-cueing"], "standards": ["ccss"] });
    // No grade of its own, an outcome claim for grades 4-5: still every grade's rules.
    let claim =
        json!([{ "measure": "MAP", "metric": "effectSize", "value": 0.2, "grades": [4, 5] }]);
    let v = vet(
        json!({ "grades": [], "outcomes": claim, "instruction": cueing }),
        strategy(),
    );
    assert_eq!(coherence(&v).status, Status::Fail);
    // A reading product that also names "writing" is held to reading's curricula and required
    // practices, not mathematics'; but with a word outside the vocabulary, every subject's
    // prohibitions apply (third attack: "ELA" beside "mathematics" hid three-cueing), and the
    // message says why.
    let mut s = strategy();
    s["prohibitedPractices"] =
        json!([{ "practice": "timed-tests", "subject": "mathematics", "grades": [0, 1, 2] }]);
    let v = vet(
        json!({ "subjects": ["reading", "writing"], "instruction": aligned() }),
        s.clone(),
    );
    let c = coherence(&v);
    assert_eq!(c.status, Status::Warn);
    assert!(c.message.starts_with("The subject \"writing\" is not among the district's subjects, so every subject's prohibitions were applied; a reviewer must judge it."), "{}", c.message);
    assert_eq!(v.verdict, Verdict::Caution);
    let mut instruction = aligned();
    instruction["practices"] = json!(["systematic-phonics", "timed-tests"]);
    let v = vet(
        json!({ "subjects": ["reading", "writing"], "instruction": instruction }),
        s,
    );
    let c = coherence(&v);
    assert_eq!(c.status, Status::Fail);
    assert!(c.message.starts_with("The product uses the practice \"timed-tests\", which the district prohibits for mathematics in grades K-2 (applied because the product names a subject outside the district's vocabulary)."), "{}", c.message);
    let mut cueing_too = aligned();
    cueing_too["practices"] = json!(["systematic-phonics", "three-cueing"]);
    let v = vet(
        json!({ "subjects": ["ELA", "mathematics"], "instruction": cueing_too }),
        strategy(),
    );
    assert_eq!(
        coherence(&v).status,
        Status::Fail,
        "{}",
        coherence(&v).message
    );
    // A mathematics product for grades 6-8 that states no practices: the only prohibition is
    // reading's in K-3, so nothing is left to rule out.
    let v = vet(
        json!({ "subjects": ["mathematics"], "grades": [6, 7, 8],
                "outcomes": [{ "measure": "m", "metric": "effectSize", "value": 0.2 }],
                "instruction": { "standards": ["ccss"] } }),
        strategy(),
    );
    assert!(
        !coherence(&v).message.contains("cannot be ruled out"),
        "{}",
        coherence(&v).message
    );
    // A subject of several words matches its identifier.
    let mut s = strategy();
    s["subjects"] = json!(["english-language-arts"]);
    s["curricula"] = json!([{ "curriculum": "el-education", "subject": "english-language-arts", "grades": [0, 1, 2, 3] }]);
    s["requiredPractices"] = json!([]);
    s["practices"] = json!(["systematic-phonics", "decodable-texts"]);
    s["prohibitedPractices"] =
        json!([{ "practice": "three-cueing", "subject": "english-language-arts" }]);
    let v = vet(
        json!({ "subjects": ["English  Language Arts"], "instruction": aligned() }),
        s.clone(),
    );
    assert_eq!(
        coherence(&v).status,
        Status::Pass,
        "{}",
        coherence(&v).message
    );
    // A strategy that names no subject has no subject vocabulary to hold a product to.
    let v = vet(
        json!({ "subjects": ["science"], "instruction": { "practices": ["inquiry"] } }),
        json!({ "practices": ["inquiry"], "prohibitedPractices": [{ "practice": "three-cueing" }] }),
    );
    assert_eq!(
        coherence(&v).status,
        Status::Pass,
        "{}",
        coherence(&v).message
    );
    // Standards and supplements without practices do not rule out a prohibited practice.
    let quiet = json!({ "standards": ["ccss"],
        "supplements": [{ "curriculum": "el-education", "evidenceUrl": "https://readwell.example/el" }] });
    let c = coherence(&vet(json!({ "instruction": quiet }), strategy())).clone();
    assert_eq!(c.status, Status::Warn);
    assert!(c.message.contains("The profile states no practices, so the district's prohibited practices cannot be ruled out."), "{}", c.message);
    // The vendor's words are quoted on one line, their own quotes escaped.
    let mut sly = aligned();
    sly["approach"] = json!("Phonics.\" Coherence: pass.\n\"");
    let c = coherence(&vet(json!({ "instruction": sly }), strategy())).clone();
    assert!(
        c.message
            .ends_with(r#"The approach, in the vendor's words: "Phonics.\" Coherence: pass. \"""#),
        "{}",
        c.message
    );
    // Direction-changing characters cannot turn the words around.
    let mut bidi = aligned();
    bidi["approach"] = json!("Phonics \u{202e}ssap\u{202c} only");
    let c = coherence(&vet(json!({ "instruction": bidi }), strategy())).clone();
    assert!(
        c.message
            .ends_with(r#"The approach, in the vendor's words: "Phonics ssap only""#),
        "{}",
        c.message
    );
}

/// The district's subjects are those of its `subjects`, its curricula and its rules' scopes:
/// a subject named by a curriculum or by a rule alone is no stranger.
#[test]
fn a_subject_named_only_by_a_curriculum_or_a_rule_is_in_the_vocabulary() {
    let by_curriculum = json!({ "practices": ["systematic-phonics", "decodable-texts"],
        "curricula": [{ "curriculum": "el-education", "subject": "reading", "grades": [0, 1, 2, 3] }] });
    let c = coherence(&vet(json!({ "instruction": aligned() }), by_curriculum)).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message);
    let by_rule = json!({ "practices": ["decodable-texts"],
        "requiredPractices": [{ "practice": "systematic-phonics", "subject": "reading" }] });
    let c = coherence(&vet(json!({ "instruction": aligned() }), by_rule)).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message);
    let by_prohibition = json!({ "practices": ["systematic-phonics", "decodable-texts"],
        "prohibitedPractices": [{ "practice": "three-cueing", "subject": "reading" }] });
    let c = coherence(&vet(json!({ "instruction": aligned() }), by_prohibition)).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message);
}

/// Grades as a person reads them: a run as "K-3", one grade alone, others listed.
#[test]
fn grades_are_written_as_runs_or_lists() {
    use crate::profile::Grade;
    let g = |list: &[u8]| super::grade_list(&list.iter().map(|&x| Grade(x)).collect::<Vec<_>>());
    assert_eq!(g(&[0, 1, 2, 3]), "K-3");
    assert_eq!(g(&[3]), "3");
    assert_eq!(g(&[0]), "K");
    assert_eq!(g(&[0, 2, 4]), "K, 2, 4");
    assert_eq!(g(&[8, 6, 7, 6]), "6-8");
}

/// A long approach is cut near 300 characters, at a word when one ends after the first 200;
/// a short one is whole.
#[test]
fn a_long_approach_is_cut_near_300_characters() {
    let said = |approach: String| -> String {
        let mut instruction = aligned();
        instruction["approach"] = json!(approach);
        let c = coherence(&vet(json!({ "instruction": instruction }), strategy())).clone();
        let at = c.message.find("in the vendor's words: \"").unwrap()
            + "in the vendor's words: \"".len();
        c.message[at..c.message.len() - 1].to_string()
    };
    // 60 words of 5 letters and a space: 360 characters; the first 300 end in a space at 299.
    let words = "abcde ".repeat(60);
    assert_eq!(
        said(words.clone()),
        format!("{} ...", "abcde ".repeat(49) + "abcde")
    );
    // One word of 400 letters after a short one: cut at 300 characters, not at the early space.
    let long = format!("ab {}", "x".repeat(400));
    assert_eq!(said(long), format!("ab {} ...", "x".repeat(297)));
    // 300 characters exactly: whole.
    let exact = "y".repeat(300);
    assert_eq!(said(exact.clone()), exact);
}

/// A product naming only the district's subjects is held to their prohibitions alone: a
/// reading product using a practice prohibited for mathematics is not flagged for it.
#[test]
fn a_product_of_known_subjects_is_held_to_their_prohibitions_alone() {
    let mut s = strategy();
    s["practices"] = json!(["decodable-texts", "timed-tests"]);
    s["prohibitedPractices"] =
        json!([{ "practice": "timed-tests", "subject": "mathematics", "grades": [0, 1, 2] }]);
    let mut instruction = aligned();
    instruction["practices"] = json!(["systematic-phonics", "decodable-texts", "timed-tests"]);
    let v = vet(
        json!({ "subjects": ["reading"], "instruction": instruction }),
        s,
    );
    let c = coherence(&v);
    assert_eq!(c.status, Status::Pass, "{}", c.message);
}

/// A product that supplements the district's reading curriculum teaches reading in that
/// curriculum's grades: calling itself "writing" or "mathematics" (subjects the district lists
/// with no rules of their own), or naming grades outside the prohibition's, does not escape
/// reading's prohibitions, and the message says why the rule applies.
#[test]
fn a_supplemented_curriculum_brings_its_subject_and_grades() {
    let mut s = strategy();
    s["subjects"] = json!(["reading", "writing", "mathematics"]);
    let mut instruction = aligned();
    instruction["practices"] = json!(["systematic-phonics", "three-cueing"]);
    let why = "The product uses the practice \"three-cueing\", which the district prohibits for reading in grades K-3 (applied because the product supplements the district's el-education (reading in grades K-5)).";
    for subject in ["writing", "mathematics"] {
        let v = vet(
            json!({ "subjects": [subject], "instruction": instruction }),
            s.clone(),
        );
        let c = coherence(&v);
        assert_eq!(c.status, Status::Fail, "{subject}: {}", c.message);
        assert!(c.message.starts_with(why), "{}", c.message);
        // el-education now counts as evidence for the reading it brings.
        assert!(
            c.message.contains(
                "alignment to el-education (reading) at https://readwell.example/el-crosswalk"
            ),
            "{}",
            c.message
        );
        assert_eq!(v.verdict, Verdict::NotRecommended);
    }
    // Supplementing the mathematics curriculum too: the reason names only the curriculum of the
    // rule's subject (fifth attack: every supplement was listed).
    let mut both = instruction.clone();
    both["supplements"] = json!([
        { "curriculum": "el-education", "evidenceUrl": "https://readwell.example/el-crosswalk" },
        { "curriculum": "illustrative-mathematics", "evidenceUrl": "https://readwell.example/im" }
    ]);
    let v = vet(
        json!({ "subjects": ["writing"], "instruction": both }),
        s.clone(),
    );
    assert!(
        coherence(&v).message.starts_with(why),
        "{}",
        coherence(&v).message
    );
    // A reading 6-8 product for a K-8 curriculum keeps its own grades (fifth attack: it was
    // held to the K-3 rules and failed for naming its alignment).
    let mut k8 = s.clone();
    k8["curricula"][0]["grades"] = json!([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    let v = vet(
        json!({ "grades": [6, 7, 8], "outcomes": [], "instruction": instruction }),
        k8,
    );
    assert_eq!(
        coherence(&v).status,
        Status::Pass,
        "{}",
        coherence(&v).message
    );
    // Reading in grade 6 only, for a K-5 curriculum: no grade in common, so the curriculum's
    // grades K-5 bring the K-3 rule.
    let v = vet(
        json!({ "grades": [6], "outcomes": [], "instruction": instruction }),
        s.clone(),
    );
    let c = coherence(&v);
    assert_eq!(c.status, Status::Fail, "{}", c.message);
    assert!(c.message.starts_with(why), "{}", c.message);
    // Named in the profile's own subjects and grades, the rule needs no such reason.
    let v = vet(json!({ "instruction": instruction }), s.clone());
    assert!(coherence(&v)
        .message
        .starts_with("The product uses the practice \"three-cueing\", which the district prohibits for reading in grades K-3. "));
    // A writing product supplementing no district curriculum is held to writing's rules, but
    // practices the district rules on only for reading are left to a reviewer (fifth attack:
    // dropping the supplement passed the relabelled product).
    let mut own = instruction.clone();
    own["supplements"] = json!([]);
    let v = vet(
        json!({ "subjects": ["writing"], "instruction": own }),
        s.clone(),
    );
    let c = coherence(&v);
    assert_eq!(c.status, Status::Warn, "{}", c.message);
    assert!(c.message.starts_with("The product uses practices that the district's rules name only for subjects it does not list: \"systematic-phonics\" (reading), \"three-cueing\" (reading); a reviewer must judge whether it teaches those subjects."), "{}", c.message);
    assert_eq!(v.verdict, Verdict::Caution);
    // A practice no rule scopes to a subject is no such sign.
    let mut plain = own.clone();
    plain["practices"] = json!(["decodable-texts"]);
    let v = vet(
        json!({ "subjects": ["writing"], "instruction": plain }),
        s.clone(),
    );
    assert_eq!(
        coherence(&v).status,
        Status::Pass,
        "{}",
        coherence(&v).message
    );
    // Supplementing el-education without the phonics reading K-3 requires: a warning for it.
    let mut no_phonics = aligned();
    no_phonics["practices"] = json!(["decodable-texts"]);
    let v = vet(
        json!({ "subjects": ["writing"], "instruction": no_phonics }),
        s,
    );
    let c = coherence(&v);
    assert_eq!(c.status, Status::Warn);
    assert!(
        c.message.starts_with("The district requires systematic-phonics for reading in grades K-3, and the product does not state that it uses it."),
        "{}",
        c.message
    );
}

/// A subject the district rules on by a practice alone (no curriculum) is a ruled subject: a
/// writing product there is judged by writing's rules, not left to a reviewer for using a
/// practice the district requires in reading (a mutant taking "ruled" as curriculum and rule
/// passed).
#[test]
fn a_subject_with_a_rule_and_no_curriculum_is_ruled() {
    let mut s = strategy();
    s["subjects"] = json!(["reading", "writing", "mathematics"]);
    s["practices"] = json!(["explicit-instruction", "decodable-texts", "timed-tests"]);
    s["prohibitedPractices"] = json!([
        { "practice": "three-cueing", "subject": "reading", "grades": [0, 1, 2, 3] },
        { "practice": "timed-tests", "subject": "writing" }
    ]);
    let mut own = aligned();
    own["supplements"] = json!([]);
    own["practices"] = json!(["systematic-phonics"]);
    let v = vet(json!({ "subjects": ["writing"], "instruction": own }), s);
    assert_eq!(
        coherence(&v).status,
        Status::Pass,
        "{}",
        coherence(&v).message
    );
}
