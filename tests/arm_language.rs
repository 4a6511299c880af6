//! The ARM template language, one construct per test: variable and output `copy`, user-defined
//! functions, lazy `and`/`or`/`if`, the standard functions inside templates, namespaced calls,
//! with examples from the corpus (the Bicep compiler's `Functions` and `Variables` baselines)
//! where they exist. Values are read from the evaluated outputs and resources.

mod common;

use pgguard::model::{Deployment, Value};
use pgguard::rules::Verdict;
use pgguard::scan::{ScanOptions, evaluate, scan};
use serde_json::json;
use std::path::Path;

const SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/// A template with `body` (members after `$schema`), evaluated.
fn evaluate_template(body: &str) -> Deployment {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("{{\"$schema\": \"{SCHEMA}\", \"contentVersion\": \"1.0.0.0\", {body}}}");
    std::fs::write(dir.path().join("main.json"), text).expect("write");
    evaluate_file(&dir.path().join("main.json"))
}

fn evaluate_file(path: &Path) -> Deployment {
    let evaluated = evaluate(&[path.to_path_buf()]).expect("evaluate");
    assert!(evaluated.errors.is_empty(), "{:#?}", evaluated.errors);
    evaluated.deployments.into_iter().next().expect("one deployment")
}

/// The value of output `name` as JSON, `None` while any part of it is unknown.
fn output(deployment: &Deployment, name: &str) -> Option<serde_json::Value> {
    let found = deployment.outputs.iter().find(|o| o.name == name).unwrap_or_else(|| panic!("no output {name}"));
    known(&found.value.value)
}

fn output_value<'a>(deployment: &'a Deployment, name: &str) -> &'a Value {
    &deployment.outputs.iter().find(|o| o.name == name).expect("output").value.value
}

fn known(value: &Value) -> Option<serde_json::Value> {
    Some(match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::String(s) => json!(s),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(|n| known(&n.value)).collect::<Option<_>>()?),
        Value::Object(members) => serde_json::Value::Object(
            members.iter().map(|(k, n)| Some((k.clone(), known(&n.value)?))).collect::<Option<_>>()?,
        ),
        Value::Partial(_) | Value::ResourceId(_) | Value::Unknown(_) => return None,
    })
}

/// A corpus file; `None` (the test skipped, saying so) when the corpus is absent.
fn corpus(test: &str, path: &str) -> Option<std::path::PathBuf> {
    common::corpus_dir(test).map(|c| c.join(path))
}

#[test]
fn a_top_level_variable_copy_declares_arrays() {
    let d = evaluate_template(
        r#""variables": {
            "copy": [
              { "name": "incrementingNumbers", "count": "[length(range(0, 4))]",
                "input": "[range(0, 4)[copyIndex('incrementingNumbers')]]" },
              { "name": "names", "count": 2, "input": "[format('pg-{0}', copyIndex('names', 1))]" }
            ],
            "plain": "[variables('names')[1]]"
          },
          "resources": [],
          "outputs": {
            "numbers": { "type": "array", "value": "[variables('incrementingNumbers')]" },
            "plain": { "type": "string", "value": "[variables('plain')]" },
            "missing": { "type": "string", "value": "[variables('copy')]" }
          }"#,
    );
    assert_eq!(output(&d, "numbers"), Some(json!([0, 1, 2, 3])));
    assert_eq!(output(&d, "plain"), Some(json!("pg-2")));
    assert_eq!(output(&d, "missing"), None);
}

#[test]
fn a_variable_copy_from_the_bicep_variables_baseline() {
    let Some(path) = corpus("variables_lf", "bicep-samples/baselines/Variables_LF/main.json") else { return };
    let text = std::fs::read_to_string(&path).expect("corpus file");
    let template: serde_json::Value = serde_json::from_str(&text).expect("json");
    let variables = template["variables"].as_object().expect("variables");
    assert!(variables["copy"].as_array().is_some_and(|c| c.iter().any(|e| e["name"] == "incrementingNumbers")));
    let d = evaluate_template(&format!(
        r#""variables": {},
          "resources": [],
          "outputs": {{ "numbers": {{ "type": "array", "value": "[variables('incrementingNumbers')]" }} }}"#,
        serde_json::to_string(&template["variables"]).expect("json")
    ));
    assert_eq!(output(&d, "numbers"), Some(json!([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])));
}

#[test]
fn a_copy_inside_a_variable_object_builds_its_array() {
    let d = evaluate_template(
        r#""variables": {
            "disks": {
              "copy": [ { "name": "dataDisks", "count": 3,
                          "input": { "lun": "[copyIndex('dataDisks')]", "name": "[concat('disk', copyIndex('dataDisks'))]" } } ],
              "size": 8
            }
          },
          "resources": [],
          "outputs": { "disks": { "type": "object", "value": "[variables('disks')]" } }"#,
    );
    assert_eq!(
        output(&d, "disks"),
        Some(json!({
            "dataDisks": [ { "lun": 0, "name": "disk0" }, { "lun": 1, "name": "disk1" }, { "lun": 2, "name": "disk2" } ],
            "size": 8
        }))
    );
}

#[test]
fn a_variable_copy_with_an_unknown_count_is_unknown() {
    let d = evaluate_template(
        r#""parameters": { "n": { "type": "int" } },
          "variables": { "copy": [ { "name": "xs", "count": "[parameters('n')]", "input": "[copyIndex('xs')]" } ] },
          "resources": [],
          "outputs": { "xs": { "type": "array", "value": "[variables('xs')]" } }"#,
    );
    assert!(matches!(output_value(&d, "xs"), Value::Unknown(_)));
}

#[test]
fn an_output_copy_is_an_array() {
    // Microsoft's `cidrSubnet()` example.
    let d = evaluate_template(
        r#""resources": [],
          "outputs": { "v4subnets": { "type": "array", "copy": {
            "count": "[length(range(0, 5))]",
            "input": "[cidrSubnet('10.144.0.0/20', 24, range(0, 5)[copyIndex()])]" } } }"#,
    );
    assert_eq!(
        output(&d, "v4subnets"),
        Some(json!(["10.144.0.0/24", "10.144.1.0/24", "10.144.2.0/24", "10.144.3.0/24", "10.144.4.0/24"]))
    );
}

#[test]
fn user_defined_functions_from_the_bicep_functions_baseline() {
    let Some(path) = corpus("functions_lf", "bicep-samples/baselines/Functions_LF/main.json") else { return };
    let d = evaluate_file(&path);
    assert_eq!(output(&d, "foo"), Some(json!("https://google.com/search")));
    // A function called from a lambda, and one calling another.
    assert_eq!(output(&d, "hellos"), Some(json!(["Hi Evie!", "Hi Casper!"])));
    assert_eq!(output(&d, "fooValue"), Some(json!(["Hello abc!", "Hello def!"])));
}

#[test]
fn a_user_defined_function_in_a_namespace_of_its_own() {
    // The shape of Microsoft's user-defined function example.
    let d = evaluate_template(
        r#""parameters": { "storageNamePrefix": { "type": "string", "defaultValue": "Pg" } },
          "functions": [ { "namespace": "contoso", "members": { "uniqueName": {
            "parameters": [ { "name": "namePrefix", "type": "string" } ],
            "output": { "type": "string", "value": "[concat(toLower(parameters('namePrefix')), '-server')]" } } } } ],
          "resources": [],
          "outputs": {
            "name": { "type": "string", "value": "[contoso.uniqueName(parameters('storageNamePrefix'))]" },
            "caseless": { "type": "string", "value": "[CONTOSO.UNIQUENAME('X')]" },
            "undeclared": { "type": "string", "value": "[contoso.other('x')]" },
            "arity": { "type": "string", "value": "[contoso.uniqueName()]" }
          }"#,
    );
    assert_eq!(output(&d, "name"), Some(json!("pg-server")));
    assert_eq!(output(&d, "caseless"), Some(json!("x-server")));
    for name in ["undeclared", "arity"] {
        let Value::Unknown(u) = output_value(&d, name) else { panic!("{name} is known") };
        assert!(u.reason.contains("contoso."), "{}", u.reason);
    }
}

#[test]
fn a_user_defined_function_reads_only_its_own_parameters() {
    let d = evaluate_template(
        r#""parameters": { "p": { "type": "string", "defaultValue": "template" } },
          "variables": { "v": "variable" },
          "functions": [ { "namespace": "f", "members": {
            "param": { "parameters": [], "output": { "type": "string", "value": "[parameters('p')]" } },
            "var": { "parameters": [], "output": { "type": "string", "value": "[variables('v')]" } },
            "index": { "parameters": [], "output": { "type": "int", "value": "[copyIndex()]" } } } } ],
          "resources": [],
          "outputs": {
            "param": { "type": "string", "value": "[f.param()]" },
            "var": { "type": "string", "value": "[f.var()]" },
            "index": { "type": "array", "copy": { "count": 1, "input": "[f.index()]" } }
          }"#,
    );
    assert_eq!(output(&d, "param"), None);
    assert_eq!(output(&d, "var"), None);
    assert_eq!(output(&d, "index"), None);
}

#[test]
fn recursive_user_defined_functions_stop() {
    let d = evaluate_template(
        r#""functions": [ { "namespace": "f", "members": {
            "loop": { "parameters": [ { "name": "x", "type": "int" } ],
                      "output": { "type": "int", "value": "[f.loop(add(parameters('x'), 1))]" } } } } ],
          "resources": [],
          "outputs": { "never": { "type": "int", "value": "[f.loop(0)]" } }"#,
    );
    let Value::Unknown(u) = output_value(&d, "never") else { panic!("known") };
    assert!(u.reason.contains("calls itself"), "{}", u.reason);
}

#[test]
fn a_user_defined_function_decides_a_finding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let template = format!(
        r#"{{ "$schema": "{SCHEMA}", "contentVersion": "1.0.0.0",
  "functions": [ {{ "namespace": "settings", "members": {{ "ssl": {{
    "parameters": [ {{ "name": "env", "type": "string" }} ],
    "output": {{ "type": "string", "value": "[if(equals(parameters('env'), 'dev'), 'Disabled', 'Enabled')]" }} }} }} }} ],
  "resources": [ {{
    "type": "Microsoft.DBforPostgreSQL/servers", "apiVersion": "2017-12-01", "name": "pg-dev",
    "location": "westeurope",
    "properties": {{ "sslEnforcement": "[settings.ssl('dev')]" }} }} ] }}"#
    );
    std::fs::write(dir.path().join("main.json"), template).expect("write");
    let report = scan(&[dir.path().to_path_buf()], ScanOptions::default()).expect("scan");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let fails: Vec<_> =
        report.findings.iter().filter(|f| report.rules[f.rule].id == "PG101" && f.verdict == Verdict::Fail).collect();
    assert_eq!(fails.len(), 1, "{:#?}", report.findings);
}

#[test]
fn and_or_if_are_decided_by_a_known_argument() {
    let d = evaluate_template(
        r#""parameters": { "u": { "type": "bool" }, "s": { "type": "string" } },
          "resources": [],
          "outputs": {
            "and": { "type": "bool", "value": "[and(parameters('u'), false())]" },
            "or": { "type": "bool", "value": "[or(parameters('u'), true())]" },
            "if": { "type": "string", "value": "[if(true(), 'a', parameters('s'))]" },
            "same": { "type": "string", "value": "[if(parameters('u'), 'x', 'x')]" },
            "open": { "type": "string", "value": "[if(parameters('u'), 'x', 'y')]" }
          }"#,
    );
    assert_eq!(output(&d, "and"), Some(json!(false)));
    assert_eq!(output(&d, "or"), Some(json!(true)));
    assert_eq!(output(&d, "if"), Some(json!("a")));
    assert_eq!(output(&d, "same"), Some(json!("x")));
    assert_eq!(output(&d, "open"), None);
}

#[test]
fn standard_functions_inside_a_template() {
    let d = evaluate_template(
        r#""variables": { "settings": { "tier": "Burstable", "ha": { "mode": "Disabled" } } },
          "resources": [],
          "outputs": {
            "text": { "type": "string", "value": "[string(variables('settings'))]" },
            "back": { "type": "string", "value": "[json(string(variables('settings'))).ha.mode]" },
            "b64": { "type": "string", "value": "[base64ToString(base64('pg-server'))]" },
            "b64json": { "type": "object", "value": "[base64ToJson(base64('{\"a\": [1, 2]}'))]" },
            "keys": { "type": "array", "value": "[objectKeys(variables('settings'))]" },
            "tryGet": { "type": "string", "value": "[tryGet(variables('settings'), 'ha', 'mode')]" },
            "tryMissing": { "type": "string", "value": "[tryGet(variables('settings'), 'nope')]" },
            "last": { "type": "int", "value": "[tryIndexFromEnd(createArray(1, 2, 3), 1)]" },
            "pad": { "type": "string", "value": "[padLeft(string(7), 3, '0')]" },
            "flat": { "type": "array", "value": "[flatten(createArray(createArray('a'), createArray('b', 'c')))]" },
            "common": { "type": "array", "value": "[intersection(createArray('a', 'b'), createArray('b', 'c'))]" },
            "max": { "type": "int", "value": "[max(createArray(3, 9, 4))]" },
            "host": { "type": "string", "value": "[cidrHost('10.0.1.0/24', 3)]" },
            "cidr": { "type": "string", "value": "[parseCidr('10.0.0.0/16').lastUsable]" },
            "epoch": { "type": "int", "value": "[dateTimeToEpoch(dateTimeAdd('2024-01-01T00:00:00Z', 'P1D'))]" },
            "uri": { "type": "string", "value": "[uri('https://example.org/templates/', 'nested/postgres.json')]" },
            "component": { "type": "string", "value": "[uriComponentToString(uriComponent('a b/c'))]" },
            "data": { "type": "string", "value": "[dataUriToString(dataUri('Hello'))]" },
            "skipTake": { "type": "string", "value": "[take(skip('pg-server-01', 3), 6)]" },
            "lastIndexOf": { "type": "int", "value": "[lastIndexOf('a-b-c', '-')]" }
          }"#,
    );
    assert_eq!(output(&d, "text"), Some(json!(r#"{"tier":"Burstable","ha":{"mode":"Disabled"}}"#)));
    assert_eq!(output(&d, "back"), Some(json!("Disabled")));
    assert_eq!(output(&d, "b64"), Some(json!("pg-server")));
    assert_eq!(output(&d, "b64json"), Some(json!({ "a": [1, 2] })));
    assert_eq!(output(&d, "keys"), Some(json!(["tier", "ha"])));
    assert_eq!(output(&d, "tryGet"), Some(json!("Disabled")));
    assert_eq!(output(&d, "tryMissing"), Some(json!(null)));
    assert_eq!(output(&d, "last"), Some(json!(3)));
    assert_eq!(output(&d, "pad"), Some(json!("007")));
    assert_eq!(output(&d, "flat"), Some(json!(["a", "b", "c"])));
    assert_eq!(output(&d, "common"), Some(json!(["b"])));
    assert_eq!(output(&d, "max"), Some(json!(9)));
    assert_eq!(output(&d, "host"), Some(json!("10.0.1.4")));
    assert_eq!(output(&d, "cidr"), Some(json!("10.0.255.254")));
    assert_eq!(output(&d, "epoch"), Some(json!(1_704_153_600)));
    assert_eq!(output(&d, "uri"), Some(json!("https://example.org/templates/nested/postgres.json")));
    assert_eq!(output(&d, "component"), Some(json!("a b/c")));
    assert_eq!(output(&d, "data"), Some(json!("Hello")));
    assert_eq!(output(&d, "skipTake"), Some(json!("server")));
    assert_eq!(output(&d, "lastIndexOf"), Some(json!(3)));
}

#[test]
fn functions_of_unknown_inputs_stay_symbolic() {
    let d = evaluate_template(
        r#""parameters": { "p": { "type": "string" }, "q": { "type": "string" } },
          "resources": [],
          "outputs": {
            "a": { "type": "string", "value": "[base64(parameters('p'))]" },
            "b": { "type": "string", "value": "[base64(parameters('p'))]" },
            "c": { "type": "string", "value": "[base64(parameters('q'))]" },
            "guid": { "type": "string", "value": "[guid(parameters('p'))]" },
            "partly": { "type": "string", "value": "[padLeft(concat('pg-', parameters('p')), 10, '0')]" }
          }"#,
    );
    let unknown = |name| match output_value(&d, name) {
        Value::Unknown(u) => u.clone(),
        other => panic!("{name} is {other:?}"),
    };
    assert!(unknown("a").same_as(&unknown("b")));
    assert!(!unknown("a").same_as(&unknown("c")));
    assert!(unknown("guid").sym.is_some());
    assert!(unknown("partly").sym.is_some());
}

#[test]
fn expressions_with_brackets_quotes_and_members_after_calls() {
    let d = evaluate_template(
        r#""variables": { "o": { "$type": "x", "a-b": [ "first", "second" ] } },
          "resources": [],
          "outputs": {
            "brackets": { "type": "string", "value": "[concat('[', 'x', ']')]" },
            "quotes": { "type": "string", "value": "[concat('it''s', ' ', '''quoted''')]" },
            "escaped": { "type": "string", "value": "[[not an expression]" },
            "dollar": { "type": "string", "value": "[ variables( 'o' ).$type ]" },
            "index": { "type": "string", "value": "[variables('o')['a-b'][1]]" },
            "call": { "type": "string", "value": "[createObject('k', createArray('v'))['k'][0]]" }
          }"#,
    );
    assert_eq!(output(&d, "brackets"), Some(json!("[x]")));
    assert_eq!(output(&d, "quotes"), Some(json!("it's 'quoted'")));
    assert_eq!(output(&d, "escaped"), Some(json!("[not an expression]")));
    assert_eq!(output(&d, "dollar"), Some(json!("x")));
    assert_eq!(output(&d, "index"), Some(json!("second")));
    assert_eq!(output(&d, "call"), Some(json!("v")));
}

const POSTGRES_NESTED: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "serverName": { "type": "string" }, "sslEnforcement": { "type": "string" } },
  "resources": [ {
    "type": "Microsoft.DBforPostgreSQL/servers", "apiVersion": "2017-12-01",
    "name": "[parameters('serverName')]", "location": "westeurope",
    "properties": { "sslEnforcement": "[parameters('sslEnforcement')]" } } ]
}"#;

/// A root template deploying `templateLink` with `sslEnforcement` 'Disabled'.
fn linking(template_link: &str, extra_parameters: &str, variables: &str) -> String {
    format!(
        r#"{{ "$schema": "{SCHEMA}", "contentVersion": "1.0.0.0",
  "parameters": {{ {extra_parameters} }},
  "variables": {{ {variables} }},
  "resources": [ {{
    "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "postgres",
    "properties": {{
      "mode": "Incremental",
      "templateLink": {template_link},
      "parameters": {{ "serverName": {{ "value": "pg-linked" }}, "sslEnforcement": {{ "value": "Disabled" }} }} }} }} ] }}"#
    )
}

fn write_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

/// PG101 failures as (file, contexts).
fn pg101_failures(dir: &Path) -> Vec<(String, Vec<String>)> {
    let report = scan(&[dir.to_path_buf()], ScanOptions::default()).expect("scan");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    report
        .findings
        .iter()
        .filter(|f| report.rules[f.rule].id == "PG101" && f.verdict == Verdict::Fail)
        .map(|f| (report.file(f.location).display.clone(), f.contexts.clone()))
        .collect()
}

#[test]
fn a_relative_path_link_to_a_scanned_template_is_evaluated() {
    let root = linking(r#"{ "relativePath": "nested/postgres.json" }"#, "", "");
    let dir = write_tree(&[("azuredeploy.json", &root), ("nested/postgres.json", POSTGRES_NESTED)]);
    let fails = pg101_failures(dir.path());
    assert_eq!(fails.len(), 1, "{fails:#?}");
    assert!(fails[0].0.ends_with("nested/postgres.json"), "{fails:#?}");
    assert!(fails[0].1.iter().any(|c| c.contains("deployment 'postgres'")), "{fails:#?}");
}

#[test]
fn a_link_beside_the_deploying_template_is_evaluated() {
    // The quickstart pattern (application-workloads/moodle/moodle-scalable-cluster-ubuntu):
    // `_artifactsLocation` defaults to the template's own location, a parameter picks the file.
    let parameters = r#""_artifactsLocation": { "type": "string", "defaultValue": "[deployment().properties.templateLink.uri]" },
        "_artifactsLocationSasToken": { "type": "securestring", "defaultValue": "" },
        "dbServerType": { "type": "string", "defaultValue": "postgres", "allowedValues": [ "mysql", "postgres" ] }"#;
    let variables = r#""baseTemplateUrl": "[uri(parameters('_artifactsLocation'), concat('nested/'))]""#;
    let link = r#"{ "uri": "[concat(variables('baseTemplateUrl'), parameters('dbServerType'), '.json', parameters('_artifactsLocationSasToken'))]" }"#;
    let root = linking(link, parameters, variables);
    let dir = write_tree(&[("azuredeploy.json", &root), ("nested/postgres.json", POSTGRES_NESTED)]);
    let evaluated =
        evaluate(&[dir.path().join("azuredeploy.json"), dir.path().join("nested/postgres.json")]).expect("evaluate");
    let root_deployment = evaluated
        .deployments
        .iter()
        .find(|d| evaluated.files[d.root.0 as usize].display.ends_with("azuredeploy.json"))
        .expect("root");
    let server = root_deployment
        .resources
        .iter()
        .find(|r| r.resource_type == "Microsoft.DBforPostgreSQL/servers")
        .expect("the linked server is deployed by the root");
    assert_eq!(known(&server.name.value), Some(json!("pg-linked")));
    assert!(evaluated.files[server.declaration.file.0 as usize].display.ends_with("postgres.json"));
    assert!(root_deployment.opaque.is_empty());
    let fails = pg101_failures(dir.path());
    assert_eq!(fails.len(), 1, "{fails:#?}");
}

#[test]
fn a_direct_uri_beside_the_template_is_evaluated() {
    let link = r#"{ "uri": "[uri(deployment().properties.templateLink.uri, 'nested/postgres.json')]" }"#;
    let root = linking(link, "", "");
    let dir = write_tree(&[("main.json", &root), ("nested/postgres.json", POSTGRES_NESTED)]);
    assert_eq!(pg101_failures(dir.path()).len(), 1);
}

#[test]
fn links_that_name_no_scanned_template_stay_opaque() {
    for (link, files) in [
        // Not scanned: the file is not there.
        (r#"{ "relativePath": "nested/missing.json" }"#, vec![]),
        // Somewhere on the internet.
        (r#"{ "uri": "https://raw.githubusercontent.com/x/y/main/postgres.json" }"#, vec![]),
        // Picked by a parameter nobody gives: not one file.
        (
            r#"{ "uri": "[uri(deployment().properties.templateLink.uri, concat('nested/', parameters('kind'), '.json'))]" }"#,
            vec![("nested/postgres.json", POSTGRES_NESTED)],
        ),
    ] {
        let root = linking(link, r#""kind": { "type": "string" }"#, "");
        let mut tree = vec![("main.json", root.as_str())];
        tree.extend(files);
        let dir = write_tree(&tree);
        let d = evaluate_file(&dir.path().join("main.json"));
        assert_eq!(d.opaque.len(), 1, "{link}");
        assert!(d.resources.iter().all(|r| r.resource_type == "Microsoft.Resources/deployments"), "{link}");
    }
}

#[test]
fn a_link_with_a_parameters_file_stays_opaque() {
    let root = linking(r#"{ "relativePath": "nested/postgres.json" }"#, "", "").replace(
        r#""mode": "Incremental","#,
        r#""mode": "Incremental", "parametersLink": { "uri": "https://example.org/p.json" },"#,
    );
    let dir = write_tree(&[("main.json", &root), ("nested/postgres.json", POSTGRES_NESTED)]);
    let d = evaluate_file(&dir.path().join("main.json"));
    assert_eq!(d.opaque.len(), 1);
}

#[test]
fn a_template_linking_itself_stops_with_a_problem() {
    let root = linking(r#"{ "relativePath": "main.json" }"#, "", "");
    let dir = write_tree(&[("main.json", &root)]);
    let evaluated = evaluate(&[dir.path().join("main.json")]).expect("evaluate");
    let problems: Vec<_> = evaluated.deployments.iter().flat_map(|d| &d.problems).collect();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].1.contains("main.json"), "{problems:#?}");
}

#[test]
fn the_moodle_quickstart_deploys_its_linked_database_template() {
    let Some(dir) = corpus("moodle", "quickstart/application-workloads/moodle/moodle-scalable-cluster-ubuntu") else {
        return;
    };
    let evaluated = evaluate(std::slice::from_ref(&dir)).expect("evaluate");
    let root = evaluated
        .deployments
        .iter()
        .find(|d| evaluated.files[d.root.0 as usize].display == "azuredeploy.json")
        .expect("root");
    // `dbServerType` defaults to 'mysql': nested/mysql.json is deployed through the root.
    let types: Vec<&str> = root.resources.iter().map(|r| r.resource_type.as_str()).collect();
    assert!(types.iter().any(|t| t.eq_ignore_ascii_case("Microsoft.DBforMySQL/servers")), "{types:#?}");
}

#[test]
fn variable_copies_of_no_and_of_too_many_elements() {
    let d = evaluate_template(
        r#""variables": { "copy": [
            { "name": "none", "count": 0, "input": "[copyIndex('none')]" },
            { "name": "many", "count": 5000, "input": "[copyIndex('many')]" } ] },
          "resources": [],
          "outputs": {
            "none": { "type": "array", "value": "[variables('none')]" },
            "many": { "type": "array", "value": "[variables('many')]" }
          }"#,
    );
    assert_eq!(output(&d, "none"), Some(json!([])));
    // Not expanded, and not an array of one element either.
    assert!(matches!(output_value(&d, "many"), Value::Unknown(_)));
}

#[test]
fn user_defined_functions_calling_each_other_twice_stop_in_time() {
    // f0 calls f1 twice, f1 calls f2 twice…: 2^40 calls if followed.
    let members: Vec<String> = (0..40)
        .map(|i| {
            format!(
                r#""f{i}": {{ "parameters": [ {{ "name": "x", "type": "string" }} ],
                 "output": {{ "type": "string", "value": "[concat(f.f{n}(parameters('x')), f.f{n}(parameters('x')))]" }} }}"#,
                n = i + 1
            )
        })
        .chain(std::iter::once(
            r#""f40": { "parameters": [ { "name": "x", "type": "string" } ], "output": { "type": "string", "value": "[parameters('x')]" } }"#.to_string(),
        ))
        .collect();
    let start = std::time::Instant::now();
    let d = evaluate_template(&format!(
        r#""functions": [ {{ "namespace": "f", "members": {{ {} }} }} ],
          "resources": [],
          "outputs": {{ "big": {{ "type": "string", "value": "[f.f0('a')]" }} }}"#,
        members.join(",")
    ));
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(output(&d, "big"), None);
}

/// A parameter typed by a definition (`$ref`, languageVersion 2.0, as Bicep compiles a
/// user-defined type) takes `nullable`, `allowedValues` and bounds from it: an omitted
/// nullable one is `null`, as in the Bicep it came from (CARML's flexible server
/// `customerManagedKey`).
#[test]
fn parameters_typed_by_a_definition_read_it() {
    let deployment = evaluate_template(
        r##""languageVersion": "2.0",
        "definitions": {
            "keyType": { "type": "object", "nullable": true },
            "tierType": { "type": "string", "allowedValues": ["Burstable", "GeneralPurpose"] },
            "daysType": { "$ref": "#/definitions/days" },
            "days": { "type": "int", "minValue": 7, "maxValue": 35 }
        },
        "parameters": {
            "key": { "$ref": "#/definitions/keyType" },
            "tier": { "$ref": "#/definitions/tierType" },
            "days": { "$ref": "#/definitions/daysType" }
        },
        "resources": {},
        "outputs": {
            "key": { "type": "bool", "value": "[empty(parameters('key'))]" },
            "atLeastSeven": { "type": "bool", "value": "[greaterOrEquals(parameters('days'), 7)]" }
        }"##,
    );
    assert_eq!(output(&deployment, "key"), Some(json!(true)));
    assert_eq!(output(&deployment, "atLeastSeven"), Some(json!(true)));
}
