//! Adoption on an existing repository: which configuration is in use and what to say when the
//! working tree's audit.toml is not it, and the changelog's start (the commit before which
//! history predates the changelog, recorded in the changelog itself). Pure: bytes and text in.

/// The start marker's prefix. The whole line is `<!-- git-audit:since <commit id> -->`.
const START: &str = "<!-- git-audit:since ";

/// The lines that record the changelog's start at `commit` (HEAD at adoption): the machine
/// marker and one sentence a reader sees.
pub fn start_lines(commit: &str) -> String {
    format!(
        "{START}{commit} -->\n\
         _Changes up to commit `{}` predate this changelog: `git audit changelog verify` starts after it._\n",
        commit.get(..12).unwrap_or(commit)
    )
}

/// The last start marker of `text`: its commit id and the byte offset where its line starts.
pub fn start_of(text: &str) -> Option<(&str, usize)> {
    let mut found = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim_end_matches(['\n', '\r']);
        if let Some(id) = l.strip_prefix(START).and_then(|r| r.strip_suffix(" -->")) {
            if !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                found = Some((id, offset));
            }
        }
        offset += line.len();
    }
    found
}

/// When a commit records a (new) start in the changelog, the offset in `text` before which its
/// added entries are history (a rebuilt changelog's entries for commits before the start), not
/// entries of its own; `None` when the start is unchanged from `parent_text` or absent.
pub fn history_end(parent_text: &str, text: &str) -> Option<usize> {
    // Appended to (the usual case): the lines before the parent's last one are the same on
    // both sides, so when neither side has a start from that line on, both have the same start
    // (or none) and only the appended lines are scanned, not the whole history.
    if text.starts_with(parent_text) {
        let tail = parent_text.rfind('\n').map_or(0, |i| i + 1);
        if start_of(&text[tail..]).is_none() && start_of(&parent_text[tail..]).is_none() {
            return None;
        }
    }
    let (id, at) = start_of(text)?;
    match start_of(parent_text) {
        Some((old, _)) if old == id => None,
        _ => Some(at),
    }
}

/// The changelog text once the start is recorded at `commit`: `current` (the changelog as it is,
/// `header` when there is none) with the start lines appended, unless it already records a
/// start (adopting again never moves it: that would drop commits from `verify`).
pub fn with_start(current: Option<&str>, header: &str, commit: &str) -> Option<String> {
    let text = current.filter(|t| !t.trim().is_empty()).unwrap_or(header);
    if start_of(text).is_some() {
        return None;
    }
    let mut out = text.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(&start_lines(commit));
    Some(out)
}

/// One line saying that the working tree's audit.toml is not the one in use (the index's, or
/// the built-in defaults when none is staged), and how to use it; `None` when they agree.
pub fn config_note(file: &str, worktree: Option<&[u8]>, staged: Option<&[u8]>) -> Option<String> {
    let how = format!("stage it (`git add {file}`) or pass `--config {file}`");
    match (worktree, staged) {
        (Some(w), Some(s)) if w == s => None,
        (None, None) => None,
        (Some(_), None) => Some(format!(
            "note: {file} in the working tree is not staged, so the built-in defaults are in use; to use it, {how}"
        )),
        (Some(_), Some(_)) => Some(format!(
            "note: {file} in the working tree differs from the staged one, which is in use; to use yours, {how}"
        )),
        (None, Some(_)) => Some(format!(
            "note: {file} is deleted in the working tree but still staged, so the staged one is in use; `git rm --cached {file}` to stop using it"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn the_start_round_trips_and_the_last_one_counts() {
        let text = with_start(None, "# Log\n", ID).unwrap();
        assert!(text.starts_with("# Log\n\n<!-- git-audit:since 0123"));
        assert_eq!(start_of(&text), Some((ID, "# Log\n\n".len())));
        assert_eq!(with_start(Some(&text), "# Log\n", ID), None, "idempotent");
        let other = "fedcba9876543210fedcba9876543210fedcba98";
        assert_eq!(
            with_start(Some(&text), "# Log\n", other),
            None,
            "never moved"
        );
        let moved = format!("{text}\n{}", start_lines(other));
        assert_eq!(
            start_of(&moved).map(|s| s.0),
            Some(other),
            "the last one counts"
        );
        assert_eq!(start_of("<!-- git-audit:since not-hex -->\n"), None);
    }

    #[test]
    fn history_ends_where_a_commit_sets_the_start() {
        let parent = "# Log\n";
        let text = format!("# Log\n\n## entry\n\n{}", start_lines(ID));
        assert_eq!(history_end(parent, &text), text.find("<!--"));
        assert_eq!(history_end(&text, &format!("{text}\n## later\n")), None);
        assert_eq!(history_end(parent, "# Log\n\n## entry\n"), None);
    }

    /// `history_end` without its appended-text shortcut.
    fn history_end_in_full(parent_text: &str, text: &str) -> Option<usize> {
        let (id, at) = start_of(text)?;
        match start_of(parent_text) {
            Some((old, _)) if old == id => None,
            _ => Some(at),
        }
    }

    #[test]
    fn an_appended_text_is_judged_as_the_whole_text_would_be() {
        let other = "fedcba9876543210fedcba9876543210fedcba98";
        let started = format!("# Log\n\n{}", start_lines(ID));
        let moved = format!("{started}\n{}", start_lines(other));
        let start_line = format!("<!-- git-audit:since {ID} -->");
        let cases: Vec<(String, String)> = vec![
            ("# Log\n".into(), "# Log\n\n## entry\n".into()),
            ("# Log\n".into(), started.clone()),
            (started.clone(), format!("{started}\n## later\n")),
            (started.clone(), moved.clone()),
            (moved.clone(), format!("{moved}\n## later\n")),
            // The parent's last line is completed by the commit: a start only then.
            (
                "# Log\n<!-- git-audit:since ".into(),
                format!("# Log\n{}", start_line),
            ),
            // The parent's last line is a start the commit's appended bytes spoil.
            (
                format!("# Log\n{start_line}"),
                format!("# Log\n{start_line} x\n"),
            ),
            (start_line.clone(), format!("{start_line}\n")),
            (String::new(), started.clone()),
            (String::new(), String::new()),
        ];
        for (parent, text) in &cases {
            assert!(text.starts_with(parent.as_str()), "{parent:?} {text:?}");
            assert_eq!(
                history_end(parent, text),
                history_end_in_full(parent, text),
                "{parent:?} → {text:?}"
            );
        }
        assert_eq!(history_end("# Log\n", &started), started.find("<!--"));
        assert_eq!(
            history_end(
                "# Log\n<!-- git-audit:since ",
                &format!("# Log\n{start_line}")
            ),
            Some("# Log\n".len())
        );
    }

    #[test]
    fn the_config_note_says_which_one_is_in_use_and_how_to_use_yours() {
        assert_eq!(config_note("audit.toml", Some(b"a"), Some(b"a")), None);
        assert_eq!(config_note("audit.toml", None, None), None);
        let unstaged = config_note("audit.toml", Some(b"a"), None).unwrap();
        assert!(unstaged.contains("built-in defaults are in use"));
        assert!(
            unstaged.contains("`git add audit.toml`") && unstaged.contains("`--config audit.toml`")
        );
        let differs = config_note("audit.toml", Some(b"a"), Some(b"b")).unwrap();
        assert!(differs.contains("differs from the staged one"));
        assert!(!differs.contains('\n'));
    }
}
