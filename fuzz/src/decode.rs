//! `decode <target> <file or directory>...`: writes one JSON line per input to stdout, with the
//! case the target `evaluate` or `vet` builds from it and the native result (or error), so that
//! `scripts/replay-corpus.mjs` can run the same cases through the wasm build and compare.
use base64::Engine;
use serde_json::{json, Value};
use std::path::Path;

fn files(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}

fn outcome<T: serde::Serialize>(r: Result<T, evidence_check::Error>) -> Value {
    match r {
        Ok(v) => json!({ "ok": serde_json::to_value(&v).unwrap_or(Value::Null) }),
        Err(e) => json!({ "error": { "code": e.code, "message": e.message } }),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((target, paths)) = args.split_first() else {
        eprintln!("usage: decode evaluate|vet <file or directory>...");
        std::process::exit(2);
    };
    let mut inputs = Vec::new();
    for p in paths {
        files(Path::new(p), &mut inputs);
    }
    for path in inputs {
        let Ok(data) = std::fs::read(&path) else {
            continue;
        };
        let line = match target.as_str() {
            "evaluate" => {
                let case = evidence_check_fuzz::evaluate_case(&data);
                let native = outcome(evidence_check::evaluate_json(
                    &case.contract,
                    &case.roster,
                    &mut |_| {},
                ));
                json!({ "file": path, "contract": case.contract,
                        "roster": base64::engine::general_purpose::STANDARD.encode(&case.roster), "native": native })
            }
            "vet" => {
                let case = evidence_check_fuzz::vet_case(&data);
                let native = outcome(evidence_check::vet_json(
                    &case.profile,
                    case.policy.as_ref(),
                ));
                json!({ "file": path, "profile": case.profile, "policy": case.policy, "native": native })
            }
            other => {
                eprintln!("decode: unknown target {other}");
                std::process::exit(2);
            }
        };
        println!("{line}");
    }
}
