//! Expected values are computed independently of this code: by hand from the handbook
//! formulas where noted, otherwise with Python's scipy.stats 1.x (t.sf, t.ppf, norm.cdf)
//! applied to the same published formulas.

use super::*;
use serde_json::json;

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-6,
        "expected {expected}, got {actual}"
    );
}

fn continuous(ni: f64, mi: f64, si: f64, nc: f64, mc: f64, sc: f64) -> EffectInput {
    EffectInput {
        intervention: Group::Continuous {
            n: ni,
            mean: mi,
            sd: si,
        },
        comparison: Group::Continuous {
            n: nc,
            mean: mc,
            sd: sc,
        },
        lower_is_better: false,
        clusters: None,
        alpha: 0.05,
    }
}

#[test]
fn handbook_example_groups_5_6_7_vs_4_5_6() {
    // By hand: means 6 and 5, SDs 1 and 1, S = 1, d = 1, N = 6, omega = 1 - 3/15 = 0.8, g = 0.8;
    // SE = sqrt(6/9 + 0.64/12) = sqrt(0.72); t = 0.8 sqrt(9/6); p from scipy t.sf(t, 4) * 2.
    let r = effect_size(&continuous(3.0, 6.0, 1.0, 3.0, 5.0, 1.0)).unwrap();
    close(r.g, 0.8);
    close(r.omega, 0.8);
    close(r.se, 0.72f64.sqrt());
    close(r.ci_lower, 0.8 - 1.96 * 0.72f64.sqrt());
    close(r.ci_upper, 0.8 + 1.96 * 0.72f64.sqrt());
    close(r.t, 0.9797958971132712);
    assert_eq!(r.df, 4.0);
    close(r.p_value, 0.38266295128107697);
    assert!(!r.significant);
    assert!(r.favorable);
    assert_eq!(r.improvement_index, 29); // round(100 (Phi(0.8) - 0.5)) = round(28.81)
}

#[test]
fn realistic_continuous_study() {
    let r = effect_size(&continuous(120.0, 512.4, 38.2, 115.0, 503.1, 40.5)).unwrap();
    close(r.g, 0.2356261163902031);
    close(r.omega, 0.9967776584317938);
    close(r.se, 0.1309469833853586);
    close(r.t, 1.8056311453949758);
    assert_eq!(r.df, 233.0);
    close(r.p_value, 0.072266622752562);
    assert!(!r.significant);
    assert_eq!(r.improvement_index, 9);
}

#[test]
fn cox_index_applies_omega() {
    let input = EffectInput {
        intervention: Group::Dichotomous {
            n: 100.0,
            proportion: 0.6,
        },
        comparison: Group::Dichotomous {
            n: 100.0,
            proportion: 0.5,
        },
        lower_is_better: false,
        clusters: None,
        alpha: 0.05,
    };
    let r = effect_size(&input).unwrap();
    close(r.g, 0.2448044325857054);
    close(r.se, 0.14195007229844592);
    close(r.t, 1.7310287434587732);
    close(r.p_value, 0.08500443900863142);
    assert_eq!(r.improvement_index, 10);
}

#[test]
fn improvement_index_examples() {
    assert_eq!(improvement_index(0.25), 10); // 100 (Phi(0.25) - 0.5) = 9.87
    assert_eq!(improvement_index(-0.25), -10);
    assert_eq!(improvement_index(0.0), 0);
    assert_eq!(improvement_index(10.0), 50);
    assert_eq!(improvement_index(-10.0), -50);
}

#[test]
fn lower_is_better_flips_the_favourable_direction_only() {
    let mut input = continuous(50.0, 10.0, 2.0, 50.0, 11.0, 2.0);
    let plain = effect_size(&input).unwrap();
    input.lower_is_better = true;
    let flipped = effect_size(&input).unwrap();
    assert_eq!(plain.g, flipped.g);
    assert!(plain.g < 0.0 && !plain.favorable && flipped.favorable);
    assert_eq!(plain.improvement_index, -flipped.improvement_index);
    assert!(flipped.improvement_index > 0);
}

#[test]
fn clustering_correction_matches_handbook_formula() {
    // 200 + 200 students in 10 + 10 schools, icc 0.2, means 0.3 vs 0 with SD 1.
    let mut input = continuous(200.0, 0.3, 1.0, 200.0, 0.0, 1.0);
    let plain = effect_size(&input).unwrap();
    close(plain.t, 2.994343180389692);
    close(plain.p_value, 0.002922105883144581);
    assert!(plain.significant);
    input.clusters = Some(Clusters {
        intervention: 10.0,
        comparison: 10.0,
        icc: 0.2,
    });
    let r = effect_size(&input).unwrap();
    assert!(r.cluster_corrected);
    close(r.g, 0.2994343180389692);
    close(r.t, 1.3536123962415156);
    close(r.df, 231.65758754863802);
    close(r.p_value, 0.17717928317513523);
    assert!(!r.significant);
}

#[test]
fn significance_follows_alpha() {
    let mut input = continuous(120.0, 512.4, 38.2, 115.0, 503.1, 40.5); // p = 0.0723
    input.alpha = 0.10;
    assert!(effect_size(&input).unwrap().significant);
    input.alpha = 0.05;
    assert!(!effect_size(&input).unwrap().significant);
}

#[test]
fn mdes_individual_350_students() {
    let r = minimum_detectable_effect(&PowerInput {
        design: Design::Individual { n: 350.0, r2: 0.0 },
        treated_share: 0.5,
        alpha: 0.05,
        power: 0.8,
    });
    close(r.mdes, 0.3003438596347091);
    close(r.standard_error, 0.10690449676496976);
    close(r.multiplier, 2.809459552436013);
    assert_eq!(r.df, 348.0);
}

#[test]
fn mdes_twenty_schools_of_fifty() {
    let r = minimum_detectable_effect(&PowerInput {
        design: Design::Cluster {
            clusters: 20.0,
            cluster_size: 50.0,
            icc: 0.2,
            r2_level1: 0.0,
            r2_level2: 0.0,
        },
        treated_share: 0.5,
        alpha: 0.05,
        power: 0.8,
    });
    close(r.mdes, 0.6158418969592564);
    close(r.standard_error, 0.20784609690826528);
    close(r.multiplier, 2.962970708230637);
    assert_eq!(r.df, 18.0);
}

#[test]
fn mdes_with_covariates_and_other_settings() {
    let r = minimum_detectable_effect(&PowerInput {
        design: Design::Cluster {
            clusters: 40.0,
            cluster_size: 25.0,
            icc: 0.15,
            r2_level1: 0.5,
            r2_level2: 0.7,
        },
        treated_share: 0.4,
        alpha: 0.1,
        power: 0.9,
    });
    close(r.mdes, 0.24030247175870886);
    close(r.multiplier, 2.9901846640572396);
    let r = minimum_detectable_effect(&PowerInput {
        design: Design::Individual { n: 1000.0, r2: 0.5 },
        treated_share: 0.3,
        alpha: 0.01,
        power: 0.9,
    });
    close(r.mdes, 0.1885031505925828);
    close(r.standard_error, 0.048795003647426664);
}

#[test]
fn benjamini_hochberg_by_hand() {
    // m = 5, alpha 0.05: thresholds 0.01, 0.02, 0.03, 0.04, 0.05. Sorted p: 0.001, 0.012, 0.029,
    // 0.041, 0.2; the largest i with p_(i) <= i alpha/m is 3 (0.029 <= 0.03; 0.041 > 0.04).
    let p = [0.041, 0.001, 0.2, 0.029, 0.012];
    assert_eq!(
        benjamini_hochberg(&p, 0.05),
        vec![false, true, false, true, true]
    );
    // A step-up procedure: a later rank that passes rescues earlier ones that fail alone.
    let p = [0.02, 0.03];
    assert_eq!(benjamini_hochberg(&p, 0.05), vec![true, true]); // 0.03 <= 0.05 at rank 2
    assert_eq!(benjamini_hochberg(&[], 0.05), Vec::<bool>::new());
    assert_eq!(benjamini_hochberg(&[0.9], 0.05), vec![false]);
}

#[test]
fn baseline_thresholds_are_inclusive() {
    assert_eq!(baseline_equivalence(0.05), Baseline::Satisfied);
    assert_eq!(baseline_equivalence(-0.05), Baseline::Satisfied);
    assert_eq!(
        baseline_equivalence(0.0500001),
        Baseline::RequiresAdjustment
    );
    assert_eq!(baseline_equivalence(0.25), Baseline::RequiresAdjustment);
    assert_eq!(baseline_equivalence(-0.2500001), Baseline::NotSatisfied);
    assert!(Baseline::RequiresAdjustment.holds(true));
    assert!(!Baseline::RequiresAdjustment.holds(false));
    assert!(!Baseline::NotSatisfied.holds(true));
}

#[test]
fn attrition_boundaries_from_the_table() {
    use Boundary::*;
    assert_eq!(attrition_boundary(0.0, Cautious), Some(5.7));
    assert_eq!(attrition_boundary(10.0, Cautious), Some(6.3));
    assert_eq!(attrition_boundary(57.0, Cautious), Some(0.0));
    assert_eq!(attrition_boundary(58.0, Cautious), None);
    assert_eq!(attrition_boundary(65.0, Optimistic), Some(0.3));
    assert_eq!(attrition_boundary(65.5, Optimistic), None);
    // Interpolated by hand: halfway from 10 (6.3) to 15 (5.9) is 6.1; 12% is 6.3 - 0.4 * 2/5 = 6.14.
    close(attrition_boundary(12.5, Cautious).unwrap(), 6.1);
    close(attrition_boundary(12.0, Cautious).unwrap(), 6.14);
    close(attrition_boundary(56.0, Optimistic).unwrap(), 2.35);
}

#[test]
fn attrition_status_at_the_boundary() {
    // 10% overall, 6.3 points differential: exactly on the cautious boundary, so low.
    let at = Attrition {
        overall: 0.10,
        differential: 0.063,
    }
    .status(Boundary::Cautious);
    assert!(at.low);
    let over = Attrition {
        overall: 0.10,
        differential: 0.064,
    }
    .status(Boundary::Cautious);
    assert!(!over.low);
    assert!(
        Attrition {
            overall: 0.10,
            differential: 0.064
        }
        .status(Boundary::Optimistic)
        .low
    );
    assert!(
        !Attrition {
            overall: 0.70,
            differential: 0.0
        }
        .status(Boundary::Optimistic)
        .low
    );
}

#[test]
fn attrition_from_counts() {
    // 100 + 100 randomized, 90 + 80 analysed: overall 30/200 = 15%, group 10% vs 20%, differential 10 points.
    let a = Attrition::from_counts(100.0, 100.0, 90.0, 80.0);
    close(a.overall, 0.15);
    close(a.differential, 0.10);
    assert!(!a.status(Boundary::Cautious).low); // boundary 5.9
    assert!(a.status(Boundary::Optimistic).low); // boundary 10.7
}

fn errors_of(v: serde_json::Value) -> Vec<(String, &'static str)> {
    effect_size_json(&v)
        .unwrap_err()
        .field_errors()
        .iter()
        .map(|e| (e.path.clone(), e.code))
        .collect()
}

#[test]
fn effect_size_json_reads_defaults() {
    let r = effect_size_json(&json!({
        "kind": "continuous",
        "intervention": { "n": 3, "mean": 6, "sd": 1 },
        "comparison": { "n": 3, "mean": 5, "sd": 1 }
    }))
    .unwrap();
    close(r.g, 0.8);
    let r = effect_size_json(&json!({
        "kind": "continuous",
        "intervention": { "n": 200, "mean": 0.3, "sd": 1 },
        "comparison": { "n": 200, "mean": 0, "sd": 1 },
        "clusters": { "intervention": 10, "comparison": 10 }
    }))
    .unwrap();
    close(r.t, 1.3536123962415156); // icc defaults to 0.20
}

#[test]
fn effect_size_json_rejects_bad_input_with_paths() {
    assert_eq!(
        errors_of(
            json!({ "kind": "continuous", "intervention": { "n": 1, "mean": 1, "sd": 0 }, "comparison": { "n": 5, "mean": "x", "sd": 1 } })
        ),
        vec![
            ("intervention.n".into(), "outOfRange"),
            ("intervention.sd".into(), "outOfRange"),
            ("comparison.mean".into(), "wrongType")
        ]
    );
    assert_eq!(
        errors_of(json!({ "kind": "ordinal" })),
        vec![
            ("kind".into(), "invalidValue"),
            ("intervention".into(), "required"),
            ("comparison".into(), "required")
        ]
    );
    let e = effect_size_json(&json!({ "kind": "dichotomous", "intervention": { "n": 10, "proportion": 1 }, "comparison": { "n": 10, "proportion": 0.5 } })).unwrap_err();
    assert_eq!(e.field_errors()[0].path, "intervention.proportion");
    assert!(e.field_errors()[0].message.contains("infinite"));
    assert_eq!(
        errors_of(
            json!({ "kind": "continuous", "intervention": { "n": 5, "mean": 1, "sd": 1 }, "comparison": { "n": 5, "mean": 1, "sd": 1 }, "clusters": { "intervention": 6, "comparison": 2, "icc": 1 } })
        ),
        vec![
            ("clusters.intervention".into(), "outOfRange"),
            ("clusters.icc".into(), "outOfRange")
        ]
    );
    assert_eq!(
        errors_of(
            json!({ "kind": "continuous", "intervention": { "n": 5, "mean": 1, "sd": 1 }, "comparison": { "n": 5, "mean": 1, "sd": 1 }, "alpha": 0 })
        ),
        vec![("alpha".into(), "outOfRange")]
    );
    assert_eq!(errors_of(json!(null)), vec![("".into(), "wrongType")]);
}

#[test]
fn power_json_reads_both_designs() {
    let r = minimum_detectable_effect_json(&json!({ "design": "individual", "n": 350 })).unwrap();
    close(r.mdes, 0.3003438596347091);
    let r = minimum_detectable_effect_json(
        &json!({ "design": "cluster", "clusters": 20, "clusterSize": 50, "icc": 0.2 }),
    )
    .unwrap();
    close(r.mdes, 0.6158418969592564);
    let e = minimum_detectable_effect_json(
        &json!({ "design": "cluster", "clusters": 2, "clusterSize": 50, "icc": 0.2, "n": 3 }),
    )
    .unwrap_err();
    let got: Vec<_> = e
        .field_errors()
        .iter()
        .map(|e| (e.path.as_str(), e.code))
        .collect();
    assert_eq!(got, vec![("n", "unknownField"), ("clusters", "outOfRange")]);
    let e =
        minimum_detectable_effect_json(&json!({ "design": "individual", "n": 350, "power": 1 }))
            .unwrap_err();
    assert_eq!(e.field_errors()[0].path, "power");
}
