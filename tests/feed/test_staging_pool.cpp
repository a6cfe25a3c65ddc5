// The staging pool: blocks rounded up to powers of two, carved from shared slabs, reused after
// they are given back, recognised by owns(), slabs released once pool and blocks are gone.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "host/core/staging_pool.hpp"

namespace hashsieve {
namespace {

struct CountingAllocator {
  int live = 0, calls = 0;
  SlabAllocator make() {
    return SlabAllocator{[this](size_t n) {
                           ++live;
                           ++calls;
                           return std::malloc(n);
                         },
                         [this](void* p) {
                           --live;
                           std::free(p);
                         }};
  }
};

TEST(StagingPool, BlocksAreRoundedCarvedFromOneSlabAndReused) {
  CountingAllocator a;
  {
    auto pool = std::make_shared<StagingPool>(a.make());
    StagingPool::Block b1 = pool->take(100);
    EXPECT_EQ(b1.size(), StagingPool::kMinBlock);
    StagingPool::Block b2 = pool->take(StagingPool::kMinBlock + 1);
    EXPECT_EQ(b2.size(), 2 * StagingPool::kMinBlock);
    std::set<uint8_t*> seen;
    std::vector<StagingPool::Block> small;
    for (int i = 0; i < 100; ++i) {
      small.push_back(pool->take(1000));
      EXPECT_TRUE(seen.insert(small.back().data()).second) << "block handed out twice";
    }
    EXPECT_EQ(a.calls, 2);  // one slab per size
    EXPECT_TRUE(pool->owns(b2.data(), b2.size()));
    EXPECT_TRUE(pool->owns(b1.data() + 10, 20));
    const int local = 0;
    EXPECT_FALSE(pool->owns(&local, sizeof(local)));
    uint8_t* again = b1.data();
    b1 = StagingPool::Block();  // give it back: the next take of that size reuses it
    EXPECT_EQ(pool->take(StagingPool::kMinBlock).data(), again);
    EXPECT_EQ(a.calls, 2);
    pool.reset();  // blocks still out keep the slabs alive
    EXPECT_EQ(a.live, 2);
    small[0].data()[0] = 1;
  }
  EXPECT_EQ(a.live, 0);
}

TEST(StagingPool, ALargeFrameGetsASlabOfItsOwn) {
  CountingAllocator a;
  StagingPool pool(a.make());
  const size_t big = StagingPool::kSlabBytes + 1;
  StagingPool::Block b = pool.take(big);
  EXPECT_GE(b.size(), big);
  EXPECT_EQ(pool.slabBytes(), b.size());
  EXPECT_FALSE(pool.owns(b.data(), b.size() + 1));
}

}  // namespace
}  // namespace hashsieve
