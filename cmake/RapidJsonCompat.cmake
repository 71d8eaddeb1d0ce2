# Clang 19 refuses to compile Debian's RapidJSON 1.1.0: document.h defines a copy assignment of
# GenericStringRef that assigns a const member. It is never instantiated (GCC, and clang before
# 19, accept it unused), and upstream has since deleted it. For clang 19 (the fuzz build), the
# installed headers are copied into the build folder at configure time without that one line and
# searched before /usr/include. Nothing is fetched or kept in the repository; with a RapidJSON
# that no longer has the line, the installed headers are used as they are.
find_file(_rj_document rapidjson/document.h HINTS ${RAPIDJSON_INCLUDE_DIRS} NO_CACHE REQUIRED)
file(READ "${_rj_document}" _rj_text)
set(_rj_broken
    "GenericStringRef& operator=(const GenericStringRef& rhs) { s = rhs.s; length = rhs.length; }")
string(FIND "${_rj_text}" "${_rj_broken}" _rj_at)
if(_rj_at GREATER -1)
  get_filename_component(_rj_dir "${_rj_document}" DIRECTORY)
  set(_rj_compat "${PROJECT_BINARY_DIR}/rapidjson-compat")
  file(REMOVE_RECURSE "${_rj_compat}")
  file(COPY "${_rj_dir}" DESTINATION "${_rj_compat}")
  string(REPLACE "${_rj_broken}" "" _rj_text "${_rj_text}")
  file(WRITE "${_rj_compat}/rapidjson/document.h" "${_rj_text}")
  # SYSTEM: warnings stay off for these headers, as for the installed ones.
  target_include_directories(standard_settings SYSTEM BEFORE INTERFACE "${_rj_compat}")
  message(STATUS "RapidJSON: ${_rj_compat} (document.h without the assignment clang 19 refuses)")
endif()
