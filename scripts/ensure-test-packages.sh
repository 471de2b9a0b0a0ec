#!/usr/bin/env bash
# The system packages `make test` needs beyond Python and MariaDB: PHP (cli + mysqli) and PHPUnit
# for the shim's unit tests, Debian's WordPress for the end-to-end tests, Chromium for the browser
# tests, npm to fetch DataTables for the shim's zip, nginx, openssl and systemd-analyze for the
# tests of deploy/ (the shipped nginx site with TLS in front of a served bridge, the unit verified).
# Installed with apt-get when run as root (as on CI); otherwise this says what to install.
# WPBRIDGE_SKIP_E2E=1 lets the rest of the suite run without them (those tests are then skipped,
# and say so).
set -euo pipefail

missing=()
if command -v php >/dev/null 2>&1; then
    php -r 'exit(extension_loaded("mysqli") ? 0 : 1);' >/dev/null 2>&1 || missing+=(php-mysql)
else
    missing+=(php-cli php-mysql)
fi
command -v phpunit >/dev/null 2>&1 || missing+=(phpunit)
[ -f /usr/share/wordpress/wp-settings.php ] || missing+=(wordpress wordpress-theme-twentytwentythree)
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "make test: missing system packages: ${missing[*]}" >&2
    echo "  install them with:  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "  (or run make test as root, which installs them; CI does)" >&2
    if [ "${WPBRIDGE_SKIP_E2E:-}" = "1" ]; then
        echo "  WPBRIDGE_SKIP_E2E=1: the PHP, end-to-end, browser and deploy/ tests will be skipped" >&2
        exit 0
    fi
    echo "  or set WPBRIDGE_SKIP_E2E=1 to skip the PHP, end-to-end, browser and deploy/ tests" >&2
    exit 1
fi

echo "make test: installing ${missing[*]} (apt-get; services are not started)" >&2
# Installing wordpress pulls apache2 (and nginx is a service too), whose maintainer scripts would
# start it: a policy-rc.d that answers 101 ("action forbidden") keeps every service down for the
# length of this install.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
