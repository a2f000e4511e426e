#!/usr/bin/env bash
# Commit latency with git-audit's hooks against without them on the real-size repository: the
# full renderx tree (4,409 files) with its registry, sequence folders, plan and schema governed
# and a committed baseline, changing one sequence file per commit.
#
# Usage: benches/real-size.sh [TARBALL|DIR] [RUNS]
#   TARBALL|DIR  default: $AUDIT_CORPUS/renderx-full-569c63d1.tar.gz (../shared/corpus)
#   RUNS         commits each way, interleaved (default 30)
# Needs: a release build (cargo build --release --locked; CARGO_TARGET_DIR is honoured, or
# GIT_AUDIT_BIN names the binary), git,
# python3 (to edit the sequence between commits, outside the timed part).
# Prints a Markdown table (median and p90 of `git commit` wall time, the median overhead) and
# the median of `git-audit check --staged` alone on the same kind of staged change.
set -euo pipefail
root="$(cd "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="${AUDIT_CORPUS:-$root/../shared/corpus}"
source="${1:-$corpus/renderx-full-569c63d1.tar.gz}"
runs="${2:-30}"
bin="${GIT_AUDIT_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/git-audit}"
[ -e "$source" ] || { echo "no corpus at $source (pass a tarball or directory, or set AUDIT_CORPUS)" >&2; exit 2; }
[ -x "$bin" ] || { echo "build first: cargo build --release --locked (no $bin)" >&2; exit 2; }

. "$root/benches/lib.sh"
bench_scratch "$bin"

real_size_repo "$source"
real_size_config >audit.toml
git add -A
git commit -q --no-verify -m "renderx"
git-audit baseline >/dev/null
git add -A
git commit -q --no-verify -m "git-audit baseline"
git-audit install >/dev/null
files=$(git ls-files | wc -l)
governed=$(git-audit hash --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["artifacts"]))')
seq_file=$(first_sequence)

one() { # $1: "hooks" or "none"
	flip "$seq_file"
	timed_commit "$1" "change one sequence"
}
check_alone() {
	flip "$seq_file"
	local t0 t1
	t0=$(now)
	git-audit check --staged >/dev/null 2>&1 || true
	t1=$(now)
	git -c core.hooksPath=/nonexistent commit -q -m "change one sequence" >/dev/null
	echo $(((t1 - t0) / 1000))
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in 1 2 3; do one hooks >/dev/null; one none >/dev/null; done
with=() without=() alone=()
for _ in $(seq "$runs"); do
	with+=("$(one hooks)")
	without+=("$(one none)")
	alone+=("$(check_alone)")
done
read -r wm wp <<<"$(stats "${with[@]}")"
read -r om op <<<"$(stats "${without[@]}")"
read -r am ap <<<"$(stats "${alone[@]}")"
entries=$(grep -c 'git-audit:entry' EVOLUTION.md || true)
echo "Commit latency, $files-file repository (renderx, full tree; $governed governed artifacts, plan and schema, a committed baseline), one sequence changed per commit ($seq_file), $runs commits each way, interleaved; load $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after:"
echo
echo "| git commit | median ms | p90 ms |"
echo "|---|---:|---:|"
echo "| with git-audit's hooks (pre-commit: check + changelog entry; post-commit) | $wm | $wp |"
echo "| without any hook | $om | $op |"
echo "| \`git-audit check --staged\` alone (same change, no commit) | $am | $ap |"
echo
echo "Median overhead: $(awk -v a="$wm" -v b="$om" 'BEGIN {printf "%.1f", a-b}') ms ($entries changelog entries recorded)."
