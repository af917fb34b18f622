"""Trains the starter model: a gradient-boosted regressor predicting diabetes progression one year after
baseline from ten standardised clinical features (scikit-learn's bundled diabetes data set, so nothing is
downloaded). Writes the model and a metrics JSON that register-model records with the version."""

import argparse
import json
import os

import joblib
from sklearn.datasets import load_diabetes
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split

FEATURES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]


def train(model_dir: str) -> dict:
    features, target = load_diabetes(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(features, target, test_size=0.2, random_state=42)
    # Fixed seeds keep training deterministic, so smoke-test expectations stay valid across rebuilds.
    model = GradientBoostingRegressor(n_estimators=200, max_depth=3, learning_rate=0.05, random_state=0)
    model.fit(x_train, y_train)
    predictions = model.predict(x_test)
    metrics = {
        "r2": round(float(r2_score(y_test, predictions)), 6),
        "mae": round(float(mean_absolute_error(y_test, predictions)), 6),
        "rmse": round(float(mean_squared_error(y_test, predictions) ** 0.5), 6),
        "train_rows": int(len(x_train)),
        "test_rows": int(len(x_test)),
    }
    os.makedirs(model_dir, exist_ok=True)
    joblib.dump({"model": model, "features": FEATURES}, os.path.join(model_dir, "model.joblib"))
    with open(os.path.join(model_dir, "metrics.json"), "w", encoding="utf-8") as handle:
        json.dump(metrics, handle, indent=2)
    return metrics


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    arguments = parser.parse_args()
    print(json.dumps(train(arguments.model_dir)))
