//! `dossier.json`: the whole analysis for other tools. Its shape is documented
//! in README.md; change both together.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analyze::Analysis;
use crate::load::Project;

#[derive(Serialize)]
struct Export<'a> {
    generator: String,
    title: &'a str,
    as_of: Option<String>,
    sources: Vec<Source<'a>>,
    topics: Vec<Topic<'a>>,
    participants: Vec<Participant<'a>>,
    quotes: Vec<Quote<'a>>,
    /// topic slug → source id → paragraphs on that topic.
    coverage: BTreeMap<&'a str, BTreeMap<&'a str, usize>>,
}

#[derive(Serialize)]
struct Source<'a> {
    id: &'a str,
    title: &'a str,
    outlet: Option<&'a str>,
    author: Option<&'a str>,
    published: Option<String>,
    published_estimated: bool,
    url: Option<&'a str>,
    language: Option<&'a str>,
    notes: Option<&'a str>,
    paragraphs: Vec<Paragraph<'a>>,
}

#[derive(Serialize)]
struct Paragraph<'a> {
    n: usize,
    anchor: String,
    text: &'a str,
    heading: bool,
    topics: Vec<&'a str>,
    participants: Vec<&'a str>,
}

#[derive(Serialize)]
struct Topic<'a> {
    slug: &'a str,
    title: &'a str,
    order: i64,
    keywords: &'a [String],
    summary: Option<&'a str>,
}

#[derive(Serialize)]
struct Participant<'a> {
    id: &'a str,
    name: &'a str,
    aliases: &'a [String],
    role: Option<&'a str>,
    affiliation: Option<&'a str>,
}

#[derive(Serialize)]
struct Quote<'a> {
    source: &'a str,
    paragraph: usize,
    text: &'a str,
    speaker: Option<&'a str>,
}

pub fn export(project: &Project, analysis: &Analysis) -> Vec<u8> {
    let topic_slug = |t: usize| project.topics[t].slug.as_str();
    let person_id = |p: usize| project.participants[p].id.as_str();
    let sources = project
        .articles
        .iter()
        .zip(&analysis.sources)
        .map(|(a, text)| Source {
            id: &a.id,
            title: &a.meta.title,
            outlet: a.meta.outlet.as_deref(),
            author: a.meta.author.as_deref(),
            published: a.meta.published.map(|d| d.to_string()),
            published_estimated: a.meta.published_estimated,
            url: a.meta.url.as_deref(),
            language: a.meta.language.as_deref(),
            notes: a.meta.notes.as_deref(),
            paragraphs: text
                .paragraphs
                .iter()
                .map(|p| Paragraph {
                    n: p.n,
                    anchor: p.anchor(),
                    text: &p.text,
                    heading: p.heading,
                    topics: p.topics().into_iter().map(topic_slug).collect(),
                    participants: p.participants().into_iter().map(person_id).collect(),
                })
                .collect(),
        })
        .collect();
    let topics = project
        .topics
        .iter()
        .map(|t| Topic {
            slug: &t.slug,
            title: &t.title,
            order: t.order,
            keywords: &t.keywords,
            summary: t.summary.as_deref(),
        })
        .collect();
    let participants = project
        .participants
        .iter()
        .map(|p| Participant {
            id: &p.id,
            name: &p.name,
            aliases: &p.aliases,
            role: p.role.as_deref(),
            affiliation: p.affiliation.as_deref(),
        })
        .collect();
    let quotes = analysis
        .quotes
        .iter()
        .map(|q| Quote {
            source: &project.articles[q.source].id,
            paragraph: analysis.sources[q.source].paragraphs[q.paragraph].n,
            text: analysis.quote_text(q),
            speaker: q.speaker.map(person_id),
        })
        .collect();
    let coverage = project
        .topics
        .iter()
        .zip(&analysis.coverage)
        .map(|(t, counts)| {
            let by_source = project
                .articles
                .iter()
                .zip(counts)
                .map(|(a, &c)| (a.id.as_str(), c))
                .collect();
            (t.slug.as_str(), by_source)
        })
        .collect();
    let export = Export {
        generator: format!("dossier {}", env!("CARGO_PKG_VERSION")),
        title: &project.config.title,
        as_of: project.config.as_of.map(|d| d.to_string()),
        sources,
        topics,
        participants,
        quotes,
        coverage,
    };
    let mut bytes = serde_json::to_vec_pretty(&export).expect("plain structs always serialise");
    bytes.push(b'\n');
    bytes
}
