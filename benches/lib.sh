# Shared by benches/commit-latency.sh and benches/real-size.sh (sourced, not run): a hermetic
# scratch directory, a timed `git commit` with and without hooks, and median/p90.

# bench_scratch BIN: a temporary directory (removed on exit) as HOME, a hermetic git with fixed
# identities and dates, and BIN's directory first on PATH. Sets `scratch`.
bench_scratch() {
	scratch="$(mktemp -d)" # never inside the repository
	trap 'rm -rf "$scratch"' EXIT
	export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null HOME="$scratch"
	export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
	export GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
	export PATH="$(dirname "$1"):$PATH"
	unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
}

now() { date +%s%N; }

# timed_commit MODE MESSAGE: commits what is staged, MODE "hooks" (the installed hooks) or
# "none" (no hook at all, not even post-commit, which --no-verify would still run); prints the
# wall time in microseconds, or stops the benchmark with git's output if the commit fails.
timed_commit() {
	local t0 t1 hooks=()
	[ "$1" = none ] && hooks=(-c core.hooksPath=/nonexistent)
	t0=$(now)
	git "${hooks[@]}" commit -q -m "$2" >/dev/null 2>&1 || {
		echo "commit failed:" >&2
		git "${hooks[@]}" commit -m "$2" >&2
		exit 1
	}
	t1=$(now)
	echo $(((t1 - t0) / 1000))
}

# stats MICROSECONDS…: "median p90" in milliseconds.
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; p=a[int(NR*0.9+0.999)]; printf "%.1f %.1f", m/1000, p/1000}'; }
