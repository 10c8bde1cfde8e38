# GPULET_STATIC: link gRPC, protobuf, abseil and their helpers from the
# static archives Debian ships next to the shared libraries.
#
# Why: the shared gRPC/protobuf/abseil stack costs about 13.5 MB of library
# pages per process; linked statically with section garbage collection the
# device plugin idles at about half that and answers faster (fewer PLT hops,
# no symbol interposition). glibc stays dynamic because NVML is dlopen()ed.
#
# How: rather than a second, hand-written link line for some targets, the
# imported targets themselves are pointed at the `.a` files. Every module
# keeps linking `absl::strings`, `gRPC::grpc++_unsecure`, ... and so the
# whole binary uses one copy of each library: no module can pull in the
# shared abseil next to the static one. The imported targets already carry
# the complete dependency graph (c-ares, re2, upb, address_sorting), which
# fixes the link order that `pkg-config --static` leaves incomplete.

# Archive of a shared library path: /x/libfoo.so.1.2 → /x/libfoo.a, or ""
# when Debian has no static archive for it.
function(_gpulet_static_archive out path)
  set(${out} "" PARENT_SCOPE)
  if(NOT path MATCHES "^(.*/lib[^/]+)\\.so(\\.[0-9.]+)?$")
    return()
  endif()
  set(archive "${CMAKE_MATCH_1}.a")
  if(EXISTS "${archive}")
    set(${out} "${archive}" PARENT_SCOPE)
  endif()
endfunction()

# "-lfoo" found by the linker in the usual directories → its archive path.
function(_gpulet_static_flag out flag)
  set(${out} "${flag}" PARENT_SCOPE)
  if(NOT flag MATCHES "^-l(.+)$")
    return()
  endif()
  find_library(_gpulet_archive_${CMAKE_MATCH_1} NAMES lib${CMAKE_MATCH_1}.a NO_CACHE)
  if(_gpulet_archive_${CMAKE_MATCH_1})
    set(${out} "${_gpulet_archive_${CMAKE_MATCH_1}}" PARENT_SCOPE)
  endif()
endfunction()

# gpulet_link_static(target ...): makes each existing imported target link
# its static archive. A target without an archive stays shared (zlib, say).
function(gpulet_link_static)
  foreach(target IN LISTS ARGN)
    if(NOT TARGET ${target})
      continue()
    endif()
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
      # Found through pkg-config (re2): the library is a -l flag.
      get_target_property(links ${target} INTERFACE_LINK_LIBRARIES)
      if(links)
        set(static_links "")
        foreach(item IN LISTS links)
          _gpulet_static_flag(item "${item}")
          list(APPEND static_links "${item}")
        endforeach()
        set_target_properties(${target} PROPERTIES INTERFACE_LINK_LIBRARIES "${static_links}")
      endif()
      continue()
    endif()
    get_target_property(configs ${target} IMPORTED_CONFIGURATIONS)
    set(properties IMPORTED_LOCATION)
    foreach(config IN LISTS configs)
      list(APPEND properties IMPORTED_LOCATION_${config})
    endforeach()
    foreach(property IN LISTS properties)
      get_target_property(location ${target} ${property})
      if(NOT location)
        continue()
      endif()
      _gpulet_static_archive(archive "${location}")
      if(archive)
        set_target_properties(${target} PROPERTIES ${property} "${archive}")
      endif()
    endforeach()
  endforeach()
endfunction()

# gpulet_link_static_imported(regex): gpulet_link_static over every target
# imported in the calling directory whose name matches `regex`.
function(gpulet_link_static_imported regex)
  get_directory_property(imported IMPORTED_TARGETS)
  list(FILTER imported INCLUDE REGEX "${regex}")
  gpulet_link_static(${imported})
endfunction()
