#include "fleetsim/net/flow_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace fleetsim {
namespace {

struct RefFlow {
  std::vector<int32_t> links;
  double cap;
  bool alive;
};

// Max-min fair rates by the textbook definition, recomputed from scratch: raise every unfrozen flow together
// until a link fills or a flow meets its cap, freeze those flows, repeat.
std::vector<double> ReferenceRates(const std::vector<double>& capacity, const std::vector<RefFlow>& flows) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> rate(flows.size(), 0), remaining = capacity;
  std::vector<bool> frozen(flows.size());
  for (size_t f = 0; f < flows.size(); ++f) frozen[f] = !flows[f].alive;
  double level = 0;
  for (;;) {
    std::vector<int> users(capacity.size(), 0);
    bool any = false;
    for (size_t f = 0; f < flows.size(); ++f) {
      if (frozen[f]) continue;
      any = true;
      for (int32_t l : flows[f].links) ++users[static_cast<size_t>(l)];
    }
    if (!any) break;
    double step = inf;
    for (size_t l = 0; l < capacity.size(); ++l) {
      if (users[l] > 0) step = std::min(step, remaining[l] / users[l]);
    }
    for (size_t f = 0; f < flows.size(); ++f) {
      if (!frozen[f]) step = std::min(step, flows[f].cap - level);
    }
    level += step;
    for (size_t l = 0; l < capacity.size(); ++l) remaining[l] -= step * users[l];
    for (size_t f = 0; f < flows.size(); ++f) {
      if (frozen[f]) continue;
      bool stop = flows[f].cap - level <= 1e-9 * level;
      for (int32_t l : flows[f].links) stop = stop || remaining[static_cast<size_t>(l)] <= 1e-9 * capacity[l];
      if (stop) {
        frozen[f] = true;
        rate[f] = level;
      }
    }
  }
  return rate;
}

// Random flows over nearby links with and without caps, then rounds of removals and additions: one change takes
// the incremental component search, sixty the whole-model pass; both must give the max-min rates.
TEST(FlowModelTest, MatchesTheTextbookMaxMinAllocationUnderIncrementalChanges) {
  uint64_t x = 2024;
  const auto next = [&x](uint64_t n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (x >> 33) % n;
  };
  Topology t;
  std::vector<int32_t> vertex;
  for (int i = 0; i < 201; ++i) vertex.push_back(t.AddVertex(VertexKind::kSwitch));
  std::vector<double> capacity;
  for (int i = 0; i < 200; ++i) {
    capacity.push_back(static_cast<double>(1 + next(8)) * 10.0);
    t.AddLink(vertex[static_cast<size_t>(i)], vertex[static_cast<size_t>(i) + 1], Bandwidth(capacity.back()),
              Seconds(0), LinkKind::kFabric);
  }
  FlowModel model(t);
  std::vector<RefFlow> flows;
  const auto add = [&] {
    std::vector<int32_t> links;
    const uint64_t hops = 1 + next(4);
    const uint64_t near = next(190);  // flows cross nearby links, so several components form
    for (uint64_t h = 0; h < hops; ++h) {
      const auto l = static_cast<int32_t>(near + next(10));
      if (std::find(links.begin(), links.end(), l) == links.end()) links.push_back(l);
    }
    const double cap = next(4) == 0 ? static_cast<double>(1 + next(20)) : FlowModel::kNoCap;
    EXPECT_EQ(model.Add(links, cap), static_cast<int32_t>(flows.size()));
    flows.push_back({links, cap, true});
  };
  for (int i = 0; i < 150; ++i) add();
  for (int round = 0; round < 30; ++round) {
    model.Solve();
    const std::vector<double> expected = ReferenceRates(capacity, flows);
    for (size_t f = 0; f < flows.size(); ++f) {
      if (!flows[f].alive) continue;
      ASSERT_NEAR(model.rate(static_cast<int32_t>(f)), expected[f], 1e-9 * std::max(1.0, expected[f]))
          << "round " << round << " flow " << f;
    }
    const uint64_t changes = round % 3 == 0 ? 60 : 1;
    for (uint64_t c = 0; c < changes; ++c) {
      const size_t victim = next(flows.size());
      if (flows[victim].alive) {
        model.Remove(static_cast<int32_t>(victim));
        flows[victim].alive = false;
      }
      if (next(2) == 0) add();
    }
  }
}

}  // namespace
}  // namespace fleetsim
