# End-to-end tests: each tests/e2e/*.py starts the real certgate binary and drives it with curl and
# openssl s_client. The fixture test e2e.pki makes the test PKI first (openssl CLI, at test time).
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(STATUS "e2e tests disabled: no Python 3 interpreter")
else()
  set(CERTGATE_E2E_DIR ${CMAKE_SOURCE_DIR}/tests/e2e)
  set(CERTGATE_E2E_PKI_DIR ${CMAKE_BINARY_DIR}/e2e/pki)

  add_test(NAME e2e.pki
    COMMAND ${Python3_EXECUTABLE} ${CERTGATE_E2E_DIR}/harness/make_pki.py ${CERTGATE_E2E_PKI_DIR})
  set_tests_properties(e2e.pki PROPERTIES FIXTURES_SETUP e2e_pki LABELS e2e TIMEOUT 120)

  file(GLOB CERTGATE_E2E_SCRIPTS CONFIGURE_DEPENDS ${CERTGATE_E2E_DIR}/*.py)
  foreach(script IN LISTS CERTGATE_E2E_SCRIPTS)
    get_filename_component(stem ${script} NAME_WE)
    add_test(NAME e2e.${stem} COMMAND ${Python3_EXECUTABLE} ${script})
    set_tests_properties(e2e.${stem} PROPERTIES
      FIXTURES_REQUIRED e2e_pki
      ENVIRONMENT "CERTGATE_BIN=$<TARGET_FILE:certgate>;CERTGATE_BUILD_DIR=${CMAKE_BINARY_DIR};CERTGATE_E2E_PKI=${CERTGATE_E2E_PKI_DIR};CERTGATE_TEST_DATA_DIR=${CMAKE_SOURCE_DIR}/tests/data;PYTHONPATH=${CERTGATE_E2E_DIR};PYTHONDONTWRITEBYTECODE=1"
      TIMEOUT 120
      LABELS e2e
      SKIP_RETURN_CODE 77)
  endforeach()

  # The package tests run cpack (strip, dpkg-shlibdeps) and dpkg; the container test builds an image. The
  # installing test and the one running as the package's user take turns (one creates and removes that user).
  set_tests_properties(e2e.deb_package_holds_binary_units_config_and_man_page PROPERTIES TIMEOUT 600)
  set_tests_properties(e2e.deb_package_installs_checks_and_purges PROPERTIES TIMEOUT 900 RESOURCE_LOCK certgate_user)
  set_tests_properties(e2e.binds_privileged_port_as_certgate_user_with_only_net_bind_service PROPERTIES
    RESOURCE_LOCK certgate_user)
  set_tests_properties(e2e.container_image_builds_and_serves PROPERTIES TIMEOUT 3600)
endif()
