//! The strategic review, once an epoch, as stages that read the world
//! ([`Book`]) and plan [`Decision`]s without changing anything; [`apply`]
//! alone writes the book. Each decision is carried out before the next is
//! planned (so that a decision sees the cash, the free MW, the order book
//! and the tenant demand the ones before it left): a stage plans one
//! decision, or one batch planned on the same book, given a cursor (a site,
//! a miner, a generation of used machines), and the loop here applies it
//! and asks for the next. The stages, in order, and the files they live in:
//! 1. `exits.rs`: contracts that have ended free their MW (idle again);
//! 2. `exits.rs`: fleets curtailed for `strategy.retire_after_days` are
//!    retired (and offered second hand);
//! 3. `exits.rs`: miners in distress for `strategy.distress_days` go
//!    bankrupt, and each of their sites goes to the best bidder: an AI
//!    buyer (the hashrate leaves) or the solvent miner that values it most
//!    (consolidation); a site nobody bids for closes;
//! 4. `ai.rs`: AI-eligible sites, largest owners first (big firms get first
//!    call on tenants), compare carrying on with leasing a stage of the
//!    site, running an own GPU cloud on it, or selling it whole — each
//!    switch taken only when it beats carrying on by the hysteresis margin
//!    and the miner can pay its equity share;
//! 5. `used.rs`: the second-hand market clears: machines that left sites
//!    are scrapped once they have waited `strategy.used_listing_days`, and
//!    the rest sold to sites with free MW, cheapest power first;
//! 6. `capital.rs`: miners with cash above their reserve buy frontier ASICs
//!    for free MW when the machines pay back within their life at the
//!    miner's hurdle, or renew their worst fleet when new machines beat
//!    keeping it; each order joins the manufacturers' order book, so it
//!    waits for the ones before it and pays the backlog's premium;
//! 7. `capital.rs`: miners with no build under way build as many MW again
//!    on their largest site when it pays, financed by cash and debt;
//! 8. `entry.rs`: new firms enter: prospective sites arrive at
//!    `strategy.entrant_mw_per_year`, and each whose site pays as stage 7's
//!    would is built by a new miner, spawned with the next ids once the
//!    review ends.
//!
//! Beside them: `plan.rs` holds what every stage reads besides the book
//! ([`plan::Review`]) and how a miner sees the markets from it;
//! `context.rs` the markets as the review sees them once an epoch;
//! `decision.rs` the decisions, the book and [`apply`]. The sites the
//! review reaches mutably are marked in [`ChangedSites`] for the daily
//! pass.
//!
//! Everything is visited in a fixed order (by size, then by id) and every
//! draw is keyed by site, so results never depend on iteration order.

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::agents::daily::ChangedSites;
use crate::agents::{Entrants, Miner, Orders, Site, Strategy, UsedMachines};
use crate::state::rng::RunSeed;
use crate::state::{
    Chain, Clock, Economics, HashTable, HashpriceMemory, Ledger, Markets, PoolFees,
    PopulationCounts, Regions,
};
use crate::units::power_mw;

pub(crate) mod ai;
pub(crate) mod capital;
pub(crate) mod context;
pub(crate) mod decision;
pub(crate) mod entry;
pub(crate) mod exits;
pub(crate) mod plan;
pub(crate) mod used;

use context::Context;
use decision::{Book, Decision, apply};
use plan::Review;
use used::UsedMarket;

/// What the review reads and changes.
#[derive(SystemParam)]
pub(crate) struct ReviewWorld<'w, 's> {
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
    used: ResMut<'w, UsedMachines>,
    sites: Query<'w, 's, (Entity, &'static mut Site)>,
    miners: Query<'w, 's, (Entity, &'static mut Miner)>,
    entrants: ResMut<'w, Entrants>,
    counts: ResMut<'w, PopulationCounts>,
    seed: Res<'w, RunSeed>,
    changed: ResMut<'w, ChangedSites>,
    commands: Commands<'w, 's>,
}

/// The epoch's strategic review: every stage in order.
pub(crate) fn review(mut w: ReviewWorld) {
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
    for o in &w.orders.machines {
        if let Some(mw) = on_order.get_mut(o.site as usize) {
            *mw += power_mw(o.hashrate_ths, o.efficiency_j_per_th);
        }
    }
    // Ids are dense (0..n, in spawn order), so sorting by id makes the
    // position the id.
    let mut sites: Vec<_> = w
        .sites
        .iter_mut()
        .map(|(e, s)| (e, s.into_inner()))
        .collect();
    sites.sort_unstable_by_key(|s| s.1.id);
    let sites = sites.into_iter().collect();
    let mut miners: Vec<_> = w
        .miners
        .iter_mut()
        .map(|(e, m)| (e, m.into_inner()))
        .collect();
    miners.sort_unstable_by_key(|m| m.1.id);
    let markets = &mut *w.markets;
    let mut book = Book {
        day: cx.day,
        asics: &mut markets.asics,
        used: &mut w.used,
        on_order_ths: w.orders.machines.iter().map(|o| o.hashrate_ths).sum(),
        sites,
        miners,
        ai: &mut markets.ai,
        ledger: &mut w.ledger,
        orders: &mut w.orders,
        entered: Vec::new(),
    };
    let r = Review {
        cx: &cx,
        strategy: &w.strategy,
        regions: &w.regions,
        fees: &w.fees.0,
        size_mw: &w.table.miner_mw,
        network_ths: w.table.total_ths,
    };
    for d in exits::ending_contracts(&book, cx.day) {
        apply(&mut book, d);
    }
    for d in exits::retirements(&book, w.strategy.retire_after_days) {
        apply(&mut book, d);
    }
    let bankrupt = exits::bankruptcies(&book, w.strategy.distress_days);
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
    used_market(&r, &mut book, &on_order, w.strategy.growth);
    if w.strategy.growth {
        machine_orders(&r, &mut book, &on_order);
        if w.strategy.build {
            build(&r, &mut book);
            entry(&r, &mut book, &mut w.entrants, w.seed.0);
        }
    }
    let Book { sites, entered, .. } = book;
    // The sites the review reached mutably are the ones it changed: the
    // daily pass looks at them afresh, and holds the others' decisions
    // without reading their fleets again.
    let touched = sites.into_touched();
    for (id, _) in touched.iter().enumerate().filter(|t| *t.1) {
        w.changed.mark(id as u32);
    }
    // The entrants join the world with the next ids.
    for (miner, mut site) in entered {
        w.changed.mark(site.id);
        site.miner = w.commands.spawn(miner).id();
        w.commands.spawn(site);
        w.counts.miners += 1;
    }
}

/// Stage 5: the lots long on offer are scrapped; then, while miners are
/// `buying` (`strategy.growth`), the market's round ([`UsedMarket`]), each
/// sale planned on the book the ones before it left. `on_order_mw` is each
/// site's MW awaiting machines on order, by id.
fn used_market(r: &Review, book: &mut Book, on_order_mw: &[f64], buying: bool) {
    if let Some(d) = r.scrapping(book) {
        apply(book, d);
    }
    if book.used.lots.is_empty() || !buying {
        return;
    }
    let mut market = UsedMarket::open(r, book, on_order_mw);
    while let Some(d) = market.next(r, book) {
        apply(book, d);
    }
}

/// Stage 6: each site's machine order ([`Review::machine_order`]), in id
/// order, each planned on the order book the ones before it left.
fn machine_orders(r: &Review, book: &mut Book, on_order_mw: &[f64]) {
    // Ids are positions (see `review`), so `on_order_mw` is by position.
    for (site, &ordered_mw) in on_order_mw.iter().enumerate().take(book.sites.len()) {
        if let Some(d) = r.machine_order(book, site, ordered_mw) {
            apply(book, d);
        }
    }
}

/// Stage 7: each builder's new MW and machines ([`Review::new_mw`]), in
/// turn ([`capital::Builders`]), each planned on the cash and order book the ones
/// before it left.
fn build(r: &Review, book: &mut Book) {
    let builders = r.builders(book);
    for &miner in &builders.miners {
        for d in r.new_mw(book, &builders, miner).into_iter().flatten() {
            apply(book, d);
        }
    }
}

/// Stage 8: the prospects due arrive, and new firms enter one by one
/// ([`Review::entrant`]) into [`Book::entered`].
fn entry(r: &Review, book: &mut Book, entrants: &mut Entrants, seed: u64) {
    r.prospects_arrive(entrants);
    while let Some(d) = r.entrant(book, entrants, seed) {
        apply(book, d);
    }
}
