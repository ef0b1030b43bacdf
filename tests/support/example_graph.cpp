#include "example_graph.hpp"

#include <cstdio>

namespace retort::test {

engine::Script makeScript(const std::string& rev, std::vector<std::string> downs,
                          std::vector<std::string> labels, std::vector<std::string> deps,
                          const std::string& message) {
  engine::Script s;
  s.path = "versions/" + rev + ".sql";
  s.revision = rev;
  s.revisionLine = 1;
  s.downRevisions = std::move(downs);
  s.downRevisionLine = 2;
  s.branchLabels = std::move(labels);
  s.branchLabelsLine = 3;
  s.dependsOn = std::move(deps);
  s.dependsOnLine = 4;
  s.message = message.empty() ? "message " + rev : message;
  s.upgrade = {"SELECT 1;\n", 10};
  s.downgrade = engine::SqlSection{"SELECT 2;\n", 13};
  return s;
}

engine::RevisionGraph alembicExampleGraph() {
  std::vector<engine::Script> scripts;
  scripts.push_back(makeScript("aaaa1111", {}, {}, {}, "create account table"));
  scripts.push_back(makeScript("bbbb2222", {"aaaa1111"}, {}, {}, "add a column"));
  scripts.push_back(makeScript("cccc3333", {"bbbb2222"}, {}, {}, "third"));
  scripts.push_back(makeScript("dddd4444", {"bbbb2222"}, {}, {}, "fourth"));
  scripts.push_back(makeScript("eeee5555", {"cccc3333", "dddd4444"}, {}, {}, "merge heads"));
  scripts.push_back(makeScript("ffff0001", {}, {"audit"}, {}, "audit base"));
  scripts.push_back(makeScript("ffff0002", {"ffff0001"}, {}, {"bbbb2222"}, "audit two"));
  return engine::RevisionGraph(std::move(scripts));
}

engine::RevisionGraph linearGraph(int n) {
  std::vector<engine::Script> scripts;
  char id[16], down[16];
  for (int i = 1; i <= n; ++i) {
    std::snprintf(id, sizeof id, "r%07d", i);
    std::snprintf(down, sizeof down, "r%07d", i - 1);
    scripts.push_back(
        makeScript(id, i == 1 ? std::vector<std::string>{} : std::vector<std::string>{down}));
  }
  return engine::RevisionGraph(std::move(scripts));
}

}  // namespace retort::test
