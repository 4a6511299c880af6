//! The project configuration, `pgguard.toml` (or `.pgguard.toml`): found from the scanned path
//! upward to the repository root, or named with `--config`. Unknown keys and rule names are
//! errors that name the file, the line and the valid keys.

use crate::rules::{Rule, Severity};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The names a configuration file may have, in the order they are looked for.
pub const FILE_NAMES: [&str; 2] = ["pgguard.toml", ".pgguard.toml"];

/// When failing findings make the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Never,
    Low,
    Medium,
    High,
    Critical,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Never => None,
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
        }
    }
}

/// How findings whose verdict is unknown count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum UnknownPolicy {
    /// Shown as notes to review; never change the exit code.
    #[default]
    Report,
    /// Shown, and count like failing findings for `fail-on`.
    Fail,
    /// Not shown at all.
    Ignore,
}

/// A bad configuration file: exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<toml::Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<toml::Spanned<String>>,
    #[serde(default)]
    exclude: Vec<toml::Spanned<String>>,
    fail_on: Option<FailOn>,
    unknown: Option<UnknownPolicy>,
    /// A folder of the project's own rule files, relative to the configuration file.
    rules: Option<String>,
    #[serde(default)]
    severity: BTreeMap<toml::Spanned<String>, Severity>,
    #[serde(default)]
    options: BTreeMap<toml::Spanned<String>, toml::Table>,
    #[serde(default)]
    params: Vec<toml::Spanned<RawParams>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawParams {
    template: String,
    files: Vec<String>,
}

/// Which parameter files give the parameters of a template (paths relative to the config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamsMapping {
    pub template: PathBuf,
    pub files: Vec<PathBuf>,
}

/// A rule name in the configuration and the line it is on, checked against the rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleName {
    pub name: String,
    pub line: usize,
}

/// A loaded configuration; every field is optional so that the command line can override it.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it was read from (`None`: no file, the defaults).
    pub file: Option<PathBuf>,
    /// The folder relative paths in the file are relative to.
    pub base: PathBuf,
    pub select: Option<Vec<RuleName>>,
    pub ignore: Vec<RuleName>,
    pub exclude: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub unknown: Option<UnknownPolicy>,
    pub rules: Option<PathBuf>,
    pub severity: Vec<(RuleName, Severity)>,
    /// `[options.PG203]`: options of a rule's checks (see `rules::with_options`).
    pub options: Vec<(RuleName, toml::Table)>,
    pub params: Vec<ParamsMapping>,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: file.clone(),
            line: 0,
            message: e.to_string(),
        })?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
            file: file.clone(),
            line: e.span().map_or(0, |s| line_of(s.start)),
            message: e.message().trim().to_string(),
        })?;
        let name = |s: &toml::Spanned<String>| RuleName { name: s.get_ref().clone(), line: line_of(s.span().start) };
        let base = crate::workspace::canonical(path.parent().unwrap_or(Path::new(".")));
        let mut exclude = Vec::new();
        for glob in &raw.exclude {
            Glob::new(glob.get_ref()).map_err(|e| ConfigError {
                file: file.clone(),
                line: line_of(glob.span().start),
                message: format!("`exclude`: {e}"),
            })?;
            exclude.push(glob.get_ref().clone());
        }
        Ok(Config {
            file: Some(path.to_path_buf()),
            select: raw.select.as_ref().map(|s| s.iter().map(name).collect()),
            ignore: raw.ignore.iter().map(name).collect(),
            exclude,
            fail_on: raw.fail_on,
            unknown: raw.unknown,
            rules: raw.rules.map(|r| base.join(r)),
            severity: raw.severity.iter().map(|(k, v)| (name(k), *v)).collect(),
            options: raw.options.iter().map(|(k, v)| (name(k), v.clone())).collect(),
            params: raw
                .params
                .into_iter()
                .map(|p| {
                    let p = p.into_inner();
                    ParamsMapping {
                        template: base.join(p.template),
                        files: p.files.into_iter().map(|f| base.join(f)).collect(),
                    }
                })
                .collect(),
            base,
        })
    }

    /// Applies severities and options to the rules (after `check_rules`); a bad option is an
    /// error on its line.
    pub fn apply(&self, rules: &mut [Rule]) -> Result<(), ConfigError> {
        for (name, severity) in &self.severity {
            if let Some(i) = find_rule(rules, &name.name) {
                rules[i].severity = *severity;
            }
        }
        for (name, options) in &self.options {
            if let Some(i) = find_rule(rules, &name.name) {
                rules[i] = crate::rules::with_options(&rules[i], options).map_err(|message| ConfigError {
                    file: self.file.as_ref().map_or_else(String::new, |f| f.display().to_string()),
                    line: name.line,
                    message: format!("`options.{}`: {message}", name.name),
                })?;
            }
        }
        Ok(())
    }

    /// Checks every rule name against the rule set; an unknown name is an error on its line.
    pub fn check_rules(&self, rules: &[Rule]) -> Result<(), ConfigError> {
        let names = self
            .select
            .iter()
            .flatten()
            .chain(&self.ignore)
            .chain(self.severity.iter().map(|(n, _)| n))
            .chain(self.options.iter().map(|(n, _)| n));
        for name in names {
            if find_rule(rules, &name.name).is_none() {
                let known: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
                return Err(ConfigError {
                    file: self.file.as_ref().map_or_else(String::new, |f| f.display().to_string()),
                    line: name.line,
                    message: format!("`{}` is not a rule id or slug; the rules are {}", name.name, known.join(", ")),
                });
            }
        }
        Ok(())
    }
}

/// The rule an id or slug names, compared without regard to case.
pub fn find_rule(rules: &[Rule], name: &str) -> Option<usize> {
    rules.iter().position(|r| r.id.eq_ignore_ascii_case(name) || r.slug.eq_ignore_ascii_case(name))
}

/// The nearest folder at or above `start` that holds `.git` (a folder, or a file in a worktree).
pub fn repository_root(start: &Path) -> Option<PathBuf> {
    let start = crate::workspace::canonical(start);
    let mut dir = if start.is_dir() { Some(start.as_path()) } else { start.parent() };
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// The configuration file for a scanned path: the nearest `pgguard.toml` or `.pgguard.toml` at
/// or above it, looking no higher than the repository root.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = crate::workspace::canonical(start);
    let mut dir = if start.is_dir() { Some(start.as_path()) } else { start.parent() };
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// Paths the walk leaves out: globs matched against the path relative to `base` (the
/// configuration's folder, or the current one for `--exclude`). A glob without `/` matches a
/// file or folder name anywhere, as in `.gitignore`.
#[derive(Debug, Clone, Default)]
pub struct Excludes {
    sets: Vec<(PathBuf, GlobSet)>,
}

impl Excludes {
    pub fn new() -> Excludes {
        Excludes::default()
    }

    /// Adds globs relative to `base`; a bad glob is an error message.
    pub fn add(&mut self, base: &Path, globs: &[String]) -> Result<(), String> {
        if globs.is_empty() {
            return Ok(());
        }
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            let glob = glob.trim_end_matches('/');
            // As in `.gitignore`, a leading `/` anchors the glob at the configuration's folder.
            let glob = glob.strip_prefix('/').map(|g| format!("./{g}")).unwrap_or_else(|| glob.to_string());
            let glob = glob.as_str();
            let patterns = if glob.contains('/') {
                vec![glob.trim_start_matches("./").to_string(), format!("{}/**", glob.trim_start_matches("./"))]
            } else {
                vec![format!("**/{glob}"), format!("**/{glob}/**")]
            };
            for pattern in patterns {
                builder.add(Glob::new(&pattern).map_err(|e| format!("exclude `{glob}`: {e}"))?);
            }
        }
        let set = builder.build().map_err(|e| e.to_string())?;
        self.sets.push((crate::workspace::canonical(base), set));
        Ok(())
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        if self.sets.is_empty() {
            return false;
        }
        let path = crate::workspace::canonical(path);
        self.sets.iter().any(|(base, set)| path.strip_prefix(base).is_ok_and(|relative| set.is_match(relative)))
    }
}

/// What `pgguard init` writes: every key, commented, with its default.
pub const STARTER: &str = r#"# pgguard configuration; docs/configuration.md in pgguard's repository explains every key.
# pgguard reads this file for every scan of this folder and the folders below it.

# Rules to run (ids or slugs); all rules when absent.
# select = ["PG201", "PG203"]

# Rules never to run.
# ignore = ["PG401"]

# Paths not to scan (globs, relative to this file; a name without `/` matches anywhere).
# exclude = ["tests/e2e", "**/*.parameters.json"]

# Exit with 1 when a failing finding has at least this severity: never, low, medium, high, critical.
# fail-on = "low"

# How findings pgguard cannot decide count: "report" (shown, never fail), "fail" (count like
# failing findings), "ignore" (not shown).
# unknown = "report"

# A folder of the project's own rule files (TOML), relative to this file.
# rules = "pgguard-rules"

# Severity overrides, by rule id or slug.
# [severity]
# PG401 = "low"

# Rule options: the numbers and switches of a rule's checks.
# [options.PG203]
# max-public-addresses = 1024

# Parameter files to evaluate a template with (relative to this file).
# [[params]]
# template = "infra/main.bicep"
# files = ["infra/prod.bicepparam"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_names_the_line_and_the_valid_keys() {
        let err = Config::parse(Path::new("pgguard.toml"), "select = [\"PG201\"]\nfail_on = \"high\"\n")
            .expect_err("a typo is an error");
        assert_eq!(err.line, 2, "{err}");
        assert!(err.message.contains("unknown field `fail_on`"), "{err}");
        assert!(err.message.contains("`fail-on`"), "lists the valid keys: {err}");
    }

    #[test]
    fn a_bad_value_names_its_line() {
        let err = Config::parse(Path::new("p.toml"), "\nunknown = \"maybe\"\n").expect_err("bad value");
        assert_eq!(err.line, 2, "{err}");
        assert!(err.message.contains("report"), "{err}");
    }

    #[test]
    fn the_starter_config_parses_and_uncommented_it_still_does() {
        Config::parse(Path::new("pgguard.toml"), STARTER).expect("starter parses");
        let uncommented: String = STARTER
            .lines()
            .filter(|l| l.starts_with("# ") && !l.starts_with("# pgguard") && l.contains(['=', '[']))
            .map(|l| format!("{}\n", &l[2..]))
            .collect();
        let config = Config::parse(Path::new("pgguard.toml"), &uncommented).expect("uncommented parses");
        assert_eq!(config.fail_on, Some(FailOn::Low));
        assert_eq!(config.severity.len(), 1);
        assert_eq!(config.options.len(), 1);
        assert_eq!(config.params.len(), 1);
    }

    #[test]
    fn excludes_match_names_anywhere_and_paths_from_the_base() {
        let mut excludes = Excludes::new();
        excludes.add(Path::new("/repo"), &["e2e".to_string(), "infra/legacy".to_string()]).expect("globs");
        assert!(excludes.is_excluded(Path::new("/repo/mod/tests/e2e/main.bicep")));
        assert!(excludes.is_excluded(Path::new("/repo/infra/legacy")));
        assert!(!excludes.is_excluded(Path::new("/repo/infra/main.bicep")));
        assert!(!excludes.is_excluded(Path::new("/elsewhere/infra/legacy")));
    }
}

#[cfg(test)]
mod option_tests {
    use super::*;

    #[test]
    fn rule_options_change_a_number_and_reject_what_is_not_one() {
        let mut rules = crate::rules::builtin().expect("rules");
        let config =
            Config::parse(Path::new("p.toml"), "[options.PG203]\nmax-public-addresses = 1024\n").expect("parses");
        config.check_rules(&rules).expect("known rule");
        config.apply(&mut rules).expect("a known option");
        let pg203 = rules.iter().find(|r| r.id == "PG203").expect("PG203");
        assert!(format!("{:?}", pg203.checks).contains("1024"), "{:?}", pg203.checks);
        let bad = Config::parse(Path::new("p.toml"), "\n[options.PG203]\nmax-public = 1\n").expect("parses");
        let err = bad.apply(&mut rules).expect_err("no such option");
        assert_eq!(err.line, 2);
        assert!(err.message.contains("max-public-addresses"), "lists the options: {err}");
        let none = Config::parse(Path::new("p.toml"), "[options.PG201]\nlimit = 1\n").expect("parses");
        assert!(none.apply(&mut rules).expect_err("PG201 has none").message.contains("its options: none"));
    }
}
