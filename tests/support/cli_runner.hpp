// Runs the built `retort` binary as a separate process, the way users and the operator's Job
// run it, and captures its exit code, stdout and stderr.
#pragma once

#include <filesystem>
#include <string>

namespace retort::test {

struct CliResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

// `arguments` is appended to the command line as is (callers quote what needs quoting).
CliResult runRetort(const std::string& arguments, const std::string& databaseUrl = "");

// A copy of the SweetShop script location in a fresh temporary directory.
std::filesystem::path copySweetShop();
// A fresh empty script location (with versions/).
std::filesystem::path emptyScriptLocation();
// Writes `versions/<name>` inside `location`.
void writeScript(const std::filesystem::path& location, const std::string& name,
                 const std::string& text);

}  // namespace retort::test
