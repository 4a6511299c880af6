//! The partial evaluator: turns a root template (and the modules it calls) into a `Deployment`
//! of resources with evaluated bodies. What it cannot compute statically is an unknown value
//! with its reason, never a guess.

mod arm;
mod arm_expr;
mod bicep;
mod functions;
mod link;

use crate::model::Deployment;
use crate::source::FileId;
use crate::syntax::arm::ArmDocument;
use crate::workspace::{Parsed, Workspace};

/// Evaluates a Bicep root template with the modules it calls. Returns `None` for files that
/// are not Bicep templates.
pub fn evaluate_bicep(workspace: &Workspace, root: FileId) -> Option<Deployment> {
    let Parsed::Bicep(_) = workspace.parsed(root) else { return None };
    let mut deployment = Deployment::new(root);
    bicep::evaluate_root(workspace, root, &mut deployment);
    link::link_parents(&mut deployment);
    deployment.build_index();
    Some(deployment)
}

/// Evaluates an ARM template; `display` names it in instance contexts.
pub fn evaluate_arm(root: FileId, display: &str, doc: &ArmDocument) -> Deployment {
    let mut deployment = Deployment::new(root);
    arm::evaluate_root(root, display, doc, &mut deployment);
    link::link_parents(&mut deployment);
    deployment.build_index();
    deployment
}

/// Local module paths a Bicep file refers to, resolved against its folder; the scan loads
/// them before evaluation so that the workspace is complete and read-only while evaluating.
pub fn module_paths(workspace: &Workspace, file: FileId) -> Vec<std::path::PathBuf> {
    bicep::module_paths(workspace, file)
}
