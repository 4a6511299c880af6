//! Loading rules: the built-in rule files embedded at build time, and a user's own from
//! `--rules DIR`, validated with errors that name the file, line and field.

use crate::rules::condition::parse;
use crate::rules::rule::{Check, RawRule, Rule, RuleOption};
use std::path::Path;

/// The built-in rules, in file name (and so id) order: every file of `rules/`, embedded by
/// `build.rs`.
pub const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

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

/// Parses and validates one rule file, its options at their defaults.
pub fn parse(file: &str, text: &str) -> Result<Rule, RuleError> {
    parse_with(file, text, &toml::Table::new())
}

/// Parses and validates one rule file with some of its options set (`--set PG402.min-days=14`,
/// the configuration's `[options.PG402]`); an option the rule does not have is an error that
/// lists the ones it has.
pub fn parse_with(file: &str, text: &str, set: &toml::Table) -> Result<Rule, RuleError> {
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
    let mut options = Vec::new();
    let mut in_force = toml::Table::new();
    for (name, option) in &raw.options {
        let value = match set.get(name) {
            Some(new) if std::mem::discriminant(new) != std::mem::discriminant(&option.default) => {
                return Err(fail(
                    0,
                    format!(
                        "option `{name}` of {} is a {}, not a {}",
                        raw.id,
                        option.default.type_str(),
                        new.type_str()
                    ),
                ));
            }
            Some(new) => new.clone(),
            None => option.default.clone(),
        };
        in_force.insert(name.clone(), value.clone());
        options.push(RuleOption {
            name: name.clone(),
            value,
            default: option.default.clone(),
            help: option.help.clone(),
        });
    }
    if let Some(key) = set.keys().find(|k| !raw.options.contains_key(*k)) {
        let known: Vec<&str> = raw.options.keys().map(String::as_str).collect();
        let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
        return Err(fail(0, format!("`{key}` is not an option of {}; its options: {known}", raw.id)));
    }
    let mut checks = Vec::new();
    for check in raw.checks {
        let target = check.target().map_err(|message| fail(line_of(check.expect.span().start), message))?;
        let condition = |table: toml::Spanned<toml::Table>, field: &str| {
            let line = line_of(table.span().start);
            parse::condition(table.into_inner(), &in_force)
                .map_err(|message| fail(line, format!("`check.{field}`: {message}")))
        };
        let when = check.when.map(|w| condition(w, "when")).transpose()?;
        let expect = condition(check.expect, "expect")?;
        checks.push(Check { target, when, expect });
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
        options,
        docs,
        references: raw.references,
        source: file.to_string(),
        help_url: raw.help_url,
    })
}

/// A rule with some of its options set, read again from its file.
pub fn with_options(rule: &Rule, set: &toml::Table) -> Result<Rule, String> {
    let text = match BUILTIN.iter().find(|(name, _)| rule.source == format!("rules/{name}")) {
        Some((_, text)) => text.to_string(),
        None => std::fs::read_to_string(&rule.source).map_err(|e| format!("cannot read {}: {e}", rule.source))?,
    };
    // Options set earlier (the configuration, then `--set`) stay unless set again.
    let mut all: toml::Table =
        rule.options.iter().filter(|o| o.value != o.default).map(|o| (o.name.clone(), o.value.clone())).collect();
    all.extend(set.clone());
    let mut changed = parse_with(&rule.source, &text, &all).map_err(|e| e.message)?;
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
