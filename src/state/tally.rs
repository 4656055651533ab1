//! The hashrate tally: what every site is doing, summed once a day (and
//! again after each epoch's review). The agents count their sites into it
//! ([`crate::agents::tally`]); the block loop draws each block's pool from
//! it; the measures read it.

use bevy_ecs::prelude::*;

use super::regions::Regions;

/// The pools' hashrate and the MW of every site by what it is doing, as
/// last counted: at the start of each day, and again after each epoch's
/// review (the block loop mines with it until the next count).
#[derive(Resource, Clone, Debug, Default)]
pub struct HashTable {
    /// Hashrate per pool, TH/s.
    pub pool_ths: Vec<f64>,
    /// Running sums of `pool_ths`, for drawing a winner.
    pub cumulative: Vec<f64>,
    /// Total hashrate mining, TH/s.
    pub total_ths: f64,
    /// Power mining, MW.
    pub mining_mw: f64,
    /// Power curtailed by owners, MW.
    pub curtailed_mw: f64,
    /// Power in offline regions, MW.
    pub offline_mw: f64,
    /// Hashrate curtailed by owners, TH/s.
    pub curtailed_ths: f64,
    /// Hashrate in offline regions, TH/s.
    pub offline_ths: f64,
    /// Miners with hashrate mining.
    pub active_miners: u64,
    /// Hashrate mining per miner (by id), TH/s.
    pub miner_ths: Vec<f64>,
    /// Hashrate mining per region, TH/s.
    pub region_ths: Vec<f64>,
    /// Grid connection owned per miner (by id), MW, sold sites excluded.
    pub miner_mw: Vec<f64>,
    /// MW leased to AI tenants (contracts running).
    pub ai_mw: f64,
    /// MW running an own GPU cloud.
    pub gpu_cloud_mw: f64,
    /// MW being converted (lease or GPU cloud).
    pub converting_mw: f64,
    /// MW of sites sold to AI buyers.
    pub sold_mw: f64,
    /// MW of unsold sites doing nothing (no machines, no project).
    pub idle_mw: f64,
    /// MW of grid connection under construction.
    pub building_mw: f64,
    /// Power of every machine installed (running or not), MW.
    pub installed_mw: f64,
    /// Hashrate of every machine installed (running or not), TH/s.
    pub installed_ths: f64,
    /// Machines on order, TH/s (set with the second-hand figures after
    /// each count, not by it).
    pub on_order_ths: f64,
    /// Machines offered second hand, TH/s.
    pub used_stock_ths: f64,
    /// Their power, MW.
    pub used_stock_mw: f64,
    /// Mean price of the last second-hand trades, USD/TH.
    pub used_usd_per_th: f64,
}

impl HashTable {
    /// An empty tally of `pools` pools.
    pub fn new(pools: usize) -> Self {
        Self {
            pool_ths: vec![0.0; pools],
            cumulative: vec![0.0; pools],
            ..Default::default()
        }
    }

    /// Starts a new count of the sites: the sums by pool, miner and region
    /// to zero. The scalar sums are the count's own until it ends
    /// (`agents::tally::CountTotals::store` sets them).
    pub fn clear_sums(&mut self, miners: usize, regions: &mut Regions) {
        self.pool_ths.iter_mut().for_each(|x| *x = 0.0);
        self.miner_ths.clear();
        self.miner_ths.resize(miners, 0.0);
        self.miner_mw.clear();
        self.miner_mw.resize(miners, 0.0);
        self.region_ths.clear();
        self.region_ths.resize(regions.names.len(), 0.0);
        regions.ai_mw.iter_mut().for_each(|x| *x = 0.0);
    }

    /// Ends a count: the running sums that draw a block's pool, and the
    /// active miners.
    pub fn finish_sums(&mut self) {
        let mut sum = 0.0;
        for (c, p) in self.cumulative.iter_mut().zip(&self.pool_ths) {
            sum += p;
            *c = sum;
        }
        self.total_ths = sum;
        self.active_miners = self.miner_ths.iter().filter(|t| **t > 0.0).count() as u64;
    }

    /// The pool that finds a block, given a uniform draw in [0, 1).
    #[inline]
    pub fn draw(&self, u: f64) -> usize {
        let x = u * self.total_ths;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}
