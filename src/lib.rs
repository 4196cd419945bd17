//! evidence-check: the evidence checks a school district applies before buying education
//! technology, and the growth-to-payment arithmetic of an outcomes-based contract.
//!
//! The crate is a pure-Rust core, one module per step of the data flow, and one binding
//! module (`wasm`, compiled for `wasm32` only) that alone converts JS values. The modules
//! are private; what other crates use is re-exported below:
//!
//! - `input`: reading camelCase JSON while collecting every problem at its path;
//! - `error`: errors as values (a typed [`Code`], a sentence, a path or line);
//! - `stats`: WWC effect sizes, significance, power, attrition and baseline equivalence;
//! - `profile`: the product profile and vetting policy, their readers and JSON Schemas;
//! - `vetting`: profile -> checks -> verdict, WWC ratings and the ESSA tier;
//! - `contract`: the outcomes-based contract and its reader;
//! - `roster`: roster bytes -> columns, every bad row with its line;
//! - `growth`: the contract's metric per student;
//! - `steps`: the steps a metric takes on the scores' scale, which a reader may know;
//! - `payment`: growth -> cents;
//! - `report`: the figures of the publishable outcomes report;
//! - `publish` and `disclosure`: what the report may publish, audited against an attacker;
//! - `evaluate`: contract + roster -> payment, statistics and report, in one pass;
//! - `finite`: no number that is not finite leaves the module;
//! - `strict_json`: JSON for signed documents (no repeated key, nothing after the value);
//! - `verify`: signed reports checked against an evaluator's published keys and their subject.

#![warn(missing_docs)]

mod contract;
mod cost;
mod disclosure;
mod dosage;
mod error;
mod evaluate;
mod finite;
mod growth;
mod input;
mod intake;
mod payment;
mod per_hour;
mod profile;
mod publish;
mod report;
mod roster;
mod stats;
mod steps;
mod strict_json;
mod verify;
mod vetting;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Code, Details, Error, FieldError, RowError};
#[cfg(not(target_arch = "wasm32"))]
pub use evaluate::evaluate_json_on_threads;
pub use evaluate::{evaluate_json, evaluate_sources_json, Evaluation, Evaluator};
pub use finite::first_non_finite;
pub use input::parse_json;
pub use intake::{Matches, Sources};
pub use profile::{Policy, SiteUnit, StateCode};
pub use report::{Cell, OutcomesReport};
pub use roster::MAX_ROSTER_BYTES;
pub use stats::{
    effect_size, effect_size_json, minimum_detectable_effect_json, Boundary, Clusters, EffectInput,
    EffectResult, Group,
};
pub use strict_json::{parse as parse_strict_json, StrictError};
pub use verify::keylist::{parse_evaluator, parse_key_list};
pub use verify::{verify, verify_report, Expect, Trust, Verification};
pub use vetting::{validate_json, vet_json, Vetting};

/// The crate version, as in Cargo.toml; stamped into every outcomes report.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// JSON Schema (2020-12) documents for the inputs, as one JSON object `{ productProfile, policy, contract }`.
///
/// The documents are generated from the Rust types by `schemars` and committed under
/// `schemas/` (a host test fails when they are stale; `UPDATE_SCHEMAS=1 cargo test` rewrites
/// them), so the wasm carries their text and none of the generator.
pub fn schemas_json() -> String {
    format!(
        r#"{{"productProfile":{},"policy":{},"contract":{}}}"#,
        include_str!("../schemas/product-profile.schema.json"),
        include_str!("../schemas/policy.schema.json"),
        include_str!("../schemas/contract.schema.json"),
    )
}

#[cfg(test)]
mod schema_tests {
    /// Each committed schema equals the one generated from the types now.
    #[test]
    fn committed_schemas_are_current() {
        let generated = [
            ("product-profile", crate::profile::profile_schema()),
            ("policy", crate::profile::policy_schema()),
            ("contract", crate::contract::contract_schema()),
        ];
        for (name, schema) in generated {
            let path = format!("{}/schemas/{name}.schema.json", env!("CARGO_MANIFEST_DIR"));
            let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
            if std::env::var_os("UPDATE_SCHEMAS").is_some() {
                std::fs::write(&path, &text).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == text,
                "{path} is stale: run UPDATE_SCHEMAS=1 cargo test"
            );
        }
        let all: serde_json::Value = serde_json::from_str(&super::schemas_json()).unwrap();
        assert_eq!(
            all["policy"]["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
}
