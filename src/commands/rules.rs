//! `git audit rules`, `git audit reference`, `git audit explain RULE` and `git audit baseline`.

use crate::cli::{BaselineArgs, ExplainArgs};

use crate::core::gate::{Baseline, Scope};
use crate::core::rules::RuleId;
use crate::core::rules::{self, RULES};
use crate::core::suppress;
use crate::error::{Error, Result};
use crate::io::git::{Repo, Source};
use crate::render::{self, write_error, ReportKind};
use crate::{Env, ExitStatus};

/// Every rule: id, default severity, one line.
pub fn list(env: &mut Env<'_>) -> Result<ExitStatus> {
    env.formats("rules", ReportKind::Rules)?;
    render::rule_list(env.format, env.out, RULES)?;
    Ok(ExitStatus::Ok)
}

/// The reference data (rules, commands, audit.toml keys) docs/ is rendered from.
pub fn reference(env: &mut Env<'_>) -> Result<ExitStatus> {
    env.formats("reference", ReportKind::Rules)?;
    let commands =
        render::reference::command_rows(&<crate::cli::Cli as clap::CommandFactory>::command());
    let config = crate::core::config::key_reference();
    render::reference::reference(env.format, env.out, RULES, &commands, &config)?;
    Ok(ExitStatus::Ok)
}

/// One rule in full.
pub fn explain(env: &mut Env<'_>, args: &ExplainArgs) -> Result<ExitStatus> {
    env.formats("explain", ReportKind::Rules)?;
    let Some(rule) = rules::rule(&args.rule) else {
        let close: Vec<&str> = RULES
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| {
                edit_distance(id, &args.rule) <= 2
                    || id.contains(args.rule.as_str())
                    || args.rule.split('-').any(|w| w.len() > 2 && id.contains(w))
            })
            .collect();
        return Err(Error::refused(
            format!("there is no rule `{}`", args.rule),
            if close.is_empty() {
                "`git audit rules` lists every rule".to_string()
            } else {
                format!(
                    "did you mean {}? (`git audit rules` lists every rule)",
                    close.join(", ")
                )
            },
        ));
    };
    render::rule(env.format, env.out, rule, env.paint)?;
    Ok(ExitStatus::Ok)
}

/// Records today's findings over every governed artifact in the index.
pub fn baseline(env: &mut Env<'_>, args: &BaselineArgs) -> Result<ExitStatus> {
    env.formats("baseline", ReportKind::Messages)?;
    let repo = Repo::open()?;
    let config = super::load_config(&repo, &Source::Index, env.config.as_deref())?;
    super::adopt::note_config(env, &repo, &Source::Index)?;
    let (text, accepted) = baseline_text(&repo, &config)?;
    if args.stdout {
        write!(env.out, "{text}").map_err(write_error)?;
        return Ok(ExitStatus::Ok);
    }
    repo.write_worktree(&config.baseline, text.as_bytes())?;
    writeln!(
        env.out,
        "wrote {}: {} finding{} accepted; only new findings will block. Commit it: git add {}",
        config.baseline,
        accepted,
        if accepted == 1 { "" } else { "s" },
        config.baseline
    )
    .map_err(write_error)?;
    Ok(ExitStatus::Ok)
}

/// The baseline of every finding in the index today (the current baseline ignored), and how
/// many findings it accepts.
pub fn baseline_text(repo: &Repo, config: &crate::core::config::Config) -> Result<(String, usize)> {
    let plan = super::check::Plan {
        before: Source::Empty,
        after: Source::Index,
        commit: None,
    };
    // Everything the rules find, the current baseline ignored: the new baseline accepts it all.
    let scope = Scope {
        baseline: Baseline::Ignore,
        ..Scope::EVERYTHING
    };
    let outcome = super::check::check_plan(repo, config, &plan, scope)?;
    let accepted: Vec<_> = outcome
        .findings
        .into_iter()
        .filter(|f| f.suppressed.is_none() && f.rule != RuleId::WaiverExpired)
        .collect();
    Ok((suppress::render_baseline(&accepted), accepted.len()))
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            row[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("schema", "shcema"), 2);
        assert_eq!(edit_distance("schema", "schema"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("beat-numbering", "beat-numbers"), 3);
    }
}
