//! The Rust layer of the mixed sample, built as a staticlib (crate `mixed_rs`).
//!
//! C `main` calls `mixed_rust_entry`; Rust picks a scene (a trait object),
//! turns its shapes (an enum with data) into `MixedShapeSpec`s through generic
//! helpers and closures, and hands them to C++ (`mixed_cpp_total_area`), which
//! calls back into C. In "panic" mode a shape fails validation and Rust panics;
//! the panic is caught at the FFI boundary, because unwinding into C frames is
//! undefined behaviour (and an abort since Rust 1.81).
//!
//! Functions on the path to the C++ call are either `#[inline(never)]` (real
//! frames, some of them generic so their mangled names carry type arguments
//! under v0 mangling) or `#[inline(always)]` (DW_TAG_inlined_subroutine frames
//! at opt-level=2). Must build with Debian's rustc 1.63 as well as current
//! stable: no let-else, no newer std APIs.

use std::fmt;
use std::panic;

/// Mirrors `struct mixed_shape_spec` in mixed.h.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MixedShapeSpec {
    kind: u32,
    a: f64,
    b: f64,
}

// Values from mixed.h.
const SHAPE_CIRCLE: u32 = 1;
const SHAPE_RECT: u32 = 2;
const SHAPE_TRIANGLE: u32 = 3;
const STATUS_OK: i32 = 0;
const STATUS_BAD_MODE: i32 = -1;
const STATUS_SCENE: i32 = -2;
const STATUS_PANIC: i32 = -3;

extern "C" {
    /// C++ (shapes.cpp).
    fn mixed_cpp_total_area(specs: *const MixedShapeSpec, count: usize, mode: u32) -> f64;
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Run,
    Backtrace,
    Panic,
}

impl Mode {
    fn from_raw(raw: u32) -> Option<Mode> {
        match raw {
            0 => Some(Mode::Run),
            1 => Some(Mode::Backtrace),
            2 => Some(Mode::Panic),
            _ => None,
        }
    }

    fn raw(self) -> u32 {
        match self {
            Mode::Run => 0,
            Mode::Backtrace => 1,
            Mode::Panic => 2,
        }
    }
}

/// An enum with data: each variant carries its own dimensions.
#[derive(Clone, Debug)]
pub enum Shape {
    Circle { radius: f64 },
    Rect { width: f64, height: f64 },
    Triangle(f64, f64),
    /// Has no area; dropped before the shapes go to C++ (the `None` case).
    Point,
}

#[derive(Debug)]
pub enum SceneError {
    Empty,
    Invalid { what: &'static str, value: f64 },
    CppFailed,
}

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SceneError::Empty => write!(f, "the scene has no shapes"),
            SceneError::Invalid { what, value } => write!(f, "invalid {}: {}", what, value),
            SceneError::CppFailed => write!(f, "the C++ side reported a failure"),
        }
    }
}

impl Shape {
    #[inline(always)]
    fn to_spec(&self) -> Option<MixedShapeSpec> {
        match *self {
            Shape::Circle { radius } => Some(MixedShapeSpec { kind: SHAPE_CIRCLE, a: radius, b: 0.0 }),
            Shape::Rect { width, height } => Some(MixedShapeSpec { kind: SHAPE_RECT, a: width, b: height }),
            Shape::Triangle(base, height) => Some(MixedShapeSpec { kind: SHAPE_TRIANGLE, a: base, b: height }),
            Shape::Point => None,
        }
    }

    #[inline(always)]
    fn validate(&self) -> Result<&Shape, SceneError> {
        match *self {
            Shape::Circle { radius } if radius < 0.0 => Err(SceneError::Invalid { what: "radius", value: radius }),
            Shape::Rect { width, .. } if width < 0.0 => Err(SceneError::Invalid { what: "width", value: width }),
            _ => Ok(self),
        }
    }
}

/// A source of shapes, used as `Box<dyn Scene>` and `&dyn Scene`.
pub trait Scene {
    fn name(&self) -> &str;
    fn shapes(&self) -> Vec<Shape>;
}

struct Garden {
    beds: usize,
}

impl Scene for Garden {
    fn name(&self) -> &str {
        "garden"
    }

    fn shapes(&self) -> Vec<Shape> {
        let mut shapes: Vec<Shape> = (1..=self.beds)
            .map(|i| Shape::Rect { width: 2.0, height: i as f64 })
            .collect();
        shapes.push(Shape::Circle { radius: 1.5 });
        shapes.push(Shape::Triangle(3.0, 4.0));
        shapes.push(Shape::Point);
        shapes
    }
}

/// The scene of the panic path: one shape has a negative radius.
struct Broken;

impl Scene for Broken {
    fn name(&self) -> &str {
        "broken"
    }

    fn shapes(&self) -> Vec<Shape> {
        vec![Shape::Rect { width: 1.0, height: 1.0 }, Shape::Circle { radius: -2.0 }]
    }
}

/// How shapes are scaled before they are measured; a generic parameter of
/// `measure_scene`, so each implementation gets its own instance (and, under
/// v0 mangling, its own readable symbol name).
pub trait Scale {
    fn factor(&self) -> f64;
}

pub struct Unit;

impl Scale for Unit {
    fn factor(&self) -> f64 {
        1.0
    }
}

fn make_scene(mode: Mode) -> Box<dyn Scene> {
    match mode {
        Mode::Panic => Box::new(Broken),
        Mode::Run | Mode::Backtrace => Box::new(Garden { beds: 3 }),
    }
}

/// Never returns: the panic path. Kept out of line and cold like a real
/// error path, so `mixed_rs::reject` is a frame of its own under the panic
/// machinery.
#[inline(never)]
#[cold]
fn reject(scene: &str, err: SceneError) -> ! {
    panic!("scene {:?} rejected: {}", scene, err)
}

/// Generic over the consumer of the specs; inlined into its caller, so the
/// closure it calls (and the C++ call in that closure) sit in two inlined
/// frames: `with_specs` and `measure_scene::{{closure}}`.
#[inline(always)]
fn with_specs<F, R>(specs: &[MixedShapeSpec], consume: F) -> Option<R>
where
    F: FnOnce(&[MixedShapeSpec]) -> R,
{
    if specs.is_empty() {
        None
    } else {
        Some(consume(specs))
    }
}

/// The one FFI call into C++, wrapped so it shows up as an inlined frame.
#[inline(always)]
fn cpp_total_area(specs: &[MixedShapeSpec], mode: Mode) -> f64 {
    unsafe { mixed_cpp_total_area(specs.as_ptr(), specs.len(), mode.raw()) }
}

/// A real, generic frame: `mixed_rs::measure_scene::<mixed_rs::Unit>`.
/// Validates the shapes (panicking on an invalid one), scales them with a
/// closure capturing the factor, and measures them through C++.
#[inline(never)]
fn measure_scene<S: Scale>(scene: &dyn Scene, scale: &S, mode: Mode) -> Result<f64, SceneError> {
    let factor = scale.factor();
    let specs: Vec<MixedShapeSpec> = scene
        .shapes()
        .iter()
        .map(|shape| shape.validate().unwrap_or_else(|err| reject(scene.name(), err)))
        .filter_map(Shape::to_spec)
        .map(move |spec| MixedShapeSpec { a: spec.a * factor, b: spec.b * factor, ..spec })
        .collect();
    let total = with_specs(&specs, |specs| cpp_total_area(specs, mode)).ok_or(SceneError::Empty)?;
    if total < 0.0 {
        Err(SceneError::CppFailed)
    } else {
        Ok(total)
    }
}

/// Inlined into mixed_rust_entry (inside the catch_unwind closure).
#[inline(always)]
fn dispatch(mode: Mode) -> Result<f64, SceneError> {
    let scene = make_scene(mode);
    measure_scene(&*scene, &Unit, mode)
}

/// Entry point called from C `main`.
///
/// # Safety
/// `total_out` must be null or point to a writable f64.
#[no_mangle]
pub unsafe extern "C" fn mixed_rust_entry(mode: u32, total_out: *mut f64) -> i32 {
    let mode = match Mode::from_raw(mode) {
        Some(mode) => mode,
        None => return STATUS_BAD_MODE,
    };
    match panic::catch_unwind(|| dispatch(mode)) {
        Ok(Ok(total)) => {
            if !total_out.is_null() {
                *total_out = total;
            }
            STATUS_OK
        }
        Ok(Err(err)) => {
            eprintln!("rust: {}", err);
            STATUS_SCENE
        }
        Err(_) => STATUS_PANIC,
    }
}
