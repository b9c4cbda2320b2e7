#!/usr/bin/env bash
# Sets up a Debian 12 machine for Seam, builds it, and runs it.
#
#   ./setup.sh          install packages, build, run the demo (Seam's main job on a sample)
#   ./setup.sh test     install packages, build, run every test (also under ASan+UBSan)
#   ./setup.sh build    install packages and build only
#
# Idempotent: packages already installed are skipped, builds are incremental.
# Downloads and generated data are cached in ~/.cache/seam, never in the repo.
set -euo pipefail

cd "$(dirname "$0")"
SOURCE_DIR=$PWD
BUILD_DIR=${SEAM_BUILD_DIR:-$SOURCE_DIR/build}
ASAN_BUILD_DIR=${SEAM_ASAN_BUILD_DIR:-$SOURCE_DIR/build-asan}
JOBS=${SEAM_JOBS:-$(nproc)}

# The Debian kernel the vmcore corpus boots (as in scripts/fetch-debian-kernel.sh, samples/kernels).
SEAM_KERNEL_ABI=${SEAM_KERNEL_ABI:-6.1.0-56-cloud-amd64}

# Every Debian package the project needs, one concern per line.
PACKAGES=(
  build-essential cmake ninja-build pkg-config git xz-utils python3 time  # build and scripts
  libelf-dev libdw-dev libdebuginfod-dev zlib1g-dev libzstd-dev            # ELF, DWARF, debug files
  llvm-19-dev llvm-19                                                      # demangler, llvm-symbolizer-19
  libgtest-dev googletest                                                  # unit tests
  clang lld rustc                                                          # the mixed-language samples
  elfutils binutils rustfilt libqt6core6 debuginfod                        # peers and corpora for tests
  qemu-system-x86 busybox-static makedumpfile gcc-12 make                  # the vmcore corpus (samples/kernels)
  "linux-headers-$SEAM_KERNEL_ABI" linux-kbuild-6.1                        # its crash module's build
  crash python3-drgn gdb                                                   # vmcore peers and oracles
  libkdumpfile-dev libreadline-dev                                         # engine (kdump files) and CLI
  qt6-base-dev libgl-dev                                                   # seam-gui (Qt 6 Widgets)
  xvfb xauth                                                               # seam-gui's smoke test (xvfb-run)
)

log() { printf '\n== %s\n' "$*"; }

install_packages() {
  local missing=()
  for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "All ${#PACKAGES[@]} packages are installed"
    return
  fi
  log "Installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

configure_and_build() {  # build_dir [cmake options...]
  local dir=$1
  shift
  log "Building in $dir"
  cmake -S "$SOURCE_DIR" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
}

run_demo() {
  log "Demo: a mixed C/Rust/C++ call stack, symbolized and demangled by seam"
  "$SOURCE_DIR/samples/run-demo.sh" "$BUILD_DIR" "$BUILD_DIR/cli/seam"
}

run_tests() {
  log "Tests"
  local status=0
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" || status=1
  # The sanitizer build covers the code that parses untrusted input.
  configure_and_build "$ASAN_BUILD_DIR" -DSEAM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
    -DSEAM_BUILD_SAMPLES=OFF -DSEAM_SAMPLES_DIR="$BUILD_DIR/samples"
  log "Tests under ASan+UBSan (labels unit and badinput)"
  ctest --test-dir "$ASAN_BUILD_DIR" --output-on-failure -j "$JOBS" -L 'unit|badinput' || status=1
  return $status
}

mode=${1:-demo}
case "$mode" in
  demo | test | build) ;;
  *) echo "usage: $0 [demo|test|build]" >&2; exit 2 ;;
esac
install_packages
configure_and_build "$BUILD_DIR"
case "$mode" in
  demo) run_demo ;;
  test) run_tests ;;
esac
