//! Snapshots of the evaluated model (`pgguard model`) of each fixture in `testdata/eval/`: what
//! the evaluator computes today, so that a change to it shows as a reviewed diff.

use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/eval").join(name)
}

fn model(name: &str) -> String {
    pgguard::scan::evaluate_model(&[fixture(name)]).expect("evaluate")
}

macro_rules! snapshots {
    ($($test:ident => $fixture:literal,)*) => {
        $(
            #[test]
            fn $test() {
                insta::assert_snapshot!($fixture, model($fixture));
            }
        )*

        #[test]
        fn every_fixture_has_a_snapshot() {
            let mut listed = vec![$($fixture),*];
            listed.sort();
            let dir = fixture("");
            let mut found: Vec<String> = std::fs::read_dir(&dir)
                .expect("testdata/eval")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            found.sort();
            assert_eq!(found, listed);
        }
    };
}

snapshots! {
    arm_children => "arm-children.json",
    arm_copy => "arm-copy.json",
    arm_expressions => "arm-expressions.json",
    arm_nested_deployments => "arm-nested-deployments.json",
    arm_symbolic => "arm-symbolic.json",
    bicep_children => "bicep-children.bicep",
    bicep_conditions => "bicep-conditions.bicep",
    bicep_language => "bicep-language",
    bicep_loops => "bicep-loops.bicep",
    bicep_modules => "bicep-modules",
    bicep_network => "bicep-network.bicep",
    bicep_opaque_modules => "bicep-opaque-modules",
    bicep_params_vars => "bicep-params-vars.bicep",
    bicep_property_loops => "bicep-property-loops.bicep",
    bicep_single_server => "bicep-single-server.bicep",
}

#[test]
fn the_model_is_the_same_whatever_the_order_of_the_paths() {
    let a = pgguard::scan::evaluate_model(&[fixture("bicep-loops.bicep"), fixture("arm-copy.json")]).expect("a");
    let b = pgguard::scan::evaluate_model(&[fixture("arm-copy.json"), fixture("bicep-loops.bicep")]).expect("b");
    assert_eq!(a, b);
    assert!(a.find("deployment arm-copy.json") < a.find("deployment bicep-loops.bicep"));
}
