// What `check` and `revision --autogenerate` share on the command line: where the desired
// schema comes from (--schema, --scratch-url, --no-cache, --load-in-server), and Alembic's rule
// that the database must be at every head before it is compared with that schema.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command.hpp"
#include "engine/runtime/migrator.hpp"
#include "engine/schema/schema_comparison.hpp"

namespace retort::cli {

struct DesiredSchemaOptions {
  std::string schemaFile;  // empty: <script location>/schema.sql
  std::string scratchUrl;
  bool noCache = false;
  bool loadInServer = false;

  void addTo(CLI::App& command);
  engine::schema::ComparisonSource source(const GlobalOptions& options) const;
};

// Throws Alembic's "Target database is not up to date." unless the rows are exactly the heads.
void requireAllHeads(engine::Migrator& migrator, const engine::RevisionGraph& graph);

}  // namespace retort::cli
