//! `import {a, b as c} from './x.bicep'` and `import * as ns from './x.bicep'`: an imported
//! variable or function is evaluated in the file that exports it (`@export()`), with that
//! file's declarations, in the importing deployment (the compiler copies it there). Types
//! are read for what they say of a parameter's values (`TypeInfo`): a union of literals, and
//! whether null is allowed.

use super::{BicepEval, Decl, has_decorator};
use crate::eval::build::Frame;
use crate::model::{Node, Value};
use crate::source::{FileId, Origin};
use crate::span::Span;
use crate::syntax::bicep::ast::{
    Expr, ExprKind, Ident, ImportClause, Program, Statement, StatementKind, TypeExpr, TypeKind,
};
use crate::workspace::Parsed;

/// The local Bicep file an import statement reads, as written; `None` for a registry
/// reference, another kind of file, or an older provider `import 'az@1.0.0'`.
pub(super) fn import_path(statement: &Statement) -> Option<&str> {
    let StatementKind::Import { clause: ImportClause::Named(_) | ImportClause::Wildcard { .. }, source, .. } =
        &statement.kind
    else {
        return None;
    };
    let path = literal(source)?;
    (!is_registry(path) && path.ends_with(".bicep")).then_some(path)
}

fn literal(source: &Expr) -> Option<&str> {
    match &source.kind {
        ExprKind::String(s) => s.as_literal(),
        _ => None,
    }
}

fn is_registry(path: &str) -> bool {
    ["br:", "br/", "ts:", "ts/"].iter().any(|prefix| path.starts_with(prefix))
}

/// What a declared type says of a parameter's values, its aliases followed.
#[derive(Default)]
pub(super) struct TypeInfo {
    /// `T?`, or a union with `null`.
    pub nullable: bool,
    /// The values a union of literal types (or a single literal type) lists.
    pub values: Option<Vec<Node>>,
}

/// Aliases are followed this deep (a guard beside the cycle they would otherwise make).
const MAX_TYPE_DEPTH: usize = 16;

/// What an imported name is in the file that exports it.
pub(super) enum Exported<'w> {
    Var(&'w Ident),
    Func(&'w str, &'w Statement),
}

impl<'w> BicepEval<'w, '_> {
    /// The value of `name`, declared by the import `statement`: an imported variable, or for
    /// `import * as ns` the object of the file's exported variables.
    pub(super) fn imported(&mut self, name: &'w str, statement: &'w Statement, span: Span) -> Node {
        let origin = self.origin(span);
        if let Some(node) = self.values.get(&Decl::Import(name)) {
            return node.clone().at(origin);
        }
        let node = match self.import_target(statement) {
            Err(reason) => Node::new(Value::unknown(reason, origin), origin),
            Ok((file, program)) => match &statement.kind {
                StatementKind::Import { clause: ImportClause::Wildcard { .. }, .. } => {
                    self.in_file(file, program, |eval| eval.exported_variables(origin))
                }
                _ => {
                    let original = original_name(statement, name).unwrap_or(name);
                    match exported(program, original) {
                        Some(Exported::Var(var)) => {
                            self.in_file(file, program, |eval| eval.ident(&var.name, var.span, &Vec::new()))
                        }
                        Some(Exported::Func(..)) => {
                            let reason = format!("`{name}` is a function: a value only when called");
                            Node::new(Value::unknown(reason, origin), origin)
                        }
                        None => {
                            let shown = literal_source(statement).unwrap_or_default();
                            let reason = format!("`{shown}` exports no variable `{original}`");
                            Node::new(Value::unknown(reason, origin), origin)
                        }
                    }
                }
            },
        };
        self.values.insert(Decl::Import(name), node.clone());
        node.at(origin)
    }

    /// Calls the function imported as `name` (by `import {…}`), or `function` of the
    /// namespace `import * as name`, with evaluated arguments.
    pub(super) fn call_imported(
        &mut self,
        statement: &'w Statement,
        name: &'w str,
        function: Option<&str>,
        args: Vec<Node>,
        origin: Origin,
    ) -> Node {
        let (file, program) = match self.import_target(statement) {
            Ok(target) => target,
            Err(reason) => return Node::new(Value::unknown(reason, origin), origin),
        };
        let original = function.or_else(|| original_name(statement, name)).unwrap_or(name);
        match exported(program, original) {
            Some(Exported::Func(func, declaration)) => {
                self.in_file(file, program, |eval| eval.call_user(func, declaration, args, origin)).at(origin)
            }
            _ => {
                let shown = literal_source(statement).unwrap_or_default();
                let reason = format!("`{shown}` exports no function `{original}`");
                Node::new(Value::unknown(reason, origin), origin)
            }
        }
    }

    /// The file an import reads, parsed; or why its names are not known.
    fn import_target(&mut self, statement: &'w Statement) -> Result<(FileId, &'w Program), String> {
        let StatementKind::Import { source, .. } = &statement.kind else {
            return Err("not an import".into());
        };
        let Some(path) = literal(source) else {
            return Err("the import's source is not a plain string".into());
        };
        if is_registry(path) {
            return Err(format!("imported from the registry module `{path}`, which pgguard does not read"));
        }
        if !path.ends_with(".bicep") {
            return Err(format!("imported from `{path}`: pgguard evaluates imports from Bicep files only"));
        }
        if let Some(refused) = super::modules::path_error(path) {
            self.build.problem_once(self.origin(source.span), format!("import: {refused}"));
            return Err(format!("the import `{path}` is not read: {refused}"));
        }
        let workspace = self.workspace;
        let Some(file) = workspace.find(&self.module_dir().join(path)) else {
            let problem = (self.origin(source.span), format!("import: cannot read `{path}`"));
            if !self.build.deployment.problems.contains(&problem) {
                self.build.problem(problem.0, problem.1);
            }
            return Err(format!("the imported file `{path}` cannot be read"));
        };
        match workspace.parsed(file) {
            Parsed::Bicep(parsed) => Ok((file, &parsed.program)),
            _ => Err(format!("the imported file `{path}` is not a Bicep file pgguard evaluates")),
        }
    }

    /// Runs `f` in an evaluator of `file` for the same deployment instance: an imported
    /// variable or function is compiled into the importing template.
    pub(super) fn in_file<T>(
        &mut self,
        file: FileId,
        program: &'w Program,
        f: impl FnOnce(&mut BicepEval<'w, '_>) -> T,
    ) -> T {
        let frame = Frame { file, inputs: None, ..self.frame.clone() };
        let mut outer = self.outer.clone();
        outer.extend(self.in_progress.iter().map(|name| (self.frame.file, *name)));
        let loaded = self.loaded.clone();
        let mut eval = BicepEval::new(self.workspace, self.build, frame, program);
        // What is exported cannot refer to the file's resources and modules (Bicep refuses
        // it): an evaluator of values never deploys anything.
        eval.decls.retain(|_, s| !matches!(s.kind, StatementKind::Resource { .. } | StatementKind::Module { .. }));
        eval.outer = outer;
        eval.loaded = loaded;
        f(&mut eval)
    }

    /// What type `ty` says of a value: literals it lists, whether it allows null; a local
    /// `type` alias, an imported one (`import {t} from`, `ns.t` of `import * as ns`) is
    /// followed, in the file that declares it.
    pub(super) fn type_info(&mut self, ty: &'w TypeExpr, depth: usize) -> TypeInfo {
        if depth > MAX_TYPE_DEPTH {
            return TypeInfo::default();
        }
        match &ty.kind {
            TypeKind::Paren(inner) => self.type_info(inner, depth + 1),
            TypeKind::Nullable(inner) => TypeInfo { nullable: true, ..self.type_info(inner, depth + 1) },
            TypeKind::Literal(e) => {
                let value = self.expr(e, &Vec::new());
                let nullable = value.value == Value::Null;
                TypeInfo { nullable, values: Some(vec![value]) }
            }
            TypeKind::Union(members) => {
                let mut info = TypeInfo { nullable: false, values: Some(Vec::new()) };
                for member in members {
                    let part = self.type_info(member, depth + 1);
                    info.nullable |= part.nullable;
                    info.values = match (info.values, part.values) {
                        (Some(mut all), Some(more)) => {
                            all.extend(more.into_iter().filter(|n| n.value != Value::Null));
                            Some(all)
                        }
                        _ => None,
                    };
                }
                info
            }
            TypeKind::Ident(name) => {
                let program = self.program;
                let local = program.statements.iter().find_map(|s| match &s.kind {
                    StatementKind::Type { name: n, value } if n.name == name.name => Some(value),
                    _ => None,
                });
                if let Some(value) = local {
                    return self.type_info(value, depth + 1);
                }
                match self.decls.get(name.name.as_str()).copied() {
                    Some(statement @ Statement { kind: StatementKind::Import { .. }, .. })
                        if !is_namespace(statement) =>
                    {
                        let original = original_name(statement, &name.name).unwrap_or(&name.name);
                        self.imported_type(statement, original, depth)
                    }
                    _ => TypeInfo::default(),
                }
            }
            TypeKind::Member { base, name } => match &base.kind {
                TypeKind::Ident(ns) => match self.decls.get(ns.name.as_str()).copied() {
                    Some(statement) if is_namespace(statement) => self.imported_type(statement, &name.name, depth),
                    _ => TypeInfo::default(),
                },
                _ => TypeInfo::default(),
            },
            _ => TypeInfo::default(),
        }
    }

    /// The exported type `name` of the file `statement` imports, read in that file.
    fn imported_type(&mut self, statement: &'w Statement, name: &str, depth: usize) -> TypeInfo {
        let Ok((file, program)) = self.import_target(statement) else { return TypeInfo::default() };
        let declared = program.statements.iter().filter(|s| has_decorator(s, "export")).find_map(|s| match &s.kind {
            StatementKind::Type { name: n, value } if n.name == name => Some(value),
            _ => None,
        });
        match declared {
            Some(value) => self.in_file(file, program, |eval| eval.type_info(value, depth + 1)),
            None => TypeInfo::default(),
        }
    }

    /// `import * as ns`: the exported variables of this file, by name.
    fn exported_variables(&mut self, origin: Origin) -> Node {
        let program = self.program;
        let mut members = Vec::new();
        for statement in &program.statements {
            if let StatementKind::Var { name, .. } = &statement.kind
                && has_decorator(statement, "export")
            {
                let value = self.ident(&name.name, name.span, &Vec::new());
                members.push((name.name.clone(), value));
            }
        }
        Node::new(Value::Object(members), origin)
    }
}

/// The name an import item has in the file it comes from.
fn original_name<'w>(statement: &'w Statement, local: &str) -> Option<&'w str> {
    let StatementKind::Import { clause: ImportClause::Named(items), .. } = &statement.kind else { return None };
    items
        .iter()
        .find(|item| item.alias.as_ref().unwrap_or(&item.name).name == local)
        .map(|item| item.name.name.as_str())
}

fn literal_source(statement: &Statement) -> Option<&str> {
    match &statement.kind {
        StatementKind::Import { source, .. } => literal(source),
        _ => None,
    }
}

/// The exported (`@export()`) variable or function `name` of a file.
pub(super) fn exported<'w>(program: &'w Program, name: &str) -> Option<Exported<'w>> {
    program.statements.iter().filter(|s| has_decorator(s, "export")).find_map(|s| match &s.kind {
        StatementKind::Var { name: n, .. } if n.name == name => Some(Exported::Var(n)),
        StatementKind::Func { name: n, .. } if n.name == name => Some(Exported::Func(&n.name, s)),
        _ => None,
    })
}

/// Whether an import statement is `import * as …`.
pub(super) fn is_namespace(statement: &Statement) -> bool {
    matches!(&statement.kind, StatementKind::Import { clause: ImportClause::Wildcard { .. }, .. })
}
