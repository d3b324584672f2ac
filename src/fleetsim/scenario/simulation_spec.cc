#include "fleetsim/scenario/simulation_spec.h"

#include <fmt/format.h>

#include "fleetsim/core/yaml_map.h"

namespace fleetsim {

const std::vector<std::string>& PipelineScheduleNames() {
  static const std::vector<std::string> names{"gpipe", "1f1b", "interleaved", "zb-h1"};
  return names;
}

std::string PipelineScheduleName(PipelineSchedule s) { return PipelineScheduleNames()[static_cast<size_t>(s)]; }

const std::vector<std::string>& SwitchTierNames() {
  static const std::vector<std::string> names{"leaf", "spine", "core"};
  return names;
}

SimulationSpec ParseSimulationSpec(YamlMap& m, int64_t accelerators) {
  SimulationSpec s;
  if (auto v = m.OptChoice("schedule", PipelineScheduleNames())) {
    for (size_t i = 0; i < PipelineScheduleNames().size(); ++i) {
      if (PipelineScheduleNames()[i] == *v) s.schedule = static_cast<PipelineSchedule>(i);
    }
  }
  if (auto v = m.OptInteger("steps", Range::Between(1, 100))) s.steps = static_cast<int>(*v);
  if (auto st = m.OptMap("stragglers")) {
    s.stragglers.count = st->Integer("count", Range::Between(0, static_cast<double>(accelerators)));
    if (auto v = st->OptNumber("slowdown", Range::Between(1.0, 100.0))) s.stragglers.slowdown = *v;
    if (auto v = st->OptInteger("seed", Range::Between(0, 9.0e15))) s.stragglers.seed = static_cast<uint64_t>(*v);
    st->Finish();
  }
  if (m.Has("failures")) {
    for (YamlMap& f : m.MapList("failures")) {
      SwitchFailure failure;
      failure.line = f.line();
      // A step lasts seconds to minutes; a failure an hour in is a misplaced unit.
      failure.at_s = f.Quantity("at", Dimension::kTime, Range::Between(0, 3600));
      auto tier_of = [](const std::string& name) {
        for (size_t i = 0; i < SwitchTierNames().size(); ++i) {
          if (SwitchTierNames()[i] == name) return static_cast<int>(i) + 1;
        }
        return 0;
      };
      if (auto link = f.OptMap("link")) {
        // {leaf: 3, spine: 5}: two switches of adjacent tiers, by their index in their tier.
        failure.link = true;
        std::vector<std::pair<int, int64_t>> ends;
        for (const std::string& tier : SwitchTierNames()) {
          if (auto i = link->OptInteger(tier, Range::Between(0, 1e7))) ends.emplace_back(tier_of(tier), *i);
        }
        link->Finish();
        if (ends.size() != 2 || ends[1].first != ends[0].first + 1) {
          f.Fail("link",
                 "a link joins a switch to one of the next tier: give {leaf: I, spine: J} or {spine: I, core: J}");
        }
        failure.tier = ends[0].first;
        failure.index = ends[0].second;
        failure.peer_tier = ends[1].first;
        failure.peer_index = ends[1].second;
        if (f.Has("switch") || f.Has("index")) f.Fail("link", "a failure is a switch or a link, not both");
      } else {
        failure.tier = tier_of(f.Choice("switch", SwitchTierNames()));
        failure.index = f.Integer("index", Range::Between(0, 1e7));
      }
      f.Finish();
      s.failures.push_back(failure);
    }
  }
  if (auto n = m.OptMap("neighbour")) {
    s.neighbour = NeighbourJob{n->String("scenario"), false, m.LineOf("neighbour")};
    if (auto p = n->OptChoice("placement", {"after", "interleaved"}))
      s.neighbour->interleaved = *p == "interleaved";
    n->Finish();
  }
  m.Finish();
  return s;
}

}  // namespace fleetsim
