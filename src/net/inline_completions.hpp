#pragma once
// Operations done at their first attempt complete inside their initiating call instead of through the
// scheduler's queue: a posted completion costs a round trip through the reactor (an epoll_wait with no timeout)
// before the coroutine goes on. The depth is bounded per thread, so that a run of operations that all complete
// at once (a large body relayed between two sockets that never block) cannot grow the stack; past the bound the
// completion is posted as usual.
namespace certgate::net {

struct InlineCompletions {
  static constexpr int kMaxDepth = 8;
  static int& depth() {
    thread_local int d = 0;
    return d;
  }
  static bool enter() {
    if (depth() >= kMaxDepth) return false;
    ++depth();
    return true;
  }
  static void leave() { --depth(); }
};

}  // namespace certgate::net
