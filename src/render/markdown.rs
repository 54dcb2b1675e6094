//! The analyst's Markdown (summaries, notes) into HTML that cannot run code.
//!
//! Raw HTML is shown as text, not passed through: a summary pasted from a web
//! page must not be able to inject a script into the dossier. Links keep only
//! web, mail and in-site targets.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

pub fn to_html(markdown: &str) -> String {
    render(markdown, false)
}

/// With `allow_raw_html` (the dossier's `allow_raw_html: true`), raw HTML in
/// the analyst's own Markdown passes through; links are still checked.
pub fn render(markdown: &str, allow_raw_html: bool) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    // An image from another host would be a request (a tracker) to a site
    // that is not the dossier's own: it becomes a plain link instead.
    let mut external_image = false;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) if !allow_raw_html => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_link(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = safe_link(dest_url);
            external_image = dest_url.contains(':');
            let tag = if external_image {
                Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }
            } else {
                Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }
            };
            Event::Start(tag)
        }
        Event::End(pulldown_cmark::TagEnd::Image) if external_image => {
            external_image = false;
            Event::End(pulldown_cmark::TagEnd::Link)
        }
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

fn safe_link(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains(['/', '?', '#']));
    match scheme {
        None | Some("http" | "https" | "mailto") => url,
        Some(_) => CowStr::Borrowed("#"),
    }
}

/// The bottom line of a summary, for cards: its opening bold run when it
/// starts with one (the convention of the default dossier), else its first
/// sentence.
pub fn lead(markdown: &str) -> String {
    let mut events =
        Parser::new(markdown).skip_while(|e| matches!(e, Event::Start(Tag::Paragraph)));
    if let Some(Event::Start(Tag::Strong)) = events.next() {
        let mut out = String::new();
        for event in events {
            match event {
                Event::Text(t) | Event::Code(t) => out.push_str(&t),
                Event::SoftBreak | Event::HardBreak => out.push(' '),
                Event::End(pulldown_cmark::TagEnd::Strong) => break,
                _ => {}
            }
        }
        return out.trim().to_string();
    }
    let plain = to_plain(markdown);
    match plain.find(". ") {
        Some(i) => plain[..=i].to_string(),
        None => plain,
    }
}

/// The first paragraph as plain text, for cards and meta descriptions.
pub fn to_plain(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(pulldown_cmark::TagEnd::Paragraph) if !out.is_empty() => break,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped() {
        let html = to_html("Hi <script>alert(1)</script> <b onclick=x>b</b>\n\n<div>block</div>\n");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(html.contains("&lt;div&gt;"), "{html}");
    }

    #[test]
    fn dangerous_link_targets_are_neutralised() {
        let html = to_html(
            "[a](javascript:alert(1)) [b](data:text/html,x) [c](https://x.org) [d](#p4) [e](../sources/000/)",
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains(r#"href="https://x.org""#));
        assert!(html.contains(r##"href="#p4""##));
        assert!(html.contains(r#"href="../sources/000/""#));
    }

    #[test]
    fn lead_is_the_opening_bold_run_or_the_first_sentence() {
        assert_eq!(lead("**All agree.** But details differ."), "All agree.");
        assert_eq!(lead("First one. Second one."), "First one.");
    }

    #[test]
    fn raw_html_passes_only_when_allowed() {
        assert!(render("a <abbr>b</abbr>", true).contains("<abbr>b</abbr>"));
        assert!(render("a <abbr>b</abbr>", false).contains("&lt;abbr&gt;"));
    }

    #[test]
    fn external_images_become_links() {
        let html = to_html("![map](https://tracker.example/x.png) ![local](map.png)");
        assert!(!html.contains("<img src=\"https"), "{html}");
        assert!(
            html.contains(r#"<a href="https://tracker.example/x.png">map</a>"#),
            "{html}"
        );
        assert!(html.contains(r#"<img src="map.png" alt="local""#), "{html}");
    }

    #[test]
    fn plain_takes_the_first_paragraph() {
        assert_eq!(
            to_plain("The *bottom* line.\nMore.\n\nSecond."),
            "The bottom line. More."
        );
    }
}
