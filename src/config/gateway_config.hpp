#pragma once
// The whole gateway configuration, as loaded from TOML (and/or IIS XML) plus command-line overrides.
// Plain data; validated by the loaders; compiled into runtime state by the server at start-up.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/mapping_policy.hpp"
#include "core/source_pos.hpp"

namespace certgate::config {

using Millis = std::chrono::milliseconds;

struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1", "0.0.0.0", "::"
  std::uint16_t port = 0;
  core::SourcePos where;
};

// What a CRL past its nextUpdate does to the certificates it covers: refuse them (403.16, "CRL expired"), or
// admit them with a warning (the revocations it lists still count). docs/config.md, crl_expired.
enum class CrlExpired { refuse, warn };

// Online revocation checking of client certificates (OCSP, RFC 6960): which certificates of a verified chain
// are asked about, and what an answer that cannot be had means.
enum class OcspMode { off, leaf, chain };
enum class OcspFail { closed, open };

// TLS settings of one host block. Empty fields of a [[host]] block inherit from [tls].
struct TlsSettings {
  std::string cert_file;                 // server certificate chain (PEM), leaf first
  std::string key_file;                  // server private key (PEM)
  std::vector<std::string> client_ca;    // trust anchors: PEM/DER files or directories of them
  std::vector<std::string> crl;          // CRL files (PEM or DER)
  CrlExpired crl_expired = CrlExpired::refuse;
  core::ClientCertMode mode = core::ClientCertMode::require;
  core::SourcePos mode_where;            // what set the mode: the TOML key, --mode or <access sslFlags>; empty = default
  int verify_depth = 2;                  // intermediates allowed between leaf and anchor
  std::string min_version = "1.2";       // "1.2" or "1.3"
  OcspMode ocsp = OcspMode::off;
  std::string ocsp_responder;            // "http://host[:port][/path]"; "" = each certificate's AIA
  OcspFail ocsp_fail = OcspFail::closed;
  Millis ocsp_timeout{3'000};            // one lookup: connect, request and response
  // ALPN protocols offered, in the server's order of preference: "h2" and/or "http/1.1". A client that offers
  // none of them speaks HTTP/1.1 (as without ALPN). docs/config.md, alpn.
  std::vector<std::string> alpn{"h2", "http/1.1"};
  core::SourcePos alpn_where;
  // false = report-only: every request is decided as usual, and one that would be refused goes on, with
  // would_refuse in its log line (docs/config.md, enforce). --report-only sets it false for every block.
  core::Enforcement enforcement = core::Enforcement::enforce;
  core::SourcePos enforce_where;         // the TOML key or --report-only; empty = default
  core::SourcePos where;
};

struct IisSource {
  std::vector<std::string> files;       // applicationHost.config and/or web.config files, from the server down
  std::optional<std::string> location;  // the path to read; "" = the top level; nullopt = the one with a section
};

// Something worth telling about how the configuration was read (`certgate check` prints it as a note).
struct ConfigNote {
  core::SourcePos where;
  std::string message;
};

struct HostPolicy {
  std::string name;                       // label for logs: first server name, or "default"
  std::vector<std::string> server_names;  // exact names or "*.example.com"; empty for the default block
  TlsSettings tls;
  core::MappingPolicy mapping;
  std::optional<IisSource> iis;           // mapping (and mode, from sslFlags) read from IIS XML
  std::vector<ConfigNote> notes;          // how the IIS files were read (fragments, location chosen, merge)
  std::string upstream;                   // [[host]] upstream: a name of [upstreams.NAME]; "" = [upstream]
  core::SourcePos upstream_where;
  core::SourcePos where;
};

// One server of an upstream: "http://host:port" or "https://host:port" (upstream_url.hpp).
struct UpstreamServer {
  std::string url;
  std::string host;         // IPv6 without brackets
  std::uint16_t port = 0;
  core::SourcePos where;
};

enum class Balance { round_robin, least_conn };

// What the upstream speaks: HTTP/1.1 (pooled connections), or HTTP/2 (gRPC): over https with ALPN "h2", over
// http with prior knowledge (h2c) to loopback servers only. docs/config.md, protocol.
enum class UpstreamProtocol { http1, h2 };

// The optional active check of an upstream's servers: GET path, expecting 2xx.
struct HealthCheck {
  std::string path = "/";
  Millis interval{5'000};
  Millis timeout{2'000};
};

// [upstream] (the default upstream, name "default") or one [upstreams.NAME].
struct UpstreamConfig {
  std::string name = "default";
  std::string url;          // the first server's URL: "http://host:port" or "https://host:port"
  bool tls = false;         // every server has the scheme of the first
  std::string host;         // the first server's
  std::uint16_t port = 0;
  std::vector<UpstreamServer> servers;  // [upstream] url is one server; filled by finish_document
  Balance balance = Balance::round_robin;
  Millis fail_timeout{10'000};  // a server that failed max_fails times in a row is skipped this long
  int max_fails = 1;
  std::optional<HealthCheck> health_check;
  std::string ca_file;      // https: trust anchors for the upstream's certificate ("" = system default)
  bool verify = true;       // https: verify the upstream certificate
  std::string server_name;  // https: SNI and name to verify ("" = host)
  std::size_t max_idle_per_worker = 32;
  // Protocols a client may switch to through Upgrade (lower case). Anything else is proxied as a plain request:
  // an upgraded connection is a raw tunnel in which later requests skip every check.
  std::vector<std::string> upgrade{"websocket"};
  UpstreamProtocol protocol = UpstreamProtocol::http1;
  core::SourcePos where;
};

struct Limits {
  Millis handshake_timeout{10'000};
  Millis header_timeout{10'000};           // time to receive a complete request head
  // Keep-alive wait between requests: longer than the 900 s Cloudflare keeps an idle connection to an origin,
  // so that the edge never sends a request on a connection certgate is closing (a 520 for the visitor).
  Millis idle_timeout{930'000};
  Millis body_timeout{60'000};             // no progress on a body for this long -> 408 / abort
  std::uint64_t body_min_rate = 1024;      // bytes/s a body must average after its first body_timeout; 0 = off
  Millis upstream_connect_timeout{5'000};
  Millis upstream_response_timeout{60'000};
  Millis drain_timeout{10'000};            // SIGTERM: how long in-flight requests may finish
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_response_header_bytes = 64 * 1024;  // upstream response head (large Set-Cookie sets)
  std::uint64_t max_requests_per_connection = 10'000;  // then Connection: close
  Millis max_connection_age{3'600'000};                // then Connection: close after the current request
  std::uint64_t max_body_bytes = 100ull * 1024 * 1024;
  std::size_t max_connections = 10'000;    // per process
  std::size_t session_cache = 20'480;      // TLS sessions kept per host block for resumption; 0 = none
  std::size_t verified_chain_cache = 256;  // client chains whose verification and decision a host block keeps; 0 = none
  Millis crl_check_interval{5'000};        // how often the CRL files are looked at for changes; 0 = never
  Millis crl_warn_before{86'400'000};      // warn this long before a CRL's nextUpdate; 0 = only once it passed
  // HTTP/2 (docs/config.md, "HTTP/2"). The header list a stream may send is max_header_bytes (advertised as
  // SETTINGS_MAX_HEADER_LIST_SIZE); a stream with no progress for body_timeout is reset; a connection with no
  // open stream closes after idle_timeout (header_timeout before its first request).
  std::uint32_t h2_max_concurrent_streams = 128;     // SETTINGS_MAX_CONCURRENT_STREAMS
  std::uint32_t h2_header_table_size = 4096;         // HPACK table the client's encoder may use
  std::uint32_t h2_stream_window = 256 * 1024;       // request body bytes buffered per stream (initial window)
  std::uint32_t h2_connection_window = 1024 * 1024;  // request body bytes buffered per connection
  std::uint32_t h2_max_continuations = 8;            // CONTINUATION frames after one HEADERS (then GOAWAY)
  // Rapid reset (CVE-2023-44487): RST_STREAM frames from the client, a token bucket; when empty, GOAWAY.
  std::uint32_t h2_reset_burst = 200;
  std::uint32_t h2_reset_rate = 50;                  // tokens per second
  // SETTINGS, PING, PRIORITY and empty DATA frames from the client (frames that cost certgate and ask nothing
  // of the origin), a token bucket; when empty, GOAWAY (ENHANCE_YOUR_CALM).
  std::uint32_t h2_control_burst = 100;
  std::uint32_t h2_control_rate = 10;                // tokens per second
};

struct HeaderNames {
  std::string verify = "X-Client-Verify";
  std::string identity = "X-Client-Identity";
  std::string mapping = "X-Client-Mapping";
  std::string subject = "X-Client-Cert-Subject";
  std::string issuer = "X-Client-Cert-Issuer";
  std::string fingerprint = "X-Client-Cert-Fingerprint";
  std::string serial = "X-Client-Cert-Serial";
  std::string client_cert = "Client-Cert";  // RFC 9440
  std::string would_refuse = "X-Client-Would-Refuse";  // report-only: the refusal a request was spared ("403.16")
  // The request id (http/request_id.hpp): sent upstream as `request_id` ("" = not sent; an inbound field of
  // that name or of the default one is stripped either way), taken from the `request_id_from` field of a
  // verified edge ("" = always generated).
  std::string request_id = "X-Request-Id";
  std::string request_id_from = "CF-Ray";
  // The client address of a verified edge (the visitor's, as the edge saw it): from this field, when it holds
  // one IP address, written to X-Forwarded-For and X-Real-IP. From anyone else the field is stripped and the
  // TCP peer's address is written. "" = always the TCP peer's.
  std::string client_ip_from = "CF-Connecting-IP";
  std::vector<std::string> strip;           // more names no client may send upstream (compared folded)
  bool keep_underscores = false;            // false: every inbound name with '_' is dropped (as nginx does)
};

// [admin]: the plain-HTTP listener for /healthz, /readyz and /metrics. Off unless listen is set.
struct AdminConfig {
  std::optional<ListenAddress> listen;
  // /readyz: every upstream a host block uses must have had a server answer (a response, a passing health check,
  // or a TCP connection /readyz opens itself) within this long; 0 = /readyz does not look at the upstreams.
  Millis ready_upstream_within{30'000};
  core::SourcePos where;
};

// One file of [tls] session_ticket_keys, with the position of its entry (errors name both).
struct TicketKeyFile {
  std::string path;
  core::SourcePos where;
};

enum class RejectMode { http, handshake };
enum class DetailedErrors { local, on, off };
enum class LogFormat { text, json };

struct GatewayConfig {
  std::vector<ListenAddress> listen;
  int workers = 0;  // 0 = one per core
  HostPolicy default_host;
  std::vector<HostPolicy> hosts;
  UpstreamConfig upstream;
  std::vector<UpstreamConfig> upstreams;  // [upstreams.NAME], in the file's order
  Limits limits;
  HeaderNames headers;
  RejectMode reject = RejectMode::http;
  DetailedErrors detailed_errors = DetailedErrors::local;
  std::string access_log = "-";  // "-" = stdout, "" = off
  LogFormat log_format = LogFormat::text;
  std::string log_level = "info";
  std::string source_file;  // the TOML file, "" when configured by flags alone
  AdminConfig admin;
  // [tls] session_ticket_keys: TLS session ticket keys shared by every instance (nginx's ssl_session_ticket_key
  // files); the first encrypts, all decrypt. Empty: no tickets, a per-process session cache.
  std::vector<TicketKeyFile> session_ticket_keys;
};

std::string_view to_string(RejectMode m);
std::string_view to_string(OcspMode m);
std::string_view to_string(OcspFail f);
std::string_view to_string(DetailedErrors d);
std::string_view to_string(LogFormat f);
std::string_view to_string(CrlExpired c);
std::string_view to_string(Balance b);

}  // namespace certgate::config
