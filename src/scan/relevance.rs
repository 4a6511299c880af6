//! Which deployments the loaded rules can say anything about: one whose files (the root and
//! every module it reaches) name none of the resource types the rules judge, and cannot carry
//! a secret to an output when an output rule is loaded, is parsed for its syntax errors and
//! not evaluated. The set comes from the rules, so a user's rule for another type widens it.
//! Files are matched by their text, without regard to case, which errs towards evaluating.

use crate::rules::{Rule, Target};
use crate::source::FileId;

pub struct Relevance {
    /// The provider namespaces of the judged types (`microsoft.dbforpostgresql`): a type is
    /// always written with its namespace, whether as a top-level type, a child type or
    /// `existing`.
    namespaces: Vec<String>,
    /// Whether a rule judges outputs.
    outputs: bool,
}

/// What one file's text holds that matters to the rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct Marks {
    subjects: bool,
    secrets: bool,
    outputs: bool,
    /// An ARM deployment that links another template (`templateLink`): what it deploys is
    /// elsewhere, so it is evaluated.
    links: bool,
}

impl Marks {
    /// A parameter file goes with the template: it may give a secret.
    pub fn given_secrets(&mut self, given: bool) {
        self.secrets |= given;
    }
}

impl Relevance {
    pub fn of(rules: &[Rule]) -> Relevance {
        let mut namespaces: Vec<String> = Vec::new();
        let mut outputs = false;
        for check in rules.iter().flat_map(|r| &r.checks) {
            match &check.target {
                Target::Resources(types) => {
                    for t in types {
                        let namespace = t.split('/').next().unwrap_or(t).to_ascii_lowercase();
                        if !namespaces.contains(&namespace) {
                            namespaces.push(namespace);
                        }
                    }
                }
                Target::Outputs => outputs = true,
            }
        }
        Relevance { namespaces, outputs }
    }

    pub fn marks(&self, text: &str) -> Marks {
        let lower = text.to_ascii_lowercase();
        // An escape (JSON `\u0050`, Bicep `\u{50}`) can spell any of the words below in a way
        // the text does not show, and the parsers decode it: such a file is evaluated.
        if lower.contains("\\u") {
            return Marks { subjects: true, secrets: self.outputs, outputs: self.outputs, links: true };
        }
        Marks {
            subjects: self.namespaces.iter().any(|n| lower.contains(n.as_str())),
            secrets: self.outputs
                && (lower.contains("secure")
                    || lower.contains("getsecret")
                    || calls_list(&lower)
                    || lower.contains("keyvault")),
            // `output` followed by a space, a tab or a comment in Bicep; an ARM `outputs` key in
            // double or single quotes or none.
            outputs: self.outputs && lower.contains("output"),
            links: lower.contains("templatelink"),
        }
    }

    /// Whether a deployment made of files with these marks can give a finding.
    pub fn matters(&self, marks: impl IntoIterator<Item = Marks>) -> bool {
        let all = marks.into_iter().fold(Marks::default(), |a, m| Marks {
            subjects: a.subjects || m.subjects,
            secrets: a.secrets || m.secrets,
            outputs: a.outputs || m.outputs,
            links: a.links || m.links,
        });
        all.subjects || all.links || (all.secrets && all.outputs)
    }
}

/// Whether the module calls of a closure (`calls[i]`: the files `closure[i]` calls) go round
/// in a cycle.
pub fn has_cycle(closure: &[FileId], calls: &[Vec<FileId>]) -> bool {
    // Depth-first, iterative: 0 unseen, 1 on the current path, 2 done.
    let positions: std::collections::HashMap<FileId, usize> =
        closure.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let index = |f: &FileId| positions.get(f).copied();
    let mut state = vec![0u8; closure.len()];
    for start in 0..closure.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some((node, edge)) = stack.pop() {
            let Some(next) = calls.get(node).and_then(|c| c.get(edge)) else {
                state[node] = 2;
                continue;
            };
            stack.push((node, edge + 1));
            match index(next).map(|i| (i, state[i])) {
                Some((_, 1)) => return true,
                Some((i, 0)) => {
                    state[i] = 1;
                    stack.push((i, 0));
                }
                _ => {}
            }
        }
    }
    false
}

/// `listKeys(`, `listSecrets(`, `.listConnectionStrings(`: a call of a `list*` action.
fn calls_list(lower: &str) -> bool {
    lower.match_indices("list").any(|(at, _)| {
        let rest = &lower[at + 4..];
        let name_end = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
        rest[name_end..].starts_with('(')
    })
}

#[cfg(test)]
mod tests {
    use super::{calls_list, has_cycle};
    use crate::source::FileId;

    #[test]
    fn finds_module_cycles() {
        let (a, b, c) = (FileId(0), FileId(1), FileId(2));
        assert!(has_cycle(&[a, b], &[vec![b], vec![a]]));
        assert!(has_cycle(&[a], &[vec![a]]));
        assert!(!has_cycle(&[a, b, c], &[vec![b, c], vec![c], vec![]]), "a diamond is no cycle");
    }

    #[test]
    fn finds_list_actions() {
        assert!(calls_list("[listkeys(variables('id'), '2021-01-01')]"));
        assert!(calls_list("storage.listsecrets().value"));
        assert!(calls_list("list()"));
        assert!(!calls_list("the list of servers"));
    }
}
