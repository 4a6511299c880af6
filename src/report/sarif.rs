//! SARIF 2.1.0 output for code-scanning services (GitHub, Azure DevOps): one run, every rule of
//! the scan with its help, one result per finding with a fingerprint that survives edits above
//! it (suppressed ones with their justification), unknowns as notes under a rule of their own,
//! and input errors and warnings as tool execution notifications. Paths are relative to the
//! repository root (`%SRCROOT%`). See docs/github.md.

use super::RenderOptions;
use crate::rules::{Finding, Rule, Severity, Verdict};
use crate::scan::{ScanError, ScanReport};
use crate::source::{Origin, SourceFile};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification, PhysicalLocation,
    PropertyBag, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    RunAutomationDetails, Sarif, Suppression, Tool, ToolComponent, VersionControlDetails,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

/// The repository a scan ran in, for SARIF `versionControlProvenance`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub repository_uri: String,
    pub revision: Option<String>,
    pub branch: Option<String>,
}

impl Provenance {
    /// Asks git about the repository at `root`; `None` outside a git repository, without git,
    /// or without a remote (a URI is required).
    pub fn detect(root: &std::path::Path) -> Option<Provenance> {
        let git = |args: &[&str]| {
            let out = std::process::Command::new("git").arg("-C").arg(root).args(args).output().ok()?;
            let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
            (out.status.success() && !text.is_empty()).then_some(text)
        };
        let repository_uri = as_uri(&git(&["config", "--get", "remote.origin.url"])?)?;
        Some(Provenance {
            repository_uri,
            revision: git(&["rev-parse", "HEAD"]),
            branch: git(&["symbolic-ref", "--short", "-q", "HEAD"]),
        })
    }
}

/// A git remote as the URI SARIF requires, without credentials: `https://host/x` as it is
/// (less any `user:token@`), `git@host:x` as `ssh://git@host/x`, a local path as `file://`.
fn as_uri(remote: &str) -> Option<String> {
    let encode = |path: &str| -> String {
        path.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => (b as char).to_string(),
                other => format!("%{other:02X}"),
            })
            .collect()
    };
    if let Some((scheme, rest)) = remote.split_once("://") {
        let valid = !scheme.is_empty()
            && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
        if !valid {
            return None;
        }
        let rest = match rest.split_once('/') {
            Some((authority, path)) => {
                let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                let user = if scheme == "ssh" { authority.rsplit_once('@').map(|(u, _)| u) } else { None };
                let authority = match user {
                    Some(u) if !u.contains(':') => format!("{u}@{host}"),
                    _ => host.to_string(),
                };
                format!("{authority}/{path}")
            }
            None => rest.rsplit_once('@').map_or(rest, |(_, h)| h).to_string(),
        };
        return Some(format!("{scheme}://{rest}"));
    }
    if remote.starts_with('/') {
        return Some(format!("file://{}", encode(remote)));
    }
    // `git@github.com:owner/repo.git`
    let (user_host, path) = remote.split_once(':')?;
    let path = path.trim_start_matches('/');
    (!user_host.contains('/') && !path.is_empty()).then(|| format!("ssh://{user_host}/{}", encode(path)))
}

/// Where a rule's results go in `tool.driver.rules`: the rules themselves, then one descriptor
/// per rule that has unknown results (see `unknown_descriptor`).
struct Descriptors {
    unknown_index: BTreeMap<usize, usize>,
}

pub(super) fn render(report: &ScanReport, options: &RenderOptions) -> String {
    let mut rules: Vec<ReportingDescriptor> = report.rules.iter().map(descriptor).collect();
    let mut descriptors = Descriptors { unknown_index: BTreeMap::new() };
    let all = report.findings.iter().chain(report.suppressed.iter().map(|s| &s.finding));
    for finding in all.filter(|f| f.verdict == Verdict::Unknown) {
        if let std::collections::btree_map::Entry::Vacant(slot) = descriptors.unknown_index.entry(finding.rule) {
            slot.insert(rules.len());
            rules.push(unknown_descriptor(&report.rules[finding.rule]));
        }
    }
    let mut driver =
        ToolComponent::builder().name("pgguard").version(VERSION).semantic_version(VERSION).rules(rules).build();
    driver.information_uri = information_uri();
    let invocation = Invocation::builder()
        // Input errors do not stop the scan: the findings of the other files are complete.
        .execution_successful(true)
        .tool_execution_notifications(
            report
                .errors
                .iter()
                .map(|e| notification(report, e, "error"))
                .chain(report.warnings.iter().map(|e| notification(report, e, "warning")))
                .collect::<Vec<_>>(),
        )
        .build();
    // No absolute path: the same scan must give the same bytes on every machine, and consumers
    // resolve `%SRCROOT%` to their checkout.
    let base = ArtifactLocation::builder()
        .description(text("the repository root (the folder holding .git), or --root"))
        .build();
    let mut results: Vec<SarifResult> = report
        .findings
        .iter()
        .zip(&report.fingerprints)
        .map(|(finding, print)| result(report, &descriptors, finding, print))
        .collect();
    for s in &report.suppressed {
        let mut r = result(report, &descriptors, &s.finding, &s.fingerprint);
        let mut suppression = Suppression::builder()
            .kind(json!("inSource"))
            .location(Location::builder().physical_location(physical(report, s.directive)).build())
            .build();
        suppression.justification = s.reason.clone();
        r.suppressions = Some(vec![suppression]);
        results.push(r);
    }
    if report.baseline.is_some() {
        // Baselined findings are left out; what remains is new since the baseline.
        for r in &mut results {
            r.baseline_state = Some(json!("new"));
        }
    }
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(json!("unicodeCodePoints"))
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_string(), base)]))
        .invocations(vec![invocation])
        .results(results)
        .build();
    if let Some(category) = &options.category {
        // GitHub reads the category as everything up to the last `/`.
        let id = if category.ends_with('/') { category.clone() } else { format!("{category}/") };
        run.automation_details = Some(RunAutomationDetails::builder().id(id).build());
    }
    if let Some(p) = &options.provenance {
        let mut details = VersionControlDetails::builder()
            .repository_uri(&p.repository_uri)
            .mapped_to(ArtifactLocation::builder().uri_base_id(SRCROOT).build())
            .build();
        details.revision_id = p.revision.clone();
        details.branch = p.branch.clone();
        run.version_control_provenance = Some(vec![details]);
    }
    let sarif = Sarif::builder().schema(SCHEMA_URI).version(json!("2.1.0")).runs(vec![run]).build();
    let mut out = serde_json::to_string_pretty(&sarif).expect("the SARIF log serializes");
    out.push('\n');
    out
}

/// The project's page, when the package declares its repository or homepage.
fn information_uri() -> Option<String> {
    [option_env!("CARGO_PKG_REPOSITORY"), option_env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .flatten()
        .find(|u| !u.is_empty())
        .map(str::to_string)
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    // A housekeeping rule (an unused suppression) is not about security.
    let security = !rule.tags.iter().any(|t| t == "housekeeping");
    // SARIF wants the tags unique; "security" is what puts a result in GitHub's security view.
    let mut tags: Vec<String> = Vec::new();
    for tag in rule.tags.iter().map(String::as_str).chain(security.then_some("security")) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    let mut bag = BTreeMap::from([("precision".to_string(), json!("high"))]);
    if security {
        bag.insert("security-severity".to_string(), json!(rule.severity.security_severity()));
    }
    let properties = PropertyBag::builder().tags(tags).additional_properties(bag).build();
    let mut descriptor = ReportingDescriptor::builder()
        .id(&rule.id)
        .name(pascal_case(&rule.slug))
        .short_description(MultiformatMessageString::builder().text(&rule.title).build())
        .full_description(MultiformatMessageString::builder().text(rule.docs.what.trim()).build())
        .help(MultiformatMessageString::builder().text(help_text(rule)).markdown(help_markdown(rule)).build())
        .default_configuration(ReportingConfiguration::builder().level(json!(level(rule.severity).to_string())).build())
        .properties(properties)
        .build();
    descriptor.help_uri = rule.help_url.clone();
    descriptor
}

/// Unknown results go under a descriptor of their own, `PG203/unknown`: GitHub shows a rule's
/// `security-severity` on every result of a rule tagged `security`, whatever the result's
/// `level`, and ignores `kind`; a descriptor without both, at level `note`, makes an unknown a
/// note to review rather than a Critical alert (docs/github.md).
fn unknown_descriptor(rule: &Rule) -> ReportingDescriptor {
    let properties = PropertyBag::builder()
        .tags(vec!["review".to_string(), "unknown".to_string()])
        .additional_properties(BTreeMap::from([("precision".to_string(), json!("low"))]))
        .build();
    let what = format!(
        "pgguard could not decide {} `{}` statically: the value it reads is not known before deployment. \
         Review it, or make the value known.",
        rule.id, rule.slug
    );
    let mut descriptor = ReportingDescriptor::builder()
        .id(format!("{}/unknown", rule.id))
        .name(format!("{}Unknown", pascal_case(&rule.slug)))
        .short_description(MultiformatMessageString::builder().text(format!("Undecided: {}", rule.title)).build())
        .full_description(MultiformatMessageString::builder().text(&what).build())
        .help(MultiformatMessageString::builder().text(help_text(rule)).markdown(help_markdown(rule)).build())
        .default_configuration(ReportingConfiguration::builder().level(json!("note")).build())
        .properties(properties)
        .build();
    descriptor.help_uri = rule.help_url.clone();
    descriptor
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

/// SARIF message text treats `[…](n)` as a link to related location `n`: brackets of our own
/// text are escaped.
fn escape_links(text: &str) -> String {
    text.replace('[', "\\[").replace(']', "\\]")
}

fn result(report: &ScanReport, descriptors: &Descriptors, finding: &Finding, fingerprint: &str) -> SarifResult {
    let rule = &report.rules[finding.rule];
    let (rule_id, rule_index, level) = match finding.verdict {
        Verdict::Fail => (rule.id.clone(), finding.rule, level(rule.severity)),
        Verdict::Unknown => {
            (format!("{}/unknown", rule.id), descriptors.unknown_index[&finding.rule], ResultLevel::Note)
        }
    };
    let related: Vec<Location> = finding
        .trace
        .iter()
        .enumerate()
        .map(|(i, step)| {
            Location::builder()
                .id(i as i64)
                .physical_location(physical(report, step.origin))
                .message(text(super::label(step)))
                .build()
        })
        .collect();
    // The message names the resource and links each trace step, which GitHub shows only when
    // the message refers to it.
    let mut message = escape_links(&finding.message);
    if finding.verdict == Verdict::Unknown {
        message.insert_str(0, "unknown: ");
    }
    if !finding.resource_type.is_empty() {
        let _ = write!(
            message,
            " ({} `{}`)",
            escape_links(super::short_type(&finding.resource_type)),
            escape_links(&finding.resource_name)
        );
    }
    if !finding.trace.is_empty() {
        let steps: Vec<String> = finding
            .trace
            .iter()
            .enumerate()
            .map(|(i, step)| format!("[{}]({i})", escape_links(&super::label(step))))
            .collect();
        let _ = write!(message, "; the value comes from {}", steps.join(", then "));
    }
    let builder = SarifResult::builder()
        .rule_id(rule_id)
        .rule_index(rule_index as i64)
        .level(level)
        .message(text(message))
        .locations(vec![Location::builder().physical_location(physical(report, finding.location)).build()])
        .partial_fingerprints(BTreeMap::from([(super::FINGERPRINT_KEY.to_string(), fingerprint.to_string())]));
    let mut result = if related.is_empty() { builder.build() } else { builder.related_locations(related).build() };
    // What users moving from Checkov or PSRule map their checks with.
    let refs = &report.rules[finding.rule].references;
    if !(refs.azure_policy.is_empty() && refs.cis.is_empty()) {
        let bag = BTreeMap::from([
            ("azurePolicy".to_string(), json!(refs.azure_policy)),
            ("cis".to_string(), json!(refs.cis)),
        ]);
        result.properties = Some(PropertyBag::builder().additional_properties(bag).build());
    }
    result
}

fn notification(report: &ScanReport, error: &ScanError, level: &str) -> Notification {
    let location = match error.origin {
        Some(origin) => physical(report, origin),
        None => PhysicalLocation::builder().artifact_location(artifact(&report.error_path(error))).build(),
    };
    Notification::builder()
        .level(json!(level))
        .message(text(&error.message))
        .locations(vec![Location::builder().physical_location(location).build()])
        .build()
}

fn physical(report: &ScanReport, origin: Origin) -> PhysicalLocation {
    let file = report.file(origin);
    PhysicalLocation::builder().artifact_location(artifact(report.path(origin))).region(region(file, origin)).build()
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
    let path = if cfg!(windows) { display.replace('\\', "/") } else { display.to_string() };
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
    use super::as_uri;

    #[test]
    fn remotes_become_uris_without_credentials() {
        assert_eq!(as_uri("https://github.com/o/r.git").as_deref(), Some("https://github.com/o/r.git"));
        assert_eq!(as_uri("https://x-token:secret@github.com/o/r").as_deref(), Some("https://github.com/o/r"));
        assert_eq!(as_uri("git@github.com:o/r.git").as_deref(), Some("ssh://git@github.com/o/r.git"));
        assert_eq!(as_uri("/srv/repo").as_deref(), Some("file:///srv/repo"));
        assert_eq!(as_uri("/a b/c").as_deref(), Some("file:///a%20b/c"));
        assert_eq!(as_uri("relative/path"), None);
    }

    use super::*;

    fn uri(display: &str) -> (Option<String>, Option<String>) {
        let location = artifact(display);
        (location.uri, location.uri_base_id)
    }

    #[test]
    fn relative_paths_hang_off_srcroot() {
        let srcroot = Some(SRCROOT.to_string());
        assert_eq!(uri("infra/main.bicep"), (Some("infra/main.bicep".into()), srcroot.clone()));
        // On Unix a backslash is part of a name, encoded; on Windows it separates folders.
        let expected = if cfg!(windows) { "infra/main.bicep" } else { "infra%5Cmain.bicep" };
        assert_eq!(uri("infra\\main.bicep"), (Some(expected.into()), srcroot.clone()));
        assert_eq!(uri("./a b/ü#1.bicep"), (Some("a%20b/%C3%BC%231.bicep".into()), srcroot));
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        assert_eq!(uri("/tmp/x y.json"), (Some("file:///tmp/x%20y.json".into()), None));
        assert_eq!(uri("C:/infra/main.bicep"), (Some("file:///C:/infra/main.bicep".into()), None));
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("firewall-open-to-internet"), "FirewallOpenToInternet");
        assert_eq!(pascal_case("flex-min-tls"), "FlexMinTls");
    }
}
