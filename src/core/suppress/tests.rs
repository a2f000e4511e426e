//! Unit tests of severities, waivers and the baseline.

use super::*;
use crate::core::config::Config;
use crate::core::rules::RuleId;

fn finding(rule: RuleId, path: &str, pointer: &str, message: &str) -> Finding {
    let mut f = Finding::new(rule, path, message.into(), "hint".into());
    f.pointer = Pointer::parse(pointer).unwrap();
    f
}

const WAIVERS: &str = r#"
[[waiver]]
rule = "registry-sequence-mismatch"
path = "orchestration-domains.json"
pointer = "/domains/3"
reason = "generator bug #12, fixed next sprint"
owner = "ada@example.com"
expires = 2026-12-31

[[waiver]]
rule = "event-name"
path = "**/json-sequences/**"
reason = "legacy names"
owner = "cy"
expires = "2025-01-31"
"#;

#[test]
fn waivers_parse_with_lines() {
    let w = parse_waivers(WAIVERS, "audit-waivers.toml").unwrap();
    assert_eq!(w.len(), 2);
    assert_eq!(w[0].expires, "2026-12-31");
    assert_eq!(w[0].line, 2);
    assert_eq!(w[1].expires, "2025-01-31");
}

#[test]
fn waivers_are_validated() {
    for (text, needle) in [
        ("[[waiver]]\nrule = \"nope\"\npath = \"a\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-01-01\n", "unknown rule"),
        ("[[waiver]]\nrule = \"schema\"\npath = \"a\"\nreason = \" \"\nowner = \"o\"\nexpires = 2026-01-01\n", "reason"),
        ("[[waiver]]\nrule = \"schema\"\npath = \"a\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"soon\"\n", "date"),
        ("[[waiver]]\nrule = \"schema\"\npath = \"a\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2026-13-45\"\n", "date"),
        ("[[waiver]]\nrule = \"schema\"\npath = \"a\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2027-02-29\"\n", "date"),
        ("[[waiver]]\nrule = \"schema\"\npath = \"a\"\nreason = \"r\"\nowner = \"o\"\n", "expires"),
        ("[[waiver]]\nrule = \"schema\"\npath = \"a\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-01-01\nextra = 1\n", "extra"),
    ] {
        let e = parse_waivers(text, "w.toml").unwrap_err();
        assert!(e.message.contains(needle), "{needle}: {e}");
    }
}

#[test]
fn a_live_waiver_suppresses_and_an_expired_one_says_so() {
    let config = Config::builtin();
    let w = parse_waivers(WAIVERS, "audit-waivers.toml").unwrap();
    let findings = vec![
        finding(
            RuleId::RegistrySequenceMismatch,
            "orchestration-domains.json",
            "/domains/3/beats",
            "says 3",
        ),
        finding(
            RuleId::RegistrySequenceMismatch,
            "orchestration-domains.json",
            "/domains/4/beats",
            "says 3",
        ),
        finding(
            RuleId::EventName,
            "p/json-sequences/a.json",
            "/movements/0/beats/0/event",
            "bad",
        ),
    ];
    let out = settle(
        findings,
        &config,
        &w,
        "audit-waivers.toml",
        &Baseline::default(),
        "2026-06-01",
        false,
    );
    assert_eq!(out.len(), 4);
    assert_eq!(out[0].suppressed.as_ref().map(|s| s.kind), Some("waiver"));
    assert!(!out[0].blocks());
    assert!(out[1].suppressed.is_none());
    assert!(out[1].blocks());
    // The expired waiver no longer waives, and says so.
    assert!(out[2].suppressed.is_none());
    assert_eq!(out[3].rule, RuleId::WaiverExpired);
    assert_eq!(out[3].line, 10);
    assert!(out[3].message.contains("expired on 2025-01-31"));
    // The day after expiry the first waiver stops too.
    let again = settle(
        vec![finding(
            RuleId::RegistrySequenceMismatch,
            "orchestration-domains.json",
            "/domains/3",
            "x",
        )],
        &config,
        &w,
        "audit-waivers.toml",
        &Baseline::default(),
        "2027-01-01",
        false,
    );
    assert!(again[0].blocks());
    assert_eq!(again[1].rule, RuleId::WaiverExpired);
    // Through the expiry day itself it holds.
    let on_the_day = settle(
        vec![finding(
            RuleId::RegistrySequenceMismatch,
            "orchestration-domains.json",
            "/domains/3",
            "x",
        )],
        &config,
        &w,
        "audit-waivers.toml",
        &Baseline::default(),
        "2026-12-31",
        false,
    );
    assert!(!on_the_day[0].blocks());
}

#[test]
fn waiver_by_fingerprint() {
    let config = Config::builtin();
    let f = finding(RuleId::Schema, "a.json", "/x", "bad value");
    let text = format!(
        "[[waiver]]\nrule = \"schema\"\npath = \"a.json\"\nfingerprint = \"{}\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2099-01-01\n",
        fingerprint(&f)
    );
    let w = parse_waivers(&text, "w").unwrap();
    let other = finding(RuleId::Schema, "a.json", "/y", "bad value");
    let out = settle(
        vec![f, other],
        &config,
        &w,
        "w",
        &Baseline::default(),
        "2026-01-01",
        false,
    );
    assert!(out[0].suppressed.is_some());
    assert!(out[1].suppressed.is_none());
}

#[test]
fn baseline_accepts_known_findings_only() {
    let config = Config::builtin();
    let old = finding(
        RuleId::IdMissing,
        "r.json",
        "/domains/1",
        "domain /domains/1 has no string `id`",
    );
    let text = render_baseline(std::slice::from_ref(&old));
    assert_eq!(
        render_baseline(std::slice::from_ref(&old)),
        text,
        "deterministic"
    );
    let baseline = parse_baseline(&text, "audit-baseline.json").unwrap();
    let new = finding(
        RuleId::IdMissing,
        "r.json",
        "/domains/2",
        "domain /domains/2 has no string `id`",
    );
    let out = settle(
        vec![old, new],
        &config,
        &[],
        "w",
        &baseline,
        "2026-01-01",
        false,
    );
    assert_eq!(out[0].suppressed.as_ref().map(|s| s.kind), Some("baseline"));
    assert!(out[1].blocks());
    assert!(parse_baseline("{\"version\": 3, \"findings\": []}", "b").is_err());
}

#[test]
fn fingerprints_ignore_hashes_in_messages() {
    let a = finding(
        RuleId::LockMismatch,
        "r.json",
        "/integrity",
        "hash is 0123456789ab… but lock records fedcba987654…",
    );
    let b = finding(
        RuleId::LockMismatch,
        "r.json",
        "/integrity",
        "hash is aaaaaaaaaaaa… but lock records bbbbbbbbbbbb…",
    );
    assert_eq!(fingerprint(&a), fingerprint(&b));
    let c = finding(
        RuleId::LockMismatch,
        "r2.json",
        "/integrity",
        "hash is aaaaaaaaaaaa…",
    );
    assert_ne!(fingerprint(&a), fingerprint(&c));
}

#[test]
fn fingerprints_come_from_rule_path_pointer_and_subject_never_the_message() {
    let at = |message: &str, subject: &[&str]| {
        finding(RuleId::RegistryMissingSequence, "s/a.json", "", message).about(subject)
    };
    // Removing a registry from the config rewords the message: the fingerprint stays.
    let before = at("sequence \"a\" has no domain in r1.json, r2.json", &["a"]);
    let after = at("sequence \"a\" has no domain in r1.json", &["a"]);
    assert_eq!(fingerprint(&before), fingerprint(&after));
    assert_ne!(legacy_fingerprint(&before), legacy_fingerprint(&after));
    // Another subject is another finding.
    assert_ne!(fingerprint(&before), fingerprint(&at("same words", &["b"])));
    assert_ne!(
        fingerprint(&before),
        fingerprint(&finding(RuleId::PathMissing, "s/a.json", "", "x").about(&["a"]))
    );
}

#[test]
fn a_version_1_baseline_still_matches_by_its_old_fingerprints_and_says_to_rewrite_it() {
    let f = finding(RuleId::Schema, "a.json", "/x", "bad").about(&["s.json", "/type"]);
    let v1 = format!(
        "{{\"version\": 1, \"findings\": [{{\"fingerprint\": \"{}\", \"rule\": \"schema\", \"path\": \"a.json\", \"pointer\": \"/x\", \"message\": \"bad\"}}]}}",
        legacy_fingerprint(&f)
    );
    let old = parse_baseline(&v1, "b.json").unwrap();
    assert!(old.accepts(&f));
    assert!(old.notice("b.json").unwrap().contains("git audit baseline"));
    let new = parse_baseline(&render_baseline(std::slice::from_ref(&f)), "b.json").unwrap();
    assert!(new.accepts(&f) && !new.legacy && new.notice("b.json").is_none());
    assert!(render_baseline(&[f]).contains("\"version\": 2"));
}

#[test]
fn severities_from_config_and_off() {
    let config = Config::parse(
        "[rules]\nevent-name = \"error\"\nbeat-numbering = \"off\"\n\n[[artifact]]\npath = \"s/*.json\"\nkind = \"sequence\"\nrules = { event-name = \"info\" }\n",
        "audit.toml",
    )
    .unwrap();
    let out = settle(
        vec![
            finding(RuleId::EventName, "s/a.json", "", "x"),
            finding(RuleId::EventName, "other.json", "", "x"),
            finding(RuleId::BeatNumbering, "s/a.json", "", "x"),
        ],
        &config,
        &[],
        "w",
        &Baseline::default(),
        "2026-01-01",
        false,
    );
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].severity, crate::core::rules::Severity::Info);
    assert_eq!(out[1].severity, crate::core::rules::Severity::Error);
    let e = Config::parse("[rules]\nno-such-rule = \"off\"\n", "audit.toml").unwrap_err();
    assert!(e.message.contains("unknown rule `no-such-rule`"), "{e}");
    assert_eq!(e.position.map(|p| p.0), Some(2));
}

#[test]
fn waiver_paths_may_not_leave_the_repository() {
    for bad in ["../**", "/etc/*", "a/../../x.json"] {
        let text = format!(
            "[[waiver]]\nrule = \"schema\"\npath = {bad:?}\nreason = \"r\"\nowner = \"o\"\nexpires = 2099-01-01\n"
        );
        let e = parse_waivers(&text, "w.toml").unwrap_err();
        assert!(e.message.starts_with("`path`"), "{bad}: {e}");
    }
}

#[test]
fn baseline_errors_have_one_based_positions() {
    let e = parse_baseline("{\"version\": 1}", "b.json").unwrap_err();
    let (line, column) = e.position.expect("a position");
    assert!(line >= 1 && column >= 1, "{e}");
    assert!(!e.message.contains(" at line "), "{e}");
    let e = parse_baseline("\n\n", "b.json").unwrap_err();
    assert!(e.position.is_none_or(|(l, c)| l >= 1 && c >= 1), "{e}");
}
