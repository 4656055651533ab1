//! Stages 1 to 3: contracts that have ended, retirements, bankruptcies
//! and the auctions of bankrupt miners' sites.

use super::decision::{Book, Decision};
use super::plan::{MIN_STAGE_MW, Review};
use crate::agents::valuation::mining_value_usd;

/// Solvent miners that bid for a bankrupt miner's sites: the largest.
const BIDDERS: usize = 20;
/// Stage 1: sites with contracts ending by `day`.
pub(crate) fn ending_contracts(book: &Book, day: u32) -> Vec<Decision> {
    (0..book.sites.len())
        .filter(|&i| book.site(i).projects.iter().any(|p| p.end_day <= day))
        .map(|site| Decision::EndContracts { site, day })
        .collect()
}

/// Stage 2: sites with fleets curtailed for `days` or more.
pub(crate) fn retirements(book: &Book, days: u32) -> Vec<Decision> {
    (0..book.sites.len())
        .filter(|&i| {
            let fleets = &book.site(i).fleets;
            fleets.iter().any(|f| f.curtailed_days(book.day) >= days)
        })
        .map(|site| Decision::Retire { site, days })
        .collect()
}

/// Stage 3a: solvent miners in distress for `days` or more.
pub(crate) fn bankruptcies(book: &Book, days: u32) -> Vec<Decision> {
    (0..book.miners.len())
        .filter(|&i| {
            let m = book.miner(i);
            !m.exited && m.distress_days >= days
        })
        .map(|miner| Decision::Bankrupt { miner })
        .collect()
}

impl Review<'_> {
    /// Stage 3b: the bidders for bankrupt miners' sites, largest first.
    pub(crate) fn bidders(&self, book: &Book) -> Vec<usize> {
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
    pub(crate) fn auction(&self, book: &Book, site: usize, bidders: &[usize]) -> Decision {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::review::decision::apply;
    use crate::agents::review::plan::fixtures::{miner_with_site, miner_with_site_of, with_review};
    use crate::agents::review::used_market;
    use crate::agents::testing::markets;
    use crate::agents::{Fleet, FleetState, Project, ProjectKind};

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
            used_market(r, book, &[0.0, 0.0], true);
            for d in retired {
                apply(book, d);
            }
            (book.sites.touched(0), book.sites.touched(1))
        });
        assert_eq!(touched, (true, false));
        assert!(sites[0].fleets.is_empty());
    }
}
