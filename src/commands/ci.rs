//! `git audit ci`: the pull-request gate. Finds base and head from GitHub Actions or GitLab CI
//! (or `--base`/`--head`), then checks every commit in between against its first parent and
//! verifies their changelog entries.

use serde_json::Value;

use crate::cli::CiArgs;
use crate::core::finding::{self, Finding};
use crate::core::gate::Scope;
use crate::core::report::CheckReport;
use crate::error::{Error, Result};
use crate::io::git::{Repo, Source};
use crate::render::ReportKind;
use crate::{Env, ExitStatus};

/// Where base and head came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub base: String,
    pub head: String,
    /// Which CI system and event named them, for messages.
    pub from: String,
}

fn nonzero(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.is_empty() && v.chars().any(|c| c != '0'))
}

/// Base and head from the command line, else from the CI environment (`var` reads a variable,
/// `event` is GitHub's event payload when there is one).
pub fn endpoints(
    args: &CiArgs,
    var: &dyn Fn(&str) -> Option<String>,
    event: Option<&Value>,
) -> std::result::Result<Endpoints, String> {
    let head_default = |detected: Option<String>| {
        args.head
            .clone()
            .or(detected)
            .unwrap_or_else(|| "HEAD".to_string())
    };
    if let Some(base) = &args.base {
        return Ok(Endpoints {
            base: base.clone(),
            head: head_default(None),
            from: "--base".into(),
        });
    }
    if var("GITHUB_ACTIONS").as_deref() == Some("true") {
        let name = var("GITHUB_EVENT_NAME").unwrap_or_default();
        let at = |path: &[&str]| {
            let mut v = event?;
            for p in path {
                v = v.get(*p)?;
            }
            v.as_str().map(str::to_string)
        };
        if name.starts_with("pull_request") || name == "merge_group" {
            let base = at(&["pull_request", "base", "sha"])
                .or_else(|| at(&["merge_group", "base_sha"]))
                .or_else(|| {
                    var("GITHUB_BASE_REF")
                        .filter(|r| !r.is_empty())
                        .map(|r| format!("origin/{r}"))
                });
            let head =
                at(&["pull_request", "head", "sha"]).or_else(|| at(&["merge_group", "head_sha"]));
            if let Some(base) = base {
                return Ok(Endpoints {
                    base,
                    head: head_default(head),
                    from: format!("GitHub Actions ({name})"),
                });
            }
        }
        if name == "push" {
            if let Some(before) = nonzero(at(&["before"])) {
                return Ok(Endpoints {
                    base: before,
                    head: head_default(var("GITHUB_SHA")),
                    from: "GitHub Actions (push)".into(),
                });
            }
        }
        return Err(format!(
            "GitHub Actions event {name:?} names no base commit; pass --base (for example --base origin/main)"
        ));
    }
    if var("GITLAB_CI").as_deref() == Some("true") {
        if let Some(base) = nonzero(var("CI_MERGE_REQUEST_DIFF_BASE_SHA")) {
            return Ok(Endpoints {
                base,
                head: head_default(var("CI_COMMIT_SHA")),
                from: "GitLab CI (merge request)".into(),
            });
        }
        if let Some(before) = nonzero(var("CI_COMMIT_BEFORE_SHA")) {
            return Ok(Endpoints {
                base: before,
                head: head_default(var("CI_COMMIT_SHA")),
                from: "GitLab CI (push)".into(),
            });
        }
        return Err(
            "GitLab CI names no base commit (a new branch or a scheduled pipeline); pass --base (for example --base origin/main)"
                .into(),
        );
    }
    Err("not on GitHub Actions or GitLab CI; pass --base REV (and --head REV, default HEAD)".into())
}

pub fn run(env: &mut Env<'_>, args: &CiArgs) -> Result<ExitStatus> {
    env.formats("ci", ReportKind::Findings)?;
    let repo = Repo::open()?;
    let var = |k: &str| std::env::var(k).ok();
    // A payload that cannot be read or parsed is said as such (where, and why), not as an event
    // that names no base commit; it matters only when --base does not name one.
    let event: Option<Value> = match var("GITHUB_EVENT_PATH").filter(|p| !p.is_empty()) {
        None => None,
        Some(path) => match std::fs::read(&path)
            .map_err(|e| format!("cannot be read: {e}"))
            .and_then(|b| {
                serde_json::from_slice::<Value>(&b).map_err(|e| format!("is not valid JSON: {e}"))
            }) {
            Ok(v) => Some(v),
            Err(why) if args.base.is_none() && var("GITHUB_ACTIONS").as_deref() == Some("true") => {
                return Err(Error::refused(
                    format!("the GitHub Actions event payload {path} (GITHUB_EVENT_PATH) {why}"),
                    "pass --base (for example --base origin/main), or fix the step that writes the payload",
                ));
            }
            Err(_) => None,
        },
    };
    let ends = endpoints(args, &var, event.as_ref()).map_err(|m| {
        Error::refused(
            m,
            "see git-audit's docs/ci.md for a workflow that sets this up",
        )
    })?;
    for (what, rev) in [("base", &ends.base), ("head", &ends.head)] {
        if repo.resolve_commit(rev).is_err() {
            let hint = if repo.is_shallow() {
                "this is a shallow clone without that commit: fetch the history (GitHub: actions/checkout with `fetch-depth: 0`; GitLab: `GIT_DEPTH: \"0\"`; by hand: `git fetch --unshallow`)".to_string()
            } else {
                format!("fetch it (`git fetch origin {rev}`) or pass --{what}")
            };
            return Err(Error::refused(
                format!(
                    "the {what} commit {rev} ({}) is not in this clone",
                    ends.from
                ),
                hint,
            ));
        }
    }
    let range = format!("{}..{}", ends.base, ends.head);
    let commits = repo.range(&ends.base, &ends.head).map_err(|e| {
        if repo.is_shallow() {
            Error::refused(
                format!("cannot walk {range} in this shallow clone: {e}"),
                "fetch the whole history (actions/checkout `fetch-depth: 0`, GitLab `GIT_DEPTH: \"0\"`)",
            )
        } else {
            e
        }
    })?;
    let reports = super::handlers::read_reports(&args.reports)?;
    let predating = super::changelog::predating(&repo, &ends.head, env.config.as_deref())?;
    let mut report = CheckReport::new();
    for (i, commit) in commits.iter().enumerate() {
        let plan = super::check::Plan {
            before: commit.parent.clone().map_or(Source::Empty, Source::Rev),
            after: Source::Rev(commit.id.clone()),
            commit: Some(commit.clone()),
        };
        let config = super::load_config(&repo, &plan.after, env.config.as_deref())?;
        let outcome = super::check::check_plan(&repo, &config, &plan, Scope::CHANGES)?;
        let mut findings: Vec<Finding> = outcome.findings;
        let measured = (i + 1 == commits.len()).then_some(&reports);
        findings.extend(super::handlers::gate_findings(
            &repo, &config, &plan, false, measured,
        )?);
        if !predating.contains(&commit.id) {
            findings.extend(super::changelog::verify_one(
                &repo,
                commit,
                env.config.as_deref(),
            )?);
        }
        findings.extend(super::timing::gate_findings(&repo, &config, &plan, false)?);
        finding::sort(&mut findings);
        report.checked += outcome.checked;
        report.governed = Some(report.governed.unwrap_or(0).max(outcome.governed));
        report.findings.extend(findings);
    }
    report.commits = commits.len();
    report.ok = !report.findings.iter().any(Finding::blocks);
    report.scope = format!(
        "{} commit{} in {range}, from {}",
        commits.len(),
        if commits.len() == 1 { "" } else { "s" },
        ends.from
    );
    report.title_commits(&commits);
    super::emit_findings(env, &report, false)?;
    Ok(ExitStatus::from_ok(report.ok))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ZERO: &str = "0000000000000000000000000000000000000000";

    fn env_of<'p>(pairs: &'p [(&'p str, &'p str)]) -> impl Fn(&str) -> Option<String> + 'p {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn args(base: Option<&str>, head: Option<&str>) -> CiArgs {
        CiArgs {
            base: base.map(String::from),
            head: head.map(String::from),
            reports: Default::default(),
        }
    }

    #[test]
    fn explicit_base_wins() {
        let e = endpoints(
            &args(Some("main"), None),
            &env_of(&[("GITHUB_ACTIONS", "true")]),
            None,
        )
        .unwrap();
        assert_eq!((e.base.as_str(), e.head.as_str()), ("main", "HEAD"));
    }

    #[test]
    fn github_pull_request_reads_the_event() {
        let event = json!({"pull_request": {"base": {"sha": "b1"}, "head": {"sha": "h1"}}});
        let vars = [
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "pull_request"),
        ];
        let e = endpoints(&args(None, None), &env_of(&vars), Some(&event)).unwrap();
        assert_eq!((e.base.as_str(), e.head.as_str()), ("b1", "h1"));
        // Without a payload the base branch is enough.
        let vars = [
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_BASE_REF", "main"),
        ];
        let e = endpoints(&args(None, None), &env_of(&vars), None).unwrap();
        assert_eq!((e.base.as_str(), e.head.as_str()), ("origin/main", "HEAD"));
    }

    #[test]
    fn github_push_uses_before_unless_it_is_zero() {
        let vars = [
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_SHA", "s2"),
        ];
        let e = endpoints(
            &args(None, None),
            &env_of(&vars),
            Some(&json!({"before": "s1"})),
        )
        .unwrap();
        assert_eq!((e.base.as_str(), e.head.as_str()), ("s1", "s2"));
        let err = endpoints(
            &args(None, None),
            &env_of(&vars),
            Some(&json!({"before": ZERO})),
        )
        .unwrap_err();
        assert!(err.contains("--base"), "{err}");
    }

    #[test]
    fn gitlab_merge_request_and_push() {
        let vars = [
            ("GITLAB_CI", "true"),
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", "mb"),
            ("CI_COMMIT_SHA", "c"),
        ];
        let e = endpoints(&args(None, None), &env_of(&vars), None).unwrap();
        assert_eq!((e.base.as_str(), e.head.as_str()), ("mb", "c"));
        let vars = [("GITLAB_CI", "true"), ("CI_COMMIT_BEFORE_SHA", ZERO)];
        assert!(endpoints(&args(None, None), &env_of(&vars), None).is_err());
    }

    #[test]
    fn nowhere_says_what_to_pass() {
        let err = endpoints(&args(None, None), &env_of(&[]), None).unwrap_err();
        assert!(err.contains("--base"), "{err}");
    }
}
