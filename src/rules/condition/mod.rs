//! The check vocabulary: what a rule file can say a resource (or an output) must satisfy, and
//! its three-valued evaluation. A condition is a comparison of a property or a server
//! parameter, a child resource that must exist (or whose every instance must meet a
//! condition), a related resource that links to the subject or has it as `scope`, the API
//! version the resource is declared with, a named predicate, a constant, or `any`/`all`/`not`
//! of conditions. `parse` reads each kind from its
//! table; the kinds are evaluated in `property`, `children` and `related`.

mod children;
pub mod comparison;
pub(crate) mod parse;
mod property;
mod related;

use crate::model::{Deployment, Node, PropertyLookup, Resource, TraceKind, TraceStep, Tri, Unknown, Value};
use crate::rules::date::Date;
use crate::rules::predicates::Predicate;
use crate::source::Origin;
use comparison::Test;
use serde::Deserialize;

pub use parse::parse_path;

/// Whether a condition holds when the value it reads is not set.
#[derive(Debug, Clone, PartialEq)]
pub enum MissingVerdict {
    Pass,
    Fail,
    /// Azure's default value, judged by the comparison's test as if written: the verdict then
    /// follows a threshold a user may raise (`--set PG402.min-days=14`).
    Default(Value),
}

/// How many children a `child` condition asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Quantifier {
    /// At least one child meets `where` (or exists, without one).
    #[default]
    Exists,
    /// Every child meets `where`; no child at all passes.
    All,
    /// No child meets `where` (or none exists, without one).
    None,
}

#[derive(Debug, Clone)]
pub enum Condition {
    /// A value at a property path of the subject (the resource body, or an element of it).
    Property {
        path: Vec<String>,
        test: Test,
        missing: MissingVerdict,
        /// API versions in which the property is read-only: not set by the template there.
        read_only_in: Vec<String>,
    },
    /// A server parameter: a `configurations` child with that name and its `properties.value`.
    Parameter {
        name: String,
        test: Test,
        missing: MissingVerdict,
    },
    Child(ChildCondition),
    Related(Related),
    /// The resource is declared with one of these API versions: what a template may write
    /// depends on it (a property that exists in one version only).
    ApiVersion(Vec<String>),
    Predicate(Predicate),
    /// Holds or fails whatever the subject says (PG604: every single server fails).
    Constant {
        holds: bool,
        message: Option<String>,
    },
    Any(Vec<Condition>),
    All(Vec<Condition>),
    Not(Box<Condition>),
}

/// Children of the subject's type plus `/child` (`administrators`), however declared.
#[derive(Debug, Clone)]
pub struct ChildCondition {
    pub child: String,
    pub quantifier: Quantifier,
    pub filter: Option<Box<Condition>>,
}

/// Some resource of `resource_type` in the deployment links to the subject: through an
/// element of one of the arrays `via` whose `id` property is the subject's id, or (no `via`)
/// through its own `id` property, such as `scope`; and the element or resource meets `filter`.
#[derive(Debug, Clone)]
pub struct Related {
    pub resource_type: String,
    pub via: Vec<Vec<String>>,
    pub id: Vec<String>,
    pub filter: Option<Box<Condition>>,
}

/// The result of evaluating a condition on one resource: the verdict and, when it is not a
/// pass, the evidence a finding reports.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub verdict: Tri,
    pub evidence: Option<Evidence>,
    /// False when the subject gives the condition nothing to judge: a server the template
    /// does not create has no settings of its own in it.
    pub applicable: bool,
    /// The verdict rests on resources deployed on their own (a server's configurations):
    /// it holds whether or not the subject itself is deployed.
    pub independent: bool,
}

#[derive(Debug, Clone)]
pub struct Evidence {
    pub message: String,
    pub location: Origin,
    pub trace: Vec<TraceStep>,
    /// Whether the evidence is about something the template says (a value, a missing related
    /// resource) rather than a property it leaves out: a finding prefers such evidence.
    pub written: bool,
}

impl Outcome {
    pub(crate) fn pass() -> Self {
        Outcome { verdict: Tri::Yes, evidence: None, applicable: true, independent: false }
    }

    pub(crate) fn not_applicable() -> Self {
        Outcome { verdict: Tri::Yes, evidence: None, applicable: false, independent: false }
    }

    pub(super) fn same_verdict(&self, other: &Outcome) -> bool {
        self.applicable == other.applicable
            && matches!(
                (&self.verdict, &other.verdict),
                (Tri::Yes, Tri::Yes) | (Tri::No, Tri::No) | (Tri::Unknown(_), Tri::Unknown(_))
            )
    }
}

/// What a condition is evaluated against.
pub struct Subject<'a> {
    pub deployment: &'a Deployment,
    /// The resource judged; `None` for an output.
    pub index: Option<usize>,
    /// The node paths are read from: the resource body, an element of it, or an output.
    pub node: &'a Node,
    /// A resource the template does not create (an `existing` one): only what its children
    /// change is judged.
    pub external: bool,
    /// Where a finding about a missing value points: the declaration.
    pub declaration: Origin,
    /// The scan's date, for date-dependent tests.
    pub today: Date,
}

impl<'a> Subject<'a> {
    pub fn resource(&self) -> Option<&'a Resource> {
        self.index.map(|i| &self.deployment.resources[i])
    }
}

impl Condition {
    /// Whether the condition reads a secret (`secure-input`, `no-secret`; only `secure-input`
    /// when `at_value`, the test whose value itself may be the secret): reports then never show
    /// it, in a message or in an excerpt.
    pub fn reads_secret(&self, at_value: bool) -> bool {
        let secret = |test: &Test| match test {
            Test::SecureInput => true,
            Test::NoSecret => !at_value,
            _ => false,
        };
        match self {
            Condition::Property { test, .. } | Condition::Parameter { test, .. } => secret(test),
            Condition::Child(ChildCondition { filter, .. }) | Condition::Related(Related { filter, .. }) => {
                filter.as_ref().is_some_and(|f| f.reads_secret(at_value))
            }
            Condition::Predicate(_) | Condition::Constant { .. } | Condition::ApiVersion(_) => false,
            Condition::Any(list) | Condition::All(list) => list.iter().any(|c| c.reads_secret(at_value)),
            Condition::Not(inner) => inner.reads_secret(at_value),
        }
    }

    pub fn evaluate(&self, subject: &Subject<'_>) -> Outcome {
        match self {
            // A resource the template does not create has none of its own settings in it.
            Condition::Property { .. }
            | Condition::Related(_)
            | Condition::Predicate(_)
            | Condition::Constant { .. }
                if subject.external =>
            {
                Outcome::not_applicable()
            }
            Condition::Property { path, test, missing, read_only_in } => {
                property::property(subject, path, test, missing, read_only_in)
            }
            Condition::Parameter { name, test, missing } => children::parameter(subject, name, test, missing),
            Condition::Child(child) => children::child(subject, child),
            Condition::Related(related) => related::related(subject, related),
            Condition::ApiVersion(versions) => api_version(subject, versions),
            Condition::Predicate(p) => p.evaluate(subject),
            Condition::Constant { holds: true, .. } => Outcome::pass(),
            Condition::Constant { holds: false, message } => Outcome {
                verdict: Tri::No,
                evidence: Some(Evidence {
                    message: message.clone().unwrap_or_else(|| "the resource is deployed".into()),
                    location: subject.declaration,
                    trace: Vec::new(),
                    written: true,
                }),
                applicable: true,
                independent: false,
            },
            Condition::Any(items) => combine(items.iter().map(|c| c.evaluate(subject)), true),
            Condition::All(items) => combine(items.iter().map(|c| c.evaluate(subject)), false),
            Condition::Not(inner) => {
                let out = inner.evaluate(subject);
                if !out.applicable {
                    return out;
                }
                let evidence = out.evidence.or_else(|| {
                    Some(Evidence {
                        message: "the resource meets a condition it must not".into(),
                        location: subject.declaration,
                        trace: Vec::new(),
                        written: false,
                    })
                });
                Outcome { verdict: out.verdict.negated(), evidence, applicable: true, independent: false }
            }
        }
    }
}

/// Whether the subject resource is declared with one of `versions`. A version written as an
/// ARM expression the scan cannot compute (`[parameters('api')]` without a value) is not known.
fn api_version(subject: &Subject<'_>, versions: &[String]) -> Outcome {
    let Some(resource) = subject.resource() else { return Outcome::not_applicable() };
    let version = match resource.api_version.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() && !v.starts_with('[') => v,
        other => {
            let reason = match other {
                Some(v) if !v.is_empty() => format!("the API version `{v}` is an expression"),
                _ => "the resource's API version is not known".to_string(),
            };
            let unknown = Unknown::opaque(reason.clone(), subject.declaration);
            return Outcome {
                verdict: Tri::Unknown(unknown),
                evidence: Some(Evidence {
                    message: reason,
                    location: subject.declaration,
                    trace: Vec::new(),
                    written: true,
                }),
                applicable: true,
                independent: false,
            };
        }
    };
    if versions.iter().any(|v| v.eq_ignore_ascii_case(version)) {
        return Outcome::pass();
    }
    Outcome {
        verdict: Tri::No,
        evidence: Some(Evidence {
            message: format!("the resource is declared with API version {version}, not {}", versions.join(" or ")),
            location: subject.declaration,
            trace: Vec::new(),
            written: true,
        }),
        applicable: true,
        independent: false,
    }
}

pub(crate) fn lookup<'n>(node: &'n Node, path: &[String]) -> PropertyLookup<'n> {
    let mut node = node;
    for key in path {
        if let Value::Unknown(u) = &node.value {
            return PropertyLookup::Unknown(u.clone(), node);
        }
        match node.get(key) {
            // A property set to `null` is not set.
            Some(Node { value: Value::Null, .. }) => return PropertyLookup::Missing,
            Some(next) => node = next,
            None => {
                if let Some(Node { value: Value::Unknown(u), .. }) = node.get(crate::model::UNKNOWN_SPREAD) {
                    return PropertyLookup::Unknown(u.clone(), node);
                }
                return PropertyLookup::Missing;
            }
        }
    }
    PropertyLookup::Found(node)
}

/// The value found at `path`, reported where the resource reads it: when part of the path
/// came from elsewhere (an object in a variable), the finding points at the property in the
/// resource and the definition joins the trace.
fn anchored(root: &Node, path: &[String], found: &Node) -> Node {
    let mut node = root;
    let mut anchor: Option<Origin> = None;
    // Every step of the way: an object from a variable, a spread, then the value itself.
    let mut trace: Vec<TraceStep> = Vec::new();
    for key in path {
        let Some(child) = node.get(key) else { break };
        for step in &child.trace {
            if !trace.contains(step) {
                trace.push(step.clone());
            }
        }
        let inside = child.origin.file == node.origin.file
            && node.origin.span.start <= child.origin.span.start
            && child.origin.span.end <= node.origin.span.end;
        if !inside && anchor.is_none() {
            // Written elsewhere: point at the spread that brought it, or the property here.
            let spread = child.trace.iter().find(|t| t.kind == TraceKind::Spread).map(|t| t.origin);
            anchor = Some(spread.unwrap_or(node.origin));
        }
        node = child;
    }
    let mut located = found.clone();
    match anchor {
        Some(anchor) if anchor != root.origin => {
            trace.push(TraceStep::new(found.origin, TraceKind::SetHere));
            located.origin = anchor;
        }
        _ => {}
    }
    located.trace = trace;
    located
}

/// How a message names a property: in backticks.
fn display_path(path: &[String]) -> String {
    format!("`{}`", path.join("."))
}

/// What a value that is not set gives: a fixed verdict, or Azure's default judged by `test`.
fn missing_outcome(missing: &MissingVerdict, test: &Test, today: Date, what: &str, at: Origin, how: &str) -> Outcome {
    match missing {
        MissingVerdict::Pass => Outcome::pass(),
        MissingVerdict::Default(value) => {
            let (verdict, expectation) = comparison::judge(&Node::new(value.clone(), at), test, today);
            let message = format!("{what} {how}, so Azure's default {} applies ({expectation})", value.describe());
            match verdict {
                Tri::Yes => Outcome::pass(),
                verdict => Outcome {
                    verdict,
                    evidence: Some(Evidence { message, location: at, trace: Vec::new(), written: false }),
                    applicable: true,
                    independent: false,
                },
            }
        }
        MissingVerdict::Fail => Outcome {
            verdict: Tri::No,
            evidence: Some(Evidence {
                message: format!("{what} {how}"),
                location: at,
                trace: Vec::new(),
                written: false,
            }),
            applicable: true,
            independent: false,
        },
    }
}

fn unknown_outcome(what: &str, unknown: &Unknown, node: &Node) -> Outcome {
    Outcome {
        verdict: Tri::Unknown(unknown.clone()),
        evidence: Some(Evidence {
            message: format!("{what} cannot be resolved: {}", unknown.reason),
            location: node.origin,
            trace: node.trace.clone(),
            written: true,
        }),
        applicable: true,
        independent: false,
    }
}

/// `any` (`is_any`) or `all` over outcomes, three-valued: `any` passes when one passes and is
/// unknown when none passes but one is unknown; `all` is its dual.
fn combine(outcomes: impl Iterator<Item = Outcome>, is_any: bool) -> Outcome {
    let mut failed: Option<Outcome> = None;
    let mut unknown: Option<Outcome> = None;
    let mut passed: Option<Outcome> = None;
    for out in outcomes {
        match out.verdict {
            // A pass that judged something decides `any`; one with nothing to judge (a setting
            // of a server the template does not create) leaves `all` unjudged. Either way the
            // verdict does not depend on the order the conditions are written in.
            Tri::Yes => {
                let replace = match &passed {
                    None => true,
                    Some(p) => p.applicable != out.applicable && out.applicable == is_any,
                };
                if replace {
                    passed = Some(out);
                }
            }
            Tri::No => {
                // Prefer evidence that points at a written value over a missing one.
                let better = match &failed {
                    None => true,
                    Some(f) => {
                        !f.evidence.as_ref().is_some_and(|e| e.written)
                            && out.evidence.as_ref().is_some_and(|e| e.written)
                    }
                };
                if better {
                    failed = Some(out);
                }
            }
            Tri::Unknown(_) => unknown = unknown.or(Some(out)),
        }
    }
    let (decided, otherwise) = if is_any { (passed, failed) } else { (failed, passed) };
    decided.or(unknown).or(otherwise).unwrap_or_else(Outcome::pass)
}

/// A resource whose condition is unknown is judged as deployed: its verdict stands, and the
/// finding says under which condition it is deployed ("… when `deployServer` is true").
pub(crate) fn if_deployed(mut outcome: Outcome, resource: &Resource) -> Outcome {
    if let (Tri::No | Tri::Unknown(_), Tri::Unknown(_)) = (&outcome.verdict, &resource.deployed)
        && let Some(evidence) = &mut outcome.evidence
    {
        match &resource.when {
            Some(when) => evidence.message.push_str(&format!(" when {when}")),
            None => evidence.message.push_str(" (if its loop has any elements)"),
        }
    }
    outcome
}
