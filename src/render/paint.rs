//! Colour for human output: on only when asked, or when stdout is a terminal and NO_COLOR is unset.

use std::io::IsTerminal;

use owo_colors::OwoColorize;

use crate::cli::ColorChoice;

/// Paints text when colour is on; passes it through untouched when off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    pub enabled: bool,
}

impl Paint {
    pub const PLAIN: Paint = Paint { enabled: false };

    /// Decides from the flag, NO_COLOR, TERM and whether stdout is a terminal.
    pub fn for_stdout(choice: ColorChoice) -> Paint {
        Paint::decide(choice, std::io::stdout().is_terminal())
    }

    /// The same decision for stderr.
    pub fn for_stderr(choice: ColorChoice) -> Paint {
        Paint::decide(choice, std::io::stderr().is_terminal())
    }

    fn decide(choice: ColorChoice, terminal: bool) -> Paint {
        let enabled = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                    && terminal
            }
        };
        Paint { enabled }
    }

    pub fn red(&self, s: &str) -> String {
        self.apply(s, |s| s.red().to_string())
    }
    pub fn green(&self, s: &str) -> String {
        self.apply(s, |s| s.green().to_string())
    }
    pub fn yellow(&self, s: &str) -> String {
        self.apply(s, |s| s.yellow().to_string())
    }
    pub fn cyan(&self, s: &str) -> String {
        self.apply(s, |s| s.cyan().to_string())
    }
    pub fn dim(&self, s: &str) -> String {
        self.apply(s, |s| s.dimmed().to_string())
    }
    pub fn bold(&self, s: &str) -> String {
        self.apply(s, |s| s.bold().to_string())
    }

    fn apply(&self, s: &str, f: impl Fn(&str) -> String) -> String {
        if self.enabled {
            f(s)
        } else {
            s.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_passes_text_through_and_colour_adds_escapes() {
        assert_eq!(Paint::PLAIN.red("x"), "x");
        let on = Paint { enabled: true };
        assert_eq!(on.red("x"), "\u{1b}[31mx\u{1b}[39m");
        assert_eq!(Paint::for_stdout(ColorChoice::Never), Paint::PLAIN);
        assert!(Paint::for_stdout(ColorChoice::Always).enabled);
    }
}
