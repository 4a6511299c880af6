//! Bicep modules: a module is evaluated as a template instance of its own, with the caller's
//! `params` as its inputs, its resources joining the deployment and its outputs read back. A
//! module is a local Bicep file, a local ARM template (`.json`), or a registry module (`br:`,
//! `ts:`) whose compiled `main.json` the scan found in the local Bicep module cache; a registry
//! module the cache lacks is opaque (what it receives may deploy related resources), and says
//! how to restore it.

use super::{BicepEval, Decl, Locals};
use crate::eval::build::{Frame, Inputs};
use crate::model::{Node, Tri, Value};
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::bicep::ParsedBicep;
use crate::syntax::bicep::ast::{Expr, ExprKind, StatementKind};
use crate::workspace::{Outline, Parsed, Workspace};
use std::path::PathBuf;

/// Local module and import paths a Bicep file refers to, resolved against its folder; the
/// scan loads them before evaluation so that the workspace is complete and read-only while
/// evaluating.
pub fn module_paths(workspace: &Workspace, file: FileId) -> Vec<PathBuf> {
    referenced(workspace, file, true)
}

/// The local modules a Bicep file deploys (not the files it only imports from).
pub fn module_calls(workspace: &Workspace, file: FileId) -> Vec<PathBuf> {
    referenced(workspace, file, false)
}

fn referenced(workspace: &Workspace, file: FileId, imports: bool) -> Vec<PathBuf> {
    let Some(outline) = outline_of(workspace, file) else { return Vec::new() };
    let dir = workspace.file(file).path.parent().map(PathBuf::from).unwrap_or_default();
    let modules = outline.modules.iter().filter_map(|p| local_module(p));
    let imported = outline.imports.iter().map(String::as_str).filter(|_| imports);
    modules.chain(imported).filter(|p| path_error(p).is_none()).map(|p| dir.join(p)).collect()
}

/// What the scan reads of a Bicep template before evaluation: its module and import paths.
pub fn outline(parsed: &ParsedBicep) -> Outline {
    let mut outline = Outline { has_errors: !parsed.errors.is_empty(), ..Outline::default() };
    for statement in &parsed.program.statements {
        match &statement.kind {
            StatementKind::Module { path, .. } => outline.modules.extend(path.as_literal().map(str::to_string)),
            StatementKind::Import { .. } => {
                outline.imports.extend(super::imports::import_path(statement).map(str::to_string));
            }
            _ => {}
        }
    }
    outline
}

/// A Bicep file's outline, from its tree or as kept (a parameter file may import too).
fn outline_of(workspace: &Workspace, file: FileId) -> Option<std::borrow::Cow<'_, Outline>> {
    match workspace.parsed(file) {
        Parsed::Bicep(parsed) | Parsed::BicepParams(parsed) => Some(std::borrow::Cow::Owned(outline(parsed))),
        Parsed::BicepOutline(outline) => Some(std::borrow::Cow::Borrowed(outline)),
        _ => None,
    }
}

/// Whether a Bicep file names a local module or import file that is not usable: a path Bicep
/// refuses (absolute, with `\\`), or a file the scan could not read. The evaluator reports
/// each at its line, so such a file is evaluated whatever the rules judge.
pub fn has_broken_reference(workspace: &Workspace, file: FileId) -> bool {
    let Some(outline) = outline_of(workspace, file) else { return false };
    let dir = workspace.file(file).path.parent().map(PathBuf::from).unwrap_or_default();
    let broken = |p: &str| {
        path_error(p).is_some()
            || workspace.find(&dir.join(p)).is_none_or(|id| matches!(workspace.parsed(id), Parsed::None))
    };
    outline.modules.iter().filter_map(|p| local_module(p)).any(broken) || outline.imports.iter().any(|p| broken(p))
}

/// The registry modules (`br:`, `br/<alias>:`, `ts:`, `ts/<alias>:`) a Bicep file calls, as
/// written; the scan finds them in the local Bicep module cache.
pub fn registry_calls(workspace: &Workspace, file: FileId) -> Vec<String> {
    if matches!(workspace.parsed(file), Parsed::BicepParams(_)) {
        return Vec::new();
    }
    let Some(outline) = outline_of(workspace, file) else { return Vec::new() };
    let mut calls: Vec<String> =
        outline.modules.iter().filter(|p| local_module(p).is_none()).map(String::clone).collect();
    calls.sort();
    calls.dedup();
    calls
}

/// The scanned ARM templates a Bicep evaluation reads: a linked template of an ARM module is
/// one the scan loaded as a module too.
struct ArmModules<'w>(&'w Workspace);

impl crate::eval::LinkedTemplates for ArmModules<'_> {
    fn linked(
        &self,
        from: FileId,
        relative: &str,
    ) -> Option<(FileId, std::sync::Arc<crate::syntax::arm::ArmDocument>)> {
        if relative.is_empty() || relative.starts_with('/') || relative.contains(['\\', ':', '%']) {
            return None;
        }
        let path = self.0.file(from).path.parent()?.join(relative);
        let file = self.0.find(&path)?;
        match self.0.parsed(file) {
            Parsed::ArmModule(doc) => Some((file, doc.clone())),
            _ => None,
        }
    }

    fn display(&self, file: FileId) -> String {
        self.0.file(file).display.clone()
    }
}

/// Whether a Bicep text calls a registry module (`br:`, `br/`, `ts:`, `ts/`): what it deploys
/// there is not visible.
pub fn calls_registry(text: &str) -> bool {
    ["'br:", "'br/", "'ts:", "'ts/"].iter().any(|p| text.contains(p))
}

/// Why Bicep refuses a local file path (a module's, an import's, a `load*()` function's),
/// in its words and with its code: empty, absolute (`/x`, `C:`…), or with a backslash
/// (`RelativePath.TryCreate` in the Bicep compiler).
pub(super) fn path_error(path: &str) -> Option<&'static str> {
    let bytes = path.as_bytes();
    if path.is_empty() {
        Some("The specified path is empty. (BCP050)")
    } else if path.starts_with('/') || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':') {
        Some(
            "The specified path seems to reference an absolute path. Files must be referenced using relative paths. (BCP051)",
        )
    } else if path.contains('\\') {
        Some(
            "The specified file path contains a \"\\\" character. Use \"/\" instead as the directory separator character. (BCP098)",
        )
    } else {
        None
    }
}

/// A module path that names a local file (not a registry `br:`/`ts:` reference).
fn local_module(p: &str) -> Option<&str> {
    let registry = ["br:", "br/", "ts:", "ts/"].iter().any(|prefix| p.starts_with(prefix));
    (!registry).then_some(p)
}

impl<'w> BicepEval<'w, '_> {
    /// The value of a module symbol (`name`, `params`, `outputs`); a module loop's is the
    /// array of its elements'. Evaluated once.
    pub(super) fn module_ref(&mut self, name: &str, span: Span) -> Node {
        let Some((&key, &statement)) = self.decls.get_key_value(name) else {
            return self.unknown(format!("`{name}` is not declared"), span);
        };
        if let Some(node) = self.values.get(&Decl::Module(key)) {
            return node.clone().at(self.origin(span));
        }
        if self.in_progress.contains(&key) {
            return self.unknown(format!("module `{name}` refers to itself"), span);
        }
        let StatementKind::Module { body, .. } = &statement.kind else { return self.unknown("not a module", span) };
        self.in_progress.push(key);
        let node = match &body.kind {
            ExprKind::For { item, index, iterable, body: inner } => {
                let elements = self.for_elements(iterable, &Vec::new(), name, crate::eval::loops::Draw::Instances);
                let origin = self.origin(statement.span);
                let mut values = Vec::new();
                for element in elements {
                    let locals = super::resources::bind(&Vec::new(), item.as_deref(), index.as_deref(), &element);
                    let deployed = (element.deployed.clone(), None);
                    let value = self.module_instance(statement, inner, &locals, Some(element.label), deployed);
                    values.push(value.unwrap_or_else(|| Node::new(Value::Null, origin)));
                }
                Node::new(Value::Array(values), origin)
            }
            _ => self
                .module_instance(statement, body, &Vec::new(), None, (Tri::Yes, None))
                .unwrap_or_else(|| self.unknown(format!("module `{name}` is not deployed"), span)),
        };
        self.in_progress.pop();
        self.values.insert(Decl::Module(key), node.clone());
        node.at(self.origin(span))
    }

    pub(super) fn module_loop(&mut self, statement: &'w crate::syntax::bicep::ast::Statement) {
        if let StatementKind::Module { name, .. } = &statement.kind {
            self.module_ref(&name.name, statement.span);
        }
    }

    /// Evaluates one call of a module: its resources join the deployment; returns the module's
    /// value (`name`, `params`, `outputs`), or `None` when its condition is false.
    fn module_instance(
        &mut self,
        statement: &'w crate::syntax::bicep::ast::Statement,
        body: &'w Expr,
        locals: &Locals,
        element: Option<String>,
        (deployed, when): (Tri, Option<String>),
    ) -> Option<Node> {
        let StatementKind::Module { name: symbol, path, .. } = &statement.kind else { return None };
        let (deployed, when, object) = match &body.kind {
            ExprKind::If { condition: written, body } => {
                let condition = self.expr(written, locals);
                let own = crate::eval::resources::describe_condition(&condition, self.text(written.span));
                let deployed = deployed.and(crate::eval::resources::deployed_by(&condition)?);
                (deployed, crate::eval::resources::and_when(when, own), body.as_ref())
            }
            _ => (deployed, when, body),
        };
        let deployed = (
            self.frame.deployed.clone().and(deployed),
            crate::eval::resources::and_when(self.frame.when.clone(), when),
        );
        let value = self.expr(object, locals);
        let origin = self.origin(symbol.span.cover(path.span));
        let label = match &element {
            Some(element) => format!("module {element}"),
            None => format!("module {}", symbol.name),
        };
        let outputs = match path.as_literal().and_then(local_module) {
            Some(relative) if let Some(refused) = path_error(relative) => {
                // Bicep refuses the template: the module is not followed, and the problem is
                // where the path is written.
                self.build.problem_once(self.origin(path.span), format!("module `{}`: {refused}", symbol.name));
                self.build.opaque(format!("module `{}` ({relative})", symbol.name), origin, value.clone());
                Node::new(Value::unknown(format!("module `{relative}` is not read: {refused}"), origin), origin)
            }
            Some(relative) => {
                let full = self.module_dir().join(relative);
                self.call_module(&symbol.name, relative, &full, &value, &label, path.span, deployed)
            }
            None => {
                let shown = path.as_literal().unwrap_or("a registry module");
                let resolved =
                    path.as_literal().and_then(|p| self.workspace.registry.get(&(self.frame.file, p.to_string())));
                match resolved {
                    Some(Ok(cached)) => {
                        let cached = cached.clone();
                        self.call_module(&symbol.name, shown, &cached, &value, &label, path.span, deployed)
                    }
                    Some(Err(why)) => {
                        // `why` completes "module `br/…` is …" and says what to do.
                        self.build.opaque(format!("module `{}` ({shown}, {why})", symbol.name), origin, value.clone());
                        Node::new(Value::unknown(format!("module `{shown}` is {why}"), origin), origin)
                    }
                    None => {
                        let reason = match path.as_literal() {
                            Some(_) => format!(
                                "module `{shown}` is not read: pgguard reads registry modules only from the local Bicep module cache, when the scan finds them there"
                            ),
                            None => "the module path is not a literal string".to_string(),
                        };
                        self.build.opaque(format!("module `{}` ({shown})", symbol.name), origin, value.clone());
                        Node::new(Value::unknown(reason, origin), origin)
                    }
                }
            }
        };
        let mut members = match value.value {
            Value::Object(m) => m,
            _ => Vec::new(),
        };
        members.push(("outputs".to_string(), outputs));
        Some(Node::new(Value::Object(members), origin))
    }

    /// Evaluates a call of the module at `full` (`shown` as the call writes it): a Bicep file,
    /// or an ARM template (a local `.json` module, a registry module from the cache).
    #[allow(clippy::too_many_arguments)]
    fn call_module(
        &mut self,
        symbol: &str,
        shown: &str,
        full: &std::path::Path,
        value: &Node,
        label: &str,
        span: Span,
        (deployed, when): (Tri, Option<String>),
    ) -> Node {
        let origin = self.origin(span);
        let workspace = self.workspace;
        let opaque = |this: &mut Self, reason: String| {
            this.build.opaque(format!("module `{symbol}` ({shown})"), origin, value.clone());
            Node::new(Value::unknown(reason, origin), origin)
        };
        let Some(module_file) = workspace.find(full) else {
            self.build.problem(origin, format!("module `{symbol}`: cannot read `{shown}`"));
            return opaque(self, format!("module file `{shown}` cannot be read"));
        };
        let program = match workspace.parsed(module_file) {
            Parsed::Bicep(parsed) => Ok(&parsed.program),
            Parsed::ArmModule(doc) => Err(doc.clone()),
            _ => {
                return opaque(self, format!("module `{shown}` is not a Bicep file or ARM template pgguard evaluates"));
            }
        };
        if let Err(refusal) = self.build.enter(module_file, false, |f| workspace.file(f).display.clone()) {
            let (problem, reason) = refusal.message();
            if !matches!(refusal, crate::eval::build::Refusal::TooMany) || self.build.first_refused() {
                self.build.problem(origin, problem);
            }
            return opaque(self, reason.to_string());
        }
        let inputs = match value.get("params") {
            Some(Node { value: Value::Object(params), .. }) => params.clone(),
            _ => Vec::new(),
        };
        // A module with a `scope` of its own deploys elsewhere (unless it names this one).
        let here = !crate::eval::resources::elsewhere(value.get("scope").map(|n| &n.value), self.frame.scope);
        let scope = if here { self.frame.scope } else { self.build.new_scope() };
        let frame = Frame {
            file: module_file,
            instance: self.build.new_instance(),
            scope,
            context: format!("{} › {label} ({shown})", self.frame.context),
            deployed,
            when,
            inputs: Some(Inputs::from_caller(format!("module `{symbol}`"), inputs)),
        };
        let outputs = match program {
            Ok(program) => {
                let loaded = self.loaded.clone();
                let mut module = BicepEval::new(workspace, self.build, frame, program);
                module.loaded = loaded;
                module.run();
                module.outputs(symbol)
            }
            Err(doc) => crate::eval::arm::evaluate_module(self.build, frame, &doc.root, &ArmModules(workspace), symbol),
        };
        self.build.leave();
        outputs
    }
}
