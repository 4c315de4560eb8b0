// certgate cert show / convert: a certificate file in every form an operator meets (PEM, DER, the IIS
// one-line blob, PKCS#12), read by the same loader the gateway uses.
#include "cli/cert.hpp"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "cli/cert_report.hpp"
#include "cli/config_flags.hpp"
#include "cli/evaluation_time.hpp"
#include "config/cert_text.hpp"
#include "core/time_text.hpp"
#include "tls/cert_info.hpp"
#include "tls/cert_loader.hpp"

namespace certgate::cli {
namespace {

struct CertOptions {
  std::string file;
  std::string password;
  bool json = false;
  std::optional<std::string> at;
  std::string to;
  std::optional<std::string> output;
};

std::optional<tls::CertBundle> load_or_report(const CertOptions& opts) {
  try {
    return tls::load_cert_bundle(opts.file, opts.password);
  } catch (const tls::LoadError& e) {
    std::cerr << "certgate: " << tls::with_password_flag(e, "--password").what() << "\n";
    return std::nullopt;
  } catch (const std::exception& e) {
    std::cerr << "certgate: " << e.what() << "\n";
    return std::nullopt;
  }
}

int run_show(const CertOptions& opts) {
  const auto now = evaluation_time(opts.at);
  if (!now) return kExitUsage;
  const auto bundle = load_or_report(opts);
  if (!bundle) return kExitUsage;

  const std::size_t count = bundle->certs.size();
  if (opts.json) {
    nlohmann::ordered_json certificates = nlohmann::ordered_json::array();
    for (const tls::X509Ptr& cert : bundle->certs) certificates.push_back(cert_json(tls::cert_info(cert.get()), *now));
    nlohmann::ordered_json out = {{"file", opts.file},
                          {"evaluated_at", core::format_utc(*now)},
                          {"has_private_key", bundle->key != nullptr},
                          {"certificates", std::move(certificates)}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) std::cout << "\n";
    std::cout << "Certificate " << (i + 1) << " of " << count;
    if (count > 1) std::cout << (i == 0 ? " (leaf)" : " (chain)");
    std::cout << "\n";
    print_cert(std::cout, tls::cert_info(bundle->certs[i].get()), *now, "  ");
  }
  if (bundle->key) std::cout << "\nThe file also holds a private key (not shown).\n";
  return kExitOk;
}

// Only PEM carries a chain; DER and the IIS blob are one certificate (the leaf), as IIS maps one.
std::string converted(const tls::CertBundle& bundle, const std::string& to) {
  if (to == "pem") {
    std::string pem;
    for (const tls::X509Ptr& cert : bundle.certs) pem += tls::to_pem(cert.get());
    return pem;
  }
  const std::string der = tls::to_der(bundle.certs.front().get());
  return to == "der" ? der : config::base64_encode(der) + "\n";
}

int run_convert(const CertOptions& opts) {
  if (opts.to == "der" && !opts.output && ::isatty(STDOUT_FILENO) == 1) {
    std::cerr << "certgate: refusing to write binary DER to a terminal; use -o FILE or redirect the output\n";
    return kExitUsage;
  }
  const auto bundle = load_or_report(opts);
  if (!bundle) return kExitUsage;
  if (bundle->certs.size() > 1 && opts.to != "pem") {
    std::cerr << "certgate: " << opts.file << " holds " << bundle->certs.size()
              << " certificates; only the first (the leaf) is converted to " << opts.to << "\n";
  }
  if (bundle->key) std::cerr << "certgate: the private key in " << opts.file << " is not converted\n";

  const std::string bytes = converted(*bundle, opts.to);
  if (!opts.output) {
    std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::cout.flush();
    return std::cout ? kExitOk : kExitUsage;
  }
  std::ofstream out(*opts.output, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::cerr << "certgate: cannot write " << *opts.output << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace

void register_cert(CLI::App& app, int* exit_code) {
  CLI::App* cert = app.add_subcommand("cert", "show or convert a certificate (PEM, DER, IIS blob, PKCS#12)");
  cert->require_subcommand(1);
  cert->footer(R"(Examples:
  certgate cert show edge.pem
  certgate cert show edge.pfx --password secret --json
  certgate cert convert edge.pem --to iis-blob)");

  auto show_opts = std::make_shared<CertOptions>();
  CLI::App* show = cert->add_subcommand("show", "subject, issuer, SANs, key, EKU, validity, fingerprints, IIS blob");
  show->add_option("file", show_opts->file, "certificate file: PEM (a chain may follow), DER, PKCS#7 (.p7b), IIS blob or PKCS#12")
      ->required();
  show->add_option("--password", show_opts->password, "PKCS#12 or encrypted PEM password");
  show->add_flag("--json", show_opts->json, "machine-readable output (fields in docs/tools.md)");
  add_at_option(*show, show_opts->at);
  show->footer(R"(Examples:
  certgate cert show cloudflare-aop-leaf.pem
  certgate cert show edge.pfx --password secret
  certgate cert show edge.pem --json | jq -r '.certificates[0].iis_blob'
  certgate cert show ca.pem --at 2029-10-01      # days left as of that date

Exit status: 0 shown, 2 unreadable file or bad option.)");
  show->callback([show_opts, exit_code] { *exit_code = run_show(*show_opts); });

  auto convert_opts = std::make_shared<CertOptions>();
  CLI::App* convert = cert->add_subcommand("convert", "write a certificate as PEM, DER or the IIS one-line blob");
  convert->add_option("file", convert_opts->file, "certificate file: PEM, DER, PKCS#7 (.p7b), IIS blob or PKCS#12")->required();
  convert->add_option("--to", convert_opts->to, "output format: pem | der | iis-blob")
      ->required()
      ->check(CLI::IsMember({"pem", "der", "iis-blob"}));
  convert->add_option("-o,--output", convert_opts->output, "write to this file (default: standard output)");
  convert->add_option("--password", convert_opts->password, "PKCS#12 or encrypted PEM password");
  convert->footer(R"(Examples:
  certgate cert convert edge.pem --to iis-blob          # paste into <oneToOneMappings certificate="...">
  certgate cert convert edge.pfx --password s --to pem -o edge.pem
  certgate cert convert blob.txt --to der -o edge.der

PEM keeps the whole chain; DER and iis-blob hold the first certificate only. Private keys are never written.
DER goes to standard output only when it is not a terminal.
Exit status: 0 written, 2 unreadable file, bad option or write error.)");
  convert->callback([convert_opts, exit_code] { *exit_code = run_convert(*convert_opts); });
}

}  // namespace certgate::cli
