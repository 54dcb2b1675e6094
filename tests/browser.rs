//! Pages in a real browser: Debian's headless Chromium. These tests skip with
//! a printed reason when Chromium is missing, unless DOSSIER_E2E=1 (set by CI),
//! which turns the skip into a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CHROMIUM_PATH").map(PathBuf::from),
        Some(PathBuf::from("/usr/bin/chromium")),
        Some(PathBuf::from("/usr/bin/chromium-browser")),
    ];
    let found = candidates.into_iter().flatten().find(|p| p.is_file());
    if found.is_none() {
        let reason = "Chromium not found (install Debian's chromium, or set CHROMIUM_PATH)";
        assert!(
            std::env::var_os("DOSSIER_E2E").is_none(),
            "DOSSIER_E2E is set but {reason}"
        );
        eprintln!("skipped: {reason}");
    }
    found
}

/// The DOM of `page` after Chromium loaded it and ran its scripts.
fn dom_after_load(browser: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Code that, if it ever runs, marks the document. The marker value is
/// built at run time, so it never appears in the page's source.
const RUN: &str = "document.documentElement.setAttribute('data-pwned','ran'+'1')";
const MARK: &str = "data-pwned=\"ran1\"";

#[test]
fn no_script_from_content_runs_in_the_browser() {
    let Some(browser) = chromium() else { return };
    let payloads = [
        format!("<script>{RUN}</script>"),
        format!("<img src=x onerror=\"{RUN}\">"),
        format!("<svg onload=\"{RUN}\"></svg>"),
        format!("\"><script>{RUN}</script>"),
    ];
    let all = payloads.join(" ");
    let yaml = all.replace('\\', "\\\\").replace('"', "\\\"");

    // The detector itself works: the same payload unescaped does mark the page.
    let control = tempfile::tempdir().unwrap();
    let control_page = control.path().join("control.html");
    std::fs::write(
        &control_page,
        format!("<!DOCTYPE html><html><body>{all}</body></html>"),
    )
    .unwrap();
    assert!(
        dom_after_load(&browser, &control_page).contains(MARK),
        "the control did not run"
    );

    let f = common::Fixture::empty();
    f.write(
        "dossier.yaml",
        &format!("title: \"T {yaml}\"\nsubtitle: \"{yaml}\"\ndescription: \"{yaml}\"\nsummary: \"S {yaml} [x](javascript:{RUN})\"\n"),
    );
    f.write(
        "content/participants.yaml",
        &format!("- id: p\n  name: \"Bad {yaml}\"\n  aliases: [Bad]\n  role: \"{yaml}\"\n  affiliation: \"{yaml}\"\n  notes: \"{yaml}\"\n"),
    );
    f.write(
        "content/topics/t.yaml",
        &format!(
            "title: \"Topic {yaml}\"\nsummary: \"{yaml}\"\nkeywords: [script, Bad, \"{yaml}\"]\n"
        ),
    );
    f.write(
        "content/articles/x.txt",
        &format!("Bad wrote {all} here.\n“{all},” Bad said.\n"),
    );
    f.write(
        "content/articles/x.yaml",
        &format!(
            "title: \"A {yaml}\"\noutlet: \"{yaml}\"\nauthor: \"{yaml}\"\nnotes: \"{yaml}\"\n"
        ),
    );
    f.write(
        "content/articles/y.md",
        &format!("---\ntitle: Y\n---\nRaw {all} in markdown.\n\n{all}\n"),
    );
    f.build();
    let pages: Vec<String> = common::site_files(&f.public())
        .into_keys()
        .filter(|p| p.ends_with(".html"))
        .collect();
    assert!(pages.len() >= 14, "{pages:?}");
    for page in pages {
        let dom = dom_after_load(&browser, &f.public().join(&page));
        assert!(dom.contains("</body>"), "{page} did not load");
        assert!(!dom.contains(MARK), "a script from content ran on {page}");
    }
}
