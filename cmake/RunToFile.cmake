# cmake -DPROGRAM=<exe> -DARGS="a;b" -DOUTPUT=<file> -P RunToFile.cmake: runs the program and
# writes its stdout to the file (build steps that generate text from the binary: the man page
# and the bash completion). Fails the build when the program fails.
execute_process(COMMAND "${PROGRAM}" ${ARGS} OUTPUT_FILE "${OUTPUT}.tmp" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE "${OUTPUT}.tmp")
  message(FATAL_ERROR "${PROGRAM} ${ARGS} failed: ${rc}")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
