//! User-defined functions (`"functions": [{"namespace", "members"}]`, called as
//! `[namespace.member(…)]`; Bicep's `func` compiles to the `__bicep` namespace). A function's
//! body reads only its own parameters: not the template's parameters or variables, nor the
//! copy index or lambda variables of its caller. Calls nest at most
//! `limits::MAX_REFERENCE_DEPTH` deep, and a deployment makes at most
//! `limits::MAX_FUNCTION_CALLS` of them.

use super::ArmEval;
use crate::eval::limits::{MAX_FUNCTION_CALLS, MAX_REFERENCE_DEPTH};
use crate::model::{Node, Value};
use crate::source::Origin;
use crate::syntax::arm::Json;
use crate::syntax::arm::expr::ArmExpr;

impl<'a> ArmEval<'a, '_> {
    /// The declaration of `namespace.member` in this template (names without case).
    fn function_declaration(&self, name: &str) -> Option<&'a Json> {
        let (namespace, member) = name.split_once('.')?;
        let root: &'a Json = self.root;
        root.get("functions")?
            .as_array()?
            .iter()
            .filter(|ns| ns.get("namespace").and_then(Json::as_str).is_some_and(|n| n.eq_ignore_ascii_case(namespace)))
            .find_map(|ns| ns.get("members")?.get(member))
    }

    pub(super) fn user_function(&mut self, name: &str, args: &[ArmExpr], origin: Origin) -> Node {
        let unknown = |reason: String| Node::new(Value::unknown(reason, origin), origin);
        let Some(declaration) = self.function_declaration(name) else {
            return unknown(format!("function `{name}` is not declared"));
        };
        let Some(body) = declaration.get("output").and_then(|o| o.get("value")) else {
            return unknown(format!("function `{name}` has no output value"));
        };
        let names: Vec<&str> = declaration
            .get("parameters")
            .and_then(Json::as_array)
            .unwrap_or_default()
            .iter()
            .map(|p| p.get("name").and_then(Json::as_str).unwrap_or(""))
            .collect();
        if names.len() != args.len() {
            return unknown(format!("function `{name}` takes {} arguments, not {}", names.len(), args.len()));
        }
        let key = name.to_ascii_lowercase();
        if let Some(start) = self.function_stack.iter().position(|f| *f == key) {
            let members = self.function_stack[start..]
                .iter()
                .map(|f| {
                    let at = self.function_declaration(f).map(|d| self.origin(d));
                    (format!("function `{f}`"), at)
                })
                .collect();
            self.report_cycle(members);
            return unknown(format!("function `{name}` calls itself"));
        }
        if self.function_stack.len() >= MAX_REFERENCE_DEPTH {
            let message =
                format!("user-defined functions call each other deeper than {MAX_REFERENCE_DEPTH} at `{name}`");
            self.build.problem_once(origin, message.clone());
            return unknown(message);
        }
        let calls = self.function_calls.get() + 1;
        if calls > MAX_FUNCTION_CALLS {
            if calls == MAX_FUNCTION_CALLS + 1 {
                let message = format!(
                    "the deployment calls user-defined functions more than {MAX_FUNCTION_CALLS} times: the rest are not evaluated"
                );
                self.build.problem(origin, message);
                self.function_calls.set(calls);
            }
            return unknown(format!("the deployment calls user-defined functions too often at `{name}`"));
        }
        self.function_calls.set(calls);
        // The arguments are the caller's: evaluated before the body's scope is entered.
        let given: Vec<(String, Node)> =
            names.iter().zip(args).map(|(n, arg)| (n.to_string(), self.expr(arg, origin))).collect();
        let saved_args = self.function_args.replace(given);
        let saved_copy = self.copy_index.take();
        let saved_named = std::mem::take(&mut self.named_copies);
        let saved_lambdas = std::mem::take(&mut self.lambda_vars);
        self.function_stack.push(key);
        let node = self.json(body);
        self.function_stack.pop();
        self.function_args = saved_args;
        self.copy_index = saved_copy;
        self.named_copies = saved_named;
        self.lambda_vars = saved_lambdas;
        node.at(origin)
    }
}
