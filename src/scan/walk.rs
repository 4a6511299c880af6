//! Finding the files to scan: explicit files as given, directories walked in parallel with
//! `ignore` (honouring .gitignore even outside a git repository), sorted for determinism. A
//! path that does not exist is an input error like an unreadable file: the others are scanned.
//! Symbolic links to folders are followed only when they stay inside the scanned folder.

use crate::config::Excludes;
use crate::scan::ScanError;
use crate::source::Language;
use std::path::PathBuf;
use std::sync::Mutex;

/// The files to scan, and the entries the walk could not read (a missing path, a symlink
/// loop, a permission).
pub fn collect(paths: &[PathBuf], exclude: &Excludes) -> (Vec<PathBuf>, Vec<ScanError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let failed = |message: String| ScanError { path: crate::source::slashed(path), origin: None, message };
        match std::fs::metadata(path) {
            // A file named on the command line is scanned even when excluded, as ruff does.
            Ok(meta) if meta.is_file() => files.push(path.clone()),
            Ok(meta) if meta.is_dir() => {
                let (found, failed) = walk_dir(path, exclude);
                files.extend(found);
                errors.extend(failed);
            }
            // A FIFO, a socket or a device: reading it could block or never end.
            Ok(meta) => errors.push(failed(format!("not a regular file ({}); pgguard reads only files", kind(&meta)))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                errors.push(failed("no such file or directory".into()))
            }
            Err(e) => errors.push(failed(format!("cannot read it: {e}"))),
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

fn walk_dir(dir: &PathBuf, exclude: &Excludes) -> (Vec<PathBuf>, Vec<ScanError>) {
    let inside = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
    let mut overrides = ignore::overrides::OverrideBuilder::new(dir);
    // Hidden folders such as .azure/ and .github/ hold templates; .git/ never does.
    let overrides = overrides.add("!.git/").and_then(|o| o.build());
    let mut builder = ignore::WalkBuilder::new(dir);
    builder.hidden(false).require_git(false).git_global(false).follow_links(true);
    if let Ok(overrides) = overrides {
        builder.overrides(overrides);
    }
    let exclude = exclude.clone();
    builder.filter_entry(move |entry| {
        if entry.depth() > 0 && exclude.is_excluded(entry.path()) {
            return false;
        }
        // A link to a folder outside the scanned tree would scan what the user did not ask for.
        !(entry.path_is_symlink()
            && entry.file_type().is_some_and(|t| t.is_dir())
            && !std::fs::canonicalize(entry.path()).is_ok_and(|target| target.starts_with(&inside)))
    });
    let found = Mutex::new(Vec::new());
    let failed = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file())
                        && Language::of(entry.path()).is_some()
                        && let Ok(mut found) = found.lock()
                    {
                        found.push(entry.into_path());
                    }
                }
                // A symlink loop or an unreadable folder is reported; the walk goes on.
                Err(e) => {
                    if let Ok(mut failed) = failed.lock() {
                        failed.push(ScanError {
                            path: dir.display().to_string(),
                            origin: None,
                            message: e.to_string(),
                        });
                    }
                }
            }
            ignore::WalkState::Continue
        })
    });
    (found.into_inner().unwrap_or_default(), failed.into_inner().unwrap_or_default())
}

/// What kind of special file it is, for the error.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}
