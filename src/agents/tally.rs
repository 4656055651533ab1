//! Counting the sites into the hashrate tally ([`HashTable`]): each site's
//! fleets by state, its AI projects, its idle MW. The daily pass counts
//! each site as it operates it ([`super::decisions::operate_fleets`]);
//! after the review, [`count_sites`] counts them all again.

use bevy_ecs::prelude::*;

use super::{FleetSums, Orders, ProjectKind, Site, Strategy, UsedMachines};
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

/// Counts every site afresh (after the review has changed them).
pub fn count_sites(
    clock: Res<Clock>,
    strategy: Res<Strategy>,
    mut table: ResMut<HashTable>,
    counts: Res<PopulationCounts>,
    sites: Query<&Site>,
    mut regions: ResMut<Regions>,
) {
    table.clear_sums(counts.miners as usize, &mut regions);
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
    }
    table.finish_sums();
}
