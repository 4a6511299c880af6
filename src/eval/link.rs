//! Links children named in full (`'server/rule'`, `concat(server, '/rule')`) to their parent:
//! the resource of the parent type whose name is the child's name without its last segment.

use crate::model::{Deployment, StrPart, Tri, Value};

pub fn link_parents(deployment: &mut Deployment) {
    for child in 0..deployment.resources.len() {
        let resource = &deployment.resources[child];
        if resource.parent.is_some() {
            continue;
        }
        let Some((parent_type, _)) = resource.resource_type.rsplit_once('/') else { continue };
        if !parent_type.contains('/') {
            continue;
        }
        let Some(parent_name) = parent_name(&resource.name.value) else { continue };
        let parent = deployment.resources.iter().position(|candidate| {
            candidate.is_type(parent_type) && candidate.name.value.loosely_equals(&parent_name) == Tri::Yes
        });
        deployment.resources[child].parent = parent;
    }
}

/// The name without its last `/` segment, when that slash is in known text.
fn parent_name(name: &Value) -> Option<Value> {
    match name {
        Value::String(s) => s.rsplit_once('/').map(|(p, _)| Value::String(p.to_string())),
        Value::Partial(parts) => {
            let (last_index, last_text) = parts.iter().enumerate().rev().find_map(|(i, p)| match p {
                StrPart::Text(t) if t.contains('/') => Some((i, t)),
                _ => None,
            })?;
            let (head, _) = last_text.rsplit_once('/')?;
            let mut kept: Vec<StrPart> = parts[..last_index].to_vec();
            if !head.is_empty() {
                kept.push(StrPart::Text(head.to_string()));
            }
            Some(match kept.as_slice() {
                [StrPart::Text(t)] => Value::String(t.clone()),
                [StrPart::Unknown(u)] => Value::Unknown(u.clone()),
                _ => Value::Partial(kept),
            })
        }
        _ => None,
    }
}
