# Shared by benches/commit-latency.sh, benches/real-size.sh and benches/families.sh (sourced,
# not run): a hermetic scratch directory, a timed `git commit` with and without hooks,
# median/p90, and the real-size repository, configuration and sequence change.

# bench_scratch BIN: a temporary directory (removed on exit) as HOME, a hermetic git with fixed
# identities and dates, and BIN's directory first on PATH. Sets `scratch`. With BENCH_KEEP=1 the
# directory is kept (its path printed to stderr), to profile its repository by hand afterwards.
bench_scratch() {
	scratch="$(mktemp -d)" # never inside the repository
	if [ "${BENCH_KEEP:-}" = 1 ]; then
		echo "scratch directory (kept): $scratch" >&2
	else
		trap 'rm -rf "$scratch"' EXIT
	fi
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

# The real-size scripts (benches/real-size.sh, benches/families.sh) share what follows.

# real_size_repo SOURCE: SOURCE (a tarball, or a directory to copy) as a fresh git repository
# at "$scratch/repo" (nothing committed yet), and cd into it. Sets `repo`.
real_size_repo() {
	repo="$scratch/repo"
	mkdir -p "$repo"
	if [ -d "$1" ]; then
		cp -r "$1/." "$repo"
	else
		tar -xzf "$1" -C "$repo"
	fi
	chmod -R u+w "$repo"
	cd "$repo"
	rm -rf .git
	git init -q -b main
	git config gc.auto 0
	git config maintenance.auto false
}

# real_size_config: the audit.toml the real-size benchmarks govern the renderx tree with (its
# registry, sequence folders, plan and schema).
real_size_config() {
	cat <<'EOF'
[[plan]]
path = "orchestration-audit-system-project-plan.json"
ids = "/domainSequences/*/id"

[[artifact]]
path = "orchestration-domains.json"
kind = "registry"

[[artifact]]
path = "{packages/*/json-sequences/**/*.json,packages/orchestration/json-sequences/**/*.json,catalog/json-sequences/**/*.json}"
kind = "sequence"
ignore = ["**/index.json", "**/package.json", "**/tsconfig.json"]
schema = "docs/schemas/musical-sequence.schema.json"
EOF
}

# first_sequence: the first governed plugin sequence file the index lists.
first_sequence() {
	# `sed -n 1p` reads all its input: `head -n 1` would close the pipe early, and under
	# `set -o pipefail` the writer's SIGPIPE silently stopped the whole benchmark at times.
	git ls-files 'packages/*/json-sequences/*' | grep -v -E '/(index|package|tsconfig)\.json$' | grep '\.json$' | sed -n 1p
}

# flip FILE: a structural change to one sequence (its first beat's `dynamics`, else its
# `name`), staged; flipping twice restores it.
flip() {
	python3 - "$1" <<'EOF'
import json, sys
path = sys.argv[1]
doc = json.load(open(path))
def first_beat(d):
    for m in d.get("movements", []):
        for b in m.get("beats", []):
            return b
beat = first_beat(doc)
target, key = (beat, "dynamics") if beat is not None else (doc, "name")
value = target.get(key, "")
target[key] = value[:-1] if isinstance(value, str) and value.endswith("!") else f"{value}!"
open(path, "w").write(json.dumps(doc, indent=2) + "\n")
EOF
	git add "$1"
}
