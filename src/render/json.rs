//! `dossier.json`: the whole analysis for other tools. Its shape is documented
//! in README.md; change both together.

use std::collections::BTreeMap;

use std::io::Write;

use serde::Serialize;

use crate::analyze::compare::{DERIVATIVE_AT, UNIQUE_BELOW};
use crate::analyze::{Analysis, citations};
use crate::load::Project;

/// The export's fields before `sources`, which [`export`] writes itself.
#[derive(Serialize)]
struct Head<'a> {
    generator: String,
    title: &'a str,
    as_of: Option<String>,
}

/// The export's fields after `sources`.
#[derive(Serialize)]
struct Tail<'a, Q: Serialize, F: Serialize> {
    topics: Vec<Topic<'a>>,
    participants: Vec<Participant<'a>>,
    quotes: Q,
    /// Quotes (indexes into `quotes`) that report the same statement.
    statements: Vec<Statement<'a>>,
    /// topic slug → source id → paragraphs on that topic.
    coverage: BTreeMap<&'a str, BTreeMap<&'a str, usize>>,
    timeline: Vec<Event<'a>>,
    similarity: Vec<Pair<'a>>,
    spellings: Vec<Spelling<'a>>,
    figures: F,
    citations: Vec<Citation>,
}

/// A list serialised as it is produced, never held whole: the export of a
/// large dossier holds every paragraph.
pub(crate) struct Lazy<F>(pub F);

impl<F, I> Serialize for Lazy<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// A source's fields but its paragraphs, which follow them.
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
}

/// A paragraph, written by [`Paragraph::write`] in the order of its fields
/// (as `derive(Serialize)` would, which a test checks).
#[cfg_attr(test, derive(Serialize))]
struct Paragraph<'a> {
    n: usize,
    anchor: String,
    text: &'a str,
    heading: bool,
    topics: Vec<&'a str>,
    participants: Vec<&'a str>,
    /// The best share of this paragraph's content words found in one
    /// paragraph of another source; null when not judged.
    support: Option<f64>,
    /// No other source carries its substance.
    single_source: bool,
}

impl Paragraph<'_> {
    fn write(&self, out: &mut Vec<u8>) {
        let flag = |b: bool| if b { &b"true"[..] } else { &b"false"[..] };
        out.extend_from_slice(b"{\"n\":");
        out.extend_from_slice(itoa::Buffer::new().format(self.n).as_bytes());
        out.extend_from_slice(b",\"anchor\":");
        write_str(out, &self.anchor);
        out.extend_from_slice(b",\"text\":");
        write_str(out, self.text);
        out.extend_from_slice(b",\"heading\":");
        out.extend_from_slice(flag(self.heading));
        out.extend_from_slice(b",\"topics\":");
        write_strs(out, &self.topics);
        out.extend_from_slice(b",\"participants\":");
        write_strs(out, &self.participants);
        out.extend_from_slice(b",\"support\":");
        // A number (or null) cannot fail to serialise into a Vec.
        let _ = serde_json::to_writer(&mut *out, &self.support);
        out.extend_from_slice(b",\"single_source\":");
        out.extend_from_slice(flag(self.single_source));
        out.push(b'}');
    }
}

/// `texts` as a JSON array of strings.
fn write_strs(out: &mut Vec<u8>, texts: &[&str]) {
    out.push(b'[');
    for (k, text) in texts.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        write_str(out, text);
    }
    out.push(b']');
}

/// `text` as a JSON string, escaped exactly as `serde_json` escapes it. The
/// export and the search index hold every paragraph: `serde_json` looks at
/// each byte in turn, this at sixteen at a time.
pub(crate) fn write_str(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let escaped = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 16) {
            // Of a fixed length and without short-circuiting, so that the
            // check is made in vector registers.
            let chunk: &[u8; 16] = chunk.try_into().expect("16 bytes");
            if !chunk.iter().fold(false, |any, &b| any | escaped(b)) {
                i += 16;
                continue;
            }
        }
        let b = bytes[i];
        if escaped(b) {
            out.extend_from_slice(&bytes[start..i]);
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                0x08 => out.extend_from_slice(b"\\b"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                0x0c => out.extend_from_slice(b"\\f"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xf)],
                ]),
            }
            start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
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
    notes: Option<&'a str>,
}

#[derive(Serialize)]
struct Quote<'a> {
    source: &'a str,
    paragraph: usize,
    text: &'a str,
    speaker: Option<&'a str>,
    descriptor: Option<&'a str>,
}

#[derive(Serialize)]
struct Statement<'a> {
    speaker: Option<&'a str>,
    quotes: &'a [usize],
}

#[derive(Serialize)]
struct Event<'a> {
    date: String,
    until: Option<String>,
    title: &'a str,
    description: Option<&'a str>,
    participants: Vec<&'a str>,
    topics: Vec<&'a str>,
}

#[derive(Serialize)]
struct Pair<'a> {
    a: &'a str,
    b: &'a str,
    similarity: f64,
    shared_shingles: usize,
    derivative: bool,
}

#[derive(Serialize)]
struct Spelling<'a> {
    participant: Option<&'a str>,
    note: Option<&'a str>,
    /// form → source id → occurrences.
    forms: BTreeMap<&'a str, BTreeMap<&'a str, usize>>,
}

#[derive(Serialize)]
struct Figure<'a> {
    source: &'a str,
    paragraph: usize,
    text: &'a str,
    unit: &'a str,
}

#[derive(Serialize)]
struct Citation {
    file: String,
    line: usize,
    source: String,
    /// First and last paragraph; 0 and 0 for a whole source.
    from: usize,
    to: usize,
}

/// Writes the export to `out`.
pub fn export(project: &Project, analysis: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
    let topic_slug = |t: usize| project.topics[t].slug.as_str();
    let person_id = |p: usize| project.participants[p].id.as_str();
    let source_id = |s: usize| project.articles[s].id.as_str();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    // The object's fields in order: those before the sources, written by
    // serde without the closing brace; the sources; then those after, without
    // the opening one.
    // Each part is made in memory, then written in one go.
    let mut buf = Vec::with_capacity(1 << 14);
    open_object(
        &mut buf,
        &Head {
            generator: format!("dossier {}", env!("CARGO_PKG_VERSION")),
            title: &project.config.title,
            as_of: project.config.as_of.map(|d| d.to_string()),
        },
    )?;
    buf.extend_from_slice(b",\"sources\":[");
    out.write_all(&buf)?;
    for (s, (a, text)) in project.articles.iter().zip(&analysis.sources).enumerate() {
        buf.clear();
        if s > 0 {
            buf.push(b',');
        }
        open_object(
            &mut buf,
            &Source {
                id: &a.id,
                title: &a.meta.title,
                outlet: a.meta.outlet.as_deref(),
                author: a.meta.author.as_deref(),
                published: a.meta.published.map(|d| d.to_string()),
                published_estimated: a.meta.published_estimated,
                url: a.meta.url.as_deref(),
                language: a.meta.language.as_deref(),
                notes: a.meta.notes.as_ref().map(|n| n.text.as_str()),
            },
        )?;
        buf.extend_from_slice(b",\"paragraphs\":[");
        for (i, p) in text.paragraphs.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            Paragraph {
                n: p.n,
                anchor: p.anchor(),
                text: &p.text,
                heading: p.heading,
                topics: p.topics().iter().map(|&t| topic_slug(t)).collect(),
                participants: p.participants().iter().map(|&q| person_id(q)).collect(),
                support: analysis.support[s][i].map(|v| (v * 1000.0).round() / 1000.0),
                single_source: analysis.support[s][i].is_some_and(|v| v < UNIQUE_BELOW),
            }
            .write(&mut buf);
        }
        buf.extend_from_slice(b"]}");
        out.write_all(&buf)?;
    }
    out.write_all(b"]")?;
    let topics = project
        .topics
        .iter()
        .map(|t| Topic {
            slug: &t.slug,
            title: &t.title,
            order: t.order,
            keywords: &t.keywords,
            summary: t.summary.as_ref().map(|s| s.text.as_str()),
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
            notes: p.notes.as_ref().map(|n| n.text.as_str()),
        })
        .collect();
    let quotes = Lazy(|| {
        analysis.quotes.iter().map(|q| Quote {
            source: source_id(q.source),
            paragraph: analysis.sources[q.source].paragraphs[q.paragraph].n,
            text: analysis.quote_text(q),
            speaker: q.speaker.map(person_id),
            descriptor: q.descriptor.as_deref(),
        })
    });
    let statements = analysis
        .statements
        .iter()
        .map(|st| Statement {
            speaker: st.speaker.map(person_id),
            quotes: &st.quotes,
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
    let timeline = project
        .timeline
        .iter()
        .map(|e| Event {
            date: e.date.to_string(),
            until: e.until.map(|d| d.to_string()),
            title: &e.title,
            description: e.description.as_ref().map(|d| d.text.as_str()),
            participants: e.participants.iter().map(|&p| person_id(p)).collect(),
            topics: e.topics.iter().map(|&t| topic_slug(t)).collect(),
        })
        .collect();
    let similarity = analysis
        .pairs
        .iter()
        .map(|p| Pair {
            a: source_id(p.a),
            b: source_id(p.b),
            similarity: (p.similarity * 10000.0).round() / 10000.0,
            shared_shingles: p.shared,
            derivative: p.similarity >= DERIVATIVE_AT,
        })
        .collect();
    let spellings = analysis
        .spellings
        .iter()
        .map(|sp| Spelling {
            participant: sp.participant.map(person_id),
            note: sp.note.as_deref(),
            forms: sp
                .forms
                .iter()
                .map(|(form, by)| {
                    (
                        form.as_str(),
                        by.iter().map(|&(s, n)| (source_id(s), n)).collect(),
                    )
                })
                .collect(),
        })
        .collect();
    let figures = Lazy(|| {
        analysis.figures.iter().map(|f| {
            let p = &analysis.sources[f.source].paragraphs[f.paragraph];
            Figure {
                source: source_id(f.source),
                paragraph: p.n,
                text: &p.text[f.start..f.end],
                unit: &f.unit,
            }
        })
    });
    let citations = citations::all_prose(project)
        .into_iter()
        .flat_map(|prose| {
            citations::find(&prose.text)
                .0
                .into_iter()
                .flat_map(move |g| {
                    let d = prose.diagnostic_at(
                        &prose.text[g.start..g.end],
                        prose.text[..g.start]
                            .matches(&prose.text[g.start..g.end])
                            .count(),
                        "",
                    );
                    let line = d.position.map_or(0, |p| p.line);
                    let file = prose.path.display().to_string();
                    g.refs.into_iter().map(move |r| Citation {
                        file: file.clone(),
                        line,
                        source: r.source,
                        from: r.from,
                        to: r.to,
                    })
                })
        })
        .collect();
    let tail = Tail {
        topics,
        participants,
        quotes,
        statements,
        coverage,
        timeline,
        similarity,
        spellings,
        figures,
        citations,
    };
    out.write_all(b",")?;
    serde_json::to_writer(
        WithoutFirstByte {
            out: &mut out,
            skip: true,
        },
        &tail,
    )?;
    out.write_all(b"\n")?;
    out.flush()
}

/// `value`, an object, appended to `buf` without its closing brace, so that
/// more fields can follow.
fn open_object(buf: &mut Vec<u8>, value: &impl Serialize) -> serde_json::Result<()> {
    serde_json::to_writer(&mut *buf, value)?;
    debug_assert_eq!(buf.last(), Some(&b'}'));
    buf.pop();
    Ok(())
}

/// Writes to `out` all but the first byte written to it: the opening brace of
/// the export's fields after the sources, which continue the object.
struct WithoutFirstByte<W> {
    out: W,
    skip: bool,
}

impl<W: Write> Write for WithoutFirstByte<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.skip && !buf.is_empty() {
            self.skip = false;
            return self.out.write(&buf[1..]).map(|n| n + 1);
        }
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.skip && !buf.is_empty() {
            self.skip = false;
            return self.out.write_all(&buf[1..]);
        }
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(
            text in "(\\PC|[\\x00-\\x1f\"\\\\\u{7f}\u{2028}\u{2029}é“”]){0,80}",
        ) {
            let mut ours = Vec::new();
            write_str(&mut ours, &text);
            proptest::prop_assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&text).unwrap()
            );
        }
    }

    #[test]
    fn a_paragraph_is_written_as_serde_would_write_it() {
        let text = "He said \"no\"\\\n\t\u{1}\u{1f}\u{7f} — “yes”, ".repeat(3);
        for (support, heading, topics) in [
            (Some(0.25), false, vec!["ukraine", "security\"guarantees"]),
            (None, true, vec![]),
            (Some(1.0), false, vec!["a"]),
        ] {
            let p = Paragraph {
                n: 12,
                anchor: "p12".to_string(),
                text: &text,
                heading,
                topics,
                participants: vec!["zelensky", "trump"],
                support,
                single_source: support.is_some_and(|v| v < UNIQUE_BELOW),
            };
            let mut ours = Vec::new();
            p.write(&mut ours);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&p).unwrap()
            );
        }
    }
}
