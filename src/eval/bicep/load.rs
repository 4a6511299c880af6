//! `loadTextContent`, `loadJsonContent`, `loadYamlContent`, `loadFileAsBase64` and
//! `loadDirectoryFileInfo`: the compiler reads these files beside the template and writes
//! their content into it, so their value is known. Each file is read once per deployment,
//! bounded in size (`limits`), and Bicep's own size limits apply on top; a file that cannot
//! be read gives an unknown naming it.

use super::BicepEval;
use crate::eval::limits::{MAX_ELEMENTS, MAX_LOADED_FILE};
use crate::model::{Node, TraceKind, TraceStep, Value};
use crate::source::Origin;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Bicep's limits (its file-functions documentation): at most 131,072 characters for
/// `loadTextContent`, 1,048,576 for `loadJsonContent` and `loadYamlContent`, 96 KiB for
/// `loadFileAsBase64`. A larger file does not compile.
const MAX_TEXT_CHARS: usize = 131_072;
const MAX_JSON_CHARS: usize = 1_048_576;
const MAX_BASE64_BYTES: usize = 96 * 1024;

/// A file's bytes, or why it cannot be read.
type Read = Result<Rc<[u8]>, String>;

/// The files read so far, by path.
#[derive(Clone, Default)]
pub(super) struct Loaded(Rc<RefCell<HashMap<PathBuf, Read>>>);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Loader {
    Text,
    Json,
    Yaml,
    Base64,
    Directory,
}

fn loader(name: &str) -> Option<Loader> {
    match name.to_ascii_lowercase().as_str() {
        "loadtextcontent" => Some(Loader::Text),
        "loadjsoncontent" => Some(Loader::Json),
        "loadyamlcontent" => Some(Loader::Yaml),
        "loadfileasbase64" => Some(Loader::Base64),
        "loaddirectoryfileinfo" => Some(Loader::Directory),
        _ => None,
    }
}

pub(super) fn is_loader(name: &str) -> bool {
    loader(name).is_some()
}

impl BicepEval<'_, '_> {
    /// Calls the load function `name` on evaluated arguments.
    pub(super) fn load(&mut self, name: &str, args: &[Node], origin: Origin) -> Node {
        let value = match loader(name) {
            Some(kind) => {
                self.load_value(kind, name, args, origin).unwrap_or_else(|reason| Value::unknown(reason, origin))
            }
            None => Value::unknown(format!("`{name}()` is not a load function"), origin),
        };
        Node::new(value, origin).traced(TraceStep::new(origin, TraceKind::Function { name: name.to_string() }))
    }

    fn load_value(&mut self, kind: Loader, name: &str, args: &[Node], origin: Origin) -> Result<Value, String> {
        // Arguments: the path; then the JSON path (JSON, YAML); then the encoding (not base64).
        let max = match kind {
            Loader::Text => 2,
            Loader::Json | Loader::Yaml => 3,
            Loader::Base64 => 1,
            Loader::Directory => 2,
        };
        if args.is_empty() || args.len() > max {
            return Err(format!("`{name}()` takes 1 to {max} arguments, not {}", args.len()));
        }
        let text_arg = |i: usize, what: &str| -> Result<Option<&str>, String> {
            match args.get(i).map(|n| &n.value) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(Value::Unknown(u)) => Err(format!("the {what} of `{name}()` is not known: {}", u.reason)),
                Some(other) => Err(format!("the {what} of `{name}()` is {}, not a known string", other.describe())),
            }
        };
        let Some(path) = text_arg(0, "path")? else {
            return Err(format!("`{name}()` has no path"));
        };
        if kind == Loader::Directory {
            return self.directory(path, text_arg(1, "search pattern")?, origin);
        }
        let bytes = self.read_beside(path)?;
        if kind == Loader::Base64 {
            if bytes.len() > MAX_BASE64_BYTES {
                return Err(format!(
                    "`{path}` is larger than the {MAX_BASE64_BYTES} bytes Bicep loads with `{name}()`"
                ));
            }
            return Ok(Value::String(base64(&bytes)));
        }
        let (selector, encoding) = match kind {
            Loader::Text => (None, text_arg(1, "encoding")?),
            _ => (text_arg(1, "path filter")?, text_arg(2, "encoding")?),
        };
        let text = decode(&bytes, encoding.unwrap_or("utf-8")).map_err(|e| format!("`{path}`: {e}"))?;
        let limit = if kind == Loader::Text { MAX_TEXT_CHARS } else { MAX_JSON_CHARS };
        if text.chars().count() > limit {
            return Err(format!("`{path}` has more than the {limit} characters Bicep loads with `{name}()`"));
        }
        if kind == Loader::Text {
            return Ok(Value::String(text));
        }
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| match kind {
            // JSON is YAML; other YAML would need a YAML reader, which pgguard does not have.
            Loader::Yaml => format!("`{path}` is YAML that is not written as JSON, which pgguard does not read ({e})"),
            _ => format!("`{path}` is not valid JSON: {e}"),
        })?;
        let selected = match selector {
            Some(selector) => select(&json, selector).map_err(|e| format!("`{name}()` of `{path}`: {e}"))?,
            None => &json,
        };
        Ok(from_json(selected, origin).value)
    }

    /// `loadDirectoryFileInfo(path[, pattern])`: the files of a folder (not its subfolders),
    /// as the compiler lists them: by name without regard to case, each as its path relative
    /// to the template, its name and its extension.
    fn directory(&self, path: &str, pattern: Option<&str>, origin: Origin) -> Result<Value, String> {
        relative(path)?;
        let full = self.module_dir().join(path);
        let entries = std::fs::read_dir(&full).map_err(|e| unreadable(path, &e))?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| unreadable(path, &e))?;
            if !entry.file_type().map_err(|e| unreadable(path, &e))?.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let matched = match pattern {
                None => true,
                Some(pattern) => match (glob(pattern, &name, false), glob(pattern, &name, true)) {
                    (a, b) if a == b => a,
                    _ => {
                        return Err(format!(
                            "whether `{name}` matches '{pattern}' depends on the file system's case sensitivity"
                        ));
                    }
                },
            };
            if matched {
                names.push(name);
            }
            if names.len() > MAX_ELEMENTS {
                return Err(format!("`{path}` holds more than {MAX_ELEMENTS} files"));
            }
        }
        names.sort_by(|a, b| a.to_lowercase().cmp(&b.to_lowercase()).then_with(|| a.cmp(b)));
        let folder: Vec<String> = Path::new(path)
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let text = |s: String| Node::new(Value::String(s), origin);
        let files = names
            .into_iter()
            .map(|name| {
                let relative = folder.iter().cloned().chain([name.clone()]).collect::<Vec<_>>().join("/");
                let extension = Path::new(&name).extension().map(|e| format!(".{}", e.to_string_lossy()));
                let members = vec![
                    ("relativePath".to_string(), text(relative)),
                    ("baseName".to_string(), text(name)),
                    ("extension".to_string(), text(extension.unwrap_or_default())),
                ];
                Node::new(Value::Object(members), origin)
            })
            .collect();
        Ok(Value::Array(files))
    }

    /// The bytes of `path`, relative to the folder of the file being evaluated.
    fn read_beside(&mut self, path: &str) -> Read {
        relative(path)?;
        let full = self.module_dir().join(path);
        if let Some(known) = self.loaded.0.borrow().get(&full) {
            return known.clone();
        }
        let too_big =
            |len: u64| format!("`{path}` is {len} bytes, more than the {MAX_LOADED_FILE} bytes pgguard loads");
        let read = match std::fs::metadata(&full) {
            Ok(meta) if meta.len() > MAX_LOADED_FILE => Err(too_big(meta.len())),
            // A device or a named pipe (`/dev/zero`, a FIFO) would be read forever or block.
            Ok(meta) if !meta.is_file() => Err(format!("`{path}` is not a regular file")),
            Ok(_) => read_at_most(&full, MAX_LOADED_FILE).map_err(|e| unreadable(path, &e)).and_then(|bytes| {
                // The file grew between the two looks: still no more than the limit.
                if bytes.len() as u64 > MAX_LOADED_FILE {
                    Err(too_big(bytes.len() as u64))
                } else {
                    Ok(Rc::from(bytes))
                }
            }),
            Err(e) => Err(unreadable(path, &e)),
        };
        self.loaded.0.borrow_mut().insert(full, read.clone());
        read
    }
}

/// At most `limit + 1` bytes of a file: one more than the limit tells that it is too big.
fn read_at_most(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(limit + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Bicep reads files by a path relative to the template.
fn relative(path: &str) -> Result<(), String> {
    if let Some(refused) = super::modules::path_error(path) {
        return Err(format!("Bicep loads files by a path relative to the template, not `{path}`: {refused}"));
    }
    if Path::new(path).is_absolute() || path.starts_with(['/', '\\']) {
        return Err(format!("Bicep loads files by a path relative to the template, not `{path}`"));
    }
    Ok(())
}

/// Whether `name` matches a search pattern of `*` (any run of characters) and `?` (one).
fn glob(pattern: &str, name: &str, ignore_case: bool) -> bool {
    let fold =
        |s: &str| -> Vec<char> { if ignore_case { s.to_lowercase().chars().collect() } else { s.chars().collect() } };
    let (pattern, name) = (fold(pattern), fold(name));
    // Iterative matching with one backtrack point: linear in practice, never exponential.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == name[n]) {
            p += 1;
            n += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, n));
            p += 1;
        } else if let Some((sp, sn)) = star {
            p = sp + 1;
            n = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// Why a file cannot be read, the same on every system for a missing file.
fn unreadable(path: &str, error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => format!("cannot read `{path}`: there is no such file"),
        _ => format!("cannot read `{path}`: {error}"),
    }
}

/// Decodes a file as Bicep's encodings name them; a byte-order mark is not part of the text.
fn decode(bytes: &[u8], encoding: &str) -> Result<String, String> {
    let utf16 = |units: Vec<u16>| String::from_utf16(&units).map_err(|_| "not valid UTF-16 text".to_string());
    match encoding.to_ascii_lowercase().as_str() {
        "utf-8" => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            String::from_utf8(bytes.to_vec()).map_err(|_| "not valid UTF-8 text".to_string())
        }
        "utf-16" => {
            let bytes = bytes.strip_prefix(b"\xFF\xFE").unwrap_or(bytes);
            let text = utf16(bytes.chunks(2).map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect())?;
            Ok(text)
        }
        "utf-16be" => {
            let bytes = bytes.strip_prefix(b"\xFE\xFF").unwrap_or(bytes);
            let text = utf16(bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect())?;
            Ok(text)
        }
        "iso-8859-1" => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        // .NET's ASCII decoder writes `?` for every byte outside ASCII.
        "us-ascii" => Ok(bytes.iter().map(|&b| if b.is_ascii() { char::from(b) } else { '?' }).collect()),
        other => Err(format!("Bicep has no encoding '{other}'")),
    }
}

/// The value at a JSON path (`$.a.b`, `.a[0]`, `$['a-b']`): one value, as Bicep's selector
/// gives it. Paths that select several values (`*`, `..`, filters) are refused.
fn select<'j>(json: &'j serde_json::Value, path: &str) -> Result<&'j serde_json::Value, String> {
    let refuse = || format!("the JSON path '{path}' is not a plain path to one value");
    let mut rest = path.trim();
    rest = rest.strip_prefix('$').unwrap_or(rest);
    let mut current = json;
    let mut first = true;
    while !rest.is_empty() {
        let (step, after) = if let Some(r) = rest.strip_prefix("['").or_else(|| rest.strip_prefix("[\"")) {
            let quote = if rest.starts_with("['") { "']" } else { "\"]" };
            let end = r.find(quote).ok_or_else(refuse)?;
            (Step::Name(&r[..end]), &r[end + 2..])
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or_else(refuse)?;
            let i: usize = r[..end].trim().parse().map_err(|_| refuse())?;
            (Step::Index(i), &r[end + 1..])
        } else {
            let r = match rest.strip_prefix('.') {
                Some(r) => r,
                None if first => rest,
                None => return Err(refuse()),
            };
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let name = &r[..end];
            if name.is_empty() || name.contains(['*', '?', '(', ')', '@']) {
                return Err(refuse());
            }
            (Step::Name(name), &r[end..])
        };
        current = match (step, current) {
            (Step::Name(name), serde_json::Value::Object(map)) => map.get(name),
            (Step::Index(i), serde_json::Value::Array(items)) => items.get(i),
            _ => None,
        }
        .ok_or_else(|| format!("the JSON path '{path}' selects nothing"))?;
        rest = after;
        first = false;
    }
    Ok(current)
}

#[derive(Clone, Copy)]
enum Step<'p> {
    Name(&'p str),
    Index(usize),
}

fn from_json(json: &serde_json::Value, origin: Origin) -> Node {
    let value = match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::unknown(format!("the number {n} is not a 64-bit integer"), origin),
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(|j| from_json(j, origin)).collect()),
        serde_json::Value::Object(map) => {
            let mut members = Vec::with_capacity(map.len());
            for (k, v) in map {
                crate::eval::ops::set_member(&mut members, k.clone(), from_json(v, origin));
            }
            Value::Object(members)
        }
    };
    Node::new(value, origin)
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_as_rfc_4648_does() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn search_patterns_match_as_wildcards() {
        assert!(glob("*.txt", "a.txt", false));
        assert!(!glob("*.txt", "a.json", false));
        assert!(glob("a?c*", "abcdef", false));
        assert!(!glob("*.TXT", "a.txt", false));
        assert!(glob("*.TXT", "a.txt", true));
        assert!(glob("*", "", false));
    }

    #[test]
    fn json_paths_select_one_value() {
        let json: serde_json::Value = serde_json::from_str(r#"{"a": {"b-c": [1, {"d": 2}]}}"#).expect("json");
        assert_eq!(select(&json, "$.a['b-c'][1].d").ok(), Some(&serde_json::json!(2)));
        assert_eq!(select(&json, ".a").ok(), json.get("a"));
        assert_eq!(select(&json, "a").ok(), json.get("a"));
        assert!(select(&json, "$..d").is_err());
        assert!(select(&json, "$.a.*").is_err());
        assert!(select(&json, "$.x").is_err());
    }
}
