"""The change stamp processes on one machine share (store/changes.py): no process's change
goes unnoticed by another, whoever writes next."""

from __future__ import annotations

from blog.store.changes import ChangeStamp


def test_a_change_is_noticed_even_when_the_noticing_process_stamps_first(tmp_path):
    first, second = ChangeStamp(tmp_path / "stamp"), ChangeStamp(tmp_path / "stamp")  # as two workers
    try:
        first.stamp()  # the first worker publishes a live event (or commits)
        second.stamp()  # the second stamps its own before its watcher looked
        assert second.changed_elsewhere()  # it still reads what the first wrote
        assert not second.changed_elsewhere()  # once
        assert first.changed_elsewhere()  # and the first hears of the second's
        second.stamp()
        assert not second.changed_elsewhere()  # its own change alone is no news to it
    finally:
        first.close()
        second.close()
