//! Reference tables generated from the code, for docs/: the command list from the clap definition.

/// The Markdown table of every visible command and subcommand of `cmd` (normally
/// `Cli::command()`): its synopsis (arguments, without the global options) and the first line
/// of its help. docs/commands.md carries this table; a test keeps the two equal.
pub fn command_table(cmd: &clap::Command) -> String {
    let mut rows = Vec::new();
    for sub in cmd.get_subcommands() {
        rows_of(sub, sub.get_name().to_string(), &mut rows);
    }
    let mut out = String::from("| Command | What it does |\n|---|---|\n");
    for (synopsis, about) in rows {
        out.push_str(&format!(
            "| `{}` | {} |\n",
            synopsis.replace('|', "\\|"),
            about.replace('|', "\\|")
        ));
    }
    out
}

/// One row for `cmd` (unless it is only a group of subcommands), then one per subcommand.
fn rows_of(cmd: &clap::Command, path: String, rows: &mut Vec<(String, String)>) {
    if cmd.is_hide_set() {
        return;
    }
    let args: Vec<String> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_global_set())
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
        .map(synopsis)
        .collect();
    let about = cmd
        .get_about()
        .map(|s| s.to_string())
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    if !cmd.has_subcommands() || !args.is_empty() {
        let synopsis = if args.is_empty() {
            path.clone()
        } else {
            format!("{path} {}", args.join(" "))
        };
        rows.push((synopsis, about));
    }
    for sub in cmd.get_subcommands() {
        rows_of(sub, format!("{path} {}", sub.get_name()), rows);
    }
}

/// `[--flag VALUE]`, `[--flag]`, `PATH…` or `[REV]`: how one argument is written.
fn synopsis(arg: &clap::Arg) -> String {
    let takes_value = arg.get_action().takes_values();
    let many = matches!(arg.get_action(), clap::ArgAction::Append)
        || arg.get_num_args().is_some_and(|n| n.max_values() > 1);
    let value = arg
        .get_value_names()
        .map(|names| {
            names
                .iter()
                .map(|n| n.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
    let dots = if many { "…" } else { "" };
    let text = if arg.is_positional() {
        format!("{value}{dots}")
    } else {
        let name = match (arg.get_long(), arg.get_short()) {
            (Some(long), _) => format!("--{long}"),
            (None, Some(short)) => format!("-{short}"),
            (None, None) => arg.get_id().as_str().to_string(),
        };
        if takes_value {
            format!("{name} {value}{dots}")
        } else {
            name
        }
    };
    if arg.is_required_set() {
        text
    } else {
        format!("[{text}]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_row_per_leaf_command_with_its_arguments() {
        let cmd = clap::Command::new("t")
            .subcommand(
                clap::Command::new("one")
                    .about("Does one thing.\nMore.")
                    .arg(clap::Arg::new("path").num_args(1..).value_name("PATH"))
                    .arg(
                        clap::Arg::new("all")
                            .long("all")
                            .action(clap::ArgAction::SetTrue),
                    ),
            )
            .subcommand(
                clap::Command::new("group")
                    .subcommand(clap::Command::new("leaf").about("A | pipe."))
                    .subcommand(clap::Command::new("secret").hide(true)),
            );
        assert_eq!(
            command_table(&cmd),
            "| Command | What it does |\n|---|---|\n\
             | `one [PATH…] [--all]` | Does one thing. |\n\
             | `group leaf` | A \\| pipe. |\n"
        );
    }
}
