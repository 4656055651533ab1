//! Statistical checks of the block process and the retarget, with stated
//! tolerances.

use hashflight::consensus::bitcoin::next_bits;
use hashflight::consensus::difficulty::difficulty;
use hashflight::scenario::Scenario;
use hashflight::sim::Simulation;

use crate::support::*;

const BITS: u32 = 0x1701e605;

fn run(src: &str) -> hashflight::sim::RunResult {
    let s = Scenario::from_str(src, "test", &[]).unwrap();
    Simulation::new(&s).run_to_memory().unwrap()
}

#[test]
fn constant_hashrate_settles_at_the_2015_interval_equilibrium() {
    // 3000 epochs at constant hashrate. With x_k the expected interval of
    // epoch k and G ~ Gamma(2015) its timespan in units of x_k, the retarget
    // gives x_{k+1} = 1,209,600 / G, so the long-run mean interval is
    // 1,209,600 · E[1/G] = 1,209,600 / 2014 = 600.60 s: the 2015-interval
    // window's 600.30 s plus the retarget's small Jensen bias. Per-epoch
    // means scatter by ~3.2 %, so the mean of 3000 has σ ≈ 0.35 s; we allow
    // ±1.2 s (3.4σ).
    let days = 3000 * 14;
    let ehs = equilibrium_ehs(BITS) / 2.0;
    let r = run(&two_regions("steady", days, BITS, ehs, ""));
    let full: Vec<_> = r.epochs.iter().filter(|e| e.blocks == 2016).collect();
    assert!(full.len() > 2900, "{}", full.len());
    let mean = full.iter().map(|e| e.mean_block_interval_s).sum::<f64>() / full.len() as f64;
    assert!((mean - 600.6).abs() < 1.2, "mean interval {mean}");
    // And the run-wide figure agrees.
    let run_mean = r.summary.mean_block_interval_s.expect("blocks were mined");
    assert!((run_mean - 600.6).abs() < 1.2, "{run_mean}");
    // Every retarget in the output is Core's rule applied to the simulated
    // block times.
    for w in full.windows(2) {
        let bits = u32::from_str_radix(&w[0].bits[2..], 16).unwrap();
        let expect = next_bits(bits, 0, w[0].duration_s.round() as i64);
        let next = u32::from_str_radix(&w[1].bits[2..], 16).unwrap();
        // Header times are whole seconds: the timespan may differ by one.
        let alt = next_bits(bits, 0, w[0].duration_s.round() as i64 - 1);
        let alt2 = next_bits(bits, 0, w[0].duration_s.round() as i64 + 1);
        assert!([expect, alt, alt2].contains(&next), "epoch {}", w[0].epoch);
    }
}

#[test]
fn half_the_hashrate_leaving_mid_epoch_lengthens_it_and_the_retarget_follows() {
    let ehs = equilibrium_ehs(BITS) / 2.0;
    // Region B (half the hashrate) goes dark at the start of day 7, about
    // half-way through the first epoch, and never returns.
    let r = run(&two_regions(
        "drop",
        70,
        BITS,
        ehs,
        r#"(day: 7, event: RegionOffline(region: "B"))"#,
    ));
    let e = &r.epochs;
    // Expected: ~1008 blocks in the first 7 days, the other ~1008 at half
    // speed take ~14 days: the epoch lasts ~21 days instead of 14.
    let d0 = e[0].duration_s / 86_400.0;
    assert!((d0 - 21.0).abs() < 1.5, "first epoch {d0} days");
    assert!(e[0].max_block_interval_s > 2.0 * 600.0);
    // The next retarget cuts difficulty by the observed factor
    // (within compact rounding, < 2^-15).
    let ratio = difficulty(u32::from_str_radix(&e[1].bits[2..], 16).unwrap()) / difficulty(BITS);
    let observed = 1_209_600.0 / e[0].duration_s;
    assert!(
        (ratio / observed - 1.0).abs() < 1e-4,
        "ratio {ratio} vs {observed}"
    );
    // Hashrate halved from day 7 on.
    assert!((r.days[10].hashrate_ehs / r.days[3].hashrate_ehs - 0.5).abs() < 1e-9);
    // The cut matches the first epoch's average speed, not the half speed
    // since day 7: the next epoch still runs slow, at D₁·2³²/H ≈ 800 s; the
    // retarget after it matches the new hashrate, and epochs are back at
    // ~600 s. (2016 blocks: σ ≈ 2.2 % a mean, plus the cut's own noise: ±8 %.)
    let d1 = difficulty(u32::from_str_radix(&e[1].bits[2..], 16).unwrap());
    let expected_1 = d1 * 4_294_967_296.0 / (ehs * 1e18);
    assert!((expected_1 / 800.0 - 1.0).abs() < 0.1, "{expected_1}");
    assert!(
        (e[1].mean_block_interval_s / expected_1 - 1.0).abs() < 0.08,
        "epoch 1 {}",
        e[1].mean_block_interval_s
    );
    for later in &e[2..4] {
        assert!(
            (later.mean_block_interval_s / 600.3 - 1.0).abs() < 0.08,
            "epoch {} {}",
            later.epoch,
            later.mean_block_interval_s
        );
    }
}

#[test]
fn zero_hashrate_stalls_the_chain_but_days_go_on() {
    let ehs = equilibrium_ehs(BITS) / 2.0;
    let r = run(&two_regions(
        "stall",
        30,
        BITS,
        ehs,
        r#"(day: 5, event: RegionOffline(region: "A")), (day: 5, event: RegionOffline(region: "B")), (day: 20, event: RegionOnline(region: "A"))"#,
    ));
    assert_eq!(r.days.len(), 30);
    for d in &r.days[5..20] {
        assert_eq!(d.blocks, 0, "day {}", d.day);
        assert_eq!(d.hashrate_ehs, 0.0);
    }
    assert!(r.days[5..20].windows(2).all(|w| w[0].height == w[1].height));
    assert!(r.days[21].blocks > 30, "mining resumes");
    assert_eq!(r.summary.hashrate_min_ehs, 0.0);
    // The epoch that spans the stall records a long maximum interval.
    assert!(
        r.epochs
            .iter()
            .any(|e| e.max_block_interval_s > 15.0 * 86_400.0)
    );
}
