#pragma once
// Escaping for log lines whose values come from clients and certificates: whatever the bytes, a value stays
// one field of one line. docs/operations.md ("Logging") describes both forms with examples.
#include <cstddef>
#include <string>
#include <string_view>

namespace certgate::logging {

// Length of the valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most U+10FFFF) that starts
// at s[i], or 0 when the byte there does not start one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// The inside of a JSON string (RFC 8259) for any bytes, always valid UTF-8: `"` `\` and control characters
// escaped; C1 controls (U+0080..U+009F), DEL and U+2028/U+2029 escaped too (line breaks to some readers,
// e.g. Python's str.splitlines); each byte that is not part of valid UTF-8 written as \u00XX (the byte's
// value read as Latin-1). Valid UTF-8 values parse back unchanged.
std::string json_escape(std::string_view s);

// One field of a text line, ASCII only: "-" when empty; otherwise the bytes 0x21..0x7E as they are,
// `"` and `\` as \" and \\, every other byte (controls, space, 0x7F..0xFF) as \xHH, quoted ("...") when the
// value contains a space, `"` or `\`, or is "-" itself. Spaces inside quotes stay spaces.
// A line of such fields splits at its unquoted spaces into exactly its fields, and each unescapes to the
// original bytes.
std::string text_field(std::string_view s);

// A value inside a field that is always quoted and holds several space-separated values (the request
// "METHOD TARGET"): like text_field's escaping, with spaces escaped as \x20 too, never quoted, "" stays "".
std::string text_escape_unquoted(std::string_view s);

// For free-form server log messages: control characters (0x00..0x1F, 0x7F) as \xHH, everything else kept.
std::string control_escape(std::string_view s);

// `s`, or its first `max` bytes (cut back to a UTF-8 boundary) followed by "...[+N bytes]" when longer.
std::string clip(std::string_view s, std::size_t max);

}  // namespace certgate::logging
