#!/bin/busybox sh
# /init of the corpus's initramfs (samples/kernels/make-corpus.sh). It sets up a minimal system,
# loads qemu_fw_cfg.ko so the kernel hands VMCOREINFO to QEMU's -device vmcoreinfo, and crashes
# the kernel the way the command line asks:
#
#   seam.crash=sysrq|bug|null|panic|warn   the crash, on CPU 0
#                                          (sysrq: echo c > /proc/sysrq-trigger;
#                                           the others: seam_crash.ko's debugfs trigger)
#   seam.busy=kthread|user                 first keep CPU 1 busy: seam_crash.ko's kthread
#                                          spinning with preemption off, or a user-space
#                                          shell loop pinned to CPU 1
#
# Its lines start with "seam-init:"; the last one before the crash is
# "seam-init: triggering crash=...". They go through the kernel log (/dev/kmsg), so they are in
# the dump's printk buffer too. "seam-init: FAILED" means no crash happened.

/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
exec </dev/console >/dev/console 2>&1

# Through the kernel log, which prints on the console too (timestamped, in order with the
# kernel's lines); straight to the console only if /dev/kmsg fails.
say() {
  echo "seam-init: $*" >/dev/kmsg 2>/dev/null || echo "seam-init: $*"
}

fail() {
  say "FAILED: $*"
  sync
  poweroff -f
  sleep 1000
}

crash=
busy=
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    seam.crash=*) crash=${arg#seam.crash=} ;;
    seam.busy=*) busy=${arg#seam.busy=} ;;
  esac
done
say "started; crash=$crash busy=${busy:-none} cpus=$(nproc)"

insmod /lib/modules/qemu_fw_cfg.ko || fail "cannot load qemu_fw_cfg.ko"
[ -d /sys/firmware/qemu_fw_cfg ] || fail "qemu_fw_cfg found no fw_cfg device"
[ -e /sys/firmware/qemu_fw_cfg/by_name/etc/vmcoreinfo ] ||
  fail "QEMU has no etc/vmcoreinfo (is -device vmcoreinfo missing?)"
say "qemu_fw_cfg loaded; VMCOREINFO handed to QEMU"
# Oracles for a debugger's symbol placement: the kernel's relocated _text, each module's .text.
say "kallsyms _text=0x$(grep ' _text$' /proc/kallsyms | cut -d' ' -f1)"
say "module qemu_fw_cfg .text=$(cat /sys/module/qemu_fw_cfg/sections/.text)"

need_module=
case "$crash" in
  bug | null | panic | warn) need_module=1 ;;
  sysrq) ;;
  *) fail "unknown seam.crash='$crash'" ;;
esac
case "$busy" in
  '' | user) ;;
  kthread) need_module=1 ;;
  *) fail "unknown seam.busy='$busy'" ;;
esac

if [ -n "$need_module" ]; then
  insmod /lib/modules/seam_crash.ko || fail "cannot load seam_crash.ko"
  [ -e /sys/kernel/debug/seam_crash/trigger ] || fail "seam_crash.ko made no trigger file"
  say "seam_crash loaded"
  say "module seam_crash .text=$(cat /sys/module/seam_crash/sections/.text)"
fi

# The crash happens on CPU 0.
taskset -p 1 $$ >/dev/null || fail "cannot pin the init to CPU 0"

case "$busy" in
  kthread)
    echo spin >/sys/kernel/debug/seam_crash/trigger || fail "cannot start the spinning kthread"
    say "CPU 1 busy: seam_spin/1 spins in seam_crash.ko with preemption off"
    ;;
  user)
    taskset 2 sh -c 'while :; do :; done' &
    sleep 1
    say "CPU 1 busy: a user-space shell loop (pid $!) pinned to CPU 1"
    ;;
esac

say "triggering crash=$crash"
case "$crash" in
  sysrq)
    echo 1 >/proc/sys/kernel/sysrq
    echo c >/proc/sysrq-trigger
    ;;
  *)
    echo "$crash" >/sys/kernel/debug/seam_crash/trigger
    ;;
esac
fail "crash=$crash returned"
