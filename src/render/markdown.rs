//! The analyst's Markdown (summaries, notes) into HTML that cannot run code.
//!
//! Raw HTML is shown as text, not passed through: a summary pasted from a web
//! page must not be able to inject a script into the dossier. Links keep only
//! web, mail and in-site targets.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::analyze::citations;

pub fn to_html(markdown: &str) -> String {
    render(markdown, false)
}

/// With `allow_raw_html` (the dossier's `allow_raw_html: true`), raw HTML in
/// the analyst's own Markdown passes through; links are still checked.
pub fn render(markdown: &str, allow_raw_html: bool) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, safe_events(markdown, allow_raw_html));
    out
}

/// Markdown with citations, as HTML: each citation group becomes whatever
/// `cite` makes of it, and each paragraph or list item that cites nothing is
/// marked, so a reader sees which statements rest on a source.
pub struct Cited {
    pub html: String,
    /// Paragraphs and list items.
    pub statements: usize,
    /// Those of them with at least one citation.
    pub cited: usize,
}

/// Private-use characters: they survive Markdown untouched and cannot be
/// typed by accident, so they mark where each citation goes.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

pub fn render_cited(
    markdown: &str,
    allow_raw_html: bool,
    groups: &[citations::Group],
    mut cite: impl FnMut(&citations::Group) -> String,
) -> Cited {
    let mut marked = String::with_capacity(markdown.len());
    let mut at = 0;
    for (k, g) in groups.iter().enumerate() {
        marked.push_str(&markdown[at..g.start]);
        marked.push_str(&format!("{OPEN}{k}{CLOSE}"));
        at = g.end;
    }
    marked.push_str(&markdown[at..]);

    let events: Vec<Event> = safe_events(&marked, allow_raw_html).collect();
    let (mut statements, mut cited) = (0, 0);
    // For each open paragraph or item: is it marked as citing nothing?
    let mut open: Vec<bool> = Vec::new();
    let mut rewritten: Vec<Event> = Vec::with_capacity(events.len() + 8);
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(tag @ (Tag::Paragraph | Tag::Item)) => {
                let end = TagEnd::from(tag.clone());
                let body = block_body(&events[i + 1..], &end);
                // A list item holding paragraphs is judged by its paragraphs.
                let judged = !(matches!(tag, Tag::Item)
                    && body
                        .iter()
                        .any(|e| matches!(e, Event::Start(Tag::Paragraph))));
                let cites = body
                    .iter()
                    .any(|e| matches!(e, Event::Text(t) if t.contains(OPEN)));
                let uncited = judged && !cites;
                if judged {
                    statements += 1;
                    cited += usize::from(cites);
                }
                open.push(uncited);
                if uncited {
                    let name = if matches!(tag, Tag::Item) { "li" } else { "p" };
                    rewritten.push(Event::Html(format!("<{name} class=\"uncited\">").into()));
                } else {
                    rewritten.push(event.clone());
                }
            }
            Event::End(end @ (TagEnd::Paragraph | TagEnd::Item)) => {
                if open.pop().unwrap_or(false) {
                    let name = if matches!(end, TagEnd::Item) {
                        "li"
                    } else {
                        "p"
                    };
                    rewritten.push(Event::Html(
                        format!(" <span class=\"uncited-note\">no source cited</span></{name}>\n")
                            .into(),
                    ));
                } else {
                    rewritten.push(event.clone());
                }
            }
            _ => rewritten.push(event.clone()),
        }
    }
    let mut html_out = String::with_capacity(marked.len() * 3 / 2);
    html::push_html(&mut html_out, rewritten.into_iter());
    // Put the citations in; `cite` escapes what it writes.
    let mut html = String::with_capacity(html_out.len());
    let mut rest = html_out.as_str();
    while let Some(i) = rest.find(OPEN) {
        html.push_str(&rest[..i]);
        let after = &rest[i + OPEN.len_utf8()..];
        let Some(j) = after.find(CLOSE) else {
            rest = after;
            continue;
        };
        if let Some(g) = after[..j].parse::<usize>().ok().and_then(|k| groups.get(k)) {
            html.push_str(&cite(g));
        }
        rest = &after[j + CLOSE.len_utf8()..];
    }
    html.push_str(rest);
    Cited {
        html,
        statements,
        cited,
    }
}

/// The events inside a block, up to its matching end.
fn block_body<'e, 'a>(events: &'e [Event<'a>], end: &TagEnd) -> &'e [Event<'a>] {
    let mut depth = 0;
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Start(t) if TagEnd::from(t.clone()) == *end => depth += 1,
            Event::End(t) if t == end => {
                if depth == 0 {
                    return &events[..i];
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    events
}

/// The analyst's Markdown as events that cannot run code: raw HTML as text
/// (unless allowed), links only to the web, mail or the site, and images
/// from other hosts as plain links (a page must request nothing elsewhere).
fn safe_events(markdown: &str, allow_raw_html: bool) -> impl Iterator<Item = Event<'_>> {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut external_image = false;
    Parser::new_ext(markdown, options).map(move |event| match event {
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
        Event::End(TagEnd::Image) if external_image => {
            external_image = false;
            Event::End(TagEnd::Link)
        }
        other => other,
    })
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
                Event::End(TagEnd::Strong) => break,
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
            Event::End(TagEnd::Paragraph) if !out.is_empty() => break,
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
    fn citations_become_links_and_uncited_statements_are_marked() {
        let md = "Cited [@000:p4].\n\n- cited item [@001:p2]\n- bare item\n\nBare paragraph.\n";
        let (groups, _) = citations::parse(md);
        let out = render_cited(md, false, &groups, |g| {
            format!("<sup>{}</sup>", g.refs[0].source)
        });
        assert!(
            out.html.contains("<p>Cited <sup>000</sup>.</p>"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<li>cited item <sup>001</sup></li>"),
            "{}",
            out.html
        );
        assert!(out.html.contains(r#"<li class="uncited">bare item <span class="uncited-note">no source cited</span></li>"#), "{}", out.html);
        assert!(
            out.html.contains(r#"<p class="uncited">Bare paragraph."#),
            "{}",
            out.html
        );
        assert_eq!((out.statements, out.cited), (4, 2));
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
