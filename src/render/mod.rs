//! Stage 3: the analysis into pages, through Tera templates.
//!
//! Each page gets a context holding only what it shows (never the whole
//! corpus), built from the shared view model.

pub mod cite;
pub mod json;
pub mod markdown;
mod pages;
mod search;
pub mod templates;
pub mod view;

use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;
use tera::{ErrorKind, Tera};

use crate::analyze::Analysis;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Project;
use templates::{Layers, Origin};
use view::Model;

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

    /// The whole site in memory, sorted by path (for `check` and `serve`).
    pub fn render(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        progress: &dyn crate::Progress,
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let files = Mutex::new(Vec::new());
        self.render_into(project, analysis, base_url, progress, &|file| {
            files
                .lock()
                .expect("no thread panics while holding it")
                .push(file);
            Ok(())
        })?;
        let mut files = files.into_inner().expect("no thread panicked");
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Renders every file of the site and hands each to `sink` as soon as it
    /// is made, from several threads, so a large site is never all in memory.
    /// Returns the paths made, sorted.
    pub fn render_into(
        &self,
        project: &Project,
        analysis: &Analysis,
        base_url: Option<String>,
        progress: &dyn crate::Progress,
        sink: &(dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync),
    ) -> Result<Vec<String>, Diagnostics> {
        let model = Model::new(project, analysis, base_url);
        let pages = pages::Pages {
            renderer: self,
            model: &model,
            progress,
        };
        progress.total(
            (model.topics.len() + model.sources.len() + model.participants.len() + 10) as u64,
        );
        let made = Mutex::new(Vec::new());
        let problems = Mutex::new(Diagnostics::default());
        let deliver = |result: Result<OutputFile, Diagnostic>| {
            let outcome = result.and_then(|file| {
                let path = file.path.clone();
                sink(file)?;
                made.lock()
                    .expect("no thread panics while holding it")
                    .push(path);
                Ok(())
            });
            if let Err(d) = outcome {
                problems
                    .lock()
                    .expect("no thread panics while holding it")
                    .push(d);
            }
        };
        // Pages are independent: render and hand them over in parallel.
        let single = |k: usize| -> pages::Page {
            match k {
                0 => pages.search(),
                1 => pages.print(),
                2 => pages.not_found(),
                3 => pages.index(),
                4 => pages.quotes(1),
                5 => pages.timeline(),
                6 => pages.compare(),
                7 => Ok(OutputFile {
                    path: "dossier.json".into(),
                    bytes: json::export(project, analysis),
                }),
                _ => Ok(OutputFile {
                    path: "search-index.js".into(),
                    bytes: search::index_script(&model),
                }),
            }
        };
        (0..9).into_par_iter().for_each(|k| deliver(single(k)));
        pages.lists().into_iter().for_each(&deliver);
        (2..=pages.quote_pages())
            .into_par_iter()
            .for_each(|k| deliver(pages.quotes(k)));
        (0..model.topics.len())
            .into_par_iter()
            .for_each(|t| deliver(pages.topic(t)));
        (0..model.sources.len())
            .into_par_iter()
            .for_each(|s| deliver(pages.source(s)));
        (0..model.participants.len())
            .into_par_iter()
            .for_each(|p| deliver(pages.participant(p)));
        deliver(Ok(OutputFile {
            path: "robots.txt".into(),
            bytes: robots(&model).into_bytes(),
        }));
        let pages_made = made.lock().expect("no thread panicked").clone();
        for r in pages.feeds(&pages_made) {
            deliver(r);
        }
        let problems = problems.into_inner().expect("no thread panicked");
        if !problems.is_empty() {
            return Err(problems.sorted());
        }
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
            if let Err(d) = sink(file.clone()) {
                problems.push(d);
            }
            made.push(file.path.clone());
        }
        problems.into_result(())?;
        made.sort();
        Ok(made)
    }
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
