// The economics family of `fleetsim validate`: the rental economics of one H100 (cost/rental_model) against the
// published thresholds of validation/economics.md: with about $50,000 all-in per H100, a five-year life and US
// industrial electricity, renting it out breaks even between $1.50 and $2.20 per hour, returns under 10% at $1.99
// and beats the 8% cost of capital at $2.85. Every figure is a stated range or bound; all other inputs are
// fleetsim's defaults (data/datacenter.yaml).
#pragma once

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/cost/run_cost.h"
#include "fleetsim/validate/validation_report.h"

namespace fleetsim {

// The published case: 1,024 H100 on the Llama 3 RoCE fabric, $50,000 all-in, 5 years, $0.0806/kWh, rented at
// $1.99/h; the run itself (a step computing 75% of the time) does not enter the rental economics.
RunCost EconomicsPublishedCase(const Catalog& catalog = Catalog::BuiltIn());

FamilyReport ValidateEconomics(const Catalog& catalog = Catalog::BuiltIn());

}  // namespace fleetsim
