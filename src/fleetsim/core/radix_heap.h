// RadixHeap: a monotone priority queue of plain entries keyed by an unsigned 64-bit `key` member, for sequences
// whose minimum never decreases (simulated time; the fair share of progressive filling). An entry lives in the
// bucket (level, digit) where level is the highest 8-bit digit in which its key differs from the last minimum,
// so only the lowest non-empty bucket is ever taken apart and each entry moves at most once per level: O(1)
// amortised per operation, reading and writing memory in order, with no comparisons between entries.
//
// Entries of equal key always share a bucket (they agree on every digit) and buckets keep insertion order, so
// equal keys come out first-in first-out: runs that use it are deterministic without a tie-breaking field. The
// buckets keep their capacity, so a heap in steady state allocates nothing. A push below the last minimum is
// legal but rebuilds the buckets (O(n)); callers for which it is an error check it themselves.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace fleetsim {

template <typename Entry>
class RadixHeap {
 public:
  void Push(const Entry& e) {
    if (e.key < last_) Lower(e.key);
    Insert(e);
    ++size_;
  }

  // Makes the smallest entry available to Top(); false when the heap is empty.
  bool Ready() {
    if (head_ < front_.size()) return true;
    front_.clear();
    head_ = 0;
    while (front_.empty()) {
      if (level_mask_ == 0) return false;
      Advance();
    }
    return true;
  }
  // The smallest entry, first pushed among equals. Requires Ready().
  const Entry& Top() const { return front_[head_]; }
  // Removes Top(). Requires Ready().
  void PopTop() {
    ++head_;
    --size_;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The last minimum: every entry's key is at least this (0 before the first pop).
  uint64_t floor() const { return last_; }

  // Empties the heap and lets keys start again from zero; keeps the capacity. Costs the buckets still in use.
  void Clear() {
    for (size_t level = 0; level < kLevels; ++level) {
      if ((level_mask_ & (1u << level)) == 0) continue;
      for (size_t w = 0; w < kWords; ++w) {
        for (uint64_t bits = digit_mask_[level][w]; bits != 0; bits &= bits - 1) {
          const size_t b = level * kDigits + w * 64 + static_cast<size_t>(std::countr_zero(bits));
          buckets_[b].clear();
          min_[b] = kNone;
        }
      }
      digit_mask_[level].fill(0);
    }
    level_mask_ = 0;
    front_.clear();
    head_ = 0;
    last_ = 0;
    size_ = 0;
  }

 private:
  static constexpr int kDigitBits = 8;  // measured fastest of 4, 6, 8, 10 and 12 bits on the engine's hold test
  static constexpr size_t kDigits = size_t{1} << kDigitBits;
  static constexpr size_t kWords = kDigits / 64;
  static constexpr size_t kLevels = 64 / kDigitBits;
  static constexpr size_t kBuckets = kLevels * kDigits;
  static constexpr uint64_t kNone = std::numeric_limits<uint64_t>::max();

  void Insert(const Entry& e) {
    const uint64_t diff = e.key ^ last_;
    if (diff == 0) {
      front_.push_back(e);
      return;
    }
    const int level = (63 - std::countl_zero(diff)) / kDigitBits;
    const auto digit = static_cast<size_t>((e.key >> (level * kDigitBits)) & (kDigits - 1));
    const size_t b = static_cast<size_t>(level) * kDigits + digit;
    buckets_[b].push_back(e);
    if (e.key < min_[b]) min_[b] = e.key;
    level_mask_ |= 1u << level;
    digit_mask_[static_cast<size_t>(level)][digit >> 6] |= uint64_t{1} << (digit & 63);
  }

  // Takes the lowest non-empty bucket, which holds the smallest keys (lower levels agree with the last minimum
  // on more high digits; inside a level a lower digit is a smaller key), and makes its smallest key the new
  // minimum. A level-0 bucket holds one key and becomes the front as it is; the entries of a higher one fall
  // into lower levels (the minimum's into the front), all empty now, in the order they had.
  void Advance() {
    const auto level = static_cast<size_t>(std::countr_zero(level_mask_));
    std::array<uint64_t, kWords>& words = digit_mask_[level];
    size_t w = 0;
    while (words[w] == 0) ++w;
    const size_t digit = w * 64 + static_cast<size_t>(std::countr_zero(words[w]));
    words[w] &= words[w] - 1;
    while (w < kWords && words[w] == 0) ++w;
    if (w == kWords) level_mask_ &= ~(1u << level);
    const size_t b = level * kDigits + digit;
    last_ = min_[b];
    min_[b] = kNone;
    std::vector<Entry>& bucket = buckets_[b];
    // A level-0 bucket holds one key, and so does a higher one whose entries all share the minimum (a burst of
    // simultaneous events): either becomes the front as it is.
    if (level == 0 ||
        (bucket.back().key == last_ &&
         std::all_of(bucket.begin(), bucket.end(), [&](const Entry& e) { return e.key == last_; }))) {
      front_.swap(bucket);
      return;
    }
    for (const Entry& e : bucket) Insert(e);
    bucket.clear();
  }

  // A push below the last minimum: rebuild around the new minimum, keeping every entry's relative order.
  void Lower(uint64_t key) {
    std::vector<Entry> all(front_.begin() + static_cast<std::ptrdiff_t>(head_), front_.end());
    for (std::vector<Entry>& bucket : buckets_) {
      all.insert(all.end(), bucket.begin(), bucket.end());
      bucket.clear();
    }
    front_.clear();
    min_.assign(kBuckets, kNone);
    for (auto& words : digit_mask_) words.fill(0);
    level_mask_ = 0;
    head_ = 0;
    last_ = key;
    for (const Entry& e : all) Insert(e);
  }

  std::vector<Entry> front_;  // the entries whose key is the current minimum, in insertion order
  size_t head_ = 0;           // next entry of front_
  std::vector<std::vector<Entry>> buckets_ = std::vector<std::vector<Entry>>(kBuckets);
  std::vector<uint64_t> min_ = std::vector<uint64_t>(kBuckets, kNone);  // smallest key in each bucket
  std::array<std::array<uint64_t, kWords>, kLevels> digit_mask_{};      // non-empty buckets per level
  uint32_t level_mask_ = 0;                                             // levels with a non-empty bucket
  uint64_t last_ = 0;                                                   // the last minimum
  size_t size_ = 0;
};

}  // namespace fleetsim
