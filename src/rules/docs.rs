//! A rule's documentation page (`docs/rules/<ID>.md`), generated from its data file so that
//! the docs, the SARIF help and the terminal never disagree. A test keeps the pages current.

use crate::rules::Rule;
use std::fmt::Write;

/// Azure Policy definitions are linked in the portal by id.
pub fn policy_url(id: &str) -> String {
    format!(
        "https://portal.azure.com/#view/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F{id}"
    )
}

pub fn render(rule: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- Generated from {} by `PGGUARD_BLESS=1 cargo test --test rules`; do not edit. -->",
        rule.source
    );
    let _ = writeln!(out, "# {} `{}`: {}\n", rule.id, rule.slug, rule.title);
    let _ = writeln!(out, "- **Severity**: {}", rule.severity);
    let types: Vec<String> = rule.resource_types().iter().map(|t| format!("`{t}`")).collect();
    let _ = writeln!(out, "- **Resource types**: {}", types.join(", "));
    if !rule.tags.is_empty() {
        let _ = writeln!(out, "- **Tags**: {}", rule.tags.join(", "));
    }
    out.push('\n');
    out.push_str(&body(rule));
    out
}

/// The sections shared by the docs page and the SARIF help: what, why, examples, fix, references.
pub fn body(rule: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## What it does\n\n{}\n", rule.docs.what);
    let _ = writeln!(out, "## Why is this bad?\n\n{}\n", rule.docs.why);
    let _ = writeln!(out, "## Example\n\n```bicep\n{}\n```\n", rule.docs.example_fail.trim());
    let _ = writeln!(out, "## Use instead\n\n```bicep\n{}\n```\n", rule.docs.example_pass.trim());
    let _ = writeln!(out, "## How to fix\n\n{}\n", rule.docs.fix);
    let refs = &rule.references;
    if !(refs.azure_policy.is_empty() && refs.cis.is_empty() && refs.docs.is_empty() && refs.peers.is_empty()) {
        let _ = writeln!(out, "## References\n");
        for id in &refs.azure_policy {
            let _ = writeln!(out, "- Azure Policy [`{id}`]({})", policy_url(id));
        }
        for control in &refs.cis {
            let _ = writeln!(out, "- CIS Microsoft Azure Foundations Benchmark {control}");
        }
        for url in &refs.docs {
            let _ = writeln!(out, "- <{url}>");
        }
        if !refs.peers.is_empty() {
            let _ = writeln!(out, "- Same control elsewhere: {}", refs.peers.join(", "));
        }
    }
    out
}
