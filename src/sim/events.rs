//! Scenario events, applied at the start of the day they fall due: regions
//! going offline (with relocation) and online, curtailment, tariff steps,
//! AI-market shocks and fee waves. Each site's draw for an event is keyed
//! by the site and the event, so no result depends on visiting order.

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::agents::Site;
use crate::agents::daily::ChangedSites;
use crate::scenario::resolve::{Event, Scheduled, Trigger};
use crate::state::rng::{self, RunSeed};
use crate::state::{Chain, Clock, Ledger, Markets, Regions};

/// Scenario events not yet applied, in the scenario's order.
#[derive(Resource, Clone, Debug, Default)]
pub struct PendingEvents(pub Vec<Scheduled>);

/// Sites relocating after a regional ban: (day they mine again, site,
/// region index).
#[derive(Resource, Clone, Debug, Default)]
pub struct Relocations(pub Vec<(u32, Entity, u16)>);

/// What [`apply_events`] reads and changes besides the sites.
#[derive(SystemParam)]
pub struct EventWorld<'w> {
    clock: Res<'w, Clock>,
    chain: Res<'w, Chain>,
    seed: Res<'w, RunSeed>,
    pending: ResMut<'w, PendingEvents>,
    regions: ResMut<'w, Regions>,
    markets: ResMut<'w, Markets>,
    relocations: ResMut<'w, Relocations>,
    ledger: ResMut<'w, Ledger>,
    changed: ResMut<'w, ChangedSites>,
}

/// Daily, first: relocated sites arrive, then the events due today apply.
/// Each site an event changes is marked in [`ChangedSites`].
pub fn apply_events(mut w: EventWorld, mut sites: Query<(Entity, &mut Site)>) {
    let day = w.clock.day;
    // Relocated sites arrive.
    let changed = &mut w.changed;
    w.relocations.0.retain(|&(d, site, region)| {
        if d > day {
            return true;
        }
        if let Ok((_, mut s)) = sites.get_mut(site) {
            s.region = region;
            changed.mark(s.id);
        }
        false
    });
    let next_height = w.chain.next_height;
    let due = |t: &Trigger| match *t {
        Trigger::Day(d) => d <= day,
        Trigger::Height(h) => next_height >= h,
    };
    let events: Vec<Scheduled> = w.pending.0.extract_if(.., |e| due(&e.trigger)).collect();
    let seed = w.seed.0;
    for Scheduled { index, event, .. } in events {
        // Each site's draw for this event: keyed by site and event.
        let draw = |site: &Site| rng::unit(seed, site.id as u64, index);
        match event {
            Event::RegionOffline {
                region,
                relocate_share,
                relocate_after_days,
                relocate_to,
            } => {
                let r = w.regions.intern(&region);
                w.regions.online[r as usize] = false;
                if let Some(to) = relocate_to.filter(|_| relocate_share > 0.0) {
                    let known = w.regions.names.contains(&to);
                    let target = w.regions.intern(&to);
                    if !known {
                        // A new region inherits the drift of the one left.
                        w.regions.drift_per_year[target as usize] =
                            w.regions.drift_per_year[r as usize];
                    }
                    for (e, s) in &sites {
                        if s.region == r && !s.sold && draw(s) < relocate_share {
                            w.relocations.0.push((
                                day.saturating_add(relocate_after_days),
                                e,
                                target,
                            ));
                        }
                    }
                }
            }
            Event::RegionOnline { region } => {
                let r = w.regions.intern(&region) as usize;
                w.regions.online[r] = true;
            }
            Event::RegionCurtail {
                region,
                share,
                days,
            } => {
                let r = w.regions.intern(&region);
                for (_, mut s) in &mut sites {
                    if s.region == r && draw(&s) < share {
                        s.offline_until_day = s.offline_until_day.max(day.saturating_add(days));
                        w.changed.mark(s.id);
                    }
                }
            }
            Event::PowerPrice {
                region,
                multiply_by,
            } => {
                let r = w.regions.intern(&region) as usize;
                w.regions.tariff[r] *= multiply_by;
            }
            Event::AiShock {
                demand_multiply_by,
                lease_multiply_by,
                gpu_multiply_by,
                abandon_share,
                stall_days,
            } => {
                w.markets
                    .ai
                    .shock(demand_multiply_by, lease_multiply_by, gpu_multiply_by);
                let mut abandoned = 0;
                for (_, mut s) in &mut sites {
                    if !s.projects.iter().any(|p| p.converting(day)) {
                        continue;
                    }
                    if draw(&s) < abandon_share {
                        let before = s.projects.len();
                        s.projects.retain(|p| !p.converting(day));
                        abandoned += (before - s.projects.len()) as u64;
                        w.changed.mark(s.id);
                    } else if stall_days > 0 {
                        for p in s.projects.iter_mut().filter(|p| p.converting(day)) {
                            p.ready_day += stall_days;
                            p.end_day += stall_days;
                        }
                        w.changed.mark(s.id);
                    }
                }
                w.ledger.add(|f| f.conversions_abandoned += abandoned);
            }
            Event::FeeWave {
                demand_multiply_by,
                fee_rate_multiply_by,
                days,
            } => w
                .markets
                .fees
                .wave(day, days, demand_multiply_by, fee_rate_multiply_by),
        }
    }
}
