//! Conditions on a resource's children: a server parameter (a `configurations` child by
//! name), and `child` conditions (an `administrators` child exists, every `firewallRules`
//! child meets a condition). Children count however they are declared; one that may belong
//! to the subject (its parent's name is not known) makes the verdict unknown when it would
//! change it.

use crate::model::compare::loosely_equals;
use crate::model::{PropertyLookup, Resource, Tri, Unknown, Value};
use crate::rules::condition::comparison::Test;
use crate::rules::condition::property::Check;
use crate::rules::condition::{
    ChildCondition, Evidence, MissingVerdict, Outcome, Quantifier, Subject, combine, if_deployed, lookup,
    missing_outcome, unknown_outcome,
};

/// A server parameter: every configuration of that name is judged (two that disagree leave the
/// result to deployment order, so the worse one counts). A configuration that may be this one
/// (its name, or its parent, is not known) makes the verdict unknown when it would change it.
pub(super) fn parameter(subject: &Subject<'_>, name: &str, test: &Test, missing: &MissingVerdict) -> Outcome {
    let deployment = subject.deployment;
    let Some(index) = subject.index else { return Outcome::not_applicable() };
    let what = format!("server parameter `{name}`");
    let wanted = Value::String(name.to_string());
    let mut named = Vec::new();
    let mut maybe = Vec::new();
    for (_, config, maybe_parent) in deployment.children(index, "configurations") {
        if config.existing {
            continue;
        }
        let outcome = || {
            let outcome = match lookup(&config.body, &["properties".into(), "value".into()]) {
                PropertyLookup::Found(node) => {
                    Check { what: what.clone(), test, missing, at: config.declaration, today: subject.today }
                        .value(node)
                }
                PropertyLookup::Missing => missing_outcome(
                    missing,
                    test,
                    subject.today,
                    &what,
                    config.declaration,
                    "has no `properties.value`",
                ),
                PropertyLookup::Unknown(u, node) => unknown_outcome(&what, &u, node),
            };
            if_deployed(outcome, config)
        };
        match (loosely_equals(&config.leaf_name(), &wanted), maybe_parent) {
            (Tri::No, _) => {}
            (Tri::Yes, None) => named.push(outcome()),
            (Tri::Yes, Some(u)) => maybe.push((outcome(), u.clone(), config, "may belong to this server")),
            (Tri::Unknown(u), _) => maybe.push((outcome(), u, config, "has a name that cannot be resolved")),
        }
    }
    let base = if !named.is_empty() {
        // Set by configurations, deployed on their own: it holds whether or not the server
        // is deployed by this template (it exists either way).
        Outcome { independent: true, ..combine(named.iter().cloned(), false) }
    } else if subject.external {
        // The server's own settings are not in the template: only what children set counts.
        Outcome::not_applicable()
    } else {
        missing_outcome(missing, test, subject.today, &what, subject.declaration, "is not set")
    };
    for (with, u, config, how) in maybe {
        let alternative = combine(named.iter().cloned().chain([with]), false);
        if !alternative.same_verdict(&base) {
            return Outcome {
                verdict: Tri::Unknown(u.clone()),
                evidence: Some(Evidence {
                    message: format!("{what} may be set by a configuration that {how}: {}", u.reason),
                    location: config.name.origin,
                    trace: config.name.trace.clone(),
                    written: true,
                }),
                applicable: true,
                independent: false,
            };
        }
    }
    base
}

/// A `child` condition: the children of the subject of that type, each judged by `filter`
/// (every child passes without one), then counted by the quantifier. A child that may not be
/// deployed, or may belong to another server, counts only when that does not change the
/// verdict.
pub(super) fn child(subject: &Subject<'_>, condition: &ChildCondition) -> Outcome {
    let deployment = subject.deployment;
    let Some(index) = subject.index else { return Outcome::not_applicable() };
    let kind = &condition.child;
    // Each child: its verdict under the filter, and whether it surely is one of this server's.
    let mut sure: Vec<(Outcome, &Resource)> = Vec::new();
    let mut maybe: Vec<(Outcome, &Resource, Unknown)> = Vec::new();
    for (position, resource, maybe_parent) in deployment.children(index, kind) {
        if resource.existing {
            continue;
        }
        let element = Subject {
            deployment,
            index: Some(position),
            node: &resource.body,
            external: false,
            declaration: resource.declaration,
            today: subject.today,
        };
        let judged = condition.filter.as_ref().map_or_else(Outcome::pass, |f| f.evaluate(&element));
        match (maybe_parent, &resource.deployed) {
            (Some(u), _) => maybe.push((judged, resource, u.clone())),
            // A child that may not be deployed cannot prove that one exists…
            (None, Tri::Unknown(u)) if condition.quantifier == Quantifier::Exists => {
                maybe.push((judged, resource, u.clone()))
            }
            // …but one that breaks `all` or `none` is judged as deployed, saying when.
            (None, _) => sure.push((if_deployed(judged, resource), resource)),
        }
    }
    let verdict_of = |children: &[(Outcome, &Resource)]| -> Outcome {
        quantify(subject, condition, children.iter().map(|(o, r)| (o.clone(), *r)))
    };
    // A server the template does not create may have such a child already, which can only
    // help `exists`: for `all` and `none`, a child the template deploys that breaks the
    // condition breaks it whatever else the server has.
    let unjudged = |outcome: Outcome| {
        if subject.external && outcome.verdict != Tri::Yes && condition.quantifier == Quantifier::Exists {
            Outcome::not_applicable()
        } else {
            outcome
        }
    };
    let base = unjudged(verdict_of(&sure));
    for (judged, resource, u) in &maybe {
        let mut with: Vec<(Outcome, &Resource)> = sure.clone();
        with.push((judged.clone(), *resource));
        let alternative = unjudged(verdict_of(&with));
        if !alternative.same_verdict(&base) {
            return Outcome {
                verdict: Tri::Unknown(u.clone()),
                evidence: Some(Evidence {
                    message: format!(
                        "a `{kind}` child that may be deployed for this resource would change the verdict: {}",
                        u.reason
                    ),
                    location: resource.declaration,
                    trace: resource.name.trace.clone(),
                    written: true,
                }),
                applicable: true,
                independent: false,
            };
        }
    }
    base
}

fn quantify<'r>(
    subject: &Subject<'_>,
    condition: &ChildCondition,
    children: impl Iterator<Item = (Outcome, &'r Resource)>,
) -> Outcome {
    let kind = &condition.child;
    let children: Vec<(Outcome, &Resource)> = children.collect();
    let filtered = condition.filter.is_some();
    match condition.quantifier {
        Quantifier::Exists => {
            if children.iter().any(|(o, _)| o.verdict == Tri::Yes) {
                // Children are deployed on their own: the verdict holds whatever the server's condition.
                return Outcome { independent: true, ..Outcome::pass() };
            }
            if let Some((unknown, _)) = children.iter().find(|(o, _)| matches!(o.verdict, Tri::Unknown(_))) {
                return unknown.clone();
            }
            let message = match children.first() {
                Some((failed, _)) if filtered => {
                    let why = failed.evidence.as_ref().map(|e| e.message.clone()).unwrap_or_default();
                    format!("no `{kind}` child meets the condition ({why})")
                }
                _ => format!("the resource has no `{kind}` child"),
            };
            let (location, trace) = match children.first() {
                Some((failed, _)) => failed
                    .evidence
                    .as_ref()
                    .map_or((subject.declaration, Vec::new()), |e| (e.location, e.trace.clone())),
                None => (subject.declaration, Vec::new()),
            };
            Outcome {
                verdict: Tri::No,
                evidence: Some(Evidence { message, location, trace, written: !children.is_empty() }),
                applicable: true,
                independent: !children.is_empty(),
            }
        }
        Quantifier::All => {
            let outcomes = children.into_iter().map(|(o, _)| o);
            let mut outcome = Outcome { independent: true, ..combine(outcomes, false) };
            if outcome.verdict == Tri::No
                && let Some(evidence) = &mut outcome.evidence
            {
                evidence.message = format!("one `{kind}` child does not meet the condition ({})", evidence.message);
            }
            outcome
        }
        Quantifier::None => {
            let found = children.iter().find(|(o, _)| o.verdict == Tri::Yes);
            if let Some((_, resource)) = found {
                return Outcome {
                    verdict: Tri::No,
                    evidence: Some(Evidence {
                        message: if filtered {
                            format!("a `{kind}` child meets a condition it must not")
                        } else {
                            format!("the resource has a `{kind}` child")
                        },
                        location: resource.declaration,
                        trace: Vec::new(),
                        written: true,
                    }),
                    applicable: true,
                    independent: true,
                };
            }
            match children.iter().find(|(o, _)| matches!(o.verdict, Tri::Unknown(_))) {
                Some((unknown, _)) => unknown.clone(),
                None => Outcome { independent: true, ..Outcome::pass() },
            }
        }
    }
}
