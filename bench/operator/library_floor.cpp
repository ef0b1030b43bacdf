// The resident-memory floor under `retort controller`: a process that does only what the
// controller's libraries must do before it holds a single object - one HTTPS request to the API
// server through the kube client (cpprestsdk, OpenSSL, yaml-cpp for the kubeconfig), one libpq
// connection and query, a prometheus-cpp Exposer listening - and then waits. No Retort engine,
// no informer, no object. bench/operator/operator_bench.py --library-floor reads its /proc
// figures beside the controller's, to show how much of the controller's VmRSS is the libraries'.
//
//   retort_library_floor KUBECONFIG     (DATABASE_URL in the environment, never printed)
// Prints "ready" on stdout once all three ran, then exits when stdin closes.
#include <libpq-fe.h>
#include <malloc.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
// clang-format off: the Boost.Asio under pplx/threadpool.h uses std::exchange from <utility>
#include <pplx/threadpool.h>
// clang-format on

#include "kube/api_client.hpp"
#include "kube/kubeconfig.hpp"

int main(int argc, char** argv) {
  if (argc != 2 || std::getenv("DATABASE_URL") == nullptr) {
    std::cerr << "usage: DATABASE_URL=... retort_library_floor KUBECONFIG\n";
    return 2;
  }
  // The process settings `retort controller` starts with (cli/command_controller.cpp).
  ::mallopt(M_ARENA_MAX, 2);
  crossplat::threadpool::initialize_with_threads(2);

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

  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::Exposer exposer("127.0.0.1:0", 1);
  exposer.RegisterCollectable(registry);

  std::cout << "ready " << version.value("gitVersion", "") << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  return 0;
}
