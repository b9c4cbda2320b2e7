// A streaming JSON writer for --json output: objects, arrays, strings with
// proper escaping, numbers, booleans and null. Commas are handled for you.
//
//   JsonWriter json(std::cout);
//   json.begin_object();
//   json.key("address").value("0x1234");
//   json.key("frames").begin_array();
//   json.end_array();
//   json.end_object();
#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>
#include <vector>

namespace seam::cli {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(unsigned number) { return value(static_cast<uint64_t>(number)); }
  JsonWriter& value(bool flag);
  // The shortest text that reads back as the same double; NaN and
  // infinities, which JSON cannot express, become null.
  JsonWriter& value(double number);
  JsonWriter& null();

 private:
  void before_value();
  void write_string(std::string_view text);

  std::ostream& out_;
  // One entry per open container: whether it already holds an element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace seam::cli
