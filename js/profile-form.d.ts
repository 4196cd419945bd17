// Types of bindProfileForm (profile-form.js): live validation of a product-profile form.
import type { ProductProfile, Validation, Vetting, VettingPolicy } from './evidence_check.js';

export interface ProfileFormOptions {
  /** The district's vetting policy, for `vet()`. */
  policy?: VettingPolicy;
  /** Merged under the form's values (by default the profile's arrays, empty). */
  defaults?: Partial<ProductProfile>;
  /** Milliseconds after the last keystroke before validating (default 150). */
  delay?: number;
  /** Called with each validation's result. */
  onValidate?: (result: Validation) => void;
}

export interface ProfileForm {
  /** The form's values as a profile. */
  read(): ProductProfile;
  /** Validates the profile and shows the problems of the fields touched so far. */
  validate(): Validation;
  /** Shows every problem, touched or not (for a submit or "check" button), and returns the result. */
  showAll(): Validation;
  /** `vetProduct` on the form's profile under `policy` (by default the bound one); throws the
   * typed error when the profile or the policy is invalid. */
  vet(policy?: VettingPolicy): Vetting;
  /** Fills the form's controls from a profile (repeatable rows must already exist). */
  load(profile: Partial<ProductProfile>): Validation;
  /** Removes the listeners. */
  destroy(): void;
}

/** Binds live validation to a form whose controls are named by profile paths (`dosage.minutesPerWeek`, `studies[0].design`). */
export function bindProfileForm(form: HTMLFormElement, options?: ProfileFormOptions): Promise<ProfileForm>;
