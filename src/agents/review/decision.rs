//! What the review decides ([`Decision`]), the part of the world it
//! changes ([`Book`]), and the one function that changes it ([`apply`]).

use bevy_ecs::prelude::*;

use crate::agents::{
    Build, Fleet, Lot, Miner, Order, Orders, Project, ProjectKind, Site, UsedMachines,
};
use crate::market::ai::AiMarket;
use crate::market::asics::{AsicMarket, Quote};
use crate::state::Ledger;
use crate::units::ths_to_ehs;

/// A decision of the review: what a stage plans and [`apply`] carries
/// out. Sites and miners are named by id.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Decision {
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
    /// The site goes to an AI buyer: its machines are offered second hand,
    /// its MW under construction is abandoned, its owner is paid, and the
    /// buyer takes `critical_mw` of tenant demand.
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
    /// The miner orders frontier machines for a site (its free MW, or the
    /// MW of worse machines they replace on delivery).
    Order {
        /// The miner.
        miner: usize,
        /// What they cost, USD.
        usd: f64,
        /// Of which borrowed, USD.
        debt_usd: f64,
        /// The order.
        order: Order,
        /// Its place in the manufacturers' order book.
        quote: Quote,
    },
    /// A site starts building more MW (the machines for it are ordered
    /// with it).
    Build {
        /// The site.
        site: usize,
        /// The MW and when they are energised.
        build: Build,
        /// Capex of the site, USD.
        capex_usd: f64,
        /// Of which paid from cash, USD.
        equity_usd: f64,
    },
    /// Lots on the second-hand market are scrapped: their hashrate is
    /// counted as scrapped and they leave the market.
    Scrap {
        /// The lots, by position in the market's list, in order.
        lots: Vec<usize>,
    },
    /// Second-hand machines change hands: they start on the buyer's site.
    BuyUsed {
        /// The buyer's site.
        site: usize,
        /// Their efficiency: they come from every lot of it, in proportion.
        efficiency_j_per_th: f64,
        /// Hashrate bought, TH/s.
        hashrate_ths: f64,
        /// Price, USD.
        usd: f64,
    },
    /// The second-hand market's round ends: the lots sold out leave it,
    /// and the round's average price, if anything traded, becomes its
    /// last price.
    UsedRoundEnds {
        /// What the round's machines sold for on average, USD/TH.
        usd_per_th: Option<f64>,
    },
    /// A new firm enters with its first site, under construction, and
    /// the machines for it on order.
    Enter(Box<Entry>),
}

/// A new firm as it enters ([`Decision::Enter`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    /// The firm, with its cash and the debt it raised.
    pub(crate) miner: Miner,
    /// Its site, with nothing energised yet.
    pub(crate) site: Site,
    /// The site's MW and when they are energised.
    pub(crate) build: Build,
    /// Capex of the site, USD.
    pub(crate) site_capex_usd: f64,
    /// The machines for the site.
    pub(crate) order: Order,
    /// Their place in the manufacturers' order book.
    pub(crate) quote: Quote,
    /// What they cost, USD.
    pub(crate) machines_usd: f64,
}

/// The world as the review changes it: every site and miner by id, the AI
/// and ASIC markets, the ledger, the order book and the second-hand
/// market.
pub(crate) struct Book<'a> {
    /// Today.
    pub(crate) day: u32,
    /// The ASIC market (its order book).
    pub(crate) asics: &'a mut AsicMarket,
    /// Machines on offer second hand.
    pub(crate) used: &'a mut UsedMachines,
    /// Hashrate on order, TH/s (kept as orders are placed).
    pub(crate) on_order_ths: f64,
    /// Sites by id.
    pub(crate) sites: Sites<'a>,
    /// Miners by id.
    pub(crate) miners: Vec<(Entity, &'a mut Miner)>,
    /// Tenant demand and rates.
    pub(crate) ai: &'a mut AiMarket,
    /// Flows of the day, epoch and run.
    pub(crate) ledger: &'a mut Ledger,
    /// Machines on order.
    pub(crate) orders: &'a mut Orders,
    /// New firms and their sites, by id after the book's, for the world to
    /// spawn once the review ends.
    pub(crate) entered: Vec<(Miner, Site)>,
}

impl Book<'_> {
    /// Machines ordered for `usd`: they join the manufacturers' book at
    /// `quote` and the orders on their way.
    fn book_order(&mut self, order: Order, quote: Quote, usd: f64) {
        self.ledger.add(|f| f.asic_capex_usd += usd);
        self.asics.book(quote);
        self.on_order_ths += order.hashrate_ths;
        self.orders.machines.push(order);
    }

    /// MW put under construction for `capex_usd` (before machines).
    fn book_build(&mut self, build: Build, capex_usd: f64) {
        self.orders.build_days.push(build.ready_day);
        self.ledger.add(|f| {
            f.builds_started += 1;
            f.build_capex_usd += capex_usd;
            f.mw_started += build.mw;
        });
    }
}

/// The sites by id, as the review holds them: each one reached mutably
/// is recorded as touched, so that the daily pass need look afresh only at
/// the sites the review changed (see [`super::review`]).
pub(crate) struct Sites<'a> {
    list: Vec<(Entity, &'a mut Site)>,
    touched: Vec<bool>,
}

impl<'a> Sites<'a> {
    /// How many.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether site `id` was reached mutably.
    #[cfg(test)]
    pub(crate) fn touched(&self, id: usize) -> bool {
        self.touched[id]
    }

    /// Whether each site, by id, was reached mutably; ends the hold on
    /// the sites.
    pub(crate) fn into_touched(self) -> Vec<bool> {
        self.touched
    }
}

impl<'a> FromIterator<(Entity, &'a mut Site)> for Sites<'a> {
    fn from_iter<I: IntoIterator<Item = (Entity, &'a mut Site)>>(iter: I) -> Self {
        let list: Vec<_> = iter.into_iter().collect();
        let touched = vec![false; list.len()];
        Self { list, touched }
    }
}

impl<'a> std::ops::Index<usize> for Sites<'a> {
    type Output = (Entity, &'a mut Site);
    fn index(&self, id: usize) -> &Self::Output {
        &self.list[id]
    }
}

impl std::ops::IndexMut<usize> for Sites<'_> {
    fn index_mut(&mut self, id: usize) -> &mut Self::Output {
        self.touched[id] = true;
        &mut self.list[id]
    }
}

impl Book<'_> {
    /// Site `id`.
    pub(crate) fn site(&self, id: usize) -> &Site {
        self.sites[id].1
    }

    /// Miner `id`.
    pub(crate) fn miner(&self, id: usize) -> &Miner {
        self.miners[id].1
    }

    /// Offers machines that left a site of `seller` second hand.
    fn list(&mut self, seller: u32, machines: impl IntoIterator<Item = (f64, f64)>) {
        self.used.list(seller, self.day, machines);
    }
}

/// A site's fleets as (TH/s, J/TH), emptying it.
fn take_fleets(fleets: &mut Vec<Fleet>) -> Vec<(f64, f64)> {
    fleets
        .drain(..)
        .map(|f| (f.hashrate_ths, f.efficiency_j_per_th))
        .collect()
}

/// Carries out one decision: the only writer of the [`Book`].
pub(crate) fn apply(book: &mut Book, decision: Decision) {
    match decision {
        Decision::EndContracts { site, day } => end_contracts(book, site, day),
        Decision::Retire { site, days } => retire(book, site, days),
        Decision::Bankrupt { miner } => {
            book.miners[miner].1.exited = true;
            book.ledger.add(|f| f.miners_exited += 1);
        }
        Decision::SellToAi {
            site,
            usd,
            critical_mw,
        } => sell_to_ai(book, site, usd, critical_mw),
        Decision::SellToMiner { site, buyer, usd } => {
            let (buyer_entity, m) = &mut book.miners[buyer];
            m.cash_usd -= usd;
            book.sites[site].1.transfer(*buyer_entity, m);
        }
        Decision::Close { site } => {
            let s = &mut book.sites[site].1;
            let (owner, machines) = (s.owner_id, take_fleets(&mut s.fleets));
            book.list(owner, machines);
        }
        Decision::Convert {
            site,
            idle_mw,
            project,
            capex_usd,
            equity_usd,
        } => convert(book, site, idle_mw, project, capex_usd, equity_usd),
        Decision::Order {
            miner,
            usd,
            debt_usd,
            order,
            quote,
        } => {
            let m = &mut book.miners[miner].1;
            m.cash_usd -= usd - debt_usd;
            m.debt_usd += debt_usd;
            book.book_order(order, quote, usd);
        }
        Decision::Build {
            site,
            build,
            capex_usd,
            equity_usd,
        } => {
            let s = &mut book.sites[site].1;
            s.builds.push(build);
            let m = &mut book.miners[s.owner_id as usize].1;
            m.cash_usd -= equity_usd;
            m.debt_usd += capex_usd - equity_usd;
            book.book_build(build, capex_usd);
        }
        Decision::Scrap { lots } => scrap(book, &lots),
        Decision::BuyUsed {
            site,
            efficiency_j_per_th,
            hashrate_ths,
            usd,
        } => buy_used(book, site, efficiency_j_per_th, hashrate_ths, usd),
        Decision::UsedRoundEnds { usd_per_th } => {
            book.used.lots.retain(|l| l.hashrate_ths > 1e-9);
            if let Some(price) = usd_per_th {
                book.used.last_price_usd_per_th = price;
            }
        }
        Decision::Enter(entry) => enter(book, *entry),
    }
}

/// [`Decision::EndContracts`].
fn end_contracts(book: &mut Book, site: usize, day: u32) {
    let s = &mut book.sites[site].1;
    let ended: f64 = s
        .projects
        .iter()
        .filter(|p| p.end_day <= day)
        .map(|p| p.mw)
        .sum();
    s.projects.retain(|p| p.end_day > day);
    s.shell_mw += ended;
}

/// [`Decision::Retire`].
fn retire(book: &mut Book, site: usize, days: u32) {
    let today = book.day;
    let s = &mut book.sites[site].1;
    let (keep, mut retired): (Vec<Fleet>, Vec<Fleet>) = s
        .fleets
        .drain(..)
        .partition(|f| f.curtailed_days(today) < days);
    s.fleets = keep;
    let owner = s.owner_id;
    book.list(owner, take_fleets(&mut retired));
}

/// [`Decision::SellToAi`].
fn sell_to_ai(book: &mut Book, site: usize, usd: f64, critical_mw: f64) {
    let s = &mut book.sites[site].1;
    let machines = take_fleets(&mut s.fleets);
    s.sold = true;
    // The buyer takes the site as it stands: MW still being built for
    // mining is abandoned (its capex is sunk).
    s.builds.clear();
    let owner = s.owner_id as usize;
    book.list(owner as u32, machines);
    book.miners[owner].1.cash_usd += usd;
    book.ledger.add(|f| {
        f.sites_sold += 1;
        f.site_sales_usd += usd;
    });
    book.ai.take(critical_mw);
}

/// [`Decision::Convert`].
fn convert(
    book: &mut Book,
    site: usize,
    idle_mw: f64,
    project: Project,
    capex_usd: f64,
    equity_usd: f64,
) {
    let s = &mut book.sites[site].1;
    let left = free_mw(&mut s.fleets, idle_mw, project.mw);
    let owner = s.owner_id as usize;
    let (mw, kind, loan, prepaid) = (
        project.mw,
        project.kind,
        project.loan_usd,
        project.prepaid_usd,
    );
    book.ai.take(mw * book.ai.params().critical_it_share);
    // A hall left by an ended contract is used first.
    s.shell_mw = (s.shell_mw - mw).max(0.0);
    s.projects.push(project);
    book.list(owner as u32, left);
    let m = &mut book.miners[owner].1;
    // The customer's prepayment funds the capex first; what it leaves
    // over is cash.
    m.cash_usd += (prepaid - capex_usd).max(0.0) - equity_usd;
    m.debt_usd += loan;
    book.ledger.add(|f| {
        f.conversions_started += 1;
        f.ai_capex_usd += capex_usd;
        f.project_loans_usd += loan;
        match kind {
            ProjectKind::Lease => f.leases_signed_mw += mw,
            ProjectKind::GpuCloud => f.gpu_clouds_signed_mw += mw,
        }
    });
}

/// [`Decision::Scrap`]: `lots` are positions in the market's list, in
/// order.
fn scrap(book: &mut Book, lots: &[usize]) {
    let (mut scrapped, mut next, mut position) = (0.0, lots.iter().peekable(), 0);
    book.used.lots.retain(|l| {
        let stale = next.next_if_eq(&&position).is_some();
        if stale {
            scrapped += l.hashrate_ths;
        }
        position += 1;
        !stale
    });
    book.ledger.add(|f| f.scrapped_ehs += ths_to_ehs(scrapped));
}

/// [`Decision::BuyUsed`]: machines of `e` J/TH bought for `usd`, from
/// every lot of that efficiency in proportion.
fn buy_used(book: &mut Book, site: usize, e: f64, hashrate_ths: f64, usd: f64) {
    let same = |l: &&mut Lot| l.efficiency_j_per_th.to_bits() == e.to_bits();
    let on_offer: f64 = book
        .used
        .lots
        .iter_mut()
        .filter(same)
        .map(|l| l.hashrate_ths)
        .sum();
    let share = (hashrate_ths / on_offer).min(1.0);
    for l in book.used.lots.iter_mut().filter(same) {
        let ths = l.hashrate_ths * share;
        l.hashrate_ths -= ths;
        book.miners[l.seller as usize].1.cash_usd += usd * ths / hashrate_ths;
    }
    let s = &mut book.sites[site].1;
    s.add_machines(hashrate_ths, e);
    let buyer = s.owner_id as usize;
    book.miners[buyer].1.cash_usd -= usd;
    book.ledger.add(|f| {
        f.used_bought_ehs += ths_to_ehs(hashrate_ths);
        f.used_bought_usd += usd;
    });
}

/// [`Decision::Enter`]: the firm's MW and machines are booked and it joins
/// the entrants.
fn enter(book: &mut Book, entry: Entry) {
    let Entry {
        miner,
        mut site,
        build,
        site_capex_usd,
        order,
        quote,
        machines_usd,
    } = entry;
    site.builds.push(build);
    book.book_build(build, site_capex_usd);
    book.book_order(order, quote, machines_usd);
    book.ledger.add(|f| f.miners_entered += 1);
    book.entered.push((miner, site));
}

/// Frees `mw` of a site for conversion: idle MW first, then the worst
/// machines (the last one in part); returns the machines that left, as
/// (TH/s, J/TH).
fn free_mw(fleets: &mut Vec<Fleet>, idle_mw: f64, mw: f64) -> Vec<(f64, f64)> {
    crate::agents::evict_worst(fleets, mw - idle_mw, f64::NEG_INFINITY)
}
