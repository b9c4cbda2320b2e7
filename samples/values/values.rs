//! Rust statics for the value formatter tests (see values.c): structs, tuples,
//! enums (tagged, niche-encoded, C-like), &str, slices, trait objects, String
//! and Vec. Built as a staticlib (crate `values_rs`) and linked -no-pie.
//! `#[no_mangle]` keeps every static in the binary with a DW_AT_location
//! (rustc otherwise inlines unexported ones and gdb says <optimized out>).
#![allow(dead_code)]

use std::ptr::NonNull;

pub struct Point {
    x: i32,
    y: i32,
}
pub struct Wrapper(u64);
pub enum Color {
    Red,
    Green,
    Blue,
}
pub enum Shape {
    Circle(f64),
    Rect { w: u32, h: u32 },
    Empty,
}
pub trait Area {
    fn area(&self) -> f64;
}
pub struct Square {
    side: f64,
}
impl Area for Square {
    fn area(&self) -> f64 {
        self.side * self.side
    }
}
pub struct Nested {
    point: Point,
    name: &'static str,
    shape: Shape,
}

#[no_mangle]
pub static RS_U32: u32 = 7;
#[no_mangle]
pub static RS_I64: i64 = -5;
#[no_mangle]
pub static RS_BOOL: bool = true;
#[no_mangle]
pub static RS_CHAR: char = 'é';
#[no_mangle]
pub static RS_F64: f64 = 2.5;
#[no_mangle]
pub static RS_POINT: Point = Point { x: 1, y: 2 };
#[no_mangle]
pub static RS_WRAPPER: Wrapper = Wrapper(5);
#[no_mangle]
pub static RS_TUPLE: (u8, i16, bool) = (1, -2, false);
#[no_mangle]
pub static RS_UNIT: () = ();
#[no_mangle]
pub static RS_STR: &str = "hello \"rust\"\n";
#[no_mangle]
pub static RS_SLICE: &[u16] = &[1, 2, 3];
#[no_mangle]
pub static RS_EMPTY_SLICE: &[u16] = &[];
#[no_mangle]
pub static RS_ARRAY: [i8; 3] = [-1, 0, 1];
#[no_mangle]
pub static RS_REF: &u32 = &RS_U32;
#[no_mangle]
pub static RS_SOME_REF: Option<&u32> = Some(&RS_U32);
#[no_mangle]
pub static RS_NONE_REF: Option<&u32> = None;
#[no_mangle]
pub static RS_SOME_U32: Option<u32> = Some(9);
#[no_mangle]
pub static RS_NONE_U32: Option<u32> = None;
#[no_mangle]
pub static RS_NONE_BOX: Option<Box<u32>> = None;
#[no_mangle]
pub static mut RS_SOME_NONNULL: Option<NonNull<u32>> =
    Some(unsafe { NonNull::new_unchecked(&RS_U32 as *const u32 as *mut u32) });
#[no_mangle]
pub static mut RS_RAW: *const u32 = &RS_U32;
#[no_mangle]
pub static RS_OK: Result<u32, i8> = Ok(3);
#[no_mangle]
pub static RS_ERR: Result<u32, i8> = Err(-1);
#[no_mangle]
pub static RS_COLOR: Color = Color::Green;
#[no_mangle]
pub static RS_CIRCLE: Shape = Shape::Circle(1.5);
#[no_mangle]
pub static RS_RECT: Shape = Shape::Rect { w: 3, h: 4 };
#[no_mangle]
pub static RS_EMPTY: Shape = Shape::Empty;
#[no_mangle]
pub static RS_DYN: &(dyn Area + Sync) = &Square { side: 2.0 };
#[no_mangle]
pub static RS_NESTED: Nested = Nested {
    point: Point { x: -3, y: 4 },
    name: "nested",
    shape: Shape::Rect { w: 1, h: 2 },
};
#[no_mangle]
pub static RS_STRING: String = String::new();
#[no_mangle]
pub static RS_VEC: Vec<u32> = Vec::new();

/// Referenced from C so the linker keeps this object (and its statics).
#[no_mangle]
pub extern "C" fn values_rs_anchor() -> f64 {
    let mut total = RS_DYN.area() + RS_U32 as f64;
    if let Some(v) = RS_SOME_REF {
        total += *v as f64;
    }
    total + RS_STR.len() as f64 + RS_SLICE.len() as f64 + RS_STRING.len() as f64 + RS_VEC.len() as f64
}
