//! What a miner believes its options are worth: pure functions, month by
//! month, discounted at the miner's rate. The strategic review
//! ([`super::review`]) compares them.
//!
//! - Mining a slice of a site: each machine earns max(0, margin) a day —
//!   curtailment floors the loss — for the rest of its life (half of
//!   `asics.life_years`, as machines are on average halfway through it),
//!   after which the MW earns what a frontier machine would, net of the
//!   capex to keep replacing it. Idle MW earns the frontier figure at once.
//! - Leasing to an AI tenant: nothing during the lead time, then the signed
//!   rent × NOI margin for the term, then what is left of the hall, less
//!   the conversion capex, discounted at the project's cost of capital
//!   (equity at the hurdle rate, the project loan at the interest rate).
//! - An own GPU cloud: GPU-hours at the price signed today × utilisation,
//!   less opex and power, for the term after its own lead time, then what
//!   is left of the hall, less conversion and GPU capex, discounted at its
//!   project's cost of capital likewise (the contract supports a loan).
//!
//! ```
//! use hashflight::margin_usd_per_mw_day;
//! // An S21 (17.5 J/TH) at $35/MWh all in, hashprice $38.2, 2 % pool fee:
//! // 57.14 PH/s per MW earn $2,139 a day and the power costs $840.
//! let m = margin_usd_per_mw_day(38.2, 0.02, 17.5, 35.0);
//! assert!((m - (38.2 * 0.98 * 1000.0 / 17.5 - 840.0)).abs() < 1e-9);
//! ```

use crate::consensus::subsidy::block_subsidy_sats;
use crate::market::ai::lease_npv_usd_per_critical_mw;
use crate::units::{
    BLOCKS_PER_MONTH, DAYS_PER_MONTH, HOURS_PER_DAY, HOURS_PER_MONTH, MONTHS_PER_YEAR, W_PER_MW,
    sats_to_btc,
};

use super::Belief;

/// What the market looks like today, for forecasts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct MarketView {
    /// Today's hashprice, USD/PH/day.
    pub(crate) hashprice_usd_per_ph_day: f64,
    /// Its moving average over the adaptive memory.
    pub(crate) hashprice_average_usd_per_ph_day: f64,
    /// Height of the next block.
    pub(crate) next_height: u64,
    /// Fees expected per block, BTC.
    pub(crate) fees_btc: f64,
    /// Difficulty growth halving-aware miners expect, per year.
    pub(crate) difficulty_growth_per_year: f64,
}

/// Expected hashprice for each of the next `months` months (index 0 is the
/// current month) under a belief.
pub(crate) fn forecast(belief: Belief, view: &MarketView, months: usize) -> Vec<f64> {
    match belief {
        Belief::Myopic => vec![view.hashprice_usd_per_ph_day; months],
        Belief::Adaptive => vec![view.hashprice_average_usd_per_ph_day; months],
        Belief::HalvingAware => {
            let reward = |height: u64| sats_to_btc(block_subsidy_sats(height)) + view.fees_btc;
            let now = reward(view.next_height);
            (0..months)
                .map(|m| {
                    let height = view.next_height + (m as f64 * BLOCKS_PER_MONTH) as u64;
                    let scale = if now > 0.0 { reward(height) / now } else { 0.0 };
                    view.hashprice_average_usd_per_ph_day * scale
                        / (1.0 + view.difficulty_growth_per_year).powf(m as f64 / MONTHS_PER_YEAR)
                })
                .collect()
        }
    }
}

/// Daily margin of one MW of machines, USD: what its hashrate earns after
/// the pool fee (`pool_fee`, a fraction) less power at `cost_usd_per_mwh`
/// (electricity and other opex).
pub fn margin_usd_per_mw_day(
    hashprice_usd_per_ph_day: f64,
    pool_fee: f64,
    efficiency_j_per_th: f64,
    cost_usd_per_mwh: f64,
) -> f64 {
    // 1 MW of machines at e J/TH hash 10^6/e TH/s = 1000/e PH/s.
    hashprice_usd_per_ph_day * (1.0 - pool_fee) * 1000.0 / efficiency_j_per_th
        - HOURS_PER_DAY * cost_usd_per_mwh
}

/// Monthly discount factor at `rate_per_year`.
pub(crate) fn monthly_discount(rate_per_year: f64) -> f64 {
    (1.0 + rate_per_year).powf(-1.0 / MONTHS_PER_YEAR)
}

/// The ASIC market as the valuation needs it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct MachineMarket {
    /// Frontier efficiency in month m is `floor_j_per_th` +
    /// (`frontier_j_per_th` − floor) × `frontier_monthly`^m.
    pub(crate) frontier_j_per_th: f64,
    /// Monthly factor on the frontier's gap to its floor.
    pub(crate) frontier_monthly: f64,
    /// The engineering floor, J/TH.
    pub(crate) floor_j_per_th: f64,
    /// USD/TH per USD/PH/day of hashprice (machines cost in proportion).
    pub(crate) usd_per_th_per_hashprice: f64,
    /// Machine life, months.
    pub(crate) life_months: f64,
}

/// How one miner values mining on one site: the site's cost of power, the
/// miner's pool fee, forecast and discount rate, and the machine market.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MiningView<'a> {
    /// Power and other opex, USD/MWh.
    pub(crate) cost_usd_per_mwh: f64,
    /// The pool's fee, a fraction.
    pub(crate) pool_fee: f64,
    /// Expected hashprice by month, USD/PH/day.
    pub(crate) hashprice: &'a [f64],
    /// A factor on every month of `hashprice` (1 for the forecast as it is).
    pub(crate) hashprice_scale: f64,
    /// Monthly discount factor.
    pub(crate) discount_monthly: f64,
    /// The machine market.
    pub(crate) machines: &'a MachineMarket,
}

impl MiningView<'_> {
    /// What a MW costs to run for a day, USD.
    pub(crate) fn cost_usd_per_mw_day(&self) -> f64 {
        cost_usd_per_mw_day(self.cost_usd_per_mwh)
    }
}

/// What a MW costs to run for a day at `cost_usd_per_mwh`, USD.
pub(crate) fn cost_usd_per_mw_day(cost_usd_per_mwh: f64) -> f64 {
    HOURS_PER_DAY * cost_usd_per_mwh
}

/// Present value of mining `mw` MW of a site for `months` months: machines
/// of `efficiency_j_per_th` (None for idle MW). As [`machines_value_usd`],
/// it gives up early with +∞ once the value is sure to exceed `cap_usd`
/// (pass ∞ for the value itself).
pub(crate) fn mining_value_usd(
    v: &MiningView,
    mw: f64,
    efficiency_j_per_th: Option<f64>,
    months: usize,
    cap_usd: f64,
) -> f64 {
    // Machines on a site are half way through their life, on average.
    let on_site = efficiency_j_per_th.map(|e| (e, v.machines.life_months / 2.0));
    machines_value_usd(v, mw, on_site, months, cap_usd)
}

/// Present value of `mw` MW of machines of efficiency `e` J/TH with
/// `life_left` months to run (`on_site`; None for idle MW), then of the
/// frontier net of its replacement capex, as `v` sees it, over `months`. Each month counts its margin floored at zero, so the value
/// only grows month by month: once it is sure to exceed `cap_usd` (by more
/// than rounding could account for) the rest is skipped and the result is
/// +∞ — the caller only needed to know that it is too much (a switch it
/// would block cannot happen). Pass ∞ for the value itself.
pub(crate) fn machines_value_usd(
    v: &MiningView,
    mw: f64,
    on_site: Option<(f64, f64)>,
    months: usize,
    cap_usd: f64,
) -> f64 {
    let c = v.cost_usd_per_mw_day();
    let mut revenue = MonthlyRevenue::new(v, on_site);
    let mut d = 1.0;
    let mut pv = 0.0;
    for (m, &h) in v.hashprice.iter().take(months).enumerate() {
        pv += d * (revenue.next(m, h) - c).max(0.0);
        d *= v.discount_monthly;
        if m % 12 == 11 && pv * DAYS_PER_MONTH * mw > cap_usd * (1.0 + 1e-9) + 1.0 {
            return f64::INFINITY;
        }
    }
    pv * DAYS_PER_MONTH * mw
}

/// What a MW of the machines [`machines_value_usd`] values (`on_site`, or
/// the frontier for idle MW) earns a day in each month before its costs,
/// USD, as a view sees it: the value counts each month's revenue less
/// [`MiningView::cost_usd_per_mw_day`], floored at zero. Read month by
/// month, in order, with [`MonthlyRevenue::next`].
pub(crate) struct MonthlyRevenue {
    hashprice_scale: f64,
    k_site: f64,
    a_frontier: f64,
    life_left: f64,
    floor: f64,
    gap: f64,
    frontier_monthly: f64,
}

impl MonthlyRevenue {
    /// The revenue of `on_site` (efficiency, months of life left; None
    /// for idle MW) as `v` sees it, from month 0.
    pub(crate) fn new(v: &MiningView, on_site: Option<(f64, f64)>) -> Self {
        let (efficiency_j_per_th, life_left) = on_site.map_or((None, 0.0), |(e, l)| (Some(e), l));
        let machines = v.machines;
        // Per month the revenue is h × a / e: `a` per PH/s for the machines
        // on site; for the frontier, `a` less the capex that keeps it
        // replaced, with 1/e improving by a constant factor each month.
        let a_site = (1.0 - v.pool_fee) * 1000.0;
        Self {
            hashprice_scale: v.hashprice_scale,
            k_site: efficiency_j_per_th.map_or(0.0, |e| a_site / e),
            a_frontier: a_site
                - machines.usd_per_th_per_hashprice * W_PER_MW
                    / (machines.life_months * DAYS_PER_MONTH),
            life_left,
            floor: machines.floor_j_per_th,
            gap: machines.frontier_j_per_th - machines.floor_j_per_th,
            frontier_monthly: machines.frontier_monthly,
        }
    }

    /// Month `m`'s revenue at expected hashprice `h`, USD per MW-day; the
    /// months must be read in order from 0.
    #[inline]
    pub(crate) fn next(&mut self, m: usize, h: f64) -> f64 {
        let k = if (m as f64) < self.life_left {
            self.k_site
        } else {
            self.a_frontier / (self.floor + self.gap)
        };
        self.gap *= self.frontier_monthly;
        h * self.hashprice_scale * k
    }
}

/// Terms of an AI option for `mw` gross MW.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct AiTerms {
    /// Critical IT MW per gross MW.
    pub(crate) critical_it_share: f64,
    /// Months of lead time.
    pub(crate) lead_months: usize,
    /// Months of contract.
    pub(crate) term_months: usize,
    /// Capex, USD per critical MW.
    pub(crate) capex_usd_per_critical_mw: f64,
    /// What is left of the hall when the contract ends, USD per critical
    /// MW.
    pub(crate) residual_usd_per_critical_mw: f64,
}

impl AiTerms {
    /// Months from now to the end of the contract.
    pub(crate) fn horizon_months(&self) -> usize {
        self.lead_months + self.term_months
    }

    /// Capex for `mw` gross MW, USD.
    pub(crate) fn capex_usd(&self, mw: f64) -> f64 {
        mw * self.critical_it_share * self.capex_usd_per_critical_mw
    }
}

/// Net operating income of `mw` gross MW leased at
/// `lease_usd_per_kw_month` with `noi_margin`, USD per month.
pub(crate) fn lease_noi_usd_per_month(
    mw: f64,
    critical_it_share: f64,
    lease_usd_per_kw_month: f64,
    noi_margin: f64,
) -> f64 {
    mw * critical_it_share * 1000.0 * lease_usd_per_kw_month * noi_margin
}

/// Net present value of leasing `mw` gross MW at `lease_usd_per_kw_month`
/// with `noi_margin`, USD (capex and the hall left at the end included).
pub(crate) fn lease_value_usd(
    mw: f64,
    terms: &AiTerms,
    lease_usd_per_kw_month: f64,
    noi_margin: f64,
    discount_monthly: f64,
) -> f64 {
    let critical_mw = mw * terms.critical_it_share;
    let noi_per_critical_mw = lease_noi_usd_per_month(1.0, 1.0, lease_usd_per_kw_month, noi_margin);
    critical_mw
        * lease_npv_usd_per_critical_mw(
            noi_per_critical_mw,
            terms.lead_months,
            terms.term_months,
            terms.capex_usd_per_critical_mw,
            terms.residual_usd_per_critical_mw,
            discount_monthly,
        )
}

/// The GPU-cloud economics per critical MW.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct GpuTerms {
    /// GPUs per critical MW.
    pub(crate) gpus_per_critical_mw: f64,
    /// Share of hours rented.
    pub(crate) utilisation: f64,
    /// Opex other than power, share of revenue.
    pub(crate) opex_share: f64,
    /// Share of the contract's revenue prepaid at signing.
    pub(crate) prepayment_share: f64,
}

impl From<&crate::market::ai::GpuParams> for GpuTerms {
    fn from(g: &crate::market::ai::GpuParams) -> Self {
        Self {
            gpus_per_critical_mw: g.gpus_per_critical_mw,
            utilisation: g.utilisation,
            opex_share: g.opex_share,
            prepayment_share: g.prepayment_share,
        }
    }
}

/// What the customer of a GPU cloud on `mw` gross MW prepays at signing,
/// USD: `prepayment_share` of the GPU-hours it rents over the term at
/// `gpu_usd_per_hour`. It funds the capex first and is worked off in equal
/// parts of the revenue over the term.
pub(crate) fn gpu_prepaid_usd(
    mw: f64,
    terms: &AiTerms,
    gpu: &GpuTerms,
    gpu_usd_per_hour: f64,
) -> f64 {
    let gpus = mw * terms.critical_it_share * gpu.gpus_per_critical_mw;
    let hours = HOURS_PER_MONTH * terms.term_months as f64;
    gpu.prepayment_share * gpus * gpu_usd_per_hour * gpu.utilisation * hours
}

/// Net income of an own GPU cloud on `mw` gross MW, USD per hour: rented
/// GPU-hours at `gpu_usd_per_hour` after opex, less power.
pub(crate) fn gpu_net_usd_per_hour(
    mw: f64,
    critical_it_share: f64,
    gpu: &GpuTerms,
    gpu_usd_per_hour: f64,
    power_usd_per_mwh: f64,
) -> f64 {
    let gpus = mw * critical_it_share * gpu.gpus_per_critical_mw;
    gpus * gpu_usd_per_hour * gpu.utilisation * (1.0 - gpu.opex_share) - mw * power_usd_per_mwh
}

/// Net present value of running an own GPU cloud on `mw` gross MW, USD
/// (capex and the hall left at the end included), its GPU-hours sold at
/// `gpu_usd_per_hour` for the whole contract (the price signed), the
/// customer's prepayment ([`gpu_prepaid_usd`]) received now and worked off
/// over the term.
pub(crate) fn gpu_value_usd(
    mw: f64,
    terms: &AiTerms,
    gpu: &GpuTerms,
    gpu_usd_per_hour: f64,
    power_usd_per_mwh: f64,
    discount_monthly: f64,
) -> f64 {
    let crit = terms.critical_it_share;
    // A critical MW takes 1/crit gross MW of power.
    let prepaid = gpu_prepaid_usd(1.0 / crit, terms, gpu, gpu_usd_per_hour);
    let worked_off = prepaid / terms.term_months.max(1) as f64;
    let net_per_critical_mw_month = HOURS_PER_MONTH
        * gpu_net_usd_per_hour(1.0 / crit, crit, gpu, gpu_usd_per_hour, power_usd_per_mwh)
        - worked_off;
    mw * crit
        * lease_npv_usd_per_critical_mw(
            net_per_critical_mw_month,
            terms.lead_months,
            terms.term_months,
            terms.capex_usd_per_critical_mw - prepaid,
            terms.residual_usd_per_critical_mw,
            discount_monthly,
        )
}

/// The cost of capital of a project financed with `equity_share` of equity
/// at `hurdle` and the rest as debt at `interest`.
pub(crate) fn project_rate(equity_share: f64, hurdle: f64, interest: f64) -> f64 {
    equity_share * hurdle + (1.0 - equity_share) * interest
}

/// Whether an irreversible switch is worth taking: its value must beat
/// carrying on by `hysteresis` × `stake` (its capex, or the sale price).
pub(crate) fn worth_switching(
    option_value: f64,
    carry_on_value: f64,
    stake: f64,
    hysteresis: f64,
) -> bool {
    option_value - carry_on_value > hysteresis * stake
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> MarketView {
        MarketView {
            hashprice_usd_per_ph_day: 40.0,
            hashprice_average_usd_per_ph_day: 50.0,
            next_height: 1_050_000 - 144 * 60, // 60 days before 2028's halving
            fees_btc: 0.0,
            difficulty_growth_per_year: 0.0,
        }
    }

    #[test]
    fn beliefs_differ_as_documented() {
        assert_eq!(forecast(Belief::Myopic, &view(), 3), [40.0; 3]);
        assert_eq!(forecast(Belief::Adaptive, &view(), 3), [50.0; 3]);
        let h = forecast(Belief::HalvingAware, &view(), 4);
        // The halving falls in month 2: the subsidy halves and so does the
        // expected hashprice (no fees in this view).
        assert_eq!(&h[..2], [50.0, 50.0]);
        assert_eq!(&h[2..], [25.0, 25.0]);
    }

    #[test]
    fn a_machine_that_loses_money_is_worth_nothing_not_less() {
        let machines = MachineMarket {
            frontier_j_per_th: 15.0,
            frontier_monthly: 1.0,
            floor_j_per_th: 0.0,
            usd_per_th_per_hashprice: 0.0,
            life_months: 120.0,
        };
        // 34 J/TH at $45/MWh needs $36.7 of hashprice; at $30 it curtails.
        let view = |hashprice| MiningView {
            cost_usd_per_mwh: 45.0,
            pool_fee: 0.0,
            hashprice,
            hashprice_scale: 1.0,
            discount_monthly: 1.0,
            machines: &machines,
        };
        let v = mining_value_usd(&view(&[30.0; 12]), 10.0, Some(34.0), 12, f64::INFINITY);
        assert_eq!(v, 0.0);
        // At $40: (40·1000/34 − 1080) a day for 12 months, undiscounted.
        let v = mining_value_usd(&view(&[40.0; 12]), 10.0, Some(34.0), 12, f64::INFINITY);
        let expected = 10.0 * (40_000.0 / 34.0 - 1080.0) * crate::units::DAYS_PER_YEAR;
        assert!((v - expected).abs() < 1e-6 * expected, "{v} vs {expected}");
    }

    #[test]
    fn a_cap_only_cuts_values_that_exceed_it() {
        let machines = MachineMarket {
            frontier_j_per_th: 15.0,
            frontier_monthly: 0.99,
            floor_j_per_th: 0.0,
            usd_per_th_per_hashprice: 0.3,
            life_months: 60.0,
        };
        let view = MiningView {
            cost_usd_per_mwh: 45.0,
            pool_fee: 0.02,
            hashprice: &[45.0; 120],
            hashprice_scale: 1.0,
            discount_monthly: 0.99,
            machines: &machines,
        };
        let value = |cap| mining_value_usd(&view, 10.0, Some(20.0), 120, cap);
        let full = value(f64::INFINITY);
        assert!(full > 0.0);
        assert_eq!(value(full), full, "not above the cap: the exact value");
        assert_eq!(value(full * 1.000_000_1), full);
        assert_eq!(value(full / 2.0), f64::INFINITY, "surely above: given up");
    }

    #[test]
    fn a_lease_pays_after_its_lead_time_for_its_term() {
        let terms = AiTerms {
            critical_it_share: 0.75,
            lead_months: 12,
            term_months: 120,
            capex_usd_per_critical_mw: 9e6,
            residual_usd_per_critical_mw: 0.0,
        };
        // Undiscounted: 100 MW → 75 critical MW → 75,000 kW × $150 × 0.85
        // = $9.5625M a month for 120 months, less $675M of capex.
        let v = lease_value_usd(100.0, &terms, 150.0, 0.85, 1.0);
        assert!((v - (9.5625e6 * 120.0 - 675e6)).abs() < 1.0, "{v}");
        // Discounting lowers it.
        assert!(lease_value_usd(100.0, &terms, 150.0, 0.85, monthly_discount(0.1)) < v);
        // The hall left at the end counts, per critical MW.
        let kept = AiTerms {
            residual_usd_per_critical_mw: 3e6,
            ..terms
        };
        let with_hall = lease_value_usd(100.0, &kept, 150.0, 0.85, 1.0);
        assert!((with_hall - v - 75.0 * 3e6).abs() < 1.0, "{with_hall}");
    }

    #[test]
    fn gpu_value_counts_hours_price_and_power() {
        let terms = AiTerms {
            critical_it_share: 0.5,
            lead_months: 0,
            term_months: 12,
            capex_usd_per_critical_mw: 1e6,
            residual_usd_per_critical_mw: 0.0,
        };
        let gpu = GpuTerms {
            gpus_per_critical_mw: 100.0,
            utilisation: 0.5,
            opex_share: 0.0,
            prepayment_share: 0.0,
        };
        // 2 MW → 1 critical MW → 100 GPUs × 8766 h × $2 × 0.5 = $876,600 a
        // year; power 2 MW × 8766 h × $10 = $175,320; capex $1M.
        let v = gpu_value_usd(2.0, &terms, &gpu, 2.0, 10.0, 1.0);
        assert!((v - (876_600.0 - 175_320.0 - 1e6)).abs() < 1e-3, "{v}");
        // A prepayment of 20 % is $175,320 now, worked off over the year:
        // worth nothing undiscounted, the interest saved when discounted.
        let prepaid = GpuTerms {
            prepayment_share: 0.2,
            ..gpu
        };
        assert!((gpu_prepaid_usd(2.0, &terms, &prepaid, 2.0) - 175_320.0).abs() < 1e-6);
        let same = gpu_value_usd(2.0, &terms, &prepaid, 2.0, 10.0, 1.0);
        assert!((same - v).abs() < 1e-3, "{same}");
        let rate = monthly_discount(0.1);
        let (without, with) = (
            gpu_value_usd(2.0, &terms, &gpu, 2.0, 10.0, rate),
            gpu_value_usd(2.0, &terms, &prepaid, 2.0, 10.0, rate),
        );
        assert!(with > without + 1_000.0, "{with} against {without}");
    }
}
