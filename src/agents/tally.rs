//! Counting the sites into the hashrate tally ([`HashTable`]): each site's
//! fleets by state, its AI projects, its idle MW. After the review,
//! [`count_sites`] counts them all afresh and keeps what each site added
//! ([`SiteCounts`]); the daily pass ([`super::decisions::operate_fleets`])
//! then counts only the sites whose count changed, by difference, and
//! each changed site's owner afresh from its sites.

use bevy_ecs::prelude::*;

use super::{FleetSums, Orders, ProjectKind, Site, SiteTally, Strategy, UsedMachines};
use crate::state::{Clock, HashTable, PopulationCounts, Regions};

/// Counts one site — its fleets as summed in `fleets` (see
/// [`Site::fleet_sums`]), its MW under construction (`building_mw`, as
/// [`Site::building_mw`] gives it) and its projects as they stand on
/// `day` — into `table` (AI load into its region's `ai_mw`).
#[inline]
pub fn count_site(
    table: &mut HashTable,
    site: &Site,
    (fleets, building_mw): (&FleetSums, f64),
    regions: &mut Regions,
    day: u32,
) {
    if site.sold {
        table.sold_mw += site.power_mw;
        return;
    }
    let owner = site.owner_id as usize;
    table.miner_mw[owner] += site.power_mw;
    table.building_mw += building_mw;
    table.installed_mw += fleets.installed_mw;
    table.installed_ths += fleets.installed_ths;
    if fleets.running_ths > 0.0 {
        table.pool_ths[site.pool as usize] += fleets.running_ths;
        table.miner_ths[owner] += fleets.running_ths;
        table.region_ths[site.region as usize] += fleets.running_ths;
        table.mining_mw += fleets.running_mw;
    }
    table.offline_mw += fleets.offline_mw;
    table.offline_ths += fleets.offline_ths;
    table.curtailed_mw += fleets.curtailed_mw;
    table.curtailed_ths += fleets.curtailed_ths;
    let mut used = fleets.installed_mw;
    for p in &site.projects {
        used += p.mw;
        if p.converting(day) {
            table.converting_mw += p.mw;
        } else {
            regions.ai_mw[site.region as usize] += p.mw;
            match p.kind {
                ProjectKind::Lease => table.ai_mw += p.mw,
                ProjectKind::GpuCloud => table.gpu_cloud_mw += p.mw,
            }
        }
    }
    table.idle_mw += (site.power_mw - used).max(0.0);
}

/// What one site adds to the [`HashTable`] on a day: its fleets as
/// summed, its MW under construction, its projects by what they are
/// doing, its idle MW, and where it counts them (owner, pool, region).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SiteCount {
    /// Whether the site has been counted (a site not yet counted adds
    /// nothing).
    pub counted: bool,
    /// Its owner's id.
    pub owner_id: u32,
    /// Its pool.
    pub pool: u16,
    /// Its region.
    pub region: u16,
    /// Sold to an AI buyer (then it adds its MW to the sold MW only).
    pub sold: bool,
    /// Grid connection, MW.
    pub power_mw: f64,
    /// MW under construction.
    pub building_mw: f64,
    /// Its fleets, summed.
    pub fleets: FleetSums,
    /// MW of projects being converted.
    pub converting_mw: f64,
    /// MW leased (contracts running).
    pub ai_mw: f64,
    /// MW running a GPU cloud.
    pub gpu_cloud_mw: f64,
    /// MW doing nothing.
    pub idle_mw: f64,
}

impl SiteCount {
    /// What `site`, with its fleets summed as `fleets` and `building_mw`
    /// under construction, adds on `day` (as [`count_site`] adds it).
    pub fn of(site: &Site, (fleets, building_mw): (&FleetSums, f64), day: u32) -> Self {
        let mut c = Self {
            counted: true,
            owner_id: site.owner_id,
            pool: site.pool,
            region: site.region,
            sold: site.sold,
            power_mw: site.power_mw,
            building_mw,
            fleets: *fleets,
            ..Self::default()
        };
        if site.sold {
            return c;
        }
        let mut used = fleets.installed_mw;
        for p in &site.projects {
            used += p.mw;
            if p.converting(day) {
                c.converting_mw += p.mw;
            } else {
                match p.kind {
                    ProjectKind::Lease => c.ai_mw += p.mw,
                    ProjectKind::GpuCloud => c.gpu_cloud_mw += p.mw,
                }
            }
        }
        c.idle_mw = (site.power_mw - used).max(0.0);
        c
    }

    /// Adds `sign` (+1 or −1) times this count to the table's totals and
    /// its pool's and region's sums — not to its owner's, which
    /// [`SiteCounts::recount_owners`] sums afresh.
    fn add_to(&self, table: &mut HashTable, regions: &mut Regions, sign: f64) {
        if !self.counted {
            return;
        }
        if self.sold {
            table.sold_mw += sign * self.power_mw;
            return;
        }
        let f = &self.fleets;
        table.building_mw += sign * self.building_mw;
        table.installed_mw += sign * f.installed_mw;
        table.installed_ths += sign * f.installed_ths;
        if f.running_ths > 0.0 {
            table.pool_ths[self.pool as usize] += sign * f.running_ths;
            table.region_ths[self.region as usize] += sign * f.running_ths;
            table.mining_mw += sign * f.running_mw;
        }
        table.offline_mw += sign * f.offline_mw;
        table.offline_ths += sign * f.offline_ths;
        table.curtailed_mw += sign * f.curtailed_mw;
        table.curtailed_ths += sign * f.curtailed_ths;
        table.converting_mw += sign * self.converting_mw;
        table.ai_mw += sign * self.ai_mw;
        table.gpu_cloud_mw += sign * self.gpu_cloud_mw;
        regions.ai_mw[self.region as usize] += sign * (self.ai_mw + self.gpu_cloud_mw);
        table.idle_mw += sign * self.idle_mw;
    }
}

/// What each site added at its last count ([`SiteCount`], by site id),
/// and each miner's sites, as of the last full count ([`count_sites`])
/// and the sites counted since. Empty until the first full count.
#[derive(Resource, Clone, Debug, Default)]
pub struct SiteCounts {
    counts: Vec<SiteCount>,
    owner_sites: Vec<Vec<u32>>,
    owners_changed: Vec<u32>,
}

impl SiteCounts {
    /// Whether a full count has been kept (the daily pass counts by
    /// difference from it).
    pub fn kept(&self) -> bool {
        !self.counts.is_empty()
    }

    /// Starts a full count of `miners` miners.
    pub fn clear(&mut self, miners: usize) {
        self.counts.clear();
        self.owner_sites.clear();
        self.owner_sites.resize(miners, Vec::new());
        self.owners_changed.clear();
    }

    /// Keeps what site `id` added to a full count.
    pub fn keep(&mut self, id: u32, count: SiteCount) {
        let i = id as usize;
        if self.counts.len() <= i {
            self.counts.resize(i + 1, SiteCount::default());
        }
        self.counts[i] = count;
        let owner = count.owner_id as usize;
        if self.owner_sites.len() <= owner {
            self.owner_sites.resize(owner + 1, Vec::new());
        }
        self.owner_sites[owner].push(id);
    }

    /// Site `id` now adds `count`: the table's totals move by the
    /// difference from what it added before, and its owner (and a former
    /// owner) are summed afresh by [`SiteCounts::recount_owners`].
    pub fn update(
        &mut self,
        table: &mut HashTable,
        regions: &mut Regions,
        id: u32,
        count: SiteCount,
    ) {
        let i = id as usize;
        if self.counts.len() <= i {
            self.counts.resize(i + 1, SiteCount::default());
        }
        let old = self.counts[i];
        if old == count {
            return;
        }
        old.add_to(table, regions, -1.0);
        count.add_to(table, regions, 1.0);
        let owner = count.owner_id;
        if !old.counted || old.owner_id != owner {
            if old.counted {
                self.owner_sites[old.owner_id as usize].retain(|&s| s != id);
                self.owners_changed.push(old.owner_id);
            }
            if self.owner_sites.len() <= owner as usize {
                self.owner_sites.resize(owner as usize + 1, Vec::new());
            }
            self.owner_sites[owner as usize].push(id);
        }
        self.owners_changed.push(owner);
        self.counts[i] = count;
    }

    /// After counting by difference: a sum every site has left is 0, not
    /// the rounding of its additions and subtractions. A residue is below
    /// 1e-12 of the network's installed TH/s or of all the MW counted (a
    /// thousandth of a TH/s, a hundredth of a W at today's sizes, where
    /// the smallest fleet hashes hundreds of TH/s), so it is set to 0.
    pub fn clear_residues(table: &mut HashTable, regions: &mut Regions) {
        let ths = 1e-12 * table.installed_ths;
        let mw = 1e-12
            * (table.installed_mw
                + table.idle_mw
                + table.ai_mw
                + table.gpu_cloud_mw
                + table.converting_mw
                + table.sold_mw
                + table.building_mw);
        let clear = |x: &mut f64, eps: f64| {
            if x.abs() <= eps {
                *x = 0.0;
            }
        };
        for x in table.pool_ths.iter_mut().chain(table.region_ths.iter_mut()) {
            clear(x, ths);
        }
        for x in [&mut table.curtailed_ths, &mut table.offline_ths] {
            clear(x, ths);
        }
        for x in regions.ai_mw.iter_mut() {
            clear(x, mw);
        }
        for x in [
            &mut table.mining_mw,
            &mut table.curtailed_mw,
            &mut table.offline_mw,
            &mut table.ai_mw,
            &mut table.gpu_cloud_mw,
            &mut table.converting_mw,
            &mut table.sold_mw,
            &mut table.idle_mw,
            &mut table.building_mw,
        ] {
            clear(x, mw);
        }
    }

    /// Sums afresh, from their sites' counts, the hashrate and MW of the
    /// miners whose sites changed since the last call.
    pub fn recount_owners(&mut self, table: &mut HashTable) {
        for &o in &self.owners_changed {
            let (mut ths, mut mw) = (0.0, 0.0);
            for &id in &self.owner_sites[o as usize] {
                let c = &self.counts[id as usize];
                if c.sold {
                    continue;
                }
                mw += c.power_mw;
                if c.fleets.running_ths > 0.0 {
                    ths += c.fleets.running_ths;
                }
            }
            table.miner_ths[o as usize] = ths;
            table.miner_mw[o as usize] = mw;
        }
        self.owners_changed.clear();
    }
}

/// After a count: the machines on order and on offer second hand.
pub fn count_pipeline(orders: Res<Orders>, used: Res<UsedMachines>, mut table: ResMut<HashTable>) {
    table.on_order_ths = orders.machines.iter().map(|o| o.hashrate_ths).sum();
    table.used_stock_ths = used.stock_ths();
    table.used_stock_mw = used
        .lots
        .iter()
        .map(|l| crate::units::power_mw(l.hashrate_ths, l.efficiency_j_per_th))
        .sum();
    table.used_usd_per_th = used.last_price_usd_per_th;
}

/// Counts every site afresh (after the review has changed them), and
/// keeps what each added for the daily pass to count by difference.
pub fn count_sites(
    clock: Res<Clock>,
    strategy: Res<Strategy>,
    mut table: ResMut<HashTable>,
    counts: Res<PopulationCounts>,
    sites: Query<&Site>,
    mut regions: ResMut<Regions>,
    mut kept: ResMut<SiteCounts>,
) {
    let miners = counts.miners as usize;
    table.clear_sums(miners, &mut regions);
    kept.clear(miners);
    for site in &sites {
        let fleets = site.fleet_sums(strategy.take_or_pay_share);
        let building_mw = site.building_mw();
        count_site(
            &mut table,
            site,
            (&fleets, building_mw),
            &mut regions,
            clock.day,
        );
        kept.keep(
            site.id,
            SiteCount::of(site, (&fleets, building_mw), clock.day),
        );
    }
    table.finish_sums();
}

/// In debug builds, after the daily pass: the table counted by
/// difference agrees with a fresh count of every site (to rounding in the
/// sums; exactly in which miners and pools hash at all).
pub fn debug_check_count<'a>(
    table: &HashTable,
    regions: &Regions,
    sites: impl Iterator<Item = (&'a Site, &'a SiteTally)>,
    miners: usize,
    day: u32,
) {
    let mut fresh = table.clone();
    let mut r = regions.clone();
    fresh.clear_sums(miners, &mut r);
    for (site, tally) in sites {
        count_site(
            &mut fresh,
            site,
            (&tally.sums, tally.building_mw),
            &mut r,
            day,
        );
    }
    fresh.finish_sums();
    // Rounding is relative to the largest sums the differences were taken
    // from: the network's TH/s and MW.
    let scale = fresh
        .installed_ths
        .max(fresh.installed_mw + fresh.idle_mw + fresh.sold_mw);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) + 1e-12 * scale;
    for (a, b, what) in [
        (table.mining_mw, fresh.mining_mw, "mining_mw"),
        (table.curtailed_mw, fresh.curtailed_mw, "curtailed_mw"),
        (table.offline_mw, fresh.offline_mw, "offline_mw"),
        (table.installed_mw, fresh.installed_mw, "installed_mw"),
        (table.installed_ths, fresh.installed_ths, "installed_ths"),
        (table.ai_mw, fresh.ai_mw, "ai_mw"),
        (table.gpu_cloud_mw, fresh.gpu_cloud_mw, "gpu_cloud_mw"),
        (table.converting_mw, fresh.converting_mw, "converting_mw"),
        (table.sold_mw, fresh.sold_mw, "sold_mw"),
        (table.idle_mw, fresh.idle_mw, "idle_mw"),
        (table.building_mw, fresh.building_mw, "building_mw"),
        (table.total_ths, fresh.total_ths, "total_ths"),
    ] {
        assert!(
            close(a, b),
            "day {day}: {what} {a} counted by difference, {b} afresh"
        );
    }
    for (v, w, what) in [
        (&table.pool_ths, &fresh.pool_ths, "pool_ths"),
        (&table.region_ths, &fresh.region_ths, "region_ths"),
        (&table.miner_ths, &fresh.miner_ths, "miner_ths"),
        (&table.miner_mw, &fresh.miner_mw, "miner_mw"),
        (&regions.ai_mw, &r.ai_mw, "regions.ai_mw"),
    ] {
        assert_eq!(v.len(), w.len(), "day {day}: {what}");
        for (i, (a, b)) in v.iter().zip(w).enumerate() {
            assert!(
                close(*a, *b),
                "day {day}: {what}[{i}] {a} by difference, {b} afresh"
            );
        }
    }
    for (v, w, what) in [
        (&table.miner_ths, &fresh.miner_ths, "miner_ths"),
        (&table.pool_ths, &fresh.pool_ths, "pool_ths"),
        (&table.region_ths, &fresh.region_ths, "region_ths"),
    ] {
        for (i, (a, b)) in v.iter().zip(w).enumerate() {
            assert_eq!(*a == 0.0, *b == 0.0, "day {day}: {what}[{i}] {a} / {b}");
        }
    }
    for (a, b, what) in [
        (table.curtailed_mw, fresh.curtailed_mw, "curtailed_mw"),
        (table.offline_mw, fresh.offline_mw, "offline_mw"),
        (table.converting_mw, fresh.converting_mw, "converting_mw"),
    ] {
        assert_eq!(a == 0.0, b == 0.0, "day {day}: {what} {a} / {b}");
    }
    assert_eq!(table.active_miners, fresh.active_miners, "day {day}");
}
