//! Second hostile review of the issue-11 evaluator, after the fixes of `tests/adversarial.rs`:
//! small valid templates that make pgguard pass an insecure template, decide what it cannot
//! know, or weaken a certain failure. Each test asserts the verdict a careful security engineer
//! would give; a test that fails today is a defect, and the ones marked `// holds today` are
//! regressions worth keeping. No finding is a pass; a finding is a fail or an unknown.

mod common;

use common::{all, findings, scan_files, verdicts};

use pgguard::report::{Format, RenderOptions, render};
use pgguard::rules::Verdict;
use pgguard::scan::{ScanOptions, ScanReport, scan};
use std::path::PathBuf;

/// The verdicts of one rule's findings on the resource named `name`.
fn verdicts_on(report: &ScanReport, rule: &str, name: &str) -> Vec<Verdict> {
    let mut out: Vec<Verdict> =
        findings(report, rule).iter().filter(|f| f.resource_name == name).map(|f| f.verdict).collect();
    out.sort_by_key(|v| v.as_str());
    out
}

/// Properties of a flexible server that pass PG201, PG204 and PG401 (VNet-injected).
const HARDENED: &str = "properties: {
    network: { publicNetworkAccess: 'Disabled', delegatedSubnetResourceId: 'subnet' }
    backup: { geoRedundantBackup: 'Enabled' }
  }";

/// Properties of a flexible server that pass PG201 and PG401 but need a private endpoint (PG204).
const PUBLIC_OFF: &str = "properties: {
    network: { publicNetworkAccess: 'Disabled' }
    backup: { geoRedundantBackup: 'Enabled' }
  }";

const TLS_OFF: &str = "properties: { value: 'off', source: 'user-override' }";

const OPEN_RULE: &str = "properties: { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' }";

/// A private endpoint to `target` (a Bicep expression) with the `postgresqlServer` group.
fn endpoint(target: &str) -> String {
    format!(
        "resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {{
  name: 'pe'
  location: 'westeurope'
  properties: {{
    subnet: {{ id: 'subnet' }}
    privateLinkServiceConnections: [
      {{
        name: 'c'
        properties: {{
          privateLinkServiceId: {target}
          groupIds: [ 'postgresqlServer' ]
        }}
      }}
    ]
  }}
}}
"
    )
}

/// The local flexible server `pg`, public access off, with no private endpoint of its own.
fn local_server() -> String {
    format!(
        "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg'
  location: 'westeurope'
  {PUBLIC_OFF}
}}
"
    )
}

const OTHER_RG: &str = "resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' existing = {
  scope: subscription()
  name: 'other-rg'
}
";

// ---------------------------------------------------------------------------------------------
// Defects: each fails today.
// ---------------------------------------------------------------------------------------------

/// `scope: rg`, with `rg` a `Microsoft.Resources/resourceGroups` resource (the everyday way of
/// naming another resource group in Bicep), is evaluated to the resource's value, an object, and
/// `resources::elsewhere` counts any object as "this scope". So a module deployed into
/// `other-rg` and an `existing` server in `other-rg` both land in the local scope: the module's
/// `resourceId(…, 'pg')` and `other.id` become the local server `pg`'s id and PG204 passes,
/// although the endpoint serves the other resource group's server. (`scope:
/// resourceGroup('other-rg')` is rightly unknown; see
/// `a_module_in_a_resource_group_named_by_a_parameter_is_not_here`.) Expected: PG204 unknown.
#[test]
fn scope_given_a_resource_group_symbol_is_another_scope() {
    let module = format!(
        "param serverName string
{}",
        endpoint("resourceId('Microsoft.DBforPostgreSQL/flexibleServers', serverName)")
    );
    let main = format!(
        "{OTHER_RG}{}
module m 'pe.bicep' = {{
  name: 'm'
  scope: rg
  params: {{ serverName: 'pg' }}
}}
",
        local_server()
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main), ("pe.bicep", &module)]);
    assert_eq!(verdicts(&report, "PG204"), vec![Verdict::Unknown], "module: {:#?}", all(&report));

    let main = format!(
        "{OTHER_RG}{}
resource other 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {{
  scope: rg
  name: 'pg'
}}

{}",
        local_server(),
        endpoint("other.id")
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts(&report, "PG204"), vec![Verdict::Unknown], "existing: {:#?}", all(&report));
}

/// Bicep's array spread of an unknown array, `[...extraIps, '10.0.0.1']`, is pushed as one
/// element (`bicep/expr.rs`, `ExprKind::Array`: `other => out.push(other)`), so the array has
/// two elements whatever `extraIps` holds: `length(ips) == 1` is "false" and a rule open to the
/// whole internet under that condition is dropped. The compiled ARM (`concat(parameters(…),
/// createArray(…))`) is rightly unknown. Expected: the rule is judged as deployed (RULES.md: a
/// resource under an unknown condition is), so PG203 fails, saying when; not a pass.
#[test]
fn spreading_an_unknown_array_does_not_make_one_element() {
    let main = format!(
        "param extraIps array
var ips = [...extraIps, '10.0.0.1']

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg'
  location: 'westeurope'
  {HARDENED}
}}

resource legacy 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (length(ips) == 1) {{
  parent: server
  name: 'legacy'
  {OPEN_RULE}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts(&report, "PG203"), vec![Verdict::Fail], "{:#?}", all(&report));
    let open = findings(&report, "PG203");
    assert!(open[0].message.ends_with("when `length(ips) == 1` is true"), "{}", open[0].message);
}

/// `empty({ ...extra })` is `true` when `extra` is `{}`, but `functions::strings::empty` counts
/// the object's members, the unknown-spread marker among them, and answers `false`: the rule
/// under `if (empty(settings))` is dropped. (`length()`, `contains()` and `items()` already
/// check for the marker.) Expected: the rule is judged as deployed: PG203 fails, saying when.
#[test]
fn an_object_spread_from_an_unknown_may_be_empty() {
    let main = format!(
        "param extra object
var settings = {{ ...extra }}

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg'
  location: 'westeurope'
  {HARDENED}
}}

resource fallback 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (empty(settings)) {{
  parent: server
  name: 'fallback'
  {OPEN_RULE}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts(&report, "PG203"), vec![Verdict::Fail], "{:#?}", all(&report));
    let open = findings(&report, "PG203");
    assert!(open[0].message.ends_with("when `empty(settings)` is true"), "{}", open[0].message);
}

/// `parent: servers[0]` into a *known* loop whose element 0 is under a false condition: the
/// element exists by its name `a` (the compiled child is named `a/require_secure_transport`,
/// with no condition), but `parent_ref` only recovers the name of a plain `parent: symbol` and
/// gives an indexed one an opaque name. The configuration then "may belong" to every server:
/// TLS off on `a` is not reported and `b`, which it surely is not, gets an unknown.
/// Expected: PG103 fails on `a`; `b` passes.
#[test]
fn parent_element_of_a_known_loop_under_a_false_condition_keeps_its_name() {
    let main = format!(
        "resource servers 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = [for (n, i) in ['a', 'b']: if (i == 1) {{
  name: n
  location: 'westeurope'
  {HARDENED}
}}]

resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {{
  parent: servers[0]
  name: 'require_secure_transport'
  {TLS_OFF}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts_on(&report, "PG103", "a"), vec![Verdict::Fail], "{:#?}", all(&report));
    assert_eq!(verdicts_on(&report, "PG103", "b"), vec![], "{:#?}", all(&report));
}

/// A server created only when asked (`if (newServer)`) and a configuration that always deploys
/// (Bicep `parent:` keeps its own condition; an ARM top-level child named `pg-prod/…` has none):
/// when the server is new TLS is off on it, and when it is not the configuration turns TLS off on
/// the existing `pg-prod`. The template turns TLS off either way, and with `if (false)` pgguard
/// already says fail (`a_bicep_parent_child_keeps_its_own_condition`); with an unknown condition
/// `rules::condition::parameter` weakens the child's failure by the *server's* condition
/// (`if_deployed` on the subject in `engine::run`): "unknown if deployed". The first round fixed
/// only the `existing`-reference shape. Expected: PG103 fails in both languages.
#[test]
fn a_child_that_always_deploys_fails_whatever_its_servers_condition() {
    let bicep = format!(
        "param newServer bool

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (newServer) {{
  name: 'pg-prod'
  location: 'westeurope'
  {HARDENED}
}}

resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {{
  parent: server
  name: 'require_secure_transport'
  {TLS_OFF}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &bicep)]);
    assert_eq!(verdicts(&report, "PG103"), vec![Verdict::Fail], "Bicep: {:#?}", all(&report));

    let arm = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "newServer": { "type": "bool" } },
  "resources": [
    {
      "condition": "[parameters('newServer')]",
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "pg-prod",
      "location": "westeurope",
      "properties": {
        "network": { "publicNetworkAccess": "Disabled", "delegatedSubnetResourceId": "subnet" },
        "backup": { "geoRedundantBackup": "Enabled" }
      }
    },
    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
      "apiVersion": "2024-08-01",
      "name": "pg-prod/require_secure_transport",
      "properties": { "value": "off", "source": "user-override" }
    }
  ]
}"#;
    let (_dir, report) = scan_files(&[("azuredeploy.json", arm)]);
    assert_eq!(verdicts(&report, "PG103"), vec![Verdict::Fail], "ARM: {:#?}", all(&report));
}

/// A literal id with neither subscription nor resource group (`/providers/…/flexibleServers/pg`)
/// names no resource-group resource, yet `ResourceId::parse` fills the missing parts with the
/// deployment's own scope, so it "is" the local server's id and PG204 passes with an endpoint
/// that links to nothing. Expected: PG204 not a pass (fail: no endpoint reaches the server).
#[test]
fn a_literal_id_without_subscription_and_resource_group_is_not_the_server() {
    let main = format!(
        "{}
{}",
        local_server(),
        endpoint("'/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg'")
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_ne!(verdicts(&report, "PG204"), vec![], "{:#?}", all(&report));
}

// ---------------------------------------------------------------------------------------------
// Regressions that hold today.
// ---------------------------------------------------------------------------------------------

/// A module whose `scope` is a resource group named by a parameter (or literally another one)
/// deploys elsewhere: its endpoint to `pg` may or may not be the local server's.
// holds today
#[test]
fn a_module_in_a_resource_group_named_by_a_parameter_is_not_here() {
    let module = format!(
        "param serverName string
{}",
        endpoint("resourceId('Microsoft.DBforPostgreSQL/flexibleServers', serverName)")
    );
    for scope in [
        "resourceGroup(rgName)",
        "resourceGroup('other-rg')",
        "resourceGroup(subscription().subscriptionId, 'other-rg')",
    ] {
        let main = format!(
            "param rgName string
{}
module m 'pe.bicep' = {{
  name: 'm'
  scope: {scope}
  params: {{ serverName: 'pg' }}
}}
",
            local_server()
        );
        let (_dir, report) = scan_files(&[("main.bicep", &main), ("pe.bicep", &module)]);
        assert_eq!(verdicts(&report, "PG204"), vec![Verdict::Unknown], "{scope}: {:#?}", all(&report));
    }
}

/// `o.?publicNetworkAccess ?? 'Disabled'` over `{ ...extra }` is unknown: the spread may bring
/// the member.
// holds today
#[test]
fn a_safe_member_of_a_spread_object_may_be_present() {
    let main = "param extra object
var o = { ...extra }
resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    sslEnforcement: o.?ssl ?? 'Enabled'
    publicNetworkAccess: 'Disabled'
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Unknown], "{:#?}", all(&report));
}

/// ARM parameter names are compared without case: `parameters('servername')` and
/// `Parameters('SERVERNAME')` are the parameter `ServerName`, so the firewall rule belongs to
/// the server (and fails) and the endpoint is the server's.
// holds today
#[test]
fn arm_parameter_names_differing_in_case_are_one_parameter() {
    let arm = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "ServerName": { "type": "string" } },
  "resources": [
    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "[parameters('ServerName')]",
      "location": "westeurope",
      "properties": {
        "network": { "publicNetworkAccess": "Disabled" },
        "backup": { "geoRedundantBackup": "Enabled" }
      }
    },
    {
      "type": "Microsoft.Network/privateEndpoints",
      "apiVersion": "2024-05-01",
      "name": "pe",
      "location": "westeurope",
      "properties": {
        "subnet": { "id": "subnet" },
        "privateLinkServiceConnections": [
          { "name": "c", "properties": { "privateLinkServiceId": "[resourceId('Microsoft.DBforPostgreSQL/flexibleServers', parameters('servername'))]", "groupIds": [ "postgresqlServer" ] } }
        ]
      }
    },
    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
      "apiVersion": "2024-08-01",
      "name": "[concat(Parameters('SERVERNAME'), '/all')]",
      "properties": { "startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255" }
    }
  ]
}"#;
    let (_dir, report) = scan_files(&[("azuredeploy.json", arm)]);
    assert_eq!(verdicts(&report, "PG204"), vec![], "{:#?}", all(&report));
    assert_eq!(verdicts(&report, "PG203"), vec![Verdict::Fail], "{:#?}", all(&report));
}

/// An `existing` reference named by a module's output is the server the module deploys: the
/// configuration under it fails on that server.
// holds today
#[test]
fn an_existing_reference_named_by_a_module_output_is_the_modules_server() {
    let module = format!(
        "param name string
resource s 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: name
  location: 'westeurope'
  {HARDENED}
}}
output name string = s.name
"
    );
    let main = format!(
        "module a 'srv.bicep' = {{ name: 'a', params: {{ name: 'pg-a' }} }}
module b 'srv.bicep' = {{ name: 'b', params: {{ name: 'pg-b' }} }}

resource ref 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {{
  name: a.outputs.name
}}

resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {{
  parent: ref
  name: 'require_secure_transport'
  {TLS_OFF}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main), ("srv.bicep", &module)]);
    assert_eq!(verdicts_on(&report, "PG103", "pg-a"), vec![Verdict::Fail], "{:#?}", all(&report));
    assert_eq!(verdicts_on(&report, "PG103", "pg-b"), vec![], "{:#?}", all(&report));
}

/// An ARM copy loop of servers where only the second is deployed, and a copy loop of
/// top-level configurations named `concat('pg-', copyIndex(), '/…')`: the first configuration
/// deploys onto the (existing) `pg-0` and fails there.
// holds today
#[test]
fn arm_children_of_a_copy_element_not_deployed_still_fail() {
    let arm = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "condition": "[equals(copyIndex(), 1)]",
      "copy": { "name": "servers", "count": 2 },
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "[concat('pg-', copyIndex())]",
      "location": "westeurope",
      "properties": {
        "network": { "publicNetworkAccess": "Disabled", "delegatedSubnetResourceId": "subnet" },
        "backup": { "geoRedundantBackup": "Enabled" }
      }
    },
    {
      "copy": { "name": "tls", "count": 1 },
      "type": "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
      "apiVersion": "2024-08-01",
      "name": "[concat('pg-', copyIndex(), '/require_secure_transport')]",
      "properties": { "value": "off", "source": "user-override" }
    }
  ]
}"#;
    let (_dir, report) = scan_files(&[("azuredeploy.json", arm)]);
    assert_eq!(verdicts_on(&report, "PG103", "pg-0"), vec![Verdict::Fail], "{:#?}", all(&report));
    assert_eq!(verdicts_on(&report, "PG103", "pg-1"), vec![], "{:#?}", all(&report));
}

/// The JSON report of the repository's test templates is byte-identical with one worker thread
/// and with several.
// holds today
#[test]
fn the_json_report_does_not_depend_on_the_number_of_threads() {
    let testdata = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let options = RenderOptions::default();
    let run = |threads: usize| {
        let report =
            scan(std::slice::from_ref(&testdata), ScanOptions { threads, ..ScanOptions::default() }).expect("scan");
        render(&report, Format::Json, &options)
    };
    let one = run(1);
    for threads in [2, 4] {
        assert_eq!(one, run(threads), "{threads} threads");
    }
}
