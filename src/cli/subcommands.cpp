#include "cli/subcommands.hpp"

#include "cli/cert.hpp"
#include "cli/check.hpp"
#include "cli/demo.hpp"
#include "cli/explain.hpp"
#include "cli/iis.hpp"
#include "cli/pki.hpp"
#include "cli/probe.hpp"
#include "cli/report.hpp"
#include "cli/serve.hpp"

namespace certgate::cli {

void register_all(CLI::App& app, int* exit_code) {
  register_serve(app, exit_code);
  register_demo(app, exit_code);
  register_check(app, exit_code);
  register_explain(app, exit_code);
  register_cert(app, exit_code);
  register_iis(app, exit_code);
  register_probe(app, exit_code);
  register_report(app, exit_code);
  register_pki(app, exit_code);
}

}  // namespace certgate::cli
