#!/usr/bin/env bash
# Runs every netmon test: the Rust workspace (unit, integration, doc tests,
# examples run on their embedded defaults) and the Python package's pytest
# suite against a freshly built wheel.
#
# Installs what the tests need when it is missing: Debian packages (when
# run as root, or with sudo), and a Python virtualenv under target/ with
# maturin and pytest from PyPI. Run from anywhere; exits non-zero on any
# failure.
#
#   ./scripts/test.sh            everything
#   ./scripts/test.sh --rust     only the Rust tests
#   ./scripts/test.sh --python   only the Python tests
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

run_rust=1
run_python=1
case "${1:-}" in
  --rust) run_python=0 ;;
  --python) run_rust=0 ;;
  "") ;;
  *) echo "usage: $0 [--rust|--python]" >&2; exit 2 ;;
esac

say() { printf '\n==> %s\n' "$*"; }

# Debian packages the tests need (real peers arrive here as their issues land).
debian_packages=(python3 python3-venv python3-pip chromium openssh-server openssh-client snmpd snmp snmptrapd tshark tcpdump)

install_debian() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "missing Debian packages: ${missing[*]} (run as root or install them)" >&2
      return 1
    fi
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture: answer no.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

if ! command -v cargo >/dev/null; then
  echo "cargo not found: install the Rust toolchain (rustup) first" >&2
  exit 1
fi

# A Python with venv: the machine's python3 if it has the module, else
# Debian's.
python_ok() { command -v python3 >/dev/null && python3 -c 'import venv, ensurepip' 2>/dev/null; }
# install_debian installs only what is missing. Without root (and no
# sudo) the tests that need a missing package skip with a printed reason;
# under CI they fail.
install_debian "${debian_packages[@]}" || echo "continuing without: ${debian_packages[*]}" >&2
if [ "$run_python" = 1 ] && ! python_ok; then
  echo "python3 with venv and ensurepip is needed for the Python tests" >&2
fi

if [ "$run_rust" = 1 ]; then
  say "Rust: cargo test --workspace (unit, integration, doc tests, examples)"
  # tests/examples.rs runs the example binaries; `cargo test --all-targets`
  # builds examples only in test mode, so build the binaries first.
  cargo build --workspace --examples
  cargo test --workspace --all-targets
  cargo test --workspace --doc
fi

if [ "$run_python" = 1 ]; then
  venv="$root/target/py-venv"
  if [ ! -x "$venv/bin/python" ]; then
    say "Python: creating $venv"
    python3 -m venv "$venv"
  fi
  py="$venv/bin/python"
  "$py" -m pip install -q --disable-pip-version-check --upgrade "maturin>=1.9,<2" "pytest>=8" numpy pandas pyarrow
  say "Python: building and installing the netmon wheel (pip install ./crates/netmon-py)"
  "$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps ./crates/netmon-py
  say "Python: pytest crates/netmon-py/tests"
  # Run from the tests folder so that `import netmon` finds the installed
  # wheel, not the source tree. pytest exits 5 when it collects nothing:
  # that is a failure here too.
  set +e
  (cd crates/netmon-py/tests && "$py" -m pytest -q -rs -p no:cacheprovider .)
  status=$?
  set -e
  if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests" >&2
    exit 1
  fi
  [ "$status" -eq 0 ] || exit "$status"
fi

say "all tests passed"
