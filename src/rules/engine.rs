//! Runs rules over a deployment: every check against every resource of its type that the
//! template deploys, and against the resources it does not create (`existing` ones, and
//! parents its children name) for what their children change.

use crate::model::{Deployment, Resource, StrPart, Tri, Value};
use crate::rules::condition::{Evidence, Subject, if_deployed};
use crate::rules::{Finding, Rule, Verdict};

pub fn run(rules: &[Rule], deployment: &Deployment) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (rule_index, rule) in rules.iter().enumerate() {
        for check in &rule.checks {
            for (index, resource) in deployment.of_type(&check.resource_type) {
                // An `existing` reference to a resource the deployment creates is that resource.
                if resource.deployed == Tri::No || deployment.twins.contains_key(&index) {
                    continue;
                }
                let subject = Subject { deployment, index, node: &resource.body, external: resource.existing };
                // A resource that may not be deployed fails only if it is.
                let outcome = check.expect.evaluate(&subject);
                let outcome = if outcome.independent { outcome } else { if_deployed(outcome, resource) };
                if !outcome.applicable {
                    continue;
                }
                let verdict = match outcome.verdict {
                    Tri::Yes => continue,
                    Tri::No => Verdict::Fail,
                    Tri::Unknown(_) => Verdict::Unknown,
                };
                // Every failing condition gives evidence; should one not, the finding still
                // stands, at the resource.
                let evidence = outcome.evidence.unwrap_or_else(|| Evidence {
                    message: format!("the resource does not meet `{}`", rule.slug),
                    location: resource.declaration,
                    trace: Vec::new(),
                    written: false,
                });
                findings.push(Finding {
                    rule: rule_index,
                    verdict,
                    message: evidence.message,
                    location: evidence.location,
                    trace: evidence.trace,
                    resource_type: resource.resource_type.clone(),
                    resource_name: display_name(resource),
                    contexts: vec![resource.context.clone()],
                });
            }
        }
    }
    findings
}

/// The resource's name as far as it is known; unknown parts are shown as `{…}`.
fn display_name(resource: &Resource) -> String {
    match &resource.name.value {
        Value::String(s) => s.clone(),
        Value::Partial(parts) => parts
            .iter()
            .map(|p| match p {
                StrPart::Text(t) => t.as_str(),
                StrPart::Unknown(_) => "{…}",
            })
            .collect(),
        _ => resource.symbol.clone().unwrap_or_else(|| "{…}".into()),
    }
}
