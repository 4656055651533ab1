//! What the daily pass ([`super::decisions::operate_fleets`]) keeps
//! between days: each site's tally of what it last decided
//! ([`SiteTallies`]), the sites other systems changed since it last ran
//! ([`ChangedSites`]), and each miner's income of the day
//! ([`DailyMargins`]).

use bevy_ecs::prelude::*;

use super::FleetSums;

/// What the daily pass last decided for a site's fleets, summed
/// ([`FleetSums`]), and the terms it decided under. Between the site's
/// turns, while nothing else has changed the site and the terms hold,
/// (see [`ChangedSites`]),
/// its fleets do the same as the day before, so the day books and counts
/// the sums without visiting them. The strategy (the commitment, the
/// take-or-pay share) is fixed for a run, so the tally need not record it.
/// Kept in [`SiteTallies`], by site id.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct SiteTally {
    /// The site's fleets summed as last operated.
    pub(crate) sums: FleetSums,
    /// The site's MW under construction ([`super::Site::building_mw`]), as of
    /// the last time it changed.
    pub(crate) building_mw: f64,
    /// Whether the tally is set (false until the site is first operated).
    pub(crate) valid: bool,
    /// Whether the site was held offline.
    pub(crate) offline: bool,
    /// Whether the net hashprice was above zero (a switched-off fleet runs
    /// its take-or-pay share only then).
    pub(crate) net_positive: bool,
    /// The site's turn in the cycle of `strategy.commit_days`: its id
    /// modulo the commitment.
    pub(crate) turn: u32,
}

/// Each site's [`SiteTally`], by site id ([`super::Site::id`]; a site not yet
/// operated has none, or the default). Only the daily pass reads and
/// writes them; kept beside the sites rather than on them, they carry no
/// change ticks for the pass to read and write.
#[derive(Resource, Clone, Debug, Default)]
pub(crate) struct SiteTallies(pub Vec<SiteTally>);

/// Each miner's income today, USD, by miner id: the mining margin
/// (revenue after pool fees less power and other opex) and AI income
/// (lease NOI, GPU cloud net), booked by [`super::decisions::operate_fleets`] and
/// paid into cash by [`super::decisions::settle_accounts`]; and the principal of
/// project loans it repays today from that income.
#[derive(Resource, Clone, Debug, Default)]
pub(crate) struct DailyMargins {
    /// Income, USD, by miner id.
    pub(crate) usd: Vec<f64>,
    /// Project-loan principal due, USD, by miner id (booked only through
    /// [`DailyMargins::book_projects`], which records whom to clear).
    principal_usd: Vec<f64>,
    /// Interest on loans of projects still being built, added to the
    /// loans rather than paid, USD, by miner id (likewise).
    capitalised_usd: Vec<f64>,
    /// The miners whose principal or capitalised interest was booked
    /// since the last [`DailyMargins::start`]: few own projects, so only
    /// their entries need clearing.
    project_owners: Vec<u32>,
}

impl DailyMargins {
    /// Starts a day of `miners` miners: every figure 0. The income of
    /// every miner is cleared; of the project figures, only those booked
    /// since the last start (the rest are 0 already).
    pub(crate) fn start(&mut self, miners: usize) {
        self.usd.clear();
        self.usd.resize(miners, 0.0);
        if self.principal_usd.len() == miners && self.capitalised_usd.len() == miners {
            for &i in &self.project_owners {
                self.principal_usd[i as usize] = 0.0;
                self.capitalised_usd[i as usize] = 0.0;
            }
        } else {
            for v in [&mut self.principal_usd, &mut self.capitalised_usd] {
                v.clear();
                v.resize(miners, 0.0);
            }
        }
        self.project_owners.clear();
    }

    /// The project-loan principal due and the interest capitalised today,
    /// USD, by miner id (as long as the income, [`DailyMargins::usd`]).
    pub(crate) fn projects(&self) -> (&[f64], &[f64]) {
        let n = self.usd.len();
        (&self.principal_usd[..n], &self.capitalised_usd[..n])
    }

    /// Books a project owner's principal due and interest capitalised
    /// today.
    pub(crate) fn book_projects(&mut self, owner: usize, principal_usd: f64, capitalised_usd: f64) {
        self.principal_usd[owner] += principal_usd;
        self.capitalised_usd[owner] += capitalised_usd;
        self.project_owners.push(owner as u32);
    }
}

/// The sites changed or added by a system other than the daily pass since
/// the pass last ran: the only sites whose tally may no longer describe
/// them (as a physics engine keeps its set of active bodies rather than
/// asking each body whether it moved). The pass reads the set to know
/// which sites to look at afresh, then clears it.
///
/// The contract: every system that can change a [`super::Site`] outside
/// the daily pass marks it here, and only when it does change it. They
/// are, in the order of a day: the scenario's events (a relocated site
/// arriving in its region, a curtailment holding a site offline, an AI
/// shock abandoning or stalling a site's conversions), deliveries (MW
/// energised, machines installed), and the review at an epoch's end (each
/// site it reached mutably: retirements, sales, transfers, conversions,
/// second-hand purchases, builds). Sites spawned (the population on day 0,
/// new firms at a review) are marked too, though a site the pass has never
/// operated has no valid tally and is looked at afresh regardless. A
/// system that changes a site without marking it breaks the pass's
/// between-turns bookkeeping (a debug check in the pass catches fleets
/// that changed while their decision held).
#[derive(Resource, Clone, Debug, Default)]
pub(crate) struct ChangedSites {
    /// Whether each site, by id, is marked.
    marked: Vec<bool>,
    /// The ids marked, in the order they were marked (to clear them).
    ids: Vec<u32>,
}

impl ChangedSites {
    /// Marks site `id` as changed.
    pub(crate) fn mark(&mut self, id: u32) {
        let i = id as usize;
        if self.marked.len() <= i {
            self.marked.resize(i + 1, false);
        }
        if !self.marked[i] {
            self.marked[i] = true;
            self.ids.push(id);
        }
    }

    /// Whether site `id` has changed since the pass last ran.
    pub(crate) fn contains(&self, id: u32) -> bool {
        self.marked.get(id as usize).copied().unwrap_or(false)
    }

    /// How many sites are marked.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// Unmarks every site (the pass has looked at them).
    pub(crate) fn clear(&mut self) {
        for id in self.ids.drain(..) {
            self.marked[id as usize] = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_changed_from_its_mark_until_the_set_is_cleared() {
        let mut set = ChangedSites::default();
        assert!(!set.contains(3) && set.len() == 0);
        set.mark(3);
        set.mark(3);
        set.mark(0);
        assert!(set.contains(3) && set.contains(0) && !set.contains(1));
        assert_eq!(set.len(), 2);
        set.clear();
        assert!(!set.contains(3) && !set.contains(0) && set.len() == 0);
    }
}
