#include "fleetsim/core/precision.h"

namespace fleetsim {

std::string_view PrecisionName(Precision p) {
  switch (p) {
    case Precision::kFp32:
      return "fp32";
    case Precision::kFp16:
      return "fp16";
    case Precision::kBf16:
      return "bf16";
    case Precision::kFp8:
      return "fp8";
  }
  return "?";
}

const std::vector<std::string>& PrecisionNames() {
  static const std::vector<std::string> names = {"fp32", "fp16", "bf16", "fp8"};
  return names;
}

std::optional<Precision> ParsePrecision(std::string_view name) {
  for (Precision p : {Precision::kFp32, Precision::kFp16, Precision::kBf16, Precision::kFp8}) {
    if (PrecisionName(p) == name) return p;
  }
  return std::nullopt;
}

double ActivationBytes(Precision p) { return p == Precision::kFp32 ? 4.0 : 2.0; }

}  // namespace fleetsim
