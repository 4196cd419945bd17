#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh machine of ours, idempotently:
# each step is skipped when its tool is already there at the right version.
# Usage: scripts/setup.sh [rust] [node] [browser] [minisign] [bench]
# (no argument: all but bench, the SQL engines only make bench compares with)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

want=("$@")
[ ${#want[@]} -eq 0 ] && want=(rust node browser minisign)
has() { local w; for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
say() { echo "setup: $*"; }

# The exact wasm-bindgen version pinned in Cargo.toml; the CLI must equal it.
bindgen_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml | head -n 1)

apt_updated=0
apt_install() {
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ $apt_updated -eq 0 ]; then $sudo apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if has rust; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo clippy --version >/dev/null 2>&1; then
    say "adding clippy"
    rustup component add clippy
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
    say "installing wasm-bindgen-cli $bindgen_version (a few minutes)"
    cargo install --quiet --force wasm-bindgen-cli --version "$bindgen_version"
  fi
  if ! command -v wasm-pack >/dev/null; then
    say "installing wasm-pack (a few minutes)"
    cargo install --quiet wasm-pack
  fi
fi

if has node; then
  # npm ci only when the lock file changed since the last install.
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s <(sed 1,3d package-lock.json) <(sed 1,3d node_modules/.setup-lock 2>/dev/null); then
    say "installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.setup-lock
  fi
fi

if has bench; then
  if [ ! -f bench/node_modules/.package-lock.json ] || ! cmp -s <(sed 1,3d bench/package-lock.json) <(sed 1,3d bench/node_modules/.setup-lock 2>/dev/null); then
    say "installing the benchmark's SQL peers (DuckDB)"
    npm ci --prefix bench --no-audit --no-fund --loglevel=error
    cp bench/package-lock.json bench/node_modules/.setup-lock
  fi
fi

if has browser; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's chromium and chromium-driver"
    apt_install chromium chromium-driver
  fi
fi

if has minisign; then
  if ! command -v minisign >/dev/null; then
    say "installing minisign"
    apt_install minisign
  fi
fi
