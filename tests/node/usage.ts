// Type-checked (not run) by types.test.mjs: the declarations describe how users call the package.
import init, { createEvaluator, effectSize, evaluateContract, evaluatorOrigin, verifyReport, vetProduct, type Contract, type ProductProfile, type RosterEvaluator } from '../../pkg/evidence-check.js';
import { EvidenceBadge, headline } from '../../pkg/evidence-badge.js';
import { EvidenceCalculator } from '../../pkg/evidence-calculator.js';
import { bindProfileForm } from '../../pkg/profile-form.js';

/** The components and the form helper, as a page uses them. */
export async function components(form: HTMLFormElement): Promise<string> {
  const badge = document.createElement('evidence-badge');
  badge.setAttribute('report', 'outcomes.json');
  badge.addEventListener('evidence-badge:state', (e) => void e.detail.state);
  const verified: boolean = badge instanceof EvidenceBadge && badge.result?.valid === true;
  const calculator = document.querySelector('evidence-calculator');
  await calculator?.ready;
  calculator?.addEventListener('evidence-calculator:result', (e) => void e.detail.payment.totalCents);
  const { contract, problems } = calculator instanceof EvidenceCalculator ? calculator.contract() : { contract: null, problems: [] };
  calculator?.evaluate('student_id,pre,post,minutes,weeks\n', 'roster.csv');
  const bound = await bindProfileForm(form, { policy: { maxScreenMinutesPerWeek: 50 }, delay: 100, onValidate: (r) => void r.valid });
  const tier = bound.vet().essaTier;
  // @ts-expect-error: not an option of bindProfileForm
  await bindProfileForm(form, { dealy: 100 });
  bound.destroy();
  const result = calculator?.result;
  return `${verified}${contract?.currency ?? ''}${problems.length}${tier}${result ? headline(result.report) : ''}`;
}

export async function example(profile: ProductProfile, roster: Uint8Array): Promise<number> {
  await init();
  const g: number = effectSize({ kind: 'continuous', intervention: { n: 3, mean: 6, sd: 1 }, comparison: { n: 3, mean: 5, sd: 1 } }).g;
  const contract: Contract = {
    metric: { kind: 'gain' },
    paymentCard: [{ label: 'Met', atLeast: 5, centsPerStudent: 1000 }],
    fidelity: { minMinutesPerWeek: 30, minWeeks: 10 },
  };
  const result = evaluateContract(contract, roster, { onProgress: (f: number) => void f, issued: '2026-12-02' });
  // @ts-expect-error: a misspelt option (refused at run time too, as invalidOptions)
  evaluateContract(contract, roster, { onProgres: (f: number) => void f });
  // A roster read piece by piece (a file's stream), with its size for progress.
  const evaluator = createEvaluator(contract, { size: roster.length, onProgress: (f: number) => void f });
  evaluator.push(roster.subarray(0, 10));
  evaluator.push(roster.subarray(10));
  const streamed: number = evaluator.finish().payment.totalCents;
  // @ts-expect-error: evaluators come from createEvaluator, not from a class of the entry point
  new RosterEvaluator(contract);
  const tier: 1 | 2 | 3 | 4 | null = vetProduct(profile).essaTier;
  const check = verifyReport('{}', 'sig', ['RW...']);
  const enrolled: number = check.valid ? check.report.students.enrolled : 0;
  // Evaluator mode: the key list as fetched from the evaluator's origin, and the subject.
  const origin = evaluatorOrigin('https://tea.example.gov');
  const list = new Uint8Array(await (await fetch(origin.keyListUrl, { redirect: 'error' })).arrayBuffer());
  const byOrigin = verifyReport(roster, 'sig', { evaluator: origin.origin, keyList: list }, { product: 'Readwell', today: '2026-11-23' });
  const host: string = byOrigin.valid && byOrigin.trust === 'evaluator' ? byOrigin.evaluator.host : '';
  const digest: string = result.report.rosterDigest + (result.report.issued ?? '') + (contract.vendor ?? '');
  // The inputs' types follow the schemas: their enums, required fields and nesting.
  const strict: Contract = {
    metric: { kind: 'percentOfTypical', norms: [{ grade: 3, typicalGrowth: 12, weeks: 36 }] },
    paymentCard: [{ label: 'Met', atLeast: 1, centsPerStudent: 500 }],
    fidelity: { minMinutesPerWeek: 30, minWeeks: 10 },
    belowFidelity: 'baseOnly', missingOutcome: 'notMet', onBadRow: 'skip', assignedBy: 'school',
    evidencePolicy: { attritionBoundary: 'optimistic', acceptedStates: ['TX'] },
    columns: { studentId: 'sid' },
  };
  // @ts-expect-error: not a growth metric
  const badMetric: Contract = { ...strict, metric: { kind: 'zScore' } };
  // @ts-expect-error: a normalized gain needs its maximum score
  const noMax: Contract = { ...strict, metric: { kind: 'normalizedGain' } };
  // @ts-expect-error: a payment card has at least one tier
  const noTiers: Contract = { ...strict, paymentCard: [] };
  // @ts-expect-error: not a column the contract names
  const badColumn: Contract = { ...strict, columns: { studentNumber: 'sid' } };
  // @ts-expect-error: not a state's postal code
  const badState: Contract = { ...strict, evidencePolicy: { acceptedStates: ['XX'] } };
  // @ts-expect-error: not a study design
  const badDesign: ProductProfile['studies'][number]['design'] = 'metaAnalysis';
  void [badMetric, noMax, noTiers, badColumn, badState, badDesign];
  const design: ProductProfile['studies'][number]['design'] = vetProduct(profile, strict.evidencePolicy ?? undefined).studies.length ? 'clusterRct' : 'qed';
  return design.length + result.payment.totalCents + streamed + g + (tier ?? 0) + enrolled + host.length + digest.length;
}

/** The badge's module, as a vendor's page that only verifies uses it. */
export async function verifyOnly(report: string, signature: string, key: string): Promise<boolean> {
  const badge = await import('../../pkg/evidence-verify.js');
  await badge.default();
  const origin: string = badge.evaluatorOrigin('https://tea.example.gov').origin;
  const r = badge.verifyReport(report, signature, [key]);
  return r.valid && origin.length > 0 && badge.readReport(report).schema.length > 0;
}

/** The district's files: the match report's lists and preview, as a page shows them. */
export function districtFiles(contract: Contract, usage: Uint8Array, scores: string): string {
  const r = evaluateContract(contract, { usage, scores });
  const m = r.matches;
  return m ? `${m.leftOut.length} ${m.preview.columns.join(',')} ${m.preview.rows.map((row) => row[0]).join(' ')}` : '';
}
