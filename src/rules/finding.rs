//! A finding is plain data: which rule, what verdict, where, why, and where the value came
//! from. Reporters render findings; they never decide anything.

use crate::model::TraceStep;
use crate::source::Origin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// The template deploys something that breaks the rule.
    Fail,
    /// The value the rule reads cannot be known statically; `message` says why.
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Fail => "fail",
            Verdict::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index of the rule in the scan's rule set.
    pub rule: usize,
    pub verdict: Verdict,
    /// What is wrong (lowercase, the property in backticks, no trailing period).
    pub message: String,
    /// The property the rule reads, or the resource declaration when it is missing.
    pub location: Origin,
    /// Where the value came from: variables, parameter defaults, a module's caller.
    pub trace: Vec<TraceStep>,
    pub resource_type: String,
    /// The resource's name as far as it is known (its symbolic name otherwise).
    pub resource_name: String,
    /// Every deployed instance this finding stands for (root file, module path, loop element),
    /// sorted and without duplicates.
    pub contexts: Vec<String>,
}
