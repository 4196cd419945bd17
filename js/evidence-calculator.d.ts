// Types of <evidence-calculator> (evidence-calculator.js): importing the module defines the element.
import type { Contract, Evaluation } from './evidence_check.js';

/** A problem of form entry: the contract path of the field and a sentence. */
export interface FormProblem { path: string; message: string; }

/**
 * `<evidence-calculator contract="contract.json">`: the outcomes-contract calculator as one element. A roster is read
 * on this device and evaluated in a Web Worker; nothing is uploaded.
 */
export class EvidenceCalculator extends HTMLElement {
  static observedAttributes: string[];
  /** The last evaluation, as `evaluateContract` returned it; null before the first. */
  result: Evaluation | null;
  /** Resolves when the stylesheet, the worker and its WebAssembly are loaded (no further request is needed). */
  ready: Promise<void>;
  /** Reads the form as a contract, with the problems of form entry. */
  contract(): { contract: Contract; problems: FormProblem[] };
  /** Evaluates a roster (CSV text, its bytes, or a Blob such as a File, read as a stream) with the form's contract, as the page's buttons do. */
  evaluate(roster: string | ArrayBuffer | Uint8Array | Blob, name?: string): Promise<void>;
  /** An element of the calculator's shadow root. */
  $(selector: string): Element | null;
}

declare global {
  interface HTMLElementTagNameMap {
    'evidence-calculator': EvidenceCalculator;
  }
  interface HTMLElementEventMap {
    'evidence-calculator:result': CustomEvent<Evaluation>;
  }
}
