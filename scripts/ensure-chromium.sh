#!/usr/bin/env bash
# Make sure Debian's headless Chromium and its WebDriver are installed, for the
# browser tests (pytest -m browser) and `make screenshot`. Idempotent: does
# nothing when both binaries are already there. Needs root (CI runs as root).
set -euo pipefail

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    SUDO=sudo
else
    SUDO=
fi

echo "ensure-chromium: installing chromium and chromium-driver from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core

/usr/bin/chromium --version >&2
/usr/bin/chromedriver --version >&2
