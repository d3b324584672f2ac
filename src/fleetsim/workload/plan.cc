#include "fleetsim/workload/plan.h"

#include <fmt/format.h>

namespace fleetsim {

std::string_view RecomputeName(Recompute r) {
  switch (r) {
    case Recompute::kNone:
      return "none";
    case Recompute::kSelective:
      return "selective";
    case Recompute::kFull:
      return "full";
  }
  return "?";
}

const std::vector<std::string>& RecomputeNames() {
  static const std::vector<std::string> names = {"none", "selective", "full"};
  return names;
}

std::optional<Recompute> ParseRecompute(std::string_view name) {
  for (Recompute r : {Recompute::kNone, Recompute::kSelective, Recompute::kFull}) {
    if (RecomputeName(r) == name) return r;
  }
  return std::nullopt;
}

std::string Plan::Describe() const {
  std::string s = fmt::format("tp{} pp{} dp{}", tp, pp, dp);
  if (cp > 1) s += fmt::format(" cp{}", cp);
  if (ep > 1) s += fmt::format(" ep{}", ep);
  if (vpp > 1) s += fmt::format(" vpp{}", vpp);
  s += fmt::format(" mb{} {} zero{}", micro_batch, RecomputeName(recompute), zero);
  if (tp > 1 && !sequence_parallel) s += " no-sp";
  return s;
}

}  // namespace fleetsim
