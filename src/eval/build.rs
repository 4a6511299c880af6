//! The deployment under construction, shared by both front ends: the resources and problems
//! found so far, the budgets every template instance draws on, and the typed identities of
//! template instances and scopes.

use crate::eval::limits::{MAX_INSTANCES, MAX_LOOP_ELEMENTS, MAX_MODULE_CALLS, MAX_MODULE_DEPTH, MAX_VALUE_WEIGHT};
use crate::model::{Deployment, InstanceId, Node, OpaqueDeployment, Output, ScopeId, Tri, Value};
use crate::source::{FileId, Origin};

pub struct Build {
    pub deployment: Deployment,
    /// The chain of template files from the root to the instance being evaluated.
    stack: Vec<FileId>,
    module_calls: usize,
    loop_elements: usize,
    /// Elements of module and resource loops expanded so far.
    loop_instances: usize,
    /// Whether a loop met with a budget spent was reported (once a deployment and budget).
    over_budget_reported: [bool; 2],
    instances: u32,
    scopes: u32,
}

/// One template instance being evaluated: which it is, where it deploys, whether it deploys.
#[derive(Debug, Clone)]
pub struct Frame {
    pub file: FileId,
    pub instance: InstanceId,
    pub scope: ScopeId,
    /// Which instance this is, as users read it: `main.bicep › module pg (pg.bicep)`.
    pub context: String,
    /// Whether the instance is deployed at all: a module under an unknown condition may not be.
    pub deployed: Tri,
    /// The unknown conditions of `deployed`, as findings name them.
    pub when: Option<String>,
    /// What the caller (or a parameter file) gives the parameters; `None` for a root
    /// template evaluated on its defaults.
    pub inputs: Option<Inputs>,
}

/// Parameter values given to a template instance.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Who gives them, as messages name it: `module `pg``, `deployment 'x'`,
    /// `` `prod.bicepparam` ``.
    pub giver: String,
    pub values: Vec<Input>,
    /// Given by a module call or nested deployment, not by a parameter file or the command
    /// line.
    pub from_caller: bool,
}

#[derive(Debug, Clone)]
pub struct Input {
    /// Compared without case, as ARM does.
    pub name: String,
    pub value: Node,
    pub source: InputSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputSource {
    /// A module call's `params`, a nested deployment's `parameters`.
    Caller,
    ParamFile,
    CommandLine,
}

impl Inputs {
    /// What a caller passes, by parameter name.
    pub fn from_caller(giver: String, values: Vec<(String, Node)>) -> Inputs {
        let values =
            values.into_iter().map(|(name, value)| Input { name, value, source: InputSource::Caller }).collect();
        Inputs { giver, values, from_caller: true }
    }
}

/// Why a module call cannot be evaluated.
pub enum Refusal {
    Cycle(String),
    TooDeep(String),
    TooMany,
}

impl Build {
    pub fn new(root: FileId) -> Self {
        Build {
            deployment: Deployment::new(root),
            stack: vec![root],
            module_calls: 0,
            loop_elements: 0,
            loop_instances: 0,
            over_budget_reported: [false; 2],
            instances: 0,
            scopes: 0,
        }
    }

    /// The root template's frame, with the parameter values a parameter file or the command
    /// line gives.
    pub fn root_frame(&mut self, file: FileId, context: String, inputs: Option<Inputs>) -> Frame {
        Frame {
            file,
            instance: self.new_instance(),
            scope: self.new_scope(),
            context,
            deployed: Tri::Yes,
            when: None,
            inputs,
        }
    }

    pub fn new_instance(&mut self) -> InstanceId {
        self.instances += 1;
        InstanceId(self.instances - 1)
    }

    pub fn new_scope(&mut self) -> ScopeId {
        self.scopes += 1;
        ScopeId(self.scopes - 1)
    }

    pub fn problem(&mut self, origin: Origin, message: String) {
        self.deployment.problems.push((origin, message));
    }

    /// A problem reported once however often it is met (a module called in a loop meets its
    /// own problems at each call).
    pub fn problem_once(&mut self, origin: Origin, message: String) {
        let problem = (origin, message);
        if !self.deployment.problems.contains(&problem) {
            self.deployment.problems.push(problem);
        }
    }

    /// A warning, reported once: what the evaluation left out, the template not being wrong.
    pub fn warn(&mut self, origin: Origin, message: String) {
        let warning = (origin, message);
        if !self.deployment.warnings.contains(&warning) {
            self.deployment.warnings.push(warning);
        }
    }

    pub fn opaque(&mut self, label: String, origin: Origin, inputs: Node) {
        self.deployment.opaque.push(OpaqueDeployment { label, origin, inputs });
    }

    pub fn output(&mut self, output: Output) {
        self.deployment.outputs.push(output);
    }

    /// Draws `n` loop elements from the deployment's budget; false once it is spent.
    pub fn take_elements(&mut self, n: usize) -> bool {
        self.loop_elements = self.loop_elements.saturating_add(n);
        self.loop_elements <= MAX_LOOP_ELEMENTS
    }

    /// Draws `n` elements of a loop from the budgets `draw` names; false once one is spent.
    pub fn take(&mut self, draw: crate::eval::loops::Draw, n: usize) -> bool {
        if draw == crate::eval::loops::Draw::Instances {
            self.loop_instances = self.loop_instances.saturating_add(n);
            if self.loop_instances > MAX_INSTANCES {
                return false;
            }
        }
        self.take_elements(n)
    }

    /// Whether this is the first loop refused for the budget `draw` names (it alone is
    /// reported).
    pub fn first_over_budget(&mut self, draw: crate::eval::loops::Draw) -> bool {
        !std::mem::replace(&mut self.over_budget_reported[draw as usize], true)
    }

    /// Enters a module of `file`, or (`inline`) a nested deployment written in the current
    /// file, when the budgets allow it; `display` names files in the message.
    pub fn enter(&mut self, file: FileId, inline: bool, display: impl Fn(FileId) -> String) -> Result<(), Refusal> {
        let chain = || {
            let mut names: Vec<String> = self.stack.iter().map(|f| display(*f)).collect();
            names.push(display(file));
            names.join(" → ")
        };
        if !inline && self.stack.contains(&file) {
            return Err(Refusal::Cycle(chain()));
        }
        if self.stack.len() >= MAX_MODULE_DEPTH {
            return Err(Refusal::TooDeep(chain()));
        }
        self.module_calls += 1;
        if self.module_calls > MAX_MODULE_CALLS {
            return Err(Refusal::TooMany);
        }
        self.stack.push(file);
        if !self.deployment.files.contains(&file) {
            self.deployment.files.push(file);
        }
        Ok(())
    }

    pub fn leave(&mut self) {
        self.stack.pop();
    }

    /// Whether the first call past the budget is being refused (it alone is reported).
    pub fn first_refused(&self) -> bool {
        self.module_calls == MAX_MODULE_CALLS + 1
    }

    pub fn finish(self) -> Deployment {
        self.deployment
    }
}

impl Refusal {
    pub fn message(&self) -> (String, &'static str) {
        match self {
            Refusal::Cycle(chain) => (format!("module cycle: {chain}"), "the module is part of a cycle"),
            Refusal::TooDeep(chain) => {
                (format!("modules nested deeper than {MAX_MODULE_DEPTH}: {chain}"), "the module is nested too deep")
            }
            Refusal::TooMany => (
                format!("the deployment calls modules more than {MAX_MODULE_CALLS} times; the rest are not evaluated"),
                "the module is not evaluated (too many module calls)",
            ),
        }
    }
}

/// A variable or parameter value too big to keep becomes unknown.
pub fn bounded(node: Node, what: &str) -> Node {
    if node.value.exceeds(MAX_VALUE_WEIGHT) {
        let origin = node.origin;
        return Node::new(Value::unknown(format!("{what} is too large to evaluate"), origin), origin);
    }
    node
}
