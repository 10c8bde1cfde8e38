# cmake -DOUTPUT=<file.cc> -DINPUTS=<a.yaml;b.yaml> -P embed_machines.cmake
#
# Writes a C++ source defining gpulet::mock::EmbeddedMachines() with the
# text of each profile, so the mock library needs no files at run time.
list(SORT INPUTS)
set(body "")
foreach(input IN LISTS INPUTS)
  get_filename_component(name "${input}" NAME_WE)
  file(READ "${input}" text)
  string(FIND "${text}" ")gpulet_yaml\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${input} contains the raw string delimiter")
  endif()
  string(APPEND body "      {\"${name}\", R\"gpulet_yaml(${text})gpulet_yaml\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from mock/machines/*.yaml by embed_machines.cmake.
#include \"mock/nvml/embedded_machines.h\"

namespace gpulet::mock {

const std::vector<EmbeddedMachine>& EmbeddedMachines() {
  static const auto* machines = new std::vector<EmbeddedMachine>{
${body}  };
  return *machines;
}

}  // namespace gpulet::mock
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
