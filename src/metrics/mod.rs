//! What a run measures: one row per difficulty epoch ([`EpochRow`]), one per
//! day ([`DayRow`]), and the run's [`Summary`]. The measuring systems in
//! `record.rs` push rows as the run goes; the simulation's driver hands them
//! to a [`RecordSink`] after each schedule, so memory does not grow with
//! the run's length. The formulas are in [`concentration`] (HHI, Gini,
//! Nakamoto, entropy), [`security`] (double-spend odds, attack cost) and
//! [`stats`] (spreads over seeds). The measures read the world's
//! [`crate::state`] and nothing of the agents.

use serde::{Deserialize, Serialize};

use crate::state::Flows;
pub use crate::state::economy::hashprice_usd_per_ph_day;

pub mod concentration;
pub(crate) mod record;
pub mod security;
pub(crate) mod series;
pub mod stats;

/// Days behind the summary's short end-of-run hashrate mean.
pub const TAIL_DAYS: usize = 90;

/// Days behind the end-of-run hashrate the headline figures compare
/// (`hashrate_decline_pct`, `hashrate_decline_vs_no_ai_pct`): a year, so
/// that neither hangs on one day, one retarget or one season.
pub const REFERENCE_DAYS: usize = 365;

/// One difficulty epoch (2016 blocks; the last row of a run may be partial).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochRow {
    /// Mainnet epoch number (start height / 2016).
    pub epoch: u64,
    /// Height of its first block.
    pub start_height: u64,
    /// Blocks mined in it (2016 unless the run ended first).
    pub blocks: u64,
    /// Time of its first block, seconds since the run started.
    pub start_time_s: f64,
    /// Time of its last block, seconds since the run started.
    pub end_time_s: f64,
    /// end − start: the timespan the retarget measures (2015 intervals).
    pub duration_s: f64,
    /// Compact bits of the epoch, hex.
    pub bits: String,
    /// Difficulty of the epoch.
    pub difficulty: f64,
    /// Mean hashrate actually mining over the epoch, EH/s.
    pub hashrate_ehs: f64,
    /// Mean interval of its blocks, s.
    pub mean_block_interval_s: f64,
    /// Longest interval, s.
    pub max_block_interval_s: f64,
    /// BTC price at its end, USD.
    pub btc_price_usd: f64,
    /// Subsidy paid in it, BTC.
    pub subsidy_btc: f64,
    /// Fees paid in it, BTC.
    pub fees_btc: f64,
    /// Hashprice at its end, USD per PH/s per day.
    pub hashprice_usd_per_ph_day: f64,
    /// Power of the fleets mining at its end, MW.
    pub mining_mw: f64,
    /// Power of the fleets curtailed by their owners at its end, MW.
    pub curtailed_mw: f64,
    /// Power of the fleets in offline regions at its end, MW.
    pub offline_mw: f64,
    /// Miners with any fleet mining at its end.
    pub active_miners: u64,
    /// AI pivot and fee market at its end; flows over the epoch.
    #[serde(flatten)]
    pub pivot: Pivot,
    /// Concentration at its end (hashrate) and over its blocks.
    #[serde(flatten)]
    pub centralization: Centralization,
    /// Security at its end.
    #[serde(flatten)]
    pub security: Security,
}

/// Concentration at three layers — firms (hash owners), pools and template
/// builders — from hashrate shares, and for pools and template builders
/// also from the blocks they found (what an outside observer sees: over the
/// epoch's own blocks in epochs.csv, over the trailing
/// `security.block_window_days` in days.csv). HHI uses shares in % (0–10,000);
/// shares are 0–1; Nakamoto coefficients count entities above the
/// scenario's threshold (50 %).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Centralization {
    /// HHI of firms' hashrate (empty when there is none to share).
    pub firm_hhi: Option<f64>,
    /// Nakamoto coefficient of firms.
    pub firm_nakamoto: u64,
    /// Largest firm's share of the hashrate.
    pub top_firm_share: f64,
    /// Gini coefficient of firms' hashrate (empty when there is none to share).
    pub firm_gini: Option<f64>,
    /// HHI of pools' hashrate (empty when there is none to share).
    pub pool_hhi: Option<f64>,
    /// Nakamoto coefficient of pools.
    pub pool_nakamoto: u64,
    /// Largest pool's share of the hashrate.
    pub top_pool_share: f64,
    /// Four largest pools' share of the hashrate.
    pub top4_pool_share: f64,
    /// Effective number of pools, e^H (Shannon entropy of pool shares).
    pub pool_entropy_eff: f64,
    /// Gini coefficient of pools' hashrate (empty when there is none to share).
    pub pool_gini: Option<f64>,
    /// HHI of template builders' hashrate (empty when there is none to share).
    pub template_hhi: Option<f64>,
    /// Nakamoto coefficient of template builders.
    pub template_nakamoto: u64,
    /// Largest template builder's share of the hashrate.
    pub top_template_share: f64,
    /// Largest region's share of the hashrate.
    pub largest_region_share: f64,
    /// HHI of pools' blocks over the window (empty when there is none to share).
    pub pool_hhi_blocks: Option<f64>,
    /// Nakamoto coefficient of pools' blocks over the window.
    pub pool_nakamoto_blocks: u64,
    /// Largest pool's share of blocks over the window.
    pub top_pool_share_blocks: f64,
    /// HHI of template builders' blocks over the window (empty when there is none to share).
    pub template_hhi_blocks: Option<f64>,
    /// Nakamoto coefficient of template builders' blocks over the window.
    pub template_nakamoto_blocks: u64,
}

/// Security of the chain: what miners earn, what attacks cost, how safe a
/// payment is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Security {
    /// Miners' revenue (subsidy + fees), USD per day.
    pub security_budget_usd_per_day: f64,
    /// Double-spend success probability for the largest pool's hashrate
    /// share after 6 confirmations (exact).
    pub double_spend_p_top_pool_z6: f64,
    /// The same for the largest template builder.
    pub double_spend_p_top_template_z6: f64,
    /// Confirmations a merchant needs against the largest pool for the
    /// scenario's accepted risk (empty when none suffice: a majority).
    pub confirmations_needed_top_pool: Option<u32>,
    /// Whether the largest pool is above the selfish-mining threshold.
    pub selfish_mining_breached: bool,
    /// Renting the attack share of the hashrate, USD per hour (empty when
    /// the rental market is too small to supply it).
    pub attack_rent_usd_per_hour: f64,
    /// Building it: ASICs at the frontier, USD.
    pub attack_build_asic_usd: f64,
    /// Building it: power drawn, MW.
    pub attack_build_power_mw: f64,
    /// Building it: power cost, USD per hour.
    pub attack_build_power_usd_per_hour: f64,
    /// Machines that could hash but do not (curtailed, mothballed, in
    /// offline regions, or offered second hand), EH/s.
    pub dormant_ehs: f64,
    /// Their power, MW.
    pub dormant_mw: f64,
    /// The attack done with dormant machines first (bought at the
    /// second-hand market's last clearing price, nothing when no lot has
    /// cleared: a lower bound) and the rest built: machines, USD.
    pub attack_dormant_asic_usd: f64,
    /// Its power, MW.
    pub attack_dormant_power_mw: f64,
    /// Its power cost, USD per hour.
    pub attack_dormant_power_usd_per_hour: f64,
}

/// Where miners' power has gone, what the AI and fee markets pay, and the
/// period's money and decisions. The MW columns with `mining_mw`,
/// `curtailed_mw` and `offline_mw` add up to every site's grid connection.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Pivot {
    /// MW leased to AI tenants (contracts running).
    pub ai_mw: f64,
    /// MW running miners' own GPU clouds.
    pub gpu_cloud_mw: f64,
    /// MW being converted (earning nothing).
    pub converting_mw: f64,
    /// MW of sites sold to AI buyers.
    pub sold_mw: f64,
    /// MW of sites doing nothing (no machines, no project).
    pub idle_mw: f64,
    /// Fees over subsidy + fees in the period.
    pub fee_share: f64,
    /// Vbytes waiting in the mempool.
    pub mempool_vbytes: f64,
    /// Lease rate new contracts sign at, USD per critical kW-month.
    pub ai_lease_usd_per_kw_month: f64,
    /// GPU rental price, USD per GPU-hour.
    pub gpu_usd_per_hour: f64,
    /// New tenant demand for miners' sites arriving, critical MW per
    /// quarter.
    pub tenant_arrivals_mw_per_quarter: f64,
    /// Tenants waiting for a site, critical MW.
    pub tenant_backlog_mw: f64,
    /// An AI buyer's offer for an unconverted site, USD per W of grid
    /// connection.
    pub ai_sale_usd_per_w: f64,
    /// Grid connection under construction, MW.
    pub building_mw: f64,
    /// Machines on order, EH/s.
    pub on_order_ehs: f64,
    /// Machines offered second hand, EH/s.
    pub used_stock_ehs: f64,
    /// Mean price of the last second-hand trades, USD/TH (0 before any).
    pub used_usd_per_th: f64,
    /// Frontier machines ordered now, with the backlog's premium, USD/TH.
    pub asic_usd_per_th: f64,
    /// Manufacturers' backlog, days of output.
    pub asic_backlog_days: f64,
    /// Mean efficiency of every machine installed (running or not),
    /// J/TH: their power over their hashrate (empty with none).
    pub fleet_j_per_th: Option<f64>,
    /// Money and decisions over the period.
    #[serde(flatten)]
    pub flows: Flows,
}

/// A pool on a day (`pools.csv`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoolDayRow<'a> {
    /// Day of the run.
    pub day: u32,
    /// Pool name.
    pub pool: &'a str,
    /// Hashrate mining with it at the end of the day, EH/s.
    pub hashrate_ehs: f64,
    /// Blocks it found during the day.
    pub blocks: u64,
}

/// A region on a day (`regions.csv`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionDayRow<'a> {
    /// Day of the run.
    pub day: u32,
    /// Region name.
    pub region: &'a str,
    /// Hashrate mining there at the end of the day, EH/s.
    pub hashrate_ehs: f64,
    /// Whether it may mine.
    pub online: bool,
    /// Factor on its sites' power prices (drift, tariffs, AI load).
    pub power_price_factor: f64,
    /// AI load there (leased and GPU cloud), MW.
    pub ai_mw: f64,
}

/// One day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayRow {
    /// Day of the run, from 0.
    pub day: u32,
    /// End of the day, seconds since the run started.
    pub time_s: f64,
    /// Height of the tip at the end of the day.
    pub height: u64,
    /// Blocks mined during the day.
    pub blocks: u64,
    /// Mean hashrate mining during the day, EH/s.
    pub hashrate_ehs: f64,
    /// 86,400 s over the day's blocks (empty on a day without blocks).
    pub mean_block_interval_s: Option<f64>,
    /// Difficulty at the end of the day.
    pub difficulty: f64,
    /// BTC price of the day, USD.
    pub btc_price_usd: f64,
    /// Hashprice at the end of the day, USD per PH/s per day.
    pub hashprice_usd_per_ph_day: f64,
    /// Hashrate of the fleets curtailed by their owners at the end of the
    /// day, EH/s.
    pub curtailed_ehs: f64,
    /// Hashrate of the fleets in offline regions at the end of the day, EH/s.
    pub offline_ehs: f64,
    /// Power of the fleets mining, MW.
    pub mining_mw: f64,
    /// Power of the fleets curtailed by their owners, MW.
    pub curtailed_mw: f64,
    /// Power of the fleets in offline regions, MW.
    pub offline_mw: f64,
    /// Fees paid during the day, BTC.
    pub fees_btc: f64,
    /// AI pivot and fee market at the end of the day; flows over the day.
    #[serde(flatten)]
    pub pivot: Pivot,
    /// Concentration at the end of the day (hashrate) and over the trailing
    /// block window.
    #[serde(flatten)]
    pub centralization: Centralization,
    /// Security at the end of the day.
    #[serde(flatten)]
    pub security: Security,
}

/// The figures of a whole run (`summary.json`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Seed of the run.
    pub seed: u64,
    /// hashflight version that produced it.
    pub hashflight_version: String,
    /// The overrides (`--set PATH=VALUE`) the scenario was run with, if
    /// any (scenario.ron holds their result).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    /// The command that wrote it, without the options that change only
    /// where or how it is written (`--out`, `--jobs`, `--quiet`, `--json`,
    /// `--force`, `--keep-runs`), so that it reproduces the run.
    #[serde(default)]
    pub command: String,
    /// The commit hashflight was built from (`unknown` outside a git
    /// checkout).
    #[serde(default)]
    pub hashflight_commit: String,
    /// A hash of the resolved scenario (scenario.ron without its comment
    /// header; SipHash-1-3, hex): runs of one scenario share it.
    #[serde(default)]
    pub scenario_hash: String,
    /// Blocks mined.
    pub blocks: u64,
    /// Epoch rows written (the last may be partial).
    pub epochs: u64,
    /// Days simulated.
    pub days: u32,
    /// Hashrate mining on day 0, EH/s.
    pub hashrate_start_ehs: f64,
    /// Hashrate mining on the last day, EH/s.
    pub hashrate_end_ehs: f64,
    /// Mean daily hashrate over the run's last 90 days (or all of a
    /// shorter run), EH/s: the end state without the day-to-day swing.
    pub hashrate_last_90_days_ehs: f64,
    /// Mean daily hashrate over the run's last 365 days (or all of a
    /// shorter run), EH/s: the end of the headline comparisons.
    pub hashrate_last_365_days_ehs: f64,
    /// The hashrate the start difficulty implies (difficulty · 2³² /
    /// 600 s), EH/s: the start of `hashrate_decline_pct`, the network as
    /// the chain saw it before any simulated decision.
    pub hashrate_reference_start_ehs: f64,
    /// Lowest daily hashrate, EH/s.
    pub hashrate_min_ehs: f64,
    /// Fall from `hashrate_reference_start_ehs` to
    /// `hashrate_last_365_days_ehs`, percent of the former (negative for
    /// growth).
    pub hashrate_decline_pct: f64,
    /// Mean interval between blocks over the run, s (null when no block
    /// was mined: there is no interval).
    pub mean_block_interval_s: Option<f64>,
    /// Pool HHI (hashrate) on the last day (null when nothing mined that
    /// day: no shares to concentrate).
    pub pool_hhi_end: Option<f64>,
    /// Pool Nakamoto coefficient on the last day.
    pub pool_nakamoto_end: u64,
    /// Lowest daily pool Nakamoto coefficient.
    pub pool_nakamoto_min: u64,
    /// Firm HHI on the last day (null when nothing mined that day).
    pub firm_hhi_end: Option<f64>,
    /// Template-builder Nakamoto coefficient on the last day.
    pub template_nakamoto_end: u64,
    /// Lowest daily template-builder Nakamoto coefficient.
    pub template_nakamoto_min: u64,
    /// Largest daily share of the largest pool.
    pub top_pool_share_max: f64,
    /// Highest daily double-spend probability against the largest pool, z = 6.
    pub double_spend_p_top_pool_z6_max: f64,
    /// Security budget on the last day, USD per day.
    pub security_budget_usd_per_day_end: f64,
    /// Cost of building a majority attack on the last day, USD of ASICs.
    pub attack_build_asic_usd_end: f64,
    /// The same attack on the last day with dormant machines first, USD of
    /// machines.
    pub attack_dormant_asic_usd_end: f64,
    /// Most dormant hashrate on any day, EH/s.
    pub dormant_ehs_max: f64,
    /// MW leased to AI tenants at the end.
    pub ai_mw_end: f64,
    /// MW of own GPU clouds at the end.
    pub gpu_cloud_mw_end: f64,
    /// MW being converted at the end.
    pub converting_mw_end: f64,
    /// MW of sites sold to AI buyers by the end.
    pub sold_mw_end: f64,
    /// MW idle at the end.
    pub idle_mw_end: f64,
    /// Days the BTC price was held at its cap (`units::MAX_BTC_PRICE_USD`):
    /// 0 unless the price process would have overflowed.
    #[serde(default)]
    pub btc_price_capped_days: u32,
    /// Money and decisions over the whole run.
    #[serde(flatten)]
    pub flows: Flows,
    /// Mean hashrate over the last 365 days of the same seed run without
    /// the AI option, EH/s (only with `--counterfactual`).
    pub hashrate_last_365_days_no_ai_ehs: Option<f64>,
    /// How much lower the last 365 days' mean hashrate is than without the
    /// AI option, percent of the latter (only with `--counterfactual`).
    pub hashrate_decline_vs_no_ai_pct: Option<f64>,
    /// Wall-clock time of the run, s: the one figure that differs between
    /// two runs of the same scenario and seed.
    pub wall_time_s: f64,
}

impl Summary {
    /// The run's figures that are the same for every run of a scenario and
    /// seed (all numbers except `wall_time_s`), in a fixed order: the
    /// columns sweeps record.
    pub fn figures(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("blocks", self.blocks as f64),
            ("epochs", self.epochs as f64),
            ("days", self.days as f64),
            ("hashrate_start_ehs", self.hashrate_start_ehs),
            ("hashrate_end_ehs", self.hashrate_end_ehs),
            ("hashrate_last_90_days_ehs", self.hashrate_last_90_days_ehs),
            (
                "hashrate_last_365_days_ehs",
                self.hashrate_last_365_days_ehs,
            ),
            (
                "hashrate_reference_start_ehs",
                self.hashrate_reference_start_ehs,
            ),
            ("hashrate_min_ehs", self.hashrate_min_ehs),
            ("hashrate_decline_pct", self.hashrate_decline_pct),
            (
                "mean_block_interval_s",
                self.mean_block_interval_s.unwrap_or(f64::NAN),
            ),
            ("pool_hhi_end", self.pool_hhi_end.unwrap_or(f64::NAN)),
            ("pool_nakamoto_end", self.pool_nakamoto_end as f64),
            ("pool_nakamoto_min", self.pool_nakamoto_min as f64),
            ("firm_hhi_end", self.firm_hhi_end.unwrap_or(f64::NAN)),
            ("template_nakamoto_end", self.template_nakamoto_end as f64),
            ("template_nakamoto_min", self.template_nakamoto_min as f64),
            ("top_pool_share_max", self.top_pool_share_max),
            (
                "double_spend_p_top_pool_z6_max",
                self.double_spend_p_top_pool_z6_max,
            ),
            (
                "security_budget_usd_per_day_end",
                self.security_budget_usd_per_day_end,
            ),
            ("attack_build_asic_usd_end", self.attack_build_asic_usd_end),
            (
                "attack_dormant_asic_usd_end",
                self.attack_dormant_asic_usd_end,
            ),
            ("dormant_ehs_max", self.dormant_ehs_max),
            ("ai_mw_end", self.ai_mw_end),
            ("gpu_cloud_mw_end", self.gpu_cloud_mw_end),
            ("converting_mw_end", self.converting_mw_end),
            ("sold_mw_end", self.sold_mw_end),
            ("idle_mw_end", self.idle_mw_end),
            ("btc_price_capped_days", self.btc_price_capped_days as f64),
            ("revenue_mining_usd", self.flows.revenue_mining_usd),
            ("revenue_ai_lease_usd", self.flows.revenue_ai_lease_usd),
            ("revenue_gpu_cloud_usd", self.flows.revenue_gpu_cloud_usd),
            ("site_sales_usd", self.flows.site_sales_usd),
            ("asic_capex_usd", self.flows.asic_capex_usd),
            ("ai_capex_usd", self.flows.ai_capex_usd),
            ("project_loans_usd", self.flows.project_loans_usd),
            ("project_repaid_usd", self.flows.project_repaid_usd),
            ("leases_signed_mw", self.flows.leases_signed_mw),
            ("gpu_clouds_signed_mw", self.flows.gpu_clouds_signed_mw),
            ("conversions_started", self.flows.conversions_started as f64),
            (
                "conversions_abandoned",
                self.flows.conversions_abandoned as f64,
            ),
            ("sites_sold", self.flows.sites_sold as f64),
            ("miners_exited", self.flows.miners_exited as f64),
            ("miners_entered", self.flows.miners_entered as f64),
            ("builds_started", self.flows.builds_started as f64),
            ("mw_started", self.flows.mw_started),
            ("build_capex_usd", self.flows.build_capex_usd),
            ("used_bought_ehs", self.flows.used_bought_ehs),
            ("used_bought_usd", self.flows.used_bought_usd),
            ("scrapped_ehs", self.flows.scrapped_ehs),
            (
                "hashrate_last_365_days_no_ai_ehs",
                self.hashrate_last_365_days_no_ai_ehs.unwrap_or(f64::NAN),
            ),
            (
                "hashrate_decline_vs_no_ai_pct",
                self.hashrate_decline_vs_no_ai_pct.unwrap_or(f64::NAN),
            ),
        ]
    }

    /// Adds the comparison with the same run without the AI option.
    pub fn set_counterfactual(&mut self, no_ai: &Summary) {
        let (with, without) = (
            self.hashrate_last_365_days_ehs,
            no_ai.hashrate_last_365_days_ehs,
        );
        self.hashrate_last_365_days_no_ai_ehs = Some(without);
        self.hashrate_decline_vs_no_ai_pct = Some(if without > 0.0 {
            (without - with) / without * 100.0
        } else {
            0.0
        });
    }

    /// Names of [`Summary::figures`].
    pub fn figure_names() -> Vec<&'static str> {
        Summary::default()
            .figures()
            .into_iter()
            .map(|f| f.0)
            .collect()
    }
}

/// Where a run's rows go as they are produced.
pub trait RecordSink {
    /// Receives a finished epoch.
    fn epoch(&mut self, row: &EpochRow) -> std::io::Result<()>;
    /// Receives a finished day.
    fn day(&mut self, row: &DayRow) -> std::io::Result<()>;
    /// Receives a pool's day (before the day's row).
    fn pool_day(&mut self, _row: &PoolDayRow) -> std::io::Result<()> {
        Ok(())
    }
    /// Receives a region's day (before the day's row).
    fn region_day(&mut self, _row: &RegionDayRow) -> std::io::Result<()> {
        Ok(())
    }
    /// Flushes what is buffered.
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Keeps every row in memory (for tests and library users).
#[derive(Clone, Debug, Default)]
pub struct MemorySink {
    /// Epoch rows in order.
    pub epochs: Vec<EpochRow>,
    /// Day rows in order.
    pub days: Vec<DayRow>,
}

impl RecordSink for MemorySink {
    fn epoch(&mut self, row: &EpochRow) -> std::io::Result<()> {
        self.epochs.push(row.clone());
        Ok(())
    }
    fn day(&mut self, row: &DayRow) -> std::io::Result<()> {
        self.days.push(row.clone());
        Ok(())
    }
}

/// Drops every row (when only the summary matters).
#[derive(Clone, Copy, Debug, Default)]
pub struct NullSink;

impl RecordSink for NullSink {
    fn epoch(&mut self, _: &EpochRow) -> std::io::Result<()> {
        Ok(())
    }
    fn day(&mut self, _: &DayRow) -> std::io::Result<()> {
        Ok(())
    }
}
