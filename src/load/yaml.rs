//! YAML into typed structs, with errors an analyst can act on.
//!
//! serde-saphyr gives the position of every error (including missing fields and
//! duplicate keys); this module adds the hint that says how to fix it.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{MessageFormatter, Spanned, UserMessageFormatter};

use crate::diagnostic::{Diagnostic, closest};

/// A YAML value with the place it was written, for errors found after parsing.
pub type Located<T> = Spanned<T>;

/// Parses `yaml`, which starts at line `first_line` of the file `source`
/// (front matter starts below its `---` line).
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    source: &str,
    yaml: &str,
    first_line: usize,
    fields: &[&str],
) -> Result<T, Diagnostic> {
    if yaml.trim().is_empty() {
        return Err(Diagnostic::new(path, "the metadata is empty")
            .at(source, first_line, 1)
            .with_hint(format!(
                "write the fields as `name: value` lines; this file takes: {}",
                fields.join(", ")
            )));
    }
    serde_saphyr::from_str::<T>(yaml).map_err(|err| {
        let err = err.without_snippet();
        let message = plain_message(&UserMessageFormatter.format_message(err));
        let (line, column) = err
            .location()
            .filter(|l| l.line() > 0)
            .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
        let mut d =
            Diagnostic::new(path, message.clone()).at(source, line + first_line - 1, column);
        if let Some(hint) = hint_for(&message, fields) {
            d = d.with_hint(hint);
        }
        d
    })
}

/// A located value's position in the file, given where the YAML starts.
pub fn locate<T>(
    value: &Located<T>,
    path: &Path,
    source: &str,
    first_line: usize,
    message: impl Into<String>,
) -> Diagnostic {
    let loc = value.referenced;
    Diagnostic::new(path, message).at(
        source,
        (loc.line() as usize).max(1) + first_line - 1,
        loc.column() as usize,
    )
}

/// The parser's terse type errors in words an analyst knows.
fn plain_message(message: &str) -> String {
    const PLAIN: &[(&str, &str)] = &[
        ("invalid i64", "expected a whole number"),
        ("invalid u64", "expected a whole number"),
        ("invalid boolean", "expected `true` or `false`"),
        ("expected sequence start", "expected a list"),
        ("expected string scalar", "expected a single text value"),
        ("expected mapping start", "expected `name: value` lines"),
    ];
    PLAIN
        .iter()
        .find(|(terse, _)| message == *terse)
        .map_or_else(|| message.to_string(), |(_, plain)| plain.to_string())
}

/// Names analysts reach for that mean one of our fields.
const SYNONYMS: &[(&str, &str)] = &[
    ("date", "published"),
    ("published_at", "published"),
    ("pubdate", "published"),
    ("link", "url"),
    ("href", "url"),
    ("source", "outlet"),
    ("publication", "outlet"),
    ("publisher", "outlet"),
    ("newspaper", "outlet"),
    ("byline", "author"),
    ("lang", "language"),
    ("headline", "title"),
    ("name", "title"),
    ("tags", "keywords"),
    ("terms", "keywords"),
    ("phrases", "keywords"),
    ("bottom_line", "summary"),
    ("position", "role"),
    ("title", "role"),
    ("organisation", "affiliation"),
    ("organization", "affiliation"),
    ("country", "affiliation"),
    ("url", "base_url"),
];

fn hint_for(message: &str, fields: &[&str]) -> Option<String> {
    if let Some(field) = between(message, "unknown field `", "`") {
        let synonym = SYNONYMS
            .iter()
            .find(|(alias, target)| *alias == field && fields.contains(target))
            .map(|(_, target)| *target);
        return Some(
            match synonym.or_else(|| closest(field, fields.iter().copied())) {
                Some(near) => format!("did you mean `{near}`? (fields: {})", fields.join(", ")),
                None => format!(
                    "remove `{field}`; the fields this file takes are: {}",
                    fields.join(", ")
                ),
            },
        );
    }
    if let Some(field) = between(message, "missing field `", "`") {
        return Some(format!("add a line `{field}: ...`; it is required"));
    }
    if message.contains("duplicate mapping key") {
        return Some("a key may appear only once: remove or rename one of them".into());
    }
    if message.contains("tab") {
        return Some("indent with spaces, not tabs".into());
    }
    if message.contains("unclosed quote") || message.contains("quoted scalar") {
        return Some("close the quote at the end of the value, or remove it".into());
    }
    if message.contains("unclosed bracket") {
        return Some("close the list with `]` (or the mapping with `}`) on the same value".into());
    }
    if message.contains("single text value") {
        return Some(
            "write one value; put it in quotes if it starts with `[`, `{`, `*`, `&` or `!`".into(),
        );
    }
    if message.contains("expected a list") {
        return Some("this field takes a list: one `- item` per line below it, or `[a, b]`".into());
    }
    if message.contains("name: value") || message.contains("expected a map") {
        return Some("this takes `name: value` lines, indented below it".into());
    }
    if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
        || message.contains("indentation")
    {
        return Some(
            "check the indentation: entries of one list or mapping must line up, \
             and a value containing `: ` must be quoted"
                .into(),
        );
    }
    if message.contains("whole number") {
        return Some("write a whole number, e.g. `order: 1`".into());
    }
    if message.contains("`true` or `false`") {
        return Some("write `true` or `false`".into());
    }
    if message.contains("date") {
        return Some("write the date as YYYY-MM-DD, e.g. 2025-08-18".into());
    }
    if message.contains("end of") {
        return Some("the file ends too early: is a value or a closing bracket missing?".into());
    }
    None
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        keywords: Vec<String>,
    }

    const FIELDS: &[&str] = &["title", "keywords"];

    fn err(yaml: &str, first_line: usize) -> Diagnostic {
        let source = format!("{}{}", "---\n".repeat(first_line - 1), yaml);
        parse::<T>(Path::new("t.yaml"), &source, yaml, first_line, FIELDS).unwrap_err()
    }

    #[test]
    fn unknown_field_suggests_the_near_one() {
        let d = err("title: x\nkeyword: [a]\n", 1);
        assert_eq!(d.location(), "t.yaml:2:1");
        assert!(d.message.contains("unknown field `keyword`"), "{d}");
        assert!(d.hint.unwrap().starts_with("did you mean `keywords`?"));
    }

    #[test]
    fn positions_shift_below_front_matter_fence() {
        let d = err("title: x\nkeywords: a\n", 2);
        assert_eq!(d.location(), "t.yaml:3:11");
        assert!(d.hint.unwrap().contains("list"));
    }

    #[test]
    fn empty_metadata_is_reported() {
        let d = err("  \n", 1);
        assert!(d.message.contains("empty"));
    }
}
