//! The `git-audit` binary: parse, run, print the error chain, exit.

// The error chain goes to stderr here, the one place the crate prints directly.
#![allow(clippy::print_stderr)]

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the parsed tree of a large registry is millions of small allocations made by two
/// threads at once; mimalloc makes them markedly cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use git_audit::{cli::Cli, ExitStatus};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Deep documents recurse; run on a thread with a stack sized for the depth ceiling.
    let worker = std::thread::Builder::new()
        .stack_size(git_audit::STACK_SIZE)
        .spawn(move || git_audit::run(cli));
    let result = match worker {
        Ok(handle) => match handle.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Err(e) => Err(git_audit::Error::io("cannot start the worker thread", e)),
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(git_audit::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            // Standard error's reader went away (standard output's is handled in `run`, which
            // finishes with the command's own status): stop quietly.
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                // libgit2's own text, without its internal class and code numbers.
                match cause.downcast_ref::<git2::Error>() {
                    Some(git) => eprintln!("  caused by: {}", git.message()),
                    None => eprintln!("  caused by: {cause}"),
                }
                source = cause.source();
            }
            if let Some(hint) = e.hint() {
                eprintln!("  hint: {hint}");
            }
            ExitCode::from(ExitStatus::Error)
        }
    }
}
