// Concurrent runners on one database: waiting for the migration lock must not hold a snapshot,
// or a holder running CREATE INDEX CONCURRENTLY (which waits for every older snapshot) and the
// waiters deadlock.
#include <gtest/gtest.h>

#include <thread>

#include "cli_runner.hpp"
#include "engine/runtime/connection.hpp"
#include "postgres_server.hpp"

namespace retort::test {
namespace {

std::string scalar(const std::string& url, const std::string& sql) {
  engine::Connection c(url);
  engine::Result r = c.exec(sql);
  return r.isNull(0, 0) ? "NULL" : r.value(0, 0);
}

TEST(Locking, EightRunnersOnAConcurrentIndexChainAllEndWellEachStepOnce) {
  std::string url = PostgresServer::shared().createDatabase("eight_runners");
  std::filesystem::path location = emptyScriptLocation();
  writeScript(location, "1_a.sql",
              "-- revision: aaaa0001\n\n-- migrate:upgrade\nCREATE TABLE a (id int, b int);\n"
              "INSERT INTO a SELECT g, g FROM generate_series(1, 20000) g;\n");
  writeScript(location, "2_b.sql",
              "-- revision: bbbb0002\n-- down_revision: aaaa0001\n-- transactional: false\n\n"
              "-- migrate:upgrade\nCREATE INDEX CONCURRENTLY a_id_idx ON a (id);\n");
  writeScript(location, "3_c.sql",
              "-- revision: cccc0003\n-- down_revision: bbbb0002\n\n-- migrate:upgrade\n"
              "CREATE TABLE c (id int);\n");
  writeScript(location, "4_d.sql",
              "-- revision: dddd0004\n-- down_revision: cccc0003\n-- transactional: false\n\n"
              "-- migrate:upgrade\nCREATE INDEX CONCURRENTLY a_b_idx ON a (b);\n");
  // The lock timeout bounds the test: before the fix the runners deadlock until it expires.
  const std::string command = "-d " + location.string() + " --lock-timeout 60s upgrade head";
  constexpr int kRunners = 8;
  std::vector<CliResult> results(kRunners);
  std::vector<std::thread> runners;
  for (int i = 0; i < kRunners; ++i)
    runners.emplace_back([&, i] { results[i] = runRetort(command, url); });
  for (std::thread& t : runners) t.join();
  for (int i = 0; i < kRunners; ++i) EXPECT_EQ(results[i].exitCode, 0) << results[i].err;
  EXPECT_EQ(scalar(url, "SELECT string_agg(version_num, ',') FROM alembic_version"), "dddd0004");
  EXPECT_EQ(scalar(url, "SELECT count(*) FROM alembic_version_history WHERE success"), "4");
  EXPECT_EQ(scalar(url, "SELECT count(*) FROM alembic_version_history"), "4");
  EXPECT_EQ(scalar(url,
                   "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                   "WHERE c.relname IN ('a_id_idx', 'a_b_idx') AND i.indisvalid"),
            "2");
}

}  // namespace
}  // namespace retort::test
