//! After the rules: inline suppressions decide which findings are accepted (and which
//! suppressions accepted nothing), the rule selection and the unknown policy drop what the
//! user does not want, and a focus keeps what concerns the files pre-commit passed.

use crate::config::{ParamsMapping, UnknownPolicy, find_rule};
use crate::rules::{Finding, Rule, Verdict};
use crate::scan::{ScanError, ScanOptions};
use crate::source::{FileId, Origin};
use crate::suppress::{Directive, Form, module_calls};
use crate::syntax::bicep::ast::StatementKind;
use crate::workspace::Workspace;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Each with its suppression's reason and place.
    pub suppressed: Vec<(Finding, (Option<String>, Origin))>,
    pub warnings: Vec<ScanError>,
}

/// Which directive, and which of its codes, accepts a finding.
type Hit = (usize, usize);

struct Index<'a> {
    directives: &'a [Directive],
    /// Per directive, per code: the rule it names.
    resolved: Vec<Vec<Option<usize>>>,
    by_file: HashMap<FileId, Vec<usize>>,
}

impl Index<'_> {
    /// The suppression of `rule` whose range holds `origin`.
    fn covering(&self, origin: Origin, rule: usize) -> Option<Hit> {
        self.by_file.get(&origin.file)?.iter().find_map(|&d| {
            let directive = &self.directives[d];
            let inside = directive.covers.start <= origin.span.start && origin.span.start <= directive.covers.end;
            if !inside {
                return None;
            }
            self.resolved[d].iter().position(|r| *r == Some(rule)).map(|c| (d, c))
        })
    }
}

pub fn apply(
    findings: Vec<Finding>,
    directives: &[Directive],
    workspace: &Workspace,
    rules: &[Rule],
    options: &ScanOptions,
) -> Outcome {
    let mut warnings = Vec::new();
    let display = |file: FileId| workspace.file(file).display.clone();
    let mut index = Index { directives, resolved: Vec::new(), by_file: HashMap::new() };
    for (d, directive) in directives.iter().enumerate() {
        let resolved: Vec<Option<usize>> = directive.codes.iter().map(|c| find_rule(rules, c)).collect();
        for (code, rule) in directive.codes.iter().zip(&resolved) {
            // `#disable-next-line` also lists the Bicep linter's codes: only ours concern us.
            if rule.is_none() && directive.form != Form::BicepDirective {
                warnings.push(ScanError {
                    path: display(directive.origin.file),
                    origin: Some(directive.origin),
                    message: format!("`{code}` in `{}` is not a pgguard rule id or slug", directive.describe(code)),
                });
            }
        }
        if directive.reason.is_none()
            && let Some(code) = directive.codes.iter().zip(&resolved).find(|(_, r)| r.is_some()).map(|(c, _)| c)
        {
            let how = match directive.form {
                Form::Comment => format!("after a colon: `// pgguard-ignore {code}: why`"),
                Form::BicepDirective => format!("in a comment after it: `#disable-next-line {code} // why`"),
                Form::Metadata => "as the value of the entry".to_string(),
            };
            warnings.push(ScanError {
                path: display(directive.origin.file),
                origin: Some(directive.origin),
                message: format!("`{}` gives no reason: say why {how}", directive.describe(code)),
            });
        }
        index.by_file.entry(directive.origin.file).or_default().push(d);
        index.resolved.push(resolved);
    }
    let roots: HashMap<&str, FileId> =
        workspace.files.iter().enumerate().map(|(i, f)| (f.display.as_str(), FileId(i as u32))).collect();
    let mut used: HashSet<Hit> = HashSet::new();
    let mut active = Vec::new();
    let mut suppressed = Vec::new();
    for finding in findings {
        let hits = hits(&index, &roots, workspace, &finding);
        match hits.first() {
            Some(&(d, _)) => {
                used.extend(hits.iter().copied());
                let directive = &directives[d];
                suppressed.push((finding, (directive.reason.clone(), directive.origin)));
            }
            None => active.push(finding),
        }
    }

    let enabled = enabled_rules(rules, options);
    let nearer = NearerConfigs::new(workspace, rules, options);
    let keep = |f: &Finding| {
        enabled[f.rule]
            && !(f.verdict == Verdict::Unknown && options.unknown == UnknownPolicy::Ignore)
            && nearer.keeps(f)
    };
    active.retain(keep);
    suppressed.retain(|(f, _)| keep(f));
    if let Some(unused_rule) = find_rule(rules, "PG001").filter(|&r| enabled[r]) {
        for (d, directive) in directives.iter().enumerate() {
            for (c, rule) in index.resolved[d].iter().enumerate() {
                if rule.is_some_and(|r| enabled[r]) && !used.contains(&(d, c)) {
                    active.push(Finding {
                        rule: unused_rule,
                        verdict: Verdict::Fail,
                        message: format!("`{}` suppresses no finding", directive.describe(&directive.codes[c])),
                        location: directive.origin,
                        trace: Vec::new(),
                        resource_type: String::new(),
                        resource_name: String::new(),
                        contexts: Vec::new(),
                    });
                }
            }
        }
    }
    Outcome { findings: active, suppressed, warnings }
}

/// The suppressions that accept a finding: one at its location, or else one on the way of
/// every instance it stands for (a module call); empty when some instance has none.
fn hits(index: &Index<'_>, roots: &HashMap<&str, FileId>, workspace: &Workspace, finding: &Finding) -> Vec<Hit> {
    if let Some(hit) = index.covering(finding.location, finding.rule) {
        return vec![hit];
    }
    let mut out = Vec::new();
    for context in &finding.contexts {
        let root = context.split(" › ").next().and_then(|r| roots.get(r));
        let hit = root.and_then(|&root| {
            module_calls(workspace, root, context).into_iter().find_map(|call| index.covering(call, finding.rule))
        });
        match hit {
            Some(hit) => out.push(hit),
            None => return Vec::new(),
        }
    }
    out
}

/// The configuration files nearer to a finding's file than the run's: each decides, for the
/// findings in its folder, which rules are reported and whether unknowns are, as it would if
/// that folder were scanned on its own.
struct NearerConfigs<'a> {
    workspace: &'a Workspace,
    rules: &'a [Rule],
    /// The run's configuration file; `None` when `--config` makes one configuration for all.
    run: Option<Option<std::path::PathBuf>>,
    loaded: std::cell::RefCell<HashMap<std::path::PathBuf, Option<Decision>>>,
}

/// What a configuration decides: the rules it reports, and whether it keeps unknowns.
type Decision = (Vec<bool>, UnknownPolicy);

impl<'a> NearerConfigs<'a> {
    fn new(workspace: &'a Workspace, rules: &'a [Rule], options: &ScanOptions) -> Self {
        NearerConfigs { workspace, rules, run: options.config.clone(), loaded: Default::default() }
    }

    fn keeps(&self, finding: &Finding) -> bool {
        let Some(run) = &self.run else { return true };
        let path = &self.workspace.file(finding.location.file).path;
        let Some(nearest) = crate::config::discover(path.parent().unwrap_or(path)) else { return true };
        if run.as_ref() == Some(&nearest) {
            return true;
        }
        let mut loaded = self.loaded.borrow_mut();
        let decided = loaded.entry(nearest.clone()).or_insert_with(|| {
            // A configuration that cannot be read here is reported when its folder is scanned.
            let config = crate::config::Config::load(&nearest).ok()?;
            let options = ScanOptions {
                select: config.select.as_ref().map(|s| s.iter().map(|n| n.name.clone()).collect()),
                ignore: config.ignore.iter().map(|n| n.name.clone()).collect(),
                ..ScanOptions::default()
            };
            Some((enabled_rules(self.rules, &options), config.unknown.unwrap_or_default()))
        });
        match decided {
            Some((enabled, unknown)) => {
                enabled[finding.rule] && !(finding.verdict == Verdict::Unknown && *unknown == UnknownPolicy::Ignore)
            }
            None => true,
        }
    }
}

fn enabled_rules(rules: &[Rule], options: &ScanOptions) -> Vec<bool> {
    let names = |list: &[String]| list.iter().filter_map(|n| find_rule(rules, n)).collect::<HashSet<usize>>();
    let selected = options.select.as_deref().map(names);
    let ignored = names(&options.ignore);
    (0..rules.len())
        .map(|r| {
            // PG001 follows the selection only when named: `select = ["PG203"]` keeps it on.
            let chosen = selected.as_ref().is_none_or(|s| s.contains(&r) || rules[r].id == "PG001");
            chosen && !ignored.contains(&r)
        })
        .collect()
}

/// The files a pre-commit run is about, and whether a finding or an error concerns them.
pub struct Focus<'a> {
    workspace: &'a Workspace,
    files: HashSet<FileId>,
    roots: HashMap<&'a str, FileId>,
}

impl<'a> Focus<'a> {
    /// The given files, and the templates their parameter files are for: a `.bicepparam`'s
    /// `using` template, an ARM `x.parameters.json`'s `x.json`, and the configuration's
    /// `[[params]]` templates.
    pub fn new(workspace: &'a Workspace, paths: &[PathBuf], params: &[ParamsMapping]) -> Focus<'a> {
        let mut files: HashSet<FileId> = paths.iter().filter_map(|p| workspace.find(p)).collect();
        for path in paths {
            let canonical = crate::workspace::canonical(path);
            let mut templates: Vec<PathBuf> = params
                .iter()
                .filter(|m| m.files.iter().any(|f| crate::workspace::canonical(f) == canonical))
                .map(|m| m.template.clone())
                .collect();
            let dir = canonical.parent().map(PathBuf::from).unwrap_or_default();
            match workspace.find(path).map(|id| workspace.parsed(id)) {
                Some(crate::workspace::Parsed::BicepParams(parsed)) => {
                    templates.extend(parsed.program.statements.iter().filter_map(|s| match &s.kind {
                        StatementKind::Using { path: Some(using), .. } => using.as_literal().map(|p| dir.join(p)),
                        _ => None,
                    }));
                }
                Some(crate::workspace::Parsed::Arm(_)) => {
                    let name = canonical.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    if let Some(stem) = name.strip_suffix(".parameters.json") {
                        templates.push(dir.join(format!("{stem}.json")));
                    }
                }
                _ => {}
            }
            files.extend(templates.iter().filter_map(|t| workspace.find(t)));
        }
        Focus {
            workspace,
            files,
            roots: workspace.files.iter().enumerate().map(|(i, f)| (f.display.as_str(), FileId(i as u32))).collect(),
        }
    }

    pub fn concerns(&self, finding: &Finding) -> bool {
        self.files.contains(&finding.location.file)
            || finding.trace.iter().any(|step| self.files.contains(&step.origin.file))
            || finding.contexts.iter().any(|context| {
                let Some(&root) = context.split(" › ").next().and_then(|r| self.roots.get(r)) else {
                    return false;
                };
                self.files.contains(&root)
                    || module_calls(self.workspace, root, context).iter().any(|call| self.files.contains(&call.file))
            })
    }

    pub fn concerns_error(&self, error: &ScanError) -> bool {
        match error.origin {
            Some(origin) => self.files.contains(&origin.file),
            None => self.roots.get(error.path.as_str()).is_some_and(|f| self.files.contains(f)),
        }
    }
}
