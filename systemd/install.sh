#!/usr/bin/env bash
# Puts the box into service from this checkout, upgrades it, or takes it out of service.
#
#   systemd/install.sh install   [--root DIR] [--dry-run] [--skip-build] [--start]
#   systemd/install.sh upgrade   [--ref REF] [--dry-run]
#   systemd/install.sh uninstall [--root DIR] [--dry-run] [--purge | --keep-data] [--yes]
#
# install   checks Node and npm, builds (npm ci, prune), installs the systemd user, directories,
#           udev rules and unit, and the configuration (never overwriting one that exists), then
#           verifies the unit. With --root it writes into DIR (a scratch root: systemd-sysusers and
#           systemd-tmpfiles --root) and starts nothing; otherwise it reloads systemd and udev and,
#           with --start or an existing configuration, enables and starts the daemon.
# upgrade   backs the store up, moves the checkout to REF (default: the upstream of this branch),
#           builds, stops the daemon, migrates the store, starts it and waits for /health; if any
#           step fails it puts the old code and the backed-up store back and starts that.
# uninstall stops and disables the daemon and removes the unit, udev rules and systemd files;
#           the store and configuration stay unless --purge (asked when neither flag is given).
# --dry-run prints every step and changes nothing.
set -euo pipefail

ACTION="${1:-}"
[ $# -gt 0 ] && shift
ROOT=""
DRY=0
SKIP_BUILD=0
START=0
PURGE=""
YES=0
REF=""
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="${2:?--root needs a directory}"; shift 2 ;;
    --dry-run) DRY=1; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --start) START=1; shift ;;
    --purge) PURGE=yes; shift ;;
    --keep-data) PURGE=no; shift ;;
    --yes) YES=1; shift ;;
    --ref) REF="${2:?--ref needs a git ref}"; shift 2 ;;
    *) echo "install.sh: unknown option $1 (see the comment at the top of systemd/install.sh)" >&2; exit 2 ;;
  esac
done

SRC="$(cd "$(dirname "$0")/.." && pwd)"
UNIT=/etc/systemd/system/codance.service
CONFIG=/etc/codance/codance.yaml
STATE=/var/lib/codance
STORE="$STATE/codance.db"
NODE_MIN="20.19.0"
NPM_MIN="11.16.0"

say() { echo "install.sh: $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }
# Runs a step, or only prints it with --dry-run.
run() {
  echo "+ $*"
  [ "$DRY" = 1 ] || "$@"
}
# A path inside the target root.
at() { echo "${ROOT}$1"; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
live() { [ -z "$ROOT" ]; }
codance() { runuser -u codance -- node "$SRC/dist/daemon/cli/main.js" "$@"; }

check_tools() {
  command -v node >/dev/null || die "node is not installed: Node $NODE_MIN or newer is needed (README: Install)"
  local nv; nv="$(node --version | tr -d v)"
  version_ge "$nv" "$NODE_MIN" || die "node $nv is too old: $NODE_MIN or newer is needed (Debian's nodejs is 18; README: Install)"
  local pv; pv="$(npm --version)"
  version_ge "$pv" "$NPM_MIN" || die "npm $pv is too old: $NPM_MIN or newer is needed (npm install -g npm@11; README: Install)"
  command -v systemd-sysusers >/dev/null || die "systemd-sysusers is missing (apt-get install systemd)"
  command -v ffmpeg >/dev/null || say "warning: ffmpeg is missing (apt-get install ffmpeg): songs cannot be analysed"
  say "node $nv, npm $pv"
}

build() {
  if [ "$SKIP_BUILD" = 1 ]; then say "skipping the build (--skip-build)"; return; fi
  (cd "$SRC" && run npm ci && run npm prune --omit=dev)
}

install_files() {
  run install -D -m 0644 "$SRC/systemd/codance.sysusers" "$(at /usr/lib/sysusers.d/codance.conf)"
  run install -D -m 0644 "$SRC/systemd/codance.tmpfiles" "$(at /usr/lib/tmpfiles.d/codance.conf)"
  run install -D -m 0644 "$SRC/systemd/99-codance-serial.rules" "$(at /etc/udev/rules.d/99-codance-serial.rules)"
  # The unit names /opt/codance: a checkout elsewhere gets its own path written in.
  if [ "$DRY" = 1 ]; then
    echo "+ install the unit at $(at "$UNIT") (ExecStart from $SRC)"
  else
    install -d "$(dirname "$(at "$UNIT")")"
    sed "s#/opt/codance/#$SRC/#g" "$SRC/systemd/codance.service" >"$(at "$UNIT")"
    chmod 0644 "$(at "$UNIT")"
  fi
  run systemd-sysusers ${ROOT:+--root="$ROOT"}
  run systemd-tmpfiles ${ROOT:+--root="$ROOT"} --create
  if [ -e "$(at "$CONFIG")" ]; then
    say "keeping the configuration at $(at "$CONFIG")"
  else
    run install -m 0640 "$SRC/config/examples/venue.yaml" "$(at "$CONFIG")"
    if [ "$DRY" = 0 ]; then
      # The group by name inside the root: chown reads the host's /etc/group.
      local gid; gid="$(awk -F: '$1=="codance"{print $3}' "$(at /etc/group)")"
      chown "root:$gid" "$(at "$CONFIG")"
    fi
    NEW_CONFIG=1
  fi
}

verify_unit() {
  [ "$DRY" = 1 ] && { echo "+ systemd-analyze verify $(at "$UNIT")"; return; }
  local out; out="$(systemd-analyze verify "$(at "$UNIT")" 2>&1 || true)"
  [ -z "$out" ] || die "systemd-analyze verify complained about the unit: $out"
  say "unit verified: $(at "$UNIT")"
}

health() {
  for _ in $(seq 1 60); do
    curl -fsS -m 2 http://127.0.0.1:8080/health >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}

do_install() {
  NEW_CONFIG=0
  check_tools
  build
  install_files
  verify_unit
  if ! live; then
    say "installed into $ROOT (a scratch root: nothing started)"
    return
  fi
  run systemctl daemon-reload
  run udevadm control --reload
  if [ "$NEW_CONFIG" = 1 ] && [ "$START" = 0 ]; then
    say "edit $CONFIG (box.name, wearables, desks), then: codance config check $CONFIG && systemctl enable --now codance"
    return
  fi
  run systemctl enable --now codance
  [ "$DRY" = 1 ] || health || die "the daemon did not answer /health within 60 s: journalctl -u codance -n 50"
  [ "$DRY" = 1 ] || codance doctor --config "$CONFIG" || true
  say "in service: curl 127.0.0.1:8080/health, journalctl -u codance -f"
}

do_upgrade() {
  live || die "upgrade works on the live system only (no --root)"
  check_tools
  local old; old="$(git -C "$SRC" rev-parse HEAD)"
  local target="${REF:-@{upstream}}"
  local stamp; stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  local backup="$STATE/backups/pre-upgrade-$stamp.db"
  run install -d -o codance -g codance -m 0750 "$STATE/backups"
  [ -e "$STORE" ] && run codance db backup "$backup" --config "$CONFIG"
  rollback() {
    say "upgrade failed: putting $old and the store from before back"
    run systemctl stop codance || true
    run git -C "$SRC" checkout --quiet "$old"
    (cd "$SRC" && run npm ci && run npm prune --omit=dev) || true
    [ -e "$backup" ] && run codance db restore "$backup" --config "$CONFIG"
    run systemctl start codance
    die "rolled back to $old; the failed upgrade's log is above"
  }
  set -o errtrace
  trap rollback ERR
  run git -C "$SRC" fetch --quiet
  run git -C "$SRC" checkout --quiet --detach "$target"
  build
  run systemctl stop codance
  run codance db migrate --config "$CONFIG"
  install_files
  run systemctl daemon-reload
  run systemctl start codance
  [ "$DRY" = 1 ] || health
  trap - ERR
  say "upgraded $old -> $(git -C "$SRC" rev-parse HEAD); the store from before is at $backup"
}

do_uninstall() {
  if [ -z "$PURGE" ]; then
    if [ "$YES" = 1 ] || [ ! -t 0 ]; then
      PURGE=no
    else
      read -r -p "Remove the store ($(at "$STATE")) and configuration ($(at /etc/codance)) too? [y/N] " a
      case "$a" in y | Y | yes) PURGE=yes ;; *) PURGE=no ;; esac
    fi
  fi
  if live; then
    run systemctl disable --now codance || true
  fi
  run rm -f "$(at "$UNIT")" "$(at /etc/udev/rules.d/99-codance-serial.rules)" \
    "$(at /usr/lib/sysusers.d/codance.conf)" "$(at /usr/lib/tmpfiles.d/codance.conf)"
  if live; then
    run systemctl daemon-reload
    run udevadm control --reload
  fi
  if [ "$PURGE" = yes ]; then
    run rm -rf "$(at "$STATE")" "$(at /etc/codance)"
    say "removed, with the store and configuration (the codance user stays: userdel codance)"
  else
    say "removed; kept the store ($(at "$STATE")) and configuration ($(at /etc/codance))"
  fi
}

case "$ACTION" in
  install) do_install ;;
  upgrade) do_upgrade ;;
  uninstall) do_uninstall ;;
  *) echo "usage: systemd/install.sh install|upgrade|uninstall [options] (see the comment at the top)" >&2; exit 2 ;;
esac
