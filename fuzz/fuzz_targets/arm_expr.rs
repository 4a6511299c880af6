//! The ARM expression parser (`"[…]"` strings) on its own: the fastest way to its corners.
//! Seeds: the expressions found in the corpus's ARM templates (fuzz/seed.sh).
#![no_main]
use pgguard::syntax::arm::expr;
libfuzzer_sys::fuzz_target!(|text: &str| {
    if let expr::StringForm::Expression(inner) = expr::classify(text) {
        let _ = expr::parse(inner);
    }
    let _ = expr::parse(text);
});
