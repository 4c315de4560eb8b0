#pragma once
// Comma-separated field values (RFC 9110 5.6.1), read strictly: "a, b" has two elements; an empty element
// ("a,,b", "a,") or one that is only whitespace makes the list malformed, where a lenient reader would skip it
// and another would not.
#include <string_view>

#include <boost/container/small_vector.hpp>

namespace certgate::h1 {

// Views into field values: the handful a request has stay on the stack (no allocation per request).
using FieldViews = boost::container::small_vector<std::string_view, 8>;

// Without leading and trailing spaces and tabs.
std::string_view trim_ows(std::string_view s);

// Appends the elements of `value` (trimmed) to `out`. False when an element is empty.
bool split_list(std::string_view value, FieldViews& out);

// Whether the list `value` has an element equal to `token` ignoring ASCII case (`token` lower case).
bool list_contains(std::string_view value, std::string_view token);

}  // namespace certgate::h1
