import init, { version } from './pkg/evidence_check.js';

await init();
document.getElementById('version').textContent = version();
