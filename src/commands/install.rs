//! `git audit install` / `uninstall` and the hook entry point the shims call.
//!
//! Install chains, never clobbers: a hook already in place is kept, with its bytes and mode, as
//! `git-audit-chained/<name>` in the hooks directory (a hard link, then git-audit's script is
//! renamed over the old name, so some hook is always in place), and git-audit's script runs it
//! first. Uninstall renames it back over the script. Every decision is taken for all hooks
//! before anything is written (`crate::core::hooks`), so a refusal leaves the hooks directory
//! untouched; scripts are written to a temporary file and linked or renamed into place.

use std::fs;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::cli::{CheckArgs, Format, HookArgs, InstallArgs, UninstallArgs};
use crate::core::hooks::{
    self, Found, Hook, InstallStep, PushCheck, PushInput, Refusal, UninstallStep, CHAINED_DIR,
};
use crate::core::report::{HookDone, InstallReport, JSON_VERSION};
use crate::error::{Error, Result};
use crate::io::git::{Repo, Source};
use crate::io::hookdir::{HooksDir, HooksOrigin};
use crate::render::{self, write_error, ReportKind};
use crate::{Env, ExitStatus};

/// The paths of one hook and what is at them.
struct Site {
    hook: Hook,
    path: PathBuf,
    chained: PathBuf,
    at_hook: Found,
    at_chained: Found,
    shown: String,
    shown_chained: String,
}

impl Site {
    fn observe(repo: &Repo, dir: &Path, hook: Hook) -> Result<Site> {
        let path = dir.join(hook.name());
        let chained = dir.join(CHAINED_DIR).join(hook.name());
        Ok(Site {
            hook,
            at_hook: observe(hook, &path)?,
            at_chained: observe(hook, &chained)?,
            shown: shown(repo, &path),
            shown_chained: shown(repo, &chained),
            path,
            chained,
        })
    }
}

pub fn install(env: &mut Env<'_>, args: &InstallArgs) -> Result<ExitStatus> {
    output_format(env)?;
    hooks::select(&args.hooks).map_err(Error::Usage)?;
    let repo = Repo::open()?;
    refuse_command_line_hooks_path()?;
    install_into(env, &repo, args)
}

/// Installs the selected hooks into `repo` (also used by `demo` on its scratch repository).
pub fn install_into(env: &mut Env<'_>, repo: &Repo, args: &InstallArgs) -> Result<ExitStatus> {
    let format = output_format(env)?;
    let selected = hooks::select(&args.hooks).map_err(Error::Usage)?;
    let dir = repo.hooks_dir()?;
    let mut general_notes = Vec::new();
    if let HooksOrigin::Outside { value, scope } = &dir.origin {
        if !args.force {
            return Err(Error::refused(
                format!(
                    "core.hooksPath is set to {value:?} in your {scope} git configuration: hooks installed in {} would run in every repository that uses it, not only this one",
                    dir.path.display()
                ),
                format!(
                    "to install for this repository only, give it its own hooks folder (git config core.hooksPath {}) and run `git audit install` again; to install into the shared folder anyway, run `git audit install --force`",
                    dir.own.display()
                ),
            ));
        }
        general_notes.push(format!(
            "core.hooksPath comes from your {scope} git configuration: these hooks run in every repository that uses {}",
            dir.path.display()
        ));
    }

    let mut plan = Vec::new();
    let mut refusals = Vec::new();
    for hook in selected {
        let site = Site::observe(repo, &dir.path, hook)?;
        match hooks::plan_install(
            &site.at_hook,
            &site.at_chained,
            &site.shown,
            &site.shown_chained,
        ) {
            Ok(step) => plan.push((site, step)),
            Err(r) => refusals.push(r),
        }
    }
    refuse_all(&refusals, "nothing was installed")?;

    let mut report = InstallReport {
        version: JSON_VERSION,
        hooks_dir: shown(repo, &dir.path),
        notes: Vec::new(),
        hooks: Vec::new(),
    };
    if !dir.path.is_dir() {
        fs::create_dir_all(&dir.path).map_err(|e| {
            Error::io(
                format!("cannot create the hooks folder {}", dir.path.display()),
                e,
            )
        })?;
        general_notes.push(format!("created the hooks folder {}", report.hooks_dir));
    }
    render::install_notes(format, env.out, &general_notes)?;
    report.notes = general_notes;
    for (site, step) in plan {
        let done = carry_out_install(&site, &step)?;
        render::install_step(format, env.out, &done)?;
        report.hooks.push(done);
    }
    render::install_report(format, env.out, &report)?;
    Ok(ExitStatus::Ok)
}

pub fn uninstall(env: &mut Env<'_>, args: &UninstallArgs) -> Result<ExitStatus> {
    let format = output_format(env)?;
    let selected = hooks::select(&args.hooks).map_err(Error::Usage)?;
    let repo = Repo::open()?;
    refuse_command_line_hooks_path()?;
    let dir = repo.hooks_dir()?;
    let mut general_notes = Vec::new();
    if let HooksOrigin::Outside { scope, .. } = &dir.origin {
        general_notes.push(format!(
            "core.hooksPath comes from your {scope} git configuration: this changes the hooks of every repository that uses {}",
            dir.path.display()
        ));
    }

    let mut plan = Vec::new();
    let mut refusals = Vec::new();
    for hook in selected {
        let site = Site::observe(&repo, &dir.path, hook)?;
        match hooks::plan_uninstall(
            &site.at_hook,
            &site.at_chained,
            &site.shown,
            &site.shown_chained,
        ) {
            Ok(step) => plan.push((site, step)),
            Err(r) => refusals.push(r),
        }
    }
    refuse_all(&refusals, "nothing was removed")?;

    render::install_notes(format, env.out, &general_notes)?;
    let mut report = InstallReport {
        version: JSON_VERSION,
        hooks_dir: shown(&repo, &dir.path),
        notes: general_notes,
        hooks: Vec::new(),
    };
    for (site, step) in plan {
        let done = carry_out_uninstall(&dir, &site, &step)?;
        render::install_step(format, env.out, &done)?;
        report.hooks.push(done);
    }
    render::install_report(format, env.out, &report)?;
    Ok(ExitStatus::Ok)
}

fn output_format(env: &Env<'_>) -> Result<Format> {
    env.formats("install", ReportKind::Install)?;
    Ok(env.format)
}

/// `git -c core.hooksPath=…` reaches git-audit only through the environment, which libgit2
/// does not read; a hook installed from it would not be where git looks next time.
fn refuse_command_line_hooks_path() -> Result<()> {
    let parameters = std::env::var("GIT_CONFIG_PARAMETERS").ok();
    let keys: Vec<String> = std::env::var("GIT_CONFIG_COUNT")
        .ok()
        .and_then(|c| c.parse::<u32>().ok())
        .map(|count| {
            (0..count)
                .filter_map(|i| std::env::var(format!("GIT_CONFIG_KEY_{i}")).ok())
                .collect()
        })
        .unwrap_or_default();
    if hooks::hooks_path_on_command_line(parameters.as_deref(), &keys) {
        return Err(Error::refused(
            "core.hooksPath is set on the command line (`git -c` or GIT_CONFIG_COUNT), which lasts for one command only",
            "set it in the repository's configuration (git config core.hooksPath DIR) and run `git audit install` again",
        ));
    }
    Ok(())
}

fn refuse_all(refusals: &[Refusal], outcome: &str) -> Result<()> {
    match hooks::refuse_all(refusals, outcome) {
        None => Ok(()),
        Some(r) => Err(Error::refused(r.message, r.hint)),
    }
}

/// What is at `path`, without following a symbolic link for the kind (git-audit never writes
/// links, so a link is always someone else's).
fn observe(hook: Hook, path: &Path) -> Result<Found> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Absent),
        Err(e) => return Err(Error::io(format!("cannot look at {}", path.display()), e)),
    };
    let file_type = meta.file_type();
    if file_type.is_symlink() {
        let executable = fs::metadata(path).is_ok_and(|m| is_executable(&m));
        let content = fs::read(path).unwrap_or_default();
        let reads_siblings = matches!(
            hooks::classify(hook, &content, executable),
            Found::Foreign {
                reads_siblings: true,
                ..
            }
        );
        return Ok(Found::Foreign {
            executable,
            reads_siblings,
        });
    }
    if !file_type.is_file() {
        return Ok(Found::NotAFile);
    }
    let content =
        fs::read(path).map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    Ok(hooks::classify(hook, &content, is_executable(&meta)))
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.is_file() && meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(meta: &fs::Metadata) -> bool {
    meta.is_file()
}

/// A path for messages: relative to the top of the work tree when inside it.
fn shown(repo: &Repo, path: &Path) -> String {
    let top = repo.workdir();
    let resolved = resolve_existing_prefix(path);
    match resolved.strip_prefix(top) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => path.display().to_string(),
    }
}

/// Canonicalises the longest existing ancestor of `path` and appends the rest, so paths that
/// do not exist yet compare with the canonical work tree.
fn resolve_existing_prefix(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut current = path.to_path_buf();
    loop {
        if let Ok(c) = current.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (
            current.file_name().map(|n| n.to_os_string()),
            current.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                current = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}

fn carry_out_install(site: &Site, step: &InstallStep) -> Result<HookDone> {
    let hook = site.hook.name();
    let mut done = HookDone {
        hook,
        action: "installed",
        path: site.shown.clone(),
        chained: None,
        notes: Vec::new(),
    };
    match step {
        InstallStep::AlreadyInstalled => {
            done.action = "unchanged";
            if site.at_chained != Found::Absent {
                done.chained = Some(site.shown_chained.clone());
            }
        }
        InstallStep::Write => {
            let dir = parent(&site.path)?;
            let temp = TempScript::write(dir, hook, site.hook.script().as_bytes())?;
            temp.place_new(&site.path, &site.shown)?;
        }
        InstallStep::Chain {
            inert,
            reads_siblings,
        } => {
            let dir = parent(&site.path)?;
            let chained_dir = parent(&site.chained)?;
            let temp = TempScript::write(dir, hook, site.hook.script().as_bytes())?;
            let created_dir = !chained_dir.is_dir();
            if created_dir {
                fs::create_dir(chained_dir).map_err(|e| {
                    Error::io(format!("cannot create {}", chained_dir.display()), e)
                })?;
            }
            let remove_created_dir = || {
                if created_dir {
                    let _ = fs::remove_dir(chained_dir);
                }
            };
            // Keep the original under its second name first, so a hook is in place at every
            // moment: a hard link when the file system has them, else a rename.
            let kept = match keep(&site.path, &site.chained) {
                Ok(kept) => kept,
                Err(e) => {
                    remove_created_dir();
                    return Err(Error::io(
                        format!(
                            "cannot keep {} as {}; nothing was changed",
                            site.shown, site.shown_chained
                        ),
                        e,
                    ));
                }
            };
            if let Err(e) = temp.rename_to(&site.path) {
                // Undo: the original is still in place (linked) or goes back (renamed).
                let undone = match kept {
                    Kept::Linked => fs::remove_file(&site.chained),
                    Kept::Renamed => fs::rename(&site.chained, &site.path),
                };
                return Err(match undone {
                    Ok(()) => {
                        remove_created_dir();
                        e
                    }
                    Err(back) => Error::refused(
                        format!(
                            "cannot write {} ({e}), and cannot put the original hook back ({back})",
                            site.shown
                        ),
                        format!(
                            "your hook is safe in {}: move it back with mv {} {}",
                            site.shown_chained, site.shown_chained, site.shown
                        ),
                    ),
                });
            }
            done.action = "chained";
            done.chained = Some(site.shown_chained.clone());
            if *inert {
                done.notes.push(format!(
                    "{} is not executable, so git did not run it, and git-audit's hook does not either (chmod +x {} to run it)",
                    site.shown_chained, site.shown_chained
                ));
            }
            if *reads_siblings {
                done.notes.push(format!(
                    "the kept hook uses files beside itself (through $0), and it now runs from {CHAINED_DIR}/: if it fails there (husky's hooks do), run `git audit uninstall` and call `git-audit hook {hook} \"$@\"` at the end of your hook instead (see docs/hooks.md)",
                ));
            }
            if dir.join(format!("{hook}.legacy")).exists() {
                let chained_dir = site.shown_chained.strip_suffix(hook).unwrap_or(CHAINED_DIR);
                done.notes.push(format!(
                    "{}.legacy (kept by pre-commit or prek) is run by their hook from beside itself, which is now {chained_dir}: move it there too (mv {}.legacy {chained_dir}) or it no longer runs",
                    site.shown, site.shown
                ));
            }
        }
    }
    Ok(done)
}

fn carry_out_uninstall(dir: &HooksDir, site: &Site, step: &UninstallStep) -> Result<HookDone> {
    let mut done = HookDone {
        hook: site.hook.name(),
        action: "removed",
        path: site.shown.clone(),
        chained: None,
        notes: Vec::new(),
    };
    match step {
        UninstallStep::Remove => {
            fs::remove_file(&site.path)
                .map_err(|e| Error::io(format!("cannot delete {}", site.shown), e))?;
        }
        UninstallStep::Restore => {
            fs::rename(&site.chained, &site.path).map_err(|e| {
                Error::io(
                    format!("cannot move {} back to {}", site.shown_chained, site.shown),
                    e,
                )
            })?;
            // Remove the folder once it holds nothing more; keep it otherwise.
            let _ = fs::remove_dir(dir.path.join(CHAINED_DIR));
            done.action = "restored";
            done.chained = Some(site.shown_chained.clone());
        }
        UninstallStep::NotInstalled { foreign } => {
            done.action = "not-installed";
            if *foreign {
                done.notes
                    .push(format!("{} is not git-audit's; left as it is", site.shown));
            }
        }
    }
    Ok(done)
}

fn parent(path: &Path) -> Result<&Path> {
    path.parent()
        .ok_or_else(|| Error::Usage(format!("{} has no parent folder", path.display())))
}

/// How the original hook came to be kept under its chained name.
enum Kept {
    /// A second name for the same file; the first one is then replaced by git-audit's script.
    Linked,
    /// Moved (symbolic links, and file systems without hard links).
    Renamed,
}

/// Gives `from` the second name `to`, never replacing anything already at `to`.
fn keep(from: &Path, to: &Path) -> std::io::Result<Kept> {
    let is_link = fs::symlink_metadata(from)?.file_type().is_symlink();
    if !is_link {
        match fs::hard_link(from, to) {
            Ok(()) => return Ok(Kept::Linked),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
            Err(_) => {} // no hard links here: rename instead
        }
    }
    if fs::symlink_metadata(to).is_ok() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} already exists", to.display()),
        ));
    }
    fs::rename(from, to)?;
    Ok(Kept::Renamed)
}

/// A script written beside its destination, deleted unless renamed into place.
struct TempScript {
    path: PathBuf,
    placed: bool,
}

impl TempScript {
    fn write(dir: &Path, name: &str, content: &[u8]) -> Result<TempScript> {
        let path = dir.join(format!(".{name}.git-audit-{}.tmp", std::process::id()));
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o755);
        }
        let mut file = options
            .open(&path)
            .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
        let temp = TempScript {
            path,
            placed: false,
        };
        let failed = |e| Error::io(format!("cannot write {}", temp.path.display()), e);
        file.write_all(content).map_err(failed)?;
        #[cfg(unix)]
        {
            // The umask may have cleared bits of the creation mode.
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o755))
                .map_err(failed)?;
        }
        file.sync_all().map_err(failed)?;
        Ok(temp)
    }

    /// Puts the script at `to`, which must not exist (a hook that appeared since it was
    /// looked at is never replaced).
    fn place_new(self, to: &Path, shown: &str) -> Result<()> {
        let appeared = || {
            Error::refused(
                format!("{shown} appeared while git-audit was installing; nothing was changed"),
                "run `git audit install` again",
            )
        };
        match fs::hard_link(&self.path, to) {
            // The temporary name goes away when `self` is dropped.
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(appeared()),
            Err(_) if fs::symlink_metadata(to).is_ok() => Err(appeared()),
            Err(_) => self.rename_to(to),
        }
    }

    fn rename_to(mut self, to: &Path) -> Result<()> {
        fs::rename(&self.path, to)
            .map_err(|e| Error::io(format!("cannot write {}", to.display()), e))?;
        self.placed = true;
        Ok(())
    }
}

impl Drop for TempScript {
    fn drop(&mut self) {
        if !self.placed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// `git-audit check ARGS` as its own command line would parse them.
#[derive(Debug, Parser)]
#[command(no_binary_name = true)]
struct CheckLine {
    #[command(flatten)]
    args: CheckArgs,
}

fn check_args(argv: &[String]) -> Result<CheckArgs> {
    CheckLine::try_parse_from(argv)
        .map(|l| l.args)
        .map_err(|e| Error::Usage(format!("internal: cannot build the check arguments: {e}")))
}

/// Runs `git-audit check ARGV` in this process: the one call from the hooks into the gate.
/// Quiet: a hook says nothing when all is well.
pub(super) fn run_check(env: &mut Env<'_>, argv: &[String]) -> Result<ExitStatus> {
    super::check::gate(env, &check_args(argv)?, true)
}

/// `run_check` in an opened repository (whose index it then has read once for what follows).
fn run_check_in(env: &mut Env<'_>, repo: &Repo, argv: &[String]) -> Result<ExitStatus> {
    super::check::gate_in(env, repo, &check_args(argv)?, true)
}

/// `git-audit hook NAME [--dry-run] ARGS…`: what the installed scripts run. `--dry-run`
/// prints the `git-audit check` runs the hook would make, and makes none.
pub fn hook(env: &mut Env<'_>, args: &HookArgs) -> Result<ExitStatus> {
    let hook = Hook::parse(&args.name).ok_or_else(|| Error::Usage(Hook::unknown(&args.name)))?;
    let (dry_run, rest) = match args.args.split_first() {
        Some((first, rest)) if first == "--dry-run" => (true, rest),
        _ => (false, args.args.as_slice()),
    };
    match hook {
        Hook::PreCommit => pre_commit(env, dry_run, false),
        Hook::PreMergeCommit => pre_commit(env, dry_run, true),
        Hook::PrePush => pre_push(env, dry_run, rest),
        Hook::PostCommit => post_commit(env, dry_run),
    }
}

/// The post-commit hook: after `git commit <paths>`, the real index gets the changelog entry
/// the commit recorded. It cannot block anything; a failure is reported and the exit is 0.
fn post_commit(env: &mut Env<'_>, dry_run: bool) -> Result<ExitStatus> {
    if dry_run {
        writeln!(env.out, "git-audit changelog sync").map_err(write_error)?;
        return Ok(ExitStatus::Ok);
    }
    let result = Repo::open().and_then(|repo| {
        let config = super::load_config(&repo, &Source::head(), env.config.as_deref())?;
        super::changelog::post_commit(&repo, &config)
    });
    match result {
        Ok(lines) => {
            for line in lines {
                writeln!(env.err, "{line}").map_err(write_error)?;
            }
        }
        Err(e) => {
            writeln!(
                env.err,
                "git-audit: post-commit could not sync the changelog: {e}"
            )
            .map_err(write_error)?;
        }
    }
    Ok(ExitStatus::Ok)
}

/// The pre-commit hook: the staged check (the index being committed against HEAD), also in
/// the middle of a merge, rebase, cherry-pick or revert: the commit being made must pass
/// whatever made it. When it is blocked then, a note says how to go on or abort. The
/// pre-merge-commit hook is the same check of the merged index, for `git merge`.
fn pre_commit(env: &mut Env<'_>, dry_run: bool, merge: bool) -> Result<ExitStatus> {
    if dry_run {
        writeln!(env.out, "git-audit check").map_err(write_error)?;
        return Ok(ExitStatus::Ok);
    }
    // One repository for the check and the changelog entry: the index is read once for both.
    let repo = Repo::open()?;
    if !merge {
        // The changelog entry is staged from the index the check reads: read it once.
        repo.prepare_to_stage();
    }
    let earlier = super::check::earlier_verdict(&repo, env);
    let code = match earlier {
        // The `git-audit` id (or a `git audit check`) just passed this very index: this step
        // only follows its verdict. A failed verdict is checked again, so the findings are
        // always shown with the refusal (the earlier output may be gone).
        Some(true) => ExitStatus::Ok,
        _ => {
            crate::io::fault::point("hook-check");
            run_check_in(env, &repo, &[])?
        }
    };
    if code == ExitStatus::Ok && !merge {
        // The gate passed: record the structural change in the same commit.
        crate::io::fault::point("hook-before-record");
        let config = super::load_config(&repo, &Source::Index, env.config.as_deref())?;
        // Silent when all is well (the entry is in the commit; `git show` shows it); only what a
        // person must act on is said.
        let said = super::changelog::record(&repo, &config, super::changelog::amending())?;
        for line in said.notes {
            writeln!(env.err, "{line}").map_err(write_error)?;
        }
    }
    if code != ExitStatus::Ok && merge {
        writeln!(env.err, "{}", hooks::merge_commit_note()).map_err(write_error)?;
    } else if code != ExitStatus::Ok {
        if let Some(op) = repo.in_progress() {
            writeln!(env.err, "{}", hooks::in_progress_note(op)).map_err(write_error)?;
        }
    }
    Ok(code)
}

/// The pre-push hook: every pushed ref's new commits, each against its first parent.
fn pre_push(env: &mut Env<'_>, dry_run: bool, args: &[String]) -> Result<ExitStatus> {
    let var = |name: &str| std::env::var(name).ok();
    let input = hooks::push_input(
        var("PRE_COMMIT_FROM_REF").as_deref(),
        var("PRE_COMMIT_TO_REF").as_deref(),
        var("PRE_COMMIT_LOCAL_BRANCH").as_deref(),
        var("PRE_COMMIT").is_some_and(|v| v == "1"),
    );
    let repo = Repo::open()?;
    let checks: Vec<PushCheck> = match input {
        PushInput::Framework { from, to } => {
            let local_ref = var("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|| to.clone());
            vec![repo.range_check(&local_ref, &from, &to)?]
        }
        PushInput::FrameworkNewHistory { local_ref, tip } => {
            vec![repo.new_history_check_of(&local_ref, &tip)?]
        }
        PushInput::Stdin => {
            let mut stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(Error::refused(
                    "the pre-push hook reads the refs being pushed from standard input, as `git push` writes them",
                    "let `git push` run it, or feed it lines of `<local ref> <local sha> <remote ref> <remote sha>`; to check commits by hand use `git audit check --range A..B`",
                ));
            }
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|e| Error::io("cannot read the pre-push input", e))?;
            let updates = hooks::parse_pre_push(&text).map_err(|m| {
                Error::refused(
                    m,
                    "the pre-push hook expects the lines `git push` writes; run it through `git push`",
                )
            })?;
            updates
                .iter()
                .map(|u| repo.push_check(u))
                .collect::<Result<_>>()?
        }
    };
    drop(repo);
    let framework_remote = var("PRE_COMMIT_REMOTE_NAME");
    let remote = args
        .first()
        .map(String::as_str)
        .or(framework_remote.as_deref())
        .unwrap_or("the remote");
    let mut worst = ExitStatus::Ok;
    for check in &checks {
        if dry_run {
            print_plan(env, check)?;
            continue;
        }
        for argv in check.check_args() {
            let result = run_check(env, &argv);
            let what = match &result {
                Ok(ExitStatus::Ok) => None,
                Ok(_) => Some("is blocked"),
                Err(_) => Some("could not be checked"),
            };
            if let Some(what) = what {
                writeln!(
                    env.err,
                    "git-audit: the push of {} to {remote} {what} (git-audit check {})",
                    check.local_ref(),
                    argv.join(" ")
                )
                .map_err(write_error)?;
            }
            worst = worst.max(result?);
        }
    }
    if worst == ExitStatus::Findings {
        writeln!(env.err, "{}", hooks::push_blocked_note()).map_err(write_error)?;
    }
    Ok(worst)
}

fn print_plan(env: &mut Env<'_>, check: &PushCheck) -> Result<()> {
    if let PushCheck::Skip { local_ref, reason } = check {
        return writeln!(env.out, "{local_ref}: nothing to check: {reason}").map_err(write_error);
    }
    for argv in check.check_args() {
        writeln!(
            env.out,
            "{}: git-audit check {}",
            check.local_ref(),
            argv.join(" ")
        )
        .map_err(write_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_arguments_parse_as_the_check_command_does() {
        let args = check_args(&[]).unwrap();
        assert!(args.range.is_none() && args.rev.is_none() && !args.all && !args.worktree);
        let args = check_args(&["--range".into(), "a..b".into()]).unwrap();
        assert_eq!(args.range.as_deref(), Some("a..b"));
        let args = check_args(&["--rev".into(), "abc".into()]).unwrap();
        assert_eq!(args.rev.as_deref(), Some("abc"));
    }

    #[test]
    fn temp_scripts_vanish_unless_placed() {
        let dir = tempfile::tempdir().unwrap();
        let temp = TempScript::write(dir.path(), "pre-commit", b"#!/bin/sh\n").unwrap();
        let path = temp.path.clone();
        assert!(path.exists());
        drop(temp);
        assert!(!path.exists());
        let temp = TempScript::write(dir.path(), "pre-commit", b"#!/bin/sh\n").unwrap();
        let dest = dir.path().join("pre-commit");
        temp.rename_to(&dest).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"#!/bin/sh\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&dest).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o755);
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn nothing_already_there_is_ever_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("pre-commit");
        fs::write(&dest, b"theirs").unwrap();
        let temp = TempScript::write(dir.path(), "pre-commit", b"ours").unwrap();
        let err = temp.place_new(&dest, "pre-commit").unwrap_err();
        assert!(err.to_string().contains("appeared"), "{err}");
        assert_eq!(fs::read(&dest).unwrap(), b"theirs");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temp file left"
        );

        let kept = dir.path().join("kept");
        fs::write(&kept, b"older").unwrap();
        assert!(keep(&dest, &kept).is_err());
        assert_eq!(fs::read(&kept).unwrap(), b"older");
        assert_eq!(fs::read(&dest).unwrap(), b"theirs");
        fs::remove_file(&kept).unwrap();
        assert!(matches!(keep(&dest, &kept), Ok(Kept::Linked)));
        assert_eq!(fs::read(&kept).unwrap(), b"theirs");
        assert!(dest.exists(), "a hook stays in place until it is replaced");
    }
}
