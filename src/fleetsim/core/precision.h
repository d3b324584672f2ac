// Numeric precision of training: which peak FLOP/s the matrix units run at and how many bytes a value takes.
// fp8 and mxfp8 (Blackwell's block-scaled fp8) run at the fp8 peak, int8 (Google's AQT quantised training) at
// the int8 peak, fp4 (NVFP4) at the fp4 peak; all four quantise only the GEMM inputs and keep activations,
// gradients and weights in 16 or 32 bits. int4 is a serving precision only: 4-bit weights (AWQ, GPTQ) widened to
// 16 bits inside the GEMM; training refuses it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

enum class Precision { kFp32, kFp16, kBf16, kFp8, kMxfp8, kInt8, kFp4, kInt4 };

std::string_view PrecisionName(Precision p);
std::optional<Precision> ParsePrecision(std::string_view name);
// The training precisions (every one but int4).
const std::vector<std::string>& PrecisionNames();

// Whether GEMM inputs are quantised below 16 bits (fp8, mxfp8, int8, fp4, int4): casts before each GEMM, scaling.
bool IsQuantized(Precision p);
// Bytes of one GEMM operand element at this precision (fp4, int4: half a byte).
double OperandBytes(Precision p);

// Bytes of one activation value as stored between layers: quantised training (Transformer Engine, AQT) keeps
// activations and weights' master copies in 16 bits and only feeds the matrix units 8 or 4 bits, so it counts 2.
double ActivationBytes(Precision p);

}  // namespace fleetsim
