// `retort backup` and `retort restore` on a real PostgreSQL, as a password-authenticated user:
// a round trip brings back tables, rows and version heads; a corrupted file is refused.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.hpp"
#include "engine/runtime/connection.hpp"
#include "postgres_server.hpp"

namespace retort::test {
namespace {

namespace fs = std::filesystem;
const std::string kPassword = "Pw-2b8e41d0-restore";

CliResult retortWith(const std::string& url, const std::string& arguments) {
  ::setenv("DATABASE_URL", url.c_str(), 1);
  CliResult result = runRetort(arguments);
  ::unsetenv("DATABASE_URL");
  EXPECT_EQ(result.out.find(kPassword), std::string::npos) << result.out;
  EXPECT_EQ(result.err.find(kPassword), std::string::npos) << result.err;
  return result;
}

std::string query(const std::string& uri, const std::string& sql) {
  engine::Connection c(uri);
  engine::Result r = c.exec(sql);
  std::string out;
  for (int i = 0; i < r.rows(); ++i) {
    for (int j = 0; j < r.columns(); ++j) out += (j ? "|" : "") + r.value(i, j);
    out += "\n";
  }
  return out;
}

// Tables, their row counts and the version heads.
std::string contents(const std::string& uri) {
  std::string out = query(uri,
                          "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                          "'public' ORDER BY 1");
  out += query(uri, "SELECT version_num FROM alembic_version ORDER BY 1");
  try {
    out += query(uri, "SELECT name, price_cents::text FROM sweets ORDER BY 1");
  } catch (const engine::DatabaseError&) {
    out += "no sweets\n";
  }
  return out;
}

TEST(BackupRestoreTest, RoundTripAndCorruptionRefused) {
  PostgresServer& server = PostgresServer::shared();
  std::string url = server.createPasswordDatabase("backup_round_trip", kPassword);
  std::string admin = server.uri(url.substr(url.rfind('/') + 1));
  fs::path scripts = copySweetShop();
  fs::path dir = fs::temp_directory_path() / ("retort-backups-" + std::to_string(::getpid()));
  std::string d = "-d " + scripts.string() + " ";

  ASSERT_EQ(retortWith(url, d + "upgrade head").exitCode, 0);
  engine::Connection(admin).exec(
      "INSERT INTO categories (name, slug) VALUES ('Chocolate', 'chocolate'); "
      "INSERT INTO sweets (name, category_id, price_cents) SELECT 'truffle', id, 250 "
      "FROM categories");
  std::string atBackup = contents(admin);

  CliResult backup = retortWith(url, d + "backup --backup-dir " + dir.string());
  ASSERT_EQ(backup.exitCode, 0) << backup.err;
  fs::path file = backup.out.substr(0, backup.out.find('\n'));
  ASSERT_TRUE(fs::exists(file)) << backup.out;
  std::ifstream sidecarIn(file.string() + ".json");
  std::stringstream sidecarText;
  sidecarText << sidecarIn.rdbuf();
  EXPECT_EQ(sidecarText.str().find(kPassword), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(sidecarText.str())["heads"],
            nlohmann::json::array({"2a3b7c4d5e07"}));

  ASSERT_EQ(retortWith(url, d + "downgrade base").exitCode, 0);
  EXPECT_NE(contents(admin), atBackup);

  // Not empty (the version table is still there): --clean needs --yes.
  CliResult unconfirmed = retortWith(url, d + "restore --clean " + file.string());
  EXPECT_EQ(unconfirmed.exitCode, 4);
  EXPECT_NE(unconfirmed.err.find("--yes"), std::string::npos) << unconfirmed.err;

  CliResult restored = retortWith(url, d + "restore --clean --yes " + file.string());
  ASSERT_EQ(restored.exitCode, 0) << restored.err;
  EXPECT_EQ(contents(admin), atBackup);

  // One byte changed: refused before anything is restored.
  fs::path corrupt = dir / "corrupt.dump";
  fs::copy_file(file, corrupt);
  fs::copy_file(file.string() + ".json", corrupt.string() + ".json");
  {
    std::fstream f(corrupt, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(corrupt) / 2));
    char c = 0;
    f.read(&c, 1);
    f.seekp(static_cast<std::streamoff>(fs::file_size(corrupt) / 2));
    c = static_cast<char>(c ^ 0x5a);
    f.write(&c, 1);
  }
  CliResult refused = retortWith(url, d + "restore --clean --yes " + corrupt.string());
  EXPECT_EQ(refused.exitCode, 4);
  EXPECT_NE(refused.err.find("corrupted"), std::string::npos) << refused.err;
  EXPECT_EQ(contents(admin), atBackup);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace retort::test
