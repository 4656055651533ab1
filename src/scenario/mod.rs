//! Scenarios, the input layer: the RON schema users write and the
//! baseline that fills what they leave out ([`schema`]), the shipped
//! scenarios ([`shipped`]), loading with `--set` overrides into a
//! [`Scenario`] ([`load`]), the checks that make it valid ([`validate`],
//! with [`error`] for their messages and [`locate`] for their positions),
//! and its resolution into the parameter types of the market, the agents
//! and the measures ([`resolve`]), which the simulation builds from.
//!
//! ```
//! use hashflight::scenario::Scenario;
//! // A file that sets only its name runs the baseline.
//! let s = Scenario::from_str(r#"(name: "mine")"#, "mine.ron", &[]).unwrap();
//! assert_eq!(s.spec().chain.start_height, 929_376);
//! let err = Scenario::from_str("(name: \"x\", duration_dayz: 3)", "x.ron", &[]).unwrap_err();
//! assert!(err.to_string().starts_with("x.ron:1:"));
//! ```

mod checker;
pub(crate) mod error;
pub(crate) mod load;
pub mod locate;
pub(crate) mod resolve;
pub mod schema;
pub mod shipped;
pub(crate) mod validate;

pub use error::{Problem, ScenarioError};
pub use load::{Override, Scenario};
pub use schema::ScenarioFile;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_baseline_is_valid_and_states_every_field() {
        let b = schema::baseline();
        let s = Scenario::load("baseline", &[]).unwrap();
        assert_eq!(s.spec(), b);
        // Re-reading the resolved form gives the same scenario.
        let again = Scenario::from_str(&s.to_ron(), "resolved", &[]).unwrap();
        assert_eq!(again, s);
    }

    #[test]
    fn every_shipped_scenario_is_valid_and_named_after_itself() {
        for s in shipped::SHIPPED {
            let loaded = Scenario::load(s.name, &[]).unwrap_or_else(|e| panic!("{}: {e}", s.name));
            assert_eq!(loaded.spec().name, s.name);
            assert!(
                !loaded.spec().description.is_empty(),
                "{} needs a description",
                s.name
            );
        }
    }

    #[test]
    fn name_only_means_baseline() {
        let s = Scenario::from_str(r#"(name: "baseline")"#, "x", &[]).unwrap();
        let mut b = schema::baseline().clone();
        b.description = String::new();
        assert_eq!(s.spec(), &b);
    }

    #[test]
    fn partial_sections_take_baseline_fields() {
        let s =
            Scenario::from_str(r#"(name: "p", btc_price: (initial_usd: 1.0))"#, "x", &[]).unwrap();
        assert_eq!(s.spec().btc_price.initial_usd, 1.0);
        assert_eq!(s.spec().btc_price.model, schema::baseline().btc_price.model);
    }

    #[test]
    fn overrides_reach_enums_lists_and_nested_fields() {
        let o = |s: &str| Override::parse(s).unwrap();
        let s = Scenario::from_str(
            r#"(name: "o")"#,
            "x",
            &[
                o("btc_price.model=Gbm(drift_per_year: 0.1, volatility_per_year: 0.6)"),
                o("miners.1.sites.0.power_price_usd_per_mwh=55"),
                o("chain.difficulty_algorithm=Fixed"),
                o("duration_days=365"),
            ],
        )
        .unwrap();
        assert_eq!(
            s.spec().btc_price.model,
            schema::PriceModel::Gbm {
                drift_per_year: 0.1,
                volatility_per_year: 0.6
            }
        );
        assert_eq!(s.spec().miners[1].sites[0].power_price_usd_per_mwh, 55.0);
        assert_eq!(s.spec().duration_days, 365);
    }

    #[test]
    fn unknown_override_paths_suggest_the_right_one() {
        let err = Scenario::from_str(
            r#"(name: "o")"#,
            "x",
            &[Override::parse("btc_price.inital_usd=5").unwrap()],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("did you mean `initial_usd`"), "{err}");
        assert!(err.starts_with("--set btc_price.inital_usd=5"), "{err}");
    }

    #[test]
    fn wrong_override_types_are_errors() {
        let err = Scenario::from_str(
            r#"(name: "o")"#,
            "x",
            &[Override::parse("duration_days=\"long\"").unwrap()],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("field `duration_days`"), "{err}");
    }

    #[test]
    fn validation_errors_name_line_column_and_field() {
        let src = "(\n  name: \"v\",\n  miners: [(name: \"m\", pool: \"Nope\", sites: [\n    (name: \"s\", region: \"US\", power_mw: -5.0, power_price_usd_per_mwh: 40.0, fleets: [])])],\n)";
        let err = Scenario::from_str(src, "v.ron", &[]).unwrap_err();
        let problems = err.problems();
        let pool = problems
            .iter()
            .find(|p| p.field == "miners.0.pool")
            .unwrap();
        assert_eq!(pool.position, Some((3, 30)));
        let mw = problems
            .iter()
            .find(|p| p.field == "miners.0.sites.0.power_mw")
            .unwrap();
        assert_eq!(mw.position, Some((4, 41)));
        assert!(mw.message.contains("must be > 0"));
    }

    fn problems(src: &str, set: &[&str]) -> Vec<Problem> {
        let set: Vec<Override> = set.iter().map(|s| Override::parse(s).unwrap()).collect();
        Scenario::from_str(src, "bad.ron", &set)
            .unwrap_err()
            .problems()
            .to_vec()
    }

    fn has(problems: &[Problem], field: &str, text: &str) {
        assert!(
            problems
                .iter()
                .any(|p| p.field == field && p.message.contains(text)),
            "no `{text}` on {field}: {problems:?}"
        );
    }

    #[test]
    fn economics_input_is_checked_field_by_field() {
        let p = problems(
            "(name: \"b\",\n strategy: (beliefs: [(belief: Myopic, share: 0.5), (belief: Adaptive, share: 0.2)]),\n ai: (lease_term_years: 1.0, lead_time_days: 500, noi_margin: 1.5),\n asics: (usd_per_th: -3.0))",
            &[],
        );
        has(
            &p,
            "strategy.beliefs",
            "shares must sum to 1, they sum to 0.7",
        );
        has(
            &p,
            "ai.lease_term_years",
            "longer than the lead time (ai.lead_time_days = 500 days",
        );
        has(&p, "ai.noi_margin", "between 0 and 1");
        has(&p, "asics.usd_per_th", "≥ 0");
        // Positions point into the file.
        let lease = p.iter().find(|p| p.field == "ai.lease_term_years").unwrap();
        assert_eq!(lease.position.map(|p| p.0), Some(3));
        // A hall must serve at least its first lease.
        let p2 = problems(
            "(name: \"b\",\n ai: (lease_term_years: 15.0, shell_life_years: 12.0))",
            &[],
        );
        has(
            &p2,
            "ai.shell_life_years",
            "cannot hold a lease of 15 years",
        );
        // The deal flow, the tenants' ceiling, the AI buyer and the GPU
        // cloud's own terms.
        let p = problems(
            "(name: \"b\",\n ai: (tenant_patience_days: 0.0, deals_mw_per_quarter: -5.0, tenant_ceiling_usd_per_kw_month: 0.0,\n buyer_rate_per_year: 2.0, sale_usd_per_w: -1.0,\n gpu: (term_years: 0.5, lead_time_days: 365, equity_share: 1.5, prepayment_share: -0.2,\n price_path: [(day: 80, usd_per_hour: 2.35), (day: 40, usd_per_hour: 0.0)])))",
            &[],
        );
        has(&p, "ai.tenant_patience_days", "between 1 and 36525");
        has(&p, "ai.deals_mw_per_quarter", "≥ 0");
        has(&p, "ai.tenant_ceiling_usd_per_kw_month", "> 0");
        has(&p, "ai.buyer_rate_per_year", "between 0 and 1");
        has(&p, "ai.sale_usd_per_w", "≥ 0");
        has(
            &p,
            "ai.gpu.term_years",
            "longer than the lead time (ai.gpu.lead_time_days = 365 days",
        );
        has(&p, "ai.gpu.equity_share", "between 0 and 1");
        has(&p, "ai.gpu.prepayment_share", "between 0 and 1");
        let prepaid = p
            .iter()
            .find(|p| p.field == "ai.gpu.prepayment_share")
            .unwrap();
        assert_eq!(prepaid.position.map(|p| p.0), Some(4));
        has(&p, "ai.gpu.price_path.1.day", "day 40 follows day 80");
        has(&p, "ai.gpu.price_path.1.usd_per_hour", "> 0");
        let path = p
            .iter()
            .find(|p| p.field == "ai.gpu.price_path.1.day")
            .unwrap();
        assert_eq!(path.position.map(|p| p.0), Some(5));
    }

    #[test]
    fn events_need_a_day_or_a_height_inside_the_run_and_a_known_region() {
        let p = problems(
            r#"(name: "b", duration_days: 30, events: [
                (day: 30, event: RegionOnline(region: "US")),
                (event: RegionOnline(region: "US")),
                (day: 3, height: 930000, event: RegionOnline(region: "US")),
                (height: 5, event: FeeWave(demand_multiply_by: 2.0, days: 3)),
                (day: 2, event: RegionCurtail(region: "Mars", share: 1.5, days: 0)),
                (day: 2, event: RegionOffline(region: "US", relocate_share: 0.5)),
                (day: 2, event: AiShock(demand_multiply_by: -1.0, lease_multiply_by: 1.0, gpu_multiply_by: 1.0)),
            ])"#,
            &[],
        );
        has(&p, "events.0.day", "past the end of the run (days 0..30)");
        has(&p, "events.1", "exactly one of `day`");
        has(&p, "events.2", "exactly one of `day`");
        has(&p, "events.3.height", "before the run's first block 929376");
        has(&p, "events.4.event.region", "no site is in region `Mars`");
        has(&p, "events.4.event.share", "between 0 and 1");
        has(&p, "events.4.event.days", "between 1 and 73050 days");
        has(&p, "events.5.event.relocate_to", "name the region");
        has(
            &p,
            "events.6.event.demand_multiply_by",
            "between 0 and 1000",
        );
        // A region a relocation creates can be named by later events.
        Scenario::from_str(
            r#"(name: "b", duration_days: 30, events: [
                (day: 2, event: RegionOffline(region: "China", relocate_share: 0.5, relocate_after_days: 5, relocate_to: "Texas")),
                (day: 9, event: RegionCurtail(region: "Texas", share: 0.5, days: 2)),
            ])"#,
            "ok.ron",
            &[],
        )
        .unwrap();
    }

    #[test]
    fn parse_errors_name_the_field() {
        let err = Scenario::from_str("(name: \"v\",\n chain: (start_bits: \"x\"))", "v.ron", &[])
            .unwrap_err();
        let p = &err.problems()[0];
        assert_eq!(p.field, "chain.start_bits");
        assert_eq!(p.position.unwrap().0, 2);
    }
}
