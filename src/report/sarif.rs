//! SARIF 2.1.0 output for code-scanning services (GitHub, Azure DevOps): one run, every rule of
//! the scan with its help, one result per finding with a fingerprint that survives edits above
//! it, and input errors as tool execution notifications.

use crate::rules::{Finding, Rule, Severity, Verdict};
use crate::scan::{ScanError, ScanReport};
use crate::source::{Origin, SourceFile};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification, PhysicalLocation,
    PropertyBag, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif,
    Tool, ToolComponent,
};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const INFORMATION_URI: &str = "https://github.com/pgguard/pgguard";
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// The key GitHub and other consumers match results on across runs; bump the suffix whenever
/// the hashed fields change.
const FINGERPRINT_KEY: &str = "pgguardFindingHash/v1";

pub(super) fn render(report: &ScanReport) -> String {
    let driver = ToolComponent::builder()
        .name("pgguard")
        .version(VERSION)
        .semantic_version(VERSION)
        .information_uri(INFORMATION_URI)
        .rules(report.rules.iter().map(descriptor).collect::<Vec<_>>())
        .build();
    let invocation = Invocation::builder()
        // Input errors do not stop the scan: the findings of the other files are complete.
        .execution_successful(true)
        .tool_execution_notifications(report.errors.iter().map(|e| notification(report, e)).collect::<Vec<_>>())
        .build();
    // No absolute path: the same scan must give the same bytes on every machine, and consumers
    // resolve `%SRCROOT%` to their checkout.
    let base = ArtifactLocation::builder().description(text("the directory pgguard was run in")).build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(json!("unicodeCodePoints"))
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_string(), base)]))
        .invocations(vec![invocation])
        .results(results(report))
        .build();
    let sarif = Sarif::builder().schema(SCHEMA_URI).version(json!("2.1.0")).runs(vec![run]).build();
    let mut out = serde_json::to_string_pretty(&sarif).expect("the SARIF log serializes");
    out.push('\n');
    out
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    // SARIF wants the tags unique; "security" is what puts a result in GitHub's security view.
    let mut tags: Vec<String> = Vec::new();
    for tag in rule.tags.iter().map(String::as_str).chain(["security"]) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    let properties = PropertyBag::builder()
        .tags(tags)
        .additional_properties(BTreeMap::from([
            ("precision".to_string(), json!("high")),
            ("security-severity".to_string(), json!(rule.severity.security_severity())),
        ]))
        .build();
    ReportingDescriptor::builder()
        .id(&rule.id)
        .name(pascal_case(&rule.slug))
        .short_description(MultiformatMessageString::builder().text(&rule.title).build())
        .full_description(MultiformatMessageString::builder().text(rule.docs.what.trim()).build())
        .help(MultiformatMessageString::builder().text(help_text(rule)).markdown(help_markdown(rule)).build())
        .help_uri(format!("{INFORMATION_URI}/blob/v{VERSION}/docs/rules/{}.md", rule.id))
        .default_configuration(ReportingConfiguration::builder().level(json!(level(rule.severity).to_string())).build())
        .properties(properties)
        .build()
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

/// `public-network-access` → `PublicNetworkAccess`, the form SARIF viewers expect in `name`.
fn pascal_case(slug: &str) -> String {
    slug.split(['-', '_'])
        .flat_map(|word| {
            let mut chars = word.chars();
            chars.next().into_iter().flat_map(char::to_uppercase).chain(chars)
        })
        .collect()
}

fn help_text(rule: &Rule) -> String {
    let docs = &rule.docs;
    let mut out = format!("{}\n\nWhy: {}\n\nFix: {}", docs.what.trim(), docs.why.trim(), docs.fix.trim());
    let refs = &rule.references;
    let lines: Vec<String> = refs
        .azure_policy
        .iter()
        .map(|guid| format!("Azure Policy {guid}: {}", crate::rules::docs::policy_url(guid)))
        .chain(refs.cis.iter().map(|c| format!("CIS {c}")))
        .chain(refs.docs.iter().cloned())
        .chain(refs.peers.iter().map(|p| format!("Also: {p}")))
        .collect();
    if !lines.is_empty() {
        let _ = write!(out, "\n\nReferences:\n{}", lines.join("\n"));
    }
    out
}

fn help_markdown(rule: &Rule) -> String {
    crate::rules::docs::body(rule)
}

fn results(report: &ScanReport) -> Vec<SarifResult> {
    // Identical findings (a copied resource in the same file) get the same hash; an occurrence
    // number keeps their fingerprints apart, as GitHub's own line hash does.
    let mut seen: HashMap<String, usize> = HashMap::new();
    report
        .findings
        .iter()
        .map(|finding| {
            let hash = finding_hash(report, finding);
            let occurrence = seen.entry(hash.clone()).or_insert(0);
            *occurrence += 1;
            result(report, finding, format!("{hash}:{occurrence}"))
        })
        .collect()
}

fn result(report: &ScanReport, finding: &Finding, fingerprint: String) -> SarifResult {
    let rule = &report.rules[finding.rule];
    let (level, message) = match finding.verdict {
        Verdict::Fail => (level(rule.severity), finding.message.clone()),
        Verdict::Unknown => (ResultLevel::Note, format!("unknown: {}", finding.message)),
    };
    let related: Vec<Location> = finding
        .trace
        .iter()
        .enumerate()
        .map(|(i, step)| {
            Location::builder()
                .id(i as i64)
                .physical_location(physical(report, step.origin))
                .message(text(step.label()))
                .build()
        })
        .collect();
    let builder = SarifResult::builder()
        .rule_id(&rule.id)
        .rule_index(finding.rule as i64)
        .level(level)
        .message(text(message))
        .locations(vec![Location::builder().physical_location(physical(report, finding.location)).build()])
        .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_string(), fingerprint)]));
    if related.is_empty() { builder.build() } else { builder.related_locations(related).build() }
}

/// FNV-1a (64 bits) over what identifies a finding apart from where it sits: rule, file,
/// resource, message and the underlined text. Line numbers stay out, so that inserting lines
/// above a finding keeps its fingerprint. Written out because the value must never change
/// between Rust versions, which `std`'s hashers do not promise.
fn finding_hash(report: &ScanReport, finding: &Finding) -> String {
    let rule = &report.rules[finding.rule];
    let file = report.file(finding.location);
    let snippet = file.text.get(super::clamp(file, finding.location.span).range()).unwrap_or("");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for field in [
        rule.id.as_str(),
        finding.verdict.as_str(),
        &file.display,
        &finding.resource_type,
        &finding.resource_name,
        &finding.message,
        snippet,
    ] {
        // The 0xff separator is never part of UTF-8, so ("ab", "c") and ("a", "bc") differ.
        for byte in field.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn notification(report: &ScanReport, error: &ScanError) -> Notification {
    let location = match error.origin {
        Some(origin) => physical(report, origin),
        None => PhysicalLocation::builder().artifact_location(artifact(&error.path)).build(),
    };
    Notification::builder()
        .level(json!("error"))
        .message(text(&error.message))
        .locations(vec![Location::builder().physical_location(location).build()])
        .build()
}

fn physical(report: &ScanReport, origin: Origin) -> PhysicalLocation {
    let file = report.file(origin);
    PhysicalLocation::builder().artifact_location(artifact(&file.display)).region(region(file, origin)).build()
}

fn region(file: &SourceFile, origin: Origin) -> Region {
    let (start, end) = file.range(origin.span);
    Region::builder()
        .start_line(i64::from(start.line))
        .start_column(i64::from(start.column))
        .end_line(i64::from(end.line))
        .end_column(i64::from(end.column))
        .build()
}

/// A relative display path is relative to `%SRCROOT%`; an absolute one (a file outside the
/// current directory) becomes a `file:` URI of its own.
fn artifact(display: &str) -> ArtifactLocation {
    let path = display.replace('\\', "/");
    if path.starts_with('/') {
        ArtifactLocation::builder().uri(format!("file://{}", percent_encode(&path))).build()
    } else if path.as_bytes().get(1) == Some(&b':') {
        ArtifactLocation::builder().uri(format!("file:///{}", percent_encode(&path))).build()
    } else {
        let relative = path.strip_prefix("./").unwrap_or(&path);
        ArtifactLocation::builder().uri(percent_encode(relative)).uri_base_id(SRCROOT).build()
    }
}

/// Percent-encodes every byte outside RFC 3986's unreserved and path characters (spaces,
/// `%`, `#`, `?`, non-ASCII), keeping `/` as the separator.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn text(message: impl Into<String>) -> Message {
    Message::builder().text(message.into()).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(display: &str) -> (Option<String>, Option<String>) {
        let location = artifact(display);
        (location.uri, location.uri_base_id)
    }

    #[test]
    fn relative_paths_hang_off_srcroot() {
        let srcroot = Some(SRCROOT.to_string());
        assert_eq!(uri("infra\\main.bicep"), (Some("infra/main.bicep".into()), srcroot.clone()));
        assert_eq!(uri("./a b/ü#1.bicep"), (Some("a%20b/%C3%BC%231.bicep".into()), srcroot));
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        assert_eq!(uri("/tmp/x y.json"), (Some("file:///tmp/x%20y.json".into()), None));
        assert_eq!(uri("C:\\infra\\main.bicep"), (Some("file:///C:/infra/main.bicep".into()), None));
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("firewall-open-to-internet"), "FirewallOpenToInternet");
        assert_eq!(pascal_case("flex-min-tls"), "FlexMinTls");
    }
}
