//! Human output of findings (`check`, `ci`, `changelog verify`): compiler-style lines, a hint
//! under each, a summary; and of `verify`: a line per artifact that does not hold.

use crate::core::escape::terminal as t;
use std::io::Write;

use super::{write_error, Paint};
use crate::core::report::{CheckReport, Standing, VerifyReport};
use crate::core::rules::Severity;
use crate::error::Result;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `path:line:col: severity[rule]: message`, then `  hint: …`; commits as headers in a range.
pub fn human(out: &mut dyn Write, report: &CheckReport, paint: Paint, quiet: bool) -> Result<()> {
    let mut current: Option<&str> = None;
    // What matters now; suppressed findings are a count, listed by `check --show-suppressed`.
    for f in report
        .findings
        .iter()
        .filter(|f| (report.list_suppressed && !quiet) || f.suppressed.is_none())
    {
        if f.commit.as_deref() != current {
            current = f.commit.as_deref();
            if let Some(id) = current {
                let summary = report
                    .titles
                    .get(id)
                    .map(|title| format!("{} {}", id.get(..10).unwrap_or(id), t(title)))
                    .unwrap_or_else(|| t(id).into_owned());
                writeln!(out, "{}", paint.bold(&format!("commit {summary}")))
                    .map_err(write_error)?;
            }
        }
        if let Some(s) = &f.suppressed {
            let why = match (&s.owner, &s.expires) {
                (Some(o), Some(e)) => format!(
                    "{}: {} ({}, until {})",
                    s.kind,
                    t(&s.justification),
                    t(o),
                    t(e)
                ),
                _ => format!("{}: {}", s.kind, t(&s.justification)),
            };
            writeln!(
                out,
                "{}",
                paint.dim(&format!(
                    "{}:{}:{}: suppressed {}[{}]: {} [{why}]",
                    t(&f.path),
                    f.line,
                    f.column,
                    f.severity,
                    f.rule,
                    t(&f.message)
                ))
            )
            .map_err(write_error)?;
            continue;
        }
        let severity = match f.severity {
            Severity::Error => paint.red(&format!("error[{}]", f.rule)),
            Severity::Warning => paint.yellow(&format!("warning[{}]", f.rule)),
            Severity::Info => paint.cyan(&format!("info[{}]", f.rule)),
        };
        writeln!(
            out,
            "{}: {severity}: {}",
            paint.bold(&format!("{}:{}:{}", t(&f.path), f.line, f.column)),
            t(&f.message)
        )
        .map_err(write_error)?;
        if !f.pointer.is_root() {
            writeln!(out, "  {} {}", paint.dim("at"), t(&f.pointer.to_string()))
                .map_err(write_error)?;
        }
        writeln!(out, "  {} {}", paint.cyan("hint:"), t(&f.hint)).map_err(write_error)?;
    }
    let suppressed = report.suppressed();
    if report.findings.len() == suppressed && quiet {
        return Ok(());
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let infos = report.count(Severity::Info);
    let checked = if report.checked == 0 && report.commits > 0 {
        plural(report.commits, "commit")
    } else {
        plural(report.checked, "artifact")
    };
    // A configuration that governs nothing in the snapshot says so: never a quiet pass.
    let nothing = if report.governed == Some(0) {
        "; no artifact is governed in this snapshot (see audit.toml's [[artifact]] tables)"
    } else {
        ""
    };
    let line = if report.findings.is_empty() {
        paint.green(&format!(
            "git-audit: no findings; {checked} checked ({}){nothing}",
            report.scope
        ))
    } else {
        let mut parts = vec![plural(errors, "error"), plural(warnings, "warning")];
        if infos > 0 {
            parts.push(plural(infos, "note"));
        }
        if suppressed > 0 && report.list_suppressed {
            parts.push(format!("{suppressed} suppressed"));
        } else if suppressed > 0 {
            parts.push(format!(
                "{suppressed} suppressed by waivers or the baseline (`--show-suppressed` lists them)"
            ));
        }
        let text = format!(
            "git-audit: {}; {checked} checked ({}){nothing}",
            parts.join(", "),
            report.scope
        );
        if errors > 0 {
            paint.red(&text)
        } else {
            paint.yellow(&text)
        }
    };
    writeln!(out, "{line}").map_err(write_error)
}

/// One line per artifact that does not hold; a summary line always.
pub fn verify_human(out: &mut dyn Write, report: &VerifyReport, paint: Paint) -> Result<()> {
    for e in report
        .entries
        .iter()
        .filter(|e| e.standing != Standing::Holds)
    {
        let standing = match e.standing {
            Standing::Drifted | Standing::Unverifiable => paint.red(e.standing.as_str()),
            Standing::Removed | Standing::Added => paint.yellow(e.standing.as_str()),
            _ => paint.dim(e.standing.as_str()),
        };
        let mut line = format!("{standing:>12}  {}  ({})", t(&e.path), t(e.against));
        if let (Some(r), Some(a)) = (&e.recorded, &e.actual) {
            line.push_str(&format!(
                "  recorded {} now {}",
                r.get(..12).unwrap_or(r),
                a.get(..12).unwrap_or(a)
            ));
        }
        if let Some(d) = &e.detail {
            line.push_str(&format!(": {d}"));
        }
        writeln!(out, "{line}").map_err(write_error)?;
    }
    let against = match &report.snapshot {
        Some(name) => format!("snapshot {name:?}"),
        None => "their locks".to_string(),
    };
    let holds = report.entries.len() - report.drifted;
    let text = if report.drifted == 0 {
        format!(
            "git-audit verify: all {} hold against {against} (the {})",
            plural(holds, "artifact"),
            report.source
        )
    } else {
        format!(
            "git-audit verify: {} of {} drifted or unverified against {against} (the {}); {holds} hold",
            report.drifted,
            plural(report.entries.len(), "artifact"),
            report.source
        )
    };
    writeln!(
        out,
        "{}",
        if report.drifted == 0 {
            paint.green(&text)
        } else {
            paint.yellow(&text)
        }
    )
    .map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::finding::Finding;
    use crate::core::json::Pointer;
    use crate::core::rules::RuleId;

    #[test]
    fn human_snapshot() {
        let mut a = Finding::new(
            RuleId::LockMismatch,
            "orchestration-domains.json",
            "edited outside its sanctioned generator".into(),
            "re-lock it: `git audit lock orchestration-domains.json --stage`".into(),
        );
        a.pointer = Pointer::parse("/integrity").unwrap();
        a.line = 66;
        a.column = 16;
        let mut b = Finding::new(
            RuleId::EventName,
            "s.json",
            "event \"A\" does not match".into(),
            "rename it".into(),
        );
        b.severity = Severity::Warning;
        let mut c = Finding::new(RuleId::Schema, "s.json", "waived one".into(), "h".into());
        c.suppressed = Some(crate::core::finding::Suppression {
            kind: "waiver",
            justification: "known".into(),
            owner: Some("ada".into()),
            expires: Some("2099-01-01".into()),
        });
        let mut report = CheckReport::new();
        report.findings = vec![a, b, c];
        report.checked = 2;
        report.ok = false;
        report.scope = "the index against HEAD".into();
        report.list_suppressed = true;
        let mut out = Vec::new();
        human(&mut out, &report, Paint::PLAIN, false).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
        // By default a suppressed finding is a count in the summary, not a line.
        report.list_suppressed = false;
        let mut counted = Vec::new();
        human(&mut counted, &report, Paint::PLAIN, false).unwrap();
        let counted = String::from_utf8(counted).unwrap();
        assert!(!counted.contains("waived one"), "{counted}");
        assert!(
            counted.contains(
                "1 suppressed by waivers or the baseline (`--show-suppressed` lists them)"
            ),
            "{counted}"
        );
        // From a hook, suppressed findings are not listed.
        let mut quiet = Vec::new();
        human(&mut quiet, &report, Paint::PLAIN, true).unwrap();
        assert!(!String::from_utf8(quiet).unwrap().contains("waived one"));
    }
}
