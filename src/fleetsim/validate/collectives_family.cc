#include "fleetsim/validate/collectives_family.h"

#include <fmt/format.h>

#include <functional>
#include <map>

#include "fleetsim/collective/flow_collective.h"
#include "fleetsim/core/error.h"
#include "fleetsim/net/network.h"
#include "fleetsim/validate/csv_table.h"
#include "fleetsim/validate/embedded_validation.h"

namespace fleetsim {
namespace {

double BusBandwidth(const Catalog& catalog, const std::string& node, const std::string& fabric, int64_t count,
                    Algorithm algo, Bytes size) {
  const Network net = Network::Build(MakeClusterSpec(node, fabric, count, catalog));
  const CollectiveResult r = SimulateCollective(net, {CollectiveOp::kAllReduce, algo, size, {}});
  return r.AlgorithmBandwidth(size) * BusBandwidthFactor(CollectiveOp::kAllReduce, static_cast<int>(count));
}

// All-to-all throughput of a twisted TPU v4 slice over the regular torus of the same shape.
double TwistedSpeedup(const Catalog& catalog, int64_t chips) {
  const Bytes size = Gigabytes(1);
  ClusterSpec spec = MakeClusterSpec("tpu-v4-cube", "tpu-ici-torus-ocs", chips, catalog);
  const Network regular = Network::Build(spec);
  spec.fabric.twisted = true;
  const Network twisted = Network::Build(spec);
  const CollectiveRequest a2a{CollectiveOp::kAllToAll, Algorithm::kDirect, size, {}};
  return SimulateCollective(regular, a2a).time.value() / SimulateCollective(twisted, a2a).time.value();
}

struct CollectiveCase {
  const char* id;
  const char* role;                               // the constant it calibrates, or "test"
  std::function<double(const Catalog&)> predict;  // in the row's unit
};

std::vector<CollectiveCase> Cases() {
  const Bytes big = Gigabytes(4);
  auto bus = [big](const char* node, const char* fabric, int64_t count, Algorithm algo, double scale) {
    return [=](const Catalog& c) { return BusBandwidth(c, node, fabric, count, algo, big) * scale; };
  };
  return {
      {"h100-8-ring", "calibrates node domain efficiency 0.82 (default)",
       bus("hgx-h100", "", 8, Algorithm::kRing, 1e-9)},
      {"h100-8-nvls", "calibrates kNvlsBandwidthFactor 0.745", bus("hgx-h100", "", 8, Algorithm::kNvls, 1e-9)},
      {"h100-8-default", "test", bus("hgx-h100", "", 8, Algorithm::kAuto, 1e-9)},
      {"h200-8", "test", bus("hgx-h200", "", 8, Algorithm::kAuto, 1e-9)},
      {"a100-8", "test", bus("dgx-a100", "", 8, Algorithm::kAuto, 1e-9)},
      {"ndr400-per-nic", "calibrates fabric efficiency 0.94 (default)",
       bus("hgx-h100", "ib-ndr-400-clos", 16, Algorithm::kRing, 1e-9 / 8)},
      {"tpu-v4-pod", "calibrates TPU ICI efficiency 0.95 (with v5e, v6e)",
       bus("tpu-v4-cube", "tpu-ici-torus-ocs", 4096, Algorithm::kTorus, 4096 / 1e12)},
      {"tpu-v5e-pod", "calibrates TPU ICI efficiency 0.95",
       bus("tpu-v5e-pod", "", 256, Algorithm::kTorus, 256 / 1e12)},
      {"tpu-v6e-pod", "calibrates TPU ICI efficiency 0.95",
       bus("tpu-v6e-pod", "", 256, Algorithm::kTorus, 256 / 1e12)},
      {"tpu-v4-twisted-4x4x8", "test (no constant: minimal routing, ties split)",
       [](const Catalog& c) { return TwistedSpeedup(c, 128); }},
      {"tpu-v4-twisted-4x8x8", "test (no constant: minimal routing, ties split)",
       [](const Catalog& c) { return TwistedSpeedup(c, 256); }},
  };
}

}  // namespace

FamilyReport ValidateCollectives(const Catalog& catalog) {
  const CsvTable table =
      CsvTable::Parse(EmbeddedValidationFile("validation/collectives.csv"), "validation/collectives.csv");
  const int id_col = table.Column("case"), source_col = table.Column("source"),
            metric_col = table.Column("metric");
  const int value_col = table.Column("value"), unit_col = table.Column("unit");
  FLEETSIM_CHECK(id_col >= 0 && source_col >= 0 && metric_col >= 0 && value_col >= 0 && unit_col >= 0);
  std::map<std::string, const CsvRow*> by_id;
  for (const CsvRow& r : table.rows) by_id[r.cells[id_col]] = &r;

  FamilyReport report;
  report.family = "collectives";
  report.title = "collective bandwidth (flow-level network model) against nccl-tests and TPU documentation";
  std::map<std::string, bool> compared;
  for (const CollectiveCase& c : Cases()) {
    auto it = by_id.find(c.id);
    if (it == by_id.end()) throw InternalError(fmt::format("validation/collectives.csv has no row '{}'", c.id));
    const CsvRow& csv = *it->second;
    ValidationRow row;
    row.id = c.id;
    row.source = csv.cells[source_col];
    row.metric = csv.cells[metric_col];
    row.unit = csv.cells[unit_col];
    row.published = PublishedFigure::Parse(csv.cells[value_col]);
    row.predicted = c.predict(catalog);
    const std::string role = c.role;
    row.role = role.rfind("calibrates", 0) == 0 ? Role::kCalibration : Role::kCheck;
    row.detail = role;
    report.rows.push_back(std::move(row));
    compared[c.id] = true;
  }
  for (const CsvRow& r : table.rows) {
    if (!compared.count(r.cells[id_col])) {
      report.notes.push_back(fmt::format("{}: {} ({}) is a curve, checked by validation/collectives_test.cc",
                                         r.cells[id_col], r.cells[value_col], r.cells[unit_col]));
    }
  }
  report.Summarize();
  return report;
}

}  // namespace fleetsim
