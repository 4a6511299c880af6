//! Readable names for resources whose name is partly unknown: `{flexibleServerName}/{name}`,
//! from the source text of each unknown part, instead of `{…}/{…}`. The rules give the name as
//! text; here the deployment and the files are still at hand.

use crate::model::{Deployment, Resource, StrPart, Value};
use crate::rules::Finding;
use crate::source::FileId;
use std::collections::HashMap;

/// Unknown parts whose source text is longer than this stay `{…}`.
const MAX_PART: usize = 40;

pub fn readable<'t>(findings: &mut [Finding], deployment: &Deployment, text: impl Fn(FileId) -> Option<&'t str>) {
    // The resources by type and instance context: a finding looks among few, not all (a
    // deployment of thousands of looped resources has as many findings).
    let mut by_instance: HashMap<(&str, &str), Vec<&Resource>> = HashMap::new();
    for r in &deployment.resources {
        by_instance.entry((r.resource_type.as_str(), r.context.as_str())).or_default().push(r);
    }
    for finding in findings.iter_mut().filter(|f| f.resource_name.contains("{…}")) {
        let Some(context) = finding.contexts.first() else { continue };
        let Some(candidates) = by_instance.get(&(finding.resource_type.as_str(), context.as_str())) else { continue };
        let resource = candidates.iter().find(|r| {
            r.declaration == finding.location
                || (r.body.origin.file == finding.location.file
                    && r.body.origin.span.start <= finding.location.span.start
                    && finding.location.span.end <= r.body.origin.span.end)
        });
        let Some(resource) = resource else { continue };
        let parts = match &resource.name.value {
            Value::Partial(parts) => parts.clone(),
            // A wholly unknown name reads best as the expression that names the resource.
            Value::Unknown(u) => {
                let written = text(resource.name.origin.file).and_then(|t| t.get(resource.name.origin.span.range()));
                if let Some(name) = written.and_then(short) {
                    finding.resource_name = format!("{{{name}}}");
                    continue;
                }
                vec![StrPart::Unknown(u.clone())]
            }
            _ => continue,
        };
        let unknowns: Vec<_> =
            parts.iter().filter_map(|p| if let StrPart::Unknown(u) = p { Some(u) } else { None }).collect();
        let source = |u: &crate::model::Unknown| text(u.origin.file).and_then(|t| t.get(u.origin.span.range()));
        // An ARM name is one expression (`[format('{0}/{1}', parameters('a'), parameters('b'))]`)
        // for all its unknown parts: name them by its references, in order, when they match.
        let shared = unknowns.windows(2).all(|w| w[0].origin == w[1].origin);
        let references = match unknowns.first() {
            Some(first) if shared => source(first).map(references).unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut next = 0;
        let name: String = parts
            .iter()
            .map(|part| match part {
                StrPart::Text(t) => t.clone(),
                StrPart::Unknown(u) => {
                    let shown = if references.len() == unknowns.len() {
                        Some(references[next].to_string())
                    } else {
                        source(u).and_then(short)
                    };
                    next += 1;
                    format!("{{{}}}", shown.as_deref().unwrap_or("…"))
                }
            })
            .collect();
        finding.resource_name = name;
    }
}

/// The name a reader recognises in an expression: `parameters('common').serverName` →
/// `common.serverName`, a Bicep identifier or member access as it is; `None` for anything
/// longer, on several lines, or with calls.
fn short(expression: &str) -> Option<String> {
    // An ARM parameter's unknown points at its declaration's key, `"name"`.
    let mut e = expression.trim().trim_matches('"').trim_start_matches('[').trim_end_matches(']').to_string();
    for function in ["parameters('", "variables('"] {
        while let Some(at) = e.find(function) {
            let rest = &e[at + function.len()..];
            let end = rest.find("')")?;
            e = format!("{}{}{}", &e[..at], &rest[..end], &rest[end + 2..]);
        }
    }
    let plain = e.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '!' | '?' | '$'));
    (plain && !e.is_empty() && e.len() <= MAX_PART).then_some(e)
}

/// The parameters and variables an ARM expression refers to, in order.
fn references(expression: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = expression;
    while let Some(at) = ["parameters('", "variables('"].iter().filter_map(|f| rest.find(f).map(|i| (i, f.len()))).min()
    {
        rest = &rest[at.0 + at.1..];
        let Some(end) = rest.find('\'') else { break };
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::references;

    #[test]
    fn references_of_an_arm_expression() {
        assert_eq!(references("[format('{0}/{1}', parameters('server'), variables('rule'))]"), ["server", "rule"]);
        assert!(references("[concat('a', 'b')]").is_empty());
    }

    #[test]
    fn short_names_of_expressions() {
        let short = |e| super::short(e);
        assert_eq!(short("parameters('flexibleServerName')").as_deref(), Some("flexibleServerName"));
        assert_eq!(short("[variables('ruleName')]").as_deref(), Some("ruleName"));
        assert_eq!(short("firewallRule.name").as_deref(), Some("firewallRule.name"));
        assert_eq!(short("\"flexibleServerName\"").as_deref(), Some("flexibleServerName"));
        assert_eq!(short("\"[parameters('common').serverName]\"").as_deref(), Some("common.serverName"));
        assert_eq!(short("format('{0}/{1}', parameters('a'), parameters('b'))"), None);
    }
}
