//! An ARM parameters file (`azuredeploy.parameters.json`) beside the template it is for
//! (fuzz/templates/azuredeploy.json): parsed, paired by name, its values used in evaluation.
//! Seeds: the corpus's `*.parameters*.json` files (fuzz/seed.sh).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pgguard_fuzz::scan_files(&[
        ("azuredeploy.json", pgguard_fuzz::ARM_TEMPLATE.as_bytes()),
        ("azuredeploy.parameters.json", data),
    ])
});
