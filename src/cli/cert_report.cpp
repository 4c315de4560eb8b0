#include "cli/cert_report.hpp"

#include "config/cert_text.hpp"
#include "core/iis_names.hpp"
#include "core/time_text.hpp"

namespace certgate::cli {
namespace {

using json = nlohmann::ordered_json;

// The name a rule would use: the IIS subfield when there is one, else the dotted OID.
std::string rule_subfield(const core::DnAttribute& attribute) {
  std::string_view iis = core::iis_subfield_name(attribute.oid);
  return iis.empty() ? attribute.oid : std::string(iis);
}

json name_json(const core::DistinguishedName& name) {
  json fields = json::array();
  for (const core::DnAttribute& attribute : name.attributes) {
    fields.push_back({{"subfield", rule_subfield(attribute)},
                      {"short_name", attribute.short_name},
                      {"oid", attribute.oid},
                      {"value", attribute.value}});
  }
  return fields;
}

std::string joined(const std::vector<std::string>& items, const std::string& prefix) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + prefix + item;
  return out;
}

}  // namespace

std::string key_text(const tls::CertInfo& info) {
  if (info.key_type.empty()) return "unknown";
  if (info.key_type == "EC") {
    return "EC " + (info.curve.empty() ? std::string("(unknown curve)") : info.curve) + " (" +
           std::to_string(info.key_bits) + " bits)";
  }
  if (info.key_type == "Ed25519" || info.key_type == "Ed448") return info.key_type;
  return info.key_type + " " + std::to_string(info.key_bits) + " bits";
}

std::string validity_text(const core::CertDigest& digest, std::int64_t now) {
  const auto days = core::days_text;
  if (digest.not_before > now) return "not valid yet, starts in " + days(-core::days_until(digest.not_before, now));
  const std::int64_t left = core::days_until(now, digest.not_after);
  if (digest.not_after < now) return "expired " + days(-left) + " ago";
  return "valid, " + days(left) + " left";
}

nlohmann::ordered_json cert_json(const tls::CertInfo& info, std::int64_t now) {
  const core::CertDigest& d = info.digest;
  json key = {{"type", info.key_type}, {"bits", info.key_bits}};
  if (!info.curve.empty()) key["curve"] = info.curve;
  return json{
      {"subject", d.subject.rfc4514},
      {"subject_fields", name_json(d.subject)},
      {"issuer", d.issuer.rfc4514},
      {"issuer_fields", name_json(d.issuer)},
      {"san", {{"dns", d.dns_names}, {"ip", d.ip_addresses}, {"email", d.emails}, {"uri", d.uris}}},
      {"key", key},
      {"eku", info.eku},
      {"ca", info.ca.value_or(false)},
      {"self_signed", info.self_signed},
      {"signature_algorithm", info.signature_algorithm},
      {"not_before", core::format_utc(d.not_before)},
      {"not_after", core::format_utc(d.not_after)},
      {"days_left", core::days_until(now, d.not_after)},
      {"serial", d.serial_hex},
      {"sha1", d.sha1_hex},
      {"sha256", d.sha256_hex},
      {"spki_sha256", d.spki_sha256_base64},
      {"iis_blob", config::base64_encode(d.der)},
  };
}

void print_iis_subfields(std::ostream& out, const core::DistinguishedName& name, const std::string& indent) {
  for (const core::DnAttribute& attribute : name.attributes) {
    out << indent << rule_subfield(attribute) << "=" << attribute.value << "\n";
  }
}

void print_cert(std::ostream& out, const tls::CertInfo& info, std::int64_t now, const std::string& indent) {
  const core::CertDigest& d = info.digest;
  const std::string field = indent + "  ";
  out << indent << "Subject:      " << d.subject.rfc4514 << "\n";
  print_iis_subfields(out, d.subject, field + "  ");
  out << indent << "Issuer:       " << d.issuer.rfc4514 << "\n";
  print_iis_subfields(out, d.issuer, field + "  ");

  std::string sans = joined(d.dns_names, "DNS:");
  for (const auto& [items, prefix] : {std::pair{&d.ip_addresses, "IP:"}, {&d.emails, "email:"}, {&d.uris, "URI:"}}) {
    std::string more = joined(*items, prefix);
    if (!more.empty()) sans += (sans.empty() ? "" : ", ") + more;
  }
  out << indent << "SANs:         " << (sans.empty() ? "(none)" : sans) << "\n";
  out << indent << "Key:          " << key_text(info) << "\n";
  std::string eku;
  for (const std::string& usage : info.eku) {
    const std::string long_name = tls::eku_long_name(usage);
    eku += (eku.empty() ? "" : ", ") + usage + (long_name.empty() || long_name == usage ? "" : " (" + long_name + ")");
  }
  out << indent << "EKU:          " << (eku.empty() ? "(none: any use)" : eku) << "\n";
  out << indent << "CA:           " << (info.ca.value_or(false) ? "yes" : "no")
      << (info.self_signed ? ", self-signed" : "") << "\n";
  out << indent << "Valid:        " << core::format_utc(d.not_before) << " .. " << core::format_utc(d.not_after)
      << " (" << validity_text(d, now) << ")\n";
  out << indent << "Serial:       " << d.serial_hex << "\n";
  out << indent << "SHA-1:        " << d.sha1_hex << "  (IIS thumbprint)\n";
  out << indent << "SHA-256:      " << d.sha256_hex << "\n";
  out << indent << "SPKI SHA-256: " << d.spki_sha256_base64 << "  (public key pin, base64)\n";
  out << indent << "IIS blob:     " << config::base64_encode(d.der) << "\n";
}

}  // namespace certgate::cli
