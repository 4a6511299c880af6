//! Inline suppressions: `// pgguard-ignore PG203: reason` above (or at the end of) the line of a
//! resource, property or module call, Bicep's own `#disable-next-line PG203` and
//! `#disable-diagnostics` … `#restore-diagnostics`, and in ARM JSON the same comments or
//! `"metadata": {"pgguard-ignore": {"PG203": "reason"}}` on an object. Each directive covers a
//! byte range of its file; a finding is suppressed when its location is in that range, or when
//! every instance it stands for passes through a module call in such a range.

use crate::rules::{Docs, Rule, Severity};
use crate::source::{FileId, Origin};
use crate::span::Span;
use crate::syntax::arm::{ArmDocument, Json, JsonKind};
use crate::syntax::bicep::ParsedBicep;
use crate::syntax::bicep::ast::StatementKind;

/// How a directive was written; it decides which codes are ours and how it is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `// pgguard-ignore …`: every code must name a rule.
    Comment,
    /// `#disable-next-line …` and `#disable-diagnostics …`: codes of other tools (the Bicep
    /// linter) are left alone.
    BicepDirective,
    /// `"metadata": {"pgguard-ignore": {…}}`
    Metadata,
}

/// One suppression as written in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The comment, directive or metadata member itself.
    pub origin: Origin,
    /// The code it applies to.
    pub covers: Span,
    /// Rule ids or slugs as written.
    pub codes: Vec<String>,
    pub reason: Option<String>,
    pub form: Form,
}

impl Directive {
    /// How the directive reads in messages: `pgguard-ignore PG203`.
    pub fn describe(&self, code: &str) -> String {
        match self.form {
            Form::Comment => format!("pgguard-ignore {code}"),
            Form::BicepDirective => format!("#disable-next-line {code}"),
            Form::Metadata => format!("metadata pgguard-ignore {code}"),
        }
    }
}

/// The suppressions of a Bicep file (template or parameter file).
pub fn bicep(file: FileId, text: &str, parsed: &ParsedBicep) -> Vec<Directive> {
    let lines = Lines::new(text);
    let statements: Vec<Span> = parsed.program.statements.iter().map(|s| s.span).collect();
    let mut out = Vec::new();
    for comment in &parsed.comments {
        if let Some(directive) = comment_directive(file, text, &lines, comment.span, &statements, b'\'') {
            out.push(directive);
        }
    }
    let comment_after = |span: Span| {
        let line = lines.line_of(span.start);
        parsed
            .comments
            .iter()
            .find(|c| c.span.start >= span.end && lines.line_of(c.span.start) == line)
            .map(|c| comment_body(&text[c.span.range()]).to_string())
            .filter(|r| !r.is_empty())
    };
    let mut open: Vec<Directive> = Vec::new();
    for directive in &parsed.directives {
        let codes: Vec<String> = directive.codes.iter().map(|c| c.name.clone()).collect();
        let origin = Origin::new(file, directive.span);
        match directive.name.as_str() {
            "disable-next-line" => {
                let next = lines.line_of(directive.span.start) + 1;
                out.push(Directive {
                    origin,
                    covers: lines.region(text, next, &statements, b'\''),
                    codes,
                    reason: comment_after(directive.span),
                    form: Form::BicepDirective,
                });
            }
            "disable-diagnostics" => open.push(Directive {
                origin,
                covers: Span::new(directive.span.end, text.len() as u32),
                codes,
                reason: comment_after(directive.span),
                form: Form::BicepDirective,
            }),
            "restore-diagnostics" => {
                // Only the codes it names end here (all of them when it names none).
                let restored = |code: &String| codes.is_empty() || codes.iter().any(|c| c.eq_ignore_ascii_case(code));
                let mut still = Vec::new();
                for mut d in open.drain(..) {
                    let (ended, kept): (Vec<String>, Vec<String>) = d.codes.iter().cloned().partition(restored);
                    if !kept.is_empty() {
                        still.push(Directive { codes: kept, ..d.clone() });
                    }
                    if !ended.is_empty() {
                        d.codes = ended;
                        d.covers.end = directive.span.start;
                        out.push(d);
                    }
                }
                open = still;
            }
            _ => {}
        }
    }
    out.extend(open);
    out
}

/// The suppressions of an ARM JSON file: comments, and `metadata.pgguard-ignore` objects.
pub fn arm(file: FileId, text: &str, doc: &ArmDocument) -> Vec<Directive> {
    let lines = Lines::new(text);
    let mut out: Vec<Directive> =
        doc.comments.iter().filter_map(|span| comment_directive(file, text, &lines, *span, &[], b'"')).collect();
    metadata(file, &doc.root, &mut out);
    out
}

fn metadata(file: FileId, json: &Json, out: &mut Vec<Directive>) {
    match &json.kind {
        JsonKind::Object(members) => {
            // On a resource (it has a `type`), covering the resource but not the children
            // nested in its `resources`, each judged on its own.
            let is_resource = json.get("type").is_some();
            if let Some(ignore) = json.get("metadata").and_then(|m| m.member("pgguard-ignore"))
                && let JsonKind::Object(codes) = &ignore.value.kind
                && is_resource
            {
                let covers = match json.member("resources") {
                    Some(children) => Span::new(json.span.start, children.name_span.start),
                    None => json.span,
                };
                for code in codes {
                    out.push(Directive {
                        origin: Origin::new(file, code.name_span),
                        covers,
                        codes: vec![code.name.clone()],
                        reason: code.value.as_str().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string),
                        form: Form::Metadata,
                    });
                }
            }
            for member in members {
                metadata(file, &member.value, out);
            }
        }
        JsonKind::Array(items) => items.iter().for_each(|item| metadata(file, item, out)),
        _ => {}
    }
}

/// The text of a comment without its markers.
fn comment_body(comment: &str) -> &str {
    let body = comment.strip_prefix("//").unwrap_or(comment);
    let body = body.strip_prefix("/*").map_or(body, |b| b.strip_suffix("*/").unwrap_or(b));
    body.trim()
}

/// `pgguard-ignore PG203, public-network-access: reason` in a comment.
fn comment_directive(
    file: FileId,
    text: &str,
    lines: &Lines,
    span: Span,
    statements: &[Span],
    quote: u8,
) -> Option<Directive> {
    let body = comment_body(text.get(span.range())?);
    let rest = body.strip_prefix("pgguard-ignore")?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let (codes, reason) = match rest.split_once(':') {
        Some((codes, reason)) => (codes, Some(reason.trim().to_string()).filter(|r| !r.is_empty())),
        None => (rest, None),
    };
    let codes: Vec<String> =
        codes.split(|c: char| c == ',' || c.is_whitespace()).filter(|c| !c.is_empty()).map(str::to_string).collect();
    let line = lines.line_of(span.start);
    // After code on its own line it is about that line; on a line of its own, about the next
    // line that holds code.
    let end_line = lines.line_of(span.end);
    let after = text[span.end as usize..].split(['\n', '\r']).next().unwrap_or("");
    let target = if !text[lines.start(line)..span.start as usize].trim().is_empty() {
        line
    } else if !after.trim().is_empty() {
        // `/* pgguard-ignore … */ resource …`: about the code after it on its line.
        end_line
    } else {
        lines.next_code_line(text, end_line + 1)
    };
    Some(Directive {
        origin: Origin::new(file, span),
        covers: lines.region(text, target, statements, quote),
        codes,
        reason,
        form: Form::Comment,
    })
}

/// Line starts of a file, 0-based lines.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        Lines { starts: crate::source::line_starts(text).collect() }
    }

    fn line_of(&self, offset: u32) -> usize {
        self.starts.partition_point(|&s| s <= offset as usize) - 1
    }

    fn start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(*self.starts.last().unwrap_or(&0))
    }

    fn end(&self, text: &str, line: usize) -> usize {
        self.starts.get(line + 1).map_or(text.len(), |s| s - 1)
    }

    /// The first line at or after `line` with something other than blanks and comments.
    fn next_code_line(&self, text: &str, mut line: usize) -> usize {
        while line + 1 < self.starts.len() {
            let content = text[self.start(line)..self.end(text, line)].trim();
            if !(content.is_empty() || content.starts_with("//") || content.starts_with("/*")) {
                break;
            }
            line += 1;
        }
        line
    }

    /// What a directive aimed at `line` covers: the line, and everything its open brackets
    /// hold (a whole resource body or property object), and any statement starting on it.
    fn region(&self, text: &str, line: usize, statements: &[Span], quote: u8) -> Span {
        let start = self.start(line);
        let line_end = self.end(text, line);
        let mut end = bracket_end(text, start, line_end, quote);
        for s in statements {
            if (start..=line_end).contains(&(s.start as usize)) {
                end = end.max(s.end as usize);
            }
        }
        Span::new(start as u32, end.min(text.len()) as u32)
    }
}

/// From `start`, the end of the line on which the brackets opened since `start` are closed
/// again (at least `line_end`); strings and comments are skipped.
/// Past the `}` that closes a Bicep interpolation opened just before `i`, skipping the strings
/// (and their interpolations) inside it.
fn interpolation_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'\n' | b'\r' => return i,
            b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' && !matches!(bytes[i], b'\n' | b'\r') {
                    if bytes[i] == b'\\' {
                        i += 1;
                    } else if bytes[i..].starts_with(b"${") {
                        i = interpolation_end(bytes, i + 2);
                        continue;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

fn bracket_end(text: &str, start: usize, line_end: usize, quote: u8) -> usize {
    let bytes = text.as_bytes();
    let mut depth: i64 = 0;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' | b'\r' if i >= line_end && depth <= 0 => return i,
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            q if q == quote => {
                let triple = quote == b'\'' && bytes[i..].starts_with(b"'''");
                i += if triple { 3 } else { 1 };
                while i < bytes.len() {
                    if triple && bytes[i..].starts_with(b"'''") {
                        i += 2;
                        break;
                    }
                    if !triple && bytes[i] == b'\\' {
                        i += 1;
                    } else if !triple && quote == b'\'' && bytes[i..].starts_with(b"${") {
                        // An interpolation: its strings and braces are its own.
                        i = interpolation_end(bytes, i + 2);
                        continue;
                    } else if !triple && (bytes[i] == quote || matches!(bytes[i], b'\n' | b'\r')) {
                        break;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The module calls an instance context passes through, outermost first: the file holding each
/// call and the call's statement. Contexts read `root › module name [instance] (path) › …`
/// (see `eval`); a segment that cannot be followed ends the chain.
pub fn module_calls(workspace: &crate::workspace::Workspace, root: FileId, context: &str) -> Vec<Origin> {
    let mut out = Vec::new();
    let mut file = root;
    for segment in context.split(" › ").skip(1) {
        let Some(rest) = segment.strip_prefix("module ") else { break };
        // `name`, or `name[2]` for an element of a module loop.
        let name = rest.split_whitespace().next().unwrap_or("");
        let name = name.split('[').next().unwrap_or(name);
        let Some(path) = rest.rsplit_once(" (").and_then(|(_, p)| p.strip_suffix(')')) else { break };
        let crate::workspace::Parsed::Bicep(parsed) = workspace.parsed(file) else { break };
        // The call is where its name is: a comment above `module` or above its decorators
        // (`@batchSize(1)`) covers it.
        let Some(call) = parsed.program.statements.iter().find_map(|s| match &s.kind {
            StatementKind::Module { name: n, .. } if n.name == name => Some(n.span),
            _ => None,
        }) else {
            break;
        };
        out.push(Origin::new(file, call));
        let dir = workspace.file(file).path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        let Some(next) = workspace.find(&dir.join(path)) else { break };
        file = next;
    }
    out
}

/// The rule under which suppressions that suppress nothing are reported.
pub fn unused_rule() -> Rule {
    Rule {
        id: "PG001".into(),
        slug: "unused-suppression".into(),
        title: "A suppression suppresses no finding".into(),
        severity: Severity::Low,
        tags: vec!["suppression".into(), "housekeeping".into()],
        checks: Vec::new(),
        options: Vec::new(),
        docs: Docs {
            what: "Reports a `pgguard-ignore` comment, `#disable-next-line`, `#disable-diagnostics` or \
                   `metadata.pgguard-ignore` entry that names a pgguard rule but suppresses no finding \
                   of it."
                .into(),
            why: "A suppression that no longer suppresses anything hides the next finding that appears \
                  at that place, with a reason written for another problem."
                .into(),
            fix: "Delete the suppression, or the rule from its list.".into(),
            example_fail: "// pgguard-ignore PG203: office range approved in SEC-1234\nparam location string".into(),
            example_pass: "param location string".into(),
        },
        references: Default::default(),
        source: "built-in".into(),
        help_url: crate::rules::doc_url("docs/suppressions.md"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::bicep::{Mode, parse};

    fn covered(text: &str) -> Vec<(Vec<String>, Option<String>, String)> {
        let parsed = parse(text, Mode::Template);
        bicep(FileId(0), text, &parsed)
            .into_iter()
            .map(|d| (d.codes, d.reason, text[d.covers.range()].to_string()))
            .collect()
    }

    #[test]
    fn a_comment_above_a_resource_covers_the_whole_declaration() {
        let text = "// pgguard-ignore PG203, public-network-access: approved in SEC-1234\n\
                    resource fw 'T@1' = {\n  properties: {\n    start: '0.0.0.0'\n  }\n}\nparam after string\n";
        let found = covered(text);
        assert_eq!(found.len(), 1);
        let (codes, reason, covers) = &found[0];
        assert_eq!(codes, &["PG203", "public-network-access"]);
        assert_eq!(reason.as_deref(), Some("approved in SEC-1234"));
        assert!(covers.starts_with("resource fw") && covers.ends_with('}'), "{covers}");
        assert!(!covers.contains("after"), "{covers}");
    }

    #[test]
    fn a_trailing_comment_covers_its_line_and_a_directive_the_next() {
        let text = "var a = {\n  b: '0.0.0.0' // pgguard-ignore PG203\n  c: 1\n}\n\
                    #disable-next-line PG201 no-unused-params // internal server\nparam x string\n";
        let found = covered(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].2.trim(), "b: '0.0.0.0' // pgguard-ignore PG203");
        assert_eq!(found[0].1, None, "no reason");
        assert_eq!(found[1].0, ["PG201", "no-unused-params"]);
        assert_eq!(found[1].1.as_deref(), Some("internal server"));
        assert_eq!(found[1].2, "param x string");
    }

    #[test]
    fn disable_diagnostics_covers_until_restore() {
        let text =
            "#disable-diagnostics PG401\nparam a string\nparam b string\n#restore-diagnostics PG401\nparam c string\n";
        let found = covered(text);
        assert_eq!(found.len(), 1);
        assert!(found[0].2.contains("param b") && !found[0].2.contains("param c"), "{:?}", found[0].2);
    }

    #[test]
    fn arm_metadata_and_comments() {
        let text = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "metadata": { "pgguard-ignore": { "PG204": "reached over the VNet" } },
      "properties": {
        // pgguard-ignore PG201: a test server
        "network": {
          "publicNetworkAccess": "Enabled"
        }
      }
    }
  ]
}"#;
        let doc = crate::syntax::arm::parse(text).expect("parses");
        let found = arm(FileId(0), text, &doc);
        assert_eq!(found.len(), 2, "{found:?}");
        let comment = found.iter().find(|d| d.form == Form::Comment).expect("comment");
        assert!(text[comment.covers.range()].trim().starts_with("\"network\""));
        assert!(text[comment.covers.range()].trim_end().ends_with('}'));
        let meta = found.iter().find(|d| d.form == Form::Metadata).expect("metadata");
        assert_eq!(meta.codes, ["PG204"]);
        assert_eq!(meta.reason.as_deref(), Some("reached over the VNet"));
        assert!(text[meta.covers.range()].contains("publicNetworkAccess"));
    }
}
