#include "operator/schema_version/database_heads.hpp"

#include "engine/runtime/connection.hpp"
#include "engine/runtime/version_table.hpp"

namespace retort::op {

std::string withConnectTimeout(const std::string& url, int seconds) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  const std::string setting = "connect_timeout=" + std::to_string(seconds);
  const bool uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  if (!uri) return url.empty() ? setting : url + " " + setting;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + setting;
}

std::vector<std::string> readDatabaseHeads(const std::string& url) {
  engine::Connection connection(withConnectTimeout(url, kDriftReadTimeoutSeconds));
  connection.exec("SET default_transaction_read_only = on");
  connection.exec("SET statement_timeout = " + std::to_string(kDriftReadTimeoutSeconds * 1000));
  engine::VersionTable table(connection, engine::VersionTableName{});
  if (!table.exists()) return {};
  return table.rows();
}

}  // namespace retort::op
