//! dossier turns news articles and an analyst's YAML into a briefing site.
//!
//! The pipeline reads top to bottom:
//! [`load`] (files to typed content) → [`analyze`] (pure cross-source work) →
//! [`render`] (Tera templates over a view model) → [`write`] (atomic output).

pub mod analyze;
pub mod check;
pub mod diagnostic;
pub mod init;
pub mod load;
pub mod pdf;
pub mod render;
pub mod schema;
pub mod serve;
#[doc(hidden)]
pub mod synth;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diagnostic::{Diagnostic, Diagnostics};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The dossier folder, holding `dossier.yaml`.
    pub root: PathBuf,
    /// Where the site goes; `root/public` when not given.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of `dossier.yaml`.
    pub base_url: Option<String>,
    /// Also write `dossier.pdf` (the printable dossier) with Chromium.
    pub pdf: bool,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub output: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub sources: usize,
    pub topics: usize,
    pub participants: usize,
    pub quotes: usize,
    /// Quotes whose speaker the text names.
    pub attributed: usize,
    /// Paragraphs on some topic, over all sources.
    pub passages: usize,
    pub mentions: usize,
    pub shared_statements: usize,
    pub elapsed: Duration,
    pub stages: Stages,
}

/// Told how a build is going, for a progress bar. Rendering calls `advance`
/// from several threads at once.
pub trait Progress: Sync {
    fn stage(&self, _name: &'static str) {}
    fn total(&self, _pages: u64) {}
    fn advance(&self) {}
}

/// No progress shown.
pub struct Silent;
impl Progress for Silent {}

/// Time spent in each stage of the pipeline.
#[derive(Debug, Clone, Default)]
pub struct Stages {
    pub load: Duration,
    pub analyze: Duration,
    pub render: Duration,
    pub write: Duration,
}

/// A project loaded, analysed and rendered, not yet written.
pub struct Prepared {
    pub project: load::Project,
    pub analysis: analyze::Analysis,
    pub files: Vec<render::OutputFile>,
    pub stages: Stages,
}

/// Everything up to, not including, writing: what `check` runs and `build` writes.
pub fn prepare(root: &Path, base_url: Option<&str>) -> Result<Prepared, Diagnostics> {
    prepare_with(root, base_url, &Silent)
}

/// A project read and analysed, with its templates, ready to render.
pub struct Analysed {
    pub project: load::Project,
    pub analysis: analyze::Analysis,
    pub renderer: render::Renderer,
    pub base_url: Option<String>,
    pub stages: Stages,
    /// The paragraphs' words, for `serve` to find a topic's edited keywords
    /// again quickly; made only there.
    pub words: Option<analyze::matcher::WordIndex>,
    /// What the comparisons across sources read, for `serve` to read only
    /// an edited article again; made only there.
    pub compared: Option<analyze::Compared>,
}

impl Analysed {
    /// Puts `topic` in place of topic `t`, which has the same slug and order
    /// (its place among the topics): its keywords, if new, are found again
    /// in the kept paragraphs, through the index of their words (made now
    /// if `serve` has not made it yet). Says what changed, for
    /// [`render::Renderer::render_topic_edit`].
    pub fn replace_topic(&mut self, t: usize, topic: load::Topic) -> render::TopicEdit {
        let pages = |analysis: &analyze::Analysis| {
            let covering = analysis.coverage[t].iter().filter(|&&c| c > 0).count();
            covering
                .div_ceil(render::view::TOPIC_SOURCES_PER_PAGE)
                .max(1)
        };
        let old_pages = pages(&self.analysis);
        let old = &self.project.topics[t];
        let text = |t: &load::Topic| t.summary.as_ref().map(|s| s.text.clone());
        let summary = text(old) != text(&topic);
        let title = old.title != topic.title;
        let keywords = old.keywords != topic.keywords;
        self.project.topics[t] = topic;
        let mut changed = Vec::new();
        if keywords {
            let words = self
                .words
                .take()
                .unwrap_or_else(|| analyze::word_index(&self.analysis));
            changed = analyze::rematch_topic(&self.project, &mut self.analysis, t, &words);
            self.words = Some(words);
        }
        if title {
            // A new title shows wherever the topic tags a paragraph.
            for (s, text) in self.analysis.sources.iter().enumerate() {
                for (i, p) in text.paragraphs.iter().enumerate() {
                    if p.topics().binary_search(&t).is_ok() {
                        changed.push((s, i));
                    }
                }
            }
            changed.sort_unstable();
            changed.dedup();
        }
        render::TopicEdit {
            t,
            changed,
            old_pages,
            new_pages: pages(&self.analysis),
            summary,
            title,
        }
    }
}

impl Analysed {
    /// Puts `participants` (`participants.yaml` read again) in place of the
    /// kept ones when everyone has kept their id, name and aliases, all the
    /// analysis looks for; returns whose role, affiliation or notes
    /// changed, for [`render::Renderer::render_participant_meta`]. `None`
    /// (and nothing replaced) when the analysis must be made again.
    pub fn replace_participants(
        &mut self,
        participants: Vec<load::Participant>,
    ) -> Option<Vec<usize>> {
        let old = &self.project.participants;
        let same_names = old.len() == participants.len()
            && old
                .iter()
                .zip(&participants)
                .all(|(a, b)| a.id == b.id && a.name == b.name && a.aliases == b.aliases);
        if !same_names {
            return None;
        }
        let notes = |p: &load::Participant| p.notes.as_ref().map(|n| n.text.clone());
        let changed = old
            .iter()
            .zip(&participants)
            .enumerate()
            .filter(|(_, (a, b))| {
                a.role != b.role || a.affiliation != b.affiliation || notes(a) != notes(b)
            })
            .map(|(p, _)| p)
            .collect();
        // Replaced even when nothing shown changed: notes point into the
        // file's text, for the places of their errors.
        self.project.participants = participants;
        Some(changed)
    }
}

impl Analysed {
    /// Puts `dossier.yaml` read again (`config`, its `summary` and its text
    /// `source`) in place of the kept one when only the executive summary
    /// changed; says whether it did. Its other settings show on every page
    /// or decide how pages are made, so they need a whole build.
    pub fn replace_summary(
        &mut self,
        config: load::Config,
        summary: Option<load::Prose>,
        source: String,
    ) -> bool {
        let old = &self.project.config;
        let value = |v: &Option<load::Located<String>>| v.as_ref().map(|v| v.value.clone());
        let same_settings = old.title == config.title
            && old.subtitle == config.subtitle
            && old.description == config.description
            && value(&old.base_url) == value(&config.base_url)
            && old.language == config.language
            && old.as_of == config.as_of
            && value(&old.theme) == value(&config.theme)
            && old.allow_raw_html == config.allow_raw_html;
        if same_settings {
            self.project.config = config;
            self.project.summary = summary;
            self.project.config_source = source;
        }
        same_settings
    }
}

impl Analysed {
    /// Puts `article` (source `s` read again after an edit to its text or
    /// date, its body loaded) in place of the kept one and reads that
    /// source again: enough for its own page to be what a whole build
    /// makes ([`analyze::read_again`]), not yet for the others'
    /// ([`Analysed::compare_again`]). Returns false, with nothing replaced,
    /// when what the comparisons read was not kept.
    pub fn read_source_again(&mut self, s: usize, article: load::Article) -> bool {
        let Some(compared) = self.compared.as_mut() else {
            return false;
        };
        self.project.articles[s] = article;
        analyze::read_again(&self.project, &mut self.analysis, compared, s);
        // As after a whole build: the text lives on as the paragraphs.
        self.project.articles[s].body = String::new();
        // The paragraphs changed: the index of their words is made again
        // when next needed.
        self.words = None;
        true
    }

    /// After [`Analysed::read_source_again`]: every comparison across
    /// sources made again, so the analysis is what a whole build makes.
    pub fn compare_again(&mut self) {
        let Some(compared) = self.compared.as_mut() else {
            return;
        };
        let analysis = std::mem::take(&mut self.analysis);
        self.analysis = analyze::compare_again(&self.project, analysis, compared);
    }
}

impl Analysed {
    /// The whole site, in memory, from what is kept (for `serve`).
    pub fn render_site(&self) -> Result<Vec<render::OutputFile>, Diagnostics> {
        self.renderer.render(
            &self.project,
            &self.analysis,
            self.base_url.clone(),
            &Silent,
        )
    }
}

impl Analysed {
    /// Gathers and compiles the templates and theme files at `root` again,
    /// after an edit under `templates/` or `themes/`, and keeps them: the
    /// analysis does not read them. Returns the theme files to serve when
    /// only their bytes changed, or `None` when every page must be rendered
    /// again. A mistake in a template keeps the renderer as it was.
    pub fn replace_renderer(
        &mut self,
        root: &Path,
    ) -> Result<Option<Vec<render::OutputFile>>, Diagnostics> {
        let layers = render::templates::gather(root, &self.project)?;
        let renderer = render::Renderer::new(layers)?;
        let changed = self.renderer.changed_assets(&renderer);
        self.renderer = renderer;
        Ok(changed)
    }
}

impl Analysed {
    /// Puts `events` (`timeline.yaml` read again) in place of the kept
    /// timeline, which the analysis does not read; returns the topics the
    /// old or the new events are on, for
    /// [`render::Renderer::render_timeline`].
    pub fn replace_timeline(&mut self, events: Vec<load::Event>) -> Vec<usize> {
        let mut topics: Vec<usize> = self
            .project
            .timeline
            .iter()
            .chain(&events)
            .flat_map(|e| e.topics.iter().copied())
            .collect();
        topics.sort_unstable();
        topics.dedup();
        self.project.timeline = events;
        topics
    }
}

pub fn load_and_analyze(
    root: &Path,
    base_url: Option<&str>,
    progress: &dyn Progress,
) -> Result<Analysed, Diagnostics> {
    let mut stages = Stages::default();
    let clock = Instant::now();
    progress.stage("reading");
    let mut project = load::load(root)?;
    let base_url = match base_url {
        Some(url) => {
            load::check_base_url(url).map_err(|why| {
                Diagnostic::new("--base-url", why)
                    .with_hint("give an absolute URL such as https://example.org/briefings/")
            })?;
            Some(url.to_string())
        }
        None => project.config.base_url.as_ref().map(|u| u.value.clone()),
    };
    let layers = render::templates::gather(root, &project)?;
    let renderer = render::Renderer::new(layers)?;
    stages.load = clock.elapsed();
    let clock = Instant::now();
    progress.stage("analysing");
    let read = analyze::read_sources(&project);
    // The text lives on as the analysis's paragraphs: a large dossier need
    // not hold it twice while sources are compared and pages rendered.
    for article in &mut project.articles {
        article.body = String::new();
    }
    let analysis = analyze::compare_sources(&project, read);
    // Claims the analyst cites must be in the sources before anything is written.
    analyze::citations::verify_all(&project, &analysis).into_result(())?;
    stages.analyze = clock.elapsed();
    Ok(Analysed {
        project,
        analysis,
        renderer,
        base_url,
        stages,
        words: None,
        compared: None,
    })
}

pub fn prepare_with(
    root: &Path,
    base_url: Option<&str>,
    progress: &dyn Progress,
) -> Result<Prepared, Diagnostics> {
    let Analysed {
        project,
        analysis,
        renderer,
        base_url,
        mut stages,
        ..
    } = load_and_analyze(root, base_url, progress)?;
    let clock = Instant::now();
    progress.stage("rendering");
    let files = renderer.render(&project, &analysis, base_url, progress)?;
    stages.render = clock.elapsed();
    Ok(Prepared {
        project,
        analysis,
        files,
        stages,
    })
}

/// What `dossier check` found beyond the build's own checks.
pub struct CheckReport {
    pub prepared: Prepared,
    /// Outside links that did not answer: worth a look, not a failure.
    pub unreachable: Vec<(String, String)>,
    /// Outside links checked.
    pub external_checked: usize,
}

/// Everything `build` validates, plus the links of the rendered pages; with
/// `external`, the outside links too (`workers` at a time, each within `timeout`).
pub fn check(root: &Path, external: Option<(usize, Duration)>) -> Result<CheckReport, Diagnostics> {
    let prepared = prepare(root, None)?;
    check::internal_links(&prepared.files, "public").into_result(())?;
    let mut unreachable = Vec::new();
    let mut external_checked = 0;
    if let Some((workers, timeout)) = external {
        let urls: Vec<String> = prepared
            .project
            .articles
            .iter()
            .filter_map(|a| a.meta.url.clone())
            .collect();
        let targets = check::external_targets(&prepared.files, &urls);
        external_checked = targets.len();
        let mut problems = Diagnostics::default();
        for (url, answer) in check::external_links(&targets, workers, timeout) {
            match answer {
                check::Answer::Ok(_) => {}
                check::Answer::Status(code) => {
                    let article = prepared
                        .project
                        .articles
                        .iter()
                        .find(|a| a.meta.url.as_deref() == Some(url.as_str()));
                    let path =
                        article.map_or_else(|| PathBuf::from("public"), |a| a.meta_path.clone());
                    problems.push(
                        Diagnostic::new(path, format!("`{url}` answers HTTP {code}"))
                            .with_hint("the page has moved or is gone: update the link, or point it to an archived copy"),
                    );
                }
                check::Answer::Unreachable(why) => unreachable.push((url, why)),
            }
        }
        problems.sorted().into_result(())?;
    }
    Ok(CheckReport {
        prepared,
        unreachable,
        external_checked,
    })
}

pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    build_with(options, &Silent)
}

pub fn build_with(
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    let (project, analysis, made, stages) = if options.pdf {
        // The PDF is printed from the finished site, so this builds it in
        // memory first.
        let Prepared {
            project,
            analysis,
            mut files,
            mut stages,
        } = prepare_with(&options.root, options.base_url.as_deref(), progress)?;
        progress.stage("printing");
        let scratch = std::env::temp_dir().join(format!("dossier-pdf-{}", std::process::id()));
        let printed = pdf::print(&files, &scratch);
        let _ = std::fs::remove_dir_all(&scratch);
        files.push(render::OutputFile {
            path: "dossier.pdf".into(),
            bytes: printed?,
        });
        let clock = Instant::now();
        progress.stage("writing");
        write::write_site(&output, &files)?;
        stages.write = clock.elapsed();
        let made: Vec<String> = files.into_iter().map(|f| f.path).collect();
        (project, analysis, made, stages)
    } else {
        // Each page is written into the staging folder as soon as it is
        // rendered: a large site is never held in memory whole.
        let Analysed {
            project,
            analysis,
            renderer,
            base_url,
            mut stages,
            ..
        } = load_and_analyze(&options.root, options.base_url.as_deref(), progress)?;
        let clock = Instant::now();
        progress.stage("rendering");
        let staging = write::Staging::begin(&output)?;
        let made = match renderer.render_into(&project, &analysis, base_url, progress, &staging) {
            Ok(made) => made,
            Err(problems) => {
                staging.abort();
                return Err(problems);
            }
        };
        stages.render = clock.elapsed();
        let clock = Instant::now();
        progress.stage("writing");
        staging.commit()?;
        stages.write = clock.elapsed();
        (project, analysis, made, stages)
    };
    let report = Ok(BuildReport {
        output,
        pages: made.iter().filter(|p| p.ends_with(".html")).count(),
        files: made.len(),
        sources: project.articles.len(),
        topics: project.topics.len(),
        participants: project.participants.len(),
        quotes: analysis.quotes.len(),
        attributed: analysis
            .quotes
            .iter()
            .filter(|q| q.speaker.is_some())
            .count(),
        passages: analysis.coverage.iter().flatten().sum(),
        mentions: analysis.mentions.iter().flatten().sum(),
        shared_statements: analysis
            .statements
            .iter()
            .filter(|s| s.is_shared(&analysis.quotes))
            .count(),
        elapsed: started.elapsed(),
        stages,
    });
    // Freeing a large dossier's text and analysis, millions of small
    // allocations, takes tens of milliseconds that the caller need not wait
    // for: the command exits, and a long-running caller frees it meanwhile.
    std::thread::spawn(move || drop((project, analysis)));
    report
}
