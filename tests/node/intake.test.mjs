// The district's own files given apart to evaluateContract, from Node: strings and bytes alike,
// the same answer as the roster joined by hand, and what is refused.
import test from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
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

/**
 * A minimal .xlsx workbook (the parts a spreadsheet reads: content types, relationships, the
 * workbook, one sheet and its shared strings), zipped here (deflated, CRC-32 from zlib): `rows`
 * of strings and numbers, strings through the shared strings, `sharedTail` appended to them.
 */
function workbook(rows, sharedTail = []) {
  const shared = [];
  const esc = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const col = (i) => (i < 26 ? '' : String.fromCharCode(64 + Math.floor(i / 26))) + String.fromCharCode(65 + (i % 26));
  const sheetRows = rows.map((cells, r) => `<row r="${r + 1}">${cells.map((v, i) => {
    const ref = `${col(i)}${r + 1}`;
    if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
    if (typeof v === 'object') return `<c r="${ref}" t="s"><v>${v.shared}</v></c>`;
    shared.push(v);
    return `<c r="${ref}" t="s"><v>${shared.length - 1}</v></c>`;
  }).join('')}</row>`).join('');
  const strings = [...shared, ...sharedTail];
  const parts = {
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
    'xl/sharedStrings.xml': `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((t) => `<si><t>${esc(t)}</t></si>`).join('')}</sst>`,
  };
  // The zip format (PKWARE APPNOTE 4.3): a local header and the data per part, then the
  // central directory and its end record.
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, text] of Object.entries(parts)) {
    const data = Buffer.from(text);
    const packed = zlib.deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const crc = zlib.crc32(data);
    const header = (signature, extra) => {
      const h = Buffer.alloc(extra ? 46 : 30);
      h.writeUInt32LE(signature, 0);
      const at = extra ? 6 : 4;
      if (extra) h.writeUInt16LE(20, 4);
      h.writeUInt16LE(20, at);
      h.writeUInt16LE(8, at + 4);
      h.writeUInt32LE(crc, at + 10);
      h.writeUInt32LE(packed.length, at + 14);
      h.writeUInt32LE(data.length, at + 18);
      h.writeUInt16LE(nameBytes.length, at + 22);
      if (extra) h.writeUInt32LE(offset, 42);
      return h;
    };
    const local = Buffer.concat([header(0x04034b50, false), nameBytes, packed]);
    central.push(Buffer.concat([header(0x02014b50, true), nameBytes]));
    locals.push(local);
    offset += local.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length, 8);
  end.writeUInt16LE(central.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, dir, end]));
}

test('an .xlsx given as bytes evaluates as its CSV twin', () => {
  const book = (text) => workbook(text.trim().split('\n').map((line, r) => line.split(',').map((v) => (r > 0 && /^\d+$/.test(v) ? Number(v) : v))));
  const asCsv = ec.evaluateContract(contract(true), { usage, scores, students });
  const asXlsx = ec.evaluateContract(contract(true), { usage: book(usage), scores: book(scores).buffer, students: book(students) });
  assert.deepEqual(asXlsx, asCsv);
  assert.equal(asXlsx.payment.totalCents, 2000);
});

test('a workbook of a few hundred kilobytes whose shared string would make gigabytes of text is refused, the module\'s memory kept small', () => {
  // One string of 100 MB (shared string 3, after the header's three) shown in 45 cells of one
  // row: 4.5 GB of text, past what WebAssembly can hold; refused once the row passes 256 MB.
  const row = Array.from({ length: 45 }, () => ({ shared: 3 }));
  const bomb = workbook([['id', 'total minutes', 'weeks used'], row], ['a'.repeat(100 << 20)]);
  assert.ok(bomb.length < 1 << 20, `${bomb.length}`);
  const e = thrown(() => ec.evaluateContract(contract(true), { usage: bomb, scores, students }));
  assert.equal(e.code, 'invalidRoster');
  assert.equal(e.message, 'The usage file has a sheet whose text, as CSV, is over 256 MB (the limit of a CSV file).');
  assert.ok(ec.wasmMemoryBytes() < 2 ** 30, `${ec.wasmMemoryBytes()}`);
});
