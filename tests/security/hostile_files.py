"""Hostile office files built in memory for the upload tests, each in well under a second.

- `zip_bomb()`: a real deflate stream of zeros as xl/worksheets/sheet1.xml next to random bytes,
  about 15 MB on the wire and past 600 MB once expanded.
- `billion_laughs()`: a real workbook whose sheet XML declares nested entities.
- `cfb_bytes()`: a real OLE2 compound file (version 3, 512-byte sectors) with the given streams:
  an Excel 97 workbook ("Workbook") or a password-protected .xlsx ("EncryptionInfo",
  "EncryptedPackage"), the containers Office itself writes.
- `macro_workbook()`: vbaProject.bin plus the macro-enabled content type, as Excel saves .xlsm.
- `truncated()`: the first part of a real workbook, as an interrupted download leaves it.
"""

import io
import os
import struct
import zipfile
import zlib

from tests.party.xlsx_helpers import member, workbook_bytes

MB = 1024 * 1024


def real_workbook() -> bytes:
    """A valid import workbook (one member of cell CBA) that the upload would accept."""
    return workbook_bytes(None, [member("Nguyễn Văn Mới", "CBA")])


def _raw_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of already deflated entries: (name, deflated data, crc, uncompressed size, method)."""
    body, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size, method in entries:
        offset = body.tell()
        encoded = name.encode()
        fields = struct.pack("<HHHHHIII", 20, 0, method, 0, 0x21, crc, len(data), size)
        body.write(b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + data)
        central.write(
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, offset)
            + encoded
        )
    directory = central.getvalue()
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), body.tell(), 0
    )
    return body.getvalue() + directory + end


def zip_bomb(zeros_mb: int = 640, padding_mb: int = 14) -> bytes:
    """Every entry of a real workbook, with sheet1.xml replaced by `zeros_mb` MB of zeros
    (deflated once per MB with a full flush, so the compressed block repeats) and
    `padding_mb` MB of random bytes stored as an image, to reach the size on the wire."""
    chunk = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(zeros_mb):
        crc = zlib.crc32(chunk, crc)
    sheet = block * zeros_mb + tail
    assert zlib.decompressobj(-15).decompress(block + tail) == chunk  # the block stands alone
    source = zipfile.ZipFile(io.BytesIO(real_workbook()))
    entries = []
    for info in source.infolist():
        if info.filename == "xl/worksheets/sheet1.xml":
            entries.append((info.filename, sheet, crc, zeros_mb * MB, zipfile.ZIP_DEFLATED))
            continue
        data = source.read(info.filename)
        entries.append((info.filename, data, zlib.crc32(data), len(data), zipfile.ZIP_STORED))
    padding = os.urandom(padding_mb * MB)
    entries.append(("xl/media/image1.png", padding, zlib.crc32(padding), len(padding), zipfile.ZIP_STORED))
    return _raw_zip(entries)


def replace_entries(data: bytes, entries: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename not in entries:
                archive.writestr(info.filename, source.read(info.filename))
        for name, content in entries.items():
            archive.writestr(name, content)
    return output.getvalue()


LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
    b"</worksheet>"
)


def billion_laughs() -> bytes:
    """A real workbook whose first sheet expands &lol9; to 10^9 "lol"s if entities were honoured."""
    return replace_entries(real_workbook(), {"xl/worksheets/sheet1.xml": LAUGHS})


def macro_workbook() -> bytes:
    """What Excel saves as .xlsm: a VBA project part and the macro-enabled main content type."""
    data = real_workbook()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    assert b"macroEnabled" in types
    return replace_entries(
        data, {"[Content_Types].xml": types, "xl/vbaProject.bin": cfb_bytes({"VBA": b"x"})}
    )


def truncated() -> bytes:
    data = real_workbook()
    return data[: len(data) * 2 // 3]


FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR = 512


def _dir_entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", NO_STREAM, right, child)
        + bytes(16 + 4 + 8 + 8)
        + struct.pack("<IQ", start, size)
    )


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A compound file with up to three streams under the root; each stream is padded to at
    least 4096 bytes so it lives in regular sectors (no mini stream to build)."""
    assert len(streams) <= 3
    datas = [data.ljust(4096, b"\0") for data in streams.values()]
    sectors = [-(-len(data) // SECTOR) for data in datas]
    fat = [FAT_SECTOR, END]  # sector 0: the FAT itself, sector 1: the directory
    starts = []
    for count in sectors:
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [END]
    assert len(fat) <= SECTOR // 4
    names = list(streams)
    directory = _dir_entry("Root Entry", 5, 1 if names else NO_STREAM, NO_STREAM, END, 0)
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else NO_STREAM
        directory += _dir_entry(name, 2, NO_STREAM, right, starts[index - 1], len(streams[name]))
    directory = directory.ljust(SECTOR, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", FREE) * 108
    )
    assert len(header) == SECTOR
    fat_sector = b"".join(struct.pack("<I", entry) for entry in fat).ljust(SECTOR, b"\xff")
    body = b"".join(data.ljust(count * SECTOR, b"\0") for data, count in zip(datas, sectors, strict=True))
    return header + fat_sector + directory + body
