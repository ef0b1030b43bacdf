// Reads a desired schema (schema.sql) with PostgreSQL's parser alone, into the comparable form
// of a model (comparable_model.hpp), so `retort check` need not create every table and index
// in a scratch schema to learn what the file declares. It understands the statements schema
// files are made of: CREATE TABLE (typed columns, NOT NULL, defaults, identity, serial and
// generated columns, primary key, unique, check and foreign-key constraints), CREATE INDEX,
// ALTER TABLE ... ADD CONSTRAINT, CREATE TYPE ... AS ENUM, ALTER TYPE ... ADD VALUE, CREATE
// SEQUENCE and COMMENT ON TABLE/COLUMN; and it derives what the server would: the names of
// unnamed constraints, indexes and sequences, NOT NULL on key and identity columns, the
// primary key a foreign key refers to when no column is given.
// It declines, with the reason and line, anything else: a schema-qualified name, a view, a type it
// does not know, a name collision the server would settle by numbering. PostgreSQL stays the
// reference: callers load a declined file in a scratch schema, as they did before this reader.
#pragma once

#include <optional>
#include <string>

#include "engine/schema/model.hpp"

namespace retort::engine::schema {

struct SchemaSqlReading {
  std::optional<Model> model;  // comparable form; empty when declined
  std::string declined;        // why, as "line 12: CREATE VIEW is not read"
};

SchemaSqlReading readSchemaSql(const std::string& sql);

}  // namespace retort::engine::schema
