// The drift check's read of a database: the revision ids in its Alembic version table
// (alembic_version, what `retort current` reads), on a connection of its own that is
// read-only, gives up connecting after a few seconds and cancels a statement that runs longer,
// so one unreachable database delays only its own check. No version table means no revisions
// (a database never migrated). Throws engine::DatabaseError, whose message never contains the
// URL or its password.
#pragma once

#include <string>
#include <vector>

namespace retort::op {

inline constexpr int kDriftReadTimeoutSeconds = 5;

std::vector<std::string> readDatabaseHeads(const std::string& url);

// The URL with connect_timeout added unless it sets one (URI or key=value form). Pure.
std::string withConnectTimeout(const std::string& url, int seconds);

}  // namespace retort::op
