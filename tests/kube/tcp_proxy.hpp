// A loopback TCP relay placed between a client and the API server so that a test can cut the
// connection on demand: cut() closes every relayed connection and refuses new ones until
// resume(). Bytes pass through untouched (TLS end to end), so the client cannot tell the relay
// from the server; a cut looks exactly like a network drop or an API server restart.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace retort::testing {

class TcpProxy {
 public:
  explicit TcpProxy(std::uint16_t target_port);  // target on 127.0.0.1
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::uint16_t port() const { return port_; }
  void cut();     // drop all connections, refuse new ones
  void resume();  // accept again
  std::uint64_t connections_accepted() const { return accepted_.load(); }

 private:
  void accept_loop();
  void relay(int client_fd, int server_fd);
  void close_all();

  std::uint16_t target_port_;
  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cut_{false};
  std::atomic<std::uint64_t> accepted_{0};
  std::mutex mutex_;
  std::vector<int> open_fds_;
  std::vector<std::thread> relays_;
  std::thread acceptor_;
};

}  // namespace retort::testing
