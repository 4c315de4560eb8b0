#include "core/header_names.hpp"

#include "core/ascii.hpp"

namespace certgate::core {
namespace {
constexpr std::string_view kWritten[] = {"content-length", "transfer-encoding", "host",    "connection",
                                         "keep-alive",     "proxy-connection",  "te",      "trailer",
                                         "upgrade",        "http2-settings",    "expect",  "via",
                                         "x-forwarded-for", "x-forwarded-proto", "x-real-ip"};
}  // namespace

std::string fold_header_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = c == '_' ? '-' : ascii::to_lower(c);
  return out;
}

std::span<const std::string_view> names_certgate_writes() { return kWritten; }

}  // namespace certgate::core
