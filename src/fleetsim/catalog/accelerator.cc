#include "fleetsim/catalog/accelerator.h"

#include "fleetsim/core/yaml_map.h"

namespace fleetsim {

FlopRate Accelerator::Peak(Precision p) const {
  switch (p) {
    case Precision::kFp32:
      return peak_fp32;
    case Precision::kFp16:
      return peak_fp16;
    case Precision::kBf16:
      return peak_bf16;
    case Precision::kFp8:
    case Precision::kMxfp8:
      return peak_fp8 ? *peak_fp8 : peak_bf16;
    case Precision::kInt8:
    case Precision::kInt4:  // served weight-only: the GEMMs never run at 4 bits here
      return peak_int8 ? *peak_int8 : peak_bf16;
    case Precision::kFp4:
      return peak_fp4 ? *peak_fp4 : Peak(Precision::kFp8);
  }
  return peak_bf16;
}

bool Accelerator::HasMatrixUnits(Precision p) const {
  switch (p) {
    case Precision::kFp32:
    case Precision::kFp16:
    case Precision::kBf16:
      return true;
    case Precision::kFp8:
    case Precision::kMxfp8:
      return peak_fp8.has_value();
    case Precision::kInt8:
      return peak_int8.has_value();
    case Precision::kFp4:
      return peak_fp4.has_value();
    case Precision::kInt4:
      return false;
  }
  return false;
}

std::vector<std::string> Accelerator::Precisions() const {
  std::vector<std::string> out;
  for (const std::string& precision : PrecisionNames()) {
    if (HasMatrixUnits(*ParsePrecision(precision))) out.push_back(precision);
  }
  return out;
}

// Memory and link bandwidths: 1 MB/s to 1 PB/s per device.
const Range kLinkRange = Range::Between(1e6, 1e15);

void ParseAccelerator(YamlMap& m, Accelerator& acc) {
  if (auto v = m.OptString("id")) acc.id = *v;
  if (auto v = m.OptString("name")) acc.name = *v;
  if (auto v = m.OptString("vendor")) acc.vendor = *v;
  if (auto v = m.OptChoice("kind", {"gpu", "tpu", "asic", "cpu"})) acc.kind = *v;
  if (auto v = m.OptInteger("year", Range::Between(1990, 2100))) acc.year = static_cast<int>(*v);
  if (auto peak = m.OptMap("peak")) {
    // 1 GFLOP/s to 1 EFLOP/s per chip: beyond any chip built or announced, either way.
    const Range pos = Range::Between(1e9, 1e18);
    if (auto v = peak->OptQuantity("fp32", Dimension::kFlopRate, pos)) acc.peak_fp32 = FlopRate(*v);
    if (auto v = peak->OptQuantity("bf16", Dimension::kFlopRate, pos)) acc.peak_bf16 = FlopRate(*v);
    if (auto v = peak->OptQuantity("fp16", Dimension::kFlopRate, pos)) acc.peak_fp16 = FlopRate(*v);
    if (auto v = peak->OptQuantity("fp8", Dimension::kFlopRate, pos)) acc.peak_fp8 = FlopRate(*v);
    if (auto v = peak->OptQuantity("int8", Dimension::kFlopRate, pos)) acc.peak_int8 = FlopRate(*v);
    if (auto v = peak->OptQuantity("fp4", Dimension::kFlopRate, pos)) acc.peak_fp4 = FlopRate(*v);
    peak->Finish();
  }
  if (auto mem = m.OptMap("memory")) {
    if (auto v = mem->OptQuantity("capacity", Dimension::kBytes, Range::Between(1e6, 1e14)))
      acc.memory_capacity = Bytes(*v);
    if (auto v = mem->OptQuantity("bandwidth", Dimension::kBandwidth, kLinkRange)) {
      acc.memory_bandwidth = Bandwidth(*v);
    }
    mem->Finish();
  }
  if (auto power = m.OptMap("power")) {
    if (auto v = power->OptQuantity("tdp", Dimension::kPower, Range::Between(1, 1e5))) acc.tdp = Watts(*v);
    if (auto v = power->OptQuantity("idle", Dimension::kPower, Range::Between(0, 1e5))) acc.idle_power = Watts(*v);
    power->Finish();
  }
  if (auto up = m.OptMap("scale_up")) {
    if (auto v = up->OptQuantity("bandwidth", Dimension::kBandwidth, kLinkRange)) {
      acc.scale_up_bandwidth = Bandwidth(*v);
    }
    if (auto v = up->OptInteger("links", Range::AtLeast(0))) acc.scale_up_links = static_cast<int>(*v);
    up->Finish();
  }
  if (auto out = m.OptMap("scale_out")) {
    if (auto v = out->OptQuantity("bandwidth", Dimension::kBandwidth, kLinkRange)) {
      acc.scale_out_bandwidth = Bandwidth(*v);
    }
    out->Finish();
  }
  if (auto v = m.OptString("default_node")) acc.default_node = *v;
  if (auto price = m.OptMap("price")) {
    const Range dollars = Range::Between(1, 1e8);  // a chip or a whole server's share, not a cluster
    if (auto v = price->OptQuantity("list", Dimension::kMoney, dollars)) acc.list_price = Usd(*v);
    if (auto v = price->OptQuantity("build_cost", Dimension::kMoney, dollars)) acc.build_cost = Usd(*v);
    if (auto v = price->OptQuantity("estimate", Dimension::kMoney, dollars)) acc.estimated_price = Usd(*v);
    if (acc.list_price && acc.estimated_price) {
      price->Fail("estimate",
                  "an estimate stands in for a list price the chip does not have; give one of the two");
    }
    price->Finish();
  }
  if (m.Has("sources")) acc.sources = m.StringMap("sources");

  // A chip without a separate fp16 or fp32 figure in the data trains those at the given rates.
  if (acc.peak_fp16.value() <= 0) acc.peak_fp16 = acc.peak_bf16;
  if (acc.peak_bf16.value() <= 0) m.Fail("peak", "an accelerator needs peak.bf16");
  if (acc.peak_fp32.value() <= 0) acc.peak_fp32 = acc.peak_bf16 / 8.0;
  if (acc.memory_capacity.value() <= 0) m.Fail("memory", "an accelerator needs memory.capacity");
  if (acc.memory_bandwidth.value() <= 0) m.Fail("memory", "an accelerator needs memory.bandwidth");
}

void ParseComputeEfficiency(YamlMap& m, ComputeEfficiency& eff) {
  // A kernel running below 1% of its peak is a misplaced decimal point, not a calibration.
  const Range frac = Range::Between(0.01, 1.0);
  bool own = false;  // the entry gives figures of its own
  auto set = [&](double& field, std::optional<double> v) {
    if (!v) return;
    field = *v;
    own = true;
  };
  set(eff.matmul, m.OptNumber("matmul", frac));
  set(eff.fp8_matmul, m.OptNumber("fp8_matmul", frac));
  set(eff.int8_matmul, m.OptNumber("int8_matmul", frac));
  set(eff.fp4_matmul, m.OptNumber("fp4_matmul", frac));
  set(eff.attention, m.OptNumber("attention", frac));
  set(eff.memory, m.OptNumber("memory", frac));
  if (auto kernels = m.OptMap("attention_kernels")) {
    for (const char* k : kAttentionKernels) {
      if (auto v = kernels->OptNumber(k, frac)) eff.attention_kernels[k] = *v;
    }
    kernels->Finish();
    own = true;
  }
  if (auto v = m.OptQuantity("kernel_overhead", Dimension::kTime, Range::Between(0, 1))) {
    eff.kernel_overhead = Seconds(*v);
    own = true;
  }
  if (auto v = m.OptString("relative")) {
    eff.relative = *v;
  } else if (own) {
    // Figures of its own without a `relative` (e.g. a `fleetsim calibrate` overlay fitted to the user's runs on
    // this accelerator): it is calibrated now and no longer borrows a relative's parameters; those it does not
    // give keep the values it had.
    eff.relative.clear();
    eff.reason.clear();
  }
  if (auto v = m.OptString("reason")) eff.reason = *v;
}

}  // namespace fleetsim
