//! The ASIC market: the price of new machines moves with hashprice, the
//! efficiency frontier falls year by year towards an engineering floor,
//! and the manufacturers' output limits what can be delivered. Orders
//! join one order book: the manufacturers work through it at
//! `asics.supply_ehs_per_year`, so an order waits for the ones before it
//! (never less than `asics.delivery_days`), and machines cost more while
//! the book is long (a scarcity premium of the backlog in years: a book a
//! year long doubles the price).
//!
//! ```
//! use hashflight::market::asics::AsicMarket;
//! use hashflight::scenario::Scenario;
//! let s = Scenario::load("baseline", &[]).unwrap();
//! let m = AsicMarket::new(s.market().asics.clone());
//! // At half the reference hashprice, machines cost half as much.
//! assert!((m.usd_per_th(39.8 / 2.0) - 10.3 / 2.0).abs() < 1e-9);
//! // The frontier closes 10 % of its gap to the 5 J/TH floor a year…
//! assert!((m.frontier_j_per_th(365.25) - (5.0 + 8.5 * 0.9)).abs() < 1e-9);
//! // …and never passes it.
//! assert!(m.frontier_j_per_th(365.25 * 500.0) >= 5.0);
//! // Machines come in yearly generations.
//! assert_eq!(m.generation_j_per_th(364), 13.5);
//! assert!((m.generation_j_per_th(400) - (5.0 + 8.5 * 0.9)).abs() < 1e-9);
//!
//! // An order of half a year's output waits for the ones before it.
//! let mut m = m;
//! let half_year_ths = 200.0 * 1e6;
//! let first = m.quote(0, half_year_ths);
//! assert_eq!(first.delivery_day, 183); // 365.25 / 2, rounded up
//! m.book(first);
//! assert_eq!(m.quote(0, half_year_ths).delivery_day, 366);
//! // Half a year of backlog: machines cost 1.5 times as much.
//! assert!((m.price_usd_per_th(39.8, 0) - 10.3 * 1.5).abs() < 1e-9);
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
    /// Day (fractional) the manufacturers finish the order book.
    book_end_day: f64,
}

/// When an order would arrive, and where it leaves the order book.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quote {
    /// Day the machines start hashing.
    pub delivery_day: u32,
    /// Day the order book is finished once this order joins it.
    pub book_end_day: f64,
}

impl AsicMarket {
    /// The market of a scenario, with an empty order book.
    pub fn new(spec: AsicParams) -> Self {
        Self {
            spec,
            book_end_day: 0.0,
        }
    }

    /// The market with `ths` TH/s already in the order book (machines on
    /// order at the start of a run).
    pub fn with_backlog(spec: AsicParams, ths: f64) -> Self {
        let mut m = Self::new(spec);
        let q = m.quote(0, ths);
        m.book(q);
        m
    }

    /// Manufacturers' output, TH/s a day.
    fn output_ths_per_day(&self) -> f64 {
        self.spec.supply_ehs_per_year * crate::units::THS_PER_EHS / DAYS_PER_YEAR
    }

    /// Years of output already ordered and not yet made, on `day`.
    pub fn backlog_years(&self, day: u32) -> f64 {
        (self.book_end_day - day as f64).max(0.0) / DAYS_PER_YEAR
    }

    /// When `ths` TH/s ordered on `day` would arrive: once the book before
    /// it and the order itself are made, and never before
    /// `asics.delivery_days`.
    pub fn quote(&self, day: u32, ths: f64) -> Quote {
        let rate = self.output_ths_per_day();
        let made = if rate > 0.0 {
            self.book_end_day.max(day as f64) + ths / rate
        } else {
            f64::INFINITY
        };
        let earliest = day.saturating_add(self.spec.delivery_days);
        Quote {
            delivery_day: (made.ceil().min(u32::MAX as f64) as u32).max(earliest),
            book_end_day: made,
        }
    }

    /// Puts a quoted order in the book.
    pub fn book(&mut self, quote: Quote) {
        self.book_end_day = self.book_end_day.max(quote.book_end_day);
    }

    /// Price of frontier machines ordered on `day` at this hashprice,
    /// USD/TH: [`Self::usd_per_th`] with the scarcity premium of the
    /// backlog (× (1 + years of backlog)). Est.: in May 2021, with
    /// manufacturers sold out about six months ahead, machines cost
    /// $119/TH at a hashprice of about $330/PH/day; in Dec 2022, with no
    /// queue, $15.7/TH at about $61 — 1.4 times as much per unit of
    /// hashprice with half a year of backlog (CALIBRATION.md, hardware).
    pub fn price_usd_per_th(&self, hashprice_usd_per_ph_day: f64, day: u32) -> f64 {
        self.usd_per_th(hashprice_usd_per_ph_day) * (1.0 + self.backlog_years(day))
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
