//! The tables together: what a reader who lays the subgroup tables over one another can tell of
//! the groups of students that cells of different tables make. The audit's linear programs
//! ([`super::model`]) cover each table with the report's totals; this covers the tables together,
//! twice. By counts ([`pinned_combination`]): "high needs" 43, ELL 23 and special education 23
//! give the 3 students who are both. Through the cells' outcomes ([`pinned_by_outcomes`]), which
//! counts alone do not see: with post-test scores, grade 4's mean of 0 says that every grade 4
//! student scored 0, below every tier; ELL's met count and mean then say how many ELL students
//! scored what, and so how many of them are in grade 4; the dose bands' met counts and means do
//! the same with each subgroup table. A group of 1 to `minCellSize - 1`
//! students of some count must not be pinned (exactly, by equations; by linear programming, to
//! an interval less than 2 wide, which may hold a single whole number); the smallest of its
//! published cells is then withheld.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use super::{
    band_room, band_sides, band_sum, coded_range, Bands, Counts, Given, Plan, Side, TierBands,
};
use crate::contract::{BelowFidelity, Contract, MissingOutcome};
use crate::disclosure::{pinned_subset, pinned_sums, Audit, Cache, Hull, Known, Op, TooLarge, Q};
use crate::report::{Coded, Tally};
use crate::steps::widest;

/// What the tables together give away under a plan: the published cells of a group pinned to
/// 1 to `minCellSize - 1` students, or of a group with none of its own the cells that pin it
/// (`Ok(None)` when none is), or too many combinations to check.
pub type Crossing = Result<Option<Vec<(usize, usize)>>, TooLarge>;

/// What the checks depend on: outcome figures, cells, their sizes, tiers, met count and fidelity
/// counts published, and the counts published as the other figures give them.
type Published = (
    bool,
    Vec<Vec<bool>>,
    Vec<Vec<bool>>,
    Vec<bool>,
    bool,
    bool,
    Given,
);

/// Both checks of the tables together, by counts ([`pinned_combination`]) then through the
/// outcomes ([`pinned_by_outcomes`]), answered once per plan: they depend on the cells and totals
/// published alone, and the backward pass asks again of plans that differ elsewhere.
pub struct Crossings<'a> {
    c: &'a Contract,
    counts: &'a Counts,
    bands: &'a Bands,
    answers: RefCell<HashMap<Published, Crossing>>,
    cache: RefCell<Cache>,
}

impl<'a> Crossings<'a> {
    /// No plan checked yet, with the outcomes' bands (see [`super::Bands`]).
    pub fn new(c: &'a Contract, counts: &'a Counts, bands: &'a Bands) -> Self {
        Crossings {
            c,
            counts,
            bands,
            answers: RefCell::default(),
            cache: RefCell::default(),
        }
    }

    /// What the tables together give away under `plan`.
    pub fn check(&self, plan: &Plan) -> Crossing {
        let key = (
            plan.outcome_figures,
            plan.cells.clone(),
            plan.sizes.clone(),
            plan.tiers.clone(),
            plan.met,
            plan.fidelity,
            plan.given,
        );
        if let Some(known) = self.answers.borrow().get(&key) {
            return known.clone();
        }
        let (c, counts) = (self.c, self.counts);
        let found = match pinned_combination(c, counts, plan) {
            Ok(None) => match pinned_tiers(c, counts, plan, self.bands) {
                Ok(None) => self.through_outcomes(plan),
                other => other,
            },
            other => other,
        };
        self.answers.borrow_mut().insert(key, found.clone());
        found
    }

    /// [`pinned_by_outcomes`] over the subgroup tables together, then over the dose bands with
    /// each subgroup table in turn, then over every table at once when that makes at most
    /// [`MOST_GROUPS_ALL_TABLES`] groups. The dose bands with every table at once multiplied
    /// the groups by the bands and took the calculator's sample (6,000 students, three columns)
    /// from 0.2 s to 27 s; a table at a time keeps each program to bands x cells.
    fn through_outcomes(&self, plan: &Plan) -> Crossing {
        let (c, counts) = (self.c, self.counts);
        let shown = |f: &usize| {
            counts.families[*f]
                .tallies
                .iter()
                .zip(&plan.cells[*f])
                .any(|(t, &shown)| shown && t.n > 0)
        };
        let (dose, subgroups): (Vec<usize>, Vec<usize>) = (0..counts.families.len())
            .filter(shown)
            .partition(|&f| counts.families[f].dose);
        let mut cache = self.cache.borrow_mut();
        let mut check = |tables: &[usize], most_groups: usize| {
            pinned_by_outcomes(
                c,
                (counts, plan, tables),
                self.bands,
                &mut cache,
                most_groups,
            )
        };
        if subgroups.len() >= 2 {
            if let found @ (Err(_) | Ok(Some(_))) = check(&subgroups, MOST_GROUPS) {
                return found;
            }
        }
        for &d in &dose {
            for &f in &subgroups {
                if let found @ (Err(_) | Ok(Some(_))) = check(&[d, f], MOST_GROUPS) {
                    return found;
                }
            }
        }
        // Then every table at once, where the groups are few: with grade, ELL and the dose
        // bands together, grade 3's mean of 0 told where its 7 students lie, and the ELL and
        // band figures then pinned a group of 1 that each pair of tables left open.
        let mut all = dose;
        all.extend(&subgroups);
        if subgroups.len() >= 2 && all.len() > subgroups.len() {
            // (Too many groups here leaves the pairs' answer, rather than withholding tables.)
            return check(&all, MOST_GROUPS_ALL_TABLES).or(Ok(None));
        }
        Ok(None)
    }
}

/// Most groups the dose bands and every subgroup table laid over one another at once may
/// make for [`Crossings::through_outcomes`] to check them so (past it, the dose bands lie over
/// one subgroup table at a time): the linear programs grow about as the cube of the groups.
pub const MOST_GROUPS_ALL_TABLES: usize = 64;

/// A count of each combination (see [`super::Combination`]) that published cells state exactly:
/// what it counts; whether every dose band counts it too (they count the same students, but
/// their outcome figures include students below fidelity; a band everyone in is at fidelity
/// states the others as a subgroup cell does); whether a published cell states it only with its
/// size; whether a published cell's figures give it (a coded share gives its met count only as
/// a range, see [`coded_range`]); and whether it leaves out those judged, which under
/// `missingOutcome: "notMet"` a dose band states only with its size (its judged are those with
/// an outcome; everyone at fidelity is judged).
type Population = (fn(&Tally) -> u64, bool, bool, fn(&Tally, u64) -> bool, bool);

const POPULATIONS: [Population; 7] = [
    (|t| t.n, true, true, |_, _| true, true),
    (|t| t.judged, false, false, |_, _| true, false),
    (|t| t.n - t.judged, false, true, |_, _| true, false),
    (
        |t| t.met,
        false,
        false,
        |t, min| coded_range(t, min).is_none(),
        true,
    ),
    (
        |t| t.judged - t.met,
        false,
        false,
        |t, min| coded_range(t, min).is_none(),
        false,
    ),
    // The means' denominators, published with a mean (a published cell without one has no one
    // with an outcome); and with the number judged, those judged without an outcome (under
    // missingOutcome "notMet").
    (|t| t.with_metric, false, false, |_, _| true, true),
    (
        |t| t.judged - t.with_metric,
        false,
        false,
        |_, _| true,
        false,
    ),
];

/// The published cells of a group of students, taken from cells of different tables, that
/// holds from 1 to `min - 1` students of some count and that the published cells pin down
/// exactly: "high needs" (ELL or special education) 43, ELL 23, special education 23 give the
/// 3 students who are both, and with the cells' means the sum of their gains. A reader is
/// supposed to know which combinations of values no student holds (a union column's meaning
/// says so), and every total. The audit's linear programs cover each table with the report's
/// totals; this covers the tables together, as equations alone.
pub fn pinned_combination(c: &Contract, counts: &Counts, plan: &Plan) -> Crossing {
    pinned_in(c, (counts, plan), &POPULATIONS)
}

/// [`pinned_combination`] over the counts of `populations`.
fn pinned_in(
    c: &Contract,
    (counts, plan): (&Counts, &Plan),
    populations: &[Population],
) -> Crossing {
    if counts.combinations.is_empty() || !plan.outcome_figures {
        return Ok(None);
    }
    let min = c.min_cell_size;
    // Which dose bands state the counts at fidelity, once for every count.
    let bands = (
        all_at_fidelity(c, counts, plan),
        none_below_with_outcome(counts),
    );
    for &population in populations {
        let (count, with_dose, ..) = population;
        // Equation 0 is the total; then one per published cell that states the count.
        let (cell_of_row, row_of) = stated_rows(c, (counts, plan), &bands, population);
        // Groups published alike merge: a reader cannot tell them apart.
        let mut groups: BTreeMap<Vec<usize>, u64> = BTreeMap::new();
        let keys: Vec<Vec<usize>> = (counts.combinations.iter())
            .map(|x| {
                let mut rows = vec![0];
                rows.extend(x.cells.iter().enumerate().filter_map(|(f, &i)| {
                    row_of
                        .get(f)
                        .and_then(|r| r.get(i as usize).copied().flatten())
                }));
                *groups.entry(rows.clone()).or_default() += count(&x.tally);
                rows
            })
            .collect();
        groups.retain(|_, held| *held > 0);
        let columns: Vec<Vec<usize>> = groups.keys().cloned().collect();
        let group_of: Vec<Option<usize>> = (keys.iter())
            .map(|k| columns.binary_search(k).ok())
            .collect();
        let published: Vec<usize> = (0..row_of.len())
            .filter(|&f| row_of[f].iter().any(Option::is_some))
            .collect();
        let unions = unions(counts, &group_of, count, (&published, min));
        let mut sums: Vec<Vec<usize>> = (0..columns.len()).map(|j| vec![j]).collect();
        sums.extend(unions.iter().map(|u| u.groups.clone()));
        let exact = pinned_sums(cell_of_row.len(), &columns, &sums)?;
        // A small group pinned, with its published cells; or with none of its own, the total
        // less the other groups. A group that is all of one table's unpublished cells is that
        // table's total less its published ones, which the table's audit sees; one only several
        // tables describe (ELL and special education, of "high needs" 165 of 255, ELL 95 and
        // special education 95: 25, of whom 5 without a post-test) is this check's, and the
        // cells that pin it are withheld in their place.
        let found = |held: u64, cells: Vec<(usize, usize)>| {
            if !cells.is_empty() {
                return Some(cells);
            }
            let one_table = (counts.families.iter().zip(&row_of))
                .filter(|(family, _)| with_dose || !family.dose)
                .any(|(family, rows)| {
                    let unpublished = (family.tallies.iter().zip(rows))
                        .filter(|(_, row)| row.is_none())
                        .map(|(t, _)| count(t));
                    unpublished.sum::<u64>() == held
                });
            (!one_table && cell_of_row.len() > 1).then(|| cell_of_row[1..].to_vec())
        };
        let alone = (groups.iter()).map(|(rows, &held)| {
            let cells = rows[1..].iter().map(|&r| cell_of_row[r]).collect();
            (held, cells)
        });
        // A union's published cells: those of its values in the tables that describe it.
        let together = unions.iter().map(|u| {
            let cells = (u.cells.iter())
                .filter(|&&(f, i)| row_of[f][i].is_some())
                .copied()
                .collect();
            (u.held, cells)
        });
        for ((held, cells), exact) in alone.chain(together).zip(exact) {
            if exact && held < min {
                if let Some(cells) = found(held, cells) {
                    return Ok(Some(cells));
                }
            }
        }
        // Any other set of few groups whose sum is pinned: with x = y XOR z (yes/no columns),
        // 103 + 42 - 71 - 71 gave the 3 students of x = y XOR z, and with the means, their mean
        // gain; split by a fourth column among 27 small groups, the not-met counts gave them
        // alike. Its groups' published cells.
        let weights: Vec<u64> = groups.values().copied().collect();
        if let Some(set) = pinned_subset(cell_of_row.len(), &columns, &weights, min)? {
            let mut cells: Vec<(usize, usize)> = (set.iter())
                .flat_map(|&g| columns[g][1..].iter().map(|&r| cell_of_row[r]))
                .collect();
            cells.sort_unstable();
            cells.dedup();
            let held = set.iter().map(|&g| weights[g]).sum();
            if let Some(cells) = found(held, cells) {
                return Ok(Some(cells));
            }
        }
    }
    Ok(None)
}

/// The tiers' counts of each combination, where published cells state them. A cell whose
/// outcomes can take one value in each tier and one below them, with at most two tiers an
/// outcome reaches (normalized gains on a scale of 2 from a pre-test of 0: 0, 0.5 and 1, with
/// tiers at 0.5 and 1, and any at 0.75 or 1.5), states its students in each tier by its met
/// count and mean: the top tier holds 2 x the sum less the met count. With x = y XOR z,
/// y = N's 12 and z = N's 12 in it less x = N's 21 gave 3 students. Each tier is then checked
/// as [`pinned_combination`] checks the students, over the cells that state it (a dose band
/// only when everyone in it is at fidelity: its tiers count those below fidelity too).
pub fn pinned_tiers(c: &Contract, counts: &Counts, plan: &Plan, bands: &Bands) -> Crossing {
    let tiers = counts.tiers().len();
    if tiers < 2 || counts.combinations.is_empty() || !plan.outcome_figures {
        return Ok(None);
    }
    let fidelity = (
        all_at_fidelity(c, counts, plan),
        none_below_with_outcome(counts),
    );
    let stating = tier_stating_cells(c, (counts, plan), bands, &fidelity);
    if !stating.iter().flatten().any(|&x| x) {
        return Ok(None);
    }
    let mut view_plan = plan.clone();
    for (f, cells) in stating.into_iter().enumerate() {
        view_plan.sizes[f] = vec![true; cells.len()];
        view_plan.cells[f] = cells;
    }
    // The students of tier k as the students of a view of the counts.
    const TIER: [Population; 1] = [(|t| t.n, true, true, |_, _| true, true)];
    for k in 0..tiers {
        let in_tier = |n: u64| Tally {
            n,
            ..Tally::default()
        };
        let mut view = counts.clone();
        view.enrolled = counts.tiers()[k];
        for x in &mut view.combinations {
            x.tally = in_tier(x.tiers.get(k).copied().unwrap_or(0));
        }
        for family in &mut view.families {
            let of = |i: usize| {
                (family.tiers.as_ref())
                    .and_then(|t| t.get(i))
                    .and_then(|t| t.counts.get(k).copied())
                    .unwrap_or(0)
            };
            family.tallies = (0..family.tallies.len()).map(|i| in_tier(of(i))).collect();
        }
        if let found @ (Err(_) | Ok(Some(_))) = pinned_in(c, (&view, &view_plan), &TIER) {
            return found;
        }
    }
    Ok(None)
}

/// Per table, per cell: whether it states its students in each tier ([`pinned_tiers`]): a
/// published cell whose share is not coded, whose bands are points ([`bands_are_points`]),
/// and, of a dose band, whose tiers count students at fidelity alone (everyone in it at
/// fidelity, or no one below fidelity with an outcome: `fidelity`, as [`stated_rows`] takes it).
fn tier_stating_cells(
    c: &Contract,
    (counts, plan): (&Counts, &Plan),
    bands: &Bands,
    (at_fidelity, none_below): &(Vec<bool>, bool),
) -> Vec<Vec<bool>> {
    let thresholds: Vec<f64> = c.tiers_ascending().iter().map(|t| t.at_least).collect();
    let tiers = counts.tiers().len();
    (counts.families.iter().enumerate())
        .map(|(f, family)| {
            let cell_bands = bands.cells.get(f).and_then(Option::as_ref);
            (0..family.tallies.len())
                .map(|i| {
                    let at = at_fidelity.get(i).copied().unwrap_or(false);
                    plan.cells[f][i]
                        && coded_range(&family.tallies[i], c.min_cell_size).is_none()
                        && (!family.dose || at || *none_below)
                        && (cell_bands.and_then(|b| b.get(i))).is_some_and(|b| {
                            b.len() == tiers + 1 && bands_are_points(b, &thresholds)
                        })
                })
                .collect()
        })
        .collect()
}

/// Whether a cell's met count and sum give each tier's count: each band (the tiers, lowest
/// first, then below every tier) a single value, or none (a tier no outcome reaches: from 1 to
/// 0.5, or short of its threshold), and at most two tiers with one, apart from each other and
/// from the value below them.
fn bands_are_points(bands: &TierBands, thresholds: &[f64]) -> bool {
    let reached = |k: usize| {
        let (low, high) = bands[k];
        low <= high && thresholds.get(k).is_none_or(|&at| high >= at)
    };
    let live: Vec<f64> = (0..bands.len())
        .filter(|&k| reached(k))
        .map(|k| bands[k].0)
        .collect();
    let met_live = (0..bands.len().saturating_sub(1))
        .filter(|&k| reached(k))
        .count();
    (0..bands.len()).all(|k| !reached(k) || bands[k].0 == bands[k].1)
        && met_live <= 2
        && live.windows(2).all(|w| w[0] != w[1])
}

/// Per dose band, whether a reader knows everyone in it at fidelity: a band past the
/// threshold with no one short of weeks; any band past those below the threshold when those
/// below fidelity are not enrolled, or are as many as those bands hold; or a band whose every
/// combination lies in a published cell everyone in is judged (at fidelity). The report's
/// count at fidelity is taken as known whether published or not, which only errs on the side
/// of protecting.
fn all_at_fidelity(c: &Contract, counts: &Counts, plan: &Plan) -> Vec<bool> {
    let sides = band_sides(c, counts);
    let Some(dose) = counts.families.iter().position(|family| family.dose) else {
        return Vec::new();
    };
    let bands = &counts.families[dose].tallies;
    let below_bands: u64 = (bands.iter().zip(&sides))
        .filter(|(_, side)| **side == Side::Below)
        .map(|(t, _)| t.n)
        .sum();
    let everyone_at = c.below_fidelity == BelowFidelity::Excluded
        || counts.enrolled.saturating_sub(counts.at_fidelity) == below_bands;
    // A published cell with its size, everyone in it judged: all at fidelity.
    let clean = |x: &super::Combination| {
        (counts.families.iter().enumerate()).any(|(f, family)| {
            let i = x.cells[f] as usize;
            !family.dose
                && plan.cells[f][i]
                && plan.sizes[f][i]
                && family.tallies[i].n == family.tallies[i].judged
        })
    };
    let mut all_clean = vec![true; bands.len()];
    for x in counts.combinations.iter().filter(|x| x.tally.n > 0) {
        if let Some(band) = all_clean.get_mut(x.cells[dose] as usize) {
            *band &= clean(x);
        }
    }
    (sides.iter().zip(all_clean))
        .map(|(side, clean)| match side {
            Side::At => true,
            Side::Either => everyone_at || clean,
            Side::Below => false,
        })
        .collect()
}

/// Whether no one below fidelity has an outcome: the dose bands' judged (those with an outcome,
/// at fidelity or not) add up to the count with one at fidelity. Then a band's counts of those
/// with an outcome are of students at fidelity.
fn none_below_with_outcome(counts: &Counts) -> bool {
    let judged: u64 = (counts.families.iter())
        .filter(|family| family.dose)
        .flat_map(|family| family.tallies.iter().map(|t| t.judged))
        .sum();
    judged == counts.with_outcome
}

/// The equations of a count ([`Population`]): (table, cell) of each row past the total's
/// (row 0), and each cell's row, where a published cell states the count.
type Rows = (Vec<(usize, usize)>, Vec<Vec<Option<usize>>>);

/// The rows of [`pinned_combination`]'s equations for `population`, with the dose bands all at
/// fidelity (see [`all_at_fidelity`]) and whether no one below fidelity has an outcome.
fn stated_rows(
    c: &Contract,
    (counts, plan): (&Counts, &Plan),
    (at_fidelity, none_below): &(Vec<bool>, bool),
    population: Population,
) -> Rows {
    let (_, with_dose, needs_size, stated, judged_free) = population;
    let not_met = c.missing_outcome == MissingOutcome::NotMet;
    // Counts of those with an outcome alone (not of everyone enrolled, nor under notMet of those
    // judged without one), when no one below fidelity has an outcome.
    let with_outcome_only = *none_below && !needs_size && (!not_met || judged_free);
    let mut cell_of_row = vec![(usize::MAX, usize::MAX)];
    let mut row_of: Vec<Vec<Option<usize>>> = Vec::new();
    for (f, family) in counts.families.iter().enumerate() {
        let mut rows = Vec::new();
        for (i, t) in family.tallies.iter().enumerate() {
            // With everyone at fidelity and 30 or 50 minutes a week for x, y = N's 14 and
            // z = N's 14 meeting the target less the 30-45 band's 25 gave the 3 of
            // x = y XOR z who met it; with 25 minutes for x = N, the count at fidelity said
            // the same of the band holding the threshold, and with 40 below fidelity, all in
            // the band of 0-15, the same of every band past it.
            let at = at_fidelity.get(i).copied().unwrap_or(false);
            let counted = with_dose || !family.dose || at || with_outcome_only;
            let sized = needs_size || family.dose && not_met && !judged_free;
            // (A cell of everyone states the total, and withholding it helps none.)
            let used = counted
                && t.n < counts.enrolled
                && plan.cells[f][i]
                && (plan.sizes[f][i] || !sized)
                && stated(t, c.min_cell_size);
            rows.push(used.then(|| {
                cell_of_row.push((f, i));
                cell_of_row.len() - 1
            }));
        }
        row_of.push(rows);
    }
    (cell_of_row, row_of)
}

/// Students alike in their cells of some of the tables, as [`unions`] finds them.
pub(super) struct Union {
    /// The groups of [`pinned_combination`] it is made of.
    pub groups: Vec<usize>,
    /// Its students of the count.
    pub held: u64,
    /// Its cells, (table, cell), in the tables that describe it.
    pub cells: Vec<(usize, usize)>,
}

/// Most tables whose every subset [`unions`] tries; past it, pairs and triples of them.
const MOST_TABLES_EVERY_SUBSET: usize = 10;

/// The students alike in their cells of two or more of the `tables` (those with a published
/// cell), not all of them (alike in all, they are the groups themselves), that hold 1 to
/// `min - 1` of the count (`count`, per combination; `group_of`, each combination's group or
/// None when its group holds none) and are whole groups: a group the published cells cannot
/// tell apart lies wholly inside or outside (its combinations holding none aside). Each group alone may be free while their sum is pinned: with
/// a fourth column splitting them, those both ELL and in special education were still ELL +
/// special education - needs.
pub(super) fn unions(
    counts: &Counts,
    group_of: &[Option<usize>],
    count: fn(&Tally) -> u64,
    (tables, min): (&[usize], u64),
) -> Vec<Union> {
    let k = tables.len();
    if k < 3 {
        return Vec::new();
    }
    let subsets: Vec<Vec<usize>> = if k <= MOST_TABLES_EVERY_SUBSET {
        (1..(1u32 << k) - 1)
            .filter(|m| m.count_ones() >= 2)
            .map(|m| {
                (0..k)
                    .filter(|&b| m >> b & 1 == 1)
                    .map(|b| tables[b])
                    .collect()
            })
            .collect()
    } else {
        let mut out = Vec::new();
        for a in 0..k {
            for b in a + 1..k {
                out.push(vec![tables[a], tables[b]]);
                out.extend((b + 1..k).map(|c| vec![tables[a], tables[b], tables[c]]));
            }
        }
        out
    };
    let mut seen: std::collections::BTreeSet<Vec<usize>> = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for subset in subsets {
        // Per value of the subset's cells: its students and groups; and each group's value,
        // None once it has two.
        let mut by_value: BTreeMap<Vec<u32>, (u64, Vec<usize>)> = BTreeMap::new();
        let mut value_of: BTreeMap<usize, Option<Vec<u32>>> = BTreeMap::new();
        for (x, group) in counts.combinations.iter().zip(group_of) {
            // A combination holding none of the count is no part of a union (nor keeps one
            // from being whole).
            let Some(group) = group.filter(|_| count(&x.tally) > 0) else {
                continue;
            };
            let value: Vec<u32> = subset.iter().map(|&f| x.cells[f]).collect();
            let entry = by_value.entry(value.clone()).or_default();
            entry.0 += count(&x.tally);
            entry.1.push(group);
            let own = value_of.entry(group).or_insert_with(|| Some(value.clone()));
            if own.as_ref() != Some(&value) {
                *own = None;
            }
        }
        for (value, (held, mut groups)) in by_value {
            groups.sort_unstable();
            groups.dedup();
            let whole = groups.iter().all(|g| value_of[g].is_some());
            if held >= min || groups.len() < 2 || !whole || !seen.insert(groups.clone()) {
                continue;
            }
            let cells = subset
                .iter()
                .zip(&value)
                .map(|(&f, &i)| (f, i as usize))
                .collect();
            out.push(Union {
                groups,
                held,
                cells,
            });
        }
    }
    out
}

/// Most groups of students (alike in every published cell) the check takes on: each is a few
/// unknowns per tier in every linear program it solves. Past it, the tables are withheld as for
/// too many combinations (see [`super::pinned_combination`]).
pub const MOST_GROUPS: usize = 400;

/// What a group of students alike in every published cell holds.
#[derive(Default)]
struct Held {
    n: u64,
    judged: u64,
    with_outcome: u64,
    sum: f64,
    /// Students with an outcome at fidelity in each tier (ascending), then below every tier.
    tiers: Vec<u64>,
    /// Students below fidelity with an outcome meeting the target and not, and their sum.
    below: [u64; 2],
    below_sum: f64,
}

/// A group's unknowns in the audit.
struct Unknowns {
    n: Q,
    judged: Q,
    with_outcome: Q,
    sum: Q,
    tiers: Vec<Q>,
    /// With the dose bands: the students below fidelity with an outcome meeting the target and
    /// not, and their sum. Only the dose bands' figures count them, and those say nothing of
    /// their tiers, so two counts with the sum in the met and not-met bands are all a reader
    /// can tell of them (any sum of that many met outcomes, within the bands' union, splits
    /// into tiers).
    below: Option<([Q; 2], Q)>,
}

impl Unknowns {
    /// The group's students meeting the target: those in a tier, as terms of a sum.
    fn met(&self) -> impl Iterator<Item = (Q, f64)> + '_ {
        self.tiers[..self.tiers.len() - 1].iter().map(|&q| (q, 1.0))
    }
}

/// The published cells of a group that the cells' outcomes pin to 1 to `minCellSize - 1`
/// students of some count, with the outcomes' bands (see [`super::Bands`]); `None` when none
/// is. The tables laid over one another are `tables` (cells of `counts.families`). Each group
/// of students alike in every published cell of them has its size, judged and outcome
/// counts, its students in each tier and the sum of their outcomes as unknowns, tied to each
/// published cell's figures and to the report's totals; the sum lies within the tiers' bands.
/// With the dose bands, whose outcome figures count students below fidelity too, a group also
/// has its students below fidelity meeting the target and not, and their sum. `TooLarge` when
/// the groups are more than `most_groups`.
pub fn pinned_by_outcomes(
    c: &Contract,
    (counts, plan, tables): (&Counts, &Plan, &[usize]),
    bands: &Bands,
    cache: &mut Cache,
    most_groups: usize,
) -> Crossing {
    if tables.len() < 2 || !plan.outcome_figures {
        return Ok(None);
    }
    let groups = alike(counts, plan, tables);
    if groups.len() > most_groups {
        return Err(TooLarge);
    }
    let (audit, of_group, unknowns) = audit(c, (counts, plan, tables), bands, &groups);
    let min = c.min_cell_size as f64;
    let keys: Vec<&Vec<u32>> = match audit.exposures(min, cache, true).into_iter().next() {
        Some(exposure) => {
            let key = of_group.get(exposure.q.0).copied().flatten();
            key.map(|g| keys_of(&groups, &[g])).unwrap_or_default()
        }
        None => match pinned_sum(&audit, &groups, &unknowns, c.min_cell_size)? {
            Some(set) => keys_of(&groups, &set),
            None => return Ok(None),
        },
    };
    // The groups' published cells; a group in no published cell is every published cell's
    // complement, and any of them may go, as for a withheld count the groups add up to.
    let mut cells: Vec<(usize, usize)> = (keys.iter())
        .flat_map(|key| {
            (tables.iter().zip(key.iter()))
                .filter_map(|(&f, &i)| (i != WITHHELD).then_some((f, i as usize)))
        })
        .collect();
    cells.sort_unstable();
    cells.dedup();
    if cells.is_empty() {
        for &f in tables {
            cells.extend(
                (0..plan.cells[f].len())
                    .filter(|&i| plan.cells[f][i] && counts.families[f].tallies[i].n > 0)
                    .map(|i| (f, i)),
            );
        }
    }
    // A withheld count with no published cell left is a matter of the totals alone, which
    // each table's audit has already checked (with what the report's words say of it).
    if cells.is_empty() && keys.is_empty() {
        return Ok(None);
    }
    Ok(Some(cells))
}

/// The keys of the groups numbered `set` (in `groups`' order).
fn keys_of<'g>(groups: &'g BTreeMap<Vec<u32>, Held>, set: &[usize]) -> Vec<&'g Vec<u32>> {
    (groups.keys().enumerate())
        .filter(|(g, _)| set.contains(g))
        .map(|(_, key)| key)
        .collect()
}

/// A count of a group as the audit's unknowns add it up (`None` where the audit has no such
/// count apart from another), and its true value.
type GroupCount = (fn(&Unknowns) -> Option<Vec<Q>>, fn(&Held) -> u64);

/// The counts [`pinned_sum`] adds up over groups, with each tier's: those the audit protects in
/// a group alone, and those meeting the target (not those judged under `missingOutcome:
/// notMet`, which it does not protect in a group alone either).
const GROUP_COUNTS: [GroupCount; 5] = [
    (|u| Some(vec![u.n]), |h| h.n),
    (|u| Some(vec![u.with_outcome]), |h| h.with_outcome),
    // Those meeting the target, with two tiers or more (with one it is the tier's count).
    (
        |u| (u.tiers.len() > 2).then(|| u.met().map(|(q, _)| q).collect()),
        |h| h.tiers[..h.tiers.len() - 1].iter().sum(),
    ),
    (|u| u.below.as_ref().map(|b| vec![b.0[0]]), |h| h.below[0]),
    (|u| u.below.as_ref().map(|b| vec![b.0[1]]), |h| h.below[1]),
];

/// Two or more groups, of 1 to `min - 1` students of some count together, whose sum of that
/// count the audit pins exactly though no group's own is (see [`crate::disclosure::Hull`]):
/// their students, with an outcome, in each tier, meeting the target, and with the dose bands
/// below fidelity meeting it and not. The numbers of the groups, or None.
fn pinned_sum(
    audit: &Audit,
    groups: &BTreeMap<Vec<u32>, Held>,
    unknowns: &[Unknowns],
    min: u64,
) -> Result<Option<Vec<usize>>, TooLarge> {
    let Some(first) = unknowns.first() else {
        return Ok(None);
    };
    let tiers = first.tiers.len();
    let mut hull = None;
    let mut check = |sums: Vec<Option<Vec<Q>>>, weights: Vec<u64>| {
        let Some(sums) = sums.into_iter().collect::<Option<Vec<_>>>() else {
            return Ok(None);
        };
        if Hull::candidates(&weights, min).is_none() {
            return Ok(None);
        }
        let hull = match &mut hull {
            Some(hull) => hull,
            None => hull.insert(audit.hull()?),
        };
        hull.pinned_subset(&sums, &weights, min)
    };
    for (sum, weight) in GROUP_COUNTS {
        let sums = unknowns.iter().map(sum).collect();
        if let found @ Some(_) = check(sums, groups.values().map(weight).collect())? {
            return Ok(found);
        }
    }
    for k in 0..tiers {
        let sums = unknowns.iter().map(|u| Some(vec![u.tiers[k]])).collect();
        let weights = groups.values().map(|h| h.tiers[k]).collect();
        if let found @ Some(_) = check(sums, weights)? {
            return Ok(found);
        }
    }
    Ok(None)
}

/// A table's cell a group lies in when the report withholds it: a reader knows only that the
/// group's students are in one of the withheld cells.
const WITHHELD: u32 = u32::MAX;

/// The enrolled students by the published cell they lie in, table by table: students alike in
/// every published cell are one group to a reader.
fn alike(counts: &Counts, plan: &Plan, tables: &[usize]) -> BTreeMap<Vec<u32>, Held> {
    let mut groups: BTreeMap<Vec<u32>, Held> = BTreeMap::new();
    for x in &counts.combinations {
        let key = tables
            .iter()
            .map(|&f| {
                let i = x.cells[f];
                if plan.cells[f][i as usize] {
                    i
                } else {
                    WITHHELD
                }
            })
            .collect();
        let held = groups.entry(key).or_insert_with(|| Held {
            tiers: vec![0; x.tiers.len()],
            ..Held::default()
        });
        held.n += x.tally.n;
        held.judged += x.tally.judged;
        held.with_outcome += x.tally.with_metric;
        held.sum += x.tally.metric_sum;
        held.tiers
            .iter_mut()
            .zip(&x.tiers)
            .for_each(|(a, b)| *a += b);
        let ([met, not_met], sum) = x.below_fidelity;
        held.below[0] += met;
        held.below[1] += not_met;
        held.below_sum += sum;
    }
    groups
}

/// The groups' unknowns and what the report publishes of them (`tables` are those the groups'
/// keys run over), and for each quantity the group it belongs to.
fn audit(
    c: &Contract,
    (counts, plan, tables): (&Counts, &Plan, &[usize]),
    bands: &Bands,
    groups: &BTreeMap<Vec<u32>, Held>,
) -> (Audit, Vec<Option<usize>>, Vec<Unknowns>) {
    let e = counts.enrolled as f64;
    let card = &bands.card;
    let room = band_room(card, e);
    let dose = tables.iter().any(|&f| counts.families[f].dose);
    let below_bands = below_fidelity_bands(counts, bands);
    let side_of = fidelity_side(c, (counts, plan, tables));
    let excluded = c.below_fidelity == BelowFidelity::Excluded;
    let mut a = Audit::default();
    let mut of_group = Vec::new();
    let unknowns: Vec<Unknowns> = groups
        .iter()
        .enumerate()
        .map(|(g, (key, held))| {
            let mut count = |a: &mut Audit, name, value: u64, protected: bool| {
                let q = a.quantity(name, value as f64, e);
                let x = a.get_mut(q);
                x.known = Known::Not;
                // Not pinned: at least 2 wide, so that it holds two whole numbers (an interval
                // from 7.02 to 8.25, over 1 wide, held 8 alone).
                x.protected = protected && value > 0 && value < c.min_cell_size;
                x.stated_width = 2.0;
                of_group.resize(q.0 + 1, None);
                of_group[q.0] = Some(g);
                q
            };
            let n = count(&mut a, "students of a group", held.n, true);
            // A reader is supposed to know which combinations of values students hold: each
            // group holds one at least (with x = y XOR z among four yes/no columns, 2 x 0000 +
            // 0001 + 0010 + 0100 = 5 then put 1 in each).
            a.get_mut(n).lower = 1.0;
            let with_outcome = count(
                &mut a,
                "students of a group with an outcome",
                held.with_outcome,
                true,
            );
            // The share is over the students with an outcome, or under notMet over everyone at
            // fidelity (one unknown fewer for the solver when they are the same students).
            let judged = if c.missing_outcome == MissingOutcome::NotMet {
                let judged = count(&mut a, "students of a group judged", held.judged, false);
                a.relate(vec![(with_outcome, 1.0), (judged, -1.0)], Op::Le, 0.0);
                judged
            } else {
                with_outcome
            };
            a.relate(vec![(judged, 1.0), (n, -1.0)], Op::Le, 0.0);
            let tiers: Vec<Q> = held
                .tiers
                .iter()
                .map(|&k| count(&mut a, "students of a group in a tier", k, true))
                .collect();
            let sum = outcome_sum(&mut a, held.sum, (&tiers, card), room);
            let mut all: Vec<(Q, f64)> = tiers.iter().map(|&q| (q, 1.0)).collect();
            all.push((with_outcome, -1.0));
            a.relate(all, Op::Eq, 0.0);
            let below = dose.then(|| {
                let below = held.below.map(|k| {
                    let name = "students of a group below fidelity with an outcome";
                    count(&mut a, name, k, true)
                });
                let sum = match &below_bands {
                    Some(bands) => outcome_sum(&mut a, held.below_sum, (&below, bands), room),
                    None => outcome_sum(&mut a, held.below_sum, (&[], &[]), room),
                };
                // Those at fidelity the share is over and those below fidelity with an outcome
                // are enrolled students apart.
                let mut apart: Vec<(Q, f64)> = below.iter().map(|&q| (q, 1.0)).collect();
                apart.extend([(judged, 1.0), (n, -1.0)]);
                a.relate(apart, Op::Le, 0.0);
                (below, sum)
            });
            // The fidelity rule over the group's dose band: none at fidelity in a band below
            // the threshold, none below it in a band past it, nor in any band when the
            // contract excludes the students below fidelity (with grade 4's and a band's sums
            // at their most, a reader then counted the band's 2 students of a withheld grade).
            let none: Vec<Q> = match (side_of(key), &below) {
                (Side::Below, _) => [with_outcome, judged, sum]
                    .into_iter()
                    .chain(tiers.iter().copied())
                    .collect(),
                (side, Some((apart, sum))) if side == Side::At || excluded => {
                    apart.iter().chain([sum]).copied().collect()
                }
                _ => Vec::new(),
            };
            for q in none {
                let x = a.get_mut(q);
                (x.lower, x.upper) = (0.0, 0.0);
            }
            Unknowns {
                n,
                judged,
                with_outcome,
                sum,
                tiers,
                below,
            }
        })
        .collect();
    let keys: Vec<&Vec<u32>> = groups.keys().collect();
    let scale = (room, c.min_cell_size);
    published(&mut a, (counts, plan, tables), &keys, &unknowns, scale);
    hidden_counts(&mut a, c, (counts, plan, tables), &keys, &unknowns);
    (a, of_group, unknowns)
}

/// What the report publishes of the groups (whose `keys` run over `tables`): each published
/// cell's figures over the groups inside it, and the totals.
fn published(
    a: &mut Audit,
    (counts, plan, tables): (&Counts, &Plan, &[usize]),
    keys: &[&Vec<u32>],
    unknowns: &[Unknowns],
    (room, min): (f64, u64),
) {
    for (pos, &f) in tables.iter().enumerate() {
        for (i, t) in counts.families[f].tallies.iter().enumerate() {
            if !plan.cells[f][i] || t.n == 0 {
                continue;
            }
            let inside = groups_in(keys, unknowns, pos, i as u32);
            let what = (counts.families[f].dose, plan.sizes[f][i]);
            cell_figures(a, t, &inside, what, (room, min));
        }
    }
    totals(a, counts, plan, unknowns, room);
}

/// The groups (keyed by `keys`) whose key holds `cell` at `pos`: those inside a published cell
/// of that table, or with [`WITHHELD`] those in its withheld cells.
fn groups_in<'u>(
    keys: &[&Vec<u32>],
    unknowns: &'u [Unknowns],
    pos: usize,
    cell: u32,
) -> Vec<&'u Unknowns> {
    keys.iter()
        .zip(unknowns)
        .filter(|(k, _)| k[pos] == cell)
        .map(|(_, u)| u)
        .collect()
}

/// Counts the report withholds that the groups add up to, protected like the groups' own but
/// at the cell size, as each table's audit protects them: the enrolled students without an
/// outcome (with the dose bands, or with the students below fidelity excluded); under
/// `missingOutcome: notMet` those at fidelity without an outcome; in each cell published
/// without its size, the students its share is not over (and under notMet those it is over
/// without an outcome); and in a table withholding a single cell, that cell's students, with an
/// outcome, without one and in each tier. Two tables together can narrow them where each alone
/// does not (review: under notMet, grade and gender together put the 1 student at fidelity
/// without a post-test within 0 to 4; with the students below fidelity excluded, grade, gender
/// and the dose bands put the 2 of gender F without a post-test, F published without its size,
/// within 0 to 4.05). Withheld
/// tier totals are left out: the report's words put each within 1 to 9, narrower than the cell
/// size.
fn hidden_counts(
    a: &mut Audit,
    c: &Contract,
    (counts, plan, tables): (&Counts, &Plan, &[usize]),
    keys: &[&Vec<u32>],
    unknowns: &[Unknowns],
) {
    let min = c.min_cell_size as f64;
    let e = counts.enrolled as f64;
    let not_met = c.missing_outcome == MissingOutcome::NotMet;
    let derived = |a: &mut Audit, name, terms| derive(a, name, terms, (min, e));
    let without_outcome = |u: &Unknowns| [(u.judged, 1.0), (u.with_outcome, -1.0)];
    // A group's enrolled students without an outcome: less those with one at fidelity and, with
    // the dose bands, below it; without the dose bands only when no one enrolled is below it.
    let excluded = c.below_fidelity == BelowFidelity::Excluded;
    let none = |u: &Unknowns| (u.below.is_some() || excluded).then(|| without_any_outcome(u));
    if let Some(terms) = unknowns.iter().map(none).collect::<Option<Vec<_>>>() {
        derived(a, "enrolled without an outcome", terms.concat());
    }
    if not_met && !(plan.shows_with_outcome() && plan.shows_judged()) {
        let terms = unknowns.iter().flat_map(without_outcome).collect();
        derived(a, "at fidelity without an outcome", terms);
    }
    for (pos, &f) in tables.iter().enumerate() {
        let family = &counts.families[f];
        // A published cell without its size: its students apart from those its share is over.
        for (i, t) in family.tallies.iter().enumerate() {
            if !plan.cells[f][i] || plan.sizes[f][i] || t.n == 0 {
                continue;
            }
            let inside = groups_in(keys, unknowns, pos, i as u32);
            apart_from_the_share(a, &inside, (family.dose, not_met), (min, e));
        }
        let withheld = (0..family.tallies.len())
            .filter(|&i| !plan.cells[f][i] && family.tallies[i].n > 0)
            .count();
        if withheld != 1 {
            continue;
        }
        let inside = groups_in(keys, unknowns, pos, WITHHELD);
        let over = |pick: &dyn Fn(&Unknowns) -> Q| inside.iter().map(|u| (pick(u), 1.0)).collect();
        derived(a, "students in a withheld cell", over(&|u| u.n));
        apart_from_the_share(a, &inside, (family.dose, not_met), (min, e));
        // A dose band's figures count students below fidelity too; its cells' own counts are
        // not the groups'.
        if family.dose {
            continue;
        }
        derived(
            a,
            "students in a withheld cell with an outcome",
            over(&|u| u.with_outcome),
        );
        for k in 0..inside.first().map_or(0, |u| u.tiers.len()) {
            derived(
                a,
                "students of a withheld cell in a tier",
                over(&|u| u.tiers[k]),
            );
        }
    }
}

/// A count the groups add up to, protected at the cell size `min` when it is from 1 to
/// `min - 1` (`e` students enrolled): the sum of `terms`.
fn derive(a: &mut Audit, name: &'static str, terms: Vec<(Q, f64)>, (min, e): (f64, f64)) {
    let value: f64 = terms.iter().map(|&(q, k)| k * a.get(q).value).sum();
    let q = a.quantity(name, value, e);
    let x = a.get_mut(q);
    x.known = Known::Not;
    x.protected = value > 0.5 && value < min - 0.5;
    let mut relation = terms;
    relation.push((q, -1.0));
    a.relate(relation, Op::Eq, 0.0);
}

/// A group's students without an outcome, at fidelity or below it: its students less those
/// with one at fidelity and (with the dose bands) below it, as terms of a sum.
fn without_any_outcome(u: &Unknowns) -> Vec<(Q, f64)> {
    let mut terms = vec![(u.n, 1.0), (u.with_outcome, -1.0)];
    let below = u.below.iter().flat_map(|(b, _)| b.iter());
    terms.extend(below.map(|&q| (q, -1.0)));
    terms
}

/// The students of a cell (the groups `inside` it) that its share is not over, as each table's
/// audit protects them: a dose band's students without an outcome (its share is over those with
/// one, at fidelity or not); a subgroup cell's students below fidelity or (but under notMet)
/// at fidelity without an outcome, and under notMet those its share is over without one.
fn apart_from_the_share(
    a: &mut Audit,
    inside: &[&Unknowns],
    (dose, not_met): (bool, bool),
    scale: (f64, f64),
) {
    let mut apart = Vec::new();
    let mut over_without = Vec::new();
    for u in inside {
        if dose {
            apart.extend(without_any_outcome(u));
        } else {
            apart.extend([(u.n, 1.0), (u.judged, -1.0)]);
            over_without.extend([(u.judged, 1.0), (u.with_outcome, -1.0)]);
        }
    }
    let name = if dose {
        "students of a dose band without an outcome"
    } else {
        "students of a cell its share is not over"
    };
    derive(a, name, apart, scale);
    if not_met && !dose {
        let name = "students a cell's share is over without an outcome";
        derive(a, name, over_without, scale);
    }
}

/// Where a group's students stand against the fidelity rule, by its key (see [`alike`]): the
/// [`Side`] of its dose band, or of every band the report withholds when it is in one of those
/// (an empty band is published as 0); either side when the dose bands are not among `tables`.
fn fidelity_side<'a>(
    c: &Contract,
    (counts, plan, tables): (&'a Counts, &'a Plan, &'a [usize]),
) -> impl Fn(&[u32]) -> Side + 'a {
    let sides = band_sides(c, counts);
    let dose = tables.iter().position(|&f| counts.families[f].dose);
    move |key: &[u32]| {
        let Some(pos) = dose else {
            return Side::Either;
        };
        let f = tables[pos];
        let family = &counts.families[f];
        let mut of_key = (0..sides.len()).filter(|&b| match key[pos] {
            WITHHELD => !plan.cells[f][b] && family.tallies[b].n > 0,
            i => i as usize == b,
        });
        let first = of_key.next().map_or(Side::Either, |b| sides[b]);
        if of_key.all(|b| sides[b] == first) {
            first
        } else {
            Side::Either
        }
    }
}

/// The outcomes the students below fidelity meeting the target, and not, may hold: the dose
/// bands' (the widest of any band, as a group's band may be withheld), the tiers' bands joined
/// into one; None when the dose bands are not audited by tier.
fn below_fidelity_bands(counts: &Counts, bands: &Bands) -> Option<TierBands> {
    let card = &bands.card;
    let per_band = counts
        .families
        .iter()
        .zip(&bands.cells)
        .find(|(f, _)| f.dose)
        .and_then(|(_, b)| b.as_ref())?;
    let tiers: Vec<(f64, f64)> = (0..card.len())
        .map(|k| widest(per_band.iter().filter_map(|b| b.get(k).copied())).unwrap_or(card[k]))
        .collect();
    let (&not_met, met) = tiers.split_last()?;
    // The tiers' bands follow one another (each from its threshold to the next), so together
    // they are one band.
    Some(vec![widest(met.iter().copied())?, not_met])
}

/// The sum of some students' outcomes, each in its tier's band (`tiers` counts them, `bands`
/// are the bands; none to bound a sum free of them).
fn outcome_sum(a: &mut Audit, value: f64, (tiers, bands): (&[Q], &[(f64, f64)]), room: f64) -> Q {
    let sum = a.quantity("sum of a group's outcomes", value, f64::INFINITY);
    a.get_mut(sum).lower = -1e15;
    a.get_mut(sum).known = Known::Not;
    if tiers.is_empty() {
        return sum;
    }
    for (side, op, slack) in [(1, Op::Le, room), (0, Op::Ge, -room)] {
        if let Some(mut terms) = band_sum(bands, tiers, side) {
            terms.iter_mut().for_each(|t| t.1 = -t.1);
            terms.push((sum, 1.0));
            a.relate(terms, op, slack);
        }
    }
    sum
}

/// A published cell's figures over the groups `inside` it: its size, its share's count, its met
/// count (exactly, or within a coded share's range at the cell size `min` or wider: see
/// [`coded_range`]), and with its mean (or its want of one) the
/// students with an outcome and their sum. A dose band's (`dose`) share and mean are over its
/// students with an outcome at fidelity or not; its size counts only when published (`sized`).
fn cell_figures(
    a: &mut Audit,
    t: &Tally,
    inside: &[&Unknowns],
    (dose, sized): (bool, bool),
    (room, min): (f64, u64),
) {
    let sum_of = |pick: &dyn Fn(&Unknowns) -> Vec<Q>| -> Vec<(Q, f64)> {
        inside
            .iter()
            .flat_map(|u| pick(u))
            .map(|q| (q, 1.0))
            .collect()
    };
    fn below(u: &Unknowns, dose: bool) -> Option<&([Q; 2], Q)> {
        u.below.as_ref().filter(|_| dose)
    }
    if sized {
        a.relate(sum_of(&|u| vec![u.n]), Op::Eq, t.n as f64);
    }
    // Those with an outcome (a dose band's share is over them, at fidelity or not).
    let with = |u: &Unknowns| {
        let mut qs = vec![u.with_outcome];
        qs.extend(below(u, dose).into_iter().flat_map(|b| b.0.iter().copied()));
        qs
    };
    let judged = if dose {
        sum_of(&with)
    } else {
        sum_of(&|u| vec![u.judged])
    };
    a.relate(judged, Op::Eq, t.judged as f64);
    let met = sum_of(&|u| {
        let mut qs: Vec<Q> = u.met().map(|(q, _)| q).collect();
        qs.extend(below(u, dose).map(|b| b.0[0]));
        qs
    });
    let j = t.judged as f64;
    match coded_range(t, min) {
        None => a.relate(met, Op::Eq, t.met as f64),
        Some(Coded::AtMost5) => a.relate(met, Op::Le, (j * 0.05).floor()),
        Some(Coded::AtLeast95) => a.relate(met, Op::Ge, (j * 0.95).ceil()),
    }
    // The mean's denominator and sum (a cell without a mean has no one with an outcome).
    a.relate(sum_of(&with), Op::Eq, t.with_metric as f64);
    let sums = sum_of(&|u| {
        let mut qs = vec![u.sum];
        qs.extend(below(u, dose).map(|b| b.1));
        qs
    });
    let tolerance = room.max(1e-9 * t.metric_sum.abs());
    a.relate(sums.clone(), Op::Le, t.metric_sum + tolerance);
    a.relate(sums, Op::Ge, t.metric_sum - tolerance);
}

/// The report's totals over every group: enrolled, and as the plan publishes them those with an
/// outcome and their sum, the tiers, those meeting the target and those the share is over.
fn totals(a: &mut Audit, counts: &Counts, plan: &Plan, unknowns: &[Unknowns], room: f64) {
    let over = |pick: &dyn Fn(&Unknowns) -> Q| -> Vec<(Q, f64)> {
        unknowns.iter().map(|u| (pick(u), 1.0)).collect()
    };
    a.relate(over(&|u| u.n), Op::Eq, counts.enrolled as f64);
    if plan.shows_with_outcome() {
        a.relate(
            over(&|u| u.with_outcome),
            Op::Eq,
            counts.with_outcome as f64,
        );
    }
    if plan.fidelity {
        if let Some(mean) = counts.mean_metric {
            let sum = mean * counts.with_outcome as f64;
            let tolerance = room.max(1e-9 * sum.abs());
            a.relate(over(&|u| u.sum), Op::Le, sum + tolerance);
            a.relate(over(&|u| u.sum), Op::Ge, sum - tolerance);
        }
    }
    for (k, &n) in counts.tiers().iter().enumerate() {
        if plan.tiers[k] {
            a.relate(over(&|u| u.tiers[k]), Op::Eq, n as f64);
        }
    }
    if plan.shows_met() {
        let met = unknowns.iter().flat_map(Unknowns::met).collect();
        a.relate(met, Op::Eq, counts.met as f64);
    }
    if plan.shows_judged() {
        a.relate(over(&|u| u.judged), Op::Eq, counts.judged as f64);
    }
}

#[cfg(test)]
mod tests;
