//! Hostile templates for the evaluator (issue 15): each once took the scan's memory or time,
//! or made it silent. Every case asserts on outputs (findings, errors, warnings, bounded
//! sizes), never on time: a hang shows as a test timeout.

use pgguard::scan::{ScanError, ScanOptions, ScanReport, scan};
use std::path::Path;

const SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/// A flexible server whose `publicNetworkAccess` is `access` (Bicep text), `name` its name.
fn server(name: &str, access: &str) -> String {
    format!(
        "resource pg 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{\n  name: {name}\n  location: 'westeurope'\n  properties: {{\n    version: '16'\n    network: {{ publicNetworkAccess: {access} }}\n  }}\n}}\n"
    )
}

/// An ARM template of `parameters`, `variables`, `functions` (JSON members, without braces)
/// and one flexible server whose `publicNetworkAccess` is `access` (a JSON value).
fn arm(parameters: &str, variables: &str, functions: &str, access: &str, extra: &str) -> String {
    format!(
        "{{\"$schema\": \"{SCHEMA}\", \"contentVersion\": \"1.0.0.0\",\n\"parameters\": {{{parameters}}},\n\"variables\": {{{variables}}},\n\"functions\": [{functions}],\n\"resources\": [{{\"type\": \"Microsoft.DBforPostgreSQL/flexibleServers\", \"apiVersion\": \"2024-08-01\", \"name\": \"pg\", \"location\": \"westeurope\"{extra},\n \"properties\": {{\"version\": \"16\", \"network\": {{\"publicNetworkAccess\": {access}}}}}}}]}}\n"
    )
}

fn scan_paths(paths: &[&Path]) -> ScanReport {
    let paths: Vec<_> = paths.iter().map(|p| p.to_path_buf()).collect();
    scan(&paths, ScanOptions { threads: 1, ..ScanOptions::default() }).expect("scan runs")
}

/// `file:line message` of each error (or warning), as a user reads them.
fn located(report: &ScanReport, list: &[ScanError]) -> Vec<String> {
    list.iter()
        .map(|e| match e.origin {
            Some(origin) => {
                let line = report.file(origin).line_col(origin.span.start).line;
                let name = Path::new(&e.path).file_name().map_or(e.path.clone(), |n| n.to_string_lossy().into_owned());
                format!("{name}:{line} {}", e.message)
            }
            None => format!("{} {}", e.path, e.message),
        })
        .collect()
}

/// The verdicts of PG201 (public network access) in `file`.
fn pg201(report: &ScanReport, file: &str) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| report.rules[f.rule].id == "PG201" && report.file(f.location).display.ends_with(file))
        .map(|f| format!("{:?}", f.verdict))
        .collect()
}

/// `var v0 = '${v1}${v1}'`… 48 levels once doubled the value's trace at each level and
/// exhausted memory: traces join each step once and keep at most 16 steps, a note standing
/// for the rest. Bicep and ARM, the last level a literal or a parameter.
#[test]
fn interpolation_doubling_keeps_traces_bounded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let levels = 48;
    let bicep: String = (0..levels).map(|i| format!("var v{i} = '${{v{}}}${{v{}}}'\n", i + 1, i + 1)).collect();
    let body = server("'pg'", "v0").replace("  location: 'westeurope'", "  location: v0\n  tags: { a: v0 }");
    std::fs::write(dir.path().join("literal.bicep"), format!("{bicep}var v{levels} = 'x'\n{body}")).expect("write");
    std::fs::write(dir.path().join("param.bicep"), format!("{bicep}param v{levels} string\n{body}")).expect("write");
    let variables: Vec<String> = (0..levels)
        .map(|i| format!("\"v{i}\": \"[concat(variables('v{}'), variables('v{}'))]\"", i + 1, i + 1))
        .collect();
    let variables = variables.join(",\n");
    let access = "\"[variables('v0')]\"";
    std::fs::write(
        dir.path().join("literal.json"),
        arm("", &format!("{variables},\n\"v{levels}\": \"x\""), "", access, ""),
    )
    .expect("write");
    let param = arm(
        "\"p\": {\"type\": \"string\"}",
        &format!("{variables},\n\"v{levels}\": \"[parameters('p')]\""),
        "",
        access,
        "",
    );
    std::fs::write(dir.path().join("param.json"), param).expect("write");
    let report = scan_paths(&[dir.path()]);
    assert!(report.errors.is_empty(), "{:?}", located(&report, &report.errors));
    for name in ["literal.bicep", "param.bicep", "literal.json", "param.json"] {
        assert_eq!(pg201(&report, name).len(), 1, "{name} is judged");
    }
    let longest = report.findings.iter().map(|f| f.trace.len()).max().unwrap_or(0);
    assert!(longest <= pgguard::model::MAX_TRACE, "a trace of {longest} steps");
    // The long chains keep their ends, and say that steps were left out.
    assert!(
        report.findings.iter().any(|f| f.trace.iter().any(|s| s.label().contains("steps left out"))),
        "a bounded trace says so"
    );
}

/// A module loop of 1,000 calling a module with a 1,000-resource loop would deploy a million
/// servers: the deployment's budget of loop instances stops it, reported on the loop that
/// meets it; the loops past it are judged through one element, so the literal insecure
/// value still fails.
#[test]
fn module_and_resource_loops_share_an_instance_budget() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("main.bicep"),
        "module m 'mod.bicep' = [for i in range(0, 1000): {\n  name: 'm${i}'\n}]\n",
    )
    .expect("write");
    let looped = server("'pg${i}'", "'Enabled'").replacen("= {", "= [for i in range(0, 1000): {", 1);
    std::fs::write(dir.path().join("mod.bicep"), looped.trim_end().to_string() + "]\n").expect("write");
    let report = scan_paths(&[&dir.path().join("main.bicep")]);
    let errors = located(&report, &report.errors);
    let budget = "mod.bicep:1 the deployment's budget of 10000 instances of module and resource loops is spent: loop `pg` and those after it are judged through one element standing for all of theirs";
    assert_eq!(errors, vec![budget.to_string()], "reported once");
    assert_eq!(pg201(&report, "mod.bicep"), vec!["Fail"]);
}

/// A loop past its expansion bound (1,000 elements) is judged through one element standing
/// for all, as a loop over an unknown array is: a literal insecure value fails, a value that
/// depends on the element is unknown; a warning says the loop was not expanded.
#[test]
fn a_loop_past_its_bound_is_judged_through_one_element() {
    let dir = tempfile::tempdir().expect("temp dir");
    let looped = |access: &str| {
        server("'pg${i}'", access).replacen("= {", "= [for i in range(0, 3000): {", 1).trim_end().to_string() + "]\n"
    };
    std::fs::write(dir.path().join("literal.bicep"), looped("'Enabled'")).expect("write");
    std::fs::write(dir.path().join("element.bicep"), looped("'${i}'")).expect("write");
    let copy = ", \"copy\": {\"name\": \"servers\", \"count\": 3000}";
    std::fs::write(dir.path().join("literal.json"), arm("", "", "", "\"Enabled\"", copy)).expect("write");
    std::fs::write(dir.path().join("element.json"), arm("", "", "", "\"[string(copyIndex())]\"", copy)).expect("write");
    let report = scan_paths(&[dir.path()]);
    assert!(report.errors.is_empty(), "{:?}", located(&report, &report.errors));
    for name in ["literal.bicep", "literal.json"] {
        assert_eq!(pg201(&report, name), vec!["Fail"], "{name}");
    }
    for name in ["element.bicep", "element.json"] {
        assert_eq!(pg201(&report, name), vec!["Unknown"], "{name}");
    }
    let warnings = located(&report, &report.warnings);
    for expected in [
        "element.bicep:1 loop `pg` has 3000 elements, more than the 1000 pgguard expands: it is judged through one element standing for all of them",
        "literal.bicep:1 loop `pg` has 3000 elements, more than the 1000 pgguard expands: it is judged through one element standing for all of them",
        "literal.json:5 loop `servers` has 3000 elements, more than the 1000 pgguard expands: it is judged through one element standing for all of them",
    ] {
        assert!(warnings.iter().any(|w| w == expected), "{expected}\n{warnings:#?}");
    }
}

/// Bicep refuses absolute module paths (BCP051): pgguard does not follow them, and the error
/// names the referencing file and line, not the target.
#[test]
fn absolute_module_paths_are_refused_at_the_module_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("elsewhere/target.bicep");
    std::fs::create_dir_all(target.parent().expect("folder")).expect("mkdir");
    // A target that would fail and be broken if it were followed.
    std::fs::write(&target, server("'pg'", "'Enabled'") + "var broken = {\n").expect("write");
    let main = format!(
        "module a '{}' = {{\n  name: 'a'\n}}\nmodule b 'C:\\\\x.bicep' = {{\n  name: 'b'\n}}\nimport {{ x }} from '/etc/x.bicep'\nvar y = loadTextContent('/etc/hostname')\noutput o string = '${{x}}${{y}}'\n",
        target.display()
    );
    std::fs::create_dir_all(dir.path().join("app")).expect("mkdir");
    std::fs::write(dir.path().join("app/main.bicep"), main).expect("write");
    let report = scan_paths(&[&dir.path().join("app/main.bicep")]);
    let absolute = "The specified path seems to reference an absolute path. Files must be referenced using relative paths. (BCP051)";
    assert_eq!(
        located(&report, &report.errors),
        vec![
            format!("main.bicep:1 module `a`: {absolute}"),
            format!("main.bicep:4 module `b`: {absolute}"),
            format!("main.bicep:7 import: {absolute}"),
        ]
    );
    assert!(!report.files.iter().any(|f| f.display.ends_with("target.bicep")), "the target is not read");
    assert!(report.findings.is_empty());
}

/// Cycles between variables, parameters and user functions are errors naming the
/// declarations, from the first in the file (where they are reported); the values stay
/// unknown. Bicep and ARM.
#[test]
fn reference_cycles_are_reported_with_their_declarations() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bicep = "param p string = q\nparam q string = '${p}-x'\nvar b = a\nvar a = b\nfunc f(x int) string => g(x)\nfunc g(x int) string => f(x)\nvar c = f(1)\nvar self = self\n".to_string()
        + &server("'${a}${p}${c}${self}'", "a");
    std::fs::write(dir.path().join("cycle.bicep"), bicep).expect("write");
    let parameters = "\"p\": {\"type\": \"string\", \"defaultValue\": \"[parameters('q')]\"},\n\"q\": {\"type\": \"string\", \"defaultValue\": \"[parameters('p')]\"}";
    let variables = "\"a\": \"[variables('b')]\",\n\"b\": \"[concat(variables('a'), parameters('p'), ns.f())]\"";
    let functions = "{\"namespace\": \"ns\", \"members\": {\n\"f\": {\"parameters\": [], \"output\": {\"type\": \"string\", \"value\": \"[ns.g()]\"}},\n\"g\": {\"parameters\": [], \"output\": {\"type\": \"string\", \"value\": \"[ns.f()]\"}}}}";
    std::fs::write(dir.path().join("cycle.json"), arm(parameters, variables, functions, "\"[variables('a')]\"", ""))
        .expect("write");
    let report = scan_paths(&[dir.path()]);
    let cycle = "the declarations refer to each other in a cycle:";
    assert_eq!(
        located(&report, &report.errors),
        vec![
            format!("cycle.bicep:1 {cycle} parameter `p` → parameter `q` → parameter `p`"),
            format!("cycle.bicep:3 {cycle} variable `b` → variable `a` → variable `b`"),
            format!("cycle.bicep:5 {cycle} function `f` → function `g` → function `f`"),
            format!("cycle.bicep:8 {cycle} variable `self` → variable `self`"),
            format!("cycle.json:2 {cycle} parameter `p` → parameter `q` → parameter `p`"),
            format!("cycle.json:4 {cycle} variable `a` → variable `b` → variable `a`"),
            format!("cycle.json:7 {cycle} function `ns.f` → function `ns.g` → function `ns.f`"),
        ]
    );
    for name in ["cycle.bicep", "cycle.json"] {
        assert_eq!(pg201(&report, name), vec!["Unknown"], "{name}");
    }
}

/// Hitting an expression or nesting bound is an error naming the place and the bound, not
/// only an unknown: ARM expressions nested past the parser's depth or postfix chain, and
/// Bicep and ARM references nested past the reference depth.
#[test]
fn expression_and_nesting_bounds_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let deep = format!("\"[{}'Enabled'{}]\"", "concat(".repeat(300), ")".repeat(300));
    std::fs::write(dir.path().join("deep.json"), arm("", "", "", &deep, "")).expect("write");
    let postfix = format!("\"[variables('v'){}]\"", ".a".repeat(3000));
    std::fs::write(dir.path().join("postfix.json"), arm("", "\"v\": {}", "", &postfix, "")).expect("write");
    let chain: String = (0..300).map(|i| format!("var v{i} = v{}\n", i + 1)).collect();
    std::fs::write(dir.path().join("chain.bicep"), format!("{chain}var v300 = 'Enabled'\n{}", server("'pg'", "v0")))
        .expect("write");
    let variables: Vec<String> = (0..300).map(|i| format!("\"v{i}\": \"[variables('v{}')]\"", i + 1)).collect();
    let variables = variables.join(",\n") + ",\n\"v300\": \"Enabled\"";
    std::fs::write(dir.path().join("chain.json"), arm("", &variables, "", "\"[variables('v0')]\"", "")).expect("write");
    let report = scan_paths(&[dir.path()]);
    let errors = located(&report, &report.errors);
    let expected = [
        "chain.bicep:257 references nest deeper than 256 at variable `v256`: its value is not evaluated",
        "chain.json:259 references nest deeper than 256 at variable `v256`: its value is not evaluated",
        "deep.json:6 the expression is not evaluated: expression nested deeper than 64 calls and brackets",
        "postfix.json:6 the expression is not evaluated: more than 256 `.` and `[…]` in a row",
    ];
    assert_eq!(errors, expected, "{errors:#?}");
    for name in ["chain.bicep", "chain.json", "deep.json", "postfix.json"] {
        assert_eq!(pg201(&report, name), vec!["Unknown"], "{name}");
    }
}
