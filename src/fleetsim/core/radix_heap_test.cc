#include "fleetsim/core/radix_heap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace fleetsim {
namespace {

struct Item {
  uint64_t key;
  uint32_t id;
};

// Pushes and pops mixed at random against a sorted reference (key, then push order), with many equal keys and
// keys spread over every level; pushes never go below the last minimum.
TEST(RadixHeapTest, MatchesASortedReferenceAndIsFirstInFirstOutAmongEqualKeys) {
  RadixHeap<Item> heap;
  std::vector<std::pair<uint64_t, uint32_t>> reference;
  uint64_t x = 7;
  uint64_t floor = 0;
  uint32_t next = 0;
  for (int round = 0; round < 6000; ++round) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    if ((x >> 62) != 0 || reference.empty()) {
      const int shift = static_cast<int>((x >> 20) % 64);  // offsets from 1 to 2^63
      const uint64_t offset = (x >> 33) % 3 == 0 ? 0 : ((x >> 1) >> shift);
      const uint64_t key = floor + std::min(offset, ~uint64_t{0} - floor);
      heap.Push({key, next});
      reference.emplace_back(key, next++);
    } else {
      std::stable_sort(reference.begin(), reference.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      ASSERT_TRUE(heap.Ready());
      EXPECT_EQ(heap.Top().key, reference.front().first);
      EXPECT_EQ(heap.Top().id, reference.front().second);
      floor = heap.Top().key;
      heap.PopTop();
      reference.erase(reference.begin());
    }
    ASSERT_EQ(heap.size(), reference.size());
  }
}

TEST(RadixHeapTest, PushBelowTheLastMinimumRebuildsAndKeepsOrder) {
  RadixHeap<Item> heap;
  heap.Push({100, 0});
  heap.Push({5000, 1});
  heap.Push({5000, 2});
  ASSERT_TRUE(heap.Ready());
  EXPECT_EQ(heap.Top().id, 0u);
  heap.PopTop();
  ASSERT_TRUE(heap.Ready());  // the minimum is now 5000
  heap.Push({200, 3});        // below it
  const std::vector<uint32_t> expected{3, 1, 2};
  for (uint32_t id : expected) {
    ASSERT_TRUE(heap.Ready());
    EXPECT_EQ(heap.Top().id, id);
    heap.PopTop();
  }
  EXPECT_FALSE(heap.Ready());
}

TEST(RadixHeapTest, ClearForgetsEverythingAndStartsFromZero) {
  RadixHeap<Item> heap;
  for (uint32_t i = 0; i < 1000; ++i) heap.Push({uint64_t{1} << (i % 60), i});
  ASSERT_TRUE(heap.Ready());
  heap.PopTop();
  heap.Clear();
  EXPECT_TRUE(heap.empty());
  EXPECT_FALSE(heap.Ready());
  heap.Push({3, 7});
  heap.Push({1, 8});
  ASSERT_TRUE(heap.Ready());
  EXPECT_EQ(heap.Top().id, 8u);
  EXPECT_EQ(heap.floor(), 1u);
}

}  // namespace
}  // namespace fleetsim
