"""Rime (librime, Debian's ``librime1``) driven through its C API with ctypes, as a yardstick for the
kiosk's input method: schema ``luna_pinyin_simp`` deployed into a fresh temporary user folder, and
nothing ever committed, so it learns nothing.

Only the bench uses this (bench/bench_ime_quality.py); the kiosk does not need librime.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import shutil
import tempfile
from pathlib import Path

INSTALL_HINT = "sudo apt-get install librime1 rime-data-luna-pinyin rime-prelude rime-essay"
SHARED_DATA = Path("/usr/share/rime-data")
SCHEMA = "luna_pinyin_simp"


class _Traits(ctypes.Structure):
    _fields_ = [
        ("data_size", ctypes.c_int),
        ("shared_data_dir", ctypes.c_char_p),
        ("user_data_dir", ctypes.c_char_p),
        ("distribution_name", ctypes.c_char_p),
        ("distribution_code_name", ctypes.c_char_p),
        ("distribution_version", ctypes.c_char_p),
        ("app_name", ctypes.c_char_p),
        ("modules", ctypes.POINTER(ctypes.c_char_p)),
        ("min_log_level", ctypes.c_int),
        ("log_dir", ctypes.c_char_p),
        ("prebuilt_data_dir", ctypes.c_char_p),
        ("staging_dir", ctypes.c_char_p),
    ]


class _Candidate(ctypes.Structure):
    _fields_ = [("text", ctypes.c_char_p), ("comment", ctypes.c_char_p), ("reserved", ctypes.c_void_p)]


class _Iterator(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p), ("index", ctypes.c_int), ("candidate", _Candidate)]


class RimeUnavailable(RuntimeError):
    pass


def _library() -> ctypes.CDLL:
    name = ctypes.util.find_library("rime") or "librime.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise RimeUnavailable(f"librime is not installed ({exc}): {INSTALL_HINT}") from exc
    if not (SHARED_DATA / f"{SCHEMA}.schema.yaml").exists() or not (SHARED_DATA / "essay.txt").exists():
        raise RimeUnavailable(f"Rime's data ({SCHEMA}, essay) is not installed: {INSTALL_HINT}")
    lib.RimeCreateSession.restype = ctypes.c_size_t
    for name in ("RimeSimulateKeySequence", "RimeSelectSchema", "RimeCandidateListBegin", "RimeCandidateListNext"):
        getattr(lib, name).restype = ctypes.c_int
    lib.RimeSimulateKeySequence.argtypes = [ctypes.c_size_t, ctypes.c_char_p]
    lib.RimeSelectSchema.argtypes = [ctypes.c_size_t, ctypes.c_char_p]
    lib.RimeClearComposition.argtypes = [ctypes.c_size_t]
    lib.RimeDestroySession.argtypes = [ctypes.c_size_t]
    lib.RimeCandidateListBegin.argtypes = [ctypes.c_size_t, ctypes.POINTER(_Iterator)]
    lib.RimeCandidateListNext.argtypes = [ctypes.POINTER(_Iterator)]
    lib.RimeCandidateListEnd.argtypes = [ctypes.POINTER(_Iterator)]
    lib.RimeStartMaintenance.argtypes = [ctypes.c_int]
    return lib


class Rime:
    """One Rime session on a fresh user folder; ``candidates(keys, limit)`` as the kiosk's IME gives them."""

    def __init__(self):
        self._lib = lib = _library()
        self._folder = tempfile.mkdtemp(prefix="bench-rime-")
        # Only the schema measured is deployed (the default list would compile a dozen others).
        Path(self._folder, "default.custom.yaml").write_text(
            f'patch:\n  schema_list:\n    - schema: {SCHEMA}\n  "menu/page_size": 9\n', encoding="utf-8"
        )
        self._traits = traits = _Traits()
        traits.data_size = ctypes.sizeof(_Traits) - ctypes.sizeof(ctypes.c_int)
        traits.shared_data_dir = str(SHARED_DATA).encode()
        traits.user_data_dir = self._folder.encode()
        traits.prebuilt_data_dir = str(SHARED_DATA / "build").encode()
        traits.staging_dir = str(Path(self._folder, "build")).encode()
        traits.distribution_name = traits.distribution_code_name = b"lobby-kiosk-bench"
        traits.distribution_version = b"1"
        traits.app_name = b"rime.lobby-kiosk-bench"
        traits.min_log_level = 3  # fatal only
        lib.RimeSetup(ctypes.byref(traits))
        lib.RimeInitialize(ctypes.byref(traits))
        if lib.RimeStartMaintenance(1):
            lib.RimeJoinMaintenanceThread()
        self._session = lib.RimeCreateSession()
        if not self._session or not lib.RimeSelectSchema(self._session, SCHEMA.encode()):
            self.close()
            raise RimeUnavailable(f"Rime could not start schema {SCHEMA}")

    def candidates(self, keys: str, limit: int = 5) -> list[str]:
        lib, found = self._lib, []
        lib.RimeClearComposition(self._session)
        lib.RimeSimulateKeySequence(self._session, keys.encode())
        iterator = _Iterator()
        if lib.RimeCandidateListBegin(self._session, ctypes.byref(iterator)):
            while len(found) < limit and lib.RimeCandidateListNext(ctypes.byref(iterator)):
                found.append(iterator.candidate.text.decode())
            lib.RimeCandidateListEnd(ctypes.byref(iterator))
        lib.RimeClearComposition(self._session)  # nothing committed: nothing learnt
        return found

    def close(self) -> None:
        if getattr(self, "_session", 0):
            self._lib.RimeDestroySession(self._session)
            self._session = 0
        self._lib.RimeFinalize()
        shutil.rmtree(self._folder, ignore_errors=True)
