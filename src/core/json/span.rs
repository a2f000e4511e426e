//! Where a value ends in its source text, for edits that keep the rest of a file byte for byte.

/// The offset just past the JSON value starting at `start` in `bytes`, which must already have
/// parsed. Returns `bytes.len()` if the value runs to the end.
pub fn value_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    match bytes.get(i) {
        Some(b'"') => string_end(bytes, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => {
                        i = string_end(bytes, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            bytes.len()
        }
        _ => {
            while i < bytes.len()
                && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                i += 1;
            }
            i
        }
    }
}

/// The offset just past the string whose opening quote is at `start`.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_of_every_kind_of_value() {
        let text = br#"{"a": {"b": "x}\"]", "c": [1, {"d": null}]}, "e": -1.5e3, "f": true}"#;
        let at = |needle: &str| {
            text.windows(needle.len())
                .position(|w| w == needle.as_bytes())
                .unwrap()
        };
        let a = at(r#"{"b""#);
        assert_eq!(
            &text[a..value_end(text, a)],
            br#"{"b": "x}\"]", "c": [1, {"d": null}]}"#
        );
        let s = at(r#""x}"#);
        assert_eq!(&text[s..value_end(text, s)], br#""x}\"]""#);
        let n = at("-1.5e3");
        assert_eq!(&text[n..value_end(text, n)], b"-1.5e3");
        let t = at("true");
        assert_eq!(&text[t..value_end(text, t)], b"true");
        assert_eq!(value_end(text, 0), text.len());
    }
}
