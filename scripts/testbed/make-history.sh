#!/usr/bin/env bash
# Writes the reference application's release history into a fresh bare repository, the "origin" the
# test bed's servers clone from. The result is the same on every run: the repository is recreated,
# and authors, committers and dates are fixed, so commit and tag ids are stable.
#
#   scripts/testbed/make-history.sh /srv/git/shop.git
#
# examples/fullstack is release v1.1.0; the other releases are that tree plus the overlays in
# examples/fullstack/.releases (see the README there). Refs written:
#   tags     v1.0.0, v1.1.0, v1.2.0-broken, v1.3.0-bad-migration (annotated)
#   branches main and staging, both at v1.1.0
set -euo pipefail

origin="${1:?usage: make-history.sh ORIGIN_BARE_REPO_PATH}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
example="$(cd "$here/../../examples/fullstack" && pwd)"
overlays="$example/.releases"

die() { echo "make-history: $*" >&2; exit 1; }

# Neither the caller's git configuration (signing, hooks, templates) nor the clock may leak in.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0 TZ=UTC
export GIT_AUTHOR_NAME='Shop Developer' GIT_AUTHOR_EMAIL='dev@shop.example'
export GIT_COMMITTER_NAME='Shop Release Bot' GIT_COMMITTER_EMAIL='release@shop.example'

if [ -e "$origin" ]; then
    # Only ever delete something that is recognisably a bare repository (or an empty folder).
    if [ -d "$origin" ] && [ -z "$(ls -A "$origin")" ]; then :
    elif [ -f "$origin/HEAD" ] && [ -d "$origin/objects" ] && [ -d "$origin/refs" ]; then :
    else die "$origin exists and is not a bare git repository; refusing to replace it"
    fi
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tree="$work/tree"
git init -q -b main "$tree"
git -C "$tree" config core.autocrlf false
git -C "$tree" config core.fileMode true

# materialise TAG: the work tree becomes exactly that release's files.
materialise() {
    local tag="$1" path
    find "$tree" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
    tar -C "$example" -cf - \
        --exclude=./.releases --exclude=./.env --exclude=node_modules --exclude=dist \
        --exclude=__pycache__ --exclude='*.pyc' . | tar -C "$tree" -xf -
    if [ -d "$overlays/$tag" ]; then
        tar -C "$overlays/$tag" -cf - . | tar -C "$tree" -xf -
    fi
    if [ -f "$overlays/$tag.remove" ]; then
        while IFS= read -r path; do
            [ -n "$path" ] || continue
            [ -e "$tree/$path" ] || die "$tag.remove lists $path, which is not in the tree"
            rm -rf "${tree:?}/$path"
        done < "$overlays/$tag.remove"
    fi
    printf '%s\n' "${tag#v}" > "$tree/VERSION"
}

# release TAG PARENT DATE SUBJECT [BODY]: commits TAG's tree on top of PARENT (a tag, or - for none).
release() {
    local tag="$1" parent="$2" date="$3" subject="$4" body="${5:-}"
    if [ "$parent" = - ]; then
        git -C "$tree" checkout -q --orphan main
    else
        git -C "$tree" checkout -q --detach "$parent"
    fi
    materialise "$tag"
    git -C "$tree" add -A
    GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
        git -C "$tree" commit -q --no-verify -m "$subject" ${body:+-m "$body"}
    GIT_COMMITTER_DATE="$date" git -C "$tree" tag -a "$tag" -m "Release ${tag#v}"
}

release v1.0.0 - '2024-01-15T10:00:00Z' \
    'Shop 1.0.0: items API and UI' \
    'FastAPI backend with an items table (migration 0001), Vue frontend behind nginx, PostgreSQL.'
release v1.1.0 v1.0.0 '2024-02-01T10:00:00Z' \
    'Shop 1.1.0: items get a description' \
    'Migration 0002 adds items.description (server default empty string); the UI shows and edits it.'
release v1.2.0-broken v1.1.0 '2024-03-01T10:00:00Z' \
    'Shop 1.2.0: health check covers the audit trail' \
    'The health check reads item_audit, a table no migration creates.'
release v1.3.0-bad-migration v1.1.0 '2024-03-15T10:00:00Z' \
    'Shop 1.3.0: items get a category' \
    'Migration 0003 adds items.category_id referencing categories, a table that does not exist.'

git -C "$tree" branch -f main v1.1.0
git -C "$tree" branch -f staging v1.1.0

rm -rf "$origin"
mkdir -p "$(dirname "$origin")"
git init -q --bare -b main "$origin"
git -C "$tree" push -q "$origin" main staging --tags
chmod -R a+rX "$origin"

for ref in main staging v1.0.0 v1.1.0 v1.2.0-broken v1.3.0-bad-migration; do
    printf '%-22s %s\n' "$ref" "$(git -C "$origin" log -1 --format='%h %s' "$ref^{commit}")"
done
