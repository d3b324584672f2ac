// Topology: the network as a directed graph of vertices (accelerators, NICs, switches, site gateways) and links
// (one per direction, each with a capacity in bytes/s already scaled by the achievable protocol efficiency, a
// one-way latency, and an up/down state). Builders (network.h) create it; routing and the flow model read it.
// Link and vertex ids are dense indices, stable for the topology's life.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fleetsim/core/units.h"

namespace fleetsim {

enum class VertexKind : uint8_t { kAccelerator, kNic, kSwitch, kGateway };
enum class LinkKind : uint8_t { kScaleUp, kNic, kFabric, kWan };

struct Vertex {
  VertexKind kind = VertexKind::kSwitch;
  int8_t tier = 0;  // switches: 0 scale-up domain switch, 1 leaf, 2 spine, 3 core; gateways 4
  bool forwards =
      true;  // may carry traffic between others (switches, NICs, torus chips; not GPUs behind a switch)
};

struct Link {
  int32_t src = 0;
  int32_t dst = 0;
  double capacity = 0;  // bytes per second, per direction
  double latency = 0;   // seconds, one way
  LinkKind kind = LinkKind::kFabric;
  bool up = true;
};

class Topology {
 public:
  int32_t AddVertex(VertexKind kind, int tier = 0, bool forwards = true);
  // One direction; returns the link id. Capacity must be > 0.
  int32_t AddLink(int32_t src, int32_t dst, Bandwidth capacity, Seconds latency, LinkKind kind);
  // Both directions with the same figures; returns the id of src->dst (dst->src is the next id).
  int32_t AddDuplex(int32_t a, int32_t b, Bandwidth capacity, Seconds latency, LinkKind kind);

  void SetLinkUp(int32_t link, bool up);
  // Fails (or restores) both directions between two vertices.
  void SetConnectionUp(int32_t a, int32_t b, bool up);
  bool HasFailures() const { return failed_links_ > 0; }

  const Link& link(int32_t id) const { return links_[static_cast<size_t>(id)]; }
  const Vertex& vertex(int32_t id) const { return vertices_[static_cast<size_t>(id)]; }
  size_t num_links() const { return links_.size(); }
  size_t num_vertices() const { return vertices_.size(); }
  const std::vector<int32_t>& OutLinks(int32_t v) const { return out_[static_cast<size_t>(v)]; }

  // Fewest-hop path over links that are up, as link ids; empty when unreachable or src == dst. Among equal-length
  // paths the choice depends deterministically on `hash` (ECMP-like spreading of rerouted flows).
  std::vector<int32_t> ShortestPath(int32_t src, int32_t dst, uint64_t hash) const;
  // Sum of the latencies along a path.
  double PathLatency(const std::vector<int32_t>& path) const;
  bool PathUp(const std::vector<int32_t>& path) const;

 private:
  std::vector<Vertex> vertices_;
  std::vector<Link> links_;
  std::vector<std::vector<int32_t>> out_;
  int64_t failed_links_ = 0;
};

// Deterministic 64-bit mixing (splitmix64), the seeded hash behind ECMP choices.
inline uint64_t MixHash(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace fleetsim
