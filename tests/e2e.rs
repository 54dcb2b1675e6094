//! End-to-end in Debian's Chromium, driven by chromedriver: every page of the
//! default dossier and of a generated corpus loads cleanly, over a local
//! server and from disk; navigation lands where it should; phones get no
//! horizontal scrolling.

mod common;

use std::path::{Path, PathBuf};

use common::{static_server, webdriver};
use serde_json::json;

fn build(root: &Path, out: &Path) -> PathBuf {
    let public = out.join("public");
    common::build_site(root, &public, &[]);
    public
}

fn html_pages(public: &Path) -> Vec<String> {
    common::site_files(public)
        .into_keys()
        .filter(|p| p.ends_with(".html") && p != "404.html")
        .collect()
}

/// The pages of a large site worth loading: every kind, a sample of each.
fn sample(pages: Vec<String>) -> Vec<String> {
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    pages
        .into_iter()
        .filter(|p| {
            let kind = p.split('/').next().unwrap_or("").to_string();
            let n = seen.entry(kind).or_default();
            *n += 1;
            *n <= 12
        })
        .collect()
}

fn default_site() -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let public = build(Path::new(env!("CARGO_MANIFEST_DIR")), out.path());
    (out, public)
}

fn generated_site(articles: usize) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let root = out.path().join("corpus");
    dossier::synth::write_corpus(&root, articles, 5).unwrap();
    let public = build(&root, out.path());
    (out, public)
}

#[test]
fn every_page_loads_cleanly_over_http_and_from_disk() {
    let Some((chromium, driver)) = webdriver::find() else {
        return;
    };
    let (_dir, public) = default_site();
    let (_gdir, generated) = generated_site(200);
    let b = webdriver::Browser::start(&chromium, &driver, 1280, 900);
    let mut problems = Vec::new();
    let base = static_server::serve(&public);
    let pages = html_pages(&public);
    assert!(pages.len() >= 35, "{}", pages.len());
    for page in &pages {
        problems.extend(b.load_and_check(&format!("{base}{page}")));
        problems.extend(b.load_and_check(&format!("file://{}/{page}", public.display())));
    }
    let gbase = static_server::serve(&generated);
    let gpages = sample(html_pages(&generated));
    assert!(gpages.len() > 40, "{}", gpages.len());
    for page in &gpages {
        problems.extend(b.load_and_check(&format!("{gbase}{page}")));
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn navigation_and_a_passage_link_land_on_the_highlighted_paragraph() {
    let Some((chromium, driver)) = webdriver::find() else {
        return;
    };
    let (_dir, public) = default_site();
    let base = static_server::serve(&public);
    let b = webdriver::Browser::start(&chromium, &driver, 1280, 900);
    b.goto(&base);
    b.click(&b.find(r#"nav a[href="topics/index.html"]"#));
    b.wait_for(
        "return document.querySelector('h1').textContent === 'Topics'",
        "the topics page",
    );
    b.click(&b.find(r#"a[href="../topics/territory/index.html"]"#));
    b.wait_for(
        "return document.querySelector('h1').textContent === 'Territorial concessions'",
        "a topic",
    );
    // The BBC's passage on Russian control of Luhansk and Donetsk.
    b.click(&b.find(r#"#from-003 a.para-ref[href="../../sources/003/index.html#p8"]"#));
    b.wait_for("return location.hash === '#p8'", "the source page");
    let state = b.run(
        "const t = document.querySelector(':target'); const r = t.getBoundingClientRect();
         return [t.id, t.textContent.includes('about 70% of Donetsk'), r.top >= 0 && r.bottom <= innerHeight + r.height, getComputedStyle(t).backgroundColor]",
        json!([]),
    );
    assert_eq!(state[0], "p8");
    assert_eq!(state[1], true);
    assert_eq!(state[2], true, "the paragraph is scrolled into view");
    assert_ne!(state[3], "rgba(0, 0, 0, 0)", "the paragraph is highlighted");
    // And on through the paragraph's topic tag.
    b.click(&b.find(r#"#p8 a.topic-tag"#));
    b.wait_for(
        "return location.pathname.includes('/topics/')",
        "a topic page",
    );
    // A citation in a summary leads to its paragraph too.
    b.goto(&format!("{base}topics/weapons/index.html"));
    b.click(&b.find("sup.cite a"));
    b.wait_for(
        "return location.hash === '#p14' && location.pathname.endsWith('/sources/004/index.html')",
        "the cited paragraph",
    );
}

#[test]
fn at_phone_width_no_page_scrolls_sideways() {
    let Some((chromium, driver)) = webdriver::find() else {
        return;
    };
    let (_dir, public) = default_site();
    let (_gdir, generated) = generated_site(200);
    let b = webdriver::Browser::start(&chromium, &driver, 800, 900);
    // A window cannot be that narrow; emulate the phone's viewport instead.
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true}),
    );
    let mut wide = Vec::new();
    for (site, pages) in [
        (&public, html_pages(&public)),
        (&generated, sample(html_pages(&generated))),
    ] {
        let base = static_server::serve(site);
        for page in pages {
            b.goto(&format!("{base}{page}"));
            b.wait_for("return document.readyState === 'complete'", &page);
            // A phone widens the layout to fit content wider than the
            // screen, so either measure shows sideways scrolling.
            let w = b.run(
                "return Math.max(document.documentElement.scrollWidth, window.innerWidth)",
                json!([]),
            );
            if w.as_u64().unwrap_or(0) > 390 {
                // Name the outermost elements that stick out, to fix them.
                let culprits = b.run(
                    "return Array.from(document.querySelectorAll('body *')).filter(e => {
                       const r = e.getBoundingClientRect();
                       const p = e.parentElement.getBoundingClientRect();
                       return r.right > 391 && p.right <= 391;
                     }).slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))",
                    json!([]),
                );
                wide.push(format!("{page}: {w}px wide: {culprits}"));
            }
        }
    }
    assert!(wide.is_empty(), "{wide:#?}");
}

#[test]
fn everything_clickable_is_reachable_by_keyboard_with_a_visible_focus() {
    let Some((chromium, driver)) = webdriver::find() else {
        return;
    };
    let (_dir, public) = default_site();
    let base = static_server::serve(&public);
    let b = webdriver::Browser::start(&chromium, &driver, 1280, 900);
    for page in [
        "index.html",
        "topics/territory/index.html",
        "sources/002/index.html",
        "search/index.html",
    ] {
        b.goto(&format!("{base}{page}"));
        b.wait_for("return document.readyState === 'complete'", page);
        // Press Tab: the first stop is the skip link, and it shows itself.
        b.keys("\u{E004}");
        let skip = b.run(
            "const e = document.activeElement; const r = e.getBoundingClientRect();
             return [e.className, r.left >= 0 && r.top >= 0, e.getAttribute('href')]",
            json!([]),
        );
        assert_eq!(skip, json!(["skip-link", true, "#main"]), "{page}");
        // Every link, button and field can take the focus and draws a ring.
        let unfocusable = b.run(
            "return Array.from(document.querySelectorAll('a[href], button, input, select, textarea'))
               .filter(e => e.offsetParent !== null)
               .filter(e => { e.focus(); const s = getComputedStyle(e);
                 return document.activeElement !== e || (s.outlineStyle === 'none' && s.boxShadow === 'none'); })
               .map(e => e.outerHTML.slice(0, 80))",
            json!([]),
        );
        assert_eq!(unfocusable, json!([]), "{page}");
    }
}
