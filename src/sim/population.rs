//! Builds the agents of a scenario: the miners it names, and the long tail
//! generated from its distributions. Each generated miner draws from its
//! own random stream, so adding miners never changes the others' draws;
//! pools and regions are then apportioned to hold their stated shares.

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::agents::decisions::standby_share;
use crate::agents::{
    Belief, Build, Entrants, Fleet, Miner, Order, Orders, ProspectDraw, Site,
    breakeven_hashprice_usd_per_ph_day,
};
use crate::scenario::Scenario;
use crate::scenario::resolve::Generator;
use crate::scenario::schema::HashrateBasis;
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
        entrants: Entrants::default(),
    };
    b.named(scenario);
    b.generated(scenario);
    b.power_drift(scenario);
    let Builder {
        world,
        regions,
        counts,
        entrants,
        ..
    } = b;
    world.insert_resource(entrants);
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
    entrants: Entrants,
}

/// How new firms' prospective sites are drawn: as the generated
/// population's miners (their power price at the population's median, a
/// region and a pool by its shares, a belief, a hurdle and cash as its
/// miners'). `None` when a share list cannot be drawn from.
fn prospect_draw(scenario: &Scenario, g: &Generator, region_ids: &[u16]) -> Option<ProspectDraw> {
    use rand::distr::weighted::WeightedIndex;
    let (spec, resolved) = (scenario.spec(), scenario.resolved());
    let (pop, strategy) = (&spec.population, &spec.strategy);
    let price = rand_distr::LogNormal::new(
        pop.power_price_median_usd_per_mwh.ln(),
        pop.power_price_sigma,
    )
    .ok()?;
    let regions = WeightedIndex::new(pop.regions.iter().map(|r| r.share)).ok()?;
    let pools = WeightedIndex::new(pop.pools.iter().map(|p| p.share)).ok()?;
    Some(ProspectDraw {
        price,
        regions: (region_ids.to_vec(), regions),
        pools: (
            resolved.population_pools.iter().map(|p| p.0).collect(),
            pools,
        ),
        beliefs: (
            strategy.beliefs.iter().map(|b| b.belief).collect(),
            g.belief.clone(),
        ),
        hurdle: (strategy.hurdle_rate_per_year, strategy.hurdle_rate_spread),
        ai_eligible_share: pop.ai_eligible_share,
        cash_usd_per_mw: strategy.tail_cash_usd_per_mw,
    })
}

/// One generated miner's draws from its own stream.
struct Draw {
    /// Its fleet's generation, by index in the population's fleet mix.
    class: usize,
    /// Its size before scaling (a draw of the size distribution).
    size: f64,
    /// Its power price, USD/MWh.
    price: f64,
    /// A uniform draw deciding whether its site is AI-eligible.
    ai_draw: f64,
    /// What it believes of hashprice.
    belief: Belief,
    /// Its hurdle rate.
    hurdle: f64,
}

/// The generated miners' draws, the first with id `first_id`, each from
/// its own stream.
fn tail_draws(scenario: &Scenario, g: &Generator, first_id: u32) -> Vec<Draw> {
    let (spec, resolved) = (scenario.spec(), scenario.resolved());
    let strategy = &spec.strategy;
    (0..resolved.generated_miners)
        .map(|i| {
            let mut r = rng::agent(spec.seed, first_id + i);
            let class = r.sample(&g.class);
            Draw {
                class,
                size: r.sample(g.size),
                price: r.sample(g.price[class]),
                ai_draw: r.random(),
                belief: strategy.beliefs[r.sample(&g.belief)].belief,
                hurdle: Miner::drawn_hurdle(
                    strategy.hurdle_rate_per_year,
                    strategy.hurdle_rate_spread,
                    r.random(),
                ),
            }
        })
        .collect()
}

/// The generated tail before it is scaled, miner by miner.
struct Tail<'a> {
    /// Each miner's draws.
    draws: &'a [Draw],
    /// Each miner's pool.
    pools: &'a [u16],
    /// Each miner's hashrate, TH/s.
    sizes: &'a [f64],
}

/// The scale of a tail whose hashrate counts what mines at `hashprice`
/// (USD/PH/day), so that what would mine at it is `total_ths`: each miner
/// decides as the daily pass does (its net hashprice against its
/// breakeven; a fleet switched off runs its take-or-pay share).
fn mining_scale(scenario: &Scenario, tail: &Tail, hashprice: f64, total_ths: f64) -> f64 {
    let (pop, resolved) = (&scenario.spec().population, scenario.resolved());
    let mining: f64 = (tail.draws.iter())
        .zip(tail.pools)
        .zip(tail.sizes)
        .map(|((d, &pool), &ths)| {
            let keep = 1.0 - resolved.pools[pool as usize].fee_pct / 100.0;
            let net = hashprice * keep;
            let breakeven = breakeven_hashprice_usd_per_ph_day(
                pop.fleet_mix[d.class].efficiency_j_per_th,
                d.price,
            );
            let running = if net >= breakeven {
                1.0
            } else {
                standby_share(net, resolved.strategy.take_or_pay_share)
            };
            running * ths
        })
        .sum();
    // Validation asks for a positive hashprice, and the take-or-pay share
    // mines at any: only a tail of no hashrate, or none of it under
    // contract and none paying, mines nothing; it stays as drawn.
    if mining > 0.0 {
        total_ths / mining
    } else {
        1.0
    }
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
                    miner,
                    &owner,
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
        let Some(g) = &resolved.generator else {
            return;
        };
        let region_ids: Vec<u16> = pop
            .regions
            .iter()
            .map(|r| regions.intern(&r.region))
            .collect();
        self.entrants.draw = prospect_draw(scenario, g, &region_ids);
        let draws = tail_draws(scenario, g, counts.miners);
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
        let hashrate_ths = |d: &Draw| {
            total_ths * pop.fleet_mix[d.class].share / present_share * d.size / class_size[d.class]
        };
        // Pools and regions hold their stated shares of the tail's
        // hashrate on every seed (drawn per miner, heavy-tailed sizes
        // moved a pool's share by a fifth).
        let sizes: Vec<f64> = draws.iter().map(hashrate_ths).collect();
        let pool_of = apportion(&sizes, pop.pools.iter().map(|p| p.share));
        let region_of = apportion(&sizes, pop.regions.iter().map(|r| r.share));
        let pools: Vec<u16> = pool_of
            .iter()
            .map(|&k| resolved.population_pools[k].0)
            .collect();
        let scale = match pop.hashrate_basis {
            HashrateBasis::Installed => 1.0,
            HashrateBasis::Mining {
                hashprice_usd_per_ph_day,
            } => {
                let tail = Tail {
                    draws: &draws,
                    pools: &pools,
                    sizes: &sizes,
                };
                mining_scale(scenario, &tail, hashprice_usd_per_ph_day, total_ths)
            }
        };
        for (i, d) in draws.into_iter().enumerate() {
            let class = &pop.fleet_mix[d.class];
            let fleet = Fleet::new(scale * sizes[i], class.efficiency_j_per_th);
            let power_mw = fleet.power_mw() * pop.power_headroom;
            let eligible = d.ai_draw < (pop.ai_eligible_share * weight(&d) / mean_weight).min(1.0);
            let owner = Miner::new(
                counts.miners,
                pools[i],
                strategy.tail_cash_usd_per_mw * power_mw,
                0.0,
                d.belief,
                d.hurdle,
            );
            let miner = world.spawn(owner.clone()).id();
            let mut site = Site::new(
                *sites,
                miner,
                &owner,
                power_mw,
                d.price,
                region_ids[region_of[i]],
                eligible,
            );
            site.fleets.push(fleet);
            world.spawn(site);
            counts.miners += 1;
            *sites += 1;
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

/// Each of `sizes` given a category of `shares` (fractions summing to 1) so
/// that the categories' totals come as near their shares of the whole as
/// whole miners allow: largest first (ties by index), each to the category
/// furthest below its share so far (ties to the first).
fn apportion(sizes: &[f64], shares: impl Iterator<Item = f64>) -> Vec<usize> {
    let shares: Vec<f64> = shares.collect();
    let total: f64 = sizes.iter().sum();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| sizes[b].total_cmp(&sizes[a]).then(a.cmp(&b)));
    let mut held = vec![0.0; shares.len()];
    let mut of = vec![0; sizes.len()];
    for i in order {
        let mut best = 0;
        for k in 1..shares.len() {
            if shares[k] * total - held[k] > shares[best] * total - held[best] {
                best = k;
            }
        }
        held[best] += sizes[i];
        of[i] = best;
    }
    of
}

#[cfg(test)]
mod tests {
    use super::apportion;

    #[test]
    fn apportioned_categories_hold_their_shares_within_one_miner() {
        // Heavy-tailed sizes, as the generator draws them.
        let sizes: Vec<f64> = (1..=500).map(|i| 1.0 / (i as f64).powf(0.8)).collect();
        let shares = [0.5, 0.3, 0.15, 0.05];
        let of = apportion(&sizes, shares.iter().copied());
        let total: f64 = sizes.iter().sum();
        let largest = sizes.iter().copied().fold(0.0, f64::max);
        for (k, share) in shares.iter().enumerate() {
            let held: f64 = (0..sizes.len())
                .filter(|&i| of[i] == k)
                .map(|i| sizes[i])
                .sum();
            assert!(
                (held - share * total).abs() <= largest,
                "category {k}: {held} against {}",
                share * total
            );
        }
        // A category of no share gets nothing.
        let of = apportion(&sizes, [0.0, 1.0].into_iter());
        assert!(of.iter().all(|&k| k == 1));
    }
}
