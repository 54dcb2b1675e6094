//! dossier turns news articles and an analyst's YAML into a briefing site.
//!
//! The pipeline reads top to bottom:
//! [`load`] (files to typed content) → [`analyze`] (pure cross-source work) →
//! [`render`] (Tera templates over a view model) → [`write`] (atomic output).

pub mod analyze;
pub mod diagnostic;
pub mod init;
pub mod load;
pub mod render;
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
    pub elapsed: Duration,
    pub stages: Stages,
}

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
    let mut stages = Stages::default();
    let clock = Instant::now();
    let project = load::load(root)?;
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
    let analysis = analyze::analyze(&project);
    // Claims the analyst cites must be in the sources before anything is written.
    analyze::citations::verify_all(&project, &analysis).into_result(())?;
    stages.analyze = clock.elapsed();
    let clock = Instant::now();
    let files = renderer.render(&project, &analysis, base_url)?;
    stages.render = clock.elapsed();
    Ok(Prepared {
        project,
        analysis,
        files,
        stages,
    })
}

pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let Prepared {
        project,
        analysis,
        files,
        mut stages,
    } = prepare(&options.root, options.base_url.as_deref())?;
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    let clock = Instant::now();
    write::write_site(&output, &files)?;
    stages.write = clock.elapsed();
    Ok(BuildReport {
        output,
        pages: files.iter().filter(|f| f.path.ends_with(".html")).count(),
        files: files.len(),
        sources: project.articles.len(),
        topics: project.topics.len(),
        participants: project.participants.len(),
        quotes: analysis.quotes.len(),
        elapsed: started.elapsed(),
        stages,
    })
}
