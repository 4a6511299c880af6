//! Registry modules from the local Bicep module cache, never from the network. `bicep restore`
//! (and `bicep build`) write each registry module's compiled ARM template to a cache folder:
//!
//! - `br:<registry>/<repository>:<tag>` (or `@<digest>`) at
//!   `<cache>/br/<registry>/<repository with / as $>/<tag>$<mask>/main.json`, where the registry
//!   is lower-cased with `:` as `$`, and the tag is followed by `$` and the hexadecimal mask of
//!   its upper-case letters (none: nothing); a digest is written with `:` as `#`;
//! - `ts:<subscription>/<resource group>/<name>:<version>` at
//!   `<cache>/ts/<subscription>/<resource group>/<name>/<version>/main.json`, lower-cased.
//!
//! `br/<alias>:<path>:<tag>` and `ts/<alias>:<name>:<version>` take the registry and module
//! path (the subscription and resource group) from `moduleAliases` of the nearest
//! `bicepconfig.json`, walking up from the calling file's folder; `br/public` is built in
//! (`mcr.microsoft.com` and `bicep`). The cache is `cacheRootDirectory` of that file when it
//! sets one, else `.bicep` in the home folder (`$HOME`, or `%USERPROFILE%` on Windows). This is
//! the layout of the Bicep compiler's `OciArtifactCacheAccessor` and
//! `TemplateSpecModuleCacheAccessor`.

use crate::syntax::arm::{self, Json};
use crate::workspace::RegistryModule;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What a `bicepconfig.json` says about registry modules.
#[derive(Debug, Clone, Default)]
pub struct BicepConfig {
    /// The file, when there is one (`None`: Bicep's built-in configuration).
    pub path: Option<PathBuf>,
    /// `cacheRootDirectory`.
    pub cache_root: Option<String>,
    /// `moduleAliases.br`: registry and module path, by alias.
    pub br: HashMap<String, (Option<String>, Option<String>)>,
    /// `moduleAliases.ts`: subscription and resource group, by alias.
    pub ts: HashMap<String, (Option<String>, Option<String>)>,
    /// Why the file cannot be read, when it cannot.
    pub problem: Option<String>,
}

impl BicepConfig {
    /// Reads a `bicepconfig.json` (comments allowed, as Bicep allows them).
    pub fn read(path: &Path) -> BicepConfig {
        let mut config = BicepConfig { path: Some(path.to_path_buf()), ..BicepConfig::default() };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                config.problem = Some(format!("cannot read `{}`: {e}", path.display()));
                return config;
            }
        };
        let doc = match arm::parse(&text) {
            Ok(doc) => doc,
            Err(e) => {
                config.problem = Some(format!("`{}` is not valid JSON: {}", path.display(), e.message));
                return config;
            }
        };
        let text_of = |json: Option<&Json>| json.and_then(Json::as_str).map(str::to_string);
        config.cache_root = text_of(doc.root.get("cacheRootDirectory")).filter(|s| !s.trim().is_empty());
        let aliases = doc.root.get("moduleAliases");
        let read = |scheme: &str, first: &str, second: &str| {
            let members = aliases.and_then(|a| a.get(scheme)).and_then(Json::as_object).unwrap_or_default();
            members
                .iter()
                .map(|m| (m.name.clone(), (text_of(m.value.get(first)), text_of(m.value.get(second)))))
                .collect()
        };
        config.br = read("br", "registry", "modulePath");
        config.ts = read("ts", "subscription", "resourceGroup");
        config
    }

    /// `moduleAliases.br.<alias>`, with `public` built in unless the file replaces it.
    fn br_alias(&self, alias: &str) -> Option<(Option<String>, Option<String>)> {
        self.br
            .get(alias)
            .cloned()
            .or_else(|| (alias == "public").then(|| (Some("mcr.microsoft.com".to_string()), Some("bicep".to_string()))))
    }

    fn named(&self) -> String {
        match &self.path {
            Some(path) => format!("`{}`", path.display()),
            None => "no bicepconfig.json".to_string(),
        }
    }
}

/// Finds registry modules in the cache: the nearest `bicepconfig.json` of each folder read
/// once.
#[derive(Debug, Default)]
pub struct Registry {
    /// The nearest configuration of each folder asked about.
    configs: HashMap<PathBuf, std::sync::Arc<BicepConfig>>,
    /// The home folder; `None` when the environment names none.
    home: Option<PathBuf>,
}

impl Registry {
    /// A resolver reading the home folder from the environment.
    pub fn from_env() -> Registry {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .or_else(|| std::env::var_os("USERPROFILE").filter(|h| !h.is_empty()))
            .map(PathBuf::from);
        Registry { configs: HashMap::new(), home }
    }

    /// The nearest `bicepconfig.json` at or above `dir` (Bicep's built-in one when none).
    fn config(&mut self, dir: &Path) -> std::sync::Arc<BicepConfig> {
        if let Some(found) = self.configs.get(dir) {
            return found.clone();
        }
        let candidate = dir.join("bicepconfig.json");
        let config = if candidate.is_file() {
            std::sync::Arc::new(BicepConfig::read(&candidate))
        } else {
            match dir.parent() {
                Some(parent) if parent != dir => self.config(parent),
                _ => std::sync::Arc::new(BicepConfig::default()),
            }
        };
        self.configs.insert(dir.to_path_buf(), config.clone());
        config
    }

    /// Where the module `reference` that `caller` calls is in the cache, or why it is not
    /// read, saying what to do: "not in the local Bicep cache (…); run `bicep restore
    /// main.bicep`", "not read: …" (completing "module `br/…` is …"). The message is the same
    /// on every machine and in every folder pgguard runs in (findings' fingerprints include
    /// it): the cache is shown as `~/.bicep` or as `cacheRootDirectory` is written, and the
    /// caller by its file name.
    pub fn resolve(&mut self, caller: &Path, reference: &str) -> RegistryModule {
        let dir = crate::workspace::canonical(caller.parent().unwrap_or(Path::new("")));
        let config = self.config(&dir);
        if let Some(problem) = &config.problem {
            return Err(format!("not read: {problem}"));
        }
        let (root, shown_root) = match &config.cache_root {
            Some(root) => (PathBuf::from(root), root.trim_end_matches(['/', '\\']).to_string()),
            None => match &self.home {
                Some(home) => (home.join(".bicep"), "~/.bicep".to_string()),
                None => {
                    return Err("not read: no home folder ($HOME) holds the local Bicep module cache; set \
                                `cacheRootDirectory` in bicepconfig.json"
                        .to_string());
                }
            },
        };
        let relative = cache_path(reference, &config).map_err(|e| format!("not read: {e}"))?;
        let main = crate::workspace::canonical(&root.join(&relative).join("main.json"));
        if main.is_file() {
            return Ok(main);
        }
        let shown = relative.iter().map(|s| s.to_string_lossy()).collect::<Vec<_>>().join("/");
        let file = caller.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Err(format!("not in the local Bicep cache ({shown_root}/{shown}); run `bicep restore {file}`"))
    }
}

impl Registry {
    /// How a cached module is named in reports when it is in the home folder: `~/.bicep/…`,
    /// the same on every machine (fingerprints and baselines include the path).
    pub fn display(&self, path: &Path) -> Option<String> {
        let rest = path.strip_prefix(self.home.as_ref()?).ok()?;
        Some(format!("~/{}", rest.to_string_lossy().replace('\\', "/")))
    }
}

/// The path of a registry module's `main.json` relative to the cache root.
fn cache_path(reference: &str, config: &BicepConfig) -> Result<PathBuf, String> {
    let (scheme, rest) = reference.split_once([':', '/']).ok_or("it is not a registry reference")?;
    // `br:x` or `br/alias:x`.
    let (alias, rest) = if reference.as_bytes()[scheme.len()] == b'/' {
        let (alias, rest) = rest.split_once(':').ok_or("the alias is not followed by `:`")?;
        (Some(alias), rest)
    } else {
        (None, rest)
    };
    match scheme {
        "br" => {
            let full = match alias {
                Some(alias) => match config.br_alias(alias) {
                    Some((Some(registry), Some(path))) => format!("{registry}/{path}/{rest}"),
                    Some((Some(registry), None)) => format!("{registry}/{rest}"),
                    Some((None, _)) => {
                        return Err(format!("alias `br/{alias}` in {} has no `registry`", config.named()));
                    }
                    None => return Err(format!("{} defines no module alias `br/{alias}`", config.named())),
                },
                None => rest.to_string(),
            };
            oci_path(&full)
        }
        "ts" => {
            let full = match alias {
                Some(alias) => match config.ts.get(alias) {
                    Some((Some(subscription), Some(group))) => format!("{subscription}/{group}/{rest}"),
                    Some(_) => {
                        return Err(format!(
                            "alias `ts/{alias}` in {} lacks `subscription` or `resourceGroup`",
                            config.named()
                        ));
                    }
                    None => return Err(format!("{} defines no module alias `ts/{alias}`", config.named())),
                },
                None => rest.to_string(),
            };
            template_spec_path(&full)
        }
        other => Err(format!("`{other}` is not a registry scheme pgguard knows (`br`, `ts`)")),
    }
}

/// `<registry>/<repository>:<tag>` or `<registry>/<repository>@<digest>`.
fn oci_path(full: &str) -> Result<PathBuf, String> {
    let (registry, rest) = full.split_once('/').ok_or_else(|| format!("`{full}` names no repository"))?;
    let (repository, version) = match rest.split_once('@') {
        Some((repository, digest)) => (repository, digest.replace(':', "#")),
        None => match rest.split_once(':') {
            Some((repository, tag)) if !tag.is_empty() && tag.len() <= MAX_TAG_LENGTH => (repository, encode_tag(tag)),
            _ => return Err(format!("`{full}` has no tag (`:<tag>`) or digest (`@<digest>`)")),
        },
    };
    if registry.is_empty() || repository.is_empty() || version.contains(['/', '\\']) || has_dot_segment(repository) {
        return Err(format!("`{full}` is not a module reference Bicep accepts"));
    }
    let registry = registry.replace(':', "$").to_lowercase();
    Ok(["br", &registry, &repository.replace('/', "$"), &version].iter().collect())
}

/// `<subscription>/<resource group>/<name>:<version>`, lower-cased.
fn template_spec_path(full: &str) -> Result<PathBuf, String> {
    let parts: Vec<&str> = full.splitn(3, '/').collect();
    let [subscription, group, named] = parts.as_slice() else {
        return Err(format!("`{full}` is not `<subscription>/<resource group>/<name>:<version>`"));
    };
    let (name, version) = named.split_once(':').ok_or_else(|| format!("`{full}` has no version (`:<version>`)"))?;
    let segments = [*subscription, *group, name, version];
    if segments.iter().any(|s| s.is_empty() || s.contains(['/', '\\']) || *s == "." || *s == "..") {
        return Err(format!("`{full}` is not a template spec reference Bicep accepts"));
    }
    Ok(std::iter::once("ts".to_string()).chain(segments.iter().map(|s| s.to_lowercase())).collect())
}

fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|s| s.is_empty() || s == "." || s == "..")
}

/// The longest OCI tag.
const MAX_TAG_LENGTH: usize = 128;

/// A tag as a folder name on a file system that ignores case: the tag, `$`, then the mask of
/// its upper-case letters in hexadecimal (bit `i` for character `i`), written from the highest
/// 64-bit word down, the first without leading zeros and the rest with 16 digits; no digits
/// when it has no upper-case letter.
fn encode_tag(tag: &str) -> String {
    let mut mask = [0u64; MAX_TAG_LENGTH.div_ceil(64)];
    for (i, c) in tag.chars().enumerate() {
        if c.is_uppercase() {
            mask[i / 64] |= 1 << (i % 64);
        }
    }
    let mut out = format!("{tag}$");
    let mut leading = false;
    for word in mask.iter().rev() {
        if leading {
            out.push_str(&format!("{word:016x}"));
        } else if *word != 0 {
            out.push_str(&format!("{word:x}"));
            leading = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_encode_their_upper_case_letters() {
        assert_eq!(encode_tag("0.7.0"), "0.7.0$");
        assert_eq!(encode_tag("V1"), "V1$1");
        assert_eq!(encode_tag("v1-Beta"), "v1-Beta$8");
        let long = format!("{}A", "a".repeat(64));
        assert_eq!(encode_tag(&long), format!("{long}$10000000000000000"));
    }

    #[test]
    fn references_map_to_cache_folders() {
        let config = BicepConfig::default();
        let path = |r: &str| cache_path(r, &config).map(|p| p.to_string_lossy().replace('\\', "/"));
        assert_eq!(
            path("br/public:avm/res/network/private-endpoint:0.7.0").as_deref(),
            Ok("br/mcr.microsoft.com/bicep$avm$res$network$private-endpoint/0.7.0$")
        );
        assert_eq!(
            path("br:Contoso.azurecr.io:443/mods/pg:V2").as_deref(),
            Ok("br/contoso.azurecr.io$443/mods$pg/V2$1")
        );
        assert_eq!(path("br:contoso.azurecr.io/pg@sha256:abc").as_deref(), Ok("br/contoso.azurecr.io/pg/sha256#abc"));
        assert_eq!(
            path("ts:00000000-0000-0000-0000-000000000000/My-RG/PgSpec:V1").as_deref(),
            Ok("ts/00000000-0000-0000-0000-000000000000/my-rg/pgspec/v1")
        );
        assert!(path("br:contoso.azurecr.io/pg").is_err_and(|e| e.contains("no tag")));
        assert!(path("br/nope:pg:1").is_err_and(|e| e.contains("no module alias `br/nope`")));
        assert!(path("br:contoso.azurecr.io/../x:1").is_err());
    }
}
