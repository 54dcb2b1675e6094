//! `dossier init DIR`: a small dossier that builds as it is and explains each
//! field in comments, to copy from.

use std::fs;
use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::diagnostic::Diagnostic;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/init/starter");

/// Writes the starter dossier into `dir`, which must be new or empty, and
/// returns the files written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<String>, Diagnostic> {
    if dir.is_file() {
        return Err(Diagnostic::new(dir, "this is a file, not a folder")
            .with_hint("give the name of a new folder"));
    }
    if dir.is_dir() {
        let mut entries = fs::read_dir(dir)
            .map_err(|e| Diagnostic::new(dir, format!("cannot read the folder: {e}")))?;
        if entries.next().is_some() {
            return Err(Diagnostic::new(dir, "the folder is not empty")
                .with_hint("give the name of a new or empty folder, so nothing is overwritten"));
        }
    }
    let mut written = Vec::new();
    let mut stack = vec![&STARTER];
    while let Some(d) = stack.pop() {
        stack.extend(d.dirs());
        for file in d.files() {
            let target = dir.join(file.path());
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|e| {
                    Diagnostic::new(parent, format!("cannot create the folder: {e}"))
                })?;
            }
            fs::write(&target, file.contents())
                .map_err(|e| Diagnostic::new(&target, format!("cannot write: {e}")))?;
            written.push(file.path().display().to_string());
        }
    }
    // The schemas the starter's YAML files name in their first line.
    for path in crate::schema::write(dir)? {
        written.push(
            path.strip_prefix(dir)
                .unwrap_or(&path)
                .display()
                .to_string(),
        );
    }
    written.sort();
    Ok(written)
}
