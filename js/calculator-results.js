// The calculator's third panel, "3. Results": the evaluation's progress and status line, the
// problems that stopped one, and the evaluation itself: the payment, the students, growth, dose and
// response, subgroups, the local comparison, rows left out and the publishable report, each as a
// table, with charts beside them when Chart.js (global `Chart`) is on the page. Every figure it
// states comes from the evaluation it was given, never from the form, which may have changed since.
import { el, downloadJson } from './dom.js';
import { money, count } from './money.js';

const megabytes = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const percent = (x) => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);
const decimal = (x, digits = 2) => (x == null || !Number.isFinite(x) ? '—' : x.toFixed(digits));
const shownInReport = (cell) => {
  if (!cell.inReport) return 'Withheld';
  return cell.sizeInReport ? 'Yes' : 'All but Enrolled';
};
const RATING = { meetsWithoutReservations: 'meets standards without reservations', meetsWithReservations: 'meets standards with reservations', doesNotMeet: 'does not meet standards', notRated: 'not rated' };
const BASELINE = { satisfied: 'equivalent', requiresAdjustment: 'needs statistical adjustment', notSatisfied: 'not equivalent' };
const DESIGN = { rct: 'randomized trial', clusterRct: 'cluster-randomized trial', qed: 'quasi-experiment' };

/**
 * A table: `rows` are `{ cells, className?, cellClass?, header? }`; the first cell is a row header
 * unless `header` is false; the columns listed in `numeric` are right-aligned.
 */
function table(caption, head, rows, { numeric = [] } = {}) {
  return el('table', {},
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null, text: h })))),
    el('tbody', {}, ...rows.map((r) => el('tr', { class: r.className ?? null },
      ...r.cells.map((c, i) => (i === 0 && r.header !== false
        ? el('th', { scope: 'row', text: c })
        : el('td', { class: [numeric.includes(i) ? 'num' : '', r.cellClass?.[i] ?? ''].join(' ').trim() || null, text: c })))))));
}

/** A table of roster lines with their problems (rows left out, or the rows that stopped an evaluation). */
const lineTable = (caption, rows) =>
  table(caption, ['Line', 'Column', 'Problem'], rows.map((r) => ({ cells: [String(r.line), r.column ?? '', r.message] })));

/** A chart container: a canvas for Chart.js with a text alternative, or nothing without Chart.js. */
function chart(title, description, config) {
  if (typeof globalThis.Chart !== 'function') return null;
  const canvas = el('canvas', { role: 'img', 'aria-label': `${title}. ${description}`, 'data-chart': true });
  canvas.textContent = description;
  canvas.chartConfig = config;
  return el('div', { class: 'chart' }, canvas);
}

/** A chart under its heading, or nothing (no heading alone) without Chart.js. */
const chartPanel = (heading, chart) => chart && el('div', {}, el('h3', { text: heading }), chart);

const barChart = (labels, label, data, backgroundColor, options = {}) => ({
  type: 'bar',
  data: { labels, datasets: [{ label, data, backgroundColor }] },
  options: { plugins: { legend: { display: false } }, ...options },
});

function paymentSection(p, cash, currency) {
  const adjustment = p.totalCents - Math.max(0, p.baseCents + p.outcomeCents - p.penaltyCents);
  const rows = [
    { cells: ['Base', cash(p.baseCents)] },
    { cells: ['Outcome payments', cash(p.outcomeCents)] },
    { cells: ['Decline penalty', `−${cash(p.penaltyCents)}`] },
    { cells: [p.capApplied ? 'Cap applied' : p.floorApplied ? 'Floor applied' : 'Cap or floor', adjustment === 0 ? cash(0) : `${adjustment < 0 ? '−' : '+'}${cash(Math.abs(adjustment))}`] },
    { cells: ['Total', cash(p.totalCents)], className: 'total' },
  ];
  return [el('h3', { text: 'Payment' }),
    el('p', { class: 'big', id: 'total', text: cash(p.totalCents) }),
    el('p', { class: 'hint', text: `Of a possible ${cash(p.maximumCents)}; ${percent(p.contingentShare)} of that depends on outcomes.${p.districtObligationMet === false ? ' The district fell short of its fidelity obligation, so it pays in full.' : ''}` }),
    el('div', { class: 'grid' }, table('Payment breakdown', ['Part', 'Amount'], rows, { numeric: [1] }),
      chart('Payment breakdown chart', `Base ${cash(p.baseCents)}, outcome ${cash(p.outcomeCents)}, penalty ${cash(p.penaltyCents)}, total ${cash(p.totalCents)}.`,
        barChart(['Base', 'Outcome', 'Penalty', 'Total'], `Amount (${currency})`, [p.baseCents, p.outcomeCents, -p.penaltyCents, p.totalCents].map((c) => c / 100),
          ['#5b7fa6', '#1d6b34', '#a4161a', '#0a3d73'])))];
}

function studentsSection(s, cash) {
  return [el('h3', { text: 'Students' }), table('Students by status', ['Students', 'Count'], [
    { cells: ['Rows read', count(s.rows)] }, { cells: ['Comparison students', count(s.comparison)] },
    { cells: ['Enrolled', count(s.enrolled)] }, { cells: ['At fidelity', count(s.atFidelity)] },
    { cells: ['At fidelity with an outcome', count(s.withOutcome)] }, { cells: ['Missing post-test', count(s.missingOutcome)] },
    { cells: ['Met the target (lowest tier)', count(s.metTarget)] }, { cells: ['Declined', count(s.declined)] },
    ...s.byTier.map((t) => ({ cells: [`Tier "${t.label}" (at least ${t.atLeast}, ${cash(t.centsPerStudent)} each)`, count(t.count)] })),
    { cells: ['Below every tier', count(s.belowAllTiers)] },
  ], { numeric: [1] })];
}

function growthSection(g, distribution) {
  return el('div', { class: 'grid' },
    el('div', {}, el('h3', { text: 'Growth' }), table('Growth of at-fidelity students', ['Statistic', 'Value'], [
      { cells: ['Students at fidelity with an outcome', count(g.n)] }, { cells: ['Mean', decimal(g.mean)] }, { cells: ['Median', decimal(g.median)] }, { cells: ['Standard deviation', decimal(g.sd)] },
    ], { numeric: [1] })),
    chartPanel('Growth distribution', chart('Growth distribution chart', `Histogram of the metric for ${count(g.n)} students, mean ${decimal(g.mean)}.`,
      barChart(distribution.map((b) => `${decimal(b.from, 1)} to ${decimal(b.to, 1)}`), 'Students', distribution.map((b) => b.count), '#0b5cad',
        { scales: { x: { ticks: { maxRotation: 60 } } } }))));
}

// The district's own view: every figure, and whether the published report shows it.
function doseSection(dose) {
  return el('div', { class: 'grid' },
    el('div', {}, el('h3', { text: 'Dose and response' }), table('Minutes per week and growth: enrolled students, at fidelity or not; the mean and the share meeting the target are over those with an outcome',
      ['Minutes per week', 'Enrolled', 'With an outcome', 'Mean metric', 'Met target', 'In the report'],
      dose.map((c) => ({ cells: [c.value, count(c.n), count(c.withOutcome), decimal(c.meanMetric), percent(c.shareMetTarget), shownInReport(c)], cellClass: [null, null, null, null, null, c.inReport ? null : 'suppressed'] })),
      { numeric: [1, 2, 3, 4] })),
    chartPanel('Dose-response chart', chart('Dose-response chart',
      `Mean metric by minutes of use per week: ${dose.map((c) => `${c.value}: ${decimal(c.meanMetric)}`).join('; ')}.`,
      barChart(dose.map((c) => c.value), 'Mean metric', dose.map((c) => c.meanMetric), '#1d6b34',
        { scales: { x: { title: { display: true, text: 'Minutes per week' } } } }))));
}

/** A growth per hour with its interval: "0.38 (0.29 to 0.47)". */
const perHour = (p) => (p == null ? '—' : `${decimal(p.perHour, 3)}${p.ciLower == null ? '' : ` (${decimal(p.ciLower, 3)} to ${decimal(p.ciUpper, 3)})`}`);

/** The dosage required in a sentence. */
function dosageSentence(d) {
  const share = `${Math.round(d.share * 1000) / 10}%`;
  if (d.minutesPerWeek == null) return `No dose in this roster brings ${share} of its ${count(d.n)} students with an outcome to the target (not reached).`;
  // Past 2.5% of resamples that never reach the share, the interval has no upper end in the roster.
  const upper = d.ciUpper == null ? ', with no upper end: more than 2.5% of the resamples never reach the share' : ` to ${d.ciUpper} minutes`;
  const interval = d.resamples === 0 ? ''
    : ` (95% bootstrap interval from ${d.ciLower == null ? '—' : d.ciLower}${upper}; ${count(d.resamples)} resamples, seed ${d.seed})`;
  const fit = `by a centred isotonic fit over ${count(d.n)} intervention students with an outcome, at fidelity or not`;
  if (d.atMost) {
    const first = d.curve[0];
    return `${share} of the students meet the target already at the lowest doses in this roster: at most ${d.minutesPerWeek} minutes a week, the mean dose of the fit's first point (${count(first.n)} students at ${first.from} to ${first.to} minutes a week)${interval}, ${fit}. Fewer minutes may do; the roster cannot say how few.`;
  }
  return `${share} of the students meet the target from ${d.minutesPerWeek} minutes a week${interval}, ${fit}.`;
}

/** The fitted dose curve over the dose bands' own shares (Chart.js's `stepped: 'before'`
 * holds each band's share until the next band), with the chosen share as a line. */
function doseCurveChart(d, dose) {
  const last = d.curve.at(-1);
  const top = Math.max(75, last.to + 5);
  // The fit's points joined by lines, from the first point's mean dose (where the dosage is read
  // when that point already reaches the share) and flat out to the roster's highest dose.
  const fitted = [...d.curve.map((p) => ({ x: p.minutesPerWeek, y: p.share })), { x: last.to, y: last.share }];
  const bands = [0, 15, 30, 45, 60];
  const banded = [...dose.map((c, i) => ({ x: bands[i], y: c.shareMetTarget })), { x: top, y: dose.at(-1).shareMetTarget }];
  return chart('Dose-response curve', `Share of students meeting the target by minutes a week. Fitted: ${d.curve.map((p) => `${decimal(p.minutesPerWeek, 1)} minutes: ${percent(p.share)}`).join('; ')}. By dose band: ${dose.map((c) => `${c.value}: ${percent(c.shareMetTarget)}`).join('; ')}. Target share ${percent(d.share)}${d.minutesPerWeek == null ? ', not reached' : d.atMost ? `, reached already at the lowest doses (at most ${d.minutesPerWeek} minutes)` : `, reached at ${d.minutesPerWeek} minutes`}.`, {
    type: 'line',
    data: { datasets: [
      { label: 'Fitted share meeting the target', data: fitted, borderColor: '#0b5cad', backgroundColor: '#0b5cad', pointRadius: 2, borderWidth: 3 },
      { label: 'Share by dose band', data: banded, stepped: 'before', borderColor: '#6b7785', backgroundColor: '#6b7785', borderDash: [6, 4], pointRadius: 0 },
      { label: `Target share (${percent(d.share)})`, data: [{ x: 0, y: d.share }, { x: top, y: d.share }], borderColor: '#a4161a', backgroundColor: '#a4161a', borderDash: [2, 3], pointRadius: 0 },
    ] },
    options: { parsing: false, scales: {
      x: { type: 'linear', min: 0, max: top, title: { display: true, text: 'Minutes per week' } },
      y: { min: 0, max: 1, title: { display: true, text: 'Share meeting the target' }, ticks: { callback: (v) => `${Math.round(v * 100)}%` } } } },
  });
}

/** Growth per hour of use (overall, by dose band, by subgroup), the effect per 10 hours and the dosage required. */
function minutesSection(r) {
  const g = r.growthPerHour;
  const rows = [
    { cells: ['At fidelity with an outcome (the growth figures)', count(g.overall?.n ?? r.growth.n), decimal(g.overall?.meanHours, 1), perHour(g.overall)] },
    ...r.doseResponse.map((c) => ({ cells: [`${c.value} minutes a week (at fidelity or not)`, count(c.withOutcome), decimal(c.growthPerHour?.meanHours, 1), perHour(c.growthPerHour)] })),
    ...r.subgroups.map((c) => ({ cells: [`${c.column} ${c.value} (at fidelity)`, count(c.withOutcome), decimal(c.growthPerHour?.meanHours, 1), perHour(c.growthPerHour)] })),
  ];
  const d = r.dosageRequired;
  return [el('h3', { text: 'Return on minutes' }),
    table('Growth per hour of use: the sum of the metric over the sum of the hours (minutes / 60) of the students with an outcome, with its 95% interval',
      ['Students', 'With an outcome', 'Mean hours', 'Metric per hour (95% interval)'], rows, { numeric: [1, 2, 3] }),
    el('p', { class: 'hint', text: 'Growth per hour counts all of the students\' growth, the growth they would have made without the product too: at a few minutes a week it is large because students grow anyway. The effect per 10 hours, below, is what the comparison group puts down to the product.' }),
    g.note ? el('p', { text: g.note }) : null,
    g.effectPer10Hours == null ? null
      : el('p', { text: `The local comparison's effect is g = ${decimal(r.effect.g, 3)} (${effectQuality(r.effect)}) over ${decimal(g.comparedMeanHours - (g.comparisonMeanHours ?? 0), 1)} more hours of use a student than the comparison group's: ${decimal(g.effectPer10Hours, 3)} SD per 10 hours.` }),
    ...(d ? [el('h3', { text: 'Dosage required' }), el('p', { id: 'dosage', text: dosageSentence(d) }),
      ...d.notes.map((n) => el('p', { class: 'hint', text: n })),
      chartPanel('Dose-response curve', doseCurveChart(d, r.doseResponse)),
      el('details', {}, el('summary', { text: `The fitted curve, point by point (${count(d.curve.length)} points)` }),
        table('The fitted curve: each group of doses the fit pools, at its students\' mean dose, with their share meeting the target', ['Doses (minutes per week)', 'Students', 'Mean dose', 'Share'],
          d.curve.map((p) => ({ cells: [p.from === p.to ? String(p.from) : `${p.from} to ${p.to}`, count(p.n), decimal(p.minutesPerWeek, 1), percent(p.share)] })), { numeric: [1, 2, 3] }))] : []),
  ].filter(Boolean);
}

/** The effect's design and significance, as every figure resting on it must say. */
const effectQuality = (e) => `${DESIGN[e.design]}, p = ${decimal(e.pValue, 3)}: ${e.significant ? 'statistically significant' : 'not statistically significant'}`;

/** The cost figures (ingredients method), when the contract lists the district's costs, in its currency (`cash`). */
function costSection(c, effect, cash) {
  if (!c) return [];
  const activity = { training: 'Training', supervision: 'Supervision', other: 'Other staff time' };
  const rows = [
    ...c.staff.map((s) => ({ cells: [`${activity[s.activity]}: ${s.hours} hours at ${cash(s.centsPerHour)}`, cash(s.cents)] })),
    { cells: ['Devices', cash(c.devicesCents)] }, { cells: ['Other', cash(c.otherCents)] },
    { cells: ['The district\'s costs', cash(c.districtCents)], className: 'total' },
    { cells: ['Payment to the vendor', c.paymentCents == null ? '—' : cash(c.paymentCents)] },
    { cells: ['Total cost', c.totalCents == null ? '—' : cash(c.totalCents)], className: 'total' },
  ];
  const each = (x) => (x == null ? '—' : cash(x));
  return [el('h3', { text: `Cost${c.priceYear ? ` (${c.priceYear} prices)` : ''}` }),
    el('div', { class: 'grid' },
      table('The programme\'s cost: the payment and the district\'s own costs', ['Ingredient', 'Amount'], rows, { numeric: [1] }),
      table('Cost per student', ['Figure', 'Amount'], [
        { cells: ['Per enrolled student', each(c.perEnrolledCents)] },
        { cells: ['Per student meeting the target', each(c.perStudentMeetingTargetCents)] },
        { cells: [`Per additional student meeting the target (against the comparison group${effect && c.perAdditionalStudentMeetingTargetCents != null ? ` of the local ${DESIGN[effect.design]}, whose effect on scores is g = ${decimal(effect.g, 3)}, p = ${decimal(effect.pValue, 3)}: ${effect.significant ? 'statistically significant' : 'not statistically significant'}` : ''})`, each(c.perAdditionalStudentMeetingTargetCents)] },
        { cells: [`Per student per 0.1 SD of effect${effect && c.perStudentPerTenthSdCents != null ? ` (g = ${decimal(effect.g, 3)}; ${effectQuality(effect)})` : ''}`, each(c.perStudentPerTenthSdCents)] },
      ], { numeric: [1] })),
    ...c.notes.map((n) => el('p', { class: 'hint', text: n }))];
}

function subgroupsSection(subgroups, minCellSize) {
  if (!subgroups.length) return [];
  return [el('h3', { text: 'Subgroups' }), table(`Subgroups: enrolled students; judged are those at fidelity with an outcome (and without one where the contract counts it as not met), the share meeting the target is over them, the mean over those with an outcome; values held by fewer than ${minCellSize} students are "(other)"`,
    ['Column', 'Value', 'Enrolled', 'Judged', 'Met target', 'Mean metric', 'In the report'],
    subgroups.map((c) => ({ cells: [c.column, c.value, count(c.n), count(c.judged), percent(c.shareMetTarget), decimal(c.meanMetric), shownInReport(c)], cellClass: [null, null, null, null, null, null, c.inReport ? null : 'suppressed'] })),
    { numeric: [2, 3, 4, 5] })];
}

function comparisonSection(e) {
  if (!e) return [];
  const support = e.couldSupport;
  return [el('h3', { text: 'Local comparison (not a WWC review)' }), el('p', { text: e.summary }),
    table('Intervention compared with comparison students', ['Statistic', 'Value'], [
      { cells: ['Hedges\' g on the post-test', `${decimal(e.g, 3)} (95% interval ${decimal(e.ciLower, 3)} to ${decimal(e.ciUpper, 3)})`] },
      { cells: ['p-value', `${decimal(e.pValue, 4)}${e.clusterCorrected ? ' (cluster-adjusted: assignment by school)' : ''}`] },
      { cells: ['Improvement index', `${e.improvementIndex > 0 ? '+' : ''}${e.improvementIndex}`] },
      { cells: ['Students with a post-test (intervention / comparison)', `${count(e.nIntervention)} / ${count(e.nComparison)}`] },
      { cells: ['Baseline difference (pre-test g)', `${decimal(e.baselineG, 3)}${e.baseline ? ` (${BASELINE[e.baseline]})` : ''}`] },
      { cells: ['Missing post-tests', `${percent(e.attrition.overall)} overall, ${decimal(e.attrition.differential * 100, 1)} points differential (${e.attrition.low ? 'low' : 'high'} against ${e.attrition.boundary === null ? 'any boundary: overall attrition too high' : `the ${decimal(e.attrition.boundary * 100, 1)}-point boundary`})`] },
      { cells: ['Design', `${DESIGN[e.design]}, evaluated ${e.independent ? 'independently' : 'by a party not stated to be independent'}${e.evaluator ? ` (${e.evaluator})` : ''}`] },
      { cells: ['What a WWC review could support', support ? `${RATING[support.rating]}; ${support.essaTier ? `ESSA tier ${support.essaTier}` : 'no ESSA tier'}` : 'Nothing: a design condition does not hold (below)'] },
    ]),
    el('ul', { class: 'conditions' }, ...e.conditions.map((k) => el('li', { text: `${k.met ? 'Holds' : 'Does not hold'}: ${k.message}` }))),
    ...(support ? [el('p', { class: 'hint', text: support.essaRationale })] : [])];
}

/**
 * How the district's files matched (`result.matches`): counts, the ids to look at (collapsed)
 * and the joined roster's first rows. On screen only: no report holds an id.
 */
function matchesSection(m) {
  if (!m) return [];
  const ids = (label, list) => (list.length
    ? el('details', {}, el('summary', { text: `${label}: ${count(list.length)}` }), el('p', { class: 'ids', text: list.join(', ') }))
    : null);
  const rows = [
    ['Students in the usage file', m.inUsage], ['Students in the scores file', m.inScores],
    ...(m.inStudents == null ? [] : [['Students in the student file', m.inStudents]]),
    ['Enrolled (the joined roster\'s rows)', m.enrolled], ['Enrolled with usage', m.withUsage], ['Enrolled with a pre-test', m.withPre],
    ['Enrolled with a post-test', m.withPost], ['Enrolled in both the usage and the scores file', m.inAll],
    ['Usage rows outside the period (left out)', m.usageRowsOutsidePeriod], ['Score rows outside the period (left out)', m.scoreRowsOutsidePeriod],
    ['Score rows of other windows or subjects (left out)', m.scoreRowsOtherWindows],
    ...(m.weeks == null ? [] : [['Weeks of the program', m.weeks]]),
  ];
  const two = m.twoInAWindow;
  return [el('h3', { text: 'How the files matched' }),
    el('p', { class: 'hint', text: 'On this screen only: the student ids below are the district\'s to check, and no report holds them.' }),
    table('Students and rows of the district\'s files', ['What', 'Count'], rows.map(([label, n]) => ({ cells: [label, count(n)] })), { numeric: [1] }),
    ids('Students of the usage file not enrolled (left out)', m.usageNotEnrolled),
    ids('Students of the scores file not enrolled (left out)', m.scoresNotEnrolled),
    ids('Enrolled students without usage (0 minutes)', m.withoutUsage),
    ids('Enrolled students without a test in either window', m.withoutScores),
    ids('Students left out: a row of theirs could not be read (listed under Rows left out)', m.leftOut),
    ids('Post-test dated before the pre-test (are the windows of the same school year?)', m.postBeforePre),
    two.length ? el('details', {}, el('summary', { text: `Students with two or more tests in one window: ${count(two.length)}` }),
      table('Two or more tests in one window, and the scores file\'s line of the test used', ['Student', 'Window', 'Tests', 'Line used'],
        two.map((t) => ({ cells: [t.studentId, t.window, String(t.tests), String(t.lineUsed)] })), { numeric: [2, 3] })) : null,
    el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'The joined roster\'s first rows' }, table(`The joined roster's first ${m.preview.rows.length} rows`, m.preview.columns,
      m.preview.rows.map((cells) => ({ cells })))),
  ].filter(Boolean);
}

function rowsLeftOutSection(r) {
  if (!r.rejectedCount) return [];
  return [el('h3', { text: 'Rows left out' }), lineTable(`Rows left out (${count(r.rejectedCount)})`, r.rejectedRows)];
}

function reportSection(report, download) {
  const d = report.disclosure;
  return [el('h3', { text: 'Publishable report' }),
    el('p', { class: 'hint', text: `Aggregates only, no student id, no figure about fewer than ${d.minCellSize} students: ${d.audit} Ready to sign with minisign.` }),
    ...(d.withheld ? [el('p', { text: d.withheld })] : []),
    ...(d.protections.length ? [el('ul', { class: 'protections' }, ...d.protections.map((x) => el('li', { text: x })))] : []),
    el('button', { type: 'button', id: 'download', onclick: () => download(report), text: 'Download outcomes report (JSON)' })];
}

export class ResultsView {
  #charts = [];
  #status = el('p', { class: 'status', id: 'status', role: 'status', 'aria-live': 'polite', text: 'Load a roster to evaluate it.' });
  #progress = el('progress', { id: 'progress', max: 1, value: 0 });
  #errors = el('div', { id: 'errors' });
  #results = el('div', { id: 'results' });
  /** The panel, to be placed in the calculator's shadow root. */
  element = el('section', { class: 'panel', 'aria-labelledby': 'run-h' },
    el('h2', { id: 'run-h', text: '3. Results' }),
    el('label', { for: 'progress', text: 'Evaluation progress' }),
    this.#progress, this.#status, this.#errors, this.#results);

  /** The status line, read out by screen readers. */
  say(text) {
    this.#status.textContent = text;
  }

  /** The evaluation's progress, from 0 to 1. */
  set progress(fraction) {
    this.#progress.value = fraction;
  }

  /** An evaluation starts: the last problems go, the progress bar restarts. */
  begin(text) {
    this.#errors.replaceChildren();
    this.progress = 0;
    this.say(text);
  }

  /** The problems that stopped an evaluation (`{ message, errors, errorCount }`): roster lines in a table, others in a list. */
  showErrors(error) {
    const box = el('div', { class: 'errors', role: 'alert' }, el('h3', { text: error.message }));
    const rows = error.errors ?? [];
    if (rows.some((r) => r.line != null)) {
      box.append(lineTable(`Rows with problems${error.errorCount > rows.length ? ` (first ${rows.length} of ${count(error.errorCount)})` : ''}`, rows));
    } else if (rows.length) {
      box.append(el('ul', {}, ...rows.map((r) => el('li', { text: r.path ? `${r.label ?? r.path}: ${r.message}` : r.message }))));
    }
    this.#errors.replaceChildren(box);
  }

  /** Removes the last evaluation's results. */
  clear() {
    this.#results.replaceChildren();
  }

  /**
   * Shows an evaluation, as `evaluateContract` returned it; `reading` (`{ bytes, memoryBytes }`),
   * for a roster read as a stream, says how much was read and the WebAssembly memory it took.
   */
  render(r, reading) {
    const cash = (cents) => money(cents, r.report.currency);
    for (const c of this.#charts) c.destroy();
    this.#charts = [];
    this.#results.replaceChildren(
      ...matchesSection(r.matches), ...paymentSection(r.payment, cash, r.report.currency), ...studentsSection(r.students, cash), growthSection(r.growth, r.distribution), doseSection(r.doseResponse),
      ...subgroupsSection(r.subgroups, r.report.minCellSize), ...comparisonSection(r.effect),
      ...minutesSection(r), ...costSection(r.cost, r.effect, cash),
      ...r.notes.map((note) => el('p', { class: 'hint', text: note })),
      ...(reading ? [el('p', { class: 'hint', id: 'reading', text: `Read ${megabytes(reading.bytes)} piece by piece; the calculator's WebAssembly memory peaked at ${megabytes(reading.memoryBytes)}, holding the students, not the file.` })] : []),
      ...rowsLeftOutSection(r), ...reportSection(r.report, (report) => this.#download(report)));
    // Chart.js sizes a chart from its canvas, so the charts are made once the canvases are in place.
    for (const pending of this.#results.querySelectorAll('canvas[data-chart]')) {
      const config = pending.chartConfig;
      this.#charts.push(new globalThis.Chart(pending, { ...config, options: { ...config.options, animation: false, responsive: true, maintainAspectRatio: false } }));
    }
  }

  #download(report) {
    downloadJson(report, 'outcomes.json', this.element);
  }
}
