#include "cli/pki_next_steps.hpp"

#include "config/toml_writer.hpp"

namespace certgate::cli {
namespace {

const char* const kApiBase = "https://api.cloudflare.com/client/v4";

// A word for a POSIX shell, in single quotes.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A JSON text inside double quotes for a shell, so that $CERT_ID expands and nothing else does.
std::string shell_double_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '`') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string curl(const std::string& method, const std::string& path, const std::string& data_argument) {
  std::string line = "curl -sS -X " + method + " \"" + std::string(kApiBase) + path + "\" \\\n" +
                     "  -H \"Authorization: Bearer $CLOUDFLARE_API_TOKEN\" \\\n" +
                     "  -H \"Content-Type: application/json\"";
  if (!data_argument.empty()) line += " \\\n  --data " + data_argument;
  return line;
}

nlohmann::ordered_json step(const std::string& name, const std::string& what, const std::string& method,
                            const std::string& path) {
  return {{"name", name}, {"what", what}, {"method", method}, {"path", path}};
}

}  // namespace

std::string upload_body(const std::string& leaf_pem, const std::string& key_pem) {
  nlohmann::ordered_json body = {{"certificate", leaf_pem}, {"private_key", key_pem}};
  return body.dump() + "\n";
}

nlohmann::ordered_json enable_body(const std::string& hostname, const std::string& cert_id) {
  return {{"config", nlohmann::ordered_json::array({{{"hostname", hostname}, {"cert_id", cert_id}, {"enabled", true}}})}};
}

std::string host_block(const std::string& bundle_path, const std::string& hostname,
                       const std::vector<tls::PkiEntry>& edges, const NextStepsOptions& options) {
  using config::toml_string;
  std::string t = "[[host]]\n";
  t += "names = [" + toml_string(hostname) + "]\n";
  t += "client_ca = [" + toml_string(bundle_path) + "]\n";
  t += "mode = \"require\"\n";
  if (options.enforce)
    t += "enforce = true\n";
  else
    t += "enforce = false   # report-only first (see docs/cloudflare.md); true once `certgate report` says safe to "
         "enforce\n";
  for (const tls::PkiEntry& e : edges) {
    t += "[[host.mapping.one_to_one]]\n";
    t += "name = " + toml_string("cloudflare-edge-" + e.id) + "\n";
    t += "user = " + toml_string(options.user) + "\n";
    t += "certificate = " + toml_string(e.cert_path) + "\n";
  }
  return t;
}

nlohmann::ordered_json next_steps_json(const tls::PkiStore& store, const std::string& hostname,
                                       const tls::PkiEntry* uploaded, const NextStepsOptions& options) {
  const std::vector<tls::PkiEntry> edges = store.active_edges(hostname);
  nlohmann::ordered_json steps = nlohmann::ordered_json::array();

  // Cloudflare's per-hostname guide: the zone's Authenticated Origin Pulls setting must be on as well.
  auto zone = step("zone_setting", "turn on Authenticated Origin Pulls for the zone (per-hostname AOP needs it)",
                   "PATCH", "/zones/$ZONE_ID/settings/tls_client_auth");
  zone["body"] = {{"value", "on"}};
  zone["curl"] = curl("PATCH", zone["path"], shell_quote(zone["body"].dump()));
  steps.push_back(zone);

  if (uploaded != nullptr) {
    // The leaf only: Cloudflare presents this certificate to the origin, which holds the CA already.
    auto upload = step("upload", "upload the edge certificate and its key; the response's result.id is $CERT_ID",
                       "POST", "/zones/$ZONE_ID/origin_tls_client_auth/hostnames/certificates");
    upload["body_file"] = uploaded->upload_body_path;
    upload["curl"] = curl("POST", upload["path"], shell_quote("@" + uploaded->upload_body_path));
    upload["response_id"] = "result.id";
    steps.push_back(upload);
  }

  auto enable = step("enable", "send the certificate for " + hostname, "PUT", "/zones/$ZONE_ID/origin_tls_client_auth/hostnames");
  enable["body"] = enable_body(hostname, "$CERT_ID");
  enable["curl"] = curl("PUT", enable["path"], shell_double_quote(enable["body"].dump()));
  steps.push_back(enable);

  nlohmann::ordered_json out;
  out["hostname"] = hostname;
  out["certificate"] = uploaded != nullptr ? nlohmann::ordered_json(uploaded->id) : nlohmann::ordered_json(nullptr);
  out["api_base"] = kApiBase;
  out["cloudflare"] = steps;
  nlohmann::ordered_json mapped = nlohmann::ordered_json::array();
  for (const tls::PkiEntry& e : edges) mapped.push_back(e.id);
  out["config"] = {{"client_ca", store.bundle_path()},
                   {"mapped", mapped},
                   {"toml", host_block(store.bundle_path(), hostname, edges, options)}};
  return out;
}

std::string next_steps_text(const nlohmann::ordered_json& steps) {
  std::string t = "Next steps for " + steps["hostname"].get<std::string>() + "\n\n";
  t += "Cloudflare (set ZONE_ID and CLOUDFLARE_API_TOKEN first):\n\n";
  int n = 1;
  for (const auto& s : steps["cloudflare"]) {
    t += "# " + std::to_string(n++) + ". " + s["what"].get<std::string>() + "\n";
    t += s["curl"].get<std::string>() + "\n";
    if (s["name"] == "upload") t += "CERT_ID=...   # the response's result.id\n";
    t += "\n";
  }
  t += "certgate configuration (then reload):\n\n";
  t += steps["config"]["toml"].get<std::string>();
  return t;
}

}  // namespace certgate::cli
