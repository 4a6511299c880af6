//! ARM values and expressions mapped onto the core: JSON values with `"[…]"` expressions in
//! strings, property `copy` loops, `parameters()`, `variables()`, `copyIndex()`, lambdas.

use super::{ArmEval, Decl};
use crate::eval::build::bounded;
use crate::eval::functions::{self, Args, Ctx};
use crate::eval::params::{self, ParamDecl};
use crate::eval::{loops, ops};
use crate::model::{Node, TraceKind, TraceStep, Value};
use crate::source::Origin;
use crate::syntax::arm::expr::{self as arm_expr, ArmExpr, StringForm};
use crate::syntax::arm::{Json, JsonKind};

impl<'a> ArmEval<'a, '_> {
    /// A resource's `apiVersion`: an expression (`[variables('api')]`) is computed; one that
    /// cannot be keeps its text, which rules read as a version not known.
    pub(super) fn api_version(&mut self, resource: &Json) -> Option<String> {
        let json = resource.get("apiVersion")?;
        let JsonKind::String(text) = &json.kind else { return None };
        match arm_expr::classify(text) {
            StringForm::Literal(version) => Some(version.into_owned()),
            StringForm::Expression(_) => match self.json(json).value {
                Value::String(version) => Some(version),
                _ => Some(text.clone()),
            },
        }
    }

    /// Evaluates a JSON value, computing expressions in strings.
    pub(super) fn json(&mut self, json: &Json) -> Node {
        let origin = self.origin(json);
        let value = match &json.kind {
            JsonKind::Null => Value::Null,
            JsonKind::Bool(b) => Value::Bool(*b),
            JsonKind::Int(i) => Value::Int(*i),
            JsonKind::Number(n) => Value::unknown(format!("the number {n} is not an integer"), origin),
            JsonKind::String(s) => match arm_expr::classify(s) {
                StringForm::Literal(text) => Value::String(text.into_owned()),
                StringForm::Expression(text) => match arm_expr::parse(text) {
                    Ok(expr) => return self.expr(&expr, origin).at(origin),
                    Err(e) => {
                        if arm_expr::is_bound(&e) {
                            self.build.problem_once(origin, format!("the expression is not evaluated: {e}"));
                        }
                        Value::unknown(format!("the expression cannot be read: {e}"), origin)
                    }
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
                                let (name, node) = self.property_copy(spec);
                                ops::set_member(&mut out, name, node);
                            }
                        }
                        _ => ops::set_member(&mut out, m.name.clone(), self.json(&m.value)),
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
        let Some(input) = spec.get("input") else {
            return (name, Node::new(Value::unknown("the property copy has no `input`", origin), origin));
        };
        let count = match spec.get("count") {
            Some(c) => self.json(c),
            None => Node::new(Value::unknown(format!("property copy `{name}` has no count"), origin), origin),
        };
        let elements = loops::over_count(self.build, count, &name, origin, self.frame.instance, loops::Draw::Elements);
        let value = match elements.as_slice() {
            [only] if only.stands_for_all => {
                self.named_copies.push((name.to_ascii_lowercase(), only.index.clone()));
                let item = self.json(input);
                self.named_copies.pop();
                // One element standing for all: the array is not known.
                ops::unknown_of("copy", &[item.value], origin)
            }
            _ => {
                let mut items = Vec::new();
                for element in elements {
                    self.named_copies.push((name.to_ascii_lowercase(), element.index));
                    items.push(self.json(input));
                    self.named_copies.pop();
                }
                Value::Array(items)
            }
        };
        (name, Node::new(value, origin))
    }

    /// An output's `"copy": {"count", "input"}`: an array of `count` evaluations of `input`,
    /// each with `copyIndex()` bound.
    pub(super) fn output_copy(&mut self, spec: &Json) -> Node {
        let origin = self.origin(spec);
        let Some(input) = spec.get("input") else {
            return Node::new(Value::unknown("the output copy has no `input`", origin), origin);
        };
        let count = match spec.get("count") {
            Some(c) => self.json(c),
            None => Node::new(Value::unknown("the output copy has no count", origin), origin),
        };
        let elements =
            loops::over_count(self.build, count, "output", origin, self.frame.instance, loops::Draw::Elements);
        let saved = self.copy_index.take();
        let value = match elements.as_slice() {
            [only] if only.stands_for_all => {
                self.copy_index = Some(only.index.clone());
                let item = self.json(input);
                ops::unknown_of("copy", &[item.value], origin)
            }
            _ => {
                let mut items = Vec::new();
                for element in elements {
                    self.copy_index = Some(element.index);
                    items.push(self.json(input));
                }
                Value::Array(items)
            }
        };
        self.copy_index = saved;
        Node::new(value, origin)
    }

    pub(super) fn expr(&mut self, expr: &ArmExpr, origin: Origin) -> Node {
        let value = match expr {
            ArmExpr::String(s) => Value::String(s.clone()),
            ArmExpr::Int(i) => Value::Int(*i),
            ArmExpr::Bool(b) => Value::Bool(*b),
            ArmExpr::Null => Value::Null,
            ArmExpr::Member { base, name } => {
                let base = self.expr(base, origin);
                return ops::member(base, name, false, origin);
            }
            ArmExpr::Index { base, index } => {
                let base = self.expr(base, origin);
                let index = self.expr(index, origin);
                return ops::index(base, index, false, false, origin);
            }
            ArmExpr::Call { name, args } => return self.call(name, args, origin),
        };
        Node::new(value, origin)
    }

    fn call(&mut self, name: &str, args: &[ArmExpr], origin: Origin) -> Node {
        match (name.to_ascii_lowercase().as_str(), args) {
            ("parameters", [ArmExpr::String(p)]) => self.parameter(p, origin),
            ("variables", [ArmExpr::String(v)]) => self.variable(v, origin),
            ("lambdavariables", [ArmExpr::String(v)]) => {
                match self.lambda_vars.iter().rev().find(|(n, _)| n.eq_ignore_ascii_case(v)) {
                    Some((_, node)) => node.clone().at(origin),
                    None => Node::new(
                        Value::unknown(format!("`lambdaVariables('{v}')` outside its lambda"), origin),
                        origin,
                    ),
                }
            }
            ("copyindex", _) => self.copy_index(args, origin),
            (lower, _) if lower.contains('.') => self.user_function(name, args, origin),
            _ => {
                let ctx = Ctx { origin, scope: self.frame.scope, instance: self.frame.instance };
                let mut call_args = ArmArgs { eval: self, args, origin };
                functions::call(name, &mut call_args, &ctx)
            }
        }
    }

    /// `copyIndex([loopName], [offset])`.
    fn copy_index(&mut self, args: &[ArmExpr], origin: Origin) -> Node {
        let (loop_name, offset) = match args {
            [ArmExpr::String(n), rest @ ..] => (Some(n.to_ascii_lowercase()), rest.first()),
            [offset] => (None, Some(offset)),
            _ => (None, None),
        };
        let index = match &loop_name {
            Some(n) => self.named_copies.iter().rev().find(|(name, _)| name == n).map(|(_, i)| i.clone()),
            None => self.copy_index.clone(),
        };
        let Some(index) = index else {
            return Node::new(Value::unknown("`copyIndex()` outside its copy loop", origin), origin);
        };
        let offset = offset.map_or(Node::new(Value::Int(0), origin), |o| self.expr(o, origin));
        Node::new(ops::binary(ops::Op::Add, &index.value, &offset.value, origin), origin)
    }

    fn parameter(&mut self, name: &str, origin: Origin) -> Node {
        if let Some(given) = &self.function_args {
            return match given.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some((_, node)) => node.clone().at(origin),
                None => Node::new(
                    Value::unknown(format!("a user-defined function has no parameter `{name}`"), origin),
                    origin,
                ),
            };
        }
        let key = Decl::Param(name.to_ascii_lowercase());
        if let Some(node) = self.values.get(&key) {
            return node.clone().at(origin);
        }
        let Some(member) = self.root.get("parameters").and_then(|p| p.member(name)) else {
            return Node::new(Value::unknown(format!("parameter `{name}` is not declared"), origin), origin);
        };
        // A parameter typed by a definition (`"$ref": "#/definitions/t"`, languageVersion 2.0)
        // takes what it does not say itself from the definition: its type, `nullable`,
        // `allowedValues`, `minValue`, `maxValue`.
        let root = self.root;
        let attr = |key: &str| -> Option<&Json> {
            let mut node = &member.value;
            for _ in 0..8 {
                if let Some(found) = node.get(key) {
                    return Some(found);
                }
                let target = node.get("$ref").and_then(Json::as_str)?.strip_prefix("#/definitions/")?;
                node = root.get("definitions")?.get(target)?;
            }
            None
        };
        let declared_type = attr("type").and_then(Json::as_str).unwrap_or("").to_ascii_lowercase();
        let default = member.value.get("defaultValue");
        let decl = ParamDecl {
            name: &member.name,
            origin: Origin::new(self.frame.file, member.name_span),
            has_default: default.is_some(),
            nullable: attr("nullable").is_some_and(|n| n.kind == JsonKind::Bool(true)),
            secure: declared_type.starts_with("secure"),
            // On an array, `allowedValues` limits its elements: the value is any subset.
            allowed: attr("allowedValues")
                .and_then(Json::as_array)
                .filter(|_| declared_type != "array")
                .map(|values| values.iter().map(|v| self.json(v)).collect()),
            bounds: {
                let bound = |key: &str| match attr(key).map(|v| &v.kind) {
                    Some(JsonKind::Int(n)) => Some(*n),
                    _ => None,
                };
                let bounds = crate::model::Bounds { min: bound("minValue"), max: bound("maxValue") };
                (bounds != crate::model::Bounds::default()).then_some(bounds)
            },
        };
        let node = match (params::choose(&self.frame, &decl), default) {
            (params::Choice::Value(node), _) => node,
            (params::Choice::Default, Some(default)) => {
                let node = self.guarded(key.clone(), default, origin);
                let step = params::default_step(&decl, node.origin);
                node.traced(step)
            }
            (params::Choice::Default, None) => Node::new(Value::unknown("no default", origin), origin),
        };
        let node = bounded(node, &format!("parameter `{name}`"));
        self.values.insert(key, node.clone());
        node.at(origin)
    }

    fn variable(&mut self, name: &str, origin: Origin) -> Node {
        if self.function_args.is_some() {
            let reason = format!("a user-defined function cannot read variable `{name}`");
            return Node::new(Value::unknown(reason, origin), origin);
        }
        let key = Decl::Var(name.to_ascii_lowercase());
        if let Some(node) = self.values.get(&key) {
            return node.clone().at(origin);
        }
        let variables = self.root.get("variables");
        // `"copy": [{"name", "count", "input"}]` among the variables declares arrays.
        let looped = variables.and_then(|v| v.get("copy")).and_then(Json::as_array).and_then(|specs| {
            specs.iter().find(|s| s.get("name").and_then(Json::as_str).is_some_and(|n| n.eq_ignore_ascii_case(name)))
        });
        let node =
            match (looped, variables.and_then(|v| v.member(name)).filter(|m| !m.name.eq_ignore_ascii_case("copy"))) {
                (_, Some(member)) => self.guarded(key.clone(), &member.value, origin),
                (Some(spec), None) => self.guarded_copy(key.clone(), spec, origin),
                (None, None) => {
                    return Node::new(Value::unknown(format!("variable `{name}` is not declared"), origin), origin);
                }
            };
        let step = TraceStep::new(node.origin, TraceKind::Variable { name: name.to_string() });
        let node = bounded(node, &format!("variable `{name}`")).traced(step);
        self.values.insert(key, node.clone());
        node.at(origin)
    }

    /// Evaluates a parameter default or variable, stopping at a reference cycle.
    fn guarded(&mut self, key: Decl, json: &Json, origin: Origin) -> Node {
        self.guard(key, origin, |eval| eval.json(json))
    }

    /// Evaluates a variable declared by a top-level variable `copy` entry.
    fn guarded_copy(&mut self, key: Decl, spec: &Json, origin: Origin) -> Node {
        self.guard(key, origin, |eval| eval.property_copy(spec).1)
    }

    fn guard(&mut self, key: Decl, origin: Origin, evaluate: impl FnOnce(&mut Self) -> Node) -> Node {
        let name = match &key {
            Decl::Param(n) | Decl::Var(n) => n.clone(),
        };
        if let Some(start) = self.in_progress.iter().position(|k| *k == key) {
            let members: Vec<(String, Option<Origin>)> =
                self.in_progress[start..].iter().map(|k| self.declaration(k)).collect();
            self.report_cycle(members);
            return Node::new(Value::unknown(format!("`{name}` refers to itself"), origin), origin);
        }
        if self.in_progress.len() >= crate::eval::limits::MAX_REFERENCE_DEPTH {
            let limit = crate::eval::limits::MAX_REFERENCE_DEPTH;
            let (what, at) = self.declaration(&key);
            self.build.problem_once(
                at.unwrap_or(origin),
                format!("references nest deeper than {limit} at {what}: its value is not evaluated"),
            );
            return Node::new(Value::unknown("variables refer to each other too deeply", origin), origin);
        }
        self.in_progress.push(key);
        // Variables and defaults do not see the copy index of the resource that uses them.
        let copy_index = self.copy_index.take();
        let node = evaluate(self);
        self.copy_index = copy_index;
        self.in_progress.pop();
        node
    }

    /// A parameter or variable as messages name it, and where its name is written.
    fn declaration(&self, key: &Decl) -> (String, Option<Origin>) {
        let (section, kind, name) = match key {
            Decl::Param(n) => ("parameters", "parameter", n),
            Decl::Var(n) => ("variables", "variable", n),
        };
        let member = self.root.get(section).and_then(|s| s.member(name));
        let shown = member.map_or(name.as_str(), |m| m.name.as_str());
        (format!("{kind} `{shown}`"), member.map(|m| Origin::new(self.frame.file, m.name_span)))
    }

    /// Reports a cycle of declarations (each named, with where it is written) from the first
    /// in the file, where it is reported.
    pub(super) fn report_cycle(&mut self, members: Vec<(String, Option<Origin>)>) {
        let at = |i: usize| members[i].1.map_or(u32::MAX, |o| o.span.start);
        let Some(first) = (0..members.len()).min_by_key(|&i| at(i)) else { return };
        let mut chain: Vec<&str> =
            (0..members.len()).map(|k| members[(first + k) % members.len()].0.as_str()).collect();
        chain.push(chain[0]);
        let origin = members[first].1.unwrap_or_else(|| self.origin(self.root));
        let message = format!("the declarations refer to each other in a cycle: {}", chain.join(" → "));
        self.build.problem_once(origin, message);
    }
}

/// An ARM call's arguments for the function library: evaluated on demand; `lambda('x', …)`
/// applied with `lambdaVariables('x')` bound.
struct ArmArgs<'e, 'a, 'b> {
    eval: &'e mut ArmEval<'a, 'b>,
    args: &'e [ArmExpr],
    origin: Origin,
}

impl Args for ArmArgs<'_, '_, '_> {
    fn len(&self) -> usize {
        self.args.len()
    }

    fn value(&mut self, i: usize) -> Node {
        self.eval.expr(&self.args[i], self.origin)
    }

    fn apply(&mut self, i: usize, params: Vec<Node>) -> Option<Node> {
        let ArmExpr::Call { name, args } = &self.args[i] else { return None };
        if !name.eq_ignore_ascii_case("lambda") {
            return None;
        }
        let (body, names) = args.split_last()?;
        let names: Vec<String> = names
            .iter()
            .map(|n| match n {
                ArmExpr::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let bound = names.len().min(params.len());
        self.eval.lambda_vars.extend(names.into_iter().zip(params));
        let node = self.eval.expr(body, self.origin);
        let keep = self.eval.lambda_vars.len().saturating_sub(bound);
        self.eval.lambda_vars.truncate(keep);
        Some(node)
    }
}
