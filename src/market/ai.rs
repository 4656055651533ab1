//! The AI/HPC market miners face: tenants that arrive over time wanting
//! critical MW, the backlog of those not yet served, the lease rate a new
//! contract signs at, what an AI buyer offers for a site, the GPU rental
//! price, and scheduled shocks.
//!
//! - **Deal flow.** Tenant demand arrives at `deals_mw_per_quarter`
//!   critical MW a quarter (growing at `deal_growth_per_year`) into a
//!   backlog that starts at `tenant_backlog_mw`. Every lease or GPU cloud
//!   signed and every site sold takes its critical MW out of the backlog
//!   ([`take`]),
//!   and tenants left waiting go elsewhere at 1/`tenant_patience_days` a
//!   day. Deals therefore follow the flow: no review can sign more than
//!   the backlog holds.
//! - **Lease rate.** The reference rate on its trend, scaled by
//!   ((backlog + a quarter's arrivals) / a quarter's arrivals)
//!   ^`lease_elasticity` — ×1 when miners serve tenants as they come,
//!   more the longer the queue — and never above what tenants would pay
//!   to build elsewhere (`tenant_ceiling_usd_per_kw_month`, on the same
//!   trend).
//! - **Sale price.** A data-center developer buying a site values it as
//!   the lease it would sign, at its own cost of capital
//!   (`buyer_rate_per_year`), less the conversion capex: the offer per W
//!   moves with the lease rate ([`lease_npv_usd_per_critical_mw`]), unless
//!   the scenario fixes `sale_usd_per_w`.
//! - **GPU price.** The rental price follows the scenario's path
//!   (keyframes, linear between them from day 0's price), then drifts.
//!
//! [`take`]: AiMarket::take
//!
//! ```
//! use hashflight::market::ai::AiMarket;
//! use hashflight::scenario::Scenario;
//! let s = Scenario::load("baseline", &[]).unwrap();
//! let mut m = AiMarket::new(s.market().ai.clone());
//! m.update(0);
//! let p = m.params().clone();
//! // Nobody waiting beyond the flow: the reference rate.
//! m.take(m.backlog_mw());
//! m.update(0);
//! assert!((m.lease_usd_per_kw_month() - p.lease_usd_per_kw_month).abs() < 1e-9);
//! // Ninety days later, with nobody served meanwhile, tenants pay more.
//! m.update(90);
//! assert!(m.lease_usd_per_kw_month() > p.lease_usd_per_kw_month);
//! ```

use crate::units::{DAYS_PER_MONTH, DAYS_PER_YEAR, KW_PER_MW, MONTHS_PER_YEAR};

/// Days in a quarter (365.25 / 4).
pub const DAYS_PER_QUARTER: f64 = DAYS_PER_YEAR / 4.0;

/// The AI market's parameters (the scenario's `ai` section documents
/// each).
#[derive(Clone, Debug, PartialEq)]
pub struct AiParams {
    /// Whether miners may convert or sell sites to AI at all.
    pub enabled: bool,
    /// Critical IT MW per gross MW of a converted site.
    pub critical_it_share: f64,
    /// Tenants waiting for miners' sites on day 0, critical MW.
    pub tenant_backlog_mw: f64,
    /// New tenant demand for miners' sites, critical MW per quarter.
    pub deals_mw_per_quarter: f64,
    /// Growth of that flow per year.
    pub deal_growth_per_year: f64,
    /// Mean days a tenant waits for a miner's site before building
    /// elsewhere.
    pub tenant_patience_days: f64,
    /// Lease rate on day 0 with no tenant waiting beyond the flow, USD per
    /// critical kW per month.
    pub lease_usd_per_kw_month: f64,
    /// Trend of the lease rate (and of the ceiling) per year.
    pub lease_growth_per_year: f64,
    /// Exponent of the lease rate's response to the backlog.
    pub lease_elasticity: f64,
    /// The most tenants pay: what building elsewhere costs them, USD per
    /// critical kW-month on day 0.
    pub tenant_ceiling_usd_per_kw_month: f64,
    /// Net operating income over lease revenue.
    pub noi_margin: f64,
    /// Conversion capex, USD per critical MW (excluding GPUs).
    pub conversion_capex_usd_per_critical_mw: f64,
    /// Days from the decision to the first rent.
    pub lead_time_days: u32,
    /// Lease term, years.
    pub lease_term_years: f64,
    /// Years a converted hall serves (what is left of it when a contract
    /// ends is worth its share of the conversion capex).
    pub shell_life_years: f64,
    /// Most gross MW converted per site per review.
    pub stage_mw: f64,
    /// An AI buyer's cost of capital per year (prices its offers).
    pub buyer_rate_per_year: f64,
    /// A fixed offer for an eligible site, USD per W (None: the market
    /// price).
    pub sale_usd_per_w: Option<f64>,
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
    /// Later prices as (day, USD per GPU-hour), by day: linear between.
    pub price_path: Vec<(u32, f64)>,
    /// Drift of the rental price per year after the path's last day.
    pub drift_per_year: f64,
    /// GPUs per critical MW.
    pub gpus_per_critical_mw: f64,
    /// Share of GPU-hours rented.
    pub utilisation: f64,
    /// GPU capex, USD per critical MW (on top of conversion).
    pub capex_usd_per_critical_mw: f64,
    /// Operating cost other than power, share of revenue.
    pub opex_share: f64,
    /// Contract term, years (the price is fixed for it).
    pub term_years: f64,
    /// Days from the decision to the first GPU-hour sold.
    pub lead_time_days: u32,
    /// Share of the capex left after the prepayment paid from cash (the
    /// rest is borrowed against the contract).
    pub equity_share: f64,
    /// Share of the contract's revenue the customer prepays at signing.
    pub prepayment_share: f64,
}

impl GpuParams {
    /// The rental price on `day` before shocks, USD per GPU-hour.
    pub fn path_usd_per_hour(&self, day: u32) -> f64 {
        let mut from = (0u32, self.usd_per_hour);
        for &(d, p) in &self.price_path {
            if day <= d {
                let span = d.saturating_sub(from.0).max(1) as f64;
                let t = day.saturating_sub(from.0) as f64 / span;
                return from.1 + (p - from.1) * t;
            }
            from = (d, p);
        }
        let years = day.saturating_sub(from.0) as f64 / DAYS_PER_YEAR;
        from.1 * (1.0 + self.drift_per_year).powf(years)
    }
}

/// Net present value of leasing one critical MW, USD: `noi_usd_per_month`
/// from month `lead_months` for `term_months`, then what is left of the
/// hall (`residual_usd`), less `capex_usd` now, discounted monthly by
/// `discount_monthly`. Miners value a lease with it at their project's
/// cost of capital; AI buyers price a site with it at theirs.
pub fn lease_npv_usd_per_critical_mw(
    noi_usd_per_month: f64,
    lead_months: usize,
    term_months: usize,
    capex_usd: f64,
    residual_usd: f64,
    discount_monthly: f64,
) -> f64 {
    let first = discount_monthly.powi(lead_months as i32);
    let annuity: f64 = std::iter::successors(Some(first), |d| Some(d * discount_monthly))
        .take(term_months)
        .sum();
    let end = discount_monthly.powi((lead_months + term_months) as i32);
    noi_usd_per_month * annuity + residual_usd * end - capex_usd
}

/// The AI market of a run.
#[derive(Clone, Debug)]
pub struct AiMarket {
    spec: AiParams,
    demand_factor: f64,
    lease_factor: f64,
    gpu_factor: f64,
    day: u32,
    backlog_mw: f64,
    arrivals_mw_per_quarter: f64,
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
            day: 0,
            backlog_mw: spec.tenant_backlog_mw,
            arrivals_mw_per_quarter: spec.deals_mw_per_quarter,
            lease: spec.lease_usd_per_kw_month,
            gpu: spec.gpu.usd_per_hour,
            spec,
        }
    }

    /// Its parameters.
    pub fn params(&self) -> &AiParams {
        &self.spec
    }

    /// Moves the market to `day`: the tenants that arrived since the last
    /// update join the backlog, the impatient leave it, and the rates
    /// follow.
    pub fn update(&mut self, day: u32) {
        let s = &self.spec;
        let years = day as f64 / DAYS_PER_YEAR;
        self.arrivals_mw_per_quarter = s.deals_mw_per_quarter
            * (1.0 + s.deal_growth_per_year).powf(years)
            * self.demand_factor;
        let days = day.saturating_sub(self.day) as f64;
        if days > 0.0 {
            // dB/dt = arrivals − B / patience, solved over the days since
            // the last update (so one step of 90 days is 90 steps of one).
            let tau = s.tenant_patience_days;
            let stay = (-days / tau).exp();
            let per_day = self.arrivals_mw_per_quarter / DAYS_PER_QUARTER;
            self.backlog_mw = self.backlog_mw * stay + per_day * tau * (1.0 - stay);
            self.day = day;
        }
        let q = self.arrivals_mw_per_quarter;
        let waiting = (self.backlog_mw + q) / q;
        let scarcity = if waiting.is_finite() {
            waiting.powf(s.lease_elasticity)
        } else {
            // No flow: a backlog with nothing behind it.
            1.0
        };
        let trend = (1.0 + s.lease_growth_per_year).powf(years) * self.lease_factor;
        self.lease = (s.lease_usd_per_kw_month * scarcity * trend)
            .min(s.tenant_ceiling_usd_per_kw_month * trend);
        self.gpu = s.gpu.path_usd_per_hour(day) * self.gpu_factor;
    }

    /// A shock: tenant demand (the backlog and the flow), lease rates and
    /// the GPU price multiplied from now on.
    pub fn shock(&mut self, demand_by: f64, lease_by: f64, gpu_by: f64) {
        self.demand_factor *= demand_by;
        self.backlog_mw *= demand_by;
        self.lease_factor *= lease_by;
        self.gpu_factor *= gpu_by;
    }

    /// Tenants waiting for a site, critical MW.
    pub fn backlog_mw(&self) -> f64 {
        self.backlog_mw
    }

    /// New tenant demand arriving, critical MW per quarter.
    pub fn arrivals_mw_per_quarter(&self) -> f64 {
        self.arrivals_mw_per_quarter
    }

    /// Takes `mw` critical MW out of the backlog (a lease or GPU cloud
    /// signed, a site sold).
    pub fn take(&mut self, mw: f64) {
        self.backlog_mw = (self.backlog_mw - mw).max(0.0);
    }

    /// Lease rate a new contract signs at, USD per critical kW-month.
    pub fn lease_usd_per_kw_month(&self) -> f64 {
        self.lease
    }

    /// GPU rental price a new contract signs at, USD per GPU-hour.
    pub fn gpu_usd_per_hour(&self) -> f64 {
        self.gpu
    }

    /// Months of a lease's lead time and of its term.
    pub fn lease_months(&self) -> (usize, usize) {
        (
            (self.spec.lead_time_days as f64 / DAYS_PER_MONTH).round() as usize,
            (self.spec.lease_term_years * MONTHS_PER_YEAR)
                .round()
                .max(1.0) as usize,
        )
    }

    /// What is left of a converted hall after `term_years` of contract,
    /// USD per critical MW.
    pub fn shell_residual_usd_per_critical_mw(&self, term_years: f64) -> f64 {
        let s = &self.spec;
        s.conversion_capex_usd_per_critical_mw * (1.0 - term_years / s.shell_life_years).max(0.0)
    }

    /// An AI buyer's offer for an unconverted site, USD per MW of grid
    /// connection: the lease it would sign today at its cost of capital,
    /// less the conversion capex, per gross MW (never below zero); or the
    /// scenario's fixed price.
    pub fn sale_usd_per_mw(&self) -> f64 {
        let s = &self.spec;
        if let Some(fixed) = s.sale_usd_per_w {
            return fixed * crate::units::W_PER_MW;
        }
        let (lead, term) = self.lease_months();
        let noi = KW_PER_MW * self.lease * s.noi_margin;
        let npv = lease_npv_usd_per_critical_mw(
            noi,
            lead,
            term,
            s.conversion_capex_usd_per_critical_mw,
            self.shell_residual_usd_per_critical_mw(s.lease_term_years),
            (1.0 + s.buyer_rate_per_year).powf(-1.0 / MONTHS_PER_YEAR),
        );
        (npv * s.critical_it_share).max(0.0)
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
            tenant_backlog_mw: 350.0,
            deals_mw_per_quarter: 350.0,
            deal_growth_per_year: 0.0,
            tenant_patience_days: 730.0,
            lease_usd_per_kw_month: 150.0,
            lease_growth_per_year: 0.03,
            lease_elasticity: 0.5,
            tenant_ceiling_usd_per_kw_month: 184.0,
            noi_margin: 0.85,
            conversion_capex_usd_per_critical_mw: 9e6,
            lead_time_days: 450,
            lease_term_years: 12.0,
            shell_life_years: 20.0,
            stage_mw: 200.0,
            buyer_rate_per_year: 0.1,
            sale_usd_per_w: None,
            gpu: GpuParams {
                enabled: true,
                usd_per_hour: 2.0,
                price_path: vec![(80, 2.35)],
                drift_per_year: -0.15,
                gpus_per_critical_mw: 800.0,
                utilisation: 0.75,
                capex_usd_per_critical_mw: 29e6,
                opex_share: 0.15,
                term_years: 5.0,
                lead_time_days: 180,
                equity_share: 0.3,
                prepayment_share: 0.2,
            },
        }
    }

    #[test]
    fn the_backlog_fills_with_the_flow_and_drains_with_impatience() {
        let mut spec = baseline_like();
        spec.tenant_backlog_mw = 0.0;
        let mut m = AiMarket::new(spec.clone());
        m.update(0);
        assert_eq!(m.backlog_mw(), 0.0);
        // One quarter of arrivals, less those who gave up meanwhile (they
        // arrive evenly, so about half a quarter's worth of patience).
        m.update(91);
        let q = spec.deals_mw_per_quarter;
        assert!(m.backlog_mw() < q * 91.0 / DAYS_PER_QUARTER);
        assert!(m.backlog_mw() > 0.85 * q, "{}", m.backlog_mw());
        // Left alone for ten years, it settles where arrivals equal
        // departures: the flow per day × the patience.
        let mut m = AiMarket::new(spec.clone());
        for day in 0..3650 {
            m.update(day);
        }
        let settled = q / DAYS_PER_QUARTER * spec.tenant_patience_days;
        assert!(
            (m.backlog_mw() / settled - 1.0).abs() < 0.02,
            "{}",
            m.backlog_mw()
        );
        // Deals take from it; a shock halves what waits and what comes.
        m.take(100.0);
        let before = m.backlog_mw();
        m.shock(0.5, 1.0, 1.0);
        m.update(3650);
        assert!((m.backlog_mw() - before * 0.5).abs() < q);
        assert!((m.arrivals_mw_per_quarter() - q * 0.5).abs() < 1e-9);
    }

    #[test]
    fn the_lease_rate_rises_with_the_backlog_up_to_building_elsewhere() {
        let spec = baseline_like();
        let mut m = AiMarket::new(spec.clone());
        m.update(0);
        // Nobody waiting: the reference rate.
        m.take(1e9);
        m.update(0);
        assert!((m.lease_usd_per_kw_month() - 150.0).abs() < 1e-9);
        // Half a quarter's arrivals waiting: 1.5^0.5 of it.
        let mut spec = spec;
        spec.tenant_backlog_mw = 175.0;
        let mut m = AiMarket::new(spec.clone());
        m.update(0);
        assert!((m.lease_usd_per_kw_month() - 150.0 * 1.5f64.sqrt()).abs() < 1e-9);
        // Ten quarters waiting: capped at the ceiling, on the trend.
        spec.tenant_backlog_mw = 3500.0;
        let mut m = AiMarket::new(spec);
        m.update(0);
        assert_eq!(m.lease_usd_per_kw_month(), 184.0);
    }

    #[test]
    fn an_ai_buyer_pays_more_for_a_site_when_leases_pay_more() {
        let mut spec = baseline_like();
        spec.tenant_backlog_mw = 0.0;
        let mut low = AiMarket::new(spec.clone());
        low.update(0);
        spec.tenant_backlog_mw = 3500.0;
        let mut high = AiMarket::new(spec.clone());
        high.update(0);
        assert!(high.sale_usd_per_mw() > low.sale_usd_per_mw());
        // At $150 and 10 %: $127,500 of NOI a critical MW a month from
        // month 15 for 144 months (annuity 76.50), plus 40 % of the $9M
        // hall discounted 159 months (0.2836), less $9M; × 0.75 per gross
        // MW: about $1.33 per W.
        spec.tenant_backlog_mw = 0.0;
        let mut mid = AiMarket::new(spec.clone());
        mid.update(0);
        let d: f64 = 1.1f64.powf(-1.0 / 12.0);
        let annuity: f64 = (15..159).map(|m| d.powi(m)).sum();
        let expect = 0.75 * (127_500.0 * annuity + 3.6e6 * d.powi(159) - 9e6);
        assert!((mid.sale_usd_per_mw() - expect).abs() < 1e-3);
        assert!((1.2e6..1.45e6).contains(&expect), "{expect}");
        // A fixed price overrides the market.
        spec.sale_usd_per_w = Some(0.8);
        let fixed = AiMarket::new(spec);
        assert_eq!(fixed.sale_usd_per_mw(), 0.8e6);
    }

    #[test]
    fn the_gpu_price_follows_its_path_then_drifts() {
        let g = baseline_like().gpu;
        assert_eq!(g.path_usd_per_hour(0), 2.0);
        assert!((g.path_usd_per_hour(40) - 2.175).abs() < 1e-12);
        assert_eq!(g.path_usd_per_hour(80), 2.35);
        let a_year_on = g.path_usd_per_hour(80 + 365);
        assert!((a_year_on - 2.35 * 0.85f64.powf(365.0 / DAYS_PER_YEAR)).abs() < 1e-12);
        let mut m = AiMarket::new(baseline_like());
        m.shock(1.0, 1.0, 0.5);
        m.update(80);
        assert!((m.gpu_usd_per_hour() - 1.175).abs() < 1e-12);
    }
}
