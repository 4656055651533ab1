//! Properties that hold for every input, checked on generated ones
//! (proptest): the consensus rules' invariants, the security measure's
//! monotonicity, and the accounting of whole runs.

use hashflight::consensus::bitcoin::{self, pow_limit};
use hashflight::consensus::compact::{from_compact, to_compact};
use hashflight::consensus::{asert, subsidy};
use hashflight::metrics::security::double_spend_probability;
use hashflight::scenario::{Override, Scenario};
use hashflight::sim::Simulation;
use proptest::prelude::*;

/// Compact bits in canonical form: a size of 3–32 bytes and a mantissa
/// whose top byte is not zero and whose sign bit is clear.
fn canonical_bits() -> impl Strategy<Value = u32> {
    (3u32..=32, 0x01_0000u32..0x80_0000).prop_map(|(size, mantissa)| (size << 24) | mantissa)
}

/// Valid mainnet bits: a positive target no easier than the limit.
fn mainnet_bits() -> impl Strategy<Value = u32> {
    canonical_bits().prop_filter("within the proof-of-work limit", |b| {
        let d = from_compact(*b);
        !d.overflow && !d.target.is_zero() && d.target <= pow_limit()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn compact_round_trips(bits in canonical_bits()) {
        let d = from_compact(bits);
        prop_assume!(!d.overflow);
        prop_assert_eq!(to_compact(d.target), bits);
    }

    #[test]
    fn a_retarget_stays_within_a_factor_of_four_and_follows_the_timespan(
        bits in mainnet_bits(),
        first in 1_231_006_505i64..2_000_000_000,
        span in -10_000_000i64..20_000_000,
        more in 0i64..5_000_000,
    ) {
        let old = from_compact(bits).target;
        let next = |span: i64| from_compact(bitcoin::next_bits(bits, first, first + span)).target;
        let new = next(span);
        // Within [old/4, old·4] (compact encoding truncates: a mantissa
        // keeps at least 15 significant bits), and never easier than the
        // limit.
        prop_assert!(new <= pow_limit());
        prop_assert!(new <= (old << 2usize).min(pow_limit()));
        let quarter = old >> 2usize;
        prop_assert!(new >= quarter - (quarter >> 14usize) - ruint::aliases::U256::from(1u8));
        // A longer timespan never gives a harder target.
        prop_assert!(next(span + more) >= new);
    }

    #[test]
    fn asert_targets_ease_as_time_passes(
        bits in mainnet_bits(),
        height in 0u64..10_000_000,
        ahead in 0u64..100_000,
        t0 in 1_500_000_000i64..2_000_000_000,
        dt in -1_000_000i64..100_000_000,
        more in 0i64..10_000_000,
    ) {
        let at = |t: i64| from_compact(asert::next_bits(height, t0, bits, height + ahead, t)).target;
        prop_assert!(at(t0 + dt + more) >= at(t0 + dt));
    }

    #[test]
    fn double_spends_get_likelier_with_share_and_rarer_with_confirmations(
        q in 0.001f64..0.499,
        dq in 0.0f64..0.1,
        z in 1u32..200,
        dz in 0u32..50,
    ) {
        let p = double_spend_probability(q, z);
        prop_assert!((0.0..=1.0).contains(&p));
        prop_assert!(double_spend_probability((q + dq).min(0.499), z) >= p - 1e-12);
        prop_assert!(double_spend_probability(q, z + dz) <= p + 1e-12);
    }
}

proptest! {
    // Whole runs: fewer, small cases.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn runs_conserve_megawatts_issue_exactly_the_subsidy_and_stay_finite(
        seed in 0u64..1_000_000,
        price in 5_000.0f64..300_000.0,
        fee_rate in 0.5f64..200.0,
        lease in 50.0f64..400.0,
        sale in 0.0f64..3.0,
        // Start 0–3 epochs before the 2028 halving, so some runs cross it.
        epochs_before in 0u64..4,
    ) {
        let set = |s: String| Override::parse(&s).unwrap();
        let start = (1_050_000 / 2016 - epochs_before) * 2016;
        let s = Scenario::load("baseline", &[
            set("duration_days=60".into()),
            set("population.miners=150".into()),
            set(format!("seed={seed}")),
            set(format!("btc_price.initial_usd={price}")),
            set(format!("fees.mempool.fee_rate_median_sat_per_vb={fee_rate}")),
            set(format!("ai.lease_usd_per_kw_month={lease}")),
            set(format!("ai.sale_usd_per_w={sale}")),
            set(format!("chain.start_height={start}")),
        ]).unwrap();
        let r = Simulation::new(&s).run_to_memory().unwrap();
        // BTC issued: the subsidy of every block mined, exactly.
        let issued: u64 = (start..start + r.summary.blocks).map(subsidy::block_subsidy_sats).sum();
        let recorded: f64 = r.epochs.iter().map(|e| e.subsidy_btc).sum();
        prop_assert!((recorded - issued as f64 / 1e8).abs() < 1e-6, "{} vs {}", recorded, issued);
        let mut capacity = None;
        for d in &r.days {
            let p = &d.pivot;
            let mw = d.mining_mw + d.curtailed_mw + d.offline_mw + p.ai_mw + p.gpu_cloud_mw
                + p.converting_mw + p.idle_mw + p.sold_mw;
            let cap = *capacity.get_or_insert(mw);
            prop_assert!((mw - cap).abs() < 1e-6 * cap, "day {}: {} vs {}", d.day, mw, cap);
            // No NaN, no negative hashrate or MW, anywhere in the row.
            let row = serde_json::to_value(d).unwrap();
            for (k, v) in row.as_object().unwrap() {
                if let Some(x) = v.as_f64() {
                    prop_assert!(x.is_finite(), "{} = {}", k, x);
                    prop_assert!(x >= 0.0 || k == "revenue_gpu_cloud_usd", "{} = {}", k, x);
                }
            }
        }
    }
}
