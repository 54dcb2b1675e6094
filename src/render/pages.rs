//! One function per kind of page: each gathers what its page shows from the
//! shared model and renders it. Pages are independent, so they are rendered
//! in parallel.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use tera::Context;

use super::cite::{CitedView, Citer, RefView};
use super::hooks;
use super::view::{
    self, Counted, Link, Model, PassageGroup, QuoteView, Segment, SourceCard, SourceGroup, marks,
};
use super::{Renderer, Sink, template_error, write_error};
use crate::analyze::compare::DERIVATIVE_AT;
use crate::diagnostic::Diagnostic;

pub type Page = Result<(), Diagnostic>;

pub struct Pages<'r, 'm> {
    pub renderer: &'r Renderer,
    pub model: &'m Model<'m>,
    pub sink: &'r dyn Sink,
}

#[derive(Serialize)]
struct Common {
    /// The [`view::SiteView`].
    site: tera::Value,
    /// From this page back to the site root: "", "../" or "../../".
    root: String,
    /// Which part of the navigation is current.
    section: &'static str,
    /// This page's path, for canonical URLs.
    path: String,
    /// The numbered references of the citations on this page.
    references: Vec<RefView>,
    /// This page's own description, for the description and Open Graph tags.
    description: Option<String>,
}

/// From a page at `path` back to the site root.
pub fn root_of(path: &str) -> &'static str {
    ["", "../", "../../", "../../../"][path.matches('/').count().min(3)]
}

/// A statement and every outlet's rendering of it.
#[derive(Serialize)]
struct StatementView<'a> {
    speaker: Option<tera::Value>,
    descriptor: Option<&'a str>,
    /// Reported by more than one source.
    shared: bool,
    variants: Vec<QuoteView<'a>>,
}

#[derive(Serialize)]
struct EventView {
    anchor: String,
    date: String,
    date_iso: String,
    until: Option<String>,
    until_iso: Option<String>,
    title: String,
    description: Option<CitedView>,
    participants: Vec<tera::Value>,
    topics: Vec<tera::Value>,
}

#[derive(Serialize)]
struct PairView {
    /// The two sources' cards.
    a: tera::Value,
    b: tera::Value,
    /// Share of word triples in common, as a percentage.
    percent: String,
    shared: usize,
    derivative: bool,
}

#[derive(Serialize)]
struct SpellingView<'a> {
    /// The participant whose name is spelled differently, if it is one.
    participant: Option<Link>,
    note: Option<&'a str>,
    forms: Vec<FormView<'a>>,
}

#[derive(Serialize)]
struct FormView<'a> {
    form: &'a str,
    sources: Vec<Counted<view::Brief<'a>>>,
}

#[derive(Serialize)]
struct FigureView<'a> {
    figure: &'a str,
    unit: &'a str,
    context: String,
    /// A [`view::SourceRef`].
    source: tera::Value,
    n: usize,
    href: String,
}

/// Similarity of every pair of a small set of sources, for a table.
#[derive(Serialize)]
struct SimilarityTable<'a> {
    sources: Vec<&'a SourceCard>,
    rows: Vec<SimilarityRow<'a>>,
}

#[derive(Serialize)]
struct SimilarityRow<'a> {
    source: &'a SourceCard,
    /// Empty on the diagonal.
    cells: Vec<Option<SimilarityCell>>,
}

#[derive(Serialize)]
struct SimilarityCell {
    percent: String,
    derivative: bool,
}

/// Marks the place of the appendix in the rendered print page.
/// The printable dossier carries every source's full text up to this many
/// sources; beyond, it would run to thousands of printed pages, so its
/// appendix holds the paragraphs the dossier cites.
pub const PRINT_WHOLE_UP_TO: usize = 100;
const APPENDIX_MARK: &str = "<!-- dossier: the appendix of sources -->";

/// Words shown on each side of a participant's mention on their page.
const MENTION_CONTEXT_WORDS: usize = 14;

/// What the front page lists of a large dossier; the rest is a link away.
const FRONT_PAGE_SOURCES: usize = 25;
const FRONT_PAGE_PARTICIPANTS: usize = 30;
const FRONT_PAGE_PAIRS: usize = 10;

/// Statements on one page of the quotes; a large dossier's continue on more.
pub(super) const QUOTES_PER_PAGE: usize = 300;

pub(super) fn quotes_page_path(number: usize) -> String {
    if number == 1 {
        "quotes/index.html".into()
    } else {
        format!("quotes/{number}/index.html")
    }
}

/// A page number in a pager, or a gap (`…`) between the numbers shown.
#[derive(Serialize)]
struct PageLink {
    number: usize,
    href: String,
    current: bool,
    gap: bool,
}

/// The pager of page `number` of `count`, `href` giving each page's link.
fn page_links(count: usize, number: usize, href: impl Fn(usize) -> String) -> Vec<PageLink> {
    pager(count, number)
        .into_iter()
        .map(|k| match k {
            Some(k) => PageLink {
                number: k,
                href: href(k),
                current: k == number,
                gap: false,
            },
            None => PageLink {
                number: 0,
                href: String::new(),
                current: false,
                gap: true,
            },
        })
        .collect()
}

/// The page numbers a pager shows on page `current` of `count`: the first and
/// last, and those near the current one; `None` marks a gap. Listing every
/// page on every page would grow with the square of the number of pages.
fn pager(count: usize, current: usize) -> Vec<Option<usize>> {
    const AROUND: usize = 2;
    if count <= 1 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut last_shown = 0;
    for k in 1..=count {
        if k == 1 || k == count || k.abs_diff(current) <= AROUND {
            if k > last_shown + 1 {
                out.push(None);
            }
            out.push(Some(k));
            last_shown = k;
        }
    }
    out
}

/// A full table is readable up to this many sources; beyond, only pairs.
const TABLE_MAX_SOURCES: usize = 15;
/// The most similar pairs listed on the differences page.
const TABLE_MAX_PAIRS: usize = 50;

impl<'m> Pages<'_, 'm> {
    fn emit<T: Serialize>(
        &self,
        template: &str,
        path: String,
        section: &'static str,
        references: Vec<RefView>,
        page: &T,
    ) -> Page {
        self.emit_described(template, path, section, references, None, page)
    }

    fn emit_described<T: Serialize>(
        &self,
        template: &str,
        path: String,
        section: &'static str,
        references: Vec<RefView>,
        description: Option<String>,
        page: &T,
    ) -> Page {
        let context = self.context(&path, section, references, description, page)?;
        self.sink.put(&path, &mut |w| {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
            self.render_to(template, &context, &path, &mut w)?;
            w.flush().map_err(|e| write_error(&path, e))
        })
    }

    /// A page's context: what every page has, then the page's own data.
    fn context<T: Serialize>(
        &self,
        path: &str,
        section: &'static str,
        references: Vec<RefView>,
        description: Option<String>,
        page: &T,
    ) -> Result<Context, Diagnostic> {
        let root = match path {
            // Served in place of any missing page, at any depth: its links
            // start from the site's own path, or the server's root.
            "404.html" => self
                .model
                .site
                .base_path
                .clone()
                .unwrap_or_else(|| "/".into()),
            _ => root_of(path).to_string(),
        };
        let common = Common {
            site: self.model.values.site.clone(),
            root,
            section,
            path: path.trim_end_matches("index.html").to_string(),
            references,
            description: description.or_else(|| self.model.site.description.clone()),
        };
        Context::from_serialize(&common)
            .and_then(|mut ctx| {
                ctx.extend(Context::from_serialize(page)?);
                Ok(ctx)
            })
            .map_err(|e| template_error(&e, &self.renderer.origins, &self.renderer.sources))
    }

    /// The context of an item rendered with a dossier's own partial: what
    /// every page has (but its references), made the first time it is needed.
    fn item_context<'c>(
        &self,
        made: &'c mut Option<Context>,
        path: &str,
        section: &'static str,
    ) -> Result<&'c Context, Diagnostic> {
        if made.is_none() {
            #[derive(Serialize)]
            struct Nothing {}
            *made = Some(self.context(path, section, Vec::new(), None, &Nothing {})?);
        }
        Ok(made.as_ref().expect("made above"))
    }

    /// One item of a list, `value` named `name`, rendered by Tera with
    /// `template`: how lists are made when a dossier has its own copy of the
    /// partial.
    #[allow(clippy::too_many_arguments)]
    fn item_through_tera<T: Serialize>(
        &self,
        out: &mut String,
        items: &mut Option<Context>,
        path: &str,
        section: &'static str,
        template: &str,
        name: &'static str,
        value: &T,
    ) -> Page {
        let mut context = self.item_context(items, path, section)?.clone();
        context.insert(name, value);
        self.render_into(template, &context, path, out)
    }

    /// Paragraph `i` of source `s` on the source's page, with `marks`
    /// highlighted: `partials/source_paragraph.html`.
    fn source_paragraph(
        &self,
        out: &mut String,
        items: &mut Option<Context>,
        path: &str,
        s: usize,
        i: usize,
        marks: &[(usize, usize, &'static str)],
    ) -> Page {
        let m = self.model;
        if self.renderer.builtin.source_paragraph {
            let text = &m.analysis.sources[s].paragraphs[i].text;
            hooks::source_paragraph(out, m, s, i, &view::segments(text, marks), root_of(path));
            return Ok(());
        }
        let passage = m.tagged_passage(s, i, marks);
        self.item_through_tera(
            out,
            items,
            path,
            "sources",
            hooks::SOURCE_PARAGRAPH,
            "passage",
            &passage,
        )
    }

    /// Paragraph `i` of source `s` in a list of passages grouped by source,
    /// shown as `segments`: `partials/passage_item.html`.
    #[allow(clippy::too_many_arguments)]
    fn passage_item(
        &self,
        out: &mut String,
        items: &mut Option<Context>,
        path: &str,
        section: &'static str,
        s: usize,
        i: usize,
        segments: &[Segment],
    ) -> Page {
        let m = self.model;
        if self.renderer.builtin.passage_item {
            hooks::passage_item(out, m, s, i, segments, root_of(path));
            return Ok(());
        }
        #[derive(Serialize)]
        struct Group {
            source: tera::Value,
        }
        let mut context = self.item_context(items, path, section)?.clone();
        context.insert("passage", &m.passage_as(s, i, view::to_html(segments)));
        context.insert(
            "group",
            &Group {
                source: m.source_ref(s),
            },
        );
        self.render_into(hooks::PASSAGE_ITEM, &context, path, out)
    }

    /// Ends `group` on a topic or participant page: after its passages,
    /// written straight into `html` (`group.direct`), or as a whole, by the
    /// built-in renderer or the dossier's own partial; kept in `groups` for
    /// a page template of the dossier's own.
    fn end_group(
        &self,
        group: Group,
        html: &mut String,
        groups: &mut Vec<PassageGroup>,
        items: &mut Option<Context>,
        path: &str,
    ) -> Page {
        let m = self.model;
        let builtin = &self.renderer.builtin;
        if group.direct {
            hooks::group_foot(html);
            return Ok(());
        }
        let s = group.s;
        let view = PassageGroup {
            source: m.source_ref(s),
            count: group.count,
            passages_html: group.passages,
        };
        let (passages, root) = (view.passages_html.as_str(), root_of(path));
        let (built_in, own_page, section, partial) = match group.topic {
            true => (
                builtin.topic_group,
                builtin.own_topic_page,
                "topics",
                hooks::TOPIC_GROUP,
            ),
            false => (
                builtin.mention_group,
                builtin.own_participant_page,
                "participants",
                hooks::MENTION_GROUP,
            ),
        };
        match (built_in, group.topic) {
            (true, true) => hooks::topic_group(html, m, s, passages, root),
            (true, false) => hooks::mention_group(html, m, s, view.count, passages, root),
            (false, _) => {
                self.item_through_tera(html, items, path, section, partial, "group", &view)?
            }
        }
        if own_page {
            groups.push(view);
        }
        Ok(())
    }

    /// Quotes `quotes` as `partials/quote.html` renders each, for the page
    /// at `path`.
    fn quotes_html(
        &self,
        quotes: &[crate::analyze::Quote],
        items: &mut Option<Context>,
        path: &str,
        section: &'static str,
    ) -> Result<String, Diagnostic> {
        let m = self.model;
        let mut out = String::with_capacity(quotes.len() * 768);
        for q in quotes {
            if self.renderer.builtin.quote {
                hooks::quote(&mut out, m, q, root_of(path));
            } else {
                let quote = m.quote(q);
                self.item_through_tera(
                    &mut out,
                    items,
                    path,
                    section,
                    hooks::QUOTE,
                    "quote",
                    &quote,
                )?;
            }
        }
        Ok(out)
    }

    /// Statement `st` as `partials/statement.html` renders it, for the page
    /// at `path`.
    fn statement_html(
        &self,
        st: &crate::analyze::statements::Statement,
        items: &mut Option<Context>,
        path: &str,
        section: &'static str,
    ) -> Result<String, Diagnostic> {
        let mut out = String::with_capacity(st.quotes.len() * 1024);
        if self.renderer.builtin.statement {
            hooks::statement(&mut out, self.model, st, root_of(path));
        } else {
            let statement = self.statement(st);
            self.item_through_tera(
                &mut out,
                items,
                path,
                section,
                hooks::STATEMENT,
                "statement",
                &statement,
            )?;
        }
        Ok(out)
    }

    /// [`Pages::render_to`], appended to `out`: how one item of a list is
    /// rendered when a dossier has its own copy of the partial.
    fn render_into(
        &self,
        template: &str,
        context: &Context,
        path: &str,
        out: &mut String,
    ) -> Result<(), Diagnostic> {
        let mut html = Vec::new();
        self.render_to(template, context, path, &mut html)?;
        out.push_str(std::str::from_utf8(&html).expect("templates render UTF-8"));
        Ok(())
    }

    fn render_to(
        &self,
        template: &str,
        context: &Context,
        path: &str,
        w: &mut dyn Write,
    ) -> Result<(), Diagnostic> {
        self.renderer
            .tera
            .render_to(template, context, w)
            .map_err(|e| match e.kind() {
                tera::ErrorKind::Io(io) => write_error(path, std::io::Error::from(*io)),
                _ => template_error(&e, &self.renderer.origins, &self.renderer.sources),
            })
    }

    pub fn index(&self) -> Page {
        let m = self.model;
        let path = "index.html";
        let mut citer = Citer::new(m, root_of(path));
        let mut participants: Vec<&view::ParticipantCard> = m.participants.iter().collect();
        participants.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));
        #[derive(Serialize)]
        struct Index<'a> {
            summary: Option<CitedView>,
            topics: &'a [view::TopicCard],
            recent_sources: Vec<&'a SourceCard>,
            sources_total: usize,
            top_participants: Vec<&'a view::ParticipantCard>,
            participant_count: usize,
            coverage: view::CoverageView,
            quotes: usize,
            statements: usize,
            paragraphs: usize,
            timeline: Vec<EventView>,
            derivative: Vec<PairView>,
            spellings: Vec<SpellingView<'a>>,
            single_source: usize,
        }
        let summary = citer.prose_opt(m.project.summary.as_ref());
        // The strip shows events without their descriptions.
        let timeline = self.events(&mut Citer::new(m, root_of(path)), false);
        // A large dossier lists its newest sources here, all on the sources page.
        let mut recent_sources: Vec<&SourceCard> = m.sources.iter().collect();
        if recent_sources.len() > FRONT_PAGE_SOURCES {
            recent_sources
                .sort_by(|a, b| b.published_iso.cmp(&a.published_iso).then(a.id.cmp(&b.id)));
            recent_sources.truncate(FRONT_PAGE_SOURCES);
        }
        participants.truncate(FRONT_PAGE_PARTICIPANTS);
        let page = Index {
            summary,
            topics: &m.topics,
            recent_sources,
            sources_total: m.sources.len(),
            top_participants: participants,
            participant_count: m.participants.len(),
            coverage: m.coverage(),
            quotes: m.analysis.quotes.len(),
            statements: m.analysis.statements.len(),
            paragraphs: m.sources.iter().map(|s| s.paragraphs).sum(),
            timeline,
            derivative: self
                .pairs(None)
                .take_while(|p| p.derivative)
                .take(FRONT_PAGE_PAIRS)
                .collect(),
            spellings: self.spellings(None),
            single_source: m.topics.iter().map(|t| t.single_source).sum(),
        };
        self.emit("index.html", path.into(), "home", citer.finish(), &page)
    }

    /// The list of topics (0), sources (1) or participants (2).
    pub fn list(&self, which: usize) -> Page {
        let m = self.model;
        #[derive(Serialize)]
        struct List<'a, T: Serialize> {
            items: &'a [T],
        }
        match which {
            0 => self.emit(
                "topics.html",
                "topics/index.html".into(),
                "topics",
                Vec::new(),
                &List { items: &m.topics },
            ),
            1 => self.emit(
                "sources.html",
                "sources/index.html".into(),
                "sources",
                Vec::new(),
                &List { items: &m.sources },
            ),
            _ => self.emit(
                "participants.html",
                "participants/index.html".into(),
                "participants",
                Vec::new(),
                &List {
                    items: &m.participants,
                },
            ),
        }
    }

    /// Page `number` of topic `t`: its sources' passages, figures and quotes,
    /// `TOPIC_SOURCES_PER_PAGE` sources a page; the first page also has the
    /// summary and what spans the whole topic (timeline, participants, the
    /// sources that do not cover it).
    pub fn topic(&self, t: usize, number: usize) -> Page {
        let m = self.model;
        let slug = &m.topics[t].slug;
        let path = view::topic_page_href(slug, number);
        let root = root_of(&path);
        let mut citer = Citer::new(m, root);
        let first = number == 1;
        let covering = &m.covering[t];
        let from = (number - 1) * view::TOPIC_SOURCES_PER_PAGE;
        let here = &covering
            [from.min(covering.len())..(from + view::TOPIC_SOURCES_PER_PAGE).min(covering.len())];
        let on_topic = |p: &crate::analyze::Paragraph| !p.heading && p.topics().contains(&t);
        let mut groups = Vec::new();
        // Rendered by the built-in renderer, with no page template of the
        // dossier's own to give them to, the groups' passages are written
        // straight into the groups' HTML, not gathered first.
        let direct = self.renderer.builtin.topic_group && !self.renderer.builtin.own_topic_page;
        let mut groups_html = String::with_capacity(here.len() * 2048);
        let mut figures = Vec::new();
        let mut quotes = Vec::new();
        let mut items = None;
        for &s in here {
            let text = &m.analysis.sources[s];
            let mut own = String::new();
            if direct {
                hooks::topic_group_head(&mut groups_html, m, s, root);
            }
            let passages = if direct { &mut groups_html } else { &mut own };
            let mut count = 0;
            for (i, p) in text
                .paragraphs
                .iter()
                .enumerate()
                .filter(|(_, p)| on_topic(p))
            {
                figures.extend(
                    m.figures_of(s, i)
                        .filter(|&k| m.analysis.figures[k].unit != "year"),
                );
                let segments = view::segments(&p.text, &marks(&p.topic_hits, |o| o == t, "kw"));
                self.passage_item(passages, &mut items, &path, "topics", s, i, &segments)?;
                count += 1;
            }
            quotes.extend(
                m.analysis.quotes[m.quotes_of(s)]
                    .iter()
                    .filter(|q| on_topic(&text.paragraphs[q.paragraph]))
                    .cloned(),
            );
            let group = Group {
                s,
                count,
                passages: own,
                direct,
                topic: true,
            };
            self.end_group(group, &mut groups_html, &mut groups, &mut items, &path)?;
        }
        // Like with like: figures of one unit stand side by side.
        let key = |k: usize| {
            let f = &m.analysis.figures[k];
            let n = m.analysis.sources[f.source].paragraphs[f.paragraph].n;
            (f.unit.as_str(), m.sources[f.source].id.as_str(), n)
        };
        figures.sort_by(|&a, &b| key(a).cmp(&key(b)));
        let mut figures_html = String::with_capacity(figures.len() * 512);
        for &k in &figures {
            self.figure_row(&mut figures_html, &mut items, &path, k)?;
        }
        let mut people = Vec::new();
        let mut silent = Vec::new();
        let mut events = Vec::new();
        let silent_count = m.sources.len() - covering.len();
        if first {
            // Up to a page's worth, the sources that miss the topic are
            // named; beyond, counted.
            if silent_count <= view::TOPIC_SOURCES_PER_PAGE {
                silent = (0..m.sources.len())
                    .filter(|s| covering.binary_search(s).is_err())
                    .map(|s| m.source_ref(s))
                    .collect();
            }
            people = m.counted_participants(m.together(t));
            events = self
                .events(&mut citer, false)
                .into_iter()
                .zip(&m.project.timeline)
                .filter(|(_, e)| e.topics.contains(&t))
                .map(|(v, _)| v)
                .collect();
        }
        let count = m.topic_pages(t);
        let pages = page_links(count, number, |k| {
            format!("{root}{}", view::topic_page_href(slug, k))
        });
        #[derive(Serialize)]
        struct TopicPage<'a> {
            topic: &'a view::TopicCard,
            summary: Option<CitedView>,
            /// Each rendered by `partials/topic_group.html`.
            groups_html: String,
            /// For a dossier's own `topic.html` only (empty otherwise).
            groups: Vec<PassageGroup>,
            silent: Vec<tera::Value>,
            /// How many sources miss the topic (named in `silent` when few).
            silent_count: usize,
            sources_total: usize,
            /// Each rendered by `partials/quote.html`.
            quotes_html: String,
            participants: Vec<Counted<tera::Value>>,
            /// Each rendered by `partials/figure_row.html`.
            figures_html: String,
            events: Vec<EventView>,
            /// This page's number, and the pager (empty for a single page).
            number: usize,
            page_count: usize,
            pages: Vec<PageLink>,
            pager_label: String,
        }
        let summary = if first {
            citer.prose_opt(m.project.topics[t].summary.as_ref())
        } else {
            None
        };
        let page = TopicPage {
            topic: &m.topics[t],
            summary,
            groups_html,
            groups,
            silent,
            silent_count: if first { silent_count } else { 0 },
            sources_total: m.sources.len(),
            quotes_html: self.quotes_html(&quotes, &mut items, &path, "topics")?,
            participants: people,
            figures_html,
            events,
            number,
            page_count: count,
            pages,
            pager_label: format!("Pages of {}", m.topics[t].title),
        };
        let description = m.topics[t].summary_lead.clone();
        self.emit_described(
            "topic.html",
            path,
            "topics",
            citer.finish(),
            description,
            &page,
        )
    }

    pub fn source(&self, s: usize) -> Page {
        let m = self.model;
        let path = view::source_href(&m.sources[s].id);
        let mut citer = Citer::new(m, root_of(&path));
        let text = &m.analysis.sources[s];
        let own_quotes = &m.analysis.quotes[m.quotes_of(s)];
        let mut items = None;
        let mut paragraphs = String::with_capacity(text.paragraphs.len() * 1024);
        for i in 0..text.paragraphs.len() {
            let quote_marks: Vec<(usize, usize, &'static str)> = own_quotes
                .iter()
                .filter(|q| q.paragraph == i)
                .map(|q| (q.start, q.end, "quote"))
                .collect();
            self.source_paragraph(&mut paragraphs, &mut items, &path, s, i, &quote_marks)?;
        }
        let single_source = (0..text.paragraphs.len())
            .filter(|&i| view::is_unique(m.analysis, s, i))
            .count();
        let quotes_html = self.quotes_html(own_quotes, &mut items, &path, "sources")?;
        let topics: Vec<(usize, usize)> = (0..m.topics.len())
            .map(|t| (t, m.analysis.coverage[t][s]))
            .filter(|&(_, count)| count > 0)
            .collect();
        // Counted from the source's own matches: looking up every
        // participant's column of the mention counts would cost a cache
        // miss each, for each of thousands of source pages.
        let mut named: BTreeMap<usize, usize> = BTreeMap::new();
        for para in &text.paragraphs {
            for h in &para.participant_hits {
                *named.entry(h.owner).or_default() += 1;
            }
        }
        let people = m.participants_by_count(named);
        // What the aside shows, as template values only for a template
        // that needs them: the partial when it is the dossier's own, the
        // page when it is.
        let as_values = || {
            (
                self.pairs(Some(s)).collect::<Vec<_>>(),
                m.counted_topics(topics.iter().copied()),
                m.counted_participants(people.iter().copied()),
            )
        };
        let mut aside_html = String::new();
        if self.renderer.builtin.source_aside {
            let similar: Vec<(usize, String, bool)> = m.similar[s]
                .iter()
                .map(|&k| {
                    let p = &m.analysis.pairs[k];
                    let other = if p.b == s { p.a } else { p.b };
                    (other, percent(p.similarity), p.similarity >= DERIVATIVE_AT)
                })
                .collect();
            let aside = hooks::Aside {
                similar: &similar,
                single_source,
                topics: &topics,
                participants: &people,
            };
            hooks::source_aside(&mut aside_html, m, &aside, root_of(&path));
        } else {
            let (similar, topics, participants) = as_values();
            let mut context = self.item_context(&mut items, &path, "sources")?.clone();
            context.insert("similar", &similar);
            context.insert("single_source", &single_source);
            context.insert("topics", &topics);
            context.insert("participants", &participants);
            self.render_into(hooks::SOURCE_ASIDE, &context, &path, &mut aside_html)?;
        }
        let (similar, topics, people) = if self.renderer.builtin.own_source_page {
            as_values()
        } else {
            (Vec::new(), Vec::new(), Vec::new())
        };
        #[derive(Serialize)]
        struct SourcePage<'a> {
            source: &'a SourceCard,
            notes: Option<CitedView>,
            /// Each rendered by `partials/source_paragraph.html`.
            paragraphs_html: String,
            /// Each rendered by `partials/quote.html`.
            quotes_html: String,
            /// Rendered by `partials/source_aside.html`.
            aside_html: String,
            /// For a dossier's own `source.html` only (empty otherwise).
            topics: Vec<Counted<tera::Value>>,
            participants: Vec<Counted<tera::Value>>,
            similar: Vec<PairView>,
            single_source: usize,
        }
        let notes = citer.note(m.project.articles[s].meta.notes.as_ref());
        let page = SourcePage {
            source: &m.sources[s],
            notes,
            single_source,
            paragraphs_html: paragraphs,
            quotes_html,
            aside_html,
            topics,
            participants: people,
            similar,
        };
        let card = &m.sources[s];
        let description = Some(format!("{}: {}", card.label, card.title));
        self.emit_described(
            "source.html",
            path,
            "sources",
            citer.finish(),
            description,
            &page,
        )
    }

    /// Page `number` of participant `p`: `PARTICIPANT_ITEMS_PER_PAGE` of the
    /// sources that name them, with each mention in context, and as many of
    /// their statements; the first page also has what spans all of them
    /// (notes, spellings, topics).
    pub fn participant(&self, p: usize, number: usize) -> Page {
        let m = self.model;
        let id = &m.participants[p].id;
        let path = view::participant_page_href(id, number);
        let root = root_of(&path);
        let mut citer = Citer::new(m, root);
        let first = number == 1;
        let per = view::PARTICIPANT_ITEMS_PER_PAGE;
        let slice = |all: &'m [usize]| {
            let from = ((number - 1) * per).min(all.len());
            &all[from..(from + per).min(all.len())]
        };
        let mut groups = Vec::new();
        // As on topic pages, passages go straight into the groups' HTML
        // when nothing else needs them.
        let direct =
            self.renderer.builtin.mention_group && !self.renderer.builtin.own_participant_page;
        let here = slice(&m.mentioning[p]);
        let mut groups_html = String::with_capacity(here.len() * 1024);
        let mut items = None;
        for &s in here {
            let mut own = String::new();
            let count = m.analysis.mentions[p][s];
            if direct {
                hooks::mention_group_head(&mut groups_html, m, s, count, root);
            }
            let passages = if direct { &mut groups_html } else { &mut own };
            let paragraphs = m.analysis.sources[s].paragraphs.iter().enumerate();
            for (i, para) in paragraphs.filter(|(_, para)| para.participants().contains(&p)) {
                // Mentions can be many: show each in its context only.
                let hits = marks(&para.participant_hits, |o| o == p, "who");
                let segments = view::excerpt(&para.text, &hits, MENTION_CONTEXT_WORDS);
                self.passage_item(passages, &mut items, &path, "participants", s, i, &segments)?;
            }
            let group = Group {
                s,
                count,
                passages: own,
                direct,
                topic: false,
            };
            self.end_group(group, &mut groups_html, &mut groups, &mut items, &path)?;
        }
        let statements = slice(&m.spoken[p])
            .iter()
            .map(|&k| {
                self.statement_html(&m.analysis.statements[k], &mut items, &path, "participants")
            })
            .collect::<Result<Vec<_>, _>>()?;
        let topics = if first {
            m.counted_topics(m.topics_with(p))
        } else {
            Vec::new()
        };
        let count = m.participant_pages(p);
        let pages = page_links(count, number, |k| {
            format!("{root}{}", view::participant_page_href(id, k))
        });
        #[derive(Serialize)]
        struct ParticipantPage<'a> {
            participant: &'a view::ParticipantCard,
            notes: Option<CitedView>,
            /// Each rendered by `partials/mention_group.html`.
            groups_html: String,
            /// For a dossier's own `participant.html` only (empty otherwise).
            groups: Vec<PassageGroup>,
            /// Each rendered by `partials/statement.html`.
            statements: Vec<String>,
            topics: Vec<Counted<tera::Value>>,
            spellings: Vec<SpellingView<'a>>,
            /// This page's number, and the pager (empty for a single page).
            number: usize,
            page_count: usize,
            pages: Vec<PageLink>,
            pager_label: String,
        }
        let notes = if first {
            citer.note(m.project.participants[p].notes.as_ref())
        } else {
            None
        };
        let spellings = if first {
            self.spellings(Some(p))
        } else {
            Vec::new()
        };
        let page = ParticipantPage {
            participant: &m.participants[p],
            notes,
            groups_html,
            groups,
            statements,
            topics,
            spellings,
            number,
            page_count: count,
            pages,
            pager_label: format!("Pages of {}", m.participants[p].name),
        };
        let card = &m.participants[p];
        let description = Some(match &card.role {
            Some(role) => format!("{}, {role}: mentions, statements and topics", card.name),
            None => format!("{}: mentions, statements and topics", card.name),
        });
        self.emit_described(
            "participant.html",
            path,
            "participants",
            citer.finish(),
            description,
            &page,
        )
    }

    /// Every statement, with each outlet's rendering side by side.
    /// Every statement, with each outlet's rendering side by side, in pages
    /// of `QUOTES_PER_PAGE` statements: `quotes/index.html`, then
    /// `quotes/2/index.html` and so on.
    pub fn quotes(&self, number: usize) -> Page {
        let m = self.model;
        #[derive(Serialize)]
        struct QuotesPage {
            /// Each rendered by `partials/statement.html`.
            statements: Vec<String>,
            quotes: usize,
            statement_count: usize,
            shared: usize,
            pages: Vec<PageLink>,
            pager_label: String,
            first: usize,
        }
        let count = self.quote_pages();
        let path = quotes_page_path(number);
        let root = root_of(&path);
        let from = (number - 1) * QUOTES_PER_PAGE;
        let all = &m.analysis.statements;
        let mut items = None;
        let statements = all[from..(from + QUOTES_PER_PAGE).min(all.len())]
            .iter()
            .map(|st| self.statement_html(st, &mut items, &path, "quotes"))
            .collect::<Result<Vec<_>, _>>()?;
        let page = QuotesPage {
            quotes: m.analysis.quotes.len(),
            statement_count: all.len(),
            shared: m.shared_statements,
            pages: page_links(count, number, |k| format!("{root}{}", quotes_page_path(k))),
            pager_label: "Pages of quotes".into(),
            first: from + 1,
            statements,
        };
        self.emit("quotes.html", path, "quotes", Vec::new(), &page)
    }

    /// How many pages the statements take (at least one).
    pub fn quote_pages(&self) -> usize {
        view::pages_for(self.model.analysis.statements.len(), QUOTES_PER_PAGE)
    }

    pub fn timeline(&self) -> Page {
        let path = "timeline/index.html";
        let mut citer = Citer::new(self.model, root_of(path));
        #[derive(Serialize)]
        struct TimelinePage {
            events: Vec<EventView>,
        }
        let events = self.events(&mut citer, true);
        self.emit(
            "timeline.html",
            path.into(),
            "timeline",
            citer.finish(),
            &TimelinePage { events },
        )
    }

    /// Where the sources differ: shared wording, spellings, single-source passages.
    pub fn compare(&self) -> Page {
        let m = self.model;
        #[derive(Serialize)]
        struct ComparePage<'a> {
            table: Option<SimilarityTable<'a>>,
            pairs: Vec<PairView>,
            spellings: Vec<SpellingView<'a>>,
            single: Vec<SourceGroup<'a>>,
            threshold: String,
        }
        let table = (m.sources.len() <= TABLE_MAX_SOURCES).then(|| {
            let mut value = vec![vec![None; m.sources.len()]; m.sources.len()];
            for pair in &m.analysis.pairs {
                value[pair.a][pair.b] = Some(pair.similarity);
                value[pair.b][pair.a] = Some(pair.similarity);
            }
            SimilarityTable {
                sources: m.sources.iter().collect(),
                rows: m
                    .sources
                    .iter()
                    .enumerate()
                    .map(|(a, source)| SimilarityRow {
                        source,
                        cells: (0..m.sources.len())
                            .map(|b| {
                                (a != b).then(|| {
                                    let v = value[a][b].unwrap_or(0.0);
                                    SimilarityCell {
                                        percent: percent(v),
                                        derivative: v >= DERIVATIVE_AT,
                                    }
                                })
                            })
                            .collect(),
                    })
                    .collect(),
            }
        });
        let single = m
            .analysis
            .sources
            .iter()
            .enumerate()
            .filter_map(|(s, text)| {
                let passages: Vec<_> = (0..text.paragraphs.len())
                    .filter(|&i| view::is_unique(m.analysis, s, i))
                    .map(|i| m.tagged_passage(s, i, &[]))
                    .collect();
                (!passages.is_empty()).then(|| SourceGroup {
                    source: m.source_ref(s),
                    count: passages.len(),
                    passages,
                })
            })
            .collect();
        let page = ComparePage {
            table,
            pairs: self.pairs(None).take(TABLE_MAX_PAIRS).collect(),
            spellings: self.spellings(None),
            single,
            threshold: percent(DERIVATIVE_AT),
        };
        self.emit(
            "compare.html",
            "compare/index.html".into(),
            "compare",
            Vec::new(),
            &page,
        )
    }

    pub fn search(&self) -> Page {
        #[derive(Serialize)]
        struct SearchPage {}
        self.emit(
            "search.html",
            "search/index.html".into(),
            "search",
            Vec::new(),
            &SearchPage {},
        )
    }

    pub fn not_found(&self) -> Page {
        #[derive(Serialize)]
        struct NotFound {}
        self.emit(
            "404.html",
            "404.html".into(),
            "none",
            Vec::new(),
            &NotFound {},
        )
    }

    /// The whole dossier on one page, to print or save as PDF: the summary,
    /// topics, timeline and participants, then the sources as an appendix
    /// that the citations point into.
    pub fn print(&self) -> Page {
        let m = self.model;
        let mut citer = Citer::in_page(m);
        #[derive(Serialize)]
        struct PrintRef {
            n: usize,
            href: String,
        }
        #[derive(Serialize)]
        struct PrintGroup {
            /// The source's card.
            source: tera::Value,
            refs: Vec<PrintRef>,
        }
        #[derive(Serialize)]
        struct PrintTopic<'a> {
            card: &'a view::TopicCard,
            summary: Option<CitedView>,
            groups: Vec<PrintGroup>,
        }
        /// The appendix shows plain text: no highlights, tags or links.
        #[derive(Serialize)]
        struct PrintPara<'a> {
            n: usize,
            heading: bool,
            text: &'a str,
        }
        #[derive(Serialize)]
        struct PrintSource<'a> {
            /// The source's card.
            card: tera::Value,
            paragraphs: Vec<PrintPara<'a>>,
            /// Only the cited paragraphs are printed (an abridged dossier).
            excerpt: bool,
        }
        #[derive(Serialize)]
        struct PrintPage<'a> {
            summary: Option<CitedView>,
            topics: Vec<PrintTopic<'a>>,
            timeline: Vec<EventView>,
            participants: &'a [view::ParticipantCard],
            /// Where the sources go: `partials/print_source.html`, once each.
            appendix: &'static str,
            /// Too many sources to print them whole: the appendix holds
            /// only what the dossier cites.
            abridged: bool,
            sources_total: usize,
            sources_printed: usize,
        }
        let abridged = m.sources.len() > PRINT_WHOLE_UP_TO;
        let summary = citer.prose_opt(m.project.summary.as_ref());
        // The topics point into the appendix rather than repeat its text;
        // an abridged appendix does not hold their passages.
        let topics = (0..m.topics.len())
            .map(|t| {
                let summary = citer.prose_opt(m.project.topics[t].summary.as_ref());
                let groups = m
                    .analysis
                    .sources
                    .iter()
                    .enumerate()
                    .filter(|_| !abridged)
                    .filter_map(|(s, text)| {
                        let id = &m.sources[s].id;
                        let refs: Vec<PrintRef> = text
                            .paragraphs
                            .iter()
                            .filter(|p| !p.heading && p.topics().contains(&t))
                            .map(|p| PrintRef {
                                n: p.n,
                                href: super::cite::print_anchor(id, p.n),
                            })
                            .collect();
                        (!refs.is_empty()).then(|| PrintGroup {
                            source: m.source_card(s),
                            refs,
                        })
                    })
                    .collect();
                PrintTopic {
                    card: &m.topics[t],
                    summary,
                    groups,
                }
            })
            .collect();
        let timeline = self.events(&mut citer, true);
        // Which paragraphs of which sources the appendix prints: all of
        // every source, or, abridged, the cited ones (`None`: all of it).
        let mut printed: BTreeMap<usize, Option<Vec<(usize, usize)>>> = BTreeMap::new();
        if abridged {
            for r in citer.cited() {
                let Some(s) = m.sources.iter().position(|c| c.id == r.source) else {
                    continue;
                };
                let entry = printed.entry(s).or_insert_with(|| Some(Vec::new()));
                match (r.from, entry.as_mut()) {
                    (0, _) => *entry = None,
                    (from, Some(ranges)) => ranges.push((from, r.to.max(from))),
                    (_, None) => {}
                }
            }
        } else {
            printed.extend((0..m.sources.len()).map(|s| (s, None)));
        }
        let page = PrintPage {
            summary,
            topics,
            timeline,
            participants: &m.participants,
            appendix: APPENDIX_MARK,
            abridged,
            sources_total: m.sources.len(),
            sources_printed: printed.len(),
        };
        let path = "print/index.html";
        let context = self.context(path, "print", citer.finish(), None, &page)?;
        // The appendix is the whole corpus: each source is rendered on its
        // own, where the page has the mark, so the corpus is never one context.
        let mut html = Vec::new();
        self.render_to("print.html", &context, path, &mut html)?;
        let html = String::from_utf8(html).expect("templates render UTF-8");
        self.sink.put(path, &mut |w| {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
            let (head, tail) = html.split_once(APPENDIX_MARK).unwrap_or((&html, ""));
            w.write_all(head.as_bytes())
                .map_err(|e| write_error(path, e))?;
            if head.len() < html.len() {
                for (&s, ranges) in &printed {
                    let shown = |n: usize| {
                        ranges
                            .as_ref()
                            .is_none_or(|r| r.iter().any(|&(a, b)| (a..=b).contains(&n)))
                    };
                    let src = PrintSource {
                        card: m.source_card(s),
                        excerpt: ranges.is_some(),
                        paragraphs: m.analysis.sources[s]
                            .paragraphs
                            .iter()
                            .filter(|p| shown(p.n))
                            .map(|p| PrintPara {
                                n: p.n,
                                heading: p.heading,
                                text: &p.text,
                            })
                            .collect(),
                    };
                    #[derive(Serialize)]
                    struct One<'a> {
                        src: PrintSource<'a>,
                    }
                    let one = Context::from_serialize(&One { src }).map_err(|e| {
                        template_error(&e, &self.renderer.origins, &self.renderer.sources)
                    })?;
                    self.render_to("partials/print_source.html", &one, path, &mut w)?;
                }
            }
            w.write_all(tail.as_bytes())
                .map_err(|e| write_error(path, e))?;
            w.flush().map_err(|e| write_error(path, e))
        })
    }

    /// The Atom feed of the sources and the sitemap: both need absolute
    /// URLs, so they are written only when `base_url` is one.
    pub fn feeds(&self, pages: &[String]) -> Page {
        let m = self.model;
        if m.site.absolute_url.is_none() {
            return Ok(());
        }
        #[derive(Serialize)]
        struct Entry<'a> {
            source: &'a SourceCard,
            updated: &'a str,
            summary: String,
        }
        #[derive(Serialize)]
        struct Feed<'a> {
            entries: Vec<Entry<'a>>,
        }
        let entries = m
            .sources
            .iter()
            .zip(&m.analysis.sources)
            .map(|(card, text)| Entry {
                source: card,
                updated: card.published_iso.as_deref().unwrap_or(&m.site.updated),
                summary: text
                    .paragraphs
                    .iter()
                    .find(|p| !p.heading)
                    .map_or_else(String::new, |p| p.text.clone()),
            })
            .collect();
        #[derive(Serialize)]
        struct Sitemap<'a> {
            pages: Vec<&'a str>,
        }
        let mut pages: Vec<&str> = pages
            .iter()
            .filter(|p| p.ends_with(".html") && p.as_str() != "404.html")
            .map(|p| p.trim_end_matches("index.html"))
            .collect();
        pages.sort_unstable();
        self.emit(
            "atom.xml",
            "atom.xml".into(),
            "none",
            Vec::new(),
            &Feed { entries },
        )?;
        self.emit(
            "sitemap.xml",
            "sitemap.xml".into(),
            "none",
            Vec::new(),
            &Sitemap { pages },
        )
    }

    fn statement(&self, st: &crate::analyze::statements::Statement) -> StatementView<'_> {
        let m = self.model;
        let quotes = &m.analysis.quotes;
        let first = &quotes[st.quotes[0]];
        StatementView {
            speaker: st.speaker.map(|p| m.participant_link(p)),
            descriptor: st
                .quotes
                .iter()
                .find_map(|&q| quotes[q].descriptor.as_deref())
                .filter(|_| st.speaker.is_none()),
            shared: st.quotes.iter().any(|&q| quotes[q].source != first.source),
            variants: st.quotes.iter().map(|&q| m.quote(&quotes[q])).collect(),
        }
    }

    fn events(&self, citer: &mut Citer, with_descriptions: bool) -> Vec<EventView> {
        let m = self.model;
        m.project
            .timeline
            .iter()
            .enumerate()
            .map(|(k, e)| EventView {
                anchor: format!("event-{}", k + 1),
                date: view::long_date(e.date),
                date_iso: e.date.to_string(),
                until: e.until.map(view::long_date),
                until_iso: e.until.map(|d| d.to_string()),
                title: e.title.clone(),
                description: if with_descriptions {
                    citer.prose_opt(e.description.as_ref())
                } else {
                    None
                },
                participants: e
                    .participants
                    .iter()
                    .map(|&p| m.participant_link(p))
                    .collect(),
                topics: e.topics.iter().map(|&t| m.topic_link(t)).collect(),
            })
            .collect()
    }

    /// Pairs of sources sharing wording, most similar first: all of them, or
    /// the few closest to source `only`.
    fn pairs(&self, only: Option<usize>) -> Box<dyn Iterator<Item = PairView> + '_> {
        let m = self.model;
        let view = move |p: &crate::analyze::compare::Pair| {
            // On a source's page, the other source comes second.
            let (a, b) = match only {
                Some(s) if p.b == s => (p.b, p.a),
                _ => (p.a, p.b),
            };
            PairView {
                a: m.source_card(a),
                b: m.source_card(b),
                percent: percent(p.similarity),
                shared: p.shared,
                derivative: p.similarity >= DERIVATIVE_AT,
            }
        };
        match only {
            Some(s) => Box::new(
                m.similar[s]
                    .iter()
                    .map(move |&k| view(&m.analysis.pairs[k])),
            ),
            None => Box::new(m.analysis.pairs.iter().map(view)),
        }
    }

    /// The spellings that differ across sources: all of them, or those of
    /// participant `of` (chosen before any is converted: a participant's
    /// page shows only their own).
    fn spellings(&self, of: Option<usize>) -> Vec<SpellingView<'_>> {
        let m = self.model;
        m.analysis
            .spellings
            .iter()
            .filter(|sp| of.is_none() || sp.participant == of)
            .map(|sp| SpellingView {
                participant: sp.participant.map(|p| Link {
                    label: m.participants[p].name.clone(),
                    href: m.participants[p].href.clone(),
                }),
                note: sp.note.as_deref(),
                forms: sp
                    .forms
                    .iter()
                    .filter(|(_, by)| !by.is_empty())
                    .map(|(form, by)| FormView {
                        form,
                        sources: by
                            .iter()
                            .map(|&(s, count)| Counted {
                                item: m.sources[s].brief(),
                                count,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Figure `k` as a row of a topic's table of figures:
    /// `partials/figure_row.html`.
    fn figure_row(
        &self,
        out: &mut String,
        items: &mut Option<Context>,
        path: &str,
        k: usize,
    ) -> Page {
        let m = self.model;
        let f = &m.analysis.figures[k];
        let para = &m.analysis.sources[f.source].paragraphs[f.paragraph];
        let context = view::context_around(&para.text, f.start, f.end);
        if self.renderer.builtin.figure_row {
            hooks::figure_row(out, m, f, &context, root_of(path));
            return Ok(());
        }
        let figure = FigureView {
            figure: &para.text[f.start..f.end],
            unit: &f.unit,
            context,
            source: m.source_ref(f.source),
            n: para.n,
            href: format!("{}#{}", m.sources[f.source].href, para.anchor()),
        };
        self.item_through_tera(
            out,
            items,
            path,
            "topics",
            hooks::FIGURE_ROW,
            "figure",
            &figure,
        )
    }
}

/// One source's group on a topic page (`topic`) or a participant's page,
/// its passages already written: into the page's groups (`direct`), or
/// into `passages`.
struct Group {
    s: usize,
    count: usize,
    passages: String,
    direct: bool,
    topic: bool,
}

fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

#[cfg(test)]
mod tests {
    use super::pager;

    #[test]
    fn the_pager_shows_the_ends_and_the_pages_near_the_current_one() {
        assert!(pager(1, 1).is_empty());
        assert_eq!(pager(3, 2), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            pager(100, 50),
            vec![
                Some(1),
                None,
                Some(48),
                Some(49),
                Some(50),
                Some(51),
                Some(52),
                None,
                Some(100)
            ]
        );
        assert_eq!(
            pager(100, 1),
            vec![Some(1), Some(2), Some(3), None, Some(100)]
        );
    }
}
