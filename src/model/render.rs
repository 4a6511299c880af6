//! A plain-text rendering of an evaluated deployment, one line per fact, for snapshot tests and
//! `pgguard model`: what the evaluator computed, independent of how it is computed. Positions
//! are `file:line:col` with the files' display names.

use crate::model::{Deployment, Node, OpaqueDeployment, ScopePart, StrPart, Tri, Value};
use crate::source::{Origin, SourceFile};
use std::fmt::Write;

/// Renders a deployment; `files` is the scan's file table (`Origin::file` indexes it).
pub fn render(deployment: &Deployment, files: &[SourceFile]) -> String {
    let r = Renderer { files };
    let mut out = String::new();
    let _ = writeln!(out, "deployment {}", r.file_name(deployment.root.0 as usize));
    for (i, res) in deployment.resources.iter().enumerate() {
        let _ = writeln!(out, "\n#{i} {}", res.context);
        let _ = writeln!(out, "  type: {} @ {}", res.resource_type, res.api_version.as_deref().unwrap_or("-"));
        let _ = writeln!(out, "  symbol: {}", res.symbol.as_deref().unwrap_or("-"));
        let _ = writeln!(out, "  existing: {}", res.existing);
        let _ = writeln!(out, "  deployed: {}", tri(&res.deployed));
        let parent = res.parent.map_or("-".to_string(), |p| format!("#{p}"));
        let _ = writeln!(out, "  parent: {parent}");
        for (p, why) in &res.maybe_parents {
            let _ = writeln!(out, "  maybe parent: #{p} ({})", why.reason);
        }
        let _ = writeln!(out, "  declared: {}", r.position(res.declaration));
        r.node(&mut out, "(name)", &res.name);
        r.node(&mut out, "", &res.body);
    }
    let mut twins: Vec<_> = deployment.twins.iter().collect();
    twins.sort();
    for (reference, deployed) in twins {
        let _ = writeln!(out, "\ntwin: #{reference} is #{deployed}");
    }
    for OpaqueDeployment { label, origin, inputs } in &deployment.opaque {
        let _ = writeln!(out, "\nopaque: {label} @{}", r.position(*origin));
        r.node(&mut out, "inputs", inputs);
    }
    for output in &deployment.outputs {
        let secure = if output.secure { " (secure)" } else { "" };
        let _ =
            writeln!(out, "\noutput {}{secure} of {} @{}", output.name, output.context, r.position(output.declaration));
        r.node(&mut out, "value", &output.value);
    }
    for (origin, message) in &deployment.problems {
        let _ = writeln!(out, "\nproblem: {message} @{}", r.position(*origin));
    }
    for (origin, message) in &deployment.warnings {
        let _ = writeln!(out, "\nwarning: {message} @{}", r.position(*origin));
    }
    out
}

fn tri(t: &Tri) -> String {
    match t {
        Tri::Yes => "yes".into(),
        Tri::No => "no".into(),
        Tri::Unknown(u) => format!("unknown: {}", u.reason),
    }
}

struct Renderer<'a> {
    files: &'a [SourceFile],
}

impl Renderer<'_> {
    fn file_name(&self, index: usize) -> &str {
        self.files.get(index).map_or("?", |f| f.display.as_str())
    }

    fn position(&self, origin: Origin) -> String {
        match self.files.get(origin.file.0 as usize) {
            Some(file) => {
                let at = file.line_col(origin.span.start);
                format!("{}:{}:{}", file.display, at.line, at.column)
            }
            None => "?".into(),
        }
    }

    /// One line per leaf (and per container that has a trace of its own), each followed by
    /// its trace steps.
    fn node(&self, out: &mut String, path: &str, node: &Node) {
        let shown = match &node.value {
            Value::Array(items) if !items.is_empty() => "[…]".to_string(),
            Value::Object(members) if !members.is_empty() => "{…}".to_string(),
            other => value(other),
        };
        let container = shown == "[…]" || shown == "{…}";
        if !container || !node.trace.is_empty() {
            let shown_path = if path.is_empty() { "(body)" } else { path };
            let _ = writeln!(out, "  {shown_path} = {shown}  @{}", self.position(node.origin));
            for step in &node.trace {
                let _ = writeln!(out, "      ← {} @{}", step.label(), self.position(step.origin));
            }
        }
        match &node.value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.node(out, &format!("{path}[{i}]"), item);
                }
            }
            Value::Object(members) => {
                for (key, member) in members {
                    self.node(out, &member_path(path, key), member);
                }
            }
            _ => {}
        }
    }
}

fn member_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    match (plain, path.is_empty()) {
        (true, true) => key.to_string(),
        (true, false) => format!("{path}.{key}"),
        (false, _) => format!("{path}['{key}']"),
    }
}

/// A scalar as the snapshots show it; containers as `[]`/`{}` (their members are separate lines).
fn value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::String(s) => format!("'{s}'"),
        Value::Partial(parts) => {
            let inner: String = parts
                .iter()
                .map(|p| match p {
                    StrPart::Text(t) => t.clone(),
                    StrPart::Unknown(u) => format!("{{unknown({})}}", u.reason),
                })
                .collect();
            format!("'{inner}'")
        }
        Value::Array(items) if items.is_empty() => "[]".into(),
        Value::Array(_) => "[…]".into(),
        Value::Object(members) if members.is_empty() => "{}".into(),
        Value::Object(_) => "{…}".into(),
        Value::ResourceId(id) => {
            let mut s = format!("id({}, {}", id.resource_type, value(&id.name));
            if let ScopePart::Named(rg) = &id.resource_group {
                let _ = write!(s, ", rg {}", value(rg));
            }
            if let ScopePart::Named(sub) = &id.subscription {
                let _ = write!(s, ", sub {}", value(sub));
            }
            if let Some(target) = id.target {
                let _ = write!(s, ", #{target}");
            }
            s + ")"
        }
        Value::Unknown(u) => format!("unknown({})", u.reason),
    }
}
