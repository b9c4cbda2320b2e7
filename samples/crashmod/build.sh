#!/usr/bin/env bash
# Builds seam_crash.ko (with DWARF) against Debian's headers of the kernel ABI, into Seam's cache,
# and prints the path of the .ko. Idempotent: the build is keyed by the ABI and a hash of this
# directory's sources, and a cached .ko is reused. Nothing is written into the source tree.
#
#   samples/crashmod/build.sh        # prints $SEAM_CACHE_DIR/crashmod/$ABI/$KEY/seam_crash.ko
#
# The build directory, $SEAM_CACHE_DIR/crashmod/$ABI/$KEY/build/, is kept: it holds the sources
# the module's DWARF (and its BUG() messages) name, so a debugger can show them.
#
# Needs: linux-headers-$ABI (it pulls linux-headers-*-common and linux-kbuild-6.1), gcc-12, make.
# Environment: SEAM_KERNEL_ABI (default 6.1.0-56-cloud-amd64), SEAM_CACHE_DIR (~/.cache/seam).
set -euo pipefail

SOURCE_DIR=$(cd "$(dirname "$0")" && pwd)
ABI=${SEAM_KERNEL_ABI:-6.1.0-56-cloud-amd64}
CACHE_DIR=${SEAM_CACHE_DIR:-$HOME/.cache/seam}
HEADERS=/usr/src/linux-headers-$ABI

die() {
  printf 'crashmod/build.sh: %s\n' "$*" >&2
  exit 1
}

case "$ABI" in
  '' | */* | *..*) die "bad SEAM_KERNEL_ABI '$ABI'" ;;
esac

SOURCES=(Kbuild seam_crash.c build.sh)
KEY=$(cd "$SOURCE_DIR" && { printf '%s\n' "$ABI"; cat -- "${SOURCES[@]}"; } | sha256sum | cut -c1-16)
ABI_DIR=$CACHE_DIR/crashmod/$ABI
OUT_DIR=$ABI_DIR/$KEY
KO=$OUT_DIR/seam_crash.ko

if [ -f "$KO" ]; then
  printf '%s\n' "$KO"
  exit 0
fi

[ -f "$HEADERS/Makefile" ] ||
  die "$HEADERS is missing: apt-get install linux-headers-$ABI linux-kbuild-6.1"
command -v make >/dev/null || die "make is missing: apt-get install make"

mkdir -p "$ABI_DIR"
# One build at a time; a second caller waits and then finds the .ko.
exec 9>"$ABI_DIR/.lock"
flock 9
if [ -f "$KO" ]; then
  printf '%s\n' "$KO"
  exit 0
fi

# The build happens where it stays (the DWARF names this directory); the .ko that marks a
# finished build is renamed into place last, so an interrupted build is redone from scratch.
BUILD=$OUT_DIR/build
rm -rf -- "$OUT_DIR"
mkdir -p "$BUILD"
(cd "$SOURCE_DIR" && cp -- Kbuild seam_crash.c "$BUILD/")

# The headers' Makefile picks the compiler the kernel was built with (gcc-12).
printf '== Building seam_crash.ko against %s\n' "$HEADERS" >&2
make -s -C "$HEADERS" M="$BUILD" modules >"$BUILD/build.log" 2>&1 || {
  cat "$BUILD/build.log" >&2
  die "the module build failed"
}
# Without pahole and the kernel's vmlinux in the headers the module gets no BTF; DWARF is enough.
grep -v -e '^Skipping BTF generation' "$BUILD/build.log" >&2 || true

[ -f "$BUILD/seam_crash.ko" ] || die "the build produced no seam_crash.ko"
readelf -S -W "$BUILD/seam_crash.ko" | grep ' \.debug_info ' >/dev/null ||
  die "seam_crash.ko has no .debug_info"
grep "^vermagic=$ABI " <(tr '\0' '\n' <"$BUILD/seam_crash.ko") >/dev/null ||
  die "seam_crash.ko has the wrong vermagic"

cp -- "$BUILD/seam_crash.ko" "$KO.tmp"
mv -f -- "$KO.tmp" "$KO"
# Builds of older sources are stale.
find "$ABI_DIR" -mindepth 1 -maxdepth 1 -type d ! -name "$KEY" -exec rm -rf -- {} +
printf '%s\n' "$KO"
