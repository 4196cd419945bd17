import init, { version } from './pkg/evidence-check.js';

await init();
document.getElementById('version').textContent = version();
