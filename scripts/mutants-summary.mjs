// Summarises a cargo-mutants run (mutants.out/*.txt) into MUTANTS.md: mutants caught, missed,
// timed out and unviable per source file, every missed mutant listed, and the equivalent
// mutants (ones that cannot change behaviour) from mutants-equivalent.txt with their reasons.
// Run by `make mutants`; alone: node scripts/mutants-summary.mjs [mutants.out]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'mutants.out'));
const lines = (name) => {
  const file = path.join(out, name);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
};
const kinds = { caught: lines('caught.txt'), missed: lines('missed.txt'), timeout: lines('timeout.txt'), unviable: lines('unviable.txt') };
if (Object.values(kinds).every((k) => k.length === 0)) {
  console.error(`mutants-summary: no results in ${out}`);
  process.exit(1);
}
// "src/stats.rs:12:5: replace ..." -> "src/stats.rs"
const fileOf = (line) => line.split(':')[0];
// Equivalent mutants: "<the mutant's line as cargo-mutants prints it, without line:col> | reason".
const equivalentFile = path.join(root, 'mutants-equivalent.txt');
const equivalent = new Map((fs.existsSync(equivalentFile) ? fs.readFileSync(equivalentFile, 'utf8').split('\n') : [])
  .filter((l) => l.includes(' | ') && !l.startsWith('#'))
  .map((l) => { const [m, why] = l.split(' | '); return [m.trim(), why.trim()]; }));
const withoutPosition = (line) => line.replace(/^([^:]+):\d+:\d+: /, '$1: ');

const files = [...new Set(Object.values(kinds).flat().map(fileOf))].sort();
const count = (kind, file) => kinds[kind].filter((l) => fileOf(l) === file).length;
const missedReal = kinds.missed.filter((l) => !equivalent.has(withoutPosition(l)));
const missedEquivalent = kinds.missed.filter((l) => equivalent.has(withoutPosition(l)));

const table = ['| file | caught | missed | of which equivalent | timed out | unviable |', '|---|---:|---:|---:|---:|---:|',
  ...files.map((f) => `| ${f} | ${count('caught', f)} | ${count('missed', f)} | ${missedEquivalent.filter((l) => fileOf(l) === f).length} | ${count('timeout', f)} | ${count('unviable', f)} |`),
  `| **all** | ${kinds.caught.length} | ${kinds.missed.length} | ${missedEquivalent.length} | ${kinds.timeout.length} | ${kinds.unviable.length} |`].join('\n');
const doc = `# Mutation testing

\`make mutants\` runs [cargo-mutants](https://mutants.rs/) over the library: each mutant is a small
change to the code (a condition inverted, an operator swapped, a function returning a default);
a mutant the tests do not catch is a behaviour no test checks. Not part of \`make test\` (hours on
two cores); run before resolving an issue that changes the core.

Latest run: ${new Date().toISOString().slice(0, 10)}, ${Object.values(kinds).flat().length} mutants${process.env.MUTANTS_SCOPE ? ` (${process.env.MUTANTS_SCOPE})` : ''}.

${table}

## Missed (${missedReal.length})

${missedReal.length ? missedReal.map((l) => `- \`${l}\``).join('\n') : 'None.'}

## Equivalent (missed, and cannot change behaviour)

${missedEquivalent.length ? missedEquivalent.map((l) => `- \`${l}\`: ${equivalent.get(withoutPosition(l))}`).join('\n') : 'None.'}
`;
fs.writeFileSync(path.join(root, 'MUTANTS.md'), doc);
console.log(`mutants: ${kinds.caught.length} caught, ${missedReal.length} missed (+${missedEquivalent.length} equivalent), ${kinds.timeout.length} timed out, ${kinds.unviable.length} unviable; wrote MUTANTS.md`);
