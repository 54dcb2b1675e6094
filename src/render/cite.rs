//! Citations on a page: numbered in the order they first appear, linked to
//! the cited paragraph with the source named on hover, and listed at the foot.

use serde::Serialize;

use super::markdown;
use super::view::Model;
use crate::analyze::citations::{self, Ref};
use crate::load::Prose;

/// A numbered reference in a page's list.
#[derive(Serialize, Clone, PartialEq)]
pub struct RefView {
    pub n: usize,
    /// The outlet, or "Source 000".
    pub label: String,
    pub title: String,
    /// "¶4", "¶4–6", or empty for a whole source.
    pub place: String,
    /// Relative to the page it is on.
    pub href: String,
}

/// Prose rendered with its citations.
#[derive(Serialize)]
pub struct CitedView {
    pub html: String,
    /// Paragraphs and list items, and how many of them cite a source.
    pub statements: usize,
    pub cited: usize,
}

pub struct Citer<'m> {
    model: &'m Model<'m>,
    /// From the page back to the site root.
    root: &'static str,
    /// Link to the sources printed on the same page (`#s-000-p4`) instead
    /// of to their own pages.
    in_page: bool,
    refs: Vec<(Ref, RefView)>,
}

impl<'m> Citer<'m> {
    pub fn new(model: &'m Model<'m>, root: &'static str) -> Self {
        Citer {
            model,
            root,
            in_page: false,
            refs: Vec::new(),
        }
    }

    /// For the printable dossier, where the sources are an appendix.
    pub fn in_page(model: &'m Model<'m>) -> Self {
        Citer {
            model,
            root: "",
            in_page: true,
            refs: Vec::new(),
        }
    }

    /// A claim (a summary, an event): statements that cite nothing are marked.
    pub fn prose(&mut self, prose: &Prose) -> CitedView {
        self.render(prose, true)
    }

    /// A note about a source or a person: citations work, nothing is marked.
    pub fn note(&mut self, prose: Option<&Prose>) -> Option<CitedView> {
        prose.map(|p| self.render(p, false))
    }

    fn render(&mut self, prose: &Prose, mark_uncited: bool) -> CitedView {
        let (groups, _) = citations::find(&prose.text);
        let allow_raw = self.model.project.config.allow_raw_html;
        let out = markdown::render_cited(&prose.text, allow_raw, mark_uncited, &groups, |g| {
            let links: Vec<String> = g.refs.iter().map(|r| self.link(r)).collect();
            format!("<sup class=\"cite\">{}</sup>", links.join(""))
        });
        CitedView {
            html: out.html,
            statements: out.statements,
            cited: out.cited,
        }
    }

    pub fn prose_opt(&mut self, prose: Option<&Prose>) -> Option<CitedView> {
        prose.map(|p| self.prose(p))
    }

    /// What has been cited so far: each source (by id) and paragraph range,
    /// `from` being 0 for a whole source.
    pub fn cited(&self) -> impl Iterator<Item = &Ref> {
        self.refs.iter().map(|(r, _)| r)
    }

    /// The references, in the order of their numbers.
    pub fn finish(self) -> Vec<RefView> {
        self.refs.into_iter().map(|(_, v)| v).collect()
    }

    fn link(&mut self, r: &Ref) -> String {
        let view = match self.refs.iter().find(|(known, _)| known == r) {
            Some((_, v)) => v.clone(),
            None => {
                let view = self.view(r);
                self.refs.push((r.clone(), view.clone()));
                view
            }
        };
        let hover = format!(
            "{}: {}{}",
            view.label,
            view.title,
            place_suffix(&view.place)
        );
        format!(
            "<a href=\"{}\" title=\"{}\">[{}]</a>",
            escape(&view.href),
            escape(&hover),
            view.n
        )
    }

    fn view(&self, r: &Ref) -> RefView {
        let n = self.refs.len() + 1;
        // Citations were verified before rendering, so the source exists.
        let card = self.model.sources.iter().find(|c| c.id == r.source);
        let (label, title, base) = match card {
            Some(c) => (c.label.clone(), c.title.clone(), c.href.clone()),
            None => (r.source.clone(), String::new(), String::new()),
        };
        let root = self.root;
        let anchor = |n: usize| {
            if self.in_page {
                print_anchor(&r.source, n)
            } else {
                format!("{root}{base}#p{n}")
            }
        };
        let (place, href) = match (r.from, r.to) {
            (0, _) if self.in_page => (String::new(), format!("#s-{}", r.source)),
            (0, _) => (String::new(), format!("{root}{base}")),
            (a, b) if a == b => (format!("¶{a}"), anchor(a)),
            (a, b) => (format!("¶{a}–{b}"), anchor(a)),
        };
        RefView {
            n,
            label,
            title,
            place,
            href,
        }
    }
}

fn place_suffix(place: &str) -> String {
    if place.is_empty() {
        String::new()
    } else {
        format!(", {place}")
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// The anchor of paragraph `n` of source `id` in the printable dossier.
pub fn print_anchor(id: &str, n: usize) -> String {
    format!("#s-{id}-p{n}")
}
