#include "http/status_text.hpp"

namespace certgate::http_status {

std::string reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 421: return "Misdirected Request";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

std::string describe(int status, int substatus) {
  std::string phrase = reason_phrase(status);
  if (status == 403) {
    switch (substatus) {
      case 7: return phrase + ": client certificate required";
      case 12: return phrase + ": access denied by a certificate mapping";
      case 13: return phrase + ": client certificate revoked";
      case 16: return phrase + ": client certificate untrusted or invalid";
      case 17: return phrase + ": client certificate expired or not yet valid";
      default: break;
    }
  }
  if (status == 401 && substatus == 2) return phrase + ": no certificate mapping admits this client";
  return phrase;
}

std::string refusal_body(int status, int substatus, const std::string& reason, bool detailed) {
  if (!detailed) return std::to_string(status) + " " + reason_phrase(status) + "\n";
  std::string code = std::to_string(status);
  if (substatus) code += "." + std::to_string(substatus);
  std::string body = code + " " + describe(status, substatus) + "\n";
  if (!reason.empty()) body += "reason: " + reason + "\n";
  return body;
}

}  // namespace certgate::http_status
