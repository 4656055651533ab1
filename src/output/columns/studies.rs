//! The columns of the files that gather runs: a sweep's runs.csv,
//! points.csv and sensitivity.csv, and an ensemble's ensemble.csv and
//! ensemble-days.csv.

use super::column::{Column, col};

/// Sweep runs: keys, axes, the run's figures, the row's check.
pub(super) const RUNS: &[Column] = &[
    col("id", "", "the run's id: its point's hash and its replicate"),
    col("point", "", "index of its point in the plan"),
    col("replicate", "", "replicate number, from 0"),
    col(
        "seed",
        "",
        "the run's seed (from the sweep's seed, the point and the replicate)",
    ),
    col(
        "<axis path>",
        "",
        "one column per axis, named by its path: the point's value",
    ),
    col(
        "<figure>",
        "",
        "one column per number of summary.json (but `wall_time_s`), in its order; empty where summary.json has null",
    ),
    col(
        "row_check",
        "hex",
        "a check of the row's own contents: a row whose check fails is done again on resuming",
    ),
];

/// Sweep points: the point, its axis values, the spread of each figure.
pub(super) const POINTS: &[Column] = &[
    col("point", "", "index of the point in the plan"),
    col("<axis path>", "", "one column per axis: the point's value"),
    col("runs", "count", "runs (seeds) at the point"),
    col(
        "<figure>_mean",
        "",
        "for every figure of runs.csv: mean over the point's runs, in the figure's unit",
    ),
    col("<figure>_median", "", "median over the runs"),
    col("<figure>_p05", "", "5th percentile over the runs"),
    col("<figure>_p95", "", "95th percentile over the runs"),
];

/// Sensitivity indices.
pub(super) const SENSITIVITY: &[Column] = &[
    col("metric", "", "the summary figure explained"),
    col(
        "parameter",
        "",
        "the axis path, or `seeds` for the seed noise",
    ),
    col(
        "index",
        "",
        "Morris: `mu_star` (mean absolute elementary effect, the ranking), `mu` (mean effect), `sigma` (their spread: interactions, non-linearity), in the figure's unit per the axis' whole range; Sobol: `S1` (first-order) and `ST` (total) shares of the figure's variance; `seed_share`: the share of the runs' variance within points (seed noise; needs seeds ≥ 2)",
    ),
    col("value", "", "the index"),
    col(
        "low",
        "",
        "2.5 % of its bootstrap distribution (1,000 resamples; empty where none)",
    ),
    col("high", "", "97.5 % of its bootstrap distribution"),
];

/// Ensemble figures.
pub(super) const ENSEMBLE: &[Column] = &[
    col("figure", "", "a figure of summary.json"),
    col("runs", "count", "seeds with a value for it"),
    col("mean", "", "mean over the seeds, in the figure's unit"),
    col("sd", "", "standard deviation (n − 1)"),
    col("median", "", "median"),
    col("p05", "", "5th percentile"),
    col("p25", "", "25th percentile"),
    col("p75", "", "75th percentile"),
    col("p95", "", "95th percentile"),
];

/// Ensemble days.
pub(super) const ENSEMBLE_DAYS: &[Column] = &[
    col("day", "", "day of the run, from 0"),
    col(
        "time_s",
        "s",
        "end of the day, seconds since the run started",
    ),
    col(
        "<series>_mean",
        "",
        "for hashrate_ehs, difficulty, hashprice_usd_per_ph_day, btc_price_usd, ai_mw, sold_mw, pool_hhi, firm_hhi, template_hhi, security_budget_usd_per_day, dormant_ehs, attack_build_asic_usd (as in days.csv) and, with a counterfactual, hashrate_no_ai_ehs (the same seed without AI) and hashrate_vs_no_ai_ehs (the run less it): mean over the seeds",
    ),
    col("<series>_sd", "", "standard deviation"),
    col("<series>_median", "", "median"),
    col("<series>_p05", "", "5th percentile"),
    col("<series>_p25", "", "25th percentile"),
    col("<series>_p75", "", "75th percentile"),
    col("<series>_p95", "", "95th percentile"),
];
