#!/usr/bin/env bash
# Screenshots of the default dossier's front page, a topic page and a source
# page, at desktop (1280 px) and phone (390 px) width, with Debian's headless
# Chromium. Usage: scripts/screenshots.sh [OUT_DIR]   (default: screenshots/)
# The front page at desktop width is what README.md shows (docs/screenshot.png).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-screenshots}"
chromium="${CHROMIUM_PATH:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$chromium" ]; then
  echo "screenshots: Chromium not found: apt-get install chromium, or set CHROMIUM_PATH" >&2
  exit 1
fi
site="$(mktemp -d)"
profile="$(mktemp -d)"
trap 'rm -rf "$site" "$profile"' EXIT
cargo run --quiet --release -- build --quiet --output "$site/public"
mkdir -p "$out"
shot() { # page, name, width, height
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size="$3,$4" \
    --screenshot="$out/$2.png" "file://$site/public/$1" >/dev/null 2>&1
  echo "$out/$2.png"
}
shot index.html front-desktop 1280 1500
shot index.html front-phone 390 1600
shot topics/security-guarantees/index.html topic-desktop 1280 1500
shot topics/security-guarantees/index.html topic-phone 390 1600
shot sources/003/index.html source-desktop 1280 1500
shot sources/003/index.html source-phone 390 1600
