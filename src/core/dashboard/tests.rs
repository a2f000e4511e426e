//! Unit tests of the checklist: each item passes and fails for its own reason.

use super::*;

fn off<T>() -> Part<T> {
    Part::NotConfigured {
        reason: "not here".into(),
    }
}

fn row(rule: &str, severity: Severity, suppressed: bool) -> Row {
    Row {
        rule: rule.into(),
        severity,
        path: "a.json".into(),
        line: 3,
        column: 1,
        message: "m".into(),
        commit: None,
        suppressed,
    }
}

fn empty() -> Sections {
    Sections {
        changes: Part::Ready(Changes { artifacts: vec![] }),
        changelog: off(),
        integrity: off(),
        compliance: Part::Ready(Compliance::of(1, 1, &[])),
        provenance: off(),
        bdd: off(),
        handlers: off(),
        timing: off(),
        impact: off(),
    }
}

fn item<'a>(items: &'a [Item], id: &str) -> &'a Item {
    items.iter().find(|i| i.id == id).expect("item")
}

#[test]
fn unconfigured_items_are_not_applicable_and_not_counted() {
    let items = checklist(&empty());
    assert_eq!(items.len(), ITEMS.len());
    assert_eq!(item(&items, "bdd-aligned").status, Status::NotApplicable);
    assert_eq!(item(&items, "bdd-aligned").reason, "not here");
    assert_eq!(item(&items, "compliance").status, Status::Pass);
    let r = Readiness::of(&items);
    assert_eq!((r.pass, r.applicable, r.percent), (1, 1, Some(100.0)));
}

#[test]
fn compliance_fails_on_an_unsuppressed_error_only() {
    let mut s = empty();
    let waived = Finding {
        suppressed: Some(crate::core::finding::Suppression {
            kind: "waiver",
            justification: "j".into(),
            owner: None,
            expires: None,
        }),
        ..Finding::new(
            crate::core::rules::RuleId::LockMismatch,
            "a.json",
            "x".into(),
            "h".into(),
        )
    };
    s.compliance = Part::Ready(Compliance::of(1, 1, std::slice::from_ref(&waived)));
    assert_eq!(item(&checklist(&s), "compliance").status, Status::Pass);
    let blocking = Finding {
        suppressed: None,
        ..waived
    };
    s.compliance = Part::Ready(Compliance::of(1, 1, &[blocking]));
    let i = checklist(&s);
    let c = item(&i, "compliance");
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.reason.starts_with("1 error-level finding"),
        "{}",
        c.reason
    );
}

#[test]
fn changelog_item_fails_on_a_blocking_changelog_finding() {
    let mut s = empty();
    s.changelog = Part::Ready(ChangelogSection {
        path: "CHANGELOG.md".into(),
        commits: 2,
        findings: vec![row("changelog-missing", Severity::Error, false)],
    });
    assert_eq!(item(&checklist(&s), "diff-recorded").status, Status::Fail);
    s.changelog = Part::Ready(ChangelogSection {
        path: "CHANGELOG.md".into(),
        commits: 2,
        findings: vec![row("changelog-missing", Severity::Warning, false)],
    });
    assert_eq!(item(&checklist(&s), "diff-recorded").status, Status::Pass);
}

fn lock(state: &str) -> LockRow {
    LockRow {
        path: "a.json".into(),
        against: "embedded".into(),
        state: state.into(),
        recorded: None,
        canonical: None,
        raw: None,
        detail: None,
    }
}

#[test]
fn hashes_item_fails_on_drift_and_does_not_apply_without_locks() {
    let mut s = empty();
    let set = |s: &mut Sections, rows: Vec<LockRow>| {
        s.integrity = Part::Ready(Integrity {
            summary: LockSummary::of(&rows),
            locks: rows,
        })
    };
    set(&mut s, vec![lock("unlocked")]);
    assert_eq!(
        item(&checklist(&s), "hashes-stable").status,
        Status::NotApplicable
    );
    set(&mut s, vec![lock("locked"), lock("unlocked")]);
    assert_eq!(item(&checklist(&s), "hashes-stable").status, Status::Pass);
    set(&mut s, vec![lock("locked"), lock("drifted")]);
    assert_eq!(item(&checklist(&s), "hashes-stable").status, Status::Fail);
}

#[test]
fn handlers_item_never_passes_on_a_missing_report() {
    let mut s = empty();
    let mut h = Handlers {
        beats: 1,
        handlers: 1,
        defined: 1,
        with_test_file: 1,
        coverage: None,
        tests: None,
        reports: vec![],
        findings: vec![],
    };
    s.handlers = Part::Ready(h.clone());
    let i = checklist(&s);
    assert_eq!(item(&i, "handlers-tested").status, Status::Fail);
    assert!(item(&i, "handlers-tested")
        .reason
        .contains("no JUnit report"));
    h.tests = Some(Tests {
        total: 2,
        passed: 2,
        failed: 0,
        errors: 0,
        skipped: 0,
    });
    h.coverage = Some(Ratio {
        covered: 1,
        total: 1,
        ratio: 1.0,
        target: 0.8,
    });
    s.handlers = Part::Ready(h.clone());
    assert_eq!(item(&checklist(&s), "handlers-tested").status, Status::Pass);
    h.tests = Some(Tests {
        total: 2,
        passed: 1,
        failed: 1,
        errors: 0,
        skipped: 0,
    });
    s.handlers = Part::Ready(h);
    assert_eq!(item(&checklist(&s), "handlers-tested").status, Status::Fail);
}

#[test]
fn bdd_item_compares_coverage_with_its_target() {
    let mut s = empty();
    let bdd = |covered, total| {
        Part::Ready(Bdd {
            coverage: Ratio {
                covered,
                total,
                ratio: covered as f64 / total as f64,
                target: 0.5,
            },
            uncovered: vec![],
            findings: vec![],
        })
    };
    s.bdd = bdd(1, 4);
    assert_eq!(item(&checklist(&s), "bdd-aligned").status, Status::Fail);
    s.bdd = bdd(2, 4);
    assert_eq!(item(&checklist(&s), "bdd-aligned").status, Status::Pass);
}

#[test]
fn the_score_is_passes_over_applicable_items() {
    let items = vec![
        Item {
            id: "a",
            name: "a",
            status: Status::Pass,
            reason: String::new(),
        },
        Item {
            id: "b",
            name: "b",
            status: Status::Fail,
            reason: String::new(),
        },
        Item {
            id: "c",
            name: "c",
            status: Status::NotApplicable,
            reason: String::new(),
        },
    ];
    let r = Readiness::of(&items);
    assert_eq!((r.pass, r.applicable, r.percent), (1, 2, Some(50.0)));
    assert_eq!(Readiness::of(&[]).percent, None);
}

#[test]
fn links_encode_the_path() {
    assert_eq!(
        link(
            "https://example.com/r/blob/{commit}/{path}#L{line}",
            "abc",
            "a b/<x>.json",
            7
        ),
        "https://example.com/r/blob/abc/a%20b/%3Cx%3E.json#L7"
    );
}
