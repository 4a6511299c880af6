//! Bicep expressions mapped onto the core: literals and strings, names, member and element
//! access, operators, ternaries, `for` expressions, function calls (with lambdas).

use super::{BicepEval, Locals};
use crate::eval::functions::{self, Args, Ctx};
use crate::eval::ops::{self, Op};
use crate::model::{Node, TraceKind, TraceStep, Tri, Value};
use crate::source::Origin;
use crate::span::Span;
use crate::syntax::bicep::ast::{
    BinaryOp, Expr, ExprKind, ObjectItem, ObjectKey, StatementKind, StringLit, StringPart, UnaryOp,
};

impl<'w> BicepEval<'w, '_> {
    pub(super) fn expr(&mut self, expr: &'w Expr, locals: &Locals) -> Node {
        let origin = self.origin(expr.span);
        let value = match &expr.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::String(s) => return self.string(s, locals),
            ExprKind::Ident(ident) => return self.ident(&ident.name, expr.span, locals),
            ExprKind::Array(items) => {
                let mut out = Vec::new();
                // A spread of what is not a known array: how many elements, and which, is not
                // known; the array is that spread's and the others' unknown concatenation.
                let mut unknown_spread = false;
                for item in items {
                    match &item.kind {
                        ExprKind::Spread(inner) => match self.expr(inner, locals) {
                            Node { value: Value::Array(more), .. } => out.extend(more),
                            Node { value: Value::Null, .. } => {}
                            other => {
                                unknown_spread = true;
                                out.push(other);
                            }
                        },
                        _ => out.push(self.expr(item, locals)),
                    }
                }
                if unknown_spread {
                    let parts: Vec<Value> = out.into_iter().map(|n| n.value).collect();
                    ops::unknown_of("[...]", &parts, origin)
                } else {
                    Value::Array(out)
                }
            }
            ExprKind::Object(items) => Value::Object(self.object(items, locals)),
            ExprKind::Member { base, name, safe } => {
                // `server.id`, `server.name`: build only the member read, not the whole resource.
                if let ExprKind::Ident(symbol) = &base.kind
                    && self.is_resource(&symbol.name, locals)
                    && let Some((&key, _)) = self.decls.get_key_value(symbol.name.as_str())
                {
                    let resource = self.resource_value(key, base.span, Some(&name.name));
                    return ops::member(resource, &name.name, *safe, origin);
                }
                let base = self.expr(base, locals);
                return ops::member(base, &name.name, *safe, origin);
            }
            ExprKind::ResourceAccess { base, name } => return self.nested_resource(base, &name.name, expr.span),
            ExprKind::Index { base, .. } if matches!(&base.kind, ExprKind::Ident(id) if self.is_resource_loop(&id.name, locals)) =>
            {
                return match self.resource_instance(expr, locals) {
                    Some(i) => self.instance_value(i, None).at(origin),
                    None => Node::new(Value::unknown("this element of the resource loop is not known", origin), origin),
                };
            }
            ExprKind::Index { base, index, safe, from_end } => {
                let base = self.expr(base, locals);
                let index = self.expr(index, locals);
                return ops::index(base, index, *safe, *from_end, origin);
            }
            ExprKind::Call { base, name, args } => {
                return self.call(base.as_deref(), &name.name, args, locals, expr.span);
            }
            ExprKind::Unary { op, operand } => {
                let v = self.expr(operand, locals);
                let value = match op {
                    UnaryOp::Not => ops::not(&v.value, origin),
                    UnaryOp::Minus => ops::negate(&v.value, origin),
                };
                return Node { value, origin, trace: v.trace };
            }
            ExprKind::Binary { op, left, right } => return self.binary(*op, left, right, locals, expr.span),
            ExprKind::Ternary { condition, then, otherwise } => {
                let c = self.expr(condition, locals);
                return match ops::truth(&c.value, c.origin) {
                    Tri::Yes => self.expr(then, locals).at(origin),
                    Tri::No => self.expr(otherwise, locals).at(origin),
                    Tri::Unknown(_) => {
                        let (a, b) = (self.expr(then, locals), self.expr(otherwise, locals));
                        if crate::model::compare::strictly_equals(&a.value, &b.value) == Tri::Yes {
                            return a.at(origin);
                        }
                        Node::new(ops::choice(&c.value, a, b, origin), origin)
                    }
                };
            }
            ExprKind::NonNull(inner) | ExprKind::Paren(inner) => return self.expr(inner, locals).at(origin),
            ExprKind::For { item, index, iterable, body } => {
                let elements = self.for_elements(iterable, locals, "for", crate::eval::loops::Draw::Elements);
                if let [element] = elements.as_slice()
                    && let Tri::Unknown(u) = &element.deployed
                {
                    Value::Unknown(crate::model::Unknown { sym: None, options: None, bounds: None, ..u.clone() })
                } else {
                    let mut out = Vec::new();
                    for element in elements {
                        let locals = super::resources::bind(locals, item.as_deref(), index.as_deref(), &element);
                        match &body.kind {
                            // `[for x in xs: if (cond) {…}]` keeps the elements whose condition holds.
                            ExprKind::If { condition, body } => {
                                let c = self.expr(condition, &locals);
                                match ops::truth(&c.value, c.origin) {
                                    Tri::Yes => out.push(self.expr(body, &locals)),
                                    Tri::No => {}
                                    Tri::Unknown(u) => {
                                        return Node::unknown(
                                            crate::model::Unknown { sym: None, options: None, bounds: None, ..u },
                                            origin,
                                        );
                                    }
                                }
                            }
                            _ => out.push(self.expr(body, &locals)),
                        }
                    }
                    Value::Array(out)
                }
            }
            ExprKind::Lambda { .. } => Value::unknown("a lambda is a value only as a function's argument", origin),
            ExprKind::If { .. } | ExprKind::Spread(_) => {
                Value::unknown("this expression is not evaluated here", origin)
            }
            ExprKind::Error => Value::unknown("the expression has a syntax error", origin),
        };
        Node::new(value, origin)
    }

    /// An object literal's members: later properties and spreads replace earlier ones.
    pub(super) fn object(&mut self, items: &'w [ObjectItem], locals: &Locals) -> Vec<(String, Node)> {
        let mut members = Vec::new();
        for item in items {
            match item {
                ObjectItem::Property(p) => {
                    let key = match &p.key {
                        ObjectKey::Ident(i) => Ok(i.name.clone()),
                        ObjectKey::String(s) => match self.string(s, locals).value {
                            Value::String(key) => Ok(key),
                            other => Err(other),
                        },
                    };
                    let value = self.expr(&p.value, locals);
                    match key {
                        Ok(key) => ops::set_member(&mut members, key, value),
                        // A member of unknown name may replace any other: an unknown spread,
                        // which stands for no expression (the key's is not the member's).
                        Err(key) => {
                            let reason = match key.first_unknown() {
                                Some(u) => format!("an object key is not known: {}", u.reason),
                                None => format!("an object key is {}, not a string", key.describe()),
                            };
                            ops::spread_into(&mut members, self.unknown(reason, p.key.span()));
                        }
                    }
                }
                ObjectItem::Spread(e) => {
                    let spread = self.spread(e, locals);
                    ops::spread_into(&mut members, spread);
                }
                ObjectItem::Resource(_) => {}
            }
        }
        members
    }

    /// The value spread by `...x` (the parser may or may not wrap it in a spread node).
    pub(super) fn spread(&mut self, expr: &'w Expr, locals: &Locals) -> Node {
        match &expr.kind {
            ExprKind::Spread(inner) => self.expr(inner, locals).at(self.origin(expr.span)),
            _ => self.expr(expr, locals),
        }
    }

    fn string(&mut self, s: &'w StringLit, locals: &Locals) -> Node {
        let origin = self.origin(s.span);
        // `'${x}'` is `x` as a string: an id stays an id.
        if let [StringPart::Interpolation(e)] = s.parts.as_slice() {
            let node = self.expr(e, locals);
            if matches!(node.value, Value::ResourceId(_) | Value::String(_) | Value::Partial(_) | Value::Unknown(_)) {
                return node.at(origin);
            }
        }
        let mut parts = Vec::new();
        let mut trace = Vec::new();
        for part in &s.parts {
            match part {
                StringPart::Text { text, .. } => parts.push(Value::String(text.clone())),
                StringPart::Interpolation(e) => {
                    let node = self.expr(e, locals);
                    trace = ops::join_trace(trace, &node.trace);
                    parts.push(node.value);
                }
            }
        }
        Node { value: Value::concat(parts, origin), origin, trace }
    }

    pub(super) fn ident(&mut self, name: &str, span: Span, locals: &Locals) -> Node {
        if let Some((_, node)) = locals.iter().rev().find(|(n, _)| n == name) {
            return node.clone().at(self.origin(span));
        }
        let Some((&key, &statement)) = self.decls.get_key_value(name) else {
            return self.unknown(format!("`{name}` is not a value pgguard evaluates"), span);
        };
        match &statement.kind {
            StatementKind::Param { .. } => self.param(key, statement, span),
            StatementKind::Var { value, .. } => self.var(key, value, span),
            StatementKind::Resource { .. } => self.resource_value(key, span, None),
            StatementKind::Module { .. } => self.module_ref(key, span),
            StatementKind::Import { .. } => self.imported(key, statement, span),
            StatementKind::Func { .. } => self.unknown(format!("function `{name}` is a value only when called"), span),
            _ => self.unknown(format!("`{name}` is not a value pgguard evaluates"), span),
        }
    }

    fn call(&mut self, base: Option<&'w Expr>, name: &'w str, args: &'w [Expr], locals: &Locals, span: Span) -> Node {
        let origin = self.origin(span);
        let local = |n: &str| locals.iter().any(|(l, _)| l == n);
        match base.map(|b| &b.kind) {
            // A function declared or imported in this file hides the built-in of that name.
            None => {
                if let Some((&key, &statement)) = self.decls.get_key_value(name) {
                    match &statement.kind {
                        StatementKind::Func { .. } => {
                            return match self.arguments(name, args, locals, origin) {
                                Ok(values) => self.call_user(key, statement, values, origin),
                                Err(unknown) => unknown,
                            };
                        }
                        StatementKind::Import { .. } if !super::imports::is_namespace(statement) => {
                            return match self.arguments(name, args, locals, origin) {
                                Ok(values) => self.call_imported(statement, key, None, values, origin),
                                Err(unknown) => unknown,
                            };
                        }
                        _ => {}
                    }
                }
            }
            // `ns.f(…)` of `import * as ns`.
            Some(ExprKind::Ident(ns))
                if !local(&ns.name)
                    && self.decls.get(ns.name.as_str()).is_some_and(|s| super::imports::is_namespace(s)) =>
            {
                let Some((&key, &statement)) = self.decls.get_key_value(ns.name.as_str()) else {
                    return self.unknown(format!("`{}` is not declared", ns.name), span);
                };
                return match self.arguments(name, args, locals, origin) {
                    Ok(values) => self.call_imported(statement, key, Some(name), values, origin),
                    Err(unknown) => unknown,
                };
            }
            Some(ExprKind::Ident(ns)) if matches!(ns.name.as_str(), "sys" | "az") && !local(&ns.name) => {}
            // `vault.getSecret('x')`: a secret read at deployment.
            Some(_) if name == "getSecret" => {
                let node = Node::new(Value::unknown("a Key Vault secret is known only at deployment", origin), origin);
                return node.traced(TraceStep::new(origin, TraceKind::Secret));
            }
            Some(_) => {
                let node = Node::new(
                    Value::unknown(format!("`{name}()` on a resource is known only at deployment"), origin),
                    origin,
                );
                // `storage.listKeys()`: keys and connection strings are secrets.
                return if functions::reads_secret(&name.to_ascii_lowercase()) {
                    node.traced(TraceStep::new(origin, TraceKind::Secret))
                } else {
                    node
                };
            }
        }
        // `any(x)` only silences the type checker: its value is `x`.
        if name == "any" && args.len() == 1 && !matches!(args[0].kind, ExprKind::Spread(_)) {
            return self.expr(&args[0], locals).at(origin);
        }
        if super::load::is_loader(name) {
            return match self.arguments(name, args, locals, origin) {
                Ok(values) => self.load(name, &values, origin),
                Err(unknown) => unknown,
            };
        }
        let mut call_args = Vec::with_capacity(args.len());
        for arg in args {
            match &arg.kind {
                ExprKind::Spread(inner) => match self.spread_arguments(name, inner, locals, origin) {
                    Ok(values) => call_args.extend(values.into_iter().map(Arg::Value)),
                    Err(unknown) => return unknown,
                },
                _ => call_args.push(Arg::Expr(arg)),
            }
        }
        let ctx = Ctx { origin, scope: self.frame.scope, instance: self.frame.instance };
        let mut call_args = CallArgs { eval: self, args: call_args, locals };
        functions::call(name, &mut call_args, &ctx)
    }

    /// A call's arguments, evaluated, with spreads (`f(...xs)`) expanded.
    fn arguments(&mut self, name: &str, args: &'w [Expr], locals: &Locals, origin: Origin) -> Result<Vec<Node>, Node> {
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            match &arg.kind {
                ExprKind::Spread(inner) => values.extend(self.spread_arguments(name, inner, locals, origin)?),
                _ => values.push(self.expr(arg, locals)),
            }
        }
        Ok(values)
    }

    /// The arguments `...xs` gives: the elements of a known array. Otherwise how many
    /// arguments the call has is not known, and neither is its result.
    fn spread_arguments(
        &mut self,
        name: &str,
        inner: &'w Expr,
        locals: &Locals,
        origin: Origin,
    ) -> Result<Vec<Node>, Node> {
        let spread = self.expr(inner, locals);
        match spread.value {
            Value::Array(items) => Ok(items),
            other => {
                let value = match other.first_unknown() {
                    Some(u) => {
                        Value::Unknown(crate::model::Unknown { sym: None, options: None, bounds: None, ..u.clone() })
                    }
                    None => Value::unknown(format!("`{name}()` spreads {}, not an array", other.describe()), origin),
                };
                Err(Node { value, origin, trace: spread.trace })
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, left: &'w Expr, right: &'w Expr, locals: &Locals, span: Span) -> Node {
        let origin = self.origin(span);
        let l = self.expr(left, locals);
        // `??`, `&&` and `||` evaluate their right side only when the left does not decide.
        let lazy = match (op, &l.value) {
            (BinaryOp::Coalesce, Value::Null) => return self.expr(right, locals).at(origin),
            (BinaryOp::Coalesce, Value::Unknown(_)) => None,
            (BinaryOp::Coalesce, _) => return l.at(origin),
            (BinaryOp::And, Value::Bool(false)) | (BinaryOp::Or, Value::Bool(true)) => return l.at(origin),
            (BinaryOp::And | BinaryOp::Or, _) => None,
            (other, _) => Some(core_op(other)),
        };
        let r = self.expr(right, locals);
        let trace = ops::join_trace(l.trace.clone(), &r.trace);
        let value = match (op, lazy) {
            (_, Some(op)) => ops::binary(op, &l.value, &r.value, origin),
            (BinaryOp::Coalesce, None) => {
                // The left side as written names it: "fails when `cfg.?sslMode` is null".
                let written = self.text(left.span).split_whitespace().collect::<Vec<_>>().join(" ");
                let name = |u: &crate::model::Unknown| {
                    if written.is_empty() || written.len() > 80 { ops::name_of(u) } else { format!("`{written}`") }
                };
                ops::coalesce(&[l.value, r.value], &name, origin)
            }
            (BinaryOp::And, None) => match (&l.value, &r.value) {
                (_, Value::Bool(false)) => Value::Bool(false),
                (Value::Bool(true), v @ Value::Bool(_)) => v.clone(),
                (a, b) => ops::unknown_of("&&", &[a.clone(), b.clone()], origin),
            },
            (_, None) => match (&l.value, &r.value) {
                (_, Value::Bool(true)) => Value::Bool(true),
                (Value::Bool(false), v @ Value::Bool(_)) => v.clone(),
                (a, b) => ops::unknown_of("||", &[a.clone(), b.clone()], origin),
            },
        };
        Node { value, origin, trace }
    }
}

fn core_op(op: BinaryOp) -> Op {
    match op {
        BinaryOp::Equals => Op::Equals,
        BinaryOp::NotEquals => Op::NotEquals,
        BinaryOp::EqualsInsensitive => Op::EqualsInsensitive,
        BinaryOp::NotEqualsInsensitive => Op::NotEqualsInsensitive,
        BinaryOp::Less => Op::Less,
        BinaryOp::LessOrEqual => Op::LessOrEqual,
        BinaryOp::Greater => Op::Greater,
        BinaryOp::GreaterOrEqual => Op::GreaterOrEqual,
        BinaryOp::Add => Op::Add,
        BinaryOp::Subtract => Op::Subtract,
        BinaryOp::Multiply => Op::Multiply,
        BinaryOp::Divide => Op::Divide,
        BinaryOp::Modulo => Op::Modulo,
        // Lazy operators are handled before.
        BinaryOp::Coalesce | BinaryOp::And | BinaryOp::Or => Op::Equals,
    }
}

/// One argument of a call to the function library: an expression, evaluated when the
/// function asks (a lambda is applied), or a value a spread gave.
enum Arg<'w> {
    Expr(&'w Expr),
    Value(Node),
}

/// A Bicep call's arguments for the function library: evaluated on demand; lambdas applied
/// with their parameters bound, each application drawing on the deployment's element budget.
struct CallArgs<'e, 'w, 'b> {
    eval: &'e mut BicepEval<'w, 'b>,
    args: Vec<Arg<'w>>,
    locals: &'e Locals,
}

impl Args for CallArgs<'_, '_, '_> {
    fn len(&self) -> usize {
        self.args.len()
    }

    fn value(&mut self, i: usize) -> Node {
        match &self.args[i] {
            Arg::Expr(expr) => self.eval.expr(expr, self.locals),
            Arg::Value(node) => node.clone(),
        }
    }

    fn apply(&mut self, i: usize, params: Vec<Node>) -> Option<Node> {
        let Arg::Expr(Expr { kind: ExprKind::Lambda { params: names, body }, span }) = &self.args[i] else {
            return None;
        };
        let origin = self.eval.origin(*span);
        if !self.eval.build.take_elements(1) {
            let reason = format!(
                "the lambda is not applied: the deployment's budget of {} loop elements and calls is spent",
                crate::eval::limits::MAX_LOOP_ELEMENTS
            );
            return Some(Node::new(Value::unknown(reason, origin), origin));
        }
        let mut locals = self.locals.clone();
        locals.extend(names.iter().zip(params).map(|(n, v)| (n.name.name.clone(), v)));
        Some(self.eval.expr(body, &locals))
    }
}
