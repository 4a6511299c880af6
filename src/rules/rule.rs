//! A rule as its data file declares it: metadata, docs, references and the check, read from
//! TOML (see docs/rules-format.md). Validation errors name the file, line and field.

use crate::rules::condition::{Condition, RawCondition};
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The score GitHub code scanning reads from SARIF `security-severity`.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Low => "3.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub severity: Severity,
    pub tags: Vec<String>,
    pub checks: Vec<Check>,
    pub docs: Docs,
    pub references: References,
    /// Where the rule came from: `rules/<file>` for built-ins, the path for a user's rule.
    pub source: String,
}

impl Rule {
    /// Every resource type the rule looks at, in the order its checks name them.
    pub fn resource_types(&self) -> Vec<&str> {
        let mut types: Vec<&str> = Vec::new();
        for check in &self.checks {
            if !types.iter().any(|t| t.eq_ignore_ascii_case(&check.resource_type)) {
                types.push(&check.resource_type);
            }
        }
        types
    }
}

/// One resource type and the condition its resources must meet to pass.
#[derive(Debug, Clone)]
pub struct Check {
    pub resource_type: String,
    pub expect: Condition,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Docs {
    /// What the rule checks, one paragraph.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// What to do.
    pub fix: String,
    /// Bicep that fails the rule, and Bicep that passes it.
    pub example_fail: String,
    pub example_pass: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct References {
    /// Azure Policy built-in definition ids (GUIDs).
    #[serde(default)]
    pub azure_policy: Vec<String>,
    /// CIS Microsoft Azure Foundations Benchmark controls, e.g. `v2.0 4.3.1`.
    #[serde(default)]
    pub cis: Vec<String>,
    /// Microsoft documentation backing the rule and its default.
    #[serde(default)]
    pub docs: Vec<String>,
    /// The same control in other tools (Checkov, PSRule, KICS, Trivy).
    #[serde(default)]
    pub peers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRule {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(rename = "check")]
    pub checks: Vec<RawCheck>,
    pub docs: Docs,
    #[serde(default)]
    pub references: References,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawCheck {
    pub resource_type: String,
    pub expect: toml::Spanned<RawCondition>,
}
