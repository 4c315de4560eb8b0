#pragma once
// Aliases shared by the network runtime.
//
// Every socket, timer and coroutine is bound to one worker's io_context and says so in its type
// (io_context::executor_type) instead of the type-erased asio::any_io_executor: Asio copies and destroys a
// handler's executor several times per operation, and the type-erased one made that 8% of the instructions
// of a keep-alive request (docs/performance.md).
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace certgate {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

using executor = asio::io_context::executor_type;
using tcp_socket = asio::basic_stream_socket<tcp, executor>;
using tcp_acceptor = asio::basic_socket_acceptor<tcp, executor>;
using tcp_resolver = asio::ip::basic_resolver<tcp, executor>;
using steady_timer = asio::basic_waitable_timer<std::chrono::steady_clock, asio::wait_traits<std::chrono::steady_clock>,
                                                executor>;

template <typename T = void>
using awaitable = asio::awaitable<T, executor>;
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable_t<executor>{});
}  // namespace certgate
