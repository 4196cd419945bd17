// The calculator's column step reads a roster's header line as the module's roster reader does
// (RFC 4180 quoting, a byte-order mark, CRLF, names trimmed), so that the columns it offers are the
// columns the reader finds.
import test from 'node:test';
import assert from 'node:assert/strict';
import { headerNames } from '../../js/calculator-columns.js';

const bytes = (text) => new TextEncoder().encode(text).buffer;

test('header names: plain, quoted, with a byte-order mark and CRLF, trimmed', () => {
  assert.deepEqual(headerNames(bytes('student_id,pre,post\nA,1,2\n')), ['student_id', 'pre', 'post']);
  assert.deepEqual(headerNames(bytes('\uFEFF"Student ID", "Fall, Score" ,"say ""hi"""\r\nA,1,2\r\n')), ['Student ID', 'Fall, Score', 'say "hi"']);
  // A quoted name may hold a line break: the header goes on past it.
  assert.deepEqual(headerNames(bytes('"two\nlines",x\n1,2\n')), ['two\nlines', 'x']);
  assert.deepEqual(headerNames(bytes('only')), ['only']);
  assert.deepEqual(headerNames(bytes('a,,b\n')), ['a', '', 'b']);
  assert.deepEqual(headerNames(bytes('')), []);
  assert.deepEqual(headerNames(bytes('\n1,2\n')), []);
});
