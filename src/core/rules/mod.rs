//! The rule catalogue: every finding git-audit can report, as data (id, default severity,
//! description, rationale, an example that triggers it). One registry; nothing else names rules.

pub mod governance;
pub mod integrity;

use std::fmt;

use serde::Serialize;

/// How much a finding matters. Only `error` blocks a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity as audit.toml sets it: a severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl Level {
    /// The severity findings get at this level; `None` when the rule is off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

/// Every rule's id. A finding carries one, so a rule that is not in the catalogue cannot be
/// reported; serialised (and sorted) as its kebab-case id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleId {
    JsonSyntax,
    JsonDuplicateKey,
    JsonLimits,
    ArtifactType,
    IdMissing,
    IdDuplicate,
    RequiredField,
    FieldType,
    LockMismatch,
    LockMissing,
    LockfileMismatch,
    RegistryMissingSequence,
    RegistryDanglingSequence,
    RegistrySequenceMismatch,
    SequenceIdDuplicate,
    BeatNumbering,
    BeatHandlerMissing,
    BeatEventMissing,
    EventName,
    PathSeparator,
    PathMissing,
    Schema,
    PlanCoverage,
    WaiverExpired,
    ChangelogMissing,
    ChangelogExtra,
    ChangelogDuplicate,
    VersionBumpMissing,
    ImpactThreshold,
    BddCoverage,
    BddFeatureInvalid,
    BddFeatureOrphan,
    BddLinkBroken,
    BddEventUnknown,
    BddSpecHandlerMismatch,
    BddStubOnly,
    HandlerUndefined,
    HandlerTestMissing,
    HandlerTestPath,
    HandlerTestUnrelated,
    HandlerCoverage,
    TestsFailing,
    TimingRegression,
    TimingCoverage,
    TimingUnknownSequence,
    TimingBaselineStale,
    DocStale,
    DocEdited,
    DocBannerMissing,
    DocSourceMissing,
    DocSourceUntracked,
    RegistryStale,
    RegistrySourceDuplicateId,
    RegistrySourceInvalid,
}

impl RuleId {
    /// Every rule id, in catalogue order.
    pub const ALL: &'static [RuleId] = &[
        RuleId::JsonSyntax,
        RuleId::JsonDuplicateKey,
        RuleId::JsonLimits,
        RuleId::ArtifactType,
        RuleId::IdMissing,
        RuleId::IdDuplicate,
        RuleId::RequiredField,
        RuleId::FieldType,
        RuleId::LockMismatch,
        RuleId::LockMissing,
        RuleId::LockfileMismatch,
        RuleId::RegistryMissingSequence,
        RuleId::RegistryDanglingSequence,
        RuleId::RegistrySequenceMismatch,
        RuleId::SequenceIdDuplicate,
        RuleId::BeatNumbering,
        RuleId::BeatHandlerMissing,
        RuleId::BeatEventMissing,
        RuleId::EventName,
        RuleId::PathSeparator,
        RuleId::PathMissing,
        RuleId::Schema,
        RuleId::PlanCoverage,
        RuleId::WaiverExpired,
        RuleId::ChangelogMissing,
        RuleId::ChangelogExtra,
        RuleId::ChangelogDuplicate,
        RuleId::VersionBumpMissing,
        RuleId::ImpactThreshold,
        RuleId::BddCoverage,
        RuleId::BddFeatureInvalid,
        RuleId::BddFeatureOrphan,
        RuleId::BddLinkBroken,
        RuleId::BddEventUnknown,
        RuleId::BddSpecHandlerMismatch,
        RuleId::BddStubOnly,
        RuleId::HandlerUndefined,
        RuleId::HandlerTestMissing,
        RuleId::HandlerTestPath,
        RuleId::HandlerTestUnrelated,
        RuleId::HandlerCoverage,
        RuleId::TestsFailing,
        RuleId::TimingRegression,
        RuleId::TimingCoverage,
        RuleId::TimingUnknownSequence,
        RuleId::TimingBaselineStale,
        RuleId::DocStale,
        RuleId::DocEdited,
        RuleId::DocBannerMissing,
        RuleId::DocSourceMissing,
        RuleId::DocSourceUntracked,
        RuleId::RegistryStale,
        RuleId::RegistrySourceDuplicateId,
        RuleId::RegistrySourceInvalid,
    ];

    /// The stable kebab-case id users write in audit.toml, waivers and `explain`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::JsonSyntax => "json-syntax",
            RuleId::JsonDuplicateKey => "json-duplicate-key",
            RuleId::JsonLimits => "json-limits",
            RuleId::ArtifactType => "artifact-type",
            RuleId::IdMissing => "id-missing",
            RuleId::IdDuplicate => "id-duplicate",
            RuleId::RequiredField => "required-field",
            RuleId::FieldType => "field-type",
            RuleId::LockMismatch => "lock-mismatch",
            RuleId::LockMissing => "lock-missing",
            RuleId::LockfileMismatch => "lockfile-mismatch",
            RuleId::RegistryMissingSequence => "registry-missing-sequence",
            RuleId::RegistryDanglingSequence => "registry-dangling-sequence",
            RuleId::RegistrySequenceMismatch => "registry-sequence-mismatch",
            RuleId::SequenceIdDuplicate => "sequence-id-duplicate",
            RuleId::BeatNumbering => "beat-numbering",
            RuleId::BeatHandlerMissing => "beat-handler-missing",
            RuleId::BeatEventMissing => "beat-event-missing",
            RuleId::EventName => "event-name",
            RuleId::PathSeparator => "path-separator",
            RuleId::PathMissing => "path-missing",
            RuleId::Schema => "schema",
            RuleId::PlanCoverage => "plan-coverage",
            RuleId::WaiverExpired => "waiver-expired",
            RuleId::ChangelogMissing => "changelog-missing",
            RuleId::ChangelogExtra => "changelog-extra",
            RuleId::ChangelogDuplicate => "changelog-duplicate",
            RuleId::VersionBumpMissing => "version-bump-missing",
            RuleId::ImpactThreshold => "impact-threshold",
            RuleId::BddCoverage => "bdd-coverage",
            RuleId::BddFeatureInvalid => "bdd-feature-invalid",
            RuleId::BddFeatureOrphan => "bdd-feature-orphan",
            RuleId::BddLinkBroken => "bdd-link-broken",
            RuleId::BddEventUnknown => "bdd-event-unknown",
            RuleId::BddSpecHandlerMismatch => "bdd-spec-handler-mismatch",
            RuleId::BddStubOnly => "bdd-stub-only",
            RuleId::HandlerUndefined => "handler-undefined",
            RuleId::HandlerTestMissing => "handler-test-missing",
            RuleId::HandlerTestPath => "handler-test-path",
            RuleId::HandlerTestUnrelated => "handler-test-unrelated",
            RuleId::HandlerCoverage => "handler-coverage",
            RuleId::TestsFailing => "tests-failing",
            RuleId::TimingRegression => "timing-regression",
            RuleId::TimingCoverage => "timing-coverage",
            RuleId::TimingUnknownSequence => "timing-unknown-sequence",
            RuleId::TimingBaselineStale => "timing-baseline-stale",
            RuleId::DocStale => "doc-stale",
            RuleId::DocEdited => "doc-edited",
            RuleId::DocBannerMissing => "doc-banner-missing",
            RuleId::DocSourceMissing => "doc-source-missing",
            RuleId::DocSourceUntracked => "doc-source-untracked",
            RuleId::RegistryStale => "registry-stale",
            RuleId::RegistrySourceDuplicateId => "registry-source-duplicate-id",
            RuleId::RegistrySourceInvalid => "registry-source-invalid",
        }
    }

    /// The id named by `text`, if there is such a rule.
    pub fn parse(text: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.as_str() == text)
    }

    /// The rule a document that does not parse is reported under.
    pub fn for_parse_error(kind: &crate::core::json::parse::ErrorKind) -> RuleId {
        use crate::core::json::parse::ErrorKind;
        match kind {
            ErrorKind::DuplicateKey(_) => RuleId::JsonDuplicateKey,
            ErrorKind::TooDeep { .. } | ErrorKind::TooLarge { .. } => RuleId::JsonLimits,
            _ => RuleId::JsonSyntax,
        }
    }

    /// The rule's entry in the catalogue.
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }

    /// The rule's default severity.
    pub fn severity(self) -> Severity {
        self.rule().severity
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

// Ordered by id text, as findings have always been sorted.
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Which part of git-audit a rule belongs to (for the architecture, not for output).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Reading one document: JSON, ids, required fields, what a path holds.
    Document,
    /// Integrity locks: embedded blocks and audit.lock.
    Integrity,
    /// Cross-artifact governance: registry and sequences, beats, events, paths, schema, plan.
    Governance,
    /// Waivers and the baseline.
    Suppression,
    /// The evolution changelog.
    Changelog,
    /// Impact scores and the version bumps they call for.
    Impact,
    /// BDD specs against the registry (`git audit bdd`).
    Bdd,
    /// Handlers: definitions, declared tests, and what coverage and test reports measured.
    Handlers,
    /// Timing baselines from measured runs.
    Timing,
    /// Docs rendered from JSON and their provenance banners.
    Docs,
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: RuleId,
    #[serde(skip)]
    pub family: Family,
    pub severity: Severity,
    /// One line.
    pub description: &'static str,
    /// Why the rule exists.
    pub rationale: &'static str,
    /// A minimal input that triggers it.
    pub example: &'static str,
}

/// Every rule, in the order `git audit rules` lists them.
pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::JsonSyntax,
        family: Family::Document,
        severity: Severity::Error,
        description: "A governed file is not valid JSON (syntax, UTF-8, lone surrogate, number out of range).",
        rationale: "A canonical hash, a diff and every other rule stand on a parse; a file that does not parse cannot be the source of truth.",
        example: r#"{"domains": [ {"id": "a",} ]}   (trailing comma)"#,
    },
    Rule {
        id: RuleId::JsonDuplicateKey,
        family: Family::Document,
        severity: Severity::Error,
        description: "An object has the same member name twice.",
        rationale: "Parsers disagree on which duplicate wins, so two tools can read two different registries from one file.",
        example: r#"{"id": "a", "id": "b"}"#,
    },
    Rule {
        id: RuleId::JsonLimits,
        family: Family::Document,
        severity: Severity::Error,
        description: "A governed file exceeds the size or nesting limit ([limits] in audit.toml).",
        rationale: "Limits keep the commit gate fast and bounded; a registry that outgrows them is worth a deliberate decision.",
        example: "a 300 MiB registry with max-file-size = \"256 MiB\"",
    },
    Rule {
        id: RuleId::ArtifactType,
        family: Family::Document,
        severity: Severity::Error,
        description: "A governed path is a symbolic link, a submodule, a Git LFS pointer or unmerged, not a JSON file.",
        rationale: "git-audit never follows links or fetches content from elsewhere; what it cannot read it cannot vouch for.",
        example: "orchestration-domains.json -> ../elsewhere/registry.json   (a symlink)",
    },
    Rule {
        id: RuleId::IdMissing,
        family: Family::Document,
        severity: Severity::Error,
        description: "A registry domain or a sequence has no string id.",
        rationale: "Domains and sequences are matched, diffed and recorded by id; without one a change cannot be attributed.",
        example: r#"{"domains": [{"name": "Canvas Copy"}]}"#,
    },
    Rule {
        id: RuleId::IdDuplicate,
        family: Family::Document,
        severity: Severity::Error,
        description: "Two registry domains (or two movements of one sequence) share an id.",
        rationale: "Duplicate ids make every id-based match ambiguous; git-audit reports them rather than merging them.",
        example: r#"{"domains": [{"id": "a"}, {"id": "a"}]}"#,
    },
    Rule {
        id: RuleId::RequiredField,
        family: Family::Document,
        severity: Severity::Error,
        description: "A registry domain or a sequence lacks a required field (`required-fields` in audit.toml).",
        rationale: "Generators and docs read these fields; a domain without its tempo or category is half-described.",
        example: r#"{"domains": [{"id": "a", "name": "A"}]}   (no category, tempo, key, timeSignature)"#,
    },
    Rule {
        id: RuleId::FieldType,
        family: Family::Document,
        severity: Severity::Error,
        description: "A registry's `domains` or a sequence's `movements` is not an array, or a movement's `beats` is neither an array nor a beat count.",
        rationale: "Every rule and the registry comparison walk these arrays; a string or null in their place would hide every movement and beat from them.",
        example: r#"{"id": "copy", "movements": "x"}"#,
    },
    Rule {
        id: RuleId::LockMismatch,
        family: Family::Integrity,
        severity: Severity::Error,
        description: "An artifact's embedded integrity lock does not match its canonical hash, or a locked artifact is removed.",
        rationale: "A locked artifact changes only through its sanctioned generator, which re-locks it; a mismatch means a hand edit.",
        example: r#"{"integrity": {"algorithm": "sha256-jcs", "canonicalHash": "<old>"}, "domains": [...edited...]}"#,
    },
    Rule {
        id: RuleId::LockMissing,
        family: Family::Integrity,
        severity: Severity::Error,
        description: "An artifact with `require-lock = true` carries no lock, embedded or in audit.lock.",
        rationale: "Where the team decided every version must be locked, an unlocked version was not produced by the generator.",
        example: "require-lock = true and a registry without an `integrity` block",
    },
    Rule {
        id: RuleId::LockfileMismatch,
        family: Family::Integrity,
        severity: Severity::Error,
        description: "An artifact's canonical hash differs from its entry in audit.lock.",
        rationale: "audit.lock locks artifacts that cannot carry an embedded block; a mismatch means the file changed without a re-lock.",
        example: "audit.lock records sequence x.json at <old hash>; x.json was edited",
    },
    Rule {
        id: RuleId::RegistryMissingSequence,
        family: Family::Governance,
        severity: Severity::Error,
        description: "A sequence file has no domain in the registry.",
        rationale: "The registry is generated from the sequence files; a sequence it does not list means the registry is stale.",
        example: "json-sequences/new.json with id \"new-symphony\" and no domain \"new-symphony\"",
    },
    Rule {
        id: RuleId::RegistryDanglingSequence,
        family: Family::Governance,
        severity: Severity::Error,
        description: "A domain's `sequenceFile` does not exist in the snapshot.",
        rationale: "A domain pointing at a missing sequence describes something that no longer exists (or was never committed).",
        example: r#"{"domains": [{"id": "a", "sequenceFile": "json-sequences/gone.json"}]}"#,
    },
    Rule {
        id: RuleId::RegistrySequenceMismatch,
        family: Family::Governance,
        severity: Severity::Error,
        description: "A domain's `movements` or `beats` count differs from its sequence file.",
        rationale: "Counts are generated from the sequence; a mismatch means one side was edited without regenerating the other.",
        example: r#"domain says "beats": 3, its sequence has 4 beats"#,
    },
    Rule {
        id: RuleId::SequenceIdDuplicate,
        family: Family::Governance,
        severity: Severity::Error,
        description: "Two sequence files declare the same id.",
        rationale: "Domains link to sequences by id; two sequences with one id make the link ambiguous.",
        example: r#"a.json and b.json both with "id": "copy-symphony""#,
    },
    Rule {
        id: RuleId::BeatNumbering,
        family: Family::Governance,
        severity: Severity::Warning,
        description: "The beats of a movement are not numbered 1..n in order.",
        rationale: "Beat numbers order execution and name beats in diffs and changelogs; gaps and repeats hide a lost or duplicated beat.",
        example: r#"{"beats": [{"beat": 1}, {"beat": 3}]}"#,
    },
    Rule {
        id: RuleId::BeatHandlerMissing,
        family: Family::Governance,
        severity: Severity::Error,
        description: "A beat names no handler.",
        rationale: "A beat without a handler cannot run; the conductor will fail at that beat.",
        example: r#"{"beat": 1, "event": "canvas:copy"}"#,
    },
    Rule {
        id: RuleId::BeatEventMissing,
        family: Family::Governance,
        severity: Severity::Error,
        description: "A beat names no event.",
        rationale: "Beats are observed through their events; a beat without one is invisible to listeners and telemetry.",
        example: r#"{"beat": 1, "handler": "copy"}"#,
    },
    Rule {
        id: RuleId::EventName,
        family: Family::Governance,
        severity: Severity::Warning,
        description: "A beat's event does not match the configured pattern (`event-pattern`).",
        rationale: "Listeners subscribe by name; one naming scheme keeps topics predictable.",
        example: r#"{"event": "canvas.copy.Done"}   (default pattern: lowercase segments joined by ':')"#,
    },
    Rule {
        id: RuleId::PathSeparator,
        family: Family::Governance,
        severity: Severity::Error,
        description: "A repository path inside a JSON value uses `\\`.",
        rationale: "git paths use '/'; a backslash path works on one machine and breaks everywhere else.",
        example: r#"{"sequenceFile": "packages\\a\\seq.json"}"#,
    },
    Rule {
        id: RuleId::PathMissing,
        family: Family::Governance,
        severity: Severity::Error,
        description: "A repository path inside a JSON value names a file that does not exist.",
        rationale: "A dangling path is drift between the registry and the repository it describes.",
        example: r#"{"docsPath": "docs/removed/"}   (with path-keys = ["docsPath"])"#,
    },
    Rule {
        id: RuleId::Schema,
        family: Family::Governance,
        severity: Severity::Error,
        description: "A document does not validate against its configured JSON Schema (`schema`).",
        rationale: "The schema is the contract generators and readers share; an invalid document breaks one of them.",
        example: "a sequence whose beat `timing` is not one of the schema's enum values",
    },
    Rule {
        id: RuleId::PlanCoverage,
        family: Family::Governance,
        severity: Severity::Warning,
        description: "An id the project plan lists (`[[plan]]`) is missing from the registry.",
        rationale: "The plan promises these domains; a missing one is work the registry does not reflect.",
        example: r#"plan "domainSequences": [{"id": "x"}] and no domain "x""#,
    },
    Rule {
        id: RuleId::WaiverExpired,
        family: Family::Suppression,
        severity: Severity::Warning,
        description: "A waiver has passed its expiry date and no longer waives anything.",
        rationale: "Waivers are temporary by design; an expired one must be renewed deliberately or the finding fixed.",
        example: r#"[[waiver]] ... expires = 2025-01-31"#,
    },
    Rule {
        id: RuleId::ChangelogMissing,
        family: Family::Changelog,
        severity: Severity::Error,
        description: "A commit changes a governed artifact structurally but adds no matching changelog entry.",
        rationale: "The evolution changelog must explain every structural change in the commit that makes it; a gap means the hook was bypassed.",
        example: "a commit adding a domain, made with --no-verify, without an EVOLUTION.md entry",
    },
    Rule {
        id: RuleId::ChangelogExtra,
        family: Family::Changelog,
        severity: Severity::Error,
        description: "A commit adds a changelog entry that matches none of its own changes.",
        rationale: "An entry records one commit's transition; one that does not match misattributes history.",
        example: "an entry copied by hand from another branch",
    },
    Rule {
        id: RuleId::ChangelogDuplicate,
        family: Family::Changelog,
        severity: Severity::Error,
        description: "A commit adds the same changelog entry more than once.",
        rationale: "Each structural change is recorded exactly once; duplicates make counts and release notes wrong.",
        example: "the same entry appended twice by two tools",
    },
    Rule {
        id: RuleId::VersionBumpMissing,
        family: Family::Impact,
        severity: Severity::Error,
        description: "A commit's impact is above none but the registry's version did not rise by at least that level (off unless `[impact] enforce-version-bump = true`).",
        rationale: "A version that stays 1.0.0 through removals and renames tells consumers nothing; like cargo-semver-checks, the level of the change decides the least bump.",
        example: "a domain removed while metadata.version stays \"1.0.0\" (needs 2.0.0)",
    },
    Rule {
        id: RuleId::ImpactThreshold,
        family: Family::Impact,
        severity: Severity::Warning,
        description: "A commit's impact score is above `[impact] max-score` (off until it is set).",
        rationale: "A change that large is hard to review and to revert; split it, or raise the limit deliberately.",
        example: "max-score = 20 and a commit that removes three domains (30)",
    },
    Rule {
        id: RuleId::BddCoverage,
        family: Family::Bdd,
        severity: Severity::Warning,
        description: "Fewer registry domains have a BDD spec than the `[bdd] target` ratio asks.",
        rationale: "The plan's demo criterion is BDD specs aligned with the domain registry; counting plan entries that merely name a file overstates it.",
        example: r#"74 governed domains, 10 covered, target 0.9"#,
    },
    Rule {
        id: RuleId::BddFeatureInvalid,
        family: Family::Bdd,
        severity: Severity::Error,
        description: "A `.feature` file is not valid Gherkin (reported with its line and column).",
        rationale: "A feature Cucumber cannot parse runs no scenario, so it covers nothing however many it lists.",
        example: r#"Feature: a / desc / # note / more desc   (free text after a comment)"#,
    },
    Rule {
        id: RuleId::BddFeatureOrphan,
        family: Family::Bdd,
        severity: Severity::Warning,
        description: "A feature file links to no registry domain (no domain tag, file name or plan entry).",
        rationale: "A spec that specifies no domain is either misnamed or tests something the registry does not know.",
        example: r#"features/build-pipeline.feature with no @domain: tag and no domain of that name"#,
    },
    Rule {
        id: RuleId::BddLinkBroken,
        family: Family::Bdd,
        severity: Severity::Error,
        description: "A plan entry, tag or JSON spec names a domain, sequence or feature file that does not exist.",
        rationale: "A link to nothing is how a plan reports coverage that is not there.",
        example: r#""bddSpec": "bdd/missing.feature" in the plan"#,
    },
    Rule {
        id: RuleId::BddEventUnknown,
        family: Family::Bdd,
        severity: Severity::Error,
        description: "A scenario step names an event the linked domain's sequence does not emit.",
        rationale: "A scenario that waits for an event the sequence never emits tests a flow that does not exist.",
        example: r#"Then "canvas:component:copy:done" is emitted   (the sequence emits canvas:component:copy:notify)"#,
    },
    Rule {
        id: RuleId::BddSpecHandlerMismatch,
        family: Family::Bdd,
        severity: Severity::Warning,
        description: "A business-BDD JSON spec's handlers differ from the handlers of the sequence it specifies.",
        rationale: "Specs generated once and never regenerated drift from the sequences they describe.",
        example: r#""handlerCount": 0 for a domain whose sequence has 3 handlers"#,
    },
    Rule {
        id: RuleId::BddStubOnly,
        family: Family::Bdd,
        severity: Severity::Info,
        description: "A domain's only BDD specs are generated stubs.",
        rationale: "A stub is a placeholder, not a specification; it is counted apart from real specs.",
        example: r##"bdd/copy.feature carrying "# AUTO-GENERATED STUB" and nothing else for domain copy"##,
    },
    Rule {
        id: RuleId::HandlerUndefined,
        family: Family::Handlers,
        severity: Severity::Error,
        description: "A beat names a handler that no source file in `[handlers] sources` defines.",
        rationale: "A beat whose handler does not exist does nothing when the sequence plays; the registry promises behaviour the code lacks.",
        example: r#"{"beat": 1, "handler": "addClas"}   (no `export function addClas` anywhere)"#,
    },
    Rule {
        id: RuleId::HandlerTestMissing,
        family: Family::Handlers,
        severity: Severity::Warning,
        description: "A beat declares no `testFile` for its handler.",
        rationale: "The plan requires a passing test per handler; a beat without one has no declared evidence that its handler works.",
        example: r#"{"beat": 1, "handler": "addClass"}   (no "testFile")"#,
    },
    Rule {
        id: RuleId::HandlerTestPath,
        family: Family::Handlers,
        severity: Severity::Error,
        description: "A beat's `testFile` names no file in the snapshot (after `[[handlers.rewrite]]`).",
        rationale: "A declared test that does not exist is a claim of coverage nobody can run.",
        example: r#"{"handler": "addClass", "testFile": "packages/cp/__tests__/gone.spec.ts"}"#,
    },
    Rule {
        id: RuleId::HandlerTestUnrelated,
        family: Family::Handlers,
        severity: Severity::Warning,
        description: "A beat's `testFile` exists but never names its handler.",
        rationale: "A test file that does not mention the handler is unlikely to test it; the link is probably stale or copied.",
        example: r#""testFile" naming a spec that only tests `removeClass` for handler `addClass`"#,
    },
    Rule {
        id: RuleId::HandlerCoverage,
        family: Family::Handlers,
        severity: Severity::Error,
        description: "Fewer handlers are covered by the given coverage reports than `[handlers] coverage-target` asks.",
        rationale: "The plan's demo gate is handler coverage of at least 85%; below it, handlers ship without any test running them.",
        example: "git audit handlers --lcov coverage/lcov.info   (3 of 5 handlers covered, target 0.85)",
    },
    Rule {
        id: RuleId::TestsFailing,
        family: Family::Handlers,
        severity: Severity::Error,
        description: "A JUnit report given on the command line records a failing test (linked to a handler, or any with `failing-tests = \"any\"`).",
        rationale: "The plan's demo gate is handler tests passing; a failure or error means a handler does not do what its test says.",
        example: "git audit handlers --junit test-results.xml   (a <failure> in a test naming `addClass`)",
    },
    Rule {
        id: RuleId::TimingRegression,
        family: Family::Timing,
        severity: Severity::Warning,
        description: "A sequence's p50 (or p95, `[timing] metric`) in a run exceeds the committed timing baseline by more than the threshold.",
        rationale: "A structural change can slow a sequence down; comparing each run with a committed baseline catches it. A warning by default because shared CI runners are noisy.",
        example: "baseline p50 10 ms, this run's p50 15 ms, threshold 0.2 (+20%), 3 samples on each side",
    },
    Rule {
        id: RuleId::TimingCoverage,
        family: Family::Timing,
        severity: Severity::Warning,
        description: "Fewer registry domains than `[timing] coverage-target` have at least `min-samples` timing samples in the committed baseline.",
        rationale: "The plan promises timing for most sequences; only measured samples count, never a domain's `timing` scheduling hint.",
        example: "2 of 10 domains measured against the default target 0.70",
    },
    Rule {
        id: RuleId::TimingUnknownSequence,
        family: Family::Timing,
        severity: Severity::Warning,
        description: "A timing measurement names a sequence that is no registry domain (by id or name).",
        rationale: "A measurement that maps to nothing is lost from the baseline; it usually means a renamed sequence or a stale log.",
        example: r#"{"sequence": "Old Name", "durationMs": 12}"#,
    },
    Rule {
        id: RuleId::TimingBaselineStale,
        family: Family::Timing,
        severity: Severity::Warning,
        description: "The committed timing baseline names a domain that no longer exists in the registry.",
        rationale: "A baseline entry for a removed domain compares nothing and inflates coverage; rebuild the baseline.",
        example: r#"baseline "sequences": {"gone-symphony": {...}} and no domain "gone-symphony""#,
    },
    Rule {
        id: RuleId::DocStale,
        family: Family::Docs,
        severity: Severity::Error,
        description: "A generated doc's source changed canonically and the doc was not re-rendered.",
        rationale: "JSON is the authority and docs are its reflections; a doc rendered from an older source says what is no longer true.",
        example: "a domain added to orchestration-domains.json, docs/domains.md (rendered from #/domains) not re-rendered",
    },
    Rule {
        id: RuleId::DocEdited,
        family: Family::Docs,
        severity: Severity::Error,
        description: "A generated doc's body no longer matches the hash its provenance banner records.",
        rationale: "A hand edit to a generated doc is lost at the next render and makes the doc disagree with its sources.",
        example: "a line added by hand below the banner of docs/domains.md",
    },
    Rule {
        id: RuleId::DocBannerMissing,
        family: Family::Docs,
        severity: Severity::Error,
        description: "A generated doc (`[docs] generated` or `[[docs.render]]`) carries no provenance banner with a Doc-Hash.",
        rationale: "Without recorded hashes nobody can tell whether the doc reflects its sources or was written by hand.",
        example: "docs/generated/overview.md without `<!-- git-audit docs` or `Doc-Hash:`",
    },
    Rule {
        id: RuleId::DocSourceMissing,
        family: Family::Docs,
        severity: Severity::Error,
        description: "A generated doc names a source that is not in the snapshot.",
        rationale: "A doc whose source is gone cannot be re-rendered or proved fresh.",
        example: "Sources: data/removed.json",
    },
    Rule {
        id: RuleId::DocSourceUntracked,
        family: Family::Docs,
        severity: Severity::Error,
        description: "A generated doc names a source git does not track (ignored, or only on disk).",
        rationale: "Only what git stores can be hashed the same on every machine; an untracked source proves nothing.",
        example: "Sources: .generated/map.json  (with .generated/ in .gitignore)",
    },
    Rule {
        id: RuleId::RegistryStale,
        family: Family::Governance,
        severity: Severity::Error,
        description: "The registry is not what its sources (`[generate]`) generate.",
        rationale: "The registry is generated from the sequence files; a hand edit of a generated field, or a sequence changed without regenerating, makes it lie about them.",
        example: "a sequence gains a beat and orchestration-domains.json still says the old count",
    },
    Rule {
        id: RuleId::RegistrySourceDuplicateId,
        family: Family::Governance,
        severity: Severity::Error,
        description: "Two registry sources yield the same domain id; the first by sorted path is used.",
        rationale: "Generation must not pick a winner silently; one of the two sequences is misnamed or a copy.",
        example: "a/copy.json and b/copy.json both declare \"id\": \"copy-symphony\"",
    },
    Rule {
        id: RuleId::RegistrySourceInvalid,
        family: Family::Governance,
        severity: Severity::Error,
        description: "A registry source cannot be read or has a shape generation does not support.",
        rationale: "A source skipped with a warning silently drops its domain from the registry; it must be fixed or excluded deliberately.",
        example: "a sequence file without `movements`, or a catalog entry without an id",
    },
];

/// The rule named by `id` (kebab-case), if there is one.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RuleId::parse(id).map(RuleId::rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        assert_eq!(RULES.len(), RuleId::ALL.len());
        for (i, r) in RULES.iter().enumerate() {
            // The registry is indexed by the enum: entry i is rule i.
            assert_eq!(r.id as usize, i, "{} is out of place in RULES", r.id);
            assert_eq!(RuleId::ALL[i], r.id);
            assert_eq!(RuleId::parse(r.id.as_str()), Some(r.id));
            assert!(
                r.id.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.id
            );
            assert!(
                RULES[..i].iter().all(|o| o.id != r.id),
                "duplicate {}",
                r.id
            );
            assert!(!r.description.is_empty() && !r.rationale.is_empty() && !r.example.is_empty());
        }
    }

    #[test]
    fn every_rule_is_documented_in_docs_rules_md() {
        // docs/rules.md's Rules table: `| `rule-id` | default | description |`, one row per rule,
        // saying what the registry says (`git audit rules --format markdown` prints it).
        let readme = include_str!("../../../docs/rules.md");
        let table: Vec<&str> = readme
            .lines()
            .skip_while(|l| *l != "| Rule | Default | What it finds |")
            .take_while(|l| l.starts_with('|'))
            .collect();
        assert!(!table.is_empty(), "docs/rules.md has no Rules table");
        assert_eq!(
            table.len(),
            RULES.len() + 2,
            "docs/rules.md's Rules table has rows for rules the registry does not have"
        );
        for r in RULES {
            let start = format!("| `{}` | ", r.id);
            let rows: Vec<&str> = table
                .iter()
                .copied()
                .filter(|l| l.starts_with(&start))
                .collect();
            assert_eq!(
                rows.len(),
                1,
                "docs/rules.md's Rules table needs exactly one row for `{}`",
                r.id
            );
            let cells: Vec<&str> = rows[0]
                .trim_end_matches('|')
                .split(" | ")
                .map(|c| c.trim_matches(|ch: char| ch == '|' || ch == ' '))
                .collect();
            assert_eq!(
                cells,
                [
                    format!("`{}`", r.id).as_str(),
                    r.severity.as_str(),
                    r.description
                ],
                "docs/rules.md's row for `{}` disagrees with the registry",
                r.id
            );
        }
    }

    #[test]
    fn json_refusals_map_to_catalogued_rules() {
        use crate::core::json::parse::ErrorKind;
        for kind in [
            ErrorKind::Syntax(String::new()),
            ErrorKind::DuplicateKey(String::new()),
            ErrorKind::TooDeep { limit: 1 },
        ] {
            // Every parse refusal names a catalogued rule of the document family.
            assert_eq!(
                RuleId::for_parse_error(&kind).rule().family,
                Family::Document
            );
        }
    }
}
