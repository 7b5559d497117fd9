#!/bin/bash -eu
# ClusterFuzzLite build: the OSS-Fuzz build script of fuzz/oss-fuzz/, unchanged, so both build the same way.
exec bash "$SRC/imaplab/fuzz/oss-fuzz/build.sh"
