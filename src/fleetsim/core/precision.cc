#include "fleetsim/core/precision.h"

namespace fleetsim {
namespace {

// The training precisions; int4 (serving only) is parsed apart.
constexpr Precision kAll[] = {Precision::kFp32,  Precision::kFp16, Precision::kBf16, Precision::kFp8,
                              Precision::kMxfp8, Precision::kInt8, Precision::kFp4};

}  // namespace

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
    case Precision::kMxfp8:
      return "mxfp8";
    case Precision::kInt8:
      return "int8";
    case Precision::kFp4:
      return "fp4";
    case Precision::kInt4:
      return "int4";
  }
  return "?";
}

const std::vector<std::string>& PrecisionNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (Precision p : kAll) out.emplace_back(PrecisionName(p));
    return out;
  }();
  return names;
}

std::optional<Precision> ParsePrecision(std::string_view name) {
  for (Precision p : kAll) {
    if (PrecisionName(p) == name) return p;
  }
  if (name == PrecisionName(Precision::kInt4)) return Precision::kInt4;
  return std::nullopt;
}

bool IsQuantized(Precision p) {
  return p == Precision::kFp8 || p == Precision::kMxfp8 || p == Precision::kInt8 || p == Precision::kFp4 ||
         p == Precision::kInt4;
}

double OperandBytes(Precision p) {
  if (p == Precision::kFp32) return 4.0;
  if (p == Precision::kFp4 || p == Precision::kInt4) return 0.5;
  return IsQuantized(p) ? 1.0 : 2.0;
}

double ActivationBytes(Precision p) { return p == Precision::kFp32 ? 4.0 : 2.0; }

}  // namespace fleetsim
