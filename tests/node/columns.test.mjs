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
});

test('header names: null, for the reader to explain, when the header cannot be offered', () => {
  assert.equal(headerNames(bytes('')), null, 'an empty file');
  assert.equal(headerNames(bytes('\n1,2\n')), null, 'a blank first line');
  assert.equal(headerNames(bytes('student_id;pre;post;minutes;weeks\nA;1;2;3;4\n')), null, 'semicolons');
  assert.equal(headerNames(bytes('student_id\tpre\tpost\n')), null, 'tabs');
  // UTF-16 (little-endian, with its byte-order mark): every other byte is zero.
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('student_id,pre\n', 'utf16le')]);
  assert.equal(headerNames(utf16.buffer.slice(utf16.byteOffset, utf16.byteOffset + utf16.length)), null, 'UTF-16');
  // At most 1,000 columns are offered; a header line must end within the first MiB.
  const wide = (n) => `${Array.from({ length: n }, (_, i) => `c${i}`).join(',')}\n1\n`;
  assert.equal(headerNames(bytes(wide(1000))).length, 1000);
  assert.equal(headerNames(bytes(wide(1001))), null);
  assert.equal(headerNames(bytes(`${'x'.repeat(1 << 20)},student_id\n1,2\n`)), null);
  // A one-column file that is CSV is offered.
  assert.deepEqual(headerNames(bytes('student_id\nA\n')), ['student_id']);
});
