//! Summary statistics over seeds: mean, median and quantiles.
//!
//! ```
//! use hashflight::metrics::stats::{quantile, Spread};
//! assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), 3.0);
//! let s = Spread::of(&[3.0, 1.0, 2.0]);
//! assert_eq!((s.mean, s.median), (2.0, 2.0));
//! ```

/// The q-quantile of sorted values, interpolating linearly between order
/// statistics (R's type 7, numpy's default). NaN for no values.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Mean, standard deviation, median and the 5, 25, 75 and 95 % quantiles
/// of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (n − 1; NaN under two values).
    pub sd: f64,
    /// Median.
    pub median: f64,
    /// 5 % quantile.
    pub p05: f64,
    /// 25 % quantile.
    pub p25: f64,
    /// 75 % quantile.
    pub p75: f64,
    /// 95 % quantile.
    pub p95: f64,
}

impl Spread {
    /// The spread of the finite values in `values`.
    pub fn of(values: &[f64]) -> Self {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len() as f64;
        let mean = if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / n
        };
        Self {
            mean,
            sd: if v.len() > 1 {
                (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
            } else {
                f64::NAN
            },
            median: quantile(&v, 0.5),
            p05: quantile(&v, 0.05),
            p25: quantile(&v, 0.25),
            p75: quantile(&v, 0.75),
            p95: quantile(&v, 0.95),
        }
    }

    /// Mean, sd, median, p05, p25, p75, p95, in that order.
    pub fn all(&self) -> [f64; 7] {
        [
            self.mean,
            self.sd,
            self.median,
            self.p05,
            self.p25,
            self.p75,
            self.p95,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_of_a_sample() {
        let s = Spread::of(&[1.0, 2.0, 3.0, 4.0, f64::NAN]);
        assert_eq!((s.mean, s.median), (2.5, 2.5));
        assert!((s.sd - 1.290_994_448_735_805_6).abs() < 1e-12);
        assert_eq!((s.p25, s.p75), (1.75, 3.25));
        assert!(Spread::of(&[f64::NAN]).mean.is_nan());
        assert!(Spread::of(&[1.0]).sd.is_nan());
    }
}
