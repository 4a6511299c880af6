//! Related resources: some resource of a type links to the subject, through an array of
//! links (a private endpoint's `privateLinkServiceConnections`) or its own `scope` (a
//! diagnostic setting). A link that may point at the subject, or a related resource that may
//! not be deployed, cannot prove a pass: the verdict is then unknown.

use crate::model::compare::loosely_equals;
use crate::model::{Node, PropertyLookup, Resource, StrPart, TraceKind, TraceStep, Tri, Unknown, Value};
use crate::rules::condition::{Evidence, Outcome, Related, Subject, lookup};

pub(super) fn related(subject: &Subject<'_>, related: &Related) -> Outcome {
    let Related { resource_type, via, id: id_path, filter } = related;
    let filter = filter.as_deref();
    let deployment = subject.deployment;
    let (Some(subject_index), Some(target)) = (subject.index, subject.resource()) else {
        return Outcome::not_applicable();
    };
    let target_id = Value::ResourceId(Box::new(target.id(subject_index)));
    let mut unknown: Option<Outcome> = None;
    // The finding is about this resource: it points here, and the link that could not be
    // resolved is its trace.
    let mut note_unknown = |u: &Unknown, node: &Node| {
        if unknown.is_none() {
            let mut trace = node.trace.clone();
            trace.push(TraceStep::new(
                node.origin,
                TraceKind::Note(format!("this `{resource_type}` link: {}", u.reason)),
            ));
            unknown = Some(Outcome {
                verdict: Tri::Unknown(u.clone()),
                evidence: Some(Evidence {
                    message: format!("whether a `{resource_type}` connects to this resource is unknown: {}", u.reason),
                    location: target.declaration,
                    trace,
                    written: true,
                }),
                applicable: true,
                independent: false,
            });
        }
    };
    for (index, candidate) in deployment.of_type(resource_type) {
        // Without `via`, the candidate itself holds the link (`scope`).
        let arrays: Vec<Option<&Vec<String>>> =
            if via.is_empty() { vec![None] } else { via.iter().map(Some).collect() };
        for array_path in arrays {
            let items = match array_path {
                None => std::slice::from_ref(&candidate.body),
                Some(array_path) => match lookup(&candidate.body, array_path) {
                    PropertyLookup::Found(Node { value: Value::Array(items), .. }) => items,
                    PropertyLookup::Found(Node { value: Value::Unknown(u), .. }) => {
                        note_unknown(u, &candidate.body);
                        continue;
                    }
                    PropertyLookup::Unknown(u, _) => {
                        note_unknown(&u, &candidate.body);
                        continue;
                    }
                    PropertyLookup::Missing => continue,
                    PropertyLookup::Found(other) => {
                        let u = Unknown::opaque(format!("the links are {}", other.value.describe()), other.origin);
                        note_unknown(&u, other);
                        continue;
                    }
                },
            };
            for item in items {
                let link = match lookup(item, id_path) {
                    PropertyLookup::Found(link) => link,
                    PropertyLookup::Missing => continue,
                    PropertyLookup::Unknown(u, node) => {
                        note_unknown(&u, node);
                        continue;
                    }
                };
                // `ref.id` of an `existing` reference to this very resource is its id.
                let via_twin = matches!(&link.value, Value::ResourceId(id)
                    if id.target.and_then(|t| deployment.twins.get(&t)) == Some(&subject_index));
                let same = if via_twin { Tri::Yes } else { links_to(&link.value, &target_id, target) };
                let linked = match same {
                    Tri::Yes => true,
                    Tri::No => false,
                    Tri::Unknown(u) => {
                        note_unknown(&u, link);
                        false
                    }
                };
                if !linked {
                    continue;
                }
                let element = Subject {
                    deployment,
                    index: Some(index),
                    node: item,
                    external: false,
                    declaration: candidate.declaration,
                    today: subject.today,
                };
                let filtered = filter.map_or(Outcome::pass(), |f| f.evaluate(&element));
                match (filtered.verdict, &candidate.deployed) {
                    (Tri::Yes, Tri::Yes) => return Outcome::pass(),
                    // A related resource that may not be deployed cannot prove a pass.
                    (Tri::Yes, Tri::Unknown(u)) => match &candidate.when {
                        Some(when) => {
                            let reason = format!("it is deployed only when {when}");
                            note_unknown(&Unknown { reason: reason.into(), ..u.clone() }, &candidate.body)
                        }
                        None => note_unknown(u, &candidate.body),
                    },
                    (Tri::Unknown(u), _) => note_unknown(&u, item),
                    _ => {}
                }
            }
        }
    }
    if unknown.is_none()
        && let Some(opaque) = deployment.opaque.iter().find(|o| o.inputs.value.mentions(&target_id))
    {
        let reason = format!(
            "{} receives this resource's id and may deploy a `{resource_type}`; its content is not visible",
            opaque.label
        );
        return Outcome {
            verdict: Tri::Unknown(Unknown::opaque(reason.clone(), opaque.origin)),
            evidence: Some(Evidence {
                message: format!("whether a `{resource_type}` connects to this resource is unknown: {reason}"),
                location: target.declaration,
                trace: vec![TraceStep::new(opaque.origin, TraceKind::Note(opaque.label.clone()))],
                written: true,
            }),
            applicable: true,
            independent: false,
        };
    }
    unknown.unwrap_or_else(|| Outcome {
        verdict: Tri::No,
        evidence: Some(Evidence {
            message: format!("no `{resource_type}` in the deployment connects to this resource"),
            location: target.declaration,
            trace: Vec::new(),
            written: true,
        }),
        applicable: true,
        independent: false,
    })
}

/// Whether a link is the subject: an id, a resource value (`scope: server` in Bicep, whose
/// `id` is the link), or an ARM `scope` written as `'<type>/<name>'`.
fn links_to(link: &Value, target_id: &Value, target: &Resource) -> Tri {
    if let Value::Object(members) = link {
        return match members.iter().find(|(k, _)| k.eq_ignore_ascii_case("id")) {
            Some((_, id)) => links_to(&id.value, target_id, target),
            None => Tri::No,
        };
    }
    let prefix = format!("{}/", target.resource_type);
    let starts = |s: &str| s.len() > prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(&prefix);
    let name = match link {
        Value::String(s) if starts(s) => Some(Value::String(s[prefix.len()..].to_string())),
        Value::Partial(parts) => match parts.first() {
            Some(StrPart::Text(t)) if starts(t) || t.eq_ignore_ascii_case(&prefix) => {
                let mut rest = parts.clone();
                rest[0] = StrPart::Text(t[prefix.len()..].to_string());
                Some(Value::Partial(rest))
            }
            _ => None,
        },
        _ => None,
    };
    match name {
        Some(name) => loosely_equals(&name, &target.name.value),
        None => loosely_equals(link, target_id),
    }
}
