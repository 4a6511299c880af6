//! The partial evaluator: turns a root template (and the modules it calls) into a `Deployment`
//! of resources with evaluated bodies. What it cannot compute statically is an unknown value
//! with its reason, never a guess.
//!
//! One core, two front ends. The core (`build`, `params`, `resources`, `loops`, `ops`,
//! `functions`, `link`, `limits`) owns what Bicep and ARM share; `bicep` and `arm` map their
//! syntax onto it.

mod arm;
mod bicep;
mod build;
pub mod functions;
mod limits;
mod link;
mod loops;
mod ops;
mod param_files;
mod params;
mod resources;

use crate::model::Deployment;
use crate::source::FileId;
use crate::syntax::arm::ArmDocument;
use crate::workspace::{Parsed, Workspace};

pub use build::{Input, InputSource, Inputs};
pub use limits::MAX_MODULE_DEPTH;
pub use param_files::{arm_parameters, bicep_parameters};

/// The parameter values a root template is evaluated with: a parameter file's (and the
/// command line's), or none (its defaults).
#[derive(Debug, Clone, Default)]
pub struct ParamSet {
    /// The parameter file, as users see its path; `None` for defaults (and the command line).
    pub file: Option<String>,
    pub inputs: Option<Inputs>,
}

impl ParamSet {
    /// How a root instance is named: `main.bicep`, or `main.bicep with prod.bicepparam`.
    fn context(&self, display: &str) -> String {
        match &self.file {
            Some(file) => format!("{display} with {file}"),
            None => display.to_string(),
        }
    }
}

/// Evaluates a Bicep root template with the modules it calls. Returns `None` for files that
/// are not Bicep templates.
pub fn evaluate_bicep(workspace: &Workspace, root: FileId, params: &ParamSet) -> Option<Deployment> {
    let Parsed::Bicep(_) = workspace.parsed(root) else { return None };
    let mut build = build::Build::new(root);
    let context = params.context(&workspace.file(root).display);
    bicep::evaluate_root(workspace, root, &mut build, context, params.inputs.clone());
    Some(finish(build))
}

/// Evaluates an ARM template; `display` names it in instance contexts; `linked` gives the
/// scanned templates its deployments link to.
pub fn evaluate_arm(
    root: FileId,
    display: &str,
    doc: &ArmDocument,
    params: &ParamSet,
    linked: &dyn LinkedTemplates,
) -> Deployment {
    let mut build = build::Build::new(root);
    arm::evaluate_root(root, params.context(display), &doc.root, linked, &mut build, params.inputs.clone());
    finish(build)
}

/// The ARM templates that a template's deployments link to (`templateLink.relativePath`, or a
/// `templateLink.uri` beside the template's own), found among the scanned files. The scan
/// reads them; the evaluator does no I/O.
pub trait LinkedTemplates: Sync {
    /// The template at `relative` (`/`-separated) from the folder of `from`, with its file id.
    fn linked(&self, from: FileId, relative: &str) -> Option<(FileId, std::sync::Arc<ArmDocument>)>;
    /// How `file` is shown in messages.
    fn display(&self, file: FileId) -> String;
}

fn finish(build: build::Build) -> Deployment {
    let mut deployment = build.finish();
    link::link(&mut deployment);
    deployment.build_index();
    deployment
}

/// Local module and import paths a Bicep file refers to, resolved against its folder; the
/// scan loads them before evaluation so that the workspace is complete and read-only while
/// evaluating.
pub fn module_paths(workspace: &Workspace, file: FileId) -> Vec<std::path::PathBuf> {
    bicep::module_paths(workspace, file)
}

/// What the scan reads of a Bicep template before evaluation (its tree may be dropped).
pub fn outline(parsed: &crate::syntax::bicep::ParsedBicep) -> crate::workspace::Outline {
    bicep::outline(parsed)
}

/// Whether a Bicep file names a module or import file it cannot use (an error to report).
pub fn has_broken_reference(workspace: &Workspace, file: FileId) -> bool {
    bicep::has_broken_reference(workspace, file)
}

/// The local modules a Bicep file deploys (what makes another file judged through it).
pub fn module_calls(workspace: &Workspace, file: FileId) -> Vec<std::path::PathBuf> {
    bicep::module_calls(workspace, file)
}

/// The registry modules a Bicep file calls, as written (`br/public:avm/res/…:0.7.0`).
pub fn registry_calls(workspace: &Workspace, file: FileId) -> Vec<String> {
    bicep::registry_calls(workspace, file)
}

/// Whether a Bicep text calls a registry module, whose content is not visible.
pub fn calls_registry(text: &str) -> bool {
    bicep::calls_registry(text)
}
