//! The BTC/USD price, stepped once a day.

use rand::RngExt;
use rand_distr::StandardNormal;

use crate::scenario::schema::PriceModel;

/// Days per year for annualised rates.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// The BTC price process of a run.
#[derive(Clone, Debug)]
pub struct BtcPrice {
    usd: f64,
    model: PriceModel,
    /// (day, factor), sorted by day.
    shocks: Vec<(u32, f64)>,
}

impl BtcPrice {
    /// A price starting at `initial_usd`.
    pub fn new(initial_usd: f64, model: PriceModel, mut shocks: Vec<(u32, f64)>) -> Self {
        shocks.sort_by_key(|s| s.0);
        let mut p = Self {
            usd: initial_usd,
            model,
            shocks,
        };
        p.apply_shocks(0);
        p
    }

    /// Today's price, USD.
    pub fn usd(&self) -> f64 {
        self.usd
    }

    /// Moves the price to the start of `day` (called for day 1, 2, …).
    pub fn step(&mut self, day: u32, rng: &mut impl rand::Rng) {
        if let PriceModel::Gbm {
            drift_per_year,
            volatility_per_year,
        } = self.model
        {
            let dt = 1.0 / DAYS_PER_YEAR;
            let z: f64 = rng.sample(StandardNormal);
            let sigma = volatility_per_year;
            self.usd *= ((drift_per_year - 0.5 * sigma * sigma) * dt + sigma * dt.sqrt() * z).exp();
        }
        self.apply_shocks(day);
    }

    fn apply_shocks(&mut self, day: u32) {
        for &(_, factor) in self.shocks.iter().filter(|s| s.0 == day) {
            self.usd *= factor;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbm_has_the_stated_log_drift_and_volatility() {
        let (mu, sigma) = (0.2, 0.6);
        let mut rng = crate::sim::rng::stream(7, 1);
        let years = 2000.0;
        let days = (years * DAYS_PER_YEAR) as u32;
        let mut p = BtcPrice::new(
            1.0,
            PriceModel::Gbm {
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
