//! Stage 5: the second-hand market: stale lots are scrapped, the rest
//! sold to sites with free MW, cheapest power first.

use std::collections::HashMap;

use super::decision::{Book, Decision};
use super::plan::{MIN_ORDER_USD, Review};
use crate::agents::decisions::site_power_price;
use crate::agents::valuation::{
    MonthlyRevenue, cost_usd_per_mw_day, mining_value_usd, monthly_discount,
};
use crate::agents::{Belief, Miner, Site};
use crate::units::{DAYS_PER_MONTH, W_PER_MW, power_mw};

impl Review<'_> {
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

    /// Stage 5a: the lots listed for `strategy.used_listing_days`, and the
    /// ones sold out, are scrapped (their hashrate counted as scrapped);
    /// `None` when there are none.
    pub(crate) fn scrapping(&self, book: &Book) -> Option<Decision> {
        let (day, keep) = (book.day, self.strategy.used_listing_days);
        let lots: Vec<usize> = (book.used.lots.iter().enumerate())
            .filter(|(_, l)| day.saturating_sub(l.listed_day) >= keep || l.hashrate_ths <= 1e-9)
            .map(|(i, _)| i)
            .collect();
        (!lots.is_empty()).then_some(Decision::Scrap { lots })
    }
}

/// Stage 5b: the second-hand market's round, planned generation by
/// generation ([`UsedMarket::next`]). Each lot, best J/TH first, goes to
/// the sites with free MW, cheapest power first, each taking what fits its
/// free MW and its owner's spare cash at its bid while its bid is
/// positive. The price clears: when buyers take the whole lot, every buyer
/// pays the bid of the last one served; when they do not, the rest is left
/// for the next review and the buyers pay nothing above scrap (taken as 0:
/// est., a few dollars a TH for parts). The round ends with
/// [`Decision::UsedRoundEnds`].
pub(crate) struct UsedMarket {
    /// Sites of solvent miners with free MW and cash to spare, cheapest
    /// power first; their free MW falls as they buy.
    buyers: Vec<Buyer>,
    /// The buyers' (belief, pool) pairs and lowest hurdle.
    pairs: BuyerPairs,
    /// The lots pooled by generation, best first: (J/TH, TH/s).
    generations: std::vec::IntoIter<(f64, f64)>,
    /// The sales of the generation being cleared, not yet handed out.
    sales: std::vec::IntoIter<Decision>,
    /// Hashrate sold so far this round, TH/s.
    traded_ths: f64,
    /// What it sold for, USD.
    traded_usd: f64,
    /// Whether the round's end has been handed out.
    ended: bool,
}

impl UsedMarket {
    /// The round as the market opens: its buyers (`on_order_mw` is each
    /// site's MW awaiting machines on order, by id) and the lots on offer.
    pub(crate) fn open(r: &Review, book: &Book, on_order_mw: &[f64]) -> Self {
        // Buyers: sites of solvent miners with free MW and cash to spare,
        // cheapest power first.
        let mut buyers: Vec<Buyer> = (0..book.sites.len())
            .filter_map(|i| {
                let s = book.site(i);
                let free_mw = s.power_mw - s.fleet_mw() - s.project_mw() - on_order_mw[i];
                let owner = book.miner(s.owner_id as usize);
                (!s.sold && !owner.exited && free_mw > 1e-6 && r.spare_cash(owner) >= MIN_ORDER_USD)
                    .then(|| r.buyer(book, i, free_mw))
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
        let pairs = BidCeiling::pairs(&buyers, r.fees.len());
        Self {
            buyers,
            pairs,
            generations: generations.into_iter(),
            sales: Vec::new().into_iter(),
            traded_ths: 0.0,
            traded_usd: 0.0,
            ended: false,
        }
    }

    /// The round's next decision, planned on the book as the ones before
    /// it left it: a sale, or once every generation is cleared, the
    /// round's end; `None` after that.
    pub(crate) fn next(&mut self, r: &Review, book: &Book) -> Option<Decision> {
        loop {
            if let Some(sale) = self.sales.next() {
                return Some(sale);
            }
            if let Some((e, left)) = self.generations.next() {
                self.sales = self.clear(r, book, e, left).into_iter();
                continue;
            }
            if self.ended {
                return None;
            }
            self.ended = true;
            let usd_per_th = (self.traded_ths > 0.0).then(|| self.traded_usd / self.traded_ths);
            return Some(Decision::UsedRoundEnds { usd_per_th });
        }
    }

    /// The sales of `left` TH/s of machines of `e` J/TH: the buyers in
    /// turn take what they bid for, and all pay the clearing price.
    fn clear(&mut self, r: &Review, book: &Book, e: f64, mut left: f64) -> Vec<Decision> {
        let mut ceiling = BidCeiling::new(r, book, &self.pairs, e);
        // (buyer index, TH/s, bid)
        let mut takes: Vec<(usize, f64, f64)> = Vec::new();
        // What the generation already takes of each owner's cash (on
        // another of its sites), USD, by owner id.
        let mut committed: HashMap<u32, f64> = HashMap::new();
        for (b, buyer) in self.buyers.iter().enumerate() {
            if left <= 1e-9 {
                break;
            }
            let free = buyer.free_mw;
            if free <= 1e-6 {
                continue;
            }
            // Most buyers at scale are passed over here, without reading
            // their site or owner.
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
            let bid = r.used_bid_usd_per_th(book, m, s, e);
            if bid <= 0.0 {
                // Dearer power bids less still: the rest of the buyers
                // would not take it either.
                break;
            }
            let owner = s.owner_id;
            let spare = r.spare_cash(m) - committed.get(&owner).copied().unwrap_or(0.0);
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
        let mut sales = Vec::with_capacity(takes.len());
        for (b, ths, _) in takes {
            let site = self.buyers[b].site;
            self.buyers[b].free_mw -= power_mw(ths, e);
            self.traded_ths += ths;
            self.traded_usd += ths * price;
            sales.push(Decision::BuyUsed {
                site,
                efficiency_j_per_th: e,
                hashrate_ths: ths,
                usd: ths * price,
            });
        }
        sales
    }
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

/// The owners the buyers of a round have, as the bids for a generation
/// depend on them ([`BidCeiling::pairs`]).
struct BuyerPairs {
    /// Each (belief, pool) pair some buyer's owner has
    /// ([`BidCeiling::pair`]), with the id of one such owner.
    pairs: Vec<(usize, u32)>,
    /// The lowest hurdle rate among the buyers' owners.
    min_hurdle: f64,
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
    fn pairs(buyers: &[Buyer], pools: usize) -> BuyerPairs {
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
        BuyerPairs { pairs, min_hurdle }
    }

    /// The bounds on the bids for machines of `e` J/TH of buyers whose
    /// pairs and lowest hurdle are `pairs` ([`Self::pairs`]).
    fn new(review: &Review, book: &Book, pairs: &BuyerPairs, e: f64) -> Self {
        let months = review.cx.life_months / 2;
        let mut peaks = vec![f64::NAN; Self::BELIEFS * review.fees.len()];
        let mut revenue = vec![f64::NEG_INFINITY; months];
        let (pairs, min_hurdle) = (&pairs.pairs, pairs.min_hurdle);
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
    use super::*;
    use crate::agents::review::plan::fixtures::{miner_with_site, with_review};
    use crate::agents::review::used_market;
    use crate::agents::testing::markets;

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
            used_market(r, book, &[0.0, 0.0, 0.0], true);
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
            used_market(r, book, &[0.0, 0.0, 0.0], true);
            let waiting = book.used.stock_ths();
            book.day = 90;
            used_market(r, book, &[0.0, 0.0, 0.0], true);
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
}
