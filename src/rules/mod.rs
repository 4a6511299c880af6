//! The rule engine: declarative rules (TOML files under `rules/`, embedded in the binary, plus a
//! user's own) evaluated against the resource model, three-valued: pass, fail or unknown.

mod condition;
mod finding;
mod rule;

pub use finding::{Finding, Verdict};
pub use rule::{Check, Docs, References, Rule, Severity};
