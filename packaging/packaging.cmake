# Installation and the Debian package: `make package` (cpack -G DEB in the build directory) writes
# build/certgate_<version>_<arch>.deb with the binary, the systemd units, the default configuration, the man
# page certgate(8), the logrotate snippet and the documentation. docs/operations.md describes the package.
#
# Paths are absolute and Debian's (/etc, /lib/systemd/system): the package is the one way these rules are used.
set(CERTGATE_PKG_DIR ${CMAKE_CURRENT_LIST_DIR})

install(TARGETS certgate RUNTIME DESTINATION bin)
install(FILES ${CERTGATE_PKG_DIR}/config/certgate.toml DESTINATION /etc/certgate)
install(FILES ${CERTGATE_PKG_DIR}/logrotate/certgate DESTINATION /etc/logrotate.d)
install(FILES ${CERTGATE_PKG_DIR}/systemd/certgate.service ${CERTGATE_PKG_DIR}/systemd/certgate@.service
        DESTINATION /lib/systemd/system)
# The public CA the shipped configuration trusts, with the note saying where it comes from.
install(FILES ${CMAKE_SOURCE_DIR}/tests/data/aop-certs/cloudflare-aop-origin-pull-ca-2019-2029.pem
        DESTINATION share/certgate RENAME cloudflare-origin-pull-ca.pem)
install(FILES ${CERTGATE_PKG_DIR}/share/README.md DESTINATION share/certgate)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/config.md ${CMAKE_SOURCE_DIR}/docs/operations.md
        ${CMAKE_SOURCE_DIR}/docs/tools.md ${CMAKE_SOURCE_DIR}/docs/security.md ${CMAKE_SOURCE_DIR}/docs/metrics.md
        DESTINATION share/doc/certgate)

# certgate(8), from the binary's --help (packaging/man/make_man.cmake), rebuilt whenever the binary is.
find_program(HELP2MAN help2man)
find_program(GZIP gzip)
if(HELP2MAN AND GZIP)
  set(CERTGATE_MAN ${CMAKE_BINARY_DIR}/man/certgate.8)
  add_custom_command(
    OUTPUT ${CERTGATE_MAN}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${CMAKE_COMMAND} -DCERTGATE=$<TARGET_FILE:certgate> -DHELP2MAN=${HELP2MAN}
            -DSTATIC=${CERTGATE_PKG_DIR}/man/certgate.h2m -DOUT=${CERTGATE_MAN} -P ${CERTGATE_PKG_DIR}/man/make_man.cmake
    COMMAND ${GZIP} -9nf ${CERTGATE_MAN}
    DEPENDS certgate ${CERTGATE_PKG_DIR}/man/make_man.cmake ${CERTGATE_PKG_DIR}/man/certgate.h2m
    COMMENT "certgate(8) from certgate --help"
    VERBATIM)
  add_custom_target(certgate_man ALL DEPENDS ${CERTGATE_MAN}.gz)
  install(FILES ${CERTGATE_MAN}.gz DESTINATION share/man/man8)
else()
  message(WARNING "help2man or gzip not found (scripts/install-deps installs them): no man page, the package lacks certgate(8)")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME certgate)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "certgate maintainers <certgate@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "TLS gateway that admits only the CDN that should reach the origin")
# The extended description (CPack puts the summary above it and indents each line).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "certgate terminates TLS in front of an origin server, verifies the client certificate
a CDN edge presents (Cloudflare Authenticated Origin Pulls, or any mTLS client), maps it
to an identity with IIS-compatible rules, refuses everyone else with an IIS-style status
and a log line saying why, and proxies admitted requests to the origin.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # certgate_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # libssl3, libspdlog1.10, ... from dpkg-shlibdeps (dpkg-dev)
# postinst: adduser (the user), openssl (the self-signed certificate).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, openssl")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "logrotate")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CERTGATE_PKG_DIR}/debian/conffiles ${CERTGATE_PKG_DIR}/debian/postinst
    ${CERTGATE_PKG_DIR}/debian/prerm ${CERTGATE_PKG_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The binary without its debug information (RelWithDebInfo builds carry it: over 100 MB).
set(CPACK_STRIP_FILES ON)
include(CPack)
