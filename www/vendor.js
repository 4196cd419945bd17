// The demo's evaluator is this same server under its other loopback name (a page at
// http://127.0.0.1:PORT names http://localhost:PORT, and the other way round): a different
// origin, so the badges read the evaluator's key list cross-origin, with CORS, as they would
// from a real agency's https site. Runs before the badge is defined (module scripts run in order).
const other = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
const evaluator = `${location.protocol}//${other}${location.port ? `:${location.port}` : ''}`;
for (const badge of document.querySelectorAll('evidence-badge[data-demo-evaluator]')) badge.setAttribute('evaluator', evaluator);
for (const slot of document.querySelectorAll('.demo-evaluator')) slot.textContent = evaluator;
