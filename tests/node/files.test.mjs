// The calculator's guesses for the district's files (js/calculator-files.js): which file is
// which from its header or name, and the pre- and post-test windows from the scores file's
// values, on the shapes of real exports.
import test from 'node:test';
import assert from 'node:assert/strict';
import { guessRoles, guessShape, guessWindows } from '../../js/calculator-files.js';

const csv = (name, headers) => ({ name, headers });
const book = (name) => ({ name, headers: null });

test('roles from headers: a test file naming schools is the scores file, the student file the one naming no score or minutes', () => {
  const iready = csv('diagnostic.csv', ['Student ID', 'School', 'Grade', 'Overall Scale Score', 'Completion Date']);
  const usage = csv('export.csv', ['Student ID', 'Date', 'Time on Task (min)']);
  const sis = csv('students.csv', ['Student ID', 'School', 'Grade', 'ELL']);
  assert.deepEqual(guessRoles([iready, usage, sis]), ['scores', 'usage', 'students']);
  assert.deepEqual(guessRoles([sis, iready, usage]), ['students', 'scores', 'usage']);
  // NWEA MAP Growth's term and RIT columns; a vendor log's session minutes.
  const map = csv('cdf.csv', ['StudentID', 'TermName', 'Subject', 'TestStartDate', 'TestRITScore', 'TypicalFallToSpringGrowth']);
  const log = csv('log.csv', ['StudentID', 'SessionDate', 'Minutes']);
  assert.deepEqual(guessRoles([log, map]), ['usage', 'scores']);
  // A usage export with a practice score (IXL), one with minutes as "Time-on-Task (min)" (i-Ready).
  const ixl = csv('ixl.csv', ['Student ID', 'Skill', 'SmartScore', 'Time spent (min)']);
  const wide = csv('scores.csv', ['Student ID', 'Fall Score', 'Spring Score']);
  assert.deepEqual(guessRoles([ixl, wide]), ['usage', 'scores']);
  const ireadyUsage = csv('usage.csv', ['Student ID', 'Total Time-on-Task (min)', 'Weeks']);
  assert.deepEqual(guessRoles([sis, ireadyUsage]), ['students', 'usage']);
});

test('workbooks take their role from the words of their names, never from a word inside another', () => {
  assert.deepEqual(guessRoles([book('MAP Growth 2025.xlsx'), book('SIS roster.xlsx'), book('vendor_usage.xlsx')]), ['scores', 'students', 'usage']);
  // "latest" holds "test", "start" holds "star", "priority" holds "rit": none of them counts.
  assert.deepEqual(guessRoles([book('students_latest.xlsx'), book('usage_start.xlsx'), book('priority.xlsx')]), ['students', 'usage', 'scores']);
});

test('windows: the fall of the latest year named and the first spring not before it', () => {
  assert.deepEqual(guessWindows(['Fall 2025-2026', 'Spring 2024-2025', 'Fall 2024-2025', 'Spring 2025-2026', 'Winter 2025-2026']),
    { pre: 'Fall 2025-2026', post: 'Spring 2025-2026' });
  assert.deepEqual(guessWindows(['Fall', 'Winter', 'Spring']), { pre: 'Fall', post: 'Spring' });
  assert.deepEqual(guessWindows(['BOY 2025', 'MOY 2025', 'EOY 2026']), { pre: 'BOY 2025', post: 'EOY 2026' });
  assert.deepEqual(guessWindows(['Spring 2024-2025', 'Fall 2025-2026']), { pre: 'Fall 2025-2026', post: '' });
  assert.deepEqual(guessWindows(['Winter 2025-2026']), { pre: '', post: '' });
  // Calendar-year names, two-digit years and codes.
  assert.deepEqual(guessWindows(['Fall 2025', 'Spring 2025', 'Winter 2026', 'Spring 2026']), { pre: 'Fall 2025', post: 'Spring 2026' });
  assert.deepEqual(guessWindows(['BOY 25-26', 'EOY 24-25', 'EOY 25-26']), { pre: 'BOY 25-26', post: 'EOY 25-26' });
  assert.deepEqual(guessWindows(['FA25', 'WI26', 'SP26', 'SP25']), { pre: 'FA25', post: 'SP26' });
});

test('layouts: a usage file with weeks and no date or week column is one row per student', () => {
  assert.equal(guessShape('usage', ['Student ID', 'Total Minutes', 'Weeks Enrolled']), 'wide');
  assert.equal(guessShape('usage', ['StudentID', 'SessionDate', 'Minutes']), 'long');
  assert.equal(guessShape('usage', ['StudentID', 'Week', 'Minutes', 'Weeks']), 'long');
  assert.equal(guessShape('scores', ['StudentID', 'TermName', 'TestRITScore']), 'long');
  assert.equal(guessShape('scores', ['id', 'Fall Score', 'Spring Score']), 'wide');
  assert.equal(guessShape('usage', null), 'long');
  assert.equal(guessShape('scores', ['Student ID', 'Screening Period', 'Scaled Score']), 'long');
});
