//! Colour for human output. Whether it is on is decided once, in `lib` (from `--color`,
//! NO_COLOR, TERM and the terminal); a renderer only applies it.

use owo_colors::OwoColorize;

/// Paints text when colour is on; passes it through untouched when off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    pub enabled: bool,
}

impl Paint {
    pub const PLAIN: Paint = Paint { enabled: false };

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
    }
}
