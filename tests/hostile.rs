//! Hostile input that the parsers and the scan handle today and must keep handling: random
//! bytes, truncated and spliced templates, deep nesting, huge literals, many files, special
//! files, symlink loops, module cycles, oversized files. No panic, an error naming the file, and
//! the rest of the scan goes on; output the same whatever the thread count.

use pgguard::scan::{ScanOptions, ScanReport, scan};
use pgguard::syntax::{arm, bicep};
use std::path::{Path, PathBuf};

const PG: &str = "resource pg 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    version: '16'
  }
}
";

const SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/// xorshift64: a fixed seed, so every run sees the same input.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

fn parse_all_ways(text: &str) {
    let _ = bicep::parse(text, bicep::Mode::Template);
    let _ = bicep::parse(text, bicep::Mode::Params);
    let _ = arm::parse(text);
}

fn scan_dir(dir: &Path, threads: usize) -> ScanReport {
    scan(&[dir.to_path_buf()], ScanOptions { threads, ..ScanOptions::default() }).expect("scan runs")
}

fn error_for<'a>(report: &'a ScanReport, name: &str) -> &'a str {
    report
        .errors
        .iter()
        .find(|e| e.path.ends_with(name))
        .map(|e| e.message.as_str())
        .unwrap_or_else(|| panic!("no error for {name}: {:?}", report.errors))
}

fn has_file(report: &ScanReport, name: &str) -> bool {
    report.files.iter().any(|f| f.display.ends_with(name))
}

/// The repository's own templates (examples and test data), as text.
fn own_templates() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "bicep" || e == "bicepparam" || e == "json") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    walk(&root.join("examples"), &mut paths);
    walk(&root.join("testdata"), &mut paths);
    paths.sort();
    paths.into_iter().filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t))).collect()
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[test]
fn random_bytes_parse_without_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Bytes drawn from the characters that matter to the grammars, and fully random ones.
    let alphabet = b"'{}[]()$:=?!.,\n\r\t\\@#/* \"abcdefxyz019-+<>|&";
    for round in 0..300 {
        let len = rng.below(400);
        let bytes: Vec<u8> = (0..len)
            .map(|_| if round % 2 == 0 { alphabet[rng.below(alphabet.len())] } else { rng.next() as u8 })
            .collect();
        parse_all_ways(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn truncated_and_spliced_templates_parse_without_panic() {
    let templates = own_templates();
    assert!(!templates.is_empty(), "examples/ and testdata/ hold templates");
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for (i, (path, text)) in templates.iter().enumerate() {
        for _ in 0..24 {
            let cut = floor_boundary(text, rng.below(text.len() + 1));
            let head = &text[..cut];
            match path.extension().and_then(|e| e.to_str()) {
                Some("json") => {
                    let _ = arm::parse(head);
                }
                Some("bicepparam") => {
                    let _ = bicep::parse(head, bicep::Mode::Params);
                }
                _ => {
                    let _ = bicep::parse(head, bicep::Mode::Template);
                }
            }
            // The tail alone starts mid-token, mid-string, mid-comment.
            parse_all_ways(&text[cut..]);
        }
        let (_, next) = &templates[(i + 1) % templates.len()];
        parse_all_ways(&format!("{text}{next}"));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    const N: usize = 100_000;
    let cases = [
        format!("var x = {}1{}\n", "{a: ".repeat(N), "}".repeat(N)),
        format!("var x = {}{}\n", "[".repeat(N), "]".repeat(N)),
        format!("var x = {}1{}\n", "(".repeat(N), ")".repeat(N)),
        format!("var x = {}1{}\n", "'${".repeat(10_000), "}'".repeat(10_000)),
        format!("var x = {}1{}\n", "f(".repeat(N), ")".repeat(N)),
        format!("var x = {}true\n", "!".repeat(N)),
        format!("var x = {}1\n", "-".repeat(N)),
        format!("var x = {}c\n", "a ? b : ".repeat(N)),
        // Unclosed: the parser must not recurse to the end of the file either.
        format!("var x = {}", "{a: [(".repeat(N / 3)),
    ];
    for text in &cases {
        let parsed = bicep::parse(text, bicep::Mode::Template);
        assert!(!parsed.errors.is_empty(), "an error for {}…", &text[..40]);
        let _ = bicep::parse(text, bicep::Mode::Params);
    }
    for text in [format!("{}{}", "[".repeat(N), "]".repeat(N)), format!("{}1{}", "{\"a\":".repeat(N), "}".repeat(N))] {
        assert!(arm::parse(&text).is_err(), "deep JSON is refused");
    }
}

#[test]
fn long_flat_expressions_parse() {
    const N: usize = 100_000;
    for text in [
        format!("var x = a{}\n", ".b".repeat(N)),
        format!("var x = a{}\n", "[0]".repeat(N)),
        format!("var x = 1{}\n", " + 1".repeat(N)),
        format!("var x = '{}'\n", "a".repeat(10_000_000)),
        format!("{}param p string\n", "@description('d')\n".repeat(N)),
    ] {
        let _ = bicep::parse(&text, bicep::Mode::Template);
    }
}

#[test]
fn many_small_files_and_special_files_scan() {
    let dir = tempfile::tempdir().expect("temp dir");
    for i in 0..300 {
        std::fs::write(dir.path().join(format!("t{i:03}.bicep")), PG.replace("'pg'", &format!("'pg{i}'")))
            .expect("write");
    }
    std::fs::write(dir.path().join("binary.bicep"), [0u8, 159, 146, 150, 0, 1, 2]).expect("write");
    std::fs::write(dir.path().join("latin1.bicep"), b"var x = '\xe9t\xe9'\n").expect("write");
    std::fs::write(dir.path().join("empty.bicep"), "").expect("write");
    std::fs::write(dir.path().join("empty.json"), "").expect("write");
    std::fs::write(dir.path().join("truncated.json"), format!("\u{feff}{{\"$schema\": \"{SCHEMA}\", \"resources\": ["))
        .expect("write");
    // Over the size limit, without writing 33 MB: a sparse file.
    let big = std::fs::File::create(dir.path().join("huge.bicep")).expect("create");
    big.set_len(33 * 1024 * 1024).expect("set_len");
    drop(big);

    let report = scan_dir(dir.path(), 2);
    for i in 0..300 {
        assert!(has_file(&report, &format!("t{i:03}.bicep")), "t{i:03}.bicep is scanned");
    }
    assert!(error_for(&report, "binary.bicep").contains("binary"));
    assert!(error_for(&report, "latin1.bicep").contains("UTF-8"));
    assert!(error_for(&report, "huge.bicep").contains("bytes"));
    let _ = error_for(&report, "truncated.json");
    assert!(report.findings.iter().any(|f| report.file(f.location).display.ends_with("t299.bicep")));
}

#[test]
fn module_cycles_and_unreadable_module_targets_are_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::write(d.join("self.bicep"), "module m 'self.bicep' = {\n  name: 'm'\n}\n").expect("write");
    std::fs::write(d.join("a.bicep"), "module b 'b.bicep' = {\n  name: 'b'\n}\n").expect("write");
    std::fs::write(d.join("b.bicep"), "module a 'a.bicep' = {\n  name: 'a'\n}\n").expect("write");
    std::fs::create_dir(d.join("folder.bicep")).expect("mkdir");
    let special = "module z '/dev/zero' = {\n  name: 'z'\n}\nmodule f 'folder.bicep' = {\n  name: 'f'\n}\n\
                   module n 'nowhere.bicep' = {\n  name: 'n'\n}\n";
    std::fs::write(d.join("special.bicep"), format!("{special}{PG}")).expect("write");
    // A long chain of modules, the last one with a server.
    std::fs::create_dir(d.join("chain")).expect("mkdir");
    for i in 0..200 {
        let text = if i < 199 { format!("module m 'm{}.bicep' = {{\n  name: 'm{i}'\n}}\n", i + 1) } else { PG.into() };
        std::fs::write(d.join("chain").join(format!("m{i}.bicep")), text).expect("write");
    }

    let report = scan_dir(d, 2);
    assert!(error_for(&report, "self.bicep").contains("cycle"));
    let cycle = |name: &str| report.errors.iter().any(|e| e.path.ends_with(name) && e.message.contains("cycle"));
    assert!(cycle("a.bicep") || cycle("b.bicep"), "{:?}", report.errors);
    let special_errors: Vec<&str> =
        report.errors.iter().filter(|e| e.path.ends_with("special.bicep")).map(|e| e.message.as_str()).collect();
    assert_eq!(special_errors.len(), 3, "{special_errors:?}");
    // The server in special.bicep is still judged, and the chain reaches its end.
    assert!(report.findings.iter().any(|f| report.file(f.location).display.ends_with("special.bicep")));
    assert!(report.findings.iter().any(|f| report.file(f.location).display.ends_with("m199.bicep")));
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_fifos_do_not_hang_the_walk() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::create_dir_all(d.join("a/b")).expect("mkdir");
    symlink(d, d.join("a/b/up")).expect("symlink");
    symlink("..", d.join("a/parent")).expect("symlink");
    symlink("self.bicep", d.join("self.bicep")).expect("symlink");
    symlink("/nonexistent/nowhere.bicep", d.join("dangling.bicep")).expect("symlink");
    let fifo = d.join("pipe.bicep");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    if made {
        std::fs::write(d.join("reads_pipe.bicep"), "module p 'pipe.bicep' = {\n  name: 'p'\n}\n").expect("write");
    }
    std::fs::write(d.join("a/b/ok.bicep"), PG).expect("write");

    let report = scan_dir(d, 2);
    assert!(has_file(&report, "ok.bicep"));
    assert!(report.findings.iter().any(|f| report.file(f.location).display.ends_with("ok.bicep")));
}

#[test]
fn arm_evaluation_limits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = |name: &str, extra: &str| {
        format!(
            "{{\"type\": \"Microsoft.DBforPostgreSQL/flexibleServers\", \"apiVersion\": \"2022-12-01\", \
             \"name\": \"{name}\", \"location\": \"westeurope\", \"properties\": {{\"version\": \"16\"}}{extra}}}"
        )
    };
    let template = |variables: &str, resource: String| {
        format!(
            "{{\"$schema\": \"{SCHEMA}\", \"contentVersion\": \"1.0.0.0\", \"variables\": {{{variables}}}, \"resources\": [{resource}]}}"
        )
    };
    let nested = format!("[{}'a'{}]", "concat(".repeat(10_000), ")".repeat(10_000));
    let cases = [
        (
            "copy_huge.json",
            template(
                "",
                server("[concat('s', copyIndex())]", ", \"copy\": {\"name\": \"c\", \"count\": 4611686018427387904}"),
            ),
        ),
        (
            "copy_100k.json",
            template("", server("[concat('s', copyIndex())]", ", \"copy\": {\"name\": \"c\", \"count\": 100000}")),
        ),
        ("copy_negative.json", template("", server("s", ", \"copy\": {\"name\": \"c\", \"count\": -5}"))),
        ("copy_float.json", template("", server("s", ", \"copy\": {\"name\": \"c\", \"count\": 1e300}"))),
        (
            "cycle.json",
            template("\"a\": \"[variables('b')]\", \"b\": \"[variables('a')]\"", server("[variables('a')]", "")),
        ),
        ("deep_expr.json", template("", server(&nested, ""))),
        ("range.json", template("", server("[string(range(0, 100000000))]", ""))),
        (
            "var_copy.json",
            template(
                "\"copy\": [{\"name\": \"v\", \"count\": 100000000, \"input\": \"[copyIndex('v')]\"}]",
                server("s", ""),
            ),
        ),
    ];
    for (name, text) in &cases {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let report = scan_dir(dir.path(), 2);
    for (name, _) in &cases {
        assert!(has_file(&report, name), "{name} is scanned");
    }
}

#[test]
fn bicep_evaluation_limits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let for_huge =
        PG.replacen("= {", "= [for i in range(0, 100000000): {", 1).replace("'pg'", "'pg${i}'").trim_end().to_string()
            + "]\n";
    std::fs::write(d.join("for_huge.bicep"), for_huge).expect("write");
    std::fs::write(d.join("cycle.bicep"), format!("var a = b\nvar b = a\n{}", PG.replace("'pg'", "a"))).expect("write");
    std::fs::write(d.join("range.bicep"), format!("var r = string(range(0, 100000000))\n{}", PG.replace("'pg'", "r")))
        .expect("write");
    let params: String = (0..20_000).map(|i| format!("param p{i} string\n")).collect();
    std::fs::write(d.join("params.bicep"), params + PG).expect("write");
    let report = scan_dir(d, 2);
    for name in ["for_huge.bicep", "cycle.bicep", "range.bicep", "params.bicep"] {
        assert!(has_file(&report, name), "{name} is scanned");
    }
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    for i in 0..40 {
        let text = match i % 4 {
            0 => PG.replace("'pg'", &format!("'pg{i}'")),
            1 => format!("module m 'mod{i}.bicep' = {{\n  name: 'm'\n}}\n"),
            2 => format!("var x = {{\n  a: 'b{i}\n"),
            _ => format!("{{\"$schema\": \"{SCHEMA}\", \"resources\": ["),
        };
        std::fs::write(dir.path().join(format!("f{i:02}.bicep")), &text).expect("write");
        std::fs::write(dir.path().join(format!("mod{}.bicep", i + 1)), PG).expect("write");
    }
    let render = |r: &ScanReport| format!("{:?}\n{:?}", r.findings, r.errors);
    let one = render(&scan_dir(dir.path(), 1));
    for threads in [2, 3, 8] {
        assert_eq!(one, render(&scan_dir(dir.path(), threads)), "--threads {threads}");
    }
}

#[test]
fn broken_interpolations_inside_lists_end() {
    // These once made the list parser loop forever, allocating.
    for text in ["var v = {s: '${p e}'}\n", "var s = ['${?()}']\n", "var s = [\n  '${a b c}'\n  '${)}'\n]\n"] {
        let parsed = bicep::parse(text, bicep::Mode::Template);
        assert!(!parsed.errors.is_empty(), "{text}");
    }
}

#[test]
fn values_doubling_from_variable_to_variable_stay_small() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bicep: String = (0..60).map(|i| format!("var v{i} = concat(v{}, v{})\n", i + 1, i + 1)).collect();
    bicep.push_str("var v60 = 'x'\n");
    bicep.push_str(&PG.replace("name: 'pg'", "name: v0"));
    std::fs::write(dir.path().join("chain.bicep"), bicep).expect("write");
    let variables: Vec<String> =
        (0..60).map(|i| format!("\"v{i}\": \"[concat(variables('v{}'), variables('v{}'))]\"", i + 1, i + 1)).collect();
    let arm = format!(
        "{{\"$schema\": \"{SCHEMA}\", \"variables\": {{ {}, \"v60\": \"[[x\" }}, \"resources\": [{{\"type\": \"Microsoft.DBforPostgreSQL/flexibleServers\", \"apiVersion\": \"2022-12-01\", \"name\": \"[variables('v0')]\", \"location\": \"westeurope\", \"properties\": {{}}}}]}}",
        variables.join(", ")
    );
    std::fs::write(dir.path().join("chain.json"), arm).expect("write");
    let report = scan_dir(dir.path(), 1);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    for name in ["chain.bicep", "chain.json"] {
        assert!(report.findings.iter().any(|f| report.file(f.location).display.ends_with(name)), "{name} is judged");
    }
}

#[test]
fn modules_calling_modules_twice_at_every_level_are_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let levels = 30;
    for i in 0..levels {
        let next = format!("d{}.bicep", i + 1);
        let text = format!("module a '{next}' = {{\n  name: 'a'\n}}\nmodule b '{next}' = {{\n  name: 'b'\n}}\n");
        std::fs::write(dir.path().join(format!("d{i}.bicep")), text).expect("write");
    }
    std::fs::write(dir.path().join(format!("d{levels}.bicep")), PG).expect("write");
    let report =
        scan(&[dir.path().join("d0.bicep")], ScanOptions { threads: 1, ..ScanOptions::default() }).expect("scan runs");
    assert!(report.errors.iter().any(|e| e.message.contains("calls modules more than")), "{:?}", report.errors);
}

/// A UTF-8 byte-order mark is not a column: findings on line 1 point where the text does.
#[test]
fn a_byte_order_mark_is_not_counted_in_columns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bicep = "\u{feff}resource pg 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = { name: 'pg', location: 'x', properties: { version: '16' } }\n";
    std::fs::write(dir.path().join("bom.bicep"), bicep).expect("write");
    let plain = bicep.trim_start_matches('\u{feff}');
    let other = tempfile::tempdir().expect("temp dir");
    std::fs::write(other.path().join("bom.bicep"), plain).expect("write");
    let columns = |report: &ScanReport| -> Vec<(String, u32, u32)> {
        report
            .findings
            .iter()
            .map(|f| {
                let at = report.file(f.location).line_col(f.location.span.start);
                (report.rules[f.rule].id.clone(), at.line, at.column)
            })
            .collect()
    };
    let with_bom = scan_dir(dir.path(), 1);
    assert!(!with_bom.findings.is_empty());
    assert_eq!(columns(&with_bom), columns(&scan_dir(other.path(), 1)));
}

/// A FIFO (or a device) named on the command line is an error naming it; the other paths are
/// scanned.
#[cfg(unix)]
#[test]
fn special_files_on_the_command_line_are_errors_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe.bicep");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    let ok = dir.path().join("ok.bicep");
    std::fs::write(&ok, PG).expect("write");
    let mut paths = vec![ok, PathBuf::from("/dev/null")];
    if made {
        paths.push(fifo);
    }
    let report = scan(&paths, ScanOptions { threads: 1, ..ScanOptions::default() }).expect("scan runs");
    assert!(report.findings.iter().any(|f| report.file(f.location).display.ends_with("ok.bicep")));
    assert!(error_for(&report, "/dev/null").contains("not a regular file (a device)"));
    if made {
        assert!(error_for(&report, "pipe.bicep").contains("not a regular file (a named pipe)"));
    }
}

/// UTF-16 is named as such, with or without a byte-order mark, not called binary.
#[test]
fn utf16_files_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let utf16 = |big: bool, bom: bool| -> Vec<u8> {
        let mut out: Vec<u8> = Vec::new();
        let units: Vec<u16> = (if bom { "\u{feff}" } else { "" }).encode_utf16().chain(PG.encode_utf16()).collect();
        for unit in units {
            out.extend(if big { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        out
    };
    std::fs::write(dir.path().join("le.bicep"), utf16(false, true)).expect("write");
    std::fs::write(dir.path().join("be.json"), utf16(true, true)).expect("write");
    std::fs::write(dir.path().join("nobom.bicep"), utf16(false, false)).expect("write");
    let report = scan_dir(dir.path(), 1);
    for name in ["le.bicep", "be.json", "nobom.bicep"] {
        assert_eq!(error_for(&report, name), "UTF-16 is not supported; save the file as UTF-8", "{name}");
    }
}

/// On Unix a backslash is part of a file name: it is shown as it is, not as a folder.
#[cfg(unix)]
#[test]
fn file_names_are_shown_as_they_are() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("back\\slash.bicep"), PG).expect("write");
    let report = scan_dir(dir.path(), 1);
    assert!(
        has_file(&report, "back\\slash.bicep"),
        "{:?}",
        report.files.iter().map(|f| &f.display).collect::<Vec<_>>()
    );
    let sarif = pgguard::report::render(&report, pgguard::report::Format::Sarif, &Default::default());
    assert!(sarif.contains("back%5Cslash.bicep"), "the SARIF URI encodes the backslash");
}

/// A file that is not Bicep past its first lines gives one syntax error per line; each error
/// shown with its excerpt made the human report take a minute for a 16,000-line file (found
/// by the `bicep` fuzz target). A file reports its first 100 errors and how many more it has.
#[test]
fn syntax_errors_are_capped_per_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage: String = std::iter::repeat_n("  {}\n", 5000).collect();
    let text = format!("{PG}var broken = [\n  {{}}\n)\n{garbage}");
    std::fs::write(dir.path().join("main.bicep"), text).expect("write");
    let report = scan_dir(dir.path(), 1);
    assert_eq!(report.errors.len(), 101, "{:#?}", &report.errors[..3]);
    let last = &report.errors[100].message;
    assert!(last.contains("more syntax errors from here on are not shown"), "{last}");
    // The server before the broken part is still judged.
    assert!(report.findings.iter().any(|f| report.rules[f.rule].id == "PG201"), "{:#?}", report.findings);
}
