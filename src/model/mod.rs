//! The resource model: what a template deploys, one shape for Bicep and ARM. Each resource has
//! its type, names, condition and evaluated body; a `Deployment` indexes the resources of one
//! root template with everything its modules add, so rules can ask about related resources.

mod render;
mod value;

pub use render::render;

pub use value::{Node, ResourceId, StrPart, TraceStep, Tri, Unknown, Value};

use crate::source::{FileId, Origin};
use std::collections::HashMap;

/// The key under which an object keeps an unknown spread (`{ ...props }`).
pub const UNKNOWN_SPREAD: &str = "...";

#[derive(Debug, Clone)]
pub struct Resource {
    /// Full type, e.g. `Microsoft.DBforPostgreSQL/flexibleServers/configurations`.
    pub resource_type: String,
    pub api_version: Option<String>,
    /// The Bicep symbolic name (or ARM languageVersion 2.0 key).
    pub symbol: Option<String>,
    /// The full name: `server/child` for a child, however it was declared.
    pub name: Node,
    pub existing: bool,
    /// Whether it is deployed: `Yes` without a condition, `Unknown` when the condition (or an
    /// enclosing loop) cannot be evaluated.
    pub deployed: Tri,
    /// The resource body: `properties`, `sku`, `location`… (for Bicep the declaration's object).
    pub body: Node,
    /// Where the declaration is: findings about a missing property point here.
    pub declaration: Origin,
    pub parent: Option<usize>,
    /// Which instance this is: the file, the module path from the root, the loop element.
    pub context: String,
}

impl Resource {
    pub fn is_type(&self, resource_type: &str) -> bool {
        self.resource_type.eq_ignore_ascii_case(resource_type)
    }

    /// The name's last segment (`rule` of `server/rule`), the name a server parameter has.
    pub fn leaf_name(&self) -> Value {
        match &self.name.value {
            Value::String(s) => Value::String(s.rsplit('/').next().unwrap_or(s).to_string()),
            Value::Partial(parts) => {
                // What follows the last known `/`: text, unknown parts, or both.
                let Some(slash) = parts.iter().rposition(|p| matches!(p, StrPart::Text(t) if t.contains('/'))) else {
                    return self.name.value.clone();
                };
                let mut tail = Vec::new();
                if let StrPart::Text(t) = &parts[slash] {
                    tail.push(Value::String(t.rsplit('/').next().unwrap_or("").to_string()));
                }
                tail.extend(parts[slash + 1..].iter().map(|p| match p {
                    StrPart::Text(t) => Value::String(t.clone()),
                    StrPart::Unknown(u) => Value::Unknown(u.clone()),
                }));
                Value::concat(tail, self.name.origin)
            }
            other => other.clone(),
        }
    }
}

/// The outcome of reading a property path.
pub enum PropertyLookup<'a> {
    Found(&'a Node),
    Missing,
    /// An enclosing value is unknown (e.g. `properties: props` with `props` a parameter).
    Unknown(Unknown, &'a Node),
}

/// A root template evaluated with everything it deploys.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub root: FileId,
    pub resources: Vec<Resource>,
    /// Problems found while evaluating (a module that cannot be read, a module cycle).
    pub problems: Vec<(Origin, String)>,
    /// Deployments whose content pgguard cannot see (registry modules, unreadable modules,
    /// ARM nested deployments): what they receive may create related resources.
    pub opaque: Vec<OpaqueDeployment>,
    /// An `existing` reference (by index) to a resource this deployment also deploys, and that
    /// resource: `ref.id` is the deployed server's id.
    pub twins: HashMap<usize, usize>,
    index: Index,
}

/// Lookups rules make for every resource: by type, and children by parent.
#[derive(Debug, Clone, Default)]
struct Index {
    by_type: HashMap<String, Vec<usize>>,
    children: HashMap<usize, Vec<usize>>,
}

#[derive(Debug, Clone)]
pub struct OpaqueDeployment {
    /// e.g. "module `pe` (br/public:avm/res/network/private-endpoint:0.12.0)"
    pub label: String,
    pub origin: Origin,
    /// Everything it is given (for a Bicep module, its evaluated body with `params`).
    pub inputs: Node,
}

impl Deployment {
    pub fn new(root: FileId) -> Self {
        Deployment {
            root,
            resources: Vec::new(),
            problems: Vec::new(),
            opaque: Vec::new(),
            twins: HashMap::new(),
            index: Index::default(),
        }
    }

    /// Builds the lookups; call once every resource is in and linked to its parent.
    pub fn build_index(&mut self) {
        let mut index = Index::default();
        for (i, r) in self.resources.iter().enumerate() {
            index.by_type.entry(r.resource_type.to_ascii_lowercase()).or_default().push(i);
            if let Some(p) = r.parent {
                index.children.entry(p).or_default().push(i);
            }
        }
        self.index = index;
    }

    pub fn of_type<'a>(&'a self, resource_type: &str) -> impl Iterator<Item = (usize, &'a Resource)> + 'a {
        let found = self.index.by_type.get(&resource_type.to_ascii_lowercase());
        found.into_iter().flatten().map(|&i| (i, &self.resources[i]))
    }

    /// The children of a resource with the given type segment (`configurations`).
    pub fn children<'a>(&'a self, parent: usize, child: &str) -> impl Iterator<Item = &'a Resource> + 'a {
        let wanted = format!("{}/{child}", self.resources[parent].resource_type);
        let found = self.index.children.get(&parent);
        found.into_iter().flatten().map(|&i| &self.resources[i]).filter(move |r| r.is_type(&wanted))
    }
}
