//! What the fuzz targets share: a scratch folder per process where the input becomes files,
//! scanned through the library exactly as `pgguard scan` does (parse, evaluate, rules), and
//! the grammar-aware Bicep generator (`grammar`).

pub mod grammar;

use std::path::PathBuf;
use std::sync::OnceLock;

/// A PostgreSQL flexible server template with parameters of every kind, for the parameter-file
/// targets: the fuzzed parameters meet a template that uses them.
pub const BICEP_TEMPLATE: &str = include_str!("../templates/main.bicep");
pub const ARM_TEMPLATE: &str = include_str!("../templates/azuredeploy.json");

/// This process's scratch folder (fuzzers run one process per job, so no two share it).
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = std::env::var_os("PGGUARD_FUZZ_TMP").map(PathBuf::from).unwrap_or_else(|| {
            // A memory-backed folder where there is one: each run writes its files.
            let shm = PathBuf::from("/dev/shm");
            if shm.is_dir() { shm } else { std::env::temp_dir() }
        });
        let dir = base.join(format!("pgguard-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch folder");
        dir
    })
}

/// Writes `files` (name, content) into an emptied scratch folder and scans the folder with
/// one thread and the built-in rules. The report is rendered too (JSON and SARIF), since
/// reporters read positions and texts that the scan produced.
pub fn scan_files(files: &[(&str, &[u8])]) {
    let dir = scratch();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    for (name, content) in files {
        std::fs::write(dir.join(name), content).expect("write a scratch file");
    }
    // The built-in rules, read once: `scan` would otherwise parse their TOML on every input.
    static RULES: OnceLock<Vec<pgguard::rules::Rule>> = OnceLock::new();
    let rules = RULES.get_or_init(|| pgguard::rules::builtin().expect("the built-in rules load"));
    let options = pgguard::scan::ScanOptions {
        rules: rules.clone(),
        threads: 1,
        root: Some(dir.clone()),
        // A fixed date: the same input gives the same run.
        today: pgguard::rules::date::Date::parse("2026-01-01").ok(),
        ..Default::default()
    };
    let Ok(report) = pgguard::scan::scan(std::slice::from_ref(dir), options) else { return };
    let render = pgguard::report::RenderOptions {
        color: false,
        width: 100,
        quiet: false,
        category: None,
        provenance: None,
    };
    for format in [pgguard::report::Format::Json, pgguard::report::Format::Sarif, pgguard::report::Format::Human] {
        std::hint::black_box(pgguard::report::render(&report, format, &render));
    }
}
