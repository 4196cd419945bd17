// Summarises a cargo-mutants run (mutants.out/*.txt) into MUTANTS.md: mutants caught, missed,
// timed out and unviable per source file, every missed mutant listed, and the equivalent
// mutants (ones that cannot change behaviour) from mutants-equivalent.txt with their reasons.
// Run by `make mutants`; alone: node scripts/mutants-summary.mjs [mutants.out]; with --render,
// only writes MUTANTS.md again from mutants-results.json (after mutants-equivalent.txt changed).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const renderOnly = process.argv[2] === '--render';
const out = path.resolve(renderOnly ? '' : process.argv[2] ?? path.join(root, 'mutants.out'));
const lines = (name) => {
  if (renderOnly) return [];
  const file = path.join(out, name);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
};
const kinds = { caught: lines('caught.txt'), missed: lines('missed.txt'), timeout: lines('timeout.txt'), unviable: lines('unviable.txt') };
if (!renderOnly && Object.values(kinds).every((k) => k.length === 0)) {
  console.error(`mutants-summary: no results in ${out}`);
  process.exit(1);
}
// "src/stats.rs:12:5: replace ..." -> "src/stats.rs"
const fileOf = (line) => line.split(':')[0];
// Equivalent mutants: "<the mutant's line as cargo-mutants prints it, with or without line:col> |
// reason".
const equivalentFile = path.join(root, 'mutants-equivalent.txt');
const equivalent = new Map((fs.existsSync(equivalentFile) ? fs.readFileSync(equivalentFile, 'utf8').split('\n') : [])
  .filter((l) => l.includes(' | ') && !l.startsWith('#'))
  .map((l) => { const [m, why] = l.split(' | '); return [m.trim(), why.trim()]; }));
const withoutPosition = (line) => line.replace(/^([^:]+):\d+:\d+: /, '$1: ');
// An entry names a mutant without its position (every mutant of that name), or with it when
// two mutants share a name and only one is equivalent (then it must be renewed when lines move).
const reasonFor = (line) => equivalent.get(line) ?? equivalent.get(withoutPosition(line));

// Runs go module by module (make mutants MUTANTS_ARGS="-f src/payment.rs"), so the results are
// kept per file in mutants-results.json: a run replaces the files it covered, with the commit
// it ran at, and MUTANTS.md shows every file's latest run. A run narrowed to some mutants
// (--re, -F, -E, or --iterate, which retests the missed ones) updates those mutants alone.
const store = path.join(root, 'mutants-results.json');
const saved = fs.existsSync(store) ? JSON.parse(fs.readFileSync(store, 'utf8')) : {};
const scope = process.env.MUTANTS_SCOPE ?? '';
// A shard (--shard k/n, a part of a file's mutants, for runs too long for one sitting) is
// narrowed too: shards add up, and the row says which ran.
const narrowed = /(^|\s)(--re|-F|--exclude-re|-E|--iterate|--shard)(\s|=|$)/.test(scope);
// A run narrowed by name retests every mutant whose line matches its -F/--re (and no -E/
// --exclude-re) pattern, so a saved mutant that matches and was not retested no longer exists.
const tokens = (scope.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((t) => t.replace(/^(['"])(.*)\1$/, '$2'));
const patterns = (flags) => tokens.flatMap((t, i) => {
  const [flag, inline] = t.split(/=(.*)/s);
  if (!flags.includes(flag)) return [];
  const pattern = inline ?? tokens[i + 1];
  return pattern === undefined ? [] : [new RegExp(pattern)];
});
const included = patterns(['--re', '-F']);
const excluded = patterns(['--exclude-re', '-E']);
// A run stopped before its end (its scope says "(stopped ...)") retested only the mutants it
// reached: those alone move, and the ones its patterns match but it never reached stay as they were.
const stopped = /\(stopped\b/.test(scope);
const byName = included.length > 0 && !stopped;
const matchedByRun = (line) => included.some((re) => re.test(line)) && !excluded.some((re) => re.test(line));
// The commit the mutants ran at: this tree's (with "+changes" when its sources differ from it),
// or MUTANTS_COMMIT when they ran in another worktree.
let commit = process.env.MUTANTS_COMMIT ?? '';
if (!commit) {
  try {
    const git = (args) => execFileSync('git', args, { cwd: root }).toString().trim();
    commit = git(['rev-parse', '--short', 'HEAD']) + (git(['status', '--porcelain', '--', 'src', 'tests']) ? '+changes' : '');
  } catch {
    commit = 'unknown';
  }
}
const date = new Date().toISOString().slice(0, 10);
for (const file of new Set(Object.values(kinds).flat().map(fileOf))) {
  const fresh = Object.fromEntries(Object.entries(kinds).map(([kind, ls]) => [kind, ls.filter((l) => fileOf(l) === file)]));
  if (narrowed && saved[file]) {
    // Each tested mutant moves to its new outcome. A run narrowed by name (-F, --re) retests
    // every mutant its patterns match, so it replaces them however the lines moved since, and
    // drops those that match and are gone (their code changed).
    const tested = new Set(Object.values(fresh).flat());
    const testedNames = byName ? new Set([...tested].map(withoutPosition)) : new Set();
    const retested = (l) => tested.has(l) || testedNames.has(withoutPosition(l)) || (byName && matchedByRun(l));
    for (const kind of Object.keys(kinds)) {
      saved[file][kind] = saved[file][kind].filter((l) => !retested(l)).concat(fresh[kind]).sort();
    }
    saved[file].runs = `${saved[file].runs}; ${date} at ${commit} (${scope})`;
  } else {
    saved[file] = { ...fresh, runs: narrowed ? `${date} at ${commit} (${scope})` : `${date} at ${commit}` };
  }
}
fs.writeFileSync(store, JSON.stringify(saved, null, 1) + '\n');
const files = Object.keys(saved).sort();
const all = (kind) => files.flatMap((f) => saved[f][kind]);
const count = (kind, file) => saved[file][kind].length;
const missedAll = all('missed');
const missedReal = missedAll.filter((l) => reasonFor(l) === undefined);
const missedEquivalent = missedAll.filter((l) => reasonFor(l) !== undefined);

const table = ['| file | caught | missed | of which equivalent | timed out | unviable | run |', '|---|---:|---:|---:|---:|---:|---|',
  ...files.map((f) => `| ${f} | ${count('caught', f)} | ${count('missed', f)} | ${missedEquivalent.filter((l) => fileOf(l) === f).length} | ${count('timeout', f)} | ${count('unviable', f)} | ${saved[f].runs} |`),
  `| **all** | ${all('caught').length} | ${missedAll.length} | ${missedEquivalent.length} | ${all('timeout').length} | ${all('unviable').length} | |`].join('\n');
const doc = `# Mutation testing

\`make mutants\` runs [cargo-mutants](https://mutants.rs/) over the library: each mutant is a small
change to the code (a condition inverted, an operator swapped, a function returning a default);
a mutant the tests do not catch is a behaviour no test checks. Not part of \`make test\` (hours on
two cores); run before resolving an issue that changes the core.

Runs go one module at a time (\`make mutants MUTANTS_ARGS="-f src/payment.rs"\`); each file's row
is its latest run (date, commit; a narrowed rerun of some mutants, or a shard of a file's
mutants, is listed after it). The
results behind this page are in \`mutants-results.json\`; after \`mutants-equivalent.txt\` changes,
\`node scripts/mutants-summary.mjs --render\` writes this page again from them.

${table}

## Missed (${missedReal.length})

${missedReal.length ? missedReal.map((l) => `- \`${l}\``).join('\n') : 'None.'}

## Equivalent (missed, and cannot change behaviour)

${missedEquivalent.length ? missedEquivalent.map((l) => `- \`${l}\`: ${reasonFor(l)}`).join('\n') : 'None.'}
`;
fs.writeFileSync(path.join(root, 'MUTANTS.md'), doc);
console.log(renderOnly ? `mutants: all files ${missedReal.length} missed (+${missedEquivalent.length} equivalent); wrote MUTANTS.md` : `mutants: this run ${kinds.caught.length} caught, ${kinds.missed.length} missed, ${kinds.timeout.length} timed out, ${kinds.unviable.length} unviable; all files ${missedReal.length} missed (+${missedEquivalent.length} equivalent); wrote MUTANTS.md`);
