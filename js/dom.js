// Helpers the components share: el() builds an element with its attributes, listeners and children
// in one expression; setPath and getPath write and read a value at a JS path such as
// "studies[0].design" or "metric.kind", the names that form fields carry (profile-form.js, the
// calculator's contract form), so that a form reads as the object it edits.

/**
 * A new element: `attrs` are attributes (true: present, false or null: left out), `text` its text,
 * `on…` event listeners; null children are skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children.filter((c) => c != null));
  return e;
}

/** The steps of a JS path: "studies[0].design" -> ["studies", "0", "design"]. */
const pathSteps = (path) => path.match(/[^.[\]]+/g) ?? [];

/** Sets `value` at `path` in `target`, making the objects and arrays (before a numeric step) on the way. */
export function setPath(target, path, value) {
  const steps = pathSteps(path);
  let t = target;
  steps.slice(0, -1).forEach((step, i) => {
    t[step] ??= /^\d+$/.test(steps[i + 1]) ? [] : {};
    t = t[step];
  });
  t[steps.at(-1)] = value;
}

/** The value at `path` in `source`; undefined where a step is missing. */
export function getPath(source, path) {
  return pathSteps(path).reduce((v, step) => (v == null ? undefined : v[step]), source);
}
