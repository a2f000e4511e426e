//! A strict JSON (RFC 8259) parser that keeps source offsets and refuses what a canonical hash cannot stand on.
//!
//! Refused, each with line and column: syntax errors, duplicate keys, invalid UTF-8, lone
//! surrogate escapes, numbers outside the IEEE-754 double range, nesting deeper than the limit.
//! A leading UTF-8 byte order mark is accepted and ignored (RFC 8259 §8.1 allows a parser to);
//! it stays part of the stored bytes, so it changes `rawHash` but never `canonicalHash`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use super::value::{Member, Node, Value};

/// Limits applied to every parse. Sizes are checked by the caller before the bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of arrays and objects allowed; the root container is depth 1.
    pub max_depth: usize,
    /// Largest file, in bytes.
    pub max_size: u64,
}

/// The hard ceiling on `max_depth`: recursion deeper than this could exhaust the stack.
pub const DEPTH_CEILING: usize = 1000;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_size: 256 * 1024 * 1024,
        }
    }
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    Syntax(String),
    DuplicateKey(String),
    InvalidUtf8,
    LoneSurrogate,
    NumberOutOfRange(String),
    TooDeep { limit: usize },
    TooLarge { size: u64, limit: u64 },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Syntax(msg) => write!(f, "invalid JSON: {msg}"),
            ErrorKind::DuplicateKey(key) => {
                write!(f, "duplicate key {:?} in one object", clip(key))
            }
            ErrorKind::InvalidUtf8 => write!(f, "invalid UTF-8"),
            ErrorKind::LoneSurrogate => write!(f, "lone surrogate in a \\u escape"),
            ErrorKind::NumberOutOfRange(text) => {
                write!(
                    f,
                    "number {} is outside the IEEE-754 double range",
                    clip(text)
                )
            }
            ErrorKind::TooDeep { limit } => {
                write!(f, "nesting deeper than the limit of {limit}")
            }
            ErrorKind::TooLarge { size, limit } => {
                write!(f, "file is {size} bytes, over the limit of {limit} bytes")
            }
        }
    }
}

/// The most characters of the input a message quotes.
pub const QUOTE_MAX: usize = 64;

/// `text` as a message quotes it: whole up to `QUOTE_MAX` characters, else its start, an
/// ellipsis and how many characters were left out (a 100 KB number makes no 100 KB message).
pub fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(QUOTE_MAX) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => {
            let rest = text[cut..].chars().count();
            std::borrow::Cow::Owned(format!("{}… ({rest} more characters)", &text[..cut]))
        }
    }
}

/// A refusal with its position. Line and column are 1-based; the column counts characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.kind)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// An error for a file refused by size before it was read: position 1:1.
    pub fn too_large(size: u64, limit: u64) -> Error {
        Error {
            kind: ErrorKind::TooLarge { size, limit },
            offset: 0,
            line: 1,
            column: 1,
        }
    }
}

/// The 1-based line and character column of a byte offset in `text`.
pub fn line_col(text: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    // A line ends at `\n`, `\r\n` (one break) or a lone `\r` (old Mac line endings).
    let is_break = |i: usize| match before[i] {
        b'\n' => true,
        b'\r' => text.get(i + 1) != Some(&b'\n'),
        _ => false,
    };
    let line_start = (0..before.len())
        .rev()
        .find(|&i| is_break(i))
        .map_or(0, |p| p + 1);
    let line = 1 + (0..before.len()).filter(|&i| is_break(i)).count();
    let mut start = line_start;
    if start == 0 && before.starts_with(BOM) {
        start = BOM.len();
    }
    let column = 1 + before[start.min(offset)..]
        .iter()
        .filter(|&&b| !is_continuation(b))
        .count();
    (line, column)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Line and column lookups for one document, built once (on the first lookup) and answered
/// in O(log n): the offsets of every newline, and the count of UTF-8 continuation bytes
/// before every `CHECKPOINT`-th byte. Callers that position many findings in one document use
/// this instead of `line_col`, which scans from the start of the text each time.
#[derive(Debug)]
pub struct LineIndex<'t> {
    text: &'t [u8],
    tables: std::cell::OnceCell<Tables>,
}

#[derive(Debug)]
struct Tables {
    newlines: Vec<usize>,
    /// `continuations[k]`: continuation bytes in `text[..k * CHECKPOINT]`.
    continuations: Vec<usize>,
}

const CHECKPOINT: usize = 4096;

impl<'t> LineIndex<'t> {
    /// An index over `text`; nothing is computed until the first lookup.
    pub fn new(text: &'t [u8]) -> LineIndex<'t> {
        LineIndex {
            text,
            tables: std::cell::OnceCell::new(),
        }
    }

    /// The text indexed.
    pub fn text(&self) -> &'t [u8] {
        self.text
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| {
            let newlines = self
                .text
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i)
                .collect();
            let mut continuations = vec![0];
            let mut total = 0;
            for chunk in self.text.chunks(CHECKPOINT) {
                total += chunk.iter().filter(|&&b| is_continuation(b)).count();
                continuations.push(total);
            }
            Tables {
                newlines,
                continuations,
            }
        })
    }

    /// Continuation bytes in `text[..offset]`.
    fn continuations_before(&self, offset: usize) -> usize {
        let k = offset / CHECKPOINT;
        self.tables().continuations[k]
            + self.text[k * CHECKPOINT..offset]
                .iter()
                .filter(|&&b| is_continuation(b))
                .count()
    }

    /// The 1-based line and character column of a byte offset: the same as `line_col`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let newlines = &self.tables().newlines;
        let before = newlines.partition_point(|&nl| nl < offset);
        let mut start = if before == 0 {
            0
        } else {
            newlines[before - 1] + 1
        };
        if start == 0 && self.text[..offset].starts_with(BOM) {
            start = BOM.len();
        }
        let start = start.min(offset);
        let chars = (offset - start)
            - (self.continuations_before(offset) - self.continuations_before(start));
        (before + 1, chars + 1)
    }
}

fn is_continuation(b: u8) -> bool {
    (b & 0xC0) == 0x80
}

/// Parses `bytes` as one JSON document.
pub fn parse<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Node<'a>, Error> {
    if bytes.len() as u64 > limits.max_size {
        return Err(Error::too_large(bytes.len() as u64, limits.max_size));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Err(error_at(bytes, e.valid_up_to(), ErrorKind::InvalidUtf8)),
    };
    let start = if text.as_bytes().starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    let max_depth = limits.max_depth.min(DEPTH_CEILING);
    let split = (bytes.len() >= PARALLEL_PARSE)
        .then(|| find_split(bytes))
        .flatten();
    let result = match split {
        None => Parser::new(text, start, max_depth).document(),
        Some(split) => parse_in_two(text, start, max_depth, split),
    };
    result.map_err(|(offset, kind)| error_at(bytes, offset, kind))
}

/// Documents at least this large are parsed on two cores.
const PARALLEL_PARSE: usize = 8 << 20;

/// The depth of the elements of an array directly under the root object (a registry's
/// `domains`): the only array a second thread parses ahead.
const SPLIT_DEPTH: usize = 2;

/// A likely element boundary near the middle: a `{` after `}` and `,` (whitespace between).
/// In a pretty-printed file the least indented such `{` is the most likely to start an
/// element of the top-level array (nested arrays of objects are indented further). Only a
/// guess: the main parser adopts the second thread's work only if it reaches exactly this
/// offset as an element of an array at `SPLIT_DEPTH`.
///
/// A minified document has no indentation to go by: there a candidate is preferred when it
/// begins like the first element of an array at `SPLIT_DEPTH` (`element_signature`), so a
/// one-line registry is still parsed on two cores.
fn find_split(bytes: &[u8]) -> Option<usize> {
    let mid = bytes.len() / 2;
    let window = &bytes[mid..bytes.len().min(mid + (1 << 20))];
    let is_ws = |b: u8| CLASS[b as usize] & WS != 0;
    let signature = element_signature(bytes);
    let mut best: Option<(usize, usize)> = None; // (indentation, offset)
    for (i, &b) in window.iter().enumerate() {
        if b != b'{' {
            continue;
        }
        let before = &bytes[..mid + i];
        let mut j = before.len();
        while j > 0 && is_ws(before[j - 1]) {
            j -= 1;
        }
        if j == 0 || before[j - 1] != b',' {
            continue;
        }
        j -= 1;
        while j > 0 && is_ws(before[j - 1]) {
            j -= 1;
        }
        if j == 0 || before[j - 1] != b'}' {
            continue;
        }
        // The indentation: the spaces and tabs right before the `{`, if a newline precedes
        // them. Scanning back only over those keeps the search linear (a minified file has
        // no newline, and a scan to the previous newline per candidate was quadratic).
        let mut k = before.len();
        while k > 0 && (before[k - 1] == b' ' || before[k - 1] == b'\t') {
            k -= 1;
        }
        let indent = if k > 0 && before[k - 1] == b'\n' {
            before.len() - k
        } else if signature.is_some_and(|sig| bytes[mid + i..].starts_with(sig)) {
            // No indentation, but it starts like an element of the array we look for.
            usize::MAX - 1
        } else {
            usize::MAX
        };
        if best.is_none_or(|(d, _)| indent < d) {
            best = Some((indent, mid + i));
        }
        if indent <= 4 {
            break;
        }
    }
    best.map(|(_, at)| at)
}

/// The first bytes (through the first `:`, at most 64) of the first object that is an element
/// of an array at `SPLIT_DEPTH`, from a string-aware scan of the first 64 KiB: in a registry,
/// `{"id":` of its first category or domain. `None` if there is no such object there.
fn element_signature(bytes: &[u8]) -> Option<&[u8]> {
    let head = &bytes[..bytes.len().min(64 << 10)];
    let mut stack: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < head.len() {
        match head[i] {
            b'"' => {
                i += 1;
                while i < head.len() && head[i] != b'"' {
                    i += if head[i] == b'\\' { 2 } else { 1 };
                }
            }
            // Inside the root object's array: an element at `SPLIT_DEPTH`.
            b'{' if stack == [b'{', b'['] => {
                let rest = &head[i..head.len().min(i + 64)];
                let colon = rest.iter().position(|&b| b == b':')?;
                return Some(&rest[..=colon]);
            }
            open @ (b'{' | b'[') => stack.push(open),
            b'}' | b']' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// What the second thread parsed: the elements from the split to the array's end, and the
/// offset just past its `]`.
type Tail<'a> = PResult<(Vec<Node<'a>>, usize)>;

fn parse_in_two<'a>(
    text: &'a str,
    start: usize,
    max_depth: usize,
    split: usize,
) -> PResult<Node<'a>> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let cancel = std::sync::Arc::new(AtomicBool::new(false));
    std::thread::scope(|s| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Tail<'a>>(1);
        let theirs = cancel.clone();
        s.spawn(move || {
            let mut tail = Parser::new(text, split, max_depth);
            tail.cancel = Some(theirs);
            let _ = send.send(tail.elements(SPLIT_DEPTH));
        });
        let mut main = Parser::new(text, start, max_depth);
        main.ahead = Some((split, receive));
        let result = main.document();
        // If the guess was wrong the second thread's work is not needed: stop it early.
        cancel.store(true, Ordering::Relaxed);
        result
    })
}

fn error_at(bytes: &[u8], offset: usize, kind: ErrorKind) -> Error {
    let (line, column) = line_col(bytes, offset);
    Error {
        kind,
        offset,
        line,
        column,
    }
}

type PResult<T> = Result<T, (usize, ErrorKind)>;

/// Byte classes: JSON whitespace, and bytes that end a run of plain string content.
const WS: u8 = 1;
const STRING_STOP: u8 = 2;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = WS;
    t[b'\n' as usize] = WS;
    t[b'\r' as usize] = WS;
    t[b'\t' as usize] = WS;
    let mut b = 0;
    while b < 0x20 {
        t[b] |= STRING_STOP;
        b += 1;
    }
    t[b'"' as usize] |= STRING_STOP;
    t[b'\\' as usize] |= STRING_STOP;
    t
};

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_depth: usize,
    /// A second thread parsing ahead from this offset (see `parse_in_two`).
    ahead: Option<(usize, std::sync::mpsc::Receiver<Tail<'a>>)>,
    /// Set when the main parser no longer needs this one's work.
    cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

fn syntax<T>(offset: usize, msg: impl Into<String>) -> PResult<T> {
    Err((offset, ErrorKind::Syntax(msg.into())))
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, pos: usize, max_depth: usize) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos,
            max_depth,
            ahead: None,
            cancel: None,
        }
    }

    /// The elements of an array from here to its closing `]` (the opening `[` and an empty
    /// array are the caller's), and the offset just past it. The main parser's arrays and the
    /// second thread's job (see `parse_in_two`) are this one loop.
    fn elements(&mut self, depth: usize) -> Tail<'a> {
        let mut items = Vec::new();
        loop {
            if self
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
            {
                return syntax(self.pos, "cancelled");
            }
            self.skip_ws();
            if self.ahead.is_some() && self.take_ahead(depth, &mut items) {
                return Ok((items, self.pos));
            }
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok((items, self.pos));
                }
                _ => {
                    return syntax(
                        self.pos,
                        format!(
                            "expected ',' or ']' in an array, found {}",
                            self.describe_here()
                        ),
                    )
                }
            }
        }
    }

    /// At an element start of an array at `depth`: if the second thread parsed from exactly
    /// here at this depth, takes its elements and jumps past the array's end.
    fn take_ahead(&mut self, depth: usize, items: &mut Vec<Node<'a>>) -> bool {
        if depth != SPLIT_DEPTH || self.ahead.as_ref().is_none_or(|(at, _)| *at != self.pos) {
            return false;
        }
        let Some((_, receive)) = self.ahead.take() else {
            return false;
        };
        match receive.recv() {
            Ok(Ok((tail, end))) => {
                items.extend(tail);
                self.pos = end;
                true
            }
            // It met an error (or stopped): parse on here, which finds the same error.
            _ => false,
        }
    }

    fn document(&mut self) -> PResult<Node<'a>> {
        self.skip_ws();
        let node = self.value(0)?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return syntax(self.pos, "trailing characters after the document");
        }
        Ok(node)
    }

    #[inline]
    fn skip_ws(&mut self) {
        let rest = &self.bytes[self.pos.min(self.bytes.len())..];
        self.pos += rest
            .iter()
            .position(|&b| CLASS[b as usize] & WS == 0)
            .unwrap_or(rest.len());
    }

    fn describe_here(&self) -> String {
        match self.text[self.pos..].chars().next() {
            None => "end of input".to_string(),
            Some(c) => format!("{c:?}"),
        }
    }

    fn value(&mut self, depth: usize) -> PResult<Node<'a>> {
        let offset = self.pos;
        let value = match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth + 1)?,
            Some(b'[') => self.array(depth + 1)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            _ => {
                return syntax(
                    offset,
                    format!("expected a value, found {}", self.describe_here()),
                )
            }
        };
        Ok(Node { value, offset })
    }

    fn literal(&mut self, word: &str, value: Value<'a>) -> PResult<Value<'a>> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            syntax(
                self.pos,
                format!("expected a value, found {}", self.describe_here()),
            )
        }
    }

    fn enter(&self, depth: usize) -> PResult<()> {
        if depth > self.max_depth {
            Err((
                self.pos,
                ErrorKind::TooDeep {
                    limit: self.max_depth,
                },
            ))
        } else {
            Ok(())
        }
    }

    fn array(&mut self, depth: usize) -> PResult<Value<'a>> {
        self.enter(depth)?;
        self.pos += 1; // '['
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(Vec::new()));
        }
        let (mut items, _) = self.elements(depth)?;
        items.shrink_to_fit();
        Ok(Value::Array(items))
    }

    fn object(&mut self, depth: usize) -> PResult<Value<'a>> {
        self.enter(depth)?;
        self.pos += 1; // '{'
        let mut members: Vec<Member<'a>> = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            let key_offset = self.pos;
            if self.bytes.get(self.pos) != Some(&b'"') {
                return syntax(
                    self.pos,
                    format!(
                        "expected a member name in double quotes, found {}",
                        self.describe_here()
                    ),
                );
            }
            let key = self.string()?;
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return syntax(
                    self.pos,
                    format!(
                        "expected ':' after a member name, found {}",
                        self.describe_here()
                    ),
                );
            }
            self.pos += 1;
            self.skip_ws();
            let node = self.value(depth)?;
            members.push(Member {
                key,
                key_offset,
                node,
            });
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    check_duplicates(&members)?;
                    members.shrink_to_fit();
                    return Ok(Value::Object(members));
                }
                _ => {
                    return syntax(
                        self.pos,
                        format!(
                            "expected ',' or '}}' in an object, found {}",
                            self.describe_here()
                        ),
                    )
                }
            }
        }
    }

    fn string(&mut self) -> PResult<Cow<'a, str>> {
        let open = self.pos;
        self.pos += 1; // '"'
        let start = self.pos;
        // Fast path: no escapes. Skip ordinary bytes by table, then look at the one that stopped us.
        let rest = &self.bytes[self.pos..];
        self.pos += rest
            .iter()
            .position(|&b| CLASS[b as usize] & STRING_STOP != 0)
            .unwrap_or(rest.len());
        match self.bytes.get(self.pos) {
            None => return syntax(open, "unterminated string"),
            Some(b'"') => {
                let s = &self.text[start..self.pos];
                self.pos += 1;
                return Ok(Cow::Borrowed(s));
            }
            Some(b'\\') => {}
            Some(&b) => {
                return syntax(
                    self.pos,
                    format!("control character U+{b:04X} must be escaped in a string"),
                )
            }
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(&self.text[start..self.pos]);
        loop {
            let run_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.bytes.get(self.pos) {
                None => return syntax(open, "unterminated string"),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(&b) => {
                    return syntax(
                        self.pos,
                        format!("control character U+{b:04X} must be escaped in a string"),
                    )
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> PResult<()> {
        let at = self.pos;
        self.pos += 1; // '\\'
        let c = match self.bytes.get(self.pos) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let first = self.hex4(at)?;
                let c = match first {
                    0xD800..=0xDBFF => {
                        if self.bytes[self.pos..].starts_with(b"\\u") {
                            let save = self.pos;
                            self.pos += 2;
                            let second = self.hex4(save)?;
                            if !(0xDC00..=0xDFFF).contains(&second) {
                                return Err((at, ErrorKind::LoneSurrogate));
                            }
                            let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                            char::from_u32(code).ok_or((at, ErrorKind::LoneSurrogate))?
                        } else {
                            return Err((at, ErrorKind::LoneSurrogate));
                        }
                    }
                    0xDC00..=0xDFFF => return Err((at, ErrorKind::LoneSurrogate)),
                    _ => char::from_u32(first).ok_or((at, ErrorKind::LoneSurrogate))?,
                };
                out.push(c);
                return Ok(());
            }
            _ => return syntax(at, "invalid escape sequence"),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self, escape_at: usize) -> PResult<u32> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or((escape_at, ErrorKind::Syntax("truncated \\u escape".into())))?;
        let mut v = 0u32;
        for &d in digits {
            let n = (d as char)
                .to_digit(16)
                .ok_or((escape_at, ErrorKind::Syntax("invalid \\u escape".into())))?;
            v = v * 16 + n;
        }
        self.pos += 4;
        Ok(v)
    }

    fn number(&mut self) -> PResult<Value<'a>> {
        let start = self.pos;
        let b = self.bytes;
        let mut p = self.pos;
        let negative = b[p] == b'-';
        if negative {
            p += 1;
        }
        let int_start = p;
        match b.get(p) {
            Some(b'0') => p += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(p), Some(b'0'..=b'9')) {
                    p += 1;
                }
            }
            _ => return syntax(start, "invalid number: expected a digit"),
        }
        let int_end = p;
        let mut simple = true;
        if b.get(p) == Some(&b'.') {
            simple = false;
            p += 1;
            if !matches!(b.get(p), Some(b'0'..=b'9')) {
                return syntax(p, "invalid number: expected a digit after '.'");
            }
            while matches!(b.get(p), Some(b'0'..=b'9')) {
                p += 1;
            }
        }
        if matches!(b.get(p), Some(b'e' | b'E')) {
            simple = false;
            p += 1;
            if matches!(b.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            if !matches!(b.get(p), Some(b'0'..=b'9')) {
                return syntax(p, "invalid number: expected a digit in the exponent");
            }
            while matches!(b.get(p), Some(b'0'..=b'9')) {
                p += 1;
            }
        }
        self.pos = p;
        if simple && int_end - int_start <= 15 {
            // Exact: at most 15 digits always fit in a double's 53-bit mantissa.
            let mut v: u64 = 0;
            for &d in &b[int_start..int_end] {
                v = v * 10 + u64::from(d - b'0');
            }
            let v = v as f64;
            return Ok(Value::Number(if negative { -v } else { v }));
        }
        let text = &self.text[start..p];
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Value::Number(v)),
            _ => Err((start, ErrorKind::NumberOutOfRange(text.to_string()))),
        }
    }
}

fn check_duplicates(members: &[Member<'_>]) -> PResult<()> {
    // Pairwise comparison of short keys beats hashing (and allocating) for typical objects.
    if members.len() <= 32 {
        for (i, m) in members.iter().enumerate().skip(1) {
            if members[..i].iter().any(|o| o.key == m.key) {
                return Err((m.key_offset, ErrorKind::DuplicateKey(m.key.to_string())));
            }
        }
        return Ok(());
    }
    let mut seen: HashSet<&str> = HashSet::with_capacity(members.len());
    for m in members {
        if !seen.insert(&m.key) {
            return Err((m.key_offset, ErrorKind::DuplicateKey(m.key.to_string())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Value<'_> {
        parse(text.as_bytes(), &Limits::default()).unwrap().value
    }

    fn err(text: &[u8]) -> Error {
        parse(text, &Limits::default()).unwrap_err()
    }

    #[test]
    fn parses_scalars_and_containers() {
        assert_eq!(ok("null"), Value::Null);
        assert_eq!(ok(" true "), Value::Bool(true));
        assert_eq!(ok("-12.5e1"), Value::Number(-125.0));
        assert_eq!(ok(r#""a\nb""#), Value::String("a\nb".into()));
        let v = ok(r#"{"a":[1,{"b":null}],"c":"d"}"#);
        assert_eq!(v.get("c").unwrap().value, Value::String("d".into()));
        assert_eq!(v.get("a").unwrap().offset, 5);
    }

    #[test]
    fn decodes_surrogate_pairs() {
        assert_eq!(ok(r#""\ud83d\ude00""#), Value::String("\u{1F600}".into()));
    }

    #[test]
    fn refuses_lone_surrogates() {
        assert_eq!(err(br#""\ud800""#).kind, ErrorKind::LoneSurrogate);
        assert_eq!(err(br#""\udc00x""#).kind, ErrorKind::LoneSurrogate);
        assert_eq!(err(br#""\ud800\u0041""#).kind, ErrorKind::LoneSurrogate);
    }

    #[test]
    fn refuses_duplicate_keys_with_position() {
        let e = err(b"{\n  \"a\": 1,\n  \"a\": 2\n}");
        assert_eq!(e.kind, ErrorKind::DuplicateKey("a".into()));
        assert_eq!((e.line, e.column), (3, 3));
        // Duplicates after unescaping count too.
        let e = err(br#"{"a":1,"\u0061":2}"#);
        assert_eq!(e.kind, ErrorKind::DuplicateKey("a".into()));
        // Large objects take the hashed path.
        let mut big = String::from("{");
        for i in 0..40 {
            big.push_str(&format!("\"k{i}\":{i},"));
        }
        big.push_str("\"k7\":0}");
        assert_eq!(
            err(big.as_bytes()).kind,
            ErrorKind::DuplicateKey("k7".into())
        );
        // The same key in different objects is fine.
        ok(r#"{"a":{"a":1},"b":{"a":2}}"#);
    }

    #[test]
    fn refuses_invalid_utf8_with_position() {
        let e = err(b"{\"a\":\n \"\xff\"}");
        assert_eq!(e.kind, ErrorKind::InvalidUtf8);
        assert_eq!((e.line, e.column), (2, 3));
    }

    #[test]
    fn refuses_numbers_out_of_range() {
        assert!(matches!(
            err(b"[1e309]").kind,
            ErrorKind::NumberOutOfRange(_)
        ));
        assert!(matches!(
            err(b"-1.8e308").kind,
            ErrorKind::NumberOutOfRange(_)
        ));
        assert_eq!(ok("1.7976931348623157e308"), Value::Number(f64::MAX));
        // Underflow rounds to zero, as in ECMAScript.
        assert_eq!(ok("1e-400"), Value::Number(0.0));
    }

    #[test]
    fn depth_limit() {
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        assert!(parse(b"[[[1]]]", &limits).is_ok());
        let e = parse(b"[[[[1]]]]", &limits).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooDeep { limit: 3 });
        assert_eq!(e.column, 4);
        let e = parse(br#"{"a":{"b":{"c":{}}}}"#, &limits).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooDeep { limit: 3 });
    }

    #[test]
    fn depth_limit_is_capped() {
        // The binary runs on a thread with a large stack (see main.rs); so does this test.
        let run = || {
            let limits = Limits {
                max_depth: usize::MAX,
                ..Limits::default()
            };
            let deep = "[".repeat(DEPTH_CEILING + 1);
            let e = parse(deep.as_bytes(), &limits).unwrap_err();
            assert_eq!(
                e.kind,
                ErrorKind::TooDeep {
                    limit: DEPTH_CEILING
                }
            );
            let ok = format!("{}{}", "[".repeat(DEPTH_CEILING), "]".repeat(DEPTH_CEILING));
            assert!(parse(ok.as_bytes(), &limits).is_ok());
        };
        std::thread::Builder::new()
            .stack_size(crate::STACK_SIZE)
            .spawn(run)
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn size_limit() {
        let limits = Limits {
            max_size: 4,
            ..Limits::default()
        };
        assert!(parse(b"[12]", &limits).is_ok());
        assert_eq!(
            parse(b"[123]", &limits).unwrap_err().kind,
            ErrorKind::TooLarge { size: 5, limit: 4 }
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = err(b"{\n  \"a\": 1,\n}");
        assert!(matches!(e.kind, ErrorKind::Syntax(_)));
        assert_eq!((e.line, e.column), (3, 1));
        for bad in [
            &b""[..],
            b"{",
            b"[1,]",
            b"01",
            b"1.",
            b"1e",
            b"+1",
            b"nul",
            b"\"a",
            b"\"\x01\"",
            b"\"\\x\"",
            b"\"\\u12\"",
            b"[1] x",
            b"{a:1}",
            b"NaN",
        ] {
            assert!(
                matches!(err(bad).kind, ErrorKind::Syntax(_)),
                "{:?} should be a syntax error",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn bom_is_ignored_and_columns_skip_it() {
        assert_eq!(
            parse(b"\xEF\xBB\xBF{}", &Limits::default()).unwrap().value,
            Value::Object(vec![])
        );
        let e = err(b"\xEF\xBB\xBF{,}");
        assert_eq!((e.line, e.column), (1, 2));
        // A BOM anywhere else is not whitespace.
        assert!(matches!(err(b" \xEF\xBB\xBF{}").kind, ErrorKind::Syntax(_)));
    }

    /// A registry-shaped document larger than `PARALLEL_PARSE`, with strings that look like
    /// element boundaries, must parse exactly as the sequential parser does.
    fn big_registry(tricky: &str) -> String {
        let mut out = String::from("{\n  \"metadata\": {\"v\": 1},\n  \"domains\": [\n");
        let mut i = 0;
        while out.len() < PARALLEL_PARSE + 4096 {
            if i > 0 {
                out.push_str(",\n");
            }
            out.push_str(&format!(
                "    {{\"id\": \"d{i}\", \"note\": \"{tricky}\",\n      \"beats\": [\n        {{\"beat\": 1}},\n        {{\"beat\": 2}}\n      ], \"n\": {i}.5}}"
            ));
            i += 1;
        }
        out.push_str("\n  ],\n  \"tail\": [1, 2]\n}\n");
        out
    }

    #[test]
    fn parallel_parse_is_the_sequential_parse() {
        for tricky in ["plain", "}, {", "},\\n    {\\\"id\\\": 1"] {
            let text = big_registry(tricky);
            let parallel = parse(text.as_bytes(), &Limits::default()).unwrap();
            let sequential = Parser::new(&text, 0, 128).document().unwrap();
            assert!(parallel == sequential, "tricky = {tricky:?}");
            let split = find_split(text.as_bytes()).unwrap();
            if tricky == "plain" {
                // The guess is a real element boundary, so the second thread's work is used.
                assert!(
                    text[split..].starts_with("{\"id\": \"d"),
                    "{}",
                    &text[split..split + 20]
                );
            }
        }
    }

    #[test]
    fn parallel_parse_reports_the_same_errors() {
        let text = big_registry("x");
        // An error after the split point: a duplicate key near the end.
        let bad = text.replacen("\"id\": \"d100000\"", "\"id\": \"d100000\", \"id\": 0", 1);
        let bad = if bad == text {
            let at = text.len() - 200;
            let cut = text[at..].find("\"n\"").unwrap() + at;
            format!("{}\"n\": 1, {}", &text[..cut], &text[cut..])
        } else {
            bad
        };
        let e = parse(bad.as_bytes(), &Limits::default()).unwrap_err();
        let seq = Parser::new(&bad, 0, 128)
            .document()
            .map_err(|(o, k)| error_at(bad.as_bytes(), o, k))
            .unwrap_err();
        assert_eq!(e, seq);
        assert!(matches!(e.kind, ErrorKind::DuplicateKey(_)));
        // A split guess inside a string never changes the result.
        let sneaky = big_registry("}, {\\\"id\\\": \\\"x\\\"}, {");
        let p = parse(sneaky.as_bytes(), &Limits::default()).unwrap();
        assert!(p == Parser::new(&sneaky, 0, 128).document().unwrap());
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let mut text = String::from("\u{feff}{\"é\": [1,\n  \"ü\u{1F600}\"],\r\n\"k\": \"");
        text.push_str(&"aé".repeat(5000));
        text.push_str("\"\n}\n");
        let bytes = text.as_bytes();
        let index = LineIndex::new(bytes);
        for offset in (0..=bytes.len() + 2)
            .step_by(7)
            .chain([0, 1, 2, 3, bytes.len()])
        {
            assert_eq!(
                index.line_col(offset),
                line_col(bytes, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn minified_parses_as_pretty_printed() {
        // A minified document of at least PARALLEL_PARSE bytes (one line, so every `{` after
        // `},` is a split candidate): the split search is linear and the tree is the
        // pretty-printed one's.
        let mut minified = String::from("{\"a\":[");
        let mut pretty = String::from("{\n  \"a\": [\n");
        let mut i = 0;
        while minified.len() < PARALLEL_PARSE + 4096 {
            if i > 0 {
                minified.push(',');
                pretty.push_str(",\n");
            }
            minified.push_str(&format!("{{\"id\":{i},\"b\":[{{}},{{}}]}}"));
            pretty.push_str(&format!("    {{\"id\": {i}, \"b\": [{{}}, {{}}]}}"));
            i += 1;
        }
        minified.push_str("]}");
        pretty.push_str("\n  ]\n}\n");
        let m = parse(minified.as_bytes(), &Limits::default()).unwrap();
        let p = parse(pretty.as_bytes(), &Limits::default()).unwrap();
        assert!(m.value.to_serde() == p.value.to_serde());
        assert_eq!(
            m.value
                .get("a")
                .and_then(|a| a.value.as_array())
                .map(<[_]>::len),
            Some(i)
        );
        // The split guess is an element of `a`, so the second thread's work is used.
        let split = find_split(minified.as_bytes()).unwrap();
        assert!(
            minified[split..].starts_with("{\"id\":"),
            "{}",
            &minified[split..split + 20]
        );
        assert_eq!(
            element_signature(minified.as_bytes()),
            Some(&b"{\"id\":"[..])
        );
    }

    #[test]
    fn columns_count_characters() {
        let e = err("{\"é\": x}".as_bytes());
        assert_eq!((e.line, e.column), (1, 7));
    }
}

#[cfg(test)]
mod line_breaks {
    use super::line_col;

    #[test]
    fn cr_alone_and_crlf_each_break_one_line() {
        assert_eq!(line_col(b"{\r  \"a\": x\r}", 9), (2, 8));
        assert_eq!(line_col(b"{\r\n  \"a\": x\r\n}", 10), (2, 8));
        assert_eq!(line_col(b"a\r\nb", 2), (1, 3));
        assert_eq!(line_col(b"a\r\rb", 3), (3, 1));
        assert_eq!(line_col(b"a\nb", 2), (2, 1));
    }

    #[test]
    fn long_input_is_clipped_in_messages() {
        let huge = format!("1{}", "0".repeat(100_000));
        let e = super::parse(huge.as_bytes(), &super::Limits::default()).unwrap_err();
        let text = e.kind.to_string();
        assert!(text.len() < 200, "{} bytes", text.len());
        assert!(text.contains("… (99937 more characters)"), "{text}");
        assert_eq!(super::clip("short"), "short");
    }
}
