#!/usr/bin/env bash
# The benchmark: builds generated corpora of N articles and reports, per N,
# wall time, user+sys time, peak memory, pages written and the time of each
# stage (load, analyze, render+write, commit), and the I/O floors (copying
# the input, and copying the output). With --hugo it also builds the
# same articles with Hugo from ../shared/bench/gen_corpus.py's Hugo view, in
# the same run, and prints the ratios. See BENCHMARKS.md for the figures.
#
#   scripts/bench.sh [--sizes "1000 10000 50000"] [--hugo] [--repeat N] [--tmpfs] [--smoke]
#
# --repeat N with --hugo builds with dossier and Hugo in turn N times more
# and prints each round's ratio and their median, since one run on a shared
# machine can be off by a third; with two sizes or more it then prints
# both tools' growth, the largest size against the one before, from the
# medians of their rounds. Without --hugo it builds the two largest sizes
# in turn N times and prints the ratio of their times (the growth). With
# two sizes or more it also prints the growth of the I/O floor (copying
# the output).
# --smoke builds 200 articles once and checks the build succeeds (for CI).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="1000 10000 50000"
hugo=0
tmpfs=0
repeat=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --hugo) hugo=1; shift ;;
    --tmpfs) tmpfs=1; shift ;;
    --repeat) repeat="$2"; shift 2 ;;
    --smoke) sizes="200"; shift ;;
    *) echo "usage: scripts/bench.sh [--sizes \"N ...\"] [--hugo] [--repeat N] [--tmpfs] [--smoke]" >&2; exit 2 ;;
  esac
done
cargo build --quiet --release --example synth
cargo build --quiet --release
bin="$PWD/target/release/dossier"
timer=/usr/bin/time
[ -x "$timer" ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
outbase="$work"
if [ "$tmpfs" = 1 ]; then outbase="$(mktemp -d -p /dev/shm)"; trap 'rm -rf "$work" "$outbase"' EXIT; fi

measure() { # label, command...: prints wall, user+sys, peak RSS
  local label="$1"; shift
  "$timer" -f "%e %U %S %M" -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  read -r wall user sys rss < "$work/time"
  printf '%-22s wall %6.2f s  cpu %6.2f s  peak %7.0f MiB\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc)"
  echo "$wall" > "$work/last-wall"
}

# a / b to two places, or "n/a" when b rounds to nothing (a tiny corpus).
ratio() { if [ "$(echo "$2 > 0" | bc)" = 1 ]; then printf '%.2f' "$(echo "$1 / $2" | bc -l)"; else echo n/a; fi; }

# The median of the numbers on standard input, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "dossier benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
# Per size: the median wall time of dossier's and Hugo's rounds, and the
# time of copying dossier's output, for the growth lines at the end.
declare -A dmedian hmedian floor
for n in $sizes; do
  echo "== $n articles"
  if [ "$hugo" = 1 ]; then
    python3 ../shared/bench/gen_corpus.py --articles "$n" --out "$work/c$n" > /dev/null
    corpus="$work/c$n/dossier"
  else
    cargo run --quiet --release --example synth -- --articles "$n" --out "$work/c$n" > /dev/null
    corpus="$work/c$n"
  fi
  # Let the kernel finish writing the new corpus out before anything is timed.
  sync
  measure "dossier build" "$bin" build --root "$corpus" --output "$outbase/d$n" --verbose
  grep -E "^Wrote|^stages" "$work/out" | sed 's/^/    /'
  dwall=$(cat "$work/last-wall")
  if [ "$hugo" = 1 ]; then
    (cd "$work/c$n/hugo" && measure "hugo" hugo --quiet -d "$outbase/h$n")
    hwall=$(cat "$work/last-wall")
    printf '    ratio dossier / hugo (wall): %.2f\n' "$(echo "$dwall / $hwall" | bc -l)"
    ratios=()
    dwalls=()
    hwalls=()
    for ((r = 1; r <= repeat; r++)); do
      rm -rf "$outbase/d$n" "$outbase/h$n"
      measure "  dossier, round $r" "$bin" build --root "$corpus" --output "$outbase/d$n" --quiet
      dwall=$(cat "$work/last-wall")
      (cd "$work/c$n/hugo" && measure "  hugo, round $r" hugo --quiet -d "$outbase/h$n")
      hwall=$(cat "$work/last-wall")
      ratios+=("$(echo "$dwall / $hwall" | bc -l)")
      dwalls+=("$dwall")
      hwalls+=("$hwall")
    done
    if [ "$repeat" -gt 0 ]; then
      median=$(printf '%s\n' "${ratios[@]}" | median)
      printf '    ratios by round: %s; median %.2f\n' "$(printf '%.2f ' "${ratios[@]}")" "$median"
      dmedian[$n]=$(printf '%s\n' "${dwalls[@]}" | median)
      hmedian[$n]=$(printf '%s\n' "${hwalls[@]}" | median)
    fi
  fi
  # The I/O floors: reading the input, and writing the bytes dossier wrote.
  measure "cp -r content (floor)" cp -r "$corpus/content" "$outbase/cp$n"
  measure "cp -r output (floor)" cp -r "$outbase/d$n" "$outbase/cpo$n"
  floor[$n]=$(cat "$work/last-wall")
  rm -rf "$outbase/d$n" "$outbase/h$n" "$outbase/cp$n" "$outbase/cpo$n"
done


set -- $sizes
# The floor's own growth: how much longer the kernel takes to copy the
# larger output than the smaller (on tmpfs, not in proportion to the bytes
# on every machine).
if [ $# -ge 2 ]; then
  small="${*: -2:1}"
  large="${*: -1}"
  printf '== floor growth, %s against %s articles: cp -r output %s x\n' "$large" "$small" \
    "$(ratio "${floor[$large]}" "${floor[$small]}")"
  # With --hugo and rounds, both tools' growth from their median rounds.
  if [ "$hugo" = 1 ] && [ "$repeat" -gt 0 ]; then
    printf '== growth, %s against %s articles, medians of the rounds: dossier %s x, hugo %s x\n' \
      "$large" "$small" "$(ratio "${dmedian[$large]}" "${dmedian[$small]}")" \
      "$(ratio "${hmedian[$large]}" "${hmedian[$small]}")"
  fi
fi

# Growth, without --hugo: the two largest sizes built in turn, so that the
# machine's drift during the run slows both alike.
if [ "$hugo" = 0 ] && [ "$repeat" -gt 0 ] && [ $# -ge 2 ]; then
  small="${*: -2:1}"
  large="${*: -1}"
  echo "== growth: $large against $small articles, built in turn"
  ratios=()
  for ((r = 1; r <= repeat; r++)); do
    measure "  $small, round $r" "$bin" build --root "$work/c$small" --output "$outbase/d$small" --quiet
    swall=$(cat "$work/last-wall")
    measure "  $large, round $r" "$bin" build --root "$work/c$large" --output "$outbase/d$large" --quiet
    lwall=$(cat "$work/last-wall")
    ratios+=("$(echo "$lwall / $swall" | bc -l)")
    rm -rf "$outbase/d$small" "$outbase/d$large"
  done
  printf '    ratios by round: %s; median %.2f\n' "$(printf '%.2f ' "${ratios[@]}")" "$(printf '%s\n' "${ratios[@]}" | median)"
fi
