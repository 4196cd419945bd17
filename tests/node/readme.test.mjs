// The README's runnable examples (code blocks marked `js node`), run as written against the built
// package: each `expression; // value` line is checked, and every block must reach all its checks.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { pkgDir } from './load.mjs';

const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/^```js node\n([\s\S]*?)^```$/gm)].map((m) => ({
  code: m[1],
  line: readme.slice(0, m.index).split('\n').length + 1,
}));

/** A comment's value when it is a JS literal (a number, a string, an array or object of them). */
function literal(text) {
  try {
    return { value: new Function(`return (${text});`)() };
  } catch {
    return null;
  }
}

/** The block with the package's name resolved to pkg/ and each checkable line made a check. */
function runnable(code) {
  const pkg = pathToFileURL(pkgDir).href;
  let checks = 0;
  const lines = code.replace(/from 'evidence-check(\/[^']*)?'/g, (_, sub) => `from '${pkg}${sub ? sub.slice(1) : 'evidence-check.js'}'`)
    .split('\n').map((text) => {
      const m = text.match(/^(\s*)([^/\s].*?);\s*\/\/ (.+)$/);
      if (!m || /^(const|let|var|import|await) /.test(m[2]) || !literal(m[3])) return text;
      checks += 1;
      return `${m[1]}__check(${m[2]}, ${m[3]}, ${JSON.stringify(m[2])});`;
    });
  const prelude = "import { deepStrictEqual as __equal } from 'node:assert';\nlet __checked = 0;\n" +
    'const __check = (got, want, what) => { __equal(got, want, what); __checked += 1; };\n';
  return { source: `${prelude}${lines.join('\n')}\nif (__checked !== ${checks}) throw new Error(\`\${__checked} of ${checks} checks ran\`);\n`, checks };
}

test('the README has runnable examples, each with checked values', () => {
  assert.ok(blocks.length >= 2, `${blocks.length} blocks marked js node`);
});

for (const { code, line } of blocks) {
  test(`README example at line ${line} runs and shows what the package returns`, () => {
    const { source, checks } = runnable(code);
    assert.ok(checks > 0, 'the example states at least one value');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'readme-')), 'example.mjs');
    fs.writeFileSync(file, source);
    execFileSync(process.execPath, [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  });
}
