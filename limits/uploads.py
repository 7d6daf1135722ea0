"""The size of an uploaded file, refused while it arrives: no byte past the limit is written anywhere.

`SizeLimitedUploadHandler` runs before Django's own handlers (settings.FILE_UPLOAD_HANDLERS). Once a
file passes settings.UPLOAD_MAX_BYTES it is skipped, whatever was buffered of it is thrown away, and
the request remembers which field it was so the form can say why.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


def upload_too_large_message() -> str:
    return f"The selected file must be smaller than {settings.UPLOAD_MAX_BYTES // (1024 * 1024)}MB"


def upload_refused(request, field_name: str) -> bool:
    return field_name in getattr(request, "refused_uploads", set())


class SizeLimitedUploadHandler(FileUploadHandler):
    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            if not hasattr(self.request, "refused_uploads"):
                self.request.refused_uploads = set()
            self.request.refused_uploads.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
