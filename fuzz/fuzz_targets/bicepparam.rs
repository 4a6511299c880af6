//! A `.bicepparam` file beside the template it is for (fuzz/templates/main.bicep): parsed,
//! its values evaluated into the template's parameters, the template judged with them.
//! Seeds: the corpus's `.bicepparam` files and examples written for main.bicep (fuzz/seed.sh).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pgguard_fuzz::scan_files(&[("main.bicep", pgguard_fuzz::BICEP_TEMPLATE.as_bytes()), ("main.bicepparam", data)])
});
