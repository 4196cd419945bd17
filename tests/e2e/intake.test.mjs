// The calculator with the district's own files: three CSV exports dropped on it at once are each
// given their role and columns from their headers, evaluated in its worker to what the package
// computes for the same contract and files, with the match report and the joined roster's first
// rows on screen, and no request made once they are dropped.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, axe, shot } from './harness.mjs';

const ec = await import('../../pkg/evidence-check.js');
ec.initSync({ module: fs.readFileSync(new URL('../../pkg/evidence_check_bg.wasm', import.meta.url)) });

const app = await start();
test.after(() => app.close());
const money = (cents) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);

/**
 * A district of 120 students as three exports (a fixed generator): a session log with dates, a
 * Fall/Winter/Spring scores file with each student's projected growth, and a student file.
 * Mismatches: 3 usage and 2 scores students not enrolled, 10 enrolled students without usage, a
 * Fall retest for every 15th student, no Spring test for every 12th.
 */
function district() {
  let seed = 7;
  const below = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  let students = 'Student ID,School Name,Grade,Group\n';
  let usage = 'StudentID,SessionDate,Minutes\n';
  let scores = 'StudentID,TermName,TestStartDate,TestRITScore,TypicalFallToSpringGrowth\n';
  for (let i = 0; i < 120; i++) {
    const id = `S${String(i).padStart(4, '0')}`;
    students += `${id},${['Adams', 'Baker', 'Clark'][i % 3]},${3 + (i % 3)},${i % 4 ? 'Treatment' : 'Control'}\n`;
    if (i % 12 !== 5) {
      for (let w = 0; w < 12; w++) {
        const day = 1 + w * 7 + below(5);
        const month = day <= 30 ? 9 : day <= 61 ? 10 : 11;
        const dom = day <= 30 ? day : day <= 61 ? day - 30 : day - 61;
        usage += `${id},${month}/${dom}/2025,${10 + below(40)}\n`;
      }
    }
    const fall = 180 + below(40);
    scores += `${id},Fall 2025-2026,9/15/2025,${fall},${6 + below(8)}\n`;
    if (i % 15 === 0) scores += `${id},Fall 2025-2026,9/22/2025,${fall + 2},${6 + below(8)}\n`;
    scores += `${id},Winter 2025-2026,1/12/2026,${fall + 4},\n`;
    if (i % 12 !== 0) scores += `${id},Spring 2025-2026,5/11/2026,${fall - 3 + below(20)},\n`;
  }
  for (let k = 0; k < 3; k++) usage += `X${k},9/10/2025,30\n`;
  for (let k = 0; k < 2; k++) scores += `Y${k},Fall 2025-2026,9/15/2025,200,8\n`;
  return { usage, scores, students };
}

test('the calculator joins three dropped district files: roles and columns guessed, match report, preview and total as the package computes, no request', async () => {
  const { tab, errors, requests } = await app.open('calculator.html');
  await tab.evaluate(() => document.querySelector('evidence-calculator').ready);
  const before = requests.length;
  const files = district();
  // Dropped at once, in no particular order, as a person drags them from a folder.
  await tab.evaluate((files) => {
    const dt = new DataTransfer();
    for (const [name, text] of files) dt.items.add(new File([text], name, { type: 'text/csv' }));
    const drop = document.querySelector('evidence-calculator').$('#drop');
    drop.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [['sis_export.csv', files.students], ['map_growth.csv', files.scores], ['vendor_usage.csv', files.usage]]);
  await tab.waitForSelector('evidence-calculator >> #files:not([hidden]) .file-group');
  // Each file's role, from its header.
  const roles = await tab.$$eval('evidence-calculator >> #files select[data-file-role]', (ss) => ss.map((s) => s.value));
  assert.deepEqual(roles, ['students', 'scores', 'usage']);
  // Each field's column, from the files' own names, and the windows from the scores file's values.
  const mapping = await tab.$$eval('evidence-calculator >> #files [data-path]', (cs) => Object.fromEntries(cs.map((c) => [c.dataset.path, c.value])));
  assert.deepEqual(mapping, {
    'intake.students.studentId': 'Student ID', 'intake.students.school': 'School Name', 'intake.students.grade': 'Grade',
    'intake.students.group': 'Group', 'intake.students.district': '',
    'intake.scores.shape': 'long', 'intake.scores.studentId': 'StudentID', 'intake.scores.window': 'TermName',
    'intake.scores.score': 'TestRITScore', 'intake.scores.preWindow': 'Fall 2025-2026', 'intake.scores.postWindow': 'Spring 2025-2026',
    'intake.scores.date': 'TestStartDate', 'intake.scores.typicalGrowth': 'TypicalFallToSpringGrowth', 'intake.scores.marked': '',
    'intake.usage.shape': 'long', 'intake.usage.studentId': 'StudentID', 'intake.usage.minutes': 'Minutes',
    'intake.usage.date': 'SessionDate', 'intake.usage.week': '',
    'intake.period.start': '', 'intake.period.end': '',
  });
  assert.deepEqual(await axe(tab), [], 'the files step');
  await shot(tab, 'calculator-files');
  // The mapping is editable: the period is typed in, and the form evaluated.
  await tab.fill('evidence-calculator >> #files-period-start', '2025-09-01');
  await tab.fill('evidence-calculator >> #files-period-end', '2026-06-12');
  await tab.click('evidence-calculator >> #evaluate');
  await tab.waitForSelector('evidence-calculator >> #total', { timeout: 30000 });
  const { contract, problems } = await tab.evaluate(() => document.querySelector('evidence-calculator').contract());
  assert.deepEqual(problems, []);
  assert.deepEqual(contract.intake.period, { start: '2025-09-01', end: '2026-06-12' });
  const expected = ec.evaluateContract(contract, files);
  const shown = await tab.evaluate(() => document.querySelector('evidence-calculator').result);
  assert.deepEqual(shown.payment, expected.payment);
  assert.deepEqual(shown.matches, expected.matches);
  assert.equal(await tab.textContent('evidence-calculator >> #total'), money(expected.payment.totalCents));
  // The match report, counted here from the generator: 120 enrolled, 10 without usage, 3 and 2
  // students not enrolled, 8 Fall retests, 10 without a Spring test.
  const m = expected.matches;
  assert.deepEqual([m.enrolled, m.withoutUsage.length, m.usageNotEnrolled.length, m.scoresNotEnrolled.length, m.twoInAWindow.length, m.withPost],
    [120, 10, 3, 2, 8, 110]);
  const cell = (label) => tab.textContent(`evidence-calculator >> table:has(caption:text-is("Students and rows of the district's files")) tr:has(th:text-is("${label}")) td`);
  assert.equal(await cell('Enrolled (the joined roster\'s rows)'), '120');
  assert.equal(await cell('Enrolled with a post-test'), '110');
  assert.equal(await tab.textContent('evidence-calculator >> summary:has-text("usage file not enrolled")'), 'Students of the usage file not enrolled (left out): 3');
  // The joined roster's first rows, on screen.
  const preview = await tab.$$eval('evidence-calculator >> table:has(caption:text-is("The joined roster\'s first 10 rows")) tbody tr',
    (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(preview, m.preview.rows);
  assert.equal(preview[0][0], 'S0000');
  assert.deepEqual(await axe(tab), [], 'the match report');
  await shot(tab, 'calculator-files-results');
  // Nothing was requested once the files were dropped: they never left the page.
  assert.deepEqual(requests.slice(before), []);
  assert.deepEqual(errors, []);
});
