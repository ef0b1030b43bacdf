// How `retort check` reports a comparison: Alembic's texts for people (the success line
// `No new upgrade operations detected.`, and `New upgrade operations detected:` followed by one
// line per difference) and a JSON document for machines.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/schema/diff.hpp"

namespace retort::engine::schema {

inline constexpr const char* kNoNewOperations = "No new upgrade operations detected.";

// One line per reported (non-implied) change: "add_column public.sweets.colour (text)".
std::vector<std::string> describeChanges(const SchemaDiff& difference);

// The failure message: "New upgrade operations detected:\n  add_column ...".
std::string newOperationsMessage(const SchemaDiff& difference);

nlohmann::json checkJson(const SchemaDiff& difference);

}  // namespace retort::engine::schema
