#include "fleetsim/reliability/reliability_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "fleetsim/core/error.h"
#include "fleetsim/reliability/checkpoint_math.h"
#include "fleetsim/reliability/rng.h"

namespace fleetsim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr uint64_t kFailureStream = 1;   // failure times and causes: the same for every policy (common numbers)
constexpr uint64_t kRecoveryStream = 2;  // detection delays, repair times

enum LostKind { kDetect, kReplace, kRestart, kRestore, kRecompute, kCheckpoint, kDegraded, kLostKinds };

// Where training stands `e` seconds into a running segment: training time done, and the training time covered by
// the last complete in-memory and storage checkpoints.
struct SegmentPos {
  double train = 0.0;
  double mem = 0.0;
  double storage = 0.0;
};

// A running segment repeats: `tau` of training, an in-memory checkpoint `dm` (if any), and after every n-th such
// cycle a storage checkpoint `ds`. Training stands still while a checkpoint is written.
struct Cycle {
  double tau = 0.0;
  double dm = 0.0;
  double ds = 0.0;
  double n = 1.0;
  bool in_memory = false;

  SegmentPos At(double e) const {
    const double c = tau + dm;
    const double super = n * c + ds;
    const double k = std::floor(e / super);
    const double rem = e - k * super;
    const double base = k * n * tau;
    const double j = std::floor(rem / c);
    SegmentPos p;
    p.storage = base;
    if (j >= n) {  // writing the storage checkpoint
      p.train = base + n * tau;
      p.mem = in_memory ? p.train : base;
    } else {
      p.train = base + j * tau + std::min(rem - j * c, tau);
      p.mem = in_memory ? base + j * tau : base;
    }
    return p;
  }

  // Wall time from the segment start until `train` seconds of training are done (no checkpoint at the end).
  double WallFor(double train) const {
    if (train <= 0.0) return 0.0;
    const double full = std::max(0.0, std::ceil(train / tau) - 1.0);
    return full * (tau + dm) + std::floor(full / n) * ds + (train - full * tau);
  }
};

struct ClassInfo {
  double rate_s = 0.0;  // failures per second over the full fleet
  int64_t nodes_lost = 0;
  bool per_job = false;  // job-level rates do not shrink with the fleet
};

struct TrialOut {
  double elapsed = 0.0;
  double useful = 0.0;
  double lost[kLostKinds] = {};
  int64_t unexpected = 0;
  int64_t planned = 0;
  int64_t reconfigurations = 0;
};

Percentiles Summarize(std::vector<double>& v) {
  Percentiles p;
  if (v.empty()) return p;
  double sum = 0.0;
  for (double x : v) sum += x;
  p.mean = sum / static_cast<double>(v.size());
  auto at = [&](double q) {
    const size_t k = static_cast<size_t>(std::llround(q * static_cast<double>(v.size() - 1)));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
  };
  p.p5 = at(0.05);
  p.p95 = at(0.95);
  return p;
}

}  // namespace

struct ReliabilityModel::Impl {
  ReliabilitySpec spec;
  ReliabilityInputs in;
  std::vector<ClassInfo> classes;
  std::vector<double> cumulative;  // running sum of rate_s, for choosing a cause
  double total_rate = 0.0;
  double unplanned_rate = 0.0;
  std::vector<std::unique_ptr<RecoveryPolicy>> policies;
  CheckpointPlan plan;
  Cycle cycle;
  double restart_s = 0.0;
  double storage_restore_s = 0.0;
  double memory_restore_s = 0.0;
  double max_wall = kInf;

  void Trial(uint64_t index, PoolState& pool, int64_t* counts, TrialOut& out, double& events_left) const;
  double DetectionTime(const FailureClass& c, Rng& rng) const;
};

ReliabilityModel::ReliabilityModel(const ReliabilitySpec& spec, const ReliabilityInputs& inputs)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.spec = spec;
  m.in = inputs;
  const FleetShape& f = inputs.fleet;
  if (!inputs.duration && !inputs.work) {
    throw InputError("", 0, "reliability: give reliability.duration, or training.tokens and a step time");
  }
  if (f.accelerators <= 0 || f.nodes <= 0 || f.replica_size <= 0) {
    throw InputError("", 0, "reliability: the fleet is empty");
  }
  const RecoveryTimes& t = spec.failures.recovery;
  double storage_rate = 0.0;
  for (const FailureClass& c : spec.failures.classes) {
    ClassInfo info;
    info.rate_s = c.rate_per_unit_hour * static_cast<double>(f.Units(c.unit)) / 3600.0;
    info.nodes_lost = f.NodesLost(c.blast);
    info.per_job = c.unit == FailureUnit::kJob;
    m.total_rate += info.rate_s;
    m.cumulative.push_back(m.total_rate);
    if (!c.planned()) {
      m.unplanned_rate += info.rate_s;
      const bool needs_storage = !spec.Has(Policy::kInMemory) || c.detection == Detection::kSilent ||
                                 c.blast == BlastRadius::kLeaf || c.blast == BlastRadius::kSite;
      if (needs_storage) storage_rate += info.rate_s;
    }
    m.classes.push_back(info);
  }
  m.policies = MakePolicies(spec.policies, spec.spares);

  const double run = inputs.duration ? inputs.duration->value() : inputs.work->value();
  m.max_wall = inputs.duration ? kInf : 1000.0 * inputs.work->value() + 10.0 * 365 * 86400;
  CheckpointPlan& p = m.plan;
  p.size_bytes = inputs.checkpoint_size.value();
  const Bandwidth storage_bw = spec.checkpoint.storage_bandwidth.value_or(t.storage_bandwidth);
  p.storage_write_s = (inputs.checkpoint_size / storage_bw).value();
  p.storage_mtti_s = storage_rate > 0.0 ? 1.0 / storage_rate : kInf;
  if (storage_rate > 0.0) {
    p.young_s = YoungInterval(Seconds(p.storage_write_s), Seconds(p.storage_mtti_s)).value();
    p.daly_s = DalyInterval(Seconds(p.storage_write_s), Seconds(p.storage_mtti_s)).value();
  } else {
    p.young_s = p.daly_s = run;  // nothing rolls back to storage: one checkpoint per run is enough
  }
  const double storage_tau =
      spec.checkpoint.interval ? spec.checkpoint.interval->value() : std::max(p.daly_s, 1e-3);
  m.storage_restore_s = p.storage_write_s;
  if (spec.Has(Policy::kInMemory)) {
    p.in_memory = true;
    const double per_acc = p.size_bytes / static_cast<double>(f.accelerators);
    p.memory_write_s = per_acc / inputs.in_memory_bandwidth.value();
    double tau_m = spec.checkpoint.in_memory_interval ? spec.checkpoint.in_memory_interval->value() : run;
    if (!spec.checkpoint.in_memory_interval && m.unplanned_rate > 0.0) {
      tau_m = DalyInterval(Seconds(p.memory_write_s), Seconds(1.0 / m.unplanned_rate)).value();
    }
    tau_m = std::max(tau_m, 1e-3);
    p.memory_interval_s = tau_m;
    p.memory_per_storage = std::max<int64_t>(1, std::llround(storage_tau / tau_m));
    p.storage_interval_s = tau_m * static_cast<double>(p.memory_per_storage);
    m.memory_restore_s = p.memory_write_s;
    m.cycle = {tau_m, p.memory_write_s, p.storage_write_s, static_cast<double>(p.memory_per_storage), true};
  } else {
    p.storage_interval_s = storage_tau;
    m.cycle = {storage_tau, 0.0, p.storage_write_s, 1.0, false};
  }
  m.restart_s = t.reschedule.value() + t.process_start.value() + t.comm_setup_base.value() +
                t.comm_setup_per_rank.value() * static_cast<double>(f.accelerators);
}

ReliabilityModel::~ReliabilityModel() = default;
ReliabilityModel::ReliabilityModel(ReliabilityModel&&) noexcept = default;

const CheckpointPlan& ReliabilityModel::checkpoint() const { return impl_->plan; }
double ReliabilityModel::UnplannedRate() const { return impl_->unplanned_rate; }

double ReliabilityModel::Impl::DetectionTime(const FailureClass& c, Rng& rng) const {
  const RecoveryTimes& t = spec.failures.recovery;
  switch (c.detection) {
    case Detection::kCrash:
      return rng.Uniform() * t.health_check_interval.value() + t.diagnosis.value();
    case Detection::kHang:
      return t.watchdog_timeout.value() + t.diagnosis.value();
    case Detection::kSilent:
      return t.diagnosis.value();  // the checker's delay came before the interruption
    case Detection::kPlanned:
      return 0.0;
  }
  return 0.0;
}

void ReliabilityModel::Impl::Trial(uint64_t index, PoolState& pool, int64_t* counts, TrialOut& o,
                                   double& events_left) const {
  Rng fail_rng(MixSeed(spec.seed, kFailureStream, index));
  Rng rec_rng(MixSeed(spec.seed, kRecoveryStream, index));
  pool.Reset(spec.spares);
  const FleetShape& f = in.fleet;
  const RecoveryTimes& times = spec.failures.recovery;
  const double replicas = static_cast<double>(f.Replicas());
  const double horizon = in.duration ? in.duration->value() : kInf;
  const double work = in.work ? in.work->value() : kInf;
  const int64_t replicas_per_node = std::max<int64_t>(1, f.node_size / f.replica_size);

  o = TrialOut();
  double* lost = o.lost;
  double t_seg = 0.0;  // when the current running segment began
  double p0 = 0.0;     // progress (failure-free training seconds) at the segment start
  double stor = 0.0;   // progress saved in persistent storage
  double a = 1.0;      // fraction of the data-parallel replicas at work
  bool running = true;
  double down_start = 0.0, down_end = 0.0;
  double phase[5] = {};  // checkpoint before a planned stop, detection, replacement, restart, restore
  static constexpr int kPhaseKind[5] = {kCheckpoint, kDetect, kReplace, kRestart, kRestore};
  double next_fail = total_rate > 0.0 ? fail_rng.Exponential(total_rate) : kInf;
  double sdc_at = kInf, sdc_clean = 0.0;
  size_t sdc_class = 0;

  auto credit_down = [&](double until) {
    double left = until - down_start;
    for (int k = 0; k < 5 && left > 0.0; ++k) {
      const double d = std::min(left, phase[k]);
      lost[kPhaseKind[k]] += d;
      left -= d;
    }
  };
  // Ends the running segment at `e` seconds into it; returns where it stood.
  auto end_segment = [&](double e) {
    const SegmentPos pos = cycle.At(e);
    lost[kCheckpoint] += e - pos.train;
    lost[kDegraded] += (1.0 - a) * pos.train;
    return pos;
  };
  auto start_down = [&](double at, double ckpt, double detect, double replace, double restart, double restore) {
    phase[0] = ckpt;
    phase[1] = detect;
    phase[2] = replace;
    phase[3] = restart;
    phase[4] = restore;
    down_start = at;
    down_end = at + ckpt + detect + replace + restart + restore;
    running = false;
  };

  for (;;) {
    const double grow_at = pool.shrunk_nodes > 0 ? pool.NextRepair() : kInf;
    const double ev = std::min({next_fail, sdc_at, grow_at});
    if (!running && down_end <= std::min(ev, horizon)) {
      credit_down(down_end);
      running = true;
      t_seg = down_end;
    }
    if (running) {
      if (in.duration && horizon <= ev) {
        p0 += a * end_segment(horizon - t_seg).train;
        o.elapsed = horizon;
        break;
      }
      if (work < kInf) {
        const double train = (work - p0) / a;
        const double wall = cycle.WallFor(train);
        if (t_seg + wall <= ev) {
          lost[kCheckpoint] += wall - train;
          lost[kDegraded] += (1.0 - a) * train;
          p0 = work;
          o.elapsed = t_seg + wall;
          break;
        }
      }
    } else if (in.duration && horizon <= ev) {
      credit_down(horizon);
      o.elapsed = horizon;
      break;
    }
    if (ev > max_wall) {
      throw InputError("", 0,
                       "reliability: failures arrive faster than the job can recover (it would not finish in "
                       "1,000 times its failure-free time); lower the rates or shorten recovery");
    }
    if (--events_left < 0) {
      throw InputError("", 0,
                       fmt::format("reliability: the run passed {:.3g} failure events, the most one run may walk "
                                   "(about a minute of work); use fewer trials, a shorter duration or lower rates",
                                   kMaxEvents));
    }

    if (ev == grow_at) {  // a repaired domain rejoins: checkpoint, then reconfigure (nothing recomputed)
      pool.repairs.erase(pool.repairs.begin());
      const int64_t back = std::min(pool.shrunk_replicas, replicas_per_node);
      --pool.shrunk_nodes;
      pool.shrunk_replicas = pool.shrunk_nodes == 0 ? 0 : pool.shrunk_replicas - back;
      ++o.reconfigurations;
      if (running) {
        p0 += a * end_segment(ev - t_seg).train;
        stor = p0;
        start_down(ev, cycle.ds, 0.0, 0.0, restart_s, cycle.in_memory ? memory_restore_s : storage_restore_s);
      }
      a = (replicas - static_cast<double>(pool.shrunk_replicas)) / replicas;
      continue;
    }

    size_t cls = 0;
    bool sdc_detected = false;
    if (ev == sdc_at) {
      cls = sdc_class;
      sdc_at = kInf;
      sdc_detected = true;
    } else {
      next_fail = ev + fail_rng.Exponential(total_rate);
      const double u = fail_rng.Uniform() * total_rate;
      while (cls + 1 < cumulative.size() && u >= cumulative[cls]) ++cls;
      if (!classes[cls].per_job && pool.shrunk_nodes > 0) {  // dropped domains do not fail: thin the process
        const double active = static_cast<double>(f.nodes - pool.shrunk_nodes) / static_cast<double>(f.nodes);
        if (fail_rng.Uniform() >= active) continue;
      }
      if (spec.failures.classes[cls].detection == Detection::kSilent) {  // found later, by the checker
        if (sdc_at == kInf) {
          sdc_class = cls;
          sdc_clean = running ? std::max(stor, p0 + a * cycle.At(ev - t_seg).storage) : stor;
          sdc_at = ev + rec_rng.Uniform() * times.sdc_check_interval.value();
        }
        continue;
      }
    }

    // An interruption.
    const FailureClass& fc = spec.failures.classes[cls];
    ++counts[cls];
    ++(fc.planned() ? o.planned : o.unexpected);
    double p_now = p0, mem = p0;
    if (running) {
      const SegmentPos pos = end_segment(ev - t_seg);
      p_now = p0 + a * pos.train;
      mem = p0 + a * pos.mem;
      stor = std::max(stor, p0 + a * pos.storage);
    } else {
      credit_down(ev);
    }
    while (pool.shrunk_nodes == 0 && !pool.repairs.empty() && pool.repairs.front() <= ev) {  // repaired spares
      pool.repairs.erase(pool.repairs.begin());
      ++pool.spares_free;
    }
    Recovery r;
    r.nodes_lost = classes[cls].nodes_lost;
    const RecoveryContext ctx{
        fc, f, times, restart_s, storage_restore_s, memory_restore_s, in.ocs_reconfigure.value()};
    for (const auto& policy : policies) policy->Refine(ctx, pool, r);

    double target = stor;
    double ckpt_first = 0.0;
    if (fc.planned()) {  // announced: checkpoint first, lose nothing
      target = p_now;
      if (running) ckpt_first = cycle.ds;
      stor = p_now;
    } else if (sdc_detected) {  // every checkpoint since the corruption is suspect
      target = std::min(sdc_clean, stor);
      stor = target;
    } else if (r.from_memory) {
      target = mem;
    }
    lost[kRecompute] += p_now - target;
    p0 = target;

    const double detect = DetectionTime(fc, rec_rng);
    double replace = r.nodes_lost > 0 ? r.swap : 0.0;
    if (r.send_to_repair) {
      for (int64_t k = 0; k < r.nodes_lost; ++k)
        pool.AddRepair(ev + rec_rng.Exponential(1.0 / times.repair.value()));
    }
    if (r.nodes_waiting > 0) {  // no spare: wait for the earliest repairs
      const auto n = static_cast<std::ptrdiff_t>(std::min<size_t>(pool.repairs.size(), r.nodes_waiting));
      const double ready = n > 0 ? pool.repairs[static_cast<size_t>(n - 1)] : ev;
      pool.repairs.erase(pool.repairs.begin(), pool.repairs.begin() + n);
      replace += std::max(0.0, ready - (ev + detect));
    }
    a = (replicas - static_cast<double>(pool.shrunk_replicas)) / replicas;
    start_down(ev, ckpt_first, detect, replace, r.restart, r.restore);
  }
  o.useful = p0;
}

ReliabilityResult ReliabilityModel::Run() const { return Run(impl_->spec.trials); }

double ReliabilityModel::ExpectedEvents(int64_t trials) const {
  const Impl& m = *impl_;
  const double run = m.in.duration ? m.in.duration->value() : m.in.work->value();
  return static_cast<double>(trials) * m.total_rate * run;
}

ReliabilityResult ReliabilityModel::Run(int64_t trials,
                                        const std::function<void(int64_t done, int64_t total)>& progress) const {
  const Impl& m = *impl_;
  FLEETSIM_CHECK(trials > 0);
  const double expected = ExpectedEvents(trials);
  if (!(expected <= kMaxEvents)) {
    throw InputError(
        "", 0,
        fmt::format("reliability: {} trials of {:.3g} h at {:.3g} failures per hour are {:.3g} failure "
                    "events, more than the {:.3g} one run may walk (about a minute of work); use fewer "
                    "trials, a shorter duration or lower rates",
                    trials, (m.in.duration ? m.in.duration->value() : m.in.work->value()) / 3600.0,
                    m.total_rate * 3600.0, expected, kMaxEvents));
  }
  double events_left = kMaxEvents;
  const size_t n_classes = m.classes.size();
  std::vector<int64_t> counts(n_classes, 0);
  std::vector<double> unexpected, ettr, elapsed;
  unexpected.reserve(static_cast<size_t>(trials));
  ettr.reserve(static_cast<size_t>(trials));
  elapsed.reserve(static_cast<size_t>(trials));
  double lost[kLostKinds] = {};
  double useful = 0.0, planned = 0.0, reconfig = 0.0, total_elapsed = 0.0, total_unexpected = 0.0;
  PoolState pool;
  pool.repairs.reserve(64);
  TrialOut o;
  for (int64_t i = 0; i < trials; ++i) {
    m.Trial(static_cast<uint64_t>(i), pool, counts.data(), o, events_left);
    if (progress && (i + 1) % 1024 == 0) progress(i + 1, trials);
    unexpected.push_back(static_cast<double>(o.unexpected));
    ettr.push_back(o.elapsed > 0.0 ? o.useful / o.elapsed : 1.0);
    elapsed.push_back(o.elapsed);
    for (int k = 0; k < kLostKinds; ++k) lost[k] += o.lost[k];
    useful += o.useful;
    planned += static_cast<double>(o.planned);
    reconfig += static_cast<double>(o.reconfigurations);
    total_elapsed += o.elapsed;
    total_unexpected += static_cast<double>(o.unexpected);
  }
  const double n = static_cast<double>(trials);
  ReliabilityResult r;
  r.trials = trials;
  r.unexpected_interruptions = Summarize(unexpected);
  r.ettr = Summarize(ettr);
  r.elapsed_s = Summarize(elapsed);
  r.planned_interruptions = planned / n;
  r.reconfigurations = reconfig / n;
  r.useful_s = useful / n;
  r.mtti_s = total_unexpected > 0.0 ? total_elapsed / total_unexpected : kInf;
  r.mtti_model_s = m.unplanned_rate > 0.0 ? 1.0 / m.unplanned_rate : kInf;
  r.lost = {lost[kDetect] / n,    lost[kReplace] / n,    lost[kRestart] / n, lost[kRestore] / n,
            lost[kRecompute] / n, lost[kCheckpoint] / n, lost[kDegraded] / n};
  r.checkpoint = m.plan;
  for (size_t c = 0; c < n_classes; ++c) {
    const FailureClass& fc = m.spec.failures.classes[c];
    r.by_cause.push_back({fc.id, fc.name, fc.planned(), static_cast<double>(counts[c]) / n,
                          m.classes[c].rate_s * r.elapsed_s.mean});
  }
  return r;
}

}  // namespace fleetsim
