#!/usr/bin/env bash
# How fast `dossier serve` shows an edit: serves the dossier at DIR, then
# edits (and finally restores) a topic's summary five times, its keywords
# four times (another topic's keyword added, then taken away), its title
# twice, an article's title five times, the executive summary twice, a
# participant's role twice, the first and the last article's text three
# times each, the style sheet
# twice and a page template twice, three seconds apart,
# and prints what the server logged: how many pages it re-rendered and
# served, and how many milliseconds after the edit's file events settled.
#
#   scripts/bench-serve.sh DIR
#
# DIR is a dossier, e.g. a corpus from ../shared/bench/gen_corpus.py
# (DIR/dossier) or from `cargo run --release --example synth`.
set -euo pipefail
cd "$(dirname "$0")/.."
root="${1:?usage: scripts/bench-serve.sh DIR}"
cargo build --quiet --release
shopt -s nullglob
topics=("$root"/content/topics/*.yaml)
articles=("$root"/content/articles/*.md "$root"/content/articles/*.yaml)
topic="${topics[0]:?no topic in $root/content/topics}"
article="${articles[0]:?no article in $root/content/articles}"
people="$root/content/participants.yaml"
[ -f "$people" ] || { echo "no $people" >&2; exit 1; }
config="$root/dossier.yaml"
work="$(mktemp -d)"
cp "$topic" "$work/topic" && cp "$article" "$work/article" && cp "$people" "$work/people"
cp "$config" "$work/config"
# A style sheet and a page template of the dossier's own, made before the
# server starts (a new folder is a whole rebuild), to edit below; removed
# at the end unless the dossier had them.
own=()
for f in themes/default/static/style.css templates/source.html; do
  if [ ! -e "$root/$f" ]; then
    mkdir -p "$(dirname "$root/$f")" && cp "$f" "$root/$f" && own+=("$root/$f")
  fi
  cp "$root/$f" "$work/$(basename "$f")"
done
target/release/dossier serve --root "$root" --port 0 > "$work/log" 2>&1 &
server=$!
restore() {
  kill "$server" 2>/dev/null || true
  # The article last: for a Markdown article its text is the same file,
  # saved after the title edits.
  if [ -f "$work/text" ]; then cp "$work/text" "$text"; fi
  if [ -f "$work/late" ]; then cp "$work/late" "$late"; fi
  cp "$work/topic" "$topic" && cp "$work/article" "$article" && cp "$work/people" "$people"
  cp "$work/config" "$config"
  cp "$work/style.css" "$root/themes/default/static/style.css"
  cp "$work/source.html" "$root/templates/source.html"
  for f in "${own[@]}"; do rm -f "$f"; done
  rmdir -p "$root/themes/default/static" "$root/templates" 2>/dev/null || true
  rm -rf "$work"
}
trap restore EXIT
for _ in $(seq 1 120); do grep -q "watching for changes" "$work/log" && break; sleep 1; done
edit() { # file, python expression of the text `s` and the round `k`
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys
path, expr, k = sys.argv[1], sys.argv[2], sys.argv[3]
s = open(path, encoding="utf-8").read()
open(path, "w", encoding="utf-8").write(eval(expr))
PY
  sleep 3
}
for k in 1 2 3 4 5; do
  edit "$topic" 're.sub(r"^summary: \|?\n?", lambda m: m.group(0) + ("  " if m.group(0).endswith("\n") else "") + f"Edit {k}. ", s, count=1, flags=re.M)' "$k"
done
# Keywords: another topic's first keyword added (its passages join this
# topic), then taken away again, twice.
other="$(grep -m1 '^  - ' "${topics[1]:?a second topic is needed}" | sed 's/^  - //')"
cp "$topic" "$work/keywords"
for k in 1 2; do
  OTHER="$other" edit "$topic" 's.rstrip("\n") + "\n  - " + __import__("os").environ["OTHER"] + "\n"' "$k"
  BEFORE="$work/keywords" edit "$topic" 'open(__import__("os").environ["BEFORE"], encoding="utf-8").read()' "$k"
done
# Its title: renamed, then named back.
edit "$topic" 're.sub(r"^title: .*$", "title: \"Renamed topic\"", s, count=1, flags=re.M)' 1
BEFORE="$work/keywords" edit "$topic" 'open(__import__("os").environ["BEFORE"], encoding="utf-8").read()' 2
for k in 1 2 3 4 5; do
  edit "$article" 're.sub(r"^title: .*$", f"title: \"Edited title {k}\"", s, count=1, flags=re.M)' "$k"
done
# The executive summary in dossier.yaml, twice.
for k in 1 2; do
  edit "$config" '(re.sub(r"^summary: \|?\n?", lambda m: m.group(0) + ("  " if m.group(0).endswith("\n") else "") + f"Edit {k}. ", s, count=1, flags=re.M) if re.search(r"^summary:", s, flags=re.M) else s + f"summary: \"Edit {k}.\"\n")' "$k"
done
# A participant's role, twice.
for k in 1 2; do
  edit "$people" 're.sub(r"^  role: .*$", f"  role: \"Edited role {k}\"", s, count=1, flags=re.M)' "$k"
done
text="$article"
[ "${article%.yaml}" = "$article" ] || text="${article%.yaml}.txt"
cp "$text" "$work/text"
# The article's text: a paragraph added, then a word of it changed, then
# the text as it was, each giving its source page first, then the other
# files it changed.
edit "$text" 's + "\nA closing paragraph added to the text.\n"' 0
edit "$text" 's.replace("closing paragraph", "final paragraph")' 1
TEXT="$work/text" edit "$text" 'open(__import__("os").environ["TEXT"], encoding="utf-8").read()' 2
sleep 2
cp "$work/text" "$text"
# The same three edits to the last article's text: the first article's
# paragraphs open every list of the single-source judgement's index, so
# an edit to it makes every paragraph be judged again; one to the last,
# only those whose probes read its words.
late="$root/content/articles/$(ls "$root/content/articles" | grep -E '\.(md|txt)$' | sort | tail -n 1)"
cp "$late" "$work/late"
edit "$late" 's + "\nA closing paragraph added to the text.\n"' 0
edit "$late" 's.replace("closing paragraph", "final paragraph")' 1
TEXT="$work/late" edit "$late" 'open(__import__("os").environ["TEXT"], encoding="utf-8").read()' 2
sleep 2
cp "$work/late" "$late"
# The style sheet twice, then the source page's template twice.
for k in 1 2; do
  edit "$root/themes/default/static/style.css" 's + f"\n/* edit {k} */\n"' "$k"
done
for k in 1 2; do
  edit "$root/templates/source.html" 's.replace("</h1>", f"</h1><!-- edit {k} -->", 1)' "$k"
done
cat "$work/log"
