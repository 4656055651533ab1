//! What the review decides ([`Decision`]), the part of the world it
//! changes ([`Book`]), and the one function that changes it ([`apply`]).

use bevy_ecs::prelude::*;

use crate::agents::{Fleet, Miner, Order, Orders, Project, ProjectKind, Site};
use crate::market::ai::AiMarket;
use crate::state::Ledger;

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
    pub sites: Vec<(Entity, &'a mut Site)>,
    /// Miners by id.
    pub miners: Vec<(Entity, &'a mut Miner)>,
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
        self.sites[id].1
    }

    /// Miner `id`.
    pub fn miner(&self, id: usize) -> &Miner {
        self.miners[id].1
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
            book.sites[site].1.transfer((*buyer_entity, &**m));
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
