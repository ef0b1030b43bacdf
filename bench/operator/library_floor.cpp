// The resident-memory floor under `retort controller`: a process that does only what the
// controller's libraries must do before it holds a single object - one HTTPS request to the API
// server through the kube client (cpprestsdk, OpenSSL, yaml-cpp for the kubeconfig), one libpq
// connection and query, a civetweb server answering one /metrics scrape with a prometheus-cpp
// registry's text - and then waits. No Retort engine,
// no informer, no object. bench/operator/operator_bench.py --library-floor reads its /proc
// figures beside the controller's, to show how much of the controller's VmRSS is the libraries'.
//
//   retort_library_floor KUBECONFIG     (DATABASE_URL in the environment, never printed)
// Prints "ready" on stdout once all three ran, then exits when stdin closes.
#include <CivetServer.h>
#include <libpq-fe.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "kube/api_client.hpp"
#include "kube/kubeconfig.hpp"
#include "kube/process_footprint.hpp"

namespace {

class MetricsHandler final : public CivetHandler {
 public:
  explicit MetricsHandler(const prometheus::Registry& registry) : registry_(registry) {}
  bool handleGet(CivetServer*, mg_connection* connection) override {
    const std::string text = prometheus::TextSerializer().Serialize(registry_.Collect());
    mg_printf(connection, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    mg_write(connection, text.data(), text.size());
    return true;
  }

 private:
  const prometheus::Registry& registry_;
};

// One GET through civetweb's client, as a Prometheus scrape would come.
bool scrape(int port) {
  char error[256] = {};
  mg_connection* connection =
      mg_download("127.0.0.1", port, 0, error, sizeof error, "GET /metrics HTTP/1.0\r\n\r\n");
  if (connection == nullptr) return false;
  char body[4096];
  const bool answered = mg_read(connection, body, sizeof body) > 0;
  mg_close_connection(connection);
  return answered;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::getenv("DATABASE_URL") == nullptr) {
    std::cerr << "usage: DATABASE_URL=... retort_library_floor KUBECONFIG\n";
    return 2;
  }
  retort::kube::limit_process_footprint();  // as `retort controller` starts

  retort::kube::ApiClient client(retort::kube::load_kubeconfig(argv[1]));
  const auto version = client.request(web::http::methods::GET, "/version");

  PGconn* connection = PQconnectdb(std::getenv("DATABASE_URL"));
  if (PQstatus(connection) != CONNECTION_OK) {
    std::cerr << "retort_library_floor: cannot connect to the database\n";
    return 1;
  }
  PGresult* result = PQexec(connection, "SELECT version_num FROM alembic_version");
  const bool queried = PQresultStatus(result) == PGRES_TUPLES_OK;
  PQclear(result);
  PQfinish(connection);
  if (!queried) {
    std::cerr << "retort_library_floor: cannot read alembic_version\n";
    return 1;
  }

  prometheus::Registry registry;
  prometheus::BuildCounter().Name("floor_scrapes_total").Help("Scrapes").Register(registry).Add({});
  CivetServer server({"listening_ports", "127.0.0.1:0", "num_threads", "1"});
  MetricsHandler metrics(registry);
  server.addHandler("/metrics", metrics);
  if (!scrape(server.getListeningPorts().at(0))) {
    std::cerr << "retort_library_floor: /metrics did not answer\n";
    return 1;
  }

  std::cout << "ready " << version.value("gitVersion", "") << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  return 0;
}
