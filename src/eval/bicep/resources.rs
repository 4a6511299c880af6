//! Bicep resource declarations: top-level, in loops, nested in a parent's body or linked by
//! `parent:`, and resources read as values (`server.id`, `servers[i]`, `vnet::subnet`).

use super::{BicepEval, Locals};
use crate::eval::loops;
use crate::eval::ops::set_member;
use crate::eval::resources::{self, Declaration};
use crate::model::{Node, Tri, Value};
use crate::span::Span;
use crate::syntax::bicep::ast::{Expr, ExprKind, ObjectItem, Statement, StatementKind};

impl<'w> BicepEval<'w, '_> {
    /// Deploys a top-level resource that is not a loop, once, and returns its instance.
    pub(super) fn resolve_resource(&mut self, name: &'w str) -> Option<usize> {
        if let Some(done) = self.resources.get(name) {
            return *done;
        }
        let statement = *self.decls.get(name)?;
        self.resources.insert(name, None);
        let StatementKind::Resource { body, .. } = &statement.kind else { return None };
        let index = self.instance(statement, body, None, &Vec::new(), (Tri::Yes, None), None);
        self.resources.insert(name, index);
        index
    }

    /// Deploys the elements of a top-level resource loop, once, and returns their instances.
    pub(super) fn loop_instances(&mut self, name: &'w str) -> Vec<Option<usize>> {
        if let Some(done) = self.loops.get(name) {
            return done.clone();
        }
        let Some(statement) = self.decls.get(name).copied() else { return Vec::new() };
        self.loops.insert(name, Vec::new());
        let (instances, known) = self.expand_loop(statement, None, &Vec::new(), &(Tri::Yes, None));
        if !known {
            self.symbolic_loops.insert(name);
        }
        self.loops.insert(name, instances.clone());
        instances
    }

    /// `parent_deployed`: whether the enclosing resource is deployed (a nested loop), and
    /// under which unknown conditions. Returns
    /// the instances and whether they are the loop's elements one by one (not one element
    /// standing for all).
    fn expand_loop(
        &mut self,
        statement: &'w Statement,
        parent: Option<usize>,
        locals: &Locals,
        parent_deployed: &(Tri, Option<String>),
    ) -> (Vec<Option<usize>>, bool) {
        let StatementKind::Resource { body, name, .. } = &statement.kind else { return (Vec::new(), true) };
        let ExprKind::For { item, index, iterable, body: inner } = &body.kind else { return (Vec::new(), true) };
        let elements = self.for_elements(iterable, locals, &name.name, loops::Draw::Instances);
        let known = !elements.iter().any(|e| e.stands_for_all);
        let mut instances = Vec::new();
        for element in elements {
            let locals = bind(locals, item.as_deref(), index.as_deref(), &element);
            let deployed = (parent_deployed.0.clone().and(element.deployed), parent_deployed.1.clone());
            instances.push(self.instance(statement, inner, parent, &locals, deployed, Some(element.label)));
        }
        (instances, known)
    }

    pub(super) fn for_elements(
        &mut self,
        iterable: &'w Expr,
        locals: &Locals,
        label: &str,
        draw: loops::Draw,
    ) -> Vec<loops::Element> {
        let array = self.expr(iterable, locals);
        let at = self.origin(iterable.span);
        loops::over_array(self.build, array, label, at, self.frame.instance, draw)
    }

    /// Deploys one instance of a resource declaration (with its nested children).
    fn instance(
        &mut self,
        statement: &'w Statement,
        body: &'w Expr,
        parent: Option<usize>,
        locals: &Locals,
        (deployed, when): (Tri, Option<String>),
        element: Option<String>,
    ) -> Option<usize> {
        let StatementKind::Resource { name: symbol, type_string, existing, .. } = &statement.kind else { return None };
        let (deployed, when, object) = match &body.kind {
            ExprKind::If { condition: written, body } => {
                let condition = self.expr(written, locals);
                let own = resources::describe_condition(&condition, self.text(written.span));
                (deployed.and(resources::deployed_by(&condition)?), resources::and_when(when, own), body.as_ref())
            }
            _ => (deployed, when, body),
        };
        let ExprKind::Object(items) = &object.kind else { return None };
        let (resource_type, api_version) = split_type(type_string.as_literal().unwrap_or(""));
        let mut parent = parent;
        let mut members = Vec::new();
        let mut nested = Vec::new();
        let mut name = Node::new(Value::Null, self.origin(symbol.span));
        let mut parent_ref = None;
        for item in items {
            match item {
                ObjectItem::Property(p) => match p.key.literal().unwrap_or("") {
                    "name" => name = self.expr(&p.value, locals),
                    "parent" => parent_ref = Some(self.parent_ref(&p.value, locals)),
                    "dependsOn" => {}
                    key => {
                        let value = self.expr(&p.value, locals);
                        set_member(&mut members, key.to_string(), value);
                    }
                },
                ObjectItem::Spread(e) => {
                    let spread = self.spread(e, locals);
                    crate::eval::ops::spread_into(&mut members, spread);
                }
                ObjectItem::Resource(child) => nested.push(child.as_ref()),
            }
        }
        match parent_ref {
            Some(ParentRef::Sure(index)) => parent = Some(index),
            // A parent that is not one known instance: the name says which it may be.
            Some(ParentRef::Named(parent_name)) => {
                parent = None;
                name.value = resources::join_name(&parent_name, name.value, name.origin);
            }
            None => {}
        }
        let scope = members.iter().find(|(k, _)| k == "scope").map(|(_, n)| &n.value);
        let elsewhere = resources::elsewhere(scope, self.frame.scope);
        let declaration = Declaration {
            elsewhere,
            resource_type,
            api_version,
            symbol: Some(symbol.name.clone()),
            name,
            name_is_full: false,
            existing: *existing,
            deployed,
            when,
            body: Node::new(Value::Object(members), self.origin(object.span)),
            declaration: self.origin(symbol.span.cover(type_string.span)),
            parent,
            element,
        };
        let index = resources::declare(self.build, &self.frame, declaration);
        // A nested child shares its parent's condition (the compiler gives it to it).
        let parent = &self.build.deployment.resources[index];
        let parent_deployed = (parent.deployed.clone(), parent.when.clone());
        for child in nested {
            let StatementKind::Resource { body, .. } = &child.kind else { continue };
            if matches!(body.kind, ExprKind::For { .. }) {
                self.expand_loop(child, Some(index), locals, &parent_deployed);
            } else {
                self.instance(child, body, Some(index), locals, parent_deployed.clone(), None);
            }
        }
        Some(index)
    }

    /// The value of a resource symbol: its body with `id`, `name`, `type` and `apiVersion`;
    /// `only` builds just that member.
    pub(super) fn resource_value(&mut self, name: &'w str, span: Span, only: Option<&str>) -> Node {
        if self.in_progress.contains(&name) {
            return self.unknown(format!("resource `{name}` refers to itself"), span);
        }
        let origin = self.origin(span);
        self.in_progress.push(name);
        let value = if self.is_resource_loop(name, &Vec::new()) {
            let instances = self.loop_instances(name);
            let elements = instances
                .iter()
                .map(|i| match i {
                    Some(i) => self.instance_value(*i, only),
                    None => Node::new(Value::Null, origin),
                })
                .collect();
            Node::new(Value::Array(elements), origin)
        } else {
            match self.resolve_resource(name) {
                Some(index) => self.instance_value(index, only).at(origin),
                None => self.unknown(format!("resource `{name}` is not deployed"), span),
            }
        };
        self.in_progress.pop();
        value
    }

    pub(super) fn is_resource_loop(&self, name: &str, locals: &Locals) -> bool {
        !locals.iter().any(|(n, _)| n == name)
            && matches!(
                self.decls.get(name).map(|s| &s.kind),
                Some(StatementKind::Resource { body, .. }) if matches!(body.kind, ExprKind::For { .. })
            )
    }

    pub(super) fn is_resource(&self, name: &str, locals: &Locals) -> bool {
        !locals.iter().any(|(n, _)| n == name)
            && matches!(self.decls.get(name).map(|s| &s.kind), Some(StatementKind::Resource { .. }))
    }

    pub(super) fn instance_value(&self, index: usize, only: Option<&str>) -> Node {
        resources::as_value(index, &self.build.deployment.resources[index], only)
    }

    /// The deployed instance an expression names: `server`, or `servers[i]` of a resource loop
    /// whose elements are known.
    pub(super) fn resource_instance(&mut self, expr: &'w Expr, locals: &Locals) -> Option<usize> {
        match &expr.kind {
            ExprKind::Ident(id) if self.is_resource(&id.name, locals) => {
                let name = self.decls.get_key_value(id.name.as_str()).map(|(k, _)| *k)?;
                if self.is_resource_loop(name, locals) { None } else { self.resolve_resource(name) }
            }
            ExprKind::Index { base, index, from_end: false, .. } => {
                let ExprKind::Ident(id) = &base.kind else { return None };
                if !self.is_resource_loop(&id.name, locals) {
                    return None;
                }
                let name = self.decls.get_key_value(id.name.as_str()).map(|(k, _)| *k)?;
                let Value::Int(i) = self.expr(index, locals).value else { return None };
                let instances = self.loop_instances(name);
                // One element standing for all of them is no element in particular.
                if self.symbolic_loops.contains(name) {
                    return None;
                }
                usize::try_from(i).ok().and_then(|i| instances.get(i).copied().flatten())
            }
            _ => None,
        }
    }

    /// What `parent:` names: one deployed instance, or (a resource not deployed, an element
    /// not known) only a name, which linking compares with the resources of the parent type.
    fn parent_ref(&mut self, expr: &'w Expr, locals: &Locals) -> ParentRef {
        if let Some(index) = self.resource_instance(expr, locals) {
            return ParentRef::Sure(index);
        }
        let origin = self.origin(expr.span);
        if let ExprKind::Ident(id) = &expr.kind
            && let Some(statement) = self.decls.get(id.name.as_str()).copied()
            && let StatementKind::Resource { body, .. } = &statement.kind
            && let ExprKind::Object(items) = &strip_if(body).kind
        {
            // Not deployed (a false condition): it exists all the same, by that name.
            let name = items.iter().find_map(|i| match i {
                ObjectItem::Property(p) if p.key.literal() == Some("name") => Some(&p.value),
                _ => None,
            });
            if let Some(name) = name {
                return ParentRef::Named(self.expr(name, locals).value);
            }
        }
        // An element of a known loop that is not deployed (its condition is false): it
        // exists all the same, by that element's name.
        if let ExprKind::Index { base, index, from_end: false, .. } = &expr.kind
            && let ExprKind::Ident(id) = &base.kind
            && let Some(statement) = self.decls.get(id.name.as_str()).copied()
            && let StatementKind::Resource { body, .. } = &statement.kind
            && let ExprKind::For { item, index: position, iterable, body: inner } = &body.kind
            && let Value::Int(i) = self.expr(index, locals).value
            && let ExprKind::Object(items) = &strip_if(inner).kind
        {
            let elements = self.for_elements(iterable, &Vec::new(), &id.name, loops::Draw::Elements);
            let element = usize::try_from(i).ok().and_then(|i| elements.get(i)).filter(|e| !e.stands_for_all);
            let name = items.iter().find_map(|i| match i {
                ObjectItem::Property(p) if p.key.literal() == Some("name") => Some(&p.value),
                _ => None,
            });
            if let (Some(element), Some(name)) = (element, name) {
                let locals = bind(&Vec::new(), item.as_deref(), position.as_deref(), element);
                return ParentRef::Named(self.expr(name, &locals).value);
            }
        }
        ParentRef::Named(Value::unknown("the parent is not one known resource", origin))
    }

    /// `parent::child`: the nested resource's identity (id and name).
    pub(super) fn nested_resource(&mut self, base: &'w Expr, child: &str, span: Span) -> Node {
        let origin = self.origin(span);
        let not_here = |this: &Self| this.unknown(format!("`::{child}` is not evaluated here"), span);
        let Some(parent) = self.resource_instance(base, &Vec::new()) else { return not_here(self) };
        let ExprKind::Ident(symbol) = &base.kind else { return not_here(self) };
        let Some(StatementKind::Resource { body, .. }) = self.decls.get(symbol.name.as_str()).map(|s| &s.kind) else {
            return not_here(self);
        };
        let ExprKind::Object(items) = &strip_if(body).kind else { return not_here(self) };
        let position = items
            .iter()
            .filter_map(|i| match i {
                ObjectItem::Resource(s) => Some(s),
                _ => None,
            })
            .position(|s| matches!(&s.kind, StatementKind::Resource { name, .. } if name.name == child));
        let Some(position) = position else {
            return self.unknown(format!("no nested resource `{child}`"), span);
        };
        // The nested instance was deployed right after its parent, in declaration order.
        let resources = &self.build.deployment.resources;
        let found = resources
            .iter()
            .enumerate()
            .skip(parent + 1)
            .filter(|(_, r)| r.parent == Some(parent) && r.symbol.is_some())
            .find(|(_, r)| r.symbol.as_deref() == Some(child))
            .map(|(i, _)| i);
        let _ = position;
        match found {
            Some(i) => self.instance_value(i, None).at(origin),
            None => self.unknown(format!("the nested resource `{child}` is not deployed"), span),
        }
    }
}

enum ParentRef {
    Sure(usize),
    Named(Value),
}

/// Binds a loop element's item and index names.
pub(super) fn bind(
    locals: &Locals,
    item: Option<&crate::syntax::bicep::ast::Ident>,
    index: Option<&crate::syntax::bicep::ast::Ident>,
    element: &loops::Element,
) -> Locals {
    let mut l = locals.clone();
    if let Some(item) = item {
        l.push((item.name.clone(), element.item.clone()));
    }
    if let Some(index) = index {
        l.push((index.name.clone(), element.index.clone()));
    }
    l
}

fn strip_if(body: &Expr) -> &Expr {
    match &body.kind {
        ExprKind::If { body, .. } => body,
        _ => body,
    }
}

/// `'Microsoft.X/y@2024-01-01'` → (`Microsoft.X/y`, `2024-01-01`).
fn split_type(type_string: &str) -> (String, Option<String>) {
    match type_string.split_once('@') {
        Some((t, v)) => (t.to_string(), Some(v.to_string())),
        None => (type_string.to_string(), None),
    }
}
