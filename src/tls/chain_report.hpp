#pragma once
// What chain verification went through, for `certgate explain`: the chain OpenSSL built and every problem
// it met on the way, then what certgate's own rules say of that chain. Display only: the verdict itself
// always comes from TrustStore::verify(), the verification the server makes.
#include <ctime>
#include <string>
#include <vector>

#include "tls/openssl_ptr.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {

struct ChainLink {
  int depth = 0;  // 0 = the leaf
  std::string subject;
  std::string issuer;
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  bool trust_anchor = false;  // one of the block's configured anchors
};

struct ChainProblem {
  int depth = 0;
  int code = 0;         // X509_V_ERR_*
  std::string reason;   // OpenSSL's text, or an own rule's reason
  std::string subject;  // the certificate at that depth ("" when unknown)
  std::string rule;     // the own rule (chain_rules.hpp) that found it; "" for OpenSSL's problems
};

struct ChainReport {
  std::vector<ChainLink> chain;       // as far as OpenSSL could build it, leaf first
  std::vector<ChainProblem> problems;  // every error at every depth, in the order OpenSSL found them
};

// Runs the same verification as trust.verify(leaf, untrusted, at), but continues past errors to collect them.
ChainReport chain_report(const TrustStore& trust, X509* leaf, STACK_OF(X509) * untrusted, std::time_t at);

}  // namespace certgate::tls
