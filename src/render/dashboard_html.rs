//! The dashboard as one self-contained HTML page: inline CSS, inline SVG bars, and a few lines
//! of inline vanilla JavaScript to sort and filter the compliance table (the page reads fully
//! without it). Nothing is loaded from anywhere; everything from the repository is escaped with
//! `core::escape::html`, and links to findings (with `[dashboard] repository-url`) are built
//! with percent-encoded paths and escaped again as attributes.

use std::fmt::Write as _;
use std::io::Write;

use super::dashboard::{percent, short};
use super::write_error;
use crate::core::dashboard::{self, Dashboard, Part, Ratio, Row, Status};
use crate::core::escape::html as e;
use crate::error::Result;

const STYLE: &str = r#"
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:0 0 10px}
.meta{color:#59636e;margin-bottom:18px}
section{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:16px 18px;margin:0 0 16px}
.score{display:flex;align-items:center;gap:18px;margin-bottom:12px}
.big{font-size:34px;font-weight:700}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border-bottom:1px solid #e5e8eb;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f4;font-weight:600}
th.sort{cursor:pointer}th.sort:after{content:" \2195";color:#8a939c}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f0f2f4;padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
td.pass,td.fail,td.na{white-space:nowrap}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.na{color:#6e7781;font-weight:600}
.error{color:#cf222e}.warning{color:#9a6700}.info{color:#0969da}
.off{color:#6e7781;font-style:italic}
.bar{display:flex;align-items:center;gap:10px;margin:6px 0}.bar span{min-width:240px}
.filters{margin:8px 0;display:flex;gap:10px;flex-wrap:wrap}
.filters input,.filters select{font:inherit;padding:3px 6px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:16px}
.grid section{margin:0}
"#;

const SCRIPT: &str = r#"
(function(){
var t=document.getElementById('findings');if(!t)return;
var body=t.tBodies[0],q=document.getElementById('q'),sev=document.getElementById('sev');
function filter(){var s=q.value.toLowerCase(),v=sev.value;
for(var i=0;i<body.rows.length;i++){var r=body.rows[i];
var ok=(!v||r.getAttribute('data-severity')===v)&&(!s||r.textContent.toLowerCase().indexOf(s)>=0);
r.style.display=ok?'':'none';}}
q.addEventListener('input',filter);sev.addEventListener('change',filter);
var ths=t.tHead.rows[0].cells;
for(var c=0;c<ths.length;c++){(function(c){ths[c].addEventListener('click',function(){
var rows=Array.prototype.slice.call(body.rows),dir=ths[c].getAttribute('data-dir')==='asc'?-1:1;
ths[c].setAttribute('data-dir',dir===1?'asc':'desc');
rows.sort(function(a,b){var x=a.cells[c].getAttribute('data-key')||a.cells[c].textContent,
y=b.cells[c].getAttribute('data-key')||b.cells[c].textContent;
var nx=parseFloat(x),ny=parseFloat(y);
if(!isNaN(nx)&&!isNaN(ny))return (nx-ny)*dir;return x<y?-dir:x>y?dir:0;});
rows.forEach(function(r){body.appendChild(r);});});})(c);}
})();
"#;

/// The status as shown: marks every font has (no emoji), the word beside them.
fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓ pass",
        Status::Fail => "✗ fail",
        Status::NotApplicable => "– n/a",
    }
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::NotApplicable => "na",
    }
}

/// A horizontal bar: `value` of 1 against a `target` mark, inline SVG.
fn bar(label: &str, value: f64, target: Option<f64>, detail: &str) -> String {
    let v = value.clamp(0.0, 1.0);
    let ok = target.is_none_or(|t| value >= t);
    let fill = if ok { "#2da44e" } else { "#cf222e" };
    let mut svg = format!(
        r##"<svg width="420" height="18" role="img" aria-label="{label} {pct}"><rect width="420" height="18" rx="3" fill="#e5e8eb"/><rect width="{w:.1}" height="18" rx="3" fill="{fill}"/>"##,
        label = e(label),
        pct = percent(value),
        w = v * 420.0,
    );
    if let Some(t) = target {
        let x = t.clamp(0.0, 1.0) * 420.0;
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="0" y2="18" stroke="#1d232b" stroke-width="2"/>"##
        );
    }
    svg.push_str("</svg>");
    format!(
        r#"<div class="bar"><span>{}</span>{svg}<b>{}</b> <small>{}</small></div>"#,
        e(label),
        percent(value),
        e(detail)
    )
}

fn ratio_bar(label: &str, r: &Ratio) -> String {
    bar(
        label,
        r.ratio,
        Some(r.target),
        &format!("{}/{}, target {}", r.covered, r.total, percent(r.target)),
    )
}

fn off<T>(part: &Part<T>) -> Option<String> {
    match part {
        Part::NotConfigured { reason } => Some(format!(
            r#"<p class="off">Not configured: {}.</p>"#,
            e(reason)
        )),
        Part::Ready(_) => None,
    }
}

fn where_cell(d: &Dashboard, r: &Row) -> String {
    let text = format!("{}:{}", e(&r.path), r.line);
    match &d.link {
        Some(template) => {
            let commit = r.commit.as_deref().unwrap_or(&d.snapshot.commit);
            let url = dashboard::link(template, commit, &r.path, r.line);
            format!(r#"<a href="{}"><code>{text}</code></a>"#, e(&url))
        }
        None => format!("<code>{text}</code>"),
    }
}

fn finding_table(d: &Dashboard, rows: &[Row], id: Option<&str>) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut s = String::new();
    let sort = if id.is_some() { r#" class="sort""# } else { "" };
    let _ = write!(
        s,
        r#"<table{}><thead><tr><th{sort}>severity</th><th{sort}>rule</th><th{sort}>where</th><th{sort}>message</th></tr></thead><tbody>"#,
        id.map(|i| format!(r#" id="{i}""#)).unwrap_or_default()
    );
    for r in rows {
        let sev = r.severity.as_str();
        let rank = match sev {
            "error" => 0,
            "warning" => 1,
            _ => 2,
        };
        let _ = write!(
            s,
            r#"<tr data-severity="{sev}"><td class="{sev}" data-key="{rank}">{sev}{}</td><td><code>{}</code></td><td data-key="{}:{:08}">{}</td><td>{}</td></tr>"#,
            if r.suppressed { " (suppressed)" } else { "" },
            e(&r.rule),
            e(&r.path),
            r.line,
            where_cell(d, r),
            e(&r.message)
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// The page. Deterministic: the same dashboard gives the same bytes.
pub fn page(out: &mut dyn Write, d: &Dashboard) -> Result<()> {
    let mut h = String::with_capacity(64 * 1024);
    let snap = &d.snapshot;
    let r = &d.readiness;
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>git-audit dashboard: {rev}</title><style>{STYLE}</style></head><body><main>
<h1>git-audit dashboard: <code>{rev}</code></h1>
<div class="meta">commit <code>{commit}</code> · {date} · {n} commit{s} since <code>{base}</code></div>
"#,
        rev = e(&snap.rev),
        commit = e(short(&snap.commit)),
        date = e(&snap.date),
        n = snap.commits,
        s = if snap.commits == 1 { "" } else { "s" },
        base = e(short(&snap.base)),
    );

    // The checklist on top.
    let _ = write!(
        h,
        r#"<section id="checklist"><h2>Readiness checklist</h2><div class="score"><span class="big">{}/{}</span>{}</div><table><thead><tr><th>item</th><th>status</th><th>evidence</th></tr></thead><tbody>"#,
        r.pass,
        r.applicable,
        match r.percent {
            Some(p) => bar("readiness", p / 100.0, None, "passes over applicable items"),
            None => "<span class=\"off\">no item applies</span>".into(),
        }
    );
    for i in &d.checklist {
        let _ = write!(
            h,
            r#"<tr data-item="{}"><td>{}</td><td class="{}">{}</td><td>{}</td></tr>"#,
            i.id,
            e(i.name),
            status_class(i.status),
            status_mark(i.status),
            e(&i.reason)
        );
    }
    h.push_str("</tbody></table></section>\n");

    let s = &d.sections;
    // Coverage and timing as bars.
    h.push_str(r#"<div class="grid"><section id="coverage"><h2>Coverage</h2>"#);
    match &s.bdd {
        Part::Ready(b) => h.push_str(&ratio_bar("BDD: domains with specs", &b.coverage)),
        Part::NotConfigured { reason } => {
            let _ = write!(
                h,
                r#"<p class="off">BDD not configured: {}.</p>"#,
                e(reason)
            );
        }
    }
    match &s.handlers {
        Part::Ready(hd) => {
            match &hd.coverage {
                Some(c) => h.push_str(&ratio_bar("Handlers covered", c)),
                None => h.push_str(r#"<p class="off">Handler coverage: no coverage report given (--lcov, --cobertura).</p>"#),
            }
            match &hd.tests {
                Some(t) => {
                    let ratio = if t.total == 0 {
                        0.0
                    } else {
                        t.passed as f64 / t.total as f64
                    };
                    h.push_str(&bar(
                        "Tests passed",
                        ratio,
                        Some(1.0),
                        &format!(
                            "{} passed, {} failed, {} errors, {} skipped of {}",
                            t.passed, t.failed, t.errors, t.skipped, t.total
                        ),
                    ));
                }
                None => h.push_str(
                    r#"<p class="off">Handler tests: no JUnit report given (--junit).</p>"#,
                ),
            }
        }
        Part::NotConfigured { reason } => {
            let _ = write!(
                h,
                r#"<p class="off">Handlers not configured: {}.</p>"#,
                e(reason)
            );
        }
    }
    h.push_str(r#"</section><section id="timing"><h2>Timing</h2>"#);
    match &s.timing {
        Part::Ready(t) => {
            h.push_str(&ratio_bar("Domains measured", &t.coverage));
            let _ = write!(h, "<p>Baseline <code>{}</code>. ", e(&t.baseline));
            match &t.run {
                None => h.push_str("No run compared (--timings).</p>"),
                Some(run) => {
                    let _ = write!(
                        h,
                        "Run of {} file(s): <b>{}</b> regression(s).</p>",
                        run.files.len(),
                        run.regressions.len()
                    );
                    h.push_str(&finding_table(d, &run.regressions, None));
                }
            }
        }
        Part::NotConfigured { .. } => h.push_str(&off(&s.timing).unwrap_or_default()),
    }
    h.push_str("</section></div>\n");

    // Compliance: the sortable, filterable table.
    h.push_str(r#"<section id="compliance"><h2>Compliance</h2>"#);
    if let Part::Ready(c) = &s.compliance {
        let _ = write!(
            h,
            "<p>{} of {} governed documents checked: {} findings ({} blocking, {} suppressed){}.</p>",
            c.checked,
            c.governed,
            c.total,
            c.blocking,
            c.suppressed,
            if c.total > c.findings.len() {
                format!("; the first {} are listed", c.findings.len())
            } else {
                String::new()
            }
        );
        if !c.rules.is_empty() {
            h.push_str("<table><thead><tr><th>rule</th><th>error</th><th>warning</th><th>info</th><th>suppressed</th></tr></thead><tbody>");
            for r in &c.rules {
                let _ = write!(
                    h,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    e(&r.rule),
                    r.error,
                    r.warning,
                    r.info,
                    r.suppressed
                );
            }
            h.push_str("</tbody></table>");
        }
        if !c.findings.is_empty() {
            h.push_str(r#"<div class="filters"><input id="q" type="search" placeholder="filter findings" aria-label="filter findings"><select id="sev" aria-label="severity"><option value="">every severity</option><option value="error">error</option><option value="warning">warning</option><option value="info">info</option></select></div>"#);
            h.push_str(&finding_table(d, &c.findings, Some("findings")));
        }
    } else {
        h.push_str(&off(&s.compliance).unwrap_or_default());
    }
    h.push_str("</section>\n");

    // Structural changes and the changelog.
    h.push_str(r#"<section id="changes"><h2>Structural changes</h2>"#);
    if let Part::Ready(c) = &s.changes {
        if c.artifacts.is_empty() {
            h.push_str("<p>No governed artifact changed.</p>");
        } else {
            h.push_str("<table><thead><tr><th>artifact</th><th>kind</th><th>change</th><th>what changed</th></tr></thead><tbody>");
            for a in &c.artifacts {
                let _ = write!(
                    h,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                    e(&a.path),
                    e(&a.kind),
                    e(&a.change),
                    if a.raw_only { " (formatting only)" } else { "" },
                    e(&a.summary()),
                );
            }
            h.push_str("</tbody></table>");
        }
    } else {
        h.push_str(&off(&s.changes).unwrap_or_default());
    }
    h.push_str("</section>\n");
    h.push_str(r#"<section id="changelog"><h2>Changelog</h2>"#);
    if let Part::Ready(c) = &s.changelog {
        let _ = write!(
            h,
            "<p><code>changelog verify</code> of {} commit(s) in <code>{}</code>: {} finding(s).</p>",
            c.commits,
            e(&c.path),
            c.findings.len()
        );
        h.push_str(&finding_table(d, &c.findings, None));
    } else {
        h.push_str(&off(&s.changelog).unwrap_or_default());
    }
    h.push_str("</section>\n");

    // Integrity: the drift dashboard.
    h.push_str(r#"<section id="integrity"><h2>Integrity</h2>"#);
    if let Part::Ready(i) = &s.integrity {
        let m = &i.summary;
        let _ = write!(
            h,
            "<p>{} locked, {} drifted, {} unlocked, {} unverifiable.</p>",
            m.locked, m.drifted, m.unlocked, m.unverifiable
        );
        if !i.locks.is_empty() {
            h.push_str("<table><thead><tr><th>artifact</th><th>lock</th><th>state</th><th>recorded</th><th>canonical</th><th>raw</th></tr></thead><tbody>");
            let hash = |x: &Option<String>| {
                x.as_deref()
                    .map(|v| {
                        format!(
                            r#"<code title="{}">{}</code>"#,
                            e(v),
                            e(v.get(..16).unwrap_or(v))
                        )
                    })
                    .unwrap_or_else(|| "–".into())
            };
            for l in &i.locks {
                let class = match l.state.as_str() {
                    "locked" => "pass",
                    "unlocked" => "na",
                    _ => "fail",
                };
                let _ = write!(
                    h,
                    r#"<tr><td><code>{}</code></td><td>{}</td><td class="{class}">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                    e(&l.path),
                    e(&l.against),
                    e(&l.state),
                    hash(&l.recorded),
                    hash(&l.canonical),
                    hash(&l.raw)
                );
            }
            h.push_str("</tbody></table>");
        }
    } else {
        h.push_str(&off(&s.integrity).unwrap_or_default());
    }
    h.push_str("</section>\n");

    // Provenance.
    h.push_str(r#"<section id="provenance"><h2>Provenance</h2>"#);
    if let Part::Ready(p) = &s.provenance {
        let _ = write!(
            h,
            "<p>{} fresh, {} stale, {} edited, {} unknown.</p>",
            p.fresh, p.stale, p.edited, p.unknown
        );
        if !p.docs.is_empty() {
            h.push_str(
                "<table><thead><tr><th>doc</th><th>state</th><th>why</th></tr></thead><tbody>",
            );
            for doc in &p.docs {
                let class = if doc.status == "fresh" {
                    "pass"
                } else if doc.status == "unknown" {
                    "na"
                } else {
                    "fail"
                };
                let _ = write!(
                    h,
                    r#"<tr><td><code>{}</code></td><td class="{class}">{}</td><td>{}</td></tr>"#,
                    e(&doc.path),
                    e(&doc.status),
                    e(&doc.reason)
                );
            }
            h.push_str("</tbody></table>");
        }
    } else {
        h.push_str(&off(&s.provenance).unwrap_or_default());
    }
    h.push_str("</section>\n");

    // BDD's uncovered domains and findings.
    if let Part::Ready(b) = &s.bdd {
        h.push_str(r#"<section id="bdd"><h2>BDD</h2>"#);
        if b.uncovered.is_empty() {
            h.push_str("<p>Every governed domain has a spec.</p>");
        } else {
            let list: Vec<String> = b
                .uncovered
                .iter()
                .map(|d| format!("<code>{}</code>", e(d)))
                .collect();
            let _ = write!(h, "<p>Without a spec: {}.</p>", list.join(", "));
        }
        h.push_str("</section>\n");
    }

    // Impact.
    h.push_str(r#"<section id="impact"><h2>Impact</h2>"#);
    if let Part::Ready(i) = &s.impact {
        let _ = write!(
            h,
            "<p>Level <b>{}</b>, score {} (commits' sum {}).</p>",
            e(&i.level),
            i.score,
            i.commit_score
        );
        if !i.commits.is_empty() {
            h.push_str("<table><thead><tr><th>commit</th><th>level</th><th>score</th><th>summary</th></tr></thead><tbody>");
            for c in &i.commits {
                let _ = write!(
                    h,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    e(short(&c.commit)),
                    e(&c.level),
                    c.score,
                    e(c.summary.as_deref().unwrap_or(""))
                );
            }
            h.push_str("</tbody></table>");
        }
        for v in &i.versions {
            let _ = write!(
                h,
                "<p><code>{}</code>: version {} → {} for a {} change: <b>{}</b>.</p>",
                e(&v.path),
                e(v.from.as_deref().unwrap_or("none")),
                e(v.to.as_deref().unwrap_or("none")),
                e(&v.required),
                e(&v.verdict)
            );
        }
    } else {
        h.push_str(&off(&s.impact).unwrap_or_default());
    }
    h.push_str("</section>\n");
    let _ = writeln!(h, "</main><script>{SCRIPT}</script></body></html>");
    out.write_all(h.as_bytes()).map_err(write_error)
}
