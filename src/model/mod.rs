//! The resource model: what a template deploys, one shape for Bicep and ARM. Each resource has
//! its type, names, condition and evaluated body; a `Deployment` indexes the resources of one
//! root template with everything its modules add, so rules can ask about related resources.

pub mod compare;
mod id;
mod render;
mod sym;
mod trace;
mod value;

pub use id::{ResourceId, ScopePart};
pub use render::render;
pub use sym::{Bounds, Options, Sym, SymKind, Unknown, input_name};
pub use trace::{MAX_TRACE, TraceKind, TraceStep, bound_trace, join_traces};
pub use value::{Node, StrPart, Tri, UNKNOWN_SPREAD, Value};

use crate::source::{FileId, Origin};
use std::collections::HashMap;

/// One evaluation of a template: the root, or one call of a module or nested deployment.
/// Unknowns of two instances are different values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct InstanceId(pub u32);

/// The subscription and resource group a template instance deploys to. A module without a
/// `scope` shares its caller's; one with its own scope gets a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ScopeId(pub u32);

#[derive(Debug, Clone)]
pub struct Resource {
    /// Full type, e.g. `Microsoft.DBforPostgreSQL/flexibleServers/configurations`.
    pub resource_type: String,
    pub api_version: Option<String>,
    /// The Bicep symbolic name (or ARM languageVersion 2.0 key).
    pub symbol: Option<String>,
    /// The full name: `server/child` for a child, however it was declared.
    pub name: Node,
    /// Declared `existing`, or implied: a parent that a child names but nothing declares.
    pub existing: bool,
    /// Whether it is deployed: `Yes` without a condition, `Unknown` when the condition (or an
    /// enclosing loop) cannot be evaluated.
    pub deployed: Tri,
    /// When `deployed` is unknown, the conditions under which it is deployed, as findings
    /// name them (`` `deployServer` is true ``); `None` when no condition is unknown, or the
    /// doubt is only whether its loop has elements.
    pub when: Option<String>,
    /// The resource body: `properties`, `sku`, `location`… (for Bicep the declaration's object).
    pub body: Node,
    /// Where the declaration is: findings about a missing property point here.
    pub declaration: Origin,
    /// The parent it surely has.
    pub parent: Option<usize>,
    /// Parents it may have: their names may or may not equal the one in its name.
    pub maybe_parents: Vec<(usize, Unknown)>,
    /// Which instance this is, as users read it: the file, the module path, the loop element.
    pub context: String,
    pub instance: InstanceId,
    pub scope: ScopeId,
}

impl Resource {
    pub fn is_type(&self, resource_type: &str) -> bool {
        self.resource_type.eq_ignore_ascii_case(resource_type)
    }

    /// The id other resources use for it.
    pub fn id(&self, index: usize) -> ResourceId {
        ResourceId::local(self.resource_type.clone(), self.name.value.clone(), self.scope, Some(index))
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
    /// Not set, or set to `null` (which Azure treats as not set).
    Missing,
    /// An enclosing value is unknown (e.g. `properties: props` with `props` a parameter).
    Unknown(Unknown, &'a Node),
}

/// An output of a template instance.
#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub value: Node,
    /// Declared `@secure()` / `secureString` / `secureObject`.
    pub secure: bool,
    pub declaration: Origin,
    pub context: String,
}

/// A root template evaluated with everything it deploys.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub root: FileId,
    pub resources: Vec<Resource>,
    /// The outputs of every template instance (the root's and its modules').
    pub outputs: Vec<Output>,
    /// Problems found while evaluating (a module that cannot be read, a module cycle).
    pub problems: Vec<(Origin, String)>,
    /// What the evaluation left out and says so, without the template being wrong: a loop
    /// past its expansion bound judged through one element.
    pub warnings: Vec<(Origin, String)>,
    /// Deployments whose content pgguard cannot see (registry modules, unreadable modules,
    /// ARM linked templates): what they receive may create related resources.
    pub opaque: Vec<OpaqueDeployment>,
    /// An `existing` reference (by index) to a resource this deployment also deploys, and that
    /// resource: `ref.id` is the deployed server's id.
    pub twins: HashMap<usize, usize>,
    /// The template files evaluated (the root and every module it reaches).
    pub files: Vec<FileId>,
    index: Index,
}

/// Lookups rules make for every resource: by type, and children by parent.
#[derive(Debug, Clone, Default)]
struct Index {
    by_type: HashMap<String, Vec<usize>>,
    children: HashMap<usize, Vec<usize>>,
    maybe_children: HashMap<usize, Vec<usize>>,
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
            outputs: Vec::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
            opaque: Vec::new(),
            twins: HashMap::new(),
            files: vec![root],
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
            for (p, _) in &r.maybe_parents {
                index.maybe_children.entry(*p).or_default().push(i);
            }
        }
        self.index = index;
    }

    pub fn of_type<'a>(&'a self, resource_type: &str) -> impl Iterator<Item = (usize, &'a Resource)> + 'a {
        let found = self.index.by_type.get(&resource_type.to_ascii_lowercase());
        found.into_iter().flatten().map(|&i| (i, &self.resources[i]))
    }

    /// The children of a resource with the given type segment (`configurations`): those that
    /// surely belong to it, then those that may (with the reason it is not known).
    pub fn children<'a>(
        &'a self,
        parent: usize,
        child: &str,
    ) -> impl Iterator<Item = (usize, &'a Resource, Option<&'a Unknown>)> + 'a {
        let wanted = format!("{}/{child}", self.resources[parent].resource_type);
        let sure = self.index.children.get(&parent).into_iter().flatten().map(|&i| (i, &self.resources[i], None));
        let maybe = self.index.maybe_children.get(&parent).into_iter().flatten().map(move |&i| {
            let r = &self.resources[i];
            (i, r, r.maybe_parents.iter().find(|(p, _)| *p == parent).map(|(_, u)| u))
        });
        sure.chain(maybe).filter(move |(_, r, _)| r.is_type(&wanted))
    }
}
