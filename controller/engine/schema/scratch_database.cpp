#include "engine/schema/scratch_database.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include "engine/runtime/connection.hpp"
#include "engine/util/errors.hpp"

namespace retort::engine::schema {

namespace {

std::string conninfoValue(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

}  // namespace

std::string ScratchDatabase::uniqueName() {
  std::random_device device;
  std::mt19937_64 generator(
      device() ^
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  static const char* digits = "0123456789abcdef";
  std::string suffix;
  for (int i = 0; i < 10; ++i) suffix += digits[generator() % 16];
  return "retort_scratch_" + std::to_string(getpid()) + "_" + suffix;
}

std::string withDatabase(const std::string& uri, const std::string& database) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (!options) {
    std::string message = error ? error : "invalid connection string";
    PQfreemem(error);
    throw CommandError("could not parse the database URL: " + message);
  }
  std::string conninfo;
  for (PQconninfoOption* option = options; option->keyword; ++option) {
    if (!option->val || std::string(option->keyword) == "dbname") continue;
    conninfo += std::string(option->keyword) + "=" + conninfoValue(option->val) + " ";
  }
  PQconninfoFree(options);
  return conninfo + "dbname=" + conninfoValue(database);
}

ScratchDatabase::ScratchDatabase(const std::string& serverUri)
    : ScratchDatabase(serverUri, uniqueName()) {}

ScratchDatabase::ScratchDatabase(const std::string& serverUri, const std::string& name)
    : serverUri_(serverUri), name_(name), uri_(withDatabase(serverUri, name_)) {
  Connection admin(serverUri_);
  try {
    admin.exec("CREATE DATABASE " + admin.quoteIdentifier(name_) + " TEMPLATE template0");
  } catch (const DatabaseError& error) {
    throw CommandError(
        "could not create the scratch database " + name_ +
        " (Retort needs CREATEDB on the server, or a --scratch-url): " + error.what());
  }
}

ScratchDatabase::~ScratchDatabase() {
  try {
    Connection admin(serverUri_);
    admin.exec("DROP DATABASE IF EXISTS " + admin.quoteIdentifier(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // A destructor cannot report; the name says what it is so a human can drop it.
  }
}

}  // namespace retort::engine::schema
