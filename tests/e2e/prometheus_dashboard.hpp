// The PromQL of Grafana dashboards, for the e2e test that runs every panel's query against a
// real Prometheus. dashboardPanelQueries() reads every *.json under a directory and returns
// each panel's target expressions (rows' nested panels included), with the dashboard's file
// name and the panel's title. substituteDashboardVariables() replaces Grafana's variables:
// $var, ${var} and ${var:format} by the given values, and the interval variables
// ($__rate_interval, $__interval, $__range and their _s/_ms forms) by fixed windows; it throws
// naming a variable it does not know, so a panel cannot pass by accident.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace retort::e2e {

struct PanelQuery {
  std::string dashboard;  // file name
  std::string title;      // panel title
  std::string expr;       // PromQL as written in the dashboard
};

std::vector<PanelQuery> dashboardPanelQueries(const std::filesystem::path& directory);

std::string substituteDashboardVariables(const std::string& expr,
                                         const std::map<std::string, std::string>& values);

}  // namespace retort::e2e
