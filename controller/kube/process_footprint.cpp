#include "kube/process_footprint.hpp"

#include <malloc.h>

#include <cstddef>
#include <utility>
// clang-format off: the Boost.Asio under pplx/threadpool.h uses std::exchange from <utility>
#include <pplx/threadpool.h>
// clang-format on

namespace retort::kube {
namespace {

// cpprestsdk's I/O threads: every request and watch of the controller runs its callbacks there
// (the controller's own threads block on the results), so two keep the three watches, the
// requests and their timers moving; cpprestsdk's default is 40, each with a stack and a malloc
// arena of its own.
constexpr std::size_t kHttpIoThreads = 2;

}  // namespace

// The controller is a long-running process with about 15 threads (informers, workers, drift
// checker, HTTP servers, cpprestsdk's pool). glibc gives each allocating thread its own arena
// (up to 8 per core) and returns an arena's free memory only at its top, so memory freed on one
// thread is kept in many half-empty arenas; two arenas bound that at a small cost in lock
// contention, which a controller doing tens of reconciles a second does not feel.
void limit_process_footprint() {
  ::mallopt(M_ARENA_MAX, 2);
  crossplat::threadpool::initialize_with_threads(kHttpIoThreads);
}

}  // namespace retort::kube
