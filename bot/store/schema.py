"""Numbered schema migrations; each runs once, in order, recorded in the database."""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the first schema. Chat ids cascade on update so a group upgraded to a
    # supergroup keeps all its rows with one UPDATE of chats.id.
    """
    CREATE TABLE chats (
        id          INTEGER PRIMARY KEY,
        type        TEXT NOT NULL,
        title       TEXT NOT NULL DEFAULT '',
        language    TEXT NOT NULL,
        timezone    TEXT NOT NULL,
        active      INTEGER NOT NULL DEFAULT 1,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE organisations (
        id          INTEGER PRIMARY KEY,
        chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        name        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        UNIQUE (chat_id, name)
    );
    CREATE TABLE members (
        chat_id         INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        user_id         INTEGER NOT NULL,
        name            TEXT NOT NULL,
        organisation_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
        anonymous_admin INTEGER NOT NULL DEFAULT 0,
        first_seen      TEXT NOT NULL,
        PRIMARY KEY (chat_id, user_id)
    );
    CREATE TABLE flow_runs (
        id          INTEGER PRIMARY KEY,
        chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        flow        TEXT NOT NULL,
        number      INTEGER NOT NULL DEFAULT 1,
        state       TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('active', 'paused', 'done')),
        started_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX flow_runs_chat ON flow_runs (chat_id, flow);
    CREATE TABLE answers (
        id              INTEGER PRIMARY KEY,
        run_id          INTEGER NOT NULL REFERENCES flow_runs(id) ON DELETE CASCADE,
        chat_id         INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        step            TEXT NOT NULL,
        user_id         INTEGER NOT NULL,
        user_name       TEXT NOT NULL,
        organisation_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
        value           TEXT NOT NULL,
        skipped         INTEGER NOT NULL DEFAULT 0,
        message_id      INTEGER,
        created_at      TEXT NOT NULL
    );
    CREATE INDEX answers_run_step ON answers (run_id, step);
    CREATE TABLE prompts (
        chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        message_id  INTEGER NOT NULL,
        run_id      INTEGER REFERENCES flow_runs(id) ON DELETE CASCADE,
        step        TEXT NOT NULL,
        draft       TEXT,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (chat_id, message_id)
    );
    CREATE TABLE schedules (
        chat_id     INTEGER PRIMARY KEY REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        rule        TEXT NOT NULL,
        timezone    TEXT NOT NULL,
        next_at     TEXT,
        paused_until TEXT
    );
    CREATE TABLE checkins (
        id          INTEGER PRIMARY KEY,
        chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        opened_at   TEXT NOT NULL,
        closed_at   TEXT,
        reminded_at TEXT
    );
    CREATE TABLE processed_updates (
        update_id    INTEGER PRIMARY KEY,
        processed_at TEXT NOT NULL
    );
    """,
    # 2: the last tip a chat saw, so /tip never repeats itself.
    """
    ALTER TABLE chats ADD COLUMN last_tip TEXT;
    """,
    # 3: check-in rounds: when to remind and close, the message, and every answer.
    """
    ALTER TABLE checkins ADD COLUMN remind_at TEXT;
    ALTER TABLE checkins ADD COLUMN close_at TEXT;
    ALTER TABLE checkins ADD COLUMN message_id INTEGER;
    CREATE INDEX checkins_chat ON checkins (chat_id, id);
    CREATE TABLE checkin_answers (
        id              INTEGER PRIMARY KEY,
        checkin_id      INTEGER NOT NULL REFERENCES checkins(id) ON DELETE CASCADE,
        chat_id         INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        user_id         INTEGER NOT NULL,
        user_name       TEXT NOT NULL,
        organisation_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
        question        TEXT NOT NULL,
        value           TEXT NOT NULL,
        created_at      TEXT NOT NULL
    );
    CREATE INDEX checkin_answers_round ON checkin_answers (checkin_id);
    """,
    # 4: the five-conditions scan. In an anonymous scan the member is stored only as a
    # salted hash, so no one can tell later who gave which score.
    """
    CREATE TABLE scans (
        id          INTEGER PRIMARY KEY,
        chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        number      INTEGER NOT NULL,
        anonymous   INTEGER NOT NULL DEFAULT 0,
        salt        TEXT NOT NULL,
        opened_at   TEXT NOT NULL,
        closed_at   TEXT,
        message_id  INTEGER
    );
    CREATE TABLE scan_scores (
        id              INTEGER PRIMARY KEY,
        scan_id         INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        chat_id         INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        respondent      INTEGER NOT NULL,
        user_name       TEXT NOT NULL,
        organisation_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
        condition       TEXT NOT NULL,
        score           INTEGER,
        remark          TEXT,
        created_at      TEXT NOT NULL
    );
    CREATE INDEX scan_scores_scan ON scan_scores (scan_id);
    """,
    # 5: when a chat was last active, and whether it was warned before its data expires.
    """
    ALTER TABLE chats ADD COLUMN last_active_at TEXT;
    ALTER TABLE chats ADD COLUMN retention_warned_at TEXT;
    """,
    # 6: a chat's answers by message: an edited answer is found, a forgotten chat deleted,
    # without reading every answer.
    """
    CREATE INDEX answers_chat_message ON answers (chat_id, message_id);
    """,
    # 7: what a member typed after choosing "Other" (sealed like the value); what a sent
    # message asks (a question, the explanation of "Other", the rest of a long answer);
    # half-made multiple choices, one per member, never shared between members.
    """
    ALTER TABLE answers ADD COLUMN note TEXT;
    ALTER TABLE prompts ADD COLUMN kind TEXT NOT NULL DEFAULT 'question';
    CREATE TABLE drafts (
        chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        run_id      INTEGER NOT NULL REFERENCES flow_runs(id) ON DELETE CASCADE,
        step        TEXT NOT NULL,
        user_id     INTEGER NOT NULL,
        choices     TEXT NOT NULL,
        PRIMARY KEY (chat_id, run_id, step, user_id)
    );
    """,
    # 8: typed prompts: a check-in round's or a scan's message says so in its kind, with
    # the round's or scan's id as its step (they were "checkin:<id>" / "scan:<id>" steps).
    """
    UPDATE prompts SET kind = 'checkin', step = substr(step, 9)
        WHERE kind = 'question' AND step LIKE 'checkin:%';
    UPDATE prompts SET kind = 'scan', step = substr(step, 6)
        WHERE kind = 'question' AND step LIKE 'scan:%';
    """,
    # 9: a prompt names what it asks about in columns of its own: its kind, the run and
    # step of a question, or the id (`ref`) of a check-in round or a scan.
    """
    ALTER TABLE prompts ADD COLUMN ref INTEGER;
    UPDATE prompts SET ref = CAST(step AS INTEGER), step = ''
        WHERE kind IN ('checkin', 'scan') AND step GLOB '[0-9]*';
    """,
    # 10: a sealed answer value is kept as the JSON string of its token, like any other
    # string value (the cipher became a layer around the store; the SQL keeps JSON).
    """
    UPDATE answers SET value = json_quote(value) WHERE value LIKE 'gAAAA%';
    """,
    # 11 (networks, issue 19): a coordinator's network, its coordinators (each with their
    # weekly digest), its link and invitation codes (only their hashes, with an expiry)
    # and the groups that chose to link. A group's link goes with the group.
    """
    CREATE TABLE networks (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE network_coordinators (
        network_id      INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
        user_id         INTEGER NOT NULL,
        chat_id         INTEGER NOT NULL,
        digest          TEXT,
        digest_next_at  TEXT,
        digest_sent_at  TEXT,
        added_at        TEXT NOT NULL,
        PRIMARY KEY (network_id, user_id)
    );
    CREATE INDEX network_coordinators_due ON network_coordinators (digest_next_at);
    CREATE TABLE network_codes (
        code_hash   TEXT PRIMARY KEY,
        network_id  INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
        purpose     TEXT NOT NULL CHECK (purpose IN ('link', 'invite')),
        expires_at  TEXT NOT NULL
    );
    CREATE TABLE network_links (
        network_id      INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
        chat_id         INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        share_summaries INTEGER NOT NULL DEFAULT 0,
        linked_at       TEXT NOT NULL,
        PRIMARY KEY (network_id, chat_id)
    );
    CREATE INDEX network_links_chat ON network_links (chat_id);
    """,
    # 12 (anonymous scans, issue 15): while an anonymous scan is open, `scan_voters` links
    # each voter (a salted hash of their user id) to a random token, the only respondent
    # their scores carry: one current score each, and nobody votes twice. At close the
    # voters go, and the scores keep no token, no time (the scan's day), and their
    # organisation only where at least two of its members scored that condition;
    # `scans.respondents` keeps how many took part. Anonymous scans closed before get the
    # same; open ones get their voters (under the number they scored as).
    """
    CREATE TABLE scan_voters (
        scan_id     INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        voter       INTEGER NOT NULL,
        token       INTEGER NOT NULL,
        PRIMARY KEY (scan_id, voter)
    );
    ALTER TABLE scans ADD COLUMN respondents INTEGER;
    INSERT INTO scan_voters (scan_id, chat_id, voter, token)
        SELECT DISTINCT s.scan_id, s.chat_id, s.respondent, s.respondent
        FROM scan_scores s JOIN scans c ON c.id = s.scan_id
        WHERE c.anonymous = 1 AND c.closed_at IS NULL AND s.remark IS NULL;
    UPDATE scan_scores SET respondent = 0, organisation_id = NULL
        WHERE remark IS NOT NULL AND scan_id IN (SELECT id FROM scans WHERE anonymous = 1);
    UPDATE scan_scores SET created_at = (
            SELECT substr(c.opened_at, 1, 10) || 'T00:00:00+00:00' FROM scans c
            WHERE c.id = scan_scores.scan_id)
        WHERE scan_id IN (SELECT id FROM scans WHERE anonymous = 1);
    DELETE FROM scan_scores
        WHERE remark IS NULL
        AND scan_id IN (SELECT id FROM scans WHERE anonymous = 1 AND closed_at IS NOT NULL)
        AND id NOT IN (SELECT MAX(id) FROM scan_scores WHERE remark IS NULL
                       GROUP BY scan_id, respondent, condition);
    UPDATE scan_scores SET organisation_id = (
            SELECT o.organisation_id FROM scan_scores o
            WHERE o.scan_id = scan_scores.scan_id AND o.respondent = scan_scores.respondent
            AND o.remark IS NULL ORDER BY o.id DESC LIMIT 1)
        WHERE remark IS NULL
        AND scan_id IN (SELECT id FROM scans WHERE anonymous = 1 AND closed_at IS NOT NULL);
    UPDATE scan_scores SET organisation_id = NULL
        WHERE remark IS NULL
        AND scan_id IN (SELECT id FROM scans WHERE anonymous = 1 AND closed_at IS NOT NULL)
        AND (SELECT COUNT(*) FROM scan_scores o
             WHERE o.scan_id = scan_scores.scan_id AND o.condition = scan_scores.condition
             AND o.organisation_id = scan_scores.organisation_id AND o.remark IS NULL) < 2;
    UPDATE scans SET salt = '', respondents = (
            SELECT COUNT(DISTINCT s.respondent) FROM scan_scores s
            WHERE s.scan_id = scans.id AND s.remark IS NULL)
        WHERE anonymous = 1 AND closed_at IS NOT NULL;
    UPDATE scan_scores SET respondent = -1
        WHERE scan_id IN (SELECT id FROM scans WHERE anonymous = 1 AND closed_at IS NOT NULL);
    INSERT INTO scan_scores (scan_id, chat_id, respondent, user_name, organisation_id,
                             condition, score, remark, created_at)
        SELECT scan_id, chat_id, 0, '', organisation_id, condition, score, remark, created_at
        FROM scan_scores WHERE respondent = -1
        AND scan_id IN (SELECT id FROM scans WHERE anonymous = 1 AND closed_at IS NOT NULL)
        ORDER BY scan_id, remark IS NOT NULL, condition, organisation_id, score, id;
    DELETE FROM scan_scores WHERE respondent = -1
        AND scan_id IN (SELECT id FROM scans WHERE anonymous = 1 AND closed_at IS NOT NULL);
    """,
    # 13 (networks, issue 19): who linked a group to a network (the admin's user id,
    # emptied by their /forgetme; unknown for links made before), and when it unlinked.
    # An unlinked group's row is kept, shown to nobody, only so the next weekly digest can
    # say it unlinked; it goes when the group links again, with the group's /forget, and
    # 30 days after unlinking.
    """
    ALTER TABLE network_links ADD COLUMN linked_by INTEGER;
    ALTER TABLE network_links ADD COLUMN unlinked_at TEXT;
    """,
    # 14 (speed, issue 16): the clock looks for due schedules every 30 s; without an index
    # that read every schedule (39 ms at 100,000 chats), with it only the due ones.
    """
    CREATE INDEX schedules_next_at ON schedules (next_at);
    """,
    # 15 (several workers, issue 18): wrong link and invitation codes typed per chat, so
    # the limit on guessing holds across workers and restarts. Kept for an hour.
    """
    CREATE TABLE wrong_codes (chat_id INTEGER NOT NULL, typed_at TEXT NOT NULL);
    CREATE INDEX wrong_codes_chat ON wrong_codes (chat_id, typed_at);
    """,
]
