// The process settings of a long-running client of this library (`retort controller`): two
// cpprestsdk I/O threads instead of its default 40, and two malloc arenas. Call it first in
// main's path, before any thread is started and before the first HTTP request.
#pragma once

namespace retort::kube {

void limit_process_footprint();

}  // namespace retort::kube
