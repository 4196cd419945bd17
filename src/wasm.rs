//! The JS binding: the only module that touches `wasm_bindgen`, `js_sys` and `serde_wasm_bindgen`.
//! JS values come in as JSON text (so nesting limits and number checks are the core's),
//! results go out as plain objects, and every error is thrown as a real JS `Error`
//! carrying a stable `code` (and `errors` where there are several problems).
//!
//! Without the `full` feature (the badge's module) only the signed-report exports are built;
//! the helpers of the others are then unused.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]

use crate::error::Code;
use crate::error::{Details, Error};
use crate::verify::{problem, Problem};
use js_sys::{Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// The inputs' types (ProductProfile, VettingPolicy, Contract and their parts), generated from
// the committed JSON Schemas by scripts/input-types.mjs.
#[wasm_bindgen(typescript_custom_section)]
const INPUT_TYPES: &str = include_str!("../schemas/inputs.d.ts");

// The results' types and the inputs that have no schema.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** One problem at one place in an input; `path` is JS-style, such as "studies[0].sampleSize". */
export interface FieldError { path: string; code: string; message: string; }
/** One problem in one roster row; `line` is 1-based and counts the header. */
export interface RowError { line: number; column?: string; code: string; message: string; }
/** What every export throws: a real Error with a stable camelCase `code`. */
export interface EvidenceCheckError extends Error {
  name: "EvidenceCheckError"; code: string; errors?: Array<FieldError | RowError>; errorCount?: number;
}

export type GroupStats = { n: number; mean: number; sd: number } | { n: number; proportion: number };
export interface EffectSizeInput {
  kind: "continuous" | "dichotomous"; intervention: GroupStats; comparison: GroupStats;
  lowerIsBetter?: boolean; clusters?: { intervention: number; comparison: number; icc?: number }; alpha?: number;
}
export interface EffectSizeResult {
  g: number; omega: number; se: number; ciLower: number; ciUpper: number; t: number; df: number; pValue: number;
  significant: boolean; improvementIndex: number; favorable: boolean; clusterCorrected: boolean;
  nIntervention: number; nComparison: number;
  /** What a reader must know about the result, such as a single-cluster confound. */
  notes: string[];
}
export type PowerInput =
  | { design: "individual"; n: number; r2?: number; covariates?: number; treatedShare?: number; alpha?: number; power?: number }
  | { design: "cluster"; clusters: number; clusterSize: number; icc: number; r2Level1?: number; r2Level2?: number;
      covariates?: number; treatedShare?: number; alpha?: number; power?: number };
export interface PowerResult { mdes: number; standardError: number; multiplier: number; df: number; }

export interface Validation { valid: boolean; errors: FieldError[]; }
export type Rating = "meetsWithoutReservations" | "meetsWithReservations" | "doesNotMeet" | "notRated";
export interface Vetting {
  product: string; vendor: string; verdict: "recommended" | "caution" | "notRecommended"; redFlags: number;
  checks: Array<{ id: string; status: "pass" | "warn" | "fail"; redFlag: boolean; message: string; paths: string[] }>;
  essaTier: 1 | 2 | 3 | 4 | null; essaRationale: string;
  studies: Array<{ index: number; rating: Rating; g: number | null; pValue: number | null; significant: boolean;
    findings: Array<{ domain: string | null; measure: string | null; g: number | null; pValue: number | null; significant: boolean;
      favorable: boolean; analyzed: number | null; uncountedPValue: number | null }>;
    essaTier: 1 | 2 | 3 | 4 | null; reasons: string[] }>;
}
export interface Schemas { productProfile: object; policy: object; contract: object; }

/** The district's own exports, joined in the module under the contract's `intake` section: each CSV text or bytes. */
export interface DistrictFiles {
  usage: string | Uint8Array | ArrayBuffer;
  scores: string | Uint8Array | ArrayBuffer;
  students?: string | Uint8Array | ArrayBuffer;
}
/** How the district's files matched: counts, and the ids to look at (never in the report). */
export interface Matches {
  inUsage: number; inScores: number; inStudents: number | null; enrolled: number;
  withUsage: number; withPre: number; withPost: number; inAll: number;
  usageNotEnrolled: string[]; scoresNotEnrolled: string[]; withoutUsage: string[]; withoutScores: string[];
  twoInAWindow: Array<{ studentId: string; window: string; tests: number; lineUsed: number }>;
  /** Students left out because a row of theirs could not be read (onBadRow "skip"). */
  leftOut: string[];
  /** Students whose post-test is dated before their pre-test (windows of different years?). */
  postBeforePre: string[];
  usageRowsOutsidePeriod: number; scoreRowsOutsidePeriod: number; scoreRowsOtherWindows: number; weeks: number | null;
  /** The joined roster's columns and first rows (at most 10), as text. */
  preview: { columns: string[]; rows: string[][] };
}
export interface EvaluateOptions {
  onProgress?: (fraction: number) => void;
  /** The report's issue date, YYYY-MM-DD (otherwise null, for the evaluator's tool to set when signing). */
  issued?: string;
  /** Node only: how many threads may read a byte roster of 8 MiB or more (1 to 64, at most the cores; default 1). Node workers read its parts and the result is exactly one reader's; wasm memory holds more while the parts are joined. */
  threads?: number;
}
/** createEvaluator's options: evaluateContract's onProgress and issued, and the roster's size in bytes when known (for onProgress). */
export interface EvaluatorOptions extends Omit<EvaluateOptions, 'threads'> {
  size?: number;
}
/** A published cell: `n` enrolled students (absent when it would give away how few are outside its share), the share over `judged`; a suppressed cell has only its column and value. */
export interface Cell { column: string; value: string; n?: number; judged?: number; shareMetTarget?: number | null; meanMetric?: number | null; suppressed?: true; }
/** A cell in the district's own view: every figure, and whether the published report shows it. */
export interface DistrictCell { column: string; value: string; n: number; judged: number; met: number; withOutcome: number; shareMetTarget: number | null; meanMetric: number | null; inReport: boolean; sizeInReport: boolean;
  /** The metric per hour of use of the cell's students with an outcome (not published for cells). */
  growthPerHour: PerHour | null; }
/** A group's growth per hour of use: sum of the metric / sum of the hours (minutes / 60), with its 95% interval (null for one student). */
export interface PerHour { n: number; meanHours: number; perHour: number; ciLower: number | null; ciUpper: number | null; }
export interface Payment {
  baseCents: number; outcomeCents: number; penaltyCents: number; totalCents: number; maximumCents: number;
  contingentShare: number; capApplied: boolean; floorApplied: boolean; districtObligationMet: boolean | null;
}
export interface Evaluation {
  payment: Payment;
  students: { rows: number; comparison: number; intervention: number; enrolled: number; atFidelity: number; withOutcome: number;
    judged: number; missingOutcome: number; noRoomToGrow: number; metTarget: number; declined: number; belowAllTiers: number;
    byTier: Array<{ label: string; atLeast: number; centsPerStudent: number; count: number }> };
  growth: { n: number; mean: number | null; median: number | null; sd: number | null };
  /** The return on minutes: the growth figures' students' growth per hour, and the effect per 10 hours of use. */
  growthPerHour: { overall: PerHour | null; effectPer10Hours: number | null; comparedMeanHours: number | null; comparisonMeanHours: number | null; note: string | null };
  /** The least minutes a week at which `share` of the intervention students with an outcome (at fidelity or not, even when the contract excludes those below it) meet the target (centred isotonic fit; null: not reached; atMost: the fit's first point already reaches it, so fewer may do), its bootstrap interval (ciUpper null: beyond the roster's doses), notes, and the fitted curve's points (joined by straight lines). */
  dosageRequired: { share: number; n: number; minutesPerWeek: number | null; atMost: boolean; ciLower: number | null; ciUpper: number | null;
    resamples: number; seed: number; notes: string[];
    curve: Array<{ from: number; to: number; n: number; minutesPerWeek: number; share: number }> } | null;
  distribution: Array<{ from: number; to: number; count: number }>;
  effect: LocalComparison | null;
  doseResponse: DistrictCell[]; subgroups: DistrictCell[]; rejectedRows: RowError[]; rejectedCount: number; notes: string[];
  /** With the district's files given apart: how they matched. */
  matches?: Matches;
  /** The cost figures, with every input exact; null when the contract lists no `districtCosts`. */
  cost: Cost | null;
  report: OutcomesReport;
}
/** Cost-effectiveness by the ingredients method: the payment plus the district's own costs, in cents, and the cost per student. */
export interface Cost {
  priceYear: number | null;
  /** The payment the figures use: null when the report withholds it. */
  paymentCents: number | null;
  /** When the payment is the report's rounded total: to this many cents. */
  paymentRoundedToCents: number | null;
  staff: Array<{ activity: "training" | "supervision" | "other"; hours: number; centsPerHour: number; cents: number }>;
  devicesCents: number; otherCents: number; districtCents: number; totalCents: number | null;
  perEnrolledCents: number | null; perStudentMeetingTargetCents: number | null;
  perAdditionalStudentMeetingTargetCents: number | null; perStudentPerTenthSdCents: number | null;
  /** The rounding, and why any figure is null. */
  notes: string[];
}
/** The aggregate report (schema "evidence-check/outcomes-report@1"): no student id, small cells suppressed. */
export interface OutcomesReport {
  schema: "evidence-check/outcomes-report@1"; generator: { name: string; version: string };
  product: string | null; vendor: string | null; contractId: string | null; period: string | null;
  /** YYYY-MM-DD, set when the evaluator signs; badges check the key's validity period against it. */
  issued: string | null;
  /** "sha256:" and the hex SHA-256 of the roster's bytes as given to evaluateContract. */
  rosterDigest: string;
  currency: string; metric: string; minCellSize: number;
  students: { enrolled: number; atFidelity: number | null; withOutcome: number | null; judged: number | null; metTarget: number | null };
  shareMetTarget: number | null; growth: { n: number; mean: number | null; median: number | null; sd: number | null } | null;
  effect: ReportEffect | null;
  /** The growth per hour of the growth's students (its interval with the growth's spread); absent when the growth is not published. */
  growthPerHour?: { population: string; n: number; perHour: number; ciLower: number | null; ciUpper: number | null };
  tiers: Array<{ label: string; atLeast: number; count?: number; suppressed?: true }>;
  doseResponse: Cell[]; subgroups: Cell[];
  payment: { totalCents: number | null; totalRoundedToCents: number | null; baseCents: number | null; outcomeCents: number | null;
    penaltyCents: number | null; maximumCents: number | null; contingentShare: number | null; districtObligationMet: boolean | null };
  /** What the disclosure audit did: each protection beyond withholding small counts, and why nothing is published when nothing is. */
  disclosure: { minCellSize: number; audit: string; protections: string[]; withheld: string | null };
  /** The cost figures from the figures above and the contract's districtCosts; absent without them. */
  cost?: Cost;
}
/** What a WWC review could give a local comparison whose design conditions all hold. */
export interface Support { rating: Rating; essaTier: 1 | 2 | 3 | 4 | null; essaRationale: string; }
/** The district's own comparison of intervention and comparison students: not a WWC review. */
export interface LocalComparison extends EffectSizeResult {
  kind: "localComparison"; summary: string;
  baselineG: number | null; baseline: "satisfied" | "requiresAdjustment" | "notSatisfied" | null;
  attrition: { overall: number; differential: number; boundary: number | null; low: boolean };
  design: "rct" | "clusterRct" | "qed"; assignedBy: "student" | "school"; independent: boolean; evaluator: string | null;
  sites: number; policy: Required<VettingPolicy>;
  conditions: Array<{ id: string; met: boolean; message: string }>; couldSupport: Support | null;
  /** Whether the report states the rating: not when it would tell where a small count of students without a post-test lies. */
  ratingInReport: boolean;
}
/** The local comparison as published. */
export interface ReportEffect {
  kind: "localComparison"; summary: string; g: number; ciLower: number; ciUpper: number; pValue: number; significant: boolean;
  improvementIndex: number; nIntervention: number; nComparison: number; clusterCorrected: boolean;
  design: "rct" | "clusterRct" | "qed"; assignedBy: "student" | "school"; independent: boolean; evaluator: string | null;
  policy: Required<VettingPolicy>; conditionsMet: boolean | null; couldSupport: Support | null;
  /** g per 10 hours of use the intervention students it compares had beyond the comparison students' (same students, design and significance as g); null with per10HoursNote saying why. */
  per10Hours: number | null; per10HoursNote?: string;
}
/** Keys an evaluator publishes at its origin, as fetched from `${evaluator}/.well-known/evidence-check.json`. */
export interface EvaluatorTrust { evaluator: string; keyList: string | Uint8Array | ArrayBuffer; }
/** What the page says the report is about; `product` is required with an evaluator. */
export interface VerifyExpect {
  product?: string; vendor?: string; period?: string; contractId?: string; /** YYYY-MM-DD */ today?: string;
  /** The showing page's origin: when it is not local, a local (test) evaluator is refused. */
  pageOrigin?: string;
}
export interface EvaluatorOrigin { origin: string; host: string; keyListUrl: string; local: boolean; }
/** An evaluator's key list (schema "evidence-check/keys@1"); `evaluator` is the publisher's own name for itself. */
export interface KeyList {
  schema: "evidence-check/keys@1"; evaluator: string;
  keys: Array<{ publicKey: string; keyId: string; validFrom: string; validUntil: string | null; revoked: string | null; reason: string | null }>;
}
export type Verification =
  | { valid: true; trust: "evaluator"; keyId: string; trustedComment: string; report: OutcomesReport;
      evaluator: { origin: string; host: string; name: string; keyValidFrom: string; keyValidUntil: string | null } }
  | { valid: true; trust: "inlineKey"; keyId: string; trustedComment: string; report: OutcomesReport }
  | { valid: false; error: { code: string; message: string } };
"#;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// Traps on purpose, so that tests (and pages) can check that the package recovers from a trap.
/// No input makes any other export trap.
#[doc(hidden)]
#[wasm_bindgen(js_name = __trapForTesting)]
pub fn trap_for_testing() {
    core::arch::wasm32::unreachable()
}

/// The package version, equal to the crate version in Cargo.toml.
#[wasm_bindgen]
pub fn version() -> String {
    crate::version().to_string()
}

/// A core error becomes a thrown JS `Error` with `name`, `code`, and `errors` when there
/// are details, so exports return core errors with `?`.
impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        let err = js_sys::Error::new(&e.message);
        err.set_name("EvidenceCheckError");
        let obj: &JsValue = err.as_ref();
        let _ = Reflect::set(obj, &"code".into(), &e.code.as_str().into());
        match &e.details {
            Details::None => {}
            Details::Fields(errors) => {
                let _ = Reflect::set(obj, &"errors".into(), &to_js(errors));
            }
            Details::Rows { errors, total } => {
                let _ = Reflect::set(obj, &"errors".into(), &to_js(errors));
                let _ = Reflect::set(obj, &"errorCount".into(), &(*total as f64).into());
            }
        }
        err.into()
    }
}

/// A verification problem thrown by the readers (`readReport`, `readKeyList`, `evaluatorOrigin`).
impl From<crate::verify::Problem> for JsValue {
    fn from(p: crate::verify::Problem) -> JsValue {
        Error::new(p.code, p.message).into()
    }
}

/// Serializes a result as plain JS objects (maps as objects, `None` as `null`).
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    // Our result types hold only strings, numbers, booleans, lists and structs, which always serialize.
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

// A `JSON.stringify` replacer that keeps NaN and Infinity visible (JSON would make them null),
// as strings the core reports as "not a finite number". Written in JS rather than as a Rust
// closure: a closure handed to JS is freed by a finalizer that calls into whichever instance is
// current, and the package re-creates the instance after a trap.
#[wasm_bindgen(inline_js = "export function nonFiniteReplacer(mark) {
  return (key, value) => typeof value === 'number' && !Number.isFinite(value)
    ? mark + (Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity')
    : value;
}")]
extern "C" {
    #[wasm_bindgen(js_name = nonFiniteReplacer)]
    fn non_finite_replacer(mark: &str) -> js_sys::Function;
}

/// A JS string's length in UTF-16 units, read without copying it: every UTF-16 unit takes at
/// least one UTF-8 byte, so a string longer than `max` units is refused before it is copied.
fn fits(text: &js_sys::JsString, max: usize) -> bool {
    text.length() as usize <= max
}

/// Reads a JS argument as JSON: an object is stringified by JS's own `JSON.stringify`
/// (a JSON string is taken as it is), then parsed by the core with its limits.
fn json_arg(value: &JsValue, code: Code, what: &str) -> Result<serde_json::Value, Error> {
    let text = json_text(value, code, what)?;
    crate::input::parse_json(&String::from(text), code, what)
}

/// The JSON text `json_arg` reads of `value`: a string as it is, anything else as `JSON.stringify`
/// writes it (non-finite numbers marked), refused when it cannot be written or is too long.
fn json_text(value: &JsValue, code: Code, what: &str) -> Result<js_sys::JsString, Error> {
    if value.is_undefined() {
        return Err(Error::new(code, format!("The {what} is missing.")));
    }
    let text = match value.dyn_ref::<js_sys::JsString>() {
        Some(s) => s.clone(),
        None => JSON::stringify_with_replacer(
            value,
            &non_finite_replacer(crate::input::NON_FINITE_MARK),
        )
        .ok()
        .and_then(|s| s.dyn_into::<js_sys::JsString>().ok())
        .ok_or_else(|| {
            Error::new(
                code,
                format!("The {what} cannot be read as JSON (a function, a cycle or a BigInt?)."),
            )
        })?,
    };
    if !fits(&text, crate::input::MAX_JSON_BYTES) {
        return Err(Error::new(
            code,
            format!(
                "The {what} is more than {} bytes of JSON; the limit is {}.",
                crate::input::MAX_JSON_BYTES,
                crate::input::MAX_JSON_BYTES
            ),
        ));
    }
    Ok(text)
}

/// The contract's JSON text, as `evaluateContract` reads it (its first step, with the same
/// error): Node's workers and the calling thread are given this one text, so a contract object
/// (its getters, its `toJSON`) is read once, as one reader reads it.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = __contractText)]
pub fn contract_text(contract: &JsValue) -> Result<js_sys::JsString, JsValue> {
    Ok(json_text(contract, Code::InvalidContract, "contract")?)
}

/// A result with a number that is not finite is a bug: it is refused rather than shown.
fn finite<T: Serialize>(result: T) -> Result<T, Error> {
    match crate::finite::first_non_finite(&result) {
        None => Ok(result),
        Some(path) => Err(Error::new(
            Code::InternalError,
            format!("A result held a number that is not finite (at {path}); this is a bug, please report it with the input."),
        )),
    }
}

/// Runs a core function on a JSON argument and returns its result as a plain JS object.
fn call<T: Serialize>(
    arg: &JsValue,
    code: Code,
    what: &str,
    f: impl FnOnce(&serde_json::Value) -> Result<T, Error>,
) -> Result<JsValue, JsValue> {
    let result = f(&json_arg(arg, code, what)?)?;
    Ok(to_js(&finite(result)?))
}

/// WWC effect size (Hedges' g or the Cox index) with its interval, significance and improvement index.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = effectSize, unchecked_return_type = "EffectSizeResult")]
pub fn effect_size(
    #[wasm_bindgen(unchecked_param_type = "EffectSizeInput")] input: &JsValue,
) -> Result<JsValue, JsValue> {
    call(
        input,
        Code::InvalidInput,
        "effect-size input",
        crate::stats::effect_size_json,
    )
}

/// Minimum detectable effect size of an individual or cluster randomized design (PowerUp!).
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = minimumDetectableEffect, unchecked_return_type = "PowerResult")]
pub fn minimum_detectable_effect(
    #[wasm_bindgen(unchecked_param_type = "PowerInput")] input: &JsValue,
) -> Result<JsValue, JsValue> {
    call(
        input,
        Code::InvalidInput,
        "power input",
        crate::stats::minimum_detectable_effect_json,
    )
}

/// The optional policy argument: absent, `undefined` and `null` all mean the defaults.
fn policy_arg(policy: Option<JsValue>) -> Result<Option<serde_json::Value>, JsValue> {
    match policy {
        Some(p) if !p.is_undefined() && !p.is_null() => {
            Ok(Some(json_arg(&p, Code::InvalidPolicy, "vetting policy")?))
        }
        _ => Ok(None),
    }
}

/// Every problem in a product profile at once, each at its JS-style path. Never throws for a
/// bad profile (`{ valid: false, errors }`); a bad policy throws `invalidPolicy`.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = validateProfile, unchecked_return_type = "Validation")]
pub fn validate_profile(
    #[wasm_bindgen(unchecked_param_type = "ProductProfile | string")] profile: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "VettingPolicy | string | null")] policy: Option<
        JsValue,
    >,
) -> Result<JsValue, JsValue> {
    let policy = policy_arg(policy)?;
    let profile = json_arg(profile, Code::InvalidProfile, "product profile");
    let result = crate::vetting::validate_json(profile, policy.as_ref())?;
    Ok(to_js(&finite(result)?))
}

/// The red flags, further warnings, WWC study ratings and ESSA tier of a product profile.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = vetProduct, unchecked_return_type = "Vetting")]
pub fn vet_product(
    #[wasm_bindgen(unchecked_param_type = "ProductProfile | string")] profile: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "VettingPolicy | string | null")] policy: Option<
        JsValue,
    >,
) -> Result<JsValue, JsValue> {
    let policy = policy_arg(policy)?;
    call(profile, Code::InvalidProfile, "product profile", |v| {
        crate::vetting::vet_json(v, policy.as_ref())
    })
}

/// JSON Schema (2020-12) documents of the inputs, generated from the Rust types.
#[cfg(feature = "full")]
#[wasm_bindgen(unchecked_return_type = "Schemas")]
pub fn schemas() -> JsValue {
    // The text is our own committed JSON, so parsing cannot fail.
    JSON::parse(&crate::schemas_json()).unwrap_or(JsValue::NULL)
}

/// Evaluates an outcomes-based contract on a roster (CSV text or bytes), or on the district's
/// own files given apart (`{ usage, scores, students }`, joined under the contract's `intake`):
/// payment in cents, the statistics behind it, and the publishable outcomes report.
/// `options.onProgress(f)` is called with non-decreasing fractions, the last exactly 1.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = evaluateContract, unchecked_return_type = "Evaluation")]
pub fn evaluate_contract(
    #[wasm_bindgen(unchecked_param_type = "Contract | string")] contract: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer | DistrictFiles")]
    roster: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "EvaluateOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let contract = json_arg(contract, Code::InvalidContract, "contract")?;
    let files = district_files(roster)?;
    let options = evaluate_options(options.unwrap_or(JsValue::UNDEFINED), false)?;
    let mut progress = |fraction: f64| report_progress(options.on_progress.as_ref(), fraction);
    let evaluation = match &files {
        Some((usage, scores, students)) => {
            let sources = crate::intake::Sources {
                usage,
                scores,
                students: students.as_deref(),
            };
            crate::evaluate::evaluate_sources_json(&contract, &sources, &mut progress)
        }
        // One roster: read in pieces, so that wasm memory holds a piece and the students, never
        // the whole file. Text's progress is its share of UTF-16 units, told here (its UTF-8
        // length is known only as it is encoded).
        None => {
            let length = roster_length(roster)?;
            let text = roster.is_string();
            let size = (!text).then_some(length);
            let source = Source::default();
            let mut evaluator =
                crate::evaluate::Evaluator::hashed_by(&contract, size, roster_hash(&source))?;
            each_piece(roster, &source, &mut |piece, at| {
                evaluator.push(piece, &mut progress)?;
                if text && length > 0 {
                    progress(at as f64 / length as f64);
                }
                Ok(())
            })?;
            evaluator.finish(&mut progress)
        }
    };
    let mut result = finite(evaluation?)?;
    result.report.issued = options.issued;
    Ok(to_js(&result))
}

/// Where to cut a byte roster into up to `parts` parts for Node's workers (see
/// [`crate::roster::parts::cuts`]): the header line's end, then where parts 2, 3, ... start;
/// undefined when it is not cut (the header is not plain, or no line end is found near a share:
/// each is looked for within 64 KiB, not to copy the roster into wasm memory).
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = __rosterCuts)]
pub fn roster_cuts(roster: &js_sys::Uint8Array, parts: u32) -> Option<Vec<u32>> {
    use crate::roster::parts;
    const WINDOW: u32 = 1 << 16;
    let len = roster.length();
    let window = |from: u32| {
        roster
            .subarray(from, from.saturating_add(WINDOW).min(len))
            .to_vec()
    };
    let head = parts::header_end(&window(0))?;
    let line_end = |from: usize| {
        let from = u32::try_from(from).ok()?;
        memchr::memchr(b'\n', &window(from)).map(|i| from as usize + i)
    };
    let cuts = parts::cuts_by(
        len as usize,
        head,
        (parts as usize).min(parts::MAX_PARTS),
        line_end,
    );
    (!cuts.is_empty()).then(|| {
        std::iter::once(head)
            .chain(cuts)
            .map(|at| at as u32)
            .collect()
    })
}

/// A Node worker's share of `evaluateContract`: the part of a roster `part` (read behind `head`,
/// the file's lines up to its header's end) for `contract`, as bytes for the instance that joins
/// the parts ([`evaluate_roster_parts`]).
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = __readRosterPart)]
pub fn read_roster_part(
    contract: &JsValue,
    head: &[u8],
    part: &js_sys::Uint8Array,
) -> Result<Vec<u8>, JsValue> {
    let contract = json_arg(contract, Code::InvalidContract, "contract")?;
    let contract = crate::contract::Contract::from_json(&contract)?;
    let opts = crate::evaluate::read_options(&contract);
    let size = u64::from(part.length()) + head.len() as u64;
    let mut reader = crate::roster::parts::PartReader::new(head, opts, Some(size))?;
    each_piece(part.as_ref(), &Source::default(), &mut |piece, _| {
        reader.push(piece, &mut |_| {})
    })?;
    Ok(reader.finish()?.to_bytes())
}

/// `evaluateContract` of a byte roster read in `parts` parts at once, cut by [`roster_cuts`]:
/// this instance reads the first while Node's workers read the others; then `wait()` gives
/// theirs ([`read_roster_part`]'s bytes, in file order) or null, and the parts are joined and
/// evaluated. Undefined when they cannot be joined, or do not cover the roster's bytes exactly
/// (the roster must then be read whole, which says exactly what one reader says).
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = __evaluateRosterParts)]
pub fn evaluate_roster_parts(
    contract: &JsValue,
    roster: &js_sys::Uint8Array,
    parts: u32,
    wait: &js_sys::Function,
    options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    use crate::roster::parts::{Part, PartReader};
    let contract = json_arg(contract, Code::InvalidContract, "contract")?;
    let options = evaluate_options(options.unwrap_or(JsValue::UNDEFINED), false)?;
    let contract = crate::contract::Contract::from_json(&contract)?;
    let opts = crate::evaluate::read_options(&contract);
    let len = roster.length();
    // Cut here again, not taken from the caller: the spans each part is checked against are
    // this module's own.
    let Some(cuts) = roster_cuts(roster, parts) else {
        return Ok(JsValue::UNDEFINED);
    };
    // The parts' spans: the first from the file's start, each other after the header.
    let (head, starts) = (cuts[0], &cuts[1..]);
    let span = |k: usize| {
        let start = if k == 0 { 0 } else { starts[k - 1] };
        u64::from(starts.get(k).copied().unwrap_or(len) - start)
    };
    // Progress: the first part's share read, as a share of the whole roster.
    let mut progress = |fraction: f64| report_progress(options.on_progress.as_ref(), fraction);
    let scale = f64::from(starts[0]) / f64::from(len);
    let read_first = || -> Result<Part, Error> {
        let mut reader = PartReader::new(&[], opts.clone(), Some(span(0)))?;
        each_piece(
            &roster.subarray(0, starts[0]),
            &Source::default(),
            &mut |piece, _| reader.push(piece, &mut |f| progress(f * scale)),
        )?;
        reader.finish()
    };
    let mut read = vec![read_first()];
    // (Taken while the workers finish.)
    let digest = whole_digest(roster);
    let sent = wait
        .call0(&JsValue::NULL)
        .ok()
        .filter(js_sys::Array::is_array);
    let sent = sent
        .map(|s| js_sys::Array::from(&s))
        .filter(|s| s.length() as usize == starts.len());
    let Some(sent) = sent else {
        return Ok(JsValue::UNDEFINED);
    };
    let head_bytes = roster.subarray(0, head).to_vec();
    for (k, bytes) in sent.iter().enumerate() {
        let Some(bytes) = bytes.dyn_ref::<js_sys::Uint8Array>() else {
            return Ok(JsValue::UNDEFINED);
        };
        let part = Part::read_from(&head_bytes, JsBytes::new(bytes), opts.clone());
        if part.as_ref().is_ok_and(|p| p.read_bytes() != span(k + 1)) {
            return Ok(JsValue::UNDEFINED);
        }
        read.push(part);
    }
    let Some(read) = crate::roster::parts::join(read) else {
        return Ok(JsValue::UNDEFINED);
    };
    let evaluation = crate::evaluate::evaluate_read_roster(&contract, read, digest?, &mut progress);
    let mut result = finite(evaluation?)?;
    result.report.issued = options.issued;
    Ok(to_js(&result))
}

/// A JS array's bytes read in order into wasm memory a window at a time, never copied whole.
#[cfg(feature = "full")]
struct JsBytes {
    array: js_sys::Uint8Array,
    /// The array's next byte not yet in `window`.
    at: u32,
    window: Vec<u8>,
    /// The window's next byte not yet read.
    read: usize,
}

#[cfg(feature = "full")]
impl JsBytes {
    const WINDOW: u32 = 1 << 16;

    fn new(array: &js_sys::Uint8Array) -> Self {
        JsBytes {
            array: array.clone(),
            at: 0,
            window: Vec::new(),
            read: 0,
        }
    }

    /// Copies the array's next `into.len()` bytes (there are as many) into `into`.
    fn copy(&mut self, into: &mut [u8]) {
        let end = self.at + into.len() as u32;
        self.array.subarray(self.at, end).copy_to(into);
        self.at = end;
    }
}

#[cfg(feature = "full")]
impl crate::roster::parts::Source for JsBytes {
    fn left(&self) -> usize {
        (self.array.length() - self.at) as usize + self.window.len() - self.read
    }

    fn fill(&mut self, into: &mut [u8]) -> bool {
        if into.len() > self.left() {
            return false;
        }
        let buffered = into.len().min(self.window.len() - self.read);
        into[..buffered].copy_from_slice(&self.window[self.read..self.read + buffered]);
        self.read += buffered;
        let rest = &mut into[buffered..];
        if rest.len() >= Self::WINDOW as usize {
            self.copy(rest);
        } else if !rest.is_empty() {
            let mut window = std::mem::take(&mut self.window);
            window.resize(Self::WINDOW.min(self.array.length() - self.at) as usize, 0);
            self.copy(&mut window);
            rest.copy_from_slice(&window[..rest.len()]);
            (self.window, self.read) = (window, rest.len());
        }
        true
    }
}

/// The SHA-256 of a whole byte roster, by Node's hash when it lends one (it reads the JS array
/// where it is), else in wasm a piece at a time.
#[cfg(feature = "full")]
fn whole_digest(roster: &js_sys::Uint8Array) -> Result<[u8; 32], Error> {
    let source = Source::default();
    let mut hash = roster_hash(&source);
    each_piece(roster, &source, &mut |piece, _| {
        hash.update(piece);
        Ok(())
    })?;
    hash.finish()
}

/// The roster's SHA-256 taken natively where the platform has a synchronous, incremental one
/// (Node's `crypto`, several times faster than SHA-256 in wasm), else in wasm. Either hashes
/// exactly the bytes the reader reads, as they are read; Node's reads a piece from `source`
/// when the piece was copied from there.
#[cfg(feature = "full")]
fn roster_hash(source: &Source) -> Box<dyn crate::roster::RosterHash> {
    match NodeSha256::new(source) {
        Some(node) => Box::new(node),
        None => Box::new(sha2::Sha256::default()),
    }
}

/// The JS array a piece of a byte roster was copied from, while that piece is pushed: Node's
/// hash reads the piece there, rather than from another copy out of wasm memory.
type Source = std::rc::Rc<std::cell::RefCell<Option<js_sys::Uint8Array>>>;

/// A `crypto.createHash("sha256")` of Node's (from `process.getBuiltinModule`, Node 20.16 and
/// later), and whether every call to it succeeded.
#[cfg(feature = "full")]
struct NodeSha256 {
    hash: JsValue,
    update: js_sys::Function,
    digest: js_sys::Function,
    failed: bool,
    source: Source,
}

#[cfg(feature = "full")]
impl NodeSha256 {
    /// Node's hash, if the platform lends one that gives SHA-256's known answer for "abc"
    /// (FIPS 180-2, appendix B.1) by the very calls used on the roster: anything else (another
    /// realm's objects, a mock) is left for the wasm's own.
    fn new(source: &Source) -> Option<NodeSha256> {
        let method = |object: &JsValue, name: &str| {
            Reflect::get(object, &name.into())
                .ok()?
                .dyn_into::<js_sys::Function>()
                .ok()
        };
        let process = Reflect::get(&js_sys::global(), &"process".into()).ok()?;
        let crypto = method(&process, "getBuiltinModule")?
            .call1(&process, &"node:crypto".into())
            .ok()?;
        let create_hash = method(&crypto, "createHash")?;
        let open = || -> Option<NodeSha256> {
            let hash = create_hash.call1(&crypto, &"sha256".into()).ok()?;
            Some(NodeSha256 {
                update: method(&hash, "update")?,
                digest: method(&hash, "digest")?,
                hash,
                failed: false,
                source: Source::clone(source),
            })
        };
        let mut probe = Box::new(open()?);
        crate::roster::RosterHash::update(probe.as_mut(), b"abc");
        let abc = crate::roster::RosterHash::finish(probe).ok()?;
        let known = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        (crate::report::digest_text(&abc) == known)
            .then(open)
            .flatten()
    }
}

#[cfg(feature = "full")]
impl crate::roster::RosterHash for NodeSha256 {
    fn update(&mut self, bytes: &[u8]) {
        // The piece's own JS array when `bytes` were copied from it (the same length: the
        // reader hashes each piece pushed, whole), else a copy of `bytes`.
        let array = match self.source.borrow_mut().take() {
            Some(piece) if piece.length() as usize == bytes.len() => piece,
            _ => js_sys::Uint8Array::from(bytes),
        };
        self.failed |= self.update.call1(&self.hash, &array).is_err();
    }

    /// The digest, asked for as hex text (a string is a string in every realm).
    fn finish(self: Box<Self>) -> Result<[u8; 32], Error> {
        let text = (self.digest.call1(&self.hash, &"hex".into()).ok())
            .and_then(|d| d.as_string())
            .filter(|_| !self.failed);
        let mut digest = [0u8; 32];
        let read = (text.filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())))
            .is_some_and(|t| {
                digest.iter_mut().enumerate().all(|(i, byte)| {
                    let pair = t.get(2 * i..2 * i + 2).unwrap_or("");
                    u8::from_str_radix(pair, 16).map(|b| *byte = b).is_ok()
                })
            });
        match read {
            true => Ok(digest),
            false => Err(Error::new(
                Code::InternalError,
                "The roster's digest could not be taken by Node's crypto module; this is a bug, please report it with your Node version.",
            )),
        }
    }
}

/// Calls a page's progress callback; a failing one must not stop the evaluation.
fn report_progress(on_progress: Option<&js_sys::Function>, fraction: f64) {
    if let Some(f) = on_progress {
        let _ = f.call1(&JsValue::NULL, &fraction.into());
    }
}

/// The bytes of one roster piece a time copied into wasm memory.
const PIECE: u32 = 1 << 20;

/// A roster's length in bytes, or in UTF-16 units for a string (its UTF-8 length is known only
/// as it is encoded): what progress is a share of.
fn roster_length(roster: &JsValue) -> Result<u64, Error> {
    if let Some(text) = roster.dyn_ref::<js_sys::JsString>() {
        Ok(u64::from(text.length()))
    } else if let Some(bytes) = roster.dyn_ref::<js_sys::Uint8Array>() {
        Ok(u64::from(bytes.length()))
    } else if let Some(buffer) = roster.dyn_ref::<js_sys::ArrayBuffer>() {
        Ok(u64::from(buffer.byte_length()))
    } else {
        Err(Error::new(
            Code::InvalidRoster,
            "The roster must be CSV text (a string) or its bytes (a Uint8Array or an ArrayBuffer).",
        ))
    }
}

/// What takes a roster's pieces: the piece, and the position reached.
type PieceReader<'a> = dyn FnMut(&[u8], u32) -> Result<(), Error> + 'a;

/// Hands `roster` (a string, as UTF-8, or bytes) to `f` a piece at a time, with the position
/// reached (in UTF-16 units for a string, bytes otherwise). A string is cut between UTF-16 units
/// that are not the two halves of one character. A piece of bytes is in `source` while `f`
/// reads its copy.
fn each_piece(roster: &JsValue, source: &Source, f: &mut PieceReader) -> Result<(), Error> {
    if let Some(text) = roster.dyn_ref::<js_sys::JsString>() {
        let (len, mut at) = (text.length(), 0);
        while at < len {
            let mut end = at.saturating_add(PIECE).min(len);
            // Not between a high surrogate (0xD800 to 0xDBFF) and the low one after it.
            if end < len && (55296.0..56320.0).contains(&text.char_code_at(end - 1)) {
                end -= 1;
            }
            f(String::from(text.slice(at, end)).as_bytes(), end)?;
            at = end;
        }
        return Ok(());
    }
    let bytes = match roster.dyn_ref::<js_sys::ArrayBuffer>() {
        Some(buffer) => js_sys::Uint8Array::new(buffer),
        None => roster.clone().unchecked_into::<js_sys::Uint8Array>(),
    };
    let (len, mut at) = (bytes.length(), 0);
    while at < len {
        let end = at.saturating_add(PIECE).min(len);
        let piece = bytes.subarray(at, end);
        let copy = piece.to_vec();
        *source.borrow_mut() = Some(piece);
        let read = f(&copy, end);
        source.borrow_mut().take();
        read?;
        at = end;
    }
    Ok(())
}

/// `createEvaluator(contract, options)`'s evaluator: a roster pushed piece by piece as it
/// arrives (a file's stream), then evaluated, as `evaluateContract` would evaluate the whole.
/// Wasm memory holds a piece and the students read, never the whole file.
#[cfg(feature = "full")]
#[wasm_bindgen]
pub struct RosterEvaluator {
    inner: Option<crate::evaluate::Evaluator>,
    options: EvaluateOptions,
    /// A text piece's last UTF-16 unit when it is the first half of a character: joined to the
    /// next text piece (as TextEncoder would encode the text whole), else written as U+FFFD.
    pending_high: Option<u16>,
    /// The piece of bytes being pushed (see [`Source`]).
    source: Source,
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl RosterEvaluator {
    /// An evaluator of `contract`; `options` as `evaluateContract`'s, with `size`, the roster's
    /// bytes when known (for `onProgress`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Contract | string")] contract: &JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "EvaluatorOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<RosterEvaluator, JsValue> {
        let contract = json_arg(contract, Code::InvalidContract, "contract")?;
        let options = evaluate_options(options.unwrap_or(JsValue::UNDEFINED), true)?;
        let source = Source::default();
        let inner =
            crate::evaluate::Evaluator::hashed_by(&contract, options.size, roster_hash(&source))?;
        Ok(RosterEvaluator {
            inner: Some(inner),
            options,
            pending_high: None,
            source,
        })
    }

    /// Reads the roster's next bytes (a `Uint8Array` or `ArrayBuffer`, or text). A structural
    /// problem (a missing column, too many students) throws here, and again on every call after.
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] chunk: &JsValue,
    ) -> Result<(), JsValue> {
        let Some(inner) = self.inner.as_mut() else {
            return Err(finished().into());
        };
        roster_length(chunk)?;
        let on_progress = self.options.on_progress.as_ref();
        let mut progress = |fraction: f64| report_progress(on_progress, fraction);
        let mut push = |piece: &[u8], _: u32| inner.push(piece, &mut progress);
        let Some(text) = chunk.dyn_ref::<js_sys::JsString>() else {
            if self.pending_high.take().is_some() {
                push(LONE_SURROGATE, 0)?;
            }
            return Ok(each_piece(chunk, &self.source, &mut push)?);
        };
        let mut text = text.clone();
        if let Some(high) = self.pending_high.take() {
            text = js_sys::JsString::from_char_code1(high.into()).concat(&text);
        }
        let len = text.length();
        let last = if len > 0 {
            text.char_code_at(len - 1)
        } else {
            0.0
        };
        if (55296.0..56320.0).contains(&last) {
            self.pending_high = Some(last as u16);
            text = text.slice(0, len - 1);
        }
        Ok(each_piece(&text, &self.source, &mut push)?)
    }

    /// The roster's end: the evaluation, as `evaluateContract` returns it. The evaluator is
    /// then spent.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let Some(mut inner) = self.inner.take() else {
            return Err(finished().into());
        };
        let on_progress = self.options.on_progress.clone();
        let mut progress = |fraction: f64| report_progress(on_progress.as_ref(), fraction);
        if self.pending_high.take().is_some() {
            inner.push(LONE_SURROGATE, &mut progress)?;
        }
        let mut result = finite(inner.finish(&mut progress)?)?;
        result.report.issued = self.options.issued.clone();
        Ok(to_js(&result))
    }
}

/// A lone half of a character, as TextEncoder writes it: U+FFFD.
#[cfg(feature = "full")]
const LONE_SURROGATE: &[u8] = "\u{FFFD}".as_bytes();

#[cfg(feature = "full")]
fn finished() -> Error {
    Error::new(
        Code::InvalidInput,
        "This evaluator has finished: create another for the next roster.",
    )
}

/// `evaluateContract`'s and `createEvaluator`'s options.
struct EvaluateOptions {
    issued: Option<String>,
    on_progress: Option<js_sys::Function>,
    /// The roster's bytes, when the caller knows them (`createEvaluator` only).
    size: Option<u64>,
}

/// Most threads `evaluateContract` may read a roster on: a part each (the roster's `MAX_PARTS`).
const MAX_THREADS: u32 = 64;
#[cfg(feature = "full")]
const _: () = assert!(MAX_THREADS as usize == crate::roster::parts::MAX_PARTS);

/// The options: the issue date, the progress callback, and the roster's size (`with_size`, for
/// `createEvaluator`) or the threads that may read it (for `evaluateContract`, whose entry point
/// reads them). Absent, undefined and null mean none; an unknown name (`onProgres`) or a value of
/// the wrong kind is refused, never ignored.
fn evaluate_options(options: JsValue, with_size: bool) -> Result<EvaluateOptions, Error> {
    let known: &[&str] = if with_size {
        &["onProgress", "issued", "size"]
    } else {
        &["onProgress", "issued", "threads"]
    };
    let problem = |path: &str, code: Code, message: String| {
        Error::fields(
            Code::InvalidOptions,
            "options object",
            vec![crate::error::FieldError {
                path: path.into(),
                code,
                message,
            }],
        )
    };
    if options.is_undefined() || options.is_null() {
        return Ok(EvaluateOptions {
            issued: None,
            on_progress: None,
            size: None,
        });
    }
    if !options.is_object() || js_sys::Array::is_array(&options) || options.is_function() {
        return Err(problem(
            "",
            Code::WrongType,
            "Expected the options as an object, such as { onProgress, issued }.".into(),
        ));
    }
    for key in js_sys::Object::keys(options.unchecked_ref::<js_sys::Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            let shown: String = key.chars().take(64).collect();
            return Err(problem(
                &shown,
                Code::UnknownField,
                format!(
                    "\"{shown}\" is not an option: the options are {} and {}.",
                    known[..known.len() - 1].join(", "),
                    known[known.len() - 1]
                ),
            ));
        }
    }
    let issued = match string_prop(&options, "issued") {
        Ok(None) => None,
        Ok(Some(d)) if crate::verify::keylist::Date::parse(&d).is_some() => Some(d),
        _ => {
            return Err(problem(
                "issued",
                Code::InvalidDate,
                "Expected the issue date written YYYY-MM-DD (a real day).".into(),
            ))
        }
    };
    let on_progress = Reflect::get(&options, &"onProgress".into()).unwrap_or(JsValue::UNDEFINED);
    let on_progress = if on_progress.is_undefined() || on_progress.is_null() {
        None
    } else {
        Some(on_progress.dyn_into::<js_sys::Function>().map_err(|_| {
            problem(
                "onProgress",
                Code::WrongType,
                "Expected onProgress to be a function, called with the fraction done.".into(),
            )
        })?)
    };
    let size = Reflect::get(&options, &"size".into()).unwrap_or(JsValue::UNDEFINED);
    let size = match size.as_f64() {
        _ if size.is_undefined() || size.is_null() => None,
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Some(n as u64),
        _ => {
            return Err(problem(
                "size",
                Code::WrongType,
                "Expected size to be the roster's length in bytes, a whole number.".into(),
            ))
        }
    };
    // (Read by the package's entry point, which shares the reading among Node's workers.)
    let threads = Reflect::get(&options, &"threads".into()).unwrap_or(JsValue::UNDEFINED);
    match threads.as_f64() {
        _ if threads.is_undefined() => {}
        Some(n) if (1.0..=f64::from(MAX_THREADS)).contains(&n) && n.fract() == 0.0 => {}
        _ => {
            return Err(problem(
                "threads",
                Code::WrongType,
                format!(
                    "Expected threads to be how many threads may read the roster, a whole number from 1 to {MAX_THREADS}."
                ),
            ))
        }
    }
    Ok(EvaluateOptions {
        issued,
        on_progress,
        size,
    })
}

/// The roster as bytes: a `Uint8Array` or `ArrayBuffer` as it is, a string as UTF-8. An
/// oversized roster is refused before it is copied into wasm memory.
/// The district's files given apart: usage, scores and the optional student file.
type DistrictFiles = (Vec<u8>, Vec<u8>, Option<Vec<u8>>);

/// The district's files given apart, `{ usage, scores, students }` (each as a roster is given;
/// `students` optional), or `None` for one roster. Any other key is refused.
fn district_files(v: &JsValue) -> Result<Option<DistrictFiles>, Error> {
    let plain = v.is_object()
        && !js_sys::Array::is_array(v)
        && !v.is_function()
        && v.dyn_ref::<js_sys::Uint8Array>().is_none()
        && v.dyn_ref::<js_sys::ArrayBuffer>().is_none();
    if !plain {
        return Ok(None);
    }
    const KNOWN: [&str; 3] = ["usage", "scores", "students"];
    for key in js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !KNOWN.contains(&key.as_str()) {
            let shown: String = key.chars().take(64).collect();
            return Err(Error::new(
                Code::InvalidInput,
                format!("\"{shown}\" is not one of the district's files: give usage, scores and (optionally) students."),
            ));
        }
    }
    let mut files: [Option<Vec<u8>>; 3] = [None, None, None];
    for (slot, key) in files.iter_mut().zip(KNOWN) {
        let value = js_sys::Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED);
        if value.is_undefined() || value.is_null() {
            if key != "students" {
                return Err(Error::new(
                    Code::InvalidInput,
                    format!("The district's files need \"{key}\": the {key} export, as CSV text or bytes."),
                ));
            }
            continue;
        }
        *slot = Some(roster_bytes(&value)?);
    }
    match files {
        [Some(usage), Some(scores), students] => Ok(Some((usage, scores, students))),
        _ => Err(Error::new(
            Code::InvalidInput,
            "The district's files need usage and scores.",
        )),
    }
}

fn roster_bytes(roster: &JsValue) -> Result<Vec<u8>, Error> {
    let max = crate::roster::MAX_ROSTER_BYTES;
    if let Some(text) = roster.dyn_ref::<js_sys::JsString>() {
        if !fits(text, max) {
            return Err(crate::roster::too_large(text.length() as usize));
        }
        return Ok(String::from(text).into_bytes());
    }
    let bytes = if let Some(bytes) = roster.dyn_ref::<js_sys::Uint8Array>() {
        bytes.clone()
    } else if let Some(buffer) = roster.dyn_ref::<js_sys::ArrayBuffer>() {
        js_sys::Uint8Array::new(buffer)
    } else {
        return Err(Error::new(
            Code::InvalidRoster,
            "The roster must be CSV text (a string) or its bytes (a Uint8Array or an ArrayBuffer).",
        ));
    };
    if bytes.length() as usize > max {
        return Err(crate::roster::too_large(bytes.length() as usize));
    }
    Ok(bytes.to_vec())
}

/// Bytes of a document: a `Uint8Array` or `ArrayBuffer` as it is, a string as UTF-8, anything
/// else `None`. Signed documents are small, so no size check comes before the copy.
fn document_bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(text) = value.as_string() {
        Some(text.into_bytes())
    } else if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        Some(bytes.to_vec())
    } else {
        value
            .dyn_ref::<js_sys::ArrayBuffer>()
            .map(|b| js_sys::Uint8Array::new(b).to_vec())
    }
}

/// A string or byte array longer than `max`, measured without copying it.
fn too_big(v: &JsValue, max: usize) -> bool {
    v.dyn_ref::<js_sys::JsString>()
        .is_some_and(|s| !fits(s, max))
        || v.dyn_ref::<js_sys::Uint8Array>()
            .is_some_and(|b| b.length() as usize > max)
        || v.dyn_ref::<js_sys::ArrayBuffer>()
            .is_some_and(|b| b.byte_length() as usize > max)
}

/// A string property of an options object; absent, undefined and null are `None`.
fn string_prop(object: &JsValue, key: &str) -> Result<Option<String>, String> {
    if !object.is_object() {
        return Ok(None);
    }
    let value = Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if too_big(&value, crate::input::MAX_TEXT_BYTES) {
        return Err(format!(
            "{key} is longer than {} bytes.",
            crate::input::MAX_TEXT_BYTES
        ));
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| format!("{key} must be a string."))
}

/// Verifies a signed outcomes report. Never throws for a bad or hostile input: the answer is
/// `{ valid: true, trust, keyId, trustedComment, evaluator?, report }` or
/// `{ valid: false, error: { code, message } }`.
///
/// `trust` is either `{ evaluator: "https://origin", keyList }` (the key list as fetched from
/// that origin's `/.well-known/evidence-check.json`, text or bytes) or public keys given
/// inline (a string or a list of strings: then the signer's identity is not checked).
/// `expect` names the subject (`product`, required with an evaluator; `vendor`, `period`,
/// `contractId`) and `today` (`YYYY-MM-DD`).
#[wasm_bindgen(js_name = verifyReport, unchecked_return_type = "Verification")]
pub fn verify_report(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] report: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] signature: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "EvaluatorTrust | string | string[]")] trust: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "VerifyExpect")] expect: Option<JsValue>,
) -> JsValue {
    use crate::verify::{self, False, Trust, Verification};
    let checked = || -> Result<Verification, Problem> {
        // Sizes are checked before anything is copied into wasm memory.
        let (bytes, signature) = signed_document(report, signature)?;
        let expect = read_expect(&expect.unwrap_or(JsValue::UNDEFINED))?;
        let is_evaluator = trust.is_object()
            && !js_sys::Array::is_array(trust)
            && !trust.is_instance_of::<js_sys::Uint8Array>();
        Ok(if is_evaluator {
            let (origin, list) = evaluator_trust(trust)?;
            let trust = Trust::Evaluator {
                origin: &origin,
                key_list: &list,
            };
            verify::verify_report(&bytes, &signature, trust, &expect)
        } else {
            let keys = inline_keys(trust)?;
            verify::verify_report(&bytes, &signature, Trust::Inline(&keys), &expect)
        })
    };
    match checked() {
        Ok(verification) => to_js(&verification),
        Err(error) => to_js(&Verification::Invalid {
            valid: False,
            error,
        }),
    }
}

/// The report's bytes and the signature's text, refused when too large or of the wrong type.
fn signed_document(report: &JsValue, signature: &JsValue) -> Result<(Vec<u8>, String), Problem> {
    if too_big(report, crate::input::MAX_JSON_BYTES) {
        return Err(problem(
            Code::MalformedReport,
            "The report is larger than an outcomes report can be (1 MB).",
        ));
    }
    let bytes = document_bytes(report).ok_or_else(|| {
        problem(
            Code::MalformedReport,
            "The report must be the signed file's text or bytes.",
        )
    })?;
    if too_big(signature, crate::verify::MAX_SIGNATURE_BYTES) {
        return Err(problem(
            Code::MalformedSignature,
            "The signature is far longer than a minisign one.",
        ));
    }
    let signature = signature.as_string().ok_or_else(|| {
        problem(
            Code::MalformedSignature,
            "The signature must be the text of a .minisig file.",
        )
    })?;
    Ok((bytes, signature))
}

/// What the page says the report is about (`VerifyExpect`).
fn read_expect(expect: &JsValue) -> Result<crate::verify::Expect, Problem> {
    let read = || -> Result<crate::verify::Expect, String> {
        Ok(crate::verify::Expect {
            product: string_prop(expect, "product")?,
            vendor: string_prop(expect, "vendor")?,
            period: string_prop(expect, "period")?,
            contract_id: string_prop(expect, "contractId")?,
            today: string_prop(expect, "today")?,
            page_origin: string_prop(expect, "pageOrigin")?,
        })
    };
    read().map_err(|m| {
        problem(
            Code::InvalidExpect,
            format!("The expected subject is not valid: {m}"),
        )
    })
}

/// An evaluator's origin and the bytes of its key list (`EvaluatorTrust`).
fn evaluator_trust(trust: &JsValue) -> Result<(String, Vec<u8>), Problem> {
    let Ok(Some(origin)) = string_prop(trust, "evaluator") else {
        return Err(problem(
            Code::InvalidEvaluator,
            "trust.evaluator must be the evaluator's origin, such as \"https://tea.example.gov\".",
        ));
    };
    let list = Reflect::get(trust, &"keyList".into()).unwrap_or(JsValue::UNDEFINED);
    if too_big(&list, crate::input::MAX_JSON_BYTES) {
        return Err(problem(
            Code::MalformedKeyList,
            "The key list is larger than a key list can be (1 MB).",
        ));
    }
    let list = document_bytes(&list).ok_or_else(|| {
        problem(
            Code::MalformedKeyList,
            "trust.keyList must be the text or bytes of the evaluator's key list.",
        )
    })?;
    Ok((origin, list))
}

/// Keys given by the page: one string or a list of them, in all far shorter than a list of
/// minisign keys could be, checked before each is copied.
fn inline_keys(trust: &JsValue) -> Result<Vec<String>, Problem> {
    use crate::verify::{MAX_KEYS, MAX_SIGNATURE_BYTES};
    let list: Vec<JsValue> = if js_sys::Array::is_array(trust) {
        js_sys::Array::from(trust).iter().collect()
    } else if trust.is_string() {
        vec![trust.clone()]
    } else {
        Vec::new()
    };
    let mut room = MAX_SIGNATURE_BYTES * 4;
    let mut keys = Vec::with_capacity(list.len().min(MAX_KEYS + 1));
    for k in &list {
        let Some(text) = k.dyn_ref::<js_sys::JsString>() else {
            return Err(problem(
                Code::MalformedKey,
                "Trusted keys must be strings (minisign public keys in base64).",
            ));
        };
        if !fits(text, room) {
            return Err(problem(
                Code::MalformedKey,
                "The trusted keys are far longer than a list of minisign keys.",
            ));
        }
        room -= text.length() as usize;
        keys.push(String::from(text));
    }
    Ok(keys)
}

/// Reads an evaluator origin: `{ origin, host, keyListUrl, local }`, or throws
/// `invalidEvaluator` for anything but a bare https origin (http only for localhost and
/// 127.0.0.1, and those only when `pageOrigin`, if given, is local too).
#[wasm_bindgen(js_name = evaluatorOrigin, unchecked_return_type = "EvaluatorOrigin")]
pub fn evaluator_origin(
    #[wasm_bindgen(unchecked_param_type = "string")] origin: &JsValue,
    #[wasm_bindgen(js_name = pageOrigin, unchecked_optional_param_type = "string")]
    page_origin: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let page_origin = page_origin
        .filter(|p| !too_big(p, crate::input::MAX_TEXT_BYTES))
        .and_then(|p| p.as_string());
    let text = (!too_big(origin, crate::input::MAX_TEXT_BYTES))
        .then(|| origin.as_string())
        .flatten()
        .ok_or_else(|| {
            JsValue::from(crate::verify::Problem {
                code: Code::InvalidEvaluator,
                message:
                    "The evaluator origin must be a string such as \"https://tea.example.gov\"."
                        .into(),
            })
        })?;
    let origin = crate::verify::keylist::parse_evaluator(&text, page_origin.as_deref())?;
    Ok(to_js(&origin))
}

/// A document's bytes (text or bytes, at most 1 MB, checked before copying), or `code`.
fn document_arg(value: &JsValue, code: Code, message: &str) -> Result<Vec<u8>, Problem> {
    (!too_big(value, crate::input::MAX_JSON_BYTES))
        .then(|| document_bytes(value))
        .flatten()
        .ok_or_else(|| problem(code, message))
}

/// Reads an evaluator's key list strictly (`evidence-check/keys@1`), or throws with its code
/// (`malformedKeyList`, `duplicateKey`, `trailingData`, `notUtf8`).
#[wasm_bindgen(js_name = readKeyList, unchecked_return_type = "KeyList")]
pub fn read_key_list(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] list: &JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = document_arg(
        list,
        Code::MalformedKeyList,
        "The key list must be text or bytes, at most 1 MB.",
    )?;
    let list = crate::verify::keylist::parse_key_list(&bytes, "this file")?;
    Ok(to_js(&list))
}

/// Reads an outcomes report as a signer must before signing it: strict JSON (no repeated key,
/// nothing after the value, UTF-8), the report schema, a valid `issued` date if any. Returns
/// the report or throws with its code (`duplicateKey`, `trailingData`, `notUtf8`,
/// `malformedReport`, `notAReport`, `invalidIssuedDate`).
#[wasm_bindgen(js_name = readReport, unchecked_return_type = "OutcomesReport")]
pub fn read_report(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] report: &JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = document_arg(
        report,
        Code::MalformedReport,
        "The report must be text or bytes, at most 1 MB.",
    )?;
    let report = crate::verify::read_report(&bytes)?;
    Ok(to_js(&report))
}
