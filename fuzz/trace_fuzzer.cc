// libFuzzer harness: the request-trace reader (ParseRequestTrace, the Azure LLM inference trace format that
// `workload.trace` replays) on arbitrary text. Bad input must end in an InputError naming the line; an accepted
// trace must hold finite arrivals in time order from 0, within the 366 days allowed, and token counts in range.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fleetsim/core/error.h"
#include "fleetsim/serve/request_mix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const std::vector<fleetsim::Request> requests = fleetsim::ParseRequestTrace(text, "fuzz.csv");
    double last = 0.0;
    for (const fleetsim::Request& r : requests) {
      if (!std::isfinite(r.arrival_s) || r.arrival_s < last || r.arrival_s > fleetsim::kMaxArrivalSpanS)
        std::abort();
      if (r.input_tokens < 1 || r.output_tokens < 1 || r.input_tokens > 10'000'000) std::abort();
      last = r.arrival_s;
    }
  } catch (const fleetsim::InputError&) {
  }
  return 0;
}
