#include "cli_runner.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "postgres_server.hpp"

namespace retort::test {

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path freshDirectory(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + ".XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

}  // namespace

CliResult runRetort(const std::string& arguments, const std::string& databaseUrl) {
  std::filesystem::path dir = freshDirectory("retort-cli");
  std::string command = (databaseUrl.empty() ? "" : "DATABASE_URL='" + databaseUrl + "' ") +
                        std::string(RETORT_BINARY) + " " + arguments + " >" +
                        (dir / "out").string() + " 2>" + (dir / "err").string();
  CliResult result;
  result.exitCode = runCommand(command);
  result.out = slurp(dir / "out");
  result.err = slurp(dir / "err");
  std::filesystem::remove_all(dir);
  return result;
}

std::filesystem::path copySweetShop() {
  std::filesystem::path dir = freshDirectory("retort-scripts");
  std::filesystem::copy(std::filesystem::path(RETORT_SOURCE_DIR) / "migrations", dir / "migrations",
                        std::filesystem::copy_options::recursive);
  return dir / "migrations";
}

std::filesystem::path emptyScriptLocation() {
  std::filesystem::path dir = freshDirectory("retort-scripts");
  std::filesystem::create_directories(dir / "versions");
  return dir;
}

void writeScript(const std::filesystem::path& location, const std::string& name,
                 const std::string& text) {
  std::ofstream(location / "versions" / name) << text;
}

}  // namespace retort::test
