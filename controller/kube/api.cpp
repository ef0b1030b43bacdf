#include "kube/api.hpp"

#include "kube/object_key.hpp"

namespace retort::kube {

std::string Api::list_pages(const Resource& resource, std::string_view ns, ListOptions options,
                            std::int64_t page_size, const pplx::cancellation_token& cancel,
                            const std::function<void(ObjectList& page)>& on_page) const {
  options.limit = page_size;
  options.continue_token.clear();
  for (;;) {
    ObjectList page = list(resource, ns, options, cancel);
    on_page(page);
    if (page.continue_token.empty()) return page.resource_version;
    // A continued list is pinned to the first page's snapshot; the server rejects a
    // resourceVersion next to continue.
    options.continue_token = std::move(page.continue_token);
    options.resource_version.clear();
  }
}

ObjectList Api::list_all(const Resource& resource, std::string_view ns, ListOptions options,
                         std::int64_t page_size, const pplx::cancellation_token& cancel) const {
  ObjectList all;
  all.resource_version =
      list_pages(resource, ns, std::move(options), page_size, cancel, [&](ObjectList& page) {
        for (auto& item : page.items) all.items.push_back(std::move(item));
      });
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
