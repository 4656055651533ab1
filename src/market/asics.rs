//! The ASIC market: the price of new machines moves with hashprice, the
//! efficiency frontier falls year by year towards an engineering floor,
//! and the manufacturers' output limits what can be delivered.
//!
//! ```
//! use hashflight::market::asics::AsicMarket;
//! use hashflight::scenario::Scenario;
//! let s = Scenario::load("baseline", &[]).unwrap();
//! let m = AsicMarket::new(s.market().asics.clone());
//! // At half the reference hashprice, machines cost half as much.
//! assert!((m.usd_per_th(39.8 / 2.0) - 25.7 / 2.0).abs() < 1e-9);
//! // The frontier closes 10 % of its gap to the 5 J/TH floor a year…
//! assert!((m.frontier_j_per_th(365.25) - (5.0 + 8.5 * 0.9)).abs() < 1e-9);
//! // …and never passes it.
//! assert!(m.frontier_j_per_th(365.25 * 500.0) >= 5.0);
//! // Machines come in yearly generations.
//! assert_eq!(m.generation_j_per_th(364), 13.5);
//! assert!((m.generation_j_per_th(400) - (5.0 + 8.5 * 0.9)).abs() < 1e-9);
//! ```

use crate::units::DAYS_PER_YEAR;

/// The ASIC market's parameters (the scenario's `asics` section documents
/// each).
#[derive(Clone, Debug, PartialEq)]
pub struct AsicParams {
    /// Price of frontier machines at the reference hashprice, USD/TH.
    pub usd_per_th: f64,
    /// The hashprice at which `usd_per_th` holds, USD/PH/day.
    pub reference_hashprice_usd_per_ph_day: f64,
    /// Efficiency of the newest machines on day 0, J/TH.
    pub frontier_j_per_th: f64,
    /// Share of the gap to the floor the frontier closes each year.
    pub frontier_decline_per_year: f64,
    /// The engineering floor of efficiency, J/TH.
    pub frontier_floor_j_per_th: f64,
    /// Days from order to hashing.
    pub delivery_days: u32,
    /// Manufacturers' output, EH/s a year.
    pub supply_ehs_per_year: f64,
    /// Years a machine is expected to earn.
    pub life_years: f64,
}

/// The ASIC market of a run.
#[derive(Clone, Debug)]
pub struct AsicMarket {
    spec: AsicParams,
}

impl AsicMarket {
    /// The market of a scenario.
    pub fn new(spec: AsicParams) -> Self {
        Self { spec }
    }

    /// Its parameters.
    pub fn params(&self) -> &AsicParams {
        &self.spec
    }

    /// Price of frontier machines at this hashprice, USD/TH.
    pub fn usd_per_th(&self, hashprice_usd_per_ph_day: f64) -> f64 {
        self.spec.usd_per_th * hashprice_usd_per_ph_day.max(0.0)
            / self.spec.reference_hashprice_usd_per_ph_day
    }

    /// Efficiency of the newest machines on `day` (fractional days allowed),
    /// J/TH: the frontier falls continuously towards its floor.
    pub fn frontier_j_per_th(&self, day: f64) -> f64 {
        let floor = self.spec.frontier_floor_j_per_th;
        floor
            + (self.spec.frontier_j_per_th - floor)
                * (1.0 - self.spec.frontier_decline_per_year).powf(day / DAYS_PER_YEAR)
    }

    /// Efficiency of the machines one can buy on `day`, J/TH: a new
    /// generation comes out at the start of each year of the run.
    pub fn generation_j_per_th(&self, day: u32) -> f64 {
        self.frontier_j_per_th((day as f64 / DAYS_PER_YEAR).floor() * DAYS_PER_YEAR)
    }
}
