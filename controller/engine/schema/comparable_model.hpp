// A schema model reduced to what decides equality, with every SQL text (defaults, generated
// expressions, constraint and index definitions) replaced by a key: the canonical parse tree
// of the text (engine/sql/canonical_expression.hpp), printed as JSON. Two comparable models
// are equal when the databases they describe have the same shape, whether a text came from
// PostgreSQL's catalog or straight from schema.sql; so `retort check` can compare a database
// with schema.sql read by the parser alone (schema_sql_reader.hpp), without creating it.
// Derived fields that the definition already says (an index's keys, a foreign key's columns)
// are left empty. These models are for ==, never for writing DDL.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "engine/schema/model.hpp"

namespace retort::engine::schema {

// Keys of parse-tree nodes; `sql` is the text the node was parsed from.
std::string expressionKey(const nlohmann::json& expression, std::string_view sql);
// A table constraint ({"contype": ...} of an ALTER TABLE ... ADD), with its columns, and the
// referenced columns of a foreign key, spelled out: the server always prints them.
std::string constraintKey(const nlohmann::json& constraint, std::string_view sql);
// A CREATE INDEX statement's fields.
std::string indexKey(const nlohmann::json& indexStatement, std::string_view sql);

// The comparable form of a model read from the catalog. nullopt if a text the server printed
// does not parse with the parser Retort links (a newer server's syntax): the caller then
// cannot compare without a server.
std::optional<Model> comparableModel(const Model& model);

}  // namespace retort::engine::schema
