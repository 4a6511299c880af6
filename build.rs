//! Embeds every rule file of `rules/` in the binary: adding a rule is adding its file.

use std::fmt::Write;

fn main() {
    println!("cargo::rerun-if-changed=rules");
    let mut names: Vec<String> = std::fs::read_dir("rules")
        .expect("the rules/ folder")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".toml"))
        .collect();
    names.sort();
    let mut out = String::from("&[\n");
    for name in &names {
        let _ =
            writeln!(out, "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/{name}\"))),");
    }
    out.push(']');
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(std::path::Path::new(&dir).join("builtin_rules.rs"), out).expect("write builtin_rules.rs");
}
