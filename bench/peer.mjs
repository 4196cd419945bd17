// The pipeline a site would write without us: PapaParse (header mode) to read the CSV,
// simple-statistics for the numbers, and a plain loop for the payment. Same contract, same rules.
import Papa from 'papaparse';
import * as ss from 'simple-statistics';

export function peerEvaluate(text, c) {
  const { data, errors } = Papa.parse(text, { header: true, skipEmptyLines: true, dynamicTyping: false });
  if (errors.length) throw new Error(`PapaParse: ${errors[0].message}`);
  const tiers = [...c.paymentCard].sort((a, b) => a.atLeast - b.atLeast);
  const reaches = (v, t) => v >= t - 1e-9 * Math.max(1, Math.abs(t));
  const seen = new Set();
  let enrolled = 0, atFidelity = 0, withOutcome = 0, metTarget = 0, declined = 0, outcome = 0, comparison = 0;
  const growth = [];
  const postT = [], postC = [], preT = [], preC = [];
  const dose = [0, 0, 0, 0, 0].map(() => ({ n: 0, sum: 0, k: 0 }));
  const cells = new Map();
  for (const row of data) {
    if (seen.has(row.student_id)) throw new Error(`duplicate ${row.student_id}`);
    seen.add(row.student_id);
    const pre = Number(row.pre), weeks = Number(row.weeks), minutes = Number(row.minutes);
    const post = row.post === '' ? NaN : Number(row.post);
    const treated = row.group === 'T';
    if (!Number.isNaN(post)) (treated ? postT : postC).push(post), (treated ? preT : preC).push(pre);
    if (!treated) { comparison++; continue; }
    const perWeek = minutes / weeks;
    const fid = perWeek >= c.fidelity.minMinutesPerWeek && weeks >= c.fidelity.minWeeks;
    enrolled++;
    const gain = post - pre;
    let met = 0;
    if (fid) {
      atFidelity++;
      if (!Number.isNaN(post)) {
        withOutcome++;
        growth.push(gain);
        let k = -1;
        for (let t = 0; t < tiers.length; t++) if (reaches(gain, tiers[t].atLeast)) k = t;
        if (k >= 0) outcome += tiers[k].centsPerStudent;
        if (reaches(gain, tiers[0].atLeast)) { metTarget++; met = 1; }
      }
      if (gain < 0) declined++;
    }
    const d = dose[perWeek >= 60 ? 4 : perWeek >= 45 ? 3 : perWeek >= 30 ? 2 : perWeek >= 15 ? 1 : 0];
    d.n++;
    if (!Number.isNaN(post)) { d.sum += gain; d.k++; }
    for (const col of c.subgroupColumns) {
      const key = `${col}=${row[col]}`;
      const cell = cells.get(key) ?? { n: 0, met: 0 };
      cell.n++;
      cell.met += met;
      cells.set(key, cell);
    }
  }
  const base = c.baseFeeCents + c.perStudentBaseCents * enrolled;
  const penalty = c.declinePenaltyCents * declined;
  const total = Math.max(0, base + outcome - penalty);
  const g = (ss.mean(postT) - ss.mean(postC)) / Math.sqrt(((postT.length - 1) * ss.sampleVariance(postT) + (postC.length - 1) * ss.sampleVariance(postC)) / (postT.length + postC.length - 2));
  return {
    totalCents: total, enrolled, atFidelity, withOutcome, metTarget, declined, comparison,
    growth: { mean: ss.mean(growth), median: ss.median(growth), sd: ss.sampleStandardDeviation(growth) },
    d: g, baselineD: (ss.mean(preT) - ss.mean(preC)), dose, cells: cells.size,
  };
}
