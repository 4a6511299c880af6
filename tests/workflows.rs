//! The workflows of a team adopting pgguard, run on a copy of the AVM PostgreSQL flexible-server
//! module in a throwaway repository: inline suppressions (also at a module call), unused and
//! reasonless suppressions, pgguard.toml, baselines and fingerprints that do not depend on the
//! folder pgguard runs in, unknowns that never fail by default, and the SARIF of it all
//! against the schema.

mod common;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;
use std::path::Path;

/// Inserts `line` before the first line containing `anchor`, with that line's indentation.
fn insert_before(file: &Path, anchor: &str, line: &str) {
    let text = std::fs::read_to_string(file).expect("read");
    let at = text.find(anchor).unwrap_or_else(|| panic!("`{anchor}` not in {}", file.display()));
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[start..].chars().take_while(|c| *c == ' ').collect();
    let edited = format!("{}{indent}{line}\n{}", &text[..start], &text[start..]);
    std::fs::write(file, edited).expect("write");
}

fn run(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = cargo_bin_cmd!("pgguard")
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .args(args)
        .output()
        .expect("pgguard runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8");
    (out.status.code().expect("exit code"), text(out.stdout), text(out.stderr))
}

fn json(cwd: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend(args);
    let (code, out, err) = run(cwd, &all);
    (code, serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}")))
}

fn findings<'a>(json: &'a Value, rule: &str, verdict: &str) -> Vec<&'a Value> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule && f["verdict"] == verdict)
        .collect()
}

#[test]
fn suppressions_at_the_property_at_the_module_call_and_in_arm_metadata() {
    let Some((repo, infra)) = common::avm_repo("suppressions_at_the_property_at_the_module_call_and_in_arm_metadata")
    else {
        return;
    };
    // The compiled `main.json`s too: the ARM suppression is in one.
    let (_, before) = json(repo.path(), &["--include-compiled", "infra"]);
    let pg202 = findings(&before, "PG202", "fail");
    assert_eq!(pg202.len(), 1, "the public e2e test opens the firewall to Azure");
    assert_eq!(pg202[0]["suppressed"], Value::Null);
    let disabled = |json: &Value| -> Value {
        let pg401 = findings(json, "PG401", "fail");
        let found = pg401.iter().find(|f| f["message"].as_str().is_some_and(|m| m.contains("'Disabled'")));
        (*found.expect("the geo-redundant backup property")).clone()
    };
    assert_eq!(disabled(&before)["suppressed"], Value::Null);

    // At the module call in the test that passes the firewall rules down two modules.
    insert_before(
        &infra.join("tests/e2e/public/main.test.bicep"),
        "module testDeployment",
        "// pgguard-ignore PG202, firewall-open-to-internet: the e2e test opens Azure services on purpose",
    );
    // At the property, with Bicep's own directive and the reason in a comment.
    insert_before(
        &infra.join("main.bicep"),
        "geoRedundantBackup: createMode",
        "#disable-next-line PG401 // geo-redundancy is the caller's choice",
    );
    // On the ARM resource, in its metadata.
    let arm = infra.join("main.json");
    let text = std::fs::read_to_string(&arm).expect("main.json");
    let anchor = "\"type\": \"Microsoft.DBforPostgreSQL/flexibleServers\",";
    let text = text.replacen(
        anchor,
        &format!("{anchor} \"metadata\": {{\"pgguard-ignore\": {{\"PG204\": \"reached only from the VNet\"}}}},"),
        1,
    );
    std::fs::write(&arm, text).expect("write");

    let (_, after) = json(repo.path(), &["--include-compiled", "infra"]);
    let pg202 = findings(&after, "PG202", "fail");
    assert_eq!(pg202.len(), 1, "still in the JSON, as suppressed");
    assert_eq!(pg202[0]["suppressed"]["reason"], "the e2e test opens Azure services on purpose");
    assert_eq!(pg202[0]["suppressed"]["file"], "infra/tests/e2e/public/main.test.bicep");
    assert_eq!(disabled(&after)["suppressed"]["reason"], "geo-redundancy is the caller's choice");
    let arm_pg204: Vec<&Value> =
        findings(&after, "PG204", "fail").into_iter().filter(|f| f["location"]["file"] == "infra/main.json").collect();
    assert_eq!(arm_pg204.len(), 1, "{arm_pg204:?}");
    assert_eq!(arm_pg204[0]["suppressed"]["reason"], "reached only from the VNet");
    // Suppressed findings no longer count; the slug in the list suppressed nothing: PG001.
    assert_eq!(
        after["summary"]["findings"].as_u64().expect("n") + 3,
        before["summary"]["findings"].as_u64().expect("n") + 1
    );
    let unused = findings(&after, "PG001", "fail");
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert_eq!(unused[0]["message"], "`pgguard-ignore firewall-open-to-internet` suppresses no finding");
    assert_eq!(after["summary"]["suppressed"].as_u64(), Some(3));
}

#[test]
fn a_suppression_without_a_reason_warns_and_one_naming_no_rule_too() {
    let Some((repo, infra)) = common::avm_repo("a_suppression_without_a_reason_warns_and_one_naming_no_rule_too")
    else {
        return;
    };
    insert_before(&infra.join("main.bicep"), "geoRedundantBackup: createMode", "// pgguard-ignore PG401");
    insert_before(&infra.join("main.bicep"), "administratorLogin: administratorLogin", "// pgguard-ignore PG999: typo");
    let (_, out) = json(repo.path(), &["infra"]);
    let disabled = findings(&out, "PG401", "fail")
        .into_iter()
        .find(|f| f["message"].as_str().is_some_and(|m| m.contains("'Disabled'")))
        .expect("the geo-redundant backup property");
    assert!(disabled["suppressed"].is_object(), "a reasonless ignore still suppresses");
    let warnings: Vec<&str> =
        out["warnings"].as_array().expect("warnings").iter().filter_map(|w| w["message"].as_str()).collect();
    assert!(warnings.iter().any(|w| w.contains("`pgguard-ignore PG401` gives no reason")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("`PG999`") && w.contains("not a pgguard rule")), "{warnings:?}");
    let (_, human, _) = run(repo.path(), &["scan", "infra", "--color", "never"]);
    assert!(human.contains("2 warnings"), "the summary counts them");
}

#[test]
fn sarif_with_suppressions_a_baseline_and_unknowns_validates() {
    let Some((repo, infra)) = common::avm_repo("sarif_with_suppressions_a_baseline_and_unknowns_validates") else {
        return;
    };
    insert_before(&infra.join("main.bicep"), "geoRedundantBackup: createMode", "// pgguard-ignore PG401: by design");
    let (code, _, err) = run(repo.path(), &["scan", "infra/tests/e2e/public", "--write-baseline", "base.json"]);
    assert_eq!(code, 1, "{err}");
    insert_before(
        &infra.join("main.bicep"),
        "resource flexibleServer 'Microsoft.DBforPostgreSQL/flexibleServers",
        "// pgguard-ignore PG103: nothing to suppress here",
    );
    let (_, out, err) =
        run(repo.path(), &["scan", "infra", "--format", "sarif", "--baseline", "base.json", "--category", "pg"]);
    let log: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    common::assert_valid_sarif("sarif_with_suppressions_a_baseline_and_unknowns_validates", &log);
    let run = &log["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "pg/");
    let results = run["results"].as_array().expect("results");
    let suppressed: Vec<&Value> = results.iter().filter(|r| r["suppressions"].is_array()).collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(suppressed[0]["suppressions"][0]["justification"], "by design");
    assert!(results.iter().all(|r| r["baselineState"] == "new"));
    assert!(results.iter().any(|r| r["ruleId"] == "PG001"));
    // Unknowns are notes of their own rules, which carry no security severity.
    let unknowns: Vec<&Value> =
        results.iter().filter(|r| r["ruleId"].as_str().is_some_and(|id| id.ends_with("/unknown"))).collect();
    assert!(!unknowns.is_empty());
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for result in &unknowns {
        assert_eq!(result["level"], "note");
        let rule = &rules[result["ruleIndex"].as_u64().expect("index") as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        assert!(rule["properties"].get("security-severity").is_none());
    }
    // A result with a trace names its resource and links every related location.
    let traced = results.iter().find(|r| r["relatedLocations"].is_array()).expect("a traced result");
    let message = traced["message"]["text"].as_str().expect("text");
    for related in traced["relatedLocations"].as_array().expect("related") {
        assert!(message.contains(&format!("]({})", related["id"])), "{message}");
    }
    assert!(message.contains("flexibleServers"), "{message}");
}

#[test]
fn fingerprints_and_uris_do_not_depend_on_the_folder_pgguard_ran_in() {
    let Some((repo, infra)) = common::avm_repo("fingerprints_and_uris_do_not_depend_on_the_folder_pgguard_ran_in")
    else {
        return;
    };
    let identity = |log: &Value| -> Vec<String> {
        log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}",
                    r["ruleId"],
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                    r["partialFingerprints"]
                )
            })
            .collect()
    };
    let sarif = |cwd: &Path, path: &str| -> Value {
        serde_json::from_str(&run(cwd, &["scan", path, "--format", "sarif"]).1).expect("SARIF")
    };
    let from_root = identity(&sarif(repo.path(), "infra"));
    let from_infra = identity(&sarif(&infra, "."));
    let from_tests = identity(&sarif(&infra.join("tests"), ".."));
    assert!(!from_root.is_empty());
    assert_eq!(from_root, from_infra);
    assert_eq!(from_root, from_tests);
    assert!(from_root.iter().all(|r| r.contains("\"infra/")), "URIs are relative to the repository root");

    // A baseline written in one folder is read in another: nothing new, then one new finding.
    let (code, _, _) = run(repo.path(), &["scan", "infra", "--write-baseline", "baseline/pgguard.json"]);
    assert_eq!(code, 1);
    let (_, base) = json(&infra, &["--baseline", "../baseline/pgguard.json", "."]);
    assert_eq!(base["summary"]["findings"], 0, "{base}");
    assert!(base["summary"]["baselined"].as_u64().expect("n") > 0);
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/rules/PG203/fail-allow-all.bicep");
    std::fs::copy(fixture, infra.join("extra.bicep")).expect("copy");
    std::fs::remove_dir_all(infra.join("tests/e2e/public")).expect("remove");
    let (code, out) = json(&infra, &["--baseline", "../baseline/pgguard.json", "."]);
    assert_eq!(code, 1);
    let new = out["findings"].as_array().expect("findings");
    assert!(new.iter().any(|f| f["rule_id"] == "PG203"), "{new:?}");
    // Failures only in the new file (the firewall-rule module, no longer called with rules,
    // is judged on its own: unknowns).
    assert!(
        new.iter().filter(|f| f["verdict"] == "fail").all(|f| f["location"]["file"] == "extra.bicep"),
        "only the new file's findings: {new:?}"
    );
    assert!(out["summary"]["baseline_gone"].as_u64().expect("n") > 0, "the public test's findings are gone");
    let (_, human, _) = run(&infra, &["scan", ".", "--baseline", "../baseline/pgguard.json", "--color", "never"]);
    assert!(human.contains("gone since the baseline"), "{human}");
}

#[test]
fn the_configuration_file_selects_excludes_and_overrides() {
    let Some((repo, infra)) = common::avm_repo("the_configuration_file_selects_excludes_and_overrides") else { return };
    let config =
        "ignore = [\"private-endpoint\"]\nexclude = [\"tests\"]\nfail-on = \"high\"\n\n[severity]\nPG401 = \"low\"\n";
    std::fs::write(repo.path().join("pgguard.toml"), config).expect("write");
    // Every module on its own too, so that there is something to select from.
    let (_, out) = json(&infra, &["--all-roots", "."]);
    let all = out["findings"].as_array().expect("findings");
    assert!(!all.is_empty());
    assert!(all.iter().all(|f| f["rule_id"] != "PG204"), "ignored by slug");
    assert!(all.iter().all(|f| !f["location"]["file"].as_str().expect("file").starts_with("tests/")));
    assert!(all.iter().all(|f| !f["contexts"].to_string().contains("tests/e2e")), "tests/ not scanned");
    let pg401 = all.iter().find(|f| f["rule_id"] == "PG401");
    assert!(pg401.is_none_or(|f| f["severity"] == "low"));
    // Without the e2e tests nothing fails at high: the config's fail-on decides the exit code.
    let (code, _, _) = run(&infra, &["scan", "."]);
    assert_eq!(code, 0);
    let (code, _, _) = run(&infra, &["scan", ".", "--all-roots", "--fail-on", "low", "--unknown", "fail"]);
    assert_eq!(code, 1, "the command line overrides the file");

    std::fs::write(repo.path().join("pgguard.toml"), "select = [\"PG201\"]\nfail_on = \"high\"\n").expect("write");
    let (code, _, err) = run(&infra, &["scan", "."]);
    assert_eq!(code, 2);
    assert!(err.contains("pgguard.toml:2") && err.contains("unknown field `fail_on`"), "{err}");
    assert!(err.contains("`fail-on`"), "the valid keys are listed: {err}");
    std::fs::write(repo.path().join("pgguard.toml"), "\nselect = [\"PG201\", \"no-such-rule\"]\n").expect("write");
    let (code, _, err) = run(&infra, &["scan", "."]);
    assert_eq!(code, 2);
    assert!(err.contains("pgguard.toml:2") && err.contains("`no-such-rule` is not a rule"), "{err}");
}

#[test]
fn init_writes_a_configuration_that_scans() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, _) = run(dir.path(), &["init"]);
    assert_eq!(code, 0);
    let written = std::fs::read_to_string(dir.path().join("pgguard.toml")).expect("written");
    assert!(written.contains("# fail-on = \"low\""));
    let (code, _, err) = run(dir.path(), &["init"]);
    assert_eq!(code, 2, "does not overwrite: {err}");
    let (code, _, err) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn unknown_verdicts_never_fail_unless_the_config_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The firewall rule's start address is a parameter without a default: PG202 and PG203 are
    // unknown (the server's own findings are not selected).
    let template =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/rules/PG203/fail-allow-all.bicep"))
            .expect("fixture")
            .replace("startIpAddress: '0.0.0.0'", "startIpAddress: start");
    std::fs::write(dir.path().join("main.bicep"), format!("param start string\n{template}")).expect("write");
    let select = "--select=PG202,firewall-open-to-internet";
    let (code, out) = json(dir.path(), &[".", select]);
    assert!(out["summary"]["unknown"].as_u64().expect("n") >= 1, "{out}");
    assert_eq!(out["summary"]["findings"], 0, "{out}");
    assert_eq!(code, 0, "unknowns are reported, not failed");
    let (code, _) = json(dir.path(), &[".", select, "--unknown", "fail"]);
    assert_eq!(code, 1);
    let (code, out) = json(dir.path(), &[".", select, "--unknown", "ignore"]);
    assert_eq!(code, 0);
    assert_eq!(out["findings"], Value::Array(Vec::new()));
    std::fs::write(dir.path().join("pgguard.toml"), "select = [\"PG202\", \"PG203\"]\nunknown = \"fail\"\n")
        .expect("write");
    let (code, _) = json(dir.path(), &["."]);
    assert_eq!(code, 1, "the config says so");
    // The help of an unknown says how to make the value known, not how to fix a failure.
    let (_, out, _) = run(dir.path(), &["scan", ".", "--unknown", "report", "--color", "never"]);
    assert!(out.contains("make the value known"), "{out}");
}

#[test]
fn a_rule_option_in_the_configuration_changes_what_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/rules/PG203/fail-public-16.bicep");
    std::fs::copy(fixture, dir.path().join("main.bicep")).expect("copy");
    let pg203 = |out: &Value| findings(out, "PG203", "fail").len();
    let (_, out) = json(dir.path(), &["."]);
    assert_eq!(pg203(&out), 1, "a /16 is more than 256 public addresses");
    std::fs::write(
        dir.path().join("pgguard.toml"),
        "[options.firewall-open-to-internet]\nmax-public-addresses = 65536\n",
    )
    .expect("write");
    let (_, out) = json(dir.path(), &["."]);
    assert_eq!(pg203(&out), 0, "allowed up to a /16: {out}");
    std::fs::write(dir.path().join("pgguard.toml"), "[options.PG203]\nmax-public-adresses = 65536\n").expect("write");
    let (code, _, err) = run(dir.path(), &["scan", "."]);
    assert_eq!(code, 2);
    assert!(err.contains("pgguard.toml:1") && err.contains("its options: max-public-addresses"), "{err}");
}

#[test]
fn changed_parameter_files_report_their_templates() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    common::copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"), &dir.path().join("examples"));
    std::fs::write(dir.path().join("examples/bicep/main.bicepparam"), "using 'main.bicep'\n").expect("write");
    let files = |out: &Value| -> Vec<String> {
        let mut files: Vec<String> = out["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["location"]["file"].as_str().map(str::to_string))
            .collect();
        files.dedup();
        files
    };
    // The ARM parameter file stands for azuredeploy.json, the .bicepparam for its `using`.
    let (code, out) = json(dir.path(), &["--changed", "examples/arm/azuredeploy.parameters.json"]);
    assert_eq!(code, 1);
    assert_eq!(files(&out), ["examples/arm/azuredeploy.json"]);
    let (_, out) = json(dir.path(), &["--changed", "examples/bicep/main.bicepparam"]);
    assert_eq!(files(&out), ["examples/bicep/main.bicep"]);
    // A module file alone: its caller's findings in it (none here), not the caller's own.
    let (code, out) = json(dir.path(), &["--changed", "examples/bicep/network.bicep"]);
    assert_eq!(code, 0, "{out}");
    // And the configuration's [[params]] maps a parameter file of any name.
    std::fs::rename(
        dir.path().join("examples/arm/azuredeploy.parameters.json"),
        dir.path().join("examples/arm/prod.json"),
    )
    .expect("rename");
    std::fs::write(
        dir.path().join("pgguard.toml"),
        "[[params]]\ntemplate = \"examples/arm/azuredeploy.json\"\nfiles = [\"examples/arm/prod.json\"]\n",
    )
    .expect("write");
    let (_, out) = json(dir.path(), &["--changed", "examples/arm/prod.json"]);
    assert_eq!(files(&out), ["examples/arm/azuredeploy.json"]);
}

#[test]
fn suppressing_one_of_two_identical_findings_keeps_both_fingerprints() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/rules/PG203/fail-allow-all.bicep"))
            .expect("fixture");
    // The same rule twice, under two symbols: two findings with the same hash.
    let rule = "  resource allowAll 'firewallRules' = {";
    let copy = fixture.replace(rule, &format!("{}\n  }}\n\n{rule}", rule.replace("allowAll", "allowAllAgain")));
    let copy = copy.replacen(
        "  }\n\n  resource allowAll",
        "    name: 'AllowAll'\n    properties: {\n      startIpAddress: '0.0.0.0'\n      endIpAddress: '255.255.255.255'\n    }\n  }\n\n  resource allowAll",
        1,
    );
    std::fs::write(dir.path().join("main.bicep"), &copy).expect("write");
    let prints = |out: &Value| -> Vec<(String, bool)> {
        findings(out, "PG203", "fail")
            .iter()
            .map(|f| (f["fingerprint"].as_str().expect("print").to_string(), f["suppressed"].is_object()))
            .collect()
    };
    let (_, before) = json(dir.path(), &["."]);
    let before = prints(&before);
    assert_eq!(before.len(), 2, "{copy}");
    assert_eq!(before[0].0.split(':').next(), before[1].0.split(':').next(), "the same hash");
    assert_ne!(before[0].0, before[1].0, "told apart by the occurrence number");
    let suppressed = copy.replacen(
        "  resource allowAllAgain",
        "  // pgguard-ignore PG203: the first copy is accepted\n  resource allowAllAgain",
        1,
    );
    std::fs::write(dir.path().join("main.bicep"), suppressed).expect("write");
    let (_, after) = json(dir.path(), &["."]);
    let mut after = prints(&after);
    after.sort();
    let mut expected = before.clone();
    expected[0].1 = true;
    expected.sort();
    assert_eq!(after, expected, "the same fingerprints, the first one suppressed");
}
