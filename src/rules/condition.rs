//! The check vocabulary: what a rule file can say a resource must satisfy, and its three-valued
//! evaluation. A condition is a property or server-parameter comparison, a related resource
//! that must exist, a named predicate, or `any`/`all`/`not` of conditions.

use crate::model::compare::loosely_equals;
use crate::model::{Deployment, Node, PropertyLookup, Resource, TraceKind, TraceStep, Tri, Unknown, Value};
use crate::rules::predicates::{self, Predicate};
use crate::source::Origin;
use serde::Deserialize;

/// A condition as written in a rule file, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCondition {
    property: Option<String>,
    parameter: Option<String>,
    equals: Option<toml::Value>,
    not_equals: Option<toml::Value>,
    one_of: Option<Vec<toml::Value>>,
    not_one_of: Option<Vec<toml::Value>>,
    contains: Option<toml::Value>,
    non_empty: Option<bool>,
    missing: Option<MissingVerdict>,
    any: Option<Vec<RawCondition>>,
    all: Option<Vec<RawCondition>>,
    not: Option<Box<RawCondition>>,
    referenced_by: Option<String>,
    via: Option<Vec<String>>,
    id: Option<String>,
    #[serde(rename = "where")]
    where_: Option<Box<RawCondition>>,
    predicate: Option<String>,
    start: Option<String>,
    end: Option<String>,
    max_public_addresses: Option<u64>,
}

/// Whether a condition holds when the value it reads is not set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingVerdict {
    Pass,
    Fail,
}

#[derive(Debug, Clone)]
pub enum Condition {
    /// A value at a property path of the subject (the resource body, or an element of it).
    Property {
        path: Vec<String>,
        test: Test,
        missing: MissingVerdict,
    },
    /// A server parameter: a `configurations` child with that name and its `properties.value`.
    Parameter {
        name: String,
        test: Test,
        missing: MissingVerdict,
    },
    /// Some resource of `resource_type` in the deployment has, in one of the arrays `via`, an
    /// element whose `id` property is this resource's id and which satisfies `filter`.
    ReferencedBy {
        resource_type: String,
        via: Vec<Vec<String>>,
        id: Vec<String>,
        filter: Option<Box<Condition>>,
    },
    Predicate(Predicate),
    Any(Vec<Condition>),
    All(Vec<Condition>),
    Not(Box<Condition>),
}

/// A comparison; strings compare without regard to case, as Azure compares enum values.
#[derive(Debug, Clone)]
pub enum Test {
    OneOf(Vec<Value>),
    NotOneOf(Vec<Value>),
    Contains(Value),
    NonEmpty,
}

impl RawCondition {
    /// Validates the raw table; the error names the offending field.
    pub fn build(self) -> Result<Condition, String> {
        let combinators = [self.any.is_some(), self.all.is_some(), self.not.is_some()];
        let kinds =
            [self.property.is_some(), self.parameter.is_some(), self.referenced_by.is_some(), self.predicate.is_some()];
        let count = combinators.iter().chain(kinds.iter()).filter(|b| **b).count();
        if count != 1 {
            return Err("a condition needs exactly one of `property`, `parameter`, `referenced-by`, `predicate`, `any`, `all`, `not`".into());
        }
        if let Some(items) = self.any {
            return Ok(Condition::Any(build_all(items, "any")?));
        }
        if let Some(items) = self.all {
            return Ok(Condition::All(build_all(items, "all")?));
        }
        if let Some(inner) = self.not {
            return Ok(Condition::Not(Box::new(inner.build()?)));
        }
        if let Some(resource_type) = self.referenced_by {
            let via = self.via.ok_or("`referenced-by` needs `via` (the arrays of links)")?;
            let id = self.id.ok_or("`referenced-by` needs `id` (the link's property path)")?;
            let filter = match self.where_ {
                Some(c) => Some(Box::new(c.build()?)),
                None => None,
            };
            return Ok(Condition::ReferencedBy {
                resource_type,
                via: via.iter().map(|p| parse_path(p)).collect::<Result<_, _>>()?,
                id: parse_path(&id)?,
                filter,
            });
        }
        if let Some(name) = self.predicate {
            return predicates::build(&name, self.start, self.end, self.max_public_addresses).map(Condition::Predicate);
        }
        let tests = [
            self.equals.map(|v| to_values(vec![v]).map(Test::OneOf)),
            self.one_of.map(|v| to_values(v).map(Test::OneOf)),
            self.not_equals.map(|v| to_values(vec![v]).map(Test::NotOneOf)),
            self.not_one_of.map(|v| to_values(v).map(Test::NotOneOf)),
            self.contains.map(|v| to_value(v).map(Test::Contains)),
            self.non_empty.map(|b| if b { Ok(Test::NonEmpty) } else { Err("`non-empty` can only be `true`".into()) }),
        ];
        let mut tests: Vec<Result<Test, String>> = tests.into_iter().flatten().collect();
        if tests.len() != 1 {
            return Err("a comparison needs exactly one of `equals`, `not-equals`, `one-of`, `not-one-of`, `contains`, `non-empty`".into());
        }
        let test = tests.remove(0)?;
        let missing = self.missing.ok_or(
            "a comparison needs `missing = \"pass\"` or `\"fail\"`: what Azure does when the value is not set",
        )?;
        match (self.property, self.parameter) {
            (Some(path), None) => Ok(Condition::Property { path: parse_path(&path)?, test, missing }),
            (None, Some(name)) => Ok(Condition::Parameter { name, test, missing }),
            _ => Err("a comparison reads either `property` or `parameter`".into()),
        }
    }
}

fn build_all(items: Vec<RawCondition>, field: &str) -> Result<Vec<Condition>, String> {
    if items.is_empty() {
        return Err(format!("`{field}` needs at least one condition"));
    }
    items.into_iter().map(RawCondition::build).collect()
}

pub(crate) fn parse_path(path: &str) -> Result<Vec<String>, String> {
    let segments: Vec<String> = path.split('.').map(str::to_string).collect();
    if segments.iter().any(String::is_empty) {
        return Err(format!("`{path}` is not a property path such as `properties.network.publicNetworkAccess`"));
    }
    Ok(segments)
}

fn to_values(values: Vec<toml::Value>) -> Result<Vec<Value>, String> {
    values.into_iter().map(to_value).collect()
}

fn to_value(value: toml::Value) -> Result<Value, String> {
    match value {
        toml::Value::String(s) => Ok(Value::String(s)),
        toml::Value::Integer(i) => Ok(Value::Int(i)),
        toml::Value::Boolean(b) => Ok(Value::Bool(b)),
        other => Err(format!("comparisons take strings, integers or booleans, not `{other}`")),
    }
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

    fn same_verdict(&self, other: &Outcome) -> bool {
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
    pub index: usize,
    /// The node paths are read from: the resource body, or an element of it.
    pub node: &'a Node,
    /// A resource the template does not create (an `existing` one): only what its children
    /// change is judged.
    pub external: bool,
}

impl<'a> Subject<'a> {
    pub fn resource(&self) -> &'a Resource {
        &self.deployment.resources[self.index]
    }
}

impl Condition {
    pub fn evaluate(&self, subject: &Subject<'_>) -> Outcome {
        match self {
            // A resource the template does not create has none of its own settings in it.
            Condition::Property { .. } | Condition::ReferencedBy { .. } | Condition::Predicate(_)
                if subject.external =>
            {
                Outcome::not_applicable()
            }
            Condition::Property { path, test, missing } => {
                let check =
                    Check { what: display_path(path), test, missing: *missing, at: subject.resource().declaration };
                check.property(subject.node, path, true)
            }
            Condition::Parameter { name, test, missing } => parameter(subject, name, test, *missing),
            Condition::ReferencedBy { resource_type, via, id, filter } => {
                referenced_by(subject, resource_type, via, id, filter.as_deref())
            }
            Condition::Predicate(p) => p.evaluate(subject),
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
                        location: subject.resource().declaration,
                        trace: Vec::new(),
                        written: false,
                    })
                });
                Outcome { verdict: out.verdict.negated(), evidence, applicable: true, independent: false }
            }
        }
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

fn show_list(values: &[Value]) -> String {
    values.iter().map(Value::describe).collect::<Vec<_>>().join(" or ")
}

/// A comparison of the value at a property, with what a missing value means.
struct Check<'t> {
    what: String,
    test: &'t Test,
    missing: MissingVerdict,
    /// Where a missing value is reported.
    at: Origin,
}

impl Check<'_> {
    /// The value at `path` under `root`; an enclosing unknown with options is judged for each
    /// value it may take.
    fn property(&self, root: &Node, path: &[String], anchor: bool) -> Outcome {
        let mut node = root;
        for (depth, key) in path.iter().enumerate() {
            if let Value::Unknown(u) = &node.value {
                return self.options_or_unknown(u, node, |option| self.property(option, &path[depth..], false));
            }
            match node.get(key) {
                Some(Node { value: Value::Null, .. }) => return self.missing(),
                Some(next) => node = next,
                None => {
                    if let Some(spread @ Node { value: Value::Unknown(u), .. }) = node.get(crate::model::UNKNOWN_SPREAD)
                    {
                        return unknown_outcome(&self.what, u, spread);
                    }
                    return self.missing();
                }
            }
        }
        if anchor { self.value(&anchored(root, path, node)) } else { self.value(node) }
    }

    /// The value found: `null` is not set; an unknown with options is judged for each.
    fn value(&self, node: &Node) -> Outcome {
        match &node.value {
            Value::Null => self.missing(),
            Value::Unknown(u) if u.options.is_some() => self.options_or_unknown(u, node, |option| {
                let mut option = option.clone();
                option.trace = node.trace.iter().chain(&option.trace).cloned().collect();
                self.value(&option)
            }),
            _ => compare(node, &self.what, self.test),
        }
    }

    fn missing(&self) -> Outcome {
        missing_outcome(self.missing, &self.what, self.at, "is not set")
    }

    /// Every value `u` may take judged by `judge`: the same verdict for all is the verdict;
    /// otherwise it is unknown, naming the input and the values that fail.
    fn options_or_unknown(&self, u: &Unknown, node: &Node, judge: impl Fn(&Node) -> Outcome) -> Outcome {
        let Some(options) = &u.options else { return unknown_outcome(&self.what, u, node) };
        let outcomes: Vec<(Outcome, &String)> = options.values.iter().map(|(n, label)| (judge(n), label)).collect();
        let all = |v: fn(&Tri) -> bool| outcomes.iter().all(|(o, _)| v(&o.verdict));
        if all(|t| *t == Tri::Yes) {
            return Outcome::pass();
        }
        if all(|t| *t == Tri::No) {
            return outcomes.into_iter().next().map(|(o, _)| o).unwrap_or_else(Outcome::pass);
        }
        let failing: Vec<&str> =
            outcomes.iter().filter(|(o, _)| o.verdict == Tri::No).map(|(_, l)| l.as_str()).collect();
        let message = if failing.is_empty() {
            format!("{} cannot be resolved: {}", self.what, u.reason)
        } else {
            format!("{} fails when {} {}", self.what, options.input, failing.join(" or "))
        };
        let trace = outcomes
            .iter()
            .find(|(o, _)| o.verdict == Tri::No)
            .and_then(|(o, _)| o.evidence.as_ref())
            .map(|e| e.trace.clone())
            .unwrap_or_else(|| node.trace.clone());
        Outcome {
            verdict: Tri::Unknown(u.plain()),
            evidence: Some(Evidence { message, location: node.origin, trace, written: true }),
            applicable: true,
            independent: false,
        }
    }
}

fn compare(node: &Node, what: &str, test: &Test) -> Outcome {
    if let Some(u) = node.value.first_unknown()
        && !matches!(test, Test::NonEmpty)
    {
        return unknown_outcome(what, u, node);
    }
    let (verdict, expectation) = match test {
        Test::OneOf(allowed) => (any_equal(&node.value, allowed), format!("expected {}", show_list(allowed))),
        Test::NotOneOf(denied) => (
            match any_equal(&node.value, denied) {
                Tri::Yes => Tri::No,
                Tri::No => Tri::Yes,
                u => u,
            },
            format!("must not be {}", show_list(denied)),
        ),
        Test::Contains(item) => (contains(&node.value, item), format!("expected it to contain {}", item.describe())),
        Test::NonEmpty => (node.value.is_non_empty_string(), "expected a value".into()),
    };
    match verdict {
        Tri::Yes => Outcome::pass(),
        Tri::No => Outcome {
            verdict: Tri::No,
            evidence: Some(Evidence {
                message: format!("{what} is {} ({expectation})", node.value.describe()),
                location: node.origin,
                trace: node.trace.clone(),
                written: true,
            }),
            applicable: true,
            independent: false,
        },
        Tri::Unknown(u) => unknown_outcome(what, &u, node),
    }
}

fn any_equal(value: &Value, candidates: &[Value]) -> Tri {
    let mut unknown = None;
    for c in candidates {
        match loosely_equals(value, c) {
            Tri::Yes => return Tri::Yes,
            Tri::Unknown(u) => unknown = Some(u),
            Tri::No => {}
        }
    }
    unknown.map_or(Tri::No, Tri::Unknown)
}

fn contains(value: &Value, item: &Value) -> Tri {
    match value {
        Value::Array(items) => {
            let mut unknown = None;
            for node in items {
                match loosely_equals(&node.value, item) {
                    Tri::Yes => return Tri::Yes,
                    Tri::Unknown(u) => unknown = Some(u),
                    Tri::No => {}
                }
            }
            unknown.map_or(Tri::No, Tri::Unknown)
        }
        Value::Unknown(u) => Tri::Unknown(u.clone()),
        _ => Tri::No,
    }
}

fn missing_outcome(missing: MissingVerdict, what: &str, at: Origin, how: &str) -> Outcome {
    match missing {
        MissingVerdict::Pass => Outcome::pass(),
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
            Tri::Yes => passed = passed.or(Some(out)),
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

/// A server parameter: every configuration of that name is judged (two that disagree leave the
/// result to deployment order, so the worse one counts). A configuration that may be this one
/// (its name, or its parent, is not known) makes the verdict unknown when it would change it.
fn parameter(subject: &Subject<'_>, name: &str, test: &Test, missing: MissingVerdict) -> Outcome {
    let deployment = subject.deployment;
    let what = format!("server parameter `{name}`");
    let wanted = Value::String(name.to_string());
    let mut named = Vec::new();
    let mut maybe = Vec::new();
    for (config, maybe_parent) in deployment.children(subject.index, "configurations") {
        if config.existing {
            continue;
        }
        let outcome = || {
            let outcome = match lookup(&config.body, &["properties".into(), "value".into()]) {
                PropertyLookup::Found(node) => {
                    Check { what: what.clone(), test, missing, at: config.declaration }.value(node)
                }
                PropertyLookup::Missing => {
                    missing_outcome(missing, &what, config.declaration, "has no `properties.value`")
                }
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
        missing_outcome(missing, &what, subject.resource().declaration, "is not set")
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

fn referenced_by(
    subject: &Subject<'_>,
    resource_type: &str,
    via: &[Vec<String>],
    id_path: &[String],
    filter: Option<&Condition>,
) -> Outcome {
    let deployment = subject.deployment;
    let target = subject.resource();
    let target_id = Value::ResourceId(Box::new(target.id(subject.index)));
    let mut unknown: Option<Outcome> = None;
    // The finding is about this resource: it points here, and the link that could not be
    // resolved is its trace.
    let mut note_unknown = |u: &Unknown, node: &Node| {
        if unknown.is_none() {
            let mut trace = node.trace.clone();
            trace.push(TraceStep::new(
                node.origin,
                TraceKind::Note(format!("this `{resource_type}` link: {}", u.reason)),
            ));
            unknown = Some(Outcome {
                verdict: Tri::Unknown(u.clone()),
                evidence: Some(Evidence {
                    message: format!("whether a `{resource_type}` connects to this resource is unknown: {}", u.reason),
                    location: target.declaration,
                    trace,
                    written: true,
                }),
                applicable: true,
                independent: false,
            });
        }
    };
    for (index, candidate) in deployment.of_type(resource_type) {
        for array_path in via {
            let items = match lookup(&candidate.body, array_path) {
                PropertyLookup::Found(Node { value: Value::Array(items), .. }) => items,
                PropertyLookup::Found(Node { value: Value::Unknown(u), .. }) => {
                    note_unknown(u, &candidate.body);
                    continue;
                }
                PropertyLookup::Unknown(u, _) => {
                    note_unknown(&u, &candidate.body);
                    continue;
                }
                PropertyLookup::Missing => continue,
                PropertyLookup::Found(other) => {
                    let u = Unknown::opaque(format!("the links are {}", other.value.describe()), other.origin);
                    note_unknown(&u, other);
                    continue;
                }
            };
            for item in items {
                let link = match lookup(item, id_path) {
                    PropertyLookup::Found(link) => link,
                    PropertyLookup::Missing => continue,
                    PropertyLookup::Unknown(u, node) => {
                        note_unknown(&u, node);
                        continue;
                    }
                };
                // `ref.id` of an `existing` reference to this very resource is its id.
                let via_twin = matches!(&link.value, Value::ResourceId(id)
                    if id.target.and_then(|t| deployment.twins.get(&t)) == Some(&subject.index));
                let linked = match if via_twin { Tri::Yes } else { loosely_equals(&link.value, &target_id) } {
                    Tri::Yes => true,
                    Tri::No => false,
                    Tri::Unknown(u) => {
                        note_unknown(&u, link);
                        false
                    }
                };
                if !linked {
                    continue;
                }
                let element = Subject { deployment, index, node: item, external: false };
                let filtered = filter.map_or(Outcome::pass(), |f| f.evaluate(&element));
                match (filtered.verdict, &candidate.deployed) {
                    (Tri::Yes, Tri::Yes) => return Outcome::pass(),
                    // An endpoint that may not be deployed cannot prove a pass.
                    (Tri::Yes, Tri::Unknown(u)) => match &candidate.when {
                        Some(when) => {
                            let reason = format!("it is deployed only when {when}");
                            note_unknown(&Unknown { reason: reason.into(), ..u.clone() }, &candidate.body)
                        }
                        None => note_unknown(u, &candidate.body),
                    },
                    (Tri::Unknown(u), _) => note_unknown(&u, item),
                    _ => {}
                }
            }
        }
    }
    if unknown.is_none()
        && let Some(opaque) = deployment.opaque.iter().find(|o| o.inputs.value.mentions(&target_id))
    {
        let reason = format!(
            "{} receives this resource's id and may deploy a `{resource_type}`; its content is not visible",
            opaque.label
        );
        return Outcome {
            verdict: Tri::Unknown(Unknown::opaque(reason.clone(), opaque.origin)),
            evidence: Some(Evidence {
                message: format!("whether a `{resource_type}` connects to this resource is unknown: {reason}"),
                location: target.declaration,
                trace: vec![TraceStep::new(opaque.origin, TraceKind::Note(opaque.label.clone()))],
                written: true,
            }),
            applicable: true,
            independent: false,
        };
    }
    unknown.unwrap_or_else(|| Outcome {
        verdict: Tri::No,
        evidence: Some(Evidence {
            message: format!("no `{resource_type}` in the deployment connects to this resource"),
            location: target.declaration,
            trace: Vec::new(),
            written: true,
        }),
        applicable: true,
        independent: false,
    })
}
