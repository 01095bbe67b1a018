"""WTForms' built-in messages in our languages.

WTForms ships no Vietnamese catalog, so its own messages ("Not a valid
choice.") are mapped here to Vietnamese message ids, which our catalog
translates like any other string (back to English in the English UI).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

MESSAGES: dict[str, Any] = {
    "This field is required.": _l("Trường này là bắt buộc."),
    "Not a valid choice.": _l("Lựa chọn không hợp lệ."),
    "Invalid Choice: could not coerce.": _l("Lựa chọn không hợp lệ."),
    "Invalid choice(s): one or more data inputs could not be coerced.":
        _l("Lựa chọn không hợp lệ."),
    "'%(value)s' is not a valid choice for this field.":
        _l("'%(value)s' không phải lựa chọn hợp lệ."),
    "Not a valid date value.": _l("Ngày không hợp lệ (dạng dd/mm/yyyy)."),
    "Not a valid datetime value.": _l("Ngày giờ không hợp lệ."),
    "Not a valid integer value.": _l("Phải là số nguyên."),
    "Not a valid decimal value.": _l("Phải là một số."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
    "Invalid email address.": _l("Địa chỉ email không hợp lệ."),
    "Field must be equal to %(other_name)s.": _l("Hai giá trị phải giống nhau."),
    "Field must be at least %(min)d character long.": _l("Cần ít nhất %(min)d ký tự."),
    "Field cannot be longer than %(max)d character.": _l("Không được dài quá %(max)d ký tự."),
    "Field must be between %(min)d and %(max)d characters long.":
        _l("Độ dài phải từ %(min)d đến %(max)d ký tự."),
    "Number must be at least %(min)s.": _l("Số phải từ %(min)s trở lên."),
    "Number must be at most %(max)s.": _l("Số không được lớn hơn %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Số phải từ %(min)s đến %(max)s."),
}


class FormTranslations:
    """The ``get_translations`` object WTForms asks for its messages."""

    def gettext(self, string: str) -> str:
        found = MESSAGES.get(string)
        return str(found) if found is not None else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = MESSAGES.get(singular)
        if found is not None:
            return str(found)
        return singular if n == 1 else plural


TRANSLATIONS = FormTranslations()
