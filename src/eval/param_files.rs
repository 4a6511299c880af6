//! Parameter files, read into the inputs of a root template: an ARM `deploymentParameters`
//! file's values as written (they hold no expressions), and a `.bicepparam` file's
//! assignments evaluated as Bicep. A Key Vault reference or `getSecret()` is a secure value
//! known only at deployment; an entry of the wrong shape is a problem, and its value unknown.

use crate::eval::build::{Input, InputSource, Inputs};
use crate::model::{Node, TraceKind, TraceStep, Value};
use crate::source::{FileId, Origin};
use crate::syntax::arm::{ArmDocument, Json, JsonKind};
use crate::workspace::Workspace;
use std::path::PathBuf;

/// What a parameter file gives, with the problems of its entries.
pub struct ParamFile {
    pub inputs: Inputs,
    pub problems: Vec<(Origin, String)>,
}

/// An ARM parameter file's values; `display` names the file in messages.
pub fn arm_parameters(file: FileId, display: &str, doc: &ArmDocument) -> ParamFile {
    let mut values = Vec::new();
    let mut problems = Vec::new();
    let entries = doc.root.get("parameters").and_then(Json::as_object).unwrap_or_default();
    for entry in entries {
        let origin = Origin::new(file, entry.value.span);
        let value = if let Some(value) = entry.value.get("value") {
            literal(value, file)
        } else if entry.value.get("reference").is_some() {
            let node = Node::new(Value::unknown("a Key Vault secret is known only at deployment", origin), origin);
            node.traced(TraceStep::new(origin, TraceKind::Secret))
        } else {
            let message = format!("parameter `{}` in {display} has neither `value` nor `reference`", entry.name);
            problems.push((origin, message.clone()));
            Node::new(Value::unknown(message, origin), origin)
        };
        values.push(Input { name: entry.name.clone(), value, source: InputSource::ParamFile });
    }
    ParamFile { inputs: Inputs { giver: format!("`{display}`"), values, from_caller: false }, problems }
}

/// A `.bicepparam` file: the template it is for (`using`, resolved against its folder) and
/// its values.
pub fn bicep_parameters(workspace: &Workspace, file: FileId) -> Option<(PathBuf, ParamFile)> {
    let (template, (values, problems)) = crate::eval::bicep::parameter_file(workspace, file)?;
    let display = &workspace.file(file).display;
    let values =
        values.into_iter().map(|(name, value)| Input { name, value, source: InputSource::ParamFile }).collect();
    let inputs = Inputs { giver: format!("`{display}`"), values, from_caller: false };
    Some((template, ParamFile { inputs, problems }))
}

/// A JSON value as written.
fn literal(json: &Json, file: FileId) -> Node {
    let origin = Origin::new(file, json.span);
    let value = match &json.kind {
        JsonKind::Null => Value::Null,
        JsonKind::Bool(b) => Value::Bool(*b),
        JsonKind::Int(i) => Value::Int(*i),
        JsonKind::Number(n) => Value::unknown(format!("the number {n} is not an integer"), origin),
        JsonKind::String(s) => Value::String(s.clone()),
        JsonKind::Array(items) => Value::Array(items.iter().map(|i| literal(i, file)).collect()),
        JsonKind::Object(members) => {
            Value::Object(members.iter().map(|m| (m.name.clone(), literal(&m.value, file))).collect())
        }
    };
    Node::new(value, origin)
}
