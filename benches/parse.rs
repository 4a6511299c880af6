//! Parse throughput over the corpus: every valid `.bicep`/`.bicepparam` (outside `Invalid*`
//! folders and the compiler's annotated outputs) read into memory first, then
//! parsed repeatedly on rayon pools of one and two threads. Run with `cargo bench --bench parse`.
//! Then the same for every ARM JSON file of the corpus with `pgguard::syntax::arm::parse`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use pgguard::syntax::bicep::{Mode, parse};
use rayon::prelude::*;

const ANNOTATED: &[&str] = &[".syntax", ".tokens", ".symbols", ".diagnostics", ".formatted", ".ir", ".sourcemap"];

fn corpus_root() -> PathBuf {
    if let Ok(dir) = std::env::var("PGGUARD_CORPUS") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn collect(dir: &Path, out: &mut Vec<(String, Mode)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with("Invalid") {
                collect(&path, out);
            }
            continue;
        }
        let stem = name.trim_end_matches(".bicepparam").trim_end_matches(".bicep");
        if ANNOTATED.iter().any(|a| stem.ends_with(a)) {
            continue;
        }
        let mode = match path.extension().and_then(|e| e.to_str()) {
            Some("bicep") => Mode::Template,
            Some("bicepparam") => Mode::Params,
            _ => continue,
        };
        if let Ok(text) = std::fs::read_to_string(&path) {
            out.push((text, mode));
        }
    }
}

fn collect_json(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_json(&path, out);
        } else if path.extension().is_some_and(|e| e == "json")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            out.push(text);
        }
    }
}

/// Parses every input `rounds` times on pools of one and two threads and prints MB/s and
/// files/s; `parse` returns the number of syntax errors of one input.
fn measure<T: Sync>(label: &str, inputs: &[T], size: impl Fn(&T) -> usize, parse: impl Fn(&T) -> usize + Sync) {
    let bytes: usize = inputs.iter().map(&size).sum();
    println!("{label}: {} files, {:.1} MB", inputs.len(), bytes as f64 / 1e6);
    let rounds = 10;
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        // One warm-up round, then the timed ones.
        pool.install(|| {
            inputs.par_iter().for_each(|input| {
                let _ = parse(input);
            })
        });
        let start = Instant::now();
        let mut errors = 0;
        for _ in 0..rounds {
            errors = pool.install(|| inputs.par_iter().map(&parse).sum::<usize>());
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{label}, {threads} thread(s): {:.1} MB/s, {:.0} files/s ({rounds} rounds in {secs:.2} s; {errors} syntax errors per round)",
            (bytes * rounds) as f64 / 1e6 / secs,
            (inputs.len() * rounds) as f64 / secs,
        );
    }
}

fn main() {
    let root = corpus_root();
    let mut files = Vec::new();
    collect(&root, &mut files);
    assert!(!files.is_empty(), "no Bicep files under {}", root.display());
    println!("corpus: {}", root.display());
    measure("bicep", &files, |(text, _)| text.len(), |(text, mode)| parse(text, *mode).errors.len());
    let mut json = Vec::new();
    collect_json(&root, &mut json);
    measure("arm json", &json, String::len, |text| usize::from(pgguard::syntax::arm::parse(text).is_err()));
}
