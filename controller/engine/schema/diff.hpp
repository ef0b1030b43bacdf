// Compares two schema models and produces the DDL that turns the first into the second.
// Each difference is one Change (named like Alembic's autogenerate operations so `check`
// output reads familiar) carrying its statements; every statement has a phase, and the script
// is the statements sorted by phase, which is what orders dependencies: schemas, types and
// sequences before tables, foreign keys dropped before their tables and added after every
// table exists, columns dropped only after the indexes and constraints that use them.
// The reverse direction is simply diff(to, from). Renames cannot be told apart from a drop
// and an add, so they are never guessed: a look-alike pair is reported as a review note.
#pragma once

#include <string>
#include <vector>

#include "engine/schema/model.hpp"

namespace retort::engine::schema {

// When a statement runs relative to the others (lower first).
enum class Phase {
  CreateSchema,
  AlterEnum,
  CreateSequence,
  DropForeignKey,
  DropIndexOrConstraint,
  DropTable,
  DropColumn,
  CreateTable,
  AddColumn,
  AlterColumn,
  AddIndexOrConstraint,
  AddForeignKey,
  SequenceOwnership,
  DropTypeSequenceSchema,
  Comment,
};

struct Statement {
  Phase phase;
  std::string sql;  // without the trailing semicolon
};

struct Change {
  std::string operation;  // add_table, remove_column, modify_type, add_enum_value, ...
  std::string object;     // "schema.table", "schema.table.column", "schema.table.constraint"
  std::string detail;     // what changed, e.g. "character varying(50) -> text"; may be empty
  bool dataLoss = false;  // dropping or narrowing something that may hold data
  // A consequence of another change rather than a difference of its own (for example a foreign
  // key dropped and re-added around its target's primary key): in the script, not in `check`.
  bool implied = false;
  std::vector<Statement> statements;
};

struct SchemaDiff {
  std::vector<Change> changes;           // in a deterministic order (by object, then kind)
  std::vector<std::string> reviewNotes;  // possible renames and other things to check by hand

  bool empty() const { return changes.empty(); }
  // The statements of every change, ordered by phase, each ending in ";".
  std::vector<std::string> orderedStatements() const;
  // A script body: review notes as `-- REVIEW:` comments, then the ordered statements.
  std::string sql() const;
};

SchemaDiff diff(const Model& from, const Model& to);

// A literal for DDL (standard_conforming_strings on): 'it''s'.
std::string quoteLiteral(const std::string& value);

}  // namespace retort::engine::schema
