#include "config/gateway_config.hpp"

namespace certgate::config {

std::string_view to_string(RejectMode m) {
  switch (m) {
    case RejectMode::http: return "http";
    case RejectMode::handshake: return "handshake";
  }
  return "unknown";
}

std::string_view to_string(DetailedErrors d) {
  switch (d) {
    case DetailedErrors::local: return "local";
    case DetailedErrors::on: return "on";
    case DetailedErrors::off: return "off";
  }
  return "unknown";
}

std::string_view to_string(LogFormat f) {
  switch (f) {
    case LogFormat::text: return "text";
    case LogFormat::json: return "json";
  }
  return "unknown";
}

std::string_view to_string(CrlExpired c) {
  switch (c) {
    case CrlExpired::refuse: return "refuse";
    case CrlExpired::warn: return "warn";
  }
  return "unknown";
}

std::string_view to_string(OcspMode m) {
  switch (m) {
    case OcspMode::off: return "off";
    case OcspMode::leaf: return "leaf";
    case OcspMode::chain: return "chain";
  }
  return "unknown";
}

std::string_view to_string(Balance b) {
  switch (b) {
    case Balance::round_robin: return "round_robin";
    case Balance::least_conn: return "least_conn";
  }
  return "unknown";
}

std::string_view to_string(OcspFail f) {
  switch (f) {
    case OcspFail::closed: return "closed";
    case OcspFail::open: return "open";
  }
  return "unknown";
}

}  // namespace certgate::config
