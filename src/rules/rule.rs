//! A rule as its data file declares it: metadata, docs, references and the check, read from
//! TOML (see docs/rules-format.md). Validation errors name the file, line and field.

use crate::rules::condition::Condition;
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
    /// The rule's options (`PG402.min-days`) with the values in force.
    pub options: Vec<RuleOption>,
    pub docs: Docs,
    pub references: References,
    /// Where the rule came from: `rules/<file>` for built-ins, the path for a user's rule.
    pub source: String,
    /// The rule's documentation page: for built-ins the page at this version's tag when the
    /// package declares its repository; for a user's rule what its file gives (`help-url`).
    pub help_url: Option<String>,
}

impl Rule {
    /// Whether a check reads a secret: its findings never show it. With `at_value`, whether
    /// the value a finding points at may itself be the secret (`secure-input`), not only where
    /// its trace leads (`no-secret`: an output built around a secure input).
    pub fn reads_secret(&self, at_value: bool) -> bool {
        self.checks
            .iter()
            .any(|c| c.expect.reads_secret(at_value) || c.when.as_ref().is_some_and(|w| w.reads_secret(at_value)))
    }

    /// Every resource type the rule looks at, in the order its checks name them; `outputs`
    /// for a check of the template's outputs.
    pub fn resource_types(&self) -> Vec<&str> {
        let mut types: Vec<&str> = Vec::new();
        for check in &self.checks {
            let names: Vec<&str> = match &check.target {
                Target::Resources(list) => list.iter().map(String::as_str).collect(),
                Target::Outputs => vec!["outputs"],
            };
            for name in names {
                if !types.iter().any(|t| t.eq_ignore_ascii_case(name)) {
                    types.push(name);
                }
            }
        }
        types
    }

    /// Whether every check fails whatever its subject says (`constant = false`, PG604's
    /// retired single server): a template passes such a rule only by deploying none of its
    /// subjects, so a passing template judges nothing.
    pub fn fails_every_subject(&self) -> bool {
        self.checks.iter().all(|c| c.when.is_none() && matches!(c.expect, Condition::Constant { holds: false, .. }))
    }
}

/// What a check judges, the precondition that makes it apply, and what must hold.
#[derive(Debug, Clone)]
pub struct Check {
    pub target: Target,
    pub when: Option<Condition>,
    pub expect: Condition,
}

/// The subjects of a check: resources of some types, or the template's outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Resources(Vec<String>),
    Outputs,
}

/// An option of a rule: its name, the value in force, its default and what it means.
#[derive(Debug, Clone)]
pub struct RuleOption {
    pub name: String,
    pub value: toml::Value,
    pub default: toml::Value,
    pub help: String,
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
    #[serde(default)]
    pub options: std::collections::BTreeMap<String, RawOption>,
    pub docs: Docs,
    #[serde(default)]
    pub references: References,
    pub help_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawCheck {
    pub resource_type: Option<String>,
    pub resource_types: Option<Vec<String>>,
    /// `"outputs"`: the check judges the template's outputs instead of resources.
    pub subject: Option<String>,
    pub when: Option<toml::Spanned<toml::Table>>,
    pub expect: toml::Spanned<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawOption {
    pub default: toml::Value,
    pub help: String,
}

impl RawCheck {
    /// The subjects, from exactly one of `resource-type`, `resource-types`, `subject`.
    pub fn target(&self) -> Result<Target, String> {
        match (&self.resource_type, &self.resource_types, self.subject.as_deref()) {
            (Some(t), None, None) => Ok(Target::Resources(vec![t.clone()])),
            (None, Some(types), None) if !types.is_empty() => Ok(Target::Resources(types.clone())),
            (None, None, Some("outputs")) => Ok(Target::Outputs),
            (None, None, Some(other)) => Err(format!("`subject`: `{other}` is not `outputs`")),
            _ => Err("a check names its subjects with one of `resource-type`, `resource-types` (a non-empty list) or `subject = \"outputs\"`".into()),
        }
    }
}

/// The resource types of `Microsoft.DBforPostgreSQL` (single server, flexible server, Cosmos DB
/// for PostgreSQL), from the ARM reference; a user's rule naming another type of this provider
/// is most likely a typo.
const POSTGRESQL_TYPES: &[&str] = &[
    "servers",
    "servers/administrators",
    "servers/configurations",
    "servers/databases",
    "servers/firewallRules",
    "servers/keys",
    "servers/privateEndpointConnections",
    "servers/securityAlertPolicies",
    "servers/virtualNetworkRules",
    "flexibleServers",
    "flexibleServers/administrators",
    "flexibleServers/advancedThreatProtectionSettings",
    "flexibleServers/backups",
    "flexibleServers/configurations",
    "flexibleServers/databases",
    "flexibleServers/firewallRules",
    "flexibleServers/migrations",
    "flexibleServers/privateEndpointConnections",
    "flexibleServers/virtualEndpoints",
    "serverGroupsv2",
    "serverGroupsv2/configurations",
    "serverGroupsv2/coordinators",
    "serverGroupsv2/firewallRules",
    "serverGroupsv2/nodes",
    "serverGroupsv2/privateEndpointConnections",
    "serverGroupsv2/roles",
];

/// Why a check's `resource-type` will match no resource, if it will not: not of the form
/// `Namespace.Provider/type[/child…]`, or a PostgreSQL type that does not exist.
pub fn unknown_type_warning(resource_type: &str) -> Option<String> {
    let Some((namespace, path)) = resource_type.split_once('/') else {
        return Some(format!(
            "`{resource_type}` is not a resource type such as `Microsoft.DBforPostgreSQL/flexibleServers`"
        ));
    };
    let well_formed = namespace.contains('.')
        && namespace.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        && path.split('/').all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()));
    if !well_formed {
        return Some(format!(
            "`{resource_type}` is not a resource type such as `Microsoft.DBforPostgreSQL/flexibleServers`"
        ));
    }
    if namespace.eq_ignore_ascii_case("Microsoft.DBforPostgreSQL")
        && !POSTGRESQL_TYPES.iter().any(|t| t.eq_ignore_ascii_case(path))
    {
        return Some(format!("`{resource_type}` matches no Microsoft.DBforPostgreSQL resource type"));
    }
    None
}
