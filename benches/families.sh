#!/usr/bin/env bash
# What each rule family costs in the commit gate, on the real-size repository: the full renderx
# tree with the audit.toml of benches/real-size.sh (registry, sequence folders, plan, schema),
# then the same with one capability's table added ([docs], [bdd], [handlers], [timing],
# [generate], [impact]) and with all of them. For each configuration: the configuration and a
# baseline of today's findings are committed, one sequence file gets a structural change, and
# `git-audit check --staged` on it is counted with callgrind (instructions repeat to within
# 0.5 %, wall time on a shared machine does not) and timed (median of RUNS).
#
# Usage: benches/families.sh [TARBALL|DIR] [RUNS]
#   TARBALL|DIR  default: $AUDIT_CORPUS/renderx-full-569c63d1.tar.gz (../shared/corpus)
#   RUNS         timed runs per configuration (default 10)
# Needs: a release build (cargo build --release --locked; CARGO_TARGET_DIR is honoured, or
# GIT_AUDIT_BIN names the binary), git, python3, valgrind.
set -euo pipefail
root="$(cd "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="${AUDIT_CORPUS:-$root/../shared/corpus}"
source="${1:-$corpus/renderx-full-569c63d1.tar.gz}"
runs="${2:-10}"
bin="${GIT_AUDIT_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/git-audit}"
[ -e "$source" ] || { echo "no corpus at $source (pass a tarball or directory, or set AUDIT_CORPUS)" >&2; exit 2; }
[ -x "$bin" ] || { echo "build first: cargo build --release --locked (no $bin)" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }

. "$root/benches/lib.sh"
bench_scratch "$bin"

real_size_repo "$source"
git add -A
git commit -q --no-verify -m "renderx"
seq_file=$(first_sequence)

base="$(real_size_config)
"
docs='
[docs]
generated = ["docs/generated/*.md"]
'
bdd='
[bdd]
'
handlers='
[handlers]
'
timing='
[timing]
'
generate='
[generate]

[[generate.source]]
kind = "sequences"
paths = ["packages/*/json-sequences/**/*.json"]
ignore = ["**/index.json", "**/package.json", "**/tsconfig.json"]
'
impact='
[impact]
enforce-version-bump = true
'

# A committed timing baseline from the tree's own log-analysis reports (the [timing] rules
# read it; without one they have nothing to compare).
printf '%s' "$base$timing" >audit.toml
git add audit.toml
shopt -s nullglob
reports=(outputs/log-analysis-*.json)
if [ "${#reports[@]}" -gt 0 ]; then
	git-audit timing ingest --reset "${reports[@]}" >/dev/null
	git-audit timing baseline --write --stage >/dev/null
fi
git commit -q --no-verify -m "timing baseline"

measure() { # $1: label, $2: audit.toml
	printf '%s' "$2" >audit.toml
	git add audit.toml
	git commit -q --no-verify -m "config: $1"
	git-audit baseline >/dev/null 2>&1 || true
	git add -A
	git commit -q --no-verify -m "baseline: $1" >/dev/null || true
	flip "$seq_file"
	local out="$scratch/callgrind.$RANDOM"
	valgrind --tool=callgrind --callgrind-out-file="$out" git-audit check --staged >/dev/null 2>&1 || true
	local instr
	instr=$(awk '/^summary:/ {print $2}' "$out")
	local times=() t0 t1 code=0
	for _ in $(seq "$runs"); do
		t0=$(now)
		git-audit check --staged >/dev/null 2>&1 || code=$?
		t1=$(now)
		times+=("$(((t1 - t0) / 1000))")
	done
	read -r m p <<<"$(stats "${times[@]}")"
	git -c core.hooksPath=/nonexistent commit -q -m "change: $1" >/dev/null
	printf '| %s | %s | %.1f | %s | %s |\n' "$1" "$m" "$(awk -v i="$instr" 'BEGIN {print i/1e6}')" "$p" "$code"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "\`git-audit check --staged\` with one sequence changed ($seq_file), $(git ls-files | wc -l) files; load $load_before:"
echo
echo "| configuration | median ms | instructions (M) | p90 ms | exit |"
echo "|---|---:|---:|---:|---:|"
measure "base (registry, sequences, plan, schema)" "$base"
measure "base + [docs]" "$base$docs"
measure "base + [bdd]" "$base$bdd"
measure "base + [handlers]" "$base$handlers"
measure "base + [timing]" "$base$timing"
measure "base + [generate]" "$base$generate"
measure "base + [impact]" "$base$impact"
measure "all of them" "$base$docs$bdd$handlers$timing$generate$impact"
echo
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)."
