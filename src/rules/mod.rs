//! The rule engine: declarative rules (TOML files under `rules/`, embedded in the binary, plus a
//! user's own) evaluated against the resource model, three-valued: pass, fail or unknown.

pub mod catalogue;
mod condition;
pub mod date;
pub mod docs;
mod engine;
mod finding;
mod load;
mod predicates;
mod rule;

pub use engine::{Judged, run};
pub use finding::{Finding, Verdict};
pub use load::{
    BUILTIN, RuleError, builtin, check_unique, doc_url, from_dir, from_path, parse, parse_with, with_options,
};
pub use rule::{Check, Docs, References, Rule, RuleOption, Severity, Target, unknown_type_warning};
