// A Job manifest in the shape the operator's Jobs have: restricted security context, the
// image never pulled, restartPolicy Never, the container's env and a podFailurePolicy given as
// YAML fragments. One place, so every e2e Job is restricted the same way.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace retort::e2e {

struct JobSpec {
  JobSpec(std::string ns_, std::string name_, std::string image_, std::vector<std::string> args_)
      : ns(std::move(ns_)),
        name(std::move(name_)),
        image(std::move(image_)),
        args(std::move(args_)) {}
  std::string ns;
  std::string name;
  std::string image;
  std::vector<std::string> args;
  std::string envYaml;           // list items at container level, e.g. "- name: X\n  value: y"
  std::string podFailurePolicy;  // the `rules:` list items, empty for none
  int backoffLimit = 0;
  bool automountToken = false;
  std::string serviceAccount;  // empty: the namespace's default
};

std::string jobManifest(const JobSpec& spec);

// Indents every line of `text` by `spaces`.
std::string indented(const std::string& text, int spaces);

}  // namespace retort::e2e
