"""Face landmarks on still images (mediapipe face mesh), the RGB uint8 check every detector and tracker takes,
and the routing of mediapipe's native log lines to the log file.

Sits below engine and capture, which both use it; imports only core, numpy and (lazily) mediapipe.
"""
