// Named request mixes built from published length statistics (docs/serve.md lists each with its source): the
// prompt and output length distributions of the MLPerf Inference data sets, ShareGPT and the two Azure
// production traces of Splitwise (ISCA'24).
#pragma once

#include <string>
#include <vector>

#include "fleetsim/serve/workload_spec.h"

namespace fleetsim {

struct RequestPreset {
  std::string id;
  LengthSpec input;
  LengthSpec output;
  std::string source;
};

const std::vector<RequestPreset>& RequestPresets();
const RequestPreset* FindRequestPreset(const std::string& id);
std::vector<std::string> RequestPresetIds();

}  // namespace fleetsim
