// SPDX-License-Identifier: GPL-2.0
/*
 * seam_crash: a tiny crash-trigger module for Seam's vmcore corpus (samples/kernels/).
 *
 * Debian's cloud kernel has no LKDTM, so this module provides the crashes the corpus needs,
 * each reached through a few nested noinline functions so that the module's own frames show
 * in the kernel's "Call Trace:" and in a debugger's backtrace of the dump.
 *
 * Write a command to /sys/kernel/debug/seam_crash/trigger:
 *
 *   bug     BUG()                       -> oops; panics with oops=panic
 *   null    a write through NULL        -> page fault oops; panics with oops=panic
 *   panic   panic()
 *   warn    WARN()                      -> panics with panic_on_warn=1
 *   spin    starts a kthread bound to CPU spin_cpu (default 1) that spins with preemption
 *           disabled (interrupts stay enabled, so a panic's stop IPI still reaches it); the
 *           write returns once the kthread is spinning
 *
 * The module parameter "crash" (e.g. insmod seam_crash.ko crash=bug) triggers the same
 * commands at load time, from the module's init function.
 *
 * The call chains, innermost last:
 *   trigger_write -> seam_crash_dispatch -> seam_crash_level1 -> seam_crash_level2
 *     -> seam_crash_level3 -> seam_crash_do_{bug,null,panic,warn}
 *   seam_spin_thread -> seam_spin_outer -> seam_spin_middle -> seam_spin_inner (the loop)
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Seam");
MODULE_DESCRIPTION("Crash triggers for Seam's vmcore corpus");

static char *crash;
module_param(crash, charp, 0444);
MODULE_PARM_DESC(crash, "crash to trigger at load time: bug, null, panic, warn or spin");

static int spin_cpu = 1;
module_param(spin_cpu, int, 0444);
MODULE_PARM_DESC(spin_cpu, "the CPU the spin kthread is bound to (default 1)");

/* A struct the NULL dereference writes through, so the faulting access has a type. */
struct seam_crash_record {
	unsigned long magic;
	unsigned long depth;
	const char *what;
};

/* Globals a debugger can read in the dump: the last command, and the spinner's progress. */
char seam_crash_last_command[16];
EXPORT_SYMBOL_GPL(seam_crash_last_command);
unsigned long seam_spin_iterations;
EXPORT_SYMBOL_GPL(seam_spin_iterations);
/* Never set: it only keeps the spin loop from being a dead end for the compiler and objtool. */
static int seam_spin_stop;
static struct task_struct *seam_spin_task;
static DECLARE_COMPLETION(seam_spin_started);

/*
 * The functions of the call chains: never inlined, cloned (.constprop, .isra) or merged, so each
 * keeps its own name and frame.
 */
#define SEAM_FRAME noinline __attribute__((__noipa__))

/* Keeps the compiler from knowing the pointer's value. */
static struct seam_crash_record *volatile seam_crash_null_record;

static SEAM_FRAME int seam_crash_do_bug(unsigned long depth)
{
	pr_emerg("seam_crash: BUG() at depth %lu\n", depth);
	/* Always true; the condition keeps objtool from taking the function for a dead end. */
	if (depth)
		BUG();
	return 0;
}

static SEAM_FRAME int seam_crash_do_null(unsigned long depth)
{
	struct seam_crash_record *record = seam_crash_null_record;

	pr_emerg("seam_crash: writing through a NULL pointer at depth %lu\n", depth);
	record->depth = depth; /* faults: record is NULL */
	record->what = "null";
	return (int)record->magic;
}

/*
 * GCC moves the panic() call into a separate part, seam_crash_do_panic.cold (panic is cold), which
 * the function jumps to: the kernel's trace names that part, a tricky frame for unwinders.
 */
static SEAM_FRAME int seam_crash_do_panic(unsigned long depth)
{
	if (depth) /* as in seam_crash_do_bug */
		panic("seam_crash: panic() at depth %lu", depth);
	return 0;
}

static SEAM_FRAME int seam_crash_do_warn(unsigned long depth)
{
	WARN(1, "seam_crash: WARN() at depth %lu", depth);
	return 0;
}

/* Each level does work after its call so that the call is not turned into a tail jump. */
static SEAM_FRAME int seam_crash_level3(const char *what, unsigned long depth)
{
	int ret;

	if (!strcmp(what, "bug"))
		ret = seam_crash_do_bug(depth + 1);
	else if (!strcmp(what, "null"))
		ret = seam_crash_do_null(depth + 1);
	else if (!strcmp(what, "panic"))
		ret = seam_crash_do_panic(depth + 1);
	else if (!strcmp(what, "warn"))
		ret = seam_crash_do_warn(depth + 1);
	else
		return -EINVAL;
	barrier();
	return ret + 3;
}

static SEAM_FRAME int seam_crash_level2(const char *what, unsigned long depth)
{
	int ret = seam_crash_level3(what, depth + 1);

	barrier();
	return ret < 0 ? ret : ret + 2;
}

static SEAM_FRAME int seam_crash_level1(const char *what, unsigned long depth)
{
	int ret = seam_crash_level2(what, depth + 1);

	barrier();
	return ret < 0 ? ret : ret + 1;
}

static SEAM_FRAME void seam_spin_inner(unsigned long *counter)
{
	/* Preemption off: nothing else runs on this CPU until the panic's stop IPI. */
	preempt_disable();
	while (!READ_ONCE(seam_spin_stop)) {
		WRITE_ONCE(*counter, READ_ONCE(*counter) + 1);
		cpu_relax();
	}
	preempt_enable();
}

static SEAM_FRAME void seam_spin_middle(unsigned long *counter)
{
	seam_spin_inner(counter);
	barrier();
}

static SEAM_FRAME void seam_spin_outer(unsigned long *counter)
{
	seam_spin_middle(counter);
	barrier();
}

static int seam_spin_thread(void *unused)
{
	pr_emerg("seam_crash: spinning on CPU %d\n", raw_smp_processor_id());
	complete(&seam_spin_started);
	seam_spin_outer(&seam_spin_iterations);
	return 0;
}

static SEAM_FRAME int seam_spin_start(void)
{
	struct task_struct *task;

	if (seam_spin_task)
		return -EBUSY;
	if (spin_cpu < 0 || spin_cpu >= nr_cpu_ids || !cpu_online(spin_cpu)) {
		pr_err("seam_crash: CPU %d is not online\n", spin_cpu);
		return -EINVAL;
	}
	task = kthread_create(seam_spin_thread, NULL, "seam_spin/%d", spin_cpu);
	if (IS_ERR(task))
		return PTR_ERR(task);
	kthread_bind(task, spin_cpu);
	seam_spin_task = task;
	wake_up_process(task);
	wait_for_completion(&seam_spin_started);
	return 0;
}

static SEAM_FRAME int seam_crash_dispatch(const char *what)
{
	int ret;

	strscpy(seam_crash_last_command, what, sizeof(seam_crash_last_command));
	if (!strcmp(what, "spin"))
		return seam_spin_start();
	ret = seam_crash_level1(what, 1);
	barrier();
	return ret < 0 ? ret : 0;
}

static ssize_t seam_crash_trigger_write(struct file *file, const char __user *buf, size_t count,
					loff_t *pos)
{
	char what[16];
	size_t len = min(count, sizeof(what) - 1);
	int ret;

	if (copy_from_user(what, buf, len))
		return -EFAULT;
	what[len] = '\0';
	ret = seam_crash_dispatch(strim(what));
	return ret < 0 ? ret : count;
}

static const struct file_operations seam_crash_trigger_fops = {
	.owner = THIS_MODULE,
	.write = seam_crash_trigger_write,
	.llseek = noop_llseek,
};

static struct dentry *seam_crash_dir;

static int __init seam_crash_init(void)
{
	seam_crash_dir = debugfs_create_dir("seam_crash", NULL);
	debugfs_create_file("trigger", 0200, seam_crash_dir, NULL, &seam_crash_trigger_fops);
	pr_info("seam_crash: loaded; write bug, null, panic, warn or spin to "
		"/sys/kernel/debug/seam_crash/trigger\n");
	if (crash && *crash)
		return seam_crash_dispatch(crash) < 0 ? -EINVAL : 0;
	return 0;
}

/* No module_exit: the spinner never stops, so the module must never be removed. */
module_init(seam_crash_init);
