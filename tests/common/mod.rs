//! Helpers shared by the integration tests: where the shared corpus and schemas are, and the
//! SARIF schema validator.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `../shared` (or `$PGGUARD_SHARED`, or `/work/shared`): the corpus and the SARIF schema.
pub fn shared_dir() -> PathBuf {
    let candidates = [
        std::env::var_os("PGGUARD_SHARED").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")),
        Some(PathBuf::from("/work/shared")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|dir| dir.join("schemas/sarif-schema-2.1.0.json").is_file())
        .expect("shared folder not found: set PGGUARD_SHARED to the folder holding schemas/ and corpus/")
}

pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("PGGUARD_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => shared_dir().join("corpus"),
    }
}

/// Validates a SARIF log against the 2.1.0 schema (draft-04); returns the errors.
pub fn sarif_errors(log: &serde_json::Value) -> Vec<String> {
    let path = shared_dir().join("schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("schema readable")).expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    validator.iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}
