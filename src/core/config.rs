//! `audit.toml`: parsing, validation with file:line positions, and the built-in defaults.
//!
//! The configuration is data. Nothing in it is ever executed.

use std::fmt;
use std::ops::Range;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::core::json::{Exclusions, Limits, Pointer};
use crate::core::rules::{Level, RuleId, Severity};
use std::collections::BTreeMap;

/// The default `event-pattern`: lowercase segments joined by `:`, words inside by `.` or `-`.
pub const DEFAULT_EVENT_PATTERN: &str =
    r"^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[a-z0-9]+(?:[.-][a-z0-9]+)*)+$";

/// Whether metadata-only changes get an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Metadata {
    #[default]
    Record,
    Skip,
}

/// The file name git-audit looks for at the repository root.
pub const FILE_NAME: &str = "audit.toml";

/// What an artifact is, which decides how it is diffed and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An orchestration registry: `domains[]` matched by id.
    Registry,
    /// A sequence file: movements and beats.
    Sequence,
    /// Any other JSON document.
    Json,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Registry => "registry",
            Kind::Sequence => "sequence",
            Kind::Json => "json",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an artifact is locked by `git audit lock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LockMode {
    /// An integrity block at the root, under `lock-field` (falls back to audit.lock when the
    /// root is not an object).
    Embedded,
    /// An entry in the committed audit.lock.
    Lockfile,
    /// Never locked by `git audit lock`.
    None,
}

/// One `[[artifact]]` table, validated.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// The glob as written.
    pub path: String,
    pub kind: Kind,
    /// Root key holding an embedded integrity block.
    pub lock_field: String,
    /// What is removed before canonical hashing and diffing (lock field included).
    pub exclusions: Exclusions,
    /// Key that identifies elements of arrays of objects.
    pub id_key: String,
    /// Fields every registry domain (or a sequence or JSON document's root) must have.
    pub required_fields: Vec<String>,
    /// Whether every version must carry a lock (embedded or in audit.lock).
    pub require_lock: bool,
    /// How `git audit lock` locks it.
    pub lock: LockMode,
    /// Globs of paths this table does not govern although `path` matches them.
    pub ignore: Vec<String>,
    ignore_set: GlobSet,
    /// Members whose string values are repository paths (`path-separator`, `path-missing`).
    pub path_keys: Vec<String>,
    /// What every beat's event must match (`event-name`); `None` checks nothing.
    pub event_pattern: Option<regex::Regex>,
    /// A JSON Schema (repository path) the artifact must validate against (`schema`).
    pub schema: Option<String>,
    /// Severities for findings in this artifact, over the global `[rules]`.
    pub rules: BTreeMap<RuleId, Level>,
}

impl Artifact {
    /// The settings an ungoverned JSON file gets when it is named explicitly.
    pub fn plain_json(path: &str) -> Artifact {
        build_artifact(path, Kind::Json, Options::default())
    }
}

/// The `[changelog]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changelog {
    /// Whether the pre-commit hook records entries.
    pub enabled: bool,
    /// Repository-relative path of the evolution changelog.
    pub path: String,
    /// Whether metadata-only changes get an entry.
    pub metadata: Metadata,
}

impl Default for Changelog {
    fn default() -> Self {
        Changelog {
            enabled: true,
            path: "EVOLUTION.md".into(),
            metadata: Metadata::Record,
        }
    }
}

/// A `[[plan]]` table: a project plan whose listed ids must all be registry domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub path: String,
    /// Pointer pattern to the ids; `*` matches every element or member.
    pub ids: Vec<String>,
    /// The pattern as written.
    pub ids_text: String,
}

/// The `[impact]` table: the weights and category factors of impact scores, and the rules
/// over them (`version-bump-missing` is off until `enforce-version-bump`, `impact-threshold`
/// until `max-score`).
#[derive(Debug, Clone, PartialEq)]
pub struct Impact {
    pub weights: Weights,
    /// A score factor per domain (or sequence) `category`; 1 for any other.
    pub categories: BTreeMap<String, f64>,
    /// Whether a commit whose impact is above `none` must raise the registry's version.
    pub enforce_version_bump: bool,
    /// Where a registry holds its semantic version.
    pub version_pointer: Pointer,
    /// The score above which a commit earns `impact-threshold`.
    pub max_score: Option<u64>,
}

/// Points per change of each kind (before the category factor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    pub removal: u64,
    pub rename: u64,
    pub decrease: u64,
    pub addition: u64,
    pub structural: u64,
    pub metadata: u64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            removal: 10,
            rename: 8,
            decrease: 5,
            addition: 3,
            structural: 2,
            metadata: 1,
        }
    }
}

impl Default for Impact {
    fn default() -> Self {
        Impact {
            weights: Weights::default(),
            categories: BTreeMap::from([("orchestration".to_string(), 2.0)]),
            enforce_version_bump: false,
            version_pointer: Pointer::root().child("metadata").child("version"),
            max_score: None,
        }
    }
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it came from, for messages: `audit.toml (index)`, a file path, or `built-in defaults`.
    pub origin: String,
    pub limits: Limits,
    pub artifacts: Vec<Artifact>,
    pub changelog: Changelog,
    /// Global severities by rule id.
    pub rules: BTreeMap<RuleId, Level>,
    pub plans: Vec<Plan>,
    /// Repository path of the waivers file.
    pub waivers: String,
    /// Repository path of the baseline file.
    pub baseline: String,
    pub impact: Impact,
    /// The `[bdd]` table (`git audit bdd`).
    pub bdd: Bdd,
    /// The `[handlers]` table: where handlers are defined, how `testFile` resolves, targets.
    pub handlers: Handlers,
    /// The `[timing]` table: timing baselines and their checks.
    pub timing: Timing,
    set: GlobSet,
    /// Where the artifact globs can match, segment by segment. See `may_contain`.
    reach: Vec<Reach>,
    /// The `[docs]` table: docs rendered from JSON and the globs of generated docs.
    pub docs: Docs,
    /// `[generate]`: registry generation, and the sequence identity the rules share with it.
    pub generate: Generate,
    /// The `[dashboard]` table (`git audit dashboard`): links from findings to the repository.
    pub dashboard: Dashboard,
}

/// Default waivers file.
pub const WAIVERS: &str = "audit-waivers.toml";
/// Default baseline file.
pub const BASELINE: &str = "audit-baseline.json";

impl Config {
    /// The severity a finding of `rule` at `path` gets: the governing artifact's `rules`, then
    /// the global `[rules]`, then the catalogue's default. `None` when the rule is off.
    pub fn severity(&self, rule: RuleId, path: &str) -> Option<Severity> {
        let local = self.governing(path).and_then(|a| a.rules.get(&rule));
        match local.or_else(|| self.rules.get(&rule)) {
            Some(level) => level.severity(),
            None => Some(rule.severity()),
        }
    }
}

impl Config {
    /// The configuration used when a snapshot has no audit.toml.
    pub fn builtin() -> Config {
        Config::assemble(
            "built-in defaults".into(),
            Limits::default(),
            builtin_artifacts(),
        )
        .unwrap_or_else(|e| unreachable!("built-in globs are valid: {e}"))
    }

    fn assemble(
        origin: String,
        limits: Limits,
        artifacts: Vec<Artifact>,
    ) -> Result<Config, globset::Error> {
        let mut builder = GlobSetBuilder::new();
        for a in &artifacts {
            builder.add(glob(&a.path)?);
        }
        let reach = artifacts.iter().flat_map(|a| Reach::of(&a.path)).collect();
        Ok(Config {
            origin,
            limits,
            artifacts,
            changelog: Changelog::default(),
            docs: Docs::default(),
            rules: BTreeMap::new(),
            plans: Vec::new(),
            waivers: WAIVERS.to_string(),
            baseline: BASELINE.to_string(),
            impact: Impact::default(),
            bdd: Bdd::default(),
            handlers: Handlers::default(),
            timing: Timing::default(),
            set: builder.build()?,
            reach,
            generate: Generate::default(),
            dashboard: Dashboard::default(),
        })
    }

    /// Parses `text`, read from `origin` (used in messages).
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
            origin: origin.to_string(),
            position: e.span().map(|s| position(text, s)),
            message: e.message().trim().to_string(),
        })?;
        let at = |span: Range<usize>, message: String| ConfigError {
            origin: origin.to_string(),
            position: Some(position(text, span)),
            message,
        };
        let mut limits = Limits::default();
        if let Some(l) = raw.limits {
            if let Some(depth) = l.max_depth {
                let span = depth.span();
                let depth = *depth.get_ref();
                if depth < 1 || depth > crate::core::json::parse::DEPTH_CEILING as i64 {
                    return Err(at(
                        span,
                        format!(
                            "key `max-depth`: {depth} is out of range; use 1 to {}",
                            crate::core::json::parse::DEPTH_CEILING
                        ),
                    ));
                }
                limits.max_depth = depth as usize;
            }
            if let Some(size) = l.max_file_size {
                let span = size.span();
                limits.max_size = parse_size(size.get_ref())
                    .map_err(|m| at(span, format!("key `max-file-size`: {m}")))?;
            }
        }
        // No `artifact` key at all: the built-in tables govern, and the rest of the file applies
        // on top. Governing nothing takes an explicit `artifact = []`.
        let (mut artifacts, raw_artifacts) = match raw.artifact {
            None => (builtin_artifacts(), Vec::new()),
            Some(list) => (Vec::new(), list),
        };
        for a in raw_artifacts {
            let path_span = a.path.span();
            let glob = a.path.into_inner();
            if let Some(problem) = leaves_repo(&glob) {
                return Err(at(path_span, format!("key `path`: {glob:?} {problem}")));
            }
            let mut exclude = None;
            if let Some(list) = a.exclude {
                let mut pointers = Vec::new();
                for p in list {
                    let span = p.span();
                    let pointer = Pointer::parse(p.get_ref())
                        .map_err(|e| at(span.clone(), format!("key `exclude`: {e}")))?;
                    if pointer.is_root() {
                        return Err(at(
                            span,
                            "key `exclude`: the empty pointer would exclude the whole document"
                                .into(),
                        ));
                    }
                    pointers.push(pointer);
                }
                exclude = Some(pointers);
            }
            if a.lock == Some(LockMode::Embedded) && a.lock_field.as_deref() == Some("") {
                return Err(at(
                    path_span,
                    "key `lock`: \"embedded\" needs a `lock-field` to write the block under".into(),
                ));
            }
            if let Err(e) = self::glob(&glob) {
                return Err(at(
                    path_span,
                    format!("key `path`: invalid glob {glob:?}: {}", e.kind()),
                ));
            }
            let mut ignore = Vec::new();
            for g in a.ignore.unwrap_or_default() {
                let span = g.span();
                let g = g.into_inner();
                if let Some(problem) = leaves_repo(&g) {
                    return Err(at(span, format!("key `ignore`: {g:?} {problem}")));
                }
                if let Err(e) = self::glob(&g) {
                    return Err(at(
                        span,
                        format!("key `ignore`: invalid glob {g:?}: {}", e.kind()),
                    ));
                }
                ignore.push(g);
            }
            let rules = rule_levels(a.rules, &at)?;
            let event_pattern = match a.event_pattern {
                None => None,
                Some(p) => {
                    let span = p.span();
                    let p = p.into_inner();
                    if p.is_empty() {
                        Some(None)
                    } else {
                        Some(Some(regex::Regex::new(&p).map_err(|e| {
                            at(
                                span,
                                format!("key `event-pattern`: invalid regular expression: {e}"),
                            )
                        })?))
                    }
                }
            };
            let schema = match a.schema {
                None => None,
                Some(p) => {
                    let span = p.span();
                    let p = p.into_inner();
                    if let Some(problem) = leaves_repo(&p) {
                        return Err(at(span, format!("key `schema`: {p:?} {problem}")));
                    }
                    Some(p)
                }
            };
            artifacts.push(build_artifact(
                &glob,
                a.kind,
                Options {
                    rules,
                    event_pattern,
                    schema,
                    path_keys: a.path_keys,
                    lock_field: a.lock_field,
                    exclude,
                    volatile_keys: a.volatile_keys,
                    id_key: a.id_key,
                    required_fields: a.required_fields,
                    require_lock: a.require_lock,
                    lock: a.lock,
                    ignore,
                },
            ));
        }
        let rules = rule_levels(raw.rules, &at)?;
        let mut plans = Vec::new();
        for p in raw.plan {
            let span = p.path.span();
            let path = p.path.into_inner();
            if let Some(problem) = leaves_repo(&path) {
                return Err(at(span, format!("key `path`: {path:?} {problem}")));
            }
            let ids_span = p.ids.span();
            let ids_text = p.ids.into_inner();
            let ids = Pointer::parse(&ids_text)
                .map_err(|e| at(ids_span.clone(), format!("key `ids`: {e}")))?;
            if ids.is_root() {
                return Err(at(
                    ids_span,
                    "key `ids`: point at the ids, e.g. \"/domainSequences/*/id\"".into(),
                ));
            }
            plans.push(Plan {
                path,
                ids: ids.tokens().to_vec(),
                ids_text,
            });
        }
        let file = |f: Option<RawFile>, default: &str| -> Result<String, ConfigError> {
            match f {
                None => Ok(default.to_string()),
                Some(f) => {
                    let span = f.path.span();
                    let path = f.path.into_inner();
                    match leaves_repo(&path) {
                        Some(problem) => Err(at(span, format!("key `path`: {path:?} {problem}"))),
                        None => Ok(path),
                    }
                }
            }
        };
        let waivers = file(raw.waivers, WAIVERS)?;
        let baseline = file(raw.baseline, BASELINE)?;
        let mut changelog = Changelog::default();
        if let Some(c) = raw.changelog {
            if let Some(path) = c.path {
                let span = path.span();
                let path = path.into_inner();
                if let Some(problem) = leaves_repo(&path) {
                    return Err(at(span, format!("key `path`: {path:?} {problem}")));
                }
                changelog.path = path;
            }
            if let Some(m) = c.metadata {
                changelog.metadata = m;
            }
            if let Some(e) = c.enabled {
                changelog.enabled = e;
            }
        }
        let mut config =
            Config::assemble(origin.to_string(), limits, artifacts).map_err(|e| ConfigError {
                origin: origin.to_string(),
                position: None,
                message: format!("invalid glob: {e}"),
            })?;
        config.changelog = changelog;
        config.rules = rules;
        config.plans = plans;
        config.waivers = waivers;
        config.baseline = baseline;
        config.impact = impact(raw.impact, &at)?;
        if let Some(b) = raw.bdd {
            config.bdd = Bdd::from_raw(b, &at)?;
        }
        config.handlers = handlers_section(raw.handlers, &at)?;
        if let Some(t) = raw.timing {
            config.timing = Timing::from_raw(t, &at)?;
        }
        if let Some(d) = raw.docs {
            config.docs = Docs::from_raw(d, &at)?;
        }
        if let Some(g) = raw.generate {
            config.generate = generate(g, &at)?;
        }
        if let Some(d) = raw.dashboard {
            config.dashboard = Dashboard::from_raw(d, &at)?;
        }
        Ok(config)
    }

    /// The artifact settings governing `path`: the first `[[artifact]]` table whose glob matches.
    /// Whether a governed path can lie under the directory `dir` (`""` for the root, otherwise
    /// ending in `/`): a tree walk may skip a directory for which this is false. Each glob
    /// (braces expanded) is matched against the directory segment by segment, as
    /// `literal_separator` globs match (`*`, `?` and classes stay within a segment); a `**`
    /// segment reaches everything below it.
    pub fn may_contain(&self, dir: &str) -> bool {
        self.reach.iter().any(|r| r.may_contain(dir))
    }

    pub fn governing(&self, path: &str) -> Option<&Artifact> {
        let mut candidates = self.set.matches(path);
        candidates.sort_unstable();
        candidates
            .into_iter()
            .map(|i| &self.artifacts[i])
            .find(|a| !a.ignore_set.is_match(path))
    }
}

/// The tables that govern when audit.toml is absent or declares no `artifact` key.
fn builtin_artifacts() -> Vec<Artifact> {
    vec![
        build_artifact(
            "orchestration-domains.json",
            Kind::Registry,
            Options::default(),
        ),
        build_artifact(
            "**/json-sequences/**/*.json",
            Kind::Sequence,
            Options::default(),
        ),
    ]
}

/// Globs match repository-relative paths; `*` stays within one directory, `**` crosses them.
/// Where one alternative of an `[[artifact]]` glob can match: its segments, or `None` for
/// anywhere (braces that do not balance, a segment that does not compile alone).
#[derive(Debug, Clone)]
pub struct Reach(Option<Vec<Segment>>);

#[derive(Debug, Clone)]
enum Segment {
    /// `**`: any number of directories.
    Any,
    One(globset::GlobMatcher),
}

impl Reach {
    /// One `Reach` per alternative of the glob's braces.
    pub fn of(glob_text: &str) -> Vec<Reach> {
        let Some(alternatives) = expand_braces(glob_text) else {
            return vec![Reach(None)];
        };
        alternatives
            .iter()
            .map(|alt| {
                alt.split('/')
                    .map(|seg| match seg {
                        "**" => Some(Segment::Any),
                        _ => glob(seg).ok().map(|g| Segment::One(g.compile_matcher())),
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .map(Reach)
            .collect()
    }

    /// Whether a path this alternative matches can lie under `dir` (`""` or ending in `/`).
    pub fn may_contain(&self, dir: &str) -> bool {
        let Some(segments) = &self.0 else {
            return true;
        };
        let dir = dir.strip_suffix('/').unwrap_or(dir);
        if dir.is_empty() {
            return true;
        }
        // The last segment names the file: a directory must match one of those before it.
        let dirs = &segments[..segments.len().saturating_sub(1)];
        let mut parts = dir.split('/');
        for segment in dirs {
            let Some(part) = parts.next() else {
                return true; // the glob goes deeper than `dir`
            };
            match segment {
                Segment::Any => return true,
                Segment::One(m) => {
                    if !m.is_match(part) {
                        return false;
                    }
                }
            }
        }
        // Every directory part of the glob matched and `dir` is deeper still, unless a final
        // `**` (as in `deep/**`) reaches below.
        parts.next().is_none() || matches!(segments.last(), Some(Segment::Any))
    }
}

/// `a/b/` of `a/b/c` (with its slash), `""` for a name at the root.
pub fn dir_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..=i])
}

/// Every alternative of a glob's `{a,b}` groups (nested too); `None` when braces do not balance.
fn expand_braces(glob: &str) -> Option<Vec<String>> {
    let Some(open) = glob.find('{') else {
        return glob.find('}').is_none().then(|| vec![glob.to_string()]);
    };
    let mut depth = 0usize;
    let mut close = None;
    let mut commas = Vec::new();
    for (i, c) in glob[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + i);
                    break;
                }
            }
            ',' if depth == 1 => commas.push(open + i),
            _ => {}
        }
    }
    let close = close?;
    let (head, tail) = (&glob[..open], &glob[close + 1..]);
    let mut bounds = vec![open];
    bounds.extend(commas);
    bounds.push(close);
    let mut out = Vec::new();
    for w in bounds.windows(2) {
        let inner = &glob[w[0] + 1..w[1]];
        out.extend(expand_braces(&format!("{head}{inner}{tail}"))?);
    }
    Some(out)
}

fn glob(text: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(text)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
}

/// The optional keys of an `[[artifact]]` table; `None` takes the kind's default.
#[derive(Default)]
struct Options {
    lock_field: Option<String>,
    exclude: Option<Vec<Pointer>>,
    volatile_keys: Option<Vec<String>>,
    id_key: Option<String>,
    required_fields: Option<Vec<String>>,
    require_lock: Option<bool>,
    lock: Option<LockMode>,
    ignore: Vec<String>,
    rules: BTreeMap<RuleId, Level>,
    event_pattern: Option<Option<regex::Regex>>,
    schema: Option<String>,
    path_keys: Option<Vec<String>>,
}

/// Rule levels from a TOML table, every id checked against the catalogue.
fn rule_levels(
    raw: Option<BTreeMap<Spanned<String>, Level>>,
    at: &dyn Fn(Range<usize>, String) -> ConfigError,
) -> Result<BTreeMap<RuleId, Level>, ConfigError> {
    let mut out = BTreeMap::new();
    for (id, level) in raw.unwrap_or_default() {
        let span = id.span();
        let id = id.into_inner();
        let Some(rule) = RuleId::parse(&id) else {
            return Err(at(
                span,
                format!("unknown rule `{id}` (`git audit rules` lists them)"),
            ));
        };
        out.insert(rule, level);
    }
    Ok(out)
}

/// The default event pattern for sequences.
fn default_event_pattern() -> Option<regex::Regex> {
    regex::Regex::new(DEFAULT_EVENT_PATTERN).ok()
}

/// Fields a registry domain needs unless `required-fields` says otherwise.
pub const REGISTRY_REQUIRED: &[&str] = &["id", "name", "category", "tempo", "key", "timeSignature"];
/// Fields a sequence needs unless `required-fields` says otherwise.
pub const SEQUENCE_REQUIRED: &[&str] = &["id", "movements"];

fn build_artifact(glob: &str, kind: Kind, o: Options) -> Artifact {
    // An empty `lock-field` means the artifact carries no embedded lock block.
    let lock_field = o.lock_field.unwrap_or_else(|| "integrity".to_string());
    let pointers = o.exclude.unwrap_or_else(|| match kind {
        Kind::Registry => vec![Pointer::root().child("metadata").child("generated")],
        _ => Vec::new(),
    });
    let required_fields = o.required_fields.unwrap_or_else(|| {
        let defaults: &[&str] = match kind {
            Kind::Registry => REGISTRY_REQUIRED,
            Kind::Sequence => SEQUENCE_REQUIRED,
            Kind::Json => &[],
        };
        defaults.iter().map(|s| s.to_string()).collect()
    });
    let mut ignore_set = GlobSetBuilder::new();
    for g in &o.ignore {
        // Validated by the caller; an invalid one could only come from a bug, and then
        // ignoring nothing keeps the artifact governed (fails closed).
        if let Ok(g) = self::glob(g) {
            ignore_set.add(g);
        }
    }
    let lock = o.lock.unwrap_or(match kind {
        Kind::Registry if !lock_field.is_empty() => LockMode::Embedded,
        _ => LockMode::Lockfile,
    });
    let path_keys = o.path_keys.unwrap_or_else(|| match kind {
        Kind::Registry => vec!["sequenceFile".to_string()],
        _ => Vec::new(),
    });
    let event_pattern = match o.event_pattern {
        Some(explicit) => explicit,
        None if kind == Kind::Sequence => default_event_pattern(),
        None => None,
    };
    Artifact {
        path_keys,
        event_pattern,
        schema: o.schema,
        rules: o.rules,
        path: glob.to_string(),
        kind,
        exclusions: Exclusions {
            lock_field: Some(lock_field.clone()).filter(|f| !f.is_empty()),
            pointers,
            volatile_keys: o.volatile_keys.unwrap_or_default(),
        },
        lock_field,
        id_key: o.id_key.unwrap_or_else(|| "id".to_string()),
        required_fields,
        require_lock: o.require_lock.unwrap_or(false),
        lock,
        ignore_set: ignore_set.build().unwrap_or_else(|_| GlobSet::empty()),
        ignore: o.ignore,
    }
}

/// Why a glob would reach outside the repository, if it would.
pub fn leaves_repo(glob: &str) -> Option<&'static str> {
    if glob.is_empty() {
        return Some("is empty");
    }
    if glob.starts_with('/') || glob.starts_with('\\') || glob.get(1..2) == Some(":") {
        return Some("is absolute; paths are relative to the repository root");
    }
    if glob.split(['/', '\\']).any(|seg| seg == "..") {
        return Some("leaves the repository ('..')");
    }
    None
}

fn parse_size(value: &RawSize) -> Result<u64, String> {
    match value {
        RawSize::Bytes(n) if *n > 0 => Ok(*n as u64),
        RawSize::Bytes(n) => Err(format!("{n} is not a positive size")),
        RawSize::Text(s) => {
            let t = s.trim();
            let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
            let (num, unit) = t.split_at(split);
            let n: u64 = num
                .parse()
                .map_err(|_| format!("{s:?} is not a size like 268435456 or \"256 MiB\""))?;
            let mult: u64 = match unit.trim() {
                "" | "B" => 1,
                "KiB" | "K" | "KB" => 1 << 10,
                "MiB" | "M" | "MB" => 1 << 20,
                "GiB" | "G" | "GB" => 1 << 30,
                other => return Err(format!("unknown unit {other:?}; use B, KiB, MiB or GiB")),
            };
            n.checked_mul(mult)
                .filter(|&v| v > 0)
                .ok_or_else(|| format!("{s:?} is not a usable size"))
        }
    }
}

/// Line and column (1-based) of a byte span's start.
fn position(text: &str, span: Range<usize>) -> (usize, usize) {
    crate::core::json::parse::line_col(text.as_bytes(), span.start)
}

/// The `[bdd]` table: where BDD specs are, how they link to registry domains, and what counts
/// as coverage (`git audit bdd`).
#[derive(Debug, Clone)]
pub struct Bdd {
    /// Whether audit.toml has a `[bdd]` table: only then do `check`, `ci` and the hooks report
    /// the `bdd-*` rules (`git audit bdd` reports them either way).
    pub declared: bool,
    /// Globs of Gherkin feature files.
    pub features: Vec<String>,
    features_set: GlobSet,
    /// Globs of business-BDD JSON specs.
    pub specs: Vec<String>,
    specs_set: GlobSet,
    /// A feature or scenario tag `@<tag-prefix><domain id>` links it to a domain; `""` turns
    /// tag links off.
    pub tag_prefix: String,
    /// Whether a feature whose file name is a domain id (`_` and `-` alike, any case) links to it.
    pub file_names: bool,
    /// Text that marks a generated stub feature.
    pub stub_marker: String,
    /// `generator` values that mark a JSON spec as a generated scaffold (counted as a stub).
    pub stub_generators: Vec<String>,
    /// Coverage below this ratio is a `bdd-coverage` finding.
    pub target: f64,
    /// Globs of domain ids that are not governed (placeholders).
    pub exclude: Vec<String>,
    exclude_set: GlobSet,
    /// Which kinds of spec count as covering a domain: `feature`, `stub`, `spec`, `beats`, `plan`.
    pub count: Vec<String>,
    /// Plans whose entries link domains to feature files; `None`: the `[[plan]]` paths.
    pub plans: Option<Vec<String>>,
    /// Pointer pattern to a plan's entries.
    pub plan_entries: Vec<String>,
    /// The member of an entry holding the domain id, and the one naming its feature file.
    pub plan_id_key: String,
    pub plan_spec_key: String,
    /// Where `git audit bdd stub --write` writes `<domain id>.feature`.
    pub stub_dir: String,
}

/// The kinds of spec `[bdd] count` may name.
pub const BDD_KINDS: &[&str] = &["feature", "stub", "spec", "beats", "plan"];

impl Default for Bdd {
    fn default() -> Self {
        let features = vec!["**/*.feature".to_string()];
        let specs = vec![
            "**/__tests__/business-bdd/*.json".to_string(),
            "**/.generated/*business-bdd*.json".to_string(),
        ];
        Bdd {
            declared: false,
            features_set: glob_set(&features),
            features,
            specs_set: glob_set(&specs),
            specs,
            tag_prefix: "domain:".into(),
            file_names: true,
            stub_marker: "AUTO-GENERATED STUB".into(),
            stub_generators: Vec::new(),
            target: 0.9,
            exclude: Vec::new(),
            exclude_set: GlobSet::empty(),
            count: ["feature", "spec", "beats"].map(String::from).to_vec(),
            plans: None,
            plan_entries: vec!["domainSequences".into(), "*".into()],
            plan_id_key: "id".into(),
            plan_spec_key: "bddSpec".into(),
            stub_dir: "features".into(),
        }
    }
}

/// Globs already validated (a bad one could only come from a bug: it then matches nothing).
fn glob_set(globs: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        if let Ok(g) = glob(g) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

impl Bdd {
    /// Whether `path` is a feature file to read.
    pub fn is_feature(&self, path: &str) -> bool {
        self.features_set.is_match(path)
    }

    /// Whether `path` is a business-BDD JSON spec to read.
    pub fn is_spec(&self, path: &str) -> bool {
        self.specs_set.is_match(path)
    }

    /// Whether a domain id is excluded from coverage.
    pub fn excluded(&self, id: &str) -> bool {
        self.exclude_set.is_match(id)
    }

    /// Whether specs of `kind` count as coverage.
    pub fn counts(&self, kind: &str) -> bool {
        self.count.iter().any(|k| k == kind)
    }

    fn from_raw(
        raw: RawBdd,
        at: &dyn Fn(Range<usize>, String) -> ConfigError,
    ) -> Result<Bdd, ConfigError> {
        let mut b = Bdd {
            declared: true,
            ..Bdd::default()
        };
        let globs = |list: Vec<Spanned<String>>, key: &str, path: bool| {
            let mut out = Vec::new();
            for g in list {
                let span = g.span();
                let g = g.into_inner();
                if path {
                    if let Some(problem) = leaves_repo(&g) {
                        return Err(at(span, format!("key `{key}`: {g:?} {problem}")));
                    }
                }
                if let Err(e) = glob(&g) {
                    return Err(at(
                        span,
                        format!("key `{key}`: invalid glob {g:?}: {}", e.kind()),
                    ));
                }
                out.push(g);
            }
            Ok(out)
        };
        if let Some(f) = raw.features {
            b.features = globs(f, "features", true)?;
            b.features_set = glob_set(&b.features);
        }
        if let Some(f) = raw.specs {
            b.specs = globs(f, "specs", true)?;
            b.specs_set = glob_set(&b.specs);
        }
        if let Some(f) = raw.exclude {
            b.exclude = globs(f, "exclude", false)?;
            b.exclude_set = glob_set(&b.exclude);
        }
        if let Some(t) = raw.tag_prefix {
            b.tag_prefix = t;
        }
        if let Some(f) = raw.file_names {
            b.file_names = f;
        }
        if let Some(m) = raw.stub_marker {
            let span = m.span();
            let m = m.into_inner();
            if m.trim().is_empty() {
                return Err(at(
                    span,
                    "key `stub-marker`: must not be empty (every file would be a stub)".into(),
                ));
            }
            b.stub_marker = m;
        }
        if let Some(g) = raw.stub_generators {
            b.stub_generators = g;
        }
        if let Some(t) = raw.target {
            let span = t.span();
            let t = *t.get_ref();
            if !(0.0..=1.0).contains(&t) {
                return Err(at(
                    span,
                    format!("key `target`: {t} is not a ratio from 0 to 1 (0.9 is 90%)"),
                ));
            }
            b.target = t;
        }
        if let Some(c) = raw.count {
            let mut kinds = Vec::new();
            for k in c {
                let span = k.span();
                let k = k.into_inner();
                if !BDD_KINDS.contains(&k.as_str()) {
                    return Err(at(
                        span,
                        format!(
                            "key `count`: unknown kind {k:?}; use {}",
                            BDD_KINDS.join(", ")
                        ),
                    ));
                }
                kinds.push(k);
            }
            b.count = kinds;
        }
        if let Some(p) = raw.plans {
            let mut out = Vec::new();
            for path in p {
                let span = path.span();
                let path = path.into_inner();
                if let Some(problem) = leaves_repo(&path) {
                    return Err(at(span, format!("key `plans`: {path:?} {problem}")));
                }
                out.push(path);
            }
            b.plans = Some(out);
        }
        if let Some(e) = raw.plan_entries {
            let span = e.span();
            let pointer = Pointer::parse(e.get_ref())
                .map_err(|err| at(span.clone(), format!("key `plan-entries`: {err}")))?;
            if pointer.is_root() {
                return Err(at(
                    span,
                    "key `plan-entries`: point at the entries, e.g. \"/domainSequences/*\"".into(),
                ));
            }
            b.plan_entries = pointer.tokens().to_vec();
        }
        if let Some(k) = raw.plan_id_key {
            b.plan_id_key = k;
        }
        if let Some(k) = raw.plan_spec_key {
            b.plan_spec_key = k;
        }
        if let Some(d) = raw.stub_dir {
            let span = d.span();
            let d = d.into_inner();
            let d = d.trim_end_matches('/').to_string();
            if let Some(problem) = leaves_repo(&d) {
                return Err(at(span, format!("key `stub-dir`: {d:?} {problem}")));
            }
            b.stub_dir = d;
        }
        Ok(b)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBdd {
    features: Option<Vec<Spanned<String>>>,
    specs: Option<Vec<Spanned<String>>>,
    tag_prefix: Option<String>,
    file_names: Option<bool>,
    stub_marker: Option<Spanned<String>>,
    stub_generators: Option<Vec<String>>,
    target: Option<Spanned<f64>>,
    exclude: Option<Vec<Spanned<String>>>,
    count: Option<Vec<Spanned<String>>>,
    plans: Option<Vec<Spanned<String>>>,
    plan_entries: Option<Spanned<String>>,
    plan_id_key: Option<String>,
    plan_spec_key: Option<String>,
    stub_dir: Option<Spanned<String>>,
}

/// An invalid configuration: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub origin: String,
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, col)) => write!(f, "{}:{line}:{col}: {}", self.origin, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    limits: Option<RawLimits>,
    /// `None` (no key): the built-in tables; `Some([])` (`artifact = []`): nothing is governed.
    artifact: Option<Vec<RawArtifact>>,
    changelog: Option<RawChangelog>,
    rules: Option<BTreeMap<Spanned<String>, Level>>,
    #[serde(default)]
    plan: Vec<RawPlan>,
    waivers: Option<RawFile>,
    baseline: Option<RawFile>,
    impact: Option<RawImpact>,
    bdd: Option<RawBdd>,
    handlers: Option<RawHandlers>,
    timing: Option<RawTiming>,
    docs: Option<RawDocs>,
    generate: Option<RawGenerate>,
    dashboard: Option<RawDashboard>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawImpact {
    enforce_version_bump: Option<bool>,
    version_pointer: Option<Spanned<String>>,
    max_score: Option<Spanned<i64>>,
    weights: Option<RawWeights>,
    categories: Option<BTreeMap<String, Spanned<f64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawWeights {
    removal: Option<Spanned<i64>>,
    rename: Option<Spanned<i64>>,
    decrease: Option<Spanned<i64>>,
    addition: Option<Spanned<i64>>,
    structural: Option<Spanned<i64>>,
    metadata: Option<Spanned<i64>>,
}

/// The `[impact]` table validated over its defaults.
fn impact(
    raw: Option<RawImpact>,
    at: &dyn Fn(Range<usize>, String) -> ConfigError,
) -> Result<Impact, ConfigError> {
    let mut out = Impact::default();
    let Some(raw) = raw else {
        return Ok(out);
    };
    const CEILING: i64 = 1_000_000;
    let points = |key: &str, v: Spanned<i64>| -> Result<u64, ConfigError> {
        let span = v.span();
        let n = v.into_inner();
        if !(0..=CEILING).contains(&n) {
            return Err(at(
                span,
                format!("key `{key}`: {n} is out of range; use 0 to {CEILING}"),
            ));
        }
        Ok(n as u64)
    };
    if let Some(w) = raw.weights {
        let slots = [
            ("removal", w.removal, &mut out.weights.removal),
            ("rename", w.rename, &mut out.weights.rename),
            ("decrease", w.decrease, &mut out.weights.decrease),
            ("addition", w.addition, &mut out.weights.addition),
            ("structural", w.structural, &mut out.weights.structural),
            ("metadata", w.metadata, &mut out.weights.metadata),
        ];
        for (key, value, slot) in slots {
            if let Some(v) = value {
                *slot = points(key, v)?;
            }
        }
    }
    for (category, factor) in raw.categories.unwrap_or_default() {
        let span = factor.span();
        let f = factor.into_inner();
        if !f.is_finite() || !(0.0..=1000.0).contains(&f) {
            return Err(at(
                span,
                format!("key `{category}`: factor {f} is out of range; use 0 to 1000"),
            ));
        }
        out.categories.insert(category, f);
    }
    if let Some(e) = raw.enforce_version_bump {
        out.enforce_version_bump = e;
    }
    if let Some(p) = raw.version_pointer {
        let span = p.span();
        let text = p.into_inner();
        let pointer = Pointer::parse(&text)
            .map_err(|e| at(span.clone(), format!("key `version-pointer`: {e}")))?;
        if pointer.is_root() {
            return Err(at(
                span,
                "key `version-pointer`: point at the version string, e.g. \"/metadata/version\""
                    .into(),
            ));
        }
        out.version_pointer = pointer;
    }
    if let Some(m) = raw.max_score {
        out.max_score = Some(points("max-score", m)?);
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPlan {
    path: Spanned<String>,
    ids: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFile {
    path: Spanned<String>,
}

/// Which failing tests `tests-failing` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailingTests {
    /// Only tests linked to a handler (its test file, or a test naming it).
    #[default]
    Linked,
    /// Any failure or error in the JUnit reports.
    Any,
}

/// The `[handlers]` table (`git audit handlers`), validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Handlers {
    /// Whether audit.toml has a `[handlers]` table: `check`, `ci` and the hooks then run the
    /// static handler rules (`git audit handlers` runs them either way).
    pub enabled: bool,
    /// Globs of the source files searched for handler definitions.
    pub sources: Vec<String>,
    /// `testFile` rewrites, applied in order to the declared path (after `\` became `/`):
    /// the first whose `from` is a prefix replaces it with `to`.
    pub rewrites: Vec<(String, String)>,
    /// `handler-coverage`: the share of handlers that must be covered (0 to 1, inclusive).
    pub coverage_target: f64,
    /// `tests-failing`: which failures it reports.
    pub failing_tests: FailingTests,
    /// `handlers scaffold`: the repository path of the test-stub template.
    pub template: String,
    /// `handlers scaffold`: where a stub goes when the beat declares no `testFile`, with
    /// `{package}`, `{handler}`, `{sequence}` placeholders.
    pub stub_path: String,
}

/// Default `[handlers] sources`.
pub const HANDLER_SOURCES: &str = "**/src/**/*.{ts,tsx,js,jsx,mjs,cjs}";

impl Default for Handlers {
    fn default() -> Self {
        Handlers {
            enabled: false,
            sources: vec![HANDLER_SOURCES.to_string()],
            rewrites: Vec::new(),
            coverage_target: 0.85,
            failing_tests: FailingTests::Linked,
            template: "templates/handler.spec.ts.tmpl".to_string(),
            stub_path: "{package}/__tests__/{handler}.spec.ts".to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawHandlers {
    sources: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    rewrite: Vec<RawRewrite>,
    coverage_target: Option<Spanned<f64>>,
    failing_tests: Option<FailingTests>,
    template: Option<Spanned<String>>,
    stub_path: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRewrite {
    from: Spanned<String>,
    to: String,
}

fn handlers_section(
    raw: Option<RawHandlers>,
    at: &dyn Fn(Range<usize>, String) -> ConfigError,
) -> Result<Handlers, ConfigError> {
    let mut out = Handlers::default();
    let Some(raw) = raw else {
        return Ok(out);
    };
    out.enabled = true;
    if let Some(list) = raw.sources {
        out.sources.clear();
        for g in list {
            let span = g.span();
            let g = g.into_inner();
            if let Some(problem) = leaves_repo(&g) {
                return Err(at(span, format!("key `sources`: {g:?} {problem}")));
            }
            if let Err(e) = self::glob(&g) {
                return Err(at(
                    span,
                    format!("key `sources`: invalid glob {g:?}: {}", e.kind()),
                ));
            }
            out.sources.push(g);
        }
    }
    for r in raw.rewrite {
        let span = r.from.span();
        let from = r.from.into_inner().replace('\\', "/");
        if from.is_empty() {
            return Err(at(
                span,
                "key `from`: an empty prefix would rewrite every path".into(),
            ));
        }
        out.rewrites.push((from, r.to.replace('\\', "/")));
    }
    if let Some(t) = raw.coverage_target {
        let span = t.span();
        let t = *t.get_ref();
        if !(0.0..=1.0).contains(&t) {
            return Err(at(
                span,
                format!("key `coverage-target`: {t} is not between 0 and 1 (0.85 is 85%)"),
            ));
        }
        out.coverage_target = t;
    }
    if let Some(f) = raw.failing_tests {
        out.failing_tests = f;
    }
    for (key, value, slot) in [
        ("template", raw.template, &mut out.template),
        ("stub-path", raw.stub_path, &mut out.stub_path),
    ] {
        if let Some(v) = value {
            let span = v.span();
            let v = v.into_inner();
            if let Some(problem) = leaves_repo(&v) {
                return Err(at(span, format!("key `{key}`: {v:?} {problem}")));
            }
            *slot = v;
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawChangelog {
    enabled: Option<bool>,
    path: Option<Spanned<String>>,
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLimits {
    max_depth: Option<Spanned<i64>>,
    max_file_size: Option<Spanned<RawSize>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawSize {
    Bytes(i64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawArtifact {
    path: Spanned<String>,
    kind: Kind,
    lock_field: Option<String>,
    exclude: Option<Vec<Spanned<String>>>,
    volatile_keys: Option<Vec<String>>,
    id_key: Option<String>,
    required_fields: Option<Vec<String>>,
    require_lock: Option<bool>,
    lock: Option<LockMode>,
    ignore: Option<Vec<Spanned<String>>>,
    rules: Option<BTreeMap<Spanned<String>, Level>>,
    event_pattern: Option<Spanned<String>>,
    schema: Option<Spanned<String>>,
    path_keys: Option<Vec<String>>,
}

/// Which percentile `timing check` compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    P50,
    P95,
}

impl Metric {
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::P50 => "p50",
            Metric::P95 => "p95",
        }
    }
}

/// Default timing baseline file.
pub const TIMING_BASELINE: &str = "audit-timing-baseline.json";

/// The `[timing]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Repository path of the committed timing baseline.
    pub baseline: String,
    /// The percentile compared by `timing-regression`.
    pub metric: Metric,
    /// How far over the baseline (a fraction: 0.2 is +20%) a run may be.
    pub threshold: f64,
    /// Below this many milliseconds over the baseline nothing is a regression.
    pub min_delta_ms: f64,
    /// Samples a sequence needs (in the run and the baseline) to be compared, and in the
    /// baseline to count as measured.
    pub min_samples: usize,
    /// `timing-coverage` below this fraction of registry domains measured.
    pub coverage_target: f64,
    /// Whether `git audit check` reads the committed timing baseline (`timing-coverage`,
    /// `timing-baseline-stale`) when it is present.
    pub check: bool,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            baseline: TIMING_BASELINE.to_string(),
            metric: Metric::P50,
            threshold: 0.2,
            min_delta_ms: 1.0,
            min_samples: 3,
            coverage_target: 0.7,
            check: true,
        }
    }
}

impl Timing {
    fn from_raw(
        raw: RawTiming,
        at: &dyn Fn(Range<usize>, String) -> ConfigError,
    ) -> Result<Timing, ConfigError> {
        let mut t = Timing::default();
        if let Some(p) = raw.baseline {
            let span = p.span();
            let p = p.into_inner();
            if let Some(problem) = leaves_repo(&p) {
                return Err(at(span, format!("key `baseline`: {p:?} {problem}")));
            }
            t.baseline = p;
        }
        if let Some(m) = raw.metric {
            t.metric = m;
        }
        let fraction = |v: Spanned<f64>, key: &str, max: f64| {
            let span = v.span();
            let v = *v.get_ref();
            if v.is_finite() && (0.0..=max).contains(&v) {
                Ok(v)
            } else {
                Err(at(
                    span,
                    format!("key `{key}`: {v} is out of range; use 0 to {max} (0.2 is 20%)"),
                ))
            }
        };
        if let Some(v) = raw.threshold {
            t.threshold = fraction(v, "threshold", 100.0)?;
        }
        if let Some(v) = raw.coverage_target {
            t.coverage_target = fraction(v, "coverage-target", 1.0)?;
        }
        if let Some(v) = raw.min_delta_ms {
            let span = v.span();
            let v = *v.get_ref();
            if !(v.is_finite() && v >= 0.0) {
                return Err(at(
                    span,
                    format!("key `min-delta-ms`: {v} is not a non-negative number"),
                ));
            }
            t.min_delta_ms = v;
        }
        if let Some(v) = raw.min_samples {
            let span = v.span();
            let v = *v.get_ref();
            if v < 1 {
                return Err(at(span, format!("key `min-samples`: {v} is below 1")));
            }
            t.min_samples = v as usize;
        }
        if let Some(c) = raw.check {
            t.check = c;
        }
        Ok(t)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTiming {
    baseline: Option<Spanned<String>>,
    metric: Option<Metric>,
    threshold: Option<Spanned<f64>>,
    min_delta_ms: Option<Spanned<f64>>,
    min_samples: Option<Spanned<i64>>,
    coverage_target: Option<Spanned<f64>>,
    check: Option<bool>,
}

/// The `[docs]` table: Markdown rendered from JSON (`[[docs.render]]`) and the globs of
/// Markdown that must carry a provenance banner (`generated`).
#[derive(Debug, Clone, Default)]
pub struct Docs {
    /// Globs of generated docs, as written: each must carry a provenance banner.
    pub generated: Vec<String>,
    generated_set: GlobSet,
    /// The docs `git audit docs render` writes, in the order written.
    pub render: Vec<DocSpec>,
}

/// One `[[docs.render]]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSpec {
    /// Repository path of the rendered Markdown.
    pub path: String,
    /// Repository path of the template (read from the same snapshot, never from disk).
    pub template: String,
    pub sources: Vec<DocSource>,
}

/// A source of a doc: a repository path, optionally with a JSON Pointer (`file.json#/domains`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSource {
    pub path: String,
    pub pointer: Option<Pointer>,
}

impl DocSource {
    /// Parses `path` or `path#/pointer`; the pointer is RFC 6901 text, not percent-encoded.
    pub fn parse(text: &str) -> Result<DocSource, String> {
        let (path, pointer) = match text.split_once('#') {
            Some((p, ptr)) => (p, Some(ptr)),
            None => (text, None),
        };
        if let Some(problem) = leaves_repo(path) {
            return Err(format!("{path:?} {problem}"));
        }
        if text.contains(['\n', '\r']) || text.contains("-->") {
            return Err(format!(
                "{text:?} cannot be written in a banner (line break or `-->`)"
            ));
        }
        let pointer = match pointer {
            None => None,
            Some(ptr) => Some(Pointer::parse(ptr).map_err(|e| format!("{text:?}: {e}"))?),
        };
        Ok(DocSource {
            path: path.to_string(),
            pointer,
        })
    }
}

impl fmt::Display for DocSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pointer {
            Some(p) => write!(f, "{}#{p}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

impl Docs {
    /// Whether `path` is a doc git-audit governs: rendered by it, or matched by `generated`.
    pub fn governs(&self, path: &str) -> bool {
        self.render.iter().any(|d| d.path == path) || self.generated_set.is_match(path)
    }

    /// The `[[docs.render]]` table for `path`.
    pub fn spec(&self, path: &str) -> Option<&DocSpec> {
        self.render.iter().find(|d| d.path == path)
    }

    fn from_raw(
        raw: RawDocs,
        at: &dyn Fn(Range<usize>, String) -> ConfigError,
    ) -> Result<Docs, ConfigError> {
        let mut set = GlobSetBuilder::new();
        let mut generated = Vec::new();
        for g in raw.generated {
            let span = g.span();
            let g = g.into_inner();
            if let Some(problem) = leaves_repo(&g) {
                return Err(at(span, format!("key `generated`: {g:?} {problem}")));
            }
            let built = glob(&g).map_err(|e| {
                at(
                    span.clone(),
                    format!("key `generated`: invalid glob {g:?}: {}", e.kind()),
                )
            })?;
            set.add(built);
            generated.push(g);
        }
        let mut render: Vec<DocSpec> = Vec::new();
        for r in raw.render {
            let span = r.path.span();
            let path = r.path.into_inner();
            let template_span = r.template.span();
            let template = r.template.into_inner();
            for (key, p, s) in [
                ("path", &path, &span),
                ("template", &template, &template_span),
            ] {
                if let Some(problem) = leaves_repo(p) {
                    return Err(at(s.clone(), format!("key `{key}`: {p:?} {problem}")));
                }
                if p.contains(['\n', '\r']) || p.contains("-->") {
                    return Err(at(
                        s.clone(),
                        format!("key `{key}`: {p:?} cannot be written in a banner"),
                    ));
                }
            }
            if render.iter().any(|d| d.path == path) {
                return Err(at(span, format!("key `path`: {path:?} is rendered twice")));
            }
            let mut sources = Vec::new();
            for s in r.sources {
                let s_span = s.span();
                let source = DocSource::parse(s.get_ref())
                    .map_err(|m| at(s_span.clone(), format!("key `sources`: {m}")))?;
                if source.path == path {
                    return Err(at(
                        s_span,
                        format!("key `sources`: {path:?} cannot be its own source"),
                    ));
                }
                sources.push(source);
            }
            render.push(DocSpec {
                path,
                template,
                sources,
            });
        }
        Ok(Docs {
            generated,
            generated_set: set.build().map_err(|e| ConfigError {
                origin: String::new(),
                position: None,
                message: format!("invalid glob: {e}"),
            })?,
            render,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDocs {
    #[serde(default)]
    generated: Vec<Spanned<String>>,
    #[serde(default)]
    render: Vec<RawDocRender>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDocRender {
    path: Spanned<String>,
    template: Spanned<String>,
    #[serde(default)]
    sources: Vec<Spanned<String>>,
}

/// How a sequence's id is derived (`[generate]` `id-keys`, `id-from-stem`): the first of `keys`
/// the document carries as a non-empty string, else (with `stem`) its file name without
/// `.json`. Shared by registry generation and the registry ↔ sequence rules (`core::sequence`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub keys: Vec<String>,
    pub stem: bool,
}

impl Default for Identity {
    fn default() -> Self {
        Identity {
            keys: vec!["id".to_string(), "sequenceId".to_string()],
            stem: true,
        }
    }
}

/// What a `[[generate.source]]` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// Sequence files, one domain each.
    Sequences,
    /// A catalog: an array of sequence summaries (or an object with one under `sequences`).
    Catalog,
}

/// One `[[generate.source]]`: which files, and the domain fields a sequence does not carry.
#[derive(Debug, Clone)]
pub struct GenerateSource {
    pub kind: SourceKind,
    pub paths: Vec<String>,
    pub ignore: Vec<String>,
    set: GlobSet,
    ignore_set: GlobSet,
    pub category: String,
    pub emoji: String,
    pub purpose: String,
    /// `{name}` and `{id}` are replaced; used when the sequence has no `description`.
    pub description: String,
    /// The member linking a domain to its source: `sequenceFile` (the path) or a member copied
    /// from the sequence (`pluginId`).
    pub link: String,
    pub status: String,
    pub tempo: f64,
    pub key: String,
    pub time_signature: String,
}

impl GenerateSource {
    /// Whether this source reads `path`.
    pub fn reads(&self, path: &str) -> bool {
        self.set.is_match(path) && !self.ignore_set.is_match(path)
    }
}

/// The `[generate]` table.
#[derive(Debug, Clone)]
pub struct Generate {
    /// The registry generation writes and `registry-stale` compares.
    pub registry: String,
    /// A JSON file of hand-kept domains and fields (`{"domains": [{"id": …, …}]}`).
    pub overlay: Option<String>,
    pub identity: Identity,
    /// Root members copied over from the current registry.
    pub copy: Vec<String>,
    pub sources: Vec<GenerateSource>,
    /// Hand-kept fields by domain id (`[generate.domain.<id>]`), as JSON objects.
    pub domains: BTreeMap<String, serde_json::Value>,
    /// Where the sources' globs can match (compiled once). See `may_contain`.
    reach: Vec<Reach>,
}

/// Root members a generated registry copies from the current one unless `copy` says otherwise.
pub const GENERATE_COPY: &[&str] = &[
    "id",
    "name",
    "metadata",
    "unifiedInterface",
    "handlerSchema",
    "executionFlow",
    "categories",
    "dynamics",
    "timing",
];

impl Default for Generate {
    fn default() -> Self {
        Generate {
            registry: "orchestration-domains.json".into(),
            overlay: None,
            identity: Identity::default(),
            copy: GENERATE_COPY.iter().map(|s| s.to_string()).collect(),
            sources: Vec::new(),
            domains: BTreeMap::new(),
            reach: Vec::new(),
        }
    }
}

impl Generate {
    /// Whether generation is configured (at least one source).
    pub fn enabled(&self) -> bool {
        !self.sources.is_empty()
    }

    /// Whether any source reads `path`.
    pub fn reads(&self, path: &str) -> bool {
        self.sources.iter().any(|s| s.reads(path))
    }

    /// Whether a source file can lie under `dir` (`""` or ending in `/`).
    pub fn may_contain(&self, dir: &str) -> bool {
        self.reach.iter().any(|r| r.may_contain(dir))
    }
}

fn generate(
    g: RawGenerate,
    at: &dyn Fn(Range<usize>, String) -> ConfigError,
) -> Result<Generate, ConfigError> {
    let mut out = Generate::default();
    let path = |p: Spanned<String>, key: &str| -> Result<String, ConfigError> {
        let span = p.span();
        let p = p.into_inner();
        match leaves_repo(&p) {
            Some(problem) => Err(at(span, format!("key `{key}`: {p:?} {problem}"))),
            None => Ok(p),
        }
    };
    if let Some(r) = g.registry {
        out.registry = path(r, "registry")?;
    }
    if let Some(o) = g.overlay {
        out.overlay = Some(path(o, "overlay")?);
    }
    if let Some(keys) = g.id_keys {
        out.identity.keys = keys;
    }
    if let Some(stem) = g.id_from_stem {
        out.identity.stem = stem;
    }
    if let Some(copy) = g.copy {
        out.copy = copy;
    }
    for (id, fields) in g.domain.unwrap_or_default() {
        let span = id.span();
        let value = serde_json::to_value(&fields)
            .map_err(|e| at(span.clone(), format!("[generate.domain]: {e}")))?;
        if !value.is_object() {
            return Err(at(span, "[generate.domain]: each entry is a table".into()));
        }
        out.domains.insert(id.into_inner(), value);
    }
    for s in g.source {
        let mut set = GlobSetBuilder::new();
        let mut paths = Vec::new();
        for p in s.paths {
            let span = p.span();
            let p = path(p, "paths")?;
            set.add(self::glob(&p).map_err(|e| {
                at(
                    span,
                    format!("key `paths`: invalid glob {p:?}: {}", e.kind()),
                )
            })?);
            paths.push(p);
        }
        let mut ignore_set = GlobSetBuilder::new();
        let mut ignore = Vec::new();
        for p in s.ignore.unwrap_or_default() {
            let span = p.span();
            let p = path(p, "ignore")?;
            ignore_set.add(self::glob(&p).map_err(|e| {
                at(
                    span,
                    format!("key `ignore`: invalid glob {p:?}: {}", e.kind()),
                )
            })?);
            ignore.push(p);
        }
        let built = |b: GlobSetBuilder| b.build().unwrap_or_else(|_| GlobSet::empty());
        out.sources.push(GenerateSource {
            kind: s.kind,
            paths,
            ignore,
            set: built(set),
            ignore_set: built(ignore_set),
            category: s.category.unwrap_or_else(|| "orchestration".into()),
            emoji: s.emoji.unwrap_or_else(|| "\u{1f3bc}".into()),
            purpose: s.purpose.unwrap_or_else(|| "System orchestration".into()),
            description: s.description.unwrap_or_else(|| "{name}".into()),
            link: s.link.unwrap_or_else(|| match s.kind {
                SourceKind::Sequences => "sequenceFile".into(),
                SourceKind::Catalog => "pluginId".into(),
            }),
            status: s.status.unwrap_or_else(|| "active".into()),
            tempo: s.tempo.unwrap_or(120.0),
            key: s.key.unwrap_or_else(|| "C Major".into()),
            time_signature: s.time_signature.unwrap_or_else(|| "4/4".into()),
        });
    }
    out.reach = out
        .sources
        .iter()
        .flat_map(|s| &s.paths)
        .flat_map(|g| Reach::of(g))
        .collect();
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawGenerate {
    registry: Option<Spanned<String>>,
    overlay: Option<Spanned<String>>,
    id_keys: Option<Vec<String>>,
    id_from_stem: Option<bool>,
    copy: Option<Vec<String>>,
    #[serde(default)]
    source: Vec<RawGenerateSource>,
    domain: Option<BTreeMap<Spanned<String>, toml::Table>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawGenerateSource {
    kind: SourceKind,
    paths: Vec<Spanned<String>>,
    ignore: Option<Vec<Spanned<String>>>,
    category: Option<String>,
    emoji: Option<String>,
    purpose: Option<String>,
    description: Option<String>,
    link: Option<String>,
    status: Option<String>,
    tempo: Option<f64>,
    key: Option<String>,
    time_signature: Option<String>,
}

/// Every table and key audit.toml accepts, read off the parser itself (`core::config_keys`):
/// the generated key index in docs/config.md is this list.
pub fn key_reference() -> Vec<super::config_keys::TableKeys> {
    super::config_keys::explore(&|text| {
        toml::from_str::<RawConfig>(text)
            .map(|_| ())
            .map_err(|e| e.message().to_string())
    })
}

/// The `[dashboard]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dashboard {
    /// A URL template linking a finding to its file and line (`{commit}`, `{path}`, `{line}`),
    /// for example `https://github.com/OWNER/REPO/blob/{commit}/{path}#L{line}`.
    pub repository_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDashboard {
    repository_url: Option<Spanned<String>>,
}

impl Dashboard {
    fn from_raw(
        raw: RawDashboard,
        at: &dyn Fn(Range<usize>, String) -> ConfigError,
    ) -> Result<Dashboard, ConfigError> {
        let mut d = Dashboard::default();
        if let Some(u) = raw.repository_url {
            let span = u.span();
            let url = u.into_inner();
            if let Some(problem) = url_problem(&url) {
                return Err(at(span, format!("key `repository-url`: {url:?} {problem}")));
            }
            d.repository_url = Some(url);
        }
        Ok(d)
    }
}

/// Why a `repository-url` template is refused: only http(s) URLs, only the known placeholders,
/// `{path}` required, no whitespace, quotes or angle brackets.
fn url_problem(url: &str) -> Option<String> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Some("is not an http(s) URL".into());
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
    {
        return Some("contains whitespace, a quote or an angle bracket".into());
    }
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Some("has an unclosed `{`".into());
        };
        let name = &rest[open..open + close + 1];
        if !["{commit}", "{path}", "{line}"].contains(&name) {
            return Some(format!(
                "has an unknown placeholder `{name}` (known: {{commit}}, {{path}}, {{line}})"
            ));
        }
        rest = &rest[open + close + 1..];
    }
    if !url.contains("{path}") {
        return Some("has no `{path}` placeholder".into());
    }
    None
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_key_reference_knows_every_table() {
        let tables = key_reference();
        let find = |h: &str| tables.iter().find(|t| t.header == h);
        let artifact = find("[[artifact]]").expect("[[artifact]] is a table array");
        assert!(artifact.keys.iter().any(|k| k == "lock-field"));
        assert!(find("[rules]").is_some_and(|t| t.free));
        assert!(find("[artifact.rules]").is_some_and(|t| t.free));
        assert!(find("[impact.weights]").is_some_and(|t| t.keys.contains(&"removal".to_string())));
        assert!(find("[[docs.render]]").is_some_and(|t| t.keys.contains(&"template".to_string())));
        let limits = find("[limits]").expect("[limits]");
        assert_eq!(limits.keys, ["max-depth", "max-file-size"]);
    }
    use super::*;

    fn err(text: &str) -> ConfigError {
        Config::parse(text, "audit.toml").unwrap_err()
    }

    #[test]
    fn builtin_governs_registry_and_sequences() {
        let c = Config::builtin();
        let reg = c.governing("orchestration-domains.json").unwrap();
        assert_eq!(reg.kind, Kind::Registry);
        assert_eq!(reg.lock_field, "integrity");
        assert_eq!(
            reg.exclusions.pointers[0].to_string(),
            "/metadata/generated"
        );
        let seq = c
            .governing("packages/a/json-sequences/x/copy.json")
            .unwrap();
        assert_eq!(seq.kind, Kind::Sequence);
        assert!(seq.exclusions.pointers.is_empty());
        assert_eq!(reg.lock, LockMode::Embedded);
        assert_eq!(seq.lock, LockMode::Lockfile);
        assert_eq!(reg.required_fields, REGISTRY_REQUIRED);
        assert_eq!(seq.required_fields, SEQUENCE_REQUIRED);
        assert_eq!(
            c.governing("json-sequences/top.json").unwrap().kind,
            Kind::Sequence
        );
        assert!(c.governing("sub/orchestration-domains.json").is_none());
        assert!(c.governing("package.json").is_none());
    }

    #[test]
    fn parses_every_key() {
        let c = Config::parse(
            r#"
[limits]
max-depth = 16
max-file-size = "2 MiB"

[[artifact]]
path = "reg/*.json"
kind = "registry"
lock-field = "lock"
exclude = ["/a/b", "/c~1d"]
volatile-keys = ["generatedAt"]
id-key = "key"
required-fields = ["id"]
require-lock = true
lock = "lockfile"

[[artifact]]
path = "**/*.json"
kind = "json"
"#,
            "audit.toml",
        )
        .unwrap();
        assert_eq!(c.limits.max_depth, 16);
        assert_eq!(c.limits.max_size, 2 << 20);
        let a = c.governing("reg/x.json").unwrap();
        assert_eq!(a.kind, Kind::Registry);
        assert_eq!(a.lock_field, "lock");
        assert_eq!(a.exclusions.lock_field.as_deref(), Some("lock"));
        assert_eq!(a.exclusions.pointers[1].tokens(), ["c/d"]);
        assert_eq!(a.exclusions.volatile_keys, ["generatedAt"]);
        assert_eq!(a.id_key, "key");
        assert_eq!(a.required_fields, ["id"]);
        assert!(a.require_lock);
        assert_eq!(a.lock, LockMode::Lockfile);
        let j = c.governing("x.json").unwrap();
        assert!(j.required_fields.is_empty());
        assert!(!j.require_lock);
        assert_eq!(j.lock, LockMode::Lockfile);
        // First matching table wins; `*` does not cross '/'.
        assert_eq!(c.governing("reg/sub/x.json").unwrap().kind, Kind::Json);
        assert_eq!(c.governing("x.json").unwrap().kind, Kind::Json);
    }

    #[test]
    fn ignore_hands_paths_to_the_next_table() {
        let c = Config::parse(
            "[[artifact]]\npath = \"**/json-sequences/**/*.json\"\nkind = \"sequence\"\nignore = [\"**/index.json\"]\n\n[[artifact]]\npath = \"**/*.json\"\nkind = \"json\"\n",
            "audit.toml",
        )
        .unwrap();
        assert_eq!(
            c.governing("p/json-sequences/a.json").unwrap().kind,
            Kind::Sequence
        );
        assert_eq!(
            c.governing("p/json-sequences/index.json").unwrap().kind,
            Kind::Json
        );
        let e = err("[[artifact]]\npath = \"a.json\"\nkind = \"json\"\nignore = [\"[\"]\n");
        assert!(e.message.starts_with("key `ignore`"), "{e}");
        assert_eq!(e.position.map(|p| p.0), Some(4));
    }

    #[test]
    fn changelog_table() {
        let c = Config::builtin();
        assert_eq!(c.changelog, Changelog::default());
        let c = Config::parse(
            "[changelog]\npath = \"docs/evolution.md\"\nmetadata = \"skip\"\nenabled = false\n",
            "audit.toml",
        )
        .unwrap();
        assert_eq!(c.changelog.path, "docs/evolution.md");
        assert_eq!(c.changelog.metadata, Metadata::Skip);
        assert!(!c.changelog.enabled);
        let e = err("[changelog]\npath = \"../x.md\"\n");
        assert_eq!(e.position.map(|p| p.0), Some(2));
        let e = err("[changelog]\nmetadata = \"sometimes\"\n");
        assert!(e.message.contains("sometimes"), "{e}");
    }

    #[test]
    fn empty_lock_field_means_none() {
        let c = Config::parse(
            "[[artifact]]\npath = \"r.json\"\nkind = \"json\"\nlock-field = \"\"\n",
            "audit.toml",
        )
        .unwrap();
        assert_eq!(c.artifacts[0].exclusions.lock_field, None);
    }

    #[test]
    fn explicit_empty_exclude_overrides_the_registry_default() {
        let c = Config::parse(
            "[[artifact]]\npath = \"r.json\"\nkind = \"registry\"\nexclude = []\n",
            "audit.toml",
        )
        .unwrap();
        assert!(c.artifacts[0].exclusions.pointers.is_empty());
    }

    #[test]
    fn unknown_keys_name_line_and_key() {
        let e = err("[[artifact]]\npath = \"a.json\"\nkind = \"json\"\nlockfield = \"x\"\n");
        assert_eq!(e.position, Some((4, 1)));
        assert!(e.message.contains("unknown field `lockfield`"), "{e}");
        let e = err("[limitz]\n");
        assert!(e.message.contains("limitz"), "{e}");
        assert!(e.to_string().starts_with("audit.toml:1:"), "{e}");
    }

    #[test]
    fn bad_kind_is_refused() {
        let e = err("[[artifact]]\npath = \"a.json\"\nkind = \"yaml\"\n");
        assert_eq!(e.position.map(|p| p.0), Some(3));
        assert!(e.message.contains("yaml"), "{e}");
    }

    #[test]
    fn bad_globs_name_line_and_key() {
        let e = err("[[artifact]]\nkind = \"json\"\npath = \"a/[b.json\"\n");
        assert_eq!(e.position, Some((3, 8)));
        assert!(e.message.starts_with("key `path`: invalid glob"), "{e}");
    }

    #[test]
    fn invalid_pointers_name_line_and_key() {
        let e = err(
            "[[artifact]]\npath = \"a.json\"\nkind = \"json\"\nexclude = [\"/ok\", \"nope\"]\n",
        );
        assert_eq!(e.position, Some((4, 19)));
        assert!(e.message.contains("key `exclude`"), "{e}");
        let e = err("[[artifact]]\npath = \"a.json\"\nkind = \"json\"\nexclude = [\"/a~2\"]\n");
        assert!(e.message.contains("'~'"), "{e}");
        let e = err("[[artifact]]\npath = \"a.json\"\nkind = \"json\"\nexclude = [\"\"]\n");
        assert!(e.message.contains("whole document"), "{e}");
    }

    #[test]
    fn paths_leaving_the_repo_are_refused() {
        for bad in [
            "/etc/x.json",
            "../x.json",
            "a/../../x.json",
            "C:/x.json",
            "",
        ] {
            let e = err(&format!("[[artifact]]\npath = {bad:?}\nkind = \"json\"\n"));
            assert_eq!(e.position.map(|p| p.0), Some(2), "{bad}: {e}");
            assert!(e.message.starts_with("key `path`"), "{e}");
        }
    }

    #[test]
    fn limits_are_validated() {
        let e = err("[limits]\nmax-depth = 0\n");
        assert!(e.message.contains("max-depth"), "{e}");
        let e = err("[limits]\nmax-depth = 100000\n");
        assert!(e.message.contains("out of range"), "{e}");
        let e = err("[limits]\nmax-file-size = \"12 parsecs\"\n");
        assert!(e.message.contains("unknown unit"), "{e}");
        let e = err("[limits]\nmax-file-size = -1\n");
        assert!(e.message.contains("max-file-size"), "{e}");
        let c = Config::parse("[limits]\nmax-file-size = 1000\n", "x").unwrap();
        assert_eq!(c.limits.max_size, 1000);
    }

    #[test]
    fn no_artifact_key_keeps_the_builtin_tables() {
        let c = Config::parse("[rules]\nevent-name = \"error\"\n", "audit.toml").unwrap();
        assert_eq!(
            c.governing("orchestration-domains.json").map(|a| a.kind),
            Some(Kind::Registry)
        );
        assert_eq!(c.rules.get(&RuleId::EventName), Some(&Level::Error));
        let c = Config::parse("artifact = []\n", "audit.toml").unwrap();
        assert!(c.artifacts.is_empty());
        assert!(c.governing("orchestration-domains.json").is_none());
        let c = Config::parse("[[artifact]]\npath = \"a.json\"\nkind = \"json\"\n", "x").unwrap();
        assert!(c.governing("orchestration-domains.json").is_none());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = err("[[artifact]\n");
        assert_eq!(e.position.map(|p| p.0), Some(1));
    }
}

#[cfg(test)]
mod reach_tests {
    use super::*;

    #[test]
    fn braces_expand_and_directories_match_segment_by_segment() {
        assert_eq!(
            expand_braces("x/{a,b{c,d}}/e.json"),
            Some(vec![
                "x/a/e.json".into(),
                "x/bc/e.json".into(),
                "x/bd/e.json".into()
            ])
        );
        assert_eq!(expand_braces("x/{a,b/e.json"), None);
        let may = |glob: &str, dir: &str| Reach::of(glob).iter().any(|r| r.may_contain(dir));
        assert!(may("orchestration-domains.json", ""));
        assert!(!may("orchestration-domains.json", "docs/"));
        assert!(may("a/b/c.json", "a/"));
        assert!(may("a/b/c.json", "a/b/"));
        assert!(!may("a/b/c.json", "a/b/d/"));
        assert!(!may("a/b/c.json", "a/x/"));
        assert!(may("**/json-sequences/**/*.json", "anything/at/all/"));
        assert!(may("packages/*/json-sequences/**/*.json", "packages/p/"));
        assert!(may(
            "packages/*/json-sequences/**/*.json",
            "packages/p/json-sequences/x/y/"
        ));
        assert!(!may(
            "packages/*/json-sequences/**/*.json",
            "packages/p/src/"
        ));
        assert!(!may(
            "packages/*/json-sequences/*.json",
            "packages/p/json-sequences/x/"
        ));
        assert!(may("x/[ab]/e.json", "x/a/"));
        assert!(!may("x/[ab]/e.json", "x/c/"));
        assert!(may("deep/**", "deep/a/b/"));
        assert!(
            may("x/{a,b/e.json", "anywhere/"),
            "unbalanced braces reach everything"
        );
        assert!(may(
            "{packages/*/seq/*.json,catalog/seq/*.json}",
            "catalog/seq/"
        ));
        assert!(!may(
            "{packages/*/seq/*.json,catalog/seq/*.json}",
            "catalog/other/"
        ));
    }

    /// Pruning never hides a governed path: every directory above a path the configuration
    /// governs may contain one, for every glob shape (also the built-in defaults).
    #[test]
    fn every_directory_above_a_governed_path_may_contain_one() {
        let text = r#"
[[artifact]]
path = "orchestration-domains.json"
kind = "registry"

[[artifact]]
path = "{packages/*/json-sequences/**/*.json,catalog/json-sequences/*.json}"
kind = "sequence"

[[artifact]]
path = "docs/[gs]chemas/?/x.json"
kind = "json"

[[artifact]]
path = "deep/**"
kind = "json"
"#;
        let configs = [Config::parse(text, "t").expect("valid"), Config::builtin()];
        let paths = [
            "orchestration-domains.json",
            "packages/p/json-sequences/a.json",
            "packages/p/json-sequences/x/y/a.json",
            "catalog/json-sequences/a.json",
            "docs/schemas/1/x.json",
            "deep/a/b/c/d.json",
            "src/json-sequences/a.json",
            "a/b/json-sequences/c/d.json",
            "other/orchestration-domains.json",
        ];
        let mut governed = 0;
        for config in &configs {
            for path in paths {
                if config.governing(path).is_none() {
                    continue;
                }
                governed += 1;
                let mut dir = String::new();
                assert!(config.may_contain(&dir), "{path}: the root");
                for part in path
                    .split('/')
                    .collect::<Vec<_>>()
                    .split_last()
                    .map_or(&[][..], |(_, d)| d)
                {
                    dir.push_str(part);
                    dir.push('/');
                    assert!(config.may_contain(&dir), "{path}: {dir}");
                }
            }
        }
        assert!(
            governed >= 8,
            "the fixture governs what it means to: {governed}"
        );
        // …and it does prune: nothing of the first configuration lies under src/ or tests/.
        assert!(!configs[0].may_contain("src/"));
        assert!(!configs[0].may_contain("tests/"));
        assert!(configs[0].may_contain("packages/"));
        assert!(configs[0].may_contain("packages/p/"));
    }
}
