//! Markdown the analyst wrote in YAML (summaries, notes, timeline entries),
//! kept with the file it came from so that a problem found later, such as a
//! citation of a paragraph that does not exist, can be pointed at.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::yaml::Located;
use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone)]
pub struct Prose {
    pub text: String,
    /// The file, relative to the dossier root.
    pub path: PathBuf,
    /// The whole text of that file.
    pub file: Arc<str>,
    /// Where in `file` the value starts (its line and column, as a byte offset).
    pub offset: usize,
}

impl Prose {
    /// `value` was parsed from YAML starting at line `first_line` of `file`.
    pub fn new(value: Located<String>, path: &Path, file: &Arc<str>, first_line: usize) -> Prose {
        let line = (value.referenced.line() as usize).max(1) + first_line - 1;
        let column = value.referenced.column() as usize;
        Prose {
            text: value.value,
            path: path.to_path_buf(),
            file: Arc::clone(file),
            offset: byte_offset(file, line, column),
        }
    }

    /// Prose with no file behind it, for tests and generated content.
    pub fn plain(text: &str) -> Prose {
        Prose {
            text: text.to_string(),
            path: PathBuf::new(),
            file: Arc::from(text),
            offset: 0,
        }
    }

    /// A diagnostic at the `nth` (0-based) occurrence of `needle` in this
    /// value, as written in the file. YAML may fold or indent the value, but
    /// a citation such as `[@000:p4]` is written exactly as it reads.
    pub fn diagnostic_at(
        &self,
        needle: &str,
        nth: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let rest = &self.file[self.offset.min(self.file.len())..];
        let found = rest
            .match_indices(needle)
            .nth(nth)
            .map(|(i, _)| self.offset + i);
        let d = Diagnostic::new(&self.path, message);
        match found {
            Some(at) => d.at_offset(&self.file, at),
            None => d.at_offset(&self.file, self.offset),
        }
    }
}

/// The byte offset of 1-based `line` and `column` (in characters).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let line_text = &text[start.min(text.len())..];
    start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offsets_follow_lines_and_characters() {
        let text = "a: 1\nsummary: “x” [@000:p4]\n";
        assert_eq!(byte_offset(text, 1, 1), 0);
        assert_eq!(byte_offset(text, 2, 1), 5);
        assert_eq!(
            &text[byte_offset(text, 2, 10)..byte_offset(text, 2, 11)],
            "“"
        );
    }

    #[test]
    fn diagnostics_point_at_the_nth_occurrence() {
        let file: Arc<str> = Arc::from("title: T\nsummary: |\n  One [@a:p1].\n  Two [@a:p1].\n");
        let prose = Prose {
            text: "One [@a:p1].\nTwo [@a:p1].\n".into(),
            path: "t.yaml".into(),
            file: file.clone(),
            offset: 18,
        };
        let d = prose.diagnostic_at("[@a:p1]", 1, "x");
        assert_eq!(d.location(), "t.yaml:4:7");
    }
}
