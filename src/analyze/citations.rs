//! Citations in the analyst's Markdown, and their verification.
//!
//! Syntax: `[@000:p4]` cites paragraph 4 of source 000, `[@000:p4-6]` a
//! range, `[@000]` the whole source, and `[@000:p4; @003:p10]` several at
//! once. When the sentence before a citation quotes words ("…" or “…”), the
//! build checks that they occur in a cited paragraph, ignoring case, white
//! space and the difference between typographic and plain quotes,
//! apostrophes and dashes. A misquote is an error showing the nearest
//! matching passage.

use crate::analyze::{Analysis, matcher::fold};
use crate::diagnostic::Diagnostics;
use crate::load::{Project, Prose};

/// One cited place: paragraphs `from..=to` of a source, or the whole source
/// when `from` is 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub source: String,
    pub from: usize,
    pub to: usize,
}

/// A `[@…]` group as written, at `start..end` of the prose text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub start: usize,
    pub end: usize,
    pub refs: Vec<Ref>,
}

/// A `[@` that does not parse, at `start..end` of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub start: usize,
    pub end: usize,
    pub why: String,
}

pub const SYNTAX_HINT: &str = "write [@SOURCE:pN] for paragraph N, [@SOURCE:pN-M] for a range, [@SOURCE] for a whole source, and separate several with `;`";

/// Every citation group of `text`, and the `[@…]` that are not citations.
pub fn parse(text: &str) -> (Vec<Group>, Vec<Malformed>) {
    let mut groups = Vec::new();
    let mut bad = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find("[@") {
        let start = at + i;
        let Some(len) = text[start..].find(']') else {
            bad.push(Malformed {
                start,
                end: text.len(),
                why: "the citation is never closed with `]`".into(),
            });
            break;
        };
        let end = start + len + 1;
        let inner = &text[start + 1..end - 1];
        match inner.split(';').map(|r| parse_ref(r.trim())).collect() {
            Ok(refs) => groups.push(Group { start, end, refs }),
            Err(why) => bad.push(Malformed { start, end, why }),
        }
        at = end;
    }
    (groups, bad)
}

fn parse_ref(r: &str) -> Result<Ref, String> {
    let body = r
        .strip_prefix('@')
        .ok_or_else(|| format!("`{r}` does not start with `@`"))?;
    let (source, place) = match body.split_once(':') {
        Some((s, p)) => (s, Some(p)),
        None => (body, None),
    };
    if source.is_empty()
        || !source
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!("`{source}` is not a source id"));
    }
    let (from, to) = match place {
        None => (0, 0),
        Some(p) => {
            let range = p.strip_prefix('p').ok_or_else(|| {
                format!("`{p}` is not a paragraph: write `p` and its number, as in p4")
            })?;
            let number = |s: &str| {
                s.parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("`{s}` is not a paragraph number"))
            };
            match range.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (number(a)?, number(b)?);
                    if b < a {
                        return Err(format!("the range p{a}-{b} runs backwards"));
                    }
                    (a, b)
                }
                None => {
                    let n = number(range)?;
                    (n, n)
                }
            }
        }
    };
    Ok(Ref {
        source: source.to_string(),
        from,
        to,
    })
}

/// The citations of Markdown text: only those in its running text. A
/// `[@…]` in code, in a link's target or title, or in an image's
/// description is left as written, and so is one escaped as `\[@…]`.
pub fn find(markdown: &str) -> (Vec<Group>, Vec<Malformed>) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut text_ranges: Vec<std::ops::Range<usize>> = Vec::new();
    let mut hidden = 0usize; // inside link targets' titles or image descriptions
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            // A citation's link may not go inside another link.
            Event::Start(Tag::Image { .. } | Tag::Link { .. } | Tag::CodeBlock(_)) => hidden += 1,
            Event::End(TagEnd::Image | TagEnd::Link | TagEnd::CodeBlock) => {
                hidden = hidden.saturating_sub(1)
            }
            Event::Text(_) | Event::SoftBreak | Event::HardBreak if hidden == 0 => {
                // pulldown-cmark splits text at `[` and at line ends (whose
                // indentation belongs to no event): join runs that touch.
                match text_ranges.last_mut() {
                    Some(last) if markdown[last.end..range.start].trim().is_empty() => {
                        last.end = range.end
                    }
                    _ => text_ranges.push(range),
                }
            }
            _ => {}
        }
    }
    let in_text = |start: usize, end: usize| {
        let escaped = markdown[..start].ends_with('\\');
        !escaped && text_ranges.iter().any(|r| r.start <= start && end <= r.end)
    };
    let (groups, bad) = parse(markdown);
    (
        groups
            .into_iter()
            .filter(|g| in_text(g.start, g.end))
            .collect(),
        bad.into_iter()
            .filter(|m| in_text(m.start, m.end.min(markdown.len())))
            .collect(),
    )
}

/// How a citation reads in messages: `000 ¶4`, `000 ¶4–6`, `000`.
pub fn describe(r: &Ref) -> String {
    match (r.from, r.to) {
        (0, _) => r.source.clone(),
        (a, b) if a == b => format!("{} ¶{a}", r.source),
        (a, b) => format!("{} ¶{a}–{b}", r.source),
    }
}

/// Checks every citation of `prose`: the source and paragraphs exist, and
/// quoted words are in the cited text.
pub fn verify(prose: &Prose, project: &Project, analysis: &Analysis) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let text = &prose.text;
    let (groups, bad) = find(text);
    let nth = |start: usize, end: usize| text[..start].matches(&text[start..end]).count();
    for m in bad {
        problems.push(
            prose
                .diagnostic_at(
                    &text[m.start..m.end],
                    nth(m.start, m.end),
                    format!("malformed citation: {}", m.why),
                )
                .with_hint(SYNTAX_HINT),
        );
    }
    let mut previous_end = 0;
    for g in &groups {
        let token = &text[g.start..g.end];
        let here = |message: String| prose.diagnostic_at(token, nth(g.start, g.end), message);
        let mut texts: Vec<(String, &Ref, usize)> = Vec::new();
        for r in &g.refs {
            let Some(s) = project.articles.iter().position(|a| a.id == r.source) else {
                let ids: Vec<&str> = project.articles.iter().map(|a| a.id.as_str()).collect();
                let hint = match crate::diagnostic::closest(&r.source, ids.iter().copied()) {
                    Some(near) => {
                        format!("did you mean `{near}`? The sources are: {}", ids.join(", "))
                    }
                    None => format!("the sources are: {}", ids.join(", ")),
                };
                problems.push(here(format!("there is no source `{}`", r.source)).with_hint(hint));
                continue;
            };
            let paragraphs = &analysis.sources[s].paragraphs;
            if r.to > paragraphs.len() {
                problems.push(
                    here(format!(
                        "{} has no paragraph {}: it has {} paragraphs",
                        r.source,
                        r.to,
                        paragraphs.len()
                    ))
                    .with_hint(format!(
                        "the paragraph numbers are on the source's page, sources/{}/",
                        r.source
                    )),
                );
                continue;
            }
            let (from, to) = if r.from == 0 {
                (1, paragraphs.len())
            } else {
                (r.from, r.to)
            };
            let cited: Vec<&str> = paragraphs[from - 1..to]
                .iter()
                .map(|p| p.text.as_str())
                .collect();
            texts.push((cited.join(" "), r, s));
        }
        let sentence = cited_sentence(text, previous_end, g.start);
        previous_end = g.end;
        if texts.len() != g.refs.len() {
            continue;
        }
        for quote in quotations(sentence) {
            let pieces = quote_pieces(&quote);
            let found = texts
                .iter()
                .any(|(cited, _, _)| occurs_in_order(&normalize(cited), &pieces));
            if !found && !pieces.is_empty() {
                let cited_list: Vec<String> = g.refs.iter().map(describe).collect();
                let nearest = nearest_passage(&quote, &texts, analysis);
                problems.push(
                    here(format!(
                        "the quotation “{}” is not in {}",
                        quote.trim(),
                        cited_list.join(", ")
                    ))
                    .with_hint(nearest),
                );
            }
        }
    }
    problems
}

/// The sentence a citation at `at` refers to: back to the previous citation
/// in the same sentence, or to the start of the sentence.
fn cited_sentence(text: &str, previous_end: usize, at: usize) -> &str {
    let before = &text[previous_end..at];
    let trimmed = before.trim_end();
    // "… said so." [@000:p4] cites the sentence that just ended.
    let body = trimmed.strip_suffix(['.', '!', '?']).unwrap_or(trimmed);
    let mut in_quote = false;
    let mut start = 0;
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '“' => in_quote = true,
            '”' => in_quote = false,
            '"' => in_quote = !in_quote,
            '.' | '!' | '?' if !in_quote => {
                let next = chars.get(k + 1).map(|&(_, c)| c);
                if next.is_none_or(char::is_whitespace) {
                    start = i + 1;
                }
            }
            '\n' if !in_quote => {
                // A blank line or a list item starts a new statement.
                let rest = &body[i + 1..];
                let t = rest.trim_start_matches(' ');
                if rest.starts_with('\n') || t.starts_with("- ") || t.starts_with("* ") {
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    &body[start..]
}

/// The quoted spans of a sentence.
fn quotations(sentence: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (i, c) in sentence.char_indices() {
        match (open, c) {
            (None, '“') | (None, '"') => open = Some((i + c.len_utf8(), c)),
            (Some((s, '“')), '”') | (Some((s, '"')), '"') => {
                out.push(sentence[s..i].to_string());
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// The parts of a quotation to look for, normalised: an ellipsis ("…" or
/// "...") marks words left out and `[…]` words put in by the analyst, so the
/// parts between them are looked for in turn.
fn quote_pieces(quote: &str) -> Vec<String> {
    let mut gaps = quote.replace("...", "…");
    while let Some(open) = gaps.find('[') {
        let Some(len) = gaps[open..].find(']') else {
            break;
        };
        gaps.replace_range(open..=open + len, "…");
    }
    gaps.split('…')
        .map(normalize)
        .map(|p| p.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether `pieces` occur in `hay` in this order, each as whole words.
fn occurs_in_order(hay: &str, pieces: &[String]) -> bool {
    let mut from = 0;
    'pieces: for piece in pieces {
        let mut at = from;
        while let Some(i) = hay[at..].find(piece.as_str()) {
            let (start, end) = (at + i, at + i + piece.len());
            let before = hay[..start].chars().next_back();
            let after = hay[end..].chars().next();
            if !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric)
            {
                from = end;
                continue 'pieces;
            }
            at = start + hay[start..].chars().next().map_or(1, char::len_utf8);
        }
        return false;
    }
    true
}

/// Case, white space, typographic quotes and apostrophes, dashes and
/// Markdown emphasis do not count when comparing a quotation with its source.
pub fn normalize(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '*' | '_'))
        .map(|c| match c {
            '–' | '—' | '‒' | '―' | '−' => '-',
            c => c,
        })
        .collect();
    fold(&cleaned).text
}

/// The hint for a misquote: the paragraph of a cited source that has the
/// exact words, if another one does; else the closest words in the cited
/// paragraphs.
fn nearest_passage(quote: &str, texts: &[(String, &Ref, usize)], analysis: &Analysis) -> String {
    let pieces = quote_pieces(quote);
    for (_, r, s) in texts {
        if let Some(p) = analysis.sources[*s]
            .paragraphs
            .iter()
            .find(|p| occurs_in_order(&normalize(&p.text), &pieces))
        {
            return format!(
                "the words are in {} ¶{}: cite that paragraph",
                r.source, p.n
            );
        }
    }
    let target = normalize(quote);
    let target_words = target.split_whitespace().count().max(1);
    let mut best: Option<(f64, String, String)> = None;
    for (cited, r, _) in texts {
        // Compare words, not the punctuation around them.
        let words: Vec<&str> = cited
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .collect();
        let width = target_words.min(words.len()).max(1);
        for window in words.windows(width) {
            let candidate = window.join(" ");
            let score = strsim::normalized_levenshtein(&target, &normalize(&candidate));
            if best.as_ref().is_none_or(|b| score > b.0) {
                best = Some((score, describe(r), candidate));
            }
        }
    }
    match best {
        Some((_, place, words)) => {
            format!("the nearest words in {place} are “{words}”; correct the quotation")
        }
        None => "the cited text is empty".into(),
    }
}

/// Every piece of analyst prose in the project, for checking.
pub fn all_prose(project: &Project) -> Vec<&Prose> {
    let mut out: Vec<&Prose> = Vec::new();
    out.extend(project.summary.iter());
    out.extend(project.topics.iter().filter_map(|t| t.summary.as_ref()));
    out.extend(project.participants.iter().filter_map(|p| p.notes.as_ref()));
    out.extend(
        project
            .articles
            .iter()
            .filter_map(|a| a.meta.notes.as_ref()),
    );
    out.extend(
        project
            .timeline
            .iter()
            .filter_map(|e| e.description.as_ref()),
    );
    out
}

/// Verifies every citation in the project.
pub fn verify_all(project: &Project, analysis: &Analysis) -> Diagnostics {
    let mut problems = Diagnostics::default();
    for prose in all_prose(project) {
        problems.extend(verify(prose, project, analysis));
    }
    problems.sorted()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_ranges_sources_and_lists() {
        let (groups, bad) = parse("A [@000:p4]. B [@000:p4-6; @003:p10] C [@001] D");
        assert!(bad.is_empty());
        assert_eq!(groups.len(), 3);
        assert_eq!(
            groups[0].refs,
            vec![Ref {
                source: "000".into(),
                from: 4,
                to: 4
            }]
        );
        assert_eq!(
            groups[1].refs[0],
            Ref {
                source: "000".into(),
                from: 4,
                to: 6
            }
        );
        assert_eq!(groups[1].refs[1].source, "003");
        assert_eq!(groups[2].refs[0].from, 0);
    }

    #[test]
    fn a_citation_may_run_over_a_line_end_in_a_list() {
        let md = "- In Kherson [@000:p8; @001:p6-7;\n  @002:p10]. Refuses [@000:p10].\n";
        let (groups, _) = find(md);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].refs.len(), 3);
    }

    #[test]
    fn malformed_citations_are_reported() {
        for text in [
            "[@000:4]",
            "[@000:p0]",
            "[@000:p6-4]",
            "[@:p1]",
            "[@000:p4",
            "[@a b]",
        ] {
            let (groups, bad) = parse(text);
            assert!(groups.is_empty(), "{text}");
            assert_eq!(bad.len(), 1, "{text}");
        }
    }

    #[test]
    fn the_cited_sentence_stops_at_the_previous_sentence_or_citation() {
        let text =
            "First. Zelensky said \"no. never\" today [@000:p4] and then \"more\" [@001:p2].";
        let (groups, _) = parse(text);
        assert_eq!(
            cited_sentence(text, 0, groups[0].start).trim(),
            "Zelensky said \"no. never\" today"
        );
        assert_eq!(
            cited_sentence(text, groups[0].end, groups[1].start).trim(),
            "and then \"more\""
        );
    }

    #[test]
    fn quotations_match_whole_words_in_order_around_insertions() {
        let hay = normalize("We cannot wait any longer, the mayor announced on Friday.");
        assert!(occurs_in_order(
            &hay,
            &quote_pieces("We cannot wait … on Friday")
        ));
        assert!(
            !occurs_in_order(&hay, &quote_pieces("on Friday … We cannot wait")),
            "out of order"
        );
        assert!(
            !occurs_in_order(&hay, &quote_pieces("ann")),
            "part of a word"
        );
        assert!(occurs_in_order(
            &hay,
            &quote_pieces("[The city] cannot wait any longer")
        ));
    }

    #[test]
    fn quotations_compare_without_typography() {
        let pieces = quote_pieces("Putin’s thoughts — because … give any security GUARANTEES,");
        assert_eq!(
            pieces,
            vec!["putin's thoughts - because", "give any security guarantees"]
        );
        assert!(
            normalize("Putin’s thoughts – because Putin will not give any security guarantees")
                .contains(&pieces[1])
        );
    }
}
