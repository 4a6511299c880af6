//! Runs rules over a deployment: every check against every resource of its types that the
//! template deploys (or against every output), and against the resources it does not create
//! (`existing` ones, and parents its children name) for what their children change.

use crate::model::{Deployment, Node, Resource, StrPart, Tri, Unknown, Value};
use crate::rules::condition::{Evidence, Outcome, Subject, if_deployed};
use crate::rules::date::Date;
use crate::rules::rule::{Check, Target};
use crate::rules::{Finding, Rule, Verdict};

/// What running the rules over one deployment gives.
#[derive(Debug, Default)]
pub struct Judged {
    pub findings: Vec<Finding>,
    /// For each rule (by index), how many subjects it judged: a rule that looked at nothing
    /// passes vacuously, and a fixture that means to pass must show it did not.
    pub subjects: Vec<usize>,
}

pub fn run(rules: &[Rule], deployment: &Deployment, today: Date) -> Judged {
    let mut judged = Judged { findings: Vec::new(), subjects: vec![0; rules.len()] };
    for (rule_index, rule) in rules.iter().enumerate() {
        for check in &rule.checks {
            match &check.target {
                Target::Resources(types) => {
                    for resource_type in types {
                        for (index, resource) in deployment.of_type(resource_type) {
                            // An `existing` reference to a resource the deployment creates is that resource.
                            if resource.deployed == Tri::No || deployment.twins.contains_key(&index) {
                                continue;
                            }
                            let subject = Subject {
                                deployment,
                                index: Some(index),
                                node: &resource.body,
                                external: resource.existing,
                                declaration: resource.declaration,
                                today,
                            };
                            let outcome = judge(check, &subject);
                            // A resource that may not be deployed fails only if it is.
                            let outcome = if outcome.independent { outcome } else { if_deployed(outcome, resource) };
                            let about = About {
                                resource_type: resource.resource_type.clone(),
                                name: display_name(resource),
                                context: resource.context.clone(),
                                declaration: resource.declaration,
                            };
                            record(&mut judged, rule_index, rule, outcome, about);
                        }
                    }
                }
                Target::Outputs => {
                    for output in &deployment.outputs {
                        let node = output_node(output);
                        let subject = Subject {
                            deployment,
                            index: None,
                            node: &node,
                            external: false,
                            declaration: output.declaration,
                            today,
                        };
                        let outcome = judge(check, &subject);
                        let about = About {
                            resource_type: "output".into(),
                            name: output.name.clone(),
                            context: output.context.clone(),
                            declaration: output.declaration,
                        };
                        record(&mut judged, rule_index, rule, outcome, about);
                    }
                }
            }
        }
    }
    judged
}

/// The check's precondition, then its expectation: a precondition that is false makes the
/// check not apply; one that is unknown makes a failure unknown, saying why.
fn judge(check: &Check, subject: &Subject<'_>) -> Outcome {
    let Some(when) = &check.when else { return check.expect.evaluate(subject) };
    let mut precondition = when.evaluate(subject);
    if precondition.verdict == Tri::No || (!precondition.applicable && !subject.external) {
        return Outcome::not_applicable();
    }
    if !precondition.applicable {
        // A server the template does not create: what the precondition reads (its tier, its
        // version) is not in the template, so whether the check applies is unknown. What its
        // children change is still judged.
        let u = Unknown::opaque(
            "the resource is not created by the template, so its own settings are not known",
            subject.declaration,
        );
        precondition = Outcome { verdict: Tri::Unknown(u), evidence: None, applicable: true, independent: false };
    }
    let outcome = check.expect.evaluate(subject);
    match (&precondition.verdict, &outcome.verdict) {
        (Tri::Unknown(u), Tri::No | Tri::Unknown(_)) => {
            let why = precondition.evidence.map(|e| e.message).unwrap_or_else(|| u.reason.to_string());
            let mut evidence = outcome.evidence.unwrap_or_else(|| Evidence {
                message: "the resource does not meet the rule".into(),
                location: subject.declaration,
                trace: Vec::new(),
                written: false,
            });
            evidence.message =
                format!("{} if the rule applies; whether it applies is unknown: {why}", evidence.message);
            Outcome { verdict: Tri::Unknown(u.clone()), evidence: Some(evidence), ..outcome }
        }
        _ => outcome,
    }
}

/// Who a finding is about.
struct About {
    resource_type: String,
    name: String,
    context: String,
    declaration: crate::source::Origin,
}

fn record(judged: &mut Judged, rule_index: usize, rule: &Rule, outcome: Outcome, about: About) {
    if !outcome.applicable {
        return;
    }
    judged.subjects[rule_index] += 1;
    let verdict = match outcome.verdict {
        Tri::Yes => return,
        Tri::No => Verdict::Fail,
        Tri::Unknown(_) => Verdict::Unknown,
    };
    // Every failing condition gives evidence; should one not, the finding still stands, at
    // the declaration.
    let evidence = outcome.evidence.unwrap_or_else(|| Evidence {
        message: format!("the resource does not meet `{}`", rule.slug),
        location: about.declaration,
        trace: Vec::new(),
        written: false,
    });
    judged.findings.push(Finding {
        rule: rule_index,
        verdict,
        message: evidence.message,
        location: evidence.location,
        trace: evidence.trace,
        resource_type: about.resource_type,
        resource_name: about.name,
        contexts: vec![about.context],
    });
}

/// An output as a subject: `value` and `secure` are what checks read.
fn output_node(output: &crate::model::Output) -> Node {
    let secure = Node::new(Value::Bool(output.secure), output.declaration);
    let members = vec![("value".to_string(), output.value.clone()), ("secure".to_string(), secure)];
    Node::new(Value::Object(members), output.declaration)
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
