"""Lip sync from speech: sound to phones (pocketsphinx) to mouth-shape cues (Rhubarb-style rules), no Qt, no torch.

Inside: ``shapes`` and ``phones`` hold the vocabulary, ``animate`` turns timed phones into cues, ``cues`` reads
and writes Rhubarb's TSV/JSON/Moho formats, ``recognize`` and ``pipeline`` run the recogniser on chunks cut at
pauses by ``vad`` (``transcript`` picks the words it can align), ``mouth_keys`` turns cues into keys on a
project's mouth keypoints, ``scoring`` and ``loudness`` measure cues against known phone timings and a
loudness-only baseline. docs/sound.md tells the whole story.
"""
