//! The sandboxed template engine (minijinja): a template is data handed in as text, with no
//! loader (no `include`, `import` or `extends` can reach a file), no function that reads files,
//! the environment or the clock, strict undefined values (a typo fails loudly), and a fuel
//! limit (a template cannot run forever).

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

/// Instructions a template may execute before it is stopped.
pub const FUEL: u64 = 10_000_000;

/// Renders `text` (named `name` in errors) with `context` as its variables.
pub fn render(name: &str, text: &str, context: &serde_json::Value) -> Result<String, String> {
    // The built-in filters, tests and globals (`range`, `dict`, `namespace`, …) read nothing
    // outside the context; no loader is ever set.
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_auto_escape_callback(|_| AutoEscape::None);
    let syntax = SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| e.to_string())?;
    env.set_syntax(syntax);
    let ctx = minijinja::Value::from(minijinja::value::Serde(context));
    env.render_named_str(name, text, ctx).map_err(|e| {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        message
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_sources_in_their_order() {
        let ctx = json!({"source": {"domains": [{"id": "b"}, {"id": "a"}]}});
        let out = render(
            "t",
            "{% for d in source.domains %}- {{ d.id }}\n{% endfor %}",
            &ctx,
        )
        .unwrap();
        assert_eq!(out, "- b\n- a\n");
    }

    #[test]
    fn templates_cannot_reach_files_or_loop_forever() {
        let ctx = json!({});
        let inc = render("t", "{% include '/etc/passwd' %}", &ctx).unwrap_err();
        assert!(inc.contains("unknown statement include"), "{inc}");
        let undefined = render("t", "{{ nope.x }}", &ctx).unwrap_err();
        assert!(undefined.contains("undefined"), "{undefined}");
        let forever = render(
            "t",
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
            &ctx,
        )
        .unwrap_err();
        assert!(forever.contains("fuel"), "{forever}");
    }
}
