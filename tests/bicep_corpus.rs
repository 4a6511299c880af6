//! Conformance of the Bicep parser against the shared corpus (see its README.md): every valid
//! file parses without errors, every file the compiler rejects for syntax gets an error, and no
//! file — nor any truncation of one — makes the parser panic.

mod common;

use std::path::{Path, PathBuf};

use pgguard::syntax::bicep::{Mode, ParsedBicep, parse};
use rayon::prelude::*;

/// The codes the compiler's lexer and parser emit (from the corpus README).
const SYNTAX_CODES: &[u32] = &[
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 32, 64, 68, 87, 96, 97, 103,
    117, 118, 123, 133, 136, 140, 162, 167, 201, 202, 226, 236, 237, 238, 243, 257, 266, 279, 300, 305, 317, 322, 325,
    344, 346, 347, 354, 355, 356, 375, 404, 436,
];

const ANNOTATED: &[&str] = &["syntax", "tokens", "symbols", "diagnostics", "formatted", "ir", "sourcemap"];

/// The corpus, as every integration test finds it (`tests/common`).
fn corpus_root(test: &str) -> Option<PathBuf> {
    common::corpus_dir(test)
}

fn bicep_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            bicep_files(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("bicep" | "bicepparam")) {
            out.push(path);
        }
    }
}

/// Every Bicep file of the corpus, or `None` (the skip reported) without the corpus.
fn all_files(test: &str) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    bicep_files(&corpus_root(test)?, &mut files);
    files.sort();
    assert!(!files.is_empty(), "the corpus holds no .bicep files");
    Some(files)
}

fn is_annotated(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem = name.trim_end_matches(".bicepparam").trim_end_matches(".bicep");
    ANNOTATED.iter().any(|a| stem.ends_with(&format!(".{a}")))
}

fn in_invalid_dir(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with("Invalid")))
}

fn mode_of(path: &Path) -> Mode {
    if path.extension().is_some_and(|e| e == "bicepparam") { Mode::Params } else { Mode::Template }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn line_col(text: &str, offset: u32) -> (usize, usize) {
    let before = &text[..(offset as usize).min(text.len())];
    let line = before.matches('\n').count();
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    (line, col)
}

/// The baselined Invalid files: (source, 0-based lines of syntax errors; empty if none).
fn baselined_invalid(files: Vec<PathBuf>) -> Vec<(PathBuf, Vec<usize>)> {
    let mut out = Vec::new();
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let diagnostics = match name {
            "main.bicep" => path.with_file_name("main.diagnostics.bicep"),
            "parameters.bicepparam" => path.with_file_name("parameters.diagnostics.bicepparam"),
            _ => continue,
        };
        if !in_invalid_dir(&path) || !diagnostics.is_file() {
            continue;
        }
        out.push((path, syntax_error_lines(&read(&diagnostics))));
    }
    out
}

/// Lines of the source whose annotations (`//@[a:b) [BCPnnn (Error)] …`) carry a syntax code.
fn syntax_error_lines(diagnostics: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut source_line: Option<usize> = None;
    for line in diagnostics.lines() {
        let Some(rest) = line.strip_prefix("//@[") else {
            source_line = Some(source_line.map_or(0, |l| l + 1));
            continue;
        };
        let Some(code) = rest.split("[BCP").nth(1) else {
            continue;
        };
        let digits: String = code.chars().take_while(|c| c.is_ascii_digit()).collect();
        let is_error = code[digits.len()..].starts_with(" (Error)");
        if is_error
            && digits.parse::<u32>().is_ok_and(|n| SYNTAX_CODES.contains(&n))
            && let Some(l) = source_line
            && !lines.contains(&l)
        {
            lines.push(l);
        }
    }
    lines
}

fn describe_first_error(path: &Path, text: &str, parsed: &ParsedBicep) -> String {
    let error = &parsed.errors[0];
    let (line, col) = line_col(text, error.span.start);
    format!("{}:{}:{}: {}", path.display(), line + 1, col + 1, error.message)
}

/// Valid by the README's rule, but not Bicep: a fixture of the quickstart CI that checks the
/// CI reports a compile error (`param abc` has no type; the compiler says BCP279).
const NOT_ACTUALLY_VALID: &[&str] =
    &["quickstart/test/ci-tests/data/validate-deploymentfile-tests/bicep-error/main.bicep"];

#[test]
fn valid_files_parse_without_errors() {
    let Some(files) = all_files("valid_files_parse_without_errors") else { return };
    let files: Vec<PathBuf> = files.into_iter().filter(|p| !is_annotated(p) && !in_invalid_dir(p)).collect();
    let (known_bad, files): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|p| NOT_ACTUALLY_VALID.iter().any(|s| p.to_string_lossy().replace('\\', "/").ends_with(s)));
    for path in &known_bad {
        let parsed = parse(&read(path), mode_of(path));
        assert!(!parsed.errors.is_empty(), "{} should have a syntax error", path.display());
    }
    let failures: Vec<String> = files
        .par_iter()
        .filter_map(|path| {
            let text = read(path);
            let parsed = parse(&text, mode_of(path));
            (!parsed.errors.is_empty()).then(|| describe_first_error(path, &text, &parsed))
        })
        .collect();
    let total = files.len();
    println!("valid files: {}/{} parse without errors", total - failures.len(), total);
    // The README says 4,480; its rule selects 4,464 files in this snapshot of the corpus.
    assert!(total >= 4400, "only {total} valid corpus files found");
    assert!(
        failures.is_empty(),
        "{} of {total} valid files have syntax errors; first ones:\n{}",
        failures.len(),
        failures.iter().take(3000).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn invalid_files_get_syntax_errors() {
    let Some(files) = all_files("invalid_files_get_syntax_errors") else { return };
    let baselined = baselined_invalid(files);
    let syntactic: Vec<_> = baselined.iter().filter(|(_, lines)| !lines.is_empty()).collect();
    assert_eq!(syntactic.len(), 22, "the corpus README promises 22 files with syntax errors");
    let mut missing = Vec::new();
    let mut matched = 0;
    // Line-level agreement with the compiler, for information: its syntax-error lines we flag
    // too, and our errors that sit on one of those lines.
    let (mut compiler_lines, mut compiler_lines_hit) = (0, 0);
    let (mut our_errors, mut our_errors_on_compiler_lines) = (0, 0);
    for (path, lines) in &syntactic {
        let text = read(path);
        let parsed = parse(&text, mode_of(path));
        if parsed.errors.is_empty() {
            missing.push(path.display().to_string());
        }
        let our_lines: Vec<usize> = parsed.errors.iter().map(|e| line_col(&text, e.span.start).0).collect();
        compiler_lines += lines.len();
        compiler_lines_hit += lines.iter().filter(|l| our_lines.contains(l)).count();
        our_errors += our_lines.len();
        our_errors_on_compiler_lines += our_lines.iter().filter(|l| lines.contains(l)).count();
        if parsed.errors.iter().any(|e| {
            // The baseline notes an error under the last line of its span.
            let first = line_col(&text, e.span.start).0;
            let last = line_col(&text, e.span.end).0;
            lines.iter().any(|l| (first..=last).contains(l))
        }) {
            matched += 1;
        } else {
            println!("no error on a compiler error line in {}", path.display());
        }
    }
    println!(
        "syntax-invalid files with errors: {}/{}; with an error on a compiler error line: {}/{}",
        syntactic.len() - missing.len(),
        syntactic.len(),
        matched,
        syntactic.len()
    );
    println!(
        "compiler syntax-error lines we flag: {compiler_lines_hit}/{compiler_lines}; \
         our errors on such lines: {our_errors_on_compiler_lines}/{our_errors}"
    );
    assert!(missing.is_empty(), "no syntax error reported for:\n{}", missing.join("\n"));

    let semantic: Vec<String> = baselined
        .iter()
        .filter(|(_, lines)| lines.is_empty())
        .filter_map(|(path, _)| {
            let text = read(path);
            let parsed = parse(&text, mode_of(path));
            (!parsed.errors.is_empty()).then(|| describe_first_error(path, &text, &parsed))
        })
        .collect();
    assert!(semantic.is_empty(), "semantically invalid files must parse:\n{}", semantic.join("\n"));
}

#[test]
fn no_panic_on_any_file_or_truncation() {
    let Some(files) = all_files("no_panic_on_any_file_or_truncation") else { return };
    let panics: Vec<String> = files
        .par_iter()
        .flat_map_iter(|path| {
            let text = read(path);
            let mode = mode_of(path);
            let mut cuts: Vec<usize> = [1, 3, 2].iter().map(|d| text.len() * d / 4).chain([text.len()]).collect();
            for cut in &mut cuts {
                while !text.is_char_boundary(*cut) {
                    *cut -= 1;
                }
            }
            cuts.into_iter()
                .filter_map(|cut| {
                    let prefix = &text[..cut];
                    std::panic::catch_unwind(|| parse(prefix, mode))
                        .is_err()
                        .then(|| format!("{} (first {cut} bytes)", path.display()))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(panics.is_empty(), "the parser panicked on:\n{}", panics.join("\n"));
}
