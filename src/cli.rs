//! The command line: every command, flag and format, as clap parses them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Keeps JSON source-of-truth files honest: canonical hashes, structural diffs and a commit
/// gate over what git is about to commit.
#[derive(Debug, Parser)]
#[command(name = "git-audit", version, about, long_about = None)]
#[command(propagate_version = true, disable_help_subcommand = true)]
pub struct Cli {
    /// Run as if started in DIR (like `git -C`); may be repeated, each relative to the last.
    #[arg(short = 'C', value_name = "DIR", global = true, action = clap::ArgAction::Append)]
    pub dir: Vec<PathBuf>,

    /// Use this configuration file instead of the snapshot's own audit.toml.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// When to colour human output. NO_COLOR in the environment means never under `auto`.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    pub format: Format,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compact, coloured text for people.
    Human,
    /// Versioned JSON for programs.
    Json,
    /// A Markdown summary a pull-request comment can carry.
    Markdown,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Markdown => "markdown",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the raw and canonical hashes of governed artifacts.
    Hash(HashArgs),
    /// Show what changed structurally in governed artifacts between two snapshots.
    Diff(DiffArgs),
}

/// Which snapshot to read.
#[derive(Debug, Args, Clone, Default)]
#[group(multiple = false)]
pub struct SnapshotArgs {
    /// Read the index being committed (the default).
    #[arg(long)]
    pub staged: bool,
    /// Read a revision: a commit, branch or tag.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Read the files on disk.
    #[arg(long)]
    pub worktree: bool,
}

#[derive(Debug, Args)]
pub struct HashArgs {
    /// Files or directories to hash (relative to the current directory). Default: every
    /// governed artifact. A named file that no artifact table governs is hashed as plain JSON.
    pub paths: Vec<String>,
    #[command(flatten)]
    pub snapshot: SnapshotArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// `REV` (REV → index), `A..B` (A → B) or `A...B` (merge base of A and B → B).
    /// Default: HEAD → index.
    pub range: Option<String>,
    /// Compare against the index (the default; accepted for git muscle memory).
    #[arg(long, conflicts_with = "worktree")]
    pub staged: bool,
    /// Compare against the files on disk instead of the index.
    #[arg(long)]
    pub worktree: bool,
}
