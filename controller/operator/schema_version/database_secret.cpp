#include "operator/schema_version/database_secret.hpp"

#include <cpprest/asyncrt_utils.h>

#include <vector>

#include "kube/api_error.hpp"

namespace retort::op {

DatabaseSecret readSecretUrl(const kube::Api& api, const std::string& ns, const SecretKeyRef& ref,
                             const std::string& field) {
  const std::string& name = ref.name;
  const std::string& key = ref.key;
  const std::string where = "Secret " + ns + "/" + name;
  try {
    const nlohmann::json secret = api.get(kube::resources::secrets(), ns, name);
    const auto data = secret.find("data");
    if (data == secret.end() || !data->contains(key) || !(*data)[key].is_string())
      return {"", where + " has no key \"" + key + "\" (" + field + ".secretRef.key)", true};
    const std::vector<unsigned char> bytes =
        utility::conversions::from_base64((*data)[key].get<std::string>());
    return {std::string(bytes.begin(), bytes.end()), "", false};
  } catch (const kube::ApiError& error) {
    if (error.is_not_found())
      return {"", where + " not found (" + field + ".secretRef.name)", true};
    return {"", "reading " + where + ": " + error.what(), false};
  } catch (const std::exception& error) {
    return {"", "reading " + where + ": " + error.what(), false};
  }
}

}  // namespace retort::op
