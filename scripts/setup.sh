#!/bin/sh
# Installs what the service and its tests need on a fresh machine: npm packages, and
# Debian's openssh-server (the tests and the demo start their own sshd processes on loopback),
# openssl, perl, unzip, iproute2 and bsdtar, and PowerShell 7 (the Windows host's shell, run behind
# one of those sshd processes).
set -eu
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# openssl: the hosts' fast hash, and the tests check its output is read right.
missing=""
[ -x /usr/sbin/sshd ] || missing="$missing openssh-server openssh-client"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
# perl's zlib (not in perl-base): the hosts' fast gunzip and unzip, whose tests need it; and
# Info-ZIP's unzip, which extracts what the perl program leaves alone (the tests compare the two).
perl -MCompress::Raw::Zlib -e 1 >/dev/null 2>&1 || missing="$missing perl"
command -v unzip >/dev/null 2>&1 || missing="$missing unzip"
# bsdtar: the PowerShell host's tar.exe (Windows' own tar.exe is bsdtar).
command -v bsdtar >/dev/null 2>&1 || missing="$missing libarchive-tools"
# ip netns and veth pairs: the jump-host tests put hosts where only a jump host reaches them.
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing$missing" >&2
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086 # one word a package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: missing$missing, which cannot be installed here (need root and apt-get)" >&2
    exit 1
  fi
fi

# PowerShell 7 as a .NET global tool (the machines carry the .NET SDK; NuGet is reachable). The
# version is pinned: the newest one fails to install here.
if ! command -v pwsh >/dev/null 2>&1 && [ ! -x "$HOME/.dotnet/tools/pwsh" ]; then
  if command -v dotnet >/dev/null 2>&1; then
    echo "setup: installing PowerShell 7.6.10 (dotnet tool install --global)" >&2
    dotnet tool install --global PowerShell --version 7.6.10 >/dev/null
  else
    echo "setup: PowerShell (pwsh) is missing and there is no dotnet to install it with" >&2
    exit 1
  fi
fi

node scripts/fetch-test-binaries.mjs

# The CLI runs this bundle of src/ (bin/smoke.js rebuilds it on its own when src/ changes).
node bin/bundle.mjs
