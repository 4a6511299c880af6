//! What a template changes on a server it does not create (`existing`): children it deploys are
//! judged, the server's own settings are not, and a rule's precondition that reads those settings
//! leaves the verdict unknown rather than silently passing.

mod common;

use common::{all, findings, scan_files, verdicts};
use pgguard::rules::Verdict;

const EXISTING_FLEX_ATP_DISABLED: &str =
    "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: 'pg-shared'
}

resource threatProtection 'Microsoft.DBforPostgreSQL/flexibleServers/advancedThreatProtectionSettings@2024-08-01' = {
  parent: server
  name: 'Default'
  properties: {
    state: 'Disabled'
  }
}
";

#[test]
fn a_child_that_breaks_an_all_condition_fails_on_an_existing_server() {
    let (_dir, report) = scan_files(&[("main.bicep", EXISTING_FLEX_ATP_DISABLED)]);
    assert_eq!(verdicts(&report, "PG508"), vec![Verdict::Fail], "{:#?}", all(&report));
}

#[test]
fn an_existing_server_without_children_is_not_judged_for_them() {
    let template = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: 'pg-shared'
}

resource db 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: 'orders'
}
";
    let (_dir, report) = scan_files(&[("main.bicep", template)]);
    for rule in ["PG503", "PG504", "PG505", "PG506", "PG507", "PG508"] {
        assert_eq!(verdicts(&report, rule), vec![], "{rule}: {:#?}", all(&report));
    }
}

#[test]
fn a_precondition_on_an_existing_servers_own_settings_is_unknown() {
    // PG508 does not apply to a Basic single server; an existing server's tier is not in the
    // template, so a policy the template disables is an unknown, not a pass.
    let template = "resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' existing = {
  name: 'pg-legacy'
}

resource alerts 'Microsoft.DBforPostgreSQL/servers/securityAlertPolicies@2017-12-01' = {
  parent: server
  name: 'Default'
  properties: {
    state: 'Disabled'
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", template)]);
    let found = findings(&report, "PG508");
    assert_eq!(found.len(), 1, "{:#?}", all(&report));
    assert_eq!(found[0].verdict, Verdict::Unknown);
    assert!(found[0].message.contains("whether it applies is unknown"), "{}", found[0].message);
}

#[test]
fn an_any_precondition_does_not_depend_on_the_order_of_its_conditions() {
    // PG504's precondition lists the version test before the configuration test; the existing
    // server's version is not known, but the configuration it sets decides that it applies.
    let template = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: 'pg-shared'
}

resource throttle 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'connection_throttle.enable'
  properties: {
    value: 'off'
    source: 'user-override'
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", template)]);
    assert_eq!(verdicts(&report, "PG504"), vec![Verdict::Fail], "{:#?}", all(&report));
}

#[test]
fn flexible_server_18_has_no_connection_throttling_to_check() {
    let template = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: 'pg-v18'
  location: 'westeurope'
  properties: {
    version: '18'
  }
}

resource server17 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg-v17'
  location: 'westeurope'
  properties: {
    version: '17'
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", template)]);
    let found = findings(&report, "PG504");
    assert_eq!(found.len(), 1, "{:#?}", all(&report));
    assert_eq!(found[0].resource_name, "pg-v17");
}

#[test]
fn mixed_allowed_versions_leave_connection_throttling_unknown() {
    let template = "@allowed([
  '16'
  '18'
])
param version string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg-app'
  location: 'westeurope'
  properties: {
    version: version
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", template)]);
    assert_eq!(verdicts(&report, "PG504"), vec![Verdict::Unknown], "{:#?}", all(&report));
}
