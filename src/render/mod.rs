//! Stage 3: the analysis into pages, through Tera templates.
//!
//! Each page gets a context holding only what it shows (never the whole
//! corpus), built from the shared view model.

pub mod cite;
mod hooks;
pub mod json;
pub mod markdown;
mod pages;
pub use hooks::PARTIALS as BUILT_IN_PARTIALS;
pub use pages::PRINT_WHOLE_UP_TO;
mod search;
pub mod templates;
mod text_edit;
pub mod view;
pub use text_edit::Shown;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;

use rayon::prelude::*;
use tera::{ErrorKind, Tera};

use crate::analyze::Analysis;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Project;
use templates::{Layers, Origin};
use view::Model;

/// What an edit to one topic changed, for [`Renderer::render_topic_edit`].
#[derive(Debug)]
pub struct TopicEdit {
    pub t: usize,
    /// The paragraphs (source, index), in order, whose tags or counts by
    /// topic changed: those that joined or left the topic, and all of its
    /// paragraphs when its title changed.
    pub changed: Vec<(usize, usize)>,
    /// How many pages the topic had before, and has now.
    pub old_pages: usize,
    pub new_pages: usize,
    pub summary: bool,
    pub title: bool,
}

impl TopicEdit {
    /// The files of the topic's pages past its new last one, gone from a
    /// whole build too; `slug` is the topic's.
    pub fn pages_gone(&self, slug: &str) -> Vec<String> {
        (self.new_pages + 1..=self.old_pages)
            .map(|k| view::topic_page_href(slug, k))
            .collect()
    }
}

/// One file of the finished site, by its path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The templates every dossier has; a theme or dossier may add partials.
const PAGE_TEMPLATES: &[&str] = &[
    "index.html",
    "search.html",
    "print.html",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "quotes.html",
    "timeline.html",
    "compare.html",
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
    /// The partials whose built-in renderers are used.
    builtin: hooks::Builtin,
}

/// Tera's `safe`, without copying the string: the pages print their long
/// lists, already rendered, through it, and Tera's own makes a new string
/// of each. Anything else is printed as Tera's would print it.
fn safe(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    if value.as_str().is_some() {
        value.mark_safe()
    } else {
        tera::Value::safe_string(&value.to_string())
    }
}

impl Renderer {
    pub fn new(layers: Layers) -> Result<Renderer, Diagnostics> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.register_filter("safe", safe);
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
        let builtin = hooks::Builtin::new(|name| origins.get(name).cloned());
        Ok(Renderer {
            tera,
            origins,
            sources,
            assets,
            builtin,
        })
    }

    /// The theme files of `new` whose bytes differ from this renderer's,
    /// when both have the same templates, from the same places (so they make
    /// the same pages: no page reads a theme file), and the same theme files
    /// by path; `None` when every page must be rendered again.
    pub fn changed_assets(&self, new: &Renderer) -> Option<Vec<OutputFile>> {
        let same_paths = self.assets.len() == new.assets.len()
            && self
                .assets
                .iter()
                .zip(&new.assets)
                .all(|((a, _), (b, _))| a.path == b.path);
        if self.sources != new.sources || self.origins != new.origins || !same_paths {
            return None;
        }
        let changed = new
            .assets
            .iter()
            .zip(&self.assets)
            .filter(|((n, _), (o, _))| n.bytes != o.bytes)
            .map(|((n, _), _)| n.clone())
            .collect();
        Some(changed)
    }

    /// The whole site in memory, sorted by path (for `check` and `serve`).
    pub fn render(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        progress: &dyn crate::Progress,
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let memory = Memory::default();
        self.render_into(project, analysis, base_url, progress, &memory)?;
        let mut files = memory.files.into_inner().expect("no thread panicked");
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Source `s`'s page alone, for `serve` to show first after an edit to
    /// its text (the whole site follows, as [`Renderer::render`] makes it).
    pub fn render_source(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        s: usize,
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let model = Model::new(project, analysis, base_url);
        let memory = Memory::default();
        self.run(
            project,
            analysis,
            &model,
            vec![Job::Source(s)],
            &memory,
            &crate::Silent,
        )?;
        Ok(memory.files.into_inner().expect("no thread panicked"))
    }

    /// The files that show topic `t`'s summary, for `serve` after an edit
    /// that changed only that summary: first its pages, the front page and
    /// the topic list, handed to `first` as soon as they are made; then the
    /// files that hold the whole corpus (the print page, the export and the
    /// search index), returned.
    pub fn render_topic_summary(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        t: usize,
        first: &mut dyn FnMut(Vec<OutputFile>),
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let model = Model::new(project, analysis, base_url);
        let mut pages: Vec<Job> = (1..=model.topic_pages(t))
            .map(|k| Job::Topic(t, k))
            .collect();
        pages.extend([Job::Index, Job::List(0)]);
        let corpus = vec![Job::Print, Job::Export, Job::SearchIndex];
        let memory = self.in_two_phases(&model, pages, corpus, first)?;
        Ok(memory.files.into_inner().expect("no thread panicked"))
    }

    /// The files that show source `s`'s metadata (title, outlet, author,
    /// address, notes), for `serve` after an edit that left its paragraphs
    /// and date alone: first its page and every page that names it, handed
    /// to `first` as soon as they are made; then the files that hold the
    /// whole corpus (the list of sources, the differences page, the print
    /// page, the export, the search index and, with an absolute `base_url`,
    /// the feeds over `pages()`, the site's files), returned.
    #[allow(clippy::too_many_arguments)]
    pub fn render_source_meta(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        s: usize,
        pages: &dyn Fn() -> Vec<String>,
        first: &mut dyn FnMut(Vec<OutputFile>),
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let model = Model::new(project, analysis, base_url);
        let corpus = vec![
            Job::List(1),
            Job::Compare,
            Job::Print,
            Job::Export,
            Job::SearchIndex,
        ];
        let memory = self.in_two_phases(&model, naming(&model, s), corpus, first)?;
        self.feeds(&model, pages, &memory)?;
        Ok(memory.files.into_inner().expect("no thread panicked"))
    }

    /// The files an edit to one source's text changed, for `serve` once the
    /// analysis is what a whole build makes of the edited dossier: first
    /// every page that shows otherwise than `before` says it did (other
    /// sources' pages too, for shared wording and passages no other source
    /// carries; the quotes pages after a statement that came or went),
    /// handed to `first` with the paths of the pages gone; then the files
    /// that hold the whole corpus (the differences page among them) and the
    /// feeds over `pages()` (the site's files, once `first` has served its
    /// own), returned.
    pub fn render_text_edit(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        before: &Shown,
        pages: &dyn Fn() -> Vec<String>,
        first: &mut dyn FnMut(Vec<OutputFile>, &[String]),
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let model = Model::new(project, analysis, base_url);
        let changed = text_edit::changed(&model, before);
        let corpus = [Job::Compare, Job::Print, Job::Export, Job::SearchIndex];
        let (rest, own) = changed.jobs.into_iter().partition(|j| corpus.contains(j));
        let memory =
            self.in_two_phases(&model, own, rest, &mut |files| first(files, &changed.gone))?;
        // The feed shows each source's first paragraph; the sitemap, the
        // pages that came or went.
        self.feeds(&model, pages, &memory)?;
        Ok(memory.files.into_inner().expect("no thread panicked"))
    }

    /// The files that show what an edit to topic `edit.t` changed, for
    /// `serve` after an edit to its keywords, title or summary that left
    /// its order alone (once [`crate::analyze::rematch_topic`] has found new
    /// keywords again): first the topic's pages, the front page and the
    /// topic list, handed to `first`; then every other page tagging or
    /// counting `edit.changed` by topic, and the files that hold the whole
    /// corpus, returned (with the feeds over `pages()` when the topic's
    /// number of pages changed).
    pub fn render_topic_edit(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        edit: &TopicEdit,
        pages: &dyn Fn() -> Vec<String>,
        first: &mut dyn FnMut(Vec<OutputFile>),
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let t = edit.t;
        let model = Model::new(project, analysis, base_url);
        let mut own: Vec<Job> = (1..=model.topic_pages(t))
            .map(|k| Job::Topic(t, k))
            .collect();
        own.extend([Job::Index, Job::List(0)]);
        let mut rest = tagging(&model, t, &edit.changed);
        rest.extend([Job::Compare, Job::Print, Job::Export]);
        if edit.summary || edit.title {
            rest.insert(Job::SearchIndex);
        }
        if edit.title {
            // Its events are tagged with the topic.
            rest.insert(Job::Timeline);
        }
        let rest: Vec<Job> = rest.into_iter().collect();
        let memory = self.in_two_phases(&model, own, rest, first)?;
        if edit.new_pages != edit.old_pages {
            self.feeds(&model, pages, &memory)?;
        }
        Ok(memory.files.into_inner().expect("no thread panicked"))
    }

    /// The files that show participants `changed`'s role, affiliation or
    /// notes, for `serve` after an edit to `participants.yaml` that left
    /// everyone's id, name and aliases (what the analysis found) alone:
    /// first their pages, the participant list and the front page, handed
    /// to `first`; then the print page, the export and the search index,
    /// returned.
    pub fn render_participant_meta(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        changed: &[usize],
        first: &mut dyn FnMut(Vec<OutputFile>),
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let model = Model::new(project, analysis, base_url);
        let mut pages: Vec<Job> = changed
            .iter()
            .flat_map(|&p| (1..=model.participant_pages(p)).map(move |k| Job::Participant(p, k)))
            .collect();
        pages.extend([Job::Index, Job::List(2)]);
        let corpus = vec![Job::Print, Job::Export, Job::SearchIndex];
        let memory = self.in_two_phases(&model, pages, corpus, first)?;
        Ok(memory.files.into_inner().expect("no thread panicked"))
    }

    /// The files that show the executive summary, for `serve` after an edit
    /// to it alone: first the front page, handed to `first`; then the print
    /// page and the export, returned.
    pub fn render_summary(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        first: &mut dyn FnMut(Vec<OutputFile>),
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let model = Model::new(project, analysis, base_url);
        let corpus = vec![Job::Print, Job::Export];
        let memory = self.in_two_phases(&model, vec![Job::Index], corpus, first)?;
        Ok(memory.files.into_inner().expect("no thread panicked"))
    }

    /// The files that show the timeline, for `serve` after an edit to
    /// `timeline.yaml`: first the timeline, the front page's strip and the
    /// first page of each of `topics` (those the old or new events are
    /// on), handed to `first`; then the print page and the export, returned.
    pub fn render_timeline(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        topics: &[usize],
        first: &mut dyn FnMut(Vec<OutputFile>),
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let model = Model::new(project, analysis, base_url);
        let mut pages = vec![Job::Timeline, Job::Index];
        pages.extend(topics.iter().map(|&t| Job::Topic(t, 1)));
        let corpus = vec![Job::Print, Job::Export];
        let memory = self.in_two_phases(&model, pages, corpus, first)?;
        Ok(memory.files.into_inner().expect("no thread panicked"))
    }

    /// Renders `own` and hands the files to `first` (for `serve` to show at
    /// once), then renders `rest` into the memory returned.
    fn in_two_phases(
        &self,
        model: &Model,
        own: Vec<Job>,
        rest: Vec<Job>,
        first: &mut dyn FnMut(Vec<OutputFile>),
    ) -> Result<Memory, Diagnostics> {
        let (project, analysis) = (model.project, model.analysis);
        let memory = Memory::default();
        self.run(project, analysis, model, own, &memory, &crate::Silent)?;
        first(std::mem::take(
            &mut *memory.files.lock().expect("no thread panicked"),
        ));
        self.run(project, analysis, model, rest, &memory, &crate::Silent)?;
        Ok(memory)
    }

    /// The feeds (with an absolute `base_url`) over `pages()`, the site's files.
    fn feeds(
        &self,
        model: &Model,
        pages: &dyn Fn() -> Vec<String>,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostics> {
        let feeds = pages::Pages {
            renderer: self,
            model,
            sink,
        };
        // As in a whole build, the sitemap lists what the build made, not
        // the theme's files.
        let made: Vec<String> = pages()
            .into_iter()
            .filter(|p| !self.assets.iter().any(|(asset, _)| &asset.path == p))
            .collect();
        feeds.feeds(&made)?;
        Ok(())
    }

    /// Renders every file of the site into `sink`, from several threads, each
    /// file written as it is rendered, so a large site is never all in memory.
    /// Returns the paths made, sorted.
    pub fn render_into(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        progress: &dyn crate::Progress,
        sink: &dyn Sink,
    ) -> Result<Vec<String>, Diagnostics> {
        let model = Model::new(project, analysis, base_url);
        let made = Mutex::new(Vec::new());
        let recorder = Recorder { sink, made: &made };
        let pages = pages::Pages {
            renderer: self,
            model: &model,
            sink: &recorder,
        };
        let jobs = jobs(&model, pages.quote_pages());
        progress.total(jobs.len() as u64);
        self.run(project, analysis, &model, jobs, &recorder, progress)?;
        // The sitemap lists every page, so it comes last.
        let pages_made = made.lock().expect("no thread panicked").clone();
        pages.feeds(&pages_made)?;
        let mut made = made.into_inner().expect("no thread panicked");
        // A theme file must not silently replace a page the build made.
        let clashes = Diagnostics(
            self.assets
                .iter()
                .filter(|(asset, _)| made.contains(&asset.path))
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
        let mut problems = Diagnostics::default();
        for (file, _) in &self.assets {
            let put = sink.put(&file.path, &mut |w| {
                w.write_all(&file.bytes)
                    .map_err(|e| write_error(&file.path, e))
            });
            if let Err(d) = put {
                problems.push(d);
            }
            made.push(file.path.clone());
        }
        problems.into_result(())?;
        made.sort();
        Ok(made)
    }
}

impl Renderer {
    /// Renders `jobs` into `sink`, in parallel.
    fn run(
        &self,
        project: &Project,
        analysis: &Analysis,
        model: &Model,
        jobs: Vec<Job>,
        sink: &dyn Sink,
        progress: &dyn crate::Progress,
    ) -> Result<(), Diagnostics> {
        let pages = pages::Pages {
            renderer: self,
            model,
            sink,
        };
        let problems = Mutex::new(Diagnostics::default());
        // Pages are independent, so they are rendered in parallel; the large
        // one-off files come first so that no thread is left with them at the end.
        // One job per task: the long ones must not end up queued behind each other.
        jobs.into_par_iter().with_max_len(1).for_each(|job| {
            let done = match job {
                Job::Export => sink.put("dossier.json", &mut |w| {
                    json::export(project, analysis, w).map_err(|e| write_error("dossier.json", e))
                }),
                Job::SearchIndex => sink.put("search-index.js", &mut |w| {
                    search::index_script(model, w).map_err(|e| write_error("search-index.js", e))
                }),
                Job::Robots => sink.put("robots.txt", &mut |w| {
                    w.write_all(robots(model).as_bytes())
                        .map_err(|e| write_error("robots.txt", e))
                }),
                Job::Print => pages.print(),
                Job::Compare => pages.compare(),
                Job::Index => pages.index(),
                Job::Search => pages.search(),
                Job::NotFound => pages.not_found(),
                Job::Timeline => pages.timeline(),
                Job::List(k) => pages.list(k),
                Job::Quotes(k) => pages.quotes(k),
                Job::Topic(t, k) => pages.topic(t, k),
                Job::Participant(p, k) => pages.participant(p, k),
                Job::Source(s) => pages.source(s),
            };
            progress.advance();
            if let Err(d) = done {
                problems
                    .lock()
                    .expect("no thread panics while holding it")
                    .push(d);
            }
        });
        let problems = problems.into_inner().expect("no thread panicked");
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.sorted())
        }
    }
}

/// Where rendered files go: memory (`serve`, `check`) or the staging folder
/// (`build`). Called from several threads at once.
pub trait Sink: Sync {
    /// Makes the file at `path` (relative to the output folder), its bytes
    /// written by `fill`.
    fn put(
        &self,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic>;
}

/// Keeps every file in memory.
#[derive(Default)]
pub struct Memory {
    pub files: Mutex<Vec<OutputFile>>,
}

impl Sink for Memory {
    fn put(
        &self,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        self.files
            .lock()
            .expect("no thread panics while holding it")
            .push(OutputFile {
                path: path.to_string(),
                bytes,
            });
        Ok(())
    }
}

/// Passes files on to a sink and notes the paths made, for the sitemap and
/// the report.
struct Recorder<'a> {
    sink: &'a dyn Sink,
    made: &'a Mutex<Vec<String>>,
}

impl Sink for Recorder<'_> {
    fn put(
        &self,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        self.sink.put(path, fill)?;
        self.made
            .lock()
            .expect("no thread panics while holding it")
            .push(path.to_string());
        Ok(())
    }
}

/// One unit of rendering work.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Job {
    Export,
    SearchIndex,
    Robots,
    Print,
    Compare,
    Index,
    Search,
    NotFound,
    Timeline,
    /// The lists of topics, sources and participants.
    List(usize),
    Quotes(usize),
    /// A topic and the number of one of its pages.
    Topic(usize, usize),
    /// A participant and the number of one of their pages.
    Participant(usize, usize),
    Source(usize),
}

/// Every job of a site, the longest first.
fn jobs(model: &Model, quote_pages: usize) -> Vec<Job> {
    let mut jobs = vec![Job::Print, Job::Export];
    jobs.extend(
        (0..model.topics.len())
            .flat_map(|t| (1..=model.topic_pages(t)).map(move |k| Job::Topic(t, k))),
    );
    jobs.extend([Job::SearchIndex, Job::Compare]);
    jobs.extend(
        (0..model.participants.len())
            .flat_map(|p| (1..=model.participant_pages(p)).map(move |k| Job::Participant(p, k))),
    );
    jobs.extend((1..=quote_pages).map(Job::Quotes));
    jobs.extend([
        Job::Index,
        Job::List(0),
        Job::List(1),
        Job::List(2),
        Job::Timeline,
        Job::Search,
        Job::NotFound,
        Job::Robots,
    ]);
    jobs.extend((0..model.sources.len()).map(Job::Source));
    jobs
}

/// The pages that name source `s` (its title, outlet or date), other than
/// the files that hold the whole corpus.
fn naming(m: &Model, s: usize) -> Vec<Job> {
    use crate::analyze::citations;
    let id = &m.sources[s].id;
    let cites = |prose: Option<&crate::load::Prose>| {
        prose.is_some_and(|p| {
            citations::find(&p.text)
                .0
                .iter()
                .any(|g| g.refs.iter().any(|r| &r.source == id))
        })
    };
    let mut jobs = std::collections::BTreeSet::new();
    jobs.insert(Job::Source(s));
    // The list of sources names every source: it comes with the files that
    // hold the whole corpus.
    jobs.extend([Job::Index, Job::List(0), Job::List(2), Job::Timeline]);
    // Sources that share wording with it, or cite it in their notes.
    for pair in &m.analysis.pairs {
        if pair.a == s {
            jobs.insert(Job::Source(pair.b));
        } else if pair.b == s {
            jobs.insert(Job::Source(pair.a));
        }
    }
    for (o, article) in m.project.articles.iter().enumerate() {
        if cites(article.meta.notes.as_ref()) {
            jobs.insert(Job::Source(o));
        }
    }
    // A topic's page with this source's passages, and its first page when
    // that names the sources without the topic or its summary cites this one.
    let per = view::TOPIC_SOURCES_PER_PAGE;
    for t in 0..m.topics.len() {
        let named_silent = m.sources.len() - m.covering[t].len() <= per;
        match m.covering[t].binary_search(&s) {
            Ok(rank) => {
                jobs.insert(Job::Topic(t, rank / per + 1));
            }
            Err(_) if named_silent => {
                jobs.insert(Job::Topic(t, 1));
            }
            Err(_) => {}
        }
        if cites(m.project.topics[t].summary.as_ref()) {
            jobs.insert(Job::Topic(t, 1));
        }
    }
    // A participant's page with its mentions here, the first page when their
    // notes cite it or their spellings count it, and the pages with
    // statements quoting it (as on the quotes pages).
    let per = view::PARTICIPANT_ITEMS_PER_PAGE;
    for p in 0..m.participants.len() {
        if let Ok(rank) = m.mentioning[p].binary_search(&s) {
            jobs.insert(Job::Participant(p, rank / per + 1));
        }
        if cites(m.project.participants[p].notes.as_ref()) {
            jobs.insert(Job::Participant(p, 1));
        }
    }
    for spelling in &m.analysis.spellings {
        let counts = |(_, by): &(String, Vec<(usize, usize)>)| by.iter().any(|&(o, _)| o == s);
        if let Some(p) = spelling
            .participant
            .filter(|_| spelling.forms.iter().any(counts))
        {
            jobs.insert(Job::Participant(p, 1));
        }
    }
    let own = m.quotes_of(s);
    statement_pages(m, |q| own.contains(&q), &mut jobs);
    jobs.into_iter().collect()
}

/// Adds the pages showing the statements that hold a quote `quoted` picks:
/// the quotes pages, and the speakers' pages.
fn statement_pages(
    m: &Model,
    quoted: impl Fn(usize) -> bool,
    jobs: &mut std::collections::BTreeSet<Job>,
) {
    let per = view::PARTICIPANT_ITEMS_PER_PAGE;
    for (k, statement) in m.analysis.statements.iter().enumerate() {
        if !statement.quotes.iter().any(|&q| quoted(q)) {
            continue;
        }
        jobs.insert(Job::Quotes(k / pages::QUOTES_PER_PAGE + 1));
        for p in statement
            .quotes
            .iter()
            .filter_map(|&q| m.analysis.quotes[q].speaker)
        {
            if let Ok(rank) = m.spoken[p].binary_search(&k) {
                jobs.insert(Job::Participant(p, rank / per + 1));
            }
        }
    }
}

/// The pages other than topic `t`'s that tag the `changed` paragraphs
/// (source, index) with their topics, or count them by topic: the sources'
/// pages, the other topics' and the participants' pages listing them, and
/// the pages with their quotes.
fn tagging(m: &Model, t: usize, changed: &[(usize, usize)]) -> std::collections::BTreeSet<Job> {
    let mut jobs = std::collections::BTreeSet::new();
    let per_topic = view::TOPIC_SOURCES_PER_PAGE;
    let per = view::PARTICIPANT_ITEMS_PER_PAGE;
    for &(s, i) in changed {
        jobs.insert(Job::Source(s));
        let para = &m.analysis.sources[s].paragraphs[i];
        for &u in para.topics().iter().filter(|&&u| u != t) {
            if let Ok(rank) = m.covering[u].binary_search(&s) {
                jobs.insert(Job::Topic(u, rank / per_topic + 1));
            }
        }
        // A participant's first page counts their passages by topic.
        for &p in para.participants() {
            if let Ok(rank) = m.mentioning[p].binary_search(&s) {
                jobs.insert(Job::Participant(p, rank / per + 1));
                jobs.insert(Job::Participant(p, 1));
            }
        }
    }
    let quoted = |q: usize| {
        let q = &m.analysis.quotes[q];
        changed.binary_search(&(q.source, q.paragraph)).is_ok()
    };
    statement_pages(m, quoted, &mut jobs);
    jobs
}

pub(crate) fn write_error(path: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::new(path, format!("cannot write: {e}"))
}

fn robots(model: &Model) -> String {
    match &model.site.absolute_url {
        Some(base) => format!("User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n"),
        None => "User-agent: *\nAllow: /\n".to_string(),
    }
}

/// A Tera error as a diagnostic pointing into the template file.
pub(crate) fn template_error(
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

#[cfg(test)]
mod tests {
    #[test]
    fn safe_prints_what_tera_s_own_safe_prints() {
        let template =
            "{{ html | safe }} {{ html }} {{ n | safe }} {{ list | safe }} {{ none | safe }}";
        let mut context = tera::Context::new();
        context.insert("html", "<b>“x” & y</b>");
        context.insert("n", &2.5);
        context.insert("list", &["<a>", "b"]);
        context.insert("none", &None::<String>);
        let render = |ours: bool| {
            let mut tera = tera::Tera::new();
            tera.autoescape_on([".html"]);
            if ours {
                tera.register_filter("safe", super::safe);
            }
            tera.add_raw_template("t.html", template).unwrap();
            tera.render("t.html", &context).unwrap()
        };
        assert_eq!(render(true), render(false));
        assert!(render(true).starts_with("<b>“x” & y</b> &lt;b&gt;"));
    }
}
