"""`python main.py train`: a run through the CLI, warnings for skipped files, one-line errors."""

from __future__ import annotations

from studio.cli import main


def test_cli_trains_and_warns_about_skipped_files(data_dir, write_config, tmp_path, capsys):
    (data_dir / "broken.mov").write_bytes(b"junk")
    run = tmp_path / "run"
    argv = ["train", str(data_dir), "-o", str(run), "--config", str(write_config(steps=2)), "--threads", "1"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "trained to step 2" in captured.out and "render --model fomm" in captured.out
    assert "warning: skipping broken.mov" in captured.err
    assert "step 2/2 reconstruction" in captured.err
    assert "skipping broken.mov" in (run / "train.log").read_text()
    assert main(["train", str(data_dir), "-o", str(run), "--resume", "--steps", "3", "--threads", "1"]) == 0
    assert "trained to step 3" in capsys.readouterr().out


def test_cli_bad_inputs_exit_2_with_one_line(data_dir, write_config, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    config = str(write_config(steps=1))
    cases = [
        (["train", str(empty), "-o", str(tmp_path / "a"), "--config", config], "holds no videos"),
        (["train", str(data_dir), "-o", str(tmp_path / "b"), "--size", "50"], "multiple of 16"),
        (["train", str(data_dir), "-o", str(tmp_path / "c"), "--steps", "0"], "--steps 0"),
        (["train", str(data_dir), "-o", str(tmp_path / "d"), "--resume"], "nothing to resume"),
        (["train", str(data_dir), "-o", str(tmp_path / "e"), "--config", str(tmp_path / "no.yaml")], "not found"),
        (["train", str(data_dir), "-o", str(tmp_path / "f"), "--workers", "-1"], "--workers"),
    ]
    for argv, message in cases:
        assert main([*argv, "--threads", "1"]) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and message in err, err
