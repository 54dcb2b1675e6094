//! Articles into numbered paragraphs, the unit everything else cites.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::load::{Article, ArticleFormat};

/// A paragraph or subheading of an article, before any matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub text: String,
    pub heading: bool,
}

pub fn split(article: &Article) -> Vec<Block> {
    let blocks = match article.format {
        ArticleFormat::PlainText => split_plain(&article.body),
        ArticleFormat::Markdown => split_markdown(&article.body),
    };
    let drop: Vec<&str> = article.meta.drop_lines.iter().map(|l| l.trim()).collect();
    blocks
        .into_iter()
        .filter(|b| !drop.contains(&b.text.as_str()))
        .collect()
}

/// Plain text as scraped: every non-empty line is a paragraph, and a short
/// line without closing punctuation between two paragraphs is a subheading.
pub fn split_plain(body: &str) -> Vec<Block> {
    let lines: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let last = lines.len().saturating_sub(1);
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| Block {
            text: (*line).to_string(),
            heading: i > 0 && i < last && looks_like_heading(line),
        })
        .collect()
}

fn looks_like_heading(line: &str) -> bool {
    const CLOSING: &[char] = &[
        '.', '!', '?', ':', ';', ',', '"', '\'', '”', '’', ')', ']', '…', '-', '—', '–',
    ];
    let words = line.split_whitespace().count();
    line.chars().count() <= 80
        && words <= 12
        && !line.ends_with(CLOSING)
        && line.chars().next().is_some_and(|c| !c.is_lowercase())
}

/// Markdown through pulldown-cmark: each paragraph, heading, list item and code
/// block becomes one block of plain text. Raw HTML is kept as literal text so
/// that it is shown, never executed.
pub fn split_markdown(body: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut text = String::new();
    let mut heading = false;
    let flush = |text: &mut String, heading: bool, blocks: &mut Vec<Block>| {
        let t = text.trim();
        if !t.is_empty() {
            blocks.push(Block {
                text: t.to_string(),
                heading,
            });
        }
        text.clear();
    };
    for event in Parser::new(body) {
        match event {
            Event::Start(tag) => {
                if matches!(
                    tag,
                    Tag::Paragraph
                        | Tag::Heading { .. }
                        | Tag::Item
                        | Tag::CodeBlock(_)
                        | Tag::HtmlBlock
                        | Tag::TableRow
                        | Tag::TableHead
                ) {
                    flush(&mut text, heading, &mut blocks);
                    heading = matches!(tag, Tag::Heading { .. });
                }
            }
            Event::End(end) => {
                if matches!(
                    end,
                    TagEnd::Paragraph
                        | TagEnd::Heading(_)
                        | TagEnd::Item
                        | TagEnd::CodeBlock
                        | TagEnd::HtmlBlock
                        | TagEnd::TableRow
                        | TagEnd::TableHead
                ) {
                    flush(&mut text, heading, &mut blocks);
                    heading = false;
                } else if matches!(end, TagEnd::TableCell) {
                    text.push_str(" | ");
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    flush(&mut text, heading, &mut blocks);
    // Code blocks keep their line breaks in `text`; paragraphs never carry one.
    for b in &mut blocks {
        if b.text.contains('\n') {
            b.text = b.text.split_whitespace().collect::<Vec<_>>().join(" ");
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_runs_vanish_and_short_lines_between_paragraphs_are_headings() {
        let body = "First paragraph here.\n\n\nSecurity Guarantees on the Table\nSecond one.\nLast Line Without Dot\n\n\n";
        let blocks = split_plain(body);
        assert_eq!(blocks.len(), 4);
        assert!(!blocks[0].heading);
        assert!(blocks[1].heading);
        assert_eq!(blocks[1].text, "Security Guarantees on the Table");
        assert!(
            !blocks[3].heading,
            "the last line is not between paragraphs"
        );
    }

    #[test]
    fn crlf_lines_are_trimmed() {
        let blocks = split_plain("One.\r\nTwo.\r\n");
        assert_eq!(blocks[0].text, "One.");
        assert_eq!(blocks[1].text, "Two.");
    }

    #[test]
    fn markdown_blocks_and_raw_html_as_text() {
        let blocks = split_markdown(
            "# Title\n\nSome *text*\nwrapped.\n\n- one\n- two\n\n<script>x</script>\n",
        );
        let texts: Vec<_> = blocks
            .iter()
            .map(|b| (b.text.as_str(), b.heading))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("Title", true),
                ("Some text wrapped.", false),
                ("one", false),
                ("two", false),
                ("<script>x</script>", false),
            ]
        );
    }
}
