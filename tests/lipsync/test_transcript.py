"""Transcripts: words the dictionary knows, in order; the rest reported."""

from studio.lipsync.transcript import dictionary_words, words_of


def test_words_are_lower_cased_and_unknown_ones_reported(tmp_path):
    dictionary = tmp_path / "dict"
    dictionary.write_text("hello HH AH L OW\nhello(2) HH EH L OW\nworld W ER L D\ndon't D OW N T\n")
    known = dictionary_words(str(dictionary))
    words, unknown = words_of("Hello, WORLD! Don't zorp.", known)
    assert words == ["hello", "world", "don't"]
    assert unknown == ["zorp"]
