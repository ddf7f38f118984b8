"""The evaluation job and its CLI on synthetic clips, for built-in, plugin and trained generators."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import yaml

from studio.cli import main
from studio.core.errors import UserError
from studio.evaluation import evaluate as evaluation
from studio.evaluation.motion import grid_points, tracked_motion
from studio.training.trainer import train
from tests.training.synthetic_clips import make_clip, make_dataset, tiny_config


def test_identical_videos_give_zero_l1_and_infinite_psnr_in_the_report(tmp_path):
    truth = list(make_clip(0, frames=4, size=32))
    video = evaluation.measure_video("same", truth, [f.copy() for f in truth], akd=False)
    assert video.l1 == 0 and math.isinf(video.psnr) and video.ssim == pytest.approx(1)
    assert video.temporal == pytest.approx(video.temporal_reference)
    overall = evaluation.summarise([video])
    assert overall["l1"] == 0 and math.isinf(overall["psnr"])
    text = json.dumps(evaluation._plain({"overall": overall}))
    assert '"psnr": "inf"' in text


def test_akd_uses_face_landmarks_when_the_first_frame_has_a_face(monkeypatch):
    def fake_landmarks(image):
        ys, xs = np.nonzero(image[:, :, 0] > 200)
        if not len(xs):
            return None
        return np.array([[xs.mean(), ys.mean(), 0.0], [xs.min(), ys.min(), 0.0]], np.float32)

    monkeypatch.setattr(evaluation, "_face_landmarks", fake_landmarks)
    truth = [np.zeros((32, 32, 3), np.uint8) for _ in range(3)]
    for frame in truth:
        frame[10:16, 10:16, 0] = 255
    shifted = [np.roll(np.roll(f, 3, axis=1), 4, axis=0) for f in truth]
    assert evaluation.measure_video("face", truth, shifted).akd == pytest.approx(5.0)
    faceless = [np.zeros((32, 32, 3), np.uint8) for _ in range(3)]
    assert evaluation.measure_video("none", faceless, faceless).akd is None


def test_grid_points_are_tracked_through_a_moving_clip():
    frames = list(make_clip(4, frames=5, size=64))
    assert grid_points(64, 64, 4).tolist() == [[16, 16], [48, 16], [16, 48], [48, 48]]
    motions = tracked_motion(frames, 9)
    assert len(motions) == 5 and motions[0].positions.shape == (9, 2)
    assert np.allclose(motions[0].positions, grid_points(64, 64, 9))
    assert np.isfinite(motions[-1].positions).all()


@pytest.mark.parametrize("model", ["warp", "tps"])
def test_evaluate_writes_a_report_and_plots(model, eval_data, tmp_path):
    out = tmp_path / "report"
    report = evaluation.evaluate(model, eval_data, out, size=32, all_clips=True, akd=False, device="cpu")
    saved = json.loads((out / "report.json").read_text())
    assert saved["overall"]["videos"] == 3 and saved["split"] == "all" and saved["size"] == 32
    assert saved["keypoints"] == "tracked-grid"
    assert [v["name"] for v in saved["videos"]] == ["clip0", "clip1", "clip2"]
    for video in saved["videos"]:
        assert len(video["per_frame"]["l1"]) == 6 and video["per_frame"]["l1"][0] < 0.05
        assert 0 < video["ssim"] <= 1 and video["temporal"] is not None
    assert (out / "per_frame.png").stat().st_size > 1000 and (out / "summary.png").is_file()
    assert report["overall"]["l1"] == pytest.approx(saved["overall"]["l1"])


@pytest.mark.slow
def test_evaluate_a_trained_model_on_its_held_out_videos(tmp_path):
    data = make_dataset(tmp_path / "data", clips=4, frames=5, size=32)
    config = tmp_path / "tiny.yaml"
    config.write_text(yaml.safe_dump(tiny_config(steps=1)))
    result = train(data, tmp_path / "run", config=config)
    run = tmp_path / "run"
    report = evaluation.evaluate("fomm", data, tmp_path / "report", config=str(run / "config.yaml"),
                                 checkpoint=str(run / "checkpoint.pth.tar"), akd=True, device="cpu")
    assert report["split"] == "held-out" and report["size"] == 32
    assert [v["name"] for v in report["videos"]] == list(result.held_out)
    assert report["videos"][0]["akd"] is None and report["keypoints"] == "generator"
    driven = evaluation.evaluate("warp", data, tmp_path / "warp", config=str(run / "config.yaml"),
                                 checkpoint=str(run / "checkpoint.pth.tar"), akd=False, device="cpu")
    assert driven["keypoints"] == "fomm-detector" and driven["size"] == 32
    with pytest.raises(UserError, match="both --config and --checkpoint"):
        evaluation.evaluate("warp", data, tmp_path / "warp", config=str(run / "config.yaml"), akd=False)


def test_cli_bad_inputs_exit_2_with_one_line(eval_data, tmp_path, capsys):
    cases = [
        (["evaluate", "--model", "warp", str(tmp_path / "missing"), "-o", str(tmp_path / "r")], "is not a folder"),
        (["evaluate", "--model", "nope", str(eval_data), "-o", str(tmp_path / "r")], "unknown generator"),
        (["evaluate", "--model", "fomm", str(eval_data), "-o", str(tmp_path / "r")], "--config"),
        (["evaluate", "--model", "warp", "--max-frames", "1", str(eval_data), "-o", str(tmp_path / "r")],
         "--max-frames"),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and message in err, err


def test_cli_evaluate_prints_the_overall_figures(eval_data, tmp_path, capsys):
    assert main(["evaluate", "--model", "warp", "--size", "32", "--no-akd", str(eval_data), "-o",
                 str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "PSNR" in out and "report.json" in out


def test_evaluate_refuses_a_file_as_the_report_folder(eval_data, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="is a file"):
        evaluation.evaluate("warp", eval_data, tmp_path / "file", akd=False)
