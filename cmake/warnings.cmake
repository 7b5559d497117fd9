# Project-wide warnings; applied to imaplab's own targets through imaplab_warnings.
add_library(imaplab_warnings INTERFACE)
target_compile_options(imaplab_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
