//! Evaluates a Bicep template: parameters (defaults, or what a module's caller passes),
//! variables, expressions, resource references (`server.id`, `server.name`, `vnet::subnet`),
//! conditions, loops, nested and `parent:` children, and local modules with their outputs.

use crate::eval::arm::{member, relocate};
use crate::eval::functions::{self, MAX_ELEMENTS, MAX_LOOP_ELEMENTS, MAX_REFERENCE_DEPTH};
use crate::model::{
    Deployment, Node, OpaqueDeployment, Resource, ResourceId, TraceStep, Tri, UNKNOWN_SPREAD, Unknown, Value,
};
use crate::source::{FileId, Origin};
use crate::span::Span;
use crate::syntax::bicep::ast::{
    BinaryOp, DeclaredType, Expr, ExprKind, ObjectItem, ObjectKey, Program, Statement, StatementKind, StringLit,
    StringPart, TypeExpr, TypeKind, UnaryOp,
};
use crate::workspace::{Parsed, Workspace};
use std::collections::HashMap;
use std::path::PathBuf;

/// Modules nest at most this deep (a guard beside the cycle check).
const MAX_MODULE_DEPTH: usize = 32;

/// A deployment evaluates at most this many module calls: modules calling modules twice at
/// each level would otherwise take exponential time.
const MAX_MODULE_CALLS: usize = 2000;

pub fn module_paths(workspace: &Workspace, file: FileId) -> Vec<PathBuf> {
    let Parsed::Bicep(parsed) = workspace.parsed(file) else { return Vec::new() };
    let dir = workspace.file(file).path.parent().map(PathBuf::from).unwrap_or_default();
    parsed
        .program
        .statements
        .iter()
        .filter_map(|s| match &s.kind {
            StatementKind::Module { path, .. } => local_module(path).map(|p| dir.join(p)),
            _ => None,
        })
        .collect()
}

/// A module path that names a local file (not a registry `br:`/`ts:` reference).
fn local_module(path: &StringLit) -> Option<&str> {
    let p = path.as_literal()?;
    let registry = ["br:", "br/", "ts:", "ts/"].iter().any(|prefix| p.starts_with(prefix));
    (!registry).then_some(p)
}

pub fn evaluate_root(workspace: &Workspace, file: FileId, deployment: &mut Deployment) {
    let Parsed::Bicep(parsed) = workspace.parsed(file) else { return };
    let mut build = Build { workspace, deployment, stack: vec![file], module_calls: 0, loop_elements: 0 };
    let context = workspace.file(file).display.clone();
    let mut eval = BicepEval::new(&mut build, file, &parsed.program, None, context, Tri::Yes, 0);
    eval.run();
}

struct Build<'w, 'd> {
    workspace: &'w Workspace,
    deployment: &'d mut Deployment,
    /// The module chain from the root, to stop at a cycle.
    stack: Vec<FileId>,
    /// Module calls evaluated so far.
    module_calls: usize,
    /// Loop elements expanded so far: nested loops multiply.
    loop_elements: usize,
}

type Locals = Vec<(String, Node)>;

/// What a resource symbol resolved to: the instance in the deployment.
#[derive(Clone)]
struct Resolved {
    index: usize,
}

struct BicepEval<'w, 'b, 'd> {
    build: &'b mut Build<'w, 'd>,
    file: FileId,
    program: &'w Program,
    context: String,
    /// What a module's caller passes; `None` for a root template (parameters take defaults).
    inputs: Option<HashMap<String, Node>>,
    /// Whether this template is deployed at all: a module under an unknown condition may not be.
    deployed: Tri,
    /// Which call of its template this is (the root is 0), so that unknowns of two module
    /// calls are not taken for the same value.
    instance: u32,
    decls: HashMap<&'w str, &'w Statement>,
    cache: HashMap<String, Node>,
    resources: HashMap<String, Option<Resolved>>,
    /// The instances of each top-level resource loop, once expanded (for `servers[i]`).
    /// Indexed by loop position; `None` where the element's condition is false.
    loops: HashMap<String, Vec<Option<usize>>>,
    in_progress: Vec<String>,
}

impl<'w, 'b, 'd> BicepEval<'w, 'b, 'd> {
    fn new(
        build: &'b mut Build<'w, 'd>,
        file: FileId,
        program: &'w Program,
        inputs: Option<HashMap<String, Node>>,
        context: String,
        deployed: Tri,
        instance: u32,
    ) -> Self {
        let decls = program.statements.iter().filter_map(|s| declared_name(s).map(|n| (n, s))).collect();
        BicepEval {
            build,
            file,
            program,
            context,
            inputs,
            deployed,
            instance,
            decls,
            cache: HashMap::new(),
            resources: HashMap::new(),
            loops: HashMap::new(),
            in_progress: Vec::new(),
        }
    }

    fn origin(&self, span: Span) -> Origin {
        Origin::new(self.file, span)
    }

    fn unknown(&self, reason: impl Into<String>, span: Span) -> Node {
        Node::new(Value::unknown(reason, self.origin(span)), self.origin(span))
    }

    /// Walks the statements in order, deploying every resource and module.
    fn run(&mut self) {
        let program = self.program;
        for statement in &program.statements {
            match &statement.kind {
                StatementKind::Resource { name, body, .. } => {
                    if matches!(body.kind, ExprKind::For { .. }) {
                        self.loop_instances(&name.name);
                    } else {
                        self.resolve_resource(&name.name);
                    }
                }
                StatementKind::Module { name, body, .. } => {
                    if matches!(body.kind, ExprKind::For { .. }) {
                        self.module_loop(statement);
                    } else {
                        self.module_ref(&name.name, statement.span);
                    }
                }
                _ => {}
            }
        }
    }

    // ---- resources ----

    /// Deploys a top-level resource that is not a loop, once, and returns its instance.
    fn resolve_resource(&mut self, name: &str) -> Option<Resolved> {
        if let Some(done) = self.resources.get(name) {
            return done.clone();
        }
        let statement = *self.decls.get(name)?;
        self.resources.insert(name.to_string(), None);
        let index = self.instance(statement, None, &Vec::new(), Tri::Yes, None);
        let resolved = index.map(|index| Resolved { index });
        self.resources.insert(name.to_string(), resolved.clone());
        resolved
    }

    /// Deploys the elements of a top-level resource loop, once, and returns their instances.
    fn loop_instances(&mut self, name: &str) -> Vec<Option<usize>> {
        if let Some(done) = self.loops.get(name) {
            return done.clone();
        }
        let Some(statement) = self.decls.get(name).copied() else { return Vec::new() };
        self.loops.insert(name.to_string(), Vec::new());
        let instances = self.expand_loop(statement, None, &Vec::new(), &Tri::Yes);
        self.loops.insert(name.to_string(), instances.clone());
        instances
    }

    /// `parent_deployed`: whether the enclosing resource is deployed (a nested loop).
    fn expand_loop(
        &mut self,
        statement: &'w Statement,
        parent: Option<usize>,
        locals: &Locals,
        parent_deployed: &Tri,
    ) -> Vec<Option<usize>> {
        let StatementKind::Resource { body, name, .. } = &statement.kind else { return Vec::new() };
        let ExprKind::For { item, index, iterable, body: inner } = &body.kind else { return Vec::new() };
        let mut instances = Vec::new();
        for (locals, label, deployed) in self.loop_elements(item.as_ref(), index.as_ref(), iterable, locals, &name.name)
        {
            let deployed = parent_deployed.clone().and(deployed);
            instances.push(self.instance_with_body(statement, inner, parent, &locals, deployed, Some(label)));
        }
        instances
    }

    /// The elements of a `for`: locals for each, a label, and whether it is known to exist.
    fn loop_elements(
        &mut self,
        item: Option<&crate::syntax::bicep::ast::Ident>,
        index: Option<&crate::syntax::bicep::ast::Ident>,
        iterable: &'w Expr,
        locals: &Locals,
        label: &str,
    ) -> Vec<(Locals, String, Tri)> {
        let array = self.expr(iterable, locals);
        let bind = |value: Node, i: Node| {
            let mut l = locals.clone();
            if let Some(item) = item {
                l.push((item.name.clone(), value));
            }
            if let Some(index) = index {
                l.push((index.name.clone(), i));
            }
            l
        };
        let within_budget = |n: usize, build: &mut Build| {
            build.loop_elements += n;
            build.loop_elements <= MAX_LOOP_ELEMENTS
        };
        match array.value {
            Value::Array(items) if items.len() <= MAX_ELEMENTS && within_budget(items.len(), self.build) => items
                .into_iter()
                .enumerate()
                .map(|(i, mut v)| {
                    // An element keeps where its array came from (a parameter default, a variable).
                    let mut trace = array.trace.clone();
                    trace.append(&mut v.trace);
                    v.trace = trace;
                    (bind(v, Node::new(Value::Int(i as i64), array.origin)), format!("{label}[{i}]"), Tri::Yes)
                })
                .collect(),
            other => {
                let u = match other.first_unknown() {
                    Some(u) => u.clone(),
                    None => {
                        let reason = match other {
                            Value::Array(_) => "the loop has more elements than pgguard expands",
                            _ => "the loop's array is not an array",
                        };
                        Unknown { reason: reason.into(), origin: array.origin, source: None }
                    }
                };
                let unknown = Node::new(Value::Unknown(u.clone()), array.origin);
                vec![(bind(unknown.clone(), unknown), format!("{label}[…]"), Tri::Unknown(u))]
            }
        }
    }

    fn instance(
        &mut self,
        statement: &'w Statement,
        parent: Option<usize>,
        locals: &Locals,
        deployed: Tri,
        label: Option<String>,
    ) -> Option<usize> {
        let StatementKind::Resource { body, .. } = &statement.kind else { return None };
        self.instance_with_body(statement, body, parent, locals, deployed, label)
    }

    /// Deploys one instance of a resource declaration (with its nested children).
    fn instance_with_body(
        &mut self,
        statement: &'w Statement,
        body: &'w Expr,
        parent: Option<usize>,
        locals: &Locals,
        deployed: Tri,
        label: Option<String>,
    ) -> Option<usize> {
        let StatementKind::Resource { name: symbol, type_string, existing, .. } = &statement.kind else { return None };
        let (deployed, object) = match &body.kind {
            ExprKind::If { condition, body } => {
                let c = self.expr(condition, locals);
                let d = match c.value {
                    Value::Bool(true) => deployed,
                    Value::Bool(false) => return None,
                    Value::Unknown(u) => Tri::Unknown(u),
                    _ => Tri::Unknown(Unknown {
                        reason: "the condition is not a boolean".into(),
                        origin: c.origin,
                        source: None,
                    }),
                };
                (d, body.as_ref())
            }
            _ => (deployed, body),
        };
        let deployed = self.deployed.clone().and(deployed);
        let ExprKind::Object(items) = &object.kind else { return None };
        let (mut resource_type, api_version) = split_type(type_string.as_literal().unwrap_or(""));
        let mut parent = parent;
        let mut members = Vec::new();
        let mut nested = Vec::new();
        let mut name = Node::new(Value::Null, self.origin(symbol.span));
        for item in items {
            match item {
                ObjectItem::Property(p) => {
                    let key = p.key.literal().unwrap_or("");
                    match key {
                        "name" => name = self.expr(&p.value, locals),
                        "parent" => parent = self.resource_instance(&p.value, locals).or(parent),
                        "dependsOn" => {}
                        _ => {
                            let value = self.expr(&p.value, locals);
                            set_member(&mut members, key.to_string(), value);
                        }
                    }
                }
                ObjectItem::Spread(e) => {
                    let spread = self.spread(e, locals);
                    spread_into(&mut members, spread);
                }
                ObjectItem::Resource(child) => nested.push(child.as_ref()),
            }
        }
        members.insert(0, ("name".to_string(), name.clone()));
        if let Some(p) = parent {
            let parent_resource = &self.build.deployment.resources[p];
            if !resource_type.contains('/') {
                resource_type = format!("{}/{}", parent_resource.resource_type, resource_type);
            }
            name.value = Value::concat(
                vec![parent_resource.name.value.clone(), Value::String("/".into()), name.value],
                name.origin,
            );
        }
        let api_version =
            api_version.or_else(|| parent.and_then(|p| self.build.deployment.resources[p].api_version.clone()));
        let context = match &label {
            Some(label) => format!("{} › {label}", self.context),
            None => self.context.clone(),
        };
        let declaration = self.origin(symbol.span.cover(type_string.span));
        self.build.deployment.resources.push(Resource {
            resource_type,
            api_version,
            symbol: Some(symbol.name.clone()),
            name,
            existing: *existing,
            deployed,
            body: Node::new(Value::Object(members), self.origin(object.span)),
            declaration,
            parent,
            context,
        });
        let index = self.build.deployment.resources.len() - 1;
        let parent_deployed = self.build.deployment.resources[index].deployed.clone();
        for child in nested {
            let StatementKind::Resource { body, .. } = &child.kind else { continue };
            if matches!(body.kind, ExprKind::For { .. }) {
                self.expand_loop(child, Some(index), locals, &parent_deployed);
            } else {
                self.instance(child, Some(index), locals, parent_deployed.clone(), None);
            }
        }
        Some(index)
    }

    /// The value of a resource symbol: its body with `id`, `name`, `type` and `apiVersion`.
    /// `only` limits the object to one member, for `server.id` and the like.
    fn resource_value(&mut self, name: &str, span: Span, only: Option<&str>) -> Node {
        if self.in_progress.iter().any(|n| n == name) {
            return self.unknown(format!("resource `{name}` refers to itself"), span);
        }
        let Some(statement) = self.decls.get(name).copied() else {
            return self.unknown(format!("`{name}` is not declared"), span);
        };
        if let StatementKind::Resource { body, .. } = &statement.kind
            && matches!(body.kind, ExprKind::For { .. })
        {
            self.in_progress.push(name.to_string());
            let instances = self.loop_instances(name);
            self.in_progress.pop();
            let elements = instances
                .iter()
                .map(|i| match i {
                    Some(i) => self.instance_value(*i, only),
                    None => Node::new(Value::Null, self.origin(span)),
                })
                .collect();
            return Node::new(Value::Array(elements), self.origin(span));
        }
        self.in_progress.push(name.to_string());
        let resolved = self.resolve_resource(name);
        self.in_progress.pop();
        match resolved {
            Some(r) => relocate(self.instance_value(r.index, only), self.origin(span)),
            None => self.unknown(format!("resource `{name}` is not deployed"), span),
        }
    }

    fn is_resource_loop(&self, name: &str, locals: &Locals) -> bool {
        !locals.iter().any(|(n, _)| n == name)
            && matches!(
                self.decls.get(name).map(|s| &s.kind),
                Some(StatementKind::Resource { body, .. }) if matches!(body.kind, ExprKind::For { .. })
            )
    }

    fn instance_value(&self, index: usize, only: Option<&str>) -> Node {
        resource_object(index, &self.build.deployment.resources[index], only)
    }

    /// The deployed instance an expression names: `server`, or `servers[i]` of a resource loop
    /// whose elements are known.
    fn resource_instance(&mut self, expr: &'w Expr, locals: &Locals) -> Option<usize> {
        let is_resource = |this: &Self, name: &str| {
            !locals.iter().any(|(n, _)| n == name)
                && matches!(this.decls.get(name).map(|s| &s.kind), Some(StatementKind::Resource { .. }))
        };
        match &expr.kind {
            ExprKind::Ident(id) if is_resource(self, &id.name) => self.resolve_resource(&id.name).map(|r| r.index),
            ExprKind::Index { base, index, from_end: false, .. } => {
                let ExprKind::Ident(id) = &base.kind else { return None };
                if !is_resource(self, &id.name) {
                    return None;
                }
                let Value::Int(i) = self.expr(index, locals).value else { return None };
                let instances = self.loop_instances(&id.name);
                usize::try_from(i).ok().and_then(|i| instances.get(i).copied().flatten())
            }
            _ => None,
        }
    }

    // ---- modules ----

    fn module_ref(&mut self, name: &str, span: Span) -> Node {
        let key = format!("module:{name}");
        if let Some(node) = self.cache.get(&key) {
            return relocate(node.clone(), self.origin(span));
        }
        if self.in_progress.contains(&key) {
            return self.unknown(format!("module `{name}` refers to itself"), span);
        }
        let Some(statement) = self.decls.get(name).copied() else {
            return self.unknown(format!("`{name}` is not declared"), span);
        };
        self.in_progress.push(key.clone());
        let StatementKind::Module { body, .. } = &statement.kind else { return self.unknown("not a module", span) };
        let node = match &body.kind {
            ExprKind::For { .. } => {
                self.unknown(format!("`{name}` is a module loop; its elements are not evaluated by reference"), span)
            }
            _ => self
                .module_instance(statement, body, &Vec::new(), None, Tri::Yes)
                .unwrap_or_else(|| self.unknown(format!("module `{name}` is not deployed"), span)),
        };
        self.in_progress.pop();
        self.cache.insert(key, node.clone());
        node
    }

    fn module_loop(&mut self, statement: &'w Statement) {
        let StatementKind::Module { body, name, .. } = &statement.kind else { return };
        let ExprKind::For { item, index, iterable, body: inner } = &body.kind else { return };
        for (locals, label, deployed) in
            self.loop_elements(item.as_ref(), index.as_ref(), iterable, &Vec::new(), &name.name)
        {
            self.module_instance(statement, inner, &locals, Some(label), deployed);
        }
    }

    /// Evaluates one call of a module: its resources join the deployment; returns the module's
    /// value (`name`, `outputs`).
    fn module_instance(
        &mut self,
        statement: &'w Statement,
        body: &'w Expr,
        locals: &Locals,
        label: Option<String>,
        deployed: Tri,
    ) -> Option<Node> {
        let StatementKind::Module { name: symbol, path, .. } = &statement.kind else { return None };
        let (deployed, object) = match &body.kind {
            ExprKind::If { condition, body } => {
                // A module under an unknown condition is evaluated: it may be deployed.
                let condition = match self.expr(condition, locals).value {
                    Value::Bool(false) => return None,
                    Value::Bool(true) => Tri::Yes,
                    other => Tri::Unknown(other.first_unknown().cloned().unwrap_or(Unknown {
                        reason: "the module's condition is not a boolean".into(),
                        origin: self.origin(body.span),
                        source: None,
                    })),
                };
                (deployed.and(condition), body.as_ref())
            }
            _ => (deployed, body),
        };
        let deployed = self.deployed.clone().and(deployed);
        let value = self.expr(object, locals);
        let module_origin = self.origin(symbol.span.cover(path.span));
        let outputs = match local_module(path) {
            Some(relative) => self.call_module(symbol, relative, &value, label.as_deref(), path.span, deployed),
            None => {
                let shown = path.as_literal().unwrap_or("a registry module");
                self.build.deployment.opaque.push(OpaqueDeployment {
                    label: format!("module `{}` ({shown})", symbol.name),
                    origin: module_origin,
                    inputs: value.clone(),
                });
                Node::new(
                    Value::unknown("outputs of a registry module are known only at deployment", module_origin),
                    module_origin,
                )
            }
        };
        let mut members = match value.value {
            Value::Object(m) => m,
            _ => Vec::new(),
        };
        members.push(("outputs".to_string(), outputs));
        Some(Node::new(Value::Object(members), module_origin))
    }

    fn call_module(
        &mut self,
        symbol: &crate::syntax::bicep::ast::Ident,
        relative: &str,
        value: &Node,
        label: Option<&str>,
        span: Span,
        deployed: Tri,
    ) -> Node {
        let origin = self.origin(span);
        let workspace = self.build.workspace;
        let dir = workspace.file(self.file).path.parent().map(PathBuf::from).unwrap_or_default();
        let Some(module_file) = workspace.find(&dir.join(relative)) else {
            self.build
                .deployment
                .problems
                .push((origin, format!("module `{}`: cannot read `{relative}`", symbol.name)));
            self.build.deployment.opaque.push(OpaqueDeployment {
                label: format!("module `{}` ({relative})", symbol.name),
                origin,
                inputs: value.clone(),
            });
            return Node::new(Value::unknown(format!("module file `{relative}` cannot be read"), origin), origin);
        };
        let Parsed::Bicep(parsed) = workspace.parsed(module_file) else {
            return Node::new(
                Value::unknown(format!("module `{relative}` is not a Bicep file pgguard evaluates"), origin),
                origin,
            );
        };
        let cycle = self.build.stack.contains(&module_file);
        if cycle || self.build.stack.len() >= MAX_MODULE_DEPTH {
            let chain: Vec<&str> = self.build.stack.iter().map(|f| workspace.file(*f).display.as_str()).collect();
            let chain = format!("{} → {}", chain.join(" → "), workspace.file(module_file).display);
            let (problem, reason) = if cycle {
                (format!("module cycle: {chain}"), "the module is part of a cycle")
            } else {
                (format!("modules nested deeper than {MAX_MODULE_DEPTH}: {chain}"), "the module is nested too deep")
            };
            self.build.deployment.problems.push((origin, problem));
            return Node::new(Value::unknown(reason, origin), origin);
        }
        self.build.module_calls += 1;
        if self.build.module_calls > MAX_MODULE_CALLS {
            if self.build.module_calls == MAX_MODULE_CALLS + 1 {
                self.build.deployment.problems.push((
                    origin,
                    format!(
                        "the deployment calls modules more than {MAX_MODULE_CALLS} times; the rest are not evaluated"
                    ),
                ));
            }
            self.build.deployment.opaque.push(OpaqueDeployment {
                label: format!("module `{}` ({relative})", symbol.name),
                origin,
                inputs: value.clone(),
            });
            return Node::new(Value::unknown("the module is not evaluated (too many module calls)", origin), origin);
        }
        let mut inputs = HashMap::new();
        if let Some(Node { value: Value::Object(params), .. }) = value.get("params") {
            for (key, node) in params {
                let mut node = node.clone();
                node.trace
                    .insert(0, TraceStep { origin: node.origin, label: format!("passed by module `{}`", symbol.name) });
                inputs.insert(key.clone(), node);
            }
        }
        let instance = label.map_or(String::new(), |l| format!(" {l}"));
        let context = format!("{} › module {}{instance} ({relative})", self.context, symbol.name);
        self.build.stack.push(module_file);
        let instance = self.build.module_calls as u32;
        let mut module =
            BicepEval::new(self.build, module_file, &parsed.program, Some(inputs), context, deployed, instance);
        module.run();
        let outputs = module.outputs();
        self.build.stack.pop();
        outputs
    }

    fn outputs(&mut self) -> Node {
        let program = self.program;
        let mut members = Vec::new();
        for statement in &program.statements {
            if let StatementKind::Output { name, value, .. } = &statement.kind {
                let node = self.expr(value, &Vec::new());
                members.push((name.name.clone(), node));
            }
        }
        Node::new(Value::Object(members), self.origin(program.span))
    }

    // ---- parameters and variables ----

    fn param(&mut self, name: &str, statement: &'w Statement, span: Span) -> Node {
        let key = format!("param:{name}");
        if let Some(node) = self.cache.get(&key) {
            return relocate(node.clone(), self.origin(span));
        }
        let StatementKind::Param { name: ident, value: default, ty } = &statement.kind else {
            return self.unknown("not a parameter", span);
        };
        let decl = self.origin(ident.span);
        let given = self.inputs.as_ref().and_then(|inputs| inputs.get(name).cloned());
        let node = match (given, default) {
            (Some(node), _) => node,
            (None, Some(default)) => match self.guarded(&key, default) {
                Some(mut node) => {
                    node.trace.insert(
                        0,
                        TraceStep { origin: node.origin, label: format!("parameter `{name}` defaults to this") },
                    );
                    node
                }
                None => self.unknown(format!("parameter `{name}` refers to itself"), span),
            },
            // A caller that leaves out a nullable parameter passes null.
            (None, None) if self.inputs.is_some() && is_nullable(ty.as_ref()) => Node::new(Value::Null, decl),
            (None, None) => {
                let reason = if self.inputs.is_some() {
                    format!("parameter `{name}` has no default and the module's caller does not give it")
                } else {
                    format!("parameter `{name}` has no default and no parameter file gives it")
                };
                Node::new(Value::Unknown(Unknown { reason, origin: decl, source: Some((decl, self.instance)) }), decl)
            }
        };
        let mut node = functions::bounded(node, &format!("parameter `{name}`"));
        node.value.identify_unknowns(self.instance);
        self.cache.insert(key, node.clone());
        relocate(node, self.origin(span))
    }

    fn var(&mut self, name: &str, value: &'w Expr, span: Span) -> Node {
        let key = format!("var:{name}");
        if let Some(node) = self.cache.get(&key) {
            return relocate(node.clone(), self.origin(span));
        }
        let node = match self.guarded(&key, value) {
            Some(node) => {
                let mut node = functions::bounded(node, &format!("variable `{name}`"));
                node.trace.insert(0, TraceStep { origin: node.origin, label: format!("variable `{name}`") });
                node.value.identify_unknowns(self.instance);
                node
            }
            None => return self.unknown(format!("variable `{name}` refers to itself"), span),
        };
        self.cache.insert(key, node.clone());
        relocate(node, self.origin(span))
    }

    fn guarded(&mut self, key: &str, expr: &'w Expr) -> Option<Node> {
        // A cycle, or a chain of references too long to follow without exhausting the stack.
        if self.in_progress.len() >= MAX_REFERENCE_DEPTH || self.in_progress.iter().any(|k| k == key) {
            return None;
        }
        self.in_progress.push(key.to_string());
        let node = self.expr(expr, &Vec::new());
        self.in_progress.pop();
        Some(node)
    }

    // ---- expressions ----

    fn expr(&mut self, expr: &'w Expr, locals: &Locals) -> Node {
        let origin = self.origin(expr.span);
        let value = match &expr.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::String(s) => return self.string(s, locals),
            ExprKind::Ident(ident) => return self.ident(&ident.name, expr.span, locals),
            ExprKind::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match &item.kind {
                        ExprKind::Spread(_) => match self.spread(item, locals) {
                            Node { value: Value::Array(more), .. } => out.extend(more),
                            other => out.push(other),
                        },
                        _ => out.push(self.expr(item, locals)),
                    }
                }
                Value::Array(out)
            }
            ExprKind::Object(items) => {
                let mut members = Vec::new();
                for item in items {
                    match item {
                        ObjectItem::Property(p) => {
                            let key = match &p.key {
                                ObjectKey::Ident(i) => Some(i.name.clone()),
                                ObjectKey::String(s) => self.string(s, locals).value.as_str().map(str::to_string),
                            };
                            let value = self.expr(&p.value, locals);
                            match key {
                                Some(key) => set_member(&mut members, key, value),
                                None => members.push((
                                    UNKNOWN_SPREAD.to_string(),
                                    self.unknown("an object key is not known", p.key.span()),
                                )),
                            }
                        }
                        ObjectItem::Spread(e) => {
                            let spread = self.spread(e, locals);
                            spread_into(&mut members, spread);
                        }
                        ObjectItem::Resource(_) => {}
                    }
                }
                Value::Object(members)
            }
            ExprKind::Member { base, name, safe } => {
                // `server.id`, `server.name`: build only the member read, not the whole resource.
                if let ExprKind::Ident(symbol) = &base.kind
                    && !locals.iter().any(|(n, _)| *n == symbol.name)
                    && matches!(
                        self.decls.get(symbol.name.as_str()).map(|s| &s.kind),
                        Some(StatementKind::Resource { .. })
                    )
                {
                    let resource = self.resource_value(&symbol.name, base.span, Some(&name.name));
                    return member(resource, &name.name, origin);
                }
                let base = self.expr(base, locals);
                if *safe && base.value == Value::Null {
                    return Node::new(Value::Null, origin);
                }
                if *safe
                    && matches!(base.value, Value::Object(_))
                    && base.get(&name.name).is_none()
                    && base.get(UNKNOWN_SPREAD).is_none()
                {
                    return Node::new(Value::Null, origin);
                }
                return member(base, &name.name, origin);
            }
            ExprKind::ResourceAccess { base, name } => return self.nested_resource(base, &name.name, origin),
            ExprKind::Index { base: loop_base, .. } if matches!(&loop_base.kind, ExprKind::Ident(id) if self.is_resource_loop(&id.name, locals)) =>
            {
                return match self.resource_instance(expr, locals) {
                    Some(i) => relocate(self.instance_value(i, None), origin),
                    None => Node::new(Value::unknown("this element of the resource loop is not known", origin), origin),
                };
            }
            ExprKind::Index { base, index, safe, from_end } => {
                let base = self.expr(base, locals);
                let index = self.expr(index, locals);
                match (&base.value, &index.value) {
                    (Value::Array(items), Value::Int(i)) => {
                        let position = if *from_end { (items.len() as i64).checked_sub(*i) } else { Some(*i) };
                        match position.and_then(|p| usize::try_from(p).ok()).and_then(|p| items.get(p)) {
                            Some(item) => return relocate(item.clone(), origin),
                            None if *safe => Value::Null,
                            None => Value::unknown(format!("index {i} is out of range"), origin),
                        }
                    }
                    (Value::Object(_), Value::String(key)) => {
                        if *safe && base.get(key).is_none() && base.get(UNKNOWN_SPREAD).is_none() {
                            Value::Null
                        } else {
                            return member(base, key, origin);
                        }
                    }
                    _ => match base.value.first_unknown().or(index.value.first_unknown()) {
                        Some(u) => Value::Unknown(u.clone()),
                        None => Value::unknown("this index cannot be evaluated", origin),
                    },
                }
            }
            ExprKind::Call { base, name, args } => {
                let namespaced = match base.as_deref().map(|b| &b.kind) {
                    None => true,
                    Some(ExprKind::Ident(ns)) => matches!(ns.name.as_str(), "sys" | "az"),
                    Some(_) => false,
                };
                if !namespaced {
                    Value::unknown(
                        format!("`{}()` on a resource or value is known only at deployment", name.name),
                        origin,
                    )
                } else if matches!(
                    name.name.as_str(),
                    "resourceGroup" | "subscription" | "tenant" | "managementGroup" | "deployment" | "environment"
                ) {
                    Value::unknown(format!("`{}()` is known only at deployment", name.name), origin)
                } else {
                    let args = args.iter().map(|a| self.expr(a, locals)).collect();
                    functions::call(&name.name, args, origin)
                }
            }
            ExprKind::Unary { op, operand } => {
                let v = self.expr(operand, locals).value;
                match (op, v) {
                    (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
                    (UnaryOp::Minus, Value::Int(i)) => Value::Int(i.wrapping_neg()),
                    (_, Value::Unknown(u)) => Value::Unknown(u),
                    _ => Value::unknown("this operator does not apply to its operand", origin),
                }
            }
            ExprKind::Binary { op, left, right } => return self.binary(*op, left, right, locals, origin),
            ExprKind::Ternary { condition, then, otherwise } => match self.expr(condition, locals).value {
                Value::Bool(true) => return relocate(self.expr(then, locals), origin),
                Value::Bool(false) => return relocate(self.expr(otherwise, locals), origin),
                Value::Unknown(u) => Value::Unknown(u),
                _ => Value::unknown("the condition is not a boolean", origin),
            },
            ExprKind::NonNull(inner) | ExprKind::Paren(inner) => return relocate(self.expr(inner, locals), origin),
            ExprKind::For { item, index, iterable, body } => {
                let elements = self.loop_elements(item.as_ref(), index.as_ref(), iterable, locals, "for");
                if let [(_, _, Tri::Unknown(u))] = elements.as_slice() {
                    Value::Unknown(u.clone())
                } else {
                    Value::Array(elements.into_iter().map(|(l, _, _)| self.expr(body, &l)).collect())
                }
            }
            ExprKind::Lambda { .. } => Value::unknown("a lambda is not evaluated", origin),
            ExprKind::If { .. } | ExprKind::Spread(_) => {
                Value::unknown("this expression is not evaluated here", origin)
            }
            ExprKind::Error => Value::unknown("the expression has a syntax error", origin),
        };
        Node::new(value, origin)
    }

    /// The value spread by `...x` (the parser may or may not wrap it in a spread node).
    fn spread(&mut self, expr: &'w Expr, locals: &Locals) -> Node {
        match &expr.kind {
            ExprKind::Spread(inner) => self.expr(inner, locals),
            _ => self.expr(expr, locals),
        }
    }

    fn string(&mut self, s: &'w StringLit, locals: &Locals) -> Node {
        let origin = self.origin(s.span);
        // `'${x}'` is `x` as a string: an id stays an id.
        if let [StringPart::Interpolation(e)] = s.parts.as_slice() {
            let node = self.expr(e, locals);
            if matches!(node.value, Value::ResourceId(_) | Value::String(_) | Value::Partial(_) | Value::Unknown(_)) {
                return relocate(node, origin);
            }
        }
        let mut parts = Vec::new();
        let mut trace = Vec::new();
        for part in &s.parts {
            match part {
                StringPart::Text { text, .. } => parts.push(Value::String(text.clone())),
                StringPart::Interpolation(e) => {
                    let node = self.expr(e, locals);
                    trace.extend(node.trace);
                    parts.push(node.value);
                }
            }
        }
        Node { value: Value::concat(parts, origin), origin, trace }
    }

    fn ident(&mut self, name: &str, span: Span, locals: &Locals) -> Node {
        if let Some((_, node)) = locals.iter().rev().find(|(n, _)| n == name) {
            return relocate(node.clone(), self.origin(span));
        }
        let Some(statement) = self.decls.get(name).copied() else {
            return self.unknown(format!("`{name}` is not evaluated"), span);
        };
        match &statement.kind {
            StatementKind::Param { .. } => self.param(name, statement, span),
            StatementKind::Var { value, .. } => self.var(name, value, span),
            StatementKind::Resource { .. } => self.resource_value(name, span, None),
            StatementKind::Module { .. } => self.module_ref(name, span),
            _ => self.unknown(format!("`{name}` is not a value pgguard evaluates"), span),
        }
    }

    /// `parent::child`: the nested resource's identity (id and name).
    fn nested_resource(&mut self, base: &'w Expr, child: &str, origin: Origin) -> Node {
        let parent = self.expr(base, &Vec::new());
        let Some(Node { value: Value::ResourceId(parent_id), .. }) = parent.get("id").cloned() else {
            return Node::new(Value::unknown(format!("`::{child}` of a value that is not a resource"), origin), origin);
        };
        let ExprKind::Ident(parent_symbol) = &base.kind else {
            return Node::new(Value::unknown(format!("`::{child}` is not evaluated here"), origin), origin);
        };
        let Some(StatementKind::Resource { body, .. }) = self.decls.get(parent_symbol.name.as_str()).map(|s| &s.kind)
        else {
            return Node::new(Value::unknown(format!("`::{child}` is not evaluated here"), origin), origin);
        };
        let ExprKind::Object(items) = &strip_if(body).kind else {
            return Node::new(Value::unknown(format!("`::{child}` is not evaluated here"), origin), origin);
        };
        for item in items {
            let ObjectItem::Resource(statement) = item else { continue };
            let StatementKind::Resource { name, type_string, body, .. } = &statement.kind else { continue };
            if name.name != child {
                continue;
            }
            let (child_type, _) = split_type(type_string.as_literal().unwrap_or(""));
            let resource_type =
                if child_type.contains('/') { child_type } else { format!("{}/{child_type}", parent_id.resource_type) };
            let leaf = match &strip_if(body).kind {
                ExprKind::Object(props) => props.iter().find_map(|p| match p {
                    ObjectItem::Property(p) if p.key.literal() == Some("name") => Some(&p.value),
                    _ => None,
                }),
                _ => None,
            };
            let leaf = match leaf {
                Some(e) => self.expr(e, &Vec::new()).value,
                None => Value::unknown("the nested resource has no name", origin),
            };
            let name = Value::concat(vec![parent_id.name.clone(), Value::String("/".into()), leaf], origin);
            let id = Value::ResourceId(Box::new(ResourceId::local(resource_type, name.clone(), None)));
            return Node::new(
                Value::Object(vec![("id".into(), Node::new(id, origin)), ("name".into(), Node::new(name, origin))]),
                origin,
            );
        }
        Node::new(Value::unknown(format!("no nested resource `{child}`"), origin), origin)
    }

    fn binary(&mut self, op: BinaryOp, left: &'w Expr, right: &'w Expr, locals: &Locals, origin: Origin) -> Node {
        let l = self.expr(left, locals);
        if op == BinaryOp::Coalesce {
            return match &l.value {
                Value::Null => relocate(self.expr(right, locals), origin),
                Value::Unknown(_) => Node::new(l.value, origin),
                _ => relocate(l, origin),
            };
        }
        let r = self.expr(right, locals);
        let value = match (op, &l.value, &r.value) {
            (BinaryOp::And, Value::Bool(false), _) | (BinaryOp::And, _, Value::Bool(false)) => Value::Bool(false),
            (BinaryOp::Or, Value::Bool(true), _) | (BinaryOp::Or, _, Value::Bool(true)) => Value::Bool(true),
            (BinaryOp::And | BinaryOp::Or, Value::Bool(a), Value::Bool(_)) => Value::Bool(*a),
            // Bicep's `==` compares strings with case; `=~` without.
            (BinaryOp::Equals | BinaryOp::NotEquals, a, b) => {
                negate_if(a.strictly_equals(b), op == BinaryOp::NotEquals)
            }
            (BinaryOp::EqualsInsensitive | BinaryOp::NotEqualsInsensitive, a, b) => {
                negate_if(a.loosely_equals(b), op == BinaryOp::NotEqualsInsensitive)
            }
            (_, Value::Int(a), Value::Int(b)) => match op {
                BinaryOp::Less => Value::Bool(a < b),
                BinaryOp::LessOrEqual => Value::Bool(a <= b),
                BinaryOp::Greater => Value::Bool(a > b),
                BinaryOp::GreaterOrEqual => Value::Bool(a >= b),
                BinaryOp::Add => Value::Int(a.wrapping_add(*b)),
                BinaryOp::Subtract => Value::Int(a.wrapping_sub(*b)),
                BinaryOp::Multiply => Value::Int(a.wrapping_mul(*b)),
                BinaryOp::Divide if *b != 0 => Value::Int(a.wrapping_div(*b)),
                BinaryOp::Modulo if *b != 0 => Value::Int(a.wrapping_rem(*b)),
                _ => Value::unknown("division by zero", origin),
            },
            (_, a, b) => match a.first_unknown().or(b.first_unknown()) {
                Some(u) => Value::Unknown(u.clone()),
                None => Value::unknown("this operator does not apply to its operands", origin),
            },
        };
        Node::new(value, origin)
    }
}

fn is_nullable(ty: Option<&DeclaredType>) -> bool {
    matches!(ty, Some(DeclaredType::Type(TypeExpr { kind: TypeKind::Nullable(_), .. })))
}

fn negate_if(t: Tri, negate: bool) -> Value {
    match t {
        Tri::Yes => Value::Bool(!negate),
        Tri::No => Value::Bool(negate),
        Tri::Unknown(u) => Value::Unknown(u),
    }
}

fn strip_if(body: &Expr) -> &Expr {
    match &body.kind {
        ExprKind::If { body, .. } => body,
        _ => body,
    }
}

fn spread_into(members: &mut Vec<(String, Node)>, spread: Node) {
    match spread.value {
        Value::Object(more) => {
            for (k, v) in more {
                set_member(members, k, v);
            }
        }
        _ => {
            // An unknown spread may replace any property written before it.
            let unknown = spread.value.first_unknown().cloned().unwrap_or(Unknown {
                reason: "the spread value is not an object".into(),
                origin: spread.origin,
                source: None,
            });
            for (key, node) in members.iter_mut() {
                if key != UNKNOWN_SPREAD {
                    let reason = format!("it may be replaced by a later spread: {}", unknown.reason);
                    node.value = Value::Unknown(Unknown { reason, origin: spread.origin, source: None });
                }
            }
            members.push((UNKNOWN_SPREAD.to_string(), spread));
        }
    }
}

/// A later property or spread replaces an earlier one of the same name, as in Bicep.
fn set_member(members: &mut Vec<(String, Node)>, key: String, value: Node) {
    members.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&key));
    members.push((key, value));
}

/// `'Microsoft.X/y@2024-01-01'` → (`Microsoft.X/y`, `2024-01-01`).
fn split_type(type_string: &str) -> (String, Option<String>) {
    match type_string.split_once('@') {
        Some((t, v)) => (t.to_string(), Some(v.to_string())),
        None => (type_string.to_string(), None),
    }
}

fn declared_name(statement: &Statement) -> Option<&str> {
    match &statement.kind {
        StatementKind::Param { name, .. }
        | StatementKind::Var { name, .. }
        | StatementKind::Resource { name, .. }
        | StatementKind::Module { name, .. } => Some(&name.name),
        _ => None,
    }
}

/// A resource as a value: what `server.id`, `server.name` and `server.properties.x` read.
fn resource_object(index: usize, resource: &Resource, only: Option<&str>) -> Node {
    let origin = resource.declaration;
    let wanted = |key: &str| only.is_none_or(|o| o == key);
    let mut members = Vec::new();
    if wanted("id") {
        let id = ResourceId::local(resource.resource_type.clone(), resource.name.value.clone(), Some(index));
        members.push(("id".to_string(), Node::new(Value::ResourceId(Box::new(id)), origin)));
    }
    if wanted("name") {
        members.push(("name".to_string(), resource.name.clone()));
    }
    if wanted("type") {
        members.push(("type".to_string(), Node::new(Value::String(resource.resource_type.clone()), origin)));
    }
    if let Some(v) = &resource.api_version
        && wanted("apiVersion")
    {
        members.push(("apiVersion".to_string(), Node::new(Value::String(v.clone()), origin)));
    }
    if let Value::Object(body) = &resource.body.value {
        for (k, v) in body {
            if k != "name" && wanted(k) {
                members.push((k.clone(), v.clone()));
            }
        }
    }
    if resource.existing {
        members.push((
            UNKNOWN_SPREAD.to_string(),
            Node::new(
                Value::unknown("the properties of an existing resource are known only at deployment", origin),
                origin,
            ),
        ));
    }
    Node::new(Value::Object(members), origin)
}
