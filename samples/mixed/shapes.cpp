// The C++ layer of the mixed sample: Rust calls mixed_cpp_total_area, which
// builds shape objects, sums their areas and reports the total back to C.
//
// It exercises what a symbolizer must name correctly for C++: nested
// namespaces, a class hierarchy with virtual methods, templates (instantiated
// with lambda types, whose names a demangler has to spell out), and lambdas.
// The functions on the path to the C callback are either kept out of line
// ([[gnu::noinline]]) so they are real frames, or forced inline
// ([[gnu::always_inline]]) so they appear as DW_TAG_inlined_subroutine frames
// at -O2 with both g++ and clang++.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "mixed.h"

namespace seam::geometry {

class Shape {
 public:
  virtual ~Shape() = default;
  virtual double area() const = 0;
  virtual const char* name() const = 0;
};

class Circle final : public Shape {
 public:
  explicit Circle(double radius) : radius_(radius) {}
  double area() const override { return M_PI * radius_ * radius_; }
  const char* name() const override { return "circle"; }

 private:
  double radius_;
};

class Rect final : public Shape {
 public:
  Rect(double w, double h) : w_(w), h_(h) {}
  double area() const override { return w_ * h_; }
  const char* name() const override { return "rect"; }

 private:
  double w_, h_;
};

class Triangle final : public Shape {
 public:
  Triangle(double base, double height) : base_(base), height_(height) {}
  double area() const override { return 0.5 * base_ * height_; }
  const char* name() const override { return "triangle"; }

 private:
  double base_, height_;
};

// Who hears about the finished total. Virtual so Canvas::render makes an
// indirect call that no compiler can devirtualize, keeping on_total a real
// frame on the stack.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual int on_total(double total, std::size_t count) = 0;
};

namespace detail {

// A template taking a callable; instantiated with a lambda type below, so
// its inlined frame is named like
// seam::geometry::detail::notify<seam::geometry::CReporter::on_total(double, unsigned long)::{lambda()#1}>.
template <typename Fn>
[[gnu::always_inline]] inline int notify(Fn&& fn) {
  int rc = fn();
  return rc < 0 ? -1 : rc;
}

}  // namespace detail

// Sums fn(shape) over a container of owning pointers.
template <typename Container, typename Fn>
[[gnu::always_inline]] inline double sum_by(const Container& shapes, Fn fn) {
  double total = 0.0;
  for (const auto& shape : shapes) total += fn(*shape);
  return total;
}

// Reports to the C side (callback.c).
class CReporter final : public Observer {
 public:
  explicit CReporter(std::uint32_t mode) : mode_(mode) {}
  int on_total(double total, std::size_t count) override;
  int reports() const { return reports_; }

 private:
  std::uint32_t mode_;
  int reports_ = 0;
};

// noinline: a real frame (and the target of a virtual call anyway). The call
// into C is made from inside a lambda inside detail::notify, both inlined, so
// this frame's call site carries two inlined C++ frames.
[[gnu::noinline]] int CReporter::on_total(double total, std::size_t count) {
  int rc = detail::notify([&]() { return mixed_c_report(total, count, mode_); });
  ++reports_;  // work after the call: no tail call, the frame stays
  return rc;
}

class Canvas {
 public:
  explicit Canvas(Observer& observer) : observer_(observer) {}

  void add(const mixed_shape_spec& spec) {
    if (auto shape = make_shape(spec)) shapes_.push_back(std::move(shape));
  }

  [[gnu::noinline]] double render() const;

 private:
  static std::unique_ptr<Shape> make_shape(const mixed_shape_spec& spec) {
    switch (spec.kind) {
      case MIXED_SHAPE_CIRCLE: return std::make_unique<Circle>(spec.a);
      case MIXED_SHAPE_RECT: return std::make_unique<Rect>(spec.a, spec.b);
      case MIXED_SHAPE_TRIANGLE: return std::make_unique<Triangle>(spec.a, spec.b);
      default: return nullptr;
    }
  }

  std::vector<std::unique_ptr<Shape>> shapes_;
  Observer& observer_;
};

double Canvas::render() const {
  double total = sum_by(shapes_, [](const Shape& s) { return s.area(); });
  // The indirect call: the stack shows Canvas::render calling
  // CReporter::on_total.
  int rc = observer_.on_total(total, shapes_.size());
  return rc == 0 ? total : -1.0;
}

}  // namespace seam::geometry

extern "C" double mixed_cpp_total_area(const mixed_shape_spec* specs, std::size_t count,
                                        std::uint32_t mode) {
  using namespace seam::geometry;
  CReporter reporter(mode);
  Canvas canvas(reporter);
  for (std::size_t i = 0; i < count; ++i) canvas.add(specs[i]);
  // canvas and reporter are destroyed after render() returns, so the call is
  // not a tail call and this frame stays on the stack.
  double total = canvas.render();
  return reporter.reports() == 1 ? total : -1.0;
}
