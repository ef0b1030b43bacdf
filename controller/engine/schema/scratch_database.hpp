// A throwaway database on a server, created on construction and dropped on destruction, in
// which Retort materialises a schema it needs to introspect (the desired schema, the scripts'
// head) without touching the user's database. Needs the CREATEDB privilege on that server.
#pragma once

#include <string>

namespace retort::engine::schema {

class ScratchDatabase {
 public:
  // `serverUri` is any connection string for the server; its database is used to issue
  // CREATE DATABASE / DROP DATABASE.
  explicit ScratchDatabase(const std::string& serverUri);
  // The same with a name the caller chose (a rehearsal's, engine/rehearsal/scratch_name.hpp).
  ScratchDatabase(const std::string& serverUri, const std::string& name);
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  ~ScratchDatabase();

  const std::string& name() const { return name_; }
  // A fresh name for a scratch object: retort_scratch_<pid>_<random hex>.
  static std::string uniqueName();
  // A connection string for the scratch database.
  const std::string& uri() const { return uri_; }

 private:
  std::string serverUri_;
  std::string name_;
  std::string uri_;
};

// `uri` with its database replaced by `database` (as a key=value connection string).
std::string withDatabase(const std::string& uri, const std::string& database);

}  // namespace retort::engine::schema
