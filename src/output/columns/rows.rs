//! The columns of a run's CSV files: epochs.csv and days.csv (their own
//! columns, then the groups they share), pools.csv and regions.csv.

use super::column::{Column, col};

/// EpochRow columns.
pub(super) const EPOCH_OWN: &[Column] = &[
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
pub(super) const DAY_OWN: &[Column] = &[
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
pub(super) const PIVOT: &[Column] = &[
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
pub(super) const FLOWS: &[Column] = &[
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
pub(super) const CENTRALIZATION: &[Column] = &[
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
pub(super) const SECURITY: &[Column] = &[
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
pub(super) const POOLS: &[Column] = &[
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
pub(super) const REGIONS: &[Column] = &[
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
