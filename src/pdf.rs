//! `dossier build --pdf`: the printable dossier (`print/index.html`) saved as
//! `dossier.pdf` by an installed Chromium, headless.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagnostic::Diagnostic;
use crate::render::OutputFile;

/// Chromium's path: `$CHROMIUM_PATH`, or the usual names on the PATH.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM_PATH").map(PathBuf::from) {
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| {
            [
                "chromium",
                "chromium-browser",
                "google-chrome",
                "google-chrome-stable",
            ]
            .into_iter()
            .map(move |name| dir.join(name))
        })
        .find(|p| p.is_file())
}

/// Renders `files` (a whole site) in a scratch folder and prints its
/// `print/index.html` to PDF.
pub fn print(files: &[OutputFile], scratch: &Path) -> Result<Vec<u8>, Diagnostic> {
    let chromium = find_chromium().ok_or_else(|| {
        Diagnostic::new("--pdf", "no Chromium was found to print the PDF with")
            .with_hint("install Chromium (e.g. `apt-get install chromium`), set CHROMIUM_PATH, or build without --pdf")
    })?;
    let site = scratch.join("site");
    crate::write::write_site(&site, files)?;
    let pdf = scratch.join("dossier.pdf");
    let profile = scratch.join("profile");
    let page = site.join("print/index.html");
    let status = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .map_err(|e| Diagnostic::new(&chromium, format!("cannot run Chromium: {e}")))?;
    let bytes = fs::read(&pdf).map_err(|_| {
        Diagnostic::new(
            &chromium,
            format!(
                "Chromium did not write the PDF: {}",
                String::from_utf8_lossy(&status.stderr)
                    .lines()
                    .last()
                    .unwrap_or("no message")
            ),
        )
        .with_hint("try printing print/index.html from a browser instead")
    })?;
    Ok(bytes)
}
