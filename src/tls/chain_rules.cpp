#include "tls/chain_rules.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "tls/digest.hpp"

namespace certgate::tls {
namespace {

struct NameConstraintsFree {
  void operator()(NAME_CONSTRAINTS* nc) const { NAME_CONSTRAINTS_free(nc); }
};
struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};
using NameConstraintsPtr = std::unique_ptr<NAME_CONSTRAINTS, NameConstraintsFree>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, GeneralNamesFree>;

std::string text_of(const ASN1_STRING* s) {
  if (s == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

std::string utf8_of(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  const int len = ASN1_STRING_to_UTF8(&out, s);
  if (len < 0) {
    ERR_clear_error();
    return {};
  }
  std::string text(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return text;
}

std::string extension_name(const X509_EXTENSION* ext) {
  const ASN1_OBJECT* obj = X509_EXTENSION_get_object(const_cast<X509_EXTENSION*>(ext));
  char buf[128];
  const int nid = OBJ_obj2nid(obj);
  if (nid != NID_undef) return OBJ_nid2ln(nid);
  OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return buf;
}

bool is_ca(X509* cert) { return (X509_get_extension_flags(cert) & EXFLAG_CA) != 0; }
bool is_self_issued(X509* cert) { return (X509_get_extension_flags(cert) & EXFLAG_SI) != 0; }

// A name from a certificate, quoted for a reason: bytes outside printable ASCII as \xNN, so that no control
// character or invalid UTF-8 reaches a log line or a response.
std::string quoted(const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out + "'";
}

class Collector {
 public:
  explicit Collector(STACK_OF(X509) * chain) : chain_(chain) {}

  void add(const char* rule, const char* section, int depth, std::string detail) {
    for (const RuleViolation& v : out_) {
      if (v.rule == rule && v.depth == depth && v.detail == detail) return;  // one per constraint holder is enough
    }
    // Kept in depth order as they come (leaf first; within a depth, in the order found).
    auto at = std::upper_bound(out_.begin(), out_.end(), depth,
                               [](int d, const RuleViolation& v) { return d < v.depth; });
    out_.insert(at, RuleViolation{rule, section, depth, subject(depth), std::move(detail)});
  }

  std::string subject(int depth) const {
    return rfc4514_name(X509_get_subject_name(sk_X509_value(chain_, depth)));
  }

  std::vector<RuleViolation> take() { return std::move(out_); }

 private:
  STACK_OF(X509) * chain_;
  std::vector<RuleViolation> out_;
};

// RFC 5280 4.1.2.1 and 4.2.1.1: a certificate that a conforming CA issued carries an authorityKeyIdentifier
// (only self-signed ones may omit it), so it is version 3. X509_V_FLAG_X509_STRICT checks the identifiers,
// basicConstraints and keyUsage only in version 3 certificates, so a v1 certificate skips all of them.
void check_version(X509* cert, int depth, Collector& out) {
  const long version = X509_get_version(cert);
  if (version == X509_VERSION_3) return;
  out.add("version-3", "RFC 5280 4.1.2.1, 4.2.1.1", depth,
          "it is an X.509 v" + std::to_string(version + 1) +
              " certificate; a certificate issued by a conforming CA is version 3 (it must carry an "
              "authorityKeyIdentifier)");
}

// RFC 5280 4.2: "A certificate MUST NOT include more than one instance of a particular extension." OpenSSL
// notices a repeat only among the extensions it caches; any repeat makes the certificate's meaning ambiguous.
void check_unique_extensions(X509* cert, int depth, Collector& out) {
  const int count = X509_get_ext_count(cert);
  for (int i = 0; i < count; ++i) {
    const ASN1_OBJECT* obj = X509_EXTENSION_get_object(X509_get_ext(cert, i));
    for (int j = 0; j < i; ++j) {
      if (OBJ_cmp(obj, X509_EXTENSION_get_object(X509_get_ext(cert, j))) == 0) {
        out.add("unique-extensions", "RFC 5280 4.2", depth,
                "the extension " + extension_name(X509_get_ext(cert, i)) + " appears more than once");
        break;
      }
    }
  }
}

// RFC 5280 4.2.1.10: name constraints "MUST be used only in a CA certificate". OpenSSL ignores them in a
// leaf (nothing below it to constrain), so a leaf that carries them is a certificate its CA should not have
// issued.
void check_constraints_only_in_ca(X509* cert, int depth, Collector& out) {
  if (is_ca(cert) || X509_get_ext_by_NID(cert, NID_name_constraints, -1) < 0) return;
  out.add("name-constraints-in-ca-only", "RFC 5280 4.2.1.10", depth,
          "it is not a CA certificate but carries a nameConstraints extension");
}

// Which name forms a nameConstraints extension constrains.
struct ConstrainedForms {
  bool dns = false;
  bool email = false;
  bool uri = false;
  bool any() const { return dns || email || uri; }
};

ConstrainedForms forms_of(NAME_CONSTRAINTS* nc) {
  ConstrainedForms forms;
  for (STACK_OF(GENERAL_SUBTREE)* subtrees : {nc->permittedSubtrees, nc->excludedSubtrees}) {
    for (int i = 0; i < sk_GENERAL_SUBTREE_num(subtrees); ++i) {
      const GENERAL_NAME* base = sk_GENERAL_SUBTREE_value(subtrees, i)->base;
      forms.dns |= base->type == GEN_DNS;
      forms.email |= base->type == GEN_EMAIL;
      forms.uri |= base->type == GEN_URI;
    }
  }
  return forms;
}

// A CN that a reader would take for a host name: dots and host-name characters only.
bool looks_like_host_name(const std::string& text) {
  if (text.find('.') == std::string::npos) return false;
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '*';
  });
}

// RFC 5280 4.2.1.6 (dNSName in preferred name syntax, rfc822Name a mailbox, URI host a domain) and 4.2.1.10
// ("the application MUST either process the constraint or reject the certificate"): OpenSSL compares names
// with constraints byte-wise as suffixes, so a name outside the syntax slips past an excluded subtree
// ("www.evil.test." is not under "evil.test"). Under a constraint of its form, such a name is refused.
void check_names_under(X509* cert, int depth, const ConstrainedForms& forms, const std::string& holder,
                       Collector& out) {
  static constexpr const char* kRule = "constrained-names-well-formed";
  static constexpr const char* kSection = "RFC 5280 4.2.1.6, 4.2.1.10";
  const std::string under = " while " + holder + " constrains names of that form";
  GeneralNamesPtr sans(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans.get(), i);
    if (name->type == GEN_DNS && forms.dns) {
      const std::string text = text_of(name->d.dNSName);
      if (!names::is_host_name(text, /*allow_wildcard=*/true)) {
        out.add(kRule, kSection, depth, "the dNSName " + quoted(text) + " is not a well-formed host name" + under);
      }
    } else if (name->type == GEN_EMAIL && forms.email) {
      const std::string text = text_of(name->d.rfc822Name);
      if (!names::is_mailbox(text)) {
        out.add(kRule, kSection, depth, "the rfc822Name " + quoted(text) + " is not a well-formed mailbox" + under);
      }
    } else if (name->type == GEN_URI && forms.uri) {
      const std::string text = text_of(name->d.uniformResourceIdentifier);
      if (!names::is_host_name(names::uri_host(text), /*allow_wildcard=*/false)) {
        out.add(kRule, kSection, depth,
                "the URI " + quoted(text) + " has no well-formed host name after \"scheme://\"" + under);
      }
    }
  }
  if (forms.email) {  // OpenSSL applies rfc822Name constraints to emailAddress attributes of the subject too
    const X509_NAME* subject = X509_get_subject_name(cert);
    for (int i = X509_NAME_get_index_by_NID(subject, NID_pkcs9_emailAddress, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(subject, NID_pkcs9_emailAddress, i)) {
      const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
      const std::string text = utf8_of(value);
      if (!names::is_mailbox(text)) {
        out.add(kRule, kSection, depth,
                "the subject's emailAddress " + quoted(text) + " is not a well-formed mailbox" + under);
      }
    }
  }
}

// Beyond RFC 5280, for certgate's use of the subject: OpenSSL checks a leaf's CN against dNSName constraints
// only when the leaf has no dNSName at all (RFC 6125 practice). certgate identifies clients by subject
// attributes, CN first, so a CA constrained to some domains must not be able to name a client with a host
// name outside them by adding any in-bounds dNSName.
void check_common_names(X509* leaf, NAME_CONSTRAINTS* nc, const std::string& holder, Collector& out) {
  const X509_NAME* subject = X509_get_subject_name(leaf);
  std::string host_like;
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    const std::string cn = utf8_of(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i)));
    if (!looks_like_host_name(cn)) continue;
    if (!names::is_host_name(cn, /*allow_wildcard=*/false)) {
      out.add("constrained-names-well-formed", "RFC 5280 4.2.1.6, 4.2.1.10", 0,
              "the CN " + quoted(cn) + " looks like a host name but is not a well-formed one while " + holder +
                  " constrains host names");
      return;
    }
    host_like += (host_like.empty() ? "" : ", ") + quoted(cn);
  }
  if (host_like.empty()) return;
  const int rv = NAME_CONSTRAINTS_check_CN(leaf, nc);
  if (rv == X509_V_OK) return;
  out.add("common-name-within-dns-constraints", "certgate, after RFC 5280 4.2.1.10", 0,
          "the CN " + host_like + " is outside the dNSName constraints of " + holder + " (" +
              X509_verify_cert_error_string(rv) + ")");
}

void check_name_constraints(STACK_OF(X509) * chain, Collector& out) {
  const int count = sk_X509_num(chain);
  for (int j = 1; j < count; ++j) {
    X509* holder_cert = sk_X509_value(chain, j);
    NameConstraintsPtr nc(
        static_cast<NAME_CONSTRAINTS*>(X509_get_ext_d2i(holder_cert, NID_name_constraints, nullptr, nullptr)));
    if (!nc) continue;
    const ConstrainedForms forms = forms_of(nc.get());
    if (!forms.any()) continue;
    const std::string holder = "the CA at depth " + std::to_string(j) + " (" + out.subject(j) + ")";
    for (int i = 0; i < j; ++i) {
      X509* cert = sk_X509_value(chain, i);
      // RFC 5280 6.1.3 (b), as OpenSSL: a self-issued intermediate's names are not checked.
      if (i != 0 && is_self_issued(cert)) continue;
      check_names_under(cert, i, forms, holder, out);
      if (i == 0 && forms.dns) check_common_names(cert, nc.get(), holder, out);
    }
  }
}

bool is_label_char(unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }

}  // namespace

std::string RuleViolation::reason() const {
  return "certificate rule '" + rule + "' (" + section + ") refuses the certificate at depth " +
         std::to_string(depth) + " (" + subject + "): " + detail;
}

std::vector<RuleViolation> chain_rule_violations(STACK_OF(X509) * chain, int num_untrusted) {
  ERR_set_mark();  // a malformed extension fails to decode here; OpenSSL's own checks have judged those
  Collector out(chain);
  const int count = chain ? sk_X509_num(chain) : 0;
  for (int depth = 0; depth < count; ++depth) {
    X509* cert = sk_X509_value(chain, depth);
    if (depth < num_untrusted) check_version(cert, depth, out);
    check_unique_extensions(cert, depth, out);
    check_constraints_only_in_ca(cert, depth, out);
  }
  if (count > 0) check_name_constraints(chain, out);
  ERR_pop_to_mark();
  return out.take();
}

namespace names {

bool is_host_name(const std::string& text, bool allow_wildcard) {
  if (text.empty() || text.size() > 253) return false;
  std::size_t start = 0;
  bool first = true;
  for (;;) {
    const std::size_t dot = text.find('.', start);
    const std::string_view label(text.data() + start, (dot == std::string::npos ? text.size() : dot) - start);
    if (label.empty() || label.size() > 63) return false;  // also an empty last label: a trailing dot
    const bool wildcard = first && allow_wildcard && label == "*" && dot != std::string::npos;
    if (!wildcard) {
      if (label.front() == '-' || label.back() == '-') return false;
      if (!std::all_of(label.begin(), label.end(), [](unsigned char c) { return is_label_char(c); })) return false;
    }
    if (dot == std::string::npos) return true;
    start = dot + 1;
    first = false;
  }
}

bool is_mailbox(const std::string& text) {
  const std::size_t at = text.rfind('@');
  if (at == std::string::npos || at == 0) return false;
  const std::string local = text.substr(0, at);
  const bool printable = std::all_of(local.begin(), local.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
  if (!printable) return false;
  const bool quoted_local = local.size() >= 2 && local.front() == '"' && local.back() == '"';
  if (!quoted_local && local.find('@') != std::string::npos) return false;
  return is_host_name(text.substr(at + 1), /*allow_wildcard=*/false);
}

std::string uri_host(const std::string& uri) {
  const std::size_t colon = uri.find(':');
  if (colon == std::string::npos || colon == 0 || uri.compare(colon, 3, "://") != 0) return {};
  const std::size_t start = colon + 3;
  std::size_t end = uri.find(':', start);  // a port first, else the path: OpenSSL's order (v3_ncons.c nc_uri)
  if (end == std::string::npos) end = uri.find('/', start);
  return uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace names
}  // namespace certgate::tls
