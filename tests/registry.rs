//! Registry modules (`br:`, `br/<alias>:`, `ts:`, `ts/<alias>:`) read from the local Bicep
//! module cache, never fetched; ARM templates as Bicep modules; `.bicepparam` imports. Each
//! test builds its own cache in a temporary folder (named by `cacheRootDirectory`, or as `HOME`
//! of a pgguard process): the user's real cache is never read.

mod common;

use assert_cmd::cargo::cargo_bin_cmd;
use common::{all, findings, verdicts};
use pgguard::rules::Verdict;
use std::path::Path;

/// A compiled registry module (ARM, as `bicep restore` writes `main.json`): a flexible server
/// whose `publicNetworkAccess` is the parameter `access`, and its id as an output.
const PG_MODULE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "metadata": { "_generator": { "name": "bicep", "version": "0.30.23.60470" } },
  "parameters": {
    "name": { "type": "string" },
    "access": { "type": "string", "defaultValue": "Enabled", "allowedValues": ["Enabled", "Disabled"] }
  },
  "resources": [
    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "[parameters('name')]",
      "location": "westeurope",
      "properties": {
        "network": { "publicNetworkAccess": "[parameters('access')]" },
        "backup": { "geoRedundantBackup": "Enabled" }
      }
    }
  ],
  "outputs": {
    "serverId": {
      "type": "string",
      "value": "[resourceId('Microsoft.DBforPostgreSQL/flexibleServers', parameters('name'))]"
    }
  }
}"#;

/// Writes files (creating folders) under `root`.
fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

/// Scans `dir` in this process (the cache must be named by a `bicepconfig.json`).
fn scan(dir: &Path) -> pgguard::scan::ScanReport {
    let report = pgguard::scan::scan(&[dir.to_path_buf()], pgguard::scan::ScanOptions::default()).expect("scan");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    report
}

/// A `bicepconfig.json` whose cache is `cache` (JSON-escaped), with `extra` members.
fn config(cache: &Path, extra: &str) -> String {
    let cache = serde_json::to_string(&cache.to_string_lossy()).expect("json");
    format!("{{\n  // comments are allowed, as in Bicep\n  \"cacheRootDirectory\": {cache}{extra}\n}}")
}

fn caller(reference: &str, access: &str) -> String {
    format!(
        "module pg '{reference}' = {{
  name: 'pg'
  params: {{
    name: 'pg-from-registry'
    access: '{access}'
  }}
}}
output serverId string = pg.outputs.serverId
"
    )
}

#[test]
fn a_cached_registry_module_is_judged_with_what_its_caller_gives() {
    for (access, expected) in [("Enabled", vec![Verdict::Fail]), ("Disabled", vec![])] {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = dir.path().join("cache");
        let main = caller("br:contoso.azurecr.io/modules/postgres:1.0.0", access);
        write(
            dir.path(),
            &[
                ("repo/main.bicep", &main),
                ("repo/bicepconfig.json", &config(&cache, "")),
                ("cache/br/contoso.azurecr.io/modules$postgres/1.0.0$/main.json", PG_MODULE),
            ],
        );
        let report = scan(&dir.path().join("repo"));
        assert_eq!(verdicts(&report, "PG201"), expected, "{access}: {:#?}", all(&report));
        if let [finding] = findings(&report, "PG201").as_slice() {
            // The finding is in the cached module, reached through the caller.
            assert!(report.file(finding.location).path.ends_with("main.json"));
            assert!(finding.contexts.iter().any(|c| c.contains("module pg (br:contoso.azurecr.io")), "{finding:#?}");
        }
    }
}

#[test]
fn a_cached_module_gives_its_outputs_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let main = caller("br:contoso.azurecr.io/modules/postgres:1.0.0", "Disabled");
    write(
        dir.path(),
        &[
            ("repo/main.bicep", &main),
            ("repo/bicepconfig.json", &config(&cache, "")),
            ("cache/br/contoso.azurecr.io/modules$postgres/1.0.0$/main.json", PG_MODULE),
        ],
    );
    let evaluated = pgguard::scan::evaluate(&[dir.path().join("repo/main.bicep")]).expect("evaluate");
    let deployment = &evaluated.deployments[0];
    assert!(deployment.opaque.is_empty(), "{:#?}", deployment.opaque);
    let output = deployment.outputs.iter().find(|o| o.name == "serverId" && o.context == "main.bicep").expect("output");
    let shown = output.value.value.describe();
    assert!(!matches!(output.value.value, pgguard::model::Value::Unknown(_)), "{shown}");
    assert!(shown.contains("the id of a `Microsoft.DBforPostgreSQL/flexibleServers`"), "{shown}");
}

#[test]
fn a_module_missing_from_the_cache_says_how_to_restore_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("empty-cache");
    // The server's private endpoint comes from a registry module that was never restored.
    let main = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    network: { publicNetworkAccess: 'Disabled' }
    backup: { geoRedundantBackup: 'Enabled' }
  }
}
module pe 'br/public:avm/res/network/private-endpoint:0.7.0' = {
  name: 'pe'
  params: {
    name: 'pe-pg'
    subnetResourceId: 'subnet'
    privateLinkServiceConnections: [
      { name: 'c', properties: { privateLinkServiceId: server.id, groupIds: ['postgresqlServer'] } }
    ]
  }
}
";
    write(dir.path(), &[("main.bicep", main), ("bicepconfig.json", &config(&cache, ""))]);
    let report = scan(dir.path());
    assert_eq!(verdicts(&report, "PG204"), vec![Verdict::Unknown], "{:#?}", all(&report));
    let message = &findings(&report, "PG204")[0].message;
    assert!(
        message.contains("br/public:avm/res/network/private-endpoint:0.7.0, not in the local Bicep cache (")
            && message.contains("bicep$avm$res$network$private-endpoint/0.7.0$")
            && message.contains("run `bicep restore ")
            && message.contains("main.bicep`"),
        "{message}"
    );
}

#[test]
fn aliases_come_from_the_nearest_bicepconfig() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    // The nearer configuration's `contoso` wins over the outer one's; `br/public` stays built in.
    let outer =
        config(&cache, ",\n  \"moduleAliases\": { \"br\": { \"contoso\": { \"registry\": \"wrong.azurecr.io\" } } }");
    let inner = config(
        &cache,
        ",\n  \"moduleAliases\": { \"br\": { \"contoso\": { \"registry\": \"contoso.azurecr.io\", \"modulePath\": \"modules\" } },\n    \"ts\": { \"specs\": { \"subscription\": \"00000000-0000-0000-0000-000000000000\", \"resourceGroup\": \"Templates\" } } }",
    );
    let main = caller("br/contoso:postgres:1.0.0", "Enabled");
    let spec = caller("ts/specs:Postgres:V1", "Enabled")
        .replace("module pg", "module spec")
        .replace("pg.outputs", "spec.outputs");
    let spec = spec.replace("output serverId", "output specId");
    write(
        dir.path(),
        &[
            ("bicepconfig.json", &outer),
            ("app/bicepconfig.json", &inner),
            ("app/infra/main.bicep", &format!("{main}{spec}")),
            ("cache/br/contoso.azurecr.io/modules$postgres/1.0.0$/main.json", PG_MODULE),
            ("cache/ts/00000000-0000-0000-0000-000000000000/templates/postgres/v1/main.json", PG_MODULE),
        ],
    );
    let report = scan(&dir.path().join("app"));
    // Two cached modules (one `main.json` each), each reached through its alias.
    let pg201 = findings(&report, "PG201");
    let contexts: Vec<&String> = pg201.iter().flat_map(|f| &f.contexts).collect();
    assert_eq!(pg201.len(), 2, "{:#?}", all(&report));
    assert!(contexts.iter().any(|c| c.contains("(br/contoso:postgres:1.0.0)")), "{contexts:#?}");
    assert!(contexts.iter().any(|c| c.contains("(ts/specs:Postgres:V1)")), "{contexts:#?}");
}

#[test]
fn an_unknown_alias_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    write(
        dir.path(),
        &[("main.bicep", &caller("br/nowhere:postgres:1.0.0", "Enabled")), ("bicepconfig.json", &config(&cache, ""))],
    );
    let evaluated = pgguard::scan::evaluate(&[dir.path().join("main.bicep")]).expect("evaluate");
    let label = &evaluated.deployments[0].opaque[0].label;
    assert!(label.contains("defines no module alias `br/nowhere`"), "{label}");
}

#[test]
fn template_specs_are_read_from_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let main = caller("ts:00000000-0000-0000-0000-000000000000/Templates/Postgres:V1", "Enabled");
    write(
        dir.path(),
        &[
            ("repo/main.bicep", &main),
            ("repo/bicepconfig.json", &config(&cache, "")),
            ("cache/ts/00000000-0000-0000-0000-000000000000/templates/postgres/v1/main.json", PG_MODULE),
        ],
    );
    let report = scan(&dir.path().join("repo"));
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
}

/// pgguard with `HOME` set to `home`, scanning `path`: the JSON report.
fn scan_with_home(home: &Path, path: &Path) -> serde_json::Value {
    let out = cargo_bin_cmd!("pgguard")
        .env("HOME", home)
        .env_remove("USERPROFILE")
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .arg(path)
        .output()
        .expect("pgguard runs");
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn rule_findings<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["findings"].as_array().expect("findings").iter().filter(|f| f["rule_id"] == rule).collect()
}

#[test]
fn the_default_cache_is_under_the_home_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    let main = caller("br/public:avm/res/db-for-postgre-sql/flexible-server:0.1.0", "Enabled");
    write(dir.path(), &[("repo/main.bicep", &main)]);
    let report = scan_with_home(&home, &dir.path().join("repo"));
    let pg201 = rule_findings(&report, "PG201");
    assert!(pg201.is_empty(), "the module is not restored: nothing to judge yet: {report:#}");
    write(
        &home,
        &[(".bicep/br/mcr.microsoft.com/bicep$avm$res$db-for-postgre-sql$flexible-server/0.1.0$/main.json", PG_MODULE)],
    );
    let report = scan_with_home(&home, &dir.path().join("repo"));
    let pg201 = rule_findings(&report, "PG201");
    assert_eq!(pg201.len(), 1, "{report:#}");
    assert_eq!(pg201[0]["verdict"], "fail");
    // Named the same on every machine: fingerprints and baselines include the path.
    assert_eq!(
        pg201[0]["location"]["file"],
        "~/.bicep/br/mcr.microsoft.com/bicep$avm$res$db-for-postgre-sql$flexible-server/0.1.0$/main.json"
    );
}

/// The AVM PostgreSQL module's `public-with-pe` e2e test deploys its private endpoint through
/// `br/public:avm/res/network/private-endpoint:0.12.0`. Without the cache PG204 is unknown and
/// says to run `bicep restore`; with the real AVM private-endpoint `main.json` in the cache it
/// passes: the endpoint is evaluated and connects to the server.
#[test]
fn the_avm_private_endpoint_module_from_the_cache_settles_pg204() {
    let Some(server) = common::avm_flexible_server("the_avm_private_endpoint_module_from_the_cache_settles_pg204")
    else {
        return;
    };
    let endpoint = server.join("../../network/private-endpoint/main.json");
    let test = server.join("tests/e2e/public-with-pe");
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    let report = scan_with_home(&home, &test);
    let pg204 = rule_findings(&report, "PG204");
    assert_eq!(pg204.len(), 1, "{report:#}");
    assert_eq!(pg204[0]["verdict"], "unknown");
    let message = pg204[0]["message"].as_str().expect("message");
    assert!(
        message.contains("not in the local Bicep cache (~/.bicep/br/") && message.contains("bicep restore"),
        "{message}"
    );

    let cached = home.join(".bicep/br/mcr.microsoft.com/bicep$avm$res$network$private-endpoint/0.12.0$");
    std::fs::create_dir_all(&cached).expect("mkdir");
    std::fs::copy(&endpoint, cached.join("main.json")).expect("copy the AVM module");
    let report = scan_with_home(&home, &test);
    assert!(rule_findings(&report, "PG204").is_empty(), "{report:#}");
    assert!(report["errors"].as_array().is_some_and(|e| e.is_empty()), "{report:#}");
}

#[test]
fn a_local_arm_template_is_a_module_judged_through_its_caller() {
    let main = "module pg './postgres.json' = {
  name: 'pg'
  params: {
    name: 'pg-local'
    access: 'Disabled'
  }
}
output id string = pg.outputs.serverId
";
    // On its defaults the template would fail PG201; its only caller turns access off.
    let (_dir, report) = common::scan_files(&[("main.bicep", main), ("postgres.json", PG_MODULE)]);
    assert_eq!(verdicts(&report, "PG201"), vec![], "{:#?}", all(&report));
    let enabled = main.replace("'Disabled'", "'Enabled'");
    let (_dir, report) = common::scan_files(&[("main.bicep", &enabled), ("postgres.json", PG_MODULE)]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
    assert!(
        findings(&report, "PG201")[0].contexts.iter().all(|c| c.starts_with("main.bicep") || c.contains("main.bicep"))
    );
}

#[test]
fn a_parameter_file_may_use_imported_variables() {
    let main = "param access string
param name string = 'pg'
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: 'westeurope'
  properties: {
    network: { publicNetworkAccess: access }
    backup: { geoRedundantBackup: 'Enabled' }
  }
}
";
    let shared = "@export()\nvar access = 'Enabled'\n@export()\nvar names = { prod: 'pg-prod' }\n";
    let params = "using 'main.bicep'\nimport {access as sharedAccess} from 'shared/vars.bicep'\nimport * as vars from 'shared/vars.bicep'\nparam access = sharedAccess\nparam name = vars.names.prod\n";
    let (_dir, report) =
        common::scan_files(&[("main.bicep", main), ("shared/vars.bicep", shared), ("main.bicepparam", params)]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
    let finding = findings(&report, "PG201")[0];
    assert_eq!(finding.resource_name, "pg-prod", "{finding:#?}");
    assert!(finding.contexts.iter().any(|c| c.contains("main.bicepparam")), "{finding:#?}");
    let disabled = shared.replace("'Enabled'", "'Disabled'");
    let (_dir, report) =
        common::scan_files(&[("main.bicep", main), ("shared/vars.bicep", &disabled), ("main.bicepparam", params)]);
    assert_eq!(verdicts(&report, "PG201"), vec![], "{:#?}", all(&report));
}
