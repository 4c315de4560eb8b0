# The load generator of `make bench` (bench/loadgen.cpp): built by every build, because the end-to-end smoke
# tests tests/e2e/loadgen_smoke_against_certgate.py (against certgate) and
# tests/e2e/loadgen_speaks_h2_with_client_certificate.py (--http2 against nginx) run it. It needs OpenSSL,
# threads and nghttp2 (the --http2 client session).
file(GLOB CERTGATE_LOADGEN_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/loadgen/*.cpp)
add_executable(certgate_loadgen ${CMAKE_CURRENT_LIST_DIR}/loadgen.cpp ${CERTGATE_LOADGEN_SOURCES})
target_include_directories(certgate_loadgen PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(certgate_loadgen PRIVATE OpenSSL::SSL OpenSSL::Crypto Threads::Threads PkgConfig::LIBNGHTTP2)
set_target_properties(certgate_loadgen PROPERTIES OUTPUT_NAME loadgen RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
