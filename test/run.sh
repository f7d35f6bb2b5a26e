#!/usr/bin/env bash
# `npm test`: install the peers the tests need, then type-check (tests included), lint,
# build the runnable JS the process tests spawn, and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# command:package pairs of the real peers the suite talks to
bash test/peers/install.sh \
  systemd-analyze:systemd \
  socat:socat \
  oscdump:liblo-tools \
  pd:puredata-core \
  olad:ola \
  avahi-daemon:avahi-daemon \
  avahi-browse:avahi-utils \
  dbus-daemon:dbus \
  ffmpeg:ffmpeg \
  ip:iproute2 \
  mosquitto:mosquitto \
  pg_ctlcluster:postgresql \
  haproxy:haproxy \
  pgbouncer:pgbouncer \
  chromium:chromium

# the emulated BLE venue (Bumble): a venv from the vendored wheels, offline
bash test/peers/bumble/setup.sh

# drawtext (the practice video's move names and counts) needs this font; Debian's ffmpeg usually brings it
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || { apt-get install -y -qq --no-install-recommends fonts-dejavu-core >/dev/null; }

echo "== type-check"; npx tsc -p tsconfig.json && npx tsc -p daemon/console/web && npx tsc -p sync/cloud/web
echo "== lint";       npx eslint .
echo "== format";     npx prettier --check . --log-level warn
echo "== build";      npm run build --silent
echo "== tests"
mkdir -p var
rc=0
npx vitest run --reporter=default --reporter=json --outputFile.json=var/vitest-report.json || rc=$?
# One plain closing line, whatever the reporter's colours: "N passed, N failed[, N skipped]".
node -e '
  const r = JSON.parse(require("fs").readFileSync("var/vitest-report.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit "$rc"
