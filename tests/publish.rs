//! Publishing: search, the printable dossier, feeds and sitemap, link
//! checks, and hosting under a subpath behind a real web server.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::{Fixture, webdriver};
use serde_json::json;

const BASE: &str = "https://example.org/briefings/ukraine/";

/// The default dossier, built with a base URL, into a temporary folder.
fn default_site(base_url: Option<&str>) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let mut args = vec![
        "build",
        "--root",
        env!("CARGO_MANIFEST_DIR"),
        "--output",
        public.to_str().unwrap(),
    ];
    if let Some(url) = base_url {
        args.extend(["--base-url", url]);
    }
    let run = common::dossier(&args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

fn read(dir: &tempfile::TempDir, rel: &str) -> String {
    std::fs::read_to_string(dir.path().join("public").join(rel)).unwrap()
}

#[test]
fn the_atom_feed_and_sitemap_are_valid_and_absolute() {
    let site = default_site(Some(BASE));
    let feed =
        feed_rs::parser::parse(read(&site, "atom.xml").as_bytes()).expect("a valid Atom feed");
    assert_eq!(feed.entries.len(), 5);
    assert_eq!(
        feed.title.unwrap().content,
        "Washington talks on ending the war in Ukraine"
    );
    let bbc = feed
        .entries
        .iter()
        .find(|e| e.links[0].href.ends_with("sources/003/"))
        .unwrap();
    assert_eq!(bbc.links[0].href, format!("{BASE}sources/003/"));
    assert_eq!(bbc.authors[0].name.as_deref(), Some("BBC News"));
    assert!(
        bbc.summary
            .as_ref()
            .unwrap()
            .content
            .starts_with("European leaders have said")
    );

    let sitemap = read(&site, "sitemap.xml");
    let mut reader = quick_xml::Reader::from_str(&sitemap);
    let mut locs = Vec::new();
    let mut in_loc = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) => in_loc = e.name().as_ref() == "loc",
            quick_xml::events::Event::Text(t) if in_loc => {
                locs.push(t.xml10_content().into_owned())
            }
            quick_xml::events::Event::End(_) => in_loc = false,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    let pages = common::site_files(&site.path().join("public"))
        .keys()
        .filter(|p| p.ends_with(".html") && p.as_str() != "404.html")
        .count();
    assert_eq!(locs.len(), pages);
    assert!(locs.iter().all(|l| l.starts_with(BASE)), "{locs:?}");
    assert!(locs.contains(&format!("{BASE}topics/territory/")));
    assert_eq!(
        read(&site, "robots.txt"),
        format!("User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n")
    );
}

#[test]
fn without_an_absolute_base_url_there_is_no_feed_or_sitemap() {
    let site = default_site(None);
    assert!(!site.path().join("public/atom.xml").exists());
    assert!(!site.path().join("public/sitemap.xml").exists());
    assert_eq!(read(&site, "robots.txt"), "User-agent: *\nAllow: /\n");
}

#[test]
fn pages_carry_description_canonical_and_open_graph() {
    let site = default_site(Some(BASE));
    let topic = read(&site, "topics/weapons/index.html");
    assert!(topic.contains(&format!(
        r#"<link rel="canonical" href="{BASE}topics/weapons/">"#
    )));
    assert!(topic.contains(
        r#"<meta property="og:title" content="Washington talks on ending the war in Ukraine">"#
    ));
    assert!(topic.contains(&format!(
        r#"<meta property="og:url" content="{BASE}topics/weapons/">"#
    )));
    assert!(
        topic.contains(
            r#"<meta name="description" content="Only one source reports that Zelenskyy"#
        ),
        "{topic}"
    );
    let not_found = read(&site, "404.html");
    assert!(not_found.contains(r#"<link rel="stylesheet" href="/briefings/ukraine/style.css">"#));
}

#[test]
fn a_dossier_too_large_to_print_whole_prints_only_the_cited_paragraphs() {
    let f = Fixture::empty();
    f.write(
        "dossier.yaml",
        "title: Large dossier\nsummary: The bottom line [@a007:p2].\n",
    );
    f.write("content/participants.yaml", common::PARTICIPANTS);
    f.write(
        "content/topics/security.yaml",
        "title: Security guarantees\nsummary: Guarantees were discussed [@a042].\nkeywords: [security guarantees]\n",
    );
    // One more source than the printable dossier prints whole.
    for k in 0..=dossier::render::PRINT_WHOLE_UP_TO {
        f.write(
            &format!("content/articles/a{k:03}.txt"),
            &format!("Envoys met on day {k}.\n\nThey spoke of security guarantees on day {k}.\n\nTalks end on day {k}.\n"),
        );
        f.write(
            &format!("content/articles/a{k:03}.yaml"),
            &format!("title: Day {k}\npublished: 2025-08-18\n"),
        );
    }
    f.build();
    let print = f.page("print/index.html");
    assert!(print.contains("Appendix: the cited passages"));
    assert!(
        print.contains("from 2 sources"),
        "the note counts the printed sources"
    );
    // The summary cites one paragraph: only that one of its source is printed.
    assert!(print.contains(r#"id="s-a007""#));
    assert!(print.contains(r#"id="s-a007-p2""#));
    assert!(!print.contains(r#"id="s-a007-p1""#));
    assert!(print.contains("cited paragraphs only"));
    // A whole source cited is printed whole.
    for n in 1..=3 {
        assert!(print.contains(&format!(r#"id="s-a042-p{n}""#)), "a042 ¶{n}");
    }
    // Sources nobody cites are left to the site.
    assert_eq!(print.matches(r#"<article class="print-source""#).count(), 2);
    assert!(!print.contains(r#"id="s-a000""#));
    assert!(print.contains("Its passages are on the topic’s pages of the site"));
    assert!(print.contains(r##"href="#s-a007-p2""##));
    assert!(common::broken_links(&f.public()).is_empty());
}

#[test]
fn the_printable_dossier_holds_everything_with_citations_into_the_appendix() {
    let site = default_site(None);
    let print = read(&site, "print/index.html");
    assert!(print.contains(r#"<h2 id="summary-h">Executive summary</h2>"#));
    for title in [
        "Security guarantees",
        "Territorial concessions",
        "Weapons purchases",
    ] {
        assert!(print.contains(&format!(">{title}</h2>")), "{title}");
    }
    assert!(print.contains("Trump–Putin summit in Alaska"));
    assert!(print.contains("Alexander Stubb"));
    for id in ["000", "001", "002", "003", "004"] {
        assert!(print.contains(&format!(r#"id="s-{id}-p1""#)), "{id}");
    }
    assert!(
        print.contains(r##"<a href="#s-004-p3" title="Source 004: "##),
        "citations point into the appendix"
    );
    assert!(common::broken_links(&site.path().join("public")).is_empty());
    let css = read(&site, "style.css");
    assert!(css.contains("@media print"));
    assert!(
        css.contains(r#"a.external::after { content: " (" attr(href) ")""#),
        "outside links show their URL on paper"
    );
}

#[test]
fn the_search_index_holds_every_paragraph_topic_and_participant() {
    let site = default_site(None);
    let script = read(&site, "search-index.js");
    let json_text = script
        .trim()
        .strip_prefix("window.DOSSIER_SEARCH = ")
        .unwrap()
        .strip_suffix(';')
        .unwrap();
    let index: serde_json::Value = serde_json::from_str(json_text).unwrap();
    let docs = index["docs"].as_array().unwrap();
    assert_eq!(docs.iter().filter(|d| d[0] == "topic").count(), 9);
    assert_eq!(docs.iter().filter(|d| d[0] == "participant").count(), 16);
    let sources = index["sources"].as_array().unwrap();
    assert_eq!(
        sources[3],
        json!([
            "sources/003/index.html",
            "BBC News",
            "European leaders to join Zelensky at White House meeting with Trump"
        ])
    );
    let paragraphs = index["paragraphs"].as_array().unwrap();
    assert_eq!(paragraphs.len(), 66);
    assert!(paragraphs.contains(&json!([
        3,
        12,
        "Nato’s Article 5 states that an attack on one member is considered an attack on all."
    ])));
    let page = read(&site, "search/index.html");
    assert!(
        page.contains(r#"<script src="../search-index.js"></script>"#),
        "a script, so it works from disk"
    );
}

#[test]
fn searching_in_a_browser_finds_article_5_and_lands_on_the_paragraph() {
    let Some((chromium, driver)) = webdriver::find() else {
        return;
    };
    let site = default_site(None);
    let public = site.path().join("public");
    let b = webdriver::Browser::start(&chromium, &driver, 1200, 900);
    // From disk, as an analyst opens a dossier sent by mail.
    b.goto(&format!("file://{}/index.html", public.display()));
    let field = b.find("#site-search-q");
    b.type_into(&field, "\"Article 5\"");
    b.click(&b.find(".site-search button"));
    b.wait_for(
        "return document.querySelectorAll('#search-results li').length > 0",
        "search results",
    );
    let hrefs = b.run(
        "return Array.from(document.querySelectorAll('#search-results a')).map(a => a.getAttribute('href'))",
        json!([]),
    );
    let hrefs: Vec<String> = serde_json::from_value(hrefs).unwrap();
    assert!(
        hrefs.contains(&"../sources/003/index.html#p12".to_string()),
        "{hrefs:?}"
    );
    assert!(hrefs.iter().all(|h| !h.contains("#p1\"")));
    let marked = b.run(
        "return document.querySelector('#search-results mark').textContent",
        json!([]),
    );
    assert_eq!(marked, json!("Article 5"));
    b.click(&b.find(r#"#search-results a[href="../sources/003/index.html#p12"]"#));
    b.wait_for("return location.hash === '#p12'", "the paragraph");
    assert!(b.url().ends_with("/sources/003/index.html#p12"));
    let target = b.run(
        "const t = document.querySelector(':target'); const r = t.getBoundingClientRect(); return [t.id, r.top >= 0 && r.top < innerHeight, getComputedStyle(t).backgroundColor]",
        json!([]),
    );
    assert_eq!(target[0], "p12");
    assert_eq!(target[1], true, "the paragraph is on screen");
    assert_ne!(
        target[2], "rgba(0, 0, 0, 0)",
        "the paragraph is highlighted"
    );
    let errors: Vec<_> = b
        .console()
        .into_iter()
        .filter(|(level, _)| level == "SEVERE")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn check_reports_a_broken_internal_link() {
    let f = Fixture::new();
    f.write(
        "templates/partials/source_list.html",
        "<ul>{% for source in sources %}<li><a href=\"{{ root }}sources/{{ source.id }}/missing.html\">{{ source.title }}</a></li>{% endfor %}</ul>",
    );
    let out = f.run(&["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("broken link: `sources/a1/missing.html` leads to `sources/a1/missing.html`"),
        "{err}"
    );
    assert!(err.contains("--> public/index.html:"), "{err}");
}

/// A web server on a loopback port that answers 404 to everything.
fn gone_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    port
}

#[test]
fn check_external_fails_on_a_dead_link_and_reports_an_unreachable_one() {
    let f = Fixture::new();
    let port = gone_server();
    let closed = webdriver::free_port();
    f.write(
        "content/articles/a1.yaml",
        &format!("title: T\nurl: http://127.0.0.1:{port}/gone\n"),
    );
    f.write("content/articles/a2.txt", "Text.\n");
    f.write(
        "content/articles/a2.yaml",
        &format!("title: U\nurl: http://127.0.0.1:{closed}/\n"),
    );
    let out = f.run(&["check", "--external", "--timeout", "5"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("`http://127.0.0.1:{port}/gone` answers HTTP 404")),
        "{err}"
    );
    assert!(err.contains("content/articles/a1.yaml"), "{err}");
    assert!(
        !err.contains(&format!("127.0.0.1:{closed}")),
        "an unreachable host is not a failure: {err}"
    );

    f.write("content/articles/a1.yaml", "title: T\n");
    let out = f.run(&["check", "--external", "--timeout", "5"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Checked 1 outside links: 1 did not answer"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("no answer from http://127.0.0.1:{closed}/")),
        "{stdout}"
    );
}

/// The server, and the folder of its configuration, removed when it stops.
struct Nginx(Child, #[allow(dead_code)] tempfile::TempDir);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// nginx serving `site` at `/{prefix}/` on a free loopback port; every other
/// path answers 404.
fn nginx(site: &Path, prefix: &str) -> Option<(Nginx, u16)> {
    let bin = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.is_file());
    let Some(bin) = bin else {
        assert!(
            std::env::var_os("DOSSIER_E2E").is_none(),
            "DOSSIER_E2E is set but nginx is missing"
        );
        eprintln!("skipped: nginx not found (apt-get install nginx)");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let port = webdriver::free_port();
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap();
    let conf = format!(
        "daemon off; pid {d}/nginx.pid; error_log {d}/error.log; user {user};
events {{ worker_connections 64; }}
http {{
  access_log off; client_body_temp_path {d}; proxy_temp_path {d}; fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};
  types {{ text/html html; text/css css; text/javascript js; application/json json; application/xml xml; text/plain txt; }}
  server {{
    listen 127.0.0.1:{port};
    location /{prefix}/ {{ alias {site}/; index index.html; error_page 404 /{prefix}/404.html; }}
    location / {{ return 404; }}
  }}
}}
",
        d = dir.path().display(),
        user = user.trim(),
        site = site.display()
    );
    std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
    let child = Command::new(bin)
        .args([
            "-c",
            dir.path().join("nginx.conf").to_str().unwrap(),
            "-p",
            dir.path().to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let server = Nginx(child, dir);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((server, port));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut err = String::new();
    let mut server = server;
    let _ = server.0.kill();
    let _ = server.0.stderr.take().unwrap().read_to_string(&mut err);
    panic!("nginx did not start: {err}");
}

#[test]
fn hosted_under_a_subpath_every_link_resolves_and_none_escapes() {
    let prefix = "briefings/ukraine";
    let site = default_site(Some(&format!("https://example.org/{prefix}/")));
    let public = site.path().join("public");
    let Some((_nginx, port)) = nginx(&public, prefix) else {
        return;
    };
    let host = format!("http://127.0.0.1:{port}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let start = format!("{host}/{prefix}/");
    let mut queue = vec![start.clone()];
    let mut seen = std::collections::BTreeSet::from([start]);
    let (mut broken, mut escaped) = (Vec::new(), Vec::new());
    let mut fetched = 0;
    while let Some(url) = queue.pop() {
        let mut response = agent.get(&url).call().unwrap();
        fetched += 1;
        let status = response.status().as_u16();
        if status >= 400 {
            broken.push(format!("{status} {url}"));
            continue;
        }
        let is_html = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
        if !is_html {
            continue;
        }
        let html = response.body_mut().read_to_string().unwrap();
        for (_, link) in dossier::check::links(&html) {
            if link.starts_with("http") && !link.starts_with(&host) || link.starts_with("mailto:") {
                continue;
            }
            let absolute = resolve(&url, &link);
            let path = absolute.trim_start_matches(&host);
            if !path.starts_with(&format!("/{prefix}/")) {
                escaped.push(format!("{link} <- {url}"));
                continue;
            }
            let page = absolute.split('#').next().unwrap().to_string();
            if seen.insert(page.clone()) {
                queue.push(page);
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
    assert!(escaped.is_empty(), "{escaped:#?}");
    assert!(fetched > 40, "crawled {fetched} URLs");
    // A missing page gets the 404 page, whose links stay under the prefix.
    let mut missing = agent
        .get(format!("{host}/{prefix}/no/such/page/"))
        .call()
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let html = missing.body_mut().read_to_string().unwrap();
    assert!(
        html.contains(&format!(r#"href="/{prefix}/style.css""#)),
        "{html}"
    );
}

/// `link` as an absolute URL, from the page at `base`.
fn resolve(base: &str, link: &str) -> String {
    if link.starts_with("http://") || link.starts_with("https://") {
        return link.to_string();
    }
    let (scheme_host, path) = {
        let after = base.find("://").map_or(0, |i| i + 3);
        let slash = base[after..].find('/').map_or(base.len(), |i| after + i);
        (&base[..slash], &base[slash..])
    };
    if link.starts_with('/') {
        return format!("{scheme_host}{link}");
    }
    let (link_path, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (link, String::new()),
    };
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    for seg in link_path.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." => {}
            s => parts.push(s),
        }
    }
    format!("{scheme_host}{}{fragment}", parts.join("/"))
}

#[test]
fn build_pdf_prints_the_dossier_or_says_chromium_is_missing() {
    let f = Fixture::new();
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["build", "--pdf", "--root", f.root().to_str().unwrap()])
        .env("CHROMIUM_PATH", "/nonexistent/chromium")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no Chromium was found to print the PDF with"),
        "{err}"
    );
    assert!(
        !f.public().exists(),
        "nothing is written when the PDF cannot be made"
    );

    let Some((chromium, _)) = webdriver::find() else {
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["build", "--pdf", "--root", f.root().to_str().unwrap()])
        .env("CHROMIUM_PATH", chromium)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = std::fs::read(f.public().join("dossier.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() > 10_000);
}
