#!/usr/bin/env bash
# Seam's "main job" demo: turn the raw call stack of a running mixed-language
# program (C main -> Rust -> C++ -> C) into function names, inlined frames and
# source lines, and demangle its Rust and C++ symbols.
#
# Usage: samples/run-demo.sh BUILD_DIR SEAM_BINARY [VARIANT]
#   BUILD_DIR    the CMake build directory (the samples are in BUILD_DIR/samples)
#   SEAM_BINARY  the seam executable, e.g. BUILD_DIR/cli/seam
#   VARIANT      the sample for part 1 (default mixed-clang-v0; any variant
#                that links C++ statically: mixed-gcc-v0, mixed-clang-legacy,
#                mixed-gcc-nopie)
#
# Part 1 symbolizes a stack that lies entirely in one executable. Part 2 does
# the same for mixed-gcc-legacy, whose C++ frames are in libmixed-cpp-gcc.so,
# so each frame is symbolized against the object it belongs to. Part 3 pipes
# nm output through `seam demangle`. Part 4 unwinds a real Rust kernel crash dump.
#
# The samples print their stack with `PROGRAM backtrace` (see
# samples/mixed/callback.c): on stdout a line "base 0x<load bias>" and then one
# address per frame in the executable (return address - 1, i.e. inside the
# call instruction); on stderr "frame N 0x<address> <object> 0x<load bias>" for
# every frame, in the executable or not.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 BUILD_DIR SEAM_BINARY [VARIANT]" >&2
  exit 2
fi
# Absolute and symlink-free, as the programs report their own paths.
samples=$(cd "$1/samples" 2>/dev/null && pwd -P) || { echo "$0: $1/samples does not exist" >&2; exit 1; }
seam="$2"
build_dir=$(cd "$1" && pwd -P)
variant="${3:-mixed-clang-v0}"
exe="$samples/$variant"
for f in "$exe" "$samples/mixed-gcc-legacy" "$samples/libmixed-cpp-gcc.so"; do
  [[ -x "$f" ]] || { echo "$0: $f is missing: build the 'samples' target" >&2; exit 1; }
done
[[ -x "$seam" ]] || command -v "$seam" >/dev/null || { echo "$0: $seam is not executable" >&2; exit 1; }

section() { printf '\n=== %s\n' "$*"; }

# --- Part 1: one executable --------------------------------------------------
section "1. $variant backtrace | seam symbolize -e $variant --base BASE --inlines"
trace=$("$exe" backtrace 2>/dev/null)
base=$(sed -n 's/^base //p' <<<"$trace")
[[ -n "$base" ]] || { echo "$0: $variant printed no 'base' line" >&2; exit 1; }
echo "raw stack (load base $base):"
grep '^0x' <<<"$trace" | sed 's/^/  /'
echo
echo "symbolized, innermost frame first (inlined frames are listed before the"
echo "function they were inlined into):"
grep '^0x' <<<"$trace" | "$seam" symbolize -e "$exe" --base "$base" --inlines

# --- Part 2: executable + shared library -------------------------------------
section "2. mixed-gcc-legacy backtrace: frames in the executable and in libmixed-cpp-gcc.so"
# stdout only has the executable's frames; the stderr listing names each
# frame's object and that object's load bias, so every frame can be resolved.
# Frames outside the samples (libc's __libc_start_main) are skipped.
"$samples/mixed-gcc-legacy" backtrace 2>&1 >/dev/null |
  while read -r tag index address object bias; do
    [[ "$tag" == frame ]] || continue
    case "$object" in
      "$samples"/*) ;;
      *) printf '#%s %s in %s (not a sample object, skipped)\n' "$index" "$address" "$object"; continue ;;
    esac
    printf '#%s %s in %s\n' "$index" "$address" "${object##*/}"
    "$seam" symbolize -e "$object" --base "$bias" --inlines "$address" | sed 's/^/    /'
  done

# --- Part 3: demangling --------------------------------------------------------
section "3. nm | seam demangle"
# mixed-gcc-legacy has Rust legacy symbols (_ZN...17h<hash>E); its C++ is in
# the .so. mixed-clang-v0 has Rust v0 symbols (_R...) and Itanium C++ ones.
echo "Rust, legacy mangling (mixed-gcc-legacy):"
nm "$samples/mixed-gcc-legacy" | "$seam" demangle | grep -E 'mixed_rs::(measure_scene|reject)|<mixed_rs::Garden as mixed_rs::Scene>' | sed 's/^/  /'
echo "Rust, v0 mangling (mixed-clang-v0):"
nm "$samples/mixed-clang-v0" | "$seam" demangle |
  grep -E 'mixed_rs::(measure_scene|reject)|<mixed_rs::Garden as mixed_rs::Scene>' | sed 's/^/  /'
echo "C++ (libmixed-cpp-gcc.so):"
nm "$samples/libmixed-cpp-gcc.so" | "$seam" demangle |
  grep -E 'seam::geometry::(Canvas::render|CReporter::on_total)' | sed 's/^/  /'

# Part 4: the kernel. The Rust-enabled 6.1 kernel of ../shared/fixtures crashes
# with a stack that crosses C and Rust four times; its dump is made once under
# QEMU (samples/kernels/make_rust_dump.py, cached in ~/.cache/seam) and Seam
# unwinds it with every frame's arguments and locals.
source_dir=$(cd "$(dirname "$0")/.." && pwd)
shared="${SEAM_SHARED_DIR:-$source_dir/../shared}/fixtures/rust-kernel-6.1"
cache="${SEAM_CACHE_DIR:-$HOME/.cache/seam}/fixtures"
section "4. a Rust kernel's crash dump | seam bt -f"
if [[ ! -f "$shared/vmlinux.xz" ]]; then
  echo "  (skipped: the Rust kernel fixture is not at $shared)"
  exit 0
fi
if [[ ! -f "$cache/vmlinux-rust-6.1" ]]; then
  mkdir -p "$cache"
  xz -dc "$shared/vmlinux.xz" >"$cache/.vmlinux-rust-6.1.tmp"
  mv "$cache/.vmlinux-rust-6.1.tmp" "$cache/vmlinux-rust-6.1"
fi
"$source_dir/samples/kernels/make_rust_dump.py" --fixture "$shared" >/dev/null 2>&1 ||
  { echo "$0: making the Rust kernel dump failed: run samples/kernels/make_rust_dump.py" >&2; exit 1; }
dump=("$seam" -c "$cache/rust-kernel-6.1/vmcore.elf-paging" -s "$cache/vmlinux-rust-6.1"
      -s "$shared/rust_crashme.ko")
echo "the crashed task's stack, from the panic down to user space:"
"${dump[@]}" bt | sed -n '/exception RIP/,$p' | sed 's/^/  /'
echo
echo "with arguments and locals (bt -f), the Rust frame that panicked:"
"${dump[@]}" bt -f | sed -n '/rust_crashme::crash_here/,/rust_crashme::compare_cb/p' | sed '$d' |
  sed 's/^/  /'
echo
echo "the same dump in a window (Tasks, Backtrace, Source, Locals, Disassembly, Log):"
gui_command=("$build_dir/gui/seam-gui" "$cache/rust-kernel-6.1/vmcore.elf-paging"
             -s "$cache/vmlinux-rust-6.1" -s "$shared/rust_crashme.ko" --source-root "$shared")
echo "  ${gui_command[*]}"
