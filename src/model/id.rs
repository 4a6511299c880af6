//! Resource ids: a type and a name in a subscription and resource group. An id is never
//! empty, and two ids are compared by what they name, three-valued: the deployment's own
//! scope is known only at deployment, so an id that names another scope compares unknown.

use crate::model::{ScopeId, Tri, Unknown, Value, compare};
use crate::source::Origin;

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceId {
    /// Full resource type, e.g. `Microsoft.DBforPostgreSQL/flexibleServers`.
    pub resource_type: String,
    /// Full name, segments joined by `/` (`server/rule`), possibly partly known.
    pub name: Value,
    pub subscription: ScopePart,
    pub resource_group: ScopePart,
    /// The resource instance (its index in the deployment) when it came from a symbolic
    /// reference such as `server.id`.
    pub target: Option<usize>,
}

/// A subscription or resource group: the one a template instance deploys to, or one named.
#[derive(Debug, Clone, PartialEq)]
pub enum ScopePart {
    Own(ScopeId),
    Named(Value),
}

impl ResourceId {
    /// An id in a template instance's own subscription and resource group.
    pub fn local(resource_type: String, name: Value, scope: ScopeId, target: Option<usize>) -> Self {
        ResourceId {
            resource_type,
            name,
            subscription: ScopePart::Own(scope),
            resource_group: ScopePart::Own(scope),
            target,
        }
    }

    /// Whether two ids name the same resource, three-valued.
    pub fn same_resource(&self, other: &ResourceId) -> Tri {
        if !self.resource_type.eq_ignore_ascii_case(&other.resource_type) {
            return Tri::No;
        }
        // The same declaration; two declarations of one name are still one resource.
        if self.target.is_some() && self.target == other.target {
            return Tri::Yes;
        }
        let names = compare::loosely_equals(&self.name, &other.name);
        if names == Tri::No {
            return Tri::No;
        }
        names
            .and(self.resource_group.same(&other.resource_group, "resource group"))
            .and(self.subscription.same(&other.subscription, "subscription"))
    }

    /// Reads a literal id `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}…`
    /// (not an extension resource's id, which names two providers). A part the text leaves
    /// out is none: `/providers/…` is a tenant-level id.
    pub fn parse(text: &str, scope: ScopeId) -> Option<ResourceId> {
        let rest = text.strip_prefix('/')?;
        let parts: Vec<&str> = rest.split('/').collect();
        let providers = parts.iter().position(|p| p.eq_ignore_ascii_case("providers"))?;
        if parts[providers + 1..].iter().any(|p| p.eq_ignore_ascii_case("providers")) {
            return None;
        }
        let mut id = ResourceId::local(String::new(), Value::Null, scope, None);
        id.subscription = ScopePart::Named(Value::Null);
        id.resource_group = ScopePart::Named(Value::Null);
        for pair in parts[..providers].chunks(2) {
            match pair {
                [key, value] if key.eq_ignore_ascii_case("subscriptions") => {
                    id.subscription = ScopePart::Named(Value::String(value.to_string()))
                }
                [key, value] if key.eq_ignore_ascii_case("resourceGroups") => {
                    id.resource_group = ScopePart::Named(Value::String(value.to_string()))
                }
                _ => return None,
            }
        }
        let tail = &parts[providers + 1..];
        // namespace, then alternating type and name segments
        if tail.len() < 3 || tail.len().is_multiple_of(2) {
            return None;
        }
        let types: Vec<&str> = std::iter::once(tail[0]).chain(tail[1..].iter().step_by(2).copied()).collect();
        let names: Vec<&str> = tail[2..].iter().step_by(2).copied().collect();
        id.resource_type = types.join("/");
        id.name = Value::String(names.join("/"));
        Some(id)
    }
}

impl ScopePart {
    fn same(&self, other: &ScopePart, what: &str) -> Tri {
        match (self, other) {
            (ScopePart::Own(a), ScopePart::Own(b)) if a == b => Tri::Yes,
            (ScopePart::Named(x), ScopePart::Named(y)) => compare::loosely_equals(x, y),
            (ScopePart::Own(_), ScopePart::Own(_)) => Tri::Unknown(Unknown::opaque(
                format!("the two ids are in {what}s chosen by different deployments"),
                Origin::default(),
            )),
            (ScopePart::Named(named), ScopePart::Own(_)) | (ScopePart::Own(_), ScopePart::Named(named)) => {
                Tri::Unknown(Unknown::opaque(
                    format!(
                        "the id names the {what} {}; the deployment's own is known only at deployment",
                        named.describe()
                    ),
                    Origin::default(),
                ))
            }
        }
    }
}
