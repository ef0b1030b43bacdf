// Pure tests of the pieces that let Retort compare SQL texts without a server: the canonical
// form of expressions (what a developer writes against what PostgreSQL prints back, and
// differences that must survive), format_type() rendering of parsed type names, and the names
// PostgreSQL generates for unnamed objects. The server-backed counterpart, which checks whole
// files against real catalogs, is tests/integration/schema_sql_reader_test.cpp.
#include <gtest/gtest.h>
#include <pg_query.h>

#include <nlohmann/json.hpp>

#include "engine/schema/generated_names.hpp"
#include "engine/sql/canonical_expression.hpp"
#include "engine/sql/type_name.hpp"

namespace retort::engine {
namespace {

nlohmann::json parse(const std::string& sql) {
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  EXPECT_EQ(result.error, nullptr) << sql;
  nlohmann::json tree = nlohmann::json::parse(result.error ? "{}" : result.parse_tree);
  pg_query_free_parse_result(result);
  return tree;
}

std::string canonical(const std::string& expression) {
  std::string sql = "SELECT " + expression;
  nlohmann::json tree = parse(sql);
  const nlohmann::json& value =
      tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"];
  return sql::canonicalExpression(value, sql).dump();
}

std::string typeOf(const std::string& declaration) {
  std::string sql = "CREATE TABLE t (c " + declaration + ")";
  nlohmann::json tree = parse(sql);
  const nlohmann::json& typeName =
      tree["stmts"][0]["stmt"]["CreateStmt"]["tableElts"][0]["ColumnDef"]["typeName"];
  return sql::formatBuiltinType(typeName, sql).value_or("<not built-in>");
}

// Left: as written in schema.sql. Right: as PostgreSQL 15's pg_get_expr() prints it back.
TEST(CanonicalExpression, WhatTheServerPrintsMeansWhatWasWritten) {
  const std::vector<std::pair<std::string, std::string>> same = {
      {"price > 0", "(price > (0)::numeric)"},
      {"name IN ('a', 'b')",
       "((name)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"},
      {"kind IN ('x')", "(kind = 'x'::text)"},
      {"kind NOT IN ('x', 'y')", "(kind <> ALL (ARRAY['x'::text, 'y'::text]))"},
      {"rating BETWEEN 1 AND 5", "((rating >= 1) AND (rating <= 5))"},
      {"r NOT BETWEEN -5 AND -1", "((r < '-5'::integer) OR (r > '-1'::integer))"},
      {"email LIKE '%@%'", "((email)::text ~~ '%@%'::text)"},
      {"email NOT ILIKE 'a%'", "((email)::text !~~* 'a%'::text)"},
      {"a AND b AND c", "((a AND b) AND c)"},
      {"lower(email)", "lower((email)::text)"},
      {"position('@' IN email) > 1", "(POSITION(('@'::text) IN ((email)::text)) > 1)"},
      {"-1", "'-1'::integer"},
      {"- 7", "'-7'::integer"},
      {"3000000000", "'3000000000'::bigint"},
      {"''", "''::text"},
      {"'{}'::jsonb", "'{}'::jsonb"},
      {"nextval('s')", "nextval('s'::regclass)"},
      {"pg_catalog.now()", "now()"},
      {"x > 00", "x > 0"},
  };
  for (const auto& [written, printed] : same) {
    EXPECT_EQ(canonical(written), canonical(printed)) << written << "  vs  " << printed;
  }
}

TEST(CanonicalExpression, RealDifferencesSurvive) {
  const std::vector<std::pair<std::string, std::string>> different = {
      {"x > 0", "x > -1"},                     // a negative constant (the JSON prints both as {})
      {"x > 0", "x > '0'"},                    // a number is not a string
      {"x > 1", "x >= 1"},                     // the operator
      {"a IN ('x', 'y')", "a IN ('y', 'x')"},  // order of an array is kept
      {"(c)::date", "c"},                      // a cast of a column to a non-text type is kept
      {"now()", "CURRENT_TIMESTAMP"},
      {"true", "false"},
      {"x IS NULL", "x IS NOT NULL"},
  };
  for (const auto& [left, right] : different) {
    EXPECT_NE(canonical(left), canonical(right)) << left << "  vs  " << right;
  }
}

TEST(TypeName, RendersAsFormatType) {
  const std::vector<std::pair<std::string, std::string>> types = {
      {"int", "integer"},
      {"INTEGER", "integer"},
      {"int8", "bigint"},
      {"smallint", "smallint"},
      {"float", "double precision"},
      {"float(10)", "real"},
      {"numeric", "numeric"},
      {"numeric(10)", "numeric(10,0)"},
      {"decimal(12,2)", "numeric(12,2)"},
      {"varchar", "character varying"},
      {"character varying(30)", "character varying(30)"},
      {"char", "character(1)"},
      {"char(3)", "character(3)"},
      {"bpchar", "bpchar"},
      {"timestamp", "timestamp without time zone"},
      {"timestamptz(3)", "timestamp(3) with time zone"},
      {"time(2) with time zone", "time(2) with time zone"},
      {"bit", "bit(1)"},
      {"varbit(4)", "bit varying(4)"},
      {"text[][]", "text[]"},
      {"varchar(5)[]", "character varying(5)[]"},
      {"interval", "interval"},
      {"interval day to second", "<not built-in>"},
      {"citext", "<not built-in>"},
      {"serial", "<not built-in>"},
  };
  for (const auto& [declaration, expected] : types) {
    EXPECT_EQ(typeOf(declaration), expected) << declaration;
  }
}

TEST(GeneratedNames, FollowPostgresRules) {
  using schema::columnsNamePart;
  using schema::generatedName;
  EXPECT_EQ(generatedName("users", "", "pkey"), "users_pkey");
  EXPECT_EQ(generatedName("users", columnsNamePart({"a", "b"}), "key"), "users_a_b_key");
  // 63 bytes at most, taken from the longer part first (checked against PostgreSQL 15).
  EXPECT_EQ(generatedName("a_table_name_that_is_quite_long_really_quite_long_indeed",
                          "a_column_name_that_is_also_rather_long_for_a_column", "key"),
            "a_table_name_that_is_quite_lo_a_column_name_that_is_also_ra_key");
  EXPECT_EQ(generatedName(std::string(70, 'x'), "", "pkey")->size(), 63u);
  EXPECT_EQ(generatedName(std::string(40, 'x') + "\xC3\xA9" + std::string(30, 'y'), "", "pkey"),
            std::nullopt);
  EXPECT_EQ(columnsNamePart({std::string(40, 'a'), std::string(40, 'b'), "c"}),
            std::string(40, 'a') + "_" + std::string(40, 'b'));
}

}  // namespace
}  // namespace retort::engine
