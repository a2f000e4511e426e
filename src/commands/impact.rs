//! `git audit impact [REV | A..B | --since REV]`: the level and score of every structural change,
//! per commit and for the range; also the facts the impact line of a changelog entry and the
//! `version-bump-missing` / `impact-threshold` rules of a check need (categories, versions).

use std::collections::BTreeMap;

use crate::cli::ImpactArgs;
use crate::core::artifact;
use crate::core::changelog::Part;
use crate::core::config::{Config, Kind};
use crate::core::diff::ArtifactDiff;
use crate::core::finding::Finding;
use crate::core::impact::{self, Categories, CommitImpact, ImpactReport, Versions};
use crate::core::report::{DiffReport, Refused, Skipped, JSON_VERSION};
use crate::core::snapshot::{CommitInfo, Plan};
use crate::error::{Error, Result};
use crate::io::git::{Object, ReadError, Repo, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

pub fn run(env: &mut Env<'_>, args: &ImpactArgs) -> Result<ExitStatus> {
    env.formats("impact", ReportKind::Impact)?;
    let repo = Repo::open()?;
    let explicit = env.config.as_deref();
    let (report, mut skipped, mut errors) = report(&repo, explicit, args)?;
    render::impact(env.format, env.out, &report, env.paint)?;
    dedup(&mut skipped, &mut errors);
    render::problems(env.err, &skipped, &errors, env.paint_err)?;
    Ok(if errors.is_empty() {
        ExitStatus::Ok
    } else {
        ExitStatus::Error
    })
}

/// The impact report an `impact` command line asks for, with what could not be read.
pub(crate) fn report(
    repo: &Repo,
    explicit: Option<&std::path::Path>,
    args: &ImpactArgs,
) -> Result<(ImpactReport, Vec<Skipped>, Vec<Refused>)> {
    let (label, trend, endpoints, commits) = match (&args.since, &args.range) {
        (Some(since), _) => {
            let from = repo.resolve_commit(since)?;
            let to = repo.resolve_commit("HEAD")?;
            let list = repo.range(since, "HEAD")?;
            (
                format!("--since {since}"),
                true,
                (Source::Rev(from), Source::Rev(to)),
                Some(list),
            )
        }
        (None, Some(spec)) if spec.contains("..") => {
            if spec.contains("...") {
                return Err(Error::Usage(format!(
                    "impact takes REV or A..B, not {spec:?}: A...B is not supported here"
                )));
            }
            let (a, b) = spec.split_once("..").unwrap_or((spec, ""));
            let a = if a.is_empty() { "HEAD" } else { a };
            let b = if b.is_empty() { "HEAD" } else { b };
            let (from, to) = (repo.resolve_commit(a)?, repo.resolve_commit(b)?);
            let list = repo.range(a, b)?;
            (
                spec.clone(),
                false,
                (Source::Rev(from), Source::Rev(to)),
                Some(list),
            )
        }
        (None, Some(rev)) => {
            let info = repo.commit_info(rev)?;
            let plan = commit_plan(info);
            (
                rev.clone(),
                false,
                (plan.before.clone(), plan.after.clone()),
                None,
            )
        }
        (None, None) => {
            let before = if repo.head_is_unborn() {
                Source::Empty
            } else {
                Source::head()
            };
            ("index".to_string(), false, (before, Source::Index), None)
        }
    };
    let mut skipped: Vec<Skipped> = Vec::new();
    let mut errors: Vec<Refused> = Vec::new();
    let mut assessed = Vec::new();
    let net_plan = Plan {
        before: endpoints.0.clone(),
        after: endpoints.1.clone(),
        commit: None,
    };
    let plans: Vec<_> = match commits {
        None => vec![match &args.range {
            Some(rev) => commit_plan(repo.commit_info(rev)?),
            None => net_plan.clone(),
        }],
        // A merge's changes are its merged commits' (each assessed on its own).
        Some(list) => list
            .into_iter()
            .filter(|c| c.parents.len() <= 1)
            .map(commit_plan)
            .collect(),
    };
    for plan in &plans {
        let config = super::load_config(repo, &plan.after, explicit)?;
        let touched = touched(repo, &config, plan)?;
        let (c, s, e) = assess(repo, &config, plan)?;
        skipped.extend(s);
        errors.extend(e);
        if touched || !c.unassessed.is_empty() {
            assessed.push(c);
        }
    }
    let net = if args.range.as_deref().is_some_and(|r| r.contains("..")) || trend {
        let config = super::load_config(repo, &net_plan.after, explicit)?;
        let (c, s, e) = assess(repo, &config, &net_plan)?;
        skipped.extend(s);
        errors.extend(e);
        c
    } else {
        assessed
            .first()
            .cloned()
            .unwrap_or_else(|| impact::commit("", &[], &BTreeMap::new(), &Default::default()))
    };
    let total = impact::total(&net, &assessed);
    let net_config = super::load_config(repo, &net_plan.after, explicit)?;
    let (versions, _) = versions(repo, &net_config, &net_plan)?;
    let report = ImpactReport {
        version: JSON_VERSION,
        range: label,
        trend,
        versions: impact::bump_checks(|p| impact::own_level(&net, p), &versions),
        total,
        commits: assessed,
    };
    Ok((report, skipped, errors))
}

/// Whether a commit changed the bytes of any governed path (its impact may still be none).
fn touched(repo: &Repo, config: &Config, plan: &Plan) -> Result<bool> {
    let governed = |p: &str| config.governing(p).is_some();
    let descend = |dir: &str| config.may_contain(dir);
    let b = repo.snapshot_within(&plan.before, &governed, &descend)?;
    let a = repo.snapshot_within(&plan.after, &governed, &descend)?;
    Ok(b.entries != a.entries)
}

/// The same document refused in two adjacent comparisons is reported once.
fn dedup(skipped: &mut Vec<Skipped>, errors: &mut Vec<Refused>) {
    let mut seen = std::collections::BTreeSet::new();
    skipped.retain(|s| seen.insert((s.path.clone(), s.reason.clone())));
    let mut seen = std::collections::BTreeSet::new();
    errors.retain(|r| seen.insert((r.path.clone(), r.snapshot.clone(), r.message.clone())));
}

fn commit_plan(c: CommitInfo) -> Plan {
    Plan {
        before: c.parent.clone().map_or(Source::Empty, Source::Rev),
        after: Source::Rev(c.id.clone()),
        commit: Some(c),
    }
}

/// One comparison's impact, with what could not be read.
pub fn assess(
    repo: &Repo,
    config: &Config,
    plan: &Plan,
) -> Result<(CommitImpact, Vec<Skipped>, Vec<Refused>)> {
    let diff = super::diff::compare(repo, config, &plan.before, &plan.after)?;
    let categories = categories(repo, config, &plan.before, &plan.after, &diff.artifacts)?;
    let id = plan
        .commit
        .as_ref()
        .map_or_else(|| plan.after.to_string(), |c| c.id.clone());
    let mut c = impact::commit(&id, &diff.artifacts, &categories, &config.impact);
    if let Some(info) = &plan.commit {
        c.summary = Some(info.summary.clone());
        c.date = Some(crate::core::date::date_of(
            info.author_time,
            info.author_offset,
        ));
    }
    let DiffReport {
        skipped, errors, ..
    } = diff;
    c.unassessed = skipped
        .iter()
        .map(|s| s.path.clone())
        .chain(errors.iter().map(|r| r.path.clone()))
        .collect();
    c.unassessed.sort();
    c.unassessed.dedup();
    Ok((c, skipped, errors))
}

/// The categories of each changed registry and sequence, from both of its versions.
pub fn categories(
    repo: &Repo,
    config: &Config,
    before: &Source,
    after: &Source,
    diffs: &[ArtifactDiff],
) -> Result<BTreeMap<String, Categories>> {
    let mut out = BTreeMap::new();
    let changed: std::collections::BTreeSet<&str> = diffs
        .iter()
        .filter(|d| d.status != crate::core::diff::Status::Unchanged)
        .map(|d| d.path.as_str())
        .collect();
    if changed.is_empty() {
        return Ok(out);
    }
    // Many changed files: both sides listed once (a diff's paths are governed, so
    // `may_contain` reaches them), as a lookup per path reads a large directory's tree once per
    // changed file. A few: looked up one by one (`None`), which costs less than a listing.
    let want = |p: &str| changed.contains(p);
    let descend = |dir: &str| config.may_contain(dir);
    let listed = if changed.len() > LOOKUPS {
        [
            Some(repo.snapshot_within(after, &want, &descend)?),
            Some(repo.snapshot_within(before, &want, &descend)?),
        ]
    } else {
        [None, None]
    };
    for d in diffs {
        if d.status == crate::core::diff::Status::Unchanged {
            continue;
        }
        let Some(a) = config.governing(&d.path) else {
            continue;
        };
        let mut sides = [Categories::default(), Categories::default()];
        for (slot, (source, snapshot)) in sides.iter_mut().zip([after, before].iter().zip(&listed))
        {
            let Some(snapshot) = snapshot else {
                *slot = categories_of(repo.read_path(source, &d.path)?, d, a, config);
                continue;
            };
            let bytes = match snapshot.entries.get(&d.path) {
                None => None,
                Some(object @ (Object::Blob { .. } | Object::File { .. })) => {
                    match repo.read(object, u64::MAX) {
                        Ok(content) => Some(content.bytes().to_vec()),
                        Err(ReadError::Failed(e)) => return Err(e),
                        Err(_) => None,
                    }
                }
                // Not a file: read as before, which says why.
                Some(_) => repo.read_path(source, &d.path)?,
            };
            *slot = categories_of(bytes, d, a, config);
        }
        let [a, b] = sides;
        out.insert(d.path.clone(), Categories::merge(a, b));
    }
    Ok(out)
}

/// Above this many changed files, `categories` lists both sides instead of looking each up.
const LOOKUPS: usize = 16;

/// The categories of one side's bytes (none when absent or not parsed).
fn categories_of(
    bytes: Option<Vec<u8>>,
    d: &ArtifactDiff,
    a: &crate::core::config::Artifact,
    config: &Config,
) -> Categories {
    bytes
        .and_then(|b| {
            artifact::tree(&b, a, &config.limits)
                .ok()
                .map(|root| Categories::of(d.kind, &root))
        })
        .unwrap_or_default()
}

/// Sets each part's impact line (a changelog entry's), from the same assessment `impact` makes.
pub fn annotate(
    repo: &Repo,
    config: &Config,
    before: &Source,
    after: &Source,
    parts: &mut [Part],
) -> Result<()> {
    let diffs: Vec<ArtifactDiff> = parts.iter().map(|p| p.diff.clone()).collect();
    let categories = categories(repo, config, before, after, &diffs)?;
    let none = Categories::default();
    for p in parts {
        let a = impact::artifact(
            &p.diff,
            categories.get(&p.diff.path).unwrap_or(&none),
            &config.impact,
        );
        p.impact = Some((a.level, a.score));
    }
    Ok(())
}

/// Documents' bytes by path.
type Bytes = BTreeMap<String, Vec<u8>>;

/// Each registry of `plan.after` with its version on both sides, and its bytes after (to
/// position findings).
fn versions(repo: &Repo, config: &Config, plan: &Plan) -> Result<(Vec<Versions>, Bytes)> {
    let pointer = &config.impact.version_pointer;
    let registries = repo.snapshot(&plan.after, &|p| {
        config
            .governing(p)
            .is_some_and(|a| a.kind == Kind::Registry)
    })?;
    let mut out = Vec::new();
    let mut bytes_after = BTreeMap::new();
    for path in registries.entries.keys() {
        let Some(a) = config.governing(path) else {
            continue;
        };
        let read = |source: &Source| -> Result<Option<(Option<String>, Vec<u8>)>> {
            let Some(bytes) = repo.read_path(source, path)? else {
                return Ok(None);
            };
            let version = artifact::tree(&bytes, a, &config.limits)
                .ok()
                .and_then(|root| impact::version_of(&root, pointer));
            Ok(Some((version, bytes)))
        };
        let before = read(&plan.before)?.map(|(v, _)| v);
        let after = read(&plan.after)?;
        let after = after.map(|(v, b)| {
            bytes_after.insert(path.clone(), b);
            v
        });
        out.push(Versions {
            path: path.clone(),
            before,
            after: after.flatten(),
        });
    }
    Ok((out, bytes_after))
}

/// The `version-bump-missing` and `impact-threshold` findings of one plan (none unless
/// `[impact]` turns them on, so the gate reads nothing more by default). A snapshot checked
/// whole (`baseline`, release notes' status: the empty tree against a snapshot, no commit) has
/// no change to assess.
pub fn findings(repo: &Repo, config: &Config, plan: &Plan) -> Result<Vec<Finding>> {
    let rules = &config.impact;
    if !rules.enforce_version_bump && rules.max_score.is_none() {
        return Ok(Vec::new());
    }
    if plan.before == Source::Empty && plan.commit.is_none() {
        return Ok(Vec::new());
    }
    let (commit, _, errors) = assess(repo, config, plan)?;
    if !errors.is_empty() {
        // A document that does not parse is its own finding; its impact is unknown.
        return Ok(Vec::new());
    }
    let (versions, bytes) = if rules.enforce_version_bump {
        versions(repo, config, plan)?
    } else {
        (Vec::new(), BTreeMap::new())
    };
    let mut found = impact::findings(&commit, &versions, rules);
    for f in &mut found {
        // Point at the version (or where it would be) in the registry after the change.
        if let Some(b) = bytes.get(&f.path) {
            if let Ok(root) = crate::core::json::parse(b, &config.limits) {
                let lines = crate::core::json::parse::LineIndex::new(b);
                *f = f.clone().at(f.pointer.clone(), &root, &lines);
            }
        }
    }
    Ok(found)
}
