// `retort revision --autogenerate`: the upgrade and downgrade SQL of a new script, computed as
// the diff between the database at the scripts' head and the desired schema (schema.sql),
// and its reverse. What needs a human (possible renames, data loss, enum values that cannot
// be used in the same transaction) comes back as warnings and as `-- REVIEW:` comments at
// the top of the SQL, so nothing is silently guessed.
#pragma once

#include <string>
#include <vector>

#include "engine/runtime/connection.hpp"
#include "engine/schema/model.hpp"
#include "engine/schema/schema_comparison.hpp"

namespace retort::engine::schema {

struct AutogenerateResult {
  std::string upgradeSql;    // statements separated by blank lines; empty when nothing changed
  std::string downgradeSql;  // the reverse diff
  std::vector<std::string> warnings;
  std::vector<std::string> operations;  // "add_column public.sweets.colour", for the log
  bool empty() const { return upgradeSql.empty(); }
};

// From two models (pure; what the tests and other callers with models in hand use).
AutogenerateResult autogenerate(const Model& head, const Model& desired);

// From the database at head and the desired schema file (see ComparisonSource for where the
// file is loaded).
AutogenerateResult autogenerate(Connection& databaseAtHead, const ComparisonSource& source);

}  // namespace retort::engine::schema
