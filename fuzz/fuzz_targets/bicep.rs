//! A Bicep template, as bytes: read, parsed, evaluated, judged and reported as `pgguard scan`
//! does. Seeds: every `.bicep` of the corpus (fuzz/seed.sh).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| pgguard_fuzz::scan_files(&[("main.bicep", data)]));
