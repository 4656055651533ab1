//! The pools, the miners a scenario names one by one, and the generated
//! population.

use crate::scenario::checker::{self, Checker, MAX_AGENTS};
use crate::scenario::schema::*;

/// The pools' names, in order.
fn pool_names(file: &ScenarioFile) -> Vec<String> {
    file.pools.iter().map(|p| p.name.clone()).collect()
}

/// Pools and the named miners.
pub(super) fn check_miners(c: &mut Checker, file: &ScenarioFile) {
    c.unique("pools", file.pools.iter().map(|p| p.name.as_str()));
    for (i, p) in file.pools.iter().enumerate() {
        if let Some(t) = &p.template_builder {
            match file.pools.iter().find(|q| &q.name == t) {
                None => c.fail(
                    format!("pools.{i}.template_builder"),
                    format!("no pool named `{t}` builds templates (pools: {})", file.pools.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")),
                ),
                Some(q) if q.template_builder.is_some() => c.fail(
                    format!("pools.{i}.template_builder"),
                    format!("`{t}` itself mines another pool's templates: name the pool that builds them"),
                ),
                _ => {}
            }
        }
    }
    for (i, p) in file.pools.iter().enumerate() {
        if c.finite(&format!("pools.{i}.fee_pct"), p.fee_pct) && !(0.0..100.0).contains(&p.fee_pct)
        {
            c.fail(
                format!("pools.{i}.fee_pct"),
                format!("must be in [0, 100), got {}", p.fee_pct),
            );
        }
    }
    let pool_names = pool_names(file);
    c.unique("miners", file.miners.iter().map(|m| m.name.as_str()));
    for (i, m) in file.miners.iter().enumerate() {
        let at = format!("miners.{i}");
        c.known_pool(&pool_names, format!("{at}.pool"), &m.pool);
        c.finite(&format!("{at}.cash_usd"), m.cash_usd);
        c.non_negative(&format!("{at}.debt_usd"), m.debt_usd);
        if let Some(h) = m.hurdle_rate_per_year {
            c.within(&format!("{at}.hurdle_rate_per_year"), h, 0.0, 1.0);
        }
        if m.sites.is_empty() {
            c.fail(format!("{at}.sites"), "a miner needs at least one site");
        }
        c.unique(
            &format!("{at}.sites"),
            m.sites.iter().map(|s| s.name.as_str()),
        );
        for (j, s) in m.sites.iter().enumerate() {
            let at = format!("{at}.sites.{j}");
            // The ranges of the pipeline's entries: a site of up to 10 GW,
            // machines from 0.1 to 1,000 J/TH (an S9 draws about 100), so
            // that the fleets' power is finite and always checked.
            c.positive(&format!("{at}.power_mw"), s.power_mw);
            if s.power_mw > 0.0 {
                c.within(&format!("{at}.power_mw"), s.power_mw, 0.0, 1e7);
            }
            c.non_negative(
                &format!("{at}.power_price_usd_per_mwh"),
                s.power_price_usd_per_mwh,
            );
            let mut fleet_mw = 0.0;
            for (k, f) in s.fleets.iter().enumerate() {
                c.hashrate(&format!("{at}.fleets.{k}.hashrate_ehs"), f.hashrate_ehs);
                c.within(
                    &format!("{at}.fleets.{k}.efficiency_j_per_th"),
                    f.efficiency_j_per_th,
                    0.1,
                    1000.0,
                );
                fleet_mw += f.hashrate_ehs * f.efficiency_j_per_th; // EH/s · J/TH = MW
            }
            // An overflowing sum (inf) is still compared; only NaN, from a
            // field already reported as not a number, is not.
            if !fleet_mw.is_nan() && !s.power_mw.is_nan() && fleet_mw > s.power_mw * (1.0 + 1e-9) {
                c.fail(
                    format!("{at}.fleets"),
                    format!(
                        "the fleets draw {} MW (EH/s × J/TH) but the site has {} MW",
                        checker::number((fleet_mw * 10.0).round() / 10.0),
                        checker::number(s.power_mw)
                    ),
                );
            }
        }
    }
}

/// The generated population.
pub(super) fn check_population(c: &mut Checker, file: &ScenarioFile) {
    let p = &file.population;
    let agents = file.miners.len() as u64 + p.miners;
    if agents > MAX_AGENTS {
        c.fail(
            "population.miners",
            format!("{agents} miner agents in all; at most {MAX_AGENTS} are allowed"),
        );
    }
    if p.miners > 0 {
        c.hashrate("population.hashrate_ehs", p.hashrate_ehs);
        if let HashrateBasis::Mining {
            hashprice_usd_per_ph_day,
        } = p.hashrate_basis
        {
            c.within(
                "population.hashrate_basis.hashprice_usd_per_ph_day",
                hashprice_usd_per_ph_day,
                0.01,
                1e6,
            );
        }
        c.within("population.size_sigma", p.size_sigma, 0.0, 5.0);
        c.positive(
            "population.power_price_median_usd_per_mwh",
            p.power_price_median_usd_per_mwh,
        );
        c.within(
            "population.power_price_sigma",
            p.power_price_sigma,
            0.0,
            5.0,
        );
        c.within("population.power_headroom", p.power_headroom, 1.0, 10.0);
        c.within(
            "population.ai_eligible_share",
            p.ai_eligible_share,
            0.0,
            1.0,
        );
        c.shares("population.fleet_mix", p.fleet_mix.iter().map(|f| f.share));
        for (i, f) in p.fleet_mix.iter().enumerate() {
            c.positive(
                &format!("population.fleet_mix.{i}.efficiency_j_per_th"),
                f.efficiency_j_per_th,
            );
            if let Some(m) = f.power_price_median_usd_per_mwh {
                c.positive(
                    &format!("population.fleet_mix.{i}.power_price_median_usd_per_mwh"),
                    m,
                );
            }
        }
        c.shares("population.pools", p.pools.iter().map(|s| s.share));
        for (i, s) in p.pools.iter().enumerate() {
            c.known_pool(
                &pool_names(file),
                format!("population.pools.{i}.pool"),
                &s.pool,
            );
        }
        c.shares("population.regions", p.regions.iter().map(|s| s.share));
    } else {
        c.non_negative("population.hashrate_ehs", p.hashrate_ehs);
    }
}
