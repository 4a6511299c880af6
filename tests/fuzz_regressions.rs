//! Inputs the fuzz targets (docs/fuzzing.md) once broke pgguard with, minimized: each folder
//! under `testdata/fuzz/` is scanned as the targets scan (one thread, the built-in rules, every
//! report format), and each `.expr` file is given to the ARM expression parser. Passing means
//! no panic, and a scan that ends.

use pgguard::report::{Format, RenderOptions, render};
use pgguard::scan::{ScanOptions, scan};
use pgguard::syntax::arm::expr;
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir).expect("testdata/fuzz").flatten().map(|e| e.path()).collect();
    cases.sort();
    cases
}

#[test]
fn every_kept_fuzz_input_scans_without_panic() {
    let cases = cases();
    assert!(!cases.is_empty(), "testdata/fuzz holds the inputs the fuzzers found");
    for case in cases {
        if case.extension().is_some_and(|e| e == "expr") {
            let text = std::fs::read_to_string(&case).expect("an .expr case is text");
            if let expr::StringForm::Expression(inner) = expr::classify(&text) {
                let _ = expr::parse(inner);
            }
            let _ = expr::parse(&text);
            continue;
        }
        if !case.is_dir() {
            continue;
        }
        let options = ScanOptions {
            threads: 1,
            root: Some(case.clone()),
            today: pgguard::rules::date::Date::parse("2026-01-01").ok(),
            ..ScanOptions::default()
        };
        let report = scan(std::slice::from_ref(&case), options)
            .unwrap_or_else(|e| panic!("{}: the scan fails: {e}", case.display()));
        let render_options = RenderOptions { color: false, width: 100, quiet: false, ..RenderOptions::default() };
        for format in [Format::Json, Format::Sarif, Format::Human, Format::Concise] {
            std::hint::black_box(render(&report, format, &render_options));
        }
    }
}
