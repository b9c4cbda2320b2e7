#!/usr/bin/env bash
# Generates Seam's corpus of real vmcores: Debian's cloud kernel, booted in QEMU, crashed in
# several ways, and dumped by QEMU in every format it writes; makedumpfile then converts the
# physical ELF dump into more kdump-compressed files (lzo, snappy, zstd, and one filtered with
# -d 31). Generated into the cache, never committed. See samples/kernels/README.md.
#
#   samples/kernels/make-corpus.sh                 # every scenario
#   samples/kernels/make-corpus.sh module-bug ...  # only these
#   samples/kernels/make-corpus.sh --list          # the scenarios, one a line
#
# Output: $SEAM_CACHE_DIR/corpus/$ABI/$SCENARIO/ (SEAM_CACHE_DIR defaults to ~/.cache/seam) with
#   vmcore.elf-paging vmcore.elf-phys vmcore.kdump-flat vmcore.kdump serial.log cmdline
#   qemu.log scenario.json [seam_crash.ko]   (QEMU's, by run_qemu.py)
#   vmcore.kdump-lzo vmcore.kdump-snappy vmcore.kdump-zstd vmcore.kdump-d31   (kdump_convert.py,
#   in the scenarios listed in CONVERTED)
#
# Idempotent, in two steps with a key each:
#   generator key   the ABI, the kernel, the initramfs, the scenario table, run_qemu.py,
#                   vmcore_inspect.py, QEMU's and makedumpfile's versions: what QEMU's dumps
#                   and their description depend on
#   conversion key  kdump_convert.py, vmcore_inspect.py, makedumpfile's version: the derived
#                   kdump files (made for the scenarios in CONVERTED only)
# A scenario whose scenario.json carries both is skipped. One with the current generator key
# only gets its derived files (re)made in place, without QEMU. Any other is regenerated in a
# temporary directory that replaces it at the end.
#
# Environment:
#   SEAM_KERNEL_ABI    the kernel ABI (default 6.1.0-56-cloud-amd64)
#   SEAM_CACHE_DIR     the cache (default ~/.cache/seam)
#   SEAM_QEMU_ACCEL    kvm or tcg to skip the probe (default: kvm when it boots the kernel here)
#
# Needs (Debian 12): qemu-system-x86 busybox-static makedumpfile linux-headers-$ABI
# linux-kbuild-6.1 gcc-12 make python3 (and dpkg-deb, apt-get for scripts/fetch-debian-kernel.sh).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ABI=${SEAM_KERNEL_ABI:-6.1.0-56-cloud-amd64}
export SEAM_KERNEL_ABI=$ABI
CACHE_DIR=${SEAM_CACHE_DIR:-$HOME/.cache/seam}
CORPUS_DIR=$CACHE_DIR/corpus/$ABI
PYTHON=${PYTHON:-python3}
MEMORY=128M              # small dumps (about 130 MiB per ELF dump), enough for the busybox init
BOOT_TIMEOUT=120         # seconds from QEMU's start to the panic (TCG needs 2-5)
DUMP_TIMEOUT=120         # seconds for each dump and for makedumpfile -R
BASE_CMDLINE="console=ttyS0,115200 panic=0 oops=panic rdinit=/init"

# name | CPUs | seam.crash | seam.busy | KASLR | paging levels | extra command line |
#   functions the serial log's call traces must name (comma-separated) | description |
#   CPU 1's frames by construction, innermost first, symbols only (no inlined functions such
#   as native_halt); the console has no trace of CPU 1, so they are not checked
SCENARIOS=(
  "sysrq-kaslr|1|sysrq||on|5||sysrq_handle_crash|echo c > /proc/sysrq-trigger: panic() from the sysrq handler; KASLR on, 5-level paging"
  "sysrq-nokaslr|1|sysrq||off|5|nokaslr|sysrq_handle_crash|sysrq c with nokaslr: the kernel at its link-time addresses"
  "sysrq-4level|1|sysrq||on|4|no5lvl|sysrq_handle_crash|sysrq c with no5lvl: 4-level paging, KASLR on"
  "module-bug|1|bug||on|5||seam_crash_do_bug,seam_crash_level3,seam_crash_level1,seam_crash_trigger_write|BUG() in seam_crash.ko, oops=panic"
  "module-null|1|null||on|5||seam_crash_do_null,seam_crash_level3,seam_crash_level1,seam_crash_trigger_write|a write through a NULL pointer in seam_crash.ko: page fault oops, oops=panic"
  "module-panic|1|panic||on|5||seam_crash_do_panic,seam_crash_level3,seam_crash_level1,seam_crash_trigger_write|panic() called from seam_crash.ko"
  "module-warn|1|warn||on|5|panic_on_warn=1|seam_crash_do_warn,seam_crash_level3,seam_crash_level1,seam_crash_trigger_write|WARN() in seam_crash.ko with panic_on_warn=1"
  "smp-kthread-spin|2|bug|kthread|on|5||seam_crash_do_bug,seam_crash_level1|2 CPUs: CPU 1 spins in seam_crash.ko's kthread (seam_spin_inner, preemption off) while CPU 0 hits BUG() in seam_crash.ko|stop_this_cpu,__sysvec_reboot,sysvec_reboot,asm_sysvec_reboot,seam_spin_inner,seam_spin_middle,seam_spin_outer,seam_spin_thread,kthread,ret_from_fork"
  "smp-user-spin|2|sysrq|user|on|5||sysrq_handle_crash|2 CPUs: CPU 1 runs a user-space busy loop while CPU 0 panics through sysrq c|stop_this_cpu,__sysvec_reboot,sysvec_reboot,asm_sysvec_reboot"
)
OUTPUTS=(vmcore.elf-paging vmcore.elf-phys vmcore.kdump-flat vmcore.kdump serial.log cmdline
  qemu.log scenario.json)
DERIVED=(vmcore.kdump-lzo vmcore.kdump-snappy vmcore.kdump-zstd vmcore.kdump-d31)
# The scenarios that get the DERIVED files (kdump_convert.py): KASLR off, 4-level paging, and
# 2 CPUs with the module. 1.5-2 s of makedumpfile each; for all nine it would add half of the
# corpus's time on 2 cores.
CONVERTED=(sysrq-nokaslr sysrq-4level smp-kthread-spin)

log() { printf '== %s\n' "$*" >&2; }
die() {
  printf 'make-corpus: %s\n' "$*" >&2
  exit 1
}

field() {  # scenario-line index
  local IFS='|'
  local -a f
  read -r -a f <<<"$1"
  printf '%s' "${f[$2]:-}"
}

scenario_line() {  # name
  local line
  for line in "${SCENARIOS[@]}"; do
    [ "$(field "$line" 0)" = "$1" ] && { printf '%s' "$line"; return 0; }
  done
  return 1
}

if [ "${1:-}" = "--list" ]; then
  for line in "${SCENARIOS[@]}"; do field "$line" 0; echo; done
  exit 0
fi

WANTED=("$@")
if [ ${#WANTED[@]} -eq 0 ]; then
  for line in "${SCENARIOS[@]}"; do WANTED+=("$(field "$line" 0)"); done
fi
for name in "${WANTED[@]}"; do
  scenario_line "$name" >/dev/null || die "unknown scenario '$name' (see --list)"
done

# The tools, each with the package that has it.
missing=()
need() {  # command package
  command -v "$1" >/dev/null || missing+=("$2")
}
need qemu-system-x86_64 qemu-system-x86
need makedumpfile makedumpfile
need "$PYTHON" python3
need make make
need gcc-12 gcc-12
need readelf binutils
# The initramfs has no libc: busybox must be busybox-static's (Debian's busybox is dynamic).
if [ ! -x /bin/busybox ] || readelf -l /bin/busybox 2>/dev/null | grep INTERP >/dev/null; then
  missing+=(busybox-static)
fi
# kdump_convert.py compresses pages with the libraries libkdumpfile reads them with.
"$PYTHON" -c 'import ctypes; ctypes.CDLL("libsnappy.so.1")' 2>/dev/null || missing+=(libsnappy1v5)
"$PYTHON" -c 'import ctypes; ctypes.CDLL("libzstd.so.1")' 2>/dev/null || missing+=(libzstd1)
[ -f "/usr/src/linux-headers-$ABI/Makefile" ] || missing+=("linux-headers-$ABI" linux-kbuild-6.1)
[ ${#missing[@]} -eq 0 ] || die "missing packages: apt-get install ${missing[*]}"

# The kernel: scripts/fetch-debian-kernel.sh downloads and extracts it into the cache.
VMLINUX=$("$REPO/scripts/fetch-debian-kernel.sh")
KERNEL_DIR=$CACHE_DIR/kernels/$ABI
BZIMAGE=$KERNEL_DIR/boot/vmlinuz-$ABI
FW_CFG=$KERNEL_DIR/lib/modules/$ABI/kernel/drivers/firmware/qemu_fw_cfg.ko
for f in "$VMLINUX" "$BZIMAGE" "$FW_CFG"; do
  [ -f "$f" ] || die "scripts/fetch-debian-kernel.sh did not produce $f"
done

# The crash module, with DWARF, built against Debian's headers into the cache.
MODULE=$("$REPO/samples/crashmod/build.sh")

mkdir -p "$CORPUS_DIR"
# One run at a time per corpus: a second one waits, then finds the scenarios up to date.
exec 8>"$CORPUS_DIR/.lock"
flock 8

# The initramfs (the same bytes for the same inputs), replaced only when it changes.
INITRAMFS=$CORPUS_DIR/initramfs.cpio.gz
"$PYTHON" "$HERE/make_initramfs.py" "$INITRAMFS.new" --busybox /bin/busybox --init "$HERE/init.sh" \
  --file "lib/modules/qemu_fw_cfg.ko=$FW_CFG" --file "lib/modules/seam_crash.ko=$MODULE"
if cmp -s "$INITRAMFS.new" "$INITRAMFS"; then
  rm -f -- "$INITRAMFS.new"
else
  mv -f -- "$INITRAMFS.new" "$INITRAMFS"
fi

up_to_date() {  # scenario directory: QEMU's outputs are there and current
  local f
  for f in "${OUTPUTS[@]}"; do [ -f "$1/$f" ] || return 1; done
  grep -q "\"generator_key\": \"$KEY\"" "$1/scenario.json"
}

wants_conversion() {  # scenario name
  local n
  for n in "${CONVERTED[@]}"; do [ "$n" = "$1" ] && return 0; done
  return 1
}

converted() {  # scenario directory: the derived kdump files are there and current, or not wanted
  local f
  wants_conversion "$(basename -- "$1")" || return 0
  for f in "${DERIVED[@]}"; do [ -f "$1/$f" ] || return 1; done
  grep -q "\"conversion_key\": \"$CONVERT_KEY\"" "$1/scenario.json"
}

convert() {  # scenario directory: makedumpfile's kdump variants, scenario.json updated
  "$PYTHON" "$HERE/kdump_convert.py" "$1" --key "$CONVERT_KEY" --timeout "$DUMP_TIMEOUT"
}

ACCEL=${SEAM_QEMU_ACCEL:-}
HOST_LA57=no
grep -q -w la57 /proc/cpuinfo && HOST_LA57=yes

probe_accel() {  # once, and only when a scenario is to be generated
  if [ -z "$ACCEL" ]; then
    ACCEL=$("$PYTHON" "$HERE/run_qemu.py" probe-accel --kernel "$BZIMAGE")
    log "QEMU accelerator: $ACCEL (host la57: $HOST_LA57)"
  fi
}

accel_for() {  # paging-levels
  # Under KVM the guest's CPU has the host's paging: 5 levels need la57 on the host.
  if [ "$ACCEL" = kvm ] && [ "$1" = 5 ] && [ "$HOST_LA57" = no ]; then
    echo tcg
  else
    echo "$ACCEL"
  fi
}

generate() {  # scenario-line directory
  local line=$1 dir=$2
  local name cpus crash busy kaslr levels extra frames description cpu1_frames
  name=$(field "$line" 0)
  cpus=$(field "$line" 1)
  crash=$(field "$line" 2)
  busy=$(field "$line" 3)
  kaslr=$(field "$line" 4)
  levels=$(field "$line" 5)
  extra=$(field "$line" 6)
  frames=$(field "$line" 7)
  description=$(field "$line" 8)
  cpu1_frames=$(field "$line" 9)

  local cmdline="$BASE_CMDLINE${extra:+ $extra} seam.crash=$crash${busy:+ seam.busy=$busy}"
  local args=(
    scenario --out-dir "$dir" --name "$name" --description "$description"
    --kernel "$BZIMAGE" --initrd "$INITRAMFS" --cmdline "$cmdline"
    --cpus "$cpus" --memory "$MEMORY" --accel "$(accel_for "$levels")" --cpu max
    --boot-timeout "$BOOT_TIMEOUT" --dump-timeout "$DUMP_TIMEOUT"
    --abi "$ABI" --kaslr "$kaslr" --paging-levels "$levels" --crash "$crash"
    --vmlinux "$VMLINUX" --cache-dir "$CACHE_DIR" --generator-key "$KEY"
  )
  [ -n "$busy" ] && args+=(--busy "$busy")
  if [ "$crash" != sysrq ] || [ "$busy" = kthread ]; then
    args+=(--module "$MODULE")
  fi
  local frame frame_list=()
  IFS=, read -r -a frame_list <<<"$frames"
  for frame in "${frame_list[@]}"; do args+=(--expect-frame "$frame"); done
  IFS=, read -r -a frame_list <<<"$cpu1_frames"
  for frame in "${frame_list[@]}"; do args+=(--cpu1-frame "$frame"); done
  "$PYTHON" "$HERE/run_qemu.py" "${args[@]}"
}

# The generator key: whatever changes QEMU's dumps (not this script as a whole, so that a change
# to the conversion step does not boot every scenario again).
KEY=$(
  {
    printf 'abi %s\nmemory %s\ncmdline %s\n' "$ABI" "$MEMORY" "$BASE_CMDLINE"
    printf '%s\n' "${SCENARIOS[@]}" "${OUTPUTS[@]}"
    declare -f generate accel_for
    sha256sum <"$BZIMAGE"
    sha256sum <"$INITRAMFS"
    cat -- "$HERE/run_qemu.py" "$HERE/vmcore_inspect.py"
    qemu-system-x86_64 --version | sed -n 1p
    makedumpfile -v 2>&1 | sed -n 1p
  } | sha256sum | cut -c1-16
)
# The conversion key: whatever changes the derived kdump files.
CONVERT_KEY=$(
  {
    printf '%s\n' "${DERIVED[@]}"
    declare -f convert
    cat -- "$HERE/kdump_convert.py" "$HERE/vmcore_inspect.py"
    makedumpfile -v 2>&1 | sed -n 1,4p
  } | sha256sum | cut -c1-16
)
printf 'generator %s\nconversion %s\n' "$KEY" "$CONVERT_KEY" >"$CORPUS_DIR/key.tmp"
mv -f -- "$CORPUS_DIR/key.tmp" "$CORPUS_DIR/key"

declare -A RESULT SECONDS_TAKEN CONVERT_SECONDS
failed=()
elapsed() {  # start ($EPOCHREALTIME)
  awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

# The conversion of a scenario runs in the background while QEMU boots the next one (QEMU
# with TCG keeps one core busy, makedumpfile another); one conversion at a time.
BG_PID=
BG_NAME=
convert_wait() {  # the background conversion's result
  [ -n "$BG_PID" ] || return 0
  local status=0 result=FAILED seconds=-
  wait "$BG_PID" || status=$?
  [ -f "$CORPUS_DIR/.$BG_NAME.result" ] && read -r result seconds <"$CORPUS_DIR/.$BG_NAME.result"
  rm -f -- "$CORPUS_DIR/.$BG_NAME.result"
  [ "$status" = 0 ] || result=FAILED
  RESULT[$BG_NAME]=$result
  CONVERT_SECONDS[$BG_NAME]=$seconds
  [ "$result" != FAILED ] || failed+=("$BG_NAME")
  BG_PID=
}
convert_start() {  # name directory [the .tmp directory to install as the scenario's]
  convert_wait
  local name=$1 dir=$2 tmp=${3:-}
  (
    start=$EPOCHREALTIME
    if [ -n "$tmp" ]; then
      if convert "$tmp"; then
        rm -rf -- "$dir"
        mv -T -- "$tmp" "$dir"
        rm -rf -- "$CORPUS_DIR/.$name.failed"
        printf 'generated %s\n' "$(elapsed "$start")" >"$CORPUS_DIR/.$name.result"
      else
        log "$name: the conversion failed"
        rm -rf -- "$CORPUS_DIR/.$name.failed"
        mv -T -- "$tmp" "$CORPUS_DIR/.$name.failed"
        rm -f -- "$CORPUS_DIR/.$name.failed"/vmcore.*
        exit 1
      fi
    else
      convert "$dir" || exit 1
      printf 'converted %s\n' "$(elapsed "$start")" >"$CORPUS_DIR/.$name.result"
    fi
  ) &
  BG_PID=$!
  BG_NAME=$name
}

total_start=$EPOCHREALTIME
for name in "${WANTED[@]}"; do
  line=$(scenario_line "$name")
  dir=$CORPUS_DIR/$name
  if up_to_date "$dir"; then
    if converted "$dir"; then
      log "$name: up to date"
      RESULT[$name]=cached
      continue
    fi
    # QEMU's dumps are current: only the derived files are (re)made, in place.
    log "$name: converting"
    convert_start "$name" "$dir"
    continue
  fi
  log "$name: generating"
  probe_accel
  start=$EPOCHREALTIME
  ok=no
  # One retry: TCG is deterministic enough, but KASLR may pick offset 0 once in a few hundred.
  for attempt in 1 2; do
    tmp=$CORPUS_DIR/.$name.tmp
    rm -rf -- "$tmp"
    mkdir -p "$tmp"
    if generate "$line" "$tmp"; then
      ok=yes
      break
    fi
    log "$name: attempt $attempt failed"
    # Keep the failed attempt's logs for a look; the dumps are large.
    rm -rf -- "$CORPUS_DIR/.$name.failed"
    mv -T -- "$tmp" "$CORPUS_DIR/.$name.failed"
    rm -f -- "$CORPUS_DIR/.$name.failed"/vmcore.*
  done
  SECONDS_TAKEN[$name]=$(elapsed "$start")
  if [ "$ok" = yes ] && wants_conversion "$name"; then
    convert_start "$name" "$dir" "$tmp"  # installs the directory when done
  elif [ "$ok" = yes ]; then
    rm -rf -- "$dir"
    mv -T -- "$tmp" "$dir"
    rm -rf -- "$CORPUS_DIR/.$name.failed"
    RESULT[$name]=generated
  else
    RESULT[$name]=FAILED
    failed+=("$name")
  fi
done
convert_wait

# Scenarios no longer in the table are stale (only on a full run, and only corpus directories).
if [ $# -eq 0 ]; then
  for dir in "$CORPUS_DIR"/*/; do
    dir=${dir%/}
    [ -f "$dir/scenario.json" ] || continue
    scenario_line "$(basename -- "$dir")" >/dev/null || {
      log "removing the stale scenario $(basename -- "$dir")"
      rm -rf -- "$dir"
    }
  done
fi

# seconds: QEMU's part + the conversion's (which overlaps the next scenario's QEMU)
printf '\n%-18s %-10s %12s  %s\n' scenario result seconds \
  "MiB: elf-paging elf-phys kdump-flat kdump | lzo snappy zstd d31"
for name in "${WANTED[@]}"; do
  dir=$CORPUS_DIR/$name
  sizes=""
  if [ -f "$dir/scenario.json" ]; then
    for f in vmcore.elf-paging vmcore.elf-phys vmcore.kdump-flat vmcore.kdump "${DERIVED[@]}"; do
      [ -f "$dir/$f" ] || { sizes+="     - "; continue; }
      sizes+=$(awk -v n="$(stat -c %s -- "$dir/$f")" 'BEGIN { printf "%6.1f ", n / 1048576 }')
    done
  fi
  printf '%-18s %-10s %12s  %s\n' "$name" "${RESULT[$name]}" \
    "${SECONDS_TAKEN[$name]:--}+${CONVERT_SECONDS[$name]:--}" "$sizes"
done
printf 'total %s s; corpus in %s\n' "$(elapsed "$total_start")" "$CORPUS_DIR"

[ ${#failed[@]} -eq 0 ] || die "failed: ${failed[*]} (logs in $CORPUS_DIR/.NAME.failed/)"
