//! The whole public corpus through the scan: no panic, and every error is one the corpus
//! explains (an intentionally invalid sample, a compiler's annotated output, a module file
//! the corpus did not copy).

mod common;

use pgguard::scan::{ScanOptions, scan};

const ANNOTATED: [&str; 7] =
    [".syntax.", ".tokens.", ".symbols.", ".diagnostics.", ".formatted.", ".ir.", ".sourcemap."];

/// A quickstart CI fixture that is broken on purpose (`param abc` has no type: BCP279).
const BROKEN_ON_PURPOSE: &str = "quickstart/test/ci-tests/data/validate-deploymentfile-tests/bicep-error/main.bicep";

/// A quickstart template whose variable `sourceContainerName` refers to itself: ARM rejects
/// it at deployment, and pgguard reports the cycle.
const SELF_REFERENCE: &str = "quickstart/demos/azmgmt-demo/nestedtemplates/drEnablement.json";

#[test]
fn the_corpus_scans_with_only_expected_errors() {
    let Some(corpus) = common::corpus_dir("the_corpus_scans_with_only_expected_errors") else { return };
    let report = scan(&[corpus], ScanOptions::default()).expect("scan");
    assert!(report.files.len() > 9000, "the corpus has ~9,800 templates, scanned {}", report.files.len());
    let unexpected: Vec<String> = report
        .errors
        .iter()
        .filter(|e| {
            let expected_file = e.path.contains("/Invalid")
                || ANNOTATED.iter().any(|a| e.path.contains(a))
                || e.path.ends_with(BROKEN_ON_PURPOSE)
                || (e.path.ends_with(SELF_REFERENCE) && e.message.contains("in a cycle"));
            let missing_module = e.message.contains("cannot read `");
            !(expected_file || missing_module)
        })
        .map(|e| {
            let (line, column) = report.error_position(e);
            format!("{}:{line}:{column}: {}", e.path, e.message)
        })
        .collect();
    assert!(unexpected.is_empty(), "{} unexpected errors:\n{}", unexpected.len(), unexpected.join("\n"));
    // The corpus holds PostgreSQL templates: the rules find things in it.
    assert!(report.findings.len() > 20, "only {} findings", report.findings.len());
}
