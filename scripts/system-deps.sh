#!/usr/bin/env bash
# System packages karez needs: ICU headers (PyICU, for FollowTheMoney), a CJK font for
# charts and PDFs that draw Chinese text, Chromium for browser tests, Java for Spark.
# Installed here, by the project, never assumed. Skips what is already present.
set -euo pipefail

need=()
dpkg -s libicu-dev >/dev/null 2>&1 || need+=(libicu-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need+=(pkg-config)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s chromium >/dev/null 2>&1 || need+=(chromium)
command -v python3.11 >/dev/null 2>&1 || need+=(python3.11 python3.11-venv python3.11-dev)

if ((${#need[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        SUDO=sudo
    else
        SUDO=
    fi
    echo "installing system packages: ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
