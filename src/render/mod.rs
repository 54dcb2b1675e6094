//! Stage 3: the analysis into pages, through Tera templates.
//!
//! Each page gets a context holding only what it shows (never the whole
//! corpus), built from the shared view model.

pub mod json;
pub mod markdown;
pub mod templates;
pub mod view;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, ErrorKind, Tera};

use crate::analyze::Analysis;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Project;
use templates::{Layers, Origin};
use view::{Counted, Model, SourceGroup, marks};

/// One file of the finished site, by its path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The templates every dossier has; a theme or dossier may add partials.
const PAGE_TEMPLATES: &[&str] = &[
    "index.html",
    "topics.html",
    "topic.html",
    "sources.html",
    "source.html",
    "participants.html",
    "participant.html",
];

pub struct Renderer {
    tera: Tera,
    origins: BTreeMap<String, Origin>,
    sources: BTreeMap<String, String>,
    assets: Vec<(OutputFile, Origin)>,
}

impl Renderer {
    pub fn new(layers: Layers) -> Result<Renderer, Diagnostics> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let mut origins = BTreeMap::new();
        let mut sources = BTreeMap::new();
        for (name, t) in &layers.templates {
            origins.insert(name.clone(), t.origin.clone());
            sources.insert(name.clone(), t.text.clone());
        }
        let renderer_sources = sources.clone();
        tera.add_raw_templates(renderer_sources.iter())
            .map_err(|e| Diagnostics::from(template_error(&e, &origins, &sources)))?;
        let mut missing = Diagnostics::default();
        for name in PAGE_TEMPLATES {
            if !tera.contains_template(name) {
                missing.push(Diagnostic::new(
                    format!("templates/{name}"),
                    format!("the template `{name}` is missing"),
                ));
            }
        }
        if !missing.is_empty() {
            return Err(missing);
        }
        let assets = layers
            .assets
            .into_iter()
            .map(|(path, a)| {
                let file = OutputFile {
                    path,
                    bytes: a.bytes,
                };
                (file, a.origin)
            })
            .collect();
        Ok(Renderer {
            tera,
            origins,
            sources,
            assets,
        })
    }

    pub fn render(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let model = Model::new(project, analysis, base_url);
        let pages = Pages {
            renderer: self,
            model: &model,
        };
        // Pages are independent: render them in parallel; `collect` keeps
        // the order, and the list is sorted by path below anyway.
        let mut results = vec![pages.index()];
        results.extend(pages.lists());
        results.extend(
            (0..model.topics.len())
                .into_par_iter()
                .map(|t| pages.topic(t))
                .collect::<Vec<_>>(),
        );
        results.extend(
            (0..model.sources.len())
                .into_par_iter()
                .map(|s| pages.source(s))
                .collect::<Vec<_>>(),
        );
        results.extend(
            (0..model.participants.len())
                .into_par_iter()
                .map(|p| pages.participant(p))
                .collect::<Vec<_>>(),
        );
        let mut out = Vec::with_capacity(results.len() + self.assets.len() + 1);
        let mut problems = Diagnostics::default();
        for r in results {
            match r {
                Ok(file) => out.push(file),
                Err(d) => problems.push(d),
            }
        }
        if !problems.is_empty() {
            return Err(problems.sorted());
        }
        out.push(OutputFile {
            path: "dossier.json".into(),
            bytes: json::export(project, analysis),
        });
        // A theme file must not silently replace a page the build made.
        let clashes: Diagnostics = Diagnostics(
            self.assets
                .iter()
                .filter(|(asset, _)| out.iter().any(|page| page.path == asset.path))
                .map(|(asset, origin)| {
                    Diagnostic::new(
                        origin.display(),
                        format!(
                            "this theme file would replace the generated `{}`",
                            asset.path
                        ),
                    )
                    .with_hint(
                        "rename or move the file: pages and dossier.json are made by the build",
                    )
                })
                .collect(),
        );
        if !clashes.is_empty() {
            return Err(clashes);
        }
        out.extend(self.assets.iter().map(|(file, _)| file.clone()));
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

struct Pages<'r, 'm> {
    renderer: &'r Renderer,
    model: &'m Model<'m>,
}

type Page = Result<OutputFile, Diagnostic>;

#[derive(Serialize)]
struct Common<'a> {
    site: &'a view::SiteView,
    /// From this page back to the site root: "", "../" or "../../".
    root: &'static str,
    /// Which part of the navigation is current.
    section: &'static str,
    /// This page's path, for canonical URLs.
    path: String,
}

impl<'m> Pages<'_, 'm> {
    fn emit<T: Serialize>(
        &self,
        template: &str,
        path: String,
        section: &'static str,
        page: &T,
    ) -> Page {
        let depth = path.matches('/').count();
        let root = ["", "../", "../../", "../../../"][depth.min(3)];
        let canonical_path = path.trim_end_matches("index.html").to_string();
        let common = Common {
            site: &self.model.site,
            root,
            section,
            path: canonical_path,
        };
        Context::from_serialize(&common)
            .and_then(|mut ctx| {
                ctx.extend(Context::from_serialize(page)?);
                Ok(ctx)
            })
            .and_then(|ctx| self.renderer.tera.render(template, &ctx))
            .map(|html| OutputFile {
                path,
                bytes: html.into_bytes(),
            })
            .map_err(|e| template_error(&e, &self.renderer.origins, &self.renderer.sources))
    }

    fn index(&self) -> Page {
        let m = self.model;
        let mut participants: Vec<&view::ParticipantCard> = m.participants.iter().collect();
        participants.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));
        #[derive(Serialize)]
        struct Index<'a> {
            summary_html: Option<String>,
            topics: &'a [view::TopicCard],
            sources: &'a [view::SourceCard],
            participants: Vec<&'a view::ParticipantCard>,
            coverage: view::CoverageView<'a>,
            quotes: usize,
            paragraphs: usize,
        }
        let page = Index {
            summary_html: m
                .project
                .config
                .summary
                .as_deref()
                .map(|s| markdown::render(s, m.project.config.allow_raw_html)),
            topics: &m.topics,
            sources: &m.sources,
            participants,
            coverage: m.coverage(),
            quotes: m.analysis.quotes.len(),
            paragraphs: m.sources.iter().map(|s| s.paragraphs).sum(),
        };
        self.emit("index.html", "index.html".into(), "home", &page)
    }

    fn lists(&self) -> Vec<Page> {
        let m = self.model;
        #[derive(Serialize)]
        struct List<'a, T: Serialize> {
            items: &'a [T],
        }
        vec![
            self.emit(
                "topics.html",
                "topics/index.html".into(),
                "topics",
                &List { items: &m.topics },
            ),
            self.emit(
                "sources.html",
                "sources/index.html".into(),
                "sources",
                &List { items: &m.sources },
            ),
            self.emit(
                "participants.html",
                "participants/index.html".into(),
                "participants",
                &List {
                    items: &m.participants,
                },
            ),
        ]
    }

    fn topic(&self, t: usize) -> Page {
        let m = self.model;
        let mut groups = Vec::new();
        let mut silent = Vec::new();
        let mut people: BTreeMap<usize, usize> = BTreeMap::new();
        for (s, text) in m.analysis.sources.iter().enumerate() {
            let passages: Vec<_> = text
                .paragraphs
                .iter()
                .filter(|p| !p.heading && p.topics().contains(&t))
                .map(|p| {
                    for who in p.participants() {
                        *people.entry(who).or_default() += 1;
                    }
                    m.passage(s, p, &marks(&p.topic_hits, |o| o == t, "kw"))
                })
                .collect();
            if passages.is_empty() {
                silent.push(&m.sources[s]);
            } else {
                groups.push(SourceGroup {
                    source: &m.sources[s],
                    count: passages.len(),
                    passages,
                });
            }
        }
        let quotes: Vec<_> = m
            .analysis
            .quotes
            .iter()
            .filter(|q| {
                let p = &m.analysis.sources[q.source].paragraphs[q.paragraph];
                p.topics().contains(&t)
            })
            .map(|q| m.quote(q))
            .collect();
        let mut people: Vec<_> = people
            .into_iter()
            .map(|(p, count)| Counted {
                item: &m.participants[p],
                count,
            })
            .collect();
        people.sort_by(|a, b| b.count.cmp(&a.count).then(a.item.name.cmp(&b.item.name)));
        #[derive(Serialize)]
        struct TopicPage<'a> {
            topic: &'a view::TopicCard,
            groups: Vec<SourceGroup<'a>>,
            silent: Vec<&'a view::SourceCard>,
            quotes: Vec<view::QuoteView<'a>>,
            participants: Vec<Counted<'a, view::ParticipantCard>>,
        }
        let topic = &m.topics[t];
        let page = TopicPage {
            topic,
            groups,
            silent,
            quotes,
            participants: people,
        };
        self.emit("topic.html", view::topic_href(&topic.slug), "topics", &page)
    }

    fn source(&self, s: usize) -> Page {
        let m = self.model;
        let text = &m.analysis.sources[s];
        let quote_marks = |i: usize| -> Vec<(usize, usize, &'static str)> {
            m.analysis
                .quotes
                .iter()
                .filter(|q| q.source == s && q.paragraph == i)
                .map(|q| (q.start, q.end, "quote"))
                .collect()
        };
        let paragraphs: Vec<_> = text
            .paragraphs
            .iter()
            .enumerate()
            .map(|(i, p)| m.passage(s, p, &quote_marks(i)))
            .collect();
        let quotes: Vec<_> = m
            .analysis
            .quotes
            .iter()
            .filter(|q| q.source == s)
            .map(|q| m.quote(q))
            .collect();
        let topics: Vec<_> = m
            .topics
            .iter()
            .enumerate()
            .filter_map(|(t, card)| {
                let count = m.analysis.coverage[t][s];
                (count > 0).then_some(Counted { item: card, count })
            })
            .collect();
        let mut people: Vec<_> = m
            .participants
            .iter()
            .enumerate()
            .filter_map(|(p, card)| {
                let count = m.analysis.mentions[p][s];
                (count > 0).then_some(Counted { item: card, count })
            })
            .collect();
        people.sort_by(|a, b| b.count.cmp(&a.count).then(a.item.name.cmp(&b.item.name)));
        #[derive(Serialize)]
        struct SourcePage<'a> {
            source: &'a view::SourceCard,
            paragraphs: Vec<view::Passage<'a>>,
            quotes: Vec<view::QuoteView<'a>>,
            topics: Vec<Counted<'a, view::TopicCard>>,
            participants: Vec<Counted<'a, view::ParticipantCard>>,
        }
        let source = &m.sources[s];
        let page = SourcePage {
            source,
            paragraphs,
            quotes,
            topics,
            participants: people,
        };
        self.emit(
            "source.html",
            view::source_href(&source.id),
            "sources",
            &page,
        )
    }

    fn participant(&self, p: usize) -> Page {
        let m = self.model;
        let mut groups = Vec::new();
        let mut topics: BTreeMap<usize, usize> = BTreeMap::new();
        for (s, text) in m.analysis.sources.iter().enumerate() {
            let passages: Vec<_> = text
                .paragraphs
                .iter()
                .filter(|para| para.participants().contains(&p))
                .map(|para| {
                    if !para.heading {
                        for t in para.topics() {
                            *topics.entry(t).or_default() += 1;
                        }
                    }
                    m.passage(s, para, &marks(&para.participant_hits, |o| o == p, "who"))
                })
                .collect();
            if !passages.is_empty() {
                groups.push(SourceGroup {
                    source: &m.sources[s],
                    count: m.analysis.mentions[p][s],
                    passages,
                });
            }
        }
        let quotes: Vec<_> = m
            .analysis
            .quotes
            .iter()
            .filter(|q| q.speaker == Some(p))
            .map(|q| m.quote(q))
            .collect();
        let topics: Vec<_> = topics
            .into_iter()
            .map(|(t, count)| Counted {
                item: &m.topics[t],
                count,
            })
            .collect();
        #[derive(Serialize)]
        struct ParticipantPage<'a> {
            participant: &'a view::ParticipantCard,
            groups: Vec<SourceGroup<'a>>,
            quotes: Vec<view::QuoteView<'a>>,
            topics: Vec<Counted<'a, view::TopicCard>>,
        }
        let participant = &m.participants[p];
        let page = ParticipantPage {
            participant,
            groups,
            quotes,
            topics,
        };
        self.emit(
            "participant.html",
            view::participant_href(&participant.id),
            "participants",
            &page,
        )
    }
}

/// A Tera error as a diagnostic pointing into the template file.
fn template_error(
    e: &tera::Error,
    origins: &BTreeMap<String, Origin>,
    sources: &BTreeMap<String, String>,
) -> Diagnostic {
    let path_of = |name: &str| {
        origins
            .get(name)
            .map_or_else(|| format!("templates/{name}").into(), Origin::display)
    };
    let located = |name: &str, message: &str, line: usize, column: usize| {
        let mut d = Diagnostic::new(path_of(name), format!("template error: {message}"));
        if let Some(src) = sources.get(name) {
            d = d.at(src, line, column);
        }
        d.with_hint(template_hint(message))
    };
    match e.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            located(
                report.filename(),
                report.message(),
                span.start_line,
                span.start_col + 1,
            )
        }
        ErrorKind::MissingParent { current, parent } => Diagnostic::new(
            path_of(current),
            format!("template `{current}` extends `{parent}`, which does not exist"),
        )
        .with_hint("check the name in `{% extends %}`"),
        ErrorKind::TemplateNotFound(name) => Diagnostic::new(
            format!("templates/{name}"),
            format!("the template `{name}` does not exist"),
        )
        .with_hint("check the name in `{% include %}` or `{% extends %}`"),
        _ => {
            // Some errors (unknown filters, tests, functions) come as a
            // ready-made report: take its message and `--> name:line:col` back out.
            let text = e.to_string();
            let message = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ")
                .to_string();
            let place = text.lines().find_map(|l| {
                let at = l.trim().strip_prefix("--> ")?;
                let mut parts = at.rsplitn(3, ':');
                let column = parts.next()?.parse::<usize>().ok()?;
                let line = parts.next()?.parse::<usize>().ok()?;
                Some((parts.next()?.to_string(), line, column))
            });
            match place {
                Some((name, line, column)) => located(&name, &message, line, column),
                None => Diagnostic::new("templates", format!("template error: {message}"))
                    .with_hint(template_hint(&message)),
            }
        }
    }
}

fn template_hint(message: &str) -> &'static str {
    if message.contains("is not defined") || message.contains("not found in context") {
        "check the variable's name against the page's context, listed in README.md (Templates and themes)"
    } else if message.contains("Unknown filter")
        || message.contains("Unknown function")
        || message.contains("Unknown test")
    {
        "check the name against Tera's built-in filters, tests and functions: https://keats.github.io/tera/"
    } else {
        "fix the template at this place; Tera's syntax: https://keats.github.io/tera/"
    }
}
