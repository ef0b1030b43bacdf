// The lock rules one by one: the unsafe statement gets a finding whose message names the safe
// form, the safe form gets none, and the same statements on a table created in the step are
// quiet. The corpus (lint_corpus_test.cpp) checks lines across files; this checks messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/lint/linter.hpp"

namespace retort::engine::lint {
namespace {

// Lints `sql` as the upgrade of a step after one that created `orders` and `users`.
std::vector<Finding> lintAfterSetup(const std::string& sql, bool transactional = true) {
  LintCatalog catalog;
  lintSql("setup.sql",
          {"CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
           "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, note text);\n"
           "CREATE INDEX orders_user_idx ON orders (user_id);\n",
           1},
          "upgrade", true, catalog);
  return lintSql("step.sql", {sql, 1}, "upgrade", transactional, catalog);
}

std::vector<std::string> rulesOf(const std::vector<Finding>& findings) {
  std::vector<std::string> rules;
  for (const Finding& finding : findings) rules.push_back(finding.ruleId);
  return rules;
}

struct Case {
  std::string rule;
  std::string unsafe;
  std::string safeHint;  // a piece of the message: the safe pattern
  std::string safe;      // the safe form: no finding at all
  bool transactional = true;
};

const std::vector<Case> kCases = {
    {"rename-column", "ALTER TABLE orders RENAME COLUMN note TO comment", "add the new column",
     "ALTER TABLE orders ADD COLUMN comment text"},
    {"rename-table", "ALTER TABLE orders RENAME TO purchases", "create a view under the old name",
     "CREATE VIEW purchases AS SELECT * FROM orders"},
    {"rename-schema", "ALTER SCHEMA sales RENAME TO shop", "create the new schema",
     "CREATE SCHEMA shop"},
    {"rename-enum-value", "ALTER TYPE state RENAME VALUE 'done' TO 'completed'",
     "ADD VALUE 'completed'", "ALTER TYPE state ADD VALUE 'completed' AFTER 'done'"},
    {"vacuum-full-or-cluster", "VACUUM FULL orders", "pg_repack", "VACUUM orders", false},
    {"vacuum-full-or-cluster", "CLUSTER orders USING orders_pkey", "pg_repack", "ANALYZE orders"},
    {"reindex-without-concurrently", "REINDEX INDEX orders_user_idx", "CONCURRENTLY",
     "REINDEX INDEX CONCURRENTLY orders_user_idx", false},
    {"drop-index-without-concurrently", "DROP INDEX orders_user_idx", "DROP INDEX CONCURRENTLY",
     "DROP INDEX CONCURRENTLY orders_user_idx", false},
    {"detach-partition-without-concurrently", "ALTER TABLE orders DETACH PARTITION orders_2020",
     "CONCURRENTLY", "ALTER TABLE orders DETACH PARTITION orders_2020 CONCURRENTLY", false},
    {"lock-table", "LOCK TABLE orders", "lock_timeout", "LOCK TABLE orders IN ROW EXCLUSIVE MODE"},
    {"exclusion-constraint",
     "ALTER TABLE orders ADD CONSTRAINT one EXCLUDE USING gist (user_id WITH =)",
     "when the table is created", "SELECT 1"},
    {"constraint-missing-not-valid",
     "ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id)", "NOT VALID",
     "ALTER TABLE orders ADD COLUMN buyer_id bigint"},
    {"constraint-missing-not-valid", "ALTER DOMAIN positive ADD CONSTRAINT p CHECK (VALUE > 0)",
     "NOT VALID", "ALTER DOMAIN positive ADD CONSTRAINT p CHECK (VALUE > 0) NOT VALID"},
    {"unique-constraint-without-index", "ALTER TABLE orders ADD COLUMN code text UNIQUE",
     "CREATE UNIQUE INDEX CONCURRENTLY", "ALTER TABLE orders ADD COLUMN code text"},
    {"work-while-locked",
     "ALTER TABLE orders ADD CONSTRAINT c CHECK (user_id > 0) NOT VALID;\n"
     "ALTER TABLE orders VALIDATE CONSTRAINT c",
     "later step", "ALTER TABLE orders VALIDATE CONSTRAINT c"},
    {"work-while-locked",
     "ALTER TABLE orders ADD COLUMN total bigint;\nUPDATE orders SET total = 0", "in batches",
     "UPDATE orders SET note = ''"},
    {"lock-timeout-override", "SET lock_timeout = 0", "set the budget there",
     "SET LOCAL work_mem = '64MB'"},
    {"not-in-transaction", "VACUUM orders", "transactional: false", "ANALYZE orders"},
    {"drop-database", "DROP DATABASE shop", "deletes the database",
     "CREATE TABLE shop (id bigint)"},
    {"add-json-column", "ALTER TABLE orders ADD COLUMN meta json", "jsonb",
     "ALTER TABLE orders ADD COLUMN meta jsonb"},
    {"prefer-bigint", "ALTER TABLE orders ADD COLUMN seq integer GENERATED ALWAYS AS IDENTITY",
     "use bigint", "CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)"},
};

TEST(LintRules, UnsafeFormNamesTheSafeOneAndTheSafeFormIsQuiet) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.unsafe);
    std::vector<Finding> unsafe = lintAfterSetup(c.unsafe + ";", c.transactional);
    bool found = false;
    for (const Finding& finding : unsafe) {
      if (finding.ruleId != c.rule) continue;
      found = true;
      EXPECT_NE(finding.message.find(c.safeHint), std::string::npos) << finding.message;
      EXPECT_EQ(finding.file, "step.sql");
      EXPECT_GE(finding.line, 1);
    }
    EXPECT_TRUE(found) << c.rule << " did not fire";
    std::vector<Finding> safe = lintAfterSetup(c.safe + ";", c.transactional);
    EXPECT_TRUE(safe.empty()) << c.safe << ": " << testing::PrintToString(rulesOf(safe));
  }
}

// A table the step itself creates has no rows and no readers: the lock and rename rules stay
// quiet for it (prefer-bigint is about the type, so it is not in this list).
TEST(LintRules, TableCreatedInTheStepIsQuiet) {
  LintCatalog catalog;
  std::vector<Finding> findings =
      lintSql("new.sql",
              {"CREATE TABLE fresh (id bigint PRIMARY KEY, user_id bigint, note text);\n"
               "CREATE INDEX fresh_user_idx ON fresh (user_id);\n"
               "REINDEX INDEX fresh_user_idx;\n"
               "REINDEX TABLE fresh;\n"
               "CLUSTER fresh USING fresh_pkey;\n"
               "LOCK TABLE fresh;\n"
               "ALTER TABLE fresh ADD COLUMN code text UNIQUE;\n"
               "ALTER TABLE fresh ADD COLUMN owner bigint REFERENCES fresh (id);\n"
               "ALTER TABLE fresh ADD CONSTRAINT one EXCLUDE USING gist (user_id WITH =);\n"
               "ALTER TABLE fresh ADD CONSTRAINT c CHECK (user_id > 0) NOT VALID;\n"
               "ALTER TABLE fresh VALIDATE CONSTRAINT c;\n"
               "UPDATE fresh SET note = '';\n"
               "ALTER TABLE fresh ADD COLUMN meta json;\n"
               "DROP INDEX fresh_user_idx;\n"
               "ALTER TABLE fresh RENAME COLUMN note TO comment;\n"
               "ALTER TABLE fresh RENAME TO fresher;\n"
               "ALTER TABLE fresher RENAME COLUMN comment TO remark;\n"
               "CREATE TYPE state AS ENUM ('new', 'done');\n"
               "ALTER TYPE state RENAME VALUE 'done' TO 'completed';\n"
               "CREATE SCHEMA sales;\n"
               "ALTER SCHEMA sales RENAME TO shop;\n",
               1},
              "upgrade", true, catalog);
  EXPECT_TRUE(findings.empty()) << testing::PrintToString(rulesOf(findings));
}

// The safe NOT NULL pattern over two steps: a NOT VALID check, then VALIDATE and SET NOT NULL
// in the next step. Without the validation in between, SET NOT NULL still scans.
TEST(LintRules, NotNullCheckValidatedInAnEarlierStepCounts) {
  LintCatalog catalog;
  lintSql("1.sql", {"CREATE TABLE t (id bigint PRIMARY KEY, a text, b text);\n", 1}, "upgrade",
          true, catalog);
  EXPECT_TRUE(lintSql("2.sql",
                      {"ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\n"
                       "ALTER TABLE t ADD CONSTRAINT b_nn CHECK (b IS NOT NULL) NOT VALID;\n",
                       1},
                      "upgrade", true, catalog)
                  .empty());
  std::vector<Finding> third = lintSql("3.sql",
                                       {"ALTER TABLE t VALIDATE CONSTRAINT a_nn;\n"
                                        "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"
                                        "ALTER TABLE t ALTER COLUMN b SET NOT NULL;\n",
                                        1},
                                       "upgrade", true, catalog);
  ASSERT_EQ(third.size(), 1u) << testing::PrintToString(rulesOf(third));
  EXPECT_EQ(third[0].ruleId, "set-not-null");
  EXPECT_EQ(third[0].line, 3);
}

}  // namespace
}  // namespace retort::engine::lint
