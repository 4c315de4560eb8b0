// certgate explain: what the gateway would do with one client certificate, step by step. Everything it
// reports comes from the code the server runs: TrustStore::verify() for the chain, core::decide() with
// its trace for the mapping, identity_headers() for the identity headers.
#include "cli/explain.hpp"

#include <iostream>
#include <memory>

#include "cli/cert_report.hpp"
#include "cli/config_flags.hpp"
#include "cli/evaluation_time.hpp"
#include "cli/explain_report.hpp"
#include "core/compiled_policy.hpp"
#include "core/host_port.hpp"
#include "core/decision.hpp"
#include "http/identity.hpp"
#include "http/identity_headers.hpp"
#include "tls/cert_info.hpp"
#include "tls/cert_loader.hpp"
#include "tls/chain_report.hpp"
#include "tls/digest.hpp"
#include "tls/host_selection.hpp"
#include "tls/trust_store.hpp"

namespace certgate::cli {
namespace {

struct ExplainOptions {
  config::Overrides overrides;
  std::string cert_file;
  std::string password;
  std::optional<std::string> host;
  std::optional<std::string> at;
  bool json = false;
};

int run_explain(const ExplainOptions& opts) {
  const auto at = evaluation_time(opts.at);
  if (!at) return kExitUsage;
  auto config = load_or_report(opts.overrides, config::Purpose::inspect);
  if (!config) return kExitUsage;

  ExplainInput input;
  input.config = &*config;
  input.requested_host = opts.host;
  std::string host_name;
  if (opts.host) {
    // A Host header pasted as is ("a.test:8443") is read as the server reads one.
    auto parsed = core::parse_host_port(*opts.host, {core::PortRule::optional, true});
    if (!parsed) {
      std::cerr << "certgate explain: --host '" << *opts.host << "': " << parsed.error << "\n";
      return kExitUsage;
    }
    host_name = parsed.value->routing_name();
  }
  input.block = &tls::host_policy_for(*config, host_name);
  // How the block's IIS files were read (fragment, location chosen, pieces merged), as check notes it.
  for (const config::ConfigNote& note : input.block->notes) {
    std::cerr << "note: " << note.where.to_string() << ": " << note.message << "\n";
  }
  input.at = *at;
  input.at_given = opts.at.has_value();
  input.cert_file = opts.cert_file;

  // Built as the server builds each host block (ServerTls::build), without the server certificate.
  const config::TlsSettings& tls_settings = input.block->tls;
  std::shared_ptr<const tls::TrustStore> trust;
  std::shared_ptr<const core::CompiledPolicy> compiled;
  tls::CertBundle bundle;
  try {
    trust = tls::TrustStore::load(tls_settings.client_ca, tls_settings.crl, tls_settings.verify_depth,
                                  tls_settings.crl_expired == config::CrlExpired::warn);
    compiled = core::CompiledPolicy::compile(input.block->mapping, tls_settings.mode, tls::digest_of_der,
                                             tls_settings.enforcement);
  } catch (const std::exception& e) {
    std::cerr << "certgate: " << e.what() << "\n";
    return kExitUsage;
  }
  try {
    bundle = tls::load_cert_bundle(opts.cert_file, opts.password);
  } catch (const tls::LoadError& e) {
    std::cerr << "certgate: " << tls::with_password_flag(e, "--password").what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "certgate: " << e.what() << "\n";
    return kExitUsage;
  }

  X509* leaf = bundle.certs.front().get();
  std::vector<X509*> sent_chain;
  for (std::size_t i = 1; i < bundle.certs.size(); ++i) sent_chain.push_back(bundle.certs[i].get());
  tls::X509StackPtr untrusted(sk_X509_new_null());
  for (X509* cert : sent_chain) {
    X509_up_ref(cert);
    sk_X509_push(untrusted.get(), cert);
  }

  input.leaf = tls::cert_info(leaf);
  for (X509* cert : sent_chain) input.sent_chain.push_back(tls::digest_of(cert).subject.rfc4514);
  input.trust = trust.get();
  input.verify = trust->verify(leaf, untrusted.get(), static_cast<std::time_t>(*at));
  input.chain = tls::chain_report(*trust, leaf, untrusted.get(), static_cast<std::time_t>(*at));

  // In mode ignore the server requests no certificate: the decision never sees one.
  const bool requested = tls_settings.mode != core::ClientCertMode::ignore;
  input.decision = core::decide(*compiled, &input.leaf.digest, input.verify, /*want_trace=*/true);
  if (input.decision.lets_through()) {
    const std::optional<core::CertDigest> presented =
        requested ? std::optional<core::CertDigest>(input.leaf.digest) : std::nullopt;
    const core::VerifyResult verify = requested ? input.verify : core::VerifyResult{};
    input.headers = h1::identity_headers(config->headers, http_id::identity_values(input.decision, presented, verify));
  }

  if (opts.json) {
    std::cout << explain_json(input).dump(2) << "\n";
  } else {
    print_explain(std::cout, input);
  }
  return input.decision.admitted ? kExitOk : kExitFinding;
}

}  // namespace

void register_explain(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<ExplainOptions>();
  CLI::App* sub = app.add_subcommand(
      "explain", "show step by step what the gateway does with a client certificate, and why (403.x / 401.2 / 200)");
  add_config_flags(*sub, opts->overrides);
  // serve's --cert is the server certificate, which explain does not need; here it is the client's.
  sub->remove_option(sub->get_option("--cert"));
  sub->add_option("--cert,--client-cert", opts->cert_file,
                  "the client certificate to explain: PEM (a chain may follow the leaf), DER, PKCS#7 (.p7b), IIS blob or PKCS#12")
      ->required();
  sub->add_option("--password", opts->password, "PKCS#12 or encrypted PEM password of --cert");
  sub->add_option("--host", opts->host, "the host name the client asks for (SNI); default: the [tls] block");
  add_at_option(*sub, opts->at);
  sub->add_flag("--json", opts->json, "machine-readable output (fields in docs/tools.md)");
  sub->footer(R"(Examples:
  certgate explain -c certgate.toml --cert edge.pem
  certgate explain --iis-config web.config --client-ca origin-pull-ca.pem --cert edge.pem
  certgate explain -c certgate.toml --cert bob.pfx --password secret --host api.example.com --json
  certgate explain --client-ca cloudflare-aop-origin-pull-ca-2015-2020-expired.pem \
                   --cert cloudflare-aop-leaf-2016-2017-expired.pem --at 2016-08-01

Takes the same configuration flags as serve; --cert names the CLIENT certificate here (serve's server
certificate is not needed). Exit status: 0 admitted, 1 refused (also when a report-only block would only log
the refusal), 2 bad configuration, file or option.)");
  sub->callback([opts, exit_code] { *exit_code = run_explain(*opts); });
}

}  // namespace certgate::cli
