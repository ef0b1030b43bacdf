// `retort revision -m MSG [...]` and `retort merge -m MSG REV...`: write a new script.
#include <iostream>

#include "cli/context.hpp"
#include "cli/desired_schema_options.hpp"
#include "engine/schema/autogenerate.hpp"
#include "engine/script/revision_writer.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"

namespace retort::cli {
namespace {

struct RevisionOptions {
  engine::NewRevision request;
  DesiredSchemaOptions desired;
  std::string head = "head";
  std::string branchLabel;
  bool autogenerate = false;
  bool sql = false;
};

void generate(const GlobalOptions& options, engine::NewRevision request) {
  engine::ScriptDirectory scripts = loadScripts(options);
  std::filesystem::path path = engine::writeRevision(scripts, request);
  std::cout << "Generating " << std::filesystem::absolute(path).lexically_normal().string()
            << " ...  done" << std::endl;
}

// Fills the new script's sections with the diff between the database (at every head, as
// Alembic requires) and the desired schema, and its reverse.
void fillFromSchemaDiff(const GlobalOptions& options, const DesiredSchemaOptions& desired,
                        engine::NewRevision& request) {
  engine::ScriptDirectory scripts = loadScripts(options);
  DatabaseSession session = openDatabase(options, scripts.graph(), false);
  requireAllHeads(*session.migrator, scripts.graph());
  engine::schema::AutogenerateResult result =
      engine::schema::autogenerate(*session.connection, desired.source(options));
  for (const std::string& operation : result.operations) {
    engine::Log::info("retort.autogenerate.compare", "Detected " + operation);
  }
  for (const std::string& warning : result.warnings)
    engine::Log::warning("retort.autogenerate.compare", warning);
  if (result.empty())
    engine::Log::info("retort.autogenerate.compare", "No changes in schema detected.");
  request.upgradeSql = result.upgradeSql;
  request.downgradeSql = result.downgradeSql;
}

void runRevision(const GlobalOptions& options, RevisionOptions args) {
  if (args.sql && args.autogenerate)
    throw engine::CommandError("Using --sql with --autogenerate does not make any sense");
  if (args.sql) {
    throw engine::CommandError(
        "Using --sql with the revision command when revision_environment is not configured does "
        "not make any sense");
  }
  args.request.heads = {args.head};
  if (args.autogenerate) fillFromSchemaDiff(options, args.desired, args.request);
  if (!args.branchLabel.empty()) args.request.branchLabels = {args.branchLabel};
  generate(options, args.request);
}

void installRevision(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<RevisionOptions>();
  CLI::App* cmd = app.add_subcommand("revision", "Create a new revision file.");
  cmd->add_option("-m,--message", args->request.message, "Message string to use with 'revision'");
  cmd->add_flag("--autogenerate", args->autogenerate,
                "Populate the revision script with candidate operations");
  cmd->add_flag("--sql", args->sql, "Don't emit SQL to database - dump to standard output instead");
  cmd->add_option("--head", args->head,
                  "Specify head revision or <branchname>@head to base new revision on");
  cmd->add_flag("--splice", args->request.splice,
                "Allow a non-head revision as the 'head' to splice onto");
  cmd->add_option("--branch-label", args->branchLabel,
                  "Specify a branch label to apply to the new revision");
  cmd->add_option("--depends-on", args->request.dependsOn,
                  "Specify one or more revision identifiers which this revision should depend on");
  cmd->add_option("--rev-id", args->request.revisionId,
                  "Specify a hardcoded revision id instead of generating one");
  cmd->callback([&options, args] { runRevision(options, *args); });
}

void installMerge(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<RevisionOptions>();
  CLI::App* cmd =
      app.add_subcommand("merge", "Merge two revisions together.  Creates a new migration file.");
  cmd->add_option("revisions", args->request.heads,
                  "one or more revisions, or 'heads' for all heads")
      ->required();
  cmd->add_option("-m,--message", args->request.message, "Message string to use with 'merge'");
  cmd->add_option("--branch-label", args->branchLabel,
                  "Specify a branch label to apply to the new revision");
  cmd->add_option("--rev-id", args->request.revisionId,
                  "Specify a hardcoded revision id instead of generating one");
  cmd->add_flag("--splice", args->request.splice,
                "Allow a non-head revision as the 'head' to splice onto");
  cmd->callback([&options, args] {
    engine::NewRevision request = args->request;
    if (!args->branchLabel.empty()) request.branchLabels = {args->branchLabel};
    generate(options, request);
  });
}

}  // namespace
RETORT_COMMAND(revision, installRevision);
RETORT_COMMAND(merge, installMerge);
}  // namespace retort::cli
