#pragma once
// What an operator does after `certgate pki issue` or `retire`: the Cloudflare API calls (curl lines with
// $ZONE_ID, $CLOUDFLARE_API_TOKEN and $CERT_ID placeholders; no secret on the terminal: the upload body is
// read from its 0600 file) and the certgate [[host]] block that trusts the directory's bundle and pins every
// active edge certificate of the hostname.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tls/pki_store.hpp"

namespace certgate::cli {

struct NextStepsOptions {
  std::string user = "cloudflare-edge";
  bool enforce = false;
};

// The upload body Cloudflare wants: {"certificate": LEAF PEM, "private_key": KEY PEM}.
std::string upload_body(const std::string& leaf_pem, const std::string& key_pem);
// The enable body: {"config": [{"hostname": H, "cert_id": CERT_ID, "enabled": true}]}.
nlohmann::ordered_json enable_body(const std::string& hostname, const std::string& cert_id);

// The [[host]] block for a hostname (its active edge certificates, in notBefore order).
std::string host_block(const std::string& bundle_path, const std::string& hostname,
                       const std::vector<tls::PkiEntry>& edges, const NextStepsOptions& options);

// The steps as one JSON object (schema in docs/tools.md) and as text. `uploaded` is the new certificate to
// upload (nullptr after a retire).
nlohmann::ordered_json next_steps_json(const tls::PkiStore& store, const std::string& hostname,
                                       const tls::PkiEntry* uploaded, const NextStepsOptions& options);
std::string next_steps_text(const nlohmann::ordered_json& steps);

}  // namespace certgate::cli
