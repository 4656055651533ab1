//! Fees paid to blocks: a fixed amount per block, or a mempool.
//!
//! The mempool holds waiting transactions as vbytes in fee-rate buckets
//! (sat/vB, log-spaced from 0.1 to 10,000). Demand arrives continuously at
//! `demand_vbytes_per_s` with a log-normal fee-rate distribution; each
//! block takes the highest fee rates first, up to its size; past the size
//! cap the cheapest are evicted. No randomness: the block interval is the
//! only random input, so a slow block collects more backlog and more fees —
//! the feedback that matters when hashrate leaves.
//!
//! ```
//! use hashflight::market::fees::FeeMarket;
//! use hashflight::market::fees::MempoolParams;
//! let spec = MempoolParams {
//!     demand_vbytes_per_s: 1000.0, demand_growth_per_year: 0.0,
//!     fee_rate_median_sat_per_vb: 2.0, fee_rate_sigma: 0.0,
//!     block_vbytes: 1e6, max_vbytes: 1e8,
//! };
//! let mut m = FeeMarket::mempool(&spec);
//! // 600 s of demand at exactly 2 sat/vB is 600,000 vB: 0.012 BTC.
//! assert!((m.collect(600.0) - 0.012).abs() < 1e-12);
//! // A block 20 minutes later takes a full 1,000,000 vB.
//! assert!((m.collect(1200.0) - 0.02).abs() < 1e-12);
//! assert!((m.backlog_vbytes() - 200_000.0).abs() < 1e-6);
//! ```

use crate::consensus::bitcoin::EPOCH_BLOCKS;
use crate::units::{BLOCK_SPACING_S, BTC_PER_SAT, DAYS_PER_YEAR, SECONDS_PER_DAY};

/// A mempool's parameters (the scenario's `fees.mempool` documents each).
#[derive(Clone, Debug, PartialEq)]
pub struct MempoolParams {
    /// Transactions arriving, vbytes per second.
    pub demand_vbytes_per_s: f64,
    /// Growth of that demand per year.
    pub demand_growth_per_year: f64,
    /// Median fee rate offered, sat/vB.
    pub fee_rate_median_sat_per_vb: f64,
    /// Log-normal σ of the fee rate.
    pub fee_rate_sigma: f64,
    /// Block capacity, vbytes.
    pub block_vbytes: f64,
    /// Mempool size cap, vbytes.
    pub max_vbytes: f64,
}

/// How blocks are paid fees.
#[derive(Clone, Debug, PartialEq)]
pub enum FeeParams {
    /// The same fees on every block, BTC.
    Fixed(f64),
    /// A mempool.
    Mempool(MempoolParams),
}

/// Number of fee-rate buckets.
pub const BUCKETS: usize = 18;
/// Lowest bucket edge, sat/vB.
const LOWEST_SAT_PER_VB: f64 = 0.1;
/// Highest bucket edge, sat/vB.
const HIGHEST_SAT_PER_VB: f64 = 10_000.0;
/// Weight of a block in the running mean of fees per block (about an
/// epoch's memory).
const EXPECTATION_WEIGHT: f64 = 1.0 / 1008.0;

/// What blocks earn in fees.
#[derive(Clone, Debug)]
pub enum FeeMarket {
    /// The same fees on every block.
    Fixed {
        /// Fees per block, BTC.
        per_block_btc: f64,
    },
    /// A mempool.
    Mempool(Box<Mempool>),
}

/// Waiting transactions by fee rate, and the demand filling them.
#[derive(Clone, Debug)]
pub struct Mempool {
    spec: MempoolParams,
    /// Mean fee rate of each bucket's arrivals, sat/vB (ascending).
    rate: [f64; BUCKETS],
    /// Share of arriving vbytes in each bucket.
    share: [f64; BUCKETS],
    /// Waiting vbytes per bucket.
    backlog: [f64; BUCKETS],
    /// Their sum.
    total: f64,
    /// Sum of `share` (1 less the negligible shares dropped).
    share_sum: f64,
    /// Mean fee rate of arrivals, sat/vB: Σ share × rate.
    mean_rate: f64,
    /// Buckets `lo..hi` are the only ones that receive or hold anything.
    lo: usize,
    hi: usize,
    /// Arrivals now, vbytes/s (trend and waves applied).
    demand_vbytes_per_s: f64,
    /// Factors of the waves under way (demand, fee rate), with their last day.
    waves: Vec<(f64, f64, u32)>,
    /// Current fee-rate factor (from waves).
    rate_factor: f64,
    /// Running mean of fees per block, BTC.
    expected_btc: f64,
}

impl FeeMarket {
    /// Fees of `per_block_btc` on every block.
    pub fn fixed(per_block_btc: f64) -> Self {
        Self::Fixed { per_block_btc }
    }

    /// The market its parameters describe.
    pub fn new(params: &FeeParams) -> Self {
        match params {
            FeeParams::Fixed(per_block_btc) => Self::fixed(*per_block_btc),
            FeeParams::Mempool(m) => Self::mempool(m),
        }
    }

    /// A mempool, warmed up by an epoch of blocks (2016) at the block
    /// spacing so that it starts in its steady state.
    pub fn mempool(spec: &MempoolParams) -> Self {
        let mut m = Mempool {
            spec: spec.clone(),
            rate: [0.0; BUCKETS],
            share: [0.0; BUCKETS],
            backlog: [0.0; BUCKETS],
            total: 0.0,
            share_sum: 1.0,
            mean_rate: 0.0,
            lo: 0,
            hi: BUCKETS,
            demand_vbytes_per_s: spec.demand_vbytes_per_s,
            waves: Vec::new(),
            rate_factor: 1.0,
            expected_btc: 0.0,
        };
        m.set_distribution(1.0);
        let mut sum = 0.0;
        for _ in 0..EPOCH_BLOCKS {
            sum += m.collect(BLOCK_SPACING_S as f64);
        }
        m.expected_btc = sum / EPOCH_BLOCKS as f64;
        Self::Mempool(Box::new(m))
    }

    /// Fees collected by a block found `interval_s` after the previous one.
    #[inline]
    pub fn collect(&mut self, interval_s: f64) -> f64 {
        match self {
            Self::Fixed { per_block_btc } => *per_block_btc,
            Self::Mempool(m) => {
                let fees = m.collect(interval_s);
                m.expected_btc += (fees - m.expected_btc) * EXPECTATION_WEIGHT;
                fees
            }
        }
    }

    /// The fees a miner should expect per block, for decisions: a running
    /// mean over about an epoch.
    pub fn expected_per_block_btc(&self) -> f64 {
        match self {
            Self::Fixed { per_block_btc } => *per_block_btc,
            Self::Mempool(m) => m.expected_btc,
        }
    }

    /// Vbytes waiting (0 for fixed fees).
    pub fn backlog_vbytes(&self) -> f64 {
        match self {
            Self::Fixed { .. } => 0.0,
            Self::Mempool(m) => m.total,
        }
    }

    /// Sets demand for the start of `day`: trend, and waves that end.
    pub fn start_day(&mut self, day: u32) {
        if let Self::Mempool(m) = self {
            m.waves.retain(|w| w.2 >= day);
            let (mut d, mut r) = (1.0, 1.0);
            for w in &m.waves {
                d *= w.0;
                r *= w.1;
            }
            let years = day as f64 / DAYS_PER_YEAR;
            m.demand_vbytes_per_s =
                m.spec.demand_vbytes_per_s * (1.0 + m.spec.demand_growth_per_year).powf(years) * d;
            if r != m.rate_factor {
                m.set_distribution(r);
            }
        }
    }

    /// A wave of demand from `day` for `days` days (no effect on fixed fees).
    pub fn wave(&mut self, day: u32, days: u32, demand_by: f64, rate_by: f64) {
        if let Self::Mempool(m) = self {
            m.waves
                .push((demand_by, rate_by, day.saturating_add(days.max(1) - 1)));
            self.start_day(day);
        }
    }
}

/// A finite rate for a bucket that receives nothing (never paid out).
fn edge_rate(lo: f64, hi: f64) -> f64 {
    if lo.is_finite() { lo.exp() } else { hi.exp() }
}

impl Mempool {
    /// Buckets for a log-normal fee rate whose median is scaled by `factor`.
    fn set_distribution(&mut self, factor: f64) {
        self.rate_factor = factor;
        let mu = (self.spec.fee_rate_median_sat_per_vb * factor).ln();
        let sigma = self.spec.fee_rate_sigma;
        let step = (HIGHEST_SAT_PER_VB / LOWEST_SAT_PER_VB).ln() / (BUCKETS - 2) as f64;
        // Edges: (0, 0.1], …, (10,000, ∞).
        let edge = |i: usize| -> f64 {
            match i {
                0 => f64::NEG_INFINITY,
                i if i >= BUCKETS => f64::INFINITY,
                i => LOWEST_SAT_PER_VB.ln() + step * (i - 1) as f64,
            }
        };
        for i in 0..BUCKETS {
            let (lo, hi) = (edge(i), edge(i + 1));
            if sigma == 0.0 {
                let inside = mu > lo && mu <= hi;
                self.share[i] = inside as u8 as f64;
                self.rate[i] = if inside { mu.exp() } else { edge_rate(lo, hi) };
                continue;
            }
            let cdf = |x: f64| {
                if x.is_infinite() {
                    if x > 0.0 { 1.0 } else { 0.0 }
                } else {
                    0.5 * (1.0 + statrs::function::erf::erf(x / std::f64::consts::SQRT_2))
                }
            };
            let z = |x: f64| (x - mu) / sigma;
            let share = cdf(z(hi)) - cdf(z(lo));
            // E[X; lo < ln X ≤ hi] for log-normal X.
            let partial =
                (mu + sigma * sigma / 2.0).exp() * (cdf(z(hi) - sigma) - cdf(z(lo) - sigma));
            // Shares below 1e-12 carry no fee worth a bucket's work.
            let share = if share < 1e-12 { 0.0 } else { share };
            self.share[i] = share;
            self.rate[i] = if share > 0.0 {
                partial / share
            } else {
                edge_rate(lo, hi)
            };
        }
        self.share_sum = self.share.iter().sum();
        self.mean_rate = self.share.iter().zip(&self.rate).map(|(s, r)| s * r).sum();
        let used = |i: &usize| self.share[*i] > 0.0 || self.backlog[*i] > 0.0;
        self.lo = (0..BUCKETS).find(used).unwrap_or(0);
        self.hi = (0..BUCKETS).rev().find(used).map_or(0, |i| i + 1);
    }

    #[inline]
    fn collect(&mut self, interval_s: f64) -> f64 {
        let arriving = self.demand_vbytes_per_s * interval_s.min(SECONDS_PER_DAY * 30.0);
        // An empty mempool whose arrivals all fit: the block takes them all.
        if self.total == 0.0 && arriving * self.share_sum <= self.spec.block_vbytes {
            return arriving * self.mean_rate * BTC_PER_SAT;
        }
        let (lo, hi) = (self.lo, self.hi);
        for (b, s) in self.backlog[lo..hi].iter_mut().zip(&self.share[lo..hi]) {
            *b += arriving * s;
        }
        self.total += arriving * self.share_sum;
        let mut room = self.spec.block_vbytes;
        let mut sats = 0.0;
        // Highest rates first. A bucket that fits is taken whole (its
        // backlog becomes exactly 0); the one that does not fills the
        // block. Written so that only `room - backlog` and `sats + …` carry
        // from one bucket to the next: the same arithmetic as taking
        // min(backlog, room) each time, in fewer dependent steps.
        for i in (lo..hi).rev() {
            let b = self.backlog[i];
            if b >= room {
                self.backlog[i] = b - room;
                sats += room * self.rate[i];
                room = 0.0;
                break;
            }
            self.backlog[i] = 0.0;
            sats += b * self.rate[i];
            room -= b;
        }
        if room > 0.0 {
            // Everything was taken: empty exactly.
            self.backlog[lo..hi].iter_mut().for_each(|b| *b = 0.0);
            self.total = 0.0;
        } else {
            self.total = (self.total - self.spec.block_vbytes).max(0.0);
        }
        // Evict the cheapest beyond the cap.
        let mut i = lo;
        while self.total > self.spec.max_vbytes && i < hi {
            let cut = self.backlog[i].min(self.total - self.spec.max_vbytes);
            self.backlog[i] -= cut;
            self.total -= cut;
            i += 1;
        }
        sats * BTC_PER_SAT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(demand: f64, sigma: f64) -> MempoolParams {
        MempoolParams {
            demand_vbytes_per_s: demand,
            demand_growth_per_year: 0.0,
            fee_rate_median_sat_per_vb: 2.0,
            fee_rate_sigma: sigma,
            block_vbytes: 1e6,
            max_vbytes: 5e7,
        }
    }

    #[test]
    fn buckets_hold_the_whole_distribution_and_its_mean() {
        let FeeMarket::Mempool(m) = FeeMarket::mempool(&spec(1500.0, 0.8)) else {
            unreachable!()
        };
        let total: f64 = m.share.iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
        let mean: f64 = m.share.iter().zip(&m.rate).map(|(s, r)| s * r).sum();
        // E[lognormal] = median · e^{σ²/2}.
        assert!((mean - 2.0 * (0.32f64).exp()).abs() < 1e-9, "{mean}");
    }

    #[test]
    fn below_capacity_fees_grow_with_the_interval_and_the_pool_clears() {
        let mut f = FeeMarket::mempool(&spec(1500.0, 0.8));
        let per_600 = f.collect(600.0);
        // 900,000 vB at a mean 2.75 sat/vB.
        assert!((per_600 - 900_000.0 * 2.0 * 0.32f64.exp() * 1e-8).abs() < 1e-9);
        assert!(f.backlog_vbytes() < 1e-6);
        assert!((f.expected_per_block_btc() - per_600).abs() < 1e-9);
        // A 15-minute block fills up and takes the highest rates.
        let slow = f.collect(900.0);
        assert!(slow > per_600 * 1.1 && f.backlog_vbytes() > 349_000.0);
    }

    #[test]
    fn above_capacity_the_backlog_hits_the_cap_and_fees_rise() {
        let mut f = FeeMarket::mempool(&spec(3000.0, 0.8));
        let mut last = 0.0;
        for _ in 0..10_000 {
            last = f.collect(600.0);
        }
        assert!(
            (f.backlog_vbytes() - 5e7).abs() < 1.0,
            "{}",
            f.backlog_vbytes()
        );
        // A full block of only the top half of the rates pays more than a
        // full block of average rates.
        assert!(last > 1e6 * 2.0 * 0.32f64.exp() * 1e-8);
    }

    #[test]
    fn a_wave_raises_fees_and_then_ends() {
        let mut f = FeeMarket::mempool(&spec(1500.0, 0.8));
        let before = f.collect(600.0);
        f.wave(10, 3, 1.0, 10.0);
        let during = f.collect(600.0);
        assert!((during / before - 10.0).abs() < 0.05, "{}", during / before);
        f.start_day(13);
        assert!((f.collect(600.0) - before).abs() < 1e-9);
    }
}
