//! The strategic review, once an epoch, in this order:
//! 1. contracts that have ended free their MW (idle again);
//! 2. fleets curtailed for `strategy.retire_after_days` are retired;
//! 3. miners in distress for `strategy.distress_days` go bankrupt, and each
//!    of their sites goes to the best bidder: an AI buyer (the hashrate
//!    leaves) or the solvent miner that values it most (consolidation);
//!    a site nobody bids for closes;
//! 4. AI-eligible sites, largest owners first (big firms get first call on
//!    tenants), compare carrying on with leasing a stage of the site,
//!    running an own GPU cloud on it, or selling it whole — each switch
//!    taken only when it beats carrying on by the hysteresis margin and
//!    the miner can pay its equity share;
//! 5. miners with cash above their reserve buy frontier ASICs for free MW
//!    when the machines pay back within their life at the miner's hurdle.
//!
//! Everything is visited in a fixed order (by size, then by id) and every
//! draw is keyed by site, so results never depend on iteration order.

use bevy_ecs::prelude::*;

use super::decisions::site_power_price;
use super::population::PopulationCounts;
use super::valuation::{
    AiTerms, GpuTerms, MachineMarket, MarketView, forecast, gpu_value_usd, lease_value_usd,
    machines_value_usd, mining_value_usd, monthly_discount, project_rate, worth_switching,
};
use super::{
    Belief, Fleet, Ledger, Miner, Order, Orders, PoolFees, Project, ProjectKind, Regions, Site,
    Strategy,
};
use crate::sim::{Chain, Clock, Economics, HashTable, HashpriceMemory, Markets};
use crate::units::{DAYS_PER_MONTH, MONTHS_PER_YEAR, W_PER_MW, power_mw};

/// Smallest purchase of machines worth an order, USD.
const MIN_ORDER_USD: f64 = 10_000.0;

/// What the review needs to know about the markets, once per epoch.
struct Context {
    day: u32,
    forecasts: [Vec<f64>; 3],
    machines: MachineMarket,
    lease_terms: AiTerms,
    gpu_terms: AiTerms,
    gpu: GpuTerms,
    /// The expected GPU rental price each month ahead, USD/GPU-hour.
    gpu_usd_per_hour_by_month: Vec<f64>,
    lease_usd_per_kw_month: f64,
    noi_margin: f64,
    asic_usd_per_th: f64,
    life_months: usize,
}

impl Context {
    fn forecast(&self, belief: Belief) -> &[f64] {
        &self.forecasts[belief as usize]
    }
}

/// The epoch's strategic review (an exclusive system).
pub fn review(world: &mut World) {
    let day = world.resource::<Clock>().day;
    let strategy = world.resource::<Strategy>().clone();
    let economics = *world.resource::<Economics>();
    let next_height = world.resource::<Chain>().next_height;
    let average = world.resource::<HashpriceMemory>().average_usd_per_ph_day;
    let markets = world.resource::<Markets>();
    let ai = markets.ai.clone();
    let asics = markets.asics.clone();
    let spec = strategy.spec.clone();
    let ai_spec = ai.spec().clone();
    let months = |years: f64| (years * 12.0).round().max(1.0) as usize;
    let lead_months = (ai_spec.lead_time_days as f64 / DAYS_PER_MONTH).round() as usize;
    let lease_terms = AiTerms {
        critical_it_share: ai_spec.critical_it_share,
        lead_months,
        term_months: months(ai_spec.lease_term_years),
        capex_usd_per_critical_mw: ai_spec.conversion_capex_usd_per_critical_mw,
    };
    let gpu_terms = AiTerms {
        term_months: months(ai_spec.gpu.term_years),
        capex_usd_per_critical_mw: ai_spec.conversion_capex_usd_per_critical_mw
            + ai_spec.gpu.capex_usd_per_critical_mw,
        ..lease_terms
    };
    let life_months = months(asics.spec().life_years);
    let horizon = lease_terms
        .horizon_months()
        .max(gpu_terms.horizon_months())
        .max(life_months);
    let view = MarketView {
        hashprice_usd_per_ph_day: economics.hashprice_usd_per_ph_day,
        hashprice_average_usd_per_ph_day: average,
        next_height,
        fees_btc: economics.expected_fees_btc,
        difficulty_growth_per_year: spec.difficulty_growth_per_year,
    };
    let frontier = asics.generation_j_per_th(day);
    let cx = Context {
        day,
        forecasts: [
            forecast(Belief::Myopic, &view, horizon),
            forecast(Belief::Adaptive, &view, horizon),
            forecast(Belief::HalvingAware, &view, horizon),
        ],
        machines: MachineMarket {
            frontier_j_per_th: frontier,
            frontier_monthly: (1.0 - asics.spec().frontier_decline_per_year)
                .powf(1.0 / MONTHS_PER_YEAR),
            usd_per_th_per_hashprice: asics.usd_per_th(1.0),
            life_months: life_months as f64,
        },
        lease_terms,
        gpu_terms,
        gpu: GpuTerms::from(&ai_spec.gpu),
        gpu_usd_per_hour_by_month: (0..horizon)
            .map(|m| ai.gpu_usd_per_hour_in(m as f64 / MONTHS_PER_YEAR))
            .collect(),
        lease_usd_per_kw_month: ai.lease_usd_per_kw_month(),
        noi_margin: ai_spec.noi_margin,
        asic_usd_per_th: asics.usd_per_th(economics.hashprice_usd_per_ph_day),
        life_months,
    };

    // 1. Contracts that ended.
    let mut sites_q = world.query::<&mut Site>();
    for mut site in sites_q.iter_mut(world) {
        if site.projects.iter().any(|p| p.end_day <= day) {
            site.projects.retain(|p| p.end_day > day);
        }
    }

    // 2. Retirement.
    for mut site in sites_q.iter_mut(world) {
        if site
            .fleets
            .iter()
            .any(|f| f.curtailed_days >= spec.retire_after_days)
        {
            site.fleets
                .retain(|f| f.curtailed_days < spec.retire_after_days);
        }
    }

    // The sites, by site id.
    let mut site_entities: Vec<(u32, Entity)> = world
        .query::<(Entity, &Site)>()
        .iter(world)
        .map(|(e, s)| (s.id, e))
        .collect();
    site_entities.sort_unstable_by_key(|s| s.0);
    let index_of = |world: &World, site: Entity| world.get::<Site>(site).map(|s| s.id as usize);
    let mut on_order = vec![0.0; site_entities.len()];
    for o in &world.resource::<Orders>().0 {
        if let Some(i) = index_of(world, o.site) {
            on_order[i] += power_mw(o.hashrate_ths, o.efficiency_j_per_th);
        }
    }
    let miner_mw = world.resource::<HashTable>().miner_mw.clone();
    let fees = world.resource::<PoolFees>().0.clone();
    let regions = world.resource::<Regions>().clone();
    let mut ledger = std::mem::take(&mut *world.resource_mut::<Ledger>());
    let mut markets_ai = ai;

    // Miners by size, largest first (ids are unique, so the order is
    // total).
    let size = |id: u32| miner_mw.get(id as usize).copied().unwrap_or(0.0);
    let largest_first =
        |a: &(Entity, u32), b: &(Entity, u32)| size(b.1).total_cmp(&size(a.1)).then(a.1.cmp(&b.1));
    let miner_count = world.resource::<PopulationCounts>().miners as usize;

    // 3. Bankruptcy. `out` marks the miners gone, now or before.
    let mut is_bankrupt = vec![false; miner_count];
    let mut out = vec![false; miner_count];
    let mut solvent: Vec<(Entity, u32)> = Vec::new();
    for (e, mut m) in world.query::<(Entity, &mut Miner)>().iter_mut(world) {
        let id = m.id as usize;
        if m.exited {
            out[id] = true;
        } else if m.distress_days >= spec.distress_days {
            m.exited = true;
            is_bankrupt[id] = true;
            out[id] = true;
            ledger.add(|f| f.miners_exited += 1);
        } else {
            solvent.push((e, m.id));
        }
    }
    // The bidders for bankrupt sites: the 20 largest solvent miners.
    let mut bidders = Vec::new();
    if is_bankrupt.contains(&true) {
        bidders = solvent.clone();
        if bidders.len() > 20 {
            bidders.select_nth_unstable_by(19, largest_first);
            bidders.truncate(20);
        }
        bidders.sort_unstable_by(largest_first);
    }
    for &(_, site_e) in &site_entities {
        let site = world.get::<Site>(site_e).unwrap();
        if site.sold || !is_bankrupt[site.owner_id as usize] {
            continue;
        }
        let site = site.clone();
        let cost = site_power_price(&site, &regions) + strategy.other_opex_usd_per_mwh;
        let critical = site.power_mw * ai_spec.critical_it_share;
        let ai_bid = if ai_spec.enabled && site.ai_eligible && markets_ai.unmet_mw() >= critical {
            ai_spec.sale_usd_per_w * W_PER_MW * site.power_mw
        } else {
            0.0
        };
        // The best miner bid: what the site's machines are worth to each of
        // the largest solvent miners, up to the cash they can spare.
        let mut best: Option<(Entity, f64)> = None;
        for &(bidder, _) in &bidders {
            let m = world.get::<Miner>(bidder).unwrap();
            let fee = fees[m.pool as usize] / 100.0;
            let disc = monthly_discount(m.hurdle_rate_per_year);
            let value: f64 = site
                .fleets
                .iter()
                .map(|f| {
                    mining_value_usd(
                        f.power_mw(),
                        Some(f.efficiency_j_per_th),
                        cost,
                        fee,
                        cx.forecast(m.belief),
                        cx.life_months,
                        disc,
                        &cx.machines,
                        f64::INFINITY,
                    )
                })
                .sum();
            let spare = m.cash_usd - spec.cash_reserve_usd_per_mw * size(m.id);
            let bid = value.min(spare);
            if bid > best.map_or(0.0, |b| b.1) {
                best = Some((bidder, bid));
            }
        }
        let miner_bid = best.map_or(0.0, |b| b.1);
        if ai_bid > 0.0 && ai_bid >= miner_bid {
            sell(world, site_e, &mut ledger, ai_bid);
            markets_ai.take(critical);
        } else if let Some((buyer, bid)) = best {
            let mut m = world.get_mut::<Miner>(buyer).unwrap();
            m.cash_usd -= bid;
            let m = m.clone();
            world.get_mut::<Site>(site_e).unwrap().transfer((buyer, &m));
        } else {
            // Nobody wants it: the site closes and its machines are scrapped.
            world.get_mut::<Site>(site_e).unwrap().fleets.clear();
        }
    }

    // 4. AI: eligible sites of solvent miners, largest owners first.
    if ai_spec.enabled {
        // (owner, site id, site), by owner size, then owner id, then site.
        let mut candidates: Vec<(u32, u32, Entity)> = site_entities
            .iter()
            .filter_map(|&(id, e)| {
                let s = world.get::<Site>(e).unwrap();
                (s.ai_eligible && !s.sold && !out[s.owner_id as usize])
                    .then_some((s.owner_id, id, e))
            })
            .collect();
        candidates.sort_unstable_by(|a, b| {
            size(b.0)
                .total_cmp(&size(a.0))
                .then(a.0.cmp(&b.0))
                .then(a.1.cmp(&b.1))
        });
        for (_, _, site_e) in candidates {
            consider_ai(
                world,
                &cx,
                &spec,
                &strategy,
                &regions,
                &fees,
                site_e,
                &mut markets_ai,
                &mut ledger,
            );
        }
    }

    // 5. Growth.
    if spec.growth {
        let mut orders = Vec::new();
        for &(id, site_e) in &site_entities {
            let site = world.get::<Site>(site_e).unwrap();
            if site.sold {
                continue;
            }
            let owner = site.miner;
            let Some(m) = world.get::<Miner>(owner) else {
                continue;
            };
            if m.exited {
                continue;
            }
            let fleet_mw = site.fleet_mw();
            let free_mw = site.power_mw - fleet_mw - site.project_mw() - on_order[id as usize];
            let budget = m.cash_usd - spec.cash_reserve_usd_per_mw * size(m.id);
            if free_mw <= 1e-6 || budget < MIN_ORDER_USD || cx.asic_usd_per_th <= 0.0 {
                continue;
            }
            let cost = site_power_price(site, &regions) + strategy.other_opex_usd_per_mwh;
            let fee = fees[m.pool as usize] / 100.0;
            // Payback within the machines' life at the hurdle rate.
            let disc = monthly_discount(m.hurdle_rate_per_year);
            let e = cx.machines.frontier_j_per_th;
            let pv_per_mw = machines_value_usd(
                1.0,
                Some((e, cx.machines.life_months)),
                cost,
                fee,
                cx.forecast(m.belief),
                cx.life_months,
                disc,
                &cx.machines,
                // Only whether it beats the capex matters.
                cx.asic_usd_per_th * W_PER_MW / e,
            );
            let capex_per_mw = cx.asic_usd_per_th * W_PER_MW / e;
            if pv_per_mw <= capex_per_mw {
                continue;
            }
            let mw = free_mw.min(budget / capex_per_mw);
            let usd = mw * capex_per_mw;
            if usd < MIN_ORDER_USD {
                continue;
            }
            orders.push((
                owner,
                usd,
                Order {
                    day: day + world.resource::<Markets>().asics.spec().delivery_days,
                    site: site_e,
                    hashrate_ths: mw * W_PER_MW / e,
                    efficiency_j_per_th: e,
                },
            ));
        }
        for (owner, usd, order) in orders {
            world.get_mut::<Miner>(owner).unwrap().cash_usd -= usd;
            ledger.add(|f| f.asic_capex_usd += usd);
            world.resource_mut::<Orders>().0.push(order);
        }
    }

    *world.resource_mut::<Ledger>() = ledger;
    world.resource_mut::<Markets>().ai = markets_ai;
}

/// Sells a site to an AI buyer for `usd`: its machines leave mining.
fn sell(world: &mut World, site_e: Entity, ledger: &mut Ledger, usd: f64) {
    let mut site = world.get_mut::<Site>(site_e).unwrap();
    site.fleets.clear();
    site.sold = true;
    let owner = site.miner;
    if let Some(mut m) = world.get_mut::<Miner>(owner) {
        m.cash_usd += usd;
    }
    ledger.add(|f| {
        f.sites_sold += 1;
        f.site_sales_usd += usd;
    });
}

/// Frees `mw` of a site for conversion: idle MW first, then the worst
/// machines (the last one in part).
fn free_mw(fleets: &mut Vec<Fleet>, idle_mw: f64, mw: f64) {
    let mut need = mw - idle_mw;
    while need > 1e-9 {
        let Some(f) = fleets.first_mut() else {
            break;
        };
        let f_mw = f.power_mw();
        if f_mw <= need + 1e-9 {
            need -= f_mw;
            fleets.remove(0);
        } else {
            f.hashrate_ths *= (f_mw - need) / f_mw;
            need = 0.0;
        }
    }
}

/// Value of mining the first `mw` MW of a site that a conversion would take
/// (idle MW, then the worst machines), over `months`; +∞ as soon as it is
/// sure to exceed `cap_usd` (see [`mining_value_usd`]).
#[allow(clippy::too_many_arguments)]
fn slice_value(
    fleets: &[Fleet],
    idle_mw: f64,
    mw: f64,
    cost: f64,
    fee: f64,
    hashprice: &[f64],
    months: usize,
    disc: f64,
    machines: &MachineMarket,
    cap_usd: f64,
) -> f64 {
    let mut left = mw;
    let take = left.min(idle_mw);
    let mut v = mining_value_usd(
        take, None, cost, fee, hashprice, months, disc, machines, cap_usd,
    );
    left -= take;
    for f in fleets {
        if left <= 0.0 || v == f64::INFINITY {
            break;
        }
        let take = left.min(f.power_mw());
        v += mining_value_usd(
            take,
            Some(f.efficiency_j_per_th),
            cost,
            fee,
            hashprice,
            months,
            disc,
            machines,
            cap_usd - v,
        );
        left -= take;
    }
    v
}

#[allow(clippy::too_many_arguments)]
fn consider_ai(
    world: &mut World,
    cx: &Context,
    spec: &crate::scenario::schema::StrategySpec,
    strategy: &Strategy,
    regions: &Regions,
    fees: &[f64],
    site_e: Entity,
    ai: &mut crate::market::ai::AiMarket,
    ledger: &mut Ledger,
) {
    let site = world.get::<Site>(site_e).unwrap().clone();
    let m = world.get::<Miner>(site.miner).unwrap().clone();
    let ai_spec = ai.spec().clone();
    let fleets = &site.fleets;
    let fleet_mw = site.fleet_mw();
    let available = site.power_mw - site.project_mw();
    let idle = (available - fleet_mw).max(0.0);
    if available <= 1e-6 {
        return;
    }
    let price = site_power_price(&site, regions);
    let cost = price + strategy.other_opex_usd_per_mwh;
    let fee = fees[m.pool as usize] / 100.0;
    let disc = monthly_discount(m.hurdle_rate_per_year);
    let hashprice = cx.forecast(m.belief);
    let crit = ai_spec.critical_it_share;
    // Carrying on with `mw` MW for `months`; +∞ when it is sure to be
    // worth more than `cap` (the most a switch may leave behind).
    let mine = |mw: f64, months: usize, cap: f64| {
        slice_value(
            fleets,
            idle,
            mw,
            cost,
            fee,
            hashprice,
            months,
            disc,
            &cx.machines,
            cap,
        )
    };

    // The options worth switching to: (advantage over carrying on, what).
    enum Choice {
        Project(ProjectKind, f64, f64),
        Sale(f64),
    }
    let mut options: Vec<(f64, Choice)> = Vec::new();
    // A project on `stage` MW worth `value`: it must beat mining that
    // slice over the project's horizon by the margin, and the miner must
    // pay its equity share.
    let mut project = |kind: ProjectKind, stage: f64, value: f64, terms: &AiTerms| {
        let capex = terms.capex_usd(stage);
        // Carrying on is worth at least nothing: an option that cannot beat
        // zero by the margin, or that the miner cannot pay for, is out
        // before mining is valued.
        if !worth_switching(value, 0.0, capex, spec.hysteresis_share)
            || m.cash_usd < spec.ai_equity_share * capex
        {
            return;
        }
        let carry = mine(
            stage,
            terms.horizon_months(),
            value - spec.hysteresis_share * capex,
        );
        if worth_switching(value, carry, capex, spec.hysteresis_share) {
            options.push((value - carry, Choice::Project(kind, stage, capex)));
        }
    };
    // Lease a stage, as far as tenants want it.
    let stage = available.min(ai_spec.stage_mw).min(ai.unmet_mw() / crit);
    if stage > 1e-6 {
        let rate = project_rate(
            spec.ai_equity_share,
            m.hurdle_rate_per_year,
            spec.interest_rate_per_year,
        );
        let value = lease_value_usd(
            stage,
            &cx.lease_terms,
            cx.lease_usd_per_kw_month,
            cx.noi_margin,
            monthly_discount(rate),
        );
        project(ProjectKind::Lease, stage, value, &cx.lease_terms);
    }
    // An own GPU cloud on a stage.
    if ai_spec.gpu.enabled {
        let stage = available.min(ai_spec.stage_mw);
        let value = gpu_value_usd(
            stage,
            &cx.gpu_terms,
            &cx.gpu,
            &cx.gpu_usd_per_hour_by_month,
            price,
            disc,
        );
        project(ProjectKind::GpuCloud, stage, value, &cx.gpu_terms);
    }
    // Sell the whole site, if it has no projects and a buyer wants it all.
    if site.projects.is_empty() && ai.unmet_mw() >= site.power_mw * crit {
        let offer = ai_spec.sale_usd_per_w * W_PER_MW * site.power_mw;
        let carry = mine(
            site.power_mw,
            cx.lease_terms.horizon_months(),
            offer - spec.hysteresis_share * offer,
        );
        if worth_switching(offer, carry, offer, spec.hysteresis_share) {
            options.push((offer - carry, Choice::Sale(offer)));
        }
    }
    // The best; on a tie, the first considered.
    let best = options
        .into_iter()
        .reduce(|a, b| if b.0 > a.0 { b } else { a });
    match best {
        None => {}
        Some((_, Choice::Sale(offer))) => {
            sell(world, site_e, ledger, offer);
            ai.take(site.power_mw * crit);
        }
        Some((_, Choice::Project(kind, mw, capex))) => {
            free_mw(&mut world.get_mut::<Site>(site_e).unwrap().fleets, idle, mw);
            let equity = spec.ai_equity_share * capex;
            let mut miner = world.get_mut::<Miner>(site.miner).unwrap();
            miner.cash_usd -= equity;
            miner.debt_usd += capex - equity;
            let terms = if kind == ProjectKind::Lease {
                &cx.lease_terms
            } else {
                &cx.gpu_terms
            };
            let ready_day = cx.day + ai_spec.lead_time_days;
            let end_day = ready_day + (terms.term_months as f64 * DAYS_PER_MONTH).round() as u32;
            world
                .get_mut::<Site>(site_e)
                .unwrap()
                .projects
                .push(Project {
                    kind,
                    mw,
                    ready_day,
                    end_day,
                    lease_usd_per_kw_month: cx.lease_usd_per_kw_month,
                });
            if kind == ProjectKind::Lease {
                ai.take(mw * crit);
            }
            ledger.add(|f| {
                f.conversions_started += 1;
                f.ai_capex_usd += capex;
            });
        }
    }
}
