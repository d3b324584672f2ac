#include "fleetsim/reliability/reliability_inputs.h"

#include <fmt/format.h>

#include "fleetsim/core/error.h"
#include "fleetsim/workload/model_math.h"

namespace fleetsim {

bool NeedsThroughput(const Scenario& s) { return !s.reliability || !s.reliability->duration; }

std::optional<Throughput> ThroughputFromSpec(const Scenario& s) {
  if (!s.reliability || !s.reliability->step_time) return std::nullopt;
  const Seconds step = *s.reliability->step_time;
  const double tokens_per_step =
      static_cast<double>(s.training.global_batch) * static_cast<double>(s.training.seq_len);
  return Throughput{step, tokens_per_step / step.value()};
}

ReliabilityInputs MakeReliabilityInputs(const Scenario& s, const ReliabilitySpec& spec,
                                        const std::optional<Throughput>& throughput, int64_t cluster_count) {
  ClusterSpec cluster = s.cluster;
  if (cluster_count > 0) cluster.count = cluster_count;
  const double scale = static_cast<double>(s.cluster.count) / static_cast<double>(cluster.count);

  int64_t replica = 0;
  if (spec.replica_size) {
    replica = *spec.replica_size;
  } else if (s.training.parallelism) {
    const ParallelismSpec& p = *s.training.parallelism;
    replica = static_cast<int64_t>(p.tp) * p.pp * p.cp;
  }
  if (replica > cluster.count || (replica > 0 && cluster.count % replica != 0)) replica = 0;

  ReliabilityInputs in;
  in.fleet = FleetShape::FromCluster(cluster, replica);
  if (spec.duration) {
    in.duration = *spec.duration;
  } else {
    if (!s.training.tokens) {
      throw InputError(s.file, 0,
                       "reliability: give reliability.duration, or training.tokens to run until trained");
    }
    if (!throughput || throughput->tokens_per_s <= 0.0) {
      throw InputError(s.file, 0,
                       "reliability: training.tokens needs a step time (reliability.step_time or the estimator)");
    }
    // Fleet-size sweeps assume ideal weak scaling: the same tokens at a proportionally higher rate.
    in.work = Seconds(*s.training.tokens / throughput->tokens_per_s * scale);
  }
  const double bytes_per_param =
      spec.checkpoint.bytes_per_parameter.value_or(spec.failures.recovery.bytes_per_parameter);
  in.checkpoint_size = spec.checkpoint.size.value_or(Bytes(TotalParams(s.model) * bytes_per_param));
  Bandwidth peer = cluster.accelerator.scale_out_bandwidth;
  if (peer.value() <= 0.0) peer = cluster.fabric.AcceleratorBandwidth();
  if (peer.value() <= 0.0) peer = GigabytesPerSecond(10);
  in.in_memory_bandwidth = spec.checkpoint.in_memory_bandwidth.value_or(peer);
  in.ocs_reconfigure = cluster.fabric.ocs ? cluster.fabric.ocs->reconfigure_time : Seconds(0);
  return in;
}

}  // namespace fleetsim
