//! Resources, the same for both languages: a declaration joins the deployment with its full
//! type and name (a child's joined to its parent's), whether it is deployed, and the frame it
//! belongs to; a resource read as a value (`server.id`, `server.properties.x`) is its body with
//! its identity.

use crate::eval::build::{Build, Frame};
use crate::model::{Node, Resource, ResourceId, ScopeId, Tri, UNKNOWN_SPREAD, Value};
use crate::source::Origin;

/// A resource as a front end declares it.
pub struct Declaration {
    /// As written: a full type, or a child's last segment (`configurations`).
    pub resource_type: String,
    pub api_version: Option<String>,
    pub symbol: Option<String>,
    /// As written: the full name, or a nested child's own segment.
    pub name: Node,
    /// Whether `name` is already the full name (an ARM child with a full type).
    pub name_is_full: bool,
    pub existing: bool,
    /// Its own condition (and its loop element's existence); the frame's is added.
    pub deployed: Tri,
    /// The unknown conditions of `deployed`, as `describe_condition` names them; the
    /// frame's are added.
    pub when: Option<String>,
    pub body: Node,
    pub declaration: Origin,
    pub parent: Option<usize>,
    /// The loop element label, if any: `rules[2]`.
    pub element: Option<String>,
    /// Deployed (or, for `existing`, found) in a scope of its own rather than the frame's.
    pub elsewhere: bool,
}

/// What a condition means for deployment: `None` when it is surely false.
pub fn deployed_by(condition: &Node) -> Option<Tri> {
    match crate::eval::ops::truth(&condition.value, condition.origin) {
        Tri::No => None,
        other => Some(other),
    }
}

/// How findings name a condition that is not known: the values of its input that make it
/// true (``parameter `env` is 'prod'``), else its text (`` `deployServer` is true ``).
/// `None` when the condition is known.
pub fn describe_condition(condition: &Node, written: &str) -> Option<String> {
    let Tri::Unknown(u) = crate::eval::ops::truth(&condition.value, condition.origin) else { return None };
    if let Some(options) = &u.options {
        let picked: Vec<&str> = options
            .values
            .iter()
            .filter(|(n, _)| n.value == Value::Bool(true))
            .map(|(_, label)| label.as_str())
            .collect();
        if !picked.is_empty() && options.values.iter().all(|(n, _)| matches!(n.value, Value::Bool(_))) {
            return Some(format!("{} {}", options.input, picked.join(" or ")));
        }
    }
    let written = written.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(if written.is_empty() || written.len() > 120 {
        format!("the condition on {} holds", crate::model::input_name(&u))
    } else {
        format!("`{written}` is true")
    })
}

/// Both conditions: an enclosing one (a module's, a parent's) and a resource's own.
pub fn and_when(outer: Option<String>, own: Option<String>) -> Option<String> {
    match (outer, own) {
        (Some(a), Some(b)) if a != b => Some(format!("{a} and {b}")),
        (a, b) => a.or(b),
    }
}

/// Adds a resource to the deployment; returns its index.
pub fn declare(build: &mut Build, frame: &Frame, decl: Declaration) -> usize {
    let mut resource_type = decl.resource_type;
    let mut name = decl.name;
    let mut api_version = decl.api_version;
    // The body keeps the name as written; the resource's name is the full one.
    let mut body = decl.body;
    if let Value::Object(members) = &mut body.value {
        members.retain(|(k, _)| !k.eq_ignore_ascii_case("name"));
        members.insert(0, ("name".to_string(), name.clone()));
    }
    if let Some(p) = decl.parent {
        let parent = &build.deployment.resources[p];
        if !resource_type.contains('/') {
            resource_type = format!("{}/{resource_type}", parent.resource_type);
        }
        if !decl.name_is_full {
            name.value = join_name(&parent.name.value, name.value, name.origin);
        }
        api_version = api_version.or_else(|| parent.api_version.clone());
    }
    let context = match &decl.element {
        Some(label) => format!("{} › {label}", frame.context),
        None => frame.context.clone(),
    };
    let scope = if decl.elsewhere { build.new_scope() } else { frame.scope };
    build.deployment.resources.push(Resource {
        resource_type,
        api_version,
        symbol: decl.symbol,
        name,
        existing: decl.existing,
        deployed: frame.deployed.clone().and(decl.deployed),
        when: and_when(frame.when.clone(), decl.when),
        body,
        declaration: decl.declaration,
        parent: decl.parent,
        maybe_parents: Vec::new(),
        context,
        instance: frame.instance,
        scope,
    });
    build.deployment.resources.len() - 1
}

/// Whether a resource's or module's `scope` names a scope other than `own`: a resource group,
/// subscription or management group other than the deployment's (`resourceGroup()` is its
/// own; a resource as scope, for an extension resource, keeps the deployment's).
pub fn elsewhere(scope: Option<&Value>, own: ScopeId) -> bool {
    use crate::model::SymKind;
    match scope {
        None | Some(Value::Null) => false,
        // A resource group, subscription or management group (an `existing` one) is another
        // scope; any other resource is the scope of an extension resource, in this one.
        Some(scope @ Value::Object(_)) => {
            let node = Node::new(scope.clone(), crate::source::Origin::default());
            node.get("type").and_then(|t| t.value.as_str()).is_some_and(|t| {
                [
                    "Microsoft.Resources/resourceGroups",
                    "Microsoft.Resources/subscriptions",
                    "Microsoft.Management/managementGroups",
                ]
                .iter()
                .any(|s| t.eq_ignore_ascii_case(s))
            })
        }
        Some(Value::Unknown(u)) => !matches!(u.sym.as_ref().map(|s| s.kind()),
            Some(SymKind::Scope { scope, function: "resourcegroup" }) if *scope == own),
        Some(_) => true,
    }
}

/// A child's full name: its parent's, `/`, its own.
pub fn join_name(parent: &Value, own: Value, origin: Origin) -> Value {
    Value::concat(vec![parent.clone(), Value::String("/".into()), own], origin)
}

/// A resource as a value: what `server.id`, `server.name` and `server.properties.x` read.
/// `only` builds just that member, for `server.id` and the like.
pub fn as_value(index: usize, resource: &Resource, only: Option<&str>) -> Node {
    let origin = resource.declaration;
    let wanted = |key: &str| only.is_none_or(|o| o.eq_ignore_ascii_case(key));
    let mut members = Vec::new();
    if wanted("id") {
        members.push(("id".to_string(), Node::new(Value::ResourceId(Box::new(resource.id(index))), origin)));
    }
    if wanted("name") {
        members.push(("name".to_string(), resource.name.clone()));
    }
    if wanted("type") {
        members.push(("type".to_string(), Node::new(Value::String(resource.resource_type.clone()), origin)));
    }
    if let Some(v) = &resource.api_version
        && wanted("apiVersion")
    {
        members.push(("apiVersion".to_string(), Node::new(Value::String(v.clone()), origin)));
    }
    if let Value::Object(body) = &resource.body.value {
        for (k, v) in body {
            if wanted(k) && !k.eq_ignore_ascii_case("name") {
                let v =
                    if k.eq_ignore_ascii_case("properties") { with_inline_child_ids(resource, v) } else { v.clone() };
                // What Azure returns when the deployment reads the resource (Bicep compiles
                // `server.properties.x` to `reference()`): never a secret written to it, such as
                // `administratorLoginPassword`, which a read does not return.
                members.push((k.clone(), conceal_deep(v)));
            }
        }
    }
    // What Azure returns beyond the template (and all of an existing resource's settings).
    let reason = if resource.existing {
        "the properties of an existing resource are known only at deployment"
    } else {
        "this property is set by Azure at deployment"
    };
    members.push((UNKNOWN_SPREAD.to_string(), Node::new(Value::unknown(reason, origin), origin)));
    Node::new(Value::Object(members), origin)
}

/// `node` with no secure input in its trace or its members' traces.
fn conceal_deep(mut node: Node) -> Node {
    node.trace = crate::eval::ops::conceal(std::mem::take(&mut node.trace));
    match &mut node.value {
        Value::Object(members) => {
            for (_, member) in members.iter_mut() {
                *member = conceal_deep(std::mem::replace(member, Node::new(Value::Null, member.origin)));
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                *item = conceal_deep(std::mem::replace(item, Node::new(Value::Null, item.origin)));
            }
        }
        _ => {}
    }
    node
}

/// Inline child collections (`properties.subnets`) get the ids Azure gives them:
/// `…/virtualNetworks/vnet/subnets/a`. An id is never empty.
fn with_inline_child_ids(resource: &Resource, properties: &Node) -> Node {
    let Value::Object(members) = &properties.value else { return properties.clone() };
    let members = members
        .iter()
        .map(|(collection, node)| {
            let Value::Array(items) = &node.value else { return (collection.clone(), node.clone()) };
            let items = items
                .iter()
                .map(|item| match (&item.value, item.get("name")) {
                    (Value::Object(fields), Some(name)) if item.get("id").is_none() => {
                        let full = Value::concat(
                            vec![resource.name.value.clone(), Value::String("/".into()), name.value.clone()],
                            item.origin,
                        );
                        let id = ResourceId::local(
                            format!("{}/{collection}", resource.resource_type),
                            full,
                            resource.scope,
                            None,
                        );
                        let mut fields = fields.clone();
                        fields.push(("id".into(), Node::new(Value::ResourceId(Box::new(id)), item.origin)));
                        Node { value: Value::Object(fields), ..item.clone() }
                    }
                    _ => item.clone(),
                })
                .collect();
            (collection.clone(), Node { value: Value::Array(items), ..node.clone() })
        })
        .collect();
    Node { value: Value::Object(members), ..properties.clone() }
}
