// Checks a --version-table name before anything uses it. PostgreSQL cuts names at 63 bytes,
// and Retort derives two names from the version table's: its history table (`<name>_history`)
// and Alembic's primary key (`<name>_pkc`). A longer name would be cut silently and the
// history table would collide with the version table, so it is refused as a usage error.
#pragma once

#include <string>

namespace retort::cli {

// The longest version table name whose derived names still fit in 63 bytes.
constexpr size_t kMaxVersionTableNameBytes = 63 - sizeof("_history") + 1;

// Why `name` cannot be a version table name, or "" when it can.
std::string versionTableNameProblem(const std::string& name);

}  // namespace retort::cli
