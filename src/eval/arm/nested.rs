//! ARM nested deployments (`Microsoft.Resources/deployments` with an inline `template`). With
//! `expressionEvaluationOptions.scope` `inner` (what Bicep emits) the template is an instance
//! of its own, whose parameters `properties.parameters` gives; otherwise (`outer`) its
//! expressions read the enclosing template's parameters and variables. A `templateLink`
//! deployment is opaque.

use super::ArmEval;
use crate::eval::build::{Frame, Inputs};
use crate::model::{Node, Resource, Value};
use crate::syntax::arm::{Json, JsonKind};

impl<'a> ArmEval<'a, '_> {
    pub(super) fn nested_deployment(&mut self, resource: &Resource, json: &'a Json) {
        let name = resource.name.value.describe();
        let template = json.get("properties").and_then(|p| p.get("template"));
        let Some(template) = template.filter(|t| matches!(t.kind, JsonKind::Object(_))) else {
            self.build.opaque(format!("linked deployment {name}"), resource.declaration, resource.body.clone());
            return;
        };
        let file = self.frame.file;
        if let Err(refusal) = self.build.enter(file, true, |_| name.clone()) {
            let (problem, _) = refusal.message();
            if !matches!(refusal, crate::eval::build::Refusal::TooMany) || self.build.first_refused() {
                self.build.problem(resource.declaration, problem);
            }
            return;
        }
        let properties = json.get("properties");
        let inner = properties
            .and_then(|p| p.get("expressionEvaluationOptions"))
            .and_then(|o| o.get("scope"))
            .and_then(Json::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
        // A deployment to another resource group or subscription deploys elsewhere.
        let elsewhere = ["resourceGroup", "subscriptionId"].iter().any(|k| json.get(k).is_some());
        let scope = if elsewhere { self.build.new_scope() } else { self.frame.scope };
        let context = format!("{} › deployment {name}", self.frame.context);
        if inner {
            let inputs = given_parameters(resource);
            let frame = Frame {
                file,
                instance: self.build.new_instance(),
                scope,
                context,
                deployed: resource.deployed.clone(),
                inputs: Some(Inputs::from_caller(format!("deployment {name}"), inputs)),
            };
            let mut nested = ArmEval::new(self.build, frame, template);
            nested.template(template);
        } else {
            let outer = self.frame.clone();
            self.frame.deployed = resource.deployed.clone();
            self.frame.scope = scope;
            self.frame.context = context;
            self.resources(template);
            self.frame = outer;
        }
        self.build.leave();
    }
}

/// `properties.parameters`: each `{ "value": … }`; a Key Vault `reference` is a secret.
fn given_parameters(resource: &Resource) -> Vec<(String, Node)> {
    let Some(Value::Object(given)) =
        resource.body.get("properties").and_then(|p| p.get("parameters")).map(|n| &n.value)
    else {
        return Vec::new();
    };
    given
        .iter()
        .map(|(name, entry)| {
            let value = match entry.get("value") {
                Some(v) => v.clone(),
                None => Node::new(
                    Value::unknown(
                        format!("parameter `{name}` of the nested deployment is a Key Vault reference"),
                        entry.origin,
                    ),
                    entry.origin,
                )
                .traced(crate::model::TraceStep::new(entry.origin, crate::model::TraceKind::Secret)),
            };
            (name.clone(), value)
        })
        .collect()
}
