// Rendering of a ServeResult: the human table, the JSON of DESIGN §4 `serve`, CSV, and the per-request CSV of
// `--requests-out`.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "fleetsim/scenario/scenario.h"
#include "fleetsim/serve/serve_run.h"

namespace fleetsim {

nlohmann::json ServeJson(const Scenario& scenario, const ServeResult& result);
std::string ServeText(const Scenario& scenario, const ServeResult& result);
std::string ServeCsv(const Scenario& scenario, const ServeResult& result);
// One row per request: id, replica, arrival, first token, finish, tokens, TTFT, TPOT, e2e, preemptions.
std::string RequestsCsv(const ServeRun& run);

}  // namespace fleetsim
