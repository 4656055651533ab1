//! Stage 8: new firms, each entering where its site pays as a miner's own
//! build would.

use rand::RngExt;

use super::decision::{Book, Decision, Entry};
use super::plan::Review;
use crate::agents::{Build, Entrants, Miner, Site};
use crate::state::rng;
use crate::units::DAYS_PER_YEAR;

impl Review<'_> {
    /// Stage 8a: the prospects due since the last review
    /// (`strategy.entrant_mw_per_year`) join the MW owed.
    pub(crate) fn prospects_arrive(&self, entrants: &mut Entrants) {
        let elapsed = self.cx.day.saturating_sub(entrants.last_day);
        entrants.last_day = self.cx.day;
        entrants.owed_mw += self.strategy.entrant_mw_per_year * elapsed as f64 / DAYS_PER_YEAR;
    }

    /// Stage 8b: the next new firm, planned on the book as the ones before
    /// it left it. The prospects owed arrive in turn, one site of
    /// `strategy.entrant_site_mw` each, drawn as the population's miners
    /// ([`Entrants`]). A prospect enters when its site pays as a miner's
    /// own build would (stage 7): frontier machines ordered to arrive once
    /// the MW is energised, after `strategy.build_lead_days`, beat doing
    /// nothing by the hysteresis margin over their life, less their capex
    /// and the site's. An entrant raises the equity share of that capex
    /// and its cash (as the population's miners hold, per MW) and borrows
    /// the rest; a prospect that does not pay goes elsewhere. The firm and
    /// its site take the ids that follow the book's and its entrants'.
    /// `None` once no prospect owed enters.
    pub(crate) fn entrant(
        &self,
        book: &Book,
        entrants: &mut Entrants,
        seed: u64,
    ) -> Option<Decision> {
        let (cx, st) = (self.cx, self.strategy);
        let Entrants {
            draw,
            owed_mw,
            drawn,
            ..
        } = entrants;
        let draw = draw.as_ref()?;
        let mw = st.entrant_site_mw;
        let ready_day = cx.day.saturating_add(st.build_lead_days);
        let entered = book.entered.len() as u32;
        let (miner_id, site_id) = (
            book.miners.len() as u32 + entered,
            book.sites.len() as u32 + entered,
        );
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
            let s = Site::new(
                site_id,
                bevy_ecs::entity::Entity::PLACEHOLDER,
                &m,
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
            let (order, quote) = self.frontier_machines(book, site_id, mw, ready_day);
            return Some(Decision::Enter(Box::new(Entry {
                miner: m,
                site: s,
                build: Build { mw, ready_day },
                site_capex_usd: site_capex,
                order,
                quote,
                machines_usd,
            })));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::review::entry;
    use crate::agents::review::plan::fixtures::{miner_with_site, with_review};
    use crate::agents::testing::markets;
    use crate::agents::{Belief, Strategy};

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
                entry(&r, book, entrants, 7);
                let entered = std::mem::take(&mut book.entered);
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
}
