//! The agents: miners (firms) and their sites and fleets as ECS
//! components, what they believe and how they decide. Every decision is
//! made here and nowhere else: the daily operating systems in
//! [`decisions`], the epoch's strategic review in [`review`] (which values
//! options with [`valuation`], and places orders, builds and second-hand
//! trades), and the count of every site into the hashrate tally in
//! [`tally`]. The agents read and write the world's
//! [`crate::state`]; they know nothing of the measures or of the scenario
//! file (the simulation builds them from it).
//!
//! A miner owns sites ([`Site::miner`]); a site holds its fleets, one per
//! ASIC generation ([`Site::fleets`]), so the daily systems read a site and
//! its machines together without looking anything up. Components are plain
//! data.
//!
//! ```
//! use hashflight::breakeven_hashprice_usd_per_ph_day;
//! // An S21 (17.5 J/TH) at $45/MWh needs $18.90 per PH/s per day.
//! assert!((breakeven_hashprice_usd_per_ph_day(17.5, 45.0) - 18.9).abs() < 1e-9);
//! ```

use bevy_ecs::prelude::*;

pub(crate) mod daily;
pub(crate) mod decisions;
pub(crate) mod review;
pub mod tally;
#[cfg(test)]
pub(crate) mod testing;
pub mod valuation;

/// How a miner forecasts hashprice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Belief {
    /// Today's hashprice forever.
    Myopic,
    /// A moving average of hashprice over `strategy.memory_days`, forever.
    Adaptive,
    /// The moving average, scaled by the block reward at each future date:
    /// it sees the halvings coming (and `strategy.difficulty_growth_per_year`).
    HalvingAware,
}

/// A mining firm.
#[derive(Component, Clone, Debug, PartialEq)]
pub(crate) struct Miner {
    /// Dense index of the miner (named miners first, then the population).
    pub(crate) id: u32,
    /// Index of its pool in the scenario's pool list.
    pub(crate) pool: u16,
    /// Cash on hand, USD.
    pub(crate) cash_usd: f64,
    /// Debt outstanding, USD.
    pub(crate) debt_usd: f64,
    /// How it forecasts hashprice.
    pub(crate) belief: Belief,
    /// Its hurdle rate per year: the discount rate of its decisions.
    pub(crate) hurdle_rate_per_year: f64,
    /// Consecutive days its cash has been below its credit line.
    pub(crate) distress_days: u32,
    /// Gone bankrupt: its sites were auctioned.
    pub(crate) exited: bool,
}

impl Miner {
    /// A generated miner's hurdle rate: `rate` ± `spread`, drawn uniformly
    /// by `u` in [0, 1) (`strategy.hurdle_rate_per_year`,
    /// `strategy.hurdle_rate_spread`); the population and new firms draw it
    /// alike.
    pub(crate) fn drawn_hurdle(rate: f64, spread: f64, u: f64) -> f64 {
        rate + spread * (2.0 * u - 1.0)
    }

    /// A solvent miner with no history.
    pub(crate) fn new(
        id: u32,
        pool: u16,
        cash_usd: f64,
        debt_usd: f64,
        belief: Belief,
        hurdle: f64,
    ) -> Self {
        Self {
            id,
            pool,
            cash_usd,
            debt_usd,
            belief,
            hurdle_rate_per_year: hurdle,
            distress_days: 0,
            exited: false,
        }
    }
}

/// What a conversion project turns a site's MW into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProjectKind {
    /// Leased to an AI tenant (the miner is the landlord).
    Lease,
    /// The miner's own GPU cloud.
    GpuCloud,
}

/// Part of a site converted to AI: earning nothing until `ready_day`, then
/// under contract until `end_day`, after which the MW is idle again (its
/// hall kept: [`Site::shell_mw`]). Interest on its project loan is added
/// to the loan while it is built (capitalised, as construction loans
/// are), and the loan is repaid in equal daily parts from `ready_day` to
/// `end_day` out of its income.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Project {
    /// Lease or GPU cloud.
    pub(crate) kind: ProjectKind,
    /// Gross MW it takes.
    pub(crate) mw: f64,
    /// First day it earns.
    pub(crate) ready_day: u32,
    /// Day the contract ends.
    pub(crate) end_day: u32,
    /// Lease rate signed, USD per critical kW-month (leases only).
    pub(crate) lease_usd_per_kw_month: f64,
    /// GPU rental price signed, USD per GPU-hour (GPU clouds only).
    pub(crate) gpu_usd_per_hour: f64,
    /// Project loan drawn at the decision, USD.
    pub(crate) loan_usd: f64,
    /// What the customer prepaid at signing, USD (GPU clouds only):
    /// worked off in equal daily parts of the income under contract.
    pub(crate) prepaid_usd: f64,
}

impl Project {
    /// Whether it is still being built on `day`.
    pub(crate) fn converting(&self, day: u32) -> bool {
        day < self.ready_day
    }

    /// Principal repaid on `day`, USD: the loan in equal parts over the
    /// days under contract.
    pub(crate) fn principal_usd(&self, day: u32) -> f64 {
        self.per_contract_day(self.loan_usd, day)
    }

    /// The prepayment worked off on `day`, USD: in equal parts over the
    /// days under contract.
    pub(crate) fn prepaid_worked_off_usd(&self, day: u32) -> f64 {
        self.per_contract_day(self.prepaid_usd, day)
    }

    fn per_contract_day(&self, usd: f64, day: u32) -> f64 {
        if self.converting(day) || day >= self.end_day {
            return 0.0;
        }
        usd / (self.end_day - self.ready_day) as f64
    }
}

/// A site: a grid connection with a power price, in a region.
#[derive(Component, Clone, Debug, PartialEq)]
pub(crate) struct Site {
    /// Dense index of the site (in spawn order).
    pub(crate) id: u32,
    /// The miner that owns it.
    pub(crate) miner: Entity,
    /// That miner's id ([`Miner::id`]), kept beside `miner` so the daily
    /// systems need not look the miner up.
    pub(crate) owner_id: u32,
    /// That miner's pool ([`Miner::pool`]), likewise.
    pub(crate) pool: u16,
    /// Grid connection, MW.
    pub(crate) power_mw: f64,
    /// All-in power price, USD/MWh.
    pub(crate) power_price_usd_per_mwh: f64,
    /// Index into [`crate::state::Regions`].
    pub(crate) region: u16,
    /// Whether it could host AI/HPC tenants.
    pub(crate) ai_eligible: bool,
    /// Its AI projects (building or under contract).
    pub(crate) projects: Vec<Project>,
    /// Gross MW of converted halls whose contract has ended: the next
    /// project on them pays no conversion capex.
    pub(crate) shell_mw: f64,
    /// Sold to an AI buyer: it has left mining for good.
    pub(crate) sold: bool,
    /// Curtailed from outside (a storm) until this day (exclusive).
    pub(crate) offline_until_day: u32,
    /// Its machines, one fleet per generation, worst J/TH first (the order
    /// in which they give way to a conversion).
    pub(crate) fleets: Vec<Fleet>,
    /// Grid connection under construction: MW that join `power_mw` on
    /// their ready day.
    pub(crate) builds: Vec<Build>,
}

/// MW of a site under construction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Build {
    /// MW it adds.
    pub(crate) mw: f64,
    /// Day it is energised.
    pub(crate) ready_day: u32,
}

impl Site {
    /// A mining site with no AI projects, owned by `owner`, the miner whose
    /// entity is `miner`.
    pub(crate) fn new(
        id: u32,
        miner: Entity,
        owner: &Miner,
        power_mw: f64,
        price: f64,
        region: u16,
        ai_eligible: bool,
    ) -> Self {
        Self {
            id,
            miner,
            owner_id: owner.id,
            pool: owner.pool,
            power_mw,
            power_price_usd_per_mwh: price,
            region,
            ai_eligible,
            projects: Vec::new(),
            shell_mw: 0.0,
            sold: false,
            offline_until_day: 0,
            fleets: Vec::new(),
            builds: Vec::new(),
        }
    }

    /// MW under construction.
    pub(crate) fn building_mw(&self) -> f64 {
        self.builds.iter().map(|b| b.mw).sum()
    }

    /// MW neither machines nor projects use (energised or being built).
    pub(crate) fn free_mw(&self) -> f64 {
        self.power_mw + self.building_mw() - self.fleet_mw() - self.project_mw()
    }

    /// Energises the builds ready by `day`.
    pub(crate) fn complete_builds(&mut self, day: u32) {
        if self.builds.is_empty() {
            return;
        }
        let mut added = 0.0;
        self.builds.retain(|b| {
            let ready = b.ready_day <= day;
            if ready {
                added += b.mw;
            }
            !ready
        });
        self.power_mw += added;
    }

    /// Makes room for `mw` MW of new machines in the MW energised: the
    /// worst machines leave (the last in part), as long as they are worse
    /// than `efficiency_j_per_th`; returns what left, as (TH/s, J/TH).
    pub(crate) fn make_room(&mut self, mw: f64, efficiency_j_per_th: f64) -> Vec<(f64, f64)> {
        let need = mw - (self.power_mw - self.fleet_mw() - self.project_mw());
        evict_worst(&mut self.fleets, need, efficiency_j_per_th)
    }
}

/// Takes `need_mw` of machines off `fleets` (kept worst first): whole
/// fleets, the last in part, as long as they are worse than
/// `better_than_j_per_th`; returns what left, as (TH/s, J/TH).
pub(crate) fn evict_worst(
    fleets: &mut Vec<Fleet>,
    need_mw: f64,
    better_than_j_per_th: f64,
) -> Vec<(f64, f64)> {
    let mut need = need_mw;
    let mut out = Vec::new();
    while need > 1e-9 {
        let Some(f) = fleets.first_mut() else {
            break;
        };
        if f.efficiency_j_per_th <= better_than_j_per_th {
            break;
        }
        let f_mw = f.power_mw();
        if f_mw <= need + 1e-9 {
            need -= f_mw;
            out.push((f.hashrate_ths, f.efficiency_j_per_th));
            fleets.remove(0);
        } else {
            let share = (f_mw - need) / f_mw;
            out.push((f.hashrate_ths * (1.0 - share), f.efficiency_j_per_th));
            f.hashrate_ths *= share;
            need = 0.0;
        }
    }
    out
}

impl Site {
    /// Hands the site to another miner: `owner`, whose entity is `miner`.
    pub(crate) fn transfer(&mut self, miner: Entity, owner: &Miner) {
        self.miner = miner;
        self.owner_id = owner.id;
        self.pool = owner.pool;
    }

    /// Gross MW its projects take.
    pub(crate) fn project_mw(&self) -> f64 {
        self.projects.iter().map(|p| p.mw).sum()
    }

    /// Its fleets summed by what they are doing, with `take_or_pay` the
    /// share of every fleet's power bought take-or-pay.
    pub(crate) fn fleet_sums(&self, take_or_pay: f64) -> FleetSums {
        let mut s = FleetSums::default();
        for fleet in &self.fleets {
            let mw = fleet.power_mw();
            let ths = fleet.hashrate_ths;
            let on = fleet.running_share;
            s.installed_mw += mw;
            s.installed_ths += ths;
            s.paid_mw += mw * on.max(take_or_pay);
            if on > 0.0 {
                s.running_ths += ths * on;
                s.running_mw += mw * on;
            }
            let off = 1.0 - on;
            if off > 0.0 {
                if fleet.state == FleetState::Offline {
                    s.offline_mw += mw * off;
                    s.offline_ths += ths * off;
                } else {
                    s.curtailed_mw += mw * off;
                    s.curtailed_ths += ths * off;
                }
            }
        }
        s.running_phs = s.running_ths / crate::units::THS_PER_PHS;
        s
    }

    /// MW its machines draw when running.
    pub(crate) fn fleet_mw(&self) -> f64 {
        self.fleets.iter().map(Fleet::power_mw).sum()
    }

    /// Adds machines: to the fleet of the same efficiency if the site has
    /// one, else as a new fleet in worst-first order (after any equally
    /// efficient ones, so the order of arrival breaks ties).
    pub(crate) fn add_machines(&mut self, hashrate_ths: f64, efficiency_j_per_th: f64) {
        if let Some(f) = self
            .fleets
            .iter_mut()
            .find(|f| f.efficiency_j_per_th.to_bits() == efficiency_j_per_th.to_bits())
        {
            f.hashrate_ths += hashrate_ths;
            return;
        }
        self.push_fleet(Fleet::new(hashrate_ths, efficiency_j_per_th));
    }

    /// Adds a fleet of its own in worst-first order (after any equally
    /// efficient ones).
    pub(crate) fn push_fleet(&mut self, fleet: Fleet) {
        let at = self
            .fleets
            .partition_point(|f| f.efficiency_j_per_th >= fleet.efficiency_j_per_th);
        self.fleets.insert(at, fleet);
    }
}

/// What a fleet is doing today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FleetState {
    /// Hashing.
    Mining,
    /// Switched off by its owner: the hashprice expected over its site's
    /// commitment (`strategy.commit_days`, the projected retarget
    /// included), net of the pool fee, does not pay for its electricity.
    /// Other opex is paid whether it runs or not, so it does not enter.
    Curtailed,
    /// Curtailed for `strategy.mothball_after_days` and taken down: it
    /// restarts only when hashprice has paid for its power on average
    /// (the moving average over `strategy.memory_days`) as well as over
    /// the commitment ahead.
    Mothballed,
    /// Switched off from outside: its region is offline, or an event holds
    /// its site.
    Offline,
}

/// Machines of one ASIC generation on a site.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Fleet {
    /// Hashrate when running, TH/s.
    pub(crate) hashrate_ths: f64,
    /// Efficiency, J/TH.
    pub(crate) efficiency_j_per_th: f64,
    /// What it is doing.
    pub(crate) state: FleetState,
    /// Share of its machines hashing: 1 while mining; a curtailed or
    /// mothballed fleet still runs its take-or-pay share
    /// (`power.take_or_pay_share`); 0 offline.
    pub(crate) running_share: f64,
    /// Days its owner has kept it switched off, net of the days it has
    /// mined since, as of the end of `counted_day`: see
    /// [`Fleet::curtailed_days`].
    counted_days_off: u32,
    /// The day `curtailed_days` was counted on.
    counted_day: u32,
}

impl Fleet {
    /// New machines, mining.
    pub(crate) fn new(hashrate_ths: f64, efficiency_j_per_th: f64) -> Self {
        Self {
            hashrate_ths,
            efficiency_j_per_th,
            state: FleetState::Mining,
            running_share: 1.0,
            counted_days_off: 0,
            counted_day: 0,
        }
    }

    /// Days its owner has kept it switched off, net of the days it has
    /// mined since (a day mining takes one off, down to 0), at the end of
    /// `day`. The count moves by one a day in the direction its state
    /// gives — up while curtailed or mothballed, down while mining, not at
    /// all while offline — and the state changes only when its site
    /// decides, so the count is kept as of that day and read forward
    /// (the daily pass need not visit a fleet whose decision holds).
    pub(crate) fn curtailed_days(&self, day: u32) -> u32 {
        let n = day.saturating_sub(self.counted_day);
        match self.state {
            FleetState::Mining => self.counted_days_off.saturating_sub(n),
            FleetState::Curtailed | FleetState::Mothballed => {
                self.counted_days_off.saturating_add(n)
            }
            FleetState::Offline => self.counted_days_off,
        }
    }

    /// Sets the count of [`Fleet::curtailed_days`] as of the end of `day`
    /// (read forward from there in the fleet's state).
    pub(crate) fn set_curtailed_days(&mut self, days: u32, day: u32) {
        self.counted_days_off = days;
        self.counted_day = day;
    }

    /// Power drawn when running, MW (TH/s · J/TH = W).
    pub(crate) fn power_mw(&self) -> f64 {
        crate::units::power_mw(self.hashrate_ths, self.efficiency_j_per_th)
    }
}

/// A site's fleets summed by what they are doing ([`Site::fleet_sums`]):
/// what its owner is paid and pays for them, and what the tally counts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct FleetSums {
    /// Power of every machine installed, running or not, MW.
    pub(crate) installed_mw: f64,
    /// Hashrate of every machine installed, running or not, TH/s.
    pub(crate) installed_ths: f64,
    /// Hashrate hashing (each fleet's running share of it), TH/s.
    pub(crate) running_ths: f64,
    /// The same in PH/s, the unit hashprice is quoted in.
    pub(crate) running_phs: f64,
    /// Power hashing, MW.
    pub(crate) running_mw: f64,
    /// Power paid for: what runs, or the take-or-pay share if more, MW.
    pub(crate) paid_mw: f64,
    /// Power switched off by the owner, MW.
    pub(crate) curtailed_mw: f64,
    /// Hashrate switched off by the owner, TH/s.
    pub(crate) curtailed_ths: f64,
    /// Power switched off from outside (region or site offline), MW.
    pub(crate) offline_mw: f64,
    /// Hashrate switched off from outside, TH/s.
    pub(crate) offline_ths: f64,
}

/// ASICs ordered and not yet delivered, and the ready days of the MW under
/// construction (so that a day with neither visits no site).
#[derive(Resource, Clone, Debug, Default)]
pub(crate) struct Orders {
    /// Machines on their way.
    pub(crate) machines: Vec<Order>,
    /// Ready day of every build under way.
    pub(crate) build_days: Vec<u32>,
}

/// Machines on their way to a site.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Order {
    /// Day they start hashing.
    pub(crate) day: u32,
    /// Where: the site's id ([`Site::id`]).
    pub(crate) site: u32,
    /// Hashrate, TH/s.
    pub(crate) hashrate_ths: f64,
    /// Efficiency, J/TH.
    pub(crate) efficiency_j_per_th: f64,
}

/// New firms. Prospective sites arrive at `strategy.entrant_mw_per_year`
/// in sites of `strategy.entrant_site_mw`; each draws its power price,
/// region, pool, hurdle and belief as the generated population's miners
/// do, and a firm enters when its site pays as a miner's own build would
/// (review stage 8). Prospects that do not pay go elsewhere.
#[derive(Resource, Clone, Debug, Default)]
pub(crate) struct Entrants {
    /// How prospects are drawn; `None` (a scenario without a generated
    /// population) brings none.
    pub(crate) draw: Option<ProspectDraw>,
    /// MW of prospects due and not yet arrived (less than a site).
    pub(crate) owed_mw: f64,
    /// Day of the last review that counted prospects in.
    pub(crate) last_day: u32,
    /// Prospects drawn so far (each draws from its own stream).
    pub(crate) drawn: u64,
}

/// The population's distributions, as a prospect draws from them.
#[derive(Clone, Debug)]
pub(crate) struct ProspectDraw {
    /// Power price, USD/MWh.
    pub(crate) price: rand_distr::LogNormal<f64>,
    /// Region ids and the index drawing one by the population's shares.
    pub(crate) regions: (Vec<u16>, rand::distr::weighted::WeightedIndex<f64>),
    /// Pool ids and the index drawing one by the population's shares.
    pub(crate) pools: (Vec<u16>, rand::distr::weighted::WeightedIndex<f64>),
    /// Beliefs and the index drawing one by `strategy.beliefs`' shares.
    pub(crate) beliefs: (Vec<Belief>, rand::distr::weighted::WeightedIndex<f64>),
    /// Hurdle rate per year, and the spread either side drawn uniformly.
    pub(crate) hurdle: (f64, f64),
    /// Chance a prospect's site suits AI (`population.ai_eligible_share`).
    pub(crate) ai_eligible_share: f64,
    /// Cash an entrant holds beyond its site's equity, USD per MW
    /// (`strategy.tail_cash_usd_per_mw`, as the generated miners).
    pub(crate) cash_usd_per_mw: f64,
}

/// Machines offered second hand: they left a site that was sold,
/// converted, closed or renewed, or were retired, and wait for a buyer
/// with free MW for up to `strategy.used_listing_days`; then they are
/// scrapped.
#[derive(Resource, Clone, Debug, Default)]
pub(crate) struct UsedMachines {
    /// Lots on offer, in the order they were listed.
    pub(crate) lots: Vec<Lot>,
    /// Mean price of the last review's trades, USD/TH (0 before any).
    pub(crate) last_price_usd_per_th: f64,
}

/// Machines of one generation offered by one seller.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Lot {
    /// Hashrate, TH/s.
    pub(crate) hashrate_ths: f64,
    /// Efficiency, J/TH.
    pub(crate) efficiency_j_per_th: f64,
    /// The seller's miner id (paid what the lot fetches).
    pub(crate) seller: u32,
    /// Day it was listed.
    pub(crate) listed_day: u32,
}

impl UsedMachines {
    /// Offers machines that left a site of `seller` on `day`.
    pub(crate) fn list(
        &mut self,
        seller: u32,
        day: u32,
        machines: impl IntoIterator<Item = (f64, f64)>,
    ) {
        for (hashrate_ths, efficiency_j_per_th) in machines {
            if hashrate_ths > 0.0 {
                self.lots.push(Lot {
                    hashrate_ths,
                    efficiency_j_per_th,
                    seller,
                    listed_day: day,
                });
            }
        }
    }

    /// Hashrate on offer, TH/s.
    pub(crate) fn stock_ths(&self) -> f64 {
        self.lots.iter().map(|l| l.hashrate_ths).sum()
    }
}

/// How miners decide and are financed, and what power costs beyond each
/// site's price: the scenario's `strategy` and `power` sections as the
/// decisions read them (the schema documents each field).
#[derive(Resource, Clone, Debug, PartialEq)]
pub(crate) struct Strategy {
    /// Memory of adaptive forecasts, days.
    pub(crate) memory_days: f64,
    /// Growth of difficulty that halving-aware miners expect, per year.
    pub(crate) difficulty_growth_per_year: f64,
    /// Share of capex (or of a sale price) a switch must beat carrying on by.
    pub(crate) hysteresis_share: f64,
    /// Whether miners buy machines (new and second hand) and build.
    pub(crate) growth: bool,
    /// Cash kept before buying machines, USD per MW owned.
    pub(crate) cash_reserve_usd_per_mw: f64,
    /// Interest on debt per year.
    pub(crate) interest_rate_per_year: f64,
    /// Share of an AI project's capex paid from cash.
    pub(crate) ai_equity_share: f64,
    /// Credit line, USD per MW owned.
    pub(crate) credit_line_usd_per_mw: f64,
    /// Days below the credit line before bankruptcy.
    pub(crate) distress_days: u32,
    /// Days curtailed (net of days mined) before a fleet is retired.
    pub(crate) retire_after_days: u32,
    /// Days an on/off decision holds (sites take turns to reconsider).
    pub(crate) commit_days: u32,
    /// Days curtailed (net) before a fleet is mothballed.
    pub(crate) mothball_after_days: u32,
    /// Cash opex other than electricity, USD per MWh of installed
    /// machines, paid whether they run or not.
    pub(crate) other_opex_usd_per_mwh: f64,
    /// Share of every fleet's power bought take-or-pay.
    pub(crate) take_or_pay_share: f64,
    /// Power-price pressure of AI load, per GW.
    pub(crate) ai_price_pressure_per_gw: f64,
    /// Whether miners build new grid connections.
    pub(crate) build: bool,
    /// Capex of building a MW of mining site (before machines), USD.
    pub(crate) build_usd_per_mw: f64,
    /// Days from the decision to build to the MW being energised.
    pub(crate) build_lead_days: u32,
    /// Share of growth's capex (new MW, machines) paid from cash; the rest
    /// is borrowed.
    pub(crate) growth_equity_share: f64,
    /// Days second-hand machines wait for a buyer before being scrapped.
    pub(crate) used_listing_days: u32,
    /// MW of new sites new firms consider a year.
    pub(crate) entrant_mw_per_year: f64,
    /// MW of an entrant's site.
    pub(crate) entrant_site_mw: f64,
}

/// The hashprice at which a machine just pays for its power, USD per PH/s
/// per day: 24 h × J/TH × USD/MWh / 1000.
pub fn breakeven_hashprice_usd_per_ph_day(efficiency_j_per_th: f64, power_usd_per_mwh: f64) -> f64 {
    crate::units::HOURS_PER_DAY * efficiency_j_per_th * power_usd_per_mwh / 1000.0
}
