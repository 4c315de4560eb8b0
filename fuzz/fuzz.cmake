# libFuzzer drivers, one per parser and one per side of the HTTP path (see docs/testing.md, "Fuzz smoke").
# Included by CMakeLists.txt with -DCERTGATE_FUZZ=ON, after the libraries are defined; needs clang:
# CC=clang-14 CXX=clang++-14.
# Build with `cmake --build BUILD --target fuzz_drivers`; the drivers land in BUILD/fuzz/.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CERTGATE_FUZZ needs clang with libFuzzer (configure with CC=clang-14 CXX=clang++-14); "
                      "the compiler is ${CMAKE_CXX_COMPILER_ID}")
endif()

# Every UBSan report is fatal, so libFuzzer records it as a crash with its input. -O1 keeps the
# runs fast without losing the stack traces.
set(CERTGATE_FUZZ_SANITIZERS address,undefined)
set(CERTGATE_FUZZ_FLAGS -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)

# The code under test: coverage instrumentation and sanitizers, but no libFuzzer main().
foreach(library certgate_core certgate_config certgate_tls)
  target_compile_options(${library} PRIVATE -fsanitize=fuzzer-no-link,${CERTGATE_FUZZ_SANITIZERS} ${CERTGATE_FUZZ_FLAGS})
endforeach()

# src/http (request check, heads rendered for each side) without the rest of the network runtime: it uses Beast's
# message types only, header-only here, so the drivers need no Asio build. Same Beast configuration as certgate_net.
file(GLOB FUZZ_HTTP_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/http/*.cpp)
add_library(certgate_fuzz_http STATIC EXCLUDE_FROM_ALL ${FUZZ_HTTP_SOURCES})
target_compile_definitions(certgate_fuzz_http PUBLIC BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
target_link_libraries(certgate_fuzz_http PUBLIC certgate_tls Boost::headers)
target_compile_options(certgate_fuzz_http PRIVATE -fsanitize=fuzzer-no-link,${CERTGATE_FUZZ_SANITIZERS} ${CERTGATE_FUZZ_FLAGS})

# src/h2 (the HTTP/2 session fed bytes and the h2 <-> HTTP/1.1 translation) on top of it, with nghttp2.
file(GLOB FUZZ_H2_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/h2/*.cpp)
add_library(certgate_fuzz_h2 STATIC EXCLUDE_FROM_ALL ${FUZZ_H2_SOURCES})
target_link_libraries(certgate_fuzz_h2 PUBLIC certgate_fuzz_http PkgConfig::LIBNGHTTP2)
target_compile_options(certgate_fuzz_h2 PRIVATE -fsanitize=fuzzer-no-link,${CERTGATE_FUZZ_SANITIZERS} ${CERTGATE_FUZZ_FLAGS})

set(CERTGATE_FUZZ_DRIVERS toml_config_fuzz iis_xml_fuzz cert_bundle_fuzz wildcard_decide_fuzz cert_text_fuzz
                          request_path_fuzz response_path_fuzz h2_request_fuzz)
set(CERTGATE_FUZZ_HTTP_DRIVERS request_path_fuzz response_path_fuzz)
foreach(driver IN LISTS CERTGATE_FUZZ_DRIVERS)
  add_executable(${driver} EXCLUDE_FROM_ALL ${CMAKE_CURRENT_LIST_DIR}/${driver}.cpp)
  if(driver STREQUAL "h2_request_fuzz")
    target_link_libraries(${driver} PRIVATE certgate_fuzz_h2)
  elseif(driver IN_LIST CERTGATE_FUZZ_HTTP_DRIVERS)
    target_link_libraries(${driver} PRIVATE certgate_fuzz_http)
  else()
    target_link_libraries(${driver} PRIVATE certgate_tls)
  endif()
  target_compile_options(${driver} PRIVATE -fsanitize=fuzzer,${CERTGATE_FUZZ_SANITIZERS} ${CERTGATE_FUZZ_FLAGS})
  target_link_options(${driver} PRIVATE -fsanitize=fuzzer,${CERTGATE_FUZZ_SANITIZERS})
  # The real Cloudflare leaf (a seed of the cert_bundle corpus) is what decisions are checked against.
  target_compile_definitions(${driver} PRIVATE
    CERTGATE_FUZZ_LEAF_DER="${CMAKE_CURRENT_LIST_DIR}/corpus/cert_bundle_fuzz/cloudflare-aop-leaf.der")
  set_target_properties(${driver} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
endforeach()
add_custom_target(fuzz_drivers DEPENDS ${CERTGATE_FUZZ_DRIVERS})
