#!/usr/bin/env bash
# Downloads Debian's kernel and its debug symbols into Seam's cache, and extracts the files the
# tests, the benchmarks and the QEMU issues need. Idempotent: every step whose output exists is
# skipped, and every output is written under a temporary name and then renamed, so an
# interrupted run never leaves a half-written file behind. Nothing is installed on the system
# (never into /boot): everything stays in the cache.
#
#   scripts/fetch-debian-kernel.sh            # prints the path of the vmlinux with DWARF
#
# Environment:
#   SEAM_KERNEL_ABI   the kernel ABI to fetch (default 6.1.0-56-cloud-amd64)
#   SEAM_CACHE_DIR    the cache (default ~/.cache/seam)
#
# Layout, under $SEAM_CACHE_DIR:
#   debs/linux-image-$ABI_*.deb, debs/linux-image-$ABI-dbg_*.deb     (apt-get download)
#   kernels/$ABI/usr/lib/debug/boot/vmlinux-$ABI                     (from the -dbg package)
#   kernels/$ABI/boot/vmlinuz-$ABI                                   (from the image package)
#   kernels/$ABI/lib/modules/$ABI/kernel/drivers/firmware/qemu_fw_cfg.ko
set -euo pipefail

ABI=${SEAM_KERNEL_ABI:-6.1.0-56-cloud-amd64}
CACHE_DIR=${SEAM_CACHE_DIR:-$HOME/.cache/seam}
DEB_DIR=$CACHE_DIR/debs
KERNEL_DIR=$CACHE_DIR/kernels/$ABI

IMAGE_PACKAGE=linux-image-$ABI
DBG_PACKAGE=linux-image-$ABI-dbg

VMLINUX=usr/lib/debug/boot/vmlinux-$ABI
VMLINUZ=boot/vmlinuz-$ABI
FW_CFG_MODULE=lib/modules/$ABI/kernel/drivers/firmware/qemu_fw_cfg.ko

log() { printf '== %s\n' "$*" >&2; }
die() {
  printf 'fetch-debian-kernel: %s\n' "$*" >&2
  exit 1
}

case "$ABI" in
  '' | */* | *..*) die "bad SEAM_KERNEL_ABI '$ABI'" ;;
esac

# Temporary files and directories of this run, removed on any exit.
TEMPS=()
cleanup() {
  local t
  for t in "${TEMPS[@]}"; do rm -rf -- "$t"; done
}
trap cleanup EXIT

# The cached .deb of a package, or nothing. apt-get download names it PACKAGE_VERSION_ARCH.deb.
cached_deb() {  # package
  local deb
  for deb in "$DEB_DIR/$1"_*.deb; do
    [ -f "$deb" ] && { printf '%s\n' "$deb"; return 0; }
  done
  return 0
}

apt_download() {  # package directory
  # As root, apt warns that the _apt sandbox user cannot write the directory; that is harmless.
  (cd "$2" && apt-get download -q "$1") >&2
}

# Sets DEB to the path of the package's .deb, downloading it if it is not cached.
fetch_deb() {  # package
  DEB=$(cached_deb "$1")
  if [ -n "$DEB" ]; then
    log "Cached: $DEB"
    return
  fi
  log "Downloading $1"
  mkdir -p "$DEB_DIR"
  local tmp
  tmp=$(mktemp -d "$DEB_DIR/.download.XXXXXX")
  TEMPS+=("$tmp")
  if ! apt_download "$1" "$tmp"; then
    # Most likely the package lists are missing or stale on a fresh machine.
    log "apt-get download failed; updating the package lists and retrying"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    apt_download "$1" "$tmp" || die "cannot download $1"
  fi
  local got=("$tmp/$1"_*.deb)
  [ -f "${got[0]}" ] || die "apt-get download $1 produced no .deb"
  DEB=$DEB_DIR/$(basename -- "${got[0]}")
  mv -f -- "${got[0]}" "$DEB"
  rm -rf -- "$tmp"
}

# Extracts MEMBERS (paths inside the package, without the leading ./) of DEB into KERNEL_DIR,
# those not already there. Each lands in a temporary directory on the same file system first and
# is then renamed into place.
extract() {  # deb member...
  local deb=$1
  shift
  local missing=() member
  for member in "$@"; do
    if [ -f "$KERNEL_DIR/$member" ]; then
      log "Cached: $KERNEL_DIR/$member"
    else
      missing+=("$member")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "Extracting ${missing[*]} from $(basename -- "$deb")"
  mkdir -p "$KERNEL_DIR"
  local tmp
  tmp=$(mktemp -d "$KERNEL_DIR/.extract.XXXXXX")
  TEMPS+=("$tmp")
  local patterns=()
  for member in "${missing[@]}"; do patterns+=("./$member"); done
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" -- "${patterns[@]}" ||
    die "cannot extract ${missing[*]} from $deb"
  for member in "${missing[@]}"; do
    [ -f "$tmp/$member" ] || die "$deb has no $member"
    mkdir -p "$(dirname -- "$KERNEL_DIR/$member")"
    mv -f -- "$tmp/$member" "$KERNEL_DIR/$member"
  done
  rm -rf -- "$tmp"
}

command -v dpkg-deb >/dev/null || die "dpkg-deb is missing (this script is for Debian)"

if [ ! -f "$KERNEL_DIR/$VMLINUX" ]; then
  fetch_deb "$DBG_PACKAGE"
  extract "$DEB" "$VMLINUX"
else
  log "Cached: $KERNEL_DIR/$VMLINUX"
fi
if [ ! -f "$KERNEL_DIR/$VMLINUZ" ] || [ ! -f "$KERNEL_DIR/$FW_CFG_MODULE" ]; then
  fetch_deb "$IMAGE_PACKAGE"
  extract "$DEB" "$VMLINUZ" "$FW_CFG_MODULE"
else
  log "Cached: $KERNEL_DIR/$VMLINUZ"
  log "Cached: $KERNEL_DIR/$FW_CFG_MODULE"
fi

printf '%s\n' "$KERNEL_DIR/$VMLINUX"
