//! User-defined functions (`func name(a string) string => expr`): a call evaluates the body in
//! the declaring file with only the parameters bound. Bicep forbids recursion; a function
//! reaching itself, or calls nested too deep, give an unknown. Each call draws on the
//! deployment's element budget, so functions calling functions twice at each level stay cheap.

use super::BicepEval;
use crate::eval::limits::{MAX_LOOP_ELEMENTS, MAX_REFERENCE_DEPTH};
use crate::model::{Node, TraceKind, TraceStep, Value};
use crate::source::Origin;
use crate::syntax::bicep::ast::{Statement, StatementKind};

impl<'w> BicepEval<'w, '_> {
    /// Calls the function `name` declared by `statement` in this file.
    pub(super) fn call_user(
        &mut self,
        name: &'w str,
        statement: &'w Statement,
        args: Vec<Node>,
        origin: Origin,
    ) -> Node {
        let unknown = |reason: String| Node::new(Value::unknown(reason, origin), origin);
        let StatementKind::Func { name: ident, params, body, .. } = &statement.kind else {
            return unknown(format!("`{name}` is not a function"));
        };
        if params.len() != args.len() {
            return unknown(format!("`{name}()` takes {} arguments, not {}", params.len(), args.len()));
        }
        if self.in_progress.contains(&name) {
            self.report_cycle(name);
            return unknown(format!("function `{name}` calls itself"));
        }
        if self.outer.contains(&(self.frame.file, name)) {
            return unknown(format!("function `{name}` calls itself"));
        }
        if self.too_deep() {
            self.report_too_deep(name);
            return unknown(format!("`{name}()`: calls and references nest deeper than {MAX_REFERENCE_DEPTH}"));
        }
        if !self.build.take_elements(1) {
            let budget = format!("the deployment's budget of {MAX_LOOP_ELEMENTS} loop elements and calls is spent");
            return unknown(format!("`{name}()` is not evaluated: {budget}"));
        }
        let locals = params.iter().map(|p| p.name.name.clone()).zip(args).collect();
        self.in_progress.push(name);
        let node = self.expr(body, &locals);
        self.in_progress.pop();
        let step = TraceStep::new(self.origin(ident.span), TraceKind::Function { name: name.to_string() });
        node.traced(step).at(origin)
    }
}
