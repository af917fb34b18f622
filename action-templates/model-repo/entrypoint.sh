#!/bin/sh
# SageMaker starts serving containers as `docker run <image> serve`; plain `docker run <image>` serves too.
# Anything else runs as a command (e.g. `docker run <image> python3 train.py --model-dir /tmp/m`).
# --preload imports the app (scikit-learn and the model) once, before the workers fork: start-up costs one
# import instead of one per worker, and the workers share the model's memory.
set -e
if [ "$#" -eq 0 ] || [ "$1" = "serve" ]; then
  exec gunicorn --bind "0.0.0.0:${PORT:-8080}" --workers "${MODEL_SERVER_WORKERS:-2}" \
    --timeout "${MODEL_SERVER_TIMEOUT:-60}" --preload --chdir /opt/program serve:app
fi
exec "$@"
