#pragma once
// Phase "apply the connection's decision". The certificate is decided once, at the handshake (or taken from the
// resumed session), and every request of the connection is admitted or refused by that decision. It does not
// outlive the policy it was taken under: before each request the decision is taken again — the certificate and
// the chain the client sent verified now, against the current configuration's anchors and CRLs, and decided by
// its mappings, with the same code as a handshake — when the configuration was reloaded since, or when a
// certificate of the chain, an anchor or a CRL of the block reached its notAfter / nextUpdate, or an OCSP
// answer it rests on its nextUpdate.
#include "server/connection_state.hpp"

namespace certgate::server {

// After the handshake: renders the identity headers of the decision and sets when it expires.
void adopt_decision(ConnectionState& cs);

// After the handshake, before the first request: the OCSP check of the block (check_ocsp: the handshake could
// not wait for a responder), then adopt_decision().
awaitable<void> complete_decision(ConnectionState& cs);

// Before each request: decides again when the decision is stale (OCSP included, check_ocsp). True when it was
// taken again.
awaitable<bool> refresh_decision(ConnectionState& cs);

// Whether the connection must close after this request: max_requests_per_connection or max_connection_age
// reached, or the worker is draining.
bool last_request_on_connection(const ConnectionState& cs);

// The verified edge: a certificate that verified and was admitted. Only it may name the request id and the
// client's address.
bool verified_edge(const ConnectionState& cs);

}  // namespace certgate::server
