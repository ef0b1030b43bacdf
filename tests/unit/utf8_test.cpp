#include "engine/util/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace retort::engine {
namespace {

TEST(FirstInvalidUtf8, AcceptsWellFormedText) {
  EXPECT_EQ(firstInvalidUtf8("plain"), std::string::npos);
  EXPECT_EQ(firstInvalidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8d\xac"), std::string::npos);
}

TEST(FirstInvalidUtf8, FindsTheFirstBadByte) {
  EXPECT_EQ(firstInvalidUtf8("caf\xe9"), 3u);            // Latin-1
  EXPECT_EQ(firstInvalidUtf8("ab\xc0\xaf"), 2u);         // overlong '/'
  EXPECT_EQ(firstInvalidUtf8("\xed\xa0\x80"), 0u);       // a surrogate
  EXPECT_EQ(firstInvalidUtf8("x\xf4\x90\x80\x80"), 1u);  // above U+10FFFF
  EXPECT_EQ(firstInvalidUtf8("xy\xe2\x82"), 2u);         // cut short
}

TEST(EscapeInvalidUtf8, WritesEachBadByteAsHex) {
  EXPECT_EQ(escapeInvalidUtf8("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(escapeInvalidUtf8("head\xff"), "head\\xff");
  EXPECT_EQ(escapeInvalidUtf8("\xe2\x82x"), "\\xe2\\x82x");         // a sequence cut short
  EXPECT_EQ(escapeInvalidUtf8("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(escapeInvalidUtf8(""), "");
  EXPECT_EQ(firstInvalidUtf8(escapeInvalidUtf8("a\x80\xc0\xaf\xf5"
                                               "b")),
            std::string_view::npos);
}

}  // namespace
}  // namespace retort::engine
