// Pure tests of the schema diff: statement order (a foreign key after its target, drops in
// dependency order), renames flagged and never guessed, type-change classification, and the
// model's JSON form and key used by the cache.
#include <gtest/gtest.h>

#include "engine/schema/desired_schema_cache.hpp"
#include "engine/schema/diff.hpp"
#include "engine/schema/model_json.hpp"
#include "engine/schema/type_change.hpp"

namespace retort::engine::schema {
namespace {

Table table(const std::string& name, std::vector<Column> columns) {
  Table result;
  result.schema = "public";
  result.name = name;
  result.columns = std::move(columns);
  result.constraints.push_back(
      {name + "_pkey", ConstraintKind::PrimaryKey, "PRIMARY KEY (id)", {"id"}, "", {}});
  return result;
}

Column column(const std::string& name, const std::string& type, bool notNull = false) {
  Column result;
  result.name = name;
  result.type = type;
  result.notNull = notNull;
  return result;
}

Model model(std::vector<Table> tables) {
  Model result;
  result.schemas = {"public"};
  for (Table& entry : tables) result.tables.emplace("public." + entry.name, std::move(entry));
  return result;
}

size_t positionOf(const std::vector<std::string>& statements, const std::string& prefix) {
  for (size_t i = 0; i < statements.size(); ++i) {
    if (statements[i].starts_with(prefix)) return i;
  }
  return statements.size();
}

TEST(SchemaDiff, ForeignKeyComesAfterTheTableItReferences) {
  // "a_orders" sorts before "z_customers", so creation order alone would be wrong.
  Table orders = table("a_orders", {column("id", "bigint", true), column("customer_id", "bigint")});
  orders.constraints.push_back({"a_orders_customer_fkey",
                                ConstraintKind::ForeignKey,
                                "FOREIGN KEY (customer_id) REFERENCES z_customers(id)",
                                {"customer_id"},
                                "public.z_customers",
                                {"id"}});
  Model desired = model({orders, table("z_customers", {column("id", "bigint", true)})});
  std::vector<std::string> statements = diff(model({}), desired).orderedStatements();
  size_t customers = positionOf(statements, "CREATE TABLE z_customers");
  size_t key = positionOf(statements, "ALTER TABLE a_orders ADD CONSTRAINT a_orders_customer_fkey");
  ASSERT_LT(customers, statements.size());
  ASSERT_LT(key, statements.size());
  EXPECT_LT(customers, key);

  // And the reverse drops the key before either table.
  std::vector<std::string> drops = diff(desired, model({})).orderedStatements();
  EXPECT_LT(positionOf(drops, "ALTER TABLE a_orders DROP CONSTRAINT"),
            positionOf(drops, "DROP TABLE"));
}

TEST(SchemaDiff, RenamesAreFlaggedNotGuessed) {
  Model before = model({table("sweets", {column("id", "bigint", true), column("colour", "text")})});
  Model after = model({table("sweets", {column("id", "bigint", true), column("color", "text")})});
  SchemaDiff difference = diff(before, after);
  ASSERT_EQ(difference.reviewNotes.size(), 1u);
  EXPECT_NE(difference.reviewNotes[0].find("public.sweets.colour"), std::string::npos);
  // The only RENAME is the advice inside the review comment, never a statement.
  // (The old check compared two find() results that were both npos when neither text was
  // there, so it passed without checking anything.)
  EXPECT_NE(difference.reviewNotes[0].find("RENAME COLUMN to keep the data"), std::string::npos);
  for (const std::string& statement : difference.orderedStatements()) {
    EXPECT_EQ(statement.find("RENAME"), std::string::npos) << statement;
  }
  EXPECT_NE(difference.sql().find("ALTER TABLE sweets DROP COLUMN colour;"), std::string::npos);
  EXPECT_NE(difference.sql().find("ALTER TABLE sweets ADD COLUMN color text;"), std::string::npos);
  bool flaggedLoss = false;
  for (const Change& change : difference.changes) flaggedLoss |= change.dataLoss;
  EXPECT_TRUE(flaggedLoss);
}

TEST(SchemaDiff, EnumValuesAreInsertedInPlace) {
  Model before;
  before.enums["public.mood"] = {"public", "mood", {"sad", "happy"}};
  Model after;
  after.enums["public.mood"] = {"public", "mood", {"sad", "ok", "happy", "ecstatic"}};
  std::vector<std::string> statements = diff(before, after).orderedStatements();
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0], "ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';");
  EXPECT_EQ(statements[1], "ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy';");
}

TEST(SchemaDiff, EqualModelsHaveNoChangesWhateverTheColumnOrder) {
  Model first = model({table("t", {column("id", "bigint", true), column("a", "text")})});
  Model second = model({table("t", {column("a", "text"), column("id", "bigint", true)})});
  EXPECT_EQ(first, second);
  EXPECT_TRUE(diff(first, second).empty());
}

TEST(SchemaTypeChange, WideningAndNarrowing) {
  EXPECT_TRUE(isWideningTypeChange("character varying(50)", "character varying(100)"));
  EXPECT_TRUE(isWideningTypeChange("character varying(50)", "text"));
  EXPECT_TRUE(isWideningTypeChange("integer", "bigint"));
  EXPECT_TRUE(isWideningTypeChange("numeric(10,2)", "numeric(12,2)"));
  EXPECT_FALSE(isWideningTypeChange("character varying(100)", "character varying(50)"));
  EXPECT_FALSE(isWideningTypeChange("text", "character varying(50)"));
  EXPECT_FALSE(isWideningTypeChange("bigint", "integer"));
  EXPECT_FALSE(isWideningTypeChange("numeric(10,2)", "numeric(10,1)"));
  EXPECT_FALSE(isWideningTypeChange("text", "integer"));
}

TEST(SchemaModelJson, RoundTripsEveryField) {
  Table orders = table("orders", {column("id", "bigint", true), column("note", "text")});
  orders.columns[1].defaultExpression = "''::text";
  orders.columns[1].comment = "free text";
  orders.indexes.push_back(
      {"orders_note_idx",
       "CREATE INDEX orders_note_idx ON public.orders USING btree (note) WHERE (note <> ''::text)",
       false,
       "btree",
       {"note"},
       "(note <> ''::text)"});
  Model original = model({orders});
  original.enums["public.mood"] = {"public", "mood", {"sad", "happy"}};
  Sequence sequence;
  sequence.schema = "public";
  sequence.name = "ticket_seq";
  sequence.maxValue = 99;
  original.sequences["public.ticket_seq"] = sequence;
  EXPECT_EQ(modelFromJson(modelToJson(original)), original);
}

TEST(SchemaIdentifiers, QuotedOnlyWhenNeeded) {
  EXPECT_EQ(quoteIdentifier("sweets"), "sweets");
  EXPECT_EQ(quoteIdentifier("user"), "\"user\"");
  EXPECT_EQ(quoteIdentifier("Sweets"), "\"Sweets\"");
  EXPECT_EQ(qualifiedName("public", "t"), "t");
  EXPECT_EQ(qualifiedName("audit", "t"), "audit.t");
}

TEST(SchemaCacheKey, StableAndSensitiveToEveryByte) {
  std::string text = "CREATE TABLE t (id int);";
  EXPECT_EQ(cacheKey(text), cacheKey(text));
  EXPECT_EQ(cacheKey(text).size(), 32u);
  std::string changed = text;
  changed[14] = 'u';
  EXPECT_NE(cacheKey(text), cacheKey(changed));
  EXPECT_NE(cacheKey(text), cacheKey(text + std::string(1, '\0')));
}

}  // namespace
}  // namespace retort::engine::schema
