//! The keys of a run's summary.json (its flows are the shared group of
//! [`super::rows`]).

use super::column::{Column, col};

/// Summary columns.
pub(super) const SUMMARY_HEAD: &[Column] = &[
    col("scenario", "", "Scenario name."),
    col("seed", "", "Seed of the run."),
    col(
        "hashflight_version",
        "",
        "hashflight version that produced it.",
    ),
    col(
        "overrides",
        "",
        "The overrides (`--set PATH=VALUE`) the scenario was run with, if any (scenario.ron holds their result).",
    ),
    col(
        "command",
        "",
        "The command that wrote it, without the options that change only where or how it is written (`--out`, `--jobs`, `--quiet`, `--json`, `--force`, `--keep-runs`), so that it reproduces the run.",
    ),
    col(
        "hashflight_commit",
        "",
        "The commit hashflight was built from (`unknown` outside a git checkout).",
    ),
    col(
        "scenario_hash",
        "hex",
        "A hash of the resolved scenario (scenario.ron without its comment header; SipHash-1-3, hex): runs of one scenario share it.",
    ),
    col("blocks", "count", "Blocks mined."),
    col(
        "epochs",
        "count",
        "Epoch rows written (the last may be partial).",
    ),
    col("days", "days", "Days simulated."),
    col(
        "hashrate_start_ehs",
        "EH/s",
        "Hashrate mining on day 0, EH/s.",
    ),
    col(
        "hashrate_end_ehs",
        "EH/s",
        "Hashrate mining on the last day, EH/s.",
    ),
    col(
        "hashrate_last_90_days_ehs",
        "EH/s",
        "Mean daily hashrate over the run's last 90 days (or all of a shorter run), EH/s: the end state without the day-to-day swing.",
    ),
    col(
        "hashrate_last_365_days_ehs",
        "EH/s",
        "Mean daily hashrate over the run's last 365 days (or all of a shorter run), EH/s: the end of the headline comparisons.",
    ),
    col(
        "hashrate_reference_start_ehs",
        "EH/s",
        "The hashrate the start difficulty implies (difficulty · 2³² / 600 s), EH/s: the start of `hashrate_decline_pct`, the network as the chain saw it before any simulated decision.",
    ),
    col("hashrate_min_ehs", "EH/s", "Lowest daily hashrate, EH/s."),
    col(
        "hashrate_decline_pct",
        "%",
        "Fall from `hashrate_reference_start_ehs` to `hashrate_last_365_days_ehs`, percent of the former (negative for growth).",
    ),
    col(
        "mean_block_interval_s",
        "s",
        "Mean interval between blocks over the run, s (null when no block was mined: there is no interval).",
    ),
    col(
        "pool_hhi_end",
        "0–10,000",
        "Pool HHI (hashrate) on the last day (null when nothing mined that day: no shares to concentrate).",
    ),
    col(
        "pool_nakamoto_end",
        "count",
        "Pool Nakamoto coefficient on the last day.",
    ),
    col(
        "pool_nakamoto_min",
        "count",
        "Lowest daily pool Nakamoto coefficient.",
    ),
    col(
        "firm_hhi_end",
        "0–10,000",
        "Firm HHI on the last day (null when nothing mined that day).",
    ),
    col(
        "template_nakamoto_end",
        "count",
        "Template-builder Nakamoto coefficient on the last day.",
    ),
    col(
        "template_nakamoto_min",
        "count",
        "Lowest daily template-builder Nakamoto coefficient.",
    ),
    col(
        "top_pool_share_max",
        "0–1",
        "Largest daily share of the largest pool.",
    ),
    col(
        "double_spend_p_top_pool_z6_max",
        "probability",
        "Highest daily double-spend probability against the largest pool, z = 6.",
    ),
    col(
        "security_budget_usd_per_day_end",
        "USD per day",
        "Security budget on the last day, USD per day.",
    ),
    col(
        "attack_build_asic_usd_end",
        "USD",
        "Cost of building a majority attack on the last day, USD of ASICs.",
    ),
    col(
        "attack_dormant_asic_usd_end",
        "USD",
        "The same attack on the last day with dormant machines first, USD of machines.",
    ),
    col(
        "dormant_ehs_max",
        "EH/s",
        "Most dormant hashrate on any day, EH/s.",
    ),
    col("ai_mw_end", "MW", "MW leased to AI tenants at the end."),
    col("gpu_cloud_mw_end", "MW", "MW of own GPU clouds at the end."),
    col("converting_mw_end", "MW", "MW being converted at the end."),
    col(
        "sold_mw_end",
        "MW",
        "MW of sites sold to AI buyers by the end.",
    ),
    col("idle_mw_end", "MW", "MW idle at the end."),
    col(
        "btc_price_capped_days",
        "days",
        "Days the BTC price was held at its cap (`units::MAX_BTC_PRICE_USD`): 0 unless the price process would have overflowed.",
    ),
];

/// Summary columns.
pub(super) const SUMMARY_TAIL: &[Column] = &[
    col(
        "hashrate_last_365_days_no_ai_ehs",
        "EH/s",
        "Mean hashrate over the last 365 days of the same seed run without the AI option, EH/s (only with `--counterfactual`).",
    ),
    col(
        "hashrate_decline_vs_no_ai_pct",
        "%",
        "How much lower the last 365 days' mean hashrate is than without the AI option, percent of the latter (only with `--counterfactual`).",
    ),
    col(
        "wall_time_s",
        "s",
        "Wall-clock time of the run, s: the one figure that differs between two runs of the same scenario and seed.",
    ),
];
