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
use crate::workspace::{Parsed, Workspace};

/// Evaluates one root template. Returns `None` for files that are not templates.
pub fn evaluate(workspace: &Workspace, root: FileId) -> Option<Deployment> {
    let mut deployment = Deployment { root, resources: Vec::new(), problems: Vec::new(), opaque: Vec::new() };
    match workspace.parsed(root) {
        Parsed::Bicep(_) => bicep::evaluate_root(workspace, root, &mut deployment),
        Parsed::Arm(doc) if doc.kind == crate::syntax::arm::ArmKind::Template => {
            arm::evaluate_root(workspace, root, doc, &mut deployment)
        }
        _ => return None,
    }
    link::link_parents(&mut deployment);
    Some(deployment)
}

/// Local module paths a Bicep file refers to, resolved against its folder; the scan loads
/// them before evaluation so that the workspace is complete and read-only while evaluating.
pub fn module_paths(workspace: &Workspace, file: FileId) -> Vec<std::path::PathBuf> {
    bicep::module_paths(workspace, file)
}
