// A deterministic statewide roster for the benchmark: id, school, grade, pre, post, minutes, weeks,
// two subgroup flags, about 3% missing post-tests, a comparison group, scores with one decimal.
// About 49 bytes a row.
import fs from 'node:fs';
import { rng } from '../js/sample-roster.js';

const tenths = (t) => `${Math.floor(t / 10)}.${t % 10}`;

export function writeRoster(path, rows = 1_000_000, seed = 7) {
  const rand = rng(seed);
  const out = fs.openSync(path, 'w');
  let chunk = 'student_id,school,grade,pre,post,minutes,weeks,group,ell,iep\n';
  for (let i = 0; i < rows; i++) {
    const school = Math.floor(rand() * 1800);
    const grade = Math.floor(rand() * 9);
    // Scale scores to a tenth of a point, kept as whole tenths so every pipeline reads the same
    // decimal (the SQL peers as DECIMAL, exactly).
    const pre = 1500 + grade * 100 + Math.floor(rand() * 400);
    const weeks = 20 + Math.floor(rand() * 17);
    const treated = school % 5 !== 0;
    const minutes = treated ? Math.floor(rand() * 60 * weeks) : 0;
    const post = rand() < 0.03 ? '' : tenths(pre + Math.floor(rand() * 300) - 80 + (treated ? Math.floor(minutes / weeks / 1.5) : 0));
    chunk += `TX2025-${String(i).padStart(7, '0')},${school},${grade},${tenths(pre)},${post},${minutes},${weeks},${treated ? 'T' : 'C'},${rand() < 0.15 ? 'Y' : 'N'},${rand() < 0.12 ? 'Y' : 'N'}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

/** The contract every pipeline evaluates. */
export const contract = {
  id: 'BENCH-1', productName: 'Benchmark', period: '2025-26',
  baseFeeCents: 50000000, perStudentBaseCents: 6700,
  metric: { kind: 'gain' },
  paymentCard: [
    { label: 'Some', atLeast: 5, centsPerStudent: 2500 },
    { label: 'Typical', atLeast: 10, centsPerStudent: 5000 },
    { label: 'Accelerated', atLeast: 15, centsPerStudent: 7500 },
  ],
  fidelity: { minMinutesPerWeek: 30, minWeeks: 20 },
  declinePenaltyCents: 1000,
  minCellSize: 10,
  subgroupColumns: ['ell', 'iep'],
};
