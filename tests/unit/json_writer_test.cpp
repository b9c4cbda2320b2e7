#include "cli/json_writer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace seam::cli {
namespace {

std::string write_string(std::string_view text) {
  std::ostringstream out;
  JsonWriter(out).value(text);
  return out.str();
}

TEST(JsonWriterTest, WritesNestedContainersWithCommas) {
  std::ostringstream out;
  JsonWriter json(out);
  json.begin_object();
  json.key("a").value(1);
  json.key("b").begin_array().value("x").value(true).null().end_array();
  json.key("c").begin_object().end_object();
  json.end_object();
  EXPECT_EQ(out.str(), R"({"a":1,"b":["x",true,null],"c":{}})");
}

TEST(JsonWriterTest, EscapesControlCharactersAndQuotes) {
  EXPECT_EQ(write_string("a\"b\\c\n\t\x01"), R"("a\"b\\c\n\t\u0001")");
}

TEST(JsonWriterTest, KeepsValidUtf8) {
  EXPECT_EQ(write_string("caf\xc3\xa9 \xe2\x88\x82 \xf0\x9f\xa6\x80"),
            "\"caf\xc3\xa9 \xe2\x88\x82 \xf0\x9f\xa6\x80\"");
}

TEST(JsonWriterTest, ReplacesInvalidUtf8) {
  // A stray byte, an overlong '/', a surrogate, a truncated sequence.
  EXPECT_EQ(write_string("a\xff"
                         "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(write_string("\xc0\xaf"), R"("\ufffd\ufffd")");
  EXPECT_EQ(write_string("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");
  EXPECT_EQ(write_string("x\xe2\x88"), R"("x\ufffd\ufffd")");
}

}  // namespace
}  // namespace seam::cli
