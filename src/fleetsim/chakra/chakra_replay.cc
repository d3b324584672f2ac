#include "fleetsim/chakra/chakra_replay.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <queue>
#include <tuple>
#include <unordered_map>

#include "fleetsim/core/error.h"
#include "fleetsim/engine/engine.h"
#include "fleetsim/estimate/group_levels.h"

namespace fleetsim {
namespace {

enum Stream { kAccelerator = 0, kHostStream = 1, kComm = 2, kStreams = 3 };

Stream StreamOf(TraceOpKind kind) {
  switch (kind) {
    case TraceOpKind::kHost:
      return kHostStream;
    case TraceOpKind::kCollective:
    case TraceOpKind::kSend:
    case TraceOpKind::kRecv:
      return kComm;
    default:
      return kAccelerator;
  }
}

constexpr uint64_t kOpBits = 40;

class Replay final : public EventHandler {
 public:
  Replay(const std::vector<ChakraTrace>& traces, const ClusterSpec& cluster, int64_t job_ranks)
      : traces_(traces), cluster_(cluster), levels_(cluster), ranks_(traces.size()) {
    result_.job_ranks = std::max<int64_t>(job_ranks, static_cast<int64_t>(traces.size()));
    if (result_.job_ranks > cluster.count) {
      throw InputError("", 0,
                       fmt::format("the job has {} ranks but the cluster only {} accelerators (--count)",
                                   result_.job_ranks, cluster.count));
    }
    for (size_t r = 0; r < traces.size(); ++r) Prepare(r);
    // Process groups by name across the traces, and how many of the traced ranks issue collectives in each.
    std::map<std::string, uint32_t> ids;
    group_of_.resize(traces.size());
    for (size_t r = 0; r < traces.size(); ++r) {
      std::vector<bool> used(traces[r].groups.size(), false);
      for (const TraceOp& op : traces[r].ops) {
        if (op.kind == TraceOpKind::kCollective) used[op.group] = true;
      }
      for (size_t g = 0; g < traces[r].groups.size(); ++g) {
        const auto [it, fresh] = ids.try_emplace(traces[r].groups[g], static_cast<uint32_t>(ids.size()));
        group_of_[r].push_back(it->second);
        if (fresh) group_members_.push_back(0);
        if (used[g]) ++group_members_[it->second];
      }
    }
    for (Rank& rank : ranks_) rank.group_started.assign(group_members_.size(), 0);
  }

  ChakraReplayResult Run() {
    for (size_t r = 0; r < ranks_.size(); ++r) {
      for (int s = 0; s < kStreams; ++s) TryStart(r, static_cast<Stream>(s));
    }
    engine_.Run();
    for (size_t r = 0; r < ranks_.size(); ++r) CheckFinished(r);
    result_.events = engine_.events_run();
    for (size_t r = 0; r < ranks_.size(); ++r) {
      RankReplay& out = ranks_[r].out;
      out.accelerator_idle_s =
          std::max(0.0, out.end_s - std::max(0.0, ranks_[r].first_start) - out.compute_busy_s);
      result_.makespan_s = std::max(result_.makespan_s, out.end_s);
      result_.ranks.push_back(out);
    }
    return result_;
  }

  void OnEvent(uint64_t payload) override {
    const size_t r = static_cast<size_t>(payload >> kOpBits);
    const uint32_t i = static_cast<uint32_t>(payload & ((uint64_t{1} << kOpBits) - 1));
    Finish(r, i);
  }

 private:
  struct ReadyCompare {
    bool operator()(uint32_t a, uint32_t b) const { return a > b; }  // lowest trace index first
  };
  struct Rank {
    RankReplay out;
    std::vector<uint32_t> waiting;      // unfinished dependencies per op
    std::vector<uint32_t> child_start;  // CSR: children of op i are children[child_start[i], child_start[i+1])
    std::vector<uint32_t> children;
    std::priority_queue<uint32_t, std::vector<uint32_t>, ReadyCompare> ready[kStreams];
    bool busy[kStreams] = {false, false, false};
    double stream_started[kStreams] = {0, 0, 0};
    int64_t collectives_started = 0;
    std::vector<int64_t> group_started;  // collectives started, by process group
    int64_t done = 0;
    double first_start = -1;
  };
  // One collective: the k-th of its process group on every traced rank that issues that group's collectives
  // (every rank for collectives that name no group).
  struct Gathering {
    int64_t arrived = 0;
    double last_arrival = 0;
    std::vector<std::pair<size_t, uint32_t>> members;
  };

  const TraceOp& Op(size_t r, uint32_t i) const { return traces_[r].ops[i]; }
  double Now() const { return engine_.now().ToSeconds().value(); }

  void Prepare(size_t r) {
    const ChakraTrace& t = traces_[r];
    Rank& rank = ranks_[r];
    rank.out.file = t.file;
    rank.out.ops = static_cast<int64_t>(t.ops.size());
    std::unordered_map<uint64_t, uint32_t> index;
    index.reserve(t.ops.size());
    for (uint32_t i = 0; i < t.ops.size(); ++i) index.emplace(t.ops[i].id, i);
    rank.waiting.assign(t.ops.size(), 0);
    std::vector<uint32_t> count(t.ops.size() + 1, 0);
    std::vector<std::pair<uint32_t, uint32_t>> edges;  // (parent, child)
    for (uint32_t i = 0; i < t.ops.size(); ++i) {
      const TraceOp& op = t.ops[i];
      for (uint32_t d = op.first_dep; d < op.first_dep + op.dep_count; ++d) {
        auto it = index.find(t.deps[d]);
        if (it == index.end()) {
          ++result_.missing_deps;
          continue;
        }
        if (it->second >= i) {
          // A trace lists operations in issue order, so a dependency points back. One on the operation itself or
          // on a later one is a converter's artefact (PyTorch traces name a launching host operation's own
          // kernel as its dependency, and the kernel the host operation): a cycle, broken here.
          ++result_.forward_deps;
          continue;
        }
        edges.emplace_back(it->second, i);
        ++rank.waiting[i];
        ++count[it->second];
      }
    }
    rank.child_start.assign(t.ops.size() + 1, 0);
    for (size_t i = 0; i < t.ops.size(); ++i) rank.child_start[i + 1] = rank.child_start[i] + count[i];
    rank.children.assign(edges.size(), 0);
    std::vector<uint32_t> fill(rank.child_start.begin(), rank.child_start.end() - 1);
    for (const auto& [parent, child] : edges) rank.children[fill[parent]++] = child;
    for (uint32_t i = 0; i < t.ops.size(); ++i) {
      if (rank.waiting[i] == 0) rank.ready[StreamOf(t.ops[i].kind)].push(i);
    }
  }

  void TryStart(size_t r, Stream s) {
    Rank& rank = ranks_[r];
    if (rank.busy[s] || rank.ready[s].empty()) return;
    const uint32_t i = rank.ready[s].top();
    rank.ready[s].pop();
    rank.busy[s] = true;
    rank.stream_started[s] = Now();
    if (rank.first_start < 0) rank.first_start = Now();
    const TraceOp& op = Op(r, i);
    switch (op.kind) {
      case TraceOpKind::kCollective:
        return Arrive(r, i);
      case TraceOpKind::kSend:
      case TraceOpKind::kRecv:
        return Transfer(r, i);
      default:
        Schedule(r, i, Now() + ComputeTime(op));
    }
  }

  double ComputeTime(const TraceOp& op) const {
    if (op.duration_s > 0 || op.flops <= 0) return op.duration_s;
    const Accelerator& a = cluster_.accelerator;
    return op.flops / (a.Peak(Precision::kBf16).value() * a.efficiency.matmul);
  }

  void Schedule(size_t r, uint32_t i, double at) {
    engine_.Schedule(SimTime::FromSeconds(Seconds(std::max(at, Now()))), this,
                     (static_cast<uint64_t>(r) << kOpBits) | i);
  }

  // A collective starts when its last member arrives.
  void Arrive(size_t r, uint32_t i) {
    Rank& rank = ranks_[r];
    const uint32_t group = group_of_[r][Op(r, i).group];
    const int64_t k = rank.group_started[group]++;
    result_.collectives = std::max(result_.collectives, ++rank.collectives_started);
    const std::pair<uint32_t, int64_t> key{group, k};
    Gathering& g = gatherings_[key];
    if (!g.members.empty()) {
      const TraceOp& first = Op(g.members.front().first, g.members.front().second);
      const TraceOp& op = Op(r, i);
      if (first.collective != op.collective || first.bytes != op.bytes || first.barrier != op.barrier) {
        throw InputError(traces_[r].file, 0,
                         fmt::format("node id {}: collective {} of this rank ({} of {} bytes) is not the one rank "
                                     "{} issues at that place ({} of {} bytes); the ranks' traces disagree",
                                     op.id, k + 1, CollectiveOpName(op.collective), op.bytes,
                                     g.members.front().first, CollectiveOpName(first.collective), first.bytes));
      }
    }
    g.members.emplace_back(r, i);
    g.last_arrival = Now();
    if (++g.arrived < group_members_[group]) return;
    const TraceOp& op = Op(r, i);
    const double t = CollectiveTime(op, group);
    for (const auto& [mr, mi] : g.members) Schedule(mr, mi, g.last_arrival + t);
    gatherings_.erase(key);
  }

  // Priced over the job's ranks that the group's traced members stand for: all of them for a group every trace
  // issues in, a share for a group of some (a pipeline stage's data-parallel group, one file per stage).
  double CollectiveTime(const TraceOp& op, uint32_t group) const {
    const int64_t n = std::max<int64_t>(
        1, result_.job_ranks * group_members_[group] / static_cast<int64_t>(std::max<size_t>(1, ranks_.size())));
    if (n <= 1) return 0.0;
    const auto traffic =
        op.collective == CollectiveOp::kAllToAll ? GroupLevels::Traffic::kAllToAll : GroupLevels::Traffic::kRing;
    const double bytes = op.barrier ? 0.0 : op.bytes;
    return HierarchicalCollectiveTime(op.collective, Bytes(bytes), levels_.Levels(n, 1, traffic)).value();
  }

  // A send completes when its bytes have crossed to the peer; the matching receive (same pair, same tag, in
  // order) completes then too, or when it is posted if that is later. A peer outside the traces replayed is a
  // representative's mirror: its side is taken as ready at once.
  void Transfer(size_t r, uint32_t i) {
    const TraceOp& op = Op(r, i);
    const int64_t stride = std::max<int64_t>(1, std::llabs(op.peer - static_cast<int64_t>(r)));
    const double t = FlatCollectiveTime(CollectiveOp::kPointToPoint, Algorithm::kDirect, Bytes(op.bytes),
                                        levels_.PeerLevel(stride))
                         .value();
    ++result_.transfers;
    const bool send = op.kind == TraceOpKind::kSend;
    if (op.peer >= static_cast<int64_t>(ranks_.size())) {
      Schedule(r, i, Now() + t);
      return;
    }
    const auto key = send ? std::make_tuple(static_cast<int64_t>(r), op.peer, op.tag)
                          : std::make_tuple(op.peer, static_cast<int64_t>(r), op.tag);
    if (send) {
      const double arrives = Now() + t;
      Schedule(r, i, arrives);
      auto& recvs = posted_recvs_[key];
      if (!recvs.empty()) {
        const auto [rr, ri] = recvs.front();
        recvs.pop_front();
        Schedule(rr, ri, arrives);
      } else {
        sent_[key].push_back(arrives);
      }
    } else {
      auto& arrivals = sent_[key];
      if (!arrivals.empty()) {
        Schedule(r, i, arrivals.front());
        arrivals.pop_front();
      } else {
        posted_recvs_[key].emplace_back(r, i);
      }
    }
  }

  void Finish(size_t r, uint32_t i) {
    Rank& rank = ranks_[r];
    const TraceOp& op = Op(r, i);
    const Stream s = StreamOf(op.kind);
    const double busy = Now() - rank.stream_started[s];
    if (s == kAccelerator) rank.out.compute_busy_s += busy;
    if (s == kHostStream) rank.out.host_busy_s += busy;
    if (s == kComm) rank.out.comm_busy_s += busy;
    rank.out.end_s = std::max(rank.out.end_s, Now());
    rank.busy[s] = false;
    ++rank.done;
    for (uint32_t c = rank.child_start[i]; c < rank.child_start[i + 1]; ++c) {
      const uint32_t child = rank.children[c];
      if (--rank.waiting[child] == 0) rank.ready[StreamOf(Op(r, child).kind)].push(child);
    }
    for (int t = 0; t < kStreams; ++t) TryStart(r, static_cast<Stream>(t));
  }

  void CheckFinished(size_t r) {
    const Rank& rank = ranks_[r];
    if (rank.done == rank.out.ops) return;
    const ChakraTrace& t = traces_[r];
    for (uint32_t i = 0; i < t.ops.size(); ++i) {
      if (rank.waiting[i] > 0) {
        throw InputError(t.file, 0,
                         fmt::format("node id {} never runs: {} of its dependencies never finish (a dependency "
                                     "cycle, or a collective or receive that no other rank matches; {} of {} "
                                     "operations ran)",
                                     t.ops[i].id, rank.waiting[i], rank.done, rank.out.ops));
      }
    }
    throw InputError(t.file, 0,
                     fmt::format("the replay stalled after {} of {} operations: a collective or receive that no "
                                 "other rank matches ({} collectives issued here)",
                                 rank.done, rank.out.ops, rank.collectives_started));
  }

  const std::vector<ChakraTrace>& traces_;
  const ClusterSpec& cluster_;
  GroupLevels levels_;
  std::vector<Rank> ranks_;
  Engine engine_;
  std::map<std::pair<uint32_t, int64_t>, Gathering> gatherings_;  // by (process group, index in it)
  std::vector<std::vector<uint32_t>> group_of_;  // by rank: its trace's group index -> the replay's group id
  std::vector<int64_t> group_members_;           // by group id: traced ranks that issue its collectives
  std::map<std::tuple<int64_t, int64_t, int64_t>, std::deque<double>> sent_;
  std::map<std::tuple<int64_t, int64_t, int64_t>, std::deque<std::pair<size_t, uint32_t>>> posted_recvs_;
  ChakraReplayResult result_;
};

}  // namespace

ChakraReplayResult ReplayChakra(const std::vector<ChakraTrace>& traces, const ClusterSpec& cluster,
                                int64_t job_ranks) {
  if (traces.empty()) throw InputError("", 0, "no Chakra trace to replay");
  if (traces.size() >= (size_t{1} << 20)) throw InputError("", 0, "more than a million rank traces");
  return Replay(traces, cluster, job_ranks).Run();
}

}  // namespace fleetsim
