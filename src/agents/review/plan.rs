//! The review's stages as planners: each reads the world ([`Book`]) and
//! returns what it decides, without changing anything. See [`super`] for
//! the order they run in.

use super::context::Context;
use super::decision::{Book, Decision};
use crate::agents::decisions::site_power_price;
use crate::agents::valuation::{
    AiTerms, MiningView, gpu_value_usd, lease_value_usd, machines_value_usd, mining_value_usd,
    monthly_discount, project_rate, worth_switching,
};
use crate::agents::{Fleet, Miner, Order, Project, ProjectKind, Site, Strategy};
use crate::state::Regions;
use crate::units::{DAYS_PER_MONTH, W_PER_MW};

/// Smallest purchase of machines worth an order, USD.
const MIN_ORDER_USD: f64 = 10_000.0;
/// Solvent miners that bid for a bankrupt miner's sites: the largest.
const BIDDERS: usize = 20;

/// Stage 1: sites with contracts ending by `day`.
pub fn ending_contracts(book: &Book, day: u32) -> Vec<Decision> {
    (0..book.sites.len())
        .filter(|&i| book.site(i).projects.iter().any(|p| p.end_day <= day))
        .map(|site| Decision::EndContracts { site, day })
        .collect()
}

/// Stage 2: sites with fleets curtailed for `days` or more.
pub fn retirements(book: &Book, days: u32) -> Vec<Decision> {
    (0..book.sites.len())
        .filter(|&i| book.site(i).fleets.iter().any(|f| f.curtailed_days >= days))
        .map(|site| Decision::Retire { site, days })
        .collect()
}

/// Stage 3a: solvent miners in distress for `days` or more.
pub fn bankruptcies(book: &Book, days: u32) -> Vec<Decision> {
    (0..book.miners.len())
        .filter(|&i| {
            let m = book.miner(i);
            !m.exited && m.distress_days >= days
        })
        .map(|miner| Decision::Bankrupt { miner })
        .collect()
}

/// What every stage after the first reads besides the book.
pub struct Review<'a> {
    /// The markets.
    pub cx: &'a Context,
    /// Decisions and finance.
    pub strategy: &'a Strategy,
    /// Power regions.
    pub regions: &'a Regions,
    /// Pool fees by pool, percent.
    pub fees: &'a [f64],
    /// Each miner's MW at the start of the review, by id: its size.
    pub size_mw: &'a [f64],
}

impl Review<'_> {
    fn size(&self, miner: u32) -> f64 {
        self.size_mw.get(miner as usize).copied().unwrap_or(0.0)
    }

    /// Largest first; ids are unique, so the order is total.
    fn largest_first(&self, a: u32, b: u32) -> std::cmp::Ordering {
        self.size(b).total_cmp(&self.size(a)).then(a.cmp(&b))
    }

    /// How `m` values mining on `site`.
    fn view<'v>(&'v self, m: &Miner, site: &Site) -> MiningView<'v> {
        MiningView {
            cost_usd_per_mwh: site_power_price(site, self.regions)
                + self.strategy.other_opex_usd_per_mwh,
            pool_fee: self.fees[m.pool as usize] / 100.0,
            hashprice: self.cx.forecast(m.belief),
            discount_monthly: monthly_discount(m.hurdle_rate_per_year),
            machines: &self.cx.machines,
        }
    }

    /// Cash `m` can spend above its reserve, USD.
    fn spare_cash(&self, m: &Miner) -> f64 {
        m.cash_usd - self.strategy.cash_reserve_usd_per_mw * self.size(m.id)
    }

    /// Stage 3b: the bidders for bankrupt miners' sites, largest first.
    pub fn bidders(&self, book: &Book) -> Vec<usize> {
        let mut solvent: Vec<u32> = (0..book.miners.len())
            .filter(|&i| !book.miner(i).exited)
            .map(|i| book.miner(i).id)
            .collect();
        if solvent.len() > BIDDERS {
            solvent.select_nth_unstable_by(BIDDERS - 1, |a, b| self.largest_first(*a, *b));
            solvent.truncate(BIDDERS);
        }
        solvent.sort_unstable_by(|a, b| self.largest_first(*a, *b));
        solvent.into_iter().map(|id| id as usize).collect()
    }

    /// Stage 3c: a bankrupt miner's site goes to the best bid: an AI buyer
    /// (if it bids at least as much) or the bidder that values its
    /// machines most, up to the cash it can spare; else it closes.
    pub fn auction(&self, book: &Book, site: usize, bidders: &[usize]) -> Decision {
        let s = book.site(site);
        let ai = book.ai.params();
        let critical_mw = s.power_mw * ai.critical_it_share;
        let ai_bid = if ai.enabled && s.ai_eligible && book.ai.unmet_mw() >= critical_mw {
            ai.sale_usd_per_w * W_PER_MW * s.power_mw
        } else {
            0.0
        };
        let mut best: Option<(usize, f64)> = None;
        for &bidder in bidders {
            let m = book.miner(bidder);
            let view = self.view(m, s);
            let value: f64 = s
                .fleets
                .iter()
                .map(|f| {
                    mining_value_usd(
                        &view,
                        f.power_mw(),
                        Some(f.efficiency_j_per_th),
                        self.cx.life_months,
                        f64::INFINITY,
                    )
                })
                .sum();
            let bid = value.min(self.spare_cash(m));
            if bid > best.map_or(0.0, |b| b.1) {
                best = Some((bidder, bid));
            }
        }
        let miner_bid = best.map_or(0.0, |b| b.1);
        match best {
            _ if ai_bid > 0.0 && ai_bid >= miner_bid => Decision::SellToAi {
                site,
                usd: ai_bid,
                critical_mw,
            },
            Some((buyer, usd)) => Decision::SellToMiner { site, buyer, usd },
            None => Decision::Close { site },
        }
    }

    /// Stage 4a: AI-eligible sites of solvent miners, largest owners
    /// first, then by owner id, then by site id.
    pub fn ai_candidates(&self, book: &Book) -> Vec<usize> {
        let mut c: Vec<(u32, u32)> = (0..book.sites.len())
            .filter_map(|i| {
                let s = book.site(i);
                let owner = book.miner(s.owner_id as usize);
                (s.ai_eligible && !s.sold && !owner.exited).then_some((s.owner_id, s.id))
            })
            .collect();
        c.sort_unstable_by(|a, b| self.largest_first(a.0, b.0).then(a.1.cmp(&b.1)));
        c.into_iter().map(|(_, site)| site as usize).collect()
    }

    /// Stage 4b: the site's best AI option, if one beats carrying on by the
    /// hysteresis margin and its owner can pay: lease a stage (as far as
    /// tenants want it), run an own GPU cloud on a stage, or sell it whole
    /// (if it has no projects and a buyer wants it all). On a tie, the
    /// first considered.
    pub fn ai_option(&self, book: &Book, site: usize) -> Option<Decision> {
        let s = book.site(site);
        let m = book.miner(s.owner_id as usize);
        let ai = book.ai.params();
        let st = self.strategy;
        let available = s.power_mw - s.project_mw();
        let idle = (available - s.fleet_mw()).max(0.0);
        if available <= 1e-6 {
            return None;
        }
        let view = self.view(m, s);
        let crit = ai.critical_it_share;
        // Carrying on with `mw` MW for `months`; +∞ when it is sure to be
        // worth more than `cap` (the most a switch may leave behind).
        let mine = |mw, months, cap| slice_value(&s.fleets, idle, mw, &view, months, cap);
        let mut options: Vec<(f64, Decision)> = Vec::new();
        // A project on `stage` MW worth `value`: it must beat mining that
        // slice over the project's horizon by the margin, and the miner must
        // pay its equity share.
        let mut project = |kind: ProjectKind, stage: f64, value: f64, terms: &AiTerms| {
            let capex = terms.capex_usd(stage);
            // Carrying on is worth at least nothing: an option that cannot
            // beat zero by the margin, or that the miner cannot pay for, is
            // out before mining is valued.
            if !worth_switching(value, 0.0, capex, st.hysteresis_share)
                || m.cash_usd < st.ai_equity_share * capex
            {
                return;
            }
            let carry = mine(
                stage,
                terms.horizon_months(),
                value - st.hysteresis_share * capex,
            );
            if worth_switching(value, carry, capex, st.hysteresis_share) {
                let ready_day = self.cx.day + ai.lead_time_days;
                let term_days = (terms.term_months as f64 * DAYS_PER_MONTH).round() as u32;
                let project = Project {
                    kind,
                    mw: stage,
                    ready_day,
                    end_day: ready_day + term_days,
                    lease_usd_per_kw_month: self.cx.lease_usd_per_kw_month,
                };
                options.push((
                    value - carry,
                    Decision::Convert {
                        site,
                        idle_mw: idle,
                        project,
                        capex_usd: capex,
                        equity_usd: st.ai_equity_share * capex,
                    },
                ));
            }
        };
        let cx = self.cx;
        let stage = available.min(ai.stage_mw).min(book.ai.unmet_mw() / crit);
        if stage > 1e-6 {
            let rate = project_rate(
                st.ai_equity_share,
                m.hurdle_rate_per_year,
                st.interest_rate_per_year,
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
        if ai.gpu.enabled {
            let stage = available.min(ai.stage_mw);
            let value = gpu_value_usd(
                stage,
                &cx.gpu_terms,
                &cx.gpu,
                &cx.gpu_usd_per_hour_by_month,
                site_power_price(s, self.regions),
                view.discount_monthly,
            );
            project(ProjectKind::GpuCloud, stage, value, &cx.gpu_terms);
        }
        if s.projects.is_empty() && book.ai.unmet_mw() >= s.power_mw * crit {
            let offer = ai.sale_usd_per_w * W_PER_MW * s.power_mw;
            let carry = mine(
                s.power_mw,
                cx.lease_terms.horizon_months(),
                offer - st.hysteresis_share * offer,
            );
            if worth_switching(offer, carry, offer, st.hysteresis_share) {
                let sale = Decision::SellToAi {
                    site,
                    usd: offer,
                    critical_mw: s.power_mw * crit,
                };
                options.push((offer - carry, sale));
            }
        }
        options
            .into_iter()
            .reduce(|a, b| if b.0 > a.0 { b } else { a })
            .map(|(_, d)| d)
    }

    /// Stage 5: orders of frontier machines for free MW (not yet on
    /// order) that pay back within their life at the owner's hurdle, as
    /// far as the owner's spare cash goes and, site by site in id order,
    /// as far as `capacity_ths` (what the manufacturers can still deliver
    /// within the delivery time) goes.
    pub fn growth(&self, book: &Book, on_order_mw: &[f64], capacity_ths: f64) -> Vec<Decision> {
        let cx = self.cx;
        let mut orders = Vec::new();
        let mut capacity_ths = capacity_ths;
        for (id, (site_entity, s)) in book.sites.iter().enumerate() {
            let owner = s.owner_id as usize;
            let m = book.miner(owner);
            if s.sold || m.exited {
                continue;
            }
            let free_mw = s.power_mw - s.fleet_mw() - s.project_mw() - on_order_mw[id];
            let budget = self.spare_cash(m);
            if free_mw <= 1e-6 || budget < MIN_ORDER_USD || cx.asic_usd_per_th <= 0.0 {
                continue;
            }
            let e = cx.machines.frontier_j_per_th;
            let capex_per_mw = cx.asic_usd_per_th * W_PER_MW / e;
            // Only whether it beats the capex matters.
            let pv_per_mw = machines_value_usd(
                &self.view(m, s),
                1.0,
                Some((e, cx.machines.life_months)),
                cx.life_months,
                capex_per_mw,
            );
            if pv_per_mw <= capex_per_mw {
                continue;
            }
            let mw = free_mw
                .min(budget / capex_per_mw)
                .min(capacity_ths * e / W_PER_MW);
            let usd = mw * capex_per_mw;
            if usd < MIN_ORDER_USD {
                continue;
            }
            capacity_ths -= mw * W_PER_MW / e;
            orders.push(Decision::Order {
                miner: owner,
                usd,
                order: Order {
                    day: cx.day + cx.delivery_days,
                    site: *site_entity,
                    hashrate_ths: mw * W_PER_MW / e,
                    efficiency_j_per_th: e,
                },
            });
        }
        orders
    }
}

/// Value of mining the first `mw` MW of a site that a conversion would take
/// (idle MW, then the worst machines), over `months`; +∞ as soon as it is
/// sure to exceed `cap_usd` (see [`mining_value_usd`]).
fn slice_value(
    fleets: &[Fleet],
    idle_mw: f64,
    mw: f64,
    view: &MiningView,
    months: usize,
    cap_usd: f64,
) -> f64 {
    let mut left = mw;
    let take = left.min(idle_mw);
    let mut v = mining_value_usd(view, take, None, months, cap_usd);
    left -= take;
    for f in fleets {
        if left <= 0.0 || v == f64::INFINITY {
            break;
        }
        let take = left.min(f.power_mw());
        v += mining_value_usd(view, take, Some(f.efficiency_j_per_th), months, cap_usd - v);
        left -= take;
    }
    v
}

#[cfg(test)]
mod tests {
    use bevy_ecs::prelude::Entity;

    use super::*;
    use crate::agents::review::decision::apply;
    use crate::agents::{Belief, Orders};
    use crate::market::ai::{AiMarket, AiParams, GpuParams};
    use crate::market::asics::{AsicMarket, AsicParams};
    use crate::market::fees::FeeMarket;
    use crate::market::price::{BtcPrice, PriceProcess};
    use crate::state::{Economics, HashpriceMemory, Ledger, Markets};

    fn strategy() -> Strategy {
        Strategy {
            memory_days: 30.0,
            difficulty_growth_per_year: 0.0,
            hysteresis_share: 0.2,
            growth: true,
            cash_reserve_usd_per_mw: 0.0,
            interest_rate_per_year: 0.08,
            ai_equity_share: 0.2,
            credit_line_usd_per_mw: 0.0,
            distress_days: 30,
            retire_after_days: 90,
            commit_days: 1,
            mothball_after_days: 30,
            take_or_pay_share: 0.0,
            other_opex_usd_per_mwh: 0.0,
            ai_price_pressure_per_gw: 0.0,
        }
    }

    /// An AI market with `unmet_mw` critical MW of tenants waiting and a
    /// buyer paying `sale_usd_per_w`.
    fn markets(unmet_mw: f64, sale_usd_per_w: f64) -> Markets {
        let mut ai = AiMarket::new(AiParams {
            enabled: true,
            critical_it_share: 0.75,
            tenant_demand_mw: unmet_mw,
            demand_growth_mw_per_year: 0.0,
            lease_usd_per_kw_month: 150.0,
            lease_growth_per_year: 0.0,
            lease_elasticity: 0.0,
            noi_margin: 0.85,
            conversion_capex_usd_per_critical_mw: 9e6,
            lead_time_days: 450,
            lease_term_years: 12.0,
            stage_mw: 200.0,
            sale_usd_per_w,
            gpu: GpuParams {
                enabled: false,
                usd_per_hour: 2.0,
                drift_per_year: 0.0,
                gpus_per_critical_mw: 800.0,
                utilisation: 0.75,
                capex_usd_per_critical_mw: 29e6,
                opex_share: 0.15,
                term_years: 5.0,
            },
        });
        ai.update(0, 0.0);
        Markets {
            price: BtcPrice::new(90_000.0, PriceProcess::Constant, vec![]),
            fees: FeeMarket::fixed(0.0),
            ai,
            asics: AsicMarket::new(AsicParams {
                usd_per_th: 15.0,
                reference_hashprice_usd_per_ph_day: 40.0,
                frontier_j_per_th: 13.5,
                frontier_decline_per_year: 0.1,
                frontier_floor_j_per_th: 0.0,
                delivery_days: 90,
                supply_ehs_per_year: 1e6,
                life_years: 4.0,
            }),
        }
    }

    /// A miner with `cash_usd` and one 10 MW site of S19s (29.5 J/TH) at
    /// $40/MWh in region 0, AI-eligible.
    fn miner_with_site(id: u32, cash_usd: f64) -> (Miner, Site) {
        let m = Miner::new(id, 0, cash_usd, 0.0, Belief::Myopic, 0.12);
        let mut s = Site::new(id, (Entity::PLACEHOLDER, &m), 10.0, 40.0, 0, true);
        s.push_fleet(Fleet::new(10.0 / 29.5 * 1e6, 29.5));
        (m, s)
    }

    /// Plans with a review of these miners and sites at `hashprice`.
    fn with_review<T>(
        miners: &mut [Miner],
        sites: &mut [Site],
        markets: &mut Markets,
        hashprice: f64,
        f: impl FnOnce(&Review, &mut Book) -> T,
    ) -> T {
        let st = strategy();
        let economics = Economics {
            hashprice_usd_per_ph_day: hashprice,
            ..Default::default()
        };
        let memory = HashpriceMemory {
            average_usd_per_ph_day: hashprice,
        };
        let cx = Context::new(0, &st, &economics, 930_000, &memory, markets);
        let mut regions = Regions::default();
        regions.intern("A");
        let size: Vec<f64> = sites.iter().map(|s| s.power_mw).collect();
        let (mut ledger, mut orders) = (Ledger::default(), Orders::default());
        let mut book = Book {
            sites: sites.iter_mut().map(|s| (Entity::PLACEHOLDER, s)).collect(),
            miners: miners
                .iter_mut()
                .map(|m| (Entity::PLACEHOLDER, m))
                .collect(),
            ai: &mut markets.ai,
            ledger: &mut ledger,
            orders: &mut orders,
        };
        let r = Review {
            cx: &cx,
            strategy: &st,
            regions: &regions,
            fees: &[0.0],
            size_mw: &size,
        };
        f(&r, &mut book)
    }

    #[test]
    fn only_solvent_miners_long_in_distress_go_bankrupt() {
        let (mut a, sa) = miner_with_site(0, 0.0);
        let (mut b, sb) = miner_with_site(1, 0.0);
        let (mut c, sc) = miner_with_site(2, 0.0);
        a.distress_days = 30;
        b.distress_days = 29;
        c.distress_days = 99;
        c.exited = true;
        let (mut miners, mut sites) = ([a, b, c], [sa, sb, sc]);
        let mut m = markets(0.0, 0.8);
        let d = with_review(&mut miners, &mut sites, &mut m, 40.0, |_, book| {
            bankruptcies(book, 30)
        });
        assert_eq!(d, [Decision::Bankrupt { miner: 0 }]);
    }

    #[test]
    fn a_bankrupt_site_goes_to_the_ai_buyer_when_it_bids_more() {
        // Hashprice $20: S19s at $40/MWh lose money and are worth nothing to
        // a bidder; the AI buyer pays $0.8/W for the 10 MW.
        let (mut a, sa) = miner_with_site(0, 0.0);
        a.exited = true;
        let (b, sb) = miner_with_site(1, 1e9);
        let (mut miners, mut sites) = ([a, b], [sa, sb]);
        let mut m = markets(100.0, 0.8);
        let d = with_review(&mut miners, &mut sites, &mut m, 20.0, |r, book| {
            let bidders = r.bidders(book);
            assert_eq!(bidders, [1]);
            let d = r.auction(book, 0, &bidders);
            apply(book, d.clone());
            d
        });
        assert_eq!(
            d,
            Decision::SellToAi {
                site: 0,
                usd: 8e6,
                critical_mw: 7.5
            }
        );
        assert!(sites[0].sold && sites[0].fleets.is_empty());
        assert_eq!(m.ai.unmet_mw(), 92.5);
    }

    #[test]
    fn a_bankrupt_site_goes_to_the_miner_that_values_it_up_to_its_spare_cash() {
        // Hashprice $60: the machines earn well; no AI buyer (no tenants).
        let (mut a, sa) = miner_with_site(0, 0.0);
        a.exited = true;
        let (b, sb) = miner_with_site(1, 1e6);
        let (mut miners, mut sites) = ([a, b], [sa, sb]);
        let mut m = markets(0.0, 0.8);
        let d = with_review(&mut miners, &mut sites, &mut m, 60.0, |r, book| {
            let d = r.auction(book, 0, &[1]);
            apply(book, d.clone());
            d
        });
        // Worth more than $1M to the bidder, so it pays all it can spare.
        assert_eq!(
            d,
            Decision::SellToMiner {
                site: 0,
                buyer: 1,
                usd: 1e6
            }
        );
        assert_eq!((sites[0].owner_id, miners[1].cash_usd), (1, 0.0));
        // With no bidder and no buyer, the site closes.
        let (mut a, sa) = miner_with_site(0, 0.0);
        a.exited = true;
        let (mut miners, mut sites) = ([a], [sa]);
        let d = with_review(&mut miners, &mut sites, &mut m, 60.0, |r, book| {
            r.auction(book, 0, &[])
        });
        assert_eq!(d, Decision::Close { site: 0 });
    }

    #[test]
    fn an_eligible_site_is_sold_when_a_buyer_wants_it_all_and_pays_enough() {
        let (a, sa) = miner_with_site(0, 0.0);
        let (mut miners, mut sites) = ([a], [sa]);
        // Tenants want more than the site's 7.5 critical MW, the miner
        // cannot pay a lease's equity, and $5/W beats carrying on (the MW
        // would host ever better frontier machines) by the margin.
        let mut m = markets(100.0, 5.0);
        let d = with_review(&mut miners, &mut sites, &mut m, 20.0, |r, book| {
            assert_eq!(r.ai_candidates(book), [0]);
            r.ai_option(book, 0)
        });
        assert!(
            matches!(d, Some(Decision::SellToAi { site: 0, usd, .. }) if usd == 50e6),
            "{d:?}"
        );
        // At $0.8/W carrying on is worth more; without tenants, nothing.
        let mut m = markets(100.0, 0.8);
        let d = with_review(&mut miners, &mut sites, &mut m, 20.0, |r, book| {
            r.ai_option(book, 0)
        });
        assert_eq!(d, None);
        let mut m = markets(0.0, 5.0);
        let d = with_review(&mut miners, &mut sites, &mut m, 20.0, |r, book| {
            r.ai_option(book, 0)
        });
        assert_eq!(d, None);
    }

    #[test]
    fn retirement_and_ended_contracts_are_planned_per_site_then_applied() {
        let (a, mut sa) = miner_with_site(0, 0.0);
        sa.fleets[0].curtailed_days = 90;
        sa.push_fleet(Fleet::new(1e5, 15.0));
        sa.projects.push(Project {
            kind: ProjectKind::Lease,
            mw: 1.0,
            ready_day: 0,
            end_day: 5,
            lease_usd_per_kw_month: 150.0,
        });
        let (mut miners, mut sites) = ([a], [sa]);
        let mut m = markets(0.0, 0.8);
        with_review(&mut miners, &mut sites, &mut m, 40.0, |_, book| {
            assert_eq!(ending_contracts(book, 4), []);
            let ended = ending_contracts(book, 5);
            assert_eq!(ended, [Decision::EndContracts { site: 0, day: 5 }]);
            let retired = retirements(book, 90);
            assert_eq!(retired, [Decision::Retire { site: 0, days: 90 }]);
            for d in ended.into_iter().chain(retired) {
                apply(book, d);
            }
        });
        assert!(sites[0].projects.is_empty());
        // The S19s (curtailed 90 days) are gone; the new machines stay.
        assert_eq!(sites[0].fleets.len(), 1);
        assert_eq!(sites[0].fleets[0].efficiency_j_per_th, 15.0);
    }

    #[test]
    fn growth_orders_frontier_machines_for_free_mw_within_spare_cash() {
        // 10 MW site with 5 MW of machines; hashprice $60 makes frontier
        // machines pay; $100k of cash buys part of the free 5 MW.
        let (a, mut sa) = miner_with_site(0, 100_000.0);
        sa.fleets[0].hashrate_ths /= 2.0;
        let (mut miners, mut sites) = ([a], [sa]);
        let mut m = markets(0.0, 0.8);
        let d = with_review(&mut miners, &mut sites, &mut m, 60.0, |r, book| {
            r.growth(book, &[0.0], f64::INFINITY)
        });
        let [
            Decision::Order {
                miner: 0,
                usd,
                order,
            },
        ] = d.as_slice()
        else {
            panic!("{d:?}")
        };
        assert!((usd - 100_000.0).abs() < 1e-6, "{usd}");
        assert_eq!(order.efficiency_j_per_th, 13.5);
        assert_eq!(order.day, 90);
        // Already on order: nothing more.
        let d = with_review(&mut miners, &mut sites, &mut m, 60.0, |r, book| {
            r.growth(book, &[5.0], f64::INFINITY)
        });
        assert_eq!(d, []);
    }
}
