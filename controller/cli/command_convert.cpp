// `retort convert DIR --to OUT`: one Retort `.sql` script per revision of the Alembic project in
// DIR (or the alembic.ini DIR names), with the SQL Alembic's offline mode renders for each
// step. Steps that need a live database are written as scripts that refuse to run, listed on
// stderr with file and line, and make the command exit 1. Nothing is written when the helper
// cannot run (Alembic or the project's env.py not importable).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/context.hpp"
#include "engine/script/alembic_conversion.hpp"
#include "engine/script/alembic_project.hpp"
#include "engine/util/errors.hpp"

extern char** environ;

namespace retort::cli {
namespace {

struct ConvertArgs {
  std::string project;
  std::string out;
  std::string python = "python3";
};

std::string helperPath() {
  if (const char* env = std::getenv("RETORT_ALEMBIC_HELPER"); env && *env) return env;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto installed = exe.parent_path().parent_path() / "share/retort/alembic_offline_sql.py";
    if (std::filesystem::exists(installed)) return installed;
  }
  return RETORT_ALEMBIC_HELPER;
}

// Runs argv in `directory`; returns stdout, and stderr in `errors`. Stderr goes to a temporary
// file so that neither pipe can fill up while the other is read.
int runProcess(const std::vector<std::string>& argv, const std::filesystem::path& directory,
               std::string& output, std::string& errors) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw engine::CommandError("pipe failed");
  char errorPath[] = "/tmp/retort-convert.XXXXXX";
  int errorFd = ::mkstemp(errorPath);
  if (errorFd < 0) throw engine::CommandError("cannot create a temporary file");
  ::unlink(errorPath);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, errorFd, 2);
  posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(errorFd);
    throw engine::CommandError("cannot run " + argv[0] + ": " + std::strerror(rc) +
                               " (convert needs Python with Alembic; pass --python)");
  }
  char buffer[65536];
  ssize_t n;
  while ((n = ::read(out[0], buffer, sizeof buffer)) > 0) output.append(buffer, n);
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::lseek(errorFd, 0, SEEK_SET);
  while ((n = ::read(errorFd, buffer, sizeof buffer)) > 0) errors.append(buffer, n);
  ::close(errorFd);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::map<std::string, engine::RenderedStep> render(const ConvertArgs& args,
                                                   const engine::AlembicIni& ini,
                                                   const std::filesystem::path& base,
                                                   const std::string& direction) {
  std::string output, errors;
  int rc = runProcess(
      {args.python, helperPath(), std::filesystem::absolute(ini.file).string(), direction}, base,
      output, errors);
  if (rc == 3) {
    throw engine::CommandError("convert renders SQL with Alembic's offline mode, and " +
                               args.python + " cannot import Alembic: " + errors +
                               "Install Alembic for that Python, or pass --python.");
  }
  if (rc != 0) {
    throw engine::CommandError("Alembic's offline mode (" + direction +
                               " --sql) failed; the "
                               "project's env.py and everything it imports must be importable "
                               "by " +
                               args.python + ":\n" + errors);
  }
  return engine::parseOfflineRendering(output);
}

void runConvert(const ConvertArgs& args) {
  std::filesystem::path base = args.project, iniFile = base / "alembic.ini";
  if (std::filesystem::is_regular_file(base)) {
    iniFile = base;
    base = std::filesystem::absolute(base).parent_path();
  }
  engine::AlembicIni ini = engine::readAlembicIni(iniFile, std::filesystem::absolute(base));
  engine::ScriptDirectory project = engine::loadAlembicProject(ini);
  const engine::RevisionGraph& graph = project.graph();
  std::filesystem::path versions = std::filesystem::path(args.out) / "versions";
  if (std::filesystem::exists(versions) && !std::filesystem::is_empty(versions))
    throw engine::CommandError("Directory " + versions.string() + " is not empty");

  auto upgrades = render(args, ini, base, "upgrade");
  auto downgrades = render(args, ini, base, "downgrade");
  std::vector<std::pair<std::filesystem::path, std::string>> files;
  std::vector<std::string> needPerson;
  for (engine::RevisionIndex i = 0; i < static_cast<engine::RevisionIndex>(graph.size()); ++i) {
    const engine::Script& script = graph.script(i);
    auto up = upgrades.find(script.revision);
    if (up == upgrades.end()) {
      throw engine::CommandError("Alembic's offline mode rendered no upgrade for revision " +
                                 script.revision + " (" + script.path.string() + ")");
    }
    auto down = downgrades.find(script.revision);
    const engine::RenderedStep* downStep = down == downgrades.end() ? nullptr : &down->second;
    const std::pair<const engine::RenderedStep*, const char*> steps[] = {{&up->second, "upgrade"},
                                                                         {downStep, "downgrade"}};
    for (auto [step, direction] : steps) {
      if (step && !step->renderable) {
        needPerson.push_back(script.path.string() +
                             (step->line > 0 ? ":" + std::to_string(step->line) : "") + ": " +
                             direction + " of " + script.revision + ": " + step->reason);
      }
    }
    std::filesystem::path target = versions / (script.path.stem().string() + ".sql");
    std::string text = engine::convertedScriptText(script, up->second, downStep);
    engine::parseScript(target, text);  // what we write must load
    files.emplace_back(target, std::move(text));
  }
  std::filesystem::create_directories(versions);
  for (const auto& [path, text] : files) {
    std::ofstream out(path);
    out << text;
    if (!out) throw engine::CommandError("cannot write " + path.string());
  }
  {
    std::ofstream settings(std::filesystem::path(args.out) / "retort.ini");
    settings << "file_template = " << ini.fileTemplate << "\n"
             << "truncate_slug_length = " << ini.truncateSlugLength << "\n";
    if (!ini.timezone.empty()) settings << "timezone = " << ini.timezone << "\n";
  }
  std::cout << "Converted " << files.size() << " revisions into " << versions.string() << "\n";
  if (!ini.versionTable.empty() || !ini.versionTableSchema.empty()) {
    std::cout << "The project uses version table "
              << (ini.versionTableSchema.empty() ? "" : ini.versionTableSchema + ".")
              << (ini.versionTable.empty() ? "alembic_version" : ini.versionTable)
              << ": pass --version-table"
              << (ini.versionTableSchema.empty() ? "" : " and --version-table-schema")
              << " when running the converted scripts\n";
  }
  if (!needPerson.empty()) {
    std::cerr << needPerson.size()
              << " step(s) could not be rendered offline and refuse to run until written:\n";
    for (const auto& line : needPerson) std::cerr << "  " << line << "\n";
    setExitCode(1);
  }
}

void install(CLI::App& app, GlobalOptions&) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand(
      "convert", "Convert an Alembic project into Retort .sql scripts (SQL by Alembic's --sql).");
  cmd->add_option("project", args->project, "Alembic project directory, or its alembic.ini")
      ->required();
  cmd->add_option("--to", args->out, "Directory to write (its versions/ must be empty)")
      ->required();
  cmd->add_option("--python", args->python, "Python with Alembic (default: python3)");
  cmd->callback([args] { runConvert(*args); });
}

}  // namespace
RETORT_COMMAND(convert, install);
}  // namespace retort::cli
