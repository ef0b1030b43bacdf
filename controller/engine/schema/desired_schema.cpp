#include "engine/schema/desired_schema.hpp"

#include <fstream>
#include <sstream>

#include "engine/schema/scratch_database.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/text.hpp"

namespace retort::engine::schema {

namespace {

// Line (1-based) of a 1-based character position, counting UTF-8 characters as the server
// does.
int lineOfCharacter(const std::string& text, int position) {
  int line = 1;
  int characters = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++characters;
    if (characters >= position) break;
    if (c == '\n') ++line;
  }
  return line;
}

// Rewrites a model read from schema `from` as if it lived in `to`. Only index definitions and
// foreign-key targets carry the schema name in their text: everything else was printed with
// `from` on the search_path, hence unqualified.
Model renameSchema(Model model, const std::string& from, const std::string& to) {
  Model renamed;
  renamed.schemas = {to};
  std::string qualifiedFrom = quoteIdentifier(from) + ".";
  std::string qualifiedTo = quoteIdentifier(to) + ".";
  for (auto& [key, type] : model.enums) {
    type.schema = to;
    renamed.enums.emplace(qualifiedKey(to, type.name), std::move(type));
  }
  for (auto& [key, sequence] : model.sequences) {
    sequence.schema = to;
    renamed.sequences.emplace(qualifiedKey(to, sequence.name), std::move(sequence));
  }
  for (auto& [key, table] : model.tables) {
    table.schema = to;
    for (Index& index : table.indexes) {
      size_t at = index.definition.find(" ON " + qualifiedFrom);
      if (at != std::string::npos) {
        index.definition.replace(at + 4, qualifiedFrom.size(), qualifiedTo);
      }
    }
    for (Constraint& constraint : table.constraints) {
      if (constraint.referencedTable.starts_with(from + ".")) {
        constraint.referencedTable = to + constraint.referencedTable.substr(from.size());
      }
    }
    renamed.tables.emplace(qualifiedKey(to, table.name), std::move(table));
  }
  return renamed;
}

}  // namespace

void applySchemaSql(Connection& connection, const std::string& sql, const std::string& file) {
  try {
    connection.execBatch(sql);
  } catch (const DatabaseError& error) {
    int line = error.details().position ? lineOfCharacter(sql, *error.details().position) : 0;
    throw ScriptError(file, line, error.what());
  }
}

Model loadSchemaSql(const std::string& serverUri, const std::string& sql, const std::string& file,
                    const IntrospectOptions& options) {
  ScratchDatabase scratch(serverUri);
  Connection connection(scratch.uri());
  connection.exec("SET client_min_messages = warning");
  applySchemaSql(connection, sql, file);
  return introspect(connection, options);
}

std::string readSchemaFile(const std::string& schemaFile) {
  std::optional<std::string> text = readFileIfExists(schemaFile);
  if (!text) throw CommandError("cannot read the desired schema " + schemaFile);
  return *text;
}

Model loadDesiredSchema(const std::string& serverUri, const std::string& schemaFile,
                        const IntrospectOptions& options) {
  return loadSchemaSql(serverUri, readSchemaFile(schemaFile), schemaFile, options);
}

Model loadSchemaSqlInScratchSchema(Connection& connection, const std::string& sql,
                                   const std::string& file, const IntrospectOptions& options) {
  if (connection.inTransaction()) {
    throw CommandError("the desired schema cannot be loaded inside an open transaction");
  }
  std::string scratch = ScratchDatabase::uniqueName();
  std::string quoted = connection.quoteIdentifier(scratch);
  connection.exec("BEGIN");
  try {
    connection.exec("SET LOCAL client_min_messages = warning");
    connection.exec("CREATE SCHEMA " + quoted);
    connection.exec("SELECT pg_catalog.set_config('search_path', $1, true)", {quoted});
    applySchemaSql(connection, sql, file);
    IntrospectOptions scratchOptions = options;
    scratchOptions.schemas = {scratch};
    scratchOptions.searchPath = scratch;
    for (std::string& excluded : scratchOptions.excludedTables) {
      if (excluded.starts_with("public.")) excluded = scratch + excluded.substr(6);
    }
    Model model = introspect(connection, scratchOptions);
    connection.exec("ROLLBACK");
    return renameSchema(std::move(model), scratch, "public");
  } catch (...) {
    if (connection.inTransaction()) connection.exec("ROLLBACK");
    throw;
  }
}

}  // namespace retort::engine::schema
