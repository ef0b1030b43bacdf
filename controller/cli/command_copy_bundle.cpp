// `retort copy-bundle DEST [--from DIR]`: copies Retort's self-contained bundle (default
// /opt/retort in the Retort image: bin/retort, bin/pg_dump, bin/pg_restore linked against the
// bundle's own lib/ and loader, and share/retort's Alembic helpers) into DEST. The operator's
// Job runs it as an init container (the Retort image has no shell, so no cp) to put Retort into
// an application image that holds an Alembic project (docs/alembic.md). Modes are kept; an
// existing file is replaced. A file that cannot be copied fails the command (exit 255) naming it.
#include <filesystem>
#include <iostream>

#include "cli/context.hpp"
#include "engine/util/errors.hpp"

namespace retort::cli {
namespace {

namespace fs = std::filesystem;

struct CopyBundleArgs {
  std::string destination;
  std::string from = "/opt/retort";
};

void runCopyBundle(const CopyBundleArgs& args) {
  std::error_code ec;
  if (!fs::is_directory(args.from, ec) || !fs::exists(fs::path(args.from) / "bin/retort", ec)) {
    throw engine::CommandError("no Retort bundle in " + args.from + " (no bin/retort there)");
  }
  fs::create_directories(args.destination, ec);
  if (ec) throw engine::CommandError("cannot create " + args.destination + ": " + ec.message());
  int files = 0;
  for (auto it = fs::recursive_directory_iterator(args.from, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    fs::path target = fs::path(args.destination) / fs::relative(it->path(), args.from);
    if (it->is_directory()) {
      fs::create_directories(target, ec);
    } else {
      fs::copy_file(it->path(), target, fs::copy_options::overwrite_existing, ec);
      if (!ec) fs::permissions(target, it->status().permissions(), ec);
      ++files;
    }
    if (ec)
      throw engine::CommandError("cannot copy " + it->path().string() + " to " + target.string() +
                                 ": " + ec.message());
  }
  if (ec) throw engine::CommandError("cannot read " + args.from + ": " + ec.message());
  std::cout << "copied " << files << " file(s) from " << args.from << " to " << args.destination
            << "\n";
}

void install(CLI::App& app, GlobalOptions&) {
  auto args = std::make_shared<CopyBundleArgs>();
  CLI::App* cmd = app.add_subcommand(
      "copy-bundle", "Copy Retort's self-contained bundle into DEST (the Job's init container).");
  cmd->add_option("destination", args->destination, "Directory to copy into")->required();
  cmd->add_option("--from", args->from, "The bundle (default: /opt/retort)");
  cmd->callback([args] { runCopyBundle(*args); });
}

}  // namespace
RETORT_COMMAND(copy_bundle, install);
}  // namespace retort::cli
