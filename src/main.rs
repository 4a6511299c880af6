//! The `pgguard` command: parse arguments, merge them with the configuration file, call the
//! library, write the report and map the result to an exit code (see `EXIT_CODES`).

#![forbid(unsafe_code)]

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};
use pgguard::config::{self, Config, Excludes, FailOn, UnknownPolicy};
use pgguard::report::{self, Format, Provenance, RenderOptions};
use pgguard::rules::Verdict;
use pgguard::scan::{ScanOptions, ToolError, scan};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXIT_CODES: &str = "\
Exit codes:
  0  the scan ran and found nothing at or above --fail-on (always 0 with --fail-on never)
  1  a failing finding at or above --fail-on (unknown findings too with --unknown fail), or an
     input error: a path that does not exist, a file that cannot be read or parsed
  2  pgguard itself could not work: bad arguments, a bad configuration or rule file, an
     output file that cannot be written";

#[derive(Parser)]
#[command(
    name = "pgguard",
    version,
    about = "Static security analysis of Azure Database for PostgreSQL in Bicep and ARM templates",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files and directories of Bicep (.bicep, .bicepparam) and ARM JSON templates.
    #[command(after_help = EXIT_CODES)]
    Scan(Box<ScanArgs>),
    /// Write a commented starting configuration, pgguard.toml, in the current folder.
    Init {
        /// Replace an existing pgguard.toml.
        #[arg(long)]
        force: bool,
    },
    /// Print the syntax tree of one file, and its syntax errors at line:column (a debugging aid).
    Parse { file: PathBuf },
    /// Print the evaluated resources of every template under the paths (a debugging aid).
    Model {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// List the rules: id, slug, severity, resource types, title.
    Rules {
        /// `json` adds each rule's options, Azure Policy ids, CIS controls and peer checks.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        /// A rule file (TOML), or a folder of them, to list besides the built-in rules.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Print a rule's documentation: what it checks, why, examples, the fix, references.
    Explain {
        /// The rule's id or slug (`PG201`, `public-network-access`).
        rule: String,
        /// A rule file (TOML), or a folder of them, to look in besides the built-in rules.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Files and directories to scan (directories are walked, honouring .gitignore); `-` reads
    /// one template from standard input (name it with --stdin-filename).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Write the report to this file instead of standard output (its folder is created).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit with 1 when a failing finding has at least this severity [config: fail-on; default: low].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// How unknown findings count: report (never fail), fail, or ignore [config: unknown].
    #[arg(long, value_enum)]
    unknown: Option<UnknownPolicy>,
    /// Rules to run, by id or slug, comma-separated (replaces the config's `select`).
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Rules not to run, by id or slug, comma-separated (added to the config's `ignore`).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Leave out paths matching this glob (relative to the current folder; repeatable).
    #[arg(long)]
    exclude: Vec<String>,
    /// A rule file (TOML), or a folder of them, to run besides the built-in rules.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// The configuration file (default: pgguard.toml or .pgguard.toml, found upward from the
    /// first path to the repository root).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Report only findings that this baseline (from --write-baseline) does not record.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Record the findings of this scan as a baseline.
    #[arg(long)]
    write_baseline: Option<PathBuf>,
    /// The folder paths in SARIF, fingerprints and baselines are relative to (default: the
    /// repository root, the nearest folder holding .git).
    #[arg(long)]
    root: Option<PathBuf>,
    /// The paths are changed files (pre-commit): scan the repository, evaluate every template
    /// that uses them, and report only what concerns them.
    #[arg(long)]
    changed: bool,
    /// Leave suppressed findings out of the report. GitHub code scanning opens alerts for SARIF
    /// results even when they carry `suppressions`; see docs/github.md.
    #[arg(long)]
    omit_suppressed: bool,
    /// SARIF `automationDetails.id` category, to tell apart several uploads for one commit.
    #[arg(long)]
    category: Option<String>,
    /// The path a template read from standard input (`-`) stands for.
    #[arg(long)]
    stdin_filename: Option<PathBuf>,
    /// Colour the terminal output; auto honours NO_COLOR and FORCE_COLOR.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Print only findings, errors and warnings, not the summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Worker threads (default: one per core; more than the cores are not used).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// A parameter value, `name=value` (JSON, or else a string); overrides parameter files.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// A parameter file (ARM parameters JSON or .bicepparam) to use instead of those found
    /// beside its template.
    #[arg(long = "params", value_name = "FILE")]
    param_files: Vec<PathBuf>,
    /// Also judge each module file on its own (by default a module is judged through its
    /// callers).
    #[arg(long)]
    all_roots: bool,
    /// Also judge ARM templates compiled from a scanned Bicep file.
    #[arg(long)]
    include_compiled: bool,
    /// Set a rule's option, `RULE.option=value` (`PG402.min-days=14`); overrides the
    /// configuration's `[options.RULE]`. Repeatable.
    #[arg(long = "set", value_name = "RULE.OPTION=VALUE", value_parser = parse_set)]
    set: Vec<(String, String, toml::Value)>,
    /// The date of the scan for date-dependent rules (PG603's end-of-life dates), YYYY-MM-DD;
    /// default: today. Fix it for runs that must give the same result later.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = pgguard::rules::date::Date::parse)]
    today: Option<pgguard::rules::date::Date>,
    /// Only read and parse the files and report syntax errors: no evaluation, no rules (a
    /// baseline for benchmarks, and a quick syntax check).
    #[arg(long)]
    parse_only: bool,
}

/// `PG402.min-days=14`: the rule, the option, and the value (an integer, a boolean, or else a
/// string).
fn parse_set(text: &str) -> Result<(String, String, toml::Value), String> {
    let bad = || format!("expected RULE.OPTION=VALUE such as PG402.min-days=14, not `{text}`");
    let (key, value) = text.split_once('=').ok_or_else(bad)?;
    let (rule, option) = key.trim().split_once('.').ok_or_else(bad)?;
    if rule.is_empty() || option.is_empty() {
        return Err(bad());
    }
    let value = value.trim();
    let value = if let Ok(n) = value.parse::<i64>() {
        toml::Value::Integer(n)
    } else if let Ok(b) = value.parse::<bool>() {
        toml::Value::Boolean(b)
    } else {
        toml::Value::String(value.to_string())
    };
    Ok((rule.to_string(), option.to_string(), value))
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim().to_string(), value.to_string())),
        _ => Err(format!("expected NAME=VALUE, not `{text}`")),
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// Diagnostics with source excerpts.
    Human,
    /// One line per finding: path:line:col: PG201 [high] message.
    Concise,
    Json,
    Sarif,
    /// GitHub Actions annotations (::error file=…).
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => run_scan(*args),
        Command::Init { force } => run_init(force),
        Command::Parse { file } => run_parse(&file),
        Command::Model { paths } => pgguard::scan::evaluate_model(&paths).map(|text| {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }),
        Command::Rules { format, rules } => all_rules(&rules.as_deref().into_iter().collect::<Vec<_>>()).map(|rules| {
            let text = match format {
                ListFormat::Human => pgguard::rules::catalogue::table(&rules),
                ListFormat::Json => pgguard::rules::catalogue::json(&rules),
            };
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }),
        Command::Explain { rule, rules } => {
            all_rules(&rules.as_deref().into_iter().collect::<Vec<_>>()).and_then(|rules| {
                let found = pgguard::config::find_rule(&rules, &rule).ok_or_else(|| {
                    ToolError::Usage(format!("no rule has the id or slug `{rule}`; `pgguard rules` lists them"))
                })?;
                let text = pgguard::rules::docs::render(&rules[found]);
                let _ = std::io::stdout().lock().write_all(text.as_bytes());
                Ok(ExitCode::SUCCESS)
            })
        }
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(2)
        }
    }
}

/// The built-in rules and a user's own (`--rules`), checked for clashes.
fn all_rules(own: &[&Path]) -> Result<Vec<pgguard::rules::Rule>, ToolError> {
    let mut rules = pgguard::rules::builtin()?;
    rules.push(pgguard::suppress::unused_rule());
    for dir in own {
        let own = pgguard::rules::from_path(dir)?;
        for rule in &own {
            for check in &rule.checks {
                let pgguard::rules::Target::Resources(types) = &check.target else { continue };
                for warning in types.iter().filter_map(|t| pgguard::rules::unknown_type_warning(t)) {
                    eprintln!("warning: {}: rule {}: {warning}", rule.source, rule.id);
                }
            }
        }
        rules.extend(own);
    }
    pgguard::rules::check_unique(&rules)?;
    Ok(rules)
}

fn run_scan(mut args: ScanArgs) -> Result<ExitCode, ToolError> {
    let stdin = read_stdin(&mut args)?;
    let config = load_config(&args)?;
    let dirs: Vec<&Path> = [config.rules.as_deref(), args.rules.as_deref()].into_iter().flatten().collect();
    let mut rules = all_rules(&dirs)?;
    config.check_rules(&rules)?;
    config.apply(&mut rules)?;
    // `--set RULE.option=value`, after the configuration's options.
    let mut sets: Vec<(usize, toml::Table)> = Vec::new();
    for (name, option, value) in &args.set {
        let found = config::find_rule(&rules, name)
            .ok_or_else(|| ToolError::Usage(format!("--set {name}.{option}: no rule has the id or slug `{name}`")))?;
        match sets.iter_mut().find(|(i, _)| *i == found) {
            Some((_, table)) => {
                table.insert(option.clone(), value.clone());
            }
            None => sets.push((found, toml::Table::from_iter([(option.clone(), value.clone())]))),
        }
    }
    for (i, table) in sets {
        rules[i] = pgguard::rules::with_options(&rules[i], &table)
            .map_err(|message| ToolError::Usage(format!("--set: {message}")))?;
    }

    let mut exclude = Excludes::new();
    let cwd = std::env::current_dir().unwrap_or_default();
    let bad_glob = |message: String| ToolError::Usage(message);
    exclude.add(&config.base, &config.exclude).map_err(bad_glob)?;
    exclude.add(&cwd, &args.exclude).map_err(bad_glob)?;
    let mut ignore: Vec<String> = config.ignore.iter().map(|n| n.name.clone()).collect();
    ignore.extend(args.ignore.iter().cloned());
    let select =
        args.select.clone().or_else(|| config.select.as_ref().map(|s| s.iter().map(|n| n.name.clone()).collect()));
    let unknown = args.unknown.or(config.unknown).unwrap_or_default();
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::Low);

    // Problems with the outputs are found before a long scan, not after it.
    for path in [&args.output, &args.write_baseline].into_iter().flatten() {
        prepare_output(path)?;
    }
    // An output never replaces an input, nor another output.
    let same =
        |a: &std::path::Path, b: &std::path::Path| pgguard::workspace::canonical(a) == pgguard::workspace::canonical(b);
    if let (Some(out), Some(base)) = (&args.output, &args.write_baseline)
        && same(out, base)
    {
        return Err(ToolError::Usage(format!(
            "the report and the baseline would both be written to {}",
            out.display()
        )));
    }
    for path in [&args.output, &args.write_baseline].into_iter().flatten() {
        if args.paths.iter().any(|input| same(input, path)) {
            return Err(ToolError::Usage(format!("{} is scanned: the report would overwrite it", path.display())));
        }
    }
    let baseline = match &args.baseline {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ToolError::Read { path: path.display().to_string(), message: e.to_string() })?;
            let prints = report::baseline::read(&text)
                .map_err(|message| ToolError::Read { path: path.display().to_string(), message })?;
            Some(prints)
        }
        None => None,
    };

    let root = args.root.clone();
    let (paths, focus) = if args.changed {
        let first = args.paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
        let repository = root.clone().or_else(|| config::repository_root(&first)).unwrap_or_else(|| cwd.clone());
        (vec![repository], args.paths.clone())
    } else {
        (args.paths.clone(), Vec::new())
    };
    let mut units = pgguard::scan::UnitOptions {
        params: args.params.clone(),
        param_files: args.param_files.clone(),
        pairs: Vec::new(),
        all_roots: args.all_roots,
        include_compiled: args.include_compiled,
    };
    // The configuration's `[[params]]`: parameter files for a template, used like `--params`.
    for mapping in &config.params {
        for file in &mapping.files {
            units.param_files.push(file.clone());
            units.pairs.push((file.clone(), mapping.template.clone()));
        }
    }
    let options = ScanOptions {
        units,
        rules,
        threads: args.threads,
        exclude,
        root,
        select,
        ignore,
        unknown,
        focus,
        stdin: stdin.map(|text| (args.paths[0].clone(), text)),
        params: config.params.clone(),
        config: if args.config.is_some() { None } else { Some(config.file.clone()) },
        today: args.today,
        parse_only: args.parse_only,
    };
    let mut report = scan(&paths, options)?;
    if !report.templates.iter().any(|t| *t) {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!("warning: no Bicep or ARM templates found in {}", shown.join(", "));
    }
    if let Some(path) = &args.write_baseline {
        write_atomically(path, &report::baseline::write(&report))?;
    }
    if let Some(prints) = &baseline {
        report::baseline::apply(&mut report, prints);
    }
    if args.omit_suppressed {
        report.suppressed.clear();
    }

    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Concise => Format::Concise,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let options = RenderOptions {
        color: use_color(args.color, to_terminal),
        width: 100,
        quiet: args.quiet,
        category: args.category.clone(),
        provenance: matches!(format, Format::Sarif).then(|| Provenance::detect(&report.root)).flatten(),
    };
    let text = report::render(&report, format, &options);
    match &args.output {
        Some(path) => write_atomically(path, &text)?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`pgguard … | head`) is not a failure of the scan.
            let _ = out.write_all(text.as_bytes());
        }
    }
    let counts = |verdict: Verdict| verdict == Verdict::Fail || unknown == UnknownPolicy::Fail;
    let failing = fail_on.threshold().is_some_and(|threshold| {
        report.findings.iter().any(|f| counts(f.verdict) && report.rules[f.rule].severity >= threshold)
    });
    let broken = fail_on.threshold().is_some() && !report.errors.is_empty();
    Ok(if failing || broken { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `-` among the paths: the template on standard input, under the name --stdin-filename gives.
fn read_stdin(args: &mut ScanArgs) -> Result<Option<String>, ToolError> {
    if !args.paths.iter().any(|p| p.as_os_str() == "-") {
        return Ok(None);
    }
    let Some(name) = args.stdin_filename.clone() else {
        return Err(ToolError::Usage(
            "`-` reads a template from standard input: give its name with --stdin-filename (e.g. main.bicep)".into(),
        ));
    };
    if args.paths.len() > 1 {
        return Err(ToolError::Usage("`-` (standard input) cannot be combined with other paths".into()));
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| ToolError::Read { path: "standard input".into(), message: e.to_string() })?;
    args.paths = vec![name];
    Ok(Some(text))
}

/// `--config`, or the configuration found upward from the scanned paths; several paths must
/// agree on it.
fn load_config(args: &ScanArgs) -> Result<Config, ToolError> {
    if let Some(path) = &args.config {
        return Ok(Config::load(path)?);
    }
    let mut found: Option<PathBuf> = None;
    for path in &args.paths {
        let start = if path.exists() { path.clone() } else { path.parent().map(Path::to_path_buf).unwrap_or_default() };
        let candidate = config::discover(&start);
        match (&found, candidate) {
            // Paths under different configurations: none for the run; each file's nearest
            // decides what of it is reported (`ScanOptions::config`).
            (Some(a), Some(b)) if *a != b => {
                return Ok(Config { base: std::env::current_dir().unwrap_or_default(), ..Config::default() });
            }
            (None, Some(b)) => found = Some(b),
            _ => {}
        }
    }
    match found {
        Some(path) => Ok(Config::load(&path)?),
        None => Ok(Config { base: std::env::current_dir().unwrap_or_default(), ..Config::default() }),
    }
}

/// `always` and `never` as said; `auto` colours a terminal unless NO_COLOR is set (non-empty),
/// and FORCE_COLOR (non-empty) colours even a pipe.
fn use_color(choice: ColorArg, to_terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto if set("NO_COLOR") => false,
        ColorArg::Auto => set("FORCE_COLOR") || to_terminal,
    }
}

/// Creates the folder of an output file, so that a typo fails before the scan.
fn prepare_output(path: &Path) -> Result<(), ToolError> {
    let failed = |e: std::io::Error| ToolError::Output { path: path.display().to_string(), message: e.to_string() };
    if path.is_dir() {
        return Err(ToolError::Output { path: path.display().to_string(), message: "is a folder".into() });
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir).map_err(failed),
        _ => Ok(()),
    }
}

/// Writes through a temporary file in the same folder and renames it, so that a reader (or an
/// interrupted run) never sees half a report.
fn write_atomically(path: &Path, text: &str) -> Result<(), ToolError> {
    let failed = |e: std::io::Error| ToolError::Output { path: path.display().to_string(), message: e.to_string() };
    // Through a symbolic link, the file it points to is the one written.
    let target;
    let path = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let link = std::fs::read_link(path).map_err(failed)?;
            target = path.parent().unwrap_or(Path::new("")).join(link);
            target.as_path()
        }
        _ => path,
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, text).map_err(failed)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        failed(e)
    })
}

fn run_init(force: bool) -> Result<ExitCode, ToolError> {
    let path = PathBuf::from(config::FILE_NAMES[0]);
    if path.exists() && !force {
        return Err(ToolError::Usage(format!("{} exists; pass --force to replace it", path.display())));
    }
    write_atomically(&path, config::STARTER)?;
    eprintln!("wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

fn run_parse(file: &PathBuf) -> Result<ExitCode, ToolError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| ToolError::Read { path: file.display().to_string(), message: e.to_string() })?;
    let source = pgguard::source::SourceFile::new(file.clone(), file.display().to_string(), text);
    let at = |span: pgguard::span::Span| {
        let pos = source.line_col(span.start);
        format!("{}:{}:{}", file.display(), pos.line, pos.column)
    };
    let mut out = String::new();
    let mut failed = false;
    match pgguard::source::Language::of(file) {
        Some(pgguard::source::Language::Json) => match pgguard::syntax::arm::parse(&source.text) {
            Ok(doc) => out = format!("{:?}\n{:#?}\n", doc.kind, doc.root),
            Err(e) => {
                failed = true;
                out = format!("{}: error: {}\n", at(e.span), e.message);
            }
        },
        language => {
            let mode = if language == Some(pgguard::source::Language::BicepParams) {
                pgguard::syntax::bicep::Mode::Params
            } else {
                pgguard::syntax::bicep::Mode::Template
            };
            let parsed = pgguard::syntax::bicep::parse(&source.text, mode);
            out.push_str(&format!("{:#?}\n", parsed.program));
            for e in &parsed.errors {
                failed = true;
                out.push_str(&format!("{}: error: {}\n", at(e.span), e.message));
            }
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
