#pragma once
// HTTP/2 header fields as certgate hands them around: name and value, names in lower case.
#include <string>
#include <utility>
#include <vector>

namespace certgate::h2 {

using Field = std::pair<std::string, std::string>;
using Fields = std::vector<Field>;

}  // namespace certgate::h2
