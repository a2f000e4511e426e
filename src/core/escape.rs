//! Escaping of untrusted text (ids, paths, pointers, values from the documents) for each sink:
//! a terminal (`terminal`), Markdown inline code (`markdown_code`) and Markdown prose
//! (`markdown_text`), HTML (`html`). Every renderer and the changelog text use these; JSON output is escaped
//! by serde. Ordinary text comes out unchanged.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal or a Markdown line as itself: control characters
/// (C0, DEL, C1: line breaks, ESC, OSC's BEL) and the bidirectional overrides and isolates
/// that reorder what is shown.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unsafe character shown as `\u{…}` (lowercase hex), so it stays on one line
/// and cannot drive a terminal (no ESC or OSC sequence reaches it).
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` as one Markdown inline code span: unsafe characters as `\u{…}`, fenced by one more
/// backtick than the longest run inside it (padded with a space when it starts or ends with
/// a backtick), so no content can close the span, start a line or be read as HTML.
pub fn markdown_code(s: &str) -> String {
    let s = terminal(s);
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// The content of the inline code span `markdown_code` wrote at the start of `s`, and the rest
/// of `s` after it; `None` when `s` does not start with one.
pub fn parse_markdown_code(s: &str) -> Option<(String, &str)> {
    let n = s.len() - s.trim_start_matches('`').len();
    if n == 0 {
        return None;
    }
    let fence = &s[..n];
    let body = &s[n..];
    let mut from = 0;
    while let Some(at) = body[from..].find(fence) {
        let start = from + at;
        let end = start + n;
        // The closing fence is a run of exactly n backticks.
        if !body[end..].starts_with('`') {
            let mut content = &body[..start];
            if n > 1 || content.starts_with(' ') {
                if let Some(inner) = content
                    .strip_prefix(' ')
                    .and_then(|c| c.strip_suffix(' '))
                    .filter(|c| c.starts_with('`') || c.ends_with('`'))
                {
                    content = inner;
                }
            }
            return Some((content.to_string(), &body[end..]));
        }
        from = end + body[end..].len() - body[end..].trim_start_matches('`').len();
    }
    None
}

/// `s` as Markdown prose: unsafe characters as `\u{…}`, and `&`, `<`, `>` as HTML entities, so
/// no tag (`<script>`) or comment (`<!-- … -->`) reaches a renderer.
pub fn markdown_text(s: &str) -> Cow<'_, str> {
    entities(terminal(s), false)
}

/// `s` as HTML text or an attribute value: unsafe characters as `\u{…}`, and `&`, `<`, `>`,
/// `"`, `'` as entities, so nothing from a document can open a tag or leave an attribute.
pub fn html(s: &str) -> Cow<'_, str> {
    entities(terminal(s), true)
}

/// `t` with `&`, `<`, `>` (and, with `quotes`, `"` and `'`) as HTML entities.
fn entities(t: Cow<'_, str>, quotes: bool) -> Cow<'_, str> {
    let special = |c: char| matches!(c, '&' | '<' | '>') || quotes && matches!(c, '"' | '\'');
    if !t.contains(special) {
        return t;
    }
    let mut out = String::with_capacity(t.len() + 16);
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_unchanged() {
        assert_eq!(terminal("domains/a-b_c.json"), "domains/a-b_c.json");
        assert_eq!(markdown_code("canvas-copy"), "`canvas-copy`");
        assert_eq!(markdown_text("a → b (x, y)"), "a → b (x, y)");
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(terminal("a\u{1b}]0;pwned\u{7}b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(terminal("x\ny\r\u{9b}"), "x\\u{a}y\\u{d}\\u{9b}");
        assert_eq!(terminal("\u{202e}txt"), "\\u{202e}txt");
        assert!(!markdown_code("a\n## b\n<!-- git-audit:entry x -->").contains('\n'));
    }

    #[test]
    fn code_spans_fence_backticks() {
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("``x"), "``` ``x ```");
        assert_eq!(markdown_code("<script>"), "`<script>`");
        for s in ["a`b", "``x", "x`", "`", "plain", " sp ", "a``b`c", "` `"] {
            let code = markdown_code(s);
            assert_eq!(
                parse_markdown_code(&format!("{code} (registry)")),
                Some((s.to_string(), " (registry)")),
                "{code}"
            );
        }
        assert_eq!(parse_markdown_code("no"), None);
        assert_eq!(parse_markdown_code("`open"), None);
    }

    #[test]
    fn html_text_opens_no_tag_and_leaves_no_attribute() {
        assert_eq!(
            html("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert_eq!(html("plain/path.json"), "plain/path.json");
    }

    #[test]
    fn prose_has_no_html() {
        assert_eq!(
            markdown_text("<script>&</script>"),
            "&lt;script&gt;&amp;&lt;/script&gt;"
        );
    }
}
