//! git-audit: canonical hashes, structural diffs and a commit gate for JSON source-of-truth files.
//!
//! The library holds everything; the `git-audit` binary parses arguments, calls [`run`],
//! prints the error chain and exits. `core` is the pure logic (no git, file system,
//! environment, process or clock); `io` owns git, files, processes and the clock; `render`
//! writes report models in the chosen `--format`; `commands` glues them together.

pub mod cli;
pub mod commands;
pub mod core;
pub mod error;
#[cfg(test)]
mod fuzz;
pub mod io;
pub mod render;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

pub use error::{Error, Result};

use cli::{Cli, Command, Format};
use render::{Paint, ReportKind};

/// Stack size of the thread `main` runs git-audit on: deep documents recurse in the parser,
/// the canonical writer and the diff, up to `json::parse::DEPTH_CEILING` levels.
pub const STACK_SIZE: usize = 64 * 1024 * 1024;

/// How a run ended. The one place that turns it into a process exit code is
/// [`ExitStatus::code`]; ordered from best to worst so the worst of several runs is `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// The command ran and found nothing that blocks (exit 0).
    Ok,
    /// The command ran and found a blocking problem (exit 1).
    Findings,
    /// The command could not run (exit 2); a hook that gets it stops the commit.
    Error,
}

impl ExitStatus {
    /// The process exit code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Ok => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Error => 2,
        }
    }

    /// `Ok` when nothing blocks, `Findings` otherwise.
    pub fn from_ok(ok: bool) -> ExitStatus {
        if ok {
            ExitStatus::Ok
        } else {
            ExitStatus::Findings
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}

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
    /// Refuses a `--format` the command's kind of report is not written in
    /// ([`ReportKind::formats`] is the table).
    pub fn formats(&self, command: &str, kind: ReportKind) -> Result<()> {
        if kind.accepts(self.format) {
            return Ok(());
        }
        let names: Vec<&str> = kind.formats().iter().map(|f| f.name()).collect();
        // A list reads as one: "human, json, sarif, github or junit".
        let list = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.join(""),
        };
        Err(Error::Usage(format!(
            "`{command}` writes {list} output, not {}",
            self.format.name()
        )))
    }
}

/// Standard output that outlives its reader: once a write finds the pipe closed
/// (`git audit changelog verify | head -1`), the rest is discarded, so the command still runs to
/// its end and exits with its own status (1 when it found problems), never a quiet 0.
struct Closable<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Write for Closable<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Colour for one output stream: `--color`, then (for `auto`) NO_COLOR, TERM=dumb and whether
/// the stream is a terminal. The one place colour is decided; renderers only apply it.
fn paint_for(choice: cli::ColorChoice, terminal: bool) -> Paint {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    Paint {
        enabled: color_enabled(choice, terminal, no_color, dumb),
    }
}

/// The colour decision as a pure function of its inputs.
pub fn color_enabled(choice: cli::ColorChoice, terminal: bool, no_color: bool, dumb: bool) -> bool {
    match choice {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => terminal && !no_color && !dumb,
    }
}

/// Runs one parsed command line; returns the exit status for a command that ran.
pub fn run(cli: Cli) -> Result<ExitStatus> {
    for dir in &cli.dir {
        std::env::set_current_dir(dir)
            .map_err(|e| Error::io(format!("cannot change to directory {}", dir.display()), e))?;
    }
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = Closable {
        inner: stdout.lock(),
        closed: false,
    };
    let mut err = stderr.lock();
    let paint = paint_for(cli.color, std::io::stdout().is_terminal());
    let mut env = Env {
        out: &mut out,
        err: &mut err,
        format: cli.format,
        paint,
        paint_err: paint_for(cli.color, std::io::stderr().is_terminal()),
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
        Command::Reference => commands::rules::reference(&mut env)?,
        Command::Explain(args) => commands::rules::explain(&mut env, args)?,
        Command::Baseline(args) => commands::rules::baseline(&mut env, args)?,
        Command::Ci(args) => commands::ci::run(&mut env, args)?,
        Command::ReleaseNotes(args) => commands::release::run(&mut env, args)?,
        Command::Impact(args) => commands::impact::run(&mut env, args)?,
        Command::Demo(args) => commands::demo::run(&mut env, args)?,
        Command::Handlers(args) => commands::handlers::run(&mut env, args)?,
        Command::Timing(cmd) => commands::timing::run(&mut env, cmd)?,
        Command::Registry(cmd) => commands::registry::run(&mut env, cmd)?,
        Command::Hook(args) => commands::install::hook(&mut env, args)?,
        Command::Bdd(args) => commands::bdd::run(&mut env, args)?,
        Command::Docs(cmd) => commands::docs::run(&mut env, cmd)?,
        Command::Dashboard(args) => commands::dashboard::run(&mut env, args)?,
        Command::Man(args) => commands::manual::man(&mut env, args)?,
        Command::Completions(args) => commands::manual::completions(&mut env, args)?,
    };
    env.out.flush().map_err(render::write_error)?;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn color_follows_the_flag_then_no_color_term_and_the_terminal() {
        use cli::ColorChoice::{Always, Auto, Never};
        assert!(color_enabled(Always, false, true, true));
        assert!(!color_enabled(Never, true, false, false));
        assert!(color_enabled(Auto, true, false, false));
        assert!(!color_enabled(Auto, false, false, false));
        assert!(!color_enabled(Auto, true, true, false));
        assert!(!color_enabled(Auto, true, false, true));
    }

    #[test]
    fn exit_codes_are_zero_one_two_and_the_worst_wins() {
        assert_eq!(ExitStatus::Ok.code(), 0);
        assert_eq!(ExitStatus::Findings.code(), 1);
        assert_eq!(ExitStatus::Error.code(), 2);
        assert_eq!(
            ExitStatus::Ok.max(ExitStatus::Findings),
            ExitStatus::Findings
        );
        assert_eq!(
            ExitStatus::Error.max(ExitStatus::Findings),
            ExitStatus::Error
        );
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
