"""bench/keystrokes.py: every prefix of a typed query timed as a results page, beside the whole."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "keystrokes.py"
spec = importlib.util.spec_from_file_location("bench_keystrokes", BENCH)
keystrokes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(keystrokes)


def test_every_keystroke_is_a_request():
    assert keystrokes.prefixes("camp as") == [
        "c",
        "ca",
        "cam",
        "camp",
        "camp ",
        "camp a",
        "camp as",
    ]


def test_a_run_times_each_prefix_and_the_whole_query(search_index):
    result = keystrokes.run(search_index, count=3, seed=1)
    assert len(result["queries"]) == 3
    typed = sum(len(query) for query in result["queries"])
    assert result["keystroke_ms"]["n"] == typed
    assert result["whole_query_ms"]["n"] == 3
    assert "results page per keystroke" in keystrokes.report(result)


def test_a_folder_without_an_index_is_a_one_line_error(tmp_path, capsys):
    assert keystrokes.main(["--index", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"bench/keystrokes.py: no index in {tmp_path}\n"
