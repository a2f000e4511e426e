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

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null HOME="$scratch"
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
export GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
export PATH="$(dirname "$bin"):$PATH"
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE

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

now() { date +%s%N; }
one() { # $1: "hooks" or "none". Runs in a subshell: the file itself says what to flip.
	if grep -q '"dynamics": "mf"' "$seq_file"; then
		sed -i 's/"dynamics": "mf"/"dynamics": "f"/' "$seq_file"
	else
		sed -i 's/"dynamics": "f"/"dynamics": "mf"/' "$seq_file"
	fi
	git add "$seq_file"
	local t0 t1
	t0=$(now)
	local hooks=()
	# No hooks at all (not even post-commit, which --no-verify would still run).
	[ "$1" = none ] && hooks=(-c core.hooksPath=/nonexistent)
	git "${hooks[@]}" commit -q -m "change one beat" >/dev/null 2>&1 || {
		echo "commit failed:" >&2
		git "${hooks[@]}" commit -m "change one beat" >&2
		exit 1
	}
	t1=$(now)
	echo $(((t1 - t0) / 1000))
}
for _ in 1 2 3; do one hooks >/dev/null; one none >/dev/null; done
with=() without=()
for _ in $(seq "$runs"); do
	with+=("$(one hooks)")
	without+=("$(one none)")
done
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; p=a[int(NR*0.9+0.999)]; printf "%.1f %.1f", m/1000, p/1000}'; }
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
