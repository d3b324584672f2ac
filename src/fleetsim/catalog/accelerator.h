// Accelerator: one chip's datasheet figures (peak FLOP/s by precision, memory, power, link bandwidths) and its
// calibrated efficiency parameters. Loaded from data/accelerators.yaml and data/calibration.yaml; immutable.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/precision.h"
#include "fleetsim/core/units.h"

namespace fleetsim {

class YamlMap;

// The few physical parameters of the compute-time model (docs/estimator.md), fitted once per accelerator
// family on the calibration rows of validation/training.csv, never per case.
struct ComputeEfficiency {
  double matmul = 0.75;       // fraction of dense peak reached by a large, well-shaped matrix multiply
  double fp8_matmul = 0.65;   // the same at fp8 (scaling and casting make fp8 GEMMs reach less of their peak)
  double int8_matmul = 0.65;  // the same at int8 (quantised training, e.g. AQT on TPUs)
  double fp4_matmul = 0.65;   // the same at fp4 (NVFP4 on Blackwell)
  double attention = 0.55;    // fraction of peak reached by fused attention kernels (forward)
  // Measured forward efficiency of named fused-attention kernels (kAttentionKernels) on this accelerator, for
  // a stack that names its kernel (StackSpec::attention_kernel); a kernel not listed runs at `attention`.
  std::map<std::string, double> attention_kernels;
  double memory = 0.80;                     // fraction of HBM bandwidth reached by element-wise kernels
  Seconds kernel_overhead = Seconds(4e-6);  // launch and tail cost of one kernel
  // Empty when this accelerator's own published runs fixed the parameters. Otherwise the calibrated accelerator
  // whose parameters it takes, and why that one (same software stack, same architecture): every estimate on
  // it says that it is uncalibrated.
  std::string relative;
  std::string reason;
  bool calibrated() const { return relative.empty(); }
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
  std::optional<FlopRate> peak_fp8;   // absent: the chip has no fp8 matrix units
  std::optional<FlopRate> peak_int8;  // absent: no int8 matrix units (int8 training runs at the bf16 rate)
  std::optional<FlopRate> peak_fp4;   // absent: no fp4 matrix units (fp4 runs at the fp8 rate)
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
  // A chip that is not sold (TPU, Trainium, Maia, MTIA): a published estimate of what one costs its owner, used
  // where an owned cost basis is asked for and always flagged as an estimate (sources: price).
  std::optional<Usd> estimated_price;
  ComputeEfficiency efficiency;
  std::map<std::string, std::string> sources;

  // Dense peak at a precision; a precision the chip has no units for runs at the next wider one's rate (serving's
  // weight-only formats; training refuses such a precision, see HasMatrixUnits).
  FlopRate Peak(Precision p) const;
  // Whether the chip's matrix units run GEMMs at this precision: fp32, fp16 and bf16 always; fp8 and mxfp8 (priced
  // at the fp8 rate) with an fp8 peak, int8 with an int8 peak, fp4 with an fp4 peak in the catalog.
  bool HasMatrixUnits(Precision p) const;
  // The names of the precisions it has matrix units for, in PrecisionNames() order.
  std::vector<std::string> Precisions() const;
};

// Reads an `accelerators:` entry (every key optional, applied onto `acc`), then checks required figures.
void ParseAccelerator(YamlMap& map, Accelerator& acc);
// Reads one accelerator's `calibration.yaml` entry onto its efficiency parameters. An entry with figures of its
// own and no `relative` makes the accelerator calibrated (it stops borrowing a relative's parameters).
void ParseComputeEfficiency(YamlMap& map, ComputeEfficiency& eff);

// Fused-attention kernels a stack may name and an accelerator may give a measured efficiency for.
inline constexpr std::array<const char*, 3> kAttentionKernels = {"flash-attention-2", "flash-attention-3",
                                                                 "cudnn"};

}  // namespace fleetsim
