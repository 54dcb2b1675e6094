//! `dossier check`'s checks of the rendered site: every internal link and
//! asset must exist, and (with `--external`) every outside link should answer.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::render::OutputFile;

/// Every `href`, `src`, `action` and `srcset` value of an HTML page, with
/// its byte offset. Attribute values are read in single or double quotes.
pub fn links(html: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    for attr in [" href=", " src=", " action=", " srcset=", " poster="] {
        let mut from = 0;
        while let Some(i) = html[from..].find(attr) {
            let start = from + i + attr.len();
            from = start;
            let Some(&quote) = bytes.get(start) else {
                break;
            };
            if quote != b'"' && quote != b'\'' {
                continue;
            }
            let Some(len) = html[start + 1..].find(quote as char) else {
                break;
            };
            let value = unescape(&html[start + 1..start + 1 + len]);
            if attr == " srcset=" {
                for candidate in value.split(',') {
                    if let Some(url) = candidate.split_whitespace().next() {
                        out.push((start + 1, url.to_string()));
                    }
                }
            } else {
                out.push((start + 1, value));
            }
        }
    }
    out.sort();
    out
}

fn unescape(value: &str) -> String {
    value
        .replace("&amp;", "&")
        .replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
}

fn is_external(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// Checks that each internal link of each page leads to a file of the site
/// and, if it has a `#fragment`, to an element with that id.
pub fn internal_links(files: &[OutputFile], output_name: &str) -> Diagnostics {
    let by_path: BTreeMap<&str, &OutputFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut ids: BTreeMap<&str, HashSet<String>> = BTreeMap::new();
    let mut problems = Diagnostics::default();
    for file in files
        .iter()
        .filter(|f| f.path.ends_with(".html") && f.path != "404.html")
    {
        let html = String::from_utf8_lossy(&file.bytes);
        for (at, link) in links(&html) {
            let lower = link.to_ascii_lowercase();
            if is_external(&link) || lower.starts_with("mailto:") || lower.starts_with("tel:") {
                continue;
            }
            let place =
                || Diagnostic::new(format!("{output_name}/{}", file.path), "").at_offset(&html, at);
            if lower.starts_with("javascript:")
                || lower.starts_with("data:")
                || link.starts_with('/')
            {
                let mut d = place();
                d.message = format!("the link `{link}` would not work from every host or path");
                problems.push(d.with_hint(
                    "links inside the dossier must be relative (prefix them with `{{ root }}` in templates)",
                ));
                continue;
            }
            let (path, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link.as_str(), None),
            };
            let path = path.split('?').next().unwrap_or("");
            let target = if path.is_empty() {
                file.path.clone()
            } else {
                resolve(&file.path, path)
            };
            let Some(target_file) = by_path.get(target.as_str()) else {
                let mut d = place();
                d.message = format!(
                    "broken link: `{link}` leads to `{target}`, which the build does not write"
                );
                problems.push(d.with_hint(
                    "fix the link in the template or Markdown it comes from, or the id it names",
                ));
                continue;
            };
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let known = ids
                    .entry(target_file.path.as_str())
                    .or_insert_with(|| element_ids(&String::from_utf8_lossy(&target_file.bytes)));
                if !known.contains(fragment) {
                    let mut d = place();
                    d.message =
                        format!("broken anchor: `{target}` has no element with id `{fragment}`");
                    problems.push(d.with_hint("check the paragraph number or anchor in the link"));
                }
            }
        }
    }
    problems
}

fn element_ids(html: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for quote in ['"', '\''] {
        let pattern = format!(" id={quote}");
        let mut from = 0;
        while let Some(i) = html[from..].find(&pattern) {
            let start = from + i + pattern.len();
            let Some(len) = html[start..].find(quote) else {
                break;
            };
            out.insert(unescape(&html[start..start + len]));
            from = start + len;
        }
    }
    out
}

/// `link` relative to the page at `from`, as a path from the site root.
fn resolve(from: &str, link: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if link.ends_with('/') || joined.is_empty() {
        format!("{joined}/index.html")
            .trim_start_matches('/')
            .to_string()
    } else {
        joined
    }
}

/// The outside links to check: article URLs and external links in pages.
pub fn external_targets(files: &[OutputFile], article_urls: &[String]) -> Vec<String> {
    let mut set: BTreeSet<String> = article_urls.iter().cloned().collect();
    for file in files.iter().filter(|f| f.path.ends_with(".html")) {
        for (_, link) in links(&String::from_utf8_lossy(&file.bytes)) {
            if is_external(&link) {
                set.insert(link);
            }
        }
    }
    set.into_iter().collect()
}

/// What an outside link answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Ok(u16),
    /// An HTTP error status: the page is gone or broken.
    Status(u16),
    /// No answer (no network, a timeout, a refused connection): reported, not a failure.
    Unreachable(String),
}

/// Asks each URL with a HEAD request (then GET, for servers that refuse
/// HEAD), `workers` at a time, each within `timeout`.
pub fn external_links(urls: &[String], workers: usize, timeout: Duration) -> Vec<(String, Answer)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent(format!(
            "dossier/{} (link check)",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .into();
    let queue = Mutex::new(urls.to_vec());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                while let Some(url) = queue.lock().map(|mut q| q.pop()).ok().flatten() {
                    let answer = ask(&agent, &url);
                    if let Ok(mut r) = results.lock() {
                        r.push((url, answer));
                    }
                }
            });
        }
    });
    let mut out = results.into_inner().unwrap_or_default();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn ask(agent: &ureq::Agent, url: &str) -> Answer {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| match r {
        Ok(resp) => Ok(resp.status().as_u16()),
        Err(e) => Err(e.to_string()),
    };
    match status(agent.head(url).call()) {
        Ok(code) if code < 400 => Answer::Ok(code),
        // Some servers refuse HEAD; ask properly before calling the link broken.
        Ok(_) | Err(_) => match status(agent.get(url).call()) {
            Ok(code) if code < 400 => Answer::Ok(code),
            Ok(code) => Answer::Status(code),
            Err(e) => Answer::Unreachable(e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: html.as_bytes().to_vec(),
        }
    }

    #[test]
    fn finds_broken_links_and_anchors() {
        let files = vec![
            page(
                "index.html",
                r##"<a href="topics/x/index.html">x</a> <a href="sources/a/index.html#p3">a</a> <img src='style.css'> <a href="https://x.org">e</a>"##,
            ),
            page(
                "sources/a/index.html",
                r##"<p id="p1">one</p> <a href="../../index.html#top">t</a> <a href="#p1">self</a>"##,
            ),
            page("style.css", ""),
        ];
        let problems = internal_links(&files, "public");
        let messages: Vec<String> = problems
            .0
            .iter()
            .map(|d| format!("{}: {}", d.location(), d.message))
            .collect();
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(
            messages[0].contains("public/index.html:1:10: broken link: `topics/x/index.html`"),
            "{messages:#?}"
        );
        assert!(
            messages[1].contains("no element with id `p3`"),
            "{messages:#?}"
        );
        assert!(
            messages[2].contains("public/sources/a/index.html:1:"),
            "{messages:#?}"
        );
        assert!(
            messages[2].contains("no element with id `top`"),
            "{messages:#?}"
        );
    }

    #[test]
    fn root_absolute_and_script_links_are_refused() {
        let files = vec![page(
            "index.html",
            r#"<a href="/topics/">x</a><a href="javascript:alert(1)">y</a>"#,
        )];
        assert_eq!(internal_links(&files, "public").len(), 2);
    }
}
