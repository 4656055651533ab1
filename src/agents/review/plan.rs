//! The review's shared views: what every stage reads besides the book
//! ([`Review`]), and how a miner sees the markets from it. Each stage is a
//! planner in a file of its own that reads the world and returns what it
//! decides, without changing anything; see [`super`] for the order they
//! run in.

use super::context::Context;
use crate::agents::decisions::site_power_price;
use crate::agents::valuation::{MiningView, monthly_discount};
use crate::agents::{Miner, Site, Strategy};
use crate::state::Regions;

/// Smallest purchase of machines worth an order, USD.
pub(super) const MIN_ORDER_USD: f64 = 10_000.0;
/// Smallest block of MW AI tenants lease or AI buyers buy, gross MW:
/// Riot–AMD's first stage at Rockdale was 25 MW (2025), the smallest
/// disclosed deal with a miner (est.: hyperscale tenants want campuses, and
/// a smaller site is worth more to mining or colocation than to them).
pub(crate) const MIN_STAGE_MW: f64 = 25.0;

/// What every stage after the first reads besides the book.
pub(crate) struct Review<'a> {
    /// The markets.
    pub(crate) cx: &'a Context,
    /// Decisions and finance.
    pub(crate) strategy: &'a Strategy,
    /// Power regions.
    pub(crate) regions: &'a Regions,
    /// Pool fees by pool, percent.
    pub(crate) fees: &'a [f64],
    /// Each miner's MW at the start of the review, by id: its size.
    pub(crate) size_mw: &'a [f64],
    /// The network's hashrate mining at the start of the review, TH/s.
    pub(crate) network_ths: f64,
}

impl Review<'_> {
    fn size(&self, miner: u32) -> f64 {
        self.size_mw.get(miner as usize).copied().unwrap_or(0.0)
    }

    /// Largest first; ids are unique, so the order is total.
    pub(super) fn largest_first(&self, a: u32, b: u32) -> std::cmp::Ordering {
        self.size(b).total_cmp(&self.size(a)).then(a.cmp(&b))
    }

    /// What a MW costs to run on `site`, USD/MWh: its power and other
    /// opex.
    pub(super) fn cost_usd_per_mwh(&self, site: &Site) -> f64 {
        site_power_price(site, self.regions) + self.strategy.other_opex_usd_per_mwh
    }

    /// How `m` values mining on `site`.
    pub(super) fn view<'v>(&'v self, m: &Miner, site: &Site) -> MiningView<'v> {
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
    pub(super) fn seeing_orders<'v>(
        &'v self,
        m: &Miner,
        site: &Site,
        on_order_ths: f64,
    ) -> MiningView<'v> {
        MiningView {
            cost_usd_per_mwh: self.cost_usd_per_mwh(site),
            ..self.seeing_orders_of(m, on_order_ths)
        }
    }

    /// [`Self::seeing_orders`] on a site whose power costs nothing.
    pub(super) fn seeing_orders_of<'v>(&'v self, m: &Miner, on_order_ths: f64) -> MiningView<'v> {
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
    pub(super) fn spare_cash(&self, m: &Miner) -> f64 {
        m.cash_usd - self.strategy.cash_reserve_usd_per_mw * self.size(m.id)
    }
}

/// Miners, sites and a review to plan with, for the stages' tests.
#[cfg(test)]
pub(super) mod fixtures {
    use bevy_ecs::prelude::Entity;

    use super::*;
    use crate::agents::review::decision::Book;
    use crate::agents::testing::strategy;
    use crate::agents::{Belief, Fleet, Miner, Orders, Site, UsedMachines};
    use crate::state::{Economics, HashpriceMemory, Ledger, Markets, Regions};

    /// A miner with `cash_usd` and one 10 MW site of S19s (29.5 J/TH) at
    /// $40/MWh in region 0, AI-eligible.
    pub(crate) fn miner_with_site(id: u32, cash_usd: f64) -> (Miner, Site) {
        miner_with_site_of(id, cash_usd, 10.0)
    }

    /// The same with a site of `mw` MW, full of S19s.
    pub(crate) fn miner_with_site_of(id: u32, cash_usd: f64, mw: f64) -> (Miner, Site) {
        let m = Miner::new(id, 0, cash_usd, 0.0, Belief::Myopic, 0.12);
        let mut s = Site::new(id, Entity::PLACEHOLDER, &m, mw, 40.0, 0, true);
        s.push_fleet(Fleet::new(mw / 29.5 * 1e6, 29.5));
        (m, s)
    }

    /// Plans with a review of these miners and sites at `hashprice`.
    pub(crate) fn with_review<T>(
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
            entered: Vec::new(),
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
}
