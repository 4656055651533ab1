//! Scheduled events, and the regions they (and the power section) name.

use std::collections::HashSet;

use crate::scenario::checker::{Checker, MAX_DURATION_DAYS};
use crate::scenario::schema::*;
use crate::units::MAX_BLOCKS_PER_DAY;

/// Events and the regions they (and the power section) name.
pub(super) fn check_events(c: &mut Checker, file: &ScenarioFile) {
    let (chain, p, pw) = (&file.chain, &file.population, &file.power);
    let regions: HashSet<&str> = file
        .miners
        .iter()
        .flat_map(|m| m.sites.iter().map(|s| s.region.as_str()))
        .chain(if p.miners > 0 {
            p.regions.iter().map(|r| r.region.as_str()).collect()
        } else {
            vec![]
        })
        .collect();
    // Regions that relocation events create are known too.
    let mut regions = regions;
    for e in &file.events {
        if let Event::RegionOffline {
            relocate_to: Some(to),
            ..
        } = &e.event
        {
            regions.insert(to.as_str());
        }
    }
    let mut known: Vec<&str> = regions.iter().copied().collect();
    known.sort();
    for (i, e) in file.events.iter().enumerate() {
        let at = format!("events.{i}");
        match (e.day, e.height) {
            (Some(day), None) if day >= file.duration_days => c.fail(
                format!("{at}.day"),
                format!(
                    "day {day} is past the end of the run (days 0..{})",
                    file.duration_days
                ),
            ),
            (None, Some(h)) if h < chain.start_height => c.fail(
                format!("{at}.height"),
                format!(
                    "height {h} is before the run's first block {}",
                    chain.start_height
                ),
            ),
            (None, Some(h))
                if h - chain.start_height
                    >= u64::from(file.duration_days).saturating_mul(MAX_BLOCKS_PER_DAY) =>
            {
                c.fail(
                    format!("{at}.height"),
                    format!(
                        "height {h} can never be reached: a run of {} days mines at most {} \
                         blocks a day, so its blocks end before height {}",
                        file.duration_days,
                        MAX_BLOCKS_PER_DAY,
                        chain.start_height.saturating_add(
                            u64::from(file.duration_days).saturating_mul(MAX_BLOCKS_PER_DAY)
                        )
                    ),
                )
            }
            (Some(_), Some(_)) | (None, None) => c.fail(
                at.clone(),
                "give exactly one of `day` (day of the run) or `height` (block height)",
            ),
            _ => {}
        }
        if let Some(region) = e.event.region()
            && !regions.contains(region)
        {
            c.fail(
                format!("{at}.event.region"),
                format!(
                    "no site is in region `{region}` (regions: {})",
                    known.join(", ")
                ),
            );
        }
        check_event_fields(c, &at, &e.event);
    }
    for (i, r) in pw.regions.iter().enumerate() {
        if !regions.contains(r.region.as_str()) {
            c.fail(
                format!("power.regions.{i}.region"),
                format!(
                    "no site is in region `{}` (regions: {})",
                    r.region,
                    known.join(", ")
                ),
            );
        }
    }
}

/// The fields of one event (`at` is its path).
fn check_event_fields(c: &mut Checker, at: &str, event: &Event) {
    let f = |name: &str| format!("{at}.event.{name}");
    match event {
        Event::RegionOffline {
            relocate_share,
            relocate_to,
            relocate_after_days,
            ..
        } => {
            c.within(&f("relocate_share"), *relocate_share, 0.0, 1.0);
            if *relocate_after_days > MAX_DURATION_DAYS {
                c.fail(
                    f("relocate_after_days"),
                    format!("must be at most {MAX_DURATION_DAYS} days, got {relocate_after_days}"),
                );
            }
            if *relocate_share > 0.0 && relocate_to.as_deref().is_none_or(|r| r.trim().is_empty()) {
                c.fail(
                    f("relocate_to"),
                    "name the region the relocated sites move to",
                );
            }
        }
        Event::RegionOnline { .. } => {}
        Event::RegionCurtail { share, days, .. } => {
            c.within(&f("share"), *share, 0.0, 1.0);
            if !(1..=MAX_DURATION_DAYS).contains(days) {
                c.fail(
                    f("days"),
                    format!("must be between 1 and {MAX_DURATION_DAYS} days, got {days}"),
                );
            }
        }
        Event::PowerPrice { multiply_by, .. } => {
            c.within(&f("multiply_by"), *multiply_by, 1e-3, 1e3)
        }
        Event::AiShock {
            demand_multiply_by,
            lease_multiply_by,
            gpu_multiply_by,
            abandon_share,
            stall_days,
        } => {
            if *stall_days > 3650 {
                c.fail(
                    f("stall_days"),
                    format!("must be at most 3650 days, got {stall_days}"),
                );
            }
            c.within(&f("demand_multiply_by"), *demand_multiply_by, 0.0, 1e3);
            c.within(&f("lease_multiply_by"), *lease_multiply_by, 1e-3, 1e3);
            c.within(&f("gpu_multiply_by"), *gpu_multiply_by, 1e-3, 1e3);
            c.within(&f("abandon_share"), *abandon_share, 0.0, 1.0);
        }
        Event::FeeWave {
            demand_multiply_by,
            fee_rate_multiply_by,
            days,
        } => {
            c.within(&f("demand_multiply_by"), *demand_multiply_by, 0.0, 1e3);
            c.within(&f("fee_rate_multiply_by"), *fee_rate_multiply_by, 1e-3, 1e3);
            if !(1..=MAX_DURATION_DAYS).contains(days) {
                c.fail(
                    f("days"),
                    format!("must be between 1 and {MAX_DURATION_DAYS} days, got {days}"),
                );
            }
        }
    }
}
