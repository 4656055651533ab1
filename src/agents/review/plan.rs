//! The review's stages as planners: each reads the world ([`Book`]) and
//! returns what it decides, without changing anything. See [`super`] for
//! the order they run in.

use std::collections::HashMap;

use super::context::Context;
use super::decision::apply;
use super::decision::{Book, Decision};
use crate::agents::decisions::site_power_price;
use crate::agents::valuation::{
    AiTerms, MiningView, MonthlyRevenue, cost_usd_per_mw_day, gpu_prepaid_usd, gpu_value_usd,
    lease_value_usd, machines_value_usd, mining_value_usd, monthly_discount, project_rate,
    worth_switching,
};
use crate::agents::{
    Belief, Build, Entrants, Fleet, Miner, Order, Project, ProjectKind, Site, Strategy,
};
use crate::market::asics::Quote;
use crate::state::Regions;
use crate::state::rng;
use crate::units::{DAYS_PER_MONTH, DAYS_PER_YEAR, W_PER_MW, power_mw, ths_to_ehs};
use rand::RngExt;

/// Smallest purchase of machines worth an order, USD.
const MIN_ORDER_USD: f64 = 10_000.0;
/// Solvent miners that bid for a bankrupt miner's sites: the largest.
const BIDDERS: usize = 20;
/// Reviews between a miner's turns to order machines or build new MW: six
/// (about a quarter; est.: capital plans are set by boards once a quarter,
/// not at every retarget).
const CAPITAL_TURN_REVIEWS: u64 = 6;

/// Whether the review of `epoch` is miner `miner`'s turn to plan capital
/// (order machines, build): once in [`CAPITAL_TURN_REVIEWS`], on a review
/// its id sets.
fn capital_turn(epoch: u64, miner: u32) -> bool {
    u64::from(miner) % CAPITAL_TURN_REVIEWS == epoch % CAPITAL_TURN_REVIEWS
}
/// Smallest block of MW AI tenants lease or AI buyers buy, gross MW:
/// Riot–AMD's first stage at Rockdale was 25 MW (2025), the smallest
/// disclosed deal with a miner (est.: hyperscale tenants want campuses, and
/// a smaller site is worth more to mining or colocation than to them).
pub const MIN_STAGE_MW: f64 = 25.0;

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
        .filter(|&i| {
            let fleets = &book.site(i).fleets;
            fleets.iter().any(|f| f.curtailed_days(book.day) >= days)
        })
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
    /// The network's hashrate mining at the start of the review, TH/s.
    pub network_ths: f64,
}

impl Review<'_> {
    fn size(&self, miner: u32) -> f64 {
        self.size_mw.get(miner as usize).copied().unwrap_or(0.0)
    }

    /// Largest first; ids are unique, so the order is total.
    fn largest_first(&self, a: u32, b: u32) -> std::cmp::Ordering {
        self.size(b).total_cmp(&self.size(a)).then(a.cmp(&b))
    }

    /// What a MW costs to run on `site`, USD/MWh: its power and other
    /// opex.
    fn cost_usd_per_mwh(&self, site: &Site) -> f64 {
        site_power_price(site, self.regions) + self.strategy.other_opex_usd_per_mwh
    }

    /// Site `site` of `book` as a buyer of second-hand machines with
    /// `free_mw` MW free.
    fn buyer(&self, book: &Book, site: usize, free_mw: f64) -> Buyer {
        let s = book.site(site);
        let owner = book.miner(s.owner_id as usize);
        Buyer {
            power_usd_per_mwh: site_power_price(s, self.regions),
            cost_usd_per_mw_day: cost_usd_per_mw_day(self.cost_usd_per_mwh(s)),
            site,
            free_mw,
            pair: BidCeiling::pair(owner, self.fees.len()),
            owner: s.owner_id,
            hurdle_rate_per_year: owner.hurdle_rate_per_year,
        }
    }

    /// How `m` values mining on `site`.
    fn view<'v>(&'v self, m: &Miner, site: &Site) -> MiningView<'v> {
        MiningView {
            cost_usd_per_mwh: self.cost_usd_per_mwh(site),
            pool_fee: self.fees[m.pool as usize] / 100.0,
            hashprice: self.cx.forecast(m.belief),
            hashprice_scale: 1.0,
            discount_monthly: monthly_discount(m.hurdle_rate_per_year),
            machines: &self.cx.machines,
        }
    }

    /// `m`'s forecast of hashprice for a purchase once the machines on
    /// order (`on_order_ths`) have arrived: its belief, with the known
    /// halvings ([`Context::capital_forecast`]), scaled by the network's
    /// hashrate over that hashrate plus the order book (est.: miners watch
    /// the manufacturers' order books and each other's guided deliveries,
    /// and expect difficulty to rise as the machines arrive).
    fn seeing_orders<'v>(&'v self, m: &Miner, site: &Site, on_order_ths: f64) -> MiningView<'v> {
        MiningView {
            cost_usd_per_mwh: self.cost_usd_per_mwh(site),
            ..self.seeing_orders_of(m, on_order_ths)
        }
    }

    /// [`Self::seeing_orders`] on a site whose power costs nothing.
    fn seeing_orders_of<'v>(&'v self, m: &Miner, on_order_ths: f64) -> MiningView<'v> {
        let h = self.network_ths;
        MiningView {
            cost_usd_per_mwh: self.strategy.other_opex_usd_per_mwh,
            pool_fee: self.fees[m.pool as usize] / 100.0,
            hashprice: self.cx.capital_forecast(m.belief),
            hashprice_scale: if h > 0.0 {
                h / (h + on_order_ths.max(0.0))
            } else {
                1.0
            },
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
        let ai_bid = if ai.enabled
            && s.ai_eligible
            && s.power_mw >= MIN_STAGE_MW
            && book.ai.backlog_mw() >= critical_mw
        {
            self.cx.sale_usd_per_mw * s.power_mw
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
    /// hysteresis margin: lease a stage or run an own GPU cloud on one (as
    /// far as waiting customers want it), or sell the site whole to an AI
    /// buyer at the market's price (if it has no projects and the backlog
    /// wants it all). A project's stage is cut to what its owner's cash
    /// pays the equity of — after a GPU cloud's customer prepayment, the
    /// rest is a project loan against the contract — and is not started
    /// below [`MIN_STAGE_MW`]. Options are
    /// ranked by their advantage per MW; on a tie, the first considered.
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
        // Halls left by ended contracts need no conversion again.
        let shell = s.shell_mw.min(available);
        let saved = |stage: f64| stage.min(shell) * crit * ai.conversion_capex_usd_per_critical_mw;
        // Carrying on with `mw` MW for `months`; +∞ when it is sure to be
        // worth more than `cap` (the most a switch may leave behind).
        let mine = |mw, months, cap| slice_value(&s.fleets, idle, mw, &view, months, cap);
        let mut options: Vec<(f64, Decision)> = Vec::new();
        // A project of `kind` on up to `stage` MW, its value for a stage
        // given by `value` (before the conversion a hall saves), its
        // customer prepaying `prepaid` of it and `equity_share` of the rest
        // of its capex paid from cash: it must beat mining that slice over
        // the project's horizon by the margin.
        let mut project = |kind: ProjectKind,
                           stage: f64,
                           terms: &AiTerms,
                           equity_share: f64,
                           signed: (f64, f64),
                           value: &dyn Fn(f64) -> f64,
                           prepaid: &dyn Fn(f64) -> f64| {
            let capex = |x: f64| terms.capex_usd(x) - saved(x);
            let funded = |x: f64| (capex(x) - prepaid(x)).max(0.0);
            let mut stage = stage;
            let equity = equity_share * funded(stage);
            if equity > m.cash_usd {
                // Capex per MW only rises past the halls, so the cut stage's
                // equity is within the cash.
                stage *= (m.cash_usd / equity).max(0.0);
            }
            if stage < MIN_STAGE_MW - 1e-9 {
                return;
            }
            let (capex, value) = (capex(stage), value(stage) + saved(stage));
            // Carrying on is worth at least nothing: an option that cannot
            // beat zero by the margin is out before mining is valued.
            if !worth_switching(value, 0.0, capex, st.hysteresis_share) {
                return;
            }
            let carry = mine(
                stage,
                terms.horizon_months(),
                value - st.hysteresis_share * capex,
            );
            if worth_switching(value, carry, capex, st.hysteresis_share) {
                let lead_days = (terms.lead_months as f64 * DAYS_PER_MONTH).round() as u32;
                let ready_day = self.cx.day + lead_days;
                let term_days = (terms.term_months as f64 * DAYS_PER_MONTH).round() as u32;
                let (funded, prepaid_usd) = (funded(stage), prepaid(stage));
                let equity_usd = equity_share * funded;
                let project = Project {
                    kind,
                    mw: stage,
                    ready_day,
                    end_day: ready_day + term_days,
                    lease_usd_per_kw_month: signed.0,
                    gpu_usd_per_hour: signed.1,
                    loan_usd: funded - equity_usd,
                    prepaid_usd,
                };
                options.push((
                    (value - carry) / stage,
                    Decision::Convert {
                        site,
                        idle_mw: idle,
                        project,
                        capex_usd: capex,
                        equity_usd,
                    },
                ));
            }
        };
        let cx = self.cx;
        // Leases and GPU clouds alike serve the waiting customers: a GPU
        // cloud is a contract with one (IREN's with Microsoft), and the
        // deal flow counts both.
        let stage = available.min(ai.stage_mw).min(book.ai.backlog_mw() / crit);
        if stage > 1e-6 {
            let rate = project_rate(
                st.ai_equity_share,
                m.hurdle_rate_per_year,
                st.interest_rate_per_year,
            );
            let lease = |x: f64| {
                lease_value_usd(
                    x,
                    &cx.lease_terms,
                    cx.lease_usd_per_kw_month,
                    cx.noi_margin,
                    monthly_discount(rate),
                )
            };
            project(
                ProjectKind::Lease,
                stage,
                &cx.lease_terms,
                st.ai_equity_share,
                (cx.lease_usd_per_kw_month, 0.0),
                &lease,
                &|_| 0.0,
            );
        }
        if ai.gpu.enabled && stage > 1e-6 {
            let rate = project_rate(
                ai.gpu.equity_share,
                m.hurdle_rate_per_year,
                st.interest_rate_per_year,
            );
            let power = site_power_price(s, self.regions);
            let gpu = |x: f64| {
                gpu_value_usd(
                    x,
                    &cx.gpu_terms,
                    &cx.gpu,
                    cx.gpu_usd_per_hour,
                    power,
                    monthly_discount(rate),
                )
            };
            project(
                ProjectKind::GpuCloud,
                stage,
                &cx.gpu_terms,
                ai.gpu.equity_share,
                (0.0, cx.gpu_usd_per_hour),
                &gpu,
                &|x| gpu_prepaid_usd(x, &cx.gpu_terms, &cx.gpu, cx.gpu_usd_per_hour),
            );
        }
        let offer = cx.sale_usd_per_mw * s.power_mw;
        if s.projects.is_empty()
            && offer > 0.0
            && s.power_mw >= MIN_STAGE_MW
            && book.ai.backlog_mw() >= s.power_mw * crit
        {
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
                options.push(((offer - carry) / s.power_mw, sale));
            }
        }
        options
            .into_iter()
            .reduce(|a, b| if b.0 > a.0 { b } else { a })
            .map(|(_, d)| d)
    }

    /// What `m` would pay for a TH/s of second-hand machines of
    /// `efficiency_j_per_th` on `site`, USD: their value over the half of
    /// their life they have left (as machines on a site, on average),
    /// less the hysteresis margin.
    fn used_bid_usd_per_th(
        &self,
        book: &Book,
        m: &Miner,
        site: &Site,
        efficiency_j_per_th: f64,
    ) -> f64 {
        let view = self.seeing_orders(m, site, book.on_order_ths);
        let value_per_mw = mining_value_usd(
            &view,
            1.0,
            Some(efficiency_j_per_th),
            self.cx.life_months / 2,
            f64::INFINITY,
        );
        value_per_mw * efficiency_j_per_th / W_PER_MW / (1.0 + self.strategy.hysteresis_share)
    }

    /// Stage 5: the second-hand market. Lots listed for
    /// `strategy.used_listing_days` are scrapped; while miners are
    /// `buying` (`strategy.growth`), each other lot, best
    /// J/TH first, goes to the sites with free MW, cheapest power first,
    /// each taking what fits its free MW and its owner's spare cash at its
    /// bid while its bid is positive. The price clears: when buyers take
    /// the whole lot, every buyer pays the bid of the last one served;
    /// when they do not, the rest is left for the next review and the
    /// buyers pay nothing above scrap (taken as 0: est., a few dollars a
    /// TH for parts).
    pub fn used_market(&self, book: &mut Book, on_order_mw: &[f64], buying: bool) {
        let (day, keep) = (book.day, self.strategy.used_listing_days);
        let mut scrapped = 0.0;
        book.used.lots.retain(|l| {
            let stale = day.saturating_sub(l.listed_day) >= keep || l.hashrate_ths <= 1e-9;
            if stale {
                scrapped += l.hashrate_ths;
            }
            !stale
        });
        book.ledger.add(|f| f.scrapped_ehs += ths_to_ehs(scrapped));
        if book.used.lots.is_empty() || !buying {
            return;
        }
        // Buyers: sites of solvent miners with free MW and cash to spare,
        // cheapest power first.
        let mut buyers: Vec<Buyer> = (0..book.sites.len())
            .filter_map(|i| {
                let s = book.site(i);
                let free_mw = s.power_mw - s.fleet_mw() - s.project_mw() - on_order_mw[i];
                let owner = book.miner(s.owner_id as usize);
                (!s.sold
                    && !owner.exited
                    && free_mw > 1e-6
                    && self.spare_cash(owner) >= MIN_ORDER_USD)
                    .then(|| self.buyer(book, i, free_mw))
            })
            .collect();
        buyers.sort_unstable_by(|a, b| {
            a.power_usd_per_mwh
                .total_cmp(&b.power_usd_per_mwh)
                .then(a.site.cmp(&b.site))
        });
        // The lots pooled by generation, best first.
        let mut generations: Vec<(f64, f64)> = Vec::new();
        for l in &book.used.lots {
            let e = l.efficiency_j_per_th;
            match generations
                .iter_mut()
                .find(|g| g.0.to_bits() == e.to_bits())
            {
                Some(g) => g.1 += l.hashrate_ths,
                None => generations.push((e, l.hashrate_ths)),
            }
        }
        generations.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (mut traded_ths, mut traded_usd) = (0.0, 0.0);
        // What a generation already takes of each owner's cash (on
        // another of its sites), USD, by owner id.
        let mut committed: HashMap<u32, f64> = HashMap::new();
        let pairs = BidCeiling::pairs(&buyers, self.fees.len());
        for (e, mut left) in generations {
            let mut ceiling = BidCeiling::new(self, book, &pairs, e);
            // (buyer index, TH/s, bid)
            let mut takes: Vec<(usize, f64, f64)> = Vec::new();
            committed.clear();
            for (b, buyer) in buyers.iter().enumerate() {
                if left <= 1e-9 {
                    break;
                }
                let free = buyer.free_mw;
                if free <= 1e-6 {
                    continue;
                }
                // Most buyers at scale are passed over here, without
                // reading their site or owner.
                if ceiling.bids_nothing(buyer) {
                    // As its bid would be 0: see below.
                    break;
                }
                if ceiling.rules_out(free * W_PER_MW / e, buyer.cost_usd_per_mw_day) {
                    // Its bid could not buy a minimum order on its free MW.
                    continue;
                }
                let s = book.site(buyer.site);
                let m = book.miner(s.owner_id as usize);
                let bid = self.used_bid_usd_per_th(book, m, s, e);
                if bid <= 0.0 {
                    // Dearer power bids less still: the rest of the
                    // buyers would not take it either.
                    break;
                }
                let owner = s.owner_id;
                let spare = self.spare_cash(m) - committed.get(&owner).copied().unwrap_or(0.0);
                let ths = left.min(free * W_PER_MW / e).min(spare.max(0.0) / bid);
                if ths * bid < MIN_ORDER_USD {
                    continue;
                }
                *committed.entry(owner).or_insert(0.0) += ths * bid;
                takes.push((b, ths, bid));
                left -= ths;
            }
            let price = if left <= 1e-9 {
                takes.last().map_or(0.0, |t| t.2)
            } else {
                0.0
            };
            for (b, ths, _) in takes {
                let site = buyers[b].site;
                buyers[b].free_mw -= power_mw(ths, e);
                traded_ths += ths;
                traded_usd += ths * price;
                apply(
                    book,
                    Decision::BuyUsed {
                        site,
                        efficiency_j_per_th: e,
                        hashrate_ths: ths,
                        usd: ths * price,
                    },
                );
            }
        }
        book.used.lots.retain(|l| l.hashrate_ths > 1e-9);
        if traded_ths > 0.0 {
            book.used.last_price_usd_per_th = traded_usd / traded_ths;
        }
    }

    /// An order of frontier machines for `mw` MW of site `site` placed
    /// today (delivered no sooner than `ready_day`), and where it goes in
    /// the manufacturers' book.
    fn frontier_machines(&self, book: &Book, site: u32, mw: f64, ready_day: u32) -> (Order, Quote) {
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
    fn new_site_machines_capex_per_mw(
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
    fn frontier_order(
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

    /// Stage 6: machine orders, site by site in id order, each seeing the
    /// order book the ones before it left, of the miners whose turn it is
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
    pub fn growth(&self, book: &mut Book, on_order_mw: &[f64]) {
        let cx = self.cx;
        let st = self.strategy;
        if cx.asic_usd_per_th <= 0.0 {
            return;
        }
        // Ids are positions (see `review`), so `on_order_mw` is by position.
        for (id, &ordered_mw) in on_order_mw.iter().enumerate().take(book.sites.len()) {
            let s = book.site(id);
            let owner = s.owner_id as usize;
            let m = book.miner(owner);
            if s.sold || m.exited || !capital_turn(cx.epoch, s.owner_id) {
                continue;
            }
            // Spare cash pays the equity share; the rest is borrowed.
            let share = st.growth_equity_share;
            let budget = if share > 0.0 {
                self.spare_cash(m) / share
            } else {
                f64::INFINITY
            };
            if budget < MIN_ORDER_USD {
                continue;
            }
            let e = cx.machines.frontier_j_per_th;
            // MW energised and free: neither used nor awaiting machines on
            // order (machines for MW under construction wait for it).
            let free_mw =
                (s.free_mw() - ordered_mw).min(s.power_mw - s.fleet_mw() - s.project_mw());
            let (mw, capex_per_mw) = if free_mw > 1e-6 {
                let (value, capex, _) = self.frontier_order(book, m, s, free_mw, 0);
                if value <= capex {
                    continue;
                }
                (free_mw.min(budget / capex), capex)
            } else {
                // Renewal: the worst fleet, if it is worse than the frontier.
                let Some(worst) = s.fleets.first() else {
                    continue;
                };
                if worst.efficiency_j_per_th <= e * (1.0 + 1e-9) || ordered_mw > 1e-6 {
                    continue;
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
                    continue;
                }
                (old_mw.min(budget / capex), capex)
            };
            let usd = mw * capex_per_mw;
            if usd < MIN_ORDER_USD {
                continue;
            }
            let (order, quote) = self.frontier_machines(book, s.id, mw, 0);
            let d = Decision::Order {
                miner: owner,
                usd,
                debt_usd: (1.0 - share) * usd,
                order,
                quote,
            };
            apply(book, d);
        }
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
    /// site.
    pub fn build(&self, book: &mut Book) {
        let cx = self.cx;
        let st = self.strategy;
        if cx.asic_usd_per_th <= 0.0 {
            return;
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
        let ready_day = cx.day.saturating_add(st.build_lead_days);
        for id in miners {
            let owner = id as usize;
            let Some(template) = largest[owner] else {
                continue;
            };
            let (m, t) = (book.miner(owner), book.site(template));
            let mw = t.power_mw;
            if mw <= 1e-6 {
                continue;
            }
            let Some(machines_capex) =
                self.new_site_machines_capex_per_mw(book, m, t, mw, ready_day)
            else {
                continue;
            };
            let capex_per_mw = st.build_usd_per_mw + machines_capex;
            let share = st.growth_equity_share;
            let budget = self.spare_cash(m);
            let mw = if share > 0.0 {
                mw.min(budget / (share * capex_per_mw))
            } else {
                mw
            };
            if mw * capex_per_mw < MIN_ORDER_USD || mw < 1e-3 {
                continue;
            }
            let (order, quote) = self.frontier_machines(book, t.id, mw, ready_day);
            let site_capex = st.build_usd_per_mw * mw;
            let machines_usd = machines_capex * mw;
            apply(
                book,
                Decision::Build {
                    site: template,
                    build: Build { mw, ready_day },
                    capex_usd: site_capex,
                    equity_usd: share * site_capex,
                },
            );
            apply(
                book,
                Decision::Order {
                    miner: owner,
                    usd: machines_usd,
                    debt_usd: (1.0 - share) * machines_usd,
                    order,
                    quote,
                },
            );
        }
    }

    /// Stage 8: new firms. The prospects due since the last review
    /// (`strategy.entrant_mw_per_year`) arrive, one site of
    /// `strategy.entrant_site_mw` each, drawn as the population's miners
    /// ([`Entrants`]). A prospect enters when its site pays as a miner's
    /// own build would (stage 7): frontier machines ordered to arrive once
    /// the MW is energised, after `strategy.build_lead_days`, beat doing
    /// nothing by the hysteresis margin over their life, less their capex
    /// and the site's. An entrant raises the equity share of that capex
    /// and its cash (as the population's miners hold, per MW) and borrows
    /// the rest; a prospect that does not pay goes elsewhere. Returns the
    /// entrants, as firms and sites with the ids that follow the book's,
    /// for the world to spawn.
    pub fn entry(&self, book: &mut Book, entrants: &mut Entrants, seed: u64) -> Vec<(Miner, Site)> {
        let (cx, st) = (self.cx, self.strategy);
        let Entrants {
            draw,
            owed_mw,
            last_day,
            drawn,
        } = entrants;
        let elapsed = cx.day.saturating_sub(*last_day);
        *last_day = cx.day;
        *owed_mw += st.entrant_mw_per_year * elapsed as f64 / DAYS_PER_YEAR;
        let mut out = Vec::new();
        let Some(draw) = draw.as_ref() else {
            return out;
        };
        let mw = st.entrant_site_mw;
        let ready_day = cx.day.saturating_add(st.build_lead_days);
        let (mut miner_id, mut site_id) = (book.miners.len() as u32, book.sites.len() as u32);
        while *owed_mw >= mw {
            *owed_mw -= mw;
            let k = *drawn;
            *drawn += 1;
            if cx.asic_usd_per_th <= 0.0 {
                continue;
            }
            let mut r = rng::stream(seed, rng::ENTRANTS + k);
            let price = r.sample(draw.price);
            let region = draw.regions.0[r.sample(&draw.regions.1)];
            let pool = draw.pools.0[r.sample(&draw.pools.1)];
            let belief = draw.beliefs.0[r.sample(&draw.beliefs.1)];
            let hurdle = Miner::drawn_hurdle(draw.hurdle.0, draw.hurdle.1, r.random());
            let eligible = r.random::<f64>() < draw.ai_eligible_share;
            let mut m = Miner::new(
                miner_id,
                pool,
                draw.cash_usd_per_mw * mw,
                0.0,
                belief,
                hurdle,
            );
            let mut s = Site::new(
                site_id,
                (bevy_ecs::entity::Entity::PLACEHOLDER, &m),
                0.0,
                price,
                region,
                eligible,
            );
            let Some(machines_capex) =
                self.new_site_machines_capex_per_mw(book, &m, &s, mw, ready_day)
            else {
                continue;
            };
            let (site_capex, machines_usd) = (st.build_usd_per_mw * mw, machines_capex * mw);
            m.debt_usd = (1.0 - st.growth_equity_share) * (site_capex + machines_usd);
            let build = Build { mw, ready_day };
            s.builds.push(build);
            let (order, quote) = self.frontier_machines(book, site_id, mw, ready_day);
            book.book_build(build, site_capex);
            book.book_order(order, quote, machines_usd);
            book.ledger.add(|f| f.miners_entered += 1);
            out.push((m, s));
            miner_id += 1;
            site_id += 1;
        }
        out
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

/// A site that could buy second-hand machines, as the market's scan reads
/// it (in order of power price, so kept apart from the site).
#[derive(Debug)]
struct Buyer {
    /// Its power price, USD/MWh: the order of the scan.
    power_usd_per_mwh: f64,
    /// What a MW costs to run there for a day, USD (as its owner's
    /// valuation counts it).
    cost_usd_per_mw_day: f64,
    /// Index of the site.
    site: usize,
    /// MW it has free.
    free_mw: f64,
    /// Its owner's belief and pool ([`BidCeiling::pair`]).
    pair: usize,
    /// Its owner's id.
    owner: u32,
    /// Its owner's hurdle rate.
    hurdle_rate_per_year: f64,
}

/// What the second-hand market can tell of its buyers' bids for one
/// generation before valuing any: which buyers bid nothing, and a ceiling
/// on what the others bid. Most buyers at scale have a sliver of free MW;
/// one that could not take a minimum order on it even at the ceiling is
/// passed over without its valuation, with the outcome the valuation
/// would give (a positive bid that buys nothing).
struct BidCeiling {
    /// By belief and pool ([`BidCeiling::pair`]), the highest revenue per
    /// MW-day, before costs, of any month a bid's valuation counts: a
    /// buyer bids more than nothing exactly when its cost per MW-day is
    /// below its pair's (NaN for a pair no buyer has).
    peaks: Vec<f64>,
    /// Per month, the highest revenue per MW-day over the buyers' pairs.
    revenue: Vec<f64>,
    /// The largest monthly discount factor among the buyers' owners.
    discount_monthly: f64,
    /// USD/TH of bid per USD of value per MW.
    usd_per_th: f64,
    /// The cost per MW-day the ceiling was taken at, and the ceiling
    /// there, USD/TH (valid for any cost at least as high).
    at: (f64, f64),
}

impl BidCeiling {
    /// Costs rise along the scan; the ceiling is taken again once the
    /// cost has risen by this share since it was last taken (est.: about
    /// a hundred ceilings over the span of power prices, each a month-by-
    /// month sum).
    const RETAKE_SHARE: f64 = 0.01;

    /// How many beliefs there are: pairs are indexed belief by belief.
    const BELIEFS: usize = Belief::HalvingAware as usize + 1;

    /// The index of `m`'s (belief, pool) among `pools` pools.
    fn pair(m: &Miner, pools: usize) -> usize {
        m.belief as usize * pools + m.pool as usize
    }

    /// The (belief, pool) pairs of `buyers` among `pools` pools, each with
    /// an owner that has it, and the lowest of the owners' hurdle rates.
    fn pairs(buyers: &[Buyer], pools: usize) -> (Vec<(usize, u32)>, f64) {
        let mut owners: Vec<Option<u32>> = vec![None; Self::BELIEFS * pools];
        let mut min_hurdle = f64::INFINITY;
        for buyer in buyers {
            min_hurdle = min_hurdle.min(buyer.hurdle_rate_per_year);
            owners[buyer.pair].get_or_insert(buyer.owner);
        }
        let pairs = owners
            .into_iter()
            .enumerate()
            .filter_map(|(pair, owner)| owner.map(|o| (pair, o)))
            .collect();
        (pairs, min_hurdle)
    }

    /// The bounds on the bids for machines of `e` J/TH of buyers whose
    /// pairs and lowest hurdle are `pairs` ([`Self::pairs`]).
    fn new(review: &Review, book: &Book, pairs: &(Vec<(usize, u32)>, f64), e: f64) -> Self {
        let months = review.cx.life_months / 2;
        let mut peaks = vec![f64::NAN; Self::BELIEFS * review.fees.len()];
        let mut revenue = vec![f64::NEG_INFINITY; months];
        let (pairs, min_hurdle) = (&pairs.0, pairs.1);
        for &(pair, owner) in pairs {
            // The revenue a bid counts depends on its owner's belief and
            // pool only, not on the site or the discount rate.
            let view = review.seeing_orders_of(book.miner(owner as usize), book.on_order_ths);
            let mut monthly =
                MonthlyRevenue::new(&view, Some((e, view.machines.life_months / 2.0)));
            let mut peak = f64::NEG_INFINITY;
            // As the bid counts them: month by month from 0.
            for (m, (r, &h)) in revenue.iter_mut().zip(view.hashprice).enumerate() {
                let x = monthly.next(m, h);
                peak = peak.max(x);
                *r = r.max(x);
            }
            peaks[pair] = peak;
        }
        Self {
            peaks,
            revenue,
            discount_monthly: monthly_discount(min_hurdle),
            usd_per_th: e / W_PER_MW / (1.0 + review.strategy.hysteresis_share),
            at: (f64::NEG_INFINITY, f64::INFINITY),
        }
    }

    /// Whether `buyer` bids nothing: no month's revenue is above its cost,
    /// so every month's margin floors at 0.
    fn bids_nothing(&self, buyer: &Buyer) -> bool {
        // NaN (a pair no buyer has) compares false.
        buyer.cost_usd_per_mw_day >= self.peaks[buyer.pair]
    }

    /// Whether a buyer at `cost` per MW-day that can take at most
    /// `max_ths` TH/s surely buys less than a minimum order, whatever its
    /// belief, pool and discount rate.
    fn rules_out(&mut self, max_ths: f64, cost: f64) -> bool {
        if cost >= self.at.0 && max_ths * self.at.1 < MIN_ORDER_USD {
            return true;
        }
        if cost >= self.at.0 && cost < self.at.0 + self.at.0.abs() * Self::RETAKE_SHARE {
            return false;
        }
        // A tighter ceiling at this cost (costs rise along the scan).
        let mut d = 1.0;
        let mut pv = 0.0;
        for &r in &self.revenue {
            pv += d * (r - cost).max(0.0);
            d *= self.discount_monthly.max(0.0);
        }
        // The margin covers the rounding of a sum taken in another order
        // than the bid's own.
        self.at = (cost, pv * DAYS_PER_MONTH * self.usd_per_th * (1.0 + 1e-6));
        max_ths * self.at.1 < MIN_ORDER_USD
    }
}

#[cfg(test)]
mod tests {
    use bevy_ecs::prelude::Entity;

    use super::*;
    use crate::agents::review::decision::apply;
    use crate::agents::testing::{markets, strategy};
    use crate::agents::{Belief, FleetState, Orders, UsedMachines};
    use crate::state::{Economics, HashpriceMemory, Ledger, Markets};

    /// A miner with `cash_usd` and one 10 MW site of S19s (29.5 J/TH) at
    /// $40/MWh in region 0, AI-eligible.
    fn miner_with_site(id: u32, cash_usd: f64) -> (Miner, Site) {
        miner_with_site_of(id, cash_usd, 10.0)
    }

    /// The same with a site of `mw` MW, full of S19s.
    fn miner_with_site_of(id: u32, cash_usd: f64, mw: f64) -> (Miner, Site) {
        let m = Miner::new(id, 0, cash_usd, 0.0, Belief::Myopic, 0.12);
        let mut s = Site::new(id, (Entity::PLACEHOLDER, &m), mw, 40.0, 0, true);
        s.push_fleet(Fleet::new(mw / 29.5 * 1e6, 29.5));
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
            ..Default::default()
        };
        // Epoch 462: miner 0's turn to order and build (462 % 6 = 0).
        let cx = Context::new(0, &st, &economics, 462 * 2016, &memory, markets);
        let mut regions = Regions::default();
        regions.intern("A");
        let size: Vec<f64> = sites.iter().map(|s| s.power_mw).collect();
        let (mut ledger, mut orders) = (Ledger::default(), Orders::default());
        let mut used = UsedMachines::default();
        let mut book = Book {
            day: 0,
            asics: &mut markets.asics,
            used: &mut used,
            on_order_ths: 0.0,
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
            network_ths: 1e9,
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
        // Hashprice $20: S19s at $40/MWh lose money and are worth little
        // to a bidder; the AI buyer pays $0.8/W for the 40 MW.
        let (mut a, sa) = miner_with_site_of(0, 0.0, 40.0);
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
                usd: 32e6,
                critical_mw: 30.0
            }
        );
        assert!(sites[0].sold && sites[0].fleets.is_empty());
        assert_eq!(m.ai.backlog_mw(), 70.0);
        // A site below the smallest block AI buyers take goes to the miner.
        let (mut a, sa) = miner_with_site(0, 0.0);
        a.exited = true;
        let (b, sb) = miner_with_site(1, 1e9);
        let (mut miners, mut sites) = ([a, b], [sa, sb]);
        let mut m = markets(100.0, 0.8);
        let d = with_review(&mut miners, &mut sites, &mut m, 20.0, |r, book| {
            r.auction(book, 0, &r.bidders(book))
        });
        assert!(matches!(d, Decision::SellToMiner { buyer: 1, .. }), "{d:?}");
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
        let (a, sa) = miner_with_site_of(0, 0.0, 40.0);
        let (mut miners, mut sites) = ([a], [sa]);
        // Tenants want more than the site's 30 critical MW, the miner
        // cannot pay a lease's equity, and $5/W beats carrying on (the MW
        // would host ever better frontier machines) by the margin.
        let mut m = markets(100.0, 5.0);
        let d = with_review(&mut miners, &mut sites, &mut m, 20.0, |r, book| {
            assert_eq!(r.ai_candidates(book), [0]);
            r.ai_option(book, 0)
        });
        assert!(
            matches!(d, Some(Decision::SellToAi { site: 0, usd, .. }) if usd == 200e6),
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
        // Curtailed for 90 days by the review's day (0).
        sa.fleets[0].state = FleetState::Curtailed;
        sa.fleets[0].set_curtailed_days(90, 0);
        sa.push_fleet(Fleet::new(1e5, 15.0));
        sa.projects.push(Project {
            kind: ProjectKind::Lease,
            mw: 1.0,
            ready_day: 0,
            end_day: 5,
            lease_usd_per_kw_month: 150.0,
            gpu_usd_per_hour: 0.0,
            loan_usd: 0.0,
            prepaid_usd: 0.0,
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
                r.build(book);
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

    /// New firms' prospects, all at `price` USD/MWh in region 0 and pool 0,
    /// with 250 MW of them due.
    fn prospects_at(price: f64) -> Entrants {
        use rand::distr::weighted::WeightedIndex;
        let one = || WeightedIndex::new([1.0]).unwrap();
        Entrants {
            draw: Some(crate::agents::ProspectDraw {
                price: rand_distr::LogNormal::new(price.ln(), 1e-12).unwrap(),
                regions: (vec![0], one()),
                pools: (vec![0], one()),
                beliefs: (vec![Belief::Myopic], one()),
                hurdle: (0.12, 0.0),
                ai_eligible_share: 0.0,
                cash_usd_per_mw: 150_000.0,
            }),
            owed_mw: 250.0,
            ..Default::default()
        }
    }

    #[test]
    fn new_firms_enter_where_their_site_pays_and_only_there() {
        let (a, sa) = miner_with_site(0, 0.0);
        let (mut miners, mut sites) = ([a], [sa]);
        let enter = |entrants: &mut Entrants, miners: &mut [Miner], sites: &mut [Site]| {
            let mut m = markets(0.0, 0.8);
            with_review(miners, sites, &mut m, 60.0, |r, book| {
                // Half the equity raised, half borrowed.
                let st = Strategy {
                    growth_equity_share: 0.5,
                    ..r.strategy.clone()
                };
                let r = Review {
                    strategy: &st,
                    ..*r
                };
                let entered = r.entry(book, entrants, 7);
                (entered, book.orders.clone(), book.ledger.run)
            })
        };
        // Power at $20/MWh: frontier machines at $22.5/TH (at $60) and a
        // $0.5M/MW site pay; two sites of 100 MW arrive, 50 MW stay due.
        let mut cheap = prospects_at(20.0);
        let (entered, orders, flows) = enter(&mut cheap, &mut miners, &mut sites);
        assert_eq!(entered.len(), 2);
        assert!((cheap.owed_mw - 50.0).abs() < 1e-9);
        assert_eq!(cheap.drawn, 2);
        for (k, (miner, site)) in entered.iter().enumerate() {
            // The next ids, one site each, nothing energised yet.
            assert_eq!(miner.id, 1 + k as u32);
            assert_eq!((site.id, site.owner_id), (1 + k as u32, miner.id));
            assert!((site.power_price_usd_per_mwh - 20.0).abs() < 1e-6);
            assert_eq!(site.power_mw, 0.0);
            assert_eq!(
                site.builds,
                [Build {
                    mw: 100.0,
                    ready_day: 365
                }]
            );
            // Cash as the population's miners hold, half the capex as debt.
            assert_eq!(miner.cash_usd, 15e6);
            let capex = 100.0 * (500_000.0 + 22.5 * 1e6 / 13.5);
            assert!((miner.debt_usd - capex / 2.0).abs() < 1e-3 * capex);
            // Frontier machines for its 100 MW, once it is energised.
            let o = orders.machines[k];
            assert_eq!(o.site, site.id);
            assert!(o.day >= 365);
            assert!((o.hashrate_ths - 100.0 * 1e6 / 13.5).abs() < 1e-6);
        }
        assert_eq!(orders.build_days, [365, 365]);
        assert_eq!((flows.miners_entered, flows.builds_started), (2, 2));
        assert!((flows.mw_started - 200.0).abs() < 1e-9);
        // Power at $500/MWh: frontier machines lose money; the prospects
        // are drawn and go elsewhere.
        let mut dear = prospects_at(500.0);
        let (entered, orders, flows) = enter(&mut dear, &mut miners, &mut sites);
        assert!(entered.is_empty() && orders.machines.is_empty());
        assert_eq!((dear.drawn, flows.miners_entered), (2, 0));
        // A scenario without a population brings no prospects.
        let mut none = Entrants {
            owed_mw: 250.0,
            ..Default::default()
        };
        let (entered, _, _) = enter(&mut none, &mut miners, &mut sites);
        assert!(entered.is_empty());
        assert_eq!(none.drawn, 0);
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
            r.growth(book, &[0.0, 0.0]);
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
            r.growth(book, &[5.0, 0.0]);
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
            r.growth(book, &[0.0]);
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
            r.growth(book, &[0.0]);
            book.orders.machines.len()
        });
        assert_eq!(n, 0);
    }

    #[test]
    fn second_hand_machines_go_to_cheap_power_at_a_clearing_price() {
        // Two buyers with 10 free MW each, at $20 and $40/MWh; a lot of
        // 5 MW of S19s (29.5 J/TH). The cheap one takes it all and, as the
        // lot is sold out, pays its own bid; the seller is paid.
        let (seller, _) = miner_with_site(0, 0.0);
        let (b1, mut s1) = miner_with_site(1, 1e9);
        let (b2, mut s2) = miner_with_site(2, 1e9);
        s1.fleets.clear();
        s2.fleets.clear();
        s1.power_price_usd_per_mwh = 20.0;
        let (mut miners, mut sites) = ([seller, b1, b2], [s1.clone(), s1, s2]);
        sites[0].sold = true;
        let mut m = markets(0.0, 0.8);
        let lot_ths = 5.0 / 29.5 * 1e6;
        let (price, left) = with_review(&mut miners, &mut sites, &mut m, 40.0, |r, book| {
            book.used.list(0, 0, [(lot_ths, 29.5)]);
            r.used_market(book, &[0.0, 0.0, 0.0], true);
            (book.used.last_price_usd_per_th, book.used.stock_ths())
        });
        assert_eq!(left, 0.0);
        assert!(price > 0.0);
        assert!((sites[1].fleet_mw() - 5.0).abs() < 1e-9);
        assert_eq!(sites[2].fleet_mw(), 0.0);
        assert!((miners[0].cash_usd - price * lot_ths).abs() < 1e-3);
        assert!((miners[1].cash_usd - (1e9 - price * lot_ths)).abs() < 1e-3);
        // Machines nobody wants (at $1 of hashprice) wait, then are
        // scrapped after `used_listing_days`.
        let left = with_review(&mut miners, &mut sites, &mut m, 1.0, |r, book| {
            book.used.list(0, 0, [(lot_ths, 29.5)]);
            r.used_market(book, &[0.0, 0.0, 0.0], true);
            let waiting = book.used.stock_ths();
            book.day = 90;
            r.used_market(book, &[0.0, 0.0, 0.0], true);
            (waiting, book.used.stock_ths(), book.ledger.run.scrapped_ehs)
        });
        assert!((left.0 - lot_ths).abs() < 1e-6);
        assert_eq!(left.1, 0.0);
        assert!((left.2 - lot_ths / 1e6).abs() < 1e-12);
    }

    #[test]
    fn the_bid_ceiling_passes_over_only_buyers_the_bid_itself_would() {
        // Buyers of every belief, hurdle and power price, with free MW from
        // a sliver to a hall, scanned as the market scans them (cheapest
        // power first) for four generations at three hashprices: a buyer
        // the ceiling says bids nothing bids exactly 0, and one it rules
        // out would bid for less than a minimum order.
        let beliefs = [Belief::Myopic, Belief::Adaptive, Belief::HalvingAware];
        let (mut miners, mut sites) = (Vec::new(), Vec::new());
        for i in 0..60u32 {
            let (mut m, mut s) = miner_with_site(i, 1e9);
            m.belief = beliefs[i as usize % 3];
            m.hurdle_rate_per_year = [0.08, 0.12, 0.25, 0.4][i as usize % 4];
            s.fleets.clear();
            s.power_price_usd_per_mwh = 10.0 + 2.0 * i as f64;
            s.power_mw = [0.002, 0.02, 0.2, 10.0, 0.05][i as usize % 5];
            miners.push(m);
            sites.push(s);
        }
        let mut m = markets(0.0, 0.8);
        let (mut passed, mut nothing, mut valued) = (0, 0, 0);
        for hashprice in [20.0, 45.0, 60.0] {
            with_review(&mut miners, &mut sites, &mut m, hashprice, |r, book| {
                let mut buyers: Vec<Buyer> = (0..book.sites.len())
                    .map(|i| r.buyer(book, i, book.site(i).power_mw))
                    .collect();
                buyers.sort_by(|a, b| a.power_usd_per_mwh.total_cmp(&b.power_usd_per_mwh));
                for e in [16.0, 21.5, 29.5, 38.0] {
                    let pairs = BidCeiling::pairs(&buyers, r.fees.len());
                    let mut ceiling = BidCeiling::new(r, book, &pairs, e);
                    for b in &buyers {
                        let (s, o) = (book.site(b.site), book.miner(b.site));
                        let bid = r.used_bid_usd_per_th(book, o, s, e);
                        assert_eq!(ceiling.bids_nothing(b), bid <= 0.0, "{e} {b:?} {bid}");
                        let max_ths = b.free_mw * W_PER_MW / e;
                        if bid <= 0.0 {
                            nothing += 1;
                        } else if ceiling.rules_out(max_ths, b.cost_usd_per_mw_day) {
                            assert!(max_ths * bid < MIN_ORDER_USD, "{e} {b:?} {bid}");
                            passed += 1;
                        } else {
                            valued += 1;
                        }
                    }
                }
            });
        }
        // Each kind of buyer occurs, so each branch was checked.
        assert!(
            passed > 100 && nothing > 50 && valued > 50,
            "{passed} {nothing} {valued}"
        );
    }

    #[test]
    fn the_review_records_the_sites_it_changes_and_only_those() {
        // Two sites; the first has fleets curtailed 90 days and is
        // retired. Planning reads both; only the retired one is reached
        // mutably, so only its change is kept for the daily pass.
        let (a, mut sa) = miner_with_site(0, 0.0);
        let (b, sb) = miner_with_site(1, 0.0);
        sa.fleets[0].state = FleetState::Curtailed;
        sa.fleets[0].set_curtailed_days(90, 0);
        let (mut miners, mut sites) = ([a, b], [sa, sb]);
        let mut m = markets(0.0, 0.8);
        let touched = with_review(&mut miners, &mut sites, &mut m, 40.0, |r, book| {
            let retired = retirements(book, 90);
            assert_eq!(retired, [Decision::Retire { site: 0, days: 90 }]);
            let _ = (r.ai_candidates(book), book.site(1).fleet_mw());
            r.used_market(book, &[0.0, 0.0], true);
            for d in retired {
                apply(book, d);
            }
            (book.sites.touched(0), book.sites.touched(1))
        });
        assert_eq!(touched, (true, false));
        assert!(sites[0].fleets.is_empty());
    }
}
