// The collectives family of `fleetsim validate`: the flow-level collective model (SimulateCollective on a built
// Network) against the published bandwidths of validation/collectives.csv (nccl-tests, TPU documentation). Rows
// whose role names a constant calibrated it; the others are checks. A published row without a comparable single
// figure (a curve over GPU counts) is listed in the report's notes; collectives_test.cc checks that one itself.
#pragma once

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/validate/validation_report.h"

namespace fleetsim {

FamilyReport ValidateCollectives(const Catalog& catalog = Catalog::BuiltIn());

}  // namespace fleetsim
