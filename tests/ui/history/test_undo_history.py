"""The history panel follows the undo stack row by row, also when the undo limit drops the oldest steps."""

from __future__ import annotations

from studio.core.edits import ChangeKeypoint


def rows(view) -> list[tuple[str, bool]]:
    return [(view.item(i).text(), view.item(i).font().italic()) for i in range(view.count())]


def expected(undo) -> list[tuple[str, bool]]:
    return [(text, row > undo.index) for row, text in enumerate(["Opened", *undo.texts()])]


def test_history_rows_match_the_stack_through_edits_undos_and_dropped_steps(qtbot, window) -> None:
    session, view = window.session, window.undo_view
    session.undo.limit = 5

    def rename(name: str) -> None:
        kp = session.project.keypoint("b")
        session.push(ChangeKeypoint(kp, kp.with_changes(name=name), f"Rename {name}"))
        session.finish_gesture()

    for i in range(4):
        rename(f"n{i}")
    session.undo.undo()
    session.undo.undo()
    assert rows(view) == expected(session.undo)
    assert view.currentRow() == 2
    rename("cut")
    assert rows(view) == expected(session.undo)
    for i in range(6):
        rename(f"m{i}")
        assert rows(view) == expected(session.undo)
    assert [text for text, _ in rows(view)] == ["Opened"] + [f"Rename m{i}" for i in range(1, 6)]
    session.undo.set_index(1)
    assert rows(view) == expected(session.undo)
    assert view.currentRow() == 1
