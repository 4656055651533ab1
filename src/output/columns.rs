//! Every column hashflight writes, with its unit and meaning: the one
//! source of `hashflight columns` and of the tables in output/README.md (a
//! test keeps that file equal to [`markdown`], and another checks that the
//! files written have exactly these columns, in this order).
//!
//! ```
//! let days = hashflight::output::columns::file("days.csv").unwrap();
//! assert!(days.columns().any(|c| c.name == "curtailed_ehs"));
//! ```

/// One column (or one key of summary.json).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Column {
    /// Its name, as in the file's header.
    pub name: &'static str,
    /// Its unit (empty for names and identifiers).
    pub unit: &'static str,
    /// What it holds.
    pub meaning: &'static str,
}

const fn col(name: &'static str, unit: &'static str, meaning: &'static str) -> Column {
    Column {
        name,
        unit,
        meaning,
    }
}

/// One output file and its columns.
#[derive(Clone, Copy, Debug)]
pub struct OutputFile {
    /// File name (`days.csv`).
    pub name: &'static str,
    /// What one row (or the file) holds.
    pub about: &'static str,
    /// Its columns, as groups in order.
    pub groups: &'static [&'static [Column]],
}

impl OutputFile {
    /// Its columns in order.
    pub fn columns(&self) -> impl Iterator<Item = &'static Column> + '_ {
        self.groups.iter().flat_map(|g| g.iter())
    }
}

/// Every file, in the order the README lists them.
pub const FILES: &[OutputFile] = &[
    OutputFile {
        name: "epochs.csv",
        about: "one row per difficulty epoch (2016 blocks; the last row may be a partial epoch, see `blocks`); the pivot, market, concentration and security columns are as of the epoch's end, flows are over the epoch, block-based concentration over the epoch's own blocks",
        groups: &[EPOCH_OWN, PIVOT, FLOWS, CENTRALIZATION, SECURITY],
    },
    OutputFile {
        name: "days.csv",
        about: "one row per simulated day; the pivot, market, concentration and security columns are as of the day's end, flows are over the day, block-based concentration over the trailing `security.block_window_days` (7)",
        groups: &[DAY_OWN, PIVOT, FLOWS, CENTRALIZATION, SECURITY],
    },
    OutputFile {
        name: "pools.csv",
        about: "one row per pool per day",
        groups: &[POOLS],
    },
    OutputFile {
        name: "regions.csv",
        about: "one row per region per day",
        groups: &[REGIONS],
    },
    OutputFile {
        name: "summary.json",
        about: "the run's headline figures (null where a figure does not exist); its flows are summed over the run",
        groups: &[SUMMARY_HEAD, FLOWS, SUMMARY_TAIL],
    },
    OutputFile {
        name: "runs.csv",
        about: "a sweep: one row per run, in plan order",
        groups: &[RUNS],
    },
    OutputFile {
        name: "points.csv",
        about: "a sweep: one row per point, over its seeds",
        groups: &[POINTS],
    },
    OutputFile {
        name: "sensitivity.csv",
        about: "a Morris or Sobol sweep: per figure, one row per parameter and index, parameters ranked by μ* or ST (most influential first), then the seed noise",
        groups: &[SENSITIVITY],
    },
    OutputFile {
        name: "ensemble.csv",
        about: "an ensemble (`run --seeds`): one row per summary figure, over the seeds",
        groups: &[ENSEMBLE],
    },
    OutputFile {
        name: "ensemble-days.csv",
        about: "an ensemble: one row per day, the dashboard's series over the seeds",
        groups: &[ENSEMBLE_DAYS],
    },
];

/// Sensitivity indices.
const SENSITIVITY: &[Column] = &[
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
const ENSEMBLE: &[Column] = &[
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
const ENSEMBLE_DAYS: &[Column] = &[
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

/// The file of this name.
pub fn file(name: &str) -> Option<&'static OutputFile> {
    FILES.iter().find(|f| f.name == name)
}

/// Sweep runs: keys, axes, the run's figures, the row's check.
const RUNS: &[Column] = &[
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
const POINTS: &[Column] = &[
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

/// EpochRow columns.
const EPOCH_OWN: &[Column] = &[
    col("epoch", "", "Mainnet epoch number (start height / 2016)."),
    col("start_height", "", "Height of its first block."),
    col(
        "blocks",
        "count",
        "Blocks mined in it (2016 unless the run ended first).",
    ),
    col(
        "start_time_s",
        "s",
        "Time of its first block, seconds since the run started.",
    ),
    col(
        "end_time_s",
        "s",
        "Time of its last block, seconds since the run started.",
    ),
    col(
        "duration_s",
        "s",
        "end − start: the timespan the retarget measures (2015 intervals).",
    ),
    col("bits", "hex", "Compact bits of the epoch, hex."),
    col("difficulty", "", "Difficulty of the epoch."),
    col(
        "hashrate_ehs",
        "EH/s",
        "Mean hashrate actually mining over the epoch, EH/s.",
    ),
    col(
        "mean_block_interval_s",
        "s",
        "Mean interval of its blocks, s.",
    ),
    col("max_block_interval_s", "s", "Longest interval, s."),
    col("btc_price_usd", "USD", "BTC price at its end, USD."),
    col("subsidy_btc", "BTC", "Subsidy paid in it, BTC."),
    col("fees_btc", "BTC", "Fees paid in it, BTC."),
    col(
        "hashprice_usd_per_ph_day",
        "USD per PH/s per day",
        "Hashprice at its end, USD per PH/s per day.",
    ),
    col(
        "mining_mw",
        "MW",
        "Power of the fleets mining at its end, MW.",
    ),
    col(
        "curtailed_mw",
        "MW",
        "Power of the fleets curtailed by their owners at its end, MW.",
    ),
    col(
        "offline_mw",
        "MW",
        "Power of the fleets in offline regions at its end, MW.",
    ),
    col(
        "active_miners",
        "count",
        "Miners with any fleet mining at its end.",
    ),
];

/// DayRow columns.
const DAY_OWN: &[Column] = &[
    col("day", "day", "Day of the run, from 0."),
    col(
        "time_s",
        "s",
        "End of the day, seconds since the run started.",
    ),
    col("height", "", "Height of the tip at the end of the day."),
    col("blocks", "count", "Blocks mined during the day."),
    col(
        "hashrate_ehs",
        "EH/s",
        "Mean hashrate mining during the day, EH/s.",
    ),
    col(
        "mean_block_interval_s",
        "s",
        "86,400 s over the day's blocks (empty on a day without blocks).",
    ),
    col("difficulty", "", "Difficulty at the end of the day."),
    col("btc_price_usd", "USD", "BTC price of the day, USD."),
    col(
        "hashprice_usd_per_ph_day",
        "USD per PH/s per day",
        "Hashprice at the end of the day, USD per PH/s per day.",
    ),
    col(
        "curtailed_ehs",
        "EH/s",
        "Hashrate of the fleets curtailed by their owners at the end of the day, EH/s.",
    ),
    col(
        "offline_ehs",
        "EH/s",
        "Hashrate of the fleets in offline regions at the end of the day, EH/s.",
    ),
    col("mining_mw", "MW", "Power of the fleets mining, MW."),
    col(
        "curtailed_mw",
        "MW",
        "Power of the fleets curtailed by their owners, MW.",
    ),
    col(
        "offline_mw",
        "MW",
        "Power of the fleets in offline regions, MW.",
    ),
    col("fees_btc", "BTC", "Fees paid during the day, BTC."),
];

/// Pivot columns.
const PIVOT: &[Column] = &[
    col(
        "ai_mw",
        "MW",
        "MW leased to AI tenants (contracts running).",
    ),
    col("gpu_cloud_mw", "MW", "MW running miners' own GPU clouds."),
    col(
        "converting_mw",
        "MW",
        "MW being converted (earning nothing).",
    ),
    col("sold_mw", "MW", "MW of sites sold to AI buyers."),
    col(
        "idle_mw",
        "MW",
        "MW of sites doing nothing (no machines, no project).",
    ),
    col(
        "fee_share",
        "0–1",
        "Fees over subsidy + fees in the period.",
    ),
    col("mempool_vbytes", "vbytes", "Vbytes waiting in the mempool."),
    col(
        "ai_lease_usd_per_kw_month",
        "USD per kW-month",
        "Lease rate new contracts sign at, USD per critical kW-month.",
    ),
    col(
        "gpu_usd_per_hour",
        "USD per GPU-hour",
        "GPU rental price, USD per GPU-hour.",
    ),
    col(
        "tenant_arrivals_mw_per_quarter",
        "MW per quarter",
        "New tenant demand for miners' sites arriving, critical MW per quarter.",
    ),
    col(
        "tenant_backlog_mw",
        "MW",
        "Tenants waiting for a site, critical MW.",
    ),
    col(
        "ai_sale_usd_per_w",
        "USD/W",
        "An AI buyer's offer for an unconverted site, USD per W of grid connection.",
    ),
    col(
        "building_mw",
        "MW",
        "Grid connection under construction, MW.",
    ),
    col("on_order_ehs", "EH/s", "Machines on order, EH/s."),
    col(
        "used_stock_ehs",
        "EH/s",
        "Machines offered second hand, EH/s.",
    ),
    col(
        "used_usd_per_th",
        "USD/TH",
        "Mean price of the last second-hand trades, USD/TH (0 before any).",
    ),
    col(
        "asic_usd_per_th",
        "USD/TH",
        "Frontier machines ordered now, with the backlog's premium, USD/TH.",
    ),
    col(
        "asic_backlog_days",
        "days",
        "Manufacturers' backlog, days of output.",
    ),
    col(
        "fleet_j_per_th",
        "J/TH",
        "Mean efficiency of every machine installed (running or not), J/TH: their power over their hashrate (empty with none).",
    ),
];

/// Flows columns.
const FLOWS: &[Column] = &[
    col(
        "revenue_mining_usd",
        "USD",
        "Mining revenue after pool fees, USD.",
    ),
    col(
        "revenue_ai_lease_usd",
        "USD",
        "Lease income (net operating income), USD.",
    ),
    col(
        "revenue_gpu_cloud_usd",
        "USD",
        "GPU-cloud income after opex, power and the customer's prepayment worked off, USD.",
    ),
    col("site_sales_usd", "USD", "Sites sold to AI buyers, USD."),
    col("asic_capex_usd", "USD", "ASICs bought, USD."),
    col(
        "ai_capex_usd",
        "USD",
        "AI conversions paid for (conversion and GPUs), USD.",
    ),
    col(
        "project_loans_usd",
        "USD",
        "Project loans drawn against AI contracts, USD.",
    ),
    col("project_repaid_usd", "USD", "Their principal repaid, USD."),
    col("leases_signed_mw", "MW", "Gross MW of leases signed."),
    col(
        "gpu_clouds_signed_mw",
        "MW",
        "Gross MW of own GPU clouds started.",
    ),
    col(
        "conversions_started",
        "count",
        "Conversions started (lease or GPU cloud).",
    ),
    col(
        "conversions_abandoned",
        "count",
        "Conversions abandoned (after an AI shock).",
    ),
    col(
        "sites_sold",
        "count",
        "Sites sold to AI buyers (by choice or at auction).",
    ),
    col("miners_exited", "count", "Miners gone bankrupt."),
    col(
        "miners_entered",
        "count",
        "New firms that entered, each building its first site.",
    ),
    col("builds_started", "count", "Builds of new MW started."),
    col("mw_started", "count", "MW they will add."),
    col(
        "build_capex_usd",
        "USD",
        "Their capex (before machines), USD.",
    ),
    col(
        "used_bought_ehs",
        "EH/s",
        "Second-hand machines bought, EH/s.",
    ),
    col("used_bought_usd", "USD", "What they cost, USD."),
    col(
        "scrapped_ehs",
        "EH/s",
        "Second-hand machines nobody bought, scrapped, EH/s.",
    ),
];

/// Centralization columns.
const CENTRALIZATION: &[Column] = &[
    col(
        "firm_hhi",
        "0–10,000",
        "HHI of firms' hashrate (empty when there is none to share).",
    ),
    col("firm_nakamoto", "count", "Nakamoto coefficient of firms."),
    col(
        "top_firm_share",
        "0–1",
        "Largest firm's share of the hashrate.",
    ),
    col(
        "firm_gini",
        "0–1",
        "Gini coefficient of firms' hashrate (empty when there is none to share).",
    ),
    col(
        "pool_hhi",
        "0–10,000",
        "HHI of pools' hashrate (empty when there is none to share).",
    ),
    col("pool_nakamoto", "count", "Nakamoto coefficient of pools."),
    col(
        "top_pool_share",
        "0–1",
        "Largest pool's share of the hashrate.",
    ),
    col(
        "top4_pool_share",
        "0–1",
        "Four largest pools' share of the hashrate.",
    ),
    col(
        "pool_entropy_eff",
        "pools",
        "Effective number of pools, e^H (Shannon entropy of pool shares).",
    ),
    col(
        "pool_gini",
        "0–1",
        "Gini coefficient of pools' hashrate (empty when there is none to share).",
    ),
    col(
        "template_hhi",
        "0–10,000",
        "HHI of template builders' hashrate (empty when there is none to share).",
    ),
    col(
        "template_nakamoto",
        "count",
        "Nakamoto coefficient of template builders.",
    ),
    col(
        "top_template_share",
        "0–1",
        "Largest template builder's share of the hashrate.",
    ),
    col(
        "largest_region_share",
        "0–1",
        "Largest region's share of the hashrate.",
    ),
    col(
        "pool_hhi_blocks",
        "0–10,000",
        "HHI of pools' blocks over the window (empty when there is none to share).",
    ),
    col(
        "pool_nakamoto_blocks",
        "count",
        "Nakamoto coefficient of pools' blocks over the window.",
    ),
    col(
        "top_pool_share_blocks",
        "0–1",
        "Largest pool's share of blocks over the window.",
    ),
    col(
        "template_hhi_blocks",
        "0–10,000",
        "HHI of template builders' blocks over the window (empty when there is none to share).",
    ),
    col(
        "template_nakamoto_blocks",
        "count",
        "Nakamoto coefficient of template builders' blocks over the window.",
    ),
];

/// Security columns.
const SECURITY: &[Column] = &[
    col(
        "security_budget_usd_per_day",
        "USD per day",
        "Miners' revenue (subsidy + fees), USD per day.",
    ),
    col(
        "double_spend_p_top_pool_z6",
        "probability",
        "Double-spend success probability for the largest pool's hashrate share after 6 confirmations (exact).",
    ),
    col(
        "double_spend_p_top_template_z6",
        "probability",
        "The same for the largest template builder.",
    ),
    col(
        "confirmations_needed_top_pool",
        "blocks",
        "Confirmations a merchant needs against the largest pool for the scenario's accepted risk (empty when none suffice: a majority).",
    ),
    col(
        "selfish_mining_breached",
        "true/false",
        "Whether the largest pool is above the selfish-mining threshold.",
    ),
    col(
        "attack_rent_usd_per_hour",
        "USD per hour",
        "Renting the attack share of the hashrate, USD per hour (empty when the rental market is too small to supply it).",
    ),
    col(
        "attack_build_asic_usd",
        "USD",
        "Building it: ASICs of this year's generation at today's price (with the manufacturers' backlog), USD.",
    ),
    col(
        "attack_build_power_mw",
        "MW",
        "Building it: power drawn, MW.",
    ),
    col(
        "attack_build_power_usd_per_hour",
        "USD per hour",
        "Building it: power cost, USD per hour.",
    ),
    col(
        "dormant_ehs",
        "EH/s",
        "Machines that could hash but do not (curtailed, mothballed, in offline regions, or offered second hand), EH/s.",
    ),
    col("dormant_mw", "MW", "Their power, MW."),
    col(
        "attack_dormant_asic_usd",
        "USD",
        "The attack done with dormant machines first (bought at the second-hand market's last clearing price, nothing when no lot has cleared: a lower bound) and the rest built: machines, USD.",
    ),
    col("attack_dormant_power_mw", "MW", "Its power, MW."),
    col(
        "attack_dormant_power_usd_per_hour",
        "USD per hour",
        "Its power cost, USD per hour.",
    ),
];

/// PoolDayRow columns.
const POOLS: &[Column] = &[
    col("day", "day", "Day of the run."),
    col("pool", "", "Pool name."),
    col(
        "hashrate_ehs",
        "EH/s",
        "Hashrate mining with it at the end of the day, EH/s.",
    ),
    col("blocks", "count", "Blocks it found during the day."),
];

/// RegionDayRow columns.
const REGIONS: &[Column] = &[
    col("day", "day", "Day of the run."),
    col("region", "", "Region name."),
    col(
        "hashrate_ehs",
        "EH/s",
        "Hashrate mining there at the end of the day, EH/s.",
    ),
    col("online", "true/false", "Whether it may mine."),
    col(
        "power_price_factor",
        "×",
        "Factor on its sites' power prices (drift, tariffs, AI load).",
    ),
    col("ai_mw", "MW", "AI load there (leased and GPU cloud), MW."),
];

/// Summary columns.
const SUMMARY_HEAD: &[Column] = &[
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
const SUMMARY_TAIL: &[Column] = &[
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

/// The tables of output/README.md: one per file.
pub fn markdown() -> String {
    FILES.iter().map(markdown_of).collect()
}

/// One file's table.
pub fn markdown_of(f: &OutputFile) -> String {
    let mut s = format!("### `{}`\n\n{}.\n\n", f.name, capitalise(f.about));
    s.push_str("| column | unit | meaning |\n|---|---|---|\n");
    for c in f.columns() {
        s.push_str(&format!(
            "| `{}` | {} | {} |\n",
            c.name,
            c.unit,
            c.meaning.replace('|', "\\|")
        ));
    }
    s.push('\n');
    s
}

/// `hashflight columns`: the columns of one file, or of all, as aligned
/// text.
pub fn text(only: Option<&OutputFile>) -> String {
    let files: Vec<&OutputFile> = match only {
        Some(f) => vec![f],
        None => FILES.iter().collect(),
    };
    let mut s = String::new();
    for f in files {
        s.push_str(&format!("{}: {}\n", f.name, f.about));
        let name_w = f
            .columns()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(0);
        let unit_w = f
            .columns()
            .map(|c| c.unit.chars().count())
            .max()
            .unwrap_or(0);
        for c in f.columns() {
            let pad = |t: &str, w: usize| format!("{t}{}", " ".repeat(w - t.chars().count()));
            s.push_str(&format!(
                "  {}  {}  {}\n",
                pad(c.name, name_w),
                pad(c.unit, unit_w),
                c.meaning
            ));
        }
        s.push('\n');
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
