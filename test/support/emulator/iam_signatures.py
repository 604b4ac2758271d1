"""IAM enforcement (INITIAL_NO_AUTH_ACTION_COUNT, /moto-api/reset-auth): signatures and denials.

Canonical query strings:

moto re-computes each request's SigV4 signature from the URL werkzeug hands it, whose query has
been percent-decoded (`prefix=a%2Fb%2F` arrives as `prefix=a/b/`), and botocore's signer uses the
query as given. SDKs sign the canonical form, in which every query key and value is
percent-encoded except the unreserved characters `A-Z a-z 0-9 - _ . ~`. So any signed request with
such a character in its query (an S3 ListObjectsV2 whose prefix holds a `/`) failed with
SignatureDoesNotMatch. This re-encodes the query to the canonical form before moto signs it.

Denials in the request's protocol: moto answers a denied action with an XML error even to
JSON-protocol services (ECS, CloudWatch, EventBridge, ...), which SDKs cannot parse ("Unexpected
token '<'"), so the caller never saw which action was denied. For a JSON request (X-Amz-Target or
an application/x-amz-json content type) the denial becomes AWS's JSON AccessDeniedException with
the same message, "User: <arn> is not authorized to perform: <service>:<Action>".

Only requests made while enforcement is on are affected; the default (off) never signs.
"""

from urllib.parse import quote, unquote


def canonical_query(path: str) -> str:
    """`path?query` with every query key and value percent-encoded as SigV4 canonical form."""
    base, separator, query = path.partition("?")
    if not separator:
        return path
    pairs = []
    for pair in query.split("&"):
        key, equals, value = pair.partition("=")
        encoded = quote(unquote(key), safe="-_.~")
        pairs.append(encoded + (equals + quote(unquote(value), safe="-_.~") if equals else ""))
    return f"{base}?{'&'.join(pairs)}"


def is_json_request(headers: dict) -> bool:  # type: ignore[type-arg]
    lowered = {key.lower(): value for key, value in headers.items()}
    return "x-amz-target" in lowered or lowered.get("content-type", "").startswith("application/x-amz-json")


def install() -> None:
    from moto.core.exceptions import JsonRESTError
    from moto.iam.access_control import IAMRequest, IAMRequestBase

    original = IAMRequestBase._create_aws_request

    def _create_aws_request(self):  # type: ignore[no-untyped-def]
        self._path = canonical_query(self._path)
        return original(self)

    IAMRequestBase._create_aws_request = _create_aws_request

    original_denied = IAMRequest._raise_access_denied

    def _raise_access_denied(self):  # type: ignore[no-untyped-def]
        if is_json_request(dict(self._headers)):
            error = JsonRESTError(
                "AccessDeniedException",
                f"User: {self._access_key.arn} is not authorized to perform: {self._action}",
            )
            error.code = 400
            raise error
        original_denied(self)

    IAMRequest._raise_access_denied = _raise_access_denied
