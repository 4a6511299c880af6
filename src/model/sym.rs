//! Unknown values as the expressions that would compute them. Two unknowns are the same value
//! only when they are the same expression over the same inputs: `p` equals `p`, but
//! `rule.start` does not equal `rule.end`, and a value known only at deployment (`utcNow()`,
//! `reference(…)`) has no symbol at all, so it equals nothing, not even itself.

use crate::model::{InstanceId, ScopeId, Value};
use crate::source::Origin;
use std::cell::{Cell, RefCell};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

/// A value the evaluator cannot compute, with the reason (naming the input that decides it)
/// and, when it is a deterministic function of the deployment's inputs, its symbol.
#[derive(Debug, Clone)]
pub struct Unknown {
    pub reason: Arc<str>,
    /// Where the input that makes it unknown is (a parameter's declaration, a function call).
    pub origin: Origin,
    pub sym: Option<Sym>,
    /// The values it may take, when they are few and known: a parameter's `@allowed` set,
    /// the branches of a ternary on an unknown condition.
    pub options: Option<Arc<Options>>,
    /// The range an unknown number lies in: a parameter's `@minValue`/`@maxValue` (ARM
    /// `minValue`/`maxValue`). Only what surely keeps the number in range keeps it (the value
    /// itself, `int()` of it); anything else computed from it drops it.
    pub bounds: Option<Bounds>,
}

/// The inclusive range of an unknown number; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bounds {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl Bounds {
    /// Both ranges at once: the higher minimum and the lower maximum.
    pub fn intersect(self, other: Bounds) -> Bounds {
        let pick = |a: Option<i64>, b: Option<i64>, f: fn(i64, i64) -> i64| match (a, b) {
            (Some(a), Some(b)) => Some(f(a, b)),
            (a, b) => a.or(b),
        };
        Bounds { min: pick(self.min, other.min, i64::max), max: pick(self.max, other.max, i64::min) }
    }

    /// `-x` of a number in this range.
    pub fn negated(self) -> Bounds {
        Bounds { min: self.max.and_then(i64::checked_neg), max: self.min.and_then(i64::checked_neg) }
    }
}

/// The values an unknown may take, and what picks each: rules judge every option, and a
/// verdict that depends on the option names the input and the failing values.
#[derive(Debug, Clone)]
pub struct Options {
    /// What picks the option, as messages name it: ``parameter `sslMode` ``.
    pub input: String,
    /// The symbol of that input: two unknowns picked by one input take matching options.
    pub key: Option<Sym>,
    /// Each value, and how the input picks it: `is 'Disabled'`, `is true`.
    pub values: Vec<(crate::model::Node, String)>,
    /// The value of the input (the one `key` stands for) that picks each option: options of
    /// two unknowns with one key are paired by it, not by position.
    pub when: Vec<Value>,
}

impl Options {
    /// The option of `other` the same input value picks, for each of these; `None` unless
    /// both are picked by one input and each value has its match.
    pub fn pairing(&self, other: &Options) -> Option<Vec<usize>> {
        if self.key.is_none() || self.key != other.key || self.when.len() != other.when.len() {
            return None;
        }
        self.when
            .iter()
            .map(|w| {
                other.when.iter().position(|v| crate::model::compare::strictly_equals(w, v) == crate::model::Tri::Yes)
            })
            .collect()
    }
}

/// The expression an unknown stands for; cheap to clone, compared structurally. Its hash is
/// computed once, from its parts' hashes, so that different symbols compare in constant time.
#[derive(Debug, Clone)]
pub struct Sym(Arc<(SymKind, u64)>);

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
    /// `deployment()` of one template instance: each module call is a deployment of its own.
    Deployment { instance: InstanceId },
}

impl Sym {
    pub fn new(kind: SymKind) -> Sym {
        let mut hasher = DefaultHasher::new();
        hash_kind(&kind, &mut hasher);
        Sym(Arc::new((kind, hasher.finish())))
    }

    pub fn kind(&self) -> &SymKind {
        &self.0.0
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

/// Structural comparisons of symbols with equal hashes visit at most this many symbols; past
/// it two symbols count as different, which only makes a comparison unknown. Symbols built
/// twice share their parts, and comparing them as trees could take exponential time.
const COMPARE_BUDGET: usize = 10_000;

thread_local! {
    static BUDGET: Cell<Option<usize>> = const { Cell::new(None) };
    /// Pairs of symbols proven equal during the outermost comparison: shared parts are
    /// compared once.
    static PROVEN: RefCell<Vec<(usize, usize)>> = const { RefCell::new(Vec::new()) };
}

impl PartialEq for Sym {
    fn eq(&self, other: &Sym) -> bool {
        if Arc::ptr_eq(&self.0, &other.0) {
            return true;
        }
        if self.0.1 != other.0.1 {
            return false;
        }
        let pair = (Arc::as_ptr(&self.0) as usize, Arc::as_ptr(&other.0) as usize);
        if PROVEN.with(|p| p.borrow().contains(&pair)) {
            return true;
        }
        // The outermost comparison sets the budget; nested ones draw on it.
        let outermost = BUDGET.with(|b| b.get().is_none());
        if outermost {
            BUDGET.with(|b| b.set(Some(COMPARE_BUDGET)));
        }
        let within = BUDGET.with(|b| match b.get() {
            Some(n) if n > 0 => {
                b.set(Some(n - 1));
                true
            }
            _ => false,
        });
        let equal = within && self.0.0 == other.0.0 && BUDGET.with(|b| b.get().is_some_and(|n| n > 0));
        if equal {
            PROVEN.with(|p| p.borrow_mut().push(pair));
        }
        if outermost {
            BUDGET.with(|b| b.set(None));
            PROVEN.with(|p| p.borrow_mut().clear());
        }
        equal
    }
}

fn hash_kind(kind: &SymKind, h: &mut DefaultHasher) {
    std::mem::discriminant(kind).hash(h);
    match kind {
        SymKind::Param { instance, name } => (instance, name).hash(h),
        SymKind::Scope { scope, function } => (scope, function).hash(h),
        SymKind::LoopPosition { at, instance } => (at, instance).hash(h),
        SymKind::Member(base, name) => (base.0.1, name).hash(h),
        SymKind::Index(base, index) => {
            base.0.1.hash(h);
            hash_value(index, h);
        }
        SymKind::Call(name, args) => {
            name.hash(h);
            args.iter().for_each(|a| hash_value(a, h));
        }
        SymKind::Deployment { instance } => instance.hash(h),
    }
}

/// A hash consistent with `Value`'s equality: origins left out, unknowns by their symbols.
fn hash_value(value: &Value, h: &mut DefaultHasher) {
    use crate::model::StrPart;
    std::mem::discriminant(value).hash(h);
    match value {
        Value::Null => {}
        Value::Bool(b) => b.hash(h),
        Value::Int(i) => i.hash(h),
        Value::String(s) => s.hash(h),
        Value::Partial(parts) => parts.iter().for_each(|p| match p {
            StrPart::Text(t) => t.hash(h),
            StrPart::Unknown(u) => u.sym.as_ref().map(|s| s.0.1).hash(h),
        }),
        Value::Array(items) => items.iter().for_each(|n| hash_value(&n.value, h)),
        Value::Object(members) => members.iter().for_each(|(k, n)| {
            k.hash(h);
            hash_value(&n.value, h);
        }),
        Value::ResourceId(id) => {
            id.resource_type.hash(h);
            hash_value(&id.name, h);
        }
        Value::Unknown(u) => u.sym.as_ref().map(|s| s.0.1).hash(h),
    }
}

impl Unknown {
    /// A value known only at deployment, or one pgguard does not compute: no symbol.
    pub fn opaque(reason: impl Into<Arc<str>>, origin: Origin) -> Unknown {
        Unknown { reason: reason.into(), origin, sym: None, options: None, bounds: None }
    }

    pub fn symbolic(reason: impl Into<Arc<str>>, origin: Origin, sym: Sym) -> Unknown {
        Unknown { reason: reason.into(), origin, sym: Some(sym), options: None, bounds: None }
    }

    /// The same reason, for a value derived from this one by `derive` (a member, an element,
    /// a function of it); without a symbol when this has none.
    pub fn derived(&self, derive: impl FnOnce(&Sym) -> Sym) -> Unknown {
        Unknown {
            reason: self.reason.clone(),
            origin: self.origin,
            sym: self.sym.as_ref().map(derive),
            options: None,
            bounds: None,
        }
    }

    /// The same unknown, known to take one of `options`.
    pub fn with_options(mut self, options: Options) -> Unknown {
        self.options = Some(Arc::new(options));
        self
    }

    /// The same unknown, known to lie in `bounds` (and in any range it already had).
    pub fn with_bounds(mut self, bounds: Bounds) -> Unknown {
        self.bounds = Some(self.bounds.map_or(bounds, |b| b.intersect(bounds)));
        self
    }

    /// Without the values it may take (for a value derived in a way options and bounds do not
    /// follow).
    pub fn plain(&self) -> Unknown {
        Unknown { options: None, bounds: None, ..self.clone() }
    }

    /// Whether both are surely the same value: the same expression over the same inputs.
    pub fn same_as(&self, other: &Unknown) -> bool {
        matches!((&self.sym, &other.sym), (Some(a), Some(b)) if a == b)
    }
}

/// How messages name what an unknown depends on: the parameter in its symbol, when there is
/// one (``parameter `env` ``).
pub fn input_name(u: &Unknown) -> String {
    fn param(sym: &Sym) -> Option<String> {
        match sym.kind() {
            SymKind::Param { name, .. } => Some(format!("parameter `{name}`")),
            SymKind::Member(base, _) | SymKind::Index(base, _) => param(base),
            SymKind::Call(_, args) => args.iter().find_map(|a| match a {
                Value::Unknown(Unknown { sym: Some(s), .. }) => param(s),
                _ => None,
            }),
            _ => None,
        }
    }
    u.sym.as_ref().and_then(param).unwrap_or_else(|| "an input known only at deployment".into())
}

/// Unknowns compare as values inside symbols: equal when they are surely the same value.
impl PartialEq for Unknown {
    fn eq(&self, other: &Unknown) -> bool {
        self.same_as(other)
    }
}
