//! Bad metadata gets a message naming the file, line and column, a hint, and
//! exit code 1, without a panic and without touching the previous output.

mod common;

use common::Fixture;

/// Breaks a valid fixture with `rel` = `text`, builds, and checks that the
/// error output contains each of `expected`.
fn fails_with(rel: &str, text: &str, expected: &[&str]) -> String {
    let f = Fixture::new();
    f.write(rel, text);
    let stderr = f.build_fails();
    for e in expected {
        assert!(stderr.contains(e), "expected {e:?} in:\n{stderr}");
    }
    stderr
}

#[test]
fn unknown_field_names_the_place_and_suggests_the_field() {
    fails_with(
        "content/topics/security.yaml",
        "title: Security\norder: 1\nkeyword:\n  - guarantees\n",
        &[
            "error: unknown field `keyword`",
            "content/topics/security.yaml:3:1",
            "help: did you mean `keywords`?",
        ],
    );
}

#[test]
fn unknown_field_in_dossier_yaml() {
    fails_with(
        "dossier.yaml",
        "title: T\nsumary: x\n",
        &[
            "dossier.yaml:2:1",
            "unknown field `sumary`",
            "did you mean `summary`?",
        ],
    );
}

#[test]
fn unknown_field_in_a_sidecar() {
    fails_with(
        "content/articles/a1.yaml",
        "title: T\nautor: Someone\n",
        &["content/articles/a1.yaml:2:1", "did you mean `author`?"],
    );
}

#[test]
fn wrong_type_points_at_the_value() {
    fails_with(
        "content/topics/security.yaml",
        "title: Security\norder: first\nkeywords: [a]\n",
        &[
            "content/topics/security.yaml:2:8",
            "help: write a whole number",
        ],
    );
}

#[test]
fn a_list_written_as_a_scalar() {
    fails_with(
        "content/topics/security.yaml",
        "title: Security\nkeywords: guarantees\n",
        &["content/topics/security.yaml:2:11", "takes a list"],
    );
}

#[test]
fn missing_required_field() {
    fails_with(
        "content/topics/security.yaml",
        "order: 1\nkeywords: [a]\n",
        &[
            "content/topics/security.yaml:2:1",
            "missing field `title`",
            "add a line `title: ...`",
        ],
    );
}

#[test]
fn missing_title_in_front_matter_counts_lines_from_the_file_start() {
    fails_with(
        "content/articles/m.md",
        "---\noutlet: X\ntitel: Y\n---\nText.\n",
        &["content/articles/m.md:3:1", "did you mean `title`?"],
    );
}

#[test]
fn duplicate_participant_id_points_at_the_second() {
    let text = format!(
        "{}- id: stubb\n  name: Someone Else\n",
        common::PARTICIPANTS
    );
    fails_with(
        "content/participants.yaml",
        &text,
        &[
            "content/participants.yaml:12:7",
            "participant id `stubb` is used twice",
        ],
    );
}

#[test]
fn duplicate_yaml_key() {
    fails_with(
        "content/topics/security.yaml",
        "title: A\ntitle: B\nkeywords: [a]\n",
        &[
            "content/topics/security.yaml:2:1",
            "duplicate",
            "may appear only once",
        ],
    );
}

#[test]
fn tabs_bad_indentation_and_unclosed_quotes() {
    fails_with(
        "content/topics/security.yaml",
        "title: A\nkeywords:\n\t- a\n",
        &["content/topics/security.yaml:3:", "indent with spaces"],
    );
    fails_with(
        "content/topics/security.yaml",
        "title: A\nkeywords:\n  - a\n - b\n",
        &["content/topics/security.yaml:4:2", "check the indentation"],
    );
    fails_with(
        "content/topics/security.yaml",
        "title: \"A\nkeywords: [a]\n",
        &["content/topics/security.yaml:1:8", "close the quote"],
    );
}

#[test]
fn an_empty_file() {
    fails_with(
        "content/topics/security.yaml",
        "\n",
        &["content/topics/security.yaml:1:1", "the metadata is empty"],
    );
}

#[test]
fn javascript_url_is_refused() {
    fails_with(
        "content/articles/a1.yaml",
        "title: T\nurl: \"javascript:alert(1)\"\n",
        &[
            "content/articles/a1.yaml:2:6",
            "is not an http:// or https:// URL",
        ],
    );
}

#[test]
fn an_impossible_date() {
    fails_with(
        "content/articles/a1.yaml",
        "title: T\npublished: 2025-02-30\n",
        &["content/articles/a1.yaml:2:12", "YYYY-MM-DD"],
    );
}

#[test]
fn text_without_sidecar_and_sidecar_without_text() {
    let f = Fixture::new();
    f.remove("content/articles/a1.yaml");
    let err = f.build_fails();
    assert!(err.contains("content/articles/a1.txt"), "{err}");
    assert!(err.contains("this text has no metadata"), "{err}");
    assert!(err.contains("create `a1.yaml`"), "{err}");

    let f = Fixture::new();
    f.remove("content/articles/a1.txt");
    let err = f.build_fails();
    assert!(err.contains("content/articles/a1.yaml"), "{err}");
    assert!(err.contains("has no article text"), "{err}");
}

#[test]
fn duplicate_article_ids_and_topic_slugs() {
    fails_with(
        "content/articles/a1.md",
        "---\ntitle: T\n---\nx\n",
        &["article id `a1` is used twice"],
    );
    fails_with(
        "content/articles/sub/a1.txt",
        "x\n",
        &[
            "content/articles/sub/a1.txt",
            "article id `a1` is used twice",
        ],
    );
    fails_with(
        "content/topics/security.yml",
        common::TOPIC,
        &["topic `security` is defined twice"],
    );
}

#[test]
fn ids_that_would_make_unsafe_paths() {
    fails_with(
        "content/participants.yaml",
        "- id: ../x\n  name: X\n",
        &[
            "content/participants.yaml:1:7",
            "`../x` cannot be a participant id",
        ],
    );
    fails_with(
        "content/articles/con.md",
        "---\ntitle: T\n---\nx\n",
        &["`con` cannot be an article id"],
    );
}

#[test]
fn front_matter_that_never_closes() {
    fails_with(
        "content/articles/m.md",
        "---\ntitle: T\nText.\n",
        &["content/articles/m.md:1:1", "never closed"],
    );
}

#[test]
fn non_utf8_text() {
    let f = Fixture::new();
    f.write_bytes("content/articles/a1.txt", b"Good line.\nBad \xff byte.\n");
    let err = f.build_fails();
    assert!(err.contains("content/articles/a1.txt:2:5"), "{err}");
    assert!(err.contains("not valid UTF-8"), "{err}");
}

#[test]
fn template_syntax_error_names_the_template_and_line() {
    fails_with(
        "templates/topic.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ topic.title \n{% endblock content %}\n",
        &["templates/topic.html:4:1", "template error", "expected }}"],
    );
}

#[test]
fn template_using_an_unknown_variable() {
    fails_with(
        "templates/topics.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ no_such_thing.title }}\n{% endblock content %}\n",
        &["templates/topics.html:3:", "no_such_thing"],
    );
}

#[test]
fn several_problems_are_reported_together() {
    let f = Fixture::new();
    f.write("dossier.yaml", "title: T\nsumary: x\n");
    f.write("content/topics/security.yaml", "title: S\nkeyword: [a]\n");
    f.write("content/articles/a1.yaml", "title: T\nurl: ftp://x\n");
    let err = f.build_fails();
    assert!(err.contains("dossier.yaml:2:1"), "{err}");
    assert!(err.contains("content/topics/security.yaml:2:1"), "{err}");
    assert!(err.contains("content/articles/a1.yaml:2:6"), "{err}");
    assert!(err.contains("3 problems found"), "{err}");
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let f = Fixture::new();
    f.build();
    let before = common::site_files(&f.public());
    f.write("content/topics/security.yaml", "title: [\n");
    let err = f.build_fails();
    assert!(err.contains("previous output is unchanged"), "{err}");
    assert_eq!(before, common::site_files(&f.public()));
}

#[test]
fn no_dossier_yaml_says_where_to_run() {
    let f = Fixture::empty();
    let err = f.build_fails();
    assert!(err.contains("dossier.yaml"), "{err}");
    assert!(err.contains("dossier init"), "{err}");
}

#[test]
fn output_path_that_is_a_file() {
    let f = Fixture::new();
    f.write("out", "not a folder");
    let out = f.run(&["build", "--output", f.root().join("out").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the output path is a file"), "{err}");
}
