# SPDX-License-Identifier: AGPL-3.0-or-later
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def validation_error_payload(exc: ValidationError) -> dict:
    """422 body: {"detail": [{"loc": [..., field], "msg": ..., "type": code}]}, like ninja's own errors."""
    detail = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                loc = ["body"] if field == NON_FIELD_ERRORS else ["body", field]
                detail.append({"loc": loc, "msg": " ".join(error.messages), "type": error.code or "invalid"})
    else:
        for error in exc.error_list:
            detail.append({"loc": ["body"], "msg": " ".join(error.messages), "type": error.code or "invalid"})
    return {"detail": detail}
