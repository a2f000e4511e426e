//! `git audit lock` and `git audit verify`: integrity locks and named snapshots.
//!
//! `lock` rewrites work-tree files (the files a person edits), validates everything before it
//! writes anything, writes atomically, and with `--stage` stages exactly what it wrote. It
//! refuses to stage a file whose work-tree copy differs from the index, so unstaged work is
//! never swept into a commit.

use std::collections::BTreeMap;

use crate::cli::{LockArgs, VerifyArgs};
use crate::core::artifact;
use crate::core::config::{Config, LockMode};
use crate::core::json::{self, Digest32};
use crate::core::lock::{self, Block, Verdict};
use crate::core::lockfile::{self, Lockfile};
use crate::core::report::{Standing, VerifyEntry, VerifyReport, JSON_VERSION};
use crate::core::rules::integrity;
use crate::error::{Error, Result};
use crate::io::git::{self, Object, Repo, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

pub fn run(env: &mut Env<'_>, args: &LockArgs) -> Result<ExitStatus> {
    env.formats("lock", ReportKind::Messages)?;
    let repo = Repo::open()?;
    let config = super::load_config(&repo, &Source::Index, env.config.as_deref())?;
    super::adopt::note_config(env, &repo, &Source::Index)?;
    if let Some(name) = &args.snapshot {
        return record_snapshot(env, &repo, &config, name, args);
    }
    let named: Vec<String> = args
        .paths
        .iter()
        .map(|p| repo.repo_path(p))
        .collect::<Result<_>>()?;
    let done = lock_artifacts(&repo, &config, &named, args.stage)?;
    for line in &done.lines {
        writeln_out(env, line)?;
    }
    // What did not change is a count; `-v` lists it.
    if args.verbose {
        for line in &done.unchanged {
            writeln_out(env, line)?;
        }
    } else if !done.unchanged.is_empty() {
        let n = done.unchanged.len();
        let what = if done.lines.is_empty() { "" } else { "other " };
        writeln_out(
            env,
            &format!(
                "{n} {what}artifact{} already locked (`-v` lists {})",
                if n == 1 { " was" } else { "s were" },
                if n == 1 { "it" } else { "them" }
            ),
        )?;
    }
    for line in &done.notes {
        writeln_out(env, line)?;
    }
    if !done.staged.is_empty() {
        writeln_out(env, &format!("staged {}", done.staged.join(", ")))?;
    }
    Ok(ExitStatus::Ok)
}

/// What `lock_artifacts` did, line by line (`lines`: what changed; `unchanged`: what was
/// already locked), notes a person should read, and what it staged.
pub struct Locked {
    pub lines: Vec<String>,
    pub unchanged: Vec<String>,
    pub notes: Vec<String>,
    pub staged: Vec<String>,
}

/// Locks the governed artifacts named (all when `named` is empty) in the working tree.
pub fn lock_artifacts(
    repo: &Repo,
    config: &Config,
    named: &[String],
    stage: bool,
) -> Result<Locked> {
    let governed = |p: &str| config.governing(p).is_some();
    let worktree = repo.snapshot(&Source::Worktree, &governed)?;
    let index = repo.snapshot(&Source::Index, &governed)?;
    for n in named {
        if !worktree.entries.keys().any(|p| super::under(p, n)) {
            return Err(Error::refused(
                format!("{n}: no governed artifact at this path in the working tree"),
                "check the path and audit.toml's [[artifact]] globs",
            ));
        }
    }
    let selected = |p: &str| named.is_empty() || named.iter().any(|n| super::under(p, n));

    let mut lockfile = read_worktree_lockfile(repo)?;
    let before_lockfile = lockfile.clone();
    // Everything is computed first; nothing is written unless every artifact is lockable.
    let mut writes: Vec<(String, Vec<u8>)> = Vec::new();
    // Partial staging under `--stage`: the index blob is locked and staged as bytes; the
    // work-tree copy gets the same embedded block but keeps its unstaged changes (not staged).
    let mut index_writes: Vec<(String, Vec<u8>)> = Vec::new();
    let mut worktree_writes: Vec<(String, Vec<u8>)> = Vec::new();
    let mut report: Vec<String> = Vec::new();
    let mut unchanged: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    // Every change made to audit.lock's locks, to apply to the index's copy as well.
    let mut edits: Vec<(String, Option<String>)> = Vec::new();
    for (path, object) in &worktree.entries {
        if !selected(path) {
            continue;
        }
        let Some(artifact) = config.governing(path) else {
            continue;
        };
        if artifact.lock == LockMode::None {
            continue;
        }
        // A blob: outside a sparse checkout (skip-worktree), locked from the index's copy.
        let sparse = matches!(object, Object::Blob { .. });
        if let Object::NotUtf8 { .. } = object {
            return Err(Error::refused(
                format!("{path}: the file name is not valid UTF-8 (shown with its bytes escaped)"),
                "rename it to UTF-8 (`git mv`), then lock",
            ));
        }
        let (Object::File { .. } | Object::Blob { .. }) = object else {
            return Err(Error::refused(
                format!("{path} is not a regular file; it cannot be locked"),
                "make it a regular JSON file",
            ));
        };
        // Partly staged: what is committed is the index's copy.
        let staged = index
            .entries
            .get(path)
            .filter(|staged| !sparse && !git::same(staged, object));
        let partial = stage && staged.is_some();
        if staged.is_some() && !stage {
            notes.push(format!(
                "note: {path} has changes that are not staged; this locked the working-tree copy, so committing only the staged part would be blocked: to lock what is staged, `git audit lock {path} --stage`"
            ));
        }
        let read_from = match staged {
            Some(staged) if partial => staged,
            _ => object,
        };
        let content = match repo.read(read_from, config.limits.max_size) {
            Ok(c) => c,
            Err(git::ReadError::TooLarge { size }) => {
                return Err(Error::refused(
                    format!(
                        "{path} is {size} bytes, over the limit of {}",
                        config.limits.max_size
                    ),
                    "raise [limits] max-file-size in audit.toml if this size is intended",
                ))
            }
            Err(git::ReadError::Failed(e)) => return Err(e),
            Err(git::ReadError::NotAFile) => {
                return Err(Error::refused(
                    format!("{path} is not a file"),
                    "make it a regular JSON file",
                ))
            }
        };
        let bytes = content.bytes();
        let parsed =
            artifact::analyze(bytes, artifact, &config.limits).map_err(|e| Error::Document {
                path: path.clone(),
                line: e.line,
                column: e.column,
                message: e.kind.to_string(),
            })?;
        let hash = parsed.hashes.canonical;
        let embedded = artifact.lock == LockMode::Embedded
            && artifact.exclusions.lock_field.is_some()
            && parsed.root.value.as_object().is_some();
        if embedded {
            let block = Block::new(artifact.kind, &parsed.root, hash);
            let full = json::parse(bytes, &config.limits).map_err(|e| Error::Document {
                path: path.clone(),
                line: e.line,
                column: e.column,
                message: e.kind.to_string(),
            })?;
            let Some(new) = lock::embed(bytes, &full, &artifact.lock_field, &block) else {
                continue;
            };
            edits.push((path.clone(), None));
            if lockfile.locks.remove(path.as_str()).is_some() {
                report.push(format!("moved {path}'s lock from audit.lock into the file"));
            }
            if partial {
                // The same block in the work-tree copy (when it parses), so its diff against
                // the index stays the person's unstaged changes.
                let current = repo.read_worktree(path)?.unwrap_or_default();
                if let Ok(tree) = json::parse(&current, &config.limits) {
                    if let Some(synced) = lock::embed(&current, &tree, &artifact.lock_field, &block)
                    {
                        if synced != current {
                            worktree_writes.push((path.clone(), synced));
                        }
                    }
                }
                if new == bytes {
                    unchanged.push(format!("{path}: already locked ({})", short(hash)));
                } else {
                    report.push(format!(
                        "locked the staged {path} (embedded `{}`, {}); its unstaged changes are not locked",
                        artifact.lock_field,
                        short(hash)
                    ));
                    index_writes.push((path.clone(), new));
                }
            } else if new == bytes {
                unchanged.push(format!("{path}: already locked ({})", short(hash)));
            } else if sparse {
                return Err(Error::refused(
                    format!("{path} is outside the sparse checkout; its embedded lock cannot be written"),
                    format!("bring it into the checkout (`git sparse-checkout add {}`) and lock again", path.rsplit_once('/').map_or(".", |(d, _)| d)),
                ));
            } else {
                report.push(format!(
                    "locked {path} (embedded `{}`, {})",
                    artifact.lock_field,
                    short(hash)
                ));
                writes.push((path.clone(), new));
            }
        } else {
            let previous = lockfile.locks.get(path.as_str()).cloned();
            lockfile.set_lock(path, hash);
            edits.push((path.clone(), Some(hash.hex())));
            if previous.as_deref() == Some(hash.hex().as_str()) {
                unchanged.push(format!(
                    "{path}: already locked in audit.lock ({})",
                    short(hash)
                ));
            } else if partial {
                report.push(format!(
                    "locked the staged {path} in audit.lock ({}); its unstaged changes are not locked",
                    short(hash)
                ));
            } else {
                report.push(format!("locked {path} in audit.lock ({})", short(hash)));
            }
        }
    }
    if named.is_empty() {
        let stale: Vec<String> = lockfile
            .locks
            .keys()
            .filter(|p| !worktree.entries.contains_key(*p))
            .cloned()
            .collect();
        for p in stale {
            lockfile.locks.remove(&p);
            edits.push((p.clone(), None));
            report.push(format!(
                "dropped {p} from audit.lock (no longer in the working tree)"
            ));
        }
    }
    if stage {
        // audit.lock in the index gets the same locks as the work-tree copy, whatever else
        // either holds (unstaged edits stay unstaged), also when only the index lagged behind
        // (an earlier `lock` without --stage).
        let was = read_lockfile_at(repo, &Source::Index)?;
        let mut staged_lockfile = was.clone();
        for (path, hash) in &edits {
            match hash {
                Some(h) => staged_lockfile.locks.insert(path.clone(), h.clone()),
                None => staged_lockfile.locks.remove(path),
            };
        }
        if staged_lockfile != was {
            if lockfile == before_lockfile {
                report.push(format!(
                    "staged {}'s locks, which the working tree already had",
                    lockfile::FILE_NAME
                ));
            }
            index_writes.push((
                lockfile::FILE_NAME.to_string(),
                staged_lockfile.render().into_bytes(),
            ));
        }
    }
    if lockfile != before_lockfile {
        worktree_writes.push((
            lockfile::FILE_NAME.to_string(),
            lockfile.render().into_bytes(),
        ));
    }
    let mut staged = apply(repo, &writes, stage)?;
    for (path, bytes) in &worktree_writes {
        repo.worktree_path(path)?;
        repo.write_worktree(path, bytes)?;
    }
    for (path, bytes) in &index_writes {
        repo.stage_bytes(path, Some(bytes))?;
        staged.push(path.as_str());
    }
    Ok(Locked {
        lines: report,
        unchanged,
        notes,
        staged: staged.into_iter().map(str::to_string).collect(),
    })
}

fn short(hash: Digest32) -> String {
    format!("{}:{}…", lock::ALGORITHM, &hash.hex()[..12])
}

fn writeln_out(env: &mut Env<'_>, line: &str) -> Result<()> {
    writeln!(env.out, "{line}").map_err(render::write_error)
}

/// Writes every file atomically, then stages them when asked; returns what was staged.
fn apply<'w>(repo: &Repo, writes: &'w [(String, Vec<u8>)], stage: bool) -> Result<Vec<&'w str>> {
    for (path, _) in writes {
        // Every path is checked before anything is written.
        repo.worktree_path(path)?;
    }
    for (path, bytes) in writes {
        repo.write_worktree(path, bytes)?;
    }
    let paths: Vec<&str> = writes.iter().map(|(p, _)| p.as_str()).collect();
    if stage && !paths.is_empty() {
        repo.stage(&paths)?;
        return Ok(paths);
    }
    Ok(Vec::new())
}

/// audit.lock as a snapshot holds it (absent: empty).
fn read_lockfile_at(repo: &Repo, source: &Source) -> Result<Lockfile> {
    Ok(super::check::read_lockfile(repo, source)?.unwrap_or_default())
}

/// audit.lock as it is on disk (the file `lock` rewrites).
fn read_worktree_lockfile(repo: &Repo) -> Result<Lockfile> {
    match repo.read_worktree(lockfile::FILE_NAME)? {
        Some(bytes) => {
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::Lockfile(crate::core::config::ConfigError {
                    origin: lockfile::FILE_NAME.to_string(),
                    position: None,
                    message: "not valid UTF-8".into(),
                })
            })?;
            Lockfile::parse(&text, lockfile::FILE_NAME).map_err(Error::Lockfile)
        }
        None => Ok(Lockfile::default()),
    }
}

fn record_snapshot(
    env: &mut Env<'_>,
    repo: &Repo,
    config: &Config,
    name: &str,
    args: &LockArgs,
) -> Result<ExitStatus> {
    if let Some(problem) = lockfile::snapshot_name_problem(name) {
        return Err(Error::Usage(format!("snapshot name {name:?} {problem}")));
    }
    if !args.paths.is_empty() {
        return Err(Error::Usage(
            "a named snapshot records every governed artifact; drop the paths".into(),
        ));
    }
    let hashes = canonical_hashes(repo, config, &Source::Index)?;
    let mut lockfile = read_worktree_lockfile(repo)?;
    if let Some(existing) = lockfile.snapshots.get(name) {
        if *existing == hashes {
            writeln_out(
                env,
                &format!("snapshot {name:?} already records the staged hashes"),
            )?;
            return Ok(ExitStatus::Ok);
        }
        if !args.force {
            return Err(Error::refused(
                format!("snapshot {name:?} already exists in audit.lock with other hashes"),
                "pick a new name, or replace it with `--force`",
            ));
        }
    }
    let count = hashes.len();
    lockfile.snapshots.insert(name.to_string(), hashes);
    let writes = vec![(
        lockfile::FILE_NAME.to_string(),
        lockfile.render().into_bytes(),
    )];
    let staged = apply(repo, &writes, args.stage)?;
    writeln_out(
        env,
        &format!(
            "recorded snapshot {name:?}: {count} artifact{} from the index",
            if count == 1 { "" } else { "s" }
        ),
    )?;
    if !staged.is_empty() {
        writeln_out(env, &format!("staged {}", staged.join(", ")))?;
    }
    Ok(ExitStatus::Ok)
}

/// Canonical hashes of every governed artifact in a snapshot. Refuses what cannot be hashed.
fn canonical_hashes(
    repo: &Repo,
    config: &Config,
    source: &Source,
) -> Result<BTreeMap<String, String>> {
    let snap = repo.snapshot(source, &|p| config.governing(p).is_some())?;
    let mut out = BTreeMap::new();
    for (path, object) in &snap.entries {
        let Some(artifact) = config.governing(path) else {
            continue;
        };
        let content = match super::load(repo, source, path, object, &config.limits)? {
            Ok(c) => c,
            Err(super::NotParsed::Skipped(s)) => {
                return Err(Error::refused(format!("{path}: {}", s.reason), s.hint))
            }
            Err(super::NotParsed::Refused(r)) => return Err(document_error(r)),
        };
        let parsed = super::parse(&content, source, path, artifact, &config.limits)
            .map_err(document_error)?;
        out.insert(path.clone(), parsed.hashes.canonical.hex());
    }
    Ok(out)
}

fn document_error(r: crate::core::report::Refused) -> Error {
    Error::Document {
        path: r.path,
        line: r.line,
        column: r.column,
        message: r.message,
    }
}

pub fn verify(env: &mut Env<'_>, args: &VerifyArgs) -> Result<ExitStatus> {
    env.formats("verify", ReportKind::Verify)?;
    let repo = Repo::open()?;
    let source = super::hash::source_of(&args.source);
    let config = super::load_config(&repo, &source, env.config.as_deref())?;
    super::adopt::note_config(env, &repo, &source)?;
    let lockfile = super::check::read_lockfile(&repo, &source)?.unwrap_or_default();
    let mut entries = Vec::new();
    match &args.snapshot {
        Some(name) => {
            // `lock --snapshot` writes the working copy of audit.lock; a snapshot recorded there
            // and not yet staged still counts when verifying the index or the working tree.
            let worktree_copy = match source {
                Source::Rev(_) => None,
                _ => read_worktree_lockfile(&repo).ok(),
            };
            let recorded = lockfile
                .snapshots
                .get(name)
                .or_else(|| worktree_copy.as_ref().and_then(|l| l.snapshots.get(name)));
            let Some(recorded) = recorded else {
                let known: Vec<&str> = lockfile.snapshots.keys().map(String::as_str).collect();
                return Err(Error::refused(
                    format!("no snapshot {name:?} in audit.lock ({source})"),
                    if known.is_empty() {
                        "record one with `git audit lock --snapshot NAME --stage`".to_string()
                    } else {
                        format!("known snapshots: {}", known.join(", "))
                    },
                ));
            };
            let actual = canonical_hashes(&repo, &config, &source)?;
            for (path, hash) in &actual {
                let (standing, rec) = match recorded.get(path) {
                    None => (Standing::Added, None),
                    Some(r) if r == hash => (Standing::Holds, Some(r.clone())),
                    Some(r) => (Standing::Drifted, Some(r.clone())),
                };
                entries.push(VerifyEntry {
                    path: path.clone(),
                    standing,
                    against: "snapshot",
                    recorded: rec,
                    actual: Some(hash.clone()),
                    detail: None,
                });
            }
            for (path, r) in recorded {
                if !actual.contains_key(path) {
                    entries.push(VerifyEntry {
                        path: path.clone(),
                        standing: Standing::Removed,
                        against: "snapshot",
                        recorded: Some(r.clone()),
                        actual: None,
                        detail: None,
                    });
                }
            }
        }
        None => verify_locks(&repo, &config, &source, &lockfile, &mut entries)?,
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let report = VerifyReport {
        version: JSON_VERSION,
        source: source.to_string(),
        snapshot: args.snapshot.clone(),
        drifted: entries
            .iter()
            .filter(|e| e.standing != Standing::Holds)
            .count(),
        entries,
    };
    render::verify(env.format, env.out, &report, env.paint)?;
    Ok(ExitStatus::Ok)
}

pub(crate) fn verify_locks(
    repo: &Repo,
    config: &Config,
    source: &Source,
    lockfile: &Lockfile,
    entries: &mut Vec<VerifyEntry>,
) -> Result<()> {
    let snap = repo.snapshot(source, &|p| config.governing(p).is_some())?;
    for (path, object) in &snap.entries {
        let Some(artifact) = config.governing(path) else {
            continue;
        };
        let mut entry = VerifyEntry {
            path: path.clone(),
            standing: Standing::Unlocked,
            against: "embedded",
            recorded: None,
            actual: None,
            detail: None,
        };
        let content = match super::load(repo, source, path, object, &config.limits)? {
            Ok(c) => c,
            Err(super::NotParsed::Skipped(s)) => {
                entry.standing = Standing::Unverifiable;
                entry.detail = Some(s.reason);
                entries.push(entry);
                continue;
            }
            Err(super::NotParsed::Refused(r)) => {
                entry.standing = Standing::Unverifiable;
                entry.detail = Some(format!("{}:{}: {}", r.line, r.column, r.message));
                entries.push(entry);
                continue;
            }
        };
        let parsed = match super::parse(&content, source, path, artifact, &config.limits) {
            Ok(p) => p,
            Err(r) => {
                entry.standing = Standing::Unverifiable;
                entry.detail = Some(format!("{}:{}: {}", r.line, r.column, r.message));
                entries.push(entry);
                continue;
            }
        };
        let actual = parsed.hashes.canonical;
        entry.actual = Some(actual.hex());
        if let Some(block) = &parsed.lock {
            let legacy =
                || integrity::legacy_hash(content.bytes(), &artifact.lock_field, &config.limits);
            let recorded = block
                .value
                .get("canonicalHash")
                .or_else(|| block.value.get("hash"))
                .and_then(|n| n.value.as_str())
                .map(str::to_string);
            entry.recorded = recorded;
            match lock::verify(block, actual, legacy) {
                Verdict::Holds => entry.standing = Standing::Holds,
                Verdict::Mismatch { .. } => entry.standing = Standing::Drifted,
                Verdict::Unrecognised(why) => {
                    entry.standing = Standing::Unverifiable;
                    entry.detail = Some(why);
                }
            }
            entries.push(entry.clone());
        }
        if let Some(recorded) = lockfile.locks.get(path) {
            entries.push(VerifyEntry {
                against: "lockfile",
                standing: if *recorded == actual.hex() {
                    Standing::Holds
                } else {
                    Standing::Drifted
                },
                recorded: Some(recorded.clone()),
                ..entry.clone()
            });
        } else if parsed.lock.is_none() {
            entries.push(entry);
        }
    }
    Ok(())
}
