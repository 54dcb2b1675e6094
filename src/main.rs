use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use std::fmt::Arguments;
use std::io::Write;

use clap::{Parser, Subcommand};

// A build allocates many small, short-lived values (template contexts,
// strings); mimalloc serves them markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use dossier::diagnostic::Diagnostics;
use dossier::{BuildOptions, Progress, build_with, check, init};

/// Build a briefing dossier from news articles and an analyst's YAML.
#[derive(Parser)]
#[command(name = "dossier", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --output).
    Build {
        /// The dossier folder, holding dossier.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: ROOT/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// The URL the site will be published at; overrides base_url in dossier.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Also say what was read and matched, and the time each stage took.
        #[arg(long, short, conflicts_with = "quiet")]
        verbose: bool,
        /// Print only errors: no progress bar and no summary line.
        #[arg(long, short)]
        quiet: bool,
        /// Also save the printable dossier as dossier.pdf, with an installed Chromium.
        #[arg(long)]
        pdf: bool,
    },
    /// Load, analyze and render without writing; check every link; report every problem.
    Check {
        /// The dossier folder, holding dossier.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Also ask every article URL and outside link over HTTP.
        #[arg(long)]
        external: bool,
        /// With --external: seconds to wait for each answer.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
        /// With --external: how many links to ask at once.
        #[arg(long, default_value_t = 8)]
        jobs: usize,
    },
    /// Preview the dossier at http://127.0.0.1:PORT/, rebuilding and reloading on every change.
    Serve {
        /// The dossier folder, holding dossier.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on (0 for any free one).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; keep the default loopback unless you mean to share the preview.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
    },
    /// Write JSON Schemas of the YAML files into ROOT/schemas/, for editors.
    Schema {
        /// The dossier folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a small, working example dossier in DIR.
    Init {
        /// A new or empty folder.
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    // Usage errors exit with 1 like every other failure; --help and
    // --version print to stdout and succeed.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            verbose,
            quiet,
            pdf,
        } => {
            let options = BuildOptions {
                root,
                output,
                base_url,
                pdf,
            };
            let bar = Bar::new(!quiet && std::io::stderr().is_terminal());
            let result = build_with(&options, &bar);
            bar.finish();
            match result {
                Ok(_) if quiet => ExitCode::SUCCESS,
                Ok(r) => {
                    say(format_args!(
                        "Wrote {} pages ({} files) to {}: {} sources, {} topics, {} participants, {} quotes in {} ms",
                        r.pages,
                        r.files,
                        r.output.display(),
                        r.sources,
                        r.topics,
                        r.participants,
                        r.quotes,
                        r.elapsed.as_millis()
                    ));
                    if verbose {
                        say(format_args!(
                            "read {} articles, {} topics, {} participants; found {} topic passages, {} mentions, {} quotes ({} attributed), {} statements shared by several outlets",
                            r.sources,
                            r.topics,
                            r.participants,
                            r.passages,
                            r.mentions,
                            r.quotes,
                            r.attributed,
                            r.shared_statements
                        ));
                        let s = &r.stages;
                        say(format_args!(
                            "stages: load {} ms, analyze {} ms, render {} ms, write {} ms",
                            s.load.as_millis(),
                            s.analyze.as_millis(),
                            s.render.as_millis(),
                            s.write.as_millis()
                        ));
                    }
                    ExitCode::SUCCESS
                }
                Err(problems) => fail(
                    &problems,
                    color,
                    "the build failed; the previous output is unchanged",
                ),
            }
        }
        Command::Check {
            root,
            external,
            timeout,
            jobs,
        } => match check(
            &root,
            external.then(|| (jobs, Duration::from_secs(timeout))),
        ) {
            Ok(report) => {
                let dossier::Prepared {
                    project,
                    analysis,
                    files,
                    ..
                } = &report.prepared;
                say(format_args!(
                    "No problems: {} sources, {} topics, {} participants, {} quotes; {} pages would be written",
                    project.articles.len(),
                    project.topics.len(),
                    project.participants.len(),
                    analysis.quotes.len(),
                    files.iter().filter(|f| f.path.ends_with(".html")).count()
                ));
                if external {
                    say(format_args!(
                        "Checked {} outside links: {} did not answer (not counted as problems).",
                        report.external_checked,
                        report.unreachable.len()
                    ));
                    for (url, why) in &report.unreachable {
                        say(format_args!("  no answer from {url}: {why}"));
                    }
                }
                // Relative dates resolved against each article's date: for the
                // analyst to copy into the timeline, never added by dossier.
                let suggestions =
                    dossier::analyze::dates::suggest(&project.articles, &analysis.sources);
                if !suggestions.is_empty() {
                    say(format_args!(
                        "\nRelative dates in the articles, resolved against each article's date (suggestions for content/timeline.yaml):"
                    ));
                }
                for sg in suggestions {
                    let article = &project.articles[sg.source];
                    let para = &analysis.sources[sg.source].paragraphs[sg.paragraph];
                    say(format_args!(
                        "  {} ¶{}: “{}” → {} ({}){}",
                        article.id,
                        para.n,
                        sg.phrase,
                        sg.date,
                        sg.date.strftime("%A %-d %B %Y"),
                        if article.meta.published_estimated {
                            ", from an estimated date"
                        } else {
                            ""
                        }
                    ));
                }
                ExitCode::SUCCESS
            }
            Err(problems) => fail(&problems, color, "check found problems"),
        },
        Command::Serve { root, port, bind } => {
            match dossier::serve::start(dossier::serve::Options { root, bind, port }) {
                Ok(running) => {
                    say(format_args!(
                        "Serving the dossier at http://{}/ (Ctrl-C to stop); watching for changes.",
                        running.addr
                    ));
                    loop {
                        std::thread::park();
                    }
                }
                Err(problems) => fail(&problems, color, "the preview did not start"),
            }
        }
        Command::Schema { root } => match dossier::schema::write(&root) {
            Ok(paths) => {
                for p in &paths {
                    say(format_args!("wrote {}", p.display()));
                }
                say(format_args!(
                    "Name a schema in the first line of a YAML file, e.g. `# yaml-language-server: $schema=../../schemas/topic.json`."
                ));
                ExitCode::SUCCESS
            }
            Err(d) => fail(&d.into(), color, "nothing more was written"),
        },
        Command::Init { dir } => match init::init(&dir) {
            Ok(files) => {
                say(format_args!(
                    "Created a dossier in {} ({} files).",
                    dir.display(),
                    files.len()
                ));
                say(format_args!(
                    "Build it with: dossier build --root {}",
                    dir.display()
                ));
                ExitCode::SUCCESS
            }
            Err(d) => fail(&d.into(), color, "nothing was written"),
        },
    }
}

fn fail(problems: &Diagnostics, color: bool, what: &str) -> ExitCode {
    for d in &problems.0 {
        esay(format_args!("{}\n", d.render(color)));
    }
    let n = problems.len();
    esay(format_args!(
        "{n} problem{} found: {what}.",
        if n == 1 { "" } else { "s" }
    ));
    ExitCode::FAILURE
}

/// Prints a result line. A closed or full stdout must not turn finished work
/// into a panic: `say` is only called once the work succeeded, so it stops
/// there, successfully.
fn say(line: Arguments) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            esay(format_args!("(could not print the result: {e})"));
        }
        std::process::exit(0);
    }
}

/// Prints to stderr; if even that fails there is nobody left to tell.
fn esay(line: Arguments) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// A progress bar on stderr while a build runs, when it is a terminal.
struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn new(show: bool) -> Bar {
        Bar(show.then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} pages")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            bar
        }))
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn stage(&self, name: &'static str) {
        if let Some(bar) = &self.0 {
            bar.set_message(name);
        }
    }

    fn total(&self, pages: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(pages);
        }
    }

    fn advance(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
}
