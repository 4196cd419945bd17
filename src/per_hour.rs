//! Growth per hour of use: the return on the minutes a group of students spent in the product.
//!
//! For a group with outcomes m_i and hours of use h_i (minutes / 60), the growth per hour is
//! the ratio estimate R = sum m / sum h: the growth the group's hours bought, each hour
//! counting alike. (A mean of each student's own m_i / h_i would be ruled by the students with
//! a few minutes, whose ratios are huge or undefined.) Its standard error is the ratio
//! estimator's (Cochran, *Sampling Techniques*, 3rd ed., 1977, section 6.4, eq. 6.13, without
//! the finite-population correction, the roster being a sample of the students the product
//! would serve): se(R) = sqrt(sum (m_i - R h_i)^2 / (n - 1) / n) / mean h, and the interval is
//! R +/- t(0.975, n - 1) se(R). The sums are kept as centred co-moments (Welford's update) so
//! that the residual sum of squares does not cancel away.

use crate::stats::t_quantile;
use serde::Serialize;

/// Fewest hours of use, the group's students together, behind a rate: below an hour a rate
/// per hour divides by nearly nothing (a roster's 1e-300 minutes made it infinite, and its
/// interval's squares overflow).
pub const MIN_TOTAL_HOURS: f64 = 1.0;

/// The running moments of a group's (outcome, hours) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Moments {
    n: u64,
    mean_m: f64,
    mean_h: f64,
    c_mm: f64,
    c_hh: f64,
    c_mh: f64,
}

impl Moments {
    /// One student's outcome and hours of use.
    pub fn see(&mut self, m: f64, h: f64) {
        self.n += 1;
        let n = self.n as f64;
        let (dm, dh) = (m - self.mean_m, h - self.mean_h);
        self.mean_m += dm / n;
        self.mean_h += dh / n;
        // (x - old mean) (y - new mean): Welford's co-moment update.
        self.c_mm += dm * (m - self.mean_m);
        self.c_hh += dh * (h - self.mean_h);
        self.c_mh += dm * (h - self.mean_h);
    }

    /// Adds another group's moments (Chan, Golub & LeVeque's pairwise update).
    pub fn merge(&mut self, o: &Moments) {
        if o.n == 0 {
            return;
        }
        let (na, nb) = (self.n as f64, o.n as f64);
        let n = na + nb;
        let (dm, dh) = (o.mean_m - self.mean_m, o.mean_h - self.mean_h);
        let w = na * nb / n;
        self.c_mm += o.c_mm + dm * dm * w;
        self.c_hh += o.c_hh + dh * dh * w;
        self.c_mh += o.c_mh + dm * dh * w;
        self.mean_m += dm * nb / n;
        self.mean_h += dh * nb / n;
        self.n += o.n;
    }

    /// The growth per hour with its 95% interval; None without students or with fewer than
    /// [`MIN_TOTAL_HOURS`] of use in all. With at least an hour, |R| is at most the roster's
    /// largest sum of outcomes (10^7 students x 2 x 10^12), so every square below is finite.
    pub fn per_hour(&self) -> Option<PerHour> {
        if self.n == 0 || self.mean_h * (self.n as f64) < MIN_TOTAL_HOURS {
            return None;
        }
        let r = self.mean_m / self.mean_h;
        let n = self.n as f64;
        let (ci_lower, ci_upper) = if self.n >= 2 {
            // sum (m - R h)^2 = Cmm - 2 R Cmh + R^2 Chh, since mean m - R mean h = 0.
            let residual = (self.c_mm - 2.0 * r * self.c_mh + r * r * self.c_hh).max(0.0);
            let se = (residual / (n - 1.0) / n).sqrt() / self.mean_h;
            let t = t_quantile(0.975, n - 1.0);
            (Some(r - t * se), Some(r + t * se))
        } else {
            (None, None)
        };
        Some(PerHour {
            n: self.n,
            mean_hours: self.mean_h,
            per_hour: r,
            ci_lower,
            ci_upper,
        })
    }

    /// The students seen.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Their mean hours of use.
    pub fn mean_hours(&self) -> f64 {
        self.mean_h
    }
}

/// A group's growth per hour of use.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PerHour {
    /// Students with an outcome.
    pub n: u64,
    /// Their mean hours of use.
    pub mean_hours: f64,
    /// The metric per hour of use (sum of the metric / sum of the hours).
    pub per_hour: f64,
    /// The 95% interval (t with n - 1 degrees of freedom); null for one student.
    pub ci_lower: Option<f64>,
    pub ci_upper: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked apart from the code (Python with scipy, from the formula in the module's
    /// comment): outcomes 5, 8, 2, 11, 6 with 10, 12, 4, 20, 9 hours: R = 32 / 55 = 0.581818,
    /// residuals m - R h: -0.818182, 1.018182, -0.327273, -0.636364, 0.763636, their squares
    /// summing to 2.801322; se = sqrt(2.801322 / 4 / 5) / 11 = 0.034023; t(0.975, 4) =
    /// 2.776445; the interval 0.487355 to 0.676281.
    #[test]
    fn a_ratio_and_its_interval_by_hand() {
        let mut m = Moments::default();
        for (g, h) in [
            (5.0, 10.0),
            (8.0, 12.0),
            (2.0, 4.0),
            (11.0, 20.0),
            (6.0, 9.0),
        ] {
            m.see(g, h);
        }
        let p = m.per_hour().unwrap();
        assert_eq!(p.n, 5);
        assert!((p.mean_hours - 11.0).abs() < 1e-12);
        assert!((p.per_hour - 32.0 / 55.0).abs() < 1e-12);
        let residual: f64 = [
            (5.0, 10.0),
            (8.0, 12.0),
            (2.0, 4.0),
            (11.0, 20.0),
            (6.0, 9.0),
        ]
        .iter()
        .map(|(g, h)| (g - 32.0 / 55.0 * h) * (g - 32.0 / 55.0 * h))
        .sum();
        assert!((residual - 2.801322314049588).abs() < 1e-9);
        let se = (residual / 4.0 / 5.0).sqrt() / 11.0;
        assert!((se - 0.03402309809750902).abs() < 1e-12, "{se}");
        assert!(
            (p.ci_lower.unwrap() - 0.4873549176416885).abs() < 1e-9,
            "{:?}",
            p.ci_lower
        );
        assert!(
            (p.ci_upper.unwrap() - 0.6762814459946751).abs() < 1e-9,
            "{:?}",
            p.ci_upper
        );
    }

    #[test]
    fn merged_groups_equal_one_group() {
        let pairs = [
            (5.0, 10.0),
            (8.0, 12.0),
            (2.0, 4.0),
            (11.0, 20.0),
            (6.0, 9.0),
        ];
        let mut whole = Moments::default();
        let (mut a, mut b) = (Moments::default(), Moments::default());
        for (i, (g, h)) in pairs.iter().enumerate() {
            whole.see(*g, *h);
            // Groups of different mean hours (11 and 11 would leave their cross terms unseen).
            if i < 3 {
                a.see(*g, *h)
            } else {
                b.see(*g, *h)
            }
        }
        a.merge(&b);
        a.merge(&Moments::default());
        let (x, y) = (a.per_hour().unwrap(), whole.per_hour().unwrap());
        assert_eq!(x.n, 5);
        for (u, v) in [
            (x.per_hour, y.per_hour),
            (x.mean_hours, y.mean_hours),
            (x.ci_lower.unwrap(), y.ci_lower.unwrap()),
            (x.ci_upper.unwrap(), y.ci_upper.unwrap()),
        ] {
            assert!((u - v).abs() < 1e-12, "{u} {v}");
        }
        let mut empty = Moments::default();
        empty.merge(&whole);
        assert_eq!(empty.per_hour(), whole.per_hour());
    }

    #[test]
    fn no_hours_no_rate_and_one_student_no_interval() {
        let mut m = Moments::default();
        assert_eq!(m.per_hour(), None);
        m.see(4.0, 0.0);
        assert_eq!(m.per_hour(), None);
        let mut one = Moments::default();
        one.see(4.0, 2.0);
        let p = one.per_hour().unwrap();
        assert_eq!((p.per_hour, p.ci_lower, p.ci_upper), (2.0, None, None));
        // Large, nearly proportional values: the interval stays true to its residuals.
        let mut big = Moments::default();
        for (g, h) in [(1e6 + 1.0, 1e6), (2e6 - 1.0, 2e6), (3e6 + 1.0, 3e6)] {
            big.see(g, h);
        }
        let p = big.per_hour().unwrap();
        let r = (6e6 + 1.0) / 6e6;
        assert!((p.per_hour - r).abs() < 1e-12);
        let residual: f64 = [(1e6 + 1.0, 1e6), (2e6 - 1.0, 2e6), (3e6 + 1.0, 3e6)]
            .iter()
            .map(|(g, h): &(f64, f64)| (g - r * h).powi(2))
            .sum();
        let se = (residual / 2.0 / 3.0).sqrt() / 2e6;
        assert!((p.ci_upper.unwrap() - r - t_quantile(0.975, 2.0) * se).abs() < 1e-9);
    }

    /// A rate needs an hour of use in all (fourth attack: 1e-300 minutes made an infinite
    /// rate, and the evaluation an internal error): 12 students at 5 minutes (exactly an hour)
    /// have one, 12 at 4.99 and 12 at 1e-300 do not.
    #[test]
    fn a_rate_needs_an_hour_of_use_in_all() {
        let group = |minutes: f64| {
            let mut m = Moments::default();
            for k in 0..12 {
                m.see(if k % 2 == 0 { -1e12 } else { 1e12 }, minutes / 60.0);
            }
            m.per_hour()
        };
        let p = group(5.0).unwrap();
        assert_eq!(p.n, 12);
        assert_eq!(p.per_hour, 0.0);
        assert!(p.ci_upper.unwrap().is_finite() && p.ci_upper.unwrap() > 1e12);
        assert_eq!(group(4.99), None);
        assert_eq!(group(1e-300), None);
    }
}
