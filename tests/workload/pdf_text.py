"""The text a reportlab PDF shows, for tests: its page streams decoded (ASCII85, then
Flate, as reportlab writes them) and the strings of their text operators joined."""

from __future__ import annotations

import base64
import re
import zlib


def pdf_text(pdf: bytes) -> str:
    shown = []
    for match in re.finditer(rb"<<((?:(?!<<).)*?)>>\s*stream\r?\n(.*?)endstream", pdf, flags=re.S):
        head, data = match.group(1), match.group(2).strip()
        if b"/Image" in head:
            continue
        if b"ASCII85Decode" in head:
            data = base64.a85decode(data.removeprefix(b"<~").removesuffix(b"~>"))
        if b"FlateDecode" in head:
            data = zlib.decompress(data)
        for string in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", data, flags=re.S):
            shown.append(string.replace(rb"\(", b"(").replace(rb"\)", b")").decode("latin-1"))
    return " ".join(shown)
