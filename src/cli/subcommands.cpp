#include "cli/subcommands.hpp"

#include "cli/demo.hpp"
#include "cli/serve.hpp"

namespace certgate::cli {

void register_all(CLI::App& app, int* exit_code) {
  register_serve(app, exit_code);
  register_demo(app, exit_code);
}

}  // namespace certgate::cli
