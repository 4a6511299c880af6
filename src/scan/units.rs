//! Deployment units, decided before evaluation: which parameter files go with which template,
//! which scanned files are roots (a file another scanned file calls as a module is judged
//! through its callers), and which ARM templates are the compiled twins of scanned Bicep files
//! (judged once, as Bicep).

use crate::eval::{self, Input, InputSource, Inputs, ParamSet};
use crate::model::{Node, Value};
use crate::source::{FileId, Origin};
use crate::syntax::arm::{ArmDocument, ArmKind, Json};
use crate::workspace::{Parsed, Workspace, canonical};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What decides the units, from the command line.
#[derive(Debug, Clone, Default)]
pub struct UnitOptions {
    /// `--param name=value`, in order: a later one wins.
    pub params: Vec<(String, String)>,
    /// `--params FILE`: used instead of the parameter files found beside a template.
    pub param_files: Vec<PathBuf>,
    /// Parameter files paired with their template (the configuration's `[[params]]`).
    pub pairs: Vec<(PathBuf, PathBuf)>,
    /// `--all-roots`: judge every module file on its own too.
    pub all_roots: bool,
    /// `--include-compiled`: judge ARM templates compiled from scanned Bicep files too.
    pub include_compiled: bool,
}

/// The parameter sets of each template, and what makes a file a root.
#[derive(Debug, Default)]
pub struct Units {
    /// By canonical template path: each parameter file, and whether `--params` gave it.
    params: HashMap<PathBuf, Vec<(bool, ParamSet)>>,
    /// Parameter files given with `--params` that name no template: for every one.
    for_any: Vec<ParamSet>,
    command_line: Vec<(String, String)>,
    /// Canonical paths of the scanned Bicep files that call no registry module: their
    /// compiled twins are judged as Bicep.
    bicep: HashSet<PathBuf>,
    /// Canonical paths of the ARM templates that scanned Bicep files call as modules
    /// (`module m './x.json'`): kept for them, and judged through them.
    json_modules: HashSet<PathBuf>,
    options: UnitOptions,
    /// Problems in parameter files (an entry of the wrong shape).
    pub problems: Vec<(Origin, String)>,
}

/// Whether a path looks like a parameter file: loaded before templates, so that an ARM
/// template can be judged with its parameter files as soon as it is parsed.
pub fn is_param_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
    name.ends_with(".bicepparam") || (name.ends_with(".json") && name.contains(".parameters"))
}

impl Units {
    /// Reads the loaded parameter files `files`; `bicep` are the scanned Bicep files.
    pub fn new(workspace: &Workspace, files: &[FileId], bicep: &[FileId], options: &UnitOptions) -> Units {
        let explicit: HashSet<PathBuf> = options.param_files.iter().map(|p| canonical(p)).collect();
        let mut units = Units {
            command_line: options.params.clone(),
            // Judged as Bicep only when the Bicep shows as much: a registry module is visible
            // only in the compiled template.
            // A Bicep file with syntax errors is judged only in part: its twin is judged too.
            bicep: bicep
                .iter()
                .filter(|&&f| match workspace.parsed(f) {
                    Parsed::Bicep(p) => p.errors.is_empty(),
                    Parsed::BicepOutline(o) => !o.has_errors,
                    _ => false,
                })
                .map(|&f| workspace.file(f))
                .filter(|f| !eval::calls_registry(&f.text))
                .map(|f| canonical(&f.path))
                .collect(),
            json_modules: bicep
                .iter()
                .flat_map(|&f| eval::module_calls(workspace, f))
                .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")))
                .map(|p| canonical(&p))
                .collect(),
            options: options.clone(),
            ..Units::default()
        };
        let mut sorted: Vec<FileId> = files.to_vec();
        sorted.sort_by(|a, b| workspace.file(*a).display.cmp(&workspace.file(*b).display));
        for &file in &sorted {
            let source = workspace.file(file);
            let (templates, param_file) = match workspace.parsed(file) {
                Parsed::BicepParams(_) => match eval::bicep_parameters(workspace, file) {
                    Some((template, values)) => (vec![canonical(&template)], values),
                    None => continue,
                },
                Parsed::Arm(doc) if doc.kind == ArmKind::Parameters => {
                    (templates_of(&source.path, doc), eval::arm_parameters(file, &source.display, doc))
                }
                _ => continue,
            };
            units.problems.extend(param_file.problems);
            let here = canonical(&source.path);
            let is_explicit = explicit.contains(&here);
            let paired: Vec<PathBuf> =
                options.pairs.iter().filter(|(f, _)| canonical(f) == here).map(|(_, t)| canonical(t)).collect();
            let templates = if paired.is_empty() { templates } else { paired };
            // Given with `--params` and naming no template: for every template scanned.
            if templates.is_empty() && is_explicit {
                let set = ParamSet { file: Some(source.display.clone()), inputs: Some(param_file.inputs.clone()) };
                units.for_any.push(set);
                continue;
            }
            for template in templates {
                let set = ParamSet { file: Some(source.display.clone()), inputs: Some(param_file.inputs.clone()) };
                units.params.entry(template).or_default().push((is_explicit, set));
            }
        }
        units
    }

    /// The parameter sets a template is evaluated with: the files `--params` gives for it,
    /// else the files found for it, else its defaults; each with the command line's values.
    pub fn param_sets(&self, template: &Path) -> Vec<ParamSet> {
        let template = canonical(template);
        // A Bicep file takes the parameter files of the template compiled from it.
        let mut keys = vec![template.clone()];
        if template.extension().is_some_and(|e| e == "bicep") {
            keys.push(template.with_extension("json"));
            if template.file_name().is_some_and(|n| n == "main.bicep") {
                keys.push(template.with_file_name("azuredeploy.json"));
            }
        }
        let mut found: Vec<(bool, ParamSet)> =
            keys.iter().filter_map(|k| self.params.get(k)).flatten().cloned().collect();
        found.extend(self.for_any.iter().map(|set| (true, set.clone())));
        found.dedup_by(|a, b| a.1.file == b.1.file);
        let any_explicit = found.iter().any(|(explicit, _)| *explicit);
        let mut sets: Vec<ParamSet> =
            found.iter().filter(|(explicit, _)| *explicit || !any_explicit).map(|(_, set)| set.clone()).collect();
        if sets.is_empty() {
            sets.push(ParamSet::default());
        }
        if !self.command_line.is_empty() {
            for set in &mut sets {
                let inputs = set.inputs.get_or_insert_with(|| Inputs {
                    giver: "the command line".into(),
                    values: Vec::new(),
                    from_caller: false,
                });
                inputs.values.extend(self.command_line.iter().map(|(name, text)| Input {
                    name: name.clone(),
                    value: Node::new(command_line_value(text), Origin::default()),
                    source: InputSource::CommandLine,
                }));
            }
        }
        sets
    }

    /// Whether a scanned Bicep file calls this ARM template as a module.
    pub fn is_bicep_module(&self, path: &Path) -> bool {
        self.json_modules.contains(&canonical(path))
    }

    /// Whether an ARM template is compiled from a scanned Bicep file (and not to be judged
    /// twice): generated by Bicep, beside a `.bicep` of the same stem (or `main.bicep` beside
    /// `azuredeploy.json`).
    pub fn is_compiled_twin(&self, path: &Path, doc: &ArmDocument) -> bool {
        if self.options.include_compiled {
            return false;
        }
        let generator = doc.root.get("metadata").and_then(|m| m.get("_generator")).and_then(|g| g.get("name"));
        if !generator.and_then(Json::as_str).is_some_and(|n| n.eq_ignore_ascii_case("bicep")) {
            return false;
        }
        let path = canonical(path);
        let mut twins = vec![path.with_extension("bicep")];
        if path.file_name().is_some_and(|n| n.eq_ignore_ascii_case("azuredeploy.json")) {
            twins.push(path.with_file_name("main.bicep"));
        }
        twins.iter().any(|t| self.bicep.contains(t))
    }

    /// The scanned Bicep files that are roots: those no other scanned file calls as a module
    /// (all of them with `--all-roots`). Files only a cycle reaches are roots too, so that
    /// every scanned file is judged (and the cycle reported).
    pub fn roots(&self, workspace: &Workspace, scanned: &[FileId]) -> Vec<FileId> {
        if self.options.all_roots {
            return scanned.to_vec();
        }
        let calls = |f: FileId| -> Vec<FileId> {
            eval::module_calls(workspace, f).iter().filter_map(|p| workspace.find(p)).collect()
        };
        let called: HashSet<FileId> = scanned.iter().flat_map(|&f| calls(f)).collect();
        // A file a parameter file is for is deployed with it, whoever else calls it.
        let deployed_itself = |f: &FileId| self.params.contains_key(&canonical(&workspace.file(*f).path));
        let mut roots: Vec<FileId> =
            scanned.iter().copied().filter(|f| !called.contains(f) || deployed_itself(f)).collect();
        let mut reached: HashSet<FileId> = HashSet::new();
        // What an evaluation from `start` reaches: modules nest at most so deep.
        let reach = |start: FileId, reached: &mut HashSet<FileId>| {
            let mut level = vec![start];
            for _ in 0..eval::MAX_MODULE_DEPTH {
                let next: Vec<FileId> = level.iter().filter(|f| reached.insert(**f)).flat_map(|&f| calls(f)).collect();
                if next.is_empty() {
                    break;
                }
                level = next;
            }
        };
        for &root in &roots {
            reach(root, &mut reached);
        }
        for &file in scanned {
            if !reached.contains(&file) {
                roots.push(file);
                reach(file, &mut reached);
            }
        }
        roots
    }
}

/// The templates an ARM parameter file is for: the one its `metadata.template` names, else
/// by name: `x.parameters.json` and `x.parameters.<env>.json` are for `x.json` and `x.bicep`;
/// `azuredeploy.parameters.json` also for `main.bicep`.
fn templates_of(path: &Path, doc: &ArmDocument) -> Vec<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new(""));
    if let Some(template) = doc.root.get("metadata").and_then(|m| m.get("template")).and_then(Json::as_str) {
        return vec![canonical(&dir.join(template))];
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let lower = name.to_ascii_lowercase();
    let Some(at) = lower.find(".parameters") else { return Vec::new() };
    let stem = &name[..at];
    let mut templates =
        vec![canonical(&dir.join(format!("{stem}.json"))), canonical(&dir.join(format!("{stem}.bicep")))];
    if stem.eq_ignore_ascii_case("azuredeploy") {
        templates.push(canonical(&dir.join("main.bicep")));
    }
    templates
}

/// `--param name=value`: a JSON value is parsed as JSON; anything else is a string.
fn command_line_value(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(json) => from_json(&json),
        Err(_) => Value::String(text.to_string()),
    }
}

fn from_json(json: &serde_json::Value) -> Value {
    let node = |v: &serde_json::Value| Node::new(from_json(v), Origin::default());
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::unknown(format!("the number {n} is not an integer"), Origin::default()),
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(node).collect()),
        serde_json::Value::Object(members) => {
            Value::Object(members.iter().map(|(k, v)| (k.clone(), node(v))).collect())
        }
    }
}
