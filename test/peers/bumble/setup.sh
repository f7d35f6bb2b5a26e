#!/usr/bin/env bash
# Makes the Python environment the emulated BLE venue runs in (test/peers/bumble/venue.py):
# a venv at var/bumble-venv with Bumble's dependencies from the vendored wheels, offline
# (the Python package registry is not reachable from these machines). Bumble itself is used
# from its source folder through PYTHONPATH. Idempotent; prints nothing when already done.
# Args: BUMBLE_DIR (default ../shared/vendor/bumble), VENV (default var/bumble-venv).
set -euo pipefail
cd "$(dirname "$0")/../../.."
bumble=${1:-${CODANCE_BUMBLE:-../shared/vendor/bumble}}
venv=${2:-var/bumble-venv}
[ -d "$bumble/bumble" ] || { echo "bumble: vendored source not found at $bumble (set CODANCE_BUMBLE)" >&2; exit 1; }
stamp="$venv/.codance-ready"
[ -f "$stamp" ] && exit 0
rm -rf "$venv"
python3 -m venv "$venv" || { apt-get install -y -qq --no-install-recommends python3-venv >/dev/null && python3 -m venv "$venv"; }
"$venv/bin/pip" install -q --no-index --find-links "$bumble/wheels" \
  aiohttp click cryptography humanize platformdirs prompt_toolkit prettytable pyee websockets pyserial
# Bumble imports cleanly: a missing wheel fails here, not in the middle of a test.
PYTHONPATH="$bumble" "$venv/bin/python" -c 'import bumble.controller, bumble.device, bumble.transport'
touch "$stamp"
echo "bumble: venv ready at $venv"
