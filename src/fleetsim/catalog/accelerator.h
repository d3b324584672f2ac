// Accelerator: one chip's datasheet figures (peak FLOP/s by precision, memory, power, link bandwidths) and its
// calibrated efficiency parameters. Loaded from data/accelerators.yaml and data/calibration.yaml; immutable.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "fleetsim/core/precision.h"
#include "fleetsim/core/units.h"

namespace fleetsim {

class YamlMap;

// The few physical parameters of the compute-time model (docs/estimator.md), fitted once per accelerator
// family on the calibration rows of validation/training.csv, never per case.
struct ComputeEfficiency {
  double matmul = 0.75;      // fraction of dense peak reached by a large, well-shaped matrix multiply
  double fp8_matmul = 0.65;  // the same at fp8 (scaling and casting make fp8 GEMMs reach less of their peak)
  double attention = 0.55;   // fraction of peak reached by fused attention kernels
  double memory = 0.80;      // fraction of HBM bandwidth reached by element-wise kernels
  Seconds kernel_overhead = Seconds(4e-6);  // launch and tail cost of one kernel
  double comm_overlap = 0.0;  // fraction of tensor-parallel communication hidden behind compute by the stack
  // Whether the reference software stack of this generation fuses attention (FlashAttention, cuDNN): false
  // materialises the s x s score matrix in HBM (softmax, dropout), as Megatron-LM did on A100 in 2021-22.
  bool fused_attention = true;
};

struct Accelerator {
  std::string id;
  std::string name;
  std::string vendor;
  std::string kind;  // gpu | tpu | asic
  int year = 0;
  FlopRate peak_fp32;
  FlopRate peak_fp16;
  FlopRate peak_bf16;
  std::optional<FlopRate> peak_fp8;  // absent: the chip has no fp8 matrix units
  Bytes memory_capacity;
  Bandwidth memory_bandwidth;
  Watts tdp;
  Watts idle_power;
  Bandwidth scale_up_bandwidth;  // per device, per direction
  int scale_up_links = 0;
  Bandwidth scale_out_bandwidth;  // per device, per direction
  std::string default_node;
  std::optional<Usd> list_price;
  std::optional<Usd> build_cost;
  ComputeEfficiency efficiency;
  std::map<std::string, std::string> sources;

  // Dense peak at a precision; fp8 on a chip without fp8 units runs at the bf16 rate.
  FlopRate Peak(Precision p) const;
};

// Reads an `accelerators:` entry (every key optional, applied onto `acc`), then checks required figures.
void ParseAccelerator(YamlMap& map, Accelerator& acc);
// Reads one accelerator's `calibration.yaml` entry onto its efficiency parameters.
void ParseComputeEfficiency(YamlMap& map, ComputeEfficiency& eff);

}  // namespace fleetsim
