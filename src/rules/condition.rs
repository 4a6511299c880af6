//! Placeholder: the check vocabulary is being written.
use serde::Deserialize;
#[derive(Debug, Clone, Deserialize)]
pub struct RawCondition {}
#[derive(Debug, Clone)]
pub struct Condition;
