# Sanitizer and libFuzzer flags for the asan and fuzz presets.
if((IMAPLAB_SANITIZE OR IMAPLAB_FUZZ) AND NOT IMAPLAB_OSS_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(IMAPLAB_FUZZ AND NOT IMAPLAB_OSS_FUZZ)
  # Instrument the libraries for coverage; fuzz targets link the libFuzzer engine themselves.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(IMAPLAB_FUZZ)
  add_compile_definitions(IMAPLAB_FUZZING_BUILD=1)
endif()
# Helper: an imaplab library made of every .cpp in the calling folder.
function(imaplab_layer name)
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE imaplab_warnings)
endfunction()
