/*
 * seam-baremetal, the C part: the serial port, kmain's tick loop, the step
 * marker, the innermost function of the cross-language chain, and the halt
 * that Rust's panic handler ends in.
 *
 *   kmain (C) -> run_tick (C, static inline) -> rust_tick (Rust)
 *     -> ... -> bm_cpp_schedule (C++) -> ... -> rust_measure (Rust)
 *       -> ... -> bm_c_record (C) -> mix_total (C, static inline)
 */
#include "baremetal.h"

#define COM1 0x3f8

/* Knobs a debugger (or the -append command line) sets. */
volatile int seam_trigger_panic;             /* nonzero: Rust panics at the next tick */
volatile uint32_t seam_panic_at_tick;        /* nonzero: set seam_trigger_panic at this tick */
volatile uint64_t seam_delay_loops = 1000000; /* busy-wait iterations between ticks */
volatile uint32_t seam_tick_count;           /* ticks done */
volatile uint64_t seam_last_total;           /* what the last bm_c_record computed */

/* The hvm_start_info QEMU's PVH loader passes (only the fields used here). */
struct hvm_start_info {
	uint32_t magic;          /* 0x336ec578 "xEn3" */
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
};
#define HVM_START_MAGIC 0x336ec578u

struct boot_options {
	uint32_t panic_at;       /* seam.panic=N */
	uint64_t delay;          /* seam.delay=N */
	const char *cmdline;
};

static inline void outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;
	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static void serial_init(void)
{
	outb(COM1 + 1, 0x00);  /* no interrupts */
	outb(COM1 + 3, 0x80);  /* DLAB */
	outb(COM1 + 0, 0x01);  /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);  /* 8N1 */
	outb(COM1 + 2, 0xc7);  /* FIFO */
	outb(COM1 + 4, 0x03);
}

void bm_serial_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		while (!(inb(COM1 + 5) & 0x20))
			;
		outb(COM1, (uint8_t)s[i]);
	}
}

void bm_serial_puts(const char *s)
{
	size_t len = 0;
	while (s[len])
		len++;
	bm_serial_write(s, len);
}

void bm_serial_put_u64(uint64_t value)
{
	char digits[20];
	size_t n = 0;
	do {
		digits[sizeof digits - 1 - n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	bm_serial_write(digits + sizeof digits - n, n);
}

/* The freestanding string functions the compilers may call. */
void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

int bcmp(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n);
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

__attribute__((noinline)) void bm_observe(const void *p, size_t len)
{
	/* A read the compiler cannot drop: whatever p points to must be in memory. */
	if (len)
		(void)*(const volatile unsigned char *)p;
}

/* A breakpoint target: called once per tick, before the chain runs. */
__attribute__((noinline)) void seam_step_marker(uint32_t tick)
{
	seam_tick_count = tick;
	__asm__ volatile("" ::: "memory");
}

__attribute__((noreturn)) void bm_panic_halt(const char *message, size_t len)
{
	bm_serial_puts("seam-baremetal: PANIC: ");
	bm_serial_write(message, len);
	bm_serial_puts("\nseam-baremetal: halted\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

static inline uint64_t mix_total(uint64_t total, uint32_t tick)
{
	return total * 31 + tick;
}

/* The innermost function of the chain. Its locals: a struct, a string and an
 * array, kept in memory (bm_observe) so a debugger can read them at -O2. */
__attribute__((noinline)) uint64_t bm_c_record(const struct bm_record *record, const char *tag)
{
	struct bm_record copy = *record;
	const char *banner = "recorded";
	uint32_t history[4] = { record->tick, record->job_id, (uint32_t)record->total, 0xc0ffee };
	bm_observe(&copy, sizeof copy);
	bm_observe(history, sizeof history);
	bm_observe(banner, 1);
	bm_observe(tag, 1);
	copy.total = mix_total(copy.total, copy.tick);
	seam_last_total = copy.total;
	return copy.total;
}

static int starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

static uint64_t parse_u64(const char *s)
{
	uint64_t value = 0;
	while (*s >= '0' && *s <= '9')
		value = value * 10 + (uint64_t)(*s++ - '0');
	return value;
}

static void parse_cmdline(const struct hvm_start_info *info, struct boot_options *options)
{
	if (!info || info->magic != HVM_START_MAGIC || !info->cmdline_paddr)
		return;
	const char *p = (const char *)(uintptr_t)info->cmdline_paddr;
	options->cmdline = p;
	while (*p) {
		while (*p == ' ')
			p++;
		if (starts_with(p, "seam.panic="))
			options->panic_at = (uint32_t)parse_u64(p + 11);
		else if (starts_with(p, "seam.delay="))
			options->delay = parse_u64(p + 11);
		while (*p && *p != ' ')
			p++;
	}
}

static void busy_delay(uint64_t loops)
{
	for (uint64_t i = 0; i < loops; i++)
		__asm__ volatile("pause" ::: "memory");
}

/* Inlined into kmain: builds the tick's configuration and calls into Rust. */
static inline uint64_t run_tick(uint32_t tick, const char *label)
{
	struct bm_tick_config config = {
		.tick = tick,
		.sensor_count = 3 + tick % 4,
		.label = label,
		.trigger_panic = seam_trigger_panic,
	};
	return rust_tick(&config);
}

void kmain(uint32_t start_info_paddr)
{
	struct boot_options options = { 0, 0, "" };
	char label[16] = "tick";
	serial_init();
	parse_cmdline((const struct hvm_start_info *)(uintptr_t)start_info_paddr, &options);
	if (options.panic_at)
		seam_panic_at_tick = options.panic_at;
	if (options.delay)
		seam_delay_loops = options.delay;
	/* A new line first: the firmware leaves its last line open. */
	bm_serial_puts("\nseam-baremetal: boot, cmdline \"");
	bm_serial_puts(options.cmdline);
	bm_serial_puts("\"\n");
	bm_observe(&options, sizeof options);
	bm_observe(label, sizeof label);

	for (uint32_t tick = 1;; tick++) {
		seam_step_marker(tick);
		if (seam_panic_at_tick && tick >= seam_panic_at_tick)
			seam_trigger_panic = 1;
		uint64_t value = run_tick(tick, label);
		bm_serial_puts("seam-baremetal: tick ");
		bm_serial_put_u64(tick);
		bm_serial_puts(" value ");
		bm_serial_put_u64(value);
		bm_serial_puts("\n");
		busy_delay(seam_delay_loops);
	}
}
