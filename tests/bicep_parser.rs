//! Unit tests of the Bicep lexer and parser, one construct at a time, plus snapshot tests of
//! the syntax trees of the samples in `testdata/syntax/bicep/`.

use pgguard::syntax::bicep::ast::*;
use pgguard::syntax::bicep::{Mode, ParsedBicep, parse};

fn ok(src: &str) -> ParsedBicep {
    let parsed = parse(src, Mode::Template);
    assert!(parsed.errors.is_empty(), "errors in {src:?}: {:#?}", parsed.errors);
    parsed
}

fn ok_params(src: &str) -> ParsedBicep {
    let parsed = parse(src, Mode::Params);
    assert!(parsed.errors.is_empty(), "errors in {src:?}: {:#?}", parsed.errors);
    parsed
}

fn errs(src: &str) -> ParsedBicep {
    let parsed = parse(src, Mode::Template);
    assert!(!parsed.errors.is_empty(), "no error in {src:?}");
    parsed
}

fn stmts(src: &str) -> Vec<StatementKind> {
    ok(src).program.statements.into_iter().map(|s| s.kind).collect()
}

fn one(src: &str) -> StatementKind {
    let mut all = stmts(src);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

/// The value of `var x = <expr>`.
fn expr(src: &str) -> Expr {
    match one(&format!("var x = {src}")) {
        StatementKind::Var { value, .. } => value,
        other => panic!("{other:?}"),
    }
}

/// A compact rendering of an expression, to check tree shapes.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Null => "null".into(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::String(s) => match s.as_literal() {
            Some(text) => format!("{text:?}"),
            None => {
                let parts: Vec<String> = s
                    .parts
                    .iter()
                    .map(|p| match p {
                        StringPart::Text { text, .. } => format!("{text:?}"),
                        StringPart::Interpolation(e) => format!("${{{}}}", show(e)),
                    })
                    .collect();
                format!("str({})", parts.join(" "))
            }
        },
        ExprKind::Ident(i) => i.name.clone(),
        ExprKind::Array(items) => {
            format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(", "))
        }
        ExprKind::Object(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|i| match i {
                    ObjectItem::Property(p) => {
                        format!("{}: {}", p.key.literal().unwrap_or("?"), show(&p.value))
                    }
                    ObjectItem::Spread(e) => show(e),
                    ObjectItem::Resource(_) => "resource".into(),
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        ExprKind::Member { base, name, safe } => {
            format!("{}{}{}", show(base), if *safe { ".?" } else { "." }, name.name)
        }
        ExprKind::ResourceAccess { base, name } => format!("{}::{}", show(base), name.name),
        ExprKind::Index { base, index, safe, from_end } => format!(
            "{}[{}{}{}]",
            show(base),
            if *safe { "?" } else { "" },
            if *from_end { "^" } else { "" },
            show(index)
        ),
        ExprKind::Call { base, name, args } => format!(
            "{}{}({})",
            base.as_ref().map(|b| format!("{}.", show(b))).unwrap_or_default(),
            name.name,
            args.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Unary { op, operand } => {
            format!("({}{})", if *op == UnaryOp::Not { "!" } else { "-" }, show(operand))
        }
        ExprKind::Binary { op, left, right } => format!("({} {op:?} {})", show(left), show(right)),
        ExprKind::Ternary { condition, then, otherwise } => {
            format!("({} ? {} : {})", show(condition), show(then), show(otherwise))
        }
        ExprKind::NonNull(e) => format!("{}!", show(e)),
        ExprKind::Paren(e) => format!("({})", show(e)),
        ExprKind::Lambda { params, body } => {
            format!("({}) => {}", params.iter().map(|p| p.name.name.clone()).collect::<Vec<_>>().join(", "), show(body))
        }
        ExprKind::For { item, index, iterable, body } => format!(
            "[for {}{} in {}: {}]",
            item.as_ref().map(|i| i.name.clone()).unwrap_or_default(),
            index.as_ref().map(|i| format!(", {}", i.name)).unwrap_or_default(),
            show(iterable),
            show(body)
        ),
        ExprKind::If { condition, body } => format!("if ({}) {}", show(condition), show(body)),
        ExprKind::Spread(e) => format!("...{}", show(e)),
        ExprKind::Error => "<error>".into(),
    }
}

fn shows(src: &str) -> String {
    show(&expr(src))
}

// ---- expressions ----

#[test]
fn precedence() {
    assert_eq!(shows("1 + 2 * 3"), "(1 Add (2 Multiply 3))");
    assert_eq!(shows("1 - 2 - 3"), "((1 Subtract 2) Subtract 3)");
    assert_eq!(shows("a || b && c"), "(a Or (b And c))");
    assert_eq!(shows("a ?? b || c"), "(a Coalesce (b Or c))");
    assert_eq!(shows("a == b < c"), "(a Equals (b Less c))");
    assert_eq!(shows("a =~ b && c !~ d"), "((a EqualsInsensitive b) And (c NotEqualsInsensitive d))");
    assert_eq!(shows("a < b + 1"), "(a Less (b Add 1))");
    assert_eq!(shows("!a && -b % 2 >= 1"), "((!a) And (((-b) Modulo 2) GreaterOrEqual 1))");
    assert_eq!(shows("a ? b : c ? d : e"), "(a ? b : (c ? d : e))");
    assert_eq!(shows("a ?? b ? c : d"), "((a Coalesce b) ? c : d)");
    assert_eq!(shows("(1 + 2) * 3"), "(((1 Add 2)) Multiply 3)");
    assert_eq!(shows("!x.y"), "(!x.y)");
}

#[test]
fn postfix_operators() {
    assert_eq!(shows("a.b.?c[0][?'k'][^1]"), "a.b.?c[0][?\"k\"][^1]");
    assert_eq!(shows("res::child.name"), "res::child.name");
    assert_eq!(shows("sys.concat('a', b)"), "sys.concat(\"a\", b)");
    assert_eq!(shows("vault.getSecret('x')"), "vault.getSecret(\"x\")");
    assert_eq!(shows("f()"), "f()");
    assert_eq!(shows("a.b!.c"), "a.b!.c");
    assert_eq!(shows("x! != y"), "(x! NotEquals y)");
}

#[test]
fn lambdas() {
    assert_eq!(shows("map(xs, x => x + 1)"), "map(xs, (x) => (x Add 1))");
    assert_eq!(shows("reduce(xs, 0, (acc, x) => acc + x)"), "reduce(xs, 0, (acc, x) => (acc Add x))");
    assert_eq!(shows("() => 1"), "() => 1");
    assert_eq!(shows("(a) + 1"), "((a) Add 1)");
}

#[test]
fn literals_and_collections() {
    assert_eq!(shows("[]"), "[]");
    assert_eq!(shows("{}"), "{}");
    assert_eq!(shows("[1, 2\n 3\n]"), "[1, 2, 3]");
    assert_eq!(shows("{ a: 1, 'b-c': true }"), "{a: 1, b-c: true}");
    assert_eq!(shows("{\n  a: null\n  resource: 1\n  param: 'x'\n}"), "{a: null, resource: 1, param: \"x\"}");
    assert_eq!(shows("[...a, 1]"), "[...a, 1]");
    assert_eq!(shows("{ ...a, b: 1 }"), "{...a, b: 1}");
    assert_eq!(shows("union(...xs)"), "union(...xs)");
    assert_eq!(shows("9223372036854775807"), "9223372036854775807");
    errs("var x = 9223372036854775808");
    errs("var x = --1");
    errs("var x = !!true");
    assert_eq!(shows("!(!a)"), "(!((!a)))");
}

#[test]
fn for_and_if() {
    assert_eq!(shows("[for x in xs: x]"), "[for x in xs: x]");
    assert_eq!(shows("[for (x, i) in range(0, 3): { n: i }]"), "[for x, i in range(0, 3): {n: i}]");
    assert_eq!(shows("[\n  for x in xs: {\n    a: x\n  }\n]"), "[for x in xs: {a: x}]");
    let body = match one("resource r 'A/b@1' = [for (x, i) in xs: if (i > 0) {\n  name: x\n}]") {
        StatementKind::Resource { body, .. } => body,
        other => panic!("{other:?}"),
    };
    assert_eq!(show(&body), "[for x, i in xs: if ((i Greater 0)) {name: x}]");
}

#[test]
fn strings() {
    assert_eq!(shows(r"'a\'b\\c\n\r\t\$\u{41}'"), "\"a'b\\\\c\\n\\r\\t$A\"");
    assert_eq!(shows("'x${a}y${b}'"), "str(\"x\" ${a} \"y\" ${b})");
    assert_eq!(shows("'${a}'"), "str(${a})");
    assert_eq!(shows("'${ f('}') }'"), "str(${f(\"}\")})");
    errs("var x = '${ {a: 1}.a }'");
    assert_eq!(shows("'${map(xs, x => [x])}'"), "str(${map(xs, (x) => [x])})");
    assert_eq!(shows("'${'${x}'}'"), "str(${str(${x})})");
    assert_eq!(shows("'$x {y} $'"), "\"$x {y} $\"");
    assert_eq!(shows("'\\u{D801}\\u{DC37}'"), "\"\u{10437}\"");
    errs("var x = 'a\\qb'");
    errs("var x = 'abc\nvar y = 1");
}

#[test]
fn multiline_strings() {
    assert_eq!(shows("'''\nline1\r\nline2'''"), "\"line1\\r\\nline2\"");
    assert_eq!(shows("'''a\\n${b}'''"), "\"a\\\\n${b}\"");
    assert_eq!(shows("''''abc''''"), "\"'abc'\"");
    assert_eq!(shows("$'''a${b}c'''"), "str(\"a\" ${b} \"c\")");
    assert_eq!(shows("$$'''a${b}$${c}'''"), "str(\"a${b}\" ${c})");
    errs("var x = '''abc");
}

#[test]
fn newline_sensitivity() {
    assert_eq!(stmts("var a = 1\nvar b = 2").len(), 2);
    errs("var a = 1 var b = 2");
    errs("var a =\n1");
    assert_eq!(shows("true\n? 1\n: 2"), "(true ? 1 : 2)");
    assert_eq!(shows("f(\n  a,\n  b\n)"), "f(a, b)");
    assert_eq!(shows("(\n  a && b\n)"), "((a And b))");
    errs("var x = (\n  a\n  && b\n)");
    errs("var x = f(a\n  b)");
    errs("var x = f(a,)");
    errs("var x = cond ?\n 1 : 2");
    errs("resource r 'A/b@1' =\n{\n}");
    assert!(matches!(one("resource r 'A/b@1' =\n  if (c) {\n}"), StatementKind::Resource { .. }));
    assert_eq!(shows("map(xs, x =>\n  x)"), "map(xs, (x) => x)");
    errs("var x = [\n  1,\n  2\n]");
}

#[test]
fn crlf_bom_and_tabs() {
    let parsed = ok("\u{feff}param a string\r\n\tvar b = {\r\n\tx: 1\r\n}\r\n");
    assert_eq!(parsed.program.statements.len(), 2);
}

#[test]
fn comments_and_directives() {
    let parsed = ok("// one\nvar a = /* two */ 1\n#disable-next-line BCP081 no-unused-vars\nvar b = 2 // three\n");
    assert_eq!(parsed.comments.len(), 3);
    assert!(parsed.comments[1].block);
    assert_eq!(parsed.directives.len(), 1);
    assert_eq!(parsed.directives[0].name, "disable-next-line");
    let codes: Vec<_> = parsed.directives[0].codes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(codes, ["BCP081", "no-unused-vars"]);
    assert_eq!(parsed.program.statements.len(), 2);
}

#[test]
fn decorators() {
    let parsed = ok("@secure()\n@sys.description('d')\nparam p string\n");
    let statement = &parsed.program.statements[0];
    assert_eq!(statement.decorators.len(), 2);
    assert_eq!(show(&statement.decorators[1].expr), "sys.description(\"d\")");
    assert_eq!(statement.span.start, 0);
    let value = expr("{\n  @description('x')\n  a: 1\n}");
    let ExprKind::Object(items) = value.kind else { panic!() };
    let ObjectItem::Property(p) = &items[0] else { panic!() };
    assert_eq!(p.decorators.len(), 1);
}

// ---- statements ----

#[test]
fn params() {
    let StatementKind::Param { ty: Some(DeclaredType::Type(ty)), value: None, .. } =
        &stmts("param x myType?\nvar y = 1")[0]
    else {
        panic!()
    };
    assert!(matches!(ty.kind, TypeKind::Nullable(_)));
    assert!(matches!(
        one("param x resource 'A/b@1'"),
        StatementKind::Param { ty: Some(DeclaredType::Resource(_)), .. }
    ));
    assert!(matches!(one("param x int = 1"), StatementKind::Param { value: Some(_), .. }));
    errs("param x string foo");
    let parsed = parse("param x string foo", Mode::Template);
    assert_eq!(parsed.errors[0].message, "expected '=' after the parameter type, found 'foo'");
}

#[test]
fn declarations() {
    assert!(matches!(one("targetScope = 'subscription'"), StatementKind::TargetScope { .. }));
    assert!(matches!(one("metadata info = { a: 1 }"), StatementKind::Metadata { .. }));
    assert!(matches!(one("var x string = 'a'"), StatementKind::Var { ty: Some(_), .. }));
    assert!(matches!(
        one("resource r 'A/b@1' existing = {\n  name: 'x'\n}"),
        StatementKind::Resource { existing: true, .. }
    ));
    assert!(matches!(one("module m './m.bicep' = if (c) {\n  name: 'm'\n}"), StatementKind::Module { .. }));
    assert!(matches!(
        one("output o resource 'A/b@1' = r"),
        StatementKind::Output { ty: DeclaredType::Resource(_), .. }
    ));
    assert!(matches!(one("output o string = 'x'"), StatementKind::Output { .. }));
    assert!(matches!(one("type t = 'a' | 'b'"), StatementKind::Type { .. }));
    let StatementKind::Func { params, .. } = one("func f(a string, b int) string => '${a}${b}'") else { panic!() };
    assert_eq!(params.len(), 2);
    assert!(matches!(one("assert ok = 1 == 1"), StatementKind::Assert { .. }));
    assert!(matches!(one("test t 'main.bicep' = {\n  params: {}\n}"), StatementKind::Test { .. }));
}

#[test]
fn nested_resources() {
    let StatementKind::Resource { body, .. } = one(
        "resource r 'A/b@1' = {\n  name: 'x'\n  @batchSize(1)\n  resource c 'child' = {\n    name: 'c'\n  }\n  parent: p\n}",
    ) else {
        panic!()
    };
    let ExprKind::Object(items) = body.kind else { panic!() };
    let ObjectItem::Resource(child) = &items[1] else { panic!("{items:?}") };
    assert_eq!(child.decorators.len(), 1);
    assert_eq!(items.len(), 3);
}

#[test]
fn imports_and_extensions() {
    let StatementKind::Import { clause: ImportClause::Named(items), .. } =
        one("import {\n  a\n  b as c, 'd-e' as f\n} from 'f.bicep'")
    else {
        panic!()
    };
    assert_eq!(items.len(), 3);
    assert!(matches!(
        one("import * as ns from 'f.bicep'"),
        StatementKind::Import { clause: ImportClause::Wildcard { .. }, .. }
    ));
    assert!(matches!(
        one("import 'az@1.0.0' with {\n  a: 1\n} as x"),
        StatementKind::Import { clause: ImportClause::None, config: Some(_), alias: Some(_), .. }
    ));
    assert!(matches!(
        one("extension kubernetes with {\n  namespace: 'a'\n} as k8s"),
        StatementKind::Extension { config: Some(_), alias: Some(_), .. }
    ));
    assert!(matches!(one("extension 'br:x/y:1' as foo"), StatementKind::Extension { .. }));
    assert!(matches!(one("extension microsoftGraphV1"), StatementKind::Extension { .. }));
    assert!(matches!(one("provider az"), StatementKind::Extension { .. }));
}

#[test]
fn params_files() {
    let parsed = ok_params(
        "using 'main.bicep'\nextends 'base.bicepparam'\nparam a = 1\nvar b = a\nextensionConfig k with {\n  x: 1\n}\n",
    );
    let kinds: Vec<_> = parsed.program.statements.iter().map(|s| &s.kind).collect();
    assert!(matches!(kinds[0], StatementKind::Using { path: Some(_), config: None }));
    assert!(matches!(kinds[1], StatementKind::Extends { .. }));
    assert!(matches!(kinds[2], StatementKind::Param { ty: None, value: Some(_), .. }));
    assert!(matches!(kinds[4], StatementKind::ExtensionConfig { .. }));
    let parsed = ok_params("using none\n");
    assert!(matches!(parsed.program.statements[0].kind, StatementKind::Using { path: None, .. }));
    let parsed = ok_params("using 'x.bicep' with {\n  mode: 'stack'\n}\n");
    assert!(matches!(parsed.program.statements[0].kind, StatementKind::Using { config: Some(_), .. }));
}

// ---- types ----

fn ty(src: &str) -> TypeExpr {
    match one(&format!("type t = {src}")) {
        StatementKind::Type { value, .. } => value,
        other => panic!("{other:?}"),
    }
}

#[test]
fn types() {
    assert!(matches!(ty("string[]").kind, TypeKind::Array(_)));
    assert!(matches!(ty("ns.t").kind, TypeKind::Member { .. }));
    assert!(matches!(ty("t[*]").kind, TypeKind::Element(_)));
    assert!(matches!(ty("t[0]").kind, TypeKind::Index { .. }));
    assert!(matches!(ty("t!").kind, TypeKind::NonNull(_)));
    assert!(matches!(ty("| 'a' | 'b'").kind, TypeKind::Union(ref m) if m.len() == 2));
    assert!(matches!(ty("\n  | 'a'\n  | 'b'").kind, TypeKind::Union(ref m) if m.len() == 2));
    assert!(matches!(ty("('a' | 'b')[]").kind, TypeKind::Array(_)));
    assert!(matches!(ty("-1 | 1 | true | null").kind, TypeKind::Union(ref m) if m.len() == 4));
    assert!(matches!(ty("[string, int]").kind, TypeKind::Tuple(ref i) if i.len() == 2));
    let TypeKind::Tuple(items) = ty("[\n  string\n  @minValue(1)\n  int\n]").kind else { panic!() };
    assert_eq!(items[1].decorators.len(), 1);
    errs("type t = [string, @minValue(1) int]");
    let TypeKind::Object(members) = ty("{\n  @minLength(1)\n  a: string\n  b?: int\n  *: bool\n}").kind else {
        panic!()
    };
    assert_eq!(members.len(), 3);
    assert!(members[1].optional);
    assert!(members[2].key.is_none());
    assert_eq!(members[0].decorators.len(), 1);
    let TypeKind::Member { base, .. } = ty("resourceInput<'A/b@1'>.properties.x").kind else { panic!() };
    assert!(matches!(base.kind, TypeKind::Member { .. }));
    assert!(matches!(ty("resourceOutput<'A/b@1'>").kind, TypeKind::Parameterized { .. }));
}

// ---- recovery and robustness ----

#[test]
fn recovery_keeps_following_statements() {
    let parsed = parse("param a string\nvar = = 3 }\nparam b int\n", Mode::Template);
    assert_eq!(parsed.errors.len(), 1, "{:#?}", parsed.errors);
    let kinds: Vec<_> = parsed.program.statements.iter().map(|s| &s.kind).collect();
    assert!(matches!(kinds[1], StatementKind::Error));
    assert!(matches!(kinds[2], StatementKind::Param { name, .. } if name.name == "b"));
}

#[test]
fn recovery_inside_objects() {
    let parsed = parse("var a = {\n  x: 1\n  y: )\n  z: 3\n}\nparam b int\n", Mode::Template);
    assert!(!parsed.errors.is_empty());
    assert!(matches!(parsed.program.statements.last().map(|s| &s.kind), Some(StatementKind::Param { .. })));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            for (prefix, open) in [
                ("var x = ", "["),
                ("var x = ", "("),
                ("var x = ", "{a:"),
                ("var x = ", "'${"),
                ("var x = a", ".b"),
                ("var x = a", "[0]"),
                ("var x = ", "[for x in "),
                ("type t = ", "["),
                ("type t = ", "{a:"),
                ("param p ", "("),
                ("param p string", "[]"),
            ] {
                let src = format!("{prefix}{}", open.repeat(100_000));
                let parsed = parse(&src, Mode::Template);
                assert!(
                    parsed.errors.iter().any(|e| e.message.contains("nesting too deep")),
                    "{open}: {:?}",
                    parsed.errors.first()
                );
            }
            for src in [
                format!("var x = 1{}", " + 1".repeat(100_000)),
                format!("var x = {}1", "!".repeat(100_000)),
                format!("var x = {}1", "-".repeat(100_000)),
            ] {
                assert!(!parse(&src, Mode::Template).errors.is_empty());
            }
        })
        .expect("spawn");
    handle.join().expect("parsing deep input must not overflow the stack");
}

#[test]
fn never_panics_on_odd_input() {
    for src in [
        "",
        "\u{feff}",
        "@",
        "'",
        "'''",
        "$'''${",
        "'${",
        "}",
        ")",
        "]",
        "#",
        "#disable-next-line",
        "/*",
        "param",
        "resource r 'x' = [for",
        "func f(",
        "import {",
        "var x = a.?",
        "é",
        "var é = 1",
        "type t = {",
        "resource t''=[for(g,x)in s:{e:'${p[}",
        "var x = [\n,\n]",
        "var x = {,}",
        "var x = f(,)",
        "var x = 1 ? 2",
    ] {
        let _ = parse(src, Mode::Template);
        let _ = parse(src, Mode::Params);
    }
}

// ---- snapshots ----

#[test]
fn snapshots() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/syntax/bicep");
    let mut paths: Vec<_> =
        std::fs::read_dir(&dir).expect("testdata/syntax/bicep").flatten().map(|e| e.path()).collect();
    paths.sort();
    assert!(paths.len() >= 6);
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("sample");
        let mode = if path.extension().is_some_and(|e| e == "bicepparam") { Mode::Params } else { Mode::Template };
        let parsed = parse(&text, mode);
        assert!(parsed.errors.is_empty(), "{}: {:#?}", path.display(), parsed.errors);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().replace('.', "_");
        insta::assert_snapshot!(name, format!("{:#?}", parsed.program));
    }
}
