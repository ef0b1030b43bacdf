// Client configuration: kubeconfig contexts and credential kinds, and in-cluster configuration
// with a rotating service-account token, each proven by a request to the real API server.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "kube/api_client.hpp"
#include "kube/api_error.hpp"
#include "kube/in_cluster_config.hpp"
#include "kube/kubeconfig.hpp"
#include "kube_test_support.hpp"
#include "tests/support/kube_cluster.hpp"

namespace retort::testing {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "retort-kube-config-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
  }

 private:
  fs::path path_;
};

std::string decode_base64_via_openssl(const std::string& encoded, const fs::path& dir) {
  std::ofstream(dir / "b64.in") << encoded << "\n";
  std::string cmd = "openssl base64 -d -A -in " + shell_quote((dir / "b64.in").string()) +
                    " -out " + shell_quote((dir / "b64.out").string());
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("base64 decode failed");
  std::ifstream in(dir / "b64.out");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool can_read_default_namespace(const kube::ClientConfig& config) {
  kube::ApiClient client(config);
  return client.get(kube::resources::namespaces(), "", "default")["metadata"]["name"] == "default";
}

TEST(ConfigTest, ClientCertificateAndTokenContextsBothWork) {
  const auto cert = admin_config();  // current-context: admin (client certificate)
  EXPECT_FALSE(cert.client_cert_pem.empty());
  EXPECT_FALSE(cert.ca_pem.empty());
  EXPECT_EQ(cert.default_namespace, "default");
  EXPECT_TRUE(can_read_default_namespace(cert));

  const auto token = admin_config("admin-token");
  ASSERT_TRUE(token.token);
  EXPECT_TRUE(token.client_cert_pem.empty());
  EXPECT_TRUE(can_read_default_namespace(token));
}

TEST(ConfigTest, FilesTokenFileAndInsecureSkipVerify) {
  ScratchDir dir;
  const YAML::Node original = YAML::LoadFile(KubeClusterEnvironment::cluster().kubeconfig());
  const std::string server = original["clusters"][0]["cluster"]["server"].as<std::string>();
  const std::string ca = decode_base64_via_openssl(
      original["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>(),
      dir.path());
  dir.write("ca.crt", ca);
  std::string token;
  for (const auto& user : original["users"]) {
    if (user["name"].as<std::string>() == "admin-token")
      token = user["user"]["token"].as<std::string>();
  }
  dir.write("token", token + "\n");
  dir.write("config",
            "apiVersion: v1\nkind: Config\n"
            "clusters:\n"
            "- name: files\n  cluster: {server: '" +
                server +
                "', certificate-authority: ca.crt}\n"
                "- name: insecure\n  cluster: {server: '" +
                server +
                "', insecure-skip-tls-verify: true}\n"
                "- name: untrusted\n  cluster: {server: '" +
                server +
                "'}\n"
                "users:\n- name: file-token\n  user: {tokenFile: token}\n"
                "contexts:\n"
                "- name: files\n  context: {cluster: files, user: file-token, namespace: team-a}\n"
                "- name: insecure\n  context: {cluster: insecure, user: file-token}\n"
                "- name: untrusted\n  context: {cluster: untrusted, user: file-token}\n"
                "current-context: files\n");

  const auto files = kube::load_kubeconfig(dir.path() / "config");
  EXPECT_EQ(files.default_namespace, "team-a");
  EXPECT_EQ(files.ca_pem, ca);
  EXPECT_TRUE(can_read_default_namespace(files));

  const auto insecure = kube::load_kubeconfig(dir.path() / "config", "insecure");
  EXPECT_TRUE(insecure.insecure_skip_verify);
  EXPECT_TRUE(can_read_default_namespace(insecure));

  // Without the cluster CA the server's certificate is rejected, and the error says so without
  // repeating the token.
  const auto untrusted = kube::load_kubeconfig(dir.path() / "config", "untrusted");
  try {
    can_read_default_namespace(untrusted);
    FAIL() << "an untrusted server certificate must be refused";
  } catch (const kube::TransportError& e) {
    EXPECT_EQ(std::string(e.what()).find(token), std::string::npos);
  }

  EXPECT_THROW(kube::load_kubeconfig(dir.path() / "config", "nope"), kube::ConfigError);
  EXPECT_THROW(kube::load_kubeconfig(dir.path() / "missing"), kube::ConfigError);
}

TEST(ConfigTest, InClusterConfigRereadsARotatedToken) {
  ScratchDir sa;
  const YAML::Node original = YAML::LoadFile(KubeClusterEnvironment::cluster().kubeconfig());
  sa.write("ca.crt",
           decode_base64_via_openssl(
               original["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>(),
               sa.path()));
  std::string token;
  for (const auto& user : original["users"]) {
    if (user["name"].as<std::string>() == "admin-token")
      token = user["user"]["token"].as<std::string>();
  }
  sa.write("token", "not-a-valid-token");
  sa.write("namespace", "operators\n");

  const std::string url = KubeClusterEnvironment::cluster().apiserver_url();  // https://127.0.0.1:P
  const std::string port = url.substr(url.rfind(':') + 1);
  ::setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", port.c_str(), 1);
  ASSERT_TRUE(kube::running_in_cluster(sa.path()));
  const auto config = kube::load_in_cluster_config(sa.path());
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  ::unsetenv("KUBERNETES_SERVICE_PORT");
  EXPECT_EQ(config.server, "https://127.0.0.1:" + port);
  EXPECT_EQ(config.default_namespace, "operators");

  kube::ApiClient client(config);
  try {
    client.get(kube::resources::namespaces(), "", "default");
    FAIL() << "a bad token must be refused";
  } catch (const kube::ApiError& e) {
    EXPECT_EQ(e.code(), 401);
    EXPECT_EQ(std::string(e.what()).find("not-a-valid-token"), std::string::npos);
  }
  // kubelet rotates the file in place; the same client picks the new token up.
  sa.write("token", token);
  fs::last_write_time(sa.path() / "token",
                      fs::last_write_time(sa.path() / "token") + std::chrono::seconds(2));
  EXPECT_EQ(client.get(kube::resources::namespaces(), "", "default")["metadata"]["name"],
            "default");
}

}  // namespace
}  // namespace retort::testing
