//! Links children named in full (`'server/rule'`, `concat(server, '/rule')`) to their parent,
//! three-valued: a resource of the parent type whose name surely equals the child's parent
//! name is its parent; one whose name may equal it is a parent it may have; a child with
//! neither deploys onto a resource the template does not create, which is implied here as an
//! `existing` one, so that what the child changes is judged.

use crate::model::{Deployment, Node, Resource, Tri, Unknown, Value, compare};
use std::collections::HashMap;

pub fn link(deployment: &mut Deployment) {
    let mut by_type: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in deployment.resources.iter().enumerate() {
        by_type.entry(r.resource_type.to_ascii_lowercase()).or_default().push(i);
    }
    let mut orphans = Vec::new();
    for child in 0..deployment.resources.len() {
        let resource = &deployment.resources[child];
        if resource.parent.is_some() {
            continue;
        }
        let Some((parent_type, parent_name)) = parent_of(resource) else { continue };
        let mut sure = Vec::new();
        let mut maybe = Vec::new();
        for &candidate in by_type.get(&parent_type.to_ascii_lowercase()).into_iter().flatten() {
            match same_place(&deployment.resources[candidate], resource, &parent_name) {
                Tri::Yes => sure.push(candidate),
                Tri::Unknown(u) => maybe.push((candidate, u)),
                Tri::No => {}
            }
        }
        match best(deployment, child, &sure) {
            Some(parent) => deployment.resources[child].parent = Some(parent),
            None if maybe.is_empty() => orphans.push((child, parent_type, parent_name)),
            None => deployment.resources[child].maybe_parents = maybe,
        }
    }
    imply_parents(deployment, orphans);
    link_twins(deployment, &by_type);
}

/// The parent's type and name a child's full type and name give, when its name has a known
/// `/` (`Microsoft.X/a/b` named `p/c` → `Microsoft.X/a`, `p`).
fn parent_of(resource: &Resource) -> Option<(String, Value)> {
    let (parent_type, _) = resource.resource_type.rsplit_once('/')?;
    if !parent_type.contains('/') {
        return None;
    }
    Some((parent_type.to_string(), parent_name(&resource.name.value)?))
}

/// Whether `candidate` is the resource named `name` where `child` deploys.
fn same_place(candidate: &Resource, child: &Resource, name: &Value) -> Tri {
    let names = compare::loosely_equals(&candidate.name.value, name);
    if names == Tri::No || candidate.scope == child.scope {
        return names;
    }
    names.and(Tri::Unknown(Unknown::opaque("the parent may be in another resource group", candidate.declaration)))
}

/// An `existing` reference to a resource this deployment also deploys is that resource: its
/// children belong to it, and its id is its id. One that may be it gives it its children as
/// children it may have.
fn link_twins(deployment: &mut Deployment, by_type: &HashMap<String, Vec<usize>>) {
    for reference in 0..deployment.resources.len() {
        let r = &deployment.resources[reference];
        if !r.existing {
            continue;
        }
        let mut sure = Vec::new();
        let mut maybe = Vec::new();
        for &candidate in by_type.get(&r.resource_type.to_ascii_lowercase()).into_iter().flatten() {
            let c = &deployment.resources[candidate];
            // Under an unknown condition, the reference stays a resource of its own: what its
            // children change applies whether or not this template creates the resource.
            if c.existing || c.deployed != Tri::Yes {
                continue;
            }
            let reference_id =
                crate::model::ResourceId::local(r.resource_type.clone(), r.name.value.clone(), r.scope, None);
            match c.id(candidate).same_resource(&reference_id) {
                Tri::Yes => sure.push(candidate),
                Tri::Unknown(u) => maybe.push((candidate, u)),
                Tri::No => {}
            }
        }
        if let Some(twin) = best(deployment, reference, &sure) {
            deployment.twins.insert(reference, twin);
        } else {
            for child in 0..deployment.resources.len() {
                if deployment.resources[child].parent == Some(reference) {
                    deployment.resources[child].maybe_parents.extend(maybe.iter().cloned());
                }
            }
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

/// Children whose parent nothing declares get one, `existing`: one per parent name.
fn imply_parents(deployment: &mut Deployment, orphans: Vec<(usize, String, Value)>) {
    let mut implied: Vec<usize> = Vec::new();
    for (child, parent_type, parent_name) in orphans {
        let found = implied.iter().copied().find(|&p| {
            let r = &deployment.resources[p];
            r.is_type(&parent_type)
                && r.scope == deployment.resources[child].scope
                && compare::loosely_equals(&r.name.value, &parent_name) == Tri::Yes
        });
        let parent = match found {
            Some(p) => p,
            None => {
                let c = &deployment.resources[child];
                let origin = c.name.origin;
                let name = Node { value: parent_name, origin, trace: c.name.trace.clone() };
                deployment.resources.push(Resource {
                    resource_type: parent_type,
                    api_version: c.api_version.clone(),
                    symbol: None,
                    body: Node::new(Value::Object(vec![("name".into(), name.clone())]), origin),
                    name,
                    existing: true,
                    deployed: Tri::Yes,
                    when: None,
                    declaration: origin,
                    parent: None,
                    maybe_parents: Vec::new(),
                    context: c.context.clone(),
                    instance: c.instance,
                    scope: c.scope,
                });
                implied.push(deployment.resources.len() - 1);
                deployment.resources.len() - 1
            }
        };
        deployment.resources[child].parent = Some(parent);
    }
}

/// The resource to prefer among those that surely match: one the deployment creates over an
/// `existing` reference, then one from the same template instance, then the first.
fn best(deployment: &Deployment, child: usize, candidates: &[usize]) -> Option<usize> {
    let instance = deployment.resources[child].instance;
    candidates.iter().copied().filter(|&i| i != child).min_by_key(|&i| {
        let r = &deployment.resources[i];
        (r.existing, r.instance != instance, i)
    })
}

/// The name without its last `/` segment. When no `/` is in known text, the whole name may
/// hold it: the parent's name is an unknown function of it.
fn parent_name(name: &Value) -> Option<Value> {
    use crate::model::StrPart;
    let unknown_part =
        |name: &Value| crate::eval::ops::derived("parentname", std::slice::from_ref(name)).map(Value::Unknown);
    match name {
        Value::String(s) => s.rsplit_once('/').map(|(p, _)| Value::String(p.to_string())),
        Value::Unknown(_) => unknown_part(name),
        Value::Partial(parts) => {
            let Some((last_index, last_text)) = parts.iter().enumerate().rev().find_map(|(i, p)| match p {
                StrPart::Text(t) if t.contains('/') => Some((i, t)),
                _ => None,
            }) else {
                return unknown_part(name);
            };
            let (head, _) = last_text.rsplit_once('/')?;
            let mut kept: Vec<Value> = parts[..last_index]
                .iter()
                .map(|p| match p {
                    StrPart::Text(t) => Value::String(t.clone()),
                    StrPart::Unknown(u) => Value::Unknown(u.clone()),
                })
                .collect();
            kept.push(Value::String(head.to_string()));
            // What follows the last known slash holds none: a child's name has as many
            // segments as its type, so the last one is its own.
            Some(Value::concat(kept, crate::source::Origin::default()))
        }
        _ => None,
    }
}
