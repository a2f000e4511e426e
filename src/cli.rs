//! The command line: every command, flag and format, as clap parses them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `--format`'s values are defined beside the printers that honour them.
pub use crate::render::Format;

/// Keeps JSON source-of-truth files honest: canonical hashes, structural diffs and a commit
/// gate over what git is about to commit.
#[derive(Debug, Parser)]
#[command(name = "git-audit", version, about, long_about = None)]
#[command(propagate_version = true)]
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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check governed artifacts against the rules and integrity locks (the commit gate).
    Check(CheckArgs),
    /// Print the raw and canonical hashes of governed artifacts.
    Hash(HashArgs),
    /// Show what changed structurally in governed artifacts between two snapshots.
    Diff(DiffArgs),
    /// Write integrity locks: embedded lock blocks, audit.lock, or a named snapshot.
    Lock(LockArgs),
    /// Report every artifact that drifted from its lock or a named snapshot (never blocks).
    Verify(VerifyArgs),
    /// Install git-audit's git hooks, keeping (and still running) any hook already there.
    Install(InstallArgs),
    /// Remove git-audit's hooks and restore what was there before.
    Uninstall(UninstallArgs),
    /// The evolution changelog: record an entry, verify history, rebuild it.
    #[command(subcommand)]
    Changelog(ChangelogCommand),
    /// Release notes for a range of commits: breaking, added, changed, metadata.
    ReleaseNotes(ReleaseNotesArgs),
    /// The impact level and score of every structural change, per commit and for a range.
    Impact(ImpactArgs),
    /// Write a commented audit.toml for this repository (`--adopt`: and adopt git-audit here).
    Init(InitArgs),
    /// Run the whole story on a built-in example in a scratch repository.
    Demo(DemoArgs),
    /// List every rule with its default severity.
    Rules,
    /// The reference docs/ is rendered from, generated from the code: every rule, command and
    /// audit.toml key (`--format json` is the data, human and markdown the tables).
    Reference,
    /// Explain one rule: what it finds, why, and an example that triggers it.
    Explain(ExplainArgs),
    /// Record today's findings (of every governed artifact in the index) so only new ones block.
    Baseline(BaselineArgs),
    /// The pull-request gate: finds base and head on GitHub Actions or GitLab CI, then checks
    /// every commit in between and their changelog entries.
    Ci(CiArgs),
    /// BDD alignment: which registry domains have specs (features, business-BDD JSON, beat
    /// acceptance criteria), coverage against `[bdd] target`, and broken links.
    Bdd(BddArgs),
    /// The handler test flow: each beat's handler, its definition, its declared test, and
    /// (given CI reports) its coverage and test results.
    Handlers(HandlersArgs),
    /// Timing baselines from real runs: ingest measurements, write the baseline, check a run.
    #[command(subcommand)]
    Timing(TimingCommand),
    /// Docs rendered from JSON with provenance banners: render them, report whether they are fresh.
    #[command(subcommand)]
    Docs(DocsCommand),
    /// The registry generated from its sources (`[generate]` in audit.toml).
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Every audit of a revision or range in one report (changes, changelog, integrity,
    /// compliance, provenance, BDD, handlers, timing, impact) and the readiness checklist.
    Dashboard(DashboardArgs),
    /// Print the manual page, or install every page where `man` (and `git audit --help`) finds it.
    Man(ManArgs),
    /// Print the shell completion script for bash, zsh, fish, elvish or powershell.
    Completions(CompletionsArgs),
    /// Entry point of the installed hook shims (`hooks/pre-commit`, `hooks/pre-push`).
    #[command(hide = true)]
    Hook(HookArgs),
}

#[derive(Debug, Subcommand)]
pub enum TimingCommand {
    /// Read measurements (OTLP traces, JSON Lines, conductor logs, log-analysis reports), map
    /// them to registry domains and keep them for `timing baseline`.
    Ingest(TimingIngestArgs),
    /// Write the timing baseline (p50, p95, max per sequence and beat) from what was ingested.
    Baseline(TimingBaselineArgs),
    /// Compare a run's measurements with the committed timing baseline.
    Check(TimingCheckArgs),
}

#[derive(Debug, Args)]
pub struct TimingIngestArgs {
    /// Measurement files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Their format (detected from the content when not given).
    #[arg(long, value_name = "FORMAT", value_parser = ["otlp", "jsonl", "conductor", "log-analysis"])]
    pub input: Option<String>,
    /// Forget what was ingested before.
    #[arg(long)]
    pub reset: bool,
}

#[derive(Debug, Args)]
pub struct TimingBaselineArgs {
    /// Write the baseline file (`[timing] baseline`) instead of printing it.
    #[arg(long)]
    pub write: bool,
    /// Write it and stage it.
    #[arg(long)]
    pub stage: bool,
}

#[derive(Debug, Args)]
pub struct TimingCheckArgs {
    /// Measurement files of the run to compare.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Their format (detected from the content when not given).
    #[arg(long, value_name = "FORMAT", value_parser = ["otlp", "jsonl", "conductor", "log-analysis"])]
    pub input: Option<String>,
    #[command(flatten)]
    pub source: SnapshotArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check the index being committed against HEAD (the default).
    #[arg(long, group = "mode")]
    pub staged: bool,
    /// Check every governed artifact, not only the changed ones.
    #[arg(long)]
    pub all: bool,
    /// Check one revision against its first parent.
    #[arg(long, value_name = "REV", group = "mode")]
    pub rev: Option<String>,
    /// Check every commit in A..B, each against its first parent (the pull-request gate).
    #[arg(long, value_name = "A..B", group = "mode")]
    pub range: Option<String>,
    /// Check the files on disk against HEAD.
    #[arg(long, group = "mode")]
    pub worktree: bool,
    /// CI reports for the measured handler rules (`handler-coverage`, `tests-failing`).
    #[command(flatten)]
    pub reports: ReportArgs,
    /// List the findings a waiver or the baseline suppresses (by default only their count).
    #[arg(long)]
    pub show_suppressed: bool,
}

#[derive(Debug, Subcommand)]
pub enum DocsCommand {
    /// Render the `[[docs.render]]` docs from their templates and the staged JSON sources.
    Render(DocsRenderArgs),
    /// Every governed doc's state: fresh, stale (a source changed), edited (by hand) or unknown.
    Status(DocsStatusArgs),
}

#[derive(Debug, Args)]
pub struct DocsRenderArgs {
    /// Docs to render (relative to the current directory). Default: every `[[docs.render]]` doc.
    pub paths: Vec<String>,
    /// Write nothing; exit 1 when a staged doc is not what rendering gives.
    #[arg(long, conflicts_with_all = ["stage", "force"])]
    pub check: bool,
    /// Also stage what was written.
    #[arg(long)]
    pub stage: bool,
    /// Overwrite a doc that was edited by hand or not written by `docs render`.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DocsStatusArgs {
    /// Read the index (the default).
    #[arg(long, group = "mode")]
    pub staged: bool,
    /// Read a revision.
    #[arg(long, value_name = "REV", group = "mode")]
    pub rev: Option<String>,
    /// The docs a range of commits touched (the doc or a source changed), as they are at B.
    #[arg(long, value_name = "A..B", group = "mode")]
    pub range: Option<String>,
    /// Also every Markdown file of the snapshot that carries a provenance banner.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Subcommand)]
pub enum ChangelogCommand {
    /// Stage the entry for what is staged (what the pre-commit hook does).
    Record(RecordArgs),
    /// Check that every structural change in a range has exactly one entry, in its own commit.
    Verify(ChangelogVerifyArgs),
    /// Write the changelog the repository would have had, from its history.
    Rebuild(RebuildArgs),
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Record for an amend: against HEAD's parent, replacing the entry HEAD added.
    #[arg(long)]
    pub amend: bool,
    /// Record without running the check first (by default the entry is written only when the
    /// staged change passes, as in the hook).
    #[arg(long)]
    pub no_check: bool,
}

#[derive(Debug, Args)]
pub struct ChangelogVerifyArgs {
    /// The commits to verify (default: those after the changelog's start, else all of HEAD's history).
    #[arg(long, value_name = "A..B")]
    pub range: Option<String>,
}

#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// Only commits after REV (for adopting git-audit on an existing repository).
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Print the changelog instead of writing it.
    #[arg(long)]
    pub stdout: bool,
    /// Overwrite a changelog that has uncommitted changes.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ReleaseNotesArgs {
    /// The range: A..B.
    pub range: String,
}

#[derive(Debug, Args)]
pub struct ImpactArgs {
    /// `REV` (that commit against its parent) or `A..B` (every commit in it, and the range's
    /// net change). Default: the index against HEAD.
    #[arg(conflicts_with = "since")]
    pub range: Option<String>,
    /// Every commit since REV (REV..HEAD), as a trend over history.
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, as `git audit rules` lists it.
    pub rule: String,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Print the baseline instead of writing it.
    #[arg(long)]
    pub stdout: bool,
}

#[derive(Debug, Args)]
pub struct CiArgs {
    /// The base revision, when the CI environment does not name one.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The head revision (default: what the CI environment names, else HEAD).
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// CI reports for the measured handler rules, applied to the head commit.
    #[command(flatten)]
    pub reports: ReportArgs,
}

#[derive(Debug, Args)]
pub struct LockArgs {
    /// Artifacts to lock (relative to the current directory). Default: every governed artifact.
    pub paths: Vec<String>,
    /// Also stage what was written.
    #[arg(long)]
    pub stage: bool,
    /// Record the staged canonical hashes as the named snapshot in audit.lock instead.
    #[arg(long, value_name = "NAME")]
    pub snapshot: Option<String>,
    /// Replace a named snapshot that already exists.
    #[arg(long, requires = "snapshot")]
    pub force: bool,
    /// Also list the artifacts that were already locked (by default only their count).
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Compare with this named snapshot instead of the locks.
    #[arg(long, value_name = "NAME")]
    pub snapshot: Option<String>,
    #[command(flatten)]
    pub source: SnapshotArgs,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Hooks to install (default: pre-commit, pre-merge-commit and pre-push).
    #[arg(long = "hook", value_name = "NAME")]
    pub hooks: Vec<String>,
    /// Install even where a global core.hooksPath would make the hooks apply to every repository.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Hooks to remove (default: every hook git-audit installed).
    #[arg(long = "hook", value_name = "NAME")]
    pub hooks: Vec<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing audit.toml.
    #[arg(long)]
    pub force: bool,
    /// Print the configuration instead of writing it.
    #[arg(long)]
    pub stdout: bool,
    /// Adopt git-audit here in one step: write audit.toml (or keep the one there), stage it,
    /// record the changelog's start and a baseline of today's findings, install the hooks; then
    /// one `git commit` remains.
    #[arg(long, conflicts_with = "stdout")]
    pub adopt: bool,
    /// With --adopt: also lock every governed artifact as it is now (`git audit lock --stage`).
    #[arg(long, requires = "adopt")]
    pub lock: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to create the scratch repository (default: a new temporary directory, removed afterwards).
    #[arg(value_name = "DIR")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    /// The hook git is running: pre-commit or pre-push.
    pub name: String,
    /// The arguments git passed to the hook.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
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

#[derive(Debug, Args)]
pub struct BddArgs {
    #[command(subcommand)]
    pub command: Option<BddCommand>,
    #[command(flatten)]
    pub snapshot: SnapshotArgs,
}

#[derive(Debug, Subcommand)]
pub enum BddCommand {
    /// Generate a stub feature from a domain's sequence (never over a feature that is not a stub).
    Stub(BddStubArgs),
}

#[derive(Debug, Args)]
pub struct BddStubArgs {
    /// Domain ids (default: every governed domain that is not covered).
    #[arg(value_name = "DOMAIN")]
    pub domains: Vec<String>,
    /// Write the stubs into the work tree instead of printing them.
    #[arg(long)]
    pub write: bool,
    /// Also stage what was written.
    #[arg(long, requires = "write")]
    pub stage: bool,
    #[command(flatten)]
    pub snapshot: SnapshotArgs,
}

/// CI reports read from files (never from the snapshot): coverage and test results.
#[derive(Debug, Args, Clone, Default)]
pub struct ReportArgs {
    /// LCOV tracefiles (jest, vitest, c8, node --test, cargo-llvm-cov); may be repeated.
    #[arg(long, value_name = "FILE", num_args = 1.., action = clap::ArgAction::Append)]
    pub lcov: Vec<PathBuf>,
    /// Cobertura XML coverage reports (pytest-cov, c8, cargo-llvm-cov); may be repeated.
    #[arg(long, value_name = "FILE", num_args = 1.., action = clap::ArgAction::Append)]
    pub cobertura: Vec<PathBuf>,
    /// JUnit XML test reports (jest-junit, vitest, pytest, node --test); may be repeated.
    #[arg(long, value_name = "FILE", num_args = 1.., action = clap::ArgAction::Append)]
    pub junit: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HandlersArgs {
    #[command(subcommand)]
    pub action: Option<HandlersAction>,
    #[command(flatten)]
    pub reports: ReportArgs,
    #[command(flatten)]
    pub snapshot: SnapshotArgs,
}

#[derive(Debug, Subcommand)]
pub enum HandlersAction {
    /// A test stub per handler without a test, from the repository's template (never overwrites).
    Scaffold(ScaffoldArgs),
}

#[derive(Debug, Args)]
pub struct ScaffoldArgs {
    /// Only beats that declare no testFile (not those whose testFile does not resolve).
    #[arg(long)]
    pub missing: bool,
    /// Write the stubs into the work tree (default: list them).
    #[arg(long)]
    pub write: bool,
    #[command(flatten)]
    pub snapshot: SnapshotArgs,
}

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Generate the registry from the snapshot's sources: write it (default), `--stage` it,
    /// print it (`--stdout`) or `--check` the committed one against it.
    Generate(RegistryGenerateArgs),
}

#[derive(Debug, Args)]
pub struct RegistryGenerateArgs {
    /// Exit 1 when the registry differs canonically from what its sources generate, and show
    /// the structural diff (human, json, markdown).
    #[arg(long, conflicts_with_all = ["stage", "stdout"])]
    pub check: bool,
    /// Write the registry atomically and stage it.
    #[arg(long, conflicts_with = "stdout")]
    pub stage: bool,
    /// Print the generated registry instead of writing it.
    #[arg(long)]
    pub stdout: bool,
    /// Read the sources and the registry from the index (the default).
    #[arg(long, group = "snapshot")]
    pub staged: bool,
    /// Read them from a revision.
    #[arg(long, value_name = "REV", group = "snapshot")]
    pub rev: Option<String>,
    /// Read them from the files on disk.
    #[arg(long, group = "snapshot")]
    pub worktree: bool,
}

#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// `REV` (that commit against its parent) or `A..B` (every commit in it). Default: HEAD.
    #[arg(value_name = "REV | A..B")]
    pub range: Option<String>,
    /// CI reports for the handler section: coverage (`--lcov`, `--cobertura`), tests (`--junit`).
    #[command(flatten)]
    pub reports: ReportArgs,
    /// Timing measurements of a run (formats detected), compared with the committed baseline.
    #[arg(long, value_name = "FILE", num_args = 1.., action = clap::ArgAction::Append)]
    pub timings: Vec<PathBuf>,
    /// Write the dashboard to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when the readiness score is below PCT percent (default: always exit 0).
    #[arg(long, value_name = "PCT")]
    pub fail_under: Option<f64>,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write every page (git-audit.1 and one per command) into DIR/man1 instead of printing
    /// the main page. DIR: `--dir`, else $XDG_DATA_HOME/man, else ~/.local/share/man.
    #[arg(long)]
    pub install: bool,
    /// Where `--install` writes (the pages go into DIR/man1).
    #[arg(long = "dir", value_name = "DIR", requires = "install")]
    pub man_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
