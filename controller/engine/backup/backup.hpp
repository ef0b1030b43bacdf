// Backups around a migration: `pg_dump` (the one on PATH) in custom format into a directory,
// named by database, starting revision and UTC time, written under a temporary name, fsynced
// and renamed, verified with `pg_restore --list`, with a sidecar JSON beside it (database,
// heads, time, bytes, sha256, Retort and server versions); older backups of the same database
// are pruned to `keep`. restoreBackup() checks the file's sha256 against its sidecar before
// handing it to `pg_restore`; with `jobs` above 1 it restores in parallel (`pg_restore -j`,
// which the custom format allows, and which cannot be one transaction: for an empty target,
// such as a rehearsal's scratch database). The password in the URL reaches the children through
// their environment (PGPASSWORD), never their command line, and appears in no message. Failures are
// BackupError (exit 4).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/runtime/connection.hpp"

namespace retort::engine::backup {

// What the server says about itself, read before a backup (and recorded in the sidecar).
struct ServerFacts {
  std::string database;
  std::string serverVersion;  // server_version, e.g. "15.8 (Debian 15.8-1)"
  int serverMajor = 0;
  long long databaseBytes = 0;  // pg_database_size
};
ServerFacts readServerFacts(Connection& connection);

struct BackupRequest {
  std::string databaseUrl;
  std::filesystem::path directory;
  int keep = 0;  // backups of this database to keep after this one; 0: keep all
  std::vector<std::string> heads;
  ServerFacts server;
  std::function<void(const std::string&)> progress;  // one line every few seconds
};

struct BackupResult {
  std::filesystem::path file;
  std::filesystem::path sidecar;
  long long bytes = 0;
  std::string sha256;
  double seconds = 0;        // pg_dump, fsync and rename
  double verifySeconds = 0;  // pg_restore --list and sha256
  std::vector<std::filesystem::path> pruned;
};

BackupResult takeBackup(const BackupRequest& request);

struct Sidecar {
  std::string database;
  std::vector<std::string> heads;
  std::string time;
  long long bytes = 0;
  std::string sha256;
  std::string retortVersion;
  std::string serverVersion;
};
// The sidecar of `backupFile` (`<file>.json`); throws BackupError when missing or malformed.
Sidecar readSidecar(const std::filesystem::path& backupFile);
std::string fileSha256(const std::filesystem::path& file);

struct RestoreRequest {
  std::string databaseUrl;
  std::filesystem::path file;
  bool clean = false;  // drop the dump's objects first (the database is not empty)
  // Parallel pg_restore jobs; 1: one transaction, all or nothing (what `retort restore` wants).
  int jobs = 1;
  // One line every few seconds while pg_restore runs: elapsed time and the target's size.
  std::function<void(const std::string&)> progress;
};
// Verifies the sha256 against the sidecar, then runs pg_restore. Returns the sidecar.
Sidecar restoreBackup(const RestoreRequest& request);

// The major version of the `pg_dump` on PATH (0 when it cannot be run).
int pgDumpMajorVersion();

}  // namespace retort::engine::backup
