//! The offline search index: every paragraph, topic and participant, written
//! as a script (`search-index.js`) rather than JSON, so that search also works
//! when the dossier is opened from disk, where a page cannot fetch a file.

use std::io::Write;

use serde::Serialize;

use super::json::Lazy;
use super::view::Model;
use crate::analyze::citations;

/// A topic or participant: `[kind, href, label, text]`, an array to keep the
/// index small.
#[derive(Serialize)]
struct Doc<'a>(&'static str, String, String, &'a str);

/// A paragraph: `[source, n, text]`, the source being an index into `sources`.
#[derive(Serialize)]
struct Para<'a>(usize, usize, &'a str);

/// A source: `[href, label, title]`, named once for all its paragraphs.
#[derive(Serialize)]
struct Source<'a>(&'a str, &'a str, &'a str);

#[derive(Serialize)]
struct Index<'a, P: Serialize> {
    docs: Vec<Doc<'a>>,
    sources: Vec<Source<'a>>,
    paragraphs: P,
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
    let paragraphs = Lazy(|| {
        model
            .analysis
            .sources
            .iter()
            .enumerate()
            .flat_map(|(s, text)| text.paragraphs.iter().map(move |p| Para(s, p.n, &p.text)))
    });
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(b"window.DOSSIER_SEARCH = ")?;
    serde_json::to_writer(
        &mut out,
        &Index {
            docs,
            sources,
            paragraphs,
        },
    )?;
    out.write_all(b";\n")?;
    out.flush()
}
