//! The miners' daily systems. Each day, in this order:
//! - [`remember_hashprice`]: today's hashprice joins the adaptive miners'
//!   moving average;
//! - [`update_power_prices`]: every region's price factor (drift, tariff
//!   steps, AI load bidding up power);
//! - [`deliver_asics`]: MW under construction whose day has come is
//!   energised, and machines ordered earlier start hashing (taking the
//!   place of worse ones when the site is full: those go second hand);
//! - [`operate_fleets`]: on its turn (once every `strategy.commit_days`)
//!   each site switches each fleet on while the hashprice expected over
//!   the commitment (the projected retarget included), net of the pool
//!   fee, pays for its electricity, and off otherwise (mothballed after
//!   `strategy.mothball_after_days`); between turns the decision holds.
//!   Every fleet stops while its region or site is held offline. Partial
//!   curtailment follows, worst machines first, because each generation is
//!   judged on its own J/TH; a switched-off fleet still runs its
//!   take-or-pay share. Other opex is paid on every installed machine.
//!   Margins go to owners, and each site is counted into the hashrate
//!   tally ([`super::tally`]);
//! - [`settle_accounts`]: mining margins, AI income and interest move cash;
//!   a miner whose cash is below its credit line counts a day of distress.
//!
//! Strategic decisions (AI, sale, growth, bankruptcy) are taken once an
//! epoch by [`super::review`].

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use super::daily::{ChangedSites, DailyMargins, SiteTallies, SiteTally};
use super::tally::{CountInto, CountTotals, count_site};
use super::valuation::{GpuTerms, gpu_net_usd_per_hour, lease_noi_usd_per_month};
use super::{
    Fleet, FleetState, Miner, Order, Orders, ProjectKind, Site, Strategy, UsedMachines,
    breakeven_hashprice_usd_per_ph_day,
};
use crate::market::ai::AiMarket;
use crate::state::{
    Clock, Economics, HashTable, HashpriceMemory, Ledger, Markets, PoolFees, PopulationCounts,
    Regions,
};
use crate::units::{DAYS_PER_MONTH, DAYS_PER_YEAR, HOURS_PER_DAY};

/// A site's price today, USD/MWh, electricity only.
pub(crate) fn site_power_price(site: &Site, regions: &Regions) -> f64 {
    site.power_price_usd_per_mwh * regions.price_factor[site.region as usize]
}

/// Daily: folds today's hashprice into the adaptive miners' moving average
/// (an exponential one over `strategy.memory_days`). The average is kept
/// per BTC of block reward and applied to today's reward, so that a
/// halving, which every miner knows of, halves it at once instead of
/// dragging it down over the memory.
pub(crate) fn remember_hashprice(
    economics: Res<Economics>,
    strategy: Res<Strategy>,
    mut memory: ResMut<HashpriceMemory>,
) {
    let reward = economics.subsidy_btc + economics.expected_fees_btc;
    if reward <= 0.0 {
        memory.average_usd_per_ph_day = economics.hashprice_usd_per_ph_day;
        return;
    }
    let per_reward = economics.hashprice_usd_per_ph_day / reward;
    if memory.average_per_btc_reward == 0.0 {
        memory.average_per_btc_reward = per_reward;
    } else {
        let w = 1.0 / strategy.memory_days;
        memory.average_per_btc_reward += (per_reward - memory.average_per_btc_reward) * w;
    }
    memory.average_usd_per_ph_day = memory.average_per_btc_reward * reward;
}

/// Daily: each region's power-price factor.
pub(crate) fn update_power_prices(
    clock: Res<Clock>,
    strategy: Res<Strategy>,
    mut regions: ResMut<Regions>,
) {
    let years = clock.day as f64 / DAYS_PER_YEAR;
    let r = &mut *regions;
    for i in 0..r.names.len() {
        r.price_factor[i] = (1.0 + r.drift_per_year[i]).powf(years)
            * r.tariff[i]
            * (1.0 + strategy.ai_price_pressure_per_gw * r.ai_mw[i] / 1000.0);
    }
}

/// Daily: MW under construction whose ready day has come is energised;
/// machines whose delivery day has come start on their site, joining the
/// site's fleet of the same generation if it has one. New machines that
/// do not fit take the place of worse ones (a renewal), which go to the
/// second-hand market. Machines for a site sold meanwhile go there too.
/// Each site energised or given machines is marked in [`ChangedSites`].
pub(crate) fn deliver_asics(
    clock: Res<Clock>,
    mut orders: ResMut<Orders>,
    mut used: ResMut<UsedMachines>,
    mut changed: ResMut<ChangedSites>,
    mut sites: Query<&mut Site>,
) {
    let day = clock.day;
    let builds_due = orders.build_days.iter().any(|&d| d <= day);
    if !builds_due && !orders.machines.iter().any(|o| o.day <= day) {
        return;
    }
    orders.build_days.retain(|&d| d > day);
    let mut due: Vec<Order> = orders.machines.extract_if(.., |o| o.day <= day).collect();
    due.sort_by_key(|o| o.site);
    for mut site in &mut sites {
        // Only a site whose build is ready is changed (the daily pass
        // looks afresh at changed sites).
        if site.builds.iter().any(|b| b.ready_day <= day) {
            site.complete_builds(day);
            changed.mark(site.id);
        }
        if due.is_empty() {
            continue;
        }
        let id = site.id;
        let first = due.partition_point(|o| o.site < id);
        for o in due[first..].iter().take_while(|o| o.site == id) {
            if site.sold {
                used.list(
                    site.owner_id,
                    day,
                    [(o.hashrate_ths, o.efficiency_j_per_th)],
                );
                continue;
            }
            let mw = crate::units::power_mw(o.hashrate_ths, o.efficiency_j_per_th);
            let left = site.make_room(mw, o.efficiency_j_per_th);
            used.list(site.owner_id, day, left);
            site.add_machines(o.hashrate_ths, o.efficiency_j_per_th);
            changed.mark(id);
        }
    }
}

/// Daily: each fleet runs as its site last decided (see the module docs),
/// and stops while its region or site is offline; each books its day's
/// margin (revenue after the pool fee on what it hashed — FPPS pays the
/// expected value of the hashrate — less the power it paid for and other
/// opex) to its owner in [`DailyMargins`].
/// A site's AI projects book their income to its owner too. Each site is
/// then counted into the [`HashTable`] (all in one pass, so the day visits
/// every site once).
pub(crate) fn operate_fleets(mut day: OperatingDay, mut sites: Query<&mut Site>) {
    let d = &mut day;
    let hashprice = d.economics.hashprice_usd_per_ph_day;
    let opex = d.strategy.other_opex_usd_per_mwh;
    let ai = &d.markets.ai;
    let miners = d.counts.miners as usize;
    d.margins.start(miners);
    d.table.clear_sums(miners, &mut d.regions);
    let gpu_terms = GpuTerms::from(&ai.params().gpu);
    let commit = d.strategy.commit_days.max(1);
    let outlook = d.economics.outlook_hashprice_usd_per_ph_day(commit as f64);
    let average = d.memory.average_usd_per_ph_day;
    // Today's hashprice net of each pool's fee, and likewise the hashprice
    // expected over a commitment and the moving average.
    let net_by_pool: Vec<NetHashprice> = d
        .fees
        .0
        .iter()
        .map(|fee| {
            let keep = 1.0 - fee / 100.0;
            NetHashprice {
                today: hashprice * keep,
                outlook: outlook * keep,
                average: average * keep,
            }
        })
        .collect();
    let day = d.clock.day;
    let daily_interest = d.strategy.interest_rate_per_year / DAYS_PER_YEAR;
    let plan = Plan {
        opex,
        mothball_after_days: d.strategy.mothball_after_days,
        take_or_pay: d.strategy.take_or_pay_share,
        ..Plan::new(day, commit)
    };
    let (mut revenue, mut lease, mut gpu, mut repaid) = (0.0, 0.0, 0.0, 0.0);
    let mut totals = CountTotals::default();
    // Each resource is dereferenced once for the day, not once a site.
    let tallies = &mut d.tallies.0;
    let count = sites.iter().len();
    if tallies.capacity() < count {
        // Room for the sites there are and an eighth more for new ones,
        // not the doubling a growing vector would reserve: at a million
        // sites the tallies are a hundred MB.
        tallies.reserve_exact(count + count / 8 - tallies.len());
    }
    let (table, regions, margins) = (&mut *d.table, &mut *d.regions, &mut *d.margins);
    let changed = &*d.changed;
    for mut site in &mut sites {
        let id = site.id as usize;
        if tallies.len() <= id {
            tallies.resize(id + 1, SiteTally::default());
        }
        let tally = &mut tallies[id];
        // A site another system has changed since yesterday (the review,
        // a delivery, an event) is looked at afresh.
        let known = !changed.contains(site.id);
        operate_site(
            &mut site,
            known,
            tally,
            DayMarket {
                regions,
                net_by_pool: &net_by_pool,
            },
            plan,
            &mut margins.usd,
            &mut revenue,
        );
        if !site.projects.is_empty() {
            let (l, g) = project_income(&site, ai, &gpu_terms, regions, day);
            let owner = site.owner_id as usize;
            margins.usd[owner] += l + g;
            let due: f64 = site.projects.iter().map(|p| p.principal_usd(day)).sum();
            let mut capitalised = 0.0;
            for p in site.projects.iter_mut().filter(|p| p.converting(day)) {
                let interest = p.loan_usd * daily_interest;
                p.loan_usd += interest;
                capitalised += interest;
            }
            margins.book_projects(owner, due, capitalised);
            repaid += due;
            lease += l;
            gpu += g;
        }
        let mut into = CountInto {
            table,
            totals: &mut totals,
            regions,
        };
        count_site(&mut into, &site, &tally.sums, tally.building_mw, day);
    }
    totals.store(table);
    table.finish_sums();
    d.changed.clear();
    d.ledger.add(|f| {
        f.revenue_mining_usd += revenue;
        f.revenue_ai_lease_usd += lease;
        f.revenue_gpu_cloud_usd += gpu;
        f.project_repaid_usd += repaid;
    });
}

/// What [`operate_fleets`] reads and writes besides the sites.
#[derive(SystemParam)]
pub(crate) struct OperatingDay<'w> {
    clock: Res<'w, Clock>,
    economics: Res<'w, Economics>,
    memory: Res<'w, HashpriceMemory>,
    fees: Res<'w, PoolFees>,
    strategy: Res<'w, Strategy>,
    counts: Res<'w, PopulationCounts>,
    markets: Res<'w, Markets>,
    regions: ResMut<'w, Regions>,
    table: ResMut<'w, HashTable>,
    margins: ResMut<'w, DailyMargins>,
    tallies: ResMut<'w, SiteTallies>,
    changed: ResMut<'w, ChangedSites>,
    ledger: ResMut<'w, Ledger>,
}

/// The day's terms of operation for every site.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// Day of the run.
    day: u32,
    /// Days an on/off decision holds.
    commit: u32,
    /// Other opex, USD/MWh of installed machines, running or not.
    opex: f64,
    /// Days curtailed (net) before a fleet is mothballed.
    mothball_after_days: u32,
    /// Share of every fleet's power bought take-or-pay.
    take_or_pay: f64,
    /// `day` modulo `commit`: where today falls in the cycle of turns.
    cycle: u32,
}

impl Plan {
    /// The terms of `day` with decisions held `commit` days (at least
    /// one), no other opex, no take-or-pay, and no mothballing.
    fn new(day: u32, commit: u32) -> Self {
        let commit = commit.max(1);
        Self {
            day,
            commit,
            opex: 0.0,
            mothball_after_days: u32::MAX,
            take_or_pay: 0.0,
            cycle: day % commit,
        }
    }

    /// A site's turn: its id modulo `commit`, as kept in its tally once
    /// the tally is set.
    fn turn(&self, site: &Site, tally: &SiteTally) -> u32 {
        if tally.valid {
            tally.turn
        } else {
            site.id % self.commit
        }
    }

    /// Whether a site whose turn is `turn` ([`Plan::turn`]) reconsiders
    /// its fleets today: on day 0, then once every `commit` days on a day
    /// of its own (its id sets the turn): the days when day + id is a
    /// multiple of `commit`, that is when the two remainders add up to 0
    /// or `commit`.
    fn decides(&self, turn: u32) -> bool {
        self.day == 0 || self.cycle + turn == 0 || self.cycle + turn == self.commit
    }
}

/// A pool's hashprice net of its fee, USD/PH/day.
#[derive(Clone, Copy, Debug)]
struct NetHashprice {
    /// Today's.
    today: f64,
    /// Expected over a commitment (the projected retarget included).
    outlook: f64,
    /// The moving average ([`HashpriceMemory`]).
    average: f64,
}

/// The markets as a site's day reads them.
#[derive(Clone, Copy)]
struct DayMarket<'a> {
    /// The regions: their price factors, and whether each is online.
    regions: &'a Regions,
    /// Each pool's net hashprice, by pool index.
    net_by_pool: &'a [NetHashprice],
}

/// One site's fleets for the day under `market`: see [`operate_fleets`].
/// The fleets are visited only when the site
/// decides today, or its terms have moved (offline, the sign of the net
/// hashprice), or it is not `known` (changed by
/// another system since it was last operated) and its fleets no longer
/// sum as they did; otherwise they do what they did yesterday, and the
/// site's [`SiteTally`] books the day.
#[inline]
fn operate_site<S: std::ops::DerefMut<Target = Site>>(
    site: &mut S,
    known: bool,
    tally: &mut SiteTally,
    market: DayMarket,
    plan: Plan,
    margins: &mut [f64],
    revenue: &mut f64,
) {
    let s: &Site = site;
    // The MW under construction change only with the site; kept, they
    // spare a read of every building site's list each day.
    if !known || !tally.valid {
        tally.building_mw = s.building_mw();
    }
    debug_assert_eq!(tally.building_mw, s.building_mw(), "site {}", s.id);
    let regions = market.regions;
    let price = site_power_price(s, regions);
    let offline = !regions.online[s.region as usize] || s.offline_until_day > plan.day;
    let net = market.net_by_pool[s.pool as usize];
    let owner = s.owner_id as usize;
    let turn = plan.turn(s, tally);
    let decides = plan.decides(turn);
    let terms_hold = tally.valid
        && !decides
        && tally.offline == offline
        && tally.net_positive == (net.today > 0.0);
    // A site changed since (a delivery, an event, or the review, which
    // marks only the sites it reached mutably) holds if its fleets still
    // sum as they did: nothing outside this pass sets a fleet's state, so
    // equal sums mean the same fleets doing the same.
    let holds = terms_hold && (known || tally.sums == s.fleet_sums(plan.take_or_pay));
    if !holds {
        let site: &mut Site = site;
        decide_fleets(&mut site.fleets, offline, decides, net, plan, price);
        *tally = SiteTally {
            building_mw: tally.building_mw,
            sums: site.fleet_sums(plan.take_or_pay),
            valid: true,
            offline,
            net_positive: net.today > 0.0,
            turn,
        };
    }
    debug_assert!(
        !holds || tally.sums == site.fleet_sums(plan.take_or_pay),
        "site {}: its fleets changed while its decision held",
        site.id
    );
    let f = &tally.sums;
    // Revenue after the pool fee on what hashed (FPPS pays the expected
    // value of the hashrate), less the power paid for and other opex,
    // which staff, maintenance and site costs run whether the machines
    // do.
    let r = f.running_phs * net.today;
    margins[owner] +=
        r - f.paid_mw * HOURS_PER_DAY * price - f.installed_mw * HOURS_PER_DAY * plan.opex;
    *revenue += r;
}

/// Each fleet's state for the day: held offline, or decided on the site's
/// turn (or on its first day back online), or as it was, at the site's
/// net hashprice `net` and power price `price`. Moves each fleet's count
/// of days switched off and its running share.
fn decide_fleets(
    fleets: &mut [Fleet],
    offline: bool,
    decides: bool,
    net: NetHashprice,
    plan: Plan,
    price: f64,
) {
    let (outlook, average_net) = (net.outlook, net.average);
    for fleet in fleets {
        let days_off = fleet.curtailed_days(plan.day.saturating_sub(1));
        let state = if offline {
            FleetState::Offline
        } else if decides || fleet.state == FleetState::Offline {
            let breakeven = breakeven_hashprice_usd_per_ph_day(fleet.efficiency_j_per_th, price);
            let pays = outlook >= breakeven;
            match fleet.state {
                FleetState::Mothballed if !(pays && average_net >= breakeven) => {
                    FleetState::Mothballed
                }
                _ if pays => FleetState::Mining,
                _ if days_off >= plan.mothball_after_days => FleetState::Mothballed,
                _ => FleetState::Curtailed,
            }
        } else {
            fleet.state
        };
        // The take-or-pay share of its power is paid for in every state,
        // so a fleet switched off by its owner still runs that share while
        // hashing earns anything at all.
        let (running, days_off) = match state {
            FleetState::Mining => (1.0, days_off.saturating_sub(1)),
            FleetState::Curtailed | FleetState::Mothballed => {
                let share = standby_share(net.today, plan.take_or_pay);
                (share, days_off + 1)
            }
            FleetState::Offline => (0.0, days_off),
        };
        fleet.running_share = running;
        fleet.state = state;
        fleet.set_curtailed_days(days_off, plan.day);
    }
}

/// The share of a switched-off fleet that still hashes at today's net
/// hashprice `net`: its take-or-pay share (`take_or_pay`), whose power is
/// paid for anyway, while hashing earns anything at all.
pub(crate) fn standby_share(net: f64, take_or_pay: f64) -> f64 {
    if net > 0.0 { take_or_pay } else { 0.0 }
}

/// A site's AI income today: lease NOI and GPU-cloud net of opex, power
/// and the prepayment worked off, USD, for the projects that have
/// finished building.
fn project_income(
    site: &Site,
    ai: &AiMarket,
    gpu_terms: &GpuTerms,
    regions: &Regions,
    day: u32,
) -> (f64, f64) {
    let spec = ai.params();
    let (mut lease, mut gpu) = (0.0, 0.0);
    for p in site.projects.iter().filter(|p| !p.converting(day)) {
        match p.kind {
            ProjectKind::Lease => {
                lease += lease_noi_usd_per_month(
                    p.mw,
                    spec.critical_it_share,
                    p.lease_usd_per_kw_month,
                    spec.noi_margin,
                ) / DAYS_PER_MONTH;
            }
            ProjectKind::GpuCloud => {
                gpu += HOURS_PER_DAY
                    * gpu_net_usd_per_hour(
                        p.mw,
                        spec.critical_it_share,
                        gpu_terms,
                        p.gpu_usd_per_hour,
                        site_power_price(site, regions),
                    )
                    - p.prepaid_worked_off_usd(day);
            }
        }
    }
    (lease, gpu)
}

/// Daily: each miner's cash moves by its day's income ([`DailyMargins`]:
/// mining margin and AI income) less interest on its debt — but for the
/// interest of projects being built, which joins the debt instead — and
/// less the principal its project loans repay today (which lowers the
/// debt). A miner below its credit line counts a day of distress.
pub(crate) fn settle_accounts(
    strategy: Res<Strategy>,
    table: Res<HashTable>,
    margins: Res<DailyMargins>,
    mut miners: Query<&mut Miner>,
) {
    let daily_interest = strategy.interest_rate_per_year / DAYS_PER_YEAR;
    let credit = strategy.credit_line_usd_per_mw;
    // The three figures are kept at one length ([`DailyMargins::start`]);
    // a miner past it (none booked yet) has none.
    let n = margins.usd.len();
    let incomes = &margins.usd;
    let (principals, capitalised_by_id) = margins.projects();
    for mut miner in &mut miners {
        if miner.exited {
            continue;
        }
        let id = miner.id as usize;
        let (income, principal, capitalised) = if id < n {
            (incomes[id], principals[id], capitalised_by_id[id])
        } else {
            (0.0, 0.0, 0.0)
        };
        let interest = miner.debt_usd * daily_interest - capitalised;
        miner.cash_usd += income - interest - principal;
        miner.debt_usd = (miner.debt_usd + capitalised - principal).max(0.0);
        let owned_mw = table.miner_mw.get(id).copied().unwrap_or(0.0);
        if miner.cash_usd < -credit * owned_mw {
            miner.distress_days += 1;
        } else if miner.distress_days != 0 {
            miner.distress_days = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::Belief;
    use crate::agents::testing::{markets, strategy};

    /// A 100 MW site at $45/MWh in region 0 with 1 EH/s of each of five
    /// generations, in a pool that keeps 2 %.
    fn site() -> (Site, Regions) {
        let owner = Miner::new(0, 0, 0.0, 0.0, Belief::Myopic, 0.1);
        let mut site = Site::new(0, Entity::PLACEHOLDER, &owner, 100.0, 45.0, 0, false);
        for e in [15.0, 17.5, 21.5, 29.5, 34.0] {
            site.push_fleet(Fleet::new(1e6, e));
        }
        let mut regions = Regions::default();
        regions.intern("A");
        (site, regions)
    }

    /// Daily decisions, no other opex, no take-or-pay.
    fn daily(day: u32) -> Plan {
        Plan {
            mothball_after_days: 30,
            ..Plan::new(day, 1)
        }
    }

    /// Decisions held a week, otherwise as [`daily`].
    fn weekly(day: u32) -> Plan {
        Plan {
            mothball_after_days: 30,
            ..Plan::new(day, 7)
        }
    }

    /// Operates the site under `plan` with today's, the expected and the
    /// average hashprice all at `hashprice`: the fleets' states, best
    /// machines first, the owner's margin and the revenue.
    fn operate_with(
        site: &mut Site,
        regions: &Regions,
        hashprice: f64,
        average: f64,
        plan: Plan,
    ) -> (Vec<FleetState>, f64, f64) {
        let (mut margins, mut revenue) = ([0.0], 0.0);
        // The pool keeps 2 %.
        let keep = 1.0 - 2.0 / 100.0;
        let mut site = site;
        operate_site(
            &mut site,
            false,
            &mut SiteTally::default(),
            DayMarket {
                regions,
                net_by_pool: &[NetHashprice {
                    today: hashprice * keep,
                    outlook: hashprice * keep,
                    average: average * keep,
                }],
            },
            plan,
            &mut margins,
            &mut revenue,
        );
        let states = site.fleets.iter().rev().map(|f| f.state).collect();
        (states, margins[0], revenue)
    }

    fn operate(
        site: &mut Site,
        regions: &Regions,
        hashprice: f64,
        day: u32,
    ) -> (Vec<FleetState>, f64, f64) {
        operate_with(site, regions, hashprice, hashprice, daily(day))
    }

    fn states(hashprice: f64) -> Vec<FleetState> {
        let (mut s, r) = site();
        operate(&mut s, &r, hashprice, 0).0
    }

    #[test]
    fn the_worst_machines_switch_off_first() {
        use FleetState::*;
        // At $45/MWh, breakevens are 16.2, 18.9, 23.2, 31.9, 36.7 $/PH/day;
        // the pool keeps 2 %.
        assert_eq!(states(30.0), [Mining, Mining, Mining, Curtailed, Curtailed]); // nets 29.4
        assert_eq!(
            states(19.0),
            [Mining, Curtailed, Curtailed, Curtailed, Curtailed]
        ); // 18.62
        assert_eq!(states(40.0), [Mining; 5]); // nets 39.2
    }

    #[test]
    fn mining_fleets_book_their_margin_to_their_owner() {
        let (mut s, r) = site();
        let (_, margin, revenue) = operate(&mut s, &r, 30.0, 0);
        // The three mining fleets: 1 EH/s each earns 1,000 PH/s × $29.40
        // and draws e MW at $45/MWh for 24 h.
        let expect: f64 = [15.0, 17.5, 21.5]
            .iter()
            .map(|e| 29_400.0 - e * HOURS_PER_DAY * 45.0)
            .sum();
        assert!((margin - expect).abs() < 1e-6);
        assert!((revenue - 3.0 * 29_400.0).abs() < 1e-6);
    }

    #[test]
    fn curtailed_days_count_up_and_a_mining_day_takes_one_off() {
        let (mut s, r) = site();
        for day in 0..3 {
            operate(&mut s, &r, 30.0, day);
        }
        let days = |s: &Site, day| {
            s.fleets
                .iter()
                .rev()
                .map(|f| f.curtailed_days(day))
                .collect::<Vec<_>>()
        };
        assert_eq!(days(&s, 2), [0, 0, 0, 3, 3]);
        operate(&mut s, &r, 40.0, 3);
        assert_eq!(days(&s, 3), [0, 0, 0, 2, 2]);
        // Read forward while the decision holds: two more days mining
        // take the count to 0, and it stays there.
        assert_eq!(days(&s, 5), [0; 5]);
        assert_eq!(days(&s, 9), [0; 5]);
        operate(&mut s, &r, 30.0, 4);
        // The decision on day 4 reads the count of day 3 (2), and the
        // fleets curtailed again count up from there.
        assert_eq!(days(&s, 4), [0, 0, 0, 3, 3]);
        assert_eq!(days(&s, 10), [0, 0, 0, 9, 9]);
    }

    #[test]
    fn a_decision_holds_until_the_sites_turn_comes_round() {
        use FleetState::*;
        let (mut s, r) = site();
        // Site 0 decides on day 0 and on days 7, 14, …
        operate_with(&mut s, &r, 30.0, 30.0, weekly(0));
        // Hashprice soars, then collapses: nothing moves until day 7.
        for day in 1..7 {
            let hp = if day % 2 == 0 { 100.0 } else { 10.0 };
            let (states, ..) = operate_with(&mut s, &r, hp, hp, weekly(day));
            assert_eq!(states, [Mining, Mining, Mining, Curtailed, Curtailed]);
        }
        let (states, ..) = operate_with(&mut s, &r, 100.0, 100.0, weekly(7));
        assert_eq!(states, [Mining; 5]);
    }

    #[test]
    fn a_site_decides_when_day_plus_id_is_a_multiple_of_the_commitment() {
        for commit in 1..10 {
            for day in 0..50 {
                let plan = Plan::new(day, commit);
                for id in 0..30 {
                    let mut site = site().0;
                    site.id = id;
                    let expect = day == 0 || (day + id) % commit == 0;
                    // From the id before the tally is set, then from the
                    // tally once it is.
                    let fresh = plan.turn(&site, &SiteTally::default());
                    assert_eq!(plan.decides(fresh), expect, "{commit} {day} {id}");
                    let kept = SiteTally {
                        valid: true,
                        turn: id % commit,
                        ..Default::default()
                    };
                    assert_eq!(plan.decides(plan.turn(&site, &kept)), expect);
                }
            }
        }
    }

    #[test]
    fn between_turns_the_tally_books_what_the_fleets_would() {
        // Weekly decisions: day 0 decides; days 1–6 hold. Each day's margin
        // and revenue from the held sums equal those of visiting every
        // fleet, up to the order of summation.
        let keep = 1.0 - 2.0 / 100.0;
        let weekly = |day| Plan {
            take_or_pay: 0.2,
            opex: 10.0,
            ..weekly(day)
        };
        let (mut held, r) = site();
        let (mut visited, _) = site();
        let mut tally = SiteTally::default();
        for day in 0..7 {
            let hp = 30.0 + day as f64;
            let nets = [NetHashprice {
                today: hp * keep,
                outlook: 30.0 * keep,
                average: 30.0 * keep,
            }];
            let run = |s: &mut Site, known, tally: &mut SiteTally| {
                let (mut m, mut rev) = ([0.0], 0.0);
                let mut s = s;
                operate_site(
                    &mut s,
                    known,
                    tally,
                    DayMarket {
                        regions: &r,
                        net_by_pool: &nets,
                    },
                    weekly(day),
                    &mut m,
                    &mut rev,
                );
                (m[0], rev)
            };
            let a = run(&mut held, true, &mut tally);
            let b = run(&mut visited, false, &mut SiteTally::default());
            assert!(
                (a.0 - b.0).abs() <= 1e-9 * b.0.abs(),
                "day {day}: {a:?} {b:?}"
            );
            assert!(
                (a.1 - b.1).abs() <= 1e-9 * b.1.abs(),
                "day {day}: {a:?} {b:?}"
            );
            assert_eq!(tally.sums, visited.fleet_sums(0.2));
        }
        // The held site's fleets were last visited on day 0, yet read the
        // same as those visited every day.
        for (h, v) in held.fleets.iter().zip(&visited.fleets) {
            assert_eq!(h.state, v.state);
            assert_eq!(h.curtailed_days(6), v.curtailed_days(6));
        }
    }

    #[test]
    fn a_site_changed_between_turns_is_visited_again() {
        // In a world: the daily system, then a change from outside (a
        // delivery of 1 EH/s at 15 J/TH), then the daily system again on a
        // day the site does not decide: the new machines earn at once.
        let mut world = World::new();
        let (mut site, regions) = site();
        site.id = 1; // decides on days 6, 13, …
        let e = world.spawn(site).id();
        world.insert_resource(regions);
        world.insert_resource(Clock::default());
        world.insert_resource(Economics {
            hashprice_usd_per_ph_day: 40.0,
            ..Default::default()
        });
        world.insert_resource(HashpriceMemory::default());
        world.insert_resource(PoolFees(vec![0.0]));
        world.insert_resource(Strategy {
            commit_days: 7,
            ..strategy()
        });
        world.insert_resource(PopulationCounts { miners: 1 });
        world.insert_resource(markets(0.0, 1.0));
        world.insert_resource(HashTable::new(1));
        world.insert_resource(DailyMargins::default());
        world.insert_resource(SiteTallies::default());
        world.insert_resource(ChangedSites::default());
        world.insert_resource(Ledger::default());
        let mut system = IntoSystem::into_system(operate_fleets);
        system.initialize(&mut world);
        let mut day = |world: &mut World, d: u32| {
            world.resource_mut::<Clock>().day = d;
            system.run((), world).unwrap();
            world.resource::<HashTable>().total_ths
        };
        assert_eq!(day(&mut world, 0), 5e6);
        assert_eq!(day(&mut world, 1), 5e6);
        world.get_mut::<Site>(e).unwrap().add_machines(1e6, 15.0);
        world.resource_mut::<ChangedSites>().mark(1);
        assert_eq!(day(&mut world, 2), 6e6);
        assert_eq!(day(&mut world, 3), 6e6);
    }

    #[test]
    fn a_mothballed_fleet_waits_for_the_average_to_pay() {
        use FleetState::*;
        let (mut s, r) = site();
        // 30 days at $30: the two worst fleets are curtailed, then
        // mothballed on the day after the 30th.
        for day in 0..31 {
            operate(&mut s, &r, 30.0, day);
        }
        assert_eq!(s.fleets[0].state, Mothballed);
        // A good day is not enough while the average is still $30…
        let (states, ..) = operate_with(&mut s, &r, 40.0, 30.0, daily(31));
        assert_eq!(states, [Mining, Mining, Mining, Mothballed, Mothballed]);
        // …but once the average pays for the 29.5 J/TH fleet it restarts.
        let (states, ..) = operate_with(&mut s, &r, 40.0, 33.0, daily(32));
        assert_eq!(states, [Mining, Mining, Mining, Mining, Mothballed]);
    }

    #[test]
    fn take_or_pay_power_keeps_its_share_running_and_opex_is_paid_regardless() {
        let (mut s, r) = site();
        let plan = Plan {
            take_or_pay: 0.2,
            opex: 10.0,
            ..daily(0)
        };
        let (_, margin, revenue) = operate_with(&mut s, &r, 30.0, 30.0, plan);
        // The two curtailed fleets (29.5 and 34 J/TH) still hash a fifth
        // of their machines on power paid for anyway.
        assert!((s.fleets[0].running_share - 0.2).abs() < 1e-12);
        assert_eq!(s.fleets[4].running_share, 1.0);
        let hashing = 3.0 + 2.0 * 0.2;
        assert!((revenue - hashing * 29_400.0).abs() < 1e-6);
        // Power: all of the mining fleets, a fifth of the curtailed ones;
        // other opex on all five.
        let power: f64 = [15.0, 17.5, 21.5].iter().sum::<f64>() + 0.2 * (29.5 + 34.0);
        let opex: f64 = [15.0, 17.5, 21.5, 29.5, 34.0].iter().sum::<f64>();
        let expect = revenue - power * HOURS_PER_DAY * 45.0 - opex * HOURS_PER_DAY * 10.0;
        assert!((margin - expect).abs() < 1e-6, "{margin} vs {expect}");
    }

    #[test]
    fn an_offline_region_or_a_storm_stops_every_fleet() {
        let (mut s, mut r) = site();
        r.online[0] = false;
        assert_eq!(operate(&mut s, &r, 100.0, 0).0, [FleetState::Offline; 5]);
        let (mut s, r) = site();
        s.offline_until_day = 2;
        assert_eq!(operate(&mut s, &r, 100.0, 1).0, [FleetState::Offline; 5]);
        assert_eq!(operate(&mut s, &r, 100.0, 2).0, [FleetState::Mining; 5]);
    }

    #[test]
    fn a_tariff_step_curtails_what_it_makes_unprofitable() {
        use FleetState::*;
        let (mut s, mut r) = site();
        // ×1.5 → $67.5/MWh: breakevens 24.3, 28.4, 34.8, …; nets 29.4.
        r.price_factor[0] = 1.5;
        assert_eq!(
            operate(&mut s, &r, 30.0, 0).0,
            [Mining, Mining, Curtailed, Curtailed, Curtailed]
        );
    }

    #[test]
    fn machines_join_their_generation_and_keep_worst_first_order() {
        let (mut s, _) = site();
        s.add_machines(5e5, 21.5);
        s.add_machines(2e5, 12.0);
        let effs: Vec<f64> = s.fleets.iter().map(|f| f.efficiency_j_per_th).collect();
        assert_eq!(effs, [34.0, 29.5, 21.5, 17.5, 15.0, 12.0]);
        assert_eq!(s.fleets[2].hashrate_ths, 1.5e6);
    }
}
