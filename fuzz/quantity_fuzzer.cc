// libFuzzer harness: ParseQuantity (every "<number><unit>" in scenarios and on the command line). The first byte
// picks the dimension, the rest is the text. A parsed value must be finite and format back without trouble.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fleetsim/core/quantity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  constexpr int kDimensions = static_cast<int>(fleetsim::Dimension::kMoneyPerPower) + 1;
  const auto dim = static_cast<fleetsim::Dimension>(data[0] % kDimensions);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const fleetsim::QuantityResult r = fleetsim::ParseQuantity(text, dim);
  if (r.value) {
    if (!std::isfinite(*r.value) || !r.error.empty()) std::abort();
    const std::string shown = fleetsim::FormatQuantity(*r.value, dim);
    if (shown.empty() || shown.find("inf") != std::string::npos || shown.find("nan") != std::string::npos)
      std::abort();
  } else if (r.error.empty()) {
    std::abort();
  }
  return 0;
}
