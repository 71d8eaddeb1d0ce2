# Installing and the Debian package (packaging/README.md): `cmake --build build --target package`
# or scripts/package.sh. The package holds the ml-connector binary (never ml-connector-sim, which
# only the tests and the demo use), its man page and bash completion (generated from the binary
# at build time, so they cannot drift from --help), the systemd units, the sysusers entry for the
# service user, ml-connector-admin, and the example config and README under
# /usr/share/doc/ml-connector/. Runtime dependencies are computed by dpkg-shlibdeps from the
# binary's shared libraries, so they carry Debian's own names (libcurl4, libsodium23, …).
set(MLC_GENERATED_DOCS "${PROJECT_BINARY_DIR}/generated-docs")
file(MAKE_DIRECTORY "${MLC_GENERATED_DOCS}")
add_custom_command(
  OUTPUT "${MLC_GENERATED_DOCS}/ml-connector.1"
  COMMAND "${CMAKE_COMMAND}" "-DPROGRAM=$<TARGET_FILE:ml-connector>" "-DARGS=completion;man"
          "-DOUTPUT=${MLC_GENERATED_DOCS}/ml-connector.1" -P "${PROJECT_SOURCE_DIR}/cmake/RunToFile.cmake"
  DEPENDS ml-connector "${PROJECT_SOURCE_DIR}/cmake/RunToFile.cmake"
  COMMENT "Generating the man page ml-connector.1"
  VERBATIM)
add_custom_command(
  OUTPUT "${MLC_GENERATED_DOCS}/ml-connector.bash"
  COMMAND "${CMAKE_COMMAND}" "-DPROGRAM=$<TARGET_FILE:ml-connector>" "-DARGS=completion;bash"
          "-DOUTPUT=${MLC_GENERATED_DOCS}/ml-connector.bash" -P "${PROJECT_SOURCE_DIR}/cmake/RunToFile.cmake"
  DEPENDS ml-connector "${PROJECT_SOURCE_DIR}/cmake/RunToFile.cmake"
  COMMENT "Generating the bash completion"
  VERBATIM)
add_custom_target(ml-connector-docs ALL
  DEPENDS "${MLC_GENERATED_DOCS}/ml-connector.1" "${MLC_GENERATED_DOCS}/ml-connector.bash")

include(GNUInstallDirs)
install(TARGETS ml-connector RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(PROGRAMS packaging/ml-connector-admin DESTINATION "${CMAKE_INSTALL_SBINDIR}")
install(FILES "${MLC_GENERATED_DOCS}/ml-connector.1" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES "${MLC_GENERATED_DOCS}/ml-connector.bash"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions" RENAME ml-connector)
install(FILES packaging/ml-connector-listen.service packaging/ml-connector-run.service
              packaging/ml-connector-run.timer
        DESTINATION lib/systemd/system)
install(FILES packaging/sysusers.conf DESTINATION lib/sysusers.d RENAME ml-connector.conf)
install(FILES packaging/ml-connector.json.example README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}")
# Debian's name for the notes on how the package is set up (the units, the user, the key).
install(FILES packaging/README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}" RENAME README.Debian)
install(FILES LICENSE DESTINATION "${CMAKE_INSTALL_DOCDIR}" RENAME copyright)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ml-connector)
set(CPACK_PACKAGE_VENDOR "ml-connector")
set(CPACK_PACKAGE_CONTACT "ml-connector maintainers <ml-connector@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "keeps Oracle Fusion Cloud ERP and Procore in sync")
set(CPACK_PACKAGE_DESCRIPTION
    "One binary, run by a systemd timer (ml-connector-run.timer), with a webhook listener "
    "(ml-connector-listen.service): Oracle suppliers and GL accounts to Procore, commitments both "
    "ways, Procore costs to Oracle journals, with an audit trail and replay that never "
    "double-posts.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS systemd)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/debian/postinst"
    "${PROJECT_SOURCE_DIR}/packaging/debian/prerm"
    "${PROJECT_SOURCE_DIR}/packaging/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
