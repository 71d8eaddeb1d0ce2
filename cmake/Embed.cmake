# mlc_embed(<out_var> <symbol> <file>...): turns text files (JSON Schemas, SQL migrations) into
# a generated C++ source so the binary never looks for them on disk at run time.
function(mlc_embed out_var symbol)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cpp")
  # The file list is one -D argument: its ';' separators must not split the command line
  # (with two or more files they would), so they travel as $<SEMICOLON>.
  string(REPLACE ";" "$<SEMICOLON>" files "${ARGN}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} "-DFILES=${files}"
            -P "${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake"
    DEPENDS ${ARGN} "${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake"
    COMMENT "Embedding ${symbol}"
    VERBATIM)
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()
