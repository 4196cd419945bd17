// Helpers the components share: el() builds an element with its attributes, listeners and children
// in one expression; adoptStylesheet() styles a shadow root from a CSS file; setPath and getPath
// write and read a value at a JS path such as "studies[0].design" or "metric.kind", the names that
// form fields carry (profile-form.js, the calculator's contract form), so that a form reads as the
// object it edits; listFromText and textFromList are how a list is typed in one field.

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

/** Removes what is at `path` in `target` (nothing when a step is missing). */
export function deletePath(target, path) {
  const steps = pathSteps(path);
  const parent = getPath(target, steps.slice(0, -1).join('.'));
  if (parent != null && typeof parent === 'object') delete parent[steps.at(-1)];
}

/** The value at `path` in `source`; undefined where a step is missing. */
export function getPath(source, path) {
  return pathSteps(path).reduce((v, step) => (v == null ? undefined : v[step]), source);
}

/** A list typed as "grade, ell, iep" -> ["grade", "ell", "iep"] (blank items dropped). */
export const listFromText = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);

/** ["grade", "ell"] -> "grade, ell"; "" for no list. */
export const textFromList = (list) => (list ?? []).join(', ');

const stylesheets = new Map(); // href -> the constructed stylesheet made from it, shared by every shadow root

/**
 * Styles `root` (a shadow root) with the CSS file at `href`; resolves once the styles apply, or the
 * file could not be loaded. A <link> loads the file, so that the page's load event waits for it as for
 * the page's own stylesheets; once loaded, its rules become one constructed stylesheet that every root
 * styled from `href` adopts, and the link goes: accessibility checkers (axe-core) re-create a shadow
 * root's <link> as inline style, which a Content-Security-Policy without 'unsafe-inline' refuses.
 */
export function adoptStylesheet(root, href) {
  if (stylesheets.has(href)) {
    root.adoptedStyleSheets = [stylesheets.get(href)];
    return Promise.resolve();
  }
  const link = el('link', { rel: 'stylesheet', href });
  root.prepend(link);
  return new Promise((resolve) => {
    link.addEventListener('error', () => resolve());
    link.addEventListener('load', () => {
      try {
        if (!stylesheets.has(href)) {
          const sheet = new CSSStyleSheet();
          sheet.replaceSync(Array.from(link.sheet.cssRules, (rule) => rule.cssText).join('\n'));
          stylesheets.set(href, sheet);
        }
        root.adoptedStyleSheets = [stylesheets.get(href)];
        link.remove();
      } catch {
        // Served from another origin without CORS, its rules cannot be read: the link stays.
      }
      resolve();
    });
  });
}

/** Offers `value` as a JSON file named `fileName` to download (the link is made inside `parent`, a shadow root's element). */
export function downloadJson(value, fileName, parent) {
  const blob = new Blob([JSON.stringify(value, null, 2) + '\n'], { type: 'application/json' });
  const a = el('a', { href: URL.createObjectURL(blob), download: fileName });
  parent.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
