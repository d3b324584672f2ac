// `fleetsim collective`: one collective on one fabric, nccl-tests style: for each size, the simulated time,
// algorithm bandwidth and bus bandwidth (flow-level model with contention; DESIGN §4, docs/network.md).
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/cli/command.h"
#include "fleetsim/collective/flow_collective.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/quantity.h"
#include "fleetsim/net/network.h"
#include "fleetsim/report/table.h"

namespace fleetsim {
namespace {

struct CollectiveOptions {
  std::string scenario;
  std::string accelerator;
  std::string node;
  std::string fabric;
  int64_t count = 0;
  int64_t group = 0;
  std::string op = "all-reduce";
  std::string algo = "auto";
  std::vector<std::string> sizes;
  int datacenters = 0;
  std::string wan_bandwidth;
  std::string wan_latency;
  std::string shape;
  std::string bandwidth;
  std::string link_bandwidth;
  bool twisted = false;
};

constexpr const char* kOperationChoices =
    "all-reduce, reduce-scatter, all-gather, all-to-all, broadcast or point-to-point";
constexpr const char* kAlgorithmChoices =
    "ring, tree, halving-doubling, direct, hierarchical, torus, nvls, sharp or auto";

// Far above any buffer a job all-reduces (a 1T-parameter model's gradients are 2-4 TB), and small enough that
// the time stays well inside the simulator's clock on the slowest links.
constexpr double kMaxSizeBytes = 1e15;

[[noreturn]] void Bad(const std::string& message) { throw InputError("", 0, message); }

double Quantity(const std::string& flag, const std::string& text, Dimension dim) {
  const QuantityResult r = ParseQuantity(text, dim);
  if (!r.value) Bad(fmt::format("{} '{}': {}", flag, text, r.error));
  return *r.value;
}

ClusterSpec ResolveCluster(const CollectiveOptions& o) {
  ClusterSpec c;
  if (!o.scenario.empty()) {
    c = Scenario::LoadCluster(o.scenario);
  } else {
    const Catalog& cat = Catalog::BuiltIn();
    std::string node = o.node;
    if (node.empty()) {
      if (o.accelerator.empty()) Bad("give --node (or --accelerator, or a scenario file)");
      const Accelerator* a = cat.FindAccelerator(o.accelerator);
      if (!a) Bad(fmt::format("--accelerator: unknown accelerator '{}'", o.accelerator));
      node = a->default_node;
    }
    if (o.count <= 0) Bad("give --count (accelerators in the cluster), at least 1");
    c = MakeClusterSpec(node, o.fabric, o.count, cat);
  }
  if (o.count > 0) c.count = o.count;
  if (o.datacenters > 0) c.datacenters = o.datacenters;
  if (!o.wan_bandwidth.empty())
    c.wan.bandwidth = Bandwidth(Quantity("--wan-bandwidth", o.wan_bandwidth, Dimension::kBandwidth));
  if (!o.wan_latency.empty()) c.wan.latency = Seconds(Quantity("--wan-latency", o.wan_latency, Dimension::kTime));
  if (!o.bandwidth.empty()) {
    const double bw = Quantity("--bandwidth", o.bandwidth, Dimension::kBandwidth);
    if (!(bw > 0)) Bad(fmt::format("--bandwidth '{}': zero bandwidth; links need a rate > 0", o.bandwidth));
    if (c.node.domain.kind == DomainKind::kSwitch)
      c.node.domain.bandwidth = Bandwidth(bw);
    else
      c.node.domain.link_bandwidth = Bandwidth(bw);
  }
  if (!o.link_bandwidth.empty()) {
    const double bw = Quantity("--link-bandwidth", o.link_bandwidth, Dimension::kBandwidth);
    if (!(bw > 0))
      Bad(fmt::format("--link-bandwidth '{}': zero bandwidth; links need a rate > 0", o.link_bandwidth));
    c.fabric.link_bandwidth = Bandwidth(bw);
  }
  if (!o.shape.empty()) {
    if (c.node.domain.kind != DomainKind::kTorus) Bad(fmt::format("--shape: node '{}' is not a torus", c.node.id));
    std::vector<int> shape;
    int64_t product = 1;
    size_t start = 0;
    while (start <= o.shape.size()) {
      const size_t x = o.shape.find('x', start);
      const std::string part = o.shape.substr(start, x == std::string::npos ? std::string::npos : x - start);
      int k = 0;
      try {
        size_t used = 0;
        k = std::stoi(part, &used);
        if (used != part.size()) k = 0;
      } catch (const std::exception&) {
        k = 0;
      }
      if (k < 1) Bad(fmt::format("--shape '{}': write dimensions like 4x4x4", o.shape));
      shape.push_back(k);
      product *= k;
      if (x == std::string::npos) break;
      start = x + 1;
    }
    if (product != c.node.size) {
      Bad(fmt::format("--shape {} multiplies out to {} but node '{}' holds {} accelerators", o.shape, product,
                      c.node.id, c.node.size));
    }
    c.node.domain.shape = shape;
  }
  if (o.twisted) {
    if (c.node.domain.kind != DomainKind::kTorus)
      Bad(fmt::format("--twisted: node '{}' is not a torus", c.node.id));
    c.node.domain.twisted = true;
  }
  return c;
}

std::vector<Bytes> Sizes(const CollectiveOptions& o) {
  std::vector<Bytes> sizes;
  for (const std::string& s : o.sizes) {
    const double b = Quantity("--size", s, Dimension::kBytes);
    if (!(b > 0)) Bad(fmt::format("--size '{}': must be more than 0 bytes", s));
    if (b > kMaxSizeBytes) Bad(fmt::format("--size '{}': at most 1PB (1e15 bytes) per rank", s));
    sizes.push_back(Bytes(b));
  }
  if (sizes.empty()) {
    for (double b : {1e6, 16e6, 256e6, 1e9, 4e9}) sizes.push_back(Bytes(b));
  }
  return sizes;
}

int Run(const CollectiveOptions& o, const CommonOptions& common, std::ostream& out) {
  const auto op = ParseCollectiveOp(o.op);
  if (!op) Bad(fmt::format("--op '{}': use {}", o.op, kOperationChoices));
  const auto algo = ParseAlgorithm(o.algo);
  if (!algo) Bad(fmt::format("--algo '{}': use {}", o.algo, kAlgorithmChoices));
  const std::vector<Bytes> sizes = Sizes(o);
  const ClusterSpec cluster = ResolveCluster(o);
  const Network net = Network::Build(cluster);
  const int64_t ranks = o.group > 0 ? o.group : cluster.count;
  if (ranks > cluster.count) {
    Bad(fmt::format("--group {} is larger than the fabric's {} accelerators (--count)", ranks, cluster.count));
  }
  const std::vector<int64_t> group = FirstRanks(ranks);
  const double bus = BusBandwidthFactor(*op, static_cast<int>(ranks));
  nlohmann::json rows = nlohmann::json::array();
  Table table({"size", "count", "op", "algo", "time (us)", "algbw (GB/s)", "busbw (GB/s)"});
  for (const Bytes& size : sizes) {
    const CollectiveResult r = SimulateCollective(net, {*op, *algo, size, group});
    const double algbw = r.AlgorithmBandwidth(size) / 1e9;
    // The algorithm that ran: the label's first word ("hierarchical" for nvls across nodes); the whole label
    // says why when it differs from --algo.
    const std::string ran = r.label.substr(0, r.label.find(' '));
    rows.push_back({{"op", CollectiveOpName(*op)},
                    {"algo", ran},
                    {"algo_requested", o.algo},
                    {"algo_detail", r.label},
                    {"count", ranks},
                    {"size_bytes", size.value()},
                    {"time_s", r.time.value()},
                    {"algbw_gb_per_s", algbw},
                    {"busbw_gb_per_s", algbw * bus}});
    table.AddRow({FormatQuantity(size.value(), Dimension::kBytes), std::to_string(ranks),
                  std::string(CollectiveOpName(*op)), r.label, FormatFixed(r.time.value() * 1e6, 1),
                  FormatFixed(algbw, 1), FormatFixed(algbw * bus, 1)});
  }
  switch (common.Format()) {
    case OutputFormat::kJson:
      out << nlohmann::json{{"node", cluster.node.id},
                            {"fabric", cluster.fabric.id},
                            {"count", cluster.count},
                            {"datacenters", cluster.datacenters},
                            {"rows", rows}}
                 .dump(2)
          << "\n";
      break;
    case OutputFormat::kCsv: {
      Table csv({"op", "algo", "count", "size_bytes", "time_s", "algbw_gb_per_s", "busbw_gb_per_s"});
      for (const auto& row : rows) {
        csv.AddRow({row["op"].get<std::string>(), row["algo"].get<std::string>(), fmt::format("{}", ranks),
                    fmt::format("{:.0f}", row["size_bytes"].get<double>()),
                    fmt::format("{:.9g}", row["time_s"].get<double>()),
                    fmt::format("{:.6g}", row["algbw_gb_per_s"].get<double>()),
                    fmt::format("{:.6g}", row["busbw_gb_per_s"].get<double>())});
      }
      out << csv.RenderCsv();
      break;
    }
    case OutputFormat::kTable:
      out << fmt::format("{} x {} on {} ({}), {} datacenter(s); flow-level model with contention\n", ranks,
                         cluster.node.id, cluster.fabric.id, cluster.node.accelerator, cluster.datacenters);
      out << table.RenderText();
      break;
  }
  return 0;
}

}  // namespace

Command AddCollectiveCommand(CLI::App& root) {
  auto* cmd =
      root.add_subcommand("collective", "one collective on one fabric, nccl-tests style (time, algbw, busbw)");
  auto o = std::make_shared<CollectiveOptions>();
  auto common = std::make_shared<CommonOptions>();
  cmd->add_option("scenario", o->scenario, "scenario file whose cluster to use (optional)");
  cmd->add_option("--accelerator", o->accelerator, "catalog accelerator id (picks its usual node)");
  cmd->add_option("--node", o->node, "catalog node id (scale-up domain)");
  cmd->add_option("--fabric", o->fabric, "catalog fabric id (default: the node's usual one)");
  // Range-checked as text, before the conversion could wrap a 20-digit count into a negative one.
  const CLI::Range fleet(int64_t{1}, Network::kMaxAccelerators);
  cmd->add_option("--count", o->count, "accelerators in the cluster")->check(fleet);
  cmd->add_option("--group", o->group, "ranks taking part (default: all of --count)")->check(fleet);
  cmd->add_option("--op", o->op, kOperationChoices);
  cmd->add_option("--algo", o->algo, kAlgorithmChoices);
  cmd->add_option("--size", o->sizes, "buffer size, e.g. 1GB (repeat for a sweep)");
  cmd->add_option("--datacenters", o->datacenters, "sites joined by the WAN")->check(CLI::Range(1, 64));
  cmd->add_option("--wan-bandwidth", o->wan_bandwidth, "WAN bandwidth per site pair, e.g. 12.8Tbps");
  cmd->add_option("--wan-latency", o->wan_latency, "WAN one-way latency, e.g. 1ms");
  cmd->add_option("--shape", o->shape, "torus domain shape, e.g. 4x4x4");
  cmd->add_flag("--twisted", o->twisted, "twisted torus (k x k x 2k or k x 2k x 2k slices and domains)");
  cmd->add_option("--bandwidth", o->bandwidth, "scale-up bandwidth per device (switch) or per link (torus)");
  cmd->add_option("--link-bandwidth", o->link_bandwidth, "scale-out link bandwidth per port");
  AddCommonOptions(*cmd, *common, /*with_set=*/false);
  auto run = [o, common](std::ostream& out) { return Run(*o, *common, out); };
  return {cmd, run, common.get()};
}

}  // namespace fleetsim
