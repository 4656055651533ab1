//! Counting the sites into the hashrate tally ([`HashTable`]): each site's
//! fleets by state, its AI projects, its idle MW. The daily pass counts
//! each site as it operates it ([`super::decisions::operate_fleets`]);
//! after the review, [`count_sites`] counts them all again.

use bevy_ecs::prelude::*;

use super::{FleetSums, Orders, ProjectKind, Site, Strategy, UsedMachines};
use crate::state::{Clock, HashTable, PopulationCounts, Regions};

/// The scalar sums of a count (the MW and TH/s of every site by what it
/// is doing), kept in a local while the sites are counted so that they
/// stay in registers, and stored into the [`HashTable`] when the count
/// ends. Each sum adds the sites in the same order as the table would,
/// from the same zero, so the stored figures are the table's own.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CountTotals {
    sold_mw: f64,
    building_mw: f64,
    installed_mw: f64,
    installed_ths: f64,
    mining_mw: f64,
    offline_mw: f64,
    offline_ths: f64,
    curtailed_mw: f64,
    curtailed_ths: f64,
    converting_mw: f64,
    ai_mw: f64,
    gpu_cloud_mw: f64,
    idle_mw: f64,
}

impl CountTotals {
    /// Ends a count begun by [`HashTable::clear_sums`]: its sums into
    /// `table` (the only place they are set).
    pub(crate) fn store(self, table: &mut HashTable) {
        table.sold_mw = self.sold_mw;
        table.building_mw = self.building_mw;
        table.installed_mw = self.installed_mw;
        table.installed_ths = self.installed_ths;
        table.mining_mw = self.mining_mw;
        table.offline_mw = self.offline_mw;
        table.offline_ths = self.offline_ths;
        table.curtailed_mw = self.curtailed_mw;
        table.curtailed_ths = self.curtailed_ths;
        table.converting_mw = self.converting_mw;
        table.ai_mw = self.ai_mw;
        table.gpu_cloud_mw = self.gpu_cloud_mw;
        table.idle_mw = self.idle_mw;
    }
}

/// Where a count of the sites goes ([`count_site`]).
pub(crate) struct CountInto<'a> {
    /// The tally: its sums by miner, pool and region.
    pub(crate) table: &'a mut HashTable,
    /// The count's scalar sums, stored into `table` when it ends.
    pub(crate) totals: &'a mut CountTotals,
    /// The regions, whose AI load (`ai_mw`) the count sums.
    pub(crate) regions: &'a mut Regions,
}

/// Counts one site — its fleets as summed in `fleets` (see
/// [`Site::fleet_sums`]), its MW under construction (`building_mw`, as
/// [`Site::building_mw`] gives it) and its projects as they stand on
/// `day` — into the count (AI load into its region's `ai_mw`).
#[inline(always)]
pub(crate) fn count_site(
    into: &mut CountInto,
    site: &Site,
    fleets: &FleetSums,
    building_mw: f64,
    day: u32,
) {
    let CountInto {
        table,
        totals,
        regions,
    } = into;
    if site.sold {
        totals.sold_mw += site.power_mw;
        return;
    }
    let owner = site.owner_id as usize;
    table.miner_mw[owner] += site.power_mw;
    totals.building_mw += building_mw;
    totals.installed_mw += fleets.installed_mw;
    totals.installed_ths += fleets.installed_ths;
    if fleets.running_ths > 0.0 {
        table.pool_ths[site.pool as usize] += fleets.running_ths;
        table.miner_ths[owner] += fleets.running_ths;
        table.region_ths[site.region as usize] += fleets.running_ths;
        totals.mining_mw += fleets.running_mw;
    }
    totals.offline_mw += fleets.offline_mw;
    totals.offline_ths += fleets.offline_ths;
    totals.curtailed_mw += fleets.curtailed_mw;
    totals.curtailed_ths += fleets.curtailed_ths;
    let mut used = fleets.installed_mw;
    for p in &site.projects {
        used += p.mw;
        if p.converting(day) {
            totals.converting_mw += p.mw;
        } else {
            regions.ai_mw[site.region as usize] += p.mw;
            match p.kind {
                ProjectKind::Lease => totals.ai_mw += p.mw,
                ProjectKind::GpuCloud => totals.gpu_cloud_mw += p.mw,
            }
        }
    }
    totals.idle_mw += (site.power_mw - used).max(0.0);
}

/// After a count: the machines on order and on offer second hand.
pub(crate) fn count_pipeline(
    orders: Res<Orders>,
    used: Res<UsedMachines>,
    mut table: ResMut<HashTable>,
) {
    table.on_order_ths = orders.machines.iter().map(|o| o.hashrate_ths).sum();
    table.used_stock_ths = used.stock_ths();
    table.used_stock_mw = used
        .lots
        .iter()
        .map(|l| crate::units::power_mw(l.hashrate_ths, l.efficiency_j_per_th))
        .sum();
    table.used_usd_per_th = used.last_price_usd_per_th;
}

/// Counts every site afresh (after the review has changed them).
pub(crate) fn count_sites(
    clock: Res<Clock>,
    strategy: Res<Strategy>,
    mut table: ResMut<HashTable>,
    counts: Res<PopulationCounts>,
    sites: Query<&Site>,
    mut regions: ResMut<Regions>,
) {
    table.clear_sums(counts.miners as usize, &mut regions);
    let mut totals = CountTotals::default();
    for site in &sites {
        let fleets = site.fleet_sums(strategy.take_or_pay_share);
        let building_mw = site.building_mw();
        let mut into = CountInto {
            table: &mut table,
            totals: &mut totals,
            regions: &mut regions,
        };
        count_site(&mut into, site, &fleets, building_mw, clock.day);
    }
    totals.store(&mut table);
    table.finish_sums();
}
