// Runs pg_dump / pg_restore as child processes without a shell: arguments are passed as an
// argv vector (so nothing is re-parsed) and secrets go through the child's environment only,
// never its command line (which any local user can read in /proc). stderr is captured for the
// error message; stdout goes to a file or /dev/null. While the child runs, `onTick` is called
// about every `tickSeconds` (for progress lines). `workingDirectory`, when set, is where the
// child starts (the Alembic helpers resolve a project's relative paths there).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace retort::engine::backup {

struct ChildResult {
  int exitCode = -1;  // -1: killed by a signal, or could not be started
  std::string stderrText;
  std::string stdoutText;  // only when captureStdout
};

struct ChildOptions {
  std::map<std::string, std::string> environment;  // added to (or replacing) the parent's
  bool captureStdout = false;
  std::filesystem::path workingDirectory;  // empty: the parent's
  std::function<void()> onTick;
  double tickSeconds = 5;
};

ChildResult runChild(const std::vector<std::string>& argv, const ChildOptions& options = {});

}  // namespace retort::engine::backup
