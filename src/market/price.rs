//! The BTC/USD price, stepped once a day: constant, geometric Brownian
//! motion, regime-switching GBM or a daily path, with scheduled shocks on
//! top.

use std::sync::Arc;

use rand::RngExt;
use rand_distr::StandardNormal;

use serde::{Deserialize, Serialize};

use crate::units::{DAYS_PER_YEAR, MAX_BTC_PRICE_USD};

/// A daily price process (the scenario's `btc_price.model`, with a path's
/// prices read).
#[derive(Clone, Debug, PartialEq)]
pub enum PriceProcess {
    /// The price never moves (except by shocks).
    Constant,
    /// Geometric Brownian motion.
    Gbm {
        /// Expected log-return per year.
        drift_per_year: f64,
        /// Annualised volatility.
        volatility_per_year: f64,
    },
    /// GBM whose drift and volatility switch between regimes (at least
    /// one).
    RegimeSwitching {
        /// The regimes, in the order they follow each other.
        regimes: Vec<Regime>,
    },
    /// One price per day of the run (at least one).
    Path(Arc<Vec<f64>>),
}

/// One regime of a regime-switching price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    /// Expected log-return per year.
    pub drift_per_year: f64,
    /// Annualised volatility.
    pub volatility_per_year: f64,
    /// Mean length of the regime, days.
    pub mean_days: f64,
}

/// The BTC price process of a run.
#[derive(Clone, Debug)]
pub struct BtcPrice {
    usd: f64,
    model: PriceProcess,
    /// (day, factor), sorted by day.
    shocks: Vec<(u32, f64)>,
    /// Product of the shocks so far (a path's prices are scaled by it).
    shock_factor: f64,
    /// The regime of a regime-switching model.
    regime: usize,
}

impl BtcPrice {
    /// A price starting at `initial_usd` (or a path's first day).
    pub fn new(initial_usd: f64, model: PriceProcess, mut shocks: Vec<(u32, f64)>) -> Self {
        shocks.sort_by_key(|s| s.0);
        let usd = match &model {
            PriceProcess::Path(p) => p.first().copied().unwrap_or(initial_usd),
            _ => initial_usd,
        };
        let mut p = Self {
            usd,
            model,
            shocks,
            shock_factor: 1.0,
            regime: 0,
        };
        p.apply_shocks(0);
        p
    }

    /// The regime a regime-switching price is in (0 otherwise).
    pub fn regime(&self) -> usize {
        self.regime
    }

    /// Today's price, USD.
    pub fn usd(&self) -> f64 {
        self.usd
    }

    /// Moves the price to the start of `day` (called for day 1, 2, …).
    pub fn step(&mut self, day: u32, rng: &mut impl rand::Rng) {
        let (mu, sigma) = match &self.model {
            PriceProcess::Constant => (0.0, 0.0),
            PriceProcess::Gbm {
                drift_per_year,
                volatility_per_year,
            } => (*drift_per_year, *volatility_per_year),
            PriceProcess::RegimeSwitching { regimes } => {
                // The regime of the day that starts: the previous one ends
                // with probability 1/mean_days.
                let u: f64 = rng.random();
                if u < 1.0 / regimes[self.regime].mean_days {
                    self.regime = (self.regime + 1) % regimes.len();
                }
                let r = &regimes[self.regime];
                (r.drift_per_year, r.volatility_per_year)
            }
            PriceProcess::Path(path) => {
                // Past the path's end the last price holds.
                if let Some(&usd) = path.get(day as usize).or(path.last()) {
                    self.usd = usd * self.shock_factor;
                }
                self.apply_shocks(day);
                return;
            }
        };
        if sigma > 0.0 || mu != 0.0 {
            let dt = 1.0 / DAYS_PER_YEAR;
            let z: f64 = rng.sample(StandardNormal);
            self.usd *= ((mu - 0.5 * sigma * sigma) * dt + sigma * dt.sqrt() * z).exp();
        }
        self.apply_shocks(day);
    }

    fn apply_shocks(&mut self, day: u32) {
        for &(_, factor) in self.shocks.iter().filter(|s| s.0 == day) {
            self.usd *= factor;
            self.shock_factor = (self.shock_factor * factor).min(MAX_BTC_PRICE_USD);
        }
        // Held at the cap (never infinite, so never NaN after a fall).
        self.usd = self.usd.min(MAX_BTC_PRICE_USD);
    }

    /// Whether today's price is held at [`MAX_BTC_PRICE_USD`].
    pub fn at_cap(&self) -> bool {
        self.usd >= MAX_BTC_PRICE_USD
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// A random stream as the run's are made (`state::rng::stream`).
    fn stream(seed: u64, stream: u64) -> rand_chacha::ChaCha8Rng {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        rng
    }

    #[test]
    fn regimes_alternate_with_their_mean_lengths() {
        let model = PriceProcess::RegimeSwitching {
            regimes: vec![
                Regime {
                    drift_per_year: 1.0,
                    volatility_per_year: 0.0,
                    mean_days: 50.0,
                },
                Regime {
                    drift_per_year: -1.0,
                    volatility_per_year: 0.0,
                    mean_days: 200.0,
                },
            ],
        };
        let mut p = BtcPrice::new(100.0, model, vec![]);
        let mut rng = stream(3, 2);
        let (mut in_first, mut switches, mut last) = (0u32, 0u32, 0);
        let days = 200_000;
        for d in 1..=days {
            let before = p.usd();
            p.step(d, &mut rng);
            // Zero volatility: the price moves by the regime's drift exactly.
            let expected = if p.regime() == 0 { 1.0 } else { -1.0 } / DAYS_PER_YEAR;
            assert!(((p.usd() / before).ln() - expected).abs() < 1e-12);
            in_first += (p.regime() == 0) as u32;
            switches += (p.regime() != last) as u32;
            last = p.regime();
            // Keep the level bounded for the test's arithmetic.
            if p.usd() > 1e6 || p.usd() < 1e-6 {
                p = BtcPrice { usd: 100.0, ..p };
            }
        }
        // Time shares 50/250 and 200/250; a cycle every 250 days.
        let share = in_first as f64 / days as f64;
        assert!((share - 0.2).abs() < 0.02, "{share}");
        let cycles = switches as f64 / 2.0;
        assert!((cycles - days as f64 / 250.0).abs() < 60.0, "{cycles}");
    }

    #[test]
    fn a_path_is_followed_and_shocks_scale_it() {
        let path = Arc::new(vec![10.0, 20.0, 30.0, 40.0]);
        let mut p = BtcPrice::new(1.0, PriceProcess::Path(path), vec![(2, 0.5)]);
        let mut rng = stream(1, 2);
        assert_eq!(p.usd(), 10.0);
        let mut seen = vec![];
        for d in 1..4 {
            p.step(d, &mut rng);
            seen.push(p.usd());
        }
        assert_eq!(seen, [20.0, 15.0, 20.0]);
    }

    #[test]
    fn gbm_has_the_stated_log_drift_and_volatility() {
        let (mu, sigma) = (0.2, 0.6);
        let mut rng = stream(7, 1);
        let years = 2000.0;
        let days = (years * DAYS_PER_YEAR) as u32;
        let mut p = BtcPrice::new(
            1.0,
            PriceProcess::Gbm {
                drift_per_year: mu,
                volatility_per_year: sigma,
            },
            vec![],
        );
        let mut logs = Vec::with_capacity(days as usize);
        let mut last = 0.0f64;
        for d in 1..=days {
            p.step(d, &mut rng);
            let l = p.usd().ln();
            logs.push(l - last);
            last = l;
        }
        let n = logs.len() as f64;
        let mean = logs.iter().sum::<f64>() / n * DAYS_PER_YEAR;
        let var = logs
            .iter()
            .map(|x| (x - mean / DAYS_PER_YEAR).powi(2))
            .sum::<f64>()
            / n
            * DAYS_PER_YEAR;
        // Log drift μ − σ²/2 = 0.02/y; its standard error over 2000 y is σ/√2000 ≈ 0.013.
        assert!(
            (mean - (mu - sigma * sigma / 2.0)).abs() < 0.04,
            "mean {mean}"
        );
        assert!((var.sqrt() - sigma).abs() < 0.01, "vol {}", var.sqrt());
    }
}
