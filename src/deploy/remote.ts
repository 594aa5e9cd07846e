/**
 * What runs on the board, as one POSIX sh script fed to `ssh … sh -s -- ACTION BASE ARGS`.
 * Every step that visitors could notice is a rename: an upload lands in releases/.incoming-<id>,
 * becomes releases/<id> only when complete, and `current` is replaced by renaming a new symlink
 * over it. Only directories named like a release are ever deleted; api/ never is.
 */

/** Release ids sort by time: 20261123T190000.123Z. */
export function releaseId(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '');
}

export const RELEASE_PATTERN = /^\d{8}T\d{6}(\.\d+)?Z$/;

export const remoteScript = String.raw`
set -eu
export LC_ALL=C
fail() { printf 'solarpress-remote: %s\n' "$*" >&2; exit 3; }
action=$1 base=$2
shift 2
releases=$base/releases

is_release() {
  case $1 in
    [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]*Z) return 0 ;;
    *) return 1 ;;
  esac
}
# Complete releases, oldest first (globs sort in the C locale).
list_releases() {
  for r in "$releases"/*; do
    r=${'$'}{r##*/}
    if is_release "$r" && [ -d "$releases/$r" ] && [ ! -L "$releases/$r" ]; then printf '%s\n' "$r"; fi
  done
}
current_release() {
  if [ -L "$base/current" ]; then
    t=$(readlink "$base/current")
    t=${'$'}{t%/}
    printf '%s' "${'$'}{t##*/}"
  fi
}
check_current() {
  if [ -e "$base/current" ] && [ ! -L "$base/current" ]; then
    fail "$base/current is a real directory or file, not a symlink: move it away and deploy again"
  fi
}
switch_to() {
  rm -f "$base/current.tmp"
  ln -s "releases/$1" "$base/current.tmp"
  mv -T "$base/current.tmp" "$base/current"
}

case $action in
  inspect)
    printf 'current=%s\n' "$(current_release)"
    ;;
  prepare)
    id=$1
    check_current
    command -v rsync >/dev/null 2>&1 || fail "rsync is not installed on the board: apt-get install rsync"
    mkdir -p "$releases" "$base/api" 2>/dev/null || fail "cannot create $releases: can $(id -un) write to $base?"
    [ -w "$releases" ] || fail "$(id -un) cannot write to $releases"
    # Leftovers of deploys that were interrupted (this one holds the deploy lock): never live, safe to drop.
    for d in "$releases"/.incoming-*; do
      if [ -e "$d" ]; then rm -rf "$d"; printf 'stale=%s\n' "${'$'}{d##*/}"; fi
    done
    [ ! -e "$releases/$id" ] || fail "release $id exists already"
    cur=$(current_release)
    # A live release deleted by hand is no base for hard links.
    if [ -n "$cur" ] && [ ! -d "$releases/$cur" ]; then cur=; fi
    printf 'current=%s\n' "$cur"
    ;;
  finish)
    id=$1 keep=$2
    incoming=$releases/.incoming-$id
    [ -d "$incoming" ] || fail "the upload $incoming is missing"
    rm -rf "$incoming/api"
    ln -s ../../api "$incoming/api"
    mv "$incoming" "$releases/$id"
    check_current
    # Power can fail on a solar board: have the release on the card before it goes live.
    sync
    switch_to "$id"
    printf 'live=%s\n' "$id"
    cur=$id
    count=$(list_releases | wc -l)
    excess=$((count - keep))
    if [ "$excess" -gt 0 ]; then
      list_releases | head -n "$excess" | while IFS= read -r r; do
        if [ "$r" != "$cur" ]; then rm -rf "$releases/$r"; printf 'pruned=%s\n' "$r"; fi
      done
    fi
    ;;
  rollback)
    dry=$1
    cur=$(current_release)
    [ -n "$cur" ] || fail "nothing is live at $base/current yet: deploy first"
    prev= found=
    for r in $(list_releases); do
      if [ "$r" = "$cur" ]; then found=1; break; fi
      prev=$r
    done
    [ -n "$found" ] || fail "the live release $cur is not in $releases"
    [ -n "$prev" ] || fail "no release older than $cur to roll back to"
    check_current
    if [ "$dry" = 0 ]; then switch_to "$prev"; fi
    printf 'from=%s\nto=%s\n' "$cur" "$prev"
    ;;
  *)
    fail "unknown action $action"
    ;;
esac
`;

/** key=value lines the remote script prints, as a map of lists. */
export function parseRemoteOutput(stdout: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const m = /^([a-z]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    values.set(m[1], [...(values.get(m[1]) ?? []), m[2]]);
  }
  return values;
}
