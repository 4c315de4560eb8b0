# Benchmarks (-DCERTGATE_BENCH=ON; `make bench` runs them through scripts/run-bench):
#   bench/loadgen        the mTLS load generator (also built by bench/loadgen.cmake in every build)
#   bench/decide_bench   Google Benchmark: decide() with 1, 100 and 10,000 mappings
#   bench/header_bench   Google Benchmark: the upstream request header rewrite
if(NOT TARGET certgate_loadgen)
  include(${CMAKE_CURRENT_LIST_DIR}/loadgen.cmake)
endif()

find_package(benchmark REQUIRED)

add_executable(certgate_decide_bench ${CMAKE_CURRENT_LIST_DIR}/decide_bench.cpp)
target_include_directories(certgate_decide_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(certgate_decide_bench PRIVATE certgate_tls benchmark::benchmark)

add_executable(certgate_header_bench ${CMAKE_CURRENT_LIST_DIR}/header_bench.cpp)
target_include_directories(certgate_header_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(certgate_header_bench PRIVATE certgate_net benchmark::benchmark)

set_target_properties(certgate_decide_bench PROPERTIES OUTPUT_NAME decide_bench
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
set_target_properties(certgate_header_bench PROPERTIES OUTPUT_NAME header_bench
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
