// A realistic, deterministic synthetic roster for the demo: students across schools and grades,
// an intervention group and a comparison group, usage that varies, a true effect of about
// 0.2 SD that grows with dosage, and a few missing post-tests. No real student is in it.

/** mulberry32: a small seeded PRNG, so the same seed always gives the same roster. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand) {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export const SAMPLE_SCHOOLS = ['Bayview Elementary', 'Cedar Ridge Elementary', 'Eastside Primary', 'Fairmont Academy',
  'Grandview Elementary', 'Harbor Point School', 'Lakeside Elementary', 'Maple Grove Primary', 'Northgate Elementary',
  'Oakwood Academy', 'Pine Hill Elementary', 'Riverside Primary'];

/**
 * CSV text of a synthetic roster: student_id, school, grade, pre, post, minutes, weeks, group, ell, iep.
 * Half the schools use the product (group T), half are the comparison (C).
 */
export function sampleRoster({ students = 6000, seed = 2025 } = {}) {
  const rand = rng(seed);
  const lines = ['student_id,school,grade,pre,post,minutes,weeks,group,ell,iep'];
  for (let i = 0; i < students; i++) {
    const s = Math.floor(rand() * SAMPLE_SCHOOLS.length);
    const treated = s % 2 === 0;
    const grade = Math.floor(rand() * 6); // K to 5
    const ell = rand() < 0.18 ? 'Y' : 'N';
    const iep = rand() < 0.12 ? 'Y' : 'N';
    const pre = Math.round(150 + 12 * grade + 14 * normal(rand) - (ell === 'Y' ? 6 : 0));
    const weeks = Math.max(4, Math.min(36, Math.round(30 + 5 * normal(rand))));
    const perWeek = treated ? Math.max(0, 38 + 14 * normal(rand)) : 0;
    const minutes = Math.round(perWeek * weeks);
    const typical = 9 + (5 - grade) * 0.8;
    const boost = treated ? Math.min(perWeek, 60) / 40 * 6 : 0;
    const post = Math.round(pre + typical + boost + 8 * normal(rand));
    const missing = rand() < 0.04;
    const id = `S${String(100000 + i)}`;
    lines.push([id, SAMPLE_SCHOOLS[s], grade === 0 ? 'K' : grade, pre, missing ? '' : post, minutes, weeks,
      treated ? 'T' : 'C', ell, iep].join(','));
  }
  return lines.join('\n') + '\n';
}

/** A contract in the style of the published outcomes-based contracts, for the sample roster. */
export const sampleContract = {
  id: 'DEMO-OBC-2025-01',
  productName: 'Readwell (demo)',
  vendor: 'Readwell Learning (demo)',
  period: '2025-26',
  currency: 'USD',
  baseFeeCents: 2500000,
  perStudentBaseCents: 6700,
  metric: { kind: 'gain' },
  paymentCard: [
    { label: 'Some growth', atLeast: 6, centsPerStudent: 2500 },
    { label: 'Typical growth', atLeast: 10, centsPerStudent: 5000 },
    { label: 'Accelerated growth', atLeast: 15, centsPerStudent: 7500 },
  ],
  fidelity: { minMinutesPerWeek: 30, minWeeks: 20 },
  belowFidelity: 'baseOnly',
  districtObligation: { minShareAtFidelity: 0.6 },
  declinePenaltyCents: 1000,
  capCents: 60000000,
  missingOutcome: 'exclude',
  minCellSize: 10,
  subgroupColumns: ['grade', 'ell', 'iep'],
  randomized: false,
  assignedBy: 'school',
  onBadRow: 'reject',
  // The district's own ingredients: teachers' training and coaches' supervision time, headsets.
  districtCosts: {
    staff: [
      { activity: 'training', hours: 40, centsPerHour: 4500 },
      { activity: 'supervision', hours: 120, centsPerHour: 4000 },
    ],
    devicesCents: 1200000,
    otherCents: 250000,
    priceYear: 2025,
  },
};
