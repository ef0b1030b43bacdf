// A real PostgreSQL server for integration tests, started once per test executable through
// tests/support/postgres.sh and stopped when the executable exits (also after failures); a test
// that must stop the server under a run takes one of its own.
// Each test takes a fresh database from it so tests never see each other's tables.
#pragma once

#include <string>

namespace retort::test {

class PostgresServer {
 public:
  // The server shared by the whole executable, started on first use.
  static PostgresServer& shared();
  // A server of its own, for a test that stops and starts it; removed by the destructor.
  PostgresServer();

  // `pg_ctl stop -m immediate`: every session ends at once, like a crashed or evicted server.
  void stopImmediately();
  // Starts the stopped server again, on the same port and with the same settings.
  void start();

  // URI of an existing database on the server (default: the maintenance database).
  std::string uri(const std::string& database = "postgres") const;
  // Creates a database with a unique name derived from `hint` and returns its URI.
  std::string createDatabase(const std::string& hint);
  // Creates (or resets) a login role that must authenticate with `password` (scram-sha-256 over
  // TCP: postgres.sh puts members of retort_password_login ahead of initdb's trust lines).
  void requirePassword(const std::string& role, const std::string& password);
  // Creates a login role that must authenticate with `password` and a database it owns;
  // returns the database's URI with that user and password in it.
  std::string createPasswordDatabase(const std::string& hint, const std::string& password);
  // "127.0.0.1:<port>", for tests that build their own connection strings.
  std::string hostAndPort() const;

  ~PostgresServer();

 private:
  void control(const std::string& command);
  std::string dir_;
  std::string baseUri_;
  int counter_ = 0;
};

// Runs `command` through the shell, returns its exit status and fills `output` with stdout.
int runCommand(const std::string& command, std::string* output = nullptr);

}  // namespace retort::test
