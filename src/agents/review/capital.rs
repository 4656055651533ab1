//! Stages 6 and 7: machine orders (frontier machines for free MW, or
//! renewals of the worst fleet) and new MW built on a miner's largest
//! site.

use super::decision::{Book, Decision};
use super::plan::{MIN_ORDER_USD, Review};
use crate::agents::valuation::{
    MiningView, machines_value_usd, mining_value_usd, monthly_discount, project_rate,
    worth_switching,
};
use crate::agents::{Build, Miner, Order, Site};
use crate::market::asics::Quote;
use crate::units::{DAYS_PER_MONTH, W_PER_MW};

/// Reviews between a miner's turns to order machines or build new MW: six
/// (about a quarter; est.: capital plans are set by boards once a quarter,
/// not at every retarget).
pub(super) const CAPITAL_TURN_REVIEWS: u64 = 6;

/// Whether the review of `epoch` is miner `miner`'s turn to plan capital
/// (order machines, build): once in [`CAPITAL_TURN_REVIEWS`], on a review
/// its id sets.
pub(super) fn capital_turn(epoch: u64, miner: u32) -> bool {
    u64::from(miner) % CAPITAL_TURN_REVIEWS == epoch % CAPITAL_TURN_REVIEWS
}

impl Review<'_> {
    /// An order of frontier machines for `mw` MW of site `site` placed
    /// today (delivered no sooner than `ready_day`), and where it goes in
    /// the manufacturers' book.
    pub(super) fn frontier_machines(
        &self,
        book: &Book,
        site: u32,
        mw: f64,
        ready_day: u32,
    ) -> (Order, Quote) {
        let e = self.cx.machines.frontier_j_per_th;
        let hashrate_ths = mw * W_PER_MW / e;
        let quote = book.asics.quote(self.cx.day, hashrate_ths);
        let day = quote.delivery_day.max(ready_day);
        let order = Order {
            day,
            site,
            hashrate_ths,
            efficiency_j_per_th: e,
        };
        (
            order,
            Quote {
                delivery_day: day,
                ..quote
            },
        )
    }

    /// The machines' capex per MW of a new site of `mw` MW for `m` like
    /// `site` (its power and region), energised on `ready_day` with
    /// frontier machines ordered to arrive then, when their value over
    /// their life, less their capex and the site's
    /// (`strategy.build_usd_per_mw`), beats doing nothing by the
    /// hysteresis margin; `None` when it does not.
    pub(super) fn new_site_machines_capex_per_mw(
        &self,
        book: &Book,
        m: &Miner,
        site: &Site,
        mw: f64,
        ready_day: u32,
    ) -> Option<f64> {
        let st = self.strategy;
        let (value, machines_capex, _) = self.frontier_order(book, m, site, mw, ready_day);
        let capex_per_mw = st.build_usd_per_mw + machines_capex;
        // The machines' value is gross of their capex and the site's.
        worth_switching(value - capex_per_mw, 0.0, capex_per_mw, st.hysteresis_share)
            .then_some(machines_capex)
    }

    /// What frontier machines ordered today for `mw` MW would be worth per
    /// MW to `m` on `site`, delivered no sooner than `ready_day`, and what
    /// they cost: (value USD/MW, capex USD/MW, TH/s).
    pub(super) fn frontier_order(
        &self,
        book: &Book,
        m: &Miner,
        site: &Site,
        mw: f64,
        ready_day: u32,
    ) -> (f64, f64, f64) {
        let cx = self.cx;
        let e = cx.machines.frontier_j_per_th;
        let (order, _) = self.frontier_machines(book, site.id, mw, ready_day);
        let (ths, arrives) = (order.hashrate_ths, order.day);
        let capex_per_mw = book
            .asics
            .price_usd_per_th(cx.hashprice_usd_per_ph_day, cx.day)
            * W_PER_MW
            / e;
        // The book as it will be, this order included.
        // Financed in part with debt: discounted at the blend of the
        // owner's hurdle and the interest rate.
        let rate = project_rate(
            self.strategy.growth_equity_share,
            m.hurdle_rate_per_year,
            self.strategy.interest_rate_per_year,
        );
        let view = MiningView {
            discount_monthly: monthly_discount(rate),
            ..self.seeing_orders(m, site, book.on_order_ths + ths)
        };
        let wait_months = (arrives - cx.day) as f64 / DAYS_PER_MONTH;
        let value_per_mw = machines_value_usd(
            &view,
            1.0,
            Some((e, cx.machines.life_months)),
            cx.life_months,
            f64::INFINITY,
        ) * view.discount_monthly.powf(wait_months);
        (value_per_mw, capex_per_mw, ths)
    }

    /// Stage 6: the machine order of site `id` (`ordered_mw` of its MW
    /// already awaiting machines on order), if any. Sites are planned in id
    /// order, each seeing the order book the ones before it left; orders
    /// come from the miners whose turn it is
    /// (once in six reviews, as their builds: a purchase is a capital
    /// plan too). A site orders frontier machines
    /// for its free MW (not yet on order) when they pay back within their
    /// life at its owner's hurdle, as far as the owner's spare cash pays
    /// the equity share (`strategy.growth_equity_share`; the rest is
    /// borrowed);
    /// a site without free MW renews its worst fleet when new machines
    /// beat keeping it by the hysteresis margin (the old machines make
    /// room on delivery and are sold second hand). The wait for delivery
    /// is discounted and the price carries the backlog's premium.
    pub(crate) fn machine_order(
        &self,
        book: &Book,
        id: usize,
        ordered_mw: f64,
    ) -> Option<Decision> {
        let cx = self.cx;
        let st = self.strategy;
        if cx.asic_usd_per_th <= 0.0 {
            return None;
        }
        let s = book.site(id);
        let owner = s.owner_id as usize;
        let m = book.miner(owner);
        if s.sold || m.exited || !capital_turn(cx.epoch, s.owner_id) {
            return None;
        }
        // Spare cash pays the equity share; the rest is borrowed.
        let share = st.growth_equity_share;
        let budget = if share > 0.0 {
            self.spare_cash(m) / share
        } else {
            f64::INFINITY
        };
        if budget < MIN_ORDER_USD {
            return None;
        }
        let e = cx.machines.frontier_j_per_th;
        // MW energised and free: neither used nor awaiting machines on
        // order (machines for MW under construction wait for it).
        let free_mw = (s.free_mw() - ordered_mw).min(s.power_mw - s.fleet_mw() - s.project_mw());
        let (mw, capex_per_mw) = if free_mw > 1e-6 {
            let (value, capex, _) = self.frontier_order(book, m, s, free_mw, 0);
            if value <= capex {
                return None;
            }
            (free_mw.min(budget / capex), capex)
        } else {
            // Renewal: the worst fleet, if it is worse than the frontier.
            let worst = s.fleets.first()?;
            if worst.efficiency_j_per_th <= e * (1.0 + 1e-9) || ordered_mw > 1e-6 {
                return None;
            }
            let old_mw = worst.power_mw();
            let (value, capex, ths) = self.frontier_order(book, m, s, old_mw, 0);
            let keep = mining_value_usd(
                &self.seeing_orders(m, s, book.on_order_ths + ths),
                1.0,
                Some(worst.efficiency_j_per_th),
                cx.life_months,
                f64::INFINITY,
            );
            if !worth_switching(value - capex, keep, capex, st.hysteresis_share) {
                return None;
            }
            (old_mw.min(budget / capex), capex)
        };
        let usd = mw * capex_per_mw;
        if usd < MIN_ORDER_USD {
            return None;
        }
        let (order, quote) = self.frontier_machines(book, s.id, mw, 0);
        Some(Decision::Order {
            miner: owner,
            usd,
            debt_usd: (1.0 - share) * usd,
            order,
            quote,
        })
    }

    /// Stage 7: new MW. Each solvent miner with no build under way, on its
    /// turn (once in six reviews), largest first, considers doubling its
    /// largest site (as many MW again, at its power price and in its
    /// region: est., a firm builds
    /// where it holds land and an interconnection), energised after
    /// `strategy.build_lead_days`, with frontier machines ordered to arrive
    /// once it is ready. It builds
    /// when the machines' value over their life, less their capex and the
    /// site's (`strategy.build_usd_per_mw`), beats doing nothing by the
    /// hysteresis margin, paying `strategy.growth_equity_share` from spare
    /// cash and borrowing the rest; a miner short of cash builds a smaller
    /// site. Stage 7a: who considers building ([`Builders`]).
    pub(crate) fn builders(&self, book: &Book) -> Builders {
        let cx = self.cx;
        let st = self.strategy;
        let ready_day = cx.day.saturating_add(st.build_lead_days);
        if cx.asic_usd_per_th <= 0.0 {
            return Builders {
                miners: Vec::new(),
                largest: Vec::new(),
                ready_day,
            };
        }
        let mut building = vec![false; book.miners.len()];
        let mut largest: Vec<Option<usize>> = vec![None; book.miners.len()];
        for i in 0..book.sites.len() {
            let s = book.site(i);
            let o = s.owner_id as usize;
            if s.sold {
                continue;
            }
            building[o] |= !s.builds.is_empty();
            if largest[o].is_none_or(|j| book.site(j).power_mw < s.power_mw) {
                largest[o] = Some(i);
            }
        }
        let mut miners: Vec<u32> = (0..book.miners.len() as u32)
            .filter(|&i| {
                capital_turn(cx.epoch, i) && !book.miner(i as usize).exited && !building[i as usize]
            })
            .collect();
        miners.sort_unstable_by(|a, b| self.largest_first(*a, *b));
        Builders {
            miners,
            largest,
            ready_day,
        }
    }

    /// Stage 7b: what miner `id` of `builders` builds, planned on the book
    /// as the builders before it left it: the new MW on its largest site
    /// and the machines for them, in that order; `None` when it builds
    /// nothing.
    pub(crate) fn new_mw(
        &self,
        book: &Book,
        builders: &Builders,
        id: u32,
    ) -> Option<[Decision; 2]> {
        let st = self.strategy;
        let ready_day = builders.ready_day;
        let owner = id as usize;
        let template = builders.largest[owner]?;
        let (m, t) = (book.miner(owner), book.site(template));
        let mw = t.power_mw;
        if mw <= 1e-6 {
            return None;
        }
        let machines_capex = self.new_site_machines_capex_per_mw(book, m, t, mw, ready_day)?;
        let capex_per_mw = st.build_usd_per_mw + machines_capex;
        let share = st.growth_equity_share;
        let budget = self.spare_cash(m);
        let mw = if share > 0.0 {
            mw.min(budget / (share * capex_per_mw))
        } else {
            mw
        };
        if mw * capex_per_mw < MIN_ORDER_USD || mw < 1e-3 {
            return None;
        }
        let (order, quote) = self.frontier_machines(book, t.id, mw, ready_day);
        let site_capex = st.build_usd_per_mw * mw;
        let machines_usd = machines_capex * mw;
        Some([
            Decision::Build {
                site: template,
                build: Build { mw, ready_day },
                capex_usd: site_capex,
                equity_usd: share * site_capex,
            },
            Decision::Order {
                miner: owner,
                usd: machines_usd,
                debt_usd: (1.0 - share) * machines_usd,
                order,
                quote,
            },
        ])
    }
}

/// Stage 7's builders, as the stage begins: the miners that consider
/// building, in the order they are planned, and each miner's largest site.
pub(crate) struct Builders {
    /// Solvent miners with no build under way whose turn it is, largest
    /// first.
    pub(crate) miners: Vec<u32>,
    /// Each miner's largest site not sold, by miner id (the first of the
    /// largest by site id).
    largest: Vec<Option<usize>>,
    /// The day new MW started today is energised.
    ready_day: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::review::plan::fixtures::{miner_with_site, with_review};
    use crate::agents::review::{build, machine_orders};
    use crate::agents::testing::markets;
    use crate::agents::{Fleet, UsedMachines};
    use crate::units::power_mw;

    #[test]
    fn a_miner_builds_only_when_the_machines_beat_their_capex_and_the_sites() {
        // Miners with a 10 MW site at $40/MWh each and cash for anything;
        // the one whose turn it is this review.
        let build_at = |hashprice: f64| {
            let (mut miners, mut sites): (Vec<Miner>, Vec<Site>) = (0..CAPITAL_TURN_REVIEWS as u32)
                .map(|i| miner_with_site(i, 1e9))
                .unzip();
            let mut m = markets(0.0, 0.8);
            with_review(&mut miners, &mut sites, &mut m, hashprice, |r, book| {
                let i = (r.cx.epoch % CAPITAL_TURN_REVIEWS) as usize;
                let ready = r.cx.day + r.strategy.build_lead_days;
                let (mi, si) = (book.miner(i).clone(), book.site(i).clone());
                let (value, machines, _) = r.frontier_order(book, &mi, &si, 10.0, ready);
                let capex = r.strategy.build_usd_per_mw + machines;
                build(r, book);
                (value, capex, book.site(i).builds.clone())
            })
        };
        // At $40/MWh the machines earn more than a fifth of what they and
        // the site cost, but not their cost and the margin: no build (the
        // value is gross of the capex).
        let (value, capex, builds) = build_at(40.0);
        assert!(
            value > 0.2 * capex && value - capex <= 0.2 * capex,
            "{value} {capex}"
        );
        assert!(builds.is_empty(), "{builds:?}");
        // At $200 they pay for both by far: as many MW again.
        let (value, capex, builds) = build_at(200.0);
        assert!(value - capex > 0.2 * capex, "{value} {capex}");
        assert_eq!(
            builds,
            [Build {
                mw: 10.0,
                ready_day: 365
            }]
        );
    }

    #[test]
    fn growth_orders_frontier_machines_for_free_mw_within_spare_cash() {
        // 10 MW site with 5 MW of machines; hashprice $60 makes frontier
        // machines pay; $100k of cash buys part of the free 5 MW. A second
        // miner with the same site orders nothing: it is not its turn.
        let (a, mut sa) = miner_with_site(0, 100_000.0);
        sa.fleets[0].hashrate_ths /= 2.0;
        let (mut b, mut sb) = (a.clone(), sa.clone());
        (b.id, sb.id, sb.owner_id) = (1, 1, 1);
        let (mut miners, mut sites) = ([a, b], [sa, sb]);
        let mut m = markets(0.0, 0.8);
        let orders = with_review(&mut miners, &mut sites, &mut m, 60.0, |r, book| {
            machine_orders(r, book, &[0.0, 0.0]);
            book.orders.machines.clone()
        });
        let [order] = orders.as_slice() else {
            panic!("{orders:?}")
        };
        assert_eq!(order.site, 0);
        assert_eq!(miners[1].cash_usd, 100_000.0);
        // All the spare cash went: $100k at $15 × 60/40 per TH.
        assert!(miners[0].cash_usd.abs() < 1e-6, "{}", miners[0].cash_usd);
        assert!((order.hashrate_ths - 100_000.0 / 22.5).abs() < 1e-6);
        assert_eq!(order.efficiency_j_per_th, 13.5);
        assert_eq!(order.day, 90);
        // Already on order: nothing more.
        let orders = with_review(&mut miners, &mut sites, &mut m, 60.0, |r, book| {
            machine_orders(r, book, &[5.0, 0.0]);
            book.orders.machines.len()
        });
        assert_eq!(orders, 0);
    }

    #[test]
    fn a_site_without_free_mw_renews_its_worst_fleet_when_new_machines_pay() {
        // A full 10 MW site of S9-class machines (70 J/TH) at $40/MWh barely
        // pays at $60; frontier machines at 13.5 J/TH earn well.
        let (a, mut sa) = miner_with_site(0, 1e9);
        sa.fleets[0] = Fleet::new(10.0 / 70.0 * 1e6, 70.0);
        let (mut miners, mut sites) = ([a], [sa]);
        let mut m = markets(0.0, 0.8);
        let orders = with_review(&mut miners, &mut sites, &mut m, 60.0, |r, book| {
            machine_orders(r, book, &[0.0]);
            book.orders.machines.clone()
        });
        let [order] = orders.as_slice() else {
            panic!("{orders:?}")
        };
        assert!((power_mw(order.hashrate_ths, order.efficiency_j_per_th) - 10.0).abs() < 1e-9);
        // Delivered, the new machines take the old ones' place, and the
        // old ones are offered second hand.
        let mut used = UsedMachines::default();
        let left = sites[0].make_room(10.0, order.efficiency_j_per_th);
        used.list(0, 90, left);
        sites[0].add_machines(order.hashrate_ths, order.efficiency_j_per_th);
        assert_eq!(sites[0].fleets.len(), 1);
        assert_eq!(sites[0].fleets[0].efficiency_j_per_th, 13.5);
        assert!((used.stock_ths() - 10.0 / 70.0 * 1e6).abs() < 1e-6);
        // Machines as good as the frontier are kept.
        let (a, mut sb) = miner_with_site(0, 1e9);
        sb.fleets[0] = Fleet::new(10.0 / 13.5 * 1e6, 13.5);
        let (mut miners, mut sites) = ([a], [sb]);
        let n = with_review(&mut miners, &mut sites, &mut m, 60.0, |r, book| {
            machine_orders(r, book, &[0.0]);
            book.orders.machines.len()
        });
        assert_eq!(n, 0);
    }
}
