#!/usr/bin/env bash
# Proves git-audit's .pre-commit-hooks.yaml with the real pre-commit framework and with prek:
# for each one it makes a scratch repository whose .pre-commit-config.yaml points at this
# checkout (repo: <this checkout>, rev: <its HEAD commit>), installs the framework's hooks, and
# shows a bad commit blocked, a good one passing, a bad push blocked and a good one passing. It
# then chains the framework's hook with `git audit install`, shows both still gate commits,
# and shows `git audit uninstall` puts the framework's hook back byte for byte.
#
# Usage: scripts/prove-pre-commit.sh [--rust] [--keep]
#   --rust   also prove the `language: rust` hook (the framework runs `cargo install` of this
#            checkout: a release build that needs crates.io or a warm cargo cache; minutes)
#   --keep   keep the scratch folder and print where it is
# Environment:
#   GIT_AUDIT_BIN    a git-audit binary to use (default: `cargo build --locked` of this checkout)
#   PROVE_FRAMEWORKS which frameworks to try (default: "pre-commit prek")
#
# Exits 0 with "skipped: …" when neither framework is installed (pip install pre-commit prek),
# 0 when every step passed, 1 at the first step that did not do what it should.
# The framework sees this checkout's HEAD commit: commit .pre-commit-hooks.yaml before running.
set -euo pipefail

root="$(cd "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
with_rust=0
keep=0
for arg in "$@"; do
	case "$arg" in
	--rust) with_rust=1 ;;
	--keep) keep=1 ;;
	-h | --help)
		sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "prove-pre-commit: unknown argument $arg (try --help)" >&2
		exit 2
		;;
	esac
done

frameworks=()
for fw in ${PROVE_FRAMEWORKS:-pre-commit prek}; do
	if command -v "$fw" >/dev/null 2>&1; then
		frameworks+=("$fw")
	else
		echo "skipped: $fw is not installed (pip install $fw)"
	fi
done
if [ "${#frameworks[@]}" -eq 0 ]; then
	echo "skipped: neither pre-commit nor prek is installed; nothing to prove"
	exit 0
fi

# Hermetic git: no user or system configuration, fixed identities and dates. HOME is kept so
# the Rust toolchain and the frameworks' own installations still resolve; the frameworks'
# caches go to the scratch folder.
for var in GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_COMMON_DIR \
	GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_CEILING_DIRECTORIES GIT_PREFIX GIT_NAMESPACE \
	GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT PRE_COMMIT PRE_COMMIT_FROM_REF PRE_COMMIT_TO_REF \
	PRE_COMMIT_LOCAL_BRANCH SKIP NO_COLOR; do
	unset "$var"
done
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Ada Author" GIT_AUTHOR_EMAIL=ada@example.com
export GIT_COMMITTER_NAME="Cy Committer" GIT_COMMITTER_EMAIL=cy@example.com
export GIT_AUTHOR_DATE="2026-01-02T03:04:05+00:00" GIT_COMMITTER_DATE="2026-01-02T03:04:05+00:00"
export LC_ALL=C TERM=dumb PRE_COMMIT_COLOR=never PREK_COLOR=never

scratch="$(mktemp -d "${TMPDIR:-/tmp}/prove-pre-commit.XXXXXX")"
if [ "$keep" -eq 1 ]; then
	echo "scratch folder: $scratch"
else
	trap 'rm -rf "$scratch"' EXIT
fi
export PRE_COMMIT_HOME="$scratch/pre-commit-cache" PREK_HOME="$scratch/prek-cache"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# The git-audit on PATH for the system hooks and for `git audit install`.
if [ -n "${GIT_AUDIT_BIN:-}" ]; then
	bin="$GIT_AUDIT_BIN"
else
	echo "building git-audit (cargo build --locked) ..."
	(cd "$root" && cargo build --locked --quiet --bin git-audit) || fail "cargo build failed"
	bin="$(cd "$root" && cargo metadata --format-version 1 --no-deps |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/git-audit"
fi
[ -x "$bin" ] || fail "no git-audit binary at $bin"
mkdir -p "$scratch/bin"
ln -s "$bin" "$scratch/bin/git-audit"
export PATH="$scratch/bin:$PATH"

rev="$(git -C "$root" rev-parse HEAD)"
git -C "$root" cat-file -e "$rev:.pre-commit-hooks.yaml" 2>/dev/null ||
	fail ".pre-commit-hooks.yaml is not in $root's HEAD commit ($rev): commit it first (the framework clones that commit)"
if ! git -C "$root" diff --quiet HEAD -- .pre-commit-hooks.yaml; then
	echo "note: .pre-commit-hooks.yaml has uncommitted changes; the framework uses the committed one"
fi
echo "hooks from: $root @ $rev"

# A governed sequence file (git-audit's built-in defaults govern **/json-sequences/**/*.json).
good='{"id": "seq", "name": "Sequence", "movements": []}'
bad='{"id": "seq",'

step() { printf '  %-62s ' "$1"; }
log_of() { echo "$scratch/logs/$1.log"; }
mkdir -p "$scratch/logs"
n=0
# expect ok|blocked DESCRIPTION PATTERN-IN-OUTPUT -- COMMAND…
expect() {
	local want="$1" what="$2" pattern="$3"
	shift 4
	n=$((n + 1))
	local log
	log="$(log_of "$n")"
	step "$what"
	local status=0
	"$@" >"$log" 2>&1 || status=$?
	if [ "$want" = ok ] && [ "$status" -ne 0 ]; then
		echo "FAILED (exit $status)"
		sed 's/^/    | /' "$log" >&2
		fail "$what: expected success"
	fi
	if [ "$want" = blocked ] && [ "$status" -eq 0 ]; then
		echo "FAILED (it went through)"
		sed 's/^/    | /' "$log" >&2
		fail "$what: expected it to be blocked"
	fi
	if [ -n "$pattern" ] && ! grep -q -- "$pattern" "$log"; then
		echo "FAILED (output lacks \"$pattern\")"
		sed 's/^/    | /' "$log" >&2
		fail "$what: expected \"$pattern\" in the output"
	fi
	if [ "$want" = ok ]; then echo "ok"; else echo "blocked, as it should be (exit $status)"; fi
}

prove() {
	local fw="$1" commit_hook="$2" push_hook="$3" changelog_hook="$4"
	local dir="$scratch/$fw-$commit_hook"
	echo "== $fw: hooks $commit_hook + $changelog_hook + $push_hook"
	git init -q -b main "$dir"
	git init -q --bare -b main "$dir.remote.git"
	cd "$dir"
	git remote add origin "$dir.remote.git"
	cat >.pre-commit-config.yaml <<-EOF
		repos:
		  - repo: $root
		    rev: $rev
		    hooks:
		      - id: $commit_hook
		      - id: $changelog_hook
		      - id: $push_hook
	EOF
	echo "scratch" >README
	git add -A
	git commit -q --no-verify -m "framework configuration"
	git push -q --no-verify origin main

	expect ok "$fw install (pre-commit + pre-push shims)" "" -- \
		"$fw" install --hook-type pre-commit --hook-type pre-push
	if [ ! -x .git/hooks/pre-commit ] || [ ! -x .git/hooks/pre-push ]; then
		fail "$fw did not write its hooks"
	fi

	mkdir -p json-sequences
	printf '%s\n' "$good" >json-sequences/seq.json
	git add json-sequences
	expect ok "good commit passes" "" -- git commit -q -m "good sequence"
	expect ok "its changelog entry is in the same commit" "EVOLUTION.md" -- \
		git show --stat --format= HEAD
	[ -z "$(git status --porcelain)" ] || fail "the working tree is not clean after the commit"

	printf '%s\n' "$bad" >json-sequences/seq.json
	git add json-sequences
	expect blocked "bad commit is blocked" "json-sequences/seq.json" -- git commit -q -m "bad sequence"
	git diff --cached --quiet -- EVOLUTION.md ||
		fail "the blocked commit left a changelog entry staged"
	git checkout -q HEAD -- json-sequences

	expect ok "good push passes" "" -- git push -q origin main

	git switch -q -c topic
	printf '%s\n' "$bad" >json-sequences/seq.json
	git commit -q --no-verify -am "bad sequence, committed with --no-verify"
	expect blocked "push of a bad commit (new branch) is blocked" "json-sequences/seq.json" -- \
		git push -q origin topic
	git switch -q main
	git branch -q -D topic

	# git-audit's own hooks chain the framework's: both run, and uninstall puts it back.
	cp -p .git/hooks/pre-commit "$scratch/$fw-hook.orig"
	expect ok "git audit install chains $fw's pre-commit hook" "kept as" -- git audit install
	printf '%s\n' "$bad" >json-sequences/seq.json
	git add json-sequences
	expect blocked "bad commit is blocked through the chain" "json-sequences/seq.json" -- \
		git commit -q -m "bad sequence"
	printf '%s\n' "${good%\}}, \"note\": \"v2\"}" >json-sequences/seq.json
	git add json-sequences
	expect ok "good commit passes through the chain" "" -- git commit -q -m "good sequence v2"
	expect ok "git audit uninstall restores $fw's hook" "put back" -- git audit uninstall
	cmp -s .git/hooks/pre-commit "$scratch/$fw-hook.orig" ||
		fail "$fw's pre-commit hook is not byte-identical after uninstall"
	[ "$(stat -c %a .git/hooks/pre-commit)" = "$(stat -c %a "$scratch/$fw-hook.orig")" ] ||
		fail "$fw's pre-commit hook lost its mode"
	echo "  $fw's hook is back, byte-identical, same mode"
	cd "$root"
}

for fw in "${frameworks[@]}"; do
	prove "$fw" git-audit-system git-audit-pre-push-system git-audit-changelog-system
	if [ "$with_rust" -eq 1 ]; then
		prove "$fw" git-audit git-audit-pre-push git-audit-changelog
	fi
done
echo "all steps passed (${frameworks[*]})"
