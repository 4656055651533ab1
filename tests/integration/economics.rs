//! The miners' strategic decisions on small hand-computed cases, run
//! through the whole simulation.

use hashflight::metrics::DayRow;
use hashflight::scenario::{Override, Scenario};
use hashflight::sim::{RunResult, Simulation};

/// A world of one large miner ("Big": 1,000 EH/s on free power, never
/// eligible for AI) and one small one whose site is described by `small`,
/// with `--set` style overrides.
fn world(small: &str, set: &[&str], days: u32) -> RunResult {
    let src = format!(
        r#"(
    name: "decide",
    duration_days: {days},
    btc_price: (initial_usd: 90000.0, model: Constant, shocks: []),
    fees: (model: Fixed, per_block_btc: 0.0),
    pools: [(name: "P", fee_pct: 0.0)],
    miners: [
        (name: "Big", pool: "P", cash_usd: 1e10, sites: [(name: "big", region: "US", power_mw: 20000.0,
            power_price_usd_per_mwh: 0.0, fleets: [(hashrate_ehs: 1000.0, efficiency_j_per_th: 15.0)])]),
        {small}
    ],
    population: (miners: 0, hashrate_ehs: 0.0),
    // Machines cost nothing and the frontier is hopeless: replacing
    // machines is worth exactly nothing, so mining values are those of the
    // fleets on the sites.
    asics: (usd_per_th: 0.0, frontier_j_per_th: 1000.0, frontier_decline_per_year: 0.0),
    strategy: (named_belief: Myopic, hurdle_rate_per_year: 0.1, hysteresis_share: 0.1,
        interest_rate_per_year: 0.05, ai_equity_share: 0.3, growth: false),
    // 1,000 critical MW of tenants waiting (for a century, on average)
    // and none arriving; halls that last exactly one lease (nothing left
    // when it ends).
    ai: (enabled: true, critical_it_share: 0.75, tenant_backlog_mw: 1000.0, deals_mw_per_quarter: 0.0,
        tenant_patience_days: 36525.0,
        lease_growth_per_year: 0.0, lease_elasticity: 0.0, noi_margin: 0.85,
        tenant_ceiling_usd_per_kw_month: 1000.0,
        conversion_capex_usd_per_critical_mw: 9e6, lead_time_days: 365, lease_term_years: 10.0,
        shell_life_years: 10.0, stage_mw: 200.0, sale_usd_per_w: 0.0, gpu: (enabled: false)),
)"#
    );
    let set: Vec<Override> = set.iter().map(|o| Override::parse(o).unwrap()).collect();
    let s = Scenario::from_str(&src, "decide.ron", &set).unwrap_or_else(|e| panic!("{e}"));
    Simulation::new(&s).run_to_memory().unwrap()
}

/// A 100 MW eligible site whose 2 EH/s of 34 J/TH machines pay $80/MWh:
/// they need $65.3/PH/day and hashprice is about $38, so they are
/// curtailed and worth nothing to a myopic miner.
const LOSING_SITE: &str = r#"(name: "Small", pool: "P", cash_usd: 1e9, sites: [(name: "s", region: "US",
    power_mw: 100.0, power_price_usd_per_mwh: 80.0, ai_eligible: true,
    fleets: [(hashrate_ehs: 2.0, efficiency_j_per_th: 34.0)])])"#;

fn first_day_with(days: &[DayRow], f: impl Fn(&DayRow) -> bool) -> Option<u32> {
    days.iter().find(|d| f(d)).map(|d| d.day)
}

// The lease of the whole 100 MW (75 critical MW, 12 months of lead time,
// 120 months of rent) discounted at the project's cost of capital,
// 0.3 × 10 % + 0.7 × 5 % = 6.5 % a year (d = 1.065^(−1/12) = 0.994766):
// Σ_{m=12}^{131} d^m = d^12 (1 − d^120) / (1 − d) = 83.83. Capex is
// 75 × $9M = $675M, so the hysteresis margin is $67.5M; carrying on is
// worth $0.
// - at $140/kW-month: 75,000 kW × 140 × 0.85 = $8.925M a month →
//   NPV 748.2 − 675 = $73.2M > $67.5M: it converts;
// - at $135: $8.606M a month → NPV $46.5M: better than mining, but not by
//   the margin: it does not.

#[test]
fn a_site_whose_lease_beats_mining_by_the_margin_converts_after_the_lead_time() {
    let r = world(LOSING_SITE, &["ai.lease_usd_per_kw_month=140.0"], 420);
    let started = first_day_with(&r.days, |d| d.pivot.converting_mw > 0.0).expect("it converts");
    // At the first review, the end of the run's first epoch (about day 14).
    assert!((12..=16).contains(&started), "started on day {started}");
    let d = &r.days[started as usize];
    assert_eq!(d.pivot.converting_mw, 100.0);
    assert_eq!(d.pivot.flows.conversions_started, 1);
    assert!((d.pivot.flows.ai_capex_usd - 675e6).abs() < 1.0);
    // Its machines left with it: only Big's 1,000 EH/s are left to curtail
    // or mine (Big's site is 20,000 MW, 15,000 used).
    assert_eq!(d.curtailed_mw, 0.0);
    // Rent starts exactly one lead time later.
    let leased = first_day_with(&r.days, |d| d.pivot.ai_mw > 0.0).unwrap();
    assert_eq!(leased, started + 365);
    let d = &r.days[leased as usize];
    assert_eq!((d.pivot.ai_mw, d.pivot.converting_mw), (100.0, 0.0));
    // A day's net operating income: 75,000 kW × $140 × 12 / 365.25 × 0.85.
    let noi = 75_000.0 * 140.0 * 12.0 / 365.25 * 0.85;
    assert!((r.days[leased as usize + 1].pivot.flows.revenue_ai_lease_usd - noi).abs() < 1e-3);
    // The lease took its 75 critical MW out of the backlog on the day it
    // was signed (beside a day's departures: 1/36,525 of those waiting).
    let backlog = |day: u32| r.days[day as usize].pivot.tenant_backlog_mw;
    let waited = backlog(started - 1) * (-1.0f64 / 36_525.0).exp();
    assert!((backlog(started) - (waited - 75.0)).abs() < 1e-9);
}

#[test]
fn a_site_whose_lease_beats_mining_by_less_than_the_margin_keeps_mining() {
    let r = world(LOSING_SITE, &["ai.lease_usd_per_kw_month=135.0"], 120);
    assert!(
        r.days
            .iter()
            .all(|d| d.pivot.converting_mw == 0.0 && d.pivot.ai_mw == 0.0)
    );
    assert_eq!(r.summary.flows.conversions_started, 0);
    // With no hysteresis, the same $46.5M advantage is enough.
    let r = world(
        LOSING_SITE,
        &[
            "ai.lease_usd_per_kw_month=135.0",
            "strategy.hysteresis_share=0.0",
        ],
        120,
    );
    assert_eq!(r.summary.flows.conversions_started, 1);
}

#[test]
fn without_tenants_or_with_the_option_off_nothing_converts() {
    let r = world(
        LOSING_SITE,
        &[
            "ai.lease_usd_per_kw_month=300.0",
            "ai.tenant_backlog_mw=0.0",
        ],
        60,
    );
    assert_eq!(r.summary.flows.conversions_started, 0);
    let r = world(
        LOSING_SITE,
        &["ai.lease_usd_per_kw_month=300.0", "ai.enabled=false"],
        60,
    );
    assert_eq!(r.summary.flows.conversions_started, 0);
}

/// A miner drowning in debt: cash −$1T from day 0, so after
/// `distress_days: 10` it is bankrupt at the first review. Its 10 EH/s of
/// 15 J/TH machines on $20/MWh power are worth mining to Big.
fn debtor(eligible: bool) -> String {
    format!(
        r#"(name: "Debtor", pool: "P", cash_usd: -1e12, sites: [(name: "d", region: "US",
    power_mw: 160.0, power_price_usd_per_mwh: 20.0, ai_eligible: {eligible},
    fleets: [(hashrate_ehs: 10.0, efficiency_j_per_th: 15.0)])])"#
    )
}

#[test]
fn a_bankrupt_miners_site_goes_to_the_larger_miner_that_bids_for_it() {
    let r = world(
        &debtor(false),
        &[
            "ai.lease_usd_per_kw_month=150.0",
            "strategy.distress_days=10",
        ],
        30,
    );
    let exited = first_day_with(&r.days, |d| d.pivot.flows.miners_exited > 0).expect("bankrupt");
    assert!((12..=16).contains(&exited), "day {exited}");
    let before = &r.days[exited as usize - 1];
    let after = &r.days[exited as usize + 1];
    // The machines keep hashing, now for Big: one firm instead of two.
    assert_eq!(
        (
            before.centralization.firm_nakamoto,
            after.centralization.firm_nakamoto
        ),
        (1, 1)
    );
    assert!(before.centralization.top_firm_share < 1.0);
    assert!((after.centralization.top_firm_share - 1.0).abs() < 1e-12);
    assert!((after.hashrate_ehs - 1010.0).abs() < 1e-6);
    assert_eq!(after.pivot.sold_mw, 0.0);
    assert_eq!(r.summary.flows.miners_exited, 1);
}

#[test]
fn a_bankrupt_miners_eligible_site_goes_to_an_ai_buyer_when_it_bids_more() {
    // $5/W × 160 MW = $800M, more than the machines are worth to Big.
    let r = world(
        &debtor(true),
        &[
            "ai.lease_usd_per_kw_month=150.0",
            "ai.sale_usd_per_w=5.0",
            "strategy.distress_days=10",
        ],
        30,
    );
    let exited = first_day_with(&r.days, |d| d.pivot.flows.miners_exited > 0).expect("bankrupt");
    let after = &r.days[exited as usize + 1];
    assert_eq!(after.pivot.sold_mw, 160.0);
    assert_eq!(r.summary.flows.sites_sold, 1);
    assert!((r.summary.flows.site_sales_usd - 800e6).abs() < 1.0);
    // The hashrate left with the site.
    assert!((after.hashrate_ehs - 1000.0).abs() < 1e-6);
    assert!((after.centralization.top_firm_share - 1.0).abs() < 1e-12);
}

#[test]
fn machines_curtailed_too_long_are_retired_and_their_mw_goes_idle() {
    let r = world(
        LOSING_SITE,
        // No take-or-pay power, which would keep a fifth of it hashing.
        &[
            "ai.enabled=false",
            "strategy.retire_after_days=20",
            "power.take_or_pay_share=0",
        ],
        60,
    );
    // Curtailed from day 0; retired at the first review after 20 days of it
    // (the second epoch's end, about day 28).
    let first = &r.days[0];
    assert!((first.curtailed_mw - 68.0).abs() < 1e-9);
    let last = r.days.last().unwrap();
    assert_eq!(last.curtailed_mw, 0.0);
    assert!(
        (last.pivot.idle_mw - 100.0 - 5000.0).abs() < 1e-6,
        "{}",
        last.pivot.idle_mw
    );
}

#[test]
fn megawatts_add_up_to_every_sites_connection() {
    for r in [
        world(LOSING_SITE, &["ai.lease_usd_per_kw_month=140.0"], 420),
        world(
            &debtor(true),
            &["ai.sale_usd_per_w=5.0", "strategy.distress_days=10"],
            30,
        ),
    ] {
        for d in &r.days {
            let p = &d.pivot;
            let sum = d.mining_mw
                + d.curtailed_mw
                + d.offline_mw
                + p.ai_mw
                + p.gpu_cloud_mw
                + p.converting_mw
                + p.idle_mw
                + p.sold_mw;
            // Big's 20,000 MW plus the small site's 100 or 160.
            assert!(
                (sum - 20_100.0).abs() < 1e-6 || (sum - 20_160.0).abs() < 1e-6,
                "day {}: {sum}",
                d.day
            );
        }
    }
}

#[test]
fn an_ai_buyers_offer_above_the_value_of_carrying_on_buys_the_site() {
    // $0.8/W × 100 MW = $80M against $0 of mining: advantage $80M, above
    // both the hysteresis ($8M) and the lease's $73.2M at $140.
    let r = world(
        LOSING_SITE,
        &["ai.lease_usd_per_kw_month=140.0", "ai.sale_usd_per_w=0.8"],
        30,
    );
    assert_eq!(r.summary.flows.sites_sold, 1);
    assert_eq!(r.summary.flows.conversions_started, 0);
    assert!((r.summary.flows.site_sales_usd - 80e6).abs() < 1.0);
    assert_eq!(r.days.last().unwrap().pivot.sold_mw, 100.0);
    // At $0.5/W the lease's advantage is larger: it leases instead.
    let r = world(
        LOSING_SITE,
        &["ai.lease_usd_per_kw_month=140.0", "ai.sale_usd_per_w=0.5"],
        30,
    );
    assert_eq!(
        (
            r.summary.flows.sites_sold,
            r.summary.flows.conversions_started
        ),
        (0, 1)
    );
}

#[test]
fn a_gpu_cloud_that_pays_is_built_and_earns_at_the_rental_price() {
    // Tenants that pay $1 per kW-month, so no lease; GPUs at $4/h with no
    // drift. Per gross MW: 0.75 × 800 = 600 GPUs × 730.5 h × $4 × 0.75 ×
    // 0.85 = $1.118M a month less 730.5 MWh × $80 = $58,440 of power, for
    // 60 months after 12 of lead time, against 0.75 × ($9M + $29M) =
    // $28.5M of capex: even at 10 %, Σ_{12}^{71} d^m = 43.2 → NPV ≈ $17.3M
    // per MW, far above the margin.
    let r = world(
        LOSING_SITE,
        &[
            "ai.lease_usd_per_kw_month=1.0",
            "ai.gpu=(enabled: true, usd_per_hour: 4.0, price_path: [], drift_per_year: 0.0, gpus_per_critical_mw: 800.0, utilisation: 0.75, capex_usd_per_critical_mw: 29e6, opex_share: 0.15, term_years: 5.0, lead_time_days: 365, equity_share: 0.3, prepayment_share: 0.2)",
        ],
        400,
    );
    assert_eq!(r.summary.flows.conversions_started, 1);
    assert!((r.summary.flows.ai_capex_usd - 100.0 * 0.75 * 38e6).abs() < 1.0);
    // The customer prepays 20 % of 60 months of 60,000 GPUs × 730.5 h ×
    // $4 × 0.75: it funds the capex first, and the loan is 70 % of the
    // rest.
    let prepaid = 0.2 * 60_000.0 * 730.5 * 60.0 * 4.0 * 0.75;
    let loan = 0.7 * (100.0 * 0.75 * 38e6 - prepaid);
    assert!(
        (r.summary.flows.project_loans_usd - loan).abs() < 1.0,
        "{} vs {loan}",
        r.summary.flows.project_loans_usd
    );
    let running = r
        .days
        .iter()
        .find(|d| d.pivot.gpu_cloud_mw > 0.0)
        .expect("built");
    assert_eq!(running.pivot.gpu_cloud_mw, 100.0);
    // A day's income: 60,000 GPUs × 24 h × $4 × 0.75 × 0.85 less
    // 100 MW × 24 h × $80, with the region's power bid up by the baseline's
    // 1 % per GW of AI load (0.1 GW here), less the prepayment worked off
    // over the 1,826 days of the contract.
    let next = &r.days[running.day as usize + 1];
    let expect = 60_000.0 * 24.0 * 4.0 * 0.75 * 0.85
        - 100.0 * 24.0 * 80.0 * (1.0 + 0.01 * 0.1)
        - prepaid / 1826.0;
    assert!(
        (next.pivot.flows.revenue_gpu_cloud_usd - expect).abs() < 1e-3,
        "{} vs {expect}",
        next.pivot.flows.revenue_gpu_cloud_usd
    );
}

#[test]
fn an_ai_shock_can_stall_the_conversions_it_does_not_cancel() {
    let shock = |demand: f64, abandon: f64| {
        format!(
            "events=[(day: 100, event: AiShock(demand_multiply_by: {demand}, lease_multiply_by: 1.0, gpu_multiply_by: 1.0, abandon_share: {abandon}, stall_days: 30))]"
        )
    };
    let r = world(
        LOSING_SITE,
        &["ai.lease_usd_per_kw_month=140.0", &shock(1.0, 0.0)],
        420,
    );
    let started = r
        .days
        .iter()
        .find(|d| d.pivot.converting_mw > 0.0)
        .unwrap()
        .day;
    let leased = r.days.iter().find(|d| d.pivot.ai_mw > 0.0).unwrap().day;
    assert_eq!(leased, started + 365 + 30);
    // Abandoned, with the tenants gone: the site stays out of AI.
    let r = world(
        LOSING_SITE,
        &["ai.lease_usd_per_kw_month=140.0", &shock(0.0, 1.0)],
        420,
    );
    assert_eq!(r.summary.flows.conversions_abandoned, 1);
    assert_eq!(r.summary.flows.conversions_started, 1);
    assert!(
        r.days[100..]
            .iter()
            .all(|d| d.pivot.converting_mw == 0.0 && d.pivot.ai_mw == 0.0)
    );
}

/// The losing site's owner with `cash` USD.
fn losing_site_with_cash(cash: f64) -> String {
    LOSING_SITE.replace("cash_usd: 1e9", &format!("cash_usd: {cash}"))
}

#[test]
fn a_signed_lease_supports_a_project_loan_repaid_over_its_term() {
    // The lease at $140 of the first test: $675M of capex. With $110M of
    // cash, 15 % of equity ($101.25M) pays for the whole site; the rest is
    // a project loan.
    let r = world(
        &losing_site_with_cash(110e6),
        &[
            "ai.lease_usd_per_kw_month=140.0",
            "strategy.ai_equity_share=0.15",
        ],
        420,
    );
    let started = first_day_with(&r.days, |d| d.pivot.converting_mw > 0.0).expect("it leases");
    let d = &r.days[started as usize];
    assert_eq!(d.pivot.converting_mw, 100.0);
    let loan = 675e6 * 0.85;
    assert!((d.pivot.flows.project_loans_usd - loan).abs() < 1e-3);
    // Interest is added to the loan while the hall is built (365 days,
    // the first of them the day of the decision), then the loan is repaid
    // in equal daily parts over the 120 months (3,653 days) of rent.
    let leased = first_day_with(&r.days, |d| d.pivot.ai_mw > 0.0).unwrap();
    assert_eq!(leased, started + 365);
    let built = loan * (1.0 + 0.05 / 365.25f64).powi(364);
    let repaid = r.days[leased as usize].pivot.flows.project_repaid_usd;
    assert!((repaid - built / 3653.0).abs() < 1e-6 * repaid, "{repaid}");
    assert!(
        r.days[..leased as usize]
            .iter()
            .all(|d| d.pivot.flows.project_repaid_usd == 0.0)
    );
    // With 30 % of equity the same cash pays for a stage of at most
    // 110/202.5 of the site (less what the curtailed machines lost in the
    // two weeks before the review), above the smallest block of 25 MW.
    let r = world(
        &losing_site_with_cash(110e6),
        &[
            "ai.lease_usd_per_kw_month=140.0",
            "strategy.ai_equity_share=0.3",
        ],
        60,
    );
    let stage = r.days.last().unwrap().pivot.converting_mw;
    assert!(
        (50.0..=100.0 * 110.0 / 202.5).contains(&stage),
        "{stage} MW"
    );
    let capex = r.summary.flows.ai_capex_usd;
    assert!((capex - stage * 0.75 * 9e6).abs() < 1e-3 && 0.3 * capex <= 110e6);
    // With too little cash for 25 MW, nothing leases.
    let r = world(
        &losing_site_with_cash(20e6),
        &[
            "ai.lease_usd_per_kw_month=140.0",
            "strategy.ai_equity_share=0.3",
        ],
        60,
    );
    assert_eq!(r.summary.flows.conversions_started, 0);
}
