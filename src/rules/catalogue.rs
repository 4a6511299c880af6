//! `pgguard rules`: the rule set as a table for people, or JSON for tools, printed from the
//! rule files like the docs pages and the SARIF help.

use crate::rules::Rule;
use serde_json::json;
use std::fmt::Write;

/// One line per rule: id, slug, severity, resource types (short), title.
pub fn table(rules: &[Rule]) -> String {
    let rows: Vec<[String; 5]> = rules
        .iter()
        .map(|rule| {
            let types: Vec<&str> = rule.resource_types().iter().map(|t| short(t)).collect();
            [rule.id.clone(), rule.slug.clone(), rule.severity.to_string(), types.join(", "), rule.title.clone()]
        })
        .collect();
    let header = ["ID", "SLUG", "SEVERITY", "TYPES", "TITLE"].map(str::to_string);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row.iter()) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let _ = writeln!(
            out,
            "{:w0$}  {:w1$}  {:w2$}  {:w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        );
    }
    out
}

/// `Microsoft.DBforPostgreSQL/flexibleServers/firewallRules` → `flexibleServers/firewallRules`.
fn short(resource_type: &str) -> &str {
    resource_type.split_once('/').map_or(resource_type, |(_, rest)| rest)
}

/// Every rule with its metadata: what users moving from other tools map their checks with.
pub fn json(rules: &[Rule]) -> String {
    let list: Vec<serde_json::Value> = rules
        .iter()
        .map(|rule| {
            let options: serde_json::Map<String, serde_json::Value> = rule
                .options
                .iter()
                .map(|o| {
                    let value = json!({
                        "value": toml_to_json(&o.value),
                        "default": toml_to_json(&o.default),
                        "help": o.help,
                    });
                    (o.name.clone(), value)
                })
                .collect();
            json!({
                "id": rule.id,
                "slug": rule.slug,
                "title": rule.title,
                "severity": rule.severity.as_str(),
                "resourceTypes": rule.resource_types(),
                "tags": rule.tags,
                "options": options,
                "azurePolicy": rule.references.azure_policy,
                "cis": rule.references.cis,
                "peers": rule.references.peers,
                "docs": rule.references.docs,
                "helpUri": rule.help_url,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({ "rules": list })).unwrap_or_default();
    text.push('\n');
    text
}

fn toml_to_json(value: &toml::Value) -> serde_json::Value {
    match value {
        toml::Value::Integer(n) => json!(n),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Float(f) => json!(f),
        other => json!(other.to_string().trim_matches('"')),
    }
}
