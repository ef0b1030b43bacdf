#include "engine/schema/desired_schema.hpp"

#include <fstream>
#include <sstream>

#include "engine/errors.hpp"
#include "engine/schema/scratch_database.hpp"

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

Model loadDesiredSchema(const std::string& serverUri, const std::string& schemaFile,
                        const IntrospectOptions& options) {
  std::ifstream input(schemaFile, std::ios::binary);
  if (!input) throw CommandError("cannot read the desired schema " + schemaFile);
  std::stringstream text;
  text << input.rdbuf();
  return loadSchemaSql(serverUri, text.str(), schemaFile, options);
}

}  // namespace retort::engine::schema
