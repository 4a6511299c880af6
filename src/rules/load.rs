//! Loading rules: the built-in rule files embedded at build time, and a user's own from
//! `--rules DIR`, validated with errors that name the file, line and field.

use crate::rules::rule::{Check, RawRule, Rule};
use std::path::Path;

/// The built-in rules, in id order. A test checks this list matches the files in `rules/`.
pub const BUILTIN: &[(&str, &str)] = &[
    ("PG101-single-ssl-enforcement.toml", include_str!("../../rules/PG101-single-ssl-enforcement.toml")),
    ("PG103-flex-require-secure-transport.toml", include_str!("../../rules/PG103-flex-require-secure-transport.toml")),
    ("PG201-public-network-access.toml", include_str!("../../rules/PG201-public-network-access.toml")),
    (
        "PG202-firewall-allows-azure-services.toml",
        include_str!("../../rules/PG202-firewall-allows-azure-services.toml"),
    ),
    ("PG203-firewall-open-to-internet.toml", include_str!("../../rules/PG203-firewall-open-to-internet.toml")),
    ("PG204-private-endpoint.toml", include_str!("../../rules/PG204-private-endpoint.toml")),
    ("PG401-geo-redundant-backup.toml", include_str!("../../rules/PG401-geo-redundant-backup.toml")),
];

/// A rule file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct RuleError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

pub fn builtin() -> Result<Vec<Rule>, RuleError> {
    BUILTIN
        .iter()
        .map(|(name, text)| {
            let mut rule = parse(&format!("rules/{name}"), text)?;
            rule.help_url = doc_url(&format!("docs/rules/{}.md", rule.id));
            Ok(rule)
        })
        .collect()
}

/// A page of pgguard's documentation at this version's tag, when the package declares its
/// repository (`repository` in Cargo.toml); `None` otherwise, rather than a link that may not
/// resolve.
pub fn doc_url(path: &str) -> Option<String> {
    let repository = option_env!("CARGO_PKG_REPOSITORY").unwrap_or("").trim_end_matches('/');
    if repository.is_empty() {
        return None;
    }
    Some(format!("{repository}/blob/v{}/{path}", env!("CARGO_PKG_VERSION")))
}

/// Reads a single rule file, or every `*.toml` of a folder (`--rules` accepts both).
pub fn from_path(path: &Path) -> Result<Vec<Rule>, RuleError> {
    if path.is_dir() {
        return from_dir(path);
    }
    let text = std::fs::read_to_string(path).map_err(|e| RuleError {
        file: path.display().to_string(),
        line: 0,
        message: e.to_string(),
    })?;
    Ok(vec![parse(&path.display().to_string(), &text)?])
}

/// Reads every `*.toml` in a directory, sorted by name.
pub fn from_dir(dir: &Path) -> Result<Vec<Rule>, RuleError> {
    let io_error = |e: std::io::Error| RuleError { file: dir.display().to_string(), line: 0, message: e.to_string() };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(io_error)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| RuleError {
                file: path.display().to_string(),
                line: 0,
                message: e.to_string(),
            })?;
            parse(&path.display().to_string(), &text)
        })
        .collect()
}

/// Parses and validates one rule file.
pub fn parse(file: &str, text: &str) -> Result<Rule, RuleError> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let raw: RawRule = toml::from_str(text).map_err(|e| RuleError {
        file: file.to_string(),
        line: e.span().map_or(0, |s| line_of(s.start)),
        message: e.message().to_string(),
    })?;
    let fail = |line: usize, message: String| RuleError { file: file.to_string(), line, message };
    let id_ok = raw.id.len() >= 2
        && raw.id.starts_with(|c: char| c.is_ascii_uppercase())
        && raw.id.chars().all(|c| c.is_ascii_alphanumeric());
    if !id_ok {
        return Err(fail(1, format!("`id`: `{}` is not an id such as `PG201`", raw.id)));
    }
    if raw.slug.is_empty() || !raw.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err(fail(1, format!("`slug`: `{}` must be lowercase words joined by `-`", raw.slug)));
    }
    if raw.checks.is_empty() {
        return Err(fail(1, "`check`: a rule needs at least one `[[check]]`".into()));
    }
    let mut checks = Vec::new();
    for check in raw.checks {
        let line = line_of(check.expect.span().start);
        let expect =
            check.expect.into_inner().build().map_err(|message| fail(line, format!("`check.expect`: {message}")))?;
        checks.push(Check { resource_type: check.resource_type, expect });
    }
    let mut docs = raw.docs;
    for text in [&mut docs.what, &mut docs.why, &mut docs.fix] {
        *text = reflow(text);
    }
    Ok(Rule {
        id: raw.id,
        slug: raw.slug,
        title: raw.title,
        severity: raw.severity,
        tags: raw.tags,
        checks,
        docs,
        references: raw.references,
        source: file.to_string(),
        help_url: raw.help_url,
    })
}

/// A rule with some of its options changed: the numbers and booleans its checks' `expect`
/// tables hold (PG203's `max-public-addresses`), set by the configuration's
/// `[options.<rule>]`. Strings and property paths are the rule's logic, not options. The error
/// says which keys the rule has.
pub fn with_options(rule: &Rule, options: &toml::Table) -> Result<Rule, String> {
    let text = match BUILTIN.iter().find(|(name, _)| rule.source == format!("rules/{name}")) {
        Some((_, text)) => text.to_string(),
        None => std::fs::read_to_string(&rule.source).map_err(|e| format!("cannot read {}: {e}", rule.source))?,
    };
    let mut table: toml::Table = toml::from_str(&text).map_err(|e| e.to_string())?;
    let mut known: Vec<String> = Vec::new();
    let mut applied: Vec<&String> = Vec::new();
    let checks = table.get_mut("check").and_then(toml::Value::as_array_mut).into_iter().flatten();
    for expect in checks.filter_map(|c| c.get_mut("expect").and_then(toml::Value::as_table_mut)) {
        for (key, value) in expect.iter_mut() {
            let is_option = matches!(value, toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_));
            if !is_option {
                continue;
            }
            if !known.contains(key) {
                known.push(key.clone());
            }
            if let Some(new) = options.get(key) {
                if std::mem::discriminant(new) != std::mem::discriminant(value) {
                    return Err(format!("`{key}` of {} is a {}, not a {}", rule.id, value.type_str(), new.type_str()));
                }
                *value = new.clone();
                applied.push(key);
            }
        }
    }
    if let Some(key) = options.keys().find(|k| !applied.contains(k)) {
        let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
        return Err(format!("`{key}` is not an option of {}; its options: {known}", rule.id));
    }
    let text = toml::to_string(&table).map_err(|e| e.to_string())?;
    let mut changed = parse(&rule.source, &text).map_err(|e| e.message)?;
    changed.severity = rule.severity;
    changed.help_url = rule.help_url.clone();
    Ok(changed)
}

/// Joins the lines of each paragraph, so that terminals and SARIF viewers wrap the text to
/// their own width; blank lines and list items keep their breaks.
fn reflow(text: &str) -> String {
    let mut out = String::new();
    for line in text.trim().lines().map(str::trim) {
        if line.is_empty() {
            out.push_str("\n\n");
        } else {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push(if line.starts_with("- ") { '\n' } else { ' ' });
            }
            out.push_str(line);
        }
    }
    out.replace("\n\n\n", "\n\n")
}

/// Ids and slugs name one rule each: users' rules may not reuse the built-in ones.
pub fn check_unique(rules: &[Rule]) -> Result<(), RuleError> {
    for (i, rule) in rules.iter().enumerate() {
        if let Some(first) = rules[..i].iter().find(|r| r.id == rule.id || r.slug == rule.slug) {
            return Err(RuleError {
                file: rule.source.clone(),
                line: 1,
                message: format!("`id`/`slug`: `{}`/`{}` is already used by {}", rule.id, rule.slug, first.source),
            });
        }
    }
    Ok(())
}
