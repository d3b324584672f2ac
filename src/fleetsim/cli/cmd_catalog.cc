// `fleetsim catalog [chips|nodes|fabrics|models|stacks]`: what the built-in catalog holds, with the source of each
// figure.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/cli/command.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/quantity.h"
#include "fleetsim/report/table.h"

namespace fleetsim {
namespace {

std::string Tflops(FlopRate r) { return r.value() > 0 ? fmt::format("{:.0f}", r.value() / 1e12) : "-"; }
std::string Gb(Bytes b) { return fmt::format("{:.0f}", b.value() / 1e9); }
std::string GbPerS(Bandwidth b) { return b.value() > 0 ? fmt::format("{:.0f}", b.value() / 1e9) : "-"; }

nlohmann::json Sources(const std::map<std::string, std::string>& sources) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : sources) j[k] = v;
  return j;
}

void ShowChips(const Catalog& c, OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::kJson) {
    nlohmann::json rows = nlohmann::json::array();
    for (const Accelerator& a : c.accelerators()) {
      rows.push_back({{"id", a.id},
                      {"name", a.name},
                      {"vendor", a.vendor},
                      {"year", a.year},
                      {"peak_fp32_flops", a.peak_fp32.value()},
                      {"peak_bf16_flops", a.peak_bf16.value()},
                      {"peak_fp8_flops", a.peak_fp8 ? nlohmann::json(a.peak_fp8->value()) : nlohmann::json()},
                      {"memory_bytes", a.memory_capacity.value()},
                      {"memory_bandwidth_bytes_per_s", a.memory_bandwidth.value()},
                      {"tdp_w", a.tdp.value()},
                      {"scale_up_bandwidth_bytes_per_s", a.scale_up_bandwidth.value()},
                      {"scale_out_bandwidth_bytes_per_s", a.scale_out_bandwidth.value()},
                      {"default_node", a.default_node},
                      {"sources", Sources(a.sources)}});
    }
    out << nlohmann::json{{"accelerators", rows}}.dump(2) << "\n";
    return;
  }
  Table t({"id", "name", "year", "bf16 TF/s", "fp8 TF/s", "HBM GB", "HBM GB/s", "TDP W", "up GB/s", "out GB/s",
           "node"});
  for (const Accelerator& a : c.accelerators()) {
    t.AddRow({a.id, a.name, fmt::format("{}", a.year), Tflops(a.peak_bf16), a.peak_fp8 ? Tflops(*a.peak_fp8) : "-",
              Gb(a.memory_capacity), GbPerS(a.memory_bandwidth),
              a.tdp.value() > 0 ? fmt::format("{:.0f}", a.tdp.value()) : "-", GbPerS(a.scale_up_bandwidth),
              GbPerS(a.scale_out_bandwidth), a.default_node});
  }
  out << (format == OutputFormat::kCsv ? t.RenderCsv() : t.RenderText());
  if (format == OutputFormat::kTable) out << "\nBandwidths per device per direction. Sources: --format json.\n";
}

void ShowNodes(const Catalog& c, OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::kJson) {
    nlohmann::json rows = nlohmann::json::array();
    for (const NodeSpec& n : c.nodes()) {
      rows.push_back({{"id", n.id},
                      {"name", n.name},
                      {"accelerator", n.accelerator},
                      {"size", n.size},
                      {"domain", n.domain.kind == DomainKind::kSwitch ? "switch" : "torus"},
                      {"device_bandwidth_bytes_per_s", n.DeviceBandwidth().value()},
                      {"shape", n.domain.shape},
                      {"in_network_reduction", n.domain.in_network_reduction},
                      {"host_power_w", n.host.host_power.value()},
                      {"default_fabric", n.default_fabric},
                      {"sources", Sources(n.sources)}});
    }
    out << nlohmann::json{{"nodes", rows}}.dump(2) << "\n";
    return;
  }
  Table t({"id", "name", "accelerator", "size", "domain", "GB/s/device", "SHARP", "fabric"});
  for (const NodeSpec& n : c.nodes()) {
    std::string domain = "switch";
    if (n.domain.kind == DomainKind::kTorus) {
      domain = "torus ";
      for (size_t i = 0; i < n.domain.shape.size(); ++i)
        domain += (i ? "x" : "") + std::to_string(n.domain.shape[i]);
    }
    t.AddRow({n.id, n.name, n.accelerator, std::to_string(n.size), domain, GbPerS(n.DeviceBandwidth()),
              n.domain.in_network_reduction ? "yes" : "no", n.default_fabric});
  }
  out << (format == OutputFormat::kCsv ? t.RenderCsv() : t.RenderText());
}

void ShowFabrics(const Catalog& c, OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::kJson) {
    nlohmann::json rows = nlohmann::json::array();
    for (const FabricSpec& f : c.fabrics()) {
      rows.push_back({{"id", f.id},
                      {"name", f.name},
                      {"kind", FabricKindName(f.kind)},
                      {"link_bandwidth_bytes_per_s", f.link_bandwidth.value()},
                      {"nics_per_accelerator", f.nics_per_accelerator},
                      {"tiers", f.tiers},
                      {"radix", f.radix},
                      {"pod_size", f.pod_size},
                      {"oversubscription", f.oversubscription},
                      {"latency_s", f.latency.value()},
                      {"sources", Sources(f.sources)}});
    }
    out << nlohmann::json{{"fabrics", rows}}.dump(2) << "\n";
    return;
  }
  Table t({"id", "name", "kind", "Gbps/port", "ports/acc", "tiers", "pod", "oversub"});
  for (const FabricSpec& f : c.fabrics()) {
    std::string over;
    for (size_t i = 0; i < f.oversubscription.size(); ++i)
      over += (i ? ":" : "") + fmt::format("{:g}", f.oversubscription[i]);
    t.AddRow({f.id, f.name, std::string(FabricKindName(f.kind)),
              fmt::format("{:g}", f.link_bandwidth.value() * 8 / 1e9), fmt::format("{:g}", f.nics_per_accelerator),
              std::to_string(f.tiers), f.pod_size > 0 ? std::to_string(f.pod_size) : "-",
              over.empty() ? "-" : over});
  }
  out << (format == OutputFormat::kCsv ? t.RenderCsv() : t.RenderText());
}

void ShowModels(const Catalog& c, OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::kJson) {
    nlohmann::json rows = nlohmann::json::array();
    for (const ModelSpec& m : c.models()) {
      rows.push_back({{"id", m.id},
                      {"name", m.name},
                      {"layers", m.layers},
                      {"hidden", m.hidden},
                      {"ffn_hidden", m.ffn_hidden},
                      {"heads", m.heads},
                      {"kv_heads", m.kv_heads},
                      {"head_dim", m.head_dim},
                      {"vocab", m.vocab},
                      {"ffn", m.ffn == FfnKind::kSwiglu ? "swiglu" : "gelu"},
                      {"experts", m.moe.experts},
                      {"top_k", m.moe.top_k},
                      {"sources", Sources(m.sources)}});
    }
    out << nlohmann::json{{"models", rows}}.dump(2) << "\n";
    return;
  }
  Table t({"id", "name", "layers", "hidden", "ffn", "heads", "kv", "vocab", "experts"});
  for (const ModelSpec& m : c.models()) {
    t.AddRow({m.id, m.name, std::to_string(m.layers), std::to_string(m.hidden), std::to_string(m.ffn_hidden),
              std::to_string(m.heads), std::to_string(m.kv_heads), std::to_string(m.vocab),
              m.moe.enabled() ? fmt::format("{} (top {})", m.moe.experts, m.moe.top_k) : "-"});
  }
  out << (format == OutputFormat::kCsv ? t.RenderCsv() : t.RenderText());
}

void ShowStacks(const Catalog& c, OutputFormat format, std::ostream& out) {
  auto yes = [](bool b) { return b ? "yes" : "no"; };
  if (format == OutputFormat::kJson) {
    nlohmann::json rows = nlohmann::json::array();
    for (const StackSpec& s : c.stacks()) {
      rows.push_back({{"id", s.id},
                      {"name", s.name},
                      {"fused_attention", s.fused_attention},
                      {"tp_overlap", s.tp_overlap},
                      {"dp_overlap", s.dp_overlap},
                      {"pp_overlap", s.pp_overlap},
                      {"ep_overlap", s.ep_overlap},
                      {"gradient_bytes", s.gradient_bytes},
                      {"gradient_accumulation", s.sharded_gradient_accumulation ? "sharded" : "full"},
                      {"quantized_saved_inputs", s.quantized_saved_inputs},
                      {"quantized_param_gather", s.quantized_param_gather},
                      {"quantized_weight_cache", s.quantized_weight_cache},
                      {"jitter", s.jitter},
                      {"default_for", s.default_for},
                      {"sources", Sources(s.sources)}});
    }
    out << nlohmann::json{{"stacks", rows}}.dump(2) << "\n";
    return;
  }
  Table t({"id", "fused attn", "tp overlap", "dp overlap", "pp async", "ep overlap", "grads", "grad accum",
           "8-bit inputs", "8-bit gather", "default for"});
  for (const StackSpec& s : c.stacks()) {
    std::string defaults;
    for (const std::string& id : s.default_for) defaults += (defaults.empty() ? "" : " ") + id;
    t.AddRow({s.id, yes(s.fused_attention), yes(s.tp_overlap), yes(s.dp_overlap), yes(s.pp_overlap),
              yes(s.ep_overlap), s.gradient_bytes >= 4 ? "fp32" : "bf16",
              s.sharded_gradient_accumulation ? "sharded" : "full", yes(s.quantized_saved_inputs),
              yes(s.quantized_param_gather), defaults.empty() ? "-" : defaults});
  }
  out << (format == OutputFormat::kCsv ? t.RenderCsv() : t.RenderText());
}

}  // namespace

Command AddCatalogCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand("catalog",
                                  "what the catalog holds (chips, nodes, fabrics, models, stacks), with sources");
  auto options = std::make_shared<CommonOptions>();
  auto what = std::make_shared<std::string>("all");
  cmd->add_option("what", *what, "chips | nodes | fabrics | models | stacks (default: all)")
      ->check(CLI::IsMember({"all", "chips", "nodes", "fabrics", "models", "stacks"}));
  AddCommonOptions(*cmd, *options, /*with_set=*/false);
  auto run = [options, what](std::ostream& out) {
    const Catalog& c = Catalog::BuiltIn();
    const OutputFormat format = options->Format();
    const bool all = *what == "all";
    if (all && format != OutputFormat::kTable) {
      throw InputError("", 0, "choose one of chips, nodes, fabrics, models, stacks for --format json or csv");
    }
    if (all || *what == "chips") ShowChips(c, format, out);
    if (all) out << "\n";
    if (all || *what == "nodes") ShowNodes(c, format, out);
    if (all) out << "\n";
    if (all || *what == "fabrics") ShowFabrics(c, format, out);
    if (all) out << "\n";
    if (all || *what == "models") ShowModels(c, format, out);
    if (all) out << "\n";
    if (all || *what == "stacks") ShowStacks(c, format, out);
    return 0;
  };
  return {cmd, run, options.get()};
}

}  // namespace fleetsim
