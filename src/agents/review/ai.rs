//! Stage 4: AI-eligible sites weigh leasing a stage, running an own GPU
//! cloud on it, or selling the site whole, against carrying on.

use super::decision::{Book, Decision};
use super::plan::{MIN_STAGE_MW, Review};
use crate::agents::decisions::site_power_price;
use crate::agents::valuation::{
    AiTerms, MiningView, gpu_prepaid_usd, gpu_value_usd, lease_value_usd, mining_value_usd,
    monthly_discount, project_rate, worth_switching,
};
use crate::agents::{Fleet, Miner, Project, ProjectKind, Site};
use crate::units::DAYS_PER_MONTH;

impl Review<'_> {
    /// Stage 4a: AI-eligible sites of solvent miners, largest owners
    /// first, then by owner id, then by site id.
    pub(crate) fn ai_candidates(&self, book: &Book) -> Vec<usize> {
        let mut c: Vec<(u32, u32)> = (0..book.sites.len())
            .filter_map(|i| {
                let s = book.site(i);
                let owner = book.miner(s.owner_id as usize);
                (s.ai_eligible && !s.sold && !owner.exited).then_some((s.owner_id, s.id))
            })
            .collect();
        c.sort_unstable_by(|a, b| self.largest_first(a.0, b.0).then(a.1.cmp(&b.1)));
        c.into_iter().map(|(_, site)| site as usize).collect()
    }

    /// Stage 4b: the site's best AI option, if one beats carrying on by the
    /// hysteresis margin: lease a stage or run an own GPU cloud on one (as
    /// far as waiting customers want it), or sell the site whole to an AI
    /// buyer at the market's price (if it has no projects and the backlog
    /// wants it all). A project's stage is cut to what its owner's cash
    /// pays the equity of — after a GPU cloud's customer prepayment, the
    /// rest is a project loan against the contract — and is not started
    /// below [`MIN_STAGE_MW`]. Options are
    /// ranked by their advantage per MW; on a tie, the first considered.
    pub(crate) fn ai_option(&self, book: &Book, site: usize) -> Option<Decision> {
        let s = book.site(site);
        let m = book.miner(s.owner_id as usize);
        let ai = book.ai.params();
        let st = self.strategy;
        let available = s.power_mw - s.project_mw();
        let idle = (available - s.fleet_mw()).max(0.0);
        if available <= 1e-6 {
            return None;
        }
        let w = Weighing {
            review: self,
            site,
            s,
            m,
            idle,
            view: self.view(m, s),
            crit: ai.critical_it_share,
            // Halls left by ended contracts need no conversion again.
            shell: s.shell_mw.min(available),
            conversion_usd_per_critical_mw: ai.conversion_capex_usd_per_critical_mw,
        };
        let mut options: Vec<(f64, Decision)> = Vec::new();
        let cx = self.cx;
        // Leases and GPU clouds alike serve the waiting customers: a GPU
        // cloud is a contract with one (IREN's with Microsoft), and the
        // deal flow counts both.
        let stage = available
            .min(ai.stage_mw)
            .min(book.ai.backlog_mw() / w.crit);
        if stage > 1e-6 {
            let rate = project_rate(
                st.ai_equity_share,
                m.hurdle_rate_per_year,
                st.interest_rate_per_year,
            );
            let lease = |x: f64| {
                lease_value_usd(
                    x,
                    &cx.lease_terms,
                    cx.lease_usd_per_kw_month,
                    cx.noi_margin,
                    monthly_discount(rate),
                )
            };
            options.extend(w.project(&ProjectOffer {
                kind: ProjectKind::Lease,
                stage,
                terms: &cx.lease_terms,
                equity_share: st.ai_equity_share,
                lease_usd_per_kw_month: cx.lease_usd_per_kw_month,
                gpu_usd_per_hour: 0.0,
                value: &lease,
                prepaid: &|_| 0.0,
            }));
        }
        if ai.gpu.enabled && stage > 1e-6 {
            let rate = project_rate(
                ai.gpu.equity_share,
                m.hurdle_rate_per_year,
                st.interest_rate_per_year,
            );
            let power = site_power_price(s, self.regions);
            let gpu = |x: f64| {
                gpu_value_usd(
                    x,
                    &cx.gpu_terms,
                    &cx.gpu,
                    cx.gpu_usd_per_hour,
                    power,
                    monthly_discount(rate),
                )
            };
            options.extend(w.project(&ProjectOffer {
                kind: ProjectKind::GpuCloud,
                stage,
                terms: &cx.gpu_terms,
                equity_share: ai.gpu.equity_share,
                lease_usd_per_kw_month: 0.0,
                gpu_usd_per_hour: cx.gpu_usd_per_hour,
                value: &gpu,
                prepaid: &|x| gpu_prepaid_usd(x, &cx.gpu_terms, &cx.gpu, cx.gpu_usd_per_hour),
            }));
        }
        if s.projects.is_empty() && book.ai.backlog_mw() >= s.power_mw * w.crit {
            options.extend(w.sale());
        }
        options
            .into_iter()
            .reduce(|a, b| if b.0 > a.0 { b } else { a })
            .map(|(_, d)| d)
    }
}

/// A site weighing its AI options ([`Review::ai_option`]): what each
/// option reads.
struct Weighing<'a> {
    /// The review.
    review: &'a Review<'a>,
    /// The site's id.
    site: usize,
    /// The site.
    s: &'a Site,
    /// Its owner.
    m: &'a Miner,
    /// Its idle MW: neither hashing nor in a project.
    idle: f64,
    /// How its owner values mining on it.
    view: MiningView<'a>,
    /// Critical IT MW per gross MW.
    crit: f64,
    /// MW of halls left by ended contracts (within the MW available), which
    /// need no conversion again.
    shell: f64,
    /// Conversion capex, USD per critical MW.
    conversion_usd_per_critical_mw: f64,
}

/// A project an AI option would start on a site ([`Weighing::project`]).
struct ProjectOffer<'t> {
    /// A lease or a GPU cloud.
    kind: ProjectKind,
    /// The largest stage waiting customers want, MW.
    stage: f64,
    /// Its terms.
    terms: &'t AiTerms,
    /// Share of the capex left after the customer's prepayment that is paid
    /// from cash (the rest is a project loan).
    equity_share: f64,
    /// The lease rate it signs at, USD per critical kW-month (0 for a GPU
    /// cloud).
    lease_usd_per_kw_month: f64,
    /// The GPU rental price it signs at, USD/GPU-hour (0 for a lease).
    gpu_usd_per_hour: f64,
    /// Its value for a stage of so many MW, USD (before the conversion a
    /// hall saves).
    value: &'t dyn Fn(f64) -> f64,
    /// What its customer prepays for a stage of so many MW, USD.
    prepaid: &'t dyn Fn(f64) -> f64,
}

impl Weighing<'_> {
    /// The conversion capex a stage of `stage` MW saves by using halls.
    fn saved(&self, stage: f64) -> f64 {
        stage.min(self.shell) * self.crit * self.conversion_usd_per_critical_mw
    }

    /// Carrying on with `mw` MW for `months`; +∞ when it is sure to be
    /// worth more than `cap` (the most a switch may leave behind).
    fn mine(&self, mw: f64, months: usize, cap: f64) -> f64 {
        slice_value(&self.s.fleets, self.idle, mw, &self.view, months, cap)
    }

    /// The project `offer` on as much of its stage as the owner's cash pays
    /// the equity of, with its advantage per MW, if it beats mining that
    /// slice over the project's horizon by the margin.
    fn project(&self, offer: &ProjectOffer) -> Option<(f64, Decision)> {
        let (st, m) = (self.review.strategy, self.m);
        let (terms, prepaid) = (offer.terms, offer.prepaid);
        let capex = |x: f64| terms.capex_usd(x) - self.saved(x);
        let funded = |x: f64| (capex(x) - prepaid(x)).max(0.0);
        let mut stage = offer.stage;
        let equity = offer.equity_share * funded(stage);
        if equity > m.cash_usd {
            // Capex per MW only rises past the halls, so the cut stage's
            // equity is within the cash.
            stage *= (m.cash_usd / equity).max(0.0);
        }
        if stage < MIN_STAGE_MW - 1e-9 {
            return None;
        }
        let (capex, value) = (capex(stage), (offer.value)(stage) + self.saved(stage));
        // Carrying on is worth at least nothing: an option that cannot beat
        // zero by the margin is out before mining is valued.
        if !worth_switching(value, 0.0, capex, st.hysteresis_share) {
            return None;
        }
        let carry = self.mine(
            stage,
            terms.horizon_months(),
            value - st.hysteresis_share * capex,
        );
        if !worth_switching(value, carry, capex, st.hysteresis_share) {
            return None;
        }
        let lead_days = (terms.lead_months as f64 * DAYS_PER_MONTH).round() as u32;
        let ready_day = self.review.cx.day + lead_days;
        let term_days = (terms.term_months as f64 * DAYS_PER_MONTH).round() as u32;
        let (funded, prepaid_usd) = (funded(stage), prepaid(stage));
        let equity_usd = offer.equity_share * funded;
        let project = Project {
            kind: offer.kind,
            mw: stage,
            ready_day,
            end_day: ready_day + term_days,
            lease_usd_per_kw_month: offer.lease_usd_per_kw_month,
            gpu_usd_per_hour: offer.gpu_usd_per_hour,
            loan_usd: funded - equity_usd,
            prepaid_usd,
        };
        let convert = Decision::Convert {
            site: self.site,
            idle_mw: self.idle,
            project,
            capex_usd: capex,
            equity_usd,
        };
        Some(((value - carry) / stage, convert))
    }

    /// Selling the whole site to an AI buyer at the market's price, with
    /// its advantage per MW, if it beats carrying on by the margin (the
    /// caller checks that the site has no projects and that the backlog
    /// wants it all).
    fn sale(&self) -> Option<(f64, Decision)> {
        let (cx, st, s) = (self.review.cx, self.review.strategy, self.s);
        let offer = cx.sale_usd_per_mw * s.power_mw;
        let wanted = offer > 0.0 && s.power_mw >= MIN_STAGE_MW;
        if !wanted {
            return None;
        }
        let carry = self.mine(
            s.power_mw,
            cx.lease_terms.horizon_months(),
            offer - st.hysteresis_share * offer,
        );
        if !worth_switching(offer, carry, offer, st.hysteresis_share) {
            return None;
        }
        let sale = Decision::SellToAi {
            site: self.site,
            usd: offer,
            critical_mw: s.power_mw * self.crit,
        };
        Some(((offer - carry) / s.power_mw, sale))
    }
}

/// Value of mining the first `mw` MW of a site that a conversion would take
/// (idle MW, then the worst machines), over `months`; +∞ as soon as it is
/// sure to exceed `cap_usd` (see [`mining_value_usd`]).
fn slice_value(
    fleets: &[Fleet],
    idle_mw: f64,
    mw: f64,
    view: &MiningView,
    months: usize,
    cap_usd: f64,
) -> f64 {
    let mut left = mw;
    let take = left.min(idle_mw);
    let mut v = mining_value_usd(view, take, None, months, cap_usd);
    left -= take;
    for f in fleets {
        if left <= 0.0 || v == f64::INFINITY {
            break;
        }
        let take = left.min(f.power_mw());
        v += mining_value_usd(view, take, Some(f.efficiency_j_per_th), months, cap_usd - v);
        left -= take;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::review::plan::fixtures::{miner_with_site_of, with_review};
    use crate::agents::testing::markets;

    #[test]
    fn an_eligible_site_is_sold_when_a_buyer_wants_it_all_and_pays_enough() {
        let (a, sa) = miner_with_site_of(0, 0.0, 40.0);
        let (mut miners, mut sites) = ([a], [sa]);
        // Tenants want more than the site's 30 critical MW, the miner
        // cannot pay a lease's equity, and $5/W beats carrying on (the MW
        // would host ever better frontier machines) by the margin.
        let mut m = markets(100.0, 5.0);
        let d = with_review(&mut miners, &mut sites, &mut m, 20.0, |r, book| {
            assert_eq!(r.ai_candidates(book), [0]);
            r.ai_option(book, 0)
        });
        assert!(
            matches!(d, Some(Decision::SellToAi { site: 0, usd, .. }) if usd == 200e6),
            "{d:?}"
        );
        // At $0.8/W carrying on is worth more; without tenants, nothing.
        let mut m = markets(100.0, 0.8);
        let d = with_review(&mut miners, &mut sites, &mut m, 20.0, |r, book| {
            r.ai_option(book, 0)
        });
        assert_eq!(d, None);
        let mut m = markets(0.0, 5.0);
        let d = with_review(&mut miners, &mut sites, &mut m, 20.0, |r, book| {
            r.ai_option(book, 0)
        });
        assert_eq!(d, None);
    }
}
