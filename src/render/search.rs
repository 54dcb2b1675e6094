//! The offline search index: every paragraph, topic and participant, written
//! as a script (`search-index.js`) rather than JSON, so that search also works
//! when the dossier is opened from disk, where a page cannot fetch a file.

use serde::Serialize;

use super::view::Model;
use crate::analyze::citations;

/// One searchable thing: `[kind, href, label, text]`, kept as an array to
/// keep the index small.
#[derive(Serialize)]
struct Doc<'a>(&'static str, String, String, &'a str);

#[derive(Serialize)]
struct Index<'a> {
    docs: Vec<Doc<'a>>,
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

pub fn index_script(model: &Model) -> Vec<u8> {
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
    for (s, text) in model.analysis.sources.iter().enumerate() {
        let card = &model.sources[s];
        for p in &text.paragraphs {
            docs.push(Doc(
                "paragraph",
                format!("{}#{}", card.href, p.anchor()),
                format!("{} ¶{}: {}", card.label, p.n, card.title),
                &p.text,
            ));
        }
    }
    let json = serde_json::to_string(&Index { docs }).expect("plain structs always serialise");
    format!("window.DOSSIER_SEARCH = {json};\n").into_bytes()
}
