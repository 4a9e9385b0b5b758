"""The test vectors of docs/ticket-format.md, read from the doc itself so the doc cannot drift from the code."""

from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "ticket-format.md"


def vectors(kind: str) -> list[dict[str, str]]:
    """Every ```test-vector block of ``kind``, as {field: value} (values are the text after "field: ")."""
    found = []
    for block in DOC.read_text(encoding="utf-8").split("```test-vector\n")[1:]:
        fields = dict(line.split(": ", 1) for line in block.split("```", 1)[0].splitlines())
        if fields["kind"] == kind:
            found.append(fields)
    assert found, f"no {kind} test vectors in {DOC}"
    return found
