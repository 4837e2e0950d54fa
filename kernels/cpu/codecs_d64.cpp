// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The preset codecs for D = 64, instantiated once (one file per D keeps the build parallel).
#include "codec_models.hpp"

template std::shared_ptr<const kakeya::any_codec::model> kakeya::detail::make_model<64>(const kakeya::codec_spec&);
