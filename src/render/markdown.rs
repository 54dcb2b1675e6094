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

/// The mark of a citation's HTML, to tell which blocks cite something.
const CITE_TAG: &str = "<sup class=\"cite\"";

/// `mark_uncited`: whether to mark the statements that cite nothing (for
/// claims such as summaries; not for notes about a source or a person).
pub fn render_cited(
    markdown: &str,
    allow_raw_html: bool,
    mark_uncited: bool,
    groups: &[citations::Group],
    mut cite: impl FnMut(&citations::Group) -> String,
) -> Cited {
    let events = with_citations(markdown, allow_raw_html, groups, &mut cite);
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
                    .any(|e| matches!(e, Event::InlineHtml(h) if h.starts_with(CITE_TAG)));
                let uncited = mark_uncited && judged && !cites;
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
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html, rewritten.into_iter());
    Cited {
        html,
        statements,
        cited,
    }
}

/// The safe events of `markdown`, with each citation group (found by
/// [`citations::find`], so only in running text) replaced by `cite`'s HTML.
/// A group may span several text events (pulldown-cmark splits text at `[`).
fn with_citations<'a>(
    markdown: &'a str,
    allow_raw_html: bool,
    groups: &[citations::Group],
    cite: &mut dyn FnMut(&citations::Group) -> String,
) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut next = 0; // the next group to place
    let mut inside: Option<usize> = None; // a group begun but not ended
    let mut external_image = false;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        let event = make_safe(event, allow_raw_html, &mut external_image);
        let is_plain = matches!(&event, Event::Text(t) if t.as_ref() == &markdown[range.clone()]);
        if !is_plain {
            if inside.is_none() {
                out.push(event);
            }
            continue;
        }
        let mut pos = range.start;
        loop {
            if let Some(g) = inside {
                if groups[g].end <= range.end {
                    out.push(Event::InlineHtml(cite(&groups[g]).into()));
                    pos = groups[g].end;
                    inside = None;
                    next = g + 1;
                    continue;
                }
                break;
            }
            match groups.get(next) {
                Some(g) if g.start < range.end && g.start >= pos => {
                    if g.start > pos {
                        out.push(Event::Text(markdown[pos..g.start].into()));
                    }
                    inside = Some(next);
                    pos = g.start;
                }
                _ => {
                    if pos < range.end {
                        out.push(Event::Text(markdown[pos..range.end].into()));
                    }
                    break;
                }
            }
        }
    }
    out
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

fn options() -> Options {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options
}

/// The analyst's Markdown as events that cannot run code: raw HTML as text
/// (unless allowed), links only to the web, mail or the site, and images
/// from other hosts as plain links (a page must request nothing elsewhere).
fn safe_events(markdown: &str, allow_raw_html: bool) -> impl Iterator<Item = Event<'_>> {
    let mut external_image = false;
    Parser::new_ext(markdown, options())
        .map(move |e| make_safe(e, allow_raw_html, &mut external_image))
}

fn make_safe<'a>(event: Event<'a>, allow_raw_html: bool, external_image: &mut bool) -> Event<'a> {
    match event {
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
            *external_image = dest_url.contains(':');
            let tag = if *external_image {
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
        Event::End(TagEnd::Image) if *external_image => {
            *external_image = false;
            Event::End(TagEnd::Link)
        }
        other => other,
    }
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
    let markdown = uncited(markdown);
    let mut events =
        Parser::new(&markdown).skip_while(|e| matches!(e, Event::Start(Tag::Paragraph)));
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
    let plain = to_plain(&markdown);
    match plain.find(". ") {
        Some(i) => plain[..=i].to_string(),
        None => plain,
    }
}

/// The Markdown without its citations, for plain-text uses.
fn uncited(markdown: &str) -> String {
    let (groups, _) = citations::find(markdown);
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for g in groups {
        out.push_str(markdown[at..g.start].trim_end_matches(' '));
        at = g.end;
    }
    out.push_str(&markdown[at..]);
    out
}

/// The first paragraph as plain text, for cards and meta descriptions.
pub fn to_plain(markdown: &str) -> String {
    let markdown = uncited(markdown);
    let mut out = String::new();
    for event in Parser::new(&markdown) {
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
        let (groups, _) = citations::find(md);
        let out = render_cited(md, false, true, &groups, |g| {
            format!("<sup class=\"cite\">{}</sup>", g.refs[0].source)
        });
        assert!(
            out.html
                .contains(r#"<p>Cited <sup class="cite">000</sup>.</p>"#),
            "{}",
            out.html
        );
        assert!(
            out.html
                .contains(r#"<li>cited item <sup class="cite">001</sup></li>"#),
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
    fn citations_in_code_links_and_images_stay_as_written() {
        let md = "See `[@a:p1]`, [t](https://x.org \"hover [@a:p2]\"), ![alt [@a:p3]](map.png), \\[@a:p4] and [@a:p5].";
        let (groups, _) = citations::find(md);
        assert_eq!(groups.len(), 1, "{groups:?}");
        let out = render_cited(md, false, true, &groups, |g| {
            format!("<sup class=\"cite\">{}</sup>", g.refs[0].from)
        });
        assert!(out.html.contains("<code>[@a:p1]</code>"), "{}", out.html);
        assert!(
            out.html.contains(r#"title="hover [@a:p2]""#),
            "{}",
            out.html
        );
        assert!(out.html.contains(r#"alt="alt [@a:p3]""#), "{}", out.html);
        assert!(out.html.contains("[@a:p4]"), "{}", out.html);
        assert!(
            out.html.contains(r#"and <sup class="cite">5</sup>."#),
            "{}",
            out.html
        );
    }

    #[test]
    fn lead_and_plain_text_leave_citations_out() {
        assert_eq!(
            lead("The closure starts in February [@g:p1; @h:p1]. More."),
            "The closure starts in February."
        );
        assert_eq!(to_plain("**Bottom [@g:p1] line.**"), "Bottom line.");
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
