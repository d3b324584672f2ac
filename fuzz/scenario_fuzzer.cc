// libFuzzer harness: Scenario::Parse on arbitrary text. Bad input must end in an InputError; any other exception
// escaping (yaml-cpp's, an internal check) or a sanitizer report is a finding. An accepted scenario must hold
// finite, positive sizes: the training job's unless the scenario is a serving one without `training:` (its
// training then holds unused defaults), and a serving copy's shape.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fleetsim/core/error.h"
#include "fleetsim/core/input_file.h"
#include "fleetsim/scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fleetsim::kMaxInputFileBytes) return 0;  // the CLI refuses larger files before parsing
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const fleetsim::Scenario s = fleetsim::Scenario::Parse(text, "fuzz.yaml");
    if (s.cluster.count < 1) std::abort();
    const bool has_training = !s.serving || s.training.seq_len != 0;
    if (has_training && (s.training.seq_len < 1 || s.training.global_batch < 1)) std::abort();
    if (s.training.tokens && !std::isfinite(*s.training.tokens)) std::abort();
    if (s.serving &&
        (s.serving->ReplicaDevices() < 1 || s.serving->max_tokens < 1 || s.serving->block_tokens < 1 ||
         !(s.serving->kv_fraction > 0.0 && s.serving->kv_fraction <= 1.0))) {
      std::abort();
    }
    if (s.workload && (s.workload->requests < 1 || !std::isfinite(s.workload->rate_per_s))) std::abort();
  } catch (const fleetsim::InputError&) {
  }
  return 0;
}
