// The training cases whose published figures fixed the calibrated parameters of data/calibration.yaml (one or two
// per accelerator family, docs/calibration.md); every other row of validation/training.csv is a check. The one
// list of them: `fleetsim validate` and validation/training_test.cc both read it.
#pragma once

#include <string_view>

namespace fleetsim {

inline constexpr std::string_view kCalibrationRows[] = {
    // a100 (Megatron-LM 2021 and 2022): matmul, attention
    "narayanan21-145.6b",
    "korthikanti22-175b-sel",
    // h100 (NeMo 24.07, Meta's stack): matmul, fp8_matmul
    "nemo2407-gpt3-175b-128",
    "llama3-405b-8k",
    // tpu-v4 (PaxML): matmul
    "chowdhery22-palm-540b",
    // Blackwell (gb200; b200 takes its parameters): fp8_matmul, fitted on one B200 and one GB200 row
    "mlperf41-gpt3-b200-64",
    "mlperf50-405b-gb200-256",
    // tpu-v5p and tpu-v6e (MaxText, int8 AQT): int8_matmul, one row each
    "mlperf41-gpt3-v5p-2048",
    "mlperf41-gpt3-v6e-1024",
};

// Whether `case_id` is one of kCalibrationRows.
constexpr bool IsCalibrationRow(std::string_view case_id) {
  for (std::string_view id : kCalibrationRows) {
    if (id == case_id) return true;
  }
  return false;
}

}  // namespace fleetsim
