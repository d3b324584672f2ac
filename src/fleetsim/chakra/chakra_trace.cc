#include "fleetsim/chakra/chakra_trace.h"

#include <fmt/format.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/delimited_message_util.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "fleetsim/chakra/chakra_et.pb.h"
#include "fleetsim/core/error.h"

namespace fleetsim {
namespace {

namespace pb = ::fleetsim::chakra;

// A numeric attribute, whatever scalar type its producer chose.
std::optional<double> Number(const pb::AttributeProto& a) {
  switch (a.value_case()) {
    case pb::AttributeProto::kDoubleVal:
      return a.double_val();
    case pb::AttributeProto::kFloatVal:
      return a.float_val();
    case pb::AttributeProto::kInt32Val:
      return a.int32_val();
    case pb::AttributeProto::kInt64Val:
      return static_cast<double>(a.int64_val());
    case pb::AttributeProto::kUint32Val:
      return a.uint32_val();
    case pb::AttributeProto::kUint64Val:
      return static_cast<double>(a.uint64_val());
    case pb::AttributeProto::kSint32Val:
      return a.sint32_val();
    case pb::AttributeProto::kSint64Val:
      return static_cast<double>(a.sint64_val());
    case pb::AttributeProto::kFixed32Val:
      return a.fixed32_val();
    case pb::AttributeProto::kFixed64Val:
      return static_cast<double>(a.fixed64_val());
    case pb::AttributeProto::kSfixed32Val:
      return a.sfixed32_val();
    case pb::AttributeProto::kSfixed64Val:
      return static_cast<double>(a.sfixed64_val());
    case pb::AttributeProto::kBoolVal:
      return a.bool_val() ? 1.0 : 0.0;
    default:
      return std::nullopt;
  }
}

CollectiveOp ToCollective(int64_t type, bool* barrier) {
  *barrier = false;
  switch (type) {
    case pb::ALL_REDUCE:
    case pb::REDUCE:  // a reduction to one rank moves about what an all-reduce moves (reduce-scatter + gather)
      return CollectiveOp::kAllReduce;
    case pb::ALL_GATHER:
    case pb::GATHER:
    case pb::SCATTER:  // the reverse of a gather: the same bytes over the same links
      return CollectiveOp::kAllGather;
    case pb::BROADCAST:
      return CollectiveOp::kBroadcast;
    case pb::ALL_TO_ALL:
      return CollectiveOp::kAllToAll;
    case pb::REDUCE_SCATTER:
    case pb::REDUCE_SCATTER_BLOCK:
      return CollectiveOp::kReduceScatter;
    case pb::BARRIER:
      *barrier = true;
      return CollectiveOp::kAllReduce;
    default:
      return CollectiveOp::kAllReduce;
  }
}

class Reader {
 public:
  explicit Reader(std::string name) { trace_.file = std::move(name); }

  ChakraTrace Read(google::protobuf::io::ZeroCopyInputStream& in) {
    bool clean_eof = false;
    pb::GlobalMetadata meta;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&meta, &in, &clean_eof)) {
      Fail(clean_eof
               ? "an empty trace: a Chakra trace starts with its GlobalMetadata message"
               : "the GlobalMetadata message at the start is truncated or malformed (is this a Chakra ET file?)");
    }
    trace_.version = meta.version();
    pb::Node node;
    for (int64_t index = 0;; ++index) {
      node.Clear();
      if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&node, &in, &clean_eof)) {
        if (clean_eof) break;
        Fail(fmt::format("operation {} (after {}) is truncated or malformed", index + 1, Last()));
      }
      if (static_cast<int64_t>(trace_.ops.size()) >= kMaxTraceOps) {
        Fail(
            fmt::format("more than {} operations in one trace; fleetsim replays at most that many", kMaxTraceOps));
      }
      Add(node, index);
    }
    if (trace_.ops.empty()) Fail("the trace has no operation fleetsim can replay");
    return std::move(trace_);
  }

 private:
  [[noreturn]] void Fail(const std::string& message) const { throw InputError(trace_.file, 0, message); }

  std::string Last() const {
    return trace_.ops.empty() ? "the metadata" : fmt::format("node id {}", trace_.ops.back().id);
  }

  // The index of a process group's name in trace_.groups, added on first use (a trace names a few).
  uint32_t Group(const std::string& name) {
    const auto [it, fresh] = group_index_.try_emplace(name, static_cast<uint32_t>(trace_.groups.size()));
    if (fresh) trace_.groups.push_back(name);
    return it->second;
  }

  void Add(const pb::Node& node, int64_t index) {
    const std::string where = fmt::format("node id {} ('{}', operation {})", node.id(), node.name(), index + 1);
    auto bad = [&](const std::string& what) { Fail(fmt::format("{}: {}", where, what)); };
    TraceOp op;
    op.id = node.id();
    if (!ids_.insert(op.id).second) bad("a second node with this id; ids must be unique in a trace");
    op.duration_s = static_cast<double>(node.duration_micros()) * 1e-6;
    if (op.duration_s > 1e6)
      bad(fmt::format("a duration of {} us (over 11 days) for one operation", node.duration_micros()));
    bool cpu = false;
    std::optional<double> comm_type, comm_size, src, dst;
    for (const pb::AttributeProto& a : node.attr()) {
      if (a.name() == "pg_name" && a.value_case() == pb::AttributeProto::kStringVal) {
        op.group = Group(a.string_val());
        continue;
      }
      const std::optional<double> v = Number(a);
      if (!v) continue;
      if (!std::isfinite(*v)) bad(fmt::format("attribute '{}' is not a finite number", a.name()));
      if (a.name() == "is_cpu_op")
        cpu = *v != 0;
      else if (a.name() == "num_ops")
        op.flops = *v;
      else if (a.name() == "comm_type")
        comm_type = v;
      else if (a.name() == "comm_size")
        comm_size = v;
      else if (a.name() == "comm_src")
        src = v;
      else if (a.name() == "comm_dst")
        dst = v;
      else if (a.name() == "comm_tag")
        op.tag = static_cast<int64_t>(*v);
    }
    if (op.flops < 0) bad("num_ops is negative");
    switch (node.type()) {
      case pb::COMP_NODE:
        op.kind = cpu ? TraceOpKind::kHost : TraceOpKind::kCompute;
        break;
      case pb::MEM_LOAD_NODE:
      case pb::MEM_STORE_NODE:
        op.kind = TraceOpKind::kMemory;
        break;
      case pb::COMM_COLL_NODE:
        if (cpu) {  // the host side of a collective (c10d's call): its recorded time on the host
          op.kind = TraceOpKind::kHost;
          break;
        }
        op.kind = TraceOpKind::kCollective;
        if (!comm_type) bad("a collective without its comm_type attribute");
        if (*comm_type < 0 || *comm_type > static_cast<double>(pb::BARRIER)) {
          bad(fmt::format("comm_type {} is not a Chakra collective (0 ALL_REDUCE ... 9 BARRIER)", *comm_type));
        }
        op.collective = ToCollective(static_cast<int64_t>(*comm_type), &op.barrier);
        if (!comm_size && !op.barrier) bad("a collective without its comm_size attribute (bytes)");
        op.bytes = comm_size.value_or(0);
        break;
      case pb::COMM_SEND_NODE:
      case pb::COMM_RECV_NODE: {
        const bool send = node.type() == pb::COMM_SEND_NODE;
        op.kind = send ? TraceOpKind::kSend : TraceOpKind::kRecv;
        const std::optional<double> peer = send ? dst : src;
        if (!peer)
          bad(send ? "a send without its comm_dst attribute" : "a receive without its comm_src attribute");
        if (*peer < 0 || *peer > 1e7) bad(fmt::format("peer rank {} out of range", *peer));
        op.peer = static_cast<int64_t>(*peer);
        if (!comm_size) bad("a send or receive without its comm_size attribute (bytes)");
        op.bytes = *comm_size;
        break;
      }
      default:
        ++trace_.skipped;
        return;
    }
    if (op.bytes < 0 || op.bytes > 1e15) bad(fmt::format("comm_size {} bytes out of range (0 to 1e15)", op.bytes));
    op.first_dep = static_cast<uint32_t>(trace_.deps.size());
    for (uint64_t d : node.data_deps()) trace_.deps.push_back(d);
    for (uint64_t d : node.ctrl_deps()) trace_.deps.push_back(d);
    if (trace_.deps.size() > std::numeric_limits<uint32_t>::max()) bad("too many dependencies in one trace");
    op.dep_count = static_cast<uint32_t>(trace_.deps.size() - op.first_dep);
    trace_.ops.push_back(op);
  }

  ChakraTrace trace_;
  std::unordered_set<uint64_t> ids_;
  std::unordered_map<std::string, uint32_t> group_index_{{"", 0}};
};

// The rank a trace file's name gives ("all_reduce.12.et" -> 12), for ordering a directory.
std::optional<int64_t> RankOf(const std::filesystem::path& p) {
  const std::string stem = p.stem().string();  // "all_reduce.12"
  const size_t dot = stem.find_last_of('.');
  const std::string digits = dot == std::string::npos ? stem : stem.substr(dot + 1);
  if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) {
    return std::nullopt;
  }
  return std::stoll(digits);
}

}  // namespace

std::string_view TraceOpKindName(TraceOpKind kind) {
  switch (kind) {
    case TraceOpKind::kCompute:
      return "compute";
    case TraceOpKind::kHost:
      return "host";
    case TraceOpKind::kCollective:
      return "collective";
    case TraceOpKind::kSend:
      return "send";
    case TraceOpKind::kRecv:
      return "recv";
    case TraceOpKind::kMemory:
      return "memory";
  }
  return "?";
}

ChakraTrace ReadChakraTrace(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw InputError(path, 0, "no such Chakra trace file");
  if (!std::filesystem::is_regular_file(status)) {
    throw InputError(path, 0,
                     "not a regular file (a Chakra trace is a file of length-delimited protobuf messages)");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) throw InputError(path, 0, "cannot open the Chakra trace file");
  google::protobuf::io::IstreamInputStream in(&file);
  return Reader(path).Read(in);
}

ChakraTrace ParseChakraTrace(const std::string& bytes, const std::string& name) {
  google::protobuf::io::ArrayInputStream in(bytes.data(), static_cast<int>(bytes.size()));
  return Reader(name).Read(in);
}

std::vector<std::string> ChakraTraceFiles(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return {path};
  std::vector<std::pair<int64_t, std::string>> files;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    if (entry.path().extension() != ".et") continue;
    const std::optional<int64_t> rank = RankOf(entry.path());
    if (!rank) {
      throw InputError(
          entry.path().string(), 0,
          "a trace in a directory must be named NAME.RANK.et (e.g. all_reduce.3.et), to order the ranks");
    }
    files.emplace_back(*rank, entry.path().string());
  }
  if (ec) throw InputError(path, 0, "cannot list the directory");
  if (files.empty()) throw InputError(path, 0, "no *.et Chakra trace files in this directory");
  std::sort(files.begin(), files.end());
  for (size_t i = 1; i < files.size(); ++i) {
    if (files[i].first == files[i - 1].first) {
      throw InputError(files[i].second, 0,
                       fmt::format("rank {} has a second trace ({})", files[i].first, files[i - 1].second));
    }
  }
  std::vector<std::string> out;
  for (auto& f : files) out.push_back(std::move(f.second));
  return out;
}

}  // namespace fleetsim
