//! `git audit docs render | status`, and the doc findings `check` adds: reads docs, templates
//! and sources from a snapshot through `io`, lets `core::provenance` decide, renders.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::cli::{DocsCommand, DocsRenderArgs, DocsStatusArgs};
use crate::core::config::{self, Config, DocSpec};
use crate::core::finding::Finding;
use crate::core::json::canonical;
use crate::core::provenance::{self, banner, DocState, DocsReport, Fetched, Input};
use crate::core::snapshot::Plan;
use crate::error::{Error, Result};
use crate::io::git::{Repo, Source};
use crate::render::{self, write_error, ReportKind};
use crate::{Env, ExitStatus};

pub fn run(env: &mut Env<'_>, cmd: &DocsCommand) -> Result<ExitStatus> {
    match cmd {
        DocsCommand::Render(args) => render_docs(env, args),
        DocsCommand::Status(args) => status(env, args),
    }
}

/// What a snapshot holds at `path`, or why it does not: untracked when it is on disk or git
/// ignores it, else missing.
fn fetch(repo: &Repo, source: &Source, path: &str) -> Result<Fetched> {
    if let Some(bytes) = repo.read_path(source, path)? {
        return Ok(Fetched::Bytes(bytes));
    }
    let on_disk = repo
        .worktree_path(path)
        .map(|p| p.is_file())
        .unwrap_or(false);
    if on_disk || repo.is_ignored(path)? {
        Ok(Fetched::Untracked)
    } else {
        Ok(Fetched::Missing)
    }
}

/// Every governed doc of a snapshot (`[[docs.render]]` paths, whether present or not, and the
/// paths `[docs] generated` matches), and with `all` every Markdown file carrying a banner.
fn governed_docs(
    repo: &Repo,
    config: &Config,
    source: &Source,
    all: bool,
) -> Result<BTreeMap<String, Option<Vec<u8>>>> {
    let mut docs: BTreeMap<String, Option<Vec<u8>>> = BTreeMap::new();
    for spec in &config.docs.render {
        docs.insert(spec.path.clone(), repo.read_path(source, &spec.path)?);
    }
    if config.docs.generated.is_empty() && !all {
        return Ok(docs);
    }
    let listed = repo.snapshot(source, &|p: &str| {
        config.docs.governs(p) || (all && p.ends_with(".md"))
    })?;
    for path in listed.entries.keys() {
        if docs.contains_key(path) {
            continue;
        }
        let bytes = repo.read_path(source, path)?;
        if !config.docs.governs(path) {
            let banner = bytes.as_deref().is_some_and(|b| {
                b.starts_with(banner::MARK.as_bytes())
                    || b.starts_with(banner::ORIGIN_MARK.as_bytes())
            });
            if !banner {
                continue;
            }
        }
        docs.insert(path.clone(), bytes);
    }
    Ok(docs)
}

/// The paths a doc's state depends on: what its banner records and its `[[docs.render]]` names.
fn depends(config: &Config, path: &str, bytes: Option<&[u8]>) -> BTreeSet<String> {
    let text = bytes
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("");
    let (b, _) = banner::split(text);
    provenance::wanted(b.as_ref(), config.docs.spec(path))
}

/// One doc's state in `source`.
fn state(
    repo: &Repo,
    config: &Config,
    source: &Source,
    path: &str,
    bytes: Option<&[u8]>,
    cache: &mut BTreeMap<String, Fetched>,
) -> Result<DocState> {
    for p in depends(config, path, bytes) {
        if let std::collections::btree_map::Entry::Vacant(slot) = cache.entry(p) {
            let f = fetch(repo, source, slot.key())?;
            slot.insert(f);
        }
    }
    Ok(provenance::evaluate(&Input {
        path,
        bytes,
        spec: config.docs.spec(path),
        fetched: cache,
        config,
    }))
}

fn status(env: &mut Env<'_>, args: &DocsStatusArgs) -> Result<ExitStatus> {
    env.formats("docs status", ReportKind::Docs)?;
    let repo = Repo::open()?;
    let (source, before) = if let Some(rev) = &args.rev {
        (Source::Rev(rev.clone()), None)
    } else if let Some(range) = &args.range {
        let Some((a, b)) = range.split_once("..").filter(|(_, b)| !b.starts_with('.')) else {
            return Err(Error::Usage(format!(
                "--range takes A..B (for example origin/main..HEAD), not {range:?}"
            )));
        };
        let a = if a.is_empty() { "HEAD" } else { a };
        let b = if b.is_empty() { "HEAD" } else { b };
        (
            Source::Rev(repo.resolve_commit(b)?),
            Some(Source::Rev(repo.resolve_commit(a)?)),
        )
    } else {
        (Source::Index, None)
    };
    let config = super::load_config(&repo, &source, env.config.as_deref())?;
    let docs = governed_docs(&repo, &config, &source, args.all)?;
    let touched = match &before {
        Some(before) => Some(touched_docs(&repo, &config, &docs, before, &source)?),
        None => None,
    };
    let mut cache = BTreeMap::new();
    let mut states = Vec::new();
    for (i, (path, bytes)) in docs.iter().enumerate() {
        if let Some((touched, changed)) = &touched {
            if !touched[i].iter().any(|p| changed.contains(p)) {
                continue;
            }
        }
        states.push(state(
            &repo,
            &config,
            &source,
            path,
            bytes.as_deref(),
            &mut cache,
        )?);
    }
    let label = match (&args.range, &source) {
        (Some(range), _) => format!("docs {range} touched"),
        (None, s) => s.to_string(),
    };
    let report = DocsReport::new(label, states);
    render::docs_status(env.format, env.out, &report, env.paint)?;
    Ok(ExitStatus::from_ok(report.ok()))
}

/// The provenance index of every governed doc of `source` (what `docs status --rev` reports).
pub(crate) fn status_report(repo: &Repo, config: &Config, source: &Source) -> Result<DocsReport> {
    let docs = governed_docs(repo, config, source, false)?;
    let mut cache = BTreeMap::new();
    let mut states = Vec::new();
    for (path, bytes) in &docs {
        states.push(state(
            repo,
            config,
            source,
            path,
            bytes.as_deref(),
            &mut cache,
        )?);
    }
    Ok(DocsReport::new(source.to_string(), states))
}

/// What each doc depends on (itself, its sources and template, audit.toml), and which of all
/// those paths changed from `before` to `after`.
fn touched_docs(
    repo: &Repo,
    config: &Config,
    docs: &BTreeMap<String, Option<Vec<u8>>>,
    before: &Source,
    after: &Source,
) -> Result<(Vec<BTreeSet<String>>, BTreeSet<String>)> {
    let touched: Vec<BTreeSet<String>> = docs
        .iter()
        .map(|(path, bytes)| {
            let mut t = depends(config, path, bytes.as_deref());
            t.insert(path.clone());
            t.insert(config::FILE_NAME.to_string());
            t
        })
        .collect();
    let all: BTreeSet<String> = touched.iter().flatten().cloned().collect();
    let changed = super::changed_paths(repo, before, after, &all)?;
    Ok((touched, changed))
}

/// The doc findings of one check plan: every governed doc the plan touched (the doc, a source
/// or template it records or is configured with, or audit.toml changed), or every one when
/// `everything`. Nothing is read when audit.toml governs no docs.
pub fn findings(
    repo: &Repo,
    config: &Config,
    plan: &Plan,
    everything: bool,
) -> Result<Vec<Finding>> {
    if config.docs.render.is_empty() && config.docs.generated.is_empty() {
        return Ok(Vec::new());
    }
    let docs = governed_docs(repo, config, &plan.after, false)?;
    let touched = if everything {
        None
    } else {
        Some(touched_docs(
            repo,
            config,
            &docs,
            &plan.before,
            &plan.after,
        )?)
    };
    let mut cache = BTreeMap::new();
    let mut out = Vec::new();
    for (i, (path, bytes)) in docs.iter().enumerate() {
        if let Some((touched, changed)) = &touched {
            if !touched[i].iter().any(|p| changed.contains(p)) {
                continue;
            }
        }
        let s = state(
            repo,
            config,
            &plan.after,
            path,
            bytes.as_deref(),
            &mut cache,
        )?;
        out.extend(provenance::findings(&s));
    }
    Ok(out)
}

/// One rendered doc: its full text.
fn render_one(repo: &Repo, config: &Config, spec: &DocSpec) -> Result<String> {
    let source = Source::Index;
    let not_staged = |what: &str, path: &str| -> Result<Error> {
        let why = match fetch(repo, &source, path)? {
            Fetched::Untracked => "not tracked by git (ignored, or only on disk)",
            _ => "not in the index",
        };
        Ok(Error::refused(
            format!("cannot render {}: its {what} {path} is {why}", spec.path),
            format!("`git add {path}` (docs are rendered from what is staged), or fix [[docs.render]] in audit.toml"),
        ))
    };
    let Some(template) = repo.read_path(&source, &spec.template)? else {
        return Err(not_staged("template", &spec.template)?);
    };
    let template_text = std::str::from_utf8(&template).map_err(|_| {
        Error::refused(
            format!(
                "cannot render {}: the template {} is not UTF-8",
                spec.path, spec.template
            ),
            "save the template as UTF-8",
        )
    })?;
    let mut values = Vec::new();
    let mut hashes = Vec::new();
    for s in &spec.sources {
        let Some(bytes) = repo.read_path(&source, &s.path)? else {
            return Err(not_staged("source", &s.path)?);
        };
        let node =
            provenance::subtree(&bytes, &s.path, s.pointer.as_ref(), config).map_err(|m| {
                Error::refused(
                    format!("cannot render {}: {m}", spec.path),
                    "fix the source or the pointer in [[docs.render]] `sources`",
                )
            })?;
        hashes.push((s, canonical::hash(&node)));
        values.push(node.value.to_serde());
    }
    let context = provenance::context(spec, values);
    let body = provenance::template::render(&spec.template, template_text, &context).map_err(|m| {
        Error::refused(
            format!("cannot render {} from {}: {m}", spec.path, spec.template),
            "fix the template (sources are `source` and `sources[i]`; see git-audit's docs/commands.md, Docs from JSON)",
        )
    })?;
    Ok(banner::write(
        &spec.path,
        (&spec.template, canonical::sha256(&template)),
        &hashes,
        &body,
    ))
}

fn render_docs(env: &mut Env<'_>, args: &DocsRenderArgs) -> Result<ExitStatus> {
    env.formats("docs render", ReportKind::Messages)?;
    let repo = Repo::open()?;
    let config = super::load_config(&repo, &Source::Index, env.config.as_deref())?;
    let named: Vec<String> = args
        .paths
        .iter()
        .map(|p| repo.repo_path(p))
        .collect::<Result<_>>()?;
    for n in &named {
        if config.docs.spec(n).is_none() {
            return Err(Error::refused(
                format!("{n} is not a doc audit.toml renders"),
                "declare it in a [[docs.render]] table (path, template, sources)",
            ));
        }
    }
    let specs: Vec<&DocSpec> = config
        .docs
        .render
        .iter()
        .filter(|s| named.is_empty() || named.contains(&s.path))
        .collect();
    if specs.is_empty() {
        writeln!(env.out, "no [[docs.render]] docs in audit.toml").map_err(write_error)?;
        return Ok(ExitStatus::Ok);
    }
    let mut rendered = Vec::new();
    for spec in &specs {
        rendered.push((spec, render_one(&repo, &config, spec)?));
    }
    let mut differs = false;
    let mut text = String::new();
    for (spec, doc) in &rendered {
        let path = &spec.path;
        let staged = repo.read_path(&Source::Index, path)?;
        if args.check {
            if staged.as_deref() == Some(doc.as_bytes()) {
                let _ = writeln!(text, "fresh      {path}");
            } else {
                differs = true;
                let _ = writeln!(
                    text,
                    "would change {path}: run `git audit docs render --stage {path}`"
                );
            }
            continue;
        }
        let on_disk = repo.read_worktree(path)?;
        if let Some(current) = &on_disk {
            if current.as_slice() != doc.as_bytes() && !banner::is_pristine(current) && !args.force
            {
                return Err(Error::refused(
                    format!(
                        "{path} holds text `docs render` did not write (a hand edit, or a hand-written file); refusing to overwrite it"
                    ),
                    "move the edit into the template or its JSON sources, or pass --force to overwrite it",
                ));
            }
        }
        let wrote = on_disk.as_deref() != Some(doc.as_bytes());
        if wrote {
            repo.write_worktree(path, doc.as_bytes())?;
        }
        let staged_now = args.stage && staged.as_deref() != Some(doc.as_bytes());
        if staged_now {
            repo.stage_bytes(path, Some(doc.as_bytes()))?;
        }
        let verb = match (wrote, staged_now) {
            (false, false) => "unchanged",
            (_, true) => "rendered and staged",
            (true, false) => "rendered",
        };
        let _ = writeln!(text, "{verb} {path}");
    }
    env.out.write_all(text.as_bytes()).map_err(write_error)?;
    Ok(ExitStatus::from_ok(!differs))
}
