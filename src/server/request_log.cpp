#include "server/request_log.hpp"

#include "http/identity.hpp"
#include "server/connection_metrics.hpp"
#include "server/server.hpp"
#include "server/worker.hpp"

namespace certgate::server {

void fill_decision(http_log::AccessRecord& r, const tls::HandshakeOutcome& o) {
  r.sni = o.sni;
  r.identity = o.decision.identity;
  r.mapping = o.decision.mapping;
  r.verify = http_id::verify_header_value(o.verify, o.cert.has_value());
  r.fingerprint = o.cert ? o.cert->sha256_hex : "";
  r.resumed = o.resumed;
  r.chain_cached = o.chain_cached;
}

http_log::AccessRecord new_record(const ConnectionState& cs) {
  http_log::AccessRecord rec;
  rec.client = cs.client;
  fill_decision(rec, *cs.outcome);
  return rec;
}

void describe_request(http_log::AccessRecord& rec, const boost::beast::http::request_header<>& head) {
  rec.method = std::string(head.method_string());
  rec.path = std::string(head.target());
  rec.host = std::string(head[boost::beast::http::field::host]);
}

void note_let_through(http_log::AccessRecord& rec, const tls::HandshakeOutcome& o) {
  if (o.decision.would_refuse()) {
    rec.would_refuse = o.decision.status_text();
    rec.reason = o.decision.log_reason();
  } else if (!o.verify.warning.empty()) {
    rec.reason = o.verify.warning;
  }
}

// Every answered request passes here once: the access log line and the request counters.
void write_log(ConnectionState& cs, const http_log::AccessRecord& rec) {
  cs.worker->metrics().request(host_block_name(*cs.outcome), rec.status, rec.substatus);
  if (!rec.would_refuse.empty()) {
    cs.worker->metrics().would_refuse(host_block_name(*cs.outcome), cs.outcome->decision.status,
                                      cs.outcome->decision.substatus);
  }
  cs.worker->server().access_log().write(rec);
}

}  // namespace certgate::server
