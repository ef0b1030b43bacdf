// The SweetShop end to end through the built `retort` binary: `check` passes at head, fails
// naming an out-of-band change, refuses a database that is not at head; an edit of
// schema.sql autogenerates a script that upgrades, then downgrades, cleanly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/runtime/connection.hpp"
#include "engine/schema/autogenerate.hpp"
#include "engine/schema/schema_comparison.hpp"
#include "postgres_server.hpp"

namespace retort::engine::schema {
namespace {

namespace fs = std::filesystem;

std::string retort(const std::string& uri, const std::string& arguments, int* status,
                   const std::string& directory = std::string(RETORT_SOURCE_DIR) + "/migrations") {
  std::string output;
  // A private cache directory, so the run neither reads nor leaves models in the user's.
  std::string cache =
      (fs::temp_directory_path() / ("retort-cache-" + std::to_string(getpid()))).string();
  *status =
      test::runCommand("XDG_CACHE_HOME='" + cache + "' " + std::string(RETORT_BINARY) + " -q -d '" +
                           directory + "' --url '" + uri + "' " + arguments + " 2>&1",
                       &output);
  return output;
}

std::string readFile(const fs::path& path) {
  std::ifstream input(path);
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

void replaceOnce(std::string& text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << "schema.sql no longer contains: " << from;
  text.replace(at, from.size(), to);
}

class SweetShopCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = test::PostgresServer::shared().createDatabase("sweetshop_check");
    int status = 0;
    std::string output = retort(uri_, "upgrade head", &status);
    ASSERT_EQ(status, 0) << output;
  }
  std::string uri_;
};

TEST_F(SweetShopCheck, PassesAtHead) {
  int status = 0;
  std::string output = retort(uri_, "check", &status);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("No new upgrade operations detected."), std::string::npos) << output;
  // The same through a scratch database on the server instead of a rolled-back scratch schema.
  output =
      retort(uri_, "check --scratch-url '" + test::PostgresServer::shared().uri() + "'", &status);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("No new upgrade operations detected."), std::string::npos) << output;
  // Nothing of either scratch is left behind.
  Connection connection(uri_);
  EXPECT_EQ(
      connection.exec("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'retort_scratch%'")
          .value(0, 0),
      "0");
}

TEST_F(SweetShopCheck, FailsNamingAnOutOfBandChange) {
  Connection connection(uri_);
  connection.exec("ALTER TABLE sweets ADD COLUMN colour TEXT");
  connection.exec("ALTER TABLE reviews ALTER COLUMN body DROP NOT NULL");
  connection.exec("DROP INDEX audit_log_entity_idx");
  int status = 0;
  std::string output = retort(uri_, "check", &status);
  EXPECT_EQ(status, 255) << output;
  EXPECT_NE(output.find("FAILED: New upgrade operations detected:"), std::string::npos) << output;
  EXPECT_NE(output.find("remove_column public.sweets.colour"), std::string::npos) << output;
  EXPECT_NE(output.find("modify_nullable public.reviews.body (NULL -> NOT NULL)"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("add_index public.audit_log.audit_log_entity_idx"), std::string::npos)
      << output;

  output = retort(uri_, "check --json", &status);
  EXPECT_EQ(status, 255) << output;
  auto json = nlohmann::json::parse(output);
  EXPECT_FALSE(json["upToDate"].get<bool>());
  EXPECT_EQ(json["operations"].size(), 3u);
}

TEST_F(SweetShopCheck, RefusesADatabaseBehindHead) {
  int status = 0;
  std::string output = retort(uri_, "downgrade -1", &status);
  ASSERT_EQ(status, 0) << output;
  output = retort(uri_, "check", &status);
  EXPECT_EQ(status, 255) << output;
  EXPECT_NE(output.find("FAILED: Target database is not up to date."), std::string::npos) << output;
}

TEST_F(SweetShopCheck, AutogenerateAfterSchemaEditUpgradesAndDowngradesCleanly) {
  // A copy of the script location whose schema.sql gains a column, an index, an enum value
  // and a new table with a foreign key, and loses a check constraint.
  fs::path location = fs::temp_directory_path() / ("retort-autogen-" + std::to_string(getpid()));
  fs::remove_all(location);
  fs::copy(fs::path(RETORT_SOURCE_DIR) / "migrations", location, fs::copy_options::recursive);
  std::string schemaSql = readFile(location / "schema.sql");
  replaceOnce(schemaSql, "'restock', 'purchase'", "'restock', 'refund', 'purchase'");
  replaceOnce(schemaSql,
              ",\n    CONSTRAINT revoked_tokens_expiry_check CHECK (expires_at > revoked_at)", "");
  schemaSql += R"SQL(
ALTER TABLE sweets ADD COLUMN colour VARCHAR(30);
CREATE INDEX sweets_colour_idx ON sweets (colour);
CREATE TABLE wishlists (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sweet_id BIGINT NOT NULL REFERENCES sweets (id) ON DELETE CASCADE,
    added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, sweet_id)
);
)SQL";
  std::ofstream(location / "schema.sql") << schemaSql;

  Connection connection(uri_);
  ComparisonSource source;
  source.schemaFile = (location / "schema.sql").string();
  source.excludedTables = bookkeepingTables("alembic_version", "");
  AutogenerateResult generated = autogenerate(connection, source);
  ASSERT_FALSE(generated.empty());
  EXPECT_NE(generated.upgradeSql.find("ALTER TYPE audit_action ADD VALUE 'refund' AFTER 'restock'"),
            std::string::npos)
      << generated.upgradeSql;
  EXPECT_LT(generated.upgradeSql.find("CREATE TABLE wishlists"),
            generated.upgradeSql.find("ADD CONSTRAINT wishlists_sweet_id_fkey"));

  std::ofstream(location / "versions" / "2026_11_02_0900-5a5a5a5a5a08_wishlists.sql")
      << "-- revision: 5a5a5a5a5a08\n-- down_revision: 2a3b7c4d5e07\n-- message: wishlists\n"
      << "-- transactional: true\n\n-- migrate:upgrade\n"
      << generated.upgradeSql << "\n-- migrate:downgrade\n"
      << generated.downgradeSql;

  int status = 0;
  std::string output = retort(uri_, "upgrade head", &status, location.string());
  ASSERT_EQ(status, 0) << output << "\n" << generated.upgradeSql;
  output = retort(uri_, "check", &status, location.string());
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("No new upgrade operations detected."), std::string::npos) << output;

  output = retort(uri_, "downgrade -1", &status, location.string());
  ASSERT_EQ(status, 0) << output << "\n" << generated.downgradeSql;
  // Back at the original head, the database matches the original schema.sql again, except
  // that PostgreSQL cannot remove an enum value, which the downgrade rebuilds the type for.
  output = retort(uri_, "check", &status);
  EXPECT_EQ(status, 0) << output;
  fs::remove_all(location);
}

}  // namespace
}  // namespace retort::engine::schema
