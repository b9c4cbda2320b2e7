/* Global variables of every C kind Seam's value formatter prints, compared
 * with gdb's `print` (tests/unit/value_format_test.cpp,
 * tests/integration/test_value_format.py). Linked -no-pie: the addresses in
 * the file are the runtime ones, so values are read straight from .data. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum color { RED, GREEN = 2, BLUE };
enum flags { F_READ = 1, F_WRITE = 2, F_EXEC = 4 };
struct point { int x; int y; };
struct inner { short a; unsigned char b; };
struct outer { int id; struct point p; struct inner in; const char *name; struct outer *next; };
struct deep { struct outer o; int tail; };
struct bits { unsigned int a : 3; unsigned int b : 5; int c : 4; unsigned int d; };
struct anon {
  int kind;
  union { int i; float f; };
  struct { char tag; };
};
union number { int i; unsigned u; float f; };
typedef unsigned long ulong_t;
typedef int (*callback_t)(int);

int c_callback(int x) { return x + 1; }

int c_int = -42;
unsigned int c_uint = 4000000000u;
long c_long = -1234567890123L;
unsigned long long c_ull = 0xdeadbeefcafef00dULL;
short c_short = -7;
char c_char = 'A';
signed char c_schar = -3;
unsigned char c_uchar = 200;
bool c_bool = true;
float c_float = 1.5f;
double c_double = 0.1;
const volatile ulong_t c_typedef = 77;
enum color c_color = BLUE;
enum flags c_flags = F_READ | F_EXEC;
enum flags c_flags_odd = (enum flags)(F_WRITE | 16);
enum color c_color_bad = (enum color)7;
const char *c_string = "hello\tworld\n\"q\"";
const char *c_nullstr = NULL;
const char *c_badstr = (const char *)0x1234;
unsigned char *c_ustring = (unsigned char *)"bytes";
char c_chararray[16] = "abc";
char c_fullarray[4] = {'w', 'x', 'y', 'z'};
int c_array[4] = {1, 2, 3, 4};
int c_zeros[32];
int c_runs[14] = {1, 2, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 3};
int c_matrix[2][3] = {{1, 2, 3}, {4, 5, 6}};
struct point c_point = {1, 2};
struct point c_points[2] = {{1, 2}, {3, 4}};
struct outer c_outer = {7, {3, 4}, {5, 6}, "outer", &c_outer};
struct deep c_deep = {{8, {9, 10}, {11, 12}, NULL, NULL}, 13};
struct bits c_bits = {5, 17, -3, 9};
struct anon c_anon = {1, {.i = 99}, {'z'}};
union number c_union = {.i = 0x3fc00000};
callback_t c_fnptr = c_callback;
int *c_intptr = &c_int;
void *c_voidptr = NULL;
struct point *c_pointptr = &c_point;
