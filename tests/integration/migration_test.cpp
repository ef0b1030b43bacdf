// The engine end to end through the `retort` binary, on a real PostgreSQL.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "cli_runner.hpp"
#include "engine/runtime/connection.hpp"
#include "postgres_server.hpp"

namespace retort::test {
namespace {

constexpr const char* kHead = "2a3b7c4d5e07";
const std::vector<std::string> kSweetShopTables = {
    "audit_log",      "categories", "purchases",       "restocks", "reviews",
    "revoked_tokens", "roles",      "sweet_inventory", "sweets",   "users"};

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url = PostgresServer::shared().createDatabase(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    scripts = copySweetShop();
  }

  CliResult retort(const std::string& args) {
    return runRetort("-d " + scripts.string() + " " + args, url);
  }

  std::vector<std::string> query(const std::string& sql) {
    engine::Connection c(url);
    engine::Result r = c.exec(sql);
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.isNull(i, 0) ? "NULL" : r.value(i, 0));
    return out;
  }
  std::vector<std::string> rows() {
    if (query("SELECT to_regclass('alembic_version')::text")[0] == "NULL") return {};
    return query("SELECT version_num FROM alembic_version ORDER BY 1");
  }
  std::vector<std::string> userTables() {
    return query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE "
        "'alembic_version%' "
        "ORDER BY 1");
  }

  std::string url;
  std::filesystem::path scripts;
};

TEST_F(MigrationTest, SweetShopUpToHeadDownToBaseAndRelativeMoves) {
  CliResult up = retort("upgrade head");
  ASSERT_EQ(up.exitCode, 0) << up.err;
  EXPECT_EQ(rows(), std::vector<std::string>{kHead});
  EXPECT_EQ(userTables(), kSweetShopTables);
  EXPECT_NE(up.err.find("Running upgrade  -> 3f2a9c1d0e01, users and roles"), std::string::npos)
      << up.err;
  EXPECT_EQ(retort("current").out, std::string(kHead) + " (head)\n");

  CliResult down = retort("downgrade base");
  ASSERT_EQ(down.exitCode, 0) << down.err;
  EXPECT_TRUE(rows().empty());
  EXPECT_TRUE(userTables().empty());
  EXPECT_EQ(query("SELECT to_regclass('alembic_version')::text")[0], "alembic_version")
      << "never dropped";

  ASSERT_EQ(retort("upgrade +1").exitCode, 0);
  EXPECT_EQ(rows(), std::vector<std::string>{"3f2a9c1d0e01"});
  ASSERT_EQ(retort("upgrade +2").exitCode, 0);
  EXPECT_EQ(rows(), std::vector<std::string>{"9c5d3e7f2a03"});
  ASSERT_EQ(retort("downgrade -1").exitCode, 0);
  EXPECT_EQ(rows(), std::vector<std::string>{"7b4e2d8a1c02"});
  EXPECT_EQ(userTables(), (std::vector<std::string>{"categories", "roles", "sweet_inventory",
                                                    "sweets", "users"}));

  EXPECT_EQ(query("SELECT count(*) FROM alembic_version_history WHERE success")[0], "18");
}

TEST_F(MigrationTest, SweetShopConstraintsHold) {
  ASSERT_EQ(retort("upgrade head").exitCode, 0);
  engine::Connection c(url);
  c.exec(
      "INSERT INTO users (email, display_name, password_hash) VALUES ('ann@example.com', 'Ann', "
      "'x')");
  EXPECT_THROW(c.exec("INSERT INTO users (email, display_name, password_hash) VALUES "
                      "('ANN@example.com', 'A', 'x')"),
               engine::DatabaseError);
  c.exec("INSERT INTO categories (name, slug) VALUES ('Chocolate', 'chocolate')");
  c.exec("INSERT INTO sweets (category_id, name, price_cents) VALUES (1, 'Truffle', 250)");
  EXPECT_THROW(c.exec("INSERT INTO reviews (user_id, sweet_id, rating) VALUES (1, 1, 6)"),
               engine::DatabaseError);
  c.exec("INSERT INTO reviews (user_id, sweet_id, rating) VALUES (1, 1, 5)");
  EXPECT_THROW(c.exec("INSERT INTO reviews (user_id, sweet_id, rating) VALUES (1, 1, 4)"),
               engine::DatabaseError);
  EXPECT_THROW(c.exec("INSERT INTO sweet_inventory (sweet_id, quantity) VALUES (1, -1)"),
               engine::DatabaseError);
}

TEST_F(MigrationTest, FailingStepLeavesNothingBehindAndNamesFileAndLine) {
  std::filesystem::path location = emptyScriptLocation();
  writeScript(
      location, "1_a.sql",
      "-- revision: aaaa0001\n-- message: a\n\n-- migrate:upgrade\nCREATE TABLE a (id int);\n");
  writeScript(
      location, "2_b.sql",
      "-- revision: bbbb0002\n-- down_revision: aaaa0001\n-- message: b\n\n-- migrate:upgrade\n"
      "CREATE TABLE b (id int);\n\nINSERT INTO b VALUES (1);\nINSERT INTO missing VALUES (1);\n");
  CliResult result = runRetort("-d " + location.string() + " upgrade head", url);
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_NE(result.err.find("2_b.sql:9: relation \"missing\" does not exist"), std::string::npos)
      << result.err;
  // The first step committed; the failed one left no table and no version change.
  EXPECT_EQ(rows(), std::vector<std::string>{"aaaa0001"});
  EXPECT_EQ(userTables(), std::vector<std::string>{"a"});
  EXPECT_EQ(query("SELECT revision || ':' || success FROM alembic_version_history ORDER BY id"),
            (std::vector<std::string>{"aaaa0001:true", "bbbb0002:false"}));
}

// A step's COMMIT is sent at the head of the next step's batch: a step that fails only at
// COMMIT (a deferred constraint) is still that step's failure, and nothing after it runs.
TEST_F(MigrationTest, AStepThatFailsAtCommitIsNamedAndTheNextDoesNotRun) {
  std::filesystem::path location = emptyScriptLocation();
  writeScript(
      location, "1_a.sql",
      "-- revision: aaaa0001\n-- message: a\n\n-- migrate:upgrade\nCREATE TABLE a (id int);\n");
  writeScript(location, "2_b.sql",
              "-- revision: bbbb0002\n-- down_revision: aaaa0001\n-- message: b\n\n"
              "-- migrate:upgrade\nCREATE TABLE parent (id int PRIMARY KEY);\n"
              "CREATE TABLE child (parent_id int REFERENCES parent DEFERRABLE INITIALLY "
              "DEFERRED);\nINSERT INTO child VALUES (7);\n");
  writeScript(location, "3_c.sql",
              "-- revision: cccc0003\n-- down_revision: bbbb0002\n-- message: c\n\n"
              "-- migrate:upgrade\nCREATE TABLE c (id int);\n");
  CliResult result = runRetort("-d " + location.string() + " upgrade head", url);
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_NE(result.err.find("2_b.sql"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("violates foreign key constraint"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("3_c.sql"), std::string::npos) << result.err;
  EXPECT_EQ(rows(), std::vector<std::string>{"aaaa0001"});
  EXPECT_EQ(userTables(), std::vector<std::string>{"a"});
  EXPECT_EQ(query("SELECT revision || ':' || success FROM alembic_version_history ORDER BY id"),
            (std::vector<std::string>{"aaaa0001:true", "bbbb0002:false"}));
}

TEST_F(MigrationTest, ErrorWithoutPositionStillNamesTheStatementLine) {
  std::filesystem::path location = emptyScriptLocation();
  writeScript(location, "1_a.sql",
              "-- revision: aaaa0001\n-- message: a\n\n-- migrate:upgrade\nCREATE TABLE a (id int "
              "primary key);\n"
              "INSERT INTO a VALUES (1);\n\nINSERT INTO a\n  VALUES (1);\n");
  CliResult result = runRetort("-d " + location.string() + " upgrade head", url);
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_NE(result.err.find("1_a.sql:8: duplicate key value violates unique constraint"),
            std::string::npos)
      << result.err;
  EXPECT_TRUE(rows().empty());
  EXPECT_TRUE(userTables().empty());
}

TEST_F(MigrationTest, ConcurrentRunnersApplyEachStepOnce) {
  std::string command = "-d " + scripts.string() + " upgrade head";
  CliResult first, second;
  std::thread a([&] { first = runRetort(command, url); });
  std::thread b([&] { second = runRetort(command, url); });
  a.join();
  b.join();
  EXPECT_EQ(first.exitCode, 0) << first.err;
  EXPECT_EQ(second.exitCode, 0) << second.err;
  EXPECT_EQ(rows(), std::vector<std::string>{kHead});
  EXPECT_EQ(query("SELECT count(*) FROM alembic_version_history WHERE operation = 'upgrade'")[0],
            "7");
  EXPECT_EQ(query("SELECT count(DISTINCT revision) FROM alembic_version_history")[0], "7");
}

TEST_F(MigrationTest, LockTimeoutAppliesWhileAnotherRunnerHoldsTheLock) {
  engine::Connection holder(url);
  holder.exec("SELECT pg_advisory_lock(hashtextextended('retort:alembic_version', 0))");
  CliResult result = retort("--lock-timeout 500ms upgrade head");
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_NE(result.err.find("Waiting for another migration run"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("lock timeout"), std::string::npos) << result.err;
  EXPECT_TRUE(rows().empty());
}

TEST_F(MigrationTest, VerifyCatchesAnEditedAppliedScript) {
  ASSERT_EQ(retort("upgrade head").exitCode, 0);
  CliResult clean = retort("verify");
  EXPECT_EQ(clean.exitCode, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("Verified 7 applied revision(s)."), std::string::npos) << clean.out;

  std::filesystem::path edited = scripts / "versions" / "2026_11_01_0940-4e7f5a9b2c05_reviews.sql";
  std::ofstream(edited, std::ios::app) << "-- edited after it was applied\n";
  CliResult dirty = retort("verify");
  EXPECT_EQ(dirty.exitCode, 255);
  EXPECT_NE(dirty.out.find("Checksum mismatch for revision 4e7f5a9b2c05 (" + edited.string() + ")"),
            std::string::npos)
      << dirty.out;
  EXPECT_NE(dirty.err.find("FAILED: 1 applied script(s) changed since they were applied"),
            std::string::npos);
}

TEST_F(MigrationTest, NonTransactionalStepRunsConcurrentIndex) {
  std::filesystem::path location = emptyScriptLocation();
  writeScript(location, "1_a.sql",
              "-- revision: aaaa0001\n\n-- migrate:upgrade\nCREATE TABLE a (id int);\n");
  writeScript(location, "2_b.sql",
              "-- revision: bbbb0002\n-- down_revision: aaaa0001\n-- transactional: false\n\n-- "
              "migrate:upgrade\n"
              "CREATE INDEX CONCURRENTLY a_id_idx ON a (id);\n\n-- migrate:downgrade\nDROP INDEX "
              "CONCURRENTLY a_id_idx;\n");
  CliResult up = runRetort("-d " + location.string() + " upgrade head", url);
  ASSERT_EQ(up.exitCode, 0) << up.err;
  EXPECT_EQ(query("SELECT indexname FROM pg_indexes WHERE tablename = 'a'"),
            std::vector<std::string>{"a_id_idx"});
  ASSERT_EQ(runRetort("-d " + location.string() + " downgrade -1", url).exitCode, 0);
  EXPECT_TRUE(query("SELECT indexname FROM pg_indexes WHERE tablename = 'a'").empty());
}

TEST_F(MigrationTest, VersionTableIsAlembicsExactly) {
  ASSERT_EQ(retort("upgrade +1").exitCode, 0);
  EXPECT_EQ(query("SELECT format_type(atttypid, atttypmod) || ' ' || attnotnull FROM pg_attribute "
                  "WHERE attrelid = 'alembic_version'::regclass AND attnum > 0"),
            std::vector<std::string>{"character varying(32) true"});
  EXPECT_EQ(query("SELECT conname FROM pg_constraint WHERE conrelid = 'alembic_version'::regclass "
                  "AND contype = 'p'"),
            std::vector<std::string>{"alembic_version_pkc"});
}

TEST_F(MigrationTest, StampMovesRowsWithoutRunningScripts) {
  ASSERT_EQ(retort("stamp head").exitCode, 0);
  EXPECT_EQ(rows(), std::vector<std::string>{kHead});
  EXPECT_TRUE(userTables().empty());
  engine::Connection(url).exec("UPDATE alembic_version SET version_num = 'feedface0000'");
  CliResult unknown = retort("current");
  EXPECT_EQ(unknown.exitCode, 255);
  EXPECT_NE(unknown.err.find("FAILED: Can't locate revision identified by 'feedface0000'"),
            std::string::npos);
  ASSERT_EQ(retort("stamp --purge 7b4e").exitCode, 0);
  EXPECT_EQ(rows(), std::vector<std::string>{"7b4e2d8a1c02"});
}

TEST_F(MigrationTest, OfflineSqlAppliesWithPsql) {
  CliResult sql = retort("upgrade head --sql");
  ASSERT_EQ(sql.exitCode, 0) << sql.err;
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("retort-offline-" + std::to_string(getpid()) + ".sql");
  std::ofstream(file) << sql.out;
  std::string output;
  EXPECT_EQ(
      runCommand("psql -v ON_ERROR_STOP=1 -q '" + url + "' -f " + file.string() + " 2>&1", &output),
      0)
      << output;
  std::filesystem::remove(file);
  EXPECT_EQ(rows(), std::vector<std::string>{kHead});
  EXPECT_EQ(userTables(), kSweetShopTables);
}

TEST_F(MigrationTest, CommandErrorsUseAlembicsTextsAndExitCode) {
  CliResult show = retort("show zzzz");
  EXPECT_EQ(show.exitCode, 255);
  EXPECT_EQ(show.err, "FAILED: Can't locate revision identified by 'zzzz'\n");
  EXPECT_EQ(retort("upgrade 3f2a:head").err, "FAILED: Range revision not allowed\n");
  EXPECT_EQ(retort("downgrade base --sql").err,
            "FAILED: downgrade with --sql requires <fromrev>:<torev>\n");
  ASSERT_EQ(retort("upgrade head").exitCode, 0);
  EXPECT_EQ(
      retort("upgrade +1").err.find("FAILED: Relative revision +1 didn't produce 1 migrations") !=
          std::string::npos,
      true);
}

TEST_F(MigrationTest, BrokenScriptIsReportedWithFileAndLine) {
  writeScript(scripts, "2026_12_01_0000-bad_script.sql",
              "-- revision: 0badbad00001\n-- colour: red\n-- migrate:upgrade\n");
  CliResult result = retort("history");
  EXPECT_EQ(result.exitCode, 255);
  EXPECT_NE(result.err.find("2026_12_01_0000-bad_script.sql:2: unknown header key 'colour'"),
            std::string::npos)
      << result.err;
}

TEST_F(MigrationTest, CredentialsNeverAppearInOutput) {
  engine::Connection admin(PostgresServer::shared().uri());
  admin.exec(
      "DO $$BEGIN CREATE ROLE shopkeeper LOGIN PASSWORD 's3cret-Pa55'; EXCEPTION WHEN "
      "duplicate_object THEN NULL; END$$");
  std::string withPassword = url;
  withPassword.replace(withPassword.find("retort@"), 7, "shopkeeper:wrong-s3cret@");
  CliResult failed = runRetort("-d " + scripts.string() + " upgrade head", withPassword);
  EXPECT_NE(failed.exitCode, 0);
  EXPECT_EQ((failed.out + failed.err).find("wrong-s3cret"), std::string::npos) << failed.err;
  CliResult verbose = runRetort("-d " + scripts.string() + " current -v", withPassword);
  EXPECT_EQ((verbose.out + verbose.err).find("wrong-s3cret"), std::string::npos);
}

}  // namespace
}  // namespace retort::test

namespace retort::test {
namespace {

TEST_F(MigrationTest, CustomVersionTableAndSchema) {
  engine::Connection(url).exec("CREATE SCHEMA meta");
  CliResult up = retort("--version-table shop_version --version-table-schema meta upgrade +2");
  ASSERT_EQ(up.exitCode, 0) << up.err;
  EXPECT_EQ(query("SELECT version_num FROM meta.shop_version"),
            std::vector<std::string>{"7b4e2d8a1c02"});
  EXPECT_EQ(query("SELECT count(*) FROM meta.shop_version_history")[0], "2");
  EXPECT_EQ(query("SELECT to_regclass('public.alembic_version')::text")[0], "NULL");
  EXPECT_EQ(retort("--version-table shop_version --version-table-schema meta current").out,
            "7b4e2d8a1c02\n");
}

TEST_F(MigrationTest, ReservedWordVersionTableIsQuoted) {
  CliResult up = retort("--version-table user upgrade +1");
  ASSERT_EQ(up.exitCode, 0) << up.err;
  EXPECT_EQ(query("SELECT version_num FROM \"user\""), std::vector<std::string>{"3f2a9c1d0e01"});
  CliResult sql = retort("--version-table user upgrade 3f2a9c1d0e01:7b4e2d8a1c02 --sql");
  EXPECT_NE(sql.out.find("UPDATE \"user\" SET version_num="), std::string::npos) << sql.out;
}

TEST_F(MigrationTest, BranchAndMergeWorkflow) {
  std::filesystem::path location = emptyScriptLocation();
  auto cli = [&](const std::string& args) {
    return runRetort("-d " + location.string() + " " + args, url);
  };
  ASSERT_EQ(cli("revision -m base --rev-id aaaa0001").exitCode, 0);
  ASSERT_EQ(cli("revision -m left --rev-id bbbb0002").exitCode, 0);
  ASSERT_EQ(cli("revision -m right --rev-id cccc0003 --head aaaa0001 --splice --branch-label right")
                .exitCode,
            0);
  CliResult heads = cli("heads");
  EXPECT_EQ(heads.out, "bbbb0002 (head)\ncccc0003 (right) (head)\n");
  EXPECT_NE(cli("upgrade head")
                .err.find("FAILED: Multiple head revisions are present for given argument 'head'; "
                          "please specify a specific target "
                          "revision, '<branchname>@head' to narrow to a specific head, or 'heads' "
                          "for all heads\n"),
            std::string::npos);
  ASSERT_EQ(cli("upgrade heads").exitCode, 0);
  EXPECT_EQ(rows(), (std::vector<std::string>{"bbbb0002", "cccc0003"}));
  ASSERT_EQ(cli("merge heads -m merge --rev-id dddd0004").exitCode, 0);
  ASSERT_EQ(cli("upgrade head").exitCode, 0);
  EXPECT_EQ(rows(), std::vector<std::string>{"dddd0004"});
  EXPECT_EQ(cli("current").out, "dddd0004 (head) (mergepoint)\n");
  // One step down from a merge point is ambiguous, as in Alembic; naming the target is not.
  EXPECT_NE(cli("downgrade right@-1").err.find("FAILED: Ambiguous walk"), std::string::npos);
  ASSERT_EQ(cli("downgrade bbbb0002").exitCode, 0);
  EXPECT_EQ(rows(), (std::vector<std::string>{"bbbb0002", "cccc0003"}));
  ASSERT_EQ(cli("downgrade base").exitCode, 0);
  EXPECT_TRUE(rows().empty());
}

}  // namespace
}  // namespace retort::test

namespace retort::test {
namespace {

TEST_F(MigrationTest, PlanShowsStepsAndDataLossFindings) {
  CliResult up = retort("plan head --json");
  ASSERT_EQ(up.exitCode, 0) << up.err;
  EXPECT_NE(up.out.find("\"direction\": \"upgrade\""), std::string::npos);
  EXPECT_NE(up.out.find("\"dataLoss\": false"), std::string::npos) << up.out;
  EXPECT_TRUE(rows().empty()) << "plan runs nothing";
  ASSERT_EQ(retort("upgrade head").exitCode, 0);
  CliResult down = retort("plan 4e7f5a9b2c05 --json");
  EXPECT_NE(down.out.find("\"direction\": \"downgrade\""), std::string::npos) << down.out;
  EXPECT_NE(down.out.find("\"dataLoss\": true"), std::string::npos);
  EXPECT_NE(down.out.find("\"rule\": \"drop-table\""), std::string::npos);
  EXPECT_EQ(retort("plan head").out, "Nothing to do: the database is already at head.\n");
}

}  // namespace
}  // namespace retort::test

namespace retort::test {
namespace {

TEST_F(MigrationTest, AutogenerateWritesAScriptThatUpgradesAndDowngrades) {
  ASSERT_EQ(retort("upgrade head").exitCode, 0);
  std::ofstream(scripts / "schema.sql", std::ios::app)
      << "\nCREATE TABLE gift_wraps (\n    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
         "    name VARCHAR(40) NOT NULL\n);\nALTER TABLE sweets ADD COLUMN gift_wrap_id BIGINT "
         "REFERENCES gift_wraps (id);\n";
  EXPECT_EQ(retort("check").exitCode, 255);
  CliResult generated = retort("revision --autogenerate -m 'gift wraps' --rev-id 9a9a9a9a9a9a");
  ASSERT_EQ(generated.exitCode, 0) << generated.err;
  EXPECT_NE(generated.err.find("Detected add_table public.gift_wraps"), std::string::npos)
      << generated.err;
  ASSERT_EQ(retort("upgrade head").exitCode, 0);
  EXPECT_EQ(rows(), std::vector<std::string>{"9a9a9a9a9a9a"});
  CliResult clean = retort("check");
  EXPECT_EQ(clean.exitCode, 0) << clean.err;
  EXPECT_EQ(clean.out, "No new upgrade operations detected.\n");
  ASSERT_EQ(retort("downgrade -1").exitCode, 0);
  EXPECT_EQ(query("SELECT to_regclass('gift_wraps')::text")[0], "NULL");
  EXPECT_EQ(
      query(
          "SELECT count(*) FROM information_schema.columns WHERE column_name = 'gift_wrap_id'")[0],
      "0");
}

}  // namespace
}  // namespace retort::test
