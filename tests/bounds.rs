//! `@minValue`/`@maxValue` (ARM `minValue`/`maxValue`) bound a parameter without value:
//! `model::compare::at_least`/`at_most` decide ordered comparisons of the deployed property
//! from that range, and so do the template's own `<`, `>=`… on it.

use pgguard::model::compare::{at_least, at_most};
use pgguard::model::{Node, Tri, Value};

/// The value deployed at `path` of the only resource of `resource_type` in the only
/// deployment of `files`.
fn deployed(files: &[(&str, &str)], resource_type: &str, path: &[&str]) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let evaluated = pgguard::scan::evaluate(&[dir.path().to_path_buf()]).expect("evaluate");
    assert!(evaluated.errors.is_empty(), "{:#?}", evaluated.errors);
    let deployment = evaluated.deployments.first().expect("a deployment");
    let resource = deployment
        .resources
        .iter()
        .find(|r| r.resource_type.eq_ignore_ascii_case(resource_type))
        .expect("the resource");
    let mut node: &Node = &resource.body;
    for key in path {
        node = node.get(key).unwrap_or_else(|| panic!("no `{key}` in {:?}", node.value));
    }
    node.value.clone()
}

const FLEX: &str = "Microsoft.DBforPostgreSQL/flexibleServers";

/// The AVM flexible-server shape: `@minValue(7) @maxValue(35) param backupRetentionDays int`.
fn bicep(decorators: &str, value: &str) -> Value {
    let text = format!(
        "{decorators}
param backupRetentionDays int
param cond bool
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg'
  location: 'westeurope'
  properties: {{
    backup: {{ backupRetentionDays: {value}, geoRedundantBackup: 'Enabled' }}
  }}
}}
"
    );
    deployed(&[("main.bicep", &text)], FLEX, &["properties", "backup", "backupRetentionDays"])
}

fn unknown(t: Tri) -> bool {
    matches!(t, Tri::Unknown(_))
}

#[test]
fn a_minimum_at_or_above_the_threshold_passes_at_least() {
    let days = bicep("@minValue(7)\n@maxValue(35)", "backupRetentionDays");
    assert_eq!(at_least(&days, 7), Tri::Yes);
    assert_eq!(at_least(&days, 5), Tri::Yes);
    assert!(unknown(at_least(&days, 8)));
    assert_eq!(at_most(&days, 35), Tri::Yes);
    assert!(unknown(at_most(&days, 34)));
    assert_eq!(at_least(&days, 36), Tri::No);
    assert_eq!(at_most(&days, 6), Tri::No);
}

#[test]
fn a_lower_minimum_leaves_it_unknown() {
    let days = bicep("@minValue(1)", "backupRetentionDays");
    assert!(unknown(at_least(&days, 7)));
    assert!(unknown(at_most(&days, 35)));
    // Without a range nothing is decided.
    let days = bicep("", "backupRetentionDays");
    assert!(unknown(at_least(&days, 1)));
}

#[test]
fn int_keeps_the_range_and_arithmetic_drops_it() {
    assert_eq!(at_least(&bicep("@minValue(7)", "int(backupRetentionDays)"), 7), Tri::Yes);
    assert!(unknown(at_least(&bicep("@minValue(7)", "backupRetentionDays - 1"), 7)));
    // `-x` mirrors it.
    assert_eq!(at_most(&bicep("@minValue(7)", "-backupRetentionDays"), -7), Tri::Yes);
}

#[test]
fn known_numbers_and_alternatives_are_compared_each() {
    assert_eq!(at_least(&bicep("", "14"), 7), Tri::Yes);
    assert_eq!(at_least(&bicep("", "3"), 7), Tri::No);
    assert_eq!(at_least(&bicep("", "cond ? 14 : 7"), 7), Tri::Yes);
    assert!(unknown(at_least(&bicep("", "cond ? 14 : 3"), 7)));
    assert_eq!(at_least(&bicep("@allowed([7, 14, 35])", "backupRetentionDays"), 7), Tri::Yes);
    assert_eq!(at_least(&bicep("", "'14'"), 7), Tri::No);
}

#[test]
fn the_templates_own_comparisons_use_the_range() {
    // `days >= 7 ? days : 7` is `days`, whose range starts at 7.
    let days = bicep("@minValue(7)", "backupRetentionDays >= 7 ? 'long' : 'short'");
    assert_eq!(days, Value::String("long".into()));
    let days = bicep("@maxValue(5)", "backupRetentionDays < 7 ? 'short' : 'long'");
    assert_eq!(days, Value::String("short".into()));
    let days = bicep("@minValue(1)", "7 <= backupRetentionDays ? 'long' : 'short'");
    assert!(matches!(days, Value::Unknown(_)), "{days:?}");
}

#[test]
fn arm_min_and_max_value_bound_the_parameter() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "backupRetentionDays": { "type": "int", "minValue": 7, "maxValue": 35 } },
  "resources": [
    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "pg",
      "location": "westeurope",
      "properties": { "backup": { "backupRetentionDays": "[parameters('backupRetentionDays')]" } }
    }
  ]
}"#;
    let days = deployed(&[("main.json", template)], FLEX, &["properties", "backup", "backupRetentionDays"]);
    assert_eq!(at_least(&days, 7), Tri::Yes);
    assert_eq!(at_most(&days, 35), Tri::Yes);
    assert!(unknown(at_least(&days, 14)));
}

#[test]
fn a_module_input_keeps_to_the_modules_declared_range() {
    let module = "@minValue(7)
param days int
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: { backup: { backupRetentionDays: days } }
}
";
    let main = "param retention int
module db 'db.bicep' = {
  name: 'db'
  params: { days: retention }
}
";
    let days =
        deployed(&[("main.bicep", main), ("db.bicep", module)], FLEX, &["properties", "backup", "backupRetentionDays"]);
    assert_eq!(at_least(&days, 7), Tri::Yes);
}
