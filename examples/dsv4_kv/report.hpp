// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file report.hpp
/// The outputs of a run: tables on stdout, the JSON document, the SVG rate–distortion plot.

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "run.hpp"

namespace dsv4 {

/// Prints the readable report.
void print_report(const run_result& r, std::FILE* out);

/// The JSON document (docs/dsv4.md describes every field).
nlohmann::json to_json(const run_result& r);

/// The rate–distortion plot as a standalone SVG document: one panel per stream, rel-MSE (log
/// scale) against bits per vector, baselines marked.
std::string to_svg(const run_result& r);

} // namespace dsv4
