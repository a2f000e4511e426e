//! git's command line read as git reads it: global options, the subcommand, and `git commit`'s
//! options (an option's argument is never an option; long options may be abbreviated), to tell
//! whether a hook runs under `git commit --amend`. Pure: argv in, an answer out.

/// Global options (before the subcommand) whose value may be the next argument.
const GLOBAL_WITH_VALUE: &[&str] = &[
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--config-env",
    "--super-prefix",
    "--exec-path",
    "--list-cmds",
    "--attr-source",
];

/// Long options of `git commit`, and whether each takes a required argument (a value in the
/// next argument unless given with `=`). Options with an optional argument (`--gpg-sign`,
/// `--untracked-files`, …) take it only after `=`, so they are listed as taking none.
const COMMIT_LONG: &[(&str, bool)] = &[
    ("all", false),
    ("ahead-behind", false),
    ("allow-empty", false),
    ("allow-empty-message", false),
    ("amend", false),
    ("author", true),
    ("branch", false),
    ("cleanup", true),
    ("date", true),
    ("dry-run", false),
    ("edit", false),
    ("file", true),
    ("fixup", true),
    ("gpg-sign", false),
    ("include", false),
    ("interactive", false),
    ("long", false),
    ("message", true),
    ("no-edit", false),
    ("no-gpg-sign", false),
    ("no-post-rewrite", false),
    ("no-status", false),
    ("no-verify", false),
    ("null", false),
    ("only", false),
    ("patch", false),
    ("pathspec-file-nul", false),
    ("pathspec-from-file", true),
    ("porcelain", false),
    ("quiet", false),
    ("reedit-message", true),
    ("reset-author", false),
    ("reuse-message", true),
    ("short", false),
    ("signoff", false),
    ("squash", true),
    ("status", false),
    ("template", true),
    ("trailer", true),
    ("untracked-files", false),
    ("verbose", false),
    ("verify", false),
];

/// Short options of `git commit` that take a required argument (the rest of the bundle, or
/// the next argument).
const COMMIT_SHORT_WITH_VALUE: &[char] = &['m', 'F', 'c', 'C', 't'];
/// Short options whose optional argument is only the rest of the bundle.
const COMMIT_SHORT_OPTIONAL: &[char] = &['S', 'u'];

/// The long option `name` (without `--` or `=value`) names, as git resolves it: an exact name,
/// else the one option it is an unambiguous prefix of.
fn resolve_long(name: &str) -> Option<(&'static str, bool)> {
    if let Some(&exact) = COMMIT_LONG.iter().find(|(n, _)| *n == name) {
        return Some(exact);
    }
    if name.is_empty() {
        return None;
    }
    let mut matches = COMMIT_LONG.iter().filter(|(n, _)| n.starts_with(name));
    match (matches.next(), matches.next()) {
        (Some(&one), None) => Some(one),
        _ => None,
    }
}

/// The index of the subcommand in `args` (`args[0]` is the program), skipping global options.
fn subcommand(args: &[String]) -> Option<usize> {
    let mut i = 1;
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') {
            return Some(i);
        }
        if a == "--" {
            return None;
        }
        // `--git-dir=x` carries its value; `--git-dir x`, `-C x`, `-c k=v` take the next one.
        if GLOBAL_WITH_VALUE.contains(&a) {
            i += 1;
        }
        i += 1;
    }
    None
}

/// Whether git's command line (`args[0]` the program) runs `git audit` (this program, by hand)
/// rather than a git command whose hook runs it.
pub fn is_audit_command(args: &[String]) -> bool {
    subcommand(args).is_some_and(|at| args[at] == "audit")
}

/// Whether git's command line (`args[0]` the program) is a `git commit --amend`, read as git
/// parses it: `-m --amend` is a message, `--am`/`--amen` are abbreviations, `--` ends options.
pub fn is_commit_amend(args: &[String]) -> bool {
    let Some(at) = subcommand(args) else {
        return false;
    };
    if args[at] != "commit" {
        return false;
    }
    let mut amend = false;
    let mut i = at + 1;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if a == "--" {
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, has_value) = match long.split_once('=') {
                Some((n, _)) => (n, true),
                None => (long, false),
            };
            match resolve_long(name) {
                Some(("amend", _)) if !has_value => amend = true,
                // `--no-amend` is not an option git commit has; nothing else resets it.
                Some((_, true)) if !has_value => i += 1,
                _ => {}
            }
        } else if let Some(bundle) = a.strip_prefix('-').filter(|b| !b.is_empty()) {
            for (at_char, c) in bundle.char_indices() {
                if COMMIT_SHORT_WITH_VALUE.contains(&c) {
                    // The value is the rest of the bundle, or the next argument.
                    if at_char + c.len_utf8() == bundle.len() {
                        i += 1;
                    }
                    break;
                }
                if COMMIT_SHORT_OPTIONAL.contains(&c) {
                    break;
                }
            }
        }
        // Anything else is a pathspec; git keeps parsing options after it.
    }
    amend
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amend(s: &str) -> bool {
        let args: Vec<String> = s.split(' ').map(String::from).collect();
        is_commit_amend(&args)
    }

    #[test]
    fn git_audit_by_hand_is_told_from_a_git_command_running_a_hook() {
        let args = |s: &str| -> Vec<String> { s.split(' ').map(String::from).collect() };
        assert!(is_audit_command(&args("git audit changelog record")));
        assert!(is_audit_command(&args("git -C dir audit check")));
        assert!(!is_audit_command(&args("git commit -m audit")));
        assert!(!is_audit_command(&args("git -c core.x=audit commit")));
        assert!(!is_audit_command(&args("git")));
    }

    #[test]
    fn amend_and_its_abbreviations() {
        assert!(amend("git commit --amend -m x"));
        assert!(amend("git -c a=b commit -q --amend"));
        assert!(amend("git commit --am -m x"));
        assert!(amend("git commit --amen"));
        assert!(amend("git commit --ame"));
        assert!(amend("git commit file.json --amend"));
        assert!(amend(
            "/usr/bin/git -C dir --git-dir .git commit --no-edit --amend"
        ));
    }

    #[test]
    fn an_options_argument_is_not_an_option() {
        assert!(!amend("git commit -m --amend"));
        assert!(!amend("git commit -m=x"));
        assert!(!amend("git commit -mfoo"));
        assert!(amend("git commit -mfoo --amend"));
        assert!(!amend("git commit --message=--amend"));
        assert!(!amend("git commit --message --amend"));
        assert!(!amend("git commit --mess --amend"));
        assert!(!amend("git commit -F --amend"));
        assert!(amend("git commit -F file --amend"));
        assert!(!amend("git commit -am --amend"));
        assert!(amend("git commit -am msg --amend"));
        assert!(!amend("git commit -qam --amend"));
        assert!(!amend("git commit --author --amend -m x"));
        assert!(!amend("git commit -C --amend"));
    }

    #[test]
    fn double_dash_ends_options() {
        assert!(!amend("git commit -m x -- --amend"));
        assert!(amend("git commit --amend -- file"));
    }

    #[test]
    fn ambiguous_or_other_commands_are_not_amend() {
        assert!(!amend("git commit --a"));
        assert!(!amend("git commit --amend=yes"));
        assert!(!amend("git merge --amend"));
        assert!(!amend("git -c commit.x=1 merge --amend"));
        assert!(!amend("git -c commit status --amend"));
        assert!(!amend("git"));
        assert!(amend("git commit -m-- --amend"));
    }
}
