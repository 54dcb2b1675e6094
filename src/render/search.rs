//! The offline search index: every paragraph, topic and participant, written
//! as a script (`search-index.js`) rather than JSON, so that search also works
//! when the dossier is opened from disk, where a page cannot fetch a file.

use std::io::Write;

use serde::Serialize;

use super::json::write_str;
use super::view::Model;
use crate::analyze::citations;

/// A topic or participant: `[kind, href, label, text]`, an array to keep the
/// index small.
#[derive(Serialize)]
struct Doc<'a>(&'static str, String, String, &'a str);

/// A source: `[href, label, title]`, named once for all its paragraphs.
#[derive(Serialize)]
struct Source<'a>(&'a str, &'a str, &'a str);

/// The index but its last field, `paragraphs`: each `[source, n, text]`,
/// the source being an index into `sources`.
#[derive(Serialize)]
struct Index<'a> {
    docs: Vec<Doc<'a>>,
    sources: Vec<Source<'a>>,
}

/// The summary's words without its `[@…]` citations or Markdown markers.
fn without_citations(markdown: &str) -> String {
    let (groups, _) = citations::find(markdown);
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for g in groups {
        out.push_str(markdown[at..g.start].trim_end());
        at = g.end;
    }
    out.push_str(&markdown[at..]);
    out.replace("**", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes the index script to `out`.
pub fn index_script(model: &Model, out: &mut dyn Write) -> std::io::Result<()> {
    let mut docs = Vec::new();
    let summaries: Vec<String> = model
        .project
        .topics
        .iter()
        .map(|t| {
            t.summary
                .as_ref()
                .map_or_else(String::new, |s| without_citations(&s.text))
        })
        .collect();
    for (topic, text) in model.topics.iter().zip(&summaries) {
        docs.push(Doc("topic", topic.href.clone(), topic.title.clone(), text));
    }
    for person in &model.participants {
        let label = match &person.role {
            Some(role) => format!("{} ({role})", person.name),
            None => person.name.clone(),
        };
        docs.push(Doc("participant", person.href.clone(), label, ""));
    }
    let sources = model
        .sources
        .iter()
        .map(|c| Source(&c.href, &c.label, &c.title))
        .collect();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(b"window.DOSSIER_SEARCH = ")?;
    let fields = serde_json::to_vec(&Index { docs, sources })?;
    out.write_all(&fields[..fields.len() - 1])?;
    out.write_all(b",\"paragraphs\":[")?;
    // Each source's paragraphs are made in memory, then written in one go.
    let mut buf = Vec::with_capacity(1 << 14);
    for (s, text) in model.analysis.sources.iter().enumerate() {
        buf.clear();
        for (i, p) in text.paragraphs.iter().enumerate() {
            if s > 0 || i > 0 {
                buf.push(b',');
            }
            buf.push(b'[');
            buf.extend_from_slice(itoa::Buffer::new().format(s).as_bytes());
            buf.push(b',');
            buf.extend_from_slice(itoa::Buffer::new().format(p.n).as_bytes());
            buf.push(b',');
            write_str(&mut buf, &p.text);
            buf.push(b']');
        }
        out.write_all(&buf)?;
    }
    out.write_all(b"]};\n")?;
    out.flush()
}
