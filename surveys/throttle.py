"""Per-address throttling of survey answers: someone holding a pile of links cannot fill them from one machine.

Counted together for the web page and the API, in the storage the login throttle uses (RATELIMIT_STORAGE_URL).
"""
from flask import current_app
from flask_limiter.util import get_remote_address

from registry.extensions import limiter

THROTTLED = "Слишком много ответов с одного адреса. Подождите минуту и отправьте снова."


def throttle_answers(view):
    return limiter.shared_limit(lambda: current_app.config["SURVEY_ANSWER_LIMIT_PER_ADDRESS"], "survey-answer",
                                key_func=get_remote_address, methods=["POST"], error_message=THROTTLED)(view)
