//! The strategic review, once an epoch, as stages that read the world and
//! plan [`Decision`]s, each carried out by [`apply`] before the next is
//! planned (so that a decision sees the cash and the tenant demand the
//! ones before it left). The stages, in order ([`plan`]):
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
//!    when the machines pay back within their life at the miner's hurdle
//!    (all orders are planned on the cash at the start of the stage, then
//!    placed).
//!
//! Everything is visited in a fixed order (by size, then by id) and every
//! draw is keyed by site, so results never depend on iteration order.

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use super::valuation::{AiTerms, GpuTerms, MachineMarket, MarketView, forecast};
use super::{Belief, Fleet, Miner, Order, Orders, Project, ProjectKind, Site, Strategy};
use crate::market::ai::AiMarket;
use crate::state::{
    Chain, Clock, Economics, HashTable, HashpriceMemory, Ledger, Markets, PoolFees, Regions,
};
use crate::units::{DAYS_PER_MONTH, MONTHS_PER_YEAR, power_mw};

pub mod plan;

/// What the review needs to know about the markets, once per epoch.
pub struct Context {
    /// Today.
    pub day: u32,
    forecasts: [Vec<f64>; 3],
    /// The machine market as valuations see it.
    pub machines: MachineMarket,
    /// Leasing a stage.
    pub lease_terms: AiTerms,
    /// Running an own GPU cloud on a stage.
    pub gpu_terms: AiTerms,
    /// The GPU cloud's economics.
    pub gpu: GpuTerms,
    /// The expected GPU rental price each month ahead, USD/GPU-hour.
    pub gpu_usd_per_hour_by_month: Vec<f64>,
    /// The lease rate a contract signs at today, USD per critical kW-month.
    pub lease_usd_per_kw_month: f64,
    /// Net operating income over lease revenue.
    pub noi_margin: f64,
    /// Frontier machines today, USD/TH.
    pub asic_usd_per_th: f64,
    /// Machine life, months.
    pub life_months: usize,
    /// Days from an order to hashing.
    pub delivery_days: u32,
}

impl Context {
    /// The markets as the review sees them today.
    pub fn new(
        day: u32,
        strategy: &Strategy,
        economics: &Economics,
        next_height: u64,
        memory: &HashpriceMemory,
        markets: &Markets,
    ) -> Self {
        let ai = &markets.ai;
        let asics = markets.asics.params();
        let ai_spec = ai.params();
        let months = |years: f64| (years * MONTHS_PER_YEAR).round().max(1.0) as usize;
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
        let life_months = months(asics.life_years);
        let horizon = lease_terms
            .horizon_months()
            .max(gpu_terms.horizon_months())
            .max(life_months);
        let view = MarketView {
            hashprice_usd_per_ph_day: economics.hashprice_usd_per_ph_day,
            hashprice_average_usd_per_ph_day: memory.average_usd_per_ph_day,
            next_height,
            fees_btc: economics.expected_fees_btc,
            difficulty_growth_per_year: strategy.difficulty_growth_per_year,
        };
        Self {
            day,
            forecasts: [
                forecast(Belief::Myopic, &view, horizon),
                forecast(Belief::Adaptive, &view, horizon),
                forecast(Belief::HalvingAware, &view, horizon),
            ],
            machines: MachineMarket {
                frontier_j_per_th: markets.asics.generation_j_per_th(day),
                frontier_monthly: (1.0 - asics.frontier_decline_per_year)
                    .powf(1.0 / MONTHS_PER_YEAR),
                usd_per_th_per_hashprice: markets.asics.usd_per_th(1.0),
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
            asic_usd_per_th: markets.asics.usd_per_th(economics.hashprice_usd_per_ph_day),
            life_months,
            delivery_days: asics.delivery_days,
        }
    }

    /// Expected hashprice by month under a belief.
    pub fn forecast(&self, belief: Belief) -> &[f64] {
        &self.forecasts[belief as usize]
    }
}

/// A decision of the review: what a stage plans and [`apply`] carries
/// out. Sites and miners are named by id.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// The site's contracts that end by `day` free their MW.
    EndContracts {
        /// The site.
        site: usize,
        /// Today.
        day: u32,
    },
    /// The site's fleets curtailed for `days` or more are scrapped.
    Retire {
        /// The site.
        site: usize,
        /// Days curtailed.
        days: u32,
    },
    /// The miner goes bankrupt (its sites are auctioned next).
    Bankrupt {
        /// The miner.
        miner: usize,
    },
    /// The site goes to an AI buyer: its machines leave mining, its owner
    /// is paid, and the buyer takes `critical_mw` of tenant demand.
    SellToAi {
        /// The site.
        site: usize,
        /// Price, USD.
        usd: f64,
        /// Tenant demand it fills, critical MW.
        critical_mw: f64,
    },
    /// A bankrupt miner's site goes to another miner, machines and all.
    SellToMiner {
        /// The site.
        site: usize,
        /// The buyer.
        buyer: usize,
        /// Price, USD.
        usd: f64,
    },
    /// A bankrupt miner's site nobody wants: its machines are scrapped.
    Close {
        /// The site.
        site: usize,
    },
    /// A stage of the site converts to AI: the idle MW and the worst
    /// machines make room, the owner pays its equity and borrows the rest.
    Convert {
        /// The site.
        site: usize,
        /// Its idle MW before the conversion.
        idle_mw: f64,
        /// The project.
        project: Project,
        /// Its capex, USD.
        capex_usd: f64,
        /// Of which paid from cash, USD.
        equity_usd: f64,
    },
    /// The miner orders frontier machines for a site's free MW.
    Order {
        /// The miner.
        miner: usize,
        /// What they cost, USD.
        usd: f64,
        /// The order.
        order: Order,
    },
}

/// The world as the review changes it: every site and miner by id, the AI
/// market, the ledger and the order book.
pub struct Book<'a> {
    /// Sites by id.
    pub sites: Vec<(Entity, Mut<'a, Site>)>,
    /// Miners by id.
    pub miners: Vec<(Entity, Mut<'a, Miner>)>,
    /// Tenant demand and rates.
    pub ai: &'a mut AiMarket,
    /// Flows of the day, epoch and run.
    pub ledger: &'a mut Ledger,
    /// Machines on order.
    pub orders: &'a mut Orders,
}

impl Book<'_> {
    /// Site `id`.
    pub fn site(&self, id: usize) -> &Site {
        &self.sites[id].1
    }

    /// Miner `id`.
    pub fn miner(&self, id: usize) -> &Miner {
        &self.miners[id].1
    }
}

/// Carries out one decision.
pub fn apply(book: &mut Book, decision: Decision) {
    match decision {
        Decision::EndContracts { site, day } => {
            book.sites[site].1.projects.retain(|p| p.end_day > day);
        }
        Decision::Retire { site, days } => {
            book.sites[site]
                .1
                .fleets
                .retain(|f| f.curtailed_days < days);
        }
        Decision::Bankrupt { miner } => {
            book.miners[miner].1.exited = true;
            book.ledger.add(|f| f.miners_exited += 1);
        }
        Decision::SellToAi {
            site,
            usd,
            critical_mw,
        } => {
            let s = &mut book.sites[site].1;
            s.fleets.clear();
            s.sold = true;
            let owner = s.owner_id as usize;
            book.miners[owner].1.cash_usd += usd;
            book.ledger.add(|f| {
                f.sites_sold += 1;
                f.site_sales_usd += usd;
            });
            book.ai.take(critical_mw);
        }
        Decision::SellToMiner { site, buyer, usd } => {
            let (buyer_entity, m) = &mut book.miners[buyer];
            m.cash_usd -= usd;
            book.sites[site].1.transfer((*buyer_entity, m));
        }
        Decision::Close { site } => book.sites[site].1.fleets.clear(),
        Decision::Convert {
            site,
            idle_mw,
            project,
            capex_usd,
            equity_usd,
        } => {
            let s = &mut book.sites[site].1;
            free_mw(&mut s.fleets, idle_mw, project.mw);
            let owner = s.owner_id as usize;
            if project.kind == ProjectKind::Lease {
                book.ai
                    .take(project.mw * book.ai.params().critical_it_share);
            }
            s.projects.push(project);
            let m = &mut book.miners[owner].1;
            m.cash_usd -= equity_usd;
            m.debt_usd += capex_usd - equity_usd;
            book.ledger.add(|f| {
                f.conversions_started += 1;
                f.ai_capex_usd += capex_usd;
            });
        }
        Decision::Order { miner, usd, order } => {
            book.miners[miner].1.cash_usd -= usd;
            book.ledger.add(|f| f.asic_capex_usd += usd);
            book.orders.0.push(order);
        }
    }
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

/// What the review reads and changes.
#[derive(SystemParam)]
pub struct ReviewWorld<'w, 's> {
    clock: Res<'w, Clock>,
    chain: Res<'w, Chain>,
    economics: Res<'w, Economics>,
    memory: Res<'w, HashpriceMemory>,
    strategy: Res<'w, Strategy>,
    table: Res<'w, HashTable>,
    fees: Res<'w, PoolFees>,
    regions: Res<'w, Regions>,
    markets: ResMut<'w, Markets>,
    ledger: ResMut<'w, Ledger>,
    orders: ResMut<'w, Orders>,
    sites: Query<'w, 's, (Entity, &'static mut Site)>,
    miners: Query<'w, 's, (Entity, &'static mut Miner)>,
}

/// The epoch's strategic review: every stage in order.
pub fn review(mut w: ReviewWorld) {
    let cx = Context::new(
        w.clock.day,
        &w.strategy,
        &w.economics,
        w.chain.next_height,
        &w.memory,
        &w.markets,
    );
    // MW on order per site, by site id.
    let mut on_order = vec![0.0; w.sites.iter().len()];
    for o in &w.orders.0 {
        if let Ok((_, s)) = w.sites.get(o.site) {
            on_order[s.id as usize] += power_mw(o.hashrate_ths, o.efficiency_j_per_th);
        }
    }
    // Ids are dense (0..n, in spawn order), so sorting by id makes the
    // position the id.
    let mut sites: Vec<_> = w.sites.iter_mut().collect();
    sites.sort_unstable_by_key(|s| s.1.id);
    let mut miners: Vec<_> = w.miners.iter_mut().collect();
    miners.sort_unstable_by_key(|m| m.1.id);
    let mut book = Book {
        sites,
        miners,
        ai: &mut w.markets.ai,
        ledger: &mut w.ledger,
        orders: &mut w.orders,
    };
    let r = plan::Review {
        cx: &cx,
        strategy: &w.strategy,
        regions: &w.regions,
        fees: &w.fees.0,
        size_mw: &w.table.miner_mw,
    };
    for d in plan::ending_contracts(&book, cx.day) {
        apply(&mut book, d);
    }
    for d in plan::retirements(&book, w.strategy.retire_after_days) {
        apply(&mut book, d);
    }
    let bankrupt = plan::bankruptcies(&book, w.strategy.distress_days);
    let is_bankrupt = {
        let mut flags = vec![false; book.miners.len()];
        for d in &bankrupt {
            if let Decision::Bankrupt { miner } = *d {
                flags[miner] = true;
            }
        }
        flags
    };
    for d in bankrupt {
        apply(&mut book, d);
    }
    if is_bankrupt.contains(&true) {
        let bidders = r.bidders(&book);
        for site in 0..book.sites.len() {
            let s = book.site(site);
            if !s.sold && is_bankrupt[s.owner_id as usize] {
                let d = r.auction(&book, site, &bidders);
                apply(&mut book, d);
            }
        }
    }
    if book.ai.params().enabled {
        for site in r.ai_candidates(&book) {
            if let Some(d) = r.ai_option(&book, site) {
                apply(&mut book, d);
            }
        }
    }
    if w.strategy.growth {
        for d in r.growth(&book, &on_order) {
            apply(&mut book, d);
        }
    }
}
