//! `dossier serve` as a user runs it: a real server on a free loopback port,
//! files edited on disk, the page and the reload events seen over HTTP.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{Fixture, webdriver};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(f: &Fixture) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--port", "0", "--root", f.root().to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let start = line
        .find("http://")
        .expect("the server says where it listens");
    let url = line[start..].split_whitespace().next().unwrap().to_string();
    (Server(child), url)
}

fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut response = agent.get(url).call().unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

/// The server's events, one `event:` block at a time.
fn events(url: &str) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let url = format!("{url}__dossier/events");
    std::thread::spawn(move || {
        let response = ureq::get(&url).call().unwrap();
        let mut reader = BufReader::new(response.into_body().into_reader());
        let mut block = String::new();
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            if line == "\n" {
                if tx.send(std::mem::take(&mut block)).is_err() {
                    return;
                }
            } else {
                block.push_str(&line);
            }
            line.clear();
        }
    });
    rx
}

fn next_event(rx: &mpsc::Receiver<String>, kind: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(block) if block.starts_with(&format!("event: {kind}")) => return block,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("no `{kind}` event within 20 s");
}

#[test]
fn serve_rebuilds_on_change_reports_errors_and_recovers() {
    let f = Fixture::new();
    let (_server, url) = start(&f);
    let (status, page) = get(&format!("{url}topics/security/"));
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Security guarantees</h1>"));
    assert!(page.contains(r#"<script src="/__dossier/live.js"></script></body>"#));
    let (_, script) = get(&format!("{url}__dossier/live.js"));
    assert!(script.contains("EventSource"));

    let rx = events(&url);
    let _ = rx.recv_timeout(Duration::from_secs(10)); // ": connected"

    f.write(
        "content/topics/security.yaml",
        &common::TOPIC.replace("Security guarantees", "Guarantees, revised"),
    );
    next_event(&rx, "reload");
    let (_, page) = get(&format!("{url}topics/security/"));
    assert!(page.contains("<h1>Guarantees, revised</h1>"), "{page}");

    f.write("content/topics/security.yaml", "title: [\n");
    let error = next_event(&rx, "error");
    assert!(
        error.contains("content/topics/security.yaml:1:8"),
        "{error}"
    );
    let (status, page) = get(&format!("{url}topics/security/"));
    assert_eq!(status, 200, "the last good build is still served");
    assert!(page.contains("<h1>Guarantees, revised</h1>"));
    // A page opened now learns of the error at once.
    let first = events(&url).recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(first.starts_with("event: error"), "{first}");
    assert!(
        first.contains("content/topics/security.yaml:1:8"),
        "{first}"
    );

    f.write("content/topics/security.yaml", common::TOPIC);
    next_event(&rx, "reload");
    let (_, page) = get(&format!("{url}topics/security/"));
    assert!(page.contains("<h1>Security guarantees</h1>"));
}

#[test]
fn build_output_never_carries_the_reload_script() {
    let f = Fixture::new();
    f.build();
    for (path, bytes) in common::site_files(&f.public()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__dossier"),
            "{path}"
        );
    }
}

#[test]
fn in_a_browser_a_broken_file_shows_an_overlay_and_fixing_it_reloads() {
    let Some((chromium, driver)) = webdriver::find() else {
        return;
    };
    let f = Fixture::new();
    let (_server, url) = start(&f);
    let b = webdriver::Browser::start(&chromium, &driver, 1000, 700);
    b.goto(&format!("{url}topics/security/"));
    b.wait_for(
        "return document.querySelector('h1').textContent === 'Security guarantees'",
        "the page",
    );
    // Give the page time to open its event stream.
    std::thread::sleep(Duration::from_millis(500));
    f.write("content/topics/security.yaml", "title: [\n");
    b.wait_for(
        "return !!document.getElementById('dossier-error-overlay')",
        "the error overlay",
    );
    let text = b.run(
        "return document.getElementById('dossier-error-overlay').textContent",
        serde_json::json!([]),
    );
    assert!(
        text.as_str()
            .unwrap()
            .contains("content/topics/security.yaml:1:8"),
        "{text}"
    );
    if let Some(dir) = std::env::var_os("DOSSIER_SCREENSHOTS") {
        b.screenshot(&std::path::Path::new(&dir).join("serve-error-overlay.png"));
    }
    f.write(
        "content/topics/security.yaml",
        &common::TOPIC.replace("Security guarantees", "Fixed title"),
    );
    b.wait_for(
        "return !document.getElementById('dossier-error-overlay') && document.querySelector('h1').textContent === 'Fixed title'",
        "the page to reload without the overlay",
    );
}

#[test]
fn an_edit_to_a_topic_summary_re_renders_only_what_shows_it() {
    let f = Fixture::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--port", "0", "--root", f.root().to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line[line.find("http://").unwrap()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let stderr = child.stderr.take().unwrap();
    let _server = Server(child);
    let (log_tx, log) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = log_tx.send(line);
        }
    });
    let next_log = |what: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match log.recv_timeout(left) {
                Ok(l) if l.contains(what) => return l,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("the server never said `{what}`");
    };
    next_log("rebuilt in");
    let rx = events(&url);
    let _ = rx.recv_timeout(Duration::from_secs(10)); // ": connected"

    f.write(
        "content/topics/security.yaml",
        &common::TOPIC.replace("What they say.", "What they now say."),
    );
    next_event(&rx, "reload");
    let said = next_log("content/topics/security.yaml: ");
    assert!(said.contains("pages re-rendered and served"), "{said}");
    let (_, page) = get(&format!("{url}topics/security/"));
    assert!(page.contains("What they now say."), "{page}");
    let (_, front) = get(&url);
    assert!(front.contains("What they now say."), "{front}");
    // The whole-corpus files follow.
    next_log("print page, export and search index");
    for path in ["print/", "dossier.json", "search-index.js"] {
        let (_, body) = get(&format!("{url}{path}"));
        assert!(body.contains("What they now say."), "{path}");
    }

    // A citation of a source that does not exist is still an error.
    f.write(
        "content/topics/security.yaml",
        &common::TOPIC.replace("What they say.", "What they say [@nope:p1]."),
    );
    let error = next_event(&rx, "error");
    assert!(error.contains("content/topics/security.yaml"), "{error}");
    let (_, page) = get(&format!("{url}topics/security/"));
    assert!(
        page.contains("What they now say."),
        "the last good pages stay"
    );
    // The fix is a whole build: the failed edit's pages were never shown.
    f.write(
        "content/topics/security.yaml",
        &common::TOPIC.replace("What they say.", "What they now say."),
    );
    next_event(&rx, "reload");
    next_log("rebuilt in");

    // A keyword less: the topic's pages and the pages tagging the passage it
    // loses are rendered again from the kept analysis.
    let tags = |page: &str, n: usize| {
        let para = page
            .split(&format!("id=\"p{n}\""))
            .nth(1)
            .unwrap()
            .to_string();
        para[..para.find("</div>").unwrap()].to_string()
    };
    let (_, source) = get(&format!("{url}sources/a1/"));
    assert!(tags(&source, 4).contains("topic-tag"), "{source}");
    f.write(
        "content/topics/security.yaml",
        &common::TOPIC
            .replace("What they say.", "What they now say.")
            .replace("  - Article 5\n", ""),
    );
    next_event(&rx, "reload");
    let said = next_log("content/topics/security.yaml: ");
    assert!(said.contains("pages re-rendered and served"), "{said}");
    let (_, page) = get(&format!("{url}topics/security/"));
    assert!(!page.contains("Witkoff told CNN"), "{page}");
    next_log("pages tagging its passages");
    let (_, source) = get(&format!("{url}sources/a1/"));
    assert!(!tags(&source, 4).contains("topic-tag"), "{source}");
    assert!(tags(&source, 2).contains("topic-tag"), "{source}");

    // A new title: the topic's pages first, then every page tagging it.
    f.write(
        "content/topics/security.yaml",
        &common::TOPIC.replace("Security guarantees", "Guarantees"),
    );
    next_event(&rx, "reload");
    let said = next_log("content/topics/security.yaml: ");
    assert!(said.contains("pages re-rendered and served"), "{said}");
    next_log("pages tagging its passages");
    let (_, page) = get(&format!("{url}sources/a1/"));
    assert!(tags(&page, 4).contains(">Guarantees</a>"), "{page}");
    // A participant's role: their pages, the list and the front page, from
    // the kept analysis; a new alias changes what is found: a rebuild.
    f.write(
        "content/participants.yaml",
        &common::PARTICIPANTS.replace("President of Ukraine", "Head of state"),
    );
    next_event(&rx, "reload");
    let said = next_log("content/participants.yaml: ");
    assert!(said.contains("pages re-rendered and served"), "{said}");
    let (_, page) = get(&format!("{url}participants/zelensky/"));
    assert!(page.contains("Head of state"), "{page}");
    f.write(
        "content/participants.yaml",
        &common::PARTICIPANTS.replace("[Zelensky, Zelenskyy]", "[Zelensky]"),
    );
    next_event(&rx, "reload");
    next_log("rebuilt in");

    // The executive summary: the front page first, from the kept analysis.
    f.write(
        "dossier.yaml",
        &common::CONFIG.replace("The bottom line.", "\"The bottom line, **now**.\""),
    );
    next_event(&rx, "reload");
    let said = next_log("dossier.yaml: ");
    assert!(said.contains(": 1 page re-rendered and served"), "{said}");
    let (_, front) = get(&url);
    assert!(front.contains("<strong>now</strong>"), "{front}");

    // The timeline: its page, the front page and its events' topic pages.
    f.write(
        "content/timeline.yaml",
        "- date: 2025-08-18\n  title: Talks at the White House\n  topics: [security]\n",
    );
    next_event(&rx, "reload");
    let said = next_log("content/timeline.yaml: ");
    assert!(said.contains("re-rendered and served"), "{said}");
    let (_, topic) = get(&format!("{url}topics/security/"));
    assert!(topic.contains("Talks at the White House"), "{topic}");

    // A new order renumbers the topics: the whole site is rebuilt.
    f.write(
        "content/topics/security.yaml",
        &common::TOPIC
            .replace("Security guarantees", "Guarantees")
            .replace("order: 1", "order: 2"),
    );
    next_event(&rx, "reload");
    next_log("rebuilt in");

    // A sidecar's title and outlet: the pages that name the source are
    // re-rendered from the kept analysis.
    f.write(
        "content/articles/a1.yaml",
        &common::ARTICLE_META
            .replace("Talks in Washington", "Talks in the White House")
            .replace("Test News", "Other News"),
    );
    next_event(&rx, "reload");
    let said = next_log("content/articles/a1.yaml: ");
    assert!(said.contains("pages re-rendered and served"), "{said}");
    let (_, page) = get(&format!("{url}sources/a1/"));
    assert!(page.contains("Talks in the White House"), "{page}");
    let (_, topic) = get(&format!("{url}topics/security/"));
    assert!(topic.contains("Other News"), "{topic}");
    next_log("sources list, differences, print page, export and search index");
    let (_, export) = get(&format!("{url}dossier.json"));
    assert!(export.contains("Talks in the White House"));
    // The article's text: only it is read again, every comparison made
    // again; its page first, then the other files it changed.
    f.write(
        "content/articles/a1.txt",
        &format!("{}\nStubb spoke to reporters.\n", common::ARTICLE_TEXT),
    );
    next_event(&rx, "reload");
    let said = next_log("content/articles/a1.txt: ");
    assert!(said.contains(": 1 page re-rendered and served"), "{said}");
    let said = next_log("content/articles/a1.txt: ");
    assert!(said.contains("more pages it changed re-rendered"), "{said}");
    next_log("content/articles/a1.txt: differences, print page, export and search index in");
    let (_, page) = get(&format!("{url}sources/a1/"));
    assert!(page.contains("Stubb spoke to reporters."), "{page}");
    let (_, person) = get(&format!("{url}participants/stubb/"));
    assert!(person.contains("</mark> spoke to reporters."), "{person}");
    // A mistake in the sidecar is shown with its place; the pages stay.
    f.write(
        "content/articles/a1.yaml",
        &common::ARTICLE_META.replace("2025-08-18", "18 August"),
    );
    let error = next_event(&rx, "error");
    assert!(error.contains("content/articles/a1.yaml:3:"), "{error}");
    let (_, page) = get(&format!("{url}sources/a1/"));
    assert!(
        page.contains("Talks in the White House"),
        "the last good pages stay"
    );
    // A new date reorders the lists of sources: its page first, then the
    // whole site.
    f.write(
        "content/articles/a1.yaml",
        &common::ARTICLE_META.replace("2025-08-18", "2025-08-17"),
    );
    next_event(&rx, "reload");
    next_log("content/articles/a1.yaml: whole site in");
    let (_, page) = get(&format!("{url}sources/a1/"));
    assert!(page.contains("17 August 2025"), "{page}");
}

/// Lays the files a fast path rendered again over the site as it was, and
/// checks that the result is, byte for byte and file for file, a whole build
/// of the edited dossier at `root`; returns that whole build.
fn overlay_is_whole_build(
    root: &std::path::Path,
    base_url: Option<&str>,
    mut site: BTreeMap<String, Vec<u8>>,
    again: Vec<dossier::render::OutputFile>,
    edit: &str,
) -> BTreeMap<String, Vec<u8>> {
    site.extend(again.into_iter().map(|f| (f.path, f.bytes)));
    let whole: BTreeMap<String, Vec<u8>> = dossier::prepare(root, base_url)
        .unwrap()
        .files
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    assert_eq!(
        site.keys().collect::<Vec<_>>(),
        whole.keys().collect::<Vec<_>>(),
        "{}: the files after {edit}",
        root.display()
    );
    for (path, bytes) in &whole {
        assert!(
            &site[path] == bytes,
            "{}: {path} is stale after {edit}",
            root.display()
        );
    }
    whole
}

/// Gives an article's metadata (its sidecar, or its Markdown front matter)
/// a new title, outlet, author and address, as an analyst would, keeping
/// its other lines.
fn edit_metadata(root: &std::path::Path, meta: &std::path::Path) {
    let path = root.join(meta);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = [
        "title: \"Edited <em>title</em> & more\"",
        "outlet: \"The Edited Outlet\"",
        "author: \"A. Writer\"",
        "url: \"https://example.org/edited?a=1&b=2\"",
    ];
    let replaced = |l: &&str| {
        !["title:", "outlet:", "author:", "url:"]
            .iter()
            .any(|k| l.starts_with(k))
    };
    let out = match text.strip_prefix("---\n") {
        Some(rest) => {
            let (front, body) = rest.split_once("\n---\n").unwrap();
            let mut lines: Vec<&str> = front.lines().filter(replaced).collect();
            lines.extend(edited);
            format!("---\n{}\n---\n{body}", lines.join("\n"))
        }
        None => {
            let mut lines: Vec<&str> = text.lines().filter(replaced).collect();
            lines.extend(edited);
            lines.join("\n") + "\n"
        }
    };
    std::fs::write(&path, out).unwrap();
}

/// Edits source `id`'s metadata in the dossier at `root` and re-renders what
/// `serve` re-renders: laid over the site from before, those files must make
/// the site a whole build makes of the edited dossier. Returns how many
/// pages came first, and how many pages the site has.
fn metadata_edit_matches_a_whole_build(
    root: &std::path::Path,
    id: &str,
    base_url: Option<&str>,
) -> (usize, usize) {
    let mut kept = dossier::load_and_analyze(root, base_url, &dossier::Silent).unwrap();
    let before = kept.render_site().unwrap();
    let s = kept
        .project
        .articles
        .iter()
        .position(|a| a.id == id)
        .unwrap();
    edit_metadata(root, &kept.project.articles[s].meta_path);
    let mut article = dossier::load::reload_article(root, &kept.project.articles[s]).unwrap();
    article.body = String::new();
    kept.project.articles[s] = article;
    let paths: Vec<String> = before.iter().map(|f| f.path.clone()).collect();
    let mut again = Vec::new();
    let rest = kept
        .renderer
        .render_source_meta(
            &kept.project,
            &kept.analysis,
            kept.base_url.clone(),
            s,
            &|| paths.clone(),
            &mut |files| again.extend(files),
        )
        .unwrap();
    let first = again.len();
    again.extend(rest);
    let pages = paths.iter().filter(|p| p.ends_with(".html")).count();
    let whole = overlay_is_whole_build(
        root,
        base_url,
        before.into_iter().map(|f| (f.path, f.bytes)).collect(),
        again,
        &format!("editing {id}'s metadata"),
    );
    let front = String::from_utf8_lossy(&whole["index.html"]).into_owned();
    assert!(front.contains("The Edited Outlet"), "the edit shows");
    (first, pages)
}

#[test]
fn a_metadata_edit_re_renders_every_page_that_names_the_source() {
    let dir = tempfile::tempdir().unwrap();
    // The default dossier: shared wording, statements across outlets,
    // spellings, citations, a timeline; with and without feeds.
    for (k, (id, base_url)) in [
        ("001", None),
        ("003", None),
        ("000", Some("https://example.org/briefing/")),
    ]
    .into_iter()
    .enumerate()
    {
        let root = dir.path().join(format!("default-{k}"));
        common::copy_default_dossier(&root);
        metadata_edit_matches_a_whole_build(&root, id, base_url);
    }
    // Many sources: topic, participant and quotes pages beyond the first.
    let synth = dir.path().join("synth");
    dossier::synth::write_corpus(&synth, 400, 5).unwrap();
    let id = (250..400)
        .map(|n| format!("{n:05}"))
        .find(|id| synth.join(format!("content/articles/{id}.yaml")).exists())
        .unwrap();
    // Another source's notes and a participant's notes cite it.
    let other = (1..250)
        .map(|n| synth.join(format!("content/articles/{n:05}.yaml")))
        .find(|p| p.exists())
        .unwrap();
    let mut meta = std::fs::read_to_string(&other).unwrap();
    meta.push_str(&format!("notes: \"Compare [@{id}:p1].\"\n"));
    std::fs::write(&other, meta).unwrap();
    let people = synth.join("content/participants.yaml");
    let list = std::fs::read_to_string(&people).unwrap();
    let (first, rest) = list.split_once("\n- id:").unwrap();
    let cited = format!("{first}\n  notes: \"Profiled in [@{id}].\"\n- id:{rest}");
    std::fs::write(&people, cited).unwrap();
    let (first, pages) = metadata_edit_matches_a_whole_build(&synth, &id, None);
    assert!(
        first * 4 < pages,
        "{first} of {pages} pages were rendered again for one source"
    );
    // A Markdown article's front matter.
    let md = (250..400)
        .map(|n| format!("{n:05}"))
        .find(|id| synth.join(format!("content/articles/{id}.md")).exists())
        .unwrap();
    metadata_edit_matches_a_whole_build(&synth, &md, None);
}

/// Gives the topic at `path` (whose `keywords:` list ends the file) the
/// keywords `keywords`, and perhaps a new summary.
fn set_keywords(path: &std::path::Path, keywords: &[&str], summary: Option<&str>) {
    let text = std::fs::read_to_string(path).unwrap();
    let (head, _) = text.split_once("\nkeywords:").unwrap();
    let mut head = head.to_string();
    if let Some(summary) = summary {
        let (before, _) = head.split_once("\nsummary:").unwrap();
        head = format!("{before}\nsummary: \"{summary}\"");
    }
    let list: String = keywords.iter().map(|k| format!("  - \"{k}\"\n")).collect();
    std::fs::write(path, format!("{head}\nkeywords:\n{list}")).unwrap();
}

/// Edits topic `slug` in the dossier at `root` with `edit` and re-renders
/// what `serve` re-renders, from the kept analysis: laid over the site from
/// before (less the topic's pages past its new last one), those files must
/// make the site a whole build makes of the edited dossier. Returns how many
/// files were rendered again, and how many the site has.
fn topic_edit_matches_a_whole_build(
    root: &std::path::Path,
    slug: &str,
    edit: impl FnOnce(&std::path::Path),
    base_url: Option<&str>,
) -> (usize, usize) {
    let mut kept = dossier::load_and_analyze(root, base_url, &dossier::Silent).unwrap();
    let before = kept.render_site().unwrap();
    let t = kept
        .project
        .topics
        .iter()
        .position(|t| t.slug == slug)
        .unwrap();
    let path = kept.project.topics[t].path.clone();
    edit(&root.join(&path));
    let topic = dossier::load::reload_topic(root, &path).unwrap();
    let edit = kept.replace_topic(t, topic);
    let mut site: BTreeMap<String, Vec<u8>> =
        before.into_iter().map(|f| (f.path, f.bytes)).collect();
    for gone in edit.pages_gone(slug) {
        assert!(site.remove(&gone).is_some(), "{gone}");
    }
    let mut again = Vec::new();
    let served = std::cell::RefCell::new(Vec::<String>::new());
    let rest = kept
        .renderer
        .render_topic_edit(
            &kept.project,
            &kept.analysis,
            kept.base_url.clone(),
            &edit,
            // As `serve` lists them: the site's files once the first are in.
            &|| {
                let mut paths: Vec<String> = site.keys().cloned().collect();
                paths.extend(served.borrow().iter().cloned());
                paths.sort();
                paths.dedup();
                paths
            },
            &mut |files| {
                served
                    .borrow_mut()
                    .extend(files.iter().map(|f| f.path.clone()));
                again.extend(files)
            },
        )
        .unwrap();
    again.extend(rest);
    let rendered = again.len();
    let whole = overlay_is_whole_build(
        root,
        base_url,
        site,
        again,
        &format!("editing topic {slug}"),
    );
    (rendered, whole.len())
}

/// The same, for an edit of the topic's keywords and perhaps its summary.
fn keyword_edit_matches_a_whole_build(
    root: &std::path::Path,
    slug: &str,
    keywords: &[&str],
    summary: Option<&str>,
    base_url: Option<&str>,
) -> (usize, usize) {
    let edit = |path: &std::path::Path| set_keywords(path, keywords, summary);
    topic_edit_matches_a_whole_build(root, slug, edit, base_url)
}

/// Gives the topic at `path` a new title.
fn set_title(path: &std::path::Path, title: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let (_, rest) = text.split_once("title:").unwrap();
    let (_, rest) = rest.split_once('\n').unwrap();
    let head = text[..text.find("title:").unwrap()].to_string();
    std::fs::write(path, format!("{head}title: \"{title}\"\n{rest}")).unwrap();
}

#[test]
fn a_title_edit_re_renders_every_page_tagging_the_topic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("default");
    common::copy_default_dossier(&root);
    let base = Some("https://example.org/briefing/");
    let retitle = |path: &std::path::Path| set_title(path, "Guarantees <for> Kyiv & co");
    topic_edit_matches_a_whole_build(&root, "security-guarantees", retitle, base);
    let synth = dir.path().join("synth");
    dossier::synth::write_corpus(&synth, 400, 5).unwrap();
    let both = |path: &std::path::Path| {
        set_keywords(path, &["crop yields", "livestock farmers"], None);
        set_title(path, "Farming");
    };
    let (rendered, files) = topic_edit_matches_a_whole_build(&synth, "agriculture", both, base);
    assert!(
        rendered * 2 < files,
        "{rendered} of {files} files rendered again"
    );
}

#[test]
fn a_keyword_edit_re_renders_every_page_showing_what_the_topic_matches() {
    let dir = tempfile::tempdir().unwrap();
    // The default dossier: a keyword added (passages with quotes, shared
    // statements, other topics' passages), then one taken away, with feeds.
    let root = dir.path().join("default");
    common::copy_default_dossier(&root);
    // A dossier's own quote card that tags each quote with its topics, as
    // its context allows: shown on every topic's pages.
    std::fs::create_dir_all(root.join("templates/partials")).unwrap();
    let card = std::fs::read_to_string("templates/partials/quote.html").unwrap();
    let tagged = card.replace(
        "</figcaption>",
        "{% for t in quote.topics %} {{ t.label }}{% endfor %}</figcaption>",
    );
    assert_ne!(card, tagged);
    std::fs::write(root.join("templates/partials/quote.html"), tagged).unwrap();
    let base = Some("https://example.org/briefing/");
    let guarantees = [
        "security guarantees",
        "security guarantee",
        "Article 5",
        "Kremlin",
    ];
    keyword_edit_matches_a_whole_build(&root, "security-guarantees", &guarantees, None, base);
    keyword_edit_matches_a_whole_build(&root, "territory", &["Donbas"], Some("New."), None);
    // Many sources: a keyword in nearly every article gives the topic
    // pages more pages; taking it away again leaves fewer.
    let synth = dir.path().join("synth");
    dossier::synth::write_corpus(&synth, 400, 5).unwrap();
    // Someone named in nearly every source, on several pages: their first
    // page counts the passages on each topic from every page.
    let people = synth.join("content/participants.yaml");
    let list = std::fs::read_to_string(&people).unwrap();
    let (alias, _) = list.split_once(']').unwrap();
    std::fs::write(
        &people,
        list.replacen(alias, &format!("{alias}, \"said\""), 1),
    )
    .unwrap();
    keyword_edit_matches_a_whole_build(
        &synth,
        "agriculture",
        &["farm subsidies", "said"],
        None,
        base,
    );
    keyword_edit_matches_a_whole_build(
        &synth,
        "agriculture",
        &["crop yields"],
        Some("Less."),
        base,
    );
    // One more keyword: only the pages with its passages are rendered again.
    let (rendered, files) = keyword_edit_matches_a_whole_build(
        &synth,
        "agriculture",
        &["crop yields", "livestock farmers"],
        None,
        None,
    );
    assert!(
        rendered * 3 < files,
        "{rendered} of {files} files rendered again"
    );
    // A keyword only one late source has, in a paragraph naming the person
    // named everywhere: only their first page counts it.
    let paragraph = (350..400)
        .filter_map(|n| {
            std::fs::read_to_string(synth.join(format!("content/articles/{n:05}.txt"))).ok()
        })
        .flat_map(|text| text.split("\n\n").map(str::to_string).collect::<Vec<_>>())
        .find(|p| p.contains(" said") && !p.contains('"'))
        .unwrap();
    let keywords = ["crop yields", "livestock farmers", paragraph.trim()];
    keyword_edit_matches_a_whole_build(&synth, "agriculture", &keywords, None, None);
}

/// Edits `participants.yaml` in the dossier at `root` with `edit` and
/// re-renders what `serve` re-renders for the participants whose role,
/// affiliation or notes changed: laid over the site from before, those files
/// must make the site a whole build makes of the edited dossier. Returns how
/// many files were rendered again, and how many the site has.
fn participant_edit_matches_a_whole_build(
    root: &std::path::Path,
    edit: impl FnOnce(&str) -> String,
    base_url: Option<&str>,
) -> (usize, usize) {
    let mut kept = dossier::load_and_analyze(root, base_url, &dossier::Silent).unwrap();
    let before = kept.render_site().unwrap();
    let path = root.join("content/participants.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(&text)).unwrap();
    let new = dossier::load::reload_participants(root).unwrap();
    let changed = kept.replace_participants(new).unwrap();
    assert!(!changed.is_empty());
    let mut again = Vec::new();
    let rest = kept
        .renderer
        .render_participant_meta(
            &kept.project,
            &kept.analysis,
            kept.base_url.clone(),
            &changed,
            &mut |files| again.extend(files),
        )
        .unwrap();
    again.extend(rest);
    let rendered = again.len();
    let whole = overlay_is_whole_build(
        root,
        base_url,
        before.into_iter().map(|f| (f.path, f.bytes)).collect(),
        again,
        "editing participants",
    );
    (rendered, whole.len())
}

#[test]
fn a_role_edit_re_renders_the_pages_showing_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("default");
    common::copy_default_dossier(&root);
    // Two roles, an affiliation, a note with a citation, with feeds.
    let edit = |text: &str| {
        text.replacen(
            "role: President of Ukraine",
            "role: \"President <of> Ukraine & more\"",
            1,
        )
        .replacen("affiliation: United States", "affiliation: USA", 1)
        .replacen(
            "role: President of Russia",
            "role: Russia's president\n  notes: \"Quoted in [@001:p3].\"",
            1,
        )
    };
    let base = Some("https://example.org/briefing/");
    let (rendered, files) = participant_edit_matches_a_whole_build(&root, edit, base);
    assert!(
        rendered * 3 < files,
        "{rendered} of {files} files rendered again"
    );
    // Someone on several pages, in a large dossier.
    let synth = dir.path().join("synth");
    dossier::synth::write_corpus(&synth, 400, 5).unwrap();
    let add_alias = |text: &str| {
        let (alias, _) = text.split_once(']').unwrap();
        text.replacen(alias, &format!("{alias}, \"said\""), 1)
    };
    let people = synth.join("content/participants.yaml");
    let text = std::fs::read_to_string(&people).unwrap();
    std::fs::write(&people, add_alias(&text)).unwrap();
    let retitle = |text: &str| {
        let (role, _) = text.split_once("role: ").unwrap();
        let at = role.len() + "role: ".len();
        let end = at + text[at..].find('\n').unwrap();
        format!("{}\"Acting minister\"{}", &text[..at], &text[end..])
    };
    let (rendered, files) = participant_edit_matches_a_whole_build(&synth, retitle, None);
    assert!(
        rendered * 10 < files,
        "{rendered} of {files} files rendered again"
    );
}

#[test]
fn an_executive_summary_edit_re_renders_the_pages_showing_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("default");
    common::copy_default_dossier(&root);
    let base = Some("https://example.org/briefing/");
    let mut kept = dossier::load_and_analyze(&root, base, &dossier::Silent).unwrap();
    let before = kept.render_site().unwrap();
    let path = root.join("dossier.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen(
        "summary: |\n",
        "summary: |\n  **A new first line <em>with</em> a citation** [@002:p3].\n\n",
        1,
    );
    assert_ne!(text, edited);
    std::fs::write(&path, edited).unwrap();
    let (config, summary, source) = dossier::load::reload_config(&root).unwrap();
    assert!(kept.replace_summary(config, summary, source));
    let mut again = Vec::new();
    let rest = kept
        .renderer
        .render_summary(
            &kept.project,
            &kept.analysis,
            kept.base_url.clone(),
            &mut |files| again.extend(files),
        )
        .unwrap();
    again.extend(rest);
    let rendered = again.len();
    let whole = overlay_is_whole_build(
        &root,
        base,
        before.into_iter().map(|f| (f.path, f.bytes)).collect(),
        again,
        "editing the summary",
    );
    assert!(rendered < 6, "{rendered} files rendered again");
    let front = String::from_utf8_lossy(&whole["index.html"]).into_owned();
    assert!(front.contains("A new first line"));
    // Any other setting shows on every page: not a summary edit.
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("title: ", "title: New ", 1)).unwrap();
    let (config, summary, source) = dossier::load::reload_config(&root).unwrap();
    assert!(!kept.replace_summary(config, summary, source));
}

#[test]
fn a_timeline_edit_re_renders_the_pages_showing_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("default");
    common::copy_default_dossier(&root);
    let base = Some("https://example.org/briefing/");
    let mut kept = dossier::load_and_analyze(&root, base, &dossier::Silent).unwrap();
    let before = kept.render_site().unwrap();
    // An event moved to a topic no event was on, retitled, with a new
    // citation; another taken off the only topic it alone was on.
    let path = root.join("content/timeline.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text
        .replacen(
            "title: Russia annexes Crimea",
            "title: \"Crimea <annexed>\"",
            1,
        )
        .replacen("  topics: [territory]\n", "  topics: [weapons]\n", 1)
        .replacen(
            "topics: [ceasefire-or-peace-deal, security-guarantees]",
            "topics: [security-guarantees]",
            1,
        )
        .replacen("[@002:p10; @003:p8]", "[@002:p10; @001:p2]", 1);
    assert_ne!(text, edited);
    std::fs::write(&path, edited).unwrap();
    let events = dossier::load::reload_timeline(&kept.project).unwrap();
    let topics = kept.replace_timeline(events);
    let mut again = Vec::new();
    let rest = kept
        .renderer
        .render_timeline(
            &kept.project,
            &kept.analysis,
            kept.base_url.clone(),
            &topics,
            &mut |files| again.extend(files),
        )
        .unwrap();
    again.extend(rest);
    let rendered = again.len();
    let whole = overlay_is_whole_build(
        &root,
        base,
        before.into_iter().map(|f| (f.path, f.bytes)).collect(),
        again,
        "editing the timeline",
    );
    assert!(
        rendered * 3 < whole.len(),
        "{rendered} files rendered again"
    );
}

/// A mistake in a file `serve` handles without a whole build (the
/// participants, the timeline, the executive summary, an article's text, a
/// template) is reported with its place, the last good pages stay served,
/// and the fix is served.
#[test]
fn mistakes_in_files_served_in_place_are_reported_and_the_last_good_pages_stay() {
    let f = Fixture::new();
    f.write(
        "content/timeline.yaml",
        "- date: 2025-08-18\n  title: Talks at the White House\n  topics: [security]\n",
    );
    f.write(
        "content/topics/security.yaml",
        &common::TOPIC.replace("What they say.", "What they say [@a1:p3]."),
    );
    let (_server, url) = start(&f);
    let rx = events(&url);
    let _ = rx.recv_timeout(Duration::from_secs(10)); // ": connected"

    // participants.yaml: a role that is not text.
    f.write(
        "content/participants.yaml",
        &common::PARTICIPANTS.replace("role: President of Finland", "role: [President]"),
    );
    let error = next_event(&rx, "error");
    assert!(error.contains("content/participants.yaml:8:9"), "{error}");
    let (_, page) = get(&format!("{url}participants/stubb/"));
    assert!(
        page.contains("President of Finland"),
        "the last good page stays"
    );
    f.write(
        "content/participants.yaml",
        &common::PARTICIPANTS.replace("President of Finland", "Head of state of Finland"),
    );
    next_event(&rx, "reload");
    let (_, page) = get(&format!("{url}participants/stubb/"));
    assert!(page.contains("Head of state of Finland"), "{page}");

    // timeline.yaml: an event on a topic that does not exist.
    f.write(
        "content/timeline.yaml",
        "- date: 2025-08-18\n  title: Talks moved\n  topics: [securty]\n",
    );
    let error = next_event(&rx, "error");
    assert!(error.contains("content/timeline.yaml:3:"), "{error}");
    assert!(error.contains("securty"), "{error}");
    let (_, page) = get(&format!("{url}timeline/"));
    assert!(
        page.contains("Talks at the White House"),
        "the last good page stays"
    );
    f.write(
        "content/timeline.yaml",
        "- date: 2025-08-18\n  title: Talks moved\n  topics: [security]\n",
    );
    next_event(&rx, "reload");
    let (_, page) = get(&format!("{url}timeline/"));
    assert!(page.contains("Talks moved"), "{page}");

    // dossier.yaml: the executive summary cites a source that does not exist.
    f.write(
        "dossier.yaml",
        &common::CONFIG.replace("The bottom line.", "The bottom line [@nope:p1]."),
    );
    let error = next_event(&rx, "error");
    assert!(error.contains("dossier.yaml:3:"), "{error}");
    assert!(error.contains("nope"), "{error}");
    let (_, front) = get(&url);
    assert!(
        front.contains("The bottom line."),
        "the last good page stays"
    );
    f.write(
        "dossier.yaml",
        &common::CONFIG.replace("The bottom line.", "The new bottom line."),
    );
    next_event(&rx, "reload");
    let (_, front) = get(&url);
    assert!(front.contains("The new bottom line."), "{front}");

    // An article's text without the paragraph a topic cites.
    let (first, _) = common::ARTICLE_TEXT.split_once("\n\n").unwrap();
    f.write("content/articles/a1.txt", &format!("{first}\n"));
    let error = next_event(&rx, "error");
    assert!(error.contains("content/topics/security.yaml:3:"), "{error}");
    assert!(error.contains("a1:p3"), "{error}");
    let (_, page) = get(&format!("{url}sources/a1/"));
    assert!(
        page.contains("Witkoff told CNN"),
        "the last good page stays"
    );
    f.write("content/articles/a1.txt", common::ARTICLE_TEXT);
    next_event(&rx, "reload");
    let (_, page) = get(&format!("{url}sources/a1/"));
    assert!(page.contains("Witkoff told CNN"), "{page}");

    // A style sheet of the dossier's own is served at once.
    f.write(
        "themes/default/static/style.css",
        "body { color: #123456; }\n",
    );
    next_event(&rx, "reload");
    let (_, css) = get(&format!("{url}style.css"));
    assert!(css.contains("#123456"), "{css}");
    // A template that does not compile, then one that does.
    f.write("templates/source.html", "{% if %}\n");
    let error = next_event(&rx, "error");
    assert!(error.contains("templates/source.html:1:"), "{error}");
    let (_, page) = get(&format!("{url}sources/a1/"));
    assert!(
        page.contains("Witkoff told CNN"),
        "the last good page stays"
    );
    let template = std::fs::read_to_string("templates/source.html").unwrap();
    f.write(
        "templates/source.html",
        &template.replace(
            "<h2 id=\"text-h\">Full text</h2>",
            "<h2 id=\"text-h\">The text</h2>",
        ),
    );
    next_event(&rx, "reload");
    let (_, page) = get(&format!("{url}sources/a1/"));
    assert!(page.contains(">The text</h2>"), "{page}");
    let (_, css) = get(&format!("{url}style.css"));
    assert!(css.contains("#123456"), "{css}");

    // A mistake stays reported while other files change: a broken template,
    // then a topic edited, ...
    let fixed = template.replace(
        "<h2 id=\"text-h\">Full text</h2>",
        "<h2 id=\"text-h\">The text</h2>",
    );
    f.write("templates/source.html", "{% if %}\n");
    next_event(&rx, "error");
    f.write(
        "content/topics/security.yaml",
        &common::TOPIC.replace("What they say.", "What they now say [@a1:p3]."),
    );
    let error = next_event(&rx, "error");
    assert!(error.contains("templates/source.html:1:"), "{error}");
    f.write("templates/source.html", &fixed);
    next_event(&rx, "reload");
    let (_, page) = get(&format!("{url}topics/security/"));
    assert!(page.contains("What they now say"), "{page}");
    // ... or a broken sidecar, then a style sheet edited.
    f.write(
        "content/articles/a1.yaml",
        &common::ARTICLE_META.replace("2025-08-18", "18 August"),
    );
    next_event(&rx, "error");
    f.write(
        "themes/default/static/style.css",
        "body { color: #654321; }\n",
    );
    let error = next_event(&rx, "error");
    assert!(error.contains("content/articles/a1.yaml:3:"), "{error}");
    f.write("content/articles/a1.yaml", common::ARTICLE_META);
    next_event(&rx, "reload");
    let (_, css) = get(&format!("{url}style.css"));
    assert!(css.contains("#654321"), "{css}");
}

/// An edit to a source's text, or to a topic's file, by id and what it makes
/// of the file's text.
enum Edit<'a> {
    Text(&'a str, &'a dyn Fn(&str) -> String),
    Topic(&'a str, &'a dyn Fn(&str) -> String),
}

/// Makes each of `edits` in turn in the dossier at `root`, keeping one
/// analysis across them as `serve` does: after each edit to a source's text,
/// the source's page (served first) and the whole site must be what a whole
/// build makes of the edited dossier.
fn text_edits_match_whole_builds(root: &std::path::Path, edits: &[Edit], base_url: Option<&str>) {
    let mut kept = dossier::load_and_analyze(root, base_url, &dossier::Silent).unwrap();
    let article = dossier::load::reload_article(root, &kept.project.articles[0]).unwrap();
    assert!(
        !kept.read_source_again(0, article),
        "nothing to compare by until what the comparisons read is kept"
    );
    kept.compared = Some(dossier::analyze::Compared::of(&kept.analysis));
    // What serve serves: each edit's files over the last.
    let mut site: BTreeMap<String, Vec<u8>> = kept
        .render_site()
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    let edit_file = |path: &std::path::Path, edit: &dyn Fn(&str) -> String, k: usize| {
        let text = std::fs::read_to_string(path).unwrap();
        let edited = edit(&text);
        assert_ne!(text, edited, "edit {k} changes the file");
        std::fs::write(path, edited).unwrap();
    };
    for (k, edit) in edits.iter().enumerate() {
        let (id, edit) = match edit {
            Edit::Topic(slug, edit) => {
                let t = kept
                    .project
                    .topics
                    .iter()
                    .position(|t| &t.slug == slug)
                    .unwrap();
                let path = kept.project.topics[t].path.clone();
                edit_file(&root.join(&path), *edit, k);
                let topic = dossier::load::reload_topic(root, &path).unwrap();
                kept.replace_topic(t, topic);
                site = kept
                    .render_site()
                    .unwrap()
                    .into_iter()
                    .map(|f| (f.path, f.bytes))
                    .collect();
                continue;
            }
            Edit::Text(id, edit) => (*id, *edit),
        };
        let s = kept
            .project
            .articles
            .iter()
            .position(|a| a.id == id)
            .unwrap();
        edit_file(&root.join(&kept.project.articles[s].path), edit, k);
        let reloaded = dossier::load::reload_article(root, &kept.project.articles[s]).unwrap();
        let redated = reloaded.meta.published != kept.project.articles[s].meta.published;
        let shown = dossier::render::Shown::of(&kept.project, &kept.analysis, s);
        assert!(kept.read_source_again(s, reloaded));
        let first = kept
            .renderer
            .render_source(&kept.project, &kept.analysis, kept.base_url.clone(), s)
            .unwrap();
        kept.compare_again();
        let edit = format!("edit {k} of {id}'s text");
        let whole = if redated {
            // As serve does: a new date moves the source in every list.
            let files = kept.render_site().unwrap();
            overlay_is_whole_build(root, base_url, BTreeMap::new(), files, &edit)
        } else {
            // As serve does: the pages first, the feeds over what is served.
            let served = std::cell::RefCell::new(site.clone());
            let mut again = 0;
            let rest = kept
                .renderer
                .render_text_edit(
                    &kept.project,
                    &kept.analysis,
                    kept.base_url.clone(),
                    &shown,
                    &|| served.borrow().keys().cloned().collect(),
                    &mut |files, gone| {
                        let mut served = served.borrow_mut();
                        for path in gone {
                            served.remove(path);
                        }
                        again += files.len();
                        served.extend(files.into_iter().map(|f| (f.path, f.bytes)));
                    },
                )
                .unwrap();
            again += rest.len();
            assert!(
                again < site.len() / 2 || site.len() < 100,
                "{edit}: {again} of {} files rendered again",
                site.len()
            );
            overlay_is_whole_build(root, base_url, served.into_inner(), rest, &edit)
        };
        site = whole.clone();
        let page = format!("sources/{id}/index.html");
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].path, page);
        assert!(
            first[0].bytes == whole[&page],
            "edit {k} of {id}'s text: {page} served first is not the whole build's:\n{}",
            String::from_utf8_lossy(&first[0].bytes)
        );
    }
}

#[test]
fn a_text_edit_reads_only_that_source_again_and_matches_a_whole_build() {
    let dir = tempfile::tempdir().unwrap();
    // The default dossier: every pair of sources compared, statements
    // across outlets, citations into the edited source.
    let root = dir.path().join("default");
    common::copy_default_dossier(&root);
    let copied = std::fs::read_to_string(root.join("content/articles/001.txt"))
        .unwrap()
        .lines()
        .find(|l| l.contains("What President Tru"))
        .unwrap()
        .to_string();
    let reworded: &dyn Fn(&str) -> String =
        &|t| t.replacen("important discussion", "important conversation", 1);
    // Another source's paragraph, quote and all: no longer found in one
    // source only, the same statement in one more outlet, more wording shared.
    let grown: &dyn Fn(&str) -> String = &|t| format!("{}\n{copied}\n", t.trim_end());
    let shrunk: &dyn Fn(&str) -> String = &|t| t.replacen(&format!("\n{copied}"), "", 1);
    // Between them, another source's text and a topic's keywords.
    let other: &dyn Fn(&str) -> String = &|t| t.replacen("Zelensky", "Zelenskyy", 1);
    let keyword: &dyn Fn(&str) -> String =
        &|t| t.replacen("keywords:\n", "keywords:\n  - coalition\n", 1);
    text_edits_match_whole_builds(
        &root,
        &[
            Edit::Text("003", reworded),
            Edit::Text("003", grown),
            Edit::Text("001", other),
            Edit::Topic("security-guarantees", keyword),
            Edit::Text("003", shrunk),
        ],
        Some("https://example.org/briefing/"),
    );
    // Many sources, shared wording found through the index: a paragraph of
    // a late source copied into an early one, then a quote, then both gone.
    let synth = dir.path().join("synth");
    dossier::synth::write_corpus(&synth, 400, 5).unwrap();
    // Even numbers are texts with sidecars, odd ones Markdown.
    let read = |name: &str| std::fs::read_to_string(synth.join("content/articles").join(name));
    let late = read("00350.txt").unwrap();
    let borrowed: Vec<String> = late.split("\n\n").map(str::to_string).collect();
    let quoted = borrowed.iter().find(|p| p.contains('“')).unwrap().clone();
    let plain = borrowed
        .iter()
        .find(|p| !p.contains('“') && p.len() > 200)
        .unwrap()
        .clone();
    let (p1, q1) = (plain.clone(), quoted.clone());
    let copy_plain: &dyn Fn(&str) -> String = &move |t| format!("{t}\n\n{p1}\n");
    let copy_quote: &dyn Fn(&str) -> String = &move |t| format!("{t}\n\n{q1}\n");
    let original = read("00007.md").unwrap();
    let restore: &dyn Fn(&str) -> String = &move |_| original.clone();
    // A new date moves the source in the lists ordered by date.
    let redated: &dyn Fn(&str) -> String = &|t| {
        let at = t.find("published: ").unwrap() + "published: ".len();
        format!("{}2025-12-31{}", &t[..at], &t[at + "YYYY-MM-DD".len()..])
    };
    // In a source halfway: a quoted paragraph gone (the statements after
    // it move along the quotes pages, and its speakers' pages), then a word.
    let unquoted: &dyn Fn(&str) -> String = &|t| {
        let paragraphs: Vec<&str> = t.split("\n\n").collect();
        let quoted = paragraphs.iter().position(|p| p.contains('“')).unwrap();
        let kept: Vec<&str> = paragraphs
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != quoted)
            .map(|(_, p)| *p)
            .collect();
        kept.join("\n\n")
    };
    let word: &dyn Fn(&str) -> String = &|t| t.replacen(" raised ", " brought up ", 1);
    // Words no other source quotes: one statement more, and the ones after
    // it move along.
    let new_quote: &dyn Fn(&str) -> String = &|t| {
        format!(
            "{}\n\nThe minister was blunt. “Nobody in this building has seen a plan like \
             this one before,” Rafael Abara said.\n",
            t.trim_end()
        )
    };
    text_edits_match_whole_builds(
        &synth,
        &[
            Edit::Text("00007", copy_plain),
            Edit::Text("00007", copy_quote),
            Edit::Text("00350", copy_plain),
            Edit::Text("00200", unquoted),
            Edit::Text("00200", word),
            Edit::Text("00100", new_quote),
            Edit::Text("00007", restore),
            Edit::Text("00007", redated),
        ],
        None,
    );
}

#[test]
fn a_text_edit_renders_again_the_sources_whose_passages_it_makes_shared_or_single() {
    // Twenty sources of words no other has: every passage is found in one
    // source only, and one copied into another is not shared wording
    // enough to pair the two, so only the rule for single-source passages
    // finds the first source's page changed.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("distinct");
    dossier::synth::write_corpus(&root, 20, 9).unwrap();
    let paragraph = |s: usize, i: usize| {
        let words: Vec<String> = (0..14).map(|k| format!("w{s}p{i}k{k}")).collect();
        format!("On export controls, {}.", words.join(" "))
    };
    for s in 1..=20 {
        let body: Vec<String> = (0..40).map(|i| paragraph(s, i)).collect();
        let body = body.join("\n\n") + "\n";
        let articles = root.join("content/articles");
        let txt = articles.join(format!("{s:05}.txt"));
        if txt.exists() {
            std::fs::write(txt, body).unwrap();
        } else {
            let md = articles.join(format!("{s:05}.md"));
            let text = std::fs::read_to_string(&md).unwrap();
            let end = text[4..].find("\n---\n").unwrap() + 4 + "\n---\n".len();
            std::fs::write(md, format!("{}{body}", &text[..end])).unwrap();
        }
    }
    let copied = paragraph(16, 3);
    let copy: &dyn Fn(&str) -> String = &move |t| format!("{t}\n{copied}\n");
    let original = std::fs::read_to_string(root.join("content/articles/00004.txt")).unwrap();
    let restore: &dyn Fn(&str) -> String = &move |_| original.clone();
    text_edits_match_whole_builds(
        &root,
        &[Edit::Text("00004", copy), Edit::Text("00004", restore)],
        None,
    );
    let kept = dossier::load_and_analyze(&root, None, &dossier::Silent).unwrap();
    assert!(kept.analysis.pairs.iter().all(|p| p.a != 3 && p.b != 3));
}

#[test]
fn a_theme_or_template_edit_keeps_the_analysis_and_matches_a_whole_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("default");
    common::copy_default_dossier(&root);
    let base = Some("https://example.org/briefing/");
    let mut kept = dossier::load_and_analyze(&root, base, &dossier::Silent).unwrap();
    let before: BTreeMap<String, Vec<u8>> = kept
        .render_site()
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    let render = |kept: &dossier::Analysed| kept.render_site().unwrap();
    // A style sheet of the dossier's own, in place of the theme's: that
    // file alone is served again.
    let style = std::fs::read_to_string("themes/default/static/style.css").unwrap();
    std::fs::create_dir_all(root.join("themes/default/static")).unwrap();
    std::fs::write(
        root.join("themes/default/static/style.css"),
        format!("{style}\n.para {{ color: #123456; }}\n"),
    )
    .unwrap();
    let assets = kept
        .replace_renderer(&root)
        .unwrap()
        .expect("only a theme file");
    assert_eq!(assets.len(), 1);
    assert_eq!(assets[0].path, "style.css");
    let site = overlay_is_whole_build(&root, base, before, assets, "editing the style sheet");
    assert!(String::from_utf8_lossy(&site["style.css"]).contains("#123456"));
    // A page template of its own: every page is rendered again.
    let page = std::fs::read_to_string("templates/source.html").unwrap();
    let edited = page.replace(
        "<h2 id=\"text-h\">Full text</h2>",
        "<h2 id=\"text-h\">Whole text</h2>",
    );
    assert_ne!(page, edited);
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/source.html"), &edited).unwrap();
    assert!(kept.replace_renderer(&root).unwrap().is_none());
    let site = overlay_is_whole_build(
        &root,
        base,
        BTreeMap::new(),
        render(&kept),
        "editing a template",
    );
    assert!(String::from_utf8_lossy(&site["sources/003/index.html"]).contains("Whole text"));
    // A template that does not compile: the error says where, and the
    // renderer stays as it was.
    std::fs::write(root.join("templates/source.html"), "{% if %}\n").unwrap();
    let problems = kept.replace_renderer(&root).unwrap_err();
    let text: String = problems.0.iter().map(|d| d.render(false)).collect();
    assert!(text.contains("templates/source.html:1:"), "{text}");
    assert!(
        String::from_utf8_lossy(
            &render(&kept)
                .iter()
                .find(|f| f.path == "sources/003/index.html")
                .unwrap()
                .bytes
        )
        .contains("Whole text")
    );
    // A new theme file: every page is rendered again (it might clash with one).
    std::fs::write(root.join("templates/source.html"), &edited).unwrap();
    std::fs::write(root.join("themes/default/static/extra.css"), "p {}\n").unwrap();
    assert!(kept.replace_renderer(&root).unwrap().is_none());
    overlay_is_whole_build(
        &root,
        base,
        BTreeMap::new(),
        render(&kept),
        "adding a theme file",
    );
}

#[test]
fn a_topic_summary_edit_matches_a_whole_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("default");
    common::copy_default_dossier(&root);
    let base = Some("https://example.org/briefing/");
    let mut kept = dossier::load_and_analyze(&root, base, &dossier::Silent).unwrap();
    let before = kept.render_site().unwrap();
    let t = 0;
    let path = kept.project.topics[t].path.clone();
    let text = std::fs::read_to_string(root.join(&path)).unwrap();
    let edited = text.replacen(
        "summary: |\n",
        "summary: |\n  **A new first line** that cites [@002:p3].\n\n",
        1,
    );
    assert_ne!(text, edited);
    std::fs::write(root.join(&path), edited).unwrap();
    kept.project.topics[t] = dossier::load::reload_topic(&root, &path).unwrap();
    let mut again = Vec::new();
    let rest = kept
        .renderer
        .render_topic_summary(
            &kept.project,
            &kept.analysis,
            kept.base_url.clone(),
            t,
            &mut |files| again.extend(files),
        )
        .unwrap();
    again.extend(rest);
    let rendered = again.len();
    let site = overlay_is_whole_build(
        &root,
        base,
        before.into_iter().map(|f| (f.path, f.bytes)).collect(),
        again,
        "editing a topic's summary",
    );
    assert!(rendered * 3 < site.len(), "{rendered} files rendered again");
}
