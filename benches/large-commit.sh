#!/usr/bin/env bash
# A registry of DOMAINS domains, SEQUENCES of them with a sequence file, and one commit that
# changes every sequence file: wall time and peak RSS of the check, the hook and the diff.
# Shows that no step of a hook is superlinear in the size of the change or of the registry.
#
# Usage: benches/large-commit.sh [DOMAINS] [SEQUENCES]   (default 100000 10000)
# Needs: a release build (CARGO_TARGET_DIR is honoured, or GIT_AUDIT_BIN names the binary),
# git, python3 (to generate the files, outside the timed part), GNU time (/usr/bin/time).
# Uses the built-in configuration (orchestration-domains.json, json-sequences/**/*.json).
# Prints a Markdown table: wall seconds, peak RSS (GNU time) and exit code of each command.
set -euo pipefail
root="$(cd "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
domains="${1:-100000}"
sequences="${2:-10000}"
bin="${GIT_AUDIT_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/git-audit}"
[ -x "$bin" ] || { echo "build first: cargo build --release --locked (no $bin)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 2; }

. "$root/benches/lib.sh"
bench_scratch "$bin"

repo="$scratch/repo"
mkdir -p "$repo"
cd "$repo"
git init -q -b main
git config gc.auto 0
git config maintenance.auto false

generate() { # $1: the dynamics every beat gets
	python3 - "$domains" "$sequences" "$1" <<'EOF'
import json, os, sys
domains, sequences, dynamics = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
os.makedirs("json-sequences", exist_ok=True)
registry = {
    "id": "orchestration-domains-registry",
    "name": "Orchestration Domains Registry",
    "metadata": {"description": "generated", "version": "1.0.0"},
    "categories": [{"id": "plugin", "name": "Plugin Sequences"}],
    "domains": [],
}
for i in range(domains):
    d = {
        "id": f"domain-{i:06d}-symphony",
        "name": f"Domain {i}",
        "description": f"Generated domain number {i}.",
        "category": "plugin",
        "status": "active",
        "movements": 1,
        "beats": 2,
        "tempo": 120,
    }
    if i < sequences:
        d["sequenceFile"] = f"json-sequences/domain-{i:06d}.json"
    registry["domains"].append(d)
    if i < sequences:
        seq = {
            "id": d["id"],
            "name": d["name"],
            "movements": [{
                "id": "main",
                "name": "Main",
                "beats": [
                    {"beat": 1, "event": f"domain-{i}:start", "handler": "start", "dynamics": dynamics, "timing": "immediate"},
                    {"beat": 2, "event": f"domain-{i}:end", "handler": "end", "dynamics": dynamics, "timing": "immediate"},
                ],
            }],
        }
        with open(f"json-sequences/domain-{i:06d}.json", "w") as f:
            json.dump(seq, f, indent=2)
            f.write("\n")
with open("orchestration-domains.json", "w") as f:
    json.dump(registry, f, indent=2)
    f.write("\n")
EOF
}
generate mf
git add -A
git commit -q --no-verify -m "generated"
git-audit install >/dev/null
registry_mb=$(du -m orchestration-domains.json | cut -f1)
generate f
git add -A
changed=$(git diff --cached --name-only | wc -l)
cp "$(git rev-parse --git-dir)/index" "$scratch/index"

measure() { # label, command…: "| label | wall s | peak RSS MB | exit |", the index restored after
	local label=$1 out
	shift
	/usr/bin/time -o "$scratch/time" -f "%e %M %x" "$@" >/dev/null 2>&1 || true
	out=$(tail -n 1 "$scratch/time")
	cp "$scratch/index" "$(git rev-parse --git-dir)/index"
	rm -f EVOLUTION.md "$(git rev-parse --git-dir)/git-audit-verdict"
	read -r wall rss code <<<"$out"
	echo "| $label | $wall | $(awk -v k="$rss" 'BEGIN {printf "%.0f", k/1024}') | $code |"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "A registry of $domains domains (${registry_mb} MB), $sequences of them with a sequence file; one staged change to all $changed changed files (every sequence's beats); load $load_before before:"
echo
echo "| command | wall s | peak RSS MB | exit |"
echo "|---|---:|---:|---:|"
measure '`git-audit check --staged`' git-audit check --staged
measure '`git-audit hook pre-commit` (check + changelog entry)' git-audit hook pre-commit
measure '`git-audit diff --format json`' git-audit diff --format json
echo
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)."
