#include "tls/crl_rules.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

namespace certgate::tls {
namespace {

std::string extension_name(X509_EXTENSION* ext) {
  const ASN1_OBJECT* obj = X509_EXTENSION_get_object(ext);
  const int nid = OBJ_obj2nid(obj);
  if (nid != NID_undef) return OBJ_nid2ln(nid);
  char buf[128];
  OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return buf;
}

// A repeated extension, or a critical one OpenSSL does not process (x_crl.c handles issuingDistributionPoint,
// authorityKeyIdentifier and deltaCRLIndicator on a CRL, certificateIssuer on an entry; anything else marked
// critical makes every verification fail with "unhandled critical CRL extension").
std::string extensions_defect(const STACK_OF(X509_EXTENSION) * exts, bool entry) {
  const int count = sk_X509_EXTENSION_num(exts);
  for (int i = 0; i < count; ++i) {
    X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts, i);
    for (int j = 0; j < i; ++j) {
      if (OBJ_cmp(X509_EXTENSION_get_object(ext), X509_EXTENSION_get_object(sk_X509_EXTENSION_value(exts, j))) == 0) {
        return "has the extension " + extension_name(ext) + " more than once" + (entry ? " in one entry" : "");
      }
    }
    if (!X509_EXTENSION_get_critical(ext)) continue;
    const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
    const bool handled = entry ? nid == NID_certificate_issuer
                               : nid == NID_issuing_distribution_point || nid == NID_authority_key_identifier ||
                                     nid == NID_delta_crl;
    if (!handled) {
      return std::string("has a critical ") + (entry ? "entry " : "") + "extension " + extension_name(ext) +
             " that cannot be processed (RFC 5280 5.2: such a CRL must not be used)";
    }
  }
  return "";
}

std::string idp_defect(X509_CRL* crl) {
  int crit = -1;
  auto* idp = static_cast<ISSUING_DIST_POINT*>(X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &crit, nullptr));
  if (idp == nullptr) return crit == -1 ? "" : "has an issuingDistributionPoint that does not decode";
  std::string defect;
  if (idp->indirectCRL) {
    defect = "is an indirect CRL (RFC 5280 5.2.5): OpenSSL uses one only with extended CRL support, which "
             "certgate does not enable, so its entries would never be applied";
  } else if (idp->onlysomereasons != nullptr) {
    defect = "covers only some revocation reasons (issuingDistributionPoint onlySomeReasons, RFC 5280 5.2.5): "
             "OpenSSL uses such a CRL only with extended CRL support, so its entries would never be applied";
  } else if ((idp->onlyuser > 0) + (idp->onlyCA > 0) + (idp->onlyattr > 0) > 1) {
    defect = "asserts more than one of onlyContainsUserCerts, onlyContainsCACerts and onlyContainsAttributeCerts "
             "(RFC 5280 5.2.5 allows at most one)";
  } else if (idp->onlyattr > 0) {
    defect = "covers attribute certificates only (RFC 5280 5.2.5), never a client certificate or its CA";
  }
  ISSUING_DIST_POINT_free(idp);
  return defect;
}

std::string entries_defect(X509_CRL* crl) {
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl);
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    X509_REVOKED* entry = sk_X509_REVOKED_value(revoked, i);
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(entry), nullptr);
    char* hex = bn ? BN_bn2hex(bn) : nullptr;
    const std::string serial = hex ? hex : "?";
    OPENSSL_free(hex);
    BN_free(bn);
    const std::string which = " (the entry for serial " + serial + ")";

    if (std::string d = extensions_defect(X509_REVOKED_get0_extensions(entry), true); !d.empty()) return d + which;
    int crit = -1;
    auto* reason = static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, &crit, nullptr));
    if (reason == nullptr && crit != -1) return "has a reasonCode that does not decode" + which;
    const long code = reason ? ASN1_ENUMERATED_get(reason) : CRL_REASON_NONE;
    ASN1_ENUMERATED_free(reason);
    if (code == CRL_REASON_REMOVE_FROM_CRL) {
      return "lists a certificate as removeFromCRL, which belongs in delta CRLs only (RFC 5280 5.3.1); OpenSSL "
             "would read it as not revoked" + which;
    }
    if (X509_REVOKED_get_ext_by_NID(entry, NID_certificate_issuer, -1) >= 0) {
      return "has a certificateIssuer entry extension, which belongs in indirect CRLs only (RFC 5280 5.3.3)" + which;
    }
  }
  return "";
}

std::string defect_of(X509_CRL* crl) {
  if (X509_CRL_get_version(crl) != X509_CRL_VERSION_2) {
    return "is a version 1 CRL (RFC 5280 5.1.2.1: a CRL with the required extensions is version 2)";
  }
  if (std::string d = extensions_defect(X509_CRL_get0_extensions(crl), false); !d.empty()) return d;

  int crit = -1;
  auto* number = static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, nullptr));
  if (number == nullptr) {
    return crit == -1 ? "has no CRL number (RFC 5280 5.2.3: conforming CRL issuers include one in every CRL)"
                      : "has a CRL number that does not decode";
  }
  const bool negative = ASN1_STRING_type(number) == V_ASN1_NEG_INTEGER;
  ASN1_INTEGER_free(number);
  if (negative) return "has a negative CRL number (RFC 5280 5.2.3)";

  auto* akid = static_cast<AUTHORITY_KEYID*>(X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, &crit, nullptr));
  const bool has_key_id = akid != nullptr && akid->keyid != nullptr;
  AUTHORITY_KEYID_free(akid);
  if (!has_key_id) {
    return "has no authorityKeyIdentifier with a key identifier (RFC 5280 5.2.1: conforming CRL issuers include "
           "it; it tells which key of the issuing CA signed the CRL)";
  }

  if (X509_CRL_get0_nextUpdate(crl) == nullptr) {
    return "has no nextUpdate (RFC 5280 5.1.2.5: conforming CRL issuers include it); OpenSSL would take it as "
           "current forever, so a stale copy would never be noticed";
  }
  if (X509_CRL_get_ext_by_NID(crl, NID_delta_crl, -1) >= 0) {
    return "is a delta CRL (deltaCRLIndicator, RFC 5280 5.2.4): certgate applies complete CRLs only (OpenSSL "
           "ignores deltas unless asked), so its entries would never be applied; configure the complete CRL";
  }
  if (std::string d = idp_defect(crl); !d.empty()) return d;
  return entries_defect(crl);
}

}  // namespace

std::string crl_defect(X509_CRL* crl) {
  if (crl == nullptr) return "is missing";
  ERR_set_mark();
  std::string defect = defect_of(crl);
  ERR_pop_to_mark();
  return defect;
}

}  // namespace certgate::tls
