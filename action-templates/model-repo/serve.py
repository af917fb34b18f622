"""The inference service, following the SageMaker container contract: GET /ping answers 200 once the
model is loaded, POST /invocations predicts. Accepts application/json ({"instances": [[10 numbers], ...]})
and text/csv (one row of 10 numbers per line); answers {"predictions": [...]} or CSV, per Accept."""

import csv
import io
import json
import math
import os

import joblib
from flask import Flask, Response, request

MODEL_PATH = os.path.join(os.environ.get("MODEL_DIR", "/opt/ml/model"), "model.joblib")
FEATURE_COUNT = 10
MAX_ROWS = 1000

app = Flask(__name__)
_loaded = joblib.load(MODEL_PATH)
model = _loaded["model"]


class BadRequest(Exception):
    """A payload the model cannot score; answered with 400 and the reason."""


def error(status: int, message: str) -> Response:
    return Response(json.dumps({"error": message}), status=status, mimetype="application/json")


def check_rows(rows: list) -> list:
    if not isinstance(rows, list) or not rows:
        raise BadRequest("expected a non-empty list of rows")
    if len(rows) > MAX_ROWS:
        raise BadRequest(f"at most {MAX_ROWS} rows per request")
    checked = []
    for index, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != FEATURE_COUNT:
            raise BadRequest(f"row {index}: expected {FEATURE_COUNT} numbers")
        values = []
        for value in row:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise BadRequest(f"row {index}: {value!r} is not a finite number")
            values.append(float(value))
        checked.append(values)
    return checked


def rows_from_json(body: bytes) -> list:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"body is not valid JSON: {exc}") from exc
    if not isinstance(payload, dict) or "instances" not in payload:
        raise BadRequest('expected a JSON object with "instances": [[10 numbers], ...]')
    return check_rows(payload["instances"])


def rows_from_csv(body: bytes) -> list:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("CSV body is not UTF-8") from exc
    rows = []
    for index, line in enumerate(csv.reader(io.StringIO(text))):
        if not line:
            continue
        try:
            rows.append([float(cell) for cell in line])
        except ValueError as exc:
            raise BadRequest(f"CSV line {index + 1}: {exc}") from exc
    return check_rows(rows)


@app.get("/ping")
def ping() -> Response:
    return Response("", status=200)


@app.post("/invocations")
def invocations() -> Response:
    content_type = (request.content_type or "application/json").split(";")[0].strip().lower()
    try:
        if content_type == "application/json":
            rows = rows_from_json(request.get_data())
        elif content_type == "text/csv":
            rows = rows_from_csv(request.get_data())
        else:
            return error(415, f"unsupported content type {content_type}; use application/json or text/csv")
    except BadRequest as exc:
        return error(400, str(exc))
    predictions = [round(float(value), 6) for value in model.predict(rows)]
    if "text/csv" in (request.headers.get("Accept") or ""):
        return Response("\n".join(str(value) for value in predictions) + "\n", mimetype="text/csv")
    return Response(json.dumps({"predictions": predictions}), mimetype="application/json")
