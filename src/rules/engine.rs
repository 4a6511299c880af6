//! Runs rules over a deployment: every check against every resource of its type that the
//! template deploys (not `existing` ones, which declare nothing of their own).

use crate::model::{Deployment, Resource, StrPart, Tri, Value};
use crate::rules::condition::Subject;
use crate::rules::{Finding, Rule, Verdict};

pub fn run(rules: &[Rule], deployment: &Deployment) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (rule_index, rule) in rules.iter().enumerate() {
        for check in &rule.checks {
            for (index, resource) in deployment.of_type(&check.resource_type) {
                if resource.existing || resource.deployed == Tri::No {
                    continue;
                }
                let subject = Subject { deployment, index, node: &resource.body };
                let outcome = check.expect.evaluate(&subject);
                // A resource that may not be deployed fails only if it is: unknown, saying why.
                let (verdict, undecided) = match (outcome.verdict, &resource.deployed) {
                    (Tri::Yes, _) => continue,
                    (Tri::No, Tri::Unknown(u)) => (Verdict::Unknown, Some(u.reason.clone())),
                    (Tri::No, _) => (Verdict::Fail, None),
                    (Tri::Unknown(_), _) => (Verdict::Unknown, None),
                };
                let Some(mut evidence) = outcome.evidence else { continue };
                if let Some(reason) = undecided {
                    evidence.message =
                        format!("{} if deployed; whether it is deployed is unknown: {reason}", evidence.message);
                }
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
