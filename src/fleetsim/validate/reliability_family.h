// The reliability family of `fleetsim validate`: the failure model (ReliabilityModel) against
// validation/reliability.csv. Llama 3's Table 5 counts by cause fixed the failure rates (calibration rows); the
// run-level figures (unexpected interruptions, ETTR, MTTI of the Llama 3 run, MegaScale's ETTR and restarts,
// Alibaba's link failure fraction) are checks. The Monte Carlo runs are seeded, so the figures are reproducible.
#pragma once

#include <string>
#include <vector>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/reliability/reliability_model.h"
#include "fleetsim/validate/validation_report.h"

namespace fleetsim {

struct ReliabilityValidation {
  FamilyReport report;
  ReliabilityResult llama3;     // Llama 3 405B, 16,384 H100, 54 days, checkpoint-restart
  ReliabilityResult megascale;  // MegaScale, 12,288 A100, 21 days
};

ReliabilityValidation RunReliabilityValidation(const Catalog& catalog = Catalog::BuiltIn());
FamilyReport ValidateReliability(const Catalog& catalog = Catalog::BuiltIn());

// The failure classes fleetsim counts under each Table 5 row of the Llama 3 paper.
const std::vector<std::pair<std::string, std::vector<std::string>>>& Llama3CauseRows();

}  // namespace fleetsim
