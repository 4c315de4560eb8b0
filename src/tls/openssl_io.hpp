#pragma once
// Small shared helpers for the loaders: memory BIOs, format sniffing, a non-interactive password callback.
#include <string>
#include <string_view>

#include "tls/openssl_ptr.hpp"

namespace certgate::tls::detail {

// A read-only memory BIO over bytes (the bytes must outlive the BIO).
BioPtr memory_bio(std::string_view bytes);
// Everything written to a memory BIO.
std::string bio_contents(BIO* bio);

// Whether the bytes hold PEM armour ("-----BEGIN ").
bool looks_like_pem(std::string_view bytes);

// Decodes an IIS-style base64 blob: standard base64 with any ASCII whitespace. Empty when not base64.
std::string decode_base64_blob(std::string_view text);

// pem_password_cb that answers with the std::string passed as `u`, never prompting on a terminal.
int password_callback(char* buf, int size, int rwflag, void* u);

}  // namespace certgate::tls::detail
