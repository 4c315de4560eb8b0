#pragma once
// Phase "revocation status online" of a connection (ocsp = "leaf" / "chain" in its host block): after the
// handshake, and after every re-decision, before the connection's next request is decided. The verify callback
// runs inside the OpenSSL handshake and cannot wait for a network answer without blocking the worker, so the
// responders are asked here, on the worker's event loop, for a chain that verified. Answers come from the
// block's cache until their nextUpdate, or from the responder (the configured ocsp_responder, else the first
// http:// OCSP URL of the certificate's authorityInfoAccess). A refusal (revoked; or, with ocsp_fail =
// "closed", a status that could not be had) decides the connection again through decide(), as a CRL would.
#include "server/connection_state.hpp"

namespace certgate::server {

// Sets cs.ocsp_valid_until (when the answers it rests on expire) and, on a refusal, the outcome's decision.
awaitable<void> check_ocsp(ConnectionState& cs);

}  // namespace certgate::server
