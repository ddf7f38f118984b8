"""Face landmarks on still images (mediapipe face mesh) and the RGB uint8 check every detector and tracker takes.

Sits below engine and capture, which both use it; imports only core, numpy and (lazily) mediapipe.
"""
