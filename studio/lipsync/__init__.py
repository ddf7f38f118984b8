"""Lip sync from speech: sound to phones (pocketsphinx) to mouth-shape cues (Rhubarb-style rules), no Qt, no torch.

Layers inside: ``shapes`` and ``phones`` hold the vocabulary, ``animate`` turns timed phones into cues, ``cues``
reads and writes Rhubarb's TSV/JSON/Moho formats, ``recognize`` and ``pipeline`` run the recogniser on chunks cut
at pauses by ``vad``, ``scoring`` measures cues against known phone timings.
"""
