//! An ARM JSON template, as bytes: read, parsed, evaluated (expressions, copy loops, nested
//! deployments), judged and reported. Seeds: the corpus's ARM templates (fuzz/seed.sh).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| pgguard_fuzz::scan_files(&[("azuredeploy.json", data)]));
