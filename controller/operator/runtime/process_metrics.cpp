#include "operator/runtime/process_metrics.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace retort::op {
namespace {

prometheus::MetricFamily family(const char* name, const char* help, prometheus::MetricType type,
                                double value) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter)
    metric.counter.value = value;
  else
    metric.gauge.value = value;
  f.metric.push_back(metric);
  return f;
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  // /proc/self/stat: fields after the parenthesised command; utime, stime (14, 15),
  // starttime (22), vsize (23), rss pages (24).
  std::ifstream statFile("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(statFile)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return families;
  std::istringstream fields(stat.substr(close + 2));
  std::vector<std::string> f;
  for (std::string field; fields >> field;) f.push_back(field);
  if (f.size() < 22) return families;  // f[0] is field 3 (state)
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double pageSize = static_cast<double>(::sysconf(_SC_PAGESIZE));
  const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  const double startTicks = std::stod(f[19]);
  const double vsize = std::stod(f[20]);
  const double rss = std::stod(f[21]) * pageSize;
  double bootTime = 0;
  std::ifstream procStat("/proc/stat");
  for (std::string line; std::getline(procStat, line);)
    if (line.rfind("btime ", 0) == 0) bootTime = std::stod(line.substr(6));
  std::size_t fds = 0;
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error))
    ++fds;

  using prometheus::MetricType;
  families.push_back(family("process_cpu_seconds_total",
                            "Total user and system CPU time in seconds", MetricType::Counter, cpu));
  families.push_back(family("process_resident_memory_bytes", "Resident memory size in bytes",
                            MetricType::Gauge, rss));
  families.push_back(family("process_virtual_memory_bytes", "Virtual memory size in bytes",
                            MetricType::Gauge, vsize));
  families.push_back(family("process_start_time_seconds",
                            "Start time of the process since unix epoch in seconds",
                            MetricType::Gauge, bootTime + startTicks / ticks));
  families.push_back(family("process_open_fds", "Number of open file descriptors",
                            MetricType::Gauge, static_cast<double>(fds)));
  return families;
}

}  // namespace retort::op
