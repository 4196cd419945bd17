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

/// Every figure of one result, each against its independently computed value.
struct Expected {
    g: f64,
    omega: f64,
    se: f64,
    t: f64,
    df: f64,
    p: f64,
    lo: f64,
    hi: f64,
}

fn check(r: &EffectResult, e: Expected) {
    close(r.g, e.g);
    close(r.omega, e.omega);
    close(r.se, e.se);
    close(r.t, e.t);
    close(r.df, e.df);
    close(r.p_value, e.p);
    close(r.ci_lower, e.lo);
    close(r.ci_upper, e.hi);
    // The interval and the p-value come from the same SE and distribution: the interval
    // excludes 0 exactly when p < 0.05.
    assert_eq!(r.ci_lower > 0.0 || r.ci_upper < 0.0, r.p_value < 0.05);
}

#[test]
fn handbook_example_groups_5_6_7_vs_4_5_6() {
    // By hand: means 6 and 5, SDs 1 and 1, S = 1, d = 1, N = 6, omega = 1 - 3/15 = 0.8, g = 0.8;
    // SE = sqrt(6/9 + 0.64/12) = sqrt(0.72); t = g / SE; p and the interval from scipy's t(4).
    let r = effect_size(&continuous(3.0, 6.0, 1.0, 3.0, 5.0, 1.0)).unwrap();
    check(
        &r,
        Expected {
            g: 0.8,
            omega: 0.8,
            se: 0.72f64.sqrt(),
            t: 0.9428090415820635,
            df: 4.0,
            p: 0.3991616175432795,
            lo: -1.5558917937730683,
            hi: 3.155891793773068,
        },
    );
    assert!(!r.significant);
    assert!(r.favorable);
    assert_eq!(r.improvement_index, 29); // round(100 (Phi(0.8) - 0.5)) = round(28.81)
}

#[test]
fn realistic_continuous_study() {
    let r = effect_size(&continuous(120.0, 512.4, 38.2, 115.0, 503.1, 40.5)).unwrap();
    check(
        &r,
        Expected {
            g: 0.2356261163902031,
            omega: 0.9967776584317938,
            se: 0.1309469833853586,
            t: 1.7994008742972605,
            df: 233.0,
            p: 0.07324910352602824,
            lo: -0.022365315868325686,
            hi: 0.49361754864873186,
        },
    );
    assert!(!r.significant);
    assert_eq!(r.improvement_index, 9);
}

fn dichotomous(ni: f64, pi: f64, nc: f64, pc: f64) -> EffectInput {
    EffectInput {
        intervention: Group::Dichotomous {
            n: ni,
            proportion: pi,
        },
        comparison: Group::Dichotomous {
            n: nc,
            proportion: pc,
        },
        lower_is_better: false,
        clusters: None,
        alpha: 0.05,
    }
}

#[test]
fn cox_index_has_the_log_odds_ratios_own_standard_error() {
    // 27 of 30 against 21 of 30: log odds ratio ln 9 - ln(7/3) = 1.3499, its variance
    // 1/27 + 1/3 + 1/21 + 1/9 = 0.5291; on the Cox scale (times omega/1.65) SE = 0.4351 and
    // t = 1.8558 (the Wald z of the log odds ratio), p = 0.069 with t(58): not significant
    // (chi-square gives 0.053, Fisher's exact test 0.104; the continuous formula gave 0.003).
    let r = effect_size(&dichotomous(30.0, 0.9, 30.0, 0.7)).unwrap();
    check(
        &r,
        Expected {
            g: 0.8075122431178688,
            omega: 0.987012987012987,
            se: 0.4351189730535333,
            t: 1.855842408918628,
            df: 58.0,
            p: 0.06855899197415953,
            lo: -0.06347301292670848,
            hi: 1.6784974991624462,
        },
    );
    assert!(!r.significant);
    assert_eq!(r.improvement_index, 29);
    // 55 of 100 against 41 of 100: p = 0.0497 (chi-square 0.048).
    let r = effect_size(&dichotomous(100.0, 0.55, 100.0, 0.41)).unwrap();
    check(
        &r,
        Expected {
            g: 0.3409058156218733,
            omega: 0.9962073324905183,
            se: 0.17262044683734062,
            t: 1.974886647947952,
            df: 198.0,
            p: 0.049670810853232696,
            lo: 0.000495277426723173,
            hi: 0.6813163538170234,
        },
    );
    assert!(r.significant);
    let r = effect_size(&dichotomous(100.0, 0.6, 100.0, 0.5)).unwrap();
    check(
        &r,
        Expected {
            g: 0.2448044325857054,
            omega: 0.9962073324905183,
            se: 0.17253936867016578,
            t: 1.418832319096315,
            df: 198.0,
            p: 0.15752010004586908,
            lo: -0.095446218046705,
            hi: 0.5850550832181158,
        },
    );
    assert_eq!(r.improvement_index, 10);
}

#[test]
fn clustering_inflates_a_yes_no_outcomes_standard_error() {
    // 8% vs 4% of 200 + 200 students. Unclustered: SE 0.2693, p 0.099 (scipy). In 20 + 20
    // clusters with icc 0.2 the design effect eta = 1 + (10 - 1) 0.2 = 2.8 inflates the log odds
    // ratio's variance: SE 0.4503, p 0.324; it never shrinks it.
    let mut input = dichotomous(200.0, 0.08, 200.0, 0.04);
    let plain = effect_size(&input).unwrap();
    close(plain.se, 0.2692686967505972);
    close(plain.p_value, 0.09916404890818108);
    input.clusters = Some(Clusters {
        intervention: 20.0,
        comparison: 20.0,
        icc: 0.2,
    });
    let r = effect_size(&input).unwrap();
    close(r.g, 0.44474613175117156);
    close(r.se, 0.45027301677237946);
    close(r.df, 294.4264082374318);
    close(r.p_value, 0.324098117307726);
    assert!(r.se > plain.se && !r.significant);
    // One student per cluster and icc 0 is no clustering at all: the unclustered result.
    input.clusters = Some(Clusters {
        intervention: 200.0,
        comparison: 200.0,
        icc: 0.0,
    });
    let same = effect_size(&input).unwrap();
    close(same.g, plain.g);
    close(same.se, plain.se);
    close(same.p_value, plain.p_value);
    assert!(same.notes.iter().any(|n| n.contains("no design effect")));
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

fn clustered(m_i: f64, m_c: f64) -> EffectInput {
    let mut input = continuous(200.0, 105.0, 15.0, 200.0, 100.0, 15.0);
    input.clusters = Some(Clusters {
        intervention: m_i,
        comparison: m_c,
        icc: 0.2,
    });
    input
}

#[test]
fn cluster_designs_use_the_cluster_adjusted_effect_and_standard_error() {
    // 200 + 200 students, means 105 and 100, SD 15. Without clusters: g 0.333, p 0.001.
    let plain = effect_size(&continuous(200.0, 105.0, 15.0, 200.0, 100.0, 15.0)).unwrap();
    check(
        &plain,
        Expected {
            g: 0.33270479782107687,
            omega: 0.9981143934632307,
            se: 0.10068945130010618,
            t: 3.304266668704411,
            df: 398.0,
            p: 0.0010385127602061427,
            lo: 0.13475514393225108,
            hi: 0.5306544517099027,
        },
    );
    // In 10 + 10 schools (n = 20, icc 0.2): gamma = 0.9809, eta = 4.8, h = 231.66 (v5.0 E.21),
    // g = omega_h d sqrt(gamma), SE = sqrt(N/(n_i n_c) eta + g^2/(2h)): not significant, and
    // the interval (from the same SE) includes 0.
    let r = effect_size(&clustered(10.0, 10.0)).unwrap();
    assert!(r.cluster_corrected);
    check(
        &r,
        Expected {
            g: 0.3290654334326746,
            omega: 0.9967589653911311,
            se: 0.21962175612315313,
            t: 1.4983280310724352,
            df: 231.65758754863802,
            p: 0.13540944079854042,
            lo: -0.10364591421780706,
            hi: 0.7617767810831562,
        },
    );
    assert!(!r.significant);
    assert!(r.notes.is_empty());
    // One school per arm: p 0.64, and a note that the design is confounded.
    let r = effect_size(&clustered(1.0, 1.0)).unwrap();
    check(
        &r,
        Expected {
            g: 0.2975802177473007,
            omega: 0.9981143934632307,
            se: 0.6388358542897571,
            t: 0.46581639986087425,
            df: 397.99999999999983,
            p: 0.6416017344120142,
            lo: -0.9583342262744677,
            hi: 1.553494661769069,
        },
    );
    assert!(r.notes[0].contains("n = 1 confound"), "{:?}", r.notes);
    // Either arm alone in one school is the confound; two schools in each are not.
    for (m_i, m_c, confounded) in [
        (1.0, 10.0, true),
        (10.0, 1.0, true),
        (2.0, 10.0, false),
        (10.0, 2.0, false),
    ] {
        let r = effect_size(&clustered(m_i, m_c)).unwrap();
        let said = r.notes.iter().any(|n| n.contains("n = 1 confound"));
        assert_eq!(said, confounded, "{m_i} + {m_c} schools: {:?}", r.notes);
    }
    // The unit-SD case: 0.3 vs 0 in 10 + 10 schools.
    let mut unit = continuous(200.0, 0.3, 1.0, 200.0, 0.0, 1.0);
    unit.clusters = Some(Clusters {
        intervention: 10.0,
        comparison: 10.0,
        icc: 0.2,
    });
    let r = effect_size(&unit).unwrap();
    close(r.g, 0.2961588900894072);
    close(r.se, 0.21952063631403854);
    close(r.p_value, 0.17861674536595257);
}

#[test]
fn significance_follows_alpha() {
    let mut input = continuous(120.0, 512.4, 38.2, 115.0, 503.1, 40.5); // p = 0.0732
    input.alpha = 0.10;
    assert!(effect_size(&input).unwrap().significant);
    input.alpha = 0.05;
    assert!(!effect_size(&input).unwrap().significant);
}

#[test]
fn significance_and_direction_at_their_edges() {
    // The WWC counts an effect significant when p < alpha (Handbook 5.0, statistical
    // significance at 0.05): a p-value equal to alpha is not; and an effect of exactly 0 favours
    // no one.
    let mut input = continuous(30.0, 105.0, 15.0, 30.0, 100.0, 15.0);
    let r = effect_size(&input).unwrap();
    input.alpha = r.p_value;
    let at = effect_size(&input).unwrap();
    assert_eq!(at.p_value, input.alpha);
    assert!(!at.significant);
    input.alpha = r.p_value * (1.0 + 1e-12);
    assert!(effect_size(&input).unwrap().significant);
    let none = effect_size(&continuous(30.0, 100.0, 15.0, 30.0, 100.0, 15.0)).unwrap();
    assert_eq!(none.g, 0.0);
    assert!(!none.favorable && none.improvement_index == 0);
}

#[test]
fn degenerate_statistics_are_an_error_not_a_nan() {
    // Standard deviations so small that the pooled SD underflows: no effect, a clear error.
    let e = effect_size(&continuous(30.0, 5.0, 1e-300, 30.0, 5.0, 1e-300)).unwrap_err();
    assert_eq!(e.code, "degenerateStatistics");
    let e = effect_size(&continuous(30.0, 5.0, 1e-300, 30.0, 4.0, 1e-300)).unwrap_err();
    assert_eq!(e.code, "degenerateStatistics");
    // A spread that does not underflow (1e-160 squared is 1e-320, above 0) but is too small for
    // the difference: 2e200 / 1e-160 overflows to an infinite d.
    let e = effect_size(&continuous(30.0, 1e200, 1e-160, 30.0, -1e200, 1e-160)).unwrap_err();
    assert_eq!(e.code, "degenerateStatistics");
    // Said as what it is, not as the later catch-all for a non-finite effect.
    assert!(e.message.contains("no usable spread"), "{}", e.message);
    // A huge but finite difference still gives finite numbers or the same error, never NaN.
    match effect_size(&continuous(30.0, 1e300, 1.0, 30.0, -1e300, 1.0)) {
        Ok(r) => assert!(r.g.is_finite() && r.p_value.is_finite()),
        Err(e) => assert_eq!(e.code, "degenerateStatistics"),
    }
}

fn power(
    design: PowerDesign,
    covariates: f64,
    treated_share: f64,
    alpha: f64,
    power: f64,
) -> PowerResult {
    minimum_detectable_effect(&PowerInput {
        design,
        covariates,
        treated_share,
        alpha,
        power,
    })
}

#[test]
fn mdes_individual_350_students() {
    let r = power(
        PowerDesign::Individual { n: 350.0, r2: 0.0 },
        0.0,
        0.5,
        0.05,
        0.8,
    );
    close(r.mdes, 0.3003438596347091);
    close(r.standard_error, 0.10690449676496976);
    close(r.multiplier, 2.809459552436013);
    assert_eq!(r.df, 348.0);
}

#[test]
fn mdes_twenty_schools_of_fifty() {
    let r = power(
        PowerDesign::Cluster {
            clusters: 20.0,
            cluster_size: 50.0,
            icc: 0.2,
            r2_level1: 0.0,
            r2_level2: 0.0,
        },
        0.0,
        0.5,
        0.05,
        0.8,
    );
    close(r.mdes, 0.6158418969592564);
    close(r.standard_error, 0.20784609690826528);
    close(r.multiplier, 2.962970708230637);
    assert_eq!(r.df, 18.0);
}

#[test]
fn mdes_covariates_take_degrees_of_freedom() {
    // PowerUp!: 6 schools of 25, ICC 0.2, R2 at level 2 of 0.6. With one school-level covariate
    // df = 6 - 1 - 2 = 3 and MDES 1.137; without it df = 4 and 1.016.
    let six = PowerDesign::Cluster {
        clusters: 6.0,
        cluster_size: 25.0,
        icc: 0.2,
        r2_level1: 0.0,
        r2_level2: 0.6,
    };
    let r = power(six, 1.0, 0.5, 0.05, 0.8);
    assert_eq!(r.df, 3.0);
    close(r.mdes, 1.1369794190984963);
    close(r.multiplier, 4.160918617647012);
    close(power(six, 0.0, 0.5, 0.05, 0.8).mdes, 1.0157897064744588);
    let r = power(
        PowerDesign::Individual { n: 1000.0, r2: 0.5 },
        5.0,
        0.3,
        0.01,
        0.9,
    );
    assert_eq!(r.df, 993.0);
    close(r.mdes, 0.1885045740636539);
}

#[test]
fn mdes_with_other_settings() {
    let r = power(
        PowerDesign::Cluster {
            clusters: 40.0,
            cluster_size: 25.0,
            icc: 0.15,
            r2_level1: 0.5,
            r2_level2: 0.7,
        },
        0.0,
        0.4,
        0.1,
        0.9,
    );
    close(r.mdes, 0.24030247175870886);
    close(r.multiplier, 2.9901846640572396);
    let r = power(
        PowerDesign::Individual { n: 1000.0, r2: 0.5 },
        0.0,
        0.3,
        0.01,
        0.9,
    );
    close(r.mdes, 0.1885031505925828);
    close(r.standard_error, 0.048795003647426664);
}

#[test]
fn mdes_stays_exact_and_bounded_for_huge_samples() {
    // From about 3 million students statrs's quantile drifted (2.7925) and then never returned.
    let r = power(
        PowerDesign::Individual { n: 3e7, r2: 0.0 },
        0.0,
        0.5,
        0.05,
        0.8,
    );
    close(r.multiplier, 2.8015853091700493);
    close(r.mdes, 0.0010229943137383473);
    let r = power(
        PowerDesign::Individual { n: 1e9, r2: 0.0 },
        0.0,
        0.5,
        0.05,
        0.8,
    );
    close(r.multiplier, 2.8015852208446805);
}

#[test]
fn t_quantiles_and_p_values_across_degrees_of_freedom() {
    // scipy.stats.t.ppf and 2 t.sf at degrees of freedom around and far past the switch to the expansion.
    for (df, q975, q80, q01) in [
        (
            1001.0,
            1.9623367052808798,
            0.8419804627856796,
            -2.330078937964124,
        ),
        (
            5000.0,
            1.9604385517065073,
            0.8416931276635048,
            -2.3270939177333476,
        ),
        (
            1e5,
            1.9599877075346095,
            0.8416248279969009,
            -2.3263851653552683,
        ),
        (
            3e7,
            1.9599640636157647,
            0.8416212455542786,
            -2.3263479983433224,
        ),
        (
            1e9,
            1.959963986912325,
            0.8416212339323552,
            -2.326347877769915,
        ),
    ] {
        // To 2e-14, not the handbook's 1e-6: past 1000 degrees of freedom the expansion's
        // second-order and later terms move the quantile by 1e-7 and less (a sign slip in g2
        // by 1.2e-7 at 1001, one in g3 by 1.9e-9, in g4's last term by 4.4e-14 at 0.01), and
        // the expansion agrees with scipy to 4e-15 at these probabilities.
        let tight =
            |a: f64, b: f64| assert!((a - b).abs() < 2e-14, "{a} != {b} at {df}: {}", a - b);
        tight(t_quantile(0.975, df), q975);
        tight(t_quantile(0.8, df), q80);
        tight(t_quantile(0.01, df), q01);
    }
    for (df, p25, p03) in [
        (1e6, 0.012419489502163254, 0.7641772179789942),
        (2e7, 0.012419338594064402, 0.7641771587399401),
        (1e9, 0.012419330810402493, 0.7641771556844518),
        // Where statrs's own t would be wrong: 0.012393 at 1e12, 1 at 1e50.
        (1e12, 0.012419330651711118, 0.7641771556221572),
        (1e50, 0.012419330651552277, 0.7641771556220948),
    ] {
        close(two_tailed_p(2.5, df).unwrap(), p25);
        close(two_tailed_p(-0.3, df).unwrap(), p03);
    }
    // One and two degrees of freedom in the far tails (closed forms; statrs saturates there).
    let relative = |a: f64, b: f64| assert!((a / b - 1.0).abs() < 1e-9, "{a} != {b}");
    relative(t_quantile(1.0 - 5e-10, 1.0), 636619719.6934296);
    relative(t_quantile(0.8, 1.0), 1.3763819204711738);
    relative(t_quantile(1.0 - 5e-10, 2.0), 31622.775269726655);
    relative(t_quantile(0.01, 2.0), -6.964556734283274);
    assert_eq!(two_tailed_p(f64::NAN, 10.0), None);
    assert_eq!(two_tailed_p(1.0, f64::NAN), None);
    assert_eq!(two_tailed_p(1.0, 0.0), None);
    assert_eq!(two_tailed_p(f64::INFINITY, 10.0), Some(0.0));
    assert!(t_quantile(1.0, 10.0).is_nan() && t_quantile(0.5, f64::NAN).is_nan());
    assert!(t_quantile(0.0, 1.0).is_nan() && t_quantile(0.0, 10.0).is_nan());
    // Below the expansion's range, statrs's inverse (scipy.stats.t.ppf), both tails: the lower
    // tail is negative for one degree of freedom too.
    for (df, q975, q20) in [
        (1.0, 12.706204736174694, -1.3763819204711736),
        (3.0, 3.1824463052837078, -0.9784723123633038),
        (10.0, 2.228138851986274, -0.8790578285505889),
        (1000.0, 1.9623390808264083, -0.8419808221624284),
    ] {
        close(t_quantile(0.975, df), q975);
        close(t_quantile(0.2, df), q20);
    }
}

#[test]
fn the_normal_quantile_is_defined_strictly_between_0_and_1() {
    // scipy.stats.norm.ppf(0.975) = 1.959963984540054; at 0 and 1 it is infinite, and past them
    // undefined (statrs would panic): NaN for all, so no caller gets an infinite critical value.
    close(normal_quantile(0.975), 1.959963984540054);
    for p in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        assert!(normal_quantile(p).is_nan(), "{p}");
    }
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
    // 0.03 <= 0.05 at rank 2.
    assert_eq!(benjamini_hochberg(&p, 0.05), vec![true, true]);
    // Inclusive: 0.025 and 0.05 sit exactly on 1 x 0.05/2 and 2 x 0.05/2 and both stay.
    assert_eq!(benjamini_hochberg(&[0.05, 0.025], 0.05), vec![true, true]);
    // Step-up, not step-down: 0.04 fails rank 2 (0.0333) but 0.045 passes rank 3 (0.05), so all stay.
    assert_eq!(
        benjamini_hochberg(&[0.04, 0.01, 0.045], 0.05),
        vec![true, true, true]
    );
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
fn attrition_boundaries_are_the_wwc_table_row_by_row() {
    use Boundary::*;
    // An independent transcription of the WWC Standards Handbook 4.1 Table II.1 (both
    // boundaries, every whole percent 0-65); an empty cell means every differential is high.
    let csv = include_str!("../../tests/fixtures/wwc-attrition.csv");
    let mut rows = 0;
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let overall: f64 = cells[0].parse().unwrap();
        for (boundary, cell) in [(Cautious, cells[1]), (Optimistic, cells[2])] {
            let expected: Option<f64> = cell.parse().ok();
            assert_eq!(
                attrition_boundary(overall, boundary),
                expected,
                "{boundary:?} boundary at {overall}% overall"
            );
            // At the boundary attrition is low; a tenth of a point above it, high.
            if let Some(b) = expected {
                let at = |d: f64| {
                    Attrition {
                        overall: overall / 100.0,
                        differential: d / 100.0,
                    }
                    .status(boundary)
                    .low
                };
                assert!(at(b), "{boundary:?} {overall}%: {b} points is low");
                assert!(
                    !at(b + 0.1),
                    "{boundary:?} {overall}%: {} points is high",
                    b + 0.1
                );
            }
        }
        rows += 1;
    }
    assert_eq!(rows, 66);
    // Values the handbook's table gives and linear interpolation between five-point rows did not.
    assert_eq!(attrition_boundary(7.0, Cautious), Some(6.3));
    assert_eq!(attrition_boundary(43.0, Cautious), Some(2.1));
    assert_eq!(attrition_boundary(58.0, Cautious), None);
    assert_eq!(attrition_boundary(65.5, Optimistic), None);
    // Between two rows, the stricter of the two: 42.6% takes 43%'s 2.1; 7.4% takes 6.3.
    assert_eq!(attrition_boundary(42.6, Cautious), Some(2.1));
    assert_eq!(attrition_boundary(7.4, Cautious), Some(6.3));
    assert_eq!(attrition_boundary(57.5, Cautious), None);
    assert_eq!(attrition_boundary(0.5, Optimistic), Some(10.0));
}

#[test]
fn attrition_examples_that_interpolation_got_wrong() {
    // 7% overall with 6.25 points differential is low (boundary 6.3); 43% with 2.11 is high (2.1).
    let low = Attrition {
        overall: 0.07,
        differential: 0.0625,
    }
    .status(Boundary::Cautious);
    assert!(low.low);
    // A fraction, as the overall and differential rates are: 6.3 points.
    assert_eq!(low.boundary, Some(0.063));
    let high = Attrition {
        overall: 0.43,
        differential: 0.0211,
    }
    .status(Boundary::Cautious);
    assert!(!high.low);
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
        .map(|e| (e.path.clone(), e.code.as_str()))
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
    close(r.p_value, 0.17861674536595257); // icc defaults to 0.20
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
    // And at 0: the log odds of 0 is as infinite as that of 1.
    assert_eq!(
        errors_of(
            json!({ "kind": "dichotomous", "intervention": { "n": 10, "proportion": 0.5 }, "comparison": { "n": 10, "proportion": 0 } })
        ),
        vec![("comparison.proportion".into(), "outOfRange")]
    );
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
    // A group past a billion students is refused as well as one below 2.
    assert_eq!(
        errors_of(
            json!({ "kind": "continuous", "intervention": { "n": 1_000_000_001u64, "mean": 1, "sd": 1 }, "comparison": { "n": 1_000_000_000u64, "mean": 1, "sd": 1 } })
        ),
        vec![("intervention.n".into(), "outOfRange")]
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
    // Covariates' shares of variance, from PowerUp!'s IRA and CRA2_2 formulas (scipy):
    // 2.8 x sqrt((1 - 0.5) / (0.25 x 350)) with df 348, and with R2 0.5 within and 0.6 between
    // schools (swapped they would give 0.4322).
    let r = minimum_detectable_effect_json(&json!({ "design": "individual", "n": 350, "r2": 0.5 }))
        .unwrap();
    close(r.mdes, 0.21237517983544338);
    let r = minimum_detectable_effect_json(&json!({
        "design": "cluster", "clusters": 20, "clusterSize": 50, "icc": 0.2,
        "r2Level1": 0.5, "r2Level2": 0.6
    }))
    .unwrap();
    close(r.mdes, 0.39308248416058517);
    for r2 in [json!(1), json!(-0.1)] {
        let e =
            minimum_detectable_effect_json(&json!({ "design": "individual", "n": 350, "r2": r2 }))
                .unwrap_err();
        assert_eq!(e.field_errors()[0].path, "r2");
    }
    let e = minimum_detectable_effect_json(
        &json!({ "design": "cluster", "clusters": 20, "clusterSize": 50, "icc": 0.2, "r2Level2": 1 }),
    )
    .unwrap_err();
    assert_eq!(e.field_errors()[0].path, "r2Level2");
    let e = minimum_detectable_effect_json(
        &json!({ "design": "cluster", "clusters": 2, "clusterSize": 50, "icc": 0.2, "n": 3 }),
    )
    .unwrap_err();
    let got: Vec<_> = e
        .field_errors()
        .iter()
        .map(|e| (e.path.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(got, vec![("n", "unknownField"), ("clusters", "outOfRange")]);
    let e =
        minimum_detectable_effect_json(&json!({ "design": "individual", "n": 350, "power": 1 }))
            .unwrap_err();
    assert_eq!(e.field_errors()[0].path, "power");
    // A power at or below alpha/2 would give a negative MDES.
    let e =
        minimum_detectable_effect_json(&json!({ "design": "individual", "n": 350, "power": 0.01 }))
            .unwrap_err();
    assert_eq!(e.field_errors()[0].path, "power");
    // Just above alpha/2 the multiplier is small but positive: t(0.975, 348) + t(0.03, 348)
    // = 0.0799 (scipy), MDES 0.00854. At alpha/2 exactly it is 0, and refused.
    let r =
        minimum_detectable_effect_json(&json!({ "design": "individual", "n": 350, "power": 0.03 }))
            .unwrap();
    close(r.multiplier, 0.07986013973594419);
    close(r.mdes, 0.008537408050051279);
    let e = minimum_detectable_effect_json(
        &json!({ "design": "individual", "n": 350, "alpha": 0.1, "power": 0.05 }),
    )
    .unwrap_err();
    assert_eq!(e.field_errors()[0].path, "power");
    // Three students, alpha 1e-9: df 1, multiplier 6.37e8 (scipy), not statrs's saturated 7.7e7.
    let r =
        minimum_detectable_effect_json(&json!({ "design": "individual", "n": 3, "alpha": 1e-9 }))
            .unwrap();
    assert!(
        (r.multiplier / 636619721.0698115 - 1.0).abs() < 1e-9,
        "{}",
        r.multiplier
    );
}
