"""age encryption (https://age-encryption.org), through the pyrage bindings: the only
module that imports pyrage.

Recipients are age X25519 public keys (`age1...`) or SSH ed25519 public keys, so the
keys approvers already have can read too. Ciphertext is ASCII-armoured, so a case's
encrypted file is text in git like every other file. Every failure becomes a
`CryptoError` with a plain message; the callers add where and what would fix it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage

_AGE_KEY = re.compile(r"^age1[02-9ac-hj-np-z]{58}$")
_SSH_KEY = re.compile(r"^ssh-ed25519 [A-Za-z0-9+/]+={0,2}$")
_SECRET = re.compile(r"^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$")
IDENTITY_CAP = 64 * 1024  # an identity file is a few lines; never read a huge file whole


class CryptoError(Exception):
    """Encryption or decryption failed; the message says why, never what was encrypted."""


@dataclass(frozen=True)
class Recipient:
    key: str  # the public key as written: `age1...` or `ssh-ed25519 AAAA...` (no comment)

    @property
    def short(self) -> str:
        """The key as a message may show it: its kind and its last characters."""
        kind, _, body = self.key.rpartition(" ")
        return f"{kind or 'age'} …{body[-12:]}"


def ssh_tag(recipient: Recipient) -> str | None:
    """The tag an ssh-ed25519 stanza carries for `recipient` (the first 4 bytes of the SHA-256 of
    its key, as age writes it); None for an age key, whose X25519 stanza names no one."""
    kind, _, body = recipient.key.partition(" ")
    if kind != "ssh-ed25519":
        return None
    digest = hashlib.sha256(base64.b64decode(body)).digest()[:4]
    return base64.b64encode(digest).decode("ascii").rstrip("=")


def stanzas(ciphertext: str) -> list[tuple[str, str | None]] | None:
    """The recipient stanzas of an armoured age file's header, read without any key: (kind,
    ssh tag or None) for each X25519 or ssh-ed25519 stanza (the random "grease" stanzas left
    out); None if it is not armoured age."""
    lines = ciphertext.strip().splitlines()
    if len(lines) < 3 or lines[0] != "-----BEGIN AGE ENCRYPTED FILE-----" or \
            lines[-1] != "-----END AGE ENCRYPTED FILE-----":
        return None
    try:
        raw = base64.b64decode("".join(lines[1:-1]), validate=True)
    except (binascii.Error, ValueError):
        return None
    header, found, _ = raw.partition(b"\n---")
    if not found or not header.startswith(b"age-encryption.org/v1\n"):
        return None
    listed: list[tuple[str, str | None]] = []
    for line in header.split(b"\n"):
        if not line.startswith(b"-> "):
            continue
        parts = line[3:].decode("ascii", errors="replace").split(" ")
        if parts[0] == "X25519":
            listed.append(("X25519", None))
        elif parts[0] == "ssh-ed25519":
            listed.append(("ssh-ed25519", parts[1] if len(parts) > 1 else ""))
        elif not parts[0].endswith("-grease"):
            listed.append((parts[0], None))  # a kind reviewctl never writes: counted, so it is seen
    return listed


def parse_recipient(text: str) -> Recipient:
    """A public key as age or ssh writes it (an ssh comment is dropped), checked."""
    parts = text.strip().split()
    if len(parts) >= 2 and parts[0] == "ssh-ed25519":
        key = f"{parts[0]} {parts[1]}"
        if _SSH_KEY.match(key):
            try:
                pyrage.ssh.Recipient.from_str(key)
            except pyrage.RecipientError as error:
                raise CryptoError(f"not a valid ssh-ed25519 public key ({error})") from None
            return Recipient(key)
    elif len(parts) == 1 and _AGE_KEY.match(parts[0]):
        try:
            pyrage.x25519.Recipient.from_str(parts[0])
        except pyrage.RecipientError as error:
            raise CryptoError(f"not a valid age public key ({error})") from None
        return Recipient(parts[0])
    if parts and parts[0].startswith(("ssh-", "ecdsa-", "sk-")):
        raise CryptoError(f"a {parts[0]} key cannot be a recipient; give an ssh-ed25519 or an age key")
    if parts and parts[0].startswith(("AGE-SECRET-KEY-", "-----BEGIN")):
        raise CryptoError("that is a private key; give the public key (`age1...`, or the ssh .pub file)")
    raise CryptoError("not an age public key (`age1...`) or an ssh-ed25519 public key")


def _native_recipient(recipient: Recipient) -> Any:
    if recipient.key.startswith("ssh-"):
        return pyrage.ssh.Recipient.from_str(recipient.key)
    return pyrage.x25519.Recipient.from_str(recipient.key)


def encrypt(plaintext: bytes, recipients: list[Recipient]) -> str:
    if not recipients:
        raise CryptoError("no recipients to encrypt for")
    try:
        armoured = pyrage.encrypt(plaintext, [_native_recipient(r) for r in recipients], armored=True)
    except (pyrage.EncryptError, pyrage.RecipientError) as error:
        raise CryptoError(f"encryption failed ({error})") from None
    return bytes(armoured).decode("ascii")


class Identities:
    """Private keys that may decrypt: age secret keys and unencrypted ssh-ed25519 keys."""

    def __init__(self, native: list[Any], source: str) -> None:
        self.native = native
        self.source = source  # where they came from, for messages

    def decrypt(self, ciphertext: str) -> bytes:
        try:
            return bytes(pyrage.decrypt(ciphertext.encode("ascii", errors="replace"), self.native))
        except pyrage.DecryptError as error:
            text = str(error)
            if "No matching keys" in text:
                raise CryptoError(f"no key in {self.source} can read it") from None
            raise CryptoError(f"it is damaged or not age ciphertext ({text.splitlines()[0]})") from None


def secret_identities(text: str, source: str) -> Identities:
    """The age secret keys of an identity file's text (comments and blank lines allowed)."""
    native = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not _SECRET.match(line):
            raise CryptoError(f"{source} holds a line that is not an age secret key")
        native.append(pyrage.x25519.Identity.from_str(line))
    if not native:
        raise CryptoError(f"{source} holds no age secret key")
    return Identities(native, source)


def load_identity(path: Path, source: str) -> Identities:
    """An identity file as age or ssh writes it: age secret keys, or an OpenSSH private key."""
    try:
        with path.open("rb") as handle:
            data = handle.read(IDENTITY_CAP + 1)
    except OSError as error:
        raise CryptoError(f"{source} cannot be read ({error.strerror})") from None
    if len(data) > IDENTITY_CAP:
        raise CryptoError(f"{source} is too large to be a key file")
    if data.lstrip().startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----"):
        try:
            return Identities([pyrage.ssh.Identity.from_buffer(data)], source)
        except pyrage.IdentityError as error:
            if "decrypted" in str(error):
                raise CryptoError(f"{source} is protected by a passphrase, which reviewctl cannot ask for; "
                                  "use an age identity (`age-keygen`) or a key without one") from None
            raise CryptoError(f"{source} is not a usable ssh-ed25519 private key ({error})") from None
    if data.lstrip().startswith(b"-----BEGIN"):
        raise CryptoError(f"{source} is not an ssh-ed25519 or age private key")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CryptoError(f"{source} is not a key file (it is not text)") from None
    return secret_identities(text, source)


def new_secret() -> tuple[str, Recipient]:
    """A fresh age key pair: the secret key's text and its public key."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), Recipient(str(identity.to_public()))
