// Builds the fixture app (app/) with Vite, esbuild and webpack the way a newcomer's project would:
// from the tarball `npm pack pkg` makes, installed into a project of its own, each bundler with the
// recipe the README gives. Returns the folder each bundler's page is in.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });

/** The project: the packed package installed, the app's sources in src/ (files to serve as they are in src/public/). */
function project(out) {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'src/public'), { recursive: true });
  const tarball = npm(['pack', path.join(root, 'pkg'), '--pack-destination', out], root).trim().split('\n').at(-1);
  fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify({ name: 'bundled-page', private: true, type: 'module' }));
  npm(['install', '--offline', `./${tarball}`], out);
  const key = fs.readFileSync(path.join(root, 'www/demo-key/demo.pub'), 'utf8').trim().split('\n').at(-1);
  const src = path.join(out, 'src');
  fs.writeFileSync(path.join(src, 'index.html'), fs.readFileSync(path.join(here, 'app/index.html'), 'utf8').replace('PUBLIC_KEY', key));
  fs.copyFileSync(path.join(here, 'app/main.js'), path.join(src, 'main.js'));
  fs.copyFileSync(path.join(root, 'www/samples/profile.json'), path.join(src, 'profile.json'));
  for (const f of ['outcomes.json', 'outcomes.json.minisig']) fs.copyFileSync(path.join(root, 'www/samples', f), path.join(src, 'public', f));
  return src;
}

/** The page's files beside a bundle: the HTML (loading `script` instead of main.js) and the public files. */
function page(src, dist, script) {
  fs.writeFileSync(path.join(dist, 'index.html'), fs.readFileSync(path.join(src, 'index.html'), 'utf8').replace('<script type="module" src="./main.js"></script>', script));
  fs.cpSync(path.join(src, 'public'), dist, { recursive: true });
}

const bundlers = {
  // Vite: nothing to configure (base './' only because the test serves each page under a folder).
  async vite(src, dist) {
    const { build } = await import('vite');
    await build({ root: src, base: './', logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });
  },
  // esbuild: the README's recipe, run as written (its shell block after the bundlers' table), in
  // the project with esbuild on the PATH; it writes dist/.
  async esbuild(src, dist) {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const recipe = readme.slice(readme.indexOf('| esbuild |')).match(/```sh\n([\s\S]*?)```/)[1];
    const PATH = `${path.join(root, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}`;
    execFileSync('sh', ['-e', '-c', recipe], { cwd: path.dirname(src), env: { ...process.env, PATH }, stdio: 'pipe' });
    page(src, dist, '<script type="module" src="./main.js"></script>');
  },
  // webpack 5: nothing to configure; it ships the .wasm as an asset.
  async webpack(src, dist) {
    const webpack = (await import('webpack')).default;
    const stats = await new Promise((resolve, reject) => webpack({
      mode: 'production', context: src, entry: './main.js', output: { path: dist, filename: 'main.js' },
    }, (error, result) => (error ? reject(error) : resolve(result))));
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
    page(src, dist, '<script defer src="./main.js"></script>');
  },
};

/** Builds every fixture under `out`; returns { vite, esbuild, webpack } folders. */
export async function buildFixtures(out = path.join(root, 'target/bundlers')) {
  const src = project(out);
  const dists = {};
  for (const [name, bundle] of Object.entries(bundlers)) {
    dists[name] = path.join(out, name === 'esbuild' ? 'dist' : name);
    await bundle(src, dists[name]);
  }
  return dists;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildFixtures());
