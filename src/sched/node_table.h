// NodeTable: the node states of one ledger Snapshot, held in chunks that
// consecutive snapshots share. Publishing a change to one node copies that
// node's chunk and the list of chunks — about a hundred reference counts at
// any cluster size — where a flat list of shared pointers cost one atomic
// increment per node on publish and one decrement when the old snapshot
// died, the largest cost of a scheduling decision at a thousand nodes.
//
// A value type. Const methods are safe from many threads; a table is only
// mutated before it is published (by the ledger, under its lock), and the
// mutators never write into a chunk another table can see.
#ifndef GPULET_SCHED_NODE_TABLE_H_
#define GPULET_SCHED_NODE_TABLE_H_

#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

#include "sched/node_state.h"

namespace gpulet::sched {

class NodeTable {
 public:
  using Node = std::shared_ptr<const NodeState>;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Node& operator[](size_t index) const {
    return (*chunks_[index / kChunk])[index % kChunk];
  }

  // Copy-on-write: the chunk written is first copied.
  void push_back(Node node);
  void set(size_t index, Node node);

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Node;
    using difference_type = std::ptrdiff_t;
    using pointer = const Node*;
    using reference = const Node&;

    const_iterator() = default;
    const_iterator(const NodeTable* table, size_t index) : table_(table), index_(index) {}
    reference operator*() const { return (*table_)[index_]; }
    pointer operator->() const { return &(*table_)[index_]; }
    const_iterator& operator++() {
      ++index_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++index_;
      return before;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.index_ == b.index_;
    }

   private:
    const NodeTable* table_ = nullptr;
    size_t index_ = 0;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  static constexpr size_t kChunk = 64;
  using Chunk = std::vector<Node>;

  // Chunks are immutable once shared; only a fresh copy is written.
  std::vector<std::shared_ptr<const Chunk>> chunks_;
  size_t size_ = 0;
};

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_NODE_TABLE_H_
