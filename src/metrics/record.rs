//! The measuring systems: the firms' concentration as the tally changes
//! ([`track_firms`]), and a row at each epoch's end ([`record_epoch`]) and
//! each day's end ([`record_day`]), with concentration at three layers and
//! security computed from the world's state. Rows are pushed into
//! [`Rows`]; the simulation's driver hands them to the output.

use std::collections::VecDeque;

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use super::concentration::{Concentration, ConcentrationTracker};
use super::security::{
    Dormant, SecurityParams, attack_cost, confirmations_needed, dormant_attack,
    double_spend_probability, selfish_mining_threshold,
};
use super::{
    Centralization, DayRow, EpochRow, Pivot, REFERENCE_DAYS, Security, Summary, TAIL_DAYS,
};
use crate::consensus::bitcoin::EPOCH_BLOCKS;
use crate::consensus::difficulty::difficulty;
use crate::consensus::difficulty::hashrate_on_schedule_hs;
use crate::state::{
    Chain, Clock, DayStats, Economics, EpochStats, Flows, HashTable, Ledger, Markets, Regions,
};
use crate::units::{DAYS_PER_YEAR, SECONDS_PER_DAY, W_PER_MW, sats_to_btc, ths_to_ehs};

/// How the run measures security and concentration, and which template
/// builder each pool mines for.
#[derive(Resource, Clone, Debug)]
pub struct Measurement {
    /// The scenario's settings.
    pub params: SecurityParams,
    /// Template builder (a pool index) of each pool.
    pub template_of: Vec<usize>,
    /// Pool names, for pools.csv.
    pub pool_names: Vec<String>,
}

/// The firms' hashrate concentration, kept up to date by a
/// [`ConcentrationTracker`] (which does little on days when few firms
/// change).
#[derive(Resource, Clone, Debug, Default)]
pub struct FirmConcentration {
    tracker: ConcentrationTracker,
    /// As of the last count of the sites.
    pub now: Concentration,
}

/// Pool block counts of the last days, for block-share measures.
#[derive(Resource, Clone, Debug, Default)]
pub struct BlockWindow(pub VecDeque<Vec<u64>>);

/// Running figures for the summary.
#[derive(Resource, Clone, Debug)]
pub struct RunTotals {
    /// Day-0 hashrate, EH/s.
    pub hashrate_start_ehs: Option<f64>,
    /// The hashrate day 0's difficulty implies, EH/s.
    pub hashrate_reference_start_ehs: f64,
    /// Latest daily hashrate, EH/s.
    pub hashrate_end_ehs: f64,
    /// The last 365 days' hashrates, EH/s.
    pub hashrate_tail: VecDeque<f64>,
    /// Lowest daily hashrate, EH/s.
    pub hashrate_min_ehs: f64,
    /// Epoch rows written.
    pub epochs: u64,
    /// Days done.
    pub days: u32,
    /// The last day's measures.
    pub last_day: Option<(Centralization, Security)>,
    /// Lowest daily pool Nakamoto coefficient.
    pub pool_nakamoto_min: u64,
    /// Lowest daily template-builder Nakamoto coefficient.
    pub template_nakamoto_min: u64,
    /// Largest daily top-pool share.
    pub top_pool_share_max: f64,
    /// Highest daily double-spend probability against the top pool.
    pub double_spend_p_max: f64,
    /// Days the BTC price was held at its cap.
    pub btc_price_capped_days: u32,
    /// Most dormant hashrate on any day, EH/s.
    pub dormant_ehs_max: f64,
}

impl Default for RunTotals {
    fn default() -> Self {
        Self {
            hashrate_start_ehs: None,
            hashrate_reference_start_ehs: 0.0,
            hashrate_end_ehs: 0.0,
            hashrate_tail: VecDeque::new(),
            hashrate_min_ehs: 0.0,
            epochs: 0,
            days: 0,
            last_day: None,
            pool_nakamoto_min: u64::MAX,
            template_nakamoto_min: u64::MAX,
            top_pool_share_max: 0.0,
            double_spend_p_max: 0.0,
            btc_price_capped_days: 0,
            dormant_ehs_max: 0.0,
        }
    }
}

/// A pool on a day, before its name is attached (`pools.csv`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PoolDay {
    /// Day of the run.
    pub day: u32,
    /// Pool index.
    pub pool: usize,
    /// Hashrate mining with it at the end of the day, EH/s.
    pub hashrate_ehs: f64,
    /// Blocks it found during the day.
    pub blocks: u64,
}

/// A region on a day, before its name is attached (`regions.csv`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RegionDay {
    /// Day of the run.
    pub day: u32,
    /// Region index.
    pub region: usize,
    /// Hashrate mining there at the end of the day, EH/s.
    pub hashrate_ehs: f64,
    /// Whether it may mine.
    pub online: bool,
    /// Factor on its sites' power prices.
    pub power_price_factor: f64,
    /// AI load there, MW.
    pub ai_mw: f64,
}

/// Rows produced and not yet handed to the output, in order.
#[derive(Resource, Clone, Debug, Default)]
pub struct Rows {
    /// Finished epochs.
    pub epochs: Vec<EpochRow>,
    /// Finished days.
    pub days: Vec<DayRow>,
    /// Pools' days.
    pub pools: Vec<PoolDay>,
    /// Regions' days.
    pub regions: Vec<RegionDay>,
}

impl Rows {
    /// Empties every buffer (keeping its capacity).
    pub fn clear(&mut self) {
        self.epochs.clear();
        self.days.clear();
        self.pools.clear();
        self.regions.clear();
    }
}

/// Updates the firms' concentration from the latest count of the sites.
pub fn track_firms(
    table: Res<HashTable>,
    measurement: Res<Measurement>,
    mut firms: ResMut<FirmConcentration>,
) {
    let firms = &mut *firms;
    firms.now = firms
        .tracker
        .update(&table.miner_ths, measurement.params.nakamoto_threshold_pct);
}

/// What the row systems read.
#[derive(SystemParam)]
pub struct Recording<'w> {
    clock: Res<'w, Clock>,
    chain: Res<'w, Chain>,
    table: Res<'w, HashTable>,
    markets: Res<'w, Markets>,
    economics: Res<'w, Economics>,
    measurement: Res<'w, Measurement>,
    firms: Res<'w, FirmConcentration>,
    ledger: ResMut<'w, Ledger>,
    totals: ResMut<'w, RunTotals>,
    rows: ResMut<'w, Rows>,
}

/// What the pivot and security parts of a row read of the world at the
/// row's end.
#[derive(Clone, Copy)]
struct Now<'a> {
    /// The hashrate tally.
    table: &'a HashTable,
    /// The markets (fees, AI, ASICs).
    markets: &'a Markets,
    /// Prices as miners see them (the hashprice).
    economics: &'a Economics,
    /// The day of the run.
    day: u32,
}

/// The AI and fee-market part of a row, and the period's flows.
fn pivot(now: Now, flows: Flows, subsidy_btc: f64, fees_btc: f64) -> Pivot {
    let Now {
        table,
        markets,
        economics,
        day,
    } = now;
    let reward = subsidy_btc + fees_btc;
    let hashprice_usd_per_ph_day = economics.hashprice_usd_per_ph_day;
    Pivot {
        ai_mw: table.ai_mw,
        gpu_cloud_mw: table.gpu_cloud_mw,
        converting_mw: table.converting_mw,
        sold_mw: table.sold_mw,
        idle_mw: table.idle_mw,
        fee_share: if reward > 0.0 { fees_btc / reward } else { 0.0 },
        mempool_vbytes: markets.fees.backlog_vbytes(),
        ai_lease_usd_per_kw_month: markets.ai.lease_usd_per_kw_month(),
        gpu_usd_per_hour: markets.ai.gpu_usd_per_hour(),
        tenant_arrivals_mw_per_quarter: markets.ai.arrivals_mw_per_quarter(),
        tenant_backlog_mw: markets.ai.backlog_mw(),
        ai_sale_usd_per_w: markets.ai.sale_usd_per_mw() / crate::units::W_PER_MW,
        building_mw: table.building_mw,
        on_order_ehs: ths_to_ehs(table.on_order_ths),
        used_stock_ehs: ths_to_ehs(table.used_stock_ths),
        used_usd_per_th: table.used_usd_per_th,
        asic_usd_per_th: markets
            .asics
            .price_usd_per_th(hashprice_usd_per_ph_day, day),
        asic_backlog_days: markets.asics.backlog_years(day) * DAYS_PER_YEAR,
        fleet_j_per_th: (table.installed_ths > 0.0)
            .then(|| table.installed_mw * W_PER_MW / table.installed_ths),
        flows,
    }
}

/// Records the epoch under way (at its last block, or at the end of the
/// run for a partial last epoch) and starts the next.
pub fn record_epoch(mut w: Recording, mut stats: ResMut<EpochStats>) {
    let s = &*stats;
    // The hashrate integral runs to now: the epoch's last block, or the end
    // of the run for a partial last epoch.
    let span = w.chain.time_s - s.span_start_s;
    let centralization = centralization(&w.table, &w.firms.now, &w.measurement, &s.pool_blocks);
    let subsidy_btc = sats_to_btc(s.subsidy_sats);
    let row = EpochRow {
        epoch: s.start_height / EPOCH_BLOCKS,
        start_height: s.start_height,
        blocks: s.blocks,
        start_time_s: s.first_block_s,
        end_time_s: s.last_block_s,
        duration_s: s.last_block_s - s.first_block_s,
        bits: format!("{:#010x}", s.bits),
        difficulty: difficulty(s.bits),
        hashrate_ehs: if span > 0.0 {
            ths_to_ehs(s.hash_ths_s / span)
        } else {
            0.0
        },
        mean_block_interval_s: s.interval_sum_s / s.blocks as f64,
        max_block_interval_s: s.interval_max_s,
        btc_price_usd: w.economics.btc_price_usd,
        subsidy_btc,
        fees_btc: s.fees_btc,
        hashprice_usd_per_ph_day: w.economics.hashprice_usd_per_ph_day,
        mining_mw: w.table.mining_mw,
        curtailed_mw: w.table.curtailed_mw,
        offline_mw: w.table.offline_mw,
        active_miners: w.table.active_miners,
        pivot: pivot(
            Now {
                table: &w.table,
                markets: &w.markets,
                economics: &w.economics,
                day: w.clock.day,
            },
            std::mem::take(&mut w.ledger.epoch),
            subsidy_btc,
            s.fees_btc,
        ),
        security: security(
            Now {
                table: &w.table,
                markets: &w.markets,
                economics: &w.economics,
                day: w.clock.day,
            },
            &w.measurement.params,
            &centralization,
            (subsidy_btc + s.fees_btc) * w.economics.btc_price_usd
                / (span / SECONDS_PER_DAY).max(1e-9),
        ),
        centralization,
    };
    w.rows.epochs.push(row);
    w.totals.epochs += 1;
    let pools = stats.pool_blocks.len();
    *stats = EpochStats::new(w.chain.next_height, w.chain.bits, w.chain.time_s, pools);
}

/// Records the day: its pools, its regions and its row, and folds it into
/// the run's totals.
pub fn record_day(
    mut w: Recording,
    clock: Res<Clock>,
    regions: Res<Regions>,
    mut window: ResMut<BlockWindow>,
    mut day: ResMut<DayStats>,
) {
    let hashrate_ehs = ths_to_ehs(day.hash_ths_s / SECONDS_PER_DAY);
    // Block shares over the trailing window of days.
    window.0.push_back(std::mem::take(&mut day.pool_blocks));
    while window.0.len() > w.measurement.params.block_window_days as usize {
        window.0.pop_front();
    }
    let mut blocks = vec![0u64; w.table.pool_ths.len()];
    for d in &window.0 {
        for (b, n) in blocks.iter_mut().zip(d) {
            *b += n;
        }
    }
    let centralization = centralization(&w.table, &w.firms.now, &w.measurement, &blocks);
    let today = window.0.back();
    w.rows
        .pools
        .extend((0..w.measurement.pool_names.len()).map(|i| PoolDay {
            day: clock.day,
            pool: i,
            hashrate_ehs: ths_to_ehs(w.table.pool_ths[i]),
            blocks: today.map_or(0, |b| b[i]),
        }));
    w.rows
        .regions
        .extend((0..regions.names.len()).map(|i| RegionDay {
            day: clock.day,
            region: i,
            hashrate_ehs: ths_to_ehs(w.table.region_ths.get(i).copied().unwrap_or(0.0)),
            online: regions.online[i],
            power_price_factor: regions.price_factor[i],
            ai_mw: regions.ai_mw[i],
        }));
    let row = DayRow {
        day: clock.day,
        time_s: clock.t_end_s,
        height: w.chain.next_height.saturating_sub(1),
        blocks: day.blocks,
        hashrate_ehs,
        mean_block_interval_s: (day.blocks > 0).then(|| SECONDS_PER_DAY / day.blocks as f64),
        difficulty: difficulty(w.chain.bits),
        btc_price_usd: w.economics.btc_price_usd,
        hashprice_usd_per_ph_day: w.economics.hashprice_usd_per_ph_day,
        curtailed_ehs: ths_to_ehs(w.table.curtailed_ths),
        offline_ehs: ths_to_ehs(w.table.offline_ths),
        mining_mw: w.table.mining_mw,
        curtailed_mw: w.table.curtailed_mw,
        offline_mw: w.table.offline_mw,
        fees_btc: day.fees_btc,
        pivot: pivot(
            Now {
                table: &w.table,
                markets: &w.markets,
                economics: &w.economics,
                day: w.clock.day,
            },
            std::mem::take(&mut w.ledger.day),
            day.reward_btc - day.fees_btc,
            day.fees_btc,
        ),
        security: security(
            Now {
                table: &w.table,
                markets: &w.markets,
                economics: &w.economics,
                day: w.clock.day,
            },
            &w.measurement.params,
            &centralization,
            day.reward_btc * w.economics.btc_price_usd,
        ),
        centralization,
    };
    w.totals.add_day(hashrate_ehs, &row);
    w.rows.days.push(row);
    *day = DayStats::new(w.table.pool_ths.len());
}

impl RunTotals {
    /// Folds a day's hashrate and measures into the totals.
    fn add_day(&mut self, hashrate_ehs: f64, row: &DayRow) {
        if self.hashrate_start_ehs.is_none() {
            self.hashrate_start_ehs = Some(hashrate_ehs);
            self.hashrate_reference_start_ehs = hashrate_on_schedule_hs(row.difficulty) / 1e18;
            self.hashrate_min_ehs = hashrate_ehs;
        }
        self.hashrate_end_ehs = hashrate_ehs;
        if self.hashrate_tail.len() == REFERENCE_DAYS {
            self.hashrate_tail.pop_front();
        }
        self.hashrate_tail.push_back(hashrate_ehs);
        self.hashrate_min_ehs = self.hashrate_min_ehs.min(hashrate_ehs);
        self.days += 1;
        if row.btc_price_usd >= crate::units::MAX_BTC_PRICE_USD {
            self.btc_price_capped_days += 1;
        }
        self.last_day = Some((row.centralization.clone(), row.security.clone()));
        let c = &row.centralization;
        self.pool_nakamoto_min = self.pool_nakamoto_min.min(c.pool_nakamoto);
        self.template_nakamoto_min = self.template_nakamoto_min.min(c.template_nakamoto);
        self.top_pool_share_max = self.top_pool_share_max.max(c.top_pool_share);
        self.double_spend_p_max = self
            .double_spend_p_max
            .max(row.security.double_spend_p_top_pool_z6);
        self.dormant_ehs_max = self.dormant_ehs_max.max(row.security.dormant_ehs);
    }

    /// The run's summary from the totals and the world's end state.
    pub fn summary(&self, chain: &Chain, table: &HashTable, run: Flows) -> Summary {
        let start = self.hashrate_start_ehs.unwrap_or(0.0);
        let reference = self.hashrate_reference_start_ehs;
        let last = self.last_day.clone().unwrap_or_default();
        Summary {
            scenario: String::new(),
            seed: 0,
            hashflight_version: env!("CARGO_PKG_VERSION").to_string(),
            overrides: Vec::new(),
            command: String::new(),
            hashflight_commit: String::new(),
            scenario_hash: String::new(),
            blocks: chain.blocks,
            epochs: self.epochs,
            days: self.days,
            hashrate_start_ehs: start,
            hashrate_end_ehs: self.hashrate_end_ehs,
            hashrate_last_90_days_ehs: mean_of_last(&self.hashrate_tail, TAIL_DAYS),
            hashrate_last_365_days_ehs: mean_of_last(&self.hashrate_tail, REFERENCE_DAYS),
            hashrate_reference_start_ehs: reference,
            hashrate_min_ehs: self.hashrate_min_ehs,
            hashrate_decline_pct: if reference > 0.0 {
                (reference - mean_of_last(&self.hashrate_tail, REFERENCE_DAYS)) / reference * 100.0
            } else {
                0.0
            },
            mean_block_interval_s: (chain.blocks > 0)
                .then(|| chain.last_block_time_s / chain.blocks as f64),
            pool_hhi_end: last.0.pool_hhi,
            pool_nakamoto_end: last.0.pool_nakamoto,
            pool_nakamoto_min: self.pool_nakamoto_min.min(last.0.pool_nakamoto),
            firm_hhi_end: last.0.firm_hhi,
            template_nakamoto_end: last.0.template_nakamoto,
            template_nakamoto_min: self.template_nakamoto_min.min(last.0.template_nakamoto),
            top_pool_share_max: self.top_pool_share_max,
            double_spend_p_top_pool_z6_max: self.double_spend_p_max,
            security_budget_usd_per_day_end: last.1.security_budget_usd_per_day,
            attack_build_asic_usd_end: last.1.attack_build_asic_usd,
            attack_dormant_asic_usd_end: last.1.attack_dormant_asic_usd,
            dormant_ehs_max: self.dormant_ehs_max,
            ai_mw_end: table.ai_mw,
            gpu_cloud_mw_end: table.gpu_cloud_mw,
            converting_mw_end: table.converting_mw,
            sold_mw_end: table.sold_mw,
            idle_mw_end: table.idle_mw,
            btc_price_capped_days: self.btc_price_capped_days,
            flows: run,
            hashrate_last_365_days_no_ai_ehs: None,
            hashrate_decline_vs_no_ai_pct: None,
            wall_time_s: 0.0,
        }
    }
}

/// Mean of the last `days` values of `tail` (all of them if fewer).
fn mean_of_last(tail: &VecDeque<f64>, days: usize) -> f64 {
    let n = tail.len().min(days);
    tail.iter().skip(tail.len() - n).sum::<f64>() / n.max(1) as f64
}

/// Concentration at the three layers from the pools' current hashrate,
/// the firms' concentration `firm`, and `pool_blocks` (blocks found per
/// pool over a window).
pub fn centralization(
    table: &HashTable,
    firm: &Concentration,
    m: &Measurement,
    pool_blocks: &[u64],
) -> Centralization {
    let threshold = m.params.nakamoto_threshold_pct;
    let by_template = |per_pool: &[f64]| {
        let mut t = vec![0.0; per_pool.len()];
        for (i, v) in per_pool.iter().enumerate() {
            t[m.template_of[i]] += v;
        }
        t
    };
    let pool = Concentration::of(&table.pool_ths, threshold);
    let template = Concentration::of(&by_template(&table.pool_ths), threshold);
    let blocks: Vec<f64> = pool_blocks.iter().map(|&b| b as f64).collect();
    let pool_b = Concentration::of(&blocks, threshold);
    let template_b = Concentration::of(&by_template(&blocks), threshold);
    let region_total: f64 = table.region_ths.iter().sum();
    // With nothing to share there is no concentration: an HHI or Gini of 0
    // would read as perfectly dispersed.
    let defined = |c: &Concentration, v: f64| (c.top1 > 0.0).then_some(v);
    Centralization {
        firm_hhi: defined(firm, firm.hhi),
        firm_nakamoto: firm.nakamoto,
        top_firm_share: firm.top1,
        firm_gini: defined(firm, firm.gini),
        pool_hhi: defined(&pool, pool.hhi),
        pool_nakamoto: pool.nakamoto,
        top_pool_share: pool.top1,
        top4_pool_share: pool.top4,
        pool_entropy_eff: pool.entropy_eff,
        pool_gini: defined(&pool, pool.gini),
        template_hhi: defined(&template, template.hhi),
        template_nakamoto: template.nakamoto,
        top_template_share: template.top1,
        largest_region_share: if region_total > 0.0 {
            table.region_ths.iter().cloned().fold(0.0, f64::max) / region_total
        } else {
            0.0
        },
        pool_hhi_blocks: defined(&pool_b, pool_b.hhi),
        pool_nakamoto_blocks: pool_b.nakamoto,
        top_pool_share_blocks: pool_b.top1,
        template_hhi_blocks: defined(&template_b, template_b.hhi),
        template_nakamoto_blocks: template_b.nakamoto,
    }
}

/// Security from the current hashrate and prices and the largest shares in
/// `c`, with the day's or epoch's miner revenue in USD per day.
fn security(
    now: Now,
    spec: &SecurityParams,
    c: &Centralization,
    budget_usd_per_day: f64,
) -> Security {
    let Now {
        table,
        markets,
        economics,
        day,
    } = now;
    // The attacker orders at today's price, behind the manufacturers'
    // backlog, machines of this year's generation.
    let hashprice = economics.hashprice_usd_per_ph_day;
    let asic_usd_per_th = markets.asics.price_usd_per_th(hashprice, day);
    let frontier = markets.asics.generation_j_per_th(day);
    let cost = attack_cost(
        ths_to_ehs(table.total_ths),
        spec.attack_share,
        spec.rentable_share,
        hashprice * (1.0 + spec.rent_premium_pct / 100.0),
        asic_usd_per_th,
        frontier,
        spec.attacker_power_usd_per_mwh,
    );
    let dormant = Dormant {
        ths: table.curtailed_ths + table.offline_ths + table.used_stock_ths,
        mw: table.curtailed_mw + table.offline_mw + table.used_stock_mw,
        usd_per_th: table.used_usd_per_th,
    };
    let with_dormant = dormant_attack(
        &cost,
        &dormant,
        asic_usd_per_th,
        frontier,
        spec.attacker_power_usd_per_mwh,
    );
    // The largest pool usually builds its own templates: one evaluation.
    let pool_p = double_spend_probability(c.top_pool_share, 6);
    let template_p = if c.top_template_share.to_bits() == c.top_pool_share.to_bits() {
        pool_p
    } else {
        double_spend_probability(c.top_template_share, 6)
    };
    Security {
        security_budget_usd_per_day: budget_usd_per_day,
        double_spend_p_top_pool_z6: pool_p,
        double_spend_p_top_template_z6: template_p,
        confirmations_needed_top_pool: confirmations_needed(
            c.top_pool_share,
            spec.max_double_spend_p,
        ),
        selfish_mining_breached: c.top_pool_share
            > selfish_mining_threshold(spec.selfish_mining_gamma),
        attack_rent_usd_per_hour: cost.rent_usd_per_hour,
        attack_build_asic_usd: cost.build_asic_usd,
        attack_build_power_mw: cost.build_power_mw,
        attack_build_power_usd_per_hour: cost.build_power_usd_per_hour,
        dormant_ehs: ths_to_ehs(dormant.ths),
        dormant_mw: dormant.mw,
        attack_dormant_asic_usd: with_dormant.asic_usd,
        attack_dormant_power_mw: with_dormant.power_mw,
        attack_dormant_power_usd_per_hour: with_dormant.power_usd_per_hour,
    }
}
