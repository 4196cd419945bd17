// Amounts as people type and read them: dollars <-> integer cents, exactly (no floating-point
// multiplication), money and counts.

/** Cents from "1,250.5" (125050) or "$670" (67000); null when blank, NaN when not an amount. */
export function parseDollars(text) {
  const t = String(text ?? '').trim().replace(/^\$/, '').trim();
  if (t === '') return null;
  const m = t.match(/^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/);
  if (!m) return Number.NaN;
  return Number(m[1].replaceAll(',', '')) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** "670.50" from 67050, "670" from 67000, "" from null. */
export function formatDollars(cents) {
  if (cents == null) return '';
  const whole = Math.trunc(cents / 100);
  const part = Math.abs(cents % 100);
  return part === 0 ? String(whole) : `${whole}.${String(part).padStart(2, '0')}`;
}

/** "$1,234.56" from 123456. */
export const money = (cents, currency = 'USD') =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);

/** "6,000" from 6000. */
export const count = (n) => new Intl.NumberFormat('en-US').format(n);
