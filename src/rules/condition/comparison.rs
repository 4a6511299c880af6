//! The tests a comparison applies to one value, three-valued. Strings compare without regard
//! to case, as Azure compares enum values; numbers may be written as strings, as server
//! parameters are (`'3'`).

use crate::model::compare::loosely_equals;
use crate::model::{Node, StrPart, SymKind, TraceKind, Tri, Unknown, Value};
use crate::rules::date::Date;
use crate::source::Origin;

#[derive(Debug, Clone)]
pub enum Test {
    OneOf(Vec<Value>),
    NotOneOf(Vec<Value>),
    Contains(Value),
    NonEmpty,
    /// A number (or numeric string) at least / at most this.
    AtLeast(i64),
    AtMost(i64),
    /// A version (`'16'`, `'11.5'`) at least / below this one.
    VersionAtLeast(Version),
    VersionBelow(Version),
    /// A comma-separated list (`shared_preload_libraries`) that has this element.
    /// The list has one of these elements.
    ListContains(Vec<String>),
    /// A major version whose end-of-life date has not passed on the day of the scan.
    SupportedUntil(EolTable),
    /// A secret that comes only from secure inputs (`@secure()` parameters without a literal
    /// default, Key Vault references, `getSecret()`), never from the template's text.
    SecureInput,
    /// A value that carries no secret (an output).
    NoSecret,
}

/// A version as numbers: `'11.5'` is `[11, 5]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(Vec<u64>);

impl Version {
    pub fn parse(text: &str) -> Result<Version, String> {
        let parts: Result<Vec<u64>, _> = text.trim().split('.').map(str::parse::<u64>).collect();
        match parts {
            Ok(parts) if !parts.is_empty() => Ok(Version(parts)),
            _ => Err(format!("`{text}` is not a version such as `16` or `11.5`")),
        }
    }

    /// The PostgreSQL major version: the first number, the first two before 10 (`9.6`).
    fn major(&self) -> Version {
        let take = if self.0[0] < 10 { 2 } else { 1 };
        Version(self.0.iter().copied().chain(std::iter::repeat(0)).take(take).collect())
    }

    fn show(&self) -> String {
        self.0.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
    }
}

/// End-of-life dates by major version, from the rule's data.
#[derive(Debug, Clone)]
pub struct EolTable(Vec<(Version, Date)>);

impl EolTable {
    pub fn parse(table: toml::Table) -> Result<EolTable, String> {
        let mut rows = Vec::new();
        for (version, date) in table {
            let date = match &date {
                toml::Value::String(s) => Date::parse(s)?,
                toml::Value::Datetime(d) => Date::parse(&d.to_string())?,
                other => return Err(format!("`{version}`: {other} is not a date such as \"2026-11-12\"")),
            };
            rows.push((Version::parse(&version)?.major(), date));
        }
        if rows.is_empty() {
            return Err("`supported-until` needs at least one version".into());
        }
        rows.sort();
        Ok(EolTable(rows))
    }
}

/// The verdict of `test` on a known or unknown value, and what a failure says was expected.
/// `Unknown` leaves the caller to report the unknown.
pub fn judge(node: &Node, test: &Test, today: Date) -> (Tri, String) {
    let value = &node.value;
    let origin = node.origin;
    match test {
        Test::OneOf(allowed) => (any_equal(value, allowed), format!("expected {}", show_list(allowed))),
        Test::NotOneOf(denied) => (any_equal(value, denied).negated(), format!("must not be {}", show_list(denied))),
        Test::Contains(item) => (contains(value, item), format!("expected it to contain {}", item.describe())),
        Test::NonEmpty => (value.is_non_empty_string(), "expected a value".into()),
        Test::AtLeast(n) => {
            (ordered(value, origin, *n, crate::model::compare::at_least), format!("expected at least {n}"))
        }
        Test::AtMost(n) => {
            (ordered(value, origin, *n, crate::model::compare::at_most), format!("expected at most {n}"))
        }
        Test::VersionAtLeast(v) => (
            version(value, origin).map_or_else(|u| u, |x| Tri::from(x >= *v)),
            format!("expected {} or later", v.show()),
        ),
        Test::VersionBelow(v) => (
            version(value, origin).map_or_else(|u| u, |x| Tri::from(x < *v)),
            format!("expected a version below {}", v.show()),
        ),
        Test::ListContains(items) => {
            let quoted: Vec<String> = items.iter().map(|i| format!("'{i}'")).collect();
            let expectation = match quoted.as_slice() {
                [one] => format!("expected the list to include {one}"),
                many => format!("expected the list to include one of {}", many.join(", ")),
            };
            (list_contains(value, items, origin), expectation)
        }
        Test::SupportedUntil(table) => supported(value, table, today, origin),
        Test::SecureInput => secure_input(node),
        Test::NoSecret => no_secret(node),
    }
}

fn show_list(values: &[Value]) -> String {
    values.iter().map(Value::describe).collect::<Vec<_>>().join(" or ")
}

fn not_comparable(value: &Value, what: &str, origin: Origin) -> Tri {
    match value.first_unknown() {
        Some(u) => Tri::Unknown(u.clone()),
        None => Tri::Unknown(Unknown::opaque(format!("{} is not {what}", value.describe()), origin)),
    }
}

/// An ordered comparison of a number, a string that holds one (a server parameter's `'3'`),
/// or an unknown number whose range (`@minValue`, `@maxValue`) or alternatives decide it.
fn ordered(value: &Value, origin: Origin, n: i64, compare: fn(&Value, i64) -> Tri) -> Tri {
    match value {
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(v) => compare(&Value::Int(v), n),
            Err(_) => not_comparable(value, "a number", origin),
        },
        Value::Int(_) | Value::Unknown(_) => compare(value, n),
        _ => not_comparable(value, "a number", origin),
    }
}

fn version(value: &Value, origin: Origin) -> Result<Version, Tri> {
    match value {
        Value::Int(n) if *n >= 0 => Ok(Version(vec![*n as u64])),
        Value::String(s) => Version::parse(s).map_err(|_| not_comparable(value, "a version", origin)),
        _ => Err(not_comparable(value, "a version", origin)),
    }
}

fn any_equal(value: &Value, candidates: &[Value]) -> Tri {
    let mut unknown = None;
    for c in candidates {
        match loosely_equals(value, c) {
            Tri::Yes => return Tri::Yes,
            Tri::Unknown(u) => unknown = Some(u),
            Tri::No => {}
        }
    }
    unknown.map_or(Tri::No, Tri::Unknown)
}

fn contains(value: &Value, item: &Value) -> Tri {
    match value {
        Value::Array(items) => any_equal_nodes(items, item),
        Value::Unknown(u) => Tri::Unknown(u.clone()),
        _ => Tri::No,
    }
}

fn any_equal_nodes(items: &[Node], item: &Value) -> Tri {
    let mut unknown = None;
    for node in items {
        match loosely_equals(&node.value, item) {
            Tri::Yes => return Tri::Yes,
            Tri::Unknown(u) => unknown = Some(u),
            Tri::No => {}
        }
    }
    unknown.map_or(Tri::No, Tri::Unknown)
}

/// `'pg_stat_statements, pgaudit'` has `pgaudit`; case and spaces don't matter. A partly known
/// list has an item when a known element is one, and is unknown otherwise.
fn list_contains(value: &Value, items: &[String], origin: Origin) -> Tri {
    let is_item = |e: &str| items.iter().any(|item| e.trim().eq_ignore_ascii_case(item));
    let has = |text: &str| text.split(',').any(is_item);
    match value {
        Value::String(s) => Tri::from(has(s)),
        Value::Partial(parts) => {
            // Only elements with a comma on both sides are surely whole.
            let text: String = parts
                .iter()
                .map(|p| match p {
                    StrPart::Text(t) => t.as_str(),
                    StrPart::Unknown(_) => ",\u{0},",
                })
                .collect();
            let whole = text.split(',').filter(|e| !e.contains('\u{0}'));
            if whole.clone().any(is_item) && !text.starts_with('\u{0}') {
                Tri::Yes
            } else {
                not_comparable(value, "a list", origin)
            }
        }
        _ => not_comparable(value, "a list", origin),
    }
}

fn supported(value: &Value, table: &EolTable, today: Date, origin: Origin) -> (Tri, String) {
    let version = match version(value, origin) {
        Ok(v) => v.major(),
        Err(u) => return (u, String::new()),
    };
    let rows = &table.0;
    let eol = match rows.iter().find(|(v, _)| *v == version) {
        Some((_, date)) => Some(*date),
        // Newer than every version the table knows: not at its end of life.
        None if rows.last().is_some_and(|(v, _)| version > *v) => None,
        // Older than every one: long past it.
        None if rows.first().is_some_and(|(v, _)| version < *v) => {
            return (Tri::No, format!("PostgreSQL {} reached its end of life before {}", version.show(), rows[0].1));
        }
        None => {
            let u = Unknown::opaque(format!("no end-of-life date is known for version {}", version.show()), origin);
            return (Tri::Unknown(u), String::new());
        }
    };
    match eol {
        Some(date) if today > date => {
            (Tri::No, format!("PostgreSQL {} reached its community end of life on {date}", version.show()))
        }
        _ => (Tri::Yes, String::new()),
    }
}

/// Where a secret comes from, innermost source first: a secret read at deployment or a
/// `@secure()` input passes; text written in the template or a parameter that is not secure fails.
fn secure_input(node: &Node) -> (Tri, String) {
    let trace = &node.trace;
    let secret = trace.iter().any(|t| t.kind == TraceKind::Secret);
    let given_at_scan = trace.iter().any(|t| matches!(t.kind, TraceKind::CommandLine { .. }));
    if secret || given_at_scan {
        return (Tri::Yes, String::new());
    }
    // The innermost parameter the value came through decides how it was given.
    let source = trace.iter().rev().find_map(|t| match &t.kind {
        TraceKind::ParamDefault { name, secure } => Some(("default", name, *secure)),
        TraceKind::Parameter { name, secure } => Some(("input", name, *secure)),
        TraceKind::ParamFile { name, secure } => Some(("file", name, *secure)),
        _ => None,
    });
    let literal = match &node.value {
        Value::String(s) => !s.is_empty(),
        // `'Pw-${newGuid()}'`: text around a value made at deployment is no secret of its own
        // (the Bicep linter's secure-parameter-default accepts any expression calling newGuid()).
        Value::Partial(parts) => {
            parts.iter().any(|p| matches!(p, StrPart::Text(t) if !t.is_empty()))
                && !parts.iter().any(|p| matches!(p, StrPart::Unknown(u) if made_at_deployment(u)))
        }
        _ => false,
    };
    let variable = trace.iter().find_map(|t| match &t.kind {
        TraceKind::Variable { name } => Some(name),
        _ => None,
    });
    if literal {
        let expectation = match (source, variable) {
            (Some(("default", name, true)), _) => {
                format!("the default of `@secure()` parameter `{name}` is written in the template")
            }
            (Some(("default", name, false)), _) => {
                format!("the default of parameter `{name}` is written in the template")
            }
            (Some(("file", name, _)), _) => format!("the parameter file writes `{name}` in plain text"),
            (_, Some(var)) => format!("variable `{var}` writes it in the template"),
            _ => "written in the template".to_string(),
        };
        return (
            Tri::No,
            format!("expected a `@secure()` parameter, a Key Vault reference or `getSecret()`; {expectation}"),
        );
    }
    let not_secure =
        |name: &str| (Tri::No, format!("expected a `@secure()` parameter; parameter `{name}` is not `@secure()`"));
    // A parameter nobody gives a value leaves no step when it is not `@secure()`.
    // (The symbol holds the name in lower case; the reason, as declared.)
    // A member of one (`parameters('common').dbPassword`) comes from it too.
    fn param_of(sym: &crate::model::Sym) -> Option<&str> {
        match sym.kind() {
            SymKind::Param { name, .. } => Some(name),
            SymKind::Member(base, _) | SymKind::Index(base, _) => param_of(base),
            _ => None,
        }
    }
    let unnamed_param = |u: &Unknown| {
        let name = u.sym.as_ref().and_then(param_of)?;
        let declared = u.reason.strip_prefix("parameter `").and_then(|r| r.split('`').next());
        Some(declared.filter(|d| d.eq_ignore_ascii_case(name)).unwrap_or(name).to_string())
    };
    match (source, &node.value) {
        (Some((_, name, false)), _) => not_secure(name),
        // A default computed in the template (`uniqueString(resourceGroup().id)`) can be
        // computed again by anyone who reads it; only `newGuid()` (no symbol) is made at
        // deployment. A default that is another `@secure()` input carries its step.
        (Some(("default", name, true)), Value::Unknown(u))
            if u.sym.is_some() && !trace.iter().any(|t| t.is_secure() && !is_default_of(t, name)) =>
        {
            match unnamed_param(u) {
                Some(param) => not_secure(&param),
                None => (
                    Tri::No,
                    format!(
                        "expected a `@secure()` parameter without a default; the default of `{name}` is computed from values written in the template"
                    ),
                ),
            }
        }
        (Some((_, _, true)), _) => (Tri::Yes, String::new()),
        (None, Value::Unknown(u)) => match unnamed_param(u) {
            Some(param) => not_secure(&param),
            None if made_at_deployment(u) => (Tri::Yes, String::new()),
            None => (Tri::Unknown(u.clone()), String::new()),
        },
        // `'${newGuid()}${newGuid()}'`: every part made at deployment.
        (None, Value::Partial(parts)) => {
            match parts.iter().find_map(|p| match p {
                StrPart::Unknown(u) if !made_at_deployment(u) => Some(u),
                _ => None,
            }) {
                Some(u) => (Tri::Unknown(u.clone()), String::new()),
                None => (Tri::Yes, String::new()),
            }
        }
        // `''`: no secret is written.
        (None, Value::String(_) | Value::Null) => (Tri::Yes, String::new()),
        // A number, a boolean, an object: written in the template.
        (None, _) => (
            Tri::No,
            "expected a `@secure()` parameter, a Key Vault reference or `getSecret()`; written in the template".into(),
        ),
    }
}

/// A value no one can read in the template or compute from it: `newGuid()`. (`utcNow()` and
/// `reference()` are known only at deployment too, but are no secret or may be any value.)
fn made_at_deployment(u: &Unknown) -> bool {
    u.sym.is_none() && u.reason.to_ascii_lowercase().starts_with("`newguid()`")
}

/// Whether `step` is the default of parameter `name`.
fn is_default_of(step: &crate::model::TraceStep, name: &str) -> bool {
    matches!(&step.kind, TraceKind::ParamDefault { name: n, .. } if n == name)
}

/// A value that carries a secret anywhere inside: a secure input, a secret read at deployment
/// (`getSecret()`, `listKeys()`).
fn no_secret(node: &Node) -> (Tri, String) {
    fn carries(node: &Node) -> bool {
        node.is_secure()
            || match &node.value {
                Value::Array(items) => items.iter().any(carries),
                Value::Object(members) => members.iter().any(|(_, n)| carries(n)),
                _ => false,
            }
    }
    if carries(node) {
        (Tri::No, "expected no secret; it carries a secure input or a secret read at deployment".into())
    } else {
        (Tri::Yes, String::new())
    }
}
