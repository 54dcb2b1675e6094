//! `dossier serve`: a local preview that rebuilds on every change and
//! reloads open pages.
//!
//! The site is built into memory and served by a small HTTP server
//! (tiny_http) on the loopback interface. A watcher (notify, debounced) sees
//! changes to `dossier.yaml`, `content/`, `templates/` and `themes/`; each
//! rebuild is announced to open pages over Server-Sent Events, and a failed
//! build shows its errors in an overlay while the last good site stays up.
//! The reload script is added to pages only here, never to `build` output.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use tiny_http::{Header, Request, Response, Server};

use crate::analyze::Paragraph;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Article, Topic};
use crate::render::{OutputFile, Shown};
use crate::{Analysed, Silent};

/// What the server holds: the last good site and the last build's errors.
#[derive(Default)]
struct Site {
    files: HashMap<String, Arc<Vec<u8>>>,
    /// The errors of the last build, if it failed (the files are then the
    /// previous good build's).
    errors: Option<String>,
    /// While those errors show: the one file whose edit they are about, when
    /// the kept analysis lacks only that edit.
    failed: Option<PathBuf>,
}

/// Open event streams, each fed by a channel.
#[derive(Default)]
struct Hub {
    clients: Mutex<Vec<Sender<String>>>,
}

impl Hub {
    fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = mpsc::channel();
        if let Ok(mut clients) = self.clients.lock() {
            clients.push(tx);
        }
        rx
    }

    fn broadcast(&self, event: &str) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(event.to_string()).is_ok());
        }
    }
}

const LIVE_PATH: &str = "/__dossier/live.js";
const EVENTS_PATH: &str = "/__dossier/events";
const LIVE_SCRIPT: &str = include_str!("serve_live.js");

pub struct Options {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
}

/// A running preview: where it listens, and how to stop it.
pub struct Running {
    pub addr: SocketAddr,
    server: Arc<Server>,
    stop: Sender<()>,
}

impl Running {
    pub fn stop(self) {
        let _ = self.stop.send(());
        self.server.unblock();
    }
}

/// Builds once, then serves and watches until stopped. Returns at once.
pub fn start(options: Options) -> Result<Running, Diagnostics> {
    let listen = format!("{}:{}", options.bind, options.port);
    let server = Server::http(&listen).map_err(|e| {
        Diagnostic::new("--port", format!("cannot listen on {listen}: {e}"))
            .with_hint("choose another port with --port, or 0 for any free one")
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Diagnostic::new("--bind", "the server is not listening on an IP address"))?;
    let server = Arc::new(server);
    let site = Arc::new(RwLock::new(Site::default()));
    let hub = Arc::new(Hub::default());
    let mut kept = rebuild(&options.root, &site, &hub);

    let (stop_tx, stop_rx) = mpsc::channel();
    let (change_tx, change_rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(change_tx)
        .map_err(|e| Diagnostic::new(&options.root, format!("cannot watch for changes: {e}")))?;
    watcher
        .watch(&options.root, RecursiveMode::Recursive)
        .map_err(|e| Diagnostic::new(&options.root, format!("cannot watch for changes: {e}")))?;

    let root = options.root.clone();
    let (watch_site, watch_hub) = (Arc::clone(&site), Arc::clone(&hub));
    std::thread::spawn(move || {
        // Owning the watcher here keeps it watching until stopped.
        let _watcher = watcher;
        while stop_rx.try_recv().is_err() {
            match change_rx.recv_timeout(Duration::from_millis(200)) {
                Ok(Ok(event)) if changes_input(&root, &event) => {
                    // An editor's save is often several events: wait for
                    // the burst to end, then rebuild once.
                    let mut changed = inputs(&root, &event);
                    while let Ok(more) = change_rx.recv_timeout(DEBOUNCE) {
                        if let Ok(more) = more
                            && changes_input(&root, &more)
                        {
                            changed.extend(inputs(&root, &more));
                        }
                    }
                    kept = update(&root, kept.take(), &changed, &watch_site, &watch_hub);
                }
                Ok(_) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    });

    let accept = Arc::clone(&server);
    std::thread::spawn(move || {
        for request in accept.incoming_requests() {
            let (site, hub) = (Arc::clone(&site), Arc::clone(&hub));
            std::thread::spawn(move || handle(request, &site, &hub));
        }
    });
    Ok(Running {
        addr,
        server,
        stop: stop_tx,
    })
}

/// How long a burst of file events must be quiet before a rebuild.
const DEBOUNCE: Duration = Duration::from_millis(80);

/// A change (not a read: the build itself reads every file) to one of the
/// dossier's inputs.
fn changes_input(root: &Path, event: &notify::Event) -> bool {
    !matches!(event.kind, notify::EventKind::Access(_))
        && event.paths.iter().any(|p| is_input(root, p))
}

/// The inputs an event touches, relative to the dossier root.
fn inputs(root: &Path, event: &notify::Event) -> BTreeSet<PathBuf> {
    event
        .paths
        .iter()
        .filter_map(|p| input_path(root, p))
        .collect()
}

/// Only the dossier's own inputs trigger a rebuild, not its output or
/// editors' swap files.
fn is_input(root: &Path, path: &Path) -> bool {
    input_path(root, path).is_some()
}

/// `path` relative to `root`, if it is one of the dossier's inputs.
fn input_path(root: &Path, path: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let rel = path.strip_prefix(&root).ok()?;
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let temporary = name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp");
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let input = !temporary
        && matches!(
            first.as_deref(),
            Some("dossier.yaml" | "content" | "templates" | "themes")
        );
    input.then(|| rel.to_path_buf())
}

/// After a change to one file: when it is an edit the kept analysis still
/// holds for (the executive summary; a topic's summary, keywords or title;
/// an article's metadata; participants' roles, affiliations or notes; the
/// timeline; templates and theme files), the files that show it are
/// rendered again from it; after an edit to an article's text, only that
/// article is read again; anything else rebuilds the whole site. Returns
/// what to keep for the next change.
fn update(
    root: &Path,
    kept: Option<Analysed>,
    changed: &BTreeSet<PathBuf>,
    site: &RwLock<Site>,
    hub: &Hub,
) -> Option<Analysed> {
    // Editors save through a temporary file renamed over the real one.
    let edited: Vec<&PathBuf> = changed.iter().filter(|p| root.join(p).exists()).collect();
    let failed = site.read().ok().and_then(|site| site.failed.clone());
    // While a mistake in one file shows, the kept analysis lacks only that
    // file's edit: a change to any other rebuilds, and so reports the
    // mistake again if it is still there.
    let kept = match failed {
        Some(f) if edited.iter().any(|p| **p != f) => rebuild(root, site, hub),
        _ => update_in_place(root, kept, changed, site, hub),
    };
    let Ok(mut shown) = site.write() else {
        return None;
    };
    shown.failed = None;
    if shown.errors.is_none() || kept.is_none() {
        return kept;
    }
    match edited.as_slice() {
        [path] => {
            shown.failed = Some(path.to_path_buf());
            kept
        }
        // Not one file to blame: the next change rebuilds.
        _ => None,
    }
}

/// [`update`], once the kept analysis may be used.
fn update_in_place(
    root: &Path,
    kept: Option<Analysed>,
    changed: &BTreeSet<PathBuf>,
    site: &RwLock<Site>,
    hub: &Hub,
) -> Option<Analysed> {
    let started = Instant::now();
    let Some(mut kept) = kept else {
        return rebuild(root, site, hub);
    };
    // Editors save through a temporary file renamed over the real one: a
    // path that is gone and was never an input does not count.
    let project = &kept.project;
    let known = |p: &PathBuf| {
        project.topics.iter().any(|t| &t.path == p)
            || project
                .articles
                .iter()
                .any(|a| &a.path == p || &a.meta_path == p)
    };
    let real: Vec<&PathBuf> = changed
        .iter()
        .filter(|p| root.join(p).exists() || known(p))
        .collect();
    let &[path] = real.as_slice() else {
        return rebuild(root, site, hub);
    };
    let article = kept
        .project
        .articles
        .iter()
        .position(|a| &a.meta_path == path || &a.path == path);
    if let Some(s) = article {
        return update_article(root, kept, s, path, started, site, hub);
    }
    if path == Path::new(crate::load::CONFIG_FILE) && root.join(path).is_file() {
        return update_summary(root, kept, path, started, site, hub);
    }
    if path.starts_with("templates") || path.starts_with("themes") {
        return update_templates(root, kept, path, started, site, hub);
    }
    if path == Path::new(crate::load::TIMELINE_FILE) && root.join(path).is_file() {
        let events = match crate::load::reload_timeline(&kept.project) {
            Ok(events) => events,
            Err(problems) => {
                report(site, hub, &problems);
                return Some(kept);
            }
        };
        let topics = kept.replace_timeline(events);
        let rest = "print page and export";
        let rendered = re_render(&kept, path, started, site, hub, rest, |kept, first| {
            let (project, analysis) = (&kept.project, &kept.analysis);
            let base_url = kept.base_url.clone();
            kept.renderer
                .render_timeline(project, analysis, base_url, &topics, first)
        });
        // After a failure the next change rebuilds: the topics of the
        // events last shown are not kept.
        return rendered.then_some(kept);
    }
    if path == Path::new(crate::load::PARTICIPANTS_FILE) && root.join(path).is_file() {
        return update_participants(root, kept, path, started, site, hub);
    }
    let Some(t) = kept.project.topics.iter().position(|t| &t.path == path) else {
        return rebuild(root, site, hub);
    };
    if !root.join(path).is_file() {
        return rebuild(root, site, hub);
    }
    let topic = match crate::load::reload_topic(root, path) {
        Ok(topic) => topic,
        Err(problems) => {
            report(site, hub, &problems);
            return Some(kept);
        }
    };
    if !same_place(&kept.project.topics[t], &topic) {
        return rebuild(root, site, hub);
    }
    let old = &kept.project.topics[t];
    if old.keywords != topic.keywords || old.title != topic.title {
        return update_topic(kept, t, topic, path, started, site, hub);
    }
    kept.project.topics[t] = topic;
    // The topic's own pages first: they are the ones open in the browser
    // while its summary is being written.
    let rendered = re_render(
        &kept,
        path,
        started,
        site,
        hub,
        "print page, export and search index",
        |kept, first| {
            kept.renderer.render_topic_summary(
                &kept.project,
                &kept.analysis,
                kept.base_url.clone(),
                t,
                first,
            )
        },
    );
    // After a failure the next change rebuilds: the kept project holds an
    // edit whose pages were never shown.
    rendered.then_some(kept)
}

/// Checks the kept project's citations, then renders again what `render`
/// makes: the pages it hands over first are served at once and reload the
/// open pages; the whole-corpus files it returns (`rest` says which) follow
/// without a reload. Problems show over the pages instead. Says whether the
/// pages were rendered.
fn re_render(
    kept: &Analysed,
    path: &Path,
    started: Instant,
    site: &RwLock<Site>,
    hub: &Hub,
    rest: &str,
    render: impl FnOnce(
        &Analysed,
        &mut dyn FnMut(Vec<OutputFile>),
    ) -> Result<Vec<OutputFile>, Diagnostics>,
) -> bool {
    let rendered = crate::analyze::citations::verify_all(&kept.project, &kept.analysis)
        .into_result(())
        .and_then(|()| {
            render(kept, &mut |files| {
                serve_first(site, hub, files, path, started)
            })
        });
    match rendered {
        Ok(files) => {
            publish_quietly(site, files);
            eprintln!(
                "{}: {rest} in {} ms",
                path.display(),
                started.elapsed().as_millis()
            );
            true
        }
        Err(problems) => {
            report(site, hub, &problems);
            false
        }
    }
}

/// Serves the first files an edit re-rendered, reloading open pages, and
/// says how many and how long after the edit.
fn serve_first(
    site: &RwLock<Site>,
    hub: &Hub,
    files: Vec<OutputFile>,
    path: &Path,
    started: Instant,
) {
    let pages = files.len();
    publish(site, hub, files, false);
    eprintln!(
        "{}: {pages} {} re-rendered and served in {} ms",
        path.display(),
        if pages == 1 { "page" } else { "pages" },
        started.elapsed().as_millis()
    );
}

/// After an edit to one file of source `s`: when its paragraphs and date
/// are as they were (its title, outlet, author, address or notes changed,
/// say), the pages that name it are rendered again from the kept analysis;
/// otherwise only that source is read again and the whole site rendered
/// ([`update_source_text`]).
fn update_article(
    root: &Path,
    mut kept: Analysed,
    s: usize,
    path: &Path,
    started: Instant,
    site: &RwLock<Site>,
    hub: &Hub,
) -> Option<Analysed> {
    let old = &kept.project.articles[s];
    if !root.join(&old.path).is_file() || !root.join(&old.meta_path).is_file() {
        return rebuild(root, site, hub);
    }
    let mut article = match crate::load::reload_article(root, &kept.project.articles[s]) {
        Ok(article) => article,
        Err(problems) => {
            report(site, hub, &problems);
            return Some(kept);
        }
    };
    // A new date moves the source in every list ordered by date.
    if kept.project.articles[s].meta.published != article.meta.published
        || !same_text(&kept.analysis.sources[s].paragraphs, &article)
    {
        return update_source_text(kept, s, article, path, started, site, hub);
    }
    // As after a whole build: the text lives on as the analysis's paragraphs.
    article.body = String::new();
    kept.project.articles[s] = article;
    // The feeds list the site's pages: needed only once the pages are out.
    let pages = || served_paths(site);
    let rest = "sources list, differences, print page, export and search index";
    let rendered = re_render(&kept, path, started, site, hub, rest, |kept, first| {
        kept.renderer.render_source_meta(
            &kept.project,
            &kept.analysis,
            kept.base_url.clone(),
            s,
            &pages,
            first,
        )
    });
    // After a failure the next change rebuilds: the kept project holds an
    // edit whose pages were never shown.
    rendered.then_some(kept)
}

/// Whether `new` has the same paragraphs as `kept` (as the analysis read
/// them: everything it found follows from them), so that only what the
/// source's cards and pages show changed.
fn same_text(kept: &[Paragraph], new: &Article) -> bool {
    let blocks = crate::analyze::paragraphs::split(new);
    blocks.len() == kept.len()
        && blocks
            .iter()
            .zip(kept)
            .all(|(b, p)| b.text == p.text && b.heading == p.heading)
}

/// After an edit to source `s`'s text or date: only that source is read
/// again, but every comparison across sources is made again, and the edit
/// can change pages of other sources, topics and participants (what no
/// other source carries, shared wording, statements and their numbers).
/// So its own page is served first, then the pages that show otherwise
/// than before; after a new date, which moves the source in every list
/// ordered by date, the whole site as a whole build makes it.
fn update_source_text(
    mut kept: Analysed,
    s: usize,
    article: Article,
    path: &Path,
    started: Instant,
    site: &RwLock<Site>,
    hub: &Hub,
) -> Option<Analysed> {
    let redated = kept.project.articles[s].meta.published != article.meta.published;
    // What the pages show now, to tell which of them the edit changed.
    let shown = (!redated).then(|| Shown::of(&kept.project, &kept.analysis, s));
    if !kept.read_source_again(s, article) {
        let root = kept.project.root.clone();
        return rebuild(&root, site, hub);
    }
    // Its page first, as soon as that source alone is read again: it is
    // the one open while the text is edited.
    let page = crate::analyze::citations::verify_all(&kept.project, &kept.analysis)
        .into_result(())
        .and_then(|()| {
            kept.renderer
                .render_source(&kept.project, &kept.analysis, kept.base_url.clone(), s)
        });
    match page {
        Ok(files) => serve_first(site, hub, files, path, started),
        Err(problems) => {
            report(site, hub, &problems);
            // The next change rebuilds: this edit's pages were never shown.
            return None;
        }
    }
    kept.compare_again();
    let rendered = match shown {
        Some(shown) => {
            let pages = || served_paths(site);
            kept.renderer
                .render_text_edit(
                    &kept.project,
                    &kept.analysis,
                    kept.base_url.clone(),
                    &shown,
                    &pages,
                    &mut |files, gone| {
                        let count = files.len();
                        // One write: a request never sees a page gone and
                        // its neighbours not yet changed. Quietly: the open
                        // page was reloaded with the source's own.
                        if let Ok(mut site) = site.write() {
                            for path in gone {
                                site.files.remove(path);
                            }
                            site.files
                                .extend(files.into_iter().map(|f| (f.path, Arc::new(f.bytes))));
                        }
                        eprintln!(
                            "{}: {count} more pages it changed re-rendered and served in {} ms",
                            path.display(),
                            started.elapsed().as_millis()
                        );
                    },
                )
                .map(|files| {
                    publish_quietly(site, files);
                    "differences, print page, export and search index"
                })
        }
        None => kept.render_site().map(|files| {
            // Pages may be gone (a quotes page, a topic's last page): the
            // whole site replaces the one served.
            if let Ok(mut site) = site.write() {
                site.files = files
                    .into_iter()
                    .map(|f| (f.path, Arc::new(f.bytes)))
                    .collect();
            }
            "whole site"
        }),
    };
    match rendered {
        Ok(what) => eprintln!(
            "{}: {what} in {} ms",
            path.display(),
            started.elapsed().as_millis()
        ),
        Err(problems) => {
            report(site, hub, &problems);
            return None;
        }
    }
    kept.words = Some(crate::analyze::word_index(&kept.analysis));
    Some(kept)
}

/// After an edit under `templates/` or `themes/`: the analysis stays; when
/// only theme files' bytes changed (a style sheet, say), they alone are
/// served again; otherwise every page is rendered again from the kept
/// analysis with the new templates.
fn update_templates(
    root: &Path,
    mut kept: Analysed,
    path: &Path,
    started: Instant,
    site: &RwLock<Site>,
    hub: &Hub,
) -> Option<Analysed> {
    let assets = match kept.replace_renderer(root) {
        Ok(assets) => assets,
        Err(problems) => {
            report(site, hub, &problems);
            // The templates are not what is on disk: the next change
            // rebuilds, and so reports the mistake until it is mended.
            return None;
        }
    };
    if let Some(files) = assets {
        if files.is_empty() {
            // A theme not in use, or a file saved as it was.
            eprintln!("{}: no theme file changed", path.display());
            return Some(kept);
        }
        let n = files.len();
        publish(site, hub, files, false);
        eprintln!(
            "{}: {n} theme {} served in {} ms",
            path.display(),
            if n == 1 { "file" } else { "files" },
            started.elapsed().as_millis()
        );
        return Some(kept);
    }
    let rendered = kept.render_site();
    match rendered {
        Ok(files) => {
            publish(site, hub, files, true);
            eprintln!(
                "{}: whole site rendered again in {} ms",
                path.display(),
                started.elapsed().as_millis()
            );
            Some(kept)
        }
        Err(problems) => {
            report(site, hub, &problems);
            // The pages served are not the kept templates': the next change
            // rebuilds.
            None
        }
    }
}

/// After an edit to `dossier.yaml`: when only the executive summary changed,
/// the pages showing it are rendered again from the kept analysis; otherwise
/// the whole site is rebuilt. Returns what to keep.
fn update_summary(
    root: &Path,
    mut kept: Analysed,
    path: &Path,
    started: Instant,
    site: &RwLock<Site>,
    hub: &Hub,
) -> Option<Analysed> {
    let (config, summary, source) = match crate::load::reload_config(root) {
        Ok(read) => read,
        Err(problems) => {
            report(site, hub, &problems);
            return Some(kept);
        }
    };
    if !kept.replace_summary(config, summary, source) {
        return rebuild(root, site, hub);
    }
    let rest = "print page and export";
    let rendered = re_render(&kept, path, started, site, hub, rest, |kept, first| {
        kept.renderer
            .render_summary(&kept.project, &kept.analysis, kept.base_url.clone(), first)
    });
    // After a failure the next change rebuilds: the kept project holds an
    // edit whose pages were never shown.
    rendered.then_some(kept)
}

/// After an edit to `participants.yaml`: when everyone keeps their id, name
/// and aliases (all the analysis looks for), the pages showing the roles,
/// affiliations and notes that changed are rendered again from the kept
/// analysis; otherwise the whole site is rebuilt. Returns what to keep.
fn update_participants(
    root: &Path,
    mut kept: Analysed,
    path: &Path,
    started: Instant,
    site: &RwLock<Site>,
    hub: &Hub,
) -> Option<Analysed> {
    let new = match crate::load::reload_participants(root) {
        Ok(new) => new,
        Err(problems) => {
            report(site, hub, &problems);
            return Some(kept);
        }
    };
    let Some(changed) = kept.replace_participants(new) else {
        return rebuild(root, site, hub);
    };
    let rest = "print page, export and search index";
    let rendered = re_render(&kept, path, started, site, hub, rest, |kept, first| {
        kept.renderer.render_participant_meta(
            &kept.project,
            &kept.analysis,
            kept.base_url.clone(),
            &changed,
            first,
        )
    });
    // After a failure the next change rebuilds: this one's other edits
    // were never shown.
    rendered.then_some(kept)
}

/// Whether `new` has `old`'s slug and order, which decide where it is in
/// the topics, by which the analysis numbers them.
fn same_place(old: &Topic, new: &Topic) -> bool {
    old.slug == new.slug && old.order == new.order
}

/// After an edit to topic `t`'s keywords or title (and perhaps its
/// summary): new keywords are found again in the kept paragraphs, and the
/// pages showing what they match, or the title, rendered again. Returns what
/// to keep: nothing when the pages could not be rendered, so that the next
/// change rebuilds them all.
fn update_topic(
    mut kept: Analysed,
    t: usize,
    topic: Topic,
    path: &Path,
    started: Instant,
    site: &RwLock<Site>,
    hub: &Hub,
) -> Option<Analysed> {
    let edit = kept.replace_topic(t, topic);
    let slug = kept.project.topics[t].slug.clone();
    if let Ok(mut site) = site.write() {
        for gone in edit.pages_gone(&slug) {
            site.files.remove(&gone);
        }
    }
    let pages = || served_paths(site);
    let rest = "pages tagging its passages, differences, print page and export";
    let rendered = re_render(&kept, path, started, site, hub, rest, |kept, first| {
        kept.renderer.render_topic_edit(
            &kept.project,
            &kept.analysis,
            kept.base_url.clone(),
            &edit,
            &pages,
            first,
        )
    });
    rendered.then_some(kept)
}

/// Builds the whole site in memory; keeps what the next change may reuse.
fn rebuild(root: &Path, site: &RwLock<Site>, hub: &Hub) -> Option<Analysed> {
    let started = Instant::now();
    let result = crate::load_and_analyze(root, None, &Silent).and_then(|kept| {
        let files = kept.render_site()?;
        Ok((kept, files))
    });
    match result {
        Ok((mut kept, files)) => {
            publish(site, hub, files, true);
            eprintln!("rebuilt in {} ms", started.elapsed().as_millis());
            // Made now, while the analyst reads the pages, not on the
            // first edit to a topic's keywords.
            kept.words = Some(crate::analyze::word_index(&kept.analysis));
            // And for an edit to an article's text.
            kept.compared = Some(crate::analyze::Compared::of(&kept.analysis));
            Some(kept)
        }
        Err(problems) => {
            report(site, hub, &problems);
            None
        }
    }
}

/// The paths of the files served now, for the feeds.
fn served_paths(site: &RwLock<Site>) -> Vec<String> {
    site.read()
        .map(|site| site.files.keys().cloned().collect())
        .unwrap_or_default()
}

/// Serves `files` from now on (in place of the whole site when `whole`) and
/// reloads open pages.
fn publish(site: &RwLock<Site>, hub: &Hub, files: Vec<OutputFile>, whole: bool) {
    if let Ok(mut site) = site.write() {
        // One write: a request never sees the site half replaced.
        if whole {
            site.files.clear();
        }
        site.errors = None;
        site.files
            .extend(files.into_iter().map(|f| (f.path, Arc::new(f.bytes))));
    }
    hub.broadcast("event: reload\ndata: ok\n\n");
}

/// Serves `files` from now on, without reloading open pages.
fn publish_quietly(site: &RwLock<Site>, files: Vec<OutputFile>) {
    if let Ok(mut site) = site.write() {
        site.files
            .extend(files.into_iter().map(|f| (f.path, Arc::new(f.bytes))));
    }
}

/// Shows a failed build's problems over open pages; the last good site stays.
fn report(site: &RwLock<Site>, hub: &Hub, problems: &Diagnostics) {
    let text: String = problems
        .0
        .iter()
        .map(|d| format!("{}\n", d.render(false)))
        .collect();
    eprintln!(
        "{text}{} problem(s): still serving the last good build",
        problems.len()
    );
    let Ok(mut site) = site.write() else { return };
    site.errors = Some(text.clone());
    drop(site);
    hub.broadcast(&sse("error", &text));
}

/// A Server-Sent Event: every line of `data` gets its own `data:` field.
fn sse(event: &str, data: &str) -> String {
    let mut out = format!("event: {event}\n");
    for line in data.lines() {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

fn handle(request: Request, site: &RwLock<Site>, hub: &Hub) {
    let raw = request.url().split(['?', '#']).next().unwrap_or("/");
    let url = format!("/{}", raw.trim_start_matches('/'));
    let response = match url.as_str() {
        LIVE_PATH => Response::from_data(LIVE_SCRIPT.as_bytes().to_vec())
            .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
            .boxed(),
        EVENTS_PATH => return stream_events(request, site, hub),
        path => serve_file(path, site),
    };
    let _ = request.respond(response);
}

fn serve_file(path: &str, site: &RwLock<Site>) -> tiny_http::ResponseBox {
    let Ok(site) = site.read() else {
        return Response::from_string("busy").with_status_code(503).boxed();
    };
    let decoded = percent_decode(path.trim_start_matches('/'));
    let key = if decoded.is_empty() || decoded.ends_with('/') {
        format!("{decoded}index.html")
    } else {
        decoded
    };
    let (status, key) = if site.files.contains_key(&key) {
        (200, key)
    } else if site.files.contains_key(&format!("{key}/index.html")) {
        return Response::from_data(Vec::new())
            .with_status_code(301)
            .with_header(header("Location", &format!("/{key}/")))
            .boxed();
    } else {
        (404, "404.html".to_string())
    };
    match site.files.get(&key) {
        Some(bytes) if key.ends_with(".html") => {
            let html = String::from_utf8_lossy(bytes);
            Response::from_data(inject(&html).into_bytes())
                .with_status_code(status)
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
                .with_header(header("Cache-Control", "no-store"))
                .boxed()
        }
        Some(bytes) => Response::from_data(bytes.as_ref().clone())
            .with_status_code(status)
            .with_header(header("Content-Type", content_type(&key)))
            .with_header(header("Cache-Control", "no-store"))
            .boxed(),
        // The very first build failed: there is no site yet, only errors.
        None => {
            let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>dossier: build failed</title></head><body><h1>The build failed</h1><p>Fix the problems shown; the page reloads when they are fixed.</p></body></html>";
            Response::from_data(inject(page).into_bytes())
                .with_status_code(if site.errors.is_some() { 500 } else { 404 })
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
                .boxed()
        }
    }
}

/// Adds the live-reload script before `</body>`.
fn inject(html: &str) -> String {
    let tag = format!("<script src=\"{LIVE_PATH}\"></script>");
    match html.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &html[..i], &html[i..]),
        None => format!("{html}{tag}"),
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&path[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Holds the connection open and writes each event as it comes, flushed at
/// once (a buffered response body would hold them back). A comment every
/// few seconds lets a closed page end its thread.
fn stream_events(request: Request, site: &RwLock<Site>, hub: &Hub) {
    let rx = hub.subscribe();
    // A new page learns at once whether the site is broken.
    let first = site
        .read()
        .ok()
        .and_then(|s| s.errors.clone())
        .map_or_else(|| ": connected\n\n".to_string(), |e| sse("error", &e));
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n";
    let mut send = |text: &str| out.write_all(text.as_bytes()).and_then(|()| out.flush());
    if send(head).and_then(|()| send(&first)).is_err() {
        return;
    }
    loop {
        let event = match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if send(&event).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_put_each_line_in_its_own_data_field() {
        assert_eq!(sse("error", "a\nb"), "event: error\ndata: a\ndata: b\n\n");
    }

    #[test]
    fn only_inputs_trigger_rebuilds() {
        let root = Path::new("/nonexistent/d");
        assert!(is_input(root, &root.join("content/topics/t.yaml")));
        assert!(is_input(root, &root.join("dossier.yaml")));
        assert!(!is_input(root, &root.join("public/index.html")));
        assert!(!is_input(root, &root.join("content/.t.yaml.swp")));
        assert!(!is_input(root, Path::new("/elsewhere/content/x.yaml")));
    }

    #[test]
    fn an_article_edit_keeps_its_text_only_when_its_paragraphs_are_the_same() {
        let article = |text: &str| {
            let file = crate::load::SourceFile {
                path: "content/articles/a.md".into(),
                bytes: text.as_bytes().to_vec(),
                unreadable: None,
            };
            let mut problems = crate::diagnostic::Diagnostics::default();
            let mut read = crate::load::articles::load_all(&[&file], &mut problems);
            assert!(problems.is_empty());
            read.pop().unwrap()
        };
        let before = article("---\ntitle: A\npublished: 2025-08-18\n---\n# Talks\n\nThey met.\n");
        let kept: Vec<Paragraph> = crate::analyze::paragraphs::split(&before)
            .into_iter()
            .enumerate()
            .map(|(i, b)| {
                let words = b.text.split_whitespace().count();
                Paragraph::new(i + 1, b.text, b.heading, words, Vec::new(), Vec::new())
            })
            .collect();
        let same = |text: &str| same_text(&kept, &article(text));
        assert!(same(
            "---\ntitle: B\noutlet: X\npublished: 2025-08-18\n---\n# Talks\n\nThey met.\n"
        ));
        // Layout the paragraphs do not see.
        assert!(same(
            "---\ntitle: A\npublished: 2025-08-18\n---\n# Talks\n\n\nThey met.\n"
        ));
        // The date, which orders the sources, is compared apart.
        assert!(same(
            "---\ntitle: A\npublished: 2025-08-17\n---\n# Talks\n\nThey met.\n"
        ));
        assert!(!same(
            "---\ntitle: A\npublished: 2025-08-18\n---\n# Talks\n\nThey met again.\n"
        ));
        assert!(!same(
            "---\ntitle: A\npublished: 2025-08-18\n---\nTalks\n\nThey met.\n"
        ));
        assert!(!same(
            "---\ntitle: A\npublished: 2025-08-18\n---\n# Talks\n"
        ));
    }

    #[test]
    fn a_topic_edit_keeping_its_place_is_re_rendered_in_place() {
        let topic = |slug: &str, order: i64, keywords: &[&str]| Topic {
            slug: slug.into(),
            path: "content/topics/t.yaml".into(),
            title: "T".into(),
            order,
            summary: None,
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
        };
        let old = topic("t", 1, &["a"]);
        assert!(same_place(&old, &topic("t", 1, &["a", "b"])));
        assert!(!same_place(&old, &topic("t", 2, &["a"])));
        assert!(!same_place(&old, &topic("u", 1, &["a"])));
    }

    #[test]
    fn the_script_goes_before_the_end_of_body() {
        assert_eq!(
            inject("<body>x</body></html>"),
            "<body>x<script src=\"/__dossier/live.js\"></script></body></html>"
        );
        assert_eq!(percent_decode("a%20b/%C3%A9"), "a b/é");
    }
}
