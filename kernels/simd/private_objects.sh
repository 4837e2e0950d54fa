#!/bin/sh
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# Makes one instruction set's kernel library private: a relocatable link of all its objects,
# the hidden symbols (everything but the table function; the ISA sources are compiled with
# -fvisibility=hidden) made local, and the COMDAT groups dissolved, so that the linker can
# neither pick this object's copy of an inline function for other code nor drop it for another
# object's copy (kernels/simd/kernels.hpp).
# Usage: private_objects.sh LD OBJCOPY IN.a OUT.o
set -e
"$1" -r -o "$4" --whole-archive "$3"
"$2" --localize-hidden --remove-section=.group "$4"
