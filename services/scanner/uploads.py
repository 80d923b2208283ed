"""What arrives as an upload: the raw file with its content type, or a browser's
multipart/form-data, split here into its file parts with the standard library's MIME parser.

A file name is the sender's text, kept only to show a person which file it was: cleaned to its
last path component without control characters, and never used as a path (files are stored in
the database under their invoice's id)."""

import unicodedata
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser

from services.kernel.errors import InvalidArgument

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 100


@dataclass(frozen=True)
class UploadedFile:
    name: str
    content_type: str
    data: bytes


def files_of(content_type: str, body: bytes, file_name: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> list[UploadedFile]:
    """The files of one upload, each checked against the size limit."""
    if content_type.lower().startswith("multipart/form-data"):
        files = _multipart(content_type, body)
    else:
        files = [UploadedFile(display_name(file_name), content_type.split(";")[0].strip().lower(), body)]
    if not files:
        raise InvalidArgument.field("file", "the upload holds no file")
    if len(files) > MAX_FILES:
        raise InvalidArgument.field("file", f"at most {MAX_FILES} files per upload")
    for f in files:
        if len(f.data) > max_bytes:
            raise InvalidArgument.field(
                "file", f"{f.name or 'the file'} is {len(f.data) / 1_048_576:.1f} MB; files may be at most {max_bytes / 1_048_576:g} MB"
            )
    return files


def display_name(name: str) -> str:
    """ "../../etc/passwd" -> "passwd", "C:\\Users\\a\\ф.pdf" -> "ф.pdf"; control and format
    characters (NUL, line breaks, bidirectional overrides) removed; at most 255 characters."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    visible = "".join(ch for ch in last if unicodedata.category(ch)[0] != "C")
    return visible.strip().lstrip(".").strip()[-255:]


def _multipart(content_type: str, body: bytes) -> list[UploadedFile]:
    if "boundary=" not in content_type:
        raise InvalidArgument.field("file", "multipart/form-data without a boundary")
    message = BytesParser(policy=policy.HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise InvalidArgument.field("file", "the multipart body cannot be read")
    files = []
    for part in message.iter_parts():
        name = part.get_filename()
        if name is None:  # a plain form field (e.g. companyUid from old clients): not a file
            continue
        data = part.get_payload(decode=True)
        files.append(UploadedFile(display_name(name), part.get_content_type(), data if isinstance(data, bytes) else b""))
    return files
