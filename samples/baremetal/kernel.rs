//! seam-baremetal, the Rust part: `#![no_std]`, panic=abort, no allocator.
//!
//! Called from C (`rust_tick`, once per tick) and from C++ (`rust_measure`,
//! once per scheduled job); calls C++ (`bm_cpp_schedule`) and C
//! (`bm_c_record`). Its locals cover the shapes of Rust data a debugger has to
//! show: a struct, an enum with data, `Option<&T>` (niche-encoded),
//! `Option<u32>`, `Result<u32, Error>`, `&str`, `&[u32]` and `&dyn Sensor`.
//! The locals that matter are `pin`ned (a volatile read and write of their
//! slot): they stay in memory with a DWARF location that holds the right value
//! at every breakpoint further down, at -O2. (samples/baremetal/CMakeLists.txt
//! also turns off LLVM's push-based call frame optimization: rustc 1.63's
//! LLVM 14 describes %rsp-relative slots without the pushed stack arguments,
//! so at the call to `measure` a debugger would read them 32 bytes off.)
//!
//! Builds with rustc 1.63 (Debian 12) and current stable: no `black_box`, no
//! `PanicInfo::message`, no let-else.
#![no_std]

use core::fmt::{self, Write};
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicU32, Ordering};

/// `struct bm_tick_config` (baremetal.h).
#[repr(C)]
pub struct TickConfig {
    pub tick: u32,
    pub sensor_count: u32,
    pub label: *const u8,
    pub trigger_panic: i32,
}

/// `struct bm_job` (baremetal.h).
#[repr(C)]
pub struct Job {
    pub id: u32,
    pub priority: u32,
    pub readings: *const u32,
    pub count: usize,
    pub name: *const u8,
}

/// `struct bm_record` (baremetal.h).
#[repr(C)]
pub struct Record {
    pub tick: u32,
    pub job_id: u32,
    pub total: u64,
    pub source: *const u8,
}

extern "C" {
    fn bm_serial_write(s: *const u8, len: usize);
    fn bm_panic_halt(message: *const u8, len: usize) -> !;
    fn bm_c_record(record: *const Record, tag: *const u8) -> u64;
    fn bm_cpp_schedule(tick: u32, readings: *const u32, count: usize) -> u64;
}

/// A plain struct.
#[derive(Clone, Copy, Debug)]
pub struct Calibration {
    pub offset: u32,
    pub scale: u32,
}

/// An enum with data: what a tick does.
#[derive(Clone, Copy, Debug)]
pub enum Command {
    Idle,
    Sample { count: u32, scale: u16 },
    Report(u64),
}

/// The error of `measure`.
#[derive(Clone, Copy, Debug)]
pub enum Error {
    Empty,
    Overflow { at: u32 },
}

/// Called through `&dyn Sensor`: a vtable in the debug info.
pub trait Sensor {
    fn read(&self, tick: u32) -> u32;
    fn name(&self) -> &'static str;
}

pub struct Thermometer {
    pub base: u32,
}

pub struct Counter {
    pub step: u32,
}

impl Sensor for Thermometer {
    fn read(&self, tick: u32) -> u32 {
        self.base + tick % 5
    }
    fn name(&self) -> &'static str {
        "thermometer"
    }
}

impl Sensor for Counter {
    fn read(&self, tick: u32) -> u32 {
        tick.wrapping_mul(self.step)
    }
    fn name(&self) -> &'static str {
        "counter"
    }
}

static THERMOMETER: Thermometer = Thermometer { base: 20 };
static COUNTER: Counter = Counter { step: 3 };
static CALIBRATION: Calibration = Calibration { offset: 7, scale: 2 };

/// The tick being run, and whether it must panic (set by `rust_tick`, read
/// by `measure` further down the chain, after the C++ frames).
static CURRENT_TICK: AtomicU32 = AtomicU32::new(0);
static PANIC_REQUESTED: AtomicU32 = AtomicU32::new(0);

/// Makes `slot` a stack slot that holds its value for the rest of the
/// function: a volatile read and write keep the optimizer from promoting it to
/// registers, so its DWARF location stays right at every breakpoint below.
#[inline(always)]
fn pin<T>(slot: &mut T) {
    unsafe {
        let value = core::ptr::read_volatile(slot);
        core::ptr::write_volatile(slot, value);
    }
}

/// A NUL-terminated C string as `&str` (the strings here are ASCII).
unsafe fn c_str<'a>(p: *const u8) -> &'a str {
    let mut len = 0;
    while *p.add(len) != 0 {
        len += 1;
    }
    core::str::from_utf8_unchecked(core::slice::from_raw_parts(p, len))
}

/// Decides what a tick does (inlined into `rust_tick`).
#[inline(always)]
fn plan(config: &TickConfig) -> Command {
    match config.tick % 4 {
        0 => Command::Report(u64::from(config.tick) * 1000),
        3 => Command::Idle,
        _ => Command::Sample { count: config.sensor_count, scale: (config.tick % 3 + 1) as u16 },
    }
}

/// Fills `readings` from a sensor (inlined into `execute`); returns how many.
#[inline(always)]
fn take_readings(readings: &mut [u32; 8], sensor: &dyn Sensor, tick: u32, command: Command) -> usize {
    let (count, scale) = match command {
        Command::Idle => (1, 1),
        Command::Sample { count, scale } => (count as usize, u32::from(scale)),
        Command::Report(_) => (2, 10),
    };
    let count = count.min(readings.len());
    for (i, slot) in readings.iter_mut().take(count).enumerate() {
        *slot = sensor.read(tick + i as u32) * scale;
    }
    count
}

/// Entry from C (kmain -> run_tick -> rust_tick).
#[no_mangle]
pub extern "C" fn rust_tick(config: *const TickConfig) -> u64 {
    let config = unsafe { &*config };
    CURRENT_TICK.store(config.tick, Ordering::Relaxed);
    PANIC_REQUESTED.store((config.trigger_panic != 0) as u32, Ordering::Relaxed);
    let mut command = plan(config);
    pin(&mut command);
    execute(config, command)
}

/// Takes readings and hands them to the C++ scheduler.
#[inline(never)]
fn execute(config: &TickConfig, command: Command) -> u64 {
    let mut label: &str = unsafe { c_str(config.label) };
    let mut sensor: &dyn Sensor = if config.tick % 2 == 0 { &THERMOMETER } else { &COUNTER };
    let mut readings = [0u32; 8];
    let count = take_readings(&mut readings, sensor, config.tick, command);
    pin(&mut readings);
    let mut window: &[u32] = &readings[..count];
    pin(&mut label);
    pin(&mut sensor);
    pin(&mut window);
    let scheduled = unsafe { bm_cpp_schedule(config.tick, window.as_ptr(), window.len()) };
    match command {
        Command::Report(base) => base + scheduled,
        _ => scheduled + label.len() as u64,
    }
}

/// Entry from C++ (seam::kernel::Scheduler::run -> dispatch -> rust_measure).
#[no_mangle]
pub extern "C" fn rust_measure(job: *const Job) -> u32 {
    let job = unsafe { &*job };
    let mut readings: &[u32] = unsafe { core::slice::from_raw_parts(job.readings, job.count) };
    let mut name: &str = unsafe { c_str(job.name) };
    let mut sensor: &dyn Sensor = if job.id % 2 == 0 { &THERMOMETER } else { &COUNTER };
    let mut calibration: Option<&Calibration> = if job.priority % 2 == 0 { Some(&CALIBRATION) } else { None };
    let mut limit: Option<u32> = if readings.len() > 4 { Some(readings.len() as u32 * 1000) } else { None };
    pin(&mut readings);
    pin(&mut name);
    pin(&mut sensor);
    pin(&mut calibration);
    pin(&mut limit);
    let mut result: Result<u32, Error> = measure(sensor, readings, name, calibration, limit, job);
    pin(&mut result);
    match result {
        Ok(value) => value,
        Err(error) => panic!("rust_measure: job {} ({}) failed: {:?}", job.id, name, error),
    }
}

/// Applies an optional calibration (inlined into `measure`).
#[inline(always)]
fn calibrate(readings: &[u32], calibration: Option<&Calibration>) -> u32 {
    let sum = readings.iter().fold(0u32, |a, r| a.wrapping_add(*r));
    match calibration {
        Some(c) => sum.wrapping_mul(c.scale).wrapping_add(c.offset),
        None => sum,
    }
}

/// Hands a record to C (inlined into `measure`).
#[inline(always)]
fn record_in_c(record: &Record, tag: &str) -> u64 {
    // `tag` comes from a C string, so its NUL is still there after it.
    unsafe { bm_c_record(record, tag.as_ptr()) }
}

/// The second Rust level: reads through `&dyn Sensor`, calls C.
#[inline(never)]
fn measure(
    sensor: &dyn Sensor,
    readings: &[u32],
    name: &str,
    calibration: Option<&Calibration>,
    limit: Option<u32>,
    job: &Job,
) -> Result<u32, Error> {
    if readings.is_empty() {
        return Err(Error::Empty);
    }
    let tick = CURRENT_TICK.load(Ordering::Relaxed);
    if PANIC_REQUESTED.load(Ordering::Relaxed) != 0 {
        return Err(Error::Overflow { at: tick });
    }
    let mut sum = calibrate(readings, calibration)
        .wrapping_add(sensor.read(job.id))
        .wrapping_add(sensor.name().len() as u32);
    if let Some(limit) = limit {
        sum = sum.min(limit);
    }
    let mut record = Record { tick, job_id: job.id, total: u64::from(sum), source: SOURCE.as_ptr() };
    pin(&mut record);
    let total = record_in_c(&record, name);
    Ok(total as u32)
}

/// What `bm_record::source` names (a C string).
const SOURCE: &[u8] = b"rust measure\0";

/// Formats the panic message into a fixed buffer (no allocator).
struct PanicBuffer {
    bytes: [u8; 512],
    len: usize,
}

impl Write for PanicBuffer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.bytes.len() - self.len;
        let n = s.len().min(room);
        self.bytes[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// Rust panic -> C halt (bm_panic_halt prints the message and stops the CPU).
#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    let mut buffer = PanicBuffer { bytes: [0; 512], len: 0 };
    let _ = write!(buffer, "{}", info);
    unsafe {
        bm_serial_write(b"seam-baremetal: rust panic\n".as_ptr(), 27);
        bm_panic_halt(buffer.bytes.as_ptr(), buffer.len)
    }
}
