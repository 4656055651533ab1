//! Security measures: the exact probability that a double spend succeeds,
//! the confirmations a merchant needs, the selfish-mining threshold, and
//! what a majority attack costs.
//!
//! ```
//! use hashflight::metrics::security::{confirmations_needed, double_spend_probability};
//! // An attacker with 10 % of the hashrate, 6 confirmations: 0.059 %.
//! assert!((double_spend_probability(0.10, 6) - 0.000591).abs() < 1e-6);
//! assert_eq!(confirmations_needed(0.10, 0.001), Some(6));
//! ```

use crate::units::{HOURS_PER_DAY, ehs_to_ths, power_mw, ths_to_ehs};

/// Probability that an attacker with share `q` of the hashrate ever
/// overtakes a chain `z` blocks ahead, exactly: I_{4pq}(z, 1/2), the
/// regularized incomplete beta function (Grunspan and Pérez-Marco), with
/// p = 1 − q. 1 when q ≥ 1/2 (or z = 0 and q > 0), 0 when q ≤ 0.
pub fn double_spend_probability(q: f64, z: u32) -> f64 {
    if q.is_nan() || q <= 0.0 {
        return 0.0;
    }
    if q >= 0.5 || z == 0 {
        return 1.0;
    }
    let p = 1.0 - q;
    statrs::function::beta::checked_beta_reg(z as f64, 0.5, 4.0 * p * q)
        .map_or(f64::NAN, |v| v.clamp(0.0, 1.0))
}

/// The fewest confirmations for which the double-spend probability is
/// below `max_p`; `None` when no number of confirmations suffices (q ≥ 1/2)
/// or more than a million would be needed.
pub fn confirmations_needed(q: f64, max_p: f64) -> Option<u32> {
    if q >= 0.5 || q.is_nan() || max_p <= 0.0 {
        return None;
    }
    // A guess from the recurrence, confirmed by the exact probability at z
    // and z − 1: two evaluations where the bisection below takes a dozen.
    // The answer is the bisection's whenever the guess is confirmed.
    if let Some(z) = first_below_by_recurrence(q, max_p)
        && double_spend_probability(q, z) < max_p
        && (z == 1 || double_spend_probability(q, z - 1) >= max_p)
    {
        return Some(z);
    }
    confirmations_by_bisection(q, max_p)
}

/// The most confirmations [`first_below_by_recurrence`] counts up to.
const RECURRENCE_LIMIT: u32 = 4096;

/// I_x(z, ½) (x = 4pq) for z = 1, 2, … by the recurrence I_x(z + 1, ½) =
/// I_x(z, ½) − t_z, t_z = x^z (1 − x)^½ / (z B(z, ½)) (DLMF 8.17.20), so
/// t_1 = x (1 − x)^½ / 2 and t_{z+1} = t_z x (z + ½) / (z + 1), from
/// I_x(1, ½) = 1 − (1 − x)^½. Rounding accumulates in the subtraction.
fn by_recurrence(q: f64) -> impl Iterator<Item = f64> {
    let x = 4.0 * q * (1.0 - q);
    let root = (1.0 - x).sqrt();
    let (mut p, mut t) = (1.0 - root, x * root / 2.0);
    (1..).map(move |z: u32| {
        let now = p;
        p -= t;
        t *= x * (z as f64 + 0.5) / (z as f64 + 1.0);
        now
    })
}

/// The first z ≥ 1 at which [`by_recurrence`] falls below `max_p`: a
/// guess, for the rounding it accumulates.
fn first_below_by_recurrence(q: f64, max_p: f64) -> Option<u32> {
    (1..=RECURRENCE_LIMIT)
        .zip(by_recurrence(q))
        .find(|&(_, p)| p < max_p)
        .map(|(z, _)| z)
}

/// [`confirmations_needed`] by bisection over the exact probability.
fn confirmations_by_bisection(q: f64, max_p: f64) -> Option<u32> {
    // P falls with z: find a bound, then bisect.
    let mut hi = 1u32;
    while double_spend_probability(q, hi) >= max_p {
        if hi >= 1 << 20 {
            return None;
        }
        hi *= 2;
    }
    let mut lo = 0u32;
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if double_spend_probability(q, mid) < max_p {
            hi = mid
        } else {
            lo = mid
        }
    }
    Some(hi)
}

/// The share above which selfish mining pays, (1 − γ)/(3 − 2γ), for a
/// share γ of honest miners that build on the selfish miner's block in a tie.
pub fn selfish_mining_threshold(gamma: f64) -> f64 {
    (1.0 - gamma) / (3.0 - 2.0 * gamma)
}

/// How a run measures security and concentration (the scenario's
/// `security` section documents each field).
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityParams {
    /// Share (percent) a coalition must exceed in the Nakamoto coefficient.
    pub nakamoto_threshold_pct: f64,
    /// Days of blocks behind the daily block-share measures.
    pub block_window_days: u32,
    /// Share of the network's hashrate a majority attacker holds.
    pub attack_share: f64,
    /// Share of the network's hashrate that can be rented.
    pub rentable_share: f64,
    /// Rent over the hashprice, percent.
    pub rent_premium_pct: f64,
    /// The attacker's power price, USD/MWh.
    pub attacker_power_usd_per_mwh: f64,
    /// Share γ of honest miners that build on a selfish miner's block.
    pub selfish_mining_gamma: f64,
    /// Double-spend probability a merchant accepts.
    pub max_double_spend_p: f64,
}

/// What it costs to hold `attack_share` of the network's hashrate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AttackCost {
    /// Hashrate the attacker needs, EH/s.
    pub hashrate_ehs: f64,
    /// Renting it, USD per hour (infinite if the market cannot supply it).
    pub rent_usd_per_hour: f64,
    /// Buying the ASICs, USD.
    pub build_asic_usd: f64,
    /// Power the ASICs draw, MW.
    pub build_power_mw: f64,
    /// That power, USD per hour.
    pub build_power_usd_per_hour: f64,
}

/// The cost of holding `attack_share` (e.g. 0.51) of a network of
/// `network_ehs`: renting at `rent_usd_per_ph_day` while at most
/// `rentable_share` of the network is for rent, or building with ASICs at
/// `asic_usd_per_th` and `efficiency_j_per_th` on power at
/// `power_usd_per_mwh`.
pub fn attack_cost(
    network_ehs: f64,
    attack_share: f64,
    rentable_share: f64,
    rent_usd_per_ph_day: f64,
    asic_usd_per_th: f64,
    efficiency_j_per_th: f64,
    power_usd_per_mwh: f64,
) -> AttackCost {
    let hashrate_ehs = network_ehs * attack_share;
    let ths = ehs_to_ths(hashrate_ehs);
    let rent_usd_per_hour = if hashrate_ehs <= network_ehs * rentable_share {
        hashrate_ehs * 1000.0 * rent_usd_per_ph_day / HOURS_PER_DAY
    } else {
        f64::INFINITY
    };
    let build_power_mw = power_mw(ths, efficiency_j_per_th);
    AttackCost {
        hashrate_ehs,
        rent_usd_per_hour,
        build_asic_usd: ths * asic_usd_per_th,
        build_power_mw,
        build_power_usd_per_hour: build_power_mw * power_usd_per_mwh,
    }
}

/// Machines that could hash but do not: curtailed and mothballed fleets,
/// fleets in offline regions, and the second-hand stock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dormant {
    /// Their hashrate, TH/s.
    pub ths: f64,
    /// Their power, MW.
    pub mw: f64,
    /// What one TH/s of them sells for, USD (the second-hand market's last
    /// clearing price).
    pub usd_per_th: f64,
}

/// An attack that takes dormant machines first, and builds the rest.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DormantAttack {
    /// Hashrate from dormant machines, EH/s.
    pub dormant_ehs: f64,
    /// The machines, dormant and new, USD.
    pub asic_usd: f64,
    /// Their power, MW.
    pub power_mw: f64,
    /// That power, USD per hour.
    pub power_usd_per_hour: f64,
}

/// The attack of `cost` (built new at `asic_usd_per_th` and
/// `efficiency_j_per_th`) done with `dormant` machines first: as much of
/// the hashrate as they hold, bought at their second-hand price, and the
/// rest new.
pub fn dormant_attack(
    cost: &AttackCost,
    dormant: &Dormant,
    asic_usd_per_th: f64,
    efficiency_j_per_th: f64,
    power_usd_per_mwh: f64,
) -> DormantAttack {
    let needed = ehs_to_ths(cost.hashrate_ehs);
    let old = needed.min(dormant.ths);
    let new = needed - old;
    let old_mw = if dormant.ths > 0.0 {
        dormant.mw * old / dormant.ths
    } else {
        0.0
    };
    let mw = old_mw + power_mw(new, efficiency_j_per_th);
    DormantAttack {
        dormant_ehs: ths_to_ehs(old),
        asic_usd: old * dormant.usd_per_th + new * asic_usd_per_th,
        power_mw: mw,
        power_usd_per_hour: mw * power_usd_per_mwh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dormant_machines_are_taken_first_then_the_rest_is_built() {
        // 51 % of 100 EH/s, new at $20/TH and 15 J/TH on $50/MWh power.
        let cost = attack_cost(100.0, 0.51, 0.0, 40.0, 20.0, 15.0, 50.0);
        assert_eq!(cost.rent_usd_per_hour, f64::INFINITY);
        // 30 EH/s dormant at 25 J/TH (750 MW), $2/TH second hand.
        let dormant = Dormant {
            ths: 30e6,
            mw: 750.0,
            usd_per_th: 2.0,
        };
        let a = dormant_attack(&cost, &dormant, 20.0, 15.0, 50.0);
        assert_eq!(a.dormant_ehs, 30.0);
        // 30e6 TH/s × $2 + 21e6 × $20; 750 MW + 21e6 × 15 / 1e6 = 315 MW.
        assert!((a.asic_usd - (60e6 + 420e6)).abs() < 1e-3);
        assert!((a.power_mw - 1065.0).abs() < 1e-9);
        assert!((a.power_usd_per_hour - 1065.0 * 50.0).abs() < 1e-6);
        // More dormant than the attack needs: only what it needs, at the
        // stock's mean efficiency.
        let plenty = Dormant {
            ths: 102e6,
            mw: 2550.0,
            usd_per_th: 2.0,
        };
        let a = dormant_attack(&cost, &plenty, 20.0, 15.0, 50.0);
        assert_eq!(a.dormant_ehs, 51.0);
        assert!((a.asic_usd - 102e6).abs() < 1e-3);
        assert!((a.power_mw - 1275.0).abs() < 1e-9);
        // Nothing dormant: the build cost itself.
        let none = Dormant {
            ths: 0.0,
            mw: 0.0,
            usd_per_th: 0.0,
        };
        let a = dormant_attack(&cost, &none, 20.0, 15.0, 50.0);
        assert!((a.asic_usd - cost.build_asic_usd).abs() < 1e-3);
        assert!((a.power_mw - cost.build_power_mw).abs() < 1e-9);
    }

    /// Rosenfeld's closed form, computed independently:
    /// P = 1 − Σ_{k=0}^{z−1} C(k+z−1, k) (p^z q^k − q^z p^k).
    fn rosenfeld(q: f64, z: u32) -> f64 {
        let p = 1.0 - q;
        let mut sum = 0.0;
        let mut binom = 1.0; // C(z−1, 0)
        for k in 0..z {
            if k > 0 {
                binom *= (k + z - 1) as f64 / k as f64;
            }
            sum +=
                binom * (p.powi(z as i32) * q.powi(k as i32) - q.powi(z as i32) * p.powi(k as i32));
        }
        1.0 - sum
    }

    /// Nakamoto's approximation (section 11 of the white paper).
    fn nakamoto(q: f64, z: u32) -> f64 {
        let p = 1.0 - q;
        let lambda = z as f64 * (q / p);
        let mut sum = 1.0;
        for k in 0..=z {
            let mut poisson = (-lambda).exp();
            for i in 1..=k {
                poisson *= lambda / i as f64;
            }
            sum -= poisson * (1.0 - (q / p).powi((z - k) as i32));
        }
        sum
    }

    #[test]
    fn agrees_with_rosenfeld_everywhere() {
        for q in [0.01, 0.05, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.49] {
            for z in 1..=60 {
                let (a, b) = (double_spend_probability(q, z), rosenfeld(q, z));
                assert!(
                    (a - b).abs() < 1e-9 * b.max(1e-300) + 1e-13,
                    "q {q} z {z}: {a} vs {b}"
                );
            }
        }
    }

    #[test]
    fn nakamotos_table_and_the_exact_values() {
        // The white paper's table (its approximation), to its 7 decimals.
        let table = [
            (0.1, 1, 0.2045873),
            (0.1, 5, 0.0009137),
            (0.1, 10, 0.0000012),
            (0.3, 5, 0.1773523),
            (0.3, 10, 0.0416605),
            (0.3, 50, 0.0000006),
        ];
        for (q, z, p) in table {
            assert!((nakamoto(q, z) - p).abs() < 5e-8, "Nakamoto q {q} z {z}");
            // From a few confirmations on, the approximation understates the
            // exact risk (at z = 1 it overstates it: 0.2046 vs 0.2).
            if z >= 5 {
                assert!(
                    double_spend_probability(q, z) > nakamoto(q, z),
                    "q {q} z {z}"
                );
            }
        }
        assert!(
            (double_spend_probability(0.1, 1) - 0.2).abs() < 1e-12,
            "1 − √(1 − 4pq)"
        );
        // Exact values (CALIBRATION.md): q = 0.10, z = 6 → 0.059 %.
        assert!((double_spend_probability(0.10, 6) * 100.0 - 0.059).abs() < 0.0005);
        for (q, z) in [(0.10, 6), (0.20, 13), (0.25, 20), (0.30, 32), (0.40, 133)] {
            assert_eq!(confirmations_needed(q, 0.001), Some(z), "q {q}");
        }
    }

    #[test]
    fn edges_and_monotonicity() {
        assert_eq!(double_spend_probability(0.5, 100), 1.0);
        assert_eq!(double_spend_probability(0.0, 1), 0.0);
        assert_eq!(double_spend_probability(0.2, 0), 1.0);
        assert_eq!(confirmations_needed(0.5, 0.001), None);
        for z in 1..50 {
            assert!(double_spend_probability(0.2, z + 1) < double_spend_probability(0.2, z));
            assert!(double_spend_probability(0.21, z) > double_spend_probability(0.2, z));
        }
        assert!((selfish_mining_threshold(0.0) - 1.0 / 3.0).abs() < 1e-15);
        assert!((selfish_mining_threshold(0.5) - 0.25).abs() < 1e-15);
    }

    #[test]
    fn the_recurrence_guesses_what_the_bisection_finds() {
        // The recurrence alone is right on a grid of shares and thresholds
        // (so the exact checks rarely fall back), and the answer is the
        // bisection's everywhere, edges included.
        let (mut guessed, mut cases) = (0, 0);
        for i in 0..500 {
            let q = i as f64 * 0.001;
            for max_p in [1e-9, 1e-6, 1e-4, 1e-3, 0.01, 0.05, 0.2, 0.5, 1.0, 2.0] {
                let bisected = confirmations_by_bisection(q, max_p);
                assert_eq!(confirmations_needed(q, max_p), bisected, "q {q}, p {max_p}");
                // Within the recurrence's reach (q near ½ needs more).
                if q > 0.0 && bisected.is_some_and(|z| z <= RECURRENCE_LIMIT) {
                    cases += 1;
                    guessed += usize::from(first_below_by_recurrence(q, max_p) == bisected);
                }
            }
        }
        // One miss: q = 0.25, p = 0.5, where I_x(1, ½) is 0.5 to rounding.
        assert!(guessed >= cases - 3, "{guessed} of {cases}");
        // The recurrence itself against the exact values.
        for (z, p) in (1..40u32).zip(by_recurrence(0.1)) {
            let exact = double_spend_probability(0.1, z);
            assert!(
                (p - exact).abs() < 1e-12 * exact.max(1e-300) + 1e-15,
                "z {z}: {p} vs {exact}"
            );
        }
    }

    #[test]
    fn building_a_majority_of_the_end_2025_network() {
        // 51 % of 1,070 EH/s with S21 XP (13.5 J/TH, $25.7/TH): ≈ $14B and
        // ≈ 7.4 GW (CALIBRATION.md).
        let c = attack_cost(1070.0, 0.51, 0.01, 45.0, 25.7, 13.5, 45.0);
        assert!(
            (c.build_asic_usd / 1e9 - 14.0).abs() < 0.1,
            "{}",
            c.build_asic_usd
        );
        assert!((c.build_power_mw / 1000.0 - 7.37).abs() < 0.05);
        assert!(
            c.rent_usd_per_hour.is_infinite(),
            "1 % for rent cannot make 51 %"
        );
        let small = attack_cost(100.0, 0.51, 0.6, 45.0, 25.7, 13.5, 45.0);
        assert!((small.rent_usd_per_hour - 51.0 * 1000.0 * 45.0 / 24.0).abs() < 1e-6);
    }
}
