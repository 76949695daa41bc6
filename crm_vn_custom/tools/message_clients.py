"""HTTP clients of the message providers: Zalo ZNS (Zalo Notification Service) and a
Vietnamese brand-name SMS gateway (the JSON API of eSMS.vn, which most local gateways
copy). They know nothing of Odoo: each call returns what was sent or raises a
``ProviderError`` whose ``kind`` tells the queue what to do next."""

import json
import urllib.error
import urllib.parse
import urllib.request

ZNS_SEND_URL = "https://business.openapi.zalo.me/message/template"
ZALO_OAUTH_URL = "https://oauth.zaloapp.com/v4/oa/access_token"
ESMS_SEND_URL = ("https://rest.esms.vn/MainService.svc/json/"
                 "SendMultipleMessage_V4_post_json/")
TIMEOUT = 10

# What the queue does with each failure:
#   token: refresh the access token and retry once; quota: retry the next day;
#   recipient: this channel cannot reach the customer (fall back if the step says so);
#   temporary: retry later with backoff; permanent: give up.
ZNS_ERROR_KINDS = {
    -124: "token", -216: "token",
    -108: "recipient", -118: "recipient", -119: "recipient",
    -144: "quota", -1124: "quota",
}
ESMS_ERROR_KINDS = {"103": "quota", "101": "permanent", "104": "permanent",
                    "146": "permanent", "99": "temporary"}


class ProviderError(Exception):
    def __init__(self, kind, code, message):
        super().__init__(f"{code}: {message}")
        self.kind, self.code, self.message = kind, code, message


def _post(url, payload, headers, timeout, form=False):
    body = (urllib.parse.urlencode(payload) if form else json.dumps(payload)).encode()
    content_type = "application/x-www-form-urlencoded" if form else "application/json"
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type, **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return json.loads(response.read().decode() or "{}")
    except urllib.error.HTTPError as error:
        kind = "temporary" if error.code >= 500 or error.code == 429 else "permanent"
        raise ProviderError(kind, f"HTTP {error.code}", error.reason) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ProviderError("temporary", "network", str(getattr(error, "reason", error))) from error
    except ValueError as error:
        raise ProviderError("temporary", "response", "not JSON") from error


def zns_phone(e164):
    """ZNS wants the number as 84xxxxxxxxx (no plus sign, no leading zero)."""
    digits = "".join(ch for ch in e164 or "" if ch.isdigit())
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    return digits


def zns_send(access_token, phone, template_id, params, tracking_id,
             url=ZNS_SEND_URL, timeout=TIMEOUT):
    """Send one ZNS message; returns (message id, cost or None). ``tracking_id`` is the
    occasion: Zalo echoes it in delivery events and the queue never resends it."""
    answer = _post(url, {"phone": zns_phone(phone), "template_id": template_id,
                         "template_data": params, "tracking_id": tracking_id},
                   {"access_token": access_token}, timeout)
    code = int(answer.get("error", -1))
    if code:
        raise ProviderError(ZNS_ERROR_KINDS.get(code, "permanent"), code,
                            answer.get("message") or "")
    data = answer.get("data") or {}
    return str(data.get("msg_id") or ""), data.get("cost")


def zalo_refresh_token(app_id, secret_key, refresh_token, url=ZALO_OAUTH_URL, timeout=TIMEOUT):
    """New (access token, refresh token, lifetime in seconds): Zalo's refresh tokens are
    single-use, so the new one must be stored at once."""
    answer = _post(url, {"app_id": app_id, "grant_type": "refresh_token",
                         "refresh_token": refresh_token},
                   {"secret_key": secret_key}, timeout, form=True)
    if not answer.get("access_token"):
        raise ProviderError("permanent", answer.get("error", "token"),
                            answer.get("error_description") or answer.get("message") or "")
    return answer["access_token"], answer.get("refresh_token"), int(answer.get("expires_in", 0))


def esms_send(api_key, secret_key, brand_name, phone, content, request_id,
              url=ESMS_SEND_URL, timeout=TIMEOUT):
    """Send one brand-name SMS (customer care type); ``request_id`` makes the gateway
    refuse a second send of the same occasion (its code 124)."""
    answer = _post(url, {"ApiKey": api_key, "SecretKey": secret_key, "Brandname": brand_name,
                         "Phone": zns_phone(phone), "Content": content, "SmsType": "2",
                         "IsUnicode": "0", "RequestId": request_id}, {}, timeout)
    code = str(answer.get("CodeResult", "99"))
    if code == "124":  # already accepted under this request id: it was sent
        return str(answer.get("SMSID") or request_id), None
    if code != "100":
        raise ProviderError(ESMS_ERROR_KINDS.get(code, "permanent"), code,
                            answer.get("ErrorMessage") or "")
    return str(answer.get("SMSID") or ""), answer.get("Cost")
