//! Comparisons of a property's value: found, missing, unknown, or one of several values (an
//! unknown with alternatives is judged for each).

use crate::model::{Node, Tri, Unknown, Value};
use crate::rules::condition::comparison::{self, Test};
use crate::rules::condition::{
    Evidence, MissingVerdict, Outcome, Subject, anchored, display_path, missing_outcome, unknown_outcome,
};
use crate::rules::date::Date;
use crate::source::Origin;

/// The comparison at `path` of the subject. In an API version where the property is
/// read-only, Azure ignores what the template writes: the property counts as not set.
pub(super) fn property(
    subject: &Subject<'_>,
    path: &[String],
    test: &Test,
    missing: &MissingVerdict,
    read_only_in: &[String],
) -> Outcome {
    let what = display_path(path);
    let api_version = subject.resource().and_then(|r| r.api_version.as_deref()).map(str::trim);
    if let Some(version) = api_version.filter(|v| read_only_in.iter().any(|r| r.eq_ignore_ascii_case(v))) {
        let how = format!("is read-only in API version {version}, so the template does not set it");
        return missing_outcome(missing, test, subject.today, &what, subject.declaration, &how);
    }
    let unresolved = api_version.is_none_or(|v| v.is_empty() || v.starts_with('['));
    let check = Check { what: what.clone(), test, missing, at: subject.declaration, today: subject.today };
    let set = check.property(subject.node, path, true);
    if !unresolved || read_only_in.is_empty() || subject.resource().is_none_or(|r| r.existing) {
        return set;
    }
    // An API version the scan cannot resolve may be one where Azure ignores the property:
    // the verdict holds only if it is the same either way.
    let how = format!("is read-only in API versions {}", read_only_in.join(", "));
    let ignored = missing_outcome(missing, test, subject.today, &what, subject.declaration, &how);
    if set.same_verdict(&ignored) {
        return set;
    }
    let version = api_version.filter(|v| !v.is_empty()).map_or("not given".to_string(), |v| format!("`{v}`"));
    let reason = format!(
        "the resource's API version ({version}) is not known, and {what} {how}, where the template does not set it"
    );
    Outcome {
        verdict: Tri::Unknown(Unknown::opaque(reason.clone(), subject.declaration)),
        evidence: Some(Evidence { message: reason, location: subject.declaration, trace: Vec::new(), written: true }),
        applicable: true,
        independent: false,
    }
}

/// A comparison of the value at a property, with what a missing value means.
pub(super) struct Check<'t> {
    pub what: String,
    pub test: &'t Test,
    pub missing: &'t MissingVerdict,
    /// Where a missing value is reported.
    pub at: Origin,
    pub today: Date,
}

impl Check<'_> {
    /// The value at `path` under `root`; an enclosing unknown with options is judged for each
    /// value it may take.
    pub fn property(&self, root: &Node, path: &[String], anchor: bool) -> Outcome {
        let mut node = root;
        for (depth, key) in path.iter().enumerate() {
            if let Value::Unknown(u) = &node.value {
                return self.options_or_unknown(u, node, |option| self.property(option, &path[depth..], false));
            }
            match node.get(key) {
                Some(Node { value: Value::Null, .. }) => return self.missing(),
                Some(next) => node = next,
                None => {
                    if let Some(spread @ Node { value: Value::Unknown(u), .. }) = node.get(crate::model::UNKNOWN_SPREAD)
                    {
                        return unknown_outcome(&self.what, u, spread);
                    }
                    return self.missing();
                }
            }
        }
        if anchor { self.value(&anchored(root, path, node)) } else { self.value(node) }
    }

    /// The value found: `null` is not set; an unknown with options is judged for each.
    pub fn value(&self, node: &Node) -> Outcome {
        match &node.value {
            Value::Null => self.missing(),
            Value::Unknown(u) if u.options.is_some() => self.options_or_unknown(u, node, |option| {
                let mut option = option.clone();
                option.trace = node.trace.iter().chain(&option.trace).cloned().collect();
                self.value(&option)
            }),
            _ => compare(node, &self.what, self.test, self.today),
        }
    }

    fn missing(&self) -> Outcome {
        missing_outcome(self.missing, self.test, self.today, &self.what, self.at, "is not set")
    }

    /// Every value `u` may take judged by `judge`: the same verdict for all is the verdict;
    /// otherwise it is unknown, naming the input and the values that fail.
    fn options_or_unknown(&self, u: &Unknown, node: &Node, judge: impl Fn(&Node) -> Outcome) -> Outcome {
        let Some(options) = &u.options else { return unknown_outcome(&self.what, u, node) };
        let outcomes: Vec<(Outcome, &String)> = options.values.iter().map(|(n, label)| (judge(n), label)).collect();
        let all = |v: fn(&Tri) -> bool| outcomes.iter().all(|(o, _)| v(&o.verdict));
        if all(|t| *t == Tri::Yes) {
            return Outcome::pass();
        }
        if all(|t| *t == Tri::No) {
            return outcomes.into_iter().next().map(|(o, _)| o).unwrap_or_else(Outcome::pass);
        }
        let failing: Vec<&str> =
            outcomes.iter().filter(|(o, _)| o.verdict == Tri::No).map(|(_, l)| l.as_str()).collect();
        let message = if failing.is_empty() {
            format!("{} cannot be resolved: {}", self.what, u.reason)
        } else if is_secret_test(self.test) {
            // The values a secret may take are secrets too.
            format!("{} fails for some of the values {} may take", self.what, options.input)
        } else {
            format!("{} fails when {} {}", self.what, options.input, failing.join(" or "))
        };
        let trace = outcomes
            .iter()
            .find(|(o, _)| o.verdict == Tri::No)
            .and_then(|(o, _)| o.evidence.as_ref())
            .map(|e| e.trace.clone())
            .unwrap_or_else(|| node.trace.clone());
        Outcome {
            verdict: Tri::Unknown(u.plain()),
            evidence: Some(Evidence { message, location: node.origin, trace, written: true }),
            applicable: true,
            independent: false,
        }
    }
}

/// One value against the test. A value that is partly unknown is unknown for tests that need
/// all of it; the others (a list's element, a value's provenance) look at what is known.
fn compare(node: &Node, what: &str, test: &Test, today: Date) -> Outcome {
    let reads_known_parts = matches!(
        test,
        Test::NonEmpty
            | Test::Contains(_)
            | Test::ListContains(_)
            | Test::SecureInput
            | Test::NoSecret
            | Test::AtLeast(_)
            | Test::AtMost(_)
    );
    if let Some(u) = node.value.first_unknown()
        && !reads_known_parts
    {
        return unknown_outcome(what, u, node);
    }
    let (verdict, expectation) = comparison::judge(node, test, today);
    match verdict {
        Tri::Yes => Outcome::pass(),
        Tri::No => {
            // A secret is never repeated in a finding.
            let message = if is_secret_test(test) {
                format!("{what}: {expectation}")
            } else {
                format!("{what} is {} ({expectation})", node.value.describe())
            };
            Outcome {
                verdict: Tri::No,
                evidence: Some(Evidence { message, location: node.origin, trace: node.trace.clone(), written: true }),
                applicable: true,
                independent: false,
            }
        }
        Tri::Unknown(u) => unknown_outcome(what, &u, node),
    }
}

/// A test on a secret: its value is never repeated in a finding.
fn is_secret_test(test: &Test) -> bool {
    matches!(test, Test::SecureInput | Test::NoSecret)
}
