// The inference family of `fleetsim validate`: every row of validation/inference.csv (MLPerf Inference Offline
// and Server, TensorRT-LLM fixed-batch and max-load tables, Intel Gaudi pages, JetStream on TPU v5e) runs through
// `fleetsim serve`'s evaluation with the scenario the row states (scheduler, batch, lengths, tp, precisions,
// serving stack, load and SLO), and its metric is compared with the published figure. Rows that cannot be
// modelled carry a `skip` reason and are listed in the notes, not dropped.
#pragma once

#include <string>

#include "fleetsim/validate/csv_table.h"
#include "fleetsim/validate/validation_report.h"

namespace fleetsim {

// The scenario YAML of one row of an inference cases table (columns of validation/inference.csv).
std::string InferenceCaseYaml(const CsvTable& table, const CsvRow& row);

// The published rows (embedded validation/inference.csv).
FamilyReport ValidateInference();

}  // namespace fleetsim
