//! The validated scenario's sections as the parameter types of the layers
//! that use them: the markets' ([`MarketParams`]), the agents'
//! ([`Strategy`]) and the measures' ([`SecurityParams`]), with names
//! resolved to indices ([`PoolId`]) and events to [`Trigger`]s. Built once,
//! after validation, by [`super::Scenario`]; nothing downstream checks
//! again.

use std::sync::Arc;

use rand::distr::weighted::WeightedIndex;
use rand_distr::LogNormal;

use super::schema::{
    AiSpec, AsicSpec, EventSpec, FeeModel, FeeSpec, GpuSpec, MempoolSpec, PriceModel, ScenarioFile,
    SecuritySpec,
};
use crate::agents::Strategy;
use crate::market::ai::{AiParams, GpuParams};
use crate::market::asics::AsicParams;
use crate::market::fees::{FeeParams, MempoolParams};
use crate::market::price::PriceProcess;
use crate::metrics::security::SecurityParams;
use crate::state::PoolId;

pub use super::schema::Event;

/// The markets of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct MarketParams {
    /// BTC price on day 0, USD (a path's first day replaces it).
    pub btc_initial_usd: f64,
    /// The price process.
    pub btc_process: PriceProcess,
    /// Price shocks: (day, factor).
    pub btc_shocks: Vec<(u32, f64)>,
    /// Fees.
    pub fees: FeeParams,
    /// The AI market.
    pub ai: AiParams,
    /// The ASIC market.
    pub asics: AsicParams,
}

/// When an event happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// At the start of this day.
    Day(u32),
    /// At the start of the first day that begins at or past this height.
    Height(u64),
}

/// A scenario event with its trigger.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheduled {
    /// When.
    pub trigger: Trigger,
    /// Its index in the scenario's list (keys its per-site draws).
    pub index: u64,
    /// What.
    pub event: Event,
}

/// A pool, with its template builder resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    /// Its name (pools.csv).
    pub name: String,
    /// Fee kept from miners' revenue, percent.
    pub fee_pct: f64,
    /// The pool whose templates it mines (itself unless it names another).
    pub template_builder: PoolId,
}

/// The distributions the long tail of miners is drawn from.
#[derive(Clone, Debug, PartialEq)]
pub struct Generator {
    /// Fleet generation (an index into `population.fleet_mix`).
    pub class: WeightedIndex<f64>,
    /// Relative size.
    pub size: LogNormal<f64>,
    /// Power price of each generation's sites, USD/MWh.
    pub price: Vec<LogNormal<f64>>,
    /// Belief (an index into `strategy.beliefs`).
    pub belief: WeightedIndex<f64>,
}

impl Generator {
    fn new(file: &ScenarioFile) -> Result<Self, Unresolved> {
        let pop = &file.population;
        let weights = |field: &str, shares: Vec<f64>| {
            WeightedIndex::new(shares).map_err(|e| (field.to_string(), format!("shares: {e}")))
        };
        let log_normal = |field: &str, mu: f64, sigma: f64| {
            LogNormal::new(mu, sigma).map_err(|e| (field.to_string(), format!("{e}")))
        };
        Ok(Self {
            class: weights(
                "population.fleet_mix",
                pop.fleet_mix.iter().map(|f| f.share).collect(),
            )?,
            size: log_normal("population.size_sigma", 0.0, pop.size_sigma)?,
            price: pop
                .fleet_mix
                .iter()
                .map(|f| {
                    let median = f
                        .power_price_median_usd_per_mwh
                        .unwrap_or(pop.power_price_median_usd_per_mwh);
                    log_normal(
                        "population.power_price_sigma",
                        median.ln(),
                        pop.power_price_sigma,
                    )
                })
                .collect::<Result<_, _>>()?,
            belief: weights(
                "strategy.beliefs",
                file.strategy.beliefs.iter().map(|b| b.share).collect(),
            )?,
        })
    }
}

/// Everything the simulation builds from, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The markets.
    pub market: MarketParams,
    /// Decisions, finance and power costs.
    pub strategy: Strategy,
    /// Security and concentration measures.
    pub security: SecurityParams,
    /// Pools, in the scenario's order.
    pub pools: Vec<Pool>,
    /// The pool of each named miner.
    pub miner_pools: Vec<PoolId>,
    /// The pool of each of the population's pool shares (none when it has
    /// no miners).
    pub population_pools: Vec<PoolId>,
    /// Generated miners (validation caps them far below `u32::MAX`).
    pub generated_miners: u32,
    /// What they are drawn from (none when there are none).
    pub generator: Option<Generator>,
    /// Events, in the scenario's order.
    pub events: Vec<Scheduled>,
}

/// Why a scenario could not be resolved: a field and a message (only for
/// what validation cannot see, such as a number too large for its type).
pub type Unresolved = (String, String);

impl Resolved {
    /// Resolves a validated scenario; `btc_process` is its price process
    /// (a path's prices already read).
    pub fn new(file: &ScenarioFile, btc_process: PriceProcess) -> Result<Self, Unresolved> {
        let pool_id = |field: String, name: &str| {
            file.pools
                .iter()
                .position(|p| p.name == name)
                .and_then(|i| u16::try_from(i).ok())
                .map(PoolId)
                .ok_or((field, format!("no pool named `{name}`")))
        };
        let pools = file
            .pools
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let own = u16::try_from(i)
                    .map(PoolId)
                    .map_err(|_| ("pools".to_string(), "at most 65,536 pools".to_string()))?;
                Ok(Pool {
                    name: p.name.clone(),
                    fee_pct: p.fee_pct,
                    template_builder: match &p.template_builder {
                        Some(t) => pool_id(format!("pools.{i}.template_builder"), t)?,
                        None => own,
                    },
                })
            })
            .collect::<Result<_, Unresolved>>()?;
        let miner_pools = file
            .miners
            .iter()
            .enumerate()
            .map(|(i, m)| pool_id(format!("miners.{i}.pool"), &m.pool))
            .collect::<Result<_, _>>()?;
        let generated_miners = u32::try_from(file.population.miners).map_err(|_| {
            (
                "population.miners".to_string(),
                format!("{} is too many miners", file.population.miners),
            )
        })?;
        // The population's pools matter (and are validated) only when it
        // has miners.
        let population_pools = if generated_miners > 0 {
            file.population
                .pools
                .iter()
                .enumerate()
                .map(|(i, s)| pool_id(format!("population.pools.{i}.pool"), &s.pool))
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        let events = file
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| schedule(i, e))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            market: MarketParams {
                btc_initial_usd: file.btc_price.initial_usd,
                btc_process,
                btc_shocks: file
                    .btc_price
                    .shocks
                    .iter()
                    .map(|s| (s.day, s.multiply_by))
                    .collect(),
                fees: fee_params(&file.fees),
                ai: ai_params(&file.ai),
                asics: asic_params(&file.asics),
            },
            strategy: strategy(file),
            security: security_params(&file.security),
            pools,
            miner_pools,
            population_pools,
            generated_miners,
            generator: if generated_miners > 0 {
                Some(Generator::new(file)?)
            } else {
                None
            },
            events,
        })
    }
}

/// The price process of a model; `read_path` reads a path model's CSV
/// file (named as the scenario names it) into one price per day.
pub fn price_process<E>(
    model: &PriceModel,
    read_path: impl FnOnce(&str) -> Result<Vec<f64>, E>,
) -> Result<PriceProcess, E> {
    Ok(match model {
        PriceModel::Constant => PriceProcess::Constant,
        PriceModel::Gbm {
            drift_per_year,
            volatility_per_year,
        } => PriceProcess::Gbm {
            drift_per_year: *drift_per_year,
            volatility_per_year: *volatility_per_year,
        },
        PriceModel::RegimeSwitching { regimes } => PriceProcess::RegimeSwitching {
            regimes: regimes.clone(),
        },
        PriceModel::Path { csv } => PriceProcess::Path(Arc::new(read_path(csv)?)),
    })
}

fn schedule(index: usize, e: &EventSpec) -> Result<Scheduled, Unresolved> {
    let trigger = match (e.day, e.height) {
        (Some(d), None) => Trigger::Day(d),
        (None, Some(h)) => Trigger::Height(h),
        _ => {
            return Err((
                format!("events.{index}"),
                "give exactly one of `day` (day of the run) or `height` (block height)".into(),
            ));
        }
    };
    Ok(Scheduled {
        trigger,
        index: index as u64,
        event: e.event.clone(),
    })
}

fn fee_params(f: &FeeSpec) -> FeeParams {
    match f.model {
        FeeModel::Fixed => FeeParams::Fixed(f.per_block_btc),
        FeeModel::Mempool => FeeParams::Mempool(mempool_params(&f.mempool)),
    }
}

fn mempool_params(m: &MempoolSpec) -> MempoolParams {
    MempoolParams {
        demand_vbytes_per_s: m.demand_vbytes_per_s,
        demand_growth_per_year: m.demand_growth_per_year,
        fee_rate_median_sat_per_vb: m.fee_rate_median_sat_per_vb,
        fee_rate_sigma: m.fee_rate_sigma,
        block_vbytes: m.block_vbytes,
        max_vbytes: m.max_vbytes,
    }
}

fn ai_params(a: &AiSpec) -> AiParams {
    AiParams {
        enabled: a.enabled,
        critical_it_share: a.critical_it_share,
        tenant_backlog_mw: a.tenant_backlog_mw,
        deals_mw_per_quarter: a.deals_mw_per_quarter,
        deal_growth_per_year: a.deal_growth_per_year,
        tenant_patience_days: a.tenant_patience_days,
        tenant_ceiling_usd_per_kw_month: a.tenant_ceiling_usd_per_kw_month,
        shell_life_years: a.shell_life_years,
        buyer_rate_per_year: a.buyer_rate_per_year,
        lease_usd_per_kw_month: a.lease_usd_per_kw_month,
        lease_growth_per_year: a.lease_growth_per_year,
        lease_elasticity: a.lease_elasticity,
        noi_margin: a.noi_margin,
        conversion_capex_usd_per_critical_mw: a.conversion_capex_usd_per_critical_mw,
        lead_time_days: a.lead_time_days,
        lease_term_years: a.lease_term_years,
        stage_mw: a.stage_mw,
        sale_usd_per_w: a.sale_usd_per_w,
        gpu: gpu_params(&a.gpu),
    }
}

fn gpu_params(g: &GpuSpec) -> GpuParams {
    GpuParams {
        enabled: g.enabled,
        usd_per_hour: g.usd_per_hour,
        price_path: g
            .price_path
            .iter()
            .map(|p| (p.day, p.usd_per_hour))
            .collect(),
        drift_per_year: g.drift_per_year,
        gpus_per_critical_mw: g.gpus_per_critical_mw,
        utilisation: g.utilisation,
        capex_usd_per_critical_mw: g.capex_usd_per_critical_mw,
        opex_share: g.opex_share,
        term_years: g.term_years,
        lead_time_days: g.lead_time_days,
        equity_share: g.equity_share,
        prepayment_share: g.prepayment_share,
    }
}

fn asic_params(a: &AsicSpec) -> AsicParams {
    AsicParams {
        usd_per_th: a.usd_per_th,
        reference_hashprice_usd_per_ph_day: a.reference_hashprice_usd_per_ph_day,
        frontier_j_per_th: a.frontier_j_per_th,
        frontier_decline_per_year: a.frontier_decline_per_year,
        delivery_days: a.delivery_days,
        frontier_floor_j_per_th: a.frontier_floor_j_per_th,
        supply_ehs_per_year: a.supply_ehs_per_year,
        life_years: a.life_years,
    }
}

fn strategy(file: &ScenarioFile) -> Strategy {
    let s = &file.strategy;
    Strategy {
        memory_days: s.memory_days,
        difficulty_growth_per_year: s.difficulty_growth_per_year,
        hysteresis_share: s.hysteresis_share,
        growth: s.growth,
        cash_reserve_usd_per_mw: s.cash_reserve_usd_per_mw,
        interest_rate_per_year: s.interest_rate_per_year,
        ai_equity_share: s.ai_equity_share,
        credit_line_usd_per_mw: s.credit_line_usd_per_mw,
        distress_days: s.distress_days,
        retire_after_days: s.retire_after_days,
        commit_days: s.commit_days,
        mothball_after_days: s.mothball_after_days,
        build: s.build,
        build_usd_per_mw: s.build_usd_per_mw,
        build_lead_days: s.build_lead_days,
        growth_equity_share: s.growth_equity_share,
        used_listing_days: s.used_listing_days,
        entrant_mw_per_year: s.entrant_mw_per_year,
        entrant_site_mw: s.entrant_site_mw,
        other_opex_usd_per_mwh: file.power.other_opex_usd_per_mwh,
        take_or_pay_share: file.power.take_or_pay_share,
        ai_price_pressure_per_gw: file.power.ai_price_pressure_per_gw,
    }
}

fn security_params(s: &SecuritySpec) -> SecurityParams {
    SecurityParams {
        nakamoto_threshold_pct: s.nakamoto_threshold_pct,
        block_window_days: s.block_window_days,
        attack_share: s.attack_share,
        rentable_share: s.rentable_share,
        rent_premium_pct: s.rent_premium_pct,
        attacker_power_usd_per_mwh: s.attacker_power_usd_per_mwh,
        selfish_mining_gamma: s.selfish_mining_gamma,
        max_double_spend_p: s.max_double_spend_p,
    }
}
