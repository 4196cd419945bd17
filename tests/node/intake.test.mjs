// The district's own files given apart to evaluateContract, from Node: strings and bytes alike,
// the same answer as the roster joined by hand, and what is refused.
import test from 'node:test';
import assert from 'node:assert/strict';
import ec, { thrown } from './load.mjs';

const contract = (intake) => ({
  metric: { kind: 'gain' },
  paymentCard: [{ label: 'Met', atLeast: 5, centsPerStudent: 1000 }],
  perStudentBaseCents: 500,
  fidelity: { minMinutesPerWeek: 30, minWeeks: 2 },
  ...(intake ? { intake: {
    usage: { shape: 'wide', studentId: 'id', minutes: 'total minutes', weeks: 'weeks used' },
    scores: { shape: 'wide', studentId: 'id', pre: 'fall', post: 'spring' },
    students: { studentId: 'id', group: 'arm' },
  } } : {}),
});
const usage = 'id,total minutes,weeks used\nA,120,3\nB,40,2\nX,500,10\n';
const scores = 'id,fall,spring\nA,200,207\nB,200,209\nC,210,212\n';
const students = 'id,arm\nA,T\nB,T\nC,C\n';
// The same students joined by hand: C a comparison student without usage (0 minutes, 1 week).
const joined = 'student_id,pre,post,minutes,weeks,group\nA,200,207,120,3,intervention\nB,200,209,40,2,intervention\nC,210,212,0,1,comparison\n';

test('the files given apart evaluate as the roster joined by hand, as text or as bytes', () => {
  const byHand = ec.evaluateContract(contract(false), joined);
  const bytes = (s) => new TextEncoder().encode(s);
  for (const files of [{ usage, scores, students }, { usage: bytes(usage), scores: bytes(scores).buffer, students: bytes(students) }]) {
    const apart = ec.evaluateContract(contract(true), files);
    // A: 40 minutes a week over 3 weeks, gain 7: 500 + 1000. B: 20 a week, below fidelity: 500.
    assert.equal(apart.payment.totalCents, 2000);
    assert.deepEqual(apart.payment, byHand.payment);
    assert.deepEqual(apart.students, byHand.students);
    assert.deepEqual(apart.matches.usageNotEnrolled, ['X']);
    assert.deepEqual(apart.matches.withoutUsage, ['C']);
    assert.equal(apart.matches.inAll, 2);
    assert.equal(JSON.stringify(apart.report).includes('"X"'), false, 'no id in the report');
  }
});

test('the files are refused clearly when one is missing or unknown, or the contract has no intake', () => {
  let e = thrown(() => ec.evaluateContract(contract(true), { usage, students }));
  assert.equal(e.code, 'invalidInput');
  assert.match(e.message, /need "scores"/);
  e = thrown(() => ec.evaluateContract(contract(true), { usage, scores, student: students }));
  assert.equal(e.code, 'invalidInput');
  assert.match(e.message, /"student" is not one of the district's files/);
  e = thrown(() => ec.evaluateContract(contract(false), { usage, scores, students }));
  assert.equal(e.code, 'invalidContract');
  assert.equal(e.errors[0].path, 'intake');
  e = thrown(() => ec.evaluateContract(contract(true), { usage, scores: 42, students }));
  assert.equal(e.code, 'invalidRoster');
  assert.equal(ec.version().length > 0, true, 'the module still answers');
});
