// Renders validation reports (`fleetsim validate`) as an aligned table per family, as JSON (DESIGN §4: snake_case,
// fractions in 0..1) or as one CSV table of every row. Every format shows the same rows and the same summaries.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fleetsim/validate/validation_report.h"

namespace fleetsim {

std::string ValidationText(const std::vector<FamilyReport>& families);
nlohmann::json ValidationJson(const std::vector<FamilyReport>& families);
std::string ValidationCsv(const std::vector<FamilyReport>& families);

// "12.3%" for a fraction.
std::string Percent(double fraction);

}  // namespace fleetsim
