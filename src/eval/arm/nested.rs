//! ARM nested deployments (`Microsoft.Resources/deployments`). With an inline `template` and
//! `expressionEvaluationOptions.scope` `inner` (what Bicep emits) the template is an instance
//! of its own, whose parameters `properties.parameters` gives; otherwise (`outer`) its
//! expressions read the enclosing template's parameters and variables. A linked template
//! (`templateLink.relativePath`, or a `templateLink.uri` built from the deploying template's
//! own `deployment().properties.templateLink.uri`) that is a scanned file is evaluated as an
//! inner-scope instance of that file; any other linked deployment is opaque.

use super::ArmEval;
use crate::eval::build::{Frame, Inputs};
use crate::model::{InstanceId, Node, Resource, StrPart, SymKind, Unknown, Value};
use crate::source::FileId;
use crate::syntax::arm::{Json, JsonKind};

impl<'a> ArmEval<'a, '_> {
    pub(super) fn nested_deployment(&mut self, resource: &Resource, json: &'a Json) {
        let name = resource.name.value.describe();
        let template = json.get("properties").and_then(|p| p.get("template"));
        let Some(template) = template.filter(|t| matches!(t.kind, JsonKind::Object(_))) else {
            self.linked_deployment(resource, json, name);
            return;
        };
        let file = self.frame.file;
        if !self.enter(resource, file, true) {
            return;
        }
        let properties = json.get("properties");
        let inner = properties
            .and_then(|p| p.get("expressionEvaluationOptions"))
            .and_then(|o| o.get("scope"))
            .and_then(Json::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
        let scope = self.deployment_scope(json);
        let context = format!("{} › deployment {name}", self.frame.context);
        if inner {
            let frame = self.instance_frame(resource, file, scope, context, name);
            let mut nested = ArmEval::new(self.build, frame, template, self.linked);
            nested.files = self.files.clone();
            nested.function_calls = self.function_calls.clone();
            nested.template(template);
        } else {
            let outer = self.frame.clone();
            self.frame.deployed = resource.deployed.clone();
            self.frame.when = resource.when.clone();
            self.frame.scope = scope;
            self.frame.context = context;
            self.resources(template);
            self.frame = outer;
        }
        self.build.leave();
    }

    /// A deployment of a linked template: evaluated when it names a scanned template and its
    /// parameters are given inline, opaque otherwise.
    fn linked_deployment(&mut self, resource: &Resource, json: &Json, name: String) {
        let properties = resource.body.get("properties");
        let opaque = |eval: &mut Self| {
            eval.build.opaque(format!("linked deployment {name}"), resource.declaration, resource.body.clone())
        };
        // Parameters from a parameters file are not known here.
        if properties.and_then(|p| p.get("parametersLink")).is_some() {
            return opaque(self);
        }
        let link = properties.and_then(|p| p.get("templateLink"));
        let found = link.and_then(|l| self.linked_path(l)).and_then(|(from, path)| self.linked.linked(from, &path));
        let Some((file, doc)) = found else {
            return opaque(self);
        };
        if !self.enter(resource, file, false) {
            return;
        }
        let scope = self.deployment_scope(json);
        let context = format!("{} › deployment {name} ({})", self.frame.context, self.linked.display(file));
        let frame = self.instance_frame(resource, file, scope, context, name);
        let instance = frame.instance;
        let mut nested = ArmEval::new(self.build, frame, &doc.root, self.linked);
        nested.files = self.files.clone();
        nested.files.push((instance, file));
        nested.function_calls = self.function_calls.clone();
        nested.template(&doc.root);
        self.build.leave();
    }

    /// Enters an instance of `file`; a refusal (a cycle, too deep, too many) is reported once.
    fn enter(&mut self, resource: &Resource, file: FileId, inline: bool) -> bool {
        let linked = self.linked;
        match self.build.enter(file, inline, |f| linked.display(f)) {
            Ok(()) => true,
            Err(refusal) => {
                let (problem, _) = refusal.message();
                if !matches!(refusal, crate::eval::build::Refusal::TooMany) || self.build.first_refused() {
                    self.build.problem(resource.declaration, problem);
                }
                false
            }
        }
    }

    /// A deployment to another resource group or subscription deploys elsewhere.
    fn deployment_scope(&mut self, json: &Json) -> crate::model::ScopeId {
        let elsewhere = ["resourceGroup", "subscriptionId"].iter().any(|k| json.get(k).is_some());
        if elsewhere { self.build.new_scope() } else { self.frame.scope }
    }

    fn instance_frame(
        &mut self,
        resource: &Resource,
        file: FileId,
        scope: crate::model::ScopeId,
        context: String,
        name: String,
    ) -> Frame {
        Frame {
            file,
            instance: self.build.new_instance(),
            scope,
            context,
            deployed: resource.deployed.clone(),
            when: resource.when.clone(),
            inputs: Some(Inputs::from_caller(format!("deployment {name}"), given_parameters(resource))),
        }
    }

    /// The file a `templateLink` names, as the template it is relative to and a relative
    /// path: `relativePath`, or `uri(deployment().properties.templateLink.uri, 'rel')` (of
    /// this template or one that passed its location down) followed by known text.
    fn linked_path(&self, link: &Node) -> Option<(FileId, String)> {
        if let Some(Value::String(relative)) = link.get("relativePath").map(|n| &n.value) {
            return Some((self.frame.file, relative.clone()));
        }
        let (base, rest) = match &link.get("uri")?.value {
            Value::Unknown(u) => (u, &[][..]),
            Value::Partial(parts) => match parts.as_slice() {
                [StrPart::Unknown(u), rest @ ..] => (u, rest),
                _ => return None,
            },
            _ => return None,
        };
        let (instance, mut path) = beside_template(base)?;
        for part in rest {
            match part {
                StrPart::Text(t) => path.push_str(t),
                StrPart::Unknown(_) => return None,
            }
        }
        // A SAS token's query does not change the file.
        let path = path.split(['?', '#']).next().unwrap_or_default().to_string();
        let from = self.files.iter().rev().find(|(i, _)| *i == instance).map(|(_, f)| *f)?;
        Some((from, path))
    }
}

/// `uri(deployment().properties.templateLink.uri, 'rel')`: the deploying instance and `rel`.
fn beside_template(unknown: &Unknown) -> Option<(InstanceId, String)> {
    let SymKind::Call(name, args) = unknown.sym.as_ref()?.kind() else { return None };
    let [Value::Unknown(base), Value::String(relative)] = args.as_slice() else { return None };
    if name.as_ref() != "uri" || relative.starts_with('/') {
        return None;
    }
    let member = |sym: &crate::model::Sym, expected: &str| match sym.kind() {
        SymKind::Member(inner, name) if name.as_ref() == expected => Some(inner.clone()),
        _ => None,
    };
    let link = member(base.sym.as_ref()?, "uri")?;
    let properties = member(&link, "templatelink")?;
    let deployment = member(&properties, "properties")?;
    match deployment.kind() {
        SymKind::Deployment { instance } => Some((*instance, relative.clone())),
        _ => None,
    }
}

/// `properties.parameters`: each `{ "value": … }` (or an expression that makes one); a Key
/// Vault `reference` is a secret.
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
                // `"[if(c, createObject('value', x), …)]"`: an expression that makes the entry.
                None if entry.get("reference").is_none() => {
                    crate::eval::ops::member(entry.clone(), "value", false, entry.origin)
                }
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
