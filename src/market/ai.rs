//! The AI/HPC market miners face: tenant demand for miners' sites (critical
//! MW), the lease rate it pays, the GPU rental price, and scheduled shocks.
//!
//! Demand grows linearly from its day-0 level; the lease rate follows its
//! trend and scales with how much demand is still unmet, as (unmet MW /
//! day-0 demand)^elasticity within ×0.5–×2: a market that fills up pays
//! less, one that runs ahead of supply pays more.
//!
//! ```
//! use hashflight::market::ai::AiMarket;
//! use hashflight::scenario::Scenario;
//! let s = Scenario::load("baseline", &[]).unwrap();
//! let mut m = AiMarket::new(s.market().ai.clone());
//! m.update(0, 0.0);
//! assert_eq!(m.lease_usd_per_kw_month(), 150.0);
//! // Once miners supply all the demand, rates fall to half.
//! m.update(0, 1000.0);
//! assert_eq!(m.lease_usd_per_kw_month(), 75.0);
//! ```

use crate::units::DAYS_PER_YEAR;

/// The AI market's parameters (the scenario's `ai` section documents
/// each).
#[derive(Clone, Debug, PartialEq)]
pub struct AiParams {
    /// Whether miners may convert or sell sites to AI at all.
    pub enabled: bool,
    /// Critical IT MW per gross MW of a converted site.
    pub critical_it_share: f64,
    /// Tenant demand for miners' sites on day 0, critical MW.
    pub tenant_demand_mw: f64,
    /// Growth of tenant demand, critical MW per year.
    pub demand_growth_mw_per_year: f64,
    /// Lease rate on day 0, USD per critical kW per month.
    pub lease_usd_per_kw_month: f64,
    /// Trend of the lease rate per year.
    pub lease_growth_per_year: f64,
    /// Exponent of the lease rate's response to unmet demand.
    pub lease_elasticity: f64,
    /// Net operating income over lease revenue.
    pub noi_margin: f64,
    /// Conversion capex, USD per critical MW (excluding GPUs).
    pub conversion_capex_usd_per_critical_mw: f64,
    /// Days from the decision to the first rent.
    pub lead_time_days: u32,
    /// Lease term, years.
    pub lease_term_years: f64,
    /// Most gross MW converted per site per review.
    pub stage_mw: f64,
    /// An AI buyer's offer for an eligible site, USD per W.
    pub sale_usd_per_w: f64,
    /// The own-GPU-cloud option.
    pub gpu: GpuParams,
}

/// The own-GPU-cloud option's parameters (the scenario's `ai.gpu`).
#[derive(Clone, Debug, PartialEq)]
pub struct GpuParams {
    /// Whether miners consider it.
    pub enabled: bool,
    /// Rental price on day 0, USD per GPU-hour.
    pub usd_per_hour: f64,
    /// Drift of the rental price per year.
    pub drift_per_year: f64,
    /// GPUs per critical MW.
    pub gpus_per_critical_mw: f64,
    /// Share of GPU-hours rented.
    pub utilisation: f64,
    /// GPU capex, USD per critical MW (on top of conversion).
    pub capex_usd_per_critical_mw: f64,
    /// Operating cost other than power, share of revenue.
    pub opex_share: f64,
    /// Contract term, years.
    pub term_years: f64,
}

/// The AI market of a run.
#[derive(Clone, Debug)]
pub struct AiMarket {
    spec: AiParams,
    demand_factor: f64,
    lease_factor: f64,
    gpu_factor: f64,
    demand_mw: f64,
    unmet_mw: f64,
    lease: f64,
    gpu: f64,
}

impl AiMarket {
    /// The market on day 0 (call [`AiMarket::update`] before reading it).
    pub fn new(spec: AiParams) -> Self {
        Self {
            demand_factor: 1.0,
            lease_factor: 1.0,
            gpu_factor: 1.0,
            demand_mw: spec.tenant_demand_mw,
            unmet_mw: spec.tenant_demand_mw,
            lease: spec.lease_usd_per_kw_month,
            gpu: spec.gpu.usd_per_hour,
            spec,
        }
    }

    /// Its parameters.
    pub fn params(&self) -> &AiParams {
        &self.spec
    }

    /// Moves the market to `day`, with `filled_mw` critical MW already
    /// leased, being converted for tenants, or sold to AI buyers.
    pub fn update(&mut self, day: u32, filled_mw: f64) {
        let years = day as f64 / DAYS_PER_YEAR;
        self.demand_mw = ((self.spec.tenant_demand_mw
            + self.spec.demand_growth_mw_per_year * years)
            * self.demand_factor)
            .max(0.0);
        self.unmet_mw = (self.demand_mw - filled_mw).max(0.0);
        let scarcity = if self.spec.tenant_demand_mw > 0.0 {
            (self.unmet_mw / self.spec.tenant_demand_mw)
                .powf(self.spec.lease_elasticity)
                .clamp(0.5, 2.0)
        } else {
            1.0
        };
        self.lease = self.spec.lease_usd_per_kw_month
            * (1.0 + self.spec.lease_growth_per_year).powf(years)
            * self.lease_factor
            * scarcity;
        self.gpu = self.spec.gpu.usd_per_hour
            * (1.0 + self.spec.gpu.drift_per_year).powf(years)
            * self.gpu_factor;
    }

    /// A shock: demand, lease rate and GPU price multiplied from now on.
    pub fn shock(&mut self, demand_by: f64, lease_by: f64, gpu_by: f64) {
        self.demand_factor *= demand_by;
        self.lease_factor *= lease_by;
        self.gpu_factor *= gpu_by;
    }

    /// Tenant demand for miners' sites, critical MW.
    pub fn tenant_demand_mw(&self) -> f64 {
        self.demand_mw
    }

    /// Demand not yet supplied, critical MW.
    pub fn unmet_mw(&self) -> f64 {
        self.unmet_mw
    }

    /// Takes `mw` critical MW of the unmet demand (a lease signed, a site
    /// sold) until the next update.
    pub fn take(&mut self, mw: f64) {
        self.unmet_mw = (self.unmet_mw - mw).max(0.0);
    }

    /// Lease rate a new contract signs at, USD per critical kW-month.
    pub fn lease_usd_per_kw_month(&self) -> f64 {
        self.lease
    }

    /// GPU rental price, USD per GPU-hour.
    pub fn gpu_usd_per_hour(&self) -> f64 {
        self.gpu
    }

    /// The GPU price expected `years` from now (the drift continues).
    pub fn gpu_usd_per_hour_in(&self, years: f64) -> f64 {
        self.gpu * (1.0 + self.spec.gpu.drift_per_year).powf(years)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped baseline's AI market (scenarios/baseline.ron).
    fn baseline_like() -> AiParams {
        AiParams {
            enabled: true,
            critical_it_share: 0.75,
            tenant_demand_mw: 1000.0,
            demand_growth_mw_per_year: 800.0,
            lease_usd_per_kw_month: 150.0,
            lease_growth_per_year: 0.03,
            lease_elasticity: 0.5,
            noi_margin: 0.85,
            conversion_capex_usd_per_critical_mw: 9e6,
            lead_time_days: 450,
            lease_term_years: 12.0,
            stage_mw: 200.0,
            sale_usd_per_w: 0.8,
            gpu: GpuParams {
                enabled: true,
                usd_per_hour: 2.0,
                drift_per_year: -0.15,
                gpus_per_critical_mw: 800.0,
                utilisation: 0.75,
                capex_usd_per_critical_mw: 29e6,
                opex_share: 0.15,
                term_years: 5.0,
            },
        }
    }

    #[test]
    fn demand_grows_and_shocks_cut_it() {
        let spec = baseline_like();
        let mut m = AiMarket::new(spec.clone());
        m.update(365 * 4 + 1, 0.0);
        let grown = spec.tenant_demand_mw + 4.0 * spec.demand_growth_mw_per_year;
        assert!((m.tenant_demand_mw() - grown).abs() < 1.0);
        // Unmet demand is above day 0's: rates rise, capped at ×2 of trend.
        assert!(m.lease_usd_per_kw_month() > spec.lease_usd_per_kw_month);
        m.shock(0.5, 0.7, 0.6);
        let gpu_before = m.gpu_usd_per_hour();
        m.update(365 * 4 + 1, 0.0);
        assert!((m.tenant_demand_mw() - grown * 0.5).abs() < 1.0);
        assert!((m.gpu_usd_per_hour() / gpu_before - 0.6).abs() < 1e-9);
    }
}
