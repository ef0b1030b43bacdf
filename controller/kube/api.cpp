#include "kube/api.hpp"

#include "kube/object_key.hpp"

namespace retort::kube {

ObjectList Api::list_all(const Resource& resource, std::string_view ns, ListOptions options,
                         std::int64_t page_size, const pplx::cancellation_token& cancel) const {
  options.limit = page_size;
  options.continue_token.clear();
  ObjectList all = list(resource, ns, options, cancel);
  while (!all.continue_token.empty()) {
    // A continued list is pinned to the first page's snapshot; the server rejects a
    // resourceVersion next to continue.
    options.continue_token = all.continue_token;
    options.resource_version.clear();
    ObjectList page = list(resource, ns, options, cancel);
    for (auto& item : page.items) all.items.push_back(std::move(item));
    all.continue_token = page.continue_token;
    all.resource_version = page.resource_version;
  }
  return all;
}

nlohmann::json Api::apply(const Resource& resource, std::string_view ns,
                          const nlohmann::json& object, const std::string& field_manager,
                          bool force) const {
  return do_patch(resource, ns, required_name(object), PatchType::Apply, object,
                  {field_manager, force}, /*status=*/false);
}

nlohmann::json Api::apply_status(const Resource& resource, std::string_view ns,
                                 const nlohmann::json& object, const std::string& field_manager,
                                 bool force) const {
  return do_patch(resource, ns, required_name(object), PatchType::Apply, object,
                  {field_manager, force}, /*status=*/true);
}

}  // namespace retort::kube
