// Issue 9 item 10: the library's modules (the folders of src/fleetsim/) depend on each other only as
// docs/architecture.md says. The module graph is read from the `#include "fleetsim/<module>/..."` lines of every
// library source (tests beside the code are left out: a test may use a module above its own), and each module's
// dependencies must lie inside the set allowed below, which mirrors the "depends on" column of the document. A new
// dependency is a decision: add it here and there. Resolving a scenario's `auto` fields searches plans, so it
// lives in planner/, above both estimate/ and search/; neither may reach planner/, and estimate/ may not reach
// search/, directly or through any other module.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fleetsim {
namespace {

using Graph = std::map<std::string, std::set<std::string>>;

// Module -> the other modules its library sources include.
Graph IncludeGraph() {
  const std::filesystem::path root = std::filesystem::path(FLEETSIM_SOURCE_DIR) / "src" / "fleetsim";
  const std::regex include(R"(^\s*#\s*include\s*[<"]fleetsim/([A-Za-z0-9_]+)/)");
  Graph graph;
  for (const auto& dir : std::filesystem::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    const std::string module = dir.path().filename().string();
    graph[module];
    for (const auto& file : std::filesystem::directory_iterator(dir.path())) {
      const std::string name = file.path().filename().string();
      const bool source = name.ends_with(".h") || name.ends_with(".cc");
      if (!source || name.ends_with("_test.cc")) continue;
      std::ifstream in(file.path());
      for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, include) && m[1] != module) graph[module].insert(m[1]);
      }
    }
  }
  return graph;
}

// Every module reachable from `from` (not counting `from` unless a cycle returns to it).
std::set<std::string> Reachable(const Graph& g, const std::string& from) {
  std::set<std::string> seen;
  std::vector<std::string> todo{from};
  while (!todo.empty()) {
    const std::string m = todo.back();
    todo.pop_back();
    auto it = g.find(m);
    if (it == g.end()) continue;
    for (const std::string& d : it->second) {
      if (seen.insert(d).second) todo.push_back(d);
    }
  }
  return seen;
}

// docs/architecture.md, "Modules". scenario/ reads the optional sections with parsers that live beside the models
// they configure (cost/, energy/, reliability/, serve/, net/'s cluster checks): those headers depend only on
// core/ and catalog/, but at the level of folders they close loops through scenario/, listed here as they are.
const Graph kAllowed = {
    {"core", {}},
    {"catalog", {"core"}},
    {"workload", {"catalog", "core"}},
    {"scenario", {"catalog", "core", "cost", "energy", "net", "reliability", "serve", "workload"}},
    {"engine", {"core"}},
    {"net", {"catalog", "core", "engine", "scenario"}},
    {"collective", {"core", "net"}},
    {"estimate", {"catalog", "collective", "core", "scenario", "workload"}},
    {"search", {"estimate"}},
    {"planner", {"core", "estimate", "scenario", "search"}},
    {"simulate",
     {"collective", "core", "engine", "estimate", "net", "planner", "reliability", "scenario", "workload"}},
    {"report", {"catalog", "core", "estimate", "scenario"}},
    {"reliability", {"catalog", "core", "scenario", "workload"}},
    {"energy", {"catalog", "core", "scenario"}},
    {"cost", {"core", "energy", "estimate", "report", "scenario"}},
    {"serve",
     {"catalog", "collective", "core", "cost", "energy", "engine", "estimate", "reliability", "report", "scenario",
      "workload"}},
    {"validate",
     {"catalog", "collective", "core", "cost", "estimate", "net", "planner", "reliability", "report", "scenario",
      "serve", "simulate"}},
    {"chakra", {"collective", "core", "engine", "estimate", "scenario", "simulate"}},
    {"sweep", {"core", "report", "scenario", "validate"}},
    {"compare",
     {"catalog", "core", "cost", "energy", "estimate", "planner", "reliability", "report", "scenario", "serve"}},
    {"cli",
     {"catalog", "chakra", "collective", "compare", "core", "cost", "estimate", "net", "planner", "reliability",
      "report", "scenario", "search", "serve", "simulate", "sweep", "validate"}},
};

TEST(Issue9Layering, TheGraphIsReadFromTheSources) {
  const Graph g = IncludeGraph();
  ASSERT_TRUE(g.count("estimate"));
  EXPECT_TRUE(g.at("search").count("estimate"));  // plan_search.h includes the estimator
  EXPECT_TRUE(g.at("planner").count("search"));
}

TEST(Issue9Layering, EveryModuleDependsOnlyOnWhatTheArchitectureAllows) {
  for (const auto& [module, deps] : IncludeGraph()) {
    auto allowed = kAllowed.find(module);
    ASSERT_NE(allowed, kAllowed.end()) << "src/fleetsim/" << module << "/ is not in docs/architecture.md's table";
    for (const std::string& d : deps) {
      EXPECT_TRUE(allowed->second.count(d)) << module << "/ includes " << d << "/, which docs/architecture.md "
                                            << "does not allow";
    }
  }
}

TEST(Issue9Layering, NeitherTheEstimatorNorSearchReachesThePlanner) {
  const Graph g = IncludeGraph();
  const std::set<std::string> from_estimate = Reachable(g, "estimate");
  EXPECT_FALSE(from_estimate.count("search")) << "estimate/ reaches search/: plan search depends on the estimator";
  EXPECT_FALSE(from_estimate.count("planner"));
  EXPECT_FALSE(Reachable(g, "search").count("planner"));
}

}  // namespace
}  // namespace fleetsim
