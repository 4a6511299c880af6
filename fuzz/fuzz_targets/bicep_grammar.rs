//! Structure-aware: the fuzzer's bytes choose a Bicep program from a small grammar
//! (`pgguard_fuzz::grammar`): parameters with defaults, variables with interpolation,
//! ternaries, loops and lambdas, PostgreSQL resources with nested children, conditions and
//! loops, user functions, and modules calling a second generated file (and back). Nearly every
//! input parses, so the time goes to the evaluator and the rules, not to syntax errors.
#![no_main]
use pgguard_fuzz::grammar::Files;
libfuzzer_sys::fuzz_target!(|files: Files| {
    let (main, module) = files.render();
    pgguard_fuzz::scan_files(&[("main.bicep", main.as_bytes()), ("mod.bicep", module.as_bytes())]);
});
