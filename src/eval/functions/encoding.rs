//! Encodings: JSON text (`json()`, `string()` of arrays and objects), base64, URIs and data
//! URIs. Each is computed on known text; text that Azure would reject (bad base64, bad JSON)
//! gives an unknown that says so, and a partly known text a symbolic unknown.

use super::{Body, Ctx, Function};
use crate::model::{Node, Value};
use crate::syntax::arm::{Json, JsonKind};

pub static FUNCTIONS: &[Function] = &[
    Function { name: "json", min: 1, max: 1, body: Body::Strict(json) },
    Function { name: "base64", min: 1, max: 1, body: Body::Strict(base64) },
    Function { name: "base64ToString", min: 1, max: 1, body: Body::Strict(base64_to_string) },
    Function { name: "base64ToJson", min: 1, max: 1, body: Body::Strict(base64_to_json) },
    Function { name: "uri", min: 2, max: 2, body: Body::Strict(uri) },
    Function { name: "uriComponent", min: 1, max: 1, body: Body::Strict(uri_component) },
    Function { name: "uriComponentToString", min: 1, max: 1, body: Body::Strict(uri_component_to_string) },
    Function { name: "dataUri", min: 1, max: 1, body: Body::Strict(data_uri) },
    Function { name: "dataUriToString", min: 1, max: 1, body: Body::Strict(data_uri_to_string) },
];

fn text(node: &Node) -> Option<&str> {
    node.value.as_str()
}

/// `json(text)`: the value the JSON text holds. Newtonsoft, as Azure, accepts single quotes
/// and comments; a fraction has no integer value here.
fn json(args: &[Node], ctx: &Ctx) -> Option<Value> {
    Some(parse_json(text(&args[0])?, "json", ctx))
}

fn parse_json(text: &str, function: &str, ctx: &Ctx) -> Value {
    match crate::syntax::arm::parse(text) {
        Ok(doc) => from_json(&doc.root, ctx),
        Err(e) => Value::unknown(format!("`{function}()` of text that is not JSON ({})", e.message), ctx.origin),
    }
}

/// A JSON tree as a value: strings stay text (`json()` does not evaluate `[…]`).
fn from_json(json: &Json, ctx: &Ctx) -> Value {
    match &json.kind {
        JsonKind::Null => Value::Null,
        JsonKind::Bool(b) => Value::Bool(*b),
        JsonKind::Int(i) => Value::Int(*i),
        JsonKind::Number(n) => Value::unknown(format!("the number {n} is not an integer"), ctx.origin),
        JsonKind::String(s) => Value::String(s.clone()),
        JsonKind::Array(items) => {
            Value::Array(items.iter().map(|i| Node::new(from_json(i, ctx), ctx.origin)).collect())
        }
        JsonKind::Object(members) => {
            let mut out = Vec::new();
            for m in members {
                crate::eval::ops::set_member(&mut out, m.name.clone(), Node::new(from_json(&m.value, ctx), ctx.origin));
            }
            Value::Object(out)
        }
    }
}

/// `string()` of an array or object: its JSON text, or the symbolic call while any part of
/// it is not known.
pub fn json_text(value: &Value, ctx: &Ctx) -> Value {
    if let Some(text) = to_json(value) {
        return Value::String(text);
    }
    match crate::eval::ops::derived("string", std::slice::from_ref(value)) {
        Some(u) => Value::Unknown(u),
        // Known but for an id's scope: a function of the id all the same.
        None => Value::Unknown(crate::model::Unknown::symbolic(
            "the JSON text of a value holding a resource id is known only at deployment",
            ctx.origin,
            crate::model::Sym::call("string", vec![value.clone()]),
        )),
    }
}

/// A known value as compact JSON text, as `string()` gives arrays and objects; `None` when
/// any part is not known.
pub fn to_json(value: &Value) -> Option<String> {
    let mut out = String::new();
    write_json(value, &mut out)?;
    Some(out)
}

fn write_json(value: &Value, out: &mut String) -> Option<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::String(s) => write_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(&item.value, out)?;
            }
            out.push(']');
        }
        Value::Object(members) => {
            if members.iter().any(|(k, _)| k == crate::model::UNKNOWN_SPREAD) {
                return None;
            }
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_json(&item.value, out)?;
            }
            out.push('}');
        }
        Value::Partial(_) | Value::ResourceId(_) | Value::Unknown(_) => return None,
    }
    Some(())
}

/// Newtonsoft's default escaping: quotes, backslashes and control characters.
fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn encode_base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 as .NET's `Convert.FromBase64String` reads it: whitespace ignored, length
/// a multiple of four, at most two `=` at the end.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let chars: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !chars.len().is_multiple_of(4) {
        return None;
    }
    let padding = chars.iter().rev().take_while(|b| **b == b'=').count();
    if padding > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(chars.len() / 4 * 3);
    for (i, chunk) in chars.chunks(4).enumerate() {
        let last = i == chars.len() / 4 - 1;
        let mut n = 0u32;
        let mut pad = 0;
        for &c in chunk {
            let v = match c {
                b'=' if last => {
                    pad += 1;
                    0
                }
                _ if pad > 0 => return None,
                _ => ALPHABET.iter().position(|a| *a == c)? as u32,
            };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

fn base64(args: &[Node], _: &Ctx) -> Option<Value> {
    Some(Value::String(encode_base64(text(&args[0])?.as_bytes())))
}

fn decoded(args: &[Node], function: &str, ctx: &Ctx) -> Result<String, Value> {
    let Some(input) = text(&args[0]) else {
        return Err(crate::eval::ops::unknown_of(function, &[args[0].value.clone()], ctx.origin));
    };
    let bytes = decode_base64(input)
        .ok_or_else(|| Value::unknown(format!("`{function}()` of text that is not base64"), ctx.origin))?;
    String::from_utf8(bytes)
        .map_err(|_| Value::unknown(format!("`{function}()` gives bytes that are not UTF-8"), ctx.origin))
}

fn base64_to_string(args: &[Node], ctx: &Ctx) -> Option<Value> {
    Some(decoded(args, "base64ToString", ctx).map_or_else(|v| v, Value::String))
}

fn base64_to_json(args: &[Node], ctx: &Ctx) -> Option<Value> {
    Some(match decoded(args, "base64ToJson", ctx) {
        Ok(text) => parse_json(&text, "base64ToJson", ctx),
        Err(v) => v,
    })
}

/// Whether `c` is left as it is by .NET's `Uri.EscapeDataString` (RFC 3986 unreserved).
fn unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}

pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if unreserved(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `%XX` decoded; a `%` not followed by two hex digits stays as it is, as .NET does. `None`
/// when the decoded bytes are not UTF-8.
fn unescape_data(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn uri_component(args: &[Node], _: &Ctx) -> Option<Value> {
    Some(Value::String(escape_data(text(&args[0])?)))
}

fn uri_component_to_string(args: &[Node], ctx: &Ctx) -> Option<Value> {
    Some(match unescape_data(text(&args[0])?) {
        Some(s) => Value::String(s),
        None => Value::unknown("`uriComponentToString()` gives bytes that are not UTF-8", ctx.origin),
    })
}

/// `uri(base, relative)`, .NET's `new Uri(base, relative)`. Computed only where RFC 3986
/// resolution and Microsoft's description agree: a plain absolute base without query or
/// fragment, a relative path without `.`/`..` segments, query or leading `/`, in characters
/// that need no escaping. Anything else is the symbolic call.
fn uri(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let resolved = resolve_uri(text(&args[0])?, text(&args[1])?);
    Some(
        resolved.map_or_else(
            || super::symbolic("uri", &[args[0].value.clone(), args[1].value.clone()], ctx),
            Value::String,
        ),
    )
}

fn resolve_uri(base: &str, relative: &str) -> Option<String> {
    let plain = |s: &str| s.bytes().all(|b| unreserved(b) || matches!(b, b'/' | b':'));
    if !plain(base) || !plain(relative) || relative.starts_with('/') || relative.contains(':') {
        return None;
    }
    if relative.split('/').any(|s| s == "." || s == "..") {
        return None;
    }
    let (scheme, rest) = base.split_once("://")?;
    if scheme.is_empty() || scheme.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let (host, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    // .NET lower-cases the host and drops a default port: leave those to it.
    if host.is_empty() || host.bytes().any(|b| b.is_ascii_uppercase()) || host.contains(':') {
        return None;
    }
    if path.split('/').any(|s| s == "." || s == "..") {
        return None;
    }
    let directory = &path[..path.rfind('/')? + 1];
    Some(format!("{scheme}://{host}{directory}{relative}"))
}

/// `dataUri(value)`: `data:text/plain;charset=utf8;base64,…` as Azure writes it.
fn data_uri(args: &[Node], _: &Ctx) -> Option<Value> {
    let value = text(&args[0])?;
    Some(Value::String(format!("data:text/plain;charset=utf8;base64,{}", encode_base64(value.as_bytes()))))
}

/// `dataUriToString(uri)`: the data of a `data:` URI, base64 or percent-encoded.
fn data_uri_to_string(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let uri = text(&args[0])?;
    let bad = || Value::unknown("`dataUriToString()` of text that is not a data URI", ctx.origin);
    let Some(rest) = uri.strip_prefix("data:") else { return Some(bad()) };
    let Some((header, data)) = rest.split_once(',') else { return Some(bad()) };
    let bytes = if header.split(';').any(|p| p.eq_ignore_ascii_case("base64")) {
        match decode_base64(data) {
            Some(b) => b,
            None => return Some(bad()),
        }
    } else {
        match unescape_data(data) {
            Some(s) => s.into_bytes(),
            None => return Some(bad()),
        }
    };
    Some(String::from_utf8(bytes).map_or_else(|_| bad(), Value::String))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{call, s, unknown_param};
    use super::*;

    #[test]
    fn base64_round_trips_and_matches_the_docs() {
        assert_eq!(call("base64", vec![s("one, two, three")]), s("b25lLCB0d28sIHRocmVl"));
        assert_eq!(call("base64ToString", vec![s("b25lLCB0d28sIHRocmVl")]), s("one, two, three"));
        for text in ["", "a", "ab", "abc", "abcd", "é€"] {
            assert_eq!(decode_base64(&encode_base64(text.as_bytes())).unwrap(), text.as_bytes());
        }
        assert_eq!(encode_base64(b""), "");
        assert_eq!(encode_base64(b"a"), "YQ==");
        assert!(decode_base64("YQ=").is_none());
        assert!(decode_base64("Y=Q=").is_none());
        assert!(decode_base64("Y===").is_none());
        assert!(matches!(call("base64ToString", vec![s("not base64!")]), Value::Unknown(u) if u.sym.is_none()));
    }

    #[test]
    fn base64_to_json_reads_single_quotes() {
        let encoded = encode_base64(b"{'one': 'a', 'two': 'b'}");
        let Value::Object(members) = call("base64ToJson", vec![s(&encoded)]) else { panic!() };
        assert_eq!(members.len(), 2);
        assert_eq!(members[1].1.value, s("b"));
    }

    #[test]
    fn json_parses_values_and_refuses_bad_text() {
        assert_eq!(call("json", vec![s("null")]), Value::Null);
        assert_eq!(call("json", vec![s("[1, true]")]), Value::Array(vec![int_node(1), bool_node(true)]));
        assert_eq!(call("json", vec![s("\"[notAnExpression()]\"")]), s("[notAnExpression()]"));
        assert!(matches!(call("json", vec![s("{")]), Value::Unknown(u) if u.sym.is_none()));
        assert!(matches!(call("json", vec![s("1.5")]), Value::Unknown(_)));
        assert!(matches!(call("json", vec![unknown_param("p")]), Value::Unknown(u) if u.sym.is_some()));
    }

    fn int_node(i: i64) -> Node {
        Node::new(Value::Int(i), Default::default())
    }

    fn bool_node(b: bool) -> Node {
        Node::new(Value::Bool(b), Default::default())
    }

    #[test]
    fn json_text_is_compact_and_escaped() {
        let object = Value::Object(vec![
            ("a".into(), int_node(1)),
            (
                "b".into(),
                Node::new(
                    Value::Array(vec![bool_node(true), Node::new(Value::Null, Default::default())]),
                    Default::default(),
                ),
            ),
            ("c".into(), Node::new(s("say \"hi\"\n"), Default::default())),
        ]);
        assert_eq!(to_json(&object).unwrap(), r#"{"a":1,"b":[true,null],"c":"say \"hi\"\n"}"#);
        assert_eq!(to_json(&Value::Array(vec![])).unwrap(), "[]");
        assert!(to_json(&Value::Array(vec![Node::new(unknown_param("p"), Default::default())])).is_none());
    }

    #[test]
    fn uri_components_escape_as_dotnet_does() {
        assert_eq!(
            call("uriComponent", vec![s("http://contoso.com/resources/nested/azuredeploy.json")]),
            s("http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json")
        );
        assert_eq!(
            call("uriComponentToString", vec![s("http%3A%2F%2Fcontoso.com%2Fa%20b")]),
            s("http://contoso.com/a b")
        );
        assert_eq!(call("uriComponentToString", vec![s("100%")]), s("100%"));
        assert_eq!(call("uriComponent", vec![s("é")]), s("%C3%A9"));
    }

    #[test]
    fn uri_resolves_plain_relative_paths_only() {
        let u = |b: &str, r: &str| call("uri", vec![s(b), s(r)]);
        assert_eq!(u("http://contoso.org/firstpath", "myscript.sh"), s("http://contoso.org/myscript.sh"));
        assert_eq!(u("http://contoso.org/firstpath/", "myscript.sh"), s("http://contoso.org/firstpath/myscript.sh"));
        assert_eq!(u("https://contoso.org", "nested/a.json"), s("https://contoso.org/nested/a.json"));
        // Microsoft's description and RFC 3986 differ here: not computed.
        assert!(matches!(u("http://contoso.org/a/", "/b"), Value::Unknown(u) if u.sym.is_some()));
        assert!(matches!(u("http://contoso.org/a/?sv=1", "b"), Value::Unknown(_)));
        assert!(matches!(u("http://contoso.org/a/", "../b"), Value::Unknown(_)));
        let partly = call("uri", vec![unknown_param("base"), s("nested/postgres.json")]);
        assert!(matches!(partly, Value::Unknown(u) if u.sym.is_some()));
    }

    #[test]
    fn data_uris_match_the_docs() {
        assert_eq!(call("dataUri", vec![s("Hello")]), s("data:text/plain;charset=utf8;base64,SGVsbG8="));
        assert_eq!(call("dataUriToString", vec![s("data:;base64,SGVsbG8sIFdvcmxkIQ==")]), s("Hello, World!"));
        assert_eq!(call("dataUriToString", vec![s("data:,a%20b")]), s("a b"));
        assert!(matches!(call("dataUriToString", vec![s("nope")]), Value::Unknown(_)));
    }
}
