//! A generated registry's bytes in a given layout (indentation unit, key/value separator,
//! newline, final newline), as `JSON.stringify(value, null, indent)` writes them.

use serde_json::Value as J;

use super::Layout;

/// `value` written in `layout`.
pub fn to_bytes(value: &J, layout: &Layout) -> Vec<u8> {
    let mut out = String::new();
    write(value, layout, 0, &mut out);
    if layout.trailing_newline {
        out.push_str(layout.style.newline);
    }
    out.into_bytes()
}

fn write(value: &J, layout: &Layout, level: usize, out: &mut String) {
    let style = &layout.style;
    let (open_nl, sep, close_nl) = match &style.indent {
        Some(unit) => (
            format!("{}{}", style.newline, unit.repeat(level + 1)),
            format!(",{}{}", style.newline, unit.repeat(level + 1)),
            format!("{}{}", style.newline, unit.repeat(level)),
        ),
        None => (String::new(), ",".to_string(), String::new()),
    };
    match value {
        J::Array(items) if items.is_empty() => out.push_str("[]"),
        J::Object(members) if members.is_empty() => out.push_str("{}"),
        J::Array(items) => {
            out.push('[');
            out.push_str(&open_nl);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(&sep);
                }
                write(item, layout, level + 1, out);
            }
            out.push_str(&close_nl);
            out.push(']');
        }
        J::Object(members) => {
            out.push('{');
            out.push_str(&open_nl);
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(&sep);
                }
                out.push_str(&J::String(k.clone()).to_string());
                out.push_str(style.colon);
                write(v, layout, level + 1, out);
            }
            out.push_str(&close_nl);
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_like_json_stringify() {
        let v: J = serde_json::from_str(r#"{"a":[1,"x"],"b":{},"c":[],"d":{"e":null}}"#).unwrap();
        let text = String::from_utf8(to_bytes(&v, &Layout::default())).unwrap();
        assert_eq!(
            text,
            "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": {},\n  \"c\": [],\n  \"d\": {\n    \"e\": null\n  }\n}\n"
        );
        let mut flat = Layout::default();
        flat.style.indent = None;
        flat.style.colon = ":";
        flat.trailing_newline = false;
        assert_eq!(
            String::from_utf8(to_bytes(&v, &flat)).unwrap(),
            r#"{"a":[1,"x"],"b":{},"c":[],"d":{"e":null}}"#
        );
    }
}
