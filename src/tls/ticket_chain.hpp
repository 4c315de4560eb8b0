#pragma once
// The part of a session ticket certgate adds (SSL_SESSION_set1_ticket_appdata, inside the ticket's encryption and
// HMAC): the intermediate certificates the client presented with its certificate. OpenSSL puts the client's
// certificate in the ticket but not the rest of its chain, and a session resumed on another instance, or after a
// reload, is verified again from both. Nothing else is carried: the decision is always taken again.
#include <cstddef>
#include <optional>
#include <string>

#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

// The ticket data of `intermediates` (what the client sent after its certificate; a first entry equal to `leaf`
// is skipped). nullopt when it would not fit a ticket (more than kMaxTicketChainBytes): that session is then
// resumed nowhere (a full handshake decides).
inline constexpr std::size_t kMaxTicketChainBytes = 24 * 1024;
std::optional<std::string> encode_ticket_chain(X509* leaf, STACK_OF(X509) * intermediates);

// The certificates of encode_ticket_chain()'s data; null when it is not such data.
X509StackPtr decode_ticket_chain(const void* data, std::size_t size);

}  // namespace certgate::tls
