//! A Gherkin scanner: `.feature` text in, the feature's tags, scenarios and steps with their
//! lines out, or the first syntax error with its line and column. Line-oriented like the
//! official Cucumber parser (every line is one token: language header, comment, tag line,
//! keyword line, step, doc string fence, table row, or free text) and checked against the same
//! grammar: descriptions only right after a header, steps only inside a background or scenario,
//! tags only before a feature, rule, scenario or examples, doc strings closed, table rows of one
//! width. Keywords for `en`, `de`, `fr`, `es` and `nl` (`# language:` picks one).

/// One `@tag`, without its `@`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub line: usize,
    pub column: usize,
}

/// One step: its keyword as written (`Given `, `And `, `* `) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub keyword: String,
    pub text: String,
    pub line: usize,
    /// Column of the text (after the keyword), 1-based in characters.
    pub column: usize,
    /// The rows of its data table, cells trimmed.
    pub table: Vec<Vec<String>>,
    /// Its doc string's content, if it has one.
    pub doc_string: Option<String>,
}

/// A scenario or scenario outline (rules are flattened: a rule's scenarios carry its tags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub keyword: String,
    pub name: String,
    pub line: usize,
    pub tags: Vec<Tag>,
    pub steps: Vec<Step>,
    /// Whether it is an outline (`Scenario Outline`, or a scenario with `Examples`).
    pub outline: bool,
    /// Example rows over all its `Examples` tables (header rows not counted).
    pub examples: usize,
}

/// A parsed `.feature` file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Feature {
    /// The `# language:` header, `en` when absent.
    pub language: String,
    /// `None` for a file with no `Feature:` line (only comments or nothing).
    pub name: Option<String>,
    pub line: usize,
    pub tags: Vec<Tag>,
    /// Background steps (the feature's and its rules').
    pub background: Vec<Step>,
    pub scenarios: Vec<Scenario>,
    /// Every comment's text (after `#`), in order.
    pub comments: Vec<String>,
}

impl Feature {
    /// Every step, background and scenarios.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.background
            .iter()
            .chain(self.scenarios.iter().flat_map(|s| s.steps.iter()))
    }
}

/// Why a file is not Gherkin, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

struct Keywords {
    code: &'static str,
    feature: &'static [&'static str],
    background: &'static [&'static str],
    rule: &'static [&'static str],
    scenario: &'static [&'static str],
    outline: &'static [&'static str],
    examples: &'static [&'static str],
    /// Given, When, Then, And, But (the `*` step is in every language).
    steps: &'static [&'static str],
}

const LANGUAGES: &[Keywords] = &[
    Keywords {
        code: "en",
        feature: &["Feature", "Business Need", "Ability"],
        background: &["Background"],
        rule: &["Rule"],
        scenario: &["Scenario", "Example"],
        outline: &["Scenario Outline", "Scenario Template"],
        examples: &["Examples", "Scenarios"],
        steps: &["Given ", "When ", "Then ", "And ", "But "],
    },
    Keywords {
        code: "de",
        feature: &["Funktionalität", "Funktion"],
        background: &[
            "Grundlage",
            "Hintergrund",
            "Voraussetzungen",
            "Vorbedingungen",
        ],
        rule: &["Rule", "Regel"],
        scenario: &["Szenario", "Beispiel"],
        outline: &["Szenariogrundriss", "Szenarien"],
        examples: &["Beispiele"],
        steps: &[
            "Angenommen ",
            "Gegeben sei ",
            "Gegeben seien ",
            "Wenn ",
            "Dann ",
            "Und ",
            "Aber ",
        ],
    },
    Keywords {
        code: "fr",
        feature: &["Fonctionnalité"],
        background: &["Contexte"],
        rule: &["Règle"],
        scenario: &["Scénario", "Exemple"],
        outline: &["Plan du scénario", "Plan du Scénario"],
        examples: &["Exemples"],
        steps: &[
            "Soit ",
            "Sachant que ",
            "Sachant qu'",
            "Sachant ",
            "Etant donné que ",
            "Etant donné qu'",
            "Etant donné ",
            "Étant donné que ",
            "Étant donné qu'",
            "Étant donné ",
            "Quand ",
            "Lorsque ",
            "Lorsqu'",
            "Alors ",
            "Donc ",
            "Et que ",
            "Et qu'",
            "Et ",
            "Mais que ",
            "Mais qu'",
            "Mais ",
        ],
    },
    Keywords {
        code: "es",
        feature: &["Característica", "Necesidad del negocio", "Requisito"],
        background: &["Antecedentes"],
        rule: &["Regla de negocio", "Regla"],
        scenario: &["Escenario", "Ejemplo"],
        outline: &["Esquema del escenario"],
        examples: &["Ejemplos"],
        steps: &[
            "Dado ",
            "Dada ",
            "Dados ",
            "Dadas ",
            "Cuando ",
            "Entonces ",
            "Y ",
            "E ",
            "Pero ",
        ],
    },
    Keywords {
        code: "nl",
        feature: &["Functionaliteit"],
        background: &["Achtergrond"],
        rule: &["Rule", "Regel"],
        scenario: &["Voorbeeld", "Scenario"],
        outline: &["Abstract Scenario"],
        examples: &["Voorbeelden"],
        steps: &[
            "Gegeven ", "Stel ", "Als ", "Wanneer ", "Dan ", "Zo ", "En ", "Maar ",
        ],
    },
];

/// The language codes the scanner knows.
pub fn languages() -> Vec<&'static str> {
    LANGUAGES.iter().map(|k| k.code).collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Empty,
    Comment(String),
    Tags(Vec<Tag>),
    Feature(String),
    Background,
    Rule,
    Scenario {
        keyword: String,
        name: String,
        outline: bool,
    },
    Examples,
    Step {
        keyword: String,
        text: String,
        column: usize,
    },
    Fence(String),
    Row(Vec<String>),
    Other,
}

/// `keyword:` at the start of `line` (already trimmed): the text after the colon.
fn header<'l>(line: &'l str, keywords: &[&str]) -> Option<(&'l str, &'l str)> {
    for k in keywords {
        if let Some(rest) = line.strip_prefix(k) {
            if let Some(name) = rest.strip_prefix(':') {
                return Some((&line[..k.len()], name.trim()));
            }
        }
    }
    None
}

fn tokenize(line: &str, indent: usize, number: usize, k: &Keywords) -> Result<Token, ParseError> {
    let t = line.trim();
    if t.is_empty() {
        return Ok(Token::Empty);
    }
    if let Some(c) = t.strip_prefix('#') {
        return Ok(Token::Comment(c.to_string()));
    }
    if t.starts_with("\"\"\"") || t.starts_with("```") {
        return Ok(Token::Fence(t[..3].to_string()));
    }
    if t.starts_with('|') {
        return row(t, indent, number).map(Token::Row);
    }
    if t.starts_with('@') {
        return tags(t, indent, number).map(Token::Tags);
    }
    if let Some((_, name)) = header(t, k.feature) {
        return Ok(Token::Feature(name.to_string()));
    }
    if header(t, k.background).is_some() {
        return Ok(Token::Background);
    }
    if header(t, k.rule).is_some() {
        return Ok(Token::Rule);
    }
    // Outline keywords first: "Scenario Outline" also starts with "Scenario".
    if let Some((kw, name)) = header(t, k.outline) {
        return Ok(Token::Scenario {
            keyword: kw.to_string(),
            name: name.to_string(),
            outline: true,
        });
    }
    if let Some((kw, name)) = header(t, k.scenario) {
        return Ok(Token::Scenario {
            keyword: kw.to_string(),
            name: name.to_string(),
            outline: false,
        });
    }
    if header(t, k.examples).is_some() {
        return Ok(Token::Examples);
    }
    for kw in k.steps.iter().chain(std::iter::once(&"* ")) {
        if let Some(text) = t.strip_prefix(kw) {
            return Ok(Token::Step {
                keyword: kw.to_string(),
                text: text.trim().to_string(),
                column: indent + kw.chars().count() + 1,
            });
        }
    }
    Ok(Token::Other)
}

fn row(t: &str, indent: usize, line: usize) -> Result<Vec<String>, ParseError> {
    let inner = &t[1..];
    if !inner.trim_end().ends_with('|') {
        return Err(ParseError {
            line,
            column: indent + t.chars().count() + 1,
            message: "a table row must end with `|`".into(),
        });
    }
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.trim_end().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('|') => cell.push('|'),
                Some('n') => cell.push('\n'),
                Some('\\') => cell.push('\\'),
                Some(o) => {
                    cell.push('\\');
                    cell.push(o);
                }
                None => cell.push('\\'),
            },
            '|' => {
                cells.push(cell.trim().to_string());
                cell.clear();
            }
            o => cell.push(o),
        }
    }
    Ok(cells)
}

fn tags(t: &str, indent: usize, line: usize) -> Result<Vec<Tag>, ParseError> {
    let mut out = Vec::new();
    // A comment may follow the tags on the same line.
    let end = t.find(" #").unwrap_or(t.len());
    let mut offset = 0usize;
    for word in t[..end].split_whitespace() {
        let at = t[offset..].find(word).map_or(offset, |i| offset + i);
        offset = at + word.len();
        let column = indent + t[..at].chars().count() + 1;
        match word.strip_prefix('@') {
            Some(name) if !name.is_empty() && !name.contains('@') => out.push(Tag {
                name: name.to_string(),
                line,
                column,
            }),
            _ => {
                return Err(ParseError {
                    line,
                    column,
                    message: format!(
                        "{word:?} is not a tag: tags start with `@` and contain no whitespace"
                    ),
                })
            }
        }
    }
    Ok(out)
}

/// Where the parser is in the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Before the `Feature:` line.
    Start,
    /// After a header (feature, rule, background, scenario, examples): free text is its
    /// description until a comment, a step or a keyword.
    Description(Block),
    /// After a header's description ended with a comment: no more free text.
    AfterDescription(Block),
    /// Among a background's or scenario's steps.
    Steps(Block),
    /// In an `Examples` table.
    Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Feature,
    Rule,
    Background,
    Scenario,
    Examples,
}

fn error(line: usize, column: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        column,
        message: message.into(),
    }
}

/// Parses one `.feature` file.
pub fn parse(text: &str) -> Result<Feature, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut feature = Feature {
        language: "en".into(),
        ..Feature::default()
    };
    let mut keywords = &LANGUAGES[0];
    let mut at = At::Start;
    let mut pending: Vec<Tag> = Vec::new();
    let mut rule_tags: Vec<Tag> = Vec::new();
    // A doc string being read: its fence, where it opened, its indentation, its lines.
    let mut doc: Option<(String, usize, usize, Vec<String>)> = None;
    // Width of the current table, and the line of its first row.
    let mut width: Option<usize> = None;
    let mut header_rows = 0usize;

    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let indent = line.chars().take_while(|c| c.is_whitespace()).count();

        if let Some((fence, _, doc_indent, lines)) = doc.as_mut() {
            if line.trim() == fence.as_str() {
                let content = lines.join("\n");
                if let Some(step) = current_step(&mut feature, at) {
                    step.doc_string = Some(content);
                }
                doc = None;
                continue;
            }
            let strip = (*doc_indent).min(indent);
            lines.push(line.chars().skip(strip).collect());
            continue;
        }

        // `# language:` counts only before the feature (and before anything but comments).
        if at == At::Start && pending.is_empty() && feature.comments.is_empty() {
            if let Some(code) = line
                .trim()
                .strip_prefix('#')
                .map(str::trim)
                .and_then(|c| c.strip_prefix("language"))
                .map(str::trim_start)
                .and_then(|c| c.strip_prefix(':'))
                .map(str::trim)
            {
                match LANGUAGES.iter().find(|k| k.code == code) {
                    Some(k) => {
                        keywords = k;
                        feature.language = code.to_string();
                        continue;
                    }
                    None => {
                        return Err(error(
                            number,
                            indent + 1,
                            format!(
                                "language {code:?} is not one git-audit reads (it reads {})",
                                languages().join(", ")
                            ),
                        ))
                    }
                }
            }
        }

        let token = tokenize(line, indent, number, keywords)?;
        if !matches!(token, Token::Row(_) | Token::Empty | Token::Comment(_)) {
            width = None;
        }
        match token {
            Token::Empty => {}
            Token::Comment(c) => {
                feature.comments.push(c);
                if let At::Description(b) = at {
                    at = At::AfterDescription(b);
                }
            }
            Token::Tags(t) => pending.extend(t),
            Token::Feature(name) => {
                if at != At::Start {
                    return Err(error(number, indent + 1, "a file has one `Feature:`; this is a second"));
                }
                feature.name = Some(name);
                feature.line = number;
                feature.tags = std::mem::take(&mut pending);
                at = At::Description(Block::Feature);
            }
            Token::Rule => {
                need_feature(at, number, indent, "Rule:")?;
                rule_tags = std::mem::take(&mut pending);
                at = At::Description(Block::Rule);
            }
            Token::Background => {
                need_feature(at, number, indent, "Background:")?;
                if !pending.is_empty() {
                    return Err(tags_before(&pending, "a background"));
                }
                at = At::Description(Block::Background);
            }
            Token::Scenario {
                keyword,
                name,
                outline,
            } => {
                need_feature(at, number, indent, &format!("{keyword}:"))?;
                let mut tags = feature.tags.clone();
                tags.extend(rule_tags.iter().cloned());
                tags.append(&mut pending);
                feature.scenarios.push(Scenario {
                    keyword,
                    name,
                    line: number,
                    tags,
                    steps: Vec::new(),
                    outline,
                    examples: 0,
                });
                at = At::Description(Block::Scenario);
            }
            Token::Examples => {
                let in_scenario = matches!(
                    at,
                    At::Description(Block::Scenario | Block::Examples)
                        | At::AfterDescription(Block::Scenario | Block::Examples)
                        | At::Steps(Block::Scenario)
                        | At::Table
                );
                if !in_scenario {
                    return Err(error(number, indent + 1, "`Examples:` belongs to a scenario outline"));
                }
                pending.clear();
                if let Some(s) = feature.scenarios.last_mut() {
                    s.outline = true;
                }
                header_rows = 0;
                at = At::Description(Block::Examples);
            }
            Token::Step {
                keyword,
                text,
                column,
            } => {
                if at == At::Start {
                    return Err(error(
                        number,
                        indent + 1,
                        format!("expected `Feature:`, a tag or a comment, got {:?}", clip(line.trim())),
                    ));
                }
                if !pending.is_empty() {
                    return Err(tags_before(&pending, "a step"));
                }
                let block = match at {
                    At::Description(b) | At::AfterDescription(b) | At::Steps(b) => b,
                    At::Start | At::Table => Block::Feature,
                };
                let step = Step {
                    keyword,
                    text,
                    line: number,
                    column,
                    table: Vec::new(),
                    doc_string: None,
                };
                match block {
                    Block::Background => feature.background.push(step),
                    Block::Scenario => {
                        if let Some(s) = feature.scenarios.last_mut() {
                            s.steps.push(step);
                        }
                    }
                    Block::Feature | Block::Rule | Block::Examples => {
                        return Err(error(
                            number,
                            indent + 1,
                            "a step outside a scenario or background: add a `Scenario:` line above it",
                        ))
                    }
                }
                at = At::Steps(block);
            }
            Token::Fence(fence) => {
                if !matches!(at, At::Steps(_)) || current_step(&mut feature, at).is_none() {
                    return Err(error(number, indent + 1, "a doc string must follow a step"));
                }
                doc = Some((fence, number, indent, Vec::new()));
            }
            Token::Row(cells) => {
                match width {
                    Some(w) if w != cells.len() => {
                        return Err(error(
                            number,
                            indent + 1,
                            format!(
                                "inconsistent cell count: this row has {}, the table's first has {w}",
                                cells.len()
                            ),
                        ))
                    }
                    _ => width = Some(cells.len()),
                }
                match at {
                    At::Steps(_) => {
                        let Some(step) = current_step(&mut feature, at) else {
                            return Err(error(number, indent + 1, "a table must follow a step or `Examples:`"));
                        };
                        step.table.push(cells);
                    }
                    At::Description(Block::Examples)
                    | At::AfterDescription(Block::Examples)
                    | At::Table => {
                        if header_rows == 0 {
                            header_rows = 1;
                        } else if let Some(s) = feature.scenarios.last_mut() {
                            s.examples += 1;
                        }
                        at = At::Table;
                    }
                    _ => {
                        return Err(error(number, indent + 1, "a table must follow a step or `Examples:`"))
                    }
                }
            }
            Token::Other => match at {
                At::Description(_) => {}
                At::Start => {
                    return Err(error(
                        number,
                        indent + 1,
                        format!(
                            "expected `Feature:`, a tag or a comment, got {:?}",
                            clip(line.trim())
                        ),
                    ))
                }
                _ => {
                    return Err(error(
                        number,
                        indent + 1,
                        format!(
                            "expected a step, a keyword line, a tag or a comment, got {:?} (free text is allowed only right after a header, before any comment)",
                            clip(line.trim())
                        ),
                    ))
                }
            },
        }
    }
    if let Some((fence, opened, indent, _)) = doc {
        return Err(error(
            opened,
            indent + 1,
            format!("the doc string opened here is never closed with {fence}"),
        ));
    }
    if !pending.is_empty() {
        return Err(tags_before(&pending, "the end of the file"));
    }
    Ok(feature)
}

fn clip(s: &str) -> String {
    if s.chars().count() > 60 {
        let mut c: String = s.chars().take(57).collect();
        c.push_str("...");
        c
    } else {
        s.to_string()
    }
}

fn need_feature(at: At, line: usize, indent: usize, what: &str) -> Result<(), ParseError> {
    if at == At::Start {
        return Err(error(
            line,
            indent + 1,
            format!("`{what}` before any `Feature:` line"),
        ));
    }
    Ok(())
}

fn tags_before(pending: &[Tag], what: &str) -> ParseError {
    let t = &pending[0];
    error(
        t.line,
        t.column,
        format!("tags must precede a feature, rule, scenario or examples, not {what}"),
    )
}

fn current_step(feature: &mut Feature, at: At) -> Option<&mut Step> {
    match at {
        At::Steps(Block::Background) => feature.background.last_mut(),
        At::Steps(Block::Scenario) => feature
            .scenarios
            .last_mut()
            .and_then(|s| s.steps.last_mut()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = "# language: en
# a comment
@domain:copy @smoke
Feature: Copy things
  In order to copy
  As a user

  Background:
    Given a canvas

  @fast
  Scenario: Copy one
    When I copy \"canvas:component:copy\"
    Then the clipboard holds:
      \"\"\"json
      {\"a\": 1}
      \"\"\"
    And a table:
      | a | b |
      | 1 | \\| |

  Rule: pasting
    Scenario Outline: Paste <n>
      Given <n> items
      Examples:
        | n |
        | 1 |
        | 2 |
";

    #[test]
    fn reads_tags_scenarios_outlines_steps_doc_strings_and_tables() {
        let f = parse(FULL).unwrap();
        assert_eq!(f.language, "en");
        assert_eq!(f.name.as_deref(), Some("Copy things"));
        assert_eq!(f.line, 4);
        let tags: Vec<&str> = f.tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(tags, ["domain:copy", "smoke"]);
        assert_eq!((f.tags[1].line, f.tags[1].column), (3, 14));
        assert_eq!(f.background.len(), 1);
        assert_eq!(f.scenarios.len(), 2);
        let s = &f.scenarios[0];
        assert_eq!(s.name, "Copy one");
        assert!(s.tags.iter().any(|t| t.name == "fast"));
        assert_eq!(s.steps.len(), 3);
        assert_eq!(s.steps[0].text, "I copy \"canvas:component:copy\"");
        assert_eq!((s.steps[0].line, s.steps[0].column), (13, 10));
        assert_eq!(s.steps[1].doc_string.as_deref(), Some("{\"a\": 1}"));
        assert_eq!(s.steps[2].table, vec![vec!["a", "b"], vec!["1", "|"]]);
        let o = &f.scenarios[1];
        assert!(o.outline);
        assert_eq!(o.examples, 2);
        assert_eq!(f.comments, [" a comment"]);
    }

    #[test]
    fn a_language_header_switches_keywords() {
        let f = parse("# language: fr\nFonctionnalité: Copier\n  Scénario: un\n    Soit un canevas\n    Et qu'il est vide\n").unwrap();
        assert_eq!(f.language, "fr");
        assert_eq!(f.scenarios[0].steps.len(), 2);
        let e = parse("# language: xx\nFeature: a\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.message.contains("\"xx\""), "{}", e.message);
    }

    #[test]
    fn syntax_errors_have_a_line_and_column() {
        let cases: &[(&str, (usize, usize), &str)] = &[
            ("Given a step\n", (1, 1), "expected `Feature:`"),
            ("Feature: a\n  Given a step\n", (2, 3), "outside a scenario"),
            (
                "Feature: a\n  Scenario: b\n    Given x\n    free text\n",
                (4, 5),
                "expected a step",
            ),
            (
                "Feature: a\n  desc\n  # comment\n  more desc\n",
                (4, 3),
                "free text is allowed only",
            ),
            (
                "Feature: a\n  Scenario: b\n    Given x\n      | a | b |\n      | 1 |\n",
                (5, 7),
                "inconsistent cell count",
            ),
            (
                "Feature: a\n  Scenario: b\n    Given x\n      \"\"\"\n      never closed\n",
                (4, 7),
                "never closed",
            ),
            (
                "Feature: a\n  @tag\n  Background:\n",
                (2, 3),
                "tags must precede",
            ),
            ("Feature: a\nFeature: b\n", (2, 1), "second"),
            (
                "Feature: a\n  Scenario: b\n    Given x\n      | a | b\n",
                (4, 14),
                "must end with",
            ),
            ("Feature: a\n  @ bad\n  Scenario: b\n", (2, 3), "not a tag"),
        ];
        for (text, pos, needle) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!((e.line, e.column), *pos, "{text:?}: {e:?}");
            assert!(e.message.contains(needle), "{text:?}: {}", e.message);
        }
    }

    #[test]
    fn empty_and_comment_only_files_have_no_feature() {
        assert_eq!(parse("").unwrap().name, None);
        assert_eq!(parse("# just a note\n\n").unwrap().name, None);
        assert_eq!(
            parse("\u{feff}Feature: x\n").unwrap().name.as_deref(),
            Some("x")
        );
    }
}
