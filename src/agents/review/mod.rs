//! The strategic review, once an epoch, as stages that read the world and
//! plan [`Decision`]s, each carried out by [`apply`] before the next is
//! planned (so that a decision sees the cash and the tenant demand the
//! ones before it left). The stages, in order ([`plan`]):
//! 1. contracts that have ended free their MW (idle again);
//! 2. fleets curtailed for `strategy.retire_after_days` are retired (and
//!    offered second hand);
//! 3. miners in distress for `strategy.distress_days` go bankrupt, and each
//!    of their sites goes to the best bidder: an AI buyer (the hashrate
//!    leaves) or the solvent miner that values it most (consolidation);
//!    a site nobody bids for closes;
//! 4. AI-eligible sites, largest owners first (big firms get first call on
//!    tenants), compare carrying on with leasing a stage of the site,
//!    running an own GPU cloud on it, or selling it whole — each switch
//!    taken only when it beats carrying on by the hysteresis margin and
//!    the miner can pay its equity share;
//! 5. the second-hand market clears: machines that left sites are sold to
//!    sites with free MW, cheapest power first, or scrapped once they have
//!    waited `strategy.used_listing_days`;
//! 6. miners with cash above their reserve buy frontier ASICs for free MW
//!    when the machines pay back within their life at the miner's hurdle,
//!    or renew their worst fleet when new machines beat keeping it; each
//!    order joins the manufacturers' order book, so it waits for the ones
//!    before it and pays the backlog's premium;
//! 7. miners with no build under way build as many MW again on their
//!    largest site when it pays, financed by cash and debt;
//! 8. new firms enter: prospective sites arrive at
//!    `strategy.entrant_mw_per_year`, and each whose site pays as stage 7's
//!    would is built by a new miner, spawned with the next ids.
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

pub mod context;
pub mod decision;
pub mod plan;

use context::Context;
use decision::{Book, Decision, apply};

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
    };
    let r = plan::Review {
        cx: &cx,
        strategy: &w.strategy,
        regions: &w.regions,
        fees: &w.fees.0,
        size_mw: &w.table.miner_mw,
        network_ths: w.table.total_ths,
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
    r.used_market(&mut book, &on_order, w.strategy.growth);
    let mut entered = Vec::new();
    if w.strategy.growth {
        r.growth(&mut book, &on_order);
        if w.strategy.build {
            r.build(&mut book);
            entered = r.entry(&mut book, &mut w.entrants, w.seed.0);
        }
    }
    // The sites the review reached mutably are the ones it changed: the
    // daily pass looks at them afresh, and holds the others' decisions
    // without reading their fleets again.
    let touched = book.sites.into_touched();
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
