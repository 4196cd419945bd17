// A page as a newcomer's project builds it from the packed package: the module initialised with no
// argument (the bundler ships the .wasm), a vetting, a badge that verifies a signed report, and the
// calculator (its worker and stylesheet shipped by the bundler too).
import init, { vetProduct, version } from 'evidence-check';
import 'evidence-check/evidence-badge.js';
import 'evidence-check/evidence-calculator.js';
import profile from './profile.json';

await init();
const vetting = vetProduct(profile);
document.getElementById('out').textContent = JSON.stringify({ version: version(), vetting });
