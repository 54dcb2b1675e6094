//! The only part of loading that touches the disk: find the dossier's input
//! files and read their bytes. Everything after works on memory, so it can be
//! fuzzed and tested without a file system.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Diagnostics, display_path};

/// An input file, by its path relative to the dossier root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Larger files are refused before they are read: a news article is rarely
/// over 1 MB, and a file of hundreds is almost certainly the wrong file.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

pub const CONFIG_FILE: &str = "dossier.yaml";
pub const PARTICIPANTS_FILE: &str = "content/participants.yaml";
pub const TOPICS_DIR: &str = "content/topics";
pub const ARTICLES_DIR: &str = "content/articles";

/// Reads `dossier.yaml`, `content/participants.yaml`, `content/topics/*.yaml`
/// and every file under `content/articles/`, in a sorted order.
pub fn read_inputs(root: &Path) -> (Vec<SourceFile>, Diagnostics) {
    let mut files = Vec::new();
    let mut problems = Diagnostics::default();
    let config = root.join(CONFIG_FILE);
    if config.exists() {
        read_into(root, &config, &mut files, &mut problems);
    } else {
        problems.push(missing_config());
    }
    let participants = root.join(PARTICIPANTS_FILE);
    if participants.exists() {
        read_into(root, &participants, &mut files, &mut problems);
    }
    for dir in [TOPICS_DIR, ARTICLES_DIR] {
        let depth = if dir == TOPICS_DIR { 1 } else { usize::MAX };
        let walker = WalkDir::new(root.join(dir))
            .max_depth(depth)
            .follow_links(true)
            .sort_by_file_name();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let hidden = e.file_name().to_str().is_some_and(|n| n.starts_with('.'));
                    if !hidden {
                        read_into(root, e.path(), &mut files, &mut problems);
                    }
                }
                Ok(_) => {}
                Err(e)
                    if e.io_error().map(|io| io.kind()) == Some(std::io::ErrorKind::NotFound)
                        && e.depth() == 0 => {}
                Err(e) => {
                    let at = e.path().map_or_else(|| root.join(dir), Path::to_path_buf);
                    let shown = display_path(root, &at);
                    problems.push(if e.loop_ancestor().is_some() {
                        Diagnostic::new(shown, "this link points back to a folder that contains it")
                            .with_hint("remove the symbolic link, or point it elsewhere")
                    } else {
                        Diagnostic::new(shown, format!("cannot read: {}", plain_io(&e))).with_hint(
                            "check that it exists and that its permissions allow reading",
                        )
                    });
                }
            }
        }
    }
    (files, problems)
}

pub fn missing_config() -> Diagnostic {
    Diagnostic::new(CONFIG_FILE, "no dossier.yaml here").with_hint(
        "run dossier in a dossier folder, pass --root DIR, or create one with `dossier init DIR`",
    )
}

fn read_into(root: &Path, path: &Path, files: &mut Vec<SourceFile>, problems: &mut Diagnostics) {
    let shown = display_path(root, path);
    let size = fs::metadata(path).map(|m| m.len());
    if let Ok(size) = size
        && size > MAX_FILE_BYTES
    {
        problems.push(
            Diagnostic::new(
                &shown,
                format!(
                    "the file is {:.1} MB; dossier reads files of up to {} MB",
                    size as f64 / 1e6,
                    MAX_FILE_BYTES / 1024 / 1024
                ),
            )
            .with_hint("a news article is rarely over 1 MB: check that this is the right file, or split it"),
        );
        return;
    }
    match fs::read(path) {
        Ok(bytes) => files.push(SourceFile { path: shown, bytes }),
        Err(e) => {
            let hint = match e.kind() {
                std::io::ErrorKind::PermissionDenied => "check the file's permissions",
                std::io::ErrorKind::NotFound => {
                    "is it a symbolic link to a file that does not exist? Fix or remove the link"
                }
                _ => "check that the file can be read",
            };
            problems
                .push(Diagnostic::new(shown, format!("cannot read the file: {e}")).with_hint(hint));
        }
    }
}

fn plain_io(e: &walkdir::Error) -> String {
    e.io_error()
        .map_or_else(|| e.to_string(), |io| io.to_string())
}

/// UTF-8 with or without a byte-order mark; anything else is refused with the
/// place of the first bad byte, since guessing an encoding would corrupt quotes.
pub fn decode(file: &SourceFile) -> Result<String, Diagnostic> {
    let bytes = file
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&file.bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            let shown = String::from_utf8_lossy(bytes);
            let valid = String::from_utf8_lossy(&bytes[..at]);
            Err(
                Diagnostic::new(&file.path, "the file is not valid UTF-8 text")
                    .at_offset(&shown, valid.len())
                    .with_hint("save the file as UTF-8 (most editors offer this in \"Save as\")"),
            )
        }
    }
}
