//! Built-in renderers for the partials a large dossier renders most often: a
//! source page's paragraphs and the passages listed on topic, participant and
//! differences pages. There are hundreds of thousands of them at 10,000
//! sources, and Tera looks every variable up by name, so these write what the
//! default partials would write, straight from the analysis.
//!
//! Like Hugo's render hooks, a template decides: when a dossier or its theme
//! has its own copy of one of these partials (or of `partials/passage.html`,
//! which they include), that partial is rendered by Tera instead, item by
//! item. A test builds dossiers both ways and requires identical bytes.

use std::fmt::Write;

use super::templates::Origin;
use super::view::{self, Model, Segment};
use crate::analyze::compare::Figure;
use crate::analyze::statements::Statement;
use crate::analyze::{Paragraph, Quote};

/// One paragraph of a source page.
pub const SOURCE_PARAGRAPH: &str = "partials/source_paragraph.html";
/// One passage in a list grouped by source (topic, participant and
/// differences pages).
pub const PASSAGE_ITEM: &str = "partials/passage_item.html";
/// A quote with its speaker and source (source and topic pages).
pub const QUOTE: &str = "partials/quote.html";
/// A statement and each outlet's rendering of it (participant and quotes pages).
pub const STATEMENT: &str = "partials/statement.html";
/// A row of a topic's table of figures.
pub const FIGURE_ROW: &str = "partials/figure_row.html";
/// A topic page's passages from one source, under the source's badge.
pub const TOPIC_GROUP: &str = "partials/topic_group.html";
/// A participant page's mentions in one source, under the source's badge.
pub const MENTION_GROUP: &str = "partials/mention_group.html";
/// What a source page shows beside the text: the sources sharing its
/// wording, its passages no other source carries, its topics and
/// participants.
pub const SOURCE_ASIDE: &str = "partials/source_aside.html";
/// The passage text and its single-source flag, which both include.
const PASSAGE: &str = "partials/passage.html";
/// A source's outlet and date, which a quote includes.
const SOURCE_BADGE: &str = "partials/source_badge.html";

/// Every partial that a built-in renderer stands in for, or that one of
/// them includes: a dossier's own copy of any of them is rendered by Tera.
pub const PARTIALS: &[&str] = &[
    SOURCE_PARAGRAPH,
    PASSAGE_ITEM,
    QUOTE,
    STATEMENT,
    FIGURE_ROW,
    TOPIC_GROUP,
    MENTION_GROUP,
    SOURCE_ASIDE,
    PASSAGE,
    SOURCE_BADGE,
];

/// Which partials the built-in renderers stand in for.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    pub source_paragraph: bool,
    pub passage_item: bool,
    pub quote: bool,
    pub statement: bool,
    pub figure_row: bool,
    pub topic_group: bool,
    pub mention_group: bool,
    pub source_aside: bool,
    /// Whether the dossier has its own `source.html`, which may lay out what
    /// the aside shows itself (from `similar`, `topics`, `participants`).
    pub own_source_page: bool,
    /// Whether the dossier has its own `topic.html` or `participant.html`,
    /// which may lay out the source groups itself (from `groups`) instead
    /// of printing them rendered (`groups_html`).
    pub own_topic_page: bool,
    pub own_participant_page: bool,
}

impl Builtin {
    pub fn new(origin: impl Fn(&str) -> Option<Origin>) -> Builtin {
        let built_in = |name: &str| matches!(origin(name), Some(Origin::BuiltIn(_)));
        let passage = built_in(PASSAGE);
        Builtin {
            source_paragraph: passage && built_in(SOURCE_PARAGRAPH),
            passage_item: passage && built_in(PASSAGE_ITEM),
            quote: built_in(QUOTE) && built_in(SOURCE_BADGE),
            statement: built_in(STATEMENT) && built_in(SOURCE_BADGE),
            figure_row: built_in(FIGURE_ROW),
            topic_group: built_in(TOPIC_GROUP) && built_in(SOURCE_BADGE),
            mention_group: built_in(MENTION_GROUP) && built_in(SOURCE_BADGE),
            source_aside: built_in(SOURCE_ASIDE),
            own_source_page: !built_in("source.html"),
            own_topic_page: !built_in("topic.html"),
            own_participant_page: !built_in("participant.html"),
        }
    }
}

/// Writes `text` escaped as Tera's autoescape does (Tera escapes with the
/// same function, straight into a `String` here).
pub(super) fn text(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut *out, text);
}

fn number(out: &mut String, n: usize) {
    let _ = write!(out, "{n}");
}

/// `partials/passage.html`: the text, and the flag when no other source
/// carries it.
fn passage(out: &mut String, segments: &[Segment], unique: bool) {
    out.push_str("<p class=\"passage-text\">");
    view::write_html(out, segments);
    out.push_str("</p>\n");
    if unique {
        out.push_str("<p class=\"single-source\">Only in this source: no other source carries this passage’s substance.</p>");
    }
    out.push('\n');
}

/// `partials/source_paragraph.html` for paragraph `i` of source `s`, its
/// text made of `segments`; `root` leads back to the site root.
pub fn source_paragraph(
    out: &mut String,
    m: &Model,
    s: usize,
    i: usize,
    segments: &[Segment],
    root: &str,
) {
    let para: &Paragraph = &m.analysis.sources[s].paragraphs[i];
    let n = para.n;
    // `id="pN">`, then `between`, then the link to the paragraph.
    let anchor = |out: &mut String, between: &str| {
        out.push_str(" id=\"p");
        number(out, n);
        out.push_str("\">");
        out.push_str(between);
        out.push_str("<a class=\"para-ref\" href=\"#p");
        number(out, n);
        out.push_str("\" aria-label=\"Paragraph ");
        number(out, n);
        out.push_str("\">¶");
        number(out, n);
        out.push_str("</a>");
    };
    if para.heading {
        out.push_str("<h3 class=\"para para-heading\"");
        anchor(out, "");
        out.push(' ');
        view::write_html(out, segments);
        out.push_str("</h3>\n");
        return;
    }
    out.push_str("<div class=\"para\"");
    anchor(out, "\n  ");
    out.push_str("\n  ");
    passage(out, segments, view::is_unique(m.analysis, s, i));
    out.push_str("\n  ");
    if !para.topics().is_empty() || !para.participants().is_empty() {
        out.push_str("<p class=\"para-tags\">");
        for &t in para.topics() {
            tag(
                out,
                "topic-tag",
                root,
                &m.topics[t].href,
                &m.topics[t].title,
            );
        }
        for &p in para.participants() {
            let card = &m.participants[p];
            tag(out, "person-tag", root, &card.href, &card.name);
        }
        out.push_str("</p>\n  ");
    }
    out.push_str("</div>\n");
}

fn tag(out: &mut String, class: &str, root: &str, href: &str, label: &str) {
    out.push_str("<a class=\"tag ");
    out.push_str(class);
    out.push_str("\" href=\"");
    text(out, root);
    text(out, href);
    out.push_str("\">");
    text(out, label);
    out.push_str("</a> ");
}

/// `partials/passage_item.html` for paragraph `i` of source `s`, shown as
/// `segments` (the whole text, or an excerpt).
pub fn passage_item(
    out: &mut String,
    m: &Model,
    s: usize,
    i: usize,
    segments: &[Segment],
    root: &str,
) {
    let n = m.analysis.sources[s].paragraphs[i].n;
    let card = &m.sources[s];
    out.push_str("<li class=\"passage\"><a class=\"para-ref\" href=\"");
    text(out, root);
    text(out, &card.href);
    out.push_str("#p");
    number(out, n);
    out.push_str("\" aria-label=\"Paragraph ");
    number(out, n);
    out.push_str(" of ");
    text(out, &card.label);
    out.push_str("\">¶");
    number(out, n);
    out.push_str("</a> ");
    passage(out, segments, view::is_unique(m.analysis, s, i));
    out.push_str("</li>\n");
}

/// `partials/topic_group.html` for source `s`, its passages on the topic
/// already rendered as `passages`.
pub fn topic_group(out: &mut String, m: &Model, s: usize, passages: &str, root: &str) {
    topic_group_head(out, m, s, root);
    out.push_str(passages);
    group_foot(out);
}

/// `partials/mention_group.html` for source `s`, which mentions the
/// participant `count` times, shown (in context) as `passages`.
pub fn mention_group(
    out: &mut String,
    m: &Model,
    s: usize,
    count: usize,
    passages: &str,
    root: &str,
) {
    mention_group_head(out, m, s, count, root);
    out.push_str(passages);
    group_foot(out);
}

/// [`topic_group`] up to its passages, which the caller writes next, then
/// [`group_foot`].
pub fn topic_group_head(out: &mut String, m: &Model, s: usize, root: &str) {
    group_head(out, m, s, root, "from", true, |_| {});
}

/// [`mention_group`] up to its passages, as [`topic_group_head`].
pub fn mention_group_head(out: &mut String, m: &Model, s: usize, count: usize, root: &str) {
    group_head(out, m, s, root, "m", false, |out| {
        out.push_str(" <span class=\"count\">");
        number(out, count);
        out.push_str(" mention");
        if count != 1 {
            out.push('s');
        }
        out.push_str("</span>");
    });
}

/// The start of a group of source `s`'s passages: the article, its heading
/// (named `{prefix}-{id}-h`; the article itself `{prefix}-{id}` when
/// `named`) with the source's badge and title, then `after_title`, then the
/// opening of the list.
fn group_head(
    out: &mut String,
    m: &Model,
    s: usize,
    root: &str,
    prefix: &str,
    named: bool,
    after_title: impl FnOnce(&mut String),
) {
    let card = &m.sources[s];
    let name = |out: &mut String| {
        out.push_str(prefix);
        out.push('-');
        text(out, &card.id);
    };
    out.push_str("<article class=\"source-group\"");
    if named {
        out.push_str(" id=\"");
        name(out);
        out.push('"');
    }
    out.push_str(" aria-labelledby=\"");
    name(out);
    out.push_str("-h\">\n    <h3 id=\"");
    name(out);
    out.push_str("-h\">");
    source_badge(out, card, root);
    out.push_str(" <span class=\"source-group-title\">");
    text(out, &card.title);
    out.push_str("</span>");
    after_title(out);
    out.push_str("</h3>\n");
    out.push_str(GROUP_LIST);
}

/// Where both kinds of group list their passages.
const GROUP_LIST: &str = "    <ol class=\"passages\">\n    ";

/// What both kinds of group end with, after their passages.
pub fn group_foot(out: &mut String) {
    out.push_str("\n    </ol>\n  </article>\n");
}

/// What `partials/source_aside.html` shows of a source.
pub struct Aside<'a> {
    /// The other source of each pair sharing wording with this one, the
    /// share as a percentage, and whether it looks rewritten.
    pub similar: &'a [(usize, String, bool)],
    pub single_source: usize,
    /// Topics and participants with their counts, in the order shown.
    pub topics: &'a [(usize, usize)],
    pub participants: &'a [(usize, usize)],
}

/// `partials/source_aside.html` for `aside`.
pub fn source_aside(out: &mut String, m: &Model, aside: &Aside, root: &str) {
    out.push_str("<aside class=\"source-aside\" aria-label=\"About this source\">\n  ");
    if !aside.similar.is_empty() {
        out.push_str("\n  <h2>Shared wording</h2>\n  <ul class=\"similar\">");
        for (b, percent, derivative) in aside.similar {
            let card = &m.sources[*b];
            out.push_str("<li><a href=\"");
            text(out, root);
            text(out, &card.href);
            out.push_str("\">");
            text(out, &card.label);
            out.push_str("</a> <span class=\"count\">");
            text(out, percent);
            out.push_str("</span>");
            if *derivative {
                out.push_str(" <strong class=\"flag\">likely rewritten</strong>");
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>\n  ");
    }
    out.push_str("\n  ");
    let n = aside.single_source;
    if n > 0 {
        out.push_str("<p class=\"note\">");
        number(out, n);
        out.push_str(if n == 1 { " passage" } else { " passages" });
        out.push_str(" of this source appear");
        if n == 1 {
            out.push('s');
        }
        out.push_str(" in no other source.</p>");
    }
    out.push_str("\n  ");
    tags(out, root, "Topics", aside.topics, |t| {
        (&m.topics[t].href, &m.topics[t].title)
    });
    out.push_str("\n  ");
    tags(out, root, "Participants", aside.participants, |p| {
        (&m.participants[p].href, &m.participants[p].name)
    });
    out.push_str("\n</aside>\n");
}

/// A heading and a list of counted links, unless `items` is empty; `card`
/// gives an item's link and label.
fn tags<'m>(
    out: &mut String,
    root: &str,
    heading: &str,
    items: &[(usize, usize)],
    card: impl Fn(usize) -> (&'m str, &'m str),
) {
    if items.is_empty() {
        return;
    }
    out.push_str("\n  <h2>");
    out.push_str(heading);
    out.push_str("</h2>\n  <ul class=\"tags\">");
    for &(k, count) in items {
        let (href, label) = card(k);
        out.push_str("<li><a href=\"");
        text(out, root);
        text(out, href);
        out.push_str("\">");
        text(out, label);
        out.push_str("</a> <span class=\"count\">");
        number(out, count);
        out.push_str("</span></li>");
    }
    out.push_str("</ul>\n  ");
}

/// `partials/quote.html` for quote `q`.
pub fn quote(out: &mut String, m: &Model, q: &Quote, root: &str) {
    let n = m.analysis.sources[q.source].paragraphs[q.paragraph].n;
    let card = &m.sources[q.source];
    let href = |out: &mut String| {
        text(out, root);
        text(out, &card.href);
        out.push_str("#p");
        number(out, n);
    };
    out.push_str("<figure class=\"quote-card\">\n  <blockquote cite=\"");
    href(out);
    out.push_str("\"><p>“");
    text(out, m.analysis.quote_text(q));
    out.push_str("”</p></blockquote>\n  <figcaption>");
    speaker(out, m, q.speaker, q.descriptor.as_deref(), root);
    out.push_str(", in ");
    source_badge(out, card, root);
    out.push_str(" <a class=\"para-ref\" href=\"");
    href(out);
    out.push_str("\">¶");
    number(out, n);
    out.push_str("</a></figcaption>\n</figure>\n");
}

/// `partials/source_badge.html` for `card`.
fn source_badge(out: &mut String, card: &view::SourceCard, root: &str) {
    out.push_str("<a class=\"badge\" href=\"");
    text(out, root);
    text(out, &card.href);
    out.push_str("\"><span class=\"badge-outlet\">");
    text(out, &card.label);
    out.push_str("</span>");
    if let Some(published) = card.published.as_deref().filter(|p| !p.is_empty()) {
        let estimated = card.published_estimated;
        out.push_str(" <time class=\"badge-date");
        if estimated {
            out.push_str(" estimated");
        }
        out.push_str("\" datetime=\"");
        text(out, card.published_iso.as_deref().unwrap_or(""));
        out.push('"');
        if estimated {
            out.push_str(" title=\"Estimated date\"");
        }
        out.push('>');
        if estimated {
            out.push_str("c. ");
        }
        text(out, published);
        out.push_str("</time>");
    }
    out.push_str("</a>\n");
}

/// `partials/statement.html` for statement `st`.
pub fn statement(out: &mut String, m: &Model, st: &Statement, root: &str) {
    let quotes = &m.analysis.quotes;
    let first = quotes[st.quotes[0]].source;
    let shared = st.quotes.iter().any(|&q| quotes[q].source != first);
    out.push_str("<div class=\"statement");
    if shared {
        out.push_str(" shared");
    }
    out.push_str("\">\n  <header class=\"statement-head\">\n    ");
    let descriptor = st
        .quotes
        .iter()
        .find_map(|&q| quotes[q].descriptor.as_deref());
    speaker(out, m, st.speaker, descriptor, root);
    out.push_str("\n    ");
    if shared {
        out.push_str("<span class=\"flag\">reported by ");
        number(out, st.quotes.len());
        out.push_str(" outlets</span>");
    }
    out.push_str("\n  </header>\n  <div class=\"variants\">\n  ");
    for &k in &st.quotes {
        let q = &quotes[k];
        let para = &m.analysis.sources[q.source].paragraphs[q.paragraph];
        let card = &m.sources[q.source];
        let href = |out: &mut String| {
            text(out, root);
            text(out, &card.href);
            out.push_str("#p");
            number(out, para.n);
        };
        out.push_str("\n    <figure class=\"variant\">\n      <blockquote cite=\"");
        href(out);
        out.push_str("\"><p>“");
        text(out, m.analysis.quote_text(q));
        out.push_str("”</p></blockquote>\n      <figcaption>");
        source_badge(out, card, root);
        out.push_str(" <a class=\"para-ref\" href=\"");
        href(out);
        out.push_str("\">¶");
        number(out, para.n);
        out.push_str("</a>");
        for &t in para.topics() {
            out.push_str(" <a class=\"tag topic-tag\" href=\"");
            text(out, root);
            text(out, &m.topics[t].href);
            out.push_str("\">");
            text(out, &m.topics[t].title);
            out.push_str("</a>");
        }
        out.push_str("</figcaption>\n    </figure>\n  ");
    }
    out.push_str("\n  </div>\n</div>\n");
}

/// `partials/figure_row.html` for figure `f`, with the words around it.
pub fn figure_row(out: &mut String, m: &Model, f: &Figure, context: &str, root: &str) {
    let para = &m.analysis.sources[f.source].paragraphs[f.paragraph];
    let card = &m.sources[f.source];
    out.push_str("<tr><td class=\"figure\">");
    text(out, &para.text[f.start..f.end]);
    out.push_str("</td><td>");
    text(out, &f.unit);
    out.push_str("</td><td>");
    text(out, context);
    out.push_str("</td><td><a href=\"");
    text(out, root);
    text(out, &card.href);
    out.push_str("#p");
    number(out, para.n);
    out.push_str("\">");
    text(out, &card.label);
    out.push_str(" ¶");
    number(out, para.n);
    out.push_str("</a></td></tr>\n");
}

/// Who said it, as quotes and statements show it: a link to the speaker, or
/// "Unattributed" with how the text describes them.
fn speaker(out: &mut String, m: &Model, who: Option<usize>, descriptor: Option<&str>, root: &str) {
    match who {
        Some(p) => {
            let who = &m.participants[p];
            out.push_str("<a class=\"speaker\" href=\"");
            text(out, root);
            text(out, &who.href);
            out.push_str("\">");
            text(out, &who.name);
            out.push_str("</a>");
        }
        None => {
            out.push_str("<span class=\"unattributed\">Unattributed");
            if let Some(d) = descriptor.filter(|d| !d.is_empty()) {
                out.push_str(" (");
                text(out, d);
                out.push(')');
            }
            out.push_str("</span>");
        }
    }
}
