//! Builds the agents of a scenario: its pools, the miners it names, and the
//! long tail generated from its distributions. Each generated miner draws
//! from its own random stream, so adding miners never changes the others.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand::distr::weighted::WeightedIndex;
use rand_distr::LogNormal;

use super::{Fleet, Miner, Pool, PoolFees, Regions, Site};
use crate::scenario::Scenario;
use crate::sim::rng;
use crate::units::THS_PER_EHS;

/// How many agents a scenario put in the world.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PopulationCounts {
    /// Miners (firms).
    pub miners: u32,
    /// Sites.
    pub sites: u32,
    /// Fleets.
    pub fleets: u32,
}

/// Spawns every pool and miner of the scenario into `world`.
pub fn spawn(world: &mut World, scenario: &Scenario) -> PopulationCounts {
    let spec = scenario.spec();
    let mut regions = Regions::default();
    let mut counts = PopulationCounts::default();

    for (i, p) in spec.pools.iter().enumerate() {
        world.spawn((
            Pool {
                index: i as u16,
                fee_pct: p.fee_pct,
            },
            Name::new(p.name.clone()),
        ));
    }
    world.insert_resource(PoolFees(spec.pools.iter().map(|p| p.fee_pct).collect()));

    let strategy = &spec.strategy;
    for m in &spec.miners {
        let owner = Miner::new(
            counts.miners,
            scenario.pool_index(&m.pool) as u16,
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
                counts.sites,
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
                counts.fleets += 1;
            }
            world.spawn(site);
            counts.sites += 1;
        }
    }

    let pop = &spec.population;
    if pop.miners > 0 {
        let class_dist =
            WeightedIndex::new(pop.fleet_mix.iter().map(|f| f.share)).expect("validated shares");
        let pool_dist =
            WeightedIndex::new(pop.pools.iter().map(|p| p.share)).expect("validated shares");
        let region_dist =
            WeightedIndex::new(pop.regions.iter().map(|r| r.share)).expect("validated shares");
        let size_dist = LogNormal::new(0.0, pop.size_sigma).expect("validated sigma");
        let region_ids: Vec<u16> = pop
            .regions
            .iter()
            .map(|r| regions.intern(&r.region))
            .collect();
        let pool_ids: Vec<u16> = pop
            .pools
            .iter()
            .map(|p| scenario.pool_index(&p.pool) as u16)
            .collect();
        let price_dists: Vec<LogNormal<f64>> = pop
            .fleet_mix
            .iter()
            .map(|f| {
                let median = f
                    .power_price_median_usd_per_mwh
                    .unwrap_or(pop.power_price_median_usd_per_mwh);
                LogNormal::new(median.ln(), pop.power_price_sigma).expect("validated price")
            })
            .collect();

        let belief_dist =
            WeightedIndex::new(strategy.beliefs.iter().map(|b| b.share)).expect("validated shares");
        struct Draw {
            class: usize,
            size: f64,
            pool: u16,
            region: u16,
            price: f64,
            ai_draw: f64,
            belief: crate::agents::Belief,
            hurdle: f64,
        }
        let first_id = counts.miners;
        // Validation caps the agents far below u32::MAX.
        let generated = u32::try_from(pop.miners).expect("validated agent count");
        let draws: Vec<Draw> = (0..generated)
            .map(|i| {
                let mut r = rng::agent(spec.seed, first_id + i);
                let class = r.sample(&class_dist);
                Draw {
                    class,
                    size: r.sample(size_dist),
                    pool: pool_ids[r.sample(&pool_dist)],
                    region: region_ids[r.sample(&region_dist)],
                    price: r.sample(price_dists[class]),
                    ai_draw: r.random(),
                    belief: strategy.beliefs[r.sample(&belief_dist)].belief,
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
            let eligible = d.ai_draw < (pop.ai_eligible_share * weight(&d) / mean_weight).min(1.0);
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
                counts.sites,
                (miner, &owner),
                power_mw,
                d.price,
                d.region,
                eligible,
            );
            site.fleets.push(fleet);
            world.spawn(site);
            counts.miners += 1;
            counts.sites += 1;
            counts.fleets += 1;
        }
    }
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
    world.insert_resource(regions);
    world.insert_resource(counts);
    counts
}
