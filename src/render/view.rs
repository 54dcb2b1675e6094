//! The view model: what templates see. Built from the project and its analysis,
//! plain serialisable structs, with every link relative to the site root (the
//! template prefixes `root`) so the site works from a subpath or from disk.

use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;

use super::markdown;
use crate::analyze::{Analysis, Hit, Paragraph};
use crate::load::{Article, Participant, Project, Topic};

#[derive(Serialize)]
pub struct SiteView {
    pub title: String,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub language: String,
    pub as_of: Option<String>,
    pub as_of_iso: Option<String>,
    pub base_url: Option<String>,
    /// `base_url` with a trailing slash, when it is an absolute http(s) URL:
    /// the prefix of canonical links, the feed and the sitemap.
    pub absolute_url: Option<String>,
    /// The path part of `base_url` with a trailing slash ("/briefings/"),
    /// for pages served at any depth, such as 404.html.
    pub base_path: Option<String>,
    pub generator: String,
    /// The newest date in the dossier (as of, or the newest source), for feeds.
    pub updated: String,
}

#[derive(Serialize, Clone)]
pub struct SourceCard {
    pub id: String,
    pub title: String,
    /// The outlet, or "Source 000" when it is not known; for badges.
    pub label: String,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub published: Option<String>,
    pub published_iso: Option<String>,
    pub published_estimated: bool,
    pub url: Option<String>,
    pub language: Option<String>,
    pub href: String,
    pub paragraphs: usize,
    pub words: usize,
    pub quotes: usize,
}

#[derive(Serialize, Clone, PartialEq)]
pub struct TopicCard {
    pub slug: String,
    pub title: String,
    pub summary_plain: Option<String>,
    /// The bottom line alone, for cards.
    pub summary_lead: Option<String>,
    pub keywords: Vec<String>,
    pub href: String,
    /// Paragraphs on this topic, over all sources.
    pub passages: usize,
    /// Sources with at least one such paragraph.
    pub sources: usize,
    /// Of those paragraphs, how many no other source carries.
    pub single_source: usize,
}

#[derive(Serialize, Clone, PartialEq)]
pub struct ParticipantCard {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub href: String,
    pub mentions: usize,
    pub sources: usize,
    pub quotes: usize,
}

#[derive(Serialize)]
pub struct Link {
    pub label: String,
    pub href: String,
}

/// A run of a paragraph's text, highlighted or plain.
pub struct Segment<'a> {
    pub text: &'a str,
    /// Empty for plain text; otherwise the kind of highlight (`kw`, `who`, `quote`).
    pub class: &'static str,
}

#[derive(Serialize)]
pub struct Passage<'a> {
    pub n: usize,
    /// The source's id, for anchors of pages holding several sources.
    pub source: &'a str,
    pub anchor: String,
    pub href: String,
    pub heading: bool,
    /// No other source carries this passage's substance.
    pub unique: bool,
    /// The text as HTML, escaped, each highlight in a `<mark class="…">`.
    /// Made here rather than in the template: a large dossier has millions
    /// of highlighted runs, and this is the text, not its layout.
    pub html: String,
    /// Links (`label`, `href`) to the topics and participants it is tagged with.
    pub topics: Vec<tera::Value>,
    pub participants: Vec<tera::Value>,
}

#[derive(Serialize)]
pub struct QuoteView<'a> {
    pub text: &'a str,
    /// A link (`label`, `href`) to the speaker.
    pub speaker: Option<tera::Value>,
    /// How the text describes an unnamed speaker ("the official").
    pub descriptor: Option<&'a str>,
    pub topics: Vec<tera::Value>,
    /// A [`SourceRef`].
    pub source: tera::Value,
    pub n: usize,
    pub href: String,
}

/// What a list needs of a topic, source or participant: its name and link.
/// (Serialising whole cards into every page would cost far more.)
#[derive(Serialize)]
pub struct Brief<'a> {
    pub title: &'a str,
    pub name: &'a str,
    pub label: &'a str,
    pub href: &'a str,
}

impl TopicCard {
    pub fn brief(&self) -> Brief<'_> {
        Brief {
            title: &self.title,
            name: &self.title,
            label: &self.title,
            href: &self.href,
        }
    }
}

impl ParticipantCard {
    pub fn brief(&self) -> Brief<'_> {
        Brief {
            title: &self.name,
            name: &self.name,
            label: &self.name,
            href: &self.href,
        }
    }
}

impl SourceCard {
    pub fn brief(&self) -> Brief<'_> {
        Brief {
            title: &self.title,
            name: &self.label,
            label: &self.label,
            href: &self.href,
        }
    }
}

/// What a badge or a group heading needs of a source, for lists that name
/// a source once per passage, quote or figure (a whole card costs twice as much).
#[derive(Serialize, Clone, Copy)]
pub struct SourceRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub label: &'a str,
    pub href: &'a str,
    pub published: Option<&'a str>,
    pub published_iso: Option<&'a str>,
    pub published_estimated: bool,
}

impl SourceCard {
    pub fn reference(&self) -> SourceRef<'_> {
        SourceRef {
            id: &self.id,
            title: &self.title,
            label: &self.label,
            href: &self.href,
            published: self.published.as_deref(),
            published_iso: self.published_iso.as_deref(),
            published_estimated: self.published_estimated,
        }
    }
}

#[derive(Serialize)]
pub struct Counted<T: Serialize> {
    pub item: T,
    pub count: usize,
}

/// The passages of one source on a topic or participant page, each already
/// rendered by `partials/passage_item.html`.
#[derive(Serialize)]
pub struct PassageGroup {
    /// A [`SourceRef`].
    pub source: tera::Value,
    pub count: usize,
    pub passages_html: String,
}

#[derive(Serialize)]
pub struct SourceGroup<'a> {
    /// A [`SourceRef`].
    pub source: tera::Value,
    pub count: usize,
    pub passages: Vec<Passage<'a>>,
}

/// The coverage matrix: topics down, sources (or outlets) across.
#[derive(Serialize)]
pub struct CoverageView {
    pub columns: Vec<Heading>,
    pub rows: Vec<CoverageRow>,
}

#[derive(Serialize, Clone)]
pub struct Heading {
    pub label: String,
    pub title: String,
    pub href: String,
}

#[derive(Serialize)]
pub struct CoverageRow {
    pub head: Heading,
    pub cells: Vec<CoverageCell>,
}

#[derive(Serialize)]
pub struct CoverageCell {
    pub count: usize,
    /// 0 (none) to 4 (the most of any cell), for the heat-map shading.
    pub level: usize,
    pub href: String,
}

/// The most columns the coverage matrix has.
const COVERAGE_MAX_COLUMNS: usize = 12;

/// Everything shared by several pages, computed once.
pub struct Model<'a> {
    pub project: &'a Project,
    pub analysis: &'a Analysis,
    pub site: SiteView,
    pub sources: Vec<SourceCard>,
    pub topics: Vec<TopicCard>,
    pub participants: Vec<ParticipantCard>,
    /// For each source, its most similar sources: indexes into
    /// `analysis.pairs`, most similar first.
    pub similar: Vec<Vec<usize>>,
    /// Statements reported by more than one source.
    pub shared_statements: usize,
    /// For each topic, the sources with a passage on it, ascending: the
    /// topic's pages list them in this order, `TOPIC_SOURCES_PER_PAGE` a page.
    pub covering: Vec<Vec<usize>>,
    /// For each participant, the sources that name them, ascending…
    pub mentioning: Vec<Vec<usize>>,
    /// …and the statements they are quoted in (indexes into
    /// `analysis.statements`), in order: their pages hold
    /// `PARTICIPANT_ITEMS_PER_PAGE` of each.
    pub spoken: Vec<Vec<usize>>,
    /// How many passages (headings aside) are on each topic and name each
    /// participant: row `t`, column `p`, one pass over the corpus instead of
    /// one over a topic's or participant's sources for each of their pages.
    pub together: Vec<u32>,
    /// Where each source's quotes, and figures, start in the analysis's
    /// lists (which are in source order), and one past the last source's.
    quote_starts: Vec<usize>,
    figure_starts: Vec<usize>,
    pub values: Values,
}

/// Where the items of each of `count` sources start in a list sorted by
/// source, given the source of each item; one more entry ends the last.
fn starts(count: usize, sources: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut starts = vec![0; count + 1];
    for s in sources {
        starts[s + 1] += 1;
    }
    for s in 0..count {
        starts[s + 1] += starts[s];
    }
    starts
}

/// What many pages show of each source, topic and participant, converted to
/// template values once. A page's context then shares them (a reference
/// count) rather than converting them again: at 10,000 sources, converting
/// the same links and source references over and over was a large part of
/// rendering. A source's values are made when a page first needs them, so
/// that `serve`, re-rendering a few pages, converts only what they show.
pub struct Values {
    /// The [`SiteView`], which every page has.
    pub site: tera::Value,
    /// [`SourceRef`]s, by source.
    source_refs: Vec<OnceLock<tera::Value>>,
    /// [`SourceCard`]s, by source.
    source_cards: Vec<OnceLock<tera::Value>>,
    /// [`Link`]s, by topic…
    pub topic_links: Vec<tera::Value>,
    /// …and by participant.
    pub participant_links: Vec<tera::Value>,
    /// [`Brief`]s, by topic and by participant.
    pub topic_briefs: Vec<tera::Value>,
    pub participant_briefs: Vec<tera::Value>,
}

impl Values {
    fn new(
        site: &SiteView,
        sources: &[SourceCard],
        topics: &[TopicCard],
        participants: &[ParticipantCard],
    ) -> Values {
        let link = |label: &str, href: &str| {
            tera::Value::from_serializable(&Link {
                label: label.to_string(),
                href: href.to_string(),
            })
        };
        Values {
            site: tera::Value::from_serializable(site),
            source_refs: sources.iter().map(|_| OnceLock::new()).collect(),
            source_cards: sources.iter().map(|_| OnceLock::new()).collect(),
            topic_links: topics.iter().map(|t| link(&t.title, &t.href)).collect(),
            participant_links: participants
                .iter()
                .map(|p| link(&p.name, &p.href))
                .collect(),
            topic_briefs: topics
                .iter()
                .map(|t| tera::Value::from_serializable(&t.brief()))
                .collect(),
            participant_briefs: participants
                .iter()
                .map(|p| tera::Value::from_serializable(&p.brief()))
                .collect(),
        }
    }
}

/// Sources, and statements, on one page of a participant.
pub const PARTICIPANT_ITEMS_PER_PAGE: usize = 100;

/// Page `number` of a participant (the first is their own address).
pub fn participant_page_href(id: &str, number: usize) -> String {
    if number <= 1 {
        participant_href(id)
    } else {
        format!("participants/{id}/{number}/index.html")
    }
}

/// Sources on one page of a topic; a large dossier's topics continue on more
/// pages, so that no page grows with the corpus.
pub const TOPIC_SOURCES_PER_PAGE: usize = 100;

/// Page `number` of a topic (the first is the topic's own address).
pub fn topic_page_href(slug: &str, number: usize) -> String {
    if number <= 1 {
        topic_href(slug)
    } else {
        format!("topics/{slug}/{number}/index.html")
    }
}

/// How many similar sources a source's page lists.
const SIMILAR_PER_SOURCE: usize = 10;

/// `briefs[k]` with its count, for each `(k, count)` of `counts`.
fn counted(
    briefs: &[tera::Value],
    counts: impl IntoIterator<Item = (usize, usize)>,
) -> Vec<Counted<tera::Value>> {
    counts
        .into_iter()
        .map(|(k, count)| Counted {
            item: briefs[k].clone(),
            count,
        })
        .collect()
}

impl Model<'_> {
    /// The participants of `counts` (participant, count) as [`Brief`]s
    /// with their counts, the most counted first, then by name.
    pub fn counted_participants(
        &self,
        counts: impl IntoIterator<Item = (usize, usize)>,
    ) -> Vec<Counted<tera::Value>> {
        counted(
            &self.values.participant_briefs,
            self.participants_by_count(counts),
        )
    }

    /// `counts` (participant, count) the most counted first, then by name.
    pub fn participants_by_count(
        &self,
        counts: impl IntoIterator<Item = (usize, usize)>,
    ) -> Vec<(usize, usize)> {
        let mut counts: Vec<(usize, usize)> = counts.into_iter().collect();
        counts.sort_by(|&(a, m), &(b, n)| {
            n.cmp(&m)
                .then(self.participants[a].name.cmp(&self.participants[b].name))
        });
        counts
    }

    /// The topics of `counts` (topic, count) as [`Brief`]s with their
    /// counts, in the order given.
    pub fn counted_topics(
        &self,
        counts: impl IntoIterator<Item = (usize, usize)>,
    ) -> Vec<Counted<tera::Value>> {
        counted(&self.values.topic_briefs, counts)
    }

    /// The participants named in topic `t`'s passages, ascending, with how
    /// many passages name each.
    pub fn together(&self, t: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let row = &self.together[t * self.participants.len()..][..self.participants.len()];
        row.iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(p, &n)| (p, n as usize))
    }

    /// The topics of the passages naming participant `p`, ascending, with
    /// how many passages are on each.
    pub fn topics_with(&self, p: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let width = self.participants.len();
        (0..self.topics.len())
            .map(move |t| (t, self.together[t * width + p] as usize))
            .filter(|&(_, n)| n > 0)
    }

    /// Source `s` as a [`SourceRef`], for a template.
    pub fn source_ref(&self, s: usize) -> tera::Value {
        self.values.source_refs[s]
            .get_or_init(|| tera::Value::from_serializable(&self.sources[s].reference()))
            .clone()
    }

    /// Source `s`'s whole card, for a template.
    pub fn source_card(&self, s: usize) -> tera::Value {
        self.values.source_cards[s]
            .get_or_init(|| tera::Value::from_serializable(&self.sources[s]))
            .clone()
    }

    /// A [`Link`] to topic `t`, for a template.
    pub fn topic_link(&self, t: usize) -> tera::Value {
        self.values.topic_links[t].clone()
    }

    /// A [`Link`] to participant `p`, for a template.
    pub fn participant_link(&self, p: usize) -> tera::Value {
        self.values.participant_links[p].clone()
    }

    /// How many pages topic `t` takes (at least one).
    pub fn topic_pages(&self, t: usize) -> usize {
        pages_for(self.covering[t].len(), TOPIC_SOURCES_PER_PAGE)
    }

    /// How many pages participant `p` takes (at least one).
    pub fn participant_pages(&self, p: usize) -> usize {
        pages_for(
            self.mentioning[p].len().max(self.spoken[p].len()),
            PARTICIPANT_ITEMS_PER_PAGE,
        )
    }

    /// Where source `s`'s passages on topic `t` are: the page and the anchor.
    pub fn topic_source_href(&self, t: usize, s: usize) -> String {
        let page = match self.covering[t].binary_search(&s) {
            Ok(rank) => rank / TOPIC_SOURCES_PER_PAGE + 1,
            Err(_) => 1,
        };
        format!(
            "{}#from-{}",
            topic_page_href(&self.topics[t].slug, page),
            self.sources[s].id
        )
    }

    /// The quotes of source `s` (quotes are in source order).
    pub fn quotes_of(&self, s: usize) -> std::ops::Range<usize> {
        self.quote_starts[s]..self.quote_starts[s + 1]
    }

    /// The figures of paragraph `i` of source `s` (figures are in order).
    pub fn figures_of(&self, s: usize, i: usize) -> std::ops::Range<usize> {
        let from = self.figure_starts[s];
        let f = &self.analysis.figures[from..self.figure_starts[s + 1]];
        from + f.partition_point(|x| x.paragraph < i)
            ..from + f.partition_point(|x| x.paragraph <= i)
    }
}

pub fn source_href(id: &str) -> String {
    format!("sources/{id}/index.html")
}

pub fn topic_href(slug: &str) -> String {
    format!("topics/{slug}/index.html")
}

pub fn participant_href(id: &str) -> String {
    format!("participants/{id}/index.html")
}

fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

pub fn long_date(d: jiff::civil::Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

impl<'a> Model<'a> {
    pub fn new(project: &'a Project, analysis: &'a Analysis, base_url: Option<String>) -> Self {
        let config = &project.config;
        let site = SiteView {
            title: config.title.clone(),
            subtitle: config.subtitle.clone(),
            description: config.description.clone(),
            language: config.language.clone(),
            as_of: config.as_of.map(long_date),
            as_of_iso: config.as_of.map(|d| d.to_string()),
            absolute_url: base_url
                .as_deref()
                .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                .map(with_slash),
            base_path: base_url.as_deref().map(|u| {
                let path = match u.split_once("://") {
                    Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
                    None => u,
                };
                with_slash(path)
            }),
            base_url,
            generator: format!("dossier {}", env!("CARGO_PKG_VERSION")),
            updated: config
                .as_of
                .into_iter()
                .chain(project.articles.iter().filter_map(|a| a.meta.published))
                .max()
                .map_or_else(|| "1970-01-01".to_string(), |d| d.to_string()),
        };
        let sources: Vec<SourceCard> = project
            .articles
            .par_iter()
            .enumerate()
            .map(|(s, a)| source_card(a, s, analysis))
            .collect();
        let topics = topic_cards(project, analysis);
        let participants = participant_cards(project, analysis);
        let mut similar: Vec<Vec<usize>> = vec![Vec::new(); project.articles.len()];
        for (k, pair) in analysis.pairs.iter().enumerate() {
            for s in [pair.a, pair.b] {
                if similar[s].len() < SIMILAR_PER_SOURCE {
                    similar[s].push(k);
                }
            }
        }
        let shared_statements = shared_statements(analysis);
        let covering = analysis
            .coverage
            .iter()
            .map(|row| (0..row.len()).filter(|&s| row[s] > 0).collect())
            .collect();
        let mentioning = analysis
            .mentions
            .iter()
            .map(|row| (0..row.len()).filter(|&s| row[s] > 0).collect())
            .collect();
        let spoken = spoken(analysis, project.participants.len());
        let together = together(analysis, project.topics.len(), project.participants.len());
        let values = Values::new(&site, &sources, &topics, &participants);
        let count = project.articles.len();
        let quote_starts = starts(count, analysis.quotes.iter().map(|q| q.source));
        let figure_starts = starts(count, analysis.figures.iter().map(|f| f.source));
        Model {
            project,
            analysis,
            site,
            sources,
            topics,
            participants,
            similar,
            shared_statements,
            covering,
            mentioning,
            spoken,
            together,
            quote_starts,
            figure_starts,
            values,
        }
    }

    /// The coverage matrix. With few sources each is a column; with more,
    /// sources of one outlet share a column, and past a dozen outlets the
    /// rest are summed in a last column, so the table stays readable.
    pub fn coverage(&self) -> CoverageView {
        let coverage = &self.analysis.coverage;
        struct Group {
            head: Heading,
            members: Vec<usize>,
        }
        let mut groups: Vec<Group> = if self.sources.len() <= COVERAGE_MAX_COLUMNS {
            self.sources
                .iter()
                .enumerate()
                .map(|(s, c)| Group {
                    head: Heading {
                        label: c.label.clone(),
                        title: c.title.clone(),
                        href: c.href.clone(),
                    },
                    members: vec![s],
                })
                .collect()
        } else {
            let mut by_outlet: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
            for (s, c) in self.sources.iter().enumerate() {
                by_outlet.entry(c.label.as_str()).or_default().push(s);
            }
            by_outlet
                .into_iter()
                .map(|(label, members)| Group {
                    head: Heading {
                        label: label.to_string(),
                        title: format!("{} sources", members.len()),
                        href: "sources/index.html".into(),
                    },
                    members,
                })
                .collect()
        };
        if groups.len() > COVERAGE_MAX_COLUMNS {
            let total = |g: &Group| -> usize {
                g.members
                    .iter()
                    .map(|&s| coverage.iter().map(|row| row[s]).sum::<usize>())
                    .sum()
            };
            groups.sort_by_key(|g| std::cmp::Reverse(total(g)));
            let rest: Vec<usize> = groups
                .drain(COVERAGE_MAX_COLUMNS - 1..)
                .flat_map(|g| g.members)
                .collect();
            groups.push(Group {
                head: Heading {
                    label: "Other sources".into(),
                    title: format!("{} sources", rest.len()),
                    href: "sources/index.html".into(),
                },
                members: rest,
            });
        }
        let counts: Vec<Vec<usize>> = coverage
            .iter()
            .map(|row| {
                groups
                    .iter()
                    .map(|g| g.members.iter().map(|&s| row[s]).sum())
                    .collect()
            })
            .collect();
        let max = counts.iter().flatten().copied().max().unwrap_or(0);
        CoverageView {
            columns: groups.iter().map(|g| g.head.clone()).collect(),
            rows: self
                .topics
                .iter()
                .enumerate()
                .zip(&counts)
                .map(|((t, topic), row)| CoverageRow {
                    head: Heading {
                        label: topic.title.clone(),
                        title: topic.title.clone(),
                        href: topic.href.clone(),
                    },
                    cells: row
                        .iter()
                        .zip(&groups)
                        .map(|(&count, g)| CoverageCell {
                            count,
                            level: heat_level(count, max),
                            href: match g.members.as_slice() {
                                [s] => self.topic_source_href(t, *s),
                                _ => topic.href.clone(),
                            },
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Paragraph `i` of source `s` as a passage, with `highlight` marked.
    pub fn passage(
        &self,
        source: usize,
        i: usize,
        highlight: &[(usize, usize, &'static str)],
    ) -> Passage<'a> {
        let para: &'a Paragraph = &self.analysis.sources[source].paragraphs[i];
        self.passage_as(source, i, to_html(&segments(&para.text, highlight)))
    }

    /// Paragraph `i` of source `s` as a passage showing `html` (an excerpt).
    pub fn passage_as(&self, source: usize, i: usize, html: String) -> Passage<'a> {
        let para: &'a Paragraph = &self.analysis.sources[source].paragraphs[i];
        let anchor = para.anchor();
        Passage {
            n: para.n,
            source: &self.project.articles[source].id,
            href: format!("{}#{anchor}", self.sources[source].href),
            anchor,
            heading: para.heading,
            unique: is_unique(self.analysis, source, i),
            html,
            topics: Vec::new(),
            participants: Vec::new(),
        }
    }

    /// A passage with its topics and participants, for pages that tag them.
    pub fn tagged_passage(
        &self,
        source: usize,
        i: usize,
        highlight: &[(usize, usize, &'static str)],
    ) -> Passage<'a> {
        let para: &'a Paragraph = &self.analysis.sources[source].paragraphs[i];
        Passage {
            topics: para.topics().iter().map(|&t| self.topic_link(t)).collect(),
            participants: para
                .participants()
                .iter()
                .map(|&p| self.participant_link(p))
                .collect(),
            ..self.passage(source, i, highlight)
        }
    }

    pub fn quote<'s>(&'s self, q: &'s crate::analyze::Quote) -> QuoteView<'s> {
        let para = &self.analysis.sources[q.source].paragraphs[q.paragraph];
        QuoteView {
            text: self.analysis.quote_text(q),
            speaker: q.speaker.map(|p| self.participant_link(p)),
            descriptor: q.descriptor.as_deref(),
            topics: para.topics().iter().map(|&t| self.topic_link(t)).collect(),
            source: self.source_ref(q.source),
            n: para.n,
            href: format!("{}#{}", self.sources[q.source].href, para.anchor()),
        }
    }
}

/// For each of `participants`, the statements they are quoted in, in order.
/// [`Model::together`].
fn together(analysis: &Analysis, topics: usize, participants: usize) -> Vec<u32> {
    let mut counts = vec![0; topics * participants];
    for p in analysis.sources.iter().flat_map(|s| &s.paragraphs) {
        if p.heading {
            continue;
        }
        for &t in p.topics() {
            for &who in p.participants() {
                counts[t * participants + who] += 1;
            }
        }
    }
    counts
}

pub(super) fn spoken(analysis: &Analysis, participants: usize) -> Vec<Vec<usize>> {
    let mut spoken: Vec<Vec<usize>> = vec![Vec::new(); participants];
    let mut speakers: Vec<usize> = Vec::new();
    for (k, st) in analysis.statements.iter().enumerate() {
        speakers.clear();
        speakers.extend(st.quotes.iter().filter_map(|&q| analysis.quotes[q].speaker));
        speakers.sort_unstable();
        speakers.dedup();
        for &p in &speakers {
            spoken[p].push(k);
        }
    }
    spoken
}

/// How many statements more than one source reports.
pub(super) fn shared_statements(analysis: &Analysis) -> usize {
    analysis
        .statements
        .iter()
        .filter(|s| s.is_shared(&analysis.quotes))
        .count()
}

/// How many pages `items` take, `per` a page (at least one).
pub fn pages_for(items: usize, per: usize) -> usize {
    items.div_ceil(per).max(1)
}

/// Whether paragraph `i` of source `s` carries substance no other source does.
pub fn is_unique(analysis: &Analysis, s: usize, i: usize) -> bool {
    analysis.support[s][i].is_some_and(|v| v < crate::analyze::compare::UNIQUE_BELOW)
}

fn heat_level(count: usize, max: usize) -> usize {
    if count == 0 || max == 0 {
        0
    } else {
        (count * 4).div_ceil(max).clamp(1, 4)
    }
}

/// Highlight hits of one kind: `pick` keeps the hits to show.
pub fn marks(
    hits: &[Hit],
    pick: impl Fn(usize) -> bool,
    class: &'static str,
) -> Vec<(usize, usize, &'static str)> {
    hits.iter()
        .filter(|h| pick(h.owner))
        .map(|h| (h.start, h.end, class))
        .collect()
}

/// About eight words either side of `start..end`, with ellipses where cut,
/// for a table of figures.
pub fn context_around(text: &str, start: usize, end: usize) -> String {
    let from = text[..start]
        .match_indices(char::is_whitespace)
        .nth_back(8)
        .map_or(0, |(i, w)| i + w.len());
    let to = text[end..]
        .match_indices(char::is_whitespace)
        .nth(8)
        .map_or(text.len(), |(i, _)| end + i);
    format!(
        "{}{}{}",
        if from > 0 { "… " } else { "" },
        &text[from..to],
        if to < text.len() { " …" } else { "" }
    )
}

/// Paragraph `i` of source `s` cut to the words around each highlight, for
/// pages that list many mentions: "… a few words **Name** a few words …".
pub fn excerpt<'t>(
    text: &'t str,
    ranges: &[(usize, usize, &'static str)],
    words_each_side: usize,
) -> Vec<Segment<'t>> {
    let mut windows: Vec<(usize, usize)> = ranges
        .iter()
        .map(|&(start, end, _)| {
            let from = text[..start]
                .match_indices(char::is_whitespace)
                .nth_back(words_each_side)
                .map_or(0, |(i, w)| i + w.len());
            let to = text[end..]
                .match_indices(char::is_whitespace)
                .nth(words_each_side)
                .map_or(text.len(), |(i, _)| end + i);
            (from, to)
        })
        .collect();
    windows.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for w in windows {
        match merged.last_mut() {
            Some(last) if w.0 <= last.1 => last.1 = last.1.max(w.1),
            _ => merged.push(w),
        }
    }
    let mut out = Vec::new();
    for (k, &(from, to)) in merged.iter().enumerate() {
        if k > 0 {
            out.push(Segment {
                text: " … ",
                class: "",
            });
        } else if from > 0 {
            out.push(Segment {
                text: "… ",
                class: "",
            });
        }
        let inside: Vec<_> = ranges
            .iter()
            .filter(|r| r.0 >= from && r.1 <= to)
            .map(|&(a, b, c)| (a - from, b - from, c))
            .collect();
        out.extend(segments(&text[from..to], &inside));
    }
    if merged.last().is_some_and(|&(_, to)| to < text.len()) {
        out.push(Segment {
            text: " …",
            class: "",
        });
    }
    out
}

/// Segments as HTML: escaped text, highlights marked with their class.
pub fn to_html(segments: &[Segment]) -> String {
    let mut out = String::with_capacity(segments.iter().map(|s| s.text.len() + 24).sum());
    write_html(&mut out, segments);
    out
}

/// [`to_html`], appended to `out`.
pub fn write_html(out: &mut String, segments: &[Segment]) {
    for s in segments {
        // Writing into a String cannot fail.
        if s.class.is_empty() {
            let _ = pulldown_cmark_escape::escape_html(&mut *out, s.text);
        } else {
            out.push_str("<mark class=\"");
            out.push_str(s.class);
            out.push_str("\">");
            let _ = pulldown_cmark_escape::escape_html(&mut *out, s.text);
            out.push_str("</mark>");
        }
    }
}

/// Splits `text` into plain and highlighted runs. Overlapping ranges are
/// joined, keeping the first one's class.
pub fn segments<'t>(text: &'t str, ranges: &[(usize, usize, &'static str)]) -> Vec<Segment<'t>> {
    let mut ranges: Vec<_> = ranges
        .iter()
        .filter(|r| r.0 < r.1 && r.1 <= text.len())
        .copied()
        .collect();
    ranges.sort_by_key(|r| (r.0, std::cmp::Reverse(r.1)));
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, class) in ranges {
        if end <= at {
            continue;
        }
        let start = start.max(at);
        if start > at {
            out.push(Segment {
                text: &text[at..start],
                class: "",
            });
        }
        out.push(Segment {
            text: &text[start..end],
            class,
        });
        at = end;
    }
    if at < text.len() {
        out.push(Segment {
            text: &text[at..],
            class: "",
        });
    }
    out
}

fn source_card(a: &Article, s: usize, analysis: &Analysis) -> SourceCard {
    let paras = &analysis.sources[s].paragraphs;
    SourceCard {
        id: a.id.clone(),
        title: a.meta.title.clone(),
        label: a
            .meta
            .outlet
            .clone()
            .unwrap_or_else(|| format!("Source {}", a.id)),
        outlet: a.meta.outlet.clone(),
        author: a.meta.author.clone(),
        published: a.meta.published.map(long_date),
        published_iso: a.meta.published.map(|d| d.to_string()),
        published_estimated: a.meta.published_estimated,
        url: a.meta.url.clone(),
        language: a.meta.language.clone(),
        href: source_href(&a.id),
        paragraphs: paras.iter().filter(|p| !p.heading).count(),
        words: analysis.sources[s].words,
        quotes: {
            let q = &analysis.quotes;
            q.partition_point(|x| x.source <= s) - q.partition_point(|x| x.source < s)
        },
    }
}

/// Every topic's card.
pub(super) fn topic_cards(project: &Project, analysis: &Analysis) -> Vec<TopicCard> {
    // Each topic's passages that no other source carries: one pass over
    // the corpus for all of them.
    let mut single_source = vec![0; project.topics.len()];
    for (s, text) in analysis.sources.iter().enumerate() {
        for (i, p) in text.paragraphs.iter().enumerate() {
            if !p.heading && is_unique(analysis, s, i) {
                for &t in p.topics() {
                    single_source[t] += 1;
                }
            }
        }
    }
    project
        .topics
        .iter()
        .enumerate()
        .map(|(t, topic)| topic_card(topic, t, analysis, single_source[t]))
        .collect()
}

/// Every participant's card.
pub(super) fn participant_cards(project: &Project, analysis: &Analysis) -> Vec<ParticipantCard> {
    let mut quoted = vec![0; project.participants.len()];
    for p in analysis.quotes.iter().filter_map(|q| q.speaker) {
        quoted[p] += 1;
    }
    project
        .participants
        .par_iter()
        .enumerate()
        .map(|(p, part)| participant_card(part, p, analysis, quoted[p]))
        .collect()
}

fn topic_card(topic: &Topic, t: usize, analysis: &Analysis, single_source: usize) -> TopicCard {
    let counts: Vec<usize> = analysis.coverage[t].clone();
    TopicCard {
        slug: topic.slug.clone(),
        title: topic.title.clone(),
        summary_plain: topic.summary.as_ref().map(|s| markdown::to_plain(&s.text)),
        summary_lead: topic.summary.as_ref().map(|s| markdown::lead(&s.text)),
        keywords: topic.keywords.clone(),
        href: topic_href(&topic.slug),
        passages: counts.iter().sum(),
        sources: counts.iter().filter(|&&c| c > 0).count(),
        single_source,
    }
}

fn participant_card(
    p: &Participant,
    i: usize,
    analysis: &Analysis,
    quotes: usize,
) -> ParticipantCard {
    let counts = &analysis.mentions[i];
    ParticipantCard {
        id: p.id.clone(),
        name: p.name.clone(),
        aliases: p.aliases.clone(),
        role: p.role.clone(),
        affiliation: p.affiliation.clone(),
        href: participant_href(&p.id),
        mentions: counts.iter().sum(),
        sources: counts.iter().filter(|&&c| c > 0).count(),
        quotes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cover_the_text_in_order() {
        let text = "Security guarantees and Article 5.";
        let segs = segments(text, &[(24, 33, "kw"), (0, 19, "kw"), (9, 19, "kw")]);
        let joined: String = segs.iter().map(|s| s.text).collect();
        assert_eq!(joined, text);
        let marked: Vec<_> = segs
            .iter()
            .filter(|s| !s.class.is_empty())
            .map(|s| s.text)
            .collect();
        assert_eq!(marked, vec!["Security guarantees", "Article 5"]);
    }

    #[test]
    fn excerpts_keep_the_words_around_each_mention() {
        let text = "one two three four Doe five six seven eight nine ten eleven Roe twelve";
        let doe = text.find("Doe").unwrap();
        let roe = text.find("Roe").unwrap();
        let segs = excerpt(text, &[(doe, doe + 3, "who"), (roe, roe + 3, "who")], 2);
        let joined: String = segs.iter().map(|s| s.text).collect();
        assert_eq!(joined, "… three four Doe five six … ten eleven Roe twelve");
    }

    #[test]
    fn starts_delimit_each_sources_items() {
        let s = starts(4, [0, 0, 2, 2, 2, 3].into_iter());
        assert_eq!(s, [0, 2, 2, 5, 6]);
        assert_eq!(starts(2, std::iter::empty()), [0, 0, 0]);
    }

    #[test]
    fn heat_levels_scale_to_the_maximum() {
        assert_eq!(heat_level(0, 5), 0);
        assert_eq!(heat_level(1, 8), 1);
        assert_eq!(heat_level(8, 8), 4);
    }
}
