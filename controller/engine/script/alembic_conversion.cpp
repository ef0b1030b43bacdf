#include "engine/script/alembic_conversion.hpp"

#include <sstream>

#include "engine/revision/migration_step.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/text.hpp"

namespace retort::engine {

namespace {

std::string trimBlankLines(const std::string& s) {
  size_t b = s.find_first_not_of("\n\r \t");
  if (b == std::string::npos) return "";
  b = s.rfind('\n', b);
  b = b == std::string::npos ? 0 : b + 1;
  size_t e = s.find_last_not_of("\n\r \t");
  return s.substr(b, e - b + 1) + "\n";
}

std::string oneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

std::string section(const Script& script, const RenderedStep& step, const char* direction) {
  if (step.renderable) return trimBlankLines(step.sql);
  std::string where = script.path.string() + (step.line > 0 ? ":" + std::to_string(step.line) : "");
  std::string quoted = "revision " + script.revision + " was not converted: write its " +
                       direction + " SQL (see " + where + ")";
  for (size_t pos = 0; (pos = quoted.find('\'', pos)) != std::string::npos; pos += 2)
    quoted.insert(pos, "'");
  return "-- retort convert could not render this step offline: " + where + ": " +
         oneLine(step.reason) +
         "\n-- Write its SQL here, then delete the statement below.\n"
         "DO $$ BEGIN RAISE EXCEPTION '" +
         quoted + "'; END $$;\n";
}

}  // namespace

std::map<std::string, RenderedStep> parseOfflineRendering(const std::string& output) {
  std::map<std::string, RenderedStep> steps;
  std::istringstream in(output);
  std::string line, open;
  std::string body;
  while (std::getline(in, line)) {
    if (line.rfind("-- retort:begin ", 0) == 0) {
      std::istringstream words(line.substr(16));
      std::string direction;
      words >> direction >> open;
      body.clear();
    } else if (line.rfind("-- retort:end ", 0) == 0) {
      steps[open].sql = body;
      open.clear();
    } else if (line.rfind("-- retort:unrenderable ", 0) == 0) {
      std::istringstream words(line.substr(23));
      std::string revision;
      RenderedStep step;
      step.renderable = false;
      words >> revision >> step.line;
      std::getline(words >> std::ws, step.reason);
      steps[revision] = step;
    } else if (!open.empty()) {
      body += line + "\n";
    }
  }
  if (!open.empty()) throw CommandError("Alembic's offline output ended inside revision " + open);
  return steps;
}

std::string convertedScriptText(const Script& script, const RenderedStep& upgrade,
                                const RenderedStep* downgrade) {
  std::ostringstream out;
  out << "-- revision: " << script.revision << "\n";
  out << "-- down_revision: " << join(script.downRevisions) << "\n";
  out << "-- branch_labels: " << join(script.branchLabels) << "\n";
  out << "-- depends_on: " << join(script.dependsOn) << "\n";
  out << "-- create_date: " << oneLine(script.createDate) << "\n";
  out << "-- message: " << oneLine(script.message) << "\n";
  out << "\n-- migrate:upgrade\n" << section(script, upgrade, "upgrade");
  if (downgrade) out << "\n-- migrate:downgrade\n" << section(script, *downgrade, "downgrade");
  return out.str();
}

}  // namespace retort::engine
