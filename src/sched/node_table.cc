#include "sched/node_table.h"

#include <utility>

namespace gpulet::sched {

void NodeTable::push_back(Node node) {
  if (size_ % kChunk == 0) {
    auto chunk = std::make_shared<Chunk>();
    chunk->reserve(kChunk);
    chunk->push_back(std::move(node));
    chunks_.push_back(std::move(chunk));
  } else {
    auto chunk = std::make_shared<Chunk>(*chunks_.back());
    chunk->push_back(std::move(node));
    chunks_.back() = std::move(chunk);
  }
  ++size_;
}

void NodeTable::set(size_t index, Node node) {
  auto chunk = std::make_shared<Chunk>(*chunks_[index / kChunk]);
  (*chunk)[index % kChunk] = std::move(node);
  chunks_[index / kChunk] = std::move(chunk);
}

}  // namespace gpulet::sched
