//! The only part of loading that touches the disk: find the dossier's input
//! files and read their bytes. Everything after works on memory, so it can be
//! fuzzed and tested without a file system.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Diagnostics, display_path};

/// An input file, by its path relative to the dossier root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// Why the file could not be read, if it could not. The file still
    /// takes its place (a sidecar is not an orphan because its text is
    /// unreadable); the problem is reported when the file is decoded.
    pub unreadable: Option<Diagnostic>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Self {
        SourceFile {
            path: path.into(),
            bytes: bytes.into(),
            unreadable: None,
        }
    }
}

/// Larger files are refused before they are read: a news article is rarely
/// over 1 MB, and a file of hundreds is almost certainly the wrong file.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

pub const CONFIG_FILE: &str = "dossier.yaml";
pub const PARTICIPANTS_FILE: &str = "content/participants.yaml";
pub const TOPICS_DIR: &str = "content/topics";
pub const ARTICLES_DIR: &str = "content/articles";
pub const TIMELINE_FILE: &str = "content/timeline.yaml";
pub const VARIANTS_FILE: &str = "content/variants.yaml";

/// Reads `dossier.yaml`, `content/participants.yaml`, `content/topics/*.yaml`
/// and every file under `content/articles/`, in a sorted order.
pub fn read_inputs(root: &Path) -> (Vec<SourceFile>, Diagnostics) {
    let mut reader = Reader {
        root,
        files: Vec::new(),
        problems: Diagnostics::default(),
        seen: HashSet::new(),
    };
    let config = root.join(CONFIG_FILE);
    if config.exists() {
        reader.read(&config);
    } else {
        reader.problems.push(missing_config());
    }
    for optional in [PARTICIPANTS_FILE, TIMELINE_FILE, VARIANTS_FILE] {
        let path = root.join(optional);
        if path.exists() {
            reader.read(&path);
        }
    }
    reader.walk(TOPICS_DIR, 1, &["yaml", "yml"]);
    reader.walk(ARTICLES_DIR, usize::MAX, &["txt", "md", "yaml", "yml"]);
    (reader.files, reader.problems)
}

struct Reader<'a> {
    root: &'a Path,
    files: Vec<SourceFile>,
    problems: Diagnostics,
    /// Canonical paths already read: a folder linked back into `content/`
    /// must not make the same file count twice.
    seen: HashSet<FileId>,
}

/// A file found by the walk: to be read, or already known to be unreadable.
enum Found {
    Path(PathBuf),
    File(SourceFile),
}

impl Reader<'_> {
    fn walk(&mut self, dir: &str, depth: usize, extensions: &[&str]) {
        let walker = WalkDir::new(self.root.join(dir))
            .max_depth(depth)
            .follow_links(true)
            .sort_by_file_name();
        let mut found = Vec::new();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let name = e.file_name().to_string_lossy();
                    let ext = e.path().extension().and_then(|x| x.to_str()).unwrap_or("");
                    if !name.starts_with('.') && extensions.contains(&ext) {
                        found.push(Found::Path(e.into_path()));
                    }
                }
                Ok(_) => {}
                Err(e)
                    if e.depth() == 0
                        && e.io_error().map(|io| io.kind())
                            == Some(std::io::ErrorKind::NotFound) => {}
                Err(e) => {
                    let at = e
                        .path()
                        .map_or_else(|| self.root.join(dir), Path::to_path_buf);
                    let shown = display_path(self.root, &at);
                    let is_link_to_nothing = e.depth() > 0
                        && e.io_error().map(|io| io.kind()) == Some(std::io::ErrorKind::NotFound);
                    let d = if e.loop_ancestor().is_some() {
                        Diagnostic::new(shown, "this link points back to a folder that contains it")
                            .with_hint("remove the symbolic link, or point it elsewhere")
                    } else if is_link_to_nothing {
                        Diagnostic::new(
                            shown.clone(),
                            "cannot read the file: it is a link to nothing",
                        )
                        .with_hint("fix or remove the symbolic link")
                    } else {
                        Diagnostic::new(shown, format!("cannot read: {}", plain_io(&e))).with_hint(
                            "check that it exists and that its permissions allow reading",
                        )
                    };
                    // Keep the file's place so its sidecar is not reported
                    // as an orphan; the problem is reported when decoding.
                    match e.path() {
                        Some(p) if is_link_to_nothing => found.push(Found::File(SourceFile {
                            path: display_path(self.root, p),
                            bytes: Vec::new(),
                            unreadable: Some(d),
                        })),
                        _ => self.problems.push(d),
                    }
                }
            }
        }
        // Thousands of articles: read them in parallel, keep them in order.
        let read: Vec<(Option<FileId>, SourceFile)> = found
            .into_par_iter()
            .map(|f| match f {
                Found::Path(path) => read_file_with_id(self.root, &path),
                Found::File(file) => (None, file),
            })
            .collect();
        for (id, file) in read {
            // A folder linked back into `content/` must not make the same
            // file count twice.
            if id.is_none_or(|id| self.seen.insert(id)) {
                self.files.push(file);
            }
        }
    }

    fn read(&mut self, path: &Path) {
        let (id, file) = read_file_with_id(self.root, path);
        if id.is_none_or(|id| self.seen.insert(id)) {
            self.files.push(file);
        }
    }
}

/// What makes a file the same file however it is reached, through links or
/// not: its device and inode, one `stat` (resolving the whole path, as
/// canonicalising does, costs a system call per folder on the way).
#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

#[cfg(unix)]
fn opened_id(_: &Path, meta: &fs::Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn opened_id(path: &Path, _: &fs::Metadata) -> Option<FileId> {
    fs::canonicalize(path).ok()
}

/// One file's bytes, or why they cannot be read.
pub(crate) fn read_file(root: &Path, path: &Path) -> SourceFile {
    read_file_with_id(root, path).1
}

/// [`read_file`], and what makes the file the same file however it is
/// reached ([`FileId`]). The file is opened once and asked its size and
/// identity: a dossier of thousands of articles would otherwise look each
/// path up three times.
fn read_file_with_id(root: &Path, path: &Path) -> (Option<FileId>, SourceFile) {
    let shown = display_path(root, path);
    let unreadable = |d: Diagnostic| SourceFile {
        path: shown.clone(),
        bytes: Vec::new(),
        unreadable: Some(d),
    };
    let opened = fs::File::open(path).and_then(|f| {
        let meta = f.metadata()?;
        Ok((f, meta))
    });
    let (mut file, meta) = match opened {
        Ok(opened) => opened,
        Err(e) => return (None, unreadable(read_error(&shown, &e))),
    };
    let id = opened_id(path, &meta);
    let size = meta.len();
    if size > MAX_FILE_BYTES {
        let d = Diagnostic::new(
            &shown,
            format!(
                "the file is {:.1} MB; dossier reads files of up to {} MB",
                size as f64 / 1e6,
                MAX_FILE_BYTES / 1024 / 1024
            ),
        )
        .with_hint(
            "a news article is rarely over 1 MB: check that this is the right file, or split it",
        );
        return (id, unreadable(d));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // A regular file as large as it was when opened: through `take`, which
    // reads into the room made for it and stops there, where `File` would
    // ask the size and position again first, and read once more to find
    // the end. Anything else (a pipe says it is empty) is read to its end.
    let limit = if meta.is_file() { size } else { u64::MAX };
    match std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, limit), &mut bytes) {
        Ok(_) => (id, SourceFile::new(shown, bytes)),
        Err(e) => (id, unreadable(read_error(&shown, &e))),
    }
}

/// Why `shown` cannot be read, and what to do.
fn read_error(shown: &Path, e: &std::io::Error) -> Diagnostic {
    let hint = match e.kind() {
        std::io::ErrorKind::PermissionDenied => "check the file's permissions",
        std::io::ErrorKind::NotFound => {
            "is it a symbolic link to a file that does not exist? Fix or remove the link"
        }
        _ => "check that the file can be read",
    };
    Diagnostic::new(shown, format!("cannot read the file: {e}")).with_hint(hint)
}

pub fn missing_config() -> Diagnostic {
    Diagnostic::new(CONFIG_FILE, "no dossier.yaml here").with_hint(
        "run dossier in a dossier folder, pass --root DIR, or create one with `dossier init DIR`",
    )
}

fn plain_io(e: &walkdir::Error) -> String {
    e.io_error()
        .map_or_else(|| e.to_string(), |io| io.to_string())
}

/// UTF-8 with or without a byte-order mark; anything else is refused with the
/// place of the first bad byte, since guessing an encoding would corrupt quotes.
pub fn decode(file: &SourceFile) -> Result<String, Diagnostic> {
    if let Some(d) = &file.unreadable {
        return Err(d.clone());
    }
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
