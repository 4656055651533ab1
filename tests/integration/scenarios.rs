//! Each shipped scenario runs and shows the effect it is named for (on
//! shortened horizons where the effect comes early, to keep the suite
//! quick).

use hashflight::metrics::DayRow;
use hashflight::scenario::{Override, Scenario};
use hashflight::sim::{RunResult, Simulation};

fn run(name: &str, set: &[&str]) -> RunResult {
    let set: Vec<Override> = set.iter().map(|s| Override::parse(s).unwrap()).collect();
    let s = Scenario::load(name, &set).unwrap();
    Simulation::run_scenario(&s, hashflight::metrics::MemorySink::default(), |_| {})
        .map(|(summary, sink)| RunResult {
            epochs: sink.epochs,
            days: sink.days,
            summary,
        })
        .unwrap()
}

fn mean(days: &[DayRow], f: impl Fn(&DayRow) -> f64) -> f64 {
    days.iter().map(f).sum::<f64>() / days.len() as f64
}

#[test]
fn halving_2028_older_fleets_exit_and_sites_pivot() {
    let r = run("halving-2028", &[]);
    // The halving block: the day the subsidy halves.
    let halving = r
        .epochs
        .iter()
        .find(|e| e.start_height + e.blocks > 1_050_000)
        .unwrap();
    let day = (halving.end_time_s / 86_400.0) as usize;
    let before = mean(&r.days[day - 60..day - 30], |d| d.hashrate_ehs);
    let after = mean(&r.days[day + 30..day + 60], |d| d.hashrate_ehs);
    // Mining falls (about −10 %: older fleets are renewed before it, and
    // those of sold sites resold to cheap power) and the fleet that is
    // left is more efficient.
    assert!(after < 0.95 * before, "{before} → {after}");
    let j = |d: &DayRow| d.pivot.fleet_j_per_th.unwrap();
    assert!(j(&r.days[day + 60]) < j(&r.days[day - 60]));
    // Curtailed, then retired: idle MW grows after the halving.
    assert!(r.days[day + 240].pivot.idle_mw > 1.5 * r.days[day - 30].pivot.idle_mw);
    // The fee wave on the halving day, by height.
    let wave = r.days[day - 1..day + 3]
        .iter()
        .map(|d| d.fees_btc)
        .fold(0.0, f64::max);
    assert!(wave > 3.0 * r.days[day - 30].fees_btc, "{wave}");
    // Eligible sites left mining for AI.
    assert!(r.summary.sold_mw_end + r.summary.ai_mw_end + r.summary.converting_mw_end > 1000.0);
}

#[test]
fn ai_landgrab_pivots_and_reports_the_decline_against_no_ai() {
    let r = run("ai-landgrab", &["duration_days=1095"]);
    let s = &r.summary;
    // Leases signed (running or being converted) and sites sold: miners'
    // cash goes to machines and new MW as well, so most of the pivot is
    // sales until leases can be financed against their contracts.
    assert!(s.ai_mw_end + s.converting_mw_end > 200.0, "{s:?}");
    assert!(
        s.ai_mw_end + s.converting_mw_end + s.sold_mw_end > 2000.0,
        "{s:?}"
    );
    assert!(s.flows.conversions_started + s.flows.sites_sold > 20);
    let vs = s.hashrate_decline_vs_no_ai_pct.expect("counterfactual ran");
    assert!(vs > 3.0, "{vs}");
    // Lease rates rose with demand.
    let last = r.days.last().unwrap();
    assert!(last.pivot.ai_lease_usd_per_kw_month > 150.0);
}

#[test]
fn deepseek_shock_abandons_conversions_and_slows_the_pivot() {
    let r = run("deepseek-shock", &["duration_days=500"]);
    let (before, after) = (&r.days[364], &r.days[365]);
    assert!(after.pivot.ai_lease_usd_per_kw_month < 0.75 * before.pivot.ai_lease_usd_per_kw_month);
    assert!(
        after.pivot.tenant_arrivals_mw_per_quarter
            < 0.55 * before.pivot.tenant_arrivals_mw_per_quarter
    );
    assert!(after.pivot.tenant_backlog_mw < 0.55 * before.pivot.tenant_backlog_mw + 1.0);
    assert!(r.summary.flows.conversions_abandoned >= 1);
    // AI buyers now offer far less for a site.
    assert!(after.pivot.ai_sale_usd_per_w < 0.25 * before.pivot.ai_sale_usd_per_w);
    // Against the same run without the shock, less AI capacity stands at
    // the end (abandoned halls, leases that no longer pay), and less has
    // left mining in all.
    let calm = run("deepseek-shock", &["duration_days=500", "events=[]"]);
    let ai = |r: &RunResult| {
        let p = &r.days.last().unwrap().pivot;
        (p.ai_mw + p.converting_mw + p.gpu_cloud_mw, p.sold_mw)
    };
    let ((shocked, sold), (unshocked, calm_sold)) = (ai(&r), ai(&calm));
    assert!(shocked < 0.85 * unshocked, "{shocked} MW vs {unshocked} MW");
    assert!(shocked + sold < unshocked + calm_sold);
}

#[test]
fn fee_only_pays_miners_from_fees_alone() {
    let r = run("fee-only", &["duration_days=200"]);
    for e in &r.epochs {
        assert_eq!(e.subsidy_btc, 0.0);
        assert_eq!(e.pivot.fee_share, 1.0);
    }
    // Hashrate settles where fees pay for it, far below today's; the
    // mempool is full most of the time.
    let late = mean(&r.days[100..], |d| d.hashrate_ehs);
    assert!((200.0..900.0).contains(&late), "{late}");
    let full = r.days[100..]
        .iter()
        .filter(|d| d.pivot.mempool_vbytes > 1e7)
        .count();
    assert!(full > 50, "{full}");
    // Slow epochs collect more fees a block: the mempool's feedback.
    let per_block = |e: &hashflight::metrics::EpochRow| e.fees_btc / e.blocks as f64;
    let (slow, fast): (Vec<_>, Vec<_>) = r.epochs[..r.epochs.len() - 1]
        .iter()
        .partition(|e| e.mean_block_interval_s > 600.0);
    let avg = |v: &[&hashflight::metrics::EpochRow]| {
        v.iter().map(|e| per_block(e)).sum::<f64>() / v.len() as f64
    };
    assert!(avg(&slow) > avg(&fast));
}

#[test]
fn storm_2026_takes_a_fifth_of_the_hashrate_for_five_days() {
    let r = run("storm-2026", &[]);
    let before = mean(&r.days[25..31], |d| d.hashrate_ehs);
    let during = mean(&r.days[33..36], |d| d.hashrate_ehs);
    let after = mean(&r.days[40..46], |d| d.hashrate_ehs);
    let cut = 1.0 - during / before;
    assert!((0.12..0.35).contains(&cut), "{before} → {during}: {cut}");
    assert!(r.days[34].offline_ehs > 100.0);
    assert!(after > 0.9 * before, "{after} vs {before}");
    assert_eq!(r.days[40].offline_ehs, 0.0);
}
