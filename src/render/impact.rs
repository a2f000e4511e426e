//! Human and Markdown output of `git audit impact`: per commit, per artifact, per item (semantic
//! changes apart), the range's totals, and with `--since` the trend over history.

use std::io::Write;

use super::{write_error, Paint};
use crate::core::escape;
use crate::core::impact::{
    ArtifactImpact, BumpCheck, CommitImpact, ImpactReport, ItemImpact, Level, Verdict,
};
use crate::error::Result;

fn short(commit: &str) -> &str {
    if commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        &commit[..7]
    } else {
        commit
    }
}

fn paint_level(paint: Paint, level: Level) -> String {
    let text = format!("{:<5}", level.as_str());
    match level {
        Level::Major => paint.red(&text),
        Level::Minor => paint.yellow(&text),
        Level::Patch => paint.cyan(&text),
        Level::None => paint.dim(&text),
    }
}

/// One item's human line: its level, score and text.
fn item_line(paint: Paint, i: &ItemImpact, code: &dyn Fn(&str) -> String) -> String {
    format!(
        "    {} {:>4}  {}",
        paint_level(paint, i.level),
        i.score,
        item_text(i, code)
    )
}

fn item_text(i: &ItemImpact, code: &dyn Fn(&str) -> String) -> String {
    let id = if i.id.is_empty() { "(root)" } else { &i.id };
    let mut text = format!("{} {} {}", i.change.as_str(), i.kind, code(id));
    if !i.fields.is_empty() {
        const SHOWN: usize = 4;
        let mut shown: Vec<String> = i.fields.iter().take(SHOWN).map(|f| code(f)).collect();
        if i.fields.len() > SHOWN {
            shown.push(format!("and {} more", i.fields.len() - SHOWN));
        }
        text.push_str(&format!(": {}", shown.join(", ")));
    }
    if let Some(c) = &i.category {
        text.push_str(&format!(" [{}]", code(c)));
    }
    text
}

/// Structural items first, then the semantic ones, each by score (highest first), then id.
fn ordered(a: &ArtifactImpact) -> (Vec<&ItemImpact>, Vec<&ItemImpact>) {
    let mut items: Vec<&ItemImpact> = a.items.iter().collect();
    items.sort_by(|x, y| {
        (y.level, y.score)
            .cmp(&(x.level, x.score))
            .then_with(|| x.id.cmp(&y.id))
    });
    items.into_iter().partition(|i| !i.semantic)
}

/// `orchestration-domains.json: "1.0.0" → "1.0.0", a minor change needs at least 1.1.0`.
fn version_text(v: &BumpCheck, code: &dyn Fn(&str) -> String) -> String {
    let shown = |s: &Option<String>| {
        s.as_deref()
            .map_or_else(|| "missing".to_string(), |s| format!("{s:?}"))
    };
    let verdict = match v.verdict {
        Verdict::Enough if v.required == Level::None => "nothing to raise".to_string(),
        Verdict::Enough => format!("raised enough for a {} change", v.required),
        Verdict::TooSmall => format!(
            "a {} change needs at least {}",
            v.required,
            v.needed.as_deref().unwrap_or("a higher version")
        ),
        Verdict::AfterNotSemver => "not a MAJOR.MINOR.PATCH version after".to_string(),
        Verdict::BeforeNotSemver => "not a MAJOR.MINOR.PATCH version before".to_string(),
    };
    format!(
        "{}: {} → {}, {verdict}",
        code(&v.path),
        shown(&v.from),
        shown(&v.to)
    )
}

fn commit_title(c: &CommitImpact) -> String {
    let mut t = short(&c.commit).to_string();
    if let Some(d) = &c.date {
        t.push_str(&format!(" {d}"));
    }
    if let Some(s) = &c.summary {
        t.push_str(&format!(" {}", escape::terminal(s)));
    }
    t
}

/// Compact, coloured text.
pub fn human(out: &mut dyn Write, report: &ImpactReport, paint: Paint) -> Result<()> {
    let w = |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(write_error);
    let code = |s: &str| escape::terminal(s).into_owned();
    if report.commits.is_empty() {
        w(
            out,
            format!(
                "impact of {}: no governed artifact changed",
                code(&report.range)
            ),
        )?;
        return Ok(());
    }
    for c in &report.commits {
        w(
            out,
            format!(
                "{} {} score {:>4}  {}",
                paint.bold("commit"),
                paint_level(paint, c.level),
                c.score,
                commit_title(c)
            ),
        )?;
        for a in &c.artifacts {
            w(
                out,
                format!(
                    "  {} {} score {}",
                    code(&a.path),
                    paint_level(paint, a.level),
                    a.score
                ),
            )?;
            let (structural, semantic) = ordered(a);
            for i in structural {
                w(out, item_line(paint, i, &code))?;
            }
            if !semantic.is_empty() {
                w(
                    out,
                    format!(
                        "    {}",
                        paint.dim("semantic (name, description, purpose):")
                    ),
                )?;
                for i in semantic {
                    w(out, item_line(paint, i, &code))?;
                }
            }
        }
        if !c.unassessed.is_empty() {
            let paths: Vec<String> = c.unassessed.iter().map(|p| code(p)).collect();
            w(
                out,
                format!(
                    "  {} not assessed (could not be read): {}",
                    paint.red("!"),
                    paths.join(", ")
                ),
            )?;
        }
    }
    if report.trend {
        w(out, String::new())?;
        w(out, paint.bold("trend (oldest first):"))?;
        let mut running = 0u64;
        for c in &report.commits {
            running += c.score;
            w(
                out,
                format!(
                    "  {} {:>5} {:>6}  {}",
                    paint_level(paint, c.level),
                    c.score,
                    running,
                    commit_title(c)
                ),
            )?;
        }
    }
    w(
        out,
        format!(
            "{} of {}: {} score {} (net change; the commits' scores sum to {} over {} commit{})",
            paint.bold("total"),
            code(&report.range),
            paint_level(paint, report.total.level).trim_end(),
            report.total.score,
            report.total.commit_score,
            report.commits.len(),
            if report.commits.len() == 1 { "" } else { "s" }
        ),
    )?;
    for v in &report.versions {
        let mark = if v.verdict == Verdict::Enough {
            paint.green("version")
        } else {
            paint.red("version")
        };
        w(out, format!("{mark} {}", version_text(v, &code)))?;
    }
    Ok(())
}

/// A Markdown summary for a pull request or an evolution report.
pub fn markdown(out: &mut dyn Write, report: &ImpactReport) -> Result<()> {
    let w = |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(write_error);
    let code = |s: &str| escape::markdown_code(s);
    let text = |s: &str| escape::markdown_text(s).into_owned();
    w(out, format!("## Impact of {}\n", code(&report.range)))?;
    w(
        out,
        format!(
            "**Total: {}**, score {} (net change); the commits' scores sum to {}.\n",
            report.total.level, report.total.score, report.total.commit_score
        ),
    )?;
    for v in &report.versions {
        w(out, format!("- version of {}\n", version_text(v, &code)))?;
    }
    if report.trend || report.commits.len() > 1 {
        w(
            out,
            "| Commit | Date | Level | Score | Running | Subject |".into(),
        )?;
        w(out, "|---|---|---|---:|---:|---|".into())?;
        let mut running = 0u64;
        for c in &report.commits {
            running += c.score;
            w(
                out,
                format!(
                    "| {} | {} | {} | {} | {} | {} |",
                    code(short(&c.commit)),
                    c.date.as_deref().unwrap_or(""),
                    c.level,
                    c.score,
                    running,
                    text(c.summary.as_deref().unwrap_or("")).replace('|', "\\|")
                ),
            )?;
        }
        w(out, String::new())?;
    }
    for c in &report.commits {
        w(
            out,
            format!(
                "### {} — {}, score {}\n",
                code(short(&c.commit)),
                c.level,
                c.score
            ),
        )?;
        for a in &c.artifacts {
            w(
                out,
                format!("- {} — **{}**, score {}", code(&a.path), a.level, a.score),
            )?;
            let (structural, semantic) = ordered(a);
            for i in structural {
                w(
                    out,
                    format!("  - {} {}: {}", i.level, i.score, item_text(i, &code)),
                )?;
            }
            for i in semantic {
                w(
                    out,
                    format!(
                        "  - semantic: {} {}: {}",
                        i.level,
                        i.score,
                        item_text(i, &code)
                    ),
                )?;
            }
        }
        if !c.unassessed.is_empty() {
            let paths: Vec<String> = c.unassessed.iter().map(|p| code(p)).collect();
            w(out, format!("- not assessed: {}", paths.join(", ")))?;
        }
        w(out, String::new())?;
    }
    Ok(())
}
