//! The miners' decisions as systems. Daily: switch each fleet on or off
//! according to whether today's hashprice, net of the pool fee, pays for
//! its power (partial curtailment follows, worst machines first, because
//! each generation is judged on its own J/TH). Strategic decisions at epoch
//! boundaries slot in beside these.

use bevy_ecs::prelude::*;

use super::{
    Fleet, FleetState, Miner, PoolFees, Regions, Site, breakeven_hashprice_usd_per_ph_day,
};
use crate::sim::Economics;

/// Daily: each fleet mines while it covers its power cost, and stops while
/// its region is offline.
pub fn curtail_unprofitable_fleets(
    economics: Res<Economics>,
    fees: Res<PoolFees>,
    regions: Res<Regions>,
    sites: Query<&Site>,
    miners: Query<&Miner>,
    mut fleets: Query<&mut Fleet>,
) {
    let hashprice = economics.hashprice_usd_per_ph_day;
    for mut fleet in &mut fleets {
        let Ok(site) = sites.get(fleet.site) else {
            continue;
        };
        let state = if !regions.online[site.region as usize] {
            FleetState::Offline
        } else {
            let fee = miners
                .get(site.miner)
                .map_or(0.0, |m| fees.0[m.pool as usize]);
            let net = hashprice * (1.0 - fee / 100.0);
            let cost = breakeven_hashprice_usd_per_ph_day(
                fleet.efficiency_j_per_th,
                site.power_price_usd_per_mwh,
            );
            if net >= cost {
                FleetState::Mining
            } else {
                FleetState::Curtailed
            }
        };
        // Write only on change so change detection stays meaningful.
        if fleet.state != state {
            fleet.state = state;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::Pool;

    fn world_with(hashprice: f64) -> (World, Vec<Entity>) {
        let mut world = World::new();
        world.insert_resource(Economics {
            hashprice_usd_per_ph_day: hashprice,
            ..Default::default()
        });
        world.insert_resource(PoolFees(vec![2.0]));
        let mut regions = Regions::default();
        regions.intern("A");
        world.insert_resource(regions);
        world.spawn(Pool {
            index: 0,
            fee_pct: 2.0,
        });
        let miner = world
            .spawn(Miner {
                id: 0,
                pool: 0,
                cash_usd: 0.0,
                debt_usd: 0.0,
            })
            .id();
        let site = world
            .spawn(Site {
                miner,
                power_mw: 100.0,
                power_price_usd_per_mwh: 45.0,
                region: 0,
                ai_eligible: false,
            })
            .id();
        let fleets = [15.0, 17.5, 21.5, 29.5, 34.0]
            .iter()
            .map(|&e| {
                world
                    .spawn(Fleet {
                        site,
                        hashrate_ths: 1e6,
                        efficiency_j_per_th: e,
                        state: FleetState::Mining,
                    })
                    .id()
            })
            .collect();
        (world, fleets)
    }

    fn states(world: &mut World, fleets: &[Entity]) -> Vec<FleetState> {
        world.run_system_once(curtail_unprofitable_fleets).unwrap();
        fleets
            .iter()
            .map(|&f| world.get::<Fleet>(f).unwrap().state)
            .collect()
    }

    use bevy_ecs::system::RunSystemOnce;

    #[test]
    fn the_worst_machines_switch_off_first() {
        use FleetState::*;
        // At $45/MWh, breakevens are 16.2, 18.9, 23.2, 31.9, 36.7 $/PH/day;
        // the pool keeps 2 %.
        let (mut w, f) = world_with(30.0); // nets 29.4
        assert_eq!(
            states(&mut w, &f),
            [Mining, Mining, Mining, Curtailed, Curtailed]
        );
        let (mut w, f) = world_with(19.0); // nets 18.62
        assert_eq!(
            states(&mut w, &f),
            [Mining, Curtailed, Curtailed, Curtailed, Curtailed]
        );
        let (mut w, f) = world_with(40.0); // nets 39.2
        assert_eq!(states(&mut w, &f), [Mining; 5]);
    }

    #[test]
    fn an_offline_region_stops_every_fleet() {
        let (mut w, f) = world_with(100.0);
        w.resource_mut::<Regions>().online[0] = false;
        assert_eq!(states(&mut w, &f), [FleetState::Offline; 5]);
    }
}
