#!/usr/bin/env bash
# Cost per commit of the history commands as the history grows: `changelog verify --range` over
# the first N of COMMITS hook-made commits, and `check --range` over the first N of them.
# Flat cost per commit means no step grows with the history behind the commits checked.
#
# Usage: [HISTORY_REPO=DIR] benches/history.sh [COMMITS] [VERIFY_POINTS] [CHECK_POINTS]
#   COMMITS        commits made with the installed hooks (default 1500)
#   VERIFY_POINTS  history lengths for `changelog verify` (default "100 500 1000 1500")
#   CHECK_POINTS   history lengths for `check --range` (default "100 250 500")
#   HISTORY_REPO   keep the history in DIR (made there when DIR does not exist yet; reused, not
#                  remade, when it does: only the timed part runs)
# Needs: a release build (CARGO_TARGET_DIR is honoured, or GIT_AUDIT_BIN names the binary),
# git. The tree is examples/demo (a registry and three sequences, the built-in configuration);
# each commit changes one beat's `dynamics` in one sequence, so each records a changelog entry.
# Prints a Markdown table: wall ms (median of 3), ms per commit, the peak RSS and
# the exit code (0: nothing blocks; 1: findings; a run that could not run stops the script).
set -euo pipefail
root="$(cd "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
commits="${1:-1500}"
verify_points="${2:-100 500 1000 1500}"
check_points="${3:-100 250 500}"
bin="${GIT_AUDIT_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/git-audit}"
[ -x "$bin" ] || { echo "build first: cargo build --release --locked (no $bin)" >&2; exit 2; }

. "$root/benches/lib.sh"
bench_scratch "$bin"

repo="${HISTORY_REPO:-$scratch/repo}"
if [ -d "$repo/.git" ]; then
	cd "$repo"
	commits=$(($(git rev-list --count HEAD) - 1))
	made="reused from $repo"
else
	cp -r "$root/examples/demo" "$repo"
	chmod -R u+w "$repo"
	cd "$repo"
	rm -f audit.toml # the demo's own (its paths are under examples/demo/): the built-in one governs
	git init -q -b main
	git config gc.auto 0
	git config maintenance.auto false
	git add -A
	git commit -q --no-verify -m "demo"
	git-audit install >/dev/null
	seq_file="json-sequences/canvas-copy.json"
	t0=$(now)
	for i in $(seq "$commits"); do
		if grep -q '"dynamics": "mf"' "$seq_file"; then
			sed -i '0,/"dynamics": "mf"/s//"dynamics": "f"/' "$seq_file"
		else
			sed -i '0,/"dynamics": "f"/s//"dynamics": "mf"/' "$seq_file"
		fi
		git add "$seq_file"
		git commit -q -m "change $i" >/dev/null
	done
	t1=$(now)
	make_ms=$(((t1 - t0) / 1000000))
	made="made in $make_ms ms, $(awk -v m="$make_ms" -v n="$commits" 'BEGIN {printf "%.1f", m/n}') ms per commit"
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
base=$(git rev-list --max-parents=0 HEAD)
entries=$(grep -c 'git-audit:entry' EVOLUTION.md || true)

# run_cmd ARGS…: "wall_ms peak_rss_mb exit" of one run (python's resource; CPU times are not
# used: on this project's VM a child's rusage CPU time is unreliable).
run_cmd() {
	python3 - "$@" <<'EOF'
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = (time.perf_counter() - t) * 1000
u = resource.getrusage(resource.RUSAGE_CHILDREN)
if p.returncode not in (0, 1):
    sys.exit(f"{' '.join(sys.argv[1:])}: exit {p.returncode} (could not run)")
print(f"{wall:.1f} {u.ru_maxrss / 1024:.1f} {p.returncode}")
EOF
}
# median3 ARGS…: the run (of 3) with the median wall time.
median3() {
	local a b c
	a=$(run_cmd "$@")
	b=$(run_cmd "$@")
	c=$(run_cmd "$@")
	printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -n -k1 | sed -n 2p
}
row() { # $1 label, $2 commits, rest: command
	local label=$1 n=$2
	shift 2
	read -r wall rss code <<<"$(median3 "$@")"
	echo "| $label | $n | $wall | $(awk -v c="$wall" -v n="$n" 'BEGIN {printf "%.2f", c/n}') | $rss | $code |"
}

echo "History of $commits commits made with the installed hooks on examples/demo ($entries changelog entries; $made); load $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after (medians of 3; ROOT is the first commit, Cn the n-th hook-made one):"
echo
echo "| command | commits | wall ms | ms per commit | peak RSS MB | exit |"
echo "|---|---:|---:|---:|---:|---:|"
for n in $verify_points; do
	[ "$n" -le "$commits" ] || continue
	tip=$(git rev-list --reverse HEAD | sed -n "$((n + 1))p")
	row "\`changelog verify --range ROOT..C$n\`" "$n" git-audit changelog verify --range "$base..$tip"
done
for n in $check_points; do
	[ "$n" -le "$commits" ] || continue
	tip=$(git rev-list --reverse HEAD | sed -n "$((n + 1))p")
	row "\`check --range ROOT..C$n\`" "$n" git-audit check --range "$base..$tip"
done
