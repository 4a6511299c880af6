//! The `pgguard` command: parse arguments, call the library, map the result to an exit code
//! (0 clean, 1 findings at or above the threshold or a file that failed to parse, 2 the tool
//! itself could not work).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};
use pgguard::report::{self, Format, RenderOptions};
use pgguard::rules::{Severity, Verdict};
use pgguard::scan::{ScanOptions, ToolError, scan};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pgguard",
    version,
    about = "Static security analysis of Azure Database for PostgreSQL in Bicep and ARM templates"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files and directories of Bicep (.bicep, .bicepparam) and ARM JSON templates.
    Scan(ScanArgs),
    /// Print the syntax tree of one file (a debugging aid).
    Parse { file: PathBuf },
    /// Print the evaluated resources of every template under the paths (a debugging aid).
    Model {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Files and directories to scan (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit with 1 when a failing finding has at least this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Low)]
    fail_on: FailOn,
    /// A directory of rule files (TOML) to run besides the built-in rules.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Print only findings, errors and the summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Worker threads (default: one per core).
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
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim().to_string(), value.to_string())),
        _ => Err(format!("expected NAME=VALUE, not `{text}`")),
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Never,
    Low,
    Medium,
    High,
    Critical,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Never => None,
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Parse { file } => run_parse(&file),
        Command::Model { paths } => pgguard::scan::evaluate_model(&paths).map(|text| {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(2)
        }
    }
}

fn run_scan(args: ScanArgs) -> Result<ExitCode, ToolError> {
    let mut rules = pgguard::rules::builtin()?;
    if let Some(dir) = &args.rules {
        rules.extend(pgguard::rules::from_dir(dir)?);
        pgguard::rules::check_unique(&rules)?;
    }
    let units = pgguard::scan::UnitOptions {
        params: args.params.clone(),
        param_files: args.param_files.clone(),
        all_roots: args.all_roots,
        include_compiled: args.include_compiled,
    };
    let report = scan(&args.paths, ScanOptions { rules, threads: args.threads, units })?;
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let options =
        RenderOptions { color: to_terminal && std::env::var_os("NO_COLOR").is_none(), width: 100, quiet: args.quiet };
    let text = report::render(&report, format, &options);
    match &args.output {
        Some(path) => std::fs::write(path, &text)
            .map_err(|e| ToolError::Output { path: path.display().to_string(), message: e.to_string() })?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`pgguard … | head`) is not a failure of the scan.
            let _ = out.write_all(text.as_bytes());
        }
    }
    let failing = args.fail_on.threshold().is_some_and(|threshold| {
        report.findings.iter().any(|f| f.verdict == Verdict::Fail && report.rules[f.rule].severity >= threshold)
    });
    let broken = !report.errors.is_empty();
    Ok(if failing || broken { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn run_parse(file: &PathBuf) -> Result<ExitCode, ToolError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| ToolError::Read { path: file.display().to_string(), message: e.to_string() })?;
    let mut out = String::new();
    let mut failed = false;
    match pgguard::source::Language::of(file) {
        Some(pgguard::source::Language::Json) => match pgguard::syntax::arm::parse(&text) {
            Ok(doc) => out = format!("{:?}\n{:#?}\n", doc.kind, doc.root),
            Err(e) => {
                failed = true;
                out = format!("error at {:?}: {}\n", e.span, e.message);
            }
        },
        language => {
            let mode = if language == Some(pgguard::source::Language::BicepParams) {
                pgguard::syntax::bicep::Mode::Params
            } else {
                pgguard::syntax::bicep::Mode::Template
            };
            let parsed = pgguard::syntax::bicep::parse(&text, mode);
            out.push_str(&format!("{:#?}\n", parsed.program));
            for e in &parsed.errors {
                failed = true;
                out.push_str(&format!("error at {:?}: {}\n", e.span, e.message));
            }
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
