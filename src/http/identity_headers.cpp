#include "http/identity_headers.hpp"

namespace certgate::h1 {

std::string header_safe(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> identity_headers(const config::HeaderNames& names,
                                                                  const http_id::IdentityValues& id) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const std::string& name, const std::string& value) {
    if (!name.empty()) out.emplace_back(name, value);
  };
  add(names.verify, id.verify);
  if (!id.would_refuse.empty()) add(names.would_refuse, id.would_refuse);
  if (!id.identity.empty()) add(names.identity, id.identity);
  if (!id.mapping.empty()) add(names.mapping, id.mapping);
  if (id.has_cert) {
    add(names.subject, id.subject);
    add(names.issuer, id.issuer);
    add(names.fingerprint, id.fingerprint);
    add(names.serial, id.serial);
    add(names.client_cert, id.client_cert);
  }
  return out;
}

std::string render_identity_block(const config::HeaderNames& names, const http_id::IdentityValues& id) {
  std::string block;
  for (const auto& [name, value] : identity_headers(names, id)) {
    block.append(name);
    block.append(": ");
    block.append(header_safe(value));
    block.append("\r\n");
  }
  return block;
}

}  // namespace certgate::h1
