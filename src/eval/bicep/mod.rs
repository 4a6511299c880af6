//! The Bicep front end: finds declarations (parameters, variables, resources, modules,
//! functions, imports, outputs) and maps expressions onto the shared core. What both
//! languages share (parameter precedence, resources, loops, functions, values) is in the
//! core; this is only syntax.

mod expr;
mod functions;
mod imports;
mod load;
mod modules;
mod resources;

use crate::eval::build::{Build, Frame, Inputs, bounded};
use crate::eval::params::{self, ParamDecl};
use crate::model::{Node, Output, TraceKind, TraceStep, Value};
use crate::source::{FileId, Origin};
use crate::span::Span;
use crate::syntax::bicep::ast::{DeclaredType, ExprKind, ImportClause, Program, Statement, StatementKind, TypeKind};
use crate::workspace::{Parsed, Workspace};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

pub use modules::{calls_registry, has_broken_reference, module_calls, module_paths, outline, registry_calls};

/// Evaluates a Bicep root template (with the modules it calls) into `build`.
pub fn evaluate_root(workspace: &Workspace, file: FileId, build: &mut Build, context: String, inputs: Option<Inputs>) {
    let Parsed::Bicep(parsed) = workspace.parsed(file) else { return };
    let frame = build.root_frame(file, context, inputs);
    BicepEval::new(workspace, build, frame, &parsed.program).run();
}

/// The values of a parameter file, by name, and its problems.
type ParameterValues = (Vec<(String, Node)>, Vec<(Origin, String)>);

/// A `.bicepparam` file: the template its `using` names (resolved against its folder) and
/// the value of each `param` it assigns (after those of the file it `extends`), evaluated as
/// Bicep, with the problems of its `extends`.
pub fn parameter_file(workspace: &Workspace, file: FileId) -> Option<(PathBuf, ParameterValues)> {
    let Parsed::BicepParams(parsed) = workspace.parsed(file) else { return None };
    let template = parsed.program.statements.iter().find_map(|s| match &s.kind {
        StatementKind::Using { path: Some(path), .. } => path.as_literal(),
        _ => None,
    })?;
    let dir = workspace.file(file).path.parent().map(PathBuf::from).unwrap_or_default();
    let mut problems = Vec::new();
    let values = parameter_values(workspace, file, &mut vec![file], &mut problems);
    Some((dir.join(template), (values, problems)))
}

/// The values a `.bicepparam` file assigns, after those of the file it `extends` (its own
/// win: a later value given wins). A base file that is not scanned, or that extends itself,
/// is a problem: its values are not known, and a parameter it sets would silently take the
/// template's default.
fn parameter_values(
    workspace: &Workspace,
    file: FileId,
    chain: &mut Vec<FileId>,
    problems: &mut Vec<(Origin, String)>,
) -> Vec<(String, Node)> {
    let Parsed::BicepParams(parsed) = workspace.parsed(file) else { return Vec::new() };
    let program = &parsed.program;
    let dir = workspace.file(file).path.parent().map(PathBuf::from).unwrap_or_default();
    let mut values = Vec::new();
    for statement in &program.statements {
        let StatementKind::Extends { path } = &statement.kind else { continue };
        let origin = Origin::new(file, statement.span);
        let base = path.as_literal().map(|p| dir.join(p));
        match base.as_deref().and_then(|b| workspace.find(b)) {
            Some(base) if chain.contains(&base) => {
                problems.push((origin, "`extends` names a parameter file that extends this one".to_string()));
            }
            Some(base) if chain.len() < crate::eval::MAX_MODULE_DEPTH => {
                chain.push(base);
                values.extend(parameter_values(workspace, base, chain, problems));
                chain.pop();
            }
            _ => problems.push((
                origin,
                "`extends` names a parameter file pgguard did not scan: the values it gives are not known \
                 (scan it too)"
                    .to_string(),
            )),
        }
    }
    let mut build = Build::new(file);
    let frame = build.root_frame(file, workspace.file(file).display.clone(), None);
    let mut eval = BicepEval::new(workspace, &mut build, frame, program);
    for statement in &program.statements {
        if let StatementKind::Param { name, value: Some(_), .. } = &statement.kind {
            // Evaluated as a parameter with that default; its trace says so, which the
            // parameter file's own step replaces.
            let mut node = eval.param(&name.name, statement, name.span);
            node.trace.retain(|t| !matches!(t.kind, TraceKind::ParamDefault { .. }));
            values.push((name.name.clone(), node));
        }
    }
    values
}

/// A declaration's value, cached once computed: typed, not a string key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Decl<'w> {
    Param(&'w str),
    Var(&'w str),
    Module(&'w str),
    /// A name imported from another file (a variable, or a namespace of them).
    Import(&'w str),
}

/// Names bound by loops and lambdas, innermost last.
type Locals = Vec<(String, Node)>;

struct BicepEval<'w, 'b> {
    workspace: &'w Workspace,
    build: &'b mut Build,
    frame: Frame,
    program: &'w Program,
    decls: HashMap<&'w str, &'w Statement>,
    values: HashMap<Decl<'w>, Node>,
    /// Each top-level resource's instance, once deployed (`None`: not deployed).
    resources: HashMap<&'w str, Option<usize>>,
    /// The instances of each top-level resource loop, by position (`None` where the element's
    /// condition is false).
    loops: HashMap<&'w str, Vec<Option<usize>>>,
    /// Resource loops whose elements are not known: one instance stands for all.
    symbolic_loops: HashSet<&'w str>,
    /// Declarations (and user-defined functions) being evaluated, to stop at a cycle.
    in_progress: Vec<&'w str>,
    /// Those being evaluated in the files that import this one, by file: a cycle through
    /// imports is a cycle too.
    outer: Vec<(FileId, &'w str)>,
    /// Files read by `load*()` functions, shared with the evaluators this one starts.
    loaded: load::Loaded,
}

impl<'w, 'b> BicepEval<'w, 'b> {
    fn new(workspace: &'w Workspace, build: &'b mut Build, frame: Frame, program: &'w Program) -> Self {
        let decls =
            program.statements.iter().flat_map(|s| declared_names(s).into_iter().map(move |n| (n, s))).collect();
        BicepEval {
            workspace,
            build,
            frame,
            program,
            decls,
            values: HashMap::new(),
            resources: HashMap::new(),
            loops: HashMap::new(),
            symbolic_loops: HashSet::new(),
            in_progress: Vec::new(),
            outer: Vec::new(),
            loaded: load::Loaded::default(),
        }
    }

    fn origin(&self, span: Span) -> Origin {
        Origin::new(self.frame.file, span)
    }

    /// The text of this file at `span`, as written.
    fn text(&self, span: Span) -> &'w str {
        self.workspace.file(self.frame.file).text.get(span.range()).unwrap_or("")
    }

    fn unknown(&self, reason: impl Into<std::sync::Arc<str>>, span: Span) -> Node {
        Node::new(Value::unknown(reason, self.origin(span)), self.origin(span))
    }

    /// Deploys every resource and module in order, then records the outputs.
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
        for statement in &program.statements {
            if let StatementKind::Output { name, value, .. } = &statement.kind {
                let node = self.expr(value, &Vec::new());
                let secure = has_decorator(statement, "secure");
                let output = Output {
                    name: name.name.clone(),
                    value: node,
                    secure,
                    declaration: self.origin(name.span),
                    context: self.frame.context.clone(),
                };
                self.build.output(output);
            }
        }
    }

    /// The outputs of this instance, as the caller reads them (`module.outputs.x`).
    fn outputs(&mut self, module: &str) -> Node {
        let program = self.program;
        let mut members = Vec::new();
        for statement in &program.statements {
            if let StatementKind::Output { name, value, .. } = &statement.kind {
                let step = TraceKind::ModuleOutput { module: module.to_string(), output: name.name.clone() };
                let node = self.expr(value, &Vec::new()).traced(TraceStep::new(self.origin(name.span), step));
                members.push((name.name.clone(), node));
            }
        }
        Node::new(Value::Object(members), self.origin(program.span))
    }

    fn param(&mut self, name: &'w str, statement: &'w Statement, span: Span) -> Node {
        if let Some(node) = self.values.get(&Decl::Param(name)) {
            return node.clone().at(self.origin(span));
        }
        let StatementKind::Param { name: ident, value: default, ty } = &statement.kind else {
            return self.unknown("not a parameter", span);
        };
        let typed = match ty {
            Some(DeclaredType::Type(t)) => self.type_info(t, 0),
            _ => imports::TypeInfo::default(),
        };
        let decl = ParamDecl {
            name,
            origin: self.origin(ident.span),
            has_default: default.is_some(),
            nullable: typed.nullable,
            secure: has_decorator(statement, "secure"),
            allowed: self.allowed(statement, ty.as_ref(), typed.values),
            bounds: self.bounds(statement),
        };
        let node = match (params::choose(&self.frame, &decl), default) {
            (params::Choice::Value(node), _) => node,
            (params::Choice::Default, Some(default)) => match self.guarded(name, default) {
                Some(node) => {
                    let step = params::default_step(&decl, node.origin);
                    node.traced(step)
                }
                None => self.unknown(self.unresolved("parameter", name), span),
            },
            (params::Choice::Default, None) => self.unknown(format!("parameter `{name}` has no default"), span),
        };
        let node = bounded(node, &format!("parameter `{name}`"));
        self.values.insert(Decl::Param(name), node.clone());
        node.at(self.origin(span))
    }

    fn var(&mut self, name: &'w str, value: &'w crate::syntax::bicep::ast::Expr, span: Span) -> Node {
        if let Some(node) = self.values.get(&Decl::Var(name)) {
            return node.clone().at(self.origin(span));
        }
        let Some(node) = self.guarded(name, value) else {
            return self.unknown(self.unresolved("variable", name), span);
        };
        let step = TraceStep::new(node.origin, TraceKind::Variable { name: name.to_string() });
        let node = bounded(node, &format!("variable `{name}`")).traced(step);
        self.values.insert(Decl::Var(name), node.clone());
        node.at(self.origin(span))
    }

    /// Evaluates a declaration's expression, stopping at a cycle or a chain too deep.
    fn guarded(&mut self, name: &'w str, expr: &'w crate::syntax::bicep::ast::Expr) -> Option<Node> {
        if self.in_progress.contains(&name) {
            self.report_cycle(name);
            return None;
        }
        if self.too_deep() {
            self.report_too_deep(name);
            return None;
        }
        if self.outer.contains(&(self.frame.file, name)) {
            return None;
        }
        self.in_progress.push(name);
        let node = self.expr(expr, &Vec::new());
        self.in_progress.pop();
        Some(node)
    }

    /// The values a parameter may take: `@allowed([...])`, or `literals`, those its type lists
    /// (a union of literal types, through aliases).
    fn allowed(
        &mut self,
        statement: &'w Statement,
        ty: Option<&'w DeclaredType>,
        literals: Option<Vec<Node>>,
    ) -> Option<Vec<Node>> {
        // On an array, `@allowed` limits its elements: the value is any subset.
        if let Some(DeclaredType::Type(t)) = ty
            && (matches!(&t.kind, TypeKind::Ident(i) if i.name == "array") || matches!(t.kind, TypeKind::Array(_)))
        {
            return None;
        }
        let decorator = statement.decorators.iter().find_map(|d| match &d.expr.kind {
            ExprKind::Call { name, args, .. } if name.name == "allowed" => args.first(),
            _ => None,
        });
        if let Some(values) = decorator {
            return match self.expr(values, &Vec::new()).value {
                Value::Array(items) => Some(items),
                _ => None,
            };
        }
        literals
    }

    /// The range `@minValue(n)` and `@maxValue(n)` give a number.
    fn bounds(&mut self, statement: &'w Statement) -> Option<crate::model::Bounds> {
        let mut bound = |decorator: &str| {
            let arg = statement.decorators.iter().find_map(|d| match &d.expr.kind {
                ExprKind::Call { name, args, .. } if name.name == decorator => args.first(),
                _ => None,
            })?;
            match self.expr(arg, &Vec::new()).value {
                Value::Int(n) => Some(n),
                _ => None,
            }
        };
        let bounds = crate::model::Bounds { min: bound("minValue"), max: bound("maxValue") };
        (bounds != crate::model::Bounds::default()).then_some(bounds)
    }

    /// Why a declaration `guarded` refused is not evaluated.
    fn unresolved(&self, what: &str, name: &str) -> String {
        if self.too_deep() {
            let limit = crate::eval::limits::MAX_REFERENCE_DEPTH;
            format!("{what} `{name}`: references nest deeper than {limit}")
        } else {
            format!("{what} `{name}` refers to itself")
        }
    }

    /// Reports the cycle that reaching `name` again closes, naming its declarations from the
    /// first in the file, where it is reported: `variable `a` → variable `b` → variable `a``.
    fn report_cycle(&mut self, name: &'w str) {
        let Some(start) = self.in_progress.iter().position(|n| *n == name) else { return };
        let members: Vec<&'w str> = self.in_progress[start..].to_vec();
        let at = |n: &str| self.decls.get(n).map_or(u32::MAX, |s| declared_span(s).start);
        let first = (0..members.len()).min_by_key(|&i| at(members[i])).unwrap_or(0);
        let mut chain: Vec<String> =
            (0..members.len()).map(|k| self.describe_decl(members[(first + k) % members.len()])).collect();
        chain.push(chain[0].clone());
        let Some(statement) = self.decls.get(members[first]) else { return };
        let origin = self.origin(declared_span(statement));
        self.build
            .problem_once(origin, format!("the declarations refer to each other in a cycle: {}", chain.join(" → ")));
    }

    /// Reports that references nest past `MAX_REFERENCE_DEPTH` at `name` (once a deployment).
    fn report_too_deep(&mut self, name: &'w str) {
        let limit = crate::eval::limits::MAX_REFERENCE_DEPTH;
        let what = self.describe_decl(name);
        let origin = match self.decls.get(name) {
            Some(statement) => self.origin(declared_span(statement)),
            None => self.origin(self.program.span),
        };
        self.build
            .problem_once(origin, format!("references nest deeper than {limit} at {what}: its value is not evaluated"));
    }

    /// A declaration as messages name it: `variable `a``, `function `f``.
    fn describe_decl(&self, name: &str) -> String {
        let kind = match self.decls.get(name).map(|s| &s.kind) {
            Some(StatementKind::Param { .. }) => "parameter",
            Some(StatementKind::Var { .. }) => "variable",
            Some(StatementKind::Func { .. }) => "function",
            Some(StatementKind::Resource { .. }) => "resource",
            Some(StatementKind::Module { .. }) => "module",
            _ => "declaration",
        };
        format!("{kind} `{name}`")
    }

    /// Whether references (declarations, function calls, across imports) nest too deep.
    fn too_deep(&self) -> bool {
        self.in_progress.len() + self.outer.len() >= crate::eval::limits::MAX_REFERENCE_DEPTH
    }

    fn module_dir(&self) -> PathBuf {
        self.workspace.file(self.frame.file).path.parent().map(PathBuf::from).unwrap_or_default()
    }
}

/// The names a statement declares in its file: an import declares each name it imports.
fn declared_names(statement: &Statement) -> Vec<&str> {
    match &statement.kind {
        StatementKind::Param { name, .. }
        | StatementKind::Var { name, .. }
        | StatementKind::Resource { name, .. }
        | StatementKind::Module { name, .. }
        | StatementKind::Func { name, .. } => vec![&name.name],
        StatementKind::Import { clause: ImportClause::Named(items), .. } => {
            items.iter().map(|item| item.alias.as_ref().unwrap_or(&item.name).name.as_str()).collect()
        }
        StatementKind::Import { clause: ImportClause::Wildcard { alias }, .. } => vec![&alias.name],
        _ => Vec::new(),
    }
}

/// Where a statement's declared name is written (the statement when it has none).
fn declared_span(statement: &Statement) -> Span {
    match &statement.kind {
        StatementKind::Param { name, .. }
        | StatementKind::Var { name, .. }
        | StatementKind::Resource { name, .. }
        | StatementKind::Module { name, .. }
        | StatementKind::Func { name, .. } => name.span,
        _ => statement.span,
    }
}

/// Whether a statement has `@name()` (or `@sys.name()`).
fn has_decorator(statement: &Statement, name: &str) -> bool {
    statement.decorators.iter().any(|d| matches!(&d.expr.kind, ExprKind::Call { name: n, .. } if n.name == name))
}
