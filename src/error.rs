//! The typed errors for "could not run" (exit 2). Findings are never errors; see `finding`.

use std::path::PathBuf;

use crate::core::config::ConfigError;
use crate::core::gate::Stop;

/// Why git-audit could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not inside a git repository")]
    NotARepository {
        #[source]
        source: git2::Error,
    },
    #[error("{} is a bare repository; git-audit reads a work tree's index", .0.display())]
    Bare(PathBuf),
    #[error("{context}")]
    Git {
        context: String,
        #[source]
        source: git2::Error,
    },
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid configuration")]
    Config(#[from] ConfigError),
    #[error("invalid lockfile")]
    Lockfile(#[source] ConfigError),
    #[error("invalid waivers or baseline file")]
    Waivers(#[source] ConfigError),
    #[error("{path}:{line}:{column}: {message}")]
    Document {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{message}")]
    Refused { message: String, hint: String },
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn git(context: impl Into<String>, source: git2::Error) -> Error {
        Error::Git {
            context: context.into(),
            source,
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn refused(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Refused {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// What the user can do about it, printed after the cause chain.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::NotARepository { .. } => Some(
                "run git-audit inside a git work tree, or point it at one with -C DIR".into(),
            ),
            Error::Bare(_) => Some(
                "a bare repository has no index to check; install the hook in a clone with a work tree, or use `git audit check --range` in CI"
                    .into(),
            ),
            Error::Config(_) => Some(
                "fix audit.toml (see git-audit's docs/config.md); git-audit never falls back to defaults when a configuration is invalid"
                    .into(),
            ),
            Error::Lockfile(_) => Some(
                "audit.lock is written by `git audit lock`: restore it (`git checkout HEAD -- audit.lock`) or regenerate it with `git audit lock`"
                    .into(),
            ),
            Error::Waivers(_) => Some(
                "fix the file (see git-audit's docs/rules.md: waivers and the baseline); a check never runs with a waiver it cannot read"
                    .into(),
            ),
            Error::Document { .. } => {
                Some("fix the file, stage it with `git add`, and run again".into())
            }
            Error::Refused { hint, .. } => Some(hint.clone()),
            _ => None,
        }
    }
}

/// A check that cannot run stops with the error (and hint) of its cause.
impl From<Stop> for Error {
    fn from(stop: Stop) -> Error {
        match stop {
            Stop::Schema { message, hint } => Error::refused(message, hint),
            Stop::Document {
                path,
                line,
                column,
                message,
            } => Error::Document {
                path,
                line,
                column,
                message,
            },
            Stop::Suppressions(e) => Error::Waivers(e),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
