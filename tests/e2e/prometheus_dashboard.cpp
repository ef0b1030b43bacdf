#include "prometheus_dashboard.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>

namespace retort::e2e {
namespace {

void collectPanels(const nlohmann::json& panels, const std::string& file,
                   std::vector<PanelQuery>& out) {
  if (!panels.is_array()) return;
  for (const auto& panel : panels) {
    const std::string title = panel.value("title", "(untitled)");
    if (panel.contains("targets") && panel["targets"].is_array()) {
      for (const auto& target : panel["targets"]) {
        if (target.contains("expr") && target["expr"].is_string() &&
            !target["expr"].get<std::string>().empty()) {
          out.push_back({file, title, target["expr"].get<std::string>()});
        }
      }
    }
    // Collapsed rows keep their panels inside the row.
    if (panel.contains("panels")) collectPanels(panel["panels"], file, out);
  }
}

}  // namespace

std::vector<PanelQuery> dashboardPanelQueries(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<PanelQuery> queries;
  for (const auto& file : files) {
    std::ifstream in(file);
    const auto dashboard = nlohmann::json::parse(in, nullptr, false);
    if (dashboard.is_discarded()) throw std::runtime_error(file.string() + ": not valid JSON");
    collectPanels(dashboard.value("panels", nlohmann::json::array()), file.filename().string(),
                  queries);
  }
  return queries;
}

std::string substituteDashboardVariables(const std::string& expr,
                                         const std::map<std::string, std::string>& values) {
  // Windows long enough to span the test's few minutes of 1 s scrapes.
  const std::map<std::string, std::string> intervals = {
      {"__rate_interval", "1m"},  {"__interval", "1m"}, {"__range", "5m"},
      {"__interval_ms", "60000"}, {"__range_s", "300"}, {"__range_ms", "300000"}};
  static const std::regex variable(R"(\$\{([A-Za-z0-9_]+)(?::[A-Za-z]+)?\}|\$([A-Za-z0-9_]+))");
  std::string out;
  auto begin = std::sregex_iterator(expr.begin(), expr.end(), variable);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& match = *it;
    const std::string name = match[1].matched ? match[1].str() : match[2].str();
    out += expr.substr(last, static_cast<std::size_t>(match.position()) - last);
    if (const auto value = values.find(name); value != values.end()) {
      out += value->second;
    } else if (const auto window = intervals.find(name); window != intervals.end()) {
      out += window->second;
    } else {
      throw std::runtime_error("unknown dashboard variable $" + name + " in: " + expr);
    }
    last = static_cast<std::size_t>(match.position() + match.length());
  }
  return out + expr.substr(last);
}

}  // namespace retort::e2e
