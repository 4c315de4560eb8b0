#pragma once
// Responses certgate makes itself (refusals, errors, 100 Continue), written to the client. After a refusal the
// connection closes: what else the client sent cannot be trusted to be framed as certgate read it.
#include <string>

#include "http/access_log.hpp"
#include "server/connection_state.hpp"

namespace certgate::server {

// Writes status (text body: IIS-style "403.16 ..." with the reason when detailed errors are on) with
// Connection: close, fills rec (status, substatus, reason, bytes) and marks the connection for a lingering
// close.
awaitable<void> send_refusal(ConnectionState& cs, unsigned version, int status, int substatus, std::string reason,
                             http_log::AccessRecord& rec);

// "HTTP/1.1 100 Continue". False when the client cannot be written to.
awaitable<bool> send_continue(ConnectionState& cs);

}  // namespace certgate::server
