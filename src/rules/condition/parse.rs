//! A condition table as a rule file writes it, validated into a typed `Condition`. The key that
//! names the kind (`property`, `parameter`, `child`, `referenced-by`, `scoped-by`,
//! `api-version`, `predicate`, `constant`, `any`, `all`, `not`) picks the struct the table is read into, so each kind
//! rejects keys it does not have and lists the ones it does.

use crate::model::Value;
use crate::rules::condition::comparison::{EolTable, Test, Version};
use crate::rules::condition::{ChildCondition, Condition, MissingVerdict, Quantifier, Related};
use crate::rules::predicates;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The words that name a condition's kind, in the order an error lists them.
pub const KINDS: &[&str] = &[
    "property",
    "parameter",
    "child",
    "referenced-by",
    "scoped-by",
    "api-version",
    "predicate",
    "constant",
    "any",
    "all",
    "not",
];

/// Rule options in force while a rule is read: `{ option = "min-days" }` takes its value here.
pub type Options = toml::Table;

/// A number written in a rule, or the name of one of the rule's options.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Number {
    Literal(i64),
    Option { option: String },
}

impl Number {
    fn resolve(&self, options: &Options) -> Result<i64, String> {
        match self {
            Number::Literal(n) => Ok(*n),
            Number::Option { option } => match options.get(option) {
                Some(toml::Value::Integer(n)) => Ok(*n),
                Some(other) => Err(format!("option `{option}` is a {}, not an integer", other.type_str())),
                None => Err(format!("`{option}` is not one of the rule's `[options]`")),
            },
        }
    }
}

/// A comparison: a property (or a server parameter) and exactly one test.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawComparison {
    property: Option<String>,
    parameter: Option<String>,
    equals: Option<toml::Value>,
    not_equals: Option<toml::Value>,
    one_of: Option<Vec<toml::Value>>,
    not_one_of: Option<Vec<toml::Value>>,
    contains: Option<toml::Value>,
    non_empty: Option<bool>,
    at_least: Option<Number>,
    at_most: Option<Number>,
    version_at_least: Option<String>,
    version_below: Option<String>,
    /// One element, or several of which the list must have one.
    list_contains: Option<toml::Value>,
    supported_until: Option<toml::Table>,
    secure_input: Option<bool>,
    no_secret: Option<bool>,
    /// `"pass"`, `"fail"`, or `{ default = 7 }`: Azure's default, judged by the test.
    missing: Option<toml::Value>,
    /// API versions of the resource type in which the property is read-only: there the
    /// template does not set it, whatever it says.
    read_only_in: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawChild {
    child: String,
    #[serde(default)]
    quantifier: Quantifier,
    #[serde(rename = "where")]
    where_: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawReferencedBy {
    referenced_by: String,
    via: Vec<String>,
    id: String,
    #[serde(rename = "where")]
    where_: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawScopedBy {
    scoped_by: String,
    #[serde(rename = "where")]
    where_: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawApiVersion {
    api_version: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPredicate {
    predicate: String,
    start: Option<String>,
    end: Option<String>,
    max_public_addresses: Option<Number>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConstant {
    constant: bool,
    /// What a finding says when the constant is `false`.
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    any: Option<Vec<toml::Table>>,
    all: Option<Vec<toml::Table>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNot {
    not: toml::Table,
}

/// Reads one condition table; the error names the offending key.
pub fn condition(table: toml::Table, options: &Options) -> Result<Condition, String> {
    let present: Vec<&str> = KINDS.iter().copied().filter(|k| table.contains_key(*k)).collect();
    let kind = match present.as_slice() {
        [kind] => *kind,
        // A comparison reads a property or a parameter; saying both is its own error below.
        ["property", "parameter"] => "property",
        [] => {
            return Err(format!(
                "a condition needs one of {}",
                KINDS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        more => {
            return Err(format!(
                "a condition has one kind, not {}",
                more.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" and ")
            ));
        }
    };
    match kind {
        "property" | "parameter" => comparison(read(table, kind)?, options),
        "child" => {
            let raw: RawChild = read(table, kind)?;
            let filter = raw.where_.map(|t| condition(t, options)).transpose()?.map(Box::new);
            Ok(Condition::Child(ChildCondition { child: raw.child, quantifier: raw.quantifier, filter }))
        }
        "referenced-by" => {
            let raw: RawReferencedBy = read(table, kind)?;
            if raw.via.is_empty() {
                return Err("`via` lists at least one array of links".into());
            }
            Ok(Condition::Related(Related {
                resource_type: raw.referenced_by,
                via: raw.via.iter().map(|p| parse_path(p)).collect::<Result<_, _>>()?,
                id: parse_path(&raw.id)?,
                filter: raw.where_.map(|t| condition(t, options)).transpose()?.map(Box::new),
            }))
        }
        "scoped-by" => {
            let raw: RawScopedBy = read(table, kind)?;
            Ok(Condition::Related(Related {
                resource_type: raw.scoped_by,
                via: Vec::new(),
                id: vec!["scope".into()],
                filter: raw.where_.map(|t| condition(t, options)).transpose()?.map(Box::new),
            }))
        }
        "api-version" => {
            let raw: RawApiVersion = read(table, kind)?;
            if raw.api_version.is_empty() {
                return Err("`api-version` lists at least one API version".into());
            }
            Ok(Condition::ApiVersion(raw.api_version))
        }
        "predicate" => {
            let raw: RawPredicate = read(table, kind)?;
            let max = raw.max_public_addresses.map(|n| n.resolve(options)).transpose()?;
            let max = max.map(|n| u64::try_from(n).map_err(|_| "`max-public-addresses` is not negative".to_string()));
            predicates::build(&raw.predicate, raw.start, raw.end, max.transpose()?).map(Condition::Predicate)
        }
        "constant" => {
            let raw: RawConstant = read(table, kind)?;
            Ok(Condition::Constant { holds: raw.constant, message: raw.message })
        }
        "any" | "all" => {
            let raw: RawList = read(table, kind)?;
            let (items, is_any) = match (raw.any, raw.all) {
                (Some(items), None) => (items, true),
                (None, Some(items)) => (items, false),
                _ => return Err("a condition has one kind, not `any` and `all`".into()),
            };
            if items.is_empty() {
                return Err(format!("`{kind}` needs at least one condition"));
            }
            let items = items.into_iter().map(|t| condition(t, options)).collect::<Result<Vec<_>, _>>()?;
            Ok(if is_any { Condition::Any(items) } else { Condition::All(items) })
        }
        _ => {
            let raw: RawNot = read(table, kind)?;
            Ok(Condition::Not(Box::new(condition(raw.not, options)?)))
        }
    }
}

/// Deserializes a table into the struct of its kind; serde's message lists the valid keys.
fn read<T: DeserializeOwned>(table: toml::Table, kind: &str) -> Result<T, String> {
    T::deserialize(toml::Value::Table(table))
        .map_err(|e| format!("in a `{kind}` condition: {}", e.message().trim().replace("field", "key")))
}

fn comparison(raw: RawComparison, options: &Options) -> Result<Condition, String> {
    let flag = |b: Option<bool>, key: &str, test: Test| {
        b.map(|b| if b { Ok(test) } else { Err(format!("`{key}` can only be `true`")) })
    };
    let tests = [
        raw.equals.map(|v| to_values(vec![v]).map(Test::OneOf)),
        raw.one_of.map(|v| to_values(v).map(Test::OneOf)),
        raw.not_equals.map(|v| to_values(vec![v]).map(Test::NotOneOf)),
        raw.not_one_of.map(|v| to_values(v).map(Test::NotOneOf)),
        raw.contains.map(|v| to_value(v).map(Test::Contains)),
        flag(raw.non_empty, "non-empty", Test::NonEmpty),
        raw.at_least.map(|n| n.resolve(options).map(Test::AtLeast)),
        raw.at_most.map(|n| n.resolve(options).map(Test::AtMost)),
        raw.version_at_least.map(|v| Version::parse(&v).map(Test::VersionAtLeast)),
        raw.version_below.map(|v| Version::parse(&v).map(Test::VersionBelow)),
        raw.list_contains.map(|items| list_items(items).map(Test::ListContains)),
        raw.supported_until.map(|t| EolTable::parse(t).map(Test::SupportedUntil)),
        flag(raw.secure_input, "secure-input", Test::SecureInput),
        flag(raw.no_secret, "no-secret", Test::NoSecret),
    ];
    let mut tests: Vec<Result<Test, String>> = tests.into_iter().flatten().collect();
    if tests.len() != 1 {
        return Err("a comparison needs exactly one test: `equals`, `not-equals`, `one-of`, `not-one-of`, `contains`, `non-empty`, `at-least`, `at-most`, `version-at-least`, `version-below`, `list-contains`, `supported-until`, `secure-input`, `no-secret`".into());
    }
    let test = tests.remove(0)?;
    let missing = missing(raw.missing)?;
    match (raw.property, raw.parameter) {
        (Some(path), None) => Ok(Condition::Property {
            path: parse_path(&path)?,
            test,
            missing,
            read_only_in: raw.read_only_in.unwrap_or_default(),
        }),
        (None, Some(name)) if raw.read_only_in.is_none() => Ok(Condition::Parameter { name, test, missing }),
        (None, Some(_)) => Err("`read-only-in` belongs to a `property` comparison".into()),
        _ => Err("a comparison reads either `property` or `parameter`".into()),
    }
}

/// What a comparison says when the value is not set: `"pass"`, `"fail"`, or Azure's default
/// (`{ default = 7 }`), which the test then judges like a written value.
fn missing(value: Option<toml::Value>) -> Result<MissingVerdict, String> {
    let expected = "a comparison needs `missing = \"pass\"`, `\"fail\"` or `{ default = .. }` (Azure's default value): what Azure does when the value is not set";
    match value {
        Some(toml::Value::String(word)) if word == "pass" => Ok(MissingVerdict::Pass),
        Some(toml::Value::String(word)) if word == "fail" => Ok(MissingVerdict::Fail),
        Some(toml::Value::Table(table)) if table.len() == 1 && table.contains_key("default") => {
            let default = table.into_iter().map(|(_, v)| v).next().ok_or(expected)?;
            to_value(default).map(MissingVerdict::Default)
        }
        Some(other) => Err(format!("`missing = {other}`: {expected}")),
        None => Err(expected.to_string()),
    }
}

pub fn parse_path(path: &str) -> Result<Vec<String>, String> {
    let segments: Vec<String> = path.split('.').map(str::to_string).collect();
    if segments.iter().any(String::is_empty) {
        return Err(format!("`{path}` is not a property path such as `properties.network.publicNetworkAccess`"));
    }
    Ok(segments)
}

fn to_values(values: Vec<toml::Value>) -> Result<Vec<Value>, String> {
    values.into_iter().map(to_value).collect()
}

fn to_value(value: toml::Value) -> Result<Value, String> {
    match value {
        toml::Value::String(s) => Ok(Value::String(s)),
        toml::Value::Integer(i) => Ok(Value::Int(i)),
        toml::Value::Boolean(b) => Ok(Value::Bool(b)),
        other => Err(format!("comparisons take strings, integers or booleans, not `{other}`")),
    }
}

/// `list-contains = "pgaudit"` or `list-contains = ["ddl", "role"]` (any one of them).
fn list_items(value: toml::Value) -> Result<Vec<String>, String> {
    let items = match value {
        toml::Value::String(item) => vec![item],
        toml::Value::Array(items) => items
            .into_iter()
            .map(|i| match i {
                toml::Value::String(item) => Ok(item),
                other => Err(format!("`list-contains` takes strings, not {other}")),
            })
            .collect::<Result<_, _>>()?,
        other => Err(format!("`list-contains` takes a string or an array of strings, not {other}"))?,
    };
    if items.is_empty() || items.iter().any(|i| i.trim().is_empty() || i.contains(',')) {
        return Err("`list-contains` takes list elements: non-empty, without commas".into());
    }
    Ok(items)
}
