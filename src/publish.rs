//! Counts -> the published outcomes report, after the disclosure audit ([`crate::disclosure`]).
//!
//! The plan starts from the usual rules (a count from 1 to `minCellSize - 1` is not published,
//! nor a cell whose statistics rest on so few; a zero is published, and never hides another
//! cell), then the audit asks what a reader could work out from everything the plan publishes
//! and the contract's public terms: cells add up to their totals, tiers add up to the students
//! meeting the target, and the payment is the base plus the tiers' amounts minus the penalties.
//! While a protected count can be narrowed below `minCellSize`, the plan withholds more, from
//! the least to the most useful: a complementary cell of the same table, the payment breakdown,
//! the met-target count, the fidelity counts, then the payment total rounded (to $100, $1,000,
//! ... $1,000,000) or withheld, and at the last all outcome figures. The report lists what was
//! done. When fewer than `minCellSize` students have an outcome, no outcome figure is published.

use crate::contract::{BelowFidelity, Contract, GrowthMetric, MissingOutcome};
use crate::disclosure::{whole_width, Audit, Cache, Exposure, Known, Op, TooLarge, Q};
use crate::evaluate::DOSE_BANDS;
use crate::growth::reach_point;
use crate::payment::Payment;
use crate::report::{
    self, coded_share, Cell, Coded, Disclosure, Growth, OutcomesReport, ReportEffect, Shown, Tally,
    TierCount,
};
use crate::steps::{
    decline_top, larger, lowest_outcome, smaller, threshold_steps, widest, zero_gain, Scale,
};

mod across;
#[cfg(test)]
mod tests;

/// One table of cells: the values of a subgroup column, or the dose bands.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub column: String,
    /// The dose bands count students with an outcome at fidelity or not, so their judged and
    /// met totals are not the report's.
    pub dose: bool,
    pub values: Vec<String>,
    pub tallies: Vec<Tally>,
    /// Per cell, its students with an outcome by tier (at fidelity; for the dose bands, at
    /// fidelity or not); None for a table too large to audit by tier (then withheld).
    pub tiers: Option<Vec<ByTier>>,
    /// The dose bands only (empty for a subgroup table): per band, its students at fidelity,
    /// which the audit needs for a band holding students on both sides of the fidelity rule.
    pub at_fidelity: Vec<AtFidelity>,
}

/// A dose band's students at fidelity: their counts (its `judged` are those with an outcome,
/// as the dose bands count them), and those with an outcome by tier, below every tier last.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AtFidelity {
    pub tally: Tally,
    pub tiers: Vec<u64>,
}

/// A cell inside another: (table, cell) lies inside (table, cell).
pub type Nested = (usize, usize, usize, usize);

/// What the evaluation counted, before anything is withheld.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Counts {
    /// Intervention students, enrolled or excluded below fidelity.
    pub intervention: u64,
    pub enrolled: u64,
    pub at_fidelity: u64,
    pub with_outcome: u64,
    /// Students counted for the met-target share (at fidelity with an outcome, and under
    /// `missingOutcome: notMet` those missing one).
    pub judged: u64,
    pub met: u64,
    pub declined: u64,
    /// The students with an outcome at fidelity by tier: their counts, outcomes and scale.
    pub outcomes: ByTier,
    pub families: Vec<Family>,
    /// Intervention students with a post-test, as the published effect states them (null
    /// without a published effect): at least those with an outcome, at most every student.
    pub analysed_intervention: Option<u64>,
    /// The mean outcome of the students with an outcome, as the growth figures publish it.
    pub mean_metric: Option<f64>,
    /// Their median and sample SD, as the growth figures publish them.
    pub median_metric: Option<f64>,
    pub sd_metric: Option<f64>,
    /// The two middle values (equal for an odd count): a median of 7.5 over whole gains says
    /// that half are at most 7 and half at least 8.
    pub median_pair: Option<(f64, f64)>,
    /// Some enrolled student has fewer weeks than the fidelity rule asks.
    pub short_of_weeks: bool,
    /// The scale of every student with an outcome, at fidelity or not: the step of the test's
    /// scale as a reader may know it (see [`Scale::read_within`]).
    pub scale: Scale,
    /// Cells whose students all lie in one cell of another table: (family, cell) inside
    /// (family, cell).
    pub nested: Vec<Nested>,
    /// The groups of enrolled students with one cell in each table (empty without subgroup
    /// columns).
    pub combinations: Vec<Combination>,
}

impl Counts {
    /// Students with an outcome at fidelity in each tier (ascending thresholds).
    fn tiers(&self) -> &[u64] {
        let c = &self.outcomes.counts;
        &c[..c.len().saturating_sub(1)]
    }
}

/// Some students with an outcome, by tier: how many lie in each tier (ascending) and below
/// every tier, the smallest and largest outcome in each (None where no one is), the scale of
/// their scores, and how many declined. What the audit bounds their outcomes by (see
/// [`outcome_bands`]): the card's students at fidelity, a subgroup cell's, a dose band's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ByTier {
    pub counts: Vec<u64>,
    pub ranges: Vec<Option<(f64, f64)>>,
    pub scale: Scale,
    /// Those who declined (a post-test below the pre-test), and their largest outcome.
    pub declined: u64,
    pub decline_high: Option<f64>,
}

impl ByTier {
    /// No student yet, for a card of `tiers` tiers.
    pub fn new(tiers: usize) -> Self {
        ByTier {
            counts: vec![0; tiers + 1],
            ranges: vec![None; tiers + 1],
            ..ByTier::default()
        }
    }

    /// One student in `band` (a tier's index, or the tiers' count for below every tier) with
    /// the outcome `value`, who declined or not, whose scores are on `scale`.
    #[inline]
    pub fn see(&mut self, (band, value, declined): (usize, f64, bool), scale: &Scale) {
        self.counts[band] += 1;
        let (low, high) = self.ranges[band].get_or_insert((value, value));
        *low = smaller(*low, value);
        *high = larger(*high, value);
        self.scale.merge(scale);
        if declined {
            self.declined += 1;
            self.decline_high = Some(self.decline_high.map_or(value, |h| larger(h, value)));
        }
    }

    /// Both sets of students together (the rare values rolled into "(other)").
    pub fn merge(&mut self, other: &ByTier) {
        self.counts
            .iter_mut()
            .zip(&other.counts)
            .for_each(|(a, b)| *a += b);
        for (mine, theirs) in self.ranges.iter_mut().zip(&other.ranges) {
            *mine = widest(mine.iter().chain(theirs).copied());
        }
        self.scale.merge(&other.scale);
        self.declined += other.declined;
        self.decline_high = match (self.decline_high, other.decline_high) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// The smallest and largest outcome of its students (see [`outcome_range`]).
    fn extremes(&self) -> Option<(f64, f64)> {
        widest(self.ranges.iter().flatten().copied())
    }
}

/// Enrolled students sharing a dose band and a cell of each subgroup column.
#[derive(Debug, Clone, PartialEq)]
pub struct Combination {
    /// The cell of each family, in the order of [`Counts::families`].
    pub cells: Vec<u32>,
    pub tally: Tally,
    /// Its students with an outcome at fidelity in each tier (ascending), then below every
    /// tier.
    pub tiers: Vec<u64>,
    /// Its students below fidelity with an outcome (the dose bands count them): meeting the
    /// target and not, and the sum of their outcomes.
    pub below_fidelity: ([u64; 2], f64),
}

impl Combination {
    /// No student yet, for a card of `tiers` tiers.
    pub fn new(tiers: usize) -> Self {
        Combination {
            cells: Vec::new(),
            tally: Tally::default(),
            tiers: vec![0; tiers + 1],
            below_fidelity: ([0; 2], 0.0),
        }
    }
}

/// What the report will publish; the audit decides.
#[derive(Debug, Clone, PartialEq)]
struct Plan {
    outcome_figures: bool,
    /// Per family, per cell: published.
    cells: Vec<Vec<bool>>,
    /// Per family, per cell: its size (enrolled students) published with it. Without it a
    /// published cell still gives its share and mean: a grade with 8 of its 112 students
    /// missing a post-test publishes its 104 judged, not the 8 by difference.
    sizes: Vec<Vec<bool>>,
    tiers: Vec<bool>,
    met: bool,
    /// The report's own counts published only as the other published figures give them.
    given: Given,
    /// The counts with an outcome and the growth figures over them, and (with `at_fidelity`)
    /// the students at fidelity.
    fidelity: bool,
    /// The count at fidelity: with those with an outcome it says how many at fidelity have
    /// none, so it may go alone.
    at_fidelity: bool,
    breakdown: bool,
    /// The payment total: exact (0), rounded to this many cents, or withheld (None).
    total: Option<u64>,
    /// Whether the district met its obligation (an inequality on the counts at fidelity).
    obligation: bool,
    /// The local effect (its intervention students with a post-test are a count).
    effect: bool,
    /// The growth figures' median and SD (with the tiers' thresholds they bound the tiers).
    spread: bool,
}

impl Plan {
    /// Whether the report publishes the count meeting the target.
    fn shows_met(&self) -> bool {
        self.met || self.given.met
    }

    /// Whether it publishes the number judged (those the share is over).
    fn shows_judged(&self) -> bool {
        self.met || self.given.judged
    }

    /// Whether it publishes the count at fidelity.
    fn shows_at_fidelity(&self) -> bool {
        self.fidelity && self.at_fidelity || self.given.at_fidelity
    }

    /// Whether it publishes the count with an outcome.
    fn shows_with_outcome(&self) -> bool {
        self.fidelity || self.given.with_outcome
    }
}

impl Model {
    /// The audit's view: the plain one, or the one with the small counts known.
    fn view(&self, ruled: bool) -> &Audit {
        if ruled {
            &self.ruled
        } else {
            &self.audit
        }
    }

    /// The first protected count a reader can narrow too far, in either view (true for the
    /// ruled one). In the ruled view a count the rules alone narrow as far is no exposure.
    fn exposure(
        &mut self,
        subject: &Subject,
        cache: &mut Cache,
        rules: &mut RulesAlone,
    ) -> Option<(bool, Exposure)> {
        let min = subject.c.min_cell_size as f64;
        if let Some(e) = self.audit.exposures(min, cache, true).into_iter().next() {
            return Some((false, e));
        }
        for (&i, &width) in &rules.widths {
            let x = self.ruled.get_mut(Q(i));
            x.stated_width = x.stated_width.min(width);
        }
        loop {
            let e = self.ruled.exposures(min, cache, true).into_iter().next()?;
            let width = rules.width(subject, e.q);
            let x = self.ruled.get_mut(e.q);
            if width >= x.stated_width {
                return Some((true, e));
            }
            x.stated_width = width;
        }
    }
}

/// What the rules alone tell of each small count to a reader who takes every small count as
/// small (see [`Audit::with_small_counts_known`]), as the report that publishes no outcome
/// figure says them: a withheld tier and a withheld met count lie within 1 to
/// `minCellSize - 1`, so the met count holds at least as many as the withheld tiers. That much
/// is accepted; the figures, and the decisions taken to protect them, must tell no more. Worked
/// out only for a count some plan's figures narrow within its range (most plans narrow none).
#[derive(Default)]
struct RulesAlone {
    /// The ruled view of the report that publishes nothing, once needed.
    audit: Option<Audit>,
    cache: Cache,
    /// Per quantity asked of, the whole width of what the rules alone tell of it.
    widths: std::collections::HashMap<usize, f64>,
}

impl RulesAlone {
    fn width(&mut self, subject: &Subject, q: Q) -> f64 {
        if let Some(&width) = self.widths.get(&q.0) {
            return width;
        }
        let audit = self.audit.get_or_insert_with(|| {
            let mut nothing = subject.first.clone();
            withhold_outcome_figures(&mut nothing);
            nothing.total = None;
            nothing.obligation = false;
            nothing.breakdown = false;
            model(subject, &nothing).ruled
        });
        let (low, high) = audit.interval_read(q, &mut self.cache);
        let width = whole_width(low, high);
        self.widths.insert(q.0, width);
        width
    }
}

/// Where each report item sits among the audit's quantities.
struct Model {
    audit: Audit,
    /// The same audit with the small counts taken as known to be small (see
    /// [`Audit::with_small_counts_known`]): the report's decisions must not tell where within
    /// that range one lies.
    ruled: Audit,
    /// The plan item that publishes each quantity, if any.
    owner: Vec<Option<Item>>,
    /// The report's own counts: meeting the target, judged, at fidelity, with an outcome.
    headline: [Q; 4],
}

/// The report's own counts that the plan withholds though the published figures already give
/// them exactly: they are published, since withholding them protects no one and saying they are
/// withheld would not be true (with the students below fidelity excluded, everyone enrolled is
/// at fidelity; with one tier, its count is the count meeting the target). The check across
/// tables reads them as published, as a reader would.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
struct Given {
    met: bool,
    judged: bool,
    at_fidelity: bool,
    with_outcome: bool,
}

/// Amounts the payment total may be rounded to, in cents, before it is withheld.
const ROUNDINGS: [u64; 5] = [10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/// Whether the report publishes the means of cells of two tables or more (subgroup columns or
/// the dose bands; a cell of everyone says only the total): laid over one another, with the
/// growth SD's sum of squares, they may say which students are in which cells.
fn means_published(plan: &Plan, counts: &Counts) -> bool {
    let with_means = (counts.families.iter().zip(&plan.cells)).filter(|(family, shown)| {
        (family.tallies.iter().zip(shown.iter()))
            .any(|(t, &shown)| shown && t.with_metric > 0 && t.n < counts.enrolled)
    });
    plan.outcome_figures && with_means.count() >= 2
}

/// How many met counts a cell's coded share leaves a reader (see [`coded_share`]): 5% of
/// those it is over, rounded down.
fn coded_width(t: &Tally) -> u64 {
    (t.judged as f64 * 0.05).floor() as u64
}

/// A cell's share as a range of met counts: its coded share, but none (the count is exact)
/// when the share is exact or the range is narrower than the cell size `min`. The first plan
/// withholds a cell with 1 to `min` - 1 meeting the target, or short of it, unless that range
/// is `min` wide, so a published "95% or more" of 18 judged says that all 18 met it (with x =
/// y XOR z, y = N's 11 and z = N's 11 meeting it less x = N's 18 gave 4 students).
fn coded_range(t: &Tally, min: u64) -> Option<Coded> {
    coded_share(t).filter(|_| coded_width(t) >= min)
}

/// What the audit starts from: every figure about fewer than `min` students withheld, and
/// every cell whose own complements are small.
fn initial_plan(counts: &Counts, min: u64) -> Plan {
    let small = |x: u64| x > 0 && x < min;
    // A cell whose students meeting the target, or not, or without an outcome among those its
    // share is over, are few: its published figures would give them away (the audit would find
    // it; this saves it the rounds). A coded share leaves the met count a range 5% of the
    // judged wide. Few students outside its share (below fidelity, or missing a post-test)
    // withhold only its size.
    let small_inside = |t: &Tally| {
        let range = coded_share(t).map_or(0, |_| coded_width(t));
        small(t.judged - t.with_metric)
            || (range < min && (small(t.met) || small(t.judged - t.met)))
    };
    let mut plan = Plan {
        outcome_figures: counts.with_outcome >= min,
        cells: counts
            .families
            .iter()
            .map(|f| {
                // A table too large to audit by tier is withheld. (1 to 9 judged are 1 to 9
                // with an outcome, or 1 to 9 judged without one: small_inside.)
                let auditable = f.dose || f.tiers.is_some();
                f.tallies
                    .iter()
                    .map(|t| {
                        t.n == 0
                            || auditable && !(small(t.n) || small(t.with_metric) || small_inside(t))
                    })
                    .collect()
            })
            .collect(),
        sizes: counts
            .families
            .iter()
            .map(|f| f.tallies.iter().map(|t| !small(t.n - t.judged)).collect())
            .collect(),
        tiers: counts.tiers().iter().map(|&n| !small(n)).collect(),
        met: counts.judged >= min && !small(counts.met),
        fidelity: true,
        at_fidelity: true,
        breakdown: true,
        total: Some(0),
        obligation: true,
        effect: true,
        spread: true,
        given: Given::default(),
    };
    if !plan.outcome_figures {
        withhold_outcome_figures(&mut plan);
    }
    plan
}

/// The publishable report: the first plan, withheld further until the audit finds no figure
/// about fewer than `minCellSize` students, then whatever proves unnecessary put back; with it,
/// for each table, which cells the report shows.
pub fn publish(
    c: &Contract,
    counts: &Counts,
    growth: &Growth,
    effect: Option<ReportEffect>,
    payment: &Payment,
) -> (OutcomesReport, Vec<Vec<Shown>>) {
    let min = c.min_cell_size;
    let mut plan = initial_plan(counts, min);
    // Only a contract with an obligation publishes whether the district met it.
    plan.obligation = payment.district_obligation_met.is_some();
    let first = plan.clone();
    let bands = Bands::of(c, counts);
    let stated = stated_widths(c, counts, payment, &first, &bands);
    let subject = Subject {
        c,
        counts,
        payment,
        stated: &stated,
        first: &first,
        bands: &bands,
    };
    let mut cache = Cache::default();
    let mut too_many_combinations = false;
    let crossings = across::Crossings::new(c, counts, &bands);
    let mut rules = RulesAlone::default();
    // Forward: each round withholds something more.
    for round in 0.. {
        plan.given = Given::default();
        let mut model = model(&subject, &plan);
        let Some((ruled, exposure)) = model.exposure(&subject, &mut cache, &mut rules) else {
            // The audit is satisfied; the whole-number rule may still want the payment coarser.
            if !whole_numbers_safe(c, payment, &plan) {
                plan = whole_numbers_plan(c, payment, plan);
                continue;
            }
            plan.given = given_anyway((&subject, &model), &plan, &mut cache);
            match across_tables(&plan, counts, crossings.check(&plan)) {
                None => break,
                Some((next, too_many)) => {
                    plan = next;
                    too_many_combinations |= too_many;
                }
            }
            continue;
        };
        if !protect(
            &subject,
            &mut plan,
            &model,
            (exposure.q, ruled),
            &mut cache,
            mild_round(round, counts),
        ) {
            break;
        }
    }
    // Backward: put back each thing withheld beyond the first plan, the most useful first,
    // whenever the report stays safe without withholding it (the greedy steps overshoot).
    let mut safe =
        |plan: &Plan, cache: &mut Cache| safe_plan(&subject, &crossings, plan, (cache, &mut rules));
    if let Some(safe_plan) = safe(&plan, &mut cache) {
        plan = safe_plan;
        for item in restorable(&first, &plan) {
            // Tables too many to check together stay withheld.
            if too_many_combinations && matches!(item, Item::Cell(f, _) if !counts.families[f].dose)
            {
                continue;
            }
            let back = restored(&plan, &first, item);
            if back != plan {
                if let Some(back) = safe(&back, &mut cache) {
                    plan = back;
                }
            }
        }
    }
    // The growth median and SD beside the means of two tables' cells: the SD fixes a sum of
    // squares, which with the cells' means tells how far outcomes spread within each cell (with
    // x's two cells at means of 12 and 14 and nothing left to spread, y = Y's mean gave the 3
    // students in both); the audit's linear programs cannot weigh it, so neither is published.
    if plan.spread && means_published(&plan, counts) {
        plan.spread = false;
    }
    let mut protections = describe(&first, &plan, counts, min);
    let effect_shown = plan.outcome_figures && plan.effect;
    if effect_shown && effect.as_ref().is_some_and(|e| e.conditions_met.is_none()) {
        protections.push("The local comparison's rating withheld (whether its design conditions hold, and what it could support): whether attrition is low would tell where a small count of students without a post-test lies.".into());
    }
    if too_many_combinations {
        protections.push(format!(
            "The subgroup tables withheld: the {} combinations of their values that students hold are too many to check that the tables together give away no small group.",
            counts.combinations.len()
        ));
    }
    let shown = shown_cells(counts, &plan);
    (
        report(
            c,
            counts,
            growth,
            effect,
            payment,
            (plan, &shown),
            protections,
        ),
        shown,
    )
}

/// Whether round `round` (from 0) of the forward pass may take a mild step (a cell, a tier, a
/// size, the breakdown): a table usually needs a complementary cell or two, so four rounds for
/// each table and tier, and 16 more. Past them only the drastic steps are taken, so that the
/// audit's cost stays a bounded multiple of the report's size whatever the counts.
fn mild_round(round: usize, counts: &Counts) -> bool {
    round < 4 * (counts.families.len() + counts.tiers().len()) + 16
}

/// `plan` with the counts its figures give anyway marked published, when its own audit is
/// satisfied and the tables together give nothing away.
fn safe_plan(
    subject: &Subject,
    crossings: &across::Crossings,
    plan: &Plan,
    (cache, rules): (&mut Cache, &mut RulesAlone),
) -> Option<Plan> {
    let Subject { c, payment, .. } = *subject;
    let mut plan = plan.clone();
    plan.given = Given::default();
    if !whole_numbers_safe(c, payment, &plan) {
        return None;
    }
    let mut model = model(subject, &plan);
    if model.exposure(subject, cache, rules).is_some() {
        return None;
    }
    plan.given = given_anyway((subject, &model), &plan, cache);
    (crossings.check(&plan) == Ok(None)).then_some(plan)
}

/// The report's own counts `plan` withholds (of those the first plan published) that a reader
/// can tell exactly, in whole numbers, from what it publishes: `model` is the plan's, with no
/// count given yet.
fn given_anyway((subject, model): (&Subject, &Model), plan: &Plan, cache: &mut Cache) -> Given {
    if !plan.outcome_figures {
        return Given::default();
    }
    let first = subject.first;
    let Model {
        audit, headline, ..
    } = model;
    let mut given = |q: Q| audit.get(q).known == Known::Not && audit.told_whole(q, cache);
    let [q_m, q_judged, q_a, q_o] = *headline;
    let met_withheld = first.met && !plan.met;
    // The number judged goes with the met count, but is no small count when that one is.
    let judged_withheld = !plan.met && subject.counts.judged >= subject.c.min_cell_size;
    Given {
        met: met_withheld && given(q_m),
        judged: judged_withheld && given(q_judged),
        at_fidelity: first.fidelity
            && first.at_fidelity
            && !(plan.fidelity && plan.at_fidelity)
            && given(q_a),
        with_outcome: first.fidelity && !plan.fidelity && given(q_o),
    }
}

/// Per table, per cell, how much of it the report shows: an empty one is published as 0 with
/// the others.
fn shown_cells(counts: &Counts, plan: &Plan) -> Vec<Vec<Shown>> {
    counts
        .families
        .iter()
        .zip(plan.cells.iter().zip(&plan.sizes))
        .map(|(f, (shown, sizes))| {
            f.tallies
                .iter()
                .zip(shown.iter().zip(sizes))
                .map(|(t, (&shown, &size))| match (shown, size) {
                    _ if t.n == 0 && plan.outcome_figures => Shown::Whole,
                    (false, _) => Shown::Withheld,
                    (true, false) => Shown::WithoutSize,
                    (true, true) => Shown::Whole,
                })
                .collect()
        })
        .collect()
}

/// The tables together: a group pinned by cells of several tables loses one of them, the first
/// (not the smallest: see `cost`); the audit then protects that cell within its own table.
/// When the combinations of values are too many to check, every subgroup cell is withheld (and
/// `true` says so). `None` when the tables together give nothing away.
fn across_tables(plan: &Plan, counts: &Counts, crossing: across::Crossing) -> Option<(Plan, bool)> {
    match crossing {
        Ok(None) => None,
        Ok(Some(cells)) => {
            let next = cells
                .iter()
                .find_map(|&(f, i)| withheld(plan, Item::Cell(f, i), counts))
                .or_else(|| withheld(plan, Item::Everything, counts))
                .unwrap_or_else(|| plan.clone());
            Some((next, false))
        }
        Err(TooLarge) => {
            let mut next = plan.clone();
            for (f, family) in counts.families.iter().enumerate().filter(|(_, f)| !f.dose) {
                for (i, t) in family.tallies.iter().enumerate() {
                    if t.n > 0 {
                        next.cells[f][i] = false;
                    }
                }
            }
            Some((next, true))
        }
    }
}

/// What the forward pass withheld beyond the first plan, the most useful first (cells and tiers
/// in their place in the report: see `cost`).
fn restorable(first: &Plan, plan: &Plan) -> Vec<Item> {
    // The payment total: exact first, then each rounding from the finest.
    let mut items = vec![Item::Everything, Item::Round(0)];
    items.extend(ROUNDINGS.iter().map(|&r| Item::Round(r)));
    items.extend([
        Item::Obligation,
        Item::Fidelity,
        Item::AtFidelity,
        Item::Effect,
        Item::Met,
        Item::Breakdown,
        Item::Spread,
    ]);
    let mut tables: Vec<Item> = Vec::new();
    for (f, family) in plan.cells.iter().enumerate() {
        for (i, &shown) in family.iter().enumerate() {
            if !shown && first.cells[f][i] {
                tables.push(Item::Cell(f, i));
            }
        }
    }
    for (f, family) in plan.sizes.iter().enumerate() {
        for (i, &shown) in family.iter().enumerate() {
            if !shown && first.sizes[f][i] {
                tables.push(Item::Size(f, i));
            }
        }
    }
    for (k, &shown) in plan.tiers.iter().enumerate() {
        if !shown && first.tiers[k] {
            tables.push(Item::Tier(k));
        }
    }
    // Cells and tiers in their place in the report (see `cost`), then cells' sizes.
    tables.sort_by_key(|&item| (matches!(item, Item::Size(..)), item));
    items.extend(tables);
    items
}

/// The plan with `item` as the first plan had it.
fn restored(plan: &Plan, first: &Plan, item: Item) -> Plan {
    let mut p = plan.clone();
    match item {
        Item::Everything if first.outcome_figures && !plan.outcome_figures => {
            let (total, obligation) = (p.total, p.obligation);
            p = first.clone();
            (p.total, p.obligation) = (total, obligation);
        }
        // Only ever finer: exact (0) or a smaller rounding than the plan has.
        Item::Round(r) => p.total = Some(p.total.map_or(r, |t| t.min(r))),
        Item::Obligation => p.obligation = first.obligation,
        Item::Fidelity => p.fidelity = first.fidelity,
        Item::AtFidelity => p.at_fidelity = first.at_fidelity,
        Item::Met => p.met = first.met,
        Item::Breakdown => p.breakdown = first.breakdown,
        Item::Effect => p.effect = first.effect,
        Item::Spread => p.spread = first.spread,
        Item::Cell(f, i) => p.cells[f][i] = first.cells[f][i],
        Item::Size(f, i) => p.sizes[f][i] = first.sizes[f][i],
        Item::Tier(k) => p.tiers[k] = first.tiers[k],
        _ => {}
    }
    p
}

/// The cells withheld beyond the first plan, table by table, and those published without their
/// size, in words.
fn describe_cells(first: &Plan, plan: &Plan, counts: &Counts) -> Vec<String> {
    let mut out = Vec::new();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    // One sentence for every table: "3 further cells withheld (2 of grade, 1 of ell) ...".
    let mut further = 0;
    let tables: Vec<String> = counts
        .families
        .iter()
        .enumerate()
        .filter_map(|(f, family)| {
            let more = (0..family.values.len())
                .filter(|&i| first.cells[f][i] && !plan.cells[f][i])
                .count();
            further += more;
            (more > 0).then(|| format!("{more} of {}", family.column))
        })
        .collect();
    if further > 0 {
        out.push(format!(
            "{further} further cell{} withheld ({}) so that a small count cannot be worked out from the others.",
            plural(further),
            tables.join(", ")
        ));
    }
    // Published cells without their size.
    let sizes: Vec<String> = counts
        .families
        .iter()
        .enumerate()
        .flat_map(|(f, family)| {
            (0..family.values.len())
                .filter(move |&i| plan.cells[f][i] && !plan.sizes[f][i] && family.tallies[i].n > 0)
                .map(move |i| {
                    let value = &family.values[i];
                    if family.dose {
                        format!("{value} minutes a week")
                    } else {
                        format!("{} = {value}", family.column)
                    }
                })
        })
        .collect();
    if !sizes.is_empty() {
        out.push(format!(
            "Published without {} enrolled count: {}. With the number judged, it would reveal, alone or with the other cells, a small number of students {}without an outcome.",
            if sizes.len() == 1 { "its" } else { "their" },
            sizes.join(", "),
            // (No one below fidelity to reveal when every student enrolled is at fidelity.)
            if counts.at_fidelity < counts.enrolled { "below fidelity or " } else { "" }
        ));
    }
    out
}

/// Each protection the final plan applies beyond withholding small counts, in words.
fn describe(first: &Plan, plan: &Plan, counts: &Counts, min: u64) -> Vec<String> {
    let given = plan.given;
    let mut out = Vec::new();
    if first.outcome_figures && !plan.outcome_figures {
        out.push("No outcome figure published: none could be published without giving away a small count.".into());
    }
    if plan.outcome_figures {
        out.extend(describe_cells(first, plan, counts));
    }
    let tiers = (0..plan.tiers.len())
        .filter(|&k| first.tiers[k] && !plan.tiers[k])
        .count();
    for family in counts
        .families
        .iter()
        .filter(|f| !f.dose && f.tiers.is_none())
    {
        if plan.outcome_figures {
            out.push(format!(
                "The {} table withheld: its values times the payment card's tiers are too many to check that the table and the tiers together give away no small count.",
                family.column
            ));
        }
    }
    if tiers > 0 && plan.outcome_figures {
        out.push(format!("{tiers} further tier count{} withheld so that a small count cannot be worked out from the others.", if tiers == 1 { "" } else { "s" }));
    }
    if first.breakdown && !plan.breakdown && plan.outcome_figures {
        out.push("The payment breakdown (base, outcome, penalty, maximum) withheld: with the contract's public payment card it would give away a small count.".into());
    }
    if first.met && !plan.met && plan.outcome_figures {
        out.push(match (given.met, given.judged) {
            (false, false) => "The count and share meeting the target, and the number judged, withheld: with the other published counts they would give away a small count.",
            (true, false) => "The share meeting the target and the number judged withheld: with the other published counts they would give away a small count. The count meeting the target is published, as the other published figures give it.",
            (false, true) => "The count and share meeting the target withheld: with the other published counts they would give away a small count. The number judged is published, as the other published figures give it.",
            (true, true) => "The count and share meeting the target are published only as the other published figures give them.",
        }.into());
    }
    if first.fidelity && !plan.fidelity && plan.outcome_figures {
        out.push(match (given.at_fidelity, given.with_outcome) {
            (false, false) => "The counts at fidelity and with an outcome withheld: with the other published counts they would give away a small count.",
            (true, false) => "The count with an outcome and the growth figures withheld: with the other published counts they would give away a small count. The count at fidelity is published, as the other published figures give it.",
            (false, true) => "The count at fidelity and the growth figures withheld: with the other published counts they would give away a small count. The count with an outcome is published, as the other published figures give it.",
            (true, true) => "The growth figures withheld: with the other published counts they would give away a small count. The counts at fidelity and with an outcome are published, as the other published figures give them.",
        }.into());
    } else if first.at_fidelity && !plan.at_fidelity && plan.outcome_figures && !given.at_fidelity {
        out.push("The count at fidelity withheld: with those with an outcome it would give away a small count of students at fidelity without one.".into());
    }
    if first.effect
        && !plan.effect
        && plan.outcome_figures
        && counts.analysed_intervention.is_some()
    {
        out.push("The local effect withheld: its count of intervention students with a post-test, with the other published counts, would give away a small count.".into());
    }
    if first.spread && !plan.spread && plan.outcome_figures && plan.fidelity {
        out.push(if means_published(plan, counts) {
            "The growth figures' median and standard deviation withheld: with the cells' means they would tell how far outcomes spread within each cell, and so which students are in which cells.".into()
        } else {
            "The growth figures' median and standard deviation withheld: with the tiers' thresholds they would give away a small count.".into()
        });
    }
    match plan.total {
        Some(0) => {}
        Some(r) => out.push(format!(
            "The payment total published rounded to the nearest {}: exact, it would give away a small count.",
            crate::vetting::format_cents(r as i64).trim_end_matches(".00")
        )),
        None => out.push("The payment total withheld: even rounded, it would give away a small count.".into()),
    }
    if !plan.obligation && first.obligation {
        out.push(
            "Whether the district met its obligation withheld: it would give away a small count."
                .into(),
        );
    }
    // The first rule, whenever a cell is withheld (which cells it withheld would say more).
    // (An empty cell is always published, so a withheld one holds someone.)
    let withheld_any = plan.cells.iter().flatten().any(|&shown| !shown);
    if withheld_any && plan.outcome_figures {
        out.push(format!("A cell is withheld when it holds 1 to {} students, or when 1 to {} of its students are judged, have an outcome, or (unless its share is coded as 5% or less, or 95% or more, over at least {} judged) meet the target or do not.", min - 1, min - 1, 20 * min));
    }
    // The same rule for the report's own counts, when it withheld one of them for its size
    // (the further ones withheld to protect it are stated above).
    if plan.outcome_figures && first.tiers.iter().any(|&shown| !shown) {
        out.push(format!(
            "A tier's count is withheld when it is 1 to {} students.",
            min - 1
        ));
    }
    if plan.outcome_figures && !first.met {
        out.push(format!(
            "The count and share meeting the target{} are withheld when 1 to {} students met the target.",
            if given.judged { "" } else { ", with the number judged," },
            min - 1
        ));
    }
    out
}

fn withhold_outcome_figures(plan: &mut Plan) {
    plan.outcome_figures = false;
    for family in &mut plan.cells {
        family.iter_mut().for_each(|p| *p = false);
    }
    plan.tiers.iter_mut().for_each(|p| *p = false);
    plan.met = false;
    plan.fidelity = false;
    plan.at_fidelity = false;
    plan.breakdown = false;
    plan.effect = false;
    plan.spread = false;
}

/// Something the plan can withhold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Item {
    Cell(usize, usize),
    /// A published cell's size alone.
    Size(usize, usize),
    Tier(usize),
    Spread,
    Breakdown,
    Effect,
    Met,
    Fidelity,
    AtFidelity,
    Round(u64),
    /// Whether the district met its obligation.
    Obligation,
    Total,
    Everything,
}

/// What withholding an item costs a reader of the report, to withhold the cheapest first: a
/// cell or tier little; the payment breakdown less (the total stays); the headline counts, the
/// total and at the last every outcome figure, more and more.
///
/// Cells and tiers do not cost their students, although withholding a smaller one would hide
/// less: which of them is withheld would then say that it holds no more students than those
/// published beside it, and a reader who reruns the module could use that. Two tiers of 25
/// and 24 students decided which one was withheld, and so how many were below every tier (1
/// to 9 became 8 or 9). Ties go to the earlier item, by its place in the report.
fn cost(item: Item, counts: &Counts) -> f64 {
    let e = counts.enrolled.max(1) as f64;
    match item {
        Item::Cell(..) | Item::Tier(_) => 1.25,
        // Its share and mean stay: a reader loses little.
        Item::Size(..) => 0.01,
        Item::Spread => 0.5,
        Item::Breakdown => 1.0,
        Item::Met => 2.0 * e,
        Item::Effect => 2.5 * e,
        Item::Fidelity => 3.0 * e,
        Item::AtFidelity => 1.5 * e,
        // One yes or no, but what the contract holds the district to.
        Item::Obligation => 3.5 * e,
        Item::Round(r) => 4.0 * e + (r.max(1) as f64).log10(),
        Item::Total => 20.0 * e,
        Item::Everything => 100.0 * e,
    }
}

fn cost_of_rounding(counts: &Counts) -> f64 {
    cost(Item::Round(0), counts)
}

/// The plan with `item` withheld too; None when it already is.
fn withheld(plan: &Plan, item: Item, counts: &Counts) -> Option<Plan> {
    let mut p = plan.clone();
    match item {
        // An empty cell is always published: it hides no student and protects none.
        Item::Cell(f, i) if p.cells[f][i] && counts.families[f].tallies[i].n > 0 => {
            p.cells[f][i] = false
        }
        Item::Size(f, i)
            if p.cells[f][i] && p.sizes[f][i] && counts.families[f].tallies[i].n > 0 =>
        {
            p.sizes[f][i] = false
        }
        // So is an empty tier: a reader may take every withheld cell or tier to hold someone.
        Item::Tier(k) if p.tiers[k] && counts.tiers()[k] > 0 => p.tiers[k] = false,
        Item::Breakdown if p.breakdown => p.breakdown = false,
        Item::Spread if p.spread => p.spread = false,
        Item::Effect if p.effect => p.effect = false,
        Item::Met if p.met => p.met = false,
        Item::Fidelity if p.fidelity => p.fidelity = false,
        Item::AtFidelity if p.fidelity && p.at_fidelity => p.at_fidelity = false,
        Item::Round(r) if p.total.is_some_and(|t| t < r) => p.total = Some(r),
        Item::Obligation if p.obligation => p.obligation = false,
        Item::Total if p.total.is_some() => p.total = None,
        Item::Everything if p.outcome_figures => withhold_outcome_figures(&mut p),
        _ => return None,
    }
    Some(p)
}

/// The audit's linear programs treat counts as real numbers; a reader knows they are whole. With
/// two or more withheld counts in the payment (a withheld tier, the students who declined, those
/// below fidelity under `fullOutcome`, the intervention students when the district missed its
/// obligation), an exact payment figure and prices such as $149.99 and $200 leave few whole
/// solutions: 14999 a + 20000 b = 844997 has one. So the breakdown is then withheld and the
/// total rounded to at least the largest per-student amount, which leaves every whole count the
/// linear programs allow within reach of the rounded total.
fn payment_lattice(c: &Contract, payment: &Payment, plan: &Plan) -> Option<u64> {
    // A missed obligation pays every intervention student in full, whatever their tier or
    // decline: one count, whose exact value the linear programs already see.
    if payment.district_obligation_met == Some(false) {
        return None;
    }
    // Every withheld tier is an unknown to a reader, an empty one too (withheld with every
    // outcome figure).
    let tiers = c.tiers_ascending();
    let withheld_tiers = (tiers.iter().zip(&plan.tiers)).filter(|(_, &shown)| !shown);
    let below_fidelity =
        (c.below_fidelity == BelowFidelity::FullOutcome).then(|| c.top_tier_cents());
    let unknown: Vec<u64> = withheld_tiers
        .map(|(t, _)| t.cents_per_student)
        .chain([c.decline_penalty_cents])
        .chain(below_fidelity)
        .filter(|&x| x != 0)
        .map(i64::unsigned_abs)
        .collect();
    (unknown.len() >= 2).then(|| unknown.iter().copied().max().unwrap_or(0))
}

fn whole_numbers_safe(c: &Contract, payment: &Payment, plan: &Plan) -> bool {
    match payment_lattice(c, payment, plan) {
        None => true,
        Some(largest) => !plan.breakdown && plan.total.is_none_or(|r| r >= largest),
    }
}

/// The plan with the breakdown withheld and the total rounded coarsely enough for
/// [`whole_numbers_safe`] (or withheld when no rounding is coarse enough).
fn whole_numbers_plan(c: &Contract, payment: &Payment, mut plan: Plan) -> Plan {
    if let Some(largest) = payment_lattice(c, payment, &plan) {
        plan.breakdown = false;
        if plan.total.is_some_and(|r| r < largest) {
            plan.total = ROUNDINGS.iter().copied().find(|&r| r >= largest);
        }
    }
    plan
}

/// What the report is made from: the contract's terms, the counts and the payment.
#[derive(Clone, Copy)]
struct Subject<'a> {
    c: &'a Contract,
    counts: &'a Counts,
    payment: &'a Payment,
    /// Per quantity, the width of what the report's own words tell of it (see
    /// [`stated_widths`]); empty when they tell nothing.
    stated: &'a [f64],
    /// The plan before any protection (what it withholds, the rules say is small; the report
    /// that publishes nothing is made from it).
    first: &'a Plan,
    bands: &'a Bands,
}

/// The outcomes each tier (ascending) and those below every tier may hold: (least, most).
type TierBands = Vec<(f64, f64)>;

/// The audit's quantities of every table, per cell: its counts (see [`cell_counts`]), and its
/// students in each tier and below every tier (see [`cells_by_tier`]; with one tier, its met
/// count and [`below_one_tier`]'s; none for a table without bands).
struct CellQs {
    counts: Vec<Vec<[Q; 8]>>,
    tiered: Vec<Vec<Vec<Q>>>,
}

/// The outcomes each tier may hold (see [`outcome_bands`]), worked out once for every plan: the
/// card's students at fidelity (whether any declined, the penalty may say), and per table (None
/// for one not audited by tier), each cell's.
struct Bands {
    card: TierBands,
    cells: Vec<Option<Vec<TierBands>>>,
}

impl Bands {
    fn of(c: &Contract, counts: &Counts) -> Bands {
        let of = &counts.outcomes;
        let cells = counts.families.iter().map(|f| {
            f.tiers.as_ref().map(|tiers| {
                // The penalty may say that no one at fidelity declined; of the dose bands'
                // students below fidelity, a reader is supposed to know it when it is so.
                let none_declined =
                    counts.declined == 0 && (!f.dose || tiers.iter().all(|t| t.declined == 0));
                // The table's smallest and largest outcomes set every cell's far ends, so that
                // cells on one scale have the same bands (and the audit solves them as one).
                let among = widest(tiers.iter().filter_map(ByTier::extremes));
                tiers
                    .iter()
                    .map(|t| outcome_bands(c, t, &counts.scale, among, none_declined))
                    .collect()
            })
        });
        Bands {
            card: outcome_bands(c, of, &counts.scale, of.extremes(), counts.declined == 0),
            cells: cells.collect(),
        }
    }
}

/// Withholds one more thing to protect `q`: among the published items tied to it, cheapest
/// first, the first that widens what a reader can tell of it; else one that may widen it with
/// later steps, as a cell of a table where nothing is withheld yet (a total every table adds up
/// to is only free when each table leaves some of it unpublished). The drastic steps (rounding
/// or withholding the payment total, every outcome figure) come only when nothing milder is
/// left. False when nothing is left at all.
fn protect(
    subject: &Subject,
    plan: &mut Plan,
    current: &Model,
    (q, ruled): (Q, bool),
    cache: &mut Cache,
    mild_allowed: bool,
) -> bool {
    let Subject { counts, .. } = *subject;
    // A cell is complemented within its own table first (cell suppression's usual step), and a
    // tier among the tiers; other tables' cells after; the report's other items whatever they
    // are tied to.
    let table = |item: Option<Item>| match item {
        Some(Item::Cell(f, _) | Item::Size(f, _)) => Some(Some(f)),
        Some(Item::Tier(_)) => Some(None),
        _ => None,
    };
    let own = table(current.owner[q.0]);
    let e = counts.enrolled.max(1) as f64;
    let mut items: Vec<Item> = current
        .audit
        .connected(q)
        .iter()
        .filter_map(|&x| current.owner[x.0])
        .collect();
    items.extend(ROUNDINGS.iter().map(|&r| Item::Round(r)));
    items.extend([
        Item::Breakdown,
        Item::Obligation,
        Item::Total,
        Item::Everything,
    ]);
    let mut seen = std::collections::HashSet::new();
    let mut candidates: Vec<(f64, Item)> = Vec::new();
    for item in items {
        if seen.insert(item) && withheld(plan, item, counts).is_some() {
            let other_table = own.is_some() && table(Some(item)).is_some_and(|t| Some(t) != own);
            candidates.push((cost(item, counts) + if other_table { e } else { 0.0 }, item));
        }
    }
    candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let drastic = |cost: f64| cost >= cost_of_rounding(counts);
    if !mild_allowed {
        candidates.retain(|(k, _)| drastic(*k));
    }
    let mild = candidates.iter().take_while(|(k, _)| !drastic(*k)).count();
    let width_now = width(current.view(ruled), q, cache);
    let mut widens = |item: Item| {
        withheld(plan, item, counts).is_some_and(|p| {
            let next = model(subject, &p);
            let audit = next.view(ruled);
            audit.get(q).known == Known::Not && audit.wider_than(q, width_now + 1e-6, cache)
        })
    };
    // The first mild step that widens it; else a rounding of the payment total that widens it
    // alone (a total that says everyone met the target is rounded, rather than cell after cell
    // withheld to no end); else a step that may widen it with later ones.
    let rounding = |k: &usize| matches!(candidates[*k].1, Item::Round(_));
    let chosen = first_widening(&candidates[..mild], &mut widens)
        .or_else(|| {
            (mild..candidates.len())
                .filter(rounding)
                .find(|&k| widens(candidates[k].1))
        })
        .unwrap_or_else(|| without_widening(&candidates[..mild], plan));
    match candidates
        .get(chosen)
        .and_then(|&(_, item)| withheld(plan, item, counts))
    {
        Some(p) => {
            *plan = p;
            true
        }
        None => false,
    }
}

/// The first of the mild `candidates` (cheapest first) that widens what a reader can tell of a
/// count. Each check solves the audit again: a few cells are tried (the first in place), and
/// every other item, however many cells come before it (when everyone met the target, no cell
/// widens what a reader knows of it, but withholding the met count does).
fn first_widening(
    candidates: &[(f64, Item)],
    mut widens: impl FnMut(Item) -> bool,
) -> Option<usize> {
    const TRIED: usize = 12;
    let mut cells_tried = 0;
    (0..candidates.len())
        .filter(|&k| {
            let cell = matches!(candidates[k].1, Item::Cell(..) | Item::Size(..));
            cells_tried += usize::from(cell);
            !cell || cells_tried <= TRIED
        })
        .find(|&k| widens(candidates[k].1))
}

/// When no mild candidate widens a count alone: one that may with later steps, as a cell of
/// the table with the fewest withheld (a total every table adds up to is only free when each
/// table leaves some of it unpublished), or the cheapest other item; a size withheld to no
/// purpose only spends a round.
fn without_widening(candidates: &[(f64, Item)], plan: &Plan) -> usize {
    // (An empty cell is never withheld: these all hold someone.)
    let withheld_in = |f: usize| plan.cells[f].iter().filter(|&&shown| !shown).count();
    (0..candidates.len())
        .min_by_key(|&k| match candidates[k].1 {
            Item::Cell(f, _) => withheld_in(f),
            Item::Size(..) => usize::MAX,
            _ => 0,
        })
        .unwrap_or(0)
}

/// How wide a reader's interval for `q` is under the audit's current knowledge.
fn width(audit: &Audit, q: Q, cache: &mut Cache) -> f64 {
    if audit.get(q).known != Known::Not {
        return 0.0;
    }
    let (low, high) = audit.interval_read(q, cache);
    high - low
}

/// The report's own counts as audit quantities: enrolled, at and below fidelity, with an
/// outcome, meeting the target, the tiers, declined, and those of the dose bands.
struct Top {
    q_e: Q,
    q_i: Q,
    q_a: Q,
    q_b: Q,
    q_o: Q,
    q_m: Q,
    q_d: Q,
    q_judged: Q,
    q_o_all: Q,
    q_m_all: Q,
    /// The tiers, lowest first, then those below every tier.
    tiers: Vec<Q>,
}

/// A count no item of the report publishes (a difference of published ones, a part of a
/// cell), protected when small.
fn unpublished_count(a: &mut Audit, name: &'static str, value: f64, upper: f64, min: f64) -> Q {
    let q = a.quantity(name, value, upper);
    a.get_mut(q).known = Known::Not;
    protect_if_small(a, q, min);
    q
}

/// Every count is protected when it is small (1 to minCellSize - 1): a reader may know a
/// larger one exactly, as the published ones are.
fn protect_if_small(a: &mut Audit, q: Q, min: f64) {
    let x = a.get_mut(q);
    x.protected = x.value > 0.0 && x.value < min;
}

/// The tiers as quantities, lowest first, then those below every tier: the tiers add up to
/// the students meeting the target, and with those below every tier to those with an outcome.
fn tier_quantities(
    a: &mut Audit,
    counts: &Counts,
    plan: &Plan,
    min: f64,
    [q_m, q_l, q_o]: [Q; 3],
) -> Vec<Q> {
    let known = Known::if_published;
    let e = counts.enrolled as f64;
    let mut tiers: Vec<Q> = counts
        .tiers()
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            let q = a.quantity("a tier", n as f64, e);
            a.get_mut(q).known = known(plan.tiers[k]);
            protect_if_small(a, q, min);
            // An empty tier is published as 0, so a withheld one holds at least one student
            // (unless every outcome figure is withheld, empty tiers with them).
            if !plan.tiers[k] && plan.outcome_figures {
                a.get_mut(q).lower = 1.0;
            }
            q
        })
        .collect();
    let mut sum: Vec<(Q, f64)> = tiers.iter().map(|&q| (q, 1.0)).collect();
    sum.push((q_m, -1.0));
    a.relate(sum.clone(), Op::Eq, 0.0);
    sum.pop();
    sum.push((q_l, 1.0));
    sum.push((q_o, -1.0));
    a.relate(sum, Op::Eq, 0.0);
    tiers.push(q_l);
    tiers
}

fn top_counts(a: &mut Audit, c: &Contract, counts: &Counts, plan: &Plan) -> Top {
    let big = 1e15;
    let known = Known::if_published;
    let e = counts.enrolled as f64;
    let q_e = a.quantity("enrolled", e, big);
    let q_i = a.quantity("intervention students", counts.intervention as f64, big);
    let q_x = a.quantity(
        "students excluded below fidelity",
        (counts.intervention - counts.enrolled) as f64,
        big,
    );
    a.relate(vec![(q_i, 1.0), (q_e, -1.0), (q_x, -1.0)], Op::Eq, 0.0);
    a.get_mut(q_i).known = Known::Not;
    // Without exclusion every intervention student is enrolled: no one is excluded.
    if c.below_fidelity != BelowFidelity::Excluded {
        a.get_mut(q_x).known = Known::Exactly;
    } else {
        a.get_mut(q_x).known = Known::Not;
    }
    let q_a = a.quantity("at fidelity", counts.at_fidelity as f64, e);
    let q_b = a.quantity("below fidelity", e - counts.at_fidelity as f64, e);
    let q_o = a.quantity("with an outcome", counts.with_outcome as f64, e);
    let q_w = a.quantity(
        "at fidelity without an outcome",
        (counts.at_fidelity - counts.with_outcome) as f64,
        e,
    );
    let q_m = a.quantity("met the target", counts.met as f64, e);
    let q_l = a.quantity(
        "below every tier",
        counts.outcomes.counts[counts.tiers().len()] as f64,
        e,
    );
    let q_d = a.quantity("declined", counts.declined as f64, e);
    a.get_mut(q_a).known = known(plan.shows_at_fidelity());
    a.get_mut(q_o).known = known(plan.shows_with_outcome());
    a.get_mut(q_m).known = known(plan.shows_met());
    // A complementary cell is withheld to protect a small one, not for its own sake (the
    // protection levels of tau-ARGUS).
    let min = c.min_cell_size as f64;
    for q in [q_b, q_w, q_l, q_d] {
        a.get_mut(q).known = Known::Not;
    }
    for q in [q_x, q_b, q_w, q_l, q_d, q_a, q_o, q_m] {
        protect_if_small(a, q, min);
    }
    a.relate(vec![(q_e, 1.0), (q_a, -1.0), (q_b, -1.0)], Op::Eq, 0.0);
    a.relate(vec![(q_a, 1.0), (q_o, -1.0), (q_w, -1.0)], Op::Eq, 0.0);
    // Those who declined (a post-test below the pre-test) have an outcome, except under a
    // normalized gain those at the maximum on the pre-test (no room to grow, so no outcome),
    // and under a per-student percent of typical those without their own typical growth (two
    // scores, no outcome): then they are only at fidelity.
    let declined_among = match c.metric {
        GrowthMetric::NormalizedGain { .. } => q_a,
        _ if c.metric.per_student() => q_a,
        _ => q_o,
    };
    a.relate(vec![(q_d, 1.0), (declined_among, -1.0)], Op::Le, 0.0);
    let tiers = tier_quantities(a, counts, plan, min, [q_m, q_l, q_o]);
    let q_judged = judged_counts(a, c, counts, plan, [q_a, q_o, q_m]);
    // Without outcome figures the report says why: "fewer than 10 students have an outcome"
    // puts them within 0 to 9 (see [`stated_widths`]); the other reason says at least 10.
    if !plan.outcome_figures {
        a.get_mut(q_o).known = if counts.with_outcome < c.min_cell_size {
            Known::Between(0.0, min - 1.0)
        } else {
            Known::Between(min, e.max(min))
        };
    }
    // Students with an outcome (and meeting the target) among all enrolled, for the dose bands:
    // the at-fidelity figures plus at most the students below fidelity.
    let q_o_all = a.quantity(
        "with an outcome, at fidelity or not",
        dose_total(counts, |t| t.judged),
        e,
    );
    let q_m_all = a.quantity(
        "met the target, at fidelity or not",
        dose_total(counts, |t| t.met),
        e,
    );
    for q in [q_o_all, q_m_all] {
        a.get_mut(q).known = Known::Not;
    }
    Top {
        q_e,
        q_i,
        q_a,
        q_b,
        q_o,
        q_m,
        q_d,
        q_judged,
        q_o_all,
        q_m_all,
        tiers,
    }
}

/// The students the met-target share is over, and those of them who did not meet it.
fn judged_counts(
    a: &mut Audit,
    c: &Contract,
    counts: &Counts,
    plan: &Plan,
    [q_a, q_o, q_m]: [Q; 3],
) -> Q {
    let e = counts.enrolled as f64;
    let min = c.min_cell_size as f64;
    // The students the met-target share is over, published with it: those with an outcome, or
    // under notMet everyone at fidelity.
    let q_judged = a.quantity("judged", counts.judged as f64, e);
    a.get_mut(q_judged).known = Known::if_published(plan.shows_judged());
    let judged_is = if c.missing_outcome == MissingOutcome::NotMet {
        q_a
    } else {
        q_o
    };
    a.relate(vec![(q_judged, 1.0), (judged_is, -1.0)], Op::Eq, 0.0);
    // Those the share is over who did not meet the target: with the met count, what the
    // share says; protected when small like every other complement.
    let q_nm = unpublished_count(
        a,
        "judged without meeting the target",
        (counts.judged - counts.met) as f64,
        e,
        min,
    );
    a.relate(
        vec![(q_judged, 1.0), (q_m, -1.0), (q_nm, -1.0)],
        Op::Eq,
        0.0,
    );
    q_judged
}

/// cell's students by tier (see [`CellQs`]).
/// cell's students by tier (see [`cells_by_tier`]; none for a table not split by tier).
fn cell_quantities(
    a: &mut Audit,
    (c, counts, bands): (&Contract, &Counts, &Bands),
    plan: &Plan,
    (top, q_sum): (&Top, Option<Q>),
) -> CellQs {
    let e = counts.enrolled as f64;
    let min = c.min_cell_size as f64;
    let Top {
        q_e,
        q_o,
        q_m,
        q_judged,
        q_o_all,
        q_m_all,
        ..
    } = *top;
    // A normalized gain is at most 1 and one short of the lowest tier is below its threshold:
    // the sum of the outcomes of the students with one (the growth figures' mean times their
    // number), and of each cell (its mean), bounds the cell's met count. A mean of 0.992 over
    // 200 left at most 3 short of 0.5, and the other cell's sum, by difference, the rest. For the
    // subgroup tables the cells' students in each tier do more (see [`cells_by_tier`]).
    let lowest = match c.metric {
        GrowthMetric::NormalizedGain { .. } => c.tiers_ascending().first().map(|t| t.at_least),
        _ => None,
    };
    let mut cells = Vec::new();
    let mut tiered = Vec::new();
    let published = shown_cells(counts, plan);
    for (f, family) in counts.families.iter().enumerate() {
        // The students with an outcome: the dose bands' are everyone's, the subgroups' those at
        // fidelity (under missingOutcome "notMet" fewer than those the share is over).
        let (judged_total, met_total, outcome_total) = if family.dose {
            (q_o_all, q_m_all, q_o_all)
        } else {
            (q_judged, q_m, q_o)
        };
        // As the report shows each cell (an empty cell is published as 0 when any cell is).
        let qs: Vec<[Q; 8]> = (family.tallies.iter().zip(&published[f]))
            .map(|(t, shown)| {
                let (shown, size) = match shown {
                    Shown::Withheld => (false, false),
                    Shown::WithoutSize => (true, false),
                    Shown::Whole => (true, true),
                };
                cell_counts(a, t, (shown, size), plan, [min, e])
            })
            .collect();
        // Each count's cells add up to the table's total: (place in a cell's counts, total).
        for (k, total) in [
            (0, q_e),
            (1, judged_total),
            (2, met_total),
            (4, outcome_total),
        ] {
            let mut sum: Vec<(Q, f64)> = qs.iter().map(|q| (q[k], 1.0)).collect();
            sum.push((total, -1.0));
            a.relate(sum, Op::Eq, 0.0);
        }
        // Each cell's students by tier, within the bands of its own scores. With one tier, a
        // subgroup cell's split is its met count and its students below the tier with an
        // outcome (a count of its own): no further quantity, which kept the disclosure
        // benchmark's case at 21 s rather than 50 s; nested cells split it like the tiers
        // (see [`beyond_by_tier`]). The dose bands' split feeds their series at and below
        // fidelity (see [`dose_tier_series`]), which with one tier too count those below it on
        // each side of a band holding the threshold: the bands' judged and met, less those at
        // fidelity, gave 3 below fidelity in the band of 15-30 short of the target.
        let by_tier = match &bands.cells[f] {
            Some(bands) if top.tiers.len() > 2 || family.dose => {
                cells_by_tier(a, family, &qs, bands, [min, e])
            }
            Some(bands) => (below_one_tier(a, family, &qs, bands, [min, e]).into_iter())
                .zip(&qs)
                .map(|(below, q)| vec![q[2], below])
                .collect(),
            None => Vec::new(),
        };
        // Across a subgroup table, each tier's students (the dose bands', at fidelity or not, in
        // [`dose_band_relations`]).
        if !family.dose && !by_tier.is_empty() {
            for (k, &tier) in top.tiers.iter().enumerate() {
                let mut terms: Vec<(Q, f64)> = by_tier.iter().map(|ct| (ct[k], 1.0)).collect();
                terms.push((tier, -1.0));
                a.relate(terms, Op::Eq, 0.0);
            }
        }
        if let (Some(t0), None) = (lowest, &bands.cells[f]) {
            // sum <= 1 x met + t0 x (with an outcome - met), with room for rounding.
            for q in &qs {
                let terms = vec![(q[7], 1.0), (q[2], -(1.0 - t0)), (q[4], -t0)];
                a.relate(terms, Op::Le, rounding_room(e, 1.0));
            }
        }
        if let (Some(q_sum), false) = (q_sum, family.dose) {
            let mut sum: Vec<(Q, f64)> = qs.iter().map(|q| (q[7], 1.0)).collect();
            sum.push((q_sum, -1.0));
            a.relate(sum, Op::Eq, 0.0);
        }
        // The table's withheld cells stand alike: the audit solves one for all.
        let withheld = qs
            .iter()
            .enumerate()
            .filter(|&(i, _)| published[f][i] == Shown::Withheld)
            .map(|(i, q)| {
                let mut slots = q.to_vec();
                // (With one tier, the split's met count is the cell's own.)
                let split = by_tier.get(i).into_iter().flatten();
                slots.extend(split.filter(|x| !q.contains(x)));
                slots
            })
            .collect();
        a.groups
            .push(crate::disclosure::Group { members: withheld });
        cells.push(qs);
        tiered.push(by_tier);
    }
    CellQs {
        counts: cells,
        tiered,
    }
}

/// With one tier, a cell's students meeting the target lie in its band and the others below
/// it: the cell's sum of outcomes lies between their bottoms and tops.
fn met_and_unmet_bounds(a: &mut Audit, [sum, met, with]: [Q; 3], bands: &[(f64, f64)], e: f64) {
    let [(low, high), (below_low, below_high)] = bands else {
        return;
    };
    let room = rounding_room(e, high.abs().max(below_low.abs()));
    let most = vec![(sum, 1.0), (met, below_high - high), (with, -below_high)];
    let least = vec![(sum, 1.0), (met, below_low - low), (with, -below_low)];
    a.relate(most, Op::Le, room);
    a.relate(least, Op::Ge, -room);
}

/// Each cell's students with an outcome in each tier and below every tier (within the bands of
/// its own students' scores, see [`outcome_bands`]): they add up to the cell's met count and
/// its students with an outcome; the cell's sum of outcomes lies between its students' band
/// bottoms and tops. Protected when small: tiers of 13 and 47, two cells of 40 with 30 meeting
/// the target and their means put exactly 3 of one cell in the lower tier. Returns each cell's
/// quantities, tier by tier.
fn cells_by_tier(
    a: &mut Audit,
    family: &Family,
    qs: &[[Q; 8]],
    bands: &[Vec<(f64, f64)>],
    [min, e]: [f64; 2],
) -> Vec<Vec<Q>> {
    let held = family.tiers.iter().flatten();
    qs.iter()
        .zip(held)
        .zip(bands)
        .map(|((q, held), bands)| {
            let room = band_room(bands, e);
            let ct: Vec<Q> = held
                .counts
                .iter()
                .map(|&n| unpublished_count(a, "students of a cell in a tier", n as f64, e, min))
                .collect();
            let (met, below) = ct.split_at(ct.len() - 1);
            let mut terms: Vec<(Q, f64)> = met.iter().map(|&x| (x, 1.0)).collect();
            terms.push((q[2], -1.0));
            a.relate(terms, Op::Eq, 0.0);
            a.relate(
                vec![(below[0], 1.0), (q[2], 1.0), (q[4], -1.0)],
                Op::Eq,
                0.0,
            );
            for (side, op) in [(1, Op::Le), (0, Op::Ge)] {
                if let Some(mut terms) = band_sum(bands, &ct, side) {
                    terms.iter_mut().for_each(|t| t.1 = -t.1);
                    terms.push((q[7], 1.0));
                    a.relate(terms, op, if side == 1 { room } else { -room });
                }
            }
            ct
        })
        .collect()
}

/// With one tier, each cell's outcomes lie within its met and unmet students' bands, and its
/// students with an outcome below the tier are a count of their own, protected when small:
/// under missingOutcome "notMet" they are not those the share says did not meet the target
/// (40 of 60 girls met it, and the mean said 45 had an outcome: 5 fell short). Returns that
/// count's quantity, cell by cell.
fn below_one_tier(
    a: &mut Audit,
    family: &Family,
    qs: &[[Q; 8]],
    bands: &[Vec<(f64, f64)>],
    [min, e]: [f64; 2],
) -> Vec<Q> {
    let held = family.tiers.iter().flatten();
    qs.iter()
        .zip(held)
        .zip(bands)
        .map(|((q, held), bands)| {
            met_and_unmet_bounds(a, [q[7], q[2], q[4]], bands, e);
            let n = held.counts.last().copied().unwrap_or(0);
            let below = unpublished_count(a, "students of a cell below the tier", n as f64, e, min);
            a.relate(vec![(below, 1.0), (q[2], 1.0), (q[4], -1.0)], Op::Eq, 0.0);
            below
        })
        .collect()
}

/// Room for rounding in a relation over a sum of up to `terms` values as large as `magnitude`:
/// the sums are of floating-point values (published as means), so a relation the true values
/// meet exactly may miss by their rounding, about 1e-16 of each term (a million gains of 0.1
/// add up to 100000.00000133288).
fn rounding_room(terms: f64, magnitude: f64) -> f64 {
    1e-6 + 1e-9 * terms * (magnitude.min(1e15) + 1.0)
}

/// Room for rounding in a sum of up to `e` outcomes within `bands`.
fn band_room(bands: &[(f64, f64)], e: f64) -> f64 {
    let magnitude = bands
        .iter()
        .flat_map(|&(low, high)| [low, high])
        .filter(|x| x.is_finite())
        .fold(0.0, |m: f64, x| m.max(x.abs()));
    rounding_room(e, magnitude)
}

/// Sum over the bands of each band's count times its top (`side` 1) or bottom (`side` 0): the
/// most or least the students' outcomes can add up to. None when a band that may hold students
/// is open on that side.
fn band_sum(bands: &[(f64, f64)], counts: &[Q], side: usize) -> Option<Vec<(Q, f64)>> {
    let mut terms = Vec::new();
    for (&(low, high), &q) in bands.iter().zip(counts) {
        let edge = if side == 1 { high } else { low };
        if edge.is_finite() {
            terms.push((q, edge));
        } else if low <= high {
            return None;
        }
    }
    Some(terms)
}

/// One cell's counts: students, those its share is over, meeting the target, not meeting it,
/// with an outcome, outside the share, in the share without an outcome; and the sum of its
/// outcomes. `shown` says whether the cell is published.
fn cell_counts(
    a: &mut Audit,
    t: &Tally,
    (shown, size): (bool, bool),
    plan: &Plan,
    [min, e]: [f64; 2],
) -> [Q; 8] {
    let known = Known::if_published;
    let q_n = a.quantity("students in a cell", t.n as f64, e);
    let q_j = a.quantity("students a cell's share is over", t.judged as f64, e);
    let q_m = a.quantity("students in a cell meeting the target", t.met as f64, e);
    // A cell's size (when published with it) and the students its share is over are protected
    // when small; its met count is what the share says, coded near 0% and 100% (see
    // [`coded_share`]).
    a.get_mut(q_n).known = known(shown && size);
    a.get_mut(q_j).known = known(shown);
    for q in [q_n, q_j] {
        protect_if_small(a, q, min);
    }
    // An empty cell is published as 0, so a withheld one holds at least one student.
    if !shown && plan.outcome_figures {
        a.get_mut(q_n).lower = 1.0;
    }
    a.get_mut(q_m).known = match (shown, coded_range(t, min as u64)) {
        (false, _) => Known::Not,
        (true, None) => Known::Exactly,
        (true, Some(coded)) => {
            let j = t.judged as f64;
            match coded {
                Coded::AtMost5 => Known::Between(0.0, (j * 0.05).floor()),
                Coded::AtLeast95 => Known::Between((j * 0.95).ceil(), j),
            }
        }
    };
    let q_u = a.quantity(
        "students in a cell not meeting the target",
        (t.judged - t.met) as f64,
        e,
    );
    // Known where the share is: exactly, or within the coded range.
    a.get_mut(q_u).known = match a.get(q_m).known {
        Known::Exactly => Known::Exactly,
        Known::Between(low, high) => Known::Between(t.judged as f64 - high, t.judged as f64 - low),
        Known::Not => Known::Not,
    };
    // Of a withheld cell a reader must not be sure that none met the target, nor that
    // all did: the table's other figures once said no Somali student met it.
    if !shown && t.judged > 0 {
        a.get_mut(q_m).not_pinned = true;
        a.get_mut(q_u).not_pinned = true;
    }
    // The students of a cell its share is not over (below fidelity, or without an
    // outcome): the difference of two published figures.
    let q_x = a.quantity(
        "students in a cell its share is not over",
        (t.n - t.judged) as f64,
        e,
    );
    a.get_mut(q_x).known = Known::Not;
    // Inside a published cell too, those meeting the target, those not, and those the
    // share is not over are protected when small: "11 of 12 met" says one did not.
    for q in [q_m, q_u, q_x] {
        protect_if_small(a, q, min);
    }
    a.relate(vec![(q_m, 1.0), (q_u, 1.0), (q_j, -1.0)], Op::Eq, 0.0);
    a.relate(vec![(q_j, 1.0), (q_x, 1.0), (q_n, -1.0)], Op::Eq, 0.0);
    // A published mean publishes its denominator too: with whole-number gains, 179/29
    // is the only way to a mean of 6.172413793.
    let q_w = a.quantity(
        "students in a cell with an outcome",
        t.with_metric as f64,
        e,
    );
    // (A cell with no one with an outcome shows no mean, which says just that.)
    a.get_mut(q_w).known = known(shown);
    a.relate(vec![(q_w, 1.0), (q_j, -1.0)], Op::Le, 0.0);
    // Under missingOutcome "notMet" the share is over students without an outcome too: the
    // mean's denominator then says how many of them a published cell holds (254/37 in a cell of
    // 40 judged: 3 without a post-test). Protected when small.
    let q_jw = unpublished_count(
        a,
        "students a cell's share is over without an outcome",
        (t.judged - t.with_metric) as f64,
        e,
        min,
    );
    a.relate(vec![(q_j, 1.0), (q_w, -1.0), (q_jw, -1.0)], Op::Eq, 0.0);
    // The sum of the cell's outcomes, published as its mean (any sign: a normalized gain may
    // be far below 0).
    let q_s = a.quantity("sum of a cell's outcomes", t.metric_sum, f64::INFINITY);
    a.get_mut(q_s).lower = -1e15;
    a.get_mut(q_s).known = known(shown);
    [q_n, q_j, q_m, q_u, q_w, q_x, q_jw, q_s]
}

/// The sum of the outcomes of the students with one at fidelity: the growth figures' mean times
/// their number, published with them (and a dose band's mean may give it too).
fn outcome_sum(a: &mut Audit, counts: &Counts, plan: &Plan) -> Option<Q> {
    let mean = counts.mean_metric?;
    let q = a.quantity(
        "sum of the outcomes",
        mean * counts.with_outcome as f64,
        f64::INFINITY,
    );
    a.get_mut(q).lower = -1e15;
    a.get_mut(q).known = Known::if_published(plan.outcome_figures && plan.fidelity);
    Some(q)
}

/// Each tier's students lie within its band (see [`outcome_bands`]): the sum of the outcomes
/// is at most each student's band top and at least its band bottom. A mean of 0.976 over 63
/// students put at most 3 in a tier that ends at 0.6; with scores of at least 0, a mean of 25.3
/// over 100 with 50 at 50 or more put at most 1 at 80 or more. A student who declined (a
/// post-test below the pre-test) has at most what a step down gives (see
/// [`crate::steps::decline_top`]), the others below every tier at least what a gain of 0 gives:
/// no one declining says that no gain is negative; under a growth index with mean 0 and SD 1
/// the 12 who declined were all below a tier at 5; and on a scale of 2, where every decline of
/// a normalized gain is -1, 40 at 1, 40 at 0.5 and a mean of 0.57 said that 3 declined.
fn sum_bounds(
    a: &mut Audit,
    (c, counts, bands): (&Contract, &Counts, &Bands),
    top: &Top,
    q_sum: Option<Q>,
) {
    let bands = &bands.card;
    let of = &counts.outcomes;
    let q_l = top.tiers[bands.len() - 1];
    // Those who declined with an outcome: every one who declined, but under a normalized gain
    // a student at the maximum on the pre-test declines without one.
    let q_dw = if of.declined == counts.declined {
        top.q_d
    } else {
        let e = counts.enrolled as f64;
        let min = c.min_cell_size as f64;
        let q = unpublished_count(a, "declined with an outcome", of.declined as f64, e, min);
        a.relate(vec![(q, 1.0), (top.q_d, -1.0)], Op::Le, 0.0);
        q
    };
    // A decline is below every tier at or above what a gain of 0 gives (reached a hair below).
    let declines_below = zero_gain(&c.metric, &of.scale)
        .zip(c.tiers_ascending().first())
        .and_then(|((least, most), t)| {
            // (Strictly: a decline rounded to exactly `most` would reach a tier there.)
            (most < reach_point(t.at_least)).then_some((least, most))
        });
    if declines_below.is_some() {
        a.relate(vec![(q_dw, 1.0), (q_l, -1.0)], Op::Le, 0.0);
    }
    let Some(q_sum) = q_sum else {
        return;
    };
    let room = rounding_room(
        counts.with_outcome as f64,
        counts.mean_metric.unwrap_or(0.0).abs(),
    );
    let (floor, ceiling) = bands[bands.len() - 1];
    for (side, op) in [(1, Op::Ge), (0, Op::Le)] {
        let Some(mut terms) = band_sum(bands, &top.tiers, side) else {
            continue;
        };
        let Some((least, most)) = declines_below else {
            terms.push((q_sum, -1.0));
            a.relate(terms, op, if side == 1 { -room } else { room });
            continue;
        };
        if side == 1 {
            // Those who declined are at most a step down (or their own largest outcome, should
            // scores below 0 allow more); the term is their shortfall below the band's top.
            let step = decline_top(&c.metric, &of.scale.read_within(&counts.scale)).unwrap_or(most);
            let highest = of.decline_high.map_or(step, |h| h.max(step));
            if highest < ceiling && ceiling.is_finite() {
                terms.push((q_dw, highest - ceiling));
            }
        } else if floor < least {
            // Those below every tier who did not decline are at least what a gain of 0 gives;
            // those who declined at least the lowest outcome (what a gain of 0 gives when none
            // declined: the linear programs would otherwise let half a student carry the far
            // floor); the term is their excess below `least`.
            if let Some(t) = terms.iter_mut().find(|t| t.0 == q_l) {
                t.1 = least;
            }
            let declined_floor = of.extremes().map_or(floor, |(low, _)| low.min(least));
            terms.push((q_dw, declined_floor - least));
        }
        terms.push((q_sum, -1.0));
        a.relate(terms, op, if side == 1 { -room } else { room });
    }
}

/// The smallest and largest outcome a reader may suppose: a post-test score of at least 0 (when
/// none is below), a normalized gain of at most 1 and at least what a fall from a step short of
/// the maximum to 0 gives (-1 on a scale of 2: a cell of 33 with 23 meeting the target and a
/// mean of 3/33 held at most 3 at the top), and when no one declined, at least what a gain of 0
/// gives (a mean of 25.3 over 100 learners with 50 at 50 or more then put at most 1 at 80 or
/// more); otherwise ends far past the outcomes' own, which bound nothing unless no
/// student can be there (100 of 100 meeting a target of 10 with a mean of 10.2 put at most 1 at
/// 30 or more). Never past the lowest tier's threshold, which would say by itself that every
/// student met the target or none did. The far ends are set from `among` (the smallest and
/// largest outcome of the students of the table), what a gain of 0 gives from the grades of
/// the students whose `scale` (as a reader supposes it, see [`Scale::read_within`]) is given.
fn outcome_range(
    c: &Contract,
    scale: &Scale,
    among: Option<(f64, f64)>,
    none_declined: bool,
) -> (f64, f64) {
    let (low, high) = among.unwrap_or((0.0, 0.0));
    let far = 1e3 * ((high - low).abs() + 1.0);
    let floor = match (&c.metric, zero_gain(&c.metric, scale)) {
        (GrowthMetric::PostScore, _) if low >= 0.0 => 0.0,
        // No one declined: every gain is at least 0.
        (_, Some((zero, _))) if none_declined => zero.min(low),
        // A normalized gain is at least what a fall from the top step to 0 gives (the students'
        // own lowest, should scores below 0 allow less).
        _ => lowest_outcome(&c.metric, scale).map_or(low - far, |least| least.min(low)),
    };
    let ceiling = match c.metric {
        GrowthMetric::NormalizedGain { .. } => 1.0,
        _ => high + far,
    };
    match c.tiers_ascending().first() {
        Some(lowest) => (floor.min(lowest.at_least), ceiling.max(lowest.at_least)),
        None => (floor, ceiling),
    }
}

/// The outcomes the students of `of` may have in each tier, in the order of the tiers'
/// quantities: each tier, then those below every tier. A tier runs from its threshold to the
/// next, narrowed to the steps their scores allow (see [`threshold_steps`]: on a scale of 2 the
/// tier of normalized gains from 0.5 to 0.8 holds 0.5 alone), within the outcomes' own range
/// (see [`outcome_range`]; `none_declined` when a reader may know that none of them declined).
/// Each band holds at least its students' own smallest and largest outcomes, whatever the
/// steps say: the truth stays feasible.
fn outcome_bands(
    c: &Contract,
    of: &ByTier,
    whole: &Scale,
    among: Option<(f64, f64)>,
    none_declined: bool,
) -> Vec<(f64, f64)> {
    let scale = of.scale.read_within(whole);
    let (floor, ceiling) = outcome_range(c, &scale, among, none_declined);
    let thresholds: Vec<f64> = c.tiers_ascending().iter().map(|t| t.at_least).collect();
    let last = thresholds.len();
    let steps = threshold_steps(&c.metric, &scale, &thresholds);
    // The first outcome reaching threshold k, and the last short of it.
    let first = |k: usize| match steps.get(k).copied().flatten() {
        Some((first, _)) => first,
        None => reach_point(thresholds[k]),
    };
    let short = |k: usize| match steps.get(k).copied().flatten() {
        Some((_, short)) => short,
        None => thresholds[k],
    };
    (0..=last)
        .map(|k| {
            let bottom = if k < last { first(k).max(floor) } else { floor };
            // Each tier ends short of the next; the top one at the ceiling; those below every
            // tier short of the lowest.
            let top = match k {
                _ if k + 1 < last => short(k + 1).min(ceiling),
                _ if k == last && last > 0 => short(0).min(ceiling),
                _ => ceiling,
            };
            match of.ranges.get(k).copied().flatten() {
                Some((low, high)) => (bottom.min(low), top.max(high)),
                None => (bottom, top),
            }
        })
        .collect()
}

/// At least half the students with an outcome lie at or above the median, and half at or below:
/// the bands that can hold them hold that many. When the two middle outcomes differ, exactly
/// half are at most the lower and half at least the upper, which a reader may tell from the
/// outcomes' lattice (a median of 7.5 over whole gains: 50 of 100 at 8 or more, and with the
/// met count the tier from 5 to 8 held 3): the bands that hold only outcomes above the lower
/// (or below the upper) middle one hold at most half.
fn median_bounds(
    a: &mut Audit,
    c: &Contract,
    counts: &Counts,
    band_qs: &[Q],
    [q_half, q_o]: [Q; 2],
) {
    let (Some(median), Some((lower, upper))) = (counts.median_metric, counts.median_pair) else {
        return;
    };
    let of = &counts.outcomes;
    let scale = of.scale.read_within(&counts.scale);
    let (floor, ceiling) = outcome_range(c, &scale, of.extremes(), counts.declined == 0);
    // Each band as thresholds: [from, to), the next tier's threshold excluded.
    // A value reaches a threshold a hair below it (see [`crate::growth::reaches`]): 16.4 - 6.4 =
    // 9.999999999999998 is in the tier from 10.
    let cards = c.tiers_ascending();
    let mut spans: Vec<(f64, f64)> = (0..cards.len())
        .map(|k| {
            let to = cards
                .get(k + 1)
                .map_or(f64::INFINITY, |t| reach_point(t.at_least));
            (reach_point(cards[k].at_least), to)
        })
        .collect();
    spans.push((
        f64::NEG_INFINITY,
        cards
            .first()
            .map_or(f64::INFINITY, |t| reach_point(t.at_least)),
    ));
    // Whether a band may hold an outcome at least (or at most) x, within the outcomes' range.
    let holds_at_least = |(from, to): (f64, f64), x: f64| {
        let bottom = from.max(floor).max(x);
        bottom < to && bottom <= ceiling
    };
    let holds_at_most = |(from, to): (f64, f64), x: f64| {
        let bottom = from.max(floor);
        bottom <= x.min(ceiling) && bottom < to
    };
    let sum = |keep: &dyn Fn((f64, f64)) -> bool| -> Vec<(Q, f64)> {
        let mut terms: Vec<(Q, f64)> = spans
            .iter()
            .zip(band_qs)
            .filter(|(&span, _)| keep(span))
            .map(|(_, &q)| (q, 1.0))
            .collect();
        terms.push((q_half, -1.0));
        terms
    };
    a.relate(vec![(q_half, 2.0), (q_o, -1.0)], Op::Eq, 0.0);
    a.relate(sum(&|s| holds_at_least(s, median)), Op::Ge, 0.0);
    a.relate(sum(&|s| holds_at_most(s, median)), Op::Ge, 0.0);
    if lower < upper {
        a.relate(sum(&|s| !holds_at_most(s, lower)), Op::Le, 0.0);
        a.relate(sum(&|s| !holds_at_least(s, upper)), Op::Le, 0.0);
    }
}

/// The growth figures' median and SD against the tiers' thresholds (each tier a band of
/// outcomes, those below every tier one more): at least half the students with an outcome lie
/// on each side of the median; and about any point c their squared distances add up to
/// (n - 1) sd² + n (mean - c)², which the students of each band, at least the band's distance
/// from c away, cannot exceed (Chebyshev's and Cantelli's inequalities, every band at once). An
/// SD of 0.006 about a mean of 0.995 left room for one student below 0.9. Returns the
/// quantities the median and the SD publish, for the plan item that withholds them.
fn spread_bounds(
    a: &mut Audit,
    (c, counts, bands): (&Contract, &Counts, &Bands),
    plan: &Plan,
    top: &Top,
) -> [Q; 2] {
    let n = counts.with_outcome as f64;
    let (m, sd) = (
        counts.mean_metric.unwrap_or(0.0),
        counts.sd_metric.unwrap_or(0.0),
    );
    // In units of the SD about the mean (z), the squared distances add up to n - 1.
    let q_ss = a.quantity(
        "squared distances from the mean, in SDs",
        (n - 1.0).max(0.0),
        1e15,
    );
    let q_half = a.quantity("half the students with an outcome", n / 2.0, 1e15);
    let published = plan.spread && plan.fidelity && plan.outcome_figures;
    a.get_mut(q_ss).known = Known::if_published(published);
    a.get_mut(q_half).known = Known::Not;
    let (Some(_), Some(_), true) = (counts.sd_metric, counts.median_metric, published) else {
        return [q_ss, q_half];
    };
    let bands = &bands.card;
    let band_qs = &top.tiers;
    median_bounds(a, c, counts, band_qs, [q_half, top.q_o]);
    if sd <= 0.0 {
        // Every outcome is the mean: no band without it holds anyone (count <= q_ss - (n - 1)).
        for ((from, to), &q) in bands.iter().zip(band_qs) {
            if !(*from <= m && m <= *to) {
                a.relate(vec![(q, 1.0), (q_ss, -1.0)], Op::Le, -(n - 1.0));
            }
        }
        return [q_ss, q_half];
    }
    let z = |x: f64| (x - m) / sd;
    let zb: Vec<(f64, f64)> = bands.iter().map(|&(from, to)| (z(from), z(to))).collect();
    // The points c: the mean, each threshold and the ceiling, Cantelli's best point for each
    // threshold (v / |t| on the far side of the mean, v the variance in SDs), and each band's
    // middle, where its farther end is nearest (the far side below). Any point gives true
    // relations; those past 1,000 SDs (or at infinity, or NaN) are dropped.
    let v = (n - 1.0) / n;
    let mut centers = vec![0.0];
    for &(from, to) in &zb {
        centers.extend([from, to, -v / from, -v / to, (from + to) / 2.0]);
    }
    centers.retain(|c| c.abs() <= 1e3);
    centers.sort_by(f64::total_cmp);
    centers.dedup();
    for center in centers {
        let distance = |(from, to): (f64, f64)| (from - center).max(center - to).max(0.0);
        let mut terms: Vec<(Q, f64)> = zb
            .iter()
            .zip(band_qs)
            .filter(|((from, to), _)| from <= to)
            .map(|(&band, &q)| (q, distance(band).powi(2).min(1e9)))
            .filter(|(_, k)| *k > 0.0)
            .collect();
        if terms.is_empty() {
            continue;
        }
        // sum over bands of count x distance² <= (n - 1) + n c², with room for rounding.
        let room = rounding_room(n, center * center);
        terms.push((q_ss, -1.0));
        terms.push((top.q_o, -center * center));
        a.relate(terms, Op::Le, room);
        // And the far side: each student is at most its band's farther end from c, so the bands
        // reach the squared distances. 95 normalized gains of 0.5 and 5 of 1 with an SD of
        // 0.1095: about 0.6 the tier from 0.5 to 0.7 reaches 0.01 a student, the one from 0.7
        // to 1 0.16, which put at least 5 in the upper one (and the mean at most 12).
        let farthest = |(from, to): (f64, f64)| (from - center).abs().max((to - center).abs());
        let far_side: Option<Vec<(Q, f64)>> = zb
            .iter()
            .zip(band_qs)
            .filter(|((from, to), _)| from <= to)
            .map(|(&band, &q)| {
                let k = farthest(band).powi(2);
                (k <= 1e9).then_some((q, k))
            })
            .collect();
        if let Some(mut terms) = far_side {
            terms.push((q_ss, -1.0));
            terms.push((top.q_o, -center * center));
            a.relate(terms, Op::Ge, -room);
        }
    }
    [q_ss, q_half]
}

/// Cells holding a published cell of another table: bounds on what they hold beyond it.
fn nested_bounds(
    a: &mut Audit,
    (c, counts, bands): (&Contract, &Counts, &Bands),
    plan: &Plan,
    qs: &CellQs,
) {
    let min = c.min_cell_size as f64;
    // A cell holding a published cell of another table (a grade band and a grade in it) holds at
    // least that many: the few more are a group of their own, protected when small (26 - 25
    // gave one kindergartner away, and 26 x 5.077 - 25 x 4.76 his gain); and beyond all the
    // published cells of a table inside it, as many as they hold.
    let mut inside: std::collections::BTreeMap<(usize, usize, usize), ([u64; 7], usize)> =
        std::collections::BTreeMap::new();
    let beyond = |a: &mut Audit, (fb, b_cell): (usize, usize), held: [u64; 7]| {
        let outer = counts_of(&counts.families[fb].tallies[b_cell], true);
        for (k, (held, holds)) in held.into_iter().zip(outer).enumerate() {
            let apart = holds.saturating_sub(held);
            if apart > 0 && (apart as f64) < min {
                let x = a.get_mut(qs.counts[fb][b_cell][k]);
                x.base = x.base.max(held as f64);
                x.lower = x.lower.max(x.base);
                x.protected = true;
            }
        }
    };
    for &(fa, a_cell, fb, b_cell) in &counts.nested {
        let (Some(inner), Some(_)) = (
            counts.families.get(fa).and_then(|f| f.tallies.get(a_cell)),
            counts.families.get(fb).and_then(|f| f.tallies.get(b_cell)),
        ) else {
            continue;
        };
        if !(plan.cells[fa][a_cell] && inner.n > 0) {
            continue;
        }
        let held = counts_of(inner, plan.sizes[fa][a_cell]);
        beyond(a, (fb, b_cell), held);
        let (all, cells) = inside.entry((fb, b_cell, fa)).or_default();
        all.iter_mut().zip(held).for_each(|(x, y)| *x += y);
        *cells += 1;
        beyond_by_tier(a, (counts, bands), qs, [fa, a_cell, fb, b_cell], min);
    }
    // School a holding classes p and q: 93 - 50 - 40 gave the 3 beyond both.
    for ((fb, b_cell, _), (held, cells)) in inside {
        if cells >= 2 {
            beyond(a, (fb, b_cell), held);
        }
    }
    partitions(a, counts, qs);
}

/// A cell's counts, as [`cell_counts`] places them: students and those its share is not over
/// (when its size is published, `sized`), those its share is over, meeting the target, not
/// meeting it, with an outcome (the means' denominators), judged without one. (School a's 130
/// judged with 117 meeting the target, less class p's 50 and 40, gave 3 beyond p who fell
/// short; 130 - 117 and 50 - 40 enrolled and judged, 3 below fidelity.)
fn counts_of(t: &Tally, sized: bool) -> [u64; 7] {
    [
        if sized { t.n } else { 0 },
        t.judged,
        t.met,
        t.judged - t.met,
        t.with_metric,
        if sized { t.n - t.judged } else { 0 },
        t.judged - t.with_metric,
    ]
}

/// A cell whose students are exactly those of cells of another table inside it (a school and
/// its classes) adds up from them: its counts, its sum of outcomes and its students in each
/// tier. A school of 223 with two of its three classes published gave the third by difference,
/// and its sum of 780 over 23 put at most 3 in the top tier.
fn partitions(a: &mut Audit, counts: &Counts, qs: &CellQs) {
    let mut inside: std::collections::BTreeMap<(usize, usize, usize), Vec<usize>> =
        std::collections::BTreeMap::new();
    // (Not the dose bands: they count students below fidelity too.)
    let dose = |f: usize| counts.families[f].dose;
    for &(fa, a_cell, fb, b_cell) in counts.nested.iter().filter(|n| !dose(n.0) && !dose(n.2)) {
        inside.entry((fb, b_cell, fa)).or_default().push(a_cell);
    }
    for ((fb, b_cell, fa), inner) in inside {
        let n = |f: usize, cell: usize| counts.families[f].tallies[cell].n;
        if inner.len() < 2 || inner.iter().map(|&i| n(fa, i)).sum::<u64>() != n(fb, b_cell) {
            continue;
        }
        let outer = &qs.counts[fb][b_cell];
        for k in [0, 1, 2, 4, 7] {
            let mut terms: Vec<(Q, f64)> =
                inner.iter().map(|&i| (qs.counts[fa][i][k], 1.0)).collect();
            terms.push((outer[k], -1.0));
            a.relate(terms, Op::Eq, 0.0);
        }
        let (Some(outer_tiers), false) = (qs.tiered[fb].get(b_cell), qs.tiered[fa].is_empty())
        else {
            continue;
        };
        for (t, &q) in outer_tiers.iter().enumerate() {
            let mut terms: Vec<(Q, f64)> =
                inner.iter().map(|&i| (qs.tiered[fa][i][t], 1.0)).collect();
            terms.push((q, -1.0));
            a.relate(terms, Op::Eq, 0.0);
        }
    }
}

/// Split by tier, the students of a cell beyond a cell of another table inside it are a group of
/// their own, within the outer cell's bands, protected when small: a school of 133 and a class
/// of 100 in it, both published with their means, left 23 whose sum of 780 put at most 3 at the
/// top tier from 60; with one tier, under missingOutcome "notMet", a school's and a class's
/// means and shares left 3 beyond the class with an outcome short of the target. Nothing when
/// either table has no bands.
fn beyond_by_tier(
    a: &mut Audit,
    (counts, bands): (&Counts, &Bands),
    qs: &CellQs,
    [fa, a_cell, fb, b_cell]: [usize; 4],
    min: f64,
) {
    let held = |f: usize, cell: usize| counts.families[f].tiers.as_ref().and_then(|t| t.get(cell));
    let (Some(ct_in), Some(ct_out), Some(Some(outer_bands)), Some(held_in), Some(held_out)) = (
        qs.tiered[fa].get(a_cell),
        qs.tiered[fb].get(b_cell),
        bands.cells[fb].as_ref().map(|b| b.get(b_cell)),
        held(fa, a_cell),
        held(fb, b_cell),
    ) else {
        return;
    };
    // With one tier, a cell inside holding each student with an outcome of the cell around it
    // leaves no one beyond: tying their met and below counts equal pins on one cell only what is
    // pinned, and protected when small, on the other (both are the cells' own counts). Skipped:
    // the many identical cells of the disclosure benchmark's case took 47.7 s instead of 20 s.
    if held_in.counts.len() == 2 && held_in.counts == held_out.counts {
        return;
    }
    let e = counts.enrolled as f64;
    let beyond: Vec<Q> = ct_out
        .iter()
        .zip(ct_in)
        .enumerate()
        .map(|(k, (&o, &i))| {
            let value = held_out.counts[k].saturating_sub(held_in.counts[k]);
            let q = unpublished_count(
                a,
                "beyond a cell inside it, in a tier",
                value as f64,
                e,
                min,
            );
            a.relate(vec![(q, 1.0), (o, -1.0), (i, 1.0)], Op::Eq, 0.0);
            q
        })
        .collect();
    let room = band_room(outer_bands, e);
    let (s_out, s_in) = (qs.counts[fb][b_cell][7], qs.counts[fa][a_cell][7]);
    for (side, op) in [(1, Op::Le), (0, Op::Ge)] {
        if let Some(mut terms) = band_sum(outer_bands, &beyond, side) {
            terms.iter_mut().for_each(|t| t.1 = -t.1);
            terms.extend([(s_out, 1.0), (s_in, -1.0)]);
            a.relate(terms, op, if side == 1 { room } else { -room });
        }
    }
}

/// Which dose bands hold whom, against the counts at and below fidelity. Returns the students
/// below fidelity with an outcome, and the dose bands split at the fidelity rule.
fn dose_band_relations(
    a: &mut Audit,
    (c, counts, bands): (&Contract, &Counts, &Bands),
    qs: &CellQs,
    (top, q_sum): (&Top, Option<Q>),
) -> (Q, Vec<Option<Split>>) {
    let Top {
        q_a,
        q_b,
        q_o,
        q_m,
        q_o_all,
        q_m_all,
        ..
    } = *top;
    let e = counts.enrolled as f64;
    let min = c.min_cell_size as f64;
    // The dose bands count the students below fidelity with an outcome that the growth figures
    // leave out: a count of its own (the bands' total less the growth's n gave one student's
    // gain away), protected when small, like those of them meeting the target.
    let q_ob = a.quantity(
        "below fidelity with an outcome",
        dose_total(counts, |t| t.judged) - counts.with_outcome as f64,
        e,
    );
    let q_mb = a.quantity(
        "below fidelity meeting the target",
        dose_total(counts, |t| t.met) - counts.met as f64,
        e,
    );
    for q in [q_ob, q_mb] {
        a.get_mut(q).known = Known::Not;
        protect_if_small(a, q, min);
    }
    let mut split_bands_of_table = Vec::new();
    if let Some(f) = counts.families.iter().position(|f| f.dose) {
        // (students, with an outcome, meeting the target) against (below fidelity, ... with an
        // outcome, ... meeting the target), then each tier's.
        let family = &counts.families[f];
        let of_bands = |pick: fn(&Tally) -> u64, slot: usize| -> Vec<(Q, u64)> {
            qs.counts[f]
                .iter()
                .zip(&family.tallies)
                .map(|(q, t)| (q[slot], pick(t)))
                .collect()
        };
        let mut series = vec![
            DoseSeries {
                bands: of_bands(|t| t.n, 0),
                below: q_b,
                at: q_a,
            },
            DoseSeries {
                bands: of_bands(|t| t.judged, 1),
                below: q_ob,
                at: q_o,
            },
            DoseSeries {
                bands: of_bands(|t| t.met, 2),
                below: q_mb,
                at: q_m,
            },
        ];
        series.extend(dose_tier_series(
            a,
            counts,
            family,
            (&qs.tiered[f], top),
            [min, e],
        ));
        let sides = band_sides(c, counts);
        let splits = split_bands(a, family, (&series, &sides), [min, e]);
        parts_within(a, &splits, [min, e]);
        let past: Vec<Q> = series
            .iter()
            .enumerate()
            .map(|(k, s)| bands_hold_whom(a, c, counts, (s, k), (&sides, &splits)))
            .collect();
        // Below fidelity in the bands past the threshold: those with an outcome are some of
        // them, those meeting the target some of those; the ones without an outcome are a
        // count of their own (a band of 15-30 holding the 7 below fidelity beside 0-15's 30,
        // with the bands' judged, put a withheld band's 1 student within 0 to 3).
        if let [n, judged, met, ..] = past[..] {
            a.relate(vec![(judged, 1.0), (n, -1.0)], Op::Le, 0.0);
            a.relate(vec![(met, 1.0), (judged, -1.0)], Op::Le, 0.0);
            let value = a.get(n).value - a.get(judged).value;
            let q = unpublished_count(
                a,
                "below fidelity in a band past the threshold, without an outcome",
                value.max(0.0),
                e,
                min,
            );
            a.relate(vec![(n, 1.0), (judged, -1.0), (q, -1.0)], Op::Eq, 0.0);
        }
        let dose = DoseTable {
            f,
            sides: &sides,
            splits: &splits,
        };
        dose_sum(a, (counts, bands), &qs.counts, dose, (q_sum, q_ob));
        split_bands_of_table = splits;
    }
    // With the students below fidelity excluded, a reader knows that no one enrolled is below
    // it (review: else a withheld band's 3 meeting the target followed from the tier's count
    // less the other bands' where the threshold lies inside a band).
    if c.below_fidelity == BelowFidelity::Excluded {
        for q in [q_b, q_ob, q_mb] {
            let x = a.get_mut(q);
            (x.lower, x.upper) = (0.0, 0.0);
        }
    }
    a.relate(vec![(q_o_all, 1.0), (q_o, -1.0), (q_ob, -1.0)], Op::Eq, 0.0);
    without_outcome(a, counts, top, q_ob, min);
    a.relate(vec![(q_m_all, 1.0), (q_m, -1.0), (q_mb, -1.0)], Op::Eq, 0.0);
    a.relate(vec![(q_mb, 1.0), (q_ob, -1.0)], Op::Le, 0.0);
    (q_ob, split_bands_of_table)
}

/// The students without an outcome, below fidelity and in all, counts of their own: the bands'
/// judged add up to everyone with an outcome, so with the bands published without their sizes,
/// 600 - 535 - (581 - 518) said that 2 below fidelity had no post-test, and 5,000 - 4,991 that 9
/// had none.
fn without_outcome(a: &mut Audit, counts: &Counts, top: &Top, q_ob: Q, min: f64) {
    let Top {
        q_e, q_b, q_o_all, ..
    } = *top;
    let e = counts.enrolled as f64;
    let with_outcome_all = dose_total(counts, |t| t.judged);
    let q_nb = unpublished_count(
        a,
        "below fidelity without an outcome",
        (e - counts.at_fidelity as f64 - (with_outcome_all - counts.with_outcome as f64)).max(0.0),
        e,
        min,
    );
    a.relate(vec![(q_b, 1.0), (q_ob, -1.0), (q_nb, -1.0)], Op::Eq, 0.0);
    let q_none = unpublished_count(
        a,
        "enrolled without an outcome",
        (e - with_outcome_all).max(0.0),
        e,
        min,
    );
    a.relate(
        vec![(q_e, 1.0), (q_o_all, -1.0), (q_none, -1.0)],
        Op::Eq,
        0.0,
    );
}

/// One count over the dose bands: each band's quantity and value, and the quantities of the
/// students it counts below and at fidelity.
struct DoseSeries {
    bands: Vec<(Q, u64)>,
    below: Q,
    at: Q,
}

/// Each tier's count over the dose bands (below every tier last): the bands' students in it
/// are those at fidelity and those below it, a count of their own, protected when small (a
/// band of 300 with a mean of 58.9, everyone else at 59, held one student at 29). None when
/// the bands are not split by tier.
fn dose_tier_series(
    a: &mut Audit,
    counts: &Counts,
    family: &Family,
    (by_tier, top): (&[Vec<Q>], &Top),
    [min, e]: [f64; 2],
) -> Vec<DoseSeries> {
    let (Some(held), false) = (&family.tiers, by_tier.is_empty()) else {
        return Vec::new();
    };
    let mut series = Vec::new();
    for (k, &at) in top.tiers.iter().enumerate() {
        let in_bands: u64 = held.iter().map(|h| h.counts[k]).sum();
        let at_value = counts.outcomes.counts[k];
        let below = unpublished_count(
            a,
            "below fidelity with an outcome in a tier",
            in_bands.saturating_sub(at_value) as f64,
            e,
            min,
        );
        let mut terms: Vec<(Q, f64)> = by_tier.iter().map(|ct| (ct[k], 1.0)).collect();
        terms.extend([(at, -1.0), (below, -1.0)]);
        a.relate(terms, Op::Eq, 0.0);
        let bands = by_tier.iter().zip(held).map(|(ct, h)| (ct[k], h.counts[k]));
        series.push(DoseSeries {
            bands: bands.collect(),
            below,
            at,
        });
    }
    series
}

/// Where a dose band's students stand against the fidelity rule, as a reader tells from the
/// band's edges and the contract.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    /// The band ends at or below the minutes the rule asks (under the weekly rule, the least
    /// average a student at fidelity can have, or share x minimum when it holds no one at
    /// fidelity): no one in it is at fidelity.
    Below,
    /// It starts at or past them, and no enrolled student is short of the weeks rule (a reader
    /// may suppose it: the bands then split the students at fidelity from the rest): everyone
    /// in it is at fidelity. Under the weekly rule, only when its share is 0.
    At,
    /// Students on both sides: the band holding the threshold, or with students short of weeks
    /// any band past it.
    Either,
}

/// Each dose band's [`Side`].
fn band_sides(c: &Contract, counts: &Counts) -> Vec<Side> {
    let m = c.fidelity.min_minutes_per_week;
    // (Bands ending at or below this are below fidelity; starting at or past this, at it.)
    // Under the weekly rule, fidelity is k of the weeks at m or more with k / weeks >= s > 0, so
    // k >= 1 and weeks >= 1 (k is whole and at most weeks). Those weeks take k x m minutes, less
    // the reader's rounding room, so an average of s x m less that room at least (a hair less
    // again for the division's own rounding). No average says that the weeks reach m: with
    // m = 0, fidelity is the weeks column alone and every band is open.
    // A band ending at or below s x m itself (not that less the room) is below too when it holds
    // no one at fidelity, as in every roster of whole minutes: a reader supposing whole minutes
    // knows it, and the audit, taking a true fact as known, only protects more.
    let (below_to, below_if_none_at, at_from) = match c.fidelity.min_share_of_weeks {
        Some(s) if s > 0.0 => (
            crate::roster::least_minutes(s * m) * (1.0 - 1e-12),
            s * m,
            f64::INFINITY,
        ),
        Some(_) => (0.0, 0.0, 0.0),
        None => (m, m, m),
    };
    let at_fidelity = counts.families.iter().find(|f| f.dose);
    let none_at = |band: usize| {
        at_fidelity
            .and_then(|f| f.at_fidelity.get(band))
            .is_some_and(|at| at.tally.n == 0)
    };
    let edges = (DOSE_BANDS.iter().enumerate()).map(|(band, &(from, _))| {
        let to = DOSE_BANDS.get(band + 1).map_or(f64::INFINITY, |b| b.0);
        (band, from, to)
    });
    edges
        .map(|(band, from, to)| {
            if to <= below_to || to <= below_if_none_at && none_at(band) {
                Side::Below
            } else if from >= at_from && !counts.short_of_weeks {
                Side::At
            } else {
                Side::Either
            }
        })
        .collect()
}

/// A band with students on both sides of the fidelity rule, split: per count of the dose
/// series (students, with an outcome, meeting the target, then each tier's), its students at
/// fidelity and below.
struct Split {
    at: Vec<Q>,
    below: Vec<Q>,
}

/// The bands of [`Side::Either`] split into their students at fidelity and below, each a count
/// of its own, protected when small: with the threshold at 20 minutes inside the band of
/// 15-30 and every band past it published, the students at fidelity with an outcome less those
/// of the bands past 30 gave the 6 of 20-30 minutes and their met count away.
fn split_bands(
    a: &mut Audit,
    family: &Family,
    (series, sides): (&[DoseSeries], &[Side]),
    [min, e]: [f64; 2],
) -> Vec<Option<Split>> {
    (0..sides.len())
        .map(|b| {
            let at = family
                .at_fidelity
                .get(b)
                .filter(|_| sides[b] == Side::Either)?;
            let mut at_values = vec![at.tally.n, at.tally.judged, at.tally.met];
            at_values.extend(&at.tiers);
            let mut split = Split {
                at: Vec::new(),
                below: Vec::new(),
            };
            for (s, &at_value) in series.iter().zip(&at_values) {
                let (band, whole) = s.bands[b];
                let q_at =
                    unpublished_count(a, "at fidelity in a dose band", at_value as f64, e, min);
                let q_below = unpublished_count(
                    a,
                    "below fidelity in a dose band",
                    whole.saturating_sub(at_value) as f64,
                    e,
                    min,
                );
                a.relate(
                    vec![(band, 1.0), (q_at, -1.0), (q_below, -1.0)],
                    Op::Eq,
                    0.0,
                );
                split.at.push(q_at);
                split.below.push(q_below);
            }
            Some(split)
        })
        .collect()
}

/// Within each side of a split band, as within any cell: those with an outcome are some of its
/// students, and the others a count of their own, protected when small (at fidelity 4,638 less
/// 4,481 with an outcome, less those of the bands from 30 up, gave the one student of 25-30
/// minutes at fidelity without a post-test); those meeting the target are some of those with an
/// outcome; the tiers add up to those meeting the target, and with those below every tier to
/// those with an outcome.
fn parts_within(a: &mut Audit, splits: &[Option<Split>], [min, e]: [f64; 2]) {
    for side in splits.iter().flatten().flat_map(|s| [&s.at, &s.below]) {
        let [n, judged, met, ref tiers @ ..] = side[..] else {
            continue;
        };
        let without = a.get(n).value - a.get(judged).value;
        let name = "in a side of a dose band, without an outcome";
        let q = unpublished_count(a, name, without.max(0.0), e, min);
        a.relate(vec![(n, 1.0), (judged, -1.0), (q, -1.0)], Op::Eq, 0.0);
        a.relate(vec![(met, 1.0), (judged, -1.0)], Op::Le, 0.0);
        if let Some((_, meeting)) = tiers.split_last() {
            let mut terms: Vec<(Q, f64)> = meeting.iter().map(|&q| (q, 1.0)).collect();
            terms.push((met, -1.0));
            a.relate(terms, Op::Eq, 0.0);
            let mut terms: Vec<(Q, f64)> = tiers.iter().map(|&q| (q, 1.0)).collect();
            terms.push((judged, -1.0));
            a.relate(terms, Op::Eq, 0.0);
        }
    }
}

/// Which dose bands hold whom, for the series' `k`th count: the students at fidelity are those
/// of the bands [`Side::At`] and the split bands' at fidelity; those below, of the bands
/// [`Side::Below`] and the split bands' below.
/// Returns the students below fidelity in the split bands (all past the threshold), a count of
/// its own, protected when small: a band of 103 against 100 at fidelity gave 3 away, and their
/// met count and gains with it.
fn bands_hold_whom(
    a: &mut Audit,
    c: &Contract,
    counts: &Counts,
    (s, k): (&DoseSeries, usize),
    (sides, splits): (&[Side], &[Option<Split>]),
) -> Q {
    let of_side = |side: Side, part: fn(&Split) -> &[Q]| -> Vec<(Q, f64)> {
        s.bands
            .iter()
            .zip(sides)
            .filter(|(_, &x)| x == side)
            .map(|(&(q, _), _)| (q, 1.0))
            .chain(splits.iter().flatten().map(|sp| (part(sp)[k], 1.0)))
            .collect()
    };
    let mut at = of_side(Side::At, |sp| &sp.at);
    at.push((s.at, -1.0));
    a.relate(at, Op::Eq, 0.0);
    let mut below = of_side(Side::Below, |sp| &sp.below);
    below.push((s.below, -1.0));
    a.relate(below, Op::Eq, 0.0);
    let split_below: Vec<Q> = splits.iter().flatten().map(|sp| sp.below[k]).collect();
    let q_r = unpublished_count(
        a,
        "below fidelity in a band past the threshold",
        split_below.iter().map(|&q| a.get(q).value).sum(),
        counts.enrolled as f64,
        c.min_cell_size as f64,
    );
    let mut split_below: Vec<(Q, f64)> = split_below.into_iter().map(|q| (q, 1.0)).collect();
    split_below.push((q_r, -1.0));
    a.relate(split_below, Op::Eq, 0.0);
    q_r
}

/// The dose table: its place among the families, each band's [`Side`] and the split bands.
struct DoseTable<'a> {
    f: usize,
    sides: &'a [Side],
    splits: &'a [Option<Split>],
}

/// The dose bands' means add up to the outcomes at fidelity (the growth figures' sum) and those
/// of the students below fidelity, each no larger than the largest outcome: with no one below
/// fidelity, a band's mean is the growth figures' own (and bounds the tiers as they do). Band
/// by band: a band [`Side::At`] holds outcomes at fidelity only, one [`Side::Below`] outcomes
/// below it only, and a split band's sum is that of its students at fidelity and of those
/// below, each within the band's tiers' bands (with the threshold at the edge of the band of
/// 45-60, withheld, the growth figures' sum less the band of 60+ gave the band's sum, and with
/// it, its 6 students at the top tier).
fn dose_sum(
    a: &mut Audit,
    (counts, bands): (&Counts, &Bands),
    cells: &[Vec<[Q; 8]>],
    dose: DoseTable,
    (q_sum, q_ob): (Option<Q>, Q),
) {
    let Some(q_sum) = q_sum else {
        return;
    };
    let DoseTable { f, sides, splits } = dose;
    let family = &counts.families[f];
    let tallies = &family.tallies;
    let e = counts.enrolled as f64;
    let largest = tallies
        .iter()
        .map(|t| t.metric_magnitude)
        .fold(0.0, f64::max);
    let below: f64 = tallies.iter().map(|t| t.metric_sum).sum::<f64>()
        - counts.mean_metric.unwrap_or(0.0) * counts.with_outcome as f64;
    let q_sb = a.quantity("sum of the outcomes below fidelity", below, f64::INFINITY);
    a.get_mut(q_sb).lower = -1e15;
    a.get_mut(q_sb).known = Known::Not;
    let mut at_terms = vec![(q_sum, -1.0)];
    let mut below_terms = vec![(q_sb, -1.0)];
    for (b, q) in cells[f].iter().enumerate() {
        match (sides[b], &splits[b]) {
            (Side::At, _) => at_terms.push((q[7], 1.0)),
            (Side::Below, _) => below_terms.push((q[7], 1.0)),
            (Side::Either, Some(split)) => {
                let at_value = family
                    .at_fidelity
                    .get(b)
                    .map_or(0.0, |x| x.tally.metric_sum);
                let band_bands = bands.cells[f].as_ref().and_then(|x| x.get(b));
                let q_at = part_sum(
                    a,
                    "sum of a band's outcomes at fidelity",
                    at_value,
                    (&split.at, band_bands),
                    e,
                );
                let q_below = part_sum(
                    a,
                    "sum of a band's outcomes below fidelity",
                    tallies[b].metric_sum - at_value,
                    (&split.below, band_bands),
                    e,
                );
                a.relate(
                    vec![(q[7], 1.0), (q_at, -1.0), (q_below, -1.0)],
                    Op::Eq,
                    0.0,
                );
                at_terms.push((q_at, 1.0));
                below_terms.push((q_below, 1.0));
            }
            (Side::Either, None) => {}
        }
    }
    // Each with room for rounding, as the sums are published as means. (A band of either side
    // without its split counts would leave the sums only in total.)
    let room = rounding_room(e, largest);
    let mut within_room = |terms: Vec<(Q, f64)>| {
        a.relate(terms.clone(), Op::Le, room);
        a.relate(terms, Op::Ge, -room);
    };
    if splits
        .iter()
        .zip(sides)
        .all(|(s, &x)| x != Side::Either || s.is_some())
    {
        within_room(at_terms);
        within_room(below_terms);
    } else {
        let mut terms: Vec<(Q, f64)> = cells[f].iter().map(|q| (q[7], 1.0)).collect();
        terms.extend([(q_sum, -1.0), (q_sb, -1.0)]);
        within_room(terms);
    }
    a.relate(vec![(q_sb, 1.0), (q_ob, -largest)], Op::Le, room);
    a.relate(vec![(q_sb, -1.0), (q_ob, -largest)], Op::Le, room);
}

/// The sum of the outcomes of one side of a split band (`counts` its series' counts: students,
/// with an outcome, meeting the target, then each tier's), within the band's tiers' bands when
/// it is audited by tier.
fn part_sum(
    a: &mut Audit,
    name: &'static str,
    value: f64,
    (counts, bands): (&[Q], Option<&TierBands>),
    e: f64,
) -> Q {
    let q = a.quantity(name, value, f64::INFINITY);
    a.get_mut(q).lower = -1e15;
    a.get_mut(q).known = Known::Not;
    let Some(bands) = bands else {
        return q;
    };
    match counts {
        [_, _, _, tiers @ ..] if tiers.len() == bands.len() => {
            let room = band_room(bands, e);
            for (side, op) in [(1, Op::Le), (0, Op::Ge)] {
                if let Some(mut terms) = band_sum(bands, tiers, side) {
                    terms.iter_mut().for_each(|t| t.1 = -t.1);
                    terms.push((q, 1.0));
                    a.relate(terms, op, if side == 1 { room } else { -room });
                }
            }
        }
        [_, judged, met] => met_and_unmet_bounds(a, [q, *met, *judged], bands, e),
        _ => {}
    }
    q
}

/// When fewer than `minCellSize` students have an outcome the report says so, and that alone
/// puts every count among them within 0 to `minCellSize - 1`: what a reader can tell of each
/// count from the report's words and the enrolment, before any payment figure, is accepted; the
/// payment must tell no more (with a rounded total and a decline penalty, it once told that 3
/// to 5 met the target). Per quantity, that width (infinite for one not protected).
fn stated_widths(
    c: &Contract,
    counts: &Counts,
    payment: &Payment,
    first: &Plan,
    bands: &Bands,
) -> Vec<f64> {
    if counts.with_outcome >= c.min_cell_size {
        return Vec::new();
    }
    let mut words_only = first.clone();
    words_only.total = None;
    words_only.obligation = false;
    words_only.breakdown = false;
    let subject = Subject {
        c,
        counts,
        payment,
        stated: &[],
        first,
        bands,
    };
    let audit = model(&subject, &words_only).audit;
    let mut cache = Cache::default();
    (0..audit.quantities.len())
        .map(|i| {
            if audit.quantities[i].protected {
                let (low, high) = audit.interval_alone(Q(i), &mut cache);
                whole_width(low, high)
            } else {
                f64::INFINITY
            }
        })
        .collect()
}

/// The audit's quantities and relations for this plan. The quantities come in the same order
/// whatever the plan, so an index means the same thing in every model.
fn model(subject: &Subject, plan: &Plan) -> Model {
    let Subject {
        c,
        counts,
        payment,
        stated,
        ..
    } = *subject;
    let mut a = Audit::default();
    let top = top_counts(&mut a, c, counts, plan);
    let q_sum = outcome_sum(&mut a, counts, plan);
    let subject_bands = (c, counts, subject.bands);
    let cells = cell_quantities(&mut a, subject_bands, plan, (&top, q_sum));
    sum_bounds(&mut a, subject_bands, &top, q_sum);
    let spread = spread_bounds(&mut a, subject_bands, plan, &top);
    nested_bounds(&mut a, subject_bands, plan, &cells);
    let (q_ob, splits) = dose_band_relations(&mut a, subject_bands, &cells, (&top, q_sum));
    let Top {
        q_e,
        q_i,
        q_a,
        q_b,
        q_o,
        q_m,
        q_d,
        q_judged,
        ref tiers,
        ..
    } = top;
    let effect = effect_counts(&mut a, c, counts, plan, [q_e, q_i, q_o, q_ob]);
    let money = payment_relations(
        &mut a,
        c,
        counts,
        payment,
        plan,
        tiers,
        [q_e, q_i, q_a, q_b, q_d],
    );
    for (x, &width) in a.quantities.iter_mut().zip(stated) {
        x.stated_width = width;
    }
    // What the rules say: a tier the first plan withholds holds 1 to 9 students, as does the
    // met count it withholds; one this plan withholds beyond it (a complement) 10 or more. Of
    // a cell they say only that one of its counts is small (its students, those judged, with an
    // outcome, meeting the target or not): its students are taken as known small when they
    // are, the others not, as a reader cannot tell which (taking them all, two withheld cells
    // with a few meeting the target each put at least 2 in a withheld tier, and no report but
    // the empty one was safe). A complement cell's students are not taken as 10 or more: with
    // 20 tables each needing one, the bounds kept the audit from averaging alike cells, and a
    // roster of 1,500 took minutes instead of 18 seconds.
    let mut said = vec![false; a.quantities.len()];
    for (f, family) in cells.counts.iter().enumerate() {
        for (i, qs) in family.iter().enumerate() {
            said[qs[0].0] |= !subject.first.cells[f][i];
        }
    }
    for (k, q) in tiers.iter().take(counts.tiers().len()).enumerate() {
        said[q.0] |= !plan.tiers[k];
    }
    said[q_m.0] |= !plan.met;
    let ruled = a.with_small_counts_known(c.min_cell_size as f64, &said);
    let mut owner = vec![None; a.quantities.len()];
    for (f, family) in cells.counts.iter().enumerate() {
        for (i, qs) in family.iter().enumerate() {
            for q in qs {
                owner[q.0] = Some(Item::Cell(f, i));
            }
            owner[qs[0].0] = Some(Item::Size(f, i));
        }
    }
    // A split band's sides are the band's: its cells and sizes protect them first.
    if let Some(f) = counts.families.iter().position(|f| f.dose) {
        for (b, split) in splits.iter().enumerate() {
            for q in split.iter().flat_map(|s| s.at.iter().chain(&s.below)) {
                owner[q.0] = Some(Item::Cell(f, b));
            }
        }
    }
    for (k, q) in tiers.iter().take(counts.tiers().len()).enumerate() {
        owner[q.0] = Some(Item::Tier(k));
    }
    owner[q_m.0] = Some(Item::Met);
    owner[q_judged.0] = Some(Item::Met);
    owner[q_a.0] = Some(Item::AtFidelity);
    owner[q_o.0] = Some(Item::Fidelity);
    for q in spread {
        owner[q.0] = Some(Item::Spread);
    }
    for q in effect.into_iter().flatten() {
        owner[q.0] = Some(Item::Effect);
    }
    for q in money {
        owner[q.0] = Some(Item::Breakdown);
    }
    Model {
        audit: a,
        ruled,
        owner,
        headline: [q_m, q_judged, q_a, q_o],
    }
}

/// The local effect's intervention students with a post-test: those with an outcome at fidelity,
/// and the others with a post-test (below fidelity, excluded, or at fidelity without an
/// outcome), a count of their own, protected when small: 103 in the effect against 100 with an
/// outcome gave away the 3 below fidelity with a post-test. Every outcome needs a post-test, so
/// the others hold the students below fidelity with an outcome. None without a published effect.
fn effect_counts(
    a: &mut Audit,
    c: &Contract,
    counts: &Counts,
    plan: &Plan,
    [q_e, q_i, q_o, q_ob]: [Q; 4],
) -> Option<[Q; 2]> {
    let n = counts.analysed_intervention?;
    let big = 1e15;
    let q_p = a.quantity("intervention students with a post-test", n as f64, big);
    let q_pb = unpublished_count(
        a,
        "intervention students with a post-test outside the growth figures",
        n.saturating_sub(counts.with_outcome) as f64,
        big,
        c.min_cell_size as f64,
    );
    a.get_mut(q_p).known = Known::if_published(plan.effect && plan.outcome_figures);
    a.relate(vec![(q_p, 1.0), (q_o, -1.0), (q_pb, -1.0)], Op::Eq, 0.0);
    a.relate(vec![(q_ob, 1.0), (q_pb, -1.0)], Op::Le, 0.0);
    // With post-test scores every post-test is an outcome: the others are exactly those below
    // fidelity with an outcome and the excluded with a post-test (49 - 23 - (42 - 17) said that
    // 1 below fidelity had none).
    if matches!(c.metric, GrowthMetric::PostScore) {
        let q_xp = a.quantity(
            "excluded with a post-test",
            (a.get(q_pb).value - a.get(q_ob).value).max(0.0),
            big,
        );
        a.get_mut(q_xp).known = Known::Not;
        a.relate(vec![(q_pb, 1.0), (q_ob, -1.0), (q_xp, -1.0)], Op::Eq, 0.0);
        a.relate(vec![(q_xp, 1.0), (q_i, -1.0), (q_e, 1.0)], Op::Le, 0.0);
    }
    // The intervention students without a post-test, protected like any count: with no one
    // excluded, 103 enrolled against the effect's 100 said that 3 had none.
    let q_np = unpublished_count(
        a,
        "intervention students without a post-test",
        counts.intervention.saturating_sub(n) as f64,
        big,
        c.min_cell_size as f64,
    );
    a.relate(vec![(q_i, 1.0), (q_p, -1.0), (q_np, -1.0)], Op::Eq, 0.0);
    Some([q_p, q_pb])
}

/// The sum of one count over the dose bands (every enrolled student with an outcome).
fn dose_total(counts: &Counts, pick: fn(&Tally) -> u64) -> f64 {
    counts
        .families
        .iter()
        .find(|f| f.dose)
        .map_or(0.0, |f| f.tallies.iter().map(pick).sum::<u64>() as f64)
}

/// The payment as a reader can recompute it from the contract's public terms.
fn payment_relations(
    a: &mut Audit,
    c: &Contract,
    counts: &Counts,
    p: &Payment,
    plan: &Plan,
    tiers: &[Q],
    [q_e, q_i, q_a, q_b, q_d]: [Q; 5],
) -> [Q; 4] {
    let big = 1e15;
    let known = Known::if_published;
    let top = c.top_tier_cents() as f64;
    let per = c.per_student_base_cents as f64;
    let fee = c.base_fee_cents as f64;
    let failed = p.district_obligation_met == Some(false);
    // When the district misses its obligation, every intervention student is paid in full.
    let paid_for = if failed { q_i } else { q_e };
    let q_base = a.quantity("base payment", p.base_cents as f64, big);
    let q_outcome = a.quantity("outcome payment", p.outcome_cents as f64, big);
    let q_penalty = a.quantity("penalty", p.penalty_cents as f64, big);
    let q_max = a.quantity("maximum payment", p.maximum_cents as f64, big);
    let q_total = a.quantity("total payment", p.total_cents as f64, big);
    for q in [q_base, q_outcome, q_penalty, q_max] {
        a.get_mut(q).known = known(plan.breakdown);
    }
    a.get_mut(q_total).known = match plan.total {
        Some(0) => Known::Exactly,
        Some(r) => {
            let r = r as f64;
            let low = (p.total_cents as f64 / r).round() * r - r / 2.0;
            Known::Between(low.max(0.0), low + r)
        }
        None => Known::Not,
    };
    a.relate(vec![(q_base, 1.0), (paid_for, -per)], Op::Eq, fee);
    if failed {
        a.relate(vec![(q_outcome, 1.0), (q_i, -top)], Op::Eq, 0.0);
        a.relate(vec![(q_penalty, 1.0)], Op::Eq, 0.0);
    } else {
        let mut outcome: Vec<(Q, f64)> = vec![(q_outcome, 1.0)];
        let cards = c.tiers_ascending();
        for (k, t) in cards.iter().enumerate() {
            outcome.push((tiers[k], -(t.cents_per_student as f64)));
        }
        if c.below_fidelity == BelowFidelity::FullOutcome {
            outcome.push((q_b, -top));
        }
        a.relate(outcome, Op::Eq, 0.0);
        a.relate(
            vec![(q_penalty, 1.0), (q_d, -(c.decline_penalty_cents as f64))],
            Op::Eq,
            0.0,
        );
    }
    // The total and the maximum, each clamped by the floor and the cap as the contract says.
    let floor = c.floor_cents.unwrap_or(0) as f64;
    let cap = c.cap_cents.map_or(f64::INFINITY, |x| x as f64);
    let raw = (p.base_cents + p.outcome_cents - p.penalty_cents) as f64;
    let net = vec![(q_base, 1.0), (q_outcome, 1.0), (q_penalty, -1.0)];
    clamped(a, q_total, raw, net, floor, cap);
    let full = (p.base_cents as f64)
        + top
            * if failed {
                counts.intervention
            } else {
                counts.enrolled
            } as f64;
    clamped(
        a,
        q_max,
        full,
        vec![(q_base, 1.0), (paid_for, top)],
        floor,
        cap,
    );
    // Whether the district met its obligation: at fidelity against a share of the intervention
    // students. The relations above are those of the true case; a reader who sees any payment
    // figure weighs both cases, each with its own condition, so the true case's condition is
    // part of what the reader may know, published or not. With no payment figure and no
    // obligation published, neither case constrains the counts.
    let payment_seen = plan.obligation || plan.breakdown || plan.total.is_some();
    if let (Some(d), Some(met), true) = (
        &c.district_obligation,
        p.district_obligation_met,
        payment_seen,
    ) {
        let terms = vec![(q_a, 1.0), (q_i, -d.min_share_at_fidelity)];
        if met {
            a.relate(terms, Op::Ge, 0.0);
        } else {
            a.relate(terms, Op::Le, 0.0);
        }
    }
    [q_base, q_outcome, q_penalty, q_max]
}

/// A payment figure `q` that is `raw` (the sum of `terms`) clamped by the floor and the cap:
/// at the cap or the floor only an inequality on `terms` is known, otherwise `q` equals them
/// (nothing when `q` is withheld).
fn clamped(a: &mut Audit, q: Q, raw: f64, mut terms: Vec<(Q, f64)>, floor: f64, cap: f64) {
    // Withheld, the figure tells nothing, not even which case holds.
    if a.get(q).known == Known::Not {
        return;
    }
    // The contract reader keeps 0 <= floor <= cap: a sum at or past the cap pays the cap, one at
    // or below the floor (0 without one, a negative sum too) the floor.
    if raw >= cap {
        a.relate(terms, Op::Ge, cap);
    } else if raw <= floor {
        a.relate(terms, Op::Le, floor);
    } else {
        terms.push((q, -1.0));
        a.relate(terms, Op::Eq, 0.0);
    }
}

/// The report the plan allows.
fn report(
    c: &Contract,
    counts: &Counts,
    growth: &Growth,
    effect: Option<ReportEffect>,
    p: &Payment,
    (plan, shown): (Plan, &[Vec<Shown>]),
    protections: Vec<String>,
) -> OutcomesReport {
    let min = c.min_cell_size;
    let figures = plan.outcome_figures;
    let cells = |dose: bool| -> Vec<Cell> {
        counts
            .families
            .iter()
            .zip(shown)
            .filter(|(f, _)| f.dose == dose && figures)
            .flat_map(|(f, shown)| {
                f.values
                    .iter()
                    .zip(&f.tallies)
                    .zip(shown)
                    .map(|((value, t), &shown)| report::Cell::of(&f.column, value, t, shown))
            })
            .collect()
    };
    let tier_counts = c
        .tiers_ascending()
        .iter()
        .zip(counts.tiers())
        .zip(&plan.tiers)
        .filter(|_| figures)
        .map(|((t, &n), &shown)| TierCount {
            label: t.label.clone(),
            at_least: t.at_least,
            count: shown.then_some(n),
            suppressed: !shown,
        })
        .collect();
    let rounded = |r: u64| ((p.total_cents as f64 / r as f64).round() * r as f64) as i64;
    let withheld_sentence = (!figures).then(|| {
        if counts.with_outcome < min {
            format!(
                "Fewer than {min} students have an outcome, so no outcome figure is published: any would describe too few students."
            )
        } else {
            "No outcome figure is published: none could be published without giving away a small count.".to_string()
        }
    });
    OutcomesReport {
        schema: report::REPORT_SCHEMA,
        generator: report::Generator {
            name: "evidence-check",
            version: crate::version(),
        },
        product: c.product_name.clone(),
        vendor: c.vendor.clone(),
        contract_id: c.id.clone(),
        period: c.period.clone(),
        // Set when the evaluator signs (or by evaluateContract's `issued` option).
        issued: None,
        // Set by `evaluate`, which has the roster's bytes.
        roster_digest: String::new(),
        currency: c.currency.clone(),
        metric: c.metric.kind(),
        min_cell_size: min,
        students: report::ReportStudents {
            enrolled: counts.enrolled,
            at_fidelity: (figures && plan.shows_at_fidelity()).then_some(counts.at_fidelity),
            with_outcome: (figures && plan.shows_with_outcome()).then_some(counts.with_outcome),
            met_target: (figures && plan.shows_met()).then_some(counts.met),
            judged: (figures && plan.shows_judged()).then_some(counts.judged),
        },
        // (With the figures published, at least the cell size are judged: no division by 0.)
        share_met_target: (figures && plan.shows_met() && plan.shows_judged())
            .then(|| counts.met as f64 / counts.judged as f64),
        growth: (figures && plan.fidelity).then_some(Growth {
            median: growth.median.filter(|_| plan.spread),
            sd: growth.sd.filter(|_| plan.spread),
            ..*growth
        }),
        effect: effect.filter(|_| figures && plan.effect),
        tiers: tier_counts,
        dose_response: cells(true),
        subgroups: cells(false),
        // Set by the evaluation from the figures above, when the contract lists costs.
        cost: None,
        // Set by the evaluation, which has the hours of use.
        growth_per_hour: None,
        payment: report::ReportPayment {
            total_cents: plan.total.map(|r| if r == 0 { p.total_cents } else { rounded(r) }),
            total_rounded_to_cents: plan.total.filter(|&r| r > 0),
            base_cents: plan.breakdown.then_some(p.base_cents),
            outcome_cents: plan.breakdown.then_some(p.outcome_cents),
            penalty_cents: plan.breakdown.then_some(p.penalty_cents),
            maximum_cents: plan.breakdown.then_some(p.maximum_cents),
            contingent_share: plan.breakdown.then_some(p.contingent_share),
            district_obligation_met: p.district_obligation_met.filter(|_| plan.obligation),
        },
        disclosure: Disclosure {
            min_cell_size: min,
            audit: format!(
                "Checked before publishing by linear programming over every published figure and the contract's public terms, table by table, with the subgroup tables laid over one another and the dose bands over each: no count of 1 to {} students can be worked out to a range of whole numbers narrower than {min} (a group that only cells of several tables describe, narrower than 2; a count the rules below bound, such as a withheld tier's, narrower than they say); nor, by a reader who takes each count of 1 to {} as such, narrowed within that range beyond what the rules alone say. Some relations are not modelled (the standard deviation with one table's means; a scale's published maximum); evidence-check's documentation lists them.",
                min.saturating_sub(1),
                min.saturating_sub(1)
            ),
            protections,
            withheld: withheld_sentence,
        },
    }
}
