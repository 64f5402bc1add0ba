"""Persistent state of the reference CMF (SQLite, stdlib).

Wire representations (SubjectInstance, CMP messages) are built elsewhere from these rows;
the store only knows subjects, their delegates, certificates and pending CMP transactions.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

CHECKPOINT_SECONDS = 1.0
SCHEMA = """
CREATE TABLE IF NOT EXISTS subjects (
  id TEXT PRIMARY KEY, cert_type TEXT NOT NULL, handling TEXT NOT NULL,
  owner TEXT NOT NULL, entries TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vnfcis (
  vnfci_id TEXT NOT NULL, cert_type TEXT NOT NULL, subject TEXT NOT NULL REFERENCES subjects(id),
  owner TEXT NOT NULL, PRIMARY KEY (vnfci_id, cert_type));
CREATE TABLE IF NOT EXISTS certificates (
  serial TEXT PRIMARY KEY, issuer TEXT NOT NULL, subject TEXT NOT NULL, vnfci_id TEXT NOT NULL,
  owner TEXT NOT NULL, cert_type TEXT NOT NULL, not_after TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0, der BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, body TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS transactions (
  txid TEXT PRIMARY KEY, owner TEXT NOT NULL, state TEXT NOT NULL, polls_left INTEGER NOT NULL,
  request TEXT NOT NULL, created TEXT NOT NULL);
"""


@dataclass(frozen=True)
class SubjectRow:
    id: str
    cert_type: str
    handling: str
    owner: str
    entries: list[dict[str, Any]]  # RegistrationRequest.subjectId items as received


@dataclass(frozen=True)
class CertRow:
    serial: int
    issuer: str
    subject: str
    vnfci_id: str
    owner: str
    cert_type: str
    not_after: datetime
    revoked: bool
    der: bytes


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        # WAL with synchronous=NORMAL: a commit appends to the log without an fsync (a power loss can lose the last
        # commits, never corrupt the database); the only fsyncs are the checkpoints, which a thread of its own
        # runs on its own connection, so no request ever waits for the disk
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA wal_autocheckpoint = 0")
        self._db.execute("PRAGMA journal_size_limit = 4194304")  # the WAL file shrinks back after a checkpoint
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._checkpointer = threading.Thread(target=self._checkpoints, args=(path,), name="refcmf-wal",
                                              daemon=True)
        self._checkpointer.start()

    def _checkpoints(self, path: Path, every: float = CHECKPOINT_SECONDS) -> None:
        """Move the WAL into the database every ``every`` seconds (PASSIVE: never blocks a writer), until close."""
        db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        try:
            while not self._stop.wait(every):
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass  # the database went away (closed under us): nothing left to checkpoint
        finally:
            db.close()

    def close(self) -> None:
        self._stop.set()
        self._checkpointer.join(timeout=5)
        with self._lock:
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # leave the database file complete
            except sqlite3.Error:
                pass
            self._db.close()

    # subjects -----------------------------------------------------------------------
    def vnfci_owner(self, vnfci_id: str, cert_type: str) -> tuple[str, str] | None:
        """(owner, subject resource id) of a registered VNFCI, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT owner, subject FROM vnfcis WHERE vnfci_id=? AND cert_type=?", (vnfci_id, cert_type)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def add_subject(self, row: SubjectRow, *, replace_vnfcis: bool = False) -> None:
        now = datetime.now(timezone.utc).isoformat()
        verb = "INSERT OR REPLACE" if replace_vnfcis else "INSERT"
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute(
                    "INSERT INTO subjects VALUES (?,?,?,?,?,?)",
                    (row.id, row.cert_type, row.handling, row.owner, json.dumps(row.entries), now),
                )
                for entry in row.entries:
                    self._db.execute(
                        f"{verb} INTO vnfcis VALUES (?,?,?,?)",
                        (entry["subjectId"], row.cert_type, row.id, row.owner),
                    )
                self._db.execute("COMMIT")
            except Exception:
                self._db.execute("ROLLBACK")
                raise

    def subjects(self, owner: str | None = None) -> list[SubjectRow]:
        sql, args = "SELECT id, cert_type, handling, owner, entries FROM subjects", ()
        if owner is not None:
            sql, args = sql + " WHERE owner=?", (owner,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY created, id", args).fetchall()
        return [SubjectRow(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    def subject(self, subject_id: str) -> SubjectRow | None:
        with self._lock:
            r = self._db.execute(
                "SELECT id, cert_type, handling, owner, entries FROM subjects WHERE id=?", (subject_id,)
            ).fetchone()
        return SubjectRow(r[0], r[1], r[2], r[3], json.loads(r[4])) if r else None

    def delete_subject(self, subject_id: str) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM vnfcis WHERE subject=?", (subject_id,))
            self._db.execute("DELETE FROM subjects WHERE id=?", (subject_id,))
            self._db.execute("COMMIT")

    # certificates ---------------------------------------------------------------------
    def add_certificate(self, row: CertRow) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO certificates VALUES (?,?,?,?,?,?,?,?,?)",
                (format(row.serial, "x"), row.issuer, row.subject, row.vnfci_id, row.owner, row.cert_type,
                 row.not_after.isoformat(), int(row.revoked), row.der),
            )

    def certificate(self, serial: int, issuer: str) -> CertRow | None:
        with self._lock:
            r = self._db.execute(
                "SELECT * FROM certificates WHERE serial=? AND issuer=?", (format(serial, "x"), issuer)
            ).fetchone()
        return _cert_row(r) if r else None

    def certificates_of_subject(self, subject_id: str) -> list[CertRow]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM certificates WHERE subject=?", (subject_id,)).fetchall()
        return [_cert_row(r) for r in rows]

    def mark_revoked(self, serial: int, issuer: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE certificates SET revoked=1 WHERE serial=? AND issuer=?", (format(serial, "x"), issuer)
            )

    # Certificate Notification subscriptions (SOL023 clause 7) ----------------------------------
    def add_subscription(self, subscription_id: str, owner: str, body: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT INTO subscriptions VALUES (?,?,?,?)", (
                subscription_id, owner, json.dumps(body), datetime.now(timezone.utc).isoformat()))

    def subscriptions(self, owner: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
        """(id, owner, stored body) in creation order, of one owner or of all."""
        sql, args = "SELECT id, owner, body FROM subscriptions", ()
        if owner is not None:
            sql, args = sql + " WHERE owner=?", (owner,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY created, id", args).fetchall()
        return [(r[0], r[1], json.loads(r[2])) for r in rows]

    def delete_subscription(self, subscription_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM subscriptions WHERE id=?", (subscription_id,))

    # pending CMP transactions -----------------------------------------------------------
    def put_transaction(self, txid: bytes, owner: str, state: str, polls_left: int, request: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO transactions VALUES (?,?,?,?,?,?)",
                (txid.hex(), owner, state, polls_left, json.dumps(request), datetime.now(timezone.utc).isoformat()),
            )

    def transaction(self, txid: bytes) -> tuple[str, str, int, dict[str, Any]] | None:
        with self._lock:
            r = self._db.execute(
                "SELECT owner, state, polls_left, request FROM transactions WHERE txid=?", (txid.hex(),)
            ).fetchone()
        return (r[0], r[1], r[2], json.loads(r[3])) if r else None

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """All rows of all tables, for tests that assert state is unchanged."""
        with self._lock:
            return {
                t: self._db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("subjects", "vnfcis", "certificates", "transactions", "subscriptions")
            }


def _cert_row(r: tuple[Any, ...]) -> CertRow:
    return CertRow(int(r[0], 16), r[1], r[2], r[3], r[4], r[5], datetime.fromisoformat(r[6]), bool(r[7]), r[8])
