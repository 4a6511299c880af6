//! ARM JSON: templates and parameter files read with jsonc-parser into an owned tree in which
//! every value keeps its byte span. Azure accepts comments, trailing commas and raw newlines in
//! strings, so we do too; a leading UTF-8 BOM is accepted.

pub mod expr;
mod json;

pub use json::{Json, JsonKind, JsonMember};

use crate::span::Span;
use crate::syntax::SyntaxError;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

/// What a JSON file is to us, read from its `$schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArmKind {
    /// `…/deploymentTemplate.json#`: resources as an array, or (languageVersion 2.0) as an
    /// object keyed by symbolic name.
    Template,
    /// `…/deploymentParameters.json#`
    Parameters,
    /// Any other JSON: not ours to judge.
    Other,
}

#[derive(Debug, Clone)]
pub struct ArmDocument {
    pub kind: ArmKind,
    pub root: Json,
    /// `//` and `/* */` comments, for suppressions.
    pub comments: Vec<Span>,
}

/// Reads a JSON document. A syntax error yields `Err` with its position; the rest of the scan
/// goes on without this file.
pub fn parse(text: &str) -> Result<ArmDocument, SyntaxError> {
    // jsonc-parser rejects a BOM; three spaces keep every byte offset where it was.
    let bom_free;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            bom_free = format!("   {rest}");
            bom_free.as_str()
        }
        None => text,
    };
    check_depth(text)?;
    let collect = CollectOptions { comments: CommentCollectionStrategy::Separate, tokens: false };
    // Azure's reader (Newtonsoft) also takes single quotes and unquoted names; it does not
    // guess missing commas or hexadecimal numbers.
    let options = ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_single_quoted_strings: true,
        allow_loose_object_property_names: true,
        allow_missing_commas: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &collect, &options).map_err(|e| {
        let range = e.range();
        SyntaxError::new(Span::from(range.start..range.end), e.kind().to_string())
    })?;
    let Some(value) = parsed.value else {
        return Err(SyntaxError::new(Span::new(0, 0), "the file holds no JSON value"));
    };
    let root = json::from_ast(value);
    let mut comments: Vec<Span> = parsed
        .comments
        .iter()
        .flat_map(|map| map.values())
        .flat_map(|group| group.iter())
        .map(|c| {
            let r = jsonc_parser::common::Ranged::range(c);
            Span::from(r.start..r.end)
        })
        .collect();
    // Each comment group is listed twice (after the previous token, before the next).
    comments.sort();
    comments.dedup();
    Ok(ArmDocument { kind: classify(&root), root, comments })
}

/// Deeper nesting than any template needs is refused before parsing: the JSON parser and
/// every later stage recurse over the tree.
pub const MAX_DEPTH: usize = 256;

fn check_depth(text: &str) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    let mut in_string: Option<u8> = None;
    let mut escaped = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if let Some(quote) = in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == quote {
                in_string = None;
            }
            continue;
        }
        match b {
            b'"' | b'\'' => in_string = Some(b),
            b'/' if bytes.get(i) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i) == Some(&b'*') => {
                i += 1;
                while i < bytes.len() && !(bytes[i - 1] == b'*' && bytes[i] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(SyntaxError::new(
                        Span::new(i as u32 - 1, i as u32),
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn classify(root: &Json) -> ArmKind {
    let Some(schema) = root.get("$schema").and_then(Json::as_str) else {
        return ArmKind::Other;
    };
    let schema = schema.to_ascii_lowercase();
    if schema.contains("deploymenttemplate") && root.get("resources").is_some() {
        ArmKind::Template
    } else if schema.contains("deploymentparameters") {
        ArmKind::Parameters
    } else {
        ArmKind::Other
    }
}
