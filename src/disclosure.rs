//! The audit before publishing: what an attacker can work out about suppressed counts from
//! everything the report publishes and the contract's public terms, by linear programming, as
//! the trusted disclosure-control tools do (tau-ARGUS, sdcTable).
//!
//! Every number the report could publish is a [`Quantity`] (a count of students, or money), and
//! the facts that tie them together (cells add up to their total, a payment is base plus tiers
//! minus penalties, a share of a cell is its met count over its judged count) are [`Relation`]s.
//! A quantity is published exactly, as a range (a rounded amount), or not at all. For every
//! protected quantity that is not published, the audit finds the smallest and the largest value
//! consistent with everything published (two LPs, solved with `microlp`); the report is safe
//! when each such interval is at least `minCellSize` wide and no published count lies strictly
//! between 0 and `minCellSize`. The LP relaxation is the tools' standard: an attacker who also
//! uses integrality could sometimes narrow further.

use microlp::{
    ComparisonOp, Error, OptimizationDirection, Problem, SolveOptions, SolveOutcome, Variable,
};

/// An index into the audit's quantities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Q(pub usize);

/// What a reader of the report knows of a quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Known {
    Exactly,
    /// Published as a range (a rounded amount): somewhere from `.0` to `.1`.
    Between(f64, f64),
    Not,
}

impl Known {
    /// Known exactly when published, else not at all.
    pub fn if_published(published: bool) -> Known {
        if published {
            Known::Exactly
        } else {
            Known::Not
        }
    }
}

#[derive(Debug, Clone)]
pub struct Quantity {
    /// What it counts, for a person reading the audit (a cell's value is not kept: a rare one
    /// could name a student). Read through `Debug` when a failing test prints an audit.
    #[allow(dead_code)]
    pub name: &'static str,
    pub value: f64,
    /// The smallest value a reader could suppose: 0, or 1 for a count the report withholds
    /// only when it is not zero (an empty cell or tier is published as 0).
    pub lower: f64,
    /// The largest value a reader could suppose.
    pub upper: f64,
    /// What the count is small above: 0, or for a cell holding a published cell of another
    /// table, that cell's count (the students apart are the group to protect).
    pub base: f64,
    pub known: Known,
    /// A count of students too small to be known (from 1 to the cell size less one): its
    /// interval must stay wide when it is not published, and it must not be published.
    pub protected: bool,
    /// A count that must not be pinned to zero while it is not published: how many of a
    /// withheld cell met the target, or did not. Were a reader sure it is 0, it would know what
    /// every student of the cell got, for a group smaller than the cell size.
    pub not_pinned: bool,
    /// The width of what the report's own words tell of the count ("fewer than 10 students
    /// have an outcome" puts each count among them within 0 to 9): the protection asks for no
    /// more when it is narrower than the cell size.
    pub stated_width: f64,
    /// In the view with the small counts known (see [`Audit::with_small_counts_known`]), the
    /// range a small count is known to lie in: what a reader tells of it is clipped to it.
    pub small_range: Option<(f64, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Eq,
    Le,
    Ge,
}

/// `sum(coefficient x quantity) op rhs`.
#[derive(Debug, Clone)]
pub struct Relation {
    pub terms: Vec<(Q, f64)>,
    pub op: Op,
    pub rhs: f64,
}

/// A protected quantity that an attacker can pin down too closely, with what a reader can tell
/// of it: its interval, or (from [`Audit::exposures`] with `first_only`) possibly a range that
/// holds the interval and is already too narrow.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    pub q: Q,
    pub low: f64,
    pub high: f64,
}

/// What the solver has found so far: per part, keyed by everything its linear program depends
/// on (see `PartLp::key`), so that a part left unchanged from one plan to the next is not
/// solved again.
#[derive(Debug, Default)]
pub struct Cache {
    index: std::collections::HashMap<Vec<u64>, usize>,
    solved: Vec<Solved>,
}

/// One part's answers: the extremes solved, and the range of the feasible points seen.
#[derive(Debug, Default)]
struct Solved {
    /// The (variable, largest rather than smallest) already asked of the solver, whether it
    /// answered or failed (a failure is not asked again).
    extremes: std::collections::HashSet<(usize, bool)>,
    /// Per variable, the smallest and largest value among the points the solver returned, each
    /// taken within the propagated bounds (see [`Solved::see`]). Each point satisfies every
    /// relation (within the solver's tolerance), so a variable's interval holds this range: when
    /// it is already wide enough, no linear program needs solving for it (most need none).
    seen: Vec<(f64, f64)>,
    /// The part's [`PartLp::outer`] bounds, once asked for.
    outer: Option<Option<Vec<(f64, f64)>>>,
}

/// One part's linear program: its quantities with their bounds, and the relations that touch
/// them with the published quantities moved to the right-hand side.
#[derive(Debug, Clone)]
struct PartLp {
    vars: Vec<Q>,
    bounds: Vec<(f64, f64)>,
    rows: Vec<Row>,
    key: Vec<u64>,
}

/// Every group averaged into parts, and where each ungrouped quantity went (part, variable).
type Averaged = (Vec<PartLp>, Vec<Option<(usize, usize)>>);

/// One relation of a part's LP: terms over the part's variables, the comparison, the right side.
type Row = (Vec<(usize, f64)>, ComparisonOp, f64);

/// Quantities that stand alike, such as the withheld cells of one table: each member holds the
/// same slots (a cell's size, the students its share is over, those meeting the target), and
/// swapping two members maps the relations onto themselves. The audit checks this before using
/// it (see [`Audit::alike`]); then, the feasible region being convex and symmetric, the members
/// it does not ask about can be averaged into one without changing any interval, and one
/// member's interval is every member's. That keeps each linear program as small as the number
/// of tables, however many cells are withheld.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub members: Vec<Vec<Q>>,
}

#[derive(Debug, Clone, Default)]
pub struct Audit {
    pub quantities: Vec<Quantity>,
    pub relations: Vec<Relation>,
    pub groups: Vec<Group>,
}

/// Numerical slack for the LP's answers (the counts are whole numbers).
const SLACK: f64 = 1e-6;

/// How wide the whole numbers from `low` to `high` lie. The linear programs take counts as real
/// numbers, but a reader knows a count of students is whole: [3.75, 8.75] leaves it 4 to 8, four
/// wide, not five.
pub fn whole_width(low: f64, high: f64) -> f64 {
    (high + SLACK).floor() - (low - SLACK).ceil()
}

fn whole_width_of((low, high): (f64, f64)) -> f64 {
    whole_width(low, high)
}

impl Quantity {
    /// An interval as a reader reads it: within the count's range when it is known small.
    fn read(&self, (low, high): (f64, f64)) -> (f64, f64) {
        match self.small_range {
            Some((least, most)) => (low.max(least), high.min(most)),
            None => (low, high),
        }
    }
}

impl Audit {
    /// What the true values break: none, or the audit describes another roster than the one it
    /// protects (and a reader's intervals need not hold the truth). Each relation is held
    /// within a tolerance scaled to its terms, as the solver's answers are.
    pub fn truth_breaks(&self) -> Vec<String> {
        let value = |q: Q| self.get(q).value;
        let bounds = self.quantities.iter().filter_map(|x| {
            let within = x.lower - SLACK <= x.value && x.value <= x.upper + SLACK;
            // What the report says of it (a rounded amount, "fewer than 10") holds it too.
            let said = match x.known {
                Known::Between(low, high) => low - SLACK <= x.value && x.value <= high + SLACK,
                Known::Exactly | Known::Not => true,
            };
            (!within || !said).then(|| format!("{} outside its bounds", x.name))
        });
        let relations = self.relations.iter().enumerate().filter_map(|(i, r)| {
            let lhs: f64 = r.terms.iter().map(|&(q, c)| c * value(q)).sum();
            let scale = r
                .terms
                .iter()
                .map(|&(q, c)| (c * value(q)).abs())
                .fold(r.rhs.abs().max(1.0), f64::max);
            let tolerance = SLACK * scale;
            let broken = match r.op {
                Op::Eq => (lhs - r.rhs).abs() > tolerance,
                Op::Le => lhs > r.rhs + tolerance,
                Op::Ge => lhs < r.rhs - tolerance,
            };
            broken.then(|| format!("relation {i} ({lhs} {:?} {})", r.op, r.rhs))
        });
        bounds.chain(relations).collect()
    }

    pub fn quantity(&mut self, name: &'static str, value: f64, upper: f64) -> Q {
        self.quantities.push(Quantity {
            name,
            value,
            lower: 0.0,
            upper: upper.max(value),
            base: 0.0,
            known: Known::Exactly,
            protected: false,
            not_pinned: false,
            stated_width: f64::INFINITY,
            small_range: None,
        });
        Q(self.quantities.len() - 1)
    }

    /// This audit as a reader sees it who takes every small count (1 to `min` - 1 above its
    /// base) as small: the second view of [`Audit::exposures`]. The report says that it
    /// withholds counts of 1 to `min` - 1 (the "<10" of published education tables), and a
    /// reader who reruns the audit on every roster that fits the published figures sees which
    /// of its decisions a small count forces: a rounded payment total, a withheld obligation.
    /// So each small count is read within its range, and must keep the whole of it (or as much
    /// as the rules alone leave, see the stated widths); then a decision is taken alike
    /// wherever in its range the count lies. The counts `said` (those the rules withhold for
    /// being small) are bounded to their range for every other count too: "a tier is withheld
    /// when 1 to 9" with the total bounds those below every tier. Likewise the counts `said`
    /// that are not small (a tier withheld only as a complement, which the rules'
    /// sentences and their absence tell apart) are taken as at least `min`: a top tier withheld
    /// as a complement, known to hold 10 or more, once put the 1 student below fidelity, paid
    /// with it, at 1 to 6. Taking a count as known where a reader could not tell only errs on
    /// the side of protecting it. Zeros are the first view's to keep unpinned.
    pub fn with_small_counts_known(&self, min: f64, said: &[bool]) -> Audit {
        let mut ruled = self.clone();
        for (i, x) in ruled.quantities.iter_mut().enumerate() {
            let above = x.value - x.base;
            let is_said = said.get(i).copied().unwrap_or(false);
            if is_said && above >= min - SLACK {
                x.lower = x.lower.max(x.base + min);
            }
            if x.protected && above > SLACK && above < min - SLACK {
                let range = (x.lower.max(x.base + 1.0), x.upper.min(x.base + min - 1.0));
                x.small_range = Some(range);
                x.stated_width = x.stated_width.min(whole_width(range.0, range.1));
                if is_said {
                    (x.lower, x.upper) = range;
                }
            }
            x.not_pinned = false;
        }
        ruled
    }

    pub fn relate(&mut self, terms: Vec<(Q, f64)>, op: Op, rhs: f64) {
        self.relations.push(Relation { terms, op, rhs });
    }

    pub fn get(&self, q: Q) -> &Quantity {
        &self.quantities[q.0]
    }

    pub fn get_mut(&mut self, q: Q) -> &mut Quantity {
        &mut self.quantities[q.0]
    }

    /// The protected quantities a reader can narrow below `width`, or learn exactly while they
    /// lie strictly between 0 and `width` (all of them, or only the first with `first_only`).
    /// Each comes with its interval; with `first_only`, with a range that holds the interval
    /// and is already too narrow, when one is found without solving (see [`PartLp::outer`]).
    /// Intervals are kept in `cache`, keyed by everything they depend on, so that a part of the
    /// relations left unchanged from one plan to the next is not solved again.
    pub fn exposures(&self, width: f64, cache: &mut Cache, first_only: bool) -> Vec<Exposure> {
        debug_assert!(
            self.truth_breaks().is_empty(),
            "the true values break relations {:?}",
            self.truth_breaks()
        );
        let mut out = Vec::new();
        for (i, q) in self.quantities.iter().enumerate() {
            // Small above what a reader knows it holds at least (a cell holding a published cell
            // of another table is small when it holds few more).
            let above = q.value - q.base;
            let small = above > SLACK && above < width - SLACK;
            if q.protected && small && q.known == Known::Exactly {
                out.push(Exposure {
                    q: Q(i),
                    low: q.value,
                    high: q.value,
                });
                if first_only {
                    return out;
                }
            }
        }
        let mut intervals = Intervals::new(self);
        for (i, x) in self.quantities.iter().enumerate() {
            // The truth is among the values a reader allows: a count of 1 or more cannot be
            // pinned to 0, so only a true 0 needs solving.
            if x.not_pinned && x.known == Known::Not && x.value < SLACK {
                let pinned = |(_, high): (f64, f64)| high >= 1.0 - SLACK;
                if let Some((low, high)) = intervals.failing(Q(i), cache, first_only, pinned) {
                    out.push(Exposure { q: Q(i), low, high });
                    if first_only {
                        return out;
                    }
                }
            }
            // Unknown, or known only within a range (a coded share): the relations may narrow it.
            if !(x.protected && x.known != Known::Exactly && x.value - x.base > SLACK) {
                continue;
            }
            let need = width.min(x.stated_width) - SLACK;
            let wide = |range| whole_width_of(x.read(range)) >= need;
            if let Some(range) = intervals.failing(Q(i), cache, first_only, wide) {
                let (low, high) = x.read(range);
                out.push(Exposure { q: Q(i), low, high });
                if first_only {
                    return out;
                }
            }
        }
        out
    }

    /// The smallest and largest value of `target` consistent with what is published.
    pub fn interval_alone(&self, target: Q, cache: &mut Cache) -> (f64, f64) {
        Intervals::new(self).of(target, cache)
    }

    /// [`Audit::interval_alone`] as a reader reads it: within a small count's range in the
    /// view with the small counts known.
    pub fn interval_read(&self, target: Q, cache: &mut Cache) -> (f64, f64) {
        self.get(target).read(self.interval_alone(target, cache))
    }

    /// Whether a reader's interval for `target` is wider than `width` (solving only as much as
    /// that takes).
    pub fn wider_than(&self, target: Q, width: f64, cache: &mut Cache) -> bool {
        let x = self.get(target);
        let wider = |r| {
            let (low, high) = x.read(r);
            high - low > width
        };
        Intervals::new(self)
            .failing(target, cache, true, wider)
            .is_none()
    }

    /// Whether a reader can tell `target` to the whole number: its interval holds one whole
    /// number at most (solving only as much as that takes).
    pub fn told_whole(&self, target: Q, cache: &mut Cache) -> bool {
        let several = |(low, high)| whole_width(low, high) >= 0.5;
        Intervals::new(self)
            .failing(target, cache, true, several)
            .is_some()
    }

    /// [`Audit::interval_alone`] without a cache.
    #[cfg(test)]
    pub fn interval(&self, target: Q) -> (f64, f64) {
        self.interval_alone(target, &mut Cache::default())
    }

    /// Every quantity tied to `q` through the relations, published or not.
    pub fn connected(&self, q: Q) -> Vec<Q> {
        let mut touching: Vec<Vec<usize>> = vec![Vec::new(); self.quantities.len()];
        for (k, r) in self.relations.iter().enumerate() {
            for (x, _) in &r.terms {
                touching[x.0].push(k);
            }
        }
        let mut seen = vec![false; self.quantities.len()];
        let mut done = vec![false; self.relations.len()];
        let mut stack = vec![q.0];
        seen[q.0] = true;
        while let Some(i) = stack.pop() {
            for &k in &touching[i] {
                if std::mem::replace(&mut done[k], true) {
                    continue;
                }
                for (x, _) in &self.relations[k].terms {
                    if !std::mem::replace(&mut seen[x.0], true) {
                        stack.push(x.0);
                    }
                }
            }
        }
        (0..seen.len()).filter(|&i| seen[i]).map(Q).collect()
    }

    /// The groups whose members do stand alike: unpublished, with the same bounds slot by slot
    /// (a group's members with other bounds make a group of their own), and each relation
    /// either one member's (the same for every member once the member is abstracted away) or
    /// every member's with the same coefficients. Groups of fewer than two such members, or
    /// that fail the check, are left out: the audit is then only slower.
    fn alike(&self) -> Vec<Group> {
        // The candidates: unpublished members, split by their bounds slot by slot (a small
        // cell a reader takes as small has bounds of its own; the others still stand alike).
        let mut groups: Vec<Group> = Vec::new();
        for group in &self.groups {
            let mut classes: Vec<(Vec<u64>, Vec<Vec<Q>>)> = Vec::new();
            let unpublished = group
                .members
                .iter()
                .filter(|m| m.iter().all(|&q| self.get(q).known == Known::Not));
            for member in unpublished {
                let bounds: Vec<u64> = member
                    .iter()
                    .flat_map(|&q| [self.get(q).lower.to_bits(), self.get(q).upper.to_bits()])
                    .collect();
                match classes.iter_mut().find(|(b, _)| *b == bounds) {
                    Some((_, members)) => members.push(member.clone()),
                    None => classes.push((bounds, vec![member.clone()])),
                }
            }
            groups.extend(
                classes
                    .into_iter()
                    .filter(|(_, members)| members.len() >= 2)
                    .map(|(_, members)| Group { members }),
            );
        }
        // Each grouped quantity's (group, member, slot).
        let mut place: Vec<Option<(usize, usize, usize)>> = vec![None; self.quantities.len()];
        for (g, group) in groups.iter().enumerate() {
            for (i, m) in group.members.iter().enumerate() {
                for (s, q) in m.iter().enumerate() {
                    place[q.0] = Some((g, i, s));
                }
            }
        }
        // Per group: each member's own relations, written with slots in place of its
        // quantities; and whether every relation of several members is every member's alike.
        let mut own: Vec<Vec<Vec<Vec<u64>>>> = groups
            .iter()
            .map(|g| vec![Vec::new(); g.members.len()])
            .collect();
        let mut ok = vec![true; groups.len()];
        for r in &self.relations {
            let mut touched: Vec<(usize, usize, usize, f64)> = r
                .terms
                .iter()
                .filter_map(|&(q, c)| place[q.0].map(|(g, i, s)| (g, i, s, c)))
                .collect();
            touched.sort_by_key(|a| (a.0, a.1, a.2));
            for chunk in touched.chunk_by(|a, b| a.0 == b.0) {
                let g = chunk[0].0;
                let slots = groups[g].members[0].len();
                // Member -> its coefficient on each slot.
                let mut rows: Vec<(usize, Vec<f64>)> = Vec::new();
                for &(_, i, s, c) in chunk {
                    if rows.last().is_none_or(|(m, _)| *m != i) {
                        rows.push((i, vec![0.0; slots]));
                    }
                    if let Some((_, row)) = rows.last_mut() {
                        row[s] += c;
                    }
                }
                if let [(i, _)] = rows.as_slice() {
                    let mut form: Vec<(u64, u64)> = r
                        .terms
                        .iter()
                        .map(|&(q, c)| match place[q.0] {
                            Some((h, _, s)) if h == g => (s as u64, c.to_bits()),
                            _ => (u64::MAX / 2 + q.0 as u64, c.to_bits()),
                        })
                        .collect();
                    form.sort_unstable();
                    let mut key = vec![r.op as u64, r.rhs.to_bits()];
                    key.extend(form.into_iter().flat_map(|(a, b)| [a, b]));
                    own[g][*i].push(key);
                } else {
                    let every = rows.len() == groups[g].members.len();
                    ok[g] &= every && rows.iter().all(|(_, row)| *row == rows[0].1);
                }
            }
        }
        groups
            .into_iter()
            .zip(own)
            .zip(ok)
            .filter_map(|((group, mut own), ok)| {
                for forms in &mut own {
                    forms.sort_unstable();
                }
                (ok && own.iter().all(|forms| *forms == own[0])).then_some(group)
            })
            .collect()
    }

    /// The audit with every group's members averaged into one, except the member `target`
    /// (group, member) kept apart beside the average of the others; and where each original
    /// quantity went (a member averaged away goes nowhere).
    fn reduced(&self, groups: &[Group], target: Option<(usize, usize)>) -> (Audit, Vec<Option<Q>>) {
        let n = self.quantities.len();
        let place = places(n, groups);
        let mut a = Audit::default();
        let mut map: Vec<Option<Q>> = vec![None; n];
        for (i, q) in self.quantities.iter().enumerate() {
            if place[i].is_none() {
                a.quantities.push(q.clone());
                map[i] = Some(Q(a.quantities.len() - 1));
            }
        }
        // Per group: the kept member's slots (if any), and the average of the rest.
        let mut kept: Vec<Option<(usize, Vec<Q>)>> = vec![None; groups.len()];
        let mut rest: Vec<(usize, Vec<Q>)> = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            let apart = target.filter(|t| t.0 == g).map(|t| t.1);
            if let Some(i) = apart {
                let slots = group.members[i].iter().map(|&q| {
                    a.quantities.push(self.get(q).clone());
                    map[q.0] = Some(Q(a.quantities.len() - 1));
                    Q(a.quantities.len() - 1)
                });
                kept[g] = Some((i, slots.collect()));
            }
            let others: Vec<&Vec<Q>> = (0..group.members.len())
                .filter(|&i| Some(i) != apart)
                .map(|i| &group.members[i])
                .collect();
            let source = (0..group.members.len())
                .find(|&i| Some(i) != apart)
                .unwrap_or(0);
            let slots = (0..group.members[0].len())
                .map(|s| {
                    let mean = others.iter().map(|m| self.get(m[s]).value).sum::<f64>()
                        / others.len() as f64;
                    let mut x = self.get(group.members[0][s]).clone();
                    x.value = mean;
                    a.quantities.push(x);
                    Q(a.quantities.len() - 1)
                })
                .collect();
            rest.push((source, slots));
        }
        for r in &self.relations {
            // Whose relation it is, if one member's: written once for the kept member and once,
            // for the average, from one other member; every member's relations are alike.
            // Per group touched: one member's relation (Some(member)) or every member's (None).
            let mut touched: std::collections::BTreeMap<usize, Option<usize>> = Default::default();
            for (q, _) in &r.terms {
                if let Some((g, i, _)) = place[q.0] {
                    touched
                        .entry(g)
                        .and_modify(|one| *one = one.filter(|&m| m == i))
                        .or_insert(Some(i));
                }
            }
            let written = touched.iter().all(|(&g, &one)| match one {
                Some(i) => kept[g].as_ref().is_some_and(|(k, _)| *k == i) || rest[g].0 == i,
                None => true,
            });
            if !written {
                continue;
            }
            // A relation among published quantities only constrains nothing left to find.
            if r.terms
                .iter()
                .all(|(q, _)| place[q.0].is_none() && self.get(*q).known == Known::Exactly)
            {
                continue;
            }
            let mut terms: Vec<(Q, f64)> = Vec::new();
            for &(q, c) in &r.terms {
                let to = match place[q.0] {
                    None => map[q.0],
                    Some((g, i, s)) => match &kept[g] {
                        Some((k, slots)) if *k == i => Some(slots[s]),
                        _ => Some(rest[g].1[s]),
                    },
                };
                if let Some(to) = to {
                    terms.push((to, c));
                }
            }
            a.relations.push(Relation {
                terms: merged(terms),
                op: r.op,
                rhs: r.rhs,
            });
        }
        (a, map)
    }

    /// The quantities a reader knows exactly: the published ones, those known within a range of
    /// one value, and those an equation of known ones gives (a published cell's students not
    /// judged: its size less its judged). They need no linear program; left in, they made each
    /// one several times larger.
    fn determined(&self) -> Vec<bool> {
        let n = self.quantities.len();
        let mut fixed: Vec<bool> = self
            .quantities
            .iter()
            .map(|q| match q.known {
                Known::Exactly => true,
                // A coded share of a cell of 10 where all met: at least 95%, so 10.
                Known::Between(low, high) => low == high,
                Known::Not => q.lower == q.upper,
            })
            .collect();
        let mut touching: Vec<Vec<usize>> = vec![Vec::new(); n];
        // Per equation, its terms not known yet.
        let mut open: Vec<usize> = vec![0; self.relations.len()];
        for (k, r) in self.relations.iter().enumerate() {
            if r.op != Op::Eq {
                continue;
            }
            let mut terms: Vec<usize> = r.terms.iter().map(|(q, _)| q.0).collect();
            terms.sort_unstable();
            terms.dedup();
            for &i in &terms {
                touching[i].push(k);
            }
            open[k] = terms.iter().filter(|&&i| !fixed[i]).count();
        }
        let mut ready: Vec<usize> = (0..self.relations.len())
            .filter(|&k| open[k] == 1)
            .collect();
        while let Some(k) = ready.pop() {
            // The one term left, with a coefficient that does not cancel out.
            let r = &self.relations[k];
            let Some(i) = r.terms.iter().map(|(q, _)| q.0).find(|&i| !fixed[i]) else {
                continue;
            };
            let c: f64 = r.terms.iter().filter(|(q, _)| q.0 == i).map(|t| t.1).sum();
            if c.abs() < 1e-12 {
                continue;
            }
            fixed[i] = true;
            for &j in &touching[i] {
                open[j] -= 1;
                if open[j] == 1 {
                    ready.push(j);
                }
            }
        }
        fixed
    }

    /// The unpublished and ranged quantities, grouped by the relations that connect them, each
    /// group with its linear program.
    fn parts(&self) -> Vec<PartLp> {
        let n = self.quantities.len();
        let mut root: Vec<usize> = (0..n).collect();
        fn find(root: &mut [usize], mut i: usize) -> usize {
            while root[i] != i {
                root[i] = root[root[i]];
                i = root[i];
            }
            i
        }
        let fixed = self.determined();
        let open = |i: usize| !fixed[i];
        for r in &self.relations {
            let mut members = r.terms.iter().map(|(q, _)| q.0).filter(|&i| open(i));
            if let Some(first) = members.next() {
                for other in members {
                    let (a, b) = (find(&mut root, first), find(&mut root, other));
                    root[a] = b;
                }
            }
        }
        // Each open quantity's part, and its place among the part's variables.
        let mut part_of: Vec<Option<(usize, usize)>> = vec![None; n];
        let mut parts: Vec<PartLp> = Vec::new();
        let mut index: Vec<Option<usize>> = vec![None; n];
        for i in (0..n).filter(|&i| open(i)) {
            let r = find(&mut root, i);
            let p = *index[r].get_or_insert_with(|| {
                parts.push(PartLp {
                    vars: Vec::new(),
                    bounds: Vec::new(),
                    rows: Vec::new(),
                    key: Vec::new(),
                });
                parts.len() - 1
            });
            let x = &self.quantities[i];
            part_of[i] = Some((p, parts[p].vars.len()));
            parts[p].vars.push(Q(i));
            let bounds = match x.known {
                Known::Between(lo, hi) => (lo.max(x.lower), hi.min(x.upper)),
                _ => (x.lower, x.upper),
            };
            parts[p].bounds.push(bounds);
            parts[p]
                .key
                .extend([i as u64, bounds.0.to_bits(), bounds.1.to_bits()]);
        }
        for part in &mut parts {
            part.key.push(u64::MAX - 1);
        }
        // Every open term of a relation lies in the same part; published ones are constants.
        for r in &self.relations {
            let Some(p) = r
                .terms
                .iter()
                .find_map(|(q, _)| part_of[q.0].map(|(p, _)| p))
            else {
                continue;
            };
            let part = &mut parts[p];
            let mut rhs = r.rhs;
            let mut terms = Vec::new();
            for &(q, c) in &r.terms {
                match part_of[q.0] {
                    // The solver refuses a variable twice in a row (it panics): one term each.
                    Some((_, v)) => match terms.iter_mut().find(|(w, _)| *w == v) {
                        Some((_, k)) => *k += c,
                        None => terms.push((v, c)),
                    },
                    None => rhs -= c * self.get(q).value,
                }
            }
            // The row exactly as the solver gets it.
            let (op, code) = match r.op {
                Op::Eq => (ComparisonOp::Eq, 0),
                Op::Le => (ComparisonOp::Le, 1),
                Op::Ge => (ComparisonOp::Ge, 2),
            };
            part.key.extend([u64::MAX - 2, code, rhs.to_bits()]);
            part.key
                .extend(terms.iter().flat_map(|&(v, c)| [v as u64, c.to_bits()]));
            part.rows.push((terms, op, rhs));
        }
        parts
    }
}

/// Each grouped quantity's (group, member, slot), by quantity index.
fn places(n: usize, groups: &[Group]) -> Vec<Option<(usize, usize, usize)>> {
    let mut place = vec![None; n];
    for (g, group) in groups.iter().enumerate() {
        for (i, m) in group.members.iter().enumerate() {
            for (s, q) in m.iter().enumerate() {
                place[q.0] = Some((g, i, s));
            }
        }
    }
    place
}

/// The terms with each quantity once: the averaged members' terms add up into one.
fn merged(mut terms: Vec<(Q, f64)>) -> Vec<(Q, f64)> {
    terms.sort_by_key(|(q, _)| *q);
    terms.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 += later.1;
        }
        same
    });
    terms
}

/// Intervals over one audit, its groups averaged: the reduced linear programs are built once,
/// and a group's members share the first member's.
struct Intervals<'a> {
    audit: &'a Audit,
    groups: Vec<Group>,
    /// Each grouped quantity's (group, slot).
    place: std::collections::HashMap<usize, (usize, usize)>,
    /// Every group averaged, and where each ungrouped quantity went.
    averaged: Option<Averaged>,
    /// Per group, the audit with its first member kept apart and the others averaged.
    per_group: std::collections::HashMap<usize, Averaged>,
}

impl<'a> Intervals<'a> {
    fn new(audit: &'a Audit) -> Self {
        let groups = audit.alike();
        let mut place = std::collections::HashMap::new();
        for (g, group) in groups.iter().enumerate() {
            for m in &group.members {
                for (s, q) in m.iter().enumerate() {
                    place.insert(q.0, (g, s));
                }
            }
        }
        Intervals {
            audit,
            groups,
            place,
            averaged: None,
            per_group: Default::default(),
        }
    }

    /// The part and variable whose interval is `q`'s; `None` when a reader knows `q` exactly.
    fn locate(&mut self, q: Q) -> Option<(&PartLp, usize)> {
        if self.audit.get(q).known == Known::Exactly {
            return None;
        }
        let audit = self.audit;
        let groups = &self.groups;
        let reduce = |target| {
            let (reduced, map) = audit.reduced(groups, target);
            let (parts, at) = located(&reduced);
            let at: Vec<_> = map.iter().map(|m| m.and_then(|r| at[r.0])).collect();
            (parts, at)
        };
        let ((parts, at), q) = match self.place.get(&q.0) {
            // By symmetry one member's interval is every member's: the first one's, solved with
            // the others averaged (one reduced audit per group serves each of its slots).
            Some(&(g, s)) => (
                &*self
                    .per_group
                    .entry(g)
                    .or_insert_with(|| reduce(Some((g, 0)))),
                groups[g].members[0][s],
            ),
            None => (&*self.averaged.get_or_insert_with(|| reduce(None)), q),
        };
        at[q.0].map(|(p, k)| (&parts[p], k))
    }

    /// `None` when `q`'s interval passes `enough` (a test that a wider interval passes too);
    /// else the interval, or with `roughly` a range around it that fails `enough` already. Most
    /// exposed counts are pinned by a sum or two, which the bounds of [`PartLp::outer`] show
    /// without solving: a range that holds the interval and fails the test proves that the
    /// interval fails it. The answer is the exact interval's. The solver's may differ: it holds
    /// each row and bound only within an absolute 1e-7, which through a large ratio of
    /// coefficients can put its extremes outside the exact interval (a count taken as wide that
    /// is pinned). The propagated bounds do not: where they decide, they decide toward
    /// protecting, and the solver's values past them are taken back to them (`Solved::see`).
    /// A stray within them, where they are wider than the interval, stays possible.
    fn failing(
        &mut self,
        q: Q,
        cache: &mut Cache,
        roughly: bool,
        enough: impl Fn((f64, f64)) -> bool,
    ) -> Option<(f64, f64)> {
        if let Some(range) = self.outer(q, cache).filter(|&range| !enough(range)) {
            return Some(if roughly { range } else { self.of(q, cache) });
        }
        (!self.reaches(q, cache, &enough)).then(|| self.of(q, cache))
    }

    /// A range that holds `q`'s interval, from its part's [`PartLp::outer`] bounds; the truth
    /// when a reader knows `q` exactly, and `None` when the bounds are not to be had.
    fn outer(&mut self, q: Q, cache: &mut Cache) -> Option<(f64, f64)> {
        let value = self.audit.get(q).value;
        let Some((part, k)) = self.locate(q) else {
            return Some((value, value));
        };
        let (low, high) = cache.solved(part).outer(part)?[k];
        Some((low.min(value), high.max(value)))
    }

    /// The smallest and largest value of `q` consistent with what is published.
    fn of(&mut self, q: Q, cache: &mut Cache) -> (f64, f64) {
        let mut interval = (0.0, 0.0);
        self.reaches(q, cache, |range| {
            interval = range;
            false
        });
        interval
    }

    /// Whether `q`'s interval passes `enough`, a test that a wider interval passes too: the
    /// range of the points seen is tried first, then with the largest value solved, then the
    /// smallest; once both are solved the range is the interval. The range always holds the true
    /// value (the truth satisfies every relation): where the solver failed on a side, that side
    /// stays there, the reader taken to know it, which errs on the side of protecting it.
    fn reaches(
        &mut self,
        q: Q,
        cache: &mut Cache,
        mut enough: impl FnMut((f64, f64)) -> bool,
    ) -> bool {
        let value = self.audit.get(q).value;
        let Some((part, k)) = self.locate(q) else {
            return enough((value, value));
        };
        let solved = cache.solved(part);
        for largest in [None, Some(true), Some(false)] {
            if let Some(largest) = largest {
                solved.solve(part, k, largest);
            }
            let (low, high) = solved.seen[k];
            if enough((low.min(value), high.max(value))) {
                return true;
            }
        }
        false
    }
}

/// The audit's parts, and each open quantity's (part, variable) among them.
fn located(audit: &Audit) -> (Vec<PartLp>, Vec<Option<(usize, usize)>>) {
    let parts = audit.parts();
    let mut at = vec![None; audit.quantities.len()];
    for (p, part) in parts.iter().enumerate() {
        for (k, q) in part.vars.iter().enumerate() {
            at[q.0] = Some((p, k));
        }
    }
    (parts, at)
}

impl Cache {
    fn solved(&mut self, part: &PartLp) -> &mut Solved {
        let i = match self.index.get(&part.key) {
            Some(&i) => i,
            None => {
                self.solved.push(Solved {
                    extremes: Default::default(),
                    seen: vec![(f64::INFINITY, f64::NEG_INFINITY); part.vars.len()],
                    outer: None,
                });
                self.index.insert(part.key.clone(), self.solved.len() - 1);
                self.solved.len() - 1
            }
        };
        &mut self.solved[i]
    }
}

impl Solved {
    /// Solves for the largest (or smallest) value of variable `target`, once, and adds the
    /// solver's point to the range seen.
    fn solve(&mut self, part: &PartLp, target: usize, largest: bool) {
        if !self.extremes.insert((target, largest)) {
            return;
        }
        if let Some(point) = part.extreme(target, largest) {
            self.see(part, &point);
        }
    }

    /// Adds a point the solver returned to the range seen. It holds the rows only within the
    /// solver's tolerance; the propagated bounds hold every point of the exact region, so a
    /// value past them is the tolerance's, not a reader's, and is taken back to them.
    fn see(&mut self, part: &PartLp, point: &[f64]) {
        // Worked out once by `outer`, then read beside `seen` (two fields borrowed apart).
        self.outer(part);
        let Solved { seen, outer, .. } = self;
        let outer = outer.as_ref().and_then(Option::as_deref);
        for (k, (range, &x)) in seen.iter_mut().zip(point).enumerate() {
            // A value no point holds is no evidence (max and min would take NaN for the bound).
            if !x.is_finite() {
                continue;
            }
            let x = match outer.and_then(|o| o.get(k)) {
                Some(&(low, high)) => x.max(low).min(high),
                None => x,
            };
            *range = (range.0.min(x), range.1.max(x));
        }
    }

    /// The part's [`PartLp::outer`] bounds, worked out once.
    fn outer(&mut self, part: &PartLp) -> Option<&[(f64, f64)]> {
        self.outer.get_or_insert_with(|| part.outer()).as_deref()
    }
}

/// Rounds of [`PartLp::outer`]: each goes once through the relations. The bounds that show
/// a count exposed come in the first few (a cell is the total less the others, a tier the
/// count meeting the target less the others); later rounds narrow in ever smaller steps.
const OUTER_ROUNDS: usize = 30;

/// How far [`PartLp::outer`] widens what a relation implies, relative to the largest of its
/// terms and right-hand side: far past the round-off of adding them up (about 1e-16 a term), so
/// that each bound holds every point of the exact region (not every point the solver may
/// return within its tolerance; see [`Intervals::failing`]). Relative: a row of tiny
/// coefficients (1e-6 x <= 5e-6) is as exact as any, and an absolute margin would let x stray
/// (beside it, `outer` adds what a very long row or one of subnormal terms needs).
const OUTER_ROUND_OFF: f64 = 1e-8;

impl PartLp {
    /// A range around each variable's interval: its bounds, narrowed by what each relation
    /// implies of it given the others' ranges, round after round (bound propagation, as a
    /// solver's presolve does). Every feasible point lies within the ranges, so a variable
    /// whose range is narrow has a narrow interval; a wide range proves nothing. `None` when
    /// two bounds cross (the true values meet the relations only within a tolerance) or a sum
    /// overflows: then the linear programs decide.
    fn outer(&self) -> Option<Vec<(f64, f64)>> {
        let mut bounds = self.bounds.clone();
        for _ in 0..OUTER_ROUNDS {
            let mut narrowed = false;
            for (terms, op, rhs) in &self.rows {
                // The least and most the terms add up to: the finite part, and how many terms
                // are unbounded that way.
                let mut least = (0.0, 0usize);
                let mut most = (0.0, 0usize);
                let mut scale = rhs.abs();
                for &(v, c) in terms {
                    let (low, high) = term_range(c, bounds[v]);
                    for (sum, x) in [(&mut least, low), (&mut most, high)] {
                        if x.is_finite() {
                            sum.0 += x;
                            scale = scale.max(x.abs());
                        } else {
                            sum.1 += 1;
                        }
                    }
                }
                // The round-off of adding n terms grows as n times n of the largest; the
                // smallest normal number covers a row of subnormal terms.
                let n = terms.len() as f64;
                let widen = scale * (OUTER_ROUND_OFF + n * n * f64::EPSILON) + f64::MIN_POSITIVE;
                for &(v, c) in terms.iter().filter(|(_, c)| *c != 0.0) {
                    let (low, high) = term_range(c, bounds[v]);
                    // What the other terms add up to at least and at most.
                    let others = |(sum, unbounded): (f64, usize), own: f64, infinite: f64| match (
                        own.is_finite(),
                        unbounded,
                    ) {
                        (true, 0) => sum - own,
                        (false, 1) => sum,
                        _ => infinite,
                    };
                    let others_least = others(least, low, f64::NEG_INFINITY);
                    let others_most = others(most, high, f64::INFINITY);
                    // The range of this term: c x <= rhs - others_least, c x >= rhs - others_most.
                    let term_high = match op {
                        ComparisonOp::Le | ComparisonOp::Eq => rhs - others_least + widen,
                        ComparisonOp::Ge => f64::INFINITY,
                    };
                    let term_low = match op {
                        ComparisonOp::Ge | ComparisonOp::Eq => rhs - others_most - widen,
                        ComparisonOp::Le => f64::NEG_INFINITY,
                    };
                    let (x_low, x_high) = if c > 0.0 {
                        (term_low / c, term_high / c)
                    } else {
                        (term_high / c, term_low / c)
                    };
                    let (low, high) = &mut bounds[v];
                    // Narrowed only by more than a hair, so the rounds end; the hair is sized by
                    // the finite ends, so a range unbounded on one side narrows on the other.
                    let size = [*low, *high]
                        .iter()
                        .filter(|x| x.is_finite())
                        .fold(0.0, |m: f64, x| m.max(x.abs()));
                    let hair = OUTER_ROUND_OFF * (1.0 + size);
                    if x_low > *low + hair {
                        *low = x_low;
                        narrowed = true;
                    }
                    if x_high < *high - hair {
                        *high = x_high;
                        narrowed = true;
                    }
                }
            }
            if !narrowed {
                break;
            }
        }
        bounds
            .iter()
            .all(|(low, high)| low <= high)
            .then_some(bounds)
    }

    /// A point of the part where variable `target` is smallest (or largest), every variable's
    /// value in order; `None` when the solver fails.
    fn extreme(&self, target: usize, largest: bool) -> Option<Vec<f64>> {
        let direction = if largest {
            OptimizationDirection::Maximize
        } else {
            OptimizationDirection::Minimize
        };
        let mut p = Problem::new(direction);
        let vars: Vec<_> = self
            .bounds
            .iter()
            .enumerate()
            .map(|(k, &bounds)| p.add_var(if k == target { 1.0 } else { 0.0 }, bounds))
            .collect();
        for (terms, op, rhs) in &self.rows {
            let terms: Vec<_> = terms.iter().map(|&(v, c)| (vars[v], c)).collect();
            p.add_constraint(terms.as_slice(), *op, *rhs);
        }
        let outcome = p.solve().ok()?;
        let solution = outcome.solution()?;
        Some(vars.iter().map(|&v| solution.var_value(v)).collect())
    }
}

/// The range of `c x` for `x` within `(low, high)`, low end first (a coefficient of 0 is no
/// term: the parts merge each variable's terms, and the solver takes a 0 as no term).
fn term_range(c: f64, (low, high): (f64, f64)) -> (f64, f64) {
    let (a, b) = (c * low, c * high);
    let (a, b) = (
        if a.is_nan() { 0.0 } else { a },
        if b.is_nan() { 0.0 } else { b },
    );
    (a.min(b), a.max(b))
}

/// The equations were too many to solve within [`PINNING_BUDGET`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

/// Most arithmetic steps (unknowns x equations squared) [`pinned`] takes on: a few
/// milliseconds, with room for every plan the publishing loop tries. Five subgroup columns
/// (grade, gender, race, ELL, special education: about 33 cells) and 1,500 combinations of
/// their values take 1.6 million.
pub const PINNING_BUDGET: usize = 5_000_000;

/// [`PINNING_BUDGET`] for [`Audit::hull`], whose unknowns are each group's counts and sums
/// (about seven a group): the elimination skips the basis vectors a column does not meet, so
/// the steps counted overstate its work by far (the calculator's sample with four subgroup
/// columns, 141 groups: 987 unknowns and 210 equations, 43 million steps counted, in 1 ms).
/// At the check's most groups, 400 (2,800 unknowns, 800 equations: 1.8 billion), the
/// limit of groups is reached first. With the budget of the equations by counts, that sample
/// and a roster of 12 schools by 6 grades lost every subgroup cell.
pub const HULL_BUDGET: usize = 2_000_000_000;

/// Which unknowns a system of equations pins down exactly, whatever the others are: those
/// whose unit vector lies in the equations' row space. Column `j` of the 0/1 matrix is
/// `columns[j]`, the rows it has a 1 in (each below `rows`). See [`pinned_sums`]. (The tests'
/// form: the check across tables asks of groups and of their sums at once.)
#[cfg(test)]
pub fn pinned(rows: usize, columns: &[Vec<usize>]) -> Result<Vec<bool>, TooLarge> {
    let singles: Vec<Vec<usize>> = (0..columns.len()).map(|j| vec![j]).collect();
    pinned_sums(rows, columns, &singles)
}

/// Which sums of unknowns (each a set of columns, see [`pinned`]) the equations pin down
/// exactly: those whose 0/1 vector lies in the row space, that is, meets every solution of the
/// equations set to 0 at 0 (see `Solutions`). Cost: columns x rows squared, refused past
/// [`PINNING_BUDGET`], then columns outside the basis x the sums' sizes.
pub fn pinned_sums(
    rows: usize,
    columns: &[Vec<usize>],
    sums: &[Vec<usize>],
) -> Result<Vec<bool>, TooLarge> {
    let solutions = Solutions::of(rows, &ones(columns), PINNING_BUDGET)?;
    Ok(sums.iter().map(|sum| solutions.pin(sum)).collect())
}

/// Most branch-and-bound nodes [`pinned_subset`]'s search may take: past it, too large to
/// check (and every subgroup cell is withheld). No test or attack so far has reached it.
pub const MOST_SUBSET_NODES: u64 = 2_000;

/// A set of two or more columns, each of weight 1 to `most - 1` and together less than `most`,
/// whose sum the equations pin down (see [`pinned_sums`]), or None. Three groups of yes/no
/// columns x, y and z where x is y XOR z, 1 student each, were x + total - y - z. Every set is
/// tried, as an integer program (`microlp`'s branch and bound): a 0/1 choice of the small
/// columns that meets every solution of the equations set to 0 at 0 (see `Solutions`), two
/// or more of them, weighing less than `most`. Any such choice answers, so the objective is 0.
pub fn pinned_subset(
    rows: usize,
    columns: &[Vec<usize>],
    weights: &[u64],
    most: u64,
) -> Result<Option<Vec<usize>>, TooLarge> {
    let small: Vec<usize> = (0..columns.len())
        .filter(|&j| weights.get(j).is_some_and(|&w| w > 0 && w < most))
        .collect();
    if small.len() < 2 {
        return Ok(None);
    }
    let solutions = Solutions::of(rows, &ones(columns), PINNING_BUDGET)?;
    let meets: Vec<Vec<f64>> = (solutions.outside.iter())
        .map(|x| small.iter().map(|&k| solutions.meets(&[k], x)).collect())
        .collect();
    subset_meeting(&small, &meets, weights, most)
}

/// Each 0/1 column (the rows it has a 1 in) with its coefficients.
fn ones(columns: &[Vec<usize>]) -> Vec<Vec<(usize, f64)>> {
    (columns.iter())
        .map(|rows| rows.iter().map(|&r| (r, 1.0)).collect())
        .collect()
}

/// Two or more of the `small` sums, weighing (`weights`, by the sums' own index) from 1 to
/// `most - 1` together, whose choice meets every solution at 0: `meets[s][i]` is the `i`th small
/// sum against solution `s`. The integer program of [`pinned_subset`].
fn subset_meeting(
    small: &[usize],
    meets: &[Vec<f64>],
    weights: &[u64],
    most: u64,
) -> Result<Option<Vec<usize>>, TooLarge> {
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let chosen: Vec<Variable> = small.iter().map(|_| p.add_binary_var(0.0)).collect();
    for solution in meets {
        let terms: Vec<(Variable, f64)> = (chosen.iter().zip(solution))
            .map(|(&v, &m)| (v, m))
            .filter(|(_, m)| m.abs() > 1e-9)
            .collect();
        if !terms.is_empty() {
            p.add_constraint(terms.as_slice(), ComparisonOp::Eq, 0.0);
        }
    }
    let each: Vec<(Variable, f64)> = chosen.iter().map(|&v| (v, 1.0)).collect();
    p.add_constraint(each.as_slice(), ComparisonOp::Ge, 2.0);
    let weighed: Vec<(Variable, f64)> = (small.iter().zip(&chosen))
        .map(|(&k, &v)| (v, weights[k] as f64))
        .collect();
    p.add_constraint(weighed.as_slice(), ComparisonOp::Le, (most - 1) as f64);
    p.add_constraint(weighed.as_slice(), ComparisonOp::Ge, 1.0);
    let mut options = SolveOptions::default();
    options.node_limit = Some(MOST_SUBSET_NODES);
    match p.solve_with(options) {
        Err(Error::Infeasible) => Ok(None),
        Ok(SolveOutcome::Solution(s)) => Ok(Some(
            (small.iter().zip(&chosen))
                .filter(|&(_, &v)| s.var_value(v) > 0.5)
                .map(|(&k, _)| k)
                .collect(),
        )),
        // The node limit, or the solver failing: not shown safe.
        _ => Err(TooLarge),
    }
}

/// What the published figures pin exactly, inequalities included: per part of the audit, the
/// solutions of its affine hull's equations set to 0 (see `Solutions`). A sum of quantities is
/// constant over every roster a reader allows when it lies in the hull's row space, that is,
/// meets each solution at 0. The hull's equations are the part's own, and the inequalities
/// and bounds that every feasible point meets with equality ("implicit equalities"): with the
/// dose bands' met counts adding up to the total's, those at fidelity alone, each band's
/// students below fidelity meeting the target (at least 0) are 0 wherever a reader looks, and
/// y = N's 14 and z = N's 14 met, less the 25 at fidelity the 30-45 band leaves, give the 3 of
/// NNN, YNY and YYN who met it, though each of them lies anywhere from 0 to 3.
pub struct Hull {
    /// Each open quantity's (part, variable).
    at: Vec<Option<(usize, usize)>>,
    /// Per part, the solutions of its hull's equations set to 0.
    parts: Vec<Solutions>,
}

impl Audit {
    /// The hull of what is published (see [`Hull`]). `TooLarge` past [`HULL_BUDGET`].
    pub fn hull(&self) -> Result<Hull, TooLarge> {
        let (parts, at) = located(self);
        let parts = (parts.iter())
            .map(|part| {
                let truth: Vec<f64> = part.vars.iter().map(|&q| self.get(q).value).collect();
                let equations = part.hull_equations(&truth);
                let mut columns = vec![Vec::new(); part.vars.len()];
                for (r, terms) in equations.iter().enumerate() {
                    for &(v, c) in terms {
                        columns[v].push((r, c));
                    }
                }
                Solutions::of(equations.len(), &columns, HULL_BUDGET)
            })
            .collect::<Result<_, _>>()?;
        Ok(Hull { at, parts })
    }
}

impl Hull {
    /// The sums [`Hull::pinned_subset`] may choose among (those of `weights` below `most`),
    /// when there are two or more and one is not 0; else None, with nothing to look for.
    pub fn candidates(weights: &[u64], most: u64) -> Option<Vec<usize>> {
        let small: Vec<usize> = (0..weights.len()).filter(|&j| weights[j] < most).collect();
        let some = small.iter().any(|&j| weights[j] > 0);
        (small.len() >= 2 && some).then_some(small)
    }

    /// Two or more of `sums` (each the quantities it adds up), weighing (`weights`, their true
    /// totals) from 1 to `most - 1` together, whose total the hull pins, or None: chosen as
    /// [`pinned_subset`] chooses them. A sum of 0 may be among them: the reader does not know
    /// it is 0 (x + z = 3 with z = 0 gives the 3 of x and z together, x alone being free).
    pub fn pinned_subset(
        &self,
        sums: &[Vec<Q>],
        weights: &[u64],
        most: u64,
    ) -> Result<Option<Vec<usize>>, TooLarge> {
        let Some(small) = Hull::candidates(weights, most) else {
            return Ok(None);
        };
        // Each small sum's variables in each part (a known quantity adds a constant).
        let mut in_part: Vec<Vec<Vec<usize>>> =
            vec![vec![Vec::new(); small.len()]; self.parts.len()];
        for (i, &j) in small.iter().enumerate() {
            for q in &sums[j] {
                if let Some((p, k)) = self.at.get(q.0).copied().flatten() {
                    in_part[p][i].push(k);
                }
            }
        }
        let meets: Vec<Vec<f64>> = (self.parts.iter().zip(&in_part))
            .filter(|(_, vars)| vars.iter().any(|v| !v.is_empty()))
            .flat_map(|(solutions, vars)| {
                (solutions.outside.iter())
                    .map(|x| vars.iter().map(|v| solutions.meets(v, x)).collect())
            })
            .collect();
        subset_meeting(&small, &meets, weights, most)
    }
}

impl PartLp {
    /// The part's equations and the inequalities and bounds every feasible point meets with
    /// equality, each as terms equal to a right side (the right sides do not matter to the
    /// hull's directions, only its terms are kept). `truth` is a feasible point (the true
    /// values): only what it meets with equality can be one. Found by linear programming: each
    /// candidate gets a slack from 0 to 1, their sum is made largest, and those that take one
    /// above 0 are not; until none does (Fukuda, "Frequently asked questions in polyhedral
    /// computation", 2.19: the implicit equalities of a system). Where the solver fails, the
    /// candidates left are taken as equalities: more sums pinned, which errs on the side of
    /// protecting them.
    fn hull_equations(&self, truth: &[f64]) -> Vec<Vec<(usize, f64)>> {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0);
        let mut equations: Vec<Vec<(usize, f64)>> = Vec::new();
        // Candidates as terms <= right side.
        let mut tight: Vec<(Vec<(usize, f64)>, f64)> = Vec::new();
        for (terms, op, rhs) in &self.rows {
            let lhs: f64 = terms.iter().map(|&(v, c)| c * truth[v]).sum();
            let negated = || terms.iter().map(|&(v, c)| (v, -c)).collect();
            match op {
                ComparisonOp::Eq => equations.push(terms.clone()),
                ComparisonOp::Le if close(lhs, *rhs) => tight.push((terms.clone(), *rhs)),
                ComparisonOp::Ge if close(lhs, *rhs) => tight.push((negated(), -rhs)),
                _ => {}
            }
        }
        for (v, &(low, high)) in self.bounds.iter().enumerate() {
            if close(truth[v], low) {
                tight.push((vec![(v, -1.0)], -low));
            }
            if close(truth[v], high) {
                tight.push((vec![(v, 1.0)], high));
            }
        }
        while !tight.is_empty() {
            let mut p = Problem::new(OptimizationDirection::Maximize);
            let vars: Vec<Variable> = (self.bounds.iter()).map(|&b| p.add_var(0.0, b)).collect();
            for (terms, op, rhs) in &self.rows {
                let terms: Vec<_> = terms.iter().map(|&(v, c)| (vars[v], c)).collect();
                p.add_constraint(terms.as_slice(), *op, *rhs);
            }
            let slacks: Vec<Variable> = (tight.iter())
                .map(|(terms, rhs)| {
                    let t = p.add_var(1.0, (0.0, 1.0));
                    let mut row: Vec<_> = terms.iter().map(|&(v, c)| (vars[v], c)).collect();
                    row.push((t, 1.0));
                    p.add_constraint(row.as_slice(), ComparisonOp::Le, *rhs);
                    t
                })
                .collect();
            let Some(solution) = p.solve().ok().and_then(|o| o.solution().cloned()) else {
                break;
            };
            let loose: Vec<bool> = (slacks.iter())
                .map(|&t| solution.var_value(t) > 1e-7)
                .collect();
            if !loose.contains(&true) {
                break;
            }
            let mut flags = loose.into_iter();
            tight.retain(|_| !flags.next().unwrap_or(false));
        }
        equations.extend(tight.into_iter().map(|(terms, _)| terms));
        equations
    }
}

/// The solutions of the equations set to 0, one per column outside a greedy basis of the
/// columns (1 at that column, the opposite of its combination of the basis on the basis), which
/// span them all: a sum of unknowns is pinned when it meets each at 0.
struct Solutions {
    /// Each column's place in the basis.
    place: Vec<Option<usize>>,
    /// The columns outside it with their combination t (column + t . basis = 0).
    outside: Vec<(usize, Vec<f64>)>,
}

impl Solutions {
    /// By elimination: columns x rows squared steps counted, refused past `budget`
    /// ([`PINNING_BUDGET`], or [`HULL_BUDGET`] for the hull).
    fn of(
        rows: usize,
        columns: &[Vec<(usize, f64)>],
        budget: usize,
    ) -> Result<Solutions, TooLarge> {
        if columns.len().saturating_mul(rows.saturating_mul(rows)) > budget {
            return Err(TooLarge);
        }
        const EPS: f64 = 1e-9;
        // The reduced basis vectors, each zero at the pivots before its own, with its pivot and
        // its value as a combination of the basis columns (by their order in the basis).
        let mut reduced: Vec<(Vec<f64>, usize, Vec<f64>)> = Vec::new();
        let mut place: Vec<Option<usize>> = vec![None; columns.len()];
        let mut outside: Vec<(usize, Vec<f64>)> = Vec::new();
        for (j, entries) in columns.iter().enumerate() {
            let mut v = vec![0.0; rows];
            for &(r, c) in entries {
                if let Some(x) = v.get_mut(r) {
                    *x += c;
                }
            }
            // v = column j + sum(t_i basis_i), reduced against each basis vector in turn.
            let mut t = vec![0.0; reduced.len() + 1];
            for (e, pivot, combo) in &reduced {
                let k = v[*pivot] / e[*pivot];
                if k.abs() > EPS {
                    v.iter_mut().zip(e).for_each(|(x, y)| *x -= k * y);
                    t.iter_mut().zip(combo).for_each(|(x, y)| *x -= k * y);
                }
            }
            let (pivot, size) = v.iter().enumerate().fold((0, 0.0), |best, (r, x)| {
                if x.abs() > best.1 {
                    (r, x.abs())
                } else {
                    best
                }
            });
            if size > EPS {
                // Independent: a new basis column, its reduced vector v = column + t.
                t[reduced.len()] = 1.0;
                place[j] = Some(reduced.len());
                reduced.push((v, pivot, t));
            } else {
                t.pop();
                outside.push((j, t));
            }
        }
        Ok(Solutions { place, outside })
    }

    /// A sum against one solution: 1 if it holds the column outside the basis, plus the
    /// combination's weights on the basis columns it holds.
    fn meets(&self, sum: &[usize], (j, t): &(usize, Vec<f64>)) -> f64 {
        sum.iter()
            .map(|&k| match self.place.get(k).copied().flatten() {
                _ if k == *j => 1.0,
                Some(i) => t.get(i).copied().unwrap_or(0.0),
                None => 0.0,
            })
            .sum()
    }

    /// Whether the equations pin down the sum of the columns `sum`.
    fn pin(&self, sum: &[usize]) -> bool {
        self.outside
            .iter()
            .all(|x| self.meets(sum, x).abs() <= 1e-6)
    }
}

#[cfg(test)]
mod tests;
