//! Builds the agents of a scenario: the miners it names, and the long tail
//! generated from its distributions. Each generated miner draws from its
//! own random stream, so adding miners never changes the others.

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::agents::{Belief, Build, Fleet, Miner, Order, Orders, Site};
use crate::scenario::Scenario;
use crate::state::rng;
use crate::state::{PopulationCounts, Regions};
use crate::units::THS_PER_EHS;

/// Spawns every miner of the scenario into `world`, with the regions they
/// are in; returns how many miners there are.
pub fn spawn(world: &mut World, scenario: &Scenario) -> PopulationCounts {
    let mut b = Builder {
        world,
        regions: Regions::default(),
        counts: PopulationCounts::default(),
        sites: 0,
    };
    b.named(scenario);
    b.generated(scenario);
    b.power_drift(scenario);
    let Builder {
        world,
        regions,
        counts,
        ..
    } = b;
    world.insert_resource(regions);
    world.insert_resource(counts);
    counts
}

/// What the scenario has under way at its start (`pipeline`): each entry
/// spread over every site in proportion to its MW, as MW under
/// construction and machines on order.
pub fn pipeline(world: &mut World, scenario: &Scenario) -> Orders {
    let mut orders = Orders::default();
    let entries = &scenario.spec().pipeline;
    if entries.is_empty() {
        return orders;
    }
    let mut q = world.query::<&mut Site>();
    let total_mw: f64 = q.iter(world).map(|s| s.power_mw).sum();
    if total_mw <= 0.0 {
        return orders;
    }
    for mut site in q.iter_mut(world) {
        let share = site.power_mw / total_mw;
        for p in entries {
            if p.power_mw > 0.0 {
                site.builds.push(Build {
                    mw: p.power_mw * share,
                    ready_day: p.day,
                });
                orders.build_days.push(p.day);
            }
            if p.hashrate_ehs > 0.0 {
                orders.machines.push(Order {
                    day: p.day,
                    site: site.id,
                    hashrate_ths: p.hashrate_ehs * THS_PER_EHS * share,
                    efficiency_j_per_th: p.efficiency_j_per_th,
                });
            }
        }
    }
    // Spawn order, so that the orders do not depend on the query's.
    orders.machines.sort_by_key(|o| o.site);
    orders.build_days.sort_unstable();
    orders.build_days.dedup();
    orders
}

/// The world as it fills: regions in order of first appearance, and the
/// next miner and site ids.
struct Builder<'w> {
    world: &'w mut World,
    regions: Regions,
    counts: PopulationCounts,
    sites: u32,
}

impl Builder<'_> {
    /// The miners the scenario names, with their sites and fleets.
    fn named(&mut self, scenario: &Scenario) {
        let (spec, resolved) = (scenario.spec(), scenario.resolved());
        let (world, regions, counts, sites) = (
            &mut *self.world,
            &mut self.regions,
            &mut self.counts,
            &mut self.sites,
        );
        let strategy = &spec.strategy;
        for (m, pool) in spec.miners.iter().zip(&resolved.miner_pools) {
            let owner = Miner::new(
                counts.miners,
                pool.0,
                m.cash_usd,
                m.debt_usd,
                m.belief.unwrap_or(strategy.named_belief),
                m.hurdle_rate_per_year
                    .unwrap_or(strategy.hurdle_rate_per_year),
            );
            let miner = world.spawn((owner.clone(), Name::new(m.name.clone()))).id();
            counts.miners += 1;
            for s in &m.sites {
                let mut site = Site::new(
                    *sites,
                    (miner, &owner),
                    s.power_mw,
                    s.power_price_usd_per_mwh,
                    regions.intern(&s.region),
                    s.ai_eligible,
                );
                for f in &s.fleets {
                    site.push_fleet(Fleet::new(
                        f.hashrate_ehs * THS_PER_EHS,
                        f.efficiency_j_per_th,
                    ));
                }
                world.spawn(site);
                *sites += 1;
            }
        }
    }

    /// The long tail, drawn from the population's distributions: one miner
    /// with one site and one fleet each.
    fn generated(&mut self, scenario: &Scenario) {
        let (spec, resolved) = (scenario.spec(), scenario.resolved());
        let strategy = &spec.strategy;
        let (world, regions, counts, sites) = (
            &mut *self.world,
            &mut self.regions,
            &mut self.counts,
            &mut self.sites,
        );
        let pop = &spec.population;
        if let Some(g) = &resolved.generator {
            let region_ids: Vec<u16> = pop
                .regions
                .iter()
                .map(|r| regions.intern(&r.region))
                .collect();
            struct Draw {
                class: usize,
                size: f64,
                pool: u16,
                region: u16,
                price: f64,
                ai_draw: f64,
                belief: Belief,
                hurdle: f64,
            }
            let first_id = counts.miners;
            let draws: Vec<Draw> = (0..resolved.generated_miners)
                .map(|i| {
                    let mut r = rng::agent(spec.seed, first_id + i);
                    let class = r.sample(&g.class);
                    Draw {
                        class,
                        size: r.sample(g.size),
                        pool: resolved.population_pools[r.sample(&g.pool)].0,
                        region: region_ids[r.sample(&g.region)],
                        price: r.sample(g.price[class]),
                        ai_draw: r.random(),
                        belief: strategy.beliefs[r.sample(&g.belief)].belief,
                        hurdle: strategy.hurdle_rate_per_year
                            + strategy.hurdle_rate_spread * (2.0 * r.random::<f64>() - 1.0),
                    }
                })
                .collect();
            // AI suitability favours big sites with cheap power: each site's
            // chance is the eligible share scaled by √size × median price /
            // price, relative to the mean of that weight (capped at 1).
            let weight = |d: &Draw| d.size.sqrt() * pop.power_price_median_usd_per_mwh / d.price;
            let mean_weight = draws.iter().map(weight).sum::<f64>() / draws.len() as f64;
            // Scale sizes so each generation holds its share of the hashrate
            // (spread over the generations that drew any miner at all).
            let mut class_size = vec![0.0; pop.fleet_mix.len()];
            for d in &draws {
                class_size[d.class] += d.size;
            }
            let present_share: f64 = pop
                .fleet_mix
                .iter()
                .zip(&class_size)
                .filter(|(_, s)| **s > 0.0)
                .map(|(f, _)| f.share)
                .sum();
            let total_ths = pop.hashrate_ehs * THS_PER_EHS;
            for d in draws {
                let class = &pop.fleet_mix[d.class];
                let hashrate_ths =
                    total_ths * class.share / present_share * d.size / class_size[d.class];
                let fleet = Fleet::new(hashrate_ths, class.efficiency_j_per_th);
                let power_mw = fleet.power_mw() * pop.power_headroom;
                let eligible =
                    d.ai_draw < (pop.ai_eligible_share * weight(&d) / mean_weight).min(1.0);
                let owner = Miner::new(
                    counts.miners,
                    d.pool,
                    strategy.tail_cash_usd_per_mw * power_mw,
                    0.0,
                    d.belief,
                    d.hurdle,
                );
                let miner = world.spawn(owner.clone()).id();
                let mut site = Site::new(
                    *sites,
                    (miner, &owner),
                    power_mw,
                    d.price,
                    d.region,
                    eligible,
                );
                site.fleets.push(fleet);
                world.spawn(site);
                counts.miners += 1;
                *sites += 1;
            }
        }
    }

    /// Each region's power-price drift: its own if the scenario lists it,
    /// else the default.
    fn power_drift(&mut self, scenario: &Scenario) {
        let spec = scenario.spec();
        let regions = &mut self.regions;
        for r in &spec.power.regions {
            let i = regions.intern(&r.region) as usize;
            regions.drift_per_year[i] = r.drift_per_year;
        }
        let default_drift = spec.power.drift_per_year;
        let listed: Vec<&str> = spec
            .power
            .regions
            .iter()
            .map(|r| r.region.as_str())
            .collect();
        for (i, name) in regions.names.iter().enumerate() {
            if !listed.contains(&name.as_str()) {
                regions.drift_per_year[i] = default_drift;
            }
        }
    }
}
