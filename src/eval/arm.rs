//! Evaluates an ARM JSON template: parameters (defaults), variables, expressions in strings,
//! `copy` loops, conditions, and resources nested in `resources` arrays or listed at the top
//! (as an array, or an object keyed by symbolic name in languageVersion 2.0).

use crate::eval::arm_expr::{self, ArmExpr, StringForm};
use crate::eval::functions::{self, MAX_ELEMENTS, MAX_LOOP_ELEMENTS, MAX_REFERENCE_DEPTH};
use crate::model::{Deployment, Node, OpaqueDeployment, Resource, TraceStep, Tri, Unknown, Value};
use crate::source::{FileId, Origin};
use crate::syntax::arm::{ArmDocument, Json, JsonKind};
use std::collections::HashMap;

/// Nested deployments nest at most this deep.
const MAX_NESTING: usize = 16;

pub fn evaluate_root(file: FileId, context: &str, doc: &ArmDocument, deployment: &mut Deployment) {
    let mut eval = ArmEval::new(file, &doc.root, None, Tri::Yes, 0, 0);
    eval.resources(&doc.root, context, deployment);
}

struct ArmEval<'a> {
    file: FileId,
    /// The template whose parameters and variables expressions read.
    root: &'a Json,
    /// What an enclosing deployment passes (`properties.parameters`), by lower-case name;
    /// `None` for a root template (parameters take defaults).
    inputs: Option<HashMap<String, Node>>,
    /// Whether this template is deployed: a nested deployment may have a condition.
    deployed: Tri,
    depth: usize,
    /// Which template instance this is: 0 for the root, a nested deployment's resource index
    /// plus one for its inner scope; unknowns of different instances differ.
    instance: u32,
    /// Evaluated parameters and variables, keyed `p:name` / `v:name` in lower case.
    cache: HashMap<String, Node>,
    in_progress: Vec<String>,
    copy_index: Option<Node>,
    /// The indices of the property copy loops being evaluated, by lower-case name.
    named_copies: Vec<(String, i64)>,
    /// Copy elements expanded so far in the deployment: nested copies multiply.
    expanded: usize,
}

impl<'a> ArmEval<'a> {
    fn new(
        file: FileId,
        root: &'a Json,
        inputs: Option<HashMap<String, Node>>,
        deployed: Tri,
        depth: usize,
        instance: u32,
    ) -> Self {
        ArmEval {
            file,
            root,
            inputs,
            deployed,
            depth,
            instance,
            cache: HashMap::new(),
            in_progress: Vec::new(),
            copy_index: None,
            named_copies: Vec::new(),
            expanded: 0,
        }
    }

    fn origin(&self, json: &Json) -> Origin {
        Origin::new(self.file, json.span)
    }

    /// Deploys the resources of `template` (an array, or an object keyed by symbolic name).
    fn resources(&mut self, template: &'a Json, context: &str, deployment: &mut Deployment) {
        let Some(resources) = template.get("resources") else { return };
        let list: Vec<(Option<&str>, &Json)> = match &resources.kind {
            JsonKind::Array(items) => items.iter().map(|r| (None, r)).collect(),
            JsonKind::Object(members) => members.iter().map(|m| (Some(m.name.as_str()), &m.value)).collect(),
            _ => return,
        };
        for (symbol, json) in list {
            self.resource(json, symbol, None, context, deployment);
        }
    }

    /// A `Microsoft.Resources/deployments` with an inline template deploys its resources: with
    /// `expressionEvaluationOptions.scope` `inner` (what Bicep emits) the template has its own
    /// parameters, given by `properties.parameters`; otherwise it reads the outer ones.
    /// Returns false when there is no inline template (a `templateLink`).
    fn nested_deployment(
        &mut self,
        resource: &Resource,
        json: &'a Json,
        context: &str,
        deployment: &mut Deployment,
    ) -> bool {
        let Some(properties) = json.get("properties") else { return false };
        let Some(template) = properties.get("template").filter(|t| matches!(t.kind, JsonKind::Object(_))) else {
            return false;
        };
        let context = format!("{context} › deployment {}", resource.name.value.describe());
        if self.depth >= MAX_NESTING {
            deployment.problems.push((resource.declaration, format!("nested deployments deeper than {MAX_NESTING}")));
            return true;
        }
        let deployed = resource.deployed.clone();
        let inner = properties
            .get("expressionEvaluationOptions")
            .and_then(|o| o.get("scope"))
            .and_then(Json::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
        if inner {
            let mut inputs = HashMap::new();
            if let Some(Value::Object(given)) =
                resource.body.get("properties").and_then(|p| p.get("parameters")).map(|n| &n.value)
            {
                for (name, entry) in given {
                    let value = match entry.get("value") {
                        Some(v) => v.clone(),
                        None => Node::new(
                            Value::unknown(
                                format!("parameter `{name}` of the nested deployment is a reference"),
                                entry.origin,
                            ),
                            entry.origin,
                        ),
                    };
                    inputs.insert(name.to_ascii_lowercase(), value);
                }
            }
            let instance = deployment.resources.len() as u32 + 1;
            let mut nested = ArmEval::new(self.file, template, Some(inputs), deployed, self.depth + 1, instance);
            nested.expanded = self.expanded;
            nested.resources(template, &context, deployment);
            self.expanded = nested.expanded;
        } else {
            let outer_deployed = std::mem::replace(&mut self.deployed, deployed);
            self.depth += 1;
            self.resources(template, &context, deployment);
            self.depth -= 1;
            self.deployed = outer_deployed;
        }
        true
    }

    fn resource(
        &mut self,
        json: &'a Json,
        symbol: Option<&str>,
        parent: Option<usize>,
        context: &str,
        deployment: &mut Deployment,
    ) {
        if !matches!(json.kind, JsonKind::Object(_)) {
            return;
        }
        let declaration =
            json.member("type").map_or(self.origin(json), |m| Origin::new(self.file, m.name_span.cover(m.value.span)));
        let instances = match json.get("copy") {
            Some(copy) => self.copy_instances(copy),
            None => vec![(None, String::new())],
        };
        for (index, label) in instances {
            self.copy_index = index.clone();
            let deployed = match json.get("condition") {
                Some(c) => match self.json(c).value {
                    Value::Bool(true) => Tri::Yes,
                    Value::Bool(false) => continue,
                    Value::Unknown(u) => Tri::Unknown(u),
                    other => Tri::Unknown(Unknown {
                        reason: format!("the condition is {}", other.describe()),
                        origin: self.origin(c),
                        source: None,
                    }),
                },
                None => Tri::Yes,
            };
            let deployed = match (&index, deployed) {
                (Some(Node { value: Value::Unknown(u), .. }), Tri::Yes) => Tri::Unknown(u.clone()),
                (_, d) => d,
            };
            let deployed = self.deployed.clone().and(deployed);
            let mut resource_type = json.get("type").and_then(Json::as_str).unwrap_or("").to_string();
            let mut name = json.get("name").map_or(Node::new(Value::Null, self.origin(json)), |n| self.json(n));
            if let Some(p) = parent {
                let parent_resource: &Resource = &deployment.resources[p];
                if !resource_type.contains('/') {
                    resource_type = format!("{}/{}", parent_resource.resource_type, resource_type);
                }
                let full = Value::concat(
                    vec![parent_resource.name.value.clone(), Value::String("/".into()), name.value.clone()],
                    name.origin,
                );
                name.value = full;
            }
            let mut members = Vec::new();
            if let JsonKind::Object(ms) = &json.kind {
                for m in ms {
                    let key = m.name.to_ascii_lowercase();
                    if matches!(key.as_str(), "resources" | "copy" | "condition" | "dependson" | "comments") {
                        continue;
                    }
                    members.push((m.name.clone(), self.json(&m.value)));
                }
            }
            let existing = json.get("existing").is_some_and(|e| e.kind == JsonKind::Bool(true));
            let instance_context =
                if label.is_empty() { context.to_string() } else { format!("{context} › {label}") };
            deployment.resources.push(Resource {
                resource_type,
                api_version: json.get("apiVersion").and_then(Json::as_str).map(str::to_string),
                symbol: symbol.map(str::to_string),
                name,
                existing,
                deployed,
                body: Node::new(Value::Object(members), self.origin(json)),
                declaration,
                parent,
                context: instance_context.clone(),
            });
            let this = deployment.resources.len() - 1;
            let pushed = deployment.resources[this].clone();
            if pushed.is_type("Microsoft.Resources/deployments")
                && !self.nested_deployment(&pushed, json, &instance_context, deployment)
            {
                deployment.opaque.push(OpaqueDeployment {
                    label: format!("linked deployment {}", pushed.name.value.describe()),
                    origin: pushed.declaration,
                    inputs: pushed.body,
                });
            }
            if let Some(children) = json.get("resources").and_then(Json::as_array) {
                for child in children {
                    self.resource(child, None, Some(this), &instance_context, deployment);
                }
            }
        }
        self.copy_index = None;
    }

    /// The `copyIndex()` of each element of a `copy` loop, with a label; one unknown element
    /// when the count cannot be known.
    fn within_budget(&mut self, elements: usize) -> bool {
        self.expanded += elements;
        self.expanded <= MAX_LOOP_ELEMENTS
    }

    fn copy_instances(&mut self, copy: &'a Json) -> Vec<(Option<Node>, String)> {
        let name = copy.get("name").and_then(Json::as_str).unwrap_or("copy").to_string();
        let count = copy.get("count").map(|c| self.json(c));
        match count.as_ref().map(|c| &c.value) {
            Some(Value::Int(n)) if *n >= 0 && (*n as usize) <= MAX_ELEMENTS && self.within_budget(*n as usize) => {
                (0..*n).map(|i| (Some(Node::new(Value::Int(i), self.origin(copy))), format!("{name}[{i}]"))).collect()
            }
            Some(Value::Unknown(u)) => {
                vec![(Some(Node::new(Value::Unknown(u.clone()), self.origin(copy))), format!("{name}[…]"))]
            }
            _ => vec![(
                Some(Node::new(
                    Value::unknown(format!("the count of copy loop `{name}` is not known"), self.origin(copy)),
                    self.origin(copy),
                )),
                format!("{name}[…]"),
            )],
        }
    }

    /// Evaluates a JSON value, computing expressions in strings.
    fn json(&mut self, json: &Json) -> Node {
        let origin = self.origin(json);
        let value = match &json.kind {
            JsonKind::Null => Value::Null,
            JsonKind::Bool(b) => Value::Bool(*b),
            JsonKind::Int(i) => Value::Int(*i),
            JsonKind::Number(n) => Value::unknown(format!("the number {n} is not an integer"), origin),
            JsonKind::String(s) => match arm_expr::classify(s) {
                StringForm::Literal(text) => Value::String(text.into_owned()),
                StringForm::Expression(text) => match arm_expr::parse(text) {
                    Ok(expr) => return self.expr(&expr, origin),
                    Err(e) => Value::unknown(format!("the expression cannot be read: {e}"), origin),
                },
            },
            JsonKind::Array(items) => Value::Array(items.iter().map(|i| self.json(i)).collect()),
            JsonKind::Object(members) => {
                let mut out = Vec::new();
                for m in members {
                    match (m.name.eq_ignore_ascii_case("copy"), &m.value.kind) {
                        // Property iteration: `"copy": [{"name", "count", "input"}]` builds arrays.
                        (true, JsonKind::Array(loops)) => {
                            for spec in loops {
                                out.push(self.property_copy(spec));
                            }
                        }
                        _ => out.push((m.name.clone(), self.json(&m.value))),
                    }
                }
                Value::Object(out)
            }
        };
        Node::new(value, origin)
    }

    /// One property `copy` entry: the property `name` holds `count` evaluations of `input`,
    /// each with `copyIndex('name')` bound.
    fn property_copy(&mut self, spec: &Json) -> (String, Node) {
        let origin = self.origin(spec);
        let name = spec.get("name").and_then(Json::as_str).unwrap_or("copy").to_string();
        let count = spec.get("count").map(|c| self.json(c).value);
        let Some(input) = spec.get("input") else {
            return (name, Node::new(Value::unknown("the property copy has no `input`", origin), origin));
        };
        let value = match count {
            Some(Value::Int(n)) if n >= 0 && n as usize <= MAX_ELEMENTS && self.within_budget(n as usize) => {
                let mut items = Vec::new();
                for i in 0..n {
                    self.named_copies.push((name.to_ascii_lowercase(), i));
                    items.push(self.json(input));
                    self.named_copies.pop();
                }
                Value::Array(items)
            }
            Some(Value::Unknown(u)) => Value::Unknown(u),
            _ => Value::unknown(format!("the count of property copy `{name}` is not known"), origin),
        };
        (name, Node::new(value, origin))
    }

    fn expr(&mut self, expr: &ArmExpr, origin: Origin) -> Node {
        let value = match expr {
            ArmExpr::String(s) => Value::String(s.clone()),
            ArmExpr::Int(i) => Value::Int(*i),
            ArmExpr::Bool(b) => Value::Bool(*b),
            ArmExpr::Null => Value::Null,
            ArmExpr::Member { base, name } => {
                let base = self.expr(base, origin);
                return member(base, name, origin);
            }
            ArmExpr::Index { base, index } => {
                let base = self.expr(base, origin);
                let index = self.expr(index, origin);
                match (&base.value, &index.value) {
                    (Value::Array(items), Value::Int(i)) => match usize::try_from(*i).ok().and_then(|i| items.get(i)) {
                        Some(item) => return item.clone(),
                        None => Value::unknown(format!("index {i} is out of range"), origin),
                    },
                    (Value::Object(_), Value::String(key)) => return member(base, key, origin),
                    _ => match base.value.first_unknown().or(index.value.first_unknown()) {
                        Some(u) => Value::Unknown(u.clone()),
                        None => Value::unknown("this index cannot be evaluated", origin),
                    },
                }
            }
            ArmExpr::Call { name, args } => {
                let lower = name.to_ascii_lowercase();
                match (lower.as_str(), args.as_slice()) {
                    ("parameters", [ArmExpr::String(p)]) => return self.parameter(p, origin),
                    ("variables", [ArmExpr::String(v)]) => return self.variable(v, origin),
                    ("copyindex", [ArmExpr::String(loop_name), rest @ ..]) => {
                        let offset = match rest.first() {
                            Some(a) => self.expr(a, origin).value,
                            None => Value::Int(0),
                        };
                        let lower = loop_name.to_ascii_lowercase();
                        match (self.named_copies.iter().rev().find(|(n, _)| *n == lower), offset) {
                            (Some((_, i)), Value::Int(o)) if i.checked_add(o).is_some() => Value::Int(i + o),
                            _ => Value::unknown(format!("`copyIndex('{loop_name}')` outside that copy loop"), origin),
                        }
                    }
                    ("copyindex", _) => {
                        let offset = match args.first() {
                            Some(a) => self.expr(a, origin).value,
                            None => Value::Int(0),
                        };
                        match (self.copy_index.as_ref().map(|n| &n.value), offset) {
                            (Some(Value::Int(i)), Value::Int(o)) if i.checked_add(o).is_some() => Value::Int(i + o),
                            (Some(Value::Unknown(u)), _) => Value::Unknown(u.clone()),
                            _ => Value::unknown("`copyIndex()` outside a copy loop with a known count", origin),
                        }
                    }
                    _ => {
                        let args = args.iter().map(|a| self.expr(a, origin)).collect();
                        functions::call(name, args, origin)
                    }
                }
            }
        };
        Node::new(value, origin)
    }

    fn parameter(&mut self, name: &str, origin: Origin) -> Node {
        let key = format!("p:{}", name.to_ascii_lowercase());
        let Some(member) = self.root.get("parameters").and_then(|p| p.member(name)) else {
            return Node::new(Value::unknown(format!("parameter `{name}` is not declared"), origin), origin);
        };
        let decl = Origin::new(self.file, member.name_span);
        let resolved = match self.cached(&key) {
            Some(n) => n,
            None => {
                let given = self.inputs.as_ref().map(|i| i.get(&name.to_ascii_lowercase()).cloned());
                let mut node = match (given, member.value.get("defaultValue")) {
                    (Some(Some(mut given)), _) => {
                        given.trace.insert(0, TraceStep { origin: given.origin, label: format!("passed as `{name}`") });
                        given
                    }
                    (_, Some(default)) => {
                        let mut n = self.guarded(&key, default, origin);
                        n.trace.insert(
                            0,
                            TraceStep { origin: n.origin, label: format!("parameter `{name}` defaults to this") },
                        );
                        n
                    }
                    (given, None) => {
                        let reason = if given.is_some() {
                            format!("parameter `{name}` has no default and the enclosing deployment does not give it")
                        } else {
                            format!("parameter `{name}` has no default and no parameter file gives it")
                        };
                        Node::new(
                            Value::Unknown(Unknown { reason, origin: decl, source: Some((decl, self.instance)) }),
                            decl,
                        )
                    }
                };
                node.value.identify_unknowns(self.instance);
                self.cache.insert(key, node.clone());
                node
            }
        };
        relocate(resolved, origin)
    }

    fn variable(&mut self, name: &str, origin: Origin) -> Node {
        let key = format!("v:{}", name.to_ascii_lowercase());
        let Some(json) = self.root.get("variables").and_then(|v| v.get(name)) else {
            return Node::new(Value::unknown(format!("variable `{name}` is not declared"), origin), origin);
        };
        let resolved = match self.cached(&key) {
            Some(n) => n,
            None => {
                let mut n = functions::bounded(self.guarded(&key, json, origin), &format!("variable `{name}`"));
                n.trace.insert(0, TraceStep { origin: n.origin, label: format!("variable `{name}`") });
                n.value.identify_unknowns(self.instance);
                self.cache.insert(key, n.clone());
                n
            }
        };
        relocate(resolved, origin)
    }

    fn cached(&self, key: &str) -> Option<Node> {
        self.cache.get(key).cloned()
    }

    /// Evaluates a parameter default or variable, stopping at a reference cycle.
    fn guarded(&mut self, key: &str, json: &Json, origin: Origin) -> Node {
        if self.in_progress.iter().any(|k| k == key) {
            return Node::new(Value::unknown(format!("`{}` refers to itself", &key[2..]), origin), origin);
        }
        // A chain of references too long to follow without exhausting the stack.
        if self.in_progress.len() >= MAX_REFERENCE_DEPTH {
            return Node::new(Value::unknown("variables refer to each other too deeply", origin), origin);
        }
        self.in_progress.push(key.to_string());
        // Variables and defaults do not see the copy index of the resource that uses them.
        let copy_index = self.copy_index.take();
        let node = self.json(json);
        self.copy_index = copy_index;
        self.in_progress.pop();
        node
    }
}

/// A value used at `origin`: it is reported there, and where it came from joins its trace.
pub(crate) fn relocate(mut node: Node, origin: Origin) -> Node {
    node.origin = origin;
    node
}

pub(crate) fn member(base: Node, name: &str, origin: Origin) -> Node {
    match &base.value {
        Value::Object(_) => match base.get(name) {
            Some(n) => {
                let mut n = n.clone();
                let mut trace = base.trace.clone();
                trace.append(&mut n.trace);
                n.trace = trace;
                relocate(n, origin)
            }
            None => match base.get(crate::model::UNKNOWN_SPREAD) {
                Some(spread) => relocate(spread.clone(), origin),
                None => Node::new(Value::unknown(format!("the object has no property `{name}`"), origin), origin),
            },
        },
        Value::Unknown(u) => Node { value: Value::Unknown(u.clone()), origin, trace: base.trace.clone() },
        _ => Node::new(Value::unknown(format!("`.{name}` of a value that is not an object"), origin), origin),
    }
}
