#pragma once
#include <string>

namespace certgate::http_status {

// "Forbidden", "Bad Gateway", ... ("Error" for a status certgate does not send).
std::string reason_phrase(int status);

// IIS-style description of a status.substatus ("Forbidden: client certificate required").
std::string describe(int status, int substatus);

// The body of a refusal. Detailed: "403.16 Forbidden: ...\nreason: ...\n"; otherwise "403 Forbidden\n".
std::string refusal_body(int status, int substatus, const std::string& reason, bool detailed);

}  // namespace certgate::http_status
