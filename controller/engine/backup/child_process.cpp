#include "engine/backup/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace retort::engine::backup {

ChildResult runChild(const std::vector<std::string>& argv, const ChildOptions& options) {
  ChildResult result;
  int errPipe[2], outPipe[2] = {-1, -1};
  if (::pipe2(errPipe, O_CLOEXEC) != 0) {
    result.stderrText = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  if (options.captureStdout && ::pipe2(outPipe, O_CLOEXEC) != 0) {
    ::close(errPipe[0]);
    ::close(errPipe[1]);
    result.stderrText = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  // Build argv and envp before fork: the child may only call async-signal-safe functions.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> envStrings;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    std::string key = entry.substr(0, entry.find('='));
    if (!options.environment.count(key)) envStrings.push_back(entry);
  }
  for (const auto& [key, value] : options.environment) envStrings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& e : envStrings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) {
    result.stderrText = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    ::dup2(errPipe[1], 2);
    if (options.captureStdout) {
      ::dup2(outPipe[1], 1);
    } else {
      int null = ::open("/dev/null", O_WRONLY);
      if (null >= 0) ::dup2(null, 1);
    }
    if (!options.workingDirectory.empty() && ::chdir(options.workingDirectory.c_str()) != 0) {
      const char* msg = "cannot change to the working directory\n";
      (void)!::write(2, msg, std::strlen(msg));
      ::_exit(127);
    }
    ::execvpe(args[0], args.data(), envp.data());
    const char* msg = "cannot execute ";
    (void)!::write(2, msg, std::strlen(msg));
    (void)!::write(2, args[0], std::strlen(args[0]));
    ::_exit(127);
  }
  ::close(errPipe[1]);
  if (outPipe[1] >= 0) ::close(outPipe[1]);

  auto lastTick = std::chrono::steady_clock::now();
  std::vector<pollfd> fds = {{errPipe[0], POLLIN, 0}};
  if (outPipe[0] >= 0) fds.push_back({outPipe[0], POLLIN, 0});
  char buffer[8192];
  size_t open = fds.size();
  while (open > 0) {
    int ready = ::poll(fds.data(), fds.size(), 250);
    if (ready < 0 && errno != EINTR) break;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? result.stderrText : result.stdoutText).append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (options.onTick &&
        std::chrono::duration<double>(now - lastTick).count() >= options.tickSeconds) {
      lastTick = now;
      options.onTick();
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace retort::engine::backup
