//! Reference tables generated from the code, for docs/: the command list from the clap definition
//! and the audit.toml key index from the configuration parser.

use crate::core::config_keys::TableKeys;

/// The Markdown table of every visible command and subcommand of `cmd` (normally
/// `Cli::command()`): its synopsis (arguments, without the global options) and the first line
/// of its help. docs/commands.md carries this table; a test keeps the two equal.
pub fn command_table(cmd: &clap::Command) -> String {
    command_markdown(&command_rows(cmd))
}

/// One visible command: its synopsis and the first line of its help.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommandRow {
    pub synopsis: String,
    pub about: String,
}

/// Every visible command and subcommand of `cmd`, in the order `--help` lists them.
pub fn command_rows(cmd: &clap::Command) -> Vec<CommandRow> {
    let mut rows = Vec::new();
    for sub in cmd.get_subcommands() {
        rows_of(sub, sub.get_name().to_string(), &mut rows);
    }
    rows.into_iter()
        .map(|(synopsis, about)| CommandRow { synopsis, about })
        .collect()
}

fn command_markdown(rows: &[CommandRow]) -> String {
    let mut out = String::from("| Command | What it does |\n|---|---|\n");
    for row in rows {
        out.push_str(&format!(
            "| `{}` | {} |\n",
            row.synopsis.replace('|', "\\|"),
            row.about.replace('|', "\\|")
        ));
    }
    out
}

/// `git audit reference`: the rules, commands and audit.toml keys as JSON (the data docs/ is
/// rendered from), or as the Markdown tables (human and markdown).
pub fn reference(
    format: crate::render::Format,
    out: &mut dyn std::io::Write,
    rules: &[crate::core::rules::Rule],
    commands: &[CommandRow],
    config: &[TableKeys],
) -> crate::error::Result<()> {
    use crate::render::Format;
    match format {
        Format::Json => crate::render::json(
            out,
            &serde_json::json!({
                "version": crate::core::report::JSON_VERSION,
                "rules": rules,
                "commands": commands,
                "config": config.iter().map(|t| serde_json::json!({
                    "table": t.header, "keys": t.keys, "free": t.free,
                })).collect::<Vec<_>>(),
            }),
        ),
        Format::Human | Format::Markdown => {
            let mut rule_table = Vec::new();
            crate::render::rules::markdown_table(&mut rule_table, rules)?;
            let text = format!(
                "## Rules\n\n{}\n## Commands\n\n{}\n## audit.toml keys\n\n{}",
                String::from_utf8_lossy(&rule_table),
                command_markdown(commands),
                config_key_table(config)
            );
            out.write_all(text.as_bytes())
                .map_err(crate::render::write_error)
        }
        _ => Err(crate::render::ReportKind::Rules.unsupported()),
    }
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

/// The Markdown index of every audit.toml table and its value keys (normally
/// `core::config::key_reference()`): docs/config.md carries it; a test keeps the two equal.
pub fn config_key_table(tables: &[TableKeys]) -> String {
    let mut out = String::from("| Table | Keys |\n|---|---|\n");
    for table in tables {
        let name = if table.header.is_empty() {
            "(top level)".to_string()
        } else {
            format!("`{}`", table.header)
        };
        let keys = if table.free {
            "keys of your choosing (see its section)".to_string()
        } else if table.keys.is_empty() {
            "tables only".to_string()
        } else {
            table
                .keys
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("| {name} | {keys} |\n"));
    }
    out
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
