//! Unknown values as the expressions that would compute them. Two unknowns are the same value
//! only when they are the same expression over the same inputs: `p` equals `p`, but
//! `rule.start` does not equal `rule.end`, and a value known only at deployment (`utcNow()`,
//! `reference(…)`) has no symbol at all, so it equals nothing, not even itself.

use crate::model::{InstanceId, ScopeId, Value};
use crate::source::Origin;
use std::sync::Arc;

/// A value the evaluator cannot compute, with the reason (naming the input that decides it)
/// and, when it is a deterministic function of the deployment's inputs, its symbol.
#[derive(Debug, Clone)]
pub struct Unknown {
    pub reason: Arc<str>,
    /// Where the input that makes it unknown is (a parameter's declaration, a function call).
    pub origin: Origin,
    pub sym: Option<Sym>,
}

/// The expression an unknown stands for; cheap to clone, compared structurally.
#[derive(Debug, Clone)]
pub struct Sym(Arc<SymKind>);

#[derive(Debug, PartialEq)]
pub enum SymKind {
    /// A parameter that no one gives a value, in one template instance.
    Param { instance: InstanceId, name: Box<str> },
    /// A value of the deployment's scope: `resourceGroup()`, `subscription()`, `tenant()`,
    /// `deployment()`, `environment()`, `managementGroup()` (lower case).
    Scope { scope: ScopeId, function: &'static str },
    /// The position in a loop whose elements are not known: it stands for every element.
    LoopPosition { at: Origin, instance: InstanceId },
    /// `base.name` (lower case: ARM reads properties without regard to case).
    Member(Sym, Box<str>),
    /// `base[index]`.
    Index(Sym, Value),
    /// A deterministic function of its arguments (lower-case name), or an operator.
    Call(Box<str>, Vec<Value>),
}

impl Sym {
    pub fn new(kind: SymKind) -> Sym {
        Sym(Arc::new(kind))
    }

    pub fn kind(&self) -> &SymKind {
        &self.0
    }

    pub fn member(&self, name: &str) -> Sym {
        Sym::new(SymKind::Member(self.clone(), name.to_ascii_lowercase().into()))
    }

    pub fn index(&self, index: Value) -> Sym {
        Sym::new(SymKind::Index(self.clone(), index))
    }

    pub fn call(name: &str, args: Vec<Value>) -> Sym {
        Sym::new(SymKind::Call(name.to_ascii_lowercase().into(), args))
    }
}

impl PartialEq for Sym {
    fn eq(&self, other: &Sym) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Unknown {
    /// A value known only at deployment, or one pgguard does not compute: no symbol.
    pub fn opaque(reason: impl Into<Arc<str>>, origin: Origin) -> Unknown {
        Unknown { reason: reason.into(), origin, sym: None }
    }

    pub fn symbolic(reason: impl Into<Arc<str>>, origin: Origin, sym: Sym) -> Unknown {
        Unknown { reason: reason.into(), origin, sym: Some(sym) }
    }

    /// The same reason, for a value derived from this one by `derive` (a member, an element,
    /// a function of it); without a symbol when this has none.
    pub fn derived(&self, derive: impl FnOnce(&Sym) -> Sym) -> Unknown {
        Unknown { reason: self.reason.clone(), origin: self.origin, sym: self.sym.as_ref().map(derive) }
    }

    /// Whether both are surely the same value: the same expression over the same inputs.
    pub fn same_as(&self, other: &Unknown) -> bool {
        matches!((&self.sym, &other.sym), (Some(a), Some(b)) if a == b)
    }
}

/// Unknowns compare as values inside symbols: equal when they are surely the same value.
impl PartialEq for Unknown {
    fn eq(&self, other: &Unknown) -> bool {
        self.same_as(other)
    }
}
