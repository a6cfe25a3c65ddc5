# The fuzz targets and the libraries each one needs. A target whose libraries are not part of
# this build (another component not built) is left out, so the list can name them all.
set(HS_FUZZ_TARGETS fuzz_hash_hex fuzz_list_text fuzz_hsl_loader fuzz_query_reader
    fuzz_media_decode fuzz_tiff_decode fuzz_archive_read fuzz_ncmec_xml fuzz_vics_json)
set(HS_FUZZ_LIBS_fuzz_hash_hex hashsieve_core)
set(HS_FUZZ_LIBS_fuzz_list_text hashsieve_match)
set(HS_FUZZ_LIBS_fuzz_hsl_loader hashsieve_match)
set(HS_FUZZ_LIBS_fuzz_query_reader hashsieve_match)
set(HS_FUZZ_LIBS_fuzz_ncmec_xml hashsieve_match)
set(HS_FUZZ_LIBS_fuzz_vics_json hashsieve_match)
set(HS_FUZZ_LIBS_fuzz_media_decode hashsieve_media hashsieve_pipeline)
set(HS_FUZZ_LIBS_fuzz_tiff_decode hashsieve_media)
set(HS_FUZZ_LIBS_fuzz_archive_read hashsieve_archive)

# out = TRUE when every library `target` needs exists in this build.
function(hs_fuzz_ready target out)
  set(ready TRUE)
  foreach(lib IN LISTS HS_FUZZ_LIBS_${target})
    if(NOT TARGET ${lib})
      set(ready FALSE)
    endif()
  endforeach()
  set(${out} ${ready} PARENT_SCOPE)
endfunction()
