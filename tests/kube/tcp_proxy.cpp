#include "tcp_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace retort::testing {
namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

TcpProxy::TcpProxy(std::uint16_t target_port) : target_port_(target_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback(0);
  if (listen_fd_ < 0 ||
      ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 64) != 0 || ::pipe(wake_pipe_) != 0) {
    throw std::runtime_error("tcp proxy: cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  const char byte = 0;
  (void)!::write(wake_pipe_[1], &byte, 1);
  acceptor_.join();
  close_all();
  for (auto& relay_thread : relays_) relay_thread.join();
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

void TcpProxy::close_all() {
  std::lock_guard lock(mutex_);
  // shutdown() wakes the relay threads blocked in poll(); they close the descriptors.
  for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
}

void TcpProxy::cut() {
  cut_ = true;
  close_all();
}

void TcpProxy::resume() {
  cut_ = false;
}

void TcpProxy::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (stopping_) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    if (cut_) {
      ::close(client);  // refused: the client sees a reset connection
      continue;
    }
    const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in target = loopback(target_port_);
    if (server < 0 || ::connect(server, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
      ::close(client);
      if (server >= 0) ::close(server);
      continue;
    }
    ++accepted_;
    std::lock_guard lock(mutex_);
    open_fds_.push_back(client);
    open_fds_.push_back(server);
    relays_.emplace_back([this, client, server] { relay(client, server); });
  }
}

void TcpProxy::relay(int client_fd, int server_fd) {
  char buffer[16384];
  for (;;) {
    pollfd fds[2] = {{client_fd, POLLIN, 0}, {server_fd, POLLIN, 0}};
    if (::poll(fds, 2, 500) < 0) break;
    if (stopping_) break;
    bool done = false;
    for (int i = 0; i < 2 && !done; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        done = true;
        break;
      }
      const int out = i == 0 ? server_fd : client_fd;
      ssize_t written = 0;
      while (written < n) {
        const ssize_t w =
            ::send(out, buffer + written, static_cast<std::size_t>(n - written), MSG_NOSIGNAL);
        if (w <= 0) {
          done = true;
          break;
        }
        written += w;
      }
    }
    if (done) break;
  }
  ::shutdown(client_fd, SHUT_RDWR);
  ::shutdown(server_fd, SHUT_RDWR);
  std::lock_guard lock(mutex_);
  open_fds_.erase(std::remove_if(open_fds_.begin(), open_fds_.end(),
                                 [&](int fd) { return fd == client_fd || fd == server_fd; }),
                  open_fds_.end());
  ::close(client_fd);
  ::close(server_fd);
}

}  // namespace retort::testing
