//! git-audit: canonical hashes, structural diffs and a commit gate for JSON source-of-truth files.
//!
//! The library holds everything; the `git-audit` binary parses arguments, calls [`run`],
//! prints the error chain and exits. Pure logic (`json`, `diff`, `classify`, `config`,
//! `artifact`, `render`) never touches git or the file system; `git` owns libgit2.

pub mod artifact;
pub mod changelog;
pub mod check;
pub mod classify;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diff;
pub mod error;
pub mod fault;
pub mod finding;
pub mod fsutil;
pub mod git;
pub mod governance;
pub mod hooks;
pub mod json;
pub mod lock;
pub mod lockfile;
pub mod process;
pub mod release;
pub mod render;
pub mod report;
pub mod rules;
pub mod suppress;

use std::io::Write;
use std::path::PathBuf;

pub use error::{Error, Result};

use cli::{Cli, Command, Format};
use render::Paint;

/// Stack size of the thread `main` runs git-audit on: deep documents recurse in the parser,
/// the canonical writer and the diff, up to `json::parse::DEPTH_CEILING` levels.
pub const STACK_SIZE: usize = 64 * 1024 * 1024;

/// Exit status: no error-level finding.
pub const EXIT_OK: u8 = 0;
/// Exit status: the command ran and found problems.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: the command could not run.
pub const EXIT_ERROR: u8 = 2;

/// What a command needs from the outside world: output streams and global options.
pub struct Env<'w> {
    pub out: &'w mut dyn Write,
    pub err: &'w mut dyn Write,
    pub format: Format,
    pub paint: Paint,
    pub paint_err: Paint,
    pub config: Option<PathBuf>,
}

impl Env<'_> {
    /// Refuses a `--format` the command does not write.
    pub fn formats(&self, command: &str, allowed: &[Format]) -> Result<()> {
        if allowed.contains(&self.format) {
            return Ok(());
        }
        let names: Vec<&str> = allowed.iter().map(|f| f.name()).collect();
        Err(Error::Usage(format!(
            "`{command}` writes {} output, not {}",
            names.join(" or "),
            self.format.name()
        )))
    }
}

/// Runs one parsed command line; returns the exit status for a command that ran.
pub fn run(cli: Cli) -> Result<u8> {
    for dir in &cli.dir {
        std::env::set_current_dir(dir)
            .map_err(|e| Error::io(format!("cannot change to directory {}", dir.display()), e))?;
    }
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    let paint = Paint::for_stdout(cli.color);
    let mut env = Env {
        out: &mut out,
        err: &mut err,
        format: cli.format,
        paint,
        paint_err: Paint::for_stderr(cli.color),
        config: cli.config.clone(),
    };
    let code = match &cli.command {
        Command::Hash(args) => commands::hash::run(&mut env, args)?,
        Command::Diff(args) => commands::diff::run(&mut env, args)?,
        Command::Check(args) => commands::check::run(&mut env, args)?,
        Command::Lock(args) => commands::lock::run(&mut env, args)?,
        Command::Verify(args) => commands::lock::verify(&mut env, args)?,
        Command::Install(args) => commands::install::install(&mut env, args)?,
        Command::Uninstall(args) => commands::install::uninstall(&mut env, args)?,
        Command::Init(args) => commands::init::run(&mut env, args)?,
        Command::Changelog(cmd) => commands::changelog::run(&mut env, cmd)?,
        Command::Rules => commands::rules::list(&mut env)?,
        Command::Explain(args) => commands::rules::explain(&mut env, args)?,
        Command::Baseline(args) => commands::rules::baseline(&mut env, args)?,
        Command::Ci(args) => commands::ci::run(&mut env, args)?,
        Command::ReleaseNotes(args) => commands::release::run(&mut env, args)?,
        Command::Demo(args) => commands::demo::run(&mut env, args)?,
        Command::Hook(args) => commands::install::hook(&mut env, args)?,
    };
    env.out.flush().map_err(render::write_error)?;
    Ok(code)
}
