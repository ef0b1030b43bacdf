// A cache of desired-schema models on disk. Loading schema.sql means creating every table
// and index for real (and rolling them back), which for hundreds of tables costs seconds; the
// model it yields depends only on the file's text, the server's major version and the
// options, so it is stored under a hash of those and reused until one of them changes.
// A cache file that cannot be read is ignored and rewritten.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/schema/model.hpp"

namespace retort::engine::schema {

// The cache key of a text: 128 bits of two FNV-1a hashes, in hex. Not a cryptographic
// digest, which would cost more than the lookup it names (OpenSSL 3 spends over a millisecond
// loading its provider on first use); a collision could only ever mix up two desired schemas
// of the same user, and at 128 bits none is expected.
std::string cacheKey(std::string_view identity);

// The default cache directory: $XDG_CACHE_HOME/retort, else $HOME/.cache/retort, else "".
std::string defaultCacheDirectory();

// The model stored under `key` in `directory`, if there is one that reads back. An empty
// directory disables caching.
std::optional<Model> readCachedModel(const std::string& directory, const std::string& key);

// Stores `model` under `key` for the next reader; a failure to write only costs that reader
// a load.
void storeCachedModel(const std::string& directory, const std::string& key, const Model& model);

}  // namespace retort::engine::schema
