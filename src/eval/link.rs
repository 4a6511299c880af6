//! Links children named in full (`'server/rule'`, `concat(server, '/rule')`) to their parent:
//! the resource of the parent type whose name is the child's name without its last segment.

use crate::model::{Deployment, Resource, StrPart, Tri, Value};

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
        let named = |candidate: &Resource| {
            candidate.is_type(parent_type) && candidate.name.value.loosely_equals(&parent_name) == Tri::Yes
        };
        deployment.resources[child].parent = best(deployment, child, named);
    }
    // An `existing` reference to a resource this deployment also deploys is that resource:
    // its children belong to it, and its id is its id.
    for reference in 0..deployment.resources.len() {
        let r = &deployment.resources[reference];
        if !r.existing {
            continue;
        }
        // A reference with its own `scope` (another resource group) is not the local twin.
        let unscoped = |x: &Resource| x.body.get("scope").is_none();
        let twin = |candidate: &Resource| {
            !candidate.existing
                && unscoped(r)
                && unscoped(candidate)
                && candidate.is_type(&r.resource_type)
                && candidate.name.value.loosely_equals(&r.name.value) == Tri::Yes
        };
        if let Some(deployed) = best(deployment, reference, twin) {
            deployment.twins.insert(reference, deployed);
        }
    }
    for child in 0..deployment.resources.len() {
        if let Some(parent) = deployment.resources[child].parent
            && let Some(&deployed) = deployment.twins.get(&parent)
        {
            deployment.resources[child].parent = Some(deployed);
        }
    }
}

/// The resource that matches, preferring one the deployment creates over an `existing`
/// reference, then one from the same module instance as `child`.
fn best(deployment: &Deployment, child: usize, matches: impl Fn(&Resource) -> bool) -> Option<usize> {
    let context = &deployment.resources[child].context;
    deployment
        .resources
        .iter()
        .enumerate()
        .filter(|(i, r)| *i != child && matches(r))
        .min_by_key(|(i, r)| (r.existing, !same_instance(&r.context, context), *i))
        .map(|(i, _)| i)
}

/// Whether two contexts are the same module instance (loop elements aside).
fn same_instance(a: &str, b: &str) -> bool {
    module_instance(a) == module_instance(b)
}

/// `main.bicep › module pg (pg.bicep) › rules[1]` → `main.bicep › module pg (pg.bicep)`.
fn module_instance(context: &str) -> &str {
    const MODULE: &str = " › module ";
    match context.rfind(MODULE) {
        Some(at) => {
            let rest = &context[at + MODULE.len()..];
            let end = rest.find(" › ").map_or(context.len(), |j| at + MODULE.len() + j);
            &context[..end]
        }
        None => context.split(" › ").next().unwrap_or(context),
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
