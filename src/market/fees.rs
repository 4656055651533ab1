//! Fees paid to blocks. For now a fixed amount per block; the fee market
//! (a mempool that fills when blocks slow down) replaces it behind the same
//! call.

/// What blocks earn in fees.
#[derive(Clone, Debug)]
pub struct FeeMarket {
    per_block_btc: f64,
}

impl FeeMarket {
    /// Fees of `per_block_btc` on every block.
    pub fn fixed(per_block_btc: f64) -> Self {
        Self { per_block_btc }
    }

    /// Fees collected by a block found `interval_s` after the previous one.
    #[inline]
    pub fn collect(&mut self, _interval_s: f64) -> f64 {
        self.per_block_btc
    }

    /// The fees a miner should expect per block, for decisions.
    pub fn expected_per_block_btc(&self) -> f64 {
        self.per_block_btc
    }
}
