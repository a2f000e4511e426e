//! The canonical form of the origin project's own lock tool, so its existing `integrity`
//! blocks can be verified: Python's `json.dumps(doc, sort_keys=True, separators=(",", ":"))`
//! with its default `ensure_ascii=True`.
//!
//! It differs from RFC 8785: keys sort by code point, every non-ASCII character is a `\uXXXX`
//! escape, integers keep their literal digits and floats print as Python's `repr`.

use super::canonical::{Digest32, HashSink, Sink};
use super::value::{Node, Value};

/// SHA-256 of the legacy form of `node`, whose number literals are read from `source`.
pub fn hash(node: &Node<'_>, source: &[u8]) -> Digest32 {
    let mut sink = HashSink::default();
    write(node, source, &mut sink);
    sink.finish()
}

/// The legacy form of `node`, as a string (for tests and debugging).
pub fn to_string(node: &Node<'_>, source: &[u8]) -> String {
    let mut out = Vec::new();
    write(node, source, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn write<S: Sink>(node: &Node<'_>, source: &[u8], out: &mut S) {
    match &node.value {
        Value::Null => out.put(b"null"),
        Value::Bool(true) => out.put(b"true"),
        Value::Bool(false) => out.put(b"false"),
        Value::Number(n) => write_number(*n, node.offset, source, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.put(b"[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.put(b",");
                }
                write(item, source, out);
            }
            out.put(b"]");
        }
        Value::Object(members) => {
            let mut sorted: Vec<_> = members.iter().collect();
            // Rust orders `str` by UTF-8 bytes, which is code point order, as Python does.
            sorted.sort_by(|a, b| a.key.cmp(&b.key));
            out.put(b"{");
            for (i, m) in sorted.iter().enumerate() {
                if i > 0 {
                    out.put(b",");
                }
                write_string(&m.key, out);
                out.put(b":");
                write(&m.node, source, out);
            }
            out.put(b"}");
        }
    }
}

fn write_string<S: Sink>(s: &str, out: &mut S) {
    out.put(b"\"");
    let mut buf = [0u16; 2];
    for c in s.chars() {
        match c {
            '"' => out.put(b"\\\""),
            '\\' => out.put(b"\\\\"),
            '\n' => out.put(b"\\n"),
            '\r' => out.put(b"\\r"),
            '\t' => out.put(b"\\t"),
            '\u{8}' => out.put(b"\\b"),
            '\u{c}' => out.put(b"\\f"),
            ' '..='~' => out.put(&[c as u8]),
            _ => {
                for unit in c.encode_utf16(&mut buf) {
                    out.put(format!("\\u{unit:04x}").as_bytes());
                }
            }
        }
    }
    out.put(b"\"");
}

fn write_number<S: Sink>(n: f64, offset: usize, source: &[u8], out: &mut S) {
    let literal_end = source[offset..]
        .iter()
        .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
        .map_or(source.len(), |p| offset + p);
    let literal = &source[offset..literal_end];
    if !literal.iter().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        // A Python int: its exact digits ("-0" is the int 0).
        if literal == b"-0" {
            out.put(b"0");
        } else {
            out.put(literal);
        }
        return;
    }
    out.put(float_repr(n).as_bytes());
}

/// Python's `repr` of a finite float.
pub fn float_repr(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    let mut buf = ryu_js::Buffer::new();
    let js = buf.format_finite(x);
    let (negative, js) = match js.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, js),
    };
    let (mantissa, exp) = match js.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (js, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = format!("{int_part}{frac_part}");
    let mut decpt = int_part.len() as i32 + exp;
    while digits.len() > 1 && digits.starts_with('0') {
        digits.remove(0);
        decpt -= 1;
    }
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    let n = digits.len() as i32;
    let body = if -4 < decpt && decpt <= 16 {
        if decpt <= 0 {
            format!("0.{}{digits}", "0".repeat((-decpt) as usize))
        } else if decpt >= n {
            format!("{digits}{}.0", "0".repeat((decpt - n) as usize))
        } else {
            format!(
                "{}.{}",
                &digits[..decpt as usize],
                &digits[decpt as usize..]
            )
        }
    } else {
        let e = decpt - 1;
        let mant = if n > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits.clone()
        };
        let sign = if e < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", e.abs())
    };
    if negative {
        format!("-{body}")
    } else {
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::{parse, Limits};

    #[test]
    fn float_repr_matches_python() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e22, "1e+22"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (-0.0, "-0.0"),
            (100.0, "100.0"),
            (0.30000000000000004, "0.30000000000000004"),
        ];
        for (x, expected) in cases {
            assert_eq!(float_repr(x), expected, "{x:e}");
        }
    }

    #[test]
    fn python_dumps_sorted_ascii_compact() {
        let text = r#"{"b": [1, 2.0, -0, 1e2, "é😀\n\u007f"], "a": {"y": null, "x": true}, "Z": 10000000000000000000001}"#;
        let node = parse(text.as_bytes(), &Limits::default()).unwrap();
        // json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
        assert_eq!(
            to_string(&node, text.as_bytes()),
            r#"{"Z":10000000000000000000001,"a":{"x":true,"y":null},"b":[1,2.0,0,100.0,"\u00e9\ud83d\ude00\n\u007f"]}"#
        );
    }
}
