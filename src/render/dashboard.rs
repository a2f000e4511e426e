//! The dashboard as Markdown (the default, `--format human`, and `$GITHUB_STEP_SUMMARY`): the
//! readiness checklist first, then one section per audit. Every id, path and message from the
//! repository goes through `core::escape`.

use std::io::Write;

use super::write_error;
use crate::core::dashboard::{Dashboard, Part, Ratio, Row, Status};
use crate::core::escape::{markdown_code as code, markdown_text as text};
use crate::error::Result;

/// How many rows a Markdown table shows before it says how many more there are.
const ROWS: usize = 30;

/// A commit id shortened to 10 characters; anything else (`the empty tree`) as it is.
pub(crate) fn short(id: &str) -> &str {
    if id.len() >= 40 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        id.get(..10).unwrap_or(id)
    } else {
        id
    }
}

pub(crate) fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

pub(crate) fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅ pass",
        Status::Fail => "❌ fail",
        Status::NotApplicable => "➖ n/a",
    }
}

fn ratio(r: &Ratio) -> String {
    format!(
        "{} ({}/{}), target {}",
        percent(r.ratio),
        r.covered,
        r.total,
        percent(r.target)
    )
}

fn finding_rows(out: &mut dyn Write, rows: &[Row]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n| severity | rule | where | message |\n|---|---|---|---|"
    )
    .map_err(write_error)?;
    for r in rows.iter().take(ROWS) {
        writeln!(
            out,
            "| {}{} | {} | {}:{} | {} |",
            r.severity.as_str(),
            if r.suppressed { " (suppressed)" } else { "" },
            code(&r.rule),
            code(&r.path),
            r.line,
            cell(&r.message)
        )
        .map_err(write_error)?;
    }
    more(out, rows.len())
}

fn more(out: &mut dyn Write, n: usize) -> Result<()> {
    if n > ROWS {
        writeln!(out, "\n…and {} more.", n - ROWS).map_err(write_error)?;
    }
    Ok(())
}

/// Prose inside a table cell: escaped, and `|` kept from ending the cell.
fn cell(s: &str) -> String {
    text(s).replace('|', "\\|")
}

fn heading(out: &mut dyn Write, title: &str) -> Result<()> {
    writeln!(out, "\n## {title}").map_err(write_error)
}

fn off<T>(out: &mut dyn Write, part: &Part<T>) -> Result<bool> {
    if let Part::NotConfigured { reason } = part {
        writeln!(out, "\nNot configured: {}.", text(reason)).map_err(write_error)?;
        return Ok(true);
    }
    Ok(false)
}

/// Deterministic Markdown: the same dashboard gives the same bytes.
pub fn markdown(out: &mut dyn Write, d: &Dashboard) -> Result<()> {
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(write_error);
    let snap = &d.snapshot;
    w(
        out,
        format!(
            "# git-audit dashboard: {} ({}, {})",
            code(&snap.rev),
            short(&snap.commit),
            snap.date
        ),
    )?;
    let r = &d.readiness;
    w(
        out,
        format!(
            "\nReadiness: **{}/{}**{} ({} from {}, {}).",
            r.pass,
            r.applicable,
            r.percent.map(|p| format!(" = {p:.1}%")).unwrap_or_default(),
            if snap.commits == 1 {
                "1 commit".to_string()
            } else {
                format!("{} commits", snap.commits)
            },
            code(short(&snap.base)),
            "items not applicable are not counted"
        ),
    )?;
    heading(out, "Readiness checklist")?;
    w(out, "\n| item | status | evidence |\n|---|---|---|".into())?;
    for i in &d.checklist {
        w(
            out,
            format!(
                "| {} | {} | {} |",
                i.name,
                status_mark(i.status),
                cell(&i.reason)
            ),
        )?;
    }

    let s = &d.sections;
    heading(out, "Structural changes")?;
    if !off(out, &s.changes)? {
        if let Part::Ready(c) = &s.changes {
            if c.artifacts.is_empty() {
                w(out, "\nNo governed artifact changed.".into())?;
            } else {
                w(
                    out,
                    "\n| artifact | kind | change | what changed |\n|---|---|---|---|".into(),
                )?;
                for a in c.artifacts.iter().take(ROWS) {
                    w(
                        out,
                        format!(
                            "| {} | {} | {}{} | {} |",
                            code(&a.path),
                            a.kind,
                            a.change,
                            if a.raw_only { " (formatting only)" } else { "" },
                            a.summary()
                        ),
                    )?;
                }
                more(out, c.artifacts.len())?;
            }
        }
    }

    heading(out, "Changelog")?;
    if let Part::Ready(c) = &s.changelog {
        let blocking = c.findings.iter().filter(|r| r.blocks()).count();
        w(
            out,
            format!(
                "\n`changelog verify` of {} commit{} in {}: {}.",
                c.commits,
                if c.commits == 1 { "" } else { "s" },
                code(&c.path),
                if blocking == 0 {
                    "every structural change has its entry".to_string()
                } else {
                    format!("{blocking} finding{}", if blocking == 1 { "" } else { "s" })
                }
            ),
        )?;
        finding_rows(out, &c.findings)?;
    } else {
        off(out, &s.changelog)?;
    }

    heading(out, "Integrity")?;
    if let Part::Ready(i) = &s.integrity {
        let m = &i.summary;
        w(
            out,
            format!(
                "\n{} locked, {} drifted, {} unlocked, {} unverifiable.",
                m.locked, m.drifted, m.unlocked, m.unverifiable
            ),
        )?;
        if !i.locks.is_empty() {
            w(out, "\n| artifact | lock | state | recorded | canonical | raw |\n|---|---|---|---|---|---|".into())?;
            let h = |x: &Option<String>| {
                x.as_deref()
                    .map(|v| code(v.get(..12).unwrap_or(v)))
                    .unwrap_or_else(|| "–".into())
            };
            for l in i.locks.iter().take(ROWS) {
                w(
                    out,
                    format!(
                        "| {} | {} | {} | {} | {} | {} |",
                        code(&l.path),
                        l.against,
                        l.state,
                        h(&l.recorded),
                        h(&l.canonical),
                        h(&l.raw)
                    ),
                )?;
            }
            more(out, i.locks.len())?;
        }
    } else {
        off(out, &s.integrity)?;
    }

    heading(out, "Compliance")?;
    if let Part::Ready(c) = &s.compliance {
        w(
            out,
            format!(
                "\n{} of {} governed document{} checked: {} finding{} ({} blocking, {} suppressed).",
                c.checked,
                c.governed,
                if c.governed == 1 { "" } else { "s" },
                c.total,
                if c.total == 1 { "" } else { "s" },
                c.blocking,
                c.suppressed
            ),
        )?;
        if !c.rules.is_empty() {
            w(
                out,
                "\n| rule | error | warning | info | suppressed |\n|---|---|---|---|---|".into(),
            )?;
            for r in &c.rules {
                w(
                    out,
                    format!(
                        "| {} | {} | {} | {} | {} |",
                        code(&r.rule),
                        r.error,
                        r.warning,
                        r.info,
                        r.suppressed
                    ),
                )?;
            }
        }
        finding_rows(out, &c.findings)?;
    } else {
        off(out, &s.compliance)?;
    }

    heading(out, "Provenance")?;
    if let Part::Ready(p) = &s.provenance {
        w(
            out,
            format!(
                "\n{} fresh, {} stale, {} edited, {} unknown.",
                p.fresh, p.stale, p.edited, p.unknown
            ),
        )?;
        if !p.docs.is_empty() {
            w(out, "\n| doc | state | why |\n|---|---|---|".into())?;
            for doc in p.docs.iter().take(ROWS) {
                w(
                    out,
                    format!(
                        "| {} | {} | {} |",
                        code(&doc.path),
                        doc.status,
                        cell(&doc.reason)
                    ),
                )?;
            }
            more(out, p.docs.len())?;
        }
    } else {
        off(out, &s.provenance)?;
    }

    heading(out, "BDD coverage")?;
    if let Part::Ready(b) = &s.bdd {
        w(
            out,
            format!("\nDomains with specs: {}.", ratio(&b.coverage)),
        )?;
        if !b.uncovered.is_empty() {
            let list: Vec<String> = b.uncovered.iter().take(ROWS).map(|d| code(d)).collect();
            w(
                out,
                format!(
                    "\nWithout a spec: {}{}.",
                    list.join(", "),
                    if b.uncovered.len() > ROWS {
                        ", …"
                    } else {
                        ""
                    }
                ),
            )?;
        }
    } else {
        off(out, &s.bdd)?;
    }

    heading(out, "Handlers")?;
    if let Part::Ready(h) = &s.handlers {
        w(
            out,
            format!(
                "\n{} beats, {} handlers ({} defined, {} with a test file).",
                h.beats, h.handlers, h.defined, h.with_test_file
            ),
        )?;
        w(
            out,
            format!(
                "\n- Tests: {}",
                match &h.tests {
                    Some(t) => format!(
                        "{} passed, {} failed, {} errors, {} skipped of {}.",
                        t.passed, t.failed, t.errors, t.skipped, t.total
                    ),
                    None => "no JUnit report given (`--junit`).".into(),
                }
            ),
        )?;
        w(
            out,
            format!(
                "- Coverage: {}",
                match &h.coverage {
                    Some(c) => format!("{}.", ratio(c)),
                    None => "no coverage report given (`--lcov`, `--cobertura`).".into(),
                }
            ),
        )?;
        if !h.reports.is_empty() {
            let names: Vec<String> = h.reports.iter().map(|n| code(n)).collect();
            w(out, format!("- Reports: {}.", names.join(", ")))?;
        }
    } else {
        off(out, &s.handlers)?;
    }

    heading(out, "Timing")?;
    if let Part::Ready(t) = &s.timing {
        w(
            out,
            format!(
                "\nBaseline {}: domains measured {}.",
                code(&t.baseline),
                ratio(&t.coverage)
            ),
        )?;
        match &t.run {
            None => w(out, "\nNo run compared (`--timings FILE…`).".into())?,
            Some(run) => {
                w(
                    out,
                    format!(
                        "\nRun of {} file{}: {} regression{}.",
                        run.files.len(),
                        if run.files.len() == 1 { "" } else { "s" },
                        run.regressions.len(),
                        if run.regressions.len() == 1 { "" } else { "s" }
                    ),
                )?;
                finding_rows(out, &run.regressions)?;
            }
        }
    } else {
        off(out, &s.timing)?;
    }

    heading(out, "Impact")?;
    if let Part::Ready(i) = &s.impact {
        w(
            out,
            format!(
                "\nLevel **{}**, score {} (commits' sum {}).",
                i.level, i.score, i.commit_score
            ),
        )?;
        if !i.commits.is_empty() {
            w(
                out,
                "\n| commit | level | score | summary |\n|---|---|---|---|".into(),
            )?;
            for c in i.commits.iter().take(ROWS) {
                w(
                    out,
                    format!(
                        "| {} | {} | {} | {} |",
                        code(short(&c.commit)),
                        c.level,
                        c.score,
                        cell(c.summary.as_deref().unwrap_or(""))
                    ),
                )?;
            }
            more(out, i.commits.len())?;
        }
        for v in &i.versions {
            w(
                out,
                format!(
                    "\n- {}: version {} → {} for a {} change: {}.",
                    code(&v.path),
                    code(v.from.as_deref().unwrap_or("none")),
                    code(v.to.as_deref().unwrap_or("none")),
                    v.required,
                    v.verdict
                ),
            )?;
        }
    } else {
        off(out, &s.impact)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboard::{
        assemble, ChangeRow, ChangelogSection, Changes, Compliance, Integrity, LockRow, Provenance,
        Sections, SnapshotInfo,
    };
    use crate::core::finding::Finding;
    use crate::core::rules::RuleId;

    fn board() -> Dashboard {
        let finding = Finding {
            line: 4,
            column: 5,
            ..Finding::new(
                RuleId::IdDuplicate,
                "orchestration-domains.json",
                "domain id `<script>|x` appears twice".into(),
                "rename one".into(),
            )
        };
        let sections = Sections {
            changes: Part::Ready(Changes {
                artifacts: vec![ChangeRow {
                    path: "orchestration-domains.json".into(),
                    kind: "registry".into(),
                    change: "modified".into(),
                    unit: "domains".into(),
                    added: 1,
                    removed: 0,
                    changed: 0,
                    beats: None,
                    raw_only: false,
                }],
            }),
            changelog: Part::Ready(ChangelogSection {
                path: "EVOLUTION.md".into(),
                commits: 1,
                findings: vec![],
            }),
            integrity: Part::Ready(Integrity::new(vec![LockRow {
                path: "orchestration-domains.json".into(),
                against: "embedded".into(),
                state: "drifted".into(),
                recorded: Some("a".repeat(64)),
                canonical: Some("b".repeat(64)),
                raw: Some("c".repeat(64)),
                detail: None,
            }])),
            compliance: Part::Ready(Compliance::of(3, 3, &[finding])),
            provenance: Part::Ready(Provenance {
                fresh: 0,
                stale: 0,
                edited: 0,
                unknown: 0,
                docs: vec![],
            }),
            bdd: Part::NotConfigured {
                reason: "no [bdd] table in audit.toml".into(),
            },
            handlers: Part::NotConfigured {
                reason: "no [handlers] table".into(),
            },
            timing: Part::NotConfigured {
                reason: "no timing baseline".into(),
            },
            impact: Part::NotConfigured {
                reason: "not assessed".into(),
            },
        };
        assemble(
            SnapshotInfo {
                rev: "HEAD".into(),
                commit: "0123456789abcdef0123456789abcdef01234567".into(),
                date: "2026-01-02".into(),
                base: "the empty tree".into(),
                commits: 1,
            },
            sections,
            None,
        )
    }

    #[test]
    fn markdown_snapshot() {
        let mut out = Vec::new();
        markdown(&mut out, &board()).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }
}
