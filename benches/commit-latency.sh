#!/usr/bin/env bash
# Commit latency with git-audit's hooks against without them, on a repository the size of the
# corpus snapshot (one registry, ~85 sequence files), changing one sequence per commit.
#
# Usage: benches/commit-latency.sh [RUNS]     (default 40 commits each way, interleaved)
# Needs: AUDIT_CORPUS (or ../shared/corpus), a release build (cargo build --release --locked).
# Prints a Markdown table: median and p90 of `git commit` wall time, and the median overhead.
set -euo pipefail
root="$(cd "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-40}"
corpus="${AUDIT_CORPUS:-$root/../shared/corpus}"
snapshot="$corpus/renderx-2025-11-29"
bin="$root/target/release/git-audit"
[ -d "$snapshot" ] || { echo "no corpus at $snapshot (set AUDIT_CORPUS)" >&2; exit 2; }
[ -x "$bin" ] || { echo "build first: cargo build --release --locked" >&2; exit 2; }

. "$root/benches/lib.sh"
bench_scratch "$bin"

repo="$scratch/repo"
cp -r "$snapshot" "$repo"
chmod -R u+w "$repo"
cd "$repo"
git init -q -b main
git config gc.auto 0
git add -A
git commit -q --no-verify -m "snapshot"
git-audit install >/dev/null
seq_file="packages/canvas-component/json-sequences/canvas-component/copy.json"
files=$(git ls-files | wc -l)

one() { # $1: "hooks" or "none". Runs in a subshell: the file itself says what to flip.
	if grep -q '"dynamics": "mf"' "$seq_file"; then
		sed -i 's/"dynamics": "mf"/"dynamics": "f"/' "$seq_file"
	else
		sed -i 's/"dynamics": "f"/"dynamics": "mf"/' "$seq_file"
	fi
	git add "$seq_file"
	timed_commit "$1" "change one beat"
}
for _ in 1 2 3; do one hooks >/dev/null; one none >/dev/null; done
with=() without=()
for _ in $(seq "$runs"); do
	with+=("$(one hooks)")
	without+=("$(one none)")
done
read -r wm wp <<<"$(stats "${with[@]}")"
read -r om op <<<"$(stats "${without[@]}")"
entries=$(grep -c 'git-audit:entry' EVOLUTION.md || true)
echo "Commit latency, $files-file repository (the corpus snapshot), one sequence changed per commit, $runs commits each way, interleaved; load $(cut -d' ' -f1-3 /proc/loadavg):"
echo
echo "| git commit | median ms | p90 ms |"
echo "|---|---:|---:|"
echo "| with git-audit's hooks (pre-commit: check + changelog entry; post-commit) | $wm | $wp |"
echo "| without any hook | $om | $op |"
echo
echo "Median overhead: $(awk -v a="$wm" -v b="$om" 'BEGIN {printf "%.1f", a-b}') ms ($entries changelog entries recorded)."
