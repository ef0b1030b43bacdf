// The schema model: what Retort knows about a PostgreSQL database's structure, read from the
// catalog by introspect() and compared by diff(). Every container is sorted by name so two
// models of equal databases compare equal with ==, and every text field holds the server's own
// canonical rendering (format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef), which
// makes equality a plain string comparison and lets the diff reuse the text in DDL verbatim.
// Object names are stored unquoted; schema-qualified renderings omit `public`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace retort::engine::schema {

struct Column {
  std::string name;
  std::string type;  // format_type(): "character varying(50)", "numeric(10,2)"
  bool notNull = false;
  std::optional<std::string> defaultExpression;    // pg_get_expr of the default, not for generated
  std::string identity;                            // "", "ALWAYS" or "BY DEFAULT"
  std::optional<std::string> generatedExpression;  // GENERATED ALWAYS AS (...) STORED
  std::optional<std::string> collation;            // only when it differs from the type's
  std::optional<std::string> comment;
  bool operator==(const Column&) const = default;
};

enum class ConstraintKind { PrimaryKey, Unique, Check, ForeignKey, Exclusion };

struct Constraint {
  std::string name;
  ConstraintKind kind = ConstraintKind::Check;
  std::string definition;            // pg_get_constraintdef() without a trailing NOT VALID
  std::vector<std::string> columns;  // the constrained columns, in key order
  // Foreign keys only: the referenced table as "schema.table" (so ordering can put the target
  // first) and its columns.
  std::string referencedTable;
  std::vector<std::string> referencedColumns;
  bool operator==(const Constraint&) const = default;
};

struct Index {
  std::string name;
  std::string definition;  // pg_get_indexdef(): "CREATE UNIQUE INDEX i ON public.t USING btree (a)"
  bool unique = false;
  std::string method;                    // btree, gin, ...
  std::vector<std::string> keys;         // column names or expressions, as the server prints them
  std::optional<std::string> predicate;  // partial index WHERE clause
  bool operator==(const Index&) const = default;
};

struct Table {
  std::string schema;
  std::string name;
  // In attnum order, for readable DDL. Equality ignores the order: ADD COLUMN can only append,
  // so a diff could never reproduce another order, and Alembic does not compare it either.
  std::vector<Column> columns;
  std::vector<Constraint> constraints;  // sorted by name
  std::vector<Index> indexes;           // sorted by name; excludes indexes owned by constraints
  std::optional<std::string> comment;
  bool operator==(const Table& other) const;

  const Column* findColumn(const std::string& column) const;
};

struct EnumType {
  std::string schema;
  std::string name;
  std::vector<std::string> labels;  // in sort order
  bool operator==(const EnumType&) const = default;
};

struct Sequence {
  std::string schema;
  std::string name;
  std::string dataType;  // smallint, integer, bigint
  int64_t start = 1;
  int64_t increment = 1;
  int64_t minValue = 1;
  int64_t maxValue = 0;
  int64_t cache = 1;
  bool cycle = false;
  // The column owning a SERIAL-style sequence (PostgreSQL requires the same schema); empty when
  // free-standing. Identity sequences are not listed at all: they belong to their column.
  std::string ownedByTable;
  std::string ownedByColumn;
  bool operator==(const Sequence&) const = default;
};

// A whole database, keyed by qualified name ("schema.name") so iteration order is stable.
struct Model {
  std::vector<std::string> schemas;  // sorted, system schemas excluded
  std::map<std::string, EnumType> enums;
  std::map<std::string, Sequence> sequences;
  std::map<std::string, Table> tables;
  bool operator==(const Model&) const = default;
};

// "schema.name" key used by Model's maps.
std::string qualifiedKey(const std::string& schemaName, const std::string& name);

// The name as it appears in DDL: identifiers quoted when needed, `public.` left out.
std::string quoteIdentifier(const std::string& name);
std::string qualifiedName(const std::string& schemaName, const std::string& name);

std::string toString(ConstraintKind kind);

}  // namespace retort::engine::schema
