//! The ARM JSON reader: what Azure accepts (comments, trailing commas, raw newlines in
//! strings, a BOM), spans on every value, classification, and the whole corpus.

mod common;

use pgguard::syntax::arm::{ArmKind, JsonKind, parse};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

const TEMPLATE: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

#[test]
fn accepts_what_azure_accepts() {
    let text = format!(
        "\u{feff}{{\n  // a comment\n  \"$schema\": \"{TEMPLATE}\",\n  /* block */\n  \"resources\": [\n    {{ \"name\": \"a\nb\", }},\n  ],\n}}\n"
    );
    let doc = parse(&text).expect("parses");
    assert_eq!(doc.kind, ArmKind::Template);
    assert_eq!(doc.comments.len(), 2, "{:?}", doc.comments);
    let resources = doc.root.get("resources").and_then(|r| r.as_array()).expect("resources");
    let name = resources[0].get("name").expect("name");
    assert_eq!(name.as_str(), Some("a\nb"));
    // Spans are byte offsets into the original text, BOM included.
    assert_eq!(&text[name.span.range()], "\"a\nb\"");
}

#[test]
fn classifies_templates_parameters_and_other_json() {
    let object_form =
        format!("{{\"$schema\": \"{TEMPLATE}\", \"languageVersion\": \"2.0\", \"resources\": {{ \"s\": {{}} }} }}");
    assert_eq!(parse(&object_form).expect("parses").kind, ArmKind::Template);
    let params = "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\", \"parameters\": {}}";
    assert_eq!(parse(params).expect("parses").kind, ArmKind::Parameters);
    assert_eq!(parse("{\"name\": \"package\"}").expect("parses").kind, ArmKind::Other);
    assert_eq!(parse("[1, 2]").expect("parses").kind, ArmKind::Other);
}

#[test]
fn syntax_errors_have_a_position() {
    let text = "{\n  \"a\": 1\n  \"b\": 2\n}";
    let err = parse(text).expect_err("a missing comma is an error");
    // Reported where the comma belongs: after `1`, on line 2.
    assert_eq!(text[..err.span.start as usize].matches('\n').count() + 1, 2, "{err:?}");
    assert!(err.message.to_lowercase().contains("comma"), "{err:?}");
    assert!(parse("").is_err());
    assert!(parse(&"[".repeat(10_000)).is_err());
}

#[test]
fn numbers_keep_integers_exact() {
    let doc = parse("{\"a\": 9007199254740993, \"b\": 1.5}").expect("parses");
    assert_eq!(doc.root.get("a").map(|v| &v.kind), Some(&JsonKind::Int(9_007_199_254_740_993)));
    assert!(matches!(doc.root.get("b").map(|v| &v.kind), Some(JsonKind::Number(n)) if n == "1.5"));
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_corpus_json_file_reads() {
    let Some(corpus) = common::corpus_dir("every_corpus_json_file_reads") else { return };
    let mut files = Vec::new();
    json_files(&corpus, &mut files);
    assert!(files.len() > 5000, "the corpus has 5,392 JSON files, found {}", files.len());
    let results: Vec<(PathBuf, Result<ArmKind, String>)> = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
            (path.clone(), parse(&text).map(|d| d.kind).map_err(|e| format!("{:?}: {}", e.span, e.message)))
        })
        .collect();
    let failed: Vec<String> =
        results.iter().filter_map(|(p, r)| r.as_ref().err().map(|e| format!("{}: {e}", p.display()))).collect();
    assert!(failed.is_empty(), "{} JSON files fail:\n{}", failed.len(), failed.join("\n"));
    let count = |kind: ArmKind| results.iter().filter(|(_, r)| r.as_ref().ok() == Some(&kind)).count();
    // quickstart alone has 1,872 templates and 1,425 parameter files.
    assert!(count(ArmKind::Template) > 2000, "templates: {}", count(ArmKind::Template));
    assert!(count(ArmKind::Parameters) > 1400, "parameter files: {}", count(ArmKind::Parameters));
}
