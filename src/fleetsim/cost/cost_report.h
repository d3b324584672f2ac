// Renders a RunCost for people (a table with every input shown beside its basis) and for programs (the JSON keys
// of DESIGN §4: it_power_w, facility_power_w, pue, energy_j, cost_usd, usd_per_million_tokens, rental{...}; a CSV
// of the same rows), and the rental price sweep. Shared by `cost` and by reports that add cost columns.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fleetsim/cost/run_cost.h"
#include "fleetsim/scenario/scenario.h"

namespace fleetsim {

nlohmann::json RunCostJson(const Scenario& scenario, const RunCost& cost);
std::string RunCostText(const Scenario& scenario, const RunCost& cost);
// Rows of (section, quantity, value, unit, basis).
std::string RunCostCsv(const Scenario& scenario, const RunCost& cost);

nlohmann::json RentalJson(const RentalResult& r);
// The rental curve: one row per price.
nlohmann::json RentalSweepJson(const Scenario& scenario, const RunCost& cost,
                               const std::vector<RentalResult>& rows);
std::string RentalSweepText(const Scenario& scenario, const RunCost& cost, const std::vector<RentalResult>& rows);
std::string RentalSweepCsv(const std::vector<RentalResult>& rows);

}  // namespace fleetsim
