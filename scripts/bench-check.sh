#!/usr/bin/env bash
# Check benchmark (not a test): `devops-agent check` on a synthetic git repository of N files, against
# `git grep -P` with the secret scan's own regular expressions over the same tracked files, in alternating
# runs. Prints each run's time, the median ratio (check / git grep) and both sides' peak memory.
#
#   scripts/bench-check.sh [files] [runs per side]      (default 10000 files, 5 runs; or BENCH_FILES, BENCH_RUNS)
#
# The repository is generated deterministically (scripts/bench-check-gen.py) in a temporary folder: the
# reference stack (examples/fullstack without .releases: compose pair, .env.example, migrations) plus
# Python, JS, Vue, YAML, Markdown and JSON files, with look-alikes and a few planted secrets so that both
# tools find matches. The CLI is built in Release once; each side gets one untimed warm-up run.
#
# git grep is the floor, not an equivalent: it runs the secret scan's regular expressions (the secret-name
# rule folded into the assignment one) in C on every core, while check also reads every file into memory,
# filters placeholders and interpolations, measures entropy, applies the allowlist, finds the required
# variables, lints and schema-validates the compose files and checks the migrations — and starts .NET.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FILES=${1:-${BENCH_FILES:-10000}}
RUNS=${2:-${BENCH_RUNS:-5}}

log() { printf '[bench] %s\n' "$*" >&2; }
now() { date +%s.%N; }

if [ ! -x /usr/bin/time ]; then
  log "installing time (for peak memory)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null
fi
command -v python3 >/dev/null || { echo "bench: python3 is needed to generate the repository" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench: jq is needed to read check's JSON" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
REPO=$WORK/repo

# --- setup (not timed) ---------------------------------------------------------------------------------
log "building the CLI (Release)"
dotnet build "$ROOT/src/DevOpsAgent.Cli" -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
AGENT="$ROOT/src/DevOpsAgent.Cli/bin/Release/net10.0/devops-agent"

log "generating a repository of $FILES files in $REPO"
mkdir -p "$REPO"
tar -C "$ROOT/examples/fullstack" --exclude=./.releases -cf - . | tar -C "$REPO" -xf -
python3 "$ROOT/scripts/bench-check-gen.py" "$REPO" "$FILES"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_AUTHOR_DATE=2026-01-01T00:00:00Z
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" commit -q -m "synthetic project for the check benchmark"
git -C "$REPO" tag v1.0.0
TRACKED=$(git -C "$REPO" ls-files | wc -l)
BYTES=$(git -C "$REPO" ls-files -z | (cd "$REPO" && xargs -0 cat) | wc -c)
LINES=$(git -C "$REPO" ls-files -z | (cd "$REPO" && xargs -0 cat) | wc -l)

# Check validates compose files against the compose-spec schema when one sits in shared/conformance beside
# the project or a parent (as in CI); the temporary folder has none, so it is named here when it exists.
SCHEMA_ARGS=()
SCHEMA=$(cd "$ROOT/.." && pwd)/shared/conformance/compose-spec.json
[ -f "$SCHEMA" ] && SCHEMA_ARGS=(--compose-schema "$SCHEMA")

# SecretScan.cs's rules, translated from .NET to PCRE (git grep -P). Its assignment rule matches any
# `name = value` and then keeps secret-looking names (SecretHeuristics.IsSecretName's regex): that regex is
# folded in here. What check does after a match (placeholders, interpolations, entropy, allowlist) is code,
# not a pattern, so git grep reports a superset of check's secret lines.
PATTERNS=(
  '-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----'
  '\b(?:AKIA|ASIA)[0-9A-Z]{16}\b'
  '\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b'
  '\bxox[abprs]-[A-Za-z0-9-]{10,}'
  '\b[sr]k_live_[A-Za-z0-9]{20,}'
  '\bAIza[0-9A-Za-z_-]{35}\b'
  '(?i:[a-z][a-z0-9+.-]*://[^\s:/@'"'"'"]+:([^\s@/'"'"'"]+)@)'
  '^\s*(?:export\s+)?["'"'"']?(?=[A-Za-z_])((?:[A-Za-z0-9_.-]*[_.-])?(?i:SECRET|PASSWORD|PASSWD|PASS|PWD|TOKEN|KEY|APIKEY|SALT|PRIVATE|CREDENTIALS?)(?:[_.-][A-Za-z0-9_.-]*)?)["'"'"']?\s*(?::|=|:=)\s*(["'"'"']?)([^"'"'"'\s#,;]+)\2'
)
GREP_ARGS=(grep -P -n -I)
for pattern in "${PATTERNS[@]}"; do GREP_ARGS+=(-e "$pattern"); done

# Runs one side under /usr/bin/time -v; appends "seconds kilobytes" to the side's results.
measure() {
  local side=$1 start end status=0; shift
  start=$(now)
  /usr/bin/time -v -o "$WORK/$side.time" "$@" >"$WORK/$side.out" 2>"$WORK/$side.err" || status=$?
  end=$(now)
  case "$side:$status" in
    check*:0 | check*:8 | grep:0 | grep:1) ;; # check exits 8 on findings; git grep 1 on no match
    *) echo "bench: $side exited $status" >&2; cat "$WORK/$side.err" >&2; exit 1 ;;
  esac
  printf '%s %s %s\n' "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')" \
    "$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$side.time")" \
    "$(awk -F': ' '/Percent of CPU/ { print $2 + 0 }' "$WORK/$side.time")" >>"$WORK/$side.results"
}
run_check() { measure check "$AGENT" check -C "$REPO" --json "${SCHEMA_ARGS[@]}"; }
run_grep() { measure grep git -C "$REPO" "${GREP_ARGS[@]}"; }
# The same check on the reference stack alone: its fixed cost (.NET start-up, compose schema and lint).
run_fixed() { measure check-fixed "$AGENT" check -C "$ROOT/examples/fullstack" --json "${SCHEMA_ARGS[@]}"; }

log "warm-up runs (not timed)"
run_check; run_grep
rm -f "$WORK/check.results" "$WORK/grep.results"

# --- timed runs, alternating (ABBA) so drift on a shared machine hits both sides alike ----------------
for run in $(seq 1 "$RUNS"); do
  if [ $((run % 2)) = 1 ]; then run_check; run_grep; else run_grep; run_check; fi
  log "run $run: check $(tail -1 "$WORK/check.results" | cut -d' ' -f1)s, git grep $(tail -1 "$WORK/grep.results" | cut -d' ' -f1)s"
done

log "the reference stack alone, $RUNS runs (check's fixed cost)"
run_fixed
rm -f "$WORK/check-fixed.results"
for run in $(seq 1 "$RUNS"); do run_fixed; done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mapfile -t check_s < <(cut -d' ' -f1 "$WORK/check.results")
mapfile -t grep_s < <(cut -d' ' -f1 "$WORK/grep.results")
ratios=()
for i in $(seq 0 $((RUNS - 1))); do ratios+=("$(awk -v c="${check_s[$i]}" -v g="${grep_s[$i]}" 'BEGIN { printf "%.1f", c / g }')"); done
mib() { awk '{ printf "%.0f", $1 / 1024 }'; }

# What each found, from the last run of each: check's secret findings should all be among git grep's lines.
jq -r '.findings[] | select(.rule | startswith("secret-")) | select(.line > 0) | "\(.file):\(.line)"' "$WORK/check.out" | sort -u >"$WORK/check.lines"
cut -d: -f1,2 "$WORK/grep.out" | sort -u >"$WORK/grep.lines"
missed=$(comm -23 "$WORK/check.lines" "$WORK/grep.lines" | wc -l)

echo "Check benchmark: devops-agent check -C <repo> --json against git grep -P with the secret scan's patterns, $RUNS runs each, alternating"
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(uname -sr), $(git --version), .NET $(dotnet --version)"
echo "repository: $TRACKED tracked files, $((BYTES / 1024 / 1024)) MiB, $LINES lines; compose schema: ${SCHEMA_ARGS[1]:-none}"
echo
echo "| run | devops-agent check (s) | git grep (s) | ratio |"
echo "|---:|---:|---:|---:|"
for i in $(seq 0 $((RUNS - 1))); do
  echo "| $((i + 1)) | ${check_s[$i]} | ${grep_s[$i]} | ${ratios[$i]} |"
done
echo "| median | $(printf '%s\n' "${check_s[@]}" | median) | $(printf '%s\n' "${grep_s[@]}" | median) | **$(printf '%s\n' "${ratios[@]}" | median | awk '{ printf "%.1f", $1 }')** |"
echo
echo "median ratio (check / git grep): $(printf '%s\n' "${ratios[@]}" | median | awk '{ printf "%.1f", $1 }')"
echo "peak memory (maximum resident set size, median of the runs): check $(cut -d' ' -f2 "$WORK/check.results" | median | mib) MiB, git grep $(cut -d' ' -f2 "$WORK/grep.results" | median | mib) MiB"
echo "CPU (median, 100% = one core): check $(cut -d' ' -f3 "$WORK/check.results" | median | awk '{ printf "%.0f", $1 }')%, git grep $(cut -d' ' -f3 "$WORK/grep.results" | median | awk '{ printf "%.0f", $1 }')%"
echo "check's fixed cost (the same command on examples/fullstack alone, $(git -C "$ROOT" ls-files examples/fullstack | wc -l) files): $(cut -d' ' -f1 "$WORK/check-fixed.results" | median) s median"
echo "found: check $(jq '.findings | length' "$WORK/check.out") findings ($(jq -r '[.findings[].rule | select(startswith("secret-"))] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' "$WORK/check.out")); git grep $(wc -l <"$WORK/grep.out") matching lines"
echo "check's secret lines not among git grep's: $missed"
