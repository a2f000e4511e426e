//! The output formats (`--format`) and, for each kind of report, the formats it is written in.
//!
//! `Format` is defined here, beside the printers that honour it, so render/ never depends on
//! the command line; `cli` uses it as a clap value (the derive is all render takes from clap).

use crate::error::Error;

/// How a report is written to standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Compact, coloured text for people.
    Human,
    /// Versioned JSON for programs.
    Json,
    /// A Markdown summary a pull-request comment can carry.
    Markdown,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow commands (annotations), plus a step summary.
    Github,
    /// JUnit XML, one test case per rule.
    Junit,
    /// One self-contained HTML page (`dashboard`).
    Html,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Html => "html",
        }
    }

    /// Whether the format writes a second, Markdown summary (`$GITHUB_STEP_SUMMARY`) besides
    /// standard output; the caller opens it and hands it to [`super::ci::step_summary`].
    pub fn writes_step_summary(self) -> bool {
        self == Format::Github
    }
}

/// What a command reports, as far as the choice of printer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// `check`, `ci`, `changelog verify`: a `CheckReport`.
    Findings,
    /// `verify`: a `VerifyReport`.
    Verify,
    /// `hash`: a `HashReport`.
    Hash,
    /// `diff`: a `DiffReport`.
    Diff,
    /// `release-notes`: `ReleaseNotes` (human output is the Markdown).
    ReleaseNotes,
    /// `rules` and `explain`: the rule catalogue.
    Rules,
    /// `install` and `uninstall`: what was done to each hook.
    Install,
    /// `impact`: an `ImpactReport`.
    Impact,
    /// `bdd`: a `BddReport`.
    Bdd,
    /// `timing ingest` and `timing baseline --write`.
    Timing,
    /// `docs status`: the provenance index of generated docs.
    Docs,
    /// Commands that only tell people what they did (`lock`, `init`, `demo`, `baseline`,
    /// `changelog rebuild`).
    Messages,
    /// `git audit handlers` and its `scaffold`.
    Handlers,
    /// `git audit dashboard` (human output is the Markdown).
    Dashboard,
}

impl ReportKind {
    /// The formats this kind of report is written in, in the order a refusal lists them.
    pub const fn formats(self) -> &'static [Format] {
        match self {
            ReportKind::Findings => &[
                Format::Human,
                Format::Json,
                Format::Sarif,
                Format::Github,
                Format::Junit,
            ],
            ReportKind::Diff
            | ReportKind::Impact
            | ReportKind::Bdd
            | ReportKind::Docs
            | ReportKind::Rules => &[Format::Human, Format::Json, Format::Markdown],
            ReportKind::ReleaseNotes => &[Format::Markdown, Format::Human, Format::Json],
            ReportKind::Verify | ReportKind::Hash | ReportKind::Install | ReportKind::Timing => {
                &[Format::Human, Format::Json]
            }
            ReportKind::Messages => &[Format::Human],
            ReportKind::Handlers => &[Format::Human, Format::Json],
            ReportKind::Dashboard => &[
                Format::Markdown,
                Format::Human,
                Format::Json,
                Format::Html,
                Format::Github,
            ],
        }
    }

    /// Whether this kind of report is written in `format`.
    pub fn accepts(self, format: Format) -> bool {
        self.formats().contains(&format)
    }

    /// What the report is called in a refusal.
    fn noun(self) -> &'static str {
        match self {
            ReportKind::Findings => "findings",
            ReportKind::Verify => "verify reports",
            ReportKind::Hash => "hashes",
            ReportKind::Diff => "diffs",
            ReportKind::ReleaseNotes => "release notes",
            ReportKind::Rules => "rules",
            ReportKind::Install => "install reports",
            ReportKind::Impact => "impact reports",
            ReportKind::Timing => "timing reports",
            ReportKind::Messages => "messages",
            ReportKind::Bdd => "BDD reports",
            ReportKind::Handlers => "handler reports",
            ReportKind::Docs => "doc provenance reports",
            ReportKind::Dashboard => "dashboards",
        }
    }

    /// The refusal of a printer asked for a format it does not write (a command refuses it
    /// first, naming itself, with `Env::formats`): `findings are written as human, json, sarif,
    /// github or junit`.
    pub(crate) fn unsupported(self) -> Error {
        let names: Vec<&str> = self.formats().iter().map(|f| f.name()).collect();
        let list = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.join(""),
        };
        Error::Usage(format!("{} are written as {list}", self.noun()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_findings_refusal_reads_as_it_always_has() {
        assert_eq!(
            ReportKind::Findings.unsupported().to_string(),
            Error::Usage("findings are written as human, json, sarif, github or junit".into())
                .to_string()
        );
        assert!(ReportKind::Diff.accepts(Format::Markdown));
        assert!(!ReportKind::Findings.accepts(Format::Markdown));
        assert_eq!(ReportKind::Messages.formats(), &[Format::Human]);
    }
}
