//! The dashboard of a run: one figure of aligned panels over time, drawn
//! from the run directory's `days.csv` and `epochs.csv`. Panels whose
//! columns a run lacks are left out, and so is the AI panel of a run in
//! which nothing pivoted to AI.

use std::path::Path;

use super::table::Table;
use super::{Line, PALETTE, Panel, PlotError, XAxis, render};

/// The panels of a run's dashboard from its tables.
pub fn panels(days: &Table, epochs: &Table) -> Vec<Panel> {
    let day_x: Vec<f64> = match days.get("time_s") {
        Some(t) => t.iter().map(|s| s / 86_400.0).collect(),
        None => Vec::new(),
    };
    let epoch_x: Vec<f64> = match epochs.get("end_time_s") {
        Some(t) => t.iter().map(|s| s / 86_400.0).collect(),
        None => Vec::new(),
    };
    let day = |key: &str, scale: f64| {
        days.get(key)
            .map(|v| Line::new(key, day_x.clone(), v.iter().map(|y| y * scale).collect()))
    };
    let epoch = |key: &str| {
        epochs
            .get(key)
            .map(|v| Line::new(key, epoch_x.clone(), v.to_vec()))
    };
    let with = |mut panel: Panel, lines: Vec<Option<Line>>| {
        panel.lines = lines.into_iter().flatten().collect();
        panel
    };

    let mut out = vec![
        with(
            Panel::new("Hashrate by state", "EH/s").stacked(),
            vec![
                day("hashrate_ehs", 1.0).map(|l| l.label("mining")),
                day("curtailed_ehs", 1.0).map(|l| l.label("curtailed")),
                day("offline_ehs", 1.0).map(|l| l.label("offline (region)")),
            ],
        ),
        with(
            Panel::new("AI / HPC capacity", "MW").stacked(),
            if ["ai_mw", "gpu_cloud_mw", "converting_mw", "sold_mw"]
                .iter()
                .any(|k| days.get(k).is_some_and(|v| v.iter().any(|x| *x != 0.0)))
            {
                vec![
                    day("ai_mw", 1.0).map(|l| l.label("AI leased")),
                    day("gpu_cloud_mw", 1.0).map(|l| l.label("own GPU cloud")),
                    day("converting_mw", 1.0).map(|l| l.label("converting")),
                    day("sold_mw", 1.0).map(|l| l.label("sold to AI buyers")),
                ]
            } else {
                Vec::new()
            },
        ),
        with(
            Panel::new("Difficulty", "T"),
            vec![day("difficulty", 1e-12).map(|l| l.label("difficulty"))],
        ),
        with(
            Panel::new("Block interval per epoch", "s"),
            vec![
                epoch("mean_block_interval_s").map(|l| l.label("mean")),
                epoch("max_block_interval_s").map(|l| l.label("max")),
            ],
        ),
        with(
            Panel::new("BTC price", "USD"),
            vec![day("btc_price_usd", 1.0).map(|l| l.label("BTC price"))],
        ),
        with(
            Panel::new("Hashprice", "USD per PH/s per day"),
            vec![day("hashprice_usd_per_ph_day", 1.0).map(|l| l.label("hashprice"))],
        ),
    ];
    // Fee share of miner revenue per epoch.
    if let (Some(f), Some(s)) = (epochs.get("fees_btc"), epochs.get("subsidy_btc")) {
        let share: Vec<f64> = f
            .iter()
            .zip(s)
            .map(|(f, s)| {
                if f + s > 0.0 {
                    100.0 * f / (f + s)
                } else {
                    f64::NAN
                }
            })
            .collect();
        out.push(
            Panel::new("Fee share of block reward", "%")
                .line(Line::new("fee_share_pct", epoch_x.clone(), share).label("fees")),
        );
    }
    out.push(with(
        Panel::new("Pool concentration (HHI)", "0–10,000"),
        vec![epoch("pool_hhi").map(|l| l.label("pool HHI"))],
    ));
    out.push(with(
        Panel::new("Nakamoto coefficient", "pools above 50 %"),
        vec![epoch("pool_nakamoto").map(|l| l.label("pools"))],
    ));
    out.push(with(
        Panel::new(
            "Double-spend success, largest pool, 6 confirmations",
            "probability",
        )
        .log_y(true),
        vec![epoch("double_spend_p_top_pool_z6").map(|l| l.label("P"))],
    ));
    out.push(with(
        Panel::new("Dormant machines (curtailed, offline, second hand)", "EH/s"),
        vec![day("dormant_ehs", 1.0).map(|l| l.label("dormant"))],
    ));
    out.push(with(
        Panel::new("Machines for a majority attack", "USD billion"),
        vec![
            day("attack_build_asic_usd", 1e-9).map(|l| l.label("built new").color(PALETTE[0])),
            day("attack_dormant_asic_usd", 1e-9)
                .map(|l| l.label("dormant first").color(PALETTE[3])),
        ],
    ));
    out.into_iter().filter(|p| !p.lines.is_empty()).collect()
}

/// Most rows of days.csv or epochs.csv a dashboard draws (see
/// [`Table::read_thinned`]).
pub const DASHBOARD_ROWS: usize = 4_000;

/// Draws `dashboard.png` and `dashboard.svg` in a run directory; with
/// `no_ai`, the run directory of its counterfactual, the two hashrates on
/// one more panel.
pub fn write(
    dir: &Path,
    title: &str,
    start_unix_s: Option<i64>,
    no_ai: Option<&Path>,
) -> Result<(), PlotError> {
    // Ten years of days at full resolution; longer runs evenly thinned, so
    // drawing a century takes no more memory than a decade.
    let read = |p: &Path| {
        Table::read_thinned(p, DASHBOARD_ROWS)
            .map_err(|e| PlotError(format!("{}: {e}", p.display())))
    };
    let days = read(&dir.join("days.csv"))?;
    let epochs = read(&dir.join("epochs.csv"))?;
    let x = XAxis {
        start_unix_s,
        label: None,
        ticks: None,
    };
    let mut panels = panels(&days, &epochs);
    // A run with its counterfactual: the two hashrates on one panel,
    // after the hashrate by state.
    if let Some(cf) = no_ai {
        let no_ai = read(&cf.join("days.csv"))?;
        let line = |t: &Table, key: &str| {
            let x: Vec<f64> = t.get("time_s")?.iter().map(|s| s / 86_400.0).collect();
            Some(Line::new(key, x, t.get("hashrate_ehs")?.to_vec()))
        };
        if let (Some(run), Some(cf)) = (line(&days, "hashrate_ehs"), line(&no_ai, "no_ai")) {
            let panel = Panel::new("Hashrate mining, against the run without AI", "EH/s")
                .line(run.label("this run").color(PALETTE[0]))
                .line(cf.label("without the AI option (no-ai/)").color(PALETTE[7]));
            panels.insert(1.min(panels.len()), panel);
        }
    }
    render(&dir.join("dashboard"), title, &panels, &x)
}
