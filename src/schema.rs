//! JSON Schemas of the YAML files an analyst edits, generated from the same
//! structs the loader reads, so editors (with a `# yaml-language-server:
//! $schema=` comment) autocomplete and check fields while the analyst types.

use std::fs;
use std::path::{Path, PathBuf};

use schemars::{JsonSchema, schema_for};

use crate::diagnostic::Diagnostic;
use crate::load::{Config, EventEntry, MetaFile, ParticipantEntry, TopicFile, VariantEntry};

/// Where a dossier keeps its schemas, relative to its root.
pub const SCHEMA_DIR: &str = "schemas";

/// Each schema: its file name and its JSON.
pub fn schemas() -> Vec<(&'static str, String)> {
    fn json<T: JsonSchema>() -> String {
        let mut text = serde_json::to_string_pretty(&schema_for!(T)).expect("schemas serialise");
        text.push('\n');
        text
    }
    vec![
        ("dossier.json", json::<Config>()),
        ("topic.json", json::<TopicFile>()),
        ("participants.json", json::<Vec<ParticipantEntry>>()),
        ("article.json", json::<MetaFile>()),
        ("timeline.json", json::<Vec<EventEntry>>()),
        ("variants.json", json::<Vec<VariantEntry>>()),
    ]
}

/// Writes the schemas into `root/schemas/`, returning the paths written.
pub fn write(root: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let dir = root.join(SCHEMA_DIR);
    fs::create_dir_all(&dir)
        .map_err(|e| Diagnostic::new(&dir, format!("cannot create the folder: {e}")))?;
    schemas()
        .into_iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            fs::write(&path, text)
                .map_err(|e| Diagnostic::new(&path, format!("cannot write: {e}")))?;
            Ok(path)
        })
        .collect()
}

/// The property names of a schema, in order.
pub fn fields(schema: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(schema).expect("our own schema parses");
    let props = value
        .get("properties")
        .or_else(|| value.pointer("/items/properties"))
        .or_else(|| {
            let name = value.pointer("/items/$ref")?.as_str()?.rsplit('/').next()?;
            value.pointer(&format!("/$defs/{name}/properties"))
        });
    props
        .and_then(|p| p.as_object())
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::field_lists;

    #[test]
    fn the_loaders_field_lists_match_the_structs() {
        let schemas = schemas();
        let lists = field_lists();
        assert_eq!(schemas.len(), lists.len());
        for ((name, schema), (list_name, list)) in schemas.iter().zip(lists) {
            assert_eq!(name, &list_name);
            assert_eq!(fields(schema), list, "{name}");
        }
    }

    #[test]
    fn schemas_forbid_unknown_fields_and_require_titles() {
        let topic: serde_json::Value = serde_json::from_str(&schemas()[1].1).unwrap();
        assert_eq!(topic["additionalProperties"], false);
        assert_eq!(topic["required"], serde_json::json!(["title", "keywords"]));
        assert!(
            topic["properties"]["keywords"]["description"]
                .as_str()
                .unwrap()
                .contains("Phrases")
        );
    }
}
