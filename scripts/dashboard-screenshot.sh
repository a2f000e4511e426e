#!/usr/bin/env bash
# Renders the HTML dashboard of a tree and screenshots it with headless Chromium, to look at
# what a person sees. Not run in CI.
#
# It copies TREE into a scratch git repository, writes an audit.toml that turns every
# capability on ([docs] generated docs, [bdd], [handlers], [timing],
# [dashboard] repository-url), ingests the tree's log-analysis timing reports into a committed
# baseline, records the changelog entry (as the pre-commit hook would) and commits everything
# as one commit, then runs
#   git audit dashboard --format html --junit <JUnit reports> --timings <log-analysis reports>
# and `chromium --headless --screenshot` on the page.
#
# Usage: scripts/dashboard-screenshot.sh [TREE] [OUT.png]
#   TREE     default: $AUDIT_CORPUS/renderx-2025-11-29
#   OUT.png  default: ./dashboard.png (the HTML is written beside it, OUT.html)
# Environment:
#   GIT_AUDIT_BIN  a git-audit binary to use (default: `cargo build --locked` of this checkout)
#   CHROMIUM       the browser (default: chromium, else chromium-browser, else google-chrome)
#   WINDOW         the window size (default: 1280,2400)
set -euo pipefail

root="$(cd "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-}" in
-h | --help)
	sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit 0
	;;
esac
tree="${1:-${AUDIT_CORPUS:-}/renderx-2025-11-29}"
out="${2:-dashboard.png}"
if [ ! -d "$tree" ]; then
	echo "error: no tree at $tree (pass TREE, or set AUDIT_CORPUS)" >&2
	exit 2
fi
tree="$(cd "$tree" && pwd)"
out="$(cd "$(dirname -- "$out")" && pwd)/$(basename -- "$out")"
html="${out%.png}.html"

browser="${CHROMIUM:-}"
if [ -z "$browser" ]; then
	for b in chromium chromium-browser google-chrome; do
		if command -v "$b" >/dev/null 2>&1; then
			browser="$b"
			break
		fi
	done
fi
if [ -z "$browser" ]; then
	echo "error: no Chromium found (Debian: apt-get install -y chromium; or set CHROMIUM)" >&2
	exit 2
fi

bin="${GIT_AUDIT_BIN:-}"
if [ -z "$bin" ]; then
	(cd "$root" && cargo build --locked --quiet)
	bin="${CARGO_TARGET_DIR:-$root/target}/debug/git-audit"
fi

scratch="$(mktemp -d)"
profile="$(mktemp -d)"
trap 'rm -rf "$scratch" "$profile"' EXIT
repo="$scratch/repo"
mkdir -p "$repo"
cp -R "$tree/." "$repo/"
cd "$repo"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null
export GIT_AUTHOR_NAME=dashboard GIT_AUTHOR_EMAIL=dashboard@example.com
export GIT_COMMITTER_NAME=dashboard GIT_COMMITTER_EMAIL=dashboard@example.com
# The tree's own date: the dashboard's date comes from the commit, never the clock.
export GIT_AUTHOR_DATE="2025-11-29T12:00:00Z" GIT_COMMITTER_DATE="2025-11-29T12:00:00Z"
git init -q -b main
cat >audit.toml <<'EOF'
# Every capability on, for the dashboard screenshot.
[docs]
generated = ["docs/generated/*.md"]

[bdd]

[handlers]

[timing]

[dashboard]
# An example host: links show where each finding is; point it at the real repository.
repository-url = "https://git.example.com/renderx/blob/{commit}/{path}#L{line}"
EOF
git add -A
timings=()
while IFS= read -r f; do timings+=("$f"); done < <(find outputs -maxdepth 1 -name 'log-analysis-*.json' 2>/dev/null | LC_ALL=C sort)
junits=()
while IFS= read -r f; do junits+=("$f"); done < <(git ls-files '*test-results*.xml' '*junit*.xml' | LC_ALL=C sort)
if [ "${#timings[@]}" -gt 0 ]; then
	"$bin" timing ingest "${timings[@]}" >/dev/null
	"$bin" timing baseline --write --stage >/dev/null
fi
# The evolution-changelog entry, as the installed pre-commit hook would write it.
"$bin" changelog record --no-check >/dev/null
git commit -q --no-verify -m "$(basename -- "$tree")"

args=(dashboard --format html --output "$html")
for j in "${junits[@]}"; do args+=(--junit "$j"); done
if [ "${#timings[@]}" -gt 0 ]; then args+=(--timings "${timings[@]}"); fi
"$bin" "${args[@]}"
"$bin" dashboard --format markdown "${args[@]:5}" >"${out%.png}.md"

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$profile" --hide-scrollbars \
	--screenshot="$out" --window-size="${WINDOW:-1280,2400}" "file://$html" 2>/dev/null
echo "screenshot: $out"
echo "page:       $html"
echo "markdown:   ${out%.png}.md"
