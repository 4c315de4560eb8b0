#pragma once
// Phase "log": the access-log record of a request, filled as the request goes through the phases and written
// once at the end.
#include <boost/beast/http/message.hpp>

#include "http/access_log.hpp"
#include "server/connection_state.hpp"

namespace certgate::server {

// A record for this connection: client, SNI and the connection's current decision.
http_log::AccessRecord new_record(const ConnectionState& cs);
// Method, target and Host as the client sent them.
void describe_request(http_log::AccessRecord& rec, const boost::beast::http::request_header<>& head);
void write_log(ConnectionState& cs, const http_log::AccessRecord& rec);
// A request the decision lets through: what its line says of the decision. Report-only: the refusal it was spared
// (would_refuse) and its reason; admitted with something forgiven (a CRL past its nextUpdate under
// crl_expired = "warn"): the warning.
void note_let_through(http_log::AccessRecord& rec, const tls::HandshakeOutcome& outcome);

// The decision part of a record, from a handshake outcome (also for handshakes that failed).
void fill_decision(http_log::AccessRecord& rec, const tls::HandshakeOutcome& outcome);

}  // namespace certgate::server
