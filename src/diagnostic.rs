//! Problems found in a dossier, reported the way rustc reports them: the file,
//! the line and column, the offending source line, and a hint on how to fix it.
//!
//! Every stage returns `Diagnostic`s instead of failing on the first problem, so
//! an analyst sees every mistake of a build at once.

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// A position in a source file, 1-based like every editor shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in, relative to the dossier root where possible.
    pub path: PathBuf,
    pub position: Option<Position>,
    pub message: String,
    pub hint: Option<String>,
    /// The full text of the source line at `position`, shown under the message.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            position: None,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    /// Points the diagnostic at `line`:`column` of `source`, keeping that line
    /// of text so the report can show it.
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        let line = line.max(1);
        self.position = Some(Position {
            line,
            column: column.max(1),
        });
        // An empty file still has a line 1, shown empty.
        self.source_line = source
            .lines()
            .nth(line - 1)
            .or((line == 1).then_some(""))
            .map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    /// Points the diagnostic at a byte offset of `source`.
    pub fn at_offset(self, source: &str, offset: usize) -> Self {
        let (line, column) = line_column(source, offset);
        self.at(source, line, column)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:col`, the prefix editors and terminals recognise.
    pub fn location(&self) -> String {
        match self.position {
            Some(p) => format!("{}:{}:{}", self.path.display(), p.line, p.column),
            None => self.path.display().to_string(),
        }
    }

    /// Renders the diagnostic as a rustc-style report, with colour when asked.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let path = self.path.display().to_string();
        let title = Level::ERROR.primary_title(self.message.as_str());
        let group = match (&self.position, &self.source_line) {
            (Some(pos), Some(line)) => {
                let start = byte_of_column(line, pos.column);
                let end = next_char_boundary(line, start);
                Group::with_title(title).element(
                    Snippet::source(line.as_str())
                        .line_start(pos.line)
                        .path(path.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
            }
            _ => Group::with_title(title).element(Level::NOTE.message(format!("in {path}"))),
        };
        let group = match &self.hint {
            Some(hint) => group.element(Level::HELP.message(hint.as_str())),
            None => group,
        };
        renderer.render(&[group]).to_string()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (help: {hint})")?;
        }
        Ok(())
    }
}

/// Every problem found by one run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Sorted by file and position, so the report reads top to bottom and is
    /// the same on every run whatever order the files were visited in.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            let pa = a.position.map(|p| (p.line, p.column));
            let pb = b.position.map(|p| (p.line, p.column));
            (&a.path, pa, &a.message).cmp(&(&b.path, pb, &b.message))
        });
        self.0.dedup();
        self
    }

    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let offset = (0..=offset)
        .rev()
        .find(|&i| source.is_char_boundary(i))
        .unwrap_or(0);
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

fn byte_of_column(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}

fn next_char_boundary(line: &str, start: usize) -> usize {
    line[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8())
}

/// The closest of `candidates` to `word`, for "did you mean" hints.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A path shown relative to the dossier root when it lies inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let src = "a: 1\nbé: “x”\n";
        assert_eq!(line_column(src, 0), (1, 1));
        assert_eq!(line_column(src, 5), (2, 1));
        let quote = src.find('“').unwrap();
        assert_eq!(line_column(src, quote), (2, 5));
    }

    #[test]
    fn render_shows_location_line_and_hint() {
        let src = "title: x\nkeyword: [a]\n";
        let d = Diagnostic::new("content/topics/t.yaml", "unknown field `keyword`")
            .at(src, 2, 1)
            .with_hint("did you mean `keywords`?");
        let out = d.render(false);
        assert!(out.contains("error: unknown field `keyword`"), "{out}");
        assert!(out.contains("content/topics/t.yaml:2:1"), "{out}");
        assert!(out.contains("keyword: [a]"), "{out}");
        assert!(out.contains("help: did you mean `keywords`?"), "{out}");
    }

    #[test]
    fn closest_suggests_near_names_only() {
        let fields = ["title", "keywords", "summary", "order"];
        assert_eq!(closest("keyword", fields), Some("keywords"));
        assert_eq!(closest("xyz", fields), None);
    }
}
