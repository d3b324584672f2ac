# Compiles fleetsim's Chakra schema (src/fleetsim/chakra/chakra_et.proto) with Debian's protoc into
# ${CMAKE_BINARY_DIR}/generated/fleetsim/chakra/chakra_et.pb.{h,cc}, and sets CHAKRA_PB_SOURCES to them. Used by
# the main build and the fuzz build. Generated code is compiled without warnings (it is not ours to fix).
find_package(Protobuf REQUIRED)
function(fleetsim_chakra_proto root)
  set(out ${CMAKE_BINARY_DIR}/generated)
  set(proto ${root}/src/fleetsim/chakra/chakra_et.proto)
  set(sources ${out}/fleetsim/chakra/chakra_et.pb.cc ${out}/fleetsim/chakra/chakra_et.pb.h)
  add_custom_command(
    OUTPUT ${sources}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND protobuf::protoc --cpp_out=${out} -I ${root}/src ${proto}
    DEPENDS ${proto}
    VERBATIM
    COMMENT "Compiling the Chakra trace schema")
  set_source_files_properties(${out}/fleetsim/chakra/chakra_et.pb.cc PROPERTIES COMPILE_OPTIONS -w)
  set(CHAKRA_PB_SOURCES ${sources} PARENT_SCOPE)
endfunction()
