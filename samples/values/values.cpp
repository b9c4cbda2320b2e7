// C++ globals for the value formatter tests (see values.c).
#include <cstdint>

namespace geo {
struct Base {
  int id;
};
struct Derived : Base {
  double scale;
};
template <typename T>
struct Holder {
  T value;
  T* self;
};
enum class Mode : uint8_t { Off, On, Auto };
namespace detail {
struct Pair {
  short first;
  bool second;
};
}  // namespace detail
}  // namespace geo

int cpp_target = 5;
geo::Derived cpp_derived{{7}, 2.5};
geo::Holder<int> cpp_holder{5, &cpp_target};
geo::Mode cpp_mode = geo::Mode::On;
geo::detail::Pair cpp_pair{-1, true};
int& cpp_ref = cpp_target;
const geo::Derived* cpp_derived_ptr = &cpp_derived;

extern "C" int values_cpp_anchor() { return cpp_ref + cpp_holder.value; }
