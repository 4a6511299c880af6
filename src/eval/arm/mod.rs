//! The ARM JSON front end: parameters, variables and expressions in strings; resources listed
//! at the top (an array, or an object keyed by symbolic name in languageVersion 2.0) or nested
//! in a parent's `resources`; `copy` loops and conditions; nested deployments. What ARM shares
//! with Bicep is in the core; this is only syntax.

mod expr;
mod functions;
mod nested;

use crate::eval::LinkedTemplates;
use crate::eval::build::{Build, Frame, Inputs};
use crate::eval::loops;
use crate::eval::resources::{self, Declaration};
use crate::model::{Node, Output, Tri, Value};
use crate::source::{FileId, Origin};
use crate::syntax::arm::{Json, JsonKind};
use std::collections::HashMap;

/// Evaluates an ARM root template into `build`; `context` names it in instance contexts;
/// `linked` gives the scanned templates its deployments link to.
pub fn evaluate_root(
    file: FileId,
    context: String,
    template: &Json,
    linked: &dyn LinkedTemplates,
    build: &mut Build,
    inputs: Option<Inputs>,
) {
    let frame = build.root_frame(file, context, inputs);
    let mut eval = ArmEval::new(build, frame, template, linked);
    eval.template(template);
}

/// Evaluates an ARM template that a Bicep module calls (a local `.json` module, or a registry
/// module's compiled `main.json`) as the instance `frame`, whose inputs are the caller's
/// `params`; returns its outputs as the caller reads them (`module.outputs.x`).
pub fn evaluate_module(
    build: &mut Build,
    frame: Frame,
    template: &Json,
    linked: &dyn LinkedTemplates,
    module: &str,
) -> Node {
    let origin = Origin::new(frame.file, template.span);
    let mut eval = ArmEval::new(build, frame, template, linked);
    let outputs = eval
        .template(template)
        .into_iter()
        .map(|(name, node, declaration)| {
            let step = crate::model::TraceKind::ModuleOutput { module: module.to_string(), output: name.clone() };
            (name, node.traced(crate::model::TraceStep::new(declaration, step)))
        })
        .collect();
    Node::new(Value::Object(outputs), origin)
}

/// A parameter or variable, by lower-case name: ARM names are case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Decl {
    Param(String),
    Var(String),
}

/// A parent resource as its children see it: deployed or not (ARM does not cascade a
/// parent's condition to its nested children), with its full type and name.
#[derive(Clone)]
struct Parent {
    index: Option<usize>,
    resource_type: String,
    name: Value,
}

struct ArmEval<'a, 'b> {
    build: &'b mut Build,
    /// The scanned templates that linked deployments name.
    linked: &'b dyn LinkedTemplates,
    frame: Frame,
    /// The template whose parameters and variables expressions read.
    root: &'a Json,
    values: HashMap<Decl, Node>,
    in_progress: Vec<Decl>,
    /// `copyIndex()` of the resource copy being evaluated.
    copy_index: Option<Node>,
    /// The indices of the property and variable copies being evaluated, by lower-case name.
    named_copies: Vec<(String, Node)>,
    /// `lambdaVariables('x')` of the lambdas being applied.
    lambda_vars: Vec<(String, Node)>,
    /// The arguments of the user-defined function being evaluated: its body reads only them.
    function_args: Option<Vec<(String, Node)>>,
    /// User-defined functions being evaluated, calling each other (lower case).
    function_stack: Vec<String>,
    /// User-defined function calls so far in the whole deployment (shared with nested
    /// instances), against `limits::MAX_FUNCTION_CALLS`.
    function_calls: std::rc::Rc<std::cell::Cell<usize>>,
    /// The file of each template instance from the root to this one: a linked template's
    /// location is relative to the instance whose `deployment()` built it.
    files: Vec<(crate::model::InstanceId, FileId)>,
}

impl<'a, 'b> ArmEval<'a, 'b> {
    fn new(build: &'b mut Build, frame: Frame, root: &'a Json, linked: &'b dyn LinkedTemplates) -> Self {
        let (frame_instance, frame_file) = (frame.instance, frame.file);
        ArmEval {
            build,
            linked,
            frame,
            root,
            values: HashMap::new(),
            in_progress: Vec::new(),
            copy_index: None,
            named_copies: Vec::new(),
            lambda_vars: Vec::new(),
            function_args: None,
            function_stack: Vec::new(),
            function_calls: Default::default(),
            files: vec![(frame_instance, frame_file)],
        }
    }

    fn origin(&self, json: &Json) -> Origin {
        Origin::new(self.frame.file, json.span)
    }

    /// Deploys a template's resources, then records its outputs; returns them with where each
    /// is declared.
    fn template(&mut self, template: &'a Json) -> Vec<(String, Node, Origin)> {
        self.resources(template);
        let mut values = Vec::new();
        let Some(outputs) = template.get("outputs").and_then(Json::as_object) else { return values };
        for output in outputs {
            let secure = output
                .value
                .get("type")
                .and_then(Json::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("securestring") || t.eq_ignore_ascii_case("secureobject"));
            let value = match (output.value.get("value"), output.value.get("copy")) {
                (Some(v), _) => self.json(v),
                (None, Some(copy)) => self.output_copy(copy),
                (None, None) => Node::new(
                    Value::unknown("the output has no `value`", self.origin(&output.value)),
                    self.origin(&output.value),
                ),
            };
            let output = Output {
                name: output.name.clone(),
                value,
                secure,
                declaration: Origin::new(self.frame.file, output.name_span),
                context: self.frame.context.clone(),
            };
            values.push((output.name.clone(), output.value.clone(), output.declaration));
            self.build.output(output);
        }
        values
    }

    /// Deploys the resources of `template` (an array, or an object keyed by symbolic name).
    fn resources(&mut self, template: &'a Json) {
        let Some(resources) = template.get("resources") else { return };
        match &resources.kind {
            JsonKind::Array(items) => items.iter().for_each(|r| self.resource(r, None, None)),
            JsonKind::Object(members) => members.iter().for_each(|m| self.resource(&m.value, Some(&m.name), None)),
            _ => {}
        }
    }

    fn resource(&mut self, json: &'a Json, symbol: Option<&str>, parent: Option<&Parent>) {
        if !matches!(json.kind, JsonKind::Object(_)) {
            return;
        }
        let declaration = json
            .member("type")
            .map_or(self.origin(json), |m| Origin::new(self.frame.file, m.name_span.cover(m.value.span)));
        let elements = match json.get("copy") {
            Some(copy) => {
                let label = copy.get("name").and_then(Json::as_str).unwrap_or("copy").to_string();
                let count = match copy.get("count") {
                    Some(c) => self.json(c),
                    None => Node::new(
                        Value::unknown(format!("copy loop `{label}` has no count"), self.origin(copy)),
                        self.origin(copy),
                    ),
                };
                let (at, instance) = (self.origin(copy), self.frame.instance);
                loops::over_count(self.build, count, &label, at, instance, loops::Draw::Instances)
                    .into_iter()
                    .map(|e| (Some(e.index), Some(e.label), e.deployed))
                    .collect()
            }
            None => vec![(None, None, Tri::Yes)],
        };
        for (index, label, element_deployed) in elements {
            self.copy_index = index;
            let mut resource_type = json.get("type").and_then(Json::as_str).unwrap_or("").to_string();
            let mut name = json.get("name").map_or(Node::new(Value::Null, self.origin(json)), |n| self.json(n));
            // A nested child with a short type has a short name; with a full type, a full one.
            if let Some(p) = parent
                && !resource_type.contains('/')
            {
                resource_type = format!("{}/{resource_type}", p.resource_type);
                name.value = resources::join_name(&p.name, name.value, name.origin);
            }
            let (deployed, when) = match json.get("condition") {
                Some(c) => {
                    let condition = self.json(c);
                    let written = match &c.kind {
                        JsonKind::String(s) => s.trim().trim_start_matches('[').trim_end_matches(']'),
                        _ => "",
                    };
                    (resources::deployed_by(&condition), resources::describe_condition(&condition, written))
                }
                None => (Some(Tri::Yes), None),
            };
            let this = match deployed {
                Some(deployed) => {
                    let body = self.body(json, &resource_type);
                    // languageVersion 2.0 `existing` resources name their scope.
                    let elsewhere = ["resourceGroup", "subscriptionId"].iter().any(|k| json.get(k).is_some())
                        && !resource_type.eq_ignore_ascii_case("Microsoft.Resources/deployments");
                    let decl = Declaration {
                        elsewhere,
                        resource_type: resource_type.clone(),
                        api_version: self.api_version(json),
                        symbol: symbol.map(str::to_string),
                        name: name.clone(),
                        name_is_full: true,
                        existing: json.get("existing").is_some_and(|e| e.kind == JsonKind::Bool(true)),
                        deployed: element_deployed.and(deployed),
                        when,
                        body,
                        declaration,
                        parent: parent.and_then(|p| p.index),
                        element: label.clone(),
                    };
                    let index = resources::declare(self.build, &self.frame, decl);
                    let resource = self.build.deployment.resources[index].clone();
                    if resource.is_type("Microsoft.Resources/deployments") {
                        self.nested_deployment(&resource, json);
                    }
                    Parent { index: Some(index), resource_type: resource.resource_type, name: resource.name.value }
                }
                // Not deployed; its nested children still are, under its full name.
                None => Parent { index: None, resource_type: resource_type.clone(), name: name.value.clone() },
            };
            if let Some(children) = json.get("resources").and_then(Json::as_array) {
                let saved = self.frame.context.clone();
                if let Some(label) = &label {
                    self.frame.context = format!("{saved} › {label}");
                }
                for child in children {
                    self.resource(child, None, Some(&this));
                }
                self.frame.context = saved;
            }
        }
        self.copy_index = None;
    }

    /// A resource's body: every member but those that shape the deployment. A nested
    /// deployment's template is evaluated as a deployment of its own, not here.
    fn body(&mut self, json: &'a Json, resource_type: &str) -> Node {
        let deployment = resource_type.eq_ignore_ascii_case("Microsoft.Resources/deployments");
        let mut members = Vec::new();
        for m in json.as_object().unwrap_or_default() {
            let key = m.name.to_ascii_lowercase();
            if matches!(key.as_str(), "resources" | "copy" | "condition" | "dependson" | "comments") {
                continue;
            }
            let value = if deployment && key == "properties" {
                self.deployment_properties(&m.value)
            } else {
                self.json(&m.value)
            };
            members.push((m.name.clone(), value));
        }
        Node::new(Value::Object(members), self.origin(json))
    }

    fn deployment_properties(&mut self, json: &'a Json) -> Node {
        let mut members = Vec::new();
        for m in json.as_object().unwrap_or_default() {
            let value = if m.name.eq_ignore_ascii_case("template") {
                Node::new(
                    Value::unknown("the nested template is evaluated as a deployment", self.origin(&m.value)),
                    self.origin(&m.value),
                )
            } else {
                self.json(&m.value)
            };
            members.push((m.name.clone(), value));
        }
        Node::new(Value::Object(members), self.origin(json))
    }
}
