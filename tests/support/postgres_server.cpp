#include "postgres_server.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "engine/runtime/connection.hpp"

namespace retort::test {

int runCommand(const std::string& command, std::string* output) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::array<char, 4096> buffer{};
  std::string out;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  int status = pclose(pipe);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;
  return server;
}

PostgresServer::PostgresServer() {
  char pattern[] = "/tmp/retort-test.XXXXXX";
  if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  std::string output;
  std::string script = std::string(RETORT_SOURCE_DIR) + "/tests/support/postgres.sh";
  if (runCommand(script + " up " + dir_ + "/pg fsync=off full_page_writes=off", &output) != 0) {
    throw std::runtime_error("could not start PostgreSQL: " + output);
  }
  while (!output.empty() && output.back() == '\n') output.pop_back();
  baseUri_ = output.substr(output.rfind('\n') + 1);
  baseUri_ = baseUri_.substr(0, baseUri_.rfind('/'));
}

PostgresServer::~PostgresServer() {
  std::string script = std::string(RETORT_SOURCE_DIR) + "/tests/support/postgres.sh";
  runCommand(script + " down " + dir_ + "/pg >/dev/null 2>&1");
  std::filesystem::remove_all(dir_);
}

void PostgresServer::control(const std::string& command) {
  std::string output;
  std::string script = std::string(RETORT_SOURCE_DIR) + "/tests/support/postgres.sh";
  if (runCommand(script + " " + command + " " + dir_ + "/pg 2>&1", &output) != 0) {
    throw std::runtime_error("postgres.sh " + command + " failed: " + output);
  }
}

void PostgresServer::stopImmediately() {
  control("stop");
}

void PostgresServer::start() {
  control("start");
}

std::string PostgresServer::uri(const std::string& database) const {
  return baseUri_ + "/" + database;
}

std::string PostgresServer::createDatabase(const std::string& hint) {
  std::string name;
  for (char c : hint)
    name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  name = name.substr(0, 40) + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter_);
  engine::Connection admin(uri());
  admin.exec("CREATE DATABASE " + admin.quoteIdentifier(name));
  return uri(name);
}

void PostgresServer::requirePassword(const std::string& role, const std::string& password) {
  engine::Connection admin(uri());
  admin.exec(
      "DO $$ BEGIN CREATE ROLE retort_password_login NOLOGIN; "
      "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
  admin.exec("DO $$BEGIN CREATE ROLE " + admin.quoteIdentifier(role) +
             " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END$$");
  admin.exec("ALTER ROLE " + admin.quoteIdentifier(role) + " CREATEDB PASSWORD " +
             admin.quoteLiteral(password));
  admin.exec("GRANT retort_password_login TO " + admin.quoteIdentifier(role));
  admin.exec("GRANT ALL ON SCHEMA public TO " + admin.quoteIdentifier(role));
}

std::string PostgresServer::createPasswordDatabase(const std::string& hint,
                                                   const std::string& password) {
  std::string name = createDatabase(hint);
  name = name.substr(name.rfind('/') + 1);
  requirePassword(name, password);
  engine::Connection(uri()).exec("ALTER DATABASE " + name + " OWNER TO " + name);
  return "postgresql://" + name + ":" + password + "@" + hostAndPort() + "/" + name;
}

std::string PostgresServer::hostAndPort() const {
  return baseUri_.substr(baseUri_.find('@') + 1);
}

}  // namespace retort::test
