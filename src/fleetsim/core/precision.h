// Numeric precision of training: which peak FLOP/s the matrix units run at and how many bytes a value takes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

enum class Precision { kFp32, kFp16, kBf16, kFp8 };

std::string_view PrecisionName(Precision p);
std::optional<Precision> ParsePrecision(std::string_view name);
const std::vector<std::string>& PrecisionNames();

// Bytes of one activation value as stored between layers: fp8 training (Transformer Engine style) keeps
// activations and weights' master copies in bf16 and only feeds the matrix units fp8, so it counts 2.
double ActivationBytes(Precision p);

}  // namespace fleetsim
