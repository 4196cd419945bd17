// Types of <evidence-badge> (evidence-badge.js): importing the module defines the element.
import type { OutcomesReport, Verification } from './evidence_check.js';

/** The one-line headline of a verified report, in words a parent reads (the effect, its significance, design and population, or the share meeting the target and of whom). */
export function headline(report: OutcomesReport): string;
/** The cost per student meeting the target, in the report's currency, when the report carries it (else ""). */
export function costLine(report: OutcomesReport): string;

/** What a badge shows: while fetching, verified, a valid signature by a key no evaluator vouches for, or not verified. */
export type BadgeState = 'loading' | 'verified' | 'unverified-signer' | 'failed';

/**
 * `<evidence-badge report="…" evaluator="https://…">`: fetches a signed outcomes report and shows it only when its
 * signature verifies. Attributes: report, signature (default `report` + ".minisig"), evaluator or public-key,
 * product, vendor, period, contract-id. The `state` attribute and the `evidence-badge:state` event follow the state.
 */
export class EvidenceBadge extends HTMLElement {
  static observedAttributes: string[];
  /** The last verification (`verifyReport`'s answer, or a failure to fetch as `{ valid: false, error }`); null while loading. */
  result: Verification | null;
}

declare global {
  interface HTMLElementTagNameMap {
    'evidence-badge': EvidenceBadge;
  }
  interface HTMLElementEventMap {
    'evidence-badge:state': CustomEvent<{ state: BadgeState; result: Verification | null }>;
  }
}
