/* The C/C++ side of seam-baremetal's cross-language calls. The Rust side
 * (kernel.rs) declares the same structures with #[repr(C)]. */
#ifndef SEAM_BAREMETAL_H
#define SEAM_BAREMETAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What kmain hands to Rust each tick. */
struct bm_tick_config {
	uint32_t tick;
	uint32_t sensor_count;     /* how many readings to take */
	const char *label;         /* NUL-terminated, for the report */
	int32_t trigger_panic;     /* nonzero: Rust panics this tick */
};

/* What C++ hands back to Rust (rust_measure): one job of the scheduler. */
struct bm_job {
	uint32_t id;
	uint32_t priority;
	const uint32_t *readings;  /* readings[0 .. count) */
	size_t count;
	const char *name;          /* NUL-terminated */
};

/* What the innermost C function records. */
struct bm_record {
	uint32_t tick;
	uint32_t job_id;
	uint64_t total;
	const char *source;        /* language/path that produced it */
};

/* C (kmain.c) */
void bm_serial_write(const char *s, size_t len);
void bm_serial_puts(const char *s);
void bm_serial_put_u64(uint64_t value);
uint64_t bm_c_record(const struct bm_record *record, const char *tag); /* innermost */
void bm_observe(const void *p, size_t len);                              /* keeps locals in memory */
void seam_step_marker(uint32_t tick);                                    /* called every tick */
__attribute__((noreturn)) void bm_panic_halt(const char *message, size_t len);

/* Rust (kernel.rs) */
uint64_t rust_tick(const struct bm_tick_config *config);
uint32_t rust_measure(const struct bm_job *job);

/* C++ (scheduler.cpp) */
uint64_t bm_cpp_schedule(uint32_t tick, const uint32_t *readings, size_t count);

#ifdef __cplusplus
}
#endif

#endif
