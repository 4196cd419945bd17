// The TypeScript declarations compile and describe real use (tests/node/usage.ts).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('pkg/evidence_check.d.ts type-checks with an example of use', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  const out = (() => {
    try {
      return execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'es2022',
        '--moduleResolution', 'bundler', '--lib', 'es2022,dom', 'tests/node/usage.ts'], { cwd: root, encoding: 'utf8' });
    } catch (e) {
      return e.stdout + e.stderr;
    }
  })();
  assert.equal(out.trim(), '');
});

test('schemas/inputs.d.ts is generated from the committed schemas', async () => {
  const { inputTypes } = await import('../../scripts/input-types.mjs');
  const committed = (await import('node:fs')).readFileSync(new URL('../../schemas/inputs.d.ts', import.meta.url), 'utf8');
  assert.equal(committed, await inputTypes(), 'run node scripts/input-types.mjs after changing a schema');
});
