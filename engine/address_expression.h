// The address expressions the sessions' evaluate_address reads: a number, or
// SYMBOL[+OFFSET]. A number is hex with 0x, or bare hex when it has a-f or
// 8 digits or more (kernel addresses, as crash accepts them), else decimal.
//
//   Result<AddressExpression> parsed = parse_address_expression(expression);
//   if (!parsed) return parsed.error();
//   if (!parsed->symbol) return parsed->value;              // a number
//   return address_of(*parsed->symbol) + parsed->value;     // SYMBOL+OFFSET
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "symbolizer/result.h"

namespace seam::engine {

struct AddressExpression {
  // The symbol named, a view into the expression; none for a number.
  std::optional<std::string_view> symbol;
  // The number, or the offset after the symbol (0 without one).
  uint64_t value = 0;
};

// Spaces around `expression` are ignored; an offset that is no number is an
// error.
Result<AddressExpression> parse_address_expression(std::string_view expression);

}  // namespace seam::engine
