#include "engine/sql/quoting.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace retort::engine::sql {
namespace {

TEST(QuoteIdentifier, LeavesPlainLowercaseNamesBare) {
  EXPECT_EQ(quoteIdentifier("alembic_version"), "alembic_version");
  EXPECT_EQ(quoteIdentifier("_t1"), "_t1");
  // Unreserved keywords need no quotes, exactly as quote_ident() leaves them.
  EXPECT_EQ(quoteIdentifier("name"), "name");
  EXPECT_EQ(quoteIdentifier("version"), "version");
}

TEST(QuoteIdentifier, QuotesReservedKeywords) {
  EXPECT_EQ(quoteIdentifier("user"), "\"user\"");
  EXPECT_EQ(quoteIdentifier("select"), "\"select\"");
  EXPECT_EQ(quoteIdentifier("order"), "\"order\"");
  EXPECT_EQ(quoteIdentifier("table"), "\"table\"");
  // TYPE_FUNC_NAME and COL_NAME keywords are quoted too, as quote_ident() does.
  EXPECT_EQ(quoteIdentifier("left"), "\"left\"");
  EXPECT_EQ(quoteIdentifier("time"), "\"time\"");
}

TEST(QuoteIdentifier, QuotesUppercaseSpecialCharactersAndLeadingDigits) {
  EXPECT_EQ(quoteIdentifier("Users"), "\"Users\"");
  EXPECT_EQ(quoteIdentifier("my-table"), "\"my-table\"");
  EXPECT_EQ(quoteIdentifier("1st"), "\"1st\"");
  EXPECT_EQ(quoteIdentifier(""), "\"\"");
  EXPECT_EQ(quoteIdentifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quoteIdentifier("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(QuoteIdentifier, RejectsNul) {
  EXPECT_THROW(quoteIdentifier(std::string("a\0b", 3)), std::invalid_argument);
}

TEST(QualifiedName, QuotesEachPart) {
  EXPECT_EQ(qualifiedName("", "user"), "\"user\"");
  EXPECT_EQ(qualifiedName("public", "alembic_version"), "public.alembic_version");
  EXPECT_EQ(qualifiedName("Audit", "user"), "\"Audit\".\"user\"");
}

TEST(QuoteLiteral, DoublesQuotesAndEscapesBackslashes) {
  EXPECT_EQ(quoteLiteral("abc"), "'abc'");
  EXPECT_EQ(quoteLiteral("it's"), "'it''s'");
  EXPECT_EQ(quoteLiteral(""), "''");
  EXPECT_EQ(quoteLiteral("a\\b"), "E'a\\\\b'");
  EXPECT_THROW(quoteLiteral(std::string("a\0b", 3)), std::invalid_argument);
}

}  // namespace
}  // namespace retort::engine::sql
