use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use std::fmt::Arguments;
use std::io::Write;

use clap::{Parser, Subcommand};

use dossier::diagnostic::Diagnostics;
use dossier::{BuildOptions, build, init, prepare};

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
        /// Also print the time each stage took.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Load, analyze and render without writing; report every problem.
    Check {
        /// The dossier folder, holding dossier.yaml.
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
        } => {
            let options = BuildOptions {
                root,
                output,
                base_url,
            };
            match build(&options) {
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
        Command::Check { root } => match prepare(&root, None) {
            Ok(dossier::Prepared {
                project,
                analysis,
                files,
                ..
            }) => {
                say(format_args!(
                    "No problems: {} sources, {} topics, {} participants, {} quotes; {} pages would be written",
                    project.articles.len(),
                    project.topics.len(),
                    project.participants.len(),
                    analysis.quotes.len(),
                    files.iter().filter(|f| f.path.ends_with(".html")).count()
                ));
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

/// Prints a result line. A closed or full stdout must not turn a finished
/// build into a panic: the work is done, so the error is only reported.
fn say(line: Arguments) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        let _ = writeln!(
            std::io::stderr(),
            "(could not print the result: stdout is closed or full)"
        );
    }
}

/// Prints to stderr; if even that fails there is nobody left to tell.
fn esay(line: Arguments) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
